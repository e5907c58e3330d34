"""Fault-injection suite: the real pipeline against servers that misbehave on purpose.

    python -m benchmarks.faults [--only GROUP[,GROUP]] [--keep]      (or: make faults)

Each scenario writes a feeds.toml into a fresh folder, serves the small healthy corpus of
``tests.corpus`` plus one faulty feed (or page, mail server, crash, ...) from a loopback server,
and runs the real pipeline: in-process (``pipeline.run``, one embedding model for the whole
suite) or, for crashes, two runs at once and configuration errors, as ``python -m briefing run``
subprocesses. A row survives when the run finished (or exited with the documented code) and the
fault was reported where a user looks (the feed-health footer, the run's problems, the exit code,
the delivery records). Data is lost when an article a healthy feed served is missing from the
store, a stored row vanished after a crash, or a subscriber got no copy or two.

Prints a table (fault | what the project did | survived | data lost) and, as the last line, one
JSON object {"faults": N, "survived": N, "data_lost": N} (plus "skipped" when rows could not run).
Exits 1 when any row did not survive or lost data.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .fault_server import FaultServer, SilentServer, SmtpSink, closed_port

REPO = Path(__file__).resolve().parents[1]
DAY = "2026-11-20"
SECRET = "hunter2-MARKER-7d1f0c"  # set as the SMTP password and a feed's Authorization header
URL_SECRET = "pw-in-url-MARKER-93ab"  # written into a feed URL as user:password@
GROUPS = ("feeds", "pages", "hostile", "internal", "health", "mail", "crash", "concurrent", "config", "secrets")
DEFAULTS_TEXT = (REPO / "briefing" / "defaults.toml").read_text(encoding="utf-8")
FAST_FETCH = {"connect_timeout": 2.0, "read_timeout": 1.5, "total_timeout": 4.0, "max_failures": 5}


@dataclass
class Row:
    group: str
    fault: str
    did: str
    survived: bool
    lost: bool = False
    skipped: str = ""


def _toml(value: Any) -> str:
    return json.dumps(value)  # strings, numbers, booleans and lists of strings are the same in TOML


def _short(text: str | None, n: int = 110) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# -- hostile-content scanner ---------------------------------------------------------------------
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset", "data", "cite"}
BAD_TAGS = {"script", "iframe", "object", "embed", "form", "base", "svg", "math", "applet", "frame", "frameset", "input"}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BAD_TAGS:
            self.findings.append(f"<{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").lower() == "refresh" for k, v in attrs):
            self.findings.append("<meta refresh>")
        self._in_style = tag == "style"
        for k, v in attrs:
            v = v or ""
            if k.startswith("on"):
                self.findings.append(f"event handler {k}=")
            squeezed = re.sub(r"[\s\x00-\x1f]+", "", v).lower()
            if k in URL_ATTRS and squeezed.startswith(("javascript:", "vbscript:", "data:")):
                self.findings.append(f"{k}={squeezed[:20]}")
            if "pixel-" in v.lower():
                self.findings.append(f"tracking pixel in {k}=")
            if k == "style" and ("99999" in squeezed or "position:fixed" in squeezed):
                self.findings.append("feed CSS in style=")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and "body{display:none}" in data.replace(" ", ""):
            self.findings.append("feed <style> rule")


def hostile_findings(markup: str) -> list[str]:
    """What of the hostile corpus survives in an HTML document (empty list = nothing)."""
    scan = _Scan()
    scan.feed(markup)
    scan.close()
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    for marker in ("alert(", "document.write("):
        if marker in text:
            scan.findings.append(f"script text {marker!r} shown")
    return sorted(set(scan.findings))


def scan_outputs(out: Path) -> dict[str, list[str]]:
    """Hostile findings per output file: web pages, Atom/JSON feeds (their HTML content), .eml (HTML and text parts)."""
    found: dict[str, list[str]] = {}
    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        docs: list[str] = []
        if path.suffix == ".html":
            docs = [raw]
        elif path.suffix == ".atom":
            docs = [raw] + [html.unescape(m) for m in re.findall(r"<content[^>]*>(.*?)</content>", raw, re.S)]
        elif path.suffix == ".json":
            data = json.loads(raw)
            docs = [str(item.get("content_html", "")) for item in data.get("items", [])] + [raw]
        elif path.suffix == ".eml":
            msg = email.message_from_string(raw, policy=email.policy.default)
            docs = [part.get_content() for part in msg.walk() if part.get_content_type() in ("text/html", "text/plain")]
        hits = sorted({f for d in docs for f in hostile_findings(d)})
        if hits:
            found[path.name] = hits
    return found


def _digest_articles(db: sqlite3.Connection) -> set[tuple[str, str]]:
    """(feed, entry id) of every article the stored digest of DAY tells about."""
    row = db.execute("SELECT data FROM digests WHERE date=?", (DAY,)).fetchone()
    found: set[tuple[str, str]] = set()

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if "entry_id" in x and "feed" in x:
                found.add((x["feed"], x["entry_id"]))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(row[0]) if row else {})
    return found


def _eml_text(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [p.get_content() for p in msg.walk() if p.get_content_type() in ("text/plain", "text/html")]
    return html.unescape(" ".join(parts))


# -- the suite -----------------------------------------------------------------------------------
class Suite:
    def __init__(self, work: Path, only: set[str] | None = None, log: Callable[[str], None] = print):
        from tests.corpus import write_corpus

        self.work = work
        self.only = only
        self.log = log
        self.rows: list[Row] = []
        self.transcripts: list[str] = []  # every message, problem and process output, for the secrets check
        self.gold = write_corpus(work / "www")
        self.healthy = {f"urn:test:{Path(p).stem}" for p in self.gold}
        self.server = FaultServer(work / "www")
        self.refused = f"http://127.0.0.1:{closed_port()}"
        self.baseline_digest: Any = None
        self.deliver = self._real_module("deliver", "deliver_digest")  # None while the stand-in is there
        self.lock_real = self._lock_is_real()

    # -- plumbing -------------------------------------------------------------------------------
    @staticmethod
    def _real_module(name: str, attr: str) -> Any:
        import importlib

        mod = importlib.import_module(f"briefing.{name}")
        return mod if hasattr(mod, attr) else None

    @staticmethod
    def _lock_is_real() -> bool:
        from briefing.errors import LockedError
        from briefing.lock import run_lock

        path = Path(tempfile.mkdtemp(prefix="faults-lock-")) / "briefing.lock"
        try:
            with run_lock(path):
                try:
                    with run_lock(path):
                        return False
                except LockedError:
                    return True
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)

    def wants(self, group: str, fault: str | None = None) -> bool:
        """``--only`` tokens: a group ("crash") or a group and part of a fault's name ("crash:extraction")."""
        if not self.only:
            return True
        for tok in self.only:
            g, _, part = tok.partition(":")
            if g == group and (not part or fault is None or part.lower() in fault.lower()):
                return True
        return False

    def add(self, row: Row) -> None:
        self.rows.append(row)
        mark = "skipped" if row.skipped else ("ok" if row.survived and not row.lost else "FAILED")
        self.log(f"  [{mark}] {row.group}: {row.fault}: {_short(row.did or row.skipped, 140)}")

    def folder(self, name: str) -> Path:
        d = self.work / re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        return d

    def config(self, d: Path, feeds: list[tuple[str, str, dict[str, Any]]] = (), *, fetch: dict[str, Any] | None = None,
               healthy: int = 3, extra: str = "", extract_workers: int = 1, name: str = "feeds.toml") -> Path:
        fetch = {"allow_private": True, **FAST_FETCH, **(fetch or {})}
        lines = [
            '[briefing]\ntitle = "Fault Briefing"\n',
            f"[paths]\nstate_dir = {_toml(str(d / 'state'))}\noutput_dir = {_toml(str(d / 'out'))}\ncache_dir = {_toml(str(d / 'cache'))}\n",
            "[fetch]\n" + "".join(f"{k} = {_toml(v)}\n" for k, v in fetch.items()),
            f"[extract]\nworkers = {extract_workers}\n",
            extra,
        ]
        if healthy:
            for i in range(healthy):
                lines.append(f'[[feeds]]\nname = "Outlet {i}"\nurl = "{self.server.base}/feeds/feed{i}.{"json" if i == 2 else "xml"}"\n')
        for feed_name, url, opts in feeds:
            body = "".join(f"{k} = {_toml(v)}\n" for k, v in opts.items() if k != "headers")
            if "headers" in opts:
                body += "headers = { " + ", ".join(f"{k} = {_toml(v)}" for k, v in opts["headers"].items()) + " }\n"
            lines.append(f"[[feeds]]\nname = {_toml(feed_name)}\nurl = {_toml(url)}\n{body}")
        path = d / name
        path.write_text("\n".join(lines), encoding="utf-8")
        self._share_embeddings(d / "state" / "briefing.db", into=True)
        return path

    def _share_embeddings(self, db_path: Path, into: bool) -> None:
        """Seed a fresh state's embedding cache from earlier scenarios (and collect back), so the
        same corpus is not run through the model thirty times. Only the cache table is shared."""
        from briefing.store import Store

        cache = self.work / "embeddings.db"
        with Store(cache if not into else db_path) as store:  # creates the schema where missing
            store.db.execute("ATTACH DATABASE ? AS other", (str(db_path if not into else cache),))
            try:
                store.db.execute("INSERT OR IGNORE INTO main.embeddings SELECT * FROM other.embeddings")
            except sqlite3.OperationalError:
                pass  # the other side has no schema yet
            store.db.execute("DETACH DATABASE other")

    def run(self, cfg_path: Path, send: bool = False) -> Any:
        from briefing.config import load_config
        from briefing.pipeline import run

        cfg = load_config(cfg_path)
        result = run(cfg, date=DAY, send=send)
        self.transcripts += result.problems
        self._share_embeddings(Path(cfg.paths.state_dir) / "briefing.db", into=False)
        return result

    @staticmethod
    def db(d: Path) -> sqlite3.Connection:
        return sqlite3.connect(d / "state" / "briefing.db", timeout=30)

    def stored(self, d: Path, feed: str | None = None) -> dict[tuple[str, str], sqlite3.Row]:
        with self.db(d) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM articles" + (" WHERE feed=?" if feed else ""), (feed,) if feed else ()).fetchall()
        return {(r["feed"], r["entry_id"]): r for r in rows}

    def missing_healthy(self, d: Path) -> set[str]:
        have = {eid for (_feed, eid) in self.stored(d)}
        return self.healthy - have

    def integrity(self, d: Path) -> str:
        with self.db(d) as db:
            return db.execute("PRAGMA integrity_check").fetchone()[0]

    @staticmethod
    def footer(d: Path) -> str:
        """The feed-health section of the day's page, as text."""
        page = d / "out" / f"{DAY}.html"
        if not page.exists():
            return ""
        raw = page.read_text(encoding="utf-8")
        i = raw.find("Feed health")
        return html.unescape(re.sub(r"<[^>]+>", " ", raw[i:])) if i >= 0 else ""

    def guarded(self, group: str, fault: str, fn: Callable[[], Row | list[Row] | None]) -> None:
        """Run one scenario; an exception in the project (or the harness) is a row that did not survive."""
        if not self.wants(group, fault):
            return
        t = time.monotonic()
        try:
            out = fn()
        except Exception as exc:  # noqa: BLE001 - a crash is exactly what this suite reports
            self.transcripts.append(str(exc))
            tb = traceback.format_exc(limit=3)
            self.add(Row(group, fault, f"crashed: {type(exc).__name__}: {_short(str(exc))} | {_short(tb[-300:])}", False, False))
            return
        if isinstance(out, Row):
            out.fault = fault  # the scenario's own label is the table's
        for row in out if isinstance(out, list) else [out] if out else []:
            self.add(row)
        self.log(f"    ({time.monotonic() - t:.1f} s)")

    # -- feed faults ----------------------------------------------------------------------------
    def feed_fault(self, fault: str, url: str, *, expect_error: tuple[str, ...] = (), check: Callable[[Path, Any], tuple[bool, bool, str]] | None = None,
                   opts: dict[str, Any] | None = None, fetch: dict[str, Any] | None = None) -> Row:
        """One faulty feed beside the healthy ones; the run must finish, report it and keep the rest."""
        d = self.folder("feed " + fault)
        name = f"Faulty {fault}"
        cfg = self.config(d, [(name, url, opts or {})], fetch=fetch)
        t = time.monotonic()
        result = self.run(cfg)
        took = time.monotonic() - t
        health = {h.feed: h for h in result.digest.feed_health} if result.digest else {}
        h = health.get(name)
        missing = self.missing_healthy(d)
        ok_integrity = self.integrity(d) == "ok"
        lost = bool(missing)
        survived = result.exit_code == 0 and ok_integrity and h is not None
        did: list[str] = []
        if expect_error:
            err = (h.error or "") if h else ""
            reported = bool(h) and not h.ok and any(e.lower() in err.lower() for e in expect_error)
            footer = self.footer(d)
            in_footer = name in footer and err[:40] in " ".join(footer.split())
            in_mail = all(name in _eml_text(p) for p in (d / "out").glob("*.eml"))  # the email's footer, where one is written
            survived = survived and reported and in_footer and in_mail
            did.append(f"reported: {_short(err, 90)}" + ("" if in_footer else " (NOT in the page's feed-health footer)")
                       + ("" if in_mail else " (NOT in the email)"))
        if check:
            ok, lost_here, note = check(d, h)
            survived, lost = survived and ok, lost or lost_here
            did.append(note)
        did.append(f"run exit {result.exit_code} in {took:.1f} s")
        if missing:
            did.append(f"healthy articles missing: {sorted(missing)}")
        if not ok_integrity:
            did.append("integrity_check failed")
        return Row("feeds", fault, "; ".join(did), survived, lost)

    def feeds(self) -> None:
        s = self.server
        base = s.base
        for fault, path, expect in [
            ("timeout: no answer for 8 s", "/slow", ("timed out",)),
            ("server hangs after the headers", "/hang-after-headers", ("timed out", "timeout")),
            ("body trickles 1 byte per 0.5 s", "/trickle", ("timed out",)),
            ("404 Not Found", "/404", ("HTTP 404",)),
            ("500 Internal Server Error", "/500", ("HTTP 500",)),
            ("redirect loop", "/redirect-loop", ("redirect loop", "too many redirects")),
            ("50 MB body (no Content-Length)", "/big", ("too large",)),
            ("gzip bomb (120 KB -> 128 MB)", "/gzip-bomb", ("too large",)),
            ("empty 200", "/empty", ("empty",)),
            ("HTML page instead of a feed", "/html", ("HTML page",)),
            ("malformed XML", "/malformed", ("malformed", "not a recognisable")),
        ]:
            self.guarded("feeds", fault, lambda fault=fault, path=path, expect=expect: self.feed_fault(fault, base + path, expect_error=expect))
        self.guarded("feeds", "https to a server that speaks plain HTTP", lambda: self.feed_fault("tls", base.replace("http://", "https://") + "/feeds/feed0.xml", expect_error=("SSL", "TLS", "ConnectError", "wrong version")))
        self.guarded("feeds", "connection refused", lambda: self.feed_fault("connection refused", self.refused + "/feed.xml", expect_error=("ConnectError", "refused")))
        self.guarded("feeds", "410 Gone: disabled at once", lambda: self.feed_fault("410 Gone", base + "/410", expect_error=("410",), check=self._check_gone))
        self.guarded("feeds", "429 with Retry-After: 120", lambda: self.feed_fault("429 Retry-After", base + "/429", expect_error=("429",), check=self._check_retry("/429")))
        self.guarded("feeds", "503 with Retry-After: HTTP date", lambda: self.feed_fault("503 Retry-After date", base + "/503", expect_error=("503",), check=self._check_retry("/503")))
        self.guarded("feeds", "redirect chain (3 x 301)", lambda: self.feed_fault("redirect chain", base + "/redirect-chain/3", check=self._check_chain))
        self.guarded("feeds", "wrong declared charset (utf-8 header, Latin-1 bytes)", lambda: self.feed_fault("wrong charset", base + "/wrong-charset", check=self._check_charset))
        self.guarded("feeds", "wrong declared charset (Latin-1 header, UTF-8 bytes)", lambda: self.feed_fault("wrong charset 2", base + "/wrong-charset-2", check=self._check_charset))
        self.guarded("feeds", "429 with Retry-After: 100 days", lambda: self.feed_fault("429 Retry-After 100 days", base + "/429-long", expect_error=("429",), check=self._check_retry_cap))
        self.guarded("feeds", "XML entity bomb (billion laughs)", lambda: self.feed_fault("xml bomb", base + "/xml-bomb", check=self._check_local_file("xml bomb")))
        self.guarded("feeds", "XML external entity (file:///etc/passwd)", lambda: self.feed_fault("xxe", base + "/xxe", check=self._check_local_file("xxe")))
        self.guarded("feeds", "control characters and lone surrogates in a JSON Feed", lambda: self.feed_fault("control chars", base + "/control-chars", check=self._check_ctrl))
        self.guarded("feeds", "10,000 items", lambda: self.feed_fault("10k items", base + "/10k-items", check=self._check_10k, opts={"full_text": False}))
        self.guarded("feeds", "duplicate GUIDs", lambda: self.feed_fault("dup guids", base + "/dup-guids", check=self._check_dups))
        self.guarded("feeds", "missing and future dates", lambda: self.feed_fault("dates", base + "/dates", check=self._check_dates))
        self.guarded("feeds", "10,000-character title", lambda: self.feed_fault("long titles", base + "/long-titles", check=self._check_long))

    def _rows_of(self, d: Path, fault: str) -> dict[str, sqlite3.Row]:
        return {eid: r for (feed, eid), r in self.stored(d).items() if feed == f"Faulty {fault}"}

    def _check_gone(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        hits = self.server.hits["/410"]
        cfg = d / "feeds.toml"
        again = self.run(cfg)
        h2 = next(x for x in again.digest.feed_health if x.feed == "Faulty 410 Gone")
        ok = bool(h and h.disabled) and self.server.hits["/410"] == hits and h2.disabled and "(disabled)" in self.footer(d)
        return ok, False, f"disabled after one 410; next run did not fetch it ({self.server.hits['/410'] - hits} requests) and the footer says disabled"

    def _check_retry(self, path: str) -> Callable[[Path, Any], tuple[bool, bool, str]]:
        def check(d: Path, h: Any) -> tuple[bool, bool, str]:
            hits = self.server.hits[path]
            again = self.run(d / "feeds.toml")
            waiting = [p for p in again.problems if "Retry-After" in p]
            ok = self.server.hits[path] == hits and bool(waiting)
            return ok, False, f"next run did not ask again ({self.server.hits[path] - hits} requests): {_short(waiting[0] if waiting else 'no note', 70)}"
        return check

    def _check_chain(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        rows = self._rows_of(d, "redirect chain")
        with self.db(d) as db:
            perm = db.execute("SELECT permanent_url FROM feeds WHERE name='Faulty redirect chain'").fetchone()[0]
        ok = bool(h and h.ok) and len(rows) == 3 and bool(perm and perm.endswith("/feeds/feed0.xml"))
        return ok, len(rows) != 3, f"followed 3 hops, stored {len(rows)} articles, remembered the permanent URL {perm and perm.rsplit('/', 2)[-2:]}"

    def _check_local_file(self, fault: str) -> Callable[[Path, Any], tuple[bool, bool, str]]:
        def check(d: Path, h: Any) -> tuple[bool, bool, str]:
            rows = self._rows_of(d, fault)
            leaked = [p.name for p in (d / "out").rglob("*") if p.is_file() and b"root:x:0" in p.read_bytes()]
            with self.db(d) as db:
                leaked += ["database"] * bool(db.execute("SELECT 1 FROM articles WHERE text LIKE '%root:x:0%' OR title LIKE '%root:x:0%'").fetchone())
            longest = max((len(r["title"]) + len(r["text"]) for r in rows.values()), default=0)
            ok = not leaked and longest < 100_000
            return ok, False, (f"entities not expanded: {len(rows)} item stored, {longest} characters" + (f"; LEAKED into {leaked}" if leaked else "; no file content"))
        return check

    def _check_ctrl(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        import feedparser

        rows = self._rows_of(d, "control chars")
        bad = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")
        dirty = [k for k, r in rows.items() if bad.search(r["title"] or "") or bad.search(r["text"] or "")]
        atom = feedparser.parse((d / "out" / "feed.atom").read_bytes())
        ok = len(rows) == 1 and not dirty and not atom.bozo
        return ok, not rows, (f"stored {len(rows)} item, title {next(iter(rows.values()))['title']!r}" if rows else "not stored") + (
            f"; control characters kept in {dirty}" if dirty else "") + ("; feed.atom not well-formed" if atom.bozo else "; feed.atom well-formed")

    def _check_retry_cap(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        with self.db(d) as db:
            until = db.execute("SELECT retry_after_until FROM feeds WHERE name='Faulty 429 Retry-After 100 days'").fetchone()[0]
        from datetime import datetime

        ref = datetime.fromisoformat(f"{DAY}T23:59:59+00:00")  # the run's clock for a replayed date
        wait = (datetime.fromisoformat(until) - ref).total_seconds() if until else -1
        ok = 0 < wait <= 3600
        return ok, False, f"waits {wait:.0f} s ([fetch] max_retry_after), not 100 days"

    def _check_charset(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        rows = {}
        for name in ("wrong charset", "wrong charset 2"):
            rows.update(self._rows_of(d, name))
        title = next(iter(rows.values()))["title"] if rows else ""
        ok = bool(rows) and title.startswith("Café") and "Ã" not in title
        return ok, not rows, f"stored the item, title {title!r}"

    def _check_10k(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        """Bounded work per run ([[feeds]] max_items = 50), newest first; what happens to the rest is the
        filters' policy (left for later runs, or recorded as dropped), so both are accepted and reported."""
        first = self._rows_of(d, "10k items")
        again = self.run(d / "feeds.toml")
        second = self._rows_of(d, "10k items")
        with self.db(d) as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM entries WHERE feed='Faulty 10k items' GROUP BY state").fetchall())
        newest = {f"urn:10k:{i}" for i in range(len(first))} == set(first)
        ok = 0 < len(first) <= 50 and bool(h and h.ok) and again.exit_code == 0 and len(second) <= 100
        return ok, False, (f"parsed {h.items if h else '?'} items, stored {len(first)} ({'the newest' if newest else 'not the newest'}; max_items = 50), "
                           f"next run {len(second) - len(first)} more; entry states {states}")

    def _check_dups(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        rows = self._rows_of(d, "dup guids")
        ok = len(rows) == 4
        return ok, len(rows) < 4, f"stored {len(rows)} articles for 4 distinct GUIDs (5 items shared one)"

    def _check_dates(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        rows = self._rows_of(d, "dates")
        pubs = {eid: r["published"] for eid, r in rows.items()}
        future = pubs.get("urn:dates:future") or ""
        ok = len(rows) == 3 and future < "2027" and all(pubs.values())
        return ok, len(rows) < 3, f"stored {len(rows)}/3; the 2099 date became {future[:16]}, the undated item got {str(pubs.get('urn:dates:none'))[:16]}"

    def _check_long(self, d: Path, h: Any) -> tuple[bool, bool, str]:
        rows = self._rows_of(d, "long titles")
        n = max((len(r["title"]) for r in rows.values()), default=0)
        page = (d / "out" / f"{DAY}.html").read_text(encoding="utf-8")
        ok = len(rows) == 1 and n <= 300 and "word " * 100 not in page
        return ok, not rows, f"stored with the title cut to {n} characters"

    # -- page faults ----------------------------------------------------------------------------
    def pages(self) -> list[Row]:
        from briefing import fetch
        from briefing.config import load_config

        d = self.folder("pages")
        cfg_path = self.config(d, [("Bad pages", self.server.base + "/bad-pages", {})])
        cfg_text = cfg_path.read_text().replace("{REFUSED}", self.refused)
        cfg_path.write_text(cfg_text)
        result = self.run(cfg_path)
        rows = self.stored(d, "Bad pages")
        # the same fetcher and settings, to show each page's error in the table
        body = self.server.feed_body("/bad-pages").decode().replace("{BASE}", self.server.base).replace("{REFUSED}", self.refused)
        links = re.findall(r"<link><!\[CDATA\[(.*?)\]\]></link>", body)
        cfg = load_config(cfg_path)
        errors = fetch.fetch_many([fetch.FetchRequest(key=u, url=u, kind="page") for u in links], cfg.fetch)
        out = []
        missing = self.missing_healthy(d)
        for link, res in zip(links, errors, strict=True):
            fault = "refused" if link.startswith(self.refused) else link.rsplit("/", 1)[1]
            eid = f"urn:page:{fault}"
            art = rows.get(("Bad pages", eid))
            kept = art is not None and "summary" in (art["text"] or "")
            survived = result.exit_code == 0 and kept and art["extraction"] != "page" and self.integrity(d) == "ok"
            did = f"page not used ({_short(res.error or 'fetched, too little text', 60)}); article kept with the feed's own text"
            out.append(Row("pages", f"article page: {fault}", did + ("" if not missing else f"; healthy missing {sorted(missing)}"),
                           survived, art is None or bool(missing)))
        return out

    # -- hostile content ----------------------------------------------------------------------
    def hostile(self) -> list[Row]:
        d = self.folder("hostile")
        cfg = self.config(d, [("Hostile", self.server.base + "/hostile", {})])
        result = self.run(cfg)
        out_dir = d / "out"
        rendered_email = None
        try:
            from briefing.render_email import render_email
        except ImportError:
            pass
        else:
            from briefing.config import load_config

            rendered_email = render_email(result.digest, cfg=load_config(cfg))
        found = scan_outputs(out_dir)
        stored = self.stored(d, "Hostile")
        shown = sum(1 for s in result.digest.stories for a in s.articles if a.feed == "Hostile")
        site_files = sorted(p.name for p in out_dir.iterdir() if p.suffix in (".html", ".atom", ".json"))
        rows = [Row("hostile", "script, handlers, javascript:/data: links, pixels, CSS in titles, summaries, pages: web site",
                    f"scanned {', '.join(site_files)}: " + (f"FOUND {found}" if found else "nothing executable, no pixel, no feed CSS")
                    + f"; {len(stored)}/3 hostile items stored, {shown} shown with clean text",
                    result.exit_code == 0 and not {k: v for k, v in found.items() if not k.endswith('.eml')} and len(stored) == 3,
                    len(stored) < 3 or bool(self.missing_healthy(d)))]
        emails = [p for p in out_dir.glob("*.eml")]
        if rendered_email is not None:
            found_mail = sorted(set(hostile_findings(rendered_email.html)) | set(hostile_findings(rendered_email.text)))
            eml_found = {k: v for k, v in found.items() if k.endswith(".eml")}
            rows.append(Row("hostile", "the same hostile items: email (HTML and text parts)",
                            ("FOUND " + str(found_mail or eml_found)) if (found_mail or eml_found) else
                            f"rendered email{' and ' + str(len(emails)) + ' .eml' if emails else ''}: nothing executable, no pixel, no feed CSS",
                            not found_mail and not eml_found))
        else:
            rows.append(Row("hostile", "the same hostile items: email", "", False, False,
                            skipped="briefing.render_email is not on this branch (it comes with the email branch)"))
        with self.db(d) as db:
            urls = [r[0] for r in db.execute("SELECT url FROM articles WHERE feed='Hostile'")]
        page = (out_dir / f"{DAY}.html").read_text(encoding="utf-8")
        hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page)]
        bad_links = [h for h in hrefs if re.sub(r"[\s\x00-\x1f]+", "", h).lower().startswith(("javascript:", "data:", "vbscript:"))]
        unsafe_stored = [u for u in urls if u and not u.startswith("http")]
        rows.append(Row("hostile", "article link itself is javascript: or data:",
                        f"{len(unsafe_stored)} such links stored as given, none emitted: {len(hrefs)} hrefs on the page, unsafe: {bad_links or 'none'}",
                        not bad_links and len(unsafe_stored) == 2))
        return rows

    # -- internal addresses -------------------------------------------------------------------
    def internal(self) -> list[Row]:
        from briefing import fetch
        from briefing.config import load_config

        rows: list[Row] = []
        # 1. the default refuses the loopback server itself
        d = self.folder("internal default")
        cfg = self.config(d, fetch={"allow_private": False})
        result = self.run(cfg)
        errs = [h.error or "" for h in result.digest.feed_health] if result.digest else []
        refused_all = len(errs) == 3 and all("allow_private" in e and "127.0.0.1" in e for e in errs)
        rows.append(Row("internal", "feeds on 127.0.0.1 with the default config", f"all 3 refused before connecting: {_short(errs[0] if errs else result.problems, 100)}; exit {result.exit_code}",
                        refused_all and result.exit_code == 1 and self.integrity(d) == "ok"))
        # 2. allowed_hosts lets exactly the test server through; everything internal in links is still refused
        d = self.folder("internal links")
        cfg_path = self.config(d, [("Internal links", self.server.base + "/internal-links", {}),
                                   ("Feed redirecting to 169.254.169.254", self.server.base + "/redirect-to-169.254.169.254", {}),
                                   ("Feed redirecting to file:", self.server.base + "/redirect-to-file", {})],
                               fetch={"allow_private": False, "allowed_hosts": ["127.0.0.1"]})
        cfg = load_config(cfg_path)
        assert cfg.fetch.allow_private is False and "10.0.0.1" not in cfg.fetch.allowed_hosts  # never connect outside loopback
        before = self.server.hits["/secret/loopback"]
        result = self.run(cfg_path)
        missing = self.missing_healthy(d)
        rows.append(Row("internal", 'allowed_hosts = ["127.0.0.1"] (the switch)', f"the 3 healthy feeds and their pages fetched; {6 - len(missing)}/6 stored",
                        not missing and result.exit_code == 0, bool(missing)))
        health = {h.feed: h for h in result.digest.feed_health}
        for name, want in (("Feed redirecting to 169.254.169.254", "169.254.169.254"), ("Feed redirecting to file:", "file")):
            h = health.get(name)
            ok = bool(h) and not h.ok and "refused" in (h.error or "") and want in (h.error or "")
            rows.append(Row("internal", f"feed URL redirects to {want}", f"refused at the redirect hop: {_short(h.error if h else '?', 90)}", ok))
        stored = self.stored(d, "Internal links")
        links = {"urn:int:1": "http://localhost:PORT/secret/loopback", "urn:int:2": "http://10.0.0.1/admin",
                 "urn:int:3": "http://169.254.169.254/latest/meta-data/", "urn:int:4": "redirect to 169.254.169.254",
                 "urn:int:5": "redirect to file:///etc/passwd", "urn:int:6": "file:///etc/passwd"}
        body = self.server.feed_body("/internal-links").decode().replace("{BASE}", self.server.base).replace("{PORT}", self.server.base.rsplit(":", 1)[1])
        urls = re.findall(r"<link><!\[CDATA\[(.*?)\]\]></link>", body)
        assert fetch._ip_blocked("10.0.0.1") and fetch._ip_blocked("169.254.169.254")
        results = fetch.fetch_many([fetch.FetchRequest(key=u, url=u, kind="page") for u in urls], cfg.fetch)
        for (eid, label), res in zip(links.items(), results, strict=True):
            art = stored.get(("Internal links", eid))
            ok = art is not None and art["extraction"] != "page" and res.error is not None and "refused" in res.error
            if eid == "urn:int:1":
                ok = ok and self.server.hits["/secret/loopback"] == before
            rows.append(Row("internal", f"article link: {label}", f"refused before connecting ({_short(res.error, 80)}); article kept with the feed's text",
                            ok and self.integrity(d) == "ok", art is None))
        return rows

    # -- feed health: disabling, feeds check ------------------------------------------------------
    def health(self) -> list[Row]:
        rows = []
        d = self.folder("health disable")
        name = "Always 500"
        cfg = self.config(d, [(name, self.server.base + "/500", {})], fetch={"max_failures": 3})
        for _ in range(3):
            result = self.run(cfg)
        hits = self.server.hits["/500"]
        result = self.run(cfg)
        h = next(x for x in result.digest.feed_health if x.feed == name)
        footer = self.footer(d)
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "250"}
        chk = subprocess.run([sys.executable, "-m", "briefing", "feeds", "check", "--config", str(cfg)], capture_output=True, text=True, timeout=120, env=env)
        self.transcripts += [chk.stdout, chk.stderr]
        line = next((ln for ln in chk.stdout.splitlines() if name in ln), "")
        ok = h.disabled and self.server.hits["/500"] == hits + 1 and "(disabled)" in footer and "(disabled)" in line
        # the run after disabling does not fetch it; `feeds check` probes it once (that is the +1)
        from contextlib import redirect_stdout
        from io import StringIO

        from briefing.feedhealth import cli_feeds_enable

        with redirect_stdout(StringIO()):
            cli_feeds_enable(cfg, [name])
        self.run(cfg)
        refetched = self.server.hits["/500"] == hits + 2
        rows.append(Row("health", "feed fails 3 times (max_failures = 3)",
                        f"disabled after the 3rd failure, not fetched by the 4th run, footer: '{_short(h.error, 60)} (disabled)'; feeds check: {_short(line, 60)}"
                        f"; `feeds enable` brings it back: {'fetched again' if refetched else 'NOT fetched again'}",
                        ok and refetched and not self.missing_healthy(d), bool(self.missing_healthy(d))))
        # all the feed faults at once in `briefing feeds check`
        d = self.folder("health feeds check")
        faults = ["/slow", "/hang-after-headers", "/404", "/410", "/500", "/429", "/503", "/redirect-loop", "/big", "/gzip-bomb", "/empty", "/html", "/malformed"]
        cfg = self.config(d, [(f"F{p}", self.server.base + p, {}) for p in faults] + [("F-refused", self.refused + "/x", {})])
        chk = subprocess.run([sys.executable, "-m", "briefing", "feeds", "check", "--config", str(cfg)], capture_output=True, text=True, timeout=120, env=env)
        self.transcripts += [chk.stdout, chk.stderr]
        listed = [p for p in [*faults, "-refused"] if any(f"F{p}" in ln and len(ln.split()) > 3 for ln in chk.stdout.splitlines())]
        rows.append(Row("health", "`briefing feeds check` with 14 failing feeds", f"exit {chk.returncode}; {len(listed)}/14 failing feeds listed with their error; "
                        + _short(chk.stdout.strip().splitlines()[-1] if chk.stdout.strip() else chk.stderr, 70),
                        chk.returncode == 3 and len(listed) == 14))
        return rows

    # -- mail ---------------------------------------------------------------------------------
    SUBSCRIBERS = ("ada@example.org", "bob@example.org", "cy@example.org")

    def mail_config(self, d: Path, port: int, subscribers: tuple[str, ...] = SUBSCRIBERS, user: str = "") -> Path:
        extra = ("[email]\nenabled = true\nsender = \"Briefing <briefing@example.org>\"\n"
                 f"[smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\nuser = {_toml(user)}\ntimeout = 5.0\nmax_attempts = 3\n"
                 + ("retry_delay = 0.2\n" if "retry_delay" in DEFAULTS_TEXT else "")
                 + "".join(f'[[subscribers]]\naddress = "{a}"\n' for a in subscribers))
        return self.config(d, extra=extra)

    def baseline(self) -> Any:
        if self.baseline_digest is None:
            d = self.folder("baseline")
            self.baseline_digest = self.run(self.config(d)).digest
        return self.baseline_digest

    def mail_case(self, fault: str, mode: str, *, subscribers: tuple[str, ...] = SUBSCRIBERS) -> Row:
        from briefing.config import load_config
        from briefing.store import Store

        digest = self.baseline()
        d = self.folder("mail " + fault)
        if mode == "refused":
            port = closed_port()
        else:
            sink = SmtpSink(mode)
            port = sink.port
        cfg = load_config(self.mail_config(d, port, subscribers))
        with Store(d / "state" / "briefing.db") as store:
            if mode == "refused":
                first = self.deliver.deliver_digest(digest, cfg, store, sleep=lambda s: None)
                states1 = {r["address"]: r["status"] for r in store.deliveries(DAY)}
                self.transcripts += [str(first.deferred), str(first.failed)]
                sink = SmtpSink("ok", port=port)  # the server is back
            with sink:
                report = self.deliver.deliver_digest(digest, cfg, store, sleep=lambda s: None)
                again = self.deliver.deliver_digest(digest, cfg, store, sleep=lambda s: None)  # a later run sends nothing twice
            states = {r["address"]: r["status"] for r in store.deliveries(DAY)}
            self.transcripts += [str(report.failed), str(report.deferred), *(str(r.get("error")) for r in store.deliveries(DAY))]
        good = [a for a in subscribers if not a.startswith("reject")]
        once = all(sink.accepted[a] == 1 for a in good)
        dup = [a for a in subscribers if sink.accepted[a] > 1]
        if mode == "refused":
            ok = all(s == "deferred" for s in states1.values()) and len(states1) == len(subscribers) and once and not dup
            did = f"1st run: {len(first.deferred)} deferred ({_short(next(iter(first.deferred.values()), ''), 50)}); server back: {len(report.sent)} sent, each once"
        elif mode == "550":
            rejected = [a for a in subscribers if a.startswith("reject")]
            ok = all(states[a] == "failed" for a in rejected) and once and not dup and all(a in report.failed for a in rejected) and not again.sent
            did = f"recorded as failed, not retried: {_short(str(report.failed), 70)}; the others got it once"
        else:
            ok = once and not dup and all(states[a] == "sent" for a in subscribers) and not again.sent
            did = f"retried: {len(report.sent)} sent, {sink.data_started} DATA commands for {len(subscribers)} messages; rerun sent {len(again.sent)}"
        lost = any(sink.accepted[a] == 0 for a in good)
        return Row("mail", fault, did + (f"; DUPLICATES {dup}" if dup else ""), ok, lost)

    def mail(self) -> list[Row] | None:
        cases = [("connection refused, then the server is back", "refused"), ("421 once", "421-once"), ("451 once", "451-once"),
                 ("550 for one recipient", "550"), ("connection dropped during DATA", "drop-once")]
        if self.deliver is None:
            for fault, _mode in [*cases, ("SMTP server down during `briefing run`", "")]:
                self.add(Row("mail", fault, "", False, skipped="briefing/deliver.py is the stand-in (the real one is on branch email)"))
            return None
        for fault, mode in cases:
            subs = (*self.SUBSCRIBERS, "reject@example.org") if mode == "550" else self.SUBSCRIBERS
            self.guarded("mail", fault, lambda fault=fault, mode=mode, subs=subs: self.mail_case(fault, mode, subscribers=subs))
        self.guarded("mail", "SMTP server down during `briefing run`", self.mail_in_run)
        self.guarded("mail", "SMTP server accepts the connection and never answers", self.mail_silent)
        return None

    def mail_silent(self) -> Row:
        from briefing.config import load_config
        from briefing.errors import BriefingError
        from briefing.store import Store

        d = self.folder("mail silent")
        with SilentServer() as silent, Store(d / "state" / "mail.db") as store:
            cfg_path = self.mail_config(d, silent.port)
            cfg_path.write_text(cfg_path.read_text().replace("timeout = 5.0", "timeout = 1.5"))
            cfg = load_config(cfg_path)
            t = time.monotonic()
            try:
                report = self.deliver.deliver_digest(self.baseline(), cfg, store, sleep=lambda s: None)
                outcome = f"{len(report.deferred)} deferred ({_short(next(iter(report.deferred.values()), ''), 50)})"
                ok = len(report.deferred) == len(self.SUBSCRIBERS)
            except BriefingError as exc:
                outcome, ok = f"stopped: {_short(str(exc), 60)}", True
            took = time.monotonic() - t
            states = {r["status"] for r in store.deliveries(DAY)}
        ok = ok and took < 30 and "sent" not in states
        return Row("mail", "SMTP server accepts the connection and never answers",
                   f"gave up after {took:.1f} s ([smtp] timeout 1.5 s, {silent.accepted} connection attempts): {outcome}; recorded {sorted(states)} for the next run", ok)

    def mail_in_run(self) -> Row:
        """The daily run itself with the mail server down, then up: exit 3 and a problem, then each subscriber once."""
        d = self.folder("mail in run")
        port = closed_port()
        cfg = self.mail_config(d, port)
        first = self.run(cfg, send=True)
        with SmtpSink("ok", port=port) as sink:
            second = self.run(cfg, send=True)
            third = self.run(cfg, send=True)
        mail_problems = [p for p in first.problems if "mail" in p]
        once = all(sink.accepted[a] == 1 for a in self.SUBSCRIBERS)
        ok = first.exit_code in (1, 3) and bool(mail_problems) and second.exit_code == 0 and third.exit_code == 0 and once
        return Row("mail", "SMTP server down during `briefing run`, up the next time",
                   f"run 1 exit {first.exit_code}: {_short(mail_problems[0] if mail_problems else first.problems, 60)}; run 2 exit {second.exit_code} "
                   f"sent {second.stats.get('emails_sent')}; run 3 sent {third.stats.get('emails_sent')}; each subscriber {dict(sink.accepted)}",
                   ok and not self.missing_healthy(d), any(sink.accepted[a] == 0 for a in self.SUBSCRIBERS))

    # -- crashes ------------------------------------------------------------------------------
    def spawn(self, cfg: Path, d: Path, tag: str) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.Popen([sys.executable, "-m", "briefing", "run", "--config", str(cfg), "--date", DAY, "--quiet"],
                                stdout=open(d / f"{tag}.out", "w"), stderr=open(d / f"{tag}.err", "w"), env=env, start_new_session=True)

    @staticmethod
    def kill(p: subprocess.Popen) -> None:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the run and its extractor workers, as the OOM killer or systemd would
        except ProcessLookupError:
            pass
        p.wait(timeout=30)

    def snapshot(self, d: Path) -> dict[str, set]:
        with self.db(d) as db:
            return {
                "articles": set(db.execute("SELECT feed, entry_id, content_hash FROM articles").fetchall()),
                "digests": {r[0] for r in db.execute("SELECT date FROM digests")},
                "sent": {tuple(r) for r in db.execute("SELECT digest_date, address FROM deliveries WHERE status='sent'")},
                "in digest": _digest_articles(db),
            }

    def crash(self, stage: str) -> Row:
        s = self.server
        d = self.folder("crash " + stage)
        feeds: list[tuple[str, str, dict]] = []
        extra = ""
        sink = None
        if stage == "fetching":
            feeds = [("Slow feed", s.base + "/slow-feed", {})]
            fetch = {"read_timeout": 30.0, "total_timeout": 60.0}
        elif stage == "extraction":
            feeds = [("Many pages", s.base + "/many-pages", {})]
            fetch = {}
        else:
            fetch = {}
        if stage == "sending":
            if self.deliver is None:
                return Row("crash", "SIGKILL while sending mail", "", False, skipped="briefing/deliver.py is the stand-in (the real one is on branch email)")
            sink = SmtpSink("ok", delay=1.5)
            extra = ("[email]\nenabled = true\nsender = \"Briefing <briefing@example.org>\"\n"
                     f"[smtp]\nhost = \"127.0.0.1\"\nport = {sink.port}\nsecurity = \"none\"\ntimeout = 10.0\n"
                     + "".join(f'[[subscribers]]\naddress = "{a}"\n' for a in self.SUBSCRIBERS))
            sink.__enter__()
        cfg = self.config(d, feeds, fetch=fetch, extra=extra, extract_workers=2)
        try:
            # day one: a complete run of one feed, so there is stored data to lose
            self.run(self.config(d, [], fetch=fetch, healthy=1, name="day-one.toml"))
            before = self.snapshot(d)
            s.requested.clear()
            s.slow_seconds = 20.0
            proc = self.spawn(cfg, d, "killed")
            where = self._wait_for_stage(stage, d, proc, sink)
            self.kill(proc)
            s.slow_seconds = 0.0
            stale = self._stale_lock(d)
            after_kill = self.snapshot(d)
            integrity_after_kill = self.integrity(d)
            vanished = {k: before[k] - after_kill[k] for k in before if before[k] - after_kill[k]}
            result = self.run(cfg, send=stage == "sending")
            final = self.snapshot(d)
            # the rerun's digest keeps every story the killed run had already put in it (a same-day rerun is not "old news")
            vanished_final = {k: after_kill[k] - final[k] for k in ("articles", "digests", "in digest") if after_kill[k] - final[k]}
        finally:
            s.slow_seconds = 8.0
            if sink:
                sink.__exit__()
        for tag in ("killed",):
            for ext in ("out", "err"):
                self.transcripts.append((d / f"{tag}.{ext}").read_text(errors="replace"))
        missing = self.missing_healthy(d)
        index = d / "out" / "index.html"
        complete = index.exists() and index.read_text(encoding="utf-8").rstrip().endswith("</html>")
        ok = (result.exit_code == 0 and integrity_after_kill == "ok" and self.integrity(d) == "ok" and not vanished
              and not vanished_final and complete and DAY in final["digests"] and not stale)
        did = (f"killed {where}; integrity after kill: {integrity_after_kill}" + (f"; {stale}" if stale else "; no stale lock" if self.lock_real else "")
               + f"; next run exit {result.exit_code}, {len(final['articles'])} articles, {len(final['in digest'])} of them in the digest, page complete"
               + (f"; VANISHED {vanished or vanished_final}" if vanished or vanished_final else ""))
        dup: list[str] = []
        if sink:
            dup = [a for a in self.SUBSCRIBERS if sink.accepted[a] > 1]
            got = [a for a in self.SUBSCRIBERS if sink.accepted[a] == 1]
            ok = ok and not dup and len(got) == 3
            did += f"; {len(got)}/3 subscribers have exactly one copy" + (f", DUPLICATES {dup}" if dup else "")
        if extra_missing := sorted(missing):
            did += f"; missing {extra_missing}"
        lost = bool(vanished or vanished_final or missing or (sink and any(sink.accepted[a] == 0 for a in self.SUBSCRIBERS)))
        return Row("crash", f"SIGKILL while {stage}", did, ok, lost)

    def _stale_lock(self, d: Path) -> str:
        """After the kill the run lock must be free at once (flock dies with its holder)."""
        from briefing.errors import LockedError
        from briefing.lock import run_lock

        try:
            with run_lock(d / "state" / "briefing.lock", wait=5.0):
                return ""
        except LockedError as exc:
            return f"STALE LOCK: {exc.message}"
        except TypeError:  # the stand-in takes no wait argument of that kind
            return ""

    def _wait_for_stage(self, stage: str, d: Path, proc: subprocess.Popen, sink: SmtpSink | None) -> str:
        deadline = time.monotonic() + 120
        db_path = d / "state" / "briefing.db"

        def alive() -> None:
            if proc.poll() is not None:
                raise RuntimeError(f"the run ended (exit {proc.returncode}) before reaching {stage}: {(d / 'killed.err').read_text()[-300:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {stage}")

        if stage == "fetching":
            while not self.server.requested.wait(0.05):
                alive()
            time.sleep(0.3)
            return "while the slow feed was being fetched (the other feeds had answered)"
        if stage == "extraction":
            start = sum(v for k, v in self.server.hits.items() if k.startswith("/article/big-"))
            while sum(v for k, v in self.server.hits.items() if k.startswith("/article/big-")) < start + 50:
                alive()
                time.sleep(0.02)
            time.sleep(0.8)
            n = len(self.stored(d, "Many pages"))
            return f"after its 50 pages were fetched, during extraction ({n} of them stored)"
        if stage == "rendering":
            ro = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
            try:
                while not ro.execute("SELECT 1 FROM digests WHERE date=?", (DAY,)).fetchone():
                    alive()
                    time.sleep(0.005)
            finally:
                ro.close()
            written = (d / "out" / f"{DAY}.html").exists()
            return "right after the digest was stored, while the site was rendered" + (" (day page already written)" if written else " (no page written yet)")
        assert sink is not None
        while sink.data_started < 2:
            alive()
            time.sleep(0.01)
        return f"while the 2nd of 3 messages was in DATA ({sum(sink.accepted.values())} accepted)"

    def crashes(self) -> None:
        for stage in ("fetching", "extraction", "rendering", "sending"):
            self.guarded("crash", f"SIGKILL while {stage}", lambda stage=stage: self.crash(stage))

    def concurrent(self) -> Row:
        if not self.lock_real:
            return Row("concurrent", "two runs at once", "", False, skipped="briefing/lock.py is the stand-in (the real flock lock is on branch schedule)")
        d = self.folder("concurrent")
        cfg = self.config(d, [("Slow feed", self.server.base + "/slow-feed", {})], fetch={"read_timeout": 30.0, "total_timeout": 60.0})
        self.server.slow_seconds = 4.0
        try:
            a = self.spawn(cfg, d, "a")
            b = self.spawn(cfg, d, "b")
            codes = sorted([a.wait(timeout=180), b.wait(timeout=180)])
        finally:
            self.server.slow_seconds = 8.0
        errs = [(d / f"{t}.err").read_text(errors="replace") for t in ("a", "b")]
        self.transcripts += errs
        locked_msg = next((e for e in errs if "another briefing run" in e), "")
        ok = codes == [0, 75] and bool(locked_msg) and self.integrity(d) == "ok" and not self.missing_healthy(d)
        return Row("concurrent", "two runs at once", f"exit codes {codes}; the second said: {_short(locked_msg.splitlines()[0] if locked_msg else errs, 80)}; integrity ok",
                   ok, bool(self.missing_healthy(d)))

    def send_during_run(self) -> Row:
        """`briefing send` started by hand while the daily run is mailing: nobody may get two copies."""
        fault = "`briefing send` while `briefing run` is sending"
        if self.deliver is None or not self.lock_real:
            return Row("concurrent", fault, "", False, skipped="deliver.py or lock.py is still a stand-in (the real ones are on branches email and schedule)")
        d = self.folder("send during run")
        with SmtpSink("ok", delay=1.0) as sink:
            extra = ("[email]\nenabled = true\nsender = \"Briefing <briefing@example.org>\"\n"
                     f"[smtp]\nhost = \"127.0.0.1\"\nport = {sink.port}\nsecurity = \"none\"\ntimeout = 10.0\n"
                     + "".join(f'[[subscribers]]\naddress = "{a}"\n' for a in self.SUBSCRIBERS))
            cfg = self.config(d, extra=extra)
            run = self.spawn(cfg, d, "run")
            deadline = time.monotonic() + 120
            while sink.data_started < 1 and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            env = {**os.environ, "PYTHONPATH": str(REPO)}
            send = subprocess.run([sys.executable, "-m", "briefing", "send", "--config", str(cfg), "--date", DAY],
                                  capture_output=True, text=True, timeout=120, env=env)
            code = run.wait(timeout=120)
            self.transcripts += [send.stdout, send.stderr]
        copies = {a: sink.accepted[a] for a in self.SUBSCRIBERS}
        dup = [a for a, n in copies.items() if n > 1]
        ok = code == 0 and not dup and all(n == 1 for n in copies.values()) and self.integrity(d) == "ok"
        return Row("concurrent", fault, f"run exit {code}, send exit {send.returncode} ({_short(send.stderr or send.stdout, 60)}); copies per subscriber {copies}"
                   + (f"; DUPLICATES {dup}" if dup else ""), ok, any(n == 0 for n in copies.values()))

    # -- configuration --------------------------------------------------------------------------
    def config_errors(self) -> list[Row]:
        cases = [
            ("missing file", None, ("not found", "briefing init")),
            ("broken TOML", '[briefing]\ntitle = "unclosed\n', ("not valid TOML", "line")),
            ("wrong type", "[fetch]\nconcurrency = \"many\"\n", ("fetch.concurrency", "expected integer", "fix")),
            ("unknown key", "[fetch]\nconcurency = 4\n", ("fetch.concurency", "unknown key", 'did you mean "concurrency"')),
            ("feed URL that is not a URL", '[[feeds]]\nname = "X"\nurl = "not a url"\n', ("feeds[1].url", "not an http(s) URL", "fix")),
            ("unknown time zone", '[briefing]\ntimezone = "Europe/Berln"\n', ("briefing.timezone", "unknown time zone", "Europe/Berlin")),
        ]
        rows = []
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        for fault, text, wants in cases:
            d = self.folder("config " + fault)
            path = d / "feeds.toml"
            if text is not None:
                path.write_text(text, encoding="utf-8")
            r = subprocess.run([sys.executable, "-m", "briefing", "run", "--config", str(path)], capture_output=True, text=True, timeout=60, env=env, cwd=d)
            self.transcripts += [r.stdout, r.stderr]
            missing = [w for w in wants if w not in r.stderr]
            ok = r.returncode == 2 and not missing and "Traceback" not in r.stderr
            rows.append(Row("config", fault, f"exit {r.returncode}: {_short(r.stderr.replace(str(d), '.'), 110)}" + (f" (missing {missing})" if missing else ""), ok))
        return rows

    # -- secrets --------------------------------------------------------------------------------
    def secrets(self) -> list[Row]:
        rows = []
        # a failing feed that sends an Authorization header, and a mail server that quotes the password back
        d = self.folder("secrets")
        userinfo = self.server.base.replace("http://", f"http://reader:{URL_SECRET}@")
        cfg = self.config(d, [("Private feed", self.server.base + "/500", {"headers": {"Authorization": f"Bearer {SECRET}"}}),
                              ("Feed with a password in its URL", userinfo + "/redirect-loop", {}),
                              ("Feed with a password in its URL, 404", userinfo + "/404", {})])
        self.run(cfg)
        env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "250"}
        chk = subprocess.run([sys.executable, "-m", "briefing", "feeds", "check", "--config", str(cfg)], capture_output=True, text=True, timeout=120, env=env)
        self.transcripts += [chk.stdout, chk.stderr]
        if self.deliver is not None:
            from briefing.config import load_config
            from briefing.errors import BriefingError
            from briefing.store import Store

            with SmtpSink("auth-echo") as sink, Store(d / "state" / "mail.db") as store:
                mcfg = load_config(self.mail_config(self.folder("secrets mail"), sink.port, user="briefing"))
                try:
                    rep = self.deliver.deliver_digest(self.baseline(), mcfg, store, sleep=lambda s: None)
                    self.transcripts += [rep.summary(), str(rep.failed), str(rep.deferred)]
                except BriefingError as exc:
                    self.transcripts.append(str(exc))
                self.transcripts += [str(r.get("error")) for r in store.deliveries(DAY)]
        places: list[str] = []
        for path in self.work.rglob("*"):
            if path.is_file() and path.name != "feeds.toml" and SECRET.encode() in path.read_bytes():
                places.append(str(path.relative_to(self.work)))
        places += [f"message: {_short(t, 80)}" for t in self.transcripts if SECRET in t or URL_SECRET in t]
        # a password in a feed URL is in feeds.toml and the state database by necessity; never in what is published
        places += [str(p.relative_to(self.work)) for p in self.work.rglob("out/*") if p.is_file() and URL_SECRET.encode() in p.read_bytes()]
        what = ("SMTP password (server quoting it back in a 535), " if self.deliver else "") + \
            "a feed's Authorization header, a password in a failing feed's URL"
        rows.append(Row("secrets", "secrets in logs, errors, pages, database", f"{what}: searched {len(self.transcripts)} messages and every file: "
                        + (f"FOUND in {places[:4]}" if places else "not found anywhere"), not places))
        return rows

    # -- all --------------------------------------------------------------------------------------
    def run_all(self) -> list[Row]:
        os.environ["BRIEFING_SMTP_PASSWORD"] = SECRET
        with self.server:
            t0 = time.monotonic()
            if self.wants("feeds"):
                self.log("feeds")
                self.feeds()
            for group, fn in (("pages", self.pages), ("hostile", self.hostile), ("internal", self.internal), ("health", self.health)):
                self.log(group)
                self.guarded(group, group, fn)
            if self.wants("mail"):
                self.log("mail")
                self.mail()
            if self.wants("crash"):
                self.log("crash")
                self.crashes()
            self.log("concurrent")
            self.guarded("concurrent", "two runs at once", self.concurrent)
            self.guarded("concurrent", "`briefing send` while `briefing run` is sending", self.send_during_run)
            self.log("config")
            self.guarded("config", "configuration errors", self.config_errors)
            self.log("secrets")
            self.guarded("secrets", "secrets", self.secrets)
            self.seconds = time.monotonic() - t0
        return self.rows


def summary(rows: list[Row]) -> dict[str, int]:
    ran = [r for r in rows if not r.skipped]
    out = {"faults": len(ran), "survived": sum(r.survived for r in ran), "data_lost": sum(r.lost for r in ran)}
    if len(ran) != len(rows):
        out["skipped"] = len(rows) - len(ran)
    return out


def print_table(rows: list[Row]) -> None:
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # pragma: no cover - rich is a dependency
        for r in rows:
            print(f"{r.fault} | {r.did or r.skipped} | {'skipped' if r.skipped else 'yes' if r.survived else 'NO'} | {'-' if r.skipped else 'YES' if r.lost else 'no'}")
        return
    table = Table(title="Fault injection", show_lines=False)
    for col, kw in (("fault", {"max_width": 44}), ("what the project did", {"ratio": 1}), ("survived", {"justify": "center"}), ("data lost", {"justify": "center"})):
        table.add_column(col, **kw)
    for r in rows:
        survived = "[yellow]skipped[/]" if r.skipped else "[green]yes[/]" if r.survived else "[red]NO[/]"
        lost = "-" if r.skipped else "[red]YES[/]" if r.lost else "[green]no[/]"
        table.add_row(f"{r.group}: {r.fault}", r.skipped or r.did, survived, lost)
    Console(width=max(160, shutil.get_terminal_size((160, 40)).columns), highlight=False).print(table)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", help=f"comma-separated groups: {', '.join(GROUPS)}")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    work = Path(tempfile.mkdtemp(prefix="briefing-faults-"))
    t0 = time.monotonic()
    try:
        suite = Suite(work, only, log=lambda m: print(m, file=sys.stderr, flush=True))
        rows = suite.run_all()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work folder kept: {work}", file=sys.stderr)
    print_table(rows)
    result = summary(rows)
    skipped = [r for r in rows if r.skipped]
    if skipped:
        print(f"{len(skipped)} rows skipped: " + "; ".join(sorted({r.skipped for r in skipped})))
    print(f"{len(rows)} rows in {time.monotonic() - t0:.0f} s")
    print(json.dumps(result))
    return 0 if result["survived"] == result["faults"] and result["data_lost"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
