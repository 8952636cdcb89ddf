/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness for engine/portfolio's input parser: any bytes that
 * parse as JSON must give either a problem (then the greedy method runs on
 * it and its plan must pass the independent check) or KEEL_EINVAL with a
 * message; never a crash, a leak or another code. Only the greedy method
 * runs here, so that each input stays fast. */
#include "engine/portfolio.h"
#include "util/err.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!in) return 0;
    PortfolioProblem *p = NULL;
    EngineError e = {0};
    int rc = portfolio_problem_parse(in, &p, &e);
    if (rc == 0) {
        if (!p) abort();
        if (p->nItem <= 200 && p->nPeriod <= 24) {
            PortfolioOptions o = {0};
            o.method = PORTFOLIO_GREEDY;
            o.timeLimit = 1;
            int *aStart = calloc((size_t)p->nItem + 1, sizeof(int)), st;
            double obj, bound;
            EngineError why = {0};
            if (!aStart) abort();
            if (portfolio_solve_starts(p, &o, aStart, &st, &obj, &bound, &e)) abort();
            if (st <= PORTFOLIO_FEASIBLE && portfolio_plan_check(p, aStart, &why)) abort();
            free(aStart);
        }
        portfolio_problem_free(p);
    } else if (rc != KEEL_EINVAL || !e.zMsg[0] || p) {
        abort();
    }
    json_decref(in);
    return 0;
}
