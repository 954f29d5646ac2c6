"""Lesson 09, the capstone: audit an account, set SMART targets, weigh reach against
conversation, and size a test of broadcast against conversational posts.

Everything works on a **posts table** with the course's posts columns (``data.load("posts")``, or
the ``.frame`` of a learner's own export, ``data.load_export(path)``): one row per post, with
``posted_at`` and as many of ``platform, style, text, followers, impressions, reach, likes,
comments, shares`` as the data has. :func:`prepare` checks it and says, in one sentence, what is
missing; every other function takes what it returns.

* **The audit** (:func:`audit`): posts per week, the conversational share of posts, and each
  metric of the course's fixed menu (:data:`METRICS`), over the whole period and over the
  **baseline**: the last :data:`BASELINE_WEEKS` weeks of the data, "now", with a bootstrap
  interval. Every metric is computed per post, then averaged over the posts (a post is left out
  of a rate whose denominator is zero or missing).
* **SMART targets** (:func:`check_target`, after Doran, 1981): a target is a number, dated, on a
  metric of the menu. It is checked against the baseline: more than :data:`MAX_MULTIPLE` times the
  current value is flagged as implausible; a date before the plan starts, a target of zero, text
  that is not a number, a metric the data cannot compute are refused with a plain sentence.
* **Reach against conversation** (:func:`trade_off`): the mean reach and comments of broadcast and
  conversational posts, compared **within each platform** (per follower when the data has
  followers), with a bootstrap over posts; :meth:`TradeOff.shift` turns the differences into what
  a given conversational share of posts is expected to change per week. This is an association in
  observational data, not a causal effect: posts differ in more than their style.
* **The test** (:func:`ab_design`): a two-arm test of broadcast against conversational posts,
  each post's style assigned at random. Its sample size and power come from statsmodels
  (``TTestIndPower``), on the metric's observed mean and standard deviation per post in the
  baseline, with the lifted arm's spread grown in proportion to the lift (:func:`spread_both`);
  the weeks it needs follow from the account's posts per week. :func:`simulated_power` checks
  the calculation by resampling the account's own posts.

Pure functions and frozen dataclasses: DataFrames and numbers in, numbers and tables out. Bad
input raises :class:`StrategyError`, whose message is one plain sentence.
"""

from __future__ import annotations

import functools
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from ..data import SCHEMAS
from . import ModelError

__all__ = [
    "BASELINE_WEEKS", "CONVERSATIONAL", "COUNT_COLUMNS", "LEVEL", "MAX_MULTIPLE", "METRICS",
    "MIN_GROUP", "N_BOOT", "OBJECTIVES", "SEED", "SMALL_GROUP", "Audit", "Design", "Metric",
    "MetricBaseline", "Posts", "Shift", "StrategyError", "TargetCheck", "TradeOff", "ab_design",
    "audit", "bootstrap_means", "check_target", "conversational_by_text", "last_weeks", "metric_values",
    "parse_date", "parse_number", "plan_start", "posts_per_week", "prepare", "recent",
    "simulated_power", "spread_both", "text_rule_agreement", "trade_off",
]

#: "Now": the baseline is the last 13 weeks (a quarter) of the data, ending at its last post.
BASELINE_WEEKS = 13
#: A target more than this many times the baseline is flagged as implausible (see the lesson:
#: it is a flag to justify, not a ban).
MAX_MULTIPLE = 3.0
#: Bootstrap resamples, seed and interval level, throughout the lesson and the canvas.
N_BOOT, SEED, LEVEL = 1000, 9, 0.95
#: A group with fewer posts than this is an anecdote, and the canvas says so.
SMALL_GROUP = 10
#: Fewer posts than this in a group (within a platform), and no comparison is made at all.
MIN_GROUP = 2
#: The course's post styles that talk *with* people (every style but ``broadcast``; see
#: datasets/README.md, posts.csv).
CONVERSATIONAL: tuple[str, ...] = ("question", "reply", "user_content", "behind_the_scenes")
#: The count columns of the posts schema a metric may use.
COUNT_COLUMNS: tuple[str, ...] = ("followers", "impressions", "reach", "likes", "comments",
                                  "shares", "clicks")
_ENGAGEMENT = ("likes", "comments", "shares")
_RESAMPLE_CELLS = 2_000_000  # posts x resamples drawn at once (memory stays under ~40 MB)

#: Groundswell's five objectives (Li & Bernoff), in the book's order, with what each means.
OBJECTIVES: dict[str, str] = {
    "listening": "Listening: use social channels to understand what customers say and need "
                 "(research).",
    "talking": "Talking: spread messages about the brand, and take part in the conversation "
               "(marketing).",
    "energizing": "Energizing: find the most enthusiastic customers and help them spread the word "
                  "(word of mouth).",
    "supporting": "Supporting: help customers support each other (a forum, a community, answers "
                  "they share).",
    "embracing": "Embracing: bring customers into how the business works, such as designing "
                 "products with them (the hardest).",
}


class StrategyError(ModelError):
    """Data the capstone cannot use, or a setting it cannot take; the message says why."""


# ---------------------------------------------------------------------------------------------
# The metric menu
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metric:
    """One metric of the canvas's fixed menu, computed per post and averaged over the posts."""

    key: str
    label: str          # "comments per post"
    unit: str           # for an axis title or a target: "comments per post", "% of reach"
    needs: tuple[str, ...]
    definition: str     # one sentence for the learner
    percent: bool = False   # shown and targeted in percent (4.5 means 4.5%)
    testable: bool = True   # can be compared between broadcast and conversational posts
    decimals: int = 1

    def show(self, value: float) -> str:
        if value is None or not math.isfinite(value):
            return "n/a"
        text = f"{value:,.{self.decimals}f}"
        return f"{text}%" if self.percent else text


METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("comments_per_post", "comments per post", "comments per post", ("comments",),
           "Comments a post drew, averaged over the posts (Kaushik's conversation rate)."),
    Metric("comment_share", "comments as a share of reactions", "% of likes, comments and shares",
           _ENGAGEMENT, "Comments / (likes + comments + shares), per post: how much of the "
           "response is conversation rather than applause.", percent=True),
    Metric("shares_per_post", "shares per post", "shares per post", ("shares",),
           "Shares (retweets, reposts) a post drew, averaged (Kaushik's amplification rate)."),
    Metric("likes_per_post", "likes per post", "likes per post", ("likes",),
           "Likes or reactions a post drew, averaged (Kaushik's applause rate)."),
    Metric("engagement_per_reach", "engagement per reach", "% of reach", (*_ENGAGEMENT, "reach"),
           "(Likes + comments + shares) / reach, per post: the response of the people who saw "
           "it.", percent=True, decimals=2),
    Metric("engagement_per_impression", "engagement per impression", "% of impressions",
           (*_ENGAGEMENT, "impressions"),
           "(Likes + comments + shares) / impressions, per post.", percent=True, decimals=2),
    Metric("engagement_per_1000_followers", "engagement per 1,000 followers",
           "per 1,000 followers", (*_ENGAGEMENT, "followers"),
           "(Likes + comments + shares) / followers x 1,000, per post (Rival IQ's definition, "
           "per 1,000).", decimals=2),
    Metric("reach_per_post", "reach per post", "accounts reached per post", ("reach",),
           "Different accounts a post was shown to, averaged.", decimals=0),
    Metric("impressions_per_post", "impressions per post", "impressions per post",
           ("impressions",), "Times a post was shown, averaged.", decimals=0),
    Metric("conversational_share", "conversational share of posts", "% of posts", ("style",),
           "The share of posts in a conversational style (a question, a reply, customers' "
           "content, behind the scenes) rather than a broadcast.", percent=True, testable=False,
           decimals=0),
)}


# ---------------------------------------------------------------------------------------------
# The posts, checked
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Posts:
    """A posts table the capstone can use, and what :func:`prepare` had to say about it.

    ``frame`` has ``posted_at`` (no missing dates), ``platform`` as text ("all" when the data has
    no platform column), each count column present as float (NaN: not recorded, or negative in
    the export), and ``conversational`` (True/False; absent when neither ``style`` nor ``text``
    is there). ``style_source`` says where ``conversational`` came from: "style", "text rule"
    or "" (nowhere).
    """

    frame: pd.DataFrame
    notes: tuple[str, ...]
    style_source: str
    missing: tuple[str, ...]   # posts-schema columns absent (or empty) in the data
    end: pd.Timestamp          # the last post

    @property
    def columns(self) -> set[str]:
        return set(self.frame.columns)


def conversational_by_text(text: pd.Series) -> pd.Series:
    """The course's rule for data without a ``style`` column: a post is conversational when its
    text asks something (a question mark) or speaks to someone (an @-mention); else a broadcast.

    A crude rule, and a baseline: it misses a conversational post that neither asks nor names
    anyone (behind the scenes), and counts a rhetorical question in an advert as conversation.
    :func:`text_rule_agreement` measures it where the true styles are known.
    """
    words = text.astype("string").fillna("")
    return (words.str.contains("?", regex=False) | words.str.contains(r"(?:^|\s)@\w", regex=True)
            ).astype(bool)


def text_rule_agreement(posts: pd.DataFrame) -> pd.DataFrame:
    """For each labelled style: the posts, and the share the text rule calls conversational.

    The last row, ``all``, gives the share of posts where the rule agrees with the label
    (``agrees``). Needs ``style`` and ``text``.
    """
    _need(posts, "style", "text")
    style = posts["style"].astype(str)
    truth = style.isin(CONVERSATIONAL)
    rule = conversational_by_text(posts["text"])
    rows = {s: {"posts": int((style == s).sum()),
                "called_conversational": float(rule[style == s].mean())}
            for s in ("broadcast", *CONVERSATIONAL) if (style == s).any()}
    out = pd.DataFrame(rows).T
    out["posts"] = out["posts"].astype(int)
    out["agrees"] = [float((rule[style == s] == truth[style == s]).mean()) for s in out.index]
    out.loc["all"] = [len(posts), float(rule.mean()), float((rule == truth).mean())]
    out["posts"] = out["posts"].astype(int)
    return out


def _need(posts: object, *columns: str) -> None:
    if not isinstance(posts, pd.DataFrame):
        raise StrategyError(f"expected a table of posts (a DataFrame), not {type(posts).__name__}: "
                            "start from posts = load('posts') or your export's .frame")
    missing = [c for c in columns if c not in posts.columns]
    if missing:
        raise StrategyError(f"the table has no {' or '.join(repr(c) for c in missing)} column")


def prepare(posts: object, why_missing: Mapping[str, str] | None = None) -> Posts:
    """Check a posts table and put it in the form every function here takes.

    ``posts``: the course's posts (``load("posts")``) or an export's ``.frame``. ``why_missing``:
    column -> why the data lacks it (an export's ``why_missing``), used in the notes.
    Raises :class:`StrategyError` for something that is not a table, a table with no posts, or no
    usable ``posted_at``.
    """
    if hasattr(posts, "frame") and isinstance(posts.frame, pd.DataFrame):
        why_missing = {**getattr(posts, "why_missing", {}), **(why_missing or {})}
        posts = posts.frame  # a LoadedExport
    if not isinstance(posts, pd.DataFrame):
        raise StrategyError(f"expected a table of posts (a DataFrame), not {type(posts).__name__}: "
                            "start from posts = load('posts') or your export's .frame")
    if posts.empty:
        raise StrategyError("the table has no posts: there is nothing to audit (was a filter too "
                            "strict, or is the export empty?)")
    if "posted_at" not in posts.columns:
        raise StrategyError("the table has no 'posted_at' column: the audit needs each post's date "
                            "to count posts per week and find the last 13 weeks")
    with warnings.catch_warnings():  # text dates of any form: each read on its own, quietly
        warnings.simplefilter("ignore", UserWarning)
        when = pd.to_datetime(posts["posted_at"], errors="coerce")
    notes: list[str] = []
    undated = int(when.isna().sum())
    if undated == len(posts):
        raise StrategyError("no post has a date in 'posted_at': the audit needs dates")
    out = pd.DataFrame({"posted_at": when})
    if undated:
        notes.append(f"{undated} post{'s' * (undated != 1)} without a date left out.")
    out["platform"] = (posts["platform"].astype("string").fillna("not recorded").astype(str)
                       if "platform" in posts.columns else "all")
    negatives = []
    for col in COUNT_COLUMNS:
        if col not in posts.columns:
            continue
        values = pd.to_numeric(posts[col], errors="coerce").astype("float64")
        bad = values < 0
        if bad.any():
            negatives.append(f"{col} ({int(bad.sum())})")
            values = values.mask(bad)
        out[col] = values
    if negatives:
        notes.append("Negative counts, which cannot be, were treated as not recorded: "
                     + ", ".join(negatives) + ".")
    style_source = ""
    if "style" in posts.columns and posts["style"].notna().any():
        style = posts["style"].astype("string")
        out["conversational"] = style.isin(CONVERSATIONAL).fillna(False).astype(bool)
        out["style"] = style.fillna("not recorded").astype(str)
        style_source = "style"
    elif "text" in posts.columns and posts["text"].notna().any():
        out["conversational"] = conversational_by_text(posts["text"])
        style_source = "text rule"
        notes.append("The data has no 'style' column, so each post was labelled by the course's "
                     "text rule (a question mark or an @-mention makes it conversational): lesson "
                     "09 shows how often that rule is wrong.")
    out = out[when.notna()].sort_values("posted_at", kind="stable").reset_index(drop=True)
    schema_cols = [c.name for c in SCHEMAS["posts"].columns if c.name != "clicks"]
    missing = tuple(c for c in schema_cols if c not in posts.columns
                    or not posts[c].notna().any())
    why = dict(why_missing or {})
    for col in ("followers", "reach", "comments"):
        if col in missing and col in why:
            notes.append(f"No '{col}': {why[col]}.")
    return Posts(frame=out, notes=tuple(notes), style_source=style_source, missing=missing,
                 end=out["posted_at"].max())


def metric_values(posts: Posts, key: str) -> pd.Series:
    """Each post's value of metric ``key`` (NaN where it cannot be computed for that post).

    Raises :class:`StrategyError` when the data lacks a column the metric needs.
    """
    metric = _metric(key)
    why = unavailable_reason(posts, key)
    if why:
        raise StrategyError(why)
    f = posts.frame
    if key == "conversational_share":
        return 100.0 * f["conversational"].astype(float)
    if key.endswith("_per_post"):
        return f[metric.needs[0]].astype(float)
    reactions = f["likes"] + f["comments"] + f["shares"]
    if key == "comment_share":
        return 100.0 * f["comments"] / reactions.where(reactions > 0)
    per = {"engagement_per_reach": ("reach", 100.0), "engagement_per_impression":
           ("impressions", 100.0), "engagement_per_1000_followers": ("followers", 1000.0)}[key]
    denominator = f[per[0]]
    return per[1] * reactions / denominator.where(denominator > 0)


def _metric(key: str) -> Metric:
    if key not in METRICS:
        raise StrategyError(f"{key!r} is not a metric of the canvas; choose one of: "
                            + ", ".join(METRICS))
    return METRICS[key]


def unavailable_reason(posts: Posts, key: str) -> str | None:
    """None when the data can compute metric ``key``; else one sentence saying which column it
    lacks."""
    metric = _metric(key)
    if key == "conversational_share":
        if "conversational" in posts.columns:
            return None
        return (f"{metric.label.capitalize()} needs each post's style: the data has neither a "
                "'style' nor a 'text' column.")
    absent = [c for c in metric.needs if c not in posts.columns or not posts.frame[c].notna().any()]
    if not absent:
        return None
    cols = " and ".join(f"'{c}'" for c in absent)
    return f"{metric.label.capitalize()} needs {cols}, which the data does not have."


# ---------------------------------------------------------------------------------------------
# Time: the baseline window, posts per week, when the plan starts
# ---------------------------------------------------------------------------------------------
def recent(posts: Posts, weeks: int = BASELINE_WEEKS) -> pd.DataFrame:
    """The posts of the last ``weeks`` weeks of the data: after ``end - weeks``, up to the last
    post (all of them when the data spans less)."""
    start = posts.end - pd.Timedelta(weeks=weeks)
    return posts.frame[posts.frame["posted_at"] > start]


def last_weeks(posts: pd.DataFrame, weeks: int = BASELINE_WEEKS) -> pd.DataFrame:
    """The rows of a posts table (any, e.g. ``load("posts")``) in its last ``weeks`` weeks: posted
    after its last post's time minus ``weeks`` weeks. The canvas's baseline is
    ``last_weeks(posts, 13)``."""
    _need(posts, "posted_at")
    if posts.empty:
        raise StrategyError("the table has no posts")
    when = pd.to_datetime(posts["posted_at"], errors="coerce")
    return posts[when > when.max() - pd.Timedelta(weeks=weeks)]


def span_weeks(frame: pd.DataFrame, weeks: int | None = None) -> float:
    """The weeks a set of posts covers: ``weeks`` when given (a window), else from its first post
    to its last plus one day, and at least one week."""
    if weeks is not None:
        return float(weeks)
    if frame.empty:
        return 0.0
    days = (frame["posted_at"].max() - frame["posted_at"].min()) / pd.Timedelta(days=1) + 1
    return max(days / 7.0, 1.0)


def posts_per_week(frame: pd.DataFrame, weeks: int | None = None) -> float:
    """Posts per week: the posts in ``frame`` over :func:`span_weeks`."""
    span = span_weeks(frame, weeks)
    return len(frame) / span if span else float("nan")


def plan_start(posts: Posts) -> date:
    """The day the plan starts: the day after the data's last post. Target dates must come after
    it (so a plan on the course's fictional brand, whose posts end on 31 December 2025, is dated
    from 1 January 2026)."""
    return (posts.end + pd.Timedelta(days=1)).date()


# ---------------------------------------------------------------------------------------------
# The bootstrap
# ---------------------------------------------------------------------------------------------
def bootstrap_means(values: np.ndarray, n_boot: int = N_BOOT, seed: int = SEED) -> np.ndarray:
    """The percentile bootstrap's raw material: ``n_boot`` means of resamples of the rows of
    ``values`` (drawn **with replacement**, as many rows as there are), column by column,
    ignoring NaN. ``values``: shape (n,) or (n, k). Returns shape (n_boot,) or (n_boot, k).

    Rows are drawn in chunks, so memory stays small however many posts there are.
    """
    arr = np.asarray(values, dtype=float)
    flat = arr.ndim == 1
    arr = arr.reshape(len(arr), -1) if arr.size else arr.reshape(len(arr), 1)
    n, k = arr.shape
    out = np.full((n_boot, k), np.nan)
    if n == 0:
        return out[:, 0] if flat else out
    rng = np.random.default_rng(seed)
    finite = np.isfinite(arr)
    filled = np.where(finite, arr, 0.0)
    step = max(1, _RESAMPLE_CELLS // n)
    for start in range(0, n_boot, step):
        b = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        # how often each row was drawn in each resample; then every column's sums at once
        times = np.bincount((idx + n * np.arange(b)[:, None]).ravel(), minlength=b * n)
        times = times.reshape(b, n).astype(float)
        sums, counts = times @ filled, times @ finite
        with np.errstate(invalid="ignore", divide="ignore"):
            out[start:start + b] = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return out[:, 0] if flat else out


def _interval(draws: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    good = draws[np.isfinite(draws)]
    if len(good) == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(good, [tail, 100 - tail])
    return float(low), float(high)


# ---------------------------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetricBaseline:
    """One metric in the audit: over the whole data, and over the baseline with its interval."""

    key: str
    whole: float         # mean over every post of the data
    baseline: float      # mean over the baseline's posts ("now")
    low: float           # 95% bootstrap interval of the baseline
    high: float
    n: int               # baseline posts with a value
    left_out: int        # baseline posts without one (missing count, zero denominator)
    best_rise: float     # the largest rise from a 13-week window to the same one a year later

    @property
    def metric(self) -> Metric:
        return METRICS[self.key]


@dataclass(frozen=True)
class Audit:
    """Where the account stands. ``metrics``: the menu's metrics the data can compute;
    ``unavailable``: the others, with the sentence saying why."""

    n_posts: int
    start: pd.Timestamp
    end: pd.Timestamp
    weeks: float
    posts_per_week: float
    baseline_posts: int
    baseline_weeks: float
    baseline_per_week: float
    platforms: pd.DataFrame          # per platform: posts, baseline posts, per week (baseline)
    conversational_share: float      # in the baseline, 0-1 (NaN: no style)
    style_source: str
    metrics: dict[str, MetricBaseline]
    unavailable: dict[str, str]
    notes: tuple[str, ...] = ()

    def baseline_of(self, key: str) -> MetricBaseline | None:
        return self.metrics.get(key)

    @property
    def baseline_label(self) -> str:
        """How the baseline is named in sentences: "last 13 weeks", or, for data spanning less,
        "whole 2.7 weeks of data"."""
        if self.baseline_weeks >= BASELINE_WEEKS:
            return f"last {BASELINE_WEEKS} weeks"
        return f"whole {self.baseline_weeks:.1f} weeks of data"


def weeks_before_end(when: pd.Series, end: pd.Timestamp) -> np.ndarray:
    """Each post's whole weeks before ``end`` (0: the last seven days)."""
    ns = (end.to_datetime64() - when.to_numpy(dtype="datetime64[ns]")).astype("int64")
    return ns // (7 * 24 * 3600 * 10**9)


def best_rise(age: np.ndarray, values: pd.Series, window: int = BASELINE_WEEKS,
              horizon: int = 52) -> float:
    """The largest rise the account ever achieved: over every ``window``-week stretch of the data,
    its mean divided by the mean of the same stretch ``horizon`` weeks earlier; the largest such
    ratio. ``age``: each post's :func:`weeks_before_end`. NaN when the data is shorter than
    ``window + horizon`` weeks."""
    ok = values.notna().to_numpy()
    if ok.sum() == 0:
        return float("nan")
    age = age[ok]
    vals = values.to_numpy(dtype=float)[ok]
    n_weeks = int(age.max()) + 1
    if n_weeks < window + horizon:
        return float("nan")
    sums = np.bincount(age, weights=vals, minlength=n_weeks)
    counts = np.bincount(age, minlength=n_weeks).astype(float)
    csum = np.concatenate([[0.0], np.cumsum(sums)])
    ccount = np.concatenate([[0.0], np.cumsum(counts)])
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (csum[window:] - csum[:-window]) / (ccount[window:] - ccount[:-window])
        rises = means[:-horizon] / means[horizon:]  # a stretch over the one a year before it
    rises = rises[np.isfinite(rises)]
    return float(rises.max()) if len(rises) else float("nan")


def audit(posts: Posts, n_boot: int = N_BOOT, seed: int = SEED) -> Audit:
    """The audit of ``posts`` (from :func:`prepare`): volume, style mix and every metric of the
    menu that the data can compute, now (the baseline) and over the whole data."""
    frame = posts.frame
    window = recent(posts)
    base_weeks = min(float(BASELINE_WEEKS), span_weeks(frame))
    keys = [k for k in METRICS if unavailable_reason(posts, k) is None]
    unavailable = {k: unavailable_reason(posts, k) or "" for k in METRICS if k not in keys}
    values = pd.DataFrame({k: metric_values(posts, k) for k in keys}, index=frame.index)
    in_window = frame.index.isin(window.index)
    draws = bootstrap_means(values[in_window].to_numpy(), n_boot, seed) if keys else None
    age = weeks_before_end(frame["posted_at"], posts.end)
    metrics = {}
    for j, key in enumerate(keys):
        v = values[key]
        vw = v[in_window]
        low, high = _interval(draws[:, j]) if draws is not None else (np.nan, np.nan)
        metrics[key] = MetricBaseline(
            key=key, whole=float(v.mean()), baseline=float(vw.mean()), low=low, high=high,
            n=int(vw.notna().sum()), left_out=int(vw.isna().sum()),
            best_rise=best_rise(age, v))
    per_platform = pd.DataFrame({
        "posts": frame.groupby("platform").size(),
        "baseline_posts": window.groupby("platform").size(),
    }).fillna(0).astype(int)
    per_platform["per_week"] = per_platform["baseline_posts"] / base_weeks
    per_platform = per_platform.sort_values("per_week", ascending=False)
    share = (float(window["conversational"].mean()) if "conversational" in window
             and len(window) else float("nan"))
    return Audit(
        n_posts=len(frame), start=frame["posted_at"].min(), end=posts.end,
        weeks=span_weeks(frame), posts_per_week=posts_per_week(frame),
        baseline_posts=len(window), baseline_weeks=base_weeks,
        baseline_per_week=len(window) / base_weeks, platforms=per_platform,
        conversational_share=share, style_source=posts.style_source, metrics=metrics,
        unavailable=unavailable, notes=posts.notes)


def monthly(posts: Posts, key: str) -> pd.DataFrame:
    """Metric ``key`` month by month: the mean per post and the posts behind it."""
    values = metric_values(posts, key)
    month = posts.frame["posted_at"].dt.to_period("M").dt.to_timestamp()
    out = values.groupby(month).agg(["mean", "count"])
    out.index.name = "month"
    return out.rename(columns={"count": "posts"})


# ---------------------------------------------------------------------------------------------
# SMART targets
# ---------------------------------------------------------------------------------------------
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text: object) -> float | None:
    """A target as a number: "12.5", "1,200", "4.5%", 12 (None when it is not one)."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float | np.integer | np.floating):
        return float(text) if math.isfinite(float(text)) else None
    s = str(text).strip().replace("\u2009", "").replace(" ", "").removesuffix("%")
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    elif re.fullmatch(r"[+-]?\d+,\d+", s):  # a decimal comma: 12,5
        s = s.replace(",", ".")
    return float(s) if _NUMBER.match(s) else None


def parse_date(text: object) -> date | None:
    """A date written as YYYY-MM-DD (or a date object); None when it is not one."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class TargetCheck:
    """The verdict on one target. ``status``: "empty" (nothing written yet), "invalid" (it is not
    a SMART target: the sentence says why), "implausible" (more than MAX_MULTIPLE times the
    baseline), "caution" (a target, with something to reconsider) or "plausible"."""

    row: int
    metric: str
    status: str
    sentence: str
    value: float | None = None
    by: date | None = None
    ratio: float | None = None
    weeks_needed: float | None = None

    @property
    def is_target(self) -> bool:
        return self.status in {"implausible", "caution", "plausible"}

    @property
    def reason(self) -> str:
        """The sentence without its "Target N: " and without the verdict word it starts with
        (shown beside the verdict)."""
        text = self.sentence.split(": ", 1)[-1]
        for word in ("plausible. ", "implausible. "):
            if text.startswith(word):
                return text[len(word):]
        return text


def check_target(audit: Audit, row: int, metric: str, value: object, by: object,
                 start: date, posts_per_week: float | None = None,
                 design: Design | None = None) -> TargetCheck:
    """Check one SMART target against the audit.

    ``metric``: a key of :data:`METRICS`; ``value``: the target, as the learner wrote it (text or
    a number); ``by``: the date (text "YYYY-MM-DD" or a date); ``start``: the day the plan starts
    (:func:`plan_start`); ``design``: the test of a lift of this size (:func:`ab_design`), when
    there is one, so the check can say whether the date leaves time to tell the change from
    noise. Every sentence is computed; nothing raises for bad input.
    """
    m = METRICS.get(metric)
    if m is None:
        return TargetCheck(row, str(metric), "invalid",
                           f"Target {row}: {metric!r} is not a metric the course computes.")
    name = m.label
    base = audit.baseline_of(metric)
    if base is None:
        return TargetCheck(row, metric, "invalid", f"Target {row}: "
                           + audit.unavailable.get(metric, f"{name} cannot be computed here."))
    now = (f"{name} is {m.show(base.baseline)} now ({audit.baseline_label}, "
           f"{base.n} posts)")
    written_value = "" if value is None else str(value).strip()
    written_by = "" if by is None else str(by).strip()
    if not written_value and not written_by:
        return TargetCheck(row, metric, "empty",
                           f"Target {row}: {now}. Write a target (a number) and a date "
                           "(YYYY-MM-DD).")
    if not written_value:
        return TargetCheck(row, metric, "invalid",
                           f"Target {row}: write the number you aim for; {now}.")
    number = parse_number(value)
    if number is None:
        return TargetCheck(row, metric, "invalid",
                           f"Target {row}: {written_value[:40]!r} is not a number. Write the "
                           f"target as a number in {m.unit} (for example "
                           f"{m.show(max(base.baseline, 0) * 1.2 or 1).rstrip('%')}).")
    if number <= 0:
        return TargetCheck(row, metric, "invalid", f"Target {row}: a target of {number:g} "
                           f"{m.unit} aims at {'nothing' if number == 0 else 'less than nothing'}:"
                           f" a target must be above zero; {now}.", value=number)
    if m.percent and number > 100:
        return TargetCheck(row, metric, "invalid", f"Target {row}: {number:g}% is more than all "
                           f"of them: a share cannot pass 100%.", value=number)
    if not written_by:
        return TargetCheck(row, metric, "invalid", f"Target {row}: by when? Write a date as "
                           "YYYY-MM-DD: a target without a date cannot be checked.", value=number)
    when = parse_date(by)
    if when is None:
        return TargetCheck(row, metric, "invalid", f"Target {row}: {written_by[:40]!r} is not a "
                           "date: write it as YYYY-MM-DD, for example "
                           f"{(start + timedelta(weeks=26)).isoformat()}.", value=number)
    if when < start:
        return TargetCheck(row, metric, "invalid", f"Target {row}: {when.isoformat()} is in the "
                           f"past: the plan starts on {start.isoformat()} (the day after the "
                           "data's last post), so date the target after it.", value=number,
                           by=when)
    weeks_left = (when - start).days / 7
    target = (f"{m.label} at {m.show(number)}" if m.percent else f"{m.show(number)} {m.unit}")
    target += f" by {when.isoformat()}"
    if not math.isfinite(base.baseline) or base.baseline <= 0:
        return TargetCheck(row, metric, "caution", f"Target {row}: {target}. The current value is "
                           f"{m.show(base.baseline)}, so no multiple of it can be checked: say in "
                           "the plan what the target rests on.", value=number, by=when)
    ratio = number / base.baseline
    times = f"{ratio:.2f} times the current {m.show(base.baseline)}"
    rise = base.best_rise
    history = (f"; the most it ever rose in a year was {rise:.2f} times (13 weeks against the "
               "same 13 weeks a year before)" if math.isfinite(rise) else "")
    if ratio > MAX_MULTIPLE:
        if math.isfinite(rise) and rise >= ratio:
            precedent = (f" This account did rise {rise:.2f} times in a year once"
                         + (" (a count per post also grows with the audience)"
                            if not m.percent and "per_1000" not in metric else "")
                         + ": if the plan counts on that again, say what will make it happen.")
        elif math.isfinite(rise):
            precedent = (f" Nothing in this account's history comes close: at most {rise:.2f} "
                         "times in a year. Keep it only if you can say what, outside these "
                         "posts (a growing audience, paid promotion, a new platform), will do it.")
        else:
            precedent = (" The data is too short to show how fast this metric has ever moved: "
                         "keep it only if you can say what will do it.")
        return TargetCheck(row, metric, "implausible", f"Target {row}: implausible. {target} is "
                           f"{times} ({audit.baseline_label}), and the canvas flags "
                           f"anything above {MAX_MULTIPLE:g} times.{precedent}", value=number,
                           by=when, ratio=ratio)
    weeks_needed = design.weeks if design is not None and ratio > 1 else None
    cautions = []
    if ratio < 1:
        cautions.append(f"it is below the current {m.show(base.baseline)}: the plan expects a "
                        "fall. Say why (a cost of the shift to conversation?)")
    elif math.isfinite(rise) and ratio > rise and weeks_left <= 60:
        cautions.append(f"it asks for more than this metric ever rose in a year here (at most "
                        f"{rise:.2f} times): say what will make this year different")
    elif math.isfinite(base.low) and base.low <= number <= base.high:
        cautions.append(f"it is inside the current value's 95% interval ({m.show(base.low)} to "
                        f"{m.show(base.high)}): the account could get there by chance, and "
                        "nobody could tell it had moved")
    if weeks_needed is not None and math.isfinite(weeks_needed) and weeks_needed > weeks_left:
        cautions.append(f"at {design.posts_per_week:.1f} posts a week, even a randomised test "
                        f"would need about {_weeks(weeks_needed)} of posts "
                        f"({design.total_posts:,} posts, {design.short()}) to tell a change of "
                        f"this size from noise, and the date is {_weeks(weeks_left)} away")
    if cautions:
        return TargetCheck(row, metric, "caution", f"Target {row}: {target} is {times}; but "
                           + "; and ".join(cautions) + ".", value=number, by=when, ratio=ratio,
                           weeks_needed=weeks_needed)
    enough = (f" A randomised test would tell a change of this size from noise in about "
              f"{_weeks(weeks_needed)} of posts ({design.short()}), within the "
              f"{_weeks(weeks_left)} to the date; comparing before with after cannot separate the "
              "plan from season and growth."
              if weeks_needed is not None and math.isfinite(weeks_needed) else "")
    return TargetCheck(row, metric, "plausible", f"Target {row}: plausible. {target} is {times} "
                       f"(at most {MAX_MULTIPLE:g} times){history}.{enough}", value=number,
                       by=when, ratio=ratio, weeks_needed=weeks_needed)


def _weeks(weeks: float) -> str:
    if not math.isfinite(weeks):
        return "forever"
    if weeks > 104:
        return f"{weeks / 52:.1f} years"
    w = max(1, math.ceil(weeks))
    return f"{w} week{'s' * (w != 1)}"


# ---------------------------------------------------------------------------------------------
# Reach against conversation
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shift:
    """What turning ``points`` (a fraction: 0.2 = 20 of every 100 posts) of each platform's posts
    from broadcast to conversational styles is expected to change per week, with 95% bootstrap
    intervals: ``reach`` and ``comments`` as counts per week, ``*_pct`` as a percent of the
    current weekly total. ``share`` is the conversational share of posts after the shift,
    ``current_share`` before (both weighted by each platform's posts per week)."""

    points: float
    share: float
    current_share: float
    reach: float
    reach_low: float
    reach_high: float
    reach_pct: float
    reach_pct_low: float
    reach_pct_high: float
    comments: float
    comments_low: float
    comments_high: float
    comments_pct: float
    comments_pct_low: float
    comments_pct_high: float


@dataclass(frozen=True)
class TradeOff:
    """Broadcast against conversational posts, within each platform, and what a shift implies.

    ``table``: one row per platform compared: posts of each group (whole data), the mean reach
    and comments of each group (per 1,000 followers when ``per_follower``, else per post), their
    difference with a 95% interval, and the platform's posts per week, followers and
    conversational share now (the baseline). ``reach_column`` is "reach", or "impressions" when
    the data has no reach. The bootstrap draws of each group's means are kept, so :meth:`shift`
    costs next to nothing for any shift.

    The expected change per week on a platform is: posts per week x followers now (/ 1,000) x
    the change in its conversational share x (conversational mean - broadcast mean); summed over
    the platforms. It assumes the difference seen in the past holds for the posts that change
    style: an association in observational data, not a causal effect.
    """

    table: pd.DataFrame
    per_follower: bool
    reach_column: str
    style_source: str
    notes: tuple[str, ...]
    draws: np.ndarray = field(repr=False)   # (n_boot, platforms, group [broadcast, conv], metric)
    means: np.ndarray = field(repr=False)   # (platforms, group, metric)

    @property
    def platforms(self) -> list[str]:
        return list(self.table.index)

    def _share(self, shares: np.ndarray) -> float:
        w = self.table["per_week"].to_numpy()
        return float((shares * w).sum() / w.sum()) if w.sum() else float("nan")

    @property
    def current_share(self) -> float:
        """The conversational share of posts now (weighted by each platform's posts per week)."""
        return self._share(self.table["share_now"].to_numpy())

    @property
    def small(self) -> list[str]:
        """Platforms where a group has fewer than SMALL_GROUP posts (an anecdote)."""
        t = self.table
        return [p for p in t.index if min(t.at[p, "n_broadcast"], t.at[p, "n_conversational"])
                < SMALL_GROUP]

    def _weekly(self, means: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weekly totals per metric now, and their change for the change in share ``delta`` (per
        platform); ``means`` has (platform, group, metric) as its last axes, draws before."""
        t = self.table
        scale = (t["per_week"] * t["followers_now"] / (1000.0 if self.per_follower else 1.0)
                 ).to_numpy()[:, None]
        now_share = t["share_now"].to_numpy()[:, None]
        broad, conv = means[..., 0, :], means[..., 1, :]
        now = (scale * (now_share * conv + (1 - now_share) * broad)).sum(axis=-2)
        change = (scale * delta[:, None] * (conv - broad)).sum(axis=-2)
        return now, change

    def shift(self, points: float) -> Shift:
        """Turn ``points`` of each platform's posts (0.2: 20 of every 100) from broadcast to
        conversational (negative: the other way), as far as the platform has such posts to turn,
        at its current volume and followers."""
        points = float(min(max(points, -1.0), 1.0))
        now_share = self.table["share_now"].to_numpy()
        delta = np.clip(now_share + points, 0.0, 1.0) - now_share
        now, change = self._weekly(self.means, delta)
        now_b, change_b = self._weekly(self.draws, delta)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct_b = 100 * change_b / now_b
            pct = 100 * change / now
        out = {}
        for j, name in enumerate(("reach", "comments")):
            low, high = _interval(change_b[:, j])
            plow, phigh = _interval(pct_b[:, j])
            out.update({name: float(change[j]), f"{name}_low": low, f"{name}_high": high,
                        f"{name}_pct": float(pct[j]), f"{name}_pct_low": plow,
                        f"{name}_pct_high": phigh})
        return Shift(points=points, share=self._share(now_share + delta),
                     current_share=self.current_share, **out)


def trade_off(posts: Posts, n_boot: int = N_BOOT, seed: int = SEED) -> TradeOff:
    """Broadcast against conversational posts on reach and comments, within each platform.

    Per post, or per 1,000 followers when the data has followers (so a platform whose audience
    grew is not read as a style effect). Each platform's posts are resampled within their group
    (broadcast, conversational) ``n_boot`` times. A platform where either group has fewer than
    MIN_GROUP posts is left out, and ``notes`` says so. Raises :class:`StrategyError` when the
    data has no style (nor text), no comments, no reach nor impressions, or no platform with
    both groups.
    """
    f = posts.frame
    if "conversational" not in f:
        raise StrategyError("the data has no 'style' (nor any 'text' to label posts by), so "
                            "broadcast and conversational posts cannot be told apart")
    reach_col = next((c for c in ("reach", "impressions") if c in f and f[c].notna().any()), None)
    if reach_col is None:
        raise StrategyError("the data has neither 'reach' nor 'impressions': the cost in reach "
                            "cannot be measured")
    if "comments" not in f or not f["comments"].notna().any():
        raise StrategyError("the data has no 'comments': the gain in conversation cannot be "
                            "measured")
    per_follower = "followers" in f and bool((f["followers"] > 0).any())
    values = f[[reach_col, "comments"]].to_numpy(dtype=float)
    if per_follower:
        followers = f["followers"].where(f["followers"] > 0).to_numpy(dtype=float)
        values = values / followers[:, None] * 1000.0
    window = recent(posts)
    base_weeks = min(float(BASELINE_WEEKS), span_weeks(f))
    rows, draws, means, notes = [], [], [], []
    for platform, part in f.groupby("platform", sort=True):
        conv = part["conversational"].to_numpy()
        idx = part.index.to_numpy()
        n_b, n_c = int((~conv).sum()), int(conv.sum())
        if min(n_b, n_c) < MIN_GROUP:
            notes.append(f"{platform}: {n_b} broadcast and {n_c} conversational post"
                         f"{'s' * (n_c != 1)}: too few to compare, left out.")
            continue
        recent_part = window[window["platform"] == platform]
        if recent_part.empty:
            notes.append(f"{platform}: no post in the last {BASELINE_WEEKS} weeks, left out.")
            continue
        group_draws, group_means = [], []
        for k, mask in enumerate((~conv, conv)):
            vals = values[idx[mask]]
            group_draws.append(bootstrap_means(vals, n_boot, seed + 101 * len(rows) + k))
            group_means.append(np.nanmean(vals, axis=0))
        draws.append(np.stack(group_draws, axis=1))       # (n_boot, group, metric)
        means.append(np.stack(group_means, axis=0))       # (group, metric)
        diff = np.stack(group_draws, axis=1)[:, 1, :] - np.stack(group_draws, axis=1)[:, 0, :]
        r_low, r_high = _interval(diff[:, 0])
        c_low, c_high = _interval(diff[:, 1])
        fol = recent_part["followers"].mean() if per_follower else 1.0
        rows.append({
            "platform": platform, "n_broadcast": n_b, "n_conversational": n_c,
            "reach_broadcast": group_means[0][0], "reach_conversational": group_means[1][0],
            "reach_diff": group_means[1][0] - group_means[0][0], "reach_low": r_low,
            "reach_high": r_high,
            "comments_broadcast": group_means[0][1], "comments_conversational": group_means[1][1],
            "comments_diff": group_means[1][1] - group_means[0][1], "comments_low": c_low,
            "comments_high": c_high,
            "per_week": len(recent_part) / base_weeks, "followers_now": float(fol),
            "share_now": float(recent_part["conversational"].mean()),
        })
    if not rows:
        raise StrategyError(f"no platform has at least {MIN_GROUP} broadcast and {MIN_GROUP} "
                            "conversational posts, so there is nothing to compare ("
                            + " ".join(notes).rstrip(".") + ")")
    table = pd.DataFrame(rows).set_index("platform")
    return TradeOff(table=table, per_follower=per_follower, reach_column=reach_col,
                    style_source=posts.style_source, notes=tuple(notes),
                    draws=np.stack(draws, axis=1), means=np.stack(means, axis=0))


# ---------------------------------------------------------------------------------------------
# The test: sample size and power (statsmodels)
# ---------------------------------------------------------------------------------------------
ALTERNATIVES: dict[str, str] = {"two-sided": "two-sided",
                                "larger": "one-sided (conversational better)"}


@dataclass(frozen=True)
class Design:
    """A two-arm test of broadcast against conversational posts on one metric.

    Half the posts are broadcast, half conversational, each post's style assigned at random (by
    platform when several are pooled). ``mean`` and ``sd`` are the metric's per post in the
    baseline (``sd``: pooled within platforms when several are pooled, ddof=1); the smallest
    lift worth detecting is ``lift`` (0.2 = 20% of the mean). The lift is taken to multiply each
    post's value, so the lifted arm's standard deviation is (1 + lift) x ``sd`` and the two arms'
    pooled one is ``sd_both`` (:func:`spread_both`); ``effect_size`` is Cohen's d,
    lift x mean / sd_both. ``n_per_arm`` comes from statsmodels' ``TTestIndPower.solve_power``,
    rounded up; ``weeks`` = both arms' posts / posts per week. ``platform`` is "all" only when
    several platforms are pooled (a single platform is named).
    """

    metric: str
    platform: str        # a platform, or "all"
    lift: float
    alpha: float
    power: float
    alternative: str     # "two-sided" or "larger"
    mean: float
    sd: float
    n_used: int
    effect_size: float
    n_per_arm: int
    posts_per_week: float

    @property
    def total_posts(self) -> int:
        return 2 * self.n_per_arm

    @property
    def sd_both(self) -> float:
        """The two arms' pooled standard deviation under the lift (see :func:`spread_both`)."""
        return spread_both(self.sd, self.lift)

    @property
    def weeks(self) -> float:
        if self.posts_per_week <= 0:
            return math.inf
        return round(self.total_posts / self.posts_per_week, 9)  # 60 / (60 / 13) is 13, not 13.000...02

    def short(self) -> str:
        sided = "two-sided" if self.alternative == "two-sided" else "one-sided"
        return f"power {self.power:.0%}, alpha {self.alpha:g}, {sided}"

    def power_at(self, weeks: Sequence[float] | np.ndarray) -> np.ndarray:
        """The test's power after each number of weeks (statsmodels ``TTestIndPower.power``)."""
        from statsmodels.stats.power import TTestIndPower

        per_arm = np.asarray(weeks, dtype=float) * self.posts_per_week / 2
        out = np.full(per_arm.shape, np.nan)
        ok = per_arm >= 2
        if ok.any() and self.effect_size > 0:
            out[ok] = TTestIndPower().power(effect_size=self.effect_size, nobs1=per_arm[ok],
                                            alpha=self.alpha, ratio=1.0,
                                            alternative=self.alternative)
        return out


def spread_both(sd: float, lift: float) -> float:
    """The standard deviation of both arms of a test together, when the lift multiplies each
    post's value: the lifted arm's spread is (1 + lift) x ``sd``, and Cohen's d pools the two,
    sqrt((sd**2 + ((1 + lift) * sd)**2) / 2).

    A count (comments, likes) that a style multiplies spreads out in proportion: ignoring it
    (dividing by ``sd`` alone) makes the test look stronger than it is, the more so the larger
    the lift."""
    return float(sd) * math.sqrt((1.0 + (1.0 + float(lift)) ** 2) / 2.0)


def simulated_power(values: Sequence[float] | np.ndarray | pd.Series, lift: float,
                    n_per_arm: int, alpha: float = 0.05, alternative: str = "two-sided",
                    n_sim: int = 2000, seed: int = SEED) -> float:
    """The share of ``n_sim`` simulated tests that find the lift: a check of a power calculation
    on the account's own posts, skew and all.

    Each simulated test draws two arms of ``n_per_arm`` posts from ``values`` (with replacement),
    multiplies every post of the second arm by 1 + ``lift``, and runs the two-sample t-test
    (scipy's ``ttest_ind``, ``alternative`` "two-sided" or "larger"). With ``lift`` = 0 it
    returns how often the test "finds" a difference that is not there (it should be ``alpha``).
    """
    from scipy.stats import ttest_ind

    pool = np.asarray(pd.Series(values, dtype="float64").dropna(), dtype=float)
    if len(pool) < 2:
        raise StrategyError("at least two posts with a value are needed to simulate a test")
    if n_per_arm < 2:
        raise StrategyError("each arm needs at least two posts")
    if alternative not in ALTERNATIVES:
        raise StrategyError(f"alternative must be 'two-sided' or 'larger', not {alternative!r}")
    rng = np.random.default_rng(seed)
    found = 0
    chunk = max(1, _RESAMPLE_CELLS // (2 * n_per_arm))
    for start in range(0, n_sim, chunk):
        b = min(chunk, n_sim - start)
        base = pool[rng.integers(0, len(pool), size=(b, n_per_arm))]
        lifted = pool[rng.integers(0, len(pool), size=(b, n_per_arm))] * (1.0 + lift)
        with np.errstate(invalid="ignore", divide="ignore"):
            p = ttest_ind(lifted, base, axis=1,
                          alternative="greater" if alternative == "larger" else "two-sided").pvalue
        found += int(np.sum(p < alpha))
    return found / n_sim


def pooled_sd(values: pd.Series, groups: pd.Series) -> float:
    """The standard deviation within groups, pooled (ddof=1 in each group)."""
    frame = pd.DataFrame({"v": values, "g": groups}).dropna()
    stats = frame.groupby("g")["v"].agg(["var", "count"])
    stats = stats[stats["count"] >= 2]
    dof = (stats["count"] - 1).sum()
    return float(np.sqrt(((stats["count"] - 1) * stats["var"]).sum() / dof)) if dof > 0 else float("nan")


def ab_design(posts: Posts, metric: str, lift: float = 0.2, alpha: float = 0.05,
              power: float = 0.8, alternative: str = "two-sided",
              platform: str = "all") -> Design:
    """Size a test of broadcast against conversational posts on ``metric`` (see :class:`Design`).

    Uses the baseline (last 13 weeks) of ``platform`` ("all": every platform, SD pooled within
    platforms). Raises :class:`StrategyError` for a metric that cannot be tested or computed,
    a platform the data lacks, settings out of range, or too few posts to estimate a spread.
    """
    m = _metric(metric)
    if not m.testable:
        raise StrategyError(f"{m.label} describes the plan itself (which posts are conversational),"
                            " not what a post achieves: test another metric")
    if not 0 < lift <= 10:
        raise StrategyError(f"the smallest lift worth detecting must be above 0 (a share: 0.2 is "
                            f"20%), not {lift!r}")
    if not 0 < alpha < 0.5:
        raise StrategyError(f"alpha must be between 0 and 0.5 (0.05 is usual), not {alpha!r}")
    if not 0.5 <= power < 1:
        raise StrategyError(f"power must be at least 0.5 and below 1 (0.8 is usual), not {power!r}")
    if alternative not in ALTERNATIVES:
        raise StrategyError(f"alternative must be 'two-sided' or 'larger', not {alternative!r}")
    values = metric_values(posts, metric)
    window = recent(posts)
    if platform != "all":
        if platform not in set(window["platform"]):
            raise StrategyError(f"there is no post on {platform!r} in the last {BASELINE_WEEKS} "
                                "weeks")
        window = window[window["platform"] == platform]
    v = values.loc[window.index]
    n_used = int(v.notna().sum())
    if n_used < 3:
        raise StrategyError(f"only {n_used} post{'s' * (n_used != 1)} with a value of {m.label} "
                            "in the last 13 weeks: too few to estimate its spread")
    mean = float(v.mean())
    pooled = platform == "all" and window["platform"].nunique() > 1
    sd = pooled_sd(v, window["platform"]) if pooled else float(v.std(ddof=1))
    if platform == "all" and not pooled:  # one platform in the data: name it
        platform = str(window["platform"].iloc[0])
    weeks = min(float(BASELINE_WEEKS), span_weeks(posts.frame))
    per_week = len(window) / weeks
    return _design(metric, platform, float(lift), float(alpha), float(power), alternative,
                   mean, sd, n_used, per_week)


@functools.lru_cache(maxsize=512)
def _n_per_arm(effect_size: float, alpha: float, power: float, alternative: str) -> float:
    """statsmodels' posts per arm. Its root finder gives up (nan) when the effect is so large
    that a handful of posts suffice; then the smallest whole number of posts with enough power
    (statsmodels' own ``power``, from 2 posts per arm up) is the answer."""
    from statsmodels.stats.power import TTestIndPower
    from statsmodels.tools import sm_exceptions  # noqa: F401 - it sets its warning filters on import

    analysis = TTestIndPower()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a failed search is handled below, not shown
        n = float(analysis.solve_power(effect_size=effect_size, alpha=alpha, power=power,
                                       ratio=1.0, alternative=alternative))
    if math.isfinite(n):
        return n
    sizes = np.arange(2, 100_001, dtype=float)
    reached = analysis.power(effect_size=effect_size, nobs1=sizes, alpha=alpha, ratio=1.0,
                             alternative=alternative) >= power
    if not reached.any():
        raise StrategyError("no test of up to 100,000 posts per arm would reach that power")
    return float(sizes[int(np.argmax(reached))])


def _design(metric: str, platform: str, lift: float, alpha: float, power: float,
            alternative: str, mean: float, sd: float, n_used: int, per_week: float) -> Design:
    if not (math.isfinite(sd) and sd > 0 and math.isfinite(mean) and mean > 0):
        raise StrategyError(f"{METRICS[metric].label} has no spread or no positive mean in the "
                            "last 13 weeks, so no lift of it can be sized")
    d = lift * mean / spread_both(sd, lift)
    n = _n_per_arm(round(d, 12), alpha, power, alternative)
    return Design(metric=metric, platform=platform, lift=lift, alpha=alpha, power=power,
                  alternative=alternative, mean=mean, sd=sd, n_used=n_used, effect_size=d,
                  n_per_arm=int(math.ceil(n - 1e-9)), posts_per_week=per_week)


# ---------------------------------------------------------------------------------------------
# One account, computed once: what the canvas and the plan read
# ---------------------------------------------------------------------------------------------
#: The settings of the test a target's check uses to ask "is there time to tell?".
CHECK_TEST = {"alpha": 0.05, "power": 0.8, "alternative": "two-sided", "platform": "all"}


class Account:
    """An account's posts, audited once; every other result computed on first use and kept.

    The canvas calls these on every control change, so each is cached by its settings: the
    bootstrap of the trade-off runs once per account, a test design once per setting.
    ``start`` is the day the plan starts (default: :func:`plan_start`).
    """

    def __init__(self, posts: object, why_missing: Mapping[str, str] | None = None,
                 start: date | None = None, n_boot: int = N_BOOT, seed: int = SEED) -> None:
        self.posts = prepare(posts, why_missing)
        self.n_boot, self.seed = n_boot, seed
        self.audit = audit(self.posts, n_boot, seed)
        self.start = start or plan_start(self.posts)
        self._monthly: dict[str, pd.DataFrame] = {}
        self._trade: TradeOff | StrategyError | None = None
        self._shifts: dict[int, Shift] = {}
        self._designs: dict[tuple, Design | StrategyError] = {}

    @property
    def metrics(self) -> list[str]:
        """The menu's metrics this data can compute, in the menu's order."""
        return list(self.audit.metrics)

    @property
    def testable(self) -> list[str]:
        return [k for k in self.metrics if METRICS[k].testable]

    @property
    def platforms(self) -> list[str]:
        """Platforms with posts in the baseline, most posts per week first."""
        t = self.audit.platforms
        return [str(p) for p in t.index if t.at[p, "baseline_posts"] > 0]

    def monthly(self, key: str) -> pd.DataFrame:
        if key not in self._monthly:
            self._monthly[key] = monthly(self.posts, key)
        return self._monthly[key]

    def trade_off(self) -> TradeOff:
        """:func:`trade_off` of the account (raises its StrategyError, kept, on every call)."""
        if self._trade is None:
            try:
                self._trade = trade_off(self.posts, self.n_boot, self.seed)
            except StrategyError as problem:
                self._trade = problem
        if isinstance(self._trade, StrategyError):
            raise self._trade
        return self._trade

    def shift(self, points: int) -> Shift:
        """:meth:`TradeOff.shift` for a whole number of percentage points."""
        if points not in self._shifts:
            self._shifts[points] = self.trade_off().shift(points / 100)
        return self._shifts[points]

    def design(self, metric: str, lift: float = 0.2, alpha: float = 0.05, power: float = 0.8,
               alternative: str = "two-sided", platform: str = "all") -> Design:
        """:func:`ab_design` on the account (raises its StrategyError)."""
        key = (metric, round(float(lift), 6), float(alpha), float(power), alternative, platform)
        if key not in self._designs:
            try:
                self._designs[key] = ab_design(self.posts, metric, lift, alpha, power, alternative,
                                               platform)
            except StrategyError as problem:
                self._designs[key] = problem
        found = self._designs[key]
        if isinstance(found, StrategyError):
            raise found
        return found

    def check(self, row: int, metric: str, value: object, by: object) -> TargetCheck:
        """:func:`check_target`, with the test of the lift the target implies (CHECK_TEST)."""
        design = None
        base = self.audit.baseline_of(metric)
        number = parse_number(value)
        if (base is not None and number is not None and METRICS[metric].testable
                and math.isfinite(base.baseline) and base.baseline > 0
                and 1 < number / base.baseline <= MAX_MULTIPLE):
            try:
                design = self.design(metric, round(number / base.baseline - 1, 4), **CHECK_TEST)
            except StrategyError:
                design = None
        return check_target(self.audit, row, metric, value, by, self.start, design=design)
