"""Clustering at window scale: 20,000 synthetic articles, no n x n matrix anywhere.

    PYTHONPATH=. python benchmarks/cluster_scale.py [N]

Articles belong to events of 1-8 reports (most events have one report, as in a real day). Each
event has its own names and words drawn from a shared vocabulary, plus a vector near an event
centre, so the merging has real work to do. Prints seconds per stage, peak RSS, and BCubed F1.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import UTC, datetime, timedelta

import numpy as np


def synthetic(n: int, seed: int = 0):
    from briefing.models import Article, ArticleGroup

    rng = np.random.default_rng(seed)
    vocab = [f"word{i}" for i in range(20000)]
    names = [f"Name{i}" for i in range(30000)]
    sizes = []
    while sum(sizes) < n:
        sizes.append(int(rng.choice([1, 1, 1, 1, 2, 2, 3, 4, 6, 8])))
    sizes[-1] -= sum(sizes) - n
    groups, vecs, gold = [], [], []
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for e, size in enumerate(sizes):
        centre = rng.normal(size=384)
        words = rng.choice(vocab, 40)
        ent = rng.choice(names, 6)
        t0 = start + timedelta(hours=float(rng.uniform(0, 36)))
        for k in range(size):
            text = " ".join(rng.choice(words, 120)) + ". " + " and ".join(rng.choice(ent, 4)) + f" said {e}."
            art = Article(id=None, entry_id=f"e{e}-{k}", feed=f"f{k}", source=f"outlet{k}", url=None,
                          title=" ".join(rng.choice(words, 8)), text=text, published=t0 + timedelta(hours=k))
            groups.append(ArticleGroup(art))
            v = centre + 1.2 * rng.normal(size=384)
            vecs.append(v / np.linalg.norm(v))
            gold.append(str(e))
    return groups, np.asarray(vecs, dtype=np.float32), gold


def main() -> None:
    from briefing.cluster import average_link, build_features, knn_candidates
    from briefing.evaluate.clustering import bcubed_scores

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    groups, vecs, gold = synthetic(n)
    t = time.perf_counter()
    f = build_features(groups, vecs)
    t_feat = time.perf_counter() - t
    t = time.perf_counter()
    i, _ = knn_candidates(f.embedding)
    t_knn = time.perf_counter() - t
    t = time.perf_counter()
    clusters = average_link(f, 0.275, 72)
    t_link = time.perf_counter() - t  # includes its own kNN search
    pred = [""] * n
    for c, idx in enumerate(clusters):
        for r in idx:
            pred[r] = str(c)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    f1 = bcubed_scores(gold, pred)[2]
    print(f"n={n} features {t_feat:.1f}s  knn {t_knn:.1f}s ({len(i)} candidate pairs)  "
          f"kNN+average-link {t_link:.1f}s  clusters {len(clusters)} (gold {len(set(gold))})  "
          f"BCubed F1 {f1:.3f}  peak RSS {rss:.0f} MiB (an n x n float32 matrix alone: {n * n * 4 / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
