/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SQL of path 4's schedule slips; see store_slip.h. */
#include "store/store_slip.h"

int store_stage_plan_of(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, stage, planned_on FROM stage_plan WHERE initiative_id = ? "
                          "ORDER BY planned_on, id",
                          "i", initiativeId);
}

int store_deadlines_of(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT id, name, due_on, stage FROM initiative_deadline WHERE "
                          "initiative_id = ? ORDER BY due_on, id",
                          "i", initiativeId);
}

int store_stage_reached(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT to_stage, min(created_at) AS reached_at FROM stage_change WHERE "
                          "initiative_id = ? GROUP BY to_stage",
                          "i", initiativeId);
}

int store_dependencies_of(Db *db, int64_t initiativeId, json_t **ppRows) {
    return db_select_json(db, ppRows,
                          "SELECT i.id, i.title, i.stage FROM initiative_dependency d JOIN "
                          "initiative i ON i.id = d.depends_on_id WHERE d.initiative_id = ? "
                          "ORDER BY i.id",
                          "i", initiativeId);
}

int store_initiatives_scheduled(Db *db, json_t **ppRows) {
    return db_select_json(
        db, ppRows,
        "SELECT i.id, i.title, i.stage, i.owner_id FROM initiative i WHERE i.stage NOT IN "
        "('retired', 'rejected') AND (EXISTS (SELECT 1 FROM stage_plan s WHERE s.initiative_id = "
        "i.id) OR EXISTS (SELECT 1 FROM initiative_deadline d WHERE d.initiative_id = i.id) OR "
        "EXISTS (SELECT 1 FROM pilot p WHERE p.initiative_id = i.id) OR EXISTS (SELECT 1 FROM "
        "rollout r WHERE r.initiative_id = i.id)) ORDER BY i.id",
        "");
}
