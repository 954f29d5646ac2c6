"""Lesson 01: the campaign models, the figures, the brief builder and every exercise question.

Expected values are computed here by hand or directly with pandas, not with the functions under
test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.helpers import walk as _walk
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures.campaigns import (
    RANDOM_NAME,
    brief_figure,
    fill_brief_figure,
    reach_conversions_figure,
    targeting_figure,
)
from widgets.models import campaigns as m
from widgets.questions import lesson01 as L
from widgets.views.figure import FigureView


@pytest.fixture(scope="module")
def campaigns() -> pd.DataFrame:
    return load("campaigns")


@pytest.fixture(scope="module")
def results() -> pd.DataFrame:
    return load("campaign_results")


@pytest.fixture(scope="module")
def indexed(campaigns) -> pd.DataFrame:
    return campaigns.set_index("campaign_id")


def metrics_toy() -> pd.DataFrame:
    """Two campaigns small enough to compute by hand (B converted nobody)."""
    return pd.DataFrame({
        "campaign_id": ["A", "B"], "name": ["A tv", "B search"], "channel": ["tv", "search"],
        "year": [2020, 2021], "spend_usd": [1000.0, 500.0], "impressions": [200_000, 10_000],
        "reach": [50_000, 8_000], "frequency": [4.0, 1.25], "clicks": [20, 300],
        "conversions": [10, 0], "recall_pct": [20.0, 5.0],
    })


def toy() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two briefs over four audience cells (25-34 and 65+, high income, north and south).

    Population: 25-34 cells 0.2 each, 65+ cells 0.3 each. A (TV) targets 25-34/high/all
    (population 0.4) and put 120,000 of 200,000 impressions on it: odds ratio (0.6/0.4)/(0.4/0.6)
    = 2.25. B (search) targets 25-34/high/north (population 0.2): 7,000 of 10,000 impressions on
    the 25-34 band (odds ratio (0.7/0.3)/(0.4/0.6) = 3.5) and 8,000 in the north (odds ratio
    (0.8/0.2)/(0.5/0.5) = 4); 6,000 on target.
    """
    c = pd.DataFrame({
        "campaign_id": ["A", "B"], "name": ["A tv", "B search"], "channel": ["tv", "search"],
        "year": [2020, 2021], "target_age_band": ["25-34", "25-34"],
        "target_income_band": ["high", "high"], "target_region": ["all", "north"],
        "message_theme": ["price_promo", "convenience"], "spend_usd": [1000.0, 500.0],
        "impressions": [200_000, 10_000], "reach": [50_000, 8_000], "frequency": [4.0, 1.25],
        "clicks": [20, 300], "conversions": [16, 50], "recall_pct": [20.0, 5.0],
    })
    r = pd.DataFrame({
        "campaign_id": ["A"] * 4 + ["B"] * 4,
        "age_band": ["25-34", "25-34", "65+", "65+"] * 2,
        "income_band": ["high"] * 8,
        "region": ["north", "south"] * 4,
        "in_target": [True, True, False, False, True, False, False, False],
        "population_share": [0.2, 0.2, 0.3, 0.3] * 2,
        "impressions": [60_000, 60_000, 40_000, 40_000, 6_000, 1_000, 2_000, 1_000],
        "clicks": [6, 6, 4, 4, 180, 30, 60, 30],
        "conversions": [6, 6, 2, 2, 30, 5, 10, 5],
    })
    return c, r


# ----------------------------------------------------------------------------- metrics


def test_metrics_by_hand():
    c = metrics_toy()
    assert m.cpm(c).to_dict() == pytest.approx({"A": 5.0, "B": 50.0})
    assert m.ctr(c).to_dict() == pytest.approx({"A": 0.0001, "B": 0.03})
    cost = m.cost_per_conversion(c)
    assert cost["A"] == pytest.approx(100.0)
    assert math.isnan(cost["B"])  # no conversions: undefined, not inf and not an error
    assert list(m.cpm(c).index) == ["A", "B"] and m.cpm(c).index.name == "campaign_id"


def test_metrics_on_the_data_match_pandas(campaigns, indexed):
    got = m.campaign_metrics(campaigns)
    np.testing.assert_allclose(got["cpm_usd"], indexed["spend_usd"] / indexed["impressions"] * 1000)
    np.testing.assert_allclose(got["ctr_pct"], indexed["clicks"] / indexed["impressions"] * 100)
    np.testing.assert_allclose(got["cost_per_conversion_usd"], indexed["spend_usd"] / indexed["conversions"])


def test_zero_impressions_give_nan_cpm_not_an_error():
    c = metrics_toy()
    c.loc[0, "impressions"] = 0
    assert math.isnan(m.cpm(c)["A"])


def test_channel_summary_pools_campaigns(campaigns):
    s = m.channel_summary(campaigns)
    tv = campaigns[campaigns["channel"] == "tv"]
    assert s.loc["tv", "campaigns"] == len(tv)
    assert s.loc["tv", "cpm_usd"] == pytest.approx(tv["spend_usd"].sum() / tv["impressions"].sum() * 1000)
    assert s.loc["tv", "conversions"] == tv["conversions"].sum()
    assert s["reach_per_campaign"].is_monotonic_decreasing
    assert s.loc["tv", "spend_per_campaign_usd"] == pytest.approx(tv["spend_usd"].mean())
    assert s.loc["tv", "reach_per_1000_usd"] == pytest.approx(
        tv["reach"].sum() / tv["spend_usd"].sum() * 1000)
    # per campaign TV reaches about as many people as display; per dollar it reaches the fewest
    assert s["reach_per_1000_usd"].idxmin() == "tv" and s["reach_per_1000_usd"].idxmax() == "display"


# ----------------------------------------------------------------------------- rank correlation


def test_rank_correlation_by_hand_and_single_campaign():
    c = pd.DataFrame({"reach": [1, 2, 3, 4], "conversions": [40, 30, 20, 10]})
    assert m.rank_correlation(c) == pytest.approx(-1.0)
    assert math.isnan(m.rank_correlation(c.iloc[:1]))


def test_rank_correlation_matches_scipy_spearman_with_ties():
    from scipy.stats import spearmanr

    frame = pd.DataFrame({"reach": [5, 1, 3, 3, 9, 2, 2], "conversions": [10, 4, 4, 8, 1, 0, 7]})
    expected = spearmanr(frame["reach"], frame["conversions"]).statistic
    assert m.rank_correlation(frame) == pytest.approx(expected, abs=1e-12)


def test_rank_correlation_by_group_and_too_small_groups():
    c = pd.DataFrame({"channel": ["a"] * 3 + ["b"] * 3 + ["c"] * 2,
                      "reach": [1, 2, 3, 1, 2, 3, 1, 2], "conversions": [1, 2, 3, 3, 2, 1, 5, 6]})
    got = m.rank_correlation_by(c)
    assert got.loc["a", "rho"] == pytest.approx(1.0) and got.loc["b", "rho"] == pytest.approx(-1.0)
    assert math.isnan(got.loc["c", "rho"]) and got.loc["c", "campaigns"] == 2


def test_rank_correlation_test_by_hand():
    """Three campaigns in the same order: rho 1; of the 6 orders of the shuffled column, only
    one gives rho 1, so about a sixth of the shuffles are as large."""
    c = pd.DataFrame({"channel": ["a"] * 3 + ["b"] * 3 + ["c"] * 2,
                      "reach": [1, 2, 3, 1, 2, 3, 1, 2], "conversions": [1, 2, 3, 3, 2, 1, 5, 6]})
    pooled = m.rank_correlation_test(c.iloc[:3], n_perm=6000, seed=1)
    assert pooled.rho == pytest.approx(1.0) and pooled.campaigns == 3 and pooled.groups == 1
    assert pooled.as_large / pooled.shuffles == pytest.approx(1 / 6, abs=0.02)
    assert pooled.p == pytest.approx((pooled.as_large + 1) / 6001)
    inside = m.rank_correlation_test(c, by="channel", n_perm=500, seed=1)
    assert inside.rho == pytest.approx(0.0)  # (3 x 1 + 3 x -1) / 6; c has too few campaigns
    assert inside.campaigns == 6 and inside.groups == 2
    assert inside == m.rank_correlation_test(c, by="channel", n_perm=500, seed=1)  # deterministic
    assert math.isnan(m.rank_correlation_test(c.iloc[6:]).rho)
    with pytest.raises(ValueError, match="no column 'nope'"):
        m.rank_correlation_test(c, by="nope")


def test_rank_correlation_test_on_the_data(campaigns):
    """Pooled, reach and conversions rank together only weakly (a shuffle matches it now and
    then); inside the channels strongly (no shuffle within the channels does)."""
    pooled = m.rank_correlation_test(campaigns)
    inside = m.rank_correlation_test(campaigns, by="channel")
    assert pooled.rho == pytest.approx(m.rank_correlation(campaigns))
    by = m.rank_correlation_by(campaigns).dropna()
    assert inside.rho == pytest.approx((by["rho"] * by["campaigns"]).sum() / by["campaigns"].sum())
    assert 0.01 < pooled.p < 0.1 and inside.p < 0.005


def test_simpson_on_the_data_pooled_weaker_than_within_channels(campaigns):
    overall = campaigns["reach"].rank().corr(campaigns["conversions"].rank())
    within = m.rank_correlation_by(campaigns)["rho"]
    assert m.rank_correlation(campaigns) == pytest.approx(overall)
    assert within.median() > overall + 0.2


def test_a_missing_column_is_named_in_plain_words():
    with pytest.raises(ValueError, match="no column 'recah'"):
        m.rank_correlation(metrics_toy(), "recah", "conversions")


def test_top_campaign():
    c = metrics_toy()
    assert m.top_campaign(c, "reach") == "A" and m.top_campaign(c, "clicks") == "B"
    with pytest.raises(ValueError):
        m.top_campaign(c.iloc[:0], "reach")


# ----------------------------------------------------------------------------- who acted


def test_outside_share_and_on_target_share_by_hand():
    _, r = toy()
    assert m.outside_target_share(r) == pytest.approx(24 / 66)
    assert m.outside_target_share(r, ["B"]) == pytest.approx(20 / 50)
    assert m.in_target_impression_share(r) == pytest.approx(126_000 / 210_000)
    assert math.isnan(m.outside_target_share(r.assign(conversions=0)))
    by = m.outside_target_share_by_campaign(r)
    assert by["A"] == pytest.approx(4 / 16) and by["B"] == pytest.approx(20 / 50)


def test_response_indices_by_hand():
    _, r = toy()
    lift = m.target_lift_by_campaign(r)
    assert lift["A"] == pytest.approx((12 / 120_000) / (4 / 80_000))
    assert lift["B"] == pytest.approx(1.0)
    assert m.response_index(r) == pytest.approx((42 / 126_000) / (24 / 84_000))
    # Mantel-Haenszel: sum(a*T0/T) / sum(b*T1/T) = (12*0.4 + 30*0.4) / (4*0.6 + 20*0.6)
    assert m.response_index_within_campaigns(r) == pytest.approx(16.8 / 14.4)


def test_response_index_interval_is_deterministic_and_brackets_the_estimate(results):
    point = m.response_index_within_campaigns(results)
    low, high = m.response_index_interval(results, n_boot=400, seed=3)
    assert low < point < high
    assert (low, high) == m.response_index_interval(results, n_boot=400, seed=3)
    _, r = toy()
    assert all(math.isnan(x) for x in m.response_index_interval(r[r["campaign_id"] == "A"]))


def test_mantel_haenszel_is_immune_to_channel_mix(campaigns, results):
    """Simpson on the data: pooled, the response index is above every channel's own one."""
    by_channel = m.targeting_table(campaigns, results)["response_index"]
    pooled = m.response_index(results)
    within = m.response_index_within_campaigns(results)
    assert pooled > by_channel.max()
    assert by_channel.min() - 0.1 < within < by_channel.max() + 0.1


# ----------------------------------------------------------------------------- delivery


def test_on_target_share_formula():
    assert m.on_target_share(0.2, 1.0) == pytest.approx(0.2)  # chance
    assert m.on_target_share(0.4, 2.25) == pytest.approx(0.6)
    assert m.on_target_share(1.0, 3.0) == pytest.approx(1.0)
    assert m.on_target_share(0.0, 3.0) == 0.0
    shares = m.on_target_share(np.array([0.01, 0.1, 0.5]), 2.0)
    assert np.all(np.diff(shares) > 0) and np.all(shares < 2 * np.array([0.01, 0.1, 0.5]))


def test_population_shares_by_hand():
    _, r = toy()
    shares = m.population_shares(r)
    assert len(shares) == 4 and shares.sum() == pytest.approx(1.0)
    assert m.target_population_share(shares, "25-34", "high") == pytest.approx(0.4)
    assert m.target_population_share(shares, "25-34", "high", "north") == pytest.approx(0.2)
    assert m.region_population_share(shares, "north") == pytest.approx(0.5)
    assert m.region_population_share(shares, m.ALL_REGIONS) == 1.0
    with pytest.raises(ValueError, match="population_share"):
        m.population_shares(r.drop(columns="population_share"))


def test_campaign_targeting_by_hand():
    c, r = toy()
    t = m.campaign_targeting(c, r)
    assert t.loc["A", "on_target_share"] == pytest.approx(0.6)
    assert t.loc["A", "population_share"] == pytest.approx(0.4)
    assert t.loc["A", "delivery_index"] == pytest.approx(1.5)
    assert t.loc["A", "demo_odds"] == pytest.approx(2.25) and math.isnan(t.loc["A", "geo_odds"])
    assert t.loc["B", "demo_odds"] == pytest.approx(3.5) and t.loc["B", "geo_odds"] == pytest.approx(4.0)
    assert t.loc["B", "population_share"] == pytest.approx(0.2)
    assert bool(t.loc["B", "regional"]) and not bool(t.loc["A", "regional"])


def test_targeting_table_pooled_and_by_channel_by_hand():
    c, r = toy()
    pooled = m.targeting_table(c, r, by=None).loc["all"]
    assert pooled["on_target_share"] == pytest.approx(126_000 / 210_000)
    # chance: 200,000 x 0.4 + 10,000 x 0.2 impressions on target, of 210,000
    assert pooled["population_share"] == pytest.approx(82_000 / 210_000)
    assert pooled["outside_share"] == pytest.approx(24 / 66)
    assert pooled["conversions"] == 66 and pooled["campaigns"] == 2
    by = m.targeting_table(c, r)
    assert by.loc["search", "on_target_share"] == pytest.approx(0.6)
    assert by.loc["tv", "response_index"] == pytest.approx(2.0)


def skewed() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One display channel, two cells (25-34/high and 65+/high, one region; population 0.4 and
    0.6). A targets the young cell, B the old one."""
    c = pd.DataFrame({
        "campaign_id": ["A", "B"], "name": ["A", "B"], "channel": ["display", "display"],
        "year": [2020, 2021], "target_age_band": ["25-34", "65+"],
        "target_income_band": ["high", "high"], "target_region": ["all", "all"],
        "message_theme": ["price_promo"] * 2, "spend_usd": [100.0, 100.0],
        "impressions": [1000, 1000], "reach": [500, 500], "frequency": [2.0, 2.0],
        "clicks": [1, 1], "conversions": [1, 1], "recall_pct": [3.0, 3.0],
    })
    r = pd.DataFrame({
        "campaign_id": ["A", "A", "B", "B"], "age_band": ["25-34", "65+"] * 2,
        "income_band": ["high"] * 4, "region": ["north"] * 4,
        "in_target": [True, False, False, True], "population_share": [0.4, 0.6] * 2,
        # A: 800 on its target, 200 on the old cell; B: 600 on the young cell, 400 on its target
        "impressions": [800, 200, 600, 400], "clicks": [0] * 4, "conversions": [1, 0, 1, 0],
    })
    return c, r


def test_channel_audience_by_hand():
    """With two cells, each campaign's impressions outside its brief all fall on the one other
    cell, exactly as the population predicts (A: 200 on 65+, expected 200 x 0.6 / 0.6; B: 600 on
    25-34, expected 600 x 0.4 / 0.4): nothing to learn about a lean, so the audience is the
    population. With a third cell the lean shows (next test)."""
    c, r = skewed()
    audience = m.channel_audiences(c, r)["display"]
    assert audience[("25-34", "high")] == pytest.approx(0.4)
    assert audience[("65+", "high")] == pytest.approx(0.6)


def test_channel_audience_leans_where_the_untargeted_impressions_lean():
    """Three cells (25-34, 45-54, 65+; population 0.3, 0.3, 0.4). A aims at 45-54 and puts
    its other 600 impressions 400 / 200 on 25-34 / 65+, where the population gives 257 / 343:
    the channel leans young. B aims at 25-34 and puts 300 / 100 on 45-54 / 65+ (population:
    171 / 229). Index: 25-34 = 400/257.1, 45-54 = 300/171.4, 65+ = 300/571.4."""
    cells = ["25-34", "45-54", "65+"]
    c = pd.DataFrame({
        "campaign_id": ["A", "B"], "channel": ["display"] * 2, "target_age_band": ["45-54", "25-34"],
        "target_income_band": ["high"] * 2, "target_region": ["all"] * 2})
    r = pd.DataFrame({
        "campaign_id": ["A"] * 3 + ["B"] * 3, "age_band": cells * 2, "income_band": ["high"] * 6,
        "region": ["north"] * 6, "in_target": [False, True, False, True, False, False],
        "population_share": [0.3, 0.3, 0.4] * 2, "impressions": [400, 400, 200, 600, 300, 100],
        "conversions": [1] * 6,
    })
    audience = m.channel_audiences(c, r)["display"]
    index = np.array([400 / (600 * 0.3 / 0.7), 300 / (400 * 0.3 / 0.7),
                      300 / (600 * 0.4 / 0.7 + 400 * 0.4 / 0.7)])
    weight = np.array([0.3, 0.3, 0.4]) * index
    np.testing.assert_allclose(audience.to_numpy(), weight / weight.sum())
    assert audience[("25-34", "high")] > 0.3 and audience[("65+", "high")] < 0.4
    # the tilt is measured against the audience: A put 400 of 1000 on a cell whose audience
    # share is above its population share, so its odds ratio is below the census-based one
    t = m.campaign_targeting(c, r)
    base = audience[("45-54", "high")]
    assert t.loc["A", "audience_share"] == pytest.approx(base)
    assert t.loc["A", "demo_odds"] == pytest.approx((0.4 / 0.6) / (base / (1 - base)))
    model = m.delivery_model(c, r)
    assert model.audience_share("display", ["25-34", "45-54"]) == pytest.approx(
        audience.iloc[:2].sum())
    with pytest.raises(ValueError, match="no tv campaign"):
        model.audience_share("tv")


def test_delivery_depends_on_the_targets_size_and_the_channel():
    c, r = toy()
    model = m.delivery_model(c, r)
    assert model.channels["tv"].odds == pytest.approx(2.25)
    assert model.channels["search"].odds == pytest.approx(3.5)
    assert model.geo_odds == pytest.approx(4.0) and model.geo_campaigns == 1
    assert model.on_target("tv", 0.4) == pytest.approx(0.6)  # recovers A's own delivery
    narrow = model.on_target("tv", 0.1)
    assert narrow < model.on_target("tv", 0.4) and narrow == pytest.approx(0.225 / 1.125)
    assert model.on_target("search", 0.1) > narrow  # a more precise channel
    assert model.on_target("tv", 0.4, 0.5) == pytest.approx(0.6 * 0.8)  # region: x odds 4
    with pytest.raises(ValueError, match="no radio campaign"):
        model.on_target("radio", 0.4)


def test_delivery_model_recovers_the_generator_on_the_data(campaigns, results):
    """Built in (TARGETING_ODDS, GEO_TARGETING_ODDS, CHANNEL_AGE_SKEW): measured against each
    channel's own audience, every channel's median tilt falls inside the range its campaigns
    were drawn from; display tilts most, outdoor least; geo about 30; TV's and print's audiences
    lean older than the population, display's and search's younger."""
    from datasets.generate import CHANNEL_AGE_SKEW, TARGETING_ODDS

    model = m.delivery_model(campaigns, results)
    odds = {k: v.odds for k, v in model.channels.items()}
    assert max(odds, key=odds.get) == "display" and min(odds, key=odds.get) == "outdoor"
    for channel, (low, high) in TARGETING_ODDS.items():
        assert low - 0.05 <= odds[channel] <= high + 0.05, channel
    pop_old = m.population_shares(results).groupby(level="age_band").sum()["65+"]
    for channel, skew in CHANNEL_AGE_SKEW.items():
        old = model.audience_share(channel, "65+")
        if skew:
            assert (old > pop_old) == (skew > 0), channel
    assert 25 < model.geo_odds < 35
    assert model.geo_campaigns == int((campaigns["target_region"] != "all").sum())


# ----------------------------------------------------------------------------- themes


def test_theme_effects_by_hand():
    c = pd.DataFrame({"channel": ["tv", "tv", "search", "search"],
                      "message_theme": ["price_promo", "quality_origin"] * 2,
                      "impressions": [1000, 1000, 100, 100], "conversions": [20, 10, 30, 10]})
    t = m.theme_effects(c, n_boot=200, seed=1)
    # channel rates: tv 30/2000, search 40/200; expected: 15 + 20 for each theme
    assert t.loc["price_promo", "expected"] == pytest.approx(35.0)
    assert t.loc["price_promo", "ratio"] == pytest.approx(50 / 35)
    assert t.loc["quality_origin", "ratio"] == pytest.approx(20 / 35)
    assert (t["campaigns"] == 2).all()
    assert t.equals(m.theme_effects(c, n_boot=200, seed=1))


def test_theme_effects_on_the_data(campaigns):
    """Built in (THEME_LIFT): price promotion is the one theme whose interval excludes 1."""
    t = m.theme_effects(campaigns)
    assert t["campaigns"].sum() == len(campaigns)
    assert (t["low"] <= t["ratio"]).all() and (t["ratio"] <= t["high"] + 1e-9).all()
    assert t.loc["price_promo", "low"] > 1
    assert sum(t["low"] > 1) == 1


def test_segment_response_intervals():
    _, r = toy()
    one = m.segment_response(r, "25-34", "high", "all", ["A"])
    assert one.cell_per_1000 == pytest.approx(0.1) and one.ratio == pytest.approx(2.0)
    low, high = one.interval_per_1000()
    assert low < 0.1 < high
    lo_r, hi_r = one.ratio_interval()
    assert lo_r < 2.0 < hi_r
    empty = m.segment_response(r, "65+", "high", "all", ["nobody"])
    assert empty.empty and all(math.isnan(x) for x in empty.interval_per_1000())
    assert all(math.isnan(x) for x in empty.ratio_interval())


# ----------------------------------------------------------------------------- a new brief


def test_reach_for_budget_by_hand():
    c, _ = toy()
    est = m.reach_for_budget("tv", 2000, c)
    assert est.cpm_usd == pytest.approx(5.0)
    assert est.impressions == pytest.approx(400_000)
    assert est.frequency == pytest.approx(4.0)
    assert est.reach == pytest.approx(100_000)


def test_zero_budget_reaches_nobody():
    c, _ = toy()
    est = m.reach_for_budget("tv", 0, c)
    assert est.impressions == 0 and est.reach == 0 and est.frequency == 0


def test_bad_budget_or_unknown_channel_raise_clearly():
    c, _ = toy()
    with pytest.raises(ValueError, match="0 or more"):
        m.reach_for_budget("tv", -1, c)
    with pytest.raises(ValueError, match="no radio campaign"):
        m.reach_for_budget("radio", 100, c)


def test_brief_outcome_by_hand():
    c, r = toy()
    out = m.brief_outcome(c, r, age="25-34", income="high", region="all", channel="tv",
                          theme="price_promo", budget=1000)
    # 1000 USD at CPM 5 = 200,000 impressions; TV's odds 2.25 on a 0.4 target: 60% on target
    assert out.on_target_share == pytest.approx(0.6) and out.population_share == pytest.approx(0.4)
    assert out.delivery_index == pytest.approx(1.5)
    assert out.target_impressions == pytest.approx(120_000)
    # the theme's ratio is 1 (one campaign per channel: observed = expected)
    assert out.theme.ratio == pytest.approx(1.0) and out.theme.campaigns == 1
    assert out.target_conversions == pytest.approx(120_000 * 12 / 120_000)
    assert out.other_conversions == pytest.approx(80_000 * 4 / 80_000)
    assert out.outside_share == pytest.approx(0.25)
    assert "1 past campaign on" in out.history_note


def test_a_narrower_target_gets_a_smaller_share_of_the_impressions():
    c, r = toy()
    kw = dict(income="high", channel="tv", theme="price_promo", budget=1000)
    wide = m.brief_outcome(c, r, age="25-34", region="all", **kw)
    regional = m.brief_outcome(c, r, age="25-34", region="north", **kw)
    assert regional.population_share == pytest.approx(0.2)
    assert regional.on_target_share == pytest.approx(0.6 * 0.8)  # geo odds 4 on a half
    assert regional.on_target_share < wide.on_target_share
    assert regional.delivery_index > wide.delivery_index


def test_the_theme_changes_the_prediction_on_the_data(campaigns, results):
    history = m.BriefHistory(campaigns, results)
    kw = dict(age="25-34", income="high", region="all", channel="tv", budget=500_000)
    promo = history.outcome(theme="price_promo", **kw)
    quality = history.outcome(theme="quality_origin", **kw)
    assert promo.conversions > quality.conversions
    assert promo.conversions / quality.conversions == pytest.approx(promo.theme.ratio / quality.theme.ratio)
    low, high = promo.conversions_range
    assert low < promo.conversions < high
    assert promo.on_target_share == quality.on_target_share  # the theme does not move delivery


def test_brief_outcome_zero_budget_empty_cell_and_unknown_theme():
    c, r = toy()
    zero = m.brief_outcome(c, r, age="25-34", income="high", region="all", channel="tv",
                           theme="price_promo", budget=0)
    assert zero.conversions == 0 and math.isnan(zero.outside_share)
    r2 = r[~((r["campaign_id"] == "A") & (r["age_band"] == "65+") & (r["region"] == "south"))]
    empty = m.brief_outcome(c, r2, age="65+", income="high", region="south", channel="tv",
                            theme="price_promo", budget=1000)
    assert empty.response.empty and empty.target_conversions == 0
    unknown = m.brief_outcome(c, r, age="25-34", income="high", region="all", channel="tv",
                              theme="sustainability", budget=1000)
    assert not unknown.theme.known and unknown.conversions == pytest.approx(16)


# ----------------------------------------------------------------------------- figures


def _axis_titles(fig: go.Figure) -> list[str]:
    return [fig.layout[k].title.text for k in fig.layout if k.startswith(("xaxis", "yaxis"))]


@pytest.fixture(scope="module")
def history(campaigns, results) -> m.BriefHistory:
    return m.BriefHistory(campaigns, results)


def test_brief_figure_states_the_finding_with_counts_and_a_baseline(history):
    out = history.outcome(age="25-34", income="high", region="all", channel="tv",
                          theme="price_promo", budget=500_000)
    fig = brief_figure(out)
    assert isinstance(fig, go.Figure) and len(fig.data) == 4
    titles = _axis_titles(fig)
    assert len(titles) == 6 and all(titles)
    assert "impressions (millions)" in titles and "expected conversions (count)" in titles
    title = fig.layout.title.text
    assert f"{round(out.outside_share * 100)}% of conversions from outside" in title
    assert f"{out.population_share:.1%} of adults" in title
    assert fig.data[1].text[0] == f"{out.response.cell_conversions:,} conv."
    assert fig.data[1].error_y.array is not None and fig.data[2].error_y.array is not None
    assert fig.data[3].name == RANDOM_NAME
    assert fig.data[3].y[0] == pytest.approx(out.reach.impressions * out.population_share / 1e6)


def test_fill_brief_figure_matches_a_new_figure(history):
    kw = dict(age="25-34", income="high", channel="search", theme="convenience", budget=300_000)
    first = history.outcome(region="all", **kw)
    second = history.outcome(region="north", **kw)
    fig = brief_figure(first)
    fill_brief_figure(fig, second)
    fresh = brief_figure(second)
    assert fig.to_plotly_json() == fresh.to_plotly_json()


def test_brief_figure_title_for_zero_budget(history):
    out = history.outcome(age="25-34", income="high", region="all", channel="tv",
                          theme="price_promo", budget=0)
    assert "$0" in brief_figure(out).layout.title.text


def test_reach_figure_states_both_answers(campaigns):
    fig = reach_conversions_figure(campaigns)
    assert fig.layout.xaxis.title.text == "people reached (millions)"
    assert "count" in fig.layout.yaxis.title.text
    rho = campaigns["reach"].rank().corr(campaigns["conversions"].rank())
    title = fig.layout.title.text
    assert f"{rho:.2f}" in title and "within one channel, stronger" in title
    assert sum(len(t.x) for t in fig.data) == len(campaigns)
    search = campaigns[campaigns["channel"] == "search"]
    rho_search = search["reach"].rank().corr(search["conversions"].rank())
    assert any(t.name.startswith("search ads: ") and f"{rho_search:.2f}" in t.name for t in fig.data)


def test_targeting_figure_has_the_chance_baseline_and_a_computed_title(campaigns, results):
    pooled = m.targeting_table(campaigns, results, by=None)
    by = m.targeting_table(campaigns, results)
    fig = targeting_figure(pooled, by)
    assert [t.name for t in fig.data][-1] == RANDOM_NAME
    assert len(fig.data[0].y) == len(by) + 1 and fig.data[0].y[0] == "all channels (pooled)"
    low = (by["on_target_share"] * 100).min()
    assert f"{low:.0f}-" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == "share (%)"


# ----------------------------------------------------------------------------- the view


def test_brief_builder_builds_and_reacts():
    from widgets.views.brief_builder import brief_builder

    box = brief_builder()
    assert "course-widget" in box._dom_classes and "course-widget-brief-builder" in box._dom_classes
    parts = list(_walk(box))
    summary = next(x for x in parts if "course-widget-summary" in getattr(x, "_dom_classes", ()))
    figure = next(x for x in parts if isinstance(x, FigureView))
    controls = {x.description: x for x in parts if getattr(x, "description", "") and hasattr(x, "value")
                and not isinstance(x, FigureView) and type(x).__name__ != "HTML"}
    assert set(controls) >= {"Age band", "Income band", "Region", "Message theme", "Channel",
                             "Budget (USD)"}
    assert controls["Budget (USD)"].continuous_update is False
    assert "conversions in" in summary.value and "of adults" in summary.value

    before_text, before_y = summary.value, list(figure.data[0].y)
    controls["Region"].value = "north"
    assert summary.value != before_text and list(figure.data[0].y) != before_y
    assert "the north region" in summary.value

    text = summary.value
    controls["Message theme"].value = "quality_origin"
    assert summary.value != text and "cannot tell it from the channels' average" in summary.value
    assert "of the TV audience is of its age and income" in summary.value

    controls["Channel"].value = "search"
    assert "search ads" in summary.value

    controls["Budget (USD)"].value = 0
    assert "$0" in summary.value and list(figure.data[0].y) == [0, 0]
    assert "$0" in figure.layout.title.text


def test_brief_builder_takes_its_data_as_arguments():
    from widgets.views.brief_builder import brief_builder

    c, r = toy()
    box = brief_builder(c, r)
    summary = next(x for x in _walk(box) if "course-widget-summary" in getattr(x, "_dom_classes", ()))
    assert "1 past campaign on this channel" in summary.value


# ----------------------------------------------------------------------------- the questions


QUESTIONS = (L.q1, L.q2, L.q3, L.q4, L.q5, L.q6)


def test_every_question_is_registered_and_blank_is_not_attempted():
    from widgets.checks import registry

    assert registry()["01"] == [q.qid for q in QUESTIONS]
    for q in QUESTIONS:
        assert q.evaluate(____).status == NOT_ATTEMPTED
        assert 2 <= len(q.hints) <= 3 and 1 <= len(q.mistakes)
    assert L.r1.prompt and "r1" not in registry()["01"]


def _feedback(q, answer) -> str:
    verdict = q.evaluate(answer)
    assert verdict.status == INCORRECT, (answer, verdict)
    return verdict.message


def _distinct(q, wrong_answers) -> None:
    messages = [_feedback(q, a) for a in wrong_answers]
    assert len(set(messages)) == len(messages), messages
    assert all(msg != q.wrong for msg in messages)


@pytest.fixture(scope="module")
def learner(indexed) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The exercise's setup: campaigns indexed by id; results with channel and region joined."""
    results = load("campaign_results").merge(indexed[["channel", "target_region"]],
                                             left_on="campaign_id", right_index=True)
    return indexed, results


def test_q1_on_target_share_of_regional_briefs(learner):
    _, r = learner
    regional, national = r[r["target_region"] != "all"], r[r["target_region"] == "all"]
    right = regional.loc[regional["in_target"], "impressions"].sum() / regional["impressions"].sum() * 100
    assert L.q1.evaluate(float(right)).status == CORRECT
    assert L.q1.evaluate(round(float(right), 1)).status == CORRECT  # one decimal is careful enough
    per = regional.assign(on=np.where(regional["in_target"], regional["impressions"], 0)).groupby(
        "campaign_id")[["on", "impressions"]].sum()
    inside = regional.groupby(regional["campaign_id"])
    chance = sum(g["impressions"].sum() * g.loc[g["in_target"], "population_share"].sum()
                 for _, g in inside) / regional["impressions"].sum() * 100
    _distinct(L.q1, [
        float(right / 100),
        float(national.loc[national["in_target"], "impressions"].sum() / national["impressions"].sum() * 100),
        float(r.loc[r["in_target"], "impressions"].sum() / r["impressions"].sum() * 100),
        float(regional.loc[regional["in_target"], "conversions"].sum() / regional["conversions"].sum() * 100),
        float((per["on"] / per["impressions"]).mean() * 100),
        float(chance),
        float(round(right)),
    ])
    assert L.q1.evaluate(float(right) + 1.5).message == L.q1.wrong


def test_q2_delivery_index_of_one_campaign(learner):
    c, r = learner
    one = r[r["campaign_id"] == L.ONE_CAMPAIGN]
    on = one.loc[one["in_target"], "impressions"].sum() / one["impressions"].sum()
    pop = one.loc[one["in_target"], "population_share"].sum()
    right = on / pop
    assert L.q2.evaluate(float(right)).status == CORRECT
    assert L.q2.evaluate(round(float(right), 2)).status == CORRECT
    brief = c.loc[L.ONE_CAMPAIGN]
    band = one[(one["age_band"] == brief["target_age_band"])
               & (one["income_band"] == brief["target_income_band"])]
    conv_share = one.loc[one["in_target"], "conversions"].sum() / one["conversions"].sum()
    _distinct(L.q2, [
        float(pop / on),
        float(100 * on / pop),
        float(on / band["population_share"].sum()),
        float(conv_share / pop),
        float(on),
    ])
    assert L.q2.evaluate(float(right) * 1.2).message == L.q2.wrong


@pytest.fixture(scope="module")
def ctr_cpa(indexed) -> pd.DataFrame:
    return indexed.assign(ctr=indexed["clicks"] / indexed["impressions"],
                          cpa=indexed["spend_usd"] / indexed["conversions"])


def test_q3_rank_correlation_over_all_campaigns(ctr_cpa):
    from scipy.stats import spearmanr

    right = float(ctr_cpa["ctr"].corr(ctr_cpa["cpa"], method="spearman"))
    assert L.q3.evaluate(right).status == CORRECT
    assert L.q3.evaluate(round(right, 3)).status == CORRECT
    assert L.q3.evaluate(float(spearmanr(ctr_cpa["ctr"], ctr_cpa["cpa"]).statistic)).status == CORRECT
    _distinct(L.q3, [
        float(ctr_cpa["ctr"].corr(ctr_cpa["cpa"])),
        float(ctr_cpa["reach"].corr(ctr_cpa["conversions"], method="spearman")),
        -right,
        spearmanr(ctr_cpa["ctr"], ctr_cpa["cpa"]),
    ])
    assert L.q3.evaluate(0.0).message == L.q3.wrong


def test_q4_rank_correlation_inside_each_channel(ctr_cpa):
    groups = ctr_cpa.groupby("channel", observed=True)
    right = groups.apply(lambda d: d["ctr"].corr(d["cpa"], method="spearman"))
    assert L.q4.evaluate(right).status == CORRECT
    as_dict = {ch: d["ctr"].corr(d["cpa"], method="spearman") for ch, d in groups}
    assert L.q4.evaluate(as_dict).status == CORRECT
    _distinct(L.q4, [
        groups.apply(lambda d: d["ctr"].corr(d["cpa"])),
        groups.apply(lambda d: d["reach"].corr(d["conversions"], method="spearman")),
        float(ctr_cpa["ctr"].corr(ctr_cpa["cpa"], method="spearman")),
    ])
    assert L.q4.evaluate(right * 0 + 0.5).message == L.q4.wrong


@pytest.mark.parametrize("q", [L.q5, L.q6], ids=["q5", "q6"])
def test_interpretation_questions(q):
    assert q.evaluate("b").status == CORRECT and q.evaluate(" B ").status == CORRECT
    _distinct(q, [k for k in q.choices if k != "b"])
    assert "answer with one of" in _feedback(q, "d")
    assert "answer with one of" in _feedback(q, 2)


def test_q5_reading_follows_the_data(ctr_cpa):
    """The right reading is computed: it is 'b' because the within-channel correlations are
    much weaker than the pooled one."""
    overall = ctr_cpa["ctr"].corr(ctr_cpa["cpa"], method="spearman")
    groups = ctr_cpa.groupby("channel", observed=True)
    within = groups.apply(lambda d: d["ctr"].corr(d["cpa"], method="spearman"))
    sizes = groups.size()
    averaged = (within * sizes).sum() / sizes.sum()  # every channel has 3 or more campaigns
    assert abs(averaged) < abs(overall) - 0.2
    assert (within > 0).any() and (within < 0).any()  # "of both signs", as reading b says
    assert L.q5.expected() == "b"


def test_the_exercise_prints_every_reading_the_checks_know():
    """The choices are written into the solution (and so the exercise) from the question module:
    a reading changed in one place and not the other fails here."""
    import json

    from tests.helpers import ROOT

    for folder in ("solutions", "exercises"):
        cells = json.loads((ROOT / folder / "01-advertiser-knows-best.ipynb").read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        for q in (L.q5, L.q6):
            for key, reading in q.choices.items():
                assert f"* **{key}**: {reading}" in text, (folder, q.qid, key)
        assert L.r1.prompt in text


def test_brief_builder_on_an_empty_history_says_so():
    from widgets.views.brief_builder import brief_builder

    c, r = toy()
    box = brief_builder(c.iloc[:0], r.iloc[:0])
    summary = next(x for x in _walk(box) if "course-widget-summary" in getattr(x, "_dom_classes", ()))
    assert "history is empty" in summary.value


def test_empty_selections_give_empty_tables_or_nan_never_an_error():
    c, r = toy()
    assert m.targeting_table(c.iloc[:0], r.iloc[:0]).empty
    assert m.theme_effects(c.iloc[:0]).empty and m.rank_correlation_by(c.iloc[:0]).empty
    assert math.isnan(m.response_index_within_campaigns(r.iloc[:0]))
    assert m.delivery_model(c.iloc[:0], r).channels == {}
    fig = targeting_figure(m.targeting_table(c.iloc[:0], r.iloc[:0], None),
                           m.targeting_table(c.iloc[:0], r.iloc[:0]))
    assert fig.layout.title.text == "No campaigns with impressions to compare"
    with pytest.raises(ValueError, match="no column 'nope'"):
        m.targeting_table(c, r, by="nope")
