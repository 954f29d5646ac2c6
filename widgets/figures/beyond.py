"""Figures for lesson 08: shares with their intervals, against the share of everything.

Two uses in the lesson: the share of the public's questions answered, by topic (myths corrected),
and the share of booking clicks that became bookings, by post style. Each function returns a
plotly figure and never shows it; every title is computed from the data.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..style import COLOURS, PALETTE, register_template

__all__ = ["answered_figure", "booking_figure", "share_title", "shares_figure"]


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def share_title(table: pd.DataFrame, n_column: str, overall: float, what: str, of: str,
                all_name: str, groups: str = "group", digits: int = 0) -> str:
    """The finding: which groups' 95% intervals lie below or above the share of everything, e.g.
    "Questions answered: below all questions' 62% beyond chance: myths (38% of 99 questions)"; or,
    when none does, that every group is within chance of it, from the lowest to the highest."""
    if not len(table):
        return f"{what}: nothing to show"
    below = [str(g) for g in table.index if table.at[g, "high"] < overall]
    above = [str(g) for g in table.index if table.at[g, "low"] > overall]

    def one(g: str, unit: bool = False) -> str:
        n = int(table.at[g, n_column])
        return f"{g} ({_pct(table.at[g, 'share'], digits)} of {n:,}{' ' + of if unit else ''})"

    if not below and not above:
        low, high = str(table["share"].idxmin()), str(table["share"].idxmax())
        return (f"{what}: every {groups} within chance of {all_name}' {_pct(overall, digits)};<br>"
                f"from {one(low, True)} to {one(high)}")
    head = f"{what}: beyond chance, {'below' if below else 'above'} {all_name}' {_pct(overall, digits)}: "
    first, second = (below, above) if below else (above, [])
    text = head + ", ".join(one(g, i == 0) for i, g in enumerate(first))
    if second:
        text += "<br>and above it: " + ", ".join(one(g) for g in second)
    return text


def shares_figure(table: pd.DataFrame, n_column: str, overall: float, what: str, of: str,
                  all_name: str, x_title: str, y_title: str, highlight: str | None = None,
                  digits: int = 0, groups: str = "group") -> go.Figure:
    """One dot per group with its 95% interval (``share``, ``low``, ``high`` and a count column
    ``n_column`` in ``table``), lowest on top, and a dotted reference line at ``overall``, the share
    of everything (``all_name``). ``highlight`` is drawn in the highlight colour."""
    t = table.sort_values("share", kind="stable")
    labels = [f"{g} ({int(n):,})" for g, n in zip(t.index, t[n_column], strict=True)]
    colours = [COLOURS["highlight"] if str(g) == str(highlight) else PALETTE[0] for g in t.index]
    fig = go.Figure(go.Scatter(
        x=(100 * t["share"]).round(2).tolist(), y=labels, mode="markers", showlegend=False,
        marker={"color": colours, "size": 13, "line": {"color": "black", "width": 1}},
        error_x={"type": "data", "symmetric": False, "color": COLOURS["neutral"], "thickness": 2,
                 "array": (100 * (t["high"] - t["share"])).round(2).tolist(),
                 "arrayminus": (100 * (t["share"] - t["low"])).round(2).tolist()},
        hovertemplate="%{y}: %{x:.1f}%<extra></extra>"))
    fig.add_vline(x=100 * overall, line={"color": PALETTE[7], "dash": "dot"},
                  annotation_text=f"{all_name}: {_pct(overall, digits)}", annotation_position="top")
    fig.update_layout(template=register_template(), height=380, margin={"t": 105, "l": 190},
                      title=share_title(t, n_column, overall, what, of, all_name, groups, digits),
                      xaxis={"title": x_title, "ticksuffix": "%", "rangemode": "tozero"},
                      yaxis={"title": y_title, "type": "category"})
    return fig


def answered_figure(table: pd.DataFrame, overall: float, highlight: str | None = "myths") -> go.Figure:
    """The share of questions answered per topic (``answered_share``-like table with ``threads``,
    ``share``, ``low``, ``high``), with the share of all questions; myths highlighted."""
    return shares_figure(table, "threads", overall, "Questions answered", "questions",
                         "all questions", "questions answered (% of those asked, 95% interval)",
                         "topic (questions asked)", highlight, groups="topic")


def booking_figure(funnel: pd.DataFrame, overall: float) -> go.Figure:
    """Bookings per booking click per group (a ``booking_funnel`` table by style), with the rate of
    all posts."""
    table = funnel.rename(columns={"bookings_per_click": "share"})
    return shares_figure(table, "booking_clicks", overall, "Booking clicks that became bookings",
                         "clicks", "all posts", "bookings per booking click (%, 95% interval)",
                         "post style (booking clicks)", digits=1, groups="style")
