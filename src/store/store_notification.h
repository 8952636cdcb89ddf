/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of notifications (issue 23): the accounts that can be told, each
 * person's preference per kind, what they have read, the SMTP settings and
 * the send log, whose row per (account, kind, item, day) is the claim that
 * keeps a message from going out twice, across scheduler runs and servers.
 * Also the plain reads that find items needing people (sign-offs missing,
 * risk mitigations overdue, who owns a system). Portable SQL only. */
#ifndef KEEL_STORE_NOTIFICATION_H
#define KEEL_STORE_NOTIFICATION_H
#include "store/db.h"
#include "store/store_audit.h"
#include <jansson.h>

/* Accounts that are not disabled: id, email, name, role, person_id, locale. */
int store_notif_accounts(Db *db, json_t **ppRows);
/* The organisation's default_locale, digest_hour and smtp_* settings (one
 * object, a new reference). */
int store_notif_settings(Db *db, json_t **ppRow);
/* Preferences: {account_id, kind, mode} of one account, or of every
 * account when accountId is 0. */
int store_notif_prefs(Db *db, int64_t accountId, json_t **ppRows);
/* Set (insert or replace) an account's mode for kind; audited. */
int store_notif_pref_set(Db *db, const Actor *actor, int64_t accountId, const char *zKind,
                         const char *zMode);
/* Set an account's locale (NULL: the organisation's); audited. */
int store_notif_locale_set(Db *db, const Actor *actor, int64_t accountId, const char *zLocale);
/* What an account has read: {kind, item_key, read_at}. */
int store_notif_reads(Db *db, int64_t accountId, json_t **ppRows);
/* Mark an item read for an account (idempotent). */
int store_notif_read_mark(Db *db, int64_t accountId, const char *zKind, const char *zKey,
                          const char *zNow);
/* Claim the send of (account, kind, key, day): 0 and *pId when this call
 * made the row (status pending), KEEL_ECONFLICT when it exists already. */
int store_notif_claim(Db *db, int64_t accountId, const char *zKind, const char *zKey,
                      const char *zDay, const char *zTo, const char *zLocale, const char *zSubject,
                      int64_t *pId);
/* Record a send's outcome: status sent|failed|refused, the SMTP reply code
 * (0 when none), the error (NULL when sent), the next try (unix seconds). */
int store_notif_result(Db *db, int64_t id, const char *zStatus, int64_t smtpCode,
                       const char *zError, int64_t nextTryAt);
/* Stop retrying send id (its attempts set to maxAttempts). */
int store_notif_give_up(Db *db, int64_t id, int maxAttempts);
/* Sends to try again now: failed ones whose next try is due and that have
 * had fewer than maxAttempts, and pending ones (a run that died between the
 * claim and the send) last touched before zStaleBefore. */
int store_notif_retry_due(Db *db, int64_t now, int maxAttempts, const char *zStaleBefore,
                          json_t **ppRows);
/* The send log, newest first. */
int store_notif_log(Db *db, int64_t limit, int64_t offset, json_t **ppRows, int64_t *pTotal);

/* Initiatives still open for sign-off whose current charter version lacks
 * the signature of a named signatory: {initiative_id, title, role,
 * person_id}. */
int store_notif_signoffs_missing(Db *db, json_t **ppRows);
/* Risks whose mitigation is due before zToday and still open or
 * mitigating: {id, title, owner_id, due_date}. */
int store_notif_risks_overdue(Db *db, const char *zToday, json_t **ppRows);
/* Every AI system with the owner of its initiative: {name, title,
 * owner_id}. */
int store_notif_system_owners(Db *db, json_t **ppRows);

/* Open proposals and the committee members who have neither voted nor
 * declared a conflict: {proposal_id, title, due_date, person_id}. */
int store_notif_votes_pending(Db *db, json_t **ppRows);

#endif
