"""Lesson 02's segment explorer: pick a demographic box and see how little its people agree; then
group people by their needs and hold the clusters to a shuffled baseline.

Every sentence it prints is computed from what is on screen. All k-means fits (real and shuffled
scores, each k) are made once, when the explorer is built; moving a control only looks them up.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
import pandas as pd

from ..data import DatasetError, load
from ..figures.segments import (
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
    K_RANGE,
    LABELS,
    NEED_COLUMNS,
    NEEDS,
    ClusterFit,
    Reach,
    SegmentProfile,
    ShareDifference,
    best_k,
    chi_squared,
    cluster_fits,
    comparisons,
    crosstab,
    disagreement,
    eta_squared_table,
    gap_detail,
    k_selection,
    need_sd,
    reach_from_counts,
    segment_profile,
    share_difference,
    top_need_shares,
    z_for,
)
from .base import view_box
from .figure import FigureView

__all__ = ["segment_explorer"]

_DEFAULT_K = 5
#: Tab titles: short enough that JupyterLab shows them whole.
TAB_TITLES = ("Demographic box", "Need clusters")
#: Below this many people, the box's summary says its shares are rough and by how much.
SMALL_BOX = 100


def _pct(x: float) -> str:
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.0f}%"


def _p(p: float) -> str:
    """A p-value for the summary (HTML): "p = 0.15", "p = 0.004" or "p &lt; 0.001"."""
    return "p &lt; 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _check_columns(survey: pd.DataFrame) -> None:
    needed = [*DEMOGRAPHICS, *NEED_COLUMNS, "top_need"]
    missing = [c for c in needed if c not in survey.columns]
    if missing:
        raise DatasetError(
            "The segment explorer needs the survey's columns (as load(\"survey\") gives them); "
            f"this table has no {', '.join(repr(c) for c in missing)}.", column=missing[0])


def segment_explorer(survey: pd.DataFrame | None = None) -> w.Box:
    """Two tabs on the audience survey (default ``load("survey")``).

    *Demographic box*: drop-downs for age band, income band and region (each with "any"), a chart
    of the box's top needs against everyone's, and a summary with its disagreement, coverage and
    index. *Need clusters*: k-means with k = 2..8 clusters, the cluster mix across a demographic,
    and the variance each grouping explains beside k-means on shuffled scores.
    """
    survey = load("survey") if survey is None else survey
    _check_columns(survey)
    everyone_shares = top_need_shares(survey)
    everyone_dis = disagreement(survey)
    everyone_sd = need_sd(survey)
    everyone_counts = survey["top_need"].astype(str).value_counts()
    ks = [k for k in K_RANGE if k < len(survey)]
    # every fit the controls can ask for, made now (each k, real and shuffled scores)
    fits: dict[int, ClusterFit] = cluster_fits(survey, ks, demographic=eta_squared_table(survey))
    selection = k_selection(fits)
    chosen_k = best_k(selection) if ks else None
    mixes: dict[tuple[int, str], pd.DataFrame] = {}
    intervals: dict[tuple[int, str], tuple[ShareDifference, int, float]] = {}
    band_sizes = {by: survey[by].astype(str).value_counts() for by in DEMOGRAPHICS}
    segments: dict[tuple[str, ...], tuple[SegmentProfile, Reach | None]] = {}

    def mix(k: int, by: str) -> pd.DataFrame:
        if (k, by) not in mixes:
            mixes[k, by] = crosstab(survey[by], fits[k].labels)
        return mixes[k, by]

    def gap_interval(k: int, by: str) -> tuple[ShareDifference, int, float]:
        """The largest gap of the (k, by) table with a 95% interval that allows for its having
        been picked as the largest (Bonferroni over every cluster and pair of bands), how many
        differences it was picked from, and the chi-squared p of the whole table (which no pick
        flatters): computed once per pair."""
        if (k, by) not in intervals:
            table = mix(k, by)
            gap, picked_from = gap_detail(table), comparisons(table)
            diff = share_difference(fits[k].labels == gap.column, survey[by] == gap.high_row,
                                    survey[by] == gap.low_row, z=z_for(picked_from))
            counts = table.mul(band_sizes[by].reindex(table.index.astype(str)).to_numpy(), axis=0)
            intervals[k, by] = diff, picked_from, chi_squared(counts.round().to_numpy())[2]
        return intervals[k, by]

    def segment(choice: dict[str, str]) -> tuple[SegmentProfile, Reach | None]:
        """The model's profile of a box, and the coverage and index of its most common top need
        (None for an empty box): computed once per box."""
        key = tuple(choice.values())
        if key not in segments:
            profile = segment_profile(survey, **choice, everyone_sd=everyone_sd)
            reach = None
            if profile.size:
                top = str(profile.shares.idxmax())
                reach = reach_from_counts(len(survey), profile.size, int(everyone_counts[top]),
                                          int(round(profile.shares[top] * profile.size)))
            segments[key] = profile, reach
        return segments[key]

    # -- tab 1: a demographic box -------------------------------------------------------------
    style = {"description_width": "initial"}
    pickers = {
        col: w.Dropdown(options=[(f"any {LABELS[col]}", ANY), *[(b, b) for b in BANDS[col]]],
                        value=ANY, description=LABELS[col].capitalize(), style=style,
                        layout=w.Layout(width="230px"))
        for col in DEMOGRAPHICS
    }
    shares_fig = FigureView(top_need_figure(everyone_shares, everyone_shares, "everyone",
                                            len(survey), everyone_dis, everyone_dis))
    tab_box = w.VBox([w.HBox(list(pickers.values())), shares_fig])

    # -- tab 2: need clusters -----------------------------------------------------------------
    if ks:
        start_k = _DEFAULT_K if _DEFAULT_K in fits else ks[-1]
        k_slider = w.IntSlider(value=start_k, min=ks[0], max=ks[-1], step=1,
                               continuous_update=False, description="Number of clusters (k)",
                               style=style, layout=w.Layout(width="340px"))
        across = w.Dropdown(options=[(LABELS[c], c) for c in DEMOGRAPHICS], value="age_band",
                            description="Compare with", style=style, layout=w.Layout(width="260px"))
        mix_fig = FigureView(cluster_mix_figure(mix(start_k, "age_band"), "age_band"))
        eta_fig = FigureView(eta_figure(fits[start_k].eta, fits[start_k].shuffled_eta))
        tab_clusters = w.VBox([w.HBox([k_slider, across]), mix_fig, eta_fig])
    else:
        k_slider = across = mix_fig = eta_fig = None
        tab_clusters = w.VBox([w.HTML("Too few respondents to cluster: k-means needs at least "
                                      "three.")])

    tabs = w.Tab(children=[tab_box, tab_clusters], titles=TAB_TITLES)
    summary = w.HTML().add_class("course-widget-summary")

    def chosen() -> dict[str, str]:
        return {col: str(p.value) for col, p in pickers.items()}

    def describe_segment() -> str:
        seg, reach = segment(chosen())
        label, n = seg.label, seg.size
        if n == 0:
            return (f"No one in the survey is <b>{html.escape(label)}</b>: a box of nobody. "
                    "Set one of the drop-downs back to \u201cany\u201d.")
        if n == 1:
            return (f"Only one respondent is <b>{html.escape(label)}</b>. One person cannot "
                    "disagree with anyone, and is not a segment: widen it.")
        dis, shares = seg.disagreement, seg.shares
        if label == "everyone":
            return (f"<b>Everyone ({n:,} people): two picked at random want different things "
                    f"{_pct(dis)} of the time.</b> Narrow the box with the drop-downs: does a "
                    "demographic box agree more?")
        top, p = str(shares.idxmax()), float(shares.max())
        rough = ""
        if n < SMALL_BOX:
            margin = 1.96 * math.sqrt(p * (1 - p) / n)
            rough = (f" With {n} people these shares are rough: {_pct(p)} could be anything from "
                     f"about {_pct(max(0.0, p - margin))} to {_pct(min(1.0, p + margin))} (a 95% "
                     "interval), and as the largest of six shares it is flattered by the pick.")
        return (f"<b>In this box ({html.escape(label)}: {n:,} people), two people picked at random "
                f"want different things {_pct(dis)} of the time; across everyone, "
                f"{_pct(everyone_dis)}.</b> Its most common top need, {top}, is the top need of "
                f"{_pct(p)} of the box against {_pct(reach.group_share)} of everyone "
                f"(index {reach.index:.0f}, where 100 means no more likely than anyone): a message "
                f"built on it misses the other {_pct(1 - p)} of the box, and the box holds "
                f"{_pct(reach.coverage)} of everyone whose top need is {top} (its coverage). "
                f"Their need scores are {_pct(seg.spread)} as spread out as everyone's.{rough}")

    def describe_clusters() -> str:
        if k_slider is None:
            return "Too few respondents to cluster."
        k, by = int(k_slider.value), str(across.value)
        fit, table = fits[k], mix(k, by)
        gap = gap_detail(table)
        best = selection.loc[chosen_k]
        criterion = (f"By the lesson's criterion (the largest real-minus-shuffled gap for k = "
                     f"{ks[0]} to {ks[-1]}), the best k is {chosen_k}"
                     + ("." if k == chosen_k else
                        f" (gap {100 * best['gap']:.0f} points); this k's gap is "
                        f"{100 * fit.gap:.0f} points."))
        text = (f"<b>With k = {k} need clusters, knowing someone's cluster explains "
                f"{_pct(fit.real)} of the variation in their need scores; k-means on the same "
                f"scores shuffled (no structure at all) explains {_pct(fit.shuffled)}, so "
                f"{100 * fit.gap:.0f} points are more than k-means finds in noise.</b> {criterion} "
                f"Their {LABELS[by]} explains {100 * fit.eta[by].mean():.1f}%.")
        if gap is not None:
            diff, picked_from, p = gap_interval(k, by)
            every = "Every" if bool((table > 0).all().all()) else "Not every"
            if math.isnan(p):
                test = ""
            elif p < 0.05:
                test = (f" A test of the whole table (chi-squared, which no pick flatters): "
                        f"{_p(p)}, more than chance alone would readily give.")
            else:
                test = (f" A test of the whole table (chi-squared, which no pick flatters): "
                        f"{_p(p)}, no more than chance alone would readily give.")
            text += (f" {every} cluster is in every {LABELS[by]}. The largest difference between "
                     f"two {LABELS[by]}s: \u201c{html.escape(gap.column)}\u201d is {_pct(gap.high)} "
                     f"of {gap.high_row} ({diff.n_a:,} people) but {_pct(gap.low)} of "
                     f"{gap.low_row} ({diff.n_b:,}), {100 * diff.difference:.0f} points. It is the "
                     f"largest of {picked_from} such differences, and picking the largest flatters "
                     f"it: allowing for the pick, its 95% interval runs from "
                     f"{100 * diff.low:.0f} to {100 * diff.high:.0f} points.{test}")
        return text

    def update_segment(_change: object = None) -> None:
        seg, _reach = segment(chosen())
        shares, n = seg.shares, seg.size
        with shares_fig.batch_update():
            shares_fig.data[0].y = [100 * float(shares[x]) if n else 0.0 for x in NEEDS]
            shares_fig.data[0].name = f"in this box ({n:,})"
            shares_fig.layout.title.text = segment_title(seg.label, n, seg.disagreement,
                                                         everyone_dis)
        update_summary()

    def update_clusters(_change: object = None) -> None:
        k, by = int(k_slider.value), str(across.value)
        fit = fits[k]
        with mix_fig.batch_update():
            fill_cluster_mix(mix_fig, mix(k, by), by)
        with eta_fig.batch_update():
            eta_fig.data[-2].x = [100 * float(v) for v in fit.eta["cluster"]]
            eta_fig.data[-2].text = eta_labels(fit.eta["cluster"])
            eta_fig.data[-1].x = [100 * float(v) for v in fit.shuffled_eta]
            eta_fig.data[-1].text = eta_labels(fit.shuffled_eta)
            eta_fig.layout.title.text = eta_title(fit.eta, fit.shuffled_eta)
        update_summary()

    def update_summary(_change: object = None) -> None:
        summary.value = describe_clusters() if tabs.selected_index == 1 else describe_segment()

    for picker in pickers.values():
        picker.observe(update_segment, names="value")
    if k_slider is not None:
        k_slider.observe(update_clusters, names="value")
        across.observe(update_clusters, names="value")
    tabs.observe(update_summary, names="selected_index")
    update_summary()
    return view_box("segment-explorer", [tabs, summary])

