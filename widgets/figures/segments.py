"""Figures for lesson 02: a segment's top needs, the cluster mix per band, variance explained.

Each function returns a plotly figure and never shows it; titles are computed from the data.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ..models.segments import LABELS, NEEDS
from ..style import COLOURS, PALETTE, register_template

#: Most traces the cluster-mix figure holds (its view hides the unused ones).
MAX_CLUSTERS = 8


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


# ----------------------------------------------------------------------------- a segment's top needs


def segment_title(label: str, people: int, disagreement: float, everyone: float) -> str:
    """A title that states what the segment shows."""
    if people == 0:
        return f"No respondent is {label}: widen the segment"
    if people == 1:
        return f"Only one respondent is {label}: one person is not a segment"
    return (f"{label.capitalize()} ({people:,} people):<br>two picked at random want different "
            f"things {_pct(disagreement)} of the time (everyone: {_pct(everyone)})")


def top_need_figure(segment: pd.Series, everyone: pd.Series, label: str, people: int,
                    disagreement: float, everyone_disagreement: float) -> go.Figure:
    """Grouped bars: the share of the segment and of everyone whose top need is each need.

    ``segment`` and ``everyone`` are :func:`~widgets.models.segments.top_need_shares` results.
    """
    needs = list(NEEDS)
    fig = go.Figure([
        go.Bar(name=f"in this segment ({people:,})", x=needs,
               y=[100 * float(segment.get(n, 0) if people else 0) for n in needs],
               marker_color=COLOURS["highlight"], hovertemplate="%{x}: %{y:.0f}%<extra></extra>"),
        go.Bar(name="everyone", x=needs, y=[100 * float(everyone.get(n, 0)) for n in needs],
               marker_color=COLOURS["neutral"], hovertemplate="%{x}: %{y:.0f}%<extra></extra>"),
    ])
    fig.update_layout(
        template=register_template(), margin={"t": 95}, barmode="group", height=380,
        title=segment_title(label, people, disagreement, everyone_disagreement),
        xaxis={"title": "top need (the need a respondent scored highest)"},
        yaxis={"title": "share of respondents (%)", "range": [0, 60], "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


# ----------------------------------------------------------------------------- clusters across bands


def cluster_mix_title(table: pd.DataFrame, by: str) -> str:
    """E.g. "Every need cluster is in every age band: shares differ by at most 6 points"."""
    from ..models.segments import largest_gap

    word = LABELS.get(by, by)
    gap = largest_gap(table)
    if math.isnan(gap):
        return f"Need clusters by {word}"
    everywhere = bool((table > 0).all().all())
    lead = f"Every need cluster is in every {word}" if everywhere else f"Need clusters by {word}"
    return f"{lead}:<br>a cluster's share differs by at most {100 * gap:.0f} points between them"


def cluster_mix_figure(table: pd.DataFrame, by: str) -> go.Figure:
    """100% stacked bars: for each band (rows of ``table``), the share of its people per cluster.

    ``table`` is :func:`~widgets.models.segments.crosstab` of a demographic column against need
    clusters. The figure always holds MAX_CLUSTERS traces; those beyond the table's are hidden,
    so a view can change the number of clusters in place.
    """
    fig = go.Figure([go.Bar(orientation="h") for _ in range(MAX_CLUSTERS)])
    fig.update_layout(
        template=register_template(), margin={"t": 95}, barmode="stack", height=380,
        xaxis={"title": "share of the band's respondents (%)", "range": [0, 100], "ticksuffix": "%"},
        yaxis={"title": LABELS.get(by, by), "autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": -0.25, "traceorder": "normal"},
    )
    fill_cluster_mix(fig, table, by)
    return fig


def fill_cluster_mix(fig: go.Figure, table: pd.DataFrame, by: str) -> None:
    """Put ``table`` into a figure made by :func:`cluster_mix_figure` (in place).

    Only what changed is assigned (each plotly property assignment is validated and, on a
    FigureWidget, sent to the browser): traces already hidden stay untouched.
    """
    rows = [str(r) for r in table.index]
    for i, trace in enumerate(fig.data):
        if i < table.shape[1]:
            name = str(table.columns[i])
            props = {"x": [100 * float(v) for v in table.iloc[:, i]], "y": rows}
            if trace.name != name or trace.visible is not True:
                props.update(name=name, visible=True, marker_color=PALETTE[i % len(PALETTE)],
                             showlegend=True,
                             hovertemplate=f"{name}<br>%{{y}}: %{{x:.0f}}%<extra></extra>")
            trace.update(props)
        elif trace.visible is not False:
            trace.update(x=[], y=[], name="", visible=False, showlegend=False)
    title = LABELS.get(by, by)
    if fig.layout.yaxis.title.text != title:
        fig.layout.yaxis.title.text = title
    fig.layout.title.text = cluster_mix_title(table, by)


# ----------------------------------------------------------------------------- variance explained


def eta_title(table: pd.DataFrame) -> str:
    """E.g. "Need clusters explain 76% of the variation in need scores; age band 0.1%"."""
    means = table.mean()
    demo = [c for c in table.columns if c != "cluster"]
    best = max(demo, key=lambda c: means[c]) if demo else None
    if "cluster" in table.columns and best is not None:
        return (f"Need clusters explain {100 * means['cluster']:.0f}% of the variation in need "
                f"scores;<br>the best demographic ({LABELS.get(best, best)}) "
                f"{100 * means[best]:.1f}%")
    if best is not None:
        return (f"Demographics explain at most {100 * means[best]:.1f}% of the variation in "
                "need scores")
    return "Variation in need scores explained"


def eta_labels(values: pd.Series) -> list[str]:
    """Bar labels for eta squared values (fractions), e.g. "0.1%" or "76%"."""
    return [f"{100 * v:.1f}%" if 100 * v < 10 else f"{100 * v:.0f}%" for v in values]


def eta_figure(table: pd.DataFrame) -> go.Figure:
    """Grouped horizontal bars: eta squared (in %) of each need (rows) on each grouping (columns).

    ``table`` is :func:`~widgets.models.segments.eta_squared_table`.
    """
    colours = {"age_band": PALETTE[0], "income_band": PALETTE[1], "region": PALETTE[2],
               "cluster": PALETTE[3]}
    needs = [str(n) for n in table.index]
    fig = go.Figure([
        go.Bar(name=LABELS.get(col, col), orientation="h", y=needs,
               x=[100 * float(v) for v in table[col]], text=eta_labels(table[col]),
               textposition="outside", cliponaxis=False, textfont={"size": 11},
               marker_color=colours.get(col, PALETTE[4 + i % 3]),
               hovertemplate=f"{LABELS.get(col, col)}, %{{y}}: %{{x:.1f}}%<extra></extra>")
        for i, col in enumerate(table.columns)
    ])
    fig.update_layout(
        template=register_template(), margin={"t": 95}, barmode="group", height=640, bargap=0.25,
        title=eta_title(table), uniformtext={"minsize": 9, "mode": "show"},
        xaxis={"title": "variance of the need score explained (eta squared, %)", "range": [0, 100],
               "ticksuffix": "%"},
        yaxis={"title": "need (score 0-10)", "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig
