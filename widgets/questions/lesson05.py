"""Lesson 05, listening at scale: five checked questions and one reflection on the real tweets.

Every question asks for the lesson's method on a slice the lesson did not compute: another
airline, another day, another reason. Expected answers are computed from the shipped data with
the course's models when a check runs.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..data import load
from ..models.listening import (
    HOURLY,
    MAD_SCALE,
    compare_labels,
    counts_over_time,
    distinct_tweets,
    local_times,
    periods_of,
    reason_shares,
    spikes,
    vader_labels,
    with_vader,
)

LESSON = "05"
#: q1: one airline on one day.
Q1_AIRLINE, Q1_DAY = "American", "2015-02-24"
#: q2: VADER against people for one airline.
Q2_AIRLINE = "US Airways"
#: q3: the spike rule on one airline's negative tweets (people's labels).
Q3_AIRLINE = "Southwest"
#: q4: one negative reason across the airlines.
Q4_REASON = "Late Flight"
#: q5: a VADER chart of one airline between two days.
Q5_AIRLINE, Q5_DAYS = "United", ("2015-02-23", "2015-02-24")


@cache
def _rows() -> pd.DataFrame:
    """Every row of the file, with VADER's labels (the 155 repeated ids twice)."""
    return with_vader(load("airline_tweets"))


@cache
def _tweets() -> pd.DataFrame:
    """One row per tweet, with VADER's labels."""
    return distinct_tweets(_rows())


def _days(frame: pd.DataFrame) -> pd.Series:
    return local_times(frame["tweet_created"]).dt.strftime("%Y-%m-%d")


def _close(a: object, b: float, rtol: float = 1e-3) -> bool:
    try:
        return math.isclose(float(a), float(b), rel_tol=rtol)
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------------------- q1: count each tweet once


def _q1_slice(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame["airline"] == Q1_AIRLINE) & (_days(frame) == Q1_DAY).to_numpy()]


def _q1(frame: pd.DataFrame | None = None, column: str = "airline_sentiment") -> int:
    part = _q1_slice(_tweets() if frame is None else frame)
    return int((part[column] == "negative").sum())


q1 = Question(
    LESSON, "q1", "american_negative",
    expected=lambda: _q1(),
    title=f"How many distinct tweets to {Q1_AIRLINE} on {Q1_DAY} did people label negative?",
    rtol=0, atol=0.5,
    hints=[
        f"Keep one row per tweet first: `distinct_tweets(tweets)`. Then keep the tweets whose "
        f"`airline` is \"{Q1_AIRLINE}\" and whose `tweet_created` falls on {Q1_DAY} (Pacific time, "
        "as published).",
        "`tweets['tweet_created'].dt.strftime('%Y-%m-%d') == '2015-02-24'` picks the day; people's "
        "label is the column `airline_sentiment`.",
        "Count the rows of that slice whose `airline_sentiment == 'negative'`: `(...).sum()`.",
    ],
    mistakes=[
        Mistake("That counts some tweets twice: on this day many American tweets appear twice in "
                "the file (same id, labelled twice). Keep one row per id with distinct_tweets first.",
                value=lambda: _q1(_rows())),
        Mistake("Those are the tweets VADER calls negative: the question asks about people's labels "
                "(`airline_sentiment`).", value=lambda: _q1(column="vader_sentiment")),
        Mistake("That is every distinct American tweet of the day: count only those people labelled "
                "negative.", value=lambda: len(_q1_slice(_tweets()))),
        Mistake("That is a share: the question asks how many tweets (a count).",
                test=lambda a: 0 < float(a) <= 1 or _close(a, 100 * _q1() / len(_q1_slice(_tweets())))),
    ],
)

# ----------------------------------------------------------------------------- q2: VADER's real error


def _q2_slice() -> pd.DataFrame:
    return _tweets()[_tweets()["airline"] == Q2_AIRLINE]


def _q2_f1(average: str = "macro", labels: tuple[str, ...] = ("negative", "neutral", "positive"),
           predicted: pd.Series | None = None, frame: pd.DataFrame | None = None) -> float:
    from sklearn.metrics import f1_score

    part = _q2_slice() if frame is None else frame
    pred = part["vader_sentiment"] if predicted is None else predicted
    return float(f1_score(part["airline_sentiment"].astype(str), pred.astype(str), labels=list(labels),
                          average=average, zero_division=0))


def _q2_zero_threshold() -> float:
    part = _q2_slice()
    return _q2_f1(predicted=vader_labels(part["vader_compound"], positive=1e-12, negative=-1e-12))


q2 = Question(
    LESSON, "q2", "usairways_macro_f1",
    expected=lambda: compare_labels(_q2_slice()["airline_sentiment"],
                                    _q2_slice()["vader_sentiment"]).macro_f1,
    title=f"VADER's macro-F1 against people's labels, on the tweets to {Q2_AIRLINE}",
    rtol=2e-3,
    hints=[
        f"Keep the distinct tweets to {Q2_AIRLINE}, score them with `with_vader`, and compare "
        "`vader_sentiment` with people's `airline_sentiment`.",
        "VADER's standard thresholds: compound >= 0.05 positive, <= -0.05 negative, neutral between "
        "(`with_vader` applies them). `sklearn.metrics.f1_score(truth, predicted, average=...)`.",
        "Macro-F1 is the plain mean of the three classes' F1: `average='macro'`. Give a fraction "
        "between 0 and 1.",
    ],
    mistakes=[
        Mistake("That is the accuracy (the share labelled the same), not macro-F1: use "
                "f1_score(..., average='macro').", value=lambda: compare_labels(
                    _q2_slice()["airline_sentiment"], _q2_slice()["vader_sentiment"]).accuracy),
        Mistake("That is the weighted F1, which counts each class by its size (mostly negative "
                "tweets): macro-F1 weighs the three classes equally: average='macro'.",
                value=lambda: _q2_f1("weighted")),
        Mistake("That is the F1 of the negative class only: macro-F1 averages all three classes.",
                value=lambda: _q2_f1("macro", ("negative",))),
        Mistake("Those labels use 0 as the threshold: VADER's standard thresholds are compound >= 0.05 "
                "positive and <= -0.05 negative.", value=_q2_zero_threshold),
        Mistake("That is VADER's macro-F1 on all six airlines: keep the tweets to US Airways only.",
                value=lambda: _q2_f1(frame=_tweets())),
        Mistake("That is a percentage: give macro-F1 as a fraction between 0 and 1.",
                value=lambda: 100 * _q2_f1()),
        Mistake("Close, but rounded too far: keep at least three decimals.",
                test=lambda a: round(float(a), 2) == float(a)
                and abs(float(a) - _q2_f1()) < 0.006),
    ],
)

# ------------------------------------------------------------------------- q3: the spike rule, transferred


def _q3_counts(label: str = "airline_sentiment") -> pd.Series:
    part = _tweets()[(_tweets()["airline"] == Q3_AIRLINE) & (_tweets()[label] == "negative")]
    return counts_over_time(part, freq="h", periods=periods_of(_tweets()))["count"]


def _q3(label: str = "airline_sentiment") -> int:
    return int(spikes(_q3_counts(label), HOURLY)["spike"].sum())


def _q3_all_tweets() -> int:
    part = _tweets()[_tweets()["airline"] == Q3_AIRLINE]
    counts = counts_over_time(part, freq="h", periods=periods_of(_tweets()))["count"]
    return int(spikes(counts, HOURLY)["spike"].sum())


def _q3_including_the_hour() -> int:
    """The rule with the current hour inside its own window (a common slip with rolling())."""
    c = _q3_counts()
    window = c.rolling(HOURLY.window)
    median = window.median()
    mad = window.apply(lambda z: np.median(np.abs(z - np.median(z))), raw=True)
    limit = median + HOURLY.threshold * np.maximum(MAD_SCALE * mad, 1)
    return int(((c > limit) & (c >= HOURLY.min_count)).sum())


q3 = Question(
    LESSON, "q3", "southwest_spike_hours",
    expected=lambda: _q3(),
    title=f"How many hours does the spike rule flag in the negative tweets to {Q3_AIRLINE}?",
    rtol=0, atol=0.5,
    hints=[
        f"Keep the distinct tweets to {Q3_AIRLINE} that people labelled negative. Count them per "
        "hour on the whole collection's hours: `counts_over_time(part, freq='h', "
        "periods=periods_of(tweets))`.",
        "Then apply the lesson's rule: `spikes(counts['count'], HOURLY)` gives one row per hour with "
        "a True/False column `spike`.",
        "Count the True values: `table['spike'].sum()`.",
    ],
    mistakes=[
        Mistake("That counts spikes in all tweets to Southwest: the question asks about the negative "
                "ones (people's labels).", value=_q3_all_tweets),
        Mistake("Those are VADER's negative tweets: use people's labels (`airline_sentiment`).",
                value=lambda: _q3("vader_sentiment")),
        Mistake("Your window includes the hour being judged: the baseline is the median of the 24 "
                "hours *before* it (shift by one hour, or use spikes()).", value=_q3_including_the_hour),
    ],
)

# ----------------------------------------------------------------------------- q4: counts against shares


def _q4_table() -> pd.DataFrame:
    return reason_shares(_tweets(), Q4_REASON)


def _q4_share_of_all_tweets() -> str:
    t = _tweets()
    hits = t[t["negativereason"] == Q4_REASON].groupby("airline", observed=True).size()
    return str((hits / t.groupby("airline", observed=True).size()).idxmax())


q4 = Question(
    LESSON, "q4", "late_flight_airline",
    expected=lambda: str(_q4_table()["share"].idxmax()),
    title=f"Whose complaints most often name '{Q4_REASON}'?",
    hints=[
        "Keep the distinct tweets people labelled negative (the complaints). For each airline, what "
        f"share of its complaints has `negativereason == '{Q4_REASON}'`?",
        "`negative.groupby('airline', observed=True)['negativereason'].apply(lambda r: (r == 'Late "
        "Flight').mean())`, or the course's `reason_shares(tweets, 'Late Flight')`.",
        "The answer is the airline with the largest share, as the `airline` column names it.",
    ],
    mistakes=[
        Mistake("That airline has the most Late Flight complaints, but it also has the most "
                "complaints of all: compare shares of each airline's complaints, not counts.",
                test=lambda a: isinstance(a, str)
                and a.strip().lower() == str(_q4_table()[Q4_REASON].idxmax()).lower()),
        Mistake("That is the largest share of all its tweets: divide by the airline's complaints "
                "(negative tweets), since only complaints have a reason.",
                test=lambda a: isinstance(a, str)
                and a.strip().lower() == _q4_share_of_all_tweets().lower()),
        Mistake("Right airline, but answer with the file's own label (the `airline` column): the "
                "tweets it files under Delta are addressed to @JetBlue.",
                test=lambda a: isinstance(a, str) and "jetblue" in a.lower()
                and str(_q4_table()["share"].idxmax()) == "Delta"),
    ],
)

# ------------------------------------------------------------------------- q5: what a VADER chart supports


def _q5_shares() -> dict[str, dict[str, float]]:
    t = _tweets()
    out = {}
    for day in Q5_DAYS:
        part = t[(t["airline"] == Q5_AIRLINE) & (_days(t) == day).to_numpy()]
        out[day] = {"tweets": len(part),
                    "vader": float((part["vader_sentiment"] == "positive").mean()),
                    "people": float((part["airline_sentiment"] == "positive").mean()),
                    "vader_count": int((part["vader_sentiment"] == "positive").sum())}
    return out


def _q5_reading() -> str:
    """"a" if people's labels confirm VADER's rise (by at least a point), else "b"."""
    s = _q5_shares()
    before, after = (s[d] for d in Q5_DAYS)
    rose = after["vader"] > before["vader"]
    confirmed = after["people"] - before["people"] >= 0.01
    return "a" if rose and confirmed else "b"


q5 = ChoiceQuestion(
    LESSON, "q5", "united_chart_reading",
    expected=_q5_reading,
    title="A VADER dashboard says tweets to United got more positive from Feb 23 to Feb 24: "
          "what does the data support?",
    choices={
        "a": "People's labels agree: a larger share of the tweets to United was positive on Feb 24.",
        "b": "People's labels do not show the rise: the 'improvement' is VADER's, not something the "
             "human-labelled tweets support.",
        "c": "The rise shows that United's passengers were happier on Feb 24.",
        "d": "More positive tweets were written to United on Feb 24 than on Feb 23.",
    },
    hints=[
        "Compute, for the distinct tweets to United on each day, the share VADER labels positive "
        "and the share people labelled positive.",
        "Also count the tweets on each day: is Feb 24 a full day in this collection?",
        "Compare the direction of the two shares from Feb 23 to Feb 24, then read the four options.",
    ],
    mistakes=[
        Mistake("Compute people's share of positive tweets on both days: it did not rise, so this "
                "reading is not supported.", test=lambda a: a == "a" and _q5_reading() != "a"),
        Mistake("Compute people's share of positive tweets on both days: it rose too, so VADER's "
                "rise is confirmed.", test=lambda a: a == "b" and _q5_reading() != "b"),
        Mistake("Tweets are not passengers: the people who write to an airline chose to, and a share "
                "of tweets cannot say how passengers felt, even when the labels agree.",
                test=lambda a: a == "c"),
        Mistake("Count them: Feb 24 in this file ends before noon, so it has far fewer tweets, and "
                "fewer positive ones. A share can rise while the count falls.", test=lambda a: a == "d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "kpi_reply",
    prompt="Your manager wants one number on the social team's dashboard: 'the share of positive "
    "mentions, by VADER, week by week'. Using what you measured, what would you tell them, and what "
    "would you put on the dashboard instead (or beside it)?",
)
