/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Monitoring part 2 (issue 20), baselines and findings: freeze a
 * version's baseline, run decay detection now, read a system's findings
 * or every system's. Thin: parse, call domain/decay, render. */
#include "api/api.h"
#include "domain/alert.h"
#include "domain/decay.h"
#include "domain/system.h"
#include "store/store_baseline.h"
#include "util/json.h"
#include <stdio.h>
#include <string.h>

int api_path_system(Req *req, char *z, size_t n, int64_t *pId) {
    if (router_key(req->pRoute->zPattern, req->zPath, 0, z, n))
        return err_set(&req->err, KEEL_ENOTFOUND, "system", "no such system");
    *pId = system_id_by_name(req->db, z);
    if (*pId <= 0)
        return err_set(&req->err, *pId < 0 ? (int)*pId : KEEL_ENOTFOUND, "system",
                       "no AI system is called '%s'", z);
    return 0;
}

int api_system_read(Req *req, Resp *resp, int (*fnRead)(Db *, int64_t, json_t **), const char *zKey,
                    const char *zWhat) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = api_path_system(req, zName, sizeof zName, &id);
    if (rc) return rc;
    json_t *rows;
    if ((rc = fnRead(req->db, id, &rows)))
        return err_set(&req->err, rc, "", "cannot read %s", zWhat);
    resp_json(resp, 200, json_pack("{s:s,s:o}", "system", zName, zKey, rows));
    return 0;
}

int api_system_write(Req *req, Resp *resp, ApiSystemWrite fnWrite, int nStatus, const char *zKey) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = api_path_system(req, zName, sizeof zName, &id);
    if (rc) return rc;
    json_t *o;
    if ((rc = fnWrite(req->db, &req->who, zName, req->pJson, &o, &req->err))) return rc;
    resp_json(resp, nStatus, zKey ? json_pack("{s:s,s:o}", "system", zName, zKey, o) : o);
    return 0;
}

int api_system_baselines_list(Req *req, Resp *resp) {
    return api_system_read(req, resp, store_baseline_list, "items", "the baselines");
}

int api_system_baselines_freeze(Req *req, Resp *resp) {
    return api_system_write(req, resp, baseline_freeze_api, 201, "items");
}

int api_system_findings(Req *req, Resp *resp) {
    return api_system_read(req, resp, decay_findings, "findings", "the findings");
}

int api_system_decay_run(Req *req, Resp *resp) {
    char zName[ROUTE_KEY_MAX + 1];
    int64_t id = 0;
    int rc = api_path_system(req, zName, sizeof zName, &id);
    if (rc) return rc;
    /* a run writes findings and raises actions: owners run it on their own systems */
    if ((rc = system_for_edit(req->db, &req->who, zName, &id, &req->err))) return rc;
    int n;
    if ((rc = decay_detect(req->db, id, &n, &req->err))) return rc;
    return api_system_findings(req, resp);
}

int api_findings_list(Req *req, Resp *resp) {
    json_t *rows;
    int rc = decay_findings(req->db, 0, &rows);
    if (rc) return err_set(&req->err, rc, "", "cannot read the findings");
    resp_json(resp, 200, json_pack("{s:o}", "findings", rows));
    return 0;
}

int api_production(Req *req, Resp *resp) {
    json_t *o;
    int rc = alert_production(req->db, &o);
    if (rc) return err_set(&req->err, rc, "", "cannot read the production overview");
    resp_json(resp, 200, o);
    return 0;
}
