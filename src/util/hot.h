/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KEEL_HOT marks a hot loop to be compiled twice on x86-64 ELF with GCC:
 * for the baseline and for x86-64-v3 (AVX2, BMI, FMA, POPCNT: every x86
 * server since about 2015); the loader picks the one the machine runs
 * (GCC's target_clones, an ifunc). The result is the same either way:
 * only instruction selection differs, never the arithmetic. */
#ifndef KEEL_UTIL_HOT_H
#define KEEL_UTIL_HOT_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define KEEL_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define KEEL_HOT
#endif

#endif
