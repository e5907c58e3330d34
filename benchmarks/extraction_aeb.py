"""Article-body extraction on the Article Extraction Benchmark (AEB), our path vs plain trafilatura.

Data: ``../shared/data/extraction-aeb/`` (181 real pages ``html/<id>.html.gz``, human-annotated
bodies in ``ground-truth.json`` under ``articleBody``). The metric is the benchmark's own
(scrapinghub/article-extraction-benchmark ``evaluate.py``), replicated here: tokens are ``\\w+``
matches, each text becomes a multiset of 4-token shingles, TP/FP/FN are counted per page and
normalised to sum to 1 (so long pages do not weigh more), precision is the mean over pages with
TP+FP > 0, recall the mean over pages with TP+FN > 0, F1 = 2PR/(P+R) of those means; the ± figures
are 1.96 standard deviations over 1,000 bootstrap resamples of the pages.

Systems compared in one run, each page in a process pool (one worker per core):
- ``ours``: ``briefing.extract.extract_page`` -- the pipeline's own path (``extract_html`` with
  ``TRAFILATURA_OPTIONS`` and the recall second pass, then the same normalisation; no feed text,
  so no feed fallback), given the page as bytes with its URL, as the fetcher hands it over (the
  URL changes nothing on AEB; neither does bytes vs decoded text);
- ``trafilatura_default``: ``trafilatura.extract(html)`` with default settings;
- ``trafilatura_upstream``: ``trafilatura.extract(html, include_comments=False)``, the call that
  produced the published 0.958.

``--try NAME ...`` adds candidate settings from CANDIDATES (used to choose TRAFILATURA_OPTIONS).
The last line printed is one JSON object with every figure.

Run: ``PYTHONPATH=. python -m benchmarks.extraction_aeb``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from briefing.extract import PageJob, extract_page, warm_up

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-aeb"

# Settings tried while tuning (names are what --try takes); each runs without the second pass,
# except those ending in "+2" (TRAFILATURA_OPTIONS-style second pass on top).
_BASE = {"include_comments": False, "include_tables": True, "include_images": False, "deduplicate": False}
CANDIDATES: dict[str, tuple[dict, bool]] = {
    "recall": ({**_BASE, "favor_recall": True}, False),
    "balanced": (dict(_BASE), False),
    "precision": ({**_BASE, "favor_precision": True}, False),
    "recall_no_tables": ({**_BASE, "favor_recall": True, "include_tables": False}, False),
    "balanced_no_tables": ({**_BASE, "include_tables": False}, False),
    "precision_no_tables": ({**_BASE, "favor_precision": True, "include_tables": False}, False),
    "recall_fast": ({**_BASE, "favor_recall": True, "fast": True}, False),
    "balanced_fast": ({**_BASE, "fast": True}, False),
    "precision_fast": ({**_BASE, "favor_precision": True, "fast": True}, False),
    "recall_dedup": ({**_BASE, "favor_recall": True, "deduplicate": True}, False),
    "balanced_dedup": ({**_BASE, "deduplicate": True}, False),
    "balanced+2": (dict(_BASE), True),
}


# --- the benchmark's metric (evaluate.py of article-extraction-benchmark) ---------------------

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def _ngrams(text: str, n: int) -> list[tuple[str, ...]]:
    tokens = _TOKEN_RE.findall(text or "")
    result = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            result.append(shingle)
    return result


def shingle_tp_fp_fn(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """TP/FP/FN over shingle multisets, normalised to sum to 1 (upstream string_shingle_matching)."""
    t, p = Counter(_ngrams(true, n)), Counter(_ngrams(pred, n))
    tp = fp = fn = 0.0
    for key in set(t) | set(p):
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def metrics(rows: list[tuple[float, float, float]]) -> dict[str, float]:
    precision = statistics.mean([_precision(*r) for r in rows if r[0] + r[1] > 0])
    recall = statistics.mean([_recall(*r) for r in rows if r[0] + r[2] > 0])
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def with_ci(
    rows: list[tuple[float, float, float]], n_bootstrap: int = 1000, seed: int = 0
) -> dict[str, float]:
    out = metrics(rows)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(n_bootstrap):
        b = metrics([rows[rng.randrange(len(rows))] for _ in rows])
        for k, v in b.items():
            samples.setdefault(k, []).append(v)
    for k, v in samples.items():
        out[f"{k}_ci"] = 1.96 * statistics.stdev(v)
    return out


def paired_difference(a: list, b: list, n_bootstrap: int = 1000, seed: int = 0) -> tuple[float, float]:
    """F1 of a minus F1 of b over the same resampled pages (upstream --bootstrap-differences)."""
    rng = random.Random(seed)
    diffs = []
    for _ in range(n_bootstrap):
        idx = [rng.randrange(len(a)) for _ in a]
        diffs.append(metrics([a[i] for i in idx])["f1"] - metrics([b[i] for i in idx])["f1"])
    return statistics.mean(diffs), 1.96 * statistics.stdev(diffs)


# --- running the systems ------------------------------------------------------------------------


def _run_page(item_id: str, url: str, tries: list[str]) -> dict[str, tuple[str, float]]:
    """Every system on one page: {system: (text, seconds)}."""
    import trafilatura

    raw = gzip.decompress((DATA / "html" / f"{item_id}.html.gz").read_bytes())
    html = raw.decode("utf-8")
    out: dict[str, tuple[str, float]] = {}

    t = time.process_time()
    r = extract_page(PageJob(key=item_id, url=url, html=raw), timeout=0, min_chars=0)
    out["ours"] = (r.text, time.process_time() - t)

    t = time.process_time()
    text = trafilatura.extract(html) or ""
    out["trafilatura_default"] = (text, time.process_time() - t)

    t = time.process_time()
    text = trafilatura.extract(html, include_comments=False) or ""
    out["trafilatura_upstream"] = (text, time.process_time() - t)

    for name in tries:
        t = time.process_time()
        opts, second = CANDIDATES[name]
        r = extract_page(
            PageJob(key=item_id, url=url, html=raw), timeout=0, min_chars=0, options=opts, second_pass=second
        )
        out[name] = (r.text, time.process_time() - t)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--try",
        dest="tries",
        nargs="*",
        default=[],
        choices=sorted(CANDIDATES),
        help="extra candidate settings",
    )
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N pages (quick checks)")
    args = ap.parse_args(argv)
    gt_path = DATA / "ground-truth.json"
    if not gt_path.is_file():
        print(f"AEB data not found at {DATA}", file=sys.stderr)
        return 2
    truth = json.loads(gt_path.read_text(encoding="utf-8"))
    ids = sorted(truth)
    if args.limit:
        ids = ids[: args.limit]
    start = time.perf_counter()
    # warmed like the pipeline's workers, so imports and lazy set-up do not count as page time
    with ProcessPoolExecutor(max_workers=args.workers, initializer=warm_up) as pool:
        per_page = list(
            pool.map(
                _run_page, ids, [truth[i].get("url", "") for i in ids], [args.tries] * len(ids), chunksize=4
            )
        )
    wall = time.perf_counter() - start

    systems = list(per_page[0])
    report: dict[str, dict] = {"pages": len(ids), "wall_seconds": round(wall, 1)}
    print(f"AEB: {len(ids)} pages, {args.workers} workers, {wall:.1f} s wall")
    print(f"{'system':<22} {'F1':>15} {'precision':>15} {'recall':>15} {'CPU ms/page':>11}")
    all_rows: dict[str, list[tuple[float, float, float]]] = {}
    for name in systems:
        rows = [
            shingle_tp_fp_fn(truth[i].get("articleBody", ""), page[name][0])
            for i, page in zip(ids, per_page, strict=True)
        ]
        m = with_ci(rows)
        ms = 1000 * statistics.mean(page[name][1] for page in per_page)
        empty = sum(1 for page in per_page if not page[name][0].strip())
        print(
            f"{name:<22} {m['f1']:.3f} ± {m['f1_ci']:.3f}   {m['precision']:.3f} ± {m['precision_ci']:.3f}"
            f"   {m['recall']:.3f} ± {m['recall_ci']:.3f} {ms:11.0f}   empty={empty}"
        )
        report[name] = {k: round(v, 4) for k, v in m.items()} | {
            "cpu_ms_per_page": round(ms, 1),
            "empty": empty,
        }
        all_rows[name] = rows
    for name in systems[1:]:
        mean, ci = paired_difference(all_rows["ours"], all_rows[name])
        print(f"ours - {name}: F1 {mean:+.4f} ± {ci:.4f} (paired bootstrap)")
        report["ours"][f"f1_minus_{name}"] = round(mean, 4)
        report["ours"][f"f1_minus_{name}_ci"] = round(ci, 4)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
