/*
 * Keras' SGD with momentum in one pass over parameters, velocities and gradients.
 *
 * LibTorch runs the update as four element-wise operations (scale the gradient into a new tensor,
 * scale the velocity, add, add to the weight), each a full pass over memory; this loop reads each
 * value once and writes each once, with every product and sum rounded to float in the same order
 * (no contraction into fused multiply-adds: -ffp-contract=off), so the results are bit-identical.
 *
 * Threads: on LibTorch's own OpenMP team where it is loaded, else on POSIX threads (cpu_team.h).
 */
#include <stddef.h>

#include "cpu_team.h"
#include "xfer/kernels.h"

/* Below this many values in all, a second thread costs more than it saves. */
#define XFER_SGD_MIN_VALUES_PER_THREAD (1 << 16)

typedef struct {
  float* const* params;
  float* const* velocities;
  const float* const* grads;
  const int64_t* lengths;
  const float* neg_lrs;
  int count;
  float momentum;
  int nesterov;
  int64_t begin; /* the share of this thread, as positions in all tensors laid end to end */
  int64_t end;
} sgd_share;

static void update_run(float* restrict p, float* restrict v, const float* restrict g, int64_t n,
                       float neg_lr, float momentum, int nesterov) {
  if (nesterov) {
    for (int64_t i = 0; i < n; i++) {
      float scaled = g[i] * neg_lr;
      float vi = v[i] * momentum + scaled;
      v[i] = vi;
      p[i] = p[i] + (vi * momentum + scaled);
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      float vi = v[i] * momentum + g[i] * neg_lr;
      v[i] = vi;
      p[i] = p[i] + vi;
    }
  }
}

static void update_share(const sgd_share* s) {
  int64_t start = 0;
  for (int t = 0; t < s->count && start < s->end; t++) {
    int64_t stop = start + s->lengths[t];
    int64_t lo = s->begin > start ? s->begin : start;
    int64_t hi = s->end < stop ? s->end : stop;
    if (lo < hi && s->grads[t] != NULL) {
      int64_t off = lo - start;
      update_run(s->params[t] + off, s->velocities[t] + off, s->grads[t] + off, hi - lo, s->neg_lrs[t],
                 s->momentum, s->nesterov);
    }
    start = stop;
  }
}

/* One member of the team: its even share of the values, by its number in the team. */
static void team_member(int member, int members, void* arg) {
  const sgd_share* all = (const sgd_share*)arg; /* begin 0, end = all values */
  sgd_share s = *all;
  s.begin = all->end * member / members;
  s.end = all->end * (member + 1) / members;
  update_share(&s);
}

int xfer_keras_sgd_cpu(int count, float* const* params, float* const* velocities, const float* const* grads,
                       const int64_t* lengths, const float* neg_lrs, float momentum, int nesterov, int threads) {
  if (count < 0 || threads < 1) return XFER_ERR_BAD_SHAPE;
  if (count == 0) return XFER_OK;
  if (!params || !velocities || !grads || !lengths || !neg_lrs) return XFER_ERR_NULL_POINTER;
  int64_t total = 0;
  for (int t = 0; t < count; t++) {
    if (lengths[t] < 0) return XFER_ERR_BAD_SHAPE;
    if (grads[t] != NULL && lengths[t] > 0 && (!params[t] || !velocities[t])) return XFER_ERR_NULL_POINTER;
    total += lengths[t];
  }
  int64_t most = total / XFER_SGD_MIN_VALUES_PER_THREAD;
  if (threads > most) threads = most < 1 ? 1 : (int)most;

  sgd_share all = {params, velocities, grads, lengths, neg_lrs, count, momentum, nesterov, 0, total};
  xfer_team_run(threads, team_member, &all);
  return XFER_OK;
}
