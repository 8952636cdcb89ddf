/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Alert rules, webhooks and switch trips (issue 20).
 *
 * A rule watches one system: kind threshold (a metric of the last hour's
 * windows against a value), relative (the metric's change against the
 * version's baseline, as a fraction: -0.1 is 10 % below), drift (the
 * largest PSI among the inputs the latest findings name), decay (the
 * number of decay and segment_failure findings) or no_data (minutes since
 * the newest event); the condition is `value op threshold`. A rule whose
 * condition holds is pending, and firing once it has held for `for`
 * seconds (0: at once); when it stops holding a firing rule is resolved
 * (a pending one simply returns to ok, so flapping never fires). Firing
 * and resolved are kept as history and sent to the rule's webhook; a
 * rule with trip_switch flips the system's switch off to its fallback
 * when it fires (audited, the rule named as the reason) and leaves a
 * switch trip awaiting a person's confirm or revert.
 *
 * Webhooks (set by admins only) receive a JSON POST signed with
 * HMAC-SHA256 under the endpoint's secret: header X-Keel-Signature:
 * sha256=<hex of HMAC(secret, "<X-Keel-Timestamp>.<body>")>. A delivery
 * that fails (no answer within 5 s, or a status other than 2xx) is
 * retried after 1, 2, 4 ... s (ALERT_BACKOFF_S doubling) up to
 * ALERT_MAX_ATTEMPTS attempts, every attempt logged. docs/monitoring.md. */
#ifndef KEEL_DOMAIN_ALERT_H
#define KEEL_DOMAIN_ALERT_H
#include "domain/auth.h"
#include "store/db.h"
#include "util/err.h"
#include <jansson.h>

#define ALERT_MAX_ATTEMPTS 6
#define ALERT_BACKOFF_S 1
#define ALERT_TIMEOUT_MS 5000

/* Create a rule on system zName from `in` {name, kind, metric?, segment?,
 * op, value, for?, severity?, webhook?, trip_switch?}; *ppOut the rule. */
int alert_rule_create(Db *db, const Principal *who, const char *zName, const json_t *in,
                      json_t **ppOut, KeelError *e);
int alert_rule_delete(Db *db, const Principal *who, const char *zName, int64_t id, KeelError *e);
/* Rules (system 0: all) with their state (new reference). */
int alert_rules(Db *db, int64_t systemId, json_t **ppOut);

/* Evaluate every rule now, deliver what is due. The alerts.evaluate job. */
int alert_job(Db *db, KeelError *e);
/* Deliver the webhook deliveries that are due (the webhooks.deliver job). */
int alert_deliver_job(Db *db, KeelError *e);

/* Webhooks (admins): {name, url, secret?} (a secret is generated when
 * absent and answered once). */
int alert_webhook_create(Db *db, const Principal *who, const json_t *in, json_t **ppOut,
                         KeelError *e);
int alert_webhook_delete(Db *db, const Principal *who, int64_t id, KeelError *e);

/* Decide a switch trip: bRevert 0 confirms (the switch stays at its
 * fallback), 1 flips it back to its state before the trip. */
int alert_trip_decide(Db *db, const Principal *who, int64_t id, int bRevert, const json_t *in,
                      json_t **ppOut, KeelError *e);

/* The production overview: every system with status healthy, degraded
 * (firing alerts, drift or no-data findings), decaying (decay or
 * segment_failure findings), switched_off (off or shadow after it had
 * served) or not_in_production (never served, no events), its switch,
 * counts; and the switch trips awaiting a decision (new ref). */
int alert_production(Db *db, json_t **ppOut);

#endif
