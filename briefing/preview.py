"""`briefing feeds preview [NAME]`: what the rules keep and drop per feed, and why.

The editor tunes feeds.toml against real items before the morning email goes out. Where the
items come from is injected (``fetch_fn``): the CLI passes fetch + parse for a live look, or the
stored entries for a look without network. Nothing is written anywhere.
"""

from __future__ import annotations

import difflib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from .config import Config, FeedConfig
from .errors import EXIT_PARTIAL, BriefingError
from .filters import Decision, entry_as_article, filter_article, filter_entries
from .models import Article, Entry

FetchFn = Callable[[FeedConfig], list[Entry]]
ArticleFn = Callable[[Entry, FeedConfig], Article | None]


@dataclass
class FeedPreview:
    feed: FeedConfig
    items: list[tuple[Entry, Decision]] = field(default_factory=list)
    error: str | None = None  # the feed could not be read: why
    note: str = ""  # what the preview could not check

    @property
    def kept(self) -> list[tuple[Entry, Decision]]:
        return [(e, d) for e, d in self.items if d.keep]

    @property
    def dropped(self) -> list[tuple[Entry, Decision]]:
        return [(e, d) for e, d in self.items if not d.keep]


def select_feeds(cfg: Config, names: list[str] | None) -> list[FeedConfig]:
    """The feeds named (all when none); an unknown name is an error with a suggestion."""
    if not names:
        return list(cfg.feeds)
    known = [f.name for f in cfg.feeds]
    chosen = []
    for name in names:
        feed = cfg.feed(name) or next((f for f in cfg.feeds if f.name.lower() == name.lower()), None)
        if feed is None:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"?' if close else (f"feeds: {', '.join(known)}" if known else "feeds.toml lists no [[feeds]]")
            raise BriefingError(f'no feed named "{name}"', hint=hint)
        chosen.append(feed)
    return chosen


def preview_feed(feed: FeedConfig, entries: list[Entry], article_fn: ArticleFn | None = None, extract_enabled: bool = True) -> FeedPreview:
    """Both filter passes over one feed's entries, as the daily run would apply them.

    The second pass (full-text rules, min_length, languages) needs article text: from
    ``article_fn`` when given (extraction or the store), else from the feed's own content when
    the page would not be fetched anyway (``full_text = false``). Otherwise it is left out and
    the preview says so.
    """
    preview = FeedPreview(feed=feed)
    uses_page = feed.full_text and extract_enabled
    second_pass = feed.min_length or feed.languages or any("text" in r.fields for r in feed.include + feed.exclude)
    for entry, decision in filter_entries(entries, feed, fetch_page=uses_page):
        if decision.keep:
            article: Article | None = None
            if article_fn is not None:
                article = article_fn(entry, feed)
            elif not uses_page:
                article = entry_as_article(entry, feed)
            if article is not None:
                decision = filter_article(article, feed, summary=entry.summary)
        preview.items.append((entry, decision))
    if second_pass and article_fn is None and uses_page:
        preview.note = "min_length, languages and rules on the text are checked on the article page, which a preview does not fetch"
    return preview


def preview_feeds(
    cfg: Config, fetch_fn: FetchFn, names: list[str] | None = None, article_fn: ArticleFn | None = None
) -> list[FeedPreview]:
    """Fetch (or load) each selected feed's entries and run the filters; one failing feed does not stop the rest."""
    extract = cfg.sections.get("extract")
    extract_enabled = bool(getattr(extract, "enabled", True)) if extract is not None else True
    previews = []
    for feed in select_feeds(cfg, names):
        try:
            entries = fetch_fn(feed)
        except Exception as exc:  # a preview reports every feed, whatever broke one
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            previews.append(FeedPreview(feed=feed, error=message))
            continue
        previews.append(preview_feed(feed, entries, article_fn, extract_enabled))
    return previews


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _reason_kind(reason: str) -> str:
    """Group reasons for the per-feed tally: 'over max_items (20): ...' -> 'over max_items (20)'."""
    return reason.split(":")[0] if reason.startswith(("over max_items", "too short")) else reason.split(";")[0]


def format_preview(previews: list[FeedPreview], title_width: int = 64) -> str:
    """Plain text: per feed a tally, then each item with keep/drop and the reason."""
    out: list[str] = []
    for p in previews:
        disabled = "" if p.feed.enabled else " (disabled: the daily run skips it)"
        if p.error:
            out += [f"{p.feed.name}{disabled}: could not read the feed: {p.error}", ""]
            continue
        kept, dropped = len(p.kept), len(p.dropped)
        out.append(f"{p.feed.name}{disabled}: {len(p.items)} items, {kept} kept, {dropped} dropped")
        tally = Counter(_reason_kind(d.reason) for _, d in p.dropped)
        for reason, n in tally.most_common():
            out.append(f"  {n} × {reason}")
        for entry, d in p.items:
            mark = "keep?" if d.pending else ("keep " if d.keep else "drop ")
            date = entry.published.strftime("%Y-%m-%d") if entry.published else "          "
            out.append(f"  {mark} {date}  {_short(entry.title or entry.link or entry.entry_id, title_width)}")
            out.append(f"        {d.reason}")
        if p.note:
            out.append(f"  note: {p.note}")
        out.append("")
    if not previews:
        out.append("No feeds to preview.")
    return "\n".join(out)


def cli_feeds_preview(
    cfg: Config,
    fetch_fn: FetchFn,
    names: list[str] | None = None,
    article_fn: ArticleFn | None = None,
    out: TextIO | None = None,
) -> int:
    """Entry point for `briefing feeds preview [NAME...]`: 0, or 3 (partial) when a feed could not be read."""
    previews = preview_feeds(cfg, fetch_fn, names, article_fn)
    (out or sys.stdout).write(format_preview(previews) + "\n")
    return EXIT_PARTIAL if any(p.error for p in previews) else 0
