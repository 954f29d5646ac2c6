"""Lesson 08, beyond commerce: five checked questions and one reflection on Harbour City Health.

Each numeric question asks for a method of lessons 04-06 on a slice of the health data the lesson
did not compute: lesson 06's time to an answer on one platform, lesson 05's difference of two
shares with its interval on two platforms, lesson 04's per-post comparison with a bootstrap
interval for one post type. Two interpretation questions ask what the booking funnel (by platform,
where the lesson read it by style) and the platform gap support. Expected answers are computed
from the shipped data when a check runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..checks import CORRECT, INCORRECT, ChoiceQuestion, Mistake, Question, Reflection, Verdict
from ..data import load
from ..models.beyond import booking_funnel
from ..models.dialogue import bootstrap_difference
from ..models.listening import difference_interval, wilson_interval

LESSON = "08"
#: q1: time to an answer on one platform.
Q1_PLATFORM = "instagram"
#: q2 and q5: the share of questions answered on one platform minus another's.
Q2_PLATFORM, Q2_AGAINST = "tiktok", "x"
#: q3: bookings per post, posts of this format minus all the others.
Q3_FORMAT = "link"


@cache
def _questions() -> pd.DataFrame:
    return load("health_questions")


@cache
def _posts() -> pd.DataFrame:
    return load("health_posts")


def _number(a: object) -> float | None:
    if isinstance(a, bool | str):
        return None
    try:
        return float(a)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _values(a: object, n: int) -> list[float] | None:
    """The answer as ``n`` numbers, or None."""
    if isinstance(a, str | bytes) or not hasattr(a, "__len__"):
        return None
    try:
        values = [float(v) for v in list(a)]  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return values if len(values) == n else None


def _close_pair(a: object, pair: tuple[float, float], rtol: float = 0.01) -> bool:
    v = _values(a, 2)
    return v is not None and all(math.isclose(x, y, rel_tol=rtol) for x, y in zip(v, pair, strict=True))


# ----------------------------------------------------------------------------- q1: time to an answer


def _q1_waits(platform: str | None = Q1_PLATFORM, fill: float | None = None) -> pd.Series:
    q = _questions()
    part = q if platform is None else q[q["platform"] == platform]
    minutes = part["response_minutes"]
    return minutes.fillna(fill) if fill is not None else minutes.dropna()


def _q1(platform: str | None = Q1_PLATFORM, low: float = 0.5, high: float = 0.9,
        fill: float | None = None, scale: float = 1.0) -> tuple[float, float]:
    w = _q1_waits(platform, fill)
    return (float(w.quantile(low)) / scale, float(w.quantile(high)) / scale)


#: Other definitions of a sample quantile a learner may use (numpy's ``method``s; the standard
#: library's ``statistics.quantiles`` defaults to "weibull", its "inclusive" is pandas' "linear").
Q1_QUANTILE_METHODS = ("lower", "higher", "nearest", "midpoint", "inverted_cdf",
                       "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
                       "hazen", "weibull", "median_unbiased", "normal_unbiased")


def _q1_other_definition(a: object) -> bool:
    """The answer is the median and 90th percentile by another definition of a sample quantile
    (and not the course's: a learner who rounds the right answer is not told this)."""
    if _close_pair(a, _q1()):
        return False
    w = _q1_waits().to_numpy()
    return any(_close_pair(a, tuple(float(v) for v in np.quantile(w, [0.5, 0.9], method=method)))
               for method in Q1_QUANTILE_METHODS)


q1 = Question(
    LESSON, "q1", "instagram_waits",
    expected=lambda: list(_q1()),
    title="Time to an answer on Instagram: the median and the 90th percentile (minutes)",
    rtol=0.01,
    hints=[
        f"Keep the questions asked on `{Q1_PLATFORM}`. Only questions that were answered have a "
        "time to an answer (`response_minutes`).",
        "Leave the never-answered questions out of the times (`.dropna()`): they have no time, not "
        "a time of 0. Report them apart.",
        "`.quantile(0.5)` and `.quantile(0.9)` of the remaining minutes; answer "
        "`[median, p90]` in minutes. `response_summary(questions[questions['platform'] == "
        "'instagram'])` shows both.",
    ],
    mistakes=[
        Mistake("The never-answered questions were counted as answered in 0 minutes: leave them "
                "out of the times (`.dropna()`) and report how many there are apart.",
                test=lambda a: _close_pair(a, _q1(fill=0.0))),
        Mistake("That looks like hours: give the times in minutes, the column's unit.",
                test=lambda a: _close_pair(a, _q1(scale=60.0))),
        Mistake(f"That is every platform: keep the questions asked on `{Q1_PLATFORM}`.",
                test=lambda a: _close_pair(a, _q1(platform=None))),
        Mistake("The order is [median, 90th percentile]: the median comes first.",
                test=lambda a: _close_pair(a, tuple(reversed(_q1())))),
        Mistake("Your first number is the mean, not the median: one very slow answer pulls the mean "
                "up. Use `.quantile(0.5)` (or `.median()`).",
                test=lambda a: (v := _values(a, 2)) is not None
                and math.isclose(v[0], float(_q1_waits().mean()), rel_tol=0.01)),
        Mistake("Your second number is the 10th percentile, the fastest tenth: the 90th is "
                "`.quantile(0.9)`.", test=lambda a: _close_pair(a, _q1(high=0.1))),
        Mistake("Those are the median and 90th percentile by another definition of a quantile "
                "(`statistics.quantiles`' default, or numpy's 'nearest', 'lower', 'weibull'...): with "
                "this few answered questions the definitions differ by up to a tenth at the 90th "
                "percentile. Use pandas' `.quantile(0.5)` and `.quantile(0.9)` (linear "
                "interpolation, numpy's default), as the course does.", test=_q1_other_definition),
        Mistake("Give two numbers, the median and the 90th percentile, e.g. "
                "`instagram_waits = [median, p90]`.",
                test=lambda a: _number(a) is not None or (_values(a, 2) is None and hasattr(a, "__len__")
                                                          and not isinstance(a, str))),
    ],
)

# ----------------------------------------------------------------------------- q2, q5: two platforms


def _q2_counts(platform: str = Q2_PLATFORM, against: str | None = Q2_AGAINST) -> tuple[int, int, int, int]:
    q = _questions()
    mine = (q["platform"] == platform).to_numpy()
    other = ~mine if against is None else (q["platform"] == against).to_numpy()
    yes = q["answered"].to_numpy(dtype=bool)
    return int(yes[mine].sum()), int(mine.sum()), int(yes[other].sum()), int(other.sum())


def _q2(platform: str = Q2_PLATFORM, against: str | None = Q2_AGAINST) -> tuple[float, float, float]:
    return difference_interval(*_q2_counts(platform, against))


@dataclass
class IntervalQuestion(Question):
    """An answer ``[estimate, low, high]``: the estimate must match within ``point_atol``; each end
    of the interval within ``atol`` of the course's (so a careful learner's variant passes: another
    interval method for two shares, their own bootstrap with 1,000 or more resamples)."""

    point_atol: float = 0.005

    def evaluate(self, answer: Any) -> Verdict:
        verdict = super().evaluate(answer)
        if verdict.status != CORRECT:
            return verdict
        expected = self.expected() if callable(self.expected) else self.expected
        values = _values(answer, 3)
        if values is not None and abs(values[0] - float(expected[0])) <= self.point_atol:
            return verdict
        for mistake in self.mistakes:
            if mistake.matches(answer, self.rtol, self.atol, self.ordered):
                return self._verdict(INCORRECT, mistake.feedback)
        return self._verdict(INCORRECT, self.wrong)


def _point_is(point: Any, tol: float = 0.005) -> Any:
    """A mistake's test: the answer's estimate (its first number) is ``point()``."""
    return lambda a: (v := _values(a, 3)) is not None and abs(v[0] - point()) <= tol


def _misordered(point: Any, tol: float = 0.005) -> Any:
    def test(a: object) -> bool:
        v = _values(a, 3)
        if v is None:
            return False
        low, middle, high = sorted(v)
        return v != [middle, low, high] and abs(middle - point()) <= tol
    return test


def _q2_each_interval(a: object) -> bool:
    """The answer gives the difference with an interval made from the two shares' own intervals
    subtracted end to end (too wide), not the interval of the difference."""
    v = _values(a, 3)
    if v is None or abs(v[0] - _q2()[0]) > 0.005:
        return False
    k1, n1, k2, n2 = _q2_counts()
    l1, h1 = wilson_interval(k1, n1)
    l2, h2 = wilson_interval(k2, n2)
    return abs(v[1] - (l1 - h2)) < 0.01 and abs(v[2] - (h1 - l2)) < 0.01


q2 = IntervalQuestion(
    LESSON, "q2", "tiktok_gap",
    expected=lambda: list(_q2()),
    title="The share of questions answered: TikTok minus X, with a 95% interval",
    rtol=0, atol=0.01,
    hints=[
        f"For the questions asked on `{Q2_PLATFORM}` and on `{Q2_AGAINST}`: how many of each were "
        "answered (`answered` is True), out of how many asked. The shares are answered / asked.",
        "The difference is share(TikTok) - share(X), as a fraction (not percentage points). For its "
        "95% interval, lesson 05 used Newcombe's interval for a difference of two shares.",
        "`difference_interval(k1, n1, k2, n2)` (from `widgets.models.listening`) returns "
        "`(difference, low, high)`, with k answered and n asked on each platform.",
    ],
    mistakes=[
        Mistake("That looks like percentage points: give the difference and its ends as fractions "
                "(e.g. -0.05, not -5).",
                test=lambda a: (v := _values(a, 3)) is not None and abs(v[0] / 100 - _q2()[0]) <= 0.005),
        Mistake(f"That is {Q2_AGAINST} minus {Q2_PLATFORM}: the question asks for {Q2_PLATFORM} minus "
                f"{Q2_AGAINST} (the sign flips, and the ends swap).",
                test=_point_is(lambda: -_q2()[0])),
        Mistake(f"That compares {Q2_PLATFORM} with every other platform: the question asks for "
                f"{Q2_PLATFORM} against {Q2_AGAINST} only.", test=_point_is(lambda: _q2(against=None)[0])),
        Mistake("Those ends subtract the two shares' own intervals end to end: that interval is too "
                "wide. Use the interval of the difference (`difference_interval`).",
                test=_q2_each_interval),
        Mistake("Give three numbers, in this order: the difference, the interval's low end, its high "
                "end (e.g. `tiktok_gap = [d, low, high]`).",
                test=lambda a: not isinstance(a, str) and hasattr(a, "__len__") and len(a) != 3),
        Mistake("The order is [difference, low, high]: the difference lies between the two ends.",
                test=_misordered(lambda: _q2()[0])),
        Mistake("Your difference is right, but the interval is not the one the two shares give: "
                "`difference_interval(k1, n1, k2, n2)`.", test=_point_is(lambda: _q2()[0])),
    ],
)

# ----------------------------------------------------------------------------- q3: bookings per post


#: Resamples behind q3's expected interval: many, so that its own randomness is negligible.
Q3_BOOT = 20_000


def _q3_groups(fmt: str = Q3_FORMAT, column: str = "bookings",
               rest: str = "others") -> tuple[np.ndarray, np.ndarray]:
    p = _posts()
    mine = (p["format"].astype(str) == fmt).to_numpy()
    other = ~mine if rest == "others" else (p["format"].astype(str) == rest).to_numpy()
    values = p[column].to_numpy(dtype=float)
    return values[mine], values[other]


@cache
def _q3() -> tuple[float, float, float]:
    a, b = _q3_groups()
    low, high = bootstrap_difference(a, b, n_boot=Q3_BOOT, seed=8)
    return float(a.mean() - b.mean()), low, high


def _q3_point(column: str = "bookings", ratio: bool = False) -> float:
    a, b = _q3_groups(column=column)
    return float(a.mean() / b.mean() if ratio else a.mean() - b.mean())


def _q3_sums() -> float:
    a, b = _q3_groups()
    return float(a.sum() - b.sum())


@cache
def _q3_ninety() -> tuple[float, float]:
    a, b = _q3_groups()
    return bootstrap_difference(a, b, n_boot=Q3_BOOT, seed=8, level=0.90)


def _q3_is_ninety(a: object) -> bool:
    v = _values(a, 3)
    if v is None or abs(v[0] - _q3()[0]) > 0.01:
        return False
    low, high = _q3_ninety()
    return abs(v[1] - low) < 0.15 and abs(v[2] - high) < 0.15


def _q3_no_width(a: object) -> bool:
    v = _values(a, 3)
    return v is not None and abs(v[2] - v[1]) < 0.05 and abs(v[0] - _q3()[0]) <= 0.01


q3 = IntervalQuestion(
    LESSON, "q3", "link_bookings",
    expected=lambda: list(_q3()),
    title="Bookings per post: link posts minus the other posts, with a 95% bootstrap interval",
    rtol=0, atol=0.25, point_atol=0.01,
    hints=[
        f"Split the posts in two: `format == '{Q3_FORMAT}'` and every other format. For each group, "
        "the mean of `bookings` per post. The difference is mean(link) - mean(others).",
        "Bootstrap, as in lesson 04: resample each group's posts WITH replacement, at its own size, "
        "2,000 times or more; each time store the difference of the two means. The 95% interval is "
        "the 2.5th and 97.5th percentiles of the stored differences.",
        "`bootstrap_difference(a, b, n_boot=2000)` (from `widgets.models.dialogue`) returns "
        "`(low, high)` for arrays `a` and `b` of bookings per post. Answer `[difference, low, high]`.",
    ],
    mistakes=[
        Mistake("Your interval has no width: resampling WITHOUT replacement returns the same posts "
                "every time. Resample with replacement.", test=_q3_no_width),
        Mistake("That looks like a 90% interval (the 5th and 95th percentiles): the question asks "
                "for 95%, the 2.5th and 97.5th.", test=_q3_is_ninety),
        Mistake("That is a ratio (mean of link posts / mean of the others): the question asks for the "
                "difference in bookings per post.", test=_point_is(lambda: _q3_point(ratio=True), 0.01)),
        Mistake("That difference is of the totals, not of bookings per post: a total grows with the "
                "number of posts in the group. Compare means per post.",
                test=_point_is(_q3_sums, 0.5)),
        Mistake("That is booking clicks, not bookings: use the `bookings` column.",
                test=_point_is(lambda: _q3_point(column="booking_clicks"), 0.01)),
        Mistake("Give three numbers, in this order: the difference, the interval's low end, its high "
                "end (e.g. `link_bookings = [d, low, high]`).",
                test=lambda a: not isinstance(a, str) and hasattr(a, "__len__") and len(a) != 3),
        Mistake("The order is [difference, low, high]: the difference lies between the two ends.",
                test=_misordered(lambda: _q3()[0], 0.01)),
        Mistake("Your difference is right, but the interval is not the one the data gives: resample "
                "each group with replacement at its own size, 2,000 times or more, and take the 2.5th "
                "and 97.5th percentiles.", test=_point_is(lambda: _q3()[0], 0.01)),
    ],
)

# ----------------------------------------------------------------------------- q4: the booking funnel

#: q4: the booking funnel by this column (lesson 08 read it by post style).
Q4_BY = "platform"


def _q4_reading() -> str:
    """"b" when every platform's bookings per click has a 95% interval that holds the rate of all
    posts (clicks book at one rate, whatever the platform); "a" when TikTok's (the platform that
    reaches the most people per post) lies above it; "c" when Facebook's does."""
    funnel = booking_funnel(_posts(), by=Q4_BY)
    overall = booking_funnel(_posts()).loc["all posts", "bookings_per_click"]
    if ((funnel["low"] <= overall) & (funnel["high"] >= overall)).all():
        return "b"
    if funnel.at["tiktok", "low"] > overall:
        return "a"
    return "c" if funnel.at["facebook", "low"] > overall else "none of these"


q4 = ChoiceQuestion(
    LESSON, "q4", "funnel_reading",
    expected=_q4_reading,
    title="Bookings per booking click, by platform: what does the funnel support?",
    choices={
        "a": "TikTok's posts reach the most people per post, and its clicks book more often: move the "
             "campaign's effort to TikTok.",
        "b": "Every platform's clicks book at about the same rate: each interval holds the rate of all "
             "posts. Platforms differ in how many people they reach and send to the booking page, not "
             "in how often a click books; and in this synthetic file that one rate was built in, so it "
             "cannot show whether the people a far-reaching platform brings book less often.",
        "c": "Facebook converts best, because its audience is older.",
        "d": "The funnel proves that the posts caused the vaccinations: bookings follow clicks.",
    },
    hints=[
        f"`booking_funnel(posts, by='{Q4_BY}')` gives each platform's reach, booking clicks, bookings, "
        "`bookings_per_click` and its 95% interval (`low`, `high`); `booking_funnel(posts)` the rate "
        "of all posts.",
        "Does any platform's interval leave out the rate of all posts? Compare reach per post with "
        "bookings per click: are they the same thing?",
        "Then read datasets/README.md (health_posts.csv): how were bookings generated from clicks?",
    ],
    mistakes=[
        Mistake("Look at the intervals: TikTok's bookings per click is within every other platform's "
                "interval and holds the rate of all posts. Reaching more people per post is not "
                "converting clicks better.", test=lambda a: a == "a" and _q4_reading() != "a"),
        Mistake("Every platform's interval holds the rate of all posts here: no platform converts "
                "clicks clearly better; and nothing in the data says who Facebook's audience is.",
                test=lambda a: a == "c" and _q4_reading() != "c"),
        Mistake("A booking is not a vaccination, and a funnel of counts shows no cause: people who "
                "booked might have booked anyway. And this file's bookings were generated at one rate "
                "per click.", test=lambda a: a == "d"),
        Mistake("One platform's interval leaves out the rate of all posts here: look again.",
                test=lambda a: a == "b" and _q4_reading() != "b"),
    ],
)


def _q5_reading() -> str:
    """"b" when the 95% interval of TikTok's share answered minus X's holds zero, else "a"."""
    _d, low, high = _q2()
    return "b" if low <= 0 <= high else "a"


q5 = ChoiceQuestion(
    LESSON, "q5", "gap_reading",
    expected=_q5_reading,
    title="TikTok's questions were answered less often than X's: what does the gap support?",
    choices={
        "a": "The desk neglects TikTok: move staff there now.",
        "b": "On these numbers of questions, a gap this size is within what chance makes (its 95% "
             "interval holds zero): watch it on more weeks before acting. In this synthetic file every "
             "platform was answered with the same chance, so here the gap is noise.",
        "c": "People on TikTok ask harder questions, so they are answered less.",
        "d": "TikTok is a poor channel for health information and should be dropped.",
    },
    hints=[
        "Use your answer to question 2: the difference and its 95% interval.",
        "Does the interval hold zero? How many questions were asked on each platform?",
        "And what does datasets/README.md (health_questions.csv) say about how questions were answered?",
    ],
    mistakes=[
        Mistake("The 95% interval of the gap holds zero: the data cannot tell this gap from chance. "
                "Acting on it now would be acting on noise.",
                test=lambda a: a == "a" and _q5_reading() != "a"),
        Mistake("Nothing in the data measures how hard a question is, and the gap may be chance: its "
                "interval holds zero.", test=lambda a: a == "c"),
        Mistake("Whether a channel serves health information is not what a share answered measures; "
                "and this gap may be chance.", test=lambda a: a == "d"),
        Mistake("Here the interval leaves out zero: the gap is larger than chance would make it.",
                test=lambda a: a == "b" and _q5_reading() != "b"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "kpis_defended",
    prompt="Choose three KPIs for Harbour City Health's next flu season, one of them the headline. "
    "For each, say what it counts (reach, conversation or behaviour), what it cannot show, and a "
    "target you could check by the end of the season. Why is the headline not reach?",
)
