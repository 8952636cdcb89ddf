# SPDX-License-Identifier: GPL-3.0-or-later
"""The documents a newcomer reads stay true (docs-N):
docs-1 every relative link in a *.md file of the repository (README,
docs/, tests/, bench/...) names a file that exists, and every #anchor a
heading of that file (GitHub's slugs);
docs-2 every command `keel --help` lists has a `--help` that exits 0 and
is in docs/cli.md, and every option its help (or a subcommand's help)
names is in docs/cli.md's text about it (or in docs/COMMAND.md, the
engines' own pages);
docs-3 every option a docs/cli.md row gives a command is one the
command's help knows (no stale options);
docs-4 docs/README.md, the index, links every document in docs/."""
import os
import re
import subprocess
from keeltest import Cases, KEEL

t = Cases()
SRC = os.environ.get("KEEL_SOURCE_DIR", ".")
SKIP = {"node_modules", "build", ".git"}


def md_files():
    for root, dirs, files in os.walk(SRC):
        dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith("build")]
        for f in files:
            if f.endswith(".md"):
                yield os.path.join(root, f)


def slug(heading):
    """GitHub's anchor of a heading: lower case, markup and punctuation
    dropped (not - or _), spaces to hyphens."""
    h = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading.strip().lower())
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path):
    out, seen, fence = set(), {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"#{1,6} +(.*?) *#*$", line.rstrip("\n"))
        if m:
            s = slug(m.group(1))
            n = seen.get(s, 0)
            seen[s] = n + 1
            out.add(s if n == 0 else "%s-%d" % (s, n))
    for m in re.finditer(r'<a (?:name|id)="([^"]+)"', open(path, encoding="utf-8").read()):
        out.add(m.group(1))
    return out


def links(path):
    text = re.sub(r"```.*?```", "", open(path, encoding="utf-8").read(), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)
    for m in re.finditer(r"\]\(([^)\s]+)\)", text):
        yield m.group(1)


# docs-1: links and anchors
nlinks = 0
for md in md_files():
    for target in links(md):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        nlinks += 1
        file, _, anchor = target.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(md), file)) if file else md
        where = "%s -> %s" % (os.path.relpath(md, SRC), target)
        if not os.path.exists(dest):
            t.check("docs-1.1", False, "%s: no such file" % where)
        elif anchor and dest.endswith(".md"):
            t.check("docs-1.2", anchor in anchors(dest), "%s: no such heading" % where)
t.check("docs-1.3", nlinks > 50, "only %d relative links found: is KEEL_SOURCE_DIR right?" % nlinks)


def helptext(*argv):
    p = subprocess.run([KEEL, *argv, "--help"], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


OPT = r"(?<![\w-])(--[a-z][a-z-]*)"
cli = open(os.path.join(SRC, "docs/cli.md"), encoding="utf-8").read()
# a table row is a block of its own; other blocks are paragraphs
blocks = [b for para in cli.split("\n\n") for b in (para.split("\n") if para.startswith("|") else [para])]
rc, top = helptext()
commands = re.findall(r"^  ([a-z]+) +\S", top.split("commands:")[1], re.M)
t.check("docs-2.1", rc == 0 and len(commands) > 30, "keel --help: %d %r" % (rc, top[:200]))
for c in commands:
    rc, h = helptext(c)
    t.check("docs-2.2", rc == 0, "keel %s --help exits %d" % (c, rc))
    mine = [b for b in blocks if re.search(r"`keel %s[ `]" % c, b)]
    t.check("docs-2.3", mine, "keel %s is not in docs/cli.md" % c)
    # subcommands: the words after `keel c` in the usage lines and in the doc's rows
    subs = set(re.findall(r"keel %s ([a-z]+(?:\|[a-z]+)*)" % c, h + "\n".join(mine)))
    for s in {w for group in subs for w in group.split("|")}:
        src, sh = helptext(c, s)
        if src == 0 and sh != h:
            h += sh
    own = os.path.join(SRC, "docs/%s.md" % c)
    text = "\n".join(mine) + (open(own, encoding="utf-8").read() if os.path.exists(own) else "")
    for o in sorted(set(re.findall(OPT, h)) - {"--help"}):
        t.check("docs-2.4", re.search(re.escape(o) + r"(?![a-z-])", text),
                "keel %s %s: in its --help, not in docs/cli.md" % (c, o))
    # docs-3: the options of the rows' own command lines
    for row in mine:
        m = re.match(r"\| `(keel %s[^`]*)`" % c, row)
        for o in set(re.findall(OPT, m.group(1) if m else "")):
            t.check("docs-3", re.search(re.escape(o) + r"(?![a-z-])", h),
                    "docs/cli.md gives keel %s %s, which its --help does not know" % (c, o))

# docs-4: the index links every document
index = os.path.join(SRC, "docs/README.md")
t.check("docs-4.1", os.path.exists(index), "docs/README.md (the index) is missing")
if os.path.exists(index):
    linked = {os.path.normpath(os.path.join(SRC, "docs", l.partition("#")[0])) for l in links(index)}
    for root, _, files in os.walk(os.path.join(SRC, "docs")):
        for f in files:
            p = os.path.normpath(os.path.join(root, f))
            if f.endswith(".md") and p != os.path.normpath(index):
                t.check("docs-4.2", p in linked, "docs/README.md does not link %s" % os.path.relpath(p, SRC))

t.done()
