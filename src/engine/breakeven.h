/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cloud versus private compute: at what utilisation does owning GPUs cost
 * less than renting the same hours? Per period (a quarter by default):
 *
 *   fixed cost of owning   F = capital / lifetime + running
 *   owning at utilisation u    private(u) = F + v * u * C
 *   renting the same hours     cloud(u)   = p * u * C
 *   break-even utilisation     u* = F / ((p - v) * C)      (p > v)
 *
 * with C the private capacity in GPU hours per period, p the cloud price
 * per GPU hour and v the variable cost per hour of owning (power per hour,
 * often 0). Owning wins when the measured utilisation reaches u*; when
 * p <= v or u* > 1 it never does. Pure computation, no I/O. */
#ifndef KEEL_ENGINE_BREAKEVEN_H
#define KEEL_ENGINE_BREAKEVEN_H

/* What the numbers recommend. */
typedef enum BreakevenAdvice {
    BREAKEVEN_OWN = 1,          /* measured utilisation >= u*: owning is cheaper */
    BREAKEVEN_CLOUD = 2,        /* measured utilisation < u*: renting is cheaper */
    BREAKEVEN_CLOUD_ALWAYS = 3, /* u* > 1 or p <= v: owning never pays */
    BREAKEVEN_NO_DATA = 4,      /* no measured utilisation: only u* is known */
} BreakevenAdvice;

typedef struct BreakevenInput {
    double capacityHours;    /* C: private GPU hours per period (> 0) */
    double pricePerHour;     /* p: cloud price per GPU hour (>= 0) */
    double capitalCost;      /* purchase price of the private capacity (>= 0) */
    double lifetimePeriods;  /* periods over which the capital is written off (> 0) */
    double runningPerPeriod; /* fixed running cost per period: staff, space, support (>= 0) */
    double variablePerHour;  /* v: cost per GPU hour used when owning (>= 0) */
    double utilisation;      /* u: measured share of C in use (>= 0), NAN when unknown */
} BreakevenInput;

typedef struct BreakevenResult {
    double fixedPerPeriod;   /* F */
    double breakeven;        /* u*; INFINITY when owning never pays (p <= v) */
    double privatePerPeriod; /* F + v u C at the measured u (NAN without u) */
    double cloudPerPeriod;   /* p u C (NAN without u) */
    double savingsPerPeriod; /* cloud - private: > 0 when owning wins (NAN without u) */
    double privatePerHour;   /* private / (u C): the effective price of an owned hour
                                (INFINITY at u = 0, NAN without u) */
    BreakevenAdvice advice;
} BreakevenResult;

/* Compute r from in. Returns 0, or KEEL_EINVAL when a number is negative,
 * not finite (utilisation may be NAN), C <= 0 or the lifetime <= 0. */
int breakeven_compute(const BreakevenInput *in, BreakevenResult *r);

/* "own", "cloud", "cloud_always" or "no_data". */
const char *breakeven_advice_name(BreakevenAdvice a);

#endif
