/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of notifications; see store_notification.h. */
#include "store/store_notification.h"
#include "util/err.h"
#include "util/timeutil.h"

int store_notif_accounts(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, email, name, role, person_id, locale FROM account "
                          "WHERE disabled = 0 ORDER BY id",
                          "");
}

int store_notif_settings(Db *db, json_t **ppRow) {
    return db_select_json_row(db, ppRow,
                              "SELECT name, default_locale, digest_hour, public_url, smtp_url, "
                              "smtp_from, smtp_user, smtp_password_file, smtp_tls FROM "
                              "org_settings WHERE id = 1",
                              "");
}

int store_notif_prefs(Db *db, int64_t accountId, json_t **ppRows) {
    if (accountId)
        return db_select_json(db, ppRows,
                              "SELECT account_id, kind, mode FROM notification_pref "
                              "WHERE account_id = ? ORDER BY kind",
                              "i", accountId);
    return db_select_json(db, ppRows,
                          "SELECT account_id, kind, mode FROM notification_pref "
                          "ORDER BY account_id, kind",
                          "");
}

int store_notif_pref_set(Db *db, const Actor *actor, int64_t accountId, const char *zKind,
                         const char *zMode) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    json_t *before = NULL, *row = NULL;
    int rc = db_select_json_row(db, &row,
                                "SELECT mode FROM notification_pref WHERE account_id = ? AND "
                                "kind = ?",
                                "it", accountId, zKind);
    if (rc && rc != KEEL_ENOTFOUND) return rc;
    if (row) before = json_pack("{ss sO}", "kind", zKind, "mode", json_object_get(row, "mode"));
    json_decref(row);
    rc = db_run(db,
                "INSERT INTO notification_pref(account_id, kind, mode, updated_at) "
                "VALUES(?,?,?,?) ON CONFLICT(account_id, kind) DO UPDATE SET "
                "mode = excluded.mode, updated_at = excluded.updated_at",
                "ittt", accountId, zKind, zMode, zNow);
    if (rc == 0) {
        json_t *after = json_pack("{ss ss}", "kind", zKind, "mode", zMode);
        rc = store_audit_append(db, actor, before ? "update" : "create", "notification_pref",
                                accountId, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int store_notif_locale_set(Db *db, const Actor *actor, int64_t accountId, const char *zLocale) {
    json_t *row;
    int rc =
        db_select_json_row(db, &row, "SELECT locale FROM account WHERE id = ?", "i", accountId);
    if (rc) return rc;
    json_t *before = json_pack("{sO}", "locale", json_object_get(row, "locale"));
    json_decref(row);
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    rc = db_run(db, "UPDATE account SET locale = ?, updated_at = ? WHERE id = ?", "tti", zLocale,
                zNow, accountId);
    if (rc == 0) {
        json_t *after = json_pack("{s:s?}", "locale", zLocale);
        rc = store_audit_append(db, actor, "update", "account", accountId, before, after);
        json_decref(after);
    }
    json_decref(before);
    return rc;
}

int store_notif_reads(Db *db, int64_t accountId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT kind, item_key, read_at FROM notification_read "
                          "WHERE account_id = ?",
                          "i", accountId);
}

int store_notif_read_mark(Db *db, int64_t accountId, const char *zKind, const char *zKey,
                          const char *zNow) {
    return db_run(db,
                  "INSERT INTO notification_read(account_id, kind, item_key, read_at) "
                  "VALUES(?,?,?,?) ON CONFLICT(account_id, kind, item_key) DO NOTHING",
                  "ittt", accountId, zKind, zKey, zNow);
}

int store_notif_claim(Db *db, int64_t accountId, const char *zKind, const char *zKey,
                      const char *zDay, const char *zTo, const char *zLocale, const char *zSubject,
                      int64_t *pId) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    int rc = db_run(db,
                    "INSERT INTO notification_send(account_id, kind, item_key, day, to_addr, "
                    "locale, subject, status, created_at, updated_at) "
                    "VALUES(?,?,?,?,?,?,?,'pending',?,?) "
                    "ON CONFLICT(account_id, kind, item_key, day) DO NOTHING",
                    "itttttttt", accountId, zKind, zKey, zDay, zTo, zLocale, zSubject, zNow, zNow);
    if (rc) return rc;
    if (db_changes(db) == 0) return KEEL_ECONFLICT;
    return db_query_int(db, pId,
                        "SELECT id FROM notification_send WHERE account_id = ? AND kind = ? "
                        "AND item_key = ? AND day = ?",
                        "ittt", accountId, zKind, zKey, zDay);
}

int store_notif_result(Db *db, int64_t id, const char *zStatus, int64_t smtpCode,
                       const char *zError, int64_t nextTryAt) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    if (smtpCode)
        return db_run(db,
                      "UPDATE notification_send SET status = ?, attempts = attempts + 1, "
                      "smtp_code = ?, error = ?, next_try_at = ?, updated_at = ? WHERE id = ?",
                      "tititi", zStatus, smtpCode, zError, nextTryAt, zNow, id);
    return db_run(db,
                  "UPDATE notification_send SET status = ?, attempts = attempts + 1, "
                  "smtp_code = NULL, error = ?, next_try_at = ?, updated_at = ? WHERE id = ?",
                  "ttiti", zStatus, zError, nextTryAt, zNow, id);
}

int store_notif_give_up(Db *db, int64_t id, int maxAttempts) {
    return db_run(db, "UPDATE notification_send SET attempts = ? WHERE id = ?", "ii",
                  (int64_t)maxAttempts, id);
}

int store_notif_retry_due(Db *db, int64_t now, int maxAttempts, const char *zStaleBefore,
                          json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, account_id, kind, item_key, day, to_addr, locale, subject, "
                          "status, attempts FROM notification_send WHERE (status = 'failed' AND "
                          "next_try_at <= ? AND attempts < ?) OR (status = 'pending' AND "
                          "updated_at < ?) ORDER BY id",
                          "iit", now, (int64_t)maxAttempts, zStaleBefore);
}

int store_notif_log(Db *db, int64_t limit, int64_t offset, json_t **ppRows, int64_t *pTotal) {
    int rc = db_query_int(db, pTotal, "SELECT count(*) FROM notification_send", "");
    if (rc) return rc;
    return db_select_json(db, ppRows,
                          "SELECT n.id, n.account_id, a.email AS account_email, n.kind, "
                          "n.item_key, n.day, n.to_addr, n.locale, n.subject, n.status, "
                          "n.attempts, n.smtp_code, n.error, n.created_at, n.updated_at "
                          "FROM notification_send n LEFT JOIN account a ON a.id = n.account_id "
                          "ORDER BY n.id DESC LIMIT ? OFFSET ?",
                          "ii", limit, offset);
}

int store_notif_signoffs_missing(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT i.id AS initiative_id, i.title, i.charter_version, 'sponsor' AS role, "
        "i.sponsor_id AS person_id "
        "FROM initiative i WHERE i.stage IN ('idea','assessed') AND i.sponsor_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.initiative_id = i.id AND "
        "s.charter_version = i.charter_version AND s.role = 'sponsor') "
        "UNION ALL "
        "SELECT i.id, i.title, i.charter_version, 'owner', i.owner_id FROM initiative i "
        "WHERE i.stage IN ('idea','assessed') AND i.owner_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.initiative_id = i.id AND "
        "s.charter_version = i.charter_version AND s.role = 'owner') "
        "UNION ALL "
        "SELECT i.id, i.title, i.charter_version, 'ai_lead', i.ai_lead_id FROM initiative i "
        "WHERE i.stage IN ('idea','assessed') AND i.ai_lead_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.initiative_id = i.id AND "
        "s.charter_version = i.charter_version AND s.role = 'ai_lead') "
        "UNION ALL "
        "SELECT i.id, i.title, i.charter_version, 'risk_officer', i.risk_officer_id FROM "
        "initiative i WHERE i.stage IN ('idea','assessed') AND i.risk_officer_id IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM ai_system y WHERE y.initiative_id = i.id AND y.risk_tier = "
        "'high') AND NOT EXISTS (SELECT 1 FROM signoff s WHERE s.initiative_id = i.id AND "
        "s.charter_version = i.charter_version AND s.role = 'risk_officer') "
        "ORDER BY 1, 4",
        "");
}

int store_notif_risks_overdue(Db *db, const char *zToday, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, title, owner_id, due_date FROM risk WHERE due_date IS NOT "
                          "NULL AND due_date < ? AND status IN ('open','mitigating') ORDER BY id",
                          "t", zToday);
}

int store_notif_system_owners(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.name, s.title, i.owner_id FROM ai_system s "
                          "JOIN initiative i ON i.id = s.initiative_id ORDER BY s.name",
                          "");
}

int store_notif_votes_pending(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT p.id AS proposal_id, p.title, p.due_date, m.person_id FROM "
                          "proposal p CROSS JOIN committee_member m WHERE p.status = 'open' AND "
                          "NOT EXISTS (SELECT 1 FROM proposal_vote v WHERE v.proposal_id = p.id "
                          "AND v.person_id = m.person_id) AND NOT EXISTS (SELECT 1 FROM "
                          "proposal_conflict c WHERE c.proposal_id = p.id AND c.person_id = "
                          "m.person_id) ORDER BY p.id, m.person_id",
                          "");
}
