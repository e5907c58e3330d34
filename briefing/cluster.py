"""Articles about the same event -> one story; stories -> topic sections.

How two article groups are compared (all three are cosines of L2-normalised vectors, so their
weighted mix is itself a dot product of concatenated vectors):

* ``embedding``: all-MiniLM-L6-v2 of title + lead, which matches paraphrases whatever the wording;
* ``words``: TF-IDF of the full text (fitted on the window), which weighs the rare words that
  name this particular event;
* ``entities``: TF-IDF of names, multi-word names and numbers (capitalised tokens that are not
  ordinary words in this corpus, digits), which tells apart two events of one kind: two
  earthquakes differ in place and magnitude, two fights in the opponent, two launches in the product.

Both TF-IDF vectors are *binary* (presence, not counts): the main actor is repeated in every
paragraph of both of two same-kind events, and counting repetitions lets it drown out the
secondary names that tell the events apart (binary gained ~0.01-0.02 BCubed F1 on ECB+ and
widened the threshold range where NewsWCL50 is perfect).

Merging is average-link agglomeration: two clusters join when the mean similarity over *all* their
member pairs reaches the threshold, so one strong bridge cannot chain two events together (the
failure of connected components). Because the similarity is a dot product, the mean over all
pairs of clusters A and B is ``sum(A) . sum(B) / (|A| |B|)``: exact, from per-cluster sum
vectors, without any n x n matrix. Candidate pairs come from a blockwise k-nearest-neighbour
search on the embeddings, so memory stays O(n k). Members further apart in time than
``window_hours`` are never merged, nor are two different articles of one outlet published less
than ``same_outlet_hours`` apart (its reposts are wire copies, collapsed before). Lines an outlet repeats under several articles (page furniture)
are dropped before texts are compared.

What did not help (measured on ECB+ dev and NewsWCL50): re-weighting TF-IDF inside each
candidate block (local IDF) to split same-kind events; complete or weighted linkage; a
full-text embedding instead of title+lead; counting term repetitions (sublinear TF).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from .models import ArticleGroup, Encoder, MergeEvidence, Section, Story
from .stopwords import ENGLISH_STOP_WORDS
from .tokens import Tokens, hash_words, map_chunks, pack_keys, sorted_unique

# Shipped tuned values: one configuration for every data set (ECB+ dev BCubed F1 0.914, NewsWCL50
# 1.0; the F1 stays >= 0.905 for thresholds 0.2625-0.2875). See tests/test_eval_clustering.py.
DEFAULT_THRESHOLD = 0.275
DEFAULT_WEIGHTS = (1.0, 1.0, 2.0)  # embedding, words, entities
DEFAULT_NEIGHBOURS = 30
DEFAULT_SAME_OUTLET_MIN = 0.4  # link an outlet's own follow-up needs to join its story
MAX_CHARS = 10_000  # of each text compared: an event is named in a report's first screens; the tails
# of very long pages (live blogs, transcripts, comment threads) cost time and add nothing (ECB+ and
# NewsWCL50 scores are unchanged; the 20,000-article window clusters ~10% faster)
CANDIDATE_MIN_COSINE = 0.25  # pairs below this embedding cosine are not even candidates

_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_NAME_RUN = re.compile(rf"[{_UPPER}][\w'’\-]*(?:[ \t]+[{_UPPER}][\w'’\-]*)*")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
# Capitalised words that never name anything (sentence starters, weekdays, page furniture).
_NOT_NAMES = set(
    """the a an in on at for and but or of to by with from as it its this that these those he she they
    we i you his her their our my your mr mrs ms dr monday tuesday wednesday thursday friday saturday
    sunday after before when while if there here what who how why so yet also however meanwhile
    according said says not no one all some many more most new last first read share click image photo
    related advertisement subscribe follow sign news today yesterday tomorrow update updated""".split()
)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def group_text(g: ArticleGroup) -> str:
    return f"{g.primary.title}\n{g.primary.text}"


def embed_text(g: ArticleGroup) -> str:
    """What the embedding sees: title and lead of the group's primary article."""
    return g.primary.title_lead


def strip_boilerplate(groups: Sequence[ArticleGroup]) -> list[str]:
    """Group texts without the lines an outlet repeats under several of its articles.

    Extraction keeps some page furniture ("Related articles", newsletter boxes, app footers);
    shared by every article of one site, it would make two unrelated stories of that site look
    alike. A line of three words or more that appears in two or more articles of the same
    source is dropped; titles are kept.
    """
    lines_of = [[ln.strip() for ln in g.primary.text.splitlines()] for g in groups]
    seen: dict[str, Counter[str]] = {}  # per source: in how many of its texts each line is
    for g, lines in zip(groups, lines_of, strict=True):
        seen.setdefault(g.primary.source, Counter()).update(set(lines))
    # the word count is only asked of repeated lines (most lines are in one text only)
    drop = {src: {ln for ln, k in c.items() if k >= 2 and len(ln.split(None, 2)) == 3} for src, c in seen.items()}
    out = []
    for g, lines in zip(groups, lines_of, strict=True):
        gone = drop[g.primary.source]
        kept = [ln for ln in lines if ln and ln not in gone] if gone else [ln for ln in lines if ln]
        out.append(g.primary.title + "\n" + "\n".join(kept))
    return out


_NUMBER_BYTES = bytes(c if (48 <= c <= 57 or c in b",.") else 32 for c in range(256))  # digits , . kept
_ASCII = bytes(range(128))
_DIGIT = re.compile(r"\d")


def _numbers(docs: Sequence[str]) -> list[list[str]]:
    """``_NUMBER.findall`` of every text, ~2x faster: a match is a run of ASCII digits, commas
    and dots from its first digit to its last, which ``bytes.translate`` and ``split`` find in C.
    A text with another decimal digit (Arabic-Indic, fullwidth: ``\\d`` matches those too; its
    non-ASCII characters alone are searched) goes through the regex."""
    out = []
    for d in docs:
        b = d.encode("utf-8", "replace")
        if not d.isascii() and _DIGIT.search(b.translate(None, _ASCII).decode("utf-8")):
            out.append(_NUMBER.findall(d))
            continue
        out.append([w.decode("ascii") for w in (x.strip(b",.") for x in b.translate(_NUMBER_BYTES).split()) if w])
    return out


def entities(text: str, common: set[str]) -> list[tuple[str, str]]:
    """(key, display) of names, multi-word names and numbers in ``text``, repeated as they occur.

    A name is a capitalised word that this corpus does not also write in lower case (so
    sentence starters drop out); consecutive names also count as one multi-word name.
    """
    out: list[tuple[str, str]] = [("#" + t.replace(",", ""), t) for t in _NUMBER.findall(text)]
    for run in _NAME_RUN.findall(text):
        out.extend(_run_names(run, common))
    return out


def _run_names(run: str, common: set[str]) -> list[tuple[str, str]]:
    """(key, display) of the names and multi-word names in one name run (as ``entities``)."""
    out: list[tuple[str, str]] = []
    phrase: list[str] = []
    for w in [*run.split(), ""]:
        if w and w.lower() not in common:
            phrase.append(w)
            out.append((w.lower(), w))
            continue
        if len(phrase) > 1:
            out.append(("_".join(p.lower() for p in phrase), " ".join(phrase)))
        phrase = []
    return out


class _Names(Sequence[dict[str, str]]):
    """Per row, entity key -> display form, most mentioned first; built only for the rows whose
    evidence is shown, from the name runs and numbers ``build_features`` found (as ``entities``)."""

    def __init__(self, runs: Sequence[list[str]], numbers: Sequence[list[str]], of_run: dict[str, list[tuple[str, str]]]) -> None:
        self._runs, self._numbers, self._of_run = runs, numbers, of_run
        self._done: dict[int, dict[str, str]] = {}

    def __len__(self) -> int:
        return len(self._runs)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        got = self._done.get(i)
        if got is None:
            e = [("#" + t.replace(",", ""), t) for t in self._numbers[i]]
            for r in self._runs[i]:
                e.extend(self._of_run[r])
            shown = dict(reversed(e))  # the first display form of each key
            got = self._done[i] = {k: shown[k] for k, _ in Counter([k for k, _ in e]).most_common()}
        return got


@dataclass
class Features:
    """Everything the merging compares, one row per article group."""

    dense: np.ndarray  # (n, d) embedding rows scaled by sqrt(weight / total)
    sparse: sp.csr_matrix  # (n, V) words + entities TF-IDF scaled likewise
    embedding: np.ndarray  # (n, d) unscaled embeddings (for evidence)
    words: sp.csr_matrix  # (n, Vw) unscaled, for evidence
    names: Sequence[dict[str, str]]  # entity key -> display form, per row, most mentioned first
    name_idf: dict[str, float]
    times: np.ndarray  # (n,) POSIX seconds of the earliest member, nan when unknown


def _binary_tfidf(keys: np.ndarray, bits: int, n: int) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """L2-normalised binary TF-IDF with smooth idf (scikit-learn's ``TfidfVectorizer(binary=True)``)
    from sorted unique ``row << bits | term`` keys; also returns the term of each column and its idf."""
    if len(keys) == 0:
        return sp.csr_matrix((n, 1), dtype=np.float32), np.zeros(0, np.uint64), np.zeros(0)
    mask = (np.uint64(1) << np.uint64(bits)) - np.uint64(1)
    row = (keys >> np.uint64(bits)).astype(np.int64)
    term = keys & mask
    vocab = sorted_unique(term)
    col = np.searchsorted(vocab, term)
    idf = np.log((1.0 + n) / (1.0 + np.bincount(col, minlength=len(vocab)))) + 1.0
    data = idf[col]
    norm = np.sqrt(np.bincount(row, weights=data * data, minlength=n))
    data = (data / np.where(norm > 0, norm, 1.0)[row]).astype(np.float32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(row, minlength=n))
    m = sp.csr_matrix((data, col.astype(np.int32), indptr), shape=(n, len(vocab)))
    m.has_sorted_indices = True
    return m, vocab, idf


def _member_table(hashes: np.ndarray) -> tuple[np.ndarray, int]:
    """A direct-mapped table of a few hundred 64-bit hashes: ``table[h >> shift] == h`` tests
    membership with one gather per token (searchsorted into the list cost ~10x more)."""
    for bits in range(12, 24):
        shift = 64 - bits
        slot = (hashes >> np.uint64(shift)).astype(np.int64)
        if len(np.unique(slot)) == len(slot):
            table = np.zeros(1 << bits, dtype=np.uint64)  # 0 is never a token hash in practice
            table[slot] = hashes
            return table, shift
    raise ValueError("hash collision in a stop list")  # 2^-40 odd: never seen


def _word_tokens(docs: Sequence[str]) -> tuple[np.ndarray, int, list[np.ndarray], list[np.ndarray]]:
    """Words of every text (scikit-learn's English stop words and one-letter tokens dropped) as
    packed keys for ``_binary_tfidf``, plus per chunk the hashes of the words written
    capitalised (``Apple``) and in lower case (``apple``), for the name test: one tokenisation."""
    n = len(docs)
    table, shift = _member_table(hash_words(sorted(ENGLISH_STOP_WORDS)))

    def one(t: Tokens) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        h = t.hashes
        word = ~t.single & (table[(h >> np.uint64(shift)).astype(np.int64)] != h)
        keys, _ = pack_keys(t.doc[word], h[word], n)
        plain = ~t.single & t.rest_lower & ~t.joined
        return keys, h[plain & t.capital], h[plain & t.lower_initial]

    got = map_chunks(docs, one)
    keys = np.concatenate([k for k, _, _ in got]) if got else np.zeros(0, np.uint64)
    return keys, 64 - max(1, int(n).bit_length()), [c for _, c, _ in got], [lo for _, _, lo in got]


def _occurrences(chunks: list[np.ndarray], queries: np.ndarray) -> np.ndarray:
    """How often each query hash occurs in the arrays, together (chunks counted in threads)."""
    qs = sorted_unique(queries)
    if len(qs) == 0:
        return np.zeros(len(queries), dtype=np.int64)

    def one(h: np.ndarray) -> np.ndarray:
        at = np.minimum(np.searchsorted(qs, h), len(qs) - 1)
        return np.bincount(at[qs[at] == h], minlength=len(qs))

    with ThreadPoolExecutor(max_workers=2) as pool:
        total = sum(pool.map(one, chunks), np.zeros(len(qs), dtype=np.int64))
    return total[np.searchsorted(qs, queries)]


def _side_by_side(a: sp.csr_matrix, wa: float, b: sp.csr_matrix, wb: float) -> sp.csr_matrix:
    """``hstack([a * wa, b * wb])`` as float32 CSR with sorted indices, for two CSR matrices with
    sorted indices: each row is a's entries then b's shifted past a's columns (scipy's hstack
    and the re-sort cost ~4x more)."""
    n = a.shape[0]
    la, lb = np.diff(a.indptr).astype(np.int64), np.diff(b.indptr).astype(np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(la + lb, out=indptr[1:])
    at = _ranges(indptr[:-1], la)  # where a's entries go, row by row
    bt = _ranges(indptr[:-1] + la, lb)
    width = a.shape[1] + b.shape[1]
    idx_type = np.int32 if max(width, int(indptr[-1])) < 2**31 else np.int64
    indices = np.empty(int(indptr[-1]), dtype=idx_type)
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    indices[at], indices[bt] = a.indices, b.indices.astype(np.int64) + a.shape[1]
    data[at], data[bt] = (a.data * wa).astype(np.float32), (b.data * wb).astype(np.float32)
    m = sp.csr_matrix((data, indices, indptr.astype(idx_type)), shape=(n, width))
    m.has_sorted_indices = True
    return m


def build_features(
    groups: Sequence[ArticleGroup], vectors: np.ndarray, weights: Sequence[float] = DEFAULT_WEIGHTS
) -> Features:
    """The three views of every group, each row L2-normalised and scaled by its weight.

    Texts are tokenised once, as hashes in numpy (``tokens.py``): the word TF-IDF and the counts
    that decide which capitalised words are names come from that pass. Name runs and numbers
    are found with regular expressions, each distinct run turned into entity keys once.
    """
    docs = [d[:MAX_CHARS] for d in strip_boilerplate(groups)]
    n = len(docs)
    def word_view() -> tuple[sp.csr_matrix, list[np.ndarray], list[np.ndarray]]:
        word_keys, bits, caps, lows = _word_tokens(docs)
        return _binary_tfidf(word_keys, bits, n)[0], caps, lows

    with ThreadPoolExecutor(max_workers=1) as pool:  # numpy tokenises while this thread runs the regexes
        tokens = pool.submit(word_view)
        runs = [_NAME_RUN.findall(d) for d in docs]
        numbers = _numbers(docs)
        run_index: dict[str, int] = {}  # each distinct run, numbered in order of first occurrence
        occ = [run_index.setdefault(r, len(run_index)) for rs in runs for r in rs]
        run_words = sorted({w.lower() for r in run_index for w in r.split()})
        first = hash_words(run_words)  # "attorney's" is counted as "attorney"
        words, caps, lows = tokens.result()
    cap, low = _occurrences(caps, first), _occurrences(lows, first)
    common = {w for w, c, lo in zip(run_words, cap.tolist(), low.tolist(), strict=True) if c and lo >= 0.5 * c} | _NOT_NAMES
    # entity keys: numbers, then each run's names and multi-word names (as ``entities``; a run is
    # its own only name run, and its numbers are counted with the text's)
    of_run = {r: _run_names(r, common) for r in run_index}
    # (row, key id) pairs in numpy: each distinct run's key ids once, expanded per occurrence
    vocab: dict[str, int] = {}
    run_keys = [[vocab.setdefault(k, len(vocab)) for k, _ in e] for e in of_run.values()]
    run_len = np.array([len(ks) for ks in run_keys], dtype=np.int64)
    run_start = np.concatenate([[0], np.cumsum(run_len)[:-1]]).astype(np.int64)
    run_flat = np.array([k for ks in run_keys for k in ks], dtype=np.int64)
    occ_row = np.repeat(np.arange(n), [len(rs) for rs in runs])
    occ_run = np.asarray(occ, dtype=np.int64)
    key_rows = np.repeat(occ_row, run_len[occ_run]) if len(occ_run) else np.zeros(0, np.int64)
    key_cols = run_flat[_ranges(run_start[occ_run], run_len[occ_run])] if len(occ_run) else np.zeros(0, np.int64)
    num_cols = np.array([vocab.setdefault("#" + t.replace(",", ""), len(vocab)) for ns in numbers for t in ns], dtype=np.int64)
    num_rows = np.repeat(np.arange(n), [len(ns) for ns in numbers])
    ent_keys, ebits = pack_keys(np.concatenate([key_rows, num_rows]), np.concatenate([key_cols, num_cols]), n, hashed=False)
    ent_m, ent_vocab, ent_idf = _binary_tfidf(ent_keys, ebits, n)
    names_of = list(vocab)
    name_idf = {names_of[int(t)]: float(v) for t, v in zip(ent_vocab.tolist(), ent_idf.tolist(), strict=True)}
    we, ww, wn = (float(w) for w in weights)
    total = we + ww + wn
    dense = (np.asarray(vectors, dtype=np.float32) * math.sqrt(we / total)).astype(np.float32)
    sparse = _side_by_side(words, math.sqrt(ww / total), ent_m, math.sqrt(wn / total))
    times = np.array(
        [min((a.published.timestamp() for a in g.articles if a.published), default=np.nan) for g in groups],
        dtype=np.float64,
    )
    return Features(dense, sparse, np.asarray(vectors, dtype=np.float32), words, _Names(runs, numbers, of_run), name_idf, times)


def _sample_threshold(sub: np.ndarray, rank: int, min_cosine: float) -> np.ndarray:
    """Per row of ``sub``, ``max(rank-th largest value, min_cosine)`` (float32): the rank-th
    largest is only needed where ``rank`` values exceed ``min_cosine``, a few percent of the
    sample, so those are sorted instead of partitioning every row."""
    rows, m = sub.shape
    thr = np.full(rows, min_cosine, dtype=np.float32)
    flat = np.flatnonzero(sub > min_cosine)
    if len(flat) == 0:
        return thr
    r = flat // m
    val = sub[r, flat % m]
    val = val[np.lexsort((-val, r))]  # by row, largest first
    count = np.bincount(r, minlength=rows)
    ok = np.flatnonzero(count >= rank)
    thr[ok] = val[(np.cumsum(count) - count)[ok] + rank - 1]
    return thr


def knn_candidates(
    vectors: np.ndarray,
    k: int = DEFAULT_NEIGHBOURS,
    min_cosine: float = CANDIDATE_MIN_COSINE,
    block: int = 512,
    threads: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) among each row's k nearest neighbours by cosine, blockwise: O(n k) memory.

    Per block of rows, a threshold from every 8th column (about the 2k-th best) keeps a few
    dozen candidates per row, and the k best of those are kept exactly; a row whose sample
    misjudged falls back to an exact partition of its row. Selecting k of 20,000 per row with
    ``argpartition`` cost more than the matrix product itself.

    ``threads`` caps the BLAS threads of the matrix products (None: the library's default, one
    per core). Run beside ``build_features`` on two cores, ``threads=1`` is faster for both
    (20,000-article window: ~5.0-6.8 s for the pair instead of ~7.0-7.9 s): two BLAS threads
    wait for each other while one of them shares its core with the tokeniser, and spin between
    blocks on the core the other stage needs.
    """
    if threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=threads, user_api="blas"):
            return knn_candidates(vectors, k, min_cosine, block)
    n = len(vectors)
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    v = np.asarray(vectors, dtype=np.float32)
    kk = min(k, n - 1)
    stride = 8 if n >= 32 * kk else 1
    rank = max(1, min(len(range(0, n, stride)) - 1, (2 * kk) // stride))
    codes: list[np.ndarray] = []
    for start in range(0, n, block):
        stop = min(n, start + block)
        sims = v[start:stop] @ v.T
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        if stride == 1 or kk >= n - 1:
            thr = np.full(stop - start, min_cosine, dtype=np.float32)
            if kk < n - 1:
                thr = np.maximum(thr, np.partition(sims, n - kk, axis=1)[:, n - kk])
            flat = np.flatnonzero(sims >= thr[:, None])  # row-major (row, column) order, as np.nonzero
        else:
            thr = _sample_threshold(sims[:, ::stride], rank, min_cosine)
            flat = np.flatnonzero(sims >= thr[:, None])
            short = np.flatnonzero((np.bincount(flat // n, minlength=stop - start) < kk) & (thr > min_cosine))
            if len(short):
                exact = np.partition(sims[short], n - kk, axis=1)[:, n - kk]
                thr[short] = np.maximum(exact, min_cosine)
                redo = np.flatnonzero(sims[short] >= thr[short, None])
                flat = np.sort(np.concatenate([flat[~np.isin(flat // n, short)], short[redo // n] * n + redo % n]))
        r, c = np.divmod(flat, n)
        if len(r) == 0:
            continue
        val = sims[r, c]
        order = np.lexsort((-val, r))
        r, c = r[order], c[order]
        first = np.searchsorted(r, r)  # position of each row's first candidate (r is sorted)
        keep = np.arange(len(r)) - first < kk
        r, c = r[keep] + start, c[keep]
        codes.append(np.minimum(r, c).astype(np.int64) * n + np.maximum(r, c))
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    pairs = sorted_unique(np.concatenate(codes))
    return pairs // n, pairs % n


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + n) for s, n in zip(starts, lengths)])`` without the loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts.astype(np.int64) - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)


def sparse_pair_dots(m: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``m[i[k]] . m[j[k]]`` for many pairs, exactly, in float64, without copying rows pair by
    pair (``kernels.pair_dots``; scipy's ``m[i].multiply(m[j])`` copies both rows of every pair,
    ~5x slower on a 20,000-article window, but serves a story's few pairs without loading numba)."""
    if len(i) <= 256:
        return np.asarray(m[i].astype(np.float64).multiply(m[j].astype(np.float64)).sum(axis=1)).ravel()
    from .kernels import pair_dots

    m.sort_indices()
    args = (m.indptr.astype(np.int64), m.indices.astype(np.int64), m.data.astype(np.float64), m.shape[1])
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    if len(i) < 20_000:
        return pair_dots(*args, i, j)
    half = len(i) // 2  # two halves side by side: the compiled loop runs without the GIL
    with ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(pair_dots, *args, i[half:], j[half:])
        first = pair_dots(*args, i[:half], j[:half])
        return np.concatenate([first, other.result()])


def pair_similarity(f: Features, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The mixed similarity of rows i[k] and j[k], for arrays of pairs."""
    if len(i) == 0:
        return np.zeros(0, np.float32)
    dense = np.concatenate([np.einsum("ij,ij->i", f.dense[i[lo : lo + 8192]], f.dense[j[lo : lo + 8192]])
                            for lo in range(0, len(i), 8192)])  # in chunks: fresh pages cost more than the sums
    return (dense + sparse_pair_dots(f.sparse, i, j)).astype(np.float32)


def average_link(
    f: Features,
    threshold: float,
    window_hours: float,
    k: int = DEFAULT_NEIGHBOURS,
    outlets: Sequence[dict[str, tuple[float, float]]] | None = None,
    same_outlet_hours: float = 0.0,
    same_outlet_min: float = 0.0,
    candidates: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[list[int]]:
    """Average-link agglomeration over the kNN candidate graph; returns lists of row indices.

    Only candidate pairs at or above the threshold are kept: the mean over all pairs of two
    clusters can only reach the threshold if one pair does, so nothing reachable is lost (up to
    the k-neighbour cut). Cluster links are recomputed exactly from sum vectors after each merge.
    With ``outlets`` (per row: outlet -> (first, last) publication time) and
    ``same_outlet_hours`` > 0, two clusters never merge when one outlet has articles in both
    less than that many hours apart (or undated): an outlet does not report one event twice in
    different words on the same day (its reposts are wire copies, collapsed before), while one
    company's blog posting five different launches on one day is common. Its follow-up a day
    later may still join the story, if the link reaches ``same_outlet_min``. ``candidates`` are
    ``knn_candidates(f.embedding, k)`` when the caller computed them already.

    The loop always merges the best remaining link (ties: smaller row indices first). It is
    compiled (``kernels.py``, numba): ~12,000 merges recompute ~137,000 links on a
    20,000-article window, 0.6 s compiled against 3.6 s as a Python loop of numpy calls.
    """
    n = len(f.dense)
    if n == 0:
        return []
    f.sparse.sort_indices()
    ci, cj = candidates if candidates is not None else knn_candidates(f.embedding, k=k)
    sims = pair_similarity(f, ci, cj)
    keep = sims >= threshold
    ci, cj, sims = ci[keep], cj[keep], sims[keep]

    from .kernels import agglomerate  # numba: imported (and its cached machine code loaded) here only

    first = np.lexsort((cj, ci, -sims.astype(np.float64)))  # best first, ties: smaller rows first
    names: dict[str, int] = {}
    ptr, ids, span = [0], [], []
    for o in outlets if outlets is not None else [{}] * n:
        row = sorted((names.setdefault(name, len(names)), t) for name, t in o.items())
        ids.extend(i for i, _ in row)
        span.extend(t for _, t in row)
        ptr.append(len(ids))
    root = agglomerate(
        f.dense.astype(np.float64), f.sparse.indptr.astype(np.int64), f.sparse.indices.astype(np.int64),
        f.sparse.data.astype(np.float64),
        f.sparse.shape[1], -sims.astype(np.float64)[first], ci[first].astype(np.int64), cj[first].astype(np.int64),
        np.asarray(f.times, dtype=np.float64), window_hours * 3600.0 if window_hours and window_hours > 0 else math.inf,
        np.asarray(ptr, dtype=np.int64), np.asarray(ids, dtype=np.int64), np.asarray(span, dtype=np.float64).reshape(-1, 2),
        same_outlet_hours * 3600.0, float(threshold), float(same_outlet_min))
    order = np.argsort(root, kind="stable")  # clusters in order of their smallest row, rows ascending
    cuts = np.flatnonzero(np.diff(root[order])) + 1
    return [part.tolist() for part in np.split(order, cuts)]


def _shared_names(f: Features, i: int, j: int, limit: int = 8) -> list[str]:
    """Names both mention, the most mentioned first (what a reader recognises), no lone digits."""
    mine, other = f.names[i], f.names[j]
    out: list[str] = []
    for k, disp in mine.items():
        if k in other and len(k.lstrip("#")) > 1:
            out.append(disp)
            if len(out) == limit:
                break
    return out


def _evidence(f: Features, idx: list[int], groups: Sequence[ArticleGroup]) -> list[MergeEvidence]:
    """Copies, then for each later member the strongest link to one earlier member."""
    out: list[MergeEvidence] = []
    for r in idx:
        g = groups[r]
        for c in g.copies:
            hours = None
            if c.published and g.primary.published:
                hours = round(abs((c.published - g.primary.published).total_seconds()) / 3600, 1)
            out.append(
                MergeEvidence(
                    a=g.primary.entry_id, b=c.entry_id, reason="wire copy", cosine=1.0, minhash=g.similarity,
                    hours_apart=hours, a_outlet=g.primary.source, b_outlet=c.source,
                )
            )
    if len(idx) < 2:
        return out
    times = {r: float(f.times[r]) for r in idx}
    order = sorted(idx, key=lambda r: (times[r] if math.isfinite(times[r]) else math.inf, r))
    sims = f.dense[order] @ f.dense[order].T + (f.sparse[order] @ f.sparse[order].T).toarray()
    best_of = [int(np.argmax(sims[pos, :pos])) for pos in range(1, len(order))]
    a_rows = np.array([order[b] for b in best_of], dtype=np.int64)
    b_rows = np.array(order[1:], dtype=np.int64)
    # cosine and text cosine of the chosen links only, not of every member pair
    cos = np.einsum("ij,ij->i", f.embedding[a_rows], f.embedding[b_rows]).tolist()
    words = sparse_pair_dots(f.words, a_rows, b_rows).tolist()
    score = [float(sims[pos, b]) for pos, b in enumerate(best_of, start=1)]
    for k, (r, best) in enumerate(zip(b_rows.tolist(), a_rows.tolist(), strict=True)):
        hours = None
        if math.isfinite(times[r]) and math.isfinite(times[best]):
            hours = round(abs(times[r] - times[best]) / 3600, 1)
        out.append(
            MergeEvidence(
                a=groups[best].primary.entry_id,
                b=groups[r].primary.entry_id,
                reason="same event",
                cosine=round(cos[k], 3),
                shared_entities=_shared_names(f, r, best),
                hours_apart=hours,
                score=round(score[k], 3),
                text_cosine=round(words[k], 3),
                a_outlet=groups[best].primary.source,
                b_outlet=groups[r].primary.source,
            )
        )
    return out


def _outlet_times(g: ArticleGroup) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for a in g.articles:
        t = a.published.timestamp() if a.published else math.nan
        lo, hi = out.get(a.source, (t, t))
        out[a.source] = (min(lo, t), max(hi, t)) if math.isfinite(t) and math.isfinite(lo) else (math.nan, math.nan)
    return out


def story_id(groups: Sequence[ArticleGroup]) -> str:
    """Stable id: a short hash of the earliest member's entry_id (ties: smallest entry_id)."""
    arts = [a for g in groups for a in g.articles]
    first = min(arts, key=lambda a: (a.published.timestamp() if a.published else math.inf, a.entry_id))
    return "s-" + _digest(first.entry_id)


class Explainer:
    """Fills in why each story's articles were merged, for the stories asked about.

    Evidence (the strongest link of each member to an earlier one, shared names, the text cosine)
    is only read for the stories a digest shows, so a run computes it for those (~40) rather than
    for every story of the window (2 s of a 20,000-article window's clustering).
    """

    def __init__(self, features: Features | None, groups: Sequence[ArticleGroup]) -> None:
        self.features, self.groups = features, groups
        self.rows = {id(g): i for i, g in enumerate(groups)}

    def __call__(self, stories: Sequence[Story]) -> None:
        for s in stories:
            idx = [self.rows[id(g)] for g in s.groups if id(g) in self.rows]
            if idx and self.features is not None:
                s.evidence = _evidence(self.features, idx, self.groups)


def merge_groups(
    groups: list[ArticleGroup],
    encoder: Encoder | None,
    *,
    threshold: float = 0.0,
    window_hours: float = 72.0,
    vectors: np.ndarray | None = None,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    neighbours: int = DEFAULT_NEIGHBOURS,
    same_outlet_hours: float = 12.0,
    same_outlet_min: float = DEFAULT_SAME_OUTLET_MIN,
) -> tuple[list[Story], Explainer]:
    """Merge article groups that report the same event into stories (see ``cluster_stories``),
    without their evidence; the ``Explainer`` returned adds it to the stories it is given."""
    if not groups:
        return [], Explainer(None, groups)
    if vectors is None:
        if encoder is None:
            raise ValueError("cluster_stories needs an encoder or vectors")
        vectors = np.asarray(encoder([embed_text(g) for g in groups]), dtype=np.float32)
    t = threshold if threshold and threshold > 0 else DEFAULT_THRESHOLD
    with ThreadPoolExecutor(max_workers=1) as pool:  # the kNN product runs in BLAS while the texts are read
        knn = pool.submit(knn_candidates, np.asarray(vectors, dtype=np.float32), neighbours, threads=1)

        f = build_features(groups, vectors, weights)
        outlets = [_outlet_times(g) for g in groups]
        candidates = knn.result()
    clusters = average_link(f, t, window_hours, k=neighbours, outlets=outlets, same_outlet_hours=same_outlet_hours,
                            same_outlet_min=same_outlet_min, candidates=candidates)
    stories = []
    for idx in clusters:
        members = [groups[i] for i in idx]
        stories.append(Story(id=story_id(members), groups=members))
    stories.sort(key=lambda s: (-len(s.outlets), -len(s.articles), s.id))
    return stories, Explainer(f, groups)


def cluster_stories(groups: list[ArticleGroup], encoder: Encoder | None, **settings: Any) -> list[Story]:
    """Merge article groups that report the same event into stories, with the evidence.

    ``vectors`` are the title+lead embeddings of the groups' primaries (computed with ``encoder``
    when not given). ``threshold`` 0 means the shipped tuned value. Two different articles of one
    outlet less than ``same_outlet_hours`` apart stay in different stories (0 turns this off);
    further apart, they join only at a link of ``same_outlet_min``. Stories come out
    largest first, then earliest. (``merge_groups`` takes the same settings.)
    """
    stories, explain = merge_groups(groups, encoder, **settings)
    explain(stories)
    return stories


def format_evidence(story: Story) -> list[str]:
    """One line per merge: who was joined to whom, and why (see ``Story.evidence_lines``)."""
    return story.evidence_lines()


# --- topic sections ---------------------------------------------------------------------------

OTHER = "Other"
TOPIC_MIN_SIMILARITY = 0.25  # cosine of story and topic text (plus keyword bonus) to enter a topic
KEYWORD_BONUS = 0.15  # per matched keyword, at most two


def story_text(s: Story) -> str:
    """What a story is about, for sections: the headline (or first title) and the first lead."""
    first = s.groups[0].primary
    return f"{s.headline or first.title}. {first.lead}".strip()


def _keyword_hits(text: str, keywords: Sequence[str]) -> int:
    hits = 0
    for kw in keywords:
        if kw and re.search(rf"(?<!\w){re.escape(kw)}(?!\w)", text, re.IGNORECASE):
            hits += 1
    return hits


def _surface_forms(texts: Sequence[str]) -> dict[str, str]:
    seen: dict[str, Counter[str]] = {}
    for t in texts:
        for w in re.findall(r"[^\W_][\w\-+.]*[^\W_]|[^\W_]", t):
            seen.setdefault(w.lower(), Counter())[w] += 1
    return {k: c.most_common(1)[0][0] for k, c in seen.items()}


def distinctive_terms(docs_by_class: Sequence[str], top: int = 3) -> list[list[str]]:
    """Per class, its most distinctive words by class-based TF-IDF (c-TF-IDF, as in BERTopic)."""
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        cv = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_][\w\-]+\b")
        counts = cv.fit_transform(docs_by_class).toarray().astype(float)
    except ValueError:
        return [[] for _ in docs_by_class]
    vocab = cv.get_feature_names_out()
    tf = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    avg_words = counts.sum() / max(len(docs_by_class), 1)
    idf = np.log(1.0 + avg_words / np.maximum(counts.sum(axis=0), 1.0))
    ctfidf = tf * idf
    forms = _surface_forms(docs_by_class)
    out = []
    for row in ctfidf:
        best = [i for i in np.argsort(-row)[:top] if row[i] > 0]
        out.append([forms.get(vocab[i], vocab[i]) for i in best])
    return out


def assign_sections(
    stories: list[Story],
    topics: Sequence,
    encoder: Encoder,
    *,
    min_similarity: float = TOPIC_MIN_SIMILARITY,
    max_auto_sections: int = 8,
) -> list[Section]:
    """Sort stories into sections and set ``Story.topic``; "Other" comes last.

    With ``topics`` (config.Topic: name, description, keywords, mute, min_outlets) each story goes
    to the topic it fits best: cosine of its title+lead with the topic's name, description and
    keywords, plus a bonus per keyword it contains; below ``min_similarity`` it goes to "Other".
    Stories of a muted topic are dropped, and so are stories with fewer outlets than their
    topic's ``min_outlets``. Without topics, sections are found by k-means on the stories'
    embeddings and named by their distinctive terms. Story order inside a section is kept.
    """
    if not stories:
        return []
    vecs = np.asarray(encoder([story_text(s) for s in stories]), dtype=np.float32)
    if topics:
        return _topic_sections(stories, list(topics), encoder, vecs, min_similarity)
    return _auto_sections(stories, vecs, max_auto_sections)


def _topic_sections(stories: list[Story], topics: list, encoder: Encoder, vecs: np.ndarray, min_similarity: float) -> list[Section]:
    tvecs = np.asarray(
        encoder([f"{t.name}. {t.description} {', '.join(t.keywords)}".strip() for t in topics]), dtype=np.float32
    )
    sims = vecs @ tvecs.T
    by_name: dict[str, list[Story]] = {t.name: [] for t in topics}
    other: list[Story] = []
    for k, s in enumerate(stories):
        text = " ".join([story_text(s)] + [a.title for a in s.articles])
        score = sims[k] + np.array([KEYWORD_BONUS * min(_keyword_hits(text, t.keywords), 2) for t in topics])
        best = int(np.argmax(score))
        if score[best] < min_similarity:
            s.topic = OTHER
            other.append(s)
            continue
        topic = topics[best]
        s.topic = topic.name
        if topic.mute or len(s.outlets) < max(1, int(topic.min_outlets)):
            continue  # muted, or too few outlets for this section
        by_name[topic.name].append(s)
    sections = [Section(name=t.name, stories=by_name[t.name], description=t.description) for t in topics if by_name[t.name]]
    if other:
        sections.append(Section(name=OTHER, stories=other))
    return sections


def _auto_sections(stories: list[Story], vecs: np.ndarray, max_sections: int) -> list[Section]:
    n = len(stories)
    k = max(1, min(max_sections, round(math.sqrt(n / 2))))
    if k == 1:
        for s in stories:
            s.topic = OTHER
        return [Section(name=OTHER, stories=list(stories))]
    from sklearn.cluster import KMeans

    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vecs)
    classes = sorted(set(labels.tolist()), key=lambda c: labels.tolist().index(c))
    docs = [" ".join(" ".join(a.title for a in s.articles) + " " + story_text(s) for s, lab in zip(stories, labels, strict=True) if lab == c) for c in classes]
    names = distinctive_terms(docs)
    sections: list[Section] = []
    other: list[Story] = []
    used: set[str] = set()
    for c, terms in zip(classes, names, strict=True):
        members = [s for s, lab in zip(stories, labels, strict=True) if lab == c]
        name = " · ".join(terms)
        if len(members) < 2 or not name or name in used:
            other.extend(members)
            continue
        used.add(name)
        for s in members:
            s.topic = name
        sections.append(Section(name=name, stories=members))
    for s in other:
        s.topic = OTHER
    if other:
        order = {id(s): i for i, s in enumerate(stories)}
        sections.append(Section(name=OTHER, stories=sorted(other, key=lambda s: order[id(s)])))
    return sections
