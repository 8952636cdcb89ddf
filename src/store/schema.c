/* SPDX-License-Identifier: GPL-3.0-or-later */
/* keel's schema, as ordered migrations tracked in PRAGMA user_version on
 * SQLite and the keel_schema table on PostgreSQL. Append new migrations at
 * the end; never edit one that has shipped. Each is written once in the
 * common dialect (see db_exec_ddl) and must run on both back ends; where it
 * cannot, aDriverMigration holds that driver's own SQL. */
#include "store/store_audit.h"
#include "store/schema.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const azMigration[] = {
    /* 1: organisation, units, people, accounts, sessions, tokens, audit */
    "CREATE TABLE org_settings("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  name TEXT NOT NULL,"
    "  currency TEXT NOT NULL,"
    "  fiscal_year_start_month INTEGER NOT NULL,"
    "  default_locale TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "INSERT INTO org_settings VALUES(1, 'My organisation', 'EUR', 1, 'en', "
    "  '1970-01-01T00:00:00Z');"
    "CREATE TABLE unit("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  parent_id INTEGER REFERENCES unit(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE person("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  email TEXT UNIQUE,"
    "  unit_id INTEGER REFERENCES unit(id),"
    "  skills TEXT NOT NULL DEFAULT '',"
    "  capacity_fte REAL NOT NULL DEFAULT 1.0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX person_unit ON person(unit_id);"
    "CREATE TABLE account("
    "  id INTEGER PRIMARY KEY,"
    "  email TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  role TEXT NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  person_id INTEGER REFERENCES person(id),"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE session("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  csrf_token TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL);"
    "CREATE TABLE api_token("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  name TEXT NOT NULL,"
    "  token_hash TEXT NOT NULL UNIQUE,"
    "  scope TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  expires_at TEXT,"
    "  revoked_at TEXT,"
    "  last_used_at TEXT);"
    "CREATE TABLE audit("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  entity_id INTEGER,"
    "  before_json TEXT,"
    "  after_json TEXT,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL);"
    "CREATE INDEX audit_entity ON audit(entity, entity_id);",

    /* 2: strategic alignment: objectives, KPIs and their actuals,
     * initiatives, links, charters, sign-offs, stage history, scoring */
    "CREATE TABLE objective("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  pain_point TEXT NOT NULL,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  unit_id INTEGER REFERENCES unit(id),"
    "  horizon_start TEXT,"
    "  horizon_end TEXT,"
    "  status TEXT NOT NULL DEFAULT 'active',"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE kpi("
    "  id INTEGER PRIMARY KEY,"
    "  objective_id INTEGER NOT NULL REFERENCES objective(id),"
    "  name TEXT NOT NULL,"
    "  unit TEXT NOT NULL,"
    "  direction TEXT NOT NULL,"
    "  baseline REAL NOT NULL,"
    "  target REAL NOT NULL,"
    "  target_period TEXT NOT NULL,"
    "  definition TEXT,"
    "  template TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX kpi_objective ON kpi(objective_id);"
    "CREATE TABLE kpi_value("
    "  id INTEGER PRIMARY KEY,"
    "  kpi_id INTEGER NOT NULL REFERENCES kpi(id),"
    "  period TEXT NOT NULL,"
    "  period_index INTEGER NOT NULL,"
    "  value REAL NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(kpi_id, period));"
    "CREATE TABLE initiative("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  problem TEXT,"
    "  scope TEXT,"
    "  risks TEXT,"
    "  data_needed TEXT,"
    "  unit_id INTEGER REFERENCES unit(id),"
    "  sponsor_id INTEGER REFERENCES person(id),"
    "  owner_id INTEGER REFERENCES person(id),"
    "  ai_lead_id INTEGER REFERENCES person(id),"
    "  stage TEXT NOT NULL DEFAULT 'idea',"
    "  expected_value REAL,"
    "  cost_estimate REAL,"
    "  start_date TEXT,"
    "  end_date TEXT,"
    "  catalogue_key TEXT,"
    "  charter_version INTEGER NOT NULL DEFAULT 1,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX initiative_stage ON initiative(stage);"
    "CREATE TABLE initiative_link("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  kpi_id INTEGER NOT NULL REFERENCES kpi(id),"
    "  expected_impact REAL NOT NULL,"
    "  impact_period TEXT NOT NULL,"
    "  rationale TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, kpi_id));"
    "CREATE INDEX link_kpi ON initiative_link(kpi_id);"
    "CREATE TABLE charter("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  version INTEGER NOT NULL,"
    "  content TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, version));"
    "CREATE TABLE signoff("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  charter_version INTEGER NOT NULL,"
    "  role TEXT NOT NULL,"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  comment TEXT,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, charter_version, role));"
    "CREATE TABLE stage_change("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  from_stage TEXT NOT NULL,"
    "  to_stage TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE criterion("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  weight REAL NOT NULL,"
    "  inverse INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "INSERT INTO criterion(key, name, weight, inverse, created_at, updated_at) VALUES"
    "  ('business_value', 'Business value', 0.30, 0, '1970-01-01T00:00:00Z', "
    "'1970-01-01T00:00:00Z'),"
    "  ('feasibility', 'Feasibility', 0.20, 0, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),"
    "  ('data_readiness', 'Data readiness', 0.20, 0, '1970-01-01T00:00:00Z', "
    "'1970-01-01T00:00:00Z'),"
    "  ('risk', 'Risk', 0.10, 1, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z'),"
    "  ('strategic_fit', 'Strategic fit', 0.20, 0, '1970-01-01T00:00:00Z', '1970-01-01T00:00:00Z');"
    "CREATE TABLE score("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  criterion_id INTEGER NOT NULL REFERENCES criterion(id),"
    "  value INTEGER NOT NULL,"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  scorer TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, criterion_id, account_id));",

    /* 3: analyses (A/B tests, fairness audits, explanations) kept as
     * evidence that the launch and training gates can attach */
    "CREATE TABLE analysis("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  title TEXT,"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  input_hash TEXT NOT NULL,"
    "  engine_version TEXT NOT NULL,"
    "  verdict TEXT,"
    "  spec TEXT NOT NULL,"
    "  result TEXT NOT NULL,"
    "  account_id INTEGER REFERENCES account(id),"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX analysis_initiative ON analysis(initiative_id);",

    /* 4: resource allocation: pools with capacity and actual usage per
     * period, planning attributes of initiatives (duration, mandatory,
     * demands per pool over their life, dependencies, exclusive
     * alternatives), teams, data assets with readiness profiles and
     * retained samples, scenarios and stored plans */
    "CREATE TABLE resource_pool("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  skill TEXT,"
    "  deployment TEXT,"
    "  unit_id INTEGER REFERENCES unit(id),"
    "  capacity REAL,"
    "  price_per_hour REAL,"
    "  capital_cost REAL,"
    "  lifetime_periods INTEGER,"
    "  running_cost_per_period REAL,"
    "  variable_cost_per_hour REAL,"
    "  cloud_burst INTEGER NOT NULL DEFAULT 0,"
    "  notes TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE pool_capacity("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES resource_pool(id),"
    "  period TEXT NOT NULL,"
    "  period_index INTEGER NOT NULL,"
    "  capacity REAL NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(pool_id, period));"
    "CREATE TABLE pool_usage("
    "  id INTEGER PRIMARY KEY,"
    "  pool_id INTEGER NOT NULL REFERENCES resource_pool(id),"
    "  period TEXT NOT NULL,"
    "  period_index INTEGER NOT NULL,"
    "  amount REAL NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(pool_id, period));"
    "CREATE TABLE initiative_plan("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL UNIQUE REFERENCES initiative(id),"
    "  duration INTEGER NOT NULL DEFAULT 1,"
    "  mandatory INTEGER NOT NULL DEFAULT 0,"
    "  started_period TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE initiative_demand("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  pool_id INTEGER NOT NULL REFERENCES resource_pool(id),"
    "  amounts TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, pool_id));"
    "CREATE INDEX demand_pool ON initiative_demand(pool_id);"
    "CREATE TABLE initiative_dependency("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  depends_on_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, depends_on_id));"
    "CREATE TABLE initiative_exclusion("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  other_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, other_id));"
    "CREATE TABLE team_member("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  skill TEXT NOT NULL,"
    "  fte REAL NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, person_id, skill));"
    "CREATE INDEX team_person ON team_member(person_id);"
    "CREATE TABLE data_asset("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  source_system TEXT,"
    "  personal_data INTEGER NOT NULL DEFAULT 0,"
    "  consent_basis TEXT,"
    "  labelling_status TEXT NOT NULL DEFAULT 'none',"
    "  readiness_score REAL,"
    "  profiled_at TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE data_asset_link("
    "  id INTEGER PRIMARY KEY,"
    "  asset_id INTEGER NOT NULL REFERENCES data_asset(id),"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(asset_id, initiative_id));"
    "CREATE TABLE data_asset_profile("
    "  id INTEGER PRIMARY KEY,"
    "  asset_id INTEGER NOT NULL REFERENCES data_asset(id),"
    "  score REAL NOT NULL,"
    "  n_rows INTEGER NOT NULL,"
    "  n_columns INTEGER NOT NULL,"
    "  reasons TEXT NOT NULL,"
    "  summary TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE data_asset_sample("
    "  id INTEGER PRIMARY KEY,"
    "  asset_id INTEGER NOT NULL REFERENCES data_asset(id),"
    "  profile_id INTEGER NOT NULL REFERENCES data_asset_profile(id),"
    "  content TEXT NOT NULL,"
    "  retain_until TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE scenario("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT,"
    "  changes TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE plan("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"
    "  scenario_id INTEGER REFERENCES scenario(id),"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  input_hash TEXT NOT NULL,"
    "  first_period TEXT NOT NULL,"
    "  n_periods INTEGER NOT NULL,"
    "  time_limit REAL NOT NULL,"
    "  status TEXT NOT NULL,"
    "  value REAL,"
    "  bound REAL,"
    "  gap REAL,"
    "  input_json TEXT NOT NULL,"
    "  result_json TEXT NOT NULL);",
    /* failed sign-ins per (account, address), shared by every server on
     * the database; portable SQL (SQLite and PostgreSQL) */
    "CREATE TABLE login_throttle("
    "  account TEXT NOT NULL,"
    "  address TEXT NOT NULL,"
    "  n_fail INTEGER NOT NULL,"
    "  last_fail BIGINT NOT NULL,"
    "  PRIMARY KEY(account, address));",
    /* monitoring windows (minute, hour, day) with their aggregate text,
     * the monitoring state, and the scheduler's jobs and runs */
    "CREATE TABLE monitor_window("
    "  id INTEGER PRIMARY KEY,"
    "  system_id BIGINT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  segment TEXT NOT NULL,"
    "  grain TEXT NOT NULL,"
    "  window_start BIGINT NOT NULL,"
    "  n BIGINT NOT NULL,"
    "  n_error BIGINT NOT NULL,"
    "  n_labeled BIGINT NOT NULL,"
    "  error_rate REAL, p50 REAL, p90 REAL, p99 REAL, mean_score REAL,"
    "  accuracy REAL, precision_ REAL, recall REAL, auc REAL, ece REAL,"
    "  agg TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(system_id, version, segment, grain, window_start));"
    "CREATE TABLE monitor_state("
    "  name TEXT PRIMARY KEY,"
    "  value BIGINT NOT NULL);"
    "CREATE TABLE job("
    "  name TEXT PRIMARY KEY,"
    "  period_s BIGINT NOT NULL,"
    "  next_run BIGINT NOT NULL,"
    "  lease_owner TEXT,"
    "  lease_until BIGINT);"
    "CREATE TABLE job_run("
    "  id INTEGER PRIMARY KEY,"
    "  job TEXT NOT NULL,"
    "  server TEXT NOT NULL,"
    "  started_at TEXT NOT NULL,"
    "  finished_at TEXT,"
    "  outcome TEXT NOT NULL,"
    "  error TEXT);"
    "CREATE INDEX job_run_job ON job_run(job, id);",

    /* 7: path 3, risk control: the AI system register (systems, versions,
     * scope flags, risk tier), evidence (stored analyses or attested
     * documents per version), gate definitions as data (versioned),
     * committee overrides, the systems' stage history, the risk register,
     * ethics reviews and their interval per tier; analyses record the
     * SHA-256 of their data file (a version's evaluation data) */
    "ALTER TABLE analysis ADD COLUMN data_sha256 TEXT;"
    "CREATE TABLE ai_system("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  description TEXT,"
    "  risk_tier TEXT NOT NULL,"
    "  tier_reason TEXT NOT NULL,"
    "  personal_data INTEGER NOT NULL DEFAULT 0,"
    "  sensitive_data INTEGER NOT NULL DEFAULT 0,"
    "  automated_decisions INTEGER NOT NULL DEFAULT 0,"
    "  public_facing INTEGER NOT NULL DEFAULT 0,"
    "  generative INTEGER NOT NULL DEFAULT 0,"
    "  model_source TEXT NOT NULL DEFAULT 'own',"
    "  ethics_domain TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX ai_system_initiative ON ai_system(initiative_id);"
    "CREATE TABLE system_version("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version TEXT NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  training_asset_id INTEGER REFERENCES data_asset(id),"
    "  evaluation_asset_id INTEGER REFERENCES data_asset(id),"
    "  evaluation_sha256 TEXT,"
    "  algorithm TEXT,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  purpose TEXT,"
    "  deployment TEXT,"
    "  callers TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(system_id, version));"
    "CREATE TABLE evidence("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version_id INTEGER NOT NULL REFERENCES system_version(id),"
    "  kind TEXT NOT NULL,"
    "  analysis_id INTEGER REFERENCES analysis(id),"
    "  title TEXT,"
    "  reference TEXT,"
    "  reviewer_id INTEGER REFERENCES account(id),"
    "  attested_at TEXT,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX evidence_version ON evidence(version_id);"
    "CREATE TABLE gate_def("
    "  id INTEGER PRIMARY KEY,"
    "  stage TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  requirements TEXT NOT NULL,"
    "  note TEXT,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(stage, version));"
    "CREATE TABLE gate_override("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER REFERENCES ai_system(id),"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  stage TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  expires_at TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE system_stage_change("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version_id INTEGER NOT NULL REFERENCES system_version(id),"
    "  from_stage TEXT NOT NULL,"
    "  to_stage TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  verdict TEXT NOT NULL,"
    "  override_id INTEGER REFERENCES gate_override(id),"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE risk("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  system_id INTEGER REFERENCES ai_system(id),"
    "  category TEXT NOT NULL,"
    "  likelihood INTEGER NOT NULL,"
    "  impact INTEGER NOT NULL,"
    "  residual_likelihood INTEGER,"
    "  residual_impact INTEGER,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  mitigation TEXT,"
    "  due_date TEXT,"
    "  status TEXT NOT NULL,"
    "  evidence_id INTEGER REFERENCES evidence(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE ethics_review("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  board TEXT NOT NULL,"
    "  held_on TEXT NOT NULL,"
    "  findings TEXT,"
    "  decision TEXT NOT NULL,"
    "  conditions TEXT,"
    "  follow_ups TEXT,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX ethics_review_system ON ethics_review(system_id);"
    "CREATE TABLE review_interval("
    "  id INTEGER PRIMARY KEY,"
    "  tier TEXT NOT NULL UNIQUE,"
    "  months INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "INSERT INTO review_interval(tier, months, updated_at) VALUES"
    "  ('prohibited', 6, '1970-01-01T00:00:00Z'), ('high', 6, '1970-01-01T00:00:00Z'),"
    "  ('limited', 12, '1970-01-01T00:00:00Z'), ('minimal', 12, '1970-01-01T00:00:00Z');",

    /* 8: for several servers on one database: job leases (one holder per
     * job until it expires) and change counters per channel */
    "CREATE TABLE job_lease("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  holder TEXT NOT NULL,"
    "  acquired_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL);"
    "CREATE TABLE change_counter("
    "  id INTEGER PRIMARY KEY,"
    "  channel TEXT NOT NULL UNIQUE,"
    "  n INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);",
    /* a KPI's declared bounds: values outside them are impossible (a rate
     * below 0 %), refused with the field named */
    "ALTER TABLE kpi ADD COLUMN min_value REAL;"
    "ALTER TABLE kpi ADD COLUMN max_value REAL;",

    /* 10: the human-override switch (issue 18): every flip, the latest per
     * system is its state (none: off); switch tests */
    "CREATE TABLE switch_flip("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('on','off','shadow','percent')),"
    "  percent INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),"
    "  fallback TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  cause TEXT,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (system_id, version));"
    "CREATE TABLE switch_test("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  result TEXT NOT NULL CHECK (result IN ('pass','fail')),"
    "  environment TEXT,"
    "  note TEXT,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX switch_test_system ON switch_test(system_id);",
    /* 11: path 5, continuous iteration (issue 22): actions with what raised
     * them (a review, a monitoring finding, a risk, a gate refusal; one
     * open action per finding key) and the retraining chain; quarterly
     * reviews (a held one keeps its snapshot), committee decisions per
     * initiative and feedback per unit; the technology radar with its
     * moves and fit per unit */
    "CREATE TABLE action_item("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  kind TEXT NOT NULL DEFAULT 'general',"
    "  owner_id INTEGER REFERENCES person(id),"
    "  due_date TEXT,"
    "  status TEXT NOT NULL DEFAULT 'open',"
    "  source TEXT NOT NULL DEFAULT 'manual',"
    "  source_key TEXT,"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  system_id INTEGER REFERENCES ai_system(id),"
    "  risk_id INTEGER REFERENCES risk(id),"
    "  review_period TEXT,"
    "  evidence_required INTEGER NOT NULL DEFAULT 0,"
    "  evidence_analysis_id INTEGER REFERENCES analysis(id),"
    "  data_asset_id INTEGER REFERENCES data_asset(id),"
    "  version_id INTEGER REFERENCES system_version(id),"
    "  close_note TEXT,"
    "  closed_at TEXT,"
    "  closed_by TEXT,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX action_item_source ON action_item(source_key);"
    "CREATE INDEX action_item_initiative ON action_item(initiative_id);"
    "CREATE TABLE quarterly_review("
    "  id INTEGER PRIMARY KEY,"
    "  period TEXT NOT NULL UNIQUE,"
    "  held_on TEXT NOT NULL,"
    "  summary TEXT,"
    "  snapshot TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE review_feedback("
    "  id INTEGER PRIMARY KEY,"
    "  period TEXT NOT NULL,"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  satisfaction INTEGER NOT NULL,"
    "  cost_change_pct REAL,"
    "  comment TEXT,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX review_feedback_period ON review_feedback(period);"
    "CREATE TABLE review_decision("
    "  id INTEGER PRIMARY KEY,"
    "  period TEXT NOT NULL,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  decision TEXT NOT NULL,"
    "  rationale TEXT,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(period, initiative_id));"
    "CREATE TABLE technology("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  quadrant TEXT NOT NULL,"
    "  ring TEXT NOT NULL,"
    "  rationale TEXT NOT NULL,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE technology_move("
    "  id INTEGER PRIMARY KEY,"
    "  technology_id INTEGER NOT NULL REFERENCES technology(id),"
    "  from_ring TEXT,"
    "  to_ring TEXT NOT NULL,"
    "  moved_on TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX technology_move_tech ON technology_move(technology_id);"
    "CREATE TABLE technology_fit("
    "  id INTEGER PRIMARY KEY,"
    "  technology_id INTEGER NOT NULL REFERENCES technology(id),"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  fit TEXT NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(technology_id, unit_id));",
    /* 12: notifications (issue 23): a person's language, the SMTP settings, a
     * person's preference per kind, what they have read, and every send
     * (one row per account, kind, item and day: the claim that keeps a
     * message from going out twice) */
    "ALTER TABLE account ADD COLUMN locale TEXT;"
    "ALTER TABLE org_settings ADD COLUMN smtp_url TEXT;"
    "ALTER TABLE org_settings ADD COLUMN smtp_from TEXT;"
    "ALTER TABLE org_settings ADD COLUMN smtp_user TEXT;"
    "ALTER TABLE org_settings ADD COLUMN smtp_password_file TEXT;"
    "ALTER TABLE org_settings ADD COLUMN smtp_tls TEXT NOT NULL DEFAULT 'try';"
    "ALTER TABLE org_settings ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 7;"
    "ALTER TABLE org_settings ADD COLUMN public_url TEXT;"
    "CREATE TABLE notification_pref("
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  kind TEXT NOT NULL,"
    "  mode TEXT NOT NULL CHECK (mode IN ('inbox','email','digest','off')),"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (account_id, kind));"
    "CREATE TABLE notification_read("
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  kind TEXT NOT NULL,"
    "  item_key TEXT NOT NULL,"
    "  read_at TEXT NOT NULL,"
    "  PRIMARY KEY (account_id, kind, item_key));"
    "CREATE TABLE notification_send("
    "  id INTEGER PRIMARY KEY,"
    "  account_id INTEGER NOT NULL REFERENCES account(id),"
    "  kind TEXT NOT NULL,"
    "  item_key TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  to_addr TEXT NOT NULL,"
    "  locale TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('pending','sent','failed','refused')),"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_try_at INTEGER NOT NULL DEFAULT 0,"
    "  smtp_code INTEGER,"
    "  error TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (account_id, kind, item_key, day));"
    "CREATE INDEX notification_send_status ON notification_send(status, next_try_at);",

    /* 13: monitoring part 2 (issue 20): baselines frozen per version and
     * segment (segment '*': all of them), the latest decay findings per
     * system, alert rules with their firing history, webhooks with their
     * delivery log, and switch trips awaiting a person's decision */
    "CREATE TABLE monitor_baseline("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version TEXT NOT NULL,"
    "  segment TEXT NOT NULL,"
    "  window_from BIGINT NOT NULL,"
    "  window_to BIGINT NOT NULL,"
    "  n BIGINT NOT NULL,"
    "  n_labeled BIGINT NOT NULL,"
    "  accuracy REAL,"
    "  error_rate REAL,"
    "  mean_score REAL,"
    "  auc REAL,"
    "  p50 REAL,"
    "  p99 REAL,"
    "  agg TEXT NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  frozen_at TEXT NOT NULL,"
    "  UNIQUE(system_id, version, segment));"
    "CREATE TABLE monitor_finding("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  version TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  metric TEXT NOT NULL,"
    "  segment TEXT NOT NULL,"
    "  baseline REAL,"
    "  current_ REAL,"
    "  ci_lo REAL,"
    "  ci_hi REAL,"
    "  detail TEXT NOT NULL,"
    "  found_at TEXT NOT NULL);"
    "CREATE INDEX monitor_finding_system ON monitor_finding(system_id);"
    "CREATE TABLE webhook("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  url TEXT NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  enabled INTEGER NOT NULL DEFAULT 1,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE TABLE alert_rule("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  metric TEXT NOT NULL,"
    "  segment TEXT NOT NULL,"
    "  op TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  for_s BIGINT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  webhook_id INTEGER REFERENCES webhook(id),"
    "  trip_switch INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'ok',"
    "  pending_since BIGINT,"
    "  last_value REAL,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(system_id, name));"
    "CREATE TABLE alert_event("
    "  id INTEGER PRIMARY KEY,"
    "  rule_id INTEGER NOT NULL REFERENCES alert_rule(id),"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  state TEXT NOT NULL,"
    "  value REAL,"
    "  message TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX alert_event_system ON alert_event(system_id, id);"
    "CREATE TABLE webhook_delivery("
    "  id INTEGER PRIMARY KEY,"
    "  webhook_id INTEGER NOT NULL REFERENCES webhook(id),"
    "  alert_event_id INTEGER REFERENCES alert_event(id),"
    "  payload TEXT NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  status TEXT NOT NULL,"
    "  http_status INTEGER,"
    "  error TEXT,"
    "  next_attempt BIGINT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX webhook_delivery_due ON webhook_delivery(status, next_attempt);"
    "CREATE TABLE switch_trip("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  rule_id INTEGER NOT NULL REFERENCES alert_rule(id),"
    "  alert_event_id INTEGER REFERENCES alert_event(id),"
    "  prior_state TEXT NOT NULL,"
    "  prior_percent INTEGER NOT NULL,"
    "  status TEXT NOT NULL,"
    "  decided_by TEXT,"
    "  decided_at TEXT,"
    "  created_at TEXT NOT NULL);",
    /* 14: compliance (issue 25): a system's jurisdictions and the scope
     * flags the rule packs read, events that start deadlines (a change, an
     * incident), and the ISO/IEC 42001 Statement of Applicability */
    "ALTER TABLE ai_system ADD COLUMN jurisdictions TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE ai_system ADD COLUMN eu_role TEXT;"
    "ALTER TABLE ai_system ADD COLUMN annex_iii_area TEXT;"
    "ALTER TABLE ai_system ADD COLUMN algorithm_types TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE ai_system ADD COLUMN public_opinion INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ai_system ADD COLUMN transfer_abroad INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE compliance_event("
    "  id INTEGER PRIMARY KEY,"
    "  system_id INTEGER NOT NULL REFERENCES ai_system(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('change','incident')),"
    "  occurred_on TEXT NOT NULL,"
    "  description TEXT NOT NULL,"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX compliance_event_system ON compliance_event(system_id);"
    "CREATE TABLE soa_entry("
    "  id INTEGER PRIMARY KEY,"
    "  control TEXT NOT NULL UNIQUE,"
    "  included INTEGER NOT NULL,"
    "  justification TEXT NOT NULL,"
    "  implementation TEXT,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  account_id INTEGER,"
    "  created_by TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);",
    /* 15: path 4, the AI committee (issue 21): its members and chair, its
     * quorum rule, proposals of typed actions with their votes and declared
     * conflicts, and the decision log; the setting that lets the committee
     * role still move an initiative directly */
    "ALTER TABLE org_settings ADD COLUMN committee_direct_moves INTEGER NOT NULL DEFAULT 1;"
    "CREATE TABLE committee_rule("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  quorum TEXT NOT NULL,"
    "  chair_in_quorum INTEGER NOT NULL,"
    "  casting_vote INTEGER NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "INSERT INTO committee_rule VALUES(1, 'half', 1, 1, '1970-01-01T00:00:00Z');"
    "CREATE TABLE committee_member("
    "  id INTEGER PRIMARY KEY,"
    "  person_id INTEGER NOT NULL UNIQUE REFERENCES person(id),"
    "  chair INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE proposal("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  action_type TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  due_date TEXT NOT NULL,"
    "  evidence TEXT NOT NULL,"
    "  note TEXT,"
    "  status TEXT NOT NULL,"
    "  created_by TEXT NOT NULL,"
    "  decided_at TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX proposal_initiative ON proposal(initiative_id);"
    "CREATE TABLE proposal_vote("
    "  id INTEGER PRIMARY KEY,"
    "  proposal_id INTEGER NOT NULL REFERENCES proposal(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  vote TEXT NOT NULL CHECK (vote IN ('for','against','abstain')),"
    "  comment TEXT,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (proposal_id, person_id));"
    "CREATE TABLE proposal_conflict("
    "  id INTEGER PRIMARY KEY,"
    "  proposal_id INTEGER NOT NULL REFERENCES proposal(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  reason TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (proposal_id, person_id));"
    "CREATE TABLE decision("
    "  id INTEGER PRIMARY KEY,"
    "  proposal_id INTEGER REFERENCES proposal(id),"
    "  kind TEXT NOT NULL CHECK (kind IN ('vote','direct')),"
    "  action_type TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  initiative_id INTEGER REFERENCES initiative(id),"
    "  outcome TEXT NOT NULL,"
    "  tally TEXT NOT NULL,"
    "  execution TEXT NOT NULL,"
    "  execution_code TEXT,"
    "  execution_message TEXT,"
    "  reason TEXT,"
    "  account_id INTEGER,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL);"
    "CREATE INDEX decision_initiative ON decision(initiative_id);",
    /* 16: path 4: the committee's meetings; KPI readings per business
     * unit; an initiative's pilot with its exit criteria, and its rollouts
     * unit by unit */
    "CREATE TABLE meeting("
    "  id INTEGER PRIMARY KEY,"
    "  title TEXT NOT NULL,"
    "  held_on TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  agenda TEXT,"
    "  notes TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE kpi_unit_value("
    "  id INTEGER PRIMARY KEY,"
    "  kpi_id INTEGER NOT NULL REFERENCES kpi(id),"
    "  org_unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  period TEXT NOT NULL,"
    "  value REAL NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(kpi_id, org_unit_id, period));"
    "CREATE TABLE pilot("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL UNIQUE REFERENCES initiative(id),"
    "  org_unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  starts_on TEXT NOT NULL,"
    "  ends_on TEXT NOT NULL,"
    "  baseline_period TEXT NOT NULL,"
    "  measure_period TEXT NOT NULL,"
    "  criteria TEXT NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE rollout("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  org_unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  status TEXT NOT NULL CHECK (status IN ('planned','in_progress','live','halted')),"
    "  planned_start TEXT,"
    "  planned_live TEXT,"
    "  started_on TEXT,"
    "  live_on TEXT,"
    "  override_proposal_id INTEGER REFERENCES proposal(id),"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, org_unit_id));",

    /* 17: monitoring (issue 19): one lease for scheduled jobs, the
     * job_lease table of migration 8 (the job table's own lease columns
     * go); the latest minute window of each (system, version, segment), so
     * /metrics reads one row per key, not every minute kept */
    "ALTER TABLE job DROP COLUMN lease_owner;"
    "ALTER TABLE job DROP COLUMN lease_until;"
    "CREATE TABLE monitor_latest("
    "  id INTEGER PRIMARY KEY,"
    "  system_id BIGINT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  segment TEXT NOT NULL,"
    "  window_start BIGINT NOT NULL,"
    "  UNIQUE(system_id, version, segment));"
    "INSERT INTO monitor_latest(system_id, version, segment, window_start) SELECT system_id, "
    "version, segment, MAX(window_start) FROM monitor_window WHERE grain = 'minute' GROUP BY "
    "system_id, version, segment;",
    /* 18: the audit chain's keyed anchor (issue 13): from_id is the first
     * entry hashed with the key (HMAC-SHA-256), last_id the latest entry,
     * mac the key's MAC over both and the latest hash, so that entries cut
     * from the end are caught without a head kept outside keel */
    "CREATE TABLE audit_anchor("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  from_id INTEGER NOT NULL,"
    "  last_id INTEGER NOT NULL,"
    "  mac TEXT NOT NULL);",
    /* 19: path 4's shared definitions (issue 21, item 4): a glossary of
     * versioned definitions, the departments that use each, their heads'
     * signatures (or disputes) of a version, and the KPIs, initiatives and
     * data assets that rely on one; people marked as their department's
     * head; the days a dispute may last before the committee gets it */
    "ALTER TABLE person ADD COLUMN department_head INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE org_settings ADD COLUMN definition_dispute_days INTEGER NOT NULL DEFAULT 30;"
    "CREATE TABLE definition("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL,"
    "  owner_id INTEGER REFERENCES person(id),"
    "  version INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE definition_version("
    "  id INTEGER PRIMARY KEY,"
    "  definition_id INTEGER NOT NULL REFERENCES definition(id),"
    "  version INTEGER NOT NULL,"
    "  body TEXT NOT NULL,"
    "  note TEXT,"
    "  actor TEXT NOT NULL,"
    "  escalated_proposal_id INTEGER REFERENCES proposal(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(definition_id, version));"
    "CREATE TABLE definition_department("
    "  id INTEGER PRIMARY KEY,"
    "  definition_id INTEGER NOT NULL REFERENCES definition(id),"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(definition_id, unit_id));"
    "CREATE TABLE definition_signature("
    "  id INTEGER PRIMARY KEY,"
    "  definition_id INTEGER NOT NULL REFERENCES definition(id),"
    "  version INTEGER NOT NULL,"
    "  unit_id INTEGER NOT NULL REFERENCES unit(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  stance TEXT NOT NULL CHECK (stance IN ('signed','disputed')),"
    "  reason TEXT,"
    "  actor TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(definition_id, version, unit_id));"
    "CREATE TABLE definition_link("
    "  id INTEGER PRIMARY KEY,"
    "  definition_id INTEGER NOT NULL REFERENCES definition(id),"
    "  entity TEXT NOT NULL CHECK (entity IN ('kpi','initiative','data_asset')),"
    "  entity_id INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE(definition_id, entity, entity_id));"
    "CREATE INDEX definition_link_entity ON definition_link(entity, entity_id);",
    /* 20: path 4's schedule slips (issue 21, item 5): the dates by which an
     * initiative should reach its stages, and the business deadlines it
     * names (a sales season) with the stage needed by then */
    "CREATE TABLE stage_plan("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  stage TEXT NOT NULL,"
    "  planned_on TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(initiative_id, stage));"
    "CREATE TABLE initiative_deadline("
    "  id INTEGER PRIMARY KEY,"
    "  initiative_id INTEGER NOT NULL REFERENCES initiative(id),"
    "  name TEXT NOT NULL,"
    "  due_on TEXT NOT NULL,"
    "  stage TEXT NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE INDEX initiative_deadline_initiative ON initiative_deadline(initiative_id);",
    /* 21: path 4 (issue 21): the risk officer, a fourth signatory of a
     * charter whose systems are of the high tier; training programmes
     * (AI literacy, tool training, ethics) with their sessions and who
     * completed them */
    "ALTER TABLE initiative ADD COLUMN risk_officer_id INTEGER REFERENCES person(id);"
    "CREATE TABLE training_programme("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('ai_literacy','tool','ethics')),"
    "  description TEXT,"
    "  target_pct REAL NOT NULL DEFAULT 80,"
    "  required_for_all INTEGER NOT NULL DEFAULT 0,"
    "  required_tiers TEXT NOT NULL DEFAULT '',"
    "  system_id INTEGER REFERENCES ai_system(id),"
    "  audience_unit_id INTEGER REFERENCES unit(id),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE training_session("
    "  id INTEGER PRIMARY KEY,"
    "  programme_id INTEGER NOT NULL REFERENCES training_programme(id),"
    "  held_on TEXT NOT NULL,"
    "  trainer TEXT,"
    "  location TEXT,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);"
    "CREATE TABLE training_completion("
    "  id INTEGER PRIMARY KEY,"
    "  programme_id INTEGER NOT NULL REFERENCES training_programme(id),"
    "  person_id INTEGER NOT NULL REFERENCES person(id),"
    "  session_id INTEGER REFERENCES training_session(id),"
    "  completed_on TEXT NOT NULL,"
    "  note TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE(programme_id, person_id));"
    "CREATE INDEX training_completion_person ON training_completion(person_id);",
    /* 22: purpose limitation (issue 25): the purposes a data asset may
     * serve (a set, stored ",a,b,"), its declared quasi-identifier
     * columns, and the purpose of an initiative */
    "ALTER TABLE data_asset ADD COLUMN purposes TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE data_asset ADD COLUMN quasi_identifiers TEXT;"
    "ALTER TABLE initiative ADD COLUMN purpose TEXT;",
    /* 23: /metrics reads the latest minute of each key from monitor_latest
     * alone: a copy of the gauges it lists, kept by the same upsert, so a
     * scrape reads a few small pages, not one window row (with its
     * aggregate text) per key */
    "ALTER TABLE monitor_latest ADD COLUMN n BIGINT;"
    "ALTER TABLE monitor_latest ADD COLUMN error_rate REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN p50 REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN p90 REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN p99 REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN mean_score REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN accuracy REAL;"
    "ALTER TABLE monitor_latest ADD COLUMN auc REAL;"
    "UPDATE monitor_latest SET n = w.n, error_rate = w.error_rate, p50 = w.p50, p90 = w.p90, "
    "p99 = w.p99, mean_score = w.mean_score, accuracy = w.accuracy, auc = w.auc FROM "
    "monitor_window w WHERE w.system_id = monitor_latest.system_id AND w.version = "
    "monitor_latest.version AND w.segment = monitor_latest.segment AND w.grain = 'minute' AND "
    "w.window_start = monitor_latest.window_start;"
    "DELETE FROM monitor_latest WHERE n IS NULL;",
};

#define N_MIGRATION ((int)(sizeof azMigration / sizeof azMigration[0]))

/* Where a migration needs SQL of its own on one back end, its number and
 * the statements for that driver, used instead of azMigration[number-1].
 * Everything else is written once: azMigration runs through db_exec_ddl,
 * which adapts the column types for PostgreSQL. */
static const struct {
    int version;
    const char *zDriver;
    const char *zSql;
} aDriverMigration[] = {
    {0, "", ""},
};

static const char *migration_sql(Db *db, int version) {
    for (size_t i = 0; i < sizeof aDriverMigration / sizeof aDriverMigration[0]; i++)
        if (aDriverMigration[i].version == version &&
            strcmp(aDriverMigration[i].zDriver, db_driver_name(db)) == 0)
            return aDriverMigration[i].zSql;
    return azMigration[version - 1];
}

int schema_version(void) { return N_MIGRATION; }

/* Check what a database is before touching it: 0 and its version, or
 * KEEL_EVERSION with the reason in zErr. */
static int schema_identify(Db *db, int *pVersion, char *zErr, size_t nErr) {
    int version = 0, appId = 0;
    int rc = db_get_version(db, &version, &appId);
    if (rc) {
        snprintf(zErr, nErr, "cannot read the schema version: %s", db_errmsg(db));
        return rc;
    }
    if (version == 0 && appId == 0) {
        json_t *aTable = NULL;
        rc = db_tables(db, &aTable);
        size_t nTable = aTable ? json_array_size(aTable) : 0;
        json_decref(aTable);
        if (rc) {
            snprintf(zErr, nErr, "cannot list the tables: %s", db_errmsg(db));
            return rc;
        }
        if (nTable > 0) {
            snprintf(zErr, nErr, "this database belongs to another application, not keel");
            return KEEL_EVERSION;
        }
    } else if (appId != SCHEMA_APP_ID) {
        snprintf(zErr, nErr, "this database is not a keel database (application id %d)", appId);
        return KEEL_EVERSION;
    }
    if (version > N_MIGRATION) {
        snprintf(zErr, nErr,
                 "this database has schema version %d but this keel knows only up to %d: "
                 "it was written by a newer keel; upgrade keel",
                 version, N_MIGRATION);
        return KEEL_EVERSION;
    }
    *pVersion = version;
    return 0;
}

/* Each step runs in a write transaction (BEGIN IMMEDIATE on SQLite, the
 * write advisory lock on PostgreSQL) and re-reads the version inside it, so
 * two processes migrating at once apply each migration exactly once. */
int schema_migrate(Db *db, char *zErr, size_t nErr) {
    int version = 0;
    int rc = schema_identify(db, &version, zErr, nErr);
    if (rc) return rc;
    /* tests of upgrades make an older database by stopping early */
    const char *zStop = getenv("KEEL_TEST_SCHEMA_STOP");
    int target = zStop && atoi(zStop) > 0 && atoi(zStop) < N_MIGRATION ? atoi(zStop) : N_MIGRATION;
    while (version < target) {
        rc = db_begin(db);
        if (rc == 0) rc = schema_identify(db, &version, zErr, nErr);
        int bStep = rc == 0 && version < target; /* another process may have done it */
        if (bStep) rc = db_exec_ddl(db, migration_sql(db, version + 1));
        if (bStep && rc == 0) rc = db_set_version(db, version + 1, SCHEMA_APP_ID);
        rc = db_end(db, rc);
        if (rc == KEEL_EVERSION) return rc;
        if (rc) {
            snprintf(zErr, nErr, "migration %d failed: %s", version + 1, db_errmsg(db));
            return rc;
        }
        if (bStep) version++;
    }
    return rc;
}

int schema_open_mode(const char *zPath, int mode, Db **ppDb, char *zErr, size_t nErr) {
    Db *db = NULL;
    *ppDb = NULL;
    int rc = db_open(zPath, mode == SCHEMA_CREATE, &db, zErr, nErr);
    if (rc) return rc;
    char zName[256];
    db_display_name(zPath, zName, sizeof zName);
    if (mode == SCHEMA_CREATE || mode == SCHEMA_MIGRATE) {
        rc = schema_migrate(db, zErr, nErr);
    } else {
        int version = 0, appId = 0;
        rc = db_get_version(db, &version, &appId);
        if (rc) {
            snprintf(zErr, nErr, "cannot read the schema version of %s: %s", zName, db_errmsg(db));
        } else if (appId != SCHEMA_APP_ID) {
            snprintf(zErr, nErr, "%s is not a keel database (create one with `keel init --db %s`)",
                     zName, zName);
            rc = KEEL_EVERSION;
        } else if (version > N_MIGRATION) {
            snprintf(zErr, nErr,
                     "%s has schema version %d but this keel knows only up to %d: it was "
                     "written by a newer keel; upgrade keel",
                     zName, version, N_MIGRATION);
            rc = KEEL_EVERSION;
        } else if (version < N_MIGRATION) {
            int bAuto = mode == SCHEMA_AUTO ? !db_is_pg(db) : mode == SCHEMA_UPGRADE;
            if (bAuto) {
                rc = schema_migrate(db, zErr, nErr);
            } else {
                snprintf(zErr, nErr,
                         "%s has schema version %d and this keel needs %d: run `keel migrate "
                         "--db %s` first (one server or operator, once)",
                         zName, version, N_MIGRATION, zName);
                rc = KEEL_EVERSION;
            }
        }
    }
    /* the audit MAC key, when there is one (store_audit.h) */
    if (rc == 0) rc = store_audit_load_key(db, zPath, zErr, nErr);
    if (rc) {
        db_close(db);
        return rc;
    }
    *ppDb = db;
    return 0;
}

int schema_open(const char *zPath, int bCreate, Db **ppDb, char *zErr, size_t nErr) {
    return schema_open_mode(zPath, bCreate ? SCHEMA_CREATE : SCHEMA_AUTO, ppDb, zErr, nErr);
}

int schema_check(Db *db) {
    int version = 0, appId = 0;
    int rc = db_get_version(db, &version, &appId);
    if (rc == 0 && (appId != SCHEMA_APP_ID || version != N_MIGRATION)) rc = KEEL_EVERSION;
    return rc;
}
