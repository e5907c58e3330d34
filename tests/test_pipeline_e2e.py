"""The whole pipeline over HTTP on loopback, with a real SQLite file and the real embedding model."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import config_text, write_corpus

from briefing.config import load_config
from briefing.demo import serve
from briefing.pipeline import run
from briefing.store import Store

pytestmark = pytest.mark.slow


@pytest.fixture()
def site(tmp_path: Path):
    root = tmp_path / "www"
    gold = write_corpus(root)
    with serve(root) as base:
        yield base, root, gold


def _cfg(tmp_path: Path, base: str, extra: str = ""):
    path = tmp_path / "feeds.toml"
    path.write_text(config_text(base, extra=extra), encoding="utf-8")
    return load_config(path, overrides={"paths": {"state_dir": str(tmp_path / "state"), "output_dir": str(tmp_path / "out")}})


def test_run_end_to_end_then_nothing_new(tmp_path: Path, site, encoder) -> None:
    base, _root, _gold = site
    cfg = _cfg(tmp_path, base)
    first = run(cfg, date="2026-11-20")
    assert first.exit_code == 0, first.problems
    assert first.stats["articles_new"] == 6
    assert first.stats["pages_extracted"] >= 5  # pages, not feed summaries
    digest = first.digest
    headlines = {s.headline for s in digest.stories}
    assert len(digest.stories) == 3, headlines
    by_size = sorted(digest.stories, key=lambda s: len(s.outlets), reverse=True)
    assert [len(s.outlets) for s in by_size] == [3, 2, 1]
    out = tmp_path / "out"
    page = (out / "2026-11-20.html").read_text(encoding="utf-8")
    for s in digest.stories:
        assert f'id="{s.id}"' in page
    assert "Related Articles" not in page and "All rights reserved" not in page
    assert (out / "index.html").exists() and (out / "archive.html").exists()
    atom = (out / "feed.atom").read_text(encoding="utf-8")
    assert "2026-11-20" in atom
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"].startswith("https://jsonfeed.org/version/1.1") and feed["items"]

    second = run(cfg, date="2026-11-20")
    assert second.stats["articles_new"] == 0
    assert second.stats.get("pages_extracted", 0) == 0
    with Store(tmp_path / "state" / "briefing.db") as store:
        states = store.all_feed_states()
        assert all(s["etag"] for s in states.values()), "validators are stored for conditional GET"
        assert store.count("articles") == 6
        assert store.integrity_check() == "ok"


def test_broken_feed_is_reported_and_the_run_goes_on(tmp_path: Path, site, encoder) -> None:
    base, _root, _gold = site
    extra = f'\n[[feeds]]\nname = "Broken"\nurl = "{base}/feeds/missing.xml"\n\n[[feeds]]\nname = "Not a feed"\nurl = "{base}/pages/outlet0/quake-0.html"\n'
    cfg = _cfg(tmp_path, base, extra)
    result = run(cfg, date="2026-11-20")
    assert result.exit_code == 0
    health = {h.feed: h for h in result.digest.feed_health}
    assert not health["Broken"].ok and "404" in (health["Broken"].error or "")
    assert not health["Not a feed"].ok and "HTML page" in (health["Not a feed"].error or "")
    page = (tmp_path / "out" / "2026-11-20.html").read_text(encoding="utf-8")
    assert "Broken" in page and "HTTP 404" in page
    assert len(result.digest.stories) == 3


def test_cli_run_search_explain(tmp_path: Path, site, encoder) -> None:
    base, _root, _gold = site
    cfg_path = tmp_path / "feeds.toml"
    cfg_path.write_text(
        config_text(base) + f'\n[paths]\nstate_dir = "{tmp_path / "state"}"\noutput_dir = "{tmp_path / "out"}"\n', encoding="utf-8"
    )
    cmd = [sys.executable, "-m", "briefing"]
    r = subprocess.run([*cmd, "run", "--config", str(cfg_path), "--date", "2026-11-20", "--quiet"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "", "--quiet prints nothing when nothing failed"
    r = subprocess.run([*cmd, "search", "Antofagasta", "--config", str(cfg_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "quake" in r.stdout.lower(), r.stdout
    db = sqlite3.connect(tmp_path / "state" / "briefing.db")
    story_id = db.execute("SELECT story_id FROM digest_stories ORDER BY rank LIMIT 1").fetchone()[0]
    r = subprocess.run([*cmd, "explain", story_id, "--config", str(cfg_path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and "outlets (3)" in r.stdout and "why merged" in r.stdout, r.stdout + r.stderr
