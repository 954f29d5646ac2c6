"""Lesson 00, Start here: a practice question, and the lesson's comparison on another slice.

The lesson compares broadcasts and questions in the brand's first week (20 posts). The exercise
asks for the same comparison in a slice the lesson never computes: every post from 1 July 2025
up to (not including) 1 October 2025. Every expected value is computed from the data by the
lesson's own models, so nothing here is typed in.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..course import COURSE_MAP
from ..data import load
from ..models.start import (
    per_thousand_followers,
    platform_mix,
    pooling_reverses,
    posts_between,
    style_summary,
    warmup_slice,
)

LESSON = "00"
#: The exercise's slice: July to September 2025 (start included, end excluded).
START, END = "2025-07-01", "2025-10-01"


@cache
def _posts() -> pd.DataFrame:
    return load("posts")


@cache
def _slice(start: str = START, end: str = END) -> pd.DataFrame:
    return posts_between(_posts(), start, end)


def _question_rate(posts: pd.DataFrame) -> float:
    return float(style_summary(posts).loc["question", "per_1000_followers"])


def _number(answer: object) -> bool:
    """A plain number (not True/False), as a learner's answer."""
    return (isinstance(answer, int | float | np.integer | np.floating)
            and not isinstance(answer, bool | np.bool_))


def _question_posts(posts: pd.DataFrame) -> pd.DataFrame:
    return posts[posts["style"].astype(str) == "question"]


def _tiktok_share(posts: pd.DataFrame, style: str = "question") -> float:
    return float(platform_mix(posts).loc[style, "tiktok"])


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
    title="How many posts did the brand publish from July to September 2025?",
    hints=["Make the slice first: `summer = posts_between(posts, start, end)`, with the dates "
           "written like \"2025-07-01\". Then `len(summer)` counts its rows.",
           "The end date is not included: a slice that must contain 30 September ends at "
           "\"2025-10-01\".",
           "`summer = posts_between(posts, \"2025-07-01\", \"2025-10-01\")` in the first cell, "
           "then `n_posts = len(summer)`."],
    mistakes=[
        Mistake("That is every post of the two years: count only the posts from 1 July 2025 up "
                "to 1 October 2025.", value=lambda: len(_posts())),
        Mistake("That is the lesson's first week: this exercise is about July to September 2025.",
                value=lambda: len(warmup_slice(_posts()))),
        Mistake("You left out the posts of 30 September: the end date is not included, so the "
                "slice must end at \"2025-10-01\".", value=lambda: len(_slice(START, "2025-09-30"))),
        Mistake("That counts only broadcasts and questions: count every post of the slice, "
                "whatever its style.",
                value=lambda: int(_slice()["style"].astype(str).isin(["broadcast", "question"]).sum())),
        Mistake("That is a single month: the slice runs three months, from 1 July up to 1 October.",
                test=lambda a: _number(a) and int(a) == a and int(a) in {
                    len(_slice(s, e)) for s, e in (("2025-07-01", "2025-08-01"),
                                                   ("2025-08-01", "2025-09-01"),
                                                   ("2025-09-01", "2025-10-01"))}),
    ],
)

q2 = Question(
    LESSON, "q2", "question_per_1000",
    expected=lambda: _question_rate(_slice()),
    title="Likes per 1,000 followers of the question posts, July to September 2025",
    rtol=5e-3,
    hints=["`style_summary(summer)` gives a table with a row per style and a column "
           "`per_1000_followers`, as in the lesson.",
           "Pick one number from a table with `.loc[row, column]`.",
           "`question_per_1000 = style_summary(summer).loc[\"question\", \"per_1000_followers\"]`."],
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
        Mistake("That is the question posts of the whole two years: use the July to September "
                "2025 slice.", value=lambda: _question_rate(_posts())),
        Mistake("That is the lesson's first week: use the July to September 2025 slice.",
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
    hints=["`platform_mix(summer)` gives, for each style, the fraction of its posts on each "
           "platform, as in the lesson.",
           "Each row sums to 1: read the `question` row, `tiktok` column.",
           "`tiktok_share = platform_mix(summer).loc[\"question\", \"tiktok\"]`."],
    mistakes=[
        Mistake("That looks like a percent: give a fraction between 0 and 1 (0.25 means a "
                "quarter).", test=lambda a: _number(a) and abs(float(a) / 100
                                                                  - _tiktok_share(_slice()))
                <= 2e-2 * _tiktok_share(_slice())),
        Mistake("That is a number of posts: divide it by the number of question posts in the "
                "slice.", value=lambda: int(((_slice()["style"].astype(str) == "question")
                                             & (_slice()["platform"].astype(str) == "tiktok")).sum())),
        Mistake("That is the other way round: the share of TikTok's posts that are questions. The "
                "question asks: of the question posts, what share was on TikTok?",
                test=lambda a: _number(a) and any(abs(float(a) - v) <= 2e-2 * v for v in (
                    float((_slice().query("platform == 'tiktok'")["style"].astype(str)
                           == "question").mean()),
                    float((_slice().query("platform == 'tiktok' and style in ['broadcast', "
                                          "'question']")["style"].astype(str) == "question").mean())))),
        Mistake("You divided by every post of the slice: divide by the question posts only.",
                value=lambda: float(((_slice()["style"].astype(str) == "question")
                                     & (_slice()["platform"].astype(str) == "tiktok")).mean())),
        Mistake("That is the share of all the slice's posts that were on TikTok: keep only the "
                "question posts.", value=lambda: float((_slice()["platform"].astype(str)
                                                        == "tiktok").mean())),
        Mistake("That is the broadcasts' share: the question asks about the question posts.",
                value=lambda: _tiktok_share(_slice(), "broadcast")),
        Mistake("That is the question posts of the whole two years: use the July to September "
                "2025 slice.", value=lambda: _tiktok_share(_posts())),
        Mistake("Close, but rounded too far: keep two decimals.",
                test=lambda a: _number(a) and float(a) == round(_tiktok_share(_slice()), 1)),
    ],
)

READINGS = {
    "a": "Question posts draw more likes per follower than broadcasts: the pooled table shows it, "
         "and it counts every post of the three months.",
    "b": "On most platforms broadcasts draw slightly more likes per 1,000 followers; questions "
         "lead only when the platforms are pooled, because a larger share of them were posted on "
         "TikTok, where any post draws far more likes per follower.",
    "c": "Dividing by followers is what puts the questions ahead: counted per post, broadcasts lead.",
    "d": "The platforms disagree, so likes per 1,000 followers cannot compare styles at all.",
}

q4 = ChoiceQuestion(
    LESSON, "q4", "reading",
    expected=lambda: "b" if pooling_reverses(_slice()) else "a",
    title="Which reading of the July to September comparison does the data support?",
    choices=READINGS,
    hints=["Compare two tables: `style_summary(summer)` (every platform pooled) and "
           "`by_platform(summer)` (each platform on its own).",
           "In `by_platform(summer)`, count the platforms where broadcasts have the higher "
           "`per_1000_followers`. Then look at the TikTok rows and at your answer to q3.",
           "Pooled and within-platform answers can disagree when the styles were posted on "
           "different platforms in different proportions (the lesson's first finding)."],
    mistakes=[
        Mistake("The pooled table mixes platforms whose audiences like posts at very different "
                "rates. Look at `by_platform(summer)`: which style leads on most platforms?",
                value="a"),
        Mistake("Look at the `per_post` column of `style_summary(summer)`: questions lead there "
                "too, so dividing by followers is not what puts them ahead.", value="c"),
        Mistake("Likes per 1,000 followers compares styles well within one platform; what misleads "
                "is pooling platforms whose audiences respond at very different rates.",
                value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=("A colleague reads the pooled July to September table and says: 'Questions get more "
            "likes per follower than broadcasts, so let us post only questions.' What would you "
            "answer, and what would you want to know before changing the plan?"),
)
