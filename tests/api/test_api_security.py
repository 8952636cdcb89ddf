# SPDX-License-Identifier: GPL-3.0-or-later
"""Security and reliability findings of issue 13, one section each; every
section fails without its fix. docs/security.md maps threats to these
sections. Real server on loopback, real SQLite file."""
import threading

from keeltest import Server, Cases, bearer

PW = "long-enough-pw-1"


def make_account(admin, email, role, **extra):
    body = {"email": email, "name": email.split("@")[0], "role": role, "password": PW}
    body.update(extra)
    r = admin.post("/api/v1/accounts", body)
    assert r.status == 201, r.body
    return r.json["id"]


def concurrently(fns):
    """Run the callables at the same instant (a barrier), return results."""
    bar = threading.Barrier(len(fns))
    out = [None] * len(fns)

    def run(i):
        bar.wait()
        out[i] = fns[i]()

    ts = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def last_admin_race(t, srv):
    """Item 2: two admins disabling each other at the same moment, 20
    trials: never both succeed, one enabled admin always remains."""
    root = srv.admin()
    both = 0
    for trial in range(20):
        a = make_account(root, "a%d@example.com" % trial, "admin")
        b = make_account(root, "b%d@example.com" % trial, "admin")
        ca, cb = srv.client(), srv.client()
        ca.login("a%d@example.com" % trial, PW)
        cb.login("b%d@example.com" % trial, PW)
        # the root admin steps aside so that a and b are the only two
        r = ca.patch("/api/v1/accounts/1", {"disabled": True})
        t.status("race-%d-root" % trial, r, 200)
        ra, rb = concurrently([lambda: ca.patch("/api/v1/accounts/%d" % b, {"disabled": True}),
                               lambda: cb.patch("/api/v1/accounts/%d" % a, {"disabled": True})])
        ok = sorted([ra.status, rb.status])
        if ok == [200, 200]:
            both += 1
        t.check("race-%d-one-wins" % trial, ok in ([200, 422], [200, 401]), str(ok))
        n = srv.sql("SELECT count(*) FROM account WHERE role='admin' AND disabled=0")[0][0]
        t.check("race-%d-admin-left" % trial, n == 1, "enabled admins: %d" % n)
        # put the root admin back for the next trial (whoever is left)
        left = srv.sql("SELECT email FROM account WHERE role='admin' AND disabled=0")
        c = srv.client()
        c.login(left[0][0], PW)
        r = c.patch("/api/v1/accounts/1", {"disabled": False})
        t.status("race-%d-restore" % trial, r, 200)
        root = srv.admin()
        for x in (a, b):
            root.patch("/api/v1/accounts/%d" % x, {"disabled": True})
    t.check("race-never-both", both == 0, "both succeeded in %d of 20 trials" % both)


def tokens_on_password_change(t, srv):
    """Item 6: an API token dies with its owner's password."""
    root = srv.admin()
    uid = make_account(root, "tok@example.com", "viewer")
    c = srv.client()
    c.login("tok@example.com", PW)
    r = c.post("/api/v1/tokens", {"name": "ci", "scope": "read"})
    t.status("tok-create", r, 201)
    tok = r.json["token"]
    t.status("tok-works", bearer(srv.port, tok).get("/api/v1/session"), 200)
    r = root.patch("/api/v1/accounts/%d" % uid, {"password": "another-password-2"})
    t.status("tok-pw-change", r, 200)
    t.status("tok-revoked", bearer(srv.port, tok).get("/api/v1/session"), 401)
    n = srv.sql("SELECT count(*) FROM audit WHERE action='revoke_tokens' AND entity_id=?",
                (uid,))[0][0]
    t.check("tok-audited", n == 1, "revoke_tokens entries: %d" % n)


def main():
    t = Cases()
    srv = Server()
    try:
        last_admin_race(t, srv)
        tokens_on_password_change(t, srv)
    finally:
        srv.stop()
    t.done()


if __name__ == "__main__":
    main()
