"""Lesson 01, The advertiser knows best: six checked questions and one reflection.

Every question asks for the lesson's method on something the lesson did not compute: the briefs
that named one region, one campaign's delivery, another pair of metrics (CTR against cost per
conversion, over all campaigns and inside each channel); and two interpretation questions. The
reflection asks what a per-channel cost per conversion can and cannot tell a client.

In the exercise, ``campaigns`` is ``load("campaigns").set_index("campaign_id")`` and ``results``
is ``load("campaign_results")`` with each campaign's ``channel`` and ``target_region`` joined on.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..checks import ChoiceQuestion, Mistake, Question, Reflection
from ..data import load
from ..models.campaigns import (
    campaign_metrics,
    campaign_targeting,
    in_target_impression_share,
    population_shares,
    rank_correlation,
    rank_correlation_by,
    rank_correlation_test,
    target_population_share,
    targeting_table,
)

LESSON = "01"


def _campaigns() -> pd.DataFrame:
    return load("campaigns")


def _results() -> pd.DataFrame:
    return load("campaign_results")


def _regional_ids(regional: bool = True) -> list[str]:
    c = _campaigns()
    keep = (c["target_region"].astype(str) != "all") == regional
    return c.loc[keep, "campaign_id"].astype(str).tolist()


def _regional_table(regional: bool = True) -> pd.DataFrame:
    ids = _regional_ids(regional)
    c, r = _campaigns(), _results()
    return targeting_table(c[c["campaign_id"].isin(ids)], r[r["campaign_id"].isin(ids)], "channel")


def _metrics() -> pd.DataFrame:
    return campaign_metrics(_campaigns())


def _rho_all(x: str = "ctr_pct", y: str = "cost_per_conversion_usd", frame=None) -> float:
    return rank_correlation(_metrics() if frame is None else frame, x, y)


def _rho_by_channel(x: str = "ctr_pct", y: str = "cost_per_conversion_usd") -> pd.Series:
    out = rank_correlation_by(_metrics(), "channel", x, y)["rho"]
    out.index = out.index.astype(str)
    return out


def _pearson(frame: pd.DataFrame, x: str, y: str) -> float:
    return float(frame[x].astype(float).corr(frame[y].astype(float)))


def _is_fraction_of(expected, factor: float = 100):
    """A mistake test: the answer is the expected value divided by ``factor``."""

    def test(answer) -> bool:
        want = expected()
        return (not isinstance(answer, bool) and isinstance(answer, int | float | np.floating)
                and abs(float(answer) * factor - want) <= 0.08 * abs(want))

    return test


def _rounded(expected, feedback: str, digits: int = 0):
    """An answer rounded too hard (within half a unit of the last digit, but outside tolerance)."""

    def test(answer) -> bool:
        want = expected()
        return (isinstance(answer, int | float | np.floating) and not isinstance(answer, bool)
                and abs(float(answer) - want) <= 0.5 * 10 ** -digits + 1e-12)

    return Mistake(feedback, test=test)


# ----------------------------------------------------------------------------- q1


def _on_target_regional() -> float:
    return 100 * in_target_impression_share(_results(), _regional_ids(True))


q1 = Question(
    LESSON, "q1", "on_target_pct",
    expected=_on_target_regional,
    title="On-target share of the impressions of the briefs that named one region, pooled (%)",
    atol=0.05,
    hints=[
        "On-target share = impressions that landed on the target / all impressions. Keep the "
        "rows of campaigns whose `target_region` is not 'all', and pool them.",
        "`regional = results[results['target_region'] != 'all']`; sum `impressions` where "
        "`in_target` is True, divide by all their impressions, times 100.",
        "`on_target_pct = regional.loc[regional['in_target'], 'impressions'].sum() / "
        "regional['impressions'].sum() * 100`",
    ],
    mistakes=[
        Mistake("That is a fraction. The question asks for percent: multiply by 100.",
                test=_is_fraction_of(_on_target_regional)),
        Mistake("That is the share of the national briefs (`target_region == 'all'`). The "
                "question asks about the briefs that named one region.",
                value=lambda: 100 * in_target_impression_share(_results(), _regional_ids(False))),
        Mistake("That is every campaign pooled (the lesson's figure). Keep only the briefs that "
                "named one region.", value=lambda: 100 * in_target_impression_share(_results())),
        Mistake("That is the share of CONVERSIONS from inside the target. On-target share "
                "counts impressions: who was shown the ad.",
                value=lambda: 100 * float(_regional_table()["target_conversions"].sum()
                                          / _regional_table()["conversions"].sum())),
        Mistake("That is the average of the campaigns' own on-target shares, which weighs a "
                "small campaign like a big one. Pool the impressions first, then divide.",
                value=lambda: 100 * float(pd.Series([
                    in_target_impression_share(_results(), [i]) for i in _regional_ids()]).mean())),
        Mistake("That is what chance would give (the targets' population share): the baseline "
                "to compare with, not the share the media buys delivered.",
                value=lambda: 100 * float((_regional_table()["population_share"]
                                           * _regional_table()["impressions"]).sum()
                                          / _regional_table()["impressions"].sum())),
        _rounded(_on_target_regional, "Close, but rounded too far: give at least one decimal "
                 "(or leave the number unrounded)."),
    ],
)


# ----------------------------------------------------------------------------- q2

ONE_CAMPAIGN = "C05"


def _one(column: str) -> float:
    return float(campaign_targeting(_campaigns(), _results()).loc[ONE_CAMPAIGN, column])


def _band_share() -> float:
    """The population share of the campaign's age x income band in every region."""
    brief = _campaigns().set_index("campaign_id").loc[ONE_CAMPAIGN]
    return target_population_share(population_shares(_results()), str(brief["target_age_band"]),
                                   str(brief["target_income_band"]))


q2 = Question(
    LESSON, "q2", "delivery_index",
    expected=lambda: _one("delivery_index"),
    title=f"Delivery index of campaign {ONE_CAMPAIGN}: its on-target share / its target's "
          "population share",
    rtol=5e-3,
    hints=[
        f"Two shares of the same campaign ({ONE_CAMPAIGN}): the share of its impressions that "
        "landed on its target, and the share of adults its target holds (what chance would give). "
        "The index is the first divided by the second.",
        f"Keep `results` rows of {ONE_CAMPAIGN}. On-target share: impressions where `in_target` "
        "is True / all its impressions. Population share: add up `population_share` over the "
        "rows where `in_target` is True.",
        f"`one = results[results['campaign_id'] == '{ONE_CAMPAIGN}']`; `on = one.loc[one['in_target'], "
        "'impressions'].sum() / one['impressions'].sum()`; `pop = one.loc[one['in_target'], "
        "'population_share'].sum()`; `delivery_index = on / pop`",
    ],
    mistakes=[
        Mistake("Upside down: that is the population share over the on-target share. The index "
                "puts what the buy delivered on top, chance below (above 1 = better than chance).",
                value=lambda: 1 / _one("delivery_index")),
        Mistake("A hundred times too large: you divided a percent by a fraction. Use both shares "
                "as fractions (or both as percents).", value=lambda: 100 * _one("delivery_index")),
        Mistake("That divides by the population share of the whole age x income band in every "
                "region. The target also names a region: add up `population_share` over the "
                "`in_target` rows only.",
                value=lambda: _one("on_target_share") / _band_share()),
        Mistake("That uses the share of CONVERSIONS from inside the target. The delivery index "
                "is about impressions: where the ads landed, not who bought.",
                value=lambda: (1 - _one("outside_share")) / _one("population_share")),
        Mistake("That is the on-target share itself (as a fraction or a percent), not yet "
                "divided by the target's population share.",
                test=lambda a: isinstance(a, int | float | np.floating) and not isinstance(a, bool)
                and any(math.isclose(float(a), k * _one("on_target_share"), rel_tol=5e-3)
                        for k in (1, 100))),
    ],
)


# ----------------------------------------------------------------------------- q3, q4


q3 = Question(
    LESSON, "q3", "rho_all",
    expected=_rho_all,
    title="Spearman rank correlation of CTR and cost per conversion, all campaigns",
    atol=5e-3,
    hints=[
        "First compute each campaign's CTR (clicks / impressions) and cost per conversion "
        "(spend / conversions); then a RANK correlation asks whether the two orders agree.",
        "`ctr = campaigns['clicks'] / campaigns['impressions']`; `cpa = campaigns['spend_usd'] / "
        "campaigns['conversions']`; then `.corr(..., method='spearman')`.",
        "`rho_all = ctr.corr(cpa, method='spearman')`",
    ],
    mistakes=[
        Mistake("That is the Pearson correlation (the default of `.corr`). Ask for Spearman: "
                "`method='spearman'`.",
                value=lambda: _pearson(_metrics(), "ctr_pct", "cost_per_conversion_usd")),
        Mistake("That is the lesson's pair (reach and conversions). This question pairs CTR with "
                "cost per conversion.", value=lambda: _rho_all("reach", "conversions")),
        Mistake("The sign is flipped: one of your two columns is upside down (conversions per "
                "USD instead of USD per conversion, or impressions per click), which reverses its "
                "order. Use clicks / impressions and spend / conversions.",
                value=lambda: -_rho_all()),
        Mistake("`spearmanr` returns a result object with two numbers; keep only the correlation "
                "(`.statistic`), not the p-value.",
                test=lambda a: isinstance(a, tuple) or type(a).__name__ == "SignificanceResult"),
    ],
)


q4 = Question(
    LESSON, "q4", "rho_by_channel",
    expected=_rho_by_channel,
    title="Spearman rank correlation of CTR and cost per conversion inside each channel",
    ordered=False,
    atol=5e-3,
    hints=[
        "The same correlation, computed separately for the campaigns of each channel: one number "
        "per channel.",
        "Put CTR and cost per conversion in two new columns of `campaigns`, then "
        "`.groupby('channel', observed=True)` and correlate the two columns inside each group.",
        "`m = campaigns.assign(ctr=ctr, cpa=cpa)`; `rho_by_channel = m.groupby('channel', "
        "observed=True).apply(lambda d: d['ctr'].corr(d['cpa'], method='spearman'))`",
    ],
    mistakes=[
        Mistake("Those are Pearson correlations. Ask for Spearman: `method='spearman'`.",
                value=lambda: pd.Series({ch: _pearson(part, "ctr_pct", "cost_per_conversion_usd")
                                         for ch, part in _metrics().groupby("channel")})),
        Mistake("Those are the lesson's pair (reach and conversions) per channel. This question "
                "pairs CTR with cost per conversion.",
                value=lambda: _rho_by_channel("reach", "conversions")),
        Mistake("Give one number per channel (a Series indexed by channel), not one number for "
                "all campaigns.", test=lambda a: isinstance(a, int | float | np.floating)
                and not isinstance(a, bool)),
    ],
)


# ----------------------------------------------------------------------------- q5, q6: readings


def _simpson_reading() -> str:
    """'b' when the channels' own correlations (averaged, weighted by campaigns) are much weaker
    than the pooled one; 'c' when they are about as strong."""
    overall = _rho_all()
    within = rank_correlation_test(_metrics().reset_index(), "ctr_pct", "cost_per_conversion_usd",
                                   by="channel", n_perm=0).rho
    return "b" if abs(within) < abs(overall) - 0.2 else "c"


q5 = ChoiceQuestion(
    LESSON, "q5", "reading_rho",
    expected=_simpson_reading,
    title="What the two rank correlations of CTR and cost per conversion say",
    choices={
        "a": "A higher click-through rate makes conversions cheaper: the creative that gets more "
             "clicks should run everywhere.",
        "b": "The correlation over all campaigns mostly reflects channel mix (search has both the "
             "highest CTRs and the cheapest conversions); inside a channel, with 3 to 8 campaigns "
             "each, the correlations are scattered and of both signs, so these data cannot say that "
             "a higher CTR makes conversions cheaper.",
        "c": "Inside each channel the link is as strong as over all campaigns, so CTR is a "
             "reliable guide to cost per conversion on any channel.",
    },
    hints=[
        "Compare `rho_all` with the values in `rho_by_channel`: how strong, and of which sign?",
        "If the pooled number is strong but the within-channel numbers are small and of mixed "
        "sign, what is the pooled number picking up? (Look at which channel has both the "
        "highest CTR and the lowest cost per conversion.)",
    ],
    mistakes=[
        Mistake("A correlation, however strong, is not a cause; and this one mostly disappears "
                "inside each channel, so it cannot be a property of the creative.", value="a"),
        Mistake("Look at `rho_by_channel` again: inside the channels the values are far from the "
                "pooled one and of both signs.", value="c"),
    ],
)


q6 = ChoiceQuestion(
    LESSON, "q6", "reading_measures",
    expected="b",
    title="What the regional briefs' three measures say about their targets",
    choices={
        "a": "Most of the regional briefs' buyers came from outside their targets, so the "
             "targets were badly chosen: these people were not the customers.",
        "b": "The share of buyers from outside follows mostly from delivery: the targets were "
             "small slices of the adults, so even a buy several times better than chance put only "
             "a few percent of the impressions on them. Whether a target was well chosen is the "
             "response index's question: did its people act more often per impression?",
        "c": "The media buying failed: a competent buyer would have put most of the "
             "impressions on the target.",
    },
    hints=[
        "Three measures, three questions: where did the impressions land (on-target share, "
        "delivery index), did the target's people act more often per impression (response "
        "index), and where did the buyers come from (share of conversions).",
        "If only a few percent of the impressions reach the target, what share of the buyers "
        "can come from inside it, even if the target's people buy a little more often?",
    ],
    mistakes=[
        Mistake("The share of conversions from outside mixes delivery with response: with a few "
                "percent of the impressions on the target, most buyers are outside whether or not "
                "the target was a good guess. Look at the response index for that.", value="a"),
        Mistake("Compare the delivery index with 1: the buys did much better than chance. No "
                "buy can put most of the impressions on a target that holds about 1% of adults "
                "(in the lesson, Nielsen's 59% on target was for digital campaigns aimed at "
                "25-54s, a broad target).",
                value="c"),
    ],
)


r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=("The client's finance director wants to cut TV and move the money to search, because "
            "search's conversions cost a small fraction of TV's; the brief's target, she adds, "
            "clearly did not matter. Using this lesson's measures, what would you tell her, and "
            "what would you need to know that this campaign history cannot tell you?"),
)
