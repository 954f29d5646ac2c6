"""Lesson 01, The advertiser knows best: the traditional campaign's numbers, and who acted.

Pure functions over the ``campaigns`` and ``campaign_results`` datasets (see datasets/README.md):
no widgets, no plots, no printing. Rates are returned as fractions (0.001 = 0.1%) unless the
name says otherwise (``_pct``, ``per_1000``).

The metrics, in one place:

* impressions: how many times the ad was shown; reach: how many different people saw it;
  frequency = impressions / reach (times each person reached saw it, on average);
* CPM (cost per mille) = spend / impressions * 1000: the price of 1,000 impressions, in USD;
* CTR (click-through rate) = clicks / impressions;
* cost per conversion = spend / conversions, in USD (undefined when nothing converted).

Three measures of "did the brief's target matter", which answer three different questions:

* **on-target share** = impressions that landed on the target / all impressions: did the media
  buy deliver the target? It depends on how large a slice of the population the target is, so
  it is compared with the target's **population share** (the on-target share if impressions fell
  at random): their ratio is the **delivery index**;
* **response index** = conversions per impression inside the target / outside it: did the
  people in the target act more often? (1 = no more often than anyone else);
* **share of conversions from outside the target**: where did the buyers come from? It follows
  from the two above and says nothing on its own about whether the target was well chosen.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ALL_REGIONS = "all"
CELL = ["age_band", "income_band", "region"]


def _by_id(campaigns: pd.DataFrame, values: pd.Series, name: str) -> pd.Series:
    out = pd.Series(values.to_numpy(dtype=float), index=campaigns["campaign_id"].to_numpy(),
                    name=name)
    out.index.name = "campaign_id"
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den with NaN (not inf, not an error) where den is 0."""
    den = den.astype(float)
    return num.astype(float) / den.where(den != 0)


def _div(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def _need(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {what} table has no column {', '.join(map(repr, missing))}: pass the "
                         f"table as loaded with load({what!r})")


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
        "year": campaigns["year"].to_numpy(),
        "spend_usd": campaigns["spend_usd"].to_numpy(dtype=float),
        "impressions": campaigns["impressions"].to_numpy(),
        "reach": campaigns["reach"].to_numpy(),
        "frequency": campaigns["frequency"].to_numpy(dtype=float),
        "clicks": campaigns["clicks"].to_numpy(),
        "conversions": campaigns["conversions"].to_numpy(),
        "recall_pct": campaigns["recall_pct"].to_numpy(dtype=float),
    }, index=pd.Index(campaigns["campaign_id"].to_numpy(), name="campaign_id"))
    out["cpm_usd"] = cpm(campaigns).to_numpy()
    out["ctr_pct"] = ctr(campaigns).to_numpy() * 100
    out["cost_per_conversion_usd"] = cost_per_conversion(campaigns).to_numpy()
    return out


def channel_summary(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Per channel (pooled over its campaigns): campaigns, spend, spend per campaign, mean reach
    per campaign, people reached per 1,000 USD (total reach / total spend x 1000: reach per
    campaign depends on how much each campaign spent), CPM, CTR (%), conversions, cost per
    conversion (USD) and mean aided recall (%). Channels without campaigns are left out; rows
    are sorted by reach per campaign, largest first."""
    c = campaigns.assign(channel=campaigns["channel"].astype(str))
    g = c.groupby("channel", sort=False)
    out = pd.DataFrame({
        "campaigns": g.size(),
        "spend_usd": g["spend_usd"].sum(),
        "reach_per_campaign": g["reach"].mean(),
        "reach": g["reach"].sum(),
        "impressions": g["impressions"].sum(),
        "clicks": g["clicks"].sum(),
        "conversions": g["conversions"].sum(),
        "recall_pct": g["recall_pct"].mean(),
    })
    out["spend_per_campaign_usd"] = _ratio(out["spend_usd"], out["campaigns"])
    out["reach_per_1000_usd"] = _ratio(out["reach"], out["spend_usd"]) * 1000
    out["cpm_usd"] = _ratio(out["spend_usd"], out["impressions"]) * 1000
    out["ctr_pct"] = _ratio(out["clicks"], out["impressions"]) * 100
    out["cost_per_conversion_usd"] = _ratio(out["spend_usd"], out["conversions"])
    out.index.name = "channel"
    return out.sort_values("reach_per_campaign", ascending=False)


# ---------------------------------------------------------------------------- rank correlation


def rank_correlation(campaigns: pd.DataFrame, x: str = "reach", y: str = "conversions") -> float:
    """Spearman rank correlation of two campaign columns (NaN with fewer than 2 campaigns).

    Spearman's rho is Pearson's correlation of the ranks (ties share their average rank): +1 when
    the two columns put the campaigns in the same order, -1 in opposite orders, 0 when the orders
    are unrelated. pandas computes it without importing scipy.stats, which would cost a lesson
    about a second.
    """
    _need(campaigns, [x, y], "campaigns")
    if len(campaigns) < 2:
        return float("nan")
    ranks_x = campaigns[x].astype(float).rank(method="average")
    ranks_y = campaigns[y].astype(float).rank(method="average")
    return float(ranks_x.corr(ranks_y))


def rank_correlation_by(campaigns: pd.DataFrame, by: str = "channel", x: str = "reach",
                        y: str = "conversions") -> pd.DataFrame:
    """Spearman's rho of ``x`` and ``y`` within each group of ``by`` (one row per group, sorted
    by name), with the number of campaigns it rests on. Groups of fewer than 3 campaigns get NaN:
    two points are always in the same or the opposite order, which says nothing."""
    _need(campaigns, [by, x, y], "campaigns")
    rows = {}
    for key, part in campaigns.groupby(campaigns[by].astype(str), sort=True):
        rows[key] = (len(part), rank_correlation(part, x, y) if len(part) >= 3 else float("nan"))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["campaigns", "rho"])
    out.index.name = by
    return out


def _rank_rho_rows(rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
    """Pearson correlation of the rank vector ``rx`` with each row of ``ry`` (NaN where a row
    or ``rx`` has no spread)."""
    dx = rx - rx.mean()
    dy = ry - ry.mean(axis=-1, keepdims=True)
    den = np.sqrt((dx ** 2).sum() * (dy ** 2).sum(axis=-1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (dy @ dx) / np.where(den > 0, den, 1), np.nan)


@dataclass(frozen=True)
class RankTest:
    """A rank correlation with the campaigns it rests on and a shuffle test."""

    rho: float  # Spearman's rho (inside groups: their average, weighted by campaigns)
    campaigns: int  # campaigns it rests on (inside groups: those in groups of 3 or more)
    groups: int  # 1 over all campaigns; otherwise the groups of 3 or more campaigns
    p: float  # (shuffles with a rho at least as large + 1) / (shuffles + 1), one-sided
    shuffles: int
    as_large: int  # shuffles whose rho was at least as large as the observed one


def rank_correlation_test(campaigns: pd.DataFrame, x: str = "reach", y: str = "conversions",
                          by: str | None = None, n_perm: int = 2000, seed: int = 0) -> RankTest:
    """Spearman's rho of ``x`` and ``y`` with a permutation test: could chance alone give a rho
    this large?

    Over all campaigns (``by=None``) the ``y`` values are shuffled across campaigns. Inside groups
    (``by="channel"``) the statistic is the groups' rhos averaged with their campaigns as weights
    (groups of fewer than 3 campaigns left out), and ``y`` is shuffled only inside each group, so
    the channel mix stays as it was. ``p`` = (shuffles with a rho at least as large + 1) /
    (shuffles + 1), one-sided: the question is whether more ``x`` goes with more ``y``. NaN
    when no group has 3 campaigns.
    """
    cols = [x, y] if by is None else [by, x, y]
    _need(campaigns, cols, "campaigns")
    keys = (pd.Series("all", index=campaigns.index) if by is None
            else campaigns[by].astype(str))
    rng = np.random.default_rng(seed)
    observed, shuffled, weights = [], [], []
    for _, part in campaigns.groupby(keys, sort=True):
        if len(part) < 3:
            continue
        rx = part[x].astype(float).rank(method="average").to_numpy()
        ry = part[y].astype(float).rank(method="average").to_numpy()
        observed.append(float(_rank_rho_rows(rx, ry[None, :])[0]))
        shuffled.append(_rank_rho_rows(rx, rng.permuted(np.tile(ry, (n_perm, 1)), axis=1)))
        weights.append(len(part))
    if not weights:
        return RankTest(float("nan"), 0, 0, float("nan"), n_perm, 0)
    w = np.asarray(weights, float)
    rho = float(np.dot(w, observed) / w.sum())
    null = (w[:, None] * np.vstack(shuffled)).sum(axis=0) / w.sum()
    as_large = int(np.sum(null >= rho - 1e-12))
    return RankTest(rho, int(w.sum()), len(weights), (as_large + 1) / (n_perm + 1), n_perm,
                    as_large)


def top_campaign(campaigns: pd.DataFrame, column: str) -> str:
    """The campaign_id with the largest value of ``column``."""
    if campaigns.empty:
        raise ValueError("there are no campaigns to rank")
    return str(campaigns.loc[campaigns[column].idxmax(), "campaign_id"])


# ---------------------------------------------------------------------------- who acted


def _select(results: pd.DataFrame, campaign_ids: Iterable[str] | None) -> pd.DataFrame:
    return results if campaign_ids is None else results[results["campaign_id"].isin(list(campaign_ids))]


def outside_target_share(results: pd.DataFrame, campaign_ids: Iterable[str] | None = None,
                         column: str = "conversions") -> float:
    """Share (fraction) of ``column`` (conversions by default) from people OUTSIDE each campaign's
    target, over the given campaigns (all by default). NaN when there is nothing to share."""
    r = _select(results, campaign_ids)
    total = float(r[column].sum())
    if total == 0:
        return float("nan")
    return float(r.loc[~r["in_target"].astype(bool), column].sum()) / total


def outside_target_share_by_campaign(results: pd.DataFrame) -> pd.Series:
    """Per campaign, the share (fraction) of its conversions from outside its target."""
    g = results.assign(out=results["conversions"].where(~results["in_target"].astype(bool), 0))
    sums = g.groupby("campaign_id", observed=True)[["out", "conversions"]].sum()
    return _ratio(sums["out"], sums["conversions"]).rename("outside_target_share")


def in_target_impression_share(results: pd.DataFrame, campaign_ids: Iterable[str] | None = None) -> float:
    """On-target share: the fraction of impressions that landed on the targeted people."""
    return 1 - outside_target_share(results, campaign_ids, column="impressions")


def _inside_outside(results: pd.DataFrame) -> pd.DataFrame:
    """Per campaign: impressions and conversions inside and outside its target."""
    inside = results["in_target"].astype(bool)
    frame = pd.DataFrame({
        "campaign_id": results["campaign_id"].astype(str).to_numpy(),
        "target_impressions": results["impressions"].where(inside, 0).to_numpy(),
        "impressions": results["impressions"].to_numpy(),
        "target_conversions": results["conversions"].where(inside, 0).to_numpy(),
        "conversions": results["conversions"].to_numpy(),
    })
    return frame.groupby("campaign_id", sort=True).sum()


def response_index(results: pd.DataFrame, campaign_ids: Iterable[str] | None = None) -> float:
    """Pooled response index: conversions per impression inside the targets divided by
    conversions per impression outside them, over the given campaigns (NaN if either side saw
    nothing or nobody outside acted). Pooling mixes channels: see
    :func:`response_index_within_campaigns` for the comparison made inside each campaign."""
    r = _select(results, campaign_ids)
    inside = r["in_target"].astype(bool)
    t_imp, t_conv = float(r.loc[inside, "impressions"].sum()), float(r.loc[inside, "conversions"].sum())
    o_imp, o_conv = float(r.loc[~inside, "impressions"].sum()), float(r.loc[~inside, "conversions"].sum())
    return _div(_div(t_conv, t_imp), _div(o_conv, o_imp))


def target_lift_by_campaign(results: pd.DataFrame) -> pd.Series:
    """Per campaign, its own response index: how many times more often its targeted people
    converted per impression than the people outside its target (NaN where either group saw
    nothing or nobody outside acted). Inside one campaign, channel, theme and year are the same
    on both sides of the ratio."""
    s = _inside_outside(results)
    inside = _ratio(s["target_conversions"], s["target_impressions"])
    outside = _ratio(s["conversions"] - s["target_conversions"],
                     s["impressions"] - s["target_impressions"])
    return _ratio(inside, outside).rename("response_index")


def _mh_terms(results: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    s = _inside_outside(results)
    t1 = s["target_impressions"].to_numpy(float)
    t0 = (s["impressions"] - s["target_impressions"]).to_numpy(float)
    a = s["target_conversions"].to_numpy(float)
    b = (s["conversions"] - s["target_conversions"]).to_numpy(float)
    total = t0 + t1
    keep = (t0 > 0) & (t1 > 0)
    return (a * t0 / np.where(keep, total, 1))[keep], (b * t1 / np.where(keep, total, 1))[keep]


def response_index_within_campaigns(results: pd.DataFrame) -> float:
    """The response index compared inside each campaign, then combined (Mantel-Haenszel rate
    ratio, campaigns as strata): sum(a*T0/T) / sum(b*T1/T), where a and T1 are a campaign's
    conversions and impressions inside its target, b and T0 outside, T = T0 + T1. No campaign's
    targeted people are compared with another channel's, so channel mix cannot move it."""
    num, den = _mh_terms(results)
    return _div(num.sum(), den.sum())


def response_index_interval(results: pd.DataFrame, n_boot: int = 1000, level: float = 0.95,
                            seed: int = 0) -> tuple[float, float]:
    """Bootstrap interval of :func:`response_index_within_campaigns`: campaigns are resampled
    with replacement ``n_boot`` times (the campaign, not the impression, is the unit that
    varies). Returns (low, high); NaNs with fewer than 2 campaigns."""
    num, den = _mh_terms(results)
    if len(num) < 2:
        return float("nan"), float("nan")
    weights = np.random.default_rng(seed).multinomial(len(num), np.full(len(num), 1 / len(num)),
                                                      size=n_boot)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = (weights @ num) / (weights @ den)
    tail = (1 - level) / 2 * 100
    low, high = np.nanpercentile(ratios, [tail, 100 - tail])
    return float(low), float(high)


# ---------------------------------------------------------------------------- delivery


def population_shares(results: pd.DataFrame) -> pd.Series:
    """Each audience cell's share of the country's adults (the same in every campaign), indexed
    by (age_band, income_band, region)."""
    _need(results, [*CELL, "population_share"], "campaign_results")
    cells = results.drop_duplicates(CELL)
    out = pd.Series(cells["population_share"].to_numpy(float),
                    index=pd.MultiIndex.from_arrays([cells[c].astype(str) for c in CELL], names=CELL),
                    name="population_share")
    return out


def target_population_share(shares: pd.Series, age: str, income: str,
                            region: str = ALL_REGIONS) -> float:
    """The share of adults a target (age band x income band, in one region or ``"all"``) holds,
    from :func:`population_shares`."""
    ages, incomes, regions = (shares.index.get_level_values(c) for c in CELL)
    mask = (ages == age) & (incomes == income)
    if region != ALL_REGIONS:
        mask &= regions == region
    return float(shares[mask].sum())


def region_population_share(shares: pd.Series, region: str) -> float:
    """The share of adults living in ``region`` (1 for ``"all"``)."""
    if region == ALL_REGIONS:
        return 1.0
    return float(shares[shares.index.get_level_values("region") == region].sum())


def on_target_share(population_share: float | np.ndarray, odds: float | np.ndarray):
    """The share of impressions that lands on a target holding ``population_share`` of the
    people when the media buy multiplies the odds of landing on it by ``odds``:
    odds * p / (odds * p + 1 - p). ``odds = 1`` is chance (the on-target share equals the
    population share); no finite odds make it 1 unless the target is everyone."""
    p = np.asarray(population_share, dtype=float)
    k = np.asarray(odds, dtype=float)
    out = k * p / (k * p + 1 - p)
    return float(out) if out.ndim == 0 else out


def _odds_ratio(share: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (share / (1 - share)) / (base / (1 - base))


def _targets(campaigns: pd.DataFrame) -> pd.DataFrame:
    cols = ["campaign_id", "channel", "target_age_band", "target_income_band", "target_region"]
    _need(campaigns, cols, "campaigns")
    t = campaigns.drop_duplicates("campaign_id")[cols].astype(str)
    return t.set_index("campaign_id")


DEMO = ["age_band", "income_band"]


def channel_audiences(campaigns: pd.DataFrame, results: pd.DataFrame) -> dict[str, pd.Series]:
    """Each channel's own audience, untargeted: the share of its impressions each age x income
    cell would get if a buy did not aim at it. Indexed by (age_band, income_band); sums to 1.

    A TV audience leans older and a display audience younger than the population, so "what
    chance gives" on a channel is its audience, not the census. It is measured on the
    impressions each campaign put OUTSIDE its own brief's age x income cells: there, cell c got
    ``imp(c)`` where the population alone predicts ``untargeted impressions x pop(c) / (1 - the
    brief's population share)``. A cell's audience index = the sum of the first over the sum of
    the second, over the channel's campaigns that did not aim at c (1 where none did); its
    audience share = pop(c) x index, rescaled to sum to 1.
    """
    t = _targets(campaigns)
    pop = population_shares(results).groupby(level=DEMO).sum()
    r = results[results["campaign_id"].astype(str).isin(t.index)]
    cid = r["campaign_id"].astype(str)
    per = (r.assign(campaign_id=cid, age_band=r["age_band"].astype(str),
                    income_band=r["income_band"].astype(str))
           .groupby(["campaign_id", *DEMO], sort=True)["impressions"].sum().astype(float)
           .unstack(DEMO, fill_value=0.0).reindex(columns=pop.index, fill_value=0.0))
    brief = pd.MultiIndex.from_arrays([t.loc[per.index, "target_age_band"],
                                       t.loc[per.index, "target_income_band"]])
    aimed = np.asarray([[cell == b for cell in pop.index] for b in brief],
                       dtype=bool).reshape(len(brief), len(pop))
    p = pop.to_numpy(float)
    imp = per.to_numpy(float)
    untargeted = (imp * ~aimed).sum(axis=1)
    outside_pop = 1 - (aimed * p).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(aimed, 0.0, untargeted[:, None] * p[None, :]
                            / np.where(outside_pop > 0, outside_pop, 1)[:, None])
    observed = np.where(aimed, 0.0, imp)
    channel = t.loc[per.index, "channel"].to_numpy()
    out: dict[str, pd.Series] = {}
    for name in sorted(set(channel)):
        rows = channel == name
        o, e = observed[rows].sum(axis=0), expected[rows].sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            index = np.where(e > 0, o / np.where(e > 0, e, 1), 1.0)
        weight = p * index
        out[str(name)] = pd.Series(weight / weight.sum() if weight.sum() > 0 else p,
                                   index=pop.index, name="audience_share")
    return out


def audience_share(audience: pd.Series, age: str | Iterable[str] | None = None,
                   income: str | Iterable[str] | None = None) -> float:
    """The share of a channel's untargeted audience (from :func:`channel_audiences`) in the
    given age band(s) and income band(s) (None = all)."""
    ages, incomes = (audience.index.get_level_values(c) for c in DEMO)
    mask = np.ones(len(audience), dtype=bool)
    for level, want in ((ages, age), (incomes, income)):
        if want is not None:
            mask &= np.isin(level, [want] if isinstance(want, str) else list(want))
    return float(audience[mask].sum())


def campaign_targeting(campaigns: pd.DataFrame, results: pd.DataFrame) -> pd.DataFrame:
    """One row per campaign: how its impressions and conversions fell on its target.

    Columns: channel, regional (the brief named one region), impressions, target_impressions,
    on_target_share, population_share (the target's share of adults), delivery_index
    (on-target share / population share), conversions, target_conversions, outside_share (of
    conversions), response_index; ``audience_share`` (the share of the channel's untargeted
    audience in the brief's age x income cells, see :func:`channel_audiences`) and the two odds
    ratios of the media buy: ``demo_odds`` (how much the buy raised the odds of an impression
    landing on the brief's age x income cells, all regions, against the channel's own audience)
    and ``geo_odds`` (on the brief's region, against its population; NaN for a national brief).
    """
    t = _targets(campaigns)
    shares = population_shares(results)
    audiences = channel_audiences(campaigns, results)
    r = results[results["campaign_id"].astype(str).isin(t.index)]
    cid = r["campaign_id"].astype(str)
    age, income, region = (r[c].astype(str).to_numpy() for c in CELL)
    in_demo = (age == cid.map(t["target_age_band"]).to_numpy()) & (
        income == cid.map(t["target_income_band"]).to_numpy())
    in_region = region == cid.map(t["target_region"]).to_numpy()
    frame = pd.DataFrame({
        "campaign_id": cid.to_numpy(),
        "impressions": r["impressions"].to_numpy(float),
        "demo_impressions": np.where(in_demo, r["impressions"], 0.0),
        "region_impressions": np.where(in_region, r["impressions"], 0.0),
    })
    s = frame.groupby("campaign_id", sort=True).sum().join(_inside_outside(r).drop(columns="impressions"))
    t = t.loc[s.index]
    demo_of = shares.groupby(level=["age_band", "income_band"]).sum().to_dict()
    region_of = shares.groupby(level="region").sum().to_dict()
    cell_of = shares.to_dict()
    briefs = list(zip(t["target_age_band"], t["target_income_band"], t["target_region"], strict=True))
    demo_base = np.array([float(audiences[ch].get((a, i), demo_of.get((a, i), 0.0)))
                          if ch in audiences else demo_of.get((a, i), 0.0)
                          for ch, (a, i, _) in zip(t["channel"], briefs, strict=True)])
    target_pop = np.array([demo_of.get((a, i), 0.0) if g == ALL_REGIONS else cell_of.get((a, i, g), 0.0)
                           for a, i, g in briefs])
    regional = (t["target_region"] != ALL_REGIONS).to_numpy()
    region_pop = np.array([1.0 if g == ALL_REGIONS else region_of.get(g, 0.0) for _, _, g in briefs])
    imp = s["impressions"].to_numpy(float)
    out = pd.DataFrame({
        "channel": t["channel"].to_numpy(),
        "regional": regional,
        "impressions": imp,
        "target_impressions": s["target_impressions"].to_numpy(float),
        "population_share": target_pop,
        "conversions": s["conversions"].to_numpy(float),
        "target_conversions": s["target_conversions"].to_numpy(float),
        "audience_share": demo_base,
        "demo_odds": _odds_ratio(s["demo_impressions"].to_numpy(float) / imp, demo_base),
        "geo_odds": np.where(regional, _odds_ratio(s["region_impressions"].to_numpy(float) / imp,
                                                   region_pop), np.nan),
    }, index=s.index)
    out["on_target_share"] = _ratio(out["target_impressions"], out["impressions"])
    out["delivery_index"] = _ratio(out["on_target_share"], out["population_share"])
    out["outside_share"] = 1 - _ratio(out["target_conversions"], out["conversions"])
    out["response_index"] = target_lift_by_campaign(r).reindex(out.index)
    return out


def targeting_table(campaigns: pd.DataFrame, results: pd.DataFrame,
                    by: str | None = "channel") -> pd.DataFrame:
    """The three measures, pooled over the campaigns of each group of ``by`` (a campaigns
    column such as "channel" or "year"), or over all campaigns (``by=None``, one row "all").

    Columns: campaigns, impressions, target_impressions, on_target_share, population_share (the
    on-target share if impressions fell at random: the targets' population shares weighted by
    impressions), delivery_index, conversions, target_conversions, outside_share (of
    conversions), response_index (pooled: conversions per impression inside / outside).
    """
    per = campaign_targeting(campaigns, results)
    if by is None:
        keys = pd.Series("all", index=per.index, name="campaigns")
    else:
        _need(campaigns, [by], "campaigns")
        lookup = campaigns.drop_duplicates("campaign_id").set_index(
            campaigns.drop_duplicates("campaign_id")["campaign_id"].astype(str))[by]
        keys = pd.Series(lookup.reindex(per.index).astype(str).to_numpy(), index=per.index, name=by)
    per = per.assign(expected=per["impressions"] * per["population_share"])
    g = per.groupby(keys.to_numpy(), sort=True)
    out = pd.DataFrame({
        "campaigns": g.size(),
        "impressions": g["impressions"].sum(),
        "target_impressions": g["target_impressions"].sum(),
        "expected": g["expected"].sum(),
        "conversions": g["conversions"].sum(),
        "target_conversions": g["target_conversions"].sum(),
    })
    out["on_target_share"] = _ratio(out["target_impressions"], out["impressions"])
    out["population_share"] = _ratio(out["expected"], out["impressions"])
    out["delivery_index"] = _ratio(out["on_target_share"], out["population_share"])
    out["outside_share"] = 1 - _ratio(out["target_conversions"], out["conversions"])
    inside = _ratio(out["target_conversions"], out["target_impressions"])
    outside = _ratio(out["conversions"] - out["target_conversions"],
                     out["impressions"] - out["target_impressions"])
    out["response_index"] = _ratio(inside, outside)
    out.index.name = by or "campaigns"
    counts = ["impressions", "target_impressions", "conversions", "target_conversions"]
    out[counts] = out[counts].round().astype("int64")
    return out.drop(columns="expected")


@dataclass(frozen=True)
class ChannelTargeting:
    """How far a channel's past buys tilted impressions towards their briefs' age x income,
    against the channel's own untargeted audience."""

    channel: str
    campaigns: int  # past campaigns the estimate rests on
    odds: float  # median over them of the odds ratio (1 = no better than chance)
    low: float  # smallest and largest of them
    high: float


@dataclass(frozen=True)
class DeliveryModel:
    """Where a new brief's impressions would land, estimated from the campaign history.

    On-target share = (share on the age x income cells) x (share in the region, if the brief
    names one), each from :func:`on_target_share` with the odds ratio the history shows: the
    channel's for age x income, applied to the channel's own untargeted audience (a TV audience
    leans older, a display audience younger: :func:`channel_audiences`), and all regional
    campaigns' for the region, applied to the region's population (media place ads by place far
    more precisely than by age or income).
    """

    channels: dict[str, ChannelTargeting]
    geo_odds: float
    geo_campaigns: int
    audiences: dict[str, pd.Series] = field(default_factory=dict)

    def audience_share(self, channel: str, age: str | Iterable[str] | None = None,
                       income: str | Iterable[str] | None = None) -> float:
        """The share of ``channel``'s untargeted audience in the given age and income bands."""
        if channel not in self.audiences:
            raise ValueError(f"the campaign history has no {channel} campaign to learn its "
                             "audience from")
        return audience_share(self.audiences[channel], age, income)

    def on_target(self, channel: str, demo_share: float, region_share: float | None = None) -> float:
        """The predicted on-target share for a target whose age x income cells hold
        ``demo_share`` of the channel's untargeted audience (:meth:`audience_share`) and, for a
        regional brief, whose region holds ``region_share`` of adults."""
        if channel not in self.channels:
            raise ValueError(f"the campaign history has no {channel} campaign to learn its "
                             "targeting from")
        share = on_target_share(demo_share, self.channels[channel].odds)
        if region_share is not None and region_share < 1:
            odds = self.geo_odds if not np.isnan(self.geo_odds) else 1.0
            share *= on_target_share(region_share, odds)
        return float(share)


def delivery_model(campaigns: pd.DataFrame, results: pd.DataFrame) -> DeliveryModel:
    """Estimate :class:`DeliveryModel` from the campaign history (medians of the campaigns' own
    odds ratios, so one odd campaign cannot drag it)."""
    per = campaign_targeting(campaigns, results)
    channels = {}
    for channel, part in per.groupby("channel", sort=True):
        odds = part["demo_odds"].replace([np.inf, -np.inf], np.nan).dropna()
        if len(odds):
            channels[str(channel)] = ChannelTargeting(str(channel), len(odds), float(odds.median()),
                                                      float(odds.min()), float(odds.max()))
    geo = per["geo_odds"].replace([np.inf, -np.inf], np.nan).dropna()
    return DeliveryModel(channels, float(geo.median()) if len(geo) else float("nan"), len(geo),
                         channel_audiences(campaigns, results) if channels else {})


# ---------------------------------------------------------------------------- message themes


def theme_effects(campaigns: pd.DataFrame, n_boot: int = 1000, level: float = 0.95,
                  seed: int = 0) -> pd.DataFrame:
    """How each message theme's campaigns converted, against what their channels predict.

    For each campaign, "expected" conversions = its impressions x its channel's pooled
    conversions per impression (over all themes). A theme's ``ratio`` = its campaigns'
    conversions / their expected conversions (indirect standardisation: 1.2 means 20% more
    conversions than the channels' averages predict for those impressions). ``low``/``high`` is
    a bootstrap interval (campaigns resampled with replacement; channel rates recomputed each
    time). Columns: campaigns, conversions, expected, ratio, low, high; one row per theme that
    has a campaign.
    """
    _need(campaigns, ["channel", "message_theme", "impressions", "conversions"], "campaigns")
    ch = pd.Categorical(campaigns["channel"].astype(str))
    th = pd.Categorical(campaigns["message_theme"].astype(str))
    conv = campaigns["conversions"].to_numpy(float)
    imp = campaigns["impressions"].to_numpy(float)
    n, n_ch, n_th = len(campaigns), len(ch.categories), len(th.categories)
    one_ch = np.eye(n_ch)[ch.codes] if n else np.zeros((0, n_ch))
    one_th = np.eye(n_th)[th.codes] if n else np.zeros((0, n_th))

    def ratios(weights: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = (weights @ (one_ch * conv[:, None])) / (weights @ (one_ch * imp[:, None]))
            rate = np.nan_to_num(rate)  # a channel left out of a resample weighs nothing in it
            expected = (weights * imp * rate[:, ch.codes]) @ one_th
            return (weights @ (one_th * conv[:, None])) / expected

    observed = conv @ one_th
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = (conv @ one_ch) / (imp @ one_ch)
    expected = (imp * rate[ch.codes]) @ one_th
    out = pd.DataFrame({"campaigns": one_th.sum(axis=0).astype(int),
                        "conversions": observed.round().astype("int64"),
                        "expected": expected}, index=pd.Index(list(th.categories), name="theme"))
    out["ratio"] = _ratio(out["conversions"], out["expected"])
    if n >= 2 and n_boot > 0:
        weights = np.random.default_rng(seed).multinomial(n, np.full(n, 1 / n), size=n_boot)
        boot = ratios(weights.astype(float))
        tail = (1 - level) / 2 * 100
        with np.errstate(invalid="ignore"):
            out["low"], out["high"] = np.nanpercentile(boot, [tail, 100 - tail], axis=0)
    else:
        out["low"] = out["high"] = np.nan
    return out


# ---------------------------------------------------------------------------- a new brief


def _cell_mask(results: pd.DataFrame, age: str, income: str, region: str) -> pd.Series:
    mask = (results["age_band"].astype(str) == age) & (results["income_band"].astype(str) == income)
    if region != ALL_REGIONS:
        mask &= results["region"].astype(str) == region
    return mask


def _poisson_interval(count: float) -> tuple[float, float]:
    """An approximate 95% interval for a Poisson count (square-root scale: (sqrt(x) +- 0.98)^2)."""
    root = np.sqrt(max(count, 0.0))
    return float(max(root - 0.98, 0.0) ** 2 if count > 0 else 0.0), float((root + 0.98) ** 2)


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
        return _div(self.cell_conversions * 1000, self.cell_impressions)

    @property
    def other_per_1000(self) -> float:
        """Conversions per 1,000 impressions outside the cell (NaN if none)."""
        return _div(self.other_conversions * 1000, self.other_impressions)

    def interval_per_1000(self, cell: bool = True) -> tuple[float, float]:
        """An approximate 95% interval for the cell's (or everyone else's) rate, from the number
        of conversions it rests on (NaN, NaN when nothing was shown)."""
        count, imp = ((self.cell_conversions, self.cell_impressions) if cell
                      else (self.other_conversions, self.other_impressions))
        if not imp:
            return float("nan"), float("nan")
        low, high = _poisson_interval(count)
        return low / imp * 1000, high / imp * 1000

    @property
    def ratio(self) -> float:
        """How many times more often the cell converted than everyone else (NaN if unknown)."""
        return _div(self.cell_per_1000, self.other_per_1000) if self.other_conversions else float("nan")

    def ratio_interval(self) -> tuple[float, float]:
        """An approximate 95% interval for :attr:`ratio` from the two conversion counts
        (log scale, +-1.96 * sqrt(1/a + 1/b)); NaNs when either count is 0. It treats every
        impression as independent, so it is narrower than the campaign-to-campaign variation."""
        a, b = self.cell_conversions, self.other_conversions
        if not a or not b or math.isnan(self.ratio):
            return float("nan"), float("nan")
        half = 1.96 * math.sqrt(1 / a + 1 / b)
        return self.ratio * math.exp(-half), self.ratio * math.exp(half)


def segment_response(results: pd.DataFrame, age: str, income: str, region: str = ALL_REGIONS,
                     campaign_ids: Iterable[str] | None = None) -> SegmentResponse:
    """Conversions per 1,000 impressions of the cell (age band, income band, region or "all")
    against everyone else, pooled over ``campaign_ids`` (all campaigns by default).

    An empty history (no such campaigns, or the cell never saw an impression) gives a response
    whose ``empty`` is True and whose rates are NaN; it never raises.
    """
    r = _select(results, campaign_ids)
    mask = _cell_mask(r, age, income, region)
    return SegmentResponse(
        campaigns=int(r["campaign_id"].nunique()),
        cell_impressions=int(r.loc[mask, "impressions"].sum()),
        cell_conversions=int(r.loc[mask, "conversions"].sum()),
        other_impressions=int(r.loc[~mask, "impressions"].sum()),
        other_conversions=int(r.loc[~mask, "conversions"].sum()),
    )


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


@dataclass(frozen=True)
class ThemeEffect:
    """A theme's conversions against its channels' averages, with the campaigns behind it."""

    theme: str
    campaigns: int
    ratio: float  # 1 = converted as its channels' averages predict (also when unknown)
    low: float
    high: float

    @property
    def known(self) -> bool:
        return self.campaigns > 0 and not np.isnan(self.ratio)


@dataclass(frozen=True)
class BriefOutcome:
    """A brief's predicted reach, where its impressions land and who would act."""

    reach: ReachEstimate
    response: SegmentResponse
    targeting: ChannelTargeting | None
    theme: ThemeEffect
    population_share: float  # the target's share of adults
    on_target_share: float  # predicted share of impressions on the target
    target_impressions: float
    other_impressions: float
    target_conversions: float
    other_conversions: float
    history_note: str
    audience_share: float = float("nan")  # the share of the channel's untargeted audience in
    # the target's age x income cells (all regions); NaN when the channel has no history

    @property
    def delivery_index(self) -> float:
        """Predicted on-target share / the target's population share (1 = chance)."""
        return _div(self.on_target_share, self.population_share)

    @property
    def outside_share(self) -> float:
        """Expected share (fraction) of conversions from people outside the target (NaN if none)."""
        total = self.target_conversions + self.other_conversions
        return self.other_conversions / total if total > 0 else float("nan")

    @property
    def conversions(self) -> float:
        return self.target_conversions + self.other_conversions

    @property
    def conversions_range(self) -> tuple[float, float]:
        """Expected conversions at the low and high ends of the theme's interval."""
        t = self.theme
        if not t.known or np.isnan(t.low) or np.isnan(t.high):
            return self.conversions, self.conversions
        base = self.conversions / t.ratio
        return base * t.low, base * t.high


class BriefHistory:
    """Everything a brief's prediction needs from the campaign history, computed once: the
    delivery model, the themes' effects, the population, and each channel's slice of results.

    >>> history = BriefHistory(load("campaigns"), load("campaign_results"))
    >>> history.outcome(age="25-34", income="high", region="all", channel="tv",
    ...                 theme="price_promo", budget=500_000)
    """

    def __init__(self, campaigns: pd.DataFrame, results: pd.DataFrame) -> None:
        self.campaigns, self.results = campaigns, results
        self.delivery = delivery_model(campaigns, results)
        self.themes = theme_effects(campaigns)
        self.shares = population_shares(results)
        self._channels: dict[str, tuple[int, pd.DataFrame, pd.DataFrame]] = {}

    def channel_history(self, channel: str) -> tuple[int, pd.DataFrame, pd.DataFrame]:
        """(number of campaigns, the channel's campaigns, its results summed per audience cell),
        computed once per channel, so a new brief costs the same however long the history."""
        if channel not in self._channels:
            c = self.campaigns
            on = c[c["channel"].astype(str) == channel]
            ids = on["campaign_id"].astype(str).unique()
            r = self.results[self.results["campaign_id"].astype(str).isin(ids)]
            cells = r.groupby([r[col].astype(str) for col in CELL], sort=False)[
                ["impressions", "conversions"]].sum().reset_index()
            self._channels[channel] = (len(ids), on, cells)
        return self._channels[channel]

    def theme_effect(self, theme: str) -> ThemeEffect:
        t = self.themes
        if theme in t.index and t.loc[theme, "campaigns"] > 0:
            row = t.loc[theme]
            return ThemeEffect(theme, int(row["campaigns"]), float(row["ratio"]), float(row["low"]),
                               float(row["high"]))
        return ThemeEffect(theme, 0, 1.0, float("nan"), float("nan"))

    def outcome(self, *, age: str, income: str, region: str, channel: str, theme: str,
                budget: float) -> BriefOutcome:
        """Predict a brief (see :func:`brief_outcome`)."""
        n, on_channel, cells = self.channel_history(channel)
        estimate = reach_for_budget(channel, budget, on_channel if n else self.campaigns)
        note = f"{n} past campaign{'s' if n != 1 else ''} on this channel"
        known = channel in self.delivery.channels
        demo = (self.delivery.audience_share(channel, age, income) if known
                else target_population_share(self.shares, age, income))
        pop = target_population_share(self.shares, age, income, region)
        region_share = region_population_share(self.shares, region) if region != ALL_REGIONS else None
        share_in = self.delivery.on_target(channel, demo, region_share) if known else pop
        effect = self.theme_effect(theme)
        multiplier = effect.ratio if effect.known else 1.0
        mask = _cell_mask(cells, age, income, region)
        response = SegmentResponse(
            campaigns=n,
            cell_impressions=int(cells.loc[mask, "impressions"].sum()),
            cell_conversions=int(cells.loc[mask, "conversions"].sum()),
            other_impressions=int(cells.loc[~mask, "impressions"].sum()),
            other_conversions=int(cells.loc[~mask, "conversions"].sum()),
        )
        t_imp = estimate.impressions * share_in
        o_imp = estimate.impressions - t_imp
        t_rate = 0.0 if response.empty else response.cell_per_1000
        o_rate = response.other_per_1000
        o_rate = 0.0 if np.isnan(o_rate) else o_rate
        return BriefOutcome(estimate, response, self.delivery.channels.get(channel), effect, pop,
                            share_in, t_imp, o_imp, t_imp * t_rate / 1000 * multiplier,
                            o_imp * o_rate / 1000 * multiplier, note,
                            demo if known else float("nan"))


def brief_outcome(campaigns: pd.DataFrame, results: pd.DataFrame, *, age: str, income: str,
                  region: str, channel: str, theme: str, budget: float) -> BriefOutcome:
    """Predict a brief from the history.

    * Impressions follow :func:`reach_for_budget` (the channel's price and frequency).
    * The share that lands on the target follows :class:`DeliveryModel`: it depends on the
      target's share of adults (``population_share``) and on how far the channel's past buys
      tilted delivery towards their targets.
    * Each group converts at the rate the channel's history shows for the target's cells and
      for everyone else (:func:`segment_response`), times the theme's ratio from
      :func:`theme_effects` (1 when the history has no campaign with the theme).

    When the target's cells never saw an impression in the channel's history, their rate is
    unknown and their expected conversions are 0 (``response.empty`` says so). A view that
    predicts many briefs builds one :class:`BriefHistory` instead.
    """
    return BriefHistory(campaigns, results).outcome(age=age, income=income, region=region,
                                                    channel=channel, theme=theme, budget=budget)
