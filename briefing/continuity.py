"""Story continuity across days: yesterday's story must not come back as if it were new.

A story of today continues an earlier one when they share an article (the window overlaps the
previous day) or when their centroids are close and the earlier story is recent. A continued
story keeps the earlier story's id (so its permalink anchor stays stable), is marked "Day N", links
to its earlier coverage, and keeps only takeaways not already given in an earlier digest. A story
with nothing new is left out of the digest and counted.

This stage reads and writes the store through the narrow functions below (``load_history`` and
``record``), which pipeline.py calls; the matching itself is pure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta

import numpy as np

from .models import Encoder, Story, Takeaway

CENTROID_MATCH = 0.78  # title+lead centroid cosine for a continuation without shared articles
TAKEAWAY_SAME = 0.88  # cosine above which two takeaways say the same thing
LOOKBACK_DAYS = 14
_NORM = re.compile(r"[^a-z0-9]+")


@dataclass
class EarlierStory:
    id: str
    headline: str
    dates: list[str]  # digest dates it appeared in, oldest first
    article_ids: set[int]
    centroid: np.ndarray | None
    takeaways: list[str] = field(default_factory=list)


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def load_history(store, *, before: str) -> list[EarlierStory]:
    """Stories shown in digests dated before ``before`` (within the look-back), with what they said."""
    since = (Date.fromisoformat(before) - timedelta(days=LOOKBACK_DAYS)).isoformat()
    rows = store.db.execute(
        "SELECT date, story_id, headline, takeaways FROM digest_stories WHERE date < ? AND date >= ? ORDER BY date",
        (before, since),
    ).fetchall()
    stories: dict[str, EarlierStory] = {}
    for r in rows:
        s = stories.get(r["story_id"])
        if s is None:
            s = stories[r["story_id"]] = EarlierStory(r["story_id"], r["headline"], [], set(), None)
        if r["date"] not in s.dates:
            s.dates.append(r["date"])
        s.takeaways += json.loads(r["takeaways"])
        s.headline = r["headline"]
    for sid, s in stories.items():
        s.article_ids = {r[0] for r in store.db.execute("SELECT article_id FROM story_articles WHERE story_id=?", (sid,))}
        row = store.db.execute("SELECT centroid FROM stories WHERE id=?", (sid,)).fetchone()
        if row and row["centroid"]:
            s.centroid = np.frombuffer(row["centroid"], dtype=np.float32)
    return list(stories.values())


def _centroid(story: Story, encoder: Encoder) -> np.ndarray:
    # one text per article group (wire copies are one text), as merging embeds them: no new vectors
    vecs = np.asarray(encoder([g.primary.title_lead for g in story.groups]), dtype=np.float32)
    c = vecs.mean(axis=0)
    n = float(np.linalg.norm(c))
    return c / n if n else c


def link_stories(stories: list[Story], history: list[EarlierStory], encoder: Encoder, *, date: str) -> list[Story]:
    """Give continuing stories their earlier id, their day number and links to earlier coverage."""
    if not history or not stories:
        return stories
    candidates: list[tuple[float, int, int]] = []  # (score, story index, earlier index)
    cents = [_centroid(s, encoder) for s in stories]
    for i, s in enumerate(stories):
        ids = {a.id for a in s.articles if a.id is not None}
        for j, e in enumerate(history):
            shared = len(ids & e.article_ids)
            cos = float(cents[i] @ e.centroid) if e.centroid is not None and e.centroid.shape == cents[i].shape else 0.0
            if shared:
                candidates.append((2.0 + shared / max(1, len(ids)), i, j))
            elif cos >= CENTROID_MATCH:
                candidates.append((cos, i, j))
    used_s: set[int] = set()
    used_e: set[int] = set()
    for _score, i, j in sorted(candidates, reverse=True):
        if i in used_s or j in used_e:
            continue
        used_s.add(i)
        used_e.add(j)
        e, s = history[j], stories[i]
        s.id = e.id
        s.day = len(e.dates) + 1
        s.earlier = [(d, f"{d}.html#{e.id}") for d in e.dates]
    return stories


def new_part(story: Story, history: list[EarlierStory]) -> Story | None:
    """For a continuing story, the part that is new since it was last shown (None: nothing new).

    The takeaways of a developing story come from its new articles, so what the reader sees is the
    development, not yesterday's report again.
    """
    if story.day <= 1:
        return story
    earlier = next((e for e in history if e.id == story.id), None)
    if earlier is None:
        return story
    fresh = [g for g in story.groups if any(a.id not in earlier.article_ids for a in g.articles)]
    if not fresh:
        return None
    return Story(id=story.id, groups=fresh, evidence=story.evidence, day=story.day, earlier=story.earlier)


def keep_new(stories: list[Story], history: list[EarlierStory], encoder: Encoder) -> tuple[list[Story], list[Story]]:
    """Drop takeaways already given for the same story; split stories into (with news, without)."""
    by_id = {e.id: e for e in history}
    fresh: list[Story] = []
    stale: list[Story] = []
    for s in stories:
        e = by_id.get(s.id)
        if e is None or s.day <= 1:
            fresh.append(s)
            continue
        given = [t for t in e.takeaways if t]
        given_norm = {_norm(t) for t in given}
        kept: list[Takeaway] = []
        if s.takeaways:
            new_vecs = np.asarray(encoder([t.text for t in s.takeaways]), dtype=np.float32)
            old_vecs = np.asarray(encoder(given), dtype=np.float32) if given else np.zeros((0, new_vecs.shape[1]), np.float32)
            for t, v in zip(s.takeaways, new_vecs, strict=True):
                same = _norm(t.text) in given_norm or (len(old_vecs) and float((old_vecs @ v).max()) >= TAKEAWAY_SAME)
                if not same:
                    kept.append(t)
        s.takeaways = kept
        s.has_news = bool(kept)
        (fresh if s.has_news else stale).append(s)
    return fresh, stale


def record(store, digest, stories: list[Story], encoder: Encoder) -> None:
    """Remember every story's articles and centroid, for tomorrow's matching (one transaction)."""
    shown = {s.id for s in digest.stories}
    # embedded before the transaction: the embedding cache writes to the same database
    centroids = [_centroid(s, encoder).astype(np.float32).tobytes() for s in stories]
    with store.tx() as db:
        for s, c in zip(stories, centroids, strict=True):
            row = db.execute("SELECT first_date FROM stories WHERE id=?", (s.id,)).fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO stories(id, first_date, last_date, headline, days, centroid) VALUES (?,?,?,?,?,?)",
                    (s.id, digest.date, digest.date, s.headline, s.day, c),
                )
            elif s.id in shown:
                db.execute(
                    "UPDATE stories SET last_date=MAX(last_date, ?), headline=?, days=?, centroid=? WHERE id=?",
                    (digest.date, s.headline, s.day, c, s.id),
                )
            db.executemany(
                "INSERT OR IGNORE INTO story_articles(story_id, article_id) VALUES (?, ?)",
                [(s.id, a.id) for a in s.articles if a.id is not None],
            )
