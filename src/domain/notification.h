/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notifications (issue 23): what needs whom, the inbox, each person's
 * preferences and language, and the e-mail job.
 *
 * Items are computed from the data each time (a resolved item disappears
 * on its own): every kind in the table of notification.c has a collector
 * that finds its open items and a rule naming who must act. A person's
 * preference per kind decides the channel: inbox only, e-mail now (once
 * per item), a daily digest, or off; kinds that must reach someone go to
 * the digest instead of off. The `notifications` job sends what is due,
 * claiming each send in the database first, so no message goes out twice
 * across runs and servers. Words of items and messages are in English and
 * Chinese; each recipient gets their own language. docs/notifications.md
 * has the rules and how a new kind plugs in. */
#ifndef KEEL_DOMAIN_NOTIFICATION_H
#define KEEL_DOMAIN_NOTIFICATION_H
#include "domain/auth.h"
#include "store/db.h"
#include "util/err.h"
#include <jansson.h>

/* The kinds: [{kind, must_reach, default_mode, recipients (words)}]. */
json_t *notif_kinds(void);

/* Every open item now: [{kind, key, link, since, title{en,zh-CN},
 * detail{en,zh-CN}, recipients[account ids]}] (new reference). */
int notif_collect(Db *db, int64_t now, json_t **ppItems, KeelError *e);

/* The caller's inbox: {items:[{kind, key, link, since, title, detail,
 * read, must_reach}], unread, total}; title and detail in both languages. */
int notif_inbox(Db *db, const Principal *who, json_t **ppOut, KeelError *e);
/* Mark read: {kind, key} or {all: true}. */
int notif_inbox_read(Db *db, const Principal *who, const json_t *in, KeelError *e);

/* The caller's preferences: {locale, effective_locale, kinds:[{kind,
 * mode, default_mode, must_reach, modes}]}. */
int notif_prefs_get(Db *db, const Principal *who, json_t **ppOut, KeelError *e);
/* Change them: {locale?: "en"|"zh-CN"|null, notifications?: {kind: mode}};
 * everything is checked before anything is written. */
int notif_prefs_set(Db *db, const Principal *who, const json_t *in, KeelError *e);

/* The job: send what is due now (e-mail now, retries, the daily digest).
 * *ppSummary (may be NULL) gets {sent, failed, refused, skipped, smtp}. */
int notif_run(Db *db, int64_t now, json_t **ppSummary, KeelError *e);
/* The scheduler's entry (notif_run at the current time). */
int notif_job(Db *db, KeelError *e);

/* A test message to zTo with the current settings: {outcome, smtp_code,
 * error, transcript[]}; logged like any send (kind "test"). */
int notif_test_send(Db *db, const Principal *who, const json_t *in, json_t **ppOut, KeelError *e);

/* The send log (admins): {items, total, limit, offset}. */
int notif_log(Db *db, int64_t limit, int64_t offset, json_t **ppOut, KeelError *e);

#endif
