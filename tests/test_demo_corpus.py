"""The shipped demo corpus and configuration files are complete and consistent.

The demo (`briefing demo`) and its end-to-end test rely on these files: every feed must parse,
every feed link must lead to a page, every page must carry a gold label, and the shipped
configuration files must validate.
"""

from __future__ import annotations

import importlib.util
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from briefing.config import load_config

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "briefing" / "demo_corpus"
BASE = "http://127.0.0.1:8765"
XML_FEEDS = sorted((CORPUS / "feeds").glob("*.xml"))
JSON_FEEDS = sorted((CORPUS / "feeds").glob("*.json"))
PAGES = sorted((CORPUS / "pages").glob("*/*.html"))
GOLD: dict[str, str] = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))
DEMO_DAY = "2026-11-20"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("{BASE}", BASE)


def _page_path(link: str) -> str:
    """A feed link -> the URL path the demo server maps to a file (query and fragment ignored)."""
    assert link.startswith(BASE + "/"), link
    return urlsplit(link).path


def _json_items(path: Path) -> list[dict]:
    return json.loads(_text(path))["items"]


def _all_entries() -> list[tuple[str, str, str, datetime]]:
    """(feed file, title, link, published) for every item of every feed."""
    out = []
    for path in XML_FEEDS:
        for e in feedparser.parse(_text(path)).entries:
            t = e.get("published_parsed") or e.get("updated_parsed")
            out.append((path.name, e.title, e.link, datetime(*t[:6])))
    for path in JSON_FEEDS:
        for item in _json_items(path):
            stamp = datetime.fromisoformat(item["date_published"].replace("Z", "+00:00")).replace(tzinfo=None)
            out.append((path.name, item["title"], item["url"], stamp))
    return out


def test_eight_feeds_in_four_formats():
    versions = sorted(feedparser.parse(_text(p)).version for p in XML_FEEDS)
    assert versions == ["atom10", "atom10", "rss10", "rss10", "rss20", "rss20", "rss20"]
    assert len(JSON_FEEDS) == 1


@pytest.mark.parametrize("path", XML_FEEDS, ids=lambda p: p.name)
def test_xml_feed_parses_cleanly(path: Path):
    parsed = feedparser.parse(_text(path))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.get("title")
    assert parsed.entries
    for e in parsed.entries:
        assert e.get("title") and e.get("link")
        assert e.get("published_parsed") or e.get("updated_parsed")


def test_some_feeds_carry_full_text_and_one_has_no_guid():
    full = {p.name for p in XML_FEEDS if all(len(e.get("content", [{}])[0].get("value", "")) > 1000
                                             for e in feedparser.parse(_text(p)).entries)}
    assert full == {"relay.xml", "inferencedaily.atom.xml"}
    raw = (CORPUS / "feeds" / "gradient.xml").read_text(encoding="utf-8")
    assert "<guid" not in raw and "utm_source=rss" in raw


@pytest.mark.parametrize("path", JSON_FEEDS, ids=lambda p: p.name)
def test_json_feed_is_valid_json_feed_1_1(path: Path):
    feed = json.loads(_text(path))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert feed["feed_url"].startswith(BASE) and feed["home_page_url"].startswith(BASE)
    ids = [item["id"] for item in feed["items"]]
    assert feed["items"] and len(set(ids)) == len(ids)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert item.get("content_html") or item.get("content_text"), "JSON Feed 1.1 requires one of them"
        assert item["title"] and item["url"].startswith(BASE)
        datetime.fromisoformat(item["date_published"].replace("Z", "+00:00"))  # RFC 3339
        assert all(isinstance(a.get("name"), str) for a in item.get("authors", []))


def test_every_feed_link_points_to_an_existing_page_and_every_page_is_in_a_feed():
    linked = [_page_path(link) for _, _, link, _ in _all_entries()]
    assert len(linked) == len(set(linked)), "a page is linked from two feed items"
    for path in linked:
        assert (CORPUS / path.lstrip("/")).is_file(), path
    assert sorted(linked) == sorted("/" + p.relative_to(CORPUS).as_posix() for p in PAGES)


def test_dates_are_on_the_demo_day_except_the_old_items():
    for feed, title, link, when in _all_entries():
        label = GOLD[_page_path(link)]
        if label.startswith("old-"):
            assert when.date().isoformat() == "2026-11-18", (feed, title)
        else:
            assert when.date().isoformat() == DEMO_DAY and when.hour < 7 and (when.hour, when.minute) <= (6, 30), (feed, title, when)


def test_gold_covers_every_page_and_has_the_expected_shape():
    assert len(PAGES) >= 34
    assert set(GOLD) == {"/" + p.relative_to(CORPUS).as_posix() for p in PAGES}
    sizes: dict[str, int] = {}
    for label in GOLD.values():
        sizes[label] = sizes.get(label, 0) + 1
    expected = {k: v for k, v in sizes.items() if not k.startswith(("old-", "sponsored-"))}
    assert len(expected) == 13
    assert sorted(expected.values(), reverse=True) == [6, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1]


class _PageFacts(HTMLParser):
    """Collects meta properties, tags seen and the text of <p> elements inside <article>."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.tags: set[str] = set()
        self.depth = 0
        self.in_p = False
        self.body: list[str] = []
        self.img_src: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content") or ""
        if tag == "article":
            self.depth += 1
        if tag == "p" and self.depth and "inline-related" not in (a.get("class") or ""):
            self.in_p = True
        if tag == "img":
            self.img_src.append(a.get("src") or "")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag == "p":
            self.in_p = False

    def handle_data(self, data):
        if self.in_p:
            self.body.append(data)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_page_is_a_realistic_article(path: Path):
    html = _text(path)
    facts = _PageFacts()
    facts.feed(html)
    for key in ("og:title", "og:image", "og:site_name", "article:published_time", "og:url"):
        assert facts.meta.get(key), key
    assert {"article", "h1", "nav", "footer", "figure", "figcaption", "img", "form"} <= facts.tags
    for furniture in ("Related Articles", "Share", "cookies", "inbox"):
        assert furniture in html, furniture
    assert facts.img_src and all(src.startswith(BASE + "/static/") for src in facts.img_src)
    assert (CORPUS / urlsplit(facts.meta["og:image"]).path.lstrip("/")).is_file()
    words = len(" ".join(facts.body).split())
    assert 250 <= words <= 650, words
    datetime.fromisoformat(facts.meta["article:published_time"])


def test_disagreeing_figures_are_where_the_readme_says():
    spec = importlib.util.spec_from_file_location("demo_articles", REPO / "tools" / "demo_articles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for story, d in module.DISAGREEMENTS.items():
        pages = {p.split("/")[2]: p for p, label in GOLD.items() if label == story}
        assert set(pages) == set(d["values"]), story
        for outlet, value in d["values"].items():
            text = (CORPUS / pages[outlet].lstrip("/")).read_text(encoding="utf-8")
            assert value in text, (story, outlet, value)
            others = set(d["values"].values()) - {value}
            assert not any(o in text for o in others), (story, outlet, others)


def test_committed_corpus_equals_a_rebuild():
    spec = importlib.util.spec_from_file_location("build_demo_corpus", REPO / "tools" / "build_demo_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.build(root=None)
    for rel, text in files.items():
        assert (CORPUS / rel).read_text(encoding="utf-8") == text, f"{rel} differs: run python tools/build_demo_corpus.py"


def test_corpus_is_small():
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 600_000, total


def test_demo_config_validates_and_drops_only_the_sponsored_item():
    cfg = load_config(CORPUS / "demo.toml")
    assert len(cfg.feeds) == 8 and len(cfg.topics) == 4 and cfg.fetch.allow_private
    served = {f.url.rsplit("/", 1)[1] for f in cfg.feeds}
    assert served == {p.name for p in XML_FEEDS + JSON_FEEDS}
    by_file = {f.url.rsplit("/", 1)[1]: f for f in cfg.feeds}
    dropped = []
    for feed_file, title, link, _ in _all_entries():
        rules = by_file[feed_file].exclude
        values = {"title": title, "url": link, "summary": "", "text": ""}
        if any(r.matches(values) for r in rules):
            dropped.append(GOLD[_page_path(link)])
    assert dropped == ["sponsored-nimbusgpu"]
    assert {f.name for f in cfg.feeds if not f.full_text} == {"Relay Wire", "Inference Daily"}


def test_shipped_feeds_toml_validates_and_equals_the_starter():
    starter = REPO / "briefing" / "starter.toml"
    root = REPO / "feeds.toml"
    assert starter.read_bytes() == root.read_bytes()
    cfg = load_config(root)
    assert 25 <= len(cfg.feeds) <= 40
    assert 5 <= len(cfg.topics) <= 6
    assert all(f.url.startswith(("https://", "http://")) for f in cfg.feeds)
    assert sum(f.enabled for f in cfg.feeds) >= 25
    assert not cfg.email.enabled


def test_every_starter_setting_is_commented():
    """Each active setting has an inline comment or is explained in a comment above it."""
    comments, previous = "", ""
    for number, line in enumerate((REPO / "briefing" / "starter.toml").read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        after_comment, previous = previous.startswith("#"), stripped
        if stripped.startswith("#"):
            comments += " " + stripped
            continue
        match = re.match(r"^([A-Za-z_]+)\s*=", stripped)
        if match:
            key = match.group(1)
            explained = "#" in line or after_comment or re.search(rf"\b{key}\b", comments)
            assert explained, f"line {number}: {key} is not explained"
        elif stripped.startswith("["):
            assert comments, f"line {number}: section before any comment"


def test_package_data_includes_the_corpus():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert '"demo_corpus/**/*"' in text and '"starter.toml"' in text
