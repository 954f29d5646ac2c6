"""Lesson 06, answering: how many people need an answer, how fast brands answer, what a reply does.

Pure functions over two datasets:

* the REAL airline tweets (``load("airline_tweets")``, lesson 05's data): which tweets needed an
  answer, by a stated rule (:func:`answer_flags`, :func:`needs_answer`, :func:`rule_sensitivity`),
  and what answering them within an hour would take (:func:`queue_by_hour`, :func:`peak_load`,
  :class:`QueueCube` for the queue widget); the ten tweets of the play-first triage
  (:func:`play_first_tweets`, :func:`compare_triage`);
* the SYNTHETIC support threads (``load("support_threads")``): first-response times as a
  distribution (:func:`first_response_summary`), the reply effect with a bootstrap interval
  (:func:`bootstrap_difference`, :func:`reply_effect`, :func:`effect_by_speed`), who got answered
  (:func:`answered_share`), what a selective desk does to a naive comparison
  (:func:`selective_desk`, :func:`naive_and_change`), a triage rule chosen on one year and judged
  on the next (:func:`held_out`), and the reply desk's estimates (:class:`ReplyDesk`);
* any organisation's queue of messages with their answers (lesson 08: the health department's
  questions), mapped by :func:`reply_queue` onto the support threads' columns (``opened_at``,
  ``first_response_minutes``), so that :func:`first_response_summary`, :func:`answered_share`
  and the queue widget (:meth:`QueueCube.from_queue`) serve it as they serve the threads.

The reply effect in the support threads is BUILT IN by ``datasets/generate.py`` (its settings
``REPLY_BENEFIT``, ``REPLY_FADE_MINUTES``, ``PERSONAL_BONUS``, ``BUY_PER_BENEFIT``...), calibrated to
Twitter's own airline study (the real figures are :data:`TWITTER_AMS_2015` and friends).

Empty selections never raise: counts are 0, estimates ``nan``, and a ``problem`` sentence says why.
A column the data does not have, or a name it does not know, raises :class:`AnsweringError`, a
ValueError whose message is one plain sentence (Jupyter shows it without a traceback).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import ModelError
from .listening import (
    TWEETS,
    Vocabulary,
    airline_handles,
    distinct_tweets,
    local_times,
    mask_personal,
    wilson_interval,
)

__all__ = [
    "ARISE_2017", "BOOT_SEED", "DEFAULT_RULE", "EVERYONE", "FIT_YEAR", "LITHIUM_2013", "NOBODY",
    "N_BOOT", "PLAY_FIRST_AIRLINE", "PLAY_FIRST_HOUR", "PLAY_FIRST_TWEET_IDS", "PRACTICE", "RULES",
    "SERVICE_REASONS", "SOCIALBAKERS_2013", "SPEED_BANDS", "SPROUT_2013", "SPROUT_2016",
    "TEST_YEAR", "TONES", "TRIAGE_CHOICES", "TRIAGE_GROUPS", "TWITTER_AMS_2015",
    "TWITTER_MORE_FAVOURABLE", "TWITTER_TELECOM_2016", "AnsweringError", "BootResult",
    "DeskOutcome", "Estimate", "HeldOut", "QueueCube", "QueueSelection", "ReplyDesk", "ReplyQueue",
    "QUEUE_RULES", "QUEUE_DEFAULT_RULE", "QUEUE_WORDS", "reply_queue",
    "answer_flags", "answer_independence", "answered", "answered_share", "bootstrap_difference",
    "compare_triage",
    "effect_by_speed", "first_response_summary", "held_out", "mood_thirds", "naive_and_change",
    "needs_answer", "peak_load", "play_first_tweets", "queue_by_hour", "reply_effect",
    "rule_sensitivity", "selective_desk", "speed_band", "year_of",
]

# ----------------------------------------------------------------------------- real figures

#: Twitter with Applied Marketing Science, airlines, 2015 (600k+ tweets, 1,156 surveyed): how many
#: dollars more customers who got a reply said they would pay on a later fare. Run by Twitter.
TWITTER_AMS_2015: dict[str, float] = {"any reply": 9.0, "reply within 6 minutes": 20.0,
                                      "reply after an hour": 2.33}
#: Its 2016 extension to telecom: dollars a month more, reply within 4 minutes vs after 20.
TWITTER_TELECOM_2016: dict[str, float] = {"reply within 4 minutes": 17.0, "reply after 20 minutes": 3.50}
#: Share of people who had tweeted a complaint who said they would feel more favourable towards a
#: company that replied (Twitter's 2016 report, with its telecom extension): stated, not measured.
TWITTER_MORE_FAVOURABLE = 0.69
#: Lithium / Millward Brown Digital (2013, n = 501 Twitter users who tweet at brands): share who
#: expect a reply within an hour.
LITHIUM_2013: dict[str, float] = {"any tweet": 0.53, "a complaint": 0.72}
#: Arise / Google Consumer Survey (January 2017, more than 1,500 US consumers): of those who contact
#: customer service through social media, the share who expect a reply ...
ARISE_2017: dict[str, float] = {"immediately": 0.237, "within an hour": 0.498, "within 24 hours": 0.792}
#: Sprout Social Index, Q3 2013: share of messages needing a response or attention (by Sprout's
#: definition, on Facebook and Twitter) that brands answered, and the average response time (hours).
SPROUT_2013: dict[str, float] = {"answered": 0.173, "average hours": 11.3}
#: Sprout Social Index, Q2 2016: share of messages needing a reply that got one, promotional
#: messages sent per reply, hours consumers expected to wait vs about how long they waited.
SPROUT_2016: dict[str, float] = {"answered": 0.11, "promotional per reply": 23.0,
                                 "expected hours": 4.0, "actual hours": 10.0}
#: Socialbakers, Q1 2013: share of questions on Twitter answered, average response (hours).
SOCIALBAKERS_2013: dict[str, float] = {"answered": 0.38, "average hours": 6.5}
#: The practice figures side by side: (source, what was counted, share answered, average hours).
PRACTICE: tuple[tuple[str, str, float, float | None], ...] = (
    ("Sprout Social Index, Q3 2013", "messages needing a response", SPROUT_2013["answered"],
     SPROUT_2013["average hours"]),
    ("Sprout Social Index, Q2 2016", "messages needing a reply", SPROUT_2016["answered"],
     SPROUT_2016["actual hours"]),
    ("Socialbakers, Q1 2013", "questions on Twitter", SOCIALBAKERS_2013["answered"],
     SOCIALBAKERS_2013["average hours"]),
)


class AnsweringError(ModelError):
    """A request that cannot be met (an unknown rule, group or column): one plain sentence."""


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str = "data") -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns[:12]))
        raise AnsweringError(f"the {what} has no column {missing[0]!r} (its columns: {have}).")


# ----------------------------------------------------------------------------- who needs an answer

#: Negative reasons a service agent can act on for this customer, now: a rebooking, a bag, a
#: booking, a person. ("Bad Flight", "Flight Attendant Complaints" and "longlines" are feedback
#: about a flight; "Can't Tell" is unclear.)
SERVICE_REASONS: tuple[str, ...] = ("Customer Service Issue", "Late Flight", "Cancelled Flight",
                                    "Lost Luggage", "Damaged Luggage", "Flight Booking Problems")
#: A question or a request: a question mark, or one of these words (any case).
QUESTION_PATTERN = r"\?|\b(?:help|please|pls|plz|assist|dm)\b"
#: The rules, from the narrowest to the broadest, and what each counts.
RULES: dict[str, str] = {
    "service complaints": "negative (people's label) with a reason an agent can act on "
                          f"({', '.join(SERVICE_REASONS)})",
    "questions and requests": "a question mark, or help / please / pls / plz / assist / DM",
    "complaints or questions": "a service complaint, or a question or request",
    "any negative tweet": "every tweet people labelled negative, whatever the reason",
    "negative or question": "every negative tweet, and every question or request",
}
#: The lesson's rule for "needed an answer".
DEFAULT_RULE = "complaints or questions"
# each rule as the set of flag codes it accepts: code = complaint + 2 * question + 4 * negative
_RULE_CODES: dict[str, frozenset[int]] = {
    "service complaints": frozenset(c for c in range(8) if c & 1),
    "questions and requests": frozenset(c for c in range(8) if c & 2),
    "complaints or questions": frozenset(c for c in range(8) if c & 3),
    "any negative tweet": frozenset(c for c in range(8) if c & 4),
    "negative or question": frozenset(c for c in range(8) if c & 6),
}


def _rule(rule: str) -> str:
    if rule not in RULES:
        raise AnsweringError(f"there is no rule {rule!r}; choose one of: {', '.join(RULES)}.")
    return rule


def answer_flags(tweets: pd.DataFrame) -> pd.DataFrame:
    """Three True/False columns per tweet: ``complaint`` (negative, with a reason in
    :data:`SERVICE_REASONS`), ``question`` (matches :data:`QUESTION_PATTERN`) and ``negative``
    (people's label), indexed like ``tweets``."""
    _require(tweets, ["airline_sentiment", "negativereason", "text"], "tweets")
    negative = (tweets["airline_sentiment"].astype(object) == "negative").to_numpy(dtype=bool)
    reason = tweets["negativereason"].astype(object).isin(SERVICE_REASONS).to_numpy(dtype=bool)
    # each distinct text searched once (a stacked copy of the file costs no more)
    codes, texts = pd.factorize(tweets["text"].astype(str))
    hit = pd.Series(texts).str.contains(QUESTION_PATTERN, case=False, regex=True).to_numpy(dtype=bool)
    question = hit[codes] if len(codes) else np.zeros(0, dtype=bool)
    return pd.DataFrame({"complaint": negative & reason, "question": question,
                         "negative": negative}, index=tweets.index)


def _codes_of(flags: pd.DataFrame) -> np.ndarray:
    return (flags["complaint"].to_numpy(dtype=np.int64) + 2 * flags["question"].to_numpy(dtype=np.int64)
            + 4 * flags["negative"].to_numpy(dtype=np.int64))


def needs_answer(tweets: pd.DataFrame, rule: str = DEFAULT_RULE) -> pd.Series:
    """True for each tweet that needed an answer under ``rule`` (a key of :data:`RULES`)."""
    codes = _codes_of(answer_flags(tweets))
    keep = np.isin(codes, sorted(_RULE_CODES[_rule(rule)]))
    return pd.Series(keep, index=tweets.index, name="needs_answer")


def rule_sensitivity(tweets: pd.DataFrame, by: str | None = "airline") -> pd.DataFrame:
    """How many tweets need an answer under each rule: one row per group of ``by`` (and "all"),
    columns ``tweets`` and one per rule (counts). Count distinct tweets first."""
    _require(tweets, [by] if by else [], "tweets")
    codes = _codes_of(answer_flags(tweets))
    groups: list[tuple[str, np.ndarray]] = [("all", np.ones(len(tweets), dtype=bool))]
    if by:
        keys = tweets[by].astype(str).to_numpy()
        groups = [(g, keys == g) for g in _categories(tweets[by])] + groups
    rows = []
    for name, mask in groups:
        row: dict[str, object] = {"group": name, "tweets": int(mask.sum())}
        for rule, accepted in _RULE_CODES.items():
            row[rule] = int(np.isin(codes[mask], sorted(accepted)).sum())
        rows.append(row)
    return pd.DataFrame(rows).set_index("group")


def _categories(s: pd.Series) -> list[str]:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return [str(c) for c in s.cat.categories if (s == c).any()]
    return sorted(map(str, s.dropna().unique()))


def queue_by_hour(tweets: pd.DataFrame, rule: str = DEFAULT_RULE, time_column: str = "tweet_created",
                  periods: pd.DatetimeIndex | None = None) -> pd.DataFrame:
    """Per hour (local wall time, zeros included): ``tweets`` and ``need`` (those that needed an
    answer under ``rule``). The hours run from the first to the last hour of ``tweets``, or are
    ``periods``."""
    _require(tweets, [time_column], "tweets")
    hours = local_times(tweets[time_column]).dt.floor("h")
    need = needs_answer(tweets, rule).to_numpy()
    if periods is None:
        periods = (pd.date_range(hours.min(), hours.max(), freq="h", name="hour") if len(hours)
                   else pd.DatetimeIndex([], name="hour"))
    all_counts = hours.value_counts().reindex(periods, fill_value=0)
    need_counts = hours[need].value_counts().reindex(periods, fill_value=0)
    return pd.DataFrame({"tweets": all_counts.to_numpy(dtype=int), "need": need_counts.to_numpy(dtype=int)},
                        index=pd.DatetimeIndex(periods, name="hour"))


@dataclass(frozen=True)
class PeakLoad:
    """What answering every tweet that needs it within the hour would take."""

    hours: int  # hours counted
    need: int  # tweets that needed an answer in those hours
    peak_hour: pd.Timestamp | None
    peak: int  # tweets needing an answer in the busiest hour: replies an hour at the peak
    median: float  # in the median hour (zeros included)
    p90: float  # in the 90th-percentile hour

    @property
    def peak_to_median(self) -> float:
        return self.peak / self.median if self.median else math.inf if self.peak else math.nan


def peak_load(counts: pd.Series | pd.DataFrame) -> PeakLoad:
    """From tweets needing an answer per hour (a Series, or :func:`queue_by_hour`'s table): the
    busiest hour and its count (the replies an hour a desk needs at the peak to answer each
    within the hour), and the median and 90th-percentile hour."""
    if isinstance(counts, pd.DataFrame):
        counts = counts["need"]
    x = counts.to_numpy(dtype=float)
    if len(x) == 0:
        return PeakLoad(0, 0, None, 0, math.nan, math.nan)
    k = int(np.argmax(x))
    return PeakLoad(hours=len(x), need=int(x.sum()), peak_hour=counts.index[k], peak=int(x[k]),
                    median=float(np.median(x)), p90=float(np.percentile(x, 90)))


# ----------------------------------------------------------------------------- the queue widget's counts

ALL_AIRLINES = "all airlines"

#: What a reply queue's widget can count: every message (each asked for an answer), those not
#: answered within the hour, those never answered.
QUEUE_RULES: dict[str, str] = {
    "every message": "each one asked for an answer",
    "not answered within the hour": "answered after 60 minutes, or never",
    "never answered": "no answer at all",
}
QUEUE_DEFAULT_RULE = "every message"
# code = answered + 2 * answered within the hour
_QUEUE_RULE_CODES: dict[str, frozenset[int]] = {
    "every message": frozenset({0, 1, 3}),
    "not answered within the hour": frozenset({0, 1}),
    "never answered": frozenset({0}),
}
#: A reply queue's words unless told otherwise: messages, by group, counted by the day.
QUEUE_WORDS = Vocabulary(item="message", items="messages", group="Group", all_groups="All groups",
                         every="All messages", to_group="Messages in '{}'", reason="", any_reason="",
                         about="{}", unit="day", time_zone="local time", labelled_by="",
                         collection=False)


@dataclass(frozen=True)
class ReplyQueue:
    """Messages that asked an organisation for an answer, with what became of them (see
    :func:`reply_queue`): ``frame`` has ``opened_at``, ``first_response_minutes`` (empty: never
    answered), ``answered`` and ``group``, plus the source's other columns."""

    frame: pd.DataFrame
    words: Vocabulary = QUEUE_WORDS


def reply_queue(frame: pd.DataFrame, *, opened: str, minutes: str, group: str,
                answered: str | None = None, words: Vocabulary = QUEUE_WORDS) -> ReplyQueue:
    """Any table of messages and their answers as a :class:`ReplyQueue`, with the support threads'
    column names, so that :func:`first_response_summary`, :func:`answered_share` and
    :func:`answer_independence` (with ``by="group"`` or any other column) and the queue widget
    serve it: ``opened`` (when the message came), ``minutes`` (to the first answer; empty: never
    answered), ``group`` (what the widget filters), ``answered`` (optional True/False; it must
    agree with ``minutes``). A column the frame lacks raises :class:`AnsweringError` naming it."""
    _require(frame, [c for c in (opened, minutes, group, answered) if c], "data")
    if not pd.api.types.is_datetime64_any_dtype(frame[opened]):
        raise AnsweringError(f"the column {opened!r} holds no dates and times (load the data with "
                             "widgets.data.load, or parse it with pd.to_datetime).")
    waits = pd.to_numeric(frame[minutes], errors="coerce").astype(float)
    if answered:
        said = frame[answered].astype("boolean").fillna(False).to_numpy(dtype=bool)
        clash = np.flatnonzero(said != waits.notna().to_numpy())
        if len(clash):
            row = int(clash[0])
            raise AnsweringError(f"row {row}: the column {answered!r} says "
                                 f"{'answered' if said[row] else 'not answered'} but {minutes!r} "
                                 f"{'is empty' if said[row] else 'holds a time'}; they must agree.")
    out = frame.rename(columns={opened: "opened_at", minutes: "first_response_minutes"}).copy()
    out["first_response_minutes"] = waits.to_numpy()
    out["answered"] = waits.notna().to_numpy()
    out["group"] = frame[group].to_numpy()
    return ReplyQueue(out.reset_index(drop=True), words)


@dataclass(frozen=True)
class QueueSelection:
    """What the queue widget shows for one setting (see :meth:`QueueCube.select`)."""

    airline: str
    rule: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None
    hours: pd.DatetimeIndex
    tweets_per_hour: np.ndarray
    need_per_hour: np.ndarray
    by_rule: dict[str, int]  # tweets needing an answer under every rule, same selection
    problem: str | None = None
    words: Vocabulary = TWEETS  # how the messages are named, and the period ("hours") counted
    #: For a reply queue (:meth:`QueueCube.from_queue`): how many in the selection were answered,
    #: and the median and 90th percentile of their minutes to an answer; None for tweets.
    answered: int | None = None
    wait_median: float | None = None
    wait_p90: float | None = None

    @property
    def tweets(self) -> int:
        return int(self.tweets_per_hour.sum())

    @property
    def need(self) -> int:
        return int(self.need_per_hour.sum())

    @property
    def load(self) -> PeakLoad:
        return peak_load(pd.Series(self.need_per_hour, index=self.hours))


class QueueCube:
    """The queue widget's numbers, counted once: tweets per airline x hour x (complaint, question,
    negative) flags. A change of airline, dates or rule only adds up small arrays, so an update
    costs the same for 14,485 tweets or a hundred times as many."""

    def __init__(self, tweets: pd.DataFrame, time_column: str = "tweet_created") -> None:
        _require(tweets, ["tweet_id", "airline", "airline_sentiment", "negativereason", "text",
                          time_column], "tweets")
        data = distinct_tweets(tweets)
        self._build(data[time_column], data["airline"], _codes_of(answer_flags(data)), TWEETS,
                    RULES, DEFAULT_RULE, _RULE_CODES)
        self._minutes: np.ndarray | None = None  # tweets carry no answers

    @classmethod
    def from_queue(cls, queue: ReplyQueue) -> QueueCube:
        """The queue widget's counts for a :class:`ReplyQueue`: messages per group x period
        (``queue.words.unit``), the rules of :data:`QUEUE_RULES` (each message asked for an answer;
        which were answered, and how fast), and each selection's answered share and waits."""
        self = cls.__new__(cls)
        frame = queue.frame
        minutes = frame["first_response_minutes"].to_numpy(dtype=float)
        answered_ = ~np.isnan(minutes)
        codes = answered_.astype(np.int64) + 2 * (answered_ & (minutes <= 60)).astype(np.int64)
        self._build(frame["opened_at"], frame["group"], codes, queue.words, QUEUE_RULES,
                    QUEUE_DEFAULT_RULE, _QUEUE_RULE_CODES)
        self._minutes = minutes[self._order]
        return self

    def _build(self, times: pd.Series, groups: pd.Series, codes: np.ndarray, words: Vocabulary,
               rules: Mapping[str, str], default_rule: str,
               rule_codes: Mapping[str, frozenset[int]]) -> None:
        self.words, self.rules, self.default_rule = words, dict(rules), default_rule
        local = local_times(times).dt.floor(words.freq)
        self.airlines = _categories(groups)
        if len(local):
            self.hours = pd.date_range(local.min(), local.max(), freq=words.freq, name="hour")
        else:
            self.hours = pd.DatetimeIndex([], name="hour")
        self.days = pd.DatetimeIndex(self.hours.normalize().unique()) if len(self.hours) else \
            pd.DatetimeIndex([])
        h = max(len(self.hours), 1)
        hour_index = ((local - self.hours[0]) // words.step).to_numpy(dtype=np.int64) \
            if len(self.hours) else np.zeros(0, dtype=np.int64)
        air = pd.Categorical(groups.astype(str), categories=self.airlines).codes.astype(np.int64)
        ok = air >= 0
        flat = ((air * h + hour_index) * 8 + codes)[ok]
        self._cube = np.bincount(flat, minlength=len(self.airlines) * h * 8).reshape(
            len(self.airlines), h, 8)
        self._masks = {rule: np.isin(np.arange(8), sorted(c)) for rule, c in rule_codes.items()}
        # each row's group and period, sorted by period: a selection's waits are one slice away
        self._order = np.argsort(hour_index, kind="stable")
        self._row_group, self._row_period = air[self._order], hour_index[self._order]

    def _per_hour(self, airline: str) -> np.ndarray:
        """hours x 8 flag codes, for one airline or all."""
        if airline == ALL_AIRLINES:
            return self._cube.sum(axis=0)
        if airline not in self.airlines:
            raise AnsweringError(f"there is no airline {airline!r}; choose one of: "
                                 f"{', '.join(self.airlines)} (or {ALL_AIRLINES!r}).")
        return self._cube[self.airlines.index(airline)]

    def select(self, airline: str = ALL_AIRLINES, start: object = None, end: object = None,
               rule: str | None = None) -> QueueSelection:
        """Tweets and tweets needing an answer per hour, for whole days ``start`` to ``end``.

        An empty range, or an airline with no tweets in it, gives a selection whose ``problem``
        says so in a plain sentence (and zero counts)."""
        rule = self.default_rule if rule is None else rule
        if rule not in self.rules:
            raise AnsweringError(f"there is no rule {rule!r}; choose one of: {', '.join(self.rules)}.")
        words = self.words
        lo = pd.Timestamp(start).normalize() if start is not None else (
            self.days[0] if len(self.days) else None)
        hi = pd.Timestamp(end).normalize() if end is not None else (
            self.days[-1] if len(self.days) else None)
        per = self._per_hour(airline)[: len(self.hours)]
        base = dict(airline=airline, rule=rule, start=lo, end=hi, words=words)
        empty = dict(hours=pd.DatetimeIndex([], name="hour"), tweets_per_hour=np.zeros(0, dtype=int),
                     need_per_hour=np.zeros(0, dtype=int), by_rule={r: 0 for r in self.rules})
        if lo is None or hi is None:
            return QueueSelection(**base, **empty, problem=f"There are no {words.items} in this data.")
        if lo > hi:
            return QueueSelection(**base, **empty, problem=(
                f"The date range is empty: 'From' ({_date(lo)}) is after 'To' ({_date(hi)}). "
                "Set 'From' on or before 'To'."))
        shown = (self.hours >= lo) & (self.hours < hi + pd.Timedelta(days=1))
        part = per[shown]
        by_rule = {r: int(part[:, mask].sum()) for r, mask in self._masks.items()}
        selection = QueueSelection(**base, hours=self.hours[shown], tweets_per_hour=part.sum(axis=1),
                                   need_per_hour=part[:, self._masks[rule]].sum(axis=1), by_rule=by_rule,
                                   **self._waits(airline, shown))
        if selection.tweets == 0:
            who = words.item if airline == ALL_AIRLINES else (
                f"tweet to {airline}" if words is TWEETS else f"{words.item} in '{airline}'")
            busy = np.flatnonzero(per.sum(axis=1))
            first = self.hours[busy[0]].normalize() if len(busy) else None
            extra = (f" (its {words.items} in this file start on {_date(first)})"
                     if first is not None and first > hi else "")
            return QueueSelection(**{**selection.__dict__, "problem": (
                f"There is no {who} from {_date(lo)} to {_date(hi)} in this dataset{extra}. "
                f"Widen the dates or choose another {words.group.lower()}.")})
        return selection

    def _waits(self, airline: str, shown: np.ndarray) -> dict[str, float | int | None]:
        """For a reply queue: how many of the selection were answered, and their median and 90th
        percentile minutes to an answer (nan when none was answered)."""
        if self._minutes is None:
            return {}
        periods = np.flatnonzero(shown)
        if not len(periods):
            return {"answered": 0, "wait_median": math.nan, "wait_p90": math.nan}
        lo, hi = np.searchsorted(self._row_period, [periods[0], periods[-1] + 1])
        minutes = self._minutes[lo:hi]
        if airline != ALL_AIRLINES:
            minutes = minutes[self._row_group[lo:hi] == self.airlines.index(airline)]
        minutes = minutes[~np.isnan(minutes)]
        if not len(minutes):
            return {"answered": 0, "wait_median": math.nan, "wait_p90": math.nan}
        return {"answered": int(len(minutes)), "wait_median": float(np.median(minutes)),
                "wait_p90": float(np.percentile(minutes, 90))}


def _date(day: pd.Timestamp | None) -> str:
    return "none" if day is None else f"{day:%b} {day.day}"


# ----------------------------------------------------------------------------- play first: ten tweets

#: The play-first tweets: ten of the 57 tweets to United in its busiest hour of Sunday 22 February
#: 2015 (15:00-16:00 Pacific time), chosen by the course's authors to cover what a desk meets: a
#: stranded passenger, a question, praise, sarcasm, a complaint about an agent, abuse, a request
#: to go private, a public accusation. Listed in the order they arrived.
PLAY_FIRST_AIRLINE = "United"
PLAY_FIRST_HOUR = "2015-02-22 15:00"
PLAY_FIRST_TWEET_IDS: tuple[str, ...] = (
    "569634350930636800", "569634833917452288", "569635707746160642", "569638013287862273",
    "569639288649883648", "569640998491578369", "569642063005753344", "569643671198572544",
    "569646005315973120", "569647347547955200",
)
#: What the learner can decide for each tweet.
TRIAGE_CHOICES: dict[str, str] = {
    "now": "answer now (within minutes)",
    "later": "answer later today",
    "private": "answer, and move it to a private message",
    "none": "no reply",
}


def play_first_tweets(tweets: pd.DataFrame, ids: Sequence[str] = PLAY_FIRST_TWEET_IDS) -> pd.DataFrame:
    """The play-first tweets, in order: ``time`` (HH:MM), ``text`` (as the course shows a tweet:
    HTML entities decoded, other people's @handles, e-mails and phone numbers masked, the airlines'
    own handles kept; see :func:`~widgets.models.listening.mask_personal`),
    ``people`` (sentiment label), ``reason`` (negative reason or ""), ``complaint``, ``question``,
    ``needs`` (the lesson's rule) and ``why`` (a few words), indexed by tweet id."""
    _require(tweets, ["tweet_id", "tweet_created"], "tweets")
    everyone = distinct_tweets(tweets)
    data = everyone[everyone["tweet_id"].astype(str).isin(list(ids))].set_index("tweet_id")
    missing = [i for i in ids if i not in data.index]
    if missing:
        raise AnsweringError(f"the tweets have no tweet_id {missing[0]!r}: pass the course's airline "
                             "tweets (load('airline_tweets')).")
    data = data.loc[list(ids)]
    flags = answer_flags(data)
    needs = needs_answer(data)
    why = [("a service complaint" if c else "") + (" and " if c and q else "") + ("a question or request"
           if q else "") or "neither a service complaint nor a question"
           for c, q in zip(flags["complaint"], flags["question"], strict=True)]
    return pd.DataFrame({
        "time": local_times(data["tweet_created"]).dt.strftime("%H:%M").to_numpy(),
        "text": mask_personal(data["text"], airline_handles(everyone).values()).to_numpy(),
        "people": data["airline_sentiment"].astype(str).to_numpy(),
        "reason": data["negativereason"].astype(object).fillna("").astype(str).to_numpy(),
        "complaint": flags["complaint"].to_numpy(), "question": flags["question"].to_numpy(),
        "needs": needs.to_numpy(), "why": why}, index=pd.Index(list(ids), name="tweet_id"))


def compare_triage(choices: Mapping[str, str], table: pd.DataFrame) -> dict[str, int]:
    """How a learner's triage (tweet id -> a key of :data:`TRIAGE_CHOICES`) compares with the
    rule's verdicts in ``table`` (:func:`play_first_tweets`): ``chosen`` (tweets decided),
    ``answered`` (the learner would answer: now, later or privately), ``rule`` (the rule says
    needed an answer), ``agree`` (the two agree on whether to answer), ``you_only`` and
    ``rule_only``."""
    decided = {k: v for k, v in choices.items() if v in TRIAGE_CHOICES and k in table.index}
    you = {k: v != "none" for k, v in decided.items()}
    rule = {k: bool(table.loc[k, "needs"]) for k in decided}
    return {"chosen": len(decided), "answered": sum(you.values()), "rule": sum(rule.values()),
            "agree": sum(you[k] == rule[k] for k in decided),
            "you_only": sum(you[k] and not rule[k] for k in decided),
            "rule_only": sum(rule[k] and not you[k] for k in decided)}


# ----------------------------------------------------------------------------- support threads

#: Reply-speed bands (minutes, lower bound excluded, upper included) and their names.
SPEED_BANDS: tuple[tuple[float, float, str], ...] = (
    (0.0, 6.0, "within 6 minutes"), (6.0, 20.0, "6-20 minutes"), (20.0, 60.0, "20-60 minutes"),
    (60.0, 240.0, "1-4 hours"), (240.0, math.inf, "after 4 hours"),
)
TONES: tuple[str, ...] = ("template", "personal")
#: The held-out split: choose on one year, judge on the next.
FIT_YEAR, TEST_YEAR = 2024, 2025
#: Bootstrap resamples and seed used by the course's intervals (percentile intervals, 95%).
N_BOOT, BOOT_SEED = 2000, 6


def answered(threads: pd.DataFrame) -> pd.Series:
    """True where the thread got a first reply (``first_response_minutes`` is not empty)."""
    _require(threads, ["first_response_minutes"], "threads")
    return threads["first_response_minutes"].notna().rename("answered")


def year_of(threads: pd.DataFrame) -> pd.Series:
    """The year each thread was opened."""
    _require(threads, ["opened_at"], "threads")
    return threads["opened_at"].dt.year.rename("year")


def speed_band(minutes: pd.Series | Iterable[float]) -> pd.Series:
    """The :data:`SPEED_BANDS` name of each first-response time (empty: never answered, NaN)."""
    m = minutes if isinstance(minutes, pd.Series) else pd.Series(list(minutes), dtype=float)
    edges = [b[0] for b in SPEED_BANDS] + [math.inf]
    names = [b[2] for b in SPEED_BANDS]
    return pd.Series(pd.cut(m.astype(float), edges, labels=names, right=True), index=m.index,
                     name="speed")


def first_response_summary(threads: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """First-response times as a distribution, per group of ``by`` (or "all"): ``threads``,
    ``answered``, ``share_answered``, ``median`` and ``p90`` (minutes, answered threads only:
    a thread never answered has no response time, it is not a zero), ``mean`` (for contrast:
    pulled up by the long tail) and ``within_hour`` (share of ALL threads answered within 60
    minutes)."""
    _require(threads, ["first_response_minutes"] + ([by] if by else []), "threads")
    minutes = threads["first_response_minutes"].astype(float)
    groups = [("all", np.ones(len(threads), dtype=bool))]
    if by:
        keys = threads[by].astype(str).to_numpy()
        groups = [(g, keys == g) for g in _categories(threads[by])]
    rows = []
    for name, mask in groups:
        m = minutes[mask].dropna()
        n = int(mask.sum())
        rows.append({"group": name, "threads": n, "answered": len(m),
                     "share_answered": len(m) / n if n else math.nan,
                     "median": float(m.median()) if len(m) else math.nan,
                     "p90": float(m.quantile(0.9)) if len(m) else math.nan,
                     "mean": float(m.mean()) if len(m) else math.nan,
                     "within_hour": float((m <= 60).sum() / n) if n else math.nan})
    return pd.DataFrame(rows).set_index("group")


# ----------------------------------------------------------------------------- the bootstrap


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """``n_boot`` means of resamples of ``values`` drawn WITH replacement (each of the same size).

    Few rows: draw row numbers (in chunks, to keep memory small). Many rows with few distinct
    values (a stacked copy of the data): drawing n rows with replacement is drawing how many times
    each distinct value comes up, a multinomial over the distinct values with their frequencies;
    the same distribution, at a cost that grows with the distinct values, not with the rows."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        return np.full(n_boot, np.nan)
    distinct, counts = np.unique(values, return_counts=True)
    if n > 5 * len(distinct):
        draws = rng.multinomial(n, counts / n, size=n_boot)
        return draws @ distinct / n
    chunk = max(1, 2_000_000 // n)
    means = [values[rng.integers(0, n, (min(chunk, n_boot - k), n))].mean(axis=1)
             for k in range(0, n_boot, chunk)]
    return np.concatenate(means)


@dataclass(frozen=True)
class BootResult:
    """A difference (or ratio) of two means with a 95% bootstrap percentile interval."""

    estimate: float
    low: float
    high: float
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    n_boot: int

    def as_list(self) -> list[float]:
        """[estimate, low, high]: plain numbers, e.g. to hand to a check."""
        return [self.estimate, self.low, self.high]


def bootstrap_difference(a: Iterable[float], b: Iterable[float], n_boot: int = N_BOOT,
                         seed: int = BOOT_SEED, ratio: bool = False, level: float = 0.95) -> BootResult:
    """mean(a) - mean(b) (or mean(a) / mean(b) with ``ratio``), with a percentile bootstrap
    interval: each group resampled WITH replacement, at its own size, ``n_boot`` times.

    Without replacement every "resample" would be the sample itself and the interval would have
    no width. An empty group gives ``nan`` everywhere."""
    a = np.asarray(list(a) if not isinstance(a, np.ndarray | pd.Series) else a, dtype=float)
    b = np.asarray(list(b) if not isinstance(b, np.ndarray | pd.Series) else b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return BootResult(math.nan, math.nan, math.nan, len(a), len(b),
                          float(a.mean()) if len(a) else math.nan,
                          float(b.mean()) if len(b) else math.nan, n_boot)
    rng = np.random.default_rng(seed)
    ma, mb = _bootstrap_means(a, n_boot, rng), _bootstrap_means(b, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        samples = ma / mb if ratio else ma - mb
        estimate = a.mean() / b.mean() if ratio else a.mean() - b.mean()
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(samples, [tail, 100 - tail])
    return BootResult(float(estimate), float(low), float(high), len(a), len(b), float(a.mean()),
                      float(b.mean()), n_boot)


OUTCOMES: dict[str, str] = {
    "later_spend_usd": "later spend (USD per customer, 90 days)",
    "sentiment_change": "change in sentiment (after - before, -2..2)",
    "resolved": "share resolved",
}


def _outcome(threads: pd.DataFrame, outcome: str) -> pd.Series:
    if outcome == "sentiment_change":
        _require(threads, ["sentiment_before", "sentiment_after"], "threads")
        return (threads["sentiment_after"] - threads["sentiment_before"]).astype(float)
    _require(threads, [outcome], "threads")
    return threads[outcome].astype(float)


def reply_effect(threads: pd.DataFrame, outcome: str = "later_spend_usd", within: float | None = None,
                 after: float | None = None, tone: str | None = None, n_boot: int = N_BOOT,
                 seed: int = BOOT_SEED, ratio: bool = False, level: float = 0.95) -> BootResult:
    """The outcome of threads answered (within ``within`` minutes, after ``after`` minutes, with
    ``tone``, if given) minus that of threads never answered, with a 95% bootstrap interval.

    ``outcome``: a column (``later_spend_usd``, ``resolved``...) or ``"sentiment_change"``
    (after - before); ``level``: the interval's coverage. This is a comparison of two groups of
    threads: it measures the reply's effect only if who got answered, and how fast, was unrelated
    to the outcome otherwise."""
    values = _outcome(threads, outcome)
    minutes = threads["first_response_minutes"] if "first_response_minutes" in threads else None
    if minutes is None:
        _require(threads, ["first_response_minutes"], "threads")
    yes = minutes.notna().to_numpy()
    treated = yes.copy()
    if within is not None:
        treated &= (minutes <= within).to_numpy()
    if after is not None:
        treated &= (minutes > after).to_numpy()
    if tone is not None:
        _require(threads, ["reply_style"], "threads")
        if tone not in TONES:
            raise AnsweringError(f"the tone is one of {', '.join(TONES)}, not {tone!r}.")
        treated &= (threads["reply_style"].astype(object) == tone).to_numpy()
    return bootstrap_difference(values[treated], values[~yes], n_boot, seed, ratio, level)


def effect_by_speed(threads: pd.DataFrame, outcome: str = "later_spend_usd", tone: str | None = None,
                    n_boot: int = N_BOOT, seed: int = BOOT_SEED) -> pd.DataFrame:
    """Per speed band: ``n`` (threads answered that fast), ``mean`` (their outcome), ``gain``
    (minus never-answered threads' mean) with ``low``/``high`` (95% bootstrap: each band and the
    never-answered resampled with replacement at their own sizes; the never-answered resamples
    are shared by every row), plus a row ``"any reply"`` and ``"never answered"`` (the baseline,
    gain 0)."""
    values = _outcome(threads, outcome).to_numpy(dtype=float)
    minutes = threads["first_response_minutes"]
    bands = speed_band(minutes).astype(object).to_numpy()
    never_mask = minutes.isna().to_numpy()
    replied = ~never_mask
    if tone is not None:
        replied &= (threads["reply_style"].astype(object) == tone).to_numpy()
    never = values[never_mask]
    rng = np.random.default_rng(seed)
    never_means = _bootstrap_means(never, n_boot, rng)
    groups = [(name, replied & (bands == name)) for _lo, _hi, name in SPEED_BANDS]
    rows = []
    for name, mask in [*groups, ("any reply", replied)]:
        part = values[mask]
        with np.errstate(invalid="ignore"):
            samples = _bootstrap_means(part, n_boot, rng) - never_means
        gain = float(part.mean() - never.mean()) if len(part) and len(never) else math.nan
        low, high = (np.nanpercentile(samples, [2.5, 97.5]) if len(part) and len(never)
                     else (math.nan, math.nan))
        rows.append({"speed": name, "n": int(mask.sum()), "mean": float(part.mean()) if len(part)
                     else math.nan, "gain": gain, "low": float(low), "high": float(high)})
    rows.append({"speed": "never answered", "n": len(never), "mean": float(never.mean()) if len(never)
                 else math.nan, "gain": 0.0, "low": math.nan, "high": math.nan})
    return pd.DataFrame(rows).set_index("speed")


def answered_share(threads: pd.DataFrame, by: str) -> pd.DataFrame:
    """The share of threads answered per group of ``by`` (``"mood"`` for :func:`mood_thirds`),
    with a 95% Wilson interval: columns ``threads``, ``answered``, ``share``, ``low``, ``high``."""
    yes = answered(threads).to_numpy()
    if by == "mood":
        keys_s = mood_thirds(threads)
    else:
        _require(threads, [by], "threads")
        keys_s = threads[by]
    keys = keys_s.astype(str).to_numpy()
    rows = []
    for g in _categories(keys_s):
        mask = keys == g
        k, n = int(yes[mask].sum()), int(mask.sum())
        low, high = wilson_interval(k, n)
        rows.append({"group": g, "threads": n, "answered": k, "share": k / n if n else math.nan,
                     "low": low, "high": high})
    return pd.DataFrame(rows).set_index("group")


MOODS = ("angriest third", "middle third", "mildest third")


def mood_thirds(threads: pd.DataFrame) -> pd.Series:
    """Each thread's third of ``sentiment_before`` (an ordered category: angriest, middle,
    mildest), cut at its 1/3 and 2/3 quantiles (a tie at a cut goes to the lower third)."""
    _require(threads, ["sentiment_before"], "threads")
    before = threads["sentiment_before"].astype(float)
    if before.empty:
        return pd.Series(pd.Categorical([], categories=MOODS, ordered=True), index=before.index,
                         name="mood")
    q1, q2 = before.quantile([1 / 3, 2 / 3])
    codes = np.where(before <= q1, 0, np.where(before <= q2, 1, 2))
    return pd.Series(pd.Categorical.from_codes(codes, categories=MOODS, ordered=True),
                     index=before.index, name="mood")


# ----------------------------------------------------------------------------- a selective desk

SELECTIVE = ("mildest", "angriest")


def selective_desk(threads: pd.DataFrame, answers: str = "mildest", share: float = 0.6) -> pd.DataFrame:
    """The threads as they would look had the desk answered mostly one kind of customer: keep the
    answered threads from the ``answers`` end of ``sentiment_before`` (the ``share`` of all
    threads at that end) and the unanswered threads from the other end (the same share). Who
    got answered then depends on how the customer felt BEFORE the reply, as at a real desk;
    nothing else changes (the same threads, the same outcomes)."""
    _require(threads, ["sentiment_before", "first_response_minutes"], "threads")
    if answers not in SELECTIVE:
        raise AnsweringError(f"the desk answers the 'mildest' or the 'angriest', not {answers!r}.")
    if not 0 < share <= 1:
        raise AnsweringError(f"the share kept at each end is between 0 and 1, not {share!r}.")
    before = threads["sentiment_before"].astype(float)
    yes = answered(threads).to_numpy()
    if answers == "mildest":
        answered_end = (before >= before.quantile(1 - share)).to_numpy()
        unanswered_end = (before <= before.quantile(share)).to_numpy()
    else:
        answered_end = (before <= before.quantile(share)).to_numpy()
        unanswered_end = (before >= before.quantile(1 - share)).to_numpy()
    return threads[(yes & answered_end) | (~yes & unanswered_end)]


def naive_and_change(threads: pd.DataFrame) -> dict[str, float]:
    """Three ways to compare answered with unanswered threads: ``naive`` (mean sentiment_after,
    answered minus unanswered), ``change`` (mean of after - before, answered minus unanswered),
    ``before_gap`` (mean sentiment_before, answered minus unanswered: how unlike the two groups
    were before any reply), and ``spend`` (mean later spend, answered minus unanswered)."""
    _require(threads, ["sentiment_before", "sentiment_after", "later_spend_usd"], "threads")
    yes = answered(threads).to_numpy()

    def gap(values: pd.Series) -> float:
        v = values.to_numpy(dtype=float)
        return float(v[yes].mean() - v[~yes].mean()) if yes.any() and (~yes).any() else math.nan

    return {"naive": gap(threads["sentiment_after"]),
            "change": gap(threads["sentiment_after"] - threads["sentiment_before"]),
            "before_gap": gap(threads["sentiment_before"]),
            "spend": gap(threads["later_spend_usd"]), "answered": int(yes.sum()),
            "unanswered": int((~yes).sum())}


# ----------------------------------------------------------------------------- a rule chosen, then judged


@dataclass(frozen=True)
class HeldOut:
    """A triage rule ("answer this group first") chosen on one year and judged on the next."""

    by: str
    within: float
    table: pd.DataFrame  # per group: fit_gain, fit_n, test_gain, test_n (gains: fast reply - none)
    chosen: str  # the group with the largest gain in the fit year
    best_in_test: str  # the group that would have been chosen by looking at the test year (leakage)
    overall_fit: float  # every group pooled: the fit year's gain
    overall_test: BootResult  # every group pooled: the test year's gain, with its interval

    @property
    def chosen_fit(self) -> float:
        return float(self.table.loc[self.chosen, "fit_gain"])

    @property
    def chosen_test(self) -> float:
        return float(self.table.loc[self.chosen, "test_gain"])


def held_out(threads: pd.DataFrame, by: str = "issue_type", within: float = 20,
             outcome: str = "later_spend_usd", fit: int = FIT_YEAR, test: int = TEST_YEAR) -> HeldOut:
    """For each group of ``by``: the gain of a reply within ``within`` minutes over no reply (mean
    ``outcome``) in the ``fit`` year and in the ``test`` year. The rule "answer the group with the
    largest fit-year gain first" is chosen on ``fit`` only, then judged on ``test``, against the
    baseline that could beat it: any thread answered that fast (all groups pooled)."""
    _require(threads, [by, "first_response_minutes", "opened_at"], "threads")
    values = _outcome(threads, outcome).to_numpy()
    minutes = threads["first_response_minutes"].to_numpy(dtype=float)
    fast = minutes <= within  # NaN (never answered) compares False
    never = np.isnan(minutes)
    year = year_of(threads).to_numpy()
    keys = threads[by].astype(str).to_numpy()

    def gain(mask: np.ndarray) -> tuple[float, int]:
        a, b = values[mask & fast], values[mask & never]
        return (float(a.mean() - b.mean()) if len(a) and len(b) else math.nan), int(len(a))

    rows = []
    for g in _categories(threads[by]):
        in_g = keys == g
        fg, fn = gain(in_g & (year == fit))
        tg, tn = gain(in_g & (year == test))
        rows.append({"group": g, "fit_gain": fg, "fit_n": fn, "test_gain": tg, "test_n": tn})
    table = pd.DataFrame(rows).set_index("group")
    if table.empty or table["fit_gain"].isna().all():
        raise AnsweringError(f"no group of {by!r} has threads answered within {within:g} minutes "
                             f"and threads never answered in {fit}.")
    chosen = str(table["fit_gain"].idxmax())
    best_in_test = str(table["test_gain"].idxmax())
    in_test = year == test
    overall_test = bootstrap_difference(values[in_test & fast], values[in_test & never])
    overall_fit = gain(year == fit)[0]
    return HeldOut(by, within, table, chosen, best_in_test, overall_fit, overall_test)


# ----------------------------------------------------------------------------- the reply desk

EVERYONE, NOBODY = "everyone", "nobody"
ISSUE_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "orders": ("order problems (late delivery, damaged order)", ("late_delivery", "damaged_order")),
    "money": ("money (payment, refund, subscription)", ("payment", "refund", "subscription")),
    "app": ("app login", ("app_login",)),
    "questions": ("product questions", ("product_question",)),
    "cafe": ("café experience", ("cafe_experience",)),
}
#: The triage rule's groups: key -> (label, column, values). ``mood`` uses :func:`mood_thirds`.
TRIAGE_GROUPS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    EVERYONE: ("everyone", "", ()),
    **{k: (label, "issue_type", v) for k, (label, v) in ISSUE_GROUPS.items()},
    "x": ("threads on X", "platform", ("x",)),
    "facebook": ("threads on Facebook", "platform", ("facebook",)),
    "instagram": ("threads on Instagram", "platform", ("instagram",)),
    "tiktok": ("threads on TikTok", "platform", ("tiktok",)),
    "angriest": ("the angriest third (by sentiment before)", "mood", ("angriest third",)),
    "mildest": ("the mildest third (by sentiment before)", "mood", ("mildest third",)),
    NOBODY: ("nobody", "", ()),
}


@dataclass(frozen=True)
class Estimate:
    """A mean per customer with its 95% bootstrap interval."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class DeskOutcome:
    """What the data supports for one setting of the reply desk (see :meth:`ReplyDesk.outcome`)."""

    speed: int  # index into SPEED_BANDS: how fast the "answer first" group is answered
    tone: str
    first: str  # a TRIAGE_GROUPS key
    none: str  # a TRIAGE_GROUPS key
    threads: int
    fast: int  # answered at ``speed``
    later: int  # answered after 4 hours (everyone else who gets an answer)
    unanswered: int
    estimates: dict[str, Estimate]  # outcome -> your desk, per customer
    gains: dict[str, Estimate]  # outcome -> your desk minus "no replies"
    baselines: dict[str, dict[str, Estimate]]  # "no replies" / "as the brand did" -> outcome -> est.
    behind: dict[str, int]  # threads in the data behind each estimate: "fast", "later", "none"
    unanswered_by: pd.Series  # issue type -> threads left unanswered
    problem: str | None = None
    note: str | None = None

    @property
    def speed_name(self) -> str:
        return SPEED_BANDS[self.speed][2]


class ReplyDesk:
    """The reply desk's estimates, bootstrapped once, then combined per setting.

    Every thread of the data falls in one cell: its reply-speed band (5) x tone (2), or never
    answered. Each cell's mean outcome (later spend, sentiment change, resolved) is resampled
    ``n_boot`` times once, at construction (each cell with replacement, at its own size: a
    stratified bootstrap). A desk's setting puts each thread of the queue (the same threads) into
    a cell: the "answer first" group at the chosen speed and tone, everyone else not in the "no
    answer" group after 4 hours with the same tone, the "no answer" group unanswered. Its estimate
    is the mix of cell means, and its interval the same mix of the resampled means: a change of
    setting costs a few small sums, whatever the size of the data.

    The estimate assumes that a thread answered at a speed and tone does as well as the threads
    the data saw answered that way, whatever its issue, platform or mood: true in this synthetic
    file (the generator gives every thread the same reply effect and answers at random), never
    guaranteed in real data.
    """

    OUTCOME_KEYS = ("later_spend_usd", "sentiment_change", "resolved")

    def __init__(self, threads: pd.DataFrame, n_boot: int = 1000, seed: int = BOOT_SEED) -> None:
        if isinstance(threads, ReplyQueue):
            raise AnsweringError("a reply queue records who was answered and how fast, not what "
                                 "happened after the answer: the reply desk needs outcomes (later "
                                 "spend, sentiment before and after, resolved). Use the queue sizer.")
        _require(threads, ["first_response_minutes", "reply_style", "issue_type", "platform",
                           "sentiment_before", "sentiment_after", "resolved", "later_spend_usd"],
                 "threads")
        self.n = len(threads)
        minutes = threads["first_response_minutes"].to_numpy(dtype=float)
        band = np.full(self.n, -1, dtype=np.int64)
        for i, (lo, hi, _name) in enumerate(SPEED_BANDS):
            band[(minutes > lo) & (minutes <= hi)] = i
        tone = (threads["reply_style"].astype(object) == "personal").to_numpy(dtype=np.int64)
        self._none_cell = 2 * len(SPEED_BANDS)
        cell = np.where(band >= 0, band * 2 + tone, self._none_cell)
        self.cells = self._none_cell + 1
        self.cell_n = np.bincount(cell, minlength=self.cells)
        outcomes = {k: _outcome(threads, k).to_numpy(dtype=float) for k in self.OUTCOME_KEYS}
        rng = np.random.default_rng(seed)
        self.means: dict[str, np.ndarray] = {}
        self.boot: dict[str, np.ndarray] = {}  # outcome -> n_boot x cells
        for key, values in outcomes.items():
            means = np.full(self.cells, np.nan)
            boot = np.full((n_boot, self.cells), np.nan)
            for c in range(self.cells):
                v = values[cell == c]
                if len(v):
                    means[c] = v.mean()
                    boot[:, c] = _bootstrap_means(v, n_boot, rng)
            self.means[key], self.boot[key] = means, boot
        self.observed = self.cell_n / self.n if self.n else np.zeros(self.cells)
        self.issues = _categories(threads["issue_type"])
        self._issue = pd.Categorical(threads["issue_type"].astype(str), categories=self.issues).codes
        mood = mood_thirds(threads).astype(str).to_numpy()
        platform = threads["platform"].astype(str).to_numpy()
        issue = threads["issue_type"].astype(str).to_numpy()
        columns = {"issue_type": issue, "platform": platform, "mood": mood}
        self.groups: dict[str, np.ndarray] = {}
        for key, (_label, column, values) in TRIAGE_GROUPS.items():
            if key == EVERYONE:
                self.groups[key] = np.ones(self.n, dtype=bool)
            elif key == NOBODY:
                self.groups[key] = np.zeros(self.n, dtype=bool)
            else:
                self.groups[key] = np.isin(columns[column], values)
        before = threads["sentiment_before"].astype(float)
        self.mood_cuts = tuple(float(q) for q in before.quantile([1 / 3, 2 / 3])) if self.n else (
            math.nan, math.nan)
        self._cache: dict[tuple, DeskOutcome] = {}

    def label(self, key: str) -> str:
        """How a triage group is named on screen (the mood thirds with their cut points)."""
        label = TRIAGE_GROUPS[key][0]
        if key == "angriest":
            return f"the angriest third (sentiment before at most {self.mood_cuts[0]:+.2f})"
        if key == "mildest":
            return f"the mildest third (sentiment before above {self.mood_cuts[1]:+.2f})"
        return label

    def _mix(self, weights: np.ndarray) -> dict[str, Estimate]:
        out = {}
        for key in self.OUTCOME_KEYS:
            use = weights > 0
            value = float(self.means[key][use] @ weights[use])
            samples = self.boot[key][:, use] @ weights[use]
            low, high = np.percentile(samples, [2.5, 97.5])
            out[key] = Estimate(value, float(low), float(high))
        return out

    def _gain(self, weights: np.ndarray) -> dict[str, Estimate]:
        base = np.zeros(self.cells)
        base[self._none_cell] = 1.0
        return self._contrast(weights - base)

    def _contrast(self, diff: np.ndarray) -> dict[str, Estimate]:
        """Per outcome, the cell means weighted by ``diff``, with a 95% interval from the resamples."""
        out = {}
        use = diff != 0
        for key in self.OUTCOME_KEYS:
            if not use.any():
                out[key] = Estimate(0.0, 0.0, 0.0)
                continue
            value = float(self.means[key][use] @ diff[use])
            low, high = np.percentile(self.boot[key][:, use] @ diff[use], [2.5, 97.5])
            out[key] = Estimate(value, float(low), float(high))
        return out

    def _weights(self, speed: int, tone: str, first: str, none: str) -> np.ndarray:
        o = self.outcome(speed, tone, first, none)
        weights = np.zeros(self.cells)
        if self.n:
            t = TONES.index(tone)
            weights[int(speed) * 2 + t] += o.fast / self.n
            weights[(len(SPEED_BANDS) - 1) * 2 + t] += o.later / self.n
            weights[self._none_cell] += o.unanswered / self.n
        return weights

    def difference(self, a: tuple[int, str, str, str], b: tuple[int, str, str, str]) -> dict[str, Estimate]:
        """Setting ``a`` minus setting ``b`` (each ``(speed, tone, first, none)``), per outcome, with
        a 95% interval from the same resamples (so the two settings' noise is not counted twice)."""
        return self._contrast(self._weights(*a) - self._weights(*b))

    def outcome(self, speed: int = 0, tone: str = "personal", first: str = EVERYONE,
                none: str = NOBODY) -> DeskOutcome:
        """The desk's estimates when ``first`` (a :data:`TRIAGE_GROUPS` key) is answered at
        ``speed`` (an index of :data:`SPEED_BANDS`) with ``tone``, ``none`` gets no answer, and
        everyone else is answered after 4 hours with the same tone. Kept per setting."""
        key = (int(speed), tone, first, none)
        if key in self._cache:
            return self._cache[key]
        if not 0 <= int(speed) < len(SPEED_BANDS):
            raise AnsweringError(f"the speed is a band number from 0 to {len(SPEED_BANDS) - 1}, "
                                 f"not {speed!r}.")
        if tone not in TONES:
            raise AnsweringError(f"the tone is one of {', '.join(TONES)}, not {tone!r}.")
        for group in (first, none):
            if group not in TRIAGE_GROUPS:
                raise AnsweringError(f"there is no triage group {group!r}; choose one of: "
                                     f"{', '.join(TRIAGE_GROUPS)}.")
        t = TONES.index(tone)
        skip = self.groups[none]
        fast_mask = self.groups[first] & ~skip
        n_fast, n_none = int(fast_mask.sum()), int(skip.sum())
        n_later = self.n - n_fast - n_none
        weights = np.zeros(self.cells)
        fast_cell = int(speed) * 2 + t
        later_cell = (len(SPEED_BANDS) - 1) * 2 + t
        if self.n:
            weights[fast_cell] += n_fast / self.n
            weights[later_cell] += n_later / self.n
            weights[self._none_cell] += n_none / self.n
        no_replies = np.zeros(self.cells)
        no_replies[self._none_cell] = 1.0
        unanswered_by = pd.Series(np.bincount(self._issue[skip & (self._issue >= 0)],
                                              minlength=len(self.issues)), index=self.issues,
                                  name="unanswered")
        behind = {"fast": int(self.cell_n[fast_cell]), "later": int(self.cell_n[later_cell]),
                  "none": int(self.cell_n[self._none_cell])}
        baselines = {"no replies": self._mix(no_replies) if self.n else {},
                     "as the brand did": self._mix(self.observed) if self.n else {}}
        problem = note = None
        if self.n == 0:
            problem = "There are no threads in this queue: there is nothing to answer."
        elif n_none == self.n:
            problem = (f"This rule answers nobody: all {self.n:,} threads go unanswered, so there is "
                       "no reply to measure. Choose a smaller 'No answer for' group.")
        elif n_fast == 0 and first != NOBODY:
            note = (f"Nobody is answered first: everyone in '{self.label(first)}' is also in "
                    f"'{self.label(none)}', and 'no answer' wins.")
        result = DeskOutcome(int(speed), tone, first, none, self.n, n_fast, n_later, n_none,
                             self._mix(weights) if self.n else {}, self._gain(weights) if self.n else {},
                             baselines, behind, unanswered_by, problem, note)
        self._cache[key] = result
        return result


def answer_independence(threads: pd.DataFrame, by: str) -> dict[str, float]:
    """Pearson's chi-square test of whether the share answered differs across the groups of ``by``
    (``"mood"`` for :func:`mood_thirds`): ``chi2``, ``dof``, ``p`` and ``groups`` (the same as
    ``scipy.stats.chi2_contingency`` without its continuity correction, which only applies to a
    2 x 2 table). A small p says the shares differ more than chance alone would usually make them;
    with several tests, one in twenty comes out below 0.05 by chance."""
    from scipy.special import chdtrc  # the chi-square tail; scipy.stats would cost a second to import

    yes = answered(threads).to_numpy()
    if by == "mood":
        keys = mood_thirds(threads)
    else:
        _require(threads, [by], "threads")
        keys = threads[by]
    codes, groups = pd.factorize(keys.astype(str))
    table = np.zeros((len(groups), 2))
    np.add.at(table, (codes, yes.astype(int)), 1)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return {"chi2": math.nan, "dof": 0, "p": math.nan, "groups": int(table.shape[0])}
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = float(((table - expected) ** 2 / expected).sum())
    dof = (table.shape[0] - 1) * (table.shape[1] - 1)
    return {"chi2": chi2, "dof": int(dof), "p": float(chdtrc(dof, chi2)), "groups": int(table.shape[0])}
