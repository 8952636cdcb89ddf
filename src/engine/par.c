/* SPDX-License-Identifier: GPL-3.0-or-later */
/* par_run: see par.h. */
#include "engine/par.h"
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

/* What the threads of one par_run share. */
typedef struct ParShared {
    ParJobFn xJob;
    void *pArg;
    size_t nJob;
    atomic_size_t iNext; /* next job to start */
    atomic_int rc;       /* the first failure, or 0 */
} ParShared;

/* A thread's view: the shared state and its slot. */
typedef struct ParSlot {
    ParShared *s;
    int iThread;
} ParSlot;

/* Take jobs until none is left or one has failed. */
static void *par_worker(void *p) {
    ParSlot *slot = p;
    ParShared *s = slot->s;
    for (;;) {
        if (atomic_load_explicit(&s->rc, memory_order_relaxed)) break;
        size_t i = atomic_fetch_add_explicit(&s->iNext, 1, memory_order_relaxed);
        if (i >= s->nJob) break;
        int rc = s->xJob(s->pArg, i, slot->iThread);
        if (rc) {
            int zero = 0;
            atomic_compare_exchange_strong(&s->rc, &zero, rc);
            break;
        }
    }
    return NULL;
}

int par_threads(int nThread, size_t nJob) {
    if (nThread <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        nThread = n < 1 ? 1 : n > PAR_MAX_THREAD ? PAR_MAX_THREAD : (int)n;
    }
    if (nThread > PAR_MAX_THREAD) nThread = PAR_MAX_THREAD;
    if ((size_t)nThread > nJob) nThread = (int)nJob;
    return nThread < 1 ? 1 : nThread;
}

int par_run(size_t nJob, int nThread, ParJobFn xJob, void *pArg) {
    if (nJob == 0) return 0;
    int nT = par_threads(nThread, nJob);
    ParShared s = {.xJob = xJob, .pArg = pArg, .nJob = nJob};
    atomic_init(&s.iNext, 0);
    atomic_init(&s.rc, 0);
    ParSlot aSlot[PAR_MAX_THREAD];
    pthread_t aTid[PAR_MAX_THREAD];
    int aStarted[PAR_MAX_THREAD] = {0};
    for (int t = 0; t < nT; t++)
        aSlot[t] = (ParSlot){&s, t};
    for (int t = 1; t < nT; t++)
        aStarted[t] = pthread_create(&aTid[t], NULL, par_worker, &aSlot[t]) == 0;
    par_worker(&aSlot[0]);
    for (int t = 1; t < nT; t++)
        if (aStarted[t]) pthread_join(aTid[t], NULL);
    return atomic_load(&s.rc);
}
