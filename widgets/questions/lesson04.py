"""Lesson 04, from monologue to dialogue: five checked questions and one reflection.

q1 and q2 work on the real Facebook page (``load("facebook_metrics")``), on a slice the lesson
never computes (the inspiration posts); q3 and q4 compare two post styles fairly on Copperpot's
synthetic posts, on a platform the lesson never compares them on (Instagram); q2 and q5 are
interpretation questions. Every expected answer is computed from the data with the course's
models when a check runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..checks import CORRECT, ChoiceQuestion, Mistake, Question, Reflection, Verdict, is_placeholder
from ..data import load
from ..models.dialogue import (
    CATEGORY_LABELS,
    LEVEL,
    N_BOOT,
    SEED,
    bootstrap_difference,
    bootstrap_interval,
    kaushik_rates,
    leaders,
    mean_difference,
    ranking,
    real_page,
    select,
)

LESSON = "04"
#: q1's slice of the real page: the authors' content category 3.
CATEGORY = 3
#: q3/q4: the platform and the two styles compared, and the normalisation.
PLATFORM, STYLE_A, STYLE_B, PER = "instagram", "behind_the_scenes", "broadcast", 1000
RATES = ("conversation", "amplification", "applause")


@cache
def _page() -> pd.DataFrame:
    return load("facebook_metrics")


@cache
def _posts() -> pd.DataFrame:
    return load("posts")


def _rates(category: int | None = CATEGORY, how: str = "mean") -> dict[str, float]:
    """Kaushik's three rates on the page's posts of one category (None: every post)."""
    posts = real_page(_page()).posts
    if category is not None:
        posts = select(posts, "content category", CATEGORY_LABELS[category])
    if how == "mean":
        return kaushik_rates(posts).to_dict()
    cols = {"conversation": "comments", "amplification": "shares", "applause": "likes"}
    return {k: float(getattr(posts[c], how)()) for k, c in cols.items()}


@dataclass
class RatesQuestion(Question):
    """A question whose answer is a dict of named numbers; a pandas Series with the same labels
    (e.g. from ``kaushik_rates``) is read as that dict."""

    def evaluate(self, answer: Any) -> Verdict:
        if isinstance(answer, pd.Series):
            answer = answer.to_dict()
        return super().evaluate(answer)


def _per_follower(platform: str | None = PLATFORM, per: float = PER,
                  count: str = "comments") -> tuple[np.ndarray, np.ndarray]:
    """(style A values, style B values): comments per ``per`` followers of each post."""
    p = _posts() if platform is None else _posts()[_posts()["platform"] == platform]
    value = p[count] / p["followers"] * per if per else p[count].astype(float)
    return (value[p["style"] == STYLE_A].to_numpy(dtype=float),
            value[p["style"] == STYLE_B].to_numpy(dtype=float))


def _conversational(platform: str = PLATFORM) -> tuple[np.ndarray, np.ndarray]:
    p = _posts()[_posts()["platform"] == platform]
    value = p["comments"] / p["followers"] * PER
    return (value[p["style"] != STYLE_B].to_numpy(dtype=float),
            value[p["style"] == STYLE_B].to_numpy(dtype=float))


def _gap(**kw) -> float:
    return mean_difference(*_per_follower(**kw))


def _interval(level: float = LEVEL, **kw) -> tuple[float, float]:
    return bootstrap_difference(*_per_follower(**kw), n_boot=N_BOOT, seed=SEED, level=level)


def _keys_wrong(answer: object) -> bool:
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    return isinstance(answer, Mapping) and {str(k) for k in answer} != set(RATES)


def _has_nan(answer: object) -> bool:
    values = answer.to_dict().values() if isinstance(answer, pd.Series) else (
        answer.values() if isinstance(answer, Mapping) else [])
    return any(v is pd.NA or (isinstance(v, float) and math.isnan(v)) for v in values)


def _pair(answer: object) -> tuple[float, float] | None:
    try:
        lo, hi = (float(v) for v in answer)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        return None
    return lo, hi


q1 = RatesQuestion(
    LESSON, "q1", "inspiration_rates",
    expected=lambda: _rates(),
    title="Kaushik's three countable rates for the real page's inspiration posts (category 3)",
    ordered=False,
    hints=[
        "Keep the rows of `page` whose `category` is 3 (inspiration). Kaushik's rates are per "
        "post: an average over those posts, not a total.",
        "`inspiration = page[page['category'] == 3]`; the conversation rate is the mean of its "
        "`comments`, amplification of its `shares`, applause of its `likes`.",
        "`inspiration_rates = {'conversation': inspiration['comments'].mean(), 'amplification': "
        "inspiration['shares'].mean(), 'applause': inspiration['likes'].mean()}`",
    ],
    mistakes=[
        Mistake("Use the three keys 'conversation', 'amplification' and 'applause' (a dict, "
                "e.g. {'conversation': ..., 'amplification': ..., 'applause': ...}).",
                test=_keys_wrong),
        Mistake("Some of your rates are NaN: the slice is probably empty. `category` holds the "
                "numbers 1, 2 and 3 (3 is inspiration), not the words.", test=_has_nan),
        Mistake("Those are totals over the inspiration posts: Kaushik's rates are per post, so "
                "divide by the number of posts (take the mean).", value=lambda: _rates(how="sum")),
        Mistake("Those are the rates of every post on the page: keep only category 3, the "
                "inspiration posts.", value=lambda: _rates(None)),
        Mistake("Those are the rates of the action posts (category 1): the question asks about "
                "inspiration, category 3.", value=lambda: _rates(1)),
        Mistake("Those are the rates of the product posts (category 2): the question asks about "
                "inspiration, category 3.", value=lambda: _rates(2)),
        Mistake("Those are medians: Kaushik's rates are averages per post (means), so that a few "
                "posts that spark a conversation count.", value=lambda: _rates(how="median")),
    ],
)

q2 = ChoiceQuestion(
    LESSON, "q2", "economic_value",
    expected=lambda: "c" if not {"revenue", "sales", "orders", "conversions", "value"}
    & set(_page().columns) else "a",
    title="Kaushik's fourth metric, economic value: what can this page's data say about it?",
    choices={
        "a": "It is the Total Interactions column: every interaction has a value to the brand.",
        "b": "It is the applause rate times an average value of a like, which the brand can "
             "look up in its Facebook Insights.",
        "c": "Nothing: it needs the value of what the posts led people to do (sales, sign-ups, "
             "leads, cost savings), and no column of this file records an outcome or its value.",
        "d": "It is the paid posts' engagement divided by what the brand paid for them.",
    },
    hints=[
        "Kaushik's fourth metric is about the money (or other value) that social activity "
        "drives: outcomes, not reactions.",
        "Look at the columns of `page`: is any of them a sale, an order, a sign-up or a value in "
        "money?",
        "`list(page.columns)`: reach, impressions, clicks, comments, likes, shares, whether the post "
        "was paid. Every one is a reaction or an exposure; none is an outcome with a value.",
    ],
    mistakes=[
        Mistake("Interactions are reactions (conversation, amplification, applause), not outcomes: "
                "economic value needs what people did afterwards and what it was worth.",
                value="a"),
        Mistake("A like has no published value, and the file records none: multiplying by an "
                "assumed value invents economic value rather than measuring it.", value="b"),
        Mistake("The file does not record what the brand paid (the Paid column only says whether "
                "it paid), and engagement per dollar is still not the value of an outcome.",
                value="d"),
    ],
)

q3 = Question(
    LESSON, "q3", "scenes_minus_broadcast",
    expected=lambda: _gap(),
    title="On Instagram: comments per 1,000 followers, behind-the-scenes posts minus broadcasts",
    hints=[
        "Stay within one platform: keep the Instagram posts. Then normalise each post: its "
        "comments divided by its followers, times 1,000.",
        "`instagram = posts[posts['platform'] == 'instagram']`; "
        "`per_1000 = instagram['comments'] / instagram['followers'] * 1000`; then keep "
        "`per_1000[instagram['style'] == 'behind_the_scenes']` and the same for 'broadcast'.",
        "`scenes_minus_broadcast = scenes.mean() - broadcast.mean()`: the mean per post of each "
        "style, behind the scenes minus broadcast.",
    ],
    mistakes=[
        Mistake("That is the gap over all four platforms pooled: TikTok's much larger engagement "
                "dominates it. Compare within Instagram.", value=lambda: _gap(platform=None)),
        Mistake("That is the gap in raw comments per post. Instagram's followers grew a lot over "
                "the two years, and broadcasts are rarer later: normalise each post by its "
                "followers (per 1,000 followers).", value=lambda: _gap(per=0)),
        Mistake("That is per follower: the question asks per 1,000 followers (multiply by 1,000).",
                value=lambda: _gap(per=1)),
        Mistake("That is per 100 followers, a percentage: the question asks per 1,000 followers.",
                value=lambda: _gap(per=100)),
        Mistake("That is broadcast minus behind the scenes: the question asks behind the scenes "
                "minus broadcast.",
                value=lambda: -_gap()),
        Mistake("That is a ratio (behind the scenes divided by broadcast): the question asks for "
                "the difference of the two means.",
                value=lambda: float(np.mean(_per_follower()[0]) / np.mean(_per_follower()[1]))),
        Mistake("That is the gap between the medians: the question asks about the means per post.",
                value=lambda: float(np.median(_per_follower()[0]) - np.median(_per_follower()[1]))),
        Mistake("That compares every conversational style with broadcasts: the question asks "
                "about behind-the-scenes posts only.",
                value=lambda: mean_difference(*_conversational())),
    ],
)

def _near(answer: Any, interval: tuple[float, float], tol: float = 0.10) -> bool:
    """Whether ``answer`` is (low, high) close to ``interval``: its width within ``tol`` of the
    interval's width and its centre within 0.6 ``tol`` of it. A bootstrap with another seed or more
    resamples, or the normal approximation, lands inside; a 90% or 99% interval does not."""
    pair = _pair(answer)
    if pair is None or any(math.isnan(v) for v in (*pair, *interval)):
        return False
    width = interval[1] - interval[0]
    return (abs((pair[1] - pair[0]) - width) <= tol * width
            and abs(sum(pair) / 2 - sum(interval) / 2) <= 0.6 * tol * width)


def _near_to(interval: Callable[[], tuple[float, float]]) -> Callable[[Any], bool]:
    """A mistake's test: the answer is close to that (wrong) interval. Looser than the check of
    the right answer: a 99% interval's ends rest on 5 resamples each, and wobble."""
    return lambda answer: _near(answer, interval(), tol=0.2)


@dataclass
class IntervalQuestion(Question):
    """A question whose answer is an interval (low, high) from a resampling method: any careful
    answer close to the course's seeded interval (see :func:`_near`) is correct. Mistakes that
    are intervals are given as ``test=_near_to(...)``, so they are just as tolerant."""

    def evaluate(self, answer: Any) -> Verdict:
        if not is_placeholder(answer):
            try:
                expected = self.expected() if callable(self.expected) else self.expected
            except Exception:  # the base class reports a broken check
                return super().evaluate(answer)
            pair = _pair(answer)
            if pair is not None and pair[0] <= pair[1] and _near(pair, expected):
                return self._verdict(CORRECT, "well done.")
        return super().evaluate(answer)


q4 = IntervalQuestion(
    LESSON, "q4", "gap_interval",
    expected=lambda: _interval(),
    title="A 95% bootstrap interval for that gap: (low, high)",
    rtol=0, atol=1e-12,
    hints=[
        "Resample each style's posts with replacement (as many as it has), take the difference of "
        "the two means, and repeat 1,000 times; the interval is the middle 95% of those "
        "differences (the 2.5th and 97.5th percentiles).",
        "With numpy: `rng = np.random.default_rng(0)`; in a loop, "
        "`rng.choice(scenes, len(scenes), replace=True).mean() - rng.choice(broadcast, "
        "len(broadcast), replace=True).mean()`; then `np.percentile(differences, [2.5, 97.5])`.",
        "Or with the course's helper: `gap_interval = bootstrap_difference(scenes, broadcast, "
        "n_boot=1000, seed=0)`. Give (low, high).",
    ],
    mistakes=[
        Mistake("Your interval has no width: resampling WITHOUT replacement returns the same posts "
                "every time. The bootstrap draws with replacement (replace=True).",
                test=lambda a: _pair(a) is not None and abs(_pair(a)[1] - _pair(a)[0]) < 1e-9),
        Mistake("Give the low end first: (low, high).",
                test=lambda a: _pair(a) is not None and _pair(a)[0] > _pair(a)[1]),
        Mistake("That is a 90% interval (the 5th and 95th percentiles): the question asks for 95% "
                "(2.5th and 97.5th).", test=_near_to(lambda: _interval(level=0.90))),
        Mistake("That is a 99% interval (the 0.5th and 99.5th percentiles): the question asks for "
                "95% (2.5th and 97.5th).", test=_near_to(lambda: _interval(level=0.99))),
        Mistake("That is the interval of the pooled gap (all four platforms): stay within "
                "Instagram.", test=_near_to(lambda: _interval(platform=None))),
        Mistake("That is the interval of the behind-the-scenes posts' mean alone: the question asks "
                "for the interval of the gap between the two styles.",
                test=_near_to(lambda: bootstrap_interval(_per_follower()[0], N_BOOT, SEED))),
        Mistake("That is an interval in raw comments per post: use comments per 1,000 followers, "
                "as in question 3.", test=_near_to(lambda: _interval(per=0))),
        Mistake("Give two numbers, (low, high).",
                test=lambda a: _pair(a) is None or isinstance(a, str | bytes)),
    ],
)


def _flip_reading() -> str:
    """c while the real page's leader changes with the definition and Video's per-post lead is
    not clear of chance; otherwise the data no longer supports the cautious reading."""
    posts = real_page(_page()).posts
    flips = len(set(leaders(posts, "post type").values())) > 1
    video_noise = not ranking(posts, "conversation", "post type").lead_is_clear
    return "c" if flips and video_noise else "a"


q5 = ChoiceQuestion(
    LESSON, "q5", "report_to_client",
    expected=_flip_reading,
    title="The ranking of post types flips between definitions: what do you tell the client?",
    choices={
        "a": "Videos are the best post type: they lead on comments, shares and likes per post, and "
             "on engagement per follower: four of the six definitions.",
        "b": "Photos are the best post type: they lead on engagement per reach, the most careful "
             "definition.",
        "c": "'Best' depends on the definition. Agree with the client, before looking, which "
             "metric matches the goal; report it per post type with the number of posts and an "
             "interval; and say that 7 videos cannot settle anything.",
        "d": "The definitions contradict each other, so engagement data is useless: report reach "
             "only.",
    },
    hints=[
        "Look again at the widget: which post type leads under each definition, and how many "
        "posts does the leader have?",
        "Videos reached far more people per post, so per-post counts reward reach; per person "
        "reached, photos lead. And what did the intervals say about 7 videos?",
        "A defensible report names its metric before looking, gives the number of posts and an "
        "interval for each post type, and does not crown a winner the data cannot support.",
    ],
    mistakes=[
        Mistake("Videos lead on per-post counts, but each video reached far more people (4 of the "
                "7 were paid): per person reached they trail photos and statuses. And on 7 posts "
                "the lead could be chance.", value="a"),
        Mistake("Engagement per reach is one defensible definition, not the right one by nature: "
                "which one fits depends on the client's goal, and it should be chosen before "
                "looking at the ranking, or you can pick whichever winner you like.", value="b"),
        Mistake("The definitions answer different questions; that is not a reason to throw them "
                "away. Reach alone says nothing about whether anyone responded.", value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reply_to_the_brand",
    prompt="The cosmetics brand asks you: 'Should we post more videos, to start conversations "
    "with our customers?' Using what you found, and the other side (CEB's 23%, Ehrenberg-Bass), "
    "what would you answer, and what would you measure next?",
)
