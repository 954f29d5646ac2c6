"""Classes on a real JupyterHub, sized (issue 12): spawn-all time, run time, errors, memory.

Run by ``bench/benchmark.py`` (``--class-sizes 10,20,40 --class-lesson 02``), or alone::

    python bench/classroom.py --sizes 10,20,40 --lesson 02

Each class is a fresh hub (the course's example configuration) with that many learners, each
running the whole lesson at the same time through the proxy (``tests/hub/classroom.py``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Before the figure fix (issue 17), measured on this 2-core machine (issue 12's table).
BEFORE = [
    {"learners": 10, "lesson": "02", "spawn_all_s": 35, "run_p50_s": 32, "run_p95_s": 33, "errors": 0,
     "peak_pss_per_learner_mib": 340},
    {"learners": 20, "lesson": "02", "spawn_all_s": 62, "run_p50_s": 79, "run_p95_s": 81, "errors": 0,
     "peak_pss_per_learner_mib": 338},
    {"learners": 40, "lesson": "00", "spawn_all_s": 132, "run_p50_s": 68, "run_p95_s": 73, "errors": 0,
     "peak_pss_per_learner_mib": 231},
]


def bench_classes(sizes: tuple[int, ...], lesson: str,
                  log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """One fresh hub per class size; the measured rows (or the reason a class could not run)."""
    from tests.hub.classroom import Classroom, proxy_command

    if proxy_command() is None:
        log("  classes: configurable-http-proxy is not installed (npm ci --prefix tests/browser)")
        return []
    rows = []
    for size in sizes:
        room = Classroom(size, lesson)
        try:
            room.start()
            result = room.run()
            row = result.as_dict()
        except Exception as problem:  # noqa: BLE001 - the benchmark reports, it does not stop
            row = {"learners": size, "lesson": lesson, "errors": 1, "error_samples": [str(problem)[:300]]}
        finally:
            room.stop()
        row["leftovers"] = len(room.leftovers())
        rows.append(row)
        log(f"  class of {size:3d} on lesson {lesson}: spawn all {row.get('spawn_all_s')} s, run p50 "
            f"{_f(row.get('run_p50_s'))} / p95 {_f(row.get('run_p95_s'))} s, errors {row.get('errors')}, "
            f"peak PSS per learner {_f(row.get('peak_pss_per_learner_mib'))} MiB, CPU per learner "
            f"{_f(row.get('median_cpu_s_per_learner'))} s, hub+proxy "
            f"{_f(row.get('hub_proxy_peak_mib'))} MiB, total {_f(row.get('total_peak_mib'))} MiB")
    return rows


def _f(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}" if isinstance(value, float) else str(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10,20,40")
    ap.add_argument("--lesson", default="02")
    args = ap.parse_args(argv)
    rows = bench_classes(tuple(int(x) for x in args.sizes.split(",")), args.lesson)
    print(json.dumps(rows, indent=1))
    return 0 if rows and all(r.get("errors") == 0 for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
