# SPDX-License-Identifier: GPL-3.0-or-later
"""The role matrix: every route of the table x every role (and no
credentials) -> allowed or refused, as EXPECTED below says. The test fails
when a route exists that has no row here (or a row names a route that does
not exist), so adding a route means deciding who may call it."""
from keeltest import Server, Cases, bearer, ROLES

ALL = set(ROLES)
ADMIN = {"admin"}
GOVERN = {"admin", "committee"}
PUBLIC = "public"
EDIT = {"admin", "committee", "owner"}
NOVIEW = ALL - {"viewer"}
DATA = {"admin", "committee", "owner", "engineer"}
USAGE = {"admin", "committee", "engineer"}
ANALYST = {"admin", "committee", "engineer", "risk"}
REGISTER = ALL - {"viewer"}
RISKREG = {"admin", "committee", "owner", "risk"}
REVIEW = {"admin", "committee", "risk"}
SWITCHER = {"admin", "committee", "risk", "owner"}  # owners: their own systems

# (method, pattern) -> roles allowed, or PUBLIC
EXPECTED = {
    ("GET", "/api/v1/actions"): ALL,
    ("POST", "/api/v1/actions"): NOVIEW,
    ("GET", "/api/v1/actions/{id}"): ALL,
    ("PATCH", "/api/v1/actions/{id}"): NOVIEW,  # the action's owner, committee, admin
    ("GET", "/api/v1/reviews"): ALL,
    ("GET", "/api/v1/reviews/{period}"): ALL,
    ("POST", "/api/v1/reviews/{period}/feedback"): NOVIEW,
    ("POST", "/api/v1/reviews/{period}/hold"): GOVERN,
    ("GET", "/api/v1/value"): ALL,
    ("GET", "/api/v1/strategy"): ALL,
    ("GET", "/api/v1/radar"): ALL,
    ("POST", "/api/v1/radar"): {"admin", "committee", "engineer"},
    ("GET", "/api/v1/radar/{key}"): ALL,
    ("PATCH", "/api/v1/radar/{key}"): {"admin", "committee", "engineer"},
    ("PUT", "/api/v1/radar/{key}/fit"): {"admin", "committee", "engineer"},
    ("POST", "/api/v1/radar/{key}/moves"): {"admin", "committee", "engineer"},
    ("GET", "/api/v1/analyses"): ANALYST | {"owner"},  # owners: their initiatives' only
    ("POST", "/api/v1/analyses/abtest"): ANALYST,
    ("POST", "/api/v1/analyses/explain"): ANALYST,
    ("POST", "/api/v1/analyses/fairness"): ANALYST,
    ("GET", "/api/v1/analyses/{id}"): ANALYST | {"owner"},
    ("POST", "/api/v1/analyses/drift"): ANALYST,
    ("GET", "/api/v1/ethics-reviews"): ALL,
    ("PUT", "/api/v1/ethics-reviews/intervals"): ADMIN,
    ("POST", "/api/v1/evidence/{id}/attest"): {"risk"},
    ("GET", "/api/v1/gates"): ALL,
    ("GET", "/api/v1/gates/{stage}"): ALL,
    ("PUT", "/api/v1/gates/{stage}"): ADMIN,
    ("POST", "/api/v1/initiatives/{id}/overrides"): GOVERN,
    ("GET", "/api/v1/initiatives/{id}/systems"): ALL,
    ("GET", "/api/v1/risks"): ALL,
    ("POST", "/api/v1/risks"): RISKREG,
    ("GET", "/api/v1/risks/heatmap"): ALL,
    ("GET", "/api/v1/risks/{id}"): ALL,
    ("PATCH", "/api/v1/risks/{id}"): RISKREG,
    ("GET", "/api/v1/findings"): ALL,
    ("GET", "/api/v1/production"): ALL,
    ("GET", "/api/v1/switch-trips"): ALL,
    ("POST", "/api/v1/switch-trips/{id}/confirm"): SWITCHER,
    ("POST", "/api/v1/switch-trips/{id}/revert"): SWITCHER,
    ("POST", "/api/v1/systems/{system}/alert-rules"): REGISTER,  # owners: their own systems
    ("DELETE", "/api/v1/systems/{system}/alert-rules/{id}"): REGISTER,
    ("GET", "/api/v1/systems/{system}/alerts"): ALL,
    ("GET", "/api/v1/webhooks"): ADMIN,
    ("POST", "/api/v1/webhooks"): ADMIN,
    ("DELETE", "/api/v1/webhooks/{id}"): ADMIN,
    ("GET", "/api/v1/systems/{system}/baselines"): ALL,
    ("POST", "/api/v1/systems/{system}/baselines"): REGISTER,  # owners: their own systems
    ("POST", "/api/v1/systems/{system}/decay"): REGISTER,
    ("GET", "/api/v1/systems/{system}/findings"): ALL,
    ("GET", "/api/v1/switch"): ALL,
    ("GET", "/api/v1/switch/{system}"): ALL,  # and tokens switch:read
    ("PUT", "/api/v1/switch/{system}"): SWITCHER,
    ("GET", "/api/v1/switch/{system}/history"): ALL,
    ("GET", "/api/v1/systems/{system}/switch-tests"): ALL,
    ("POST", "/api/v1/systems/{system}/switch-tests"): SWITCHER,
    ("GET", "/api/v1/systems"): ALL,
    ("POST", "/api/v1/systems"): REGISTER,
    ("GET", "/api/v1/systems/{system}"): ALL,
    ("PATCH", "/api/v1/systems/{system}"): REGISTER,
    ("GET", "/api/v1/systems/{system}/ethics-reviews"): ALL,
    ("POST", "/api/v1/systems/{system}/ethics-reviews"): REVIEW,
    ("POST", "/api/v1/systems/{system}/evidence"): REGISTER,
    ("GET", "/api/v1/systems/{system}/gates"): ALL,
    ("GET", "/api/v1/systems/{system}/gates/{stage}"): ALL,
    ("POST", "/api/v1/systems/{system}/overrides"): GOVERN,
    ("POST", "/api/v1/systems/{system}/transition"): REGISTER,
    ("POST", "/api/v1/systems/{system}/versions"): REGISTER,
    # path 4: the committee (members vote; owners propose for their own)
    ("GET", "/api/v1/committee"): ALL,
    ("PATCH", "/api/v1/committee"): ADMIN,
    ("POST", "/api/v1/committee/members"): ADMIN,
    ("DELETE", "/api/v1/committee/members/{id}"): ADMIN,
    ("PATCH", "/api/v1/committee/members/{id}"): ADMIN,
    ("GET", "/api/v1/proposals"): ALL,
    ("POST", "/api/v1/proposals"): EDIT,
    ("GET", "/api/v1/proposals/{id}"): ALL,
    ("POST", "/api/v1/proposals/{id}/close"): GOVERN,
    ("POST", "/api/v1/proposals/{id}/conflicts"): NOVIEW,
    ("GET", "/api/v1/proposals/{id}/votes"): ALL,
    ("POST", "/api/v1/proposals/{id}/votes"): NOVIEW,
    ("GET", "/api/v1/committee/agenda"): ALL,
    # path 4: shared definitions (department heads sign; owners edit their own)
    ("GET", "/api/v1/definitions"): ALL,
    ("POST", "/api/v1/definitions"): EDIT,
    ("GET", "/api/v1/definitions/{id}"): ALL,
    ("PATCH", "/api/v1/definitions/{id}"): EDIT,
    ("GET", "/api/v1/definitions/{id}/diff"): ALL,
    ("POST", "/api/v1/definitions/{id}/links"): EDIT,
    ("DELETE", "/api/v1/definitions/{id}/links/{id}"): EDIT,
    ("POST", "/api/v1/definitions/{id}/signatures"): NOVIEW,
    ("POST", "/api/v1/definitions/{id}/versions"): EDIT,
    # path 4: schedule slips
    ("GET", "/api/v1/initiatives/{id}/schedule"): ALL,
    ("PUT", "/api/v1/initiatives/{id}/schedule"): EDIT,
    ("GET", "/api/v1/slips"): ALL,
    ("GET", "/api/v1/meetings"): ALL,
    ("POST", "/api/v1/meetings"): GOVERN,
    ("GET", "/api/v1/meetings/{id}"): ALL,
    ("PATCH", "/api/v1/meetings/{id}"): GOVERN,
    ("GET", "/api/v1/meetings/{id}/document"): ALL,
    ("GET", "/api/v1/initiatives/{id}/pilot"): ALL,
    ("PUT", "/api/v1/initiatives/{id}/pilot"): EDIT,  # owners: their own
    ("GET", "/api/v1/initiatives/{id}/rollouts"): ALL,
    ("POST", "/api/v1/initiatives/{id}/rollouts"): EDIT,
    ("PATCH", "/api/v1/initiatives/{id}/rollouts/{id}"): EDIT,
    ("GET", "/api/v1/kpis/{id}/unit-values"): ALL,
    ("POST", "/api/v1/kpis/{id}/unit-values"): EDIT,
    ("GET", "/api/v1/training/coverage"): ALL,
    ("GET", "/api/v1/training/forecast"): ALL,
    ("GET", "/api/v1/training/programmes"): ALL,
    ("POST", "/api/v1/training/programmes"): ADMIN,
    ("GET", "/api/v1/training/programmes/{id}"): ALL,
    ("PATCH", "/api/v1/training/programmes/{id}"): ADMIN,
    ("POST", "/api/v1/training/programmes/{id}/completions"): ADMIN,
    ("POST", "/api/v1/training/programmes/{id}/sessions"): ADMIN,
    ("GET", "/api/v1/decisions"): ALL,
    ("GET", "/api/v1/decisions/{id}"): ALL,
    ("GET", "/api/v1/alignment"): ALL,
    ("GET", "/api/v1/catalogue"): ALL,
    ("GET", "/api/v1/criteria"): ALL,
    ("POST", "/api/v1/criteria"): GOVERN,
    ("PATCH", "/api/v1/criteria/{id}"): GOVERN,
    ("GET", "/api/v1/initiatives"): ALL,
    ("POST", "/api/v1/initiatives"): EDIT,
    ("POST", "/api/v1/initiatives/from-catalogue"): EDIT,
    ("GET", "/api/v1/initiatives/{id}"): ALL,
    ("PATCH", "/api/v1/initiatives/{id}"): EDIT,
    ("GET", "/api/v1/initiatives/{id}/charter"): ALL,
    ("GET", "/api/v1/initiatives/{id}/links"): ALL,
    ("POST", "/api/v1/initiatives/{id}/links"): EDIT,
    ("DELETE", "/api/v1/initiatives/{id}/links/{id}"): EDIT,
    ("PATCH", "/api/v1/initiatives/{id}/links/{id}"): EDIT,
    ("GET", "/api/v1/initiatives/{id}/scores"): ALL,
    ("PUT", "/api/v1/initiatives/{id}/scores"): NOVIEW,
    ("POST", "/api/v1/initiatives/{id}/signoffs"): NOVIEW,
    ("POST", "/api/v1/initiatives/{id}/transition"): EDIT,
    ("GET", "/api/v1/kpis"): ALL,
    ("POST", "/api/v1/kpis"): EDIT,
    ("DELETE", "/api/v1/kpis/{id}"): GOVERN,
    ("GET", "/api/v1/kpis/{id}"): ALL,
    ("PATCH", "/api/v1/kpis/{id}"): EDIT,
    ("GET", "/api/v1/kpis/{id}/values"): ALL,
    ("POST", "/api/v1/kpis/{id}/values"): EDIT,
    ("DELETE", "/api/v1/kpis/{id}/values/{id}"): EDIT,
    ("GET", "/api/v1/objectives"): ALL,
    ("POST", "/api/v1/objectives"): EDIT,
    ("DELETE", "/api/v1/objectives/{id}"): GOVERN,
    ("GET", "/api/v1/objectives/{id}"): ALL,
    ("PATCH", "/api/v1/objectives/{id}"): EDIT,
    ("GET", "/api/v1/priorities"): ALL,
    ("GET", "/api/v1/data-assets"): ALL,
    ("POST", "/api/v1/data-assets"): DATA,
    ("DELETE", "/api/v1/data-assets/{id}"): GOVERN,
    ("GET", "/api/v1/data-assets/{id}"): ALL,
    ("PATCH", "/api/v1/data-assets/{id}"): DATA,
    ("GET", "/api/v1/data-assets/{id}/k-anonymity"): DATA,  # the asset's editors
    ("POST", "/api/v1/data-assets/{id}/k-anonymity"): DATA,
    ("POST", "/api/v1/data-assets/{id}/profile"): DATA,
    ("GET", "/api/v1/initiatives/{id}/plan"): ALL,
    ("PUT", "/api/v1/initiatives/{id}/plan"): EDIT,
    ("GET", "/api/v1/initiatives/{id}/team"): ALL,
    ("POST", "/api/v1/initiatives/{id}/team"): EDIT,
    ("DELETE", "/api/v1/initiatives/{id}/team/{id}"): EDIT,
    ("PATCH", "/api/v1/initiatives/{id}/team/{id}"): EDIT,
    ("POST", "/api/v1/plan/compare"): GOVERN,
    ("POST", "/api/v1/plan/frontier"): GOVERN,
    ("GET", "/api/v1/plan/input"): ALL,
    ("POST", "/api/v1/plan/solve"): GOVERN,
    ("GET", "/api/v1/plans"): ALL,
    ("GET", "/api/v1/plans/{id}"): ALL,
    ("GET", "/api/v1/pools"): ALL,
    ("POST", "/api/v1/pools"): GOVERN,
    ("POST", "/api/v1/pools/preview"): GOVERN,
    ("GET", "/api/v1/pools/report"): ALL,
    ("GET", "/api/v1/reports/board"): GOVERN,
    ("DELETE", "/api/v1/pools/{id}"): GOVERN,
    ("GET", "/api/v1/pools/{id}"): ALL,
    ("PATCH", "/api/v1/pools/{id}"): GOVERN,
    ("GET", "/api/v1/pools/{id}/capacity"): ALL,
    ("POST", "/api/v1/pools/{id}/capacity"): GOVERN,
    ("GET", "/api/v1/pools/{id}/usage"): ALL,
    ("POST", "/api/v1/pools/{id}/usage"): USAGE,
    ("GET", "/api/v1/scenarios"): ALL,
    ("POST", "/api/v1/scenarios"): GOVERN,
    ("DELETE", "/api/v1/scenarios/{id}"): GOVERN,
    ("GET", "/api/v1/scenarios/{id}"): ALL,
    ("PATCH", "/api/v1/scenarios/{id}"): GOVERN,
    ("GET", "/api/v1/teams"): ALL,
    ("GET", "/"): PUBLIC,
    ("GET", "/api/v1/accounts"): ADMIN,
    ("POST", "/api/v1/accounts"): ADMIN,
    ("GET", "/api/v1/accounts/{id}"): ADMIN,
    ("PATCH", "/api/v1/accounts/{id}"): ADMIN,
    ("GET", "/api/v1/audit"): GOVERN,
    ("GET", "/api/v1/audit/verify"): GOVERN,
    ("GET", "/api/v1/openapi.json"): PUBLIC,
    ("GET", "/api/v1/people"): ALL,
    ("POST", "/api/v1/people"): ADMIN,
    ("DELETE", "/api/v1/people/{id}"): ADMIN,
    ("GET", "/api/v1/people/{id}"): ALL,
    ("PATCH", "/api/v1/people/{id}"): ADMIN,
    ("DELETE", "/api/v1/session"): ALL,
    ("GET", "/api/v1/session"): ALL,
    ("POST", "/api/v1/session"): PUBLIC,
    ("GET", "/api/v1/settings"): ALL,
    ("PATCH", "/api/v1/settings"): ADMIN,
    ("POST", "/api/v1/settings/smtp-test"): ADMIN,
    ("GET", "/api/v1/inbox"): ALL,
    ("GET", "/api/v1/calendar.ics"): ALL,
    ("GET", "/api/v1/compliance/calendar"): ALL,
    ("GET", "/api/v1/compliance/exports"): ALL,
    ("GET", "/api/v1/compliance/exports/{kind}"): RISKREG,  # owners: their own systems
    ("GET", "/api/v1/compliance/overview"): ALL,
    ("GET", "/api/v1/compliance/packs"): ALL,
    ("GET", "/api/v1/compliance/soa"): ALL,
    ("PUT", "/api/v1/compliance/soa"): REVIEW,
    ("POST", "/api/v1/systems/{system}/compliance-events"): REGISTER,  # editors of the system
    ("GET", "/api/v1/systems/{system}/obligations"): ALL,
    ("POST", "/api/v1/systems/{system}/obligations/preview"): REGISTER,
    ("POST", "/api/v1/inbox/read"): ALL,
    ("GET", "/api/v1/me/preferences"): ALL,
    ("PATCH", "/api/v1/me/preferences"): ALL,
    ("GET", "/api/v1/notifications/log"): ADMIN,
    ("GET", "/api/v1/tokens"): ALL,
    ("POST", "/api/v1/tokens"): ALL,
    ("DELETE", "/api/v1/tokens/{id}"): ALL,
    ("GET", "/api/v1/units"): ALL,
    ("POST", "/api/v1/units"): ADMIN,
    ("DELETE", "/api/v1/units/{id}"): ADMIN,
    ("GET", "/api/v1/units/{id}"): ALL,
    ("PATCH", "/api/v1/units/{id}"): ADMIN,
    ("GET", "/assets/{*path}"): PUBLIC,
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/v1/jobs"): ADMIN,
    ("POST", "/api/v1/jobs/{*name}"): ADMIN,
    ("GET", "/metrics"): ALL,
    ("POST", "/api/v1/systems/{system}/events"): {"admin", "engineer", "owner"},
    ("POST", "/api/v1/systems/{system}/labels"): {"admin", "engineer", "owner"},
    ("GET", "/api/v1/systems/{system}/monitor"): ALL,  # sessions: admins only (the handler); tokens: metrics:read, read, write
}

t = Cases()
srv = Server()
admin = srv.admin()
tokens = {}
for role in ROLES:
    email = "%s@roles.example" % role
    if role != "admin":
        r = admin.post("/api/v1/accounts", {"email": email, "name": role, "role": role,
                                            "password": "role-password-1"})
        assert r.status == 201, r.body
        c = srv.client()
        c.login(email, "role-password-1")
    else:
        c = admin
    r = c.post("/api/v1/tokens", {"name": "matrix", "scope": "write"})
    assert r.status == 201, r.body
    tokens[role] = r.json["token"]

spec = srv.client().get("/api/v1/openapi.json").json
routes = {(m.upper(), p) for p, item in spec["paths"].items() for m in item}
missing = routes - set(EXPECTED)
stale = set(EXPECTED) - routes
t.check("roles-1.1", not missing, "routes without a row in the role matrix: %s" % sorted(missing))
t.check("roles-1.2", not stale, "rows for routes that do not exist: %s" % sorted(stale))
for (method, pattern) in sorted(routes & set(EXPECTED)):
    declared = spec["paths"][pattern][method.lower()]["x-roles"]
    want = EXPECTED[(method, pattern)]
    t.check("roles-2 %s %s" % (method, pattern),
            set(declared) == ({"public"} if want == PUBLIC else want), "x-roles %s" % declared)

n = 0
for (method, pattern), want in sorted(EXPECTED.items()):
    # no such row: allowed callers get 404, not 2xx
    path = pattern.replace("{id}", "987654").replace("{system}", "no-such-system") \
                  .replace("{stage}", "launch").replace("{period}", "2099q1") \
                  .replace("{key}", "no-such-tech").replace("{kind}", "no-such-kind")
    body = {} if method in ("POST", "PATCH", "PUT") else None
    for who in ROLES + [None]:
        n += 1
        c = bearer(srv.port, tokens[who]) if who else srv.client()
        r = c.request(method, path, body)
        case = "roles-3.%d %s %s as %s" % (n, method, pattern, who or "nobody")
        if want == PUBLIC or (who and who in want):
            t.check(case, r.status not in (401, 403), "refused: %d %s" % (r.status, r.body[:200]))
        elif who is None:
            t.check(case, r.status == 401 and r.error().get("code") == "unauthenticated", "%d %s" % (r.status, r.body[:200]))
        else:
            t.check(case, r.status == 403 and r.error().get("code") == "forbidden", "%d %s" % (r.status, r.body[:200]))
srv.stop()
t.done()
