"""Story continuity across days: continuing stories are marked developing and show only what is new."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import config_text, write_corpus

from briefing.config import load_config
from briefing.demo import serve
from briefing.pipeline import run

pytestmark = pytest.mark.slow

NEW_TEXT = (
    "Nimbus Labs said on Wednesday that Stratus-2 was downloaded more than one million times in its first day. "
    "The company also confirmed that a larger Stratus-2 Ultra with 400 billion parameters will follow in March. "
    "Mara Olsen said demand for the open-weights model exceeded every internal forecast."
)


def _add_day_two(root: Path) -> None:
    page = root / "pages/outlet0/model-day2.html"
    page.write_text(
        "<html><body><article><h1>Stratus-2 tops one million downloads as Nimbus Labs plans a 400B model</h1>"
        + "".join(f"<p>{s}.</p>" for s in NEW_TEXT.split(". ")) + "</article></body></html>", encoding="utf-8")
    feed = root / "feeds/feed0.xml"
    item = ("<item><title>Stratus-2 tops one million downloads as Nimbus Labs plans a 400B model</title>"
            "<link>{BASE}/pages/outlet0/model-day2.html</link><guid>urn:test:model-day2</guid>"
            "<pubDate>Sat, 21 Nov 2026 06:00:00 +0000</pubDate><description>One million downloads.</description></item>")
    feed.write_text(feed.read_text(encoding="utf-8").replace("</channel>", item + "</channel>"), encoding="utf-8")


def test_second_day_marks_developing_and_hides_old_news(tmp_path: Path, encoder) -> None:
    root = tmp_path / "www"
    write_corpus(root)
    with serve(root) as base:
        path = tmp_path / "feeds.toml"
        path.write_text(config_text(base).replace('title = "Test Briefing"', 'title = "Test Briefing"\nwindow_hours = 60'), encoding="utf-8")
        cfg = load_config(path, overrides={"paths": {"state_dir": str(tmp_path / "state"), "output_dir": str(tmp_path / "out")}})
        day1 = run(cfg, date="2026-11-20").digest
        assert len(day1.stories) == 3
        model1 = next(s for s in day1.stories if "Stratus" in s.headline)
        given = {t.text for t in model1.takeaways}
        _add_day_two(root)
        day2 = run(cfg, date="2026-11-21").digest
    model2 = next(s for s in day2.stories if "Stratus" in s.headline or "Nimbus" in s.headline)
    assert model2.id == model1.id, "a continuing story keeps its permalink id"
    assert model2.day == 2 and model2.earlier and model2.earlier[0][0] == "2026-11-20"
    assert model2.takeaways and not ({t.text for t in model2.takeaways} & given), "only new takeaways are shown"
    assert any("million" in t.text or "400" in t.text for t in model2.takeaways)
    assert len(day2.stories) == 1, [s.headline for s in day2.stories]
    assert day2.continuing_no_news == 2
    page = (tmp_path / "out" / "2026-11-21.html").read_text(encoding="utf-8")
    assert "Day 2" in page and f'href="2026-11-20.html#{model1.id}"' in page
    assert "2 continuing stories with no news" in page
