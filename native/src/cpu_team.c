/* See cpu_team.h. */
#include "cpu_team.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#define XFER_TEAM_MAX_THREADS 256

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
  xfer_team_work work;
  void* arg;
  int member;
  int members;
} team_call;

static void openmp_member(void* data) {
  const team_call* call = (const team_call*)data;
  call->work(omp_thread_num(), omp_num_threads(), call->arg);
}

static void* posix_member(void* data) {
  const team_call* call = (const team_call*)data;
  call->work(call->member, call->members, call->arg);
  return NULL;
}

void xfer_team_run(int threads, xfer_team_work work, void* arg) {
  if (threads < 1) threads = 1;
  if (threads > XFER_TEAM_MAX_THREADS) threads = XFER_TEAM_MAX_THREADS;
  if (threads == 1) {
    work(0, 1, arg);
    return;
  }
  pthread_once(&openmp_lookup, find_loaded_openmp);
  if (gomp_parallel) {
    team_call call = {work, arg, 0, threads};
    gomp_parallel(openmp_member, &call, (unsigned)threads, 0);
    return;
  }
  team_call calls[XFER_TEAM_MAX_THREADS];
  pthread_t workers[XFER_TEAM_MAX_THREADS];
  int started[XFER_TEAM_MAX_THREADS];
  for (int k = 0; k < threads; k++) {
    team_call c = {work, arg, k, threads};
    calls[k] = c;
  }
  /* members 1.. on new threads, member 0 on the caller; a thread that cannot start runs here too */
  for (int k = 1; k < threads; k++) started[k] = pthread_create(&workers[k], NULL, posix_member, &calls[k]) == 0;
  posix_member(&calls[0]);
  for (int k = 1; k < threads; k++) {
    if (started[k]) pthread_join(workers[k], NULL);
    else posix_member(&calls[k]);
  }
}
