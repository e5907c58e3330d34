"""The plain way to do the same job, in its own process: what `briefing run` is measured against.

Sequential ``feedparser.parse(url)`` per feed, each page fetched in turn and run through
``trafilatura.extract(with_metadata=True)``, every article embedded in full (title + text, the
model's own 256-token limit), then the same dedupe + clustering as the pipeline on those vectors.

    python -m benchmarks.baseline CONFIG
"""

from __future__ import annotations

import json
import sys
import time
import urllib.request
from datetime import UTC, datetime

import numpy as np


def main(argv: list[str]) -> int:
    t0 = time.perf_counter()
    import feedparser
    import trafilatura

    from briefing.config import load_config
    from briefing.models import Article

    cfg = load_config(argv[0])
    times: dict[str, float] = {}
    entries = []
    for feed in cfg.feeds:
        parsed = feedparser.parse(feed.url)
        entries += [(feed.name, e) for e in parsed.entries]
    times["feeds_s"] = time.perf_counter() - t0

    t = time.perf_counter()
    pages = []
    for _, e in entries:
        with urllib.request.urlopen(e.link, timeout=30) as resp:
            pages.append(resp.read())
    times["fetch_pages_s"] = time.perf_counter() - t

    t = time.perf_counter()
    articles: list[Article] = []
    for (name, e), html in zip(entries, pages, strict=True):
        raw = trafilatura.extract(html, url=e.link, with_metadata=True, output_format="json")
        doc = json.loads(raw) if raw else {}
        text = doc.get("text") or e.get("summary", "")
        published = datetime(*e.published_parsed[:6], tzinfo=UTC) if e.get("published_parsed") else None
        articles.append(Article(id=None, entry_id=e.get("id") or e.link, feed=name, source=name, url=e.link,
                                title=e.get("title") or doc.get("title") or "", text=text, published=published))
    times["extract_s"] = time.perf_counter() - t

    t = time.perf_counter()
    from briefing.embed import Embedder, load_model

    model = load_model(cfg.embed.model)
    full = model.encode([f"{a.title}\n{a.text}" for a in articles], batch_size=32, normalize_embeddings=True,
                        show_progress_bar=False)
    times["embed_s"] = time.perf_counter() - t

    t = time.perf_counter()
    from briefing.cluster import embed_text
    from briefing.models import ArticleGroup
    from briefing.pipeline import merge_stories

    fallback = Embedder(cfg.embed.model, max_tokens=0)
    known = {embed_text(ArticleGroup(a)): v for a, v in zip(articles, full, strict=True)}

    def encoder(texts):  # an article's vector is its full-text one; anything else the model as usual
        return np.vstack([known[t] if t in known else fallback([t])[0] for t in texts]).astype(np.float32)

    stories = merge_stories(articles, encoder, cfg)
    times["cluster_s"] = time.perf_counter() - t
    assignment = {f"{a.feed}\x1f{a.url}": i for i, s in enumerate(stories) for a in s.articles}
    times["total_s"] = time.perf_counter() - t0
    print(json.dumps({"times": {k: round(v, 2) for k, v in times.items()}, "articles": len(articles),
                      "max_seq_length": int(getattr(model, "max_seq_length", 0) or 0), "assignment": assignment}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
