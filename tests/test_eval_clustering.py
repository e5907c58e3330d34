"""`briefing eval clustering`: the metrics, the file format, and the pinned floors on real data."""

from __future__ import annotations

import json

import pytest

from briefing.errors import BriefingError
from briefing.evaluate.clustering import (
    bcubed_scores,
    evaluate_clustering,
    format_clustering_report,
    load_jsonl,
    pairwise_scores,
    parse_published,
    run_baseline,
    scores,
)

# Floors with the shipped defaults (one configuration for every file); measured 1.000 and 0.914.
NEWSWCL50_FLOOR = 1.0
ECBPLUS_DEV_FLOOR = 0.91


def test_pairwise_and_bcubed_on_a_hand_example() -> None:
    gold = ["a", "a", "a", "b", "b"]
    pred = ["1", "1", "2", "2", "2"]
    p, r, f = pairwise_scores(gold, pred)
    assert (p, r) == (pytest.approx(2 / 4), pytest.approx(2 / 4))  # pred pairs: 1 + 3, gold pairs: 3 + 1
    bp, br, _ = bcubed_scores(gold, pred)
    assert bp == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert br == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    perfect = scores(gold, ["x", "x", "x", "y", "y"])
    assert perfect["bcubed_f1"] == perfect["pairwise_f1"] == perfect["ari"] == 1.0 and perfect["clusters"] == 2


def test_load_jsonl_reports_bad_lines(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "t", "text": "x", "cluster": "c"}\n{"id": "2", "title": "t"}\n')
    with pytest.raises(BriefingError, match=r"bad.jsonl:2: missing text, cluster"):
        load_jsonl(bad)
    bad.write_text("not json\n")
    with pytest.raises(BriefingError, match="not JSON"):
        load_jsonl(bad)
    with pytest.raises(BriefingError, match="no such file"):
        load_jsonl(tmp_path / "absent.jsonl")


def test_published_is_read_only_when_iso() -> None:
    assert parse_published("2026-03-01T10:00:00Z").year == 2026
    assert parse_published("May 2, 2013 | 5 : 03pm") is None and parse_published(None) is None


def test_baseline_tunes_its_threshold_after_the_fact() -> None:
    rows = [
        {"id": "1", "title": "Quake hits Peru", "text": "earthquake Peru Arequipa magnitude"},
        {"id": "2", "title": "Peru quake", "text": "earthquake Arequipa Peru damage"},
        {"id": "3", "title": "Apple launches phone", "text": "Apple iPhone launch event"},
    ]
    out = run_baseline(rows, ["q", "q", "a"])
    assert out["bcubed_f1"] == 1.0 and out["threshold"] is not None and "after the fact" in out["method"]


def _check(path, floor: float, encoder) -> dict:
    result = evaluate_clustering(path, baseline=True, encoder=encoder)
    json.dumps(result)  # --json prints this object as it is
    for key in ("bcubed_f1", "pairwise_f1", "ari", "clusters", "seconds"):
        assert key in result and key in result["baseline"]
    report = format_clustering_report(result)
    assert "BCubed" in report and "tuned after the fact" in report
    assert result["bcubed_f1"] >= floor, report
    return result


def test_newswcl50_floor(shared_data, encoder) -> None:
    result = _check(shared_data / "clustering" / "newswcl50.jsonl", NEWSWCL50_FLOOR, encoder)
    assert result["clusters"] == 10


def test_ecbplus_dev_floor_and_ahead_of_the_tuned_baseline(shared_data, encoder) -> None:
    result = _check(shared_data / "clustering" / "ecbplus_dev.jsonl", ECBPLUS_DEV_FLOOR, encoder)
    assert result["bcubed_f1"] > result["baseline"]["bcubed_f1"]
