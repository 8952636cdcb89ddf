# SPDX-License-Identifier: GPL-3.0-or-later
"""Compressed assets (gzip-N.M): every text asset over 1 KiB is sent
gzip-compressed (precompressed at build time) to a client that accepts
gzip, with Content-Encoding and Vary, cached immutably; the bytes
decompress to the plain asset; a client without gzip gets the plain one."""
import gzip
import re
from keeltest import Server, Cases

t = Cases()
srv = Server()
c = srv.client()
index = c.get("/", headers={"Accept-Encoding": "identity"})
assets = re.findall(r'(/assets/[0-9a-f]{16}/[^"\']+)', index.body)
t.check("gzip-1.0", assets, index.body[:300])
big = [a for a in assets if a.endswith((".js", ".css"))]
for i, path in enumerate(big[:3] + ["/assets/%s/vendor/echarts.esm.min.js" % assets[0].split("/")[2]]):
    plain = c.get(path, headers={"Accept-Encoding": "identity"})
    z = c.request("GET", path, headers={"Accept-Encoding": "gzip, deflate, br"})
    t.check("gzip-1.%d" % (i + 1), plain.status == 200 and plain.header("Content-Encoding") is None, path)
    t.check("gzip-2.%d" % (i + 1), z.header("Content-Encoding") == "gzip" and z.header("Vary") == "Accept-Encoding"
            and "immutable" in (z.header("Cache-Control") or ""), (path, z.headers))
# the compressed bytes, read raw
import http.client
def raw_get(path, enc):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    conn.request("GET", path, headers={"Accept-Encoding": enc})
    r = conn.getresponse()
    body, hdrs = r.read(), dict(r.getheaders())
    conn.close()
    return body, hdrs
ech = "/assets/%s/vendor/echarts.esm.min.js" % assets[0].split("/")[2]
zb, zh = raw_get(ech, "gzip")
pb, ph = raw_get(ech, "identity")
t.check("gzip-3.1", gzip.decompress(zb) == pb and len(pb) > 1000000, (len(zb), len(pb)))
t.check("gzip-3.2", len(zb) < 0.4 * len(pb), (len(zb), len(pb)))
t.check("gzip-3.3", int(zh["Content-Length"]) == len(zb), zh)
_, qh = raw_get(ech, "gzip;q=0, identity")
t.check("gzip-3.4", "Content-Encoding" not in qh, qh)
ib, ih = raw_get("/", "gzip")
t.check("gzip-3.5", ih.get("Content-Encoding") in (None, "gzip") and (ih.get("Content-Encoding") is None or gzip.decompress(ib)), ih)
fav = [a for a in assets if a.endswith(".svg")]
if fav:
    fb, fh = raw_get(fav[0], "gzip")
    t.check("gzip-3.6", len(pb) > 0 and ("Content-Encoding" not in fh or len(gzip.decompress(fb)) > 1024), fh)
srv.stop()
t.done()
