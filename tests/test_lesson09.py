"""Lesson 09, the capstone: the strategy model (audit, SMART checks, the trade-off, the test), the
one-page plan (self-contained HTML, Markdown, never overwritten), the canvas on the course's brand
and on two fixture exports (Meta Business Suite, LinkedIn), the self-assessment again, and every
exercise check (right answer computed independently, each anticipated mistake, a plausible
unanticipated wrong answer, the blank)."""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower, TTestIndPower

from tests.helpers import ROOT
from tests.helpers import walk as _walk
from tests.test_views import _current, _set, shown, values_to_try
from widgets import progress
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load, load_export
from widgets.figures.strategy import audit_figure, power_figure, shift_figure, shift_title
from widgets.models import stance as ST
from widgets.models import strategy as S
from widgets.plan import (
    audit_sentence,
    design_sentence,
    entries,
    make_plan,
    render_html,
    render_markdown,
    shift_sentence,
    svg_bars,
    write_plan,
)
from widgets.questions import lesson09 as L
from widgets.views.stance import where_do_you_stand_now
from widgets.views.strategy import strategy_canvas

FIXTURES = ROOT / "tests" / "fixtures" / "exports"
META, LINKEDIN = FIXTURES / "meta_facebook_content.csv", FIXTURES / "linkedin_content.xls"


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return load("posts")


@pytest.fixture(scope="module")
def account(posts) -> S.Account:
    return S.Account(posts)


def _tiny(**columns) -> pd.DataFrame:
    """A small posts table: six posts a week apart on one platform, styles alternating."""
    n = 6
    base = {"post_id": [f"T{i}" for i in range(n)],
            "posted_at": pd.date_range("2025-01-01", periods=n, freq="7D"),
            "platform": ["facebook"] * n,
            "style": ["broadcast", "question"] * (n // 2),
            "text": ["New: beans.", "How do you brew?"] * (n // 2),
            "followers": [1000] * n, "impressions": [500, 600, 700, 650, 550, 600],
            "reach": [400, 500, 600, 550, 450, 500], "likes": [10, 8, 12, 9, 11, 7],
            "comments": [1, 4, 2, 5, 1, 6], "shares": [2, 1, 3, 1, 2, 1]}
    base.update(columns)
    return pd.DataFrame(base)


# =========================================================================== the posts, checked


def test_prepare_refuses_what_is_not_a_posts_table_in_one_sentence():
    for bad, words in ((None, "not NoneType"), ([1, 2], "not list"),
                       (pd.DataFrame(columns=["posted_at"]), "no posts"),
                       (pd.DataFrame({"likes": [1]}), "no 'posted_at'"),
                       (pd.DataFrame({"posted_at": ["soon", "later"]}), "no post has a date")):
        with pytest.raises(S.StrategyError, match=words) as caught:
            S.prepare(bad)
        assert "\n" not in str(caught.value)
        assert caught.value._render_traceback_() == [f"StrategyError: {caught.value}"]


def test_prepare_keeps_counts_as_floats_and_turns_negatives_into_not_recorded():
    frame = _tiny(likes=[10, -1, 12, 9, 11, 7])
    posts = S.prepare(frame)
    assert posts.frame["likes"].dtype == "float64" and posts.frame["likes"].isna().sum() == 1
    assert any("Negative counts" in n and "likes (1)" in n for n in posts.notes)
    assert posts.style_source == "style" and posts.frame["conversational"].sum() == 3


def test_without_style_the_text_rule_labels_posts_and_says_so():
    posts = S.prepare(_tiny().drop(columns="style"))
    assert posts.style_source == "text rule"
    assert posts.frame["conversational"].tolist() == [False, True] * 3
    assert any("text rule" in n for n in posts.notes)
    assert "style" in posts.missing
    no_text = S.prepare(_tiny().drop(columns=["style", "text"]))
    assert no_text.style_source == "" and "conversational" not in no_text.frame
    why = S.unavailable_reason(no_text, "conversational_share")
    assert "neither a 'style' nor a 'text' column" in why


def test_text_rule_reads_questions_and_mentions_only():
    text = pd.Series(["Order now.", "Tea or coffee?", "@ana thanks!", "Shared by @bo: a pot",
                      "email us at hi@copperpot.example", None])
    assert S.conversational_by_text(text).tolist() == [False, True, True, True, False, False]


def test_text_rule_agreement_on_the_course_posts_is_computed(posts):
    table = S.text_rule_agreement(posts)
    style = posts["style"].astype(str)
    rule = S.conversational_by_text(posts["text"])
    truth = style != "broadcast"
    assert table.loc["all", "agrees"] == pytest.approx(float((rule == truth).mean()))
    assert table.loc["behind_the_scenes", "called_conversational"] == 0  # the rule's blind spot
    assert table.loc["question", "agrees"] == 1 and table.loc["broadcast", "agrees"] == 1


def test_metric_values_per_post_and_zero_denominators(posts):
    frame = _tiny(likes=[0, 8, 12, 9, 11, 7], comments=[0, 4, 2, 5, 1, 6],
                  shares=[0, 1, 3, 1, 2, 1], reach=[0, 500, 600, 550, 450, 500])
    p = S.prepare(frame)
    share = S.metric_values(p, "comment_share")
    assert math.isnan(share.iloc[0]) and share.iloc[1] == pytest.approx(100 * 4 / 13)
    per_reach = S.metric_values(p, "engagement_per_reach")
    assert math.isnan(per_reach.iloc[0]) and per_reach.iloc[1] == pytest.approx(100 * 13 / 500)
    per_follower = S.metric_values(p, "engagement_per_1000_followers")
    assert per_follower.iloc[1] == pytest.approx(1000 * 13 / 1000)
    assert S.metric_values(p, "conversational_share").tolist() == [0.0, 100.0] * 3
    no_reach = S.prepare(frame.drop(columns="reach"))
    assert S.unavailable_reason(no_reach, "reach_per_post") == (
        "Reach per post needs 'reach', which the data does not have.")
    with pytest.raises(S.StrategyError, match="needs 'reach'"):
        S.metric_values(no_reach, "engagement_per_reach")
    with pytest.raises(S.StrategyError, match="not a metric"):
        S.metric_values(p, "virality")


# =========================================================================== time and the bootstrap


def test_the_baseline_is_the_last_13_weeks_before_the_last_post(posts):
    end = posts["posted_at"].max()
    mine = posts[posts["posted_at"] > end - pd.Timedelta(days=91)]
    assert S.last_weeks(posts).index.equals(mine.index)
    assert S.recent(S.prepare(posts)).shape[0] == len(mine)
    assert S.plan_start(S.prepare(posts)) == date(2026, 1, 1)
    with pytest.raises(S.StrategyError, match="no posts"):
        S.last_weeks(posts.iloc[:0])


def test_bootstrap_resamples_with_replacement_reproducibly_and_ignores_missing_values():
    values = np.arange(1.0, 41.0)
    draws = S.bootstrap_means(values, 500, seed=3)
    assert draws.shape == (500,) and draws.std() > 0  # without replacement every mean would be equal
    assert np.array_equal(draws, S.bootstrap_means(values, 500, seed=3))
    assert abs(draws.mean() - values.mean()) < 1
    two = S.bootstrap_means(np.c_[values, np.where(values > 20, np.nan, values)], 200, seed=1)
    assert two.shape == (200, 2) and np.nanmax(two[:, 1]) <= 20
    assert np.isnan(S.bootstrap_means(np.array([]), 10)).all()
    # many posts: drawn in chunks, same result shape, interval around the mean
    big = np.random.default_rng(0).normal(10, 2, 50_000)
    draws = S.bootstrap_means(big, 60, seed=0)
    assert draws.shape == (60,) and abs(draws.mean() - 10) < 0.1


def test_best_rise_compares_each_stretch_with_the_same_one_a_year_earlier():
    when = pd.Series(pd.date_range("2024-01-01", periods=70, freq="7D"))
    values = pd.Series(np.where(np.arange(70) < 35, 1.0, 2.0))  # doubles halfway
    end = when.max()
    rise = S.best_rise(S.weeks_before_end(when, end), values)
    assert rise == pytest.approx(2.0)
    assert math.isnan(S.best_rise(S.weeks_before_end(when[:40], when[39]), values[:40]))


# =========================================================================== the audit


def test_audit_matches_an_independent_computation(posts, account):
    a = account.audit
    base = S.last_weeks(posts)
    assert a.n_posts == len(posts) and a.baseline_posts == len(base)
    assert a.baseline_per_week == pytest.approx(len(base) / 13)
    assert a.metrics["comments_per_post"].baseline == pytest.approx(base["comments"].mean())
    assert a.metrics["comments_per_post"].whole == pytest.approx(posts["comments"].mean())
    reactions = base["likes"] + base["comments"] + base["shares"]
    assert a.metrics["engagement_per_reach"].baseline == pytest.approx(
        (100 * reactions / base["reach"]).mean())
    assert a.conversational_share == pytest.approx((base["style"] != "broadcast").mean())
    for b in a.metrics.values():
        assert b.low <= b.baseline <= b.high and b.n + b.left_out == len(base)
    assert a.unavailable == {}


# =========================================================================== SMART targets


def test_every_kind_of_bad_target_gets_a_plain_sentence(account):
    checks = {
        "empty": account.check(1, "comments_per_post", "", ""),
        "no number": account.check(1, "comments_per_post", "", "2026-06-30"),
        "words": account.check(1, "comments_per_post", "lots more", "2026-06-30"),
        "zero": account.check(1, "comments_per_post", "0", "2026-06-30"),
        "negative": account.check(1, "comments_per_post", "-5", "2026-06-30"),
        "over 100%": account.check(1, "conversational_share", "120", "2026-06-30"),
        "no date": account.check(1, "comments_per_post", "40", ""),
        "bad date": account.check(1, "comments_per_post", "40", "next summer"),
        "past": account.check(1, "comments_per_post", "40", "2025-06-30"),
        "unknown metric": account.check(1, "virality", "40", "2026-06-30"),
    }
    assert checks["empty"].status == "empty" and "Write a target" in checks["empty"].sentence
    for name in ("no number", "words", "zero", "negative", "over 100%", "no date", "bad date",
                 "past", "unknown metric"):
        assert checks[name].status == "invalid", name
        assert "\n" not in checks[name].sentence and checks[name].sentence.startswith("Target 1")
    assert "'lots more' is not a number" in checks["words"].sentence
    assert "aims at nothing" in checks["zero"].sentence
    assert "less than nothing" in checks["negative"].sentence
    assert "cannot pass 100%" in checks["over 100%"].sentence
    assert "is not a date" in checks["bad date"].sentence
    assert "in the past" in checks["past"].sentence and "2026-01-01" in checks["past"].sentence


def test_targets_are_judged_against_the_baseline(account):
    base = account.audit.metrics["comments_per_post"]
    implausible = account.check(1, "comments_per_post", str(round(3.2 * base.baseline)), "2026-12-31")
    assert implausible.status == "implausible" and implausible.ratio > S.MAX_MULTIPLE
    assert f"{base.best_rise:.2f} times in a year" in implausible.sentence
    below = account.check(2, "comments_per_post", str(round(0.8 * base.baseline)), "2026-12-31")
    assert below.status == "caution" and "expects a fall" in below.sentence
    inside = account.check(3, "comments_per_post", f"{base.high * 0.99:.1f}", "2026-12-31")
    assert inside.status == "caution" and "95% interval" in inside.sentence
    rate = account.audit.metrics["comment_share"]
    beyond = account.check(4, "comment_share", f"{rate.baseline * (rate.best_rise + 0.05):.2f}",
                           "2026-12-31")
    assert beyond.status == "caution" and "ever rose in a year" in beyond.sentence
    soon = account.check(5, "engagement_per_reach", "2.5", "2026-02-15")
    assert soon.status == "caution" and "the date is" in soon.sentence
    assert "even a randomised test" in soon.sentence  # what the weeks are: a test's, not a guess
    good = account.check(6, "comments_per_post", "45", "2026-12-31")
    assert good.status == "plausible" and good.weeks_needed is not None
    assert good.weeks_needed == pytest.approx(
        account.design("comments_per_post", round(45 / base.baseline - 1, 4)).weeks)


def test_numbers_and_dates_are_read_the_way_people_write_them():
    assert S.parse_number("1,200") == 1200 and S.parse_number("12,5") == 12.5
    assert S.parse_number(" 4.5% ") == 4.5 and S.parse_number(7) == 7.0
    for bad in ("", "abc", "1.2.3", True, None, float("nan"), "12 posts"):
        assert S.parse_number(bad) is None, bad
    assert S.parse_date("2026-06-30") == date(2026, 6, 30)
    assert S.parse_date(pd.Timestamp("2026-06-30")) == date(2026, 6, 30)
    assert S.parse_date("30/06/2026") is None


# =========================================================================== reach against conversation


def test_trade_off_compares_within_platforms_per_1000_followers(posts, account):
    trade = account.trade_off()
    assert trade.per_follower and trade.reach_column == "reach"
    ig = posts[posts["platform"] == "instagram"]
    conv = ig["style"] != "broadcast"
    per = 1000 * ig["comments"] / ig["followers"]
    row = trade.table.loc["instagram"]
    assert row["comments_diff"] == pytest.approx(per[conv].mean() - per[~conv].mean())
    assert row["n_broadcast"] == (~conv).sum() and row["n_conversational"] == conv.sum()
    for _, r in trade.table.iterrows():
        assert r["reach_low"] <= r["reach_diff"] <= r["reach_high"]
        assert r["comments_low"] <= r["comments_diff"] <= r["comments_high"]
    assert trade.small == []


def test_a_shift_is_linear_clipped_and_zero_at_zero(account):
    trade = account.trade_off()
    zero = trade.shift(0)
    assert zero.comments == 0 and zero.reach == 0 and zero.share == pytest.approx(zero.current_share)
    ten, twenty = trade.shift(0.1), trade.shift(0.2)
    assert twenty.comments == pytest.approx(2 * ten.comments)
    assert twenty.comments_low <= twenty.comments <= twenty.comments_high
    assert trade.shift(-0.2).comments == pytest.approx(-twenty.comments)
    full = trade.shift(1.0)  # no platform can pass 100% conversational
    assert full.share == pytest.approx(1.0) and trade.shift(5).share == pytest.approx(1.0)
    assert account.shift(20) is account.shift(20)  # cached per setting


def test_trade_off_says_what_it_lacks(posts):
    with pytest.raises(S.StrategyError, match="cannot be told apart"):
        S.trade_off(S.prepare(_tiny().drop(columns=["style", "text"])))
    with pytest.raises(S.StrategyError, match="no 'comments'"):
        S.trade_off(S.prepare(_tiny().drop(columns="comments")))
    with pytest.raises(S.StrategyError, match="neither 'reach' nor 'impressions'"):
        S.trade_off(S.prepare(_tiny().drop(columns=["reach", "impressions"])))
    one = _tiny(style=["broadcast"] * 5 + ["question"])
    with pytest.raises(S.StrategyError, match="facebook: 5 broadcast and 1 conversational post"):
        S.trade_off(S.prepare(one))
    per_post = S.trade_off(S.prepare(_tiny().drop(columns=["followers", "reach"])))
    assert not per_post.per_follower and per_post.reach_column == "impressions"
    assert per_post.small == ["facebook"]
    # no followers: the sentence says per post, and does not claim today's followers
    said = shift_sentence(per_post.shift(0.2), per_post)
    assert "at today's volume." in said and "followers" not in said and "per post" in said
    from widgets.plan import _counted

    assert _counted(1.2, "comment") == "+1 comment" and _counted(-37.4, "comment") == "-37 comments"
    assert _counted(0.2, "comment") == "+0 comments"


def test_a_short_export_names_its_baseline_in_plain_words():
    audit = S.Account(_tiny()).audit
    assert audit.baseline_label == "whole 5.1 weeks of data"
    assert "in the whole 5.1 weeks of data" in audit_sentence(S.Account(_tiny()))


# =========================================================================== the test (statsmodels)


def test_ab_design_is_statsmodels_on_the_baselines_mean_and_spread(posts, account):
    ig = S.last_weeks(posts).query("platform == 'instagram'")["comments"]
    # the lifted arm spreads 1.3 times as wide: Cohen's d pools the two arms' variances
    sd_both = math.sqrt((ig.var(ddof=1) + (1.3 * ig.std(ddof=1)) ** 2) / 2)
    d = 0.3 * ig.mean() / sd_both
    n = TTestIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8, alternative="two-sided")
    design = account.design("comments_per_post", 0.3, platform="instagram")
    assert design.sd_both == pytest.approx(sd_both) and S.spread_both(2.0, 0.0) == 2.0
    assert design.effect_size == pytest.approx(d)
    assert design.n_per_arm == math.ceil(n) and design.total_posts == 2 * math.ceil(n)
    assert design.weeks == pytest.approx(2 * math.ceil(n) / (len(ig) / 13))
    one = account.design("comments_per_post", 0.3, alternative="larger", platform="instagram")
    strict = account.design("comments_per_post", 0.3, alpha=0.01, platform="instagram")
    assert one.n_per_arm < design.n_per_arm < strict.n_per_arm
    curve = design.power_at([design.weeks])
    assert curve[0] == pytest.approx(0.8, abs=0.01)
    # all platforms: the spread within platforms, pooled
    base = S.last_weeks(posts)
    pooled = S.pooled_sd(base["comments"].astype(float), base["platform"].astype(str))
    groups = base.groupby("platform", observed=True)["comments"]
    manual = math.sqrt(((groups.count() - 1) * groups.var()).sum() / (groups.count() - 1).sum())
    assert pooled == pytest.approx(manual)
    assert account.design("comments_per_post", 0.3).sd == pytest.approx(pooled)
    assert account.design("comments_per_post", 0.3).platform == "all"


def test_a_single_platform_is_named_not_called_every_platform():
    design = S.ab_design(S.prepare(_tiny()), "comments_per_post")
    assert design.platform == "facebook"
    assert "on facebook" in design_sentence(design) and "every platform" not in design_sentence(design)


def test_simulated_power_checks_the_calculation_on_the_posts_themselves(posts, account):
    ig = S.last_weeks(posts).query("platform == 'instagram'")["comments"]
    design = account.design("comments_per_post", 0.8, platform="instagram")
    # sized with the pooled spread, the simulated tests find the lift about as often as asked
    assert S.simulated_power(ig, 0.8, design.n_per_arm) == pytest.approx(0.8, abs=0.07)
    # sized with today's spread alone, far less often (the shortcut flatters the test)
    naive = math.ceil(TTestIndPower().solve_power(effect_size=0.8 * ig.mean() / ig.std(),
                                                  alpha=0.05, power=0.8))
    assert naive < design.n_per_arm and S.simulated_power(ig, 0.8, naive) < 0.6
    # no lift: false alarms near alpha; one-sided finds more; reproducible with its seed
    assert S.simulated_power(ig, 0.0, 200) == pytest.approx(0.05, abs=0.02)
    assert S.simulated_power(ig, 0.5, 30, alternative="larger") > S.simulated_power(ig, 0.5, 30)
    assert S.simulated_power(ig, 0.5, 30, seed=3) == S.simulated_power(ig, 0.5, 30, seed=3)
    for bad, words in (({"values": [1.0]}, "two posts"), ({"n_per_arm": 1}, "two posts"),
                       ({"alternative": "smaller"}, "alternative")):
        kwargs = {"values": ig, "lift": 0.2, "n_per_arm": 10, **bad}
        with pytest.raises(S.StrategyError, match=words):
            S.simulated_power(**kwargs)


def test_a_huge_effect_still_gets_a_sample_size():
    """statsmodels' root finder returns nan when two posts per arm already suffice."""
    assert S._n_per_arm(8.0, 0.05, 0.8, "two-sided") == 2
    assert TTestIndPower().power(effect_size=8.0, nobs1=2, alpha=0.05) >= 0.8
    assert S._n_per_arm(0.3, 0.05, 0.8, "two-sided") == pytest.approx(
        TTestIndPower().solve_power(effect_size=0.3, alpha=0.05, power=0.8))


def test_ab_design_refuses_bad_settings_in_one_sentence(account):
    for kwargs, words in (({"lift": 0}, "above 0"), ({"alpha": 0.7}, "alpha"),
                          ({"power": 1.0}, "power"), ({"alternative": "smaller"}, "alternative"),
                          ({"platform": "myspace"}, "no post on 'myspace'")):
        with pytest.raises(S.StrategyError, match=words):
            S.ab_design(account.posts, "comments_per_post", **kwargs)
    with pytest.raises(S.StrategyError, match="describes the plan itself"):
        account.design("conversational_share")
    tiny = S.prepare(_tiny().iloc[:2])
    with pytest.raises(S.StrategyError, match="too few"):
        S.ab_design(tiny, "comments_per_post")


# =========================================================================== figures


def test_figures_state_their_finding(account):
    a = account.audit
    fig = audit_figure(a, "comments_per_post", account.monthly("comments_per_post"))
    assert "31.0 in the last 13 weeks" in fig.layout.title.text
    assert fig.layout.shapes and fig.layout.yaxis.title.text.startswith("comments per post")
    s = account.shift(20)
    assert shift_title(s).startswith("85% conversational posts") and "association" in shift_title(s)
    assert shift_figure(s, account.trade_off()).layout.yaxis.title.text == "change a week (% of now)"
    assert shift_title(account.shift(0)).startswith("No shift")
    design = account.design("comments_per_post", 0.5, platform="instagram")
    pf = power_figure(design)
    assert "26 weeks" in pf.layout.title.text and pf.layout.yaxis.range == (0, 1.02)


# =========================================================================== the plan


WORKED = {"listening": {"talk": "Taste & rituals <script>alert(1)</script>"},
          "people": "Regulars", "objective": "supporting", "strategy": "Answer, and ask back.",
          "technology": "A shared inbox.", "shift": 20,
          "targets": [("conversational_share", "80", "2026-06-30"),
                      ("comments_per_post", "lots", "2026-12-31")],
          "test": {"metric": "comments_per_post", "lift": 0.5, "platform": "instagram"}}


def test_entries_fill_defaults_and_refuse_typos():
    e = entries(WORKED)
    assert e.objective == "supporting" and e.shift == 20 and len(e.targets) == 3
    assert e.targets[2] == ("comments_per_post", "", "")
    assert e.test["lift"] == 0.5 and e.test["alpha"] == 0.05
    assert entries(None).objective == "talking" and entries(____).shift == 20
    assert entries({"shift": 500}).shift == 100
    with pytest.raises(S.StrategyError, match="no entry 'peeple'"):
        entries({"peeple": "x"})
    with pytest.raises(S.StrategyError, match="not one of Groundswell's five"):
        entries({"objective": "selling"})


def test_the_page_is_self_contained_printable_and_escapes_what_was_typed(account):
    plan = make_plan(account, WORKED, name="Copperpot Coffee", data_label="Data: test.",
                     written_on=date(2026, 1, 5))
    page = render_html(plan)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page.lower()
    assert "&lt;script&gt;" in page  # the learner's text is shown, never run
    assert not re.search(r'(?:src|href)="https?://', page)  # nothing to fetch: readable offline
    assert page.count("<svg") == 2 and "@page" in page and "break-inside: avoid" in page
    assert len(page.encode()) < 60_000
    for heading in ("1. Audit", "2. What listening found", "3. Objectives: POST",
                    "4. Strategy: reach against conversation", "5. Measures: SMART targets",
                    "6. Test it"):
        assert heading in page
    assert "nothing was uploaded" in page and "not a SMART target" in page
    text = render_markdown(plan)
    assert text.startswith("# A dialogue strategy for Copperpot Coffee")
    assert "| 2 | comments per post | lots | 2026-12-31 |" in text
    assert "statsmodels gives 58 posts per arm" in text


def test_svg_bars_draw_whiskers_and_a_zero_line():
    svg = svg_bars(["a", "b"], [-2.0, 5.0], [-4.0, 3.0], [0.5, 7.0], ["#000", "#111"], "T <1>",
                   "axis")
    assert svg.startswith("<svg") and "<title>T &lt;1&gt;</title>" in svg
    assert svg.count("<rect") == 2 and "+5.0%" in svg and "-2.0%" in svg


def test_write_plan_never_overwrites(account, tmp_path):
    plan = make_plan(account, WORKED, written_on=date(2026, 1, 5))
    first = write_plan(plan, tmp_path)
    assert [p.name for p in first] == ["dialogue-plan-2026-01-05.html", "dialogue-plan-2026-01-05.md"]
    (tmp_path / "dialogue-plan-2026-01-05-2.md").write_text("mine", encoding="utf-8")
    second = write_plan(plan, tmp_path)
    assert second[0].name == "dialogue-plan-2026-01-05-3.html"
    assert (tmp_path / "dialogue-plan-2026-01-05-2.md").read_text() == "mine"
    assert first[0].read_text(encoding="utf-8") == second[0].read_text(encoding="utf-8")
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    with pytest.raises(OSError):
        write_plan(plan, blocked)


def test_plans_go_to_the_folder_the_environment_names(account, tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PLAN_DIR", str(tmp_path / "plans"))
    page, _ = write_plan(make_plan(account, None, written_on=date(2026, 2, 1)))
    assert page.parent == tmp_path / "plans"
    monkeypatch.delenv("COURSE_PLAN_DIR")
    from widgets.paths import COURSE_ROOT, plan_dir

    assert plan_dir() == COURSE_ROOT / "my-plan"
    assert "my-plan/" in (ROOT / ".gitignore").read_text().splitlines()


# =========================================================================== the canvas


def _controls_all_change(box) -> list[str]:
    """test_views' rule, on a canvas built from other data: every control changes what is shown."""
    from tests.test_views import bench

    dead = []
    for control in bench.find_controls(box):
        button = isinstance(control, w.Button)
        for attr, value in values_to_try(control):
            if _current(control, attr) == value:
                continue
            before = shown(box, button)
            _set(control, attr, value)
            if shown(box, button) == before:
                dead.append(f"{getattr(control, 'description', '')} = {value!r}")
    return dead


def _summary(box) -> str:
    return next(x.value for x in _walk(box) if "course-widget-summary" in getattr(x, "_dom_classes", ()))


def test_canvas_on_the_course_brand(tmp_path):
    box = strategy_canvas(plan=WORKED, folder=tmp_path)
    tabs = next(x for x in _walk(box) if isinstance(x, w.Tab))
    assert len(tabs.children) == 6 and tabs.titles[0] == "1 Audit"
    summary = _summary(box)
    assert "Open: step 1 Audit" in summary and "supporting" in summary
    assert "85% conversational posts" in summary and "36 per arm" not in summary
    texts = " ".join(x.value for x in _walk(box) if isinstance(x, w.HTML))
    assert "Not a SMART target" in texts and "is not a number" in texts
    button = next(x for x in _walk(box) if isinstance(x, w.Button))
    button.click()
    button.click()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"dialogue-plan-{date.today().isoformat()}{s}" for s in
        ("-2.html", "-2.md", ".html", ".md")]
    status = box.children[-2].children[1].value
    assert "Written" in status and "nothing was uploaded" in status and "-2.html" in status


def test_canvas_reports_an_unwritable_folder(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    box = strategy_canvas(folder=blocked)
    next(x for x in _walk(box) if isinstance(x, w.Button)).click()
    assert box.children[-2].children[1].value.startswith("\u26a0 Not written")


@pytest.mark.parametrize("path", [META, LINKEDIN], ids=["meta", "linkedin"])
def test_canvas_runs_on_fixture_exports_and_says_what_they_lack(path, tmp_path):
    export = load_export(path)
    box = strategy_canvas(export, folder=tmp_path)
    assert "course-widget-strategy-canvas" in box._dom_classes
    texts = " ".join(x.value for x in _walk(box) if isinstance(x, w.HTML | w.Label))
    assert export.layout_title in texts and "read on this computer" in texts
    assert "needs 'followers', which the data does not have" in texts
    assert "text rule" in texts
    if "reach" in export.missing:
        assert "needs 'reach'" in texts
    # too few posts of each style for a trade-off: a plain sentence instead of its slider
    assert "Reach against conversation cannot be computed" in texts
    assert not [x for x in _walk(box) if isinstance(x, w.IntSlider) and "turned" in x.description]
    assert _controls_all_change(box) == []
    assert "Traceback" not in texts
    next(x for x in _walk(box) if isinstance(x, w.Button)).click()
    page = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert export.layout_title in page and "6. Test it" in page


EVERY_LAYOUT = sorted(p for p in FIXTURES.iterdir() if p.is_file()
                      and p.suffix in {".csv", ".xls", ".zip"})


@pytest.mark.parametrize("path", EVERY_LAYOUT, ids=lambda p: p.name)
def test_canvas_builds_on_every_export_layout_and_every_control_counts(path, tmp_path):
    box = strategy_canvas(load_export(path), folder=tmp_path)
    assert "cannot start" not in _summary(box)
    assert _controls_all_change(box) == []


def test_canvas_with_no_posts_says_so_in_a_sentence():
    box = strategy_canvas(load("posts").iloc[:0])
    assert "cannot start" in _summary(box) and "no posts" in _summary(box)
    box = strategy_canvas(load("posts"), plan={"objective": "selling"})
    assert "not one of Groundswell's five" in _summary(box)


# =========================================================================== before and after


def test_the_two_self_assessments_are_kept_apart(tmp_path):
    path = tmp_path / "progress.json"
    assert progress.save_self_assessment({"answers": {"insight": 1}}, path) is None
    assert progress.save_self_assessment({"answers": {"insight": 2}}, path, moment="end") is None
    assert progress.load_self_assessment(path)["answers"] == {"insight": 1}
    assert progress.load_self_assessment(path, moment="end")["answers"] == {"insight": 2}
    with pytest.raises(ValueError, match="moment"):
        progress.load_self_assessment(path, moment="middle")


def test_saved_state_and_the_change_sentence():
    answers = {s.key: 1 for s in ST.STATEMENTS}
    assert ST.saved_state({}) == ("none", {})
    assert ST.saved_state({"answers": answers, "version": ST.VERSION - 1})[0] == "other version"
    assert ST.saved_state(ST.record(answers)) == ("found", answers)
    assert "earlier wording" in ST.saved_note("other version", {"version": 2})
    assert "nothing to compare" in ST.saved_note("none")
    now = dict(answers, insight=2, reach=-1)
    change = ST.compare(answers, now)
    assert (change.towards_conversation, change.towards_message, change.unchanged) == (1, 1, 4)
    assert ST.change_sentence(change).startswith("From +50 in lesson 00 to +42 now")
    assert ST.change_sentence(ST.compare({}, now)).startswith("Your answers now score +42")


@pytest.fixture
def fresh_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    return tmp_path / "progress.json"


def test_stance_now_without_lesson_00_answers(fresh_progress):
    box = where_do_you_stand_now()
    texts = " ".join(x.value for x in _walk(box) if isinstance(x, w.HTML))
    assert "No lesson 00 answers were saved" in texts
    reveal = next(x for x in _walk(box) if isinstance(x, w.Checkbox))
    reveal.value = True
    assert _summary(box).startswith("Your answers now score")


def test_stance_now_beside_lesson_00_and_saved_apart(fresh_progress):
    before = {s.key: -1 for s in ST.STATEMENTS}
    progress.save_self_assessment(ST.record(before))
    box = where_do_you_stand_now()
    assert "hidden until you tick the box" in _summary(box)
    sliders = [x for x in _walk(box) if isinstance(x, w.IntSlider)]
    sliders[0].value = 2 if ST.STATEMENTS[0].conversation_right else -2
    next(x for x in _walk(box) if isinstance(x, w.Checkbox)).value = True
    assert _summary(box).startswith("From -50 in lesson 00 to")
    next(x for x in _walk(box) if isinstance(x, w.Button)).click()
    assert progress.load_self_assessment()["answers"] == before  # lesson 00's are untouched
    end = ST.answers_from_record(progress.load_self_assessment(moment="end"))
    assert end[ST.STATEMENTS[0].key] == 2


def test_stance_now_ignores_answers_to_an_older_wording(fresh_progress):
    progress.save_self_assessment({"answers": {s.key: 2 for s in ST.STATEMENTS}, "version": 2})
    box = where_do_you_stand_now()
    texts = " ".join(x.value for x in _walk(box) if isinstance(x, w.HTML))
    assert "earlier wording of the statements (version 2)" in texts


# =========================================================================== the questions


QUESTIONS = (L.q1, L.q2, L.q3, L.q4, L.q5, L.q6)


def test_every_question_is_registered_and_blank_is_not_attempted():
    from widgets.checks import registry

    assert registry()["09"] == [q.qid for q in QUESTIONS]
    for q in QUESTIONS:
        assert q.evaluate(____).status == NOT_ATTEMPTED
        assert len(q.hints) == 3 and q.mistakes
    assert L.r1.prompt and "r1" not in registry()["09"]


def _feedback(q, answer) -> str:
    verdict = q.evaluate(answer)
    assert verdict.status == INCORRECT, (answer, verdict)
    return verdict.message


def _distinct(q, wrong_answers) -> None:
    messages = [_feedback(q, a) for a in wrong_answers]
    assert len(set(messages)) == len(messages), messages
    assert all(msg != q.wrong for msg in messages)


@pytest.fixture(scope="module")
def facebook(posts):
    end = posts["posted_at"].max()
    base = posts[posts["posted_at"] > end - pd.Timedelta(weeks=13)]
    return base, base[base["platform"] == "facebook"]


def test_q1_facebook_likes_now(posts, facebook):
    base, fb = facebook
    right = fb["likes"].sum() / len(fb)
    assert L.q1.evaluate(float(right)).status == CORRECT
    assert L.q1.evaluate(round(float(right), 2)).status == CORRECT
    quarter = posts[(posts["posted_at"] >= "2025-10-01") & (posts["platform"] == "facebook")]
    _distinct(L.q1, [
        float(posts.loc[posts["platform"] == "facebook", "likes"].mean()),
        float(base["likes"].mean()),
        float(fb["likes"].median()),
        float(quarter["likes"].mean()),
        float(base.loc[base["platform"] == "instagram", "likes"].mean()),
        float(fb["comments"].mean()),
    ])
    assert L.q1.evaluate(float(round(right))).status == CORRECT  # a whole number is close enough
    assert L.q1.evaluate(float(right) + 3).message == L.q1.wrong


def test_q2_facebook_posts_per_week(posts, facebook):
    base, fb = facebook
    right = len(fb) / 13
    assert L.q2.evaluate(right).status == CORRECT and L.q2.evaluate(round(right, 2)).status == CORRECT
    span = ((posts["posted_at"].max() - posts["posted_at"].min()).days + 1) / 7
    _distinct(L.q2, [len(fb), (posts["platform"] == "facebook").sum() / span, len(base) / 13,
                     len(fb) / 91, len(fb) / 12])
    assert L.q2.evaluate(right + 1).message == L.q2.wrong


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.ConvergenceWarning")
def test_q3_posts_per_arm_with_statsmodels(facebook):
    _, fb = facebook
    likes = fb["likes"]

    def n(d, **kw):
        settings = {"alpha": 0.05, "power": 0.8, "alternative": "two-sided", **kw}
        return TTestIndPower().solve_power(effect_size=d, **settings)

    both = math.sqrt((1 + 1.3**2) / 2)  # the arm with 1.3 times the likes spreads 1.3 times as wide
    d = 0.3 * likes.mean() / (likes.std() * both)
    right = math.ceil(n(d))
    averaged = 0.3 * likes.mean() / (likes.std() * (1 + 1.3) / 2)  # the two spreads averaged
    for careful in (right, n(d), math.ceil(n(0.3 * likes.mean() / (likes.std(ddof=0) * both))),
                    math.ceil(NormalIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8)),
                    math.ceil(n(averaged))):
        assert L.q3.evaluate(careful).status == CORRECT, careful
    _distinct(L.q3, [
        math.ceil(n(0.3 * likes.mean() / likes.std())),  # today's spread alone
        math.ceil(n(0.3 * likes.mean() / (likes.std() * math.sqrt((1 + 1.3) / 2)))),  # no square
        math.ceil(n(0.3 * likes.mean() / (likes.std() * 1.3))),  # the lifted arm's spread alone
        math.ceil(n(d, alternative="larger")), math.ceil(n(d, alpha=0.01)),
        math.ceil(n(d, power=0.9)), 2 * right, math.ceil(n(0.3)),
        n(0.3 * likes.mean()), math.ceil(n(0.3 * likes.mean() / (likes.var() * both))), 3,
    ])
    assert "today's standard deviation alone" in _feedback(
        L.q3, math.ceil(n(0.3 * likes.mean() / likes.std())))
    assert L.q3.evaluate(right + 30).message == L.q3.wrong


def test_q3_other_platforms_spread_is_named(posts, facebook):
    base, _ = facebook
    both = math.sqrt((1 + 1.3**2) / 2)
    d = 0.3 * base["likes"].mean() / (base["likes"].std() * both)
    n = math.ceil(TTestIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8))
    assert "every platform" in _feedback(L.q3, n)
    whole = posts.loc[posts["platform"] == "facebook", "likes"]
    n = math.ceil(TTestIndPower().solve_power(effect_size=0.3 * whole.mean() / (whole.std() * both),
                                              alpha=0.05, power=0.8))
    assert "whole two years" in _feedback(L.q3, n)


def test_q4_weeks_at_facebooks_volume(posts, facebook):
    base, fb = facebook
    likes = fb["likes"]
    d = 0.3 * likes.mean() / (likes.std() * math.sqrt((1 + 1.3**2) / 2))
    arm = math.ceil(TTestIndPower().solve_power(effect_size=d, alpha=0.05, power=0.8))
    right = 2 * arm / (len(fb) / 13)
    assert L.q4.evaluate(right).status == CORRECT and L.q4.evaluate(round(right)).status == CORRECT
    span = ((posts["posted_at"].max() - posts["posted_at"].min()).days + 1) / 7
    _distinct(L.q4, [arm / (len(fb) / 13), 2 * arm / (len(base) / 13),
                     2 * arm / ((posts["platform"] == "facebook").sum() / span), 2 * arm,
                     right / 52])
    assert L.q4.evaluate(right * 1.5).message == L.q4.wrong


def test_q5_tiktok_reach_reading_is_computed_from_the_data(posts):
    tiktok = posts[posts["platform"] == "tiktok"]
    conv = tiktok["style"] != "broadcast"
    assert tiktok.loc[conv, "reach"].mean() > tiktok.loc[~conv, "reach"].mean()  # per post: ahead
    assert tiktok.loc[conv, "followers"].mean() > tiktok.loc[~conv, "followers"].mean()  # later
    r = L.tiktok_reach()
    assert r["low"] <= 0 <= r["high"]  # per 1,000 followers: no clear difference
    assert L.q5.expected() == "b"
    assert L.q5.evaluate("b").status == CORRECT and L.q5.evaluate(" B ").status == CORRECT
    _distinct(L.q5, ["a", "c", "d"])
    assert "answer with one of" in L.q5.evaluate("e").message


def test_q6_test_design_reading():
    assert L.weeks_needed() > 13 and L.q6.expected() == "c"
    assert L.q6.evaluate("c").status == CORRECT
    _distinct(L.q6, ["a", "b", "d"])


def test_the_solution_notebook_worked_plan_is_a_valid_plan():
    import json

    nb = json.loads((ROOT / "solutions" / "09-capstone-dialogue-strategy.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                == "plan_answer")
    namespace: dict = {}
    exec(cell["source"].replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""),
         namespace)
    plan = make_plan(S.Account(load("posts")), namespace["worked"])
    statuses = [c.status for c in plan.checks]
    assert "plausible" in statuses and "invalid" not in statuses and "empty" not in statuses
    assert plan.design is not None and plan.shift is not None


def test_lesson_and_exercise_exist_and_say_the_plan_is_not_graded():
    lesson = (ROOT / "lessons" / "09-capstone-dialogue-strategy.ipynb").read_text(encoding="utf-8")
    exercise = (ROOT / "exercises" / "09-capstone-dialogue-strategy.ipynb").read_text(encoding="utf-8")
    for text in (lesson, exercise):
        assert "not graded" in text and "my-plan/" in text
    assert "demand effect" in lesson
    assert Path(ROOT / "instructor" / "guides" / "09-capstone-dialogue-strategy.md").is_file()
