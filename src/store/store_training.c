/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's training; see store_training.h. */
#include "store/store_training.h"

int store_training_programmes(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT p.id, p.name, p.kind, p.description, p.target_pct, "
        "p.required_for_all, p.required_tiers, p.system_id, p.audience_unit_id, s.name AS "
        "system_name, s.initiative_id AS system_initiative_id FROM "
        "training_programme p LEFT JOIN ai_system s ON s.id = p.system_id "
        "ORDER BY p.name, p.id",
        NULL);
}

int store_training_people(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows, "SELECT id, name, unit_id, skills, capacity_fte FROM person ORDER BY id", NULL);
}

int store_training_units(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows, "SELECT id, name, kind, parent_id FROM unit ORDER BY id",
                          NULL);
}

int store_training_completions(Db *db, int64_t programmeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT c.id, c.programme_id, c.person_id, p.name AS person_name, "
                          "p.unit_id, c.session_id, c.completed_on, c.note FROM "
                          "training_completion c JOIN person p ON p.id = c.person_id WHERE (? = 0 "
                          "OR c.programme_id = ?) ORDER BY c.programme_id, p.name, c.id",
                          "ii", programmeId, programmeId);
}

int store_training_sessions(Db *db, int64_t programmeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT s.id, s.programme_id, s.held_on, s.trainer, s.location, s.note, "
                          "(SELECT count(*) FROM training_completion c WHERE c.session_id = s.id) "
                          "AS completions FROM training_session s WHERE s.programme_id = ? ORDER "
                          "BY s.held_on, s.id",
                          "i", programmeId);
}

int store_training_teams(Db *db, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT t.initiative_id, i.title, i.stage, t.person_id, p.name AS "
                          "person_name, t.skill, t.fte FROM team_member t JOIN initiative i ON "
                          "i.id = t.initiative_id JOIN person p ON p.id = t.person_id ORDER BY "
                          "t.initiative_id, p.name, t.id",
                          NULL);
}

int store_training_systems(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows, "SELECT id, name, initiative_id, risk_tier FROM ai_system ORDER BY id", NULL);
}
