"""Which feed items the editor's rules keep, and why (pure: no IO besides a lazily loaded model).

Two passes, because some facts exist only after the page is fetched:

* ``filter_entries`` runs right after parsing, on what the feed itself says (title, summary, link,
  the feed's own content): exclude rules, include rules and ``max_items``. Dropping here saves
  fetching the page. An item that no include rule matched is kept *for now* when a rule could
  still match the article's full text, which is not known yet.
* ``filter_article`` runs after extraction: every rule again on the full text, ``min_length`` in
  words and the language filter.

Every decision carries a reason a person can read ("excluded by rule "sponsored" (title)"), so
``briefing feeds preview`` can show the editor what each knob does before the morning email.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from .config import FeedConfig, Rule
from .models import Article, Entry

# Below this many words a language guess from the text is not trusted over the page's <html lang>.
MIN_WORDS_FOR_DETECTION = 12
# py3langid's normalised probability under which a guess counts as "unknown".
MIN_LANG_CONFIDENCE = 0.5
# Codes the model gives to text that is not prose (tables, code, numbers): no language to filter on.
NOT_A_LANGUAGE = frozenset({"zxx", "und", "mul"})

_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"(?is)<(script|style)\b.*?</\1>")


@dataclass(frozen=True)
class Decision:
    """Keep or drop one item, with the reason shown to the editor."""

    keep: bool
    reason: str
    pending: bool = False  # kept for now: an include rule may still match the full text
    lang: str | None = None  # language used by the language filter, when it ran


def plain_text(value: str) -> str:
    """Plain text of a feed's HTML content (the rules read words, not markup)."""
    if not value:
        return ""
    value = _SCRIPT.sub(" ", value)
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())  # split(): far faster than a \s+ regex


def word_count(text: str) -> int:
    return len(text.split())


def _first_match(
    rules: list[Rule], values: dict[str, str], summary_only: dict[str, str] | None = None
) -> tuple[Rule, str] | None:
    for rule in rules:
        where = rule.match_field(summary_only if summary_only and rule.fields == ("summary",) else values)
        if where is not None:
            return rule, where
    return None


def _origin(rule: Rule) -> str:
    return f" from {rule.origin}" if rule.origin and rule.origin != "feed" else ""


def _excluded(rule: Rule, where: str) -> str:
    return f'excluded by rule "{rule.source}" ({where}){_origin(rule)}'


def _included(rule: Rule, where: str) -> str:
    return f'matched include rule "{rule.source}" ({where}){_origin(rule)}'


def _rules_decision(
    values: dict[str, str], feed: FeedConfig, text_known: bool, summary_only: dict[str, str] | None = None
) -> Decision:
    """Exclude rules first (an exclusion always wins), then include rules.

    ``summary_only`` holds the values a rule reading only the summary sees when the real summary
    is gone (after extraction the article's lead stands in).
    """
    hit = _first_match(feed.exclude, values, summary_only)
    if hit:
        return Decision(False, _excluded(*hit))
    if not feed.include:
        return Decision(True, "kept (no include rules)")
    hit = _first_match(feed.include, values, summary_only)
    if hit:
        return Decision(True, _included(*hit))
    if not text_known and any("text" in r.fields for r in feed.include):
        return Decision(True, "no include rule matched the feed's title or summary; checked again on the full text", pending=True)
    return Decision(False, "not matched by any include rule")


def _entry_values(entry: Entry, fetch_page: bool) -> dict[str, str]:
    content = plain_text(entry.content_html)
    return {
        "title": entry.title or "",
        "summary": entry.summary or "",
        # without a page fetch the article's text will be the feed's content, else its summary
        "text": content if fetch_page else (content or entry.summary or ""),
        "url": entry.link or "",
    }


def _newest_first_key(item: tuple[int, Entry]) -> tuple[int, float, int]:
    index, entry = item
    if entry.published is None:
        return (1, 0.0, index)  # undated items after dated ones, in feed order
    ts = entry.published if entry.published.tzinfo else entry.published.replace(tzinfo=UTC)
    return (0, -ts.timestamp(), index)


def filter_entries(
    entries: list[Entry], feed: FeedConfig, fetch_page: bool | None = None
) -> list[tuple[Entry, Decision]]:
    """Decide for each parsed entry, in the feed's order; pass only entries new to this run.

    Rules read title, summary, URL and the feed's own content as text. When the article page
    will be fetched (``full_text``), the feed's content may be a teaser, so an entry no include
    rule matched stays (``pending``) if a rule could match the full text; ``filter_article``
    decides then. ``max_items`` keeps the newest N of the entries the rules keep.
    ``fetch_page`` defaults to the feed's ``full_text``; pass False when [extract] is off.
    """
    if fetch_page is None:
        fetch_page = feed.full_text
    decisions: list[Decision] = []
    for entry in entries:
        decisions.append(_rules_decision(_entry_values(entry, fetch_page), feed, text_known=not fetch_page))
    kept = [(i, e) for i, (e, d) in enumerate(zip(entries, decisions, strict=True)) if d.keep]
    if len(kept) > feed.max_items:
        for i, _entry in sorted(kept, key=_newest_first_key)[feed.max_items :]:
            decisions[i] = Decision(False, f"over max_items ({feed.max_items}): only the newest {feed.max_items} are taken")
    return list(zip(entries, decisions, strict=True))


@lru_cache(maxsize=1)
def _identifier():
    """py3langid's model with normalised probabilities (~1 s to load, so only when needed)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """ISO 639-1 code of ``text`` and the model's confidence; (None, p) when it is unsure."""
    sample = " ".join(text.split()[:400])
    if not sample:
        return None, 0.0
    code, confidence = _identifier().classify(sample)
    if code in NOT_A_LANGUAGE or confidence < MIN_LANG_CONFIDENCE:
        return None, float(confidence)
    return code, float(confidence)


def _page_lang(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_]", value.strip())[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def article_language(article: Article) -> tuple[str | None, str]:
    """The article's language and how it was found: detected from enough text, else the page's lang."""
    text = f"{article.title}\n{article.text}"
    if word_count(article.text) >= MIN_WORDS_FOR_DETECTION:
        code, confidence = detect_language(text)
        if code:
            return code, f"detected, p={confidence:.2f}"
    page = _page_lang(article.lang)
    if page:
        return page, "from the page's lang attribute"
    code, confidence = detect_language(text)
    return (code, f"detected from little text, p={confidence:.2f}") if code else (None, "unknown")


def filter_article(article: Article, feed: FeedConfig, summary: str | None = None) -> Decision:
    """Decide on an extracted article: all rules on the full text, min_length, languages.

    ``summary`` is the feed entry's summary when the caller still has it; otherwise the
    article's lead stands in, so a ``summary:`` rule still sees the opening words.
    """
    values = {
        "title": article.title or "",
        "summary": summary or "",
        "text": article.text or "",
        "url": article.url or "",
    }
    summary_only = {**values, "summary": article.lead} if summary is None else None
    rules = _rules_decision(values, feed, text_known=True, summary_only=summary_only)
    if not rules.keep:
        if rules.reason.startswith("not matched"):
            return Decision(False, "not matched by any include rule (full text checked)")
        return rules
    if feed.min_length:
        words = word_count(article.text)
        if words < feed.min_length:
            return Decision(False, f"too short: {words} words (min_length {feed.min_length})")
    lang = None
    if feed.languages:
        lang, how = article_language(article)
        if lang is None:
            return Decision(True, f"{rules.reason}; language unknown, kept", lang=None)
        if lang not in feed.languages:
            wanted = ", ".join(feed.languages)
            return Decision(False, f'language "{lang}" ({how}) not in languages [{wanted}]', lang=lang)
    return Decision(True, rules.reason, lang=lang)


def entry_as_article(entry: Entry, feed: FeedConfig, now: datetime | None = None) -> Article:
    """The article a feed that carries its own full text yields, for previews without extraction."""
    text = plain_text(entry.content_html) or entry.summary
    return Article(
        id=None,
        entry_id=entry.entry_id,
        feed=feed.name,
        source=feed.name,
        url=entry.link,
        title=entry.title,
        text=text,
        published=entry.published or now,
        weight=feed.weight,
        tags=list(feed.tags),
        extraction="feed" if entry.content_html else "summary",
    )
