/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Notifications; see notification.h and docs/notifications.md. */
#include "domain/notification.h"
#include "domain/action.h"
#include "domain/alert.h"
#include "domain/compliance.h"
#include "domain/review.h"
#include "net/mail.h"
#include "store/store_notification.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATTEMPTS 6
static const char *const azMode[] = {"inbox", "email", "digest", "off", NULL};

/* ---- collecting: one context, one collector per kind ---------------------- */

typedef struct Ctx {
    Db *db;
    int64_t now;
    char zToday[16];
    json_t *accounts; /* enabled accounts */
    json_t *items;    /* what the collectors found */
} Ctx;

/* Accounts acting as person personId. */
static void add_person(Ctx *c, json_t *rcpt, int64_t personId) {
    size_t i;
    json_t *a;
    if (!personId) return;
    json_array_foreach(c->accounts, i, a) if (json_get_id(a, "person_id") == personId)
        json_array_append_new(rcpt, json_integer(json_get_id(a, "id")));
}

/* Accounts with role zRole. */
static void add_role(Ctx *c, json_t *rcpt, const char *zRole) {
    size_t i;
    json_t *a;
    json_array_foreach(c->accounts, i, a) if (strcmp(json_get_str(a, "role"), zRole) == 0)
        json_array_append_new(rcpt, json_integer(json_get_id(a, "id")));
}

/* Add an item; recipients are made unique; an item nobody can act on is
 * dropped (there is nobody to tell). Takes rcpt, title and detail. */
static void add_item(Ctx *c, const char *zKind, const char *zKey, const char *zLink,
                     const char *zSince, json_t *rcpt, json_t *title, json_t *detail) {
    json_t *uniq = json_array();
    size_t i, j;
    json_t *x, *y;
    json_array_foreach(rcpt, i, x) {
        int dup = 0;
        json_array_foreach(uniq, j, y) if (json_integer_value(x) == json_integer_value(y)) dup = 1;
        if (!dup) json_array_append(uniq, x);
    }
    json_decref(rcpt);
    if (json_array_size(uniq) == 0) {
        json_decref(uniq);
        json_decref(title);
        json_decref(detail);
        return;
    }
    json_array_append_new(c->items, json_pack("{ss ss ss s:s? so so so}", "kind", zKind, "key",
                                              zKey, "link", zLink, "since", zSince, "title", title,
                                              "detail", detail, "recipients", uniq));
}

static json_t *words(const char *zEn, const char *zZh) {
    return json_pack("{ss ss}", "en", zEn, "zh-CN", zZh);
}

/* The accounts of person personId, else (no such account) those with role
 * zRole. */
static json_t *owner_else(Ctx *c, int64_t personId, const char *zRole) {
    json_t *rcpt = json_array();
    add_person(c, rcpt, personId);
    if (json_array_size(rcpt) == 0) add_role(c, rcpt, zRole);
    return rcpt;
}

/* An item past its due date zDue (the detail says so). Takes rcpt. */
static void add_overdue(Ctx *c, const char *zKind, const char *zKey, const char *zLink,
                        const char *zDue, json_t *rcpt, const char *zEn, const char *zZh) {
    char zDe[120], zDz[120];
    snprintf(zDe, sizeof zDe, "it was due on %s", zDue);
    snprintf(zDz, sizeof zDz, "应于 %s 完成", zDue);
    add_item(c, zKind, zKey, zLink, zDue, rcpt, words(zEn, zZh), words(zDe, zDz));
}

static const char *role_words(const char *zRole, int zh) {
    if (strcmp(zRole, "sponsor") == 0) return zh ? "执行发起人" : "executive sponsor";
    if (strcmp(zRole, "owner") == 0) return zh ? "业务负责人" : "business owner";
    if (strcmp(zRole, "risk_officer") == 0) return zh ? "风险官" : "risk officer";
    return zh ? "AI 负责人" : "AI lead";
}

/* A charter waits for a signatory's signature: that signatory. */
static int collect_signoffs(Ctx *c) {
    json_t *rows;
    int rc = store_notif_signoffs_missing(c->db, &rows);
    if (rc) return rc;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        char zKey[96], zLink[64], zEn[600], zZh[600], zDe[300], zDz[300];
        int64_t id = json_get_id(r, "initiative_id");
        const char *zRole = json_get_str(r, "role"), *zTitle = json_get_str(r, "title");
        snprintf(zKey, sizeof zKey, "initiative:%" PRId64 ":%s:v%" PRId64, id, zRole,
                 json_get_id(r, "charter_version"));
        snprintf(zLink, sizeof zLink, "#/alignment/initiatives/%" PRId64, id);
        snprintf(zEn, sizeof zEn, "Sign the charter of \"%s\"", zTitle);
        snprintf(zZh, sizeof zZh, "请签署「%s」的章程", zTitle);
        snprintf(zDe, sizeof zDe, "as its %s (charter version %" PRId64 ")", role_words(zRole, 0),
                 json_get_id(r, "charter_version"));
        snprintf(zDz, sizeof zDz, "您是其%s（章程第 %" PRId64 " 版）", role_words(zRole, 1),
                 json_get_id(r, "charter_version"));
        json_t *rcpt = json_array();
        add_person(c, rcpt, json_get_id(r, "person_id"));
        add_item(c, "signoff_needed", zKey, zLink, NULL, rcpt, words(zEn, zZh), words(zDe, zDz));
    }
    json_decref(rows);
    return 0;
}

/* Who is told of system zSys: the owner of the initiative it serves
 * (owners: store_notif_system_owners) and the risk officers; zLink gets
 * the system's page. */
#define SYSTEM_LINK 120
static json_t *system_people(Ctx *c, const json_t *owners, const char *zSys,
                             char zLink[SYSTEM_LINK]) {
    const json_t *o = json_find_str(owners, "name", zSys);
    json_t *rcpt = json_array();
    add_person(c, rcpt, o ? json_get_id(o, "owner_id") : 0);
    add_role(c, rcpt, "risk");
    snprintf(zLink, SYSTEM_LINK, "#/risk/systems/%s", zSys);
    return rcpt;
}

/* An ethics review past due, a system suspended by one: the system's
 * owner and the risk officers (and, for a suspension, the committee). */
static int collect_reviews(Ctx *c) {
    json_t *sched = NULL, *owners = NULL;
    int rc = review_schedule(c->db, &sched);
    if (rc == 0) rc = store_notif_system_owners(c->db, &owners);
    size_t i;
    json_t *f;
    json_array_foreach(rc ? NULL : json_object_get(sched, "findings"), i, f) {
        const char *zCode = json_get_str(f, "code"), *zSys = json_get_str(f, "system");
        char zKey[160], zLink[SYSTEM_LINK], zEn[400], zZh[400];
        json_t *rcpt = system_people(c, owners, zSys, zLink);
        if (strcmp(zCode, "review_overdue") == 0) {
            const char *zDue = json_get_str(f, "due_on");
            snprintf(zKey, sizeof zKey, "system:%s:review:%s", zSys, zDue);
            snprintf(zEn, sizeof zEn, "The ethics review of %s is overdue", zSys);
            snprintf(zZh, sizeof zZh, "%s 的伦理审查已逾期", zSys);
            add_overdue(c, "ethics_review_overdue", zKey, zLink, zDue, rcpt, zEn, zZh);
        } else if (strcmp(zCode, "suspended") == 0) {
            add_role(c, rcpt, "committee");
            snprintf(zKey, sizeof zKey, "system:%s:suspended", zSys);
            snprintf(zEn, sizeof zEn, "%s is suspended by its ethics review", zSys);
            snprintf(zZh, sizeof zZh, "%s 已被伦理审查暂停", zSys);
            add_item(c, "system_suspended", zKey, zLink, NULL, rcpt, words(zEn, zZh),
                     words("every gate is blocked until a later review lifts the suspension",
                           "在后续审查解除暂停之前，所有关卡均被阻止"));
        } else {
            json_decref(rcpt);
        }
    }
    json_decref(sched);
    json_decref(owners);
    return rc;
}

/* A register whose rows (id, title, due_date, owner_id) fall overdue: the
 * item's kind, its key "<zWhat>:<id>:<due>", its link zLink + id, its
 * title zEn "<title>" is overdue and zZhPre「<title>」zZhPost已逾期, told to
 * the row's owner, else the accounts with role zRole. */
typedef struct OverdueRows {
    const char *zKind, *zWhat, *zLink, *zEn, *zZhPre, *zZhPost, *zRole;
} OverdueRows;

static void add_rows_overdue(Ctx *c, const json_t *rows, const OverdueRows *k) {
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        char zKey[96], zLink[64], zEn[400], zZh[400];
        int64_t id = json_get_id(r, "id");
        const char *zDue = json_get_str(r, "due_date"), *zTitle = json_get_str(r, "title");
        if (!zDue) continue;
        snprintf(zKey, sizeof zKey, "%s:%" PRId64 ":%s", k->zWhat, id, zDue);
        snprintf(zLink, sizeof zLink, "%s%" PRId64, k->zLink, id);
        snprintf(zEn, sizeof zEn, "%s \"%s\" is overdue", k->zEn, zTitle);
        snprintf(zZh, sizeof zZh, "%s「%s」%s已逾期", k->zZhPre, zTitle, k->zZhPost);
        add_overdue(c, k->zKind, zKey, zLink, zDue,
                    owner_else(c, json_get_id(r, "owner_id"), k->zRole), zEn, zZh);
    }
}

/* A risk's mitigation past its due date: the risk's owner, else the risk
 * officers. */
static int collect_risks(Ctx *c) {
    static const OverdueRows k = {
        "risk_overdue", "risk", "#/risk/register?risk=", "The mitigation of risk", "风险",
        "的缓解措施",   "risk"};
    json_t *rows;
    int rc = store_notif_risks_overdue(c->db, c->zToday, &rows);
    if (rc) return rc;
    add_rows_overdue(c, rows, &k);
    json_decref(rows);
    return 0;
}

/* An action past its due date, still open or in progress: its owner, else
 * the committee. */
static int collect_actions(Ctx *c) {
    static const OverdueRows k = {
        "action_overdue", "action", "#/iteration/actions?action=", "The action", "行动项", "",
        "committee"};
    ActionFilter f = {.zStatus = "active", .bOverdue = 1};
    json_t *out = NULL;
    int rc = action_list(c->db, &f, &out);
    if (rc) return rc;
    add_rows_overdue(c, json_object_get(out, "items"), &k);
    json_decref(out);
    return 0;
}

/* A compliance deadline overdue or due within 7 days: the owner of the
 * system's initiative and the risk officers. */
static int collect_compliance(Ctx *c) {
    json_t *cal = NULL, *owners = NULL;
    KeelError e = {0};
    int rc = compliance_calendar(c->db, 7, &cal, &e);
    if (rc == 0) rc = store_notif_system_owners(c->db, &owners);
    size_t i;
    json_t *it;
    json_array_foreach(rc ? NULL : json_object_get(cal, "items"), i, it) {
        const char *zDue = json_get_str(it, "due"), *zSys = json_get_str(it, "system");
        if (!zDue) continue;
        char zKey[240], zLink[SYSTEM_LINK], zEn[500], zZh[500], zDe[600], zDz[300];
        snprintf(zKey, sizeof zKey, "compliance:%s:%s", json_get_str(it, "id"), zDue);
        json_t *rcpt = system_people(c, owners, zSys, zLink);
        int bOver = json_is_true(json_object_get(it, "overdue"));
        const json_t *t = json_object_get(it, "title");
        snprintf(zEn, sizeof zEn, "%s: %s (%s %s)", zSys, json_get_str(t, "en"),
                 bOver ? "overdue since" : "due", zDue);
        snprintf(zZh, sizeof zZh, "%s：%s（%s %s）", zSys, json_get_str(t, "zh-CN"),
                 bOver ? "已逾期，截止" : "截止", zDue);
        snprintf(zDe, sizeof zDe, "%s; %s", json_get_str(it, "source"),
                 json_get_str(it, "reason") ? json_get_str(it, "reason") : "");
        snprintf(zDz, sizeof zDz, "%s", json_get_str(it, "source"));
        add_item(c, "compliance_due", zKey, zLink, zDue, rcpt, words(zEn, zZh), words(zDe, zDz));
    }
    json_decref(cal);
    json_decref(owners);
    return rc;
}

/* Monitoring (issue 20): an alert rule firing, and a switch an alert
 * tripped that awaits a person's confirmation or revert: the owner of the
 * system's initiative and the risk officers (a trip also the committee). */
static int collect_alerts(Ctx *c) {
    json_t *rules = NULL, *prod = NULL, *owners = NULL;
    int rc = alert_rules(c->db, 0, &rules);
    if (rc == 0) rc = alert_production(c->db, &prod);
    if (rc == 0) rc = store_notif_system_owners(c->db, &owners);
    size_t i;
    json_t *r;
    json_array_foreach(rc ? NULL : rules, i, r) {
        if (strcmp(json_get_str(r, "state"), "firing") != 0) continue;
        const char *zSys = json_get_str(r, "system");
        char zKey[200], zLink[SYSTEM_LINK], zEn[600], zZh[600], zDe[120], zDz[120];
        snprintf(zKey, sizeof zKey, "alert:%" PRId64 ":%" PRId64, json_get_id(r, "id"),
                 json_get_id(r, "pending_since"));
        json_t *rcpt = system_people(c, owners, zSys, zLink);
        snprintf(zEn, sizeof zEn, "Alert \"%s\" is firing on %s", json_get_str(r, "name"), zSys);
        snprintf(zZh, sizeof zZh, "%s 的告警「%s」正在触发", zSys, json_get_str(r, "name"));
        snprintf(zDe, sizeof zDe, "severity %s", json_get_str(r, "severity"));
        snprintf(zDz, sizeof zDz, "严重程度 %s", json_get_str(r, "severity"));
        add_item(c, "alert_firing", zKey, zLink, NULL, rcpt, words(zEn, zZh), words(zDe, zDz));
    }
    json_array_foreach(rc ? NULL : json_object_get(prod, "awaiting_trips"), i, r) {
        const char *zSys = json_get_str(r, "system");
        char zKey[80], zLink[SYSTEM_LINK], zEn[600], zZh[600];
        snprintf(zKey, sizeof zKey, "trip:%" PRId64, json_get_id(r, "id"));
        json_t *rcpt = system_people(c, owners, zSys, zLink);
        snprintf(zEn, sizeof zEn, "Confirm or revert: alert \"%s\" switched %s off",
                 json_get_str(r, "rule"), zSys);
        snprintf(zZh, sizeof zZh, "请确认或撤销：告警「%s」已关闭 %s", json_get_str(r, "rule"),
                 zSys);
        add_role(c, rcpt, "committee");
        add_item(c, "switch_trip_awaiting", zKey, zLink, NULL, rcpt, words(zEn, zZh),
                 words(json_get_str(r, "message"), json_get_str(r, "message")));
    }
    json_decref(rules);
    json_decref(prod);
    json_decref(owners);
    return rc;
}

/* An open proposal of the AI committee: each member who has neither voted
 * nor declared a conflict (path 4). */
static int collect_votes(Ctx *c) {
    json_t *rows;
    int rc = store_notif_votes_pending(c->db, &rows);
    if (rc) return rc;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r) {
        char zKey[80], zLink[80], zEn[500], zZh[500], zDe[120], zDz[120];
        int64_t id = json_get_id(r, "proposal_id");
        const char *zDue = json_get_str(r, "due_date");
        snprintf(zKey, sizeof zKey, "proposal:%" PRId64, id);
        snprintf(zLink, sizeof zLink, "#/organisation/proposals/%" PRId64, id);
        snprintf(zEn, sizeof zEn, "Vote on \"%s\"", json_get_str(r, "title"));
        snprintf(zZh, sizeof zZh, "请就「%s」投票", json_get_str(r, "title"));
        snprintf(zDe, sizeof zDe, "the AI committee decides by %s", zDue ? zDue : "-");
        snprintf(zDz, sizeof zDz, "人工智能委员会将于 %s 前作出决定", zDue ? zDue : "-");
        json_t *rcpt = json_array();
        add_person(c, rcpt, json_get_id(r, "person_id"));
        add_item(c, "vote_pending", zKey, zLink, zDue, rcpt, words(zEn, zZh), words(zDe, zDz));
    }
    json_decref(rows);
    return 0;
}

/* The kinds. To add one (a vote, an action, an alert): a collector above
 * and a row here; docs/notifications.md lists them for readers. */
static const struct {
    const char *zKind;
    int bMustReach;
    const char *zDefault;
    const char *zWho;
    int (*xCollect)(Ctx *c);
} aKind[] = {
    {"vote_pending", 1, "email",
     "each member of the AI committee who has not voted or declared a "
     "conflict",
     collect_votes},
    {"signoff_needed", 0, "email", "the signatory whose signature the charter lacks",
     collect_signoffs},
    {"ethics_review_overdue", 1, "digest", "the system's owner and the risk officers",
     collect_reviews},
    {"system_suspended", 1, "email", "the system's owner, the risk officers and the committee",
     NULL /* collect_reviews finds both */},
    {"risk_overdue", 0, "digest", "the risk's owner, else the risk officers", collect_risks},
    {"action_overdue", 0, "digest", "the action's owner, else the committee", collect_actions},
    {"alert_firing", 1, "email", "the owner of the system's initiative and the risk officers",
     collect_alerts},
    {"switch_trip_awaiting", 1, "email",
     "the owner of the system's initiative, the risk officers and the committee",
     NULL /* collect_alerts finds both */},
    {"compliance_due", 1, "email", "the owner of the system's initiative and the risk officers",
     collect_compliance},
};
#define N_KIND ((int)(sizeof aKind / sizeof aKind[0]))

static int kind_index(const char *z) {
    for (int k = 0; z && k < N_KIND; k++)
        if (strcmp(aKind[k].zKind, z) == 0) return k;
    return -1;
}

json_t *notif_kinds(void) {
    json_t *a = json_array();
    for (int k = 0; k < N_KIND; k++)
        json_array_append_new(a, json_pack("{ss sb ss ss}", "kind", aKind[k].zKind, "must_reach",
                                           aKind[k].bMustReach, "default_mode", aKind[k].zDefault,
                                           "recipients", aKind[k].zWho));
    return a;
}

int notif_collect(Db *db, int64_t now, json_t **ppItems, KeelError *e) {
    Ctx c = {db, now, "", NULL, json_array()};
    time_date(now, c.zToday, sizeof c.zToday);
    int rc = store_notif_accounts(db, &c.accounts);
    for (int k = 0; rc == 0 && k < N_KIND; k++)
        if (aKind[k].xCollect) rc = aKind[k].xCollect(&c);
    json_decref(c.accounts);
    if (rc) {
        json_decref(c.items);
        return err_set(e, rc, "", "cannot find what needs people: %s", db_errmsg(db));
    }
    *ppItems = c.items;
    return 0;
}

static int has_recipient(const json_t *item, int64_t accountId) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(item, "recipients"), i,
                       x) if (json_integer_value(x) == accountId) return 1;
    return 0;
}

/* ---- the inbox ------------------------------------------------------------- */

int notif_inbox(Db *db, const Principal *who, json_t **ppOut, KeelError *e) {
    json_t *items = NULL, *reads = NULL;
    int rc = notif_collect(db, time_now(), &items, e);
    if (rc) return rc;
    if ((rc = store_notif_reads(db, who->accountId, &reads))) {
        json_decref(items);
        return err_set(e, rc, "", "cannot read the inbox: %s", db_errmsg(db));
    }
    json_t *out = json_array();
    int64_t unread = 0;
    size_t i, j;
    json_t *it, *r;
    json_array_foreach(items, i, it) {
        if (!has_recipient(it, who->accountId)) continue;
        int bRead = 0;
        json_array_foreach(reads, j,
                           r) if (strcmp(json_get_str(r, "kind"), json_get_str(it, "kind")) == 0 &&
                                  strcmp(json_get_str(r, "item_key"), json_get_str(it, "key")) == 0)
            bRead = 1;
        unread += !bRead;
        int k = kind_index(json_get_str(it, "kind"));
        json_t *o = json_deep_copy(it);
        json_object_del(o, "recipients");
        json_object_set_new(o, "read", json_boolean(bRead));
        json_object_set_new(o, "must_reach", json_boolean(k >= 0 && aKind[k].bMustReach));
        json_array_append_new(out, o);
    }
    json_decref(items);
    json_decref(reads);
    *ppOut = json_pack("{so sI sI}", "items", out, "unread", (json_int_t)unread, "total",
                       (json_int_t)json_array_size(out));
    return 0;
}

int notif_inbox_read(Db *db, const Principal *who, const json_t *in, KeelError *e) {
    char zNow[32];
    time_iso(time_now(), zNow, sizeof zNow);
    json_t *all = json_object_get(in, "all");
    const char *zKind = json_get_str(in, "kind"), *zKey = json_get_str(in, "key");
    if (all && !json_is_boolean(all))
        return err_set(e, KEEL_EINVAL, "all", "all must be true or false");
    if (json_is_true(all)) {
        json_t *box = NULL;
        int rc = notif_inbox(db, who, &box, e);
        if (rc) return rc;
        rc = db_begin(db);
        size_t i;
        json_t *it;
        json_array_foreach(rc ? NULL : json_object_get(box, "items"), i, it) {
            if (rc) break;
            if (!json_is_true(json_object_get(it, "read")))
                rc = store_notif_read_mark(db, who->accountId, json_get_str(it, "kind"),
                                           json_get_str(it, "key"), zNow);
        }
        json_decref(box);
        rc = db_end(db, rc);
        return rc ? err_set(e, rc, "", "cannot mark the inbox read: %s", db_errmsg(db)) : 0;
    }
    if (kind_index(zKind) < 0)
        return err_set(e, KEEL_EINVAL, "kind",
                       "kind must be one of the notification kinds (GET /api/v1/me/preferences "
                       "lists them), or send {\"all\": true}");
    if (!zKey || !*zKey || strlen(zKey) > 200)
        return err_set(e, KEEL_EINVAL, "key", "key must be an item's key from the inbox");
    int rc = store_notif_read_mark(db, who->accountId, zKind, zKey, zNow);
    return rc ? err_set(e, rc, "", "cannot mark the item read: %s", db_errmsg(db)) : 0;
}

/* ---- preferences ------------------------------------------------------------ */

static const char *mode_of(const json_t *prefs, int64_t accountId, int k) {
    size_t i;
    json_t *p;
    json_array_foreach(prefs, i, p) if (json_get_id(p, "account_id") == accountId &&
                                        strcmp(json_get_str(p, "kind"), aKind[k].zKind) ==
                                            0) return json_get_str(p, "mode");
    return aKind[k].zDefault;
}

/* The account's language: its own, else the organisation's. */
static const char *locale_of(const json_t *acct, const json_t *settings) {
    const char *z = json_get_str(acct, "locale");
    if (z && *z) return z;
    z = json_get_str(settings, "default_locale");
    return z && *z ? z : "en";
}

static const json_t *account_by_id(const json_t *accounts, int64_t id) {
    size_t i;
    json_t *a;
    json_array_foreach(accounts, i, a) if (json_get_id(a, "id") == id) return a;
    return NULL;
}

int notif_prefs_get(Db *db, const Principal *who, json_t **ppOut, KeelError *e) {
    json_t *prefs = NULL, *accounts = NULL, *settings = NULL;
    int rc = store_notif_prefs(db, who->accountId, &prefs);
    if (rc == 0) rc = store_notif_accounts(db, &accounts);
    if (rc == 0) rc = store_notif_settings(db, &settings);
    if (rc) {
        json_decref(prefs);
        json_decref(accounts);
        return err_set(e, rc, "", "cannot read the preferences: %s", db_errmsg(db));
    }
    const json_t *me = account_by_id(accounts, who->accountId);
    json_t *kinds = json_array();
    for (int k = 0; k < N_KIND; k++) {
        json_t *modes = json_array();
        for (int m = 0; azMode[m]; m++)
            if (!(aKind[k].bMustReach && strcmp(azMode[m], "off") == 0))
                json_array_append_new(modes, json_string(azMode[m]));
        json_array_append_new(kinds,
                              json_pack("{ss ss ss sb ss so}", "kind", aKind[k].zKind, "mode",
                                        mode_of(prefs, who->accountId, k), "default_mode",
                                        aKind[k].zDefault, "must_reach", aKind[k].bMustReach,
                                        "recipients", aKind[k].zWho, "modes", modes));
    }
    const char *zOwn = me ? json_get_str(me, "locale") : NULL;
    *ppOut = json_pack("{s:s? ss so}", "locale", zOwn, "effective_locale",
                       me ? locale_of(me, settings) : "en", "kinds", kinds);
    json_decref(prefs);
    json_decref(accounts);
    json_decref(settings);
    return 0;
}

int notif_prefs_set(Db *db, const Principal *who, const json_t *in, KeelError *e) {
    const char *zKey;
    json_t *v;
    json_object_foreach((json_t *)in, zKey, v) {
        if (strcmp(zKey, "locale") != 0 && strcmp(zKey, "notifications") != 0)
            return err_set(e, KEEL_EINVAL, zKey,
                           "unknown field %s: send locale and/or notifications", zKey);
    }
    json_t *loc = json_object_get(in, "locale");
    if (loc && !json_is_null(loc) &&
        (!json_is_string(loc) || (strcmp(json_string_value(loc), "en") != 0 &&
                                  strcmp(json_string_value(loc), "zh-CN") != 0)))
        return err_set(e, KEEL_EINVAL, "locale",
                       "locale must be \"en\", \"zh-CN\" or null (the organisation's)");
    json_t *modes = json_object_get(in, "notifications");
    if (modes && !json_is_object(modes))
        return err_set(e, KEEL_EINVAL, "notifications",
                       "notifications must be an object of kind: mode, e.g. "
                       "{\"risk_overdue\": \"digest\"}");
    json_object_foreach(modes, zKey, v) {
        char zField[160];
        snprintf(zField, sizeof zField, "notifications.%s", zKey);
        int k = kind_index(zKey);
        if (k < 0)
            return err_set(e, KEEL_EINVAL, zField,
                           "unknown notification kind %s (GET /api/v1/me/preferences lists them)",
                           zKey);
        const char *zMode = json_string_value(v);
        int m = -1;
        for (int i = 0; zMode && azMode[i]; i++)
            if (strcmp(azMode[i], zMode) == 0) m = i;
        if (m < 0)
            return err_set(e, KEEL_EINVAL, zField, "the mode must be inbox, email, digest or off");
        if (aKind[k].bMustReach && strcmp(zMode, "off") == 0)
            return err_set_code(e, KEEL_ERULE, "must_reach", zField,
                                "%s must reach you: it cannot be off; choose digest to get it "
                                "once a day",
                                zKey);
    }
    Actor a = auth_actor(who);
    int rc = db_begin(db);
    if (rc == 0 && loc)
        rc = store_notif_locale_set(db, &a, who->accountId,
                                    json_is_null(loc) ? NULL : json_string_value(loc));
    json_object_foreach(rc ? NULL : modes, zKey, v) {
        if (rc) break;
        rc = store_notif_pref_set(db, &a, who->accountId, zKey, json_string_value(v));
    }
    rc = db_end(db, rc);
    return rc ? err_set(e, rc, "", "cannot save the preferences: %s", db_errmsg(db)) : 0;
}

/* ---- e-mail ---------------------------------------------------------------------- */

/* Append s HTML-escaped. */
static void html_esc(Buf *b, const char *z) {
    for (; z && *z; z++) {
        if (*z == '<')
            buf_puts(b, "&lt;");
        else if (*z == '>')
            buf_puts(b, "&gt;");
        else if (*z == '&')
            buf_puts(b, "&amp;");
        else if (*z == '"')
            buf_puts(b, "&quot;");
        else
            buf_putc(b, *z);
    }
}

static const char *lang_str(const json_t *o, const char *zLocale) {
    const char *z = json_get_str(o, zLocale);
    return z ? z : json_get_str(o, "en");
}

/* One entry of a message, in text and HTML. */
static void put_entry(Buf *t, Buf *h, const json_t *it, const char *zLocale, const char *zBase) {
    const char *zTitle = lang_str(json_object_get(it, "title"), zLocale);
    const char *zDetail = lang_str(json_object_get(it, "detail"), zLocale);
    const char *zLink = json_get_str(it, "link");
    buf_printf(t, "- %s\n  %s\n", zTitle, zDetail ? zDetail : "");
    buf_puts(h, "<li><p><b>");
    if (zBase && *zBase) {
        buf_puts(h, "<a href=\"");
        html_esc(h, zBase);
        html_esc(h, "/");
        html_esc(h, zLink);
        buf_puts(h, "\">");
        html_esc(h, zTitle);
        buf_puts(h, "</a>");
        buf_printf(t, "  %s/%s\n", zBase, zLink);
    } else {
        html_esc(h, zTitle);
    }
    buf_puts(h, "</b><br>");
    html_esc(h, zDetail);
    buf_puts(h, "</p></li>");
}

/* Compose and send one message of items (an array) to account a. */
typedef struct Sender {
    Db *db;
    json_t *settings;
    MailConfig cfg;
    char zPassword[512];
    json_t *summary;
} Sender;

static void count(Sender *s, const char *zKey) {
    json_object_set_new(s->summary, zKey,
                        json_integer(json_integer_value(json_object_get(s->summary, zKey)) + 1));
}

static void send_items(Sender *s, int64_t sendId, const char *zTo, const char *zLocale,
                       const char *zSubject, const json_t *items, int64_t now, int attempts) {
    int zh = strcmp(zLocale, "zh-CN") == 0;
    const char *zBase = json_get_str(s->settings, "public_url");
    Buf t, h;
    buf_init(&t, 1024 * 1024);
    buf_init(&h, 1024 * 1024);
    buf_puts(&t, zh ? "以下事项需要您处理：\n\n" : "These need you:\n\n");
    buf_puts(&h, "<!doctype html><html><body style=\"font-family:sans-serif\"><p>");
    buf_puts(&h, zh ? "以下事项需要您处理：" : "These need you:");
    buf_puts(&h, "</p><ul>");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) put_entry(&t, &h, it, zLocale, zBase);
    buf_puts(&t, zh ? "\n—— keel（可在个人设置中更改通知方式）\n"
                    : "\n-- keel (change how you are told in your preferences)\n");
    buf_puts(&h, zh ? "</ul><p style=\"color:#666\">keel · 可在个人设置中更改通知方式</p>"
                    : "</ul><p style=\"color:#666\">keel · change how you are told in your "
                      "preferences</p>");
    buf_puts(&h, "</body></html>");
    MailMsg m = {zTo, zSubject, t.z ? t.z : "", h.z};
    long code = 0;
    char zErr[300];
    MailOutcome o = mail_send(&s->cfg, &m, &code, zErr, sizeof zErr, NULL);
    buf_reset(&t);
    buf_reset(&h);
    const char *zStatus = o == MAIL_SENT ? "sent" : o == MAIL_REFUSED ? "refused" : "failed";
    int64_t next = now + 60 * (1LL << (attempts < 10 ? attempts : 10));
    int rc = store_notif_result(s->db, sendId, zStatus, code, o == MAIL_SENT ? NULL : zErr, next);
    if (rc) log_warn("notifications: cannot record send %" PRId64 ": %s", sendId, db_errmsg(s->db));
    if (o != MAIL_SENT) log_warn("notifications: %s to %s: %s", zStatus, zTo, zErr);
    count(s, zStatus);
}

static void subject_for(char *z, size_t n, const json_t *items, const char *zLocale, int digest) {
    int zh = strcmp(zLocale, "zh-CN") == 0;
    size_t k = json_array_size(items);
    if (digest || k != 1)
        snprintf(z, n, zh ? "[keel] 有 %zu 项事务需要您处理" : "[keel] %zu items need you", k);
    else
        snprintf(z, n, "[keel] %s",
                 lang_str(json_object_get(json_array_get(items, 0), "title"), zLocale));
}

static int sender_init(Sender *s, Db *db, KeelError *e) {
    memset(s, 0, sizeof *s);
    s->db = db;
    s->summary = json_pack("{si si si si}", "sent", 0, "failed", 0, "refused", 0, "skipped", 0);
    int rc = store_notif_settings(db, &s->settings);
    if (rc) return err_set(e, rc, "", "cannot read the settings: %s", db_errmsg(db));
    const char *zUrl = json_get_str(s->settings, "smtp_url");
    s->cfg.zUrl = zUrl;
    s->cfg.zFrom = json_get_str(s->settings, "smtp_from");
    s->cfg.zUser = json_get_str(s->settings, "smtp_user");
    s->cfg.zTls = json_get_str(s->settings, "smtp_tls");
    const char *zPwFile = json_get_str(s->settings, "smtp_password_file");
    if (zPwFile && *zPwFile) {
        FILE *f = fopen(zPwFile, "r");
        if (!f)
            return err_set(e, KEEL_EIO, "smtp_password_file",
                           "cannot read the SMTP password file %s: check the path and that the "
                           "server may read it",
                           zPwFile);
        size_t n = fread(s->zPassword, 1, sizeof s->zPassword - 1, f);
        fclose(f);
        s->zPassword[n] = 0;
        s->zPassword[strcspn(s->zPassword, "\r\n")] = 0;
        s->cfg.zPassword = s->zPassword;
    }
    return 0;
}

static void sender_free(Sender *s) {
    sodium_memzero(s->zPassword, sizeof s->zPassword);
    json_decref(s->settings);
    json_decref(s->summary);
}

/* Items of kind/key for account id among items (one, in an array). */
static json_t *items_for(const json_t *items, int64_t accountId, const char *zKind,
                         const char *zKey) {
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) if (has_recipient(it, accountId) &&
                                         strcmp(json_get_str(it, "kind"), zKind) == 0 &&
                                         strcmp(json_get_str(it, "key"), zKey) == 0)
        json_array_append(out, it);
    return out;
}

/* The digest-mode items of an account. */
static json_t *digest_items(const json_t *items, const json_t *prefs, int64_t accountId) {
    json_t *out = json_array();
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        if (!has_recipient(it, accountId)) continue;
        int k = kind_index(json_get_str(it, "kind"));
        const char *zMode = mode_of(prefs, accountId, k);
        if (strcmp(zMode, "digest") == 0 || (strcmp(zMode, "off") == 0 && aKind[k].bMustReach))
            json_array_append(out, it);
    }
    return out;
}

int notif_run(Db *db, int64_t now, json_t **ppSummary, KeelError *e) {
    Sender s;
    int rc = sender_init(&s, db, e);
    json_t *items = NULL, *accounts = NULL, *prefs = NULL, *retry = NULL;
    if (rc) goto done;
    const char *zUrl = s.cfg.zUrl, *zFrom = s.cfg.zFrom;
    if (!zUrl || !*zUrl || !zFrom || !*zFrom) {
        json_object_set_new(s.summary, "smtp", json_string("not configured"));
        goto done; /* the inbox still shows everything */
    }
    json_object_set_new(s.summary, "smtp", json_string("configured"));
    if ((rc = notif_collect(db, now, &items, e))) goto done;
    if ((rc = store_notif_accounts(db, &accounts)) || (rc = store_notif_prefs(db, 0, &prefs))) {
        rc = err_set(e, rc, "", "cannot read accounts and preferences: %s", db_errmsg(db));
        goto done;
    }
    char zToday[16], zStale[32];
    time_date(now, zToday, sizeof zToday);
    time_iso(now - 600, zStale, sizeof zStale);
    /* 1. sends that failed earlier (or whose run died) and are due again */
    if ((rc = store_notif_retry_due(db, now, MAX_ATTEMPTS, zStale, &retry))) {
        rc = err_set(e, rc, "", "cannot read the sends to retry: %s", db_errmsg(db));
        goto done;
    }
    size_t i, j;
    json_t *r, *it;
    json_array_foreach(retry, i, r) {
        int64_t acct = json_get_id(r, "account_id");
        const char *zKind = json_get_str(r, "kind");
        json_t *now_items = strcmp(zKind, "digest") == 0
                                ? digest_items(items, prefs, acct)
                                : items_for(items, acct, zKind, json_get_str(r, "item_key"));
        if (json_array_size(now_items) == 0 || strcmp(zKind, "test") == 0) {
            store_notif_result(db, json_get_id(r, "id"), "failed", 0,
                               "no longer needed: the item was resolved before it could be sent",
                               0);
            store_notif_give_up(db, json_get_id(r, "id"), MAX_ATTEMPTS);
            count(&s, "skipped");
        } else {
            send_items(&s, json_get_id(r, "id"), json_get_str(r, "to_addr"),
                       json_get_str(r, "locale"), json_get_str(r, "subject"), now_items, now,
                       (int)json_get_id(r, "attempts") + 1);
        }
        json_decref(now_items);
    }
    /* 2. e-mail now: each item once per recipient */
    json_array_foreach(items, i, it) {
        json_t *x;
        int k = kind_index(json_get_str(it, "kind"));
        json_array_foreach(json_object_get(it, "recipients"), j, x) {
            int64_t acct = json_integer_value(x);
            if (strcmp(mode_of(prefs, acct, k), "email") != 0) continue;
            const json_t *a = account_by_id(accounts, acct);
            if (!a) continue;
            const char *zLocale = locale_of(a, s.settings);
            json_t *one = json_pack("[O]", it);
            char zSubject[400];
            subject_for(zSubject, sizeof zSubject, one, zLocale, 0);
            int64_t id = 0;
            int crc = store_notif_claim(db, acct, aKind[k].zKind, json_get_str(it, "key"), "once",
                                        json_get_str(a, "email"), zLocale, zSubject, &id);
            if (crc == 0)
                send_items(&s, id, json_get_str(a, "email"), zLocale, zSubject, one, now, 1);
            else if (crc != KEEL_ECONFLICT)
                rc = crc;
            json_decref(one);
            if (rc) break;
        }
        if (rc) break;
    }
    /* 3. the daily digest, from the digest hour on (UTC) */
    int hour = (int)((now % 86400) / 3600);
    json_int_t digestHour = json_integer_value(json_object_get(s.settings, "digest_hour"));
    json_t *a;
    json_array_foreach(rc || hour < digestHour ? NULL : accounts, i, a) {
        int64_t acct = json_get_id(a, "id");
        json_t *mine = digest_items(items, prefs, acct);
        if (json_array_size(mine)) {
            const char *zLocale = locale_of(a, s.settings);
            char zSubject[200];
            subject_for(zSubject, sizeof zSubject, mine, zLocale, 1);
            int64_t id = 0;
            int crc = store_notif_claim(db, acct, "digest", zToday, zToday,
                                        json_get_str(a, "email"), zLocale, zSubject, &id);
            if (crc == 0)
                send_items(&s, id, json_get_str(a, "email"), zLocale, zSubject, mine, now, 1);
            else if (crc != KEEL_ECONFLICT)
                rc = crc;
        }
        json_decref(mine);
        if (rc) break;
    }
    if (rc) rc = err_set(e, rc, "", "cannot record a send: %s", db_errmsg(db));
done:
    if (rc == 0 && ppSummary) *ppSummary = json_incref(s.summary);
    json_decref(items);
    json_decref(accounts);
    json_decref(prefs);
    json_decref(retry);
    sender_free(&s);
    return rc;
}

int notif_job(Db *db, KeelError *e) { return notif_run(db, time_now(), NULL, e); }

int notif_test_send(Db *db, const Principal *who, const json_t *in, json_t **ppOut, KeelError *e) {
    const char *zTo = json_get_str(in, "to");
    if (!zTo || !*zTo) zTo = who->zEmail;
    if (!strchr(zTo, '@') || strlen(zTo) > 254 || strpbrk(zTo, " \r\n<>,;"))
        return err_set(e, KEEL_EINVAL, "to", "to must be one e-mail address, e.g. you@example.com");
    Sender s;
    int rc = sender_init(&s, db, e);
    if (rc) {
        sender_free(&s);
        return rc;
    }
    if (!s.cfg.zUrl || !*s.cfg.zUrl || !s.cfg.zFrom || !*s.cfg.zFrom) {
        sender_free(&s);
        return err_set_code(e, KEEL_ERULE, "smtp_not_configured", "smtp_url",
                            "set smtp_url and smtp_from in the settings first");
    }
    const char *zLocale = "en";
    json_t *accounts = NULL;
    if (store_notif_accounts(db, &accounts) == 0) {
        const json_t *me = account_by_id(accounts, who->accountId);
        if (me) zLocale = locale_of(me, s.settings);
    }
    int zh = strcmp(zLocale, "zh-CN") == 0;
    const char *zSubject = zh ? "[keel] 测试邮件" : "[keel] Test message";
    char zKey[48];
    snprintf(zKey, sizeof zKey, "%" PRId64, time_now());
    char zNow[32];
    time_iso_now(zNow, sizeof zNow);
    int64_t id = 0;
    rc = store_notif_claim(db, who->accountId, "test", zKey, zNow, zTo, zLocale, zSubject, &id);
    if (rc && rc != KEEL_ECONFLICT) {
        json_decref(accounts);
        sender_free(&s);
        return err_set(e, rc, "", "cannot record the send: %s", db_errmsg(db));
    }
    MailMsg m = {zTo, zSubject,
                 zh ? "这是 keel 的测试邮件：邮件设置可以使用。\n"
                    : "This is a test message from keel: the e-mail settings work.\n",
                 NULL};
    Buf tr;
    buf_init(&tr, 128 * 1024);
    long code = 0;
    char zErr[300];
    MailOutcome o = mail_send(&s.cfg, &m, &code, zErr, sizeof zErr, &tr);
    const char *zStatus = o == MAIL_SENT ? "sent" : o == MAIL_REFUSED ? "refused" : "failed";
    if (id) {
        store_notif_result(db, id, zStatus, code, o == MAIL_SENT ? NULL : zErr, 0);
        store_notif_give_up(db, id, MAX_ATTEMPTS); /* a test is never retried */
    }
    json_t *lines = json_array();
    for (char *p = tr.z; p && *p;) {
        char *q = strchr(p, '\n');
        if (q) *q = 0;
        json_array_append_new(lines, json_string(p));
        p = q ? q + 1 : p + strlen(p);
    }
    buf_reset(&tr);
    *ppOut =
        json_pack("{ss ss sI s:s? so}", "outcome", zStatus, "to", zTo, "smtp_code",
                  (json_int_t)code, "error", o == MAIL_SENT ? NULL : zErr, "transcript", lines);
    json_decref(accounts);
    sender_free(&s);
    return 0;
}

int notif_log(Db *db, int64_t limit, int64_t offset, json_t **ppOut, KeelError *e) {
    json_t *rows = NULL;
    int64_t total = 0;
    int rc = store_notif_log(db, limit, offset, &rows, &total);
    if (rc) return err_set(e, rc, "", "cannot read the send log: %s", db_errmsg(db));
    *ppOut = json_pack("{so sI sI sI}", "items", rows, "total", (json_int_t)total, "limit",
                       (json_int_t)limit, "offset", (json_int_t)offset);
    return 0;
}
