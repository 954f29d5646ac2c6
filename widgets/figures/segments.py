"""Figures for lesson 02: a segment's top needs, the cluster mix per band, variance explained
(against k-means on shuffled scores), and the choice of k.

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
        return f"No respondent is {label}: widen the box"
    if people == 1:
        return f"Only one respondent is {label}: one person is not a segment"
    compare = "" if label == "everyone" else f" (everyone: {_pct(everyone)})"
    return (f"{label.capitalize()} ({people:,} people):<br>two picked at random want different "
            f"things {_pct(disagreement)} of the time{compare}")


def top_need_figure(segment: pd.Series, everyone: pd.Series, label: str, people: int,
                    disagreement: float, everyone_disagreement: float) -> go.Figure:
    """Grouped bars: the share of the segment and of everyone whose top need is each need.

    ``segment`` and ``everyone`` are :func:`~widgets.models.segments.top_need_shares` results.
    """
    needs = list(NEEDS)
    fig = go.Figure([
        go.Bar(name=f"in this box ({people:,})", x=needs,
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
    """The largest difference in the table, stated: e.g. "'price first' is 29% of low income but 14%
    of high income (every cluster is in every income band)". Computed; never a fixed conclusion."""
    from ..models.segments import gap_detail

    word = LABELS.get(by, by)
    gap = gap_detail(table)
    if gap is None:
        return f"Need clusters by {word}"
    everywhere = bool((table > 0).all().all())
    where = f"every cluster is in every {word}" if everywhere else f"some {word}s lack a cluster"
    return (f"Largest difference: “{gap.column}” is {_pct(gap.high)} of {gap.high_row} "
            f"but {_pct(gap.low)} of {gap.low_row}<br>({100 * gap.gap:.0f} points; {where})")


def cluster_mix_figure(table: pd.DataFrame, by: str) -> go.Figure:
    """100% stacked bars: for each band (rows of ``table``), the share of its people per cluster.

    ``table`` is :func:`~widgets.models.segments.crosstab` of a demographic column against need
    clusters. The figure always holds MAX_CLUSTERS traces; those beyond the table's are hidden,
    so a view can change the number of clusters in place.
    """
    fig = go.Figure([go.Bar(orientation="h") for _ in range(MAX_CLUSTERS)])
    fig.update_layout(
        template=register_template(), margin={"t": 95, "b": 110}, barmode="stack", height=420,
        xaxis={"title": "share of the band's respondents (%)", "range": [0, 100], "ticksuffix": "%"},
        yaxis={"title": LABELS.get(by, by), "autorange": "reversed", "type": "category"},
        legend={"orientation": "h", "y": -0.32, "traceorder": "normal"},
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

#: The bar colour of each grouping in the eta-squared figure; the shuffled baseline is grey.
ETA_COLOURS = {"age_band": PALETTE[0], "income_band": PALETTE[1], "region": PALETTE[2],
               "cluster": PALETTE[3], "shuffled": COLOURS["neutral"]}
SHUFFLED_LABEL = "k-means on shuffled scores"


def eta_title(table: pd.DataFrame, shuffled: pd.Series | None = None) -> str:
    """E.g. "5 need clusters explain 76% of the variation; k-means on shuffled scores 36%; the best
    demographic (income band) 0.6%". Computed from the table (and the baseline, if given)."""
    means = table.mean()
    demo = [c for c in table.columns if c != "cluster"]
    best = max(demo, key=lambda c: means[c]) if demo else None
    if "cluster" in table.columns:
        parts = [f"Need clusters explain {100 * means['cluster']:.0f}% of the variation in need scores"]
        if shuffled is not None:
            parts.append(f"k-means on shuffled scores (no structure) {100 * float(shuffled.mean()):.0f}%")
        if best is not None:
            parts.append(f"the best demographic ({LABELS.get(best, best)}) {100 * means[best]:.1f}%")
        return parts[0] + (";<br>" + "; ".join(parts[1:]) if len(parts) > 1 else "")
    if best is not None:
        return (f"Demographics explain at most {100 * means[best]:.1f}% of the variation in "
                "need scores")
    return "Variation in need scores explained"


def eta_labels(values: pd.Series) -> list[str]:
    """Bar labels for eta squared values (fractions), e.g. "0.1%" or "76%"."""
    return [f"{100 * v:.1f}%" if 100 * v < 10 else f"{100 * v:.0f}%" for v in values]


def eta_figure(table: pd.DataFrame, shuffled: pd.Series | None = None) -> go.Figure:
    """Grouped horizontal bars: eta squared (in %) of each need (rows) on each grouping (columns).

    ``table`` is :func:`~widgets.models.segments.eta_squared_table` (with a ``cluster`` column
    from :func:`~widgets.models.segments.eta_squared_with_clusters`); ``shuffled``, per need, is
    what k-means explains on the same scores shuffled column by column
    (:attr:`~widgets.models.segments.ClusterFit.shuffled_eta`): the baseline the clusters must beat.
    It is drawn as the last trace, in grey.
    """
    columns = {col: table[col] for col in table.columns}
    if shuffled is not None:
        columns["shuffled"] = shuffled.reindex(table.index)
    needs = [str(n) for n in table.index]
    fig = go.Figure([
        go.Bar(name=SHUFFLED_LABEL if col == "shuffled" else LABELS.get(col, col), orientation="h",
               y=needs, x=[100 * float(v) for v in values], text=eta_labels(values),
               textposition="outside", cliponaxis=False, textfont={"size": 11},
               marker_color=ETA_COLOURS.get(col, PALETTE[4 + i % 3]),
               hovertemplate=f"{SHUFFLED_LABEL if col == 'shuffled' else LABELS.get(col, col)}, "
                             "%{y}: %{x:.1f}%<extra></extra>")
        for i, (col, values) in enumerate(columns.items())
    ])
    fig.update_layout(
        template=register_template(), margin={"t": 95}, barmode="group", height=680, bargap=0.2,
        title=eta_title(table, shuffled), uniformtext={"minsize": 9, "mode": "show"},
        xaxis={"title": "variance of the need score explained (eta squared, %)", "range": [0, 100],
               "ticksuffix": "%"},
        yaxis={"title": "need (score 0-10)", "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig


# ----------------------------------------------------------------------------- choosing k


def k_selection_title(selection: pd.DataFrame) -> str:
    """E.g. "Real clusters beat shuffled scores by most at k = 5 (40 points)". Computed."""
    from ..models.segments import best_k

    if selection.empty:
        return "Variance explained by k-means, real against shuffled scores"
    k = best_k(selection)
    return (f"Real scores beat shuffled scores by the most at k = {k}<br>"
            f"({100 * selection.loc[k, 'gap']:.0f} points: {100 * selection.loc[k, 'real']:.0f}% "
            f"against {100 * selection.loc[k, 'shuffled']:.0f}%)")


def k_selection_figure(selection: pd.DataFrame) -> go.Figure:
    """Variance explained by k-means for each k, on the real and on the shuffled scores, and the gap.

    ``selection`` is :func:`~widgets.models.segments.k_selection`. The gap (real minus shuffled)
    is drawn as bars; the k where it is largest (the course's criterion) is marked.
    """
    from ..models.segments import best_k

    ks = [int(k) for k in selection.index]
    fig = go.Figure([
        go.Bar(name="gap: real minus shuffled", x=ks, y=[100 * v for v in selection["gap"]],
               marker_color=COLOURS["highlight"], opacity=0.8,
               hovertemplate="k = %{x}: gap %{y:.1f} points<extra></extra>"),
        go.Scatter(name="real need scores", x=ks, y=[100 * v for v in selection["real"]],
                   mode="lines+markers", line={"color": PALETTE[3], "width": 3},
                   hovertemplate="k = %{x}: real %{y:.1f}%<extra></extra>"),
        go.Scatter(name=SHUFFLED_LABEL, x=ks, y=[100 * v for v in selection["shuffled"]],
                   mode="lines+markers", line={"color": COLOURS["neutral"], "width": 3, "dash": "dash"},
                   hovertemplate="k = %{x}: shuffled %{y:.1f}%<extra></extra>"),
    ])
    if not selection.empty:
        k = best_k(selection)
        fig.add_vline(x=k, line={"color": "#000000", "dash": "dot", "width": 1})
    fig.update_layout(
        template=register_template(), margin={"t": 95, "b": 110}, height=450,
        title=k_selection_title(selection),
        xaxis={"title": "number of clusters k", "dtick": 1},
        yaxis={"title": "variance of need scores explained (%)", "range": [0, 100], "ticksuffix": "%"},
        legend={"orientation": "h", "y": -0.3},
    )
    return fig
