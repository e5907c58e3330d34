"""Feed rules in feeds.toml: syntax, validation messages, group inheritance and provenance."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from briefing.config import Config, compile_rule, load_config
from briefing.config_show import format_config_show
from briefing.errors import BriefingError, ConfigError


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "feeds.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_config(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    return info.value.problems


LAYERED = """
    [rules]
    exclude = ["sponsored"]
    languages = ["en"]
    min_length = 80

    [groups.labs]
    weight = 1.5
    tags = ["labs"]
    include = ["model", "weights"]
    exclude = ["url:/careers/"]
    max_items = 10
    headers = { Referer = "https://example.org/" }

    [[feeds]]
    name = "Lab One"
    url = "https://lab1.example.org/feed.xml"
    group = "labs"
    tags = ["us"]
    include = ["title:re:^Introducing"]
    exclude = ["podcast"]
    headers = { Cookie = "session=abcdef123" }
    full_text = false

    [[feeds]]
    name = "Lab Two"
    url = "https://lab2.example.org/feed.xml"
    group = "labs"
    min_length = 0
    languages = ["de-DE", "EN"]

    [[feeds]]
    name = "Plain"
    url = "https://plain.example.org/rss"
"""


def test_most_specific_level_wins_for_plain_settings(tmp_path):
    cfg = load(tmp_path, LAYERED)
    one, two, plain = cfg.feed("Lab One"), cfg.feed("Lab Two"), cfg.feed("Plain")
    # include: the feed's own replaces the group's; the group's reaches the feed that sets none
    assert [r.source for r in one.include] == ["title:re:^Introducing"]
    assert one.provenance["include"] == "feed"
    assert [r.source for r in two.include] == ["model", "weights"]
    assert two.provenance["include"] == "[groups.labs]"
    assert plain.include == [] and plain.provenance["include"] == "default"
    # min_length: [rules] 80, overridden to 0 by a feed that writes 0 explicitly
    assert one.min_length == 80 and one.provenance["min_length"] == "[rules]"
    assert two.min_length == 0 and two.provenance["min_length"] == "feed"
    # max_items and weight from the group, default elsewhere
    assert (one.max_items, one.weight, one.provenance["weight"]) == (10, 1.5, "[groups.labs]")
    assert (plain.max_items, plain.weight, plain.provenance["max_items"]) == (50, 1.0, "default")
    # languages: codes normalised to their primary subtag
    assert two.languages == ["de", "en"] and two.provenance["languages"] == "feed"
    assert plain.languages == ["en"] and plain.provenance["languages"] == "[rules]"
    assert one.full_text is False and two.full_text is True


def test_exclude_and_tags_accumulate_and_headers_merge(tmp_path):
    cfg = load(tmp_path, LAYERED)
    one, two, plain = cfg.feed("Lab One"), cfg.feed("Lab Two"), cfg.feed("Plain")
    assert [(r.source, r.origin) for r in one.exclude] == [
        ("sponsored", "[rules]"),
        ("url:/careers/", "[groups.labs]"),
        ("podcast", "feed"),
    ]
    assert one.provenance["exclude"] == "[rules] + [groups.labs] + feed"
    assert [r.source for r in two.exclude] == ["sponsored", "url:/careers/"]
    assert [r.source for r in plain.exclude] == ["sponsored"] and plain.provenance["exclude"] == "[rules]"
    assert one.tags == ["labs", "us"] and one.provenance["tags"] == "[groups.labs] + feed"
    assert one.headers == {"Referer": "https://example.org/", "Cookie": "session=abcdef123"}
    assert two.headers == {"Referer": "https://example.org/"} and two.provenance["headers"] == "[groups.labs]"


def test_rule_syntax_words_phrases_regex_and_fields():
    found: list[str] = []
    word = compile_rule("AI", "x", found)
    assert word.matches({"title": "New AI model"}) and not word.matches({"title": "She said so"})
    assert word.matches({"text": "ai everywhere"})  # case-insensitive
    assert not word.matches({"url": "https://example.org/ai/"})  # url is only read when named
    phrase = compile_rule("open weights", "x", found)
    assert phrase.matches({"summary": "released with Open\n  Weights today"})
    assert not phrase.matches({"summary": "open-sourced weights"})
    hyphen = compile_rule("GPT-5", "x", found)
    assert hyphen.match_field({"title": "Hands on with GPT-5.1", "summary": ""}) == "title"
    url = compile_rule("url:/podcast/", "x", found)
    assert url.fields == ("url",) and url.matches({"url": "https://x.org/Podcast/ep-3"})
    assert not url.matches({"title": "/podcast/"})
    regex = compile_rule("title:re:^Sponsored\\b", "x", found)
    assert regex.matches({"title": "sponsored: buy this"}) and not regex.matches({"title": "Not sponsored"})
    assert not regex.matches({"summary": "Sponsored"})
    assert found == []


def test_bad_regex_names_feed_key_and_position(tmp_path):
    found = problems(
        tmp_path,
        """
        [[feeds]]
        name = "Fine"
        url = "https://fine.example.org/rss"

        [[feeds]]
        name = "The Verge"
        url = "https://www.theverge.com/rss/index.xml"
        exclude = ["sponsored", "title:re:deal(s|z"]
        """,
    )
    assert len(found) == 1
    msg = found[0]
    assert msg.startswith('feeds[2].exclude[2] ("The Verge") = \'title:re:deal(s|z\': bad regular expression at position 4')
    assert "missing ), unterminated subpattern" in msg
    assert "'deal' >>> '(s|z'" in msg


def test_bad_regex_in_group_names_its_feeds_and_is_reported_once(tmp_path):
    found = problems(
        tmp_path,
        """
        [rules]
        include = ["re:*AI"]

        [groups.labs]
        include = ["re:[GPT"]

        [[feeds]]
        name = "A"
        url = "https://a.example.org/rss"
        group = "labs"

        [[feeds]]
        name = "B"
        url = "https://b.example.org/rss"
        group = "labs"
        """,
    )
    assert len(found) == 2, found
    assert found[0].startswith("groups.labs.include[1] (used by 'A', 'B') = 're:[GPT': bad regular expression at position 0")
    assert found[1].startswith("rules.include[1] = 're:*AI': bad regular expression at position 0")
    assert "nothing to repeat" in found[1]


def test_every_bad_key_reported_at_once_with_paths(tmp_path):
    found = problems(
        tmp_path,
        """
        [rules]
        exclud = ["x"]

        [groups.labs]
        max_item = 5

        [[feeds]]
        name = "A"
        url = "https://a.example.org/rss"
        group = "lab"

        [[feeds]]
        name = "B"
        url = "https://b.example.org/rss"
        min_length = -5
        languages = ["english"]

        [[feeds]]
        name = "C"
        url = "ftp://c.example.org/rss"
        include = ["titel:GPT", ""]
        headers = { "Bad Header" = "x" }
        weight = "high"
        """,
    )
    text = "\n".join(found)
    assert 'rules.exclud: unknown key; did you mean "exclude"?' in text
    assert 'groups.labs.max_item: unknown key; did you mean "max_items"?' in text
    assert 'feeds[1].group ("A") = \'lab\': no [groups.lab] table; did you mean "labs"?' in text
    assert 'feeds[2].min_length ("B") = -5: must be 0 or more' in text
    assert "feeds[2].languages (\"B\"): 'english' is not a language code" in text
    assert 'feeds[3].url = \'ftp://c.example.org/rss\' ("C"): not an http(s) URL' in text
    assert "feeds[3].weight (\"C\") = 'high': expected number" in text
    # feed C's rule and header problems are reported even though its weight was wrong
    assert "feeds[3].include[1] (\"C\") = 'titel:GPT': unknown field \"titel\"; did you mean \"title:\"?" in text
    assert "feeds[3].include[2] (\"C\") = '': a rule is a non-empty string" in text
    assert "feeds[3].headers (\"C\"): 'Bad Header' is not a valid header name" in text
    assert len(found) == 10, text


def test_unused_group_is_a_warning_not_an_error(tmp_path):
    cfg = load(
        tmp_path,
        """
        [groups.old]
        weight = 2.0

        [[feeds]]
        name = "A"
        url = "https://a.example.org/rss"
        """,
    )
    assert cfg.warnings == ['[groups.old] is not used by any feed; set group = "old" on the feeds it is for']


def test_config_show_prints_values_and_provenance(tmp_path):
    cfg = load(tmp_path, LAYERED)
    text = format_config_show(cfg)
    block = text.split("\nLab One\n", 1)[1].split("\n\n", 1)[0]
    rows = {line.split()[0]: line for line in block.splitlines()}
    assert rows["weight"].split()[1:] == ["1.5", "[groups.labs]"]
    assert rows["min_length"].split()[1:] == ["80", "[rules]"]
    assert rows["include"].split()[1:] == ['["title:re:^Introducing"]', "feed"]
    assert rows["exclude"].rstrip().endswith("[rules] + [groups.labs] + feed")
    assert '"podcast" (feed)' in rows["exclude"] and '"sponsored" ([rules])' in rows["exclude"]
    assert rows["full_text"].split()[1:] == ["false", "feed"]
    assert rows["user_agent"].rstrip().endswith("[fetch].user_agent")
    # a cookie is a secret: its value is never printed
    assert "abcdef123" not in text and "Cookie = \"<hidden, 17 chars>\"" in rows["headers"]
    plain = format_config_show(cfg, "Plain")
    assert "Lab One" not in plain and "max_items   50" in plain
    assert [ln.split()[-1] for ln in plain.splitlines() if ln.strip().startswith("max_items")] == ["default"]


def test_config_show_unknown_feed_suggests_a_name(tmp_path):
    cfg = load(tmp_path, LAYERED)
    with pytest.raises(BriefingError) as info:
        format_config_show(cfg, "Lab Onee")
    assert info.value.message == 'no feed named "Lab Onee"'
    assert info.value.hint == 'did you mean "Lab One"?'


def test_extract_disabled_shows_in_full_text(tmp_path):
    cfg = load(tmp_path, LAYERED + "\n[extract]\nenabled = false\n")
    rows = [ln for ln in format_config_show(cfg, "Lab Two").splitlines() if ln.strip().startswith("full_text")]
    assert rows[0].split()[1:] == ["false", "[extract].enabled"]


def test_feed_opts_out_of_inherited_include_with_an_empty_list(tmp_path):
    cfg = load(
        tmp_path,
        """
        [rules]
        include = ["AI"]
        min_length = 100

        [[feeds]]
        name = "Everything"
        url = "https://all.example.org/rss"
        include = []
        min_length = 0

        [[feeds]]
        name = "Filtered"
        url = "https://some.example.org/rss"
        """,
    )
    every, filtered = cfg.feeds
    assert every.include == [] and every.provenance["include"] == "feed"
    assert every.min_length == 0 and every.provenance["min_length"] == "feed"
    assert [r.source for r in filtered.include] == ["AI"] and filtered.provenance["include"] == "[rules]"
    assert filtered.min_length == 100
