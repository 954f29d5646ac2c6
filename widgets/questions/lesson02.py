"""Lesson 02, the myth of the segment: six checked questions and one reflection on the survey."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from ..checks import Mistake, Question, Reflection
from ..data import load
from ..models.segments import (
    NEED_COLUMNS,
    crosstab,
    disagreement,
    eta_squared,
    filter_segment,
    largest_gap,
    need_clusters,
    top_need_shares,
)

LESSON = "02"
#: The box of questions 2 and 3, in the survey's own band labels.
SEGMENT = {"age_band": "18-24", "income_band": "mid-upper", "region": "centre"}
K, SEED, N_INIT = 5, 0, 10


@cache
def _survey() -> pd.DataFrame:
    return load("survey")


@cache
def _segment() -> pd.DataFrame:
    return filter_segment(_survey(), **SEGMENT)


@cache
def _clusters(standardise: bool = True) -> pd.Series:
    return need_clusters(_survey(), k=K, seed=SEED, n_init=N_INIT, standardise=standardise)


def _sizes(standardise: bool = True) -> list[int]:
    return sorted(_clusters(standardise).value_counts().astype(int).tolist(), reverse=True)


def _pearson_price_income() -> float:
    s = _survey()
    return float(np.corrcoef(s["need_price"], s["income_band"].cat.codes)[0, 1])


def _says(word: str):
    return lambda answer: isinstance(answer, str) and word in answer.lower()


q1 = Question(
    LESSON, "q1", "eta_price_income",
    expected=lambda: eta_squared(_survey()["need_price"], _survey()["income_band"]),
    title="What share of the variation in the price score does income band explain?",
    rtol=1e-3,
    hints=[
        "Eta squared = (variation between the income bands' means) / (total variation). Both "
        "are sums of squared distances from the overall mean of `need_price`.",
        "Total: `((survey['need_price'] - survey['need_price'].mean()) ** 2).sum()`. Between: for "
        "each band, its size times (band mean - overall mean) squared, summed; "
        "`survey.groupby('income_band', observed=True)['need_price'].agg(['mean', 'size'])` "
        "gives the means and sizes.",
        "`between / total` is the answer: a fraction between 0 and 1, not a percentage.",
    ],
    mistakes=[
        Mistake("That is eta (the square root): the question asks for eta squared, so square it.",
                value=lambda: math.sqrt(eta_squared(_survey()["need_price"],
                                                    _survey()["income_band"]))),
        Mistake("That looks like a correlation between the price score and the income band's "
                "number. Eta squared needs no numbering of the bands: compare each band's mean "
                "with the overall mean.",
                test=lambda a: any(math.isclose(float(a), v, rel_tol=1e-3)
                                   for v in (_pearson_price_income(), _pearson_price_income() ** 2,
                                             -_pearson_price_income()))),
        Mistake("That is a percentage: give eta squared as a fraction between 0 and 1.",
                value=lambda: 100 * eta_squared(_survey()["need_price"], _survey()["income_band"])),
        Mistake("That is the eta squared of the price score on age band: the question asks about "
                "income band.",
                value=lambda: eta_squared(_survey()["need_price"], _survey()["age_band"])),
    ],
)

q2 = Question(
    LESSON, "q2", "segment_shares",
    expected=lambda: top_need_shares(_segment()),
    title="In the 18-24, mid-upper income, centre segment: what share has each top need?",
    ordered=False,
    hints=[
        "First cut the segment: keep the rows where `age_band == '18-24'` and "
        "`income_band == 'mid-upper'` and `region == 'centre'` (combine the conditions with &).",
        "`segment['top_need'].value_counts()` counts each top need; the question wants shares.",
        "`segment['top_need'].value_counts(normalize=True)` gives fractions that sum to 1.",
    ],
    mistakes=[
        Mistake("Those are counts of people: the question asks for shares (fractions that sum to 1).",
                value=lambda: _segment()["top_need"].value_counts()),
        Mistake("Those are percentages: give fractions between 0 and 1 (they sum to 1).",
                value=lambda: 100 * top_need_shares(_segment())),
        Mistake("Those are the shares among everyone in the survey: cut the segment first.",
                value=lambda: top_need_shares(_survey())),
    ],
)

q3 = Question(
    LESSON, "q3", "segment_disagreement",
    expected=lambda: disagreement(_segment()),
    title="How often do two random people of that segment have different top needs?",
    hints=[
        "If a share p of the segment has a top need, two people drawn at random both have it with "
        "chance p * p.",
        "The chance that two draws AGREE is the sum of the squared shares; disagreement is 1 minus it.",
        "`1 - (segment_shares ** 2).sum()` with your shares from question 2.",
    ],
    mistakes=[
        Mistake("That is the chance that two people AGREE (the sum of squared shares): "
                "the question asks how often they differ, 1 minus that.",
                value=lambda: 1 - disagreement(_segment())),
        Mistake("That is the disagreement among everyone in the survey: use the segment's shares.",
                value=lambda: disagreement(_survey())),
        Mistake("Use the shares (fractions), not the counts, before squaring.",
                test=lambda a: float(a) < -1),
    ],
)

q4 = Question(
    LESSON, "q4", "cluster_sizes",
    expected=lambda: _sizes(),
    title="Cluster the need scores into five groups: how big is each?",
    ordered=False, rtol=0, atol=0.5,
    hints=[
        "Standardise the six need columns first: "
        "`StandardScaler().fit_transform(survey[need_columns])`.",
        "Then `KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled)` gives one "
        "cluster number per respondent; keep those exact settings so your result matches.",
        "`pd.Series(labels).value_counts().tolist()` gives the five sizes (they sum to 5,000).",
    ],
    mistakes=[
        Mistake("Close, but these clusters come from the raw scores: standardise the six need "
                "columns first (StandardScaler), then cluster.",
                value=lambda: _sizes(standardise=False)),
        Mistake("Five sizes that sum to 5,000 but do not match: use exactly "
                "KMeans(n_clusters=5, n_init=10, random_state=0) on the standardised need columns "
                "(only the six need_ columns).",
                test=lambda a: len(list(a)) == K and int(sum(a)) == len(_survey())),
        Mistake("There should be five numbers, one per cluster.",
                test=lambda a: not isinstance(a, str) and hasattr(a, "__len__") and len(a) != K),
    ],
)


def _age_gap(normalize: str) -> float:
    table = pd.crosstab(_survey()["age_band"], _clusters(), normalize=normalize)
    return float((table.max() - table.min()).max())


q5 = Question(
    LESSON, "q5", "age_gap",
    expected=lambda: largest_gap(crosstab(_survey()["age_band"], _clusters())),
    title="How different are the age bands' cluster mixes, at most?",
    hints=[
        "`pd.crosstab(survey['age_band'], clusters, normalize='index')`: one row per age band, "
        "its people shared out over the clusters (each row sums to 1).",
        "For each cluster (a column), the gap is its largest share minus its smallest: "
        "`table.max() - table.min()`.",
        "The answer is the biggest of those gaps: `(table.max() - table.min()).max()`, a fraction.",
    ],
    mistakes=[
        Mistake("That table was normalised by cluster (columns): each row should be an age band "
                "whose shares sum to 1, so use normalize='index'.",
                value=lambda: _age_gap("columns")),
        Mistake("That gap is in counts of people: normalise the cross-tab by row "
                "(normalize='index') so that bands of different sizes can be compared.",
                value=lambda: float((pd.crosstab(_survey()["age_band"], _clusters()).max()
                                     - pd.crosstab(_survey()["age_band"], _clusters()).min()).max())),
        Mistake("That is a percentage: give the gap as a fraction.",
                value=lambda: 100 * largest_gap(crosstab(_survey()["age_band"], _clusters()))),
    ],
)

q6 = Question(
    LESSON, "q6", "explains_more",
    expected="clusters",
    title="Which explains more of the need scores: demographics or need clusters?",
    hints=[
        "Compute eta squared of each need column on `survey['age_band']`, then on your clusters; "
        "compare the averages.",
        "The answer is one word: \"demographics\" or \"clusters\".",
    ],
    mistakes=[
        Mistake("Compare the numbers again: even the strongest demographic explains around one "
                "percent of a need score's variation, the clusters most of it.",
                test=_says("demograph")),
        Mistake("Age, income and region are all demographics, and none of them explains much: "
                "compare their eta squared with the clusters'.",
                test=lambda a: isinstance(a, str) and any(x in a.lower()
                                                         for x in ("age", "income", "region"))),
        Mistake("Answer with just the word \"clusters\" or \"demographics\".",
                test=lambda a: isinstance(a, str) and "cluster" in a.lower()),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reply_to_the_brief",
    prompt="A colleague's brief says: 'Our target is 18-24, mid-upper income, in the centre.' "
    "Using what you found, what would you reply, and what would you ask instead?",
)

#: For the tests: the need columns, as the exercise's setup cell names them.
need_columns = list(NEED_COLUMNS)
