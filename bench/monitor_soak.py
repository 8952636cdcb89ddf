#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The monitoring intake's soak (issue 19: "memory stays flat over a
10-minute run"; not part of make check). One keel serve takes batches of
5,000 events (about 0.85 MB of NDJSON, as bench/monitor_bench.py sends)
over two keep-alive connections for --seconds (default 600); every
--every seconds (default 30) it prints the server's resident memory, the
events per second and the batch latency (median, 99th percentile, largest:
posting a batch until its fsync'd answer) of that interval. At the end it
waits until the windows are in the database and checks that nothing was
lost or counted twice: the day windows add up to exactly the events
acknowledged.

The server's memory grows while the event_id index (8 bytes a slot, for
the dedup horizon) fills and is flat once the index is at its cap (2^24
events by default, the table then at most 2^25 slots: docs/monitoring.md);
--dedup-entries N (keel serve's option) sets a smaller cap, so that a
10-minute run shows the flat part.

usage: bench/monitor_soak.py [KEEL_BIN] [--seconds 600] [--every 30] [--dedup-entries N]
Exits non-zero when an event is missing or counted twice, or when the
resident memory of the last third of the run grew by more than 10%."""
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import monitor_bench as mb  # noqa: E402  (the generator, the server setup)

ARGS = sys.argv[1:]


def opt(name, default):
    return int(ARGS[ARGS.index(name) + 1]) if name in ARGS else default


SECONDS, EVERY, DEDUP = opt("--seconds", 600), opt("--every", 30), opt("--dedup-entries", 0)


def main():
    tmp = tempfile.mkdtemp(prefix="keel-soak-")
    keel = mb.Keel(tmp, ["--dedup-entries", str(DEDUP)] if DEDUP else [])
    # 40 batches generated once; each round rewrites the event ids' prefix
    nd, _ = mb.gen(0, 40)
    lock = threading.Lock()
    state = {"acked": 0, "lat": [], "bad": [], "round": 0, "stop": False}
    h = {"Content-Type": "application/x-ndjson", "Authorization": "Bearer " + keel.token}

    def worker():
        import http.client
        conn = http.client.HTTPConnection("127.0.0.1", keel.port, timeout=120)
        while not state["stop"]:
            with lock:
                state["round"] += 1
                r = state["round"]
            body = nd[r % len(nd)].replace(b'"event_id":"r0-', b'"event_id":"s%d-' % r)
            t = time.perf_counter()
            conn.request("POST", "/api/v1/systems/churn-scorer/events", body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            ms = (time.perf_counter() - t) * 1000
            with lock:
                if resp.status == 200:
                    state["acked"] += int(data.split(b'"accepted":', 1)[1].split(b",", 1)[0])
                    state["lat"].append(ms)
                else:
                    state["bad"].append((resp.status, data[:200]))
        conn.close()

    th = [threading.Thread(target=worker) for _ in range(2)]
    t0 = time.time()
    for x in th:
        x.start()
    rss, last_acked, last_t = [], 0, t0
    try:
        while time.time() - t0 < SECONDS:
            time.sleep(min(EVERY, max(0.1, SECONDS - (time.time() - t0))))
            now = time.time()
            with lock:
                lat, state["lat"] = sorted(state["lat"]), []
                acked = state["acked"]
            r = mb.rss_mb(keel.proc.pid)
            rss.append((now - t0, r))
            p99 = lat[int(0.99 * (len(lat) - 1))] if lat else float("nan")
            print("%5.0f s  RSS %6.1f MB  %8.0f events/s  batch latency median %6.1f ms  p99 %6.1f ms  max %6.1f ms"
                  % (now - t0, r, (acked - last_acked) / (now - last_t), statistics.median(lat) if lat else float("nan"),
                     p99, lat[-1] if lat else float("nan")), flush=True)
            last_acked, last_t = acked, now
    finally:
        state["stop"] = True
        for x in th:
            x.join()
    keel.mtoken = keel.metrics_token()
    keel.settle()
    con = sqlite3.connect("file:%s?mode=ro" % keel.db, uri=True)
    stored = con.execute("SELECT COALESCE(SUM(n), 0) FROM monitor_window WHERE grain = 'day'").fetchone()[0]
    con.close()
    keel.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    print("acknowledged %d events, %d in the stored day windows; refused batches: %d"
          % (state["acked"], stored, len(state["bad"])))
    tail = [r for t, r in rss if t >= SECONDS * 2 / 3]
    growth = (tail[-1] - tail[0]) / tail[0] if len(tail) >= 2 else 0
    print("RSS over the last third: %.1f -> %.1f MB (%+.1f%%)" % (tail[0], tail[-1], 100 * growth) if tail else "")
    ok = stored == state["acked"] and not state["bad"] and growth <= 0.10
    print("soak: %s" % ("passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
