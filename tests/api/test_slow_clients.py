# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 13 item 1, slow clients (slowloris): 300 connections from
127.0.0.1, each sending one header line per second for 20 s, while a
client on the same address asks /healthz every half second: every answer
comes within 1 s, during the flood and after it. The server shuts the slow
connections down at its head deadline (--header-timeout, 10 s), its memory
and open descriptors stay bounded, and one address may hold at most
--max-per-address connections unless it is a trusted proxy.
docs/security.md, "Slow clients". Before the fix (256 connections, no head
deadline) /healthz timed out while the flood lasted."""
import os
import select
import socket
import threading
import time

from keeltest import Server, Cases

N_SLOW = 300
FLOOD_S = 20


def healthz_ms(port):
    """Milliseconds for one GET /healthz on a new connection (None: no answer in 5 s)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        out = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            out += b
        s.close()
        if not out.startswith(b"HTTP/1.1 200"):
            return None
    except OSError:
        return None
    return (time.monotonic() - t0) * 1000


def proc_status(pid):
    """(resident KiB, open descriptors) of a process."""
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def closed_by_peer(s):
    """True when the server has closed s (readable with no data, or reset)."""
    r, _, _ = select.select([s], [], [], 0)
    if not r:
        return False
    try:
        return s.recv(1) == b""
    except OSError:
        return True


def flood(t):
    srv = Server()
    try:
        pid = srv.proc.pid
        rss0, fd0 = proc_status(pid)
        probes = []  # (phase, ms or None)
        phase = ["during"]
        stop = threading.Event()

        def prober():
            while not stop.is_set():
                probes.append((phase[0], healthz_ms(srv.port)))
                time.sleep(0.5)
        th = threading.Thread(target=prober)
        th.start()
        socks, closed_at = [], {}
        t0 = time.monotonic()
        for i in range(N_SLOW):
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        peak = (0, 0)
        for sec in range(FLOOD_S):
            time.sleep(max(0, t0 + sec + 1 - time.monotonic()))
            for i, s in enumerate(socks):
                if i in closed_at:
                    continue
                if closed_by_peer(s):
                    closed_at[i] = time.monotonic() - t0
                    continue
                try:
                    s.sendall(b"X-Slow-%d: %d\r\n" % (sec, i))
                except OSError:
                    closed_at[i] = time.monotonic() - t0
            st = proc_status(pid)
            peak = (max(peak[0], st[0]), max(peak[1], st[1]))
        for s in socks:
            s.close()
        phase[0] = "after"
        time.sleep(3)
        stop.set()
        th.join()
        during = [ms for p, ms in probes if p == "during"]
        after = [ms for p, ms in probes if p == "after"]
        worst = lambda xs: max((x if x is not None else 1e9) for x in xs) if xs else 1e9
        print("slow clients: %d connections for %d s; /healthz worst %.0f ms during (%d asks), "
              "%.0f ms after (%d asks); %d shut by the server, the median at %.1f s; "
              "RSS %d -> peak %d KiB, descriptors %d -> peak %d"
              % (N_SLOW, FLOOD_S, worst(during), len(during), worst(after), len(after),
                 len(closed_at), sorted(closed_at.values())[len(closed_at) // 2] if closed_at else -1,
                 rss0, peak[0], fd0, peak[1]))
        t.check("slow-answered-during", len(during) >= 20 and worst(during) < 1000,
                "worst %.0f ms of %d" % (worst(during), len(during)))
        t.check("slow-answered-after", len(after) >= 3 and worst(after) < 1000,
                "worst %.0f ms of %d" % (worst(after), len(after)))
        # the head deadline (10 s) shut every slow connection before the flood ended
        t.check("slow-deadline", len(closed_at) == N_SLOW and max(closed_at.values()) < 15,
                "%d of %d shut, the last at %.1f s" % (len(closed_at), N_SLOW,
                                                      max(closed_at.values() or [0])))
        t.check("slow-not-early", min(closed_at.values() or [99]) > 8,
                "the first shut at %.1f s" % min(closed_at.values() or [99]))
        # bounded: 32 KiB per connection at most, and descriptors come back
        # (a sanitizer build pads and quarantines every allocation: 4x)
        slack = 4 if os.environ.get("ASAN_OPTIONS") else 1
        t.check("slow-memory", peak[0] - rss0 < slack * (N_SLOW * 32 + 16 * 1024),
                "RSS %d -> %d KiB" % (rss0, peak[0]))
        time.sleep(0.5)
        # (each worker's database connection opens its files on first use)
        t.check("slow-fds-back", proc_status(pid)[1] <= fd0 + 24, "%d -> %d" % (fd0, proc_status(pid)[1]))
    finally:
        srv.stop()


def per_address(t):
    """--max-per-address: the next connection from a full address is closed
    at once; a trusted proxy is exempt (every client behind it shares its
    address)."""
    for case, args, want_open in [("limit", [], 20), ("proxy", ["--trusted-proxy", "127.0.0.1"], 25)]:
        srv = Server(extra_args=["--max-per-address", "20"] + args)
        try:
            socks = []
            for i in range(25):
                socks.append(socket.create_connection(("127.0.0.1", srv.port)))
                time.sleep(0.02)
            time.sleep(0.5)
            n_open = sum(1 for s in socks if not closed_by_peer(s))
            t.check("addr-" + case, n_open == want_open, "%d of 25 open, expected %d" % (n_open, want_open))
            for s in socks:
                s.close()
            time.sleep(0.3)
            t.check("addr-%s-after" % case, healthz_ms(srv.port) is not None)
        finally:
            srv.stop()


def main():
    t = Cases()
    per_address(t)
    flood(t)
    t.done()


if __name__ == "__main__":
    main()
