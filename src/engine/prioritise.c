/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Weighted scoring, ranking with ties, value/feasibility quadrants; see
 * prioritise.h. */
#include "engine/prioritise.h"
#include "util/err.h"
#include <math.h>
#include <stdlib.h>

const char *prioritise_quadrant_name(int q) {
    switch (q) {
    case QUAD_QUICK_WIN: return "quick_win";
    case QUAD_BIG_BET: return "big_bet";
    case QUAD_FILL_IN: return "fill_in";
    case QUAD_MONEY_PIT: return "money_pit";
    default: return "unscored";
    }
}

static int prio_cmp(const void *a, const void *b) {
    const PrioItem *x = a, *y = b;
    int ux = isnan(x->total), uy = isnan(y->total);
    if (ux != uy) return ux - uy;
    if (!ux && x->total != y->total) return x->total > y->total ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int prioritise_rank(const PrioCriterion *aCrit, int nCrit, int iValue, int iFeasibility,
                    PrioItem *aItem, int nItem) {
    if (nCrit < 1 || nCrit > PRIO_MAX_CRITERIA) return KEEL_EINVAL;
    for (int c = 0; c < nCrit; c++)
        if (!(aCrit[c].weight >= 0) || !isfinite(aCrit[c].weight)) return KEEL_EINVAL;
    for (int i = 0; i < nItem; i++) {
        PrioItem *it = &aItem[i];
        double sw = 0, s = 0;
        for (int c = 0; c < nCrit; c++) {
            double v = it->aScore[c];
            if (isnan(v)) continue;
            if (aCrit[c].bInverse) v = 6.0 - v;
            s += aCrit[c].weight * v;
            sw += aCrit[c].weight;
        }
        it->total = sw > 0 ? s / sw : NAN;
        it->quadrant = QUAD_UNSCORED;
        if (iValue >= 0 && iFeasibility >= 0 && iValue < nCrit && iFeasibility < nCrit) {
            double v = it->aScore[iValue], f = it->aScore[iFeasibility];
            if (!isnan(v) && !isnan(f))
                it->quadrant = v >= PRIO_MIDPOINT
                                   ? (f >= PRIO_MIDPOINT ? QUAD_QUICK_WIN : QUAD_BIG_BET)
                                   : (f >= PRIO_MIDPOINT ? QUAD_FILL_IN : QUAD_MONEY_PIT);
        }
    }
    qsort(aItem, (size_t)nItem, sizeof *aItem, prio_cmp);
    for (int i = 0; i < nItem; i++) {
        if (isnan(aItem[i].total))
            aItem[i].rank = 0;
        else if (i > 0 && aItem[i].total == aItem[i - 1].total)
            aItem[i].rank = aItem[i - 1].rank;
        else
            aItem[i].rank = i + 1;
    }
    return 0;
}
