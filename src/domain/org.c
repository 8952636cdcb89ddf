/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation settings and the unit tree rule; see org.h. */
#include "domain/org.h"
#include "store/store_crud.h"
#include "store/store_org.h"
#include "domain/auth.h"
#include <inttypes.h>
#include <string.h>

static const char *const azLocale[] = {"en", "zh-CN", NULL};
static const char *const azSmtpTls[] = {"try", "required", "off", NULL};
static const char *const azCurrency[] = {"EUR", "USD", "GBP", "CNY", "JPY", "CHF", "SEK",
                                         "NOK", "DKK", "PLN", "CAD", "AUD", "NZD", "SGD",
                                         "HKD", "INR", "KRW", "BRL", "MXN", "ZAR", NULL};

static const FieldDef aSettingsField[] = {
    {"id", FT_INT, F_READONLY, 1, 1, NULL, NULL, "always 1"},
    {"name", FT_TEXT, 0, 1, 200, NULL, NULL, "organisation name"},
    {"currency", FT_ENUM, 0, 0, 0, azCurrency, NULL, "ISO 4217 code of money amounts"},
    {"fiscal_year_start_month", FT_INT, 0, 1, 12, NULL, NULL,
     "first month of the fiscal year (1 = January)"},
    {"default_locale", FT_ENUM, 0, 0, 0, azLocale, NULL, "en or zh-CN"},
    {"public_url", FT_TEXT, F_NULLABLE, 8, 300, NULL, NULL,
     "the address people open keel at (https://keel.example.com), for links in e-mails"},
    {"digest_hour", FT_INT, 0, 0, 23, NULL, NULL, "hour (UTC) from which the daily digest goes"},
    {"smtp_url", FT_TEXT, F_NULLABLE, 8, 300, NULL, NULL,
     "mail server: smtp://host:587 (STARTTLS per smtp_tls) or smtps://host:465"},
    {"smtp_from", FT_EMAIL, F_NULLABLE, 3, 254, NULL, NULL, "sender address of keel's e-mail"},
    {"smtp_user", FT_TEXT, F_NULLABLE, 1, 200, NULL, NULL, "SMTP login (none: no AUTH)"},
    {"smtp_password_file", FT_TEXT, F_NULLABLE, 2, 500, NULL, NULL,
     "absolute path of a file holding the SMTP password (read at each send; never stored)"},
    {"smtp_tls", FT_ENUM, 0, 0, 0, azSmtpTls, NULL,
     "try (STARTTLS when offered), required, or off"},
    {"committee_direct_moves", FT_BOOL, 0, 0, 0, NULL, NULL,
     "the committee role may still move an initiative or override a gate in one request "
     "(logged as a decision of one); off: such a request needs a passed proposal"},
    {"definition_dispute_days", FT_INT, 0, 1, 365, NULL, NULL,
     "days a department's dispute of a shared definition may last before it goes to the "
     "committee as a proposal (default 30)"},
    {"updated_at", FT_TIME, F_READONLY, 0, 0, NULL, NULL, "when it last changed"},
};
const ResourceDef resource_settings = RESOURCE("settings", "org_settings", aSettingsField);

int org_unit_check_parent(Db *db, int64_t id, int64_t parentId, KeelError *e) {
    int64_t cur = parentId;
    for (int depth = 0; cur != 0; depth++) {
        if (cur == id)
            return err_set(e, KEEL_ERULE, "parent_id",
                           "unit %" PRId64 " cannot sit under itself or one of its sub-units", id);
        if (depth > 1000) return err_set(e, KEEL_ERULE, "parent_id", "the unit tree is too deep");
        int rc = store_unit_parent(db, cur, &cur);
        if (rc == KEEL_ENOTFOUND) return 0; /* the reference check reports it */
        if (rc) return rc;
    }
    return 0;
}

int org_unit_update(Db *db, const Actor *actor, int64_t id, json_t *in, KeelError *e) {
    int rc = resource_validate(&resource_unit, in, 0, e);
    if (rc) return rc;
    /* the check and the change in one transaction, so that two concurrent
     * moves cannot make a cycle together */
    rc = db_begin(db);
    if (rc) return rc;
    json_t *p = json_object_get(in, "parent_id");
    if (json_is_integer(p)) rc = org_unit_check_parent(db, id, json_integer_value(p), e);
    if (rc == 0) rc = store_crud_update(db, &resource_unit, actor, id, in, e);
    return db_end(db, rc);
}

int org_settings_get(Db *db, const Principal *who, json_t **ppOut, KeelError *e) {
    json_t *o;
    int rc = store_crud_get(db, &resource_settings, 1, &o);
    if (rc) return err_set(e, rc, "", "cannot read the settings: %s", db_errmsg(db));
    if (who->role != ROLE_ADMIN) {
        const char *zKey;
        void *tmp;
        json_t *v;
        json_object_foreach_safe(o, tmp, zKey, v) if (strncmp(zKey, "smtp_", 5) == 0)
            json_object_del(o, zKey);
    }
    *ppOut = o;
    return 0;
}

static int has_prefix(const json_t *in, const char *zKey, const char *const *azPrefix) {
    const json_t *v = json_object_get(in, zKey);
    if (!v || json_is_null(v) || !json_is_string(v)) return 1;
    for (int i = 0; azPrefix[i]; i++)
        if (strncmp(json_string_value(v), azPrefix[i], strlen(azPrefix[i])) == 0) return 1;
    return 0;
}

int org_settings_update(Db *db, const Principal *who, json_t *in, KeelError *e) {
    static const char *const azSmtp[] = {"smtp://", "smtps://", NULL};
    static const char *const azHttp[] = {"http://", "https://", NULL};
    if (!has_prefix(in, "smtp_url", azSmtp))
        return err_set(e, KEEL_EINVAL, "smtp_url",
                       "smtp_url must start with smtp:// (port 587 or 25, STARTTLS per smtp_tls) "
                       "or smtps:// (port 465), e.g. smtp://mail.example.com:587");
    if (!has_prefix(in, "public_url", azHttp))
        return err_set(e, KEEL_EINVAL, "public_url",
                       "public_url must start with https:// or http://, e.g. "
                       "https://keel.example.com");
    const char *zPw = json_string_value(json_object_get(in, "smtp_password_file"));
    if (zPw && zPw[0] != '/')
        return err_set(e, KEEL_EINVAL, "smtp_password_file",
                       "smtp_password_file must be an absolute path, e.g. /etc/keel/smtp-password");
    const char *zUrl = json_string_value(json_object_get(in, "smtp_url"));
    if (zUrl && strpbrk(zUrl, " \r\n\t"))
        return err_set(e, KEEL_EINVAL, "smtp_url", "smtp_url must not contain spaces");
    return resource_update(db, who, &resource_settings, 1, in, e);
}
