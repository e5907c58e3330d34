"""OPML import and export of the feed list.

Import appends ``[[feeds]]`` tables to feeds.toml as text, so the editor's comments and layout
stay as they were; feeds already present (same URL) are skipped.
"""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

from .config import Config, check_url
from .errors import BriefingError


def read_opml(path: Path) -> list[dict[str, str]]:
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise BriefingError(f"cannot read OPML file {path}: {exc}", hint="export it again from your reader; it must be XML") from None
    feeds = []

    def walk(node: ET.Element, category: str | None) -> None:
        for child in node.findall("outline"):
            url = child.get("xmlUrl") or child.get("xmlurl")
            name = child.get("title") or child.get("text") or url
            if url:
                feeds.append({"name": (name or url).strip(), "url": url.strip(), "site": (child.get("htmlUrl") or "").strip(),
                              "tag": category or ""})
            else:
                walk(child, (child.get("title") or child.get("text") or category))

    body = root.find("body")
    if body is None:
        raise BriefingError(f"{path} has no <body>: not an OPML subscription list")
    walk(body, None)
    return feeds


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def import_opml(opml_path: Path, config_path: Path) -> list[str]:
    """Append the OPML's feeds to feeds.toml; returns the names added."""
    existing: dict = {}
    if config_path.exists():
        try:
            existing = tomllib.loads(config_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise BriefingError(f"{config_path} is not valid TOML: {exc}", hint="fix it first (`briefing feeds check`)") from None
    urls = {f.get("url") for f in existing.get("feeds", [])}
    names = {f.get("name") for f in existing.get("feeds", [])}
    blocks, added = [], []
    for f in read_opml(opml_path):
        if f["url"] in urls or check_url(f["url"]):
            continue
        name = f["name"]
        n = 2
        while name in names:
            name, n = f"{f['name']} ({n})", n + 1
        names.add(name)
        urls.add(f["url"])
        lines = ["[[feeds]]", f"name = {_toml_str(name)}", f"url = {_toml_str(f['url'])}"]
        if f["site"]:
            lines.append(f"site = {_toml_str(f['site'])}")
        if f["tag"]:
            tag = re.sub(r"\s+", "-", f["tag"].lower())
            lines.append(f"tags = [{_toml_str(tag)}]")
        blocks.append("\n".join(lines))
        added.append(name)
    if blocks:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d")
        with config_path.open("a", encoding="utf-8") as fh:
            fh.write(f"\n# Imported from {opml_path.name} on {stamp}\n" + "\n\n".join(blocks) + "\n")
    return added


def export_opml(cfg: Config) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<opml version="2.0">',
             f"  <head><title>{cfg.briefing.title} feeds</title><dateCreated>{datetime.now(UTC):%a, %d %b %Y %H:%M:%S} GMT</dateCreated></head>",
             "  <body>"]
    for f in cfg.feeds:
        attrs = f'type="rss" text={quoteattr(f.name)} title={quoteattr(f.name)} xmlUrl={quoteattr(f.url)}'
        if f.site:
            attrs += f" htmlUrl={quoteattr(f.site)}"
        lines.append(f"    <outline {attrs}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
