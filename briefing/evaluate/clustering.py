"""`briefing eval clustering FILE.jsonl`: score the story merging against gold event labels.

The merging scored here is ``pipeline.merge_stories``, exactly what a daily run uses, with the
shipped configuration. ``baseline=True`` adds, in the same run, TF-IDF + average-link
agglomerative clustering whose threshold is picked *after the fact* on the same file (the best
over a grid): an optimistic bar that our one fixed configuration should still beat.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BriefingError
from ..models import Article, Encoder, Story

METRIC_KEYS = ("bcubed_f1", "pairwise_f1", "ari", "clusters", "seconds")
BASELINE_GRID = tuple(round(x, 2) for x in np.arange(0.05, 1.0, 0.025))


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a labelled file; every row needs id, title, text and cluster."""
    p = Path(path)
    if not p.is_file():
        raise BriefingError(f"no such file: {p}", hint="pass a .jsonl file with one labelled article per line")
    rows = []
    with p.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BriefingError(f"{p}:{n}: not JSON ({exc.msg})", hint="one JSON object per line") from None
            missing = [k for k in ("id", "title", "text", "cluster") if k not in row]
            if missing:
                raise BriefingError(
                    f"{p}:{n}: missing {', '.join(missing)}",
                    hint='each line needs {"id", "title", "text", "cluster"} (source and published are optional)',
                )
            rows.append(row)
    if not rows:
        raise BriefingError(f"{p} holds no rows", hint="one JSON object per line")
    return rows


def parse_published(value: Any) -> datetime | None:
    """ISO-8601 only (the format's contract); anything else counts as unknown, never guessed."""
    if not value or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def row_article(row: dict[str, Any]) -> Article:
    source = str(row.get("source") or f"outlet-{row['id']}")
    return Article(
        id=None,
        entry_id=str(row["id"]),
        feed=source,
        source=source,
        url=row.get("url"),
        title=str(row.get("title") or ""),
        text=str(row.get("text") or ""),
        published=parse_published(row.get("published")),
    )


# --- metrics -------------------------------------------------------------------------------


def _contingency(gold: list[str], pred: list[str]) -> tuple[Counter, Counter, Counter]:
    return Counter(zip(gold, pred, strict=True)), Counter(gold), Counter(pred)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def pairwise_scores(gold: list[str], pred: list[str]) -> tuple[float, float, float]:
    """Precision, recall, F1 over all pairs of items (computed from counts, not pairs)."""
    both, g, p = _contingency(gold, pred)
    tp = sum(c * (c - 1) / 2 for c in both.values())
    pp = sum(c * (c - 1) / 2 for c in p.values())
    gp = sum(c * (c - 1) / 2 for c in g.values())
    prec = tp / pp if pp else 1.0
    rec = tp / gp if gp else 1.0
    return prec, rec, _f1(prec, rec)


def bcubed_scores(gold: list[str], pred: list[str]) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 (per-item averages)."""
    both, g, p = _contingency(gold, pred)
    n = len(gold)
    prec = sum(c * c / p[pk] for (_, pk), c in both.items()) / n
    rec = sum(c * c / g[gk] for (gk, _), c in both.items()) / n
    return prec, rec, _f1(prec, rec)


def scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    from sklearn.metrics import adjusted_rand_score

    pp, pr, pf = pairwise_scores(gold, pred)
    bp, br, bf = bcubed_scores(gold, pred)
    return {
        "bcubed_precision": round(bp, 4),
        "bcubed_recall": round(br, 4),
        "bcubed_f1": round(bf, 4),
        "pairwise_precision": round(pp, 4),
        "pairwise_recall": round(pr, 4),
        "pairwise_f1": round(pf, 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "clusters": len(set(pred)),
    }


# --- runs ----------------------------------------------------------------------------------


def story_labels(stories: list[Story], ids: list[str]) -> list[str]:
    """Predicted label per item id (a story's id), every article of every group counted."""
    label = {a.entry_id: s.id for s in stories for a in s.articles}
    missing = [i for i in ids if i not in label]
    if missing:
        raise RuntimeError(f"merging lost {len(missing)} articles, e.g. {missing[0]}")
    return [label[i] for i in ids]


def run_baseline(rows: list[dict[str, Any]], gold: list[str]) -> dict[str, Any]:
    """TF-IDF + average-link agglomerative clustering, threshold tuned on ``gold`` (after the fact)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    docs = [f"{r.get('title', '')}\n{r.get('text', '')}" for r in rows]
    best: dict[str, Any] | None = None
    if len(rows) < 2:
        best = {**scores(gold, ["0"] * len(rows)), "threshold": None}
    else:
        x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(docs)
        # cosine distances from the sparse product; one average-link tree (what sklearn's
        # AgglomerativeClustering(metric="cosine", linkage="average") builds), cut at every grid height
        dist = np.clip(1.0 - (x @ x.T).toarray(), 0.0, None)
        np.fill_diagonal(dist, 0.0)
        z = linkage(squareform((dist + dist.T) / 2, checks=False), method="average")
        for t in BASELINE_GRID:
            pred = [str(c) for c in fcluster(z, 1 - t, criterion="distance")]
            s = scores(gold, pred)
            if best is None or s["bcubed_f1"] > best["bcubed_f1"]:
                best = {**s, "threshold": t}
    assert best is not None
    best["seconds"] = round(time.perf_counter() - start, 2)
    best["method"] = "TF-IDF + average-link agglomerative, cosine threshold tuned after the fact on this file"
    return best


def evaluate_clustering(
    path: str | Path, baseline: bool = False, *, encoder: Encoder | None = None, cfg: Any = None
) -> dict[str, Any]:
    """Score ``pipeline.merge_stories`` (shipped defaults unless ``cfg``) on a labelled file."""
    from .. import pipeline
    from ..config import load_config

    rows = load_jsonl(path)
    ids = [str(r["id"]) for r in rows]
    if len(set(ids)) != len(ids):
        raise BriefingError(f"{path}: ids are not unique", hint="give every line its own id")
    gold = [str(r["cluster"]) for r in rows]
    cfg = cfg or load_config(None)
    if encoder is None:
        from ..embed import Embedder

        encoder = Embedder(cfg.embed.model, batch_size=cfg.embed.batch_size, max_tokens=cfg.embed.max_tokens)
    articles = [row_article(r) for r in rows]
    start = time.perf_counter()
    stories = pipeline.merge_stories(articles, encoder, cfg)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {
        "file": str(path),
        "articles": len(rows),
        "gold_clusters": len(set(gold)),
        **scores(gold, story_labels(stories, ids)),
        "seconds": round(seconds, 2),
    }
    if baseline:
        result["baseline"] = run_baseline(rows, gold)
    return result


def format_clustering_report(result: dict[str, Any]) -> str:
    """A plain-text table: ours (shipped defaults) beside the tuned-after-the-fact baseline."""
    rows = [
        ("BCubed P / R / F1", "bcubed"),
        ("pairwise P / R / F1", "pairwise"),
        ("ARI", "ari"),
        ("clusters", "clusters"),
        ("seconds", "seconds"),
    ]
    cols = [("briefing (shipped defaults)", result)]
    if result.get("baseline"):
        b = result["baseline"]
        cols.append((f"TF-IDF baseline (t={b.get('threshold')}, tuned after the fact)", b))

    def cell(d: dict[str, Any], key: str) -> str:
        if key in ("bcubed", "pairwise"):
            return f"{d[key + '_precision']:.3f} / {d[key + '_recall']:.3f} / {d[key + '_f1']:.3f}"
        v = d[key]
        return f"{v:.3f}" if isinstance(v, float) and key != "seconds" else str(v)

    header = [f"{result['file']}: {result['articles']} articles, {result['gold_clusters']} gold clusters"]
    w0 = max(len(r[0]) for r in rows)
    widths = [max(len(name), 24) for name, _ in cols]
    lines = header + ["  ".join([" " * w0] + [name.ljust(w) for (name, _), w in zip(cols, widths, strict=True)])]
    for label, key in rows:
        lines.append("  ".join([label.ljust(w0)] + [cell(d, key).ljust(w) for (_, d), w in zip(cols, widths, strict=True)]))
    return "\n".join(line.rstrip() for line in lines)


def cli_eval_clustering(path: str | Path, *, baseline: bool = False, as_json: bool = False, out: Any = print) -> int:
    """`briefing eval clustering FILE [--baseline] [--json]`: print the scores; exit code 0."""
    result = evaluate_clustering(path, baseline)
    out(json.dumps(result, indent=None) if as_json else format_clustering_report(result))
    return 0
