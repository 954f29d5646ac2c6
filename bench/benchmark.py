"""What learners feel: notebook run time, widget latency, kernel memory (issue 7).

Run from the repository root::

    python bench/benchmark.py                 # everything, writes docs/benchmark.md and .json
    python bench/benchmark.py --skip-suite    # leave out the full test suite's wall time
    python bench/benchmark.py --quick         # one run per notebook, 20 updates per widget
    python bench/benchmark.py --skip-grader   # leave out the course grader's seconds per notebook

Everything is DISCOVERED, nothing is listed: notebooks are ``lessons/`` and ``solutions/``
``NN-*.ipynb``; widgets are the functions in the ``__all__`` of each module in
``widgets/views/`` (each callable with no arguments, returning a Box whose controls are reachable
through ``.children``); datasets are ``widgets.data.names()``.

The floor is a generated notebook, executed exactly like the real ones: the bootstrap cell plus
the union of every import statement found in the lesson and solution notebooks. A bare kernel
(the bootstrap cell only) is measured too, so the cost of the imports themselves is visible.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import datetime as dt
import importlib
import importlib.metadata
import inspect
import json
import math
import os
import pkgutil
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOTEBOOK_FOLDERS = ("lessons", "solutions")
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
SCALES = (10, 100)
PACKAGES = ("pandas", "numpy", "plotly", "ipywidgets", "anywidget", "scikit-learn", "scipy", "statsmodels",
            "networkx", "vaderSentiment", "ipykernel", "jupyter_client", "nbclient", "pytest",
            "nbval")

# Budgets (issue 7).
NOTEBOOK_RATIO, NOTEBOOK_SLACK_S = 1.5, 2.0
WIDGET_P95_MS = {1: 50.0, 100: 250.0}
KERNEL_PEAK_MB = 300.0
# What a view may send to the browser (issue 17): widget state when displayed, and per update.
DISPLAY_BYTES, UPDATE_BYTES = 1_000_000, 200_000
SUITE_S = 600.0
# The course grader (issue 11): seconds per notebook at most this many times the grader before it.
GRADER_RATIO = 1.5


# ---------------------------------------------------------------------------------------------
# Discovery
# ---------------------------------------------------------------------------------------------
def discover_notebooks(root: Path = ROOT) -> list[Path]:
    """Every lessons/ and solutions/ NN-*.ipynb, sorted by folder then name."""
    found: list[Path] = []
    for folder in NOTEBOOK_FOLDERS:
        found += sorted((root / folder).glob(NOTEBOOK_GLOB))
    return found


def discover_views(package: str = "widgets.views") -> list[tuple[str, Callable[[], Any]]]:
    """(qualified name, function) for every function in the ``__all__`` of each views module."""
    pkg = importlib.import_module(package)
    views = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for name in getattr(module, "__all__", []):
            func = getattr(module, name, None)
            if inspect.isfunction(func):  # views are functions (FigureView, a class, is not one)
                views.append((f"{info.name}.{name}", func))
    return views


def _code_cells(nb: dict[str, Any]) -> list[str]:
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else src)
    return out


def _parse_cell(src: str) -> ast.Module | None:
    try:
        return ast.parse(src)
    except SyntaxError:  # IPython magics or shell escapes: drop those lines and retry
        kept = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            return ast.parse(kept)
        except SyntaxError:
            return None


def import_statements(sources: list[str]) -> list[str]:
    """The distinct top-level import statements of the given cells, in order of appearance."""
    seen: list[str] = []
    for src in sources:
        tree = _parse_cell(src)
        if tree is None:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                stmt = ast.unparse(node)
                if stmt not in seen:
                    seen.append(stmt)
    return seen


def floor_notebook(paths: list[Path], with_imports: bool = True) -> dict[str, Any]:
    """A notebook with the bootstrap cell (first code cell) plus the union of the imports."""
    import nbformat

    nbs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    cells = [_code_cells(nb) for nb in nbs]
    bootstrap = next((c[0] for c in cells if c), "")
    rest = [src for c in cells for src in c[1:]]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(bootstrap))
    if with_imports:
        imports = import_statements(rest)
        if imports:
            nb.cells.append(nbformat.v4.new_code_cell("\n".join(imports)))
    return nb


# ---------------------------------------------------------------------------------------------
# Notebooks in fresh kernels
# ---------------------------------------------------------------------------------------------
def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory (VmHWM) of a process in MB, from /proc; None where unavailable."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds a process has used so far, from /proc; None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _kernel_pid(km: Any) -> int | None:
    prov = getattr(km, "provisioner", None)
    proc = getattr(prov, "process", None) if prov is not None else None
    pid = getattr(proc, "pid", None) or getattr(prov, "pid", None)
    return int(pid) if pid else None


def run_notebook(nb: dict[str, Any], cwd: Path, timeout: int = 600, attempts: int = 3) -> dict[str, Any]:
    """Execute ``nb`` in a fresh kernel from ``cwd``; wall time to the last cell's reply and VmHWM.

    The kernel's peak memory is read after the last code cell, before the kernel is shut down.
    A kernel that fails to start (e.g. its TCP port taken by another process in between) is
    retried; a run that still fails is reported with its error, not raised.
    """
    for attempt in range(attempts):
        try:
            return _run_notebook_once(nb, cwd, timeout)
        except Exception as exc:  # kernel start races, dead kernels: retry, then report
            if attempt == attempts - 1:
                return {"wall_s": math.nan, "kernel_ready_s": math.nan, "peak_mb": None,
                        "kernel_cpu_s": None, "errors": [f"run failed: {type(exc).__name__}: {exc}"],
                        "cells_s": {}}
            time.sleep(1)
    raise AssertionError("unreachable")  # pragma: no cover


def _run_notebook_once(nb: dict[str, Any], cwd: Path, timeout: int) -> dict[str, Any]:
    import nbformat
    from nbclient import NotebookClient

    state: dict[str, Any] = {"end": None, "mb": None, "pid": None, "ready": None, "cpu": None}

    class _Client(NotebookClient):
        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):  # type: ignore[override]
            if state["ready"] is None:
                state["ready"] = time.perf_counter()
            result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            if cell.cell_type == "code" and cell.source.strip():
                state["end"] = time.perf_counter()
                state["pid"] = state["pid"] or _kernel_pid(self.km)
                if state["pid"]:
                    state["mb"] = vm_hwm_mb(state["pid"])
                    state["cpu"] = cpu_seconds(state["pid"])
            return result

    node = nbformat.from_dict(copy.deepcopy(nb))
    client = _Client(node, timeout=timeout, kernel_name="python3", allow_errors=True,
                     resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    end = state["end"] or time.perf_counter()
    errors = [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
              for i, c in enumerate(node.cells) if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    return {"wall_s": end - start,
            "kernel_ready_s": (state["ready"] or end) - start,
            "peak_mb": state["mb"], "kernel_cpu_s": state["cpu"], "errors": errors,
            "cells_s": cell_times(node)}


def cell_times(nb: Any) -> dict[int, float]:
    """Seconds each code cell took (nbclient's execute_input to execute_reply timestamps)."""
    out = {}
    for i, cell in enumerate(nb.cells):
        ex = cell.get("metadata", {}).get("execution", {})
        a, b = ex.get("iopub.execute_input"), ex.get("shell.execute_reply")
        if a and b:
            out[i] = (dt.datetime.fromisoformat(b.replace("Z", "+00:00"))
                      - dt.datetime.fromisoformat(a.replace("Z", "+00:00"))).total_seconds()
    return out


def _summarise_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs if not math.isnan(r["wall_s"])] or [math.nan]
    mbs = [r["peak_mb"] for r in runs if r["peak_mb"] is not None]
    return {"wall_s": statistics.median(walls), "wall_runs_s": walls,
            "kernel_ready_s": statistics.median(r["kernel_ready_s"] for r in runs),
            "kernel_cpu_s": statistics.median(r["kernel_cpu_s"] or 0.0 for r in runs),
            "peak_mb": max(mbs) if mbs else None,
            "errors": sorted({e for r in runs for e in r["errors"]}),
            "slowest_cells_s": sorted(
                ((i, statistics.median(r["cells_s"].get(i, 0.0) for r in runs)) for i in runs[0]["cells_s"]),
                key=lambda x: -x[1])[:3]}


def bench_notebooks(paths: list[Path], repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    import nbformat

    out: dict[str, Any] = {"floor": {}, "notebooks": []}
    bare = floor_notebook(paths, with_imports=False)
    floor = floor_notebook(paths, with_imports=True)
    out["floor"]["imports"] = import_statements([s for p in paths for s in _code_cells(
        json.loads(p.read_text(encoding="utf-8")))[1:]])
    cwd = (ROOT / NOTEBOOK_FOLDERS[0])
    for key, nb in (("bare_kernel", bare), ("floor", floor)):
        runs = [run_notebook(nb, cwd) for _ in range(repeat)]
        out["floor"][key] = _summarise_runs(runs)
        log(f"  {key:12s} {out['floor'][key]['wall_s']:.2f} s  "
            f"{out['floor'][key]['peak_mb'] or 0:.0f} MB")
    floor_s = out["floor"]["floor"]["wall_s"]
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        runs = [run_notebook(nb, path.parent) for _ in range(repeat)]
        own = _summarise_runs([run_notebook(floor_notebook([path]), path.parent) for _ in range(repeat)])
        row = {"notebook": str(path.relative_to(ROOT)), **_summarise_runs(runs)}
        row["own_floor_s"], row["own_floor_peak_mb"] = own["wall_s"], own["peak_mb"]
        row["over_own_floor_s"] = row["wall_s"] - own["wall_s"]
        row["ratio"] = row["wall_s"] / floor_s if floor_s else None
        row["budget_s"] = NOTEBOOK_RATIO * floor_s + NOTEBOOK_SLACK_S
        row["time_met"] = row["wall_s"] <= row["budget_s"] and not row["errors"]
        row["memory_met"] = row["peak_mb"] is not None and row["peak_mb"] <= KERNEL_PEAK_MB
        out["notebooks"].append(row)
        errs = "errors: " + "; ".join(row["errors"]) if row["errors"] else ""
        log(f"  {row['notebook']:40s} {row['wall_s']:.2f} s  x{row['ratio']:.2f}  own floor "
            f"{row['own_floor_s']:.2f} s  "
            f"{row['peak_mb'] or 0:.0f} MB  slowest cells {row['slowest_cells_s']}  {errs}")
    return out


# ---------------------------------------------------------------------------------------------
# The course grader
# ---------------------------------------------------------------------------------------------
def grade_before_issue_11(path: Path, timeout: int = 600) -> float:
    """Seconds the grader took for one notebook before issue 11: the rebuilt notebook run top to
    bottom by nbclient in one kernel, checks included, in the checks' automated mode."""
    import nbformat
    from nbclient import NotebookClient

    from widgets import grader

    rebuilt, _ = grader.rebuild(grader.pristine(path), json.loads(path.read_text(encoding="utf-8")))
    node = nbformat.from_dict(rebuilt)
    workdir = Path(tempfile.mkdtemp(prefix="course-bench-grader-"))
    env = dict(os.environ, COURSE_CHECK_MODE="automated",
               COURSE_PROGRESS_FILE=str(workdir / "progress.json"),
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
    start = time.perf_counter()
    try:
        client = NotebookClient(node, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(workdir)}})
        with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):
            for index, cell in enumerate(node.cells):
                client.execute_cell(cell, index)
    finally:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return time.perf_counter() - start


def bench_grader(paths: list[Path], repeat: int, log: Callable[[str], None],
                 sandbox: str = "auto") -> dict[str, Any]:
    """The course grader on each solution notebook: seconds per notebook now and before issue 11.

    Now: ``widgets.grader.grade`` in this process, in the sandbox ``auto`` chooses. Its first
    notebook of each exercise also pays the grader's own imports and the checks' expected values
    (computed once per run, then reused for every learner): reported apart as "first". Before:
    :func:`grade_before_issue_11`. Both are measured in turn on the same notebook, ``repeat``
    times; the median is reported and the budget is the ratio of medians.
    """
    from widgets import grader
    from widgets.sandbox import Sandbox

    settings = grader.Settings(sandbox=Sandbox.choose(sandbox))
    course = {p.name[:2]: p for p in paths}
    out: dict[str, Any] = {"sandbox": settings.box().mode, "sandbox_reason": settings.box().reason,
                           "budget_ratio": GRADER_RATIO, "notebooks": []}
    log(f"  {settings.box().describe()}")
    for path in paths:
        sub = grader.Submission("bench", path, path.name[:2])
        first = grader.grade(sub, course, settings=settings)
        now, before, errors = [], [], []
        for _ in range(repeat):
            before.append(grade_before_issue_11(path))
            result = grader.grade(sub, course, settings=settings)
            now.append(result.seconds)
            if result.total != result.max_points:
                errors.append(f"{result.total:g}/{result.max_points:g} {result.status}")
        row = {"notebook": str(path.relative_to(ROOT)), "first_s": first.seconds,
               "now_s": statistics.median(now), "before_s": statistics.median(before),
               "now_runs_s": now, "before_runs_s": before, "errors": errors}
        row["ratio"] = row["now_s"] / row["before_s"] if row["before_s"] else None
        row["met"] = row["ratio"] is not None and row["ratio"] <= GRADER_RATIO and not errors
        out["notebooks"].append(row)
        log(f"  {row['notebook']:40s} now {row['now_s']:.2f} s (first {row['first_s']:.2f} s)  "
            f"before {row['before_s']:.2f} s  x{row['ratio']:.2f}  {'; '.join(errors)}")
    rows = out["notebooks"]
    out["now_s_per_notebook"] = statistics.mean(r["now_s"] for r in rows) if rows else None
    out["before_s_per_notebook"] = statistics.mean(r["before_s"] for r in rows) if rows else None
    return out


# ---------------------------------------------------------------------------------------------
# Widgets in-process
# ---------------------------------------------------------------------------------------------
_DISPLAY_ONLY = ("HTML", "HTMLMath", "Label", "Output", "Valid", "Image", "Audio", "Video")


def find_controls(root: Any) -> list[Any]:
    """Controls inside ``root`` (recursively through ``.children``): widgets a learner changes."""
    import ipywidgets as w
    from ipywidgets.widgets.widget_selectioncontainer import _SelectionContainer

    found: list[Any] = []
    stack = [root]
    seen: set[int] = set()
    while stack:
        node = stack.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, w.Box):
            stack.extend(node.children)
            if isinstance(node, _SelectionContainer) and _next_value(node, random.Random(0)) is not _SKIP:
                found.append(node)  # tabs and accordions: a learner switches them too
            continue
        if type(node).__name__ in _DISPLAY_ONLY or getattr(node, "disabled", False):
            continue
        if isinstance(node, w.Button) or (isinstance(node, w.DOMWidget) and node.has_trait("value")
                                          and not isinstance(node, w.Box)):
            if isinstance(node, w.Button) or _next_value(node, random.Random(0)) is not _SKIP:
                found.append(node)
    return found


_SKIP = object()



def _next_value(ctl: Any, rng: random.Random) -> Any:
    """A valid value for ``ctl`` different from the current one, or _SKIP if it cannot be driven."""
    import ipywidgets as w
    from ipywidgets.widgets.widget_selectioncontainer import _SelectionContainer

    if isinstance(ctl, _SelectionContainer):
        n = len(ctl.children)
        if n < 2:
            return _SKIP
        return ("selected_index", rng.choice([i for i in range(n) if i != ctl.selected_index]))
    cur = ctl.value
    if isinstance(ctl, w.widgets.widget_selection._MultipleSelection):
        n = len(ctl.options)
        if n == 0:
            return _SKIP
        k = rng.randint(1, n)
        return ("index", tuple(sorted(rng.sample(range(n), k))))
    if isinstance(ctl, w.widgets.widget_selection._Selection):
        n = len(ctl.options)
        if n < 2:
            return _SKIP
        idx = ctl.index if ctl.index is not None else -1
        choices = [i for i in range(n) if i != idx]
        return ("index", rng.choice(choices))
    if isinstance(cur, bool):
        return not cur
    if isinstance(ctl, w.widgets.widget_int._BoundedIntRange | w.widgets.widget_float._BoundedFloatRange):
        lo, hi = ctl.min, ctl.max
        a, b = sorted((_num(ctl, lo, hi, rng), _num(ctl, lo, hi, rng)))
        return (a, b)
    if isinstance(ctl, w.widgets.widget_int._BoundedInt | w.widgets.widget_float._BoundedFloat):
        if ctl.max <= ctl.min:
            return _SKIP
        for _ in range(20):
            v = _num(ctl, ctl.min, ctl.max, rng)
            if v != cur:
                return v
        return ctl.max if cur != ctl.max else ctl.min
    if isinstance(cur, str) and isinstance(ctl, w.Text | w.Textarea | w.Combobox):
        return f"benchmark text {rng.randint(0, 10**6)}"
    return _SKIP


def _num(ctl: Any, lo: float, hi: float, rng: random.Random) -> float:
    import ipywidgets as w

    step = getattr(ctl, "step", None) or 1
    n = int(round((hi - lo) / step))
    v = lo + rng.randint(0, max(n, 0)) * step
    if isinstance(ctl, w.widgets.widget_int._Int | w.widgets.widget_int._IntRange):
        return int(min(max(v, lo), hi))
    return float(min(max(round(v, 10), lo), hi))


def drive(controls: list[Any], n: int = 50, seed: int = 7, traffic: Any = None) -> dict[str, Any]:
    """Change controls ``n`` times (round robin, varied valid values); time each change in ms.

    ``traffic``: a :class:`widgets.views._traffic.Traffic` being recorded; the bytes each change
    sends to the browser are then reported too (``update_bytes``).
    """
    import ipywidgets as w

    rng = random.Random(seed)
    times: list[float] = []
    cpu: list[float] = []  # process CPU time: less sensitive than wall time to a busy machine
    per: dict[str, list[float]] = {}
    sent: list[int] = []
    errors: list[str] = []
    if not controls:
        return {"n": 0, "times_ms": [], "cpu_p95_ms": None, "per_control": {}, "update_bytes": [],
                "errors": ["no controls found"]}
    for i in range(n):
        ctl = controls[i % len(controls)]
        if traffic is not None:
            traffic.clear()
        label = f"{type(ctl).__name__}:{getattr(ctl, 'description', '') or i % len(controls)}"
        c0 = time.process_time()
        if isinstance(ctl, w.Button):
            t0 = time.perf_counter()
            try:
                ctl.click()
            except Exception as exc:  # the benchmark reports, it does not stop
                errors.append(f"{label}: {type(exc).__name__}: {exc}")
            dt_ms = (time.perf_counter() - t0) * 1000
        else:
            value = _next_value(ctl, rng)
            if value is _SKIP:
                continue
            t0 = time.perf_counter()
            try:
                if isinstance(value, tuple) and len(value) == 2 and value[0] in ("index", "selected_index"):
                    setattr(ctl, value[0], value[1])
                else:
                    ctl.value = value
            except Exception as exc:
                errors.append(f"{label}: {type(exc).__name__}: {exc}")
            dt_ms = (time.perf_counter() - t0) * 1000
        cpu.append((time.process_time() - c0) * 1000)
        if traffic is not None:
            sent.append(traffic.total)
        times.append(dt_ms)
        per.setdefault(label, []).append(dt_ms)
    return {"n": len(times), "times_ms": times, "cpu_p95_ms": pct(cpu, 95),
            "per_control": {k: {"n": len(v), "p50_ms": pct(v, 50), "max_ms": max(v)}
                            for k, v in per.items()},
            "update_bytes": sent, "errors": sorted(set(errors))}


def pct(values: list[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation); None for no values."""
    if not values:
        return None
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------
# Synthetic scale-up of the shipped data
# ---------------------------------------------------------------------------------------------
def id_columns(name: str) -> list[str]:
    """Text columns that identify rows or link datasets (keys, link columns, their targets)."""
    from widgets import data

    schemas = data.SCHEMAS
    sch = schemas[name]
    kinds = {c.name: c.kind for c in sch.columns}
    cols = set(sch.key) | {col for col, _, _ in sch.links}
    for osch in schemas.values():
        for _col, target, tcol in osch.links:
            if target == name:
                cols.add(tcol)
    cols |= {c for c in kinds if c.endswith("_id")}
    return [c for c in kinds if c in cols and kinds[c] == "str"]


def scale_frame(df: Any, factor: int, ids: list[str]) -> Any:
    """``factor`` copies of ``df`` stacked, id columns suffixed so every copy has unique ids."""
    import pandas as pd

    if factor <= 1:
        return df.copy()
    parts = []
    for k in range(factor):
        part = df.copy()
        if k:
            for col in ids:
                if col in part:
                    s = part[col]
                    part[col] = s.where(s.isna(), s.astype(str) + f"~{k}")
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


@contextlib.contextmanager
def scaled_data(factor: int) -> Iterator[None]:
    """Patch ``widgets.data.load`` (wherever it was imported) to return ``factor`` x the data."""
    from widgets import data

    original = data.load
    cache: dict[str, Any] = {}

    def load(name: str, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:
            return original(name, *args, **kwargs)
        if name not in cache:
            cache[name] = scale_frame(original(name), factor, id_columns(name))
        return cache[name].copy()

    patched = []
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("widgets") and getattr(mod, "load", None) is original:
            patched.append(mod)
            mod.load = load  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for mod in patched:
            mod.load = original  # type: ignore[attr-defined]


def bench_widget(func: Callable[[], Any], n: int, factor: int = 1) -> dict[str, Any]:
    """Build the view (with ``factor`` x data), find its controls, drive them ``n`` times.

    Also records what the view sends to the browser: the widget state when it is displayed
    (``display_bytes``) and the messages of each control change (``update_bytes_*``).
    """
    from widgets.views._traffic import recorded

    with scaled_data(factor), recorded() as traffic:
        t0 = time.perf_counter()
        box = func()
        build_ms = (time.perf_counter() - t0) * 1000
        display_bytes = traffic.total
        controls = find_controls(box)
        result = drive(controls, n=n, traffic=traffic)
    times = result.pop("times_ms")
    sent = result.pop("update_bytes")
    return {"factor": factor, "build_ms": build_ms, "controls": len(controls),
            "p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "max_ms": max(times, default=None),
            "display_bytes": display_bytes, "update_bytes_p50": pct(sent, 50),
            "update_bytes_max": max(sent, default=None),
            "bytes_met": display_bytes <= DISPLAY_BYTES and max(sent, default=0) <= UPDATE_BYTES,
            **result}


def bench_widgets(n: int, scales: tuple[int, ...], log: Callable[[str], None]) -> list[dict[str, Any]]:
    rows = []
    for name, func in discover_views():
        row: dict[str, Any] = {"widget": name, "runs": []}
        for factor in (1, *scales):
            try:
                r = bench_widget(func, n, factor)
            except Exception as exc:
                r = {"factor": factor, "errors": [f"{type(exc).__name__}: {exc}"], "p95_ms": None,
                     "cpu_p95_ms": None,
                     "p50_ms": None, "build_ms": None, "controls": 0, "n": 0}
            budget = WIDGET_P95_MS.get(factor)
            r["budget_ms"] = budget
            r["met"] = None if budget is None else (r["p95_ms"] is not None and r["p95_ms"] <= budget
                                                    and not r["errors"])
            row["runs"].append(r)
            log(f"  {name:38s} x{factor:<4d} build {r['build_ms'] or 0:7.1f} ms  p50 "
                f"{r['p50_ms'] or 0:6.1f}  p95 {r['p95_ms'] or 0:6.1f} ms  "
                f"sends {(r.get('display_bytes') or 0) / 1000:7.1f} KB, per update at most "
                f"{(r.get('update_bytes_max') or 0) / 1000:6.1f} KB  "
                f"({r['controls']} controls) {'; '.join(r['errors'])}")
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# Scenarios a view declares for itself
# ---------------------------------------------------------------------------------------------
def discover_scenarios(package: str = "widgets.views"
                       ) -> list[tuple[str, Callable[..., Any], dict[str, Any]]]:
    """(view name, view function, scenario) for every entry of a views module's
    ``BENCHMARK_SCENARIOS``: a budget of the view's own, on some of its controls.

    A scenario is a dict: ``view`` (the function's name), ``name`` (what is measured), ``factor``
    (copies of the data, as at 10x and 100x), ``controls`` (the descriptions of the controls to
    change), ``budget_ms`` (for the p95, or None to report only), optionally ``kwargs`` for the
    view and ``each_option_once`` (change each control once to each of its other options, in
    order: every change a first visit, when the view computes on first visit).
    """
    pkg = importlib.import_module(package)
    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package}.{info.name}")
        for scenario in getattr(module, "BENCHMARK_SCENARIOS", ()):
            func = getattr(module, scenario["view"])
            found.append((f"{info.name}.{scenario['view']}", func, scenario))
    return found


def bench_scenario(func: Callable[..., Any], scenario: dict[str, Any], n: int) -> dict[str, Any]:
    """Build the view (with the scenario's data factor and arguments), then time changes of the
    scenario's controls only: ``n`` random changes, or each option once."""
    import ipywidgets as w

    factor = int(scenario.get("factor", 1))
    with scaled_data(factor):
        t0 = time.perf_counter()
        box = func(**scenario.get("kwargs", {}))
        build_ms = (time.perf_counter() - t0) * 1000
        wanted = list(scenario["controls"])
        controls = [c for c in find_controls(box) if getattr(c, "description", None) in wanted]
        errors = [f"no control called {d!r}" for d in wanted
                  if d not in {getattr(c, "description", None) for c in controls}]
        if scenario.get("each_option_once"):
            times: list[float] = []
            for ctl in controls:
                if not isinstance(ctl, w.widgets.widget_selection._Selection):
                    errors.append(f"{ctl.description}: each_option_once needs a selection control")
                    continue
                for index in range(len(ctl.options)):
                    if index == ctl.index:
                        continue
                    t0 = time.perf_counter()
                    try:
                        ctl.index = index
                    except Exception as exc:
                        errors.append(f"{ctl.description}: {type(exc).__name__}: {exc}")
                    times.append((time.perf_counter() - t0) * 1000)
        else:
            result = drive(controls, n=n)
            times = result["times_ms"]
            errors += result["errors"]
    budget = scenario.get("budget_ms")
    p95 = pct(times, 95)
    return {"scenario": scenario["name"], "factor": factor, "controls": wanted, "build_ms": build_ms,
            "n": len(times), "p50_ms": pct(times, 50), "p95_ms": p95, "max_ms": max(times, default=None),
            "budget_ms": budget, "errors": sorted(set(errors)),
            "met": None if budget is None else (p95 is not None and p95 <= budget and not errors)}


def bench_scenarios(n: int, log: Callable[[str], None]) -> list[dict[str, Any]]:
    rows = []
    for name, func, scenario in discover_scenarios():
        try:
            r = bench_scenario(func, scenario, n)
        except Exception as exc:  # the benchmark reports, it does not stop
            r = {"scenario": scenario.get("name", "?"), "factor": scenario.get("factor", 1),
                 "controls": scenario.get("controls", []), "build_ms": None, "n": 0, "p50_ms": None,
                 "p95_ms": None, "max_ms": None, "budget_ms": scenario.get("budget_ms"),
                 "errors": [f"{type(exc).__name__}: {exc}"], "met": False}
        rows.append({"widget": name, **r})
        log(f"  {name:38s} {r['scenario'][:44]:44s} x{r['factor']:<4d} build {r['build_ms'] or 0:7.1f} ms  "
            f"p95 {r['p95_ms'] or 0:6.1f}  max {r['max_ms'] or 0:6.1f} ms  ({r['n']} changes) "
            f"{'; '.join(r['errors'])}")
    return rows


# ---------------------------------------------------------------------------------------------
# Datasets, suite, machine
# ---------------------------------------------------------------------------------------------
def bench_datasets(repeat: int = 3) -> list[dict[str, Any]]:
    """Cold load time of each dataset (from CSV, the loader's cache cleared before each load)."""
    from widgets import data

    cached = getattr(data, "_load_cached", None)
    rows = []
    for name in data.names():
        times = []
        df = None
        for _ in range(repeat):
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()
            t0 = time.perf_counter()
            df = data.load(name)
            times.append((time.perf_counter() - t0) * 1000)
        rows.append({"dataset": name, "rows": len(df), "columns": df.shape[1],
                     "memory_mb": df.memory_usage(deep=True).sum() / 2**20,
                     "cold_ms": statistics.median(times), "cold_runs_ms": times})
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()
    return rows


def bench_suite(timeout: int = 3600) -> dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    return {"wall_s": wall, "returncode": proc.returncode, "summary": lines[-1] if lines else "",
            "met": wall < SUITE_S}


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for pkg in PACKAGES:
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = ""
    return {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
            "cores": os.cpu_count(),
            "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "cpu": cpu or platform.processor(), "python": platform.python_version(),
            "platform": platform.platform(), "packages": versions, "commit": commit}


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**MISSED**")


def _f(v: float | None, fmt: str = ".1f") -> str:
    return "–" if v is None else format(v, fmt)


def _load(la: Any) -> str:
    return "–" if not la else ", ".join(f"{x:.1f}" for x in la)


def _busy(res: dict[str, Any]) -> bool:
    cores = res["machine"].get("usable_cores") or res["machine"].get("cores") or 1
    loads = [la[1] for la in (res["machine"].get("load_average"), res.get("load_average_end")) if la]
    return any(x > cores for x in loads)


def render_markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    L = ["# Benchmark: what learners feel", "",
         "Generated by `python bench/benchmark.py` (issue 7); edit only the *Findings* section at the "
         "end (the script keeps it). Raw figures: [benchmark.json](benchmark.json).", "",
         f"Machine: {m['cores']} cores ({m['usable_cores']} usable), {m['cpu']}; Python {m['python']}; "
         f"{m['date']}; commit {m['commit']}.", "",
         f"Load average (1, 5, 15 min) at the start: {_load(m.get('load_average'))}; at the end: "
         f"{_load(res.get('load_average_end'))}" + (" — **the machine was busy: figures are noisy**."
                                                    if _busy(res) else "."), "",
         "Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v) + ".", "",
         "## Budgets", "",
         f"* a notebook's wall time at most {NOTEBOOK_RATIO}× the floor + {NOTEBOOK_SLACK_S:g} s;",
         f"* widget p95 latency at most {WIDGET_P95_MS[1]:g} ms on the shipped data and at most "
         f"{WIDGET_P95_MS[100]:g} ms at 100× the data;",
         f"* kernel peak memory (VmHWM) at most {KERNEL_PEAK_MB:g} MB;",
         f"* what a view sends to the browser: at most {DISPLAY_BYTES / 1e6:g} MB of widget state when "
         f"displayed, at most {UPDATE_BYTES / 1e3:g} KB per update;",
         f"* the course grader: seconds per notebook at most {GRADER_RATIO:g}× the grader before "
         "issue 11;",
         f"* the whole test suite under {SUITE_S / 60:g} minutes on 2 cores.", ""]
    nbs = res.get("notebooks")
    if nbs:
        fl = nbs["floor"]
        L += ["## Notebooks (fresh kernel each, nbclient, Run All)", "",
              f"Median of {res['settings']['repeat']} run(s). Wall time is from starting the kernel to "
              "the last cell's reply. **Bare kernel**: the bootstrap cell only. **Floor**: the bootstrap "
              "cell plus the union of the import statements of all lesson and solution notebooks "
              f"({len(fl['imports'])} statements); the budget is measured against it. **Own floor**: "
              "the bootstrap cell plus that notebook's own imports (informative: what the notebook "
              "adds beyond starting a kernel and importing what it imports). Slowest cells are in "
              "benchmark.json. **Kernel CPU**: CPU seconds the kernel process used (less sensitive than wall "
              "time to a busy machine).", "",
              "| notebook | wall (s) | × floor | budget (s) | time | own floor (s) | over own floor (s) "
              "| kernel CPU (s) | kernel peak (MB) | memory |",
              "|---|---:|---:|---:|---|---:|---:|---:|---:|---|"]
        for key in ("bare_kernel", "floor"):
            r = fl[key]
            L.append(f"| *{key.replace('_', ' ')}* | {_f(r['wall_s'], '.2f')} | "
                     f"{_f(r['wall_s'] / fl['floor']['wall_s'], '.2f')} | | | | | "
                     f"{_f(r.get('kernel_cpu_s'), '.2f')} | {_f(r['peak_mb'], '.0f')} | "
                     f"{verdict(r['peak_mb'] is not None and r['peak_mb'] <= KERNEL_PEAK_MB)} |")
        for r in nbs["notebooks"]:
            err = " (errors)" if r["errors"] else ""
            L.append(f"| {r['notebook']}{err} | {_f(r['wall_s'], '.2f')} | {_f(r['ratio'], '.2f')} | "
                     f"{_f(r['budget_s'], '.2f')} | {verdict(r['time_met'])} | "
                     f"{_f(r.get('own_floor_s'), '.2f')} | "
                     f"{_f(r.get('over_own_floor_s'), '.2f')} | {_f(r.get('kernel_cpu_s'), '.2f')} | "
                     f"{_f(r['peak_mb'], '.0f')} | "
                     f"{verdict(r['memory_met'])} |")
        imp = fl["floor"]["wall_s"] - fl["bare_kernel"]["wall_s"]
        L += ["", f"The lessons' imports cost {imp:.2f} s over a bare kernel "
              f"({_f(fl['floor']['peak_mb'] - fl['bare_kernel']['peak_mb'], '.0f')} MB).", ""]
    wid = res.get("widgets")
    if wid is not None:
        n = res["settings"]["updates"]
        L += ["## Widgets (in-process, update path)", "",
              f"Each view is built, its controls found through `.children`, and {n} control changes "
              "with varied valid values are timed (each assignment runs the observers: model + "
              "figure update). CPU p95 is the same in process CPU time (less sensitive to a busy "
              "machine; the budget is on wall time). At 10× and 100×, `widgets.data.load` returns "
              "that many copies of each "
              "dataset with unique ids, and the view is rebuilt.", "",
              "| widget | data | controls | build (ms) | p50 (ms) | p95 (ms) | budget (ms) | p95 | "
              "CPU p95 (ms) |",
              "|---|---:|---:|---:|---:|---:|---:|---|---:|"]
        for row in wid:
            for r in row["runs"]:
                err = f" ({len(r['errors'])} error(s))" if r["errors"] else ""
                L.append(f"| {row['widget']}{err} | {r['factor']}× | {r['controls']} | "
                         f"{_f(r['build_ms'])} | {_f(r['p50_ms'])} | {_f(r['p95_ms'])} | "
                         f"{_f(r['budget_ms'], 'g')} | {verdict(r['met'])} | {_f(r.get('cpu_p95_ms'))} |")
        L += ["", "### What each view sends to the browser (shipped data)", "",
              "Every widget message is recorded in-process (`widgets/views/_traffic.py`): the state of "
              "every widget the view creates (what JupyterLab receives when the view is displayed), "
              f"then the messages of each of the {n} control changes. Budgets: "
              f"{DISPLAY_BYTES / 1e6:g} MB at display, {UPDATE_BYTES / 1e3:g} KB per update.", "",
              "| widget | at display (KB) | per update, median (KB) | per update, max (KB) | bytes |",
              "|---|---:|---:|---:|---|"]
        for row in wid:
            r = next((x for x in row["runs"] if x["factor"] == 1), None)
            if r and r.get("display_bytes") is not None:
                L.append(f"| {row['widget']} | {r['display_bytes'] / 1e3:,.1f} | "
                         f"{_f((r['update_bytes_p50'] or 0) / 1e3)} | "
                         f"{_f((r['update_bytes_max'] or 0) / 1e3)} | {verdict(r['bytes_met'])} |")
        L.append("")
    scen = res.get("scenarios")
    if scen:
        L += ["## Scenarios the views declare", "",
              "Budgets a view sets for itself (`BENCHMARK_SCENARIOS` in its module), on some of its "
              "controls only: the view is built with that many copies of the data, then only those "
              "controls are changed (randomly, or once to each option in turn: every change then a "
              "first visit).", "",
              "| widget | scenario | data | build (ms) | changes | p50 (ms) | p95 (ms) | max (ms) | "
              "budget (ms) | p95 |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in scen:
            err = f" ({len(r['errors'])} error(s))" if r["errors"] else ""
            L.append(f"| {r['widget']}{err} | {r['scenario']} | {r['factor']}× | {_f(r['build_ms'])} | "
                     f"{r['n']} | {_f(r['p50_ms'])} | {_f(r['p95_ms'])} | {_f(r['max_ms'])} | "
                     f"{_f(r['budget_ms'], 'g')} | {verdict(r['met'])} |")
        L.append("")
    gr = res.get("grader")
    if gr:
        L += ["## The course grader (each solution notebook, as a learner's submission)", "",
              f"`widgets.grader.grade` now (sandbox: **{gr['sandbox']}**"
              + (f", {gr['sandbox_reason']}" if gr.get("sandbox_reason") else "") + ") and the grader "
              "before issue 11 (the rebuilt notebook run by nbclient, checks in the learner's kernel), "
              f"in turn on the same notebook, median of {res['settings']['repeat']}. **First** is the "
              "grader's first notebook of that exercise in a run: it also pays the grader's own imports "
              "and the checks' expected values, computed once per run and reused for every learner.", "",
              "| notebook | now (s) | first (s) | before (s) | × before | budget |",
              "|---|---:|---:|---:|---:|---|"]
        for r in gr["notebooks"]:
            err = " (not full marks)" if r["errors"] else ""
            L.append(f"| {r['notebook']}{err} | {_f(r['now_s'], '.2f')} | {_f(r['first_s'], '.2f')} | "
                     f"{_f(r['before_s'], '.2f')} | {_f(r['ratio'], '.2f')} | {verdict(r['met'])} |")
        L += ["", f"Seconds per notebook: {_f(gr['now_s_per_notebook'], '.2f')} now, "
              f"{_f(gr['before_s_per_notebook'], '.2f')} before.", ""]
    ds = res.get("datasets")
    if ds:
        L += ["## Datasets (cold load from CSV, loader cache cleared)", "",
              "| dataset | rows | columns | in memory (MB) | cold load (ms) |", "|---|---:|---:|---:|---:|"]
        for r in ds:
            L.append(f"| {r['dataset']} | {r['rows']:,} | {r['columns']} | {_f(r['memory_mb'], '.2f')} | "
                     f"{_f(r['cold_ms'])} |")
        L.append("")
    br = res.get("browser")
    if br:
        from bench.browser import CONTROL_P95_MS, FIRST_USE_S

        fu = br.get("first_use") or {}
        L += ["## In the browser (JupyterLab in Chromium)", "",
              "Control to figure: each course widget's first visible control is changed "
              f"{res['settings'].get('browser_changes', 30)} times with the keyboard (a slider's arrow "
              "keys, a drop-down's next option); the time runs, in the page, from the key event to the end "
              "of the figure's next redraw (plotly's `plotly_afterplot`): kernel round trip, model, "
              f"figure and repaint. Budget: p95 at most {CONTROL_P95_MS:g} ms on the shipped data.", "",
              "| notebook | widget | control | changes | p50 (ms) | p95 (ms) | max (ms) | p95 |",
              "|---|---|---|---:|---:|---:|---:|---|"]
        for r in br.get("control_to_figure", []):
            if r.get("note"):
                L.append(f"| {r['notebook']} | {r['widget']} | {r.get('control', '–')} | – | – | – | – | "
                         f"n/a: {r['note']} |")
                continue
            L.append(f"| {r['notebook']} | {r['widget']} | {r.get('control', '–')} | {r['n']} | "
                     f"{_f(r.get('p50_ms'), '.0f')} | {_f(r.get('p95_ms'), '.0f')} | "
                     f"{_f(r.get('max_ms'), '.0f')} | {verdict(r.get('met'))} |")
        if fu:
            L += ["", f"Start to first interaction (budget {FIRST_USE_S:g} s on a quiet machine): "
                  f"**{fu['first_interaction_s']:.1f} s** {verdict(fu['met'])} — JupyterLab answering "
                  f"after {fu['server_s']:.1f} s, lesson 00 open with its kernel ready at "
                  f"{fu['notebook_open_s']:.1f} s, Run All done and widgets drawn at "
                  f"{fu['run_all_s']:.1f} s, the stance widget's reply to a key press at the end."]
        L.append("")
    cl = res.get("classes")
    if cl:
        L += ["## A class on a real JupyterHub", "",
              "Each row is a fresh JupyterHub with the course's example configuration "
              "(`instructor/hub/jupyterhub_config.py`) and configurable-http-proxy on 127.0.0.1; every "
              "learner has the course in their home and runs the whole lesson at the same time, through the "
              "proxy (contents API, a kernel in the notebook's folder, every cell over the websocket). Run "
              "time is per learner, from opening the notebook to the last cell's reply. PSS is the "
              "single-user server plus its kernel, at its peak. CPU is the median learner's server and "
              "kernel CPU seconds (user + system) from its start to the end of the class run: what "
              "sizing a hub's cores rests on. KB is what the median learner's kernel sent over the "
              "websocket.", "",
              "| when | learners | lesson | spawn all (s) | run p50 / p95 (s) | errors | "
              "peak PSS per learner (MiB) | CPU per learner (s) | KB per learner | hub + proxy (MiB) | "
              "total peak (MiB) |",
              "|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|"]
        for r in cl.get("before_figure_fix", []):
            L.append(f"| before the figure fix (issue 12) | {r['learners']} | {r['lesson']} | "
                     f"{r['spawn_all_s']} | {r['run_p50_s']} / {r['run_p95_s']} | {r['errors']} | "
                     f"{r['peak_pss_per_learner_mib']} | | | ~200 (both) | |")
        for r in cl.get("rows", []):
            L.append(f"| this run | {r['learners']} | {r['lesson']} | {_f(r.get('spawn_all_s'))} | "
                     f"{_f(r.get('run_p50_s'))} / {_f(r.get('run_p95_s'))} | {r.get('errors')} | "
                     f"{_f(r.get('peak_pss_per_learner_mib'), '.0f')} | "
                     f"{_f(r.get('median_cpu_s_per_learner'), '.1f')} | "
                     f"{_f(r.get('bytes_per_learner_kb'), '.0f')} | "
                     f"{_f(r.get('hub_proxy_peak_mib'), '.0f')} | {_f(r.get('total_peak_mib'), '.0f')} |")
        L.append("")
    su = res.get("suite")
    L += ["## Test suite", ""]
    if su:
        L += [f"`python -m pytest -q`: {su['wall_s']:.0f} s ({su['wall_s'] / 60:.1f} min) on "
              f"{m['usable_cores']} cores, exit code {su['returncode']} ({su['summary']}): "
              f"budget {SUITE_S / 60:g} min {verdict(su['met'])}.", ""]
    else:
        L += ["Not measured in this run (`--skip-suite`).", ""]
    return "\n".join(L)


FINDINGS = "\n## Findings"


def kept_findings(previous: str) -> str:
    """The hand-written ``## Findings`` section of the previous report (kept across runs)."""
    i = previous.find(FINDINGS)
    return "" if i < 0 else previous[i:]


def headline(res: dict[str, Any]) -> list[str]:
    """One-line figures per area, for the console and the README."""
    out = []
    nbs = res.get("notebooks")
    if nbs:
        worst = max(nbs["notebooks"], key=lambda r: r["wall_s"] - r["budget_s"], default=None)
        peak = max((r["peak_mb"] or 0 for r in nbs["notebooks"]), default=0)
        if worst:
            out.append(f"slowest notebook vs budget: {worst['notebook']} {worst['wall_s']:.1f} s "
                       f"(floor {nbs['floor']['floor']['wall_s']:.1f} s, budget {worst['budget_s']:.1f} s); "
                       f"kernel peak at most {peak:.0f} MB")
    wid = res.get("widgets")
    if wid:
        for factor in (1, 100):
            p95 = [r["p95_ms"] for row in wid for r in row["runs"] if r["factor"] == factor and r["p95_ms"]]
            if p95:
                out.append(f"widget p95 at {factor}x data: at most {max(p95):.0f} ms")
        sent = [r for row in wid for r in row["runs"] if r["factor"] == 1 and r.get("display_bytes")]
        if sent:
            out.append(f"views send at most {max(r['display_bytes'] for r in sent) / 1e3:.0f} KB when "
                       f"displayed and {max(r['update_bytes_max'] or 0 for r in sent) / 1e3:.0f} KB "
                       "per update")
    gr = res.get("grader")
    if gr and gr.get("now_s_per_notebook") is not None:
        out.append(f"grader: {gr['now_s_per_notebook']:.2f} s per notebook (sandbox {gr['sandbox']}), "
                   f"{gr['before_s_per_notebook']:.2f} s before issue 11")
    if res.get("suite"):
        out.append(f"test suite: {res['suite']['wall_s'] / 60:.1f} min")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skip-suite", action="store_true", help="leave out the full test suite")
    ap.add_argument("--skip-notebooks", action="store_true", help="leave out the notebook runs")
    ap.add_argument("--skip-grader", action="store_true", help="leave out the course grader's timing")
    ap.add_argument("--repeat", type=int, default=3, help="runs per notebook (median reported)")
    ap.add_argument("--updates", type=int, default=50, help="control changes per widget and scale")
    ap.add_argument("--quick", action="store_true", help="--repeat 1 --updates 20")
    ap.add_argument("--skip-browser", action="store_true",
                    help="leave out the browser latencies (JupyterLab in Chromium)")
    ap.add_argument("--browser-changes", type=int, default=30, help="control changes per widget, browser")
    ap.add_argument("--skip-class", action="store_true", help="leave out the classes on a real JupyterHub")
    ap.add_argument("--class-sizes", default="10,20,40", help="learners per class, e.g. 10,20,40")
    ap.add_argument("--class-lesson", default="02", help="the lesson every learner of a class runs")
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for benchmark.md/.json")
    args = ap.parse_args(argv)
    if args.quick:
        args.repeat, args.updates = 1, 20

    def log(msg: str) -> None:
        print(msg, flush=True)

    # What a learner's kernel sees: friendly checks, progress in a throwaway file.
    os.environ.pop("COURSE_CHECK_MODE", None)
    os.environ["COURSE_PROGRESS_FILE"] = str(Path(tempfile.mkdtemp(prefix="course-bench-")) / "progress.json")
    os.environ["COURSE_PLAN_DIR"] = tempfile.mkdtemp(prefix="course-bench-plans-")  # Export clicks
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")

    res: dict[str, Any] = {"machine": machine(),
                           "settings": {"repeat": args.repeat, "updates": args.updates, "scales": SCALES,
                                        "browser_changes": args.browser_changes},
                           "budgets": {"notebook_ratio": NOTEBOOK_RATIO, "notebook_slack_s": NOTEBOOK_SLACK_S,
                                       "widget_p95_ms": WIDGET_P95_MS, "kernel_peak_mb": KERNEL_PEAK_MB,
                                       "display_bytes": DISPLAY_BYTES, "update_bytes": UPDATE_BYTES,
                                       "suite_s": SUITE_S, "grader_ratio": GRADER_RATIO}}
    if not args.skip_notebooks:
        log("notebooks:")
        res["notebooks"] = bench_notebooks(discover_notebooks(), args.repeat, log)
    if not args.skip_grader:
        log("grader (solution notebooks):")
        res["grader"] = bench_grader(sorted((ROOT / "solutions").glob(NOTEBOOK_GLOB)), args.repeat, log)
    log("datasets:")
    res["datasets"] = bench_datasets()
    for r in res["datasets"]:
        log(f"  {r['dataset']:20s} {r['rows']:>8,} rows  {r['cold_ms']:6.1f} ms")
    log("widgets:")
    res["widgets"] = bench_widgets(args.updates, SCALES, log)
    log("scenarios the views declare:")
    res["scenarios"] = bench_scenarios(args.updates, log)
    if not args.skip_browser:
        log("browser (JupyterLab in Chromium):")
        from bench.browser import bench_browser

        res["browser"] = bench_browser(args.browser_changes, log)
    if not args.skip_class:
        log("classes on a real JupyterHub:")
        from bench.classroom import BEFORE, bench_classes

        sizes = tuple(int(x) for x in args.class_sizes.split(",") if x.strip())
        res["classes"] = {"lesson": args.class_lesson, "rows": bench_classes(sizes, args.class_lesson, log),
                          "before_figure_fix": BEFORE}
    if not args.skip_suite:
        log("test suite (python -m pytest -q) ...")
        res["suite"] = bench_suite()
        log(f"  {res['suite']['wall_s']:.0f} s  {res['suite']['summary']}")
    res["load_average_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "benchmark.json").write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    md_path = args.out / "benchmark.md"
    old = md_path.read_text(encoding="utf-8") if md_path.exists() else ""
    md_path.write_text(render_markdown(res) + kept_findings(old), encoding="utf-8")
    for line in headline(res):
        log(line)
    log(f"wrote {args.out / 'benchmark.md'} and {args.out / 'benchmark.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
