"""Lesson 03, Noise: five checked questions (two of them interpretation) and one reflection.

In the exercise, ``panel`` is ``load("exposure")`` and ``trust`` is ``load("trust_sources")``.
The lesson fits the saturation curve to every day of the panel; the exercise asks for the
weekends (Saturday and Sunday), which the lesson never computes.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..data import load
from ..models.noise import (
    SATURATION_SHARE,
    SaturationFit,
    fit_line,
    fit_saturation,
    panel_slice,
    r_squared,
    saturation_point,
    trust_change,
)

LESSON = "03"
#: How close two slices' saturation points must be to count as "the same" in q5.
SAME_WITHIN = 0.05


@cache
def _panel() -> pd.DataFrame:
    return load("exposure")


@cache
def _trust() -> pd.DataFrame:
    return load("trust_sources")


@cache
def _fit(days: str) -> SaturationFit:
    return fit_saturation(panel_slice(_panel(), days))


def _r2(days: str) -> dict[str, float]:
    part = panel_slice(_panel(), days)
    m, y = part["messages_seen"], part["messages_noticed"]
    return {"curve": r_squared(y, _fit(days).predict(m)),
            "line": r_squared(y, fit_line(part, "messages_noticed").predict(m))}


def _close(answer: object, value: float, rtol: float = 2e-3) -> bool:
    try:
        return math.isclose(float(answer), value, rel_tol=rtol)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


# ----------------------------------------------------------------------------- q1


q1 = Question(
    LESSON, "q1", "weekend_saturation",
    expected=lambda: _fit("weekends").saturation_point,
    title="Saturation point of attention on weekends (messages seen a day)",
    rtol=2e-3,
    hints=[
        "Keep the weekend days first: `panel['day'].dt.day_of_week >= 5` is True on Saturdays (5) "
        "and Sundays (6). Then fit `saturation` to `messages_noticed` against `messages_seen` of "
        "those days only.",
        "`params, _ = curve_fit(saturation, weekend['messages_seen'], weekend['messages_noticed'], "
        "p0=[170, 180])` gives the ceiling and the scale, in that order.",
        "The curve reaches 90% of its ceiling when 1 - exp(-m / scale) = 0.9, that is at "
        "m = scale * ln(10): `weekend_saturation = params[1] * np.log(10)`.",
    ],
    mistakes=[
        Mistake("That is the saturation point of every day of the panel, the lesson's: keep only "
                "the weekend days (Saturday and Sunday) before fitting.",
                test=lambda a: _close(a, _fit("all").saturation_point)),
        Mistake("That is the weekdays' saturation point: weekends are the days whose "
                "`day_of_week` is 5 or 6.",
                test=lambda a: _close(a, _fit("weekdays").saturation_point)),
        Mistake("That is the curve's scale, the second fitted number. The saturation point is "
                "where the curve reaches 90% of its ceiling: scale times ln(10).",
                test=lambda a: _close(a, _fit("weekends").scale)),
        Mistake("That is the ceiling (the most messages a person notices). The question asks how "
                "many messages a person must SEE for the curve to reach 90% of that ceiling.",
                test=lambda a: _close(a, _fit("weekends").ceiling)),
        Mistake("That is 90% of the ceiling, a number of messages NOTICED. The saturation point is "
                "the number of messages SEEN at which the curve gets there.",
                test=lambda a: _close(a, SATURATION_SHARE * _fit("weekends").ceiling)),
        Mistake("That is where the curve reaches 95% of its ceiling (scale times ln 20): the "
                "course's saturation point is 90% (scale times ln 10).",
                test=lambda a: _close(a, saturation_point(_fit("weekends").scale, 0.95))),
        Mistake("That is the half-saturation point (50% of the ceiling, scale times ln 2): the "
                "course's saturation point is 90%.",
                test=lambda a: _close(a, saturation_point(_fit("weekends").scale, 0.5))),
    ],
)

# ----------------------------------------------------------------------------- q2


q2 = Question(
    LESSON, "q2", "weekend_r2",
    expected=lambda: _r2("weekends"),
    title="R² of the saturating curve and of a straight line, on the weekend days",
    rtol=0, atol=0.005,
    hints=[
        "R² = 1 - (sum of squared errors) / (sum of squared distances from the mean). For each "
        "model, the errors are the weekend days' `messages_noticed` minus what the model "
        "predicts at their `messages_seen`.",
        "The curve: `saturation(seen, *curve_fit(saturation, seen, noticed, p0=[170, 180])[0])`. "
        "The straight line: `np.polyval(np.polyfit(seen, noticed, 1), seen)`.",
        "`total = ((noticed - noticed.mean()) ** 2).sum()`; then `weekend_r2 = {'curve': 1 - "
        "((noticed - curve) ** 2).sum() / total, 'line': 1 - ((noticed - line) ** 2).sum() / "
        "total}`.",
    ],
    mistakes=[
        Mistake("The two numbers are the wrong way round: 'curve' is the saturating curve's R², "
                "'line' the straight line's.",
                value=lambda: dict(zip(("curve", "line"), reversed(list(_r2("weekends").values())),
                                       strict=True))),
        Mistake("Those are the R² of every day of the panel: compute them on the weekend days "
                "only, like question 1.", value=lambda: _r2("all")),
        Mistake("Those look like percentages: give R² as fractions between 0 and 1.",
                value=lambda: {k: 100 * v for k, v in _r2("weekends").items()}),
        Mistake("For the line you seem to have given the correlation r (from `np.corrcoef`), not "
                "R²: square it, or compute 1 - SSE / SST as for the curve.",
                test=lambda a: isinstance(a, dict) and "line" in a and math.isclose(
                    float(a["line"]), math.sqrt(_r2("weekends")["line"]), abs_tol=0.005)),
        Mistake("Give a dict with two keys, 'curve' and 'line', each an R² (a number).",
                test=lambda a: not isinstance(a, dict) or set(map(str, a)) != {"curve", "line"}),
    ],
)

# ----------------------------------------------------------------------------- q3


def _trust_both_years() -> pd.DataFrame:
    return _trust().pivot(index="source", columns="year", values="pct_trusting")


q3 = Question(
    LESSON, "q3", "trust_change",
    expected=lambda: trust_change(_trust(), 2009, 2015),
    title="Change in trust from 2009 to 2015, in points, for the sources asked in both years",
    ordered=False, rtol=0, atol=0.05,
    hints=[
        "Make a table with one row per source and one column per year: "
        "`trust.pivot(index='source', columns='year', values='pct_trusting')`.",
        "Only some sources were asked about in both years: the others have an empty cell "
        "(NaN) in one of the columns. `.dropna()` keeps the sources with both.",
        "`table = trust.pivot(index='source', columns='year', values='pct_trusting').dropna()` "
        "then `change = table[2015] - table[2009]`: later minus earlier, in percentage points.",
    ],
    mistakes=[
        Mistake("The signs are reversed: a change from 2009 to 2015 is the 2015 figure minus the "
                "2009 one (a fall is negative).",
                value=lambda: -trust_change(_trust(), 2009, 2015)),
        Mistake("That is the relative change in percent (change / 2009 value x 100). The question "
                "asks for percentage points: simply 2015 minus 2009.",
                value=lambda: trust_change(_trust(), 2009, 2015)
                / _trust_both_years().dropna()[2009] * 100),
        Mistake("Those look like fractions: the figures are percentages, so the change is in "
                "points (2015 minus 2009 of the percentages as given).",
                value=lambda: trust_change(_trust(), 2009, 2015) / 100),
        Mistake("Keep only the sources asked about in BOTH years: the others have no change to "
                "compute (drop the rows with an empty year).",
                test=lambda a: isinstance(a, pd.Series) and len(a) > len(
                    trust_change(_trust(), 2009, 2015)) and bool(a.isna().any())),
    ],
)

# ----------------------------------------------------------------------------- q4, q5: readings

q4 = ChoiceQuestion(
    LESSON, "q4", "deck_reading",
    expected="b",
    title="What does a new '10,000 ads a day' figure tell you?",
    choices={
        "a": "It is false: Media Dynamics, which says how it counts, measured about 360 ad "
             "exposures a day, and a figure nearly thirty times larger cannot be right about the "
             "same people.",
        "b": "Nothing yet: first ask what it counts and how. If it counts every ad, logo and "
             "label a person could have seen, it is a different count from the ads they noticed "
             "(Media Dynamics' 150-155), and dividing by it says nothing about one ad's chance "
             "of being noticed, which depends on the ad and the person.",
        "c": "It shows that advertising has doubled since the 5,000 was first quoted, so each "
             "ad's chance of being noticed has halved and brands should cut their messages.",
        "d": "It is right if the app surveyed enough people: with a large sample, both the count "
             "and the one-in-10,000 chance can be trusted, whatever was counted.",
    },
    hints=[
        "Re-read the lesson's four ways of counting 'an ad a day'. Which of them could a figure "
        "of 10,000 be, and which could it not be?",
        "The deck divides by its number to get one ad's chance of being seen. Which count would "
        "that chance have to come from, and does one number a day for everyone give it?",
        "Check each reading for what it assumes: a trend, a sample size, or a definition. Which "
        "one claims no more than the deck tells us?",
    ],
    mistakes=[
        Mistake("Different figures can count different things, and each can be right about its "
                "own thing: a count of every logo in view can be far above 360 without anyone "
                "lying. The question is what the 10,000 counts.", value="a"),
        Mistake("Two figures from different sources, counted in unknown and probably different "
                "ways, are not a time series: they cannot show that advertising doubled.",
                value="c"),
        Mistake("A big sample makes an estimate less noisy, not more relevant: it cannot turn a "
                "count of logos in view into a count of ads noticed.", value="d"),
    ],
)


def _weekend_reading() -> str:
    weekend, everyone = _fit("weekends").saturation_point, _fit("all").saturation_point
    return "b" if abs(weekend - everyone) <= SAME_WITHIN * everyone else "c"


q5 = ChoiceQuestion(
    LESSON, "q5", "weekend_reading",
    expected=_weekend_reading,
    title="What does the weekend saturation point, set beside the whole panel's, tell you?",
    choices={
        "a": "Real people's attention saturates at the same point on weekends as on weekdays: the "
             "panel shows it.",
        "b": "The two are close because the generator used one attention formula for every day, "
             "weekend or not (built in: weekends only bring fewer messages). The panel cannot "
             "say whether real weekends differ: that needs real diary data.",
        "c": "They differ by more than a few percent, so weekend attention works differently.",
        "d": "They are close because curve_fit returns its starting values.",
    },
    hints=[
        "Compare your weekend saturation point with the lesson's (every day): how far apart are "
        "they, in percent?",
        "Then ask where the panel's numbers come from: what did the lesson say is built into "
        "the generator about attention?",
        "The lesson's Built in paragraph names one attention formula and capacity for every "
        "day (ATTENTION_CAPACITY); weekends only bring fewer messages. What must that do to any "
        "slice's saturation point?",
    ],
    mistakes=[
        Mistake("The panel is synthetic: it can only show what the generator was told to do, so "
                "it cannot show anything about real people's weekends.", value="a"),
        Mistake("Compare the two numbers again: they are within a few percent of each other.",
                value="c"),
        Mistake("curve_fit moved well away from any starting values you gave it (try other "
                "p0): the fits agree because the data were built with one capacity.", value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "advice",
    prompt="A colleague wants Copperpot to double the messages it sends each customer a day: "
    "'more touchpoints, more sales'. What would you tell them? Say what the (synthetic) panel "
    "can and cannot support (whose messages does its 'messages a day' count?), what the real "
    "trust figures add, and how Sharp, Binet & Field or Ephron would answer you.",
)
