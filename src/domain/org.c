/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Organisation settings and the unit tree rule; see org.h. */
#include "domain/org.h"
#include "store/store_crud.h"
#include "store/store_org.h"
#include <inttypes.h>

static const char *const azLocale[] = {"en", "zh-CN", NULL};
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
    {"committee_direct_moves", FT_BOOL, 0, 0, 0, NULL, NULL,
     "the committee role may still move an initiative or override a gate in one request "
     "(logged as a decision of one); off: such a request needs a passed proposal"},
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
    if (rc == 0) return db_commit(db);
    db_rollback(db);
    return rc;
}
