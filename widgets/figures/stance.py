"""Figures for lesson 00's self-assessment.

* :func:`sides_figure`, while the learner answers: where each slider sits between the left-hand
  and the right-hand statement, in neutral colours that do not say which side is which;
* :func:`stance_figure`, after the course's question is stated: the same answers as positions
  from *message* (-2) to *conversation* (+2), with the score in the title.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import plotly.graph_objects as go

from ..models.stance import (
    SCALE_MAX,
    SCALE_MIN,
    STATEMENTS,
    clean_answers,
    sides,
    stance_label,
    stance_score,
)
from ..style import COLOURS, PALETTE, register_template

#: Neutral colours for the left-hand and right-hand statements (not the message/conversation pair).
LEFT, RIGHT = PALETTE[3], PALETTE[2]


def _wrap(text: str) -> str:
    return "<br>".join(textwrap.wrap(text, 60))


def pair_labels() -> list[str]:
    return [f"{i}. {s.topic}" for i, s in enumerate(STATEMENTS, start=1)]


def sides_colours(sliders: Mapping[str, int]) -> list[str]:
    return [RIGHT if sliders.get(s.key, 0) > 0 else LEFT if sliders.get(s.key, 0) < 0
            else COLOURS["neutral"] for s in STATEMENTS]


def sides_title(sliders: Mapping[str, int]) -> str:
    count = sides(sliders)
    if count.decided == 0:
        return f"No side taken yet on any of the {len(STATEMENTS)} pairs"
    strong = f", {count.strong} strongly" if count.strong else ""
    return f"You took a side on {count.decided} of {len(STATEMENTS)} pairs{strong}"


def sides_figure(sliders: Mapping[str, int]) -> go.Figure:
    """Horizontal bars: each slider from the left-hand statement (-2) to the right-hand one (+2)."""
    values = [int(sliders.get(s.key, 0)) for s in STATEMENTS]
    fig = go.Figure(go.Bar(
        x=values, y=pair_labels(), orientation="h", marker_color=sides_colours(sliders),
        customdata=[[_wrap(s.left), _wrap(s.right)] for s in STATEMENTS],
        hovertemplate="%{y}: %{x}<br>left: %{customdata[0]}<br>right: %{customdata[1]}<extra></extra>",
    ))
    fig.update_layout(
        template=register_template(), title=sides_title(sliders), height=340,
        xaxis={"title": "your choice (points: -2 = left-hand statement, +2 = right-hand one)",
               "range": [SCALE_MIN - 0.2, SCALE_MAX + 0.2], "dtick": 1, "zeroline": True,
               "zerolinewidth": 2, "zerolinecolor": "#666666"},
        yaxis={"title": "pair", "autorange": "reversed"},
    )
    return fig


def stance_colours(answers: Mapping[str, int]) -> list[str]:
    return [
        COLOURS["conversation"] if answers.get(s.key, 0) > 0
        else COLOURS["message"] if answers.get(s.key, 0) < 0 else COLOURS["neutral"]
        for s in STATEMENTS
    ]


def stance_title(answers: Mapping[str, int]) -> str:
    if not clean_answers(answers):
        return "No saved answers yet: press Save my answers above, then run this cell again"
    score = stance_score(clean_answers(answers))
    return f"You are {stance_label(score)} (score {score:+.0f} on a -100..+100 scale)"


def stance_figure(answers: Mapping[str, int] | None) -> go.Figure:
    """Each statement's position from message (left, -2) to conversation (right, +2).

    ``answers`` are positions by statement key (``widgets.models.stance.answers_from_record``);
    keys of other statements are ignored, and an empty mapping draws an empty chart whose title
    says that nothing was saved yet.
    """
    clean = clean_answers(answers or {})
    values = [clean.get(s.key, 0) for s in STATEMENTS]
    fig = go.Figure(go.Bar(
        x=values, y=[f"{label} (lesson {s.lesson})" for label, s in zip(pair_labels(), STATEMENTS,
                                                                          strict=True)],
        orientation="h", marker_color=stance_colours(clean),
        customdata=[[_wrap(s.message), _wrap(s.conversation)] for s in STATEMENTS],
        hovertemplate=("%{y}: %{x}<br>message: %{customdata[0]}<br>conversation: %{customdata[1]}"
                       "<extra></extra>"),
    ))
    fig.update_layout(
        template=register_template(), title=stance_title(clean), height=360,
        xaxis={"title": "position (points: -2 = message, +2 = conversation)",
               "range": [SCALE_MIN - 0.2, SCALE_MAX + 0.2], "dtick": 1, "zeroline": True,
               "zerolinewidth": 2, "zerolinecolor": "#666666"},
        yaxis={"title": "pair", "autorange": "reversed"},
    )
    return fig


def before_after_title(before: Mapping[str, int], after: Mapping[str, int]) -> str:
    from ..models.stance import compare

    change = compare(before, after)
    if change.before is None:
        return (f"Now: {stance_label(change.after)} (score {change.after:+.0f}); no lesson 00 "
                "answers to compare")
    return (f"Lesson 00: {change.before:+.0f}; now: {change.after:+.0f} "
            f"({change.towards_conversation} pairs towards conversation, {change.towards_message} "
            "towards message)")


def before_after_figure(before: Mapping[str, int] | None, after: Mapping[str, int]) -> go.Figure:
    """Each statement's position in lesson 00 (grey) and now (coloured by side), from message
    (-2) to conversation (+2). With no lesson 00 answers, only today's bars are drawn."""
    b, a = clean_answers(before or {}), clean_answers(after)
    labels = [f"{label} (lesson {s.lesson})" for label, s in zip(pair_labels(), STATEMENTS, strict=True)]
    fig = go.Figure()
    if b:
        fig.add_trace(go.Bar(x=[b.get(s.key, 0) for s in STATEMENTS], y=labels, orientation="h",
                             name="lesson 00", marker_color=COLOURS["neutral"],
                             hovertemplate="%{y}, lesson 00: %{x}<extra></extra>"))
    fig.add_trace(go.Bar(x=[a.get(s.key, 0) for s in STATEMENTS], y=labels, orientation="h",
                         name="now", marker_color=stance_colours(a),
                         hovertemplate="%{y}, now: %{x}<extra></extra>"))
    fig.update_layout(
        template=register_template(), title=before_after_title(b, a), height=380, barmode="group",
        xaxis={"title": "position (points: -2 = message, +2 = conversation)",
               "range": [SCALE_MIN - 0.2, SCALE_MAX + 0.2], "dtick": 1, "zeroline": True,
               "zerolinewidth": 2, "zerolinecolor": "#666666"},
        yaxis={"title": "pair", "autorange": "reversed"}, legend={"orientation": "h", "y": -0.3},
        title_font_size=15)
    return fig
