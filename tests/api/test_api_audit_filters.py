# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit log's filters (auditf-N.M): by person, action, kind of record
and day (both days included), paged; each count checked against the
database directly; bad days refused at their field."""
import datetime
from keeltest import Server, Cases

t = Cases()
srv = Server(demo=True)
a = srv.admin()


def total(q):
    r = a.get("/api/v1/audit?limit=1&" + q)
    return r.json["total"] if r.status == 200 else r


n = srv.sql("SELECT count(*) FROM audit")[0][0]
t.check("auditf-1.1", total("") == n, (total(""), n))
who = "grace.kim@meridian.example"
t.check("auditf-1.2", total("actor=" + who) == srv.sql("SELECT count(*) FROM audit WHERE actor = ?", (who,))[0][0] > 0)
t.check("auditf-1.3", total("action=score&entity=initiative") == srv.sql(
    "SELECT count(*) FROM audit WHERE action = 'score' AND entity = 'initiative'")[0][0] > 0)
today = datetime.datetime.now(datetime.timezone.utc).date()
day = today.isoformat()
want = srv.sql("SELECT count(*) FROM audit WHERE substr(at, 1, 10) = ?", (day,))[0][0]
t.check("auditf-1.4", total("from=%s&to=%s" % (day, day)) == want > 0, (want,))
past = srv.sql("SELECT count(*) FROM audit WHERE substr(at, 1, 10) < ?", (day,))[0][0]
t.check("auditf-1.5", total("to=%s" % (today - datetime.timedelta(days=1)).isoformat()) == past > 0, past)
page = a.get("/api/v1/audit?limit=50&offset=50&entity=initiative").json
t.check("auditf-1.6", len(page["items"]) == 50 and page["offset"] == 50 and all(x["entity"] == "initiative" for x in page["items"]))
for case, q, field in (("auditf-2.1", "from=2026-13-01", "from"), ("auditf-2.2", "to=yesterday", "to"),
                       ("auditf-2.3", "from=2026-01-01T00:00:00Z", "from")):
    r = a.get("/api/v1/audit?" + q)
    t.check(case, r.status == 400 and r.error().get("field") == field, r.body[:200])
srv.stop()
t.done()
