"""Figures for lesson 01: what a brief buys and who acts; reach against action per campaign; and
where each channel's impressions and conversions fell against the targets."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..models.campaigns import BriefOutcome, rank_correlation, rank_correlation_by
from ..style import COLOURS, PALETTE, register_template

GROUPS = ["your target", "everyone else"]
GROUP_COLOURS = [COLOURS["highlight"], COLOURS["neutral"]]
PANELS = ("Where the impressions land", "What people did (history)", "Who would act")
Y_TITLES = ("impressions (millions)", "conversions per 1,000 impressions",
            "expected conversions (count)")
RANDOM_NAME = "if ads fell at random"
CHANNEL_LABELS = {"tv": "TV", "display": "display (banners)", "search": "search ads"}


def _clean(x: float) -> float:
    return 0.0 if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _channel(name: str) -> str:
    return CHANNEL_LABELS.get(name, name)


# ----------------------------------------------------------------------------- the brief builder


def brief_values(outcome: BriefOutcome) -> list[list[float]]:
    """The bar heights of the three panels, target first: impressions (millions), conversions
    per 1,000 impressions in the history, expected conversions."""
    r = outcome.response
    return [
        [outcome.target_impressions / 1e6, outcome.other_impressions / 1e6],
        [_clean(r.cell_per_1000), _clean(r.other_per_1000)],
        [outcome.target_conversions, outcome.other_conversions],
    ]


def brief_errors(outcome: BriefOutcome) -> list[tuple[list[float], list[float]]]:
    """Error bars (distance above, below) for the rate panel and the conversion panel: an approximate
    95% interval from the conversions each rate rests on, and the theme's interval."""
    r = outcome.response
    up, down = [], []
    for cell, value in ((True, r.cell_per_1000), (False, r.other_per_1000)):
        low, high = r.interval_per_1000(cell)
        up.append(_clean(high - value))
        down.append(_clean(value - low))
    low_c, high_c = outcome.conversions_range
    total = outcome.conversions
    scale_up = (high_c / total - 1) if total else 0.0
    scale_down = (1 - low_c / total) if total else 0.0
    conv = [outcome.target_conversions, outcome.other_conversions]
    return [(up, down),
            ([_clean(x * scale_up) for x in conv], [_clean(x * scale_down) for x in conv])]


def brief_labels(outcome: BriefOutcome) -> list[list[str]]:
    """Text on the bars: the share of impressions, the conversions each rate rests on, and the
    share of expected conversions."""
    r = outcome.response
    total_imp = outcome.target_impressions + outcome.other_impressions
    imp = [f"{x / total_imp:.1%}" if total_imp else "" for x in
           (outcome.target_impressions, outcome.other_impressions)]
    counts = [f"{r.cell_conversions:,} conv." if r.cell_impressions else "no data",
              f"{r.other_conversions:,} conv."]
    total = outcome.conversions
    conv = [f"{x / total:.0%}" if total else "" for x in
            (outcome.target_conversions, outcome.other_conversions)]
    return [imp, counts, conv]


def brief_random_line(outcome: BriefOutcome) -> list[float]:
    """The reference in the first panel: the target's impressions (millions) if ads fell at
    random, i.e. in proportion to its share of adults."""
    total = (outcome.target_impressions + outcome.other_impressions) / 1e6
    at_random = total * _clean(outcome.population_share)
    return [at_random, at_random]


def brief_title(outcome: BriefOutcome) -> str:
    """The finding of the current brief, in one line."""
    if outcome.reach.impressions == 0:
        return "A budget of $0 buys no impressions: nobody is reached and nobody acts"
    if outcome.response.empty:
        return "The history never reached this target: it cannot say what these people do"
    share = outcome.outside_share
    if math.isnan(share):
        return "The history shows no conversions for this channel"
    return (f"{outcome.on_target_share:.1%} of impressions on a target that is "
            f"{outcome.population_share:.1%} of adults; {share:.0%} of conversions from outside it")


def brief_figure(outcome: BriefOutcome) -> go.Figure:
    """Three bar panels, the brief's target against everyone else: impressions bought (with
    what chance would put on the target), conversions per 1,000 impressions in the channel's
    history (with an approximate 95% interval and the conversions behind each rate), and
    expected conversions (with the range the theme's interval gives)."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=PANELS, horizontal_spacing=0.14)
    values, labels = brief_values(outcome), brief_labels(outcome)
    rate_err, conv_err = brief_errors(outcome)
    hovers = ("%{y:.2f} million impressions (%{text} of them)",
              "%{y:.3f} conversions per 1,000 impressions (%{text})",
              "%{y:,.0f} conversions (%{text} of them)")
    errors = (None, rate_err, conv_err)
    for col in (1, 2, 3):
        err = errors[col - 1]
        fig.add_trace(go.Bar(
            x=GROUPS, y=values[col - 1], text=labels[col - 1], textposition="auto",
            insidetextanchor="start",  # at the base of the bar, clear of the error bar
            marker_color=GROUP_COLOURS, showlegend=False,
            error_y=None if err is None else {"type": "data", "array": err[0], "arrayminus": err[1],
                                              "visible": True, "color": "#333333"},
            hovertemplate=f"%{{x}}: {hovers[col - 1]}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(title_text=Y_TITLES[col - 1], rangemode="tozero", row=1, col=col)
        fig.update_xaxes(title_text="people", row=1, col=col)
    fig.add_trace(go.Scatter(
        x=GROUPS[:1] * 2, y=brief_random_line(outcome), mode="markers", name=RANDOM_NAME,
        marker={"symbol": "line-ew-open", "size": 40, "color": "#000000",
                "line": {"width": 3, "color": "#000000"}},
        hovertemplate=f"{RANDOM_NAME}: %{{y:.2f}} million impressions on the target<extra></extra>",
        showlegend=True), row=1, col=1)
    fig.update_layout(template=register_template(), title=brief_title(outcome), height=430,
                      margin={"t": 100}, legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


def fill_brief_figure(fig: go.Figure, outcome: BriefOutcome) -> None:
    """Update a figure made by :func:`brief_figure` in place (inside ``batch_update``)."""
    values, labels = brief_values(outcome), brief_labels(outcome)
    errors = (None, *brief_errors(outcome))
    for trace, y, text, err in zip(fig.data[:3], values, labels, errors, strict=True):
        trace.y, trace.text = y, text
        if err is not None:
            trace.error_y.array, trace.error_y.arrayminus = err
    fig.data[3].y = brief_random_line(outcome)
    fig.layout.title.text = brief_title(outcome)


# ----------------------------------------------------------------------------- reach and action


def reach_conversions_title(campaigns: pd.DataFrame) -> str:
    """Both answers at once: the rank correlation over all campaigns, and inside each channel."""
    rho = rank_correlation(campaigns, "reach", "conversions")
    within = rank_correlation_by(campaigns, "channel", "reach", "conversions")["rho"].dropna()
    pooled = f"All campaigns: reach and conversions rank together at \u03c1 = {rho:.2f}"
    if within.empty:
        return pooled
    lo, hi, mid = within.min(), within.max(), within.median()
    if mid > rho + 0.1:
        link = "stronger"
    elif mid < rho - 0.1:
        link = "weaker"
    else:
        link = "about the same"
    return (f"{pooled}; within one channel, {link} (\u03c1 {lo:.2f} to {hi:.2f}, "
            f"median {mid:.2f})")


def reach_conversions_figure(campaigns: pd.DataFrame) -> go.Figure:
    """Each campaign as a point: people reached (millions) against conversions, one colour per
    channel; the legend gives each channel's own rank correlation and number of campaigns."""
    fig = go.Figure()
    within = rank_correlation_by(campaigns, "channel", "reach", "conversions")
    for i, (channel, part) in enumerate(campaigns.groupby(campaigns["channel"].astype(str), sort=True)):
        n, rho = within.loc[channel, "campaigns"], within.loc[channel, "rho"]
        label = f"{_channel(channel)}: {n} campaigns, " + (
            f"\u03c1 = {rho:.2f}" if not math.isnan(rho) else "too few for \u03c1")
        fig.add_trace(go.Scatter(
            x=part["reach"] / 1e6, y=part["conversions"], mode="markers", name=label,
            marker={"size": 11, "color": PALETTE[i % len(PALETTE)], "line": {"width": 1, "color": "white"}},
            text=part["name"],
            hovertemplate="%{text}<br>reach %{x:.2f} million<br>%{y:,} conversions<extra></extra>",
        ))
    fig.update_layout(
        template=register_template(), title=reach_conversions_title(campaigns), height=480,
        xaxis={"title": "people reached (millions)"},
        yaxis={"title": "conversions (count, log scale)", "type": "log"},
        legend={"title": "channel (rank correlation inside it)"},
    )
    return fig


# ----------------------------------------------------------------------------- who was reached


def targeting_title(table: pd.DataFrame) -> str:
    """The finding of :func:`targeting_figure`, computed from the table."""
    rows = table.drop(index="all", errors="ignore").dropna(subset=["on_target_share"])
    if rows.empty:
        return "No campaigns with impressions to compare"
    on = rows["on_target_share"] * 100
    rand = rows["population_share"] * 100
    return (f"Per channel, {on.min():.0f}-{on.max():.0f}% of impressions reached the target: "
            f"{rows['delivery_index'].min():.1f}-{rows['delivery_index'].max():.1f} times what chance "
            f"gives ({rand.min():.1f}-{rand.max():.1f}%)")


def targeting_figure(pooled: pd.DataFrame, by_channel: pd.DataFrame) -> go.Figure:
    """Per channel and pooled (from :func:`widgets.models.campaigns.targeting_table`): the share
    of impressions that landed on the target, the share of conversions that came from inside it,
    and, as the baseline, the share chance would have put on the target (its population share)."""
    table = pd.concat([pooled.set_axis(["all"] * len(pooled)), by_channel])
    labels = ["all channels (pooled)" if k == "all" else _channel(str(k)) for k in table.index]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=table["on_target_share"] * 100, orientation="h", name="impressions on target",
        marker_color=COLOURS["highlight"], customdata=np.c_[table["target_impressions"] / 1e6,
                                                            table["impressions"] / 1e6],
        hovertemplate="%{y}: %{x:.1f}% of impressions on target (%{customdata[0]:.1f} of "
                      "%{customdata[1]:.1f} million)<extra></extra>"))
    fig.add_trace(go.Bar(
        y=labels, x=(1 - table["outside_share"]) * 100, orientation="h",
        name="conversions from inside the target", marker_color=COLOURS["conversation"],
        customdata=np.c_[table["target_conversions"], table["conversions"]],
        hovertemplate="%{y}: %{x:.1f}% of conversions from inside the target "
                      "(%{customdata[0]:,.0f} of %{customdata[1]:,.0f})<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=table["population_share"] * 100, mode="markers", name=RANDOM_NAME,
        marker={"symbol": "line-ns-open", "size": 22, "color": "#000000",
                "line": {"width": 3, "color": "#000000"}},
        hovertemplate="%{y}: %{x:.1f}% of impressions on target " + RANDOM_NAME + "<extra></extra>"))
    fig.update_layout(
        template=register_template(), title=targeting_title(table), barmode="group", height=460,
        xaxis={"title": "share (%)", "rangemode": "tozero"},
        yaxis={"title": "channel", "autorange": "reversed"},
        legend={"orientation": "h", "y": -0.2, "x": 0},
    )
    return fig
