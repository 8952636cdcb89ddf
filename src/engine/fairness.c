/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The fairness audit: reads the spec, counts every row of the CSV once into
 * cells (one per combination of the protected attributes' values, with the
 * confusion counts and the calibration sums), derives the groups of each
 * attribute and of their intersection from the cells, computes rates,
 * gaps, ratios and differences against the reference group, optionally a
 * bootstrap (resampling the cells' counts multinomially, which is row
 * resampling for count-based metrics), and writes the result and the
 * verdict as JSON. Formulas and degenerate cases: docs/fairness.md.
 * Counting is fairness_count.c, a set's JSON fairness_json.c
 * (fairness_int.h is what they share). */
#include "engine/fairness.h"
#include "engine/stats.h"
#include "util/err.h"
#include "util/mem.h"
#include "engine/fairness_int.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rates of one group; see fairness.h. */
void fairness_rates(const FairnessCounts *c, int hasScore, FairnessRates *r) {
    double pos = c->tp + c->fn, neg = c->fp + c->tn, sel = c->tp + c->fp;
    r->n = pos + neg;
    r->baseRate = r->n > 0 ? pos / r->n : NAN;
    r->selRate = r->n > 0 ? sel / r->n : NAN;
    r->tpr = pos > 0 ? c->tp / pos : NAN;
    r->fpr = neg > 0 ? c->fp / neg : NAN;
    r->precision = sel > 0 ? c->tp / sel : NAN;
    r->ece = NAN;
    if (hasScore && r->n > 0) {
        double e = 0;
        for (int b = 0; b < FAIR_NBIN; b++)
            e += fabs(c->aBinY[b] - c->aBinS[b]);
        r->ece = e / r->n;
    }
}

/* Gaps over the groups of one set whose count is at least minCount (all
 * groups when none is). Undefined rates are left out of the gaps; a gap
 * over fewer than two defined rates is 0. */
void fair_metrics(const FairnessCounts *aCnt, size_t nGroup, double minCount, FairMetrics *m) {
    double selMax = -1, selMin = 2, tprMax = -1, tprMin = 2, fprMax = -1, fprMin = 2;
    size_t nBig = 0;
    for (size_t g = 0; g < nGroup; g++)
        nBig += aCnt[g].tp + aCnt[g].fp + aCnt[g].tn + aCnt[g].fn >= minCount;
    memset(m, 0, sizeof *m);
    m->iSelMax = m->iSelMin = m->iTprMax = m->iTprMin = m->iFprMax = m->iFprMin = -1;
    for (size_t g = 0; g < nGroup; g++) {
        FairnessRates r;
        fairness_rates(&aCnt[g], 0, &r);
        if (nBig > 0 && r.n < minCount) continue;
        if (isfinite(r.selRate)) {
            if (r.selRate > selMax) selMax = r.selRate, m->iSelMax = (int)g;
            if (r.selRate < selMin) selMin = r.selRate, m->iSelMin = (int)g;
        }
        if (isfinite(r.tpr)) {
            if (r.tpr > tprMax) tprMax = r.tpr, m->iTprMax = (int)g;
            if (r.tpr < tprMin) tprMin = r.tpr, m->iTprMin = (int)g;
        }
        if (isfinite(r.fpr)) {
            if (r.fpr > fprMax) fprMax = r.fpr, m->iFprMax = (int)g;
            if (r.fpr < fprMin) fprMin = r.fpr, m->iFprMin = (int)g;
        }
    }
    m->dpd = m->iSelMax >= 0 ? selMax - selMin : 0;
    m->dpr = m->iSelMax >= 0 && selMax > 0 ? selMin / selMax : 1;
    m->tprGap = m->iTprMax >= 0 ? tprMax - tprMin : 0;
    m->fprGap = m->iFprMax >= 0 ? fprMax - fprMin : 0;
    m->eqOdds = fmax(m->tprGap, m->fprGap);
}

/* Rate of the favorable prediction: the selection rate when 1 is
 * favorable, else 1 - selection rate. */
double fair_fav(const FairnessRates *r, int favorable) {
    return favorable ? r->selRate : 1 - r->selRate;
}

/* Disparate impact of a against the reference (AIF360): fav(a) / fav(ref);
 * 1 when both are 0; NaN when only the reference's is 0. */
double fair_di(const FairnessRates *a, const FairnessRates *ref, int favorable) {
    double fa = fair_fav(a, favorable), fr = fair_fav(ref, favorable);
    if (fr > 0) return fa / fr;
    return fa == 0 ? 1.0 : NAN;
}

/* Read the spec into *s. */
static int fair_read_spec(const json_t *spec, FairSpec *s, EngineError *pErr) {
    static const char *const azTop[] = {
        "label",     "prediction", "score",          "threshold", "protected", "intersections",
        "reference", "thresholds", "min_group_size", "bootstrap", "favorable", NULL};
    static const char *const azThr[] = {"disparate_impact", "equal_opportunity", "equalized_odds",
                                        "demographic_parity", NULL};
    static const char *const azBoot[] = {"replicates", "seed", "level", NULL};
    int rc;
    double x;
    memset(s, 0, sizeof *s);
    if ((rc = jspec_only(spec, "", azTop, pErr))) return rc;
    if ((rc = jspec_string(spec, "label", "", "label", &s->zLabel, pErr))) return rc;
    if ((rc = jspec_string(spec, "prediction", "", NULL, &s->zPred, pErr))) return rc;
    if ((rc = jspec_string(spec, "score", "", NULL, &s->zScore, pErr))) return rc;
    if (!s->zPred && !s->zScore) s->zPred = "prediction";
    if ((rc = jspec_number(spec, "threshold", "", 0.5, 0, 1, 0, 0, &s->threshold, pErr))) return rc;
    if (json_object_get(spec, "threshold") && !s->zScore)
        return jspec_fail(pErr, "threshold", "needs \"score\": the column the threshold cuts");
    double fav;
    if ((rc = jspec_number(spec, "favorable", "", 1, 0, 1, 0, 0, &fav, pErr))) return rc;
    if (fav != 0 && fav != 1) return jspec_fail(pErr, "favorable", "must be 0 or 1");
    s->favorable = fav == 1;
    json_t *p = json_object_get(spec, "protected");
    if (json_is_string(p)) {
        s->azAttr[s->nAttr++] = json_string_value(p);
    } else if (json_is_array(p) && json_array_size(p) > 0) {
        if (json_array_size(p) > FAIR_MAX_ATTR)
            return jspec_fail(pErr, "protected", "at most %d protected attributes", FAIR_MAX_ATTR);
        for (size_t i = 0; i < json_array_size(p); i++) {
            json_t *v = json_array_get(p, i);
            char zF[32];
            snprintf(zF, sizeof zF, "protected[%zu]", i);
            if (!json_is_string(v) || json_string_length(v) == 0)
                return jspec_fail(pErr, zF, "must be a column name");
            for (size_t j = 0; j < s->nAttr; j++)
                if (strcmp(s->azAttr[j], json_string_value(v)) == 0)
                    return jspec_fail(pErr, zF, "column '%s' is listed twice",
                                      json_string_value(v));
            s->azAttr[s->nAttr++] = json_string_value(v);
        }
    } else {
        return jspec_fail(pErr, "protected", "is required: the protected attribute column(s)");
    }
    for (size_t i = 0; i < s->nAttr; i++) {
        const char *z = s->azAttr[i];
        if (strcmp(z, s->zLabel) == 0 || (s->zPred && strcmp(z, s->zPred) == 0) ||
            (s->zScore && strcmp(z, s->zScore) == 0))
            return jspec_fail(pErr, "protected",
                              "column '%s' is also the label, prediction or "
                              "score",
                              z);
    }
    if ((rc = jspec_bool(spec, "intersections", "", 1, &s->intersection, pErr))) return rc;
    s->intersection = s->intersection && s->nAttr > 1;
    s->pRef = json_object_get(spec, "reference");
    if (s->pRef && json_is_null(s->pRef)) s->pRef = NULL;
    if (s->pRef && !json_is_object(s->pRef) && !(json_is_string(s->pRef) && s->nAttr == 1))
        return jspec_fail(pErr, "reference",
                          "must be an object {\"attribute\": \"group\"} (a "
                          "string only with one protected attribute)");
    json_t *t = json_object_get(spec, "thresholds");
    if (t && (rc = jspec_only(t, "thresholds", azThr, pErr))) return rc;
    if ((rc = jspec_number(t, "disparate_impact", "thresholds", 0.8, 0, 1, 0, 0, &s->diMin, pErr)))
        return rc;
    if ((rc =
             jspec_number(t, "equal_opportunity", "thresholds", 0.1, 0, 1, 0, 0, &s->eodMax, pErr)))
        return rc;
    if ((rc = jspec_number(t, "equalized_odds", "thresholds", 0.1, 0, 1, 0, 0, &s->eqoMax, pErr)))
        return rc;
    if ((rc = jspec_number(t, "demographic_parity", "thresholds", 0.1, 0, 1, 0, 0, &s->dpdMax,
                           pErr)))
        return rc;
    if ((rc = jspec_count(spec, "min_group_size", "", 1, &s->minCount, pErr))) return rc;
    json_t *b = json_object_get(spec, "bootstrap");
    if (b && (rc = jspec_only(b, "bootstrap", azBoot, pErr))) return rc;
    if ((rc = jspec_count(b, "replicates", "bootstrap", b ? 1000 : 0, &x, pErr))) return rc;
    if (x > FAIR_MAX_BOOT)
        return jspec_fail(pErr, "bootstrap.replicates", "at most %d", FAIR_MAX_BOOT);
    if (b && x < 2) return jspec_fail(pErr, "bootstrap.replicates", "at least 2");
    s->nBoot = (int)x;
    if ((rc = jspec_count(b, "seed", "bootstrap", 1, &x, pErr))) return rc;
    s->seed = (unsigned long)x;
    if ((rc = jspec_number(b, "level", "bootstrap", 0.95, 0, 1, 1, 1, &s->level, pErr))) return rc;
    return 0;
}

/* Free a set's arrays. */
static void fair_set_free(FairSet *st) {
    free(st->aCnt);
    free(st->aCellGroup);
    free(st->aGroupCell);
}

/* Name of group g of set st into z ("F", or "F & north" for the
 * intersection). */
const char *fair_group_name(const FairData *d, const FairSet *st, size_t g, char *z, size_t n) {
    size_t c = st->aGroupCell[g];
    if (st->iAttr >= 0) {
        snprintf(z, n, "%s",
                 fair_level_name(d, (size_t)st->iAttr, fair_level(d, (size_t)st->iAttr, c)));
        return z;
    }
    size_t k = 0;
    z[0] = 0;
    for (size_t i = 0; i < d->nAttr && k < n; i++)
        k += (size_t)snprintf(z + k, n - k, "%s%s", i ? " & " : "",
                              fair_level_name(d, i, fair_level(d, i, c)));
    return z;
}

/* Build set st for attribute iAttr (or the intersection when -1): its
 * groups are the attribute's values (the non-empty cells) that occur. */
static int fair_set_build(const FairData *d, const FairSpec *s, int iAttr, FairSet *st) {
    memset(st, 0, sizeof *st);
    st->iAttr = iAttr;
    if (iAttr >= 0) {
        snprintf(st->zName, sizeof st->zName, "%s", s->azAttr[iAttr]);
    } else {
        size_t k = 0;
        for (size_t i = 0; i < s->nAttr && k < sizeof st->zName; i++)
            k += (size_t)snprintf(st->zName + k, sizeof st->zName - k, "%s%s", i ? " & " : "",
                                  s->azAttr[i]);
    }
    size_t nKey = iAttr >= 0 ? d->aCard[iAttr] : d->nCell;
    size_t *aKeyGroup = mem_alloc(nKey, 1, sizeof *aKeyGroup);
    st->aCellGroup = mem_alloc(d->nCell, 1, sizeof *st->aCellGroup);
    st->aGroupCell = mem_alloc(nKey, 1, sizeof *st->aGroupCell);
    st->aCnt = calloc(nKey, sizeof *st->aCnt);
    if (!aKeyGroup || !st->aCellGroup || !st->aGroupCell || !st->aCnt) {
        free(aKeyGroup);
        return KEEL_ENOMEM;
    }
    for (size_t k = 0; k < nKey; k++)
        aKeyGroup[k] = SIZE_MAX;
    /* Groups in level order (first appearance in the CSV; missing last). */
    for (size_t c = 0; c < d->nCell; c++) {
        st->aCellGroup[c] = SIZE_MAX;
        if (fair_n(&d->aCell[c]) == 0) continue;
        size_t key = iAttr >= 0 ? fair_level(d, (size_t)iAttr, c) : c;
        if (aKeyGroup[key] == SIZE_MAX) aKeyGroup[key] = 1; /* mark */
    }
    for (size_t k = 0; k < nKey; k++)
        if (aKeyGroup[k] != SIZE_MAX) aKeyGroup[k] = st->nGroup++;
    for (size_t c = 0; c < d->nCell; c++) {
        if (fair_n(&d->aCell[c]) == 0) continue;
        size_t key = iAttr >= 0 ? fair_level(d, (size_t)iAttr, c) : c;
        size_t g = aKeyGroup[key];
        st->aCellGroup[c] = g;
        st->aGroupCell[g] = c;
        fair_add(&st->aCnt[g], &d->aCell[c]);
    }
    free(aKeyGroup);
    return 0;
}

/* Resolve the reference group of st from the spec, or default to the group
 * with the highest selection rate. */
static int fair_set_reference(const FairData *d, const FairSpec *s, FairSet *st,
                              const FairMetrics *m, EngineError *pErr) {
    char zG[512], zF[160];
    int iBest = s->favorable ? m->iSelMax : m->iSelMin;
    st->iRef = iBest >= 0 ? iBest : 0;
    st->refGiven = 0;
    if (!s->pRef) return 0;
    if (st->iAttr >= 0) {
        const char *zWant = json_is_string(s->pRef)
                                ? json_string_value(s->pRef)
                                : json_string_value(json_object_get(s->pRef, s->azAttr[st->iAttr]));
        if (!zWant) return 0;
        for (size_t g = 0; g < st->nGroup; g++)
            if (strcmp(fair_group_name(d, st, g, zG, sizeof zG), zWant) == 0) {
                st->iRef = (int)g;
                st->refGiven = 1;
                return 0;
            }
        if (json_is_string(s->pRef))
            snprintf(zF, sizeof zF, "reference");
        else
            snprintf(zF, sizeof zF, "reference.%s", s->azAttr[st->iAttr]);
        return jspec_fail(pErr, zF, "no group '%s' in column '%s'", zWant, s->azAttr[st->iAttr]);
    }
    /* Intersection: only when every attribute's reference value is given. */
    for (size_t i = 0; i < s->nAttr; i++)
        if (!json_is_string(json_object_get(s->pRef, s->azAttr[i]))) return 0;
    for (size_t g = 0; g < st->nGroup; g++) {
        size_t c = st->aGroupCell[g], i;
        for (i = 0; i < s->nAttr; i++)
            if (strcmp(fair_level_name(d, i, fair_level(d, i, c)),
                       json_string_value(json_object_get(s->pRef, s->azAttr[i]))) != 0)
                break;
        if (i == s->nAttr) {
            st->iRef = (int)g;
            st->refGiven = 1;
            return 0;
        }
    }
    return jspec_fail(pErr, "reference", "no rows have every attribute at its reference value");
}

/* Draw nBoot bootstrap replicates for every set: the cells' confusion
 * counts are drawn from Multinomial(N, counts / N), which has the law of
 * the counts of a resample of N rows with replacement. Seeded, so
 * reproducible. Calibration is not bootstrapped. */
static int fair_bootstrap(const FairData *d, const FairSpec *s, FairSet *aSet, size_t nSet,
                          FairBoot *aBoot) {
    size_t nK = 0, B = (size_t)s->nBoot;
    int rc = 0;
    for (size_t c = 0; c < d->nCell; c++)
        nK += fair_n(&d->aCell[c]) > 0;
    double *aProb = mem_alloc(4, nK, sizeof *aProb);
    unsigned int *aDraw = mem_alloc(4, nK, sizeof *aDraw);
    size_t *aCellOf = malloc(nK * sizeof *aCellOf);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    FairnessCounts *aTmp = NULL;
    size_t nMaxGroup = 0;
    for (size_t i = 0; i < nSet; i++)
        if (aSet[i].nGroup > nMaxGroup) nMaxGroup = aSet[i].nGroup;
    aTmp = malloc((nMaxGroup ? nMaxGroup : 1) * sizeof *aTmp);
    for (size_t i = 0; i < nSet && aProb; i++) {
        aBoot[i].aSet = mem_alloc(B, 5, sizeof(double));
        aBoot[i].aGroup = mem_zalloc(B, aSet[i].nGroup * 4, sizeof(double));
        if (!aBoot[i].aSet || !aBoot[i].aGroup) rc = KEEL_ENOMEM;
    }
    if (!aProb || !aDraw || !aCellOf || !r || !aTmp || rc) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    gsl_rng_set(r, s->seed);
    size_t k = 0;
    for (size_t c = 0; c < d->nCell; c++) {
        const FairnessCounts *x = &d->aCell[c];
        if (fair_n(x) == 0) continue;
        aCellOf[k] = c;
        aProb[4 * k] = x->tp;
        aProb[4 * k + 1] = x->fp;
        aProb[4 * k + 2] = x->tn;
        aProb[4 * k + 3] = x->fn;
        k++;
    }
    for (size_t b = 0; b < B; b++) {
        gsl_ran_multinomial(r, 4 * nK, (unsigned int)d->nRow, aProb, aDraw);
        for (size_t i = 0; i < nSet; i++) {
            FairSet *st = &aSet[i];
            memset(aTmp, 0, st->nGroup * sizeof *aTmp);
            for (size_t j = 0; j < nK; j++) {
                FairnessCounts *g = &aTmp[st->aCellGroup[aCellOf[j]]];
                g->tp += aDraw[4 * j];
                g->fp += aDraw[4 * j + 1];
                g->tn += aDraw[4 * j + 2];
                g->fn += aDraw[4 * j + 3];
            }
            FairMetrics m;
            fair_metrics(aTmp, st->nGroup, s->minCount, &m);
            double *o = &aBoot[i].aSet[b * 5];
            o[0] = m.dpd, o[1] = m.dpr, o[2] = m.tprGap, o[3] = m.fprGap, o[4] = m.eqOdds;
            FairnessRates ref;
            fairness_rates(&aTmp[st->iRef], 0, &ref);
            for (size_t g = 0; g < st->nGroup; g++) {
                FairnessRates rr;
                fairness_rates(&aTmp[g], 0, &rr);
                double *q = &aBoot[i].aGroup[(b * st->nGroup + g) * 4];
                q[0] = rr.selRate, q[1] = rr.tpr, q[2] = rr.fpr,
                q[3] = fair_di(&rr, &ref, s->favorable);
            }
        }
    }
done:
    free(aProb);
    free(aDraw);
    free(aCellOf);
    free(aTmp);
    if (r) gsl_rng_free(r);
    return rc;
}

/* The whole audit; see fairness.h. */
int fairness_run_json(const json_t *pSpec, const char *zCsv, size_t nCsv, int nThread,
                      int csvMapped, json_t **ppOut, EngineError *pErr) {
    FairSpec s;
    FairData d;
    FairSet aSet[FAIR_MAX_ATTR + 1];
    FairBoot aBoot[FAIR_MAX_ATTR + 1];
    size_t nSet = 0;
    CsvTable *t = NULL;
    double *aTmp = NULL;
    json_t *out = NULL;
    int rc;
    stats_init();
    memset(&d, 0, sizeof d);
    memset(aBoot, 0, sizeof aBoot);
    *ppOut = NULL;
    if (pErr) memset(pErr, 0, sizeof *pErr);
    if ((rc = fair_read_spec(pSpec, &s, pErr))) goto done;
    if (!zCsv) {
        rc = jspec_fail(pErr, "csv", "a CSV of predictions is required");
        goto done;
    }
    const char *azOnly[FAIR_MAX_ATTR + 3];
    CsvTypeOverride aOv[FAIR_MAX_ATTR];
    size_t nOnly = 0;
    azOnly[nOnly++] = s.zLabel;
    if (s.zPred) azOnly[nOnly++] = s.zPred;
    if (s.zScore) azOnly[nOnly++] = s.zScore;
    for (size_t i = 0; i < s.nAttr; i++) {
        azOnly[nOnly++] = s.azAttr[i];
        aOv[i].zName = s.azAttr[i];
        aOv[i].type = CSV_CATEGORICAL;
    }
    CsvOptions opt = {0};
    EngineError ce;
    opt.nThread = nThread;
    opt.mapped = csvMapped;
    opt.azOnly = azOnly;
    opt.nOnly = nOnly;
    opt.aOverride = aOv;
    opt.nOverride = s.nAttr;
    memset(&ce, 0, sizeof ce);
    /* count while reading; on any trouble read the whole table, whose
     * checks name the row and the field */
    rc = fair_scan(&s, zCsv, nCsv, &opt, &d, &t, pErr);
    if (rc == 0 && t->nRow > 0) goto counted;
    if (rc == KEEL_ENOMEM) goto done;
    csv_free(t);
    t = NULL;
    free(d.aCell);
    memset(&d, 0, sizeof d);
    if (pErr) memset(pErr, 0, sizeof *pErr);
    rc = csv_parse(zCsv, nCsv, &opt, &t, &ce);
    if (rc == KEEL_EINVAL) {
        /* A missing column: name the spec field that asked for it. */
        const char *zField = "csv";
        for (size_t i = 0; i < nOnly; i++) {
            char zQ[300];
            snprintf(zQ, sizeof zQ, "'%.80s'", azOnly[i]);
            if (strstr(ce.zMsg, zQ) && strstr(ce.zMsg, "no column")) {
                zField = azOnly[i] == s.zLabel   ? "label"
                         : azOnly[i] == s.zPred  ? "prediction"
                         : azOnly[i] == s.zScore ? "score"
                                                 : "protected";
                break;
            }
        }
        /* the reader's message may already say where */
        rc = strncmp(ce.zMsg, "line ", 5) == 0
                 ? jspec_fail(pErr, zField, "%s", ce.zMsg)
                 : jspec_fail(pErr, zField, "line %zu: %s", ce.iLine, ce.zMsg);
        goto done;
    }
    if (rc) goto done;
    if (t->nRow == 0) {
        rc = jspec_fail(pErr, "csv", "the CSV has no data rows");
        goto done;
    }
    if ((rc = fair_count(&s, t, &d, pErr))) goto done;
counted:
    for (size_t i = 0; i < s.nAttr; i++)
        if ((rc = fair_set_build(&d, &s, (int)i, &aSet[nSet++]))) goto done;
    if (s.intersection && (rc = fair_set_build(&d, &s, -1, &aSet[nSet++]))) goto done;
    size_t nMaxGroup = 1;
    for (size_t i = 0; i < nSet; i++) {
        FairMetrics m;
        fair_metrics(aSet[i].aCnt, aSet[i].nGroup, s.minCount, &m);
        if ((rc = fair_set_reference(&d, &s, &aSet[i], &m, pErr))) goto done;
        if (aSet[i].nGroup > nMaxGroup) nMaxGroup = aSet[i].nGroup;
    }
    if (s.pRef && json_is_object(s.pRef)) {
        const char *zKey;
        json_t *v;
        json_object_foreach((json_t *)s.pRef, zKey, v) {
            size_t i = 0;
            while (i < s.nAttr && strcmp(s.azAttr[i], zKey) != 0)
                i++;
            char zF[160];
            snprintf(zF, sizeof zF, "reference.%s", zKey);
            if (i == s.nAttr) {
                rc = jspec_fail(pErr, zF, "is not a protected attribute");
                goto done;
            }
            if (!json_is_string(v)) {
                rc = jspec_fail(pErr, zF, "must be a group name (a string)");
                goto done;
            }
        }
    }
    if (s.nBoot > 0) {
        /* Bound the bootstrap's work and memory: replicates x groups. */
        double nGroupAll = 0;
        for (size_t i = 0; i < nSet; i++)
            nGroupAll += (double)aSet[i].nGroup + 2;
        if (nGroupAll * s.nBoot > FAIR_MAX_BOOT_WORK) {
            rc = jspec_fail(pErr, "bootstrap.replicates",
                            "%d replicates of %.0f groups is over the limit of %.0f; use fewer "
                            "replicates",
                            s.nBoot, nGroupAll, (double)FAIR_MAX_BOOT_WORK);
            goto done;
        }
        if ((rc = fair_bootstrap(&d, &s, aSet, nSet, aBoot))) goto done;
    }
    aTmp = malloc((size_t)(s.nBoot > 0 ? s.nBoot : 1) * sizeof *aTmp);
    out = json_object();
    if (!aTmp || !out) {
        rc = KEEL_ENOMEM;
        goto done;
    }
    json_t *aFail = json_array(), *attrs = json_array(), *thr = json_object();
    for (size_t i = 0; i < nSet; i++)
        json_array_append_new(
            attrs, fair_set_json(&d, &s, &aSet[i], s.nBoot > 0 ? &aBoot[i] : NULL, aTmp, aFail));
    json_object_set_new(out, "engine", json_string(FAIRNESS_ENGINE_VERSION));
    json_object_set_new(out, "rows", stats_json_count(d.nRow));
    json_object_set_new(out, "label", json_string(s.zLabel));
    json_object_set_new(out, "prediction", s.zPred ? json_string(s.zPred) : json_null());
    json_object_set_new(out, "score", s.zScore ? json_string(s.zScore) : json_null());
    json_object_set_new(out, "threshold",
                        s.zScore && !s.zPred ? json_real(s.threshold) : json_null());
    json_object_set_new(out, "favorable", json_integer(s.favorable));
    json_object_set_new(thr, "disparate_impact", json_real(s.diMin));
    json_object_set_new(thr, "equal_opportunity", json_real(s.eodMax));
    json_object_set_new(thr, "equalized_odds", json_real(s.eqoMax));
    json_object_set_new(thr, "demographic_parity", json_real(s.dpdMax));
    json_object_set_new(thr, "min_group_size", stats_json_count(s.minCount));
    json_object_set_new(out, "thresholds", thr);
    json_object_set_new(out, "attributes", attrs);
    /* the reasons as sentences and, entry for entry, as codes with their
     * numbers (for clients that word them in another language) */
    json_t *v = json_object(), *reasons = json_array(), *codes = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(aFail, i, f) {
        json_array_append(reasons, json_object_get(f, "message"));
        json_t *c = json_deep_copy(f);
        json_object_del(c, "message");
        json_object_set_new(c, "code", json_string("metric_over_threshold"));
        json_array_append_new(codes, c);
    }
    if (json_array_size(aFail) == 0) {
        json_array_append_new(reasons, json_string("every fairness metric is within its threshold "
                                                   "for every protected attribute"));
        json_array_append_new(codes, json_pack("{s:s}", "code", "all_within_thresholds"));
    }
    json_object_set_new(v, "decision", json_string(json_array_size(aFail) ? "fail" : "pass"));
    json_object_set_new(v, "reasons", reasons);
    json_object_set_new(v, "reason_codes", codes);
    json_object_set_new(v, "failures", aFail);
    json_object_set_new(out, "verdict", v);
done:
    for (size_t k = 0; k < nSet; k++) {
        fair_set_free(&aSet[k]);
        free(aBoot[k].aSet);
        free(aBoot[k].aGroup);
    }
    free(d.aCell);
    free(aTmp);
    csv_free(t);
    if (rc) {
        json_decref(out);
        return rc;
    }
    *ppOut = out;
    return 0;
}
