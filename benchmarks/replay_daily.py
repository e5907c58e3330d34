"""Replay ../shared/data/ai-news-feed-snapshots/daily/ one day at a time over loopback HTTP.

Each day, every feed serves its latest snapshot taken on or before that day (an unchanged file
answers 304 to a conditional GET, as a real server would), and `briefing run --date DAY` runs
the real pipeline against one persistent database. Reports per day: stories, the share of the
day's stories already shown on an earlier day without a new takeaway (must be 0), the share
marked developing, and the run time.

    python -m benchmarks.replay_daily [--days N] [--data DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from briefing.demo import send_with_etag

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "ai-news-feed-snapshots" / "daily"
_NORM = re.compile(r"[^a-z0-9]+")


class SnapshotServer:
    """Serves /<feed>.xml as that feed's latest snapshot on or before ``self.day``."""

    def __init__(self, data: Path):
        self.data = data
        self.day = ""
        self.feeds = sorted(p.name for p in data.iterdir() if p.is_dir())
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                name = self.path.strip("/").removesuffix(".xml")
                body = outer.snapshot(name)
                if body is None:
                    self.send_error(404)
                    return
                send_with_etag(self, body, "application/rss+xml; charset=utf-8")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def snapshot(self, feed: str) -> bytes | None:
        folder = self.data / feed
        if not folder.is_dir():
            return None
        files = sorted(p for p in folder.glob("*.xml.gz") if p.name[:10] <= self.day)
        return gzip.decompress(files[-1].read_bytes()) if files else None

    def days(self) -> list[str]:
        found = sorted({p.name[:10] for f in self.feeds for p in (self.data / f).glob("*.xml.gz")})
        if not found:
            return []
        first, last = date.fromisoformat(found[0]), date.fromisoformat(found[-1])
        return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]

    def __enter__(self) -> SnapshotServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _norm(text: str) -> str:
    return _NORM.sub(" ", text.lower()).strip()


def replay(data: Path, work: Path, days: int | None = None, start: str | None = None, quiet: bool = True) -> list[dict]:
    """Run the real pipeline once per day; returns one row of figures per day."""
    from briefing.config import load_config
    from briefing.pipeline import run
    from briefing.store import Store

    rows = []
    with SnapshotServer(data) as srv:
        all_days = [d for d in srv.days() if not start or d >= start]
        chosen = all_days[:days] if days else all_days
        cfg_path = work / "feeds.toml"
        feeds = "\n".join(
            f'[[feeds]]\nname = "{f.removeprefix("feed_").replace("_", " ").title()}"\nurl = "{srv.base}/{f}.xml"\nfull_text = false\n'
            for f in srv.feeds
        )
        cfg_path.write_text(f'[briefing]\ntitle = "Replay"\n\n[fetch]\nallow_private = true\n\n[output]\nemail_files = false\n\n{feeds}', encoding="utf-8")
        cfg = load_config(cfg_path, overrides={"paths": {"state_dir": str(work / "state"), "output_dir": str(work / "out")}})
        for day in chosen:
            srv.day = day
            t0 = time.monotonic()
            result = run(cfg, date=day, send=False)
            seconds = time.monotonic() - t0
            stories = result.digest.stories if result.digest else []
            with Store(work / "state" / "briefing.db") as store:
                repeated = 0
                for s in stories:
                    earlier = store.db.execute(
                        "SELECT takeaways FROM digest_stories WHERE story_id=? AND date < ?", (s.id, day)
                    ).fetchall()
                    if not earlier:
                        continue
                    given = {_norm(t) for r in earlier for t in json.loads(r[0])}
                    if all(_norm(t.text) in given for t in s.takeaways):
                        repeated += 1
            row = {
                "day": day,
                "stories": len(stories),
                "repeated_without_news": repeated,
                "repeated_share": round(repeated / len(stories), 3) if stories else 0.0,
                "developing": sum(1 for s in stories if s.day > 1),
                "developing_share": round(sum(1 for s in stories if s.day > 1) / len(stories), 3) if stories else 0.0,
                "continuing_no_news": result.digest.continuing_no_news if result.digest else 0,
                "articles_new": result.stats.get("articles_new", 0),
                "seconds": round(seconds, 2),
            }
            rows.append(row)
            if not quiet:
                print(
                    f"{day}  stories {row['stories']:3d}  new articles {row['articles_new']:3d}  developing {row['developing']:2d}"
                    f"  no-news {row['continuing_no_news']:2d}  repeated {row['repeated_without_news']}  {row['seconds']:6.2f} s",
                    flush=True,
                )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--days", type=int)
    ap.add_argument("--start")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"no snapshots at {args.data}: nothing to replay", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="briefing-replay-") as tmp:
        rows = replay(args.data, Path(tmp), days=args.days, start=args.start, quiet=False)
    with_stories = [r for r in rows if r["stories"]]
    summary = {
        "days": len(rows),
        "stories_per_day": round(sum(r["stories"] for r in rows) / max(1, len(rows)), 2),
        "repeated_share_max": max((r["repeated_share"] for r in rows), default=0.0),
        "developing_share_mean": round(sum(r["developing_share"] for r in with_stories) / max(1, len(with_stories)), 3),
        "seconds_per_day_mean": round(sum(r["seconds"] for r in rows) / max(1, len(rows)), 2),
        "seconds_per_day_max": max((r["seconds"] for r in rows), default=0.0),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
