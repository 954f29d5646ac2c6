"""Lesson 02, the myth of the segment: how much do people inside a demographic box agree?

Pure functions over the audience survey (``load("survey")``): one row per respondent, three
demographic columns (``age_band``, ``income_band``, ``region``) and six need scores from 0 (does
not matter to me) to 10 (matters a lot), ``need_price`` ... ``need_novelty``, plus ``top_need``, the
need the respondent scored highest.

* :func:`filter_segment` cuts a demographic box ("any" leaves a dimension open);
* :func:`top_need_shares` and :func:`disagreement` say how united a group is;
* :func:`eta_squared` says how much of a need score's variation a grouping explains;
* :func:`need_clusters` groups people by what they want (k-means on standardised need scores).

Empty groups never raise: shares and measures that would divide by zero are ``nan``.
"""

from __future__ import annotations

import math
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
    "ANY", "BANDS", "DEMOGRAPHICS", "LABELS", "NEED_COLUMNS", "NEEDS", "cluster_profiles",
    "SegmentProfile", "crosstab", "disagreement", "eta_squared", "eta_squared_table",
    "eta_squared_with_clusters", "filter_segment", "segment_profile",
    "largest_gap", "need_clusters", "segment_label", "segment_table", "shuffled_needs",
    "spread_ratio", "top_need_shares",
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


def top_need_shares(group: pd.DataFrame | pd.Series) -> pd.Series:
    """The fraction of ``group`` whose top need is each of the six needs (in NEEDS order).

    ``group`` is survey rows or a Series of top needs. The fractions sum to 1; needs nobody
    chose are 0. An empty group gives ``nan`` for every need (there is nobody to share out).
    """
    top = group["top_need"] if isinstance(group, pd.DataFrame) else group
    counts = pd.Series(top).value_counts()
    counts.index = counts.index.astype(str)
    counts = counts.reindex(list(NEEDS), fill_value=0)
    total = int(counts.sum())
    shares = counts / total if total else counts.astype(float) * np.nan
    shares.index.name = "top_need"
    return shares.rename("share").astype(float)


def disagreement(group: pd.DataFrame | pd.Series) -> float:
    """The chance that two people drawn at random from ``group`` have different top needs.

    This is the Gini-Simpson index, ``1 - sum(share ** 2)``, drawing with replacement (so it is
    0 for a single person and for a group that all want the same thing). Six equally common
    needs give the maximum, 5/6. An empty group gives ``nan``.
    """
    shares = top_need_shares(group)
    if shares.isna().all():
        return math.nan
    return float(1.0 - (shares**2).sum())


def spread_ratio(group: pd.DataFrame, everyone: pd.DataFrame) -> float:
    """How spread out ``group``'s need scores are, relative to ``everyone``'s (1 = just as spread).

    The mean over the six needs of (standard deviation inside the group) / (standard deviation
    across everyone), population standard deviations. A single person gives 0; an empty group,
    or an ``everyone`` with no variation at all, gives ``nan``.
    """
    if len(group) == 0:
        return math.nan
    inside = group[list(NEED_COLUMNS)].astype(float).std(ddof=0)
    overall = everyone[list(NEED_COLUMNS)].astype(float).std(ddof=0)
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
                    region: str = ANY) -> SegmentProfile:
    """Size, top-need shares, disagreement and spread of one box ("any" leaves a band open)."""
    group = filter_segment(survey, age_band=age_band, income_band=income_band, region=region)
    return SegmentProfile(
        label=segment_label(age_band=age_band, income_band=income_band, region=region),
        size=len(group), shares=top_need_shares(group), disagreement=disagreement(group),
        spread=spread_ratio(group, survey),
    )


def segment_table(survey: pd.DataFrame, by: Sequence[str] = DEMOGRAPHICS) -> pd.DataFrame:
    """Every non-empty box formed by the columns ``by``: its size, disagreement and top need.

    Columns: the ``by`` columns, ``people``, ``disagreement``, ``top_need`` (most common) and
    ``top_need_share``. Sorted from the most united box (lowest disagreement) to the least.
    """
    rows = []
    for key, group in survey.groupby(list(by), observed=True):
        key = key if isinstance(key, tuple) else (key,)
        shares = top_need_shares(group)
        rows.append({**dict(zip(by, map(str, key), strict=True)), "people": len(group),
                     "disagreement": disagreement(group), "top_need": str(shares.idxmax()),
                     "top_need_share": float(shares.max())})
    table = pd.DataFrame(rows)
    return table.sort_values(["disagreement", *by], kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------- variance explained


def _as_values(values: Iterable[float]) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=float, na_value=np.nan)
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
    mean = scores.mean(axis=0)
    sd = scores.std(axis=0)
    sd[sd == 0] = 1.0  # a constant column carries no information; leave it at 0
    return (scores - mean) / sd


#: need_clusters fits k-means on at most this many respondents (evenly spaced) and assigns the rest.
MAX_FIT_ROWS = 5000


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
    bounded; the shipped survey (5,000 respondents) is fitted whole.
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    if not 1 <= k <= len(survey):
        raise ValueError(f"k must be between 1 and the number of respondents ({len(survey)})")
    scores = survey[list(NEED_COLUMNS)].to_numpy(dtype=float)
    z_all = _standardise(scores)
    x = z_all if standardise else scores
    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
    with threadpool_limits(limits=1):
        if len(x) <= max(max_fit_rows, k):
            labels = model.fit_predict(x)
        else:
            rows = np.unique(np.linspace(0, len(x) - 1, max(max_fit_rows, k)).round().astype(np.intp))
            labels = model.fit(x[rows]).predict(x)
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
    rank = np.full(k, -1, dtype=np.intp)
    rank[order] = np.arange(len(order))
    cats = [names[c] for c in order]
    return pd.Series(pd.Categorical.from_codes(rank[labels], categories=cats),
                     index=survey.index, name="cluster")


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
    of their people that a single cluster holds. Small means the clusters cut across ages.
    ``nan`` for a table with fewer than two rows.
    """
    if len(table) < 2 or table.shape[1] == 0:
        return math.nan
    return float((table.max() - table.min()).max())
