"""Wire copies collapse into one article that keeps every outlet; different reports do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from briefing.dedupe import candidate_pairs, collapse_copies, jaccard, minhash, shingles
from briefing.models import Article

WIRE = (
    "SAN FRANCISCO (AP) — OpenAI said on Tuesday it would open its first office in Seoul, expanding in "
    "South Korea where the number of paying ChatGPT subscribers grew faster than anywhere outside the "
    "United States last year. The company said the office would open in September with about twenty "
    "staff working with local businesses, universities and government agencies, and that it had signed "
    "a partnership with Kakao to bring its models to the KakaoTalk messenger used by most South Koreans. "
    "Chief strategy officer Jason Kwon told reporters the country was one of the company's most important "
    "markets and that it planned to hire researchers there as well."
)


def art(eid: str, source: str, title: str, text: str, hours: int = 0) -> Article:
    return Article(
        id=None, entry_id=eid, feed=source, source=source, url=f"https://{source}.example/{eid}", title=title,
        text=text, published=datetime(2026, 5, 5, 9, tzinfo=UTC) + timedelta(hours=hours),
    )


def test_shingles_and_jaccard() -> None:
    a = shingles("one two three four five six")
    assert a == {"one two three four five", "two three four five six"}
    assert shingles("too short") == {"too short"}
    assert jaccard(a, a) == 1.0 and jaccard(a, set()) == 0.0


def test_minhash_estimates_jaccard() -> None:
    a = shingles(WIRE)
    b = shingles(WIRE.replace("twenty", "20").replace("Tuesday", "Wednesday"))
    est = float((minhash(a) == minhash(b)).mean())
    assert abs(est - jaccard(a, b)) < 0.2
    assert (0, 1) in candidate_pairs([a, b])


def test_wire_copies_collapse_keeping_every_outlet() -> None:
    copies = [
        art("ap-1", "apnews", "OpenAI to open Seoul office", WIRE, hours=0),
        art("ky-1", "koreanherald", "OpenAI to open office in Seoul, partners with Kakao",
            "Updated 10:42 KST. " + WIRE + " Related: Kakao shares rise.", hours=2),
        art("yh-1", "yahoonews", "OpenAI opening first Seoul office",
            WIRE.replace("about twenty staff", "about 20 staff"), hours=1),
    ]
    other = art(
        "tc-1", "techcrunch", "OpenAI expands to South Korea",
        "OpenAI is coming to Seoul. In an interview, Jason Kwon explained why Korea matters so much to the "
        "ChatGPT maker: subscriptions there have been growing at a remarkable pace, and the Kakao deal puts "
        "its models in front of nearly every smartphone user in the country. The new office opens in the fall.",
        hours=3,
    )
    groups = collapse_copies([*copies, other], None)
    assert len(groups) == 2
    wire = next(g for g in groups if len(g.articles) == 3)
    assert wire.primary.entry_id == "ap-1"  # the earliest copy is the primary
    assert {o.name for o in wire.outlets} == {"apnews", "koreanherald", "yahoonews"}
    assert 0.6 <= wire.similarity < 1.0
    assert [a.entry_id for a in next(g for g in groups if g is not wire).articles] == ["tc-1"]


def test_short_copies_need_the_embedding_to_confirm() -> None:
    a = art("a", "one", "Nvidia shares rise", "Nvidia shares rose 4% on Monday after the chip maker raised its forecast.")
    b = art("b", "two", "Nvidia shares rise", "Nvidia shares rose 5% on Monday after the chip maker raised its forecast.")
    same = np.array([[1.0, 0.0], [0.995, 0.0998]], dtype=np.float32)
    far = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert len(collapse_copies([a, b], same)) == 1
    assert len(collapse_copies([a, b], far)) == 2


def test_every_article_lands_in_exactly_one_group() -> None:
    arts = [art(f"e{i}", f"s{i}", f"Title {i}", f"Completely different text number {i} about topic {i * 7}.") for i in range(30)]
    groups = collapse_copies(arts, None)
    assert sorted(a.entry_id for g in groups for a in g.articles) == sorted(a.entry_id for a in arts)
    assert collapse_copies([], None) == []


def test_confirm_embeds_primaries_only_and_joins_short_copies_as_vectors_do() -> None:
    """``confirm``: copies by shingles first, then only the primaries embedded; short primaries are
    joined by their vectors exactly as ``collapse_copies`` with every article's vectors joins them."""
    long_copies = [art("ap-1", "apnews", "OpenAI opens Seoul office", WIRE),
                   art("ap-2", "yahoonews", "OpenAI to open office in Seoul", WIRE, hours=1)]
    a = art("a", "one", "Nvidia shares rise", "Nvidia shares rose 4% on Monday after the chip maker raised its forecast.", hours=2)
    b = art("b", "two", "Nvidia shares rise", "Nvidia shares rose 5% on Monday after the chip maker raised its forecast.", hours=3)
    c = art("c", "three", "Markets close", "Stocks closed higher on Monday as technology shares rallied across the board.", hours=4)
    arts = [*long_copies, a, b, c]
    vec = {"ap-1": [0.0, 0.0, 1.0], "ap-2": [0.0, 0.0, 1.0], "a": [1.0, 0.0, 0.0], "b": [0.995, 0.0998, 0.0],
           "c": [0.96, 0.28, 0.0]}  # c is close to a, but not 0.97, and shares few shingles
    asked: list[list[str]] = []

    def confirm(primaries: list[Article]) -> np.ndarray:
        asked.append([p.entry_id for p in primaries])
        return np.array([vec[p.entry_id] for p in primaries], dtype=np.float32)

    got = collapse_copies(arts, None, confirm=confirm)
    every = collapse_copies(arts, np.array([vec[x.entry_id] for x in arts], dtype=np.float32))
    assert asked == [["ap-1", "a", "b", "c"]]  # the wire copy ap-2 is not embedded
    shape = [[x.entry_id for x in g.articles] for g in got]
    assert shape == [[x.entry_id for x in g.articles] for g in every] == [["ap-1", "ap-2"], ["a", "b"], ["c"]]
    assert [g.similarity for g in got] == [g.similarity for g in every]
