"""Full-text search over the archive (SQLite FTS5): stories shown in digests, and stored articles."""

from __future__ import annotations

import re
from typing import Any


def _fts_query(query: str) -> str:
    """Quote each word so user input cannot break FTS5 syntax; words are ANDed, the last one is a prefix."""
    words = re.findall(r"\w+", query)
    if not words:
        return '""'
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def search(store, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Stories and articles matching ``query``, newest first."""
    q = _fts_query(query)
    hits: list[dict[str, Any]] = []
    for r in store.db.execute(
        "SELECT date, story_id, headline FROM digest_stories_fts WHERE digest_stories_fts MATCH ? ORDER BY date DESC LIMIT ?",
        (q, limit),
    ):
        hits.append({"kind": "story", "date": r["date"], "title": r["headline"], "where": f"{r['date']}.html#{r['story_id']}", "id": r["story_id"]})
    for r in store.db.execute(
        """SELECT a.id, a.title, a.source, a.url, substr(COALESCE(a.published, a.fetched_at), 1, 10) AS day
           FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
           WHERE articles_fts MATCH ? ORDER BY COALESCE(a.published, a.fetched_at) DESC LIMIT ?""",
        (q, limit),
    ):
        hits.append({"kind": "article", "date": r["day"], "title": f"{r['title']} ({r['source']})", "where": r["url"] or "", "id": r["id"]})
    hits.sort(key=lambda h: (h["date"], h["kind"] == "story"), reverse=True)
    return hits[:limit]
