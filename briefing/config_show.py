"""`briefing config show [FEED]`: the settings in force for each feed, and where each came from.

With groups, a global [rules] table and shipped defaults, the editor cannot tell from feeds.toml
alone why a feed keeps 10 items or drops German articles. This prints, per feed, every setting's
value in force and its provenance: "default", "[rules]", "[groups.NAME]", "feed" (accumulated keys
such as exclude list each source, "[rules] + feed"). Header values that look like secrets are
masked, since the output ends up pasted into issues.
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import Any, TextIO

from .config import FEED_SETTINGS, Config, FeedConfig
from .errors import BriefingError

_SECRET_HEADER = re.compile(r"(?i)auth|cookie|token|key|secret|session|password")


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.1f}"
    if isinstance(value, str):
        return f'"{value}"' if value else '""'
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _mask(name: str, value: str) -> str:
    return f"<hidden, {len(value)} chars>" if _SECRET_HEADER.search(name) else value


def feed_settings(cfg: Config, feed: FeedConfig) -> list[tuple[str, str, str]]:
    """(key, value as shown, provenance) for every per-feed setting, in schema order.

    Values are the ones in force at run time: an empty user_agent shows the global
    [fetch].user_agent, and full_text shows false when [extract].enabled turns extraction off.
    """
    rows: list[tuple[str, str, str]] = [("url", _fmt(feed.url), "feed"), ("group", _fmt(feed.group), "feed" if feed.group else "default")]
    for key in FEED_SETTINGS:
        prov = feed.provenance.get(key, "default")
        if key in ("include", "exclude"):
            rules = getattr(feed, key)
            if key == "exclude" and "+" in prov:
                shown = "[" + ", ".join(f'"{r.source}" ({r.origin})' for r in rules) + "]"
            else:
                shown = _fmt([r.source for r in rules])
        elif key == "headers":
            shown = "{" + ", ".join(f"{k} = {_fmt(_mask(k, v))}" for k, v in feed.headers.items()) + "}"
        elif key == "user_agent" and not feed.user_agent:
            shown, prov = _fmt(_section(cfg, "fetch", "user_agent", "")), "[fetch].user_agent"
        elif key == "full_text" and feed.full_text and not _section(cfg, "extract", "enabled", True):
            shown, prov = "false", "[extract].enabled"
        elif key == "weight":
            shown = _fmt(float(feed.weight))
        elif key == "languages" and not feed.languages:
            shown = "[] (every language)"
        elif key == "min_length" and not feed.min_length:
            shown = "0 (no minimum)"
        else:
            shown = _fmt(getattr(feed, key))
        rows.append((key, shown, prov))
    return rows


def _section(cfg: Config, section: str, key: str, default: Any) -> Any:
    ns = cfg.sections.get(section)
    return getattr(ns, key, default) if ns is not None else default


def format_config_show(cfg: Config, feed_name: str | None = None) -> str:
    """Plain-text report for one feed (by name) or all; raises BriefingError for an unknown name."""
    feeds = cfg.feeds
    if feed_name is not None:
        feed = cfg.feed(feed_name)
        if feed is None:
            names = [f.name for f in cfg.feeds]
            close = difflib.get_close_matches(feed_name, names, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"?' if close else (f"feeds: {', '.join(names)}" if names else "feeds.toml lists no [[feeds]]")
            raise BriefingError(f'no feed named "{feed_name}"', hint=hint)
        feeds = [feed]
    if not feeds:
        return "No feeds configured. Add [[feeds]] tables with name and url to feeds.toml.\n"
    where = str(cfg.path) if cfg.path else "built-in defaults"
    out = [f"Settings in force ({where}); precedence: feed > [groups.NAME] > [rules] > default.", ""]
    for feed in feeds:
        state = "" if feed.enabled else "  (disabled)"
        out.append(f"{feed.name}{state}")
        rows = feed_settings(cfg, feed)
        width = max(len(k) for k, _, _ in rows)
        vwidth = max((len(v) for _, v, _ in rows if len(v) <= 60), default=10)
        for key, value, prov in rows:
            out.append(f"  {key:<{width}}  {value:<{vwidth}}  {prov}")
        out.append("")
    return "\n".join(out)


def cli_config_show(cfg: Config, feed_name: str | None = None, out: TextIO | None = None) -> int:
    """Entry point for `briefing config show [FEED]`; BriefingError propagates to cli.py."""
    (out or sys.stdout).write(format_config_show(cfg, feed_name))
    return 0
