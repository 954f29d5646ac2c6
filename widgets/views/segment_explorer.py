"""Lesson 02's segment explorer: pick a demographic box, see how little its people agree;
then switch to need-based clusters and see them cut across the boxes."""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from ..data import load
from ..figures.segments import (
    MAX_CLUSTERS,
    cluster_mix_figure,
    eta_figure,
    eta_labels,
    eta_title,
    fill_cluster_mix,
    segment_title,
    top_need_figure,
)
from ..models.segments import (
    ANY,
    BANDS,
    DEMOGRAPHICS,
    LABELS,
    NEEDS,
    SegmentProfile,
    crosstab,
    disagreement,
    eta_squared_table,
    eta_squared_with_clusters,
    largest_gap,
    need_clusters,
    segment_profile,
    top_need_shares,
)
from .base import view_box
from .figure import FigureView

__all__ = ["segment_explorer"]

_DEFAULT_K = 5


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def segment_explorer(survey: pd.DataFrame | None = None) -> w.Box:
    """Drop-downs for age band, income band and region (each with "any"), a chart of the box's
    top needs against everyone's, and a second tab with k-means need clusters (fitted once per k).
    """
    survey = load("survey") if survey is None else survey
    everyone_shares = top_need_shares(survey)
    everyone_dis = disagreement(survey)
    demo_eta = eta_squared_table(survey)
    fits: dict[int, tuple[pd.Series, pd.DataFrame]] = {}
    mixes: dict[tuple[int, str], pd.DataFrame] = {}
    segments: dict[tuple[str, ...], SegmentProfile] = {}

    def clusters(k: int) -> tuple[pd.Series, pd.DataFrame]:
        """The clusters for k and the eta-squared table with them: computed once per k."""
        if k not in fits:  # k-means runs once per k, never on a drop-down change
            labels = need_clusters(survey, k=k, seed=0)
            fits[k] = labels, eta_squared_with_clusters(survey, labels, demo_eta)
        return fits[k]

    def mix(k: int, by: str) -> pd.DataFrame:
        if (k, by) not in mixes:
            mixes[k, by] = crosstab(survey[by], clusters(k)[0])
        return mixes[k, by]

    def segment(choice: dict[str, str]) -> SegmentProfile:
        """The model's profile of a box, computed once per box."""
        key = tuple(choice.values())
        if key not in segments:
            segments[key] = segment_profile(survey, **choice)
        return segments[key]

    # -- tab 1: a demographic segment -------------------------------------------------------
    style = {"description_width": "initial"}
    pickers = {
        col: w.Dropdown(options=[(f"any {LABELS[col]}", ANY), *[(b, b) for b in BANDS[col]]],
                        value=ANY, description=LABELS[col].capitalize(), style=style,
                        layout=w.Layout(width="230px"))
        for col in DEMOGRAPHICS
    }
    shares_fig = FigureView(top_need_figure(everyone_shares, everyone_shares, "everyone",
                                                 len(survey), everyone_dis, everyone_dis))

    # -- tab 2: need clusters ---------------------------------------------------------------
    k_slider = w.IntSlider(value=_DEFAULT_K, min=2, max=MAX_CLUSTERS, step=1, continuous_update=False,
                           description="Number of clusters (k)", style=style,
                           layout=w.Layout(width="340px"))
    across = w.Dropdown(options=[(LABELS[c], c) for c in DEMOGRAPHICS], value="age_band",
                        description="Compare with", style=style, layout=w.Layout(width="260px"))
    mix_fig = FigureView(cluster_mix_figure(mix(_DEFAULT_K, "age_band"), "age_band"))
    eta_fig = FigureView(eta_figure(clusters(_DEFAULT_K)[1]))

    tabs = w.Tab(children=[
        w.VBox([w.HBox(list(pickers.values())), shares_fig]),
        w.VBox([w.HBox([k_slider, across]), mix_fig, eta_fig]),
    ], titles=("Demographic segment", "Need-based clusters"))
    summary = w.HTML().add_class("course-widget-summary")

    def chosen() -> dict[str, str]:
        return {col: str(p.value) for col, p in pickers.items()}

    def describe_segment() -> str:
        seg = segment(chosen())
        label, n = seg.label, seg.size
        if n == 0:
            return (f"No one in the survey is <b>{html.escape(label)}</b>: a segment of nobody. "
                    "Set one of the drop-downs back to \u201cany\u201d.")
        if n == 1:
            return (f"Only one respondent is <b>{html.escape(label)}</b>. One person cannot "
                    "disagree with anyone, and is not a segment: widen it.")
        dis, shares = seg.disagreement, seg.shares
        top = str(shares.idxmax())
        if label == "everyone":
            return (f"<b>Everyone ({n:,} people): two picked at random want different things "
                    f"{_pct(dis)} of the time.</b> Narrow the segment with the drop-downs: does a "
                    "demographic box agree more?")
        return (f"<b>In this segment ({html.escape(label)}: {n:,} people), two people picked at "
                f"random want different things {_pct(dis)} of the time; across everyone, "
                f"{_pct(everyone_dis)}.</b> Its most common top need, {top}, is the top need of "
                f"only {_pct(shares.max())} of them: a message built on it misses the other "
                f"{_pct(1 - shares.max())}. Their need scores are {_pct(seg.spread)} "
                "as spread out as everyone's.")

    def describe_clusters() -> str:
        k, by = int(k_slider.value), str(across.value)
        table = mix(k, by)
        eta = clusters(k)[1].mean()
        return (f"<b>With {k} need clusters, knowing someone's cluster explains "
                f"{100 * eta['cluster']:.0f}% of the variation in their need scores; knowing "
                f"their {LABELS[by]} explains {100 * eta[by]:.1f}%.</b> A cluster's share differs "
                f"by at most {100 * largest_gap(table):.0f} points between {LABELS[by]}s: the "
                "clusters cut across the demographic boxes.")

    def update_segment(_change: object = None) -> None:
        seg = segment(chosen())
        shares, n = seg.shares, seg.size
        with shares_fig.batch_update():
            shares_fig.data[0].y = [100 * float(shares[x]) if n else 0.0 for x in NEEDS]
            shares_fig.data[0].name = f"in this segment ({n:,})"
            shares_fig.layout.title.text = segment_title(seg.label, n, seg.disagreement,
                                                         everyone_dis)
        update_summary()

    def update_clusters(_change: object = None) -> None:
        k, by = int(k_slider.value), str(across.value)
        eta = clusters(k)[1]
        with mix_fig.batch_update():
            fill_cluster_mix(mix_fig, mix(k, by), by)
        with eta_fig.batch_update():
            eta_fig.data[-1].x = [100 * float(v) for v in eta["cluster"]]
            eta_fig.data[-1].text = eta_labels(eta["cluster"])
            eta_fig.layout.title.text = eta_title(eta)
        update_summary()

    def update_summary(_change: object = None) -> None:
        summary.value = describe_clusters() if tabs.selected_index == 1 else describe_segment()

    for picker in pickers.values():
        picker.observe(update_segment, names="value")
    k_slider.observe(update_clusters, names="value")
    across.observe(update_clusters, names="value")
    tabs.observe(update_summary, names="selected_index")
    update_summary()
    return view_box("segment-explorer", [tabs, summary])

