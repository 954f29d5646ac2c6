"""Lesson 01, The advertiser knows best: the traditional campaign's numbers, and what people did.

Pure functions over the ``campaigns`` and ``campaign_results`` datasets (see datasets/README.md):
no widgets, no plots, no printing. Rates are returned as fractions (0.001 = 0.1%) unless the
name says otherwise (``per_1000``).

The metrics, in one place:

* impressions: how many times the ad was shown; reach: how many different people saw it;
  frequency = impressions / reach (times each person reached saw it, on average);
* CPM (cost per mille) = spend / impressions * 1000: the price of 1,000 impressions, in USD;
* CTR (click-through rate) = clicks / impressions;
* cost per conversion = spend / conversions, in USD (undefined when nothing converted).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

ALL_REGIONS = "all"


def _by_id(campaigns: pd.DataFrame, values: pd.Series, name: str) -> pd.Series:
    out = pd.Series(values.to_numpy(dtype=float), index=campaigns["campaign_id"].to_numpy(),
                    name=name)
    out.index.name = "campaign_id"
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den with NaN (not inf, not an error) where den is 0."""
    den = den.astype(float)
    return num.astype(float) / den.where(den != 0)


def cpm(campaigns: pd.DataFrame) -> pd.Series:
    """CPM per campaign: USD paid for 1,000 impressions (NaN for a campaign without impressions)."""
    return _by_id(campaigns, _ratio(campaigns["spend_usd"], campaigns["impressions"]) * 1000, "cpm_usd")


def ctr(campaigns: pd.DataFrame) -> pd.Series:
    """Click-through rate per campaign, as a fraction: clicks / impressions."""
    return _by_id(campaigns, _ratio(campaigns["clicks"], campaigns["impressions"]), "ctr")


def cost_per_conversion(campaigns: pd.DataFrame) -> pd.Series:
    """USD spent per conversion, per campaign (NaN for a campaign with no conversions)."""
    return _by_id(campaigns, _ratio(campaigns["spend_usd"], campaigns["conversions"]),
                  "cost_per_conversion_usd")


def campaign_metrics(campaigns: pd.DataFrame) -> pd.DataFrame:
    """One row per campaign: channel, spend, reach, frequency, CPM, CTR (%), cost per conversion."""
    out = pd.DataFrame({
        "name": campaigns["name"].to_numpy(),
        "channel": campaigns["channel"].astype(str).to_numpy(),
        "spend_usd": campaigns["spend_usd"].to_numpy(dtype=float),
        "impressions": campaigns["impressions"].to_numpy(),
        "reach": campaigns["reach"].to_numpy(),
        "frequency": campaigns["frequency"].to_numpy(dtype=float),
        "conversions": campaigns["conversions"].to_numpy(),
        "recall_pct": campaigns["recall_pct"].to_numpy(dtype=float),
    }, index=pd.Index(campaigns["campaign_id"].to_numpy(), name="campaign_id"))
    out["cpm_usd"] = cpm(campaigns).to_numpy()
    out["ctr_pct"] = ctr(campaigns).to_numpy() * 100
    out["cost_per_conversion_usd"] = cost_per_conversion(campaigns).to_numpy()
    return out


def channel_summary(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Per channel (pooled over its campaigns): campaigns, spend, mean reach per campaign, CPM,
    CTR (%), cost per conversion (USD) and mean aided recall (%). Channels without campaigns
    are left out."""
    c = campaigns.assign(channel=campaigns["channel"].astype(str))
    g = c.groupby("channel", sort=False)
    out = pd.DataFrame({
        "campaigns": g.size(),
        "spend_usd": g["spend_usd"].sum(),
        "reach_per_campaign": g["reach"].mean(),
        "impressions": g["impressions"].sum(),
        "clicks": g["clicks"].sum(),
        "conversions": g["conversions"].sum(),
        "recall_pct": g["recall_pct"].mean(),
    })
    out["cpm_usd"] = _ratio(out["spend_usd"], out["impressions"]) * 1000
    out["ctr_pct"] = _ratio(out["clicks"], out["impressions"]) * 100
    out["cost_per_conversion_usd"] = _ratio(out["spend_usd"], out["conversions"])
    out.index.name = "channel"
    return out.sort_values("reach_per_campaign", ascending=False)


def rank_correlation(campaigns: pd.DataFrame, x: str = "reach", y: str = "conversions") -> float:
    """Spearman rank correlation of two campaign columns (NaN with fewer than 2 campaigns).

    Spearman's rho is Pearson's correlation of the ranks (ties share their average rank); pandas
    computes it without importing scipy.stats, which would cost a lesson about a second.
    """
    if len(campaigns) < 2:
        return float("nan")
    ranks_x = campaigns[x].astype(float).rank(method="average")
    ranks_y = campaigns[y].astype(float).rank(method="average")
    return float(ranks_x.corr(ranks_y))


def top_campaign(campaigns: pd.DataFrame, column: str) -> str:
    """The campaign_id with the largest value of ``column``."""
    if campaigns.empty:
        raise ValueError("there are no campaigns to rank")
    return str(campaigns.loc[campaigns[column].idxmax(), "campaign_id"])


# ---------------------------------------------------------------------------- who acted


def outside_target_share(results: pd.DataFrame, campaign_ids: Iterable[str] | None = None,
                         column: str = "conversions") -> float:
    """Share (fraction) of ``column`` (conversions by default) from people OUTSIDE each campaign's
    target, over the given campaigns (all by default). NaN when there is nothing to share."""
    r = results if campaign_ids is None else results[results["campaign_id"].isin(list(campaign_ids))]
    total = float(r[column].sum())
    if total == 0:
        return float("nan")
    return float(r.loc[~r["in_target"].astype(bool), column].sum()) / total


def outside_target_share_by_campaign(results: pd.DataFrame) -> pd.Series:
    """Per campaign, the share (fraction) of its conversions from outside its target."""
    g = results.assign(out=results["conversions"].where(~results["in_target"].astype(bool), 0))
    sums = g.groupby("campaign_id", observed=True)[["out", "conversions"]].sum()
    return _ratio(sums["out"], sums["conversions"]).rename("outside_target_share")


def target_lift_by_campaign(results: pd.DataFrame) -> pd.Series:
    """Per campaign, how many times more often its targeted people converted per impression than
    the people outside its target (NaN where either group saw nothing or nobody outside acted).

    Comparing inside each campaign keeps the channel the same on both sides of the ratio."""
    r = results.assign(inside=results["in_target"].astype(bool))
    g = r.groupby(["campaign_id", "inside"], observed=True)[["impressions", "conversions"]].sum()
    rate = _ratio(g["conversions"], g["impressions"]).unstack("inside")
    rate = rate.reindex(columns=[True, False])
    return _ratio(rate[True], rate[False]).rename("target_lift")


def _cell_mask(results: pd.DataFrame, age: str, income: str, region: str) -> pd.Series:
    mask = (results["age_band"].astype(str) == age) & (results["income_band"].astype(str) == income)
    if region != ALL_REGIONS:
        mask &= results["region"].astype(str) == region
    return mask


@dataclass(frozen=True)
class SegmentResponse:
    """What the history says people in one cell did, against everyone else."""

    campaigns: int  # campaigns the history holds for this comparison
    cell_impressions: int
    cell_conversions: int
    other_impressions: int
    other_conversions: int

    @property
    def empty(self) -> bool:
        """True when the history has no impressions for the cell: nothing can be said."""
        return self.cell_impressions == 0

    @property
    def cell_per_1000(self) -> float:
        """Conversions per 1,000 impressions in the cell (NaN if the cell saw none)."""
        return self.cell_conversions / self.cell_impressions * 1000 if self.cell_impressions else float("nan")

    @property
    def other_per_1000(self) -> float:
        """Conversions per 1,000 impressions outside the cell (NaN if none)."""
        return (self.other_conversions / self.other_impressions * 1000 if self.other_impressions
                else float("nan"))

    @property
    def ratio(self) -> float:
        """How many times more often the cell converted than everyone else (NaN if unknown)."""
        other = self.other_per_1000
        return self.cell_per_1000 / other if other and not np.isnan(other) else float("nan")


def segment_response(results: pd.DataFrame, age: str, income: str, region: str = ALL_REGIONS,
                     campaign_ids: Iterable[str] | None = None) -> SegmentResponse:
    """Conversions per 1,000 impressions of the cell (age band, income band, region or "all")
    against everyone else, pooled over ``campaign_ids`` (all campaigns by default).

    An empty history (no such campaigns, or the cell never saw an impression) gives a response
    whose ``empty`` is True and whose rates are NaN; it never raises.
    """
    r = results if campaign_ids is None else results[results["campaign_id"].isin(list(campaign_ids))]
    mask = _cell_mask(r, age, income, region)
    return SegmentResponse(
        campaigns=int(r["campaign_id"].nunique()),
        cell_impressions=int(r.loc[mask, "impressions"].sum()),
        cell_conversions=int(r.loc[mask, "conversions"].sum()),
        other_impressions=int(r.loc[~mask, "impressions"].sum()),
        other_conversions=int(r.loc[~mask, "conversions"].sum()),
    )


# ---------------------------------------------------------------------------- a new brief


@dataclass(frozen=True)
class ReachEstimate:
    """What a budget buys on one channel, at the history's prices and frequency."""

    channel: str
    budget_usd: float
    cpm_usd: float
    impressions: float
    reach: float
    frequency: float


def reach_for_budget(channel: str, budget: float, history: pd.DataFrame) -> ReachEstimate:
    """Impressions, reach and frequency that ``budget`` USD buys on ``channel``.

    The history gives the channel's price (pooled CPM = its total spend / total impressions x
    1000) and its frequency (total impressions / total reach). Impressions = budget / CPM x 1000;
    reach = impressions / frequency. This straight line is the simplest reach curve the history
    supports; real curves flatten as the same people are hit again (lesson 03). A zero budget
    buys nothing (reach 0, frequency 0). Raises ValueError for a negative budget or a channel
    with no campaigns in the history.
    """
    if budget < 0 or np.isnan(budget):
        raise ValueError(f"the budget must be 0 or more USD, not {budget}")
    h = history[history["channel"].astype(str) == channel]
    spend, impressions, reach = (float(h[c].sum()) for c in ("spend_usd", "impressions", "reach"))
    if h.empty or impressions == 0 or reach == 0:
        raise ValueError(f"the campaign history has no {channel} campaign with impressions")
    price = spend / impressions * 1000
    frequency = impressions / reach
    bought = budget / price * 1000 if price > 0 else 0.0
    return ReachEstimate(channel, float(budget), price, bought, bought / frequency,
                         frequency if bought > 0 else 0.0)


def in_target_impression_share(results: pd.DataFrame, campaign_ids: Iterable[str] | None = None) -> float:
    """Share (fraction) of impressions that landed on the targeted people, over the campaigns."""
    return 1 - outside_target_share(results, campaign_ids, column="impressions")


@dataclass(frozen=True)
class BriefOutcome:
    """A brief's predicted reach, and what the history says the people it buys would do."""

    reach: ReachEstimate
    response: SegmentResponse
    target_impressions: float
    other_impressions: float
    target_conversions: float
    other_conversions: float
    history_note: str

    @property
    def outside_share(self) -> float:
        """Expected share (fraction) of conversions from people outside the target (NaN if none)."""
        total = self.target_conversions + self.other_conversions
        return self.other_conversions / total if total > 0 else float("nan")

    @property
    def conversions(self) -> float:
        return self.target_conversions + self.other_conversions


def brief_outcome(campaigns: pd.DataFrame, results: pd.DataFrame, *, age: str, income: str,
                  region: str, channel: str, theme: str, budget: float) -> BriefOutcome:
    """Predict a brief from the history of the same channel.

    Impressions follow :func:`reach_for_budget`. They land on the target in the share that the
    channel's past campaigns achieved on theirs; each group then converts at the rate the
    channel's history shows for the cell (the target) and for everyone else. The theme does not
    change the prediction: the note says how many past campaigns on the channel used it (too
    few to estimate a theme's own effect). When the cell is empty in the history, the target's
    rate is unknown and its expected conversions are 0 (``response.empty`` says so).
    """
    estimate = reach_for_budget(channel, budget, campaigns)
    on_channel = campaigns[campaigns["channel"].astype(str) == channel]
    ids = on_channel["campaign_id"].tolist()
    n, k = len(ids), int((on_channel["message_theme"].astype(str) == theme).sum())
    note = (f"{n} past campaign{'s' if n != 1 else ''} on this channel, "
            f"{k} of {'them' if n != 1 else 'it'} with this theme")
    response = segment_response(results, age, income, region, ids)
    share_in = in_target_impression_share(results, on_channel["campaign_id"])
    share_in = 0.0 if np.isnan(share_in) else share_in
    t_imp = estimate.impressions * share_in
    o_imp = estimate.impressions - t_imp
    t_rate = 0.0 if response.empty else response.cell_per_1000
    o_rate = response.other_per_1000
    o_rate = 0.0 if np.isnan(o_rate) else o_rate
    return BriefOutcome(estimate, response, t_imp, o_imp, t_imp * t_rate / 1000,
                        o_imp * o_rate / 1000, note)
