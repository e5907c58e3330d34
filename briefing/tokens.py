"""Word tokens of many texts at once, as 64-bit hashes, computed in numpy.

Why this exists: a 20,000-article window is ~80 MB of text. Python's regular expressions run at
~25 MB/s on it, and building one string object per token or per shingle (sets, Counters, joins)
costs tens of seconds more. Dedupe and clustering only ever compare tokens for equality, so a
hash per token is all they need, and on the UTF-8 bytes it takes a few vectorised passes of byte
comparisons instead of a Python call per token.

A token is a maximal run of word characters, like the regex ``\\w+``: ASCII letters, digits and
underscore, plus every non-ASCII character except the usual punctuation (U+0080-U+00BF: no-break
space, guillemets, symbols; U+2000-U+20CF: curly quotes, dashes, ellipsis, currency; emoji).
ASCII and Latin-1 capitals are lower-cased before hashing. For English news this equals
``re.findall(r"\\w+", text.lower())``; elsewhere (other punctuation blocks, Greek or Cyrillic
capitals) a token can differ, which only moves a hash, the same way in every copy of a text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

_U64 = np.uint64
R = TypeVar("R")
CHUNK_BYTES = 1 << 20  # bytes per pass: temporaries stay small enough for malloc to reuse (fresh pages cost more than the work)

_P = _U64(0x9E3779B97F4A7C15)  # odd multiplier mixing a token's last 8 bytes into its hash


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads a polynomial hash over all 64 bits (uint64 wraps silently)."""
    x = x ^ (x >> _U64(30))
    x = x * _U64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U64(27))
    x = x * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


@dataclass
class Tokens:
    """Every token of some texts, in text order; ``offsets[d - first]:offsets[d - first + 1]`` are text d's."""

    hashes: np.ndarray  # uint64 hash of the lower-cased token
    doc: np.ndarray  # int64 index of the text it is in
    offsets: np.ndarray  # (n + 1,) int64
    single: np.ndarray  # bool: the token is one character
    capital: np.ndarray  # bool: starts with a capital letter (A-Z, À-Þ)
    lower_initial: np.ndarray  # bool: starts with a lower-case letter (a-z, ß-ÿ)
    rest_lower: np.ndarray  # bool: no capital after the first character
    joined: np.ndarray  # bool: part of a compound (state-of-the-art, Kwon's): joined by - ' ’ to a neighbour
    first: int = 0  # index of the first text covered (a chunk covers texts first..first + len(offsets) - 2)

    def __len__(self) -> int:
        return len(self.hashes)


_PAD = 8  # NUL bytes before and after a chunk's texts: reads up to 8 bytes away need no bounds checks


def _chunk(buf: np.ndarray, detail: bool) -> dict[str, np.ndarray]:
    """Tokens of one byte buffer (texts separated by NUL bytes, _PAD NULs at both ends);
    positions are buffer offsets. Without ``detail`` only hashes and starts are computed."""
    n = len(buf)
    # byte classes by SIMD comparisons (a 256-entry lookup table gathers ~10x slower)
    upper = (buf - np.uint8(65)) < 26
    lower = (buf - np.uint8(97)) < 26
    word = upper | lower | ((buf - np.uint8(48)) < 10) | (buf >= 0x80) | (buf == 95)
    low = buf | (upper.view(np.uint8) << np.uint8(5))
    # the few bytes >= C2 start multi-byte characters: classify those alone
    hi = np.flatnonzero(buf >= 0xC2)
    b0, b1 = buf[hi], buf[hi + 1]
    # non-ASCII punctuation is not a word character: E2 80-83 xx, C2 80-BF, F0 9F xx xx (emoji)
    lead = hi[(b0 == 0xE2) & (b1 >= 0x80) & (b1 <= 0x83)]
    word[lead] = word[lead + 1] = word[lead + 2] = False
    lead = hi[(b0 == 0xC2) & (b1 <= 0xBF)]
    word[lead] = word[lead + 1] = False
    lead = hi[(b0 == 0xF0) & (b1 == 0x9F)]
    word[lead] = word[lead + 1] = word[lead + 2] = word[lead + 3] = False
    # Latin-1 letters: C3 80-9E (not 97, the multiplication sign) are capitals of C3 A0-BE
    cap = hi[(b0 == 0xC3) & (b1 >= 0x80) & (b1 <= 0x9E) & (b1 != 0x97)]
    low[cap + 1] += 0x20
    edge = np.diff(word.view(np.int8))
    starts = np.flatnonzero(edge == 1) + 1
    ends = np.flatnonzero(edge == -1) + 1
    length = ends - starts
    # hash of each token from its first and last 8 bytes (overlapping views of the lower-cased
    # buffer, one unaligned load each) and its length: exact up to 16 bytes, and a longer token
    # shares the hash only with one of equal length, first and last 8 bytes (~never in text)
    view = np.ndarray(shape=(n - 7,), dtype="<u8", buffer=low, strides=(1,))
    short = np.minimum(length, 8).astype(_U64) * _U64(8)
    keep = np.where(short == 64, _U64(0xFFFFFFFFFFFFFFFF), (_U64(1) << (short & _U64(63))) - _U64(1))
    head = view[starts] & keep
    tail = view[np.maximum(ends - 8, starts)] & keep
    h = _mix(_mix(head ^ (length.astype(_U64) * _U64(0xD6E8FEB86659FD93))) + tail * _P)
    if not detail:
        return {"hash": h, "start": starts}
    upper[cap] = upper[cap + 1] = True
    lower[hi[(b0 == 0xC3) & (b1 >= 0x9F) & (b1 != 0xB7)]] = True
    first = buf[starts]
    # one character: one byte, or one multi-byte sequence (its length follows from the lead byte)
    single = length == 1 + (first >= 0xC0).view(np.uint8) + (first >= 0xE0).view(np.uint8) + (first >= 0xF0).view(np.uint8)
    # no capital after the first character (a Latin-1 capital marks both its bytes: the rest of
    # the token starts after the second); capitals are few, so each is looked up in its token
    skip = 1 + ((first == 0xC3) & upper[starts] & (length > 1))
    caps_at = np.flatnonzero(upper)
    tok = np.searchsorted(starts, caps_at, side="right") - 1
    rest_lower = np.ones(len(starts), dtype=bool)
    rest_lower[tok[caps_at >= starts[tok] + skip[tok]]] = False
    # compounds: a hyphen or apostrophe between a word and a lower-case letter (the words the
    # name test counts are whole compounds, as the regex [a-z'’-]+ takes them)
    e0, e1, e2 = buf[ends], buf[ends + 1], buf[ends + 2]
    curly = (e0 == 0xE2) & (e1 == 0x80) & (e2 == 0x99)
    joined = ((e0 == 0x27) | (e0 == 0x2D) | curly) & ((np.where(curly, buf[ends + 3], e1) - np.uint8(97)) < 26)
    s1, s2, s3 = buf[starts - 1], buf[starts - 2], buf[starts - 3]
    curly = (s3 == 0xE2) & (s2 == 0x80) & (s1 == 0x99)
    joined |= ((s1 == 0x27) | (s1 == 0x2D) | curly) & word[np.where(curly, starts - 4, starts - 2)] & lower[starts]
    return {"hash": h, "start": starts, "single": single, "capital": upper[starts],
            "lower_initial": lower[starts], "rest_lower": rest_lower, "joined": joined}


def _spans(parts: Sequence[bytes]) -> list[tuple[int, int]]:
    """Consecutive text ranges of about CHUNK_BYTES each (a longer text is a range of its own)."""
    spans, i, n = [], 0, len(parts)
    while i < n:
        j, size = i, 0
        while j < n and (j == i or size + len(parts[j]) < CHUNK_BYTES):
            size += len(parts[j]) + 1
            j += 1
        spans.append((i, j))
        i = j
    return spans


def _tokens_of(parts: Sequence[bytes], i: int, j: int, detail: bool) -> Tokens:
    pad = b"\x00" * _PAD
    buf = np.frombuffer(pad + b"\x00".join(parts[i:j]) + pad, dtype=np.uint8)
    begins = _PAD + np.cumsum([0] + [len(p) + 1 for p in parts[i:j]])[:-1]
    got = _chunk(buf, detail)
    doc = np.searchsorted(begins, got["start"], side="right") - 1 + i
    offsets = np.zeros(j - i + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.bincount(doc - i, minlength=j - i))
    no = np.zeros(0, dtype=bool)
    return Tokens(got["hash"], doc.astype(np.int64), offsets, *(got.get(k, no) for k in _DETAIL), first=i)


_DETAIL = ("single", "capital", "lower_initial", "rest_lower", "joined")


def map_chunks(texts: Sequence[str], fn: Callable[[Tokens], R], workers: int = 0, detail: bool = True) -> list[R]:
    """``fn`` of the tokens of each run of consecutive texts (about CHUNK_BYTES each), in order.

    Chunks keep every array small, and numpy releases the GIL inside each operation, so
    ``workers`` threads (0: one per core, at most 4) tokenise chunks side by side. Without
    ``detail`` the tokens carry hashes only (the case and compound flags stay empty).
    """
    parts = [t.encode("utf-8", "replace") for t in texts]
    spans = _spans(parts)

    def one(span: tuple[int, int]) -> R:
        return fn(_tokens_of(parts, *span, detail))

    workers = workers or min(4, os.cpu_count() or 1)
    if workers <= 1 or len(spans) < 2:
        return [one(s) for s in spans]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, spans))


def tokenize(texts: Sequence[str]) -> Tokens:
    """Hash every token of every text (see the module docstring for what a token is)."""
    n = len(texts)
    chunks = map_chunks(texts, lambda t: t)
    if not chunks:
        e = np.zeros(0, dtype=bool)
        return Tokens(np.zeros(0, _U64), np.zeros(0, np.int64), np.zeros(n + 1, np.int64), e, e, e, e, e)
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum(np.concatenate([np.diff(c.offsets) for c in chunks]))
    return Tokens(*(np.concatenate([getattr(c, k) for c in chunks]) for k in ("hashes", "doc")), offsets,
                  *(np.concatenate([getattr(c, k) for c in chunks]) for k in _DETAIL))


def hash_words(words: Iterable[str]) -> np.ndarray:
    """The hash of each word's first token, in order (for lists of single words: a stop list)."""
    words = list(words)
    t = tokenize(words)
    out = np.zeros(len(words), dtype=_U64)
    has = np.diff(t.offsets) > 0
    out[has] = t.hashes[t.offsets[:-1][has]]
    return out


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting: numpy 2's hash-table unique is ~5x slower on 10^7 integers."""
    x = np.sort(x)
    return x[np.concatenate([[True], x[1:] != x[:-1]])] if len(x) else x


def pack_keys(row: np.ndarray, term: np.ndarray, n: int, hashed: bool = True) -> tuple[np.ndarray, int]:
    """Sorted unique ``row << bits | term`` keys (``row`` < ``n``) and ``bits``: every row's set of
    terms in one array. The row index sits in the top bits, so one sort groups terms by row, makes
    each set unique and orders a row's terms. Of a 64-bit hash the top ``bits`` are kept; a small
    term id (``hashed=False``) is kept whole."""
    row_bits = max(1, int(n).bit_length())
    bits = 64 - row_bits
    term = term.astype(np.uint64)
    keys = (row.astype(np.uint64) << np.uint64(bits)) | (term >> np.uint64(row_bits) if hashed else term)
    return sorted_unique(keys), bits
