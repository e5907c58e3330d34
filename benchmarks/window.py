"""The merging of a large window, vectors given: dedupe, then the cluster stage (kNN, features,
average-link, and the merge evidence of the ``max_stories`` stories a digest would show, the
largest), each timed: ``cluster_s`` is the cluster stage alone (DESIGN.md's ``cluster``),
``dedupe_s`` the wire-copy stage before it, ``merge_s`` the two together.

The window is made of the benchmark's pool of real texts and reworded relatives of them
(sentences dropped and reordered, headlines edited, a dateline), so shingles, words and names
behave like a real window's. The real texts are embedded with the real model once (cached in
~/.cache/briefing-bench/embeddings.db; that cost is reported separately). A reworded relative's
vector is its original's plus noise (cosine ~0.9 to it, as a rewrite's title+lead has): embedding
17,000 more texts on 2 cores would take longer than the whole benchmark, and clustering cost does
not depend on where a vector came from.

    python -m benchmarks.window N CONFIG
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np

NOISE = 0.025  # per-dimension sigma on a unit 384-d vector: cosine 1/sqrt(1 + 384 * NOISE**2) ~ 0.9


def build_window(n: int, seed: int = 11) -> tuple[list, list[str], list[str]]:
    """(articles, gold story per article, id of the real text each article comes from)."""
    from briefing.models import Article

    from .gencorpus import DATE, load_pool, perturb

    rng = random.Random(seed)
    events, singles, _ = load_pool()
    pool = events + singles
    docs = [(d, d.id) for d in pool[:n]]
    while len(docs) < n:
        d = rng.choice(pool)
        docs.append((perturb(d, rng, len(docs)), d.id))
    rng.shuffle(docs)
    end = datetime.fromisoformat(DATE).replace(tzinfo=UTC) + timedelta(hours=23)
    articles = []
    taken: dict[str, set[int]] = {}  # a story's outlets: an outlet does not file one story twice
    for i, (d, _) in enumerate(docs):
        used = taken.setdefault(d.cluster, set())
        pick = rng.randrange(300)
        while pick in used and len(used) < 300:
            pick = rng.randrange(300)
        used.add(pick)
        outlet = f"Outlet {pick:03d}"
        articles.append(Article(id=i + 1, entry_id=d.id, feed=outlet, source=outlet, url=d.id, title=d.title, text=d.text,
                                published=end - timedelta(seconds=rng.randrange(36 * 3600))))
    return articles, [d.cluster for d, _ in docs], [origin for _, origin in docs]


def main(argv: list[str]) -> int:
    from briefing.config import load_config
    from briefing.embed import Embedder
    from briefing.models import ArticleGroup
    from briefing.pipeline import merge_window
    from briefing.store import Store

    from .bcubed import bcubed
    from .gencorpus import CACHE, load_pool

    n, cfg = int(argv[0]), load_config(argv[1])
    articles, gold, origins = build_window(n)
    CACHE.mkdir(parents=True, exist_ok=True)
    store = Store(CACHE / "embeddings.db")
    embedder = Embedder(cfg.embed.model, batch_size=cfg.embed.batch_size, max_tokens=cfg.embed.max_tokens,
                        cache_get=store.get_embeddings, cache_put=store.put_embeddings)
    try:
        from briefing.cluster import embed_text
    except ImportError:  # the stand-in clustering

        def embed_text(g: ArticleGroup) -> str:
            return f"{g.primary.title}. {g.primary.lead}"

    events, singles, _ = load_pool()
    real = {d.id: d for d in events + singles}
    wanted = sorted(set(origins))
    t = time.perf_counter()
    vec_of = dict(zip(wanted, embedder([embed_text(ArticleGroup(_as_article(real[o]))) for o in wanted]), strict=True))
    embed_s = time.perf_counter() - t
    rng = np.random.default_rng(5)
    known: dict[str, np.ndarray] = {}
    for a, o in zip(articles, origins, strict=True):
        v = vec_of[o] if a.entry_id == o else vec_of[o] + NOISE * rng.standard_normal(vec_of[o].shape[0]).astype(np.float32)
        known[embed_text(ArticleGroup(a))] = v / np.linalg.norm(v)

    def lookup(texts):  # every article vector is known: the stage timed is dedupe + cluster
        return np.vstack([known[t] if t in known else embedder([t])[0] for t in texts]).astype(np.float32)

    t = time.perf_counter()
    parts: dict[str, float] = {}
    stories, explain = merge_window(articles, lookup, cfg, timings=parts)
    t_explain = time.perf_counter()
    explain(stories[: cfg.briefing.max_stories])  # as a run does: evidence for the stories shown (the largest here)
    end = time.perf_counter()
    merge_s = end - t
    cluster_s = parts.get("cluster", 0.0) + (end - t_explain)  # the cluster stage: kNN, features, average-link, evidence
    pred = {a.url: i for i, s in enumerate(stories) for a in s.articles}
    meta = CACHE / "embed-cost.json"
    cost = json.loads(meta.read_text()) if meta.is_file() else {}
    if embedder.encoded:
        cost[str(len(wanted))] = {"texts": embedder.encoded, "seconds": round(embed_s, 1),
                                  "per_s": round(embedder.encoded / embed_s, 1)}
        meta.write_text(json.dumps(cost))
    print(json.dumps({"n": n, "cluster_s": round(cluster_s, 2), "dedupe_s": round(parts.get("dedupe", 0.0), 2),
                      "merge_s": round(merge_s, 2), "stories": len(stories), "real_texts": len(wanted),
                      "bcubed": bcubed(pred, {a.url: g for a, g in zip(articles, gold, strict=True)}),
                      "embedded_now": embedder.encoded, "embed_cost": cost.get(str(len(wanted)))}))
    return 0


def _as_article(doc):
    from briefing.models import Article

    return Article(id=None, entry_id=doc.id, feed="", source="", url=doc.id, title=doc.title, text=doc.text)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
