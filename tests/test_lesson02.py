"""Lesson 02, the myth of the segment: models, figures, the segment explorer and the questions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import NEEDS, load
from widgets.figures import segments as figs
from widgets.models import segments as m
from widgets.questions import lesson02 as L

NEED_COLS = [f"need_{n}" for n in NEEDS]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return load("survey")


@pytest.fixture(scope="module")
def segment(survey) -> pd.DataFrame:
    return survey[(survey["age_band"] == "18-24") & (survey["income_band"] == "mid-upper")
                  & (survey["region"] == "centre")]


@pytest.fixture(scope="module")
def kmeans_labels(survey) -> np.ndarray:
    """The exercise's clustering, done directly with scikit-learn (not through the model)."""
    scaled = StandardScaler().fit_transform(survey[NEED_COLS])
    return KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(scaled)


def tiny() -> pd.DataFrame:
    """Four respondents: two young (price, price), two old (quality, community)."""
    rows = [("18-24", "low", "north", [9, 2, 5, 5, 5, 1], "price"),
            ("18-24", "mid", "north", [8, 3, 5, 5, 5, 1], "price"),
            ("65+", "low", "south", [1, 9, 5, 5, 5, 1], "quality"),
            ("65+", "high", "south", [1, 2, 5, 5, 9, 1], "community")]
    frame = pd.DataFrame([{"respondent_id": f"T{i}", "age_band": a, "income_band": inc,
                           "region": r, **dict(zip(NEED_COLS, s, strict=True)), "top_need": t}
                          for i, (a, inc, r, s, t) in enumerate(rows)])
    for col, cats in (("age_band", m.BANDS["age_band"]), ("income_band", m.BANDS["income_band"]),
                      ("region", m.BANDS["region"]), ("top_need", NEEDS)):
        frame[col] = pd.Categorical(frame[col], categories=list(cats))
    return frame


# ----------------------------------------------------------------------------- models: segments


def test_filter_segment_cuts_the_box_and_any_leaves_it_open(survey, segment):
    got = m.filter_segment(survey, "18-24", "mid-upper", "centre")
    assert got.index.equals(segment.index) and len(got) > 1
    assert len(m.filter_segment(survey)) == len(survey)
    assert (m.filter_segment(survey, income_band="high")["income_band"] == "high").all()


def test_filter_segment_rejects_a_band_that_does_not_exist(survey):
    with pytest.raises(ValueError, match="18-25"):
        m.filter_segment(survey, age_band="18-25")


def test_empty_segment_gives_nan_not_an_error():
    empty = m.filter_segment(tiny(), "25-34", "high", "east")
    assert len(empty) == 0
    assert m.top_need_shares(empty).isna().all()
    assert math.isnan(m.disagreement(empty))
    assert math.isnan(m.spread_ratio(empty, tiny()))


def test_one_respondent_agrees_with_themself():
    one = m.filter_segment(tiny(), "65+", "high")
    assert len(one) == 1
    assert m.disagreement(one) == 0.0
    assert m.spread_ratio(one, tiny()) == 0.0
    assert m.top_need_shares(one)["community"] == 1.0


def test_top_need_shares_are_fractions_over_all_six_needs(segment):
    shares = m.top_need_shares(segment)
    assert list(shares.index) == list(NEEDS)
    assert shares.sum() == pytest.approx(1.0)
    expected = segment["top_need"].astype(str).value_counts() / len(segment)
    for need, value in expected.items():
        assert shares[need] == pytest.approx(value)
    assert m.top_need_shares(tiny())["novelty"] == 0.0


def test_disagreement_is_gini_simpson():
    # two price, one quality, one community: 1 - (0.5^2 + 0.25^2 + 0.25^2) = 0.625
    assert m.disagreement(tiny()) == pytest.approx(0.625)
    assert m.disagreement(pd.Series(["price"] * 7)) == 0.0
    assert m.disagreement(pd.Series(list(NEEDS))) == pytest.approx(5 / 6)


def test_disagreement_by_simulation(segment):
    rng = np.random.default_rng(1)
    top = segment["top_need"].astype(str).to_numpy()
    a, b = rng.choice(top, 200_000), rng.choice(top, 200_000)
    assert m.disagreement(segment) == pytest.approx((a != b).mean(), abs=0.005)


def test_spread_ratio_of_everyone_is_one(survey):
    assert m.spread_ratio(survey, survey) == pytest.approx(1.0)


def test_segment_table_covers_every_box_once(survey):
    table = m.segment_table(survey)
    assert table["people"].sum() == len(survey)
    assert not table.duplicated(list(m.DEMOGRAPHICS)).any()
    assert table["disagreement"].is_monotonic_increasing


def test_segment_label():
    assert m.segment_label() == "everyone"
    assert m.segment_label("18-24", "mid-upper", "centre") == "aged 18-24, mid-upper income, centre region"


# ----------------------------------------------------------------------------- models: eta squared


def test_eta_squared_by_hand_on_a_tiny_frame():
    # groups a: 1, 3 (mean 2); b: 5, 7 (mean 6); overall mean 4
    # total = 9 + 1 + 1 + 9 = 20; between = 2 * 4 + 2 * 4 = 16
    assert m.eta_squared([1, 3, 5, 7], ["a", "a", "b", "b"]) == pytest.approx(16 / 20)
    assert m.eta_squared([1, 2, 1, 2], ["a", "a", "b", "b"]) == pytest.approx(0.0)
    assert m.eta_squared([1, 2, 3], ["a", "b", "c"]) == pytest.approx(1.0)


def test_eta_squared_agrees_with_scipy_anova(survey):
    values, groups = survey["need_price"], survey["income_band"]
    samples = [values[groups == g].to_numpy(float) for g in groups.cat.categories]
    f = stats.f_oneway(*samples).statistic
    k, n = len(samples), len(values)
    expected = f * (k - 1) / (f * (k - 1) + (n - k))
    assert m.eta_squared(values, groups) == pytest.approx(expected, rel=1e-9)


def test_eta_squared_of_a_constant_column_is_nan_not_an_error():
    assert math.isnan(m.eta_squared([4, 4, 4, 4], ["a", "a", "b", "b"]))
    assert math.isnan(m.eta_squared([], []))


def test_eta_squared_skips_missing_values():
    assert m.eta_squared([1, 3, 5, 7, np.nan], ["a", "a", "b", "b", "b"]) == pytest.approx(0.8)
    assert m.eta_squared([1, 3, 5, 7, 100], ["a", "a", "b", "b", None]) == pytest.approx(0.8)


def _eta_by_groupby(values, groups) -> float:
    """Eta squared computed independently: pandas groupby on the pairs with nothing missing."""
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float),
                          "g": pd.Series(groups, dtype=object).to_numpy()}).dropna()
    v = frame["v"]
    total = ((v - v.mean()) ** 2).sum()
    if len(frame) == 0 or total == 0:
        return math.nan
    stats_ = frame.groupby("g")["v"].agg(["mean", "size"])
    return float((stats_["size"] * (stats_["mean"] - v.mean()) ** 2).sum() / total)


def test_eta_squared_equals_an_independent_groupby_computation(survey):
    rng = np.random.default_rng(1)
    values = rng.integers(0, 11, 3000).astype(float)
    values[rng.random(3000) < 0.05] = np.nan
    groups = pd.Series(rng.choice(["a", "b", "c", "d"], 3000), dtype=object)
    groups[rng.random(3000) < 0.05] = None
    assert m.eta_squared(values, groups) == pytest.approx(_eta_by_groupby(values, groups), rel=1e-12)
    cats = pd.Series(pd.Categorical(groups, categories=["d", "c", "b", "a", "unused"]))
    assert m.eta_squared(pd.Series(values), cats) == pytest.approx(_eta_by_groupby(values, groups),
                                                                   rel=1e-12)
    clusters = m.need_clusters(survey, k=4)
    groupings = {**{c: survey[c] for c in m.DEMOGRAPHICS}, "cluster": clusters}
    table = m.eta_squared_table(survey, groupings)
    for name, labels in groupings.items():
        for need in NEEDS:
            expected = _eta_by_groupby(survey[f"need_{need}"], labels.astype(object))
            assert table.loc[need, name] == pytest.approx(expected, rel=1e-12)


def test_eta_squared_edge_cases_give_nan_not_an_error():
    assert math.isnan(m.eta_squared([5.0], ["a"]))  # one respondent: no variation
    assert math.isnan(m.eta_squared([np.nan, 3.0], ["a", None]))  # nothing left once missing dropped
    assert math.isnan(m.eta_squared(pd.Series([], dtype=float), pd.Series([], dtype="category")))
    assert m.eta_squared((x for x in [1, 3, 5, 7]), iter("aabb")) == pytest.approx(0.8)  # iterables
    with pytest.raises(ValueError):
        m.eta_squared([1, 2, 3], ["a", "b"])
    empty = m.eta_squared_table(tiny().iloc[:0])
    assert empty.isna().all().all() and list(empty.index) == list(NEEDS)


def test_eta_squared_table_has_a_row_per_need(survey):
    table = m.eta_squared_table(survey)
    assert list(table.index) == list(NEEDS)
    assert list(table.columns) == list(m.DEMOGRAPHICS)
    assert ((table >= 0) & (table <= 1)).all().all()


# ----------------------------------------------------------------------------- models: clusters


def test_need_clusters_match_scikit_learn_directly(survey, kmeans_labels):
    ours = m.need_clusters(survey, k=5, seed=0)
    assert len(ours) == len(survey) and ours.index.equals(survey.index)
    # the same partition, whatever the names: a one-to-one mapping between labels
    pairs = pd.crosstab(ours, kmeans_labels)
    assert ((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all()


def test_need_clusters_are_named_ordered_and_deterministic(survey):
    first, second = m.need_clusters(survey, k=5), m.need_clusters(survey, k=5)
    assert first.equals(second)
    sizes = first.value_counts(sort=False).reindex(first.cat.categories)
    assert sizes.is_monotonic_decreasing
    assert all(name.endswith("first") for name in first.cat.categories)
    assert len(set(m.need_clusters(survey, k=8).cat.categories)) == 8  # repeats get a suffix


def test_need_clusters_fit_on_a_bounded_sample_then_assign_everyone(survey):
    # the shipped survey is fitted whole: the bound changes nothing there
    assert m.need_clusters(survey, k=5, max_fit_rows=len(survey)).equals(m.need_clusters(survey, k=5))
    sampled = m.need_clusters(survey, k=5, max_fit_rows=1000)
    assert sampled.notna().all() and sampled.index.equals(survey.index)
    assert sampled.equals(m.need_clusters(survey, k=5, max_fit_rows=1000))  # deterministic
    assert len(sampled.cat.categories) == 5
    # on this survey the sample finds (nearly) the same partition as fitting everyone
    eta = m.eta_squared_table(survey, {"whole": m.need_clusters(survey, k=5), "sample": sampled})
    assert eta["sample"].mean() == pytest.approx(eta["whole"].mean(), abs=0.02)


def test_crosstab_of_categoricals_equals_pandas_crosstab(survey):
    clusters = m.need_clusters(survey, k=4)
    for rows, cols in ((survey["age_band"], clusters), (survey["usual_brand"], survey["age_band"]),
                       (tiny()["region"], tiny()["age_band"])):
        direct = pd.crosstab(rows, cols, dropna=False).astype(float)
        direct = direct[direct.sum(axis=1) > 0]
        pd.testing.assert_frame_equal(m.crosstab(rows, cols),
                                      direct.div(direct.sum(axis=1), axis=0), check_exact=True)


def test_need_clusters_reject_an_impossible_k():
    with pytest.raises(ValueError):
        m.need_clusters(tiny(), k=5)


def test_standardising_matters_when_scales_differ():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({c: rng.normal(5, 1, 200) for c in NEED_COLS})
    frame["need_price"] = np.where(np.arange(200) < 100, 2.0, 8.0) + rng.normal(0, 0.3, 200)
    frame["need_novelty"] = rng.normal(0, 1000, 200)  # huge scale, no structure
    plain = m.need_clusters(frame, k=2, standardise=False)
    scaled = m.need_clusters(frame, k=2, standardise=True)
    truth = np.arange(200) < 100
    assert m.eta_squared(truth.astype(float), scaled) > 0.95
    assert m.eta_squared(truth.astype(float), plain) < 0.2


def test_clusters_explain_far_more_than_demographics_and_than_noise(survey):
    clusters = m.need_clusters(survey, k=5)
    table = m.eta_squared_table(survey, {**{c: survey[c] for c in m.DEMOGRAPHICS},
                                         "cluster": clusters})
    means = table.mean()
    assert means["cluster"] > 0.5 > 0.02 > means[list(m.DEMOGRAPHICS)].max()
    noise = m.shuffled_needs(survey)
    assert sorted(noise["need_price"]) == sorted(survey["need_price"])
    noise_eta = m.eta_squared_table(noise, {"cluster": m.need_clusters(noise, k=5)}).mean()
    assert 0 < noise_eta["cluster"] < means["cluster"]


def test_cluster_profiles(survey):
    clusters = m.need_clusters(survey, k=5)
    profiles = m.cluster_profiles(survey, clusters)
    assert profiles["people"].sum() == len(survey)
    assert list(profiles.columns) == ["people", *NEEDS]
    price_first = profiles.loc["price first"]
    assert price_first["price"] == profiles["price"].max()


def test_crosstab_rows_sum_to_one_and_largest_gap(survey):
    clusters = m.need_clusters(survey, k=5)
    table = m.crosstab(survey["age_band"], clusters)
    assert np.allclose(table.sum(axis=1), 1.0)
    direct = pd.crosstab(survey["age_band"], clusters, normalize="index")
    assert m.largest_gap(table) == pytest.approx((direct.max() - direct.min()).max())
    assert m.largest_gap(pd.DataFrame({"a": [0.2, 0.5, 0.3]})) == pytest.approx(0.3)
    assert math.isnan(m.largest_gap(table.iloc[:1]))


# ----------------------------------------------------------------------------- figures


def _axis_titles(fig) -> tuple[str, str]:
    return fig.layout.xaxis.title.text or "", fig.layout.yaxis.title.text or ""


def test_top_need_figure_is_titled_and_labelled(survey, segment):
    fig = figs.top_need_figure(m.top_need_shares(segment), m.top_need_shares(survey),
                               "aged 18-24", len(segment), m.disagreement(segment),
                               m.disagreement(survey))
    x, y = _axis_titles(fig)
    assert x and "(%)" in y
    assert f"{len(segment)} people" in fig.layout.title.text
    assert f"{100 * m.disagreement(segment):.0f}%" in fig.layout.title.text
    assert len(fig.data) == 2 and len(fig.data[0].y) == len(NEEDS)


def test_segment_title_for_empty_and_single_segments():
    assert "No respondent" in figs.segment_title("aged 65+", 0, math.nan, 0.8)
    assert "Only one" in figs.segment_title("aged 65+", 1, 0.0, 0.8)


def test_cluster_mix_figure_hides_unused_traces(survey):
    clusters = m.need_clusters(survey, k=3)
    fig = figs.cluster_mix_figure(m.crosstab(survey["region"], clusters), "region")
    x, y = _axis_titles(fig)
    assert "(%)" in x and y == "region"
    assert [t.visible for t in fig.data].count(True) == 3
    assert "at most" in fig.layout.title.text and "region" in fig.layout.title.text


def test_eta_figure_title_states_the_finding(survey):
    clusters = m.need_clusters(survey, k=5)
    table = m.eta_squared_table(survey, {**{c: survey[c] for c in m.DEMOGRAPHICS},
                                         "cluster": clusters})
    fig = figs.eta_figure(table)
    x, y = _axis_titles(fig)
    assert "%" in x and "0-10" in y
    assert f"{100 * table['cluster'].mean():.0f}%" in fig.layout.title.text
    assert len(fig.data) == 4


# ----------------------------------------------------------------------------- the view


def _controls(box):
    import ipywidgets as w

    found, todo = [], [box]
    while todo:
        node = todo.pop(0)
        if isinstance(node, w.ValueWidget | w.Tab) and not isinstance(node, w.HTML | w.Label):
            found.append(node)
        todo.extend(getattr(node, "children", ()))
    return found


def _find(box, description):
    return next(c for c in _controls(box) if getattr(c, "description", None) == description)


def _summary(box):
    import ipywidgets as w

    todo = [box]
    while todo:
        node = todo.pop(0)
        if isinstance(node, w.HTML) and "course-widget-summary" in node._dom_classes:
            return node
        todo.extend(getattr(node, "children", ()))
    raise AssertionError("no course-widget-summary")


@pytest.fixture(scope="module")
def explorer():
    from widgets.views.segment_explorer import segment_explorer

    return segment_explorer()


def test_view_follows_the_conventions(explorer):
    from widgets.views import segment_explorer as view

    assert "segment_explorer" in view.__all__
    assert {"course-widget", "course-widget-segment-explorer"} <= set(explorer._dom_classes)
    for control in _controls(explorer):
        if not hasattr(control, "selected_index"):
            assert control.description


def test_picking_a_segment_changes_summary_and_figure(explorer, segment):
    from widgets.views.figure import FigureView

    summary = _summary(explorer)
    tabs = explorer.children[0]
    tabs.selected_index = 0
    fig = next(c for c in tabs.children[0].children if isinstance(c, FigureView))
    before_text, before_y = summary.value, tuple(fig.data[0].y)
    _find(explorer, "Age band").value = "18-24"
    _find(explorer, "Income band").value = "mid-upper"
    _find(explorer, "Region").value = "centre"
    assert summary.value != before_text and tuple(fig.data[0].y) != before_y
    assert f"{len(segment)} people" in summary.value
    shares = segment["top_need"].astype(str).value_counts(normalize=True)
    assert fig.data[0].y[list(NEEDS).index(shares.idxmax())] == pytest.approx(100 * shares.max())


def test_an_empty_segment_says_so(explorer):
    _find(explorer, "Age band").value = "18-24"
    _find(explorer, "Income band").value = "high"
    small = load("survey")
    for region in m.BANDS["region"]:  # find a box with nobody, if the data has one
        if m.filter_segment(small, "18-24", "high", region).empty:
            _find(explorer, "Region").value = region
            assert "No one" in _summary(explorer).value
            break
    _find(explorer, "Region").value = "any"
    assert "No one" not in _summary(explorer).value


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_empty_and_single_segments_in_a_tiny_survey():
    from widgets.views.segment_explorer import segment_explorer

    box = segment_explorer(pd.concat([tiny()] * 3, ignore_index=True).assign(
        respondent_id=lambda d: [f"T{i}" for i in range(len(d))]))
    _find(box, "Age band").value = "25-34"
    assert "No one" in _summary(box).value
    _find(box, "Age band").value = "65+"
    _find(box, "Income band").value = "high"
    assert "3 people" in _summary(box).value and "0%" in _summary(box).value


def test_clusters_tab_changes_summary_and_fits_kmeans_once_per_k(monkeypatch):
    from widgets.views import segment_explorer as view

    calls = []

    def counting(survey, k=5, seed=0, **kw):
        calls.append(k)
        return m.need_clusters(survey, k=k, seed=seed, **kw)

    monkeypatch.setattr(view, "need_clusters", counting)
    box = view.segment_explorer()
    summary, tabs = _summary(box), box.children[0]
    segment_text = summary.value
    tabs.selected_index = 1
    assert summary.value != segment_text and "5 need clusters" in summary.value
    mix, eta = tabs.children[1].children[1], tabs.children[1].children[2]
    eta_before = (tuple(eta.data[-1].x), tuple(eta.data[-1].text), eta.layout.title.text)
    _find(box, "Number of clusters (k)").value = 3
    assert "3 need clusters" in summary.value
    assert (tuple(eta.data[-1].x), tuple(eta.data[-1].text), eta.layout.title.text) != eta_before
    assert [t.visible for t in mix.data].count(True) == 3
    _find(box, "Compare with").value = "region"
    assert "region" in summary.value and mix.layout.yaxis.title.text == "region"
    _find(box, "Number of clusters (k)").value = 5
    tabs.selected_index = 0
    for band in ("18-24", "25-34", "any"):
        _find(box, "Age band").value = band
    assert sorted(calls) == [3, 5], "k-means must be fitted once per k, not on every change"


# ----------------------------------------------------------------------------- the questions


def test_every_question_says_not_attempted_for_the_placeholder():
    for q in (L.q1, L.q2, L.q3, L.q4, L.q5, L.q6):
        assert q.evaluate(____).status == NOT_ATTEMPTED, q.qid


def _eta(values: pd.Series, groups: pd.Series) -> float:
    """Eta squared by the textbook formula, written out with pandas (independent of the model)."""
    mean = values.mean()
    by = values.groupby(groups, observed=True).agg(["mean", "size"])
    return float((by["size"] * (by["mean"] - mean) ** 2).sum() / ((values - mean) ** 2).sum())


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, verdict)
    return verdict.message


def test_q1_eta_squared_and_its_mistakes(survey):
    right = _eta(survey["need_price"], survey["income_band"])
    assert L.q1.evaluate(right).status == CORRECT
    assert "square it" in _feedback(L.q1, math.sqrt(right))
    r = np.corrcoef(survey["need_price"], survey["income_band"].cat.codes)[0, 1]
    assert "correlation" in _feedback(L.q1, r)
    assert "correlation" in _feedback(L.q1, r**2)
    assert "percentage" in _feedback(L.q1, 100 * right)
    assert "age band" in _feedback(L.q1, _eta(survey["need_price"], survey["age_band"]))
    assert L.q1.evaluate(right + 0.01).status == INCORRECT


def test_q2_segment_shares_and_their_mistakes(segment, survey):
    right = segment["top_need"].value_counts(normalize=True)
    assert L.q2.evaluate(right).status == CORRECT
    assert L.q2.evaluate(right.sort_index(ascending=False)).status == CORRECT  # order is free
    assert "counts" in _feedback(L.q2, segment["top_need"].value_counts())
    assert "percentages" in _feedback(L.q2, 100 * right)
    assert "everyone" in _feedback(L.q2, survey["top_need"].value_counts(normalize=True))


def test_q3_disagreement_and_its_mistakes(segment, survey):
    shares = segment["top_need"].value_counts(normalize=True)
    right = 1 - (shares**2).sum()
    assert L.q3.evaluate(right).status == CORRECT
    assert "AGREE" in _feedback(L.q3, (shares**2).sum())
    everyone = survey["top_need"].value_counts(normalize=True)
    assert "everyone" in _feedback(L.q3, 1 - (everyone**2).sum())
    assert "counts" in _feedback(L.q3, 1 - (segment["top_need"].value_counts() ** 2).sum())


def test_q4_cluster_sizes_and_their_mistakes(survey, kmeans_labels):
    right = pd.Series(kmeans_labels).value_counts().tolist()
    assert L.q4.evaluate(right).status == CORRECT
    assert L.q4.evaluate(list(np.bincount(kmeans_labels))).status == CORRECT  # any order
    raw = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(survey[NEED_COLS])
    assert sorted(np.bincount(raw)) != sorted(right), "the data should tell the two apart"
    assert "standardise" in _feedback(L.q4, list(np.bincount(raw)))
    other = KMeans(n_clusters=5, n_init=1, random_state=3, init="random").fit_predict(
        StandardScaler().fit_transform(survey[NEED_COLS]))
    if sorted(np.bincount(other)) != sorted(right):
        assert "exactly" in _feedback(L.q4, list(np.bincount(other)))
    assert "five numbers" in _feedback(L.q4, right[:4])


def test_q5_age_gap_and_its_mistakes(survey, kmeans_labels):
    table = pd.crosstab(survey["age_band"], kmeans_labels, normalize="index")
    right = (table.max() - table.min()).max()
    assert L.q5.evaluate(right).status == CORRECT
    by_cluster = pd.crosstab(survey["age_band"], kmeans_labels, normalize="columns")
    assert "normalize='index'" in _feedback(L.q5, (by_cluster.max() - by_cluster.min()).max())
    counts = pd.crosstab(survey["age_band"], kmeans_labels)
    assert "counts" in _feedback(L.q5, float((counts.max() - counts.min()).max()))
    assert "percentage" in _feedback(L.q5, 100 * right)


def test_q6_which_explains_more(survey, kmeans_labels):
    demo = np.mean([_eta(survey[c], survey["age_band"]) for c in NEED_COLS])
    clus = np.mean([_eta(survey[c], pd.Series(kmeans_labels, index=survey.index)) for c in NEED_COLS])
    right = "clusters" if clus > demo else "demographics"
    assert L.q6.evaluate(right).status == CORRECT
    assert L.q6.evaluate(" Clusters ").status == CORRECT
    assert "strongest demographic" in _feedback(L.q6, "demographics")
    assert "all demographics" in _feedback(L.q6, "age band")
    assert "just the word" in _feedback(L.q6, "the need clusters")


def test_reflection_is_ungraded_and_points_add_up():
    from widgets.checks import registry

    assert L.r1.prompt and L.r1.var == "reply_to_the_brief"
    assert registry()["02"] == ["q1", "q2", "q3", "q4", "q5", "q6"]


def test_segment_profile_of_a_box_an_empty_box_and_one_person():
    survey = load("survey")
    box = dict(age_band="18-24", income_band="mid-upper", region="centre")
    profile = m.segment_profile(survey, **box)
    rows = survey[(survey["age_band"] == "18-24") & (survey["income_band"] == "mid-upper")
                  & (survey["region"] == "centre")]
    shares = rows["top_need"].astype(str).value_counts(normalize=True)
    assert profile.size == len(rows)
    assert profile.disagreement == pytest.approx(1 - (shares**2).sum())
    assert profile.shares.max() == pytest.approx(shares.max())
    empty = m.segment_profile(survey.iloc[:0], **box)
    assert empty.size == 0 and math.isnan(empty.disagreement) and math.isnan(empty.spread)
    one = m.segment_profile(survey.iloc[:1])
    assert one.size == 1 and one.disagreement == 0
    assert math.isnan(one.spread)  # a one-row survey: "everyone" has no spread to compare with


def test_eta_squared_with_clusters_adds_the_cluster_column():
    survey = load("survey")
    labels = survey["region"].astype(str)  # any labels will do: the region column itself
    table = m.eta_squared_with_clusters(survey, labels)
    assert list(table.columns) == ["age_band", "income_band", "region", "cluster"]
    assert table["cluster"].tolist() == pytest.approx(table["region"].tolist())
