"""Lesson 00, Start here: a practice question and three warm-ups on a slice of posts."""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..checks import Mistake, Question
from ..course import COURSE_MAP
from ..data import load
from ..models.start import comments_per_post, top_style, warmup_slice

LESSON = "00"


@cache
def _slice() -> pd.DataFrame:
    return warmup_slice(load("posts"))


practice = Question(
    LESSON, "practice", "lessons_in_course",
    expected=lambda: len(COURSE_MAP),
    title="How many lessons are on the course map?",
    points=0,
    hints=["Count the rows of the course map table above, lesson 00 included."],
    mistakes=[Mistake("Lesson 00 counts too: the map starts at 00.",
                      value=lambda: len(COURSE_MAP) - 1)],
)

q1 = Question(
    LESSON, "q1", "n_posts",
    expected=lambda: len(_slice()),
    title="How many posts are in the slice?",
    hints=["`len(sample)` counts the rows of a DataFrame.",
           "Count the rows of `sample`, not of `posts` (the whole two years)."],
    mistakes=[Mistake("That is every post of the two years: count only the slice `sample`.",
                      value=lambda: len(load("posts")))],
)

q2 = Question(
    LESSON, "q2", "comments_per_post",
    expected=lambda: comments_per_post(_slice()),
    title="How many comments does a post in the slice get, on average?",
    rtol=5e-3,
    hints=["A column of a DataFrame has a `.mean()` method.",
           "Take the mean of the `comments` column of `sample`."],
    mistakes=[
        Mistake("That is the total number of comments: divide by the number of posts.",
                value=lambda: float(_slice()["comments"].sum())),
        Mistake("That is the mean number of likes: the question is about comments.",
                value=lambda: float(_slice()["likes"].mean())),
        Mistake("That is the mean over all two years: use the slice `sample`.",
                value=lambda: comments_per_post(load("posts"))),
    ],
)

q3 = Question(
    LESSON, "q3", "top_style",
    expected=lambda: top_style(_slice(), "comments"),
    title="Which post style drew the most comments per post in the slice?",
    hints=["Group the slice by `style` and take the mean of `comments`.",
           "`sample.groupby('style', observed=True)['comments'].mean().idxmax()` names the winner."],
    mistakes=[
        Mistake("That style has the most comments in total, but the question asks per post.",
                value=lambda: str(_slice().groupby("style", observed=True)["comments"].sum().idxmax())),
    ],
)
