"""Lesson 06, answering: six checked questions and one reflection.

Each question asks for a method of the lesson on a slice the lesson did not compute: on the
synthetic support threads, another platform and year, another speed, another grouping, the other
kind of selective desk; on the real airline tweets, another airline and rule for the desk's peak.
Expected answers are computed from the shipped data with the course's models when a check runs.
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
from ..models.answering import (
    DEFAULT_RULE,
    FIT_YEAR,
    TEST_YEAR,
    HeldOut,
    PeakLoad,
    held_out,
    naive_and_change,
    peak_load,
    queue_by_hour,
    reply_effect,
    selective_desk,
)
from ..models.listening import distinct_tweets, filter_tweets

LESSON = "06"
#: q1: first-response times on one platform in one year.
Q1_PLATFORM, Q1_YEAR = "x", 2025
#: q2: the reply effect for one platform, a reply within this many minutes.
Q2_PLATFORM, Q2_WITHIN = "x", 60
#: q3-q4: a triage rule by issue type, a reply within this many minutes, chosen on 2024.
Q3_BY, Q3_WITHIN = "issue_type", 20
#: q5: the desk that answered the angriest customers.
Q5_ANSWERS = "angriest"
#: q6: the real tweets: one airline's busiest hour against its median hour, under another rule,
#: from the day its collection starts.
Q6_AIRLINE, Q6_RULE, Q6_START = "American", "negative or question", "2015-02-22"


@cache
def _threads() -> pd.DataFrame:
    return load("support_threads")


def _number(a: object) -> float | None:
    try:
        if isinstance(a, bool | str):
            return None
        x = float(a)
    except (TypeError, ValueError):
        return None
    return x


def _close(a: object, b: float, rtol: float = 1e-3, atol: float = 0.0) -> bool:
    x = _number(a)
    return x is not None and not math.isnan(b) and math.isclose(x, b, rel_tol=rtol, abs_tol=atol)


def _three(a: object) -> list[float] | None:
    """The answer as three numbers, or None."""
    if isinstance(a, str | bytes) or not hasattr(a, "__len__"):
        return None
    try:
        values = [float(v) for v in list(a)]
    except (TypeError, ValueError):
        return None
    return values if len(values) == 3 else None


# ----------------------------------------------------------------------------- q1: a distribution, not a mean


def _q1_slice(platform: str | None = Q1_PLATFORM, year: int | None = Q1_YEAR) -> pd.Series:
    t = _threads()
    mask = np.ones(len(t), dtype=bool)
    if platform is not None:
        mask &= (t["platform"] == platform).to_numpy()
    if year is not None:
        mask &= (t["opened_at"].dt.year == year).to_numpy()
    return t.loc[mask, "first_response_minutes"]


def _q1(platform: str | None = Q1_PLATFORM, year: int | None = Q1_YEAR, q: float = 0.9) -> float:
    return float(_q1_slice(platform, year).dropna().quantile(q))


q1 = Question(
    LESSON, "q1", "x_2025_p90_minutes",
    expected=lambda: _q1(),
    title="The 90th percentile of first-response times on X in 2025 (minutes)",
    rtol=0.045,
    hints=[
        f"Keep the threads on `{Q1_PLATFORM}` opened in {Q1_YEAR} (`threads['opened_at'].dt.year`). "
        "Only threads that were answered have a first-response time.",
        "`first_response_minutes` is empty (NaN) for a thread never answered: leave those out "
        "(`.dropna()`), do not count them as 0.",
        "The 90th percentile: `.quantile(0.9)` (pandas) or `np.percentile(values, 90)`. Give it in "
        "minutes.",
    ],
    mistakes=[
        Mistake("That is the mean: one very slow reply pulls it up, so it describes nobody. The "
                "question asks for the 90th percentile (`.quantile(0.9)`).", value=lambda: float(
                    _q1_slice().dropna().mean())),
        Mistake("That is the median (the 50th percentile): the question asks for the 90th, the "
                "wait that one answered thread in ten exceeds.", value=lambda: _q1(q=0.5)),
        Mistake("That is the 10th percentile, the fastest tenth: the 90th is `.quantile(0.9)`.",
                value=lambda: _q1(q=0.1)),
        Mistake("That counts the never-answered threads as answered in 0 minutes. They were never "
                "answered: leave them out of the times (`.dropna()`) and report how many there are "
                "separately.", value=lambda: float(_q1_slice().fillna(0).quantile(0.9))),
        Mistake("Never-answered threads have no response time: an infinite or missing wait makes "
                "the percentile meaningless. Leave them out (`.dropna()`).",
                test=lambda a: (x := _number(a)) is not None and not math.isfinite(x)),
        Mistake("That looks like hours: the question asks for minutes (the column is in minutes).",
                test=lambda a: _close(a, _q1() / 60, rtol=0.05)),
        Mistake(f"That is every platform in {Q1_YEAR}: keep the threads on `{Q1_PLATFORM}` only.",
                value=lambda: _q1(platform=None)),
        Mistake(f"That is `{Q1_PLATFORM}` in both years: keep the threads opened in {Q1_YEAR}.",
                value=lambda: _q1(year=None)),
    ],
)

# ----------------------------------------------------------------------------- q2: an effect with an interval


@dataclass
class EstimateQuestion(Question):
    """An answer ``[estimate, low, high]``. The estimate is computed the same way by everyone, so it
    must match within ``point_atol``; the interval's ends come from random resampling, so they need
    only be within ``atol`` of the course's (computed with many resamples): a careful learner's own
    bootstrap (1,000 or more resamples, either resampling scheme) or a normal approximation passes."""

    point_atol: float = 0.01

    def evaluate(self, answer: Any) -> Verdict:
        verdict = super().evaluate(answer)
        if verdict.status != CORRECT:
            return verdict
        expected = self.expected() if callable(self.expected) else self.expected
        values = _three(answer)
        if values is not None and abs(values[0] - float(expected[0])) <= self.point_atol:
            return verdict
        for mistake in self.mistakes:
            if mistake.matches(answer, self.rtol, self.atol, self.ordered):
                return self._verdict(INCORRECT, mistake.feedback)
        return self._verdict(INCORRECT, self.wrong)


#: Resamples behind q2's expected interval: many, so that its own randomness is negligible.
Q2_BOOT = 10_000


def _q2_threads(platform: str | None = Q2_PLATFORM) -> pd.DataFrame:
    t = _threads()
    return t if platform is None else t[t["platform"] == platform]


@cache
def _q2(within: float | None = None, platform: str | None = Q2_PLATFORM, ratio: bool = False,
        level: float = 0.95) -> tuple[float, float, float]:
    r = reply_effect(_q2_threads(platform), "later_spend_usd", within=within, ratio=ratio,
                     n_boot=Q2_BOOT, level=level)
    return (r.estimate, r.low, r.high)


def _q2_point(within: float | None = Q2_WITHIN, platform: str | None = Q2_PLATFORM, ratio: bool = False,
              comparison: str = "never") -> float:
    """The estimate alone (mean A - mean B, or A / B): no resampling needed to recognise a mistake."""
    t = _q2_threads(platform)
    minutes = t["first_response_minutes"]
    a = minutes.notna() if within is None else minutes <= within
    b = minutes.isna() if comparison == "never" else ~a
    ma, mb = t.loc[a, "later_spend_usd"].mean(), t.loc[b, "later_spend_usd"].mean()
    return float(ma / mb if ratio else ma - mb)


def _point_is(point: Any) -> Any:
    """A mistake's test: the answer's estimate (its first number) is ``point()``."""
    return lambda a: (v := _three(a)) is not None and abs(v[0] - point()) <= 0.01


def _q2_no_width(a: object) -> bool:
    v = _three(a)
    return v is not None and abs(v[2] - v[1]) < 0.05 and abs(v[0] - _q2_point()) <= 0.01


def _q2_misordered(a: object) -> bool:
    v = _three(a)
    if v is None:
        return False
    low, middle, high = sorted(v)
    return v != [middle, low, high] and abs(middle - _q2_point()) <= 0.01


def _q2_ninety(a: object) -> bool:
    v = _three(a)
    if v is None or abs(v[0] - _q2_point()) > 0.01:
        return False
    _e, low, high = _q2(within=Q2_WITHIN, level=0.90)
    return abs(v[1] - low) < 0.3 and abs(v[2] - high) < 0.3


q2 = EstimateQuestion(
    LESSON, "q2", "x_reply_effect",
    expected=lambda: list(_q2(within=Q2_WITHIN)),
    title="Later spend: answered within an hour minus never answered, on X, with a 95% interval",
    rtol=0, atol=0.6,
    hints=[
        f"Keep the threads on `{Q2_PLATFORM}` (both years). Group A: answered within {Q2_WITHIN} "
        "minutes (`first_response_minutes <= 60`). Group B: never answered (empty "
        "`first_response_minutes`). The difference is mean(A) - mean(B) of `later_spend_usd`.",
        "Bootstrap: resample each group WITH replacement, at its own size, 2,000 times "
        "(`rng.choice(a, size=len(a), replace=True)`); each time, store the difference of the means. "
        "The 95% interval is the 2.5th and 97.5th percentiles of the stored differences.",
        "`reply_effect(threads_on_x, within=60).as_list()` does all of this. Answer "
        "`[difference, low, high]` in dollars.",
    ],
    mistakes=[
        Mistake("Your interval has no width: resampling WITHOUT replacement just shuffles the same "
                "customers, so every 'resample' has the same mean. Resample with replacement "
                "(`replace=True`).", test=_q2_no_width),
        Mistake("That looks like a 90% interval (the 5th and 95th percentiles): the question asks for "
                "95%, the 2.5th and 97.5th.", test=_q2_ninety),
        Mistake("That is a ratio (mean A / mean B): the question asks for the difference in dollars "
                "(mean A - mean B).", test=_point_is(lambda: _q2_point(ratio=True))),
        Mistake("That compares ANY reply with no reply: keep only the replies within an hour "
                "(`first_response_minutes <= 60`) in group A.",
                test=_point_is(lambda: _q2_point(within=None))),
        Mistake("Group B should be the threads never answered: yours also holds threads answered "
                "after an hour.", test=_point_is(lambda: _q2_point(comparison="rest"))),
        Mistake(f"That is every platform: keep the threads on `{Q2_PLATFORM}`.",
                test=_point_is(lambda: _q2_point(platform=None))),
        Mistake("Give three numbers, in this order: the difference, the interval's low end, its high "
                "end (e.g. `x_reply_effect = [d, low, high]`).",
                test=lambda a: not isinstance(a, str) and hasattr(a, "__len__") and len(a) != 3),
        Mistake("The order is [difference, low, high]: the difference lies between the two ends.",
                test=_q2_misordered),
        Mistake("Your estimate is right, but the interval is not the one the data gives: resample each "
                "group with replacement at its own size, and take the 2.5th and 97.5th percentiles.",
                test=_point_is(_q2_point)),
    ],
)

# ----------------------------------------------------------------------------- q3-q4: a rule, held out


@cache
def _q3() -> HeldOut:
    return held_out(_threads(), Q3_BY, Q3_WITHIN, fit=FIT_YEAR, test=TEST_YEAR)


def _q3_pooled_years() -> float:
    """The chosen group's gain with both years pooled."""
    t = _threads()
    part = t[t[Q3_BY] == _q3().chosen]
    m = part["first_response_minutes"]
    spend = part["later_spend_usd"]
    return float(spend[m <= Q3_WITHIN].mean() - spend[m.isna()].mean())


def _q3_vs_rest() -> float:
    t = _threads()
    part = t[(t[Q3_BY] == _q3().chosen) & (t["opened_at"].dt.year == TEST_YEAR)]
    fast = (part["first_response_minutes"] <= Q3_WITHIN).to_numpy()
    return float(part.loc[fast, "later_spend_usd"].mean() - part.loc[~fast, "later_spend_usd"].mean())


q3 = Question(
    LESSON, "q3", "held_out_gain",
    expected=lambda: _q3().chosen_test,
    title="A triage rule chosen on 2024 and judged on 2025: the chosen issue type's 2025 gain",
    rtol=0, atol=0.05,
    hints=[
        f"On the {FIT_YEAR} threads only: for each `{Q3_BY}`, the mean `later_spend_usd` of threads "
        f"answered within {Q3_WITHIN} minutes minus that of threads never answered. The rule answers "
        "first the issue type with the largest gain.",
        f"Then, on the {TEST_YEAR} threads, compute the same gain for that one issue type. Do not "
        f"look at {TEST_YEAR} to choose.",
        f"`held_out(threads, '{Q3_BY}', within={Q3_WITHIN})` returns a table with both years' gains, "
        "the chosen group and `.chosen_test`. Give the 2025 gain in dollars.",
    ],
    mistakes=[
        Mistake(f"That issue type was chosen by looking at {TEST_YEAR}, the year the rule is judged "
                f"on: that is leakage, and it flatters the rule. Choose on {FIT_YEAR} only, then "
                f"report its {TEST_YEAR} gain.", value=lambda: float(
                    _q3().table["test_gain"].max())),
        Mistake(f"That is the chosen issue type's gain in {FIT_YEAR}, where it was chosen (in-sample): "
                f"the question asks how it did on the held-out {TEST_YEAR} threads.",
                value=lambda: _q3().chosen_fit),
        Mistake(f"That pools both years: judge the rule on {TEST_YEAR} only.", value=_q3_pooled_years),
        Mistake(f"That is the gain for ANY thread answered that fast in {TEST_YEAR}, the baseline the "
                "rule must beat: the question asks for the chosen issue type's gain.",
                value=lambda: _q3().overall_test.estimate),
        Mistake("Compare with threads NEVER answered: yours also counts threads answered after "
                f"{Q3_WITHIN} minutes as the comparison.", value=_q3_vs_rest),
        Mistake("Give the gain in dollars (a number), not the name of the issue type.",
                test=lambda a: isinstance(a, str)),
    ],
)


def _q4_reading() -> str:
    """"b" unless the chosen group's held-out gain is clearly above the pooled gain's interval."""
    h = _q3()
    return "a" if h.chosen_test > h.overall_test.high else "b"


q4 = ChoiceQuestion(
    LESSON, "q4", "held_out_reading",
    expected=_q4_reading,
    title="What does the held-out year say about the triage rule?",
    choices={
        "a": "The chosen issue type gains most from a fast reply: answer it first.",
        "b": "The 2024 lead was mostly luck: the largest of eight noisy estimates. On held-out "
             "threads the rule does no better than answering any thread that fast.",
        "c": "Customers with that issue changed between 2024 and 2025, so the rule must be chosen "
             "again every year.",
        "d": "Fast replies stopped paying in 2025.",
    },
    hints=[
        "Compare the chosen issue type's 2025 gain with the 2025 gain for any thread answered that "
        "fast, and that gain's 95% interval (`held_out(...).overall_test`).",
        "How many issue types were compared, and how many threads answered within 20 minutes does "
        "each have in a year? What happens to the largest of several noisy estimates?",
        "A rule that only picked up noise does, on new data, about as well as no rule.",
    ],
    mistakes=[
        Mistake("On the held-out year the chosen issue type did not beat the pooled gain: the data "
                "does not support answering it first.", test=lambda a: a == "a" and _q4_reading() != "a"),
        Mistake("On the held-out year the chosen group still beats the pooled gain's interval: its "
                "lead survived.", test=lambda a: a == "b" and _q4_reading() != "b"),
        Mistake("Nothing in the data says those customers changed: one year's lead among eight noisy "
                "estimates shrinking the next year is what chance alone produces.",
                test=lambda a: a == "c"),
        Mistake("Look at the pooled 2025 gain for any thread answered that fast: it is still clearly "
                "above zero. Fast replies paid; the chosen group's lead did not last.",
                test=lambda a: a == "d"),
    ],
)

# ----------------------------------------------------------------------------- q5: a selective desk


@cache
def _q5() -> dict[str, float]:
    return naive_and_change(selective_desk(_threads(), Q5_ANSWERS))


def _q5_reading() -> str:
    r = _q5()
    if r["change"] > 0 and r["naive"] < r["change"] - 0.1 and r["before_gap"] < 0:
        return "b"
    return "c"


q5 = ChoiceQuestion(
    LESSON, "q5", "selective_reading",
    expected=_q5_reading,
    title="A desk that answered the angriest customers: what does the naive comparison show?",
    choices={
        "a": "Replies made the angriest customers feel worse: answered threads end lower.",
        "b": "The naive comparison is confounded: the answered customers were angrier before any "
             "reply. Comparing the change (after - before) shows replies helped, about as much as "
             "in the full data.",
        "c": "The naive comparison and the change agree, so who was answered does not matter.",
        "d": "Later spend is biased the same way, so no comparison in this data can be trusted.",
    },
    hints=[
        f"`desk = selective_desk(threads, answers='{Q5_ANSWERS}')`, then "
        "`naive_and_change(desk)`: the naive gap in mean `sentiment_after`, the gap in the change "
        "(after - before), and the gap in `sentiment_before`.",
        "Compare the naive gap with the change gap, and look at how the two groups stood BEFORE "
        "any reply (`before_gap`).",
        "Also compare the change gap with `naive_and_change(threads)` on all the threads, and the "
        "spend gap with the full data's.",
    ],
    mistakes=[
        Mistake("Look at `before_gap`: the answered customers started angrier. Their lower end point "
                "says where they began, not what the reply did; the change (after - before) is "
                "positive.", test=lambda a: a == "a"),
        Mistake("Compute both: the naive gap and the change gap differ by far more than noise, "
                "because the groups started in different places.",
                test=lambda a: a == "c" and _q5_reading() != "c"),
        Mistake("Compute the spend gap: in this file spend does not depend on how a customer felt "
                "before, so this selection leaves it close to the full data's. A confounder biases "
                "only outcomes it is linked to.", test=lambda a: a == "d"),
        Mistake("Compute both: here the naive gap and the change gap agree.",
                test=lambda a: a == "b" and _q5_reading() != "b"),
    ],
)

# ----------------------------------------------------------------------------- q6: the peak, on real tweets


@cache
def _tweets() -> pd.DataFrame:
    return load("airline_tweets")


@cache
def _q6_load(rule: str = Q6_RULE, start: str | None = Q6_START, distinct: bool = True) -> PeakLoad:
    tweets = distinct_tweets(_tweets()) if distinct else _tweets()
    return peak_load(queue_by_hour(filter_tweets(tweets, Q6_AIRLINE, start=start), rule=rule))


def _q6(rule: str = Q6_RULE, start: str | None = Q6_START, distinct: bool = True) -> float:
    return _q6_load(rule, start, distinct).peak_to_median


def _q6_all_tweets() -> float:
    """Busiest over median hour of ALL tweets to the airline, not only those needing an answer."""
    counts = queue_by_hour(filter_tweets(distinct_tweets(_tweets()), Q6_AIRLINE, start=Q6_START))["tweets"]
    return float(counts.max() / counts.median())


def _q6_close_variant(a: object) -> bool:
    """Within 2% of the lesson's rule, of counting rows, or of counting every tweet: three slips
    whose ratios lie too close together to tell apart."""
    x = _number(a)
    return x is not None and any(math.isclose(x, v, rel_tol=0.02) for v in (
        _q6(rule=DEFAULT_RULE), _q6(distinct=False), _q6_all_tweets()))


q6 = Question(
    LESSON, "q6", "american_peak_ratio",
    expected=lambda: _q6(),
    title=f"Real tweets: {Q6_AIRLINE}'s busiest hour over its median hour, rule '{Q6_RULE}'",
    rtol=0.003,
    hints=[
        f"Keep one row per tweet (`distinct_tweets`), then the tweets to {Q6_AIRLINE} from "
        f"{Q6_START} (`filter_tweets(..., '{Q6_AIRLINE}', start='{Q6_START}')`): before that day the "
        "file holds almost none of its tweets.",
        f"Count, hour by hour, the tweets that needed an answer under the rule '{Q6_RULE}': "
        f"`queue_by_hour(mine, rule='{Q6_RULE}')` (hours with none count as 0).",
        "`peak_load(...)` gives the busiest hour's count (`.peak`) and the median hour's "
        "(`.median`). The answer is `.peak / .median`, to at least two decimals.",
    ],
    mistakes=[
        Mistake(f"Your median hour includes the days before {Q6_START}, when the file holds almost no "
                f"tweets to {Q6_AIRLINE} (its collection starts then): the empty hours pull the median "
                f"to 0. Start on {Q6_START}, as the lesson did.",
                test=lambda a: (x := _number(a)) is not None and math.isinf(x)),
        Mistake("That is the busiest hour's count: the question asks how many times the median "
                "hour's count it is (busiest / median).", value=lambda: float(_q6_load().peak)),
        Mistake("That is the median hour's count: divide the busiest hour's count by it.",
                value=lambda: float(_q6_load().median)),
        Mistake("That is median / busiest: the question asks for busiest / median.",
                value=lambda: 1 / _q6()),
        Mistake("That is a percentage: give the ratio (e.g. 1.5, not 150).",
                value=lambda: 100 * _q6()),
        Mistake("That divides by the 90th-percentile hour: the question asks for the median hour.",
                value=lambda: float(_q6_load().peak / _q6_load().p90)),
        Mistake("That divides by the mean hour, which the busiest hours pull up: the question asks for "
                "the median hour.", value=lambda: float(
                    _q6_load().peak / (_q6_load().need / _q6_load().hours))),
        Mistake("Close, but not this count. Check three things: the rule is "
                f"'{Q6_RULE}' (not the lesson's '{DEFAULT_RULE}'); one row per tweet "
                f"(`distinct_tweets`: 155 tweets to {Q6_AIRLINE} appear twice); and only the tweets "
                "that needed an answer are counted, not every tweet.", test=_q6_close_variant),
        Mistake("Give the ratio to at least two decimals: one decimal is too coarse to check.",
                test=lambda a: _close(a, round(_q6(), 1), rtol=1e-9)),
        Mistake("Give the ratio as a number, not a sentence or an hour.",
                test=lambda a: isinstance(a, str)),
    ],
)

r1 = Reflection(
    LESSON, "r1", "budget_reply",
    prompt="Your head of customer care wants to answer every complaint within 6 minutes with a "
    "personal reply, and to justify the team's budget with '+$20 per customer'. What would you tell "
    "them about where that number comes from, what your own data could and could not show, and "
    "what you would measure first?",
)
