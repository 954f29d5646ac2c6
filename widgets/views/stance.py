"""Lesson 00's "Where do you stand?" widget: six pairs of statements, a live chart and a Save button.

While the learner answers, nothing says which statement of a pair is the course's "message" side
and which its "conversation" side: the chart and the sentence only say how many pairs lean left,
right or neither. The lesson reveals the sides after it states the course's question.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .. import progress
from ..figures.stance import sides_colours, sides_figure, sides_title
from ..models.stance import (
    SCALE_MAX,
    SCALE_MIN,
    STATEMENTS,
    answers_from_record,
    position,
    record,
    sides_sentence,
    slider_value,
)
from .base import view_box
from .figure import FigureView

__all__ = ["where_do_you_stand"]

_TEXT = "width:260px;font-size:0.95em;line-height:1.25;padding:2px 6px"


def where_do_you_stand() -> w.Box:
    """A slider per pair, from the left-hand statement (-2) to the right-hand one (+2); the chart
    and the sentence follow; Save stores the answers (as message/conversation positions) in the
    learner's progress file, where lesson 09 finds them. Earlier saved answers are restored."""
    previous = answers_from_record(progress.load_self_assessment())
    sliders: dict[str, w.IntSlider] = {}
    rows = []
    for number, s in enumerate(STATEMENTS, start=1):
        slider = w.IntSlider(
            value=slider_value(s, previous.get(s.key, 0)), min=SCALE_MIN, max=SCALE_MAX, step=1,
            description=f"{number}. {s.topic}", continuous_update=False, readout=True,
            style={"description_width": "185px"}, layout=w.Layout(width="390px"),
        )
        sliders[s.key] = slider
        rows.append(w.HBox([
            w.HTML(f"<div style='{_TEXT};text-align:right'>{html.escape(s.left)}</div>"),
            slider,
            w.HTML(f"<div style='{_TEXT}'>{html.escape(s.right)}</div>"),
        ], layout=w.Layout(align_items="center", margin="2px 0")))

    def values() -> dict[str, int]:
        return {key: int(slider.value) for key, slider in sliders.items()}

    figure = FigureView(sides_figure(values()))
    summary = w.HTML().add_class("course-widget-summary")
    save = w.Button(description="Save my answers", icon="save", button_style="primary",
                    layout=w.Layout(width="auto"))
    saved = w.HTML()

    def update(_change: object = None) -> None:
        current = values()
        with figure.batch_update():
            figure.data[0].x = [current[s.key] for s in STATEMENTS]
            figure.data[0].marker.color = sides_colours(current)
            figure.layout.title.text = sides_title(current)
        summary.value = html.escape(sides_sentence(current))
        saved.value = ""

    def on_save(_button: object) -> None:
        current = values()
        answers = {s.key: position(s, current[s.key]) for s in STATEMENTS}
        problem = progress.save_self_assessment(record(answers))
        saved.value = ("\u2714 Saved. Lesson 09 will show these answers again."
                       if problem is None else f"\u26a0 Not saved: {html.escape(problem)}.")

    for slider in sliders.values():
        slider.observe(update, names="value")
    save.on_click(on_save)
    summary.value = html.escape(sides_sentence(values()))
    return view_box("stance", [*rows, figure, summary, w.HBox([save, saved])])
