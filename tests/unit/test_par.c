/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests for engine/par.c, the engines' one thread fan-out: every job
 * runs exactly once whatever the thread count, a thread slot is never used
 * by two threads at once and stays below par_threads(), the first failure
 * stops further jobs and is what par_run returns, and the thread count is
 * capped as documented. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "engine/par.h"
#include "util/err.h"

typedef struct Count {
    atomic_int *aRun;                 /* per job: times run */
    atomic_int aBusy[PAR_MAX_THREAD]; /* per slot: 1 while a job runs on it */
    atomic_int nClash;                /* a slot found busy on entry */
    atomic_int nBadSlot;              /* a slot at or past par_threads() */
    int nSlot;                        /* par_threads() for this run */
    size_t iFail;                     /* the job that fails, or SIZE_MAX */
    atomic_size_t nMaxStarted;
} Count;

static int count_job(void *p, size_t i, int iThread) {
    Count *c = p;
    if (iThread < 0 || iThread >= c->nSlot) {
        atomic_fetch_add(&c->nBadSlot, 1);
        return KEEL_EINTERNAL;
    }
    if (atomic_exchange(&c->aBusy[iThread], 1)) atomic_fetch_add(&c->nClash, 1);
    atomic_fetch_add(&c->aRun[i], 1);
    /* a little work so that threads overlap */
    volatile double x = 0;
    for (int k = 0; k < 2000; k++)
        x += k * 0.5;
    atomic_store(&c->aBusy[iThread], 0);
    return i == c->iFail ? KEEL_EINVAL : 0;
}

static void run_counted(size_t nJob, int nThread) {
    Count c = {.aRun = calloc(nJob ? nJob : 1, sizeof(atomic_int)), .iFail = SIZE_MAX};
    assert_non_null(c.aRun);
    c.nSlot = par_threads(nThread, nJob);
    assert_int_equal(par_run(nJob, nThread, count_job, &c), 0);
    for (size_t i = 0; i < nJob; i++)
        assert_int_equal(atomic_load(&c.aRun[i]), 1);
    assert_int_equal(atomic_load(&c.nClash), 0);
    assert_int_equal(atomic_load(&c.nBadSlot), 0);
    free(c.aRun);
}

static void test_every_job_once(void **state) {
    (void)state;
    size_t aN[] = {0, 1, 2, 7, 64, 1000, 5000};
    int aT[] = {1, 2, 3, 4, 0, 100, -1};
    for (size_t i = 0; i < sizeof aN / sizeof aN[0]; i++)
        for (size_t j = 0; j < sizeof aT / sizeof aT[0]; j++)
            run_counted(aN[i], aT[j]);
}

static void test_first_failure_stops(void **state) {
    (void)state;
    /* one thread: jobs start in order, so exactly jobs 0..5 ran */
    Count c = {.aRun = calloc(100, sizeof(atomic_int)), .iFail = 5};
    c.nSlot = par_threads(1, 100);
    assert_int_equal(par_run(100, 1, count_job, &c), KEEL_EINVAL);
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(atomic_load(&c.aRun[i]), i <= 5 ? 1 : 0);
    free(c.aRun);
    /* four threads: the failure is returned; each job ran at most once and
     * far fewer than all of them started after it (at most one per other
     * thread can be in flight when it fails) */
    c = (Count){.aRun = calloc(10000, sizeof(atomic_int)), .iFail = 5};
    c.nSlot = par_threads(4, 10000);
    assert_int_equal(par_run(10000, 4, count_job, &c), KEEL_EINVAL);
    int nRan = 0;
    for (size_t i = 0; i < 10000; i++) {
        assert_true(atomic_load(&c.aRun[i]) <= 1);
        nRan += atomic_load(&c.aRun[i]);
    }
    assert_int_equal(atomic_load(&c.aRun[5]), 1);
    assert_true(nRan < 10000);
    free(c.aRun);
}

static void test_threads(void **state) {
    (void)state;
    assert_int_equal(par_threads(3, 10), 3);
    assert_int_equal(par_threads(3, 2), 2);
    assert_int_equal(par_threads(3, 0), 1);
    assert_int_equal(par_threads(1000, 1000), PAR_MAX_THREAD);
    int n = par_threads(0, 1000);
    assert_true(n >= 1 && n <= PAR_MAX_THREAD);
    assert_int_equal(par_threads(-5, 1000), n);
    assert_int_equal(par_run(0, 4, count_job, NULL), 0); /* no job: nothing called */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_job_once),
        cmocka_unit_test(test_first_failure_stops),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
