/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The board pack's content: what the AI committee reads each quarter,
 * gathered through the domain functions of each path (no SQL here) into
 * one JSON document that report/board.c renders as PDF or HTML. The rules:
 *  - the period is a fiscal quarter ("2026Q4") that has begun: later
 *    quarters have nothing to report and are refused;
 *  - KPIs are assessed as of the period's end (values of later periods are
 *    left out), so an old quarter's pack shows what was known then;
 *  - resource use covers the period and the three quarters before it
 *    (actual use is known for past quarters);
 *  - risk is the register and the gates as they stand now (they have no
 *    history by quarter yet); production the systems, findings and switches
 *    as they stand now, with the alerts fired in the period;
 *  - value is the period's quarterly review (held or assembled now);
 *    decisions are those taken in the period and the proposals open now;
 *    actions the open ones now and those closed in the period.
 * See docs/report.md for every field. */
#ifndef KEEL_DOMAIN_BOARD_H
#define KEEL_DOMAIN_BOARD_H
#include "store/db.h"
#include "util/err.h"
#include <jansson.h>

#define BOARD_KPI_POINTS 8 /* values shown in a KPI's trend line, at most */

/* Check zPeriod: KEEL_EINVAL naming "period" when it is not a quarter or
 * has not begun yet (the message says which and gives the current one). */
int board_check_period(Db *db, const char *zPeriod, KeelError *e);

/* Gather the pack for zPeriod into *ppOut (new reference): {period,
 * current_period, organisation, currency, generated_at, scorecard,
 * portfolio, resources, risk, value, production, decisions, actions}. */
int board_collect(Db *db, const char *zPeriod, json_t **ppOut, KeelError *e);

#endif
