"""Errors that carry context and a fix. Only cli.py turns them into messages and exit codes."""

from __future__ import annotations

# Exit codes, documented in the README ("Exit codes").
EXIT_OK = 0
EXIT_FAILED = 1  # nothing could be produced
EXIT_CONFIG = 2  # configuration error
EXIT_PARTIAL = 3  # produced, but some feeds, pages or deliveries failed
EXIT_NOTHING = 4  # nothing to do (no new stories, nothing sent)
EXIT_LOCKED = 75  # another run holds the lock (EX_TEMPFAIL)


class BriefingError(Exception):
    """An error a user can act on: what happened, and a hint how to fix it."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class ConfigError(BriefingError):
    """One or more problems in feeds.toml; ``problems`` lists every one of them."""

    exit_code = EXIT_CONFIG

    def __init__(self, message: str, problems: list[str] | None = None, hint: str | None = None):
        super().__init__(message, hint)
        self.problems = problems or []

    def __str__(self) -> str:
        lines = [self.message, *(f"  - {p}" for p in self.problems)]
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class LockedError(BriefingError):
    exit_code = EXIT_LOCKED


class NothingToDo(BriefingError):
    exit_code = EXIT_NOTHING
