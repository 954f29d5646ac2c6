"""Lesson 00's "Where do you stand?" widget: six pairs of statements, a live chart and a Save button;
and lesson 09's "Where do you stand now?", the same pairs beside lesson 00's saved answers.

While the learner answers, nothing says which statement of a pair is the course's "message" side
and which its "conversation" side: the chart and the sentence only say how many pairs lean left,
right or neither. The lesson reveals the sides after it states the course's question. In lesson
09 the learner answers the same way first, and only then chooses to see lesson 00's answers
beside the new ones.
"""

from __future__ import annotations

import html

import ipywidgets as w

from .. import progress
from ..figures.stance import (
    before_after_figure,
    before_after_title,
    sides_colours,
    sides_figure,
    sides_title,
    stance_colours,
)
from ..models.stance import (
    SCALE_MAX,
    SCALE_MIN,
    STATEMENTS,
    answers_from_record,
    change_sentence,
    compare,
    position,
    record,
    saved_note,
    saved_state,
    sides_sentence,
    slider_value,
)
from .base import view_box
from .figure import FigureView

__all__ = ["where_do_you_stand", "where_do_you_stand_now"]

_TEXT = "width:260px;font-size:0.95em;line-height:1.25;padding:2px 6px"


def _sliders(previous: dict[str, int]) -> tuple[dict[str, w.IntSlider], list[w.Widget]]:
    """One slider per pair, between its left-hand and right-hand statements (as in lesson 00)."""
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
    return sliders, rows


def where_do_you_stand_now() -> w.Box:
    """Lesson 09: the same six pairs, answered again (the chart stays neutral, as in lesson 00);
    a box shows lesson 00's saved answers beside the new ones, as positions from message to
    conversation; Save keeps the new answers apart from lesson 00's (they never replace them).

    When lesson 00's answers are missing, or were saved for another wording of the statements,
    a sentence says so and only the new answers are shown."""
    saved = progress.load_self_assessment()
    state, before = saved_state(saved)
    previous = answers_from_record(progress.load_self_assessment(moment="end"))
    sliders, rows = _sliders(previous)

    def sliders_now() -> dict[str, int]:
        return {key: int(slider.value) for key, slider in sliders.items()}

    def positions() -> dict[str, int]:
        now = sliders_now()
        return {s.key: position(s, now[s.key]) for s in STATEMENTS}

    note = w.HTML(f"<p>{html.escape(saved_note(state, saved))}</p>")
    reveal = w.Checkbox(value=False, description="Show lesson 00 beside my answers now"
                        if state == "found" else "Show my answers as message or conversation",
                        indent=False, layout=w.Layout(width="auto"))
    # two charts, each changed in place; the box shows one: the neutral one while answering
    # (a FigureView's .layout is its plotly layout: each sits in a Box that is shown or hidden)
    neutral = FigureView(sides_figure(sliders_now()))
    compared = FigureView(before_after_figure(before, positions()))
    neutral_box, compared_box = w.Box([neutral]), w.Box([compared], layout=w.Layout(display="none"))
    summary = w.HTML().add_class("course-widget-summary")
    save = w.Button(description="Save my answers now", icon="save", button_style="primary",
                    layout=w.Layout(width="auto"))
    saved_text = w.HTML()

    def update(_change: object = None) -> None:
        current, now = sliders_now(), positions()
        with neutral.batch_update():
            neutral.data[0].x = [current[s.key] for s in STATEMENTS]
            neutral.data[0].marker.color = sides_colours(current)
            neutral.layout.title.text = sides_title(current)
        with compared.batch_update():
            compared.data[-1].x = [now[s.key] for s in STATEMENTS]
            compared.data[-1].marker.color = stance_colours(now)
            compared.layout.title.text = before_after_title(before, now)
        neutral_box.layout.display = "none" if reveal.value else None
        compared_box.layout.display = None if reveal.value else "none"
        if reveal.value:
            summary.value = html.escape(change_sentence(compare(before, now)))
        else:
            summary.value = html.escape(sides_sentence(current) + " Lesson 00's answers are "
                                        "hidden until you tick the box.")
        saved_text.value = ""

    def on_save(_button: object) -> None:
        problem = progress.save_self_assessment(record(positions()), moment="end")
        saved_text.value = ("\u2714 Saved, apart from your lesson 00 answers (which stay as they "
                            "were)." if problem is None else f"\u26a0 Not saved: {html.escape(problem)}.")

    for slider in sliders.values():
        slider.observe(update, names="value")
    reveal.observe(update, names="value")
    save.on_click(on_save)
    update()
    return view_box("stance-now", [note, *rows, reveal, neutral_box, compared_box, summary,
                                   w.HBox([save, saved_text])])


def where_do_you_stand() -> w.Box:
    """A slider per pair, from the left-hand statement (-2) to the right-hand one (+2); the chart
    and the sentence follow; Save stores the answers (as message/conversation positions) in the
    learner's progress file, where lesson 09 finds them. Earlier saved answers are restored."""
    previous = answers_from_record(progress.load_self_assessment())
    sliders, rows = _sliders(previous)

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
