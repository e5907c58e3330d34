"""A short stretch of the 30-day replay of real feed snapshots (issue 7's measurement, in small)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.replay_daily import replay

pytestmark = pytest.mark.slow


def test_replay_three_days_never_repeats_a_story_without_news(shared_data: Path, tmp_path: Path, encoder) -> None:
    data = shared_data / "ai-news-feed-snapshots" / "daily"
    if not data.is_dir():
        pytest.skip(f"no daily snapshots at {data}")
    rows = replay(data, tmp_path, days=3, start="2026-07-26")
    assert [r["day"] for r in rows] == ["2026-07-26", "2026-07-27", "2026-07-28"]
    assert all(r["repeated_without_news"] == 0 for r in rows), rows
    assert rows[0]["stories"] > 0
    assert sum(r["continuing_no_news"] + r["developing"] for r in rows[1:]) > 0, "later days see continuing stories"
