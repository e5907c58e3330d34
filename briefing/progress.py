"""Progress reporting for long stages: rich progress bars on a terminal, silence under --quiet."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Reporter:
    """``with reporter.task("Fetching feeds", total) as advance: advance(1)``; no-op when quiet."""

    def __init__(self, quiet: bool = False, console: Any | None = None):
        self.quiet = quiet
        self.console = console
        self.lines: list[str] = []

    @contextmanager
    def task(self, label: str, total: int) -> Iterator[Any]:
        if self.quiet or total == 0:
            yield lambda n=1: None
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("[bold]{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=self.console, transient=False,
        ) as bar:
            tid = bar.add_task(label, total=total)
            yield lambda n=1: bar.advance(tid, n)

    def log(self, message: str) -> None:
        self.lines.append(message)
        if not self.quiet:
            if self.console is not None:
                self.console.print(message)
            else:
                print(message)
