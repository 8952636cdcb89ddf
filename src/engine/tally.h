/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AI committee's count of one proposal's votes (path 4). Pure
 * computation over the members as they stand:
 *  - members who declared a conflict of interest are excluded: they do not
 *    vote and do not count towards the quorum;
 *  - the quorum is counted over the eligible members (members minus the
 *    conflicted) who cast a vote, abstentions included: TALLY_QUORUM_HALF
 *    needs more than half of them, TALLY_QUORUM_TWO_THIRDS at least two
 *    thirds, TALLY_QUORUM_ALL every one; with bChairInQuorum the chair
 *    must be among them (unless the chair is conflicted); no eligible
 *    member at all is never a quorum;
 *  - with a quorum, more votes for than against passes and more against
 *    than for rejects (abstentions count for neither); a tie is broken by
 *    the chair's vote when bCastingVote and the chair voted for or
 *    against, else the proposal is not carried (rejected);
 *  - the count is final when every eligible member has voted (the outcome
 *    can then no longer change); before that it is what closing the vote
 *    now would give. */
#ifndef KEEL_ENGINE_TALLY_H
#define KEEL_ENGINE_TALLY_H

enum { TALLY_NONE = 0, TALLY_FOR = 1, TALLY_AGAINST = 2, TALLY_ABSTAIN = 3 };
enum { TALLY_QUORUM_HALF = 0, TALLY_QUORUM_TWO_THIRDS = 1, TALLY_QUORUM_ALL = 2 };
enum { TALLY_NO_QUORUM = 0, TALLY_PASSED = 1, TALLY_REJECTED = 2 };

typedef struct TallyMember {
    int vote;      /* TALLY_NONE (not yet), TALLY_FOR, TALLY_AGAINST, TALLY_ABSTAIN */
    int bChair;    /* the chair */
    int bConflict; /* declared a conflict of interest: excluded */
} TallyMember;

typedef struct TallyRule {
    int quorum;         /* TALLY_QUORUM_* */
    int bChairInQuorum; /* the quorum needs the chair */
    int bCastingVote;   /* the chair breaks a tie */
} TallyRule;

typedef struct Tally {
    int nMember, nConflict, nEligible;      /* eligible = members - conflicted */
    int nFor, nAgainst, nAbstain, nPresent; /* present = for + against + abstain */
    int nQuorum;      /* votes the quorum needs (0 when there is no eligible member) */
    int bChairNeeded; /* the quorum still waits for the chair */
    int bQuorum;      /* quorum met */
    int bTie;         /* for == against with a quorum */
    int bCasting;     /* the chair's casting vote decided */
    int outcome;      /* TALLY_NO_QUORUM, TALLY_PASSED or TALLY_REJECTED */
    int bFinal;       /* every eligible member voted */
} Tally;

/* Count a[0..n) under rule r into *t. */
void tally_count(const TallyMember *a, int n, const TallyRule *r, Tally *t);

/* Names: "no_quorum", "passed", "rejected"; "half", "two_thirds", "all";
 * "for", "against", "abstain". tally_*_index gives -1 for an unknown name. */
const char *tally_outcome_name(int outcome);
extern const char *const tally_quorum_names[]; /* NULL-terminated */
extern const char *const tally_vote_names[];   /* "for", "against", "abstain", NULL */
int tally_vote_index(const char *z);           /* TALLY_FOR.. or -1 */
int tally_quorum_index(const char *z);

#endif
