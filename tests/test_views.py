"""Every view, discovered: it sends little to the browser, and every control changes what is shown.

Views are the functions in the ``__all__`` of each module of ``widgets/views/`` (as the benchmark
finds them), so a new lesson's view is covered without editing this file.
"""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import ipywidgets as w
import plotly.graph_objects as go
import pytest

from tests.helpers import ROOT
from tests.helpers import walk as _walk
from widgets.views._traffic import recorded
from widgets.views.figure import FigureView

_spec = importlib.util.spec_from_file_location("course_benchmark_views", ROOT / "bench" / "benchmark.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

VIEWS = bench.discover_views()
VIEW_IDS = [name for name, _ in VIEWS]


def shown(box: w.Box, every_text: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a control must change: the summary's text and every figure's JSON.

    ``every_text``: any text widget counts (for a button, whose effect may be a message of its own,
    such as "Saved").
    """
    texts = tuple(str(x.value) for x in _walk(box) if isinstance(x, w.HTML | w.HTMLMath | w.Label)
                  and (every_text or "course-widget-summary" in x._dom_classes))
    figures = tuple(x.figure_json for x in _walk(box) if isinstance(x, FigureView))
    return texts, figures


def values_to_try(control: Any) -> list[tuple[str, Any]]:
    """Every option of a selection or tab, the ends and middle of a slider; a button's click; for
    a text box, some words and then a number."""
    if isinstance(control, w.Button):
        return [("click", None)]
    if isinstance(control, w.Tab | w.Accordion | w.Stack):
        return [("selected_index", i) for i in range(len(control.children))]
    if isinstance(control, w.widgets.widget_selection._Selection):
        return [("index", i) for i in range(len(control.options))]
    if isinstance(control, w.Text | w.Textarea):  # a learner types: a word, then a number
        return [("value", (control.value + " edited").strip()), ("value", "12")]
    if isinstance(control, w.Checkbox | w.ToggleButton):
        return [("value", not control.value), ("value", control.value)]
    if hasattr(control, "min") and hasattr(control, "max") and not isinstance(control.value, tuple):
        lo, hi = control.min, control.max
        step = getattr(control, "step", None) or 1
        middle = lo + round((hi - lo) / 2 / step) * step
        if isinstance(control.value, int):
            middle = int(middle)
        return [("value", v) for v in dict.fromkeys([lo, middle, hi])]
    if hasattr(control, "min") and isinstance(control.value, tuple):
        lo, hi = control.min, control.max
        return [("value", (lo, hi)), ("value", (lo, lo + (hi - lo) // 2 if isinstance(lo, int)
                                                 else lo + (hi - lo) / 2))]
    return []


def _set(control: Any, attr: str, value: Any) -> None:
    if attr == "click":
        control.click()
    else:
        setattr(control, attr, value)


def _current(control: Any, attr: str) -> Any:
    return None if attr == "click" else getattr(control, attr)


@pytest.mark.parametrize(("name", "view"), VIEWS, ids=VIEW_IDS)
def test_view_sends_little_when_displayed_and_per_update(name, view):
    """Budget (issue 17): at most 1 MB of widget state at display, 200 KB per control change."""
    with recorded() as traffic:
        box = view()
        at_display = traffic.total
        assert at_display <= bench.DISPLAY_BYTES, (
            f"{name} sends {at_display:,} bytes when displayed (budget {bench.DISPLAY_BYTES:,})")
        for control in bench.find_controls(box):
            for attr, value in values_to_try(control):
                if _current(control, attr) == value:
                    continue
                traffic.clear()
                _set(control, attr, value)
                label = getattr(control, "description", "") or type(control).__name__
                assert traffic.total <= bench.UPDATE_BYTES, (
                    f"{name}: setting {label} to {value!r} sent {traffic.total:,} bytes "
                    f"(budget {bench.UPDATE_BYTES:,})")


# Known dead controls, to be mended (each entry must fail: strict xfail).
KNOWN_DEAD: dict[str, str] = {}


@pytest.mark.parametrize(("name", "view"), [
    pytest.param(name, view, id=name, marks=[pytest.mark.xfail(reason=KNOWN_DEAD[name], strict=True)]
                 if name in KNOWN_DEAD else []) for name, view in VIEWS])
def test_every_control_changes_what_the_learner_sees(name, view):
    """EVIDENCE.md 6: each control, moved through its options one at a time, changes the summary
    or a figure (a button: any text); a control that changes nothing must be removed."""
    box = view()
    controls = bench.find_controls(box)
    assert controls, f"{name} has no controls"
    dead = []
    for control in controls:
        label = getattr(control, "description", "") or type(control).__name__
        tried = [(a, v) for a, v in values_to_try(control) if _current(control, a) != v]
        assert tried or isinstance(control, w.Button), f"{name}: {label} has a single option"
        button = isinstance(control, w.Button)
        for attr, value in tried:
            before = shown(box, button)
            _set(control, attr, value)
            if shown(box, button) == before:
                what = control.options[value] if attr == "index" else value
                if isinstance(what, tuple):  # (label, value) options
                    what = what[0]
                dead.append(f"{label} = {what!r}")
    assert not dead, f"{name}: these settings change nothing the learner sees: {dead}"


def test_every_control_test_fails_on_a_dead_control():
    """A planted counter-example: a dropdown wired to nothing is caught."""
    def planted() -> w.Box:
        dead = w.Dropdown(options=["a", "b"], description="Dead")
        live = w.IntSlider(value=1, min=0, max=2, description="Live")
        summary = w.HTML("1").add_class("course-widget-summary")
        live.observe(lambda change: setattr(summary, "value", str(change["new"])), names="value")
        return w.VBox([dead, live, summary])

    with pytest.raises(AssertionError, match="Dead = 'b'"):
        test_every_control_changes_what_the_learner_sees("planted", planted)


def test_budget_test_fails_on_a_figure_widget():
    """A planted counter-example: a view built on go.FigureWidget sends plotly.js (~5 MB)."""
    def heavy() -> w.Box:
        return w.VBox([go.FigureWidget(go.Figure(go.Bar(x=[1], y=[1])))])

    with pytest.raises(AssertionError, match="bytes when displayed"):
        test_view_sends_little_when_displayed_and_per_update("heavy", heavy)


def test_no_view_builds_a_figure_widget_itself():
    """Figures are shown through widgets.views.figure.FigureView, never go.FigureWidget."""
    for path in (ROOT / "widgets").rglob("*.py"):
        if path.name == "figure.py" and path.parent.name == "views":
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bFigureWidget\s*\(", text), (
            f"{path.relative_to(ROOT)} builds a go.FigureWidget (5 MB of plotly.js per figure): "
            "use widgets.views.figure.FigureView")


# ------------------------------------------------------------------------------ the component


def _figure() -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout={"title": {"text": "Two bars"}})


def test_figure_view_sends_the_figure_json_not_plotly_js():
    with recorded() as traffic:
        view = FigureView(_figure())
    sent = json.loads(view.figure_json)
    assert sent["data"][0]["y"] == [1, 2] and sent["layout"]["title"]["text"] == "Two bars"
    assert traffic.total < 50_000
    assert "plotly.js v" not in view._esm and len(view._esm) < 20_000
    assert view.description == "Two bars"


def test_batch_update_sends_one_message_and_only_when_something_changed():
    view = FigureView(_figure())
    with recorded() as traffic:
        view2 = FigureView(_figure())
        traffic.clear()
        with view2.batch_update():
            view2.data[0].y = [3, 4]
            view2.layout.title.text = "Changed"
        assert [kind for kind, _ in traffic.messages].count("update") == 1
        assert json.loads(view2.figure_json)["data"][0]["y"] == [3, 4]
        traffic.clear()
        with view2.batch_update():
            view2.data[0].y = [3, 4]
        assert traffic.messages == []
    view.update(go.Figure(go.Scatter(x=[1], y=[1])), description="One point")
    assert json.loads(view.figure_json)["data"][0]["type"] == "scatter"
    assert view.description == "One point"


def test_a_page_without_plotly_js_gets_it_once_on_request():
    view = FigureView(_figure())
    sent: list[tuple[Any, Any]] = []
    view.send = lambda content, buffers=None: sent.append((content, buffers))  # type: ignore[method-assign]
    view._on_front_end_message(view, {"type": "something else"}, [])
    assert sent == []
    view._on_front_end_message(view, {"type": "need-plotly-js"}, [])
    (content, buffers), = sent
    assert content == {"type": "plotly-js"} and len(buffers[0]) > 1_000_000


# ------------------------------------------------------------------------------ accessibility


@pytest.mark.parametrize(("name", "view"), VIEWS, ids=VIEW_IDS)
def test_every_view_is_built_on_view_box_with_its_accessibility_helper(name, view):
    """Issue 13: every view's outer box carries ControlNames (slider names, keys kept from
    JupyterLab's shortcuts, tab contrast), and every control has a description (its name)."""
    from widgets.views.base import ControlNames

    box = view()
    assert "course-widget" in box._dom_classes
    assert any(isinstance(child, ControlNames) for child in box.children), (
        f"{name}: build the outer box with widgets.views.base.view_box")
    unnamed = [type(c).__name__ for c in bench.find_controls(box)
               if not isinstance(c, w.Tab | w.Accordion | w.Stack | w.Button)
               and not (getattr(c, "description", "") or "").strip()]
    assert not unnamed, f"{name}: controls without a description (accessible name): {unnamed}"


def test_tables_are_keyboard_scrollable_named_regions():
    import pandas as pd

    from widgets.ui import table_html

    page = table_html(pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}))
    assert page.startswith('<div class="course-table" role="region" tabindex="0" '
                           'aria-label="Table: 3 rows, 2 columns"')
    assert "<table" in page and page.endswith("</div>")
    assert 'aria-label="Table: 1 row, 1 column"' in table_html(pd.DataFrame({"a": [1]}))
