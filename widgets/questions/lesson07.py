"""Lesson 07, customers build the brand: the lesson's methods on slices it never computes.

The lesson measures the whole reply network (forum and comment replies together) and the whole
idea board. The exercise asks for the same measures on other slices: the community forum alone,
the comment replies alone, and one category of ideas. Every expected value is computed from the
data by the lesson's own models, so nothing here is typed in.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..checks import is_number as _number
from ..data import load
from ..models.community import (
    CommunityState,
    community_state,
    encode,
    idea_conversion,
    idea_funnel,
    ideas_between,
    reciprocity,
    replies_between,
    top_share,
)

LESSON = "07"
#: The exercise's idea category (the lesson computes the whole board only).
CATEGORY = "sustainability"


@cache
def _interactions() -> pd.DataFrame:
    return load("interactions")


@cache
def _ideas() -> pd.DataFrame:
    return load("ideas")


@cache
def _slice(context: str | None) -> pd.DataFrame:
    return replies_between(_interactions(), context=context)


@cache
def _state(context: str | None, take_out: str = "nobody") -> CommunityState:
    return community_state(encode(_slice(context)), take_out=take_out, k=0, samples=0)


def _near(value: float, rtol: float = 2e-3):
    return lambda a: _number(a) and math.isclose(float(a), value, rel_tol=rtol)


def _percent(value: float):
    """An answer that is the value as a percent: exact, or rounded to 0-2 decimals."""
    return lambda a: _number(a) and (math.isclose(float(a), 100 * value, rel_tol=2e-3)
                                     or any(float(a) == round(100 * value, p) for p in (0, 1, 2)))


def _rounded(value: float, places: int):
    """An answer that is the value rounded to ``places`` decimals, but not the value itself."""
    return lambda a: (_number(a) and float(a) == round(value, places)
                      and not math.isclose(float(a), value, rel_tol=1e-3))


def _pairs_share(context: str | None) -> float:
    """The share of *pairs* of accounts that replied both ways (the undirected reading)."""
    r = reciprocity(_slice(context))
    return r / (2 - r)


def _replies_answered(context: str | None) -> float:
    """The share of replies (rows) whose link is answered by a link back: replies, not links."""
    frame = _slice(context)
    frame = frame[frame["source_author"] != frame["target_author"]]
    links = set(zip(frame["source_author"], frame["target_author"], strict=True))
    back = [(t, s) in links for s, t in zip(frame["source_author"], frame["target_author"],
                                            strict=True)]
    return float(np.mean(back))


def _top_variant(context: str | None, how: str) -> float:
    """Near misses of the top-1% share: a different count of members, or a different denominator."""
    state = _state(context)
    table = state.table[~state.table["brand"]]
    written = np.sort(table["written"].to_numpy())[::-1]
    if how == "floor":
        k = max(1, math.floor(0.01 * len(written)))
        return float(written[:k].sum() / written.sum())
    if how == "writers":
        writers = written[written > 0]
        k = max(1, math.ceil(0.01 * len(writers)))
        return float(writers[:k].sum() / writers.sum())
    if how == "all_replies":  # the brand's replies in the denominator
        k = state.top_counts[0.01]
        return float(written[:k].sum() / state.replies)
    if how == "count":
        return float(written[:state.top_counts[0.01]].sum())
    raise ValueError(how)


# ----------------------------------------------------------------------------- q1


q1 = Question(
    LESSON, "q1", "forum_reciprocity",
    expected=lambda: reciprocity(_slice("forum")),
    title="How reciprocal is the community forum (networkx's reciprocity)?",
    rtol=1e-3,
    hints=[
        "Keep only the forum's replies: `replies_between(interactions, context=\"forum\")` (or the "
        "rows whose `context` is \"forum\"). You made this slice as `forum` above.",
        "Build the directed reply network with `reply_graph(forum)`, then `nx.reciprocity(graph)`; "
        "or call the course's `reciprocity(forum)`, which does both.",
        "`forum_reciprocity = reciprocity(forum)`: a fraction between 0 and 1.",
    ],
    mistakes=[
        Mistake("That is the whole network, forum and comment replies together: the lesson's "
                "number. Keep only the forum's replies.",
                value=lambda: reciprocity(_slice(None))),
        Mistake("That is the comment replies: the question asks about the community forum "
                "(context \"forum\").", value=lambda: reciprocity(_slice("comment_reply"))),
        Mistake("That is the share of *pairs* of accounts that replied both ways. networkx's "
                "reciprocity counts *links*: A replying to B and B replying to A are two links, "
                "both reciprocated. Use the directed graph and `nx.reciprocity`.",
                value=lambda: _pairs_share("forum")),
        Mistake("That counts replies, not links: a pair that exchanged 20 replies weighs 20 times "
                "as much. Reciprocity is about links (who replied to whom at least once).",
                value=lambda: _replies_answered("forum")),
        Mistake("That is a percent: give reciprocity as a fraction between 0 and 1.",
                test=lambda a: _percent(reciprocity(_slice("forum")))(a)),
        Mistake("Close, but rounded too far: keep three decimals.",
                test=lambda a: any(_rounded(reciprocity(_slice("forum")), p)(a) for p in (1, 2))),
    ],
)

# ----------------------------------------------------------------------------- q2


q2 = Question(
    LESSON, "q2", "comment_top1",
    expected=lambda: top_share(_slice("comment_reply"), 0.01),
    title="What share of the members' comment replies did the top 1% of members write?",
    rtol=2e-3,
    hints=[
        "Keep only the comment replies (context \"comment_reply\"). Members are every account in "
        "that slice except the brand, `copperpot_coffee`: whether they wrote a reply or only got one.",
        "The top 1% is `ceil(0.01 * members)` members, those who wrote the most. Add up what they "
        "wrote and divide by everything the members wrote (the brand's replies are not members' "
        "replies).",
        "`comment_top1 = top_share(comments, 0.01)` does exactly that.",
    ],
    mistakes=[
        Mistake("You counted the brand as a member: it wrote more comment replies than anyone, so "
                "it tops the list. The brand is not a member of its own community: leave "
                "`copperpot_coffee` out.",
                value=lambda: top_share(_slice("comment_reply"), 0.01, include_brand=True)),
        Mistake("That ranks members by replies they *received*: the question asks who writes the "
                "replies (replies given, `source_author`).",
                value=lambda: top_share(_slice("comment_reply"), 0.01, by="received")),
        Mistake("That is every reply, forum and comments together (the lesson's number): keep only "
                "the comment replies.", value=lambda: top_share(_slice(None), 0.01)),
        Mistake("That is the forum: the question asks about the comment replies.",
                value=lambda: top_share(_slice("forum"), 0.01)),
        Mistake("Your denominator includes the brand's replies: divide by what the *members* wrote.",
                value=lambda: _top_variant("comment_reply", "all_replies")),
        Mistake("You rounded the top 1% down: the course rounds it up, `ceil(0.01 * members)`, "
                "so here the top 1% is one member more than you took.",
                value=lambda: _top_variant("comment_reply", "floor")),
        Mistake("You counted only members who wrote at least one reply. Members are everyone but "
                "the brand who appears in the slice, including those who only got a reply.",
                value=lambda: _top_variant("comment_reply", "writers")),
        Mistake("That is a number of replies, not a share: divide by everything the members wrote.",
                value=lambda: _top_variant("comment_reply", "count")),
        Mistake("That is a percent: give a fraction between 0 and 1.",
                test=lambda a: _percent(top_share(_slice("comment_reply")))(a)),
        Mistake("Close, but rounded too far: keep three decimals.",
                test=lambda a: any(_rounded(top_share(_slice("comment_reply")), p)(a)
                                   for p in (1, 2))),
    ],
)

# ----------------------------------------------------------------------------- q3


def _stage(stage: str, category: str | None = CATEGORY) -> int:
    return int(idea_funnel(_ideas(), category=category).loc[stage, "ideas"])


q3 = Question(
    LESSON, "q3", "sustainability_conversion",
    expected=lambda: idea_conversion(_ideas(), CATEGORY),
    title="What share of the sustainability ideas posted were shipped?",
    rtol=2e-3,
    hints=[
        "Keep the ideas whose `category` is \"sustainability\"; count them (posted) and count those "
        "whose `status` is \"implemented\" (shipped).",
        "Conversion = shipped / posted: every idea posted counts in the denominator, answered or "
        "not. `idea_funnel(ideas, category=\"sustainability\")` shows every stage.",
        "`sustainability_conversion = idea_conversion(ideas, \"sustainability\")`.",
    ],
    mistakes=[
        Mistake("You divided by the ideas that were *reviewed*: the question asks what share of "
                "the ideas *posted* shipped. Most ideas were never reviewed; they count too.",
                value=lambda: _stage("shipped") / _stage("reviewed")),
        Mistake("You divided by the ideas that got an answer: divide by every idea posted.",
                value=lambda: _stage("shipped") / _stage("answered")),
        Mistake("You divided by the ideas that got a vote: divide by every idea posted.",
                value=lambda: _stage("shipped") / _stage("voted")),
        Mistake("You counted planned ideas as shipped: only status \"implemented\" is shipped.",
                value=lambda: (_stage("shipped") + int((ideas_between(_ideas(), category=CATEGORY)
                                                        ["status"].astype(str) == "planned").sum()))
                / _stage("posted")),
        Mistake("That is the whole board, every category: keep only the sustainability ideas.",
                value=lambda: idea_conversion(_ideas())),
        Mistake("That is a number of ideas: divide the ideas shipped by the ideas posted.",
                value=lambda: _stage("shipped")),
        Mistake("That is a percent: give a fraction between 0 and 1.",
                test=lambda a: _percent(idea_conversion(_ideas(), CATEGORY))(a)),
        Mistake("That is another category's conversion: keep \"sustainability\".",
                test=lambda a: _number(a) and any(
                    _near(idea_conversion(_ideas(), c), 1e-3)(a)
                    for c in map(str, _ideas()["category"].cat.categories) if c != CATEGORY
                    and not math.isclose(idea_conversion(_ideas(), c),
                                         idea_conversion(_ideas(), CATEGORY)))),
        Mistake("Close, but rounded too far: keep three significant figures.",
                test=lambda a: any(_rounded(idea_conversion(_ideas(), CATEGORY), p)(a)
                                   for p in (2, 3))),
    ],
)

# ----------------------------------------------------------------------------- q4


BRAND_READINGS = {
    "a": "Like the whole network, the forum hangs on the brand: without it, a large share of the "
         "forum's members are cut off from the rest.",
    "b": "The forum's members reply to each other: without the brand, nearly all of them stay in "
         "one connected group. It is the comment threads that hang on the brand.",
    "c": "Taking out the brand changes little anywhere: the brand does not matter to Copperpot's "
         "conversations.",
    "d": "Without the brand the forum's members are better connected, so the brand was keeping "
         "them apart.",
}


def _drop(context: str | None, take_out: str) -> float:
    """How many points of the accounts leave the largest connected group when ``take_out`` goes."""
    return _state(context).largest_group - _state(context, take_out).largest_group


def _brand_reading() -> str:
    forum, comments = _drop("forum", "brand"), _drop("comment_reply", "brand")
    if forum < 0:
        return "d"
    if forum >= 0.2:
        return "a"
    return "b" if comments >= 0.2 else "c"


q4 = ChoiceQuestion(
    LESSON, "q4", "brand_reading",
    expected=_brand_reading,
    title="Take the brand out of the forum's network: which reading fits?",
    choices=BRAND_READINGS,
    hints=[
        "`community_state(encode(forum), take_out=\"brand\").largest_group` is the share of the "
        "forum's accounts still in one connected group without the brand; compare it with "
        "`community_state(encode(forum)).largest_group`.",
        "Do the same for the comment replies (`comments`) and for all the replies "
        "(`interactions`), as the lesson did: how much of each stays in one group without the "
        "brand?",
        "Compare the drops: which network hangs on the brand?",
    ],
    mistakes=[
        Mistake("Check the numbers: without the brand, how much of the forum stays in one "
                "connected group? Compare that with the drop for all replies.", value="a"),
        Mistake("In the forum little changes, but the comment replies lost a large share of their "
                "largest group without the brand: the comment threads do hang on it.",
                value="c"),
        Mistake("The forum's largest group does not grow without the brand: it shrinks a little. "
                "Taking a node out can only cut links, never add them.", value="d"),
    ],
)

# ----------------------------------------------------------------------------- q5


TOP_READINGS = {
    "a": "The forum falls apart without its top 5 members: most members are cut off from the rest.",
    "b": "The top 5 write a large share of the members' replies, yet almost everyone stays in one "
         "connected group: the forum would lose much of its talk and some of its back-and-forth "
         "(reciprocity falls), not its connections.",
    "c": "The top 5 write so little that taking them out changes nothing.",
    "d": "Reciprocity rises without them, so the top 5 were answering others too little.",
}


def _top5_share(context: str | None) -> float:
    full, cut = _state(context), _state(context, "top")
    return float(full.table.loc[cut.taken_out, "written"].sum() / full.member_replies)


def _top_reading() -> str:
    full, cut = _state("forum"), _state("forum", "top")
    if cut.reciprocity > full.reciprocity:
        return "d"
    if _drop("forum", "top") >= 0.2:
        return "a"
    return "c" if _top5_share("forum") < 0.05 else "b"


q5 = ChoiceQuestion(
    LESSON, "q5", "top_reading",
    expected=_top_reading,
    title="Take the top 5 members out of the forum: which reading fits?",
    choices=TOP_READINGS,
    hints=[
        "`community_state(encode(forum), take_out=\"top\")` takes out the 5 members who wrote the "
        "most forum replies; its `taken_out` names them.",
        "Compare, with and without them: `largest_group` and `reciprocity`. And how much did they "
        "write? `state.table.loc[taken.taken_out, \"written\"].sum() / state.member_replies`.",
        "A network can lose much of its talk without falling apart: look at what changes and at "
        "what does not.",
    ],
    mistakes=[
        Mistake("Look at `largest_group` again: without the top 5, what share of the forum's "
                "accounts is still in one connected group?", value="a"),
        Mistake("They wrote a large share of the members' forum replies: compute it "
                "(`table.loc[taken_out, \"written\"].sum() / member_replies`).", value="c"),
        Mistake("Compare the two reciprocity values: does it rise or fall without them?",
                value="d"),
    ],
)

r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=("Copperpot's community manager proposes to reward the 10 members who write the most "
            "replies with free coffee and a 'Community champion' badge. Using what you found (how "
            "much rests on a few members, how stable the list is, the brand as the hub of the "
            "comment threads, and why people distrust brand communities), what would you advise, "
            "and what would you measure afterwards?"),
)
