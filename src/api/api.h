/* SPDX-License-Identifier: GPL-3.0-or-later */
/* HTTP handlers, one file per resource (api_<resource>.c), and the shared
 * helpers they use for lists, paging, CSV and the generic resources. The
 * router has already checked method, roles, CSRF, body size and type. */
#ifndef KEEL_API_API_H
#define KEEL_API_API_H
#include "http/router.h"
#include "store/store_audit.h"

#define API_LIST_DEFAULT 50
#define API_LIST_MAX 1000

/* Render a page of items as {"items","total","limit","offset"} or, when
 * the client asked for text/csv, as CSV with the resource's columns
 * (steals items). */
void api_list_respond(Req *req, Resp *resp, const ResourceDef *r, json_t *items, int64_t total,
                      int64_t limit, int64_t offset);
/* Parse ?limit=&offset= into the out-parameters; KEEL_EINVAL in req->err. */
int api_page(Req *req, int64_t *pLimit, int64_t *pOffset);

/* Answer with the stored row id of r: status 201 with a Location under
 * zBase ("/api/v1/units"), or 200 when zBase is NULL. */
int api_respond_row(Req *req, Resp *resp, const ResourceDef *r, int64_t id, int status,
                    const char *zBase);
/* The end of a handler that reads: rc when the call failed, else 200 with
 * o (taken). `return api_answer(resp, fn(req->db, &o), o);` */
int api_answer(Resp *resp, int rc, json_t *o);
/* A handler that reads the row named by the path's first key:
 * fnRead(db, key, &o, err) answered as api_answer does. */
int api_key_read(Req *req, Resp *resp, int (*fnRead)(Db *, const char *, json_t **, KeelError *));
/* A handler that reads one thing: fnRead(db, &o) answered as api_answer
 * does. */
int api_read(Req *req, Resp *resp, int (*fnRead)(Db *, json_t **));
/* A handler that adds a row of r under the path's first key (a system's
 * versions): fnCreate(db, who, key, body, &id, err), answered 201 with
 * the stored row. */
typedef int (*ApiKeyCreate)(Db *, const Principal *, const char *, json_t *, int64_t *,
                            KeelError *);
int api_key_create(Req *req, Resp *resp, ApiKeyCreate fnCreate, const ResourceDef *r);
/* Set req->err to "no <zWhat> with id <id>" (404) and return its code. */
int api_not_found(Req *req, const char *zWhat, int64_t id);
/* Answer 400 with the envelope of req->err plus "rows": every bad row of an
 * all-or-none import (steals rowErrors). */
int api_respond_rows(Req *req, Resp *resp, json_t *rowErrors);

/* The children of row req->aParam[0] of parent (e.g. an initiative's
 * links): 404 when the parent does not exist, else the list xFetch gives,
 * rendered as JSON or CSV with child's columns. */
int api_child_list(Req *req, Resp *resp, const ResourceDef *parent,
                   int (*xFetch)(Db *, int64_t, json_t **), const ResourceDef *child);
/* Answer 201 with child row id, its Location under the request's path
 * (".../initiatives/3/links" + "/id"). */
int api_child_created(Req *req, Resp *resp, const ResourceDef *child, int64_t id);
/* Answer 201 for the new row id: Location zBase + "/id", the body what
 * the resource's GET handler xGet answers for it. */
int api_created(Req *req, Resp *resp, int64_t id, const char *zBase, Handler xGet);

/* Generic handlers for a ResourceDef-described resource. */
int api_crud_list(Req *req, Resp *resp, const ResourceDef *r);
/* The same, limited to the initiatives a person owns (ListQuery's
 * initiativeOwner; 0 = no limit). */
int api_crud_list_owned(Req *req, Resp *resp, const ResourceDef *r, int64_t initiativeOwner);
int api_crud_get(Req *req, Resp *resp, const ResourceDef *r);
int api_crud_create(Req *req, Resp *resp, const ResourceDef *r, const char *zPath);
int api_crud_update(Req *req, Resp *resp, const ResourceDef *r);
int api_crud_delete(Req *req, Resp *resp, const ResourceDef *r);

/* Handlers (routes.c lists them with their roles). */
int api_healthz(Req *req, Resp *resp);
int api_openapi(Req *req, Resp *resp);
int api_session_create(Req *req, Resp *resp);
int api_session_get(Req *req, Resp *resp);
int api_session_delete(Req *req, Resp *resp);
int api_settings_get(Req *req, Resp *resp);
int api_settings_update(Req *req, Resp *resp);
int api_units_list(Req *req, Resp *resp);
int api_units_create(Req *req, Resp *resp);
int api_units_get(Req *req, Resp *resp);
int api_units_update(Req *req, Resp *resp);
int api_units_delete(Req *req, Resp *resp);
int api_people_list(Req *req, Resp *resp);
int api_people_create(Req *req, Resp *resp);
int api_people_get(Req *req, Resp *resp);
int api_people_update(Req *req, Resp *resp);
int api_people_delete(Req *req, Resp *resp);
int api_accounts_list(Req *req, Resp *resp);
int api_accounts_create(Req *req, Resp *resp);
int api_accounts_get(Req *req, Resp *resp);
int api_accounts_update(Req *req, Resp *resp);
int api_tokens_list(Req *req, Resp *resp);
int api_tokens_create(Req *req, Resp *resp);
int api_tokens_revoke(Req *req, Resp *resp);
int api_audit_list(Req *req, Resp *resp);
int api_audit_verify(Req *req, Resp *resp);

/* Path 1: strategic alignment (api_alignment.c). */
int api_objectives_list(Req *req, Resp *resp);
int api_objectives_get(Req *req, Resp *resp);
int api_objectives_create(Req *req, Resp *resp);
int api_objectives_update(Req *req, Resp *resp);
int api_objectives_delete(Req *req, Resp *resp);
int api_kpis_list(Req *req, Resp *resp);
int api_kpis_get(Req *req, Resp *resp);
int api_kpis_create(Req *req, Resp *resp);
int api_kpis_update(Req *req, Resp *resp);
int api_kpis_delete(Req *req, Resp *resp);
int api_kpi_values_list(Req *req, Resp *resp);
int api_kpi_values_import(Req *req, Resp *resp);
int api_kpi_values_delete(Req *req, Resp *resp);
int api_initiatives_list(Req *req, Resp *resp);
int api_initiatives_get(Req *req, Resp *resp);
int api_initiatives_create(Req *req, Resp *resp);
int api_initiatives_update(Req *req, Resp *resp);
int api_initiatives_transition(Req *req, Resp *resp);
int api_initiatives_from_catalogue(Req *req, Resp *resp);
int api_links_list(Req *req, Resp *resp);
int api_links_create(Req *req, Resp *resp);
int api_links_update(Req *req, Resp *resp);
int api_links_delete(Req *req, Resp *resp);
int api_charter_get(Req *req, Resp *resp);
int api_signoffs_create(Req *req, Resp *resp);
int api_scores_get(Req *req, Resp *resp);
int api_scores_put(Req *req, Resp *resp);
int api_criteria_list(Req *req, Resp *resp);
int api_criteria_create(Req *req, Resp *resp);
int api_criteria_update(Req *req, Resp *resp);
int api_priorities(Req *req, Resp *resp);
int api_alignment(Req *req, Resp *resp);
int api_catalogue(Req *req, Resp *resp);

/* Path 5: actions, quarterly reviews, the radar (api_iteration.c). */
int api_actions_list(Req *req, Resp *resp);
int api_actions_get(Req *req, Resp *resp);
int api_actions_create(Req *req, Resp *resp);
int api_actions_update(Req *req, Resp *resp);
int api_reviews_list(Req *req, Resp *resp);
int api_reviews_get(Req *req, Resp *resp);
int api_reviews_feedback(Req *req, Resp *resp);
int api_reviews_hold(Req *req, Resp *resp);
int api_value(Req *req, Resp *resp);
int api_radar(Req *req, Resp *resp);
int api_radar_get(Req *req, Resp *resp);
int api_radar_create(Req *req, Resp *resp);
int api_radar_update(Req *req, Resp *resp);
int api_radar_move(Req *req, Resp *resp);
int api_radar_fit(Req *req, Resp *resp);
int api_strategy(Req *req, Resp *resp);

/* Analyses kept as evidence (api_analyses.c). */
int api_analyses_list(Req *req, Resp *resp);
int api_analyses_get(Req *req, Resp *resp);
int api_analyses_abtest(Req *req, Resp *resp);
int api_analyses_fairness(Req *req, Resp *resp);
int api_analyses_explain(Req *req, Resp *resp);
int api_analyses_drift(Req *req, Resp *resp);

/* Path 2: resource allocation (api_allocation.c, api_allocation_plan.c). */
/* Refuse query parameters not named in azKnown (NULL-terminated). */
int api_query_only(Req *req, const char *const *azKnown);
int api_pools_list(Req *req, Resp *resp);
int api_pools_create(Req *req, Resp *resp);
int api_pools_get(Req *req, Resp *resp);
int api_pools_update(Req *req, Resp *resp);
int api_pools_delete(Req *req, Resp *resp);
int api_pool_capacity_list(Req *req, Resp *resp);
int api_pool_capacity_import(Req *req, Resp *resp);
int api_pool_usage_list(Req *req, Resp *resp);
int api_pool_usage_import(Req *req, Resp *resp);
int api_pools_report(Req *req, Resp *resp);
int api_pools_preview(Req *req, Resp *resp);

/* The board pack (api_reports.c). */
int api_reports_board(Req *req, Resp *resp);
int api_initiative_plan_get(Req *req, Resp *resp);
int api_initiative_plan_put(Req *req, Resp *resp);
int api_team_list(Req *req, Resp *resp);
int api_team_add(Req *req, Resp *resp);
int api_team_update(Req *req, Resp *resp);
int api_team_delete(Req *req, Resp *resp);
int api_teams(Req *req, Resp *resp);
int api_assets_list(Req *req, Resp *resp);
int api_assets_get(Req *req, Resp *resp);
int api_assets_create(Req *req, Resp *resp);
int api_assets_update(Req *req, Resp *resp);
int api_assets_delete(Req *req, Resp *resp);
int api_assets_profile(Req *req, Resp *resp);
int api_assets_kanon(Req *req, Resp *resp);
int api_scenarios_list(Req *req, Resp *resp);
int api_scenarios_get(Req *req, Resp *resp);
int api_scenarios_create(Req *req, Resp *resp);
int api_scenarios_update(Req *req, Resp *resp);
int api_scenarios_delete(Req *req, Resp *resp);
int api_plan_input(Req *req, Resp *resp);
int api_plan_solve(Req *req, Resp *resp);
int api_plan_compare(Req *req, Resp *resp);
int api_plan_frontier(Req *req, Resp *resp);
int api_plans_list(Req *req, Resp *resp);
int api_plans_get(Req *req, Resp *resp);

/* Path 3: risk control (api_systems.c). */
/* Answer 409 gate_refused with req->err's message and the gate's
 * requirements (steals gate). */
int api_respond_gate(Req *req, Resp *resp, json_t *gate);
int api_systems_list(Req *req, Resp *resp);
int api_systems_create(Req *req, Resp *resp);
int api_systems_get(Req *req, Resp *resp);
int api_systems_update(Req *req, Resp *resp);
int api_system_versions_create(Req *req, Resp *resp);
int api_system_evidence_create(Req *req, Resp *resp);
int api_evidence_attest(Req *req, Resp *resp);
int api_system_gates(Req *req, Resp *resp);
int api_system_gate(Req *req, Resp *resp);
int api_system_transition(Req *req, Resp *resp);
int api_system_overrides_create(Req *req, Resp *resp);
int api_initiative_overrides_create(Req *req, Resp *resp);
int api_initiative_systems(Req *req, Resp *resp);
int api_gates_list(Req *req, Resp *resp);
int api_gates_get(Req *req, Resp *resp);
int api_gates_put(Req *req, Resp *resp);
int api_risks_list(Req *req, Resp *resp);
int api_risks_create(Req *req, Resp *resp);
int api_risks_get(Req *req, Resp *resp);
int api_risks_update(Req *req, Resp *resp);
int api_risks_heatmap(Req *req, Resp *resp);
int api_reviews_schedule(Req *req, Resp *resp);
int api_reviews_intervals(Req *req, Resp *resp);
int api_system_reviews_list(Req *req, Resp *resp);
int api_system_reviews_create(Req *req, Resp *resp);
/* Path 4: the AI committee (api_committee.c). */
int api_committee_get(Req *req, Resp *resp);
int api_committee_update(Req *req, Resp *resp);
int api_committee_members_create(Req *req, Resp *resp);
int api_committee_members_update(Req *req, Resp *resp);
int api_committee_members_delete(Req *req, Resp *resp);
int api_proposals_list(Req *req, Resp *resp);
int api_proposals_get(Req *req, Resp *resp);
int api_proposals_create(Req *req, Resp *resp);
int api_proposal_votes_list(Req *req, Resp *resp);
int api_proposal_votes_create(Req *req, Resp *resp);
int api_proposal_conflicts_create(Req *req, Resp *resp);
int api_proposals_close(Req *req, Resp *resp);
int api_decisions_list(Req *req, Resp *resp);
int api_decisions_get(Req *req, Resp *resp);
/* path 4: shared definitions (api_definitions.c) */
int api_definitions_list(Req *req, Resp *resp);
int api_definitions_create(Req *req, Resp *resp);
int api_definitions_get(Req *req, Resp *resp);
int api_definitions_update(Req *req, Resp *resp);
int api_definition_diff(Req *req, Resp *resp);
int api_definition_links_create(Req *req, Resp *resp);
int api_definition_links_delete(Req *req, Resp *resp);
int api_definition_signatures_create(Req *req, Resp *resp);
int api_definition_versions_create(Req *req, Resp *resp);
/* path 4: schedule slips (api_definitions.c) */
int api_schedule_get(Req *req, Resp *resp);
int api_schedule_put(Req *req, Resp *resp);
int api_slips_list(Req *req, Resp *resp);
int api_committee_agenda(Req *req, Resp *resp);
int api_meetings_list(Req *req, Resp *resp);
int api_meetings_create(Req *req, Resp *resp);
int api_meetings_get(Req *req, Resp *resp);
int api_meetings_update(Req *req, Resp *resp);
int api_meetings_document(Req *req, Resp *resp);
int api_pilot_get(Req *req, Resp *resp);
int api_pilot_put(Req *req, Resp *resp);
int api_rollouts_list(Req *req, Resp *resp);
int api_rollouts_create(Req *req, Resp *resp);
int api_rollouts_update(Req *req, Resp *resp);
int api_kpi_unit_values_list(Req *req, Resp *resp);
int api_kpi_unit_values_import(Req *req, Resp *resp);
/* training and the translator gap (api_training.c) */
int api_training_coverage(Req *req, Resp *resp);
int api_training_forecast(Req *req, Resp *resp);
int api_training_programmes_list(Req *req, Resp *resp);
int api_training_programmes_create(Req *req, Resp *resp);
int api_training_programmes_get(Req *req, Resp *resp);
int api_training_programmes_update(Req *req, Resp *resp);
int api_training_completions_create(Req *req, Resp *resp);
int api_training_sessions_create(Req *req, Resp *resp);
/* the human-override switch (api_switch.c) */
int api_switch_board(Req *req, Resp *resp);
int api_switch_get(Req *req, Resp *resp);
int api_switch_put(Req *req, Resp *resp);
int api_switch_history(Req *req, Resp *resp);
int api_switch_tests_list(Req *req, Resp *resp);
int api_switch_tests_create(Req *req, Resp *resp);
/* api_monitor.c: monitoring intake, windows, jobs, /metrics */
struct Monitor;
void api_monitor_set(struct Monitor *mon); /* the process's monitor (keel serve, keel ingest) */
int api_system_events(Req *req, Resp *resp);
int api_system_labels(Req *req, Resp *resp);
int api_system_monitor(Req *req, Resp *resp);
/* api_production.c: baselines, decay findings (issue 20). api_path_system:
 * the system named in the path, its name into z and id into *pId (404
 * with the name when there is none). */
int api_path_system(Req *req, char *z, size_t n, int64_t *pId);
/* The two shapes of a handler on the system in the path. api_system_read:
 * fnRead(db, system id) answers 200 {"system": name, zKey: rows} (zWhat
 * names the rows in an error: "the baselines"). api_system_write: a
 * domain change fnWrite(db, who, system name, body, &out, err) answers
 * nStatus with out itself (zKey NULL) or {"system": name, zKey: out}. */
typedef int (*ApiSystemWrite)(Db *, const Principal *, const char *, const json_t *, json_t **,
                              KeelError *);
int api_system_read(Req *req, Resp *resp, int (*fnRead)(Db *, int64_t, json_t **), const char *zKey,
                    const char *zWhat);
int api_system_write(Req *req, Resp *resp, ApiSystemWrite fnWrite, int nStatus, const char *zKey);
int api_system_baselines_list(Req *req, Resp *resp);
int api_system_baselines_freeze(Req *req, Resp *resp);
int api_system_findings(Req *req, Resp *resp);
int api_system_decay_run(Req *req, Resp *resp);
int api_findings_list(Req *req, Resp *resp);
int api_production(Req *req, Resp *resp);
/* api_alerts.c: alert rules, webhooks, switch trips (issue 20) */
int api_system_alert_rules_create(Req *req, Resp *resp);
int api_system_alert_rules_delete(Req *req, Resp *resp);
int api_system_alerts(Req *req, Resp *resp);
int api_webhooks_list(Req *req, Resp *resp);
int api_webhooks_create(Req *req, Resp *resp);
int api_webhooks_delete(Req *req, Resp *resp);
int api_switch_trips_list(Req *req, Resp *resp);
int api_switch_trips_confirm(Req *req, Resp *resp);
int api_switch_trips_revert(Req *req, Resp *resp);
int api_jobs_list(Req *req, Resp *resp);
int api_jobs_run(Req *req, Resp *resp);

/* compliance (api_compliance.c) */
int api_compliance_packs(Req *req, Resp *resp);
int api_compliance_overview(Req *req, Resp *resp);
int api_compliance_calendar(Req *req, Resp *resp);
int api_calendar_ics(Req *req, Resp *resp);
int api_system_obligations(Req *req, Resp *resp);
int api_system_obligations_preview(Req *req, Resp *resp);
int api_system_compliance_events_add(Req *req, Resp *resp);
int api_compliance_soa(Req *req, Resp *resp);
int api_compliance_soa_put(Req *req, Resp *resp);
int api_compliance_exports(Req *req, Resp *resp);
int api_compliance_export(Req *req, Resp *resp);

/* notifications (api_notifications.c) */
int api_inbox_get(Req *req, Resp *resp);
int api_inbox_read(Req *req, Resp *resp);
int api_me_preferences_get(Req *req, Resp *resp);
int api_me_preferences_update(Req *req, Resp *resp);
int api_notifications_log(Req *req, Resp *resp);
int api_settings_smtp_test(Req *req, Resp *resp);
int api_metrics(Req *req, Resp *resp);

/* The end of an all-or-nothing import: frees rows and lines; on failure
 * answers the bad rows (rowErrors, taken) or returns rc, else answers
 * {"imported": n}. */
int api_import_done(Req *req, Resp *resp, int rc, json_t *rows, json_t *lines, json_t *rowErrors,
                    int nImported);
/* Run the generic list of r, then let xDecorate (a domain function) add
 * computed fields to each item of the JSON page (CSV lists stay as
 * stored). */
int api_list_decorated(Req *req, Resp *resp, const ResourceDef *r,
                       int (*xDecorate)(Db *, json_t *));

#endif
