"""Load feeds.toml over the shipped defaults and validate every key at once.

The shipped ``defaults.toml`` is the schema for the plain sections: a key that is not there is
unknown, and a value must have the default's type. ``[[feeds]]``, ``[[topics]]``,
``[[subscribers]]`` and ``[groups.NAME]`` have their item schemas below. Every problem is
collected with its path (``feeds[3].url``), the bad value and a fix, and raised together.
"""

from __future__ import annotations

import copy
import difflib
import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigError

DEFAULTS_PATH = Path(__file__).with_name("defaults.toml")
STARTER_PATH = Path(__file__).with_name("starter.toml")
RULE_FIELDS = ("title", "summary", "text", "url")

# Per-feed settings a group or [rules] may also set: key -> (type, default, help)
FEED_SETTINGS: dict[str, tuple[type | tuple[type, ...], Any, str]] = {
    "weight": ((int, float), 1.0, "a number, e.g. 1.5 for a trusted source"),
    "tags": (list, [], 'a list of strings, e.g. ["labs"]'),
    "enabled": (bool, True, "true or false"),
    "include": (list, [], 'a list of rules, e.g. ["GPT", "title:re:^Llama \\\\d"]'),
    "exclude": (list, [], 'a list of rules, e.g. ["sponsored", "url:/podcast/"]'),
    "min_length": (int, 0, "a number of words, e.g. 150"),
    "max_items": (int, 50, "a number of items per run, e.g. 20"),
    "languages": (list, [], 'a list of ISO 639-1 codes, e.g. ["en"]'),
    "full_text": (bool, True, "true to fetch the article page, false to use the feed's own content"),
    "user_agent": (str, "", 'a User-Agent string, e.g. "Mozilla/5.0 ..."'),
    "headers": (dict, {}, 'a table of header names to values, e.g. { Cookie = "..." }'),
}
FEED_KEYS: dict[str, tuple[type | tuple[type, ...], Any, str]] = {
    "name": (str, None, 'a short outlet name, e.g. "The Verge"'),
    "url": (str, None, 'the feed address, e.g. "https://example.com/feed.xml"'),
    "group": (str, "", "the name of a [groups.NAME] table"),
    "site": (str, "", "the outlet's home page"),
    **FEED_SETTINGS,
}
TOPIC_KEYS: dict[str, tuple[type | tuple[type, ...], Any, str]] = {
    "name": (str, None, 'a section title, e.g. "Models"'),
    "description": (str, "", "one sentence on what belongs here"),
    "keywords": (list, [], 'a list of words, e.g. ["LLM", "weights"]'),
    "boost": ((int, float), 1.0, "a score multiplier, e.g. 1.5"),
    "mute": (bool, False, "true to drop stories of this topic"),
    "min_outlets": (int, 1, "the fewest outlets a story needs to be shown here"),
}
SUBSCRIBER_KEYS: dict[str, tuple[type | tuple[type, ...], Any, str]] = {
    "address": (str, None, 'an e-mail address, e.g. "ada@example.org"'),
    "name": (str, "", "the name to greet"),
    "format": (str, "full", '"full" or "brief"'),
    "topics": (list, [], "topic names to include (empty = all)"),
    "mute": (list, [], "topic names to leave out"),
}
# Keys the global [rules] table may set for every feed (defaults.toml lists them).
RULE_KEYS = ("include", "exclude", "min_length", "max_items", "languages")
# How a more specific level combines with a less specific one. Everything else: the most
# specific level that sets the key wins outright (feed > [groups.X] > [rules] > default).
ACCUMULATE = ("exclude", "tags")  # every level adds its own: a global "sponsored" exclude survives a feed's own
MERGE_TABLES = ("headers",)  # merged by header name; the most specific level wins per header
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_FIELD_ALIASES = {"body": "text", "content": "text", "headline": "title", "link": "url", "description": "summary"}
CHOICES = {
    "summarizer.kind": ("extractive", "llm"),
    "output.format": ("full", "brief"),
    "smtp.security": ("starttls", "ssl", "none"),
}


@dataclass
class Rule:
    """One include/exclude rule: a keyword, phrase or regular expression on some fields."""

    source: str
    pattern: re.Pattern[str]
    fields: tuple[str, ...]
    origin: str = ""  # where it was written: "[rules]", "[groups.labs]" or "feed"

    def matches(self, values: dict[str, str]) -> bool:
        return self.match_field(values) is not None

    def match_field(self, values: dict[str, str]) -> str | None:
        """The first of this rule's fields whose value matches, or None (for "why" messages)."""
        for f in self.fields:
            if self.pattern.search(values.get(f) or ""):
                return f
        return None


@dataclass
class FeedConfig:
    name: str
    url: str
    group: str = ""
    site: str = ""
    weight: float = 1.0
    tags: list[str] = field(default_factory=list)
    enabled: bool = True
    include: list[Rule] = field(default_factory=list)
    exclude: list[Rule] = field(default_factory=list)
    min_length: int = 0
    max_items: int = 50
    languages: list[str] = field(default_factory=list)
    full_text: bool = True
    user_agent: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    # key -> "default" | "[rules]" | "[groups.NAME]" | "feed"; accumulated keys join theirs with " + "
    provenance: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)  # raw settings in force, for `config show`


@dataclass
class Topic:
    name: str
    description: str = ""
    keywords: list[str] = field(default_factory=list)
    boost: float = 1.0
    mute: bool = False
    min_outlets: int = 1


@dataclass
class Subscriber:
    address: str
    name: str = ""
    format: str = "full"
    topics: list[str] = field(default_factory=list)
    mute: list[str] = field(default_factory=list)


@dataclass
class Config:
    path: Path | None
    sections: dict[str, SimpleNamespace]
    feeds: list[FeedConfig]
    topics: list[Topic]
    subscribers: list[Subscriber]
    warnings: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> SimpleNamespace:
        try:
            return self.__dict__["sections"][name]
        except KeyError:
            raise AttributeError(name) from None

    def feed(self, name: str) -> FeedConfig | None:
        return next((f for f in self.feeds if f.name == name), None)

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def _type_name(t: type | tuple[type, ...]) -> str:
    names = {int: "integer", float: "number", str: "string", bool: "true/false", list: "list", dict: "table"}
    if isinstance(t, tuple):
        return "number" if set(t) == {int, float} else " or ".join(names.get(x, x.__name__) for x in t)
    return names.get(t, t.__name__)


def _is_type(value: Any, t: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool) and t is not bool and (t == (int, float) or t in (int, float)):
        return False
    if t is float:
        return isinstance(value, (int, float))
    return isinstance(value, t)


def _suggest(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    return f'did you mean "{close[0]}"?' if close else f"known keys: {', '.join(sorted(known))}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def compile_rule(source: Any, where: str, problems: list[str], origin: str = "") -> Rule | None:
    """Parse ``[field:][re:]pattern``; plain words match whole words, case-insensitively.

    ``field`` is title, summary, text or url (default: title, summary and text). A plain rule on
    url matches a substring (``url:/podcast/``). Problems name ``where`` and, for a regular
    expression, the position of the error inside the pattern.
    """
    example = 'fix: e.g. "GPT-5", "title:re:^Sponsored" or "url:/podcast/"'
    if not isinstance(source, str) or not source.strip():
        problems.append(f"{where} = {_show(source)}: a rule is a non-empty string; {example}")
        return None
    rest = source
    fields: tuple[str, ...] = ("title", "summary", "text")
    head, sep, tail = rest.partition(":")
    if sep and head.lower() in RULE_FIELDS:
        fields, rest = (head.lower(),), tail
    elif sep and re.fullmatch(r"[A-Za-z]{3,12}", head) and head.lower() not in ("re", "http", "https"):
        guess = _FIELD_ALIASES.get(head.lower()) or next(iter(difflib.get_close_matches(head.lower(), RULE_FIELDS, 1, 0.75)), None)
        if guess:
            problems.append(f'{where} = {_show(source)}: unknown field "{head}"; did you mean "{guess}:"? (fields: title, summary, text, url)')
            return None
    if rest.startswith("re:"):
        expr = rest[3:]
        if not expr:
            problems.append(f"{where} = {_show(source)}: empty regular expression (it would match everything); {example}")
            return None
        try:
            pattern = re.compile(expr, re.IGNORECASE)
        except re.error as exc:
            pos = ""
            if exc.pos is not None:
                pos = f" at position {exc.pos} of the pattern {expr!r}"
                if exc.pos > 0:
                    pos += f" (here: {expr[: exc.pos]!r} >>> {expr[exc.pos :]!r})"
            problems.append(
                f"{where} = {_show(source)}: bad regular expression{pos}: {exc.msg}; "
                "fix: correct the pattern, or escape special characters with a backslash (in TOML, \\\\ or a 'literal string')"
            )
            return None
    else:
        if not rest.strip():
            problems.append(f"{where} = {_show(source)}: nothing to match after {head}:; {example}")
            return None
        if fields == ("url",):
            pattern = re.compile(re.escape(rest), re.IGNORECASE)
        else:
            # "(?<!\w)" + words + "(?!\w)", but with the look-behind after the first character: a
            # pattern that starts with a literal is scanned ~4x faster on long article texts.
            first, *others = rest.split()
            words = r"\s+".join([re.escape(first[0]) + r"(?<!\w.)" + re.escape(first[1:]), *map(re.escape, others)])
            pattern = re.compile(words + r"(?!\w)", re.IGNORECASE | re.DOTALL)
    return Rule(source=source, pattern=pattern, fields=fields, origin=origin)


def check_url(value: str) -> str | None:
    """Return a problem description when ``value`` is not an http(s) URL."""
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "not an http(s) URL"
    if not parts.hostname:
        return "the URL has no host"
    return None


def _check_items(
    items: Any, section: str, schema: dict, problems: list[str], required: tuple[str, ...]
) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        problems.append(f"{section} = {_show(items)}: must be an array of tables; fix: write each entry as [[{section}]]")
        return []
    good = []
    for i, item in enumerate(items, start=1):
        where = f"{section}[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a table; fix: write it as [[{section}]] with key = value lines")
            continue
        label = f' ("{item["name"]}")' if isinstance(item.get("name"), str) else ""
        ok = True
        clean: dict[str, Any] = {}
        for key in required:
            if key not in item:
                problems.append(f"{where}{label}: missing key {key}; fix: add {key} = {schema[key][2]}")
                ok = False
        for key, value in item.items():
            if key not in schema:
                problems.append(f"{where}.{key}{label}: unknown key; {_suggest(key, list(schema))}")
            elif not _is_type(value, schema[key][0]):
                problems.append(
                    f"{where}.{key}{label} = {_show(value)}: expected {_type_name(schema[key][0])}; fix: {schema[key][2]}"
                )
                ok = ok and key not in required
            else:
                clean[key] = value
        # an item with only optional problems is still checked further, so every problem shows at once
        if ok:
            clean["__index__"] = i
            good.append(clean)
    return good


def _merge(defaults: dict, user: dict, path: str, problems: list[str]) -> dict:
    out: dict[str, Any] = {}
    for key, default in defaults.items():
        out[key] = default
    for key, value in user.items():
        where = f"{path}.{key}" if path else key
        if key not in defaults:
            problems.append(f"{where}: unknown key; {_suggest(key, list(defaults))}")
            continue
        default = defaults[key]
        if isinstance(default, dict):
            if not isinstance(value, dict):
                problems.append(f"{where} = {_show(value)}: expected a table; fix: write it as [{where}]")
                continue
            out[key] = _merge(default, value, where, problems)
        elif not _is_type(value, type(default)):
            problems.append(
                f"{where} = {_show(value)}: expected {_type_name(type(default))}; fix: e.g. {key} = {_toml_value(default)}"
            )
        else:
            out[key] = float(value) if isinstance(default, float) else value
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def _read_toml(path: Path, what: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{what} not found: {path}", hint="create one with `briefing init`, or pass --config PATH"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc}", hint="check the file's permissions and that it is UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid TOML: {exc}",
            hint="check quotes, brackets and commas on that line; strings need double quotes",
        ) from None


def _check_values(sections: dict[str, dict], problems: list[str]) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    for dotted, choices in CHOICES.items():
        sec, key = dotted.split(".")
        if sections[sec][key] not in choices:
            problems.append(f"{dotted} = {_show(sections[sec][key])}: must be one of {', '.join(map(repr, choices))}")
    for dotted in ("briefing.timezone", "schedule.timezone"):
        sec, key = dotted.split(".")
        tz = sections[sec][key]
        if tz:
            try:
                ZoneInfo(tz)
            except (ZoneInfoNotFoundError, ValueError):
                close = difflib.get_close_matches(tz, _zone_names(), n=1)
                fix = f'did you mean "{close[0]}"?' if close else 'use an IANA name such as "Europe/Berlin" or "UTC"'
                problems.append(f"{dotted} = {_show(tz)}: unknown time zone; {fix}")
    cron = sections["schedule"]["cron"]
    if len(cron.split()) != 5:
        problems.append(f'schedule.cron = {_show(cron)}: needs five fields (minute hour day month weekday); fix: e.g. "0 7 * * *"')
    else:
        try:
            from .schedule import cron_trigger  # crontab weekdays (0/7 = Sunday), not APScheduler's

            cron_trigger(cron)
        except ValueError as exc:
            problems.append(f'schedule.cron = {_show(cron)}: {exc}; fix: e.g. "0 7 * * *" for 07:00 daily')
    s = sections["summarizer"]
    if not 3 <= s["takeaways"] <= 5:
        problems.append(f"summarizer.takeaways = {s['takeaways']}: must be 3 to 5")
    if s["kind"] == "llm":
        for key in ("base_url", "model"):
            if not s[key]:
                problems.append(f'summarizer.{key}: required when kind = "llm"; fix: e.g. base_url = "http://localhost:11434/v1", model = "llama3.1"')
    site = sections["briefing"]["site_url"]
    if site and check_url(site):
        problems.append(f"briefing.site_url = {_show(site)}: {check_url(site)}; fix: e.g. \"https://news.example.org/\"")
    for key in ("concurrency", "per_host", "max_bytes"):
        if sections["fetch"][key] <= 0:
            problems.append(f"fetch.{key} = {sections['fetch'][key]}: must be greater than 0")
    for host in sections["fetch"]["allowed_hosts"]:
        if not isinstance(host, str):
            problems.append(f"fetch.allowed_hosts: {_show(host)} is not a host name")


def _zone_names() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(available_timezones())


def _check_settings(raw: dict[str, Any], where: str, label: str, origin: str, problems: list[str]) -> dict[str, Any]:
    """Validate the values of one level (feed, group or [rules]) once; return them with rules compiled.

    Values whose type is wrong were already reported and dropped by the caller; this checks what a
    type cannot say (ranges, codes, header names, regular expressions). Bad values are dropped.
    """
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in FEED_SETTINGS:
            continue
        at = f"{where}.{key}{label}"
        if key in ("include", "exclude"):
            compiled = [compile_rule(v, f"{where}.{key}[{i}]{label}", problems, origin) for i, v in enumerate(value, 1)]
            out[key] = [r for r in compiled if r is not None]
            continue
        if key == "tags":
            bad = [x for x in value if not isinstance(x, str) or not x.strip()]
            if bad:
                problems.append(f"{at} = {_show(value)}: tags are non-empty strings; fix: {FEED_SETTINGS[key][2]}")
                continue
        elif key == "languages":
            bad = [x for x in value if not isinstance(x, str) or not _LANG.match(x)]
            if bad:
                problems.append(f"{at}: {_show(bad[0])} is not a language code; fix: {FEED_SETTINGS[key][2]}")
                continue
            value = list(dict.fromkeys(re.split(r"[-_]", x)[0].lower() for x in value))
        elif key == "headers":
            bad_name = next((k for k in value if not _HEADER_NAME.match(k)), None)
            bad_value = next((k for k, v in value.items() if not isinstance(v, str) or "\n" in v or "\r" in v), None)
            if bad_name is not None:
                problems.append(f"{at}: {_show(bad_name)} is not a valid header name; fix: letters, digits and - only, e.g. Referer")
                continue
            if bad_value is not None:
                problems.append(f"{at}.{bad_value}: the value must be a one-line string; fix: {FEED_SETTINGS[key][2]}")
                continue
        elif key == "user_agent" and ("\n" in value or "\r" in value):
            problems.append(f"{at}: must be one line; fix: {FEED_SETTINGS[key][2]}")
            continue
        elif key == "weight" and value < 0:
            problems.append(f"{at} = {value}: must be 0 or more; fix: {FEED_SETTINGS[key][2]}")
            continue
        elif key == "min_length" and value < 0:
            problems.append(f"{at} = {value}: must be 0 or more (0 = no minimum); fix: {FEED_SETTINGS[key][2]}")
            continue
        elif key == "max_items" and value < 1:
            problems.append(f"{at} = {value}: must be at least 1; fix: {FEED_SETTINGS[key][2]}")
            continue
        out[key] = value
    return out


def _resolve_feed_settings(
    raw_feed: dict, groups: dict[str, dict], rules: dict, where: str, problems: list[str]
) -> FeedConfig:
    """Lay the levels over each other: default < [rules] < [groups.X] < feed.

    ``rules`` and ``groups`` hold already-checked values (rules compiled); the feed's own are
    checked here with the feed's path and name, so an error reads ``feeds[3].include[2] ("Name")``.
    """
    label = f' ("{raw_feed["name"]}")'
    group = raw_feed.get("group", "")
    levels: list[tuple[str, dict[str, Any]]] = [("[rules]", rules)]
    if group:
        if group not in groups:
            problems.append(f"{where}.group{label} = {_show(group)}: no [groups.{group}] table; {_suggest(group, list(groups))}")
        else:
            levels.append((f"[groups.{group}]", groups[group]))
    levels.append(("feed", _check_settings(raw_feed, where, label, "feed", problems)))

    values: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for key, (_, default, _help) in FEED_SETTINGS.items():
        values[key], provenance[key] = copy.deepcopy(default), "default"
    for origin, level in levels:
        for key, value in level.items():
            if key in ACCUMULATE:
                seen = [_src(v) for v in values[key]]
                added = [v for v in value if _src(v) not in seen]
                if not added:
                    continue
                values[key] = values[key] + added
            elif key in MERGE_TABLES:
                values[key] = {**values[key], **value}
            else:
                values[key] = value
            before = provenance[key]
            joins = key in ACCUMULATE or key in MERGE_TABLES
            provenance[key] = f"{before} + {origin}" if joins and before != "default" else origin

    return FeedConfig(
        name=raw_feed["name"],
        url=raw_feed["url"],
        group=group,
        site=raw_feed.get("site", ""),
        weight=float(values["weight"]),
        tags=list(values["tags"]),
        enabled=values["enabled"],
        include=list(values["include"]),
        exclude=list(values["exclude"]),
        min_length=values["min_length"],
        max_items=values["max_items"],
        languages=list(values["languages"]),
        full_text=values["full_text"],
        user_agent=values["user_agent"],
        headers={str(k): str(v) for k, v in values["headers"].items()},
        provenance=provenance,
        values={k: ([_src(r) for r in v] if k in ("include", "exclude") else v) for k, v in values.items()},
    )


def _src(value: Any) -> Any:
    return value.source if isinstance(value, Rule) else value


def load_config(path: str | Path | None, *, overrides: dict[str, Any] | None = None) -> Config:
    """Load and validate; raise ConfigError listing every problem found."""
    defaults = tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
    user: dict[str, Any] = {}
    cfg_path = Path(path).resolve() if path else None
    if cfg_path is not None:
        user = _read_toml(cfg_path, "configuration file")
    if overrides:
        user = _deep_update(user, overrides)
    return build_config(user, defaults, cfg_path)


def _deep_update(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        out[k] = _deep_update(out.get(k, {}), v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def build_config(user: dict[str, Any], defaults: dict[str, Any], path: Path | None) -> Config:
    problems: list[str] = []
    warnings: list[str] = []
    special = {"feeds", "topics", "subscribers", "groups"}
    plain = {k: v for k, v in user.items() if k not in special}
    sections = _merge(defaults, plain, "", problems)

    groups: dict[str, dict] = {}
    raw_feed_list = [f for f in user.get("feeds", []) if isinstance(f, dict)] if isinstance(user.get("feeds"), list) else []
    raw_groups = user.get("groups", {})
    if not isinstance(raw_groups, dict):
        problems.append("groups: must be tables, one per group; fix: write [groups.labs] then key = value lines")
        raw_groups = {}
    for gname, gvalues in raw_groups.items():
        if not isinstance(gvalues, dict):
            problems.append(f"groups.{gname}: must be a table; fix: write [groups.{gname}]")
            continue
        clean = {}
        for key, value in gvalues.items():
            if key not in FEED_SETTINGS:
                problems.append(f"groups.{gname}.{key}: unknown key; {_suggest(key, list(FEED_SETTINGS))}")
            elif not _is_type(value, FEED_SETTINGS[key][0]):
                problems.append(
                    f"groups.{gname}.{key} = {_show(value)}: expected {_type_name(FEED_SETTINGS[key][0])}; fix: {FEED_SETTINGS[key][2]}"
                )
            else:
                clean[key] = value
        users = [f["name"] for f in raw_feed_list if f.get("group") == gname and isinstance(f.get("name"), str)]
        label = f" (used by {', '.join(map(repr, users))})" if users else ""
        groups[gname] = _check_settings(clean, f"groups.{gname}", label, f"[groups.{gname}]", problems)

    feeds: list[FeedConfig] = []
    names: set[str] = set()
    # [rules] counts only for the keys the user wrote (after _merge checked their types), so
    # `config show` says "default" for the rest and an explicit `min_length = 0` still wins.
    user_rules = user.get("rules") if isinstance(user.get("rules"), dict) else {}
    rules = _check_settings(
        {k: sections["rules"][k] for k in RULE_KEYS if k in user_rules}, "rules", "", "[rules]", problems
    )
    raw_feeds = user.get("feeds") if isinstance(user.get("feeds"), list) else []
    _check_items(user.get("feeds", []), "feeds", FEED_KEYS, problems, ("name", "url"))
    # Keep checking a feed after a bad key (its rules, url, headers), so every problem shows at once;
    # only keys of the wrong type are left out of what is checked further.
    for index, raw in enumerate(raw_feeds, 1):
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not isinstance(raw.get("url"), str):
            continue
        item = {k: v for k, v in raw.items() if k in FEED_KEYS and _is_type(v, FEED_KEYS[k][0])}
        where = f"feeds[{index}]"
        if problem := check_url(item["url"]):
            problems.append(f'{where}.url = {_show(item["url"])} ("{item["name"]}"): {problem}; fix: e.g. "https://example.com/feed.xml"')
        if item["name"] in names:
            problems.append(f'{where}.name = "{item["name"]}": used by another feed; fix: give each feed its own name')
        names.add(item["name"])
        feeds.append(_resolve_feed_settings(item, groups, rules, where, problems))
    for gname in groups:
        if not any(f.group == gname for f in feeds) and feeds:
            warnings.append(f"[groups.{gname}] is not used by any feed; set group = \"{gname}\" on the feeds it is for")

    topics = [
        Topic(**{k: v for k, v in t.items() if k != "__index__"})
        for t in _check_items(user.get("topics", []), "topics", TOPIC_KEYS, problems, ("name",))
    ]
    subscribers_raw = _check_items(user.get("subscribers", []), "subscribers", SUBSCRIBER_KEYS, problems, ("address",))
    sub_file = sections["email"]["subscribers_file"]
    if sub_file:
        sub_path = Path(sub_file) if Path(sub_file).is_absolute() else (path.parent if path else Path.cwd()) / sub_file
        try:
            extra = _read_toml(sub_path, "subscribers file")
            subscribers_raw += _check_items(extra.get("subscribers", []), f"{sub_path.name}: subscribers", SUBSCRIBER_KEYS, problems, ("address",))
        except ConfigError as exc:
            problems.append(f"email.subscribers_file = {_show(sub_file)}: {exc.message}")
    subscribers = []
    topic_names = {t.name for t in topics}
    for s in subscribers_raw:
        sub = Subscriber(**{k: v for k, v in s.items() if k != "__index__"})
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.?[^@\s<>]*", sub.address):
            problems.append(f"subscribers: address {_show(sub.address)} is not an e-mail address; fix: e.g. \"ada@example.org\"")
        if sub.format not in ("full", "brief"):
            problems.append(f'subscribers: {sub.address}: format = {_show(sub.format)}: must be "full" or "brief"')
        for name in [*sub.topics, *sub.mute]:
            if topic_names and name not in topic_names and name != "Other":
                problems.append(f'subscribers: {sub.address}: unknown topic "{name}"; {_suggest(name, sorted(topic_names))}')
        subscribers.append(sub)

    _check_values(sections, problems)
    if "password" in sections.get("smtp", {}) or "password" in plain.get("smtp", {}):
        pass  # unknown key reported above; the warning below explains why
    if isinstance(plain.get("smtp"), dict) and "password" in plain["smtp"]:
        warnings.append(
            "smtp.password is written in the configuration file; it is ignored. Put the password in the environment "
            f"variable named by smtp.password_env ({sections['smtp']['password_env']}) instead."
        )
        problems[:] = [p for p in problems if not p.startswith("smtp.password:")]
    if problems:
        where = str(path) if path else "configuration"
        raise ConfigError(
            f"{where}: {len(problems)} problem{'s' if len(problems) != 1 else ''}",
            problems,
            hint="fix the keys above and run `briefing feeds check` again",
        )
    return Config(
        path=path,
        sections={k: SimpleNamespace(**v) for k, v in sections.items()},
        feeds=feeds,
        topics=topics,
        subscribers=subscribers,
        warnings=warnings,
        raw=user,
    )


def resolve_paths(cfg: Config) -> SimpleNamespace:
    """State, cache and output folders: feeds.toml, else $BRIEFING_* env, else platform conventions."""
    import platformdirs

    base = cfg.base_dir

    def pick(value: str, env: str, fallback: Path) -> Path:
        chosen = value or os.environ.get(env, "")
        if chosen:
            p = Path(chosen).expanduser()
            return p if p.is_absolute() else base / p
        return fallback

    state = pick(cfg.paths.state_dir, "BRIEFING_STATE_DIR", Path(platformdirs.user_data_dir("briefing")))
    cache = pick(cfg.paths.cache_dir, "BRIEFING_CACHE_DIR", Path(platformdirs.user_cache_dir("briefing")))
    out = pick(cfg.paths.output_dir, "BRIEFING_OUTPUT_DIR", base / "out")
    return SimpleNamespace(state=state, cache=cache, output=out, db=state / "briefing.db", lock=state / "briefing.lock")


def is_private_host(host: str) -> bool:
    """True for loopback, private, link-local and other non-public addresses (by literal IP or name)."""
    h = host.strip("[]").lower()
    if h in ("localhost", "localhost.localdomain") or h.endswith(".localhost") or h.endswith(".local"):
        return True
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        return False
    return not ip.is_global
