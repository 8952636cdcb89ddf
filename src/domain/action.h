/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 5: actions. An action has an owner, a due date, a status (open,
 * in_progress, done, cancelled) and what raised it: a quarterly review, a
 * monitoring finding (decay, drift, a segment), a risk, a gate refusal, or
 * a person (manual). A finding raises one action, not one per evaluation:
 * raising with a source_key that an open action already carries returns
 * that action. Closing (done or cancelled) needs a note and, where the
 * action requires evidence, a stored analysis; a retraining action is
 * done only with the new version. Closed actions do not change. An open
 * action past its due date is overdue, and overdue actions are findings.
 * A retraining action's chain runs finding -> action -> profiled data ->
 * new version with its evaluation and A/B verdict -> in production. */
#ifndef KEEL_DOMAIN_ACTION_H
#define KEEL_DOMAIN_ACTION_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_action;

/* Raise an action (any role but viewers). *pbNew is 0 when an open
 * action with the same source_key was returned instead. */
int action_create(Db *db, const Principal *who, json_t *in, int64_t *pId, int *pbNew, KeelError *e);
/* Monitoring's findings of systemId (decay_findings rows: kind, metric,
 * segment, version) raise one retraining action each (kinds decay,
 * segment_failure, drift), keyed "<kind>:<system>:<segment>:<metric>", so
 * that a finding found again by the next evaluation raises nothing new;
 * owned by the version's owner, else the initiative's; due in
 * ACTION_FINDING_DAYS days. *pnNew: actions raised. Inside the caller's
 * transaction. */
#define ACTION_FINDING_DAYS 30
int action_raise_for_findings(Db *db, int64_t systemId, const json_t *findings, int *pnNew);
/* A gate refusal raises one action: the refused move of system zSystem
 * (or, zSystem NULL, of initiative initiativeId) into zStage, keyed
 * gate:<system>:<stage> (gate:initiative-<id>:<stage>), so that the same
 * refusal tried again answers the open action; owned by ownerId, else the
 * initiative's owner, else the person who tried; due in
 * ACTION_FINDING_DAYS days; its description lists the requirements of
 * gate (borrowed) that are not met. *pId: the action (0: nobody to own
 * it). Its own transaction. */
int action_raise_for_gate(Db *db, const Principal *who, const char *zSystem, int64_t systemId,
                          int64_t initiativeId, int64_t ownerId, const char *zStage,
                          const json_t *gate, int64_t *pId);
/* The open action of that gate refusal (*pId 0: none). */
int action_gate_open(Db *db, const char *zSystem, int64_t initiativeId, const char *zStage,
                     int64_t *pId);
/* The move passed the gate: close its open gate action (if any) as done,
 * noting the move. Inside the caller's transaction. */
int action_close_for_gate(Db *db, const Principal *who, const char *zSystem, int64_t initiativeId,
                          const char *zStage);
/* Change an action: its owner (person), admins and the committee. */
int action_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* One action with owner_name, initiative_title, system_name, overdue,
 * days_overdue and, for retraining actions, its chain. */
int action_get(Db *db, int64_t id, json_t **ppOut);
/* The actions matching the filters (NULL/0 for any): {items, findings}
 * with the overdue ones as findings (code action_overdue). */
typedef struct ActionFilter {
    const char *zStatus;  /* open, in_progress, done, cancelled, or "active" */
    const char *zSource;  /* manual, review, finding, risk, gate */
    const char *zKind;    /* general, retraining */
    const char *zPeriod;  /* review_period */
    int64_t initiativeId; /* 0: any */
    int64_t systemId;     /* 0: any */
    int bOverdue;         /* only overdue ones */
} ActionFilter;
int action_list(Db *db, const ActionFilter *f, json_t **ppOut);
/* Add overdue / days_overdue to a row (borrowed) as of zToday. */
void action_decorate(json_t *a, const char *zToday);

#endif
