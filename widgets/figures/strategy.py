"""Figures for lesson 09's strategy canvas: the audit of one metric over time, reach against
conversation for a shift of posts, and the power of a test week by week.

Each returns a plotly figure in the course's template, with a title that states the finding and
is computed from the model's output.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..models.strategy import METRICS, Audit, Design, Shift, TradeOff
from ..style import COLOURS, register_template

REACH_COLOUR, COMMENTS_COLOUR = COLOURS["highlight"], COLOURS["conversation"]


def _signed(x: float, digits: int = 1) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:+.{digits}f}"


# ----------------------------------------------------------------------------- the audit


def audit_title(audit: Audit, key: str) -> str:
    base = audit.metrics[key]
    m = METRICS[key]
    if not math.isfinite(base.whole) or base.whole == 0:
        return f"{m.label.capitalize()}: {m.show(base.baseline)} in the {audit.baseline_label}"
    ratio = base.baseline / base.whole
    return (f"{m.label.capitalize()}: {m.show(base.baseline)} in the {audit.baseline_label}, "
            f"{ratio:.2f} times the whole period's "
            f"{m.show(base.whole)}")


def _audit_parts(audit: Audit, key: str, monthly: pd.DataFrame) -> dict:
    base = audit.metrics[key]
    m = METRICS[key]
    start = max(audit.end - pd.Timedelta(weeks=audit.baseline_weeks), audit.start)
    return {
        "x": list(monthly.index), "y": [None if not math.isfinite(v) else float(v)
                                        for v in monthly["mean"]],
        "posts": monthly["posts"].tolist(), "base_x": [start, audit.end],
        "base_y": [base.baseline, base.baseline], "title": audit_title(audit, key),
        "yaxis": m.label if m.unit == m.label else f"{m.label} ({m.unit})",
        "shapes": [{"type": "rect", "xref": "x", "yref": "paper", "x0": start, "x1": audit.end,
                    "y0": 0, "y1": 1, "fillcolor": COLOURS["neutral"], "opacity": 0.18,
                    "line": {"width": 0}, "layer": "below"}],
    }


def audit_figure(audit: Audit, key: str, monthly: pd.DataFrame) -> go.Figure:
    """The metric's mean per post, month by month (``monthly``: from
    :func:`widgets.models.strategy.monthly`), with the baseline (last 13 weeks) shaded and its
    value as a dashed reference line."""
    parts = _audit_parts(audit, key, monthly)
    fig = go.Figure(go.Scatter(
        x=parts["x"], y=parts["y"], mode="lines+markers", name="mean per post, by month",
        line={"color": COLOURS["conversation"]}, customdata=parts["posts"],
        hovertemplate="%{x|%b %Y}: %{y:,.2f} (%{customdata} posts)<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=parts["base_x"], y=parts["base_y"], mode="lines",
        name=f"baseline ({audit.baseline_label}, shaded)",
        line={"color": "#000000", "dash": "dash", "width": 2},
        hovertemplate="baseline: %{y:,.2f}<extra></extra>"))
    fig.update_layout(
        template=register_template(), title=parts["title"], height=330, title_font_size=15,
        shapes=parts["shapes"], xaxis={"title": "month posted"},
        yaxis={"title": parts["yaxis"], "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.34}, margin={"b": 110})
    return fig


def fill_audit_figure(figure: object, audit: Audit, key: str, monthly: pd.DataFrame) -> None:
    """Change a shown :func:`audit_figure` in place to another metric (inside batch_update)."""
    parts = _audit_parts(audit, key, monthly)
    figure.data[0].x, figure.data[0].y = parts["x"], parts["y"]
    figure.data[0].customdata = parts["posts"]
    figure.data[1].x, figure.data[1].y = parts["base_x"], parts["base_y"]
    figure.layout.title.text = parts["title"]
    figure.layout.yaxis.title.text = parts["yaxis"]
    figure.layout.shapes = parts["shapes"]


# ----------------------------------------------------------------------------- reach vs conversation


def shift_title(shift: Shift) -> str:
    if shift.points == 0:
        return (f"No shift: {shift.current_share:.0%} of posts are conversational now; move the "
                "slider to see what a shift would change")
    way = "more" if shift.points > 0 else "fewer"
    return (f"{shift.share:.0%} conversational posts ({way} than {shift.current_share:.0%} now): "
            f"comments {_signed(shift.comments_pct)}% a week, reach {_signed(shift.reach_pct)}% "
            "(an association, not a causal effect)")


def shift_values(shift: Shift) -> tuple[list[float], list[float], list[float]]:
    """Bar heights (percent change per week: reach, comments) and the error bars above, below."""
    y = [shift.reach_pct, shift.comments_pct]
    up = [shift.reach_pct_high - shift.reach_pct, shift.comments_pct_high - shift.comments_pct]
    down = [shift.reach_pct - shift.reach_pct_low, shift.comments_pct - shift.comments_pct_low]
    clean = [[0.0 if not math.isfinite(v) else float(v) for v in row] for row in (y, up, down)]
    return clean[0], clean[1], clean[2]


def shift_figure(shift: Shift, trade: TradeOff) -> go.Figure:
    """Two bars, reach and comments per week, each the expected percent change for the shift, with
    its 95% bootstrap interval, against a zero line (no change)."""
    y, up, down = shift_values(shift)
    fig = go.Figure(go.Bar(
        x=shift_labels(shift, trade.reach_column), y=y, marker_color=[REACH_COLOUR, COMMENTS_COLOUR],
        error_y={"type": "data", "array": up, "arrayminus": down, "visible": True,
                 "color": "#333333"},
        hovertemplate="%{x}<extra></extra>", showlegend=False))
    fig.add_hline(y=0, line={"color": "#000000", "width": 2})
    top = max([abs(v) for v in (*np.add(y, up), *np.subtract(y, down))] + [1.0])
    fig.update_layout(
        template=register_template(), title=shift_title(shift), height=360,
        yaxis={"title": "change a week (% of now)", "range": [-top * 1.3, top * 1.3],
               "zeroline": False},
        xaxis={"title": "what the account gets"}, title_font_size=15)
    return fig


def shift_labels(shift: Shift, reach_column: str = "reach") -> list[str]:
    """The bars' names, each with its value and interval (so no label sits on a whisker)."""
    reach = "reach" if reach_column == "reach" else "impressions"
    return [f"{name} per week: {_signed(value)}%<br>({_signed(low)} to {_signed(high)}%)"
            for name, value, low, high in (
                (reach, shift.reach_pct, shift.reach_pct_low, shift.reach_pct_high),
                ("comments", shift.comments_pct, shift.comments_pct_low, shift.comments_pct_high))]


def fill_shift_figure(figure: object, shift: Shift, reach_column: str = "reach") -> None:
    """Change a shown :func:`shift_figure` in place (inside ``batch_update``)."""
    y, up, down = shift_values(shift)
    bar = figure.data[0]
    bar.y = y
    bar.x = shift_labels(shift, reach_column)
    bar.error_y.array = up
    bar.error_y.arrayminus = down
    top = max([abs(v) for v in (*np.add(y, up), *np.subtract(y, down))] + [1.0])
    figure.layout.yaxis.range = [-top * 1.3, top * 1.3]
    figure.layout.title.text = shift_title(shift)


# ----------------------------------------------------------------------------- the test


def power_title(design: Design) -> str:
    m = METRICS[design.metric]
    weeks = design.weeks
    when = (f"{math.ceil(weeks)} weeks" if weeks <= 104 else f"{weeks / 52:.1f} years")
    where = "" if design.platform == "all" else f" on {design.platform}"
    return (f"At {design.posts_per_week:.1f} posts a week{where}, {when} ({design.total_posts:,} "
            f"posts) give {design.power:.0%} power to detect a {design.lift:.0%} lift in "
            f"{m.label}")


def power_grid(design: Design) -> np.ndarray:
    """Weeks to draw: from 1 to twice what the test needs (at least 8, at most 10 years)."""
    top = min(max(8.0, 2 * design.weeks), 520.0)
    return np.linspace(0, top, 81)[1:]


def _power_marks(design: Design, top: float) -> tuple[list[dict], list[dict]]:
    """The reference lines (power asked for; weeks needed) as layout shapes and annotations:
    plain dicts, far cheaper to redraw than ``add_hline``/``add_vline``."""
    shapes = [{"type": "line", "xref": "x", "yref": "y", "x0": 0, "x1": top, "y0": design.power,
               "y1": design.power, "line": {"color": "#000000", "dash": "dash", "width": 2}}]
    notes = [{"x": top, "y": design.power, "xref": "x", "yref": "y", "xanchor": "right",
              "yanchor": "top", "showarrow": False,
              "text": f"power asked for: {design.power:.0%}"}]
    if design.weeks <= top:
        shapes.append({"type": "line", "xref": "x", "yref": "y", "x0": design.weeks,
                       "x1": design.weeks, "y0": 0, "y1": 1,
                       "line": {"color": COLOURS["message"], "dash": "dot", "width": 2}})
        notes.append({"x": design.weeks, "y": 0.05, "xref": "x", "yref": "y", "xanchor": "left",
                      "showarrow": False, "text": f" {math.ceil(design.weeks)} weeks"})
    return shapes, notes


def power_figure(design: Design) -> go.Figure:
    """The test's power (statsmodels) week by week at the account's posting volume, with the
    power asked for (dashed) and the weeks it needs (dotted)."""
    weeks = power_grid(design)
    power = design.power_at(weeks)
    shapes, notes = _power_marks(design, float(weeks[-1]))
    return go.Figure({
        "data": [{"type": "scatter", "x": weeks.tolist(),
                  "y": [None if not math.isfinite(p) else float(p) for p in power],
                  "mode": "lines", "line": {"color": COLOURS["conversation"], "width": 3},
                  "name": "power", "showlegend": False,
                  "hovertemplate": "after %{x:.0f} weeks: power %{y:.0%}<extra></extra>"}],
        "layout": {
            "template": register_template(), "title": {"text": power_title(design),
                                                        "font": {"size": 15}},
            "height": 340, "shapes": shapes, "annotations": notes,
            "xaxis": {"title": {"text": "weeks the test runs (at the account's posts per week)"},
                      "range": [0, float(weeks[-1])]},
            "yaxis": {"title": {"text": "power (chance to detect the lift)"}, "range": [0, 1.02],
                      "tickformat": ".0%"}}}, skip_invalid=False)


def fill_power_figure(figure: object, design: Design) -> None:
    """Change a shown :func:`power_figure` in place for another design (inside
    ``batch_update``): each property set on its own, far cheaper than a new figure."""
    weeks = power_grid(design)
    power = design.power_at(weeks)
    shapes, notes = _power_marks(design, float(weeks[-1]))
    figure.data[0].x = weeks.tolist()
    figure.data[0].y = [None if not math.isfinite(p) else float(p) for p in power]
    figure.layout.title.text = power_title(design)
    figure.layout.shapes = shapes
    figure.layout.annotations = notes
    figure.layout.xaxis.range = [0, float(weeks[-1])]
