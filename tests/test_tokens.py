"""The numpy tokeniser agrees with the regex it replaces, and its hashes keep words apart."""

from __future__ import annotations

import re

import numpy as np

from briefing.dedupe import _shingle_keys, shingles
from briefing.tokens import hash_words, map_chunks, tokenize

TEXT = (
    "OpenAI’s “o3” model — released on Tuesday — beat GPT-4 by 12.5 points; Zoë Müller, "
    "the company's état-major chief, said: «Ça marche». State-of-the-art? Über-fast… ÉCOLE école"
)


def test_tokens_match_the_word_regex() -> None:
    words = re.findall(r"\w+", TEXT.lower())
    t = tokenize([TEXT, "", "one"])
    assert list(np.diff(t.offsets)) == [len(words), 0, 1]
    assert np.array_equal(t.hashes[: len(words)], hash_words(words))
    assert hash_words(["Apple"])[0] == hash_words(["apple"])[0] != hash_words(["apples"])[0]
    long = ["internationalization", "internationalisation", "x" * 17, "x" * 18, "ab", "ba"]
    assert len(set(hash_words(long).tolist())) == len(long)


def test_case_and_compound_flags() -> None:
    t = tokenize(["The Attorney's office uses state-of-the-art Wi-Fi"])
    # The Attorney s office uses state of the art Wi Fi
    assert t.capital.tolist() == [True, True, False, False, False, False, False, False, False, True, True]
    assert t.joined.tolist() == [False, True, True, False, False, True, True, True, True, False, False]
    assert t.single.tolist()[2] and not t.single.tolist()[1]


def test_chunks_cover_every_text_once_in_order() -> None:
    texts = [f"text number {i} " * (i % 50) for i in range(3000)]
    got = map_chunks(texts, lambda t: (t.first, len(t.offsets) - 1), workers=2)
    assert sum(n for _, n in got) == len(texts)
    assert [f for f, _ in got] == sorted(f for f, _ in got)


def test_shingle_sets_match_the_string_version() -> None:
    texts = [TEXT, "too short", "one two three four five six seven"]
    keys, bits = _shingle_keys(texts)
    per_doc = np.bincount((keys >> np.uint64(bits)).astype(np.int64), minlength=len(texts))
    assert per_doc.tolist() == [len(shingles(t)) for t in texts]
