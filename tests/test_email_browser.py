"""Open the rendered email in a real browser (headless Debian chromium) and measure it.

A script injected into a copy of the email records layout measurements and load errors into the
DOM; ``--dump-dom`` hands the DOM back after the load event. Screenshots for people to look at go
to ``out/screenshots/`` (gitignored).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _email_digest import make_cfg, make_digest, wide_png

from briefing.render_email import render_email

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = REPO / "out" / "screenshots"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium; .ci/run installs it)"
)

# Collects load errors (scripts, images, stylesheets) from the very start of the page.
ERRORS_JS = (
    "<script>window.__errs=[];window.addEventListener('error',function(e){"
    "__errs.push(String(e.message||(e.target&&(e.target.src||e.target.href))||'error'))},true);</script>"
)
# After load: every element's width, overflow past the 600 px card, images, and the dark-mode state.
MEASURE_JS = """<script>
window.addEventListener('load', function () {
  var card = document.querySelector('table.container');
  var cr = card ? card.getBoundingClientRect() : null;
  var wrappers = [];
  for (var n = card; n; n = n.parentElement) wrappers.push(n);
  var wide = [], overflow = [];
  document.querySelectorAll('body *').forEach(function (el) {
    if (el.tagName === 'SCRIPT' || el.tagName === 'PRE' && el.id === '__m') return;
    var r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;
    var label = el.tagName + (el.className ? '.' + el.className : '') + ' ' + Math.round(r.width);
    if (r.width > 600.5 && wrappers.indexOf(el) < 0) wide.push(label);
    if (cr && card.contains(el) && el !== card && r.right > cr.right + 0.5) overflow.push(label);
  });
  var imgs = Array.prototype.map.call(document.images, function (i) {
    return {alt: i.getAttribute('alt'), width: i.getBoundingClientRect().width, natural: i.naturalWidth, ok: i.complete && i.naturalWidth > 0};
  });
  var out = {
    viewport: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    cardWidth: cr ? cr.width : null,
    wide: wide, overflow: overflow, imgs: imgs, errs: window.__errs,
    dark: window.matchMedia('(prefers-color-scheme: dark)').matches,
    bodyBg: getComputedStyle(document.body).backgroundColor,
    cardBg: card ? getComputedStyle(card).backgroundColor : null
  };
  var doc = window.parent !== window ? window.parent.document : document;
  var pre = doc.createElement('pre'); pre.id = '__m'; pre.textContent = JSON.stringify(out);
  doc.body.appendChild(pre);
});
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120)


def measure(tmp_path: Path, html: str, width: int, *extra: str) -> dict:
    """Load ``html`` in a ``width`` px wide frame and return the measurements.

    Headless chromium's window is at least 500 px wide, so a phone is emulated with an iframe of
    the phone's width (srcdoc: same origin, so the frame can report to the host page).
    """
    page = html.replace("<head>", "<head>" + ERRORS_JS, 1).replace("</body>", MEASURE_JS + "</body>", 1)
    import html as html_mod

    host = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}</style></head><body>'
        f'<iframe style="border:0;width:{width}px;height:2000px;display:block" srcdoc="{html_mod.escape(page, quote=True)}"></iframe>'
        "</body></html>"
    )
    path = tmp_path / f"measure-{width}.html"
    path.write_text(host, encoding="utf-8")
    proc = chromium(tmp_path, f"--window-size={max(width, 500) + 40},2000", *extra, "--dump-dom", path.as_uri())
    m = re.search(r'<pre id="__m">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"no measurements from chromium (rc={proc.returncode}): {proc.stderr[-2000:]}"
    import html as html_mod

    return json.loads(html_mod.unescape(m.group(1)))


@pytest.fixture(scope="module")
def image_server(tmp_path_factory):
    """A loopback HTTP server with one 1200 px wide PNG: wider than the email, to test the width limits."""
    img_dir = tmp_path_factory.mktemp("img")
    wide_png(img_dir / "wide.png", 1200, 500)
    handler = functools.partial(_QuietHandler, directory=str(img_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def rendered(image_server):
    digest = make_digest(image_base=image_server)
    return render_email(digest, cfg=make_cfg())


def test_email_fits_600px_on_desktop(rendered, tmp_path):
    m = measure(tmp_path, rendered.html, 1024)
    assert m["errs"] == [], f"load errors: {m['errs']}"
    assert m["cardWidth"] == 600, m["cardWidth"]
    assert m["wide"] == [], f"elements wider than 600 px: {m['wide'][:10]}"
    assert m["overflow"] == [], f"elements sticking out of the card: {m['overflow'][:10]}"
    assert m["imgs"], "the fixture has images"
    for img in m["imgs"]:
        assert img["ok"], "image did not load"
        assert img["alt"], "image without alt text"
        assert img["natural"] == 1200 and img["width"] <= 552, img


def test_email_on_a_phone_has_no_horizontal_scroll(rendered, tmp_path):
    m = measure(tmp_path, rendered.html, 375)
    assert m["viewport"] == 375, "the phone frame is 375 px wide"
    assert m["errs"] == []
    assert m["scrollWidth"] <= m["viewport"], f"page scrolls sideways: {m['scrollWidth']} > {m['viewport']}"
    assert m["overflow"] == [], m["overflow"][:10]


def test_dark_mode_media_query_survives_inlining(rendered, tmp_path):
    light = measure(tmp_path, rendered.html, 1024)
    dark = measure(tmp_path, rendered.html, 1024, "--force-dark-mode", "--blink-settings=preferredColorScheme=0")
    if not dark["dark"]:
        pytest.skip("this chromium does not honour --force-dark-mode for prefers-color-scheme")
    assert light["cardBg"] == "rgb(255, 255, 255)"
    assert dark["cardBg"] == "rgb(24, 27, 32)", dark["cardBg"]
    assert dark["bodyBg"] != light["bodyBg"]


def test_screenshots_for_people(rendered, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = tmp_path / "email.html"
    page.write_text(rendered.html, encoding="utf-8")
    for name, extra in (("email-light.png", ()), ("email-dark.png", ("--force-dark-mode", "--blink-settings=preferredColorScheme=0"))):
        shot = SHOTS / name
        shot.unlink(missing_ok=True)
        proc = chromium(tmp_path, "--window-size=600,2400", *extra, f"--screenshot={shot}", page.as_uri())
        assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the end of the email: the "More stories" list, the notes and the footer
    shot = SHOTS / "email-more-and-footer.png"
    shot.unlink(missing_ok=True)
    # (headless chromium does not paint after scrolling to a #fragment, so hide the stories instead)
    bottom = tmp_path / "email-bottom.html"
    bottom.write_text(rendered.html.replace("</head>", "<style>.kt,.sec,.st{display:none!important}</style></head>", 1), encoding="utf-8")
    chromium(tmp_path, "--window-size=600,1600", f"--screenshot={shot}", bottom.as_uri())
    assert shot.exists() and _png_size(shot) == (600, 1600)


def _png_size(path: Path) -> tuple[int, int]:
    import struct

    return struct.unpack(">II", path.read_bytes()[16:24])


def _real_day_digest(day_dir: Path, date: str):
    """One real day of four AI feeds as a digest: each link is a story; a link in two feeds has two outlets."""
    import gzip
    import html as html_mod

    import feedparser

    from briefing.models import Article, ArticleGroup, Digest, Outlet, Section, Story, Takeaway

    sections, by_link = [], {}
    for path in sorted(day_dir.glob(f"*/{date}.xml.gz")):
        parsed = feedparser.parse(gzip.open(path).read())
        name = parsed.feed.get("title") or path.parent.name
        stories = []
        for rank, e in enumerate(parsed.entries[:15]):
            text = html_mod.unescape(re.sub(r"<[^>]+>", " ", e.get("summary", ""))).strip()
            art = Article(id=None, entry_id=e.get("id") or e.get("link"), feed=name, source=name, url=e.get("link"),
                          title=e.get("title", ""), text=text)
            if art.url in by_link:
                by_link[art.url].groups.append(ArticleGroup(art))
                continue
            sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.strip()) > 20][:4]
            story = Story(id=art.entry_id, groups=[ArticleGroup(art)], headline=art.title, summary=sentences[0] if sentences else "",
                          takeaways=[Takeaway(s, [Outlet(name, art.url)]) for s in sentences[1:]], score=100 - rank, topic=name)
            by_link[art.url] = story
            stories.append(story)
        sections.append(Section(name, stories))
    return Digest(date=date, title="AI Briefing", sections=sections, site_url="https://news.example.org")


def test_a_real_day_of_feeds_stays_within_600px(shared_data, tmp_path):
    day_dir = shared_data / "ai-news-feed-snapshots" / "daily"
    if not any(day_dir.glob("*/2026-08-01.xml.gz")):
        pytest.skip(f"no daily feed snapshots for 2026-08-01 in {day_dir}")
    digest = _real_day_digest(day_dir, "2026-08-01")
    assert len(digest.stories) >= 30 and any(len(s.outlets) > 1 for s in digest.stories)
    rendered = render_email(digest, cfg=make_cfg())
    assert rendered.html_wire_bytes <= 100_000
    for width in (1024, 375):
        m = measure(tmp_path, rendered.html, width)
        assert m["errs"] == [], m["errs"]
        assert m["wide"] == [] and m["overflow"] == [], (width, m["wide"][:5], m["overflow"][:5])
        assert m["scrollWidth"] <= m["viewport"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = tmp_path / "real.html"
    page.write_text(rendered.html, encoding="utf-8")
    shot = SHOTS / "email-real-day.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, "--window-size=600,2400", f"--screenshot={shot}", page.as_uri())
    assert shot.exists()
