"""Article HTML -> main text and metadata, in a process pool.

trafilatura does the extraction. It is CPU-bound (~70 ms a page), so pages go to a process pool
with one worker per core; each page has a time limit enforced inside the worker (SIGALRM), so one
pathological page cannot stall the run. When extraction fails or is much shorter than the feed's
own content, the feed content is used instead and the article says so (``extraction="feed"``).
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

_WS = re.compile(r"[ \t\u00a0]+")
_LANG = re.compile(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2,3})", re.I)


@dataclass
class PageJob:
    key: str
    url: str
    html: bytes
    feed_text: str = ""  # plain text of the feed's own content/summary, for the fallback


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


class _PageTimeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - runs in the worker
    raise _PageTimeout()


def _normalise(text: str) -> str:
    lines = [_WS.sub(" ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def extract_html(html: bytes | str, url: str | None = None) -> dict:
    """Main text and metadata of one page with trafilatura (in the calling process)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        favor_recall=True,
        deduplicate=False,
    )
    if doc is None:
        return {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    return data


def _work(job: PageJob, timeout: float, min_chars: int) -> Extracted:
    """Runs in a worker process."""
    out = Extracted(key=job.key)
    # signals work only in a main thread (the scheduler runs jobs in threads: no limit there)
    timeout = timeout if threading.current_thread() is threading.main_thread() else 0
    if timeout > 0:
        signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        data = extract_html(job.html, job.url)
        out.text = _normalise(data.get("text") or "")
        out.title = data.get("title") or None
        out.date = data.get("date") or None
        out.author = data.get("author") or None
        out.site_name = data.get("sitename") or None
        out.image = data.get("image") or None
        m = _LANG.search(job.html[:4096] if isinstance(job.html, bytes) else job.html[:4096].encode())
        out.lang = (data.get("language") or (m.group(1).decode().lower() if m else None)) or None
    except _PageTimeout:
        out.error = f"extraction took longer than {timeout:g} s"
    except Exception as exc:  # noqa: BLE001 - a broken page must not end the run
        out.error = f"extraction failed: {type(exc).__name__}: {exc}"
    finally:
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
    choose_text(out, job.feed_text, min_chars)
    return out


def choose_text(out: Extracted, feed_text: str, min_chars: int) -> None:
    """Fall back to the feed's own text when extraction failed or is much shorter."""
    feed_text = _normalise(feed_text or "")
    too_short = len(out.text) < min_chars
    much_shorter = len(feed_text) > 0 and len(out.text) < 0.6 * len(feed_text)
    if feed_text and (out.error or too_short or much_shorter) and len(feed_text) > len(out.text):
        out.text = feed_text
        out.method = "feed"


def default_workers(setting: int) -> int:
    return setting if setting > 0 else max(1, os.cpu_count() or 1)


def extract_pages(
    jobs: Iterable[PageJob],
    *,
    workers: int = 0,
    timeout: float = 20.0,
    min_chars: int = 200,
    progress: Callable[[Extracted], None] | None = None,
) -> list[Extracted]:
    """Extract every page; results in the order of ``jobs``. Small batches stay in-process."""
    jobs = list(jobs)
    if not jobs:
        return []
    n = default_workers(workers)
    results: list[Extracted] = []
    if n == 1 or len(jobs) < 4:
        for job in jobs:
            r = _work(job, timeout, min_chars)
            results.append(r)
            if progress:
                progress(r)
        return results
    # forkserver: workers do not inherit the parent's threads, sockets or the loaded model
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=min(n, len(jobs)), mp_context=ctx) as pool:
        futures = [pool.submit(_work, job, timeout, min_chars) for job in jobs]
        for job, fut in zip(jobs, futures, strict=True):
            try:
                r = fut.result(timeout=timeout * 3 + 30)
            except Exception as exc:  # noqa: BLE001 - a dead worker costs one page, not the run
                r = Extracted(key=job.key, error=f"extraction worker failed: {type(exc).__name__}")
                choose_text(r, job.feed_text, min_chars)
            results.append(r)
            if progress:
                progress(r)
    return results
