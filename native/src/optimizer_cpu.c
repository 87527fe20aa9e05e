/*
 * Keras' SGD with momentum in one pass over parameters, velocities and gradients.
 *
 * LibTorch runs the update as four element-wise operations (scale the gradient into a new tensor,
 * scale the velocity, add, add to the weight), each a full pass over memory; this loop reads each
 * value once and writes each once, with every product and sum rounded to float in the same order
 * (no contraction into fused multiply-adds: -ffp-contract=off), so the results are bit-identical.
 *
 * Threads: where LibTorch's OpenMP runtime (libgomp) is loaded, the work runs on its thread team,
 * whose idle members spin waiting for LibTorch's next operation: a thread of our own would share a
 * core with one of them. The runtime is looked up, never loaded (dlopen RTLD_NOLOAD), so this library
 * does not link against an OpenMP of its own; without one loaded, the shares run on POSIX threads.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "xfer/kernels.h"

/* Below this many values in all, a second thread costs more than it saves. */
#define XFER_SGD_MIN_VALUES_PER_THREAD (1 << 16)
#define XFER_SGD_MAX_THREADS 256

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

static void* update_share(void* arg) {
  const sgd_share* s = (const sgd_share*)arg;
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
  return NULL;
}

/* libgomp's entry points, when the process has it loaded */
typedef void (*gomp_parallel_fn)(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags);
typedef int (*omp_int_fn)(void);
static gomp_parallel_fn gomp_parallel;
static omp_int_fn omp_thread_num;
static omp_int_fn omp_num_threads;
static pthread_once_t openmp_lookup = PTHREAD_ONCE_INIT;

static void find_loaded_openmp(void) {
  void* lib = dlopen("libgomp.so.1", RTLD_LAZY | RTLD_NOLOAD); /* kept open: it stays loaded with LibTorch */
  if (!lib) return;
  void* parallel = dlsym(lib, "GOMP_parallel");
  void* thread_num = dlsym(lib, "omp_get_thread_num");
  void* num_threads = dlsym(lib, "omp_get_num_threads");
  if (!parallel || !thread_num || !num_threads) return;
  memcpy(&omp_thread_num, &thread_num, sizeof thread_num);
  memcpy(&omp_num_threads, &num_threads, sizeof num_threads);
  memcpy(&gomp_parallel, &parallel, sizeof parallel);
}

typedef struct {
  sgd_share all; /* begin 0, end = all values */
} team_job;

/* One member of the OpenMP team: its even share of the values, by its number in the team. */
static void team_member(void* arg) {
  const team_job* job = (const team_job*)arg;
  int64_t k = omp_thread_num();
  int64_t n = omp_num_threads();
  sgd_share s = job->all;
  s.begin = job->all.end * k / n;
  s.end = job->all.end * (k + 1) / n;
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
  if (threads > XFER_SGD_MAX_THREADS) threads = XFER_SGD_MAX_THREADS;

  if (threads > 1) {
    pthread_once(&openmp_lookup, find_loaded_openmp);
    if (gomp_parallel) {
      team_job job = {{params, velocities, grads, lengths, neg_lrs, count, momentum, nesterov, 0, total}};
      gomp_parallel(team_member, &job, (unsigned)threads, 0);
      return XFER_OK;
    }
  }

  sgd_share shares[XFER_SGD_MAX_THREADS];
  pthread_t workers[XFER_SGD_MAX_THREADS];
  int started[XFER_SGD_MAX_THREADS];
  for (int k = 0; k < threads; k++) {
    sgd_share s = {params, velocities, grads, lengths, neg_lrs, count, momentum, nesterov,
                   total * k / threads, total * (k + 1) / threads};
    shares[k] = s;
  }
  /* shares 1.. on new threads, share 0 on the caller; a thread that cannot start runs here too */
  for (int k = 1; k < threads; k++) started[k] = pthread_create(&workers[k], NULL, update_share, &shares[k]) == 0;
  update_share(&shares[0]);
  for (int k = 1; k < threads; k++) {
    if (started[k]) pthread_join(workers[k], NULL);
    else update_share(&shares[k]);
  }
  return XFER_OK;
}
