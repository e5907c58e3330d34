"""Ranking: more (and more trusted) outlets rank higher, age decays, topic boosts multiply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefing.config import Topic
from briefing.models import Article, ArticleGroup, Section, Story
from briefing.rank import rank_sections, rank_stories, story_score

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def story(sid: str, outlets: list[tuple[str, float]], hours_old: float = 0.0, topic: str = "Other") -> Story:
    groups = [
        ArticleGroup(Article(id=None, entry_id=f"{sid}-{i}", feed=name, source=name, url=None, title="t", text="x",
                             published=NOW - timedelta(hours=hours_old), weight=w))
        for i, (name, w) in enumerate(outlets)
    ]
    return Story(id=sid, groups=groups, topic=topic)


def test_more_outlets_rank_higher_but_with_diminishing_returns() -> None:
    one, three, seven = story("a", [("x", 1)]), story("b", [("x", 1), ("y", 1), ("z", 1)]), story("c", [(str(i), 1) for i in range(7)])
    assert [s.id for s in rank_stories([one, seven, three], now=NOW)] == ["c", "b", "a"]
    assert three.score == pytest.approx(2 * one.score)
    assert seven.score == pytest.approx(3 * one.score)


def test_the_same_outlet_twice_counts_once_and_weights_count() -> None:
    repeat = story("a", [("x", 1), ("x", 1)])
    trusted = story("b", [("x", 3)])
    plain = story("c", [("y", 1)])
    rank_stories([repeat, trusted, plain], now=NOW)
    assert repeat.score == plain.score
    assert trusted.score == pytest.approx(2 * plain.score)


def test_age_halves_the_score_every_half_life() -> None:
    fresh, old = story("a", [("x", 1)]), story("b", [("x", 1)], hours_old=24)
    rank_stories([fresh, old], now=NOW, half_life_hours=24)
    assert old.score == pytest.approx(fresh.score / 2)
    naive_now = NOW.replace(tzinfo=None)  # a naive clock is read as UTC
    assert story_score(old, now=naive_now, half_life_hours=24) == pytest.approx(old.score)


def test_topic_boost_and_mute() -> None:
    topics = [Topic(name="Models", boost=2.0), Topic(name="Crypto", mute=True)]
    a = story("a", [("x", 1), ("y", 1)], topic="Other")
    b = story("b", [("x", 1)], topic="Models")
    c = story("c", [("x", 1), ("y", 1), ("z", 1)], topic="Crypto")
    ranked = rank_stories([a, b, c], now=NOW, topics=topics)
    assert [s.id for s in ranked] == ["b", "a", "c"]
    assert c.score == 0


def test_rank_sections_sorts_inside_each_section_and_keeps_section_order() -> None:
    s1 = Section("Models", [story("a", [("x", 1)]), story("b", [("x", 1), ("y", 1)])])
    s2 = Section("Other", [story("c", [("x", 1)], hours_old=48), story("d", [("x", 1)])])
    out = rank_sections([s1, s2], now=NOW)
    assert [s.name for s in out] == ["Models", "Other"]
    assert [s.id for s in out[0].stories] == ["b", "a"] and [s.id for s in out[1].stories] == ["d", "c"]
