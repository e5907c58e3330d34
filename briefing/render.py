"""The static web site: a page per day, the latest day as index.html, an archive, Atom and JSON feeds.

Everything that comes from feeds and pages reaches the templates as plain text and is escaped by
jinja2's autoescaping; links pass through ``safe_url`` (http/https only), so no script, event
handler, ``javascript:`` or ``data:`` URL from a feed survives into the site. Pages link to each
other relatively, so the site works opened from disk and from any static server.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jinja2
import nh3

from . import __version__
from .models import Digest, Story

TEMPLATES = Path(__file__).resolve().parent / "templates"
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What XML 1.0 cannot carry at all: lxml (feedgen) raises on it and the whole run would stop, and a
# stored digest holding it would stop every later run's Atom feed too (issue 8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: str) -> str:
    return _NOT_XML.sub("", value) if value else value


def safe_url(value: str | None, relative: bool = False) -> str:
    """Only http(s) URLs (and, when asked, relative links of our own) are emitted; anything else is '#'."""
    if not value:
        return "#"
    value = _CTRL.sub("", str(value)).strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return "#"
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    if relative and not parts.scheme and not parts.netloc and not value.startswith("//"):
        return value
    return "#"


def plain(value: str | None) -> str:
    """Text with any markup removed (nh3 with no allowed tags), for text that might carry HTML."""
    if not value:
        return ""
    import html as _html

    return _html.unescape(nh3.clean(str(value), tags=set()))


def evidence_lines(story: Story) -> list[str]:
    return story.evidence_lines()[:12]


def _longdate(value: str | date) -> str:
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{d:%A}, {d.day} {d:%B %Y}"


def _datetime(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%d %b %H:%M UTC") if value else ""


def environment(extra_dirs: Iterable[Path] = ()) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*map(str, extra_dirs), str(TEMPLATES)]),
        autoescape=jinja2.select_autoescape(["html", "j2", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.filters.update(safe_url=safe_url, longdate=_longdate, datetime=_datetime, evidence_lines=evidence_lines, plain=plain)
    env.globals.update(version=__version__)
    return env


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write via a temporary file and rename, so a crash never leaves a half-written page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_page(digest: Digest, *, fmt: str = "full", prev_date: str | None = None, next_date: str | None = None,
                env: jinja2.Environment | None = None) -> str:
    env = env or environment()
    return env.get_template("page.html.j2").render(
        digest=digest, fmt=fmt, page=f"{digest.date}.html", prev_date=prev_date, next_date=next_date,
        title=f"{digest.title} — {digest.date}", site_title=digest.title, top_n=8,
        generated=_datetime(digest.generated_at),
    )


def render_archive(site_title: str, days: list[dict[str, Any]], env: jinja2.Environment | None = None) -> str:
    env = env or environment()
    months: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(days, key=lambda x: x["date"], reverse=True):
        months.setdefault(date.fromisoformat(d["date"]).strftime("%B %Y"), []).append(d)
    return env.get_template("archive.html.j2").render(
        months=list(months.items()), site_title=site_title, title=f"{site_title} — archive", generated=""
    )


def _entry_html(digest: Digest, env: jinja2.Environment) -> str:
    tpl = env.from_string(
        "<ol>{% for s in digest.stories %}<li><p><a href=\"{{ link }}#{{ s.id }}\">{{ s.headline }}</a>"
        " ({{ s.outlets|length }} outlets)</p>{% if s.summary %}<p>{{ s.summary }}</p>{% endif %}<ul>"
        "{% for t in s.takeaways %}<li>{{ t.text }}</li>{% endfor %}</ul></li>{% endfor %}</ol>"
    )
    return tpl.render(digest=digest, link=f"{digest.date}.html")


def render_feeds(site_title: str, site_url: str, digests: list[Digest], env: jinja2.Environment | None = None) -> tuple[bytes, str]:
    """Atom (feedgen) and JSON Feed 1.1 of the latest digests, newest first."""
    from feedgen.feed import FeedGenerator

    env = env or environment()
    base = site_url.rstrip("/") + "/" if site_url else ""
    fg = FeedGenerator()
    fg.id(base or f"urn:briefing:{re.sub(r'[^a-z0-9]+', '-', site_title.lower())}")
    fg.title(xml_safe(site_title))
    fg.generator("briefing", __version__)
    fg.link(href=urljoin(base, "feed.atom") if base else "feed.atom", rel="self")
    if base:
        fg.link(href=base, rel="alternate")
    fg.language("en")
    items = []
    newest = None
    for d in sorted(digests, key=lambda x: x.date):
        stamp = d.generated_at or datetime.fromisoformat(d.date + "T07:00:00+00:00")
        newest = max(newest or stamp, stamp)
        link = urljoin(base, f"{d.date}.html") if base else f"{d.date}.html"
        content = _entry_html(d, env)
        fe = fg.add_entry()
        fe.id(link if base else f"urn:briefing:{d.date}")
        fe.title(xml_safe(f"{d.title} — {d.date}"))
        fe.link(href=link)
        fe.updated(stamp)
        fe.published(stamp)
        fe.content(xml_safe(content), type="html")
        fe.summary(xml_safe(f"{len(d.stories)} stories: " + "; ".join(s.headline for s in d.stories[:5])))
        items.append({
            "id": link if base else f"urn:briefing:{d.date}",
            "url": link,
            "title": f"{d.title} — {d.date}",
            "content_html": content,
            "summary": f"{len(d.stories)} stories",
            "date_published": stamp.isoformat(),
        })
    fg.updated(newest or datetime.now(UTC))
    atom = fg.atom_str(pretty=True)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site_title,
        "home_page_url": base or None,
        "feed_url": urljoin(base, "feed.json") if base else None,
        "items": list(reversed(items)),
    }
    return atom, json.dumps({k: v for k, v in feed.items() if v is not None}, ensure_ascii=False, indent=1)


def write_site(out_dir: Path, digest: Digest, history: list[Digest], *, fmt: str = "full") -> list[Path]:
    """Write the day's page, index.html (the latest day), the archive and the feeds. ``history`` holds
    every stored digest (including this one) for navigation, archive and feeds."""
    env = environment()
    by_date = {d.date: d for d in history}
    by_date[digest.date] = digest
    dates = sorted(by_date)
    written = []
    i = dates.index(digest.date)
    page = render_page(digest, fmt=fmt, prev_date=dates[i - 1] if i > 0 else None,
                       next_date=dates[i + 1] if i + 1 < len(dates) else None, env=env)
    day_path = out_dir / f"{digest.date}.html"
    write_atomic(day_path, page)
    written.append(day_path)
    if i > 0:  # the previous day's page gains a "next" link
        prev = by_date[dates[i - 1]]
        write_atomic(out_dir / f"{prev.date}.html", render_page(prev, fmt=fmt, prev_date=dates[i - 2] if i > 1 else None,
                                                                 next_date=digest.date, env=env))
    latest = by_date[dates[-1]]
    if latest.date == digest.date:
        write_atomic(out_dir / "index.html", page)
    else:
        write_atomic(out_dir / "index.html", render_page(latest, fmt=fmt, prev_date=dates[-2] if len(dates) > 1 else None, env=env))
    written.append(out_dir / "index.html")
    days = [{"date": d.date, "count": len(d.stories), "top": d.stories[0].headline if d.stories else ""} for d in by_date.values()]
    write_atomic(out_dir / "archive.html", render_archive(digest.title, days, env))
    written.append(out_dir / "archive.html")
    atom, jsonfeed = render_feeds(digest.title, digest.site_url or "", [by_date[d] for d in dates[-30:]], env)
    write_atomic(out_dir / "feed.atom", atom)
    write_atomic(out_dir / "feed.json", jsonfeed)
    written += [out_dir / "feed.atom", out_dir / "feed.json"]
    return written
