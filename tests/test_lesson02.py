"""Lesson 02, the myth of the segment: models, figures, the segment explorer and the questions."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import NEEDS, load
from widgets.figures import segments as figs
from widgets.models import segments as m
from widgets.questions import lesson02 as L

NEED_COLS = [f"need_{n}" for n in NEEDS]


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """scikit-learn on one thread, as the course runs it (and fast on a busy 2-core machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        yield


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


# ----------------------------------------------------------------------------- models: ties


def tied_frame() -> pd.DataFrame:
    """Three respondents: one clear top need, one tied quality/novelty, one tied price/convenience/
    community; ``top_need`` records a pick among the tied needs, not the first listed."""
    frame = tiny().iloc[:3].copy()
    frame[NEED_COLS] = [[9, 2, 5, 5, 5, 1], [1, 9, 5, 5, 5, 9], [8, 3, 8, 5, 8, 1]]
    frame["top_need"] = pd.Categorical(["price", "novelty", "community"], categories=list(NEEDS))
    return frame


def test_tied_top_needs_counts_the_needs_at_the_highest_score():
    assert m.tied_top_needs(tied_frame()).tolist() == [1, 2, 3]
    assert m.tied_top_needs(tied_frame().iloc[:0]).empty


def test_three_stated_tie_rules():
    frame = tied_frame()
    column = m.top_need_shares(frame)
    assert column["novelty"] == pytest.approx(1 / 3) and column["quality"] == 0  # the recorded pick
    first = m.top_need_shares(frame, ties="first")
    assert first["price"] == pytest.approx(2 / 3) and first["quality"] == pytest.approx(1 / 3)
    assert first["novelty"] == 0  # the first-listed rule never gives a tie to the last need
    split = m.top_need_shares(frame, ties="split")
    assert split["price"] == pytest.approx(1 / 3 + 1 / 9)
    assert split["quality"] == pytest.approx(1 / 6) and split["novelty"] == pytest.approx(1 / 6)
    assert split["community"] == pytest.approx(1 / 9)
    for shares in (column, first, split):
        assert shares.sum() == pytest.approx(1.0) and list(shares.index) == list(NEEDS)
    assert m.top_need_shares(frame.iloc[:0], ties="split").isna().all()
    with pytest.raises(ValueError, match="ties"):
        m.top_need_shares(frame, ties="random")
    with pytest.raises(ValueError, match="need scores"):
        m.top_need_shares(frame["top_need"], ties="split")


def test_the_survey_records_one_of_the_tied_needs_and_not_always_the_first(survey):
    scores = survey[NEED_COLS].to_numpy()
    chosen = np.array([NEED_COLS.index(f"need_{t}") for t in survey["top_need"].astype(str)])
    assert (scores[np.arange(len(scores)), chosen] == scores.max(axis=1)).all()
    tied = m.tied_top_needs(survey).to_numpy() > 1
    assert 0.05 < tied.mean() < 0.15
    first = scores.argmax(axis=1)
    # with a random pick, about half of the two-way ties go to the need listed later
    two_way = m.tied_top_needs(survey).to_numpy() == 2
    later = (chosen[two_way] != first[two_way]).mean()
    assert 0.35 < later < 0.65


def test_disagreement_with_and_without_replacement_by_brute_force():
    frame = tiny()  # top needs: price, price, quality, community
    top = frame["top_need"].astype(str).tolist()
    pairs = [(a, b) for i, a in enumerate(top) for j, b in enumerate(top) if i != j]
    without = sum(a != b for a, b in pairs) / len(pairs)
    assert m.disagreement(frame, replacement=False) == pytest.approx(without)  # 10/12
    withr = sum(a != b for a in top for b in top) / len(top) ** 2
    assert m.disagreement(frame) == pytest.approx(withr)  # 0.625
    assert math.isnan(m.disagreement(frame.iloc[:1], replacement=False))
    assert math.isnan(m.disagreement(frame.iloc[:0], replacement=False))


# ----------------------------------------------------------------------------- models: three measures


def test_coverage_and_index_by_hand():
    # 10 people; the box holds 4, the group 5; 3 are in both
    box = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    group = [1, 1, 1, 0, 1, 1, 0, 0, 0, 0]
    reach = m.coverage_index(box, group)
    assert reach.coverage == pytest.approx(3 / 5)
    assert reach.in_box_share == pytest.approx(3 / 4) and reach.group_share == pytest.approx(5 / 10)
    assert reach.index == pytest.approx(100 * (3 / 4) / (5 / 10))
    assert reach.index == pytest.approx(100 * reach.coverage / reach.box_share)  # the same number
    assert (reach.n_box, reach.n_group, reach.n_both) == (4, 5, 3)
    empty = m.coverage_index([0, 0], [1, 0])
    assert math.isnan(empty.index) and empty.coverage == 0
    with pytest.raises(ValueError):
        m.coverage_index([1, 0], [1])


def test_share_difference_and_its_interval(survey):
    group = (survey["top_need"] == "price").to_numpy()
    a, b = (survey["income_band"] == "low").to_numpy(), (survey["income_band"] == "high").to_numpy()
    got = m.share_difference(group, a, b)
    pa, pb = group[a].mean(), group[b].mean()
    se = math.sqrt(pa * (1 - pa) / a.sum() + pb * (1 - pb) / b.sum())
    assert got.difference == pytest.approx(pa - pb)
    assert (got.low, got.high) == pytest.approx((pa - pb - 1.959964 * se, pa - pb + 1.959964 * se))
    assert got.low > 0  # income carries a signal about price in this survey (built in)
    assert math.isnan(m.share_difference(group, a, np.zeros(len(group), bool)).difference)


def test_independence_test_agrees_with_scipy(survey):
    from scipy.stats import chi2_contingency

    chi2, dof, p = m.independence_test(survey["usual_brand"], survey["age_band"])
    ref = chi2_contingency(pd.crosstab(survey["usual_brand"], survey["age_band"]), correction=False)
    assert (chi2, dof, p) == pytest.approx((ref.statistic, ref.dof, ref.pvalue))
    assert math.isnan(m.independence_test(pd.Series(["a", "a"]), pd.Series(["x", "y"]))[0])


def test_gap_detail_names_where_the_largest_gap_is(survey):
    table = m.crosstab(survey["income_band"], m.need_clusters(survey, k=5))
    gap = m.gap_detail(table)
    assert gap.gap == pytest.approx(m.largest_gap(table))
    assert table.loc[gap.high_row, gap.column] == pytest.approx(gap.high)
    assert table.loc[gap.low_row, gap.column] == pytest.approx(gap.low)
    assert m.gap_detail(table.iloc[:1]) is None


# ----------------------------------------------------------------------------- models: baselines


def test_need_clusters_are_cached_and_callers_cannot_spoil_the_cache(survey):
    first = m.need_clusters(survey, k=4)
    first.iloc[0] = next(c for c in first.cat.categories if c != first.iloc[0])
    again = m.need_clusters(survey, k=4)
    assert not again.equals(first)  # the change stayed in the caller's copy
    moved = survey.set_index(survey.index + 1000)
    assert m.need_clusters(moved, k=4).index.equals(moved.index)
    assert len(m._FITS) <= m._FITS_KEPT


def test_variance_explained_is_what_kmeans_maximises(survey):
    scaled = StandardScaler().fit_transform(survey[NEED_COLS])
    model = KMeans(n_clusters=5, n_init=10, random_state=0).fit(scaled)
    total = ((scaled - scaled.mean(axis=0)) ** 2).sum()
    assert m.variance_explained(survey, model.labels_) == pytest.approx(1 - model.inertia_ / total)


def _planted(groups: int, n: int = 1500, seed: int = 3) -> pd.DataFrame:
    """Need scores with ``groups`` well separated groups (0 = pure noise)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(2, 8, (max(groups, 1), 6))
    member = rng.integers(0, max(groups, 1), n)
    scores = (centres[member] if groups else 5.0) + rng.normal(0, 1.0, (n, 6))
    return pd.DataFrame(np.clip(scores, 0, 10), columns=NEED_COLS)


@pytest.mark.parametrize("groups", [3, 6])
def test_the_criterion_finds_the_planted_k(groups):
    fits = m.cluster_fits(_planted(groups), range(2, 9), demographic=pd.DataFrame(index=list(NEEDS)))
    assert m.best_k(m.k_selection(fits)) == groups


def test_the_criterion_finds_little_in_noise():
    selection = m.k_selection(m.cluster_fits(_planted(0), range(2, 9),
                                             demographic=pd.DataFrame(index=list(NEEDS))))
    assert (selection["gap"].abs() < 0.05).all()
    assert selection["real"].is_monotonic_increasing  # and still "explains" more with every k


def test_cluster_fits_and_k_selection_on_the_survey(survey):
    fits = m.cluster_fits(survey)
    assert list(fits) == list(m.K_RANGE)
    selection = m.k_selection(fits)
    assert (selection["real"] > selection["shuffled"]).all()
    assert selection["shuffled"].is_monotonic_increasing
    assert selection["gap"].tolist() == pytest.approx((selection["real"] - selection["shuffled"]).tolist())
    assert m.best_k(selection) == int(selection["gap"].idxmax()) == 5  # the generator planted five
    fit = fits[5]
    assert list(fit.eta.columns) == [*m.DEMOGRAPHICS, "cluster"]
    assert fit.real == pytest.approx(m.variance_explained(survey, fit.labels))
    noise = m.shuffled_needs(survey, seed=0)
    assert fit.shuffled == pytest.approx(m.variance_explained(noise, m.need_clusters(noise, k=5)))


def test_cluster_stability_real_against_shuffled(survey):
    real = m.cluster_stability(survey, k=5)
    assert len(real.aris) == 45 and real.mean > 0.95 and real.lowest <= real.mean
    fake = m.cluster_stability(m.shuffled_needs(survey), k=5)
    assert fake.mean < 0.8
    assert m.cluster_stability(survey, k=5).aris == real.aris  # deterministic
    # one refit by hand: the same bootstrap sample and seed give the same partition
    x = StandardScaler().fit_transform(survey[NEED_COLS])
    parts = []
    for r in range(2):
        sample = np.random.default_rng([0, r]).integers(0, len(x), len(x))
        parts.append(KMeans(n_clusters=4, n_init=10, random_state=r).fit(x[sample]).predict(x))
    assert m.cluster_stability(survey, k=4, replicates=2).aris == pytest.approx(
        (adjusted_rand_score(*parts),))
    with pytest.raises(ValueError):
        m.cluster_stability(survey, k=5, replicates=1)


def test_chi_squared_from_counts_comparisons_and_z_for(survey):
    counts = pd.crosstab(survey["usual_brand"], survey["age_band"])
    chi2, p, dof, _ = stats.chi2_contingency(counts.to_numpy(), correction=False)
    assert m.chi_squared(counts) == pytest.approx((chi2, dof, p))
    assert m.chi_squared(counts.to_numpy()) == pytest.approx(m.independence_test(
        survey["usual_brand"], survey["age_band"]))
    assert math.isnan(m.chi_squared(np.zeros((0, 0)))[0])
    assert math.isnan(m.chi_squared(np.array([[3.0, 4.0]]))[0])  # one row: nothing to compare
    table = m.crosstab(survey["age_band"], m.need_clusters(survey, k=5))
    assert m.comparisons(table) == 5 * 15  # five clusters, fifteen pairs of six age bands
    assert m.z_for(1) == pytest.approx(stats.norm.ppf(0.975))
    assert m.z_for(75) == pytest.approx(stats.norm.ppf(1 - 0.025 / 75))
    assert m.z_for(0) == m.z_for(1)


def test_smooth_cloud_keeps_the_links_between_needs_but_has_no_groups(survey):
    cloud = m.smooth_cloud(survey, seed=0)
    real, fake = survey[NEED_COLS], cloud[NEED_COLS]
    assert list(cloud.columns) == list(survey.columns) and len(cloud) == len(survey)
    assert fake.min().min() >= 0 and fake.max().max() <= 10
    assert (fake.mean() - real.mean()).abs().max() < 0.15
    assert np.abs(np.corrcoef(fake.T) - np.corrcoef(real.T)).max() < 0.08
    assert cloud[["age_band", "top_need"]].equals(survey[["age_band", "top_need"]])
    assert m.smooth_cloud(survey, seed=0).equals(cloud)  # deterministic
    assert m.smooth_cloud(survey.iloc[:1]).equals(survey.iloc[:1])  # too small: left as it is
    flat = survey.iloc[:200].assign(need_price=5)  # a constant column: no Cholesky, still a cloud
    assert (m.smooth_cloud(flat)["need_price"] == 5).all()
    # one bell-shaped cloud: each standardised score looks normal (a mixture of groups would not)
    z = (fake - fake.mean()) / fake.std()
    assert (z.skew().abs() < 0.25).all()


def test_silhouette_by_k_matches_scikit_learn(survey):
    from sklearn.metrics import silhouette_score

    part = survey.iloc[::4]
    labels = {k: m.need_clusters(part, k=k) for k in (2, 3, 5)}
    got = m.silhouette_by_k(part, labels, chunk=300)
    x = StandardScaler().fit_transform(part[NEED_COLS])
    for k, lab in labels.items():
        assert got[k] == pytest.approx(silhouette_score(x, lab.cat.codes), abs=1e-9)
    single = m.silhouette_by_k(part, {1: ["a"] * len(part)})
    assert math.isnan(single[1])
    assert m.silhouette_by_k(part.iloc[:1], {2: ["a"]}).isna().all()
    with pytest.raises(ValueError, match="one label per respondent"):
        m.silhouette_by_k(part, {2: ["a"] * 3})


def test_silhouette_nearly_ties_three_and_five_on_the_survey(survey):
    """The lesson says so: another criterion scores k = 3 and k = 5 almost equally."""
    fits = m.cluster_fits(survey)
    sil = m.silhouette_by_k(survey, {k: f.labels for k, f in fits.items()})
    assert set(sil.nlargest(2).index) == {3, 5}
    assert abs(sil[3] - sil[5]) < 0.005


def test_the_checks_are_not_sufficient_a_smooth_cloud_passes_the_first_two(survey):
    """The lesson's claims about the smooth cloud (no groups, the survey's correlations)."""
    cloud = m.smooth_cloud(survey, seed=0)
    fits = m.cluster_fits(cloud)
    selection = m.k_selection(fits)
    assert (selection["gap"] > 0.19).all() and (selection["gap"] < 0.25).all()
    assert m.best_k(selection) == 4  # the criterion still names a k
    assert m.cluster_stability(cloud, 2).mean > 0.9  # and two clusters of it come back each time
    assert m.cluster_fits(survey, [5])[5].real - fits[5].real > 0.15  # the planted groups beat it


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
    assert "Largest difference" in fig.layout.title.text and "region" in fig.layout.title.text


def test_cluster_mix_title_states_the_largest_gap_and_never_a_fixed_conclusion(survey):
    clusters = m.need_clusters(survey, k=5)
    table = m.crosstab(survey["income_band"], clusters)
    gap = m.gap_detail(table)
    title = figs.cluster_mix_title(table, "income_band")
    assert gap.column in title and f"{100 * gap.high:.0f}% of {gap.high_row}" in title
    assert f"{100 * gap.low:.0f}% of {gap.low_row}" in title
    assert "cut" not in title
    # a planted table where one band lacks a cluster says so
    planted = pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, 1.0]}, index=["x", "y"])
    assert "lack" in figs.cluster_mix_title(planted, "region")


def test_eta_figure_shows_the_shuffled_baseline(survey):
    fit = m.cluster_fits(survey, [5])[5]
    fig = figs.eta_figure(fit.eta, fit.shuffled_eta)
    x, y = _axis_titles(fig)
    assert "%" in x and "0-10" in y
    assert len(fig.data) == 5 and fig.data[-1].name == figs.SHUFFLED_LABEL
    assert fig.data[-1].marker.color == figs.ETA_COLOURS["shuffled"]
    assert list(fig.data[-1].x) == pytest.approx([100 * v for v in fit.shuffled_eta])
    title = fig.layout.title.text
    assert f"{100 * fit.real:.0f}%" in title and f"{100 * fit.shuffled:.0f}%" in title
    assert len(figs.eta_figure(fit.eta).data) == 4  # without a baseline


def test_k_selection_figure_marks_the_chosen_k(survey):
    selection = m.k_selection(m.cluster_fits(survey))
    fig = figs.k_selection_figure(selection)
    x, y = _axis_titles(fig)
    assert "k" in x and "(%)" in y
    assert "k = 5" in fig.layout.title.text
    assert f"{100 * selection.loc[5, 'gap']:.0f} points" in fig.layout.title.text
    assert [s.x0 for s in fig.layout.shapes] == [5]
    assert [t.name for t in fig.data][1:] == ["real need scores", figs.SHUFFLED_LABEL]


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
    tabs = explorer.children[0]
    assert tuple(tabs.titles) == view.TAB_TITLES
    assert all(len(t) <= 15 for t in view.TAB_TITLES)  # shown whole in JupyterLab's tab bar
    assert max(m.K_RANGE) <= figs.MAX_CLUSTERS


def test_picking_a_box_changes_summary_and_figure(explorer, segment, survey):
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
    # coverage and index of the box's most common top need, computed independently
    top = shares.idxmax()
    everyone = (survey["top_need"] == top).mean()
    coverage = (segment["top_need"] == top).sum() / (survey["top_need"] == top).sum()
    assert f"index {100 * shares.max() / everyone:.0f}" in summary.value
    assert f"holds {100 * coverage:.0f}% of everyone" in summary.value
    assert "rough" in summary.value  # 40 people: the summary says how rough its shares are
    for control in ("Age band", "Income band", "Region"):
        _find(explorer, control).value = "any"


def test_an_empty_box_says_so(explorer):
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
    _find(explorer, "Age band").value = "any"
    _find(explorer, "Income band").value = "any"


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_empty_and_single_boxes_in_a_tiny_survey():
    from widgets.views.segment_explorer import segment_explorer

    box = segment_explorer(pd.concat([tiny()] * 3, ignore_index=True).assign(
        respondent_id=lambda d: [f"T{i}" for i in range(len(d))]))
    _find(box, "Age band").value = "25-34"
    assert "No one" in _summary(box).value
    _find(box, "Age band").value = "65+"
    _find(box, "Income band").value = "high"
    assert "3 people" in _summary(box).value and "0%" in _summary(box).value
    box.children[0].selected_index = 1
    assert "need clusters" in _summary(box).value


def test_a_survey_too_small_to_cluster_and_a_missing_column_get_a_plain_sentence():
    from widgets.data import DatasetError
    from widgets.views.segment_explorer import segment_explorer

    box = segment_explorer(tiny().iloc[:2])
    box.children[0].selected_index = 1
    assert "Too few respondents" in _summary(box).value
    with pytest.raises(DatasetError, match="need_price"):
        segment_explorer(tiny().drop(columns="need_price"))


def test_clusters_tab_is_computed_from_the_data_on_screen(explorer, survey):
    summary, tabs = _summary(explorer), explorer.children[0]
    tabs.selected_index = 1
    fits = m.cluster_fits(survey)
    fit = fits[5]
    text = summary.value
    assert "k = 5 need clusters" in text
    assert f"explains {100 * fit.real:.0f}%" in text and f"explains {100 * fit.shuffled:.0f}%" in text
    assert "cut across" not in text
    age_gap = m.gap_detail(m.crosstab(survey["age_band"], fit.labels))
    assert age_gap.column in text and age_gap.high_row in text
    _find(explorer, "Compare with").value = "income_band"
    income_gap = m.gap_detail(m.crosstab(survey["income_band"], fit.labels))
    assert income_gap.column == "price first"  # the built-in income tilt shows
    assert f"{100 * income_gap.high:.0f}% of low" in summary.value
    _find(explorer, "Number of clusters (k)").value = 3
    assert "k = 3 need clusters" in summary.value
    assert f"this k's gap is {100 * fits[3].gap:.0f} points" in summary.value
    eta = tabs.children[1].children[2]
    assert list(eta.data[-1].x) == pytest.approx([100 * v for v in fits[3].shuffled_eta])
    assert list(eta.data[-2].x) == pytest.approx([100 * v for v in fits[3].eta["cluster"]])
    mix = tabs.children[1].children[1]
    assert [t.visible for t in mix.data].count(True) == 3
    _find(explorer, "Number of clusters (k)").value = 5
    _find(explorer, "Compare with").value = "age_band"
    tabs.selected_index = 0


def test_the_largest_gap_s_interval_allows_for_the_pick(explorer, survey):
    """The widget's interval on the largest of many gaps is widened (Bonferroni) and the test of the
    whole table is printed beside it: for age at k = 5, the plain 95% interval would exclude zero
    (a selection effect), the widened one does not, and the chi-squared test agrees with it."""
    summary, tabs = _summary(explorer), explorer.children[0]
    tabs.selected_index = 1
    labels = m.cluster_fits(survey)[5].labels
    table = m.crosstab(survey["age_band"], labels)
    gap = m.gap_detail(table)
    inside = (labels == gap.column).to_numpy()
    a, b = (survey["age_band"] == gap.high_row).to_numpy(), (survey["age_band"] == gap.low_row).to_numpy()
    pa, pb = inside[a].mean(), inside[b].mean()
    se = math.sqrt(pa * (1 - pa) / a.sum() + pb * (1 - pb) / b.sum())
    assert pa - pb - 1.96 * se > 0  # the plain interval excludes zero
    z = stats.norm.ppf(1 - 0.025 / 75)
    low, high = pa - pb - z * se, pa - pb + z * se
    assert low < 0 < high
    text = summary.value
    assert "largest of 75 such differences" in text
    assert f"runs from {100 * low:.0f} to {100 * high:.0f} points" in text
    p = stats.chi2_contingency(pd.crosstab(survey["age_band"], labels).to_numpy(), correction=False)[1]
    assert f"p = {p:.2f}, no more than chance" in text
    _find(explorer, "Compare with").value = "income_band"
    assert "p &lt; 0.001, more than chance" in summary.value
    _find(explorer, "Compare with").value = "age_band"
    tabs.selected_index = 0


def test_the_clusters_sentence_follows_the_data_not_a_script(survey):
    """A planted survey where income decides the need group: the summary must say so."""
    from widgets.views.segment_explorer import segment_explorer

    planted = survey.copy()
    labels = m.need_clusters(survey, k=5)
    planted["income_band"] = pd.Categorical(
        np.where(labels == "price first", "low", "high"), categories=m.BANDS["income_band"],
        ordered=True)
    box = segment_explorer(planted)
    box.children[0].selected_index = 1
    _find(box, "Compare with").value = "income_band"
    text = _summary(box).value
    assert "Not every cluster is in every income band" in text
    assert "100% of low" in text and "0% of high" in text


def test_moving_controls_never_refits_kmeans(explorer, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("k-means was fitted on a control change")

    monkeypatch.setattr(m, "_kmeans_codes", refuse)
    monkeypatch.setattr(m, "cluster_stability", refuse)
    tabs = explorer.children[0]
    tabs.selected_index = 1
    for k in m.K_RANGE:
        _find(explorer, "Number of clusters (k)").value = k
        for by in m.DEMOGRAPHICS:
            _find(explorer, "Compare with").value = by
    _find(explorer, "Number of clusters (k)").value = 5
    _find(explorer, "Compare with").value = "age_band"
    tabs.selected_index = 0


# ----------------------------------------------------------------------------- the questions

QUESTIONS = ("q1", "q2", "q3", "q4", "q5", "q6")


def test_every_question_says_not_attempted_for_the_placeholder():
    for qid in QUESTIONS:
        assert getattr(L, qid).evaluate(____).status == NOT_ATTEMPTED, qid


def _eta(values: pd.Series, groups) -> float:
    """Eta squared by the textbook formula, written out with pandas (independent of the model)."""
    values = pd.Series(np.asarray(values, dtype=float))
    groups = pd.Series(np.asarray(groups))
    mean = values.mean()
    by = values.groupby(groups).agg(["mean", "size"])
    return float((by["size"] * (by["mean"] - mean) ** 2).sum() / ((values - mean) ** 2).sum())


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, verdict)
    return verdict.message


@pytest.fixture(scope="module")
def exercise_box(survey) -> pd.DataFrame:
    return survey[(survey["age_band"] == "55-64") & (survey["income_band"] == "mid")
                  & (survey["region"] == "north")]


def test_q1_eta_squared_on_the_full_boxes_and_its_mistakes(survey):
    boxes = survey["age_band"].astype(str) + survey["income_band"].astype(str) + survey["region"].astype(str)
    right = _eta(survey["need_price"], boxes)
    assert boxes.nunique() == 120
    assert L.q1.evaluate(right).status == CORRECT
    assert L.q1.evaluate(round(right, 4)).status == CORRECT  # three significant figures are enough
    assert "square it" in _feedback(L.q1, math.sqrt(right))
    assert "percentage" in _feedback(L.q1, 100 * right)
    assert "income band alone" in _feedback(L.q1, _eta(survey["need_price"], survey["income_band"]))
    two = survey["age_band"].astype(str) + survey["income_band"].astype(str)
    assert "add the region" in _feedback(L.q1, _eta(survey["need_price"], two))
    assert "rounded" in _feedback(L.q1, round(right, 2))
    assert "another need" in _feedback(L.q1, _eta(survey["need_quality"], boxes))
    assert L.q1.wrong in _feedback(L.q1, 0.5)  # a plausible wrong number: the general message


def test_q2_disagreement_of_another_box_and_its_mistakes(exercise_box, segment, survey):
    shares = exercise_box["top_need"].value_counts(normalize=True)
    right = 1 - (shares**2).sum()
    assert L.q2.evaluate(right).status == CORRECT
    rng = np.random.default_rng(5)  # the same chance by simulation, draws with replacement
    top = exercise_box["top_need"].astype(str).to_numpy()
    assert (rng.choice(top, 200_000) != rng.choice(top, 200_000)).mean() == pytest.approx(right, abs=0.005)
    assert "AGREE" in _feedback(L.q2, (shares**2).sum())
    counts = exercise_box["top_need"].value_counts()
    n = counts.sum()
    without = 1 - (counts * (counts - 1)).sum() / (n * (n - 1))
    assert "without replacement" in _feedback(L.q2, without)
    everyone = survey["top_need"].value_counts(normalize=True)
    assert "everyone" in _feedback(L.q2, 1 - (everyone**2).sum())
    lesson = segment["top_need"].value_counts(normalize=True)
    assert "lesson's box" in _feedback(L.q2, 1 - (lesson**2).sum())
    assert "percentage" in _feedback(L.q2, 100 * right)
    assert "rounded" in _feedback(L.q2, round(right, 1))
    assert "counts" in _feedback(L.q2, 1 - (counts**2).sum())
    assert L.q2.wrong in _feedback(L.q2, 0.5)
    assert "first step" in _feedback(L.q2, shares)  # the shares, not yet the disagreement
    assert "first step" in _feedback(L.q2, shares.to_dict())
    assert L.q2.evaluate(round(right, 3)).status == CORRECT  # three significant figures


def test_q3_cluster_sizes_and_their_mistakes(survey, kmeans_labels):
    right = pd.Series(kmeans_labels).value_counts().tolist()
    assert L.q3.evaluate(right).status == CORRECT
    assert L.q3.evaluate(list(np.bincount(kmeans_labels))).status == CORRECT  # any order
    raw = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(survey[NEED_COLS])
    assert sorted(np.bincount(raw)) != sorted(right), "the data should tell the two apart"
    assert "standardise" in _feedback(L.q3, list(np.bincount(raw)))
    assert "shares" in _feedback(L.q3, list(np.bincount(kmeans_labels) / len(survey)))
    other = KMeans(n_clusters=5, n_init=1, random_state=3, init="random").fit_predict(
        StandardScaler().fit_transform(survey[NEED_COLS]))
    if sorted(np.bincount(other)) != sorted(right):
        assert "exactly" in _feedback(L.q3, list(np.bincount(other)))
    assert "five numbers" in _feedback(L.q3, right[:4])


def _index(survey, labels, band="low", need="novelty") -> float:
    labels = pd.Series(labels, index=survey.index)
    cluster = survey[f"need_{need}"].groupby(labels).mean().idxmax()
    inside = labels == cluster
    return 100 * inside[survey["income_band"] == band].mean() / inside.mean()


def test_q4_index_in_another_cluster_and_its_mistakes(survey, kmeans_labels):
    right = _index(survey, kmeans_labels)
    assert L.q4.evaluate(right).status == CORRECT
    assert L.q4.evaluate(round(right, 1)).status == CORRECT
    labels = pd.Series(kmeans_labels, index=survey.index)
    inside = labels == survey["need_novelty"].groupby(labels).mean().idxmax()
    low = survey["income_band"] == "low"
    assert "ratio" in _feedback(L.q4, right / 100)
    assert "coverage" in _feedback(L.q4, inside[low].sum() / inside.sum())
    assert "coverage" in _feedback(L.q4, 100 * inside[low].sum() / inside.sum())
    assert "share of the low-income band" in _feedback(L.q4, inside[low].mean())
    assert "upside down" in _feedback(L.q4, 100 * inside.mean() / inside[low].mean())
    assert "lesson's example" in _feedback(L.q4, _index(survey, kmeans_labels, "low", "price"))
    scaled = StandardScaler().fit_transform(survey[NEED_COLS])
    differing = [KMeans(n_clusters=5, n_init=1, random_state=s).fit_predict(scaled) for s in range(10)]
    differing.append(KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(survey[NEED_COLS]))
    others = [_index(survey, d) for d in differing]
    others = [o for o in others if not math.isclose(o, right, rel_tol=1e-3)]
    assert others, "some other clustering should give another index"
    for value in others:
        assert "differ from the course's" in _feedback(L.q4, value)
    assert L.q4.wrong in _feedback(L.q4, 150.0)


def _explained(frame: pd.DataFrame) -> float:
    """Variance explained by five k-means clusters, with scikit-learn and pandas directly."""
    labels = KMeans(n_clusters=5, n_init=10, random_state=0).fit_predict(
        StandardScaler().fit_transform(frame[NEED_COLS]))
    return float(np.mean([_eta(frame[c], labels) for c in NEED_COLS]))


def _gap(frame: pd.DataFrame, shuffle) -> float:
    """Real minus shuffled variance explained."""
    return _explained(frame) - _explained(shuffle(frame))


def test_q5_clusters_minus_the_shuffled_baseline_and_its_mistakes(survey):
    high = survey[survey["income_band"] == "high"]
    right = _gap(high, lambda f: m.shuffled_needs(f, seed=0))
    assert L.q5.evaluate(right).status == CORRECT
    rng = np.random.default_rng(2024)  # a learner's own shuffle is accepted too

    def own(f):
        out = f.copy()
        for c in NEED_COLS:
            out[c] = rng.permutation(out[c].to_numpy())
        return out

    assert L.q5.evaluate(_gap(high, own)).status == CORRECT
    assert L.q5.evaluate(round(right, 2)).status == CORRECT
    real = _explained(high)
    assert "subtract" in _feedback(L.q5, real)
    assert "baseline alone" in _feedback(L.q5, real - right)
    assert "sign" in _feedback(L.q5, -right)
    assert "whole survey" in _feedback(L.q5, _gap(survey, lambda f: m.shuffled_needs(f, seed=0)))
    assert "percentage" in _feedback(L.q5, 100 * right)
    rows = _gap(high, lambda f: f.sample(frac=1, random_state=0))
    assert "whole rows" in _feedback(L.q5, rows)
    assert "rounded" in _feedback(L.q5, round(right, 1))
    assert L.q5.wrong in _feedback(L.q5, 0.2)


def test_q6_reading_and_its_mistakes(monkeypatch):
    assert set(L.q6.choices) == {"a", "b", "c", "d", "e"}
    assert L.q6.evaluate("b").status == CORRECT and L.q6.evaluate(" B ").status == CORRECT
    assert "cloud" in _feedback(L.q6, "a") and "generator" in _feedback(L.q6, "a")
    assert "index" in _feedback(L.q6, "c")
    assert "necessary" in _feedback(L.q6, "d")
    assert "far from zero" in _feedback(L.q6, "e")
    assert "answer with one of" in _feedback(L.q6, "f")
    assert "answer with one of" in _feedback(L.q6, 2)
    # the expected reading is computed: with no gap in question 5, "e" would be right and "b" not
    monkeypatch.setattr(L, "_baseline_gap", lambda frame=None: 0.01)
    assert L.q6.evaluate("e").status == CORRECT
    assert "close to zero" in _feedback(L.q6, "b")


def test_q6_reading_b_is_true_of_the_shipped_survey(survey):
    """Reading "b" says: a clear gap in the high-income band, and that scores with the same links
    between needs but no groups beat their shuffled copy too (checked here, in the band)."""
    high = survey[survey["income_band"] == "high"]
    assert L._baseline_gap() > L.CLEAR_GAP
    cloud = m.smooth_cloud(high, seed=0)
    cloud_gap = _gap(cloud, lambda f: m.shuffled_needs(f, seed=0))
    assert cloud_gap > 0.1
    assert L._cloud_gap() == pytest.approx(cloud_gap)


def test_reflection_is_ungraded_and_points_add_up():
    from widgets.checks import registry

    assert L.r1.prompt and L.r1.var == "reply_to_the_brief"
    assert "coverage" in L.r1.prompt and "Ehrenberg-Bass" in L.r1.prompt
    assert registry()["02"] == list(QUESTIONS)


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


def test_the_survey_card_s_measured_figures(survey):
    """datasets/README.md states these figures for survey.csv: keep them true."""
    card = (Path(__file__).resolve().parent.parent / "datasets" / "README.md").read_text(encoding="utf-8")
    assert "below 0.016" in card and "0.76" in card and "0.36" in card and "0.53" in card
    assert m.eta_squared_table(survey).max().max() < 0.016
    fit = m.cluster_fits(survey, [5])[5]
    assert round(fit.real, 2) == 0.76 and round(fit.shuffled, 2) == 0.36
    assert m.cluster_stability(survey, 5).mean > 0.99
    assert round(m.cluster_stability(m.shuffled_needs(survey), 5).mean, 1) == 0.6
    assert round(m.cluster_fits(m.smooth_cloud(survey, seed=0), [5])[5].real, 2) == 0.53
    assert "names k = 4" in card  # tested in test_the_checks_are_not_sufficient_...
    assert (m.tied_top_needs(survey) > 1).mean() == pytest.approx(0.089, abs=0.0005)
    assert "8.9%" in card
