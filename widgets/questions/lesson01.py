"""Lesson 01, The advertiser knows best: five checked questions and one reflection.

In the exercise, ``campaigns`` is ``load("campaigns").set_index("campaign_id")`` (so answers per
campaign are Series labelled by campaign) and ``results`` is ``load("campaign_results")``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks import Mistake, Question, Reflection
from ..data import load
from ..models.campaigns import (
    cost_per_conversion,
    cpm,
    ctr,
    outside_target_share,
    outside_target_share_by_campaign,
    rank_correlation,
)

LESSON = "01"


def _campaigns() -> pd.DataFrame:
    return load("campaigns")


def _results() -> pd.DataFrame:
    return load("campaign_results")


def _per_campaign(column_a: str, column_b: str, factor: float = 1.0) -> pd.Series:
    c = _campaigns().set_index("campaign_id")
    return c[column_a] / c[column_b] * factor


def _unlabelled(expected) -> Mistake:
    """Right numbers, wrong labels: the Series is not indexed by campaign_id."""

    def test(answer) -> bool:
        want = expected()
        return (isinstance(answer, pd.Series) and len(answer) == len(want)
                and set(map(str, answer.index)) != set(map(str, want.index))
                and np.allclose(answer.to_numpy(dtype=float), want.to_numpy(dtype=float), rtol=1e-3))

    return Mistake("The numbers look right, but the Series is not labelled by campaign: compute it "
                   "from `campaigns` as loaded in the setup cell (indexed by campaign_id).", test=test)


def _display() -> pd.DataFrame:
    c = _campaigns()
    return c[c["channel"].astype(str) == "display"]


q1 = Question(
    LESSON, "q1", "cpm",
    expected=lambda: cpm(_campaigns()),
    title="CPM per campaign, in USD per 1,000 impressions",
    hints=[
        "CPM is the price of one thousand impressions: what was spent, divided by how many "
        "thousands of impressions it bought.",
        "Divide the `spend_usd` column by the `impressions` column, then multiply by 1000.",
        "`cpm = campaigns['spend_usd'] / campaigns['impressions'] * 1000`",
    ],
    mistakes=[
        Mistake("That is the cost of ONE impression. CPM is per mille: the cost of 1,000 "
                "impressions (multiply by 1000).", value=lambda: cpm(_campaigns()) / 1000),
        Mistake("You divided by `reach` (people) instead of `impressions` (times the ad was shown): "
                "CPM prices impressions.", value=lambda: _per_campaign("spend_usd", "reach", 1000)),
        Mistake("Upside down: that is impressions per USD. CPM is USD per 1,000 impressions.",
                value=lambda: _per_campaign("impressions", "spend_usd", 1 / 1000)),
        _unlabelled(lambda: cpm(_campaigns())),
    ],
)


q2 = Question(
    LESSON, "q2", "display_ctr_pct",
    expected=lambda: float(_display()["clicks"].sum() / _display()["impressions"].sum() * 100),
    title="Click-through rate of all display campaigns together, in percent",
    hints=[
        "Keep only the rows whose `channel` is 'display', then compare all their clicks with "
        "all their impressions.",
        "Sum `clicks` and sum `impressions` over the display campaigns; divide; multiply by 100 "
        "for percent.",
        "`display = campaigns[campaigns['channel'] == 'display']` then "
        "`display['clicks'].sum() / display['impressions'].sum() * 100`",
    ],
    mistakes=[
        Mistake("That is the CTR as a fraction. The question asks for percent: multiply by 100.",
                value=lambda: float(_display()["clicks"].sum() / _display()["impressions"].sum())),
        Mistake("That is the average of the campaigns' own CTRs, which gives a small campaign as "
                "much weight as a big one. Pool them: total clicks / total impressions.",
                value=lambda: float(ctr(_display()).mean() * 100)),
        Mistake("That is the CTR of every channel together: keep only the display campaigns.",
                value=lambda: float(_campaigns()["clicks"].sum() / _campaigns()["impressions"].sum()
                                    * 100)),
        Mistake("You divided by `reach` (people). Click-through rate is clicks per impression.",
                value=lambda: float(_display()["clicks"].sum() / _display()["reach"].sum() * 100)),
    ],
)


q3 = Question(
    LESSON, "q3", "cost_per_conv",
    expected=lambda: cost_per_conversion(_campaigns()),
    title="Cost per conversion per campaign, in USD",
    hints=[
        "A conversion is an action the brand wanted (a purchase, a sign-up), not a click.",
        "Divide `spend_usd` by `conversions`, campaign by campaign.",
        "`cost_per_conv = campaigns['spend_usd'] / campaigns['conversions']`",
    ],
    mistakes=[
        Mistake("That is the cost per CLICK. A click is not a conversion: divide by `conversions`.",
                value=lambda: _per_campaign("spend_usd", "clicks")),
        Mistake("Upside down: that is conversions per USD. The question asks for USD per "
                "conversion.", value=lambda: _per_campaign("conversions", "spend_usd")),
        Mistake("No need for x1000 here: cost per conversion is USD for ONE conversion.",
                value=lambda: cost_per_conversion(_campaigns()) * 1000),
        _unlabelled(lambda: cost_per_conversion(_campaigns())),
    ],
)


q4 = Question(
    LESSON, "q4", "rho",
    expected=lambda: rank_correlation(_campaigns(), "reach", "conversions"),
    title="Spearman rank correlation between a campaign's reach and its conversions",
    atol=1e-4,
    hints=[
        "A rank correlation compares orders, not sizes: does the campaign that reached more "
        "people also rank higher on conversions?",
        "pandas can do it: `a.corr(b, method='spearman')`; so can `scipy.stats.spearmanr(a, b)`.",
        "`rho = campaigns['reach'].corr(campaigns['conversions'], method='spearman')`",
    ],
    mistakes=[
        Mistake("That is the Pearson correlation (the default of `.corr`). Ask for Spearman: "
                "`method='spearman'`.",
                value=lambda: float(_campaigns()["reach"].corr(_campaigns()["conversions"]))),
        Mistake("You correlated impressions (times shown), not reach (people reached), with "
                "conversions.",
                value=lambda: rank_correlation(_campaigns(), "impressions", "conversions")),
        Mistake("`spearmanr` returns a result object with two numbers; keep only the correlation "
                "(`.statistic`), not the p-value.",
                test=lambda a: isinstance(a, tuple) or type(a).__name__ == "SignificanceResult"),
    ],
)


q5 = Question(
    LESSON, "q5", "outside_share",
    expected=lambda: outside_target_share(_results()),
    title="Share of all conversions that came from people outside the campaign's target (fraction)",
    hints=[
        "In `results`, each row is one group of people in one campaign; `in_target` says whether "
        "the campaign aimed at them.",
        "Add up the conversions of the rows where `in_target` is False, and divide by all "
        "conversions.",
        "`outside_share = results.loc[~results['in_target'], 'conversions'].sum() / "
        "results['conversions'].sum()`",
    ],
    mistakes=[
        Mistake("That is the share from INSIDE the target. The question asks about everyone "
                "else: `~results['in_target']`.",
                value=lambda: 1 - outside_target_share(_results())),
        Mistake("That looks like a percentage. Give a fraction between 0 and 1.",
                value=lambda: outside_target_share(_results()) * 100),
        Mistake("That is the share of IMPRESSIONS outside the target (who saw the ads). The "
                "question asks who acted: use `conversions`.",
                value=lambda: outside_target_share(_results(), column="impressions")),
        Mistake("That is the average of the campaigns' own shares. Pool all conversions first, "
                "then divide.", value=lambda: float(outside_target_share_by_campaign(_results()).mean())),
    ],
)


r1 = Reflection(
    LESSON, "r1", "reflection",
    prompt=("The history says most people who acted were not the people the briefs aimed at. "
            "If you were the agency, what would you change in the next brief, and what would you "
            "need to know that this campaign history cannot tell you?"),
)
