"""A small corpus written by the tests themselves: feeds in three formats and article pages.

``write_corpus(root, day)`` writes feeds and pages under ``root`` using the ``{BASE}`` placeholder
that briefing.demo.serve replaces with the server's address.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

STORIES = {
    "quake": [
        ("Magnitude 6.1 earthquake strikes off the coast of Chile",
         "A magnitude 6.1 earthquake struck off the coast of northern Chile on Tuesday, the national seismology "
         "centre said. The quake hit at a depth of 35 kilometres near the port city of Antofagasta. No damage or "
         "injuries were reported and no tsunami warning was issued. Residents said the shaking lasted about 30 seconds."),
        ("Chile: 6.1 quake shakes Antofagasta, no tsunami threat",
         "Northern Chile was shaken on Tuesday by a 6.1-magnitude earthquake centred offshore near Antofagasta. "
         "Authorities said there was no tsunami threat and no immediate reports of damage. The tremor, 35 km deep, "
         "was felt across the region for around half a minute."),
    ],
    "model": [
        ("Nimbus Labs releases Stratus-2, an open-weights model with 70 billion parameters",
         "Nimbus Labs on Tuesday released Stratus-2, an open-weights language model with 70 billion parameters. "
         "The company said the model beats its predecessor on coding benchmarks and supports a 256,000-token "
         "context window. Weights are available under an Apache 2.0 licence. Chief executive Mara Olsen said the "
         "release aims to give researchers a strong model they can run on their own hardware."),
        ("Stratus-2 from Nimbus Labs: open weights, 70B parameters, long context",
         "Nimbus Labs has published Stratus-2, a 70-billion-parameter model whose weights anyone can download. "
         "It handles up to 256,000 tokens of context and, according to Nimbus, outperforms Stratus-1 at coding. "
         "The licence is Apache 2.0. Mara Olsen, the chief executive, framed it as a model for researchers to run locally."),
        ("Nimbus Labs ships Stratus-2 open model",
         "Open-weights fans have a new option: Nimbus Labs released Stratus-2 with 70 billion parameters and a "
         "256k-token context window. The Apache-licensed model improves on coding tasks, the lab says."),
    ],
    "chips": [
        ("Volta Semiconductor unveils V9 AI accelerator with 192 GB of memory",
         "Volta Semiconductor unveiled its V9 accelerator for AI training on Tuesday. The chip carries 192 GB of "
         "high-bandwidth memory and will ship to cloud providers in the second quarter, the company said. Volta "
         "claims the V9 trains large models twice as fast as its previous generation."),
    ],
}


def write_corpus(root: Path, day: str = "2026-11-20", feeds: int = 3) -> dict[str, str]:
    """Write feeds and pages; returns {page path: story label} (the gold)."""
    base_time = datetime.fromisoformat(day + "T05:00:00+00:00")
    gold: dict[str, str] = {}
    items: dict[int, list[dict]] = {i: [] for i in range(feeds)}
    n = 0
    for label, versions in STORIES.items():
        for k, (title, text) in enumerate(versions):
            feed = k % feeds
            slug = f"{label}-{k}"
            path = f"pages/outlet{feed}/{slug}.html"
            gold[path] = label
            published = base_time - timedelta(minutes=17 * n)
            n += 1
            page = (
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                f"<meta property=\"og:title\" content=\"{title}\"><meta property=\"og:site_name\" content=\"Outlet {feed}\">"
                "</head><body><nav><a href=\"/\">Home</a> | <a href=\"/tech\">Tech</a> | Subscribe to our newsletter</nav>"
                f"<article><h1>{title}</h1><p class=\"byline\">By Staff Reporter</p>"
                + "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
                + "</article><aside><h2>Related Articles</h2><ul><li><a href=\"/x\">Something else entirely</a></li></ul></aside>"
                "<footer>© 2026 Outlet. All rights reserved.</footer></body></html>"
            )
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(page, encoding="utf-8")
            items[feed].append({"title": title, "link": "{BASE}/" + path, "summary": text.split(". ")[0] + ".",
                                "published": published, "guid": f"urn:test:{slug}"})
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    for i, entries in items.items():
        if i % 3 == 0:  # RSS 2.0
            body = "".join(
                f"<item><title>{e['title']}</title><link>{e['link']}</link><guid isPermaLink=\"false\">{e['guid']}</guid>"
                f"<pubDate>{e['published']:%a, %d %b %Y %H:%M:%S} +0000</pubDate><description>{e['summary']}</description></item>"
                for e in entries
            )
            (root / f"feeds/feed{i}.xml").write_text(
                f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Outlet {i}</title>"
                f"<link>{{BASE}}/</link><description>test</description>{body}</channel></rss>", encoding="utf-8")
        elif i % 3 == 1:  # Atom
            body = "".join(
                f"<entry><title>{e['title']}</title><link href=\"{e['link']}\"/><id>{e['guid']}</id>"
                f"<updated>{e['published'].isoformat()}</updated><summary>{e['summary']}</summary></entry>"
                for e in entries
            )
            (root / f"feeds/feed{i}.xml").write_text(
                f"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Outlet {i}</title>"
                f"<id>urn:outlet{i}</id><updated>{day}T06:00:00Z</updated>{body}</feed>", encoding="utf-8")
        else:  # JSON Feed
            (root / f"feeds/feed{i}.json").write_text(json.dumps({
                "version": "https://jsonfeed.org/version/1.1", "title": f"Outlet {i}",
                "items": [{"id": e["guid"], "url": e["link"], "title": e["title"], "summary": e["summary"],
                           "date_published": e["published"].isoformat()} for e in entries],
            }), encoding="utf-8")
    return gold


def config_text(base: str, feeds: int = 3, extra: str = "") -> str:
    lines = ['[briefing]\ntitle = "Test Briefing"\n', "[fetch]\nallow_private = true\n"]
    for i in range(feeds):
        ext = "json" if i % 3 == 2 else "xml"
        lines.append(f'[[feeds]]\nname = "Outlet {i}"\nurl = "{base}/feeds/feed{i}.{ext}"\n')
    return "\n".join(lines) + extra
