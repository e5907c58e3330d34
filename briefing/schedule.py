"""`briefing schedule`: a long-lived daemon that fires the daily run at the cron time in feeds.toml.

For self-hosters who would rather run one process than edit a crontab. It uses APScheduler 3's
``BackgroundScheduler`` with the cron expression and IANA time zone from ``[schedule]``:

- **coalesce**: runs missed while the machine slept or the process was paused collapse into one;
- **misfire grace**: a run later than ``misfire_grace_seconds`` is skipped (and logged) rather
  than sending yesterday's briefing at 3 pm;
- **one run at a time**: ``max_instances=1`` and a one-thread executor inside the daemon, and the
  run lock (``briefing/lock.py``) shared with cron and the systemd timer across processes.

Every run reloads feeds.toml, so edits apply without a restart. An edit that does not validate is
logged with every problem, and the last good configuration keeps running. The file is also
checked every few seconds (and on SIGHUP) so a changed ``[schedule]`` moves the next run at once.

SIGTERM or SIGINT stops the daemon: it waits for a run in flight to finish, then exits 0. A
second signal abandons the run at once; that is safe because the pipeline is crash-safe by design
(every stage commits to SQLite in transactions, deliveries are recorded per subscriber before the
next, and the kernel drops the run lock when the process dies), so the next run picks up the work.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .config import Config, load_config
from .errors import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_PARTIAL,
    BriefingError,
    ConfigError,
    LockedError,
)
from .lock import lock_path, run_lock

RunFn = Callable[[Config], int]
JOB_ID = "daily-briefing"

EXIT_MEANINGS = {
    EXIT_OK: "success",
    EXIT_FAILED: "failed, nothing produced",
    EXIT_CONFIG: "configuration error",
    EXIT_PARTIAL: "partial failure",
    EXIT_NOTHING: "nothing to do",
    EXIT_LOCKED: "skipped, another run holds the lock",
}

log = logging.getLogger("briefing.schedule")


def schedule_timezone(cfg: Config) -> tzinfo:
    """The zone the cron expression is read in.

    ``[schedule].timezone``, else ``[briefing].timezone`` when feeds.toml sets it, else this
    machine's local zone (so the default "0 7 * * *" means 07:00 where the box stands).
    """
    if cfg.schedule.timezone:
        return ZoneInfo(cfg.schedule.timezone)
    if isinstance(cfg.raw.get("briefing"), dict) and cfg.raw["briefing"].get("timezone"):
        return ZoneInfo(cfg.briefing.timezone)
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # no zone configured on the box (e.g. a bare container): UTC
        return ZoneInfo("UTC")


DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_weekdays(field: str) -> str:
    """Crontab weekday field (0 or 7 = Sunday, 1 = Monday) -> APScheduler 3 day names.

    APScheduler 3's ``from_crontab`` passes the numbers through with 0 = Monday, so "1-5" would
    mean Tuesday to Saturday. Numbers, names, ranges and steps are expanded to explicit names;
    anything else is passed through for APScheduler to judge.
    """
    if field == "*":
        return field
    days: set[int] = set()

    def num(token: str) -> int:
        token = token.lower()
        if token[:3] in DAY_NAMES and token.isalpha():
            return DAY_NAMES.index(token[:3])
        n = int(token)
        if not 0 <= n <= 7:
            raise ValueError(f"weekday {n} is out of range 0-7")
        return n

    try:
        for item in field.split(","):
            base, _, step_s = item.partition("/")
            step = int(step_s) if step_s else 1
            if step < 1:
                raise ValueError("step must be at least 1")
            if base == "*":
                lo, hi = 0, 6
            elif "-" in base:
                a, b = base.split("-", 1)
                lo, hi = num(a), num(b)
                if hi < lo:
                    raise ValueError(f"range {base} runs backwards")
            else:
                lo = hi = num(base)
                if step_s:
                    hi = 6 if lo < 7 else 7
            days.update(d % 7 for d in range(lo, hi + 1, step))
    except ValueError:
        return field
    return ",".join(DAY_NAMES[d] for d in sorted(days))


def cron_trigger(expr: str, timezone: tzinfo | str | None = None) -> Any:
    """A CronTrigger from a standard five-field crontab line, weekdays as crontab reads them."""
    from apscheduler.triggers.cron import CronTrigger

    values = expr.split()
    if len(values) != 5:
        raise ValueError(f"Wrong number of fields; got {len(values)}, expected 5")
    minute, hour, day, month, weekday = values
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=_crontab_weekdays(weekday), timezone=timezone
    )


def make_trigger(cfg: Config) -> Any:
    """APScheduler cron trigger for ``[schedule].cron`` in ``schedule_timezone(cfg)``."""
    return cron_trigger(cfg.schedule.cron, schedule_timezone(cfg))


def _schedule_key(cfg: Config) -> tuple[str, str, int]:
    return (cfg.schedule.cron, str(schedule_timezone(cfg)), cfg.schedule.misfire_grace_seconds)


def _when(dt: datetime | None, now: datetime | None = None) -> str:
    if dt is None:
        return "never (the schedule has no future run)"
    now = now or datetime.now(UTC)
    secs = max(0, int((dt - now).total_seconds()))
    h, rem = divmod(secs, 3600)
    span = f"{h}h {rem // 60:02d}m" if h else (f"{rem // 60}m {rem % 60:02d}s" if rem >= 60 else f"{rem}s")
    return f"{dt.isoformat(sep=' ', timespec='seconds')} ({dt.tzname()}, in {span})"


def _pipeline_run(cfg: Config) -> int:
    """The real daily run. Imported lazily: the pipeline pulls in the model stack."""
    from . import pipeline

    result = pipeline.run(cfg)
    for problem in getattr(result, "problems", None) or []:  # which feeds, pages or deliveries failed
        log.warning("run: %s", problem)
    return int(getattr(result, "exit_code", EXIT_OK if result is None else result))


class Daemon:
    """The scheduler loop. ``run_fn(cfg) -> exit code`` is one daily run, without the lock
    (the daemon takes the shared run lock around it when ``lock=True``)."""

    def __init__(
        self,
        config_path: str | Path,
        *,
        run_fn: RunFn = _pipeline_run,
        trigger: Any = None,
        stop_event: threading.Event | None = None,
        logger: logging.Logger | None = None,
        lock: bool = True,
        poll_seconds: float = 5.0,
    ):
        """``trigger`` replaces the cron trigger from feeds.toml (tests fire "one second from now";
        APScheduler 3 reads the wall clock itself, so a trigger is the seam, not a fake clock)."""
        self.config_path = Path(config_path)
        self.run_fn = run_fn
        self.log = logger or log
        self.lock = lock
        self.poll_seconds = poll_seconds
        self.stop_event = stop_event or threading.Event()
        self._fixed_trigger = trigger
        self._state = threading.Lock()
        self._signalled: int | None = None
        self._hup = False
        self._in_flight = False
        self._scheduler: Any = None
        self.results: list[int] = []  # exit code of every run, in order (for tests and `status`)
        # The first load must succeed: with no good configuration there is nothing to fall back to.
        self.cfg: Config = load_config(self.config_path)
        self.cfg_loaded_at = datetime.now(UTC)
        self._file_sig = self._signature()
        self._bad_sig: tuple[int, int] | None = None
        self._log_warnings(self.cfg)

    # -- configuration ---------------------------------------------------------------------------
    def _signature(self) -> tuple[int, int] | None:
        try:
            st = self.config_path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def _log_warnings(self, cfg: Config) -> None:
        for w in cfg.warnings:
            self.log.warning("config: %s", w)

    def reload(self, why: str) -> Config:
        """Load feeds.toml again; on any problem keep (and return) the last good configuration."""
        sig = self._signature()
        try:
            cfg = load_config(self.config_path)
        except ConfigError as exc:
            problems = "".join(f"\n  - {p}" for p in exc.problems)
            hint = f"\n  hint: {exc.hint}" if exc.hint else ""
            self.log.error(
                "%s: %s; the edit is ignored and the last good configuration (loaded %s) keeps running%s%s",
                why,
                exc.message,
                self.cfg_loaded_at.astimezone().isoformat(timespec="seconds"),
                problems,
                hint,
            )
            with self._state:
                self._file_sig, self._bad_sig = sig, sig
                return self.cfg
        except Exception:  # a bug in loading must not stop the daily run either
            self.log.exception("%s: loading failed; the last good configuration keeps running", why)
            with self._state:
                self._file_sig, self._bad_sig = sig, sig
                return self.cfg
        with self._state:
            changed = sig != self._file_sig or self._bad_sig is not None
            old, self.cfg = self.cfg, cfg
            self.cfg_loaded_at = datetime.now(UTC)
            self._file_sig, self._bad_sig = sig, None
        if changed:
            self.log.info("%s: loaded the edited %s", why, self.config_path)
            self._log_warnings(cfg)
        if _schedule_key(old) != _schedule_key(cfg):
            self._reschedule(cfg)
        return cfg

    def _reschedule(self, cfg: Config) -> None:
        sched = self._scheduler
        if sched is None or self._fixed_trigger is not None:
            return
        sched.modify_job(JOB_ID, misfire_grace_time=cfg.schedule.misfire_grace_seconds)
        job = sched.reschedule_job(JOB_ID, trigger=make_trigger(cfg))
        self.log.info(
            'schedule changed to "%s" (%s); next run at %s',
            cfg.schedule.cron,
            schedule_timezone(cfg),
            _when(job.next_run_time),
        )

    # -- one run ---------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Reload the configuration, take the run lock, run; never raises (the daemon lives on)."""
        with self._state:
            self._in_flight = True
        started = time.monotonic()
        try:
            cfg = self.reload("feeds.toml")
            self.log.info("run starting")
            self._record_start(cfg)
            try:
                if self.lock:
                    with run_lock(lock_path(cfg)):
                        code = int(self.run_fn(cfg))
                else:
                    code = int(self.run_fn(cfg))
            except LockedError as exc:
                self.log.warning("run skipped: %s", exc.message)
                code = EXIT_LOCKED
            except BriefingError as exc:
                self.log.error("run failed: %s", exc)
                code = exc.exit_code
            except Exception:
                self.log.exception("run crashed; the daemon keeps running")
                code = EXIT_FAILED
            level = logging.INFO if code in (EXIT_OK, EXIT_NOTHING) else logging.WARNING
            self.log.log(
                level,
                "run finished in %.1fs: exit %d (%s)",
                time.monotonic() - started,
                code,
                EXIT_MEANINGS.get(code, "unknown"),
            )
            self.results.append(code)
            return code
        finally:
            with self._state:
                self._in_flight = False

    # -- catching up a run missed while the daemon was down ------------------------------------------
    @staticmethod
    def _marker(cfg: Config) -> Path:
        from .config import resolve_paths

        return resolve_paths(cfg).state / "schedule-last-run"

    def _record_start(self, cfg: Config) -> None:
        try:
            marker = self._marker(cfg)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(datetime.now(UTC).isoformat() + "\n", encoding="utf-8")
        except OSError as exc:  # the run matters more than the note
            self.log.warning("could not record the run start in %s: %s", self._marker(cfg), exc)

    def missed_run(self, cfg: Config, trigger: Any, now: datetime | None = None) -> datetime | None:
        """The latest fire time within the misfire grace period that no daemon run has covered.

        The daemon keeps its jobs in memory, so a run due while it was down (a reboot at 06:59, an
        upgrade) would be lost; like ``Persistent=true`` for the timer, it is caught up once, but
        only within ``misfire_grace_seconds`` and only when an earlier daemon run left its note
        (a fresh install does not fire at start).
        """
        now = now or datetime.now(UTC)
        try:
            last = datetime.fromisoformat(self._marker(cfg).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None
        due, t = None, trigger.get_next_fire_time(None, now - timedelta(seconds=cfg.schedule.misfire_grace_seconds))
        while t is not None and t <= now:
            due, t = t, trigger.get_next_fire_time(t, t + timedelta(seconds=1))
        return due if due is not None and last < due else None

    # -- the loop --------------------------------------------------------------------------------
    def _on_event(self, event: Any) -> None:
        from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED

        if event.code == EVENT_JOB_MISSED:
            self.log.warning(
                "missed the run due at %s: more than misfire_grace_seconds late (was the machine asleep?)",
                event.scheduled_run_time,
            )
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            self.log.warning("skipped the run due at %s: the previous run is still going", event.scheduled_run_times)
        self.log_next()

    def next_run_time(self) -> datetime | None:
        job = self._scheduler.get_job(JOB_ID) if self._scheduler else None
        return job.next_run_time if job else None

    def log_next(self) -> None:
        if not self.stop_event.is_set():
            self.log.info("next run at %s", _when(self.next_run_time()))

    def _handle_signal(self, signum: int, frame: Any) -> None:
        # Only plain assignments and os.write here: a handler that takes a lock the interrupted
        # main thread already holds (logging, Event.set) would deadlock.
        name = signal.Signals(signum).name
        if signum == getattr(signal, "SIGHUP", None):
            self._hup = True
            return
        if self._signalled is not None:
            if self._in_flight:
                os.write(2, f"briefing schedule: {name} again: abandoning the run in flight; "
                            "the next run picks up where it stopped\n".encode())
                os._exit(128 + signum)
            return
        self._signalled = signum

    def serve(self, *, run_now: bool = False, install_signals: bool = True) -> int:
        """Run until stopped (signal or ``stop_event``); return the exit code for the process."""
        from apscheduler.events import (
            EVENT_JOB_ERROR,
            EVENT_JOB_EXECUTED,
            EVENT_JOB_MAX_INSTANCES,
            EVENT_JOB_MISSED,
        )
        from apscheduler.executors.pool import ThreadPoolExecutor
        from apscheduler.schedulers.background import BackgroundScheduler

        cfg = self.cfg
        sched = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(1)},
            timezone=schedule_timezone(cfg),
        )
        trigger = self._fixed_trigger or make_trigger(cfg)
        sched.add_job(
            self.run_once,
            trigger,
            id=JOB_ID,
            name="daily briefing",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=cfg.schedule.misfire_grace_seconds,
            replace_existing=True,
        )
        sched.add_listener(
            self._on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES
        )
        previous: dict[int, Any] = {}
        if install_signals and threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)):
                if sig is not None:
                    previous[sig] = signal.signal(sig, self._handle_signal)
        self._scheduler = sched
        try:
            sched.start()
            if self._fixed_trigger is None:
                self.log.info(
                    'scheduler started: "%s" in %s, config %s', cfg.schedule.cron, schedule_timezone(cfg), self.config_path
                )
            else:
                self.log.info("scheduler started with a fixed trigger (%s), config %s", trigger, self.config_path)
            missed = None if run_now or self._fixed_trigger else self.missed_run(cfg, trigger)
            if missed:
                self.log.info(
                    "the run due at %s was missed while the daemon was not running; running it now",
                    missed.isoformat(sep=" ", timespec="seconds"),
                )
            if run_now or missed:
                sched.add_job(self.run_once, id="run-now", name="run now", max_instances=1)
            else:
                self.log_next()
            last_poll = time.monotonic()
            while not self.stop_event.wait(0.2):
                if self._signalled is not None:
                    self.log.info("%s received: stopping", signal.Signals(self._signalled).name)
                    break
                if self._hup or time.monotonic() - last_poll >= self.poll_seconds:
                    hup, self._hup = self._hup, False
                    last_poll = time.monotonic()
                    sig = self._signature()
                    if hup or (sig != self._file_sig and sig is not None):
                        self.reload("SIGHUP" if hup else "feeds.toml changed")
            self.stop_event.set()
            if self._in_flight:
                self.log.info(
                    "waiting for the run in flight to finish (send SIGTERM or SIGINT again to abandon it)"
                )
            sched.shutdown(wait=True)
            self.log.info("scheduler stopped")
            return EXIT_OK
        finally:
            self._scheduler = None
            if sched.running:
                sched.shutdown(wait=False)
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop(self) -> None:
        self.stop_event.set()


def run_daemon(
    config_path: str | Path,
    *,
    run_fn: RunFn = _pipeline_run,
    trigger: Any = None,
    stop_event: threading.Event | None = None,
    logger: logging.Logger | None = None,
    run_now: bool = False,
    install_signals: bool = True,
    lock: bool = True,
    poll_seconds: float = 5.0,
) -> int:
    """Build a ``Daemon`` and serve until stopped. Raises ConfigError when feeds.toml is bad at start."""
    daemon = Daemon(
        config_path,
        run_fn=run_fn,
        trigger=trigger,
        stop_event=stop_event,
        logger=logger,
        lock=lock,
        poll_seconds=poll_seconds,
    )
    return daemon.serve(run_now=run_now, install_signals=install_signals)


def setup_logging(quiet: bool = False) -> None:
    """Log lines to stderr; no timestamps under systemd (journald adds its own)."""
    root = logging.getLogger("briefing")
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    journald = bool(os.environ.get("JOURNAL_STREAM") or os.environ.get("INVOCATION_ID"))
    fmt = "%(levelname)s %(message)s" if journald else "%(asctime)s %(levelname)s %(message)s"
    handler.setFormatter(logging.Formatter(fmt, datefmt="%Y-%m-%d %H:%M:%S"))
    root.addHandler(handler)
    root.setLevel(logging.WARNING if quiet else logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def cli_schedule(
    config_path: str | Path,
    *,
    run_now: bool = False,
    quiet: bool = False,
    run_fn: RunFn | None = None,
) -> int:
    """`briefing schedule [--config PATH] [--once-now] [--quiet]`.

    Returns the process exit code: 0 after a clean stop, 2 when feeds.toml is invalid at start.
    ``run_fn(cfg) -> exit code`` defaults to ``pipeline.run(cfg).exit_code``; it must not take the
    run lock itself (the daemon holds it around each run, and flock refuses a second taker even
    in the same process).
    """
    setup_logging(quiet)
    try:
        return run_daemon(config_path, run_fn=run_fn or _pipeline_run, run_now=run_now)
    except ConfigError as exc:
        print(f"briefing schedule: {exc}", file=sys.stderr)
        return exc.exit_code
