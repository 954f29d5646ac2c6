"""Lesson 05's widgets: "What happened?" (play first) and the listening dashboard.

Both take the tweets as an argument (default: the course's real airline tweets), so lesson 06 or a
learner's own export can reuse them; the dashboard also takes a
:class:`~widgets.models.listening.ListeningFrame` (lesson 08: the health department's questions,
by topic, counted by the day). The analysis lives in :mod:`widgets.models.listening`; here
are only controls, caches and sentences built from what the models computed.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
import pandas as pd

from .. import progress
from ..data import load
from ..figures.listening import day_figure, fill_volume, volume_figure, who
from ..models.listening import (
    ALL_AIRLINES,
    ALL_TWEETS,
    EXPLANATIONS,
    PLAY_FIRST_AIRLINE,
    PLAY_FIRST_DAY,
    SOURCES,
    TWEETS,
    ListeningCube,
    ListeningFrame,
    Selection,
    Vocabulary,
    airline_handles,
    day_profile,
    distinct_tweets,
    explain_hour,
    filter_tweets,
    full_days,
    mask_personal,
    period_label,
    ranked_spikes,
    tweets_in_hour,
    typical_hour,
    with_vader,
)
from .base import view_box
from .figure import FigureView

__all__ = ["listening_dashboard", "what_happened"]

LESSON = "05"
_STYLE = {"description_width": "initial"}
#: How many tweets the reading panel lists.
READ_ROWS = 8


def _pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def _airline_labels(handles: dict[str, str | None]) -> dict[str, str]:
    """How each airline is named on screen: the published label, plus the @handle its tweets
    address (``airline_handles``) when the handle does not carry the airline's name (the file's
    "Delta" is @JetBlue)."""
    labels = {}
    for airline, handle in handles.items():
        squashed = airline.lower().replace(" ", "")
        labels[airline] = airline if not handle or squashed in handle.lower() else \
            f"{airline} (tweets to {handle})"
    return labels


def tweets_table(rows: pd.DataFrame, total: int, words: Vocabulary = TWEETS) -> str:
    """An HTML table of tweets (time, text, people's label, VADER's label and score); without
    people's labels (``words.labelled_by`` empty), no people column."""
    if total == 0:
        return f"<p><i>No {words.items} to read here.</i></p>"
    people = bool(words.labelled_by)
    body = "".join(
        f"<tr><td>{html.escape(r.time)}</td><td style='max-width:560px'>{html.escape(r.text)}</td>"
        + (f"<td>{html.escape(r.people)}</td>" if people else "")
        + f"<td>{html.escape(r.vader)} ({r.compound:+.2f})</td></tr>"
        for r in rows.itertuples())
    more = f"; the first {len(rows)} of {total:,}" if total > len(rows) else ""
    return ("<table class='course-tweets' style='border-collapse:separate;border-spacing:10px 3px;"
            "font-size:13px'>"
            f"<caption style='text-align:left'>The {words.items} themselves{more}</caption>"
            f"<tr><th>time</th><th>{words.item}</th>" + ("<th>people</th>" if people else "")
            + f"<th>VADER (score)</th></tr>{body}</table>")


# ----------------------------------------------------------------------------- play first


def what_happened(tweets: pd.DataFrame | None = None, airline: str = PLAY_FIRST_AIRLINE,
                  day: str = PLAY_FIRST_DAY) -> w.Box:
    """One day of tweets to one airline, hour by hour: guess what happened in its busiest hour,
    then read the tweets and see what they point to. The first guess is kept (not graded)."""
    tweets = load("airline_tweets") if tweets is None else tweets
    everyone = distinct_tweets(tweets)
    days = full_days(everyone["tweet_created"])
    mine = filter_tweets(everyone, airline)
    handles = airline_handles(everyone)
    label = _airline_labels(handles).get(airline, airline)
    the_day = pd.Timestamp(day)
    profile = day_profile(mine, the_day, days=days)
    peak = profile["count"].idxmax()
    evidence = explain_hour(mine, peak, days=days)
    hour_tweets = with_vader(tweets_in_hour(mine, peak))
    people_negative = float((hour_tweets["airline_sentiment"] == "negative").mean()) \
        if len(hour_tweets) else math.nan
    vader_negative = float((hour_tweets["vader_sentiment"] == "negative").mean()) \
        if len(hour_tweets) else math.nan
    rows = pd.DataFrame({
        "time": hour_tweets["tweet_created"].dt.strftime("%H:%M").to_numpy()[:READ_ROWS],
        "text": mask_personal(hour_tweets["text"].iloc[:READ_ROWS],
                             handles.values()).to_numpy(),
        "people": hour_tweets["airline_sentiment"].astype(str).to_numpy()[:READ_ROWS],
        "vader": hour_tweets["vader_sentiment"].astype(str).to_numpy()[:READ_ROWS],
        "compound": hour_tweets["vader_compound"].to_numpy(dtype=float)[:READ_ROWS]})
    table_html = tweets_table(rows, len(hour_tweets))

    figure = FigureView(day_figure(label, the_day, profile["count"], profile["usual"]))
    stands_out = (f"At {peak:%H:%M} something happened." if evidence.ratio >= 1.5 else
                  f"The busiest hour was {peak:%H:%M}.")
    intro = w.HTML(
        f"<p>Tweets to <b>{html.escape(label)}</b> on {the_day:%A %B} {the_day.day}, 2015, hour by "
        f"hour. {stands_out} <b>Before you read a single tweet, guess what happened.</b></p>")
    guess = w.Dropdown(options=[("(choose a reading)", ""), *[(v, k) for k, v in EXPLANATIONS.items()]],
                       value="", description="Your guess", style=_STYLE, layout=w.Layout(width="640px"))
    summary = w.HTML().add_class("course-widget-summary")
    reading = w.HTML()
    stored = progress.load_prediction(LESSON, "what_happened")
    first = {"value": stored.get("first")}

    def reveal(choice: str) -> str:
        s = evidence.shares
        likely = evidence.likely
        verdict = ("That is what the tweets point to." if choice == likely else
                   "The tweets point elsewhere: read them below." if likely != "unclear" else
                   "The tweets do not point to one reading: read them below.")
        pointed = EXPLANATIONS.get(likely, "no single reading")
        words = ", ".join(f"\u201c{word}\u201d ({n})" for word, n in evidence.top_words[:3])
        kept = (f" Your first guess, kept in your progress file: \u201c{EXPLANATIONS[first['value']]}\u201d."
                if first["value"] in EXPLANATIONS and first["value"] != choice else "")
        return (f"<b>You guessed: {html.escape(EXPLANATIONS[choice])}. {verdict}</b> "
                f"In the {evidence.tweets} tweets of {evidence.hour:%H:%M} "
                f"({evidence.ratio:.1f} times the usual {evidence.usual:.0f} for that hour), "
                f"{_pct(s['own_post'])} quote or retweet the airline's own post "
                f"({html.escape(evidence.handle or '?')}:), {_pct(s['disruption'])} mention a "
                f"cancellation or delay and {_pct(s['promotion'])} a sale or fare. The evidence "
                f"points to: <b>{html.escape(pointed)}</b>. Most frequent words: {html.escape(words)}. "
                f"People labelled {_pct(people_negative)} of these tweets negative; VADER "
                f"{_pct(vader_negative)}.{kept}")

    def update(_change: object = None) -> None:
        choice = str(guess.value or "")
        if not choice:
            note = (f" (Your first guess, kept: \u201c{EXPLANATIONS[first['value']]}\u201d.)"
                    if first["value"] in EXPLANATIONS else "")
            summary.value = ("<b>Make your guess in the drop-down.</b> Nothing is graded; the "
                             f"tweets of {peak:%H:%M} appear when you have guessed.{note}")
            reading.value = ""
            return
        if first["value"] is None:
            first["value"] = choice
        progress.record_prediction(LESSON, "what_happened", choice)
        summary.value = reveal(choice)
        reading.value = table_html

    guess.observe(update, names="value")
    update()
    return view_box("what-happened", [intro, figure, guess, summary, reading])


# ----------------------------------------------------------------------------- the dashboard

#: The reading panel's choices: the three largest spikes, and an ordinary hour to compare with.
READ_CHOICES = (("the largest spike", 0), ("the second spike", 1), ("the third spike", 2),
                ("a typical hour (for comparison)", "typical"))


def _read_choices(unit: str) -> tuple[tuple[str, object], ...]:
    return READ_CHOICES if unit == "hour" else (
        *READ_CHOICES[:3], (f"a typical {unit} (for comparison)", "typical"))


def listening_dashboard(tweets: pd.DataFrame | ListeningFrame | None = None) -> w.Box:
    """Airline, negative reason, dates, sentiment source and what the alert counts; the volume
    by hour with the spike rule's limit and flags; the tweets behind a spike, to read.

    ``tweets``: the airline tweets (default), or a :class:`ListeningFrame` of other messages
    (``listening_frame(...)``), named and counted as its words say; a control the data cannot
    fill (no second filter, no people's labels) is left out."""
    if isinstance(tweets, ListeningFrame):
        cube = ListeningCube.from_frame(tweets)
    else:
        tweets = load("airline_tweets") if tweets is None else tweets
        cube = ListeningCube(tweets)  # distinct tweets, VADER once, every count in one pass
    words = cube.words
    labels = _airline_labels(cube.handles)
    selections: dict[tuple, Selection] = {}

    airline = w.Dropdown(options=[(words.all_groups, ALL_AIRLINES), *[(labels[a], a) for a in cube.airlines]],
                         value=ALL_AIRLINES, description=words.group, style=_STYLE,
                         layout=w.Layout(width="330px"))
    reason = w.Dropdown(options=[(words.any_reason, ALL_TWEETS), *[(r, r) for r in cube.reasons]],
                        value=ALL_TWEETS, description=words.reason, style=_STYLE,
                        layout=w.Layout(width="360px"))
    day_options = [(f"{d:%a %b} {d.day}", d) for d in cube.days]
    start = w.Dropdown(options=day_options, value=cube.days[0], description="From", style=_STYLE,
                       layout=w.Layout(width="200px"))
    end = w.Dropdown(options=day_options, value=cube.days[-1], description="To", style=_STYLE,
                     layout=w.Layout(width="200px"))
    source = w.ToggleButtons(options=[(v, k) for k, v in SOURCES.items()],
                             value="human" if words.labelled_by else "vader",
                             description="Sentiment from", style={**_STYLE, "button_width": "130px"})
    alert = w.Dropdown(options=[(f"all {words.items}", "all"), (f"negative {words.items}", "negative")],
                       value="all", description="Spike rule counts", style=_STYLE,
                       layout=w.Layout(width="300px"))
    read = w.Dropdown(options=list(_read_choices(words.unit)), value=0,
                      description=f"Read the {words.items} of", style=_STYLE,
                      layout=w.Layout(width="380px"))

    def setting() -> tuple:
        return (airline.value, reason.value, start.value, end.value, source.value, alert.value)

    def current() -> Selection:
        key = setting()
        if key not in selections:
            a, r, lo, hi, src, al = key
            selections[key] = cube.select(a, r, lo, hi, src, al)
        return selections[key]

    first = current()
    figure = FigureView(volume_figure(first, labels.get(first.airline)))
    table = w.HTML()
    summary = w.HTML().add_class("course-widget-summary")

    def chosen_hour(sel: Selection) -> tuple[pd.Timestamp | None, str]:
        choice, name = read.value, read.label
        if choice == "typical":
            return typical_hour(sel.rule), name
        ranked = ranked_spikes(sel.rule)
        return (ranked.index[choice] if choice < len(ranked) else None), name

    def describe(sel: Selection, hour: pd.Timestamp | None, name: str) -> str:
        settings = (f"{html.escape(who(sel, labels.get(sel.airline)))}, from "
                    f"{sel.start:%b} {sel.start.day} to {sel.end:%b} {sel.end.day}"
                    if sel.start is not None and sel.end is not None else "")
        if sel.problem:
            counts = f"all {words.items}" if sel.alert == "all" else f"negative {words.items}"
            return (f"<b>{html.escape(sel.problem)}</b> (Now: {settings}; sentiment from "
                    f"{SOURCES[sel.source]}; the spike rule counts {counts}; reading "
                    f"{html.escape(name)}.)")
        negative = sel.negative / sel.tweets
        agree = sel.agree / sel.tweets
        what = (f"all {words.items}" if sel.alert == "all"
                else f"negative {words.items} ({SOURCES[sel.source]})")
        flagged = sel.flagged
        story = ("so the other source would tell a different story" if agree < 0.8 else
                 "so the other source would tell much the same story")
        checked = (f"People and VADER give the same label to {_pct(agree)} of them, {story}. "
                   if words.labelled_by else
                   f"Nobody labelled these {words.items}: VADER's labels cannot be checked here. ")
        text = (f"<b>{settings}: {sel.tweets:,} {words.items}, {_pct(negative)} negative by "
                f"{SOURCES[sel.source]}.</b> {checked}")
        unit = words.unit
        if flagged.empty:
            text += f"The spike rule, counting {what}, flags no {unit} here. "
        else:
            top = flagged.iloc[0]
            text += (f"The spike rule, counting {what}, flags {len(flagged)} "
                     f"{unit}{'s' if len(flagged) > 1 else ''}; the largest, "
                     f"{period_label(flagged.index[0], unit)}, counted {int(top['count'])} against a "
                     f"limit of {top['limit']:.0f}. ")
        if hour is None:
            return text + f"<i>Reading {html.escape(name)}: there is none under this rule here.</i>"
        count = int(sel.by_sentiment.loc[hour].sum())
        neg = int(sel.by_sentiment.loc[hour, "negative"])
        text += (f"<i>Reading {html.escape(name)}, {period_label(hour, unit)}: {count} {words.items}, "
                 f"{_pct(neg / count if count else math.nan)} negative by {SOURCES[sel.source]}.</i>")
        fresh = cube.newcomers(hour, sel.airline, sel.reason)
        if fresh:
            parts = " and ".join(f"{n} are to {html.escape(labels.get(a, a))}" for a, n in fresh)
            text += (f" Careful: of these tweets, {parts}, which had no tweet in most of the 24 "
                     "hours before: the collection of those tweets may start here. A spike made by "
                     "the collection is not made by customers.")
        return text

    def update(_change: object = None) -> None:
        sel = current()
        with figure.batch_update():
            fill_volume(figure.figure, sel, labels.get(sel.airline))
        hour, name = chosen_hour(sel)
        if sel.problem or hour is None:
            rows, total = None, 0
        else:
            rows, total = cube.read(hour, sel.airline, sel.reason, READ_ROWS)
        table.value = tweets_table(rows, total, words) if rows is not None else \
            tweets_table(pd.DataFrame(), 0, words)
        summary.value = describe(sel, hour, name)

    for control in (airline, reason, start, end, source, alert, read):
        control.observe(update, names="value")
    update()
    filters = [airline, reason] if cube.reasons and words.reason else [airline]
    shown = [source] if words.labelled_by else []  # one source only: a toggle would change nothing
    return view_box("listening-dashboard", [w.HBox(filters), w.HBox([start, end, alert]), *shown,
                                            figure, w.HBox([read]), table, summary])
