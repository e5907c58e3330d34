"""A representative part of the fault-injection suite (``make faults`` runs all of it).

Real loopback servers that misbehave, the real pipeline, a real SQLite file, the real model:
every row must survive with nothing lost. Rows that need a module still on another branch
(the real deliver.py or lock.py) are skipped by the suite with that reason, not faked.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.faults import Suite, hostile_findings, main, summary

pytestmark = pytest.mark.slow

SUBSET = {
    "feeds:gzip bomb", "feeds:hangs after the headers", "feeds:429", "feeds:duplicate", "feeds:malformed", "feeds:control",
    "pages", "hostile", "internal", "health", "mail", "crash:extraction", "concurrent", "config", "secrets",
}


def test_scanner_sees_what_it_must_refuse() -> None:
    """The hostile-content check itself can fail: it flags each trick it looks for."""
    assert hostile_findings('<p>fine <a href="https://example.org/">link</a></p>') == []
    found = hostile_findings(
        '<script>alert(1)</script><img src=x onerror="x()"><a href=" javascript:x()">a</a>'
        '<a href="data:text/html,x">b</a><img src="https://t.example/p.gif?track=PIXEL-1"><div style="position: fixed">o</div>'
    )
    for what in ("<script> element", "event handler onerror=", "href=javascript:x()", "href=data:text/html,x",
                 "tracking pixel in src=", "feed CSS in style="):
        assert what in found, (what, found)


def test_fault_subset_survives_and_loses_nothing(tmp_path: Path) -> None:
    suite = Suite(tmp_path, SUBSET, log=lambda m: None)
    rows = suite.run_all()
    ran = [r for r in rows if not r.skipped]
    assert len(ran) >= 30, [r.fault for r in rows]
    bad = [(r.group, r.fault, r.did) for r in ran if not r.survived or r.lost]
    assert not bad, bad
    for r in rows:
        if r.skipped:
            assert "stand-in" in r.skipped or "not on this branch" in r.skipped, r.skipped
    totals = summary(rows)
    assert totals["survived"] == totals["faults"] and totals["data_lost"] == 0


def test_cli_prints_json_last_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.faults` ends with one JSON object; exit 0 when every row survived."""
    code = main(["--only", "config"])
    out = capsys.readouterr().out.strip().splitlines()
    last = json.loads(out[-1])
    assert set(last) >= {"faults", "survived", "data_lost"} and last["faults"] == 6
    assert code == 0 and last["survived"] == 6 and last["data_lost"] == 0


def test_fetch_errors_do_not_carry_url_passwords() -> None:
    from briefing.fetch import redact

    assert redact("redirect loop at https://reader:s3cret@example.org/feed") == "redirect loop at https://***@example.org/feed"
    assert redact("HTTP 404 Not Found") == "HTTP 404 Not Found"


def test_a_disabled_feed_can_be_enabled_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from briefing.feedhealth import cli_feeds_enable
    from briefing.store import Store

    cfg = tmp_path / "feeds.toml"
    cfg.write_text(f'[paths]\nstate_dir = "{tmp_path / "state"}"\n[[feeds]]\nname = "Flaky"\nurl = "https://example.org/feed.xml"\n')
    with Store(tmp_path / "state" / "briefing.db") as store:
        store.ensure_feed("Flaky", "https://example.org/feed.xml")
        for _ in range(3):
            state = store.record_feed_fetch("Flaky", ok=False, status=500, error="HTTP 500", max_failures=3)
        assert state["disabled"] and "3 consecutive failures" in state["disabled_reason"]
    assert cli_feeds_enable(cfg, [], all_disabled=True) == 0
    assert "Flaky: enabled again (was: 3 consecutive failures; last: HTTP 500)" in capsys.readouterr().out
    with Store(tmp_path / "state" / "briefing.db") as store:
        state = store.feed_state("Flaky")
        assert not state["disabled"] and state["consecutive_failures"] == 0
    with pytest.raises(Exception, match="no feed named 'flaky'"):
        cli_feeds_enable(cfg, ["flaky"])


def test_atom_survives_text_that_xml_cannot_carry() -> None:
    """Page text reaches takeaways without passing parse.scrub; the Atom writer must not choke on it."""
    import feedparser

    from briefing.models import Digest, Section, Story, Takeaway
    from briefing.parse import scrub
    from briefing.render import render_feeds

    story = Story(id="s1", groups=[], headline="Head\x01line \ud800", summary="sum\x0bmary",
                  takeaways=[Takeaway(text="take\x1baway")])
    digest = Digest(date="2026-11-20", title="Brief\x00ing", sections=[Section(name="Other", stories=[story])])
    atom, jsonfeed = render_feeds("Brief\x00ing", "", [digest])
    parsed = feedparser.parse(atom)
    assert not parsed.bozo and parsed.entries and "Headline" in parsed.entries[0].summary
    assert scrub("a\x00b\u202ec\ud800d\x85e") == "abcde"
