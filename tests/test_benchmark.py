"""Smoke test of bench/benchmark.py's pieces on tiny inputs (fast; never asserts a timing)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.helpers import ROOT

spec = importlib.util.spec_from_file_location("course_benchmark", ROOT / "bench" / "benchmark.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def _nb(*sources: str) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "source": s, "metadata": {}, "outputs": []} for s in sources]}


def test_discovers_lesson_and_solution_notebooks_only(tmp_path):
    for rel in ("lessons/00-a.ipynb", "lessons/notes.ipynb", "solutions/01-b.ipynb", "exercises/00-a.ipynb"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in bench.discover_notebooks(tmp_path)]
    assert found == ["lessons/00-a.ipynb", "solutions/01-b.ipynb"]


def test_floor_is_the_bootstrap_plus_the_union_of_imports(tmp_path):
    a, b = tmp_path / "00-a.ipynb", tmp_path / "01-b.ipynb"
    a.write_text(json.dumps(_nb("import sys  # bootstrap", "import pandas as pd\nx = 1\n%matplotlib inline",
                                "from widgets.data import load")))
    b.write_text(json.dumps(_nb("import sys  # bootstrap", "from widgets.data import load\nimport math",
                                "def broken(:")))
    nb = bench.floor_notebook([a, b])
    assert [c.source for c in nb.cells] == [
        "import sys  # bootstrap", "import pandas as pd\nfrom widgets.data import load\nimport math"]
    assert len(bench.floor_notebook([a, b], with_imports=False).cells) == 1


def test_discovers_views_and_drives_their_controls():
    views = dict(bench.discover_views())
    assert "stance.where_do_you_stand" in views
    box = views["stance.where_do_you_stand"]()
    controls = bench.find_controls(box)
    assert controls and all(hasattr(c, "description") for c in controls)
    summary = next(c for c in box.children if "course-widget-summary" in c._dom_classes)
    before = summary.value
    result = bench.drive([c for c in controls if c.has_trait("value")], n=6)
    assert result["n"] == 6 and not result["errors"]
    assert summary.value != before or any(c.value for c in controls if c.has_trait("value"))


def test_next_value_is_valid_and_different_for_each_kind_of_control():
    import random

    import ipywidgets as w

    rng = random.Random(1)
    slider = w.IntSlider(value=3, min=0, max=5)
    fslider = w.FloatSlider(value=0.5, min=0, max=1, step=0.1)
    drop = w.Dropdown(options=["a", "b", "c"], value="a")
    multi = w.SelectMultiple(options=["a", "b", "c"])
    rng_slider = w.IntRangeSlider(value=(1, 2), min=0, max=10)
    for _ in range(10):
        assert bench._next_value(slider, rng) in {0, 1, 2, 4, 5}
        assert 0 <= bench._next_value(fslider, rng) <= 1
        assert bench._next_value(drop, rng) in {("index", 1), ("index", 2)}
        kind, idx = bench._next_value(multi, rng)
        assert kind == "index" and idx and set(idx) <= {0, 1, 2}
        lo, hi = bench._next_value(rng_slider, rng)
        assert 0 <= lo <= hi <= 10
    assert bench._next_value(w.Checkbox(value=True), rng) is False
    assert bench._next_value(w.Dropdown(options=["only"]), rng) is bench._SKIP
    box = w.VBox([w.HBox([slider, w.HTML("x")]), drop, w.Button(description="go"), w.Label("y"),
                  w.Tab(children=[w.Checkbox(), w.HTML("z")])])
    assert {type(c).__name__ for c in bench.find_controls(box)} == {"IntSlider", "Dropdown", "Button", "Tab",
                                                                   "Checkbox"}
    tab = box.children[-1]
    assert bench.drive([tab], n=3)["n"] == 3 and tab.selected_index in (0, 1)


def test_scaled_data_copies_rows_with_unique_linked_ids():
    from widgets import data

    posts = data.load("posts")
    with bench.scaled_data(3):
        big = data.load("posts")
        comments = data.load("comments")
    assert len(big) == 3 * len(posts) and big["post_id"].is_unique
    assert list(big.dtypes) == list(posts.dtypes)
    assert comments["comment_id"].is_unique and comments["post_id"].isin(big["post_id"]).all()
    assert data.load("posts").shape == posts.shape  # restored


def test_percentiles_budgets_and_report():
    assert bench.pct([], 50) is None
    assert bench.pct([1.0, 2.0, 3.0], 50) == 2.0
    assert bench.pct(list(range(101)), 95) == pytest.approx(95)
    assert bench.vm_hwm_mb(-1) is None and bench.cpu_seconds(-1) is None
    import os

    assert bench.vm_hwm_mb(os.getpid()) > 0 and bench.cpu_seconds(os.getpid()) > 0
    res = {"machine": bench.machine(), "settings": {"repeat": 1, "updates": 2, "scales": [10]},
           "notebooks": {"floor": {"imports": ["import x"],
                                   "bare_kernel": {"wall_s": 1.0, "peak_mb": 50.0},
                                   "floor": {"wall_s": 2.0, "peak_mb": 100.0}},
                         "notebooks": [{"notebook": "lessons/00-a.ipynb", "wall_s": 6.0, "ratio": 3.0,
                                        "own_floor_s": 1.5, "over_own_floor_s": 4.5,
                                        "budget_s": 5.0, "time_met": False, "peak_mb": 120.0,
                                        "memory_met": True, "errors": []}]},
           "widgets": [{"widget": "a.b", "runs": [
               {"factor": 1, "controls": 2, "build_ms": 1.0, "p50_ms": 1.0, "p95_ms": 2.0,
                "budget_ms": 50.0, "met": True, "errors": []}]}],
           "datasets": [{"dataset": "posts", "rows": 10, "columns": 2, "memory_mb": 0.1, "cold_ms": 3.0}],
           "suite": None,
           "grader": {"sandbox": "bubblewrap", "sandbox_reason": "", "budget_ratio": 1.5,
                      "now_s_per_notebook": 1.2, "before_s_per_notebook": 2.0,
                      "notebooks": [{"notebook": "solutions/00-a.ipynb", "now_s": 1.2, "first_s": 3.0,
                                     "before_s": 2.0, "ratio": 0.6, "met": True, "errors": []}]}}
    md = bench.render_markdown(res)
    assert "| solutions/00-a.ipynb | 1.20 | 3.00 | 2.00 | 0.60 | met |" in md
    assert any(line.startswith("grader: 1.20 s per notebook") for line in bench.headline(res))
    assert "| lessons/00-a.ipynb | 6.00 | 3.00 | 5.00 | **MISSED** | 1.50 | 4.50 | – | 120 | met |" in md
    assert "| a.b | 1× | 2 |" in md and "--skip-suite" in md
    assert any("lessons/00-a.ipynb" in line for line in bench.headline(res))
    assert bench.kept_findings(md + "\n## Findings\n\nwhy\n") == "\n## Findings\n\nwhy\n"
    assert bench.kept_findings(md) == ""


def test_a_notebook_run_that_keeps_failing_is_reported_not_raised(monkeypatch):
    calls = []

    def boom(*args):
        calls.append(1)
        raise RuntimeError("Address already in use")

    monkeypatch.setattr(bench, "_run_notebook_once", boom)
    monkeypatch.setattr(bench.time, "sleep", lambda s: None)
    r = bench.run_notebook({}, ROOT, attempts=2)
    assert len(calls) == 2 and "Address already in use" in r["errors"][0]
    summary = bench._summarise_runs([r, {**r, "wall_s": 2.0, "errors": [], "cells_s": {}}])
    assert summary["wall_s"] == 2.0 and summary["errors"]


def test_scenarios_views_declare_are_discovered_measured_and_reported(monkeypatch):
    found = {(name, s["name"], s["factor"]) for name, _f, s in bench.discover_scenarios()}
    assert ("community.community_map", "only the sizing changes", 1) in found
    assert ("community.community_map", "a new window, computed when first shown", 10) in found

    import ipywidgets as w

    calls = []

    def planted(slow: bool = False) -> w.Box:
        pick = w.Dropdown(options=["a", "b", "c"], description="Pick")
        other = w.Dropdown(options=["x", "y"], description="Other")
        pick.observe(lambda change: calls.append(change["new"]), names="value")
        return w.VBox([pick, other])

    once = bench.bench_scenario(planted, {"name": "each option", "controls": ["Pick"], "budget_ms": 1000,
                                          "each_option_once": True, "kwargs": {"slow": True}}, n=5)
    assert once["n"] == 2 and calls == ["b", "c"] and once["met"] and not once["errors"]
    randomly = bench.bench_scenario(planted, {"name": "random", "controls": ["Pick", "Nope"],
                                              "budget_ms": None}, n=4)
    assert randomly["n"] == 4 and randomly["met"] is None and "no control called 'Nope'" in randomly["errors"]
    res = {"machine": bench.machine(), "settings": {"repeat": 1, "updates": 2, "scales": [10]},
           "scenarios": [{"widget": "a.b", **once}], "suite": None}
    assert "| a.b | each option | 1× |" in bench.render_markdown(res)
