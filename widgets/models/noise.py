"""Lesson 03, Noise: how attention, recall and trust respond to the number of ad messages a day.

Pure functions over the exposure panel (``load("exposure")``: one row per person per day, with
``messages_seen``, ``relevance``, ``max_repeats``, ``messages_noticed``, ``attention_pct``,
``recall`` and ``trust``) and over the real trust figures (``load("trust_sources")``). No widgets,
no plots, no printing. Every curve is fitted to the panel here; nothing is typed in.

The curves, in one place (``m`` is messages seen in a day):

* **saturation** (diminishing returns): ``ceiling * (1 - exp(-m / scale))``. It rises steeply,
  then flattens towards ``ceiling``; its **saturation point** is where it reaches 90% of the
  ceiling, ``scale * ln(10)`` (one more message then adds under a tenth of what the first did);
* **rise and fall**: ``k * m**power * exp(-m / scale)``: it rises, peaks at ``power * scale``,
  then falls;
* **straight line**: ``intercept + slope * m``, the baseline either curve has to beat;
* two rivals with the same freedom, to show how much a "saturation point" or a "peak" depends
  on the curve chosen: the **hyperbolic curve** ``ceiling * m / (m + half)`` (it also flattens,
  but slowly: it reaches 90% of its ceiling only at ``9 * half``), and the **quadratic**
  ``c + b m + a m**2`` (it also rises and falls; its top is at ``-b / (2 a)``).

The overload simulator's model (:func:`fit_overload`) adds relevance and repetition:

* attention: ``noticed = (base + gain * relevance) * (1 - exp(-m / scale))`` (least squares);
* recall: a Poisson regression, ``log E[recall] = b0 + b1 log(m / 100) + b2 m / 100 + b3 relevance
  + (one effect per repeat level of the most repeated ad)``; it peaks at ``m = -100 b1 / b2``;
* trust: least squares, ``trust = c0 + c1 m / 100 + c2 relevance + (one effect per repeat level)``.

Intervals are 95% and clustered by person (a person's 28 days are not 28 independent people).

Bad input never ends in a traceback from here: :class:`NoiseInputError` carries a plain sentence
(IPython shows only that sentence), and settings the panel never saw (0 messages, a cap of 0,
messages beyond its range) come back with notes in words instead of numbers pretending to be data.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "binned_panel", "CAP_LEVELS", "check_panel", "check_settings", "fit_hyperbola", "fit_line",
    "fit_overload", "fit_quadratic", "fit_rise_and_fall", "fit_saturation", "held_out_gain",
    "held_out_table", "hyperbola", "HyperbolaFit", "LineFit", "NoiseInputError", "OverloadModel",
    "panel_slice", "QuadraticFit", "r_squared", "recall_peak", "recall_repeat_effects",
    "response_curves", "rise_and_fall", "RiseFallFit", "saturation",
    "saturation_point", "SATURATION_SHARE", "SaturationFit", "simulate", "Simulation", "split_people",
    "trust_change", "trust_effects", "trust_slopes", "trust_table",
]

#: The share of its ceiling at which a saturation curve counts as saturated.
SATURATION_SHARE = 0.9
#: Repeat levels of the most repeated ad with their own effect; this many or more are pooled.
CAP_LEVELS = 10
#: The days the simulator's dots average: relevance within this distance of the setting.
RELEVANCE_WINDOW = 0.1
#: The repeat mix at m: the panel's days within this many messages of m.
REPEAT_WINDOW = 50
_Z95 = 1.959963984540054
PANEL_COLUMNS = ("person_id", "day", "messages_seen", "relevance", "max_repeats",
                 "messages_noticed", "attention_pct", "recall", "trust")
DAYS = ("all", "weekdays", "weekends")


class NoiseInputError(ValueError):
    """A setting or a slice the lesson's models cannot use, said in one plain sentence.

    In Jupyter only the sentence is shown, never a traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


# ----------------------------------------------------------------------------- the panel


def check_panel(panel: pd.DataFrame, columns: tuple[str, ...] = PANEL_COLUMNS,
                dataset: str = "exposure") -> None:
    """Raise :class:`NoiseInputError` if ``panel`` is not a non-empty table with ``columns``."""
    if not isinstance(panel, pd.DataFrame):
        raise NoiseInputError(f"Expected a table (DataFrame), not {type(panel).__name__}: "
                              f"use load('{dataset}').")
    missing = [c for c in columns if c not in panel.columns]
    if missing:
        raise NoiseInputError(f"The table has no column '{missing[0]}' (it needs "
                              f"{', '.join(columns)}): use load('{dataset}').")
    if panel.empty:
        raise NoiseInputError("The table has no rows: there is nothing to fit or compare. "
                              "Widen the slice (another day type, a wider band, more people).")


def panel_slice(panel: pd.DataFrame, days: str = "all",
                relevance: tuple[float, float] | None = None) -> pd.DataFrame:
    """The panel's days of one kind: ``days`` is ``"all"``, ``"weekdays"`` or ``"weekends"``
    (Saturday and Sunday); ``relevance=(lo, hi)`` keeps days with ``lo <= relevance < hi``.

    A slice that leaves no day raises :class:`NoiseInputError` saying so.
    """
    check_panel(panel, ("day", "relevance"))
    if days not in DAYS:
        raise NoiseInputError(f"days must be one of {', '.join(DAYS)}, not {days!r}.")
    keep = np.ones(len(panel), dtype=bool)
    if days != "all":
        weekend = pd.to_datetime(panel["day"]).dt.day_of_week.to_numpy() >= 5
        keep &= weekend if days == "weekends" else ~weekend
    label = days
    if relevance is not None:
        lo, hi = (float(x) for x in relevance)
        r = panel["relevance"].to_numpy(dtype=float)
        keep &= (r >= lo) & (r < hi)
        label += f", relevance {lo:.2f} to {hi:.2f}"
    out = panel[keep]
    if out.empty:
        raise NoiseInputError(f"No panel day is left in this slice ({label}): widen it.")
    return out


def split_people(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two halves of the panel by person: the 1st, 3rd, 5th... person in the file to fit a curve,
    the 2nd, 4th, 6th... held out to test it. No person is in both (their days are alike)."""
    check_panel(panel, ("person_id",))
    codes = pd.factorize(panel["person_id"])[0]
    if codes.max() < 1:
        raise NoiseInputError("The panel has a single person: there is nobody to hold out.")
    return panel[codes % 2 == 0], panel[codes % 2 == 1]


def _xy(panel: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    check_panel(panel, ("messages_seen", column))
    m = panel["messages_seen"].to_numpy(dtype=float)
    y = panel[column].to_numpy(dtype=float)
    if len(np.unique(m)) < 3:
        raise NoiseInputError("The slice has fewer than three different message counts: a curve "
                              "needs more spread to be fitted. Widen the slice.")
    return m, y


def r_squared(observed: np.ndarray | pd.Series, predicted: np.ndarray | pd.Series) -> float:
    """1 - (sum of squared errors) / (sum of squares around the observed mean): the share of the
    variation a curve explains. Negative when the curve does worse than the plain mean;
    ``nan`` when the observed values do not vary."""
    y = np.asarray(observed, dtype=float)
    p = np.asarray(predicted, dtype=float)
    total = float(((y - y.mean()) ** 2).sum()) if y.size else 0.0
    if total == 0:
        return math.nan
    return 1.0 - float(((y - p) ** 2).sum()) / total


# ----------------------------------------------------------------------------- curves


def saturation(messages: np.ndarray | float, ceiling: float, scale: float) -> np.ndarray:
    """The diminishing-returns curve ``ceiling * (1 - exp(-messages / scale))``."""
    return ceiling * (1 - np.exp(-np.asarray(messages, dtype=float) / scale))


def saturation_point(scale: float, share: float = SATURATION_SHARE) -> float:
    """Messages a day at which a saturation curve reaches ``share`` of its ceiling:
    ``-scale * ln(1 - share)`` (``scale * ln 10`` for 90%)."""
    return -scale * math.log(1 - share)


def rise_and_fall(messages: np.ndarray | float, k: float, power: float, scale: float) -> np.ndarray:
    """The rise-and-fall curve ``k * messages**power * exp(-messages / scale)``."""
    m = np.asarray(messages, dtype=float)
    return k * m**power * np.exp(-m / scale)


def _curve_fit(f, x, y, p0):
    from scipy.optimize import OptimizeWarning, curve_fit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        try:
            params, _ = curve_fit(f, x, y, p0=p0, maxfev=20000)
        except RuntimeError:
            raise NoiseInputError("The curve could not be fitted to this slice (the fit did not "
                                  "settle): widen the slice.") from None
    return params


@dataclass(frozen=True)
class SaturationFit:
    """A saturation curve fitted to one column of the panel against messages seen."""

    ceiling: float
    scale: float
    column: str
    days: int
    people: int

    @property
    def saturation_point(self) -> float:
        """Messages a day at which the curve reaches 90% of its ceiling."""
        return saturation_point(self.scale)

    def predict(self, messages: np.ndarray | float) -> np.ndarray:
        return saturation(messages, self.ceiling, self.scale)


def fit_saturation(panel: pd.DataFrame, column: str = "messages_noticed") -> SaturationFit:
    """Fit ``ceiling * (1 - exp(-messages_seen / scale))`` to ``column`` by least squares
    (scipy's curve_fit, started at the column's largest value and the median message count)."""
    m, y = _xy(panel, column)
    ceiling, scale = _curve_fit(saturation, m, y, p0=[max(float(y.max()), 1.0), float(np.median(m))])
    return SaturationFit(float(ceiling), float(scale), column, len(panel),
                         int(panel["person_id"].nunique()) if "person_id" in panel else 0)


@dataclass(frozen=True)
class LineFit:
    """A straight line fitted by least squares: the baseline a curve has to beat."""

    intercept: float
    slope: float
    column: str

    def predict(self, messages: np.ndarray | float) -> np.ndarray:
        return self.intercept + self.slope * np.asarray(messages, dtype=float)


def fit_line(panel: pd.DataFrame, column: str) -> LineFit:
    """Fit ``intercept + slope * messages_seen`` to ``column`` by least squares."""
    m, y = _xy(panel, column)
    slope, intercept = np.polyfit(m, y, 1)
    return LineFit(float(intercept), float(slope), column)


def hyperbola(messages: np.ndarray | float, ceiling: float, half: float) -> np.ndarray:
    """The hyperbolic diminishing-returns curve ``ceiling * messages / (messages + half)``: it
    reaches half its ceiling at ``half`` messages."""
    m = np.asarray(messages, dtype=float)
    return ceiling * m / (m + half)


@dataclass(frozen=True)
class HyperbolaFit:
    """A hyperbolic curve fitted to one column against messages seen: a rival to the saturation
    curve with as many fitted numbers (two)."""

    ceiling: float
    half: float
    column: str

    @property
    def saturation_point(self) -> float:
        """Messages a day at which the curve reaches 90% of its ceiling (``9 * half``)."""
        return self.half * SATURATION_SHARE / (1 - SATURATION_SHARE)

    def predict(self, messages: np.ndarray | float) -> np.ndarray:
        return hyperbola(messages, self.ceiling, self.half)


def fit_hyperbola(panel: pd.DataFrame, column: str = "messages_noticed") -> HyperbolaFit:
    """Fit ``ceiling * messages_seen / (messages_seen + half)`` to ``column`` by least squares
    (scipy's curve_fit, started at twice the column's largest value and the median message
    count)."""
    m, y = _xy(panel, column)
    ceiling, half = _curve_fit(hyperbola, m, y,
                               p0=[2 * max(float(y.max()), 1.0), float(np.median(m))])
    return HyperbolaFit(float(ceiling), float(half), column)


@dataclass(frozen=True)
class QuadraticFit:
    """``c + b * m + a * m**2`` fitted by least squares: a rival rise-and-fall curve (three
    fitted numbers, like :class:`RiseFallFit`)."""

    a: float
    b: float
    c: float
    column: str

    @property
    def peak(self) -> float:
        """Messages a day at the top of the curve (``-b / (2 a)``); ``nan`` if it opens upwards."""
        return -self.b / (2 * self.a) if self.a < 0 else math.nan

    def predict(self, messages: np.ndarray | float) -> np.ndarray:
        m = np.asarray(messages, dtype=float)
        return self.c + self.b * m + self.a * m**2


def fit_quadratic(panel: pd.DataFrame, column: str = "recall") -> QuadraticFit:
    """Fit ``c + b * messages_seen + a * messages_seen**2`` to ``column`` by least squares."""
    m, y = _xy(panel, column)
    a, b, c = np.polyfit(m, y, 2)
    return QuadraticFit(float(a), float(b), float(c), column)


@dataclass(frozen=True)
class RiseFallFit:
    """A rise-and-fall curve fitted to one column against messages seen."""

    k: float
    power: float
    scale: float
    column: str
    peak_low: float = math.nan
    peak_high: float = math.nan

    @property
    def peak(self) -> float:
        """Messages a day at which the curve is highest (``power * scale``)."""
        return self.power * self.scale

    def predict(self, messages: np.ndarray | float) -> np.ndarray:
        return rise_and_fall(messages, self.k, self.power, self.scale)


def fit_rise_and_fall(panel: pd.DataFrame, column: str = "recall") -> RiseFallFit:
    """Fit ``k * messages_seen**power * exp(-messages_seen / scale)`` to ``column`` (least
    squares). Nothing forces a fall: if the data only rise, the fitted scale comes out large.

    ``peak_low`` and ``peak_high`` bound the peak (95%, delta method, clustered by person: a
    person's days are not independent draws); ``nan`` without a ``person_id`` column.
    """
    m, y = _xy(panel, column)
    med = float(np.median(m))
    k0 = max(float(y.mean()), 1e-3) / med * math.e  # power 1, peak at the median
    k, power, scale = (float(v) for v in _curve_fit(rise_and_fall, m, y, p0=[k0, 1.0, med]))
    low = high = math.nan
    if "person_id" in panel and panel["person_id"].nunique() > 1:
        f = rise_and_fall(m, k, power, scale)
        jac = np.column_stack([f / k, f * np.log(m), f * m / scale**2])
        cov = _cluster_cov(np.linalg.pinv(jac.T @ jac), jac * (y - f)[:, None],
                           _person_codes(panel))
        grad = np.array([0.0, scale, power])
        half = _Z95 * float(np.sqrt(grad @ cov @ grad))
        low, high = power * scale - half, power * scale + half
    return RiseFallFit(k, power, scale, column, low, high)


#: What each response is called in tables and text.
RESPONSES = {"messages_noticed": "messages noticed", "recall": "ads recalled next day",
             "trust": "trust in ads (0-10)"}


def held_out_table(panel: pd.DataFrame) -> pd.DataFrame:
    """Each curve fitted on half the people and scored on the other half (R², held out).

    Rows: messages noticed (straight line, saturating curve, hyperbolic curve); ads recalled
    (straight line, saturating curve, quadratic, rise and fall); trust (no change, i.e. the mean;
    straight line). Columns:
    ``response``, ``curve``, ``r2_held_out``, ``fit_days``, ``test_days``. Every curve uses
    messages seen only, and all but the mean have the same freedom or less (2-3 numbers).
    """
    fit, test = split_people(panel)
    m_test = test["messages_seen"].to_numpy(dtype=float)
    rows = []

    def add(column: str, name: str, predicted: np.ndarray) -> None:
        rows.append({"response": RESPONSES[column], "curve": name,
                     "r2_held_out": r_squared(test[column], predicted),
                     "fit_days": len(fit), "test_days": len(test)})

    for column in ("messages_noticed", "recall"):
        add(column, "straight line", fit_line(fit, column).predict(m_test))
        add(column, "saturating curve", fit_saturation(fit, column).predict(m_test))
        if column == "messages_noticed":
            add(column, "hyperbolic curve", fit_hyperbola(fit, column).predict(m_test))
    add("recall", "quadratic", fit_quadratic(fit, "recall").predict(m_test))
    add("recall", "rise and fall", fit_rise_and_fall(fit, "recall").predict(m_test))
    add("trust", "no change (the mean)", np.full(len(test), float(fit["trust"].mean())))
    add("trust", "straight line", fit_line(fit, "trust").predict(m_test))
    return pd.DataFrame(rows)


def held_out_gain(panel: pd.DataFrame, column: str, better: str, worse: str,
                  n_boot: int = 2000, seed: int = 0) -> tuple[float, float, float]:
    """How much more of the held-out variation in ``column`` the curve ``better`` explains than
    ``worse`` (a difference of held-out R², as in :func:`held_out_table`), with a 95% bootstrap
    interval that resamples the held-out *people* (``n_boot`` times, fixed ``seed``).

    Curves: ``"straight line"``, ``"saturating curve"``, ``"hyperbolic curve"``, ``"quadratic"``,
    ``"rise and fall"``, ``"no change (the mean)"``. Returns ``(gain, low, high)``; an interval
    above 0 means the better curve's edge is not an accident of which people were held out; one
    that includes 0 means the two curves cannot be told apart.
    """
    fit, test = split_people(panel)
    makers = {"straight line": lambda: fit_line(fit, column).predict,
              "saturating curve": lambda: fit_saturation(fit, column).predict,
              "hyperbolic curve": lambda: fit_hyperbola(fit, column).predict,
              "quadratic": lambda: fit_quadratic(fit, column).predict,
              "rise and fall": lambda: fit_rise_and_fall(fit, column).predict,
              "no change (the mean)": lambda: (lambda x: np.full(len(x), float(fit[column].mean())))}
    for name in (better, worse):
        if name not in makers:
            raise NoiseInputError(f"There is no curve called {name!r}: choose one of "
                                  f"{', '.join(makers)}.")
    seen = test["messages_seen"].to_numpy(dtype=float)
    y = test[column].to_numpy(dtype=float)
    people = pd.factorize(test["person_id"])[0]
    n_people = int(people.max()) + 1

    def per_person(values: np.ndarray) -> np.ndarray:
        return np.bincount(people, weights=values, minlength=n_people)

    gain_sse = per_person((y - makers[worse]()(seen)) ** 2 - (y - makers[better]()(seen)) ** 2)
    sums, squares, counts = per_person(y), per_person(y * y), np.bincount(people, minlength=n_people)

    def gain(idx: np.ndarray) -> np.ndarray:
        n, total, total2 = counts[idx].sum(-1), sums[idx].sum(-1), squares[idx].sum(-1)
        return gain_sse[idx].sum(-1) / (total2 - total**2 / n)

    rng = np.random.default_rng(seed)
    boot = gain(rng.integers(0, n_people, size=(n_boot, n_people)))
    low, high = np.quantile(boot, [0.025, 0.975])
    return float(gain(np.arange(n_people))), float(low), float(high)


def binned_panel(panel: pd.DataFrame, relevance: float | None = None,
                 window: float = RELEVANCE_WINDOW, width: int = 50,
                 min_days: int = 20) -> pd.DataFrame:
    """The panel's own averages by message band: what the days looked like, with no curve.

    Days with relevance within ``window`` of ``relevance`` (all days if None), grouped in bands
    of ``width`` messages; bands with fewer than ``min_days`` days are left out. Columns:
    ``messages`` (band middle), ``days``, and the mean and 95% half-width (``*_ci``) of
    ``messages_noticed``, ``attention_pct``, ``recall`` and ``trust``. Possibly empty.
    """
    check_panel(panel, ("messages_seen", "relevance", "messages_noticed", "attention_pct",
                        "recall", "trust"))
    m = panel["messages_seen"].to_numpy(dtype=float)
    keep = np.ones(len(m), dtype=bool)
    if relevance is not None:
        keep = np.abs(panel["relevance"].to_numpy(dtype=float) - relevance) <= window + 1e-9
    band = (m[keep] // width).astype(np.intp)
    n_bands = int(band.max()) + 1 if band.size else 0
    days = np.bincount(band, minlength=n_bands) if band.size else np.zeros(0, dtype=int)
    out = {"messages": (np.arange(n_bands) + 0.5) * width, "days": days}
    with np.errstate(invalid="ignore", divide="ignore"):
        for column in ("messages_noticed", "attention_pct", "recall", "trust"):
            v = panel[column].to_numpy(dtype=float)[keep]
            s = np.bincount(band, weights=v, minlength=n_bands)
            s2 = np.bincount(band, weights=v * v, minlength=n_bands)
            mean = s / days
            var = np.maximum(s2 / days - mean**2, 0) * days / np.maximum(days - 1, 1)
            out[column] = mean
            out[f"{column}_ci"] = _Z95 * np.sqrt(var / days)
    table = pd.DataFrame(out)
    return table[table["days"] >= min_days].reset_index(drop=True)


# ----------------------------------------------------------------------------- regressions


def _person_codes(panel: pd.DataFrame) -> np.ndarray:
    return pd.factorize(panel["person_id"])[0]


def _cluster_cov(bread: np.ndarray, scores: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sandwich covariance with scores summed within each group (person)."""
    n_groups = int(groups.max()) + 1
    summed = np.column_stack([np.bincount(groups, weights=scores[:, j], minlength=n_groups)
                              for j in range(scores.shape[1])])
    g = n_groups
    adjust = g / (g - 1) if g > 1 else 1.0
    return adjust * bread @ (summed.T @ summed) @ bread


def _design(m: np.ndarray, rel: np.ndarray, repeats: np.ndarray, recall: bool) -> np.ndarray:
    """Columns: 1, [log(m / 100)], m / 100, relevance, then one 0/1 column per repeat level 2..CAP_LEVELS."""
    cols = [np.ones_like(m), *([np.log(m / 100)] if recall else []), m / 100, rel]
    x = np.zeros((len(m), len(cols) + CAP_LEVELS - 1))
    for j, col in enumerate(cols):
        x[:, j] = col
    levels = np.minimum(np.maximum(repeats.astype(int), 1), CAP_LEVELS)
    rows = np.flatnonzero(levels > 1)
    x[rows, len(cols) + levels[rows] - 2] = 1.0
    return x


def _poisson(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Poisson regression (log link) by Newton's method; returns the coefficients and the
    inverse of the information matrix."""
    beta = np.zeros(x.shape[1])
    beta[0] = math.log(max(float(y.mean()), 1e-9))
    info = np.eye(x.shape[1])
    for _ in range(100):
        mu = np.exp(x @ beta)
        info = (x.T * mu) @ x
        step = np.linalg.solve(info, x.T @ (y - mu))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta, np.linalg.pinv(info)


@dataclass(frozen=True)
class OverloadModel:
    """The overload simulator's three fitted models and what the panel covered.

    ``attention`` = (base, relevance gain, scale); ``recall`` and ``trust`` are coefficient
    vectors (see the module's docstring) with their person-clustered covariances. The repeat
    mix is how often, among the panel's days with about m messages, the most repeated ad was
    shown 1, 2, ... CAP_LEVELS or more times (``repeat_counts``: days by 10-message band and
    level).
    """

    attention: tuple[float, float, float]
    recall: np.ndarray
    recall_cov: np.ndarray
    trust: np.ndarray
    trust_cov: np.ndarray
    repeat_counts: np.ndarray = field(repr=False)
    messages_range: tuple[int, int]
    relevance_range: tuple[float, float]
    days: int
    people: int

    # -- the repeat mix ------------------------------------------------------------------------
    def repeat_mix(self, messages: np.ndarray) -> np.ndarray:
        """Share of days at each repeat level (columns 1..CAP_LEVELS) among the panel's days
        near each message count ``m`` (clamped to the panel's range): the days in the 10-message
        bands from ``m - REPEAT_WINDOW`` up to, not including, ``m + REPEAT_WINDOW``, that is
        ``10 * ((m - 50) // 10) <= seen < 10 * ((m + 50) // 10)``. Where no day is that near,
        the whole panel's mix."""
        m = np.clip(np.asarray(messages, dtype=float), *self.messages_range)
        counts = self.repeat_counts
        cum = np.vstack([np.zeros(counts.shape[1]), np.cumsum(counts, axis=0)])
        lo = np.clip(((m - REPEAT_WINDOW) // 10).astype(int), 0, len(counts))
        hi = np.clip(((m + REPEAT_WINDOW) // 10).astype(int), 0, len(counts))
        window = cum[hi] - cum[lo]
        total = window.sum(axis=1, keepdims=True)
        overall = counts.sum(axis=0) / counts.sum()
        return np.where(total > 0, window / np.where(total > 0, total, 1), overall)

    def capped_effects(self, messages: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """The recall multiplier and the trust shift from repetition at each message count, when
        no ad may be shown more than ``cap`` times (days above the cap count at the cap)."""
        mix = self.repeat_mix(messages)
        levels = np.minimum(np.arange(1, CAP_LEVELS + 1), max(int(cap), 1))
        recall_effect = np.r_[0.0, self.recall[4:]][levels - 1]
        trust_effect = np.r_[0.0, self.trust[3:]][levels - 1]
        return mix @ np.exp(recall_effect), mix @ trust_effect

    # -- the three responses -------------------------------------------------------------------
    def noticed(self, messages: np.ndarray, relevance: float) -> np.ndarray:
        base, gain, scale = self.attention
        return (base + gain * relevance) * (1 - np.exp(-np.asarray(messages, dtype=float) / scale))

    def recall_at(self, messages: np.ndarray, relevance: float, cap: int) -> np.ndarray:
        m = np.asarray(messages, dtype=float)
        b = self.recall
        with np.errstate(divide="ignore"):
            base = np.exp(b[0] + b[1] * np.log(m / 100) + b[2] * m / 100 + b[3] * relevance)
        return base * self.capped_effects(m, cap)[0]

    def trust_at(self, messages: np.ndarray, relevance: float, cap: int) -> np.ndarray:
        m = np.asarray(messages, dtype=float)
        c = self.trust
        return np.clip(c[0] + c[1] * m / 100 + c[2] * relevance + self.capped_effects(m, cap)[1],
                       0, 10)

    # -- where recall peaks --------------------------------------------------------------------
    def recall_peak(self) -> tuple[float, float, float]:
        """Messages a day at which recall peaks with relevance and repetition held fixed, and its
        95% interval (delta method, clustered by person): ``(peak, low, high)``."""
        b1, b2 = self.recall[1], self.recall[2]
        if b2 >= 0:
            return math.nan, math.nan, math.nan
        peak = -100 * b1 / b2
        grad = np.zeros(len(self.recall))
        grad[1], grad[2] = -100 / b2, 100 * b1 / b2**2
        se = float(np.sqrt(grad @ self.recall_cov @ grad))
        return peak, peak - _Z95 * se, peak + _Z95 * se


def _thin(panel: pd.DataFrame, max_days: int | None) -> pd.DataFrame:
    """At most about ``max_days`` days: every k-th person (in file order) with all their days."""
    if max_days is None or len(panel) <= max_days:
        return panel
    k = math.ceil(len(panel) / max_days)
    return panel[_person_codes(panel) % k == 0]


def fit_overload(panel: pd.DataFrame, max_days: int | None = 50_000) -> OverloadModel:
    """Fit the simulator's attention, recall and trust models to the panel (see the module).

    A panel longer than ``max_days`` days is fitted on every k-th person (all their days), so a
    very large panel costs no more than a large one; the shipped panel (8,400 days) is fitted
    whole. ``max_days=None`` always fits everyone.
    """
    check_panel(panel)
    panel = _thin(panel, max_days)
    m = panel["messages_seen"].to_numpy(dtype=float)
    rel = panel["relevance"].to_numpy(dtype=float)
    rep = panel["max_repeats"].to_numpy(dtype=int)
    if len(np.unique(m)) < 3 or panel["person_id"].nunique() < 2:
        raise NoiseInputError("The slice is too small to fit the simulator (it needs days with at "
                              "least three different message counts, from two or more people).")
    if (m <= 0).any():
        raise NoiseInputError("Every panel day needs at least one message seen.")
    noticed = panel["messages_noticed"].to_numpy(dtype=float)
    attention = _curve_fit(lambda x, base, gain, scale: (base + gain * x[1]) * (1 - np.exp(-x[0] / scale)),
                           np.vstack([m, rel]), noticed,
                           p0=[max(float(noticed.max()), 1.0), 0.0, float(np.median(m))])
    groups = _person_codes(panel)
    x_rec = _design(m, rel, rep, recall=True)
    y_rec = panel["recall"].to_numpy(dtype=float)
    b_rec, inv_info = _poisson(x_rec, y_rec)
    rec_cov = _cluster_cov(inv_info, x_rec * (y_rec - np.exp(x_rec @ b_rec))[:, None], groups)
    x_tr = _design(m, rel, rep, recall=False)
    y_tr = panel["trust"].to_numpy(dtype=float)
    bread = np.linalg.pinv(x_tr.T @ x_tr)
    b_tr = bread @ (x_tr.T @ y_tr)
    tr_cov = _cluster_cov(bread, x_tr * (y_tr - x_tr @ b_tr)[:, None], groups)
    lo, hi = int(m.min()), int(m.max())
    band = (m // 10).astype(np.intp)
    level = np.minimum(np.maximum(rep, 1), CAP_LEVELS) - 1
    counts = np.bincount(band * CAP_LEVELS + level,
                         minlength=(int(band.max()) + 1) * CAP_LEVELS).reshape(-1, CAP_LEVELS)
    return OverloadModel(
        attention=tuple(float(v) for v in attention), recall=b_rec, recall_cov=rec_cov,
        trust=b_tr, trust_cov=tr_cov, repeat_counts=counts.astype(float),
        messages_range=(lo, hi), relevance_range=(float(rel.min()), float(rel.max())),
        days=len(panel), people=int(panel["person_id"].nunique()))


def trust_effects(model: OverloadModel) -> pd.DataFrame:
    """The trust model's effects with 95% intervals (clustered by person), in trust points
    (0-10 scale): per 100 more messages a day, per 0.1 more relevance, and each repeat level of
    the most repeated ad against a single showing. Columns ``effect``, ``low``, ``high``."""
    se = np.sqrt(np.diag(model.trust_cov))
    names = ["100 more messages a day", "0.1 more relevance",
             *(f"top ad shown {k}{'+' if k == CAP_LEVELS else ''} times (vs once)"
               for k in range(2, CAP_LEVELS + 1))]
    scale = np.r_[1.0, 0.1, np.ones(CAP_LEVELS - 1)]
    est = model.trust[1:] * scale
    half = _Z95 * se[1:] * scale
    return pd.DataFrame({"effect": est, "low": est - half, "high": est + half},
                        index=pd.Index(names, name="change"))


def recall_repeat_effects(model: OverloadModel) -> pd.DataFrame:
    """How many times more ads are recalled when the day's most repeated ad was shown k times
    rather than once (messages and relevance held fixed), with 95% intervals clustered by
    person. Index: k = 1 .. CAP_LEVELS (the last pools CAP_LEVELS or more); columns
    ``times``, ``low``, ``high``."""
    coef = np.r_[0.0, model.recall[4:]]
    se = np.r_[0.0, np.sqrt(np.diag(model.recall_cov))[4:]]
    return pd.DataFrame({"times": np.exp(coef), "low": np.exp(coef - _Z95 * se),
                         "high": np.exp(coef + _Z95 * se)},
                        index=pd.Index(np.arange(1, CAP_LEVELS + 1), name="top_ad_shown"))


def trust_slopes(panel: pd.DataFrame) -> pd.DataFrame:
    """Trust points per 100 more messages a day, two ways, each with a 95% interval clustered by
    person (relevance held fixed in both):

    * ``pooled``: every day of every person in one regression: compares heavy-exposure days
      *and* heavy-exposure people with light ones;
    * ``within people``: each person's heavy days against the same person's light days (every
      variable centred on the person's own mean), so a person's general scepticism cannot
      masquerade as an effect of volume.

    Both are total effects of volume: the extra repetition that comes with more messages is
    left in. Columns ``slope``, ``low``, ``high``.
    """
    check_panel(panel, ("person_id", "messages_seen", "relevance", "trust"))
    groups = _person_codes(panel)
    n = np.bincount(groups)
    rows = {}
    for name, centre in (("pooled", False), ("within people", True)):
        cols = []
        for col, factor in (("messages_seen", 0.01), ("relevance", 1.0), ("trust", 1.0)):
            v = panel[col].to_numpy(dtype=float) * factor
            cols.append(v - (np.bincount(groups, weights=v) / n)[groups] if centre else v)
        x = np.column_stack(cols[:2] if centre else [np.ones(len(panel)), *cols[:2]])
        y = cols[2]
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        cov = _cluster_cov(np.linalg.pinv(x.T @ x), x * (y - x @ beta)[:, None], groups)
        j = 0 if centre else 1
        se = float(np.sqrt(cov[j, j]))
        rows[name] = (float(beta[j]), float(beta[j] - _Z95 * se), float(beta[j] + _Z95 * se))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["slope", "low", "high"])


# ----------------------------------------------------------------------------- the simulator


@dataclass(frozen=True)
class Simulation:
    """What the fitted models say about one day's settings, with notes in words.

    ``noticed``, ``attention_pct``, ``recall`` and ``trust`` are ``nan`` where the models cannot
    say anything (no message shown); ``notes`` then say why, and they warn when a setting is
    outside what the panel recorded (the numbers are then the formulas', not the data's).
    """

    messages: float
    relevance: float
    cap: int
    noticed: float
    attention_pct: float
    recall: float
    trust: float
    notes: tuple[str, ...]
    extrapolated: bool

    @property
    def shown(self) -> bool:
        """False when nothing can be shown (0 messages, or a cap of 0)."""
        return self.messages > 0 and self.cap > 0


def _number(value: object, name: str) -> float:
    if isinstance(value, bool):
        raise NoiseInputError(f"{name} must be a number, not True or False.")
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NoiseInputError(f"{name} must be a number, not {value!r}.") from None
    if math.isnan(x) or math.isinf(x):
        raise NoiseInputError(f"{name} must be a finite number, not {value!r}.")
    return x


def check_settings(messages: object, relevance: object, cap: object) -> tuple[float, float, int]:
    """The three settings as numbers, or :class:`NoiseInputError` with a plain sentence."""
    m = _number(messages, "Messages a day")
    r = _number(relevance, "The relevant share")
    c = _number(cap, "The cap")
    if m < 0:
        raise NoiseInputError(f"Messages a day cannot be negative ({m:g}): use 0 or more.")
    if not 0 <= r <= 1:
        hint = " (did you mean a percentage? give a share such as 0.3)" if 1 < r <= 100 else ""
        raise NoiseInputError(f"The relevant share must be between 0 and 1, not {r:g}{hint}.")
    if c < 0 or c != int(c):
        raise NoiseInputError(f"The cap must be a whole number of showings, 0 or more, not {c:g}.")
    return m, r, int(c)


def _notes(model: OverloadModel, m: float, r: float, cap: int) -> tuple[list[str], bool]:
    notes: list[str] = []
    lo, hi = model.messages_range
    r_lo, r_hi = model.relevance_range
    outside = False
    if m == 0:
        notes.append("With no messages there is nothing to notice or recall, and the panel has no "
                     f"day with fewer than {lo} messages, so it cannot say what trust would be.")
        return notes, False
    if cap == 0:
        notes.append("A cap of 0 lets no ad be shown even once: nothing is seen, so nothing is "
                     "noticed or recalled, and the panel cannot say what trust would be.")
        return notes, False
    if m > hi:
        outside = True
        notes.append(f"The panel never recorded more than {hi:,} messages in a day: at {m:,.0f} "
                     "these numbers extend the fitted formulas beyond the data (an "
                     "extrapolation), they are not observations.")
    elif m < lo:
        outside = True
        notes.append(f"The panel never recorded fewer than {lo:,} messages in a day: at "
                     f"{m:,.0f} these numbers extend the fitted formulas below the data "
                     "(an extrapolation).")
    if r == 0:
        notes.append("A relevance of 0 means no message is meant for this person; the models "
                     f"extend from the panel's least relevant days (lowest {r_lo:.2f}).")
    elif r > r_hi:
        outside = True
        notes.append(f"No panel day had more than {r_hi:.0%} of its messages relevant: at {r:.0%} "
                     "the numbers extend the formulas beyond the data.")
    return notes, outside


def simulate(model: OverloadModel, messages: float, relevance: float, cap: int) -> Simulation:
    """Attention, recall and trust for one day of ``messages`` ad messages, a ``relevance``
    share of them relevant (0-1), and no ad shown more than ``cap`` times that day.

    The cap keeps the day's total the same (other ads fill the slots); it changes how often the
    most repeated ad is seen, and so recall and trust through the fitted repeat effects.
    """
    m, r, cap = check_settings(messages, relevance, cap)
    notes, outside = _notes(model, m, r, cap)
    if m == 0 or cap == 0:
        return Simulation(m, r, cap, 0.0, math.nan, 0.0, math.nan, tuple(notes), False)
    arr = np.array([m])
    noticed = float(model.noticed(arr, r)[0])
    noticed = min(noticed, m)
    return Simulation(m, r, cap, noticed, 100 * noticed / m, float(model.recall_at(arr, r, cap)[0]),
                      float(model.trust_at(arr, r, cap)[0]), tuple(notes), outside)


def response_curves(model: OverloadModel, relevance: float, cap: int,
                    messages: np.ndarray | None = None) -> pd.DataFrame:
    """The three responses along a range of messages a day (10 to 1,200 in steps of 10 by
    default), for one relevance and cap. Columns ``noticed``, ``attention_pct``, ``recall``,
    ``trust``; index ``messages``. A cap of 0 gives zeros and ``nan`` (nothing is shown)."""
    _, r, cap = check_settings(1, relevance, cap)
    m = np.arange(10, 1201, 10, dtype=float) if messages is None else np.asarray(messages, float)
    if (m <= 0).any():
        raise NoiseInputError("Curves start above 0 messages a day.")
    if cap == 0:
        zeros = np.zeros_like(m)
        nans = np.full_like(m, np.nan)
        data = {"noticed": zeros, "attention_pct": nans, "recall": zeros, "trust": nans}
    else:
        noticed = np.minimum(model.noticed(m, r), m)
        data = {"noticed": noticed, "attention_pct": 100 * noticed / m,
                "recall": model.recall_at(m, r, cap), "trust": model.trust_at(m, r, cap)}
    return pd.DataFrame(data, index=pd.Index(m, name="messages"))


def recall_peak(curves: pd.DataFrame) -> tuple[float, float]:
    """``(messages, recall)`` where the ``recall`` column of :func:`response_curves` is highest;
    ``(nan, nan)`` when nothing is recalled anywhere."""
    recall = curves["recall"].to_numpy(dtype=float)
    if not np.isfinite(recall).any() or np.nanmax(recall) <= 0:
        return math.nan, math.nan
    i = int(np.nanargmax(recall))
    return float(curves.index[i]), float(recall[i])


# ----------------------------------------------------------------------------- real trust figures


def trust_table(trust_sources: pd.DataFrame) -> pd.DataFrame:
    """The real trust figures as a table: one row per source, one column per survey year
    (% who trust it; empty where that year did not ask about the source)."""
    check_panel(trust_sources, ("source", "pct_trusting", "year"), "trust_sources")
    table = trust_sources.pivot(index="source", columns="year", values="pct_trusting")
    table.columns.name = "year"
    return table.sort_values(table.columns[-1], ascending=False, na_position="last")


def trust_change(trust_sources: pd.DataFrame, start: int, end: int) -> pd.Series:
    """Change in the share trusting each source from ``start`` to ``end``, in percentage points
    (end minus start), for the sources asked about in both years only."""
    table = trust_table(trust_sources)
    missing = [y for y in (start, end) if y not in table.columns]
    if missing:
        raise NoiseInputError(f"The trust figures have no year {missing[0]} (they have "
                              f"{', '.join(str(y) for y in table.columns)}).")
    both = table[[start, end]].dropna()
    if both.empty:
        raise NoiseInputError(f"No source was asked about in both {start} and {end}.")
    change = (both[end] - both[start]).rename("change_points")
    return change.sort_values()
