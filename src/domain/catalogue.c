/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The use-case catalogue; see catalogue.h. */
#include "domain/catalogue.h"
#include "domain/alignment.h"
#include "domain/initiative.h"
#include "store/store_alignment.h"
#include "store/store_crud.h"
#include <pthread.h>
#include <string.h>

static json_t *gCatalogue;
static pthread_once_t gOnce = PTHREAD_ONCE_INIT;

static void catalogue_load(void) {
    gCatalogue = json_loadb((const char *)catalogue_json, catalogue_json_len, 0, NULL);
}

static const json_t *catalogue(void) {
    pthread_once(&gOnce, catalogue_load);
    return gCatalogue;
}

/* An entry with its template keys expanded into {key, name, unit, direction}. */
static json_t *entry_expanded(const json_t *entry) {
    json_t *o = json_deep_copy(entry), *t = json_array();
    const json_t *defs = json_object_get(catalogue(), "kpi_templates");
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(entry, "kpi_templates"), i, k) {
        json_t *d = json_deep_copy(json_object_get(defs, json_string_value(k)));
        json_object_set(d, "key", k);
        json_array_append_new(t, d);
    }
    json_object_set_new(o, "kpi_templates", t);
    return o;
}

int catalogue_find(const char *zPain, const char *zIndustry, json_t **ppOut, KeelError *e) {
    *ppOut = NULL;
    const json_t *c = catalogue();
    if (!c) return err_set(e, KEEL_EINTERNAL, "", "the embedded catalogue is malformed");
    if (zPain && resource_enum_index(azPainPoint, zPain) < 0)
        return err_set(e, KEEL_EINVAL, "pain",
                       "pain must be cost, efficiency, experience, revenue or risk");
    int bIndustry = zIndustry == NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(c, "entries"), i, x) {
        if (zIndustry && strcmp(json_string_value(json_object_get(x, "industry")), zIndustry) == 0)
            bIndustry = 1;
    }
    if (!bIndustry)
        return err_set(e, KEEL_EINVAL, "industry",
                       "industry must be manufacturing, retail, logistics, finance, services, "
                       "e-commerce or healthcare");
    json_t *out = json_array();
    json_array_foreach(json_object_get(c, "entries"), i, x) {
        if (zPain && strcmp(json_string_value(json_object_get(x, "pain_point")), zPain)) continue;
        if (zIndustry && strcmp(json_string_value(json_object_get(x, "industry")), zIndustry))
            continue;
        json_array_append_new(out, entry_expanded(x));
    }
    *ppOut = out;
    return 0;
}

int catalogue_instantiate(Db *db, const Principal *who, json_t *in, json_t **ppOut, KeelError *e) {
    *ppOut = NULL;
    const char *zKey = json_string_value(json_object_get(in, "key"));
    if (!zKey) return err_set(e, KEEL_EINVAL, "key", "key (a catalogue entry) is required");
    const json_t *entry = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(catalogue(), "entries"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "key")), zKey) == 0) entry = x;
    }
    if (!entry) return err_set(e, KEEL_EINVAL, "key", "no catalogue entry '%.60s'", zKey);
    json_t *body = json_deep_copy(in);
    json_object_del(body, "key");
    if (!json_object_get(body, "title"))
        json_object_set(body, "title", json_object_get(entry, "title"));
    if (!json_object_get(body, "problem"))
        json_object_set(body, "problem", json_object_get(entry, "description"));
    if (!json_object_get(body, "data_needed")) {
        char z[1000] = "";
        size_t k = 0;
        json_array_foreach(json_object_get(entry, "data_needed"), i, x) k +=
            (size_t)snprintf(z + k, sizeof z - k, "%s%s", i ? "; " : "", json_string_value(x));
        json_object_set_new(body, "data_needed", json_string(z));
    }
    int64_t id = 0;
    int rc = initiative_create_from(db, who, body, zKey, &id, e);
    json_decref(body);
    if (rc) return rc;
    json_t *init = NULL, *proposals = json_array(), *drafts = json_array();
    rc = store_crud_get(db, &resource_initiative, id, &init);
    const json_t *defs = json_object_get(catalogue(), "kpi_templates");
    json_array_foreach(json_object_get(entry, "kpi_templates"), i, x) {
        json_t *kpis = NULL;
        if (rc == 0) rc = store_kpis_by_template(db, json_string_value(x), &kpis);
        if (rc) break;
        if (json_array_size(kpis) == 0) {
            json_t *d = json_deep_copy(json_object_get(defs, json_string_value(x)));
            json_object_set(d, "template", x);
            json_array_append_new(drafts, d);
        }
        size_t j;
        json_t *k;
        json_array_foreach(kpis, j, k) {
            json_object_set(k, "template", x);
            json_array_append(proposals, k);
        }
        json_decref(kpis);
    }
    if (rc) {
        json_decref(init);
        json_decref(proposals);
        json_decref(drafts);
        return rc;
    }
    *ppOut = json_pack("{so so so}", "initiative", init, "proposed_links", proposals, "kpi_drafts",
                       drafts);
    return 0;
}
