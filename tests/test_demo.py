"""`briefing demo` on the shipped corpus: exactly the expected stories, with their outlets and notes."""

from __future__ import annotations

import json
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from briefing.config import load_config
from briefing.demo import CORPUS, DEMO_DATE, demo_workspace
from briefing.pipeline import run

pytestmark = pytest.mark.slow
GOLD = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory, encoder):
    out = tmp_path_factory.mktemp("out")
    with demo_workspace(out) as (_base, cfg_path, overrides):
        result = run(load_config(cfg_path, overrides=overrides), date=DEMO_DATE, send=False)
    return result, out


def _labels(story) -> set[str]:
    return {GOLD[urlsplit(a.url).path] for a in story.articles}


def test_demo_yields_exactly_the_gold_stories(demo_result) -> None:
    result, _out = demo_result
    stories = result.digest.stories
    expected = {label for label in GOLD.values() if not label.startswith(("old-", "sponsored-"))}
    assert all(len(_labels(s)) == 1 for s in stories), [sorted(_labels(s)) for s in stories if len(_labels(s)) > 1]
    got = [next(iter(_labels(s))) for s in stories]
    assert sorted(got) == sorted(expected), "each gold story exactly once, nothing dropped or split"
    sizes = {next(iter(_labels(s))): len(s.outlets) for s in stories}
    assert sizes["orion-4-launch"] == 6 and sizes["eu-japan-ai-testing"] == 4


def test_demo_disagreements_and_takeaways(demo_result) -> None:
    result, _out = demo_result
    by_label = {next(iter(_labels(s))): s for s in result.digest.stories}
    for label in ("sable-moe-release", "cobalt-c7", "washington-hiring-rules"):
        story = by_label[label]
        assert story.disagreements, f"{label}: outlets disagree on a figure"
    multi = [s for s in result.digest.stories if len(s.outlets) > 1]
    assert all(3 <= len(s.takeaways) <= 5 for s in multi)
    assert all(t.outlets for s in multi for t in s.takeaways)


def test_demo_writes_site_and_email(demo_result) -> None:
    _result, out = demo_result
    for name in ("index.html", f"{DEMO_DATE}.html", "archive.html", "feed.atom", "feed.json", f"{DEMO_DATE}.eml"):
        assert (out / name).stat().st_size > 0, name
    msg = message_from_bytes((out / f"{DEMO_DATE}.eml").read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert {p.get_content_type() for p in msg.iter_parts()} == {"text/plain", "text/html"}


def test_make_demo_command(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "briefing", "demo", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "index.html").exists() and (tmp_path / f"{DEMO_DATE}.eml").exists()
