"""Command line: parse arguments, call the pipeline, turn BriefingError into a message and an exit code.

Nothing heavy is imported at start-up: each command imports what it needs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from . import __version__
from .errors import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, BriefingError

EXIT_CODES_HELP = """exit codes:
  0   success: a briefing was produced (failing feeds are reported in its feed-health footer)
  1   nothing could be produced (no feed fetched and nothing stored)
  2   configuration error (every bad key is listed with a fix)
  3   partial failure: produced, but some deliveries failed
  4   nothing to do: no new stories
  75  another run holds the lock
"""


def _console(quiet: bool = False):
    from rich.console import Console

    return Console(stderr=False, quiet=quiet, highlight=False)


def _config_path(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("BRIEFING_CONFIG") or "feeds.toml")


def _load(args: argparse.Namespace, overrides: dict | None = None):
    from .config import load_config

    cfg = load_config(_config_path(args), overrides=overrides)
    for w in cfg.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return cfg


def _open_store(cfg):
    from .config import resolve_paths
    from .store import Store

    return Store(resolve_paths(cfg).db)


# -- commands ------------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from .config import STARTER_PATH

    target = Path(args.path)
    if target.exists() and not args.force:
        raise BriefingError(f"{target} exists already", hint="pass --force to overwrite it, or edit it")
    target.write_text(STARTER_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"wrote {target}: edit the feeds, then run `briefing feeds check --config {target}`")
    return EXIT_OK


def cmd_feeds_check(args: argparse.Namespace) -> int:
    from rich.table import Table

    from . import fetch, parse

    cfg = _load(args)
    console = _console()
    console.print(f"[green]{_config_path(args)}: configuration is valid[/] ({len(cfg.feeds)} feeds, {len(cfg.topics)} topics)")
    if args.no_probe:
        return EXIT_OK
    feeds = [f for f in cfg.feeds if f.enabled]
    reqs = [fetch.FetchRequest(key=f.name, url=f.url, headers=f.headers, user_agent=f.user_agent) for f in feeds]
    results = fetch.fetch_many(reqs, cfg.fetch)
    state = {}
    try:
        with _open_store(cfg) as store:
            state = store.all_feed_states()
    except BriefingError:
        pass
    table = Table(title="Feed health")
    for col in ("feed", "status", "items", "newest", "last error", "failures"):
        table.add_column(col)
    bad = 0
    for f, r in zip(feeds, results, strict=True):
        items, newest, err = "-", "-", r.error
        if r.ok and r.body:
            try:
                entries = parse.parse_feed(f.name, r.body, r.headers, r.final_url or f.url)
                items = str(len(entries))
                dates = [e.published for e in entries if e.published]
                newest = max(dates).strftime("%Y-%m-%d") if dates else "-"
            except parse.FeedParseError as exc:
                err = str(exc)
        s = state.get(f.name, {})
        bad += err is not None
        table.add_row(
            f.name, str(r.status or "-"), items, newest, (err or s.get("last_error") or "")[:80],
            str(s.get("consecutive_failures", 0)) + (" (disabled)" if s.get("disabled") else ""),
        )
    console.print(table)
    console.print(f"{len(feeds) - bad} of {len(feeds)} feeds answered with a usable feed.")
    return EXIT_OK if bad == 0 else EXIT_PARTIAL


def cmd_feeds_enable(args: argparse.Namespace) -> int:
    from .feedhealth import cli_feeds_enable

    return cli_feeds_enable(_config_path(args), args.names, all_disabled=args.all)


def cmd_feeds_import(args: argparse.Namespace) -> int:
    from . import opml

    path = _config_path(args)
    added = opml.import_opml(Path(args.file), path)
    print(f"added {len(added)} feeds to {path}" + (": " + ", ".join(added[:10]) + (" ..." if len(added) > 10 else "") if added else ""))
    return EXIT_OK


def cmd_feeds_export(args: argparse.Namespace) -> int:
    from . import opml

    cfg = _load(args)
    text = opml.export_opml(cfg)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(cfg.feeds)} feeds)")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, *, overrides: dict | None = None) -> int:
    from .config import resolve_paths
    from .lock import run_lock
    from .pipeline import run
    from .progress import Reporter

    cfg = _load(args, overrides)
    console = _console(quiet=args.quiet)
    reporter = Reporter(quiet=args.quiet, console=console)
    with run_lock(resolve_paths(cfg).lock):
        result = run(cfg, date=args.date, reporter=reporter, send=not args.no_send, out_dir=Path(args.out) if args.out else None)
    _summary(console, result, quiet=args.quiet)
    return result.exit_code


def _summary(console, result, quiet: bool) -> None:
    s = result.stats
    if quiet:
        if result.problems and result.exit_code not in (0, 4) or s.get("feeds_failed"):
            for p in result.problems:
                print(f"briefing: {p}", file=sys.stderr)
        return
    from rich.table import Table

    t = Table(title=f"briefing {result.digest.date if result.digest else ''}", show_header=False)
    t.add_row("feeds", f"{s.get('feeds_ok', 0)} ok, {s.get('feeds_failed', 0)} failed")
    t.add_row("articles", f"{s.get('articles_new', 0)} new, {s.get('entries_seen', 0)} seen before, {s.get('entries_dropped', 0)} dropped by rules")
    t.add_row("stories", f"{s.get('stories', 0)} in the briefing, {s.get('continuing_no_news', 0)} continuing with no news")
    if "emails_sent" in s:
        t.add_row("email", f"{s['emails_sent']} sent, {s.get('emails_failed', 0)} failed")
    for p in result.outputs[:8]:
        t.add_row("output", str(p))
    t.add_row("time", f"{s.get('seconds', 0)} s")
    console.print(t)
    for p in result.problems[:20]:
        console.print(f"[yellow]problem:[/] {p}")


def cmd_demo(args: argparse.Namespace) -> int:
    from .config import load_config
    from .demo import DEMO_DATE, demo_workspace
    from .lock import run_lock
    from .pipeline import run
    from .progress import Reporter

    out = Path(args.out)
    console = _console()
    with demo_workspace(out) as (base, cfg_path, overrides):
        console.print(f"Serving the demo corpus at {base}")
        cfg = load_config(cfg_path, overrides=overrides)
        from .config import resolve_paths

        with run_lock(resolve_paths(cfg).lock):
            result = run(cfg, date=DEMO_DATE, reporter=Reporter(console=console), send=False)
    _summary(console, result, quiet=False)
    console.print(f"Open {out.resolve() / 'index.html'}")
    return EXIT_OK if result.digest and result.digest.stories else EXIT_FAILED


def cmd_explain(args: argparse.Namespace) -> int:
    from .pipeline import stored_digest

    cfg = _load(args)
    with _open_store(cfg) as store:
        for date in store.digest_dates():
            digest = stored_digest(store, date)
            story = next((s for s in digest.stories if s.id == args.story_id), None) if digest else None
            if story:
                from .render import evidence_lines

                print(f"{story.id}  ({date})  {story.headline}")
                print(f"  outlets ({len(story.outlets)}): " + ", ".join(o.name for o in story.outlets))
                for g in story.groups:
                    extra = f"  + wire copies at {', '.join(c.source for c in g.copies)} (similarity {g.similarity:.2f})" if g.copies else ""
                    print(f"  - [{g.primary.source}] {g.primary.title}{extra}")
                print("  why merged:")
                for line in evidence_lines(story) or ["a single article"]:
                    print(f"    {line}")
                if story.day > 1:
                    print(f"  developing: day {story.day}; earlier: " + ", ".join(d for d, _ in story.earlier))
                return EXIT_OK
    raise BriefingError(f"no story {args.story_id!r} in any stored digest", hint="story ids are shown as #anchors on the web page")


def cmd_eval(args: argparse.Namespace) -> int:
    if args.kind == "clustering":
        from .evaluate.clustering import cli_eval_clustering

        return cli_eval_clustering(args.file, baseline=args.baseline, as_json=args.json)
    from .evaluate.summaries import cli_eval_summaries

    return cli_eval_summaries(args.file, as_json=args.json)
    from .evaluate.summaries import evaluate_summaries, format_summaries_report

    result = evaluate_summaries(Path(args.file))
    print(json.dumps(result) if args.json else format_summaries_report(result))
    return EXIT_OK


def _digest_for(args: argparse.Namespace, store) -> Any:
    from .pipeline import stored_digest

    digest = stored_digest(store, args.date)
    if digest is None:
        raise BriefingError(f"no stored briefing{' for ' + args.date if args.date else ''}", hint="run `briefing run` first")
    return digest


def cmd_send(args: argparse.Namespace) -> int:
    from .config import resolve_paths
    from .deliver import cli_send
    from .lock import run_lock

    cfg = _load(args)
    # the run lock: a send while a run delivers the same digest must not send it twice
    with run_lock(resolve_paths(cfg).lock, wait=True), _open_store(cfg) as store:
        digest = _digest_for(args, store)
        return cli_send(cfg, store, digest, dry_run=args.dry_run, out_dir=Path(args.out) if args.out else None,
                        retry_failed=args.retry_failed)


def cmd_preview(args: argparse.Namespace) -> int:
    from .deliver import cli_preview

    cfg = _load(args)
    with _open_store(cfg) as store:
        digest = _digest_for(args, store)
    return cli_preview(cfg, digest, out_path=Path(args.output) if args.output else None, fmt=args.format,
                       address=getattr(args, "for_address", None))


def cmd_digest(args: argparse.Namespace) -> int:
    """Render what the next briefing would be from what is stored, recording and sending nothing."""
    from .pipeline import build_digest, make_embedder
    from .progress import Reporter
    from .render import render_page, write_atomic

    if not args.dry_run:
        raise BriefingError("`briefing digest` only has a dry-run mode", hint="use `briefing digest --dry-run`, or `briefing run`")
    from .pipeline import digest_clock

    cfg = _load(args)
    date, ref = digest_clock(cfg, args.date, None)
    with _open_store(cfg) as store:
        digest = build_digest(cfg, store, date, ref, make_embedder(cfg, store), [], Reporter(quiet=True), record=False)
    out = Path(args.output or f"dry-run-{date}.html")
    write_atomic(out, render_page(digest, fmt=cfg.output.format))
    print(f"{len(digest.stories)} stories would be in the briefing for {date}:")
    for s in digest.stories:
        print(f"  [{s.topic}] {s.headline} ({len(s.outlets)} outlets)")
    print(f"rendered to {out.resolve()} (nothing recorded, nothing sent)")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from . import search

    cfg = _load(args)
    with _open_store(cfg) as store:
        hits = search.search(store, args.query, limit=args.limit)
    if not hits:
        print("no matches")
        return EXIT_OK
    for h in hits:
        print(f"{h['date']}  {h['kind']:<7} {h['title']}" + (f"\n            {h['where']}" if h.get("where") else ""))
    return EXIT_OK


def cmd_schedule(args: argparse.Namespace) -> int:
    from .schedule import cli_schedule

    return cli_schedule(_config_path(args), quiet=args.quiet, run_now=args.run_now)


def cmd_config_show(args: argparse.Namespace) -> int:
    from .config_show import cli_config_show

    return cli_config_show(_load(args), args.feed)


def cmd_feeds_preview(args: argparse.Namespace) -> int:
    from . import fetch, parse
    from .preview import cli_feeds_preview

    cfg = _load(args)

    def fetch_entries(feed):
        [res] = fetch.fetch_many(
            [fetch.FetchRequest(key=feed.name, url=feed.url, headers=feed.headers, user_agent=feed.user_agent)], cfg.fetch
        )
        if not res.ok or not res.body:
            raise BriefingError(res.error or "no content")
        return parse.parse_feed(feed.name, res.body, res.headers, res.final_url or feed.url)

    return cli_feeds_preview(cfg, fetch_entries, names=args.name or None)


# -- argument parsing ----------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="briefing", description="A self-hosted daily AI-news briefing.", epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"briefing {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(sp: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sp.add_argument("--config", "-c", help="configuration file (default: $BRIEFING_CONFIG or ./feeds.toml)")
        return sp

    sp = sub.add_parser("init", help="write a starter feeds.toml")
    sp.add_argument("path", nargs="?", default="feeds.toml")
    sp.add_argument("--force", action="store_true")
    sp.set_defaults(func=cmd_init)

    feeds = sub.add_parser("feeds", help="check, preview, import or export feeds").add_subparsers(dest="feeds_command", required=True)
    sp = with_config(feeds.add_parser("check", help="validate feeds.toml and probe each feed"))
    sp.add_argument("--no-probe", action="store_true", help="only validate the file")
    sp.set_defaults(func=cmd_feeds_check)
    sp = with_config(feeds.add_parser("preview", help="show which items the rules keep and drop, and why"))
    sp.add_argument("name", nargs="*", help="feed names (default: all)")
    sp.set_defaults(func=cmd_feeds_preview)
    sp = with_config(feeds.add_parser("enable", help="fetch a disabled feed again"))
    sp.add_argument("names", nargs="*", help="feed names")
    sp.add_argument("--all", action="store_true", help="every disabled feed")
    sp.set_defaults(func=cmd_feeds_enable)
    sp = with_config(feeds.add_parser("import", help="add the feeds of an OPML file to feeds.toml"))
    sp.add_argument("file")
    sp.set_defaults(func=cmd_feeds_import)
    sp = with_config(feeds.add_parser("export", help="write the feeds as OPML"))
    sp.add_argument("--output", "-o")
    sp.set_defaults(func=cmd_feeds_export)

    config = sub.add_parser("config", help="inspect the configuration").add_subparsers(dest="config_command", required=True)
    sp = with_config(config.add_parser("show", help="settings in force per feed and where each came from"))
    sp.add_argument("feed", nargs="?")
    sp.set_defaults(func=cmd_config_show)

    sp = with_config(sub.add_parser("run", help="fetch, merge, summarize, render and deliver today's briefing"))
    sp.add_argument("--date", help="the briefing's date, YYYY-MM-DD (replays a past day)")
    sp.add_argument("--quiet", "-q", action="store_true", help="print nothing unless something failed (for cron)")
    sp.add_argument("--no-send", action="store_true", help="do not send email")
    sp.add_argument("--out", help="output folder (default: paths.output_dir)")
    sp.set_defaults(func=cmd_run)

    sp = sub.add_parser("demo", help="run the whole pipeline on the shipped offline corpus")
    sp.add_argument("--out", default="out")
    sp.set_defaults(func=cmd_demo)

    sp = with_config(sub.add_parser("explain", help="why a story's articles were merged"))
    sp.add_argument("story_id")
    sp.set_defaults(func=cmd_explain)

    sp = sub.add_parser("eval", help="score clustering or summaries on labelled data")
    sp.add_argument("kind", choices=["clustering", "summaries"])
    sp.add_argument("file")
    sp.add_argument("--baseline", action="store_true", help="also run the TF-IDF baseline (clustering)")
    sp.add_argument("--json", action="store_true", help="print one JSON object")
    sp.set_defaults(func=cmd_eval)

    sp = with_config(sub.add_parser("send", help="send a stored briefing to subscribers (once each)"))
    sp.add_argument("--date")
    sp.add_argument("--dry-run", action="store_true", help="write the messages as .eml files instead")
    sp.add_argument("--out", help="folder for --dry-run .eml files (default: <output>/dry-run)")
    sp.add_argument("--retry-failed", action="store_true", help="also retry addresses that failed permanently before")
    sp.set_defaults(func=cmd_send)

    sp = with_config(sub.add_parser("preview", help="render the email of a stored briefing to a file"))
    sp.add_argument("--date")
    sp.add_argument("--format", choices=["full", "brief"])
    sp.add_argument("--for", dest="for_address", metavar="ADDRESS", help="render as this subscriber gets it")
    sp.add_argument("--output", "-o")
    sp.set_defaults(func=cmd_preview)

    sp = with_config(sub.add_parser("digest", help="render the next briefing from what is stored"))
    sp.add_argument("--dry-run", action="store_true")
    sp.add_argument("--date")
    sp.add_argument("--output", "-o")
    sp.set_defaults(func=cmd_digest)

    sp = with_config(sub.add_parser("search", help="search stored stories and articles"))
    sp.add_argument("query")
    sp.add_argument("--limit", type=int, default=20)
    sp.set_defaults(func=cmd_search)

    sp = with_config(sub.add_parser("schedule", help="run the daily job on the schedule in feeds.toml"))
    sp.add_argument("--quiet", "-q", action="store_true", help="log only warnings and errors")
    sp.add_argument("--once-now", dest="run_now", action="store_true", help="also run once at start-up")
    sp.set_defaults(func=cmd_schedule)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return EXIT_FAILED if not isinstance(exc, PermissionError) else EXIT_CONFIG


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
