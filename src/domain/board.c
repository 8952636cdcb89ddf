/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's content (see board.h): the strategy scorecard from the
 * alignment chain with each KPI assessed as of the period, the portfolio
 * (ranking, the latest plan: funded with its roadmap, unfunded with the
 * reason), resource use (pools over four quarters, idle and over-committed
 * pools, break-even, team gaps), risk (the register's heatmaps, each AI
 * system's gate board, overdue mitigations and ethics reviews), realised
 * against promised value (the quarterly review), production health
 * (systems, switches, monitoring findings, alerts), the committee's
 * decisions and open proposals, and the open actions (overdue first) with
 * those closed in the quarter. Everything is read through the domain
 * functions of those paths. */
#include "domain/board.h"
#include "domain/alignment.h"
#include "domain/action.h"
#include "domain/alert.h"
#include "domain/allocation.h"
#include "domain/committee.h"
#include "domain/decay.h"
#include "domain/gate.h"
#include "domain/org.h"
#include "domain/quarterly.h"
#include "domain/review.h"
#include "domain/risk.h"
#include "domain/system.h"
#include "store/store_alert.h"
#include "store/store_crud.h"
#include "util/json.h"
#include "util/period.h"
#include "util/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int board_check_period(Db *db, const char *zPeriod, KeelError *e) {
    char zCur[12];
    alloc_current_quarter(db, zCur);
    int ord = alloc_quarter_ord(zPeriod);
    if (!zPeriod || !*zPeriod)
        return err_set(e, KEEL_EINVAL, "period", "give the period, a quarter such as %s", zCur);
    if (ord < 0 || strlen(zPeriod) != 6)
        return err_set(e, KEEL_EINVAL, "period",
                       "unknown period '%.40s': give a fiscal quarter such as %s", zPeriod, zCur);
    if (ord > alloc_quarter_ord(zCur))
        return err_set(e, KEEL_EINVAL, "period",
                       "period %s has not begun (the current quarter is %s): a board pack "
                       "reports on a quarter that has started",
                       zPeriod, zCur);
    return 0;
}

/* ---- the strategy scorecard ------------------------------------------------ */

/* Objectives (closed ones left out) with their KPIs assessed as of zPeriod,
 * each with its last BOARD_KPI_POINTS values; the coverage findings. */
static int board_scorecard(Db *db, const char *zPeriod, json_t **ppOut) {
    json_t *chain;
    int rc = align_alignment(db, &chain);
    if (rc) return rc;
    json_t *objs = json_array();
    size_t i, k;
    json_t *o, *kp;
    json_array_foreach(json_object_get(chain, "objectives"), i, o) {
        if (strcmp(json_get_str(o, "status") ? json_get_str(o, "status") : "", "closed") == 0)
            continue;
        json_t *kpis = json_array();
        json_array_foreach(json_object_get(o, "kpis"), k, kp) {
            json_t *x = json_deep_copy(kp);
            json_object_del(x, "initiatives");
            if ((rc = align_kpi_as_of(db, x, zPeriod, 1))) {
                json_decref(x);
                json_decref(kpis);
                goto done;
            }
            json_t *v = json_object_get(x, "values");
            while (json_array_size(v) > BOARD_KPI_POINTS)
                json_array_remove(v, 0);
            json_array_append_new(kpis, x);
        }
        json_array_append_new(
            objs, json_pack("{sI ss* ss* ss* ss* so}", "id", (json_int_t)json_get_id(o, "id"),
                            "title", json_get_str(o, "title"), "pain_point",
                            json_get_str(o, "pain_point"), "status", json_get_str(o, "status"),
                            "horizon_end", json_get_str(o, "horizon_end"), "kpis", kpis));
    }
    *ppOut = json_pack("{sO* sO* sO*}", "objectives", objs, "findings",
                       json_object_get(chain, "findings"), "finding_counts",
                       json_object_get(chain, "finding_counts"));
done:
    json_decref(objs);
    json_decref(chain);
    return rc;
}

/* ---- portfolio and plan ------------------------------------------------------ */

/* Initiative zId of a plan input, or NULL. */
static const json_t *plan_initiative(const json_t *input, const char *zId) {
    return json_find_str(json_object_get(input, "initiatives"), "id", zId);
}

/* The latest plan as {id, status, periods, value, funded: [{id, name,
 * stage, start, duration, value}], unfunded: [{id, name, stage, reason}]}
 * where start is the period index (negative: under way before the plan);
 * the initiatives the plan left out before solving are unfunded too. NULL
 * (json null) when there is no plan. */
static int board_plan(Db *db, json_t **ppOut) {
    json_t *plan;
    int rc = alloc_plan_get(db, 0, &plan);
    if (rc == KEEL_ENOTFOUND) {
        *ppOut = json_null();
        return 0;
    }
    if (rc) return rc;
    const json_t *in = json_object_get(plan, "input"), *res = json_object_get(plan, "result");
    json_t *periods = json_object_get(res, "periods");
    json_t *funded = json_array(), *unfunded = json_array();
    int first = alloc_quarter_ord(json_string_value(json_array_get(periods, 0)));
    const char *zId;
    json_t *v;
    for (int pass = 0; pass < 2; pass++) {
        json_object_foreach(json_object_get(res, pass ? "starts" : "under_way"), zId, v) {
            const json_t *x = plan_initiative(in, zId);
            int start =
                pass ? alloc_quarter_ord(json_string_value(v)) - first : (int)json_integer_value(v);
            json_array_append_new(funded,
                                  json_pack("{ss ss* ss* si sI sf}", "id", zId, "name",
                                            json_get_str(x, "name"), "stage",
                                            json_get_str(x, "stage"), "start", start, "duration",
                                            (json_int_t)json_get_id(x, "duration"), "value",
                                            json_number_value(json_object_get(x, "value"))));
        }
    }
    size_t i;
    json_t *u;
    json_array_foreach(json_object_get(res, "unfunded"), i, u) {
        const json_t *x = plan_initiative(in, json_get_str(u, "id"));
        const json_t *code = json_object_get(u, "reason_code");
        const json_t *other = plan_initiative(in, json_get_str(code, "other"));
        json_array_append_new(
            unfunded, json_pack("{ss* ss* ss* ss* ss* ss*}", "id", json_get_str(u, "id"), "name",
                                json_get_str(x, "name"), "stage", json_get_str(x, "stage"),
                                "reason", json_get_str(u, "reason"), "reason_code",
                                json_get_str(code, "code"), "other", json_get_str(other, "name")));
    }
    /* what the planner left out before solving, over the plan's horizon */
    AllocHorizon h;
    KeelError e = {0};
    json_t *input = NULL, *excluded = NULL;
    if (alloc_horizon(db, json_string_value(json_array_get(periods, 0)),
                      (int)json_array_size(periods), &h, &e) == 0 &&
        alloc_plan_input(db, &h, NULL, &input, &excluded, &e) == 0) {
        json_array_foreach(excluded, i, u) {
            char z[24];
            snprintf(z, sizeof z, "%lld", (long long)json_get_id(u, "id"));
            json_array_append_new(unfunded, json_pack("{ss sO* sO* sO*}", "id", z, "name",
                                                      json_object_get(u, "title"), "stage",
                                                      json_object_get(u, "stage"), "reason",
                                                      json_object_get(u, "reason")));
        }
    }
    json_decref(input);
    json_decref(excluded);
    *ppOut = json_pack("{sI sO* sO* sO* so so}", "id", (json_int_t)json_get_id(plan, "id"),
                       "status", json_object_get(plan, "status"), "periods", periods, "value",
                       json_object_get(plan, "value"), "funded", funded, "unfunded", unfunded);
    json_decref(plan);
    return *ppOut ? 0 : KEEL_ENOMEM;
}

static int board_portfolio(Db *db, json_t **ppOut) {
    json_t *prio, *plan = NULL;
    int rc = align_priorities(db, NULL, 0, &prio);
    if (rc) return rc;
    if ((rc = board_plan(db, &plan))) {
        json_decref(prio);
        return rc;
    }
    *ppOut = json_pack("{sO* sO* so}", "ranking", json_object_get(prio, "items"), "midpoint",
                       json_object_get(prio, "midpoint"), "plan", plan);
    json_decref(prio);
    return 0;
}

/* ---- resource use ------------------------------------------------------------ */

/* Give each finding about a zEntity without a "name" the zNameKey of the
 * row of rows with its id (so that the pack can word it in another
 * language). */
static void name_findings(json_t *findings, const json_t *rows, const char *zEntity,
                          const char *zNameKey) {
    size_t i, j;
    json_t *f, *r;
    json_array_foreach(findings, i, f) {
        const char *z = json_get_str(f, "entity");
        if (json_object_get(f, "name") || !z || strcmp(z, zEntity)) continue;
        json_array_foreach(rows, j, r) {
            if (json_get_id(r, "id") == json_get_id(f, "id") && json_get_str(r, zNameKey)) {
                json_object_set(f, "name", json_object_get(r, zNameKey));
                break;
            }
        }
    }
}

/* The pools over the four quarters that end with zPeriod (idle and
 * over-committed judged on them), the team findings. */
static int board_resources(Db *db, const char *zPeriod, json_t **ppOut, KeelError *e) {
    AllocHorizon h;
    int ord = alloc_quarter_ord(zPeriod) - 3;
    char zFrom[16];
    snprintf(zFrom, sizeof zFrom, "%04dQ%d", (ord / 4) % 10000, ord % 4 + 1);
    int rc = alloc_horizon(db, zFrom, 4, &h, e);
    json_t *pools = NULL, *teams = NULL;
    if (rc == 0) rc = alloc_pools_report(db, &h, ALLOC_IDLE_DEFAULT, &pools);
    if (rc == 0) rc = alloc_teams_report(db, &teams);
    if (rc == 0) {
        name_findings(json_object_get(pools, "findings"), json_object_get(pools, "pools"),
                      "resource_pool", "name");
        name_findings(json_object_get(teams, "findings"), json_object_get(teams, "initiatives"),
                      "initiative", "title");
        name_findings(json_object_get(teams, "findings"), json_object_get(teams, "overcommitted"),
                      "person", "name");
    }
    if (rc == 0)
        *ppOut = json_pack("{sO* sO* sO* sO*}", "periods", json_object_get(pools, "periods"),
                           "pools", json_object_get(pools, "pools"), "findings",
                           json_object_get(pools, "findings"), "team_findings",
                           json_object_get(teams, "findings"));
    json_decref(pools);
    json_decref(teams);
    return rc;
}

/* ---- risk ------------------------------------------------------------------------ */

/* A 5 x 5 grid [likelihood-1][impact-1] {count} as counts by impact 5..1
 * (rows) and likelihood 1..5 (columns), the heatmap chart's order. */
static json_t *heat_counts(const json_t *grid) {
    json_t *rows = json_array();
    for (int imp = 5; imp >= 1; imp--) {
        json_t *row = json_array();
        for (int l = 1; l <= 5; l++)
            json_array_append_new(
                row, json_integer(json_get_id(
                         json_array_get(json_array_get(grid, (size_t)(l - 1)), (size_t)(imp - 1)),
                         "count")));
        json_array_append_new(rows, row);
    }
    return rows;
}

/* The risk register's heatmaps (inherent, residual) and overdue
 * mitigations, each AI system's gate board (the verdict of every stage for
 * its latest version) and the ethics reviews overdue or suspending. */
static int board_risk(Db *db, json_t **ppOut) {
    json_t *hm = NULL, *sched = NULL, *boards = json_array(), *findings = json_array();
    int rc = risk_heatmap(db, &hm);
    if (rc == 0) rc = review_schedule(db, &sched);
    size_t i;
    json_t *x;
    if (rc == 0) {
        json_array_foreach(json_object_get(sched, "items"), i, x) {
            json_t *gb;
            KeelError e = {0};
            if (gate_board(db, json_get_str(x, "system"), NULL, &gb, &e)) continue; /* no version */
            json_t *verdicts = json_object();
            size_t j;
            json_t *g;
            json_array_foreach(json_object_get(gb, "gates"), j, g)
                json_object_set(verdicts, json_get_str(g, "stage"), json_object_get(g, "verdict"));
            json_array_append_new(boards,
                                  json_pack("{sO* sO* sO* sO* sO* so}", "system",
                                            json_object_get(gb, "system"), "title",
                                            json_object_get(gb, "title"), "version",
                                            json_object_get(gb, "version"), "current_stage",
                                            json_object_get(gb, "current_stage"), "risk_tier",
                                            json_object_get(x, "risk_tier"), "verdicts", verdicts));
            json_decref(gb);
        }
        /* findings in the pack's shape: kind and the name they are about */
        json_array_foreach(json_object_get(hm, "findings"), i, x) {
            const json_t *r = NULL;
            size_t k;
            json_t *y;
            json_array_foreach(json_object_get(hm, "risks"), k,
                               y) if (json_get_id(y, "id") == json_get_id(x, "risk_id")) r = y;
            json_array_append_new(findings,
                                  json_pack("{sO* sO* ss* sO*}", "kind", json_object_get(x, "code"),
                                            "severity", json_object_get(x, "severity"), "name",
                                            json_get_str(r, "title"), "message",
                                            json_object_get(x, "message")));
        }
        json_array_foreach(json_object_get(sched, "findings"), i, x) json_array_append_new(
            findings,
            json_pack("{sO* sO* sO* sO*}", "kind", json_object_get(x, "code"), "severity",
                      json_object_get(x, "severity"), "name", json_object_get(x, "system"),
                      "message", json_object_get(x, "message")));
        *ppOut =
            json_pack("{sb sO* so so so so}", "built", 1, "total", json_object_get(hm, "total"),
                      "inherent", heat_counts(json_object_get(hm, "inherent")), "residual",
                      heat_counts(json_object_get(hm, "residual")), "gate_boards", boards,
                      "findings", findings);
        boards = findings = NULL;
    }
    json_decref(boards);
    json_decref(findings);
    json_decref(hm);
    json_decref(sched);
    return rc;
}
/* ---- actions ---------------------------------------------------------------------- */

/* Whether the ISO date or timestamp z falls in the fiscal quarter p. */
static int in_quarter(const char *z, const Period *p) {
    int y, m;
    if (!z || sscanf(z, "%4d-%2d", &y, &m) != 2) return 0;
    int k = y * 12 + m - 1;
    return k >= p->firstMonth && k < p->firstMonth + 3;
}

static int is(const char *zWant, const char *z) { return z && strcmp(zWant, z) == 0; }

/* Overdue ones first (most days overdue first), then by due date (none
 * last), then by id. */
static int action_cmp(const void *a, const void *b) {
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int ox = json_is_true(json_object_get(x, "overdue")),
        oy = json_is_true(json_object_get(y, "overdue"));
    if (ox != oy) return oy - ox;
    const char *dx = json_get_str(x, "due_date"), *dy = json_get_str(y, "due_date");
    if (!dx != !dy) return dx ? -1 : 1;
    int c = dx ? strcmp(dx, dy) : 0;
    if (c) return c;
    return json_get_id(x, "id") < json_get_id(y, "id") ? -1 : 1;
}

/* The open actions (open or in progress) as {owner, title, due_date,
 * overdue, days_overdue, status, source, initiative, system}, overdue ones
 * first then by due date; how many are overdue; how many were closed (done
 * or cancelled) in zPeriod. */
static int board_actions(Db *db, const char *zPeriod, json_t **ppOut) {
    json_t *all;
    ActionFilter f = {NULL, NULL, NULL, NULL, 0, 0, 0};
    int rc = action_list(db, &f, &all);
    if (rc) return rc;
    Period p;
    period_parse(zPeriod, align_fiscal_start(db), &p);
    size_t i, n = 0;
    json_t *x, **ap = calloc(json_array_size(json_object_get(all, "items")) + 1, sizeof *ap);
    int nDone = 0, nCancelled = 0, nOverdue = 0;
    json_array_foreach(json_object_get(all, "items"), i, x) {
        const char *zSt = json_get_str(x, "status");
        if (is("open", zSt) || is("in_progress", zSt)) {
            ap[n++] = x;
            nOverdue += json_is_true(json_object_get(x, "overdue"));
        } else if (in_quarter(json_get_str(x, "closed_at"), &p)) {
            if (is("done", zSt))
                nDone++;
            else
                nCancelled++;
        }
    }
    qsort(ap, n, sizeof *ap, action_cmp);
    json_t *open = json_array();
    for (i = 0; i < n; i++)
        json_array_append_new(open, json_pack("{sO sO* sO* sO* sO* sO* sO* sO* sO* sO*}", "id",
                                              json_object_get(ap[i], "id"), "title",
                                              json_object_get(ap[i], "title"), "owner",
                                              json_object_get(ap[i], "owner_name"), "due_date",
                                              json_object_get(ap[i], "due_date"), "status",
                                              json_object_get(ap[i], "status"), "source",
                                              json_object_get(ap[i], "source"), "overdue",
                                              json_object_get(ap[i], "overdue"), "days_overdue",
                                              json_object_get(ap[i], "days_overdue"), "initiative",
                                              json_object_get(ap[i], "initiative_title"), "system",
                                              json_object_get(ap[i], "system_name")));
    free(ap);
    json_decref(all);
    *ppOut =
        json_pack("{sb so si si si si}", "built", 1, "open", open, "open_count", (int)n,
                  "overdue_count", nOverdue, "closed_done", nDone, "closed_cancelled", nCancelled);
    return *ppOut ? 0 : KEEL_ENOMEM;
}

/* ---- decisions ------------------------------------------------------------------ */

/* All rows of r (at most 1000), newest first, decorated. */
static int list_all(Db *db, const ResourceDef *r, int (*decorate)(Db *, json_t *),
                    json_t **ppItems) {
    ListQuery q = {.limit = 1000, .zSort = "-id"};
    int64_t n;
    KeelError e = {0};
    int rc = store_crud_list(db, r, &q, ppItems, &n, &e);
    size_t i;
    json_t *x;
    if (rc == 0) json_array_foreach(*ppItems, i, x) decorate(db, x);
    return rc;
}

/* The committee's decisions taken in zPeriod, newest first: {id, title
 * (the proposal's, else the action type), action_type, kind, outcome,
 * execution, for, against, abstain, date}; the proposals still open with
 * their due date and the votes cast so far. */
static int board_decisions(Db *db, const char *zPeriod, json_t **ppOut) {
    json_t *decs = NULL, *props = NULL;
    int rc = list_all(db, &resource_decision, decision_decorate, &decs);
    if (rc == 0) rc = list_all(db, &resource_proposal, proposal_decorate, &props);
    if (rc) {
        json_decref(decs);
        return rc;
    }
    Period p;
    period_parse(zPeriod, align_fiscal_start(db), &p);
    json_t *taken = json_array(), *pending = json_array(), *x;
    size_t i;
    json_array_foreach(decs, i, x) {
        const char *zAt = json_get_str(x, "created_at");
        if (!in_quarter(zAt, &p)) continue;
        const json_t *pr = NULL, *y;
        size_t k;
        json_array_foreach(props, k, y) if (json_get_id(y, "id") == json_get_id(x, "proposal_id"))
            pr = y;
        const json_t *tl = json_object_get(x, "tally");
        if (!json_get_id(x, "proposal_id")) pr = NULL;
        char zDate[11];
        snprintf(zDate, sizeof zDate, "%s", zAt);
        json_t *ini = NULL;
        if (json_get_id(x, "initiative_id") &&
            store_crud_get(db, &resource_initiative, json_get_id(x, "initiative_id"), &ini))
            ini = NULL;
        json_array_append_new(
            taken,
            json_pack("{sO sO* sO* sO* sO* sO* sI sI sI ss}", "id", json_object_get(x, "id"),
                      "title", pr ? json_object_get(pr, "title") : NULL, "action_type",
                      json_object_get(x, "action_type"), "kind", json_object_get(x, "kind"),
                      "outcome", json_object_get(x, "outcome"), "execution",
                      json_object_get(x, "execution"), "for", (json_int_t)json_get_id(tl, "for"),
                      "against", (json_int_t)json_get_id(tl, "against"), "abstain",
                      (json_int_t)json_get_id(tl, "abstain"), "date", zDate));
        json_object_set(json_array_get(taken, json_array_size(taken) - 1), "initiative",
                        ini ? json_object_get(ini, "title") : json_null());
        json_decref(ini);
    }
    json_array_foreach(props, i, x) {
        if (!is("open", json_get_str(x, "status"))) continue;
        const json_t *tl = json_object_get(x, "tally");
        json_array_append_new(
            pending,
            json_pack("{sO sO* sO* sO* sO* sI sI sI sI}", "id", json_object_get(x, "id"), "title",
                      json_object_get(x, "title"), "action_type", json_object_get(x, "action_type"),
                      "due_date", json_object_get(x, "due_date"), "overdue",
                      json_object_get(x, "overdue"), "for", (json_int_t)json_get_id(tl, "for"),
                      "against", (json_int_t)json_get_id(tl, "against"), "abstain",
                      (json_int_t)json_get_id(tl, "abstain"), "eligible",
                      (json_int_t)json_get_id(tl, "eligible")));
    }
    json_decref(decs);
    json_decref(props);
    *ppOut = json_pack("{sb so so}", "built", 1, "taken", taken, "pending", pending);
    return *ppOut ? 0 : KEEL_ENOMEM;
}

/* ---- production ------------------------------------------------------------------ */

/* Every system that has served (the production overview's status is not
 * not_in_production): {system, status, switch, fallback, findings (decay
 * findings as monitoring states them, each with its false-alarm rate),
 * alerts (the firing events of zPeriod, newest first)}; how many switch
 * trips await a decision. */
static int board_production(Db *db, const char *zPeriod, json_t **ppOut) {
    json_t *prod;
    int rc = alert_production(db, &prod);
    if (rc) return rc;
    Period p;
    period_parse(zPeriod, align_fiscal_start(db), &p);
    json_t *systems = json_array(), *x;
    size_t i;
    json_array_foreach(json_object_get(prod, "items"), i, x) {
        if (is("not_in_production", json_get_str(x, "status"))) continue;
        int64_t id = system_id_by_name(db, json_get_str(x, "system"));
        json_t *find = NULL, *hist = NULL, *alerts = json_array(), *ev;
        if (id <= 0) continue;
        if ((rc = decay_findings(db, id, &find)) == 0)
            rc = store_alert_event_list(db, id, 1000, &hist);
        size_t k;
        json_array_foreach(hist, k, ev) {
            if (is("firing", json_get_str(ev, "state")) &&
                in_quarter(json_get_str(ev, "created_at"), &p))
                json_array_append_new(alerts, json_pack("{sO* sO* sO* sO*}", "rule",
                                                        json_object_get(ev, "rule"), "severity",
                                                        json_object_get(ev, "severity"), "message",
                                                        json_object_get(ev, "message"), "at",
                                                        json_object_get(ev, "created_at")));
        }
        json_decref(hist);
        if (rc) {
            json_decref(find);
            json_decref(alerts);
            break;
        }
        json_array_append_new(
            systems, json_pack("{sO* sO* sO* sO* so so}", "system", json_object_get(x, "system"),
                               "status", json_object_get(x, "status"), "switch",
                               json_object_get(x, "switch"), "fallback",
                               json_object_get(x, "fallback"), "findings", find, "alerts", alerts));
    }
    if (rc == 0)
        *ppOut = json_pack("{sb sO sI}", "built", 1, "systems", systems, "awaiting_trips",
                           (json_int_t)json_array_size(json_object_get(prod, "awaiting_trips")));
    json_decref(systems);
    json_decref(prod);
    return rc ? rc : *ppOut ? 0 : KEEL_ENOMEM;
}

/* ---- realised vs promised value ------------------------------------------------- */

/* The quarterly review's realised against promised value of zPeriod (held:
 * as held; else assembled now through quarterly_realised, the same rule and
 * interval): {level, promised, realised (the programme's), initiatives:
 * [{title, stage, promised, realised, share, share_interval,
 * value_interval, tested, shortfall, not_live, method}]} where method is
 * the comparison of the tested links (pre_period, units_not_rolled_out,
 * or mixed). */
static int board_value(Db *db, const char *zPeriod, json_t **ppOut, KeelError *e) {
    json_t *rv;
    int rc = quarterly_review(db, zPeriod, &rv, e);
    if (rc) return rc;
    json_t *items = json_array(), *x, *l;
    size_t i, k;
    json_array_foreach(json_object_get(rv, "initiatives"), i, x) {
        const json_t *r = json_object_get(x, "realised");
        const char *zMethod = NULL;
        json_array_foreach(json_object_get(r, "links"), k, l) {
            const char *z = json_get_str(l, "comparison");
            if (!json_is_true(json_object_get(l, "tested")) || !z) continue;
            zMethod = !zMethod || !strcmp(zMethod, z) ? z : "mixed";
        }
        json_array_append_new(
            items,
            json_pack("{sO* sO* sO* sO* sO* sO* sO* sb sb sb ss*}", "title",
                      json_object_get(x, "title"), "stage", json_object_get(x, "stage"), "promised",
                      json_object_get(x, "promised_value"), "realised",
                      json_object_get(x, "realised_value"), "share", json_object_get(r, "share"),
                      "share_interval", json_object_get(r, "share_interval"), "value_interval",
                      json_object_get(r, "value_interval"), "tested",
                      json_is_true(json_object_get(r, "tested")), "shortfall",
                      json_is_true(json_object_get(r, "shortfall")), "not_live",
                      !json_is_string(json_object_get(r, "live_since")), "method", zMethod));
    }
    const json_t *prog = json_object_get(rv, "programme");
    *ppOut =
        json_pack("{sb sO* sf sO* sO* so}", "built", 1, "status", json_object_get(rv, "status"),
                  "level", QR_LEVEL * 100, "promised", json_object_get(prog, "promised_value"),
                  "realised", json_object_get(prog, "realised_value"), "initiatives", items);
    json_decref(rv);
    return *ppOut ? 0 : KEEL_ENOMEM;
}

/* ---- the pack ------------------------------------------------------------------ */

int board_collect(Db *db, const char *zPeriod, json_t **ppOut, KeelError *e) {
    int rc = board_check_period(db, zPeriod, e);
    if (rc) return rc;
    json_t *settings = NULL, *score = NULL, *port = NULL, *res = NULL, *risk = NULL, *acts = NULL,
           *decs = NULL, *prod = NULL, *val = NULL;
    if ((rc = store_crud_get(db, &resource_settings, 1, &settings))) goto done;
    if ((rc = board_scorecard(db, zPeriod, &score))) goto done;
    if ((rc = board_portfolio(db, &port))) goto done;
    if ((rc = board_resources(db, zPeriod, &res, e))) goto done;
    if ((rc = board_risk(db, &risk))) goto done;
    if ((rc = board_actions(db, zPeriod, &acts))) goto done;
    if ((rc = board_decisions(db, zPeriod, &decs))) goto done;
    if ((rc = board_production(db, zPeriod, &prod))) goto done;
    if ((rc = board_value(db, zPeriod, &val, e))) goto done;
    char zCur[12], zNow[32];
    alloc_current_quarter(db, zCur);
    time_iso_now(zNow, sizeof zNow);
    *ppOut = json_pack("{ss ss sO* sO* ss so so so so so so so so}", "period", zPeriod,
                       "current_period", zCur, "organisation", json_object_get(settings, "name"),
                       "currency", json_object_get(settings, "currency"), "generated_at", zNow,
                       "scorecard", score, "portfolio", port, "resources", res, "value", val,
                       "risk", risk, "production", prod, "decisions", decs, "actions", acts);
    score = port = res = risk = acts = decs = prod = val = NULL;
    if (!*ppOut) rc = KEEL_ENOMEM;
done:
    json_decref(settings);
    json_decref(score);
    json_decref(port);
    json_decref(res);
    json_decref(risk);
    json_decref(acts);
    json_decref(decs);
    json_decref(prod);
    json_decref(val);
    return rc;
}
