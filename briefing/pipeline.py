"""The only place where stages meet: each stage takes plain data and returns plain data.

One run: config -> fetch feeds -> parse -> rules -> fetch pages -> extract -> store -> embed ->
dedupe -> cluster -> continuity -> summarize -> sections + rank -> render -> deliver. Every
durable step is committed before the next one starts, so a run killed at any point loses nothing
and the next run picks up where it stopped (articles stored are not fetched again, deliveries
recorded are not sent again).
"""

from __future__ import annotations

import gc
import hashlib
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from . import __version__, continuity, dedupe, extract, fetch, filters, parse, rank, render, summarize
from . import cluster as clustering
from .config import Config, FeedConfig, resolve_paths
from .embed import Embedder, Prefetch
from .embed import preload as embed_preload
from .errors import EXIT_FAILED, EXIT_NOTHING, EXIT_OK, EXIT_PARTIAL
from .models import (
    Article,
    ArticleGroup,
    Digest,
    Encoder,
    Entry,
    FeedHealth,
    FetchResult,
    Story,
    digest_from_dict,
    digest_to_dict,
)
from .progress import Reporter
from .store import Store
from .timing import Stages


@dataclass
class RunResult:
    exit_code: int
    digest: Digest | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# -- merging (shared with `briefing eval clustering`) --------------------------------------------
def merge_stories(articles: list[Article], encoder: Encoder, cfg: Config) -> list[Story]:
    """embed -> dedupe -> cluster: the merging that both `briefing run` and `briefing eval clustering`
    use, every story with its evidence."""
    stories, explain = merge_window(articles, encoder, cfg)
    explain(stories)
    return stories


def kernels_preload() -> threading.Thread:
    """Import numba and load the compiled dedupe and clustering loops from its cache in a background
    thread (~1 s, mostly imports), as ``embed.preload`` does for the model."""

    def work() -> None:
        try:
            from .kernels import warm

            warm()
        except Exception:  # noqa: BLE001 - reported by the real call
            pass

    t = threading.Thread(target=work, name="kernels-preload", daemon=True)
    t.start()
    return t


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector off for an allocation-heavy stage: merging a window makes millions
    of small objects (tokens, name runs, heap entries) and no reference cycles, and each collection
    rescans every article the run holds. 1.4-1.8 s of 12 on a 20,000-article window."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def merge_window(articles: list[Article], encoder: Encoder, cfg: Config, timings: dict[str, float] | None = None,
                 ) -> tuple[list[Story], clustering.Explainer]:
    """``merge_stories`` without the evidence: the explainer returned adds it to the stories a digest
    shows. ``timings`` (when given) receives the seconds of ``dedupe`` (with the embedding of the
    groups' primaries) and of ``cluster``."""
    with _gc_paused():
        return _merge_window(articles, encoder, cfg, timings if timings is not None else {})


def _merge_window(articles: list[Article], encoder: Encoder, cfg: Config, timings: dict[str, float],
                  ) -> tuple[list[Story], clustering.Explainer]:
    if not articles:
        return [], clustering.Explainer(None, [])
    start = time.perf_counter()
    c = cfg.cluster
    # Copies first, by shingles alone (a wire copy need not be embedded: it is one group with its
    # original); then the groups' primaries are embedded and the short texts among them, where a
    # few changed words move Jaccard a lot, are confirmed as copies by their vectors.
    embedded: list[tuple[list[Article], np.ndarray]] = []

    def embed_primaries(primaries: list[Article]) -> np.ndarray:
        vectors = np.asarray(encoder([clustering.embed_text(ArticleGroup(a)) for a in primaries]), dtype=np.float32)
        embedded.append((primaries, vectors))
        return vectors

    groups = dedupe.collapse_copies(articles, None, jaccard_threshold=c.copy_jaccard, confirm=embed_primaries)
    primaries, vectors = embedded[0]
    row = {id(a): i for i, a in enumerate(primaries)}
    group_vectors = vectors[[row[id(g.primary)] for g in groups]]
    timings["dedupe"] = time.perf_counter() - start
    start = time.perf_counter()
    merged = clustering.merge_groups(
        groups,
        encoder,
        threshold=c.threshold,
        window_hours=c.window_hours,
        vectors=group_vectors,
        weights=(c.weight_embedding, c.weight_words, c.weight_names),
        neighbours=c.neighbours,
        same_outlet_hours=c.same_outlet_hours,
        same_outlet_min=c.same_outlet_min,
    )
    timings["cluster"] = time.perf_counter() - start
    return merged


# -- the daily run -------------------------------------------------------------------------------
def digest_clock(cfg: Config, date: str | None, now: datetime | None) -> tuple[str, datetime]:
    """The digest's date and the reference time of the run (end of that day when replaying a date)."""
    tz = ZoneInfo(cfg.briefing.timezone)
    if date:
        day = datetime.fromisoformat(date).date()
        end = datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=tz)
        current = now or datetime.now(UTC)
        ref = min(end.astimezone(UTC), current) if current.astimezone(tz).date() == day else end.astimezone(UTC)
        return day.isoformat(), ref
    ref = (now or datetime.now(UTC)).astimezone(UTC)
    return ref.astimezone(tz).date().isoformat(), ref


def make_embedder(cfg: Config, store: Store | None, reporter: Reporter | None = None) -> Embedder:
    return Embedder(
        cfg.embed.model,
        batch_size=cfg.embed.batch_size,
        max_tokens=cfg.embed.max_tokens,
        cache_get=store.get_embeddings if store else None,
        cache_put=store.put_embeddings if store else None,
    )


def fetch_feeds(cfg: Config, store: Store, reporter: Reporter, now: datetime) -> tuple[list[tuple[FeedConfig, FetchResult | None]], list[str]]:
    """Fetch every enabled feed that is not disabled or waiting out a Retry-After."""
    requests: list[fetch.FetchRequest] = []
    skipped: list[tuple[FeedConfig, None]] = []
    notes: list[str] = []
    for feed in cfg.feeds:
        if not feed.enabled:
            continue
        state = store.ensure_feed(feed.name, feed.url)
        if state.get("disabled"):
            skipped.append((feed, None))
            continue
        until = state.get("retry_after_until")
        if until and datetime.fromisoformat(until) > now:
            notes.append(f"{feed.name}: waiting until {until} (Retry-After)")
            skipped.append((feed, None))
            continue
        requests.append(
            fetch.FetchRequest(
                key=feed.name, url=state.get("permanent_url") or feed.url, etag=state.get("etag"),
                last_modified=state.get("last_modified"), headers=feed.headers, user_agent=feed.user_agent, kind="feed",
            )
        )
    with reporter.task("Fetching feeds", len(requests)) as advance:
        results = fetch.fetch_many(requests, cfg.fetch, progress=lambda r: advance(1))
    by_name = {feed.name: feed for feed in cfg.feeds}
    return [(by_name[req.key], res) for req, res in zip(requests, results, strict=True)] + skipped, notes


def _entry_text(entry: Entry) -> str:
    return parse.html_to_text(entry.content_html) if entry.content_html else entry.summary


def _feed_has_article(entry: Entry, min_words: int) -> bool:
    """True when the feed item already carries the whole article (so fetching its page buys nothing)."""
    return bool(min_words > 0 and entry.content_html and len(_entry_text(entry).split()) >= min_words)


def collect_articles(
    cfg: Config, store: Store, fetched: list[tuple[FeedConfig, FetchResult | None]], reporter: Reporter, now: datetime,
    stats: dict[str, Any], on_new: Callable[[], Any] | None = None, stages: Stages | None = None,
) -> dict[str, FeedHealth]:
    """Parse feeds, apply rules, fetch and extract new pages, and store the articles. ``on_new`` is
    called once when there is something new (the run starts loading the model then)."""
    stages = stages or Stages()
    with stages.stage("parse+rules") as rec:
        health, validators, candidates = _new_entries(cfg, store, fetched, stats, now)
        rec["items"] = len(candidates)
    # newest first, so a cap on pages keeps what matters today
    candidates.sort(key=lambda fe: fe[1].published or now, reverse=True)
    if candidates and on_new is not None:
        on_new()
    page_wanted = [(f, e) for f, e in candidates if f.full_text and cfg.extract.enabled and e.link
                   and not _feed_has_article(e, cfg.extract.skip_if_feed_words)][: cfg.extract.max_pages]
    wanted_ids = {(f.name, e.entry_id) for f, e in page_wanted}
    with stages.stage("fetch+extract pages", items=len(page_wanted)) as rec:
        by_key = {f"{f.name}\x1f{e.entry_id}": (f, e) for f, e in page_wanted}
        requests = [fetch.FetchRequest(key=key, url=e.link, headers=f.headers, user_agent=f.user_agent, kind="page")
                    for key, (f, e) in by_key.items()]
        extracted = _pages(requests, by_key, cfg, reporter, stats)
        rec["worker_cpu"] = sum(x.worker_cpu for x in extracted.values())
    with stages.stage("store", items=len(candidates)):
        _store_articles(cfg, store, candidates, extracted, wanted_ids, validators, stats, now)
    return health


def _new_entries(cfg: Config, store: Store, fetched: list[tuple[FeedConfig, FetchResult | None]], stats: dict[str, Any],
                 now: datetime) -> tuple[dict[str, FeedHealth], dict[str, tuple[str | None, str | None]], list[tuple[FeedConfig, Entry]]]:
    """Each feed's health, its validators to commit once stored, and its new entries the rules keep."""
    health: dict[str, FeedHealth] = {}
    validators: dict[str, tuple[str | None, str | None]] = {}
    candidates: list[tuple[FeedConfig, Entry]] = []
    for feed, res in fetched:
        state = store.feed_state(feed.name) or {}
        if res is None:
            health[feed.name] = FeedHealth(
                feed.name, feed.url, ok=not state.get("disabled"), status=state.get("last_status"),
                error=state.get("disabled_reason") or state.get("last_error") or "skipped",
                consecutive_failures=state.get("consecutive_failures", 0), disabled=bool(state.get("disabled")),
            )
            continue
        entries: list[Entry] = []
        error = res.error
        if res.ok and not res.not_modified:
            try:
                entries = parse.parse_feed(feed.name, res.body, res.headers, res.final_url or feed.url, now=now)
            except parse.FeedParseError as exc:
                error = str(exc)
        ok = error is None
        # The validators (ETag, Last-Modified) are committed only after this fetch's articles are
        # stored (below): committed now, a run killed before then would get 304 next time and
        # never store these items.
        if ok and (res.etag or res.last_modified):
            validators[feed.name] = (res.etag, res.last_modified)
        state = store.record_feed_fetch(
            feed.name, ok=ok, status=res.status, error=error,
            permanent_url=res.permanent_redirect, items=len(entries) if ok and not res.not_modified else None,
            retry_after_until=fetch.retry_until(res, cfg.fetch.max_retry_after, now),
            disable_reason="410 Gone: the feed was removed by its site; remove it from feeds.toml or set a new url" if res.gone else None,
            max_failures=cfg.fetch.max_failures,
        )
        seen = store.seen_entry_ids(feed.name, [x.entry_id for x in entries])
        new_entries = [e for e in entries if e.entry_id not in seen]
        decisions = filters.filter_entries(new_entries, feed, fetch_page=feed.full_text and cfg.extract.enabled)
        dropped = [(e.entry_id, e.title, e.link, e.published) for e, d in decisions if not d.keep]
        if dropped:
            store.mark_entries(feed.name, dropped, "dropped")
        kept = [e for e, d in decisions if d.keep]
        candidates += [(feed, e) for e in kept]
        health[feed.name] = FeedHealth(
            feed.name, feed.url, ok=ok, status=res.status, items=len(entries), new_items=len(kept), error=error,
            consecutive_failures=state.get("consecutive_failures", 0), disabled=bool(state.get("disabled")),
        )
        stats["entries_seen"] = stats.get("entries_seen", 0) + len(entries) - len(new_entries)
        stats["entries_dropped"] = stats.get("entries_dropped", 0) + len(dropped)
    return health, validators, candidates


def _store_articles(cfg: Config, store: Store, candidates: list[tuple[FeedConfig, Entry]], extracted: dict[str, extract.Extracted],
                    wanted_ids: set[tuple[str, str]], validators: dict[str, tuple[str | None, str | None]],
                    stats: dict[str, Any], now: datetime) -> None:
    """The articles of the new entries (page text, else the feed's), through the article rules, stored;
    then the feeds' validators, so a run killed before this point fetches these items again."""
    articles: list[Article] = []
    dropped_after: dict[str, list[tuple[str, str, str | None, datetime | None]]] = {}
    for f, e in candidates:
        key = f"{f.name}\x1f{e.entry_id}"
        x = extracted.get(key)
        text = x.text if x and x.text else _entry_text(e)
        method = (x.method if x and x.text else ("feed" if e.content_html else "summary")) if (f.name, e.entry_id) in wanted_ids else ("feed" if e.content_html else "summary")
        article = Article(
            id=None, entry_id=e.entry_id, feed=f.name, source=f.name, url=e.link, title=e.title or (x.title if x else "") or "",
            text=text or e.title, published=e.published or now, author=e.author or (x.author if x else None),
            site_name=x.site_name if x else None, image=e.image or (x.image if x else None), lang=x.lang if x else None,
            content_hash=parse.content_hash(e.title, text or ""), weight=f.weight, tags=list(f.tags), extraction=method,
        )
        decision = filters.filter_article(article, f, summary=e.summary)
        article.lang = article.lang or getattr(decision, "lang", None)
        if decision.keep:
            articles.append(article)
        else:
            dropped_after.setdefault(f.name, []).append((e.entry_id, e.title, e.link, e.published))
    for feed_name, rows in dropped_after.items():
        store.mark_entries(feed_name, rows, "dropped")
    store.save_articles(articles)
    for feed_name, (etag, last_modified) in validators.items():
        store.set_validators(feed_name, etag, last_modified)
    stats["articles_new"] = len(articles)
    stats["entries_dropped"] = stats.get("entries_dropped", 0) + sum(len(v) for v in dropped_after.values())
    stats["pages_extracted"] = sum(1 for x in extracted.values() if x.method == "page")


def _pages(requests: list[fetch.FetchRequest], by_key: dict[str, tuple[FeedConfig, Entry]], cfg: Config,
           reporter: Reporter, stats: dict[str, Any]) -> dict[str, extract.Extracted]:
    """Fetch the pages and extract them, overlapped: each page goes to an extraction worker as soon
    as it arrives (the fetches run in a thread), so the network wait hides behind the extraction."""
    if not requests:
        return {}
    jobs: queue.SimpleQueue[extract.PageJob | None] = queue.SimpleQueue()
    failed: list[BaseException] = []
    with reporter.task("Pages", 2 * len(requests)) as advance:

        def arrived(req: fetch.FetchRequest, res: FetchResult) -> None:
            f, e = by_key[req.key]
            advance(1)
            if res.ok and res.body:
                jobs.put(extract.PageJob(key=req.key, url=res.final_url or e.link or "", html=res.body, feed_text=_entry_text(e),
                                         charset=extract.charset_of(res.headers.get("content-type"))))
            else:
                stats["page_errors"] = stats.get("page_errors", 0) + 1
                advance(1)

        def fetching() -> None:
            try:
                fetch.fetch_many(requests, cfg.fetch, on_result=arrived)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread below
                failed.append(exc)
            finally:
                jobs.put(None)

        def stream() -> Iterator[extract.PageJob]:
            while (job := jobs.get()) is not None:
                yield job

        fetcher = threading.Thread(target=fetching, name="page-fetch", daemon=True)
        fetcher.start()
        # (an interrupted extraction does not wait for the fetches: the thread is a daemon)
        done = extract.extract_pages(
            stream(), workers=cfg.extract.workers, timeout=cfg.extract.page_timeout, min_chars=cfg.extract.min_chars,
            progress=lambda r: advance(1), expected=len(requests))
        fetcher.join()
    if failed:
        raise failed[0]
    return {x.key: x for x in done}


def window_articles(cfg: Config, store: Store, now: datetime) -> list[Article]:
    """The articles a digest made at ``now`` is built from: the last ``window_hours``."""
    start = now - timedelta(hours=cfg.briefing.window_hours)
    return store.articles_between(start, now + timedelta(seconds=1))


def build_digest(
    cfg: Config, store: Store, date: str, now: datetime, encoder: Encoder, health: list[FeedHealth], reporter: Reporter,
    *, record: bool = True, stages: Stages | None = None, articles: list[Article] | None = None,
) -> Digest:
    """Cluster the window's articles (``window_articles``, unless given) into stories, continue
    earlier stories, summarize, rank, section."""
    stages = stages or Stages()
    if articles is None:
        with stages.stage("load window") as rec:
            articles = window_articles(cfg, store, now)
            rec["items"] = len(articles)
    reporter.log(f"Merging {len(articles)} articles from the last {cfg.briefing.window_hours} hours")
    with (reporter.task("Embedding", len(articles)) as advance,
          _embed_stage(stages, "embed+dedupe+cluster", encoder, len(articles)),
          _progress_of(encoder, advance) as done):
        stories, explain = merge_window(articles, encoder, cfg)
        advance(max(0, len(articles) - done[0]))  # wire copies are grouped, never embedded: the bar ends full
    with _embed_stage(stages, "continuity+sections+rank", encoder, len(stories)):
        history = continuity.load_history(store, before=date)
        stories = continuity.link_stories(stories, history, encoder, date=date)
        # Sections and ranking read titles, not summaries, so only the stories that can reach the digest
        # are summarized: the top new ones and every continuing one (summarizing is the costly stage).
        sections = clustering.assign_sections(stories, cfg.topics, encoder, min_similarity=cfg.cluster.topic_min_similarity)
        ranked = rank.rank_stories(
            [s for sec in sections for s in sec.stories], now=now, topics=cfg.topics, half_life_hours=cfg.cluster.half_life_hours
        )
    new_ones = [s for s in ranked if s.day <= 1][: cfg.briefing.max_stories]
    chosen = [s for s in ranked if s.day > 1] + new_ones
    explain(chosen)  # why each shown story's articles were merged (only those: it is read on the page)
    for story in stories:
        story.headline = story.headline or story.groups[0].primary.title
    with _embed_stage(stages, "summarize", encoder, len(chosen)):
        parts: list[tuple[Story, Story]] = []
        for story in chosen:
            part = continuity.new_part(story, history)
            if part is None:  # a continuing story with no new article: nothing to summarize
                story.takeaways, story.has_news = [], False
            else:
                parts.append((story, part))
        summarize_many([p for _, p in parts], encoder, cfg, store, reporter)
        for story, part in parts:
            if part is not story:
                _take_summary(story, part)
    with _embed_stage(stages, "keep new+record", encoder, len(chosen)):
        fresh, no_news = continuity.keep_new(chosen, history, encoder)
        fresh_ids = {id(s) for s in fresh}
        keep = {id(s) for s in [s for s in ranked if id(s) in fresh_ids][: cfg.briefing.max_stories]}
        for sec in sections:
            sec.stories = sorted((s for s in sec.stories if id(s) in keep), key=lambda s: -s.score)
        # sections by their best story; "Other" last
        sections = sorted((sec for sec in sections if sec.stories), key=lambda sec: (sec.name == "Other", -sec.stories[0].score))
        ranked = [s for s in ranked if id(s) in keep]
        digest = Digest(
            date=date, title=cfg.briefing.title, sections=sections, feed_health=health, continuing_no_news=len(no_news),
            generated_at=datetime.now(UTC), site_url=cfg.briefing.site_url or None,
            stats={"articles": len(articles), "outlets": len({a.source for a in articles}), "stories": len(ranked)},
        )
        if record:
            continuity.record(store, digest, stories, encoder)
    return digest


@contextmanager
def _embed_stage(stages: Stages, name: str, encoder: Encoder, items: int) -> Iterator[dict[str, Any]]:
    """A stage whose record also says how much of it the model spent embedding (cache misses)."""
    before = (encoder.seconds, encoder.encoded) if isinstance(encoder, Embedder) else (0.0, 0)
    with stages.stage(name, items=items) as rec:
        try:
            yield rec
        finally:
            if isinstance(encoder, Embedder):
                rec["embed_s"] = encoder.seconds - before[0]
                rec["embedded"] = encoder.encoded - before[1]


def summarize_many(stories: list[Story], encoder: Encoder, cfg: Config, store: Store | None, reporter: Reporter) -> None:
    """Headline, summary, takeaways and disagreements of each story, read from a bounded view of
    it (``[summarizer] max_articles`` and ``article_words``); the outlets outside the view are then
    credited behind each takeaway they state. Extractive, or with ``kind = "llm"`` the LLM's when
    they validate. What the extractive summarizer and the crediting embed is embedded first, for
    all stories in one call each (``embed.Prefetch``)."""
    s = cfg.summarizer
    memo = Prefetch(encoder)
    views = [summarize.summary_view(story, s.max_articles, s.article_words) for story in stories]
    if s.kind != "llm":
        _prefetch(memo, [t for v in views for t in summarize.texts_to_embed(v)], encoder, reporter, "Reading sentences")
    with reporter.task("Summarizing", len(stories)) as advance:
        for view in views:
            if s.kind != "llm":
                summarize.summarize_story(view, memo, takeaways=s.takeaways, max_words=s.max_words)
            else:
                from . import llm

                llm.summarize_story_llm(
                    view, memo, llm.settings_from_config(s), takeaways=s.takeaways, max_words=s.max_words,
                    cache_get=store.llm_cache_get if store else None, cache_put=store.llm_cache_put if store else None,
                )
            advance(1)
    cut = [(story, view) for story, view in zip(stories, views, strict=True) if view is not story]
    for story, view in cut:
        _take_summary(story, view)
    cands = [summarize.rest_candidates(story, view.articles) for story, view in cut]
    _prefetch(memo, [t for (story, _), c in zip(cut, cands, strict=True) for t in summarize.rest_texts(story, c)], encoder,
              reporter, "Crediting outlets")
    for (story, view), c in zip(cut, cands, strict=True):
        summarize.attribute_rest(story, view.articles, memo, candidates=c)


def _prefetch(memo: Prefetch, texts: list[str], encoder: Encoder, reporter: Reporter, label: str) -> None:
    """Embed ``texts`` in one call, with a progress bar counting them."""
    total = len(set(texts))
    with reporter.task(label, total) as advance, _progress_of(encoder, advance) as done:
        memo.prefetch(texts)
        advance(max(0, total - done[0]))  # texts the memo had already (a takeaway is a sentence read before)


@contextmanager
def _progress_of(encoder: Encoder, advance: Callable[[int], Any]) -> Iterator[list[int]]:
    """For the block, the texts an ``Embedder`` embeds or finds cached advance a progress bar;
    yields their running count (``[n]``)."""
    done = [0]

    def step(n: int = 1) -> None:
        done[0] += n
        advance(n)

    if isinstance(encoder, Embedder):
        encoder.progress = step
    try:
        yield done
    finally:
        if isinstance(encoder, Embedder):
            encoder.progress = None


def _take_summary(story: Story, read: Story) -> None:
    """What the summarizer wrote on a part or view of ``story``, onto the story itself."""
    story.headline, story.summary = read.headline, read.summary
    story.takeaways, story.disagreements = read.takeaways, read.disagreements


def write_outputs(cfg: Config, store: Store, digest: Digest, out_dir: Path) -> list[Path]:
    outputs: list[Path] = []
    if cfg.output.web:
        history = [digest_from_dict(d) for d in (store.get_digest(x) for x in store.digest_dates()) if d]
        outputs += render.write_site(out_dir, digest, history, fmt=cfg.output.format)
    if cfg.output.email_files:
        from . import deliver

        outputs.append(deliver.write_digest_eml(digest, cfg, out_dir))
    return outputs


def run(
    cfg: Config,
    *,
    date: str | None = None,
    now: datetime | None = None,
    reporter: Reporter | None = None,
    send: bool = True,
    out_dir: Path | None = None,
    store: Store | None = None,
) -> RunResult:
    """One daily run. The caller holds the run lock."""
    reporter = reporter or Reporter(quiet=True)
    paths = resolve_paths(cfg)
    out_dir = Path(out_dir) if out_dir else paths.output
    own_store = store is None
    store = store or Store(paths.db)
    stats: dict[str, Any] = {}
    problems: list[str] = []
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    date, ref = digest_clock(cfg, date, now)
    run_id = store.start_run(date)
    stages = Stages()
    preloading: list[threading.Thread] = []
    try:
        with stages.stage("fetch_feeds", items=len(cfg.feeds)):
            fetched, notes = fetch_feeds(cfg, store, reporter, ref)
        timings["fetch_feeds"] = time.monotonic() - t0
        # new entries mean embedding and merging later: the model and the compiled loops load in
        # the background meanwhile
        health_map = collect_articles(cfg, store, fetched, reporter, ref, stats,
                                      on_new=lambda: preloading.extend([embed_preload(cfg.embed.model), kernels_preload()]),
                                      stages=stages)
        timings["collect"] = time.monotonic() - t0 - timings["fetch_feeds"]
        health = [health_map[f.name] for f in cfg.feeds if f.name in health_map]
        stats["feeds_ok"] = sum(1 for h in health if h.ok)
        stats["feeds_failed"] = sum(1 for h in health if not h.ok)
        problems += [f"feed {h.feed}: {h.error}" + (" (disabled)" if h.disabled else "") for h in health if not h.ok]
        problems += notes
        encoder = make_embedder(cfg, store, reporter)
        t1 = time.monotonic()
        with stages.stage("load window+unchanged?") as rec:
            window = window_articles(cfg, store, ref)
            rec["items"] = len(window)
            key = digest_key(cfg, store, date, window)
            digest = unchanged_digest(store, date, key, health)
        if digest is None:
            digest = build_digest(cfg, store, date, ref, encoder, health, reporter, stages=stages, articles=window)
            digest.stats["run_key"] = key
        else:  # the warm path: nothing new since this digest was built; no model, no clustering
            stats["digest_reused"] = True
        timings["digest"] = time.monotonic() - t1
        stats["stories"] = len(digest.stories)
        stats["continuing_no_news"] = digest.continuing_no_news
        store.save_digest(date, digest.title, digest_to_dict(digest), [
            {"id": s.id, "rank": i, "headline": s.headline, "takeaways": [t.text for t in s.takeaways]}
            for i, s in enumerate(digest.stories)
        ])
        with stages.stage("render", items=len(digest.stories)):
            outputs = write_outputs(cfg, store, digest, out_dir)
        exit_code = EXIT_OK if digest.stories else EXIT_NOTHING
        if not digest.stories and stats["feeds_ok"] == 0 and health:
            exit_code = EXIT_FAILED
            problems.append("no feed could be fetched and no stored articles fall in the window: nothing was produced")
        if send and cfg.email.enabled:
            from . import deliver

            try:
                report = deliver.deliver_digest(digest, cfg, store)
            except deliver.SmtpSetupError as exc:
                # the site and the .eml are written: a mail server problem is a partial failure, not a lost run
                problems.append(f"email not sent: {exc}")
                exit_code = EXIT_PARTIAL
            else:
                stats["emails_sent"] = len(report.sent)
                stats["emails_skipped"] = len(report.skipped)
                stats["emails_failed"] = len(report.failed) + len(report.deferred)
                problems += report.problems()
                if report.failed or report.deferred:
                    exit_code = EXIT_PARTIAL
        stats["seconds"] = round(time.monotonic() - t0, 2)
        stats["timings"] = {k: round(v, 2) for k, v in timings.items()}
        stats["stages"] = stages.as_dict()
        store.finish_run(run_id, "ok" if exit_code in (EXIT_OK, EXIT_NOTHING) else "partial", stats)
        return RunResult(exit_code, digest, stats, outputs, problems)
    except BaseException:
        store.finish_run(run_id, "failed", stats)
        raise
    finally:
        for thread in preloading:  # never leave the interpreter while a thread is importing torch
            thread.join()
        if own_store:
            store.close()


def digest_key(cfg: Config, store: Store, date: str, window: list[Article]) -> str:
    """What a digest is made of: the window's articles, the earlier digests, the settings and the
    code that shape it. The same key twice means the same digest, so a re-run with nothing new
    need not rebuild it."""
    rows = [(a.id, a.content_hash) for a in window]
    earlier = [d for d in store.digest_dates() if d < date]
    shaping = {k: vars(v) for k, v in cfg.sections.items() if k in ("briefing", "embed", "cluster", "summarizer", "output")}
    blob = json.dumps([__version__, rows, earlier, shaping, [vars(t) for t in cfg.topics]],
                      sort_keys=True, default=str)
    return hashlib.sha1(blob.encode()).hexdigest()


def unchanged_digest(store: Store, date: str, key: str, health: list[FeedHealth]) -> Digest | None:
    """The stored digest of ``date`` when it was built from exactly this (``digest_key``), with
    today's feed health; else None."""
    data = store.get_digest(date)
    if not data or (data.get("stats") or {}).get("run_key") != key:
        return None
    digest = digest_from_dict(data)
    digest.feed_health = health
    digest.generated_at = datetime.now(UTC)
    return digest


def stored_digest(store: Store, date: str | None) -> Digest | None:
    dates = store.digest_dates()
    if not dates:
        return None
    data = store.get_digest(date or dates[0])
    return digest_from_dict(data) if data else None


def vectors_of(texts: list[str], encoder: Encoder) -> np.ndarray:
    return np.asarray(encoder(texts), dtype=np.float32)
