"""Lesson 04, from monologue to dialogue: models, figures, the widget and the questions.

Expected values are computed here independently of the model (plain pandas and numpy), and the
lesson's real findings are tested so that its prose cannot drift from the data.
"""

from __future__ import annotations

import json
import math
import re

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

from tests.helpers import ROOT, read, source
from tests.helpers import walk as _walk
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import dialogue as figs
from widgets.models import dialogue as m
from widgets.questions import lesson04 as L
from widgets.views import dialogue as view
from widgets.views.figure import FigureView


@pytest.fixture(scope="module")
def fb() -> pd.DataFrame:
    return load("facebook_metrics")


@pytest.fixture(scope="module")
def page(fb) -> m.PostSet:
    return m.real_page(fb)


@pytest.fixture(scope="module")
def synthetic() -> pd.DataFrame:
    return load("posts")


def tiny(**extra) -> pd.DataFrame:
    """Five posts of two kinds, by hand: A reaches 100 and 200 people, B 0, 50 and 400."""
    frame = pd.DataFrame({
        "kind": ["A", "A", "B", "B", "B"],
        "Reach": [100, 200, 0, 50, 400],
        "impressions": [150, 300, 10, 60, 500],
        "followers": [1000, 1000, 1000, 1000, 1000],
        "likes": [8, 16, 1, 4, np.nan],
        "comments": [1, 3, 0, 0, 2],
        "shares": [1, 1, 0, 1, 2],
    })
    return frame.assign(**extra)


def canon(**extra) -> pd.DataFrame:
    return m.to_canonical(tiny(**extra), columns={"reach": "Reach"}, groupings={"kind": "kind"})


# ----------------------------------------------------------------------------- canonical posts


def test_to_canonical_maps_columns_and_keeps_not_recorded_as_nan():
    posts = canon()
    assert list(posts.columns) == [*m.CANONICAL, "kind"]
    assert posts["reach"].tolist() == [100, 200, 0, 50, 400]
    assert math.isnan(posts.at[4, "likes"]) and posts["likes"].dtype == float
    assert list(posts["kind"].cat.categories) == ["A", "B"]


def test_a_missing_or_odd_column_is_a_plain_message():
    with pytest.raises(m.MissingColumn, match="no column 'Reach count'"):
        m.to_canonical(tiny(), columns={"reach": "Reach count"})
    with pytest.raises(m.MissingColumn, match="group them by style"):
        m.to_canonical(tiny(), groupings={"style": "style"})
    with pytest.raises(ValueError, match="not one of the columns the metrics use"):
        m.to_canonical(tiny(), columns={"views": "Reach"})
    with pytest.raises(ValueError, match=r"'shares'.*row 2: 'many' is not a number"):
        m.to_canonical(tiny(shares=[1, "many", 0, 1, 2]))
    with pytest.raises(ValueError, match="negative"):
        m.to_canonical(tiny(comments=[1, -3, 0, 0, 2]))
    no_reach = m.to_canonical(tiny())  # 'Reach' is not 'reach': left out, not an error here
    with pytest.raises(m.MissingColumn, match="engagement per reach needs a 'reach' column") as err:
        m.metric_values(no_reach, "per_reach")
    assert "columns={'reach': 'Your column name'}" in str(err.value)


def test_a_missing_grouping_value_is_not_recorded():
    posts = m.to_canonical(tiny(kind=["A", None, "B", "B", "B"]), groupings={"kind": "kind"})
    assert list(posts["kind"].cat.categories) == ["A", "B", "not recorded"]


def test_metric_values_by_hand():
    posts = canon()
    per_reach = m.metric_values(posts, "per_reach")
    assert per_reach[0] == pytest.approx(10 / 100) and per_reach[1] == pytest.approx(20 / 200)
    assert math.isnan(per_reach[2])  # reach 0: no rate
    assert per_reach[3] == pytest.approx(5 / 50)
    assert math.isnan(per_reach[4])  # likes not recorded
    assert m.metric_values(posts, "conversation").tolist() == [1, 3, 0, 0, 2]
    assert m.metric_values(posts, "per_follower")[1] == pytest.approx(20 / 1000)
    assert m.left_out(posts, "per_reach") == {"not recorded": 1, "zero reach": 1}
    assert m.left_out(posts, "conversation") == {}
    assert m.left_out(posts, "applause") == {"not recorded": 1}


def test_kaushik_rates_and_interaction_shares_by_hand():
    posts = canon()
    rates = m.kaushik_rates(posts)
    assert rates.to_dict() == pytest.approx({"conversation": 6 / 5, "amplification": 5 / 5,
                                             "applause": 29 / 4})
    shares = m.interaction_shares(posts)  # the post with likes not recorded is left out
    assert shares.loc["all posts", "posts"] == 4
    assert shares.loc["all posts", "comments"] == pytest.approx(4 / (4 + 3 + 29))
    by = m.interaction_shares(posts, "kind")
    assert by.loc["A", "likes"] == pytest.approx(24 / 30)


# ----------------------------------------------------------------------------- the bootstrap


def test_bootstrap_means_resample_with_replacement_and_are_reproducible():
    x = np.arange(50, dtype=float)
    means = m.bootstrap_means(x, 1000, 7)
    rng = np.random.default_rng(7)  # the same draws, written out directly
    direct = x[rng.integers(0, 50, size=(1000, 50))].mean(axis=1)
    assert means == pytest.approx(direct)
    assert means.std() > 0  # without replacement every mean would be 24.5
    assert m.bootstrap_means(x, 1000, 7) == pytest.approx(means)
    assert m.bootstrap_means([], 10).size == 0
    assert m.bootstrap_means([1.0, np.nan, 3.0], 200, 0).max() <= 3.0


def test_bootstrap_interval_is_about_the_textbook_width():
    x = np.random.default_rng(1).normal(10, 2, 400)
    lo, hi = m.bootstrap_interval(x, 2000, 0)
    se = x.std() / math.sqrt(len(x))
    assert lo < x.mean() < hi
    assert hi - lo == pytest.approx(2 * 1.96 * se, rel=0.1)
    assert all(math.isnan(v) for v in m.bootstrap_interval([4.0], 100, 0))


def test_the_fast_paths_have_the_bootstrap_distribution():
    counts = np.random.default_rng(2).poisson(3, 5000).astype(float)  # many repeated values
    exact = counts[np.random.default_rng(3).integers(0, 5000, (1000, 5000))].mean(axis=1)
    multinomial = m.bootstrap_means(counts, 1000, 4)  # 5,000 x 1,000 > 1M cells: multinomial
    assert multinomial.mean() == pytest.approx(exact.mean(), abs=0.01)
    assert multinomial.std() == pytest.approx(exact.std(), rel=0.1)
    large = np.random.default_rng(5).exponential(1, m.LARGE_GROUP)
    normal = m.bootstrap_means(large, 1000, 6)  # a very large group: the normal limit
    assert normal.std() == pytest.approx(large.std() / math.sqrt(len(large)), rel=0.1)


def test_bootstrap_difference_resamples_the_two_groups_independently():
    a = np.arange(30, dtype=float)
    lo, hi = m.bootstrap_difference(a, a.copy(), 1000, 0)
    assert lo < 0 < hi and hi - lo > 3  # the same draws for both would give exactly 0
    b = a + 20
    lo, hi = m.bootstrap_difference(b, a, 1000, 0)
    assert lo < 20 < hi and lo > 0
    assert m.mean_difference(b, a) == pytest.approx(20)
    assert all(math.isnan(v) for v in m.bootstrap_difference([1.0], a))


# ----------------------------------------------------------------------------- rankings


def test_ranking_orders_groups_with_intervals_and_handles_a_single_post():
    posts = canon(kind=["A", "A", "B", "B", "C"], comments=[1, 3, 0, 0, 5])
    r = m.ranking(posts, "conversation", "kind")
    assert list(r.table.index) == ["A", "B", "C"]  # C: one post with 5 comments, after the ranked
    assert r.table["posts"].tolist() == [2, 2, 1]
    assert r.single == ["C"] and math.isnan(r.table.at["C", "low"])
    assert r.leader == "A" and r.runner_up == "B"  # a single post ranks nothing
    assert r.rank_of("B") == 2 and r.rank_of("C") == 3 and r.rank_of("Z") is None
    assert r.overall == pytest.approx(9 / 5)
    assert r.lead is not None and r.lead_is_clear in (True, False)
    assert m.leaders(posts, "kind", ["conversation"]) == {"conversation": "A"}
    # one group of two posts or more, and single posts: no definition has a leader
    alone = canon(kind=["A", "A", "B", "C", "D"])
    assert m.leaders(alone, "kind") == {}
    assert m.ranking(alone, "conversation", "kind").runner_up is None


def test_an_empty_selection_and_a_single_group():
    posts = canon()
    empty = m.ranking(posts.iloc[:0], "per_reach", "kind")
    assert empty.table.empty and empty.leader is None and empty.runner_up is None
    assert empty.lead_is_clear is None and math.isnan(empty.overall)
    one = m.ranking(m.select(posts, "kind", "A"), "conversation", "kind")
    assert list(one.table.index) == ["A"] and one.runner_up is None and one.lead is None


def test_ratio_of_sums_weighs_widely_seen_posts_more(fb, page):
    posts = canon()
    # A: (10 + 20) / (100 + 200); B: only the post with reach 50 counts (reach 0, likes unknown)
    assert m.ratio_of_sums(posts, "per_reach", "kind").to_dict() == pytest.approx({"A": 10.0, "B": 10.0})
    assert m.ratio_of_sums(posts, "conversation", "kind").to_dict() == pytest.approx({"A": 2.0, "B": 2 / 3})
    known = fb.dropna(subset=["likes", "shares"])
    engagement = known["comments"] + known["likes"] + known["shares"]
    by = engagement.groupby(known["type"], observed=True).sum() / known.groupby("type", observed=True)[
        "reach"].sum()
    assert m.ratio_of_sums(page.posts, "per_reach", "post type").to_dict() == pytest.approx(
        (100 * by).to_dict())


def test_ratio_of_sums_gap_by_hand_and_on_the_real_page(page, fb):
    # B: the post with reach 0 has no rate; the others give (5 + 13) / (50 + 400)
    posts = canon(likes=[8, 16, 1, 4, 9])
    gap, low, high = m.ratio_of_sums_gap(posts, "per_reach", "kind", "A", "B", n_boot=500, seed=3)
    assert gap == pytest.approx(100 * (30 / 300 - 18 / 450))
    # A's two posts both have rate 0.1; B's resamples give 0.1, 0.04 or 0.0325
    assert 0 <= low < gap < high == pytest.approx(100 * (0.1 - 13 / 400))
    assert all(math.isnan(v) for v in m.ratio_of_sums_gap(canon(), "per_reach", "kind", "A", "B"))
    with pytest.raises(ValueError, match="count per post"):
        m.ratio_of_sums_gap(posts, "conversation", "kind", "A", "B")
    # an independent bootstrap of the same quantity, written out with pandas
    known = fb.dropna(subset=["likes", "shares"])
    rng = np.random.default_rng(0)
    groups = {t: known[known["type"] == t] for t in ("Status", "Photo")}

    def total_over_total(part: pd.DataFrame) -> float:
        return (part["comments"] + part["likes"] + part["shares"]).sum() / part["reach"].sum()

    gaps = []
    for _ in range(1000):
        draws = [g.iloc[rng.integers(0, len(g), len(g))] for g in groups.values()]
        gaps.append(100 * (total_over_total(draws[0]) - total_over_total(draws[1])))
    lo, hi = np.percentile(gaps, [2.5, 97.5])
    gap, low, high = m.ratio_of_sums_gap(page.posts, "per_reach", "post type", "Status", "Photo")
    by_hand = total_over_total(groups["Status"]) - total_over_total(groups["Photo"])
    assert gap == pytest.approx(100 * by_hand)
    assert low == pytest.approx(lo, abs=0.15) and high == pytest.approx(hi, abs=0.15)
    # the lesson's claim: total over total, photos' lead per reach is gone (the gap includes 0)
    assert low < 0 < high and abs(gap) < 0.05
    assert m.ratio_of_sums_gap(page.posts, "per_impression", "post type", "Status", "Photo")[1] < 0


def test_rank_table_and_pooled_and_within(synthetic):
    cp = m.course_posts(synthetic)
    table = m.pooled_and_within(cp.posts, "per_follower", "post type", "platform")
    rate = (synthetic["likes"] + synthetic["comments"] + synthetic["shares"]) / synthetic["followers"]
    pooled = 100 * rate.groupby(synthetic["format"], observed=True).mean()
    fbk = synthetic["platform"] == "facebook"
    within = 100 * rate[fbk].groupby(synthetic["format"][fbk], observed=True).mean()
    assert table["pooled"].to_dict() == pytest.approx(pooled.to_dict())
    assert table["facebook"].dropna().to_dict() == pytest.approx(within.to_dict())
    assert math.isnan(table.at["carousel", "facebook"])


def test_post_sets(page, fb, synthetic):
    assert page.posts["followers"].tolist() == fb["page_total_likes"].tolist()
    assert list(page.filters) == ["all 500 posts", "paid posts only (139)", "organic posts only (360)"]
    assert len(page.selection("paid posts only (139)")) == 139
    assert page.posts["paid or organic"].value_counts()["not recorded"] == 1
    assert page.metrics() == list(m.METRICS)
    cp = m.course_posts(synthetic)
    assert cp.groupings == ["post type", "post style", "platform"]
    assert len(cp.selection(f"tiktok only ({(synthetic['platform'] == 'tiktok').sum():,})")) == int(
        (synthetic["platform"] == "tiktok").sum())
    own = m.post_set(tiny(), {"kind": "kind"}, columns={"reach": "Reach"}, filter_by="kind")
    assert list(own.filters) == ["all posts (5)", "A only (2)", "B only (3)"]
    assert "per_reach" in own.metrics()
    with pytest.raises(ValueError, match="at least one column"):
        m.post_set(tiny(), [])


# ----------------------------------------------------------------------------- the real findings


def test_real_page_is_mostly_applause(page, fb):
    shares = m.interaction_shares(page.posts)
    complete = fb.dropna(subset=["likes", "shares"])
    total = complete[["comments", "likes", "shares"]].sum()
    assert shares.loc["all posts", "comments"] == pytest.approx(total["comments"] / total.sum())
    assert shares.loc["all posts", "comments"] < 0.05 < 0.8 < shares.loc["all posts", "likes"]


def test_real_ranking_flips_between_definitions_and_the_video_lead_is_noise(page, fb):
    lead = m.leaders(page.posts, "post type")
    assert lead["per_reach"] == lead["per_impression"] == "Photo"
    assert {lead[k] for k in ("per_follower", "conversation", "amplification", "applause")} == {"Video"}
    rate = (fb["comments"] + fb["likes"] + fb["shares"]) / fb["reach"]  # NaN where not recorded
    assert rate.groupby(fb["type"], observed=True).mean().idxmax() == "Photo"
    conversation = m.ranking(page.posts, "conversation", "post type")
    assert conversation.leader == "Video" and conversation.table.at["Video", "posts"] == 7
    assert conversation.lead_is_clear is False
    assert m.ranking(page.posts, "per_reach", "post type").lead_is_clear is True


def test_within_a_content_category_photos_still_lead_and_videos_are_still_noise(page, fb):
    """The lesson's stratified reading, recomputed with pandas (per-post rates, then means)."""
    assert pd.crosstab(fb["type"], fb["category"]).loc["Video"].tolist() == [7, 0, 0]
    assert pd.crosstab(fb["type"], fb["category"]).loc["Status", 2] == 38
    rate = (fb["comments"] + fb["likes"] + fb["shares"]) / fb["reach"]
    for category, label in [(2, "product"), (3, "inspiration")]:
        part = fb["category"] == category
        means = rate[part].groupby(fb["type"][part], observed=True).mean()
        r = m.ranking(m.select(page.posts, "content category", label), "per_reach", "post type")
        assert r.leader == "Photo" and r.runner_up == "Status" and r.lead_is_clear
        assert r.table.at["Photo", "value"] == pytest.approx(means["Photo"])
    action = m.ranking(m.select(page.posts, "content category", "action"), "conversation", "post type")
    assert action.leader == "Video" and action.runner_up == "Photo" and action.lead_is_clear is False


def test_paid_posts_reach_more_and_one_post_carries_the_per_post_gaps(page, fb):
    posts = page.posts
    paid, organic = (m.select(posts, "paid or organic", g) for g in ("paid", "organic"))
    assert m.bootstrap_difference(paid["reach"], organic["reach"])[0] > 0
    top = int(fb["comments"].idxmax())
    assert (fb.at[top, "comments"], fb.at[top, "type"], bool(fb.at[top, "paid"])) == (372, "Photo", True)
    assert fb.at[top, "comments"] / fb["comments"].sum() == pytest.approx(0.099, abs=0.001)

    def gap(data: pd.DataFrame, key: str) -> tuple[float, float]:
        values = m.group_values(data, key, "paid or organic")
        return m.bootstrap_difference(values["paid"], values["organic"])

    assert gap(posts, "per_reach")[0] < 0 < gap(posts, "per_reach")[1]
    for key in ("applause", "per_follower"):  # clear of zero with the post, not without it
        assert gap(posts, key)[0] > 0
        low, high = gap(posts.drop(index=top), key)
        assert low < 0 < high, key
    assert gap(posts.drop(index=top), "conversation")[0] < 0


def test_the_card_reading_of_engaged_users_holds(fb):
    """datasets/README.md: engaged users is never below post consumers nor total interactions,
    and engaged page likers never above engaged users."""
    assert (fb["engaged_users"] >= fb["post_consumers"]).all()
    assert (fb["engaged_users"] >= fb["total_interactions"]).all()
    assert (fb["engaged_page_likers"] <= fb["engaged_users"]).all()


# ----------------------------------------------------------------------------- figures


def test_ranking_figure_states_the_finding_and_draws_intervals(page):
    r = m.ranking(page.posts, "conversation", "post type")
    fig = figs.ranking_figure(r, "post type", highlight="Video")
    trace = fig.data[0]
    assert list(trace.y) == [figs.group_label(g, int(n)) for g, n in r.table["posts"].items()]
    assert trace.y[0] == "Video (7 posts)"
    assert list(trace.x) == pytest.approx(r.table["value"].tolist())
    assert trace.error_x.array[0] == pytest.approx(r.table["high"].iloc[0] - r.table["value"].iloc[0])
    assert trace.marker.color[0] == figs.COLOURS["highlight"]
    title = fig.layout.title.text
    assert "Video leads (12.3 on 7 posts)" in title and "could be chance" in title
    assert fig.layout.shapes[0].x0 == pytest.approx(r.overall)
    assert fig.layout.xaxis.title.text == "comments per post"
    per_reach = figs.ranking_figure(m.ranking(page.posts, "per_reach", "post type"))
    assert "clear of Status" in per_reach.layout.title.text
    assert per_reach.layout.xaxis.ticksuffix == "%"


def test_a_single_post_has_no_whisker_and_the_question_hides_the_values(page):
    r = m.ranking(page.posts, "per_reach", "paid or organic")
    fig = figs.ranking_figure(r, "paid or organic")
    i = list(r.table.index).index("not recorded")
    assert fig.data[0].error_x.array[i] == 0 and fig.data[0].marker.color[i] == figs.COLOURS["neutral"]
    ask = figs.ranking_figure(groups={"Photo": 426, "Video": 7}, metric=m.METRICS["applause"])
    assert list(ask.data[0].x) == [None, None] and "Make your prediction" in ask.layout.title.text
    empty = m.ranking(page.posts.iloc[:0], "per_reach", "post type")
    assert "no posts to compare" in figs.ranking_figure(empty).layout.title.text


def test_composition_and_bootstrap_figures(page):
    shares = pd.concat([m.interaction_shares(page.posts), m.interaction_shares(page.posts, "post type")])
    fig = figs.composition_figure(shares)
    assert f"comments are {100 * shares.loc['all posts', 'comments']:.1f}%" in fig.layout.title.text
    assert [t.name for t in fig.data] == ["comments (conversation)", "shares (amplification)",
                                          "likes (applause)"]
    r = m.ranking(page.posts, "conversation", "post type")
    boot = figs.bootstrap_figure({g: r.samples[g] for g in ["Video", "Photo"]},
                                 {"Video": 7, "Photo": 426}, r.metric)
    widths = [r.table.at[g, "high"] - r.table.at[g, "low"] for g in ["Video", "Photo"]]
    assert f"{widths[0] / widths[1]:.1f} times as wide" in boot.layout.title.text
    assert len(boot.data) == 2


# ----------------------------------------------------------------------------- the widget


def _control(box, description):
    return next(x for x in _walk(box) if getattr(x, "description", "").startswith(description))


def _summary(box) -> str:
    html = next(x for x in _walk(box) if "course-widget-summary" in getattr(x, "_dom_classes", ()))
    return re.sub(r"<[^>]+>", "", html.value).replace("&#x27;", "'")


def _figure(box) -> FigureView:
    return next(x for x in _walk(box) if isinstance(x, FigureView))


@pytest.fixture
def widget():
    return view.monologue_dialogue()


def test_predict_first_then_the_ranking_is_revealed(widget):
    assert "course-widget-monologue-dialogue" in widget._dom_classes
    assert "Predict first" in _summary(widget) and "Photo, Status, Link or Video" in _summary(widget)
    assert json.loads(_figure(widget).figure_json)["data"][0]["x"] == [None] * 4
    _control(widget, "Your prediction").value = "Video"
    text = _summary(widget)
    assert "under engagement per reach, Photo (2.62%) leads" in text
    assert "Your prediction, Video, comes 3rd of 4 here, and leads under 4 of the 6" in text
    assert "With only 7 posts, Video is an anecdote" in text and "Real:" in text
    assert "Left out: 4 posts (a count was not recorded)" in text
    _control(widget, "Definition of engagement").value = "conversation"
    text = _summary(widget)
    assert "Video (12.3) leads" in text and "could be chance" in text
    assert "comes 1st of 4" in text


def test_grouping_data_and_filters_change_what_is_shown(widget):
    _control(widget, "Your prediction").value = "Photo"
    _control(widget, "Group by").value = "paid or organic"
    text = _summary(widget)
    assert "The group not recorded (2.84%) is a single post" in text and "comes" not in text
    assert "organic (2.49%) leads, then paid (2.23%)." in text  # a single post never leads
    assert "Your prediction, Photo, was about the post types" in text
    _control(widget, "Your prediction").value = "Status"  # still changes what is shown
    assert "Your prediction, Status, was about the post types" in _summary(widget)
    _control(widget, "Data").value = 1
    assert "Synthetic" in _summary(widget)
    assert _control(widget, "Group by").options == ("post type", "post style", "platform")
    assert _control(widget, "Posts").options[1].startswith("facebook only")
    _control(widget, "Definition of engagement").value = "per_follower"
    pooled = _summary(widget)
    _control(widget, "Posts").value = _control(widget, "Posts").options[1]
    assert _summary(widget) != pooled and "facebook only" in _summary(widget)
    _control(widget, "Group by").value = "platform"
    assert "only one group" in _summary(widget)


def test_the_bootstrap_runs_once_per_setting(monkeypatch):
    calls = []

    def counting(posts, metric, by, *args, **kwargs):
        calls.append((len(posts), metric, by))
        return m.ranking(posts, metric, by, *args, **kwargs)

    monkeypatch.setattr(view, "ranking", counting)
    box = view.monologue_dialogue()
    _control(box, "Your prediction").value = "Link"
    metric = _control(box, "Definition of engagement")
    for key in ["applause", "per_reach", "applause", "per_reach"]:
        metric.value = key
    _control(box, "Your prediction").value = "Photo"
    assert sorted(calls) == sorted([(500, "per_reach", "post type"), (500, "applause", "post type")])


def test_the_widget_takes_other_posts_as_arguments():
    health = load("health_posts")
    box = view.monologue_dialogue(health, groupings=["style", "format"], label="Harbour City Health",
                                  evidence="Synthetic", filter_by="platform")
    assert not [x for x in _walk(box) if isinstance(x, w.ToggleButtons)]  # no prediction to make
    assert "Synthetic: Harbour City Health" in _summary(box) and "by style" in _summary(box)
    assert _control(box, "Posts").options[0] == f"all posts ({len(health)})"


def test_bad_input_gives_plain_sentences():
    box = view.monologue_dialogue(tiny(), groupings={"kind": "kind"}, columns={"reach": "Reach"})
    text = _summary(box)
    assert "Left out: 1 post (its reach is 0, and there is no rate without a denominator)" in text
    assert "Left out: 1 post (a count was not recorded)" in text
    single = view.monologue_dialogue(tiny(kind=["A", "A", "B", "B", "C"]), groupings=["kind"],
                                     columns={"reach": "Reach"})
    _control(single, "Definition of engagement").value = "conversation"
    assert "The group C (2.0) is a single post: one post has no interval" in _summary(single)
    empty = view.monologue_dialogue(tiny().iloc[:0], groupings=["kind"], columns={"reach": "Reach"})
    assert "there are no posts to compare" in _summary(empty)
    missing = view.monologue_dialogue(tiny(), groupings=["style"])
    assert "cannot show these posts" in _summary(missing) and "no column 'style'" in _summary(missing)
    no_groups = view.monologue_dialogue(tiny())
    assert "say which columns to group the posts by" in _summary(no_groups)
    assert "give an export" in _summary(view.monologue_dialogue([1, 2]))
    assert "give an export" in _summary(view.monologue_dialogue([]))
    no_counts = view.monologue_dialogue(pd.DataFrame({"kind": ["A"]}), groupings=["kind"])
    assert "none of the count columns" in _summary(no_counts)
    bad = view.monologue_dialogue(tiny(shares=[1, "many", 0, 1, 2]), groupings=["kind"])
    assert "'many' is not a number" in _summary(bad)


# ----------------------------------------------------------------------------- the questions


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, verdict)
    return verdict.message


def test_every_question_says_not_attempted_for_the_placeholder():
    for q in (L.q1, L.q2, L.q3, L.q4, L.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED, q.qid


def _rates(frame: pd.DataFrame, how: str = "mean") -> dict[str, float]:
    return {"conversation": float(getattr(frame["comments"].astype(float), how)()),
            "amplification": float(getattr(frame["shares"].astype(float), how)()),
            "applause": float(getattr(frame["likes"].astype(float), how)())}


def test_q1_kaushik_rates_on_the_inspiration_posts(fb):
    inspiration = fb[fb["category"] == 3]
    assert len(inspiration) == 155 and not inspiration[["likes", "shares"]].isna().any().any()
    right = _rates(inspiration)
    assert L.q1.evaluate(right).status == CORRECT
    assert L.q1.evaluate(pd.Series(right)[["applause", "conversation", "amplification"]]).status == CORRECT
    assert "three keys" in _feedback(L.q1, {"comments": 1, "shares": 2, "likes": 3})
    assert "slice is probably empty" in _feedback(L.q1, _rates(fb[fb["category"] == "3"]))
    empty = fb[fb["category"] == "3"]  # as a learner writes it: pandas gives <NA> for likes
    assert "slice is probably empty" in _feedback(L.q1, {
        "conversation": empty["comments"].mean(), "amplification": empty["shares"].mean(),
        "applause": empty["likes"].mean()})
    assert "totals" in _feedback(L.q1, _rates(inspiration, "sum"))
    assert "every post on the page" in _feedback(L.q1, _rates(fb))
    assert "action posts" in _feedback(L.q1, _rates(fb[fb["category"] == 1]))
    assert "product posts" in _feedback(L.q1, _rates(fb[fb["category"] == 2]))
    assert "medians" in _feedback(L.q1, _rates(inspiration, "median"))
    photos = fb[fb["type"] == "Photo"]
    assert "not the answer the data gives" in _feedback(L.q1, _rates(photos))


def test_q2_and_q5_are_interpretation_questions_with_a_reason_for_each_reading():
    assert L.q2.evaluate("c").status == CORRECT and L.q2.evaluate(" C ").status == CORRECT
    assert "reactions" in _feedback(L.q2, "a")
    assert "invents" in _feedback(L.q2, "b")
    assert "does not record what the brand paid" in _feedback(L.q2, "d")
    assert "answer with one of" in _feedback(L.q2, "e")
    assert L.q5.evaluate("c").status == CORRECT
    assert "reached far more people" in _feedback(L.q5, "a")
    assert "before looking" in _feedback(L.q5, "b")
    assert "Reach alone" in _feedback(L.q5, "d")


def _instagram(synthetic, per=1000.0, platform="instagram"):
    p = synthetic if platform is None else synthetic[synthetic["platform"] == platform]
    v = p["comments"] / p["followers"] * per if per else p["comments"].astype(float)
    return v[p["style"] == "behind_the_scenes"], v[p["style"] == "broadcast"]


def test_q3_a_fair_difference_and_its_mistakes(synthetic):
    a, b = _instagram(synthetic)
    right = a.mean() - b.mean()
    assert L.q3.evaluate(right).status == CORRECT
    pooled = [x.mean() for x in _instagram(synthetic, platform=None)]
    raw = [x.mean() for x in _instagram(synthetic, 0)]
    assert "pooled" in _feedback(L.q3, pooled[0] - pooled[1])
    assert "raw comments per post" in _feedback(L.q3, raw[0] - raw[1])
    assert "per follower" in _feedback(L.q3, right / 1000)
    assert "per 100 followers" in _feedback(L.q3, right / 10)
    assert "broadcast minus" in _feedback(L.q3, -right)
    assert "ratio" in _feedback(L.q3, a.mean() / b.mean())
    assert "medians" in _feedback(L.q3, a.median() - b.median())
    p = synthetic[synthetic["platform"] == "instagram"]
    v = p["comments"] / p["followers"] * 1000
    assert "every conversational style" in _feedback(
        L.q3, v[p["style"] != "broadcast"].mean() - v[p["style"] == "broadcast"].mean())
    assert "not the answer the data gives" in _feedback(L.q3, right + 0.05)


def _percentile_bootstrap(a, b, seed, level=0.95, n=1000, replace=True):
    rng = np.random.default_rng(seed)
    a, b = np.asarray(a), np.asarray(b)
    gaps = [rng.choice(a, len(a), replace=replace).mean() - rng.choice(b, len(b), replace=replace).mean()
            for _ in range(n)]
    tail = 100 * (1 - level) / 2
    return tuple(np.percentile(gaps, [tail, 100 - tail]))


def test_q4_any_careful_bootstrap_is_right_and_each_mistake_is_named(synthetic):
    a, b = _instagram(synthetic)
    assert L.q4.evaluate(m.bootstrap_difference(a, b, 1000, 0)).status == CORRECT
    for seed in (1, 2, 3):
        assert L.q4.evaluate(_percentile_bootstrap(a, b, seed)).status == CORRECT
    se = math.sqrt(a.var() / len(a) + b.var() / len(b))
    gap = a.mean() - b.mean()
    assert L.q4.evaluate((gap - 1.96 * se, gap + 1.96 * se)).status == CORRECT  # normal approximation
    assert "WITHOUT replacement" in _feedback(L.q4, _percentile_bootstrap(a, b, 0, replace=False))
    assert "low end first" in _feedback(L.q4, _percentile_bootstrap(a, b, 0)[::-1])
    assert "90% interval" in _feedback(L.q4, _percentile_bootstrap(a, b, 4, level=0.90))
    assert "99% interval" in _feedback(L.q4, _percentile_bootstrap(a, b, 4, level=0.99))
    assert "pooled gap" in _feedback(L.q4, _percentile_bootstrap(*_instagram(synthetic, platform=None), 0))
    assert "alone" in _feedback(L.q4, m.bootstrap_interval(a, 1000, 5))
    assert "raw comments per post" in _feedback(L.q4, _percentile_bootstrap(*_instagram(synthetic, 0), 0))
    assert "two numbers" in _feedback(L.q4, 0.2)
    assert "two numbers" in _feedback(L.q4, "0.1 to 0.3")
    assert "not the answer the data gives" in _feedback(L.q4, (0.2, 0.5))


def test_reflection_and_registry():
    from widgets.checks import registry

    assert "videos" in L.r1.prompt and L.r1.var == "reply_to_the_brand"
    assert registry()["04"] == ["q1", "q2", "q3", "q4", "q5"]


def test_the_exercise_states_every_choice_it_checks():
    text = "\n".join(source(c) for c in read(ROOT / "exercises" / "04-monologue-to-dialogue.ipynb")["cells"])
    for q in (L.q2, L.q5):
        for key, reading in q.choices.items():
            assert f"**{key}**: {reading}" in text
    assert L.r1.prompt in text


# ----------------------------------------------------------------------------- the learner's own export

EXPORTS = ROOT / "tests" / "fixtures" / "exports"


def _export(name: str, **kw):
    from widgets.data import load_export

    return load_export(EXPORTS / name, **kw)


def _note(box) -> str:
    html = [x for x in _walk(box) if "course-widget-note" in getattr(x, "_dom_classes", ())]
    return re.sub(r"<[^>]+>", "", html[0].value).replace("&#x27;", "'") if html else ""


def _every_control_changes_what_is_shown(box) -> list[str]:
    """The test of tests/test_views.py, on a view built on an export: each control through its
    options; returns the controls moved (every one must change the summary or the figure)."""
    from tests.test_views import _current, _set, bench, shown, values_to_try

    moved = []
    for control in bench.find_controls(box):
        for attr, value in values_to_try(control):
            if _current(control, attr) == value:
                continue
            before = shown(box)
            _set(control, attr, value)
            assert shown(box) != before, f"{control.description} = {value!r} changed nothing"
            moved.append(control.description)
    return moved


def test_an_export_becomes_posts_with_what_it_supports():
    meta = m.export_post_set(_export("meta_facebook_content.csv"))
    assert meta.label == "Your data: Meta Business Suite content export (Facebook), meta_facebook_content.csv"
    assert meta.groupings == ["post type", "month posted"] and list(meta.filters) == ["all 6 posts"]
    assert meta.metrics() == ["per_reach", "per_impression", "conversation", "amplification", "applause"]
    one_sentence = re.compile(r"^[A-Z][^\n]*\.$")
    assert one_sentence.match(meta.unavailable) and not re.search(r"[.;:] [A-Z]", meta.unavailable)
    assert meta.unavailable.startswith("Not available")
    assert "engagement per follower (no followers column" in meta.unavailable
    assert "grouping by post style (no style column" in meta.unavailable
    assert "grouping by platform (all the posts are from facebook)" in meta.unavailable
    assert list(meta.posts["month posted"].cat.categories) == ["2025-01", "2025-02"]
    linkedin = m.export_post_set(_export("linkedin_content.xls"))
    assert "engagement per reach (no reach column: LinkedIn's content export has impressions but no reach" \
        in linkedin.unavailable
    assert linkedin.groupings == ["post type"] and "per_reach" not in linkedin.metrics()
    assert linkedin.notes == ["1 count (likes) was negative in the export: read as not recorded."]
    assert math.isnan(linkedin.posts.at[3, "likes"])  # the -1 like of the fixture
    followers = m.export_post_set(_export("linkedin_content.xls", followers=1200))
    assert "per_follower" in followers.metrics() and "follower" not in followers.unavailable
    pooled = m.export_post_set([_export("meta_facebook_content.csv"), _export("meta_instagram_content.csv")])
    assert pooled.groupings == ["post type", "platform", "month posted"]
    assert list(pooled.filters) == ["all 11 posts", "facebook only (6)", "instagram only (5)"]
    assert "grouping by platform" not in pooled.unavailable
    youtube = m.export_post_set(_export("youtube_table_data.csv"))
    assert youtube.metrics() == [] and youtube.unavailable.startswith("No definition of engagement")
    assert "no likes column" in youtube.unavailable
    with pytest.raises(m.MissingColumn, match="nothing to group these posts by.*no format column"):
        m.export_post_set(_export("x_content.csv"))
    course = m.export_post_set(load("posts"))  # the course's own posts columns: everything offered
    assert course.unavailable == "" and course.metrics() == list(m.METRICS)
    assert course.groupings == ["post type", "post style", "platform", "quarter posted"]
    with pytest.raises(ValueError, match="give an export"):
        m.export_post_set([3])


def test_negative_counts_are_refused_or_read_as_not_recorded():
    with pytest.raises(ValueError, match="negative"):
        m.to_canonical(tiny(comments=[1, -3, 0, 0, 2]))
    read = m.to_canonical(tiny(comments=[1, -3, 0, 0, 2]), negatives="missing")
    assert math.isnan(read.at[1, "comments"]) and read.at[0, "comments"] == 1


def test_the_widget_on_a_meta_business_suite_export():
    box = view.monologue_dialogue(_export("meta_facebook_content.csv"))
    assert "course-widget-monologue-dialogue" in box._dom_classes
    assert not [x for x in _walk(box) if isinstance(x, w.ToggleButtons)]  # no prediction to make
    assert _note(box).startswith("Not available with these posts: engagement per follower (no followers")
    text = _summary(box)
    assert text.startswith("Your data: Meta Business Suite content export (Facebook)")
    assert "only video (3.63%) has two posts or more: nothing to rank it against" in text
    assert "are single posts: one post has no interval, and ranks nothing" in text
    moved = _every_control_changes_what_is_shown(box)
    assert set(moved) == {"Group by", "Definition of engagement"}
    _control(box, "Group by").value = "month posted"
    assert "by month posted" in _summary(box)


def test_the_widget_on_a_linkedin_export_and_its_path():
    box = view.monologue_dialogue(_export("linkedin_content.xls"))
    assert "engagement per reach (no reach column" in _note(box)
    assert "1 count (likes) was negative in the export" in _note(box)
    text = _summary(box)
    assert "under engagement per impression, no group has two posts or more" in text
    assert "Left out: 1 post (a count was not recorded)" in text
    assert _control(box, "Definition of engagement").options == (
        ("engagement per impression", "per_impression"), ("conversation rate", "conversation"),
        ("amplification rate", "amplification"), ("applause rate", "applause"))
    assert not [x for x in _walk(box) if getattr(x, "description", "") in ("Group by", "Posts")]
    assert _every_control_changes_what_is_shown(box) == ["Definition of engagement"] * 3
    by_path = view.monologue_dialogue(str(EXPORTS / "linkedin_content.xls"))
    assert _summary(by_path) == _summary(view.monologue_dialogue(_export("linkedin_content.xls")))


def test_the_widget_on_two_exports_pooled_compares_within_a_platform():
    box = view.monologue_dialogue([_export("meta_facebook_content.csv"),
                                   _export("meta_instagram_content.csv")])
    assert "grouping by platform" not in _note(box) and "engagement per follower" in _note(box)
    moved = _every_control_changes_what_is_shown(box)
    assert set(moved) == {"Posts", "Group by", "Definition of engagement"}
    _control(box, "Posts").value = "instagram only (5)"
    assert "(instagram only (5))" in _summary(box)
    frame_only = view.monologue_dialogue(_export("meta_facebook_content.csv").frame)
    assert "Your data: your posts" in _summary(frame_only) and "no followers column" in _note(frame_only)


def test_an_export_the_widget_cannot_use_gets_one_plain_sentence(tmp_path):
    x = _summary(view.monologue_dialogue(_export("x_content.csv")))
    assert x.startswith("This widget cannot show these posts: there is nothing to group these posts by")
    assert "no format column" in x
    youtube = _summary(view.monologue_dialogue(_export("youtube_table_data.csv")))
    assert "No definition of engagement can be computed from these posts" in youtube
    assert "no likes column: the table has no 'Likes' column" in youtube
    missing = _summary(view.monologue_dialogue(tmp_path / "nothing.csv"))
    assert "nothing.csv: there is no such file" in missing
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert "does not recognise this file" in _summary(view.monologue_dialogue(tmp_path / "notes.csv"))


def test_the_lesson_section_on_own_data_runs_only_with_a_file_in_my_data():
    cells = read(ROOT / "lessons" / "04-monologue-to-dialogue.ipynb")["cells"]
    texts = [source(c) for c in cells]
    heading = next(i for i, t in enumerate(texts) if t.startswith("## With your own data (optional)"))
    code = texts[heading + 1]
    assert "MY_DATA_DIR.is_dir()" in code and "if mine:" in code
    assert "monologue_dialogue(mine[0])" in code and not cells[heading + 1].get("outputs")
