"""Collapse wire copies: the same report syndicated (or reposted) on several sites.

Two articles are copies when their texts are nearly the same word for word. A cheap filter finds
candidates without comparing every pair: MinHash signatures of word 5-shingles bucketed by LSH
(banding, in numpy: importing datasketch alone costs seconds). Each candidate pair is then confirmed by the exact Jaccard similarity of the
shingle sets, or, for short texts where shingles are few, by the cosine of the title+lead
embeddings. Confirmed pairs are joined (union-find) into one ArticleGroup that keeps every
outlet; the group records the lowest similarity of a copy to its primary.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from .models import Article, ArticleGroup

SHINGLE = 5  # words per shingle: long enough that shared phrasing, not shared topic, matches
NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Lower-cased word k-shingles of a text (the whole text when it is shorter than k words)."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _primary_key(a: Article) -> tuple:
    """The primary of a group is the earliest copy (the likely origin), then the longest text."""
    ts = a.published.timestamp() if a.published else float("inf")
    return (ts, -len(a.text), a.entry_id)


_PRIME = (1 << 61) - 1
_RNG = np.random.default_rng(20240501)
_PERM_A = _RNG.integers(1, 1 << 31, size=NUM_PERM, dtype=np.uint64)
_PERM_B = _RNG.integers(0, 1 << 31, size=NUM_PERM, dtype=np.uint64)
BANDS = 16  # 16 bands x 4 rows: pairs with Jaccard >= ~0.5 collide in some band with p > 0.6


def minhash(items: set[str]) -> np.ndarray:
    """A NUM_PERM MinHash signature of a shingle set (crc32 hashes, universal permutations)."""
    h = np.fromiter((zlib.crc32(x.encode("utf-8")) for x in items), dtype=np.uint64, count=len(items))
    # (a*h + b) mod 2^32 keeps products inside uint64 without overflow concerns for crc32 inputs
    perm = (h[:, None] * _PERM_A[None, :] + _PERM_B[None, :]) & np.uint64(0xFFFFFFFF)
    return perm.min(axis=0)


def candidate_pairs(sets: Sequence[set[str]]) -> set[tuple[int, int]]:
    """Pairs that share a MinHash LSH band: likely copies, found without an all-pairs loop."""
    rows = NUM_PERM // BANDS
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i, s in enumerate(sets):
        if not s:
            continue
        sig = minhash(s)
        for band in range(BANDS):
            buckets.setdefault((band, sig[band * rows : (band + 1) * rows].tobytes()), []).append(i)
    pairs: set[tuple[int, int]] = set()
    for idx in buckets.values():
        if 1 < len(idx) <= 200:  # a bucket of hundreds is boilerplate, not copies
            pairs.update((idx[x], idx[y]) for x in range(len(idx)) for y in range(x + 1, len(idx)))
    return pairs


def collapse_copies(
    articles: list[Article],
    vectors: np.ndarray | None = None,
    *,
    jaccard_threshold: float = 0.6,
    cosine_threshold: float = 0.97,
    min_shingles: int = 20,
) -> list[ArticleGroup]:
    """Group near-identical articles; every input article ends up in exactly one group.

    ``vectors`` (title+lead embeddings, one row per article, L2-normalised) confirm copies of
    short texts, where a few changed words move Jaccard a lot. Groups keep the input order of
    their first member, so the result is deterministic.
    """
    n = len(articles)
    if n == 0:
        return []
    sets = [shingles(f"{a.title}\n{a.text}") for a in articles]
    parent = list(range(n))
    sim: dict[tuple[int, int], float] = {}
    pairs = candidate_pairs(sets)
    short = [i for i, s in enumerate(sets) if len(s) < min_shingles]
    if vectors is not None and short:  # LSH misses short texts: one changed word moves many shingles
        v = np.asarray(vectors, dtype=np.float32)
        for start in range(0, len(short), 512):
            rows = short[start : start + 512]
            r, c = np.nonzero(v[rows] @ v.T >= cosine_threshold)
            pairs.update((min(rows[x], y), max(rows[x], y)) for x, y in zip(r.tolist(), c.tolist(), strict=True) if rows[x] != y)
    for i, j in sorted(pairs):
        jac = jaccard(sets[i], sets[j])
        short = min(len(sets[i]), len(sets[j])) < min_shingles
        ok = jac >= jaccard_threshold
        if not ok and short and vectors is not None and jac >= jaccard_threshold / 2:
            ok = float(vectors[i] @ vectors[j]) >= cosine_threshold
        if ok:
            sim[(i, j)] = jac
            ri, rj = _find(parent, i), _find(parent, j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(_find(parent, i), []).append(i)
    groups = []
    for root in sorted(members):
        idx = members[root]
        ordered = sorted(idx, key=lambda k: _primary_key(articles[k]))
        p = ordered[0]
        lowest = 1.0
        for c in ordered[1:]:
            pair = (min(p, c), max(p, c))
            lowest = min(lowest, sim.get(pair, jaccard(sets[p], sets[c])))
        groups.append(
            ArticleGroup(primary=articles[p], copies=[articles[c] for c in ordered[1:]], similarity=round(lowest, 4))
        )
    return groups
