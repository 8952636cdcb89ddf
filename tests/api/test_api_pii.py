# SPDX-License-Identifier: GPL-3.0-or-later
"""API tests of personal-data checks on data assets (pii-N.M, issue 25
item 4): a sample profiled through POST /api/v1/data-assets/{id}/profile
whose columns hold Chinese resident ID numbers (GB 11643 check digits
computed here), bank card numbers (Luhn computed here), phones and
e-mails gains "pii" per column in the stored profile; an asset not marked
personal_data gets the undeclared_personal_data warning, one marked
personal does not, and a sample without personal data has no "pii" key
at all. `keel profile --json` gives the same columns and exits 0."""
import json
import os
import random
import subprocess
from keeltest import Server, Cases, KEEL

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def cn_id(rng):
    body = "310104%04d%02d%02d%03d" % (rng.randint(1950, 2005), rng.randint(1, 12), rng.randint(1, 28),
                                       rng.randint(0, 999))
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]


def luhn(prefix):
    s = 0
    for i, ch in enumerate(reversed(prefix)):
        v = int(ch)
        if i % 2 == 0:
            v = v * 2 - 9 if v * 2 > 9 else v * 2
        s += v
    return prefix + str((10 - s % 10) % 10)


rng = random.Random(25)
rows = ["customer_no,id_number,card,mobile,email,region,spend"]
for i in range(60):
    rows.append("%d,%s,%s,1%d%09d,c%d@example.cn,%s,%.2f" % (
        1000 + i, cn_id(rng), luhn("622202" + "%012d" % rng.randrange(10 ** 12)), rng.randint(3, 9),
        rng.randrange(10 ** 9), i, "NESW"[i % 4], rng.random() * 100))
sample = "\n".join(rows) + "\n"
clean = "region,spend,units\n" + "".join("%s,%.2f,%d\n" % ("NESW"[i % 4], i * 1.5, i) for i in range(40))

t = Cases()
srv = Server()
a = srv.admin()

r = a.post("/api/v1/data-assets", {"name": "Loyalty extract", "personal_data": False})
t.status("pii-1.1", r, 201)
asset = r.json["id"]
t.check("pii-1.2", r.json.get("warnings") == [], r.body[:300])
r = a.request("POST", "/api/v1/data-assets/%d/profile" % asset, raw=sample.encode(), ctype="text/csv")
t.status("pii-1.3", r, 201)
summ = r.json["profile"]["summary"] if r.status == 201 else {}
summ = json.loads(summ) if isinstance(summ, str) else summ
pii = {c["name"]: c.get("pii") for c in summ.get("columns", [])}
t.check("pii-1.4", pii.get("id_number") == {"kind": "cn_resident_id", "share": 1}
        and pii.get("card") == {"kind": "bank_card", "share": 1}
        and pii.get("mobile") == {"kind": "phone", "share": 1}
        and pii.get("email") == {"kind": "email", "share": 1}, pii)
t.check("pii-1.5", all("pii" not in c for c in summ.get("columns", []) if c["name"] in ("customer_no", "region", "spend")),
        summ.get("columns"))
w = r.json.get("warnings") or []
t.check("pii-1.6", len(w) == 1 and w[0]["code"] == "undeclared_personal_data"
        and sorted(c["name"] for c in w[0]["columns"]) == ["card", "email", "id_number", "mobile"]
        and "personal_data" in w[0]["message"], w)
# the stored profile says the same on a later read
r = a.get("/api/v1/data-assets/%d" % asset)
t.check("pii-1.7", r.status == 200 and [x["code"] for x in r.json["warnings"]] == ["undeclared_personal_data"], r.body[:300])
# marked personal (with its consent basis): no warning
r = a.patch("/api/v1/data-assets/%d" % asset, {"personal_data": True, "consent_basis": "contract"})
t.check("pii-1.8", r.status == 200 and r.json["warnings"] == [], r.body[:300])
# a clean sample on an asset not marked personal: no "pii" key, no warning
r = a.post("/api/v1/data-assets", {"name": "Store sales", "personal_data": False})
other = r.json["id"]
r = a.request("POST", "/api/v1/data-assets/%d/profile" % other, raw=clean.encode(), ctype="text/csv")
t.check("pii-1.9", r.status == 201 and r.json["warnings"] == [] and '"pii"' not in json.dumps(r.json["profile"]["summary"]),
        r.body[:300])
# the CLI gives the same JSON and exits 0 either way
path = os.path.join(srv.dir, "pii.csv")
with open(path, "w") as f:
    f.write(sample)
p = subprocess.run([KEEL, "profile", "--json", path], capture_output=True, text=True)
# ... but for the values of the flagged columns, which the stored profile
# withholds (every role reads it; test_api_probe_paths probe-9)
cli = json.loads(p.stdout) if p.returncode == 0 else {}
for c in cli.get("columns", []):
    if "pii" in c and c["top"]:
        c["top_withheld"], c["top"] = len(c["top"]), None
t.check("pii-2.1", p.returncode == 0 and cli == summ, p.stderr)
srv.stop()
t.done()
