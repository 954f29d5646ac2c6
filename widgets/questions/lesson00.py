"""Lesson 00, Start here: a practice question, and the lesson's comparison on another slice.

The lesson compares broadcasts and questions in the brand's first week (20 posts). The exercise
asks for the same comparison in a slice the lesson never computes: every post from 1 January 2025
up to (not including) 1 July 2025. Every expected value is computed from the data by the
lesson's own models, so nothing here is typed in.

The slice was chosen because the pooled answer there is the platform mix and nothing else
(:func:`~widgets.models.start.pooled_lead_is_mix`: broadcasts lead on every platform, and still
lead when both styles are weighted to one platform mix); q4's key is computed from that test.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..checks import is_number as _number
from ..course import COURSE_MAP
from ..data import load
from ..models.start import (
    per_thousand_followers,
    platform_mix,
    pooled_lead_is_mix,
    posts_between,
    style_summary,
    warmup_slice,
)

LESSON = "00"
#: The exercise's slice: January to June 2025 (start included, end excluded).
START, END = "2025-01-01", "2025-07-01"
#: What the slice is called in the exercise.
PERIOD = "January to June 2025"


@cache
def _posts() -> pd.DataFrame:
    return load("posts")


@cache
def _slice(start: str = START, end: str = END) -> pd.DataFrame:
    return posts_between(_posts(), start, end)


def _question_rate(posts: pd.DataFrame) -> float:
    return float(style_summary(posts).loc["question", "per_1000_followers"])


def _question_posts(posts: pd.DataFrame) -> pd.DataFrame:
    return posts[posts["style"].astype(str) == "question"]


def _tiktok_share(posts: pd.DataFrame, style: str = "question") -> float:
    return float(platform_mix(posts).loc[style, "tiktok"])


def _other_way_round(answer: object) -> bool:
    """The share of the slice's TikTok posts that are questions (of every style, or of the two
    compared styles), within q3's tolerance."""
    tiktok = _slice()[_slice()["platform"].astype(str) == "tiktok"]["style"].astype(str)
    shares = ((tiktok == "question").mean(),
              (tiktok[tiktok.isin(["broadcast", "question"])] == "question").mean())
    return _number(answer) and any(abs(float(answer) - v) <= 2e-2 * v for v in shares)


practice = Question(
    LESSON, "practice", "lessons_in_course",
    expected=lambda: len(COURSE_MAP),
    title="How many lessons are on the course map?",
    points=0,
    hints=["Count the rows of the course map table above, lesson 00 included.",
           "The first row is lesson 00 and the last is lesson 09."],
    mistakes=[Mistake("Lesson 00 counts too: the map starts at 00.",
                      value=lambda: len(COURSE_MAP) - 1)],
)

q1 = Question(
    LESSON, "q1", "n_posts",
    expected=lambda: len(_slice()),
    title=f"How many posts did the brand publish from {PERIOD}?",
    hints=["Make the slice first: `first_half = posts_between(posts, start, end)`, with the dates "
           "written like \"2025-01-01\". Then `len(first_half)` counts its rows.",
           "The end date is not included: a slice that must contain every day of June ends at "
           "\"2025-07-01\".",
           "`first_half = posts_between(posts, \"2025-01-01\", \"2025-07-01\")` in the first "
           "cell, then `n_posts = len(first_half)`."],
    mistakes=[
        Mistake("That is every post of the two years: count only the posts from 1 January 2025 up "
                "to 1 July 2025.", value=lambda: len(_posts())),
        Mistake(f"That is the lesson's first week: this exercise is about {PERIOD}.",
                value=lambda: len(warmup_slice(_posts()))),
        Mistake("That is January to June 2024, the brand's first year: this exercise is about 2025.",
                value=lambda: len(_slice("2024-01-01", "2024-07-01"))),
        Mistake("That is the whole of 2025: stop at 1 July 2025 (the end is not included).",
                value=lambda: len(_slice(START, "2026-01-01"))),
        Mistake("You left out June: the end date is not included, so a slice that must contain "
                "June ends at \"2025-07-01\".", value=lambda: len(_slice(START, "2025-06-01"))),
        Mistake("That counts only broadcasts and questions: count every post of the slice, "
                "whatever its style.",
                value=lambda: int(_slice()["style"].astype(str).isin(["broadcast", "question"]).sum())),
        Mistake("That is a single quarter: the slice runs six months, from 1 January up to 1 July.",
                test=lambda a: _number(a) and int(a) == a and int(a) in {
                    len(_slice(s, e)) for s, e in (("2025-01-01", "2025-04-01"),
                                                   ("2025-04-01", "2025-07-01"))}),
        Mistake("That is a single month: the slice runs six months, from 1 January up to 1 July.",
                test=lambda a: _number(a) and int(a) == a and int(a) in {
                    len(_slice(f"2025-{m:02d}-01", f"2025-{m + 1:02d}-01")) for m in range(1, 7)}),
    ],
)

q2 = Question(
    LESSON, "q2", "question_per_1000",
    expected=lambda: _question_rate(_slice()),
    title=f"Likes per 1,000 followers of the question posts, {PERIOD}",
    rtol=5e-3,
    hints=["`style_summary(first_half)` gives a table with a row per style and a column "
           "`per_1000_followers`, as in the lesson.",
           "Pick one number from a table with `.loc[row, column]`.",
           "`question_per_1000 = style_summary(first_half).loc[\"question\", \"per_1000_followers\"]`."],
    mistakes=[
        Mistake("That is likes per post, not per 1,000 followers: use the `per_1000_followers` "
                "column.", value=lambda: float(style_summary(_slice()).loc["question", "per_post"])),
        Mistake("That is likes per follower: multiply by 1,000 to get likes per 1,000 followers.",
                value=lambda: _question_rate(_slice()) / 1000),
        Mistake("That is likes per 100 followers (a percent): the question asks per 1,000 "
                "followers, ten times as many.", value=lambda: _question_rate(_slice()) / 10),
        Mistake("You divided all the likes by all the followers: that gives the posts of big "
                "accounts more weight. Take each post's likes per 1,000 followers first, then the "
                "mean over the posts.",
                value=lambda: float(_question_posts(_slice())["likes"].sum()
                                    / _question_posts(_slice())["followers"].sum() * 1000)),
        Mistake("That is the median post; the course's measure is the mean over the posts (the "
                "`per_1000_followers` column of `style_summary`).",
                value=lambda: float(per_thousand_followers(_question_posts(_slice())).median())),
        Mistake("That is the broadcasts' figure: the question asks about the question posts.",
                value=lambda: float(style_summary(_slice()).loc["broadcast", "per_1000_followers"])),
        Mistake("That is every style together: keep only the question posts.",
                value=lambda: float(per_thousand_followers(_slice()).mean())),
        Mistake(f"That is the question posts of the whole two years: use the {PERIOD} slice.",
                value=lambda: _question_rate(_posts())),
        Mistake(f"That is the lesson's first week: use the {PERIOD} slice.",
                value=lambda: _question_rate(warmup_slice(_posts()))),
        Mistake("Close, but rounded to a whole number: keep at least one decimal.",
                test=lambda a: _number(a) and float(a) == round(_question_rate(_slice()))),
    ],
)

q3 = Question(
    LESSON, "q3", "tiktok_share",
    expected=lambda: _tiktok_share(_slice()),
    title="What fraction of the slice's question posts were on TikTok?",
    rtol=2e-2,
    hints=["`platform_mix(first_half)` gives, for each style, the fraction of its posts on each "
           "platform, as in the lesson.",
           "Each row sums to 1: read the `question` row, `tiktok` column.",
           "`tiktok_share = platform_mix(first_half).loc[\"question\", \"tiktok\"]`."],
    mistakes=[
        Mistake("That looks like a percent: give a fraction between 0 and 1 (0.25 means a "
                "quarter).", test=lambda a: _number(a) and abs(float(a) / 100
                                                                  - _tiktok_share(_slice()))
                <= 2e-2 * _tiktok_share(_slice())),
        Mistake("That is a number of posts: divide it by the number of question posts in the "
                "slice.", value=lambda: int(((_slice()["style"].astype(str) == "question")
                                             & (_slice()["platform"].astype(str) == "tiktok")).sum())),
        Mistake("That is either the right share rounded too far (keep two decimals) or the share "
                "the other way round (the share of TikTok's posts that are questions). The question "
                "asks: of the question posts, what fraction was on TikTok? Keep two decimals.",
                test=lambda a: _number(a) and float(a) == round(_tiktok_share(_slice()), 1)
                and _other_way_round(a)),
        Mistake("That is the other way round: the share of TikTok's posts that are questions. The "
                "question asks: of the question posts, what share was on TikTok?",
                test=_other_way_round),
        Mistake("You divided by every post of the slice: divide by the question posts only.",
                value=lambda: float(((_slice()["style"].astype(str) == "question")
                                     & (_slice()["platform"].astype(str) == "tiktok")).mean())),
        Mistake("That is the share of all the slice's posts that were on TikTok: keep only the "
                "question posts.", value=lambda: float((_slice()["platform"].astype(str)
                                                        == "tiktok").mean())),
        Mistake("That is the broadcasts' share: the question asks about the question posts.",
                value=lambda: _tiktok_share(_slice(), "broadcast")),
        Mistake(f"That is the question posts of the whole two years: use the {PERIOD} slice.",
                value=lambda: _tiktok_share(_posts())),
        Mistake("Close, but rounded too far: keep two decimals.",
                test=lambda a: _number(a) and float(a) == round(_tiktok_share(_slice()), 1)),
    ],
)

READINGS = {
    "a": "Question posts draw more likes per follower than broadcasts: the pooled table shows it, "
         "and it counts every post of the six months.",
    "b": "On every platform the broadcasts drew slightly more likes per 1,000 followers; the "
         "questions lead only when the platforms are pooled, because a larger share of them were "
         "posted on TikTok, where any post draws far more likes per follower.",
    "c": "Dividing by followers is what puts the questions ahead: counted per post, broadcasts lead.",
    "d": "Likes per 1,000 followers differ so much from one platform to another that they cannot "
         "compare styles at all.",
}

q4 = ChoiceQuestion(
    LESSON, "q4", "reading",
    expected=lambda: "b" if pooled_lead_is_mix(_slice()) else "a",
    title=f"Which reading of the {PERIOD} comparison does the data support?",
    choices=READINGS,
    hints=["Compare two tables: `style_summary(first_half)` (every platform pooled) and "
           "`by_platform(first_half)` (each platform on its own).",
           "In `by_platform(first_half)`, count the platforms where broadcasts have the higher "
           "`per_1000_followers`. Then look at the TikTok rows and at your answer to q3.",
           "Pooled and within-platform answers can disagree when the styles were posted on "
           "different platforms in different proportions (the lesson's first finding). Ask: had "
           "the questions been spread over the platforms like the broadcasts, would they still "
           "lead?"],
    mistakes=[
        Mistake("The pooled table mixes platforms whose audiences like posts at very different "
                "rates. Look at `by_platform(first_half)`: which style leads on each platform?",
                value="a"),
        Mistake("Look at the `per_post` column of `style_summary(first_half)`: questions lead there "
                "too, so dividing by followers is not what puts them ahead.", value="c"),
        Mistake("Likes per 1,000 followers compares styles well within one platform; what misleads "
                "is pooling platforms whose audiences respond at very different rates.",
                value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=(f"A colleague reads the pooled {PERIOD} table and says: 'Questions get more "
            "likes per follower than broadcasts, so let us post only questions.' What would you "
            "answer, and what would you want to know before changing the plan?"),
)
