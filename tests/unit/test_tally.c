/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the committee's count (engine/tally.c), by table: quorum
 * rules, majority, the chair's casting vote and conflicts of interest.
 * Each row is a committee written as a string, one letter per member:
 *   F / A / B / -  a member who voted for, against, abstained, not yet
 *   lower case     the same member declared a conflict (excluded)
 *   the first member is the chair when the row says so. The expected
 * counts are worked out by hand in the comment of each row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "engine/tally.h"

typedef struct Row {
    const char *zMembers; /* letters, see above */
    int bFirstChair;
    int quorum, bChairInQuorum, bCasting;
    int outcome, nQuorum, bQuorum, bTie, bCasting2, bFinal, nEligible;
} Row;

enum { H = TALLY_QUORUM_HALF, T = TALLY_QUORUM_TWO_THIRDS, L = TALLY_QUORUM_ALL };
enum { NQ = TALLY_NO_QUORUM, PA = TALLY_PASSED, RE = TALLY_REJECTED };

static const Row aRow[] = {
    /* 5 eligible, half: quorum 3. F F A: 3 present, 2 > 1 passes, not final */
    {"FFA--", 1, H, 1, 1, PA, 3, 1, 0, 0, 0, 5},
    /* the chair (first) has not voted: chair in quorum holds it back */
    {"-FFA-", 1, H, 1, 1, NQ, 3, 0, 0, 0, 0, 5},
    /* the same without the chair rule: 3 present, 2 for, 1 against: passes */
    {"-FFA-", 1, H, 0, 1, PA, 3, 1, 0, 0, 0, 5},
    /* two votes of five: no quorum (needs 3) */
    {"FF---", 1, H, 1, 1, NQ, 3, 0, 0, 0, 0, 5},
    /* 4 members, half: quorum 3 (more than 2). F A F A: tie 2-2, chair (F) casts: passes */
    {"FAFA", 1, H, 1, 1, PA, 3, 1, 1, 1, 1, 4},
    /* the same tie, chair voted against: rejected by the casting vote */
    {"AFAF", 1, H, 1, 1, RE, 3, 1, 1, 1, 1, 4},
    /* the same tie without a casting vote: not carried */
    {"FAFA", 1, H, 1, 0, RE, 3, 1, 1, 0, 1, 4},
    /* a tie with the chair abstaining: no casting vote to give, not carried */
    {"BFA-", 1, H, 1, 1, RE, 3, 1, 1, 0, 0, 4},
    /* abstentions count for the quorum, not the majority: B B F = 1-0 passes */
    {"BBF--", 1, H, 1, 1, PA, 3, 1, 0, 0, 0, 5},
    /* all abstain: quorum but 0-0, a tie; chair abstained: not carried */
    {"BBB", 1, H, 1, 1, RE, 2, 1, 1, 0, 1, 3},
    /* a conflicted member is excluded: 5 members, 1 conflicted -> 4 eligible,
     * quorum 3; F F f(conflicted, its vote ignored) A: 3 present, 2-1 passes */
    {"FFfA-", 1, H, 1, 1, PA, 3, 1, 0, 0, 0, 4},
    /* conflicted members' votes never count: F a a a: 1 eligible... */
    {"Faaa", 1, H, 1, 1, PA, 1, 1, 0, 0, 1, 1},
    /* the chair conflicted: the chair rule falls away and there is no casting vote;
     * 4 eligible, quorum 3: F A F A -> tie 2-2 of 4 present, not carried */
    {"fFAFA", 1, H, 1, 1, RE, 3, 1, 1, 0, 1, 4},
    /* two thirds of 6 = 4: F F A present 3 -> no quorum */
    {"FFA---", 1, T, 1, 1, NQ, 4, 0, 0, 0, 0, 6},
    /* two thirds of 6: F F A B -> quorum 4, 2-1 passes */
    {"FFAB--", 1, T, 1, 1, PA, 4, 1, 0, 0, 0, 6},
    /* two thirds of 5 = ceil(10/3) = 4 */
    {"FFAB-", 1, T, 1, 1, PA, 4, 1, 0, 0, 0, 5},
    /* two thirds of 3 = 2 */
    {"AA-", 1, T, 1, 1, RE, 2, 1, 0, 0, 0, 3},
    /* all: 4 of 4 needed */
    {"FFF-", 1, L, 1, 1, NQ, 4, 0, 0, 0, 0, 4},
    {"FFFA", 1, L, 1, 1, PA, 4, 1, 0, 0, 1, 4},
    /* against wins */
    {"AAF", 1, H, 1, 1, RE, 2, 1, 0, 0, 1, 3},
    /* no chair at all: with the chair rule no quorum, without it a quorum */
    {"FFA", 0, H, 1, 1, NQ, 2, 0, 0, 0, 1, 3},
    {"FFA", 0, H, 0, 1, PA, 2, 1, 0, 0, 1, 3},
    /* a tie without a chair: not carried, no casting vote */
    {"FA", 0, H, 0, 1, RE, 2, 1, 1, 0, 1, 2},
    /* every member conflicted: never a quorum */
    {"ff", 1, H, 0, 1, NQ, 0, 0, 0, 0, 0, 0},
    /* nobody: no quorum */
    {"", 0, H, 0, 1, NQ, 0, 0, 0, 0, 0, 0},
    /* one member who is chair and voted for */
    {"F", 1, H, 1, 1, PA, 1, 1, 0, 0, 1, 1},
};

/* tally-1: every row of the table */
static void test_table(void **state) {
    (void)state;
    for (size_t k = 0; k < sizeof aRow / sizeof aRow[0]; k++) {
        const Row *w = &aRow[k];
        TallyMember a[16];
        int n = (int)strlen(w->zMembers);
        for (int i = 0; i < n; i++) {
            char c = w->zMembers[i];
            a[i].bConflict = c >= 'a' && c <= 'z';
            char u = (char)(a[i].bConflict ? c - 32 : c);
            a[i].vote = u == 'F'   ? TALLY_FOR
                        : u == 'A' ? TALLY_AGAINST
                        : u == 'B' ? TALLY_ABSTAIN
                                   : TALLY_NONE;
            a[i].bChair = w->bFirstChair && i == 0;
        }
        TallyRule r = {w->quorum, w->bChairInQuorum, w->bCasting};
        Tally t;
        tally_count(a, n, &r, &t);
        if (t.outcome != w->outcome || t.nQuorum != w->nQuorum || t.bQuorum != w->bQuorum ||
            t.bTie != w->bTie || t.bCasting != w->bCasting2 || t.bFinal != w->bFinal ||
            t.nEligible != w->nEligible)
            fail_msg("row %zu '%s': outcome %d quorum %d/%d tie %d casting %d final %d eligible "
                     "%d; expected %d %d/%d %d %d %d %d",
                     k, w->zMembers, t.outcome, t.nQuorum, t.bQuorum, t.bTie, t.bCasting, t.bFinal,
                     t.nEligible, w->outcome, w->nQuorum, w->bQuorum, w->bTie, w->bCasting2,
                     w->bFinal, w->nEligible);
    }
}

/* tally-2: counts add up, conflicted members' letters never counted */
static void test_counts(void **state) {
    (void)state;
    TallyMember a[] = {{TALLY_FOR, 1, 0},
                       {TALLY_AGAINST, 0, 1},
                       {TALLY_ABSTAIN, 0, 0},
                       {TALLY_NONE, 0, 0},
                       {TALLY_FOR, 0, 1}};
    TallyRule r = {TALLY_QUORUM_HALF, 1, 1};
    Tally t;
    tally_count(a, 5, &r, &t);
    assert_int_equal(t.nMember, 5);
    assert_int_equal(t.nConflict, 2);
    assert_int_equal(t.nEligible, 3);
    assert_int_equal(t.nFor, 1);
    assert_int_equal(t.nAgainst, 0);
    assert_int_equal(t.nAbstain, 1);
    assert_int_equal(t.nPresent, 2);
    assert_int_equal(t.outcome, TALLY_PASSED);
}

/* tally-3: names */
static void test_names(void **state) {
    (void)state;
    assert_int_equal(tally_vote_index("for"), TALLY_FOR);
    assert_int_equal(tally_vote_index("abstain"), TALLY_ABSTAIN);
    assert_int_equal(tally_vote_index("yes"), -1);
    assert_int_equal(tally_vote_index(NULL), -1);
    assert_int_equal(tally_quorum_index("two_thirds"), TALLY_QUORUM_TWO_THIRDS);
    assert_int_equal(tally_quorum_index("most"), -1);
    assert_string_equal(tally_outcome_name(TALLY_NO_QUORUM), "no_quorum");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
