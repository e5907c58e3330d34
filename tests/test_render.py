"""The web site: hostile text from feeds never becomes markup; links are http(s) only; pages link relatively."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from briefing.models import (
    Article,
    ArticleGroup,
    Digest,
    Disagreement,
    FeedHealth,
    Outlet,
    Section,
    Story,
    Takeaway,
)
from briefing.render import render_page, safe_url, write_site

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a><style>body{display:none}</style>'


def _digest(date: str = "2026-11-20") -> Digest:
    a = Article(1, "e1", "Evil", "Evil Outlet" + EVIL, "javascript:alert(4)", "Title " + EVIL, "text " + EVIL,
                published=datetime(2026, 11, 20, 5, tzinfo=UTC), image="data:image/png;base64,AAAA")
    b = Article(2, "e2", "Good", "Good Outlet", "https://good.example/a", "A good title", "Body.", published=datetime(2026, 11, 20, 6, tzinfo=UTC))
    s = Story("s-1", [ArticleGroup(a), ArticleGroup(b)], headline="Headline " + EVIL, summary="Summary " + EVIL,
              takeaways=[Takeaway("Takeaway " + EVIL, [Outlet("Evil" + EVIL, "data:text/html,<b>x</b>"), Outlet("Good Outlet", "https://good.example/a")])],
              disagreements=[Disagreement("price " + EVIL, {"$1" + EVIL: ["Evil"], "$2": ["Good Outlet"]})])
    return Digest(date, "Briefing", [Section("Other", [s])], feed_health=[FeedHealth("Evil", "https://x", False, error="HTTP 500" + EVIL)],
                  generated_at=datetime(2026, 11, 20, 7, tzinfo=UTC))


def test_no_markup_or_dangerous_links_survive() -> None:
    html = render_page(_digest())
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I), "no event handler attributes"
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*javascript:""", html, re.I)
    assert 'href="data:' not in html and 'src="data:' not in html
    assert "<img" not in html.lower() and "<style>body{display:none}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, escaped
    assert 'href="https://good.example/a"' in html


def test_safe_url() -> None:
    assert safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,x", "file:///etc/passwd", "//evil.example", "vbscript:x", None, ""):
        assert safe_url(bad) == "#"
    assert safe_url("2026-11-19.html#s-1", relative=True) == "2026-11-19.html#s-1"


def test_site_navigation_archive_and_feeds(tmp_path: Path) -> None:
    d1, d2 = _digest("2026-11-19"), _digest("2026-11-20")
    write_site(tmp_path, d1, [d1])
    write_site(tmp_path, d2, [d1, d2])
    day2 = (tmp_path / "2026-11-20.html").read_text(encoding="utf-8")
    day1 = (tmp_path / "2026-11-19.html").read_text(encoding="utf-8")
    assert 'href="2026-11-19.html"' in day2 and 'href="2026-11-20.html"' in day1
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == day2
    archive = (tmp_path / "archive.html").read_text(encoding="utf-8")
    assert archive.index("2026-11-20.html") < archive.index("2026-11-19.html")
    atom = (tmp_path / "feed.atom").read_text(encoding="utf-8")
    assert atom.count("<entry>") == 2
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    for content in ET.fromstring(atom.encode()).iterfind(".//a:entry/a:content", ns):
        assert content.get("type") == "html"
        assert not re.search(r"<\s*script", content.text, re.I) and not re.search(r"<[^>]+\son\w+\s*=", content.text, re.I)
    assert not re.search(r'(href|src)="(/|https?://(?!good\.example))', day2), "links within the site are relative"
