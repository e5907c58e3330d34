"""Plain data exchanged between pipeline stages.

Stages never import each other; they take and return these dataclasses, and only
``pipeline.py`` wires them together. Keep this module free of IO and heavy imports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# An encoder turns texts into L2-normalised vectors (a numpy array of shape (n, d)).
# The real one lives in embed.py; pure stages receive it as a plain callable.
Encoder = Callable[[Sequence[str]], Any]


@dataclass
class FetchResult:
    """What one HTTP fetch produced (feed or page)."""

    url: str
    status: int | None = None  # None when no response arrived at all
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    permanent_redirect: str | None = None  # new URL after 301/308, to persist
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False  # 304
    gone: bool = False  # 410
    retry_after: float | None = None  # seconds, from Retry-After
    error: str | None = None  # human-readable reason when not ok
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and (self.not_modified or (self.status is not None and 200 <= self.status < 300))


@dataclass
class Entry:
    """One item of a feed, as parsed (before the article page is fetched)."""

    feed: str  # feed name from feeds.toml
    entry_id: str  # stable identity: guid, else canonical link, else "h1:<hash>"
    title: str
    link: str | None
    summary: str = ""  # plain text
    content_html: str = ""  # the feed's own full content, if any
    published: datetime | None = None
    author: str | None = None
    image: str | None = None
    tags: list[str] = field(default_factory=list)


@dataclass
class Article:
    """An article with its full text, as stored."""

    id: int | None
    entry_id: str
    feed: str  # feed name
    source: str  # outlet name shown to readers
    url: str | None
    title: str
    text: str
    published: datetime | None = None
    author: str | None = None
    site_name: str | None = None
    image: str | None = None
    lang: str | None = None
    content_hash: str = ""
    weight: float = 1.0  # source weight from feeds.toml
    tags: list[str] = field(default_factory=list)
    extraction: str = "page"  # "page" | "feed" (fallback) | "summary"

    @property
    def lead(self) -> str:
        """First ~60 words: what the clustering embeds besides the title."""
        words = self.text.split(None, 60)  # stop after 60: splitting a long text whole costs ms per article
        return " ".join(words[:60])

    @property
    def title_lead(self) -> str:
        """Title and lead: the text merging embeds (and continuity reuses, from the cache)."""
        return f"{self.title}. {self.lead}".strip()


@dataclass
class Outlet:
    """An outlet that carries a story, with the link to its article."""

    name: str
    url: str | None = None
    weight: float = 1.0


@dataclass
class ArticleGroup:
    """Near-identical copies (wire text) collapsed into one article with every outlet."""

    primary: Article
    copies: list[Article] = field(default_factory=list)
    similarity: float = 1.0  # lowest similarity of a copy to the primary

    @property
    def articles(self) -> list[Article]:
        return [self.primary, *self.copies]

    @property
    def outlets(self) -> list[Outlet]:
        seen: dict[str, Outlet] = {}
        for a in self.articles:
            seen.setdefault(a.source, Outlet(a.source, a.url, a.weight))
        return list(seen.values())


@dataclass
class MergeEvidence:
    """Why two members of a story were merged."""

    a: str  # entry_id of one article
    b: str  # entry_id of the other
    reason: str  # "wire copy", "same event"
    cosine: float = 0.0
    minhash: float | None = None
    shared_entities: list[str] = field(default_factory=list)
    hours_apart: float | None = None
    score: float = 0.0  # the mixed similarity the merge was decided on (embedding, words, names)
    text_cosine: float | None = None  # full-text TF-IDF cosine
    a_outlet: str = ""  # outlet of a (entry ids alone can repeat across feeds for one guid)
    b_outlet: str = ""


@dataclass
class Takeaway:
    text: str
    outlets: list[Outlet] = field(default_factory=list)
    new: bool = True  # False when an earlier digest already gave it


@dataclass
class Disagreement:
    """Outlets give different values for the same fact."""

    fact: str  # what the value is about, e.g. "active parameters"
    values: dict[str, list[str]] = field(default_factory=dict)  # value -> outlet names

    @property
    def note(self) -> str:
        parts = [f"{', '.join(outlets)} {'say' if len(outlets) > 1 else 'says'} {value}" for value, outlets in self.values.items()]
        return f"Outlets differ on {self.fact}: " + "; ".join(parts) + "."


@dataclass
class Story:
    id: str  # stable: derived from the earliest member's entry_id
    groups: list[ArticleGroup]
    evidence: list[MergeEvidence] = field(default_factory=list)
    headline: str = ""
    summary: str = ""  # one line
    takeaways: list[Takeaway] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    topic: str = "Other"
    score: float = 0.0
    day: int = 1  # "Day 3" when it continues earlier coverage
    earlier: list[tuple[str, str]] = field(default_factory=list)  # (date, permalink) of earlier coverage
    has_news: bool = True

    @property
    def articles(self) -> list[Article]:
        return [a for g in self.groups for a in g.articles]

    @property
    def outlets(self) -> list[Outlet]:
        seen: dict[str, Outlet] = {}
        for a in self.articles:
            seen.setdefault(a.source, Outlet(a.source, a.url, a.weight))
        return list(seen.values())

    @property
    def published(self) -> datetime | None:
        dates = [a.published for a in self.articles if a.published]
        return max(dates) if dates else None

    def evidence_lines(self) -> list[str]:
        """One line per merge: who was joined to whom, and why (for `briefing explain` and the web page)."""
        titles = {a.entry_id: a.title[:70] for a in self.articles}
        lines = []
        for e in self.evidence:
            parts = []
            if e.reason == "wire copy":
                parts.append(f"same text (shingle Jaccard {e.minhash or 0:.2f})")
            else:
                text = f", text TF-IDF {e.text_cosine:.2f}" if e.text_cosine is not None else ""
                parts.append(f"similarity {e.score:.2f} (embedding cosine {e.cosine:.2f}{text})")
                if e.shared_entities:
                    parts.append("shared: " + ", ".join(e.shared_entities))
            if e.hours_apart is not None:
                parts.append(f"{e.hours_apart:g} h apart")
            b = f"{e.b_outlet}: {titles.get(e.b, e.b)}" if e.b_outlet else titles.get(e.b, e.b)
            a = f"{e.a_outlet}: {titles.get(e.a, e.a)}" if e.a_outlet else titles.get(e.a, e.a)
            lines.append(f"{e.reason}: [{b}] ~ [{a}]; " + "; ".join(parts))
        return lines


@dataclass
class Section:
    name: str
    stories: list[Story] = field(default_factory=list)
    description: str = ""


@dataclass
class FeedHealth:
    feed: str
    url: str
    ok: bool
    status: int | None = None
    items: int = 0
    new_items: int = 0
    error: str | None = None
    consecutive_failures: int = 0
    disabled: bool = False


@dataclass
class Digest:
    date: str  # YYYY-MM-DD
    title: str
    sections: list[Section] = field(default_factory=list)
    feed_health: list[FeedHealth] = field(default_factory=list)
    continuing_no_news: int = 0
    generated_at: datetime | None = None
    site_url: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def stories(self) -> list[Story]:
        return [s for sec in self.sections for s in sec.stories]

    @property
    def top_stories(self) -> list[Story]:
        """All stories, highest score first (the Key Takeaways list)."""
        return sorted(self.stories, key=lambda s: -s.score)


def _dt_from(value: Any) -> datetime | None:
    if not value:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def digest_to_dict(digest: Digest) -> dict[str, Any]:
    """A JSON-ready dict of a digest (datetimes as ISO strings), to store it and render it again later."""
    from dataclasses import asdict

    def conv(obj: Any) -> Any:
        if isinstance(obj, datetime):
            return obj.isoformat()
        if isinstance(obj, dict):
            return {k: conv(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [conv(v) for v in obj]
        return obj

    return conv(asdict(digest))


def digest_from_dict(d: dict[str, Any]) -> Digest:
    """The inverse of digest_to_dict."""

    def article(a: dict[str, Any]) -> Article:
        return Article(**{**a, "published": _dt_from(a.get("published"))})

    def story(s: dict[str, Any]) -> Story:
        return Story(
            **{
                **s,
                "groups": [
                    ArticleGroup(primary=article(g["primary"]), copies=[article(c) for c in g["copies"]], similarity=g["similarity"])
                    for g in s["groups"]
                ],
                "evidence": [MergeEvidence(**e) for e in s.get("evidence", [])],
                "takeaways": [Takeaway(text=t["text"], outlets=[Outlet(**o) for o in t["outlets"]], new=t.get("new", True)) for t in s.get("takeaways", [])],
                "disagreements": [Disagreement(**x) for x in s.get("disagreements", [])],
                "earlier": [tuple(e) for e in s.get("earlier", [])],
            }
        )

    return Digest(
        **{
            **d,
            "sections": [Section(name=x["name"], stories=[story(s) for s in x["stories"]], description=x.get("description", "")) for x in d["sections"]],
            "feed_health": [FeedHealth(**f) for f in d.get("feed_health", [])],
            "generated_at": _dt_from(d.get("generated_at")),
        }
    )


@dataclass
class RenderedEmail:
    """One rendered email (per subscriber or generic), ready for ``deliver.build_message``.

    The unsubscribe links are rendered into the footer and reused for the List-Unsubscribe header,
    so the body and the header never disagree.
    """

    subject: str
    html: str
    text: str
    preheader: str
    fmt: str = "full"
    title: str = ""  # the briefing's title (List-Id label)
    unsubscribe_mailto: str | None = None  # "mailto:..." for List-Unsubscribe
    unsubscribe_https: str | None = None  # "https://..." for List-Unsubscribe (+ RFC 8058 one-click)
    web_url: str | None = None
    full_stories: int = 0  # stories rendered in full
    more_stories: int = 0  # stories moved into the "more stories" link list to fit the byte budget
    omitted_stories: int = 0  # stories left out even as links ("and N more on the web")

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))

    @property
    def html_wire_bytes(self) -> int:
        """Quoted-printable size of the HTML part, as sent (what the byte budget counts)."""
        return qp_wire_bytes(self.html)


def qp_wire_bytes(html: str) -> int:
    """Size of ``html`` as a quoted-printable MIME part on the wire (CRLF line ends)."""
    import binascii

    encoded = binascii.b2a_qp(html.encode("utf-8"), istext=True)
    return len(encoded) + encoded.count(b"\n")
