"""One real `briefing run` in its own process, for the benchmark: prints one JSON line of figures.

    python -m benchmarks.runner CONFIG DATE [--assignment]

Start-up is part of what is measured (the wall clock the caller sees), so nothing is imported
here before the pipeline itself. With --assignment the line also says which story every article
went to (for BCubed against the corpus's gold), read from the pipeline's own merge step.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    from briefing import pipeline
    from briefing.config import load_config

    imported = time.perf_counter() - started
    config, date = argv[0], argv[1]
    merged: list = []
    if "--assignment" in argv:
        real = pipeline.merge_window

        def spy(articles, encoder, cfg):  # calls the real merge; only remembers its result
            stories, explain = real(articles, encoder, cfg)
            merged.append(stories)
            return stories, explain

        pipeline.merge_window = spy
    cfg = load_config(config)
    result = pipeline.run(cfg, date=date, send=False)
    assignment = {}
    for stories in merged[-1:]:
        for i, s in enumerate(stories):
            for a in s.articles:
                assignment[f"{a.feed}\x1f{a.url}"] = i
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "exit": result.exit_code, "stats": result.stats, "problems": result.problems[:5], "import_s": round(imported, 3),
        "in_process_s": round(time.perf_counter() - started, 3),
        "maxrss_self_mb": round(me.ru_maxrss / 1024, 1), "maxrss_children_mb": round(kids.ru_maxrss / 1024, 1),
        "cpu_self_s": round(me.ru_utime + me.ru_stime, 2), "cpu_children_s": round(kids.ru_utime + kids.ru_stime, 2),
        "assignment": assignment,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
