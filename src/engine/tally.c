/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The committee's count; see tally.h. */
#include "engine/tally.h"
#include <string.h>

const char *const tally_quorum_names[] = {"half", "two_thirds", "all", NULL};
const char *const tally_vote_names[] = {"for", "against", "abstain", NULL};

static int index_of(const char *const *az, const char *z) {
    for (int i = 0; z && az[i]; i++)
        if (strcmp(az[i], z) == 0) return i;
    return -1;
}

int tally_vote_index(const char *z) {
    int i = index_of(tally_vote_names, z);
    return i < 0 ? -1 : i + 1;
}

int tally_quorum_index(const char *z) { return index_of(tally_quorum_names, z); }

const char *tally_outcome_name(int outcome) {
    return outcome == TALLY_PASSED     ? "passed"
           : outcome == TALLY_REJECTED ? "rejected"
                                       : "no_quorum";
}

void tally_count(const TallyMember *a, int n, const TallyRule *r, Tally *t) {
    memset(t, 0, sizeof *t);
    int chairVote = TALLY_NONE, bChairEligible = 0, bHasChair = 0;
    for (int i = 0; i < n; i++) {
        t->nMember++;
        if (a[i].bChair) bHasChair = 1;
        if (a[i].bConflict) {
            t->nConflict++;
            continue;
        }
        t->nEligible++;
        if (a[i].bChair) {
            bChairEligible = 1;
            chairVote = a[i].vote;
        }
        if (a[i].vote == TALLY_FOR)
            t->nFor++;
        else if (a[i].vote == TALLY_AGAINST)
            t->nAgainst++;
        else if (a[i].vote == TALLY_ABSTAIN)
            t->nAbstain++;
    }
    t->nPresent = t->nFor + t->nAgainst + t->nAbstain;
    int e = t->nEligible;
    if (e > 0) {
        if (r->quorum == TALLY_QUORUM_ALL)
            t->nQuorum = e;
        else if (r->quorum == TALLY_QUORUM_TWO_THIRDS)
            t->nQuorum = (2 * e + 2) / 3;
        else
            t->nQuorum = e / 2 + 1;
    }
    /* the chair is needed when the rule says so and the chair may vote; a
     * committee without a chair cannot meet such a quorum */
    int bChairOk = !r->bChairInQuorum || (bHasChair && !bChairEligible) ||
                   (bChairEligible && chairVote != TALLY_NONE);
    if (r->bChairInQuorum && !bHasChair) bChairOk = 0;
    t->bChairNeeded = !bChairOk;
    t->bQuorum = e > 0 && t->nPresent >= t->nQuorum && bChairOk;
    t->bFinal = e > 0 && t->nPresent == e;
    if (!t->bQuorum) {
        t->outcome = TALLY_NO_QUORUM;
        return;
    }
    if (t->nFor > t->nAgainst) {
        t->outcome = TALLY_PASSED;
    } else if (t->nAgainst > t->nFor) {
        t->outcome = TALLY_REJECTED;
    } else {
        t->bTie = 1;
        t->outcome = TALLY_REJECTED; /* a tie nobody breaks is not carried */
        if (r->bCastingVote && bChairEligible &&
            (chairVote == TALLY_FOR || chairVote == TALLY_AGAINST)) {
            t->bCasting = 1;
            t->outcome = chairVote == TALLY_FOR ? TALLY_PASSED : TALLY_REJECTED;
        }
    }
}
