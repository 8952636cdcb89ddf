/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Analyses run through the API (A/B tests, fairness audits, explanations)
 * kept as resources: the spec, a SHA-256 of the inputs, the engine and its
 * version, who ran it, an optional initiative link, the verdict and the
 * full result — the evidence that launch and training gates attach. The
 * engines are the same functions the CLI calls (engine/abtest.h,
 * engine/fairness.h, engine/explain.h). */
#ifndef KEEL_DOMAIN_ANALYSIS_H
#define KEEL_DOMAIN_ANALYSIS_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_analysis;

/* The inputs of one run. */
typedef struct AnalysisInput {
    const char *zKind;  /* "abtest", "fairness", "explain" or "drift" */
    const json_t *spec; /* abtest / fairness spec (borrowed); NULL for explain */
    const char *zData;  /* CSV data (may be NULL for summary-only A/B) */
    size_t nData;
    const char *zModel; /* explain: the model JSON text */
    size_t nModel;
    int bRows;        /* explain: keep per-row contributions in the result */
    const char *zRef; /* drift: the reference CSV (zData is the current one) */
    size_t nRef;
    int64_t initiativeId; /* 0: none */
    const char *zTitle;   /* may be NULL */
    const char *zSystem;  /* keep it as evidence of this AI system (its name), or NULL */
    const char *zVersion; /* ... of this version of it (NULL: the latest) */
} AnalysisInput;

/* Run the engine on in, store the analysis (audited) with the SHA-256 of
 * its data file (data_sha256) and return its id; with zSystem, attach it
 * as evidence of that system's version in the same transaction.
 * Bad input: KEEL_EINVAL with e naming the field ("spec.arms[0].units",
 * "data", "model", "initiative_id", "system"). */
int analysis_run(Db *db, const Principal *who, const AnalysisInput *in, int64_t *pId, KeelError *e);

/* One analysis with its spec and result (new reference). */
int analysis_get(Db *db, int64_t id, json_t **ppOut);

/* Who reads which analyses: admins, the committee, engineers and risk
 * officers every one; a business owner those of the initiatives they own
 * (0 = every analysis, else the person whose initiatives limit the list,
 * -1 for an owner linked to no person). */
int64_t analysis_reader_scope(const Principal *who);
/* 0 when who may read analysis o (a row with initiative_id), else
 * KEEL_EFORBIDDEN with the reason in e. */
int analysis_may_read(Db *db, const Principal *who, const json_t *o, KeelError *e);

#endif
