/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL for alerts (issue 20): alert rules with their state (ok, pending,
 * firing), the history of firing and resolved events, webhook endpoints
 * (URL and signing secret) with their delivery log, and switch trips (a
 * rule that flipped a system's switch, awaiting a person's confirm or
 * revert). Portable SQL. */
#ifndef KEEL_STORE_ALERT_H
#define KEEL_STORE_ALERT_H
#include "store/db.h"
#include <jansson.h>
#include <stdint.h>

/* ---- rules ----------------------------------------------------------------- */

typedef struct AlertRuleRow {
    int64_t system;
    const char *zName, *zKind, *zMetric, *zSegment, *zOp;
    double value;
    int64_t forS;
    const char *zSeverity;
    int64_t webhookId; /* 0: none */
    int bTrip;
    const char *zCreatedBy;
} AlertRuleRow;

int store_alert_rule_add(Db *db, const AlertRuleRow *r, const char *zNow, int64_t *pId);
/* Rules of a system (0: all), with the system's and webhook's names (new
 * reference). */
int store_alert_rule_list(Db *db, int64_t system, json_t **ppRows);
int store_alert_rule_delete(Db *db, int64_t system, int64_t id);
/* Set a rule's state; pendingSince < 0 stores NULL, NaN lastValue too. */
int store_alert_rule_state(Db *db, int64_t id, const char *zState, int64_t pendingSince,
                           double lastValue, const char *zNow);

/* ---- history ----------------------------------------------------------------- */

int store_alert_event_add(Db *db, int64_t ruleId, int64_t system, const char *zState, double value,
                          const char *zMessage, const char *zNow, int64_t *pId);
/* Events of a system (0: all), newest first, at most limit (new ref). */
int store_alert_event_list(Db *db, int64_t system, int64_t limit, json_t **ppRows);

/* ---- webhooks ------------------------------------------------------------------ */

int store_webhook_add(Db *db, const char *zName, const char *zUrl, const char *zSecret,
                      const char *zBy, const char *zNow, int64_t *pId);
/* Webhooks without their secrets (new reference). */
int store_webhook_list(Db *db, json_t **ppRows);
/* The id of webhook zName; KEEL_ENOTFOUND. */
int store_webhook_id(Db *db, const char *zName, int64_t *pId);
int store_webhook_delete(Db *db, int64_t id);

int store_delivery_add(Db *db, int64_t webhookId, int64_t eventId, const char *zPayload,
                       int64_t nextMs, const char *zNow, int64_t *pId);
/* Pending deliveries due at nowMs with their webhook's url and secret
 * (new reference). */
int store_delivery_due(Db *db, int64_t nowMs, json_t **ppRows);
int store_delivery_update(Db *db, int64_t id, int64_t attempts, const char *zStatus,
                          int64_t httpStatus, const char *zError, int64_t nextMs, const char *zNow);
/* The delivery log, newest first: of a webhook (0: all), of a system's
 * rules (0: all), at most limit (new reference). */
int store_delivery_list(Db *db, int64_t webhookId, int64_t system, int64_t limit, json_t **ppRows);

/* ---- switch trips -------------------------------------------------------------- */

int store_trip_add(Db *db, int64_t system, int64_t ruleId, int64_t eventId, const char *zPriorState,
                   int64_t priorPercent, const char *zNow, int64_t *pId);
/* Trips (system 0: all; zStatus NULL: any) with system and rule names
 * (new reference). */
int store_trip_list(Db *db, int64_t system, const char *zStatus, json_t **ppRows);
/* One trip as a row (new reference); KEEL_ENOTFOUND. */
int store_trip_get(Db *db, int64_t id, json_t **ppRow);
int store_trip_decide(Db *db, int64_t id, const char *zStatus, const char *zBy, const char *zNow);

/* *pb: 1 when system's switch was ever in a state other than off (it has
 * served), for the production overview. */
int store_switch_ever_on(Db *db, int64_t system, int *pb);

#endif
