"""Figures for lesson 01: what a brief buys and who acts, and reach against action per campaign."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..models.campaigns import BriefOutcome, rank_correlation
from ..style import COLOURS, PALETTE, register_template

GROUPS = ["your target", "everyone else"]
GROUP_COLOURS = [COLOURS["highlight"], COLOURS["neutral"]]
PANELS = ("Impressions bought", "What people did (history)", "Who would act")
Y_TITLES = ("impressions (millions)", "conversions per 1,000 impressions", "expected conversions (count)")


def _clean(x: float) -> float:
    return 0.0 if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def brief_values(outcome: BriefOutcome) -> list[list[float]]:
    """The bar heights of the three panels, target first: impressions (millions), conversions
    per 1,000 impressions in the history, expected conversions."""
    r = outcome.response
    return [
        [outcome.target_impressions / 1e6, outcome.other_impressions / 1e6],
        [_clean(r.cell_per_1000), _clean(r.other_per_1000)],
        [outcome.target_conversions, outcome.other_conversions],
    ]


def brief_title(outcome: BriefOutcome) -> str:
    """The finding of the current brief, in one line."""
    if outcome.reach.impressions == 0:
        return "A budget of $0 buys no impressions: nobody is reached and nobody acts"
    if outcome.response.empty:
        return "The history never reached this target: it cannot say what these people do"
    share = outcome.outside_share
    if math.isnan(share):
        return "The history shows no conversions for this channel"
    return f"{share:.0%} of the conversions this brief buys would come from outside its target"


def brief_figure(outcome: BriefOutcome) -> go.Figure:
    """Three bar panels, the brief's target against everyone else: impressions bought,
    conversions per 1,000 impressions in the channel's history, and expected conversions."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=PANELS, horizontal_spacing=0.16)
    fmt = ("%{y:.2f} million impressions", "%{y:.3f} conversions per 1,000", "%{y:,.0f} conversions")
    for col, (values, hover) in enumerate(zip(brief_values(outcome), fmt, strict=True), start=1):
        fig.add_trace(go.Bar(x=GROUPS, y=values, marker_color=GROUP_COLOURS, showlegend=False,
                             hovertemplate=f"%{{x}}: {hover}<extra></extra>"), row=1, col=col)
        fig.update_yaxes(title_text=Y_TITLES[col - 1], rangemode="tozero", row=1, col=col)
        fig.update_xaxes(title_text="people", row=1, col=col)
    fig.update_layout(template=register_template(), title=brief_title(outcome), height=400,
                      margin={"t": 90})
    return fig


def reach_conversions_title(campaigns: pd.DataFrame) -> str:
    rho = rank_correlation(campaigns, "reach", "conversions")
    top_reach = campaigns.loc[campaigns["reach"].idxmax()]
    top_conv = campaigns.loc[campaigns["conversions"].idxmax()]
    if top_reach["campaign_id"] == top_conv["campaign_id"]:
        lead = f"{top_reach['name']} led on both reach and conversions"
    else:
        wide, most = (str(x["channel"]).replace("tv", "TV") for x in (top_reach, top_conv))
        lead = f"The widest-reaching campaign ({wide}) did not make the most people act ({most})"
    return f"{lead}; rank correlation of reach and conversions {rho:.2f}"


def reach_conversions_figure(campaigns: pd.DataFrame) -> go.Figure:
    """Each campaign as a point: people reached (millions) against conversions, by channel."""
    fig = go.Figure()
    for i, (channel, part) in enumerate(campaigns.groupby(campaigns["channel"].astype(str), sort=True)):
        fig.add_trace(go.Scatter(
            x=part["reach"] / 1e6, y=part["conversions"], mode="markers", name=channel,
            marker={"size": 11, "color": PALETTE[i % len(PALETTE)], "line": {"width": 1, "color": "white"}},
            text=part["name"],
            hovertemplate="%{text}<br>reach %{x:.2f} million<br>%{y:,} conversions<extra></extra>",
        ))
    fig.update_layout(
        template=register_template(), title=reach_conversions_title(campaigns), height=460,
        xaxis={"title": "people reached (millions)"},
        yaxis={"title": "conversions (count, log scale)", "type": "log"},
        legend={"title": "channel"},
    )
    return fig
