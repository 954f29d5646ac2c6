"""Lesson 04's "monologue against dialogue" widget: predict which post type wins, then change the
definition of engagement and watch the ranking change, with bootstrap intervals that say when a
"winner" is noise.

By default it shows the real cosmetics brand's Facebook page (``load("facebook_metrics")``) and
the course's synthetic posts (``load("posts")``). It takes a learner's own platform export as it is
(``load_export(path)``, its ``.frame``, the path itself, or a list of exports to pool, e.g. a
Facebook and an Instagram export), offers the groupings and definitions that export supports, and
says in one sentence which it cannot offer and why. Lesson 08 points it at the health
organisation's posts, e.g.::

    monologue_dialogue(load_export("my-data/<your file>"))
    monologue_dialogue([load_export("my-data/<facebook file>"), load_export("my-data/<instagram file>")])
    monologue_dialogue(load("health_posts"), groupings=["style", "format", "platform"],
                       label="Harbour City Health", evidence="Synthetic", filter_by="platform")
    monologue_dialogue(my_posts, groupings={"post type": "Post type"},
                       columns={"reach": "Reach", "likes": "Reactions", "followers": "Followers"})
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence

import ipywidgets as w
import pandas as pd

from ..data import load, load_export
from ..figures.dialogue import fill_question, fill_ranking, ranking_figure
from ..models.dialogue import (
    LEVEL,
    METRICS,
    SMALL_GROUP,
    PostSet,
    Ranking,
    course_posts,
    export_post_set,
    group_values,
    is_export,
    leaders,
    looks_like_course_posts,
    post_set,
    ranking,
    real_page,
)
from .base import view_box
from .figure import FigureView

__all__ = ["monologue_dialogue"]


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def _listing(items: Sequence[str], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _g(v: float) -> str:
    """A gap's end with three significant figures, e.g. "0.741", "-3.5", "10.3"."""
    return f"{v:.3g}"


def _e(text: object) -> str:
    return html.escape(str(text))


def _problem_box(message: str) -> w.Box:
    summary = w.HTML(f"<b>This widget cannot show these posts:</b> {_e(message)}")
    return view_box("monologue-dialogue", [summary.add_class("course-widget-summary")])


def _is_path(x: object) -> bool:
    return isinstance(x, str | os.PathLike)


def _own(x: object) -> bool:
    """A learner's own posts: an export, the path to one, or a table with the course's columns."""
    return is_export(x) or _is_path(x) or looks_like_course_posts(x)


def _sets(posts: object, groupings, columns, label, evidence, filter_by) -> list[PostSet]:
    if posts is None:
        return [real_page(load("facebook_metrics")), course_posts(load("posts"))]
    if isinstance(posts, PostSet):
        return [posts]
    if isinstance(posts, pd.DataFrame) and groupings is not None:
        return [post_set(posts, groupings, columns, label or "Your posts", evidence, filter_by)]
    if _own(posts):
        posts = [posts]
    if isinstance(posts, pd.DataFrame):
        raise ValueError("say which columns to group the posts by, e.g. groupings=['style'] (an "
                         "export read by load_export can be given as it is)")
    items = list(posts) if isinstance(posts, Sequence) and not _is_path(posts) else None
    if not items or not all(isinstance(x, PostSet) or _own(x) for x in items):
        raise ValueError("give an export (load_export(path)), its .frame, a DataFrame of posts "
                         "with groupings=..., a PostSet, or a list of them")
    own = [load_export(x) if _is_path(x) else x for x in items if not isinstance(x, PostSet)]
    sets: list[PostSet] = []
    for x in items:  # a learner's exports are pooled into one set, where the first one stands
        if isinstance(x, PostSet):
            sets.append(x)
        elif own:
            sets.append(export_post_set(own if len(own) > 1 else own[0], label, evidence))
            own = []
    return sets


def monologue_dialogue(posts: object = None, *,
                       groupings: Sequence[str] | Mapping[str, str] | None = None,
                       columns: Mapping[str, str] | None = None, label: str | None = None,
                       evidence: str = "Your data", filter_by: str | None = None,
                       predict: bool | None = None) -> w.Box:
    """Rank groups of posts under six definitions of engagement, with bootstrap intervals.

    With no arguments: the real Facebook page and the course's synthetic posts, and a prediction
    to make first. Otherwise ``posts`` is one of:

    * your platform export, ``load_export(path)`` (or its ``.frame``, or the path itself), or a
      list of exports pooled into one set (grouped and filtered by platform): grouped by post type,
      platform and month posted where the export allows, under the definitions its columns allow;
      a line says which definitions and groupings it cannot offer, and which column is missing;
    * any DataFrame of posts with ``groupings`` (and ``columns`` to map your count columns onto
      reach, impressions, followers, likes, comments, shares);
    * a :class:`~widgets.models.dialogue.PostSet`, or a list of them.

    ``predict``: ask the learner to predict which group of the first grouping wins before showing
    anything (default: only for the course's own data).
    """
    try:
        sets = _sets(posts, groupings, columns, label, evidence, filter_by)
    except (ValueError, KeyError, OSError) as problem:  # MissingColumn, ExportError: ValueErrors
        return _problem_box(str(problem))
    empty = [s for s in sets if not s.metrics()]
    if empty:
        return _problem_box(empty[0].unavailable or (
            "the posts have none of the count columns the metrics use (reach, impressions, "
            "followers, likes, comments, shares); map yours with columns={...}."))
    predict = posts is None if predict is None else predict
    first = sets[0]
    choices = [str(g) for g in first.posts[first.groupings[0]].cat.categories]

    rankings: dict[tuple, Ranking] = {}
    leader_cache: dict[tuple, dict[str, str]] = {}
    selections: dict[tuple, pd.DataFrame] = {}

    def selection(i: int, flt: str) -> pd.DataFrame:
        if (i, flt) not in selections:
            selections[i, flt] = sets[i].selection(flt)
        return selections[i, flt]

    def ranked(i: int, flt: str, by: str, metric: str) -> Ranking:
        key = (i, flt, by, metric)
        if key not in rankings:  # the bootstrap runs once per setting, never on a redraw
            rankings[key] = ranking(selection(i, flt), metric, by)
        return rankings[key]

    def leading(i: int, flt: str, by: str) -> dict[str, str]:
        key = (i, flt, by)
        if key not in leader_cache:
            leader_cache[key] = leaders(selection(i, flt), by, sets[i].metrics())
        return leader_cache[key]

    # -- controls -----------------------------------------------------------------------------
    style = {"description_width": "initial"}
    guess = w.ToggleButtons(options=choices, value=None, style=style,
                            description=f"Your prediction: which {first.groupings[0]} wins?",
                            tooltips=[f"I predict {c} gets the most engagement" for c in choices])
    data = w.Dropdown(options=[(s.label, i) for i, s in enumerate(sets)], value=0,
                      description="Data", style=style, layout=w.Layout(width="470px"))
    which = w.Dropdown(description="Posts", style=style, layout=w.Layout(width="300px"))
    by = w.Dropdown(description="Group by", style=style, layout=w.Layout(width="230px"))
    metric = w.Dropdown(description="Definition of engagement", style=style,
                        layout=w.Layout(width="420px"))
    figure = FigureView(ranking_figure(groups={c: 0 for c in choices},
                                       metric=METRICS[first.metrics()[0]],
                                       grouping=first.groupings[0]))
    summary = w.HTML().add_class("course-widget-summary")
    note = w.HTML().add_class("course-widget-note")  # what these posts cannot give, and why
    busy = {"on": False}

    def fill_options(keep_metric: str | None = None) -> None:
        s = sets[int(data.value)]
        busy["on"] = True
        try:
            which.options = list(s.filters)
            which.value = which.options[0]
            by.options = list(s.groupings)
            by.value = by.options[0]
            metric.options = [(METRICS[k].label, k) for k in s.metrics()]
            metric.value = keep_metric if keep_metric in s.metrics() else s.metrics()[0]
        finally:
            busy["on"] = False
        which.layout.display = None if len(which.options) > 1 else "none"
        by.layout.display = None if len(by.options) > 1 else "none"
        said = " ".join(x for x in (s.unavailable, *s.notes) if x)
        note.value = f"<small>{_e(said)}</small>" if said else ""
        note.layout.display = None if said else "none"

    def revealed() -> bool:
        return not predict or guess.value is not None

    # -- what is on screen, in words ------------------------------------------------------------
    def describe(r: Ranking, i: int, flt: str, grouping: str) -> str:
        s, m, t = sets[i], r.metric, r.table
        where = f"{_e(s.evidence)}: {_e(s.label.split(': ', 1)[-1])} ({_e(flt)})"
        if not len(t):
            return (f"<b>{where}: there are no posts to compare in this selection.</b> "
                    "Choose other posts or another grouping.")
        shown = {str(g): f"{_e(g)} ({m.show(float(v))})"
                 for g, v in zip(t.index, t["value"], strict=True)}
        rest = [shown[str(g)] for g in r.ranked.index]
        head = f"<b>{where}, by {_e(grouping)}: under {_e(m.label)}, "
        if len(rest) > 1:
            parts = [head + f"{rest[0]} leads, then {_listing(rest[1:])}.</b>"]
        elif len(t) == 1:
            parts = [head + f"there is only one group, {shown[str(t.index[0])]}: nothing to rank.</b>"]
        elif rest:
            parts = [head + f"only {rest[0]} has two posts or more: nothing to rank it against.</b>"]
        else:
            parts = [head + "no group has two posts or more: nothing can be ranked.</b>"]
        if r.runner_up is not None:
            lo, hi = (m.scale(v) for v in r.lead)
            gap = f"{_g(lo)} to {_g(hi)}" + (" percentage points" if m.percent else "")
            if r.lead_is_clear:
                parts.append(f"The lead of {_e(r.leader)} over {_e(r.runner_up)} is larger than "
                             f"chance would make it: the {LEVEL:.0%} bootstrap interval of the gap, "
                             f"{gap}, excludes zero.")
            else:
                parts.append(f"The lead of {_e(r.leader)} over {_e(r.runner_up)} could be chance: "
                             f"the {LEVEL:.0%} bootstrap interval of the gap, {gap}, includes zero.")
        lead = leading(i, flt, grouping)
        if len(lead) > 1:
            counts = pd.Series(list(lead.values())).value_counts()
            offered = len(s.metrics())
            scope = "" if len(lead) == offered else (
                f" (the {len(lead)} of {offered} definitions under which two groups of two posts "
                "or more can be compared)")
            if len(counts) == 1:
                every = f"all {len(lead)}" if len(lead) > 2 else "both"
                parts.append(f"The same group, {_e(counts.index[0])}, leads under {every} "
                             f"definitions{scope}.")
            else:
                parts.append("Across the definitions the leader changes: " + _listing(
                    [f"{_e(g)} leads under {k} of {len(lead)}" for g, k in counts.items()])
                    + f"{scope}.")
        if predict and guess.value is not None and i == 0 and grouping == first.groupings[0]:
            rank = r.rank_of(guess.value)
            wins = sum(1 for g in lead.values() if g == guess.value)
            if rank is None:
                parts.append(f"Your prediction, {_e(guess.value)}, has no posts here.")
            else:
                parts.append(f"Your prediction, {_e(guess.value)}, comes {_ordinal(rank)} of "
                             f"{len(t)} here, and leads under {wins} of the {len(lead)} "
                             "definitions.")
        elif predict and guess.value is not None:
            parts.append(f"(Your prediction, {_e(guess.value)}, was about the "
                         f"{_e(first.groupings[0])}s of {_e(first.label.split(': ', 1)[-1])}: "
                         f"set Data back to it and Group by to {_e(first.groupings[0])} to see "
                         "where it ranks.)")
        for g in r.small:
            parts.append(f"With only {int(t.at[g, 'posts'])} posts, {_e(g)} is an anecdote, not a "
                         f"pattern (fewer than {SMALL_GROUP} posts): see how wide its interval is.")
        singles = [shown[g] for g in r.single]
        if len(singles) == 1 and len(t) > 1:
            parts.append(f"The group {singles[0]} is a single post: one post has no interval, "
                         "and ranks nothing.")
        elif len(singles) > 1:
            parts.append(f"The groups {_listing(singles)} are single posts: one post has no "
                         "interval, and ranks nothing.")
        for why, k in r.left_out.items():
            reason = ("a count was not recorded" if why == "not recorded"
                      else f"its {why.split()[-1]} is 0, and there is no rate without a "
                      f"denominator")
            parts.append(f"Left out: {k:,} post{'' if k == 1 else 's'} ({reason}).")
        parts.append(f"<br><small>Definition: {_e(m.definition)}. Dots: the mean per post; "
                     f"whiskers: the {LEVEL:.0%} bootstrap interval (1,000 resamples); dashed "
                     "line: all posts.</small>")
        return " ".join(parts)

    def ask(i: int, flt: str, grouping: str, key: str) -> str:
        names = _listing([_e(c) for c in choices], "or")
        return (f"<b>Predict first:</b> which {_e(first.groupings[0])} do you think gets the most "
                f"engagement on {_e(first.label.split(': ', 1)[-1])}: {names}? Pick one above; "
                f"the ranking appears when you do. <br><small>Now set: {_e(sets[i].label)} · "
                f"{_e(flt)} · by {_e(grouping)} · {_e(METRICS[key].label)}.</small>")

    def redraw(_change: object = None) -> None:
        if busy["on"]:
            return
        i, flt, grouping, key = int(data.value), str(which.value), str(by.value), str(metric.value)
        if revealed():
            r = ranked(i, flt, grouping, key)
            with figure.batch_update():
                fill_ranking(figure.figure, r, grouping, guess.value if i == 0 else None)
            summary.value = describe(r, i, flt, grouping)
        else:
            counts = {g: len(v) for g, v in group_values(selection(i, flt), key, grouping).items()}
            with figure.batch_update():
                fill_question(figure.figure, counts, METRICS[key], grouping)
            summary.value = ask(i, flt, grouping, key)

    def change_data(_change: object = None) -> None:
        fill_options(keep_metric=str(metric.value))
        redraw()

    fill_options()
    data.observe(change_data, names="value")
    for control in (guess, which, by, metric):
        control.observe(redraw, names="value")
    redraw()
    rows = [w.HBox([guess])] if predict else []
    if len(sets) > 1:
        rows += [w.HBox([data, which]), w.HBox([by, metric])]
    else:  # one set: a control with a single option would change nothing, so it is left out
        shown_controls = [c for c in (which, by, metric) if len(c.options) > 1]
        rows += [w.HBox(shown_controls)] if shown_controls else []
    notes = [note] if any(s.unavailable or s.notes for s in sets) else []
    return view_box("monologue-dialogue", [*rows, *notes, figure, summary])
