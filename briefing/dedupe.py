"""Collapse wire copies: the same report syndicated (or reposted) on several sites.

Two articles are copies when their texts are nearly the same word for word. A cheap filter finds
candidates without comparing every pair: MinHash signatures of word 5-shingles bucketed by LSH
(banding). Each candidate pair is then confirmed by the exact Jaccard similarity of the shingle
sets, or, for short texts where shingles are few, by the cosine of the title+lead embeddings.
Confirmed pairs are joined (connected components) into one ArticleGroup that keeps every outlet;
the group records the lowest similarity of a copy to its primary.

Everything runs on whole arrays, because a 20,000-article window is ~80 MB of text: tokens are
hashed on the UTF-8 bytes (``tokens.py``), shingle sets are one sorted array of (article, hash)
keys, signatures use one-permutation hashing, and exact Jaccard is a compiled merge of sorted runs.
The string functions ``shingles``, ``jaccard``, ``minhash`` and ``candidate_pairs`` remain for
small inputs and tests; the last two share the array code.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .models import Article, ArticleGroup
from .tokens import Tokens, map_chunks, pack_keys, sorted_unique

SHINGLE = 5  # words per shingle: long enough that shared phrasing, not shared topic, matches
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


def _primary_key(a: Article) -> tuple:
    """The primary of a group is the earliest copy (the likely origin), then the longest text."""
    ts = a.published.timestamp() if a.published else float("inf")
    return (ts, -len(a.text), a.entry_id)


NUM_PERM = 64  # signature length: one-permutation hashing into this many bins
BANDS = 16  # 16 bands x 4 rows: pairs with Jaccard >= ~0.5 collide in some band with p > 0.6
MAX_CHARS = 10_000  # copies are judged on their first 10,000 characters: enough to tell a copy, and
# the tails of very long pages would dominate the time
MAX_BUCKET = 200  # a band bucket of more texts than this is boilerplate, not copies
_BIN_BITS = 6  # log2(NUM_PERM)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_K = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
               0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)  # odd multipliers


def _hash_strings(items: Sequence[str]) -> np.ndarray:
    """64-bit hashes of shingle strings (the set-of-strings API; collapse_copies hashes tokens)."""
    return np.fromiter((int.from_bytes(hashlib.blake2b(x.encode("utf-8"), digest_size=8).digest(), "little")
                        for x in items), dtype=np.uint64, count=len(items))


def _keys(doc: np.ndarray, hashes: np.ndarray, n: int) -> tuple[np.ndarray, int]:
    """Each text's shingle set in one sorted array (``tokens.pack_keys``): a text's shingles come
    ordered by hash, so its MinHash bins and minima fall out of the sort."""
    return pack_keys(doc, hashes, n)


def _signatures(keys: np.ndarray, bits: int, n: int) -> np.ndarray:
    """(n, NUM_PERM) one-permutation MinHash signatures, densified; rows of empty texts stay _EMPTY.

    One hash per shingle (its top bits pick a bin, the rest is the value; the minimum per bin is
    kept) instead of NUM_PERM permutations: the same collision probability (= Jaccard) at 1/64 of
    the work. Empty bins borrow the next non-empty bin's value, offset by the distance, so two
    short texts still agree bin by bin about as often as their Jaccard (Shrivastava & Li, 2014).
    """
    sig = np.full((n, NUM_PERM), _EMPTY, dtype=np.uint64)
    if len(keys) == 0:
        return sig
    vbits = np.uint64(bits - _BIN_BITS)
    group = keys >> vbits  # doc and bin
    first = np.flatnonzero(np.concatenate([[True], group[1:] != group[:-1]]))
    g = group[first]
    sig[(g >> np.uint64(_BIN_BITS)).astype(np.int64), (g & np.uint64(NUM_PERM - 1)).astype(np.int64)] = (
        keys[first] & ((np.uint64(1) << vbits) - np.uint64(1)))
    full = sig != _EMPTY
    rows = np.flatnonzero(full.any(axis=1) & ~full.all(axis=1))
    if len(rows):
        cols = np.arange(2 * NUM_PERM)
        idx = np.where(np.tile(full[rows], 2), cols, 4 * NUM_PERM)
        nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1][:, :NUM_PERM]
        borrowed = sig[rows[:, None], nxt % NUM_PERM] + (nxt - cols[:NUM_PERM]).astype(np.uint64) * _K[0]
        sig[rows] = np.where(full[rows], sig[rows], borrowed)
    return sig


def _band_pairs(sig: np.ndarray) -> np.ndarray:
    """(m, 2) pairs i < j of rows equal in all rows of some band (LSH), without a pairwise loop."""
    n = len(sig)
    rows = NUM_PERM // BANDS
    live = np.flatnonzero(sig[:, 0] != _EMPTY)
    if len(live) < 2:
        return np.zeros((0, 2), dtype=np.int64)
    s = sig[live].reshape(len(live), BANDS, rows)
    h = np.zeros((len(live), BANDS), dtype=np.uint64)
    for r in range(rows):
        h += s[:, :, r] * _K[r]
    h = (h ^ (h >> np.uint64(29))) * _K[4] + np.arange(BANDS, dtype=np.uint64) * _K[5]
    flat = h.ravel()
    who = np.repeat(live, BANDS)
    order = np.argsort(flat, kind="stable")
    flat, who = flat[order], who[order]
    bounds = np.flatnonzero(np.concatenate([[True], flat[1:] != flat[:-1], [True]]))
    start, size = bounds[:-1], np.diff(bounds)
    keep = (size > 1) & (size <= MAX_BUCKET)
    start, size = start[keep], size[keep]
    if len(start) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    # every pair inside every bucket: element at offset o pairs with the size - 1 - o after it
    pos = np.repeat(start, size) + (np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size))
    after = np.repeat(start + size, size) - pos - 1
    left = np.repeat(pos, after)
    right = left + 1 + (np.arange(after.sum()) - np.repeat(np.cumsum(after) - after, after))
    a, b = who[left], who[right]
    code = sorted_unique(np.minimum(a, b) * n + np.maximum(a, b))
    return np.stack([code // n, code % n], axis=1)


def _intersections(keys: np.ndarray, bits: int, offsets: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Shared shingles of each pair, exactly: sorted merges of the two sets (compiled)."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64)
    from .kernels import shared_counts  # numba: loaded on first use

    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    return shared_counts(keys, mask, offsets.astype(np.int64), pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64))


def _jaccards(keys: np.ndarray, bits: int, offsets: np.ndarray, size: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of each pair (0 for two empty sets)."""
    shared = _intersections(keys, bits, offsets, pairs)
    union = size[pairs[:, 0]] + size[pairs[:, 1]] - shared
    return np.where(union > 0, shared / np.maximum(union, 1), 0.0)


def _close_pairs(v: np.ndarray, rows: np.ndarray, threshold: float) -> np.ndarray:
    """(m, 2) pairs i < j, i or j among ``rows``, whose vectors reach ``threshold`` (blocks of rows:
    no n x n matrix); a pair of two such rows may come twice."""
    found = [np.zeros((0, 2), dtype=np.int64)]
    for start in range(0, len(rows), 512):
        sel = rows[start : start + 512]
        r, c = np.nonzero(v[sel] @ v.T >= threshold)
        r = sel[r]
        keep = r != c
        found.append(np.stack([np.minimum(r, c)[keep], np.maximum(r, c)[keep]], axis=1))
    return np.concatenate(found)


def _components(n: int, link: np.ndarray) -> list[list[int]]:
    """Connected components of the pairs ``link`` over n items, each in order, ordered by their first item."""
    graph = sp.coo_matrix((np.ones(len(link)), (link[:, 0], link[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for i, lab in enumerate(label.tolist()):
        members.setdefault(lab, []).append(i)
    return list(members.values())


def minhash(items: set[str]) -> np.ndarray:
    """A NUM_PERM MinHash signature of a shingle set (the same bins collapse_copies uses)."""
    hashes = _hash_strings(sorted(items))
    keys, bits = _keys(np.zeros(len(hashes), dtype=np.int64), hashes, 1)
    return _signatures(keys, bits, 1)[0]


def candidate_pairs(sets: Sequence[set[str]]) -> set[tuple[int, int]]:
    """Pairs that share a MinHash LSH band: likely copies, found without an all-pairs loop."""
    doc = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
    hashes = _hash_strings([x for s in sets for x in s])
    keys, bits = _keys(doc, hashes, len(sets))
    return {(int(i), int(j)) for i, j in _band_pairs(_signatures(keys, bits, len(sets)))}


def _shingles_of(t: Tokens, k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """(text index, hash) of every word k-shingle of the texts in ``t``, as in ``shingles`` (a
    text of fewer than k words is one shingle of all its words)."""
    count = np.diff(t.offsets)
    h = t.hashes
    nk = max(0, len(h) - k + 1)
    acc = np.zeros(nk, dtype=np.uint64)
    for m in range(k):
        acc += h[m : m + nk] * _K[m]
    full = np.flatnonzero(t.doc[:nk] == t.doc[k - 1 : k - 1 + nk])
    short = np.flatnonzero((count > 0) & (count < k))
    tail = np.zeros(len(short), dtype=np.uint64)
    for m in range(k - 1):
        has = count[short] > m
        tail[has] += h[t.offsets[short[has]] + m] * _K[m]
    hashes = np.concatenate([acc[full], tail])
    hashes = (hashes ^ (hashes >> np.uint64(31))) * _K[5]
    return np.concatenate([t.doc[full], short + t.first]), hashes ^ (hashes >> np.uint64(29))


def _shingle_keys(texts: Sequence[str], k: int = SHINGLE) -> tuple[np.ndarray, int]:
    """``_keys`` of every word k-shingle of every text, built and sorted chunk by chunk (texts
    are in order, so the sorted chunks concatenate into one sorted array)."""
    n = len(texts)

    def one(t: Tokens) -> np.ndarray:
        return _keys(*_shingles_of(t, k), n)[0]

    got = map_chunks(texts, one, detail=False)
    bits = 64 - max(1, int(n).bit_length())
    return (np.concatenate(got) if got else np.zeros(0, np.uint64)), bits


def collapse_copies(
    articles: list[Article],
    vectors: np.ndarray | None = None,
    *,
    jaccard_threshold: float = 0.6,
    cosine_threshold: float = 0.97,
    min_shingles: int = 20,
    confirm: Callable[[list[Article]], np.ndarray] | None = None,
) -> list[ArticleGroup]:
    """Group near-identical articles; every input article ends up in exactly one group.

    ``vectors`` (title+lead embeddings, one row per article, L2-normalised) confirm copies of
    short texts, where a few changed words move Jaccard a lot. Groups keep the input order of
    their first member, so the result is deterministic. Shingle sets live in one sorted array of
    (article, hash) keys, so signatures, buckets and exact Jaccard are whole-array operations.

    ``confirm`` instead of ``vectors``: copies are found by shingles alone first, then
    ``confirm(primaries)`` embeds only the groups' primaries (a copy need not be embedded) and
    short primaries are joined by their vectors, as ``vectors`` would (``_join_short``).
    """
    n = len(articles)
    if n == 0:
        return []
    keys, bits = _shingle_keys([f"{a.title}\n{a.text[:MAX_CHARS]}" for a in articles])
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount((keys >> np.uint64(bits)).astype(np.int64), minlength=n))
    size = np.diff(offsets)
    pairs = [_band_pairs(_signatures(keys, bits, n))]
    short = np.flatnonzero(size < min_shingles)
    v = None if vectors is None else np.asarray(vectors, dtype=np.float32)
    if v is not None and len(short):  # LSH misses short texts: one changed word moves many shingles
        pairs.append(_close_pairs(v, short, cosine_threshold))
    code = sorted_unique(np.concatenate([p[:, 0] * n + p[:, 1] for p in pairs]))
    cand = np.stack([code // n, code % n], axis=1)
    jac = _jaccards(keys, bits, offsets, size, cand)
    ok = jac >= jaccard_threshold
    if v is not None:
        maybe = ~ok & (np.minimum(size[cand[:, 0]], size[cand[:, 1]]) < min_shingles) & (jac >= jaccard_threshold / 2)
        sel = np.flatnonzero(maybe)
        cos = np.einsum("ij,ij->i", v[cand[sel, 0]], v[cand[sel, 1]])
        ok[sel[cos >= cosine_threshold]] = True
    # components in order of first member: deterministic
    ordered = [sorted(idx, key=lambda k: _primary_key(articles[k])) for idx in _components(n, cand[ok])]
    to_primary = np.array([(o[0], c) for o in ordered for c in o[1:]], dtype=np.int64).reshape(-1, 2)
    pjac = _jaccards(keys, bits, offsets, size, to_primary)
    groups, at = [], 0
    for o in ordered:
        lowest = float(pjac[at : at + len(o) - 1].min()) if len(o) > 1 else 1.0
        at += len(o) - 1
        groups.append(ArticleGroup(primary=articles[o[0]], copies=[articles[c] for c in o[1:]], similarity=round(lowest, 4)))
    if confirm is None:
        return groups
    rows = np.array([o[0] for o in ordered], dtype=np.int64)
    pv = np.asarray(confirm([articles[r] for r in rows.tolist()]), dtype=np.float32)
    return _join_short(groups, rows, pv, keys, bits, offsets, size, jaccard_threshold / 2, cosine_threshold, min_shingles)


def _join_short(groups: list[ArticleGroup], rows: np.ndarray, pv: np.ndarray, keys: np.ndarray, bits: int,
                offsets: np.ndarray, size: np.ndarray, min_jaccard: float, cosine_threshold: float,
                min_shingles: int) -> list[ArticleGroup]:
    """Groups whose primaries (article ``rows``, vectors ``pv``) are copies of a short text, joined.

    A pair of primaries with one side short (fewer than ``min_shingles`` shingles) is a copy when
    their vectors are within ``cosine_threshold`` and they share ``min_jaccard`` of their shingles:
    what ``collapse_copies`` with vectors decides. Long primaries need no second look: shingles
    already compared them. Only the pairs found by the vectors have their shingles intersected,
    with the keys of the first pass.
    """
    m = len(rows)
    close = _close_pairs(pv, np.flatnonzero(size[rows] < min_shingles), cosine_threshold)
    code = sorted_unique(close[:, 0] * m + close[:, 1])
    if len(code) == 0:
        return groups
    cand = np.stack([code // m, code % m], axis=1)
    link = cand[_jaccards(keys, bits, offsets, size, rows[cand]) >= min_jaccard]
    if len(link) == 0:
        return groups
    out = []
    for idx in _components(m, link):
        if len(idx) == 1:
            out.append(groups[idx[0]])
            continue
        idx.sort(key=lambda k: _primary_key(groups[k].primary))
        pairs = np.array([(rows[idx[0]], rows[k]) for k in idx[1:]], dtype=np.int64)
        lowest = float(_jaccards(keys, bits, offsets, size, pairs).min())
        head = groups[idx[0]]
        copies = [a for k in idx for a in groups[k].articles if a is not head.primary]
        out.append(ArticleGroup(primary=head.primary, copies=copies,
                                similarity=min(round(lowest, 4), *(groups[k].similarity for k in idx))))
    return out
