"""The only place where stages meet: each stage takes plain data and returns plain data."""

from __future__ import annotations

from typing import Any

from .config import Config
from .models import Article, Encoder, Story


def merge_stories(articles: list[Article], encoder: Encoder, cfg: Config) -> list[Story]:
    """embed -> dedupe -> cluster: the merging that both `briefing run` and `briefing eval clustering` use."""
    import numpy as np

    from .cluster import cluster_stories, embed_text
    from .dedupe import collapse_copies
    from .models import ArticleGroup

    if not articles:
        return []
    c = cfg.cluster
    vectors = np.asarray(encoder([embed_text(ArticleGroup(a)) for a in articles]), dtype=np.float32)
    groups = collapse_copies(articles, vectors, jaccard_threshold=c.copy_jaccard)
    row = {id(a): i for i, a in enumerate(articles)}
    group_vectors = vectors[[row[id(g.primary)] for g in groups]]
    return cluster_stories(
        groups,
        encoder,
        threshold=c.threshold,
        window_hours=c.window_hours,
        vectors=group_vectors,
        weights=(c.weight_embedding, c.weight_words, c.weight_names),
        neighbours=c.neighbours,
        same_outlet_hours=c.same_outlet_hours,
        same_outlet_min=c.same_outlet_min,
    )


def run(cfg: Config, *, date: str | None = None, **options: Any) -> Any:
    """One daily run; see RunResult. Filled in by the foundation work (issue 2)."""
    raise NotImplementedError
