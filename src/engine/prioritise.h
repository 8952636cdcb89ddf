/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Weighted scoring and ranking of initiatives. Each criterion has a weight
 * and may be inverse (a high risk score is bad: it counts as 6 - s). An
 * item's score per criterion is the mean of its scorers' 1-5 values (NAN
 * when nobody scored it); its total is the weighted mean over the criteria
 * it has scores for (weights renormalised), on the 1-5 scale. Ranking is
 * by total, highest first; equal totals share a rank (1, 2, 2, 4) and are
 * listed by id; unscored items come last without a rank. The quadrant uses
 * the value and feasibility scores against the midpoint 3: quick win (both
 * >= 3), big bet (value >= 3, feasibility < 3), fill-in (value < 3,
 * feasibility >= 3), money pit (both < 3). Pure computation. */
#ifndef KEEL_ENGINE_PRIORITISE_H
#define KEEL_ENGINE_PRIORITISE_H
#include <stdint.h>

#define PRIO_MAX_CRITERIA 16
#define PRIO_MIDPOINT 3.0

enum { QUAD_UNSCORED = 0, QUAD_QUICK_WIN, QUAD_BIG_BET, QUAD_FILL_IN, QUAD_MONEY_PIT };

typedef struct PrioCriterion {
    double weight; /* >= 0 */
    int bInverse;  /* 1: lower scores are better */
} PrioCriterion;

typedef struct PrioItem {
    int64_t id;
    double aScore[PRIO_MAX_CRITERIA]; /* mean score per criterion, NAN if none */
    double total;                     /* out: weighted score 1-5, NAN if unscored */
    int rank;                         /* out: 1-based rank, 0 if unscored */
    int quadrant;                     /* out: QUAD_* */
} PrioItem;

/* Compute totals, ranks and quadrants, and sort aItem into rank order.
 * iValue / iFeasibility index the value and feasibility criteria (-1 if
 * absent: quadrant unscored). Returns 0 or KEEL_EINVAL (bad criteria). */
int prioritise_rank(const PrioCriterion *aCrit, int nCrit, int iValue, int iFeasibility,
                    PrioItem *aItem, int nItem);

/* "quick_win", "big_bet", "fill_in", "money_pit" or "unscored". */
const char *prioritise_quadrant_name(int q);

#endif
