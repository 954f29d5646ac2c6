"""Lesson 05, listening at scale: what people say to a brand, counted honestly, and a tool's real error.

Pure functions over the REAL airline tweets (``load("airline_tweets")``: 14,640 tweets to six US
airlines, 16-24 February 2015, each labelled by people) and, for the synthetic crisis, over the
course brand's mentions (``load("mentions")``). Nothing here assumes one airline, one period or the
shipped file's size: lesson 06 reuses these functions to size a reply queue.

* :func:`distinct_tweets`, :func:`repeated_ids`: the published file repeats 155 ids; count each
  tweet once.
* :func:`vader_compound`, :func:`with_vader`, :func:`vader_labels`: VADER's scores, each distinct
  text scored once per process and remembered (never again on a slider move).
* :func:`compare_labels`: a tool's labels against people's: confusion matrix, macro-F1, accuracy
  (``sklearn.metrics``).
* :func:`best_thresholds`: the tool's best case, thresholds tuned to people's labels (tune on one
  part of the data, measure on another).
* :func:`filter_tweets`, :func:`counts_over_time`, :func:`spikes`: volume and the spike rule;
  :func:`alert_summary`: how early a rule flags a peak and how many flags fall elsewhere.
* :func:`mask_personal`: tweets as the course shows them, other people's @handles, e-mail
  addresses and phone numbers masked (the course's airline file is already redacted; this masks
  any other export the same way).
* :class:`ListeningCube`: everything the listening dashboard shows, counted once, then sliced;
  :func:`listening_frame`: another organisation's messages (lesson 08: the health department's
  questions) mapped onto the dashboard's columns, with the words it names them by
  (:class:`Vocabulary`) and the period it counts them in.
* :func:`negative_share`, :func:`reason_shares`, :func:`reason_table`: what people complain about,
  with n and a 95% interval; :func:`difference_interval`: the interval of a difference of shares.
* :func:`explain_hour`: the evidence in one hour's tweets for what happened.

Empty selections never raise: counts are 0, shares ``nan``. Names that do not exist (an airline
or reason the data does not have, a missing column) raise :class:`ListeningError`, a ValueError
whose message is one plain sentence (Jupyter shows it without a traceback).
"""

from __future__ import annotations

import html
import math
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data import AIRLINES, NEGATIVE_REASONS, SENTIMENTS
from . import ModelError

__all__ = [
    "AIRLINES", "ALL_AIRLINES", "ALL_TWEETS", "DAILY", "EXPLANATIONS", "HOURLY", "MAD_SCALE",
    "NEGATIVE_REASONS", "PUBLISHED_VADER_F1", "SENTIMENTS", "SOURCES", "TIME_ZONE",
    "VADER_NEGATIVE", "VADER_POSITIVE", "Agreement", "HourEvidence", "ListeningCube",
    "ListeningError", "MASKS", "PLAY_FIRST_AIRLINE", "PLAY_FIRST_DAY", "Selection",
    "SpikeRule", "AlertSummary", "Thresholds", "TWEETS", "ListeningFrame", "Vocabulary",
    "addressed_to", "airline_handles", "alert_summary", "best_thresholds", "compare_labels",
    "containing", "counts_over_time", "difference_interval",
    "day_profile", "distinct_tweets", "explain_hour", "filter_tweets", "first_alert", "full_days",
    "hour_label", "listening_frame", "local_times", "main_handle", "mask_personal", "negative_share",
    "period_label", "periods_of",
    "phrase_table",
    "ranked_spikes",
    "reason_shares", "reason_table", "repeated_ids", "spikes", "strip_handles", "tweets_in_hour",
    "typical_hour", "vader_cache_size", "vader_compound", "vader_labels", "vader_lexicon_value",
    "vader_seconds",
    "wilson_interval", "with_vader",
]

#: The dashboard's "no filter" values.
ALL_AIRLINES = "all airlines"
ALL_TWEETS = "all tweets"
#: Where a sentiment label comes from: the people who labelled the tweets, or VADER.
SOURCES: dict[str, str] = {"human": "people's labels", "vader": "VADER"}
#: VADER's standard thresholds on its compound score (Hutto & Gilbert, 2014).
VADER_POSITIVE, VADER_NEGATIVE = 0.05, -0.05
#: What VADER's authors report on their own tweets (F1; their classes and ground truth are theirs):
#: Hutto & Gilbert (2014).
PUBLISHED_VADER_F1 = 0.96
#: The published timestamps' offset: Pacific standard time.
TIME_ZONE = "Pacific time, UTC-8"
#: A median absolute deviation times this estimates a standard deviation for normal data.
MAD_SCALE = 1.4826

_HANDLE = re.compile(r"@\w+")
_URL = re.compile(r"https?://\S+")


class ListeningError(ModelError):
    """A selection that cannot be made (an unknown airline, reason or column): one plain sentence."""


def _require(frame: pd.DataFrame, columns: Iterable[str], hint: str = "") -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns[:12]))
        raise ListeningError(f"the data has no column {missing[0]!r}{hint} (its columns: {have}).")


# ----------------------------------------------------------------------------- one row per tweet


def distinct_tweets(tweets: pd.DataFrame, id_column: str = "tweet_id") -> pd.DataFrame:
    """One row per tweet: the published file lists 155 ids twice (labelled twice); keep the first.

    Counting rows would count those tweets twice. The published counts (14,640 rows) are of rows;
    there are 14,485 distinct tweets.
    """
    _require(tweets, [id_column])
    return tweets[~tweets[id_column].duplicated(keep="first")]


def repeated_ids(tweets: pd.DataFrame, id_column: str = "tweet_id") -> pd.Series:
    """How many times each repeated id appears (ids that appear once are left out)."""
    _require(tweets, [id_column])
    counts = tweets[id_column].value_counts()
    return counts[counts > 1].rename("rows")


# ----------------------------------------------------------------------------- VADER, scored once

_VADER_CACHE: dict[str, float] = {}
_VADER_SECONDS = [0.0]  # time spent scoring, in this process
_ANALYSER: Any = None


def _analyser() -> Any:
    global _ANALYSER
    if _ANALYSER is None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        _ANALYSER = SentimentIntensityAnalyzer()
    return _ANALYSER


def vader_cache_size() -> int:
    """How many distinct texts VADER has scored in this process (each is scored only once)."""
    return len(_VADER_CACHE)


def vader_seconds() -> float:
    """How many seconds VADER has spent scoring texts in this process (lookups not counted)."""
    return _VADER_SECONDS[0]


def vader_compound(texts: Iterable[str]) -> pd.Series:
    """VADER's compound score, from -1 (most negative) to +1, of each text.

    Each *distinct* text is scored once per process and remembered: scoring the same tweets again
    (another cell, another slider move, 100 stacked copies of the file) only looks them up. A
    missing text gives ``nan``. VADER reads English only.
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    todo = [u for u in uniques if u not in _VADER_CACHE]
    if todo:
        started = time.perf_counter()
        score = _analyser().polarity_scores
        for text in todo:
            _VADER_CACHE[text] = float(score(str(text))["compound"])
        _VADER_SECONDS[0] += time.perf_counter() - started
    values = np.array([_VADER_CACHE[u] for u in uniques] + [np.nan], dtype=float)
    return pd.Series(values[codes], index=s.index, name="vader_compound")


def vader_labels(compound: Iterable[float], positive: float = VADER_POSITIVE,
                 negative: float = VADER_NEGATIVE) -> pd.Series:
    """negative / neutral / positive from compound scores, by VADER's standard thresholds.

    compound >= ``positive`` (0.05) is positive, <= ``negative`` (-0.05) negative, else neutral.
    Returns an ordered categorical (negative < neutral < positive), like the human labels.
    """
    c = compound if isinstance(compound, pd.Series) else pd.Series(list(compound), dtype=float)
    values = c.to_numpy(dtype=float)
    codes = np.where(values >= positive, 2, np.where(values <= negative, 0, 1))
    codes = np.where(np.isnan(values), -1, codes)
    cat = pd.Categorical.from_codes(codes, categories=list(SENTIMENTS), ordered=True)
    return pd.Series(cat, index=c.index, name="vader_sentiment")


def with_vader(tweets: pd.DataFrame, text_column: str = "text", clean: bool = False) -> pd.DataFrame:
    """A copy of ``tweets`` with ``vader_compound`` and ``vader_sentiment`` columns added.

    ``clean=True`` scores the text without @handles and links (:func:`strip_handles`): VADER's best
    case, since a handle such as "@united" is otherwise read as a word.
    """
    _require(tweets, [text_column])
    texts = strip_handles(tweets[text_column]) if clean else tweets[text_column]
    out = tweets.copy()
    out["vader_compound"] = vader_compound(texts).to_numpy()
    out["vader_sentiment"] = vader_labels(out["vader_compound"]).to_numpy()
    return out


def strip_handles(texts: Iterable[str]) -> pd.Series:
    """The texts without @handles and web links (and the spaces they leave)."""
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    out = s.astype(str).str.replace(_HANDLE, " ", regex=True).str.replace(_URL, " ", regex=True)
    return out.str.split().str.join(" ")


def vader_lexicon_value(word: str) -> float | None:
    """The score VADER's lexicon gives ``word`` (about -4 to +4), or None if it is not a word VADER
    knows. VADER lower-cases words and strips a leading "@" or "#": "@united" is read as "united"."""
    return _analyser().lexicon.get(str(word).lower())


# ----------------------------------------------------------------------------- people against a tool


@dataclass(frozen=True)
class Agreement:
    """How a tool's labels compare with people's on the same tweets."""

    n: int
    confusion: pd.DataFrame  # rows: people's label, columns: the tool's label; counts
    macro_f1: float  # the mean of the three classes' F1 (each class counts the same)
    accuracy: float  # the share of tweets labelled the same
    per_class: pd.DataFrame  # precision, recall, f1, support (people's count) per class

    @property
    def share_of_truth_found(self) -> pd.Series:
        """Recall per class: the share of people's label that the tool also gave."""
        return self.per_class["recall"]


def compare_labels(truth: Iterable[object], predicted: Iterable[object],
                   labels: Sequence[str] = SENTIMENTS) -> Agreement:
    """Compare predicted labels with the true (people's) labels, pair by pair.

    Uses ``sklearn.metrics``: ``confusion_matrix``, ``f1_score(average="macro")`` (classes with no
    prediction count as F1 0), ``accuracy_score`` and ``precision_recall_fscore_support``.
    Pairs with a missing label are left out. No pair left raises :class:`ListeningError`.
    """
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        f1_score,
        precision_recall_fscore_support,
    )

    t = pd.Series(list(truth) if not isinstance(truth, pd.Series) else truth.to_numpy(), dtype=object)
    p = pd.Series(list(predicted) if not isinstance(predicted, pd.Series) else predicted.to_numpy(),
                  dtype=object)
    if len(t) != len(p):
        raise ListeningError(f"the two label lists differ in length ({len(t)} and {len(p)}).")
    keep = t.notna().to_numpy() & p.notna().to_numpy()
    t, p = t[keep].astype(str), p[keep].astype(str)
    if len(t) == 0:
        raise ListeningError("there are no labelled tweets to compare: the selection is empty.")
    labels = list(labels)
    # integer codes (labels first, then any other value) make sklearn's work a few bincounts
    extra = sorted((set(pd.unique(t)) | set(pd.unique(p))) - set(labels))
    order = {name: i for i, name in enumerate(labels + extra)}
    tc, pc = t.map(order).to_numpy(dtype=np.int64), p.map(order).to_numpy(dtype=np.int64)
    codes = list(range(len(labels)))
    matrix = confusion_matrix(tc, pc, labels=codes)
    precision, recall, f1, support = precision_recall_fscore_support(
        tc, pc, labels=codes, zero_division=0)
    return Agreement(
        n=int(len(t)),
        confusion=pd.DataFrame(matrix, index=pd.Index(labels, name="people"),
                               columns=pd.Index(labels, name="tool")),
        macro_f1=float(f1_score(tc, pc, labels=codes, average="macro", zero_division=0)),
        accuracy=float(accuracy_score(tc, pc)),
        per_class=pd.DataFrame({"precision": precision, "recall": recall, "f1": f1,
                                "support": support}, index=pd.Index(labels, name="class")),
    )


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs on a compound score: ``>= positive`` positive, ``<= negative`` negative, else
    neutral; ``macro_f1`` is what they reach on the labels they were tuned on."""

    negative: float
    positive: float
    macro_f1: float


def best_thresholds(truth: Iterable[object], compound: Iterable[float],
                    steps: Sequence[float] | None = None) -> Thresholds:
    """The pair of cut-offs (negative < positive, both from ``steps``; default -0.95 to 0.95 by
    0.05) whose labels reach the highest macro-F1 against ``truth`` (people's labels).

    This is the tool's best case *on the data it was tuned on*: an optimistic number. Tune on one
    part of the tweets and measure the cut-offs on another (see :func:`compare_labels` and
    :func:`vader_labels`). Pairs with a missing label or score are left out.
    """
    t = pd.Series(list(truth) if not isinstance(truth, pd.Series) else truth.to_numpy(), dtype=object)
    c = pd.Series(list(compound) if not isinstance(compound, pd.Series) else compound.to_numpy(),
                  dtype=float)
    if len(t) != len(c):
        raise ListeningError(f"the labels and the scores differ in length ({len(t)} and {len(c)}).")
    order = {name: i for i, name in enumerate(SENTIMENTS)}
    codes = t.astype(str).map(order).to_numpy(dtype=float)
    keep = t.notna().to_numpy() & ~np.isnan(codes) & c.notna().to_numpy()
    truth_codes, scores = codes[keep].astype(np.int64), c.to_numpy()[keep]
    if len(scores) == 0:
        raise ListeningError("there are no labelled tweets to tune on: the selection is empty.")
    grid = np.round(np.arange(-0.95, 0.951, 0.05), 2) if steps is None else np.asarray(steps, float)
    support = np.bincount(truth_codes, minlength=3)
    best = Thresholds(math.nan, math.nan, -1.0)
    for negative in grid:
        for positive in grid[grid > negative]:
            predicted = np.where(scores >= positive, 2, np.where(scores <= negative, 0, 1))
            hits = np.bincount(truth_codes[predicted == truth_codes], minlength=3)
            said = np.bincount(predicted, minlength=3)
            with np.errstate(all="ignore"):
                f1 = np.where(support + said > 0, 2 * hits / (support + said), 0.0)
            score = float(f1.mean())
            if score > best.macro_f1 + 1e-12:
                best = Thresholds(float(negative), float(positive), score)
    return best


def containing(tweets: pd.DataFrame, pattern: str, text_column: str = "text",
               case: bool = False) -> pd.DataFrame:
    """The tweets whose text matches the regular expression ``pattern`` (case-insensitive)."""
    _require(tweets, [text_column])
    return tweets[tweets[text_column].str.contains(pattern, case=case, regex=True, na=False)]


def phrase_table(tweets: pd.DataFrame, phrases: dict[str, str], truth: str = "airline_sentiment",
                 predicted: str = "vader_sentiment") -> pd.DataFrame:
    """For each named regex: how many tweets match, how many people called negative, and how many
    of those the tool called positive. ``tweets`` needs both label columns (see :func:`with_vader`)."""
    _require(tweets, [truth, predicted], ": add VADER's labels first with with_vader(tweets)")
    rows = []
    for name, pattern in phrases.items():
        hit = containing(tweets, pattern)
        negative = hit[hit[truth] == "negative"]
        rows.append({"phrase": name, "tweets": len(hit), "people: negative": len(negative),
                     "of which tool: positive": int((negative[predicted] == "positive").sum())})
    return pd.DataFrame(rows).set_index("phrase")


# ----------------------------------------------------------------------------- selecting tweets


def _day(value: object) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        t = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ListeningError(f"{value!r} is not a date (write it like '2015-02-22').") from None
    return t.tz_localize(None).normalize() if t.tzinfo is not None else t.normalize()


def local_times(times: pd.Series) -> pd.Series:
    """Wall-clock times in the data's own offset, without the offset (for hours and days)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_localize(None)
    return times


def filter_tweets(tweets: pd.DataFrame, airline: str = ALL_AIRLINES, reason: str = ALL_TWEETS,
                  start: object = None, end: object = None,
                  time_column: str = "tweet_created") -> pd.DataFrame:
    """The tweets to one airline (or all), with one negative reason (or any), from ``start`` to
    ``end`` (whole days, both included, in the data's own time zone).

    A range with nothing in it (``start`` after ``end``, or days without tweets) gives an empty
    frame. An airline or reason the data does not have raises :class:`ListeningError` naming the
    ones it has.
    """
    _require(tweets, [time_column])
    mask = np.ones(len(tweets), dtype=bool)
    if airline not in (None, ALL_AIRLINES):
        _require(tweets, ["airline"])
        known = _categories(tweets["airline"])
        if airline not in known:
            raise ListeningError(f"there is no airline {airline!r} in the data; choose one of: "
                                 f"{', '.join(known)} (or {ALL_AIRLINES!r}).")
        mask &= (tweets["airline"] == airline).to_numpy()
    if reason not in (None, ALL_TWEETS):
        _require(tweets, ["negativereason"])
        known = _categories(tweets["negativereason"])
        if reason not in known:
            raise ListeningError(f"there is no negative reason {reason!r} in the data; choose one "
                                 f"of: {', '.join(known)} (or {ALL_TWEETS!r}).")
        mask &= (tweets["negativereason"] == reason).fillna(False).to_numpy(dtype=bool)
    lo, hi = _day(start), _day(end)
    if lo is not None or hi is not None:
        days = local_times(tweets[time_column]).dt.normalize()
        if lo is not None:
            mask &= (days >= lo).to_numpy()
        if hi is not None:
            mask &= (days <= hi).to_numpy()
    return tweets[mask]


def _categories(s: pd.Series) -> list[str]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [str(c) for c in s.cat.categories]
    return sorted(map(str, s.dropna().unique()))


def periods_of(frame: pd.DataFrame, time_column: str = "tweet_created", freq: str = "h"
               ) -> pd.DatetimeIndex:
    """Every period (``freq``: "h" or "D") from the first to the last one that has a row: the grid
    to count a *subset* on, so that its counts line up with the whole collection's."""
    _require(frame, [time_column])
    times = local_times(frame[time_column]).dt.floor(freq)
    if times.empty:
        return pd.DatetimeIndex([], name="period")
    return pd.date_range(times.min(), times.max(), freq=freq, name="period")


def counts_over_time(frame: pd.DataFrame, time_column: str = "tweet_created", freq: str = "h",
                     by: str | None = None, start: object = None, end: object = None,
                     periods: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """How many rows fall in each period (``freq``: "h" hours, "D" days), zeros included.

    The periods run from ``start`` to ``end`` (whole days; default: the frame's own first and last
    period), or are exactly ``periods`` (e.g. ``periods_of(all_tweets)``, so that a subset is
    counted on the whole collection's hours), in the data's own time zone, shown without the
    offset. With ``by`` (a column such as ``"airline_sentiment"``), one column per category; else
    one column, ``"count"``.
    """
    _require(frame, [time_column] + ([by] if by else []))
    times = local_times(frame[time_column]).dt.floor(freq)
    lo, hi = _day(start), _day(end)
    first = lo if lo is not None else (times.min() if len(times) else None)
    last = (hi + pd.Timedelta(days=1) - pd.Timedelta(1, unit=freq)) if hi is not None else (
        times.max() if len(times) else None)
    if periods is not None:
        index = pd.DatetimeIndex(periods, name="period")
    elif first is None or last is None or first > last:
        index = pd.DatetimeIndex([], name="period")
    else:
        index = pd.date_range(first, last, freq=freq, name="period")
    if by is None:
        counts = times.value_counts().reindex(index, fill_value=0)
        return pd.DataFrame({"count": counts.to_numpy(dtype=int)}, index=index)
    table = pd.crosstab(times, frame[by]).reindex(index, fill_value=0)
    cats = _categories(frame[by])
    table = table.reindex(columns=cats, fill_value=0)
    table.columns = pd.Index([str(c) for c in table.columns], name=by)
    return table.astype(int)


# ----------------------------------------------------------------------------- the spike rule


@dataclass(frozen=True)
class SpikeRule:
    """When is a period's count a spike? A stated rule, the same everywhere in the course.

    A period is a spike when its count is above ``baseline + threshold * spread`` and at least
    ``min_count``, where the baseline is the median of the ``window`` periods before it (not the
    period itself: what a live dashboard could know) and the spread is ``MAD_SCALE`` (1.4826)
    times their median absolute deviation, but at least 1. A period with fewer than
    ``min_history`` earlier periods (default: the whole window) has no baseline and is never a
    spike: with hours, a baseline needs a whole day, or the quiet night hours would make every
    morning look like a spike.
    """

    window: int = 24
    threshold: float = 3.0
    min_count: int = 5
    min_history: int | None = None
    unit: str = "hour"

    def describe(self) -> str:
        return (f"an {self.unit} is a spike when its count is above the median of the previous "
                f"{self.window} {self.unit}s by more than {self.threshold:g} times their spread "
                f"({MAD_SCALE} x the median absolute deviation, at least 1), and is at least "
                f"{self.min_count}").replace("an day", "a day")


#: Hours: 8 days of data give 180-odd hours, enough to judge each against the day before it.
HOURLY = SpikeRule(window=24, threshold=3.0, min_count=5, unit="hour")
#: Days: two years of daily mentions, each judged against the four weeks before it.
DAILY = SpikeRule(window=28, threshold=3.0, min_count=5, unit="day")


def spikes(counts: pd.Series | pd.DataFrame, rule: SpikeRule = HOURLY) -> pd.DataFrame:
    """Apply ``rule`` to a regular series of counts (zeros included; see :func:`counts_over_time`).

    Returns, per period: ``count``, ``history`` (earlier periods in the window), ``baseline``
    (their median), ``spread`` (1.4826 x MAD, at least 1), ``limit`` (baseline + threshold x
    spread), ``excess`` (count - limit) and ``spike`` (True or False).
    """
    if isinstance(counts, pd.DataFrame):
        if counts.shape[1] != 1:
            raise ListeningError("give spikes() one column of counts (e.g. table['count']).")
        counts = counts.iloc[:, 0]
    x = counts.to_numpy(dtype=float)
    n, w = len(x), int(rule.window)
    if w < 1:
        raise ListeningError("the spike rule's window must be at least 1 period.")
    min_history = rule.min_history if rule.min_history is not None else w
    if n == 0:
        baseline = spread = np.array([], dtype=float)
        history = np.array([], dtype=int)
    else:
        padded = np.concatenate([np.full(w, np.nan), x])
        windows = np.lib.stride_tricks.sliding_window_view(padded, w)[:n]  # row i: x[i-w:i]
        history = (~np.isnan(windows)).sum(axis=1)
        with np.errstate(all="ignore"), _quiet():
            baseline = np.nanmedian(windows, axis=1)
            mad = np.nanmedian(np.abs(windows - baseline[:, None]), axis=1)
        baseline = np.where(history >= min_history, baseline, np.nan)
        spread = np.maximum(MAD_SCALE * mad, 1.0)
        spread = np.where(np.isnan(baseline), np.nan, spread)
    limit = baseline + rule.threshold * spread
    with np.errstate(invalid="ignore"):
        flagged = (x > limit) & (x >= rule.min_count) & ~np.isnan(limit)
    return pd.DataFrame({"count": x.astype(int) if n else x, "history": history,
                         "baseline": baseline, "spread": spread, "limit": limit,
                         "excess": x - limit, "spike": flagged}, index=counts.index)


class _quiet:
    """Silence numpy's "All-NaN slice" warning (a window with no history has no median)."""

    def __enter__(self) -> None:
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


def ranked_spikes(table: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The flagged periods of a :func:`spikes` table, largest excess over the limit first."""
    flagged = table[table["spike"]]
    ranked = flagged.sort_values(["excess", "count"], ascending=False, kind="stable")
    return ranked if n is None else ranked.head(n)


def typical_hour(table: pd.DataFrame) -> pd.Timestamp | None:
    """A period to compare a spike with: the one whose count is the (lower) median of the periods
    that have any tweets (the earliest, on a tie); None if no period has any."""
    busy = table[table["count"] > 0]
    if busy.empty:
        return None
    counts = np.sort(busy["count"].to_numpy())
    median = counts[(len(counts) - 1) // 2]
    return busy.index[busy["count"].to_numpy() == median][0]


def first_alert(table: pd.DataFrame, after: object = None) -> pd.Timestamp | None:
    """The first flagged period (on or after ``after``), or None."""
    flagged = table.index[table["spike"].to_numpy()]
    if after is not None:
        flagged = flagged[flagged >= pd.Timestamp(after)]
    return flagged[0] if len(flagged) else None


@dataclass(frozen=True)
class AlertSummary:
    """How a spike rule did on one peak: see :func:`alert_summary`."""

    peak: pd.Timestamp
    peak_count: int
    first: pd.Timestamp | None  # the first flag in the ``before`` periods up to the peak
    lead: int | None  # periods from ``first`` to the peak (0: flagged on the peak only)
    elsewhere: int  # flagged periods outside ``first`` (or the peak) .. peak + ``after``


def alert_summary(table: pd.DataFrame, before: int = 30, after: int = 14) -> AlertSummary:
    """For a :func:`spikes` table: its busiest period (the peak), the first flag in the ``before``
    periods up to it, how many periods ahead of the peak that flag came, and how many flags fall
    outside the episode (from that first flag, or the peak, to ``after`` periods past the peak):
    the false alarms, if the peak is the only event."""
    if table.empty:
        raise ListeningError("there are no periods to look at: the selection is empty.")
    peak = table["count"].idxmax()
    step = table.index[1] - table.index[0] if len(table) > 1 else pd.Timedelta(days=1)
    first = first_alert(table, after=peak - before * step)
    if first is not None and first > peak:
        first = None
    start = first if first is not None else peak
    inside = (table.index >= start) & (table.index <= peak + after * step)
    return AlertSummary(peak=peak, peak_count=int(table.loc[peak, "count"]), first=first,
                        lead=None if first is None else int((peak - first) // step),
                        elsewhere=int(table.loc[~inside, "spike"].sum()))


def hour_label(hour: pd.Timestamp, with_day: bool = True) -> str:
    """E.g. "Sun Feb 22, 14:00" (or "14:00")."""
    return f"{hour:%a %b} {hour.day}, {hour:%H:%M}" if with_day else f"{hour:%H:%M}"


def period_label(start: pd.Timestamp, unit: str = "hour") -> str:
    """An hour as :func:`hour_label` gives it ("Sun Feb 22, 14:00"), a day as "Thu Oct 16"."""
    return hour_label(start) if unit == "hour" else f"{start:%a %b} {start.day}"


def tweets_in_hour(tweets: pd.DataFrame, hour: object, time_column: str = "tweet_created"
                   ) -> pd.DataFrame:
    """The tweets written in the hour that starts at ``hour`` (local wall time), earliest first."""
    _require(tweets, [time_column])
    start = pd.Timestamp(hour)
    start = start.tz_localize(None) if start.tzinfo is not None else start
    local = local_times(tweets[time_column])
    inside = (local >= start) & (local < start + pd.Timedelta(hours=1))
    return tweets[inside.to_numpy()].sort_values(time_column, kind="stable")


# ----------------------------------------------------------------------------- who is addressed


def main_handle(texts: Iterable[str]) -> str | None:
    """The @handle the texts mention most (case-insensitive; its most common spelling)."""
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    distinct = s.astype(str).value_counts()  # each distinct text read once, weighted by its count
    found = pd.Series(distinct.index, dtype=object).str.findall(_HANDLE)
    weights = pd.Series(distinct.to_numpy(), dtype=np.int64)
    handles = pd.DataFrame({"handle": found, "n": weights}).explode("handle").dropna()
    if handles.empty:
        return None
    handles["lower"] = handles["handle"].astype(str).str.lower()
    totals = handles.groupby("lower", sort=True)["n"].sum()
    top = totals.index[int(np.argmax(totals.to_numpy()))]
    spellings = handles[handles["lower"] == top].groupby("handle", sort=True)["n"].sum()
    return str(spellings.index[int(np.argmax(spellings.to_numpy()))])


def airline_handles(tweets: pd.DataFrame) -> dict[str, str | None]:
    """For each airline in the data, the @handle its tweets mention most."""
    _require(tweets, ["airline", "text"])
    return {a: main_handle(tweets.loc[tweets["airline"] == a, "text"]) for a in
            _categories(tweets["airline"])}


def addressed_to(tweets: pd.DataFrame, handle: str) -> int:
    """How many tweets mention ``handle`` (case-insensitive)."""
    return len(containing(tweets, re.escape(handle)))


#: What other people's @handles, e-mail addresses and phone numbers become when a tweet is shown.
MASKS = {"handle": "@user", "email": "[e-mail]", "phone": "[phone]"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}(?![\w])")
_MENTION = re.compile(r"(?<![\w@])@\w+")


def mask_personal(texts: Iterable[str], keep: Iterable[str | None] = ()) -> pd.Series:
    """The texts as the course shows them: e-mail addresses become "[e-mail]", phone numbers (and
    other 10-digit numbers, such as claim numbers) "[phone]", and every @handle "@user" except
    those in ``keep`` (compared case-insensitively; e.g. ``airline_handles(tweets).values()``, the
    airlines' own accounts). HTML entities are unescaped.

    The published texts name other people's accounts and hold some writers' e-mail addresses and
    phone numbers. The course's copy, ``airline_tweets.csv``, is already redacted
    (``datasets/redact_airline_tweets.py``); the course still masks wherever it shows a tweet, so
    that a learner's own export, shown in the same widgets, is masked too.
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    kept = {str(h).lower() for h in keep if h}

    def swap(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0).lower() in kept else MASKS["handle"]

    out = s.astype(str).map(html.unescape)
    out = out.str.replace(_EMAIL, MASKS["email"], regex=True).str.replace(_PHONE, MASKS["phone"], regex=True)
    return out.str.replace(_MENTION, swap, regex=True)


# ----------------------------------------------------------------------------- shares with intervals


def wilson_interval(successes: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95% with z = 1.96); (nan, nan) when n is 0."""
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_interval(k1: float, n1: float, k2: float, n2: float, z: float = 1.96
                        ) -> tuple[float, float, float]:
    """The difference of two independent shares, k1/n1 - k2/n2, and its 95% interval (Newcombe's
    hybrid score interval, built from the two Wilson intervals); (nan, nan, nan) if n is 0.

    Two 95% intervals that overlap a little can still belong to a clear difference (and two that
    barely miss each other to an unclear one): to compare two shares, look at this interval.
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, math.nan, math.nan
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    d = p1 - p2
    return d, d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _share_rows(groups: Iterable[tuple[str, int, int]], count_name: str, of_name: str) -> pd.DataFrame:
    rows = []
    for name, k, n in groups:
        low, high = wilson_interval(k, n)
        rows.append({"group": name, of_name: n, count_name: k,
                     "share": k / n if n else math.nan, "low": low, "high": high})
    return pd.DataFrame(rows).set_index("group")


def negative_share(tweets: pd.DataFrame, by: str | None = "airline",
                   label_column: str = "airline_sentiment") -> pd.DataFrame:
    """The share of tweets labelled negative, per group of ``by`` (or overall), with a 95% Wilson
    interval: columns ``tweets``, ``negative``, ``share``, ``low``, ``high``. Count distinct tweets
    (:func:`distinct_tweets`) first."""
    _require(tweets, [label_column] + ([by] if by else []))
    negative = (tweets[label_column] == "negative").to_numpy()
    if by is None:
        groups = [("all", int(negative.sum()), len(tweets))]
    else:
        keys = tweets[by].astype(str).to_numpy()
        groups = [(g, int(negative[keys == g].sum()), int((keys == g).sum()))
                  for g in _categories(tweets[by])]
    return _share_rows(groups, "negative", "tweets")


def reason_shares(tweets: pd.DataFrame, reason: str, by: str = "airline",
                  label_column: str = "airline_sentiment") -> pd.DataFrame:
    """Per group: negative tweets (``complaints``), how many have ``reason``, and the share of the
    group's complaints that have it, with a 95% Wilson interval."""
    _require(tweets, [label_column, "negativereason", by])
    if reason not in _categories(tweets["negativereason"]):
        raise ListeningError(f"there is no negative reason {reason!r}; choose one of: "
                             f"{', '.join(_categories(tweets['negativereason']))}.")
    negative = tweets[tweets[label_column] == "negative"]
    keys = negative[by].astype(str).to_numpy()
    has = (negative["negativereason"] == reason).fillna(False).to_numpy(dtype=bool)
    groups = [(g, int(has[keys == g].sum()), int((keys == g).sum())) for g in _categories(tweets[by])]
    return _share_rows(groups, reason, "complaints")


def reason_table(tweets: pd.DataFrame, by: str | None = None, shares: bool = False) -> pd.DataFrame:
    """Negative reasons counted (or, with ``shares``, as fractions of the group's reasoned
    complaints), one row per reason, one column per group of ``by`` (or one column, "all")."""
    _require(tweets, ["negativereason"] + ([by] if by else []))
    reasons = _categories(tweets["negativereason"])
    with_reason = tweets[tweets["negativereason"].notna()]
    if by is None:
        table = with_reason["negativereason"].astype(str).value_counts().reindex(reasons, fill_value=0)
        table = table.to_frame("all")
    else:
        table = pd.crosstab(with_reason["negativereason"].astype(str),
                            with_reason[by].astype(str)).reindex(index=reasons, fill_value=0)
        table = table.reindex(columns=_categories(tweets[by]), fill_value=0)
    table.index.name, table.columns.name = "negative reason", by
    if shares:
        totals = table.sum()
        return table.div(totals.where(totals > 0), axis=1)
    return table.astype(int)


# ----------------------------------------------------------------------------- one day, one hour

#: The play-first day: the tweets the file files under this airline, on this day.
PLAY_FIRST_AIRLINE, PLAY_FIRST_DAY = "Delta", "2015-02-23"


def full_days(times: pd.Series) -> pd.DatetimeIndex:
    """The days the data covers completely: every day after the first one and before the last
    (the first and last days of a collection are usually partial)."""
    local = local_times(times)
    if local.empty:
        return pd.DatetimeIndex([])
    first, last = local.min().normalize(), local.max().normalize()
    return pd.date_range(first + pd.Timedelta(days=1), last - pd.Timedelta(days=1), freq="D")


def day_profile(tweets: pd.DataFrame, day: object, time_column: str = "tweet_created",
                days: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """One day hour by hour: ``count`` (tweets in each of its 24 hours) and ``usual`` (the median
    count of the same hour on the other full days of ``days``, by default those of ``tweets``;
    zeros included). Indexed by the hour's start (local wall time)."""
    _require(tweets, [time_column])
    start = _day(day)
    if start is None:
        raise ListeningError("give a day, e.g. '2015-02-23'.")
    local = local_times(tweets[time_column])
    days = full_days(tweets[time_column]) if days is None else days
    others = [d for d in days if d != start]
    hours = pd.date_range(start, periods=24, freq="h", name="hour")
    counts = local.dt.floor("h").value_counts()
    count = counts.reindex(hours, fill_value=0).to_numpy(dtype=int)
    if others:
        grid = np.array([counts.reindex(pd.date_range(d, periods=24, freq="h"), fill_value=0)
                         .to_numpy(dtype=float) for d in others])
        usual = np.median(grid, axis=0)
    else:
        usual = np.full(24, np.nan)
    return pd.DataFrame({"count": count, "usual": usual}, index=hours)


# ----------------------------------------------------------------------------- one hour, explained

#: The readings the play-first question offers (key: what the learner picks).
EXPLANATIONS: dict[str, str] = {
    "disruption": "flights were cancelled or delayed (weather, a breakdown)",
    "own_post": "the airline posted something that people mocked or criticised",
    "promotion": "the airline ran a fare sale or a promotion",
    "normal": "nothing special: this hour of the day is always busy",
}
_EVIDENCE_PATTERNS: dict[str, str] = {
    "disruption": r"cancel|late flight|delay|stuck|stranded|divert",
    "promotion": r"\bsale\b|\bdeals?\b|\bfares?\b|% off|\bpromo|discount",
}


@dataclass(frozen=True)
class HourEvidence:
    """What one hour's tweets say about what happened (computed; see :func:`explain_hour`)."""

    hour: pd.Timestamp
    tweets: int
    usual: float  # median count of the same clock hour on the other full days
    shares: dict[str, float]  # key -> share of the hour's tweets that support that reading
    likely: str  # a key of EXPLANATIONS, or "unclear"
    handle: str | None
    top_words: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.tweets / self.usual if self.usual else math.inf


_STOP = set("""a an the and or but if to of in on at for from by with is are was were be been am i me my
we our you your he she it they them this that these those not no so just do did does have has had
can could will would should its it's im i'm you're get got what when why how all any as up out
about than then there their there's rt amp http https co""".split())


def _top_words(texts: pd.Series, n: int = 5) -> list[tuple[str, int]]:
    words = (texts.astype(str).str.replace(_HANDLE, " ", regex=True).str.replace(_URL, " ", regex=True)
             .str.lower().str.findall(r"[a-z][a-z']+"))
    per_tweet = words.map(lambda ws: sorted(set(ws) - _STOP))  # a word counts once per tweet
    counts = per_tweet.explode().dropna().value_counts()
    return [(str(w), int(c)) for w, c in counts.head(n).items()]


def explain_hour(tweets: pd.DataFrame, hour: object, handle: str | None = None,
                 time_column: str = "tweet_created", days: pd.DatetimeIndex | None = None
                 ) -> HourEvidence:
    """Evidence, from ``tweets`` (one airline's), for what happened in the hour starting ``hour``.

    * ``disruption``: share of the hour's tweets that mention a cancellation or delay (the
      published texts write "Cancelled Flight" and "Late Flight"), being stuck or diverted;
    * ``own_post``: share that quote or retweet the airline's own post ("@Handle: ..." or
      "RT @Handle"), with ``handle`` its most mentioned @handle by default;
    * ``promotion``: share that mention a sale, deal, fare, discount or promo;
    * ``usual``: the median count of the same clock hour on the other full days (``days``, by
      default those of ``tweets``; see :func:`day_profile`).

    ``likely`` is "normal" when the hour has fewer than 1.5 times its usual count; otherwise the
    reading with the largest share, if at least 20% of the hour's tweets support it; else
    "unclear".
    """
    _require(tweets, [time_column, "text"])
    start = pd.Timestamp(hour)
    start = start.tz_localize(None) if start.tzinfo is not None else start
    inside = tweets_in_hour(tweets, start, time_column)
    handle = handle or main_handle(tweets["text"])
    texts = inside["text"].astype(str)
    n = len(inside)
    shares = {key: (float(texts.str.contains(p, case=False, regex=True).mean()) if n else math.nan)
              for key, p in _EVIDENCE_PATTERNS.items()}
    if handle:
        own = rf"(?:RT\s+|^|[\"“\s]){re.escape(handle)}:|RT\s+{re.escape(handle)}\b"
        shares["own_post"] = float(texts.str.contains(own, case=False, regex=True).mean()) if n \
            else math.nan
    else:
        shares["own_post"] = math.nan
    profile = day_profile(tweets, start.normalize(), time_column, days=days)
    usual = float(profile.loc[start, "usual"]) if start in profile.index else math.nan
    usual = 0.0 if math.isnan(usual) else usual
    ratio = n / usual if usual else (math.inf if n else 0.0)
    ordered = {k: shares[k] for k in ("disruption", "own_post", "promotion")}
    best = max(ordered, key=lambda k: -1 if math.isnan(ordered[k]) else ordered[k])
    if ratio < 1.5:
        likely = "normal"
    elif not math.isnan(ordered[best]) and ordered[best] >= 0.2:
        likely = best
    else:
        likely = "unclear"
    return HourEvidence(hour=start, tweets=n, usual=usual, shares=ordered, likely=likely,
                        handle=handle, top_words=_top_words(texts))


# ----------------------------------------------------------------------------- whose messages, named how

#: The periods a dashboard can count in: their pandas frequency and length.
UNITS: dict[str, tuple[str, pd.Timedelta]] = {"hour": ("h", pd.Timedelta(hours=1)),
                                              "day": ("D", pd.Timedelta(days=1))}


@dataclass(frozen=True)
class Vocabulary:
    """How the listening dashboard and the queue sizer name what they count, and in what period.

    The defaults are lesson 05's: tweets to airlines, with people's sentiment labels and the
    airlines' negative reasons, counted by the hour in the published file's time zone. Lesson 08
    names the health department's questions, by topic and platform, counted by the day.
    """

    item: str = "tweet"
    items: str = "tweets"
    group: str = "Airline"  # the name of the group control
    all_groups: str = "All airlines"  # its option for every group
    every: str = "All tweets"  # a selection of every group, in a sentence or title
    to_group: str = "Tweets to {}"  # a selection of one group
    reason: str = "Negative reason"  # the second filter's name ("": the data has none)
    any_reason: str = "all tweets (any reason)"  # its option for every value
    about: str = "reason '{}'"  # a selection with one value of the second filter
    unit: str = "hour"  # the period counted: "hour" or "day"
    time_zone: str = TIME_ZONE
    labelled_by: str = "people's labels"  # who labelled each message's sentiment ("": nobody)
    collection: bool = True  # a collection whose start per group can look like a spike

    @property
    def freq(self) -> str:
        return UNITS[self.unit][0]

    @property
    def step(self) -> pd.Timedelta:
        return UNITS[self.unit][1]

    def who(self, group: str, reason: str, group_label: str | None = None) -> str:
        """E.g. "Tweets to United, reason 'Late Flight'" or "All tweets"."""
        base = self.every if group == ALL_AIRLINES else self.to_group.format(group_label or group)
        return base if reason == ALL_TWEETS else f"{base}, {self.about.format(reason)}"


#: Lesson 05's words: the airline tweets.
TWEETS = Vocabulary()


@dataclass(frozen=True)
class ListeningFrame:
    """Messages ready for the listening dashboard (see :func:`listening_frame`): ``tweets`` has the
    dashboard's columns (the airline file's own names: ``tweet_id``, ``tweet_created``,
    ``airline`` for the group, ``negativereason`` for the second filter, ``text`` and, when people
    labelled them, ``airline_sentiment``); ``words`` names them; ``rule`` is the spike rule."""

    tweets: pd.DataFrame
    words: Vocabulary = TWEETS
    rule: SpikeRule = HOURLY
    label: str = ""  # what the data is, e.g. "Synthetic: ..."


def listening_frame(frame: pd.DataFrame, *, time: str, group: str, text: str, id: str | None = None,
                    reason: str | None = None, label: str | None = None,
                    words: Vocabulary = TWEETS, rule: SpikeRule | None = None,
                    name: str = "") -> ListeningFrame:
    """Any table of messages as a :class:`ListeningFrame`: ``time`` (when each was written),
    ``group`` (what the first control filters: an airline, a topic, a platform), ``text``, and
    optionally ``id`` (repeated ids are counted once), ``reason`` (a second filter, may be empty)
    and ``label`` (people's negative / neutral / positive). Without ``label``, sentiment comes from
    VADER alone and the dashboard says nobody checked it. ``rule`` defaults to the hourly or daily
    rule of ``words.unit``. A column the frame lacks raises :class:`ListeningError` naming it."""
    wanted = {"time": time, "group": group, "text": text, "id": id, "reason": reason, "label": label}
    _require(frame, [c for c in wanted.values() if c])
    if bool(label) != bool(words.labelled_by):
        raise ListeningError("give people's labels (label=...) exactly when the words name who "
                             "labelled them (Vocabulary.labelled_by).")
    if words.unit not in UNITS:
        raise ListeningError(f"the period is 'hour' or 'day', not {words.unit!r}.")
    times = frame[time]
    if not (pd.api.types.is_datetime64_any_dtype(times)):
        raise ListeningError(f"the column {time!r} holds no dates and times (load the data with "
                             "widgets.data.load, or parse it with pd.to_datetime).")
    out = pd.DataFrame({
        "tweet_id": (frame[id].astype(str) if id else pd.Series(np.arange(len(frame)), index=frame.index)
                     .astype(str)),
        "tweet_created": times,
        "airline": frame[group],
        "negativereason": frame[reason] if reason else pd.Series(np.nan, index=frame.index, dtype=object),
        "text": frame[text].astype(str),
    })
    if label:
        out["airline_sentiment"] = frame[label]
    return ListeningFrame(out.reset_index(drop=True), words,
                          rule if rule is not None else (HOURLY if words.unit == "hour" else DAILY),
                          name)


# ----------------------------------------------------------------------------- the dashboard's counts


@dataclass(frozen=True)
class Selection:
    """What the listening dashboard shows for one setting (see :meth:`ListeningCube.select`)."""

    airline: str
    reason: str
    source: str  # "human" or "vader"
    alert: str  # "all" or "negative"
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    hours: pd.DatetimeIndex  # the hours shown (local wall time)
    by_sentiment: pd.DataFrame  # hours x (negative, neutral, positive), by ``source``
    agree: int  # tweets on which people and VADER give the same label
    rule: pd.DataFrame  # the spike table (see spikes) for the hours shown
    problem: str | None = None  # a plain sentence when there is nothing to show
    words: Vocabulary = TWEETS  # how the messages are named, and the period ("hours") counted
    spike_rule: SpikeRule = HOURLY  # the rule behind ``rule``

    @property
    def tweets(self) -> int:
        return int(self.by_sentiment.to_numpy().sum())

    @property
    def negative(self) -> int:
        return int(self.by_sentiment["negative"].sum()) if len(self.by_sentiment) else 0

    @property
    def flagged(self) -> pd.DataFrame:
        return ranked_spikes(self.rule)


class ListeningCube:
    """The listening dashboard's numbers, counted once for every setting, then only sliced.

    Built from the tweets (distinct ones are kept; VADER's labels added if missing), it counts the
    tweets per airline x negative reason x hour x (people's label, VADER's label) in one pass, so a
    change of airline, reason, dates, source or alert only adds up a few small arrays: the cost of
    an update does not grow with the number of tweets. Spike tables are kept per setting.

    ``words`` (default: lesson 05's tweets) says how the messages are named and in which period
    they are counted (``hours`` then holds days); without people's labels (``words.labelled_by``
    empty), only VADER's labels are counted. :meth:`from_frame` builds one from a
    :class:`ListeningFrame`.
    """

    def __init__(self, tweets: pd.DataFrame, rule: SpikeRule = HOURLY,
                 time_column: str = "tweet_created", words: Vocabulary = TWEETS) -> None:
        self.words = words
        labelled = bool(words.labelled_by)
        _require(tweets, ["tweet_id", "airline"] + (["airline_sentiment"] if labelled else [])
                 + ["negativereason", "text", time_column])
        data = distinct_tweets(tweets)
        if "vader_sentiment" not in data.columns:
            data = with_vader(data)
        if not labelled:  # nobody labelled them: "people's" codes repeat VADER's, never shown
            data = data.assign(airline_sentiment=data["vader_sentiment"])
        local = local_times(data[time_column])
        order = np.argsort(local.to_numpy(), kind="stable")
        self.tweets = data.iloc[order].reset_index(drop=True)
        local = local.iloc[order].reset_index(drop=True)
        self.rule = rule
        self.airlines = _categories(self.tweets["airline"])
        #: The airlines' own @handles: kept when a tweet is shown; other people's are masked.
        self.handles = airline_handles(self.tweets)
        self.reasons = _categories(self.tweets["negativereason"])
        hours = local.dt.floor(words.freq)
        if len(hours):
            self.hours = pd.date_range(hours.iloc[0], hours.iloc[-1], freq=words.freq, name="hour")
        else:
            self.hours = pd.DatetimeIndex([], name="hour")
        self.days = (pd.DatetimeIndex(self.hours.normalize().unique()) if len(self.hours)
                     else pd.DatetimeIndex([]))
        h = len(self.hours)
        hour_index = ((hours - self.hours[0]) // words.step).to_numpy(dtype=np.int64) \
            if h else np.zeros(0, dtype=np.int64)
        air = _codes(self.tweets["airline"], self.airlines)
        rea = _codes(self.tweets["negativereason"], self.reasons) + 1  # 0: no reason
        human = _codes(self.tweets["airline_sentiment"], list(SENTIMENTS))
        vader = _codes(self.tweets["vader_sentiment"], list(SENTIMENTS))
        ok = (air >= 0) & (human >= 0) & (vader >= 0)
        a, r = len(self.airlines), len(self.reasons) + 1
        flat = (((air * r + rea) * max(h, 1) + hour_index) * 9 + human * 3 + vader)[ok]
        self._cube = np.bincount(flat, minlength=a * r * max(h, 1) * 9).reshape(a, r, max(h, 1), 3, 3)
        self._hour_index = hour_index
        self._bounds = np.searchsorted(hour_index, np.arange(h + 1)) if h else np.zeros(1, int)
        self._air, self._rea = air, rea
        self._rules: dict[tuple[str, str, str, str], pd.DataFrame] = {}
        self._per_airline: dict[str, np.ndarray] = {}

    @classmethod
    def from_frame(cls, frame: ListeningFrame) -> ListeningCube:
        """The cube of a :class:`ListeningFrame` (its words and its spike rule)."""
        return cls(frame.tweets, rule=frame.rule, words=frame.words)

    # -- the pieces of one setting -----------------------------------------------------------------
    def _slice(self, airline: str, reason: str) -> np.ndarray:
        """hours x people's label x VADER's label, for one airline (or all) and reason (or any)."""
        cube = self._cube
        if airline == ALL_AIRLINES:
            cube = cube.sum(axis=0)
        else:
            cube = cube[self._airline_code(airline)]
        if reason == ALL_TWEETS:
            return cube.sum(axis=0)
        return cube[self._reason_code(reason) + 1]

    def _airline_code(self, airline: str) -> int:
        if airline not in self.airlines:
            raise ListeningError(f"there is no airline {airline!r}; choose one of: "
                                 f"{', '.join(self.airlines)} (or {ALL_AIRLINES!r}).")
        return self.airlines.index(airline)

    def _reason_code(self, reason: str) -> int:
        if reason not in self.reasons:
            raise ListeningError(f"there is no negative reason {reason!r}; choose one of: "
                                 f"{', '.join(self.reasons)} (or {ALL_TWEETS!r}).")
        return self.reasons.index(reason)

    def spike_table(self, airline: str = ALL_AIRLINES, reason: str = ALL_TWEETS,
                    source: str = "human", alert: str = "all") -> pd.DataFrame:
        """The spike rule over all hours, on all tweets (``alert="all"``) or on the negative ones
        by ``source``; kept per setting."""
        if source not in SOURCES:
            raise ListeningError(f"the sentiment source is 'human' or 'vader', not {source!r}.")
        if alert not in ("all", "negative"):
            raise ListeningError(f"alert on 'all' tweets or on 'negative' ones, not {alert!r}.")
        key = (airline, reason, source if alert == "negative" else "-", alert)
        if key not in self._rules:
            counts = self._slice(airline, reason)[: len(self.hours)]
            if alert == "all":
                series = counts.sum(axis=(1, 2))
            else:
                series = counts[:, 0, :].sum(axis=1) if source == "human" else counts[:, :, 0].sum(axis=1)
            self._rules[key] = spikes(pd.Series(series, index=self.hours), self.rule)
        return self._rules[key]

    def select(self, airline: str = ALL_AIRLINES, reason: str = ALL_TWEETS, start: object = None,
               end: object = None, source: str = "human", alert: str = "all") -> Selection:
        """Counts by hour and sentiment, and the spike rule, for one setting of the dashboard.

        ``start``/``end`` are whole days (both included). The spike rule looks back 24 hours even
        before ``start``, as a live dashboard would. An empty range, an airline with no tweets in
        it, or a reason that leaves nothing gives a Selection whose ``problem`` says so.
        """
        if source == "human" and not self.words.labelled_by:
            raise ListeningError(f"nobody labelled these {self.words.items}: their sentiment comes "
                                 "from VADER only (source='vader').")
        lo = _day(start) if start is not None else (self.days[0] if len(self.days) else None)
        hi = _day(end) if end is not None else (self.days[-1] if len(self.days) else None)
        table = self.spike_table(airline, reason, source, alert)
        cube = self._slice(airline, reason)[: len(self.hours)]
        base = dict(airline=airline, reason=reason, source=source, alert=alert, start=lo, end=hi,
                    words=self.words, spike_rule=self.rule)
        if lo is None or hi is None or lo > hi:
            return self._empty(base, f"The date range is empty: 'From' ({_date(lo)}) is after "
                                     f"'To' ({_date(hi)}). Set 'From' on or before 'To'.")
        shown = (self.hours >= lo) & (self.hours < hi + pd.Timedelta(days=1))
        cube = cube[shown]
        by = cube.sum(axis=2) if source == "human" else cube.sum(axis=1)
        by_sentiment = pd.DataFrame(by, index=self.hours[shown], columns=list(SENTIMENTS))
        agree = int(np.trace(cube.sum(axis=0))) if len(cube) else 0
        selection = Selection(**base, hours=self.hours[shown], by_sentiment=by_sentiment, agree=agree,
                              rule=table[shown])
        if selection.tweets == 0:
            words = self.words
            who = words.item if airline == ALL_AIRLINES else f"{airline} {words.item}"
            when = f"from {_date(lo)} to {_date(hi)}"
            if reason == ALL_TWEETS:
                first = self._first_day(airline)
                extra = f" (its {words.items} in this file start on {_date(first)})" if first is not None \
                    and first > hi else ""
                problem = f"There is no {who} {when} in this dataset{extra}. Widen the dates."
            else:
                kind, every = words.reason.lower(), words.any_reason.split(" (")[0]
                problem = (f"No {who} {when} has the {kind} '{reason}'. Choose another "
                           f"{kind.split()[-1]}, or '{every}'.")
            return Selection(**{**selection.__dict__, "problem": problem})
        return selection

    def _empty(self, base: dict[str, Any], problem: str) -> Selection:
        empty = pd.DataFrame(np.zeros((0, 3), dtype=int), columns=list(SENTIMENTS),
                             index=pd.DatetimeIndex([], name="hour"))  # base carries the words
        rule = spikes(pd.Series([], dtype=float, index=pd.DatetimeIndex([], name="hour")), self.rule)
        return Selection(**base, hours=empty.index, by_sentiment=empty, agree=0, rule=rule,
                         problem=problem)

    def _first_day(self, airline: str) -> pd.Timestamp | None:
        if airline == ALL_AIRLINES:
            return self.days[0] if len(self.days) else None
        per_hour = self._cube[self._airline_code(airline)].sum(axis=(0, 2, 3))[: len(self.hours)]
        busy = np.flatnonzero(per_hour)
        return self.hours[busy[0]].normalize() if len(busy) else None

    def newcomers(self, hour: pd.Timestamp, airline: str = ALL_AIRLINES, reason: str = ALL_TWEETS
                  ) -> list[tuple[str, int]]:
        """Airlines (in the selection) with at least the rule's ``min_count`` tweets in ``hour``
        whose own median hour in the window before it (24 hours) had none, and how many tweets each
        has in ``hour``: a sign that the collection of that airline's tweets started, not that
        people started writing. Empty when there is not a whole window of history to look at."""
        if not len(self.hours) or not self.words.collection:
            return []
        k = int((pd.Timestamp(hour) - self.hours[0]) // self.words.step)
        w = int(self.rule.window)
        if not w <= k < len(self.hours):
            return []
        if reason not in self._per_airline:
            cube = self._cube.sum(axis=1) if reason == ALL_TWEETS else \
                self._cube[:, self._reason_code(reason) + 1]
            self._per_airline[reason] = cube.sum(axis=(2, 3))[:, : len(self.hours)]
        per = self._per_airline[reason]
        codes = range(len(self.airlines)) if airline == ALL_AIRLINES else [self._airline_code(airline)]
        return [(self.airlines[i], int(per[i, k])) for i in codes
                if per[i, k] >= self.rule.min_count and np.median(per[i, k - w:k]) == 0]

    def read(self, hour: pd.Timestamp, airline: str = ALL_AIRLINES, reason: str = ALL_TWEETS,
             n: int = 8) -> tuple[pd.DataFrame, int]:
        """The first ``n`` tweets of the selection in ``hour`` (earliest first), and how many there
        are: columns ``time``, ``text`` (other people's @handles, e-mail addresses and phone
        numbers masked: :func:`mask_personal`), ``people`` (label), ``vader`` (label),
        ``compound``."""
        if not len(self.hours):
            return pd.DataFrame(columns=["time", "text", "people", "vader", "compound"]), 0
        k = int((pd.Timestamp(hour) - self.hours[0]) // self.words.step)
        if not 0 <= k < len(self.hours):
            return pd.DataFrame(columns=["time", "text", "people", "vader", "compound"]), 0
        lo, hi = int(self._bounds[k]), int(self._bounds[k + 1])
        mask = np.ones(hi - lo, dtype=bool)
        if airline != ALL_AIRLINES:
            mask &= self._air[lo:hi] == self._airline_code(airline)
        if reason != ALL_TWEETS:
            mask &= self._rea[lo:hi] == self._reason_code(reason) + 1
        rows = np.flatnonzero(mask)
        part = self.tweets.iloc[lo + rows[:n]]
        table = pd.DataFrame({
            "time": local_times(part["tweet_created"]).dt.strftime("%H:%M").to_numpy(),
            "text": mask_personal(part["text"], self.handles.values()).to_numpy(),
            "people": (part["airline_sentiment"].astype(str).to_numpy() if self.words.labelled_by
                       else np.full(len(part), "", dtype=object)),
            "vader": part["vader_sentiment"].astype(str).to_numpy(),
            "compound": part["vader_compound"].to_numpy(dtype=float),
        })
        return table, int(len(rows))


def _codes(s: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Integer codes of ``s`` in ``categories`` (-1 for a missing or unknown value)."""
    if isinstance(s.dtype, pd.CategoricalDtype) and [str(c) for c in s.cat.categories] == list(categories):
        return s.cat.codes.to_numpy(dtype=np.int64)
    return pd.Categorical(s.astype(object).where(s.notna(), None), categories=list(categories)
                          ).codes.astype(np.int64)


def _date(day: pd.Timestamp | None) -> str:
    return "none" if day is None else f"{day:%b} {day.day}"
