"""Lesson 02, the myth of the segment: how much do people inside a demographic box agree?

Pure functions over the audience survey (``load("survey")``): one row per respondent, three
demographic columns (``age_band``, ``income_band``, ``region``) and six need scores from 0 (does
not matter to me) to 10 (matters a lot), ``need_price`` ... ``need_novelty``, plus ``top_need``, the
need the respondent scored highest (a respondent whose highest score is shared by several needs
picked one of them: see :func:`tied_top_needs` and datasets/README.md).

* :func:`filter_segment` cuts a demographic box ("any" leaves a dimension open);
* :func:`top_need_shares` and :func:`disagreement` say how united a group is;
* :func:`coverage_index` and :func:`share_difference` keep coverage and lift (index) apart;
* :func:`eta_squared` says how much of a need score's variation a grouping explains;
* :func:`need_clusters` groups people by what they want (k-means on standardised need scores);
  :func:`cluster_fits`, :func:`k_selection` and :func:`cluster_stability` hold it to a shuffled
  baseline and check that it is stable; :func:`smooth_cloud` is a stricter baseline (the survey's
  correlations, no groups) and :func:`silhouette_by_k` another criterion for k;
* :func:`comparisons`, :func:`z_for` and :func:`chi_squared` keep the largest of many gaps honest.

Empty groups never raise: shares and measures that would divide by zero are ``nan``.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..data import AGE_BANDS, INCOME_BANDS, NEEDS, REGIONS

ANY = "any"
DEMOGRAPHICS: tuple[str, ...] = ("age_band", "income_band", "region")
NEED_COLUMNS: tuple[str, ...] = tuple(f"need_{n}" for n in NEEDS)
BANDS: dict[str, tuple[str, ...]] = {"age_band": AGE_BANDS, "income_band": INCOME_BANDS,
                                     "region": REGIONS}
#: How each grouping is named in text and figures.
LABELS: dict[str, str] = {"age_band": "age band", "income_band": "income band",
                          "region": "region", "cluster": "need cluster"}

__all__ = [
    "ANY", "BANDS", "DEMOGRAPHICS", "K_RANGE", "LABELS", "NEED_COLUMNS", "NEEDS", "TIES",
    "ClusterFit", "Gap", "Reach", "SegmentProfile", "ShareDifference", "Stability",
    "best_k", "chi_squared", "cluster_fits", "cluster_profiles", "cluster_stability",
    "comparisons", "coverage_index", "crosstab", "disagreement", "eta_squared",
    "eta_squared_table", "eta_squared_with_clusters", "filter_segment", "gap_detail",
    "independence_test", "k_selection", "largest_gap", "need_clusters", "need_sd",
    "reach_from_counts", "segment_label", "segment_profile", "segment_table", "share_difference",
    "shuffled_needs", "silhouette_by_k", "smooth_cloud", "spread_ratio", "tied_top_needs",
    "top_need_shares", "variance_explained", "z_for",
]


# ----------------------------------------------------------------------------- segments


def filter_segment(survey: pd.DataFrame, age_band: str = ANY, income_band: str = ANY,
                   region: str = ANY) -> pd.DataFrame:
    """The respondents inside one demographic box; ``"any"`` leaves that dimension open.

    A value that is not one of the survey's bands raises ValueError (naming the allowed ones);
    a valid box with no one in it returns an empty DataFrame with the same columns.
    """
    mask = pd.Series(True, index=survey.index)
    for column, value in zip(DEMOGRAPHICS, (age_band, income_band, region), strict=True):
        if value is None or value == ANY:
            continue
        if value not in BANDS[column]:
            raise ValueError(f"{column} {value!r} is not one of: {', '.join((ANY, *BANDS[column]))}")
        mask &= survey[column] == value  # categorical or str columns: no per-row str() needed
    return survey[mask]


def segment_label(age_band: str = ANY, income_band: str = ANY, region: str = ANY) -> str:
    """A short name for a box, e.g. ``"18-24, mid-upper income, centre"``; all open: ``"everyone"``."""
    parts = []
    if age_band != ANY:
        parts.append(f"aged {age_band}")
    if income_band != ANY:
        parts.append(f"{income_band} income")
    if region != ANY:
        parts.append(f"{region} region")
    return ", ".join(parts) if parts else "everyone"


#: How :func:`top_need_shares` treats a respondent whose highest score is shared by several needs.
TIES: tuple[str, ...] = ("column", "split", "first")


def tied_top_needs(survey: pd.DataFrame) -> pd.Series:
    """How many needs share each respondent's highest score (1: a single top need, no tie)."""
    scores = survey[list(NEED_COLUMNS)].to_numpy(dtype=float)
    if len(scores) == 0:
        return pd.Series([], index=survey.index, dtype=int, name="tied")
    top = scores == scores.max(axis=1, keepdims=True)
    return pd.Series(top.sum(axis=1), index=survey.index, name="tied")


def top_need_shares(group: pd.DataFrame | pd.Series, ties: str = "column") -> pd.Series:
    """The fraction of ``group`` whose top need is each of the six needs (in NEEDS order).

    ``group`` is survey rows or a Series of top needs. The fractions sum to 1; needs nobody
    chose are 0. An empty group gives ``nan`` for every need (there is nobody to share out).

    ``ties`` says what to do when several needs share a respondent's highest score:

    * ``"column"`` (default): the survey's ``top_need`` column, where the respondent picked one
      of the tied needs (the survey's stated rule, datasets/README.md);
    * ``"split"``: from the need scores, a respondent tied between m needs counts 1/m for each;
    * ``"first"``: from the need scores, the first tied need in NEEDS order wins (what
      ``argmax`` or ``idxmax`` do; it favours the needs listed first).
    """
    if ties not in TIES:
        raise ValueError(f"ties must be one of {', '.join(map(repr, TIES))}, not {ties!r}")
    if ties != "column":
        if not isinstance(group, pd.DataFrame):
            raise ValueError(f"ties={ties!r} needs the survey rows (the need scores), not a Series")
        scores = group[list(NEED_COLUMNS)].to_numpy(dtype=float)
        if len(scores) == 0:
            weights = np.full(len(NEEDS), np.nan)
        else:
            top = scores == scores.max(axis=1, keepdims=True)
            if ties == "first":
                top = np.eye(len(NEEDS), dtype=bool)[top.argmax(axis=1)]
            weights = (top / top.sum(axis=1, keepdims=True)).sum(axis=0) / len(scores)
        return pd.Series(weights, index=pd.Index(list(NEEDS), name="top_need"), name="share")
    top = group["top_need"] if isinstance(group, pd.DataFrame) else group
    counts = pd.Series(top).value_counts()
    counts.index = counts.index.astype(str)
    counts = counts.reindex(list(NEEDS), fill_value=0)
    total = int(counts.sum())
    shares = counts / total if total else counts.astype(float) * np.nan
    shares.index.name = "top_need"
    return shares.rename("share").astype(float)


def _gini_simpson(shares: pd.Series) -> float:
    """1 - sum(share ** 2); nan for the all-nan shares of an empty group."""
    return math.nan if shares.isna().all() else float(1.0 - (shares**2).sum())


def disagreement(group: pd.DataFrame | pd.Series, replacement: bool = True) -> float:
    """The chance that two people drawn at random from ``group`` have different top needs.

    With ``replacement`` (the course's definition: each draw is from the whole group) this is
    the Gini-Simpson index, ``1 - sum(share ** 2)``: 0 for a single person and for a group that
    all want the same thing, at most 5/6 with six equally common needs. Without replacement (two
    *different* people), it is ``1 - sum(n_i * (n_i - 1)) / (n * (n - 1))`` with ``n_i`` people
    per need, slightly higher, and ``nan`` for one person. An empty group gives ``nan``.
    """
    shares = top_need_shares(group)
    if replacement:
        return _gini_simpson(shares)
    if shares.isna().all():
        return math.nan
    n = len(group)
    if n < 2:
        return math.nan
    counts = shares * n
    return float(1.0 - (counts * (counts - 1)).sum() / (n * (n - 1)))


def need_sd(survey: pd.DataFrame) -> pd.Series:
    """The population standard deviation of each need score (the reference for :func:`spread_ratio`)."""
    return survey[list(NEED_COLUMNS)].astype(float).std(ddof=0)


def spread_ratio(group: pd.DataFrame, everyone: pd.DataFrame | pd.Series) -> float:
    """How spread out ``group``'s need scores are, relative to ``everyone``'s (1 = just as spread).

    The mean over the six needs of (standard deviation inside the group) / (standard deviation
    across everyone), population standard deviations. ``everyone`` is the survey, or its
    :func:`need_sd` computed once. A single person gives 0; an empty group, or an ``everyone`` with
    no variation at all, gives ``nan``.
    """
    if len(group) == 0:
        return math.nan
    inside = need_sd(group)
    overall = everyone if isinstance(everyone, pd.Series) else need_sd(everyone)
    usable = overall > 0
    if not usable.any():
        return math.nan
    return float((inside[usable] / overall[usable]).mean())


@dataclass(frozen=True)
class SegmentProfile:
    """What the segment explorer says about one demographic box."""

    label: str
    size: int
    shares: pd.Series  # share of the box by top need (nan when the box is empty)
    disagreement: float  # nan when empty, 0 for one person
    spread: float  # need-score spread relative to everyone's (nan when empty)


def segment_profile(survey: pd.DataFrame, age_band: str = ANY, income_band: str = ANY,
                    region: str = ANY, everyone_sd: pd.Series | None = None) -> SegmentProfile:
    """Size, top-need shares, disagreement and spread of one box ("any" leaves a band open).

    ``everyone_sd``: :func:`need_sd` of the survey, if already computed (a view asks for many boxes).
    """
    group = filter_segment(survey, age_band=age_band, income_band=income_band, region=region)
    shares = top_need_shares(group)
    return SegmentProfile(
        label=segment_label(age_band=age_band, income_band=income_band, region=region),
        size=len(group), shares=shares,
        disagreement=_gini_simpson(shares),
        spread=spread_ratio(group, survey if everyone_sd is None else everyone_sd),
    )


def segment_table(survey: pd.DataFrame, by: Sequence[str] = DEMOGRAPHICS) -> pd.DataFrame:
    """Every non-empty box formed by the columns ``by``: its size, disagreement and top need.

    Columns: the ``by`` columns, ``people``, ``disagreement``, ``top_need`` (most common) and
    ``top_need_share``. Sorted from the most united box (lowest disagreement) to the least.
    """
    by = list(by)
    if survey.empty:
        return pd.DataFrame(columns=[*by, "people", "disagreement", "top_need", "top_need_share"])
    # one count per (box, need), in NEEDS order: the same numbers as top_need_shares per box
    top = pd.Categorical(survey["top_need"].astype(str), categories=list(NEEDS))
    counts = pd.crosstab([survey[c] for c in by], top, dropna=False).reindex(columns=list(NEEDS),
                                                                           fill_value=0)
    counts = counts[counts.sum(axis=1) > 0]
    people = counts.sum(axis=1)
    shares = counts.div(people, axis=0)
    best = shares.to_numpy().argmax(axis=1)  # first need on a tie, as idxmax
    table = pd.DataFrame({c: counts.index.get_level_values(c).astype(str) for c in by})
    table["people"] = people.to_numpy().astype(int)
    table["disagreement"] = 1.0 - (shares**2).sum(axis=1).to_numpy()
    table["top_need"] = [NEEDS[j] for j in best]
    table["top_need_share"] = shares.to_numpy().max(axis=1)
    return table.sort_values(["disagreement", *by], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- variance explained


def _as_values(values: Iterable[float]) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float, na_value=np.nan)
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype(float, copy=False)
    return pd.Series(list(values), dtype=float).to_numpy()


def _as_codes(groups: Iterable[object]) -> tuple[np.ndarray, int]:
    """Integer codes 0..n-1 for the groups (-1 for a missing group) and n."""
    if not isinstance(groups, pd.Series | pd.Index | pd.Categorical | np.ndarray):
        groups = pd.Series(list(groups), dtype=object)
    codes, uniques = pd.factorize(groups, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.intp), len(uniques)


def _eta_from_codes(v: np.ndarray, codes: np.ndarray, n_groups: int) -> float:
    if len(v) != len(codes):
        raise ValueError(f"values and groups differ in length ({len(v)} and {len(codes)})")
    keep = ~np.isnan(v) & (codes >= 0)
    if not keep.all():
        v, codes = v[keep], codes[keep]
    if v.size == 0:
        return math.nan
    mean = v.mean()
    centred = v - mean
    total = float((centred**2).sum())
    if total <= 1e-12 * max(1.0, float((v**2).sum())):
        return math.nan
    sizes = np.bincount(codes, minlength=n_groups)
    sums = np.bincount(codes, weights=v, minlength=n_groups)
    used = sizes > 0
    between = float((sizes[used] * (sums[used] / sizes[used] - mean) ** 2).sum())
    return min(1.0, max(0.0, between / total))


def eta_squared(values: Iterable[float], groups: Iterable[object]) -> float:
    """The share of the variation in ``values`` that lies *between* the ``groups`` (0 to 1).

    eta squared = (sum over groups of size * (group mean - overall mean) ** 2)
                  / (sum over people of (value - overall mean) ** 2).
    0: knowing someone's group tells you nothing about their value; 1: the group fixes it. Pairs
    with a missing value or group are left out (values and groups are paired by position). With no
    variation at all (a constant column, or no data) it is undefined and the result is ``nan``.
    """
    return _eta_from_codes(_as_values(values), *_as_codes(groups))


def eta_squared_table(survey: pd.DataFrame, groupings: dict[str, Iterable[object]] | None = None
                      ) -> pd.DataFrame:
    """Eta squared of each need score (rows) on each grouping (columns).

    ``groupings`` maps a name to the group labels, one per survey row; by default the three
    demographic columns. Add need clusters with e.g. ``{"cluster": need_clusters(survey)}``.
    """
    if groupings is None:
        groupings = {c: survey[c] for c in DEMOGRAPHICS}
    scores = [_as_values(survey[col]) for col in NEED_COLUMNS]
    columns = {}
    for name, labels in groupings.items():
        codes, n = _as_codes(labels)  # each grouping is factorised once, for all six needs
        columns[name] = [_eta_from_codes(v, codes, n) for v in scores]
    return pd.DataFrame(columns, index=pd.Index(list(NEEDS), name="need"))


def eta_squared_with_clusters(survey: pd.DataFrame, clusters: Iterable[object],
                              demographic: pd.DataFrame | None = None) -> pd.DataFrame:
    """The demographic eta-squared table (reused if given) with a ``cluster`` column added."""
    table = eta_squared_table(survey) if demographic is None else demographic.copy()
    table["cluster"] = eta_squared_table(survey, {"cluster": clusters})["cluster"]
    return table


# ----------------------------------------------------------------------------- need clusters


def _standardise(scores: np.ndarray) -> np.ndarray:
    if len(scores) == 0:
        return scores.astype(float)
    mean = scores.mean(axis=0)
    sd = scores.std(axis=0)
    sd[sd == 0] = 1.0  # a constant column carries no information; leave it at 0
    return (scores - mean) / sd


#: need_clusters fits k-means on at most this many respondents (evenly spaced) and assigns the rest.
MAX_FIT_ROWS = 5000
#: The numbers of clusters the lesson and the segment explorer compare.
K_RANGE: tuple[int, ...] = tuple(range(2, 9))

# k-means results already computed, keyed by a digest of the need scores and the settings: the
# lesson, its widget and the exercise checks ask for the same fits, and a fit is the slow part.
_FITS: OrderedDict[tuple, tuple[np.ndarray, list[str]]] = OrderedDict()
_FITS_KEPT = 48


def _digest(x: np.ndarray) -> str:
    return hashlib.blake2b(np.ascontiguousarray(x).view(np.uint8), digest_size=16).hexdigest()


def _fit_rows(n: int, k: int, max_fit_rows: int) -> np.ndarray | None:
    """The evenly spaced rows k-means is fitted on, or None to fit everyone."""
    if n <= max(max_fit_rows, k):
        return None
    return np.unique(np.linspace(0, n - 1, max(max_fit_rows, k)).round().astype(np.intp))


@dataclass
class _Scores:
    """A survey's need scores as a float matrix, with its digest and (on demand) standardised."""

    values: np.ndarray
    digest: str
    _z: np.ndarray | None = None

    @property
    def z(self) -> np.ndarray:
        if self._z is None:
            self._z = _standardise(self.values)
        return self._z

    def eta(self, labels: Iterable[object]) -> list[float]:
        """Eta squared of each need (raw scores; the same on standardised ones) on ``labels``."""
        codes, n = _as_codes(labels)
        return [_eta_from_codes(self.values[:, j], codes, n) for j in range(self.values.shape[1])]


def _scores(survey: pd.DataFrame) -> _Scores:
    values = survey[list(NEED_COLUMNS)].to_numpy(dtype=float)
    return _Scores(values, _digest(values))


def need_clusters(survey: pd.DataFrame, k: int = 5, seed: int = 0, n_init: int = 10,
                  standardise: bool = True, max_fit_rows: int = MAX_FIT_ROWS) -> pd.Series:
    """Group respondents by their six need scores with k-means; one label per respondent.

    Scores are standardised first (mean 0, standard deviation 1 per need), as in
    ``sklearn.preprocessing.StandardScaler``, so no need dominates because of its scale.
    ``KMeans(n_clusters=k, n_init=n_init, random_state=seed)`` is fitted on one thread, so the
    result is the same on every machine. Clusters are named by the need their members rate most
    above average (e.g. ``"price first"``; a repeat gets " (2)") and ordered largest first;
    the result is a categorical Series (categories in that order) aligned with ``survey``. (With
    fewer distinct answer patterns than ``k``, k-means leaves some clusters empty; they are left out.)
    With more than ``max_fit_rows`` respondents, k-means is fitted on that many evenly spaced rows
    and every respondent is then assigned to the nearest centre (``predict``), so the cost stays
    bounded; the shipped survey (5,000 respondents) is fitted whole. A fit is remembered (keyed by
    the scores and the settings), so asking again for the same clusters costs nothing.
    """
    if not 1 <= k <= len(survey):
        raise ValueError(f"k must be between 1 and the number of respondents ({len(survey)})")
    return _labels(_scores(survey), survey.index, k, seed, n_init, standardise, max_fit_rows)


def _labels(scores: _Scores, index: pd.Index, k: int, seed: int, n_init: int, standardise: bool,
            max_fit_rows: int) -> pd.Series:
    key = (scores.digest, scores.values.shape, k, seed, n_init, standardise, max_fit_rows)
    if key in _FITS:
        _FITS.move_to_end(key)
        codes, cats = _FITS[key]
    else:
        codes, cats = _kmeans_codes(scores, k, seed, n_init, standardise, max_fit_rows)
        _FITS[key] = codes, cats
        while len(_FITS) > _FITS_KEPT:
            _FITS.popitem(last=False)
    return pd.Series(pd.Categorical.from_codes(codes.copy(), categories=cats), index=index,
                     name="cluster")


def _kmeans_codes(scores: _Scores, k: int, seed: int, n_init: int, standardise: bool,
                  max_fit_rows: int) -> tuple[np.ndarray, list[str]]:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    z_all = scores.z
    x = z_all if standardise else scores.values
    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    rows = _fit_rows(len(x), k, max_fit_rows)
    with threadpool_limits(limits=1):
        labels = model.fit_predict(x) if rows is None else model.fit(x[rows]).predict(x)
    sizes = np.bincount(labels, minlength=k)
    sums = np.stack([np.bincount(labels, weights=z_all[:, j], minlength=k) for j in range(z_all.shape[1])],
                    axis=1)
    order = sorted((c for c in range(k) if sizes[c]), key=lambda c: (-sizes[c], c))
    names: dict[int, str] = {}
    for c in order:
        # the need this cluster rates most above average (first one on a tie, as idxmax)
        name = f"{NEEDS[int(np.argmax(sums[c] / sizes[c]))]} first"
        base, n = name, 2
        while name in names.values():
            name, n = f"{base} ({n})", n + 1
        names[c] = name
    rank = np.full(k, -1, dtype=np.int8)
    rank[order] = np.arange(len(order))
    return rank[labels], [names[c] for c in order]


def cluster_profiles(survey: pd.DataFrame, clusters: pd.Series) -> pd.DataFrame:
    """Mean need score (0-10) of each cluster (rows), with its size in ``people``."""
    scores = survey[list(NEED_COLUMNS)].set_axis(list(NEEDS), axis=1)
    table = scores.groupby(clusters, observed=False).mean()
    table.insert(0, "people", clusters.value_counts().reindex(table.index).astype(int))
    table.index.name = "cluster"
    return table


def shuffled_needs(survey: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``survey`` with each need column shuffled on its own: same scores, no structure left.

    A baseline for honesty: k-means finds "clusters" even in data with none, so compare what it
    finds in the real scores with what it finds here.
    """
    rng = np.random.default_rng(seed)
    out = survey.copy()
    for col in NEED_COLUMNS:
        out[col] = rng.permutation(out[col].to_numpy())
    return out


def smooth_cloud(survey: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """``survey`` with its need scores replaced by one smooth cloud: no groups, same correlations.

    The scores are drawn from a single multivariate normal distribution with the survey's mean
    and covariance of the six needs, then rounded and clipped to 0-10 like the real answers. So
    the averages, the spreads and the links between needs (people who care about price caring
    less about quality) are kept, but nobody belongs to any group. A stricter baseline than
    :func:`shuffled_needs`, which destroys the links as well: whatever k-means finds here, it
    finds without any groups in the data.
    """
    out = survey.copy()
    cols = list(NEED_COLUMNS)
    if len(survey) < 2:
        return out
    scores = survey[cols].to_numpy(dtype=float)
    mean, cov = scores.mean(axis=0), np.cov(scores, rowvar=False)
    try:  # Cholesky is unique, so the draws are the same on every machine
        draws = np.random.default_rng(seed).multivariate_normal(mean, cov, size=len(survey),
                                                                method="cholesky")
    except np.linalg.LinAlgError:  # a constant need column (or fewer people than needs)
        draws = np.random.default_rng(seed).multivariate_normal(mean, cov, size=len(survey),
                                                                method="eigh")
    draws = np.clip(np.rint(draws), 0, 10).astype(int)
    for j, col in enumerate(cols):
        out[col] = draws[:, j]
    return out


def silhouette_by_k(survey: pd.DataFrame, labels: dict[int, Iterable[object]],
                    chunk: int = 500) -> pd.Series:
    """The mean silhouette of each clustering in ``labels`` (k -> one label per respondent).

    Another common criterion for k: for each person, a = mean distance to the others in their own
    cluster, b = mean distance to the people of the nearest other cluster, silhouette
    (b - a) / max(a, b); near 1 = well inside its cluster, near 0 = on a border. Distances are
    Euclidean on the standardised need scores, exactly as ``sklearn.metrics.silhouette_score``
    computes them (a person alone in a cluster scores 0), but worked out ``chunk`` rows at a time,
    for every clustering at once, so that memory stays small. Higher is better; it need not agree
    with the course's criterion. A clustering with fewer than two clusters gives ``nan``.
    """
    z = _standardise(survey[list(NEED_COLUMNS)].to_numpy(dtype=float))
    n, keys = len(z), list(labels)
    coded = [_as_codes(labels[k]) for k in keys]
    for k, (codes, _) in zip(keys, coded, strict=True):
        if len(codes) != n or (codes < 0).any():
            raise ValueError(f"labels for k = {k}: give one label per respondent ({n}), none missing")
    if n < 2 or not keys:
        return pd.Series({k: math.nan for k in keys}, name="silhouette", dtype=float)
    # one block of one-hot columns per clustering: a chunk's distance sums to every cluster of
    # every clustering come from a single matrix product
    offsets = np.cumsum([0, *[max(m, 1) for _, m in coded]])
    onehot = np.zeros((n, int(offsets[-1])))
    for (codes, _), off in zip(coded, offsets[:-1], strict=True):
        onehot[np.arange(n)[codes >= 0], off + codes[codes >= 0]] = 1.0
    sizes = onehot.sum(axis=0)
    from threadpoolctl import threadpool_limits

    sq = (z**2).sum(axis=1)
    totals = np.zeros(len(keys))
    with threadpool_limits(limits=1):  # small products: threads only contend on a busy machine
        _silhouette_sums(z, sq, coded, onehot, sizes, offsets, totals, chunk)
    return pd.Series({k: (totals[i] / n if coded[i][1] > 1 else math.nan)
                      for i, k in enumerate(keys)}, name="silhouette", dtype=float)


def _silhouette_sums(z: np.ndarray, sq: np.ndarray, coded: list[tuple[np.ndarray, int]],
                     onehot: np.ndarray, sizes: np.ndarray, offsets: np.ndarray,
                     totals: np.ndarray, chunk: int) -> None:
    """Add each clustering's silhouettes to ``totals``, ``chunk`` rows at a time."""
    n = len(z)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        d = z[start:stop] @ z.T  # squared distances, built in place to keep memory small
        d *= -2.0
        d += sq[start:stop, None]
        d += sq[None, :]
        np.maximum(d, 0.0, out=d)
        np.sqrt(d, out=d)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0  # oneself, exactly
        sums = d @ onehot
        del d
        for i, ((codes, m), off) in enumerate(zip(coded, offsets[:-1], strict=True)):
            if m < 2:
                continue
            block, size = sums[:, off:off + m], sizes[off:off + m]
            own = codes[start:stop]
            rows = np.arange(stop - start)
            own_size = size[own]
            a = block[rows, own] / np.maximum(own_size - 1, 1)
            means = block / np.where(size > 0, size, np.nan)
            means[rows, own] = np.inf
            b = np.nanmin(means, axis=1)
            s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
            totals[i] += float(s.sum())


def crosstab(rows: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """Share of each row group falling in each column group (every row sums to 1).

    E.g. ``crosstab(survey["age_band"], clusters)``: for each age band, the fraction of its
    people in each need cluster. Row groups with nobody in them are dropped.
    """
    if isinstance(rows.dtype, pd.CategoricalDtype) and isinstance(columns.dtype, pd.CategoricalDtype):
        # the common case (bands against clusters), counted with numpy: same table as pd.crosstab
        r, c = rows.cat.codes.to_numpy(), columns.cat.codes.to_numpy()
        nr, nc = len(rows.dtype.categories), len(columns.dtype.categories)
        both = (r >= 0) & (c >= 0)
        counts = np.bincount(r[both].astype(np.intp) * nc + c[both], minlength=nr * nc)
        counts = counts.reshape(nr, nc).astype(float)
        table = pd.DataFrame(counts,
                             index=pd.CategoricalIndex(rows.dtype.categories, dtype=rows.dtype,
                                                       name=rows.name),
                             columns=pd.CategoricalIndex(columns.dtype.categories, dtype=columns.dtype,
                                                         name=columns.name))
    else:
        table = pd.crosstab(rows, columns, dropna=False).astype(float)
    table = table[table.sum(axis=1) > 0]
    return table.div(table.sum(axis=1), axis=0)


def largest_gap(table: pd.DataFrame) -> float:
    """The largest difference, within one column, between two rows of a share table.

    For ``crosstab(age_band, clusters)``: how far apart two age bands are at most in the share
    of their people that a single cluster holds. Small means every band has a similar mix.
    ``nan`` for a table with fewer than two rows.
    """
    if len(table) < 2 or table.shape[1] == 0:
        return math.nan
    return float((table.max() - table.min()).max())


@dataclass(frozen=True)
class Gap:
    """The largest gap in a share table: one column, its highest and its lowest row."""

    column: str
    high_row: str
    high: float
    low_row: str
    low: float

    @property
    def gap(self) -> float:
        return self.high - self.low


def gap_detail(table: pd.DataFrame) -> Gap | None:
    """Where :func:`largest_gap` is: which column (cluster), and which rows (bands) are furthest apart.

    ``None`` for a table with fewer than two rows or no columns.
    """
    if len(table) < 2 or table.shape[1] == 0:
        return None
    spread = table.max() - table.min()
    col = spread.index[int(np.argmax(spread.to_numpy()))]
    values = table[col]
    return Gap(column=str(col), high_row=str(values.idxmax()), high=float(values.max()),
               low_row=str(values.idxmin()), low=float(values.min()))


# ----------------------------------------------------------------------------- coverage, index


@dataclass(frozen=True)
class Reach:
    """Three numbers about a target box and a group of people (e.g. low income and "price first").

    * ``coverage``: the share of the group that is inside the box (what targeting the box reaches);
    * ``index``: how much likelier someone in the box is to be in the group than anyone is,
      times 100 (100 = no more likely; 200 = twice as likely). It equals
      ``100 * coverage / box_share``;
    * ``box_share``: the share of everyone who is in the box; ``group_share``: the share of
      everyone in the group; ``in_box_share``: the share of the box that is in the group.
    """

    coverage: float
    index: float
    box_share: float
    group_share: float
    in_box_share: float
    n_box: int
    n_group: int
    n_both: int


def coverage_index(in_box: Iterable[bool], in_group: Iterable[bool]) -> Reach:
    """Coverage and index (lift x 100) of a box for a group; both given as one True/False per person.

    A share that would divide by zero (an empty box or group) is ``nan``.
    """
    box = np.asarray(_as_values(in_box)) > 0
    group = np.asarray(_as_values(in_group)) > 0
    if len(box) != len(group):
        raise ValueError(f"in_box and in_group differ in length ({len(box)} and {len(group)})")
    return reach_from_counts(len(box), int(box.sum()), int(group.sum()), int((box & group).sum()))


def reach_from_counts(n: int, n_box: int, n_group: int, n_both: int) -> Reach:
    """:func:`coverage_index` from counts: everyone, the box, the group, and both at once."""
    def ratio(a: float, b: float) -> float:
        return a / b if b else math.nan

    in_box_share, group_share = ratio(n_both, n_box), ratio(n_group, n)
    return Reach(coverage=ratio(n_both, n_group), index=100 * ratio(in_box_share, group_share),
                 box_share=ratio(n_box, n), group_share=group_share, in_box_share=in_box_share,
                 n_box=n_box, n_group=n_group, n_both=n_both)


@dataclass(frozen=True)
class ShareDifference:
    """The share of a group in two boxes, their difference and its 95% interval."""

    share_a: float
    n_a: int
    share_b: float
    n_b: int
    difference: float
    low: float
    high: float


def share_difference(in_group: Iterable[bool], in_a: Iterable[bool], in_b: Iterable[bool],
                     z: float = 1.959964) -> ShareDifference:
    """Share of ``in_group`` among box a and among box b, a - b, and a normal-approximation interval.

    The interval is ``difference +/- z * sqrt(pa (1 - pa) / na + pb (1 - pb) / nb)`` (Wald; fine
    for hundreds of people per box, rough for a few dozen). An empty box gives ``nan``.
    """
    group = np.asarray(_as_values(in_group)) > 0
    a, b = np.asarray(_as_values(in_a)) > 0, np.asarray(_as_values(in_b)) > 0
    na, nb = int(a.sum()), int(b.sum())
    if not na or not nb:
        return ShareDifference(math.nan, na, math.nan, nb, math.nan, math.nan, math.nan)
    pa, pb = float(group[a].mean()), float(group[b].mean())
    half = z * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    return ShareDifference(pa, na, pb, nb, pa - pb, pa - pb - half, pa - pb + half)


def independence_test(rows: pd.Series, columns: pd.Series) -> tuple[float, int, float]:
    """Pearson's chi-squared test that ``rows`` and ``columns`` are independent: (chi2, dof, p).

    E.g. usual brand against need cluster: a large p means the brands' cluster mixes differ no
    more than chance would readily make them. Groups with nobody in them are left out; fewer than
    two groups on either side gives ``(nan, 0, nan)``.
    """
    return chi_squared(pd.crosstab(rows, columns).to_numpy(dtype=float))


def chi_squared(counts: np.ndarray | pd.DataFrame) -> tuple[float, int, float]:
    """:func:`independence_test` from a table of counts (rows x columns): (chi2, dof, p).

    It tests the whole table at once, so, unlike the largest gap in it, it is not flattered by
    having been picked. Empty rows and columns are left out; fewer than two of either gives
    ``(nan, 0, nan)``.
    """
    from scipy.special import chdtrc

    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.size == 0:
        return math.nan, 0, math.nan
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return math.nan, 0, math.nan
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0)) / counts.sum()
    chi2 = float(((counts - expected) ** 2 / expected).sum())
    dof = (counts.shape[0] - 1) * (counts.shape[1] - 1)
    return chi2, dof, float(chdtrc(dof, chi2))


def comparisons(table: pd.DataFrame) -> int:
    """How many differences :func:`largest_gap` picks its largest from: one per column and pair
    of rows (e.g. 5 clusters x 15 pairs of age bands = 75)."""
    rows = len(table)
    return int(table.shape[1] * rows * (rows - 1) // 2)


def z_for(picked_from: int = 1, level: float = 0.95) -> float:
    """The z of a two-sided ``level`` interval that allows for picking one difference out of
    ``picked_from`` (Bonferroni): 1.96 for one, about 3.4 for the largest of 75.

    An interval drawn around the largest of many differences with the usual 1.96 is too
    narrow: picking the largest flatters it. Bonferroni is simple and on the safe side.
    """
    from scipy.special import ndtri

    m = max(int(picked_from), 1)
    return float(ndtri(1 - (1 - level) / (2 * m)))


# ----------------------------------------------------------------------------- clusters held to a baseline


def variance_explained(survey: pd.DataFrame, clusters: Iterable[object]) -> float:
    """The mean, over the six needs, of the eta squared of the need score on ``clusters`` (0 to 1).

    For k-means on standardised scores this is the share of the total (standardised) variation
    that lies between the clusters, ``1 - within / total``: the quantity k-means maximises.
    """
    return float(eta_squared_table(survey, {"c": clusters})["c"].mean())


@dataclass(frozen=True)
class ClusterFit:
    """k-means with k clusters on the real scores, and on the same scores shuffled column by column."""

    k: int
    labels: pd.Series
    eta: pd.DataFrame  # need x grouping: the demographics (if given) and "cluster"
    shuffled_eta: pd.Series  # per need: eta squared of k-means clusters on the shuffled scores

    @property
    def real(self) -> float:
        """Variance explained by the clusters (mean eta squared over the needs)."""
        return float(self.eta["cluster"].mean())

    @property
    def shuffled(self) -> float:
        """Variance explained by k-means on the shuffled scores: what k-means finds in no structure."""
        return float(self.shuffled_eta.mean())

    @property
    def gap(self) -> float:
        """Real minus shuffled: the part of the variance explained that noise would not give."""
        return self.real - self.shuffled


def cluster_fits(survey: pd.DataFrame, ks: Iterable[int] = K_RANGE, seed: int = 0,
                 shuffle_seed: int = 0, demographic: pd.DataFrame | None = None
                 ) -> dict[int, ClusterFit]:
    """k-means for each k on the real scores and on :func:`shuffled_needs` (one shuffle for all k).

    ``demographic`` is the demographic eta table to put beside the clusters (default:
    :func:`eta_squared_table` of the survey). Each k's fits are cached like :func:`need_clusters`.
    """
    demographic = eta_squared_table(survey) if demographic is None else demographic
    real = _scores(survey)
    noise = _scores(shuffled_needs(survey, seed=shuffle_seed))
    index = pd.Index(list(NEEDS), name="need")
    fits = {}
    for k in ks:
        if not 1 <= k <= len(survey):
            raise ValueError(f"k must be between 1 and the number of respondents ({len(survey)})")
        labels = _labels(real, survey.index, k, seed, 10, True, MAX_FIT_ROWS)
        noise_labels = _labels(noise, survey.index, k, seed, 10, True, MAX_FIT_ROWS)
        eta = demographic.copy()
        eta["cluster"] = pd.Series(real.eta(labels), index=index)
        fits[k] = ClusterFit(k=k, labels=labels, eta=eta,
                             shuffled_eta=pd.Series(noise.eta(noise_labels), index=index, name="c"))
    return fits


def k_selection(fits: dict[int, ClusterFit]) -> pd.DataFrame:
    """One row per k: variance explained on the real scores, on the shuffled scores, and the gap."""
    table = pd.DataFrame({"real": [f.real for f in fits.values()],
                          "shuffled": [f.shuffled for f in fits.values()]},
                         index=pd.Index(list(fits), name="k"))
    table["gap"] = table["real"] - table["shuffled"]
    return table


def best_k(selection: pd.DataFrame) -> int:
    """The course's criterion: the k whose real-minus-shuffled gap is largest (smallest k on a tie)."""
    return int(selection["gap"].idxmax())


@dataclass(frozen=True)
class Stability:
    """How alike k-means partitions are when refitted on bootstrap samples (adjusted Rand index)."""

    k: int
    aris: tuple[float, ...]  # one per pair of refits

    @property
    def mean(self) -> float:
        return float(np.mean(self.aris)) if self.aris else math.nan

    @property
    def lowest(self) -> float:
        return float(np.min(self.aris)) if self.aris else math.nan


def cluster_stability(survey: pd.DataFrame, k: int = 5, replicates: int = 10, seed: int = 0,
                      n_init: int = 10, max_fit_rows: int = MAX_FIT_ROWS) -> Stability:
    """Refit k-means on ``replicates`` bootstrap samples and compare the partitions pairwise.

    Refit r draws a bootstrap sample (respondents drawn with replacement, as many as there are)
    with ``numpy.random.default_rng([seed, r])``, fits ``KMeans(k, n_init=n_init,
    random_state=r)`` on its standardised scores, and assigns every respondent to the nearest
    centre. The adjusted Rand index (``sklearn.metrics.adjusted_rand_score``) of every pair of
    refits says how alike they are: 1 = the same partition, about 0 = no more alike than chance
    (label numbers do not matter). Above ``max_fit_rows`` respondents, the evenly spaced rows
    :func:`need_clusters` fits on are used. Results are cached like :func:`need_clusters`.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from threadpoolctl import threadpool_limits

    if not 2 <= k < len(survey):
        raise ValueError(f"k must be between 2 and the number of respondents - 1 ({len(survey) - 1})")
    if replicates < 2:
        raise ValueError("stability needs at least two refits to compare")
    scores = survey[list(NEED_COLUMNS)].to_numpy(dtype=float)
    key = ("stability", _digest(scores), scores.shape, k, replicates, seed, n_init, max_fit_rows)
    if key not in _FITS:
        rows = _fit_rows(len(scores), k, max_fit_rows)
        x = _standardise(scores if rows is None else scores[rows])
        partitions = []
        with threadpool_limits(limits=1):
            for r in range(replicates):
                sample = np.random.default_rng([seed, r]).integers(0, len(x), len(x))
                model = KMeans(n_clusters=k, n_init=n_init, random_state=r).fit(x[sample])
                partitions.append(model.predict(x))
        aris = np.array([adjusted_rand_score(a, b) for a, b in itertools.combinations(partitions, 2)])
        _FITS[key] = aris, []
        while len(_FITS) > _FITS_KEPT:
            _FITS.popitem(last=False)
    return Stability(k=k, aris=tuple(float(a) for a in _FITS[key][0]))
