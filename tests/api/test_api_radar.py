# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of path 5's technology radar (issue 22), numbered (radar-N.M):
technologies with quadrant, ring, rationale, owner and fit per unit; the
ring changes only by a move, kept with its date and reason; this
quarter's moves; the quarterly review lists its quarter's moves; the CLI
prints the same. Every refusal leaves the database unchanged."""
import json
import subprocess
from datetime import date, timedelta
from keeltest import Server, Cases, KEEL

t = Cases()
srv = Server()
a = srv.admin()
PG = srv.db.startswith("postgres")
unit = a.post("/api/v1/units", {"name": "Plants", "kind": "business_line"}).json["id"]
unit2 = a.post("/api/v1/units", {"name": "Retail", "kind": "business_line"}).json["id"]
c, ids = {}, {}
for name, email, role in [("Lea Lead", "lea@t.example", "engineer"), ("Olga Owner", "olga@t.example", "owner")]:
    p = a.post("/api/v1/people", {"name": name, "email": email})
    ids[email] = p.json["id"]
    a.post("/api/v1/accounts", {"email": email, "name": name, "role": role, "password": "password-123",
                                "person_id": p.json["id"]})
    c[email] = srv.client()
    c[email].login(email, "password-123")
lea, olga = c["lea@t.example"], c["olga@t.example"]
today = date.today()
old = (today - timedelta(days=400)).isoformat()

# ---- radar-1: adding ----
llm = {"key": "llm", "name": "Large language models", "quadrant": "models", "ring": "assess",
       "rationale": "promising for text-heavy work; hallucinations to control", "owner_id": ids["lea@t.example"],
       "moved_on": old, "reason": "first pilots elsewhere"}
before = srv.snapshot()
t.status("radar-1.1", olga.post("/api/v1/radar", llm), 403, "forbidden")
t.status("radar-1.2", lea.post("/api/v1/radar", dict(llm, ring="maybe")), 400, "invalid", "ring")
t.status("radar-1.3", lea.post("/api/v1/radar", dict(llm, quadrant="hype")), 400, "invalid", "quadrant")
t.status("radar-1.4", lea.post("/api/v1/radar", dict(llm, key="Large LMs")), 400, "invalid", "key")
t.status("radar-1.5", lea.post("/api/v1/radar", dict(llm, moved_on=(today + timedelta(days=2)).isoformat())), 400,
         "invalid", "moved_on")
t.status("radar-1.6", lea.post("/api/v1/radar", {k: v for k, v in llm.items() if k != "rationale"}), 400, "invalid",
         "rationale")
t.check("radar-1.7", srv.snapshot() == before, "a refused technology changed the database")
r = lea.post("/api/v1/radar", llm)
t.check("radar-1.8", r.status == 201 and r.header("Location") == "/api/v1/radar/llm" and r.json["ring"] == "assess"
        and r.json["moves"] == [{"from_ring": None, "to_ring": "assess", "moved_on": old,
                                 "reason": "first pilots elsewhere", "actor": "lea@t.example"}], r.body[:400])
t.status("radar-1.9", lea.post("/api/v1/radar", llm), 409)
r = lea.post("/api/v1/radar", {"key": "vector-search", "name": "Vector search", "quadrant": "platforms",
                               "ring": "trial", "rationale": "semantic search over manuals"})
t.check("radar-1.10", r.status == 201 and r.json["moves"][0]["moved_on"] == today.isoformat(), r.body[:300])

# ---- radar-2: moves and fit ----
before = srv.snapshot()
t.status("radar-2.1", lea.post("/api/v1/radar/llm/moves", {"ring": "trial"}), 400, "invalid", "reason")
t.status("radar-2.2", lea.post("/api/v1/radar/llm/moves", {"ring": "assess", "reason": "x"}), 409, "same_ring", "ring")
t.status("radar-2.3", lea.post("/api/v1/radar/nope/moves", {"ring": "trial", "reason": "x"}), 404, "not_found")
t.status("radar-2.4", lea.patch("/api/v1/radar/llm", {"ring": "adopt"}), 400, "invalid", "ring")
t.status("radar-2.5", lea.request("PUT", "/api/v1/radar/llm/fit", {"unit_id": unit, "fit": "great"}), 400, "invalid", "fit")
t.status("radar-2.6", lea.request("PUT", "/api/v1/radar/llm/fit", {"unit_id": 999, "fit": "high"}), 400, "invalid", "unit_id")
t.status("radar-2.7", olga.post("/api/v1/radar/llm/moves", {"ring": "trial", "reason": "x"}), 403, "forbidden")
t.status("radar-2.7b", lea.post("/api/v1/radar/llm/moves", {}), 400, "invalid", "ring")
t.status("radar-2.7c", lea.request("PUT", "/api/v1/radar/llm/fit", {}), 400, "invalid", "fit")
t.status("radar-2.7d", lea.post("/api/v1/radar", {}), 400, "invalid")
t.check("radar-2.8", srv.snapshot() == before, "a refused move changed the database")
r = lea.post("/api/v1/radar/llm/moves", {"ring": "trial", "reason": "the service-desk pilot answered 70% of tickets"})
t.check("radar-2.9", r.status == 201 and r.json["ring"] == "trial" and len(r.json["moves"]) == 2
        and r.json["moves"][0]["from_ring"] == "assess" and r.json["moves"][0]["to_ring"] == "trial", r.body[:400])
r = lea.request("PUT", "/api/v1/radar/llm/fit", {"unit_id": unit, "fit": "low", "note": "little text in the plants"})
r = lea.request("PUT", "/api/v1/radar/llm/fit", {"unit_id": unit2, "fit": "high"})
r = lea.request("PUT", "/api/v1/radar/llm/fit", {"unit_id": unit, "fit": "medium"})
t.check("radar-2.10", r.status == 200 and sorted((f["unit_name"], f["fit"]) for f in r.json["fit"]) ==
        [("Plants", "medium"), ("Retail", "high")], r.body[:400])

# ---- radar-3: the radar, this quarter's moves ----
r = olga.get("/api/v1/radar")
t.check("radar-3.1", r.status == 200 and r.json["rings"] == ["adopt", "trial", "assess", "hold"]
        and r.json["quadrants"] == ["techniques", "models", "platforms", "tools"]
        and sorted(x["key"] for x in r.json["technologies"]) == ["llm", "vector-search"], r.body[:300])
moved = [(m["key"], m["from_ring"], m["to_ring"]) for m in r.json["moves_this_quarter"]]
t.check("radar-3.2", sorted(moved, key=str) == sorted([("llm", "assess", "trial"), ("vector-search", None, "trial")], key=str)
        and all(x["moved_this_quarter"] for x in r.json["technologies"]), moved)
r = olga.get("/api/v1/radar?quarter=%dQ1" % (today.year - 5))
t.check("radar-3.3", r.status == 200 and r.json["moves_this_quarter"] == [], r.body[:300])
t.status("radar-3.4", olga.get("/api/v1/radar?quarter=soon"), 400, "invalid", "quarter")
q = r = olga.get("/api/v1/reviews").json["current"]
r = olga.get("/api/v1/reviews/%s" % q.lower())
t.check("radar-3.5", r.status == 200 and len(r.json["programme"]["radar_moves"]) == 2, r.body[:300])
n = srv.sql("SELECT count(*) FROM technology_move")[0][0]
t.check("radar-3.6", n == 3, n)

# ---- radar-4: the CLI ----
if not PG:
    p = subprocess.run([KEEL, "radar", "--db", srv.db], capture_output=True, text=True)
    t.check("radar-4.1", p.returncode == 0 and "Large language models" in p.stdout and "assess -> trial" in p.stdout,
            p.stdout + p.stderr)
    p = subprocess.run([KEEL, "radar", "--db", srv.db, "--json"], capture_output=True, text=True)
    t.check("radar-4.2", p.returncode == 0 and len(json.loads(p.stdout)["technologies"]) == 2, p.stderr)

srv.stop()
t.done()
