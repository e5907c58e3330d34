"""Per-stage wall time, CPU time and item counts of one run (cheap enough to be always on).

CPU is this process's (all threads: torch's included) plus, where a stage says so, the CPU its
worker processes report back (the extraction pool's workers are not our direct children, so
the OS does not add them to our own figures).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Stages:
    """``with stages.stage("extract", items=n) as rec: ...; rec["worker_cpu"] = ...``."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = {}

    @contextmanager
    def stage(self, name: str, items: int = 0) -> Iterator[dict[str, Any]]:
        rec: dict[str, Any] = {"items": items}
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield rec
        finally:
            row = self.rows.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "items": 0})
            row["wall_s"] += time.perf_counter() - wall
            row["cpu_s"] += time.process_time() - cpu + float(rec.get("worker_cpu", 0.0))
            row["items"] += int(rec.get("items") or 0)
            for key in ("embed_s", "embedded"):
                if key in rec:
                    row[key] = row.get(key, 0) + rec[key]

    def as_dict(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, row in self.rows.items():
            r = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}
            r["items_per_s"] = round(row["items"] / row["wall_s"], 1) if row["items"] and row["wall_s"] > 0 else None
            out[name] = r
        return out
