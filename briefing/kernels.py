"""The inner loops of dedupe and clustering, compiled with numba: the shingles two texts share
(``shared_counts``), the links of the candidate pairs (``pair_dots``) and the merge loop of
``cluster.average_link`` (``agglomerate``).

Average-link merges one pair at a time, always the best remaining link, and each merge recomputes
the links of the merged cluster to its neighbours: ~12,000 merges and ~130,000 links on a
20,000-article window. In Python each merge cost ~200 µs of interpreter and numpy-call overhead
for a few microseconds of arithmetic; compiled, the whole loop takes ~0.6 s.

The compiled functions are cached on disk (``cache=True``): compiling takes ~15 s on 2 cores,
loading ~1 s with numba's import. ``warm`` (``python -m briefing.kernels``, run by the install
step) compiles them ahead of the first run. numba keeps its cache beside this file when it can
write there (a checkout); an installed package that the service user cannot write to caches in
``numba/`` under briefing's cache folder instead (``_cache_dir``). ``NUMBA_DISABLE_JIT=1`` runs
the same code as plain Python (slowly), for debugging.

Everything is arrays: clusters are named by their smallest row, links are exact averages
``sum(A) . sum(B) / (|A| |B|)`` from per-cluster sum vectors (dense part and sparse part), and
per-cluster lists (sparse sums, outlets, neighbours) live in pools of arrays.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np


def _cache_dir() -> None:
    """Point numba's cache at ``<briefing cache>/numba`` when this package's folder is read-only
    (numba would otherwise fail to cache, or write under the user's home); ``NUMBA_CACHE_DIR``
    set by the user wins. Must run before numba is imported."""
    if "NUMBA_CACHE_DIR" in os.environ or os.access(Path(__file__).parent, os.W_OK):
        return
    import platformdirs

    base = os.environ.get("BRIEFING_CACHE_DIR") or platformdirs.user_cache_dir("briefing")
    os.environ["NUMBA_CACHE_DIR"] = str(Path(base) / "numba")


_cache_dir()

from numba import njit  # noqa: E402 - after the cache folder is chosen

DEAD = 1 << 62  # ``changed`` of a cluster merged into another: every heap entry naming it is stale


@njit(cache=True)
def _before(n1, a1, b1, t1, n2, a2, b2, t2):  # pragma: no cover - compiled
    """``(n1, a1, b1, t1) < (n2, a2, b2, t2)``: the heap's order (best link, then smaller rows)."""
    if n1 != n2:
        return n1 < n2
    if a1 != a2:
        return a1 < a2
    if b1 != b2:
        return b1 < b2
    return t1 < t2


@njit(cache=True)
def _push(hn, ha, hb, ht, size, neg, a, b, t):  # pragma: no cover - compiled
    """Push onto the binary heap held in the arrays (``size`` entries used; they have room)."""
    i = size
    while i > 0:
        up = (i - 1) >> 1
        if not _before(neg, a, b, t, hn[up], ha[up], hb[up], ht[up]):
            break
        hn[i], ha[i], hb[i], ht[i] = hn[up], ha[up], hb[up], ht[up]
        i = up
    hn[i], ha[i], hb[i], ht[i] = neg, a, b, t


@njit(cache=True)
def _pop(hn, ha, hb, ht, size):  # pragma: no cover - compiled
    """Remove the heap's first entry (``size`` entries before); the caller read it already."""
    size -= 1
    neg, a, b, t = hn[size], ha[size], hb[size], ht[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _before(hn[child + 1], ha[child + 1], hb[child + 1], ht[child + 1],
                                        hn[child], ha[child], hb[child], ht[child]):
            child += 1
        if not _before(hn[child], ha[child], hb[child], ht[child], neg, a, b, t):
            break
        hn[i], ha[i], hb[i], ht[i] = hn[child], ha[child], hb[child], ht[child]
        i = child
    hn[i], ha[i], hb[i], ht[i] = neg, a, b, t


@njit(cache=True)
def _room(have, need):  # pragma: no cover - compiled
    """The length a pool of ``have`` entries grows to when ``need`` are wanted (0: no growth)."""
    return 0 if need <= have else max(need, 2 * have)


@njit(cache=True)
def _grow(x, need):  # pragma: no cover - compiled
    """``x`` (1-d) with room for ``need`` entries (doubled when short)."""
    room = _room(len(x), need)
    if room == 0:
        return x
    out = np.empty(room, x.dtype)
    out[: len(x)] = x
    return out


@njit(cache=True)
def _grow2(x, need):  # pragma: no cover - compiled
    """``_grow`` for an (n, 2) array."""
    room = _room(len(x), need)
    if room == 0:
        return x
    out = np.empty((room, 2), x.dtype)
    out[: len(x)] = x
    return out


@njit(cache=True)
def shared_counts(keys, mask, offsets, a, b):  # pragma: no cover - compiled
    """How many of ``keys[offsets[a[k]]:offsets[a[k] + 1]] & mask`` and the same of ``b[k]`` are
    equal, for every pair k: a sorted merge of two sorted unique runs."""
    out = np.zeros(len(a), np.int64)
    for k in range(len(a)):
        i, i_end = offsets[a[k]], offsets[a[k] + 1]
        j, j_end = offsets[b[k]], offsets[b[k] + 1]
        count = 0
        while i < i_end and j < j_end:
            x = keys[i] & mask
            y = keys[j] & mask
            if x < y:
                i += 1
            elif y < x:
                j += 1
            else:
                count += 1
                i += 1
                j += 1
        out[k] = count
    return out


@njit(cache=True, nogil=True)
def pair_dots(indptr, indices, data, width, i, j):  # pragma: no cover - compiled
    """``m[i[k]] . m[j[k]]`` of the CSR matrix ``m = (data, indices, indptr)`` (float64 data,
    sorted indices, ``width`` columns) for every pair k, summed in column order.

    The longer row of a pair is scattered into a dense buffer, the shorter gathered from it; pairs
    are taken by scattered row, so a row with many partners is scattered once.
    """
    out = np.zeros(len(i), np.float64)
    big = np.empty(len(i), np.int64)
    small = np.empty(len(i), np.int64)
    for k in range(len(i)):
        if indptr[i[k] + 1] - indptr[i[k]] < indptr[j[k] + 1] - indptr[j[k]]:
            big[k], small[k] = j[k], i[k]
        else:
            big[k], small[k] = i[k], j[k]
    order = np.argsort(big, kind="mergesort")
    buf = np.zeros(max(1, width), np.float64)
    cur = -1
    for q in range(len(order)):
        k = order[q]
        r = big[k]
        if r != cur:
            if cur >= 0:
                for e in range(indptr[cur], indptr[cur + 1]):
                    buf[indices[e]] = 0.0
            for e in range(indptr[r], indptr[r + 1]):
                buf[indices[e]] = data[e]
            cur = r
        s = 0.0
        for e in range(indptr[small[k]], indptr[small[k] + 1]):
            s += buf[indices[e]] * data[e]
        out[k] = s
    return out


@njit(cache=True)
def _outlet_bar(oid, ospan, sa, la, sb, lb, threshold, gap, same_outlet_min):  # pragma: no cover
    """The link two clusters need given their common outlets (see ``cluster.average_link``): inf
    when one outlet has articles in both less than ``gap`` seconds apart (or undated),
    ``same_outlet_min`` when it has articles in both further apart, else ``threshold``. The
    clusters' outlets are ``oid[sa:sa + la]`` and ``oid[sb:sb + lb]`` (sorted ids)."""
    bar = threshold
    if gap <= 0:
        return bar
    i = sa
    j = sb
    while i < sa + la and j < sb + lb:
        if oid[i] < oid[j]:
            i += 1
        elif oid[i] > oid[j]:
            j += 1
        else:
            a1, a2, b1, b2 = ospan[i, 0], ospan[i, 1], ospan[j, 0], ospan[j, 1]
            if not (np.isfinite(a1) and np.isfinite(a2) and np.isfinite(b1) and np.isfinite(b2)):
                return np.inf
            if max(b1 - a2, a1 - b2, 0.0) < gap:
                return np.inf
            bar = max(bar, same_outlet_min)
            i += 1
            j += 1
    return bar


@njit(cache=True)
def agglomerate(dense, indptr, indices, data, width, init_neg, init_a, init_b, times, window,
                outlet_ptr, outlet_ids, outlet_span, gap, threshold, same_outlet_min):  # pragma: no cover
    """Average-link merging over the candidate pairs ``(init_a[k], init_b[k])`` (a < b, all at or
    above ``threshold``, sorted best first, ties by smaller rows), whose links are ``-init_neg``.

    ``dense`` (n, d) float64 and the CSR ``(indptr, indices, data)`` (n, width) are the rows'
    feature vectors; ``times`` the rows' earliest publication (nan: unknown); rows
    ``outlet_ptr[r]:outlet_ptr[r + 1]`` of ``outlet_ids`` (sorted) and ``outlet_span`` (first,
    last) their outlets. Returns, per row, the smallest row of its cluster.

    Per-cluster lists live in pools: cluster c's entries are ``pool[start[c]:start[c] + len[c]]``,
    and a list that grows is written anew at the pool's end (sparse sums and outlets on every
    merge; neighbour lists when full, with twice the room).
    """
    n = dense.shape[0]
    d = dense.shape[1]
    dsum = dense.copy()
    size = np.ones(n, np.int64)
    changed = np.zeros(n, np.int64)  # merge number that last grew the cluster; DEAD: merged away
    into = np.arange(n)  # the cluster a row was merged into (itself while alive)
    tmin = times.copy()
    tmax = times.copy()
    # sparse sums: sorted columns and their values
    col = _grow(indices.astype(np.int64), 2 * len(indices) + 16)
    val = _grow(data.copy(), 2 * len(indices) + 16)
    s_start = indptr[:-1].copy()
    s_len = indptr[1:] - indptr[:-1]
    s_top = len(indices)
    # outlets: sorted ids and (first, last) times
    oid = _grow(outlet_ids.copy(), 2 * len(outlet_ids) + 16)
    ospan = _grow2(outlet_span.copy(), 2 * len(outlet_ids) + 16)
    o_start = outlet_ptr[:-1].copy()
    o_len = outlet_ptr[1:] - outlet_ptr[:-1]
    o_top = len(outlet_ids)
    # the candidate graph: per cluster, (neighbour, stamp) entries; an entry is current while the
    # neighbour has not grown since the stamp (a grown cluster's own list is rebuilt), and a
    # rejected pair's entries are removed
    degree = np.zeros(n, np.int64)
    for k in range(len(init_a)):
        degree[init_a[k]] += 1
        degree[init_b[k]] += 1
    n_room = degree + 4
    n_start = np.zeros(n, np.int64)
    for r in range(1, n):
        n_start[r] = n_start[r - 1] + n_room[r - 1]
    n_top = n_start[n - 1] + n_room[n - 1] if n else 0
    nb = np.empty(2 * n_top + 16, np.int64)
    stamp = np.empty(2 * n_top + 16, np.int64)
    n_len = np.zeros(n, np.int64)
    for k in range(len(init_a)):
        for x, y in ((init_a[k], init_b[k]), (init_b[k], init_a[k])):
            nb[n_start[x] + n_len[x]] = y
            stamp[n_start[x] + n_len[x]] = 0
            n_len[x] += 1
    cap = 1024
    hn = np.empty(cap, np.float64)
    ha = np.empty(cap, np.int64)
    hb = np.empty(cap, np.int64)
    ht = np.empty(cap, np.int64)
    heap = 0
    buf = np.zeros(max(1, width), np.float64)  # the merged cluster's sparse sum, scattered
    mark = np.full(n, -1, np.int64)
    near = np.empty(n, np.int64)
    p = 0
    m = len(init_a)
    merges = 0
    while True:
        while p < m and (changed[init_a[p]] != 0 or changed[init_b[p]] != 0):
            p += 1  # stale: one side was merged since
        if p < m and (heap == 0 or _before(init_neg[p], init_a[p], init_b[p], 0, hn[0], ha[0], hb[0], ht[0])):
            neg, a, b = init_neg[p], init_a[p], init_b[p]
            p += 1
        elif heap > 0:
            neg, a, b, t = hn[0], ha[0], hb[0], ht[0]
            _pop(hn, ha, hb, ht, heap)
            heap -= 1
            if changed[a] > t or changed[b] > t:
                continue  # stale
        else:
            break
        lo = np.fmin(tmin[a], tmin[b])
        hi = np.fmax(tmax[a], tmax[b])
        if (np.isfinite(lo) and np.isfinite(hi) and hi - lo > window) or -neg < _outlet_bar(
                oid, ospan, o_start[a], o_len[a], o_start[b], o_len[b], threshold, gap, same_outlet_min):
            for x, y in ((a, b), (b, a)):  # no longer neighbours
                for k in range(n_start[x], n_start[x] + n_len[x]):
                    if nb[k] == y:
                        nb[k] = -1
            continue
        # merge b into a (a < b: a cluster is named by its smallest row)
        merges += 1
        nn = 0
        for x in (a, b):
            for k in range(n_start[x], n_start[x] + n_len[x]):
                y = nb[k]
                if y < 0 or y == a or y == b or changed[y] > stamp[k] or mark[y] == merges:
                    continue
                mark[y] = merges
                near[nn] = y
                nn += 1
        n_len[a] = 0
        n_len[b] = 0
        size_a = size[a] + size[b]
        size[a] = size_a
        into[b] = a
        for j in range(d):
            dsum[a, j] += dsum[b, j]
        # the merged sparse sum: scattered into buf, its sorted columns written at the pool's end
        sa, la, sb, lb = s_start[a], s_len[a], s_start[b], s_len[b]
        col = _grow(col, s_top + la + lb)
        val = _grow(val, s_top + la + lb)
        for k in range(sa, sa + la):
            buf[col[k]] += val[k]
        for k in range(sb, sb + lb):
            buf[col[k]] += val[k]
        i, j, u = sa, sb, s_top
        while i < sa + la or j < sb + lb:
            if j == sb + lb or (i < sa + la and col[i] < col[j]):
                c = col[i]
                i += 1
            elif i == sa + la or col[j] < col[i]:
                c = col[j]
                j += 1
            else:
                c = col[i]
                i += 1
                j += 1
            col[u] = c
            val[u] = buf[c]
            u += 1
        s_start[a], s_len[a], s_len[b] = s_top, u - s_top, 0
        s_top = u
        # the merged outlets, likewise
        sa, la, sb, lb = o_start[a], o_len[a], o_start[b], o_len[b]
        oid = _grow(oid, o_top + la + lb)
        ospan = _grow2(ospan, o_top + la + lb)
        i, j, u = sa, sb, o_top
        while i < sa + la or j < sb + lb:
            if j == sb + lb or (i < sa + la and oid[i] < oid[j]):
                oid[u], ospan[u, 0], ospan[u, 1] = oid[i], ospan[i, 0], ospan[i, 1]
                i += 1
            elif i == sa + la or oid[j] < oid[i]:
                oid[u], ospan[u, 0], ospan[u, 1] = oid[j], ospan[j, 0], ospan[j, 1]
                j += 1
            else:
                oid[u] = oid[i]
                ospan[u, 0] = min(ospan[i, 0], ospan[j, 0])
                ospan[u, 1] = max(ospan[i, 1], ospan[j, 1])
                i += 1
                j += 1
            u += 1
        o_start[a], o_len[a], o_len[b] = o_top, u - o_top, 0
        o_top = u
        tmin[a] = lo
        tmax[a] = hi
        changed[a] = merges
        changed[b] = DEAD
        # the links of the merged cluster to its neighbours
        for q in range(nn):
            c = near[q]
            sd = 0.0
            for k in range(s_start[c], s_start[c] + s_len[c]):
                sd += buf[col[k]] * val[k]
            dd = 0.0
            for j in range(d):
                dd += dsum[c, j] * dsum[a, j]
            s = (sd + dd) / (size_a * size[c])
            if s < threshold:
                continue
            for x, y in ((a, c), (c, a)):
                if n_len[x] == n_room[x]:  # full: move the list to the pool's end with twice the room
                    nb = _grow(nb, n_top + 2 * n_room[x])
                    stamp = _grow(stamp, n_top + 2 * n_room[x])
                    nb[n_top:n_top + n_len[x]] = nb[n_start[x]:n_start[x] + n_len[x]]
                    stamp[n_top:n_top + n_len[x]] = stamp[n_start[x]:n_start[x] + n_len[x]]
                    n_start[x] = n_top
                    n_room[x] *= 2
                    n_top += n_room[x]
                nb[n_start[x] + n_len[x]] = y
                stamp[n_start[x] + n_len[x]] = merges
                n_len[x] += 1
            if heap == len(hn):
                hn, ha, hb, ht = _grow(hn, 2 * heap), _grow(ha, 2 * heap), _grow(hb, 2 * heap), _grow(ht, 2 * heap)
            if a < c:
                _push(hn, ha, hb, ht, heap, -s, a, c, merges)
            else:
                _push(hn, ha, hb, ht, heap, -s, c, a, merges)
            heap += 1
        for k in range(s_start[a], s_start[a] + s_len[a]):
            buf[col[k]] = 0.0
    root = np.empty(n, np.int64)  # rows are merged into smaller rows: resolve in row order
    for r in range(n):
        root[r] = r if into[r] == r else root[into[r]]
    return root


def warm() -> None:
    """Compile them for the argument types dedupe and the cluster stage pass, into numba's
    on-disk cache (the install step runs this: the first compilation takes 10-20 s on 2 cores, a
    cached load ~0.5 s)."""
    i64, f64 = np.int64, np.float64
    shared_counts(np.array([1, 2], np.uint64), np.uint64(3), np.array([0, 1, 2], i64), np.array([0], i64),
                  np.array([1], i64))
    pair_dots(np.array([0, 1, 2], i64), np.array([0, 1], i64), np.ones(2, f64), 2, np.array([0], i64), np.array([1], i64))
    agglomerate(np.eye(2, dtype=f64), np.array([0, 1, 2], i64), np.array([0, 1], i64), np.ones(2, f64), 2,
                np.array([-0.5]), np.array([0], i64), np.array([1], i64), np.zeros(2, f64), np.inf,
                np.array([0, 1, 2], i64), np.array([0, 0], i64), np.zeros((2, 2), f64), 3600.0, 0.25, 0.4)


if __name__ == "__main__":
    warm()
