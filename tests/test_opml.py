from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefing.config import load_config
from briefing.opml import export_opml, import_opml, read_opml

OPML = """<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="AI"><outline type="rss" text="Lab Blog" xmlUrl="https://lab.example/feed.xml" htmlUrl="https://lab.example/"/>
<outline type="rss" text="Press &amp; Co" xmlUrl="https://press.example/rss"/></outline>
<outline type="rss" text="Lab Blog" xmlUrl="https://other.example/atom"/>
</body></opml>"""


def test_import_keeps_comments_skips_known_and_round_trips(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    cfg_path = tmp_path / "feeds.toml"
    cfg_path.write_text('# my comment\n[[feeds]]\nname = "Press"\nurl = "https://press.example/rss"\n', encoding="utf-8")
    added = import_opml(opml, cfg_path)
    assert added == ["Lab Blog", "Lab Blog (2)"]
    text = cfg_path.read_text(encoding="utf-8")
    assert text.startswith("# my comment")
    cfg = load_config(cfg_path)
    assert [f.url for f in cfg.feeds] == ["https://press.example/rss", "https://lab.example/feed.xml", "https://other.example/atom"]
    assert cfg.feed("Lab Blog").tags == ["ai"]
    exported = tmp_path / "out.opml"
    r = subprocess.run([sys.executable, "-m", "briefing", "feeds", "export", "--config", str(cfg_path), "-o", str(exported)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert {f["url"] for f in read_opml(exported)} == {f.url for f in cfg.feeds}
    assert "Lab Blog (2)" in export_opml(cfg)
