# SPDX-License-Identifier: GPL-3.0-or-later
"""The moves a data rule refuses, reported before they are tried
(blocked-N.M, issue 15 item 7): GET /initiatives/{id} lists in
you.blocked each offered move the transition would refuse now, with the
refusal's code and words, and the move itself answers that same code;
scores carry the scorer's name, not only the e-mail."""
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()
ids = {x["title"]: x["id"] for x in a.get("/api/v1/initiatives?limit=100").json["items"]}

cases = [("Customer 360 profile platform", "approved", "unaligned"),
         ("AML alert triage", "approved", "signoffs_missing"),
         ("Credit scoring v2", "scaling", "gate_refused")]
for n, (title, to, code) in enumerate(cases, 1):
    it = a.get("/api/v1/initiatives/%d" % ids[title]).json
    b = it["you"]["blocked"]
    t.check("blocked-%d.1" % n, to in it["you"]["transitions"] and b.get(to, {}).get("code") == code and b[to]["message"], b)
    r = a.post("/api/v1/initiatives/%d/transition" % ids[title], {"to": to, "reason": "try"})
    t.status("blocked-%d.2" % n, r, 409, code)
    t.check("blocked-%d.3" % n, r.error()["message"] == b[to]["message"], (r.error(), b[to]))
    # the values of the refusal too, the same as the move's (docs/api.md#sentences)
    t.check("blocked-%d.4" % n, "params" in b[to] and b[to]["params"] == r.error().get("params"), (r.error(), b[to]))
# a move no rule refuses is not listed; a free move is made
it = a.get("/api/v1/initiatives/%d" % ids["Agent assist"]).json
t.check("blocked-4.1", it["you"]["blocked"] == {} and "pilot" in it["you"]["transitions"], it["you"])

sc = a.get("/api/v1/initiatives/%d/scores" % ids["AML alert triage"]).json["items"]
names = {x["scorer"]: x["scorer_name"] for x in sc}
t.check("blocked-5.1", names.get("helena.marsh@meridian.example") == "Helena Marsh" and all("@" not in v for v in names.values()), names)
srv.stop()
t.done()
