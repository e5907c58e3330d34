"""Story importance: how many distinct outlets carry it, how much they are trusted, how fresh it is.

score = log2(1 + sum of distinct outlets' weights) * topic boost * 0.5 ** (age / half-life)

The logarithm makes the tenth outlet count less than the second (a story on 7 outlets is a big
story; on 14 it is not twice as big). Age is taken from the story's newest article, so a story
that keeps getting coverage stays up. Muted topics are removed by ``assign_sections``; a topic's
``boost`` multiplies here. Undated stories count as fresh (age 0): nothing says they are old.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

from .models import Section, Story

DEFAULT_HALF_LIFE_HOURS = 24.0


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def outlet_weight(story: Story) -> float:
    """Sum over distinct outlets of the highest weight any of its articles carries."""
    best: dict[str, float] = {}
    for a in story.articles:
        best[a.source] = max(best.get(a.source, 0.0), max(a.weight, 0.0))
    return sum(best.values())


def story_score(story: Story, *, now: datetime, boost: float = 1.0, half_life_hours: float = DEFAULT_HALF_LIFE_HOURS) -> float:
    base = math.log2(1.0 + outlet_weight(story))
    published = story.published
    age = max(0.0, (_aware(now) - _aware(published)).total_seconds() / 3600.0) if published else 0.0
    decay = 0.5 ** (age / half_life_hours) if half_life_hours > 0 else 1.0
    return base * boost * decay


def rank_stories(
    stories: list[Story], *, now: datetime, topics: Sequence = (), half_life_hours: float = DEFAULT_HALF_LIFE_HOURS
) -> list[Story]:
    """Set ``Story.score`` and return the stories highest first (ties: more outlets, then id).

    ``topics`` are config.Topic objects; a story's ``topic`` (set by assign_sections) picks the
    boost. Stories of muted topics get score 0 (assign_sections drops them before this).
    """
    boosts = {t.name: (0.0 if getattr(t, "mute", False) else float(getattr(t, "boost", 1.0))) for t in topics}
    for s in stories:
        s.score = round(story_score(s, now=now, boost=boosts.get(s.topic, 1.0), half_life_hours=half_life_hours), 6)
    return sorted(stories, key=lambda s: (-s.score, -len(s.outlets), s.id))


def rank_sections(
    sections: list[Section], *, now: datetime, topics: Sequence = (), half_life_hours: float = DEFAULT_HALF_LIFE_HOURS
) -> list[Section]:
    """Rank the stories inside each section (in place, section order kept) and return the sections."""
    for sec in sections:
        sec.stories = rank_stories(sec.stories, now=now, topics=topics, half_life_hours=half_life_hours)
    return sections
