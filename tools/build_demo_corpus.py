"""Render the demo corpus (feeds, article pages, gold labels) from ``tools/demo_articles.py``.

Run from the repository root: ``python tools/build_demo_corpus.py``. The output is deterministic and
committed under ``briefing/demo_corpus/``; ``tests/test_demo_corpus.py`` checks that a rebuild
changes nothing, so edit the stories here and rebuild rather than editing the generated files.

Every URL is written with the literal placeholder ``{BASE}`` (scheme, host and port, no trailing
slash); the demo server replaces it with its loopback address when it serves a file.
"""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_articles import ARTICLES  # noqa: E402

ROOT = Path(__file__).resolve().parents[1] / "briefing" / "demo_corpus"
BASE = "{BASE}"

OUTLETS: dict[str, dict] = {
    "tensortimes": {
        "name": "The Tensor Times", "format": "rss2", "guid": "opaque", "layout": "news",
        "tagline": "Daily news on artificial intelligence", "tz": 0,
        "nav": ["Models", "Hardware", "Startups", "Policy", "Robotics", "Podcasts"],
    },
    "gradient": {
        "name": "Gradient Gazette", "format": "rss2", "guid": "none", "layout": "magazine",
        "tagline": "Analysis for people who build with AI", "tz": -8,
        "nav": ["Analysis", "Models", "Policy", "Opinion", "Events"],
    },
    "relay": {
        "name": "Relay Wire", "format": "rss2", "guid": "link", "layout": "news", "full_content": True,
        "tagline": "Wire copy on technology and business", "tz": 0,
        "nav": ["Top news", "Business", "Technology", "Policy", "Markets"],
    },
    "byteledger": {
        "name": "Byte Ledger", "format": "atom", "layout": "business",
        "tagline": "The business of technology", "tz": 0,
        "nav": ["Markets", "Funding", "Business", "Regulation", "Deals"],
    },
    "inferencedaily": {
        "name": "Inference Daily", "format": "atom", "layout": "business", "full_content": True,
        "tagline": "Practical AI for developers", "tz": 0,
        "nav": ["Developers", "Open models", "Policy", "Tutorials", "Jobs"],
    },
    "openweights": {
        "name": "Open Weights Weekly", "format": "rss1", "layout": "blog",
        "tagline": "Open models, open data, open questions", "tz": 0,
        "nav": ["Releases", "Datasets", "Commentary", "Archive"],
    },
    "labnotes": {
        "name": "Lab Notes", "format": "rss1", "layout": "blog",
        "tagline": "Research summaries from the machine-learning community", "tz": 0,
        "nav": ["Papers", "Tools", "Events", "About"],
    },
    "silicongazette": {
        "name": "Silicon Gazette", "format": "jsonfeed", "layout": "magazine",
        "tagline": "Chips, clouds and the companies behind them", "tz": 0,
        "nav": ["Chips", "Cloud", "Explainers", "Policy"],
    },
}

FEED_FILES = {
    "tensortimes": "tensortimes.xml", "gradient": "gradient.xml", "relay": "relay.xml",
    "byteledger": "byteledger.atom.xml", "inferencedaily": "inferencedaily.atom.xml",
    "openweights": "openweights.rdf.xml", "labnotes": "labnotes.rdf.xml", "silicongazette": "silicongazette.json",
}

SVGS = {
    "model": ("#1f3a5f", "#7fb3d5", "M20 60 L60 20 L100 60 L60 100 Z"),
    "chip": ("#2e4a2e", "#9fd59f", "M35 35 H85 V85 H35 Z M45 20 V35 M60 20 V35 M75 20 V35 M45 85 V100 M60 85 V100 M75 85 V100"),
    "policy": ("#4a2e2e", "#d59f9f", "M30 95 H90 M35 90 V50 M50 90 V50 M70 90 V50 M85 90 V50 M25 50 L60 25 L95 50 Z"),
}

esc = html.escape


def when(article: dict) -> datetime:
    return datetime.fromisoformat(article["published"].replace("Z", "+00:00"))


def local(article: dict) -> datetime:
    tz = OUTLETS[article["outlet"]]["tz"]
    return when(article).astimezone(timezone(timedelta(hours=tz)))


def path_of(article: dict) -> str:
    return f"/pages/{article['outlet']}/{article['slug']}.html"


def url_of(article: dict) -> str:
    return BASE + path_of(article)


def feed_link(article: dict) -> str:
    """The link as the feed carries it: Gradient Gazette appends tracking parameters."""
    if article["outlet"] == "gradient":
        return url_of(article) + "?utm_source=rss&utm_medium=feed&utm_campaign=" + article["slug"]
    return url_of(article)


def paragraphs(article: dict) -> list[str]:
    return [p.strip() for p in article["body"].split("\n\n") if p.strip()]


def summary(article: dict) -> str:
    if article.get("summary"):
        return article["summary"]
    first = re.sub(r"^[A-Z][A-Z ,.]+, [A-Z][a-z]+\.? ?\d* (\([^)]*\) )?- ", "", paragraphs(article)[0])
    words = first.split()
    return first if len(words) <= 45 else " ".join(words[:40]) + " ..."


def body_html(article: dict, inline_related: dict | None = None, ad_after: int | None = None) -> str:
    out = []
    for i, p in enumerate(paragraphs(article)):
        out.append(f"<p>{esc(p, quote=False)}</p>")
        if inline_related and i == 1:
            out.append(
                f'<p class="inline-related"><strong>Read more:</strong> '
                f'<a href="{url_of(inline_related)}">{esc(inline_related["title"])}</a></p>'
            )
        if ad_after is not None and i == ad_after:
            out.append('<div class="ad-slot" aria-hidden="true"><span>Advertisement</span></div>')
    return "\n".join(out)


def related_for(article: dict, k: int = 3) -> list[dict]:
    same = [a for a in ARTICLES if a["outlet"] == article["outlet"] and a is not article]
    start = ARTICLES.index(article) % max(len(same), 1)
    return (same[start:] + same[:start])[:k]


def meta_head(article: dict, outlet: dict) -> str:
    image = f"{BASE}/static/{article['image']}.svg"
    published = local(article).isoformat()
    return f"""<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(article["title"])} | {esc(outlet["name"])}</title>
<meta name="description" content="{esc(summary(article))}">
<meta name="author" content="{esc(article["author"])}">
<link rel="canonical" href="{url_of(article)}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(article["title"])}">
<meta property="og:description" content="{esc(summary(article))}">
<meta property="og:url" content="{url_of(article)}">
<meta property="og:image" content="{image}">
<meta property="og:site_name" content="{esc(outlet["name"])}">
<meta property="article:published_time" content="{published}">
<meta property="article:section" content="{esc(article["section"])}">
<meta name="twitter:card" content="summary_large_image">
<link rel="alternate" type="{_feed_mime(outlet)}" title="{esc(outlet["name"])}" href="{BASE}/feeds/{FEED_FILES[article["outlet"]]}">
<link rel="stylesheet" href="{BASE}/static/site.css">"""


def _feed_mime(outlet: dict) -> str:
    return {"rss2": "application/rss+xml", "atom": "application/atom+xml", "rss1": "application/rdf+xml",
            "jsonfeed": "application/feed+json"}[outlet["format"]]


def json_ld(article: dict, outlet: dict) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article["title"],
        "datePublished": local(article).isoformat(), "author": {"@type": "Person", "name": article["author"]},
        "publisher": {"@type": "Organization", "name": outlet["name"]},
        "image": [f"{BASE}/static/{article['image']}.svg"], "mainEntityOfPage": url_of(article),
    }
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


COOKIE = """<div id="cookie-consent" class="cookie-banner" role="dialog" aria-label="Cookie consent">
  <p>We use cookies and similar technologies to remember your preferences, measure how our site is used and show you relevant advertising. You can accept all cookies or choose which ones to allow.</p>
  <button type="button" class="btn-accept">Accept all</button> <button type="button" class="btn-manage">Manage preferences</button>
</div>"""


def share(article: dict) -> str:
    u = url_of(article)
    return f"""<div class="share-buttons" aria-label="Share this article">
  <span>Share:</span>
  <a class="share-x" href="https://x.example/intent/post?url={esc(u)}">Post</a>
  <a class="share-li" href="https://linkedin.example/share?url={esc(u)}">LinkedIn</a>
  <a class="share-mail" href="mailto:?subject={esc(article["title"])}">Email</a>
  <button type="button" class="copy-link">Copy link</button>
</div>"""


def related_box(article: dict, heading: str = "Related Articles") -> str:
    items = "\n".join(f'    <li><a href="{url_of(r)}">{esc(r["title"])}</a></li>' for r in related_for(article))
    return f"""<aside class="related-articles">
  <h3>{heading}</h3>
  <ul>
{items}
  </ul>
</aside>"""


def newsletter(outlet: dict) -> str:
    return f"""<section class="newsletter-signup">
  <h3>Get {esc(outlet["name"])} in your inbox</h3>
  <p>One email every weekday morning with the stories that matter. No spam, unsubscribe at any time.</p>
  <form action="{BASE}/subscribe" method="post"><input type="email" name="email" placeholder="you@example.com"> <button type="submit">Sign up</button></form>
</section>"""


def nav(outlet_slug: str) -> str:
    outlet = OUTLETS[outlet_slug]
    links = " ".join(f'<li><a href="{BASE}/pages/{outlet_slug}/#{x.lower().replace(" ", "-")}">{esc(x)}</a></li>' for x in outlet["nav"])
    return f'<nav class="main-nav" aria-label="Sections"><ul>{links}</ul></nav>'


def footer(outlet: dict, year: int = 2026) -> str:
    return f"""<footer class="site-footer">
  <ul class="footer-links"><li><a href="#about">About us</a></li><li><a href="#contact">Contact</a></li><li><a href="#privacy">Privacy policy</a></li><li><a href="#terms">Terms of use</a></li><li><a href="#advertise">Advertise</a></li></ul>
  <p>&copy; {year} {esc(outlet["name"])}. All rights reserved. {esc(outlet["tagline"])}.</p>
</footer>"""


def figure(article: dict) -> str:
    return f"""<figure class="lead-image">
  <img src="{BASE}/static/{article['image']}.svg" alt="{esc(article["caption"])}" width="1200" height="675">
  <figcaption>{esc(article["caption"])}</figcaption>
</figure>"""


def byline_date(article: dict) -> str:
    d = local(article)
    return f'<time datetime="{d.isoformat()}">{d.strftime("%B %-d, %Y at %H:%M")} {"UTC" if d.utcoffset() == timedelta(0) else d.strftime("%z")}</time>'


def page_news(article: dict, outlet: dict) -> str:
    """A classic news site: cookie banner, masthead, breadcrumb, ad slot, JSON-LD."""
    tags = ", ".join([article["section"], "Artificial intelligence"])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta_head(article, outlet)}
{json_ld(article, outlet)}
</head>
<body class="article-page">
{COOKIE}
<header class="masthead">
  <a class="logo" href="{BASE}/pages/{article["outlet"]}/">{esc(outlet["name"])}</a>
  <p class="tagline">{esc(outlet["tagline"])}</p>
  {nav(article["outlet"])}
  <form class="search" action="#search"><input type="search" name="q" placeholder="Search"></form>
</header>
<main id="content">
  <ol class="breadcrumb"><li><a href="{BASE}/pages/{article["outlet"]}/">Home</a></li><li>{esc(article["section"])}</li></ol>
  <article class="story">
    <header>
      <p class="kicker">{esc(article["section"])}</p>
      <h1>{esc(article["title"])}</h1>
      <p class="byline">By <span class="author">{esc(article["author"])}</span> &middot; {byline_date(article)}</p>
      {share(article)}
    </header>
    {figure(article)}
    <div class="story-body">
{body_html(article, ad_after=2)}
    </div>
    <p class="tags">Filed under: {esc(tags)}</p>
  </article>
  {related_box(article)}
  {newsletter(outlet)}
</main>
{footer(outlet)}
</body>
</html>
"""


def page_magazine(article: dict, outlet: dict) -> str:
    """A WordPress-like magazine: entry-* classes, sidebar with most-read list, comments teaser."""
    most_read = "\n".join(f'      <li><a href="{url_of(r)}">{esc(r["title"])}</a></li>' for r in related_for(article, 2))
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{meta_head(article, outlet)}
</head>
<body class="single single-post">
<div class="site">
<header id="masthead" class="site-header">
  <div class="site-branding"><p class="site-title"><a href="{BASE}/pages/{article["outlet"]}/" rel="home">{esc(outlet["name"])}</a></p><p class="site-description">{esc(outlet["tagline"])}</p></div>
  {nav(article["outlet"])}
</header>
<div id="primary" class="content-area">
  <main id="main" class="site-main">
    <article id="post-{_stable_hash(article["slug"]) % 100000}" class="post type-post status-publish">
      <header class="entry-header">
        <span class="cat-links"><a href="#">{esc(article["section"])}</a></span>
        <h1 class="entry-title">{esc(article["title"])}</h1>
        <div class="entry-meta"><span class="byline">by <a class="url fn n" href="#author">{esc(article["author"])}</a></span> <span class="posted-on">{byline_date(article)}</span> <span class="reading-time">{max(1, len(article["body"].split()) // 220)} min read</span></div>
      </header>
      {figure(article)}
      <div class="entry-content">
{body_html(article)}
      </div>
      <footer class="entry-footer">
        {share(article)}
        <div class="author-bio"><h4>About {esc(article["author"])}</h4><p>{esc(article["author"])} writes about technology for {esc(outlet["name"])}. Tips are welcome by email.</p></div>
      </footer>
    </article>
    <section id="comments" class="comments-area"><h2 class="comments-title">0 comments</h2><p>Join the discussion: sign in to leave a comment. Please keep it civil.</p></section>
  </main>
  <aside id="secondary" class="widget-area">
    {related_box(article)}
    <section class="widget most-read"><h3>Most read this week</h3><ol>
{most_read}
    </ol></section>
    {newsletter(outlet)}
  </aside>
</div>
{COOKIE}
{footer(outlet)}
</div>
</body>
</html>
"""


def page_business(article: dict, outlet: dict) -> str:
    """A business/developer site: top bar, inline 'Read more' links inside the body, ad slots, JSON-LD."""
    same = [a for a in ARTICLES if a["outlet"] == article["outlet"] and a is not article]
    inline = same[(ARTICLES.index(article) + 1) % len(same)]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta_head(article, outlet)}
{json_ld(article, outlet)}
</head>
<body>
<div class="top-bar"><span>Markets open</span> <a href="#login">Sign in</a> <a class="subscribe-cta" href="#subscribe">Subscribe from $1/week</a></div>
<header class="site-header">
  <div class="brand"><a href="{BASE}/pages/{article["outlet"]}/">{esc(outlet["name"])}</a></div>
  {nav(article["outlet"])}
</header>
<div class="ad-slot leaderboard" aria-hidden="true">Advertisement</div>
<main class="layout">
  <article class="article" itemscope itemtype="https://schema.org/NewsArticle">
    <div class="article-header">
      <a class="section-label" href="#">{esc(article["section"])}</a>
      <h1 itemprop="headline">{esc(article["title"])}</h1>
      <p class="standfirst">{esc(summary(article))}</p>
      <div class="article-meta"><span itemprop="author">{esc(article["author"])}</span> | {byline_date(article)}</div>
    </div>
    {figure(article)}
    {share(article)}
    <div class="article-body" itemprop="articleBody">
{body_html(article, inline_related=inline, ad_after=3)}
    </div>
    <div class="corrections"><p>Spotted an error? Email our corrections desk.</p></div>
  </article>
  <div class="rail">
    {related_box(article)}
    {newsletter(outlet)}
  </div>
</main>
{footer(outlet)}
{COOKIE}
</body>
</html>
"""


def page_blog(article: dict, outlet: dict) -> str:
    """A plain newsletter/blog: little markup, subscribe box, 'More from' list."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{meta_head(article, outlet)}
</head>
<body>
<div class="wrapper">
<header class="blog-header">
  <a class="blog-title" href="{BASE}/pages/{article["outlet"]}/">{esc(outlet["name"])}</a>
  <span class="blog-sub">{esc(outlet["tagline"])}</span>
  {nav(article["outlet"])}
</header>
<div class="subscribe-box"><p>Subscribe to {esc(outlet["name"])} for free. Join 12,000 readers.</p><a class="button" href="#subscribe">Subscribe</a></div>
<article class="post">
  <h1 class="post-title">{esc(article["title"])}</h1>
  <div class="post-meta">{esc(article["author"])} &middot; {byline_date(article)}</div>
  {figure(article)}
  <div class="post-content">
{body_html(article)}
  </div>
  {share(article)}
</article>
{related_box(article, heading="Related Articles")}
{newsletter(outlet)}
{COOKIE}
{footer(outlet)}
</div>
</body>
</html>
"""


LAYOUTS = {"news": page_news, "magazine": page_magazine, "business": page_business, "blog": page_blog}


def rss2(slug: str, items: list[dict]) -> str:
    outlet = OUTLETS[slug]
    full = outlet.get("full_content", False)
    newest = max(local(a) for a in items)
    parts = []
    for a in items:
        guid = ""
        if outlet["guid"] == "opaque":
            guid = f'<guid isPermaLink="false">tensortimes-{abs(_stable_hash(a["slug"])) % 10**8:08d}</guid>'
        elif outlet["guid"] == "link":
            guid = f'<guid isPermaLink="true">{url_of(a)}</guid>'
        content = ""
        if full:
            content = f"\n      <content:encoded><![CDATA[{body_html(a)}]]></content:encoded>"
        parts.append(f"""    <item>
      <title>{esc(a["title"])}</title>
      <link>{esc(feed_link(a))}</link>
      {guid}
      <pubDate>{format_datetime(local(a))}</pubDate>
      <dc:creator>{esc(a["author"])}</dc:creator>
      <category>{esc(a["section"])}</category>
      <description>{esc(summary(a))}</description>{content}
    </item>""".replace("\n      \n", "\n"))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>{esc(outlet["name"])}</title>
    <link>{BASE}/pages/{slug}/</link>
    <atom:link href="{BASE}/feeds/{FEED_FILES[slug]}" rel="self" type="application/rss+xml"/>
    <description>{esc(outlet["tagline"])}</description>
    <language>en-us</language>
    <lastBuildDate>{format_datetime(newest)}</lastBuildDate>
    <ttl>30</ttl>
{chr(10).join(parts)}
  </channel>
</rss>
"""


def _stable_hash(text: str) -> int:
    h = 0
    for ch in text:
        h = (h * 131 + ord(ch)) % (2**61 - 1)
    return h


def atom(slug: str, items: list[dict]) -> str:
    outlet = OUTLETS[slug]
    full = outlet.get("full_content", False)
    newest = max(when(a) for a in items)
    parts = []
    for a in items:
        content = f'\n    <content type="html">{esc(body_html(a))}</content>' if full else ""
        parts.append(f"""  <entry>
    <id>tag:{slug}.example,2026:{a["slug"]}</id>
    <title>{esc(a["title"])}</title>
    <link rel="alternate" type="text/html" href="{url_of(a)}"/>
    <published>{_iso(when(a))}</published>
    <updated>{_iso(when(a))}</updated>
    <author><name>{esc(a["author"])}</name></author>
    <category term="{esc(a["section"])}"/>
    <summary type="text">{esc(summary(a))}</summary>{content}
  </entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>tag:{slug}.example,2026:feed</id>
  <title>{esc(outlet["name"])}</title>
  <subtitle>{esc(outlet["tagline"])}</subtitle>
  <link rel="alternate" type="text/html" href="{BASE}/pages/{slug}/"/>
  <link rel="self" type="application/atom+xml" href="{BASE}/feeds/{FEED_FILES[slug]}"/>
  <updated>{_iso(newest)}</updated>
{chr(10).join(parts)}
</feed>
"""


def _iso(d: datetime) -> str:
    return d.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rss1(slug: str, items: list[dict]) -> str:
    outlet = OUTLETS[slug]
    seq = "\n".join(f'        <rdf:li rdf:resource="{url_of(a)}"/>' for a in items)
    parts = []
    for a in items:
        parts.append(f"""  <item rdf:about="{url_of(a)}">
    <title>{esc(a["title"])}</title>
    <link>{url_of(a)}</link>
    <description>{esc(summary(a))}</description>
    <dc:creator>{esc(a["author"])}</dc:creator>
    <dc:date>{_iso(when(a))}</dc:date>
    <dc:subject>{esc(a["section"])}</dc:subject>
  </item>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="{BASE}/feeds/{FEED_FILES[slug]}">
    <title>{esc(outlet["name"])}</title>
    <link>{BASE}/pages/{slug}/</link>
    <description>{esc(outlet["tagline"])}</description>
    <dc:language>en</dc:language>
    <dc:date>{_iso(max(when(a) for a in items))}</dc:date>
    <items>
      <rdf:Seq>
{seq}
      </rdf:Seq>
    </items>
  </channel>
{chr(10).join(parts)}
</rdf:RDF>
"""


def jsonfeed(slug: str, items: list[dict]) -> str:
    outlet = OUTLETS[slug]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet["name"],
        "home_page_url": f"{BASE}/pages/{slug}/",
        "feed_url": f"{BASE}/feeds/{FEED_FILES[slug]}",
        "description": outlet["tagline"],
        "language": "en",
        "authors": [{"name": outlet["name"] + " newsroom"}],
        "items": [
            {
                "id": f"{slug}-{a['slug']}",
                "url": url_of(a),
                "title": a["title"],
                "summary": summary(a),
                "content_html": f"<p>{esc(summary(a), quote=False)}</p>",
                "image": f"{BASE}/static/{a['image']}.svg",
                "date_published": _iso(when(a)),
                "authors": [{"name": a["author"]}],
                "tags": [a["section"]],
            }
            for a in items
        ],
    }
    return json.dumps(feed, indent=2, ensure_ascii=False) + "\n"


WRITERS = {"rss2": rss2, "atom": atom, "rss1": rss1, "jsonfeed": jsonfeed}


def svg(name: str) -> str:
    bg, fg, d = SVGS[name]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="120" height="120">'
        f'<rect width="120" height="120" fill="{bg}"/><path d="{d}" fill="none" stroke="{fg}" stroke-width="4"/></svg>\n'
    )


CSS = """body{font-family:Georgia,serif;max-width:60rem;margin:0 auto;padding:0 1rem;color:#222}
nav ul{list-style:none;padding:0;display:flex;gap:1rem}
.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#eee;padding:1rem}
.ad-slot{background:#f4f4f4;color:#999;text-align:center;padding:1rem;font-size:.8rem}
figure img{max-width:100%;height:auto}
.related-articles,.newsletter-signup{border-top:1px solid #ccc;margin-top:2rem}
"""


def build(root: Path | None = ROOT) -> dict[str, str]:
    """Return {relative path: text} for every generated file (and write them under ``root``)."""
    files: dict[str, str] = {}
    for a in ARTICLES:
        outlet = OUTLETS[a["outlet"]]
        files[f"pages/{a['outlet']}/{a['slug']}.html"] = LAYOUTS[outlet["layout"]](a, outlet)
    for slug, outlet in OUTLETS.items():
        items = sorted((a for a in ARTICLES if a["outlet"] == slug), key=when, reverse=True)
        files[f"feeds/{FEED_FILES[slug]}"] = WRITERS[outlet["format"]](slug, items)
    for name in SVGS:
        files[f"static/{name}.svg"] = svg(name)
    files["static/site.css"] = CSS
    gold = {path_of(a): a["story"] for a in sorted(ARTICLES, key=lambda a: (a["story"], a["outlet"]))}
    files["gold.json"] = json.dumps(gold, indent=2) + "\n"
    if root is not None:
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
    return files


if __name__ == "__main__":
    out = build()
    print(f"wrote {len(out)} files under {ROOT}")
