"""Email rendering: byte budget, layout limits, formats, filters and the plain-text twin."""

from __future__ import annotations

import html as html_mod
import re
from html.parser import HTMLParser

import pytest
from _email_digest import make_cfg, make_digest

from briefing.config import Subscriber
from briefing.models import Digest
from briefing.render_email import render_email


class Collect(HTMLParser):
    """Every start tag with its attributes, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    p = Collect()
    p.feed(html)
    return p.tags


@pytest.fixture(scope="module")
def cfg():
    return make_cfg({"briefing": {"site_url": "https://news.example.org"}})


@pytest.fixture(scope="module")
def digest():
    return make_digest()


@pytest.fixture(scope="module")
def full(digest, cfg):
    return render_email(digest, cfg=cfg, fmt="full")


def test_byte_budget_moves_lowest_ranked_stories_into_more_list(digest, cfg, full):
    unbounded = render_email(digest, cfg=cfg, fmt="full", max_html_bytes=10**7)
    assert unbounded.html_bytes > cfg.email.max_html_bytes, "the fixture must need the budget"
    assert unbounded.more_stories == 0 and unbounded.full_stories == 25
    assert full.html_bytes < full.html_wire_bytes <= cfg.email.max_html_bytes == 100_000
    assert full.more_stories > 0 and full.full_stories + full.more_stories == 25 and full.omitted_stories == 0
    assert ">More stories</h2>" in full.html
    # the full stories are exactly the best-scored ones
    ranked = sorted(digest.stories, key=lambda s: -s.score)
    more_html = full.html.split(">More stories</h2>", 1)[1]
    for s in ranked[: full.full_stories]:
        assert _esc(s.headline) not in more_html
    for s in ranked[full.full_stories :]:
        assert _esc(s.headline) in more_html
    # as many full stories as fit: one more would not
    bigger = render_email(digest, cfg=cfg, max_html_bytes=full.html_wire_bytes + 1)
    assert bigger.full_stories == full.full_stories


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_tiny_budget_still_fits_and_points_to_the_web(digest, cfg):
    r = render_email(digest, cfg=cfg, max_html_bytes=10_000)
    assert r.html_wire_bytes <= 10_000
    assert r.full_stories == 0 and r.omitted_stories > 0
    assert f"and {r.omitted_stories} more" in r.html and 'href="https://news.example.org/2026-11-23.html"' in r.html
    assert "Unsubscribe" in r.html, "the footer survives"


def test_layout_limits_for_mail_clients(full):
    html = full.html
    assert '<meta name="color-scheme" content="light dark">' in html
    head = html.split("</head>", 1)[0]
    assert "@media (prefers-color-scheme: dark)" in head and "!important" in head
    assert '<meta charset="utf-8">' in html.encode()[:1024].decode("utf-8", "ignore")
    widths = []
    for tag, attrs in tags(html):
        for m in re.finditer(r"(?<![-\w])(?:max-)?width:\s*([\d.]+)px", attrs.get("style", "")):
            widths.append((tag, float(m.group(1))))
        if attrs.get("width", "").isdigit():
            widths.append((tag, float(attrs["width"])))
    assert widths, "the container declares its width"
    assert max(w for _, w in widths) <= 600, [w for w in widths if w[1] > 600]
    assert any(t == "table" and w == 600 for t, w in widths)
    imgs = [a for t, a in tags(html) if t == "img"]
    assert imgs, "top stories carry their lead image"
    for a in imgs:
        assert a.get("alt"), "every image has alt text"
        assert "max-width:552px" in a["style"].replace(" ", "") and "height:auto" in a["style"].replace(" ", "")
    # inlined: no class-only styling left for Gmail to drop
    card = next(a for t, a in tags(html) if "container" in a.get("class", ""))
    assert "background:#ffffff" in card["style"]
    assert "display:none" in html.split("<table", 1)[0] and "25 stories from 15 outlets" in full.preheader


def test_full_story_content(full, digest):
    html = full.html
    key = html.index("Key Takeaways")
    first_section = html.index(">Models</div>")
    assert key < first_section
    top = sorted(digest.stories, key=lambda s: -s.score)[:5]
    kt = html[key:first_section]
    for s in top:
        assert _esc(s.headline) in kt
    assert kt.count("<li") == 5
    assert "Covered by 11 outlets" in html and "and 3 more" in html
    assert re.search(r"Outlets differ on active parameters: [\w ]+ says 37B; [\w ]+, [\w ]+ say 49B\.", html)
    assert re.search(r"Day \d · developing", html)
    assert "3 continuing stories with no news today." in html
    assert "Broken Blog: HTTP 404 Not Found (3 failures in a row)" in html
    assert "Dead Feed: HTTP 410 Gone (disabled)" in html
    assert "The Verge: " not in html.split("Feed health", 1)[1]
    assert 'href="https://news.example.org/2026-11-23.html"' in html and "Read on the web" in html
    assert "AT&amp;T &lt;and&gt; everyone else" in html
    assert "and" not in {t for t, _ in tags(html)}, "text from feeds never becomes markup"


def test_brief_format_is_headline_outlets_and_one_line(digest, cfg, full):
    brief = render_email(digest, cfg=cfg, fmt="brief")
    assert brief.full_stories == 25 and brief.more_stories == 0, "brief fits all 25"
    assert "Takeaway 1 on" not in brief.html and "Key Takeaways" not in brief.html
    assert "Covered by" in brief.html and "One-line summary of DeepSeek V4" in brief.html
    assert "<img" not in brief.html
    assert brief.html_bytes < full.html_bytes


def test_subscriber_format_and_topic_filters(digest, cfg):
    only = Subscriber("ada@example.org", format="brief", topics=["research"])
    r = render_email(digest, cfg=cfg, subscriber=only)
    assert r.fmt == "brief" and ">Research</div>" in r.html
    assert ">Models</div>" not in r.html and ">Policy &amp; Regulation</div>" not in r.html
    assert r.full_stories == len(digest.sections[2].stories)
    muted = render_email(digest, cfg=cfg, subscriber=Subscriber("b@example.org", mute=["Policy & Regulation"]))
    assert ">Policy &amp; Regulation</div>" not in muted.html and ">Models</div>" in muted.html
    assert "?subject=unsubscribe%20b%40example.org" in muted.unsubscribe_mailto
    assert "b@example.org subscribed" in muted.html


def test_unsafe_links_are_dropped(cfg):
    d = make_digest(2)
    d.stories[0].groups[0].primary.url = "javascript:alert(1)"
    d.stories[0].groups[0].primary.image = "data:image/png;base64,AAAA"
    r = render_email(d, cfg=cfg)
    assert "javascript:" not in r.html and "data:image" not in r.html


def test_plain_text_part_is_readable(full):
    text = full.text
    assert "<" not in text.replace("<and>", "").replace("<may>", ""), "no markup in the text part"
    assert "&amp;" not in text and "AT&T <and> everyone else" in text
    for line in text.splitlines():
        assert len(line) <= 78 or line.strip().startswith("http") or "://" in line, line
    assert "KEY TAKEAWAYS" in text and "== MODELS ==" in text and "MORE STORIES" in text
    assert "Covered by 11 outlets:" in text and "! Outlets differ on active parameters" in text
    assert text.index("KEY TAKEAWAYS") < text.index("== MODELS ==") < text.index("MORE STORIES")
    assert "Read on the web: https://news.example.org/2026-11-23.html" in text
    assert "Unsubscribe: mailto:briefing@localhost?subject=unsubscribe" in text
    assert "Feed health: 2 feeds had problems." in text


def test_empty_digest_and_subject_pattern():
    cfg = make_cfg({"email": {"subject": "{title}: {count} stories, led by {top} ({date}) {unknown}"}})
    r = render_email(make_digest(3), cfg=cfg)
    assert r.subject.startswith("AI Briefing: 3 stories, led by DeepSeek V4 releases: what changes for AT&T <and>")
    assert r.subject.endswith("(2026-11-23) {unknown}")
    empty = render_email(Digest(date="2026-11-23", title="AI Briefing", continuing_no_news=2), cfg=cfg)
    assert "No new stories today. 2 continuing stories had no news." in empty.html
    assert "No new stories today." in empty.text and empty.preheader == "No new stories today."


def test_without_a_site_address_there_is_no_web_link():
    from briefing.deliver import build_message

    cfg = make_cfg()
    r = render_email(make_digest(site_url=None), cfg=cfg, max_html_bytes=10_000)
    assert r.web_url is None and "Read on the web" not in r.html and "Read on the web" not in r.text
    assert r.omitted_stories > 0 and "on the web" not in r.html.split(">More stories</h2>", 1)[1].replace("Read on the web", "")
    msg = build_message(r, to="ada@example.org", cfg=cfg, digest_date="2026-11-23")
    assert msg["List-Archive"] is None and msg["List-Unsubscribe-Post"] is None


def test_long_summaries_are_clipped_and_kept_out_of_the_key_takeaways(cfg):
    d = make_digest(3)
    top = d.stories[0]
    top.summary = top.headline + " — " + "a long extractive paragraph that restates the report " * 20
    full = render_email(d, cfg=cfg, fmt="full")
    kt = full.html.split("Key Takeaways", 1)[1].split("</ol>", 1)[0]
    first = kt.split("<li", 2)[1]
    assert "restates the report" not in first, "a paragraph is not a key-takeaway line"
    assert "One-line summary of" in kt, "short summaries still follow their headline"
    para = html_mod.unescape(re.search(r'<p class="sum"[^>]*>(.*?)</p>', full.html, re.S).group(1))
    assert len(para) <= 600 and para.endswith("…")
    brief = render_email(d, cfg=cfg, fmt="brief")
    para = html_mod.unescape(re.search(r'<p class="sum"[^>]*>(.*?)</p>', brief.html, re.S).group(1))
    assert len(para) <= 240 and para.endswith("…")
