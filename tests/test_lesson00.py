"""Lesson 00: the self-assessment model, figure and view, and every warm-up check."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures.stance import stance_figure
from widgets.models.stance import STATEMENTS, stance_label, stance_score
from widgets.questions import lesson00 as L

# --------------------------------------------------------------------------- the stance widget


def test_stance_score_runs_from_message_to_conversation():
    keys = [s.key for s in STATEMENTS]
    assert stance_score({k: -2 for k in keys}) == -100
    assert stance_score({k: 2 for k in keys}) == 100
    assert stance_score({}) == 0  # left out counts as undecided
    assert stance_score({keys[0]: 1}) == pytest.approx(100 / 12)


def test_stance_score_rejects_values_off_the_scale():
    with pytest.raises(ValueError, match="outside"):
        stance_score({STATEMENTS[0].key: 3})


def test_stance_labels():
    assert stance_label(-100) == "firmly on the message side"
    assert stance_label(0) == "in between"
    assert stance_label(30) == "leaning towards conversation"


def test_stance_figure_has_labelled_axes_and_a_title_that_states_the_score():
    fig = stance_figure({STATEMENTS[0].key: 2})
    assert isinstance(fig, go.Figure)
    assert "score +17" in fig.layout.title.text
    assert "points" in fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_stance_view_moves_and_saves(monkeypatch, tmp_path):
    import ipywidgets as w

    from widgets import progress
    from widgets.views.stance import where_do_you_stand

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    box = where_do_you_stand()

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    parts = list(walk(box))
    slider = next(p for p in parts if isinstance(p, w.IntSlider))
    summary = next(p for p in parts if "course-widget-summary" in p._dom_classes)
    before = summary.value
    slider.value = 2
    assert summary.value != before and "+17" in summary.value
    next(p for p in parts if isinstance(p, w.Button)).click()
    assert progress.load_self_assessment()["answers"][slider.description] == 2


# --------------------------------------------------------------------------- the warm-up checks


@pytest.fixture(scope="module")
def first_week() -> pd.DataFrame:
    posts = load("posts")
    return posts[posts["posted_at"] < "2024-01-08"]


def test_practice_question():
    assert L.practice.evaluate(10).status == CORRECT
    assert L.practice.evaluate(9).message.startswith("Lesson 00 counts too")
    assert L.practice.evaluate(____).status == NOT_ATTEMPTED


def test_q1_number_of_posts(first_week):
    assert L.q1.evaluate(len(first_week)).status == CORRECT
    assert "every post of the two years" in L.q1.evaluate(len(load("posts"))).message
    assert L.q1.evaluate(____).status == NOT_ATTEMPTED


def test_q2_comments_per_post(first_week):
    assert L.q2.evaluate(first_week["comments"].sum() / len(first_week)).status == CORRECT
    assert "total number of comments" in L.q2.evaluate(float(first_week["comments"].sum())).message
    assert "likes" in L.q2.evaluate(float(first_week["likes"].mean())).message
    assert "all two years" in L.q2.evaluate(float(load("posts")["comments"].mean())).message


def test_q3_top_style(first_week):
    per_post = first_week.groupby("style", observed=True)[["comments", "likes"]].mean()
    totals = first_week.groupby("style", observed=True)["comments"].sum()
    assert L.q3.evaluate(per_post["comments"].idxmax()).status == CORRECT
    total_winner = totals.idxmax()
    assert total_winner != per_post["comments"].idxmax()  # the mistake is reachable on this slice
    assert "in total" in L.q3.evaluate(total_winner).message
    assert L.q3.evaluate("no such style").status == INCORRECT
