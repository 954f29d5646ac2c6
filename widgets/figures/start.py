"""Figure for lesson 00's first finding: the same posts counted per post and per 1,000 followers.

Each style's bar is stacked by platform: a segment is what that platform's posts add to the
style's mean, so the learner sees *which posts* put a style ahead under each way of counting.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..models.start import (
    COMPARED,
    MEASURES,
    PLATFORMS,
    leader,
    platform_contributions,
    style_summary,
)
from ..style import PALETTE, register_template

PLATFORM_COLOURS = dict(zip(PLATFORMS, (PALETTE[0], PALETTE[1], PALETTE[7], PALETTE[3]), strict=True))


def counting_title(posts: pd.DataFrame, column: str = "likes", styles: Sequence[str] = COMPARED) -> str:
    """The finding, computed: which style leads per post and which per 1,000 followers."""
    table = style_summary(posts, column, styles)
    n = " vs ".join(str(k) for k in table["posts"])
    raw, rate = leader(table, "per_post"), leader(table, "per_1000_followers")
    if raw == rate:
        return (f"{str(raw).capitalize()} posts lead on {column} both per post and per 1,000 "
                f"followers ({n} posts)")
    return f"Per post, {raw} posts lead on {column}; per 1,000 followers, {rate} posts do ({n} posts)"


def counting_figure(posts: pd.DataFrame, column: str = "likes",
                    styles: Sequence[str] = COMPARED) -> go.Figure:
    """Two panels, per post and per 1,000 followers: a bar per style, stacked by platform, with
    each style's number of posts on its bar and a dashed line at the first style's level."""
    table = style_summary(posts, column, styles)
    counts = posts[posts["style"].astype(str).isin(list(styles))].groupby(
        [posts["style"].astype(str), posts["platform"].astype(str)]).size()
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.14,
                        subplot_titles=[f"{column} {label}" for label in MEASURES.values()])
    for col, measure in enumerate(MEASURES, start=1):
        parts = platform_contributions(posts, column, measure, styles)
        for platform in PLATFORMS:
            n = [int(counts.get((s, platform), 0)) for s in styles]
            if not any(n):
                continue
            fig.add_trace(go.Bar(
                x=list(styles), y=parts[platform].tolist(), name=platform, legendgroup=platform,
                showlegend=col == 1, marker_color=PLATFORM_COLOURS[platform], customdata=n,
                hovertemplate=(f"{platform}: %{{customdata}} %{{x}} post(s) add %{{y:.2f}} "
                               f"{column} {MEASURES[measure]}<extra></extra>"),
            ), row=1, col=col)
        means = table[measure]
        fig.add_trace(go.Scatter(
            x=list(styles), y=means.fillna(0).tolist(), mode="text", showlegend=False,
            text=[f"n = {k}" for k in table["posts"]], textposition="top center", hoverinfo="skip",
        ), row=1, col=col)
        baseline = means.iloc[0]
        if pd.notna(baseline):
            fig.add_hline(y=float(baseline), line_dash="dash", line_color="#666666", row=1, col=col,
                          annotation_text=f"{styles[0]} level", annotation_position="top right")
        top = float(means.max()) if means.notna().any() else 1.0
        fig.update_yaxes(title_text=f"{column} {MEASURES[measure]} (mean)",
                         range=[0, top * 1.2 or 1.0], row=1, col=col)
        fig.update_xaxes(title_text="post style", row=1, col=col)
    fig.update_layout(template=register_template(), barmode="stack", height=420,
                      title=counting_title(posts, column, styles), legend_title_text="platform",
                      margin={"t": 100})
    return fig
