"""Lesson 06's widgets: triage ten real tweets by hand (play first), the queue on real tweets, and
the reply desk on the synthetic support threads.

Each takes its data as an argument (default: the course's datasets), so a later lesson or a
learner's own data can reuse it: the queue sizer also takes a
:class:`~widgets.models.answering.ReplyQueue` (lesson 08: the health department's questions, with
how many were answered and how fast). The analysis lives in :mod:`widgets.models.answering`; here are
only controls, caches and sentences built from what the models computed.
"""

from __future__ import annotations

import html
import math

import ipywidgets as w
import pandas as pd

from .. import progress
from ..data import load
from ..figures.answering import QUEUE_PHRASES, desk_figure, fill_desk, fill_queue, queue_figure
from ..models.answering import (
    ALL_AIRLINES,
    DEFAULT_RULE,
    EVERYONE,
    NOBODY,
    PLAY_FIRST_AIRLINE,
    PLAY_FIRST_HOUR,
    QUEUE_DEFAULT_RULE,
    RULES,
    SPEED_BANDS,
    TONES,
    TRIAGE_CHOICES,
    TRIAGE_GROUPS,
    DeskOutcome,
    QueueCube,
    QueueSelection,
    ReplyDesk,
    ReplyQueue,
    compare_triage,
    play_first_tweets,
    queue_by_hour,
)
from ..models.listening import (
    ALL_TWEETS,
    airline_handles,
    distinct_tweets,
    filter_tweets,
    hour_label,
    period_label,
    tweets_in_hour,
    wilson_interval,
)
from .base import view_box
from .figure import FigureView
from .listening import _airline_labels

__all__ = ["queue_sizer", "reply_desk", "triage_by_hand"]

LESSON = "06"
_STYLE = {"description_width": "initial"}
#: The triage choices in a tally ("3 now, 2 later today, ...").
_SHORT = {"now": "now", "later": "later today", "private": "privately", "none": "no reply"}


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def _usd(x: float, sign: bool = False) -> str:
    if x is None or math.isnan(x):
        return "n/a"
    text = f"${abs(x):,.2f}"
    return (("+" if x >= 0 else "-") + text) if sign else ("-" + text if x < 0 else text)


# ----------------------------------------------------------------------------- play first


def triage_by_hand(tweets: pd.DataFrame | None = None) -> w.Box:
    """Ten real tweets to United from one busy hour: decide for each whether to answer now, later,
    privately or not at all. When all ten are decided, the lesson's stated rule gives its verdicts,
    with people's labels, and the hour's whole queue. Nothing is graded; the first complete
    triage is kept in the progress file."""
    tweets = load("airline_tweets") if tweets is None else tweets
    table = play_first_tweets(tweets)
    everyone = distinct_tweets(tweets)
    hour = pd.Timestamp(PLAY_FIRST_HOUR)
    in_hour = tweets_in_hour(filter_tweets(everyone, PLAY_FIRST_AIRLINE), hour)
    hour_queue = queue_by_hour(in_hour, periods=pd.DatetimeIndex([hour])) if len(in_hour) else None
    hour_need = int(hour_queue["need"].iloc[0]) if hour_queue is not None else 0
    stored = progress.load_prediction(LESSON, "triage_by_hand")

    intro = w.HTML(
        f"<p>Ten of the {len(in_hour)} tweets that reached <b>{PLAY_FIRST_AIRLINE}</b> between "
        f"{hour:%H:%M} and {hour + pd.Timedelta(hours=1):%H:%M} on {hour:%A %d %B %Y} (Pacific time), "
        "as they arrived. <b>You are the social desk.</b> For each one, decide: answer now, answer "
        "later today, answer and move it to a private message, or no reply. The rule's verdicts "
        "appear when you have decided all ten.</p>")
    options = [("(decide)", ""), *[(label, key) for key, label in TRIAGE_CHOICES.items()]]
    rows, controls = [], {}
    for i, (tweet_id, r) in enumerate(table.iterrows(), start=1):
        control = w.Dropdown(options=options, value="", description=f"Tweet {i} ({r['time']})",
                             style=_STYLE, layout=w.Layout(width="440px"))
        controls[tweet_id] = control
        text = w.HTML(f"<div style='max-width:620px;padding:2px 0 8px 0'>{html.escape(r['text'])}</div>")
        rows.append(w.VBox([control, text]))
    summary = w.HTML().add_class("course-widget-summary")
    reveal = w.HTML()

    def choices() -> dict[str, str]:
        return {k: str(c.value) for k, c in controls.items() if c.value}

    def verdict_table(chosen: dict[str, str]) -> str:
        body = []
        for i, (tweet_id, r) in enumerate(table.iterrows(), start=1):
            you = TRIAGE_CHOICES.get(chosen.get(tweet_id, ""), "-")
            rule = f"needs an answer ({r['why']})" if r["needs"] else f"no ({r['why']})"
            people = r["people"] + (f": {r['reason']}" if r["reason"] else "")
            agree = (chosen.get(tweet_id) != "none") == bool(r["needs"])
            body.append(f"<tr><td>{i}</td><td>{html.escape(you)}</td><td>{html.escape(rule)}</td>"
                        f"<td>{html.escape(people)}</td><td>{'same' if agree else 'differ'}</td></tr>")
        return ("<table style='border-collapse:separate;border-spacing:10px 3px;font-size:13px'>"
                "<caption style='text-align:left'>Your triage against the lesson's rule and "
                "people's labels</caption><tr><th>tweet</th><th>you</th><th>the rule "
                f"('{html.escape(DEFAULT_RULE)}')</th><th>people's label</th><th>answer or not</th>"
                f"</tr>{''.join(body)}</table>")

    def update(_change: object = None) -> None:
        chosen = choices()
        counts = {k: sum(v == k for v in chosen.values()) for k in TRIAGE_CHOICES}
        tally = ", ".join(f"{n} {_SHORT[k]}" for k, n in counts.items())
        if len(chosen) < len(controls):
            kept = (" (Your first complete triage is kept in your progress file.)"
                    if stored.get("first") else "")
            summary.value = (f"<b>You have decided {len(chosen)} of {len(controls)} tweets</b>: "
                             f"{html.escape(tally)}. The rule's verdicts appear when all "
                             f"{len(controls)} are decided.{kept}")
            reveal.value = ""
            return
        c = compare_triage(chosen, table)
        record = ",".join(chosen[k] for k in table.index)
        progress.record_prediction(LESSON, "triage_by_hand", record)
        stored.setdefault("first", record)
        per_minute = 60 / hour_need if hour_need else math.nan
        summary.value = (
            f"<b>You would answer {c['answered']} of the {len(controls)} tweets ({html.escape(tally)}); "
            f"the rule says {c['rule']} needed an answer. You agree on {c['agree']} of "
            f"{len(controls)}.</b> You answer {c['you_only']} the rule would leave, and leave "
            f"{c['rule_only']} it would answer. Read where you differ: the rule reads only a "
            "question mark, a few words and people's labels. Over the whole hour, the rule counts "
            f"{hour_need} of the {len(in_hour)} tweets to {PLAY_FIRST_AIRLINE} as needing an answer: "
            "answering each within the hour means one reply every "
            f"{per_minute:.1f} minutes, all hour, from one person who reads as carefully as you did.")
        reveal.value = verdict_table(chosen)

    for control in controls.values():
        control.observe(update, names="value")
    update()
    return view_box("triage-by-hand", [intro, *rows, summary, reveal])


# ----------------------------------------------------------------------------- the queue on real tweets


def queue_sizer(tweets: pd.DataFrame | ReplyQueue | None = None) -> w.Box:
    """Airline, days and the rule for "needed an answer": the tweets that needed one, hour by
    hour, the busiest hour (the replies an hour a desk needs to answer each within the hour) and
    what the other rules would count.

    ``tweets`` may be a :class:`ReplyQueue` (``reply_queue(...)``): then every message asked for
    an answer, the rule chooses what to count (every one, those not answered within the hour,
    those never answered), and the sentence adds how many were answered and how fast."""
    if isinstance(tweets, ReplyQueue):
        cube, labels = QueueCube.from_queue(tweets), {}
    else:
        tweets = load("airline_tweets") if tweets is None else tweets
        cube = QueueCube(tweets)
        labels = _airline_labels(airline_handles(distinct_tweets(tweets))) if len(cube.airlines) else {}
    words = cube.words
    selections: dict[tuple, QueueSelection] = {}
    airline = w.Dropdown(options=[(words.all_groups, ALL_AIRLINES),
                                  *[(labels.get(a, a), a) for a in cube.airlines]],
                         value=ALL_AIRLINES, description=words.group, style=_STYLE,
                         layout=w.Layout(width="330px"))
    day_options = [(f"{d:%a %b} {d.day}", d) for d in cube.days] or [("(no days)", None)]
    start = w.Dropdown(options=day_options, value=day_options[0][1], description="From", style=_STYLE,
                       layout=w.Layout(width="200px"))
    end = w.Dropdown(options=day_options, value=day_options[-1][1], description="To", style=_STYLE,
                     layout=w.Layout(width="200px"))
    rule = w.Dropdown(options=[(f"{k}: {v}" if len(v) < 60 else k, k) for k, v in cube.rules.items()],
                      value=cube.default_rule,
                      description="Needed an answer =" if cube.rules == RULES else "Count",
                      style=_STYLE, layout=w.Layout(width="600px"))

    def current() -> QueueSelection:
        key = (airline.value, start.value, end.value, rule.value)
        if key not in selections:
            selections[key] = cube.select(*key[:3], rule=key[3])
        return selections[key]

    first = current()
    figure = FigureView(queue_figure(first, labels.get(first.airline)))
    summary = w.HTML().add_class("course-widget-summary")

    def describe(s: QueueSelection) -> str:
        if s.answered is not None:
            return _queue_sentence(s)
        who = "all airlines" if s.airline == ALL_AIRLINES else html.escape(labels.get(s.airline, s.airline))
        days = (f"from {s.start:%b} {s.start.day} to {s.end:%b} {s.end.day}"
                if s.start is not None and s.end is not None else "")
        if s.problem:
            return f"<b>{html.escape(s.problem)}</b> (Now: {who}, {days}; rule: {html.escape(s.rule)}.)"
        load_ = s.load
        others = "; ".join(f"{html.escape(r)}: {n:,}" for r, n in s.by_rule.items() if r != s.rule)
        low, high = min(s.by_rule.values()), max(s.by_rule.values())
        spread = (f"the broadest rule counts {high / low:.1f} times as many as the narrowest"
                  if low else "the narrowest rule counts none")
        behind = load_.peak - load_.median
        return (f"<b>{who}, {days}: {s.need:,} of {s.tweets:,} tweets needed an answer under the "
                f"rule '{html.escape(s.rule)}' ({_pct(s.need / s.tweets)}).</b> The busiest hour, "
                f"{hour_label(load_.peak_hour)}, brought {load_.peak}: answering each within the hour "
                f"takes {load_.peak} replies an hour at that peak, against {load_.median:.0f} in the "
                f"median hour and {load_.p90:.0f} in the 90th-percentile hour. A desk staffed for the "
                f"median hour falls {behind:.0f} replies behind in the peak one. Other rules count: "
                f"{others} (from {low:,} to {high:,}: {spread}). These are the tweets in this "
                "collection, not every tweet the airline received.")

    def update(_change: object = None) -> None:
        s = current()
        with figure.batch_update():
            fill_queue(figure.figure, s, labels.get(s.airline))
        summary.value = describe(s)

    for control in (airline, start, end, rule):
        control.observe(update, names="value")
    update()
    return view_box("queue-sizer", [w.HBox([airline, start, end]), rule, figure, summary])


def _minutes(x: float) -> str:
    """"52 minutes" or "20.0 hours" (over 3 hours), "n/a" for nan."""
    if x is None or math.isnan(x):
        return "n/a"
    return f"{x:.0f} minutes" if x < 180 else f"{x / 60:.1f} hours"


def _queue_sentence(s: QueueSelection) -> str:
    """What the queue sizer says about a reply queue's selection: what the rule counts, the busiest
    period against the median one, and how many were answered and how fast."""
    words = s.words
    unit = words.unit
    who = html.escape(words.who(s.airline, ALL_TWEETS))
    days = (f"from {s.start:%b} {s.start.day} to {s.end:%b} {s.end.day}"
            if s.start is not None and s.end is not None else "")
    if s.problem:
        return f"<b>{html.escape(s.problem)}</b> (Now: {who}, {days}; counting: {html.escape(s.rule)}.)"
    load_ = s.load
    phrase = QUEUE_PHRASES.get(s.rule, s.rule)
    low, high = wilson_interval(s.answered, s.tweets)
    others = "; ".join(f"{html.escape(r)}: {n:,}" for r, n in s.by_rule.items() if r != s.rule)
    answered = (f"Of the {s.tweets:,}, {s.answered:,} were answered ({_pct(s.answered / s.tweets)}; "
                f"95% interval {_pct(low)} to {_pct(high)})")
    waits = (f": half of them within {_minutes(s.wait_median)}, one in ten after more than "
             f"{_minutes(s.wait_p90)}." if s.answered else ": there is no time to an answer to describe.")
    busiest = (f"The busiest {unit}, {period_label(load_.peak_hour, unit)}, brought {load_.peak}, "
               f"against {load_.median:.0f} in the median {unit} and {load_.p90:.0f} in the "
               f"90th-percentile {unit}: a desk that clears each {unit}'s {words.items} within the "
               f"{unit} needs capacity for the peak, not the median." if s.rule == QUEUE_DEFAULT_RULE
               else f"The {unit} with the most of them, {period_label(load_.peak_hour, unit)}, had "
               f"{load_.peak}, against {load_.median:.0f} in the median {unit} and {load_.p90:.0f} in "
               f"the 90th-percentile {unit}.")
    return (f"<b>{who}, {days}: {s.need:,} of {s.tweets:,} {words.items} {phrase} "
            f"({_pct(s.need / s.tweets)}).</b> {busiest} {answered}{waits} The other counts: {others}.")


# ----------------------------------------------------------------------------- the reply desk


def _when(band: str) -> str:
    """"within 6 minutes", "in 6-20 minutes", "after 4 hours"."""
    return band if band.startswith(("within", "after")) else f"in {band}"


def _desk_sentence(desk: ReplyDesk, o: DeskOutcome) -> str:
    speed, tone = _when(SPEED_BANDS[o.speed][2]), o.tone
    first, none = desk.label(o.first), desk.label(o.none)
    setting = (f"Answer first: {html.escape(first)}, {speed}, {tone}; no answer for: "
               f"{html.escape(none)}")
    base = o.baselines.get("no replies", {})
    if o.problem:
        extra = ""
        if base:
            extra = (" With no replies, the data shows later spend of "
                     f"{_usd(base['later_spend_usd'].value)} per customer, sentiment moving "
                     f"{base['sentiment_change'].value:+.2f} and "
                     f"{_pct(base['resolved'].value)} of problems solved anyway.")
        return f"<b>{html.escape(o.problem)}</b>{extra} (Now: {setting}.)"
    e, g = o.estimates, o.gains
    brand = o.baselines["as the brand did"]
    left = o.unanswered_by[o.unanswered_by > 0].sort_values(ascending=False)
    if o.unanswered:
        parts = ", ".join(f"{n:,} {k.replace('_', ' ')}" for k, n in left.head(3).items())
        more = f" and {len(left) - 3} other issue types" if len(left) > 3 else ""
        unanswered = f"leaves {o.unanswered:,} unanswered ({parts}{more})"
    else:
        unanswered = "leaves nobody unanswered"
    later = (f"{o.later:,} after 4 hours" if o.later else "nobody after 4 hours")
    spend, gain = e["later_spend_usd"], g["later_spend_usd"]
    versus = spend.value - brand["later_spend_usd"].value
    thin = (f" The fast lane's estimate rests on {o.behind['fast']} threads: its interval is wide."
            if o.fast and o.behind["fast"] < 100 else "")
    note = f" {html.escape(o.note)}" if o.note else ""
    return (
        f"<b>Your desk answers {o.fast:,} of {o.threads:,} threads {speed} with a {tone} reply, "
        f"{later}, and {unanswered}.</b>{note} What the data supports, per customer: later spend "
        f"{_usd(spend.value)} over 90 days (95% interval {_usd(spend.low)} to {_usd(spend.high)}), "
        f"{_usd(gain.value, True)} over answering nobody ({_usd(gain.low, True)} to "
        f"{_usd(gain.high, True)}) and {_usd(versus, True)} against what the brand actually did "
        f"({_usd(brand['later_spend_usd'].value)}); sentiment moves "
        f"{e['sentiment_change'].value:+.2f} (no reply: {base['sentiment_change'].value:+.2f}); "
        f"{_pct(e['resolved'].value)} of problems solved (no reply: {_pct(base['resolved'].value)}). "
        f"Behind these numbers: {o.behind['fast']:,} threads the data saw answered {speed} with a "
        f"{tone} reply, {o.behind['later']:,} answered after 4 hours ({tone}), {o.behind['none']:,} "
        f"never answered.{thin} The estimate counts a reply at a given speed as worth the same to "
        "every issue, platform and mood, as the generator made it (synthetic threads: the reply "
        f"effect is built in). (Now: {setting}.)")


def reply_desk(threads: pd.DataFrame | None = None) -> w.Box:
    """Reply speed, tone and a triage rule (who is answered first, who gets no answer) for the
    queue of support threads; the later spend, sentiment change and share resolved the data
    supports for that desk, each with a 95% bootstrap interval and the n behind it, beside no
    replies and what the brand did; and what went unanswered."""
    threads = load("support_threads") if threads is None else threads
    desk = ReplyDesk(threads)
    speed = w.Dropdown(options=[(name, i) for i, (_lo, _hi, name) in enumerate(SPEED_BANDS)], value=0,
                       description="Reply speed (answer first)", style=_STYLE,
                       layout=w.Layout(width="380px"))
    tone = w.ToggleButtons(options=[(t, t) for t in TONES], value="personal", description="Tone",
                           style={**_STYLE, "button_width": "110px"})
    first = w.Dropdown(options=[(desk.label(k), k) for k in TRIAGE_GROUPS if k != NOBODY] + [
        ("nobody (no fast lane)", NOBODY)], value=EVERYONE, description="Answer first",
        style=_STYLE, layout=w.Layout(width="520px"))
    none = w.Dropdown(options=[("nobody", NOBODY)] + [(desk.label(k), k) for k in TRIAGE_GROUPS
                                                      if k not in (EVERYONE, NOBODY)] + [
        ("everyone", EVERYONE)], value=NOBODY, description="No answer for", style=_STYLE,
        layout=w.Layout(width="520px"))

    def current() -> DeskOutcome:
        return desk.outcome(int(speed.value), str(tone.value), str(first.value), str(none.value))

    figure = FigureView(desk_figure(current()))
    summary = w.HTML().add_class("course-widget-summary")

    def update(_change: object = None) -> None:
        o = current()
        with figure.batch_update():
            fill_desk(figure.figure, o)
        summary.value = _desk_sentence(desk, o)

    for control in (speed, tone, first, none):
        control.observe(update, names="value")
    update()
    return view_box("reply-desk", [w.HBox([speed, tone]), first, none, figure, summary])
