"""Figures for lesson 04: a metric's ranking of post groups with bootstrap intervals, what the
interactions are made of, and what a bootstrap distribution looks like for 7 posts against 400.

Each function returns a plotly figure and never shows it; every title is computed from the data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..models.dialogue import LEVEL, SMALL_GROUP, Metric, Ranking
from ..style import COLOURS, PALETTE, register_template

__all__ = ["bootstrap_figure", "composition_figure", "fill_question", "fill_ranking",
           "group_label", "ranking_figure", "ranking_title"]

_POINT = PALETTE[0]


def _nan(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def group_label(group: str, posts: int) -> str:
    """A group's axis label with its number of posts, e.g. "Video (7 posts)"."""
    return f"{group} ({posts:,} post{'' if posts == 1 else 's'})"


def ranking_title(r: Ranking, grouping: str) -> str:
    """What the ranking shows, e.g. "Engagement per reach by post type: Photo leads (2.62%),
    clear of Status"."""
    m = r.metric
    head = f"{m.label.capitalize()} by {grouping}"
    if not len(r.table):
        return f"{head}: no posts to compare"
    leader = r.leader
    value = m.show(float(r.table.at[leader, "value"]))
    if r.runner_up is None and len(r.table) > 1 and not len(r.ranked):
        return f"{head}:<br>every group is a single post here, nothing to rank"
    if r.runner_up is None:
        if len(r.table) == 1:
            return f"{head}:<br>only one group here, {leader} ({value}), nothing to rank"
        return f"{head}:<br>only {leader} has two or more posts here, nothing to rank it against"
    n = int(r.table.at[leader, "posts"])
    small = f" on {n} posts" if n < SMALL_GROUP else ""
    if r.lead_is_clear:
        return (f"{head}: {leader} leads ({value}{small}),<br>clear of {r.runner_up} "
                f"(the {LEVEL:.0%} bootstrap interval of the gap excludes 0)")
    return (f"{head}: {leader} leads ({value}{small}),<br>but its lead over {r.runner_up} "
            f"could be chance (the {LEVEL:.0%} interval of the gap includes 0)")


def _shape(x: float) -> dict:
    return {"type": "line", "x0": x, "x1": x, "yref": "paper", "y0": 0, "y1": 1, "layer": "below",
            "line": {"color": COLOURS["neutral"], "dash": "dash", "width": 2}}


def fill_ranking(fig: go.Figure, r: Ranking, grouping: str, highlight: str | None = None) -> None:
    """Show ranking ``r`` in a figure made by :func:`ranking_figure` (in place).

    Points are the groups' means, whiskers their bootstrap intervals (none for a single post),
    best on top; the dashed line is the mean over all posts. ``highlight`` (e.g. the learner's
    prediction) is drawn in orange.
    """
    m, t = r.metric, r.table
    labels = [group_label(str(g), int(n)) for g, n in zip(t.index, t["posts"], strict=True)]
    x = [m.scale(float(v)) for v in t["value"]]
    lo = [0.0 if _nan(v) else m.scale(float(v)) for v in t["low"]]
    hi = [0.0 if _nan(v) else m.scale(float(v)) for v in t["high"]]
    single = t["posts"].to_numpy() < 2
    colours = [COLOURS["highlight"] if str(g) == str(highlight) else
               COLOURS["neutral"] if one else _POINT for g, one in zip(t.index, single, strict=True)]
    shown = [m.show(float(v)) for v in t["value"]]
    hover = [f"{lab}: {s}" + ("; a single post, no interval" if one else
                              f"; {LEVEL:.0%} interval {m.show(float(a))} to {m.show(float(b))}")
             for lab, s, one, a, b in zip(labels, shown, single, t["low"], t["high"], strict=True)]
    trace = fig.data[0]  # property by property: much cheaper in plotly than trace.update(...)
    trace.x, trace.y, trace.text, trace.hovertext = x, labels, shown, hover
    trace.marker.color = colours
    trace.error_x.array = [0.0 if one else h - v for h, v, one in zip(hi, x, single, strict=True)]
    trace.error_x.arrayminus = [0.0 if one else v - a for a, v, one in zip(lo, x, single, strict=True)]
    shapes, notes = [], []
    if not _nan(r.overall):
        xo = m.scale(r.overall)
        shapes = [_shape(xo)]
        notes = [{"x": xo, "y": 1.0, "yref": "paper", "xanchor": "left", "yanchor": "bottom",
                  "text": f"all posts: {m.show(r.overall)}", "showarrow": False,
                  "font": {"color": "#555555", "size": 12}}]
    fig.layout.shapes = shapes
    fig.layout.annotations = notes
    fig.layout.yaxis.categoryarray = labels
    fig.layout.xaxis.title.text = m.unit
    fig.layout.xaxis.ticksuffix = "%" if m.percent else ""
    fig.layout.xaxis.rangemode = "tozero"
    fig.layout.title.text = ranking_title(r, grouping)


def fill_question(fig: go.Figure, groups: Mapping[str, int], metric: Metric, grouping: str) -> None:
    """Before the learner predicts: the groups (with their posts) and no values yet."""
    labels = [group_label(str(g), int(n)) for g, n in groups.items()]
    trace = fig.data[0]
    trace.x, trace.y, trace.text, trace.hovertext = [None] * len(labels), labels, [""] * len(labels), labels
    trace.marker.color = [_POINT] * len(labels)
    trace.error_x.array, trace.error_x.arrayminus = [], []
    fig.layout.xaxis.rangemode = "tozero"
    fig.layout.shapes = []
    fig.layout.annotations = []
    fig.layout.yaxis.categoryarray = labels
    fig.layout.xaxis.title.text = metric.unit
    fig.layout.xaxis.ticksuffix = "%" if metric.percent else ""
    fig.layout.title.text = (f"Which {grouping} wins on {metric.label}?<br>"
                             "Make your prediction above to see the ranking")


def ranking_figure(r: Ranking | None = None, grouping: str = "post type", highlight: str | None = None,
                   groups: Mapping[str, int] | None = None, metric: Metric | None = None) -> go.Figure:
    """Dots with whiskers: each group's mean under a metric and its bootstrap interval, best on top,
    with a dashed reference line at the mean over all posts.

    Give a :class:`~widgets.models.dialogue.Ranking` ``r``; or, before a prediction, ``groups``
    (name -> posts) and ``metric`` to show the question without the answer.
    """
    fig = go.Figure([go.Scatter(mode="markers+text", marker={"size": 14, "line": {"width": 1}},
                                textposition="top center", hoverinfo="text", showlegend=False,
                                cliponaxis=False,
                                error_x={"type": "data", "symmetric": False, "thickness": 2,
                                         "width": 6, "color": COLOURS["neutral"]})])
    fig.update_layout(
        template=register_template(), height=360, margin={"t": 100, "l": 170},
        yaxis={"type": "category", "autorange": "reversed", "categoryorder": "array",
               "title": None},
        xaxis={"title": "", "zeroline": True},
    )
    if r is not None:
        fill_ranking(fig, r, grouping, highlight)
    elif groups is not None and metric is not None:
        fill_question(fig, groups, metric, grouping)
    return fig


def composition_figure(shares: pd.DataFrame, grouping: str = "post type") -> go.Figure:
    """100% stacked bars: what each group's interactions are made of (comments, shares, likes).

    ``shares`` is :func:`~widgets.models.dialogue.interaction_shares` (fractions, with ``posts``),
    by a grouping, optionally with an "all posts" row.
    """
    rows = [group_label(str(g), int(n)) for g, n in zip(shares.index, shares["posts"], strict=True)]
    parts = [("comments", "comments (conversation)", COLOURS["conversation"]),
             ("shares", "shares (amplification)", PALETTE[2]),
             ("likes", "likes (applause)", COLOURS["neutral"])]
    fig = go.Figure([go.Bar(orientation="h", name=name, y=rows, x=[100 * v for v in shares[col]],
                            marker_color=colour, textangle=0,
                            text=[f"{100 * v:.0f}%" if v >= 0.05 else "" for v in shares[col]],
                            textposition="inside", insidetextanchor="middle",
                            hovertemplate=f"{name}<br>%{{y}}: %{{x:.1f}}%<extra></extra>")
                     for col, name, colour in parts])
    total = shares.loc["all posts"] if "all posts" in shares.index else shares.iloc[0]
    top, bottom = float(shares["comments"].max()), float(shares["comments"].min())
    fig.update_layout(
        template=register_template(), barmode="stack", height=330, margin={"t": 95, "l": 170},
        title=(f"Mostly applause: comments are {100 * float(total['comments']):.1f}% of all "
               f"interactions,<br>likes {100 * float(total['likes']):.0f}% (by {grouping}: "
               f"comments {100 * bottom:.1f}% to {100 * top:.1f}%)"),
        xaxis={"title": "share of the interactions (likes + comments + shares) (%)",
               "range": [0, 100], "ticksuffix": "%"},
        yaxis={"autorange": "reversed", "title": None},
        legend={"orientation": "h", "y": -0.3, "traceorder": "normal"},
    )
    return fig


def bootstrap_figure(samples: Mapping[str, np.ndarray], posts: Mapping[str, int], metric: Metric,
                     level: float = LEVEL) -> go.Figure:
    """Overlaid histograms of bootstrap means, one per group, each with its interval marked.

    ``samples``: group -> bootstrap means (e.g. ``ranking(...).samples``); ``posts``: group -> n.
    The title compares the widths of the first two groups' intervals.
    """
    tail = (1 - level) / 2
    fig = go.Figure()
    widths = {}
    for i, (g, s) in enumerate(samples.items()):
        values = [metric.scale(float(v)) for v in s]
        lo, hi = np.quantile(values, [tail, 1 - tail])
        widths[g] = hi - lo
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Histogram(x=values, name=group_label(g, posts[g]), opacity=0.6,
                                   marker_color=colour, nbinsx=40, histnorm="percent",
                                   hovertemplate="%{x}: %{y:.1f}% of resamples<extra></extra>"))
        for x in (lo, hi):
            fig.add_vline(x=float(x), line={"color": colour, "dash": "dot", "width": 2})
    names = list(samples)
    if len(names) >= 2 and widths[names[1]] > 0:
        ratio = widths[names[0]] / widths[names[1]]
        title = (f"{metric.label.capitalize()}: the {level:.0%} interval of {posts[names[0]]:,} "
                 f"{names[0]} posts is {ratio:.1f} times as wide<br>as that of "
                 f"{posts[names[1]]:,} {names[1]} posts (dotted lines: each interval)")
    else:
        title = f"{metric.label.capitalize()}: bootstrap means (dotted lines: the {level:.0%} interval)"
    fig.update_layout(
        template=register_template(), barmode="overlay", height=360, margin={"t": 95},
        title=title, xaxis={"title": f"mean of a resample: {metric.unit}"},
        yaxis={"title": "share of the resamples (%)", "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
