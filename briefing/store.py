"""Everything durable, in one SQLite file (WAL mode).

Migrations are ordered and recorded in ``schema_migrations``; each runs in its own transaction, so
a crash between two leaves a database that the next start finishes migrating. Every write that a
later stage depends on is committed before that stage starts, so a killed run loses nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import BriefingError
from .models import Article

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "feeds, entries, articles, runs",
        """
        CREATE TABLE feeds (
            name TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            permanent_url TEXT,
            etag TEXT,
            last_modified TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            disabled_reason TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            last_status INTEGER,
            last_error TEXT,
            last_fetched TEXT,
            last_ok TEXT,
            retry_after_until TEXT,
            items_last INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE entries (
            feed TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            title TEXT,
            link TEXT,
            published TEXT,
            seen_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'new',
            PRIMARY KEY (feed, entry_id)
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL,
            feed TEXT NOT NULL,
            source TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            published TEXT,
            author TEXT,
            site_name TEXT,
            image TEXT,
            lang TEXT,
            content_hash TEXT NOT NULL,
            weight REAL NOT NULL DEFAULT 1.0,
            tags TEXT NOT NULL DEFAULT '[]',
            extraction TEXT NOT NULL DEFAULT 'page',
            fetched_at TEXT NOT NULL,
            UNIQUE (feed, entry_id)
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            digest_date TEXT,
            stats TEXT NOT NULL DEFAULT '{}'
        );
        """,
    ),
    (
        2,
        "embeddings cache",
        """
        CREATE TABLE embeddings (
            content_hash TEXT NOT NULL,
            model TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (content_hash, model)
        );
        """,
    ),
    (
        3,
        "stories, digests, deliveries",
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            first_date TEXT NOT NULL,
            last_date TEXT NOT NULL,
            headline TEXT NOT NULL,
            days INTEGER NOT NULL DEFAULT 1,
            centroid BLOB,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE story_articles (
            story_id TEXT NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE TABLE digests (
            date TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            created_at TEXT NOT NULL,
            data TEXT NOT NULL
        );
        CREATE TABLE digest_stories (
            date TEXT NOT NULL,
            story_id TEXT NOT NULL,
            rank INTEGER NOT NULL,
            headline TEXT NOT NULL,
            takeaways TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (date, story_id)
        );
        CREATE TABLE deliveries (
            digest_date TEXT NOT NULL,
            address TEXT NOT NULL,
            message_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (digest_date, address)
        );
        CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,
            response TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
    ),
    (
        4,
        "full-text search",
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='id');
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE VIRTUAL TABLE digest_stories_fts USING fts5(date UNINDEXED, story_id UNINDEXED, headline, takeaways);
        """,
    ),
]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(value)
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


class Store:
    """A thin, explicit layer over sqlite3. One instance per process; not shared across threads."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise BriefingError(
                f"cannot open the database {self.path}: {exc}",
                hint="check that paths.state_dir exists and is writable",
            ) from None
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA busy_timeout=30000")
        self.migrate()

    # -- plumbing -------------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: all or nothing."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def migrate(self) -> list[int]:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            with self.tx() as db:
                # re-check inside the write lock: another process may have migrated meanwhile
                if db.execute("SELECT 1 FROM schema_migrations WHERE version=?", (version,)).fetchone():
                    continue
                for statement in _split_sql(sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
            applied.append(version)
        return applied

    def integrity_check(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]

    # -- feeds ----------------------------------------------------------------------------
    def feed_state(self, name: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM feeds WHERE name=?", (name,)).fetchone()
        return dict(row) if row else None

    def all_feed_states(self) -> dict[str, dict[str, Any]]:
        return {r["name"]: dict(r) for r in self.db.execute("SELECT * FROM feeds")}

    def ensure_feed(self, name: str, url: str) -> dict[str, Any]:
        """Create the feed's row; when feeds.toml changed its URL, forget the old validators."""
        with self.tx() as db:
            row = db.execute("SELECT url FROM feeds WHERE name=?", (name,)).fetchone()
            if row is None:
                db.execute("INSERT INTO feeds(name, url) VALUES (?, ?)", (name, url))
            elif row["url"] != url:
                db.execute(
                    "UPDATE feeds SET url=?, permanent_url=NULL, etag=NULL, last_modified=NULL, disabled=0, "
                    "disabled_reason=NULL, consecutive_failures=0 WHERE name=?",
                    (url, name),
                )
        return self.feed_state(name) or {}

    def record_feed_fetch(
        self,
        name: str,
        *,
        ok: bool,
        status: int | None,
        error: str | None,
        etag: str | None = None,
        last_modified: str | None = None,
        permanent_url: str | None = None,
        items: int | None = None,
        retry_after_until: str | None = None,
        disable_reason: str | None = None,
        max_failures: int = 5,
    ) -> dict[str, Any]:
        with self.tx() as db:
            row = db.execute("SELECT * FROM feeds WHERE name=?", (name,)).fetchone()
            failures = 0 if ok else (row["consecutive_failures"] if row else 0) + 1
            disabled = int(bool(disable_reason)) or int(failures >= max_failures > 0)
            reason = disable_reason or (f"{failures} consecutive failures; last: {error}" if disabled else None)
            now = now_iso()
            db.execute(
                """UPDATE feeds SET consecutive_failures=?, last_status=?, last_error=?, last_fetched=?,
                   last_ok=CASE WHEN ? THEN ? ELSE last_ok END,
                   etag=CASE WHEN ? THEN ? ELSE etag END,
                   last_modified=CASE WHEN ? THEN ? ELSE last_modified END,
                   permanent_url=COALESCE(?, permanent_url),
                   items_last=COALESCE(?, items_last),
                   retry_after_until=?,
                   disabled=MAX(disabled, ?), disabled_reason=COALESCE(?, disabled_reason)
                   WHERE name=?""",
                (
                    failures, status, error, now,
                    ok, now,
                    etag is not None, etag,
                    last_modified is not None, last_modified,
                    permanent_url, items, retry_after_until, disabled, reason, name,
                ),
            )
        return self.feed_state(name) or {}

    def set_validators(self, name: str, etag: str | None, last_modified: str | None) -> None:
        """Remember a feed's ETag/Last-Modified; called only once the items of that response are stored
        (stored earlier, a run killed in between would get 304 next time and never see those items)."""
        with self.tx() as db:
            db.execute(  # a validator the response did not carry is kept, as record_feed_fetch did
                "UPDATE feeds SET etag=COALESCE(?, etag), last_modified=COALESCE(?, last_modified) WHERE name=?",
                (etag, last_modified, name),
            )

    def enable_feed(self, name: str) -> None:
        with self.tx() as db:
            db.execute(
                "UPDATE feeds SET disabled=0, disabled_reason=NULL, consecutive_failures=0 WHERE name=?", (name,)
            )

    # -- entries and articles -------------------------------------------------------------
    def seen_entry_ids(self, feed: str, entry_ids: Iterable[str]) -> set[str]:
        ids = list(entry_ids)
        seen: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT entry_id FROM entries WHERE feed=? AND entry_id IN ({','.join('?' * len(chunk))}) AND state != 'new'"
            seen.update(r[0] for r in self.db.execute(q, (feed, *chunk)))
        return seen

    def mark_entries(self, feed: str, rows: Iterable[tuple[str, str, str | None, datetime | None]], state: str) -> None:
        """Record entries (entry_id, title, link, published) with a state: 'new', 'stored', 'dropped', 'failed'."""
        now = now_iso()
        with self.tx() as db:
            db.executemany(
                """INSERT INTO entries(feed, entry_id, title, link, published, seen_at, state) VALUES (?,?,?,?,?,?,?)
                   ON CONFLICT(feed, entry_id) DO UPDATE SET state=excluded.state""",
                [(feed, eid, title, link, _iso(pub), now, state) for eid, title, link, pub in rows],
            )

    def save_articles(self, articles: list[Article]) -> list[Article]:
        """Insert articles (ignoring ones already stored) and mark their entries stored; one transaction."""
        now = now_iso()
        with self.tx() as db:
            for a in articles:
                cur = db.execute(
                    """INSERT INTO articles(entry_id, feed, source, url, title, text, published, author, site_name,
                       image, lang, content_hash, weight, tags, extraction, fetched_at)
                       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(feed, entry_id) DO NOTHING""",
                    (
                        a.entry_id, a.feed, a.source, a.url, a.title, a.text, _iso(a.published), a.author,
                        a.site_name, a.image, a.lang, a.content_hash, a.weight, json.dumps(a.tags), a.extraction, now,
                    ),
                )
                if cur.rowcount:
                    a.id = cur.lastrowid
                else:
                    a.id = db.execute("SELECT id FROM articles WHERE feed=? AND entry_id=?", (a.feed, a.entry_id)).fetchone()[0]
                db.execute(
                    """INSERT INTO entries(feed, entry_id, title, link, published, seen_at, state) VALUES (?,?,?,?,?,?,'stored')
                       ON CONFLICT(feed, entry_id) DO UPDATE SET state='stored'""",
                    (a.feed, a.entry_id, a.title, a.url, _iso(a.published), now),
                )
        return articles

    @staticmethod
    def _article(row: sqlite3.Row) -> Article:
        return Article(
            id=row["id"], entry_id=row["entry_id"], feed=row["feed"], source=row["source"], url=row["url"],
            title=row["title"], text=row["text"], published=_dt(row["published"]), author=row["author"],
            site_name=row["site_name"], image=row["image"], lang=row["lang"], content_hash=row["content_hash"],
            weight=row["weight"], tags=json.loads(row["tags"]), extraction=row["extraction"],
        )

    def articles_between(self, start: datetime, end: datetime) -> list[Article]:
        """Articles published (or, without a date, fetched) in [start, end)."""
        rows = self.db.execute(
            """SELECT * FROM articles WHERE COALESCE(published, fetched_at) >= ? AND COALESCE(published, fetched_at) < ?
               ORDER BY COALESCE(published, fetched_at), id""",
            (_iso(start), _iso(end)),
        )
        return [self._article(r) for r in rows]

    def articles_by_ids(self, ids: Iterable[int]) -> list[Article]:
        ids = list(ids)
        if not ids:
            return []
        q = f"SELECT * FROM articles WHERE id IN ({','.join('?' * len(ids))})"
        return [self._article(r) for r in self.db.execute(q, ids)]

    def count(self, table: str) -> int:
        return self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - internal names only

    # -- embeddings -----------------------------------------------------------------------
    def get_embeddings(self, model: str, hashes: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            q = f"SELECT content_hash, vector FROM embeddings WHERE model=? AND content_hash IN ({','.join('?' * len(chunk))})"
            out.update((r[0], r[1]) for r in self.db.execute(q, (model, *chunk)))
        return out

    def put_embeddings(self, model: str, items: list[tuple[str, int, bytes]]) -> None:
        with self.tx() as db:
            db.executemany(
                "INSERT OR REPLACE INTO embeddings(content_hash, model, dim, vector) VALUES (?, ?, ?, ?)",
                [(h, model, dim, blob) for h, dim, blob in items],
            )

    # -- runs -----------------------------------------------------------------------------
    def start_run(self, digest_date: str) -> int:
        with self.tx() as db:
            cur = db.execute("INSERT INTO runs(started, digest_date) VALUES (?, ?)", (now_iso(), digest_date))
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self.tx() as db:
            db.execute(
                "UPDATE runs SET finished=?, status=?, stats=? WHERE id=?",
                (now_iso(), status, json.dumps(stats, default=str), run_id),
            )

    # -- digests and stories ----------------------------------------------------------------
    def get_digest(self, date: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM digests WHERE date=?", (date,)).fetchone()
        return json.loads(row[0]) if row else None

    def digest_dates(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT date FROM digests ORDER BY date DESC")]

    def save_digest(self, date: str, title: str, data: dict[str, Any], stories: list[dict[str, Any]]) -> None:
        """Store the digest and what it told about each story, atomically (replacing a same-day digest)."""
        with self.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO digests(date, title, created_at, data) VALUES (?,?,?,?)",
                (date, title, now_iso(), json.dumps(data, default=str)),
            )
            db.execute("DELETE FROM digest_stories WHERE date=?", (date,))
            db.execute("DELETE FROM digest_stories_fts WHERE date=?", (date,))
            for s in stories:
                db.execute(
                    "INSERT INTO digest_stories(date, story_id, rank, headline, takeaways) VALUES (?,?,?,?,?)",
                    (date, s["id"], s["rank"], s["headline"], json.dumps(s["takeaways"])),
                )
                db.execute(
                    "INSERT INTO digest_stories_fts(date, story_id, headline, takeaways) VALUES (?,?,?,?)",
                    (date, s["id"], s["headline"], " ".join(s["takeaways"])),
                )

    # -- deliveries -------------------------------------------------------------------------
    def delivery(self, date: str, address: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM deliveries WHERE digest_date=? AND address=?", (date, address)).fetchone()
        return dict(row) if row else None

    def record_delivery(self, date: str, address: str, message_id: str, status: str, attempts: int, error: str | None) -> None:
        with self.tx() as db:
            db.execute(
                """INSERT INTO deliveries(digest_date, address, message_id, status, attempts, error, updated_at)
                   VALUES (?,?,?,?,?,?,?) ON CONFLICT(digest_date, address) DO UPDATE SET
                   message_id=excluded.message_id, status=excluded.status, attempts=excluded.attempts,
                   error=excluded.error, updated_at=excluded.updated_at""",
                (date, address, message_id, status, attempts, error, now_iso()),
            )

    def deliveries(self, date: str) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute("SELECT * FROM deliveries WHERE digest_date=? ORDER BY address", (date,))]

    # -- LLM answers (summarize) ---------------------------------------------------------------
    def llm_cache_get(self, key: str) -> str | None:
        """A cached chat-completions answer for this prompt hash, or None."""
        row = self.db.execute("SELECT response FROM llm_cache WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def llm_cache_put(self, key: str, response: str) -> None:
        with self.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_cache(key, response, created_at) VALUES (?, ?, ?)", (key, response, now_iso())
            )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies (BEGIN ... END;) whole."""
    statements, buf = [], []
    depth = 0
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            depth = 1
        if depth and upper == "END;":
            depth = 0
        if not depth and stripped.endswith(";"):
            statements.append("\n".join(buf))
            buf = []
    if buf:
        statements.append("\n".join(buf))
    return statements
