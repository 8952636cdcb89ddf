/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one thread fan-out of the engines: run N independent jobs on a few
 * threads, the calling thread being one of them. Every engine that works
 * in parallel (CSV regions, drift columns, profile columns, SHAP trees and
 * row blocks, the contributions CSV) goes through par_run; none creates
 * threads of its own. Pure; no I/O. */
#ifndef KEEL_ENGINE_PAR_H
#define KEEL_ENGINE_PAR_H
#include <stddef.h>

#define PAR_MAX_THREAD 64

/* The number of threads par_run uses for nJob jobs when asked for nThread:
 * nThread, or one per online core when nThread <= 0; at most
 * PAR_MAX_THREAD and nJob; at least 1. Size per-thread scratch with it. */
int par_threads(int nThread, size_t nJob);

/* One job: job iJob of pArg, run on thread slot iThread (0 to
 * par_threads() - 1; slot 0 is the calling thread). A slot is used by one
 * thread only, so scratch kept per slot needs no lock. Returns 0 or a
 * negative KEEL_E*. */
typedef int (*ParJobFn)(void *pArg, size_t iJob, int iThread);

/* Run jobs 0 .. nJob-1 on par_threads(nThread, nJob) threads. Each thread
 * takes the next job from a shared counter (jobs start in order, finish in
 * any order). Once a job fails no further job starts, and par_run returns
 * that job's code; 0 when every job returned 0. A thread that cannot be
 * created leaves its share to the others (the caller runs them all at
 * worst). Returns when every started job has returned. */
int par_run(size_t nJob, int nThread, ParJobFn xJob, void *pArg);

#endif
