# SPDX-License-Identifier: GPL-3.0-or-later
"""The board pack on the demo enterprise (board-N.M): both formats in both
languages through `keel report board`; pages, A4 and text checked with
poppler (pdfinfo, pdftotext); the marks each chart drew (counted by the
drawing backends, and in the HTML by its class="mark" SVG elements)
against counts derived here from the API's own data; the HTML without any
external reference; bad input refused with exit 2 and no file written;
and the same pack over HTTP for the committee, refused to a viewer.

The period is the demo's current quarter as keel reports it (the first
period of the planning input), not a date written into the test."""
import html as htmllib
import json
import os
import re
import subprocess

from keeltest import KEEL, Cases, Server, run

t = Cases()
srv = Server(demo=True)
a = srv.admin()
env = srv.env
out = srv.dir

period = a.get("/api/v1/plan/input").json["periods"][0]  # the current quarter
t.check("board-0.1", re.fullmatch(r"\d{4}Q[1-4]", period) is not None, period)


def qord(p):
    return int(p[:4]) * 4 + int(p[5]) - 1


def qname(o):
    return "%04dQ%d" % (o // 4, o % 4 + 1)


# ---- what each chart must draw, from the API's data ----------------------------
expected = {}
align = a.get("/api/v1/alignment").json
for o in align["objectives"]:
    if o["status"] == "closed":
        continue
    for k in o["kpis"]:
        vals = a.get("/api/v1/kpis/%d" % k["id"]).json["values"]
        # a value counts when its period starts by the period's last month
        n = 0
        for v in vals:
            p = v["period"]
            if "Q" in p:
                ok = qord(p) <= qord(period)
            else:  # a month YYYY-MM (fiscal year starts in January in the demo)
                ok = (int(p[:4]) * 12 + int(p[5:7]) - 1) <= int(period[:4]) * 12 + (int(period[5]) * 3) - 1
            n += ok
        expected["kpi-%d" % k["id"]] = min(n, 8)
prio = a.get("/api/v1/priorities").json["items"]
expected["matrix"] = sum(1 for x in prio if x.get("rank") is not None
                         and isinstance(x.get("scores", {}).get("feasibility"), (int, float))
                         and isinstance(x.get("scores", {}).get("business_value"), (int, float)))
plans = a.get("/api/v1/plans").json["items"]
plan = a.get("/api/v1/plans/%d" % max(p["id"] for p in plans)).json
res, inp = plan["result"], plan["input"]
dur = {x["id"]: x["duration"] for x in inp["initiatives"]}
first, nper = qord(res["periods"][0]), len(res["periods"])
starts = {k: qord(v) - first for k, v in res["starts"].items()}
starts.update(res["under_way"])
expected["roadmap"] = sum(1 for k, s in starts.items() if s + dur[k] > 0 and s < nper)
pools = a.get("/api/v1/pools/report?from=%s&periods=4" % qname(qord(period) - 3)).json["pools"]
n = 0
for p in pools:
    row = [x for x in p["periods"] if x["period"] == period][0]
    if row["capacity"] and row["capacity"] > 0:
        n += row["planned"] is not None
        n += any(x["actual"] is not None for x in p["periods"])
expected["utilisation"] = n
# path 3: the risk register's two heatmaps, 25 cells each, once keel has it
risk_built = a.get("/api/v1/risks/heatmap").status == 200
if risk_built:
    expected["heatmap-inherent"] = expected["heatmap-residual"] = 25
    # an AI system with a version, and two risks: one with its mitigation overdue
    ini = a.get("/api/v1/initiatives?limit=100").json["items"][0]["id"]
    r1 = a.post("/api/v1/systems", {"name": "board-test-model", "title": "Board test model",
                                     "initiative_id": ini, "risk_tier": "limited",
                                     "tier_reason": "internal decision support"})
    r2 = a.post("/api/v1/systems/board-test-model/versions", {"version": "1.0"})
    sys_id = (r1.json or {}).get("id")
    r3 = a.post("/api/v1/risks", {"title": "Stale features", "system_id": sys_id,
                                   "category": "technical_failure", "likelihood": 4, "impact": 5,
                                   "residual_likelihood": 2, "residual_impact": 3,
                                   "mitigation": "retrain monthly", "due_date": "2020-01-31",
                                   "status": "mitigating"})
    r4 = a.post("/api/v1/risks", {"title": "Consent gaps", "initiative_id": ini, "category": "privacy",
                                   "likelihood": 4, "impact": 5, "status": "open"})
    t.check("board-0.3", [r.status for r in (r1, r2, r3, r4)] == [201] * 4,
            [(r.status, r.body[:200]) for r in (r1, r2, r3, r4)])

# ---- what the actions and decisions sections must say, from the API ------------
def in_period(ts):  # a timestamp in the period (the demo's fiscal year starts in January)
    return bool(ts) and qord("%sQ%d" % (ts[:4], (int(ts[5:7]) - 1) // 3 + 1)) == qord(period)


acts = a.get("/api/v1/actions").json["items"]
n_open = a.get("/api/v1/actions?status=active").json["total"]
overdue = a.get("/api/v1/actions?status=active&overdue=1").json["items"]
done = sum(1 for x in acts if x["status"] == "done" and in_period(x.get("closed_at")))
cancelled = sum(1 for x in acts if x["status"] == "cancelled" and in_period(x.get("closed_at")))
later = [x for x in acts if x["status"] in ("open", "in_progress") and not x["overdue"]]
decisions = a.get("/api/v1/decisions?limit=1000").json["items"]
n_taken = sum(1 for d in decisions if in_period(d["created_at"]))
pending = a.get("/api/v1/proposals?status=open&limit=1000").json["items"]
t.check("board-0.4", n_open > 0 and overdue and later and n_taken > 0 and pending,
        (n_open, len(overdue), n_taken, len(pending)))
SAY = {
    "en": ["%d open actions, %d of them overdue; closed in %s: %d done, %d cancelled."
           % (n_open, len(overdue), period, done, cancelled),
           "In %s the committee took %d decisions; %d proposals await its vote."
           % (period, n_taken, len(pending))],
    "zh-CN": ["未完成行动项 %d 项，其中逾期 %d 项；%s 已关闭：完成 %d 项，取消 %d 项。"
              % (n_open, len(overdue), period, done, cancelled),
              "%s 委员会共作出 %d 项决定；%d 项提案待表决。" % (period, n_taken, len(pending))],
}
served = [x for x in a.get("/api/v1/production").json["items"] if x["status"] != "not_in_production"]
n_trips = len(a.get("/api/v1/production").json["awaiting_trips"])
prod_find = {x["system"]: a.get("/api/v1/systems/%s/findings" % x["system"]).json["findings"]
             for x in served}
n_fired = sum(1 for x in served for e in a.get("/api/v1/systems/%s/alerts" % x["system"]).json["history"]
              if e["state"] == "firing" and in_period(e["created_at"]))
n_find = sum(len(v) for v in prod_find.values())
t.check("board-0.5", served and n_find > 0 and n_fired > 0, (served, n_find, n_fired))
SAY["en"].append("%d systems have served users; monitoring holds %d findings about them; in %s %d "
                 "alerts fired; %d switch trips await a decision." % (len(served), n_find, period, n_fired, n_trips))
SAY["zh-CN"].append("已上线服务的系统 %d 个；监控对其记录的发现 %d 项；%s 触发告警 %d 次；%d 次开关跳闸待决定。"
                    % (len(served), n_find, period, n_fired, n_trips))
# realised vs promised value: the quarterly review's own figures
review = a.get("/api/v1/reviews/%s" % period.lower()).json  # the route takes 2026q4
tested = [x for x in review["initiatives"] if x["realised"]["tested"]]
below = [x for x in tested if x["realised"]["share"] < 1]
t.check("board-0.6", tested and any(x["realised"]["shortfall"] for x in tested), tested)
SAY["en"].append("%d of %d initiatives could be measured, %d of them below their promise."
                 % (len(tested), len(review["initiatives"]), len(below)))
SAY["zh-CN"].append("%d / %d 个项目可以衡量，其中 %d 个低于承诺。"
                    % (len(tested), len(review["initiatives"]), len(below)))
VERDICT = {"en": ("shortfall (", "below promise (", "promise kept ("),
           "zh-CN": ("价值缺口（", "低于承诺（", "达到承诺（")}
t.check("board-0.2", len(expected) >= 20 and expected["roadmap"] > 0 and expected["matrix"] > 0
        and expected["utilisation"] > 0, expected)

TITLES = {
    "en": ["Contents", "Strategy scorecard", "Portfolio and plan", "Realised vs promised value",
           "Resource use", "Risk", "Production health", "Decisions needed and taken", "Actions"],
    "zh-CN": ["目录", "战略计分卡", "项目组合与计划", "已实现价值与承诺价值", "资源使用", "风险",
              "生产运行健康度", "待决事项与已决事项", "行动项"],
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def report(lang, ext, *extra):
    path = os.path.join(out, "board-%s.%s" % (lang, ext))
    marks = path + ".marks.json"
    p = run([KEEL, "report", "board", "--db", srv.db, "--period", period, "--lang", lang,
             "--out", path, "--marks", marks, *extra], env=env, check=False)
    return p, path, marks


for lang in ("en", "zh-CN"):
    # ---- PDF -------------------------------------------------------------------
    p, pdf, marks = report(lang, "pdf")
    t.check("board-1.1-%s" % lang, p.returncode == 0 and os.path.getsize(pdf) > 1000, p.stderr)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    t.check("board-1.2-%s" % lang, pages >= 4, info)
    t.check("board-1.3-%s" % lang, "595.276 x 841.89" in info or "(A4)" in info, info)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    missing = [x for x in TITLES[lang] if x not in text]
    # a section of a path keel has says more than that it is not built yet
    not_built = {"en": "Not in keel yet", "zh-CN": "keel 尚未提供"}[lang]
    t.check("board-1.11-%s" % lang, text.count(not_built) == 0, text.count(not_built))
    t.check("board-1.4-%s" % lang, not missing, missing)
    # every page has its number in the footer
    footer = ("Page %d of %d" if lang == "en" else "第 %d 页，共 %d 页")
    t.check("board-1.5-%s" % lang, all(footer % (i, pages) in text for i in range(1, pages + 1)),
            text[-400:])
    cjk = len(CJK.findall(text))
    t.check("board-1.6-%s" % lang, cjk > 100 if lang == "zh-CN" else cjk == 0, cjk)
    # the contents page gives each section's page: the title is on that page
    per_page = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout.split("\f")
    first_page = per_page[0]
    m = re.search(re.escape(TITLES[lang][1]) + r"\s*\.*\s*(\d+)", first_page)
    t.check("board-1.7-%s" % lang, m is not None and TITLES[lang][1] in per_page[int(m.group(1)) - 1],
            first_page[:500])
    if lang == "zh-CN":
        # keel's own sentences worded in Chinese from their kind and name
        over = a.get("/api/v1/teams").json["overcommitted"]
        flat = re.sub(r"\s+", " ", text)
        t.check("board-1.9", over and all(p["name"] + " 的投入超过其可用时间" in flat for p in over), over)
        excl = [u for u in res["unfunded"] if u.get("reason_code", {}).get("code") == "exclusive_funded"]
        names = {x["id"]: x["name"] for x in inp["initiatives"]}
        t.check("board-1.10", excl and all("与已获资助的“%s”互斥" % names[u["reason_code"]["other"]] in flat
                                           for u in excl), excl)
    if risk_built:
        flat = re.sub(r"\s+", " ", text)
        want = ["Board test model (board-test-",
                {"en": "refused", "zh-CN": "未通过"}[lang],
                {"en": "Stale features", "zh-CN": "风险“Stale features”的缓解措施已逾期"}[lang]]
        t.check("board-1.12-%s" % lang, all(w in flat for w in want), [w for w in want if w not in flat])
    got_pdf = json.load(open(marks))
    t.check("board-1.8-%s" % lang, got_pdf == expected,
            {k: (got_pdf.get(k), v) for k, v in expected.items() if got_pdf.get(k) != v})

    # ---- HTML ------------------------------------------------------------------
    p, html_path, marks = report(lang, "html")
    t.check("board-2.1-%s" % lang, p.returncode == 0, p.stderr)
    html = open(html_path, encoding="utf-8").read()
    refs = re.findall(r"""(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]*)""", html, re.I)
    t.check("board-2.2-%s" % lang, all(r.startswith("#") for r in refs) and len(refs) == 8, refs)
    t.check("board-2.3-%s" % lang, not re.search(r"<(script|link|img|iframe|object)\b|@import|url\(|https?:",
                                                 html, re.I), "an external reference")
    t.check("board-2.4-%s" % lang, all(x in html for x in TITLES[lang]), lang)
    svgs = re.findall(r'<svg class="chart" data-chart="([^"]+)"(.*?)</svg>', html, re.S)
    got_svg = {cid: len(re.findall(r'class="mark"', body)) for cid, body in svgs}
    t.check("board-2.5-%s" % lang, got_svg == expected,
            {k: (got_svg.get(k), v) for k, v in expected.items() if got_svg.get(k) != v})
    t.check("board-2.6-%s" % lang, json.load(open(marks)) == got_svg, "hook and SVG disagree")
    t.check("board-2.7-%s" % lang, ('lang="%s"' % lang) in html and "@page{size:A4" in html)
    # the actions and decisions sections say the API's numbers; overdue actions
    # come first; every proposal awaiting a vote is listed
    flat = htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
    t.check("board-2.9-%s" % lang, all(x in flat for x in SAY[lang]),
            [x for x in SAY[lang] if x not in flat])
    pos = lambda x: flat.find(x["title"])
    t.check("board-2.10-%s" % lang, all(0 <= pos(o) < pos(x) for o in overdue for x in later),
            [(o["title"], pos(o)) for o in overdue])
    t.check("board-2.11-%s" % lang, all(p["title"] in flat for p in pending), pending)
    # each measured initiative: its share and interval, flagged as the review flags it
    def value_row(x):  # its row in the value section (after the contents' entry)
        i = flat.find(x["title"] + " ", flat.rfind(TITLES[lang][3]))
        return flat[i:i + 300] if i >= 0 else ""
    def share(x):
        r = x["realised"]
        return "%.0f%% (%.0f%%\u2013%.0f%%)" % (r["share"] * 100, r["share_interval"][0] * 100,
                                              r["share_interval"][1] * 100)
    def verdict(x):
        r = x["realised"]
        return VERDICT[lang][0 if r["shortfall"] else 1 if r["share"] < 1 else 2]
    t.check("board-2.13-%s" % lang, all(share(x) in value_row(x) and verdict(x) in value_row(x)
                                        for x in tested), [value_row(x) for x in tested])
    if lang == "zh-CN":
        # the definition and schedule findings worded in Chinese from their fields
        fs = [f for f in align["findings"] if f["kind"] in ("definition_disputed", "schedule_slip")]
        want = [("%s 依赖的定义“%s”尚未达成一致" % (f["name"], f["definition"])) if f["kind"] == "definition_disputed"
                else "%s 比计划晚 %d 天进入" % (f["name"], f["slip"]["days"]) for f in fs]
        t.check("board-2.14", fs and all(w in flat for w in want)
                and "relies on the definition" not in flat and "past its plan" not in flat,
                [w for w in want if w not in flat])
    # each finding of a system in production with the false-alarm rate its test states
    fa = [("%g%%" % (f["false_alarm_rate"] * 100), f["segment"]) for v in prod_find.values() for f in v]
    t.check("board-2.12-%s" % lang, all(r in flat and (g == "*" or g in flat) for r, g in fa), fa)
    if risk_built:
        # the counts written in the heatmaps' squares, row by row from impact 5
        # down and likelihood 1 across, are the API's heatmap's
        heat = dict(svgs)
        cells = lambda cid: re.findall(r'font-weight="bold"[^>]*>(\d+)</text>', heat.get(cid, ""))
        hm = a.get("/api/v1/risks/heatmap").json
        want = lambda g: [str(g[l - 1][i - 1]["count"]) for i in range(5, 0, -1) for l in range(1, 6)
                          if g[l - 1][i - 1]["count"] > 0]
        t.check("board-2.8-%s" % lang, cells("heatmap-inherent") == want(hm["inherent"])
                and cells("heatmap-residual") == want(hm["residual"]) and hm["total"] >= 2,
                (cells("heatmap-inherent"), want(hm["inherent"])))

# ---- bad input: exit 2, a clear message, no file ----------------------------------
bad = [
    ("board-3.1", ["--period", "2026Q5", "--out", "x.pdf"], "unknown period"),
    ("board-3.2", ["--period", "Q4", "--out", "x.pdf"], "unknown period"),
    ("board-3.3", ["--period", qname(qord(period) + 1), "--out", "x.pdf"], "has not begun"),
    ("board-3.4", ["--period", period, "--out", "x.docx"], "use .pdf or .html"),
    ("board-3.5", ["--period", period, "--out", "x"], "use .pdf or .html"),
    ("board-3.6", ["--period", period, "--lang", "fr", "--out", "x.pdf"], "en or zh-CN"),
    ("board-3.7", ["--out", "x.pdf"], "--period"),
]
for case, args, msg in bad:
    args = [os.path.join(out, x) if x.startswith("x") else x for x in args]
    before = set(os.listdir(out))
    p = run([KEEL, "report", "board", "--db", srv.db, *args], env=env, check=False)
    t.check(case, p.returncode == 2 and msg in p.stderr and set(os.listdir(out)) == before,
            (p.returncode, p.stderr))

# ---- over HTTP ----------------------------------------------------------------------
r = a.get("/api/v1/reports/board?period=%s&format=pdf" % period)
t.status("board-4.1", r, 200)
t.check("board-4.2", r.header("Content-Type") == "application/pdf"
        and r.header("Content-Disposition") == 'attachment; filename="board-%s-en.pdf"' % period,
        r.headers)
r = a.get("/api/v1/reports/board?period=%s&lang=zh-CN&format=html" % period)
t.check("board-4.3", r.status == 200 and r.header("Content-Type").startswith("text/html")
        and "战略计分卡" in r.body and "default-src 'none'" in (r.header("Content-Security-Policy") or ""),
        r.status)
r = a.get("/api/v1/reports/board?format=html")  # period defaults to the current quarter
t.check("board-4.4", r.status == 200 and period in r.header("Content-Disposition"), r.status)
t.status("board-4.5", a.get("/api/v1/reports/board?period=2026Q9"), 400, "invalid", "period")
t.status("board-4.6", a.get("/api/v1/reports/board?format=docx"), 400, "invalid", "format")
t.status("board-4.7", a.get("/api/v1/reports/board?lang=de"), 400, "invalid", "lang")
t.status("board-4.8", a.get("/api/v1/reports/board?colour=red"), 400, "invalid")
# roles: the committee reads it, a viewer does not
for email, status in (("helena.marsh@meridian.example", 200), ("olivia.brown@meridian.example", 403)):
    p = run([KEEL, "api", "--db", srv.db, "--as", email, "GET",
             "/api/v1/reports/board?format=html&period=%s" % period], env=env, check=False)
    t.check("board-4.9-%s" % email.split("@")[0], (p.returncode == 0) == (status == 200)
            and (status == 200 or "forbidden" in p.stderr), (p.returncode, p.stderr[:200]))
srv.stop()
t.done()
