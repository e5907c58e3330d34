"""extract: main text out of a page with boilerplate, the feed fallback, and the time limit.

Real trafilatura on pages written here, real process pool (forkserver workers). The time limit is
tested with a genuinely slow page (a 6,000-paragraph article takes over a second to extract), so
the worker needs no test-only hook.
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest

from briefing.extract import (
    Extracted,
    PageJob,
    _PageTimeout,
    choose_text,
    extract_html,
    extract_page,
    extract_pages,
)

ARTICLE = [
    "Researchers at the Example Institute released a language model trained on 4.2 trillion tokens, "
    "and they say it matches systems twice its size on reasoning benchmarks.",
    "The model, called Nimbus, uses a mixture-of-experts design with 37 billion active parameters. "
    "Training took eleven weeks on a cluster of 6,000 accelerators, according to the technical report.",
    "Independent evaluators were cautious. One said the benchmark gains were real but narrow, and that "
    "long-context retrieval still lagged behind the best closed models by a wide margin.",
    "The weights are available under a permissive licence, and the team published its data mixture, "
    "which the authors hope will make the results easier to reproduce and to criticise.",
]

BOILERPLATE = ["Subscribe to our newsletter", "Accept all cookies", "Most popular this week", "Copyright 2026 Example Media"]


def page(paragraphs: list[str] = ARTICLE) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Nimbus model matches larger rivals | Example News</title>
<meta property="og:title" content="Nimbus model matches larger rivals">
<meta property="og:site_name" content="Example News">
<meta property="og:image" content="https://news.example.com/img/nimbus.jpg">
<meta name="author" content="Dana Reporter">
<meta property="article:published_time" content="2026-11-20T09:30:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/chips">Chips</a> <a href="/login">Sign in</a></nav></header>
<div class="cookie-banner">Accept all cookies <button>OK</button></div>
<main><article>
<h1>Nimbus model matches larger rivals</h1>
<div class="byline">By Dana Reporter, 20 November 2026</div>
{body}
</article>
<aside class="newsletter"><h3>Subscribe to our newsletter</h3><form><input name="email"></form></aside>
<section class="related"><h3>Most popular this week</h3><ul>
<li><a href="/a">Chip prices fall again</a></li><li><a href="/b">Ten prompts that work</a></li>
<li><a href="/c">Robot dog learns stairs</a></li></ul></section>
</main>
<footer><p>Copyright 2026 Example Media</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>""".encode()


def test_boilerplate_page_gives_main_text_and_metadata() -> None:
    r = extract_page(PageJob(key="k", url="https://news.example.com/ai/nimbus", html=page()))
    assert r.error is None and r.method == "page"
    for p in ARTICLE:
        assert p in r.text
    for junk in BOILERPLATE:
        assert junk not in r.text
    assert r.title == "Nimbus model matches larger rivals"
    assert r.author == "Dana Reporter"
    assert r.date == "2026-11-20"
    assert r.site_name == "Example News"
    assert r.image == "https://news.example.com/img/nimbus.jpg"
    assert r.lang == "en"


def test_extract_html_returns_nothing_for_an_empty_page() -> None:
    assert extract_html(b"") == {}
    assert not extract_html(b"<html><body></body></html>").get("text")


def test_failed_extraction_falls_back_to_the_feed_text() -> None:
    feed_text = " ".join(ARTICLE)
    r = extract_page(PageJob(key="k", url="https://x.com/a", html=b"<html><body><nav>Home</nav></body></html>", feed_text=feed_text))
    assert r.method == "feed"
    assert r.text == feed_text


def test_much_shorter_extraction_falls_back_to_the_feed_text() -> None:
    # the page holds only a teaser; the feed carries the whole article
    teaser = page([ARTICLE[0]])
    feed_text = "\n".join(ARTICLE * 2)
    r = extract_page(PageJob(key="k", url="https://x.com/a", html=teaser, feed_text=feed_text))
    assert r.method == "feed" and r.text == feed_text
    assert r.title == "Nimbus model matches larger rivals"  # page metadata is kept


def test_choose_text_rules() -> None:
    long_page = "x" * 1000
    out = Extracted(key="k", text=long_page)
    choose_text(out, "short feed summary", min_chars=200)
    assert out.method == "page" and out.text == long_page  # a summary never replaces a good page
    out = Extracted(key="k", text="tiny")
    choose_text(out, "", min_chars=200)
    assert out.method == "page" and out.text == "tiny"  # nothing better to fall back to
    out = Extracted(key="k", text="a" * 500, error=None)
    choose_text(out, "b" * 1000, min_chars=200)
    assert out.method == "feed"  # under 60 % of the feed's own content
    out = Extracted(key="k", text="a" * 700)
    choose_text(out, "b" * 1000, min_chars=200)
    assert out.method == "page"
    out = Extracted(key="k", error="extraction failed: ValueError")
    choose_text(out, "feed   text\n\n\n\nmore", min_chars=200)
    assert out.method == "feed" and out.text == "feed text\n\nmore"


def _slow_page(paragraphs: int = 6000) -> bytes:
    return page([f"{ARTICLE[i % 4]} (paragraph {i})" for i in range(paragraphs)])


def test_per_page_time_limit_in_process() -> None:
    start = time.monotonic()
    r = extract_page(PageJob(key="slow", url="", html=_slow_page(), feed_text=" ".join(ARTICLE)), timeout=0.2)
    assert time.monotonic() - start < 1.5
    assert r.error == "extraction took longer than 0.2 s"
    assert r.method == "feed"
    # the library's own ``except Exception`` blocks must not swallow the alarm
    assert not issubclass(_PageTimeout, Exception)


def test_pool_extracts_in_order_and_times_out_one_page() -> None:
    jobs = [PageJob(key=f"p{i}", url=f"https://x.com/{i}", html=page()) for i in range(4)]
    jobs.insert(2, PageJob(key="slow", url="https://x.com/slow", html=_slow_page(20000), feed_text="the feed's own words " * 20))
    seen: list[str] = []
    start = time.monotonic()
    results = extract_pages(jobs, workers=2, timeout=0.5, min_chars=200, progress=lambda r: seen.append(r.key))
    elapsed = time.monotonic() - start
    assert [r.key for r in results] == [j.key for j in jobs] == seen
    slow = results[2]
    assert slow.error == "extraction took longer than 0.5 s" and slow.method == "feed"
    for r in results[:2] + results[3:]:
        assert r.error is None and r.method == "page" and ARTICLE[1] in r.text
    assert elapsed < 20


def test_small_batches_run_in_process() -> None:
    assert extract_pages([]) == []
    (r,) = extract_pages([PageJob(key="a", url="", html=page())], workers=4)
    assert r.method == "page" and ARTICLE[0] in r.text


AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "extraction-aeb"


@pytest.mark.skipif(not (AEB / "ground-truth.json").is_file(), reason=f"AEB data not present at {AEB}")
def test_real_pages_through_the_pool() -> None:
    """Ten real AEB pages: every page yields most of its annotated body."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:10]
    jobs = [PageJob(key=i, url=truth[i].get("url", ""), html=gzip.decompress((AEB / "html" / f"{i}.html.gz").read_bytes())) for i in ids]
    results = extract_pages(jobs, workers=2, timeout=20)
    for r in results:
        body = truth[r.key]["articleBody"]
        words = set(body.split())
        got = set(r.text.split())
        assert r.error is None and r.method == "page"
        assert len(words & got) >= 0.8 * len(words), r.key


def test_relative_lead_image_is_resolved_against_the_page_url() -> None:
    html = page().replace(b"https://news.example.com/img/nimbus.jpg", b"/img/nimbus.jpg")
    r = extract_page(PageJob(key="k", url="https://news.example.com/ai/nimbus", html=html))
    assert r.image == "https://news.example.com/img/nimbus.jpg"


def test_time_limit_leaves_no_alarm_behind() -> None:
    import signal

    before = signal.getsignal(signal.SIGALRM)
    extract_page(PageJob(key="a", url="", html=page()), timeout=5)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_hard_limit_stops_a_worker_the_alarm_cannot_interrupt() -> None:
    """timeout=0 turns the in-worker alarm off, standing in for a worker stuck in C code."""
    jobs = [PageJob(key=f"p{i}", url="", html=page()) for i in range(3)]
    jobs.append(PageJob(key="stuck", url="", html=_slow_page(40_000), feed_text="the feed's own words " * 20))
    start = time.monotonic()
    results = extract_pages(jobs, workers=2, timeout=0, hard_timeout=3.0)
    elapsed = time.monotonic() - start
    assert [r.key for r in results] == [j.key for j in jobs]
    assert results[-1].error == "extraction did not finish within 3 s (worker stopped)"
    assert results[-1].method == "feed"
    assert all(r.method == "page" for r in results[:3])
    assert elapsed < 12, f"{elapsed:.1f} s: the stuck worker was waited for"


def test_the_http_charset_outranks_guessing_and_a_bom_outranks_the_header():
    from briefing.extract import PageJob, charset_of, decode_page, extract_page

    para = "Le café de la rédaction a publié une étude détaillée sur les modèles de langue et leur coût énergétique. " * 4
    html = f"<html><head><title>Étude</title></head><body><article><h1>Étude</h1><p>{para}</p><p>{para}</p></article></body></html>"
    body = html.encode("iso-8859-1")  # no <meta charset>: only the HTTP header says what it is
    assert charset_of("text/html; charset=ISO-8859-1") == "ISO-8859-1"
    assert charset_of('text/html; Charset="utf-8"') == "utf-8"
    assert charset_of("text/html") is None
    got = extract_page(PageJob(key="k", url="https://example.org/a", html=body, charset="ISO-8859-1"), timeout=0)
    assert "café de la rédaction" in got.text
    assert "\ufffd" not in got.text
    assert decode_page(codecs_bom_utf8(), "iso-8859-1") == codecs_bom_utf8()  # a BOM wins: left to the parser
    assert decode_page(body, "no-such-charset") == body  # an unknown name is ignored


def codecs_bom_utf8() -> bytes:
    import codecs

    return codecs.BOM_UTF8 + "café".encode()


def test_a_stream_of_pages_is_taken_as_it_comes() -> None:
    """Pages handed over one by one, as the fetcher delivers them (a generator, its length known
    only as ``expected``), come back in their order, each extracted; an empty stream gives nothing.
    (That extraction overlaps the fetching is measured by the benchmark, not timed here.)"""
    pulled: list[int] = []

    def stream(n: int):
        for i in range(n):
            pulled.append(i)
            yield PageJob(key=f"p{i}", url=f"https://x.com/{i}", html=page())

    seen: list[str] = []
    results = extract_pages(stream(5), workers=2, timeout=20, expected=5, progress=lambda r: seen.append(r.key))
    assert pulled == list(range(5))
    assert [r.key for r in results] == [f"p{i}" for i in range(5)] == seen
    assert all(r.error is None and r.method == "page" and ARTICLE[1] in r.text for r in results)
    assert all(r.worker_cpu > 0 for r in results)  # the workers' CPU, which the run's stage figures add
    assert extract_pages(stream(0), workers=2, expected=3) == []
    (one,) = extract_pages(stream(1), workers=2, expected=1)  # a small stream stays in-process
    assert one.method == "page" and one.worker_cpu == 0.0  # counted in this process's own CPU time
