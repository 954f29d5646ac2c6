"""Figure for lesson 00's self-assessment."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from ..models.stance import SCALE_MAX, SCALE_MIN, STATEMENTS, stance_label, stance_score
from ..style import COLOURS, register_template


def stance_colours(answers: Mapping[str, int]) -> list[str]:
    return [
        COLOURS["conversation"] if answers.get(s.key, 0) > 0
        else COLOURS["message"] if answers.get(s.key, 0) < 0 else COLOURS["neutral"]
        for s in STATEMENTS
    ]


def stance_title(answers: Mapping[str, int]) -> str:
    score = stance_score(answers)
    return f"You are {stance_label(score)} (score {score:+.0f} on a -100..+100 scale)"


def stance_figure(answers: Mapping[str, int]) -> go.Figure:
    """Horizontal bars: each statement's position from message (left) to conversation (right)."""
    labels = [s.key for s in STATEMENTS]
    values = [int(answers.get(s.key, 0)) for s in STATEMENTS]
    fig = go.Figure(
        go.Bar(
            x=values, y=labels, orientation="h", marker_color=stance_colours(answers),
            hovertext=[f"{s.message} \u2190\u2192 {s.conversation}" for s in STATEMENTS],
            hoverinfo="text+x",
        )
    )
    fig.update_layout(
        template=register_template(), title=stance_title(answers), height=360,
        xaxis={"title": "position (points: -2 = message, +2 = conversation)",
               "range": [SCALE_MIN - 0.2, SCALE_MAX + 0.2], "dtick": 1, "zeroline": True},
        yaxis={"title": "statement", "autorange": "reversed"},
    )
    return fig
