"""Lesson 09, Capstone: a dialogue strategy: four checked numbers, two interpretation questions and
a reflection. The learner's own plan (the canvas) is not graded.

The lesson audited the whole account and sized a test of comments per post on Instagram. The
exercise asks for the same methods on what the lesson did not compute: **Facebook's likes per
post** (the applause a shift to conversation might cost) in the baseline, Facebook's posting
volume, the size of a test of a 30% difference in it (statsmodels, with the two arms' spreads
pooled), and the weeks that takes; then a
reading of **TikTok's** reach by style, per post and per 1,000 followers, and a choice about a
test too long to run.

In the exercise, ``posts`` is ``load("posts")`` and ``baseline`` is ``last_weeks(posts, 13)``.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..checks import is_number as _number
from ..data import load
from ..models.strategy import BASELINE_WEEKS, Account, last_weeks, pooled_sd, span_weeks, spread_both

LESSON = "09"
PLATFORM, METRIC, LIFT = "facebook", "likes", 0.30
TEST_PLATFORM = "tiktok"  # the reach reading (q5)


@cache
def _posts() -> pd.DataFrame:
    return load("posts")


def _baseline() -> pd.DataFrame:
    return last_weeks(_posts(), BASELINE_WEEKS)


def _slice(frame: pd.DataFrame, platform: str = PLATFORM) -> pd.DataFrame:
    return frame[frame["platform"].astype(str) == platform]


def _near(answer: object, value: float, rtol: float = 1e-3) -> bool:
    return _number(answer) and math.isclose(float(answer), value, rel_tol=rtol, abs_tol=1e-9)


# ----------------------------------------------------------------------------- q1, q2: the audit


def likes_now(platform: str = PLATFORM, frame: pd.DataFrame | None = None) -> float:
    """Mean likes per post of ``platform`` in ``frame`` (default: the baseline)."""
    frame = _baseline() if frame is None else frame
    return float(_slice(frame, platform)[METRIC].mean())


def per_week(platform: str | None = PLATFORM, frame: pd.DataFrame | None = None,
             weeks: float = BASELINE_WEEKS) -> float:
    frame = _baseline() if frame is None else frame
    part = frame if platform is None else _slice(frame, platform)
    return len(part) / weeks


def _calendar_quarter() -> pd.DataFrame:
    p = _posts()
    return p[p["posted_at"] >= "2025-10-01"]


q1 = Question(
    LESSON, "q1", "likes_now",
    expected=lambda: likes_now(),
    title="Facebook's likes per post now (the baseline: the last 13 weeks)",
    hints=["Keep the baseline's Facebook posts (`baseline[\"platform\"] == \"facebook\"`), then "
           "average their `likes`.",
           "A metric per post is the mean over the posts: `.mean()` of the column.",
           "`likes_now = baseline.loc[baseline[\"platform\"] == \"facebook\", \"likes\"].mean()`"],
    mistakes=[
        Mistake("That is Facebook's mean over the whole two years: the baseline is the last 13 "
                "weeks (`baseline`, not `posts`).",
                value=lambda: likes_now(frame=_posts())),
        Mistake("That is every platform's baseline posts together: keep only Facebook's.",
                value=lambda: float(_baseline()[METRIC].mean())),
        Mistake("That is the median post; the course's metrics are means over the posts.",
                value=lambda: float(_slice(_baseline())[METRIC].median())),
        Mistake("That is the calendar quarter (October to December 2025), a few days longer than "
                "the baseline: use `baseline`, the last 13 weeks before the last post.",
                value=lambda: likes_now(frame=_calendar_quarter())),
        Mistake("That is Instagram's figure: the question asks about Facebook.",
                value=lambda: likes_now("instagram")),
        Mistake("That is comments per post: the question asks about likes (applause).",
                value=lambda: float(_slice(_baseline())["comments"].mean())),
    ],
)

q2 = Question(
    LESSON, "q2", "fb_per_week",
    expected=lambda: per_week(),
    title="Facebook posts per week in the baseline",
    rtol=5e-3,
    hints=["Count the baseline's Facebook posts, then divide by the weeks the baseline spans.",
           "The baseline is 13 weeks long, whatever the number of posts.",
           "`fb_per_week = (baseline[\"platform\"] == \"facebook\").sum() / 13`"],
    mistakes=[
        Mistake("That is the number of posts: divide it by the 13 weeks of the baseline.",
                test=lambda a: _near(a, len(_slice(_baseline())))),
        Mistake("That is the whole two years' rate (every Facebook post over 104 weeks): the test "
                "will run at today's volume, the baseline's.",
                value=lambda: per_week(frame=_posts(), weeks=span_weeks(_posts()))),
        Mistake("That counts every platform's posts: keep only Facebook's.",
                value=lambda: per_week(None)),
        Mistake("That is posts per day: multiply by 7.",
                value=lambda: per_week(weeks=BASELINE_WEEKS * 7)),
        Mistake("The baseline is 13 weeks: divide by 13.",
                test=lambda a: any(_near(a, per_week(weeks=k), 5e-3) for k in (12, 14, 52 / 4))),
    ],
)


# ----------------------------------------------------------------------------- q3, q4: the test


def _effect_size(sd_ddof: int = 1, lift: float = LIFT, pooled: bool = False,
                 widen: float | None = None, frame: pd.DataFrame | None = None) -> float:
    """Cohen's d of the exercise's test: the lift in likes over the two arms' pooled standard
    deviation (today's, and (1 + lift) times it in the lifted arm). ``widen``: another factor for
    the spread (1.0: today's spread alone), to compute a mistake; ``pooled``: every platform's
    baseline posts (spread pooled within platforms); ``frame``: other posts than the baseline."""
    frame = _baseline() if frame is None else frame
    factor = spread_both(1.0, lift) if widen is None else widen
    if pooled:
        return lift * float(frame[METRIC].mean()) / (factor * pooled_sd(
            frame[METRIC].astype(float), frame["platform"].astype(str)))
    part = _slice(frame)[METRIC].astype(float)
    return lift * float(part.mean()) / (factor * float(part.std(ddof=sd_ddof)))


def n_per_arm(alpha: float = 0.05, power: float = 0.8, alternative: str = "two-sided",
              effect_size: float | None = None) -> int:
    """Posts per arm (statsmodels TTestIndPower), rounded up."""
    from statsmodels.stats.power import TTestIndPower

    d = _effect_size() if effect_size is None else effect_size
    return int(math.ceil(TTestIndPower().solve_power(effect_size=d, alpha=alpha, power=power,
                                                     ratio=1.0, alternative=alternative)))


def weeks_needed() -> float:
    return 2 * n_per_arm() / per_week()


def _raw_n(effect_size: float) -> float:
    from statsmodels.stats.power import TTestIndPower

    return float(TTestIndPower().solve_power(effect_size=effect_size, alpha=0.05, power=0.8))


def _spread_factor(widen: float) -> object:
    return lambda a: _near(a, n_per_arm(effect_size=_effect_size(widen=widen)), 0.01)


q3 = Question(
    LESSON, "q3", "n_per_arm",
    expected=lambda: n_per_arm(),
    title="Posts per arm to detect a 30% difference in Facebook's likes per post (statsmodels)",
    # careful variants are accepted: unrounded, a standard deviation with ddof=0 (numpy's default),
    # a z-test (NormalIndPower), or the two arms' standard deviations averaged rather than pooled
    # (sd x 1.15 instead of sd x 1.17) land within 4 posts of the t-test's rounded-up answer
    rtol=0, atol=4.0,
    hints=["Cohen's d is the difference in likes (30% of the mean) divided by the two arms' "
           "standard deviation pooled: today's (the baseline's Facebook posts), and 1.3 times it "
           "in the arm whose likes are 1.3 times as many.",
           "Pooled: `sd * math.sqrt((1 + 1.3**2) / 2)`. Then `TTestIndPower().solve_power("
           "effect_size=d, alpha=0.05, power=0.8, alternative=\"two-sided\")` gives the posts in "
           "ONE arm; round up with `math.ceil`.",
           "`fb = baseline[baseline[\"platform\"] == \"facebook\"][\"likes\"]`, `d = 0.30 * "
           "fb.mean() / (fb.std() * math.sqrt((1 + 1.3**2) / 2))`, then `n_per_arm = math.ceil("
           "TTestIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8, "
           "alternative=\"two-sided\"))`."],
    mistakes=[
        Mistake("That divides by today's standard deviation alone: the arm with 1.3 times the "
                "likes also spreads 1.3 times as wide, so pool the two: `sd * math.sqrt((1 + "
                "1.3**2) / 2)`. Without it the test looks stronger than it is (the lesson's "
                "simulation).", test=_spread_factor(1.0)),
        Mistake("Square both arms' spreads before averaging: the pooled standard deviation is "
                "`sd * math.sqrt((1 + 1.3**2) / 2)`, not `sd * math.sqrt((1 + 1.3) / 2)`.",
                test=_spread_factor(((1 + 1.3) / 2) ** 0.5)),
        Mistake("That is the lifted arm's spread alone (sd x 1.3): Cohen's d pools both arms' "
                "spreads, `sd * math.sqrt((1 + 1.3**2) / 2)`.", test=_spread_factor(1.3)),
        Mistake("That is a one-sided test (alternative=\"larger\"): it only counts a change in one "
                "direction. Conversation could cost applause or add to it: use \"two-sided\".",
                test=lambda a: _near(a, n_per_arm(alternative="larger"), 0.01)),
        Mistake("That is for alpha = 0.01: the question asks for the usual 0.05.",
                test=lambda a: _near(a, n_per_arm(alpha=0.01), 0.01)),
        Mistake("That is for 90% power: the question asks for 80% (power=0.8).",
                test=lambda a: _near(a, n_per_arm(power=0.9), 0.01)),
        Mistake("That is both arms together: solve_power gives the posts in ONE arm (the question "
                "asks per arm).", test=lambda a: _near(a, 2 * n_per_arm(), 0.01)),
        Mistake("Your effect size looks like 0.3 itself: Cohen's d is the difference in likes "
                "(0.3 x the mean) divided by the pooled standard deviation of likes per post.",
                test=lambda a: _near(a, n_per_arm(effect_size=LIFT), 0.01)),
        Mistake("Far too few: the effect size must be in standard deviations (divide the lift in "
                "likes by the standard deviation), not in likes.",
                test=lambda a: _number(a) and 0 < float(a) < 10),
        Mistake("statsmodels returned nan: it found no sample size, because the effect size it was "
                "given is far too large. Cohen's d is the lift in likes divided by the standard "
                "deviation of likes per post.",
                test=lambda a: _number(a) and math.isnan(float(a))),
        Mistake("Far too many: divide by the standard deviation, not the variance.",
                test=lambda a: _number(a) and float(a) > 20 * n_per_arm()),
        Mistake("That uses every platform's baseline posts: the test runs on Facebook, so take "
                "Facebook's mean and standard deviation.",
                test=lambda a: _near(a, n_per_arm(effect_size=_effect_size(pooled=True)), 0.02)
                or _near(a, n_per_arm(effect_size=LIFT * float(_baseline()[METRIC].mean())
                                      / (spread_both(float(_baseline()[METRIC].std()), LIFT))),
                         0.02)),
        Mistake("That uses Facebook's whole two years: the test's spread should be today's, the "
                "baseline's.",
                test=lambda a: _near(a, n_per_arm(effect_size=_effect_size(frame=_posts())),
                                     0.02)),
    ],
)

q4 = Question(
    LESSON, "q4", "weeks_needed",
    expected=lambda: weeks_needed(),
    title="Weeks the test needs at Facebook's posting volume",
    rtol=0.02,
    hints=["The test needs both arms' posts: twice the posts per arm.",
           "Weeks = posts needed / Facebook posts per week (your `fb_per_week`).",
           "`weeks_needed = 2 * n_per_arm / fb_per_week`"],
    mistakes=[
        Mistake("That is one arm's posts only: the test needs both arms, twice as many.",
                test=lambda a: _near(a, n_per_arm() / per_week(), 0.02)),
        Mistake("That divides by every platform's posts per week: only Facebook's posts can be in "
                "a test run on Facebook.",
                test=lambda a: _near(a, 2 * n_per_arm() / per_week(None), 0.02)),
        Mistake("That is at the whole two years' posting rate: use today's (the baseline's).",
                test=lambda a: _near(a, 2 * n_per_arm() / per_week(
                    frame=_posts(), weeks=span_weeks(_posts())), 0.02)),
        Mistake("That is a number of posts, not of weeks: divide by the posts per week.",
                test=lambda a: _near(a, 2 * n_per_arm(), 0.01) or _near(a, n_per_arm(), 0.01)),
        Mistake("That is in months, or years: give weeks.",
                test=lambda a: _near(a, weeks_needed() / (52 / 12), 0.03)
                or _near(a, weeks_needed() / 52, 0.03)),
    ],
)


# ----------------------------------------------------------------------------- q5: TikTok's reach


@cache
def _account() -> Account:
    return Account(_posts())


def tiktok_reach() -> dict[str, float]:
    """TikTok's reach by style: per post (raw means) and per 1,000 followers (the trade-off's
    within-platform difference and its 95% interval)."""
    p = _slice(_posts(), TEST_PLATFORM)
    conv = p["style"].astype(str) != "broadcast"
    row = _account().trade_off().table.loc[TEST_PLATFORM]
    return {"raw_diff": float(p.loc[conv, "reach"].mean() - p.loc[~conv, "reach"].mean()),
            "later": float(p.loc[conv, "followers"].mean() - p.loc[~conv, "followers"].mean()),
            "diff": float(row["reach_diff"]), "low": float(row["reach_low"]),
            "high": float(row["reach_high"])}


def _reach_reading() -> str:
    r = tiktok_reach()
    if r["low"] <= 0 <= r["high"]:
        return "b" if r["raw_diff"] > 0 else "d"
    return "c" if r["high"] < 0 else "a"


READINGS_REACH = {
    "a": "On TikTok, conversational posts reach more people per post, so a shift towards "
         "conversation costs no reach there, and even adds some.",
    "b": "Per post, TikTok's conversational posts reached more people, but they were posted "
         "later on average, when the account had far more followers; per 1,000 followers the "
         "difference's 95% interval includes zero, so these posts show no clear reach cost or "
         "gain from style.",
    "c": "Per 1,000 followers, conversational posts reached fewer people: conversation costs "
         "TikTok reach, so the brand should keep broadcasting there.",
    "d": "Reach cannot be compared between styles at all on TikTok, because its followers grew "
         "elevenfold in two years.",
}

q5 = ChoiceQuestion(
    LESSON, "q5", "reading_reach",
    expected=_reach_reading,
    title="TikTok's reach by style: which reading do the numbers support?",
    choices=READINGS_REACH,
    hints=["Run the cell above the question: it prints reach per post and per 1,000 followers, "
           "by style, with the posts' average followers.",
           "Look at the followers column: when were the conversational posts posted, and how big "
           "was the account then? Then look at the per-1,000-followers interval: does it include "
           "zero?",
           "A difference per post that disappears per 1,000 followers came from the audience's "
           "size, not from the style. An interval that includes zero is not evidence of a cost."],
    mistakes=[
        Mistake("Per post, yes; but the conversational posts were posted when the account had far "
                "more followers (look at the followers column). Per 1,000 followers, the lead is "
                "gone.", value="a"),
        Mistake("The per-1,000-followers difference is negative, but its 95% interval includes "
                "zero: the data cannot tell it from no difference. And even a clear difference "
                "would be an association, not a cost the style causes.", value="c"),
        Mistake("Dividing by followers is exactly what makes the comparison possible: it removes "
                "the account's growth. What remains is a difference with an interval.",
                value="d"),
    ],
)


# ----------------------------------------------------------------------------- q6: the design

READINGS_TEST = {
    "a": "Run it for a month anyway, look at the p-value every week, and stop as soon as it "
         "drops below 0.05.",
    "b": "Skip the test: compare this year's likes per post with last year's, which needs no "
         "waiting.",
    "c": "Decide before starting: test a bigger change that would matter to the plan (it needs "
         "fewer posts), or randomise on several platforms at once, or accept the long test; fix "
         "the length in advance. Or act without a test, and write in the plan that it rests on an "
         "assumption nobody has checked.",
    "d": "Switch to a one-sided test at alpha 0.10: the course expects conversation to win, so a "
         "smaller test is justified.",
}

q6 = ChoiceQuestion(
    LESSON, "q6", "reading_test",
    expected=lambda: "c" if weeks_needed() > BASELINE_WEEKS else "a",
    title="The test needs far longer than a quarter. What should the plan do?",
    choices=READINGS_TEST,
    hints=["Each wrong reading breaks one rule of a fair test: which rule?",
           "Looking every week and stopping at the first p < 0.05 is a test run many times; "
           "comparing years mixes the style with everything else that changed.",
           "The sound choices are made before the data arrive: the size of change worth finding, "
           "where to randomise, how long to run."],
    mistakes=[
        Mistake("Looking every week and stopping at the first p < 0.05 runs the test many times: "
                "chance alone will cross 0.05 far more often than 5% of the time.", value="a"),
        Mistake("Last year's posts differ in more than style: the audit showed counts per post "
                "grow with the audience, and seasons differ. A before/after comparison cannot "
                "separate the style from the rest.", value="b"),
        Mistake("Choosing the test's sides and alpha to fit the answer you expect (or the one the "
                "course argues for) is how a test stops being a test.", value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=("A finance director who has read Sharp's How Brands Grow says: 'Reach builds brands; "
            "comments are applause. Why should we turn a fifth of our posts into conversation?' "
            "Using the canvas's numbers for Copperpot (or your own account), what would you "
            "answer, what would you concede, and what would your test settle?"),
)
