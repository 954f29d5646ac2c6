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
    assert list(r.table.index) == ["C", "A", "B"]  # C: one post with 5 comments
    assert r.table["posts"].tolist() == [1, 2, 2]
    assert r.single == ["C"] and math.isnan(r.table.at["C", "low"])
    assert r.leader == "A" and r.runner_up == "B"  # a single post ranks nothing
    assert r.rank_of("B") == 3 and r.rank_of("Z") is None
    assert r.overall == pytest.approx(9 / 5)
    assert r.lead is not None and r.lead_is_clear in (True, False)
    assert m.leaders(posts, "kind", ["conversation"]) == {"conversation": "A"}


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
    assert by["Status"] > by["Photo"]  # the lesson's claim: the top flips with the way of averaging


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


def _walk(node):
    yield node
    for child in getattr(node, "children", ()):
        yield from _walk(child)


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
    assert "The group not recorded is a single post" in text and "comes" not in text
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
    assert "The group C is a single post: one post has no interval" in _summary(single)
    empty = view.monologue_dialogue(tiny().iloc[:0], groupings=["kind"], columns={"reach": "Reach"})
    assert "there are no posts to compare" in _summary(empty)
    missing = view.monologue_dialogue(tiny(), groupings=["style"])
    assert "cannot show these posts" in _summary(missing) and "no column 'style'" in _summary(missing)
    no_groups = view.monologue_dialogue(tiny())
    assert "say which columns to group the posts by" in _summary(no_groups)
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
