"""Lesson 01: the campaign models, the brief-builder figure and view, and every exercise question.

Expected values are computed here directly with pandas, not with the model functions under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures.campaigns import brief_figure, reach_conversions_figure
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


def toy() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two campaigns small enough to compute by hand."""
    c = pd.DataFrame({
        "campaign_id": ["A", "B"], "name": ["A tv", "B search"], "channel": ["tv", "search"],
        "message_theme": ["price_promo", "convenience"],
        "spend_usd": [1000.0, 500.0], "impressions": [200_000, 10_000], "reach": [50_000, 8_000],
        "frequency": [4.0, 1.25], "clicks": [20, 300], "conversions": [10, 0],
        "recall_pct": [20.0, 5.0],
    })
    r = pd.DataFrame({
        "campaign_id": ["A", "A", "A", "B", "B"],
        "age_band": ["25-34", "25-34", "65+", "25-34", "65+"],
        "income_band": ["high", "high", "low", "high", "low"],
        "region": ["north", "south", "north", "north", "north"],
        "in_target": [True, False, False, True, False],
        "impressions": [50_000, 50_000, 100_000, 6_000, 4_000],
        "clicks": [5, 5, 10, 200, 100],
        "conversions": [4, 2, 4, 0, 0],
    })
    return c, r


# ----------------------------------------------------------------------------- models


def test_metrics_by_hand():
    c, _ = toy()
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
    c, _ = toy()
    c.loc[0, "impressions"] = 0
    assert math.isnan(m.cpm(c)["A"])


def test_channel_summary_pools_campaigns(campaigns):
    s = m.channel_summary(campaigns)
    tv = campaigns[campaigns["channel"] == "tv"]
    assert s.loc["tv", "campaigns"] == len(tv)
    assert s.loc["tv", "cpm_usd"] == pytest.approx(tv["spend_usd"].sum() / tv["impressions"].sum() * 1000)
    assert s["reach_per_campaign"].is_monotonic_decreasing


def test_rank_correlation_by_hand_and_single_campaign():
    c = pd.DataFrame({"reach": [1, 2, 3, 4], "conversions": [40, 30, 20, 10]})
    assert m.rank_correlation(c) == pytest.approx(-1.0)
    assert math.isnan(m.rank_correlation(c.iloc[:1]))


def test_top_campaign():
    c, _ = toy()
    assert m.top_campaign(c, "reach") == "A" and m.top_campaign(c, "clicks") == "B"
    with pytest.raises(ValueError):
        m.top_campaign(c.iloc[:0], "reach")


def test_outside_target_share_by_hand():
    _, r = toy()
    assert m.outside_target_share(r) == pytest.approx(6 / 10)
    assert m.outside_target_share(r, ["A"]) == pytest.approx(6 / 10)
    assert math.isnan(m.outside_target_share(r, ["B"]))  # nobody converted: nothing to share
    assert m.outside_target_share(r, column="impressions") == pytest.approx(154_000 / 210_000)
    by = m.outside_target_share_by_campaign(r)
    assert by["A"] == pytest.approx(0.6) and math.isnan(by["B"])


def test_target_lift_by_hand():
    _, r = toy()
    lift = m.target_lift_by_campaign(r)
    assert lift["A"] == pytest.approx((4 / 50_000) / (6 / 150_000))
    assert math.isnan(lift["B"])


def test_segment_response_by_hand_and_region_all():
    _, r = toy()
    one = m.segment_response(r, "25-34", "high", "north", ["A"])
    assert (one.cell_impressions, one.cell_conversions) == (50_000, 4)
    assert one.cell_per_1000 == pytest.approx(0.08)
    assert one.other_per_1000 == pytest.approx(6 / 150_000 * 1000)
    both = m.segment_response(r, "25-34", "high", "all", ["A"])
    assert both.cell_impressions == 100_000 and both.campaigns == 1


def test_segment_response_empty_cell_says_so():
    _, r = toy()
    empty = m.segment_response(r, "18-24", "mid", "east")
    assert empty.empty and empty.cell_impressions == 0
    assert math.isnan(empty.cell_per_1000) and math.isnan(empty.ratio)
    none = m.segment_response(r, "25-34", "high", "all", campaign_ids=[])
    assert none.empty and none.campaigns == 0 and math.isnan(none.other_per_1000)


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


def test_brief_outcome_on_a_single_campaign():
    c, r = toy()
    single_c, single_r = c.iloc[:1], r[r["campaign_id"] == "A"]
    out = m.brief_outcome(single_c, single_r, age="25-34", income="high", region="north",
                          channel="tv", theme="sustainability", budget=1000)
    # 1000 USD at CPM 5 = 200,000 impressions; A put 50,000 of 200,000 on its target
    assert out.target_impressions == pytest.approx(50_000)
    assert out.other_impressions == pytest.approx(150_000)
    assert out.target_conversions == pytest.approx(50_000 * 4 / 50_000)
    assert out.other_conversions == pytest.approx(150_000 * 6 / 150_000)
    assert out.outside_share == pytest.approx(6 / 10)
    assert "1 past campaign" in out.history_note and "0 of it" in out.history_note


def test_brief_outcome_zero_budget_and_empty_cell():
    c, r = toy()
    zero = m.brief_outcome(c, r, age="25-34", income="high", region="all", channel="tv",
                           theme="price_promo", budget=0)
    assert zero.conversions == 0 and math.isnan(zero.outside_share)
    empty = m.brief_outcome(c, r, age="18-24", income="mid", region="east", channel="tv",
                            theme="price_promo", budget=1000)
    assert empty.response.empty and empty.target_conversions == 0


# ----------------------------------------------------------------------------- figures


def _axis_titles(fig: go.Figure) -> list[str]:
    return [fig.layout[k].title.text for k in fig.layout if k.startswith(("xaxis", "yaxis"))]


def test_brief_figure_has_titled_unit_labelled_axes(campaigns, results):
    out = m.brief_outcome(campaigns, results, age="25-34", income="high", region="all",
                          channel="tv", theme="price_promo", budget=500_000)
    fig = brief_figure(out)
    assert isinstance(fig, go.Figure) and len(fig.data) == 3
    titles = _axis_titles(fig)
    assert len(titles) == 6 and all(titles)
    assert "impressions (millions)" in titles and "expected conversions (count)" in titles
    assert "outside its target" in fig.layout.title.text
    share = round(out.outside_share * 100)
    assert f"{share}%" in fig.layout.title.text


def test_brief_figure_title_for_zero_budget(campaigns, results):
    out = m.brief_outcome(campaigns, results, age="25-34", income="high", region="all",
                          channel="tv", theme="price_promo", budget=0)
    assert "$0" in brief_figure(out).layout.title.text


def test_reach_figure_states_the_finding(campaigns):
    fig = reach_conversions_figure(campaigns)
    assert fig.layout.xaxis.title.text == "people reached (millions)"
    assert "count" in fig.layout.yaxis.title.text
    rho = campaigns["reach"].rank().corr(campaigns["conversions"].rank())
    assert f"{rho:.2f}" in fig.layout.title.text
    assert sum(len(t.x) for t in fig.data) == len(campaigns)


# ----------------------------------------------------------------------------- the view


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)


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

    before_text, before_y = summary.value, list(figure.data[0].y)
    controls["Channel"].value = "search"
    assert summary.value != before_text
    assert list(figure.data[0].y) != before_y

    text = summary.value
    controls["Age band"].value = "65+"
    assert summary.value != text

    controls["Budget (USD)"].value = 0
    assert "$0" in summary.value and list(figure.data[0].y) == [0, 0]
    assert "$0" in figure.layout.title.text


# ----------------------------------------------------------------------------- the questions


def test_every_question_is_registered_and_blank_is_not_attempted():
    for q in (L.q1, L.q2, L.q3, L.q4, L.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED
        assert 2 <= len(q.hints) <= 3 and 1 <= len(q.mistakes)


def _feedback(q, answer) -> str:
    verdict = q.evaluate(answer)
    assert verdict.status == INCORRECT, verdict
    return verdict.message


def _distinct(q, wrong_answers) -> None:
    messages = [_feedback(q, a) for a in wrong_answers]
    assert len(set(messages)) == len(messages), messages
    assert all(msg != q.wrong for msg in messages)


def test_q1_cpm(indexed, campaigns):
    right = indexed["spend_usd"] / indexed["impressions"] * 1000
    assert L.q1.evaluate(right).status == CORRECT
    _distinct(L.q1, [
        indexed["spend_usd"] / indexed["impressions"],
        indexed["spend_usd"] / indexed["reach"] * 1000,
        indexed["impressions"] / indexed["spend_usd"] / 1000,
        campaigns["spend_usd"] / campaigns["impressions"] * 1000,  # not labelled by campaign
    ])
    assert L.q1.evaluate(right * 1.1).message == L.q1.wrong


def test_q2_display_ctr(indexed):
    d = indexed[indexed["channel"] == "display"]
    right = d["clicks"].sum() / d["impressions"].sum() * 100
    assert L.q2.evaluate(float(right)).status == CORRECT
    _distinct(L.q2, [
        float(right / 100),
        float((d["clicks"] / d["impressions"]).mean() * 100),
        float(indexed["clicks"].sum() / indexed["impressions"].sum() * 100),
        float(d["clicks"].sum() / d["reach"].sum() * 100),
    ])


def test_q3_cost_per_conversion(indexed, campaigns):
    right = indexed["spend_usd"] / indexed["conversions"]
    assert L.q3.evaluate(right).status == CORRECT
    _distinct(L.q3, [
        indexed["spend_usd"] / indexed["clicks"],
        indexed["conversions"] / indexed["spend_usd"],
        right * 1000,
        campaigns["spend_usd"] / campaigns["conversions"],
    ])


def test_q4_rank_correlation(indexed):
    from scipy.stats import spearmanr

    right = indexed["reach"].rank().corr(indexed["conversions"].rank())
    assert L.q4.evaluate(float(right)).status == CORRECT
    _distinct(L.q4, [
        float(indexed["reach"].corr(indexed["conversions"])),
        float(indexed["impressions"].rank().corr(indexed["conversions"].rank())),
        spearmanr(indexed["reach"], indexed["conversions"]),
    ])
    assert L.q4.evaluate(-float(right)).message == L.q4.wrong


def test_q5_outside_share(results):
    outside = results.loc[results["in_target"] == False, "conversions"].sum()  # noqa: E712
    right = outside / results["conversions"].sum()
    assert L.q5.evaluate(float(right)).status == CORRECT
    per = results.assign(o=np.where(results["in_target"], 0, results["conversions"]))
    per = per.groupby("campaign_id")[["o", "conversions"]].sum()
    _distinct(L.q5, [
        float(1 - right),
        float(right * 100),
        float(results.loc[~results["in_target"], "impressions"].sum() / results["impressions"].sum()),
        float((per["o"] / per["conversions"]).mean()),
    ])


def test_reflection_is_not_graded():
    from widgets.checks import registry

    assert "r1" not in registry().get("01", [])
    assert registry()["01"] == ["q1", "q2", "q3", "q4", "q5"]
    assert L.r1.prompt


def test_rank_correlation_matches_scipy_spearman_with_ties():
    from scipy.stats import spearmanr

    frame = pd.DataFrame({"reach": [5, 1, 3, 3, 9, 2, 2], "conversions": [10, 4, 4, 8, 1, 0, 7]})
    expected = spearmanr(frame["reach"], frame["conversions"]).statistic
    assert m.rank_correlation(frame) == pytest.approx(expected, abs=1e-12)
