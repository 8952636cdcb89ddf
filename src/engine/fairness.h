/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fairness audit of a classifier's predictions by protected group: the
 * evidence the training gate asks for. One entry point,
 * fairness_run_json(), takes an audit spec (JSON: which columns hold the
 * true label, the prediction or a score and threshold, and the protected
 * attributes) and a CSV of predictions in memory, and returns the audit as
 * a JSON object: per group the count, base rate, selection rate, TPR, FPR,
 * precision and expected calibration error; per attribute (and the
 * intersection of all of them) demographic parity difference and ratio,
 * disparate impact against a reference group with the four-fifths rule,
 * equal opportunity, equalized odds and average odds differences, with the
 * definitions of Fairlearn and AIF360; optional seeded bootstrap intervals;
 * and a pass/fail verdict that names the groups and the gap responsible.
 * The CLI (`keel fairness`) and the API (POST /api/v1/analyses/fairness)
 * both call it; docs/fairness.md describes formats and formulas. Pure. */
#ifndef KEEL_ENGINE_FAIRNESS_H
#define KEEL_ENGINE_FAIRNESS_H
#include "engine/jspec.h"
#include <jansson.h>
#include <stddef.h>

#define FAIRNESS_ENGINE_VERSION "fairness/1"

/* Confusion counts of one group, and calibration sums when scores exist. */
typedef struct FairnessCounts {
    double tp, fp, tn, fn; /* label 1/0 against prediction 1/0 */
    double aBinN[10];      /* units per score bin [k/10, (k+1)/10), last closed */
    double aBinY[10];      /* sum of labels per bin */
    double aBinS[10];      /* sum of scores per bin */
} FairnessCounts;

/* One group's rates from its counts. A rate whose denominator is zero is
 * NaN (reported as null, documented): tpr without positives, fpr without
 * negatives, precision without predicted positives, ece without scores. */
typedef struct FairnessRates {
    double n, baseRate, selRate, tpr, fpr, precision, ece;
} FairnessRates;

/* Rates of one group; hasScore tells whether the bins hold scores. */
void fairness_rates(const FairnessCounts *c, int hasScore, FairnessRates *pOut);

/* Run an audit. pSpec (borrowed) is the audit spec; zCsv/nCsv the CSV of
 * predictions (need not be NUL-terminated). nThread is passed to the CSV
 * reader (0: one per core); csvMapped says zCsv is a read-only private
 * file mapping (the reader then releases the pages it has read). On success *ppOut is a new JSON
 * object the caller owns. Returns 0; KEEL_EINVAL with *pErr naming the field (a spec key, or the
 * CSV column at fault) for bad input; KEEL_ENOMEM. */
int fairness_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread,
                      int csvMapped, json_t **ppOut, EngineError *pErr);

#endif
