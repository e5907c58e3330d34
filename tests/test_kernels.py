"""The compiled loops (``briefing/kernels.py``) against plain Python references on random data."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.sparse as sp

from briefing.cluster import Features, average_link, sparse_pair_dots
from briefing.dedupe import _intersections
from briefing.tokens import pack_keys


def _features(rng: np.random.Generator, n: int, times: np.ndarray) -> Features:
    """Rows around a few centres, so that clusters form; dense and sparse parts both matter."""
    centres = rng.standard_normal((5, 16))
    dense = centres[rng.integers(0, 5, n)] + 0.6 * rng.standard_normal((n, 16))
    dense /= np.linalg.norm(dense, axis=1, keepdims=True) * math.sqrt(2)
    words = sp.random(n, 40, density=0.2, random_state=np.random.RandomState(int(rng.integers(1 << 30))), format="csr")
    norm = np.sqrt(np.asarray(words.multiply(words).sum(axis=1)).ravel())
    words = sp.csr_matrix(words.multiply(1 / (np.maximum(norm, 1e-9)[:, None] * math.sqrt(2))))
    words.sort_indices()
    return Features(dense.astype(np.float32), words.astype(np.float32), dense.astype(np.float32), words, [{}] * n, {},
                    times)


def _reference(f: Features, threshold: float, window_s: float, outlets, gap: float, same_min: float) -> list[list[int]]:
    """Greedy average-link over all pairs: merge the best allowed pair of clusters while its mean
    similarity reaches the threshold (ties: smaller rows). A pair is allowed when its members are
    within the time window and no outlet has articles in both less than ``gap`` apart (an outlet
    in both further apart raises the bar to ``same_min``)."""
    sim = f.dense.astype(np.float64) @ f.dense.T.astype(np.float64) + (f.sparse @ f.sparse.T).toarray().astype(np.float64)
    clusters = [[i] for i in range(len(sim))]
    blocked: set[tuple[int, int]] = set()

    def bar(a: list[int], b: list[int]) -> float:
        need = threshold
        for name in {o for r in a for o in outlets[r]} & {o for r in b for o in outlets[r]}:
            ta = [t for r in a for t in outlets[r].get(name, ())]
            tb = [t for r in b for t in outlets[r].get(name, ())]
            if max(min(tb) - max(ta), min(ta) - max(tb), 0.0) < gap:
                return math.inf
            need = max(need, same_min)
        return need

    while True:
        best = None
        for x in range(len(clusters)):
            for y in range(x + 1, len(clusters)):
                a, b = clusters[x], clusters[y]
                if (a[0], b[0]) in blocked:
                    continue
                link = float(sim[np.ix_(a, b)].mean())
                if link >= threshold and (best is None or link > best[0]):
                    best = (link, x, y)
        if best is None:
            return sorted(sorted(c) for c in clusters)
        link, x, y = best
        a, b = clusters[x], clusters[y]
        span = [f.times[r] for r in a + b]
        if max(span) - min(span) > window_s or link < bar(a, b):
            blocked.add((a[0], b[0]))
            continue
        clusters[x] = a + b
        del clusters[y]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_average_link_is_greedy_average_link(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 48
    times = rng.uniform(0, 4 * 86400, n)
    f = _features(rng, n, times)
    # outlets: (first, last) of one article each; 6 outlets, so some stories have one twice
    names = [f"o{int(k)}" for k in rng.integers(0, 6, n)]
    outlets = [{name: (float(t), float(t))} for name, t in zip(names, times, strict=True)]
    every_pair = np.triu_indices(n, 1)
    got = average_link(f, 0.3, 48.0, outlets=outlets, same_outlet_hours=12.0, same_outlet_min=0.4, candidates=every_pair)
    ref_outlets = [{name: (float(t),)} for name, t in zip(names, times, strict=True)]
    want = _reference(f, 0.3, 48 * 3600.0, ref_outlets, 12 * 3600.0, 0.4)
    assert sorted(got) == want
    assert sum(len(c) for c in got) == n and max(len(c) for c in got) > 2  # merging happened


def test_pair_dots_equal_scipys_row_products() -> None:
    rng = np.random.default_rng(7)
    m = sp.random(500, 3000, density=0.02, random_state=np.random.RandomState(3), format="csr", dtype=np.float32)
    for pairs in (40, 5_000, 30_000):  # scipy's own path, the compiled one, the compiled one in two threads
        i, j = rng.integers(0, 500, pairs), rng.integers(0, 500, pairs)
        want = np.asarray(m[i].astype(np.float64).multiply(m[j].astype(np.float64)).sum(axis=1)).ravel()
        np.testing.assert_allclose(sparse_pair_dots(m, i, j), want, rtol=1e-12, atol=1e-15)


def test_shared_shingles_equal_set_intersections() -> None:
    rng = np.random.default_rng(11)
    sets = [set(rng.integers(0, 400, rng.integers(0, 60)).tolist()) for _ in range(80)]
    row = np.repeat(np.arange(80), [len(s) for s in sets])
    term = np.array([h for s in sets for h in s], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys, bits = pack_keys(row, term, 80)
    offsets = np.zeros(81, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    pairs = rng.integers(0, 80, (300, 2))
    got = _intersections(keys, bits, offsets, pairs)
    assert got.tolist() == [len(sets[a] & sets[b]) for a, b in pairs.tolist()]
