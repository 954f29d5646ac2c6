"""Lesson 02, the myth of the segment: six checked questions and one reflection on the survey.

Every question asks for the lesson's method on something the lesson did not compute: the 120
full demographic boxes (q1), another box (q2), the connoisseurs' cluster in the low-income band
(q4), the high-income band on its own (q5); q3 checks the clusters q4 builds on, and q6 asks which
reading of the learner's own q5 result follows. Expected values are computed from the data with
the course's models.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..data import load
from ..models.segments import (
    DEMOGRAPHICS,
    NEED_COLUMNS,
    coverage_index,
    disagreement,
    eta_squared,
    filter_segment,
    need_clusters,
    shuffled_needs,
    smooth_cloud,
    top_need_shares,
    variance_explained,
)

LESSON = "02"
#: The box of question 2, in the survey's own band labels (the lesson used another).
SEGMENT = {"age_band": "55-64", "income_band": "mid", "region": "north"}
#: The box the lesson itself measured: an answer about it is the lesson's, not the exercise's.
LESSON_SEGMENT = {"age_band": "18-24", "income_band": "mid-upper", "region": "centre"}
K, SEED, N_INIT = 5, 0, 10
#: Question 4: an income band and a cluster (the one whose members rate this need highest; the
#: lesson computed low income in "price first"). Question 5: the income band it is asked within.
Q4_BAND, CLUSTER_NEED = "low", "novelty"
Q5_BAND = "high"
#: Question 6's reading "b" needs a clear gap over the shuffled baseline in question 5's band.
CLEAR_GAP = 0.1
#: Question 5 accepts a baseline from any careful shuffle: shuffles differ by about 0.004 (sd).
SHUFFLE_ATOL = 0.012


@cache
def _survey() -> pd.DataFrame:
    return load("survey")


@cache
def _segment() -> pd.DataFrame:
    return filter_segment(_survey(), **SEGMENT)


@cache
def _lesson_segment() -> pd.DataFrame:
    return filter_segment(_survey(), **LESSON_SEGMENT)


@cache
def _boxes(columns: tuple[str, ...] = DEMOGRAPHICS) -> pd.Series:
    """One label per respondent naming their box on ``columns`` (e.g. "55-64|mid|north")."""
    s = _survey()
    return s[list(columns)].astype(str).agg("|".join, axis=1)


@cache
def _eta_boxes(need: str = "need_price", columns: tuple[str, ...] = DEMOGRAPHICS) -> float:
    return eta_squared(_survey()[need], _boxes(columns))


def _rounded(expected, digits=(1, 2, 3)):
    """A test: the answer is ``expected`` rounded to too few decimals (but not the answer itself)."""
    def test(answer) -> bool:
        e = expected() if callable(expected) else expected
        a = float(answer)
        return any(math.isclose(a, round(e, d), abs_tol=1e-12) for d in digits) and not math.isclose(
            a, e, rel_tol=1e-3)
    return test


# ----------------------------------------------------------------------------- q1: the 120 boxes


q1 = Question(
    LESSON, "q1", "eta_price_boxes",
    expected=lambda: _eta_boxes(),
    title="What share of the variation in the price score do the 120 full boxes "
          "(age band x income band x region) explain?",
    rtol=5e-3,
    hints=[
        "Eta squared = (variation between the groups' means) / (total variation). Here a group is "
        "one full box: an age band, an income band and a region together (120 of them).",
        "`survey.groupby(['age_band', 'income_band', 'region'], observed=True)['need_price']"
        ".agg(['mean', 'size'])` gives each box's mean and size. Total: "
        "`((survey['need_price'] - survey['need_price'].mean()) ** 2).sum()`.",
        "Between = sum over boxes of size * (box mean - overall mean) ** 2; the answer is "
        "between / total, a fraction between 0 and 1.",
    ],
    mistakes=[
        Mistake("That is eta (the square root): the question asks for eta squared, so square it.",
                value=lambda: math.sqrt(_eta_boxes())),
        Mistake("That is a percentage: give eta squared as a fraction between 0 and 1.",
                value=lambda: 100 * _eta_boxes()),
        Mistake("That is the income band alone (the lesson's number): group by all three "
                "columns at once, age band, income band and region.",
                value=lambda: eta_squared(_survey()["need_price"], _survey()["income_band"])),
        Mistake("That groups by age band and income band only (24 boxes): add the region.",
                value=lambda: _eta_boxes(columns=("age_band", "income_band"))),
        Mistake("Close, but rounded too far: give at least three significant figures.",
                test=_rounded(lambda: _eta_boxes())),
        Mistake("That is for another need score: the question asks about `need_price`.",
                test=lambda a: any(math.isclose(float(a), _eta_boxes(c), rel_tol=5e-3)
                                   for c in NEED_COLUMNS if c != "need_price")),
    ],
)


# ----------------------------------------------------------------------------- q2: another box


def _is_box_shares(answer) -> bool:
    """The answer is the box's shares by top need (a Series or dict), not the disagreement."""
    from ..checks import same

    if not isinstance(answer, pd.Series | dict):
        return False
    shares = top_need_shares(_segment())
    shares = shares[shares > 0]
    return same(answer, shares, rtol=1e-3, atol=1e-9, ordered=False) or same(
        answer, top_need_shares(_segment()), rtol=1e-3, atol=1e-9, ordered=False)


q2 = Question(
    LESSON, "q2", "segment_disagreement",
    expected=lambda: disagreement(_segment()),
    title="In the 55-64, mid income, north box: how often do two people drawn at random (each draw "
          "from the whole box) have different top needs?",
    hints=[
        "First cut the box: keep the rows where `age_band == '55-64'` and `income_band == 'mid'` "
        "and `region == 'north'` (combine the conditions with &, each in parentheses). Then "
        "`box['top_need'].value_counts(normalize=True)` gives the share of the box with each top "
        "need.",
        "If a share p of the box has a top need, two draws (each from the whole box) both land on "
        "it with chance p * p. The chance that two draws AGREE is the sum of the squared shares.",
        "`1 - (shares ** 2).sum()`, with `shares` the box's shares by top need.",
    ],
    mistakes=[
        Mistake("Those are the box's shares by top need: a good first step. The question asks for "
                "one number, the chance that two draws differ: 1 - (shares ** 2).sum().",
                test=_is_box_shares),
        Mistake("That is the chance that two people AGREE (the sum of squared shares): "
                "the question asks how often they differ, 1 minus that.",
                value=lambda: 1 - disagreement(_segment())),
        Mistake("You drew the second person from the others only (without replacement). The "
                "question's draws are each from the whole box (with replacement): "
                "1 - sum(share ** 2). For a box this size the two differ a little.",
                value=lambda: disagreement(_segment(), replacement=False)),
        Mistake("That is the disagreement among everyone in the survey: cut the box first and use "
                "its shares.",
                value=lambda: disagreement(_survey())),
        Mistake("That is the lesson's box (18-24, mid-upper, centre): use 55-64, mid income, north.",
                value=lambda: disagreement(_lesson_segment())),
        Mistake("That is a percentage: give the chance as a fraction between 0 and 1.",
                value=lambda: 100 * disagreement(_segment())),
        Mistake("Close, but rounded too far: give at least three significant figures.",
                test=_rounded(lambda: disagreement(_segment()))),
        Mistake("Use the shares (fractions, from value_counts(normalize=True)), not the counts, "
                "before squaring.",
                test=lambda a: float(a) < -1),
    ],
)


# ----------------------------------------------------------------------------- q3: the clusters


@cache
def _clusters(standardise: bool = True) -> pd.Series:
    return need_clusters(_survey(), k=K, seed=SEED, n_init=N_INIT, standardise=standardise)


def _sizes(standardise: bool = True) -> list[int]:
    return sorted(_clusters(standardise).value_counts().astype(int).tolist(), reverse=True)


q3 = Question(
    LESSON, "q3", "cluster_sizes",
    expected=lambda: _sizes(),
    title="Cluster the need scores into five groups: how big is each?",
    ordered=False, rtol=0, atol=0.5,
    hints=[
        "Standardise the six need columns first: "
        "`StandardScaler().fit_transform(survey[need_columns])`.",
        "Then `KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled)` gives one "
        "cluster number per respondent; keep those exact settings so your result matches.",
        "`pd.Series(clusters).value_counts().tolist()` gives the five sizes (they sum to 5,000).",
    ],
    mistakes=[
        Mistake("Close, but these clusters come from the raw scores: standardise the six need "
                "columns first (StandardScaler), then cluster.",
                value=lambda: _sizes(standardise=False)),
        Mistake("Those are shares of the respondents: the question asks for the numbers of people.",
                test=lambda a: len(list(a)) == K and math.isclose(float(sum(a)), 1.0, abs_tol=1e-6)),
        Mistake("Five sizes that sum to 5,000 but do not match: use exactly "
                "KMeans(n_clusters=5, n_init=10, random_state=0) on the standardised need columns "
                "(only the six need_ columns).",
                test=lambda a: len(list(a)) == K and int(sum(a)) == len(_survey())),
        Mistake("There should be five numbers, one per cluster.",
                test=lambda a: not isinstance(a, str) and hasattr(a, "__len__") and len(a) != K),
    ],
)


# ----------------------------------------------------------------------------- q4: income transfer


def _cluster_of(clusters: pd.Series, need: str = CLUSTER_NEED):
    """The cluster whose members rate ``need`` highest on average (whatever its label)."""
    return _survey()[f"need_{need}"].groupby(clusters, observed=True).mean().idxmax()


def _reach(clusters: pd.Series, band: str = Q4_BAND, need: str = CLUSTER_NEED):
    s = _survey()
    return coverage_index(s["income_band"] == band, clusters == _cluster_of(clusters, need))


@cache
def _other_clusterings() -> tuple[pd.Series, ...]:
    """Clusterings a learner may have made instead of the course's: raw scores, one start
    (scikit-learn's default n_init for k-means++), other seeds."""
    s = _survey()
    found = [need_clusters(s, k=K, seed=SEED, n_init=N_INIT, standardise=False)]
    found += [need_clusters(s, k=K, seed=seed, n_init=1) for seed in range(10)]
    return tuple(found)


def _index_from_other_clusters(answer) -> bool:
    right = _reach(_clusters()).index
    a = float(answer)
    others = {round(_reach(c).index, 6) for c in _other_clusterings()}
    return any(math.isclose(a, o, rel_tol=1e-3) and not math.isclose(o, right, rel_tol=1e-3)
               for o in others)


q4 = Question(
    LESSON, "q4", "novelty_index_low_income",
    expected=lambda: _reach(_clusters()).index,
    title="How likely is a low-income respondent to be in the cluster that rates novelty highest, "
          "compared with anyone? (an index: 100 = just as likely, below 100 = less likely)",
    rtol=1e-3,
    hints=[
        "Find the cluster whose members rate novelty highest: "
        "`survey.groupby(clusters)['need_novelty'].mean().idxmax()`. Call its members `in_cluster` "
        "(True/False per respondent) and the low-income band `in_box`.",
        "Share of the box in the cluster: `in_cluster[in_box].mean()`. Share of everyone in the "
        "cluster: `in_cluster.mean()`.",
        "Index = 100 * (share of the box in the cluster) / (share of everyone in the cluster).",
    ],
    mistakes=[
        Mistake("That is the ratio itself: an index is the ratio times 100 (so 100 means "
                "no more likely than anyone).",
                value=lambda: _reach(_clusters()).index / 100),
        Mistake("That is the coverage, the share of the cluster's members who are low income: "
                "the index compares the box with everyone.",
                test=lambda a: any(math.isclose(float(a), f * _reach(_clusters()).coverage,
                                                rel_tol=1e-3) for f in (1, 100))),
        Mistake("That is the share of the low-income band in the cluster: divide it by everyone's "
                "share in the cluster (and multiply by 100).",
                test=lambda a: any(math.isclose(float(a), f * _reach(_clusters()).in_box_share,
                                                rel_tol=1e-3) for f in (1, 100))),
        Mistake("That is upside down: divide the box's share by everyone's, not everyone's by the box's.",
                value=lambda: 100 * 100 / _reach(_clusters()).index),
        Mistake("That is the lesson's example (low income in the \u201cprice first\u201d cluster): "
                "this question is about the cluster that rates novelty highest.",
                value=lambda: _reach(_clusters(), band="low", need="price").index),
        Mistake("That is the right calculation on clusters that differ from the course's: check "
                "question 3 first (standardise the six need columns, then "
                "KMeans(n_clusters=5, n_init=10, random_state=0)). Another seed, a single start or "
                "unscaled scores move people between clusters.",
                test=_index_from_other_clusters),
    ],
)


# ----------------------------------------------------------------------------- q5: the baseline


@cache
def _band() -> pd.DataFrame:
    s = _survey()
    return s[s["income_band"] == Q5_BAND]


def _real(frame: pd.DataFrame, standardise: bool = True) -> float:
    return variance_explained(frame, need_clusters(frame, k=K, seed=SEED, n_init=N_INIT,
                                                   standardise=standardise))


def _shuffled(frame: pd.DataFrame) -> float:
    noise = shuffled_needs(frame, seed=0)
    return variance_explained(noise, need_clusters(noise, k=K, seed=SEED, n_init=N_INIT))


def _baseline_gap(frame: pd.DataFrame | None = None) -> float:
    frame = _band() if frame is None else frame
    return _real(frame) - _shuffled(frame)


q5 = Question(
    LESSON, "q5", "gap_over_shuffled",
    expected=lambda: _baseline_gap(),
    title="Within the high-income band only: how much more of the need scores' variation do five "
          "k-means clusters explain than five clusters of the same scores shuffled?",
    rtol=0, atol=SHUFFLE_ATOL,
    hints=[
        "Keep the high-income respondents: `high = survey[survey['income_band'] == 'high']`. "
        "Cluster them as in question 3 (standardise, KMeans(n_clusters=5, n_init=10, "
        "random_state=0)).",
        "Variance explained = the mean over the six needs of `eta_squared(high[need], labels)`. "
        "Then shuffle each need column on its own, `noise = shuffled_needs(high, seed=0)`, and do "
        "the same on `noise` (standardise, cluster, mean eta squared).",
        "The answer is (real variance explained) - (shuffled variance explained), a fraction.",
    ],
    mistakes=[
        Mistake("That is what the real clusters explain on their own: subtract what k-means "
                "explains on the shuffled scores (the baseline).",
                value=lambda: _real(_band())),
        Mistake("That is the baseline alone (k-means on the shuffled scores): the question asks "
                "how much more the real clusters explain.",
                value=lambda: _shuffled(_band())),
        Mistake("The sign is reversed: real minus shuffled, not shuffled minus real.",
                test=lambda a: math.isclose(-float(a), _baseline_gap(), abs_tol=SHUFFLE_ATOL)),
        Mistake("Close, but rounded too far: give at least two decimals.",
                test=lambda a: math.isclose(float(a), round(_baseline_gap(), 1), abs_tol=1e-9)),
        Mistake("That is the whole survey's gap: keep only the high-income respondents first.",
                test=lambda a: math.isclose(float(a), _baseline_gap(_survey()), abs_tol=0.003)),
        Mistake("That is a percentage: give the difference as a fraction.",
                test=lambda a: math.isclose(float(a), 100 * _baseline_gap(), abs_tol=100 * SHUFFLE_ATOL)),
        Mistake("Close to zero: did you shuffle whole rows (e.g. `high.sample(frac=1)`)? That keeps "
                "each person's answers together, so all the structure survives. Shuffle each need "
                "column on its own.",
                test=lambda a: abs(float(a)) < 0.03),
    ],
)


# ----------------------------------------------------------------------------- q6: interpretation


def _cloud_gap(frame: pd.DataFrame | None = None) -> float:
    """Question 5's gap on :func:`smooth_cloud` of the band: the same correlations, no groups.

    Reading "b" of question 6 says that such a cloud also beats its shuffled copy; a test keeps
    that true of the shipped survey."""
    return _baseline_gap(smooth_cloud(_band() if frame is None else frame, seed=0))


q6 = ChoiceQuestion(
    LESSON, "q6", "reading",
    expected=lambda: "b" if _baseline_gap() > CLEAR_GAP else "e",
    title="Your question 5: inside the high-income band, five k-means clusters explain this much "
          "more of the need scores than five clusters of the same scores shuffled. Which reading "
          "follows?",
    choices={
        "a": "High-income coffee buyers come in five natural kinds, and k-means has discovered them.",
        "b": "Inside the band too, the clusters explain far more than k-means finds in shuffled "
             "scores, so people's needs go together there, not only across income bands. That "
             "alone does not show natural kinds of buyer: scores with the same links between "
             "needs but no groups at all also beat their shuffled copy. And this survey's groups "
             "were put there by its generator.",
        "c": "Clusters turn up even inside one income band, so income carries no signal about "
             "what people need.",
        "d": "A gap this large settles it: the clusters are real, so checking their stability or "
             "a variable they were not fitted on would add nothing.",
        "e": "The gap is close to zero: inside one income band, k-means finds nothing that it "
             "does not also find in shuffled scores.",
    },
    hints=[
        "What does shuffling each need column on its own destroy? Then: what else, besides groups "
        "of people, could make the real scores beat the shuffled ones?",
        "Recall the lesson's smooth cloud: the survey's averages, spreads and correlations, no "
        "groups. How did k-means do on it against its own shuffled copy?",
        "Only one reading says what the gap does show, what it does not, and where the groups "
        "came from; each of the others makes a mistake the lesson warned about.",
    ],
    mistakes=[
        Mistake("k-means always returns groups, and beating shuffled scores only shows that the "
                "needs go together: the lesson's smooth cloud (same correlations, no groups) beat "
                "its shuffled copy too. And the five groups were put into the survey by its "
                "generator (generate.py: GROUP_CENTRES): nothing was discovered.", value="a"),
        Mistake("Finding clusters inside one band says nothing about whether the bands' mixes "
                "differ. The lesson found \u201cprice first\u201d about twice as common in low "
                "income as in high income (an index well above 100): income carries a real, small "
                "signal that misses most individuals.", value="c"),
        Mistake("Each check is necessary, none is enough. The gap over shuffled scores says the "
                "needs go together; stability says the split comes back; a variable the clusters "
                "never saw says they are useful. The lesson's smooth cloud passed the first check "
                "without any groups.", value="d"),
        Mistake("Look at your question 5 again: the gap is far from zero.", value="e"),
        Mistake("Your question 5 gap is close to zero here: inside this band the clusters explain "
                "no more than k-means finds in shuffled scores.", value="b"),
    ],
)


r1 = Reflection(
    LESSON, "r1", "reply_to_the_brief",
    prompt="A colleague's brief says: 'Our target is 18-24, mid-upper income, in the centre.' "
    "Using what you found, what would you reply? Use at least two of the three measures "
    "(coverage, index, variance explained), and say what an Ehrenberg-Bass researcher would "
    "advise instead.",
)

#: For the tests: the need columns, as the exercise's setup cell names them.
need_columns = list(NEED_COLUMNS)
