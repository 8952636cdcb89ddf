/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Path 4: the committee's meetings. The agenda is generated from what
 * needs the committee now: open proposals (the overdue first), initiative
 * moves whose gate refuses (awaiting an override or the evidence), ethics
 * reviews overdue or suspended systems, and risks whose overdue mitigation
 * is critical. A meeting (title, date, notes) shows that agenda live while
 * planned and keeps it as it stood once held; its minutes are the
 * decisions taken since the previous meeting up to its date, with their
 * votes. report/minutes.c writes both as one HTML document. */
#ifndef KEEL_DOMAIN_MEETING_H
#define KEEL_DOMAIN_MEETING_H
#include "domain/auth.h"
#include "domain/resource.h"
#include "store/db.h"
#include <jansson.h>

extern const ResourceDef resource_meeting;

/* {generated_at, items: [{kind: proposal|gate|review|finding, ref, title,
 * detail, due?, overdue?, initiative_id?}], counts: {kind: n}}. */
int committee_agenda(Db *db, json_t **ppOut);

/* Meetings (the committee, admins): {title, held_on, notes?}; PATCH any
 * of title, held_on, notes, status (planned|held: held keeps the agenda). */
int meeting_create(Db *db, const Principal *who, json_t *in, int64_t *pId, KeelError *e);
int meeting_update(Db *db, const Principal *who, int64_t id, json_t *in, KeelError *e);
/* The meeting with its agenda and minutes {from, to, decisions}. */
int meeting_get(Db *db, int64_t id, json_t **ppOut, KeelError *e);

#endif
