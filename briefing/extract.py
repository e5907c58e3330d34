"""Article HTML -> main text and metadata, in a process pool.

trafilatura does the extraction. It is CPU-bound (~70 ms a page), so pages go to a process pool
with one worker per core; each page has a time limit enforced inside the worker (SIGALRM), so one
pathological page cannot stall the run. When extraction fails or is much shorter than the feed's
own content, the feed content is used instead and the article says so (``extraction="feed"``).
"""

from __future__ import annotations

import codecs
import multiprocessing
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from urllib.parse import urljoin

_WS = re.compile(r"[ \t\u00a0]+")
_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2,3})", re.I)


@dataclass
class PageJob:
    key: str
    url: str
    html: bytes
    feed_text: str = ""  # plain text of the feed's own content/summary, for the fallback
    charset: str | None = None  # from the HTTP Content-Type header, which outranks a <meta> charset


@dataclass
class Extracted:
    key: str
    text: str = ""
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site_name: str | None = None
    image: str | None = None
    lang: str | None = None
    method: str = "page"  # "page" | "feed"
    error: str | None = None
    worker_cpu: float = 0.0  # CPU seconds a pool worker spent on it (0 in-process: the caller's own CPU time has it)


class _PageTimeout(BaseException):
    """The per-page alarm. Not an ``Exception``: trafilatura wraps some of its passes in ``except
    Exception`` (the recall retry, readability), and an alarm landing there was swallowed, so the
    page ran to its end (the time-limit test failed now and then)."""


_armed = False  # the alarm raises only while a page is being extracted


def _alarm(signum, frame):  # pragma: no cover - runs in the worker
    if _armed:
        raise _PageTimeout()


def _normalise(text: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# trafilatura settings of our extraction path, chosen on the AEB benchmark (181 real pages with
# human-annotated bodies; benchmarks/extraction_aeb.py). Shingle F1 there, trafilatura 2.3.1:
#   favor_recall (the first draft) 0.959, balanced 0.960, favor_precision 0.964,
#   favor_precision + the recall second pass below 0.969 (31 ms CPU a page with the pass gated as below, 45 ms ungated, against 22-25 ms for
#   plain trafilatura.extract, 0.953 default / 0.960 without comments); deduplicate=True loses (0.942-0.951:
#   its cache is process-wide, so one page's paragraphs vanish from the next page of a site).
TRAFILATURA_OPTIONS: dict = {
    "include_comments": False,
    "include_tables": True,  # without tables: 0.955-0.957
    "include_images": False,
    "favor_precision": True,
    "deduplicate": False,
}
# Precision mode sometimes keeps only a fragment of the body (a caption, a teaser). A second,
# cheap recall pass (no fallback extractors) is run too, and wins when the precise text is less
# than SECOND_PASS_RATIO of it. Any ratio from 0.3 to 0.6 gives the same result on AEB.
SECOND_PASS_OPTIONS: dict = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "favor_recall": True,
    "fast": True,
    "deduplicate": False,
}
SECOND_PASS_RATIO = 0.5
# ...but only after a short precise text: on AEB the recall pass is a quarter of the extraction CPU
# (2.0 of 8.0 s for 181 pages) and wins on one page, whose precise text had 24 words (the recall
# text 489). Below this many words it is run; a longer precise text is kept as it is.
SECOND_PASS_BELOW_WORDS = 250


def extract_html(html: bytes | str, url: str | None = None, options: dict | None = None, second_pass: bool | None = None) -> dict:
    """Main text and metadata of one page with trafilatura (in the calling process).

    ``options`` replaces TRAFILATURA_OPTIONS and then, unless ``second_pass`` is True, turns the
    second pass off (the benchmark uses both to compare settings one by one).
    """
    import trafilatura

    opts = TRAFILATURA_OPTIONS if options is None else options
    if second_pass is None:
        second_pass = options is None
    tree = trafilatura.load_html(html)  # parsed once; bare_extraction copies a tree it is given
    if tree is None:
        return {}
    doc = trafilatura.bare_extraction(tree, url=url, with_metadata=True, **opts)
    data = (doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)) if doc is not None else {}
    if second_pass and len((data.get("text") or "").split()) < SECOND_PASS_BELOW_WORDS:
        other = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **SECOND_PASS_OPTIONS)
        other_text = _normalise(other.text or "") if other is not None else ""
        if len(_normalise(data.get("text") or "")) < SECOND_PASS_RATIO * len(other_text):
            data["text"] = other_text
            data["extraction_pass"] = "recall"
    return data


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_page(body: bytes | str, charset: str | None) -> bytes | str:
    """The page as text when its HTTP header names a charset, else the bytes for trafilatura to
    sniff. As in browsers (the HTML encoding-sniffing rules): a byte-order mark wins, then the
    HTTP header, then the page's own <meta> (trafilatura's guess). An unknown charset name is ignored."""
    if not charset or isinstance(body, str) or body.startswith(_BOMS):
        return body
    try:
        codecs.lookup(charset)
    except LookupError:
        return body
    return body.decode(charset, errors="replace")


def charset_of(content_type: str | None) -> str | None:
    """``text/html; charset=ISO-8859-1`` -> ``ISO-8859-1``."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            return value.strip().strip("\"'")
    return None


_in_pool = False  # set in pool workers


def _worker_start() -> None:
    """Pool workers leave Ctrl-C to the parent (a terminal sends it to the whole process group):
    the parent stops the run and shuts the pool down; a worker only finishes its page."""
    global _in_pool
    _in_pool = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()


def extract_page(
    job: PageJob, timeout: float = 20.0, min_chars: int = 200, options: dict | None = None, second_pass: bool | None = None
) -> Extracted:
    """One page through the whole path: extraction, normalisation, feed fallback.

    Runs in a worker process (or in-process for small batches and the benchmark).
    """
    out = Extracted(key=job.key)
    cpu = time.process_time()
    # signals work only in a main thread (the scheduler runs jobs in threads: no limit there)
    global _armed
    timeout = timeout if threading.current_thread() is threading.main_thread() else 0
    previous = None
    if timeout > 0:
        previous = signal.signal(signal.SIGALRM, _alarm)
        _armed = True
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        data = extract_html(decode_page(job.html, job.charset), job.url, options, second_pass)
        out.text = _normalise(data.get("text") or "")
        out.title = data.get("title") or None
        out.date = data.get("date") or None
        out.author = data.get("author") or None
        out.site_name = data.get("sitename") or None
        image = data.get("image") or None
        out.image = urljoin(job.url, image) if image and job.url else image  # og:image may be relative
        m = _LANG.search(job.html[:4096] if isinstance(job.html, bytes) else job.html[:4096].encode())
        out.lang = (data.get("language") or (m.group(1).decode().lower() if m else None)) or None
    except _PageTimeout:
        out.error = f"extraction took longer than {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - a broken page must not end the run
        out.error = f"extraction failed: {type(exc).__name__}: {exc}"
    finally:
        # disarm first: an alarm landing between the work and the reset must not escape
        _armed = False
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
    choose_text(out, job.feed_text, min_chars)
    if _in_pool:  # a pool worker: the parent's CPU figures miss it
        out.worker_cpu = time.process_time() - cpu
    return out


def choose_text(out: Extracted, feed_text: str, min_chars: int) -> None:
    """Fall back to the feed's own text when extraction failed or is much shorter."""
    feed_text = _normalise(feed_text or "")
    too_short = len(out.text) < min_chars
    much_shorter = len(feed_text) > 0 and len(out.text) < 0.6 * len(feed_text)
    if feed_text and (out.error or too_short or much_shorter) and len(feed_text) > len(out.text):
        out.text = feed_text
        out.method = "feed"


_WARM_PAGE = (
    '<html lang="en"><head><title>Warm up | Site</title><meta property="og:title" content="Warm up">'
    '<meta name="author" content="A. Writer"><meta property="article:published_time" content="2026-01-02T03:04:05Z">'
    '</head><body><nav><a href="/">Home</a></nav><article><h1>Warm up</h1>'
    + "".join(f"<p>Sentence number {i} of a page that exercises the extractor, its fallbacks and its date parser.</p>" for i in range(12))
    + "</article><footer>Footer</footer></body></html>"
).encode()


def warm_up() -> None:
    """Run one realistic page first: imports and lazy set-up (fallbacks, date parsing, stop lists,
    ~0.1 s after the imports) must not count against the first real page's time limit."""
    extract_html(_WARM_PAGE, "https://example.com/warm-up")
    try:  # the public-suffix list behind site names: ~0.8 s to load on first use
        from courlan import extract_domain

        extract_domain("https://www.example.co.uk/warm-up")
    except ImportError:  # pragma: no cover - courlan comes with trafilatura
        pass


def default_workers(setting: int) -> int:
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


def extract_pages(
    jobs: Iterable[PageJob],
    *,
    workers: int = 0,
    timeout: float = 20.0,
    min_chars: int = 200,
    progress: Callable[[Extracted], None] | None = None,
    hard_timeout: float | None = None,
    expected: int | None = None,
) -> list[Extracted]:
    """Extract every page; results in the order of ``jobs``. Small batches stay in-process.

    ``jobs`` may be a list or a stream (an iterator yielding pages as they are fetched, with
    ``expected`` their number at most): each is handed to a worker as it comes, so extraction
    overlaps the fetching, and the pool starts (and warms up) while the first pages are on their way.
    ``timeout`` is the per-page limit inside the worker (an alarm). ``hard_timeout`` (default
    3 x timeout + 30 s) is the backstop for a worker the alarm cannot interrupt (stuck inside C
    code): its page falls back to the feed text, and the pool's processes are killed at the end
    instead of being waited for, so one such page cannot hang a cron run.
    """
    if isinstance(jobs, list | tuple):
        expected = len(jobs)
    if expected is not None and expected == 0:
        return []
    n = default_workers(workers)
    results: list[Extracted] = []
    if n == 1 or (expected is not None and expected < 4):
        warmed = False
        for job in jobs:
            if not warmed:
                warm_up()
                warmed = True
            r = extract_page(job, timeout, min_chars)
            results.append(r)
            if progress:
                progress(r)
        return results
    hard = hard_timeout if hard_timeout is not None else timeout * 3 + 30
    # forkserver: workers do not inherit the parent's threads, sockets or the loaded model
    ctx = multiprocessing.get_context("forkserver")
    pool = ProcessPoolExecutor(max_workers=min(n, expected or n), mp_context=ctx, initializer=_worker_start)
    stuck = False
    try:
        submitted = [(job, pool.submit(extract_page, job, timeout, min_chars)) for job in jobs]
        for job, fut in submitted:
            try:
                r = fut.result(timeout=hard)
            except TimeoutError:
                stuck = True
                r = Extracted(key=job.key, error=f"extraction did not finish within {hard:g} s (worker stopped)")
                choose_text(r, job.feed_text, min_chars)
            except Exception as exc:  # noqa: BLE001 - a dead worker costs one page, not the run
                r = Extracted(key=job.key, error=f"extraction worker failed: {type(exc).__name__}")
                choose_text(r, job.feed_text, min_chars)
            results.append(r)
            if progress:
                progress(r)
    finally:
        if stuck:
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.kill()
        pool.shutdown(wait=not stuck, cancel_futures=True)
    return results
