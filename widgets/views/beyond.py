"""Lesson 08's widgets: predict which post style drew the most questions (play first), then lessons
04-06's widgets pointed at Harbour City Health, the course's public-health organisation.

The three ``health_*`` views are one line each: the lesson 04, 05 and 06 views, unchanged, called
with the health data through the adapters of :mod:`widgets.models.beyond` (no copies of them).
Here they exist so that the benchmark and the view tests, which call every view in a module's
``__all__`` with no arguments, cover the reused widgets on the health data too.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd

from .. import progress
from ..data import load
from ..figures.dialogue import fill_question, fill_ranking, ranking_figure
from ..models.beyond import (
    ORGANISATION,
    QUESTION_MEASURES,
    health_listening_frame,
    health_post_set,
    health_reply_queue,
    posts_with_questions,
    question_ranking,
)
from ..models.dialogue import LEVEL, N_BOOT, SMALL_GROUP, Ranking
from .answering import queue_sizer
from .base import view_box
from .dialogue import monologue_dialogue
from .figure import FigureView
from .listening import listening_dashboard

__all__ = ["health_dialogue", "health_listening", "health_queue", "question_styles"]

LESSON = "08"
_STYLE = {"description_width": "initial"}
_GROUPING = "post style"


def health_dialogue() -> w.Box:
    """Lesson 04's monologue-against-dialogue widget on the health department's posts."""
    return monologue_dialogue(health_post_set(load("health_posts")))


def health_listening() -> w.Box:
    """Lesson 05's listening dashboard on the public's questions, by topic, counted by the day."""
    return listening_dashboard(health_listening_frame(load("health_questions")))


def health_queue() -> w.Box:
    """Lesson 06's queue sizer on the public's questions: per day, how many, how many answered."""
    return queue_sizer(health_reply_queue(load("health_questions")))


# ----------------------------------------------------------------------------- play first


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _reveal(r: Ranking, guess: str, per_post: Ranking, totals: Ranking, first: str | None,
            shipped: bool = True) -> str:
    """The sentence under the reveal: the ranking, its uncertainty, the prediction's place, and
    what the other ways of counting say; ``shipped`` (the course's own health data) adds which
    pattern the generator built in."""
    m, t = r.metric, r.table
    shown = [f"{html.escape(str(g))} ({m.show(float(v))}, {int(n)} posts)"
             for g, v, n in zip(t.index, t["value"], t["posts"], strict=True)]
    parts = [f"<b>Counted as {html.escape(m.label)}, {shown[0]} leads, then {_listing(shown[1:])}.</b>"]
    if r.runner_up is not None:
        lo, hi = r.lead
        clear = r.lead_is_clear
        verdict = "larger than chance would make it" if clear else "within what chance makes"
        parts.append(
            f"Its lead over {html.escape(r.runner_up)} is {verdict}: the {LEVEL:.0%} bootstrap "
            f"interval of the gap runs from {m.show(lo)} to {m.show(hi)}"
            f"{', excluding' if clear else ', including'} zero.")
    rank = r.rank_of(guess)
    parts.append(f"Your prediction, {html.escape(guess)}, comes {_ordinal(rank)} of {len(t)} here"
                 + (f" (your first prediction, kept in your progress file: {html.escape(first)})."
                    if first and first != guess else "."))
    sizes = totals.table["posts"]
    busiest, all_posts = str(sizes.idxmax()), int(sizes.sum())
    if m.key != "total":
        most = str(totals.leader)
        n_most = int(totals.table.at[most, "posts"])
        why = (f"with the most posts ({n_most} of {all_posts})" if most == busiest else
               f"with {n_most} of the {all_posts} posts ({html.escape(busiest)} had the most, "
               f"{int(sizes[busiest])})")
        parts.append(f"In total, {html.escape(most)} drew the most questions "
                     f"({int(totals.table.at[most, 'value'])}), {why}: a total measures how often a "
                     "style was used as much as how well it worked.")
    else:
        lead = per_post.leader
        parts.append(f"Per post, {html.escape(str(lead))} leads "
                     f"({per_post.metric.show(float(per_post.table.at[lead, 'value']))} questions a "
                     f"post); {html.escape(busiest)} had the most posts ({int(sizes[busiest])} of "
                     f"{all_posts}): a total grows with the number of posts.")
    small = [str(g) for g in r.small]
    if small:
        parts.append(f"With fewer than {SMALL_GROUP} posts, {html.escape(_listing(small))} "
                     f"{'is an anecdote' if len(small) == 1 else 'are anecdotes'}: see the width of "
                     "the interval.")
    source = ("Synthetic data, and a built-in pattern: the generator gives each post a number of "
              "questions that rises with its comments, and each style its comments (the lesson names "
              "the settings). " if shipped else "")
    parts.append(f"<br><small>{source}Definition: {html.escape(m.definition)}. "
                 f"Dots: the value; whiskers: the {LEVEL:.0%} bootstrap interval over the style's "
                 f"posts ({N_BOOT:,} resamples)" + ("" if m.key == "total" else "; dashed line: all posts")
                 + ".</small>")
    return " ".join(parts)


def question_styles(posts: pd.DataFrame | None = None, questions: pd.DataFrame | None = None) -> w.Box:
    """Predict which of the department's post styles drew the most questions; then see each style's
    questions per post (or per 1,000 people reached, or in total), with its number of posts and a
    bootstrap interval. The first prediction is kept in the progress file (not graded)."""
    shipped = posts is None and questions is None  # the course's data: its built-in pattern is named
    posts = load("health_posts") if posts is None else posts
    questions = load("health_questions") if questions is None else questions
    frame = posts_with_questions(posts, questions)
    styles = [str(s) for s in frame[_GROUPING].cat.categories]
    counts = frame[_GROUPING].value_counts().reindex(styles, fill_value=0)
    rankings: dict[str, Ranking] = {}

    def ranked(measure: str) -> Ranking:
        if measure not in rankings:  # the bootstrap runs once per way of counting
            rankings[measure] = question_ranking(frame, measure)
        return rankings[measure]

    stored = progress.load_prediction(LESSON, "question_styles")
    first = {"value": stored.get("first")}
    intro = w.HTML(
        f"<p>{html.escape(ORGANISATION) if shipped else 'The organisation'} posted {len(frame)} "
        f"times{' in its flu-vaccine campaign' if shipped else ''}, in "
        f"{len(styles)} styles, and people asked {int(frame['questions'].sum())} questions under "
        "the posts. <b>Before you see a number: which style drew the most questions?</b></p>")
    guess = w.ToggleButtons(options=styles, value=None, style=_STYLE,
                            description="Your prediction: most questions",
                            tooltips=[f"I predict {s} posts drew the most questions" for s in styles])
    measure = w.Dropdown(options=[(m.label, k) for k, m in QUESTION_MEASURES.items()], value="per_post",
                         description="Count the questions as", style=_STYLE,
                         layout=w.Layout(width="420px"))
    figure = FigureView(ranking_figure(groups={s: int(counts[s]) for s in styles},
                                       metric=QUESTION_MEASURES["per_post"], grouping=_GROUPING))
    summary = w.HTML().add_class("course-widget-summary")

    def update(_change: object = None) -> None:
        key = str(measure.value)
        m = QUESTION_MEASURES[key]
        if guess.value is None:
            with figure.batch_update():
                fill_question(figure.figure, {s: int(counts[s]) for s in styles}, m, _GROUPING)
            summary.value = (f"<b>Predict first:</b> pick the style you think drew the most "
                             f"questions; the answer appears when you do. (Now set: "
                             f"{html.escape(m.label)}. The number beside each style is how many "
                             "posts it had.)")
            return
        choice = str(guess.value)
        r = ranked(key)
        with figure.batch_update():
            fill_ranking(figure.figure, r, _GROUPING, choice)
        summary.value = _reveal(r, choice, ranked("per_post"), ranked("total"), first["value"], shipped)

    def predicted(_change: object = None) -> None:
        if guess.value is not None:  # kept once per prediction, not on every change of the count
            if first["value"] is None:
                first["value"] = str(guess.value)
            progress.record_prediction(LESSON, "question_styles", str(guess.value))
        update()

    guess.observe(predicted, names="value")
    measure.observe(update, names="value")
    update()
    return view_box("question-styles", [intro, guess, measure, figure, summary])
