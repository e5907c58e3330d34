"""Feed bytes -> entries, with a stable identity for each entry.

feedparser reads RSS 0.9x/1.0/2.0 and Atom (given the response headers, so the declared charset
and base URL are used); JSON Feed is read here. Identity: the entry's guid, else its canonical
link (tracking parameters stripped), else a versioned content hash (``h1:``), so a feed that
rewrites its items' order or omits guids does not repeat items.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from .models import Entry

MAX_TITLE = 300
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|mc_cid|mc_eid|igshid|ref|ref_src|cmpid|_hsenc|_hsmi|mkt_tok|yclid)$", re.I)
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")
_JSONFEED_VERSION = re.compile(r"https?://jsonfeed\.org/version/", re.I)


class FeedParseError(ValueError):
    pass


# Code points that must not travel on (issue 8): C0/C1 controls other than tab and newlines, lone
# surrogates (a JSON Feed can carry them; UTF-8 cannot), XML non-characters, bidirectional overrides
# (they make a title read as something else). One of them in a title used to crash the run's
# Atom output and, with a surrogate, the database write.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def scrub(value: str) -> str:
    """Drop the code points above from text that came from a feed."""
    return _UNSAFE.sub("", value) if value else value


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, default ports and tracking parameters."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    if parts.port and not ((parts.scheme == "http" and parts.port == 80) or (parts.scheme == "https" and parts.port == 443)):
        host = f"{host}:{parts.port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def html_to_text(value: str) -> str:
    """Plain text from a feed's HTML snippet (block tags become line breaks)."""
    if not value:
        return ""
    value = scrub(value)
    value = _CODE.sub(" ", value)
    value = re.sub(r"(?i)<br\s*/?>|</p>|</li>|</h\d>|</div>", "\n", value)
    text = html.unescape(_TAG.sub(" ", value))
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def content_hash(*parts: str) -> str:
    return "h1:" + hashlib.sha1("\x1f".join(p.strip() for p in parts).encode("utf-8")).hexdigest()[:24]


def _to_dt(struct) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(struct), UTC)
    except (OverflowError, ValueError, TypeError):
        return None


_CODE = re.compile(r"(?is)<(script|style|noscript|template)\b.*?</\1\s*>")


def _clean_title(title: str) -> str:
    """Plain text: markup removed, and the content of script and style elements with it."""
    title = _CODE.sub(" ", title or "")
    title = _CODE.sub(" ", html.unescape(_TAG.sub("", title)))  # markup that arrived entity-escaped
    title = _WS.sub(" ", scrub(_TAG.sub("", title))).strip()
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def _identity(guid: str | None, link: str | None, title: str, summary: str) -> str:
    if guid and guid.strip():
        return guid.strip()[:500]
    if link:
        return canonical_url(link)[:500]
    return content_hash(title, summary)


def _looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html") or (b"<html" in head and b"<rss" not in head and b"<feed" not in head)


def parse_feed(feed: str, body: bytes, headers: dict[str, str] | None, base_url: str, now: datetime | None = None) -> list[Entry]:
    """Parse feed bytes into entries; raise FeedParseError with a readable reason when nothing usable is there."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    now = now or datetime.now(UTC)
    ctype = headers.get("content-type", "")
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")  # a UTF-8 BOM before JSON or markup
    if "json" in ctype or stripped[:1] == b"{":
        return _parse_json_feed(feed, body, base_url, now)
    if b"<opml" in stripped[:1024].lower():
        raise FeedParseError(
            "this is an OPML subscription list, not a feed: add each <outline xmlUrl=...> to feeds.toml as its own feed"
        )
    if _looks_like_html(body):
        raise FeedParseError("the address serves an HTML page, not a feed (look for a <link rel=alternate> feed URL on that page)")
    hdrs = dict(headers)
    hdrs.setdefault("content-location", base_url)
    # without a content type feedparser flags every feed "no Content-type specified"; XML it is
    if not hdrs.get("content-type"):
        hdrs["content-type"] = "application/xml"
    parsed = feedparser.parse(body, response_headers=hdrs, sanitize_html=True, resolve_relative_uris=True)
    if not parsed.entries:
        if not parsed.get("version"):
            why = f" ({parsed.get('bozo_exception')})" if parsed.get("bozo") else ""
            raise FeedParseError(f"not a recognisable RSS, Atom or JSON feed{why}: check the feed URL in a browser")
        if parsed.bozo:
            raise FeedParseError(f"malformed {parsed.version} feed with no readable items: {parsed.get('bozo_exception')}")
        return []
    entries = []
    for e in parsed.entries:
        link = e.get("link") or next((lk.get("href") for lk in e.get("links", []) if lk.get("href")), None)
        link = urljoin(base_url, link) if link else None
        title = _clean_title(e.get("title", ""))
        summary = html_to_text(e.get("summary", ""))[:2000]
        content = ""
        if e.get("content"):
            content = max((c.get("value", "") for c in e.content), key=len)
        # dict.get: FeedParserDict.get("updated_parsed") warns about a deprecated key mapping
        published = _to_dt(dict.get(e, "published_parsed") or dict.get(e, "updated_parsed") or dict.get(e, "created_parsed"))
        if published and published > now:
            published = now  # a future date would pin the item to the top forever
        image = None
        for media in e.get("media_content", []) + e.get("media_thumbnail", []):
            if media.get("url") and (media.get("medium") in (None, "image") or "image" in media.get("type", "image")):
                image = urljoin(base_url, media["url"])
                break
        if not image:
            for enc in e.get("enclosures", []):
                if enc.get("type", "").startswith("image/") and enc.get("href"):
                    image = urljoin(base_url, enc["href"])
                    break
        if not title and not summary and not link:
            continue
        if not title:
            title = _clean_title(summary[:120]) or (link or "")
        entries.append(
            Entry(
                feed=feed,
                entry_id=_identity(e.get("id"), link, title, summary),
                title=title,
                link=link,
                summary=summary,
                content_html=scrub(content),
                published=published,
                author=scrub(e.get("author") or "") or None,
                image=image,
                tags=[t.get("term", "") for t in e.get("tags", []) if t.get("term")],
            )
        )
    return _dedupe_ids(entries)


def _parse_json_feed(feed: str, body: bytes, base_url: str, now: datetime) -> list[Entry]:
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except json.JSONDecodeError as exc:
        raise FeedParseError(f"malformed JSON feed: {exc}") from None
    # JSON Feed 1.0 feeds in the wild still say http://jsonfeed.org/version/1 (as the 1.0 spec did)
    if not isinstance(data, dict) or not _JSONFEED_VERSION.match(str(data.get("version", ""))):
        raise FeedParseError("JSON that is not a JSON Feed (no jsonfeed.org version)")
    entries = []
    for item in data.get("items", []) or []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        link = urljoin(base_url, link) if isinstance(link, str) else None
        title = _clean_title(str(item.get("title") or ""))
        content = scrub(str(item.get("content_html") or ""))
        summary = scrub(str(item.get("summary") or "") or html_to_text(content)[:600] or str(item.get("content_text") or "")[:600])
        published = None
        for key in ("date_published", "date_modified"):
            if item.get(key):
                try:
                    published = datetime.fromisoformat(str(item[key]).replace("Z", "+00:00"))
                    published = published if published.tzinfo else published.replace(tzinfo=UTC)
                    break
                except ValueError:
                    continue
        if published and published > now:
            published = now
        if not content and item.get("content_text"):
            content = html.escape(scrub(str(item["content_text"]))).replace("\n", "<br>")
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = scrub(str(authors[0].get("name") or "")) or None if authors and isinstance(authors[0], dict) else None
        if not title:
            title = _clean_title(summary[:120]) or (link or "")
        image = item.get("image") or item.get("banner_image")
        entries.append(
            Entry(
                feed=feed,
                entry_id=_identity(str(item.get("id")) if item.get("id") is not None else None, link, title, summary),
                title=title,
                link=link,
                summary=html_to_text(summary),
                content_html=content,
                published=published,
                author=author,
                image=urljoin(base_url, image) if isinstance(image, str) else None,
                tags=[str(t) for t in item.get("tags", []) if isinstance(t, str)],
            )
        )
    return _dedupe_ids(entries)


def _dedupe_ids(entries: list[Entry]) -> list[Entry]:
    """Feeds repeat guids; keep the first item for each identity."""
    seen: set[str] = set()
    out = []
    for e in entries:
        if e.entry_id in seen:
            continue
        seen.add(e.entry_id)
        out.append(e)
    return out
