/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: the AI committee, its proposals and votes, and the decision log
 * (domain/committee.c has the rules). */
#include "api/api.h"
#include "domain/alignment.h"
#include "domain/committee.h"
#include "domain/meeting.h"
#include "domain/pilot.h"
#include "report/minutes.h"
#include "store/store_committee.h"
#include "store/store_crud.h"
#include <stdio.h>
#include <string.h>

int api_committee_get(Req *req, Resp *resp) { return api_read(req, resp, committee_get); }

int api_committee_update(Req *req, Resp *resp) {
    int rc = committee_rule_set(req->db, &req->who, req->pJson, &req->err);
    return rc ? rc : api_committee_get(req, resp);
}

int api_committee_members_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = committee_member_add(req->db, &req->who, req->pJson, &id, &req->err);
    if (rc) return rc;
    json_t *o;
    if ((rc = committee_get(req->db, &o))) return rc;
    resp_json(resp, 201, o);
    return 0;
}

int api_committee_members_update(Req *req, Resp *resp) {
    int rc = committee_member_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_committee_get(req, resp);
}

int api_committee_members_delete(Req *req, Resp *resp) {
    (void)resp;
    return committee_member_remove(req->db, &req->who, req->aParam[0], &req->err);
}

int api_proposals_list(Req *req, Resp *resp) {
    return api_list_decorated(req, resp, &resource_proposal, proposal_decorate);
}

int api_proposals_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = proposal_get(req->db, &req->who, req->aParam[0], &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_proposals_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = proposal_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/proposals", api_proposals_get);
}

int api_proposal_votes_list(Req *req, Resp *resp) {
    json_t *o;
    int rc = proposal_get(req->db, &req->who, req->aParam[0], &o, &req->err);
    if (rc) return rc;
    resp_json(resp, 200,
              json_pack("{sO sO sO}", "items", json_object_get(o, "votes"), "conflicts",
                        json_object_get(o, "conflicts"), "tally", json_object_get(o, "tally")));
    json_decref(o);
    return 0;
}

int api_proposal_votes_create(Req *req, Resp *resp) {
    int rc = proposal_vote(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_proposals_get(req, resp);
}

int api_proposal_conflicts_create(Req *req, Resp *resp) {
    int rc = proposal_conflict(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_proposals_get(req, resp);
}

int api_proposals_close(Req *req, Resp *resp) {
    int rc = proposal_close(req->db, &req->who, req->aParam[0], &req->err);
    return rc ? rc : api_proposals_get(req, resp);
}

int api_decisions_list(Req *req, Resp *resp) {
    return api_list_decorated(req, resp, &resource_decision, decision_decorate);
}

int api_decisions_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = store_crud_get(req->db, &resource_decision, req->aParam[0], &o);
    if (rc == KEEL_ENOTFOUND) return api_not_found(req, "decision", req->aParam[0]);
    if (rc) return rc;
    decision_decorate(req->db, o);
    resp_json(resp, 200, o);
    return 0;
}

/* ---- agenda and meetings ---- */

int api_committee_agenda(Req *req, Resp *resp) { return api_read(req, resp, committee_agenda); }

int api_meetings_list(Req *req, Resp *resp) { return api_crud_list(req, resp, &resource_meeting); }

int api_meetings_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = meeting_get(req->db, req->aParam[0], &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_meetings_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = meeting_create(req->db, &req->who, req->pJson, &id, &req->err);
    return rc ? rc : api_created(req, resp, id, "/api/v1/meetings", api_meetings_get);
}

int api_meetings_update(Req *req, Resp *resp) {
    int rc = meeting_update(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_meetings_get(req, resp);
}

int api_meetings_document(Req *req, Resp *resp) {
    static const char *const az[] = {"lang", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    const char *zLang = req_query(req, "lang");
    if (!zLang) zLang = "en";
    if (strcmp(zLang, "en") && strcmp(zLang, "zh-CN"))
        return err_set(&req->err, KEEL_EINVAL, "lang", "lang must be en or zh-CN, not '%.20s'",
                       zLang);
    json_t *m;
    if ((rc = meeting_get(req->db, req->aParam[0], &m, &req->err))) return rc;
    Buf out;
    buf_init(&out, 0);
    report_minutes(m, zLang, &out);
    json_decref(m);
    if (buf_err(&out)) {
        buf_reset(&out);
        return KEEL_ENOMEM;
    }
    snprintf(resp->zDisposition, sizeof resp->zDisposition,
             "attachment; filename=\"meeting-%lld-%s.html\"", (long long)req->aParam[0], zLang);
    resp->zCsp = "default-src 'none'; style-src 'unsafe-inline'; sandbox";
    resp_buf(resp, 200, "text/html; charset=utf-8", &out);
    return 0;
}

/* ---- pilots and rollouts ---- */

int api_pilot_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = pilot_get(req->db, req->aParam[0], &o, &req->err);
    return api_answer(resp, rc, o);
}

int api_pilot_put(Req *req, Resp *resp) {
    int rc = pilot_put(req->db, &req->who, req->aParam[0], req->pJson, &req->err);
    return rc ? rc : api_pilot_get(req, resp);
}

int api_rollouts_list(Req *req, Resp *resp) {
    static const char *const az[] = {"period", NULL};
    int rc = api_query_only(req, az);
    if (rc) return rc;
    json_t *o;
    if ((rc = rollout_list(req->db, req->aParam[0], req_query(req, "period"), &o, &req->err)))
        return rc;
    resp_json(resp, 200, o);
    return 0;
}

int api_rollouts_create(Req *req, Resp *resp) {
    int64_t id;
    int rc = rollout_create(req->db, &req->who, req->aParam[0], req->pJson, &id, &req->err);
    if (rc) return rc;
    rc = api_rollouts_list(req, resp);
    if (rc == 0) resp->status = 201;
    return rc;
}

int api_rollouts_update(Req *req, Resp *resp) {
    int rc =
        rollout_update(req->db, &req->who, req->aParam[0], req->aParam[1], req->pJson, &req->err);
    return rc ? rc : api_rollouts_list(req, resp);
}

int api_kpi_unit_values_list(Req *req, Resp *resp) {
    int rc = store_crud_exists(req->db, &resource_kpi, req->aParam[0]);
    if (rc < 0) return rc;
    if (rc == 0) return api_not_found(req, "kpi", req->aParam[0]);
    json_t *rows;
    if ((rc = store_unit_values(req->db, req->aParam[0], &rows))) return rc;
    resp_json(resp, 200, json_pack("{so}", "items", rows));
    return 0;
}

int api_kpi_unit_values_import(Req *req, Resp *resp) {
    int n = 0;
    int rc = pilot_unit_values_import(req->db, &req->who, req->aParam[0],
                                      json_object_get(req->pJson, "rows"), &n, &req->err);
    if (rc) return rc;
    resp_json(resp, 200, json_pack("{si}", "imported", n));
    return 0;
}
