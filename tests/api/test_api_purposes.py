# SPDX-License-Identifier: GPL-3.0-or-later
"""Personal data on data assets (issue 25, item 4), numbered purp-N.M:
the purposes an asset may serve and an initiative's purpose; a link to an
initiative whose purpose is outside them refused (422, the field named)
with nothing changed; links that violate after a change are findings (on
the asset and in the compliance overview); an asset marked not personal
whose sample holds resident ID numbers flagged; k-anonymity of declared
quasi-identifiers, on a sample sent and on the sample kept, checked
against pandas' groupby; who may ask."""
import io
import random

import pandas as pd

from keeltest import Server, Cases

t = Cases()
srv = Server()
a = srv.admin()
ids, c = srv.accounts([("Olga Owner", "olga@p.example", "owner"), ("Otto Other", "otto@p.example", "owner"),
                       ("Vic Viewer", "vic@p.example", "viewer")])
olga, otto, vic = c["olga@p.example"], c["otto@p.example"], c["vic@p.example"]


def initiative(title, purpose):
    body = {"title": title, "owner_id": ids["olga@p.example"]}
    if purpose:
        body["purpose"] = purpose
    r = a.post("/api/v1/initiatives", body)
    assert r.status == 201, r.body
    return r.json["id"]


support = initiative("Chatbot", "customer_support")
marketing = initiative("Campaigns", "marketing")
nopurpose = initiative("Undecided", None)

# ---- purp-1: the fields ------------------------------------------------------------------
r = olga.post("/api/v1/data-assets", {"name": "Transcripts", "personal_data": True, "consent_basis": "contract",
                                      "labelling_status": "partial",
                                      "purposes": ["customer_support", "service_delivery"],
                                      "initiative_ids": [support]})
t.status("purp-1.1", r, 201)
asset = r.json["id"]
t.check("purp-1.2", sorted(r.json["purposes"]) == ["customer_support", "service_delivery"], r.body[:300])
t.status("purp-1.3", a.post("/api/v1/initiatives", {"title": "x", "purpose": "world_domination"}), 400, "invalid",
         "purpose")
t.status("purp-1.4", olga.patch("/api/v1/data-assets/%d" % asset, {"purposes": ["gossip"]}), 400, "invalid",
         "purposes")
t.check("purp-1.5", a.get("/api/v1/initiatives/%d" % support).json["purpose"] == "customer_support")

# ---- purp-2: linking outside the purposes is refused, nothing changes -----------------------
before = srv.snapshot()
r = olga.patch("/api/v1/data-assets/%d" % asset, {"initiative_ids": [support, marketing]})
t.status("purp-2.1", r, 422, "purpose_outside", "initiative_ids")
msg = r.error().get("message", "")
t.check("purp-2.2", "initiative_ids[1]" in msg and "Campaigns" in msg and "marketing" in msg
        and "customer_support" in msg and "add marketing to the asset's purposes" in msg, msg)
# the same refusal as values, for clients that word it (docs/api.md#sentences)
t.check("purp-2.2.1", r.error().get("params") == {"index": 1, "initiative_id": marketing, "initiative": "Campaigns",
                                                  "purpose": "marketing", "purposes": ["service_delivery", "customer_support"]}, r.body)
r = olga.patch("/api/v1/data-assets/%d" % asset, {"initiative_ids": [nopurpose], "description": "changed"})
t.status("purp-2.3", r, 422, "purpose_outside", "initiative_ids")
t.check("purp-2.4", "has no purpose" in r.error().get("message", ""), r.body)
t.check("purp-2.4.1", r.error().get("params", {}).get("purpose", "absent") is None
        and r.error()["params"]["initiative_id"] == nopurpose and r.error()["params"]["index"] == 0, r.body)
t.status("purp-2.5", olga.post("/api/v1/data-assets", {"name": "Other", "labelling_status": "none",
                                                      "purposes": ["operations"], "initiative_ids": [support]}),
         422, "purpose_outside", "initiative_ids")
t.check("purp-2.6", srv.snapshot() == before, "a refused link changed the database")
# an asset that declares no purposes is not limited; adding the purpose lets the link through
r = olga.post("/api/v1/data-assets", {"name": "Open", "labelling_status": "none", "initiative_ids": [marketing]})
t.status("purp-2.7", r, 201)
r = olga.patch("/api/v1/data-assets/%d" % asset, {"purposes": ["customer_support", "service_delivery", "marketing"],
                                                  "initiative_ids": [support, marketing]})
t.check("purp-2.8", r.status == 200 and {i["initiative_id"] for i in r.json["initiatives"]} == {support, marketing},
        r.body[:300])

# ---- purp-3: links made before the purposes narrowed are findings -----------------------------
r = olga.patch("/api/v1/data-assets/%d" % asset, {"purposes": ["customer_support"]})
t.status("purp-3.1", r, 200)
g = olga.get("/api/v1/data-assets/%d" % asset).json
w = [x for x in g["warnings"] if x["code"] == "purpose_outside"]
t.check("purp-3.2", len(w) == 1 and w[0]["initiative_id"] == marketing and w[0]["purpose"] == "marketing"
        and w[0]["purposes"] == ["customer_support"] and w[0]["personal_data"] is True, g["warnings"])
ov = vic.get("/api/v1/compliance/overview").json
f = [x for x in ov["findings"] if x["code"] == "purpose_outside"]
t.check("purp-3.3", len(f) == 1 and f[0]["asset"] == "Transcripts" and f[0]["initiative"] == "Campaigns", f)
# the initiative's purpose changes: the finding follows
a.patch("/api/v1/initiatives/%d" % marketing, {"purpose": "customer_support"})
ov = vic.get("/api/v1/compliance/overview").json
t.check("purp-3.4", not [x for x in ov["findings"] if x["code"] == "purpose_outside"], ov["findings"])
a.patch("/api/v1/initiatives/%d" % marketing, {"purpose": "marketing"})


# ---- purp-4: not marked personal, but the sample holds resident ID numbers -----------------------------
def cn_id(rnd):
    body = "%s%04d%02d%02d%03d" % (rnd.choice(["310104", "440305", "110105"]), rnd.randint(1950, 2004),
                                   rnd.randint(1, 12), rnd.randint(1, 28), rnd.randint(0, 999))
    s = sum(int(ch) * (2 ** (17 - i) % 11) for i, ch in enumerate(body))
    return body + "10X98765432"[s % 11]


rnd = random.Random(25)
rows = ["member,id_number,points"] + ["M%d,%s,%d" % (i, cn_id(rnd), rnd.randint(0, 900)) for i in range(60)]
r = olga.post("/api/v1/data-assets", {"name": "Members", "personal_data": False, "labelling_status": "not_needed"})
members = r.json["id"]
r = olga.request("POST", "/api/v1/data-assets/%d/profile" % members, raw="\n".join(rows).encode(), ctype="text/csv")
t.status("purp-4.1", r, 201)
w = [x for x in r.json["warnings"] if x["code"] == "undeclared_personal_data"]
t.check("purp-4.2", len(w) == 1 and w[0]["columns"][0]["name"] == "id_number"
        and w[0]["columns"][0]["kind"] == "cn_resident_id", r.json["warnings"])
ov = vic.get("/api/v1/compliance/overview").json
t.check("purp-4.3", [x["asset"] for x in ov["findings"] if x["code"] == "undeclared_personal_data"] == ["Members"],
        ov["findings"])
# marked personal with its basis: the flag goes
olga.patch("/api/v1/data-assets/%d" % members, {"personal_data": True, "consent_basis": "consent"})
t.check("purp-4.4", not olga.get("/api/v1/data-assets/%d" % members).json["warnings"])

# ---- purp-5: k-anonymity against pandas --------------------------------------------------------------------
rnd = random.Random(7)
lines = ["id,age,postcode,gender,spend"]
for i in range(400):
    age = str(rnd.choice(range(20, 70, 5)))
    pc = rnd.choice(["10115", "10117", "20095", "80331", "01067"])
    gender = rnd.choice(["f", "m", "f", "m", "d", ""])  # "" is missing: a class of its own
    if i % 97 == 0:
        age = "93"  # rare people
    lines.append("%d,%s,%s,%s,%d" % (i, age, pc, gender, rnd.randint(1, 500)))
sample = "\n".join(lines) + "\n"
df = pd.read_csv(io.StringIO(sample), dtype=str)
qi = ["age", "postcode", "gender"]
sizes = df.groupby(qi, dropna=False, sort=False).size()
k_ref = int(sizes.min())
below_ref = int((sizes < 5).sum())
rows_below_ref = int(sizes[sizes < 5].sum())
# the rarest class whose first row comes first
first = df.assign(_r=range(len(df))).groupby(qi, dropna=False, sort=False)["_r"].min()
# (same groupby, same order; a NaN key cannot be looked up by label)
cand = [(f, key) for (key, n), f in zip(sizes.items(), first.values) if n == k_ref]
rare_key = min(cand)[1]
rare_ref = {col: ("" if pd.isna(v) else v) for col, v in zip(qi, rare_key)}

assert k_ref == 1 and below_ref > 5, (k_ref, below_ref)  # the sample has rare people
r = olga.request("POST", "/api/v1/data-assets/%d/k-anonymity?columns=age,postcode,gender" % asset,
                 raw=sample.encode(), ctype="text/csv")
t.status("purp-5.1", r, 200)
k = r.json or {}
t.check("purp-5.2", k.get("k") == k_ref and k.get("classes") == len(sizes) and k.get("rows") == 400
        and k.get("classes_below") == below_ref and k.get("rows_below") == rows_below_ref and k.get("threshold") == 5,
        "keel %s; pandas k=%d classes=%d below=%d rows_below=%d" % (r.body[:400], k_ref, len(sizes), below_ref,
                                                                   rows_below_ref))
t.check("purp-5.3", k.get("rarest") == {"values": rare_ref, "size": k_ref}, "%s vs %s" % (k.get("rarest"), rare_ref))
t.check("purp-5.4", k.get("source") == "upload" and k.get("columns") == qi)
# a threshold of 20, columns from the asset's declaration, on the sample kept
sizes2 = df.groupby(["postcode", "gender"], dropna=False).size()
olga.patch("/api/v1/data-assets/%d" % asset, {"quasi_identifiers": "postcode, gender"})
r = olga.request("POST", "/api/v1/data-assets/%d/profile?retain_days=3" % asset, raw=sample.encode(),
                 ctype="text/csv")
t.status("purp-5.5", r, 201)
before = srv.snapshot()
r = olga.get("/api/v1/data-assets/%d/k-anonymity?threshold=20" % asset)
t.check("purp-5.6", r.status == 200 and r.json["source"] == "kept_sample" and r.json["k"] == int(sizes2.min())
        and r.json["classes_below"] == int((sizes2 < 20).sum()) and r.json["columns"] == ["postcode", "gender"],
        r.body[:400])
t.check("purp-5.7", srv.snapshot() == before, "computing k-anonymity changed the database")

# ---- purp-6: refusals --------------------------------------------------------------------------------------
t.status("purp-6.1", olga.request("POST", "/api/v1/data-assets/%d/k-anonymity?columns=age,shoe" % asset,
                                  raw=sample.encode(), ctype="text/csv"), 400, "invalid", "columns")
t.status("purp-6.2", olga.request("POST", "/api/v1/data-assets/%d/k-anonymity?columns=age,age" % asset,
                                  raw=sample.encode(), ctype="text/csv"), 400, "invalid", "columns")
t.status("purp-6.3", olga.get("/api/v1/data-assets/%d/k-anonymity?threshold=1" % asset), 400, "invalid", "threshold")
t.status("purp-6.4", olga.get("/api/v1/data-assets/%d/k-anonymity" % members), 400, "invalid", "columns")
t.status("purp-6.5", olga.get("/api/v1/data-assets/%d/k-anonymity?columns=id_number" % members), 404, "not_found",
         "sample")
t.status("purp-6.6", otto.get("/api/v1/data-assets/%d/k-anonymity" % asset), 403)
t.status("purp-6.7", vic.get("/api/v1/data-assets/%d/k-anonymity" % asset), 403)
t.status("purp-6.8", olga.request("POST", "/api/v1/data-assets/%d/k-anonymity?columns=a" % asset,
                                  raw=b"a,b\n\"1,2\n", ctype="text/csv"), 400, "invalid", "body")
t.status("purp-6.9", olga.request("POST", "/api/v1/data-assets/%d/k-anonymity?columns=a,,b" % asset,
                                  raw=b"a,b\n1,2\n", ctype="text/csv"), 400, "invalid", "columns")

srv.stop()
t.done()
