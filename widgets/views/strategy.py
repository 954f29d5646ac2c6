"""Lesson 09's strategy canvas: audit -> listening -> objectives (POST) -> strategy (reach against
conversation) -> measures (SMART targets) -> a test; and the plan, exported as one page.

The canvas takes any posts table: the course's brand (``load("posts")``, the default) or a
learner's own export (``data.load_export(path)``, or its ``.frame``). What a section needs and the
data lacks is said in one sentence; the section shows that sentence instead of its controls.

Everything slow is computed once per account or once per setting (the audit and its bootstrap
when the canvas is built, the trade-off's bootstrap once, each test design once per setting), so
a control change only reads cached results.
"""

from __future__ import annotations

import functools
import html
import math
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ..data import load
from ..figures.strategy import (
    audit_figure,
    fill_audit_figure,
    fill_power_figure,
    fill_shift_figure,
    power_figure,
    shift_figure,
)
from ..models.strategy import (
    ALTERNATIVES,
    MAX_MULTIPLE,
    METRICS,
    OBJECTIVES,
    Account,
    StrategyError,
)
from ..paths import COURSE_ROOT
from ..plan import (
    LISTENING,
    POST_PROMPTS,
    TARGET_ROWS,
    audit_sentence,
    design_sentence,
    entries,
    make_plan,
    shift_sentence,
    words,
    write_plan,
)
from ..style import TEXT_COLOURS, register_template
from .base import view_box
from .figure import FigureView

__all__ = ["strategy_canvas"]

_text = functools.partial(html.escape, quote=False)  # for text between tags (quotes stay quotes)

COURSE_NAME = "Copperpot Coffee"
_STYLE = {"description_width": "150px"}
_WIDE = w.Layout(width="680px")
_AREA = w.Layout(width="680px", height="64px")
_STATUS_COLOUR = {"plausible": TEXT_COLOURS["#009E73"], "caution": TEXT_COLOURS["#E69F00"],
                  "implausible": TEXT_COLOURS["#D55E00"], "invalid": TEXT_COLOURS["#D55E00"],
                  "empty": "#444444"}
_STATUS_WORD = {"plausible": "\u2714 Plausible", "caution": "\u26a0 Reconsider",
                "implausible": "\u2718 Implausible", "invalid": "\u2718 Not a SMART target",
                "empty": "\u25cb Not written"}


TAB_TITLES = ("1 Audit", "2 Listening", "3 POST", "4 Trade-off", "5 Targets", "6 Test it")


def _excerpt(text: str, n: int = 40, empty: str = "(not written)") -> str:
    """The start of what the learner wrote, quoted and escaped, for the summary."""
    text = " ".join(str(text).split())
    if not text:
        return empty
    return "\u201c" + _text(text if len(text) <= n else text[: n - 1] + "\u2026") + "\u201d"


def _message_figure(text: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=register_template(), title=text, height=160,
                      xaxis={"visible": False}, yaxis={"visible": False})
    return fig


def _describe_data(posts: Any, frame: pd.DataFrame | None) -> tuple[str, str]:
    """(name, one sentence saying what data is in use) for the header and the plan."""
    if posts is None:
        return COURSE_NAME, ("Data: Copperpot Coffee's posts on four platforms, 2024-2025: the "
                             "course's fictional brand (synthetic data).")
    if hasattr(posts, "layout_title"):
        return "your account", (f"Data: your {posts.layout_title} ({posts.file}, "
                                f"{len(posts.frame):,} posts), read on this computer.")
    n = len(frame) if isinstance(frame, pd.DataFrame) else 0
    return "your account", f"Data: the posts table given to the canvas ({n:,} posts)."


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(COURSE_ROOT))
    except ValueError:
        return str(path)


def _table(account: Account) -> str:
    a = account.audit
    rows = "".join(
        f"<tr><td>{_text(b.metric.label)}</td><td style='text-align:right'>"
        f"<b>{b.metric.show(b.baseline)}</b></td><td style='text-align:right'>"
        f"{b.metric.show(b.low)} to {b.metric.show(b.high)}</td><td style='text-align:right'>"
        f"{b.metric.show(b.whole)}</td><td style='text-align:right'>{b.n:,}</td></tr>"
        for b in a.metrics.values())
    return ("<div class='course-table' role='region' tabindex='0' aria-label='Audit: every "
            "metric now and over the whole period' style='overflow-x:auto'>"
            "<table><caption style='text-align:left'>Every metric the data allows, per post, "
            "averaged</caption><tr><th>metric</th><th>now ("
            f"{a.baseline_label})</th><th>95% interval</th><th>whole period</th>"
            f"<th>posts now</th></tr>{rows}</table></div>")


def _missing(account: Account) -> str:
    a = account.audit
    lines = [_text(why) for why in a.unavailable.values()]
    lines += [_text(n) for n in a.notes]
    if not lines:
        return ""
    return "<ul style='margin:2px 0'>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>"


def strategy_canvas(posts: Any = None, *, name: str | None = None,
                    plan: Mapping[str, Any] | None = None, start: date | None = None,
                    folder: str | os.PathLike | None = None) -> w.Box:
    """The strategy canvas, worked through in order, and a button that exports the plan.

    ``posts``: the course's posts by default; or a learner's export (``load_export(path)`` or
    its ``.frame``), or any table with the posts columns. ``name``: the account's name for the
    plan. ``plan``: what to fill the canvas with (see :func:`widgets.plan.entries`), e.g. a worked
    example. ``start``: the day the plan starts (default: the day after the last post).
    ``folder``: where the plan is written (default ``my-plan/`` in the course folder).
    """
    frame = load("posts") if posts is None else posts
    default_name, data_label = _describe_data(posts, getattr(frame, "frame", frame))
    name = name or default_name
    try:
        account = Account(frame, start=start)
        given = entries(plan)
    except StrategyError as problem:
        summary = w.HTML(f"<b>The strategy canvas cannot start:</b> {_text(str(problem))}."
                         ).add_class("course-widget-summary")
        return view_box("strategy-canvas", [w.HTML(_text(data_label)), summary])

    header = w.HTML(f"<b>{_text(data_label)}</b> The plan starts on "
                    f"{account.start.day} {account.start:%B %Y}, the day after the last post; the baseline "
                    f"(\"now\") is the {account.audit.baseline_label}.")

    # -- 1 audit --------------------------------------------------------------------------------
    metric_options = [(METRICS[k].label, k) for k in account.metrics]
    first_metric = "comments_per_post" if "comments_per_post" in account.metrics else (
        account.metrics[0] if account.metrics else None)
    audit_metric = w.Dropdown(options=metric_options, value=first_metric,
                              description="Metric over time", style=_STYLE, layout=_WIDE)
    audit_view = FigureView(audit_figure(account.audit, first_metric, account.monthly(first_metric))
                            if first_metric else _message_figure("No metric can be computed"))
    audit_box = w.VBox([
        w.HTML(f"<p>{_text(audit_sentence(account))}</p>{_table(account)}"
               f"{_missing(account)}"),
        *([audit_metric] if len(metric_options) > 1 else []), audit_view])

    # -- 2 listening -----------------------------------------------------------------------------
    listening = {}
    rows: list[w.Widget] = [w.HTML("<p>What did listening (lesson 05) and answering (lesson 06) "
                                   "find? A few lines each, in your own words.</p>")]
    for i, (key, prompt) in enumerate(LISTENING.items(), start=1):
        listening[key] = w.Textarea(value=given.listening.get(key, ""), description=f"Listening {i}",
                                    placeholder="a few lines", continuous_update=False,
                                    style=_STYLE, layout=_AREA)
        rows += [w.HTML(f"<b>{i}. {_text(prompt)}</b>"), listening[key]]
    listening_box = w.VBox(rows)

    # -- 3 POST ---------------------------------------------------------------------------------
    people = w.Textarea(value=given.people, description="People", continuous_update=False,
                        style=_STYLE, layout=_AREA)
    objective = w.Dropdown(options=[(k, k) for k in OBJECTIVES], value=given.objective,
                           description="Objective", style=_STYLE, layout=w.Layout(width="360px"))
    objective_text = w.HTML()
    strategy = w.Textarea(value=given.strategy, description="Strategy", continuous_update=False,
                          style=_STYLE, layout=_AREA)
    technology = w.Textarea(value=given.technology, description="Technology",
                            continuous_update=False, style=_STYLE, layout=_AREA)
    post_box = w.VBox([
        w.HTML("<p>Groundswell's POST (Li &amp; Bernoff): People, Objectives, Strategy, and "
               "Technology last.</p>"),
        w.HTML(f"<b>{_text(POST_PROMPTS['people'])}</b>"), people,
        w.HTML("<b>Objectives: which of Groundswell's five is this plan's main one?</b>"),
        objective, objective_text,
        w.HTML(f"<b>{_text(POST_PROMPTS['strategy'])}</b>"), strategy,
        w.HTML(f"<b>{_text(POST_PROMPTS['technology'])}</b>"), technology])

    # -- 4 strategy: reach against conversation ----------------------------------------------------
    try:
        trade = account.trade_off()
        trade_problem = None
    except StrategyError as problem:
        trade, trade_problem = None, f"Reach against conversation cannot be computed: {problem}."
    shift = w.IntSlider(value=given.shift, min=-50, max=50, step=5,
                        description="Posts turned (of 100)", continuous_update=False,
                        style=_STYLE, layout=w.Layout(width="560px"))
    shift_text = w.HTML()
    if trade is not None:
        shift_view = FigureView(shift_figure(account.shift(shift.value), trade))
        built_in = ("<p><i>Copperpot's posts are synthetic: the course's generator set how "
                    "each style changes comments, likes and shares, and gave style no effect on "
                    "reach (datasets/README.md, posts.csv). The canvas finds those settings "
                    "again; it does not discover them.</i></p>" if posts is None else "")
        shift_box = w.VBox([
            w.HTML("<p>How many of every 100 posts would you turn from broadcast to "
                   "conversational (negative: the other way)? <b>Predict first:</b> what will it "
                   "cost in reach, and gain in comments?</p>"),
            shift, shift_view, shift_text, w.HTML(built_in)])
    else:
        shift.disabled = True
        shift_view = None
        shift_box = w.VBox([w.HTML(f"<p>{_text(trade_problem)}</p>")])

    # -- 5 measures ------------------------------------------------------------------------------
    target_rows = []
    target_controls = []
    verdicts = []
    target_options = [(METRICS[k].label, k) for k in account.metrics]
    for i in range(TARGET_ROWS):
        metric, value, by = given.targets[i]
        if metric not in account.metrics and account.metrics:
            metric = account.metrics[0]
        pick = w.Dropdown(options=target_options, value=metric if account.metrics else None,
                          description=f"Target {i + 1}: metric", style=_STYLE,
                          layout=w.Layout(width="430px"))
        number = w.Text(value=value, description=f"Target {i + 1}: value", placeholder="a number",
                        continuous_update=False, style=_STYLE, layout=w.Layout(width="300px"))
        when = w.Text(value=by, description=f"Target {i + 1}: by", placeholder="YYYY-MM-DD",
                      continuous_update=False, style=_STYLE, layout=w.Layout(width="300px"))
        verdict = w.HTML()
        target_controls.append((pick, number, when))
        verdicts.append(verdict)
        target_rows += [w.HBox([pick]), w.HBox([number, when]), verdict]
    measures_box = w.VBox([
        w.HTML("<p>A SMART target (Doran, 1981) is a number, on a metric the course computes, "
               "with a date, measured like the baseline (the mean per post). Each is checked "
               f"against the baseline: more than {MAX_MULTIPLE:g} times the current value (a round "
               "number the course chose, not a law) is flagged as implausible; more than this "
               "account ever rose in a year gets a reconsider.</p>"), *target_rows])

    # -- 6 test ----------------------------------------------------------------------------------
    testable = [(METRICS[k].label, k) for k in account.testable]
    test = given.test
    test_metric = w.Dropdown(options=testable, value=test["metric"] if test["metric"] in
                             account.testable else (account.testable or [None])[0],
                             description="Test metric", style=_STYLE, layout=w.Layout(width="430px"))
    lift = w.IntSlider(value=int(round(100 * float(test["lift"]))), min=5, max=100, step=5,
                       description="Smallest lift (%)", continuous_update=False, style=_STYLE,
                       layout=w.Layout(width="520px"))
    alpha = w.Dropdown(options=[("0.05", 0.05), ("0.01", 0.01), ("0.10", 0.10)],
                       value=float(test["alpha"]), description="Alpha", style=_STYLE,
                       layout=w.Layout(width="260px"))
    power = w.Dropdown(options=[("80%", 0.8), ("90%", 0.9)], value=float(test["power"]),
                       description="Power", style=_STYLE, layout=w.Layout(width="260px"))
    sided = w.Dropdown(options=[(v, k) for k, v in ALTERNATIVES.items()],
                       value=test["alternative"], description="Test", style=_STYLE,
                       layout=w.Layout(width="430px"))
    platform_options = [("all platforms", "all")] + [(p, p) for p in account.platforms]
    if len(account.platforms) <= 1:
        platform_options = platform_options[:1]
    platform = w.Dropdown(options=platform_options, value=test["platform"] if test["platform"] in
                          dict(platform_options).values() else "all",
                          description="Test on", style=_STYLE, layout=w.Layout(width="330px"))
    test_text = w.HTML()
    test_view = FigureView(_message_figure(" "))
    test_controls = [c for c in (test_metric, lift, alpha, power, sided, platform)
                     if not isinstance(c, w.Dropdown) or len(c.options) > 1]
    if account.testable:
        test_box = w.VBox([
            w.HTML("<p>A test of broadcast against conversational posts: how many posts, and how "
                   "many weeks at this account's volume, to detect a lift of a given size? "
                   "(Sample size and power: statsmodels.)</p>"),
            *test_controls, test_view, test_text])
    else:
        for control in test_controls:
            control.disabled = True
        test_box = w.VBox([w.HTML("<p>The test cannot be sized: the data has none of the metrics "
                                  "a test could compare.</p>")])

    # -- summary and export ----------------------------------------------------------------------
    summary = w.HTML().add_class("course-widget-summary")
    export = w.Button(description="Export my plan (HTML + Markdown)", icon="download",
                      button_style="primary", layout=w.Layout(width="auto"))
    exported = w.HTML()
    state: dict[str, Any] = {"checks": [None] * TARGET_ROWS, "design": None,
                             "design_problem": None}

    def current() -> dict[str, Any]:
        return {
            "listening": {k: c.value for k, c in listening.items()},
            "people": people.value, "objective": objective.value, "strategy": strategy.value,
            "technology": technology.value, "shift": shift.value,
            "targets": [(p.value, n.value, d.value) for p, n, d in target_controls],
            "test": {"metric": test_metric.value, "lift": lift.value / 100, "alpha": alpha.value,
                     "power": power.value, "alternative": sided.value, "platform": platform.value},
        }

    def summarise(_change: object = None) -> None:
        step = TAB_TITLES[tabs.selected_index or 0]
        lines = [f"<b>Open: step {_text(step)}.</b> The plan so far:"]
        metric = audit_metric.value
        if metric:
            b = account.audit.metrics[metric]
            lines.append(f"<b>1 Audit:</b> {account.audit.baseline_posts:,} posts in the "
                         f"{account.audit.baseline_label} ({account.audit.baseline_per_week:.1f}"
                         f" a week); {_text(b.metric.label)} {b.metric.show(b.baseline)} "
                         f"now, {b.metric.show(b.whole)} over the whole period.")
        answered = [c.value for c in listening.values() if c.value.strip()]
        lines.append(f"<b>2 Listening:</b> {len(answered)} of {len(listening)} prompts answered "
                     f"({sum(words(t) for t in answered)} words)"
                     + (": " + "; ".join(_excerpt(t, 30) for t in answered) + "." if answered
                        else "."))
        lines.append(f"<b>3 POST:</b> people {_excerpt(people.value)}; objective "
                     f"<i>{_text(objective.value)}</i>; strategy {_excerpt(strategy.value)}; "
                     f"technology {_excerpt(technology.value)}.")
        if trade is not None:
            s = account.shift(shift.value)
            lines.append(f"<b>4 Strategy:</b> {s.share:.0%} conversational posts (now "
                         f"{s.current_share:.0%}): comments {s.comments_pct:+.1f}% a week, reach "
                         f"{s.reach_pct:+.1f}% (95% intervals in the chart).")
        else:
            lines.append("<b>4 Strategy:</b> no trade-off could be computed (see its tab).")
        said = []
        for (pick, number, when), check in zip(target_controls, state["checks"], strict=True):
            if check is None:
                continue
            typed = " ".join(x for x in (_excerpt(number.value, 12, ""),
                                         "by " + _excerpt(when.value, 12, "") if when.value.strip()
                                         else "") if x)
            said.append(f"{check.row}. {_text(METRICS[pick.value].label)}"
                        + (f" {typed}" if typed else "")
                        + f": {_STATUS_WORD[check.status].split(' ', 1)[1].lower()}")
        lines.append("<b>5 Targets:</b> " + "; ".join(said) + ".")
        d = state["design"]
        if d is not None:
            weeks = (f"{math.ceil(d.weeks)} weeks" if d.weeks <= 104 else f"{d.weeks / 52:.1f} years")
            lines.append(f"<b>6 Test:</b> {d.total_posts:,} posts ({weeks}) to detect a "
                         f"{d.lift:.0%} lift in {_text(METRICS[d.metric].label)} "
                         f"({'all platforms' if d.platform == 'all' else _text(d.platform)}; "
                         f"{_text(d.short())}).")
        else:
            lines.append(f"<b>6 Test:</b> {_text(state['design_problem'] or 'not sized')}")
        summary.value = "<br>".join(lines)

    def on_audit(_change: object = None) -> None:
        key = audit_metric.value
        with audit_view.batch_update():
            fill_audit_figure(audit_view, account.audit, key, account.monthly(key))
        summarise()

    def on_objective(_change: object = None) -> None:
        objective_text.value = f"<i>{_text(OBJECTIVES[objective.value])}</i>"
        summarise()

    def on_shift(_change: object = None) -> None:
        if trade is None:
            return
        s = account.shift(shift.value)
        with shift_view.batch_update():
            fill_shift_figure(shift_view, s, trade.reach_column)
        shift_text.value = f"<p>{_text(shift_sentence(s, trade))}</p>"
        summarise()

    def on_target(i: int) -> Any:
        def update(_change: object = None) -> None:
            pick, number, when = target_controls[i]
            check = account.check(i + 1, pick.value, number.value, when.value)
            state["checks"][i] = check
            colour = _STATUS_COLOUR[check.status]
            verdicts[i].value = (f"<div role='status' style='border-left:5px solid {colour};"
                                 f"padding:2px 8px;margin:2px 0 8px'><b style='color:{colour}'>"
                                 f"{_STATUS_WORD[check.status]}</b> "
                                 f"{_text(check.reason)}</div>")
            summarise()
        return update

    def on_test(_change: object = None) -> None:
        try:
            d = account.design(test_metric.value, lift.value / 100, alpha.value, power.value,
                               sided.value, platform.value)
            state["design"], state["design_problem"] = d, None
            if state.get("power_shown"):
                with test_view.batch_update():
                    fill_power_figure(test_view, d)
            else:
                test_view.update(power_figure(d))
                state["power_shown"] = True
            test_text.value = f"<p>{_text(design_sentence(d))}</p>"
        except StrategyError as problem:
            state["design"], state["design_problem"] = None, f"The test cannot be sized: {problem}."
            test_view.update(_message_figure(f"The test cannot be sized: {problem}"[:120]))
            state["power_shown"] = False
            test_text.value = f"<p>{_text(state['design_problem'])}</p>"
        summarise()

    def on_export(_button: object) -> None:
        try:
            plan_now = make_plan(account, current(), name=name, data_label=data_label)
            page, text = write_plan(plan_now, folder)
        except OSError as problem:
            exported.value = f"\u26a0 Not written: {_text(str(problem))}."
            return
        exported.value = (f"\u2714 Written: <code>{_text(_shown_path(page))}</code> and "
                          f"<code>{_text(page.with_suffix('.md').name)}</code> in the same "
                          "folder, on this computer only (nothing was uploaded; a new name for "
                          "each export, so nothing is overwritten). Open the .html file in a "
                          "browser to read or print it.")

    audit_metric.observe(on_audit, names="value")
    objective.observe(on_objective, names="value")
    for control in (*listening.values(), people, strategy, technology):
        control.observe(summarise, names="value")
    shift.observe(on_shift, names="value")
    for i, controls in enumerate(target_controls):
        for control in controls:
            control.observe(on_target(i), names="value")
    for control in (test_metric, lift, alpha, power, sided, platform):
        control.observe(on_test, names="value")
    export.on_click(on_export)

    tabs = w.Tab(children=[audit_box, listening_box, post_box, shift_box, measures_box, test_box])
    for i, title in enumerate(TAB_TITLES):
        tabs.set_title(i, title)
    tabs.observe(summarise, names="selected_index")
    objective_text.value = f"<i>{_text(OBJECTIVES[objective.value])}</i>"
    if trade is not None:
        shift_text.value = f"<p>{_text(shift_sentence(account.shift(shift.value), trade))}</p>"
    for i in range(TARGET_ROWS):
        on_target(i)()
    if account.testable:
        on_test()
    else:
        state["design_problem"] = "The test cannot be sized: no metric to compare."
    summarise()

    return view_box("strategy-canvas", [header, tabs, summary, w.HBox([export, exported])])
