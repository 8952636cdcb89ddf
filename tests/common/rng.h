/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Test helper: a small seeded random generator for simulations
 * (xorshift64*, uniform on (0, 1), normal by Box-Muller), so that a
 * simulated rate is the same on every run and every machine. */
#ifndef KEEL_TESTS_RNG_H
#define KEEL_TESTS_RNG_H
#include <math.h>
#include <stdint.h>

typedef struct TestRng {
    uint64_t s; /* state, never 0 */
} TestRng;

static inline double rng_unif(TestRng *r) {
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (double)((r->s * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0) + 1e-17;
}

static inline double rng_gauss(TestRng *r) {
    double u = rng_unif(r);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * rng_unif(r));
}

#endif
