"""`python -m briefing`. Guarded: extraction workers (forkserver) import the main module again."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
