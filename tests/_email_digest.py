"""A realistic hand-built Digest for the email tests: 3 sections, 25 stories, long takeaways.

Written by hand from models.py dataclasses (no pipeline stage is run), so the email tests do not
depend on clustering or summarising. The text is varied and long enough that all 25 stories in
full exceed the 100 KB budget, which forces the "More stories" fallback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefing.models import (
    Article,
    ArticleGroup,
    Digest,
    Disagreement,
    FeedHealth,
    Outlet,
    Section,
    Story,
    Takeaway,
)

OUTLETS = [
    "The Verge", "Reuters", "Ars Technica", "TechCrunch", "Wired", "The Register", "VentureBeat",
    "MIT Technology Review", "Le Monde Informatique", "Heise", "Bloomberg", "Financial Times",
    "The Information", "ZDNet", "Engadget",
]
SUBJECTS = [
    "DeepSeek V4", "Llama5MaverickInstructFP8DynamicQuantizedCheckpointFromHuggingFace", "Gemini 3 Ultra", "Claude's new coding agent", "Mistral Large 3",
    "the EU AI Act's GPAI code", "Nvidia's Rubin chips", "OpenAI's device", "a Qwen reasoning model",
    "Apple's on-device model", "the US export rules", "an open-weights video model", "Anthropic's funding round",
    "a new math benchmark", "Microsoft's MAI-2", "a robotics foundation model", "the UK AI Security Institute",
    "Perplexity's browser", "a protein-design model", "xAI's Colossus 2", "Samsung's HBM4", "the NYT lawsuit",
    "Stability's new image model", "a Japanese sovereign LLM", "Meta's superintelligence lab",
]
VERBS = ["releases", "details", "ships", "delays", "opens", "prices", "benchmarks", "expands"]


def _sentence(i: int, j: int) -> str:
    return (
        f"Takeaway {j + 1} on {SUBJECTS[i]}: according to several outlets the change affects about "
        f"{(i + 3) * (j + 2)} million users and costs roughly ${(i + 1) * 1.5:.1f} billion, while analysts "
        f"quoted by the reports caution that independent evaluations — including ones in Europe (Zürich, "
        f"Paris, Kraków) — have not yet reproduced the headline numbers & the timeline <may> slip."
    )


def make_digest(stories: int = 25, *, image_base: str | None = None, site_url: str | None = "https://news.example.org") -> Digest:
    """25 stories across Models / Policy / Research, scores descending with some ties and surprises."""
    sections = {"Models": [], "Policy & Regulation": [], "Research": []}
    names = list(sections)
    base = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    for i in range(stories):
        n_outlets = 2 + (i * 7) % 12
        groups = []
        for k in range(n_outlets):
            name = OUTLETS[(i + k) % len(OUTLETS)]
            image = None
            if image_base is not None and k == 0:
                image = f"{image_base}/wide.png"
            elif k == 0:
                image = f"https://img.example.org/{i}.jpg"
            art = Article(
                id=i * 100 + k, entry_id=f"e{i}-{k}", feed=name, source=name,
                url=f"https://{name.lower().replace(' ', '-')}.example.com/2026/11/story-{i}-{k}",
                title=f"{SUBJECTS[i]} {VERBS[i % len(VERBS)]} (report {k})", text="word " * 200,
                published=base - timedelta(hours=i + k), image=image,
            )
            groups.append(ArticleGroup(primary=art))
        outlets = [g.primary for g in groups]
        takeaways = [
            Takeaway(_sentence(i, j), [Outlet(a.source, a.url) for a in outlets[j % len(outlets) : j % len(outlets) + 3]])
            for j in range(5)
        ]
        disagreements = []
        if i % 4 == 0:
            disagreements.append(Disagreement(
                fact="active parameters",
                values={"37B": [outlets[0].source], "49B": [o.source for o in outlets[1:3]]},
            ))
        subject = SUBJECTS[i] if SUBJECTS[i].startswith("xAI") else SUBJECTS[i][0].upper() + SUBJECTS[i][1:]
        headline = f"{subject} {VERBS[i % len(VERBS)]}: what changes for AT&T <and> everyone else"
        story = Story(
            id=f"story-{i}", groups=groups, headline=headline,
            summary=f"One-line summary of {SUBJECTS[i]}: the key fact, the number and who reported it first (Zürich desk).",
            takeaways=takeaways, disagreements=disagreements, topic=names[i % 3],
            score=100.0 - i * 3 + (5 if i == 7 else 0), day=1 + (i % 5 == 2) * (i % 4 + 1),
            earlier=[("2026-11-21", "https://news.example.org/2026-11-21.html#story-3")] if i % 5 == 2 else [],
        )
        sections[names[i % 3]].append(story)
    health = [
        FeedHealth("The Verge", "https://www.theverge.com/rss/index.xml", ok=True, status=200, items=20, new_items=4),
        FeedHealth("Broken Blog", "https://broken.example.com/feed", ok=False, status=404, error="HTTP 404 Not Found",
                   consecutive_failures=3),
        FeedHealth("Dead Feed", "https://dead.example.com/rss", ok=False, status=410, error="HTTP 410 Gone",
                   consecutive_failures=1, disabled=True),
    ]
    return Digest(
        date="2026-11-23", title="AI Briefing",
        sections=[Section(name, stories=s) for name, s in sections.items()],
        feed_health=health, continuing_no_news=3, generated_at=base, site_url=site_url,
    )


def make_cfg(overrides: dict | None = None):
    """A real Config from the shipped defaults plus ``overrides`` (validated like a feeds.toml)."""
    from briefing.config import load_config

    return load_config(None, overrides=overrides or {})


def wide_png(path: Path, width: int = 1200, height: int = 500) -> Path:
    """Write a real PNG (a colour gradient) wider than the email, to test image width limits."""
    import struct
    import zlib

    row = b"\x00" + b"".join(bytes((x * 255 // width, 90, 160)) for x in range(width))
    rows = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")
    path.write_bytes(png)
    return path
