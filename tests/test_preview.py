"""`briefing feeds preview` against feeds served over loopback, fetched and parsed for real."""

from __future__ import annotations

import http.server
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefing.config import Config, FeedConfig, load_config
from briefing.errors import BriefingError
from briefing.fetch import FetchRequest, fetch_many
from briefing.filters import entry_as_article
from briefing.models import Entry
from briefing.parse import parse_feed
from briefing.preview import format_preview, preview_feeds

ENGLISH_BODY = (
    "The laboratory released the weights of its new language model under an open licence on Monday, "
    "and said the model matches larger systems on coding and reasoning benchmarks while running on a "
    "single graphics card. Researchers outside the company were cautious about the claims, noting that "
    "the benchmarks were chosen by the company itself and that independent evaluations would follow."
)
OFFICE_BODY = (
    "Our team in Portugal moves into a new office by the river this week. There is room for sixty "
    "people, a workshop for hardware prototypes and a kitchen that the team designed together."
)
GERMAN_BODY = (
    "Das Labor hat am Montag die Gewichte seines neuen Sprachmodells unter einer offenen Lizenz "
    "veröffentlicht und erklärt, das Modell erreiche bei Programmier- und Denkaufgaben die Werte "
    "größerer Systeme und laufe auf einer einzigen Grafikkarte. Forscher außerhalb des Unternehmens "
    "blieben bei den Angaben vorsichtig und verwiesen auf unabhängige Prüfungen."
)


def _item(n: int, title: str, day: int, desc: str, path: str = "news", body: str = "") -> str:
    content = f"<content:encoded><![CDATA[<p>{body}</p>]]></content:encoded>" if body else ""
    return f"""
    <item>
      <title>{title}</title>
      <link>http://HOST/{path}/{n}</link>
      <guid>http://HOST/{path}/{n}</guid>
      <pubDate>{day:02d} Nov 2026 08:00:00 +0000</pubDate>
      <description>{desc}</description>{content}
    </item>"""


LAB_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Lab blog</title><link>http://HOST/</link><description>lab</description>
{_item(1, "Introducing Orca 2, an open-weights model", 20, "We release Orca 2 today.", body=ENGLISH_BODY)}
{_item(2, "Sponsored: the GPU cloud for your model", 21, "A word from our partner.", body=ENGLISH_BODY)}
{_item(3, "Episode 41: scaling laws", 19, "Listen now.", path="podcast", body=ENGLISH_BODY)}
{_item(4, "Our new office opens in Lisbon", 18, "Facilities news.", body=OFFICE_BODY)}
{_item(5, "Orca 2: das neue Open-Weights-Model", 17, "Unser neues Modell.", body=GERMAN_BODY)}
{_item(6, "Orca 2 model card", 16, "Short note.", body="The model card is online.")}
{_item(7, "Orca 1 model retrospective", 10, "Looking back at the model.", body=ENGLISH_BODY)}
</channel></rss>
"""

NEWS_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News</title><link>http://HOST/</link><description>news</description>
{_item(11, "Chip export rules tightened", 22, "Officials announced new limits on AI chips.")}
{_item(12, "Weekly deals roundup", 22, "Sponsored picks of the week.")}
{_item(13, "Startup raises money for robots", 21, "A robotics startup raised funds.")}
</channel></rss>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        host = f"127.0.0.1:{self.server.server_address[1]}"
        body = {"/lab.xml": LAB_FEED, "/news.xml": NEWS_FEED}.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = body.replace("HOST", host).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def config(tmp_path: Path, base: str) -> Config:
    path = tmp_path / "feeds.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [fetch]
            allow_private = true

            [rules]
            exclude = ["sponsored"]

            [groups.labs]
            include = ["model"]
            languages = ["en"]
            full_text = false
            user_agent = "briefing-test/1.0 (labs)"

            [[feeds]]
            name = "Lab"
            url = "{base}/lab.xml"
            group = "labs"
            exclude = ["url:/podcast/"]
            min_length = 20
            max_items = 3
            headers = {{ X-Preview = "yes" }}

            [[feeds]]
            name = "News"
            url = "{base}/news.xml"
            include = ["chips", "robotics"]

            [[feeds]]
            name = "Broken"
            url = "{base}/missing.xml"
            """
        ),
        encoding="utf-8",
    )
    return load_config(path)


def live_fetch(cfg: Config):
    """fetch + parse, as the daily run does (the lead's pipeline passes the same pair)."""

    def fetch_fn(feed: FeedConfig) -> list[Entry]:
        [res] = fetch_many(
            [FetchRequest(key=feed.name, url=feed.url, headers=feed.headers, user_agent=feed.user_agent)], cfg.fetch
        )
        if not res.ok:
            raise BriefingError(f"fetch failed: {res.error}")
        return parse_feed(feed.name, res.body, res.headers, res.final_url or feed.url)

    return fetch_fn


def test_preview_keeps_and_drops_loopback_items_with_reasons(tmp_path, server):
    cfg = config(tmp_path, server)
    previews = preview_feeds(cfg, live_fetch(cfg))
    lab, news, broken = previews
    got = {e.title: (d.keep, d.reason) for e, d in lab.items}
    assert got == {
        "Introducing Orca 2, an open-weights model": (True, 'matched include rule "model" (title) from [groups.labs]'),
        "Sponsored: the GPU cloud for your model": (False, 'excluded by rule "sponsored" (title) from [rules]'),
        "Episode 41: scaling laws": (False, 'excluded by rule "url:/podcast/" (url)'),
        "Our new office opens in Lisbon": (False, "not matched by any include rule"),
        "Orca 2: das neue Open-Weights-Model": got["Orca 2: das neue Open-Weights-Model"],
        "Orca 2 model card": (False, "too short: 5 words (min_length 20)"),
        "Orca 1 model retrospective": (False, "over max_items (3): only the newest 3 are taken"),
    }
    keep_de, reason_de = got["Orca 2: das neue Open-Weights-Model"]
    assert not keep_de and reason_de.startswith('language "de" (detected') and reason_de.endswith("not in languages [en]")
    assert [e.title for e, _ in lab.kept] == ["Introducing Orca 2, an open-weights model"]
    assert lab.note == ""  # full_text = false: every rule could be checked on the feed's own content

    assert {e.title: d.keep for e, d in news.items} == {
        "Chip export rules tightened": True,  # "chips" matched in the summary
        "Weekly deals roundup": False,
        "Startup raises money for robots": True,  # "robotics" in the summary
    }
    assert dict((e.title, d.reason) for e, d in news.items)["Weekly deals roundup"] == (
        'excluded by rule "sponsored" (summary) from [rules]'
    )
    assert broken.error == "fetch failed: HTTP 404 Not Found" and broken.items == []

    # the feed's own user agent and extra headers went out with the request; the other feed used the default
    lab_req = next(r for r in _Handler.seen if r["path"] == "/lab.xml")
    news_req = next(r for r in _Handler.seen if r["path"] == "/news.xml")
    assert lab_req["user-agent"] == "briefing-test/1.0 (labs)" and lab_req["x-preview"] == "yes"
    assert news_req["user-agent"] == cfg.fetch.user_agent and "x-preview" not in news_req

    text = format_preview(previews)
    assert "Lab: 7 items, 1 kept, 6 dropped" in text
    assert "News: 3 items, 2 kept, 1 dropped" in text
    assert "Broken: could not read the feed: fetch failed: HTTP 404 Not Found" in text
    assert '  1 × excluded by rule "sponsored" (title) from [rules]' in text
    assert "  1 × over max_items (3)" in text


def test_preview_one_feed_by_name_and_unknown_name(tmp_path, server):
    cfg = config(tmp_path, server)
    [only] = preview_feeds(cfg, live_fetch(cfg), ["news"])  # names are matched case-insensitively
    assert only.feed.name == "News"
    assert [r["path"] for r in _Handler.seen] == ["/news.xml"]
    with pytest.raises(BriefingError) as info:
        preview_feeds(cfg, live_fetch(cfg), ["Lba"])
    assert info.value.hint == 'did you mean "Lab"?'


def test_preview_from_stored_entries_and_extracted_articles(tmp_path, server):
    """The CLI can pass stored entries and articles instead of fetching: same rules, no network."""
    cfg = config(tmp_path, server)
    entries = live_fetch(cfg)(cfg.feed("News"))
    _Handler.seen.clear()
    news = cfg.feed("News")
    news.min_length = 50  # as if the editor set it: needs article text, which the store provides
    [p] = preview_feeds(cfg, lambda f: entries, ["News"])
    assert "min_length, languages and rules on the text are checked on the article page" in p.note
    assert [d.keep for _, d in p.items] == [True, False, True]
    [p2] = preview_feeds(cfg, lambda f: entries, ["News"], article_fn=lambda e, f: entry_as_article(e, f))
    assert p2.note == ""
    assert [(d.keep, d.reason) for _, d in p2.items][0] == (False, "too short: 7 words (min_length 50)")
    assert _Handler.seen == []
