"""The only place where stages meet: each stage takes plain data and returns plain data."""

from __future__ import annotations

from typing import Any

from .config import Config
from .models import Article, Encoder, Story


def merge_stories(articles: list[Article], encoder: Encoder, cfg: Config) -> list[Story]:
    """embed -> dedupe -> cluster: the merging that both `briefing run` and `briefing eval clustering` use."""
    raise NotImplementedError  # filled in by the story-merging work (issue 3)


def run(cfg: Config, *, date: str | None = None, **options: Any) -> Any:
    """One daily run; see RunResult. Filled in by the foundation work (issue 2)."""
    raise NotImplementedError
