"""A day of news for the benchmark: N feeds, M new articles, known gold stories, served over loopback.

Article texts are real: events reported by several outlets come from ECB+ and NewsWCL50
(``../shared/data/clustering``, gold event labels), one-outlet stories from the AI-news feed
snapshots and the AEB extraction pages' annotated bodies. A known share of articles are wire
copies: near-verbatim reposts of another article on another feed (a changed headline, a dateline,
a credit line). When the shared data is absent, the shipped demo corpus is used (small, so
repeated with perturbations). Every generated file lives in a temporary directory.

Each feed is RSS 2.0 or Atom; some carry the full text (``content:encoded``/``content``), the
rest a two-sentence summary, so the pipeline has to fetch the page. Pages wrap the text in
realistic boilerplate (navigation, related links, cookie banner, comments, scripts).
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import os
import random
import re
import threading
import time
import xml.etree.ElementTree as ET
import zlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BRIEFING_BENCH_DATA") or REPO.parent / "shared" / "data")  # the env var: a checkout elsewhere
CACHE = Path.home() / ".cache" / "briefing-bench"
DATE = "2026-11-20"
_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


@dataclass
class Doc:
    id: str
    title: str
    text: str
    cluster: str  # gold story
    kind: str = "single"  # "story" (several outlets), "single", "wire" (a copy of another doc)


# -- the pool of real texts ------------------------------------------------------------------------
def _clean(text: str) -> str:
    text = text.replace("\\n", "\n")
    text = re.sub(r" ([,.;:!?'’)])", r"\1", text)
    text = re.sub(r"([(“]) ", r"\1", text)
    return "\n".join(_WS.sub(" ", p).strip() for p in text.split("\n") if p.strip())


def _event_docs(data: Path) -> list[Doc]:
    docs: list[Doc] = []
    for name in ("ecbplus_dev.jsonl", "newswcl50.jsonl"):
        path = data / "clustering" / name
        if not path.is_file():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            text = _clean(r.get("text") or "")
            title = _clean(r.get("title") or "").strip(" —-")
            if len(text.split()) < 40 or not title:
                continue
            if len(title.split()) > 22:  # ECB+ titles are first sentences; keep them headline-sized
                title = " ".join(title.split()[:16])
            docs.append(Doc(f"{name.split('_')[0].split('.')[0]}:{r['id']}", title, text, f"{name[:4]}:{r['cluster']}", "story"))
    return docs


def _snapshot_items(data: Path) -> list[Doc]:
    """Unique items of the AI-news feed snapshots (parsed once, cached: 30 days of full-text feeds)."""
    root = data / "ai-news-feed-snapshots"
    files = sorted(root.glob("daily/*/*.xml.gz")) + sorted(root.glob("head/feeds/*.xml"))
    if not files:
        return []
    key = hashlib.sha1("|".join(f"{p}:{p.stat().st_size}" for p in files).encode()).hexdigest()[:12]
    cache = CACHE / f"snapshot-items-{key}.jsonl"
    if cache.is_file():
        return [Doc(**json.loads(line)) for line in cache.read_text(encoding="utf-8").splitlines()]
    seen: dict[str, Doc] = {}
    for p in files:
        raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        try:
            tree = ET.fromstring(raw)
        except ET.ParseError:
            continue
        for item in tree.iter():
            if not isinstance(item.tag, str) or item.tag.rsplit("}", 1)[-1] not in ("item", "entry"):
                continue
            title, body = "", ""
            for child in item:
                tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
                value = "".join(child.itertext())
                if tag == "title":
                    title = _WS.sub(" ", value).strip()
                elif tag in ("encoded", "content") or (tag in ("description", "summary") and len(value) > len(body)):
                    body = value if tag in ("encoded", "content") or not body else body
            text = _clean(html.unescape(_TAG.sub("\n", html.unescape(body) if "&lt;" in body else body)))
            norm = title.lower()
            if title and len(text.split()) >= 12 and norm not in seen:
                seen[norm] = Doc(f"snap:{len(seen)}", title, text, f"snap:{len(seen)}")
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text("\n".join(json.dumps(asdict(d)) for d in seen.values()), encoding="utf-8")
    return list(seen.values())


def _aeb_docs(data: Path) -> list[Doc]:
    path = data / "extraction-aeb" / "ground-truth.json"
    if not path.is_file():
        return []
    out = []
    for k, v in json.loads(path.read_text(encoding="utf-8")).items():
        text = _clean(v.get("articleBody") or "")
        if len(text.split()) < 60:
            continue
        first = _SENT.split(text.split("\n")[0])[0]
        out.append(Doc(f"aeb:{k[:12]}", " ".join(first.split()[:14]), text, f"aeb:{k[:12]}"))
    return out


def _demo_docs() -> tuple[list[Doc], list[Doc]]:
    """The shipped demo corpus as the fallback pool: its gold stories, texts from its pages."""
    corpus = REPO / "briefing" / "demo_corpus"
    gold = json.loads((corpus / "gold.json").read_text(encoding="utf-8"))
    events: dict[str, list[Doc]] = {}
    for path, story in gold.items():
        page = corpus / path.lstrip("/")
        if not page.is_file():
            continue
        raw = page.read_text(encoding="utf-8")
        paras = [html.unescape(_TAG.sub("", p)).strip() for p in re.findall(r"<p[^>]*>(.*?)</p>", raw, re.S)]
        m = re.search(r"<h1[^>]*>(.*?)</h1>", raw, re.S)
        title = html.unescape(_TAG.sub("", m.group(1))).strip() if m else path
        text = "\n".join(p for p in paras if len(p.split()) > 5)
        if text:
            events.setdefault(str(story), []).append(Doc(f"demo:{path}", title, text, f"demo:{story}", "story"))
    stories = [d for ds in events.values() if len(ds) > 1 for d in ds]
    singles = [Doc(d.id, d.title, d.text, d.id, "single") for ds in events.values() if len(ds) == 1 for d in ds]
    return stories, singles


def load_pool(data: Path = DATA) -> tuple[list[Doc], list[Doc], str]:
    """(multi-outlet story docs, one-outlet docs, where they came from)."""
    events = _event_docs(data)
    singles = _snapshot_items(data) + _aeb_docs(data)
    if events and singles:
        return events, singles, f"real texts from {data}"
    stories, singles = _demo_docs()
    return stories, singles, "the demo corpus (../shared/data absent)"


# -- perturbations -------------------------------------------------------------------------------
_DATELINES = ["NEW YORK (Reuters) -", "LONDON (AP) —", "WASHINGTON (AFP) -", "SAN FRANCISCO (Bloomberg) —", "(Wire) -"]
_CREDITS = ["Reporting by staff; editing by the desk.", "The Associated Press contributed to this report.",
            "Additional reporting by wire services.", "This story was syndicated from a wire service."]
_TITLE_EDITS = [lambda t: t, lambda t: f"UPDATE: {t}", lambda t: f"{t} - report", lambda t: t.rstrip(".") + " (updated)",
                lambda t: f"{t} | Wire"]


def wire_copy(doc: Doc, rng: random.Random, n: int) -> Doc:
    """A near-verbatim repost: new headline dressing, a dateline, a credit line, one sentence maybe cut."""
    paras = doc.text.split("\n")
    paras[0] = f"{rng.choice(_DATELINES)} {paras[0]}"
    sents = _SENT.split(paras[-1])
    if len(sents) > 3 and rng.random() < 0.5:
        sents.pop(rng.randrange(1, len(sents)))
        paras[-1] = " ".join(sents)
    paras.append(rng.choice(_CREDITS))
    return Doc(f"{doc.id}#wire{n}", rng.choice(_TITLE_EDITS)(doc.title), "\n".join(paras), doc.cluster, "wire")


def perturb(doc: Doc, rng: random.Random, n: int) -> Doc:
    """A reworded relative of ``doc`` for the 20k window: sentences dropped and reordered, a new dateline."""
    sents = [s for p in doc.text.split("\n") for s in _SENT.split(p) if s.strip()]
    keep = [s for i, s in enumerate(sents) if i < 2 or rng.random() < 0.75]
    if len(keep) > 4:
        head, tail = keep[:2], keep[2:]
        rng.shuffle(tail)
        keep = head + tail
    text = f"{rng.choice(_DATELINES)} " + " ".join(keep)
    words = doc.title.split()
    if len(words) > 6 and rng.random() < 0.5:
        i = rng.randrange(len(words))
        words = words[:i] + words[i + 1 :]
    return Doc(f"{doc.id}~{n}", rng.choice(_TITLE_EDITS)(" ".join(words)), text, doc.cluster, doc.kind)


def _rewrite(doc: Doc) -> Doc:
    doc.kind = "rewrite"
    return doc


# -- the day -------------------------------------------------------------------------------------
@dataclass
class Item:
    doc: Doc
    feed: int
    slug: str
    published: datetime


def plan_day(n_feeds: int, n_articles: int, seed: int = 7, wire_share: float = 0.15, story_share: float = 0.27,
             data: Path = DATA) -> tuple[list[Item], str]:
    """Which article appears on which feed when. Gold = ``item.doc.cluster``."""
    rng = random.Random(seed)
    events, singles, source = load_pool(data)
    by_event: dict[str, list[Doc]] = {}
    for d in events:
        by_event.setdefault(d.cluster, []).append(d)
    names = sorted(by_event)
    rng.shuffle(names)
    story_docs: list[Doc] = []
    for name in names:  # whole events (at most one article per outlet: an outlet reports an event once)
        if len(story_docs) >= story_share * n_articles:
            break
        story_docs += by_event[name][: max(2, n_feeds // 2)]
    n_wire = int(round(wire_share * n_articles))
    n_single = max(0, n_articles - len(story_docs) - n_wire)
    pool = list(singles)
    rng.shuffle(pool)
    # past the pool, reworded relatives of pooled texts: gold puts them in their original's story
    single_docs = [pool[i] if i < len(pool) else _rewrite(perturb(pool[i % len(pool)], rng, i)) for i in range(n_single)]
    originals = story_docs + single_docs
    wire_docs = [wire_copy(rng.choice(originals), rng, i) for i in range(n_wire)]
    docs = (story_docs + single_docs + wire_docs)[:n_articles]
    rng.shuffle(docs)
    # deal the articles out so every feed gets its share, the copies of one text on different feeds
    per_feed = [0] * n_feeds
    cap = -(-len(docs) // n_feeds)
    homes: dict[str, set[int]] = {}
    day = datetime.fromisoformat(DATE).replace(tzinfo=UTC)
    items: list[Item] = []
    for i, d in enumerate(docs):
        taken = homes.setdefault(d.cluster, set())  # one gold story appears once per feed
        choices = [f for f in range(n_feeds) if per_feed[f] < cap and f not in taken] or [f for f in range(n_feeds) if per_feed[f] < cap]
        f = rng.choice(choices)
        per_feed[f] += 1
        taken.add(f)
        slug = re.sub(r"[^a-z0-9]+", "-", d.title.lower()).strip("-")[:60] + f"-{i}"
        items.append(Item(d, f, slug, day + timedelta(seconds=rng.randrange(60, 22 * 3600))))
    return items, source


_NAV = ["World", "Business", "Tech", "AI", "Science", "Markets", "Opinion", "Video", "Podcasts", "Newsletters", "Events",
        "Jobs", "About", "Contact", "Advertise", "Privacy", "Terms", "Careers", "Subscribe", "Sign in"]


def page_html(item: Item, outlet: str, related: list[str], rng: random.Random) -> str:
    """One article page with the boilerplate real pages carry (~40-80 KB)."""
    esc = html.escape
    layout = item.feed % 3
    paras = [p for p in item.doc.text.split("\n") if p.strip()]
    if len(paras) < 3:  # one long paragraph: cut it into paragraphs of three sentences
        sents = _SENT.split(" ".join(paras))
        paras = [" ".join(sents[i : i + 3]) for i in range(0, len(sents), 3)]
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paras)
    nav = "".join(f'<li><a href="/section/{n.lower()}">{n}</a></li>' for n in _NAV)
    rel = "".join(f'<li><a href="/related/{i}">{esc(t)}</a><span class="teaser">{esc(t)}</span></li>' for i, t in enumerate(related))
    script = "<script>window.__STATE__=" + json.dumps({"ads": [{"slot": i, "size": [300, 250]} for i in range(40)],
                                                        "tracking": "x" * 2000}) + "</script>"
    style = "<style>" + " ".join(f".c{i}{{margin:{i}px;padding:{i % 7}px;color:#{i:03x}}}" for i in range(400)) + "</style>"
    comments = "".join(f'<div class="comment"><b>reader{i}</b><p>{esc(rng.choice(related) if related else "Great piece")}'
                       " - what do you all think?</p></div>" for i in range(6))
    published = item.published.isoformat()
    main = (f'<article class="story"><h1 class="headline">{esc(item.doc.title)}</h1>'
            f'<p class="byline">By <span class="author">Staff Writer</span> | <time datetime="{published}">{published}</time></p>'
            f'<div class="article-body">{body}</div>'
            '<div class="share">Share this article: <a href="#">Twitter</a> <a href="#">Facebook</a> <a href="#">Email</a></div>'
            "</article>")
    if layout == 0:
        content = f'<main><div class="grid">{main}<aside class="sidebar"><h3>Most read</h3><ul>{rel}</ul></aside></div></main>'
    elif layout == 1:
        content = f'<div id="content"><div class="col-8">{main}</div><div class="col-4"><ul class="trending">{rel}</ul></div></div>'
    else:
        content = f'<div class="wrapper"><section class="related-top"><ul>{rel[: len(rel) // 2]}</ul></section>{main}</div>'
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(item.doc.title)} | {esc(outlet)}</title>'
        f'<meta property="og:title" content="{esc(item.doc.title)}"><meta property="og:site_name" content="{esc(outlet)}">'
        f'<meta name="author" content="Staff Writer"><meta property="article:published_time" content="{published}">'
        f"{style}{script}</head><body>"
        f'<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>'
        f'<header><div class="logo">{esc(outlet)}</div><nav><ul>{nav}</ul></nav></header>'
        f'{content}<section class="comments"><h3>Comments</h3>{comments}</section>'
        f'<footer><ul>{nav}</ul><p>© 2026 {esc(outlet)}. All rights reserved.</p></footer>{script}</body></html>'
    )


def _summary(text: str) -> str:
    sents = _SENT.split(text.replace("\n", " "))
    return " ".join(sents[:2])[:400]


def feed_xml(feed: int, outlet: str, base: str, items: list[Item], full: bool) -> str:
    esc = html.escape
    link = f"{base}/pages/f{feed:03d}"
    if feed % 3 == 2:  # Atom
        entries = []
        for it in items:
            body = "".join(f"<p>{esc(p)}</p>" for p in it.doc.text.split("\n")) if full else esc(_summary(it.doc.text))
            content = f'<content type="html">{esc(body)}</content>' if full else f"<summary>{body}</summary>"
            entries.append(
                f"<entry><title>{esc(it.doc.title)}</title><link href=\"{link}/{it.slug}.html\"/>"
                f"<id>urn:bench:f{feed:03d}:{it.slug}</id><updated>{it.published.isoformat()}</updated>"
                f"<published>{it.published.isoformat()}</published><author><name>Staff Writer</name></author>{content}</entry>"
            )
        return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{esc(outlet)}</title>'
                f'<link href="{link}/"/><id>urn:bench:f{feed:03d}</id><updated>{DATE}T23:00:00Z</updated>{"".join(entries)}</feed>')
    rows = []
    for it in items:
        pub = it.published.strftime("%a, %d %b %Y %H:%M:%S +0000")
        extra = ""
        if full:
            body = "".join(f"<p>{esc(p)}</p>" for p in it.doc.text.split("\n"))
            extra = f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        rows.append(f"<item><title>{esc(it.doc.title)}</title><link>{link}/{it.slug}.html</link>"
                    f"<guid>{link}/{it.slug}.html</guid><pubDate>{pub}</pubDate>"
                    f"<description>{esc(_summary(it.doc.text))}</description>{extra}</item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>{esc(outlet)}</title><link>{link}/</link><description>{esc(outlet)} news</description>"
            f"{''.join(rows)}</channel></rss>")


def feed_is_full(feed: int) -> bool:
    """Two feeds in five carry the full text (as many real news feeds do not)."""
    return feed % 5 in (1, 3)


def write_corpus(root: Path, n_feeds: int, n_articles: int, seed: int = 7, data: Path = DATA) -> dict:
    """Write feeds/, pages/ and gold.jsonl under ``root`` (URLs use the placeholder {BASE})."""
    items, source = plan_day(n_feeds, n_articles, seed=seed, data=data)
    rng = random.Random(seed + 1)
    base = "{BASE}"
    titles = [it.doc.title for it in items]
    by_feed: dict[int, list[Item]] = {}
    for it in items:
        by_feed.setdefault(it.feed, []).append(it)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    for f in range(n_feeds):
        outlet = f"Outlet {f:03d}"
        mine = sorted(by_feed.get(f, []), key=lambda it: it.published, reverse=True)
        (root / "feeds" / f"f{f:03d}.xml").write_text(feed_xml(f, outlet, base, mine, feed_is_full(f)), encoding="utf-8")
        pages = root / "pages" / f"f{f:03d}"
        pages.mkdir(parents=True, exist_ok=True)
        for it in mine:
            (pages / f"{it.slug}.html").write_text(page_html(it, outlet, rng.sample(titles, 12), rng), encoding="utf-8")
    gold = [{"feed": f"Outlet {it.feed:03d}", "link": f"/pages/f{it.feed:03d}/{it.slug}.html", "cluster": it.doc.cluster,
             "kind": it.doc.kind, "title": it.doc.title, "text": it.doc.text} for it in items]
    (root / "gold.jsonl").write_text("\n".join(json.dumps(g) for g in gold), encoding="utf-8")
    kinds = {k: sum(1 for it in items if it.doc.kind == k) for k in ("story", "single", "wire", "rewrite")}
    meta = {"feeds": n_feeds, "articles": len(items), "source": source, "kinds": kinds,
            "gold_stories": len({it.doc.cluster for it in items}),
            "full_text_feeds": sum(1 for f in range(n_feeds) if feed_is_full(f))}
    (root / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


# -- the server ----------------------------------------------------------------------------------
class LatencyServer:
    """Serves ``root`` on loopback with 20-80 ms per response and ETag/304, like a polite real site.

    Each outlet is its own host (127.0.0.2, 127.0.0.3, ...; Linux routes all of 127/8 to
    loopback), so the fetcher's per-host politeness limit applies as it would to 200 real sites
    instead of throttling the whole day through one host. ``base(f)`` is outlet f's address.
    """

    def __init__(self, root: Path, hosts: int = 1, latency: tuple[float, float] = (0.02, 0.08), seed: int = 3):
        self.root = root.resolve()
        self.latency = latency
        self.rng = random.Random(seed)
        self.requests = 0
        self.not_modified = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                with outer.lock:
                    outer.requests += 1
                    delay = outer.rng.uniform(*outer.latency)
                time.sleep(delay)
                path = (outer.root / self.path.split("?", 1)[0].lstrip("/")).resolve()
                if outer.root not in path.parents or not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes().replace(b"{BASE}", self.server.base.encode())  # type: ignore[attr-defined]
                etag = f'"{zlib.crc32(body):08x}"'
                if self.headers.get("If-None-Match") == etag:
                    with outer.lock:
                        outer.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                ctype = "text/html; charset=utf-8" if path.suffix == ".html" else "application/xml; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.servers: list[ThreadingHTTPServer] = []
        for i in range(max(1, min(hosts, 250))):
            server = ThreadingHTTPServer((f"127.0.0.{i + 2}" if hosts > 1 else "127.0.0.1", 0), Handler)
            server.daemon_threads = True
            server.base = f"http://{server.server_address[0]}:{server.server_address[1]}"  # type: ignore[attr-defined]
            self.servers.append(server)

    def base(self, outlet: int = 0) -> str:
        return self.servers[outlet % len(self.servers)].base  # type: ignore[attr-defined]

    def __enter__(self) -> LatencyServer:
        for server in self.servers:
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 1.0}, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        # in parallel: each shutdown waits up to a poll interval (1 s) for its loop to notice, which
        # one server after another cost the full benchmark over three idle minutes at 200 hosts
        stoppers = [threading.Thread(target=server.shutdown, daemon=True) for server in self.servers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for server in self.servers:
            server.server_close()
