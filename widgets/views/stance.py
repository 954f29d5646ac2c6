"""Lesson 00's "Where do you stand?" widget: six sliders, a live chart and a Save button."""

from __future__ import annotations

import ipywidgets as w

from .. import progress
from ..figures.stance import stance_colours, stance_figure, stance_title
from ..models.stance import SCALE_MAX, SCALE_MIN, STATEMENTS, stance_label, stance_score
from .base import view_box
from .figure import FigureView

__all__ = ["where_do_you_stand"]


def where_do_you_stand() -> w.Box:
    """Sliders from message (-2) to conversation (+2); the chart follows; Save stores them."""
    previous = progress.load_self_assessment().get("answers", {})
    sliders = {}
    rows = []
    for s in STATEMENTS:
        slider = w.IntSlider(
            value=int(previous.get(s.key, 0)), min=SCALE_MIN, max=SCALE_MAX, step=1,
            description=s.key, continuous_update=False, readout=True,
            style={"description_width": "90px"}, layout=w.Layout(width="260px"),
        )
        sliders[s.key] = slider
        rows.append(w.HBox([
            w.HTML(f"<div style='width:270px;text-align:right'>{s.message}</div>"),
            slider,
            w.HTML(f"<div style='width:270px'>{s.conversation}</div>"),
        ]))

    def answers() -> dict[str, int]:
        return {key: int(slider.value) for key, slider in sliders.items()}

    figure = FigureView(stance_figure(answers()))
    summary = w.HTML().add_class("course-widget-summary")
    save = w.Button(description="Save my answers", icon="save", button_style="primary",
                    layout=w.Layout(width="auto"))
    saved = w.HTML()

    def describe() -> str:
        score = stance_score(answers())
        return f"<b>Your score: {score:+.0f}</b> ({stance_label(score)})."

    def update(_change: object = None) -> None:
        current = answers()
        with figure.batch_update():
            figure.data[0].x = [current[s.key] for s in STATEMENTS]
            figure.data[0].marker.color = stance_colours(current)
            figure.layout.title.text = stance_title(current)
        summary.value = describe()
        saved.value = ""

    def on_save(_button: object) -> None:
        current = answers()
        problem = progress.save_self_assessment(
            {"answers": current, "score": stance_score(current)}
        )
        saved.value = ("\u2714 Saved. Lesson 09 will show these answers again."
                       if problem is None else f"\u26a0 Not saved: {problem}.")

    for slider in sliders.values():
        slider.observe(update, names="value")
    save.on_click(on_save)
    summary.value = describe()
    return view_box("stance", [*rows, figure, summary, w.HBox([save, saved])])
