"""`briefing eval summaries FILE.jsonl`: ROUGE of the pipeline's summaries against human references.

Each line is one cluster: ``{"cluster_id", "docs": [{"id", "title", "text", "source"?, "published"?}],
"references": [str, ...], "word_limit": int}``. Every cluster is summarised to its word limit with
``summarize_to_limit`` (the same ranking the digest uses) and scored with rouge-score (stemming on),
F-measure, best over the references, averaged over clusters. Two baselines run on the same file in
the same run: the lead of the most recent document, and the centroid-only choice (no diversity, no
support or fact features) -- if the system does not beat them, it is not earning its complexity.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BriefingError
from ..models import Encoder

METRICS = ("rouge1", "rouge2", "rougeL")


def load_clusters(path: str | Path) -> list[dict[str, Any]]:
    """Read and validate the labelled file; every problem names its line and how to fix it."""
    p = Path(path)
    if not p.is_file():
        raise BriefingError(f"no such file: {p}", hint="give a JSONL file in the summaries format (see DESIGN.md)")
    clusters, problems = [], []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc.msg})")
            continue
        missing = [k for k in ("docs", "references", "word_limit") if k not in obj]
        if missing:
            problems.append(f"line {n}: missing {', '.join(missing)}")
            continue
        if not obj["docs"] or not obj["references"]:
            problems.append(f"line {n}: docs and references must not be empty")
            continue
        obj.setdefault("cluster_id", str(n))
        clusters.append(obj)
    if problems:
        raise BriefingError(
            f"{p}: {len(problems)} bad line(s): " + "; ".join(problems[:5]),
            hint='each line: {"cluster_id": "...", "docs": [{"id", "title", "text"}], "references": ["..."], "word_limit": 100}',
        )
    if not clusters:
        raise BriefingError(f"{p}: no clusters", hint="the file is empty")
    return clusters


def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)


def _score(scorer, summary: str, references: Sequence[str]) -> dict[str, float]:
    best = dict.fromkeys(METRICS, 0.0)
    for ref in references:
        s = scorer.score(ref, summary)
        for m in METRICS:
            best[m] = max(best[m], s[m].fmeasure)
    return best


def evaluate_summaries(path: str | Path, encoder: Encoder | None = None, *,
                       progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Score the system and both baselines on every cluster; see the module docstring."""
    from ..summarize import lead_baseline, summarize_to_limit

    clusters = load_clusters(path)
    if encoder is None:
        from ..embed import Embedder

        encoder = Embedder()
    scorer = _scorer()
    systems: dict[str, Callable[[dict[str, Any]], str]] = {
        "system": lambda c: summarize_to_limit(c["docs"], encoder, int(c["word_limit"])),
        "lead": lambda c: lead_baseline(c["docs"], int(c["word_limit"])),
        "centroid": lambda c: summarize_to_limit(c["docs"], encoder, int(c["word_limit"]), diversity=False,
                                                 centroid_only=True),
    }
    per: dict[str, list[dict[str, float]]] = {k: [] for k in systems}
    examples: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    seconds = 0.0
    for n, c in enumerate(clusters, 1):
        for name, fn in systems.items():
            t = time.perf_counter()
            out = fn(c)
            if name == "system":
                seconds += time.perf_counter() - t
                examples.append({"cluster_id": c["cluster_id"], "summary": out})
            per[name].append(_score(scorer, out, c["references"]))
        if progress:
            progress(n)

    def mean(rows: list[dict[str, float]]) -> dict[str, float]:
        return {m: round(float(np.mean([r[m] for r in rows])) * 100, 2) for m in METRICS}

    result: dict[str, Any] = {**mean(per["system"]), "clusters": len(clusters), "seconds": round(seconds, 2)}
    result["baselines"] = {"lead": mean(per["lead"]), "centroid": mean(per["centroid"])}
    result["total_seconds"] = round(time.perf_counter() - t0, 2)
    result["examples"] = examples[:3]
    return result


def format_summaries_report(result: dict[str, Any]) -> str:
    """A small table: the system and both baselines, ROUGE F x 100."""
    lines = [
        f"summaries: {result['clusters']} clusters, {result['seconds']:.1f} s summarising",
        f"{'':<22}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-L':>9}",
        f"{'briefing (extractive)':<22}{result['rouge1']:>9.2f}{result['rouge2']:>9.2f}{result['rougeL']:>9.2f}",
    ]
    names = {"lead": "lead of newest doc", "centroid": "centroid only"}
    for key, row in result["baselines"].items():
        lines.append(f"{names.get(key, key):<22}{row['rouge1']:>9.2f}{row['rouge2']:>9.2f}{row['rougeL']:>9.2f}")
    lines.append("F-measure x 100, stemming on, best reference per cluster, averaged over clusters.")
    return "\n".join(lines)


def cli_eval_summaries(path: str, *, as_json: bool = False, encoder: Encoder | None = None) -> int:
    """`briefing eval summaries FILE.jsonl [--json]`; BriefingError propagates to cli.py."""
    result = evaluate_summaries(path, encoder)
    if as_json:
        print(json.dumps({k: v for k, v in result.items() if k != "examples"}, sort_keys=True))
    else:
        print(format_summaries_report(result))
    return 0
