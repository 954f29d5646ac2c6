"""Lesson 03, Noise: the models, figures, the overload simulator and every exercise question.

Expected values are computed here independently (scipy's curve_fit called directly, numpy least
squares, scikit-learn's Poisson regression, pandas group-bys, loops over people), not with the
model functions under test.
"""

from __future__ import annotations

import json
import math

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest
from scipy.optimize import curve_fit

from tests.helpers import ROOT
from tests.helpers import control as _control
from tests.helpers import summary as _summary
from tests.helpers import walk as _walk
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import noise as figs
from widgets.models import noise as m
from widgets.questions import lesson03 as L
from widgets.views.figure import FigureView


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return load("exposure")


@pytest.fixture(scope="module")
def trust() -> pd.DataFrame:
    return load("trust_sources")


@pytest.fixture(scope="module")
def model(panel) -> m.OverloadModel:
    return m.fit_overload(panel)


@pytest.fixture(scope="module")
def weekend(panel) -> pd.DataFrame:
    return panel[panel["day"].dt.day_of_week >= 5]


def _sat(x, ceiling, scale):
    return ceiling * (1 - np.exp(-x / scale))


def _fit_direct(frame: pd.DataFrame) -> np.ndarray:
    """The exercise's own fit: curve_fit with the learner's starting values."""
    return curve_fit(_sat, frame["messages_seen"], frame["messages_noticed"], p0=[170, 180])[0]


def toy_panel(n_people: int = 40, days: int = 14, seed: int = 3) -> pd.DataFrame:
    """A small panel whose curves are known exactly (no noise in noticed)."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n_people), days)
    seen = rng.integers(40, 800, n_people * days)
    rel = rng.uniform(0.05, 0.8, n_people * days)
    reps = 1 + rng.poisson(seen / 150)
    noticed = 150 * (1 - np.exp(-seen / 200))
    return pd.DataFrame({
        "person_id": [f"T{p:03d}" for p in person],
        "day": pd.Timestamp("2025-02-03") + pd.to_timedelta(np.tile(np.arange(days), n_people), "D"),
        "messages_seen": seen, "relevance": rel, "max_repeats": reps,
        "messages_noticed": noticed, "attention_pct": 100 * noticed / seen,
        "recall": rng.poisson(0.08 * seen * np.exp(-seen / 300) * (0.5 + rel)),
        "trust": np.clip(6 - 0.4 * seen / 100 + 2 * rel + rng.normal(0, 0.5, len(seen)), 0, 10)})


# ----------------------------------------------------------------------------- curves


def test_saturation_and_its_saturation_point_by_hand():
    assert m.saturation(0, 100, 50) == pytest.approx(0)
    assert m.saturation(50, 100, 50) == pytest.approx(100 * (1 - math.exp(-1)))
    point = m.saturation_point(50)
    assert point == pytest.approx(50 * math.log(10))
    assert m.saturation(point, 100, 50) == pytest.approx(90)  # 90% of the ceiling
    assert m.saturation_point(50, 0.5) == pytest.approx(50 * math.log(2))


def test_fit_saturation_recovers_a_known_curve():
    fit = m.fit_saturation(toy_panel())
    assert fit.ceiling == pytest.approx(150, rel=1e-6) and fit.scale == pytest.approx(200, rel=1e-6)
    assert fit.saturation_point == pytest.approx(200 * math.log(10), rel=1e-6)


def test_fit_saturation_matches_curve_fit_called_directly(panel, weekend):
    for frame in (panel, weekend):
        ceiling, scale = _fit_direct(frame)
        fit = m.fit_saturation(frame)
        assert fit.ceiling == pytest.approx(ceiling, rel=1e-5)
        assert fit.scale == pytest.approx(scale, rel=1e-5)
        assert fit.days == len(frame) and fit.people == 300


def test_fit_line_is_least_squares(panel):
    slope, intercept = np.polyfit(panel["messages_seen"], panel["trust"], 1)
    line = m.fit_line(panel, "trust")
    assert line.slope == pytest.approx(slope) and line.intercept == pytest.approx(intercept)
    assert line.predict(100) == pytest.approx(intercept + 100 * slope)


def test_rise_and_fall_peaks_at_power_times_scale():
    x = np.linspace(1, 2000, 20000)
    y = m.rise_and_fall(x, 0.1, 0.8, 300)
    assert x[np.argmax(y)] == pytest.approx(0.8 * 300, abs=0.2)


def test_fit_rise_and_fall_recovers_a_known_curve_and_does_not_force_a_fall():
    seen = np.repeat(np.arange(50, 800, 5.0), 2)
    frame = pd.DataFrame({"messages_seen": seen, "recall": m.rise_and_fall(seen, 0.05, 0.9, 250)})
    fit = m.fit_rise_and_fall(frame)
    assert fit.peak == pytest.approx(0.9 * 250, rel=1e-4)
    assert math.isnan(fit.peak_low)  # no person_id: no clustered interval
    rising = pd.DataFrame({"messages_seen": seen, "recall": 0.01 * seen})
    assert m.fit_rise_and_fall(rising).peak > seen.max()


def test_rise_and_fall_interval_contains_the_peak(panel):
    fit = m.fit_rise_and_fall(panel)
    direct = curve_fit(lambda x, k, p, s: k * x**p * np.exp(-x / s), panel["messages_seen"],
                       panel["recall"], p0=[0.01, 1.0, 300], maxfev=20000)[0]
    assert fit.peak == pytest.approx(direct[1] * direct[2], rel=1e-4)
    assert fit.peak_low < fit.peak < fit.peak_high
    assert 100 < fit.peak < 400  # it turns down inside the panel's range


def test_hyperbola_and_its_90_percent_point_by_hand():
    assert m.hyperbola(100, 200, 100) == pytest.approx(100)  # half the ceiling at `half`
    fit = m.HyperbolaFit(200, 100, "messages_noticed")
    assert fit.saturation_point == pytest.approx(900)
    assert fit.predict(fit.saturation_point) == pytest.approx(0.9 * 200)


def test_fit_hyperbola_recovers_a_known_curve_and_matches_curve_fit(panel):
    seen = np.repeat(np.arange(40, 800, 5.0), 2)
    frame = pd.DataFrame({"messages_seen": seen, "messages_noticed": 210 * seen / (seen + 160)})
    fit = m.fit_hyperbola(frame)
    assert fit.ceiling == pytest.approx(210, rel=1e-6) and fit.half == pytest.approx(160, rel=1e-6)
    direct = curve_fit(lambda x, c, h: c * x / (x + h), panel["messages_seen"],
                       panel["messages_noticed"], p0=[300, 300], maxfev=20000)[0]
    fit = m.fit_hyperbola(panel)
    assert (fit.ceiling, fit.half) == pytest.approx(tuple(direct), rel=1e-5)


def test_fit_quadratic_is_least_squares_and_finds_its_top(panel):
    a, b, c = np.polyfit(panel["messages_seen"], panel["recall"], 2)
    fit = m.fit_quadratic(panel)
    assert (fit.a, fit.b, fit.c) == pytest.approx((a, b, c))
    assert fit.peak == pytest.approx(-b / (2 * a))
    assert fit.predict(100) == pytest.approx(c + 100 * b + 10_000 * a)
    assert math.isnan(m.QuadraticFit(1.0, 0.0, 0.0, "recall").peak)  # opens upwards: no top


def test_what_the_lesson_says_about_rival_curves(panel):
    """Held out, the hyperbola cannot be told from the saturation curve, yet puts 90% saturation
    beyond the panel; the quadratic's top falls outside the rise-and-fall curve's interval."""
    gain, low, high = m.held_out_gain(panel, "messages_noticed", "saturating curve",
                                      "hyperbolic curve")
    assert low < 0 < high and abs(gain) < 0.01
    assert m.fit_hyperbola(panel).saturation_point > panel["messages_seen"].max()
    rise, quad = m.fit_rise_and_fall(panel), m.fit_quadratic(panel)
    assert not rise.peak_low <= quad.peak <= rise.peak_high
    assert m.held_out_gain(panel, "recall", "rise and fall", "quadratic")[1] > 0


def _generator():
    """datasets/generate.py's module-level constants, read without running it."""
    import ast

    tree = ast.parse((ROOT / "datasets" / "generate.py").read_text(encoding="utf-8"))
    return {t.id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name) and t.id.isupper()
            and isinstance(node.value, ast.Constant)}


def test_the_generators_own_answers_are_stated_and_recovered(panel, model):
    """The lesson states what a perfect fit would find, from the generator's settings, and the
    fits recover it: the saturation point, the recall peak with repetition fixed, trust's slope."""
    g = _generator()
    capacity, clutter = g["ATTENTION_CAPACITY"], g["RECALL_CLUTTER_SCALE"]
    built_point = capacity * math.log(10)
    built_peak = capacity * math.log(1 + clutter / capacity)
    built_slope = -g["TRUST_VOLUME_DROP"] / g["MESSAGES_MAX"] * 100
    text = "\n".join(c["source"] for c in json.loads(
        (ROOT / "lessons" / "03-noise.ipynb").read_text(encoding="utf-8"))["cells"])
    assert f"{capacity} × ln 10 ≈ {built_point:.0f}" in text
    assert f"{capacity} × ln(1 + {clutter}/{capacity}) ≈ {built_peak:.0f}" in text
    assert f"{g['TRUST_VOLUME_DROP']} / {g['MESSAGES_MAX']} × 100 = {-built_slope:.2f}" in text
    assert f"{g['TRUST_REPEAT_PENALTY'] * (10 - g['TRUST_REPEAT_LIMIT']):.2f} at ten" in text
    rel = round(float(panel["relevance"].median()), 2)
    ceiling = capacity * (g["ATTENTION_BASE"] + g["ATTENTION_RELEVANCE_GAIN"] * rel)
    assert (f"{capacity} × ({g['ATTENTION_BASE']} + {g['ATTENTION_RELEVANCE_GAIN']} × {rel}) ≈ "
            f"{ceiling:.0f} at the panel's median relevance of {rel}") in text
    assert f"{ceiling:.0f}" == f"{m.fit_saturation(panel).ceiling:.0f}"  # the fit recovers it
    assert abs(m.fit_saturation(panel).saturation_point / built_point - 1) < 0.02  # "within 2%"
    _, low, high = model.recall_peak()
    assert low < built_peak < high
    effect = m.trust_effects(model).loc["100 more messages a day"]
    assert effect["low"] < built_slope < effect["high"]


def test_r_squared_by_hand():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert m.r_squared(y, y) == 1.0
    assert m.r_squared(y, np.full(4, 2.5)) == pytest.approx(0.0)
    assert m.r_squared(y, [2, 3, 4, 5]) == pytest.approx(1 - 4 / 5)
    assert m.r_squared(y, [4, 3, 2, 1]) < 0
    assert math.isnan(m.r_squared([2, 2, 2], [1, 2, 3]))


def test_split_people_is_disjoint_and_complete(panel):
    fit, test = m.split_people(panel)
    assert len(fit) + len(test) == len(panel)
    assert not set(fit["person_id"]) & set(test["person_id"])
    assert fit["person_id"].nunique() == test["person_id"].nunique() == 150
    with pytest.raises(m.NoiseInputError, match="single person"):
        m.split_people(panel[panel["person_id"] == "D001"])


def test_held_out_table_recomputed_independently(panel):
    table = m.held_out_table(panel).set_index(["response", "curve"])["r2_held_out"]
    ids = sorted(panel["person_id"].unique())  # D001..D300 are in file order
    fit = panel[panel["person_id"].isin(ids[0::2])]
    test = panel[panel["person_id"].isin(ids[1::2])]
    y = test["messages_noticed"].to_numpy(float)

    def r2(pred):
        return 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()

    ceiling, scale = _fit_direct(fit)
    slope, intercept = np.polyfit(fit["messages_seen"], fit["messages_noticed"], 1)
    seen = test["messages_seen"].to_numpy(float)
    assert table["messages noticed", "saturating curve"] == pytest.approx(
        r2(_sat(seen, ceiling, scale)), abs=1e-6)
    assert table["messages noticed", "straight line"] == pytest.approx(r2(intercept + slope * seen), abs=1e-9)
    h_ceiling, h_half = curve_fit(lambda x, c, h: c * x / (x + h), fit["messages_seen"],
                                  fit["messages_noticed"], p0=[300, 300], maxfev=20000)[0]
    assert table["messages noticed", "hyperbolic curve"] == pytest.approx(
        r2(h_ceiling * seen / (seen + h_half)), abs=1e-6)
    quad = np.polyfit(fit["messages_seen"], fit["recall"], 2)
    y_recall = test["recall"].to_numpy(float)
    assert table["ads recalled next day", "quadratic"] == pytest.approx(
        1 - ((y_recall - np.polyval(quad, seen)) ** 2).sum()
        / ((y_recall - y_recall.mean()) ** 2).sum(), abs=1e-9)
    # the findings the lesson states: each curve beats the rival that could have won
    assert table["messages noticed", "saturating curve"] > table["messages noticed", "straight line"]
    recall = table["ads recalled next day"]
    assert recall["rise and fall"] > recall["straight line"] > recall["saturating curve"]
    assert table["trust in ads (0-10)", "straight line"] > 0.3 > abs(table["trust in ads (0-10)",
                                                                          "no change (the mean)"])


def test_held_out_gain_is_the_r2_difference_with_a_people_bootstrap(panel):
    table = m.held_out_table(panel).set_index(["response", "curve"])["r2_held_out"]
    gain, low, high = m.held_out_gain(panel, "recall", "rise and fall", "straight line")
    expected = table["ads recalled next day", "rise and fall"] - table["ads recalled next day",
                                                                      "straight line"]
    assert gain == pytest.approx(expected, abs=1e-9)
    assert low < gain < high and low > 0  # the lesson's claim: an edge no split of people explains
    assert m.held_out_gain(panel, "recall", "rise and fall", "straight line") == (gain, low, high)
    # the bootstrap resamples held-out people: redone by hand with the same draws, person by person
    fit, test = m.split_people(panel)
    seen, y = test["messages_seen"].to_numpy(float), test["recall"].to_numpy(float)
    rise = m.fit_rise_and_fall(fit).predict(seen)
    slope, intercept = np.polyfit(fit["messages_seen"], fit["recall"], 1)
    line = intercept + slope * seen
    rows = list(test.groupby("person_id", sort=False).indices.values())
    draws = np.random.default_rng(7).integers(0, len(rows), size=(60, len(rows)))
    by_hand = []
    for draw in draws:
        idx = np.concatenate([rows[i] for i in draw])
        total = ((y[idx] - y[idx].mean()) ** 2).sum()
        by_hand.append((((y[idx] - line[idx]) ** 2).sum() - ((y[idx] - rise[idx]) ** 2).sum()) / total)
    ours = m.held_out_gain(panel, "recall", "rise and fall", "straight line", n_boot=60, seed=7)
    assert ours[1:] == pytest.approx(tuple(np.quantile(by_hand, [0.025, 0.975])), rel=1e-9)
    with pytest.raises(m.NoiseInputError, match="no curve called 'cubic'"):
        m.held_out_gain(panel, "recall", "cubic", "straight line")


def test_binned_panel_equals_a_pandas_groupby(panel):
    got = m.binned_panel(panel, relevance=0.3)
    near = panel[(panel["relevance"] - 0.3).abs() <= 0.1 + 1e-9]  # 0.4 - 0.3 is 0.1000...03
    band = (near["messages_seen"] // 50).astype(int)
    g = near.groupby(band)["recall"].agg(["mean", "size", "std"])
    g = g[g["size"] >= 20]
    assert got["days"].tolist() == g["size"].tolist()
    assert np.allclose(got["recall"], g["mean"])
    assert np.allclose(got["recall_ci"], 1.959963984540054 * g["std"] / np.sqrt(g["size"]))
    assert np.allclose(got["messages"], (g.index + 0.5) * 50)
    assert m.binned_panel(panel, relevance=1.0).empty  # no day is that relevant


# ----------------------------------------------------------------------------- the overload model


def test_attention_model_matches_curve_fit(panel, model):
    direct = curve_fit(lambda x, b, g, s: (b + g * x[1]) * (1 - np.exp(-x[0] / s)),
                       np.vstack([panel["messages_seen"], panel["relevance"]]),
                       panel["messages_noticed"], p0=[150, 0, 300])[0]
    assert np.allclose(model.attention, direct, rtol=1e-4)


def _design(panel: pd.DataFrame, recall: bool) -> np.ndarray:
    seen = panel["messages_seen"].to_numpy(float)
    reps = panel["max_repeats"].clip(upper=m.CAP_LEVELS)
    dummies = pd.get_dummies(reps.astype(pd.CategoricalDtype(range(1, m.CAP_LEVELS + 1))),
                             dtype=float).iloc[:, 1:].to_numpy()
    cols = [np.ones(len(panel))] + ([np.log(seen / 100)] if recall else []) + \
        [seen / 100, panel["relevance"].to_numpy(float)]
    return np.column_stack([*cols, dummies])


def test_recall_model_equals_scikit_learn_poisson_regression(panel, model):
    from sklearn.linear_model import PoissonRegressor

    x = _design(panel, recall=True)
    reg = PoissonRegressor(alpha=0, fit_intercept=False, solver="newton-cholesky", max_iter=100,
                           tol=1e-12).fit(x, panel["recall"])
    assert np.allclose(model.recall, reg.coef_, atol=1e-5)


def test_trust_model_equals_least_squares(panel, model):
    x = _design(panel, recall=False)
    assert np.allclose(model.trust, np.linalg.lstsq(x, panel["trust"], rcond=None)[0], atol=1e-8)


def test_clustered_intervals_by_a_loop_over_people(panel, model):
    x = _design(panel, recall=False)
    y = panel["trust"].to_numpy(float)
    resid = y - x @ model.trust
    bread = np.linalg.inv(x.T @ x)
    meat = np.zeros((x.shape[1], x.shape[1]))
    for _, rows in panel.groupby("person_id").indices.items():
        s = x[rows].T @ resid[rows]
        meat += np.outer(s, s)
    g = panel["person_id"].nunique()
    cov = g / (g - 1) * bread @ meat @ bread
    assert np.allclose(model.trust_cov, cov, rtol=1e-6, atol=1e-12)
    effects = m.trust_effects(model)
    se = math.sqrt(cov[1, 1])
    assert effects.iloc[0]["high"] - effects.iloc[0]["effect"] == pytest.approx(1.959964 * se, rel=1e-5)
    assert effects.loc["100 more messages a day", "high"] < 0  # trust falls, and the interval says so


def test_recall_peak_and_its_interval(model):
    b = model.recall
    peak, low, high = model.recall_peak()
    assert peak == pytest.approx(-100 * b[1] / b[2])
    eps = 1e-6
    grad = np.zeros(len(b))
    for j in (1, 2):
        bumped = b.copy()
        bumped[j] += eps
        grad[j] = (-100 * bumped[1] / bumped[2] - peak) / eps
    se = math.sqrt(grad @ model.recall_cov @ grad)
    assert high - peak == pytest.approx(1.959964 * se, rel=1e-3)
    assert low < peak < high


def test_recall_repeat_effects(model):
    eff = m.recall_repeat_effects(model)
    assert list(eff.index) == list(range(1, m.CAP_LEVELS + 1))
    assert eff.loc[1, "times"] == 1.0 and eff.loc[2, "times"] == pytest.approx(math.exp(model.recall[4]))
    assert (eff["low"] <= eff["times"]).all() and (eff["times"] <= eff["high"]).all()


def test_trust_slopes_pooled_and_within_people(panel):
    slopes = m.trust_slopes(panel)
    # within people, independently: pandas centres each variable on the person's own mean
    cols = panel[["messages_seen", "relevance", "trust"]].astype(float)
    centred = cols - cols.groupby(panel["person_id"]).transform("mean")
    x = np.column_stack([centred["messages_seen"] / 100, centred["relevance"]])
    within = np.linalg.lstsq(x, centred["trust"], rcond=None)[0][0]
    assert slopes.loc["within people", "slope"] == pytest.approx(within, rel=1e-8)
    pooled = np.linalg.lstsq(np.column_stack([np.ones(len(panel)), panel["messages_seen"] / 100,
                                              panel["relevance"]]), panel["trust"], rcond=None)[0][1]
    assert slopes.loc["pooled", "slope"] == pytest.approx(pooled, rel=1e-8)
    assert (slopes["low"] < slopes["slope"]).all() and (slopes["slope"] < slopes["high"]).all()


def test_repeat_mix_is_the_panels_own_mix(panel, model):
    for seen in (120, 360, 700):
        lo, hi = 10 * ((seen - 50) // 10), 10 * ((seen + 50) // 10)
        near = panel[(panel["messages_seen"] >= lo) & (panel["messages_seen"] < hi)]
        direct = near["max_repeats"].clip(upper=m.CAP_LEVELS).value_counts(normalize=True)
        direct = direct.reindex(range(1, m.CAP_LEVELS + 1), fill_value=0)
        assert np.allclose(model.repeat_mix(np.array([seen]))[0], direct)
    assert np.allclose(model.repeat_mix(np.array([5000])), model.repeat_mix(np.array([800])))


def test_a_cap_changes_only_the_repeats(model):
    seen = np.array([300.0, 600.0])
    uncapped = model.capped_effects(seen, m.CAP_LEVELS)
    mix = model.repeat_mix(seen)
    assert np.allclose(uncapped[0], mix @ np.exp(np.r_[0, model.recall[4:]]))
    once = model.capped_effects(seen, 1)
    assert np.allclose(once[0], 1.0) and np.allclose(once[1], 0.0)


def test_thinning_a_huge_panel_keeps_whole_people(panel):
    thin = m._thin(panel, 4000)
    assert len(thin) <= 4200 and thin.groupby("person_id").size().eq(28).all()
    assert m._thin(panel, None) is panel and m._thin(panel, 10_000) is panel


# ----------------------------------------------------------------------------- the simulator


def test_simulate_uses_the_fitted_models(model):
    sim = m.simulate(model, 360, 0.3, 12)
    base, gain, scale = model.attention
    noticed = (base + gain * 0.3) * (1 - math.exp(-360 / scale))
    assert sim.noticed == pytest.approx(noticed) and sim.attention_pct == pytest.approx(100 * noticed / 360)
    assert sim.recall == pytest.approx(float(model.recall_at(np.array([360.0]), 0.3, 12)[0]))
    assert 0 <= sim.trust <= 10 and sim.notes == () and sim.shown and not sim.extrapolated


def test_settings_the_panel_never_saw_come_with_sentences(model):
    none = m.simulate(model, 0, 0.3, 12)
    assert not none.shown and none.recall == 0 and math.isnan(none.trust)
    assert "no messages" in none.notes[0]
    capped = m.simulate(model, 360, 0.3, 0)
    assert not capped.shown and "cap of 0" in capped.notes[0]
    far = m.simulate(model, 5000, 0.3, 12)
    assert far.extrapolated and "extrapolation" in far.notes[0] and "800" in far.notes[0]
    low = m.simulate(model, 20, 0.3, 12)
    assert low.extrapolated and "fewer than 47" in low.notes[0]
    zero = m.simulate(model, 360, 0, 12)
    assert "relevance of 0" in zero.notes[0] and math.isfinite(zero.recall)
    full = m.simulate(model, 360, 1, 12)
    assert full.extrapolated and "relevant" in full.notes[0]


@pytest.mark.parametrize(("args", "words"), [
    ((-5, 0.3, 3), "cannot be negative"),
    ((360, 30, 3), "percentage"),
    ((360, -0.1, 3), "between 0 and 1"),
    ((360, 0.3, 2.5), "whole number"),
    (("many", 0.3, 3), "must be a number"),
    ((float("nan"), 0.3, 3), "finite"),
    ((True, 0.3, 3), "not True or False"),
])
def test_bad_settings_raise_a_plain_sentence(model, args, words):
    with pytest.raises(m.NoiseInputError, match=words) as caught:
        m.simulate(model, *args)
    assert caught.value._render_traceback_() == [str(caught.value)]  # one line in Jupyter


def test_response_curves(model):
    curves = m.response_curves(model, 0.3, 12)
    assert curves.index[0] == 10 and curves.index[-1] == 1200 and len(curves) == 120
    assert np.allclose(curves["attention_pct"], 100 * curves["noticed"] / curves.index)
    peak, best = m.recall_peak(curves)
    assert best == curves["recall"].max() and 150 < peak < 350
    assert curves["trust"].iloc[0] > curves["trust"].iloc[-1]
    off = m.response_curves(model, 0.3, 0)
    assert (off["recall"] == 0).all() and off["trust"].isna().all()
    assert all(math.isnan(v) for v in m.recall_peak(off))
    with pytest.raises(m.NoiseInputError):
        m.response_curves(model, 0.3, 3, np.array([0.0, 10.0]))


def test_slices_and_empty_slices(panel):
    assert len(m.panel_slice(panel, "weekends")) == 2400
    assert len(m.panel_slice(panel, "weekdays")) == 6000
    band = m.panel_slice(panel, relevance=(0.2, 0.4))
    assert band["relevance"].between(0.2, 0.4, inclusive="left").all()
    with pytest.raises(m.NoiseInputError, match="No panel day is left"):
        m.panel_slice(panel, "weekends", relevance=(0.95, 1.0))
    with pytest.raises(m.NoiseInputError, match="days must be one of"):
        m.panel_slice(panel, "sundays")
    for fit in (m.fit_saturation, m.fit_rise_and_fall, m.fit_overload, m.held_out_table):
        with pytest.raises(m.NoiseInputError, match="no rows"):
            fit(panel.iloc[:0])
    with pytest.raises(m.NoiseInputError, match="no column 'messages_noticed'"):
        m.fit_saturation(panel.drop(columns="messages_noticed"))
    with pytest.raises(m.NoiseInputError, match="a table"):
        m.fit_overload([1, 2, 3])  # type: ignore[arg-type]
    one_count = panel[panel["messages_seen"] == 800]
    with pytest.raises(m.NoiseInputError, match="three different message counts"):
        m.fit_saturation(one_count)


# ----------------------------------------------------------------------------- real trust figures


def test_trust_table_and_change_by_hand(trust):
    table = m.trust_table(trust)
    assert table.loc["recommendations from people I know", 2015] == 83
    assert math.isnan(table.loc["online banner ads", 2015])
    change = m.trust_change(trust, 2009, 2015)
    assert change.to_dict() == {"recommendations from people I know": -7.0,
                                "consumer opinions posted online": -4.0}
    with pytest.raises(m.NoiseInputError, match="no year 2012"):
        m.trust_change(trust, 2009, 2012)
    only = trust[trust["source"].isin(["ads on TV", "online banner ads"])]
    with pytest.raises(m.NoiseInputError, match="both 2009 and 2015"):
        m.trust_change(only, 2009, 2015)


# ----------------------------------------------------------------------------- figures


def _titles(fig) -> tuple[str, str]:
    return fig.layout.xaxis.title.text or "", fig.layout.yaxis.title.text or ""


def test_attention_and_recall_figures_state_computed_findings(panel):
    fit = m.fit_saturation(panel)
    fig = figs.attention_figure(m.binned_panel(panel), fit, m.fit_line(panel, "messages_noticed"),
                                {"saturating curve": 0.5, "straight line": -0.001})
    x, y = _titles(fig)
    assert "(count)" in x and "(count)" in y
    title = fig.layout.title.text
    assert f"{fit.saturation_point:.0f}" in title and f"{fit.ceiling:.0f}" in title
    assert "R² 0.00)" in fig.data[2].name  # never "-0.00"
    rival = m.fit_hyperbola(panel)
    fig = figs.attention_figure(m.binned_panel(panel), fit, m.fit_line(panel, "messages_noticed"),
                                rival=rival)
    assert len(fig.data) == 4 and fig.layout.xaxis.range[1] > rival.saturation_point
    title = fig.layout.title.text
    assert f"{fit.saturation_point:,.0f}" in title and f"{rival.saturation_point:,.0f}" in title
    rise = m.fit_rise_and_fall(panel)
    fig = figs.recall_figure(m.binned_panel(panel), {"rise and fall": rise,
                                                     "straight line": m.fit_line(panel, "recall")},
                             {"rise and fall": 0.1, "straight line": 0.08})
    assert f"{rise.peak:.0f}" in fig.layout.title.text and "10%" in fig.layout.title.text
    assert len(fig.data) == 3 and all(_titles(fig))
    quad = m.fit_quadratic(panel)
    fig = figs.recall_figure(m.binned_panel(panel), {"rise and fall": rise, "quadratic": quad},
                             {"rise and fall": 0.1})
    assert f"a quadratic: {quad.peak:.0f}" in fig.layout.title.text and len(fig.data) == 3


def test_trust_sources_figure_title_comes_from_the_data(trust):
    fig = figs.trust_sources_figure(trust)
    assert "83%" in fig.layout.title.text and "63%" in fig.layout.title.text
    assert [t.name for t in fig.data] == ["2009", "2015"]
    changed = trust.assign(pct_trusting=trust["pct_trusting"].where(trust["year"] != 2015, 50))
    assert "83%" not in figs.trust_sources_figure(changed).layout.title.text
    assert "%" in fig.layout.xaxis.title.text


def test_overload_figure_hides_the_answer_until_the_reveal(model):
    fig = figs.overload_figure(model)
    assert len(fig.data) == 15
    curves = m.response_curves(model, 0.3, 12)
    sim = m.simulate(model, 360, 0.3, 12)
    peak = m.recall_peak(curves)[0]
    figs.fill_overload(fig, curves, m.binned_panel(load("exposure"), 0.3), sim, 600, False, peak, 3.0)
    hidden = [t for i, t in enumerate(fig.data) if i % 5 in (0, 1, 4)]
    assert all(t.visible is False for t in hidden)
    assert "Guess where recall peaks" in fig.layout.title.text
    figs.fill_overload(fig, curves, m.binned_panel(load("exposure"), 0.3), sim, 600, True, peak, 3.0)
    assert all(t.visible is True for t in hidden)
    assert f"{peak:,.0f}" in fig.layout.title.text and "falls 3.0" in fig.layout.title.text
    nothing = m.simulate(model, 0, 0.3, 12)
    assert "Nothing is shown" in figs.overload_title(nothing, peak, 600, True, 3.0)


# ----------------------------------------------------------------------------- the view


@pytest.fixture()
def simulator():
    from widgets.views.overload import overload_simulator

    return overload_simulator()


def test_view_follows_the_conventions(simulator):
    from widgets.views import overload

    assert overload.__all__ == ["overload_simulator"]
    assert {"course-widget", "course-widget-overload"} <= set(simulator._dom_classes)
    controls = [c for c in _walk(simulator) if isinstance(c, w.ValueWidget) and not isinstance(c, w.HTML)]
    assert len(controls) == 5 and all(c.description for c in controls)


def test_guess_then_reveal(simulator):
    summary, figure = _summary(simulator), next(c for c in _walk(simulator) if isinstance(c, FigureView))
    assert "press <b>Reveal</b>" in summary.value and "peaks at about" not in summary.value
    data = json.loads(figure.figure_json)["data"]
    assert data[1].get("visible") is False
    _control(simulator, "Your guess (messages)").value = 250
    _control(simulator, "Reveal the curves").value = True
    assert "peaks at about" in summary.value and "Your guess of 250" in summary.value
    assert "300 invented people" in summary.value and "not how real people respond" in summary.value
    # the range near the top, computed from the curve on screen
    from widgets.views.overload import NEAR_TOP
    curves = m.response_curves(m.fit_overload(load("exposure")), 0.3, m.CAP_LEVELS)
    near = curves.index[curves["recall"] >= NEAR_TOP * curves["recall"].max()]
    assert f"of its top from {near.min():,.0f} to {near.max():,.0f} messages" in summary.value
    assert json.loads(figure.figure_json)["data"][1].get("visible") is True
    assert _control(simulator, "Hide the curves").value is True


def test_bad_settings_in_the_view_are_sentences(simulator):
    summary = _summary(simulator)
    _control(simulator, "Reveal the curves").value = True
    _control(simulator, "Cap per ad (a day)").value = 0
    assert "cap of 0" in summary.value and "nothing is shown" in summary.value
    _control(simulator, "Cap per ad (a day)").value = 3
    _control(simulator, "Messages a day").value = 1200
    assert "extrapolation" in summary.value
    _control(simulator, "Relevant share (0-1)").value = 1.0
    assert "no day with relevance within" in summary.value
    _control(simulator, "Messages a day").value = 0
    assert "no messages" in summary.value


def test_the_view_fits_once_and_takes_other_data(monkeypatch, panel):
    from widgets.views import overload

    calls = []
    original = overload.fit_overload
    monkeypatch.setattr(overload, "fit_overload", lambda p: calls.append(len(p)) or original(p))
    part = panel[panel["person_id"] <= "D100"]
    box = overload.overload_simulator(part)
    for value in (100, 200, 300):
        _control(box, "Messages a day").value = value
    _control(box, "Relevant share (0-1)").value = 0.5
    assert calls == [len(part)]
    with pytest.raises(m.NoiseInputError, match="no rows"):
        overload.overload_simulator(panel.iloc[:0])


# ----------------------------------------------------------------------------- the questions


def _feedback(question, answer) -> str:
    verdict = question.evaluate(answer)
    assert verdict.status == INCORRECT, verdict
    return verdict.message


def test_every_question_is_registered_and_blank_is_not_attempted():
    from widgets.checks import registry

    assert registry()["03"] == ["q1", "q2", "q3", "q4", "q5"]
    for q in (L.q1, L.q2, L.q3, L.q4, L.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED
        assert len(q.hints) == 3  # three tiers


def test_q1_weekend_saturation(panel, weekend):
    ceiling, scale = _fit_direct(weekend)
    right = scale * np.log(10)
    assert L.q1.evaluate(float(right)).status == CORRECT
    assert L.q1.evaluate(round(float(right))).status == CORRECT  # a careful learner rounds
    everyone = _fit_direct(panel)[1] * np.log(10)
    assert "every day of the panel" in _feedback(L.q1, float(everyone))
    weekdays = _fit_direct(panel[panel["day"].dt.day_of_week < 5])[1] * np.log(10)
    assert "weekdays" in _feedback(L.q1, float(weekdays))
    assert "scale" in _feedback(L.q1, float(scale))
    assert "ceiling" in _feedback(L.q1, float(ceiling))
    assert "NOTICED" in _feedback(L.q1, 0.9 * float(ceiling))
    assert "95%" in _feedback(L.q1, float(scale * np.log(20)))
    assert "half-saturation" in _feedback(L.q1, float(scale * np.log(2)))
    assert _feedback(L.q1, 500.0) == L.q1.wrong
    assert "a number" in _feedback(L.q1, "411")


def test_q2_weekend_r2(panel, weekend):
    y, seen = weekend["messages_noticed"].to_numpy(float), weekend["messages_seen"].to_numpy(float)
    total = ((y - y.mean()) ** 2).sum()
    curve = _sat(seen, *_fit_direct(weekend))
    r2_line = np.corrcoef(seen, y)[0, 1] ** 2  # for a straight line, R² is r squared
    right = {"curve": 1 - ((y - curve) ** 2).sum() / total, "line": float(r2_line)}
    assert L.q2.evaluate(right).status == CORRECT
    assert L.q2.evaluate({k: round(v, 2) for k, v in right.items()}).status == CORRECT
    assert "wrong way round" in _feedback(L.q2, {"curve": right["line"], "line": right["curve"]})
    y_all, seen_all = panel["messages_noticed"].to_numpy(float), panel["messages_seen"].to_numpy(float)
    all_curve = _sat(seen_all, *_fit_direct(panel))
    all_r2 = {"curve": 1 - ((y_all - all_curve) ** 2).sum() / ((y_all - y_all.mean()) ** 2).sum(),
              "line": float(np.corrcoef(seen_all, y_all)[0, 1] ** 2)}
    assert "every day" in _feedback(L.q2, all_r2)
    assert "percentages" in _feedback(L.q2, {k: 100 * v for k, v in right.items()})
    assert "correlation r" in _feedback(L.q2, {"curve": right["curve"], "line": math.sqrt(right["line"])})
    assert "two keys" in _feedback(L.q2, (right["curve"], right["line"]))
    assert _feedback(L.q2, {"curve": 0.5, "line": 0.4}) == L.q2.wrong


def test_q3_trust_change(trust):
    table = trust.pivot(index="source", columns="year", values="pct_trusting")
    right = (table[2015] - table[2009]).dropna()
    assert L.q3.evaluate(right).status == CORRECT
    assert L.q3.evaluate(right.iloc[::-1]).status == CORRECT  # any order
    assert "reversed" in _feedback(L.q3, -right)
    assert "relative change" in _feedback(L.q3, right / table[2009].dropna().loc[right.index] * 100)
    assert "fractions" in _feedback(L.q3, right / 100)
    assert "BOTH years" in _feedback(L.q3, table[2015] - table[2009])
    assert _feedback(L.q3, right + 1) == L.q3.wrong


def test_q4_and_q5_readings():
    assert L.q4.var == "deck_reading"
    assert L.q4.evaluate("b").status == CORRECT and L.q4.evaluate(" B ").status == CORRECT
    assert "without anyone lying" in _feedback(L.q4, "a")
    assert "time series" in _feedback(L.q4, "c")
    assert "less noisy, not more relevant" in _feedback(L.q4, "d")
    assert "one of 'a', 'b', 'c', 'd'" in _feedback(L.q4, "e")
    assert _feedback(L.q4, 5) != ""  # a number, not a letter: a sentence, never a traceback
    assert L.q5.evaluate("b").status == CORRECT
    assert "synthetic" in _feedback(L.q5, "a")
    assert "within a few percent" in _feedback(L.q5, "c")
    assert "starting values" in _feedback(L.q5, "d")


def test_q5_reading_follows_the_data(monkeypatch):
    """If the weekend saturation point moved away from the whole panel's, "c" would be right."""
    fits = {"weekends": m.SaturationFit(170, 250, "messages_noticed", 2400, 300),
            "all": m.SaturationFit(170, 180, "messages_noticed", 8400, 300)}
    monkeypatch.setattr(L, "_fit", lambda days: fits[days])
    assert L.q5.evaluate("c").status == CORRECT


def test_the_exercise_prints_every_choice_as_the_check_states_it():
    text = (ROOT / "exercises" / "03-noise.ipynb").read_text(encoding="utf-8")
    for q in (L.q4, L.q5):
        for key, reading in q.choices.items():
            assert json.dumps(f'* **"{key}"**: {reading}')[1:-1] in text


def test_reflection_is_not_graded():
    assert L.r1.var == "advice" and "Sharp" in L.r1.prompt


def test_the_data_card_states_what_the_models_measure(panel):
    card = (ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    card = card[card.index("## exposure.csv"):card.index("## trust_sources.csv")]
    rise, fit = m.fit_rise_and_fall(panel), m.fit_saturation(panel)
    assert f"about {fit.saturation_point:.0f} messages seen a day" in card
    assert f"about {fit.predict(360):.0f} noticed at 360" in card
    assert f"about {rise.peak:.0f} (95% interval {rise.peak_low:.0f}-{rise.peak_high:.0f}" in card
    assert f"median {panel['messages_seen'].median():.0f} seen" in card


def test_the_views_sentences_follow_other_data():
    """Nothing in the summary is typed in: on data where recall only rises and trust rises with
    volume, the simulator says so."""
    from widgets.views.overload import overload_simulator

    toy = toy_panel(n_people=60, days=20, seed=5)
    rng = np.random.default_rng(0)
    toy["recall"] = rng.poisson(0.01 * toy["messages_seen"])
    toy["trust"] = np.clip(2 + 0.5 * toy["messages_seen"] / 100 + rng.normal(0, 0.3, len(toy)), 0, 10)
    box = overload_simulator(toy)
    _control(box, "Reveal the curves").value = True
    text = _summary(box).value
    assert "recall keeps rising" in text and "peaks at about" not in text
    assert "Trust does not peak: it rises" in text
    _control(box, "Cap per ad (a day)").value = m.CAP_LEVELS
    assert "no cap the model can tell apart" in _summary(box).value
    figure = next(c for c in _walk(box) if isinstance(c, FigureView))
    assert "Recall peaks" not in figure.figure.layout.title.text
