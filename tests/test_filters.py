"""The two filter passes: on feed entries (before fetching pages) and on extracted articles."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefing.config import FeedConfig, load_config
from briefing.filters import article_language, detect_language, filter_article, filter_entries
from briefing.models import Article, Entry

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)

ENGLISH = (
    "The laboratory released the weights of its new language model under an open licence on Monday, "
    "and said the model matches larger systems on coding and reasoning benchmarks while running on a "
    "single graphics card. Researchers outside the company were cautious about the claims."
)
GERMAN = (
    "Das Labor hat am Montag die Gewichte seines neuen Sprachmodells unter einer offenen Lizenz "
    "veröffentlicht und erklärt, das Modell erreiche bei Programmier- und Denkaufgaben die Werte "
    "größerer Systeme und laufe auf einer einzigen Grafikkarte. Forscher außerhalb des Unternehmens "
    "blieben bei den Angaben vorsichtig."
)


def feed(tmp_path: Path, settings: str = "", extra: str = "") -> FeedConfig:
    path = tmp_path / "feeds.toml"
    path.write_text(
        textwrap.dedent(extra)
        + '\n[[feeds]]\nname = "Lab"\nurl = "https://lab.example.org/feed.xml"\n'
        + textwrap.dedent(settings),
        encoding="utf-8",
    )
    return load_config(path).feeds[0]


def entry(n: int, title: str, summary: str = "", link: str | None = None, content: str = "", hours_ago: float | None = None) -> Entry:
    return Entry(
        feed="Lab",
        entry_id=f"id-{n}",
        title=title,
        link=link or f"https://lab.example.org/news/{n}",
        summary=summary,
        content_html=content,
        published=None if hours_ago is None else NOW - timedelta(hours=hours_ago),
    )


def article(title: str, text: str, url: str = "https://lab.example.org/news/1", lang: str | None = None) -> Article:
    return Article(id=None, entry_id="id-1", feed="Lab", source="Lab", url=url, title=title, text=text, lang=lang)


def reasons(result) -> list[tuple[bool, str]]:
    return [(d.keep, d.reason) for _, d in result]


def test_exclude_beats_include_and_reasons_name_rule_and_field(tmp_path):
    f = feed(
        tmp_path,
        'include = ["model", "url:/research/"]\nexclude = ["sponsored", "url:/podcast/"]\nfull_text = false\n',
        extra='[rules]\nexclude = ["webinar"]\n',
    )
    got = reasons(
        filter_entries(
            [
                entry(1, "A new model", "Sponsored by a cloud"),
                entry(2, "Quarterly results"),
                entry(3, "Episode 12", link="https://lab.example.org/podcast/12"),
                entry(4, "Team update", link="https://lab.example.org/research/team"),
                entry(5, "Join our webinar on the model"),
                entry(6, "Small print", "nothing", content="<p>The <b>model</b> card</p>"),
            ],
            f,
        )
    )
    assert got == [
        (False, 'excluded by rule "sponsored" (summary)'),
        (False, "not matched by any include rule"),
        (False, 'excluded by rule "url:/podcast/" (url)'),
        (True, 'matched include rule "url:/research/" (url)'),
        (False, 'excluded by rule "webinar" (title) from [rules]'),
        (True, 'matched include rule "model" (text)'),  # the feed's own content is the text
    ]


def test_include_waits_for_full_text_when_page_will_be_fetched(tmp_path):
    f = feed(tmp_path, 'include = ["open weights"]\n')
    [(e, d)] = filter_entries([entry(1, "Lab news", "A short teaser")], f)
    assert d.keep and d.pending
    assert d.reason == "no include rule matched the feed's title or summary; checked again on the full text"
    # after extraction the full text decides
    assert filter_article(article("Lab news", "We release open  weights today. " * 5), f).reason == (
        'matched include rule "open weights" (text)'
    )
    late = filter_article(article("Lab news", "Nothing of the sort here."), f)
    assert (late.keep, late.reason) == (False, "not matched by any include rule (full text checked)")
    # a rule that only reads the title cannot match later: dropped at once
    g = feed(tmp_path, 'include = ["title:open weights"]\n')
    [(_, d2)] = filter_entries([entry(1, "Lab news", "open weights")], g)
    assert (d2.keep, d2.pending, d2.reason) == (False, False, "not matched by any include rule")


def test_max_items_keeps_the_newest_of_the_kept(tmp_path):
    f = feed(tmp_path, 'max_items = 2\nexclude = ["sponsored"]\n')
    items = [
        entry(1, "Old", hours_ago=30),
        entry(2, "Sponsored newest", hours_ago=1),
        entry(3, "Newer", hours_ago=2),
        entry(4, "Undated"),
        entry(5, "Newest kept", hours_ago=1.5),
    ]
    got = {e.title: (d.keep, d.reason) for e, d in filter_entries(items, f)}
    assert got["Sponsored newest"] == (False, 'excluded by rule "sponsored" (title)')
    assert got["Newest kept"][0] and got["Newer"][0]
    assert got["Old"] == (False, "over max_items (2): only the newest 2 are taken")
    assert got["Undated"] == (False, "over max_items (2): only the newest 2 are taken")
    # order of the result is the feed's order
    assert [e.entry_id for e, _ in filter_entries(items, f)] == [f"id-{i}" for i in range(1, 6)]


def test_min_length_counts_words(tmp_path):
    f = feed(tmp_path, "min_length = 30\n")
    short = filter_article(article("Brief", "Only a few words here."), f)
    assert (short.keep, short.reason) == (False, "too short: 5 words (min_length 30)")
    assert filter_article(article("Long", ENGLISH), f).keep


def test_language_filter_detects_text_and_falls_back_to_page_lang(tmp_path):
    f = feed(tmp_path, 'languages = ["en"]\n')
    de = filter_article(article("Neues Sprachmodell", GERMAN, lang="en"), f)  # a site-wide lang="en" is wrong here
    assert not de.keep and de.lang == "de"
    assert de.reason.startswith('language "de" (detected, p=') and de.reason.endswith("not in languages [en]")
    en = filter_article(article("New language model", ENGLISH), f)
    assert en.keep and en.lang == "en"
    # too little text to trust a guess: the page's <html lang="de-AT"> decides
    tiny = filter_article(article("KI", "Kurz.", lang="de-AT"), f)
    assert (tiny.keep, tiny.lang) == (False, "de")
    assert tiny.reason == 'language "de" (from the page\'s lang attribute) not in languages [en]'
    # nothing to go on: kept, and the reason says so
    unknown = filter_article(article("", "", lang=None), f)
    assert unknown.keep and unknown.lang is None and "language unknown" in unknown.reason


def test_detector_on_real_languages():
    assert detect_language(ENGLISH)[0] == "en"
    assert detect_language(GERMAN)[0] == "de"
    assert detect_language("")[0] is None
    code, how = article_language(article("x", ENGLISH, lang="fr"))
    assert code == "en" and how.startswith("detected")


def test_article_pass_applies_excludes_on_text_and_url(tmp_path):
    f = feed(tmp_path, 'exclude = ["text:re:\\\\bpromo code\\\\b", "url:utm_campaign=partner"]\n')
    assert filter_article(article("Deal", "Use promo code AI50 today. " + ENGLISH), f).reason == (
        'excluded by rule "text:re:\\bpromo code\\b" (text)'
    )
    assert filter_article(article("Deal", ENGLISH, url="https://x.org/a?utm_campaign=partner"), f).reason == (
        'excluded by rule "url:utm_campaign=partner" (url)'
    )
    kept = filter_article(article("Model", ENGLISH), f)
    assert (kept.keep, kept.reason) == (True, "kept (no include rules)")


def test_summary_rule_reads_entry_summary_then_article_lead(tmp_path):
    f = feed(tmp_path, 'exclude = ["summary:re:^Advertisement"]\n')
    [(_, d)] = filter_entries([entry(1, "Deal", "Advertisement: buy now")], f)
    assert d.reason == 'excluded by rule "summary:re:^Advertisement" (summary)'
    # after extraction, without the entry's summary, the article's lead stands in for it
    assert not filter_article(article("Deal", "Advertisement. " + ENGLISH), f).keep
    assert filter_article(article("Deal", ENGLISH + " Advertisement."), f).keep
    # given the entry's summary, that is what the rule reads
    assert filter_article(article("Deal", "Advertisement. " + ENGLISH), f, summary="A new model").keep
