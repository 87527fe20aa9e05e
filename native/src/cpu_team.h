/*
 * Work split over CPU threads, on LibTorch's own OpenMP team where the process has one loaded.
 *
 * LibTorch's idle OpenMP threads spin waiting for its next operation, so a thread of our own would
 * share a core with one of them: where libgomp is loaded the work runs on its team (looked up with
 * dlopen RTLD_NOLOAD, never loaded or linked by this library); otherwise on POSIX threads, the
 * calling thread taking member 0.
 */
#ifndef XFER_CPU_TEAM_H
#define XFER_CPU_TEAM_H

/* One member's share: called once per member, member in [0, members). */
typedef void (*xfer_team_work)(int member, int members, void* arg);

/* Runs work on up to `threads` members (at least one) and returns when all have finished. The team
 * may have fewer members than asked for: work must split by the `members` it is given. */
__attribute__((visibility("hidden"))) void xfer_team_run(int threads, xfer_team_work work, void* arg);

#endif
