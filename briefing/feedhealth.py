"""Bringing a disabled feed back.

A feed that fails ``[fetch] max_failures`` times in a row (or answers 410 Gone) is disabled: the
daily run stops asking it and reports it in the feed-health footer and in ``briefing feeds
check``. Once its site is fixed, ``briefing feeds enable NAME`` (or ``--all``) clears the flag
and the failure count, so the next run fetches it again. Changing the feed's ``url`` in
feeds.toml does the same on its own.
"""

from __future__ import annotations

from pathlib import Path

from .errors import EXIT_OK, BriefingError


def cli_feeds_enable(config_path: str | Path, names: list[str], *, all_disabled: bool = False) -> int:
    """Re-enable the named feeds (or every disabled one); prints what changed."""
    from .config import load_config, resolve_paths
    from .store import Store

    cfg = load_config(config_path)
    known = {f.name for f in cfg.feeds}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise BriefingError(
            f"no feed named {unknown[0]!r} in {config_path}",
            hint="feed names are case-sensitive; `briefing feeds check` lists them",
        )
    if not names and not all_disabled:
        raise BriefingError("name the feeds to enable", hint="e.g. `briefing feeds enable \"The Verge\"`, or --all for every disabled feed")
    with Store(resolve_paths(cfg).db) as store:
        states = store.all_feed_states()
        targets = sorted(n for n, s in states.items() if s.get("disabled") and n in known) if all_disabled else names
        for name in targets:
            state = states.get(name)
            if not state or not state.get("disabled"):
                print(f"{name}: not disabled")
                continue
            store.enable_feed(name)
            print(f"{name}: enabled again (was: {state.get('disabled_reason') or 'disabled'})")
        if all_disabled and not targets:
            print("no feed is disabled")
    return EXIT_OK
