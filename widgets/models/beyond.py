"""Lesson 08, beyond commerce: the same tools for a public-health organisation's goals.

The organisation is Harbour City Health, a fictional city health department, and its autumn 2025
flu-vaccine campaign (SYNTHETIC: ``load("health_posts")``, 173 posts, and
``load("health_questions")``, the public's questions, each answered or not). Nothing here is new
method: the lesson points lessons 04-06's models and widgets at another organisation, through
small adapters, and adds the measures a health department would count instead of sales.

* Adapters: :func:`health_post_set` (lesson 04's monologue-against-dialogue widget),
  :func:`health_listening_frame` (lesson 05's listening dashboard, questions by topic, counted by
  the day) and :func:`health_reply_queue` (lesson 06's queue sizer and response-time summaries).
* Play first: :func:`posts_with_questions` counts the questions asked under each post;
  :func:`question_ranking` ranks the post styles by questions per post, per 1,000 people reached
  or in total, with bootstrap intervals (lesson 04's :func:`~widgets.models.dialogue.ranking`).
* Measures that are not sales: :func:`kpi_table` (reach of the department's posts, questions
  answered and the time to an answer, myths corrected, booking clicks and bookings),
  :func:`response_summary` (median and 90th percentile, the never-answered kept apart),
  :func:`myths_corrected` (the share of myth questions answered against the others, with the
  interval of the difference), :func:`booking_funnel` (impressions, booking clicks, bookings) and
  :func:`far_travelled` (posts that reached many times their platform's usual, in reach or in
  reach per follower).

Everything in these two files is synthetic, and several patterns were put there by the generator
(``datasets/generate.py``: ``HEALTH_BOOKING_RATE``, ``HEALTH_MYTHS_ANSWER_RATE``,
``HEALTH_PLAYFUL_CHANCE``, ``HEALTH_QUESTIONS_PER_COMMENT``, ``HEALTH_OFFICE_HOURS``...): the lesson
says which. A column the data lacks raises the adapters' plain one-sentence errors
(:class:`~widgets.models.listening.ListeningError`,
:class:`~widgets.models.answering.AnsweringError`,
:class:`~widgets.models.dialogue.MissingColumn`) or :class:`HealthDataError`, naming the column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import ModelError
from .answering import ReplyQueue, first_response_summary, reply_queue
from .dialogue import (
    LEVEL,
    N_BOOT,
    SEED,
    Metric,
    MissingColumn,
    PostSet,
    Ranking,
    left_out,
    post_set,
    ranking,
)
from .listening import (
    ListeningFrame,
    SpikeRule,
    Vocabulary,
    difference_interval,
    listening_frame,
    mask_personal,
    wilson_interval,
)

__all__ = [
    "DAY_RULE", "MYTHS", "OFFICE_HOURS", "ORGANISATION", "QUESTION_MEASURES", "STYLES",
    "HealthDataError", "MythAnswers", "QuestionMeasure", "booking_funnel", "far_travelled",
    "health_listening_frame", "health_post_set", "health_reply_queue", "kpi_table",
    "myths_corrected", "office_hours", "posts_with_questions", "question_ranking", "question_words",
    "response_summary",
]

ORGANISATION = "Harbour City Health"
#: The post styles, in the data's order.
STYLES: tuple[str, ...] = ("broadcast", "question", "reply", "user_content", "behind_the_scenes")
#: The topic whose answered questions count as "myths corrected".
MYTHS = "myths"
#: Office hours: weekdays, from OFFICE_HOURS[0]:00 to OFFICE_HOURS[1]:59 (the generator's
#: ``HEALTH_OFFICE_HOURS``; a test keeps the two equal).
OFFICE_HOURS: tuple[int, int] = (8, 17)
#: The listening dashboard's spike rule for a three-month campaign counted by the day: a day is a
#: spike when it is above the median of the 7 days before by more than 3 times their spread, with
#: at least 5 questions (lesson 05's daily rule looks back 28 days: a third of this campaign).
DAY_RULE = SpikeRule(window=7, threshold=3.0, min_count=5, unit="day")
_TIME_ZONE = "Harbour City time"


class HealthDataError(ModelError):
    """The health data lacks what a measure needs: one plain sentence naming the column."""


def _require(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns[:14]))
        raise HealthDataError(f"the {name} have no column {missing[0]!r} (their columns: {have}).")


# ----------------------------------------------------------------------------- adapters


def question_words(group: str = "topic") -> Vocabulary:
    """How the listening dashboard and the queue sizer name the questions, grouped by ``group``
    ("topic" or "platform", the other one being the second filter), counted by the day."""
    if group not in ("topic", "platform"):
        raise HealthDataError(f"group the questions by 'topic' or 'platform', not {group!r}.")
    if group == "topic":
        return Vocabulary(item="question", items="questions", group="Topic", all_groups="All topics",
                          every="All questions", to_group="Questions about {}", reason="Platform",
                          any_reason="every platform", about="on {}", unit="day",
                          time_zone=_TIME_ZONE, labelled_by="", collection=False)
    return Vocabulary(item="question", items="questions", group="Platform",
                      all_groups="All platforms", every="All questions", to_group="Questions on {}",
                      reason="Topic", any_reason="every topic", about="about {}",
                      unit="day", time_zone=_TIME_ZONE, labelled_by="", collection=False)


def health_post_set(posts: pd.DataFrame) -> PostSet:
    """The department's posts (``load("health_posts")``) for lesson 04's widget: grouped by post
    style, post type (format) or platform, filtered to one platform or all four."""
    try:
        return post_set(posts, {"post style": "style", "post type": "format", "platform": "platform"},
                        label=f"Synthetic: {ORGANISATION}'s posts, 15 September to 14 December 2025",
                        evidence="Synthetic", filter_by="platform")
    except MissingColumn as problem:  # said in one sentence, without a traceback
        raise HealthDataError(str(problem)) from None


def health_listening_frame(questions: pd.DataFrame, group: str = "topic") -> ListeningFrame:
    """The questions (``load("health_questions")``) for lesson 05's listening dashboard: by topic
    (and platform) or by platform (and topic), counted by the day, sentiment by VADER only (nobody
    labelled them), spikes by :data:`DAY_RULE`."""
    other = "platform" if group == "topic" else "topic"
    words = question_words(group)
    return listening_frame(questions, time="asked_at", group=group, text="text", id="question_id",
                           reason=other, words=words, rule=DAY_RULE,
                           name=f"Synthetic: the questions people asked {ORGANISATION}")


def health_reply_queue(questions: pd.DataFrame, group: str = "topic") -> ReplyQueue:
    """The questions as a reply queue (lesson 06's columns: ``opened_at``,
    ``first_response_minutes``, ``answered``, ``group``), for the queue sizer and
    :func:`~widgets.models.answering.first_response_summary`; also keeps ``topic``, ``platform``
    and an ``office_hours`` column (True for a question asked in office hours)."""
    _require(questions, ["asked_at"], "questions")
    words = question_words(group if group in ("topic", "platform") else "topic")
    queue = reply_queue(questions, opened="asked_at", minutes="response_minutes", group=group,
                        answered="answered", words=words)
    frame = queue.frame.assign(office_hours=office_hours(queue.frame["opened_at"]).to_numpy())
    return ReplyQueue(frame, words)


def office_hours(times: pd.Series) -> pd.Series:
    """True for a time on a weekday between OFFICE_HOURS[0]:00 and OFFICE_HOURS[1]:59."""
    t = pd.to_datetime(times)
    inside = t.dt.hour.between(*OFFICE_HOURS) & (t.dt.day_of_week < 5)
    return inside.rename("office_hours")


# ----------------------------------------------------------------------------- play first


def posts_with_questions(posts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The posts with ``questions`` (how many questions were asked under each; a direct message,
    asked under no post, is left out), ``questions_per_1000`` (per 1,000 people the post reached;
    NaN for a post that reached nobody) and ``post style`` (the style as an ordered category)."""
    _require(posts, ["post_id", "style", "reach"], "posts")
    _require(questions, ["post_id"], "questions")
    under = questions["post_id"].dropna().astype(str)
    counts = under[under != ""].value_counts()
    out = posts.copy()
    out["questions"] = out["post_id"].astype(str).map(counts).fillna(0).astype(int).to_numpy()
    reach = out["reach"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["questions_per_1000"] = np.where(reach > 0, 1000 * out["questions"] / reach, np.nan)
    styles = [s for s in STYLES if s in set(out["style"].astype(str))] or \
        sorted(set(out["style"].astype(str)))
    out["post style"] = pd.Categorical(out["style"].astype(str), categories=styles)
    return out


@dataclass(frozen=True)
class QuestionMeasure(Metric):
    """A way of counting questions: shown with two decimals (a count per post of about 1 to 3 is
    otherwise too coarse to read), or as a whole number for a total."""

    def show(self, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        return f"{value:,.0f}" if self.key == "total" else f"{value:.2f}"


#: The play-first's three ways to count the questions each style drew.
QUESTION_MEASURES: dict[str, QuestionMeasure] = {
    "per_post": QuestionMeasure(
        "per_post", "questions per post", ("questions",), None, False,
        "questions asked under each post, averaged over the style's posts (direct messages left "
        "out)", "questions per post"),
    "per_1000_reached": QuestionMeasure(
        "per_1000_reached", "questions per 1,000 people reached", ("questions_per_1000",), None,
        False, "questions asked under each post per 1,000 people it reached, averaged over the "
        "style's posts", "questions per 1,000 people reached, per post"),
    "total": QuestionMeasure(
        "total", "questions in total", ("questions",), None, False,
        "every question asked under the style's posts, added up: it grows with the number of "
        "posts", "questions asked (count)"),
}


def question_ranking(frame: pd.DataFrame, measure: str = "per_post", by: str = "post style",
                     n_boot: int = N_BOOT, seed: int = SEED, level: float = LEVEL) -> Ranking:
    """Rank the groups of ``by`` (default: the post styles) by a :data:`QUESTION_MEASURES` key,
    each with a 95% bootstrap interval over its posts and its n. ``frame``:
    :func:`posts_with_questions`.

    "per_post" and "per_1000_reached" are lesson 04's :func:`~widgets.models.dialogue.ranking`
    (means per post). "total" adds up each group's questions; its interval resamples the group's
    posts at the same number of posts (n times the bootstrap means), so it says how much the total
    could vary for that many posts, not what more or fewer posts would have drawn. There is no
    "all posts" line for totals."""
    if measure not in QUESTION_MEASURES:
        raise HealthDataError(f"count the questions {', '.join(QUESTION_MEASURES)}, not {measure!r}.")
    metric = QUESTION_MEASURES[measure]
    r = ranking(frame, metric, by, n_boot=n_boot, seed=seed, level=level)
    if measure != "total":
        return r
    sizes = r.table["posts"]
    samples = {g: s * int(sizes[g]) for g, s in r.samples.items()}
    tail = (1 - level) / 2
    table = pd.DataFrame({
        "posts": sizes,
        "value": r.table["value"] * sizes,
        "low": [float(np.quantile(samples[g], tail)) if len(samples[g]) else math.nan for g in r.table.index],
        "high": [float(np.quantile(samples[g], 1 - tail)) if len(samples[g]) else math.nan
                 for g in r.table.index]}, index=r.table.index)
    order = np.lexsort((-table["value"].to_numpy(dtype=float), table["posts"].to_numpy() < 2))
    table = table.iloc[order]
    total = Ranking(metric, by, table, math.nan, left_out(frame, metric), samples)
    ranked = [g for g in table.index if table.at[g, "posts"] >= 2]
    if len(ranked) >= 2:
        diff = samples[ranked[0]] - samples[ranked[1]]
        total.lead = (float(np.quantile(diff, tail)), float(np.quantile(diff, 1 - tail)))
    return total


# ----------------------------------------------------------------------------- measures that are not sales


def response_summary(questions: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Time to an answer, as lesson 06 describes first-response times: per group of ``by`` (a
    column of the questions, or "office_hours"), ``threads`` (questions), ``answered``,
    ``share_answered``, ``median`` and ``p90`` minutes (answered questions only: a question never
    answered has no time, it is not a zero), ``mean`` and ``within_hour`` (share of ALL questions
    answered within 60 minutes)."""
    frame = health_reply_queue(questions).frame
    if by is not None and by not in frame.columns:
        raise HealthDataError(f"the questions have no column {by!r} to group by.")
    return first_response_summary(frame, by=by)


@dataclass(frozen=True)
class MythAnswers:
    """Myths corrected: myth questions answered, against the other questions, with the 95%
    interval of the difference of the two shares (Newcombe)."""

    asked: int
    answered: int
    others_asked: int
    others_answered: int
    difference: float
    low: float
    high: float

    @property
    def share(self) -> float:
        return self.answered / self.asked if self.asked else math.nan

    @property
    def others_share(self) -> float:
        return self.others_answered / self.others_asked if self.others_asked else math.nan


def myths_corrected(questions: pd.DataFrame, topic: str = MYTHS) -> MythAnswers:
    """How many questions about ``topic`` were answered (myths corrected, when the topic is
    myths), against every other question, and the difference of the shares with its interval."""
    _require(questions, ["topic", "answered"], "questions")
    mine = (questions["topic"].astype(str) == topic).to_numpy()
    yes = questions["answered"].astype(bool).to_numpy()
    k1, n1 = int(yes[mine].sum()), int(mine.sum())
    k2, n2 = int(yes[~mine].sum()), int((~mine).sum())
    d, lo, hi = difference_interval(k1, n1, k2, n2)
    return MythAnswers(n1, k1, n2, k2, d, lo, hi)


def booking_funnel(posts: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """From the department's posts to bookings, per group of ``by`` (or one row, "all posts"):
    ``posts``, ``reach`` (summed over posts: a person is counted once per post), ``impressions``,
    ``booking_clicks``, ``bookings``, ``clicks_per_1000_impressions``, ``bookings_per_click`` with
    its 95% Wilson interval (``low``, ``high``), ``bookings_per_post`` and
    ``bookings_per_1000_reached``. Sums over posts, then ratios (ratios of sums)."""
    _require(posts, ["reach", "impressions", "booking_clicks", "bookings"] + ([by] if by else []),
             "posts")
    keys = (pd.Series("all posts", index=posts.index) if by is None else posts[by].astype(str))
    order = (["all posts"] if by is None else
             [str(c) for c in (posts[by].cat.categories if isinstance(posts[by].dtype, pd.CategoricalDtype)
                               else sorted(keys.unique()))])
    rows = []
    for g in order:
        part = posts[(keys == g).to_numpy()]
        if not len(part):
            continue
        clicks, booked = int(part["booking_clicks"].sum()), int(part["bookings"].sum())
        reach, shown = int(part["reach"].sum()), int(part["impressions"].sum())
        low, high = wilson_interval(booked, clicks)
        rows.append({"group": g, "posts": len(part), "reach": reach, "impressions": shown,
                     "booking_clicks": clicks, "bookings": booked,
                     "clicks_per_1000_impressions": 1000 * clicks / shown if shown else math.nan,
                     "bookings_per_click": booked / clicks if clicks else math.nan,
                     "low": low, "high": high, "bookings_per_post": booked / len(part),
                     "bookings_per_1000_reached": 1000 * booked / reach if reach else math.nan})
    return pd.DataFrame(rows).set_index("group")


def far_travelled(posts: pd.DataFrame, times: float = 4.0, by: str = "reach") -> pd.DataFrame:
    """Posts that reached at least ``times`` their platform's usual, largest first: ``post_id``,
    ``platform``, ``style``, ``text`` (as the course shows it: other people's @handles masked),
    ``reach``, ``platform_median`` (the median reach of the platform's posts), ``ratio`` (reach over
    that median), ``per_follower`` (reach per follower over the platform's median reach per
    follower: a platform whose following grows during the campaign reaches more with its later posts
    without any of them travelling further; NaN without a ``followers`` column) and ``bookings``.
    ``by`` chooses which of the two ratios must reach ``times``: "reach" or "per_follower"."""
    _require(posts, ["post_id", "platform", "style", "text", "reach", "bookings"], "posts")
    if by not in ("reach", "per_follower"):
        raise HealthDataError(f"measure how far a post travelled by 'reach' or 'per_follower', not {by!r}.")
    if by == "per_follower":
        _require(posts, ["followers"], "posts")
    platform = posts["platform"].astype(str)
    median = posts.groupby(platform)["reach"].transform("median")
    ratio = posts["reach"] / median
    if "followers" in posts.columns:
        followers = posts["followers"].astype(float)
        rate = posts["reach"] / followers.where(followers > 0)
        per_follower = rate / rate.groupby(platform).transform("median")
    else:
        per_follower = pd.Series(np.nan, index=posts.index)
    out = posts.assign(platform_median=median, ratio=ratio, per_follower=per_follower,
                       text=mask_personal(posts["text"]).to_numpy())[
        ["post_id", "platform", "style", "text", "reach", "platform_median", "ratio", "per_follower",
         "bookings"]]
    key = "ratio" if by == "reach" else "per_follower"
    return out[out[key] >= times].sort_values(key, ascending=False, kind="stable")


def kpi_table(posts: pd.DataFrame, questions: pd.DataFrame) -> pd.DataFrame:
    """The measures a health department could report instead of sales, one row each: ``value``,
    ``unit``, ``counts`` (what it counts) and ``kind`` (reach: who saw it; conversation: who asked
    and was answered; behaviour: what people did)."""
    _require(posts, ["reach", "likes", "comments", "shares", "booking_clicks", "bookings"], "posts")
    times = response_summary(questions).loc["all"]
    myths = myths_corrected(questions)
    funnel = booking_funnel(posts).loc["all posts"]
    with np.errstate(divide="ignore", invalid="ignore"):
        engagement = ((posts["likes"] + posts["comments"] + posts["shares"]) / posts["reach"]
                      .where(posts["reach"] > 0)).mean()
    rows = [
        ("post reach, summed over posts", float(posts["reach"].sum()), "people x posts",
         "the department's posts seen: a person counts once per post they saw", "reach"),
        ("engagement per reach", 100 * float(engagement), "% (average per post)",
         "likes, comments and shares per person reached", "reach"),
        ("questions asked", float(times["threads"]), "questions",
         "questions under the posts and in direct messages", "conversation"),
        ("questions answered", 100 * float(times["share_answered"]), "% of questions",
         f"{int(times['answered'])} answered", "conversation"),
        ("time to an answer, median", float(times["median"]) / 60, "hours",
         "answered questions only", "conversation"),
        ("time to an answer, 90th percentile", float(times["p90"]) / 60, "hours",
         "one answered question in ten waited longer", "conversation"),
        ("answered within the hour", 100 * float(times["within_hour"]), "% of questions",
         "of ALL questions, the never-answered included", "conversation"),
        ("myths corrected", 100 * myths.share, "% of myth questions",
         f"{myths.answered} of {myths.asked} myth questions answered", "conversation"),
        ("booking clicks", float(funnel["booking_clicks"]), "clicks",
         "clicks from a post to the booking page", "behaviour"),
        ("bookings", float(funnel["bookings"]), "appointments",
         "appointments booked from those clicks (not vaccinations given)", "behaviour"),
        ("bookings per 1,000 reached", float(funnel["bookings_per_1000_reached"]), "per 1,000",
         "bookings per 1,000 of the summed post reach", "behaviour"),
    ]
    return pd.DataFrame(rows, columns=["measure", "value", "unit", "counts", "kind"]).set_index("measure")
