"""One lock shared by every way of starting a run: cron, the systemd timer, `briefing schedule`.

A second run while one is in progress must not start (two runs would fetch the same feeds twice,
race on the digest of the day and could mail subscribers twice), so it exits at once with
``LockedError`` (exit code 75, EX_TEMPFAIL: "try again later", which cron and systemd treat as
a failure worth a look but not a crash).

The lock is an advisory ``flock(2)`` on ``<state>/briefing.lock``. The kernel drops it when the
holder's file is closed, which includes the process dying in any way (crash, SIGKILL, OOM
killer, power cut), so a stale lock cannot exist: there is no pid file to clean up and nothing
to break by hand. The pid and start time written into the file are for the message only; they
are never used to decide whether the lock is held.

The file is never deleted: removing a flock'ed file lets a third process lock a fresh inode
while the second still holds the old one, and both would run.

Caveat: a child process created with ``fork`` inherits the open lock file, so a worker that
outlives a killed parent keeps the lock until it exits too. The extractor's process pool
workers exit when their parent goes away, so this lasts seconds at most.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from .errors import LockedError

try:  # POSIX; the deploy targets (Linux boxes, containers, macOS) all have it
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _holder(path: Path) -> str:
    """What the lock file says about its holder, for the message: "pid 123, started ..."."""
    try:
        info = dict(
            line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line
        )
    except OSError:
        return "holder unknown"
    parts = []
    if info.get("pid"):
        parts.append(f"pid {info['pid']}")
    if info.get("started"):
        parts.append(f"started {info['started']}")
    return ", ".join(parts) or "holder unknown"


def _message(path: Path) -> LockedError:
    return LockedError(
        f"another briefing run is in progress ({_holder(path)})",
        hint=f"this run was skipped; wait for the other run to finish (the lock is {path}, "
        "released automatically when that process exits, so there is nothing to delete)",
    )


@contextlib.contextmanager
def run_lock(path: str | Path, wait: bool | float = False) -> Iterator[Path]:
    """Hold the run lock at ``path`` for the ``with`` block.

    ``wait=False`` (cron, the timer, the daemon): raise ``LockedError`` at once when another
    process holds it. ``wait=True`` blocks until it is free; a number waits at most that many
    seconds, then raises ``LockedError``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows: filelock's msvcrt lock, also released on exit
        import filelock

        timeout = -1 if wait is True else (0 if wait is False else float(wait))
        try:
            with filelock.FileLock(str(path) + ".lck", timeout=timeout):
                _write_info(path)
                yield path
        except filelock.Timeout:
            raise _message(path) from None
        return

    # O_CLOEXEC (Python's default) keeps the lock out of programs we exec; see the module notes on fork.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, path, wait)
        data = _info().encode()
        os.pwrite(fd, data, 0)  # write, then cut: a reader never sees an empty file mid-update
        os.ftruncate(fd, len(data))
        try:
            yield path
        finally:
            # Empty the file before unlocking, so a later reader does not blame a finished run.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, wait: bool | float) -> None:
    if wait is True:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + (0.0 if wait is False else float(wait))
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _message(path) from None
            time.sleep(0.1)


def _info() -> str:
    started = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    return f"pid={os.getpid()}\nstarted={started}\n"


def _write_info(path: Path) -> None:  # pragma: no cover - Windows only
    path.write_text(_info(), encoding="utf-8")


def lock_path(cfg: object) -> Path:
    """The lock file for a configuration: ``<state>/briefing.lock`` (see config.resolve_paths)."""
    from .config import resolve_paths

    return resolve_paths(cfg).lock  # type: ignore[arg-type]
