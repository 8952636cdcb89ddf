/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: the AI committee, its proposals and votes, and the decision log
 * (domain/committee.c has the rules). */
#include "api/api.h"
#include "domain/committee.h"
#include "store/store_crud.h"

int api_committee_get(Req *req, Resp *resp) {
    json_t *o;
    int rc = committee_get(req->db, &o);
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
}

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
    if (rc) return rc;
    resp_json(resp, 200, o);
    return 0;
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
