"""Lesson 04, from monologue to dialogue: engagement metrics, how they rank posts, and whether a
"winner" is more than noise.

Everything works on **canonical posts**: one row per post with up to six count columns,

    reach, impressions, followers, likes, comments, shares

(a missing value, NaN, means *not recorded*, never zero) and one or more grouping columns (post
type, style, platform, paid or organic...). :func:`to_canonical` maps any posts table onto them,
so the same functions serve the real Facebook page (``load("facebook_metrics")``), the course's
synthetic posts (``load("posts")``), the health organisation's posts (lesson 08) and a learner's
own platform export (lesson 09).

The six metric definitions (:data:`METRICS`) are all computed **per post** and then averaged over
the posts, as Hootsuite's "average engagement rate" and Kaushik's per-post rates are:

* engagement per reach, per impression, per follower: (likes + comments + shares) / denominator;
* Kaushik's conversation rate (comments per post), amplification rate (shares per post) and
  applause rate (likes per post).

A post is left out of a metric when a count it needs was not recorded, or when its denominator is
zero (nobody reached: no rate exists); :func:`left_out` says how many, and why.

Uncertainty comes from the bootstrap (Efron, 1979): resample a group's posts **with replacement**,
recompute the mean, repeat :data:`N_BOOT` times; the middle 95% of those means is the interval.
Resampling *without* replacement would return the same posts every time: an interval of width 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = [
    "CANONICAL", "CATEGORY_LABELS", "ENGAGEMENT", "LARGE_GROUP", "LEVEL", "METRICS", "N_BOOT", "SEED",
    "SMALL_GROUP", "Metric", "MissingColumn", "PostSet", "Ranking", "bootstrap_difference",
    "bootstrap_interval", "bootstrap_means", "course_posts", "group_values", "interaction_shares",
    "kaushik_rates", "leaders", "left_out", "mean_difference", "metric_values", "pooled_and_within",
    "export_post_set", "is_export", "post_set", "rank_table", "ratio_of_sums", "ratio_of_sums_gap",
    "ranking", "real_page", "require", "select", "to_canonical",
]

#: The count columns every posts table is mapped onto.
CANONICAL: tuple[str, ...] = ("reach", "impressions", "followers", "likes", "comments", "shares")
#: What "engagement" counts here: every public reaction to a post.
ENGAGEMENT: tuple[str, ...] = ("likes", "comments", "shares")
#: Bootstrap resamples, seed and interval level used throughout the lesson and its exercise.
N_BOOT, SEED, LEVEL = 1000, 0, 0.95
#: Groups with fewer posts than this are flagged as anecdotes (EVIDENCE.md: n = 7 is an anecdote).
SMALL_GROUP = 10
#: The real page's content categories, as Moro, Rita & Vala (2016) coded them.
CATEGORY_LABELS: dict[int, str] = {1: "action", 2: "product", 3: "inspiration"}
#: What a missing grouping value is called.
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class Metric:
    """One definition of engagement: (sum of ``counts``) / ``per``, per post, averaged."""

    key: str
    label: str  # "engagement per reach"
    counts: tuple[str, ...]
    per: str | None  # the denominator column; None: per post
    percent: bool
    definition: str  # one sentence, for the learner
    unit: str  # the axis title's unit

    @property
    def needs(self) -> tuple[str, ...]:
        return self.counts + ((self.per,) if self.per else ())

    def scale(self, value: float) -> float:
        """The value as shown: a percentage for rates, the count per post otherwise."""
        return 100 * value if self.percent else value

    def show(self, value: float) -> str:
        """E.g. "2.62%" or "12.3 comments"."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        if self.percent:
            v = 100 * value
            return f"{v:.2f}%" if abs(v) < 10 else f"{v:.1f}%"
        return f"{value:.1f}" if abs(value) < 100 else f"{value:.0f}"


METRICS: dict[str, Metric] = {
    "per_reach": Metric(
        "per_reach", "engagement per reach", ENGAGEMENT, "reach", True,
        "likes + comments + shares of a post, divided by the people it reached; averaged over "
        "posts", "engagement per person reached, per post (%)"),
    "per_impression": Metric(
        "per_impression", "engagement per impression", ENGAGEMENT, "impressions", True,
        "likes + comments + shares of a post, divided by the times it was shown; averaged over "
        "posts", "engagement per impression, per post (%)"),
    "per_follower": Metric(
        "per_follower", "engagement per follower", ENGAGEMENT, "followers", True,
        "likes + comments + shares of a post, divided by the followers when it was posted; "
        "averaged over posts", "engagement per follower, per post (%)"),
    "conversation": Metric(
        "conversation", "conversation rate", ("comments",), None, False,
        "Kaushik's conversation rate: comments per post", "comments per post"),
    "amplification": Metric(
        "amplification", "amplification rate", ("shares",), None, False,
        "Kaushik's amplification rate: shares per post", "shares per post"),
    "applause": Metric(
        "applause", "applause rate", ("likes",), None, False,
        "Kaushik's applause rate: likes per post", "likes per post"),
}


class MissingColumn(ValueError):
    """The posts lack a column a metric or grouping needs; the message says which and how to map it."""


# ----------------------------------------------------------------------------- canonical posts


def _counts(values: pd.Series, source: str, canon: str, negatives: str = "error") -> np.ndarray:
    """A count column as floats (NaN: not recorded); text raises ValueError, and so does a
    negative count unless ``negatives="missing"`` (a platform export may hold one: it is then
    read as not recorded)."""
    if pd.api.types.is_bool_dtype(values):
        raise ValueError(f"column '{source}' (used as {canon}) holds True/False, not counts")
    num = pd.to_numeric(values, errors="coerce")
    bad = num.isna() & values.notna() & (values.astype(str).str.strip() != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"column '{source}' (used as {canon}), row {i + 1}: "
                         f"{values.iloc[i]!r} is not a number")
    out = num.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    if negatives == "missing":
        out[out < 0] = np.nan
    elif (out < 0).any():
        i = int(np.flatnonzero(out < 0)[0])
        raise ValueError(f"column '{source}' (used as {canon}), row {i + 1}: {out[i]:g} is "
                         "negative, but it counts something")
    return out


def _labels(values: pd.Series) -> pd.Categorical:
    """Group labels as text, in the data's own order (categories) or sorted; NaN: "not recorded"."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        order = [str(c) for c in values.cat.categories]
    else:
        order = sorted({str(v) for v in values.dropna()})
    text = values.astype(object).where(values.notna(), NOT_RECORDED).astype(str)
    if (text == NOT_RECORDED).any() and NOT_RECORDED not in order:
        order.append(NOT_RECORDED)
    return pd.Categorical(text, categories=order)


def to_canonical(posts: pd.DataFrame, columns: Mapping[str, str] | None = None,
                 groupings: Mapping[str, str] | None = None,
                 negatives: str = "error") -> pd.DataFrame:
    """Posts in canonical form: the count columns that exist, and the grouping columns.

    ``columns`` maps a canonical name to the column that holds it in ``posts`` (by default each
    canonical name is looked for under its own name); ``groupings`` maps the name a grouping is
    shown under (e.g. "post type") to its column in ``posts``. A grouping column that does not
    exist raises :class:`MissingColumn`; a missing count column is simply left out (a metric that
    needs it says so, see :func:`require`). A negative count raises ValueError, or with
    ``negatives="missing"`` is read as not recorded.
    """
    mapping = {c: c for c in CANONICAL}
    for canon, source in (columns or {}).items():
        if canon not in CANONICAL:
            raise ValueError(f"'{canon}' is not one of the columns the metrics use: "
                             f"{', '.join(CANONICAL)}")
        if source not in posts.columns:
            raise MissingColumn(f"the posts have no column '{source}' (to use as {canon}). "
                                f"Their columns are: {', '.join(map(str, posts.columns))}.")
        mapping[canon] = source
    out: dict[str, object] = {}
    for canon, source in mapping.items():
        if source in posts.columns:
            out[canon] = _counts(posts[source], source, canon, negatives)
    for label, source in (groupings or {}).items():
        if source not in posts.columns:
            raise MissingColumn(f"the posts have no column '{source}' to group them by {label}. "
                                f"Their columns are: {', '.join(map(str, posts.columns))}.")
        out[label] = _labels(posts[source])
    return pd.DataFrame(out, index=pd.RangeIndex(len(posts)))


def require(posts: pd.DataFrame, metric: str | Metric) -> Metric:
    """The metric, after checking the posts have every column it needs (else MissingColumn)."""
    m = METRICS[metric] if isinstance(metric, str) else metric
    missing = [c for c in m.needs if c not in posts.columns]
    if missing:
        have = [c for c in CANONICAL if c in posts.columns]
        raise MissingColumn(
            f"{m.label} needs a '{missing[0]}' column, which these posts do not have"
            + (f" (nor: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + f". They have: {', '.join(have) or 'no count column at all'}. If your export calls "
            f"it something else, map it, e.g. columns={{'{missing[0]}': 'Your column name'}}.")
    return m


def metric_values(posts: pd.DataFrame, metric: str | Metric) -> np.ndarray:
    """The metric for each post (a fraction for rates, a count per post otherwise).

    NaN where it cannot be computed: a needed count was not recorded, or the denominator is 0.
    """
    m = require(posts, metric)
    top = sum(posts[c].to_numpy(dtype=float) for c in m.counts)
    if m.per is None:
        return np.asarray(top, dtype=float)
    per = posts[m.per].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(per > 0, top / per, np.nan)


def left_out(posts: pd.DataFrame, metric: str | Metric) -> dict[str, int]:
    """How many posts a metric leaves out, and why ("not recorded", "zero <denominator>")."""
    m = require(posts, metric)
    unrecorded = np.zeros(len(posts), dtype=bool)
    for c in m.needs:
        unrecorded |= posts[c].isna().to_numpy()
    out = {"not recorded": int(unrecorded.sum())}
    if m.per:
        out[f"zero {m.per}"] = int(((posts[m.per] == 0).to_numpy() & ~unrecorded).sum())
    return {k: v for k, v in out.items() if v}


def select(posts: pd.DataFrame, column: str | None = None, value: str | None = None) -> pd.DataFrame:
    """The posts whose ``column`` equals ``value`` (all posts when ``column`` is None)."""
    if column is None:
        return posts
    if column not in posts.columns:
        raise MissingColumn(f"the posts have no column '{column}' to filter on")
    values = posts[column]
    if not isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(str)
    return posts[(values == str(value)).to_numpy()]


def group_values(posts: pd.DataFrame, metric: str | Metric, by: str) -> dict[str, np.ndarray]:
    """Each group's per-post values of the metric (posts left out dropped), in the group order."""
    if by not in posts.columns:
        raise MissingColumn(f"the posts have no grouping column '{by}'")
    values = metric_values(posts, metric)
    groups = posts[by]
    codes = (groups.cat.codes.to_numpy() if isinstance(groups.dtype, pd.CategoricalDtype)
             else pd.factorize(groups, sort=True)[0])
    names = (list(groups.cat.categories) if isinstance(groups.dtype, pd.CategoricalDtype)
             else list(pd.factorize(groups, sort=True)[1]))
    ok = ~np.isnan(values)
    out = {}
    for i, name in enumerate(names):
        v = values[(codes == i) & ok]
        if len(v):
            out[str(name)] = v
    return out


# ----------------------------------------------------------------------------- Kaushik and shares


def kaushik_rates(posts: pd.DataFrame) -> pd.Series:
    """Kaushik's three countable rates, per post: conversation (comments), amplification
    (shares), applause (likes). Each is the mean over the posts where that count was recorded.
    The fourth, economic value, needs the value of what the posts led to: no posts table here
    records it."""
    return pd.Series({k: float(np.nanmean(metric_values(posts, k))) if len(posts) else math.nan
                      for k in ("conversation", "amplification", "applause")})


def interaction_shares(posts: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Comments, shares and likes as fractions of all interactions (sums over the posts where all
    three were recorded), for all posts or for each group of ``by``; with the posts counted."""
    for c in ENGAGEMENT:
        require(posts, Metric(c, c, (c,), None, False, "", ""))
    complete = posts.dropna(subset=list(ENGAGEMENT))
    groups = [("all posts", complete)] if by is None else [
        (str(g), part) for g, part in complete.groupby(by, observed=True, sort=False)]
    rows = {}
    for name, part in groups:
        sums = part[["comments", "shares", "likes"]].sum()
        total = float(sums.sum())
        rows[name] = {**{c: (float(sums[c]) / total if total else math.nan) for c in sums.index},
                      "posts": len(part)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["posts"] = table["posts"].astype(int)
    return table


# ----------------------------------------------------------------------------- the bootstrap


def _rng(seed: int | np.random.Generator | None) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


#: Above this many posts in a group, resample means are drawn from the normal distribution the
#: bootstrap converges to (mean, sd / sqrt(n)): at that size the two agree far inside the
#: interval's own Monte Carlo error, and drawing 1,000 resamples of 20,000 posts takes seconds.
LARGE_GROUP = 20_000
_CHUNK = 100_000  # resampled values drawn at once: small enough to stay in the processor's cache


def bootstrap_means(values: Sequence[float] | np.ndarray, n_boot: int = N_BOOT,
                    seed: int | np.random.Generator | None = SEED) -> np.ndarray:
    """``n_boot`` means of resamples of ``values`` drawn **with replacement**, each as large as
    ``values``. Empty input gives an empty array; NaN values are dropped first.

    Exact bootstrap, computed the cheaper of two equivalent ways: drawing indices (in chunks), or,
    when many values repeat (counts such as comments per post in a large table), drawing how often
    each distinct value is picked (a multinomial, which has the same distribution). Groups of
    LARGE_GROUP posts or more use the bootstrap's normal limit (mean, population sd / sqrt(n)).
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return np.empty(0)
    rng = _rng(seed)
    if n >= LARGE_GROUP:
        return rng.normal(x.mean(), x.std() / math.sqrt(n), n_boot)
    if n * n_boot > 10 * _CHUNK:
        distinct, counts = np.unique(x, return_counts=True)
        if 3 * len(distinct) < n:
            return rng.multinomial(n, counts / n, size=n_boot) @ distinct / n
    rows = max(1, _CHUNK // n)
    out = np.empty(n_boot)
    for start in range(0, n_boot, rows):
        k = min(rows, n_boot - start)
        out[start:start + k] = x[rng.integers(0, n, size=(k, n))].mean(axis=1)
    return out


def _interval(samples: np.ndarray, level: float) -> tuple[float, float]:
    if len(samples) == 0:
        return math.nan, math.nan
    tail = (1 - level) / 2
    lo, hi = np.quantile(samples, [tail, 1 - tail])
    return float(lo), float(hi)


def bootstrap_interval(values: Sequence[float] | np.ndarray, n_boot: int = N_BOOT,
                       seed: int | np.random.Generator | None = SEED,
                       level: float = LEVEL) -> tuple[float, float]:
    """The percentile bootstrap interval of the mean of ``values``: (low, high).

    (nan, nan) for fewer than two values: one post has no spread to resample.
    """
    x = np.asarray(values, dtype=float)
    if np.count_nonzero(~np.isnan(x)) < 2:
        return math.nan, math.nan
    return _interval(bootstrap_means(x, n_boot, seed), level)


def mean_difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """mean(a) - mean(b), NaN values dropped; NaN if either is empty."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    return float(a.mean() - b.mean()) if len(a) and len(b) else math.nan


def bootstrap_difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                         n_boot: int = N_BOOT, seed: int | np.random.Generator | None = SEED,
                         level: float = LEVEL) -> tuple[float, float]:
    """The percentile bootstrap interval of mean(a) - mean(b): (low, high).

    Each group is resampled on its own, with replacement (first ``a``, then ``b``, from one random
    generator seeded by ``seed``). (nan, nan) when either group has fewer than two values.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if min(np.count_nonzero(~np.isnan(a)), np.count_nonzero(~np.isnan(b))) < 2:
        return math.nan, math.nan
    rng = _rng(seed)
    ma = bootstrap_means(a, n_boot, rng)
    mb = bootstrap_means(b, n_boot, rng)
    return _interval(ma - mb, level)


# ----------------------------------------------------------------------------- rankings


@dataclass
class Ranking:
    """One metric's ranking of the groups of one grouping, best first, with bootstrap intervals.

    ``table``: one row per group with ``posts`` (n), ``value`` (mean), ``low`` and ``high`` (the
    interval; NaN for a single post), best first, and groups of a single post after the others.
    ``overall``: the mean over all the posts.
    ``lead``: the interval of (leader - runner-up) among groups of two or more posts, or None.
    """

    metric: Metric
    by: str
    table: pd.DataFrame
    overall: float
    left_out: dict[str, int]
    samples: dict[str, np.ndarray] = field(repr=False, default_factory=dict)
    lead: tuple[float, float] | None = None

    @property
    def ranked(self) -> pd.DataFrame:
        """The groups of two or more posts (a single post has no interval and ranks nothing)."""
        return self.table[self.table["posts"] >= 2]

    @property
    def leader(self) -> str | None:
        """The first group of two or more posts (or the only group there is)."""
        if not len(self.table):
            return None
        return str(self.ranked.index[0]) if len(self.ranked) else str(self.table.index[0])

    @property
    def runner_up(self) -> str | None:
        return str(self.ranked.index[1]) if len(self.ranked) > 1 else None

    @property
    def lead_is_clear(self) -> bool | None:
        """True when the leader's lead over the runner-up excludes 0 at the interval's level;
        None when there is no runner-up to compare with."""
        if self.lead is None or any(math.isnan(v) for v in self.lead):
            return None
        return self.lead[0] > 0 or self.lead[1] < 0

    def rank_of(self, group: str) -> int | None:
        """1 for the leader; None if the group is not in the ranking."""
        names = [str(g) for g in self.table.index]
        return names.index(str(group)) + 1 if str(group) in names else None

    @property
    def small(self) -> list[str]:
        """Groups of fewer than SMALL_GROUP posts (but more than one): anecdotes."""
        n = self.table["posts"]
        return [str(g) for g in self.table.index[(n < SMALL_GROUP) & (n > 1)]]

    @property
    def single(self) -> list[str]:
        """Groups of a single post: no interval."""
        return [str(g) for g in self.table.index[self.table["posts"] == 1]]


def ranking(posts: pd.DataFrame, metric: str | Metric, by: str, n_boot: int = N_BOOT,
            seed: int = SEED, level: float = LEVEL) -> Ranking:
    """Rank the groups of ``by`` by the mean of ``metric``, each with a bootstrap interval.

    The groups are resampled in their own order, one after the other, from one generator seeded
    by ``seed``, so the result is the same on every run. An empty selection gives an empty table.
    """
    m = require(posts, metric)
    per_group = group_values(posts, m, by)
    rng = np.random.default_rng(seed)
    names = list(per_group)
    samples: dict[str, np.ndarray] = {}
    sizes, means, lows, highs = [], [], [], []
    for name in names:
        v = per_group[name]
        boot = bootstrap_means(v, n_boot, rng) if len(v) >= 2 else np.empty(0)
        samples[name] = boot
        lo, hi = _interval(boot, level)
        sizes.append(len(v))
        means.append(float(v.mean()))
        lows.append(lo)
        highs.append(hi)
    # best first among the groups of two or more posts; single posts (no interval) after them
    order = np.lexsort((-np.asarray(means, dtype=float), np.asarray(sizes) < 2)) if names else []
    table = pd.DataFrame({"posts": np.asarray(sizes, dtype=int)[order] if names else [],
                          "value": np.asarray(means, dtype=float)[order] if names else [],
                          "low": np.asarray(lows, dtype=float)[order] if names else [],
                          "high": np.asarray(highs, dtype=float)[order] if names else []},
                         index=pd.Index([names[i] for i in order], name="group"))
    table["posts"] = table["posts"].astype(int)
    values = metric_values(posts, m)
    overall = float(np.nanmean(values)) if np.any(~np.isnan(values)) else math.nan
    result = Ranking(m, by, table, overall, left_out(posts, m), samples)
    ranked = [names[i] for i in order if sizes[i] >= 2]
    if len(ranked) >= 2:
        result.lead = _interval(samples[ranked[0]] - samples[ranked[1]], level)
    return result


def leaders(posts: pd.DataFrame, by: str, metrics: Sequence[str] | None = None) -> dict[str, str]:
    """The group with the highest mean under each metric (means only: no bootstrap), among the
    groups of two or more posts (a single post ranks nothing); a metric under which fewer than two
    such groups exist has no leader."""
    out = {}
    for key in metrics or METRICS:
        per_group = group_values(posts, key, by)
        ranked = {g: v for g, v in per_group.items() if len(v) >= 2}
        if len(ranked) >= 2:  # one group of two posts or more leads nothing
            out[key] = max(ranked, key=lambda g: ranked[g].mean())
    return out


def rank_table(posts: pd.DataFrame, by: str, metrics: Sequence[str] | None = None) -> pd.DataFrame:
    """Each group's mean under each metric (rows: metrics; columns: groups), as shown: rates in
    percent, per-post counts as counts."""
    rows = {}
    for key in metrics or METRICS:
        m = METRICS[key]
        rows[m.label] = {g: m.scale(float(v.mean())) for g, v in group_values(posts, key, by).items()}
    return pd.DataFrame.from_dict(rows, orient="index")


def ratio_of_sums(posts: pd.DataFrame, metric: str, by: str) -> pd.Series:
    """Another way to average a rate: each group's total engagement divided by its total
    denominator (over the posts where both are known), as shown (in percent). It weighs widely
    seen posts more than the mean of per-post rates does. Per-post metrics give the mean."""
    m = require(posts, metric)
    if m.per is None:
        return rank_table(posts, by, [metric]).iloc[0]
    top = sum(posts[c] for c in m.counts)
    ok = top.notna() & (posts[m.per] > 0)
    part = posts[ok.to_numpy()]
    sums = pd.DataFrame({"top": top[ok], "per": part[m.per], "group": part[by]}).groupby(
        "group", observed=True)[["top", "per"]].sum()
    return (100 * sums["top"] / sums["per"]).rename(m.label)


def ratio_of_sums_gap(posts: pd.DataFrame, metric: str, by: str, a: str, b: str,
                      n_boot: int = N_BOOT, seed: int = SEED,
                      level: float = LEVEL) -> tuple[float, float, float]:
    """Total over total (see :func:`ratio_of_sums`), group ``a`` minus group ``b``, as shown
    (percentage points), with its percentile bootstrap interval: (gap, low, high).

    Each group's posts are resampled with replacement (``a`` first, then ``b``, from one
    generator seeded by ``seed``) and its total engagement divided by its total denominator
    again. (nan, nan, nan) when either group has fewer than two posts with a rate.
    """
    m = require(posts, metric)
    if m.per is None:
        raise ValueError(f"{m.label} is a count per post: total over total is the same mean; "
                         "use ranking() for its interval")
    top = sum(posts[c].to_numpy(dtype=float) for c in m.counts)
    per = posts[m.per].to_numpy(dtype=float)
    ok = ~np.isnan(top) & (per > 0)
    groups = posts[by].astype(str).to_numpy()
    rng = np.random.default_rng(seed)
    points, boots = [], []
    for group in (a, b):
        keep = ok & (groups == str(group))
        t, d = top[keep], per[keep]
        if len(t) < 2:
            return math.nan, math.nan, math.nan
        idx = rng.integers(0, len(t), size=(n_boot, len(t)))
        points.append(t.sum() / d.sum())
        boots.append(t[idx].sum(axis=1) / d[idx].sum(axis=1))
    low, high = _interval(boots[0] - boots[1], level)
    return m.scale(points[0] - points[1]), m.scale(low), m.scale(high)


def pooled_and_within(posts: pd.DataFrame, metric: str, by: str, within: str) -> pd.DataFrame:
    """Each group's mean under ``metric`` pooled over every post, then within each stratum of
    ``within`` (e.g. each platform), as shown (rates in percent). Rows: groups of ``by``; columns:
    "pooled", then the strata. A group absent from a stratum is NaN there."""
    columns = {"pooled": rank_table(posts, by, [metric]).iloc[0]}
    strata = posts[within]
    names = strata.cat.categories if isinstance(strata.dtype, pd.CategoricalDtype) else sorted(
        strata.dropna().unique())
    for name in names:
        part = select(posts, within, str(name))
        if len(part):
            columns[str(name)] = rank_table(part, by, [metric]).iloc[0]
    table = pd.DataFrame(columns)
    order = [str(g) for g in posts[by].cat.categories] if isinstance(
        posts[by].dtype, pd.CategoricalDtype) else sorted(table.index)
    return table.reindex([g for g in order if g in table.index])


# ----------------------------------------------------------------------------- post sets


@dataclass
class PostSet:
    """Canonical posts ready for the monologue-against-dialogue widget.

    ``label`` names the data ("Real: ..."); ``evidence`` is "Real", "Synthetic" or another word
    (e.g. "Your data"); ``groupings`` lists the grouping columns of ``posts`` in the order offered;
    ``filters`` maps a filter's label to (column, value), or None for every post.
    """

    label: str
    evidence: str
    posts: pd.DataFrame
    groupings: list[str]
    filters: dict[str, tuple[str, str] | None]
    unit_of_followers: str = "followers"
    #: One plain sentence: the definitions and groupings these posts cannot give, and why.
    unavailable: str = ""
    #: Other things worth saying about the data (e.g. negative counts read as not recorded).
    notes: list[str] = field(default_factory=list)

    def metrics(self) -> list[str]:
        """The metrics these posts have the columns for."""
        return [k for k, m in METRICS.items() if all(c in self.posts.columns for c in m.needs)]

    def selection(self, filter_label: str) -> pd.DataFrame:
        spec = self.filters[filter_label]
        return self.posts if spec is None else select(self.posts, *spec)


def _n(k: int) -> str:
    return f"{k:,} post" + ("" if k == 1 else "s")


def real_page(fb: pd.DataFrame) -> PostSet:
    """The real cosmetics brand's page (``load("facebook_metrics")``) as a :class:`PostSet`:
    followers are the page's total likes; grouped by post type, or paid or organic."""
    paid = fb["paid"].astype("boolean")
    frame = fb.assign(paid_or_organic=pd.Categorical(
        np.where(paid.isna(), NOT_RECORDED, np.where(paid.fillna(False), "paid", "organic")),
        categories=["paid", "organic", NOT_RECORDED]),
        content=pd.Categorical(fb["category"].map(CATEGORY_LABELS),
                               categories=list(CATEGORY_LABELS.values())))
    posts = to_canonical(frame, columns={"followers": "page_total_likes"},
                         groupings={"post type": "type", "paid or organic": "paid_or_organic",
                                    "content category": "content"})
    counts = posts["paid or organic"].value_counts()
    return PostSet(
        "Real: a cosmetics brand's Facebook page, 2014", "Real", posts,
        ["post type", "paid or organic"],
        {f"all {_n(len(posts))}": None,
         f"paid posts only ({int(counts.get('paid', 0)):,})": ("paid or organic", "paid"),
         f"organic posts only ({int(counts.get('organic', 0)):,})": ("paid or organic", "organic")},
        unit_of_followers="page likes")


def course_posts(posts: pd.DataFrame) -> PostSet:
    """Copperpot's synthetic posts (``load("posts")``) as a :class:`PostSet`: grouped by post
    type (format), post style or platform; filtered to one platform or all four."""
    frame = to_canonical(posts, groupings={"post type": "format", "post style": "style",
                                           "platform": "platform"})
    counts = frame["platform"].value_counts()
    filters: dict[str, tuple[str, str] | None] = {f"all platforms ({len(frame):,})": None}
    for p in frame["platform"].cat.categories:
        filters[f"{p} only ({int(counts.get(p, 0)):,})"] = ("platform", str(p))
    return PostSet("Synthetic: Copperpot's posts on four platforms, 2024-2025", "Synthetic", frame,
                   ["post type", "post style", "platform"], filters)


def post_set(posts: pd.DataFrame, groupings: Sequence[str] | Mapping[str, str],
             columns: Mapping[str, str] | None = None, label: str = "Your posts",
             evidence: str = "Your data", filter_by: str | None = None) -> PostSet:
    """Any posts table as a :class:`PostSet` (the health organisation's posts, a platform export).

    ``groupings``: the columns to group by (or a mapping label -> column); ``columns``: which of
    your columns hold the canonical counts (see :func:`to_canonical`); ``filter_by``: a column
    (or grouping) whose values become filters ("all posts" is always offered).
    """
    named = dict(groupings) if isinstance(groupings, Mapping) else {g: g for g in groupings}
    if not named:
        raise ValueError("give at least one column to group the posts by")
    key = None
    if filter_by is not None:
        key = next((k for k, v in named.items() if filter_by in (k, v)), filter_by)
    extra = {key: filter_by} if key is not None and key not in named else {}
    frame = to_canonical(posts, columns=columns, groupings={**named, **extra})
    filters: dict[str, tuple[str, str] | None] = {f"all posts ({len(frame):,})": None}
    if key is not None:
        counts = frame[key].value_counts()
        for value in frame[key].cat.categories:
            filters[f"{value} only ({int(counts.get(value, 0)):,})"] = (key, str(value))
    return PostSet(label, evidence, frame, list(named), filters)


# ----------------------------------------------------------------------------- platform exports

#: The groupings a table with the course's posts columns offers: shown name -> its column.
COURSE_GROUPINGS: dict[str, str] = {"post type": "format", "post style": "style",
                                    "platform": "platform"}
#: The grouping by time (from ``posted_at``): by month, or by quarter over more months than this.
MONTHS_SHOWN = 12
#: Why a column is missing, said shortly (an export's own reason is used for the others).
_SHORT_WHY = {
    "style": "no platform labels a post's style",
    "followers": "exports have no follower count per post; load_export(..., followers=N) uses one "
                 "number for every post",
}


def is_export(posts: object) -> bool:
    """Whether ``posts`` is a loaded platform export (``load_export(path)``): it has a ``.frame``
    and says why columns are missing."""
    return isinstance(getattr(posts, "frame", None), pd.DataFrame) and isinstance(
        getattr(posts, "why_missing", None), Mapping)


def looks_like_course_posts(frame: object) -> bool:
    """Whether ``frame`` has the course's posts columns (an export's ``.frame``, ``load("posts")``):
    one of the groupings or ``posted_at``, and one count column."""
    return (isinstance(frame, pd.DataFrame)
            and bool({*COURSE_GROUPINGS.values(), "posted_at"} & set(frame.columns))
            and bool(set(CANONICAL) & set(frame.columns)))


def _when(posted: pd.Series) -> tuple[str, pd.Categorical] | None:
    """("month posted" or "quarter posted", the labels in time order), or None for one period."""
    t = pd.to_datetime(posted, errors="coerce")
    if t.notna().sum() == 0:
        return None
    months = t.dt.to_period("M")
    name, periods = "month posted", months
    if months.nunique() > MONTHS_SHOWN:
        name, periods = "quarter posted", t.dt.to_period("Q")
    if periods.nunique() < 2:
        return None
    order = [str(p) for p in sorted(periods.dropna().unique())]
    return name, pd.Categorical(periods.astype(str).where(periods.notna(), None), categories=order)


def _which(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def export_post_set(posts: object, label: str | None = None, evidence: str = "Your data",
                    why_missing: Mapping[str, str] | None = None) -> PostSet:
    """A platform export (``load_export(path)``), its ``.frame``, a table with the course's posts
    columns, or a list of them (pooled, e.g. a Facebook and an Instagram export), as a
    :class:`PostSet` with the groupings and definitions the data supports.

    Groupings: post type (``format``), post style (``style``) and platform, each when it has two
    values or more; and the month (or quarter) posted. Filters: one per platform when there are
    several. A definition is offered only when every column it needs holds a value for some post.
    ``unavailable`` says in one sentence what is not offered and why (an export's
    ``why_missing`` gives the reason for a missing column; ``why_missing`` adds to it). A negative
    count (an export can hold one) is read as not recorded, and ``notes`` says how many.
    Raises :class:`MissingColumn` with a plain sentence when nothing can be grouped.
    """
    items = list(posts) if isinstance(posts, list | tuple) else [posts]
    if not items:
        raise ValueError("give an export (load_export(path)), its .frame, or a list of them")
    frames, titles, why = [], [], {}
    for item in items:
        if is_export(item):
            frames.append(item.frame)
            titles.append(f"{item.layout_title}, {item.file}")
            for col, reason in item.why_missing.items():
                why.setdefault(col, str(reason))
        elif isinstance(item, pd.DataFrame):
            frames.append(item)
        else:
            raise ValueError("give an export (load_export(path)), its .frame, or a list of them, "
                             f"not {type(item).__name__}")
    why.update({c: r for c, r in _SHORT_WHY.items() if c in why})
    why.update(why_missing or {})
    frame = (frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)).reset_index(
        drop=True)

    def reason(col: str) -> str:
        if col not in frame.columns:
            return f"no {col} column: {why[col]}" if col in why else f"no {col} column"
        return f"its {col} column is empty"

    counts = [c for c in CANONICAL if c in frame.columns and frame[c].notna().any()]
    negative = {c: int((pd.to_numeric(frame[c], errors="coerce") < 0).sum()) for c in counts}
    negative = {c: k for c, k in negative.items() if k}
    groupings: dict[str, str] = {}
    lacking: list[str] = []
    for name, col in COURSE_GROUPINGS.items():
        values = frame[col].dropna().astype(str).unique() if col in frame.columns else []
        if len(values) >= 2:
            groupings[name] = col
        elif len(values) == 1:
            same = f"all the posts are from {values[0]}" if col == "platform" else (
                f"every post has the same {col}, {values[0]}")
            lacking.append(f"grouping by {name} ({same})")
        else:
            lacking.append(f"grouping by {name} ({reason(col)})")
    extra: dict[str, pd.Categorical] = {}
    when = _when(frame["posted_at"]) if "posted_at" in frame.columns else None
    if when is not None:
        extra[when[0]] = when[1]
    if not groupings and not extra:
        period = (" and were all posted in the same month" if "posted_at" in frame.columns
                  else " and have no posted_at column")
        raise MissingColumn("there is nothing to group these posts by: they have no two post "
                            f"types, styles or platforms{period} ({'; '.join(lacking)}).")
    source = frame[[*counts, *dict.fromkeys(groupings.values())]].copy()
    for name, labels in extra.items():
        source[name] = labels
    canon = to_canonical(source, columns={c: c for c in counts},
                         groupings={**groupings, **{n: n for n in extra}}, negatives="missing")
    # a definition is unavailable under the first column it lacks
    by_column: dict[str, list[str]] = {}
    for m in METRICS.values():
        gone = [c for c in m.needs if c not in counts]
        if gone:
            by_column.setdefault(gone[0], []).append(m.label)
    missing = [f"{_which(labels)} ({reason(col)})" for col, labels in by_column.items()]
    parts = missing + lacking
    gone = sum(len(labels) for labels in by_column.values())
    lead = ("Not available with these posts: " if gone < len(METRICS)
            else "No definition of engagement can be computed from these posts: ")
    unavailable = (lead + "; ".join(parts) + ".") if parts else ""
    total = sum(negative.values())
    notes = [f"{total} count{'' if total == 1 else 's'} ({_which(list(negative))}) "
             f"{'was' if total == 1 else 'were'} negative in the export: read as not recorded."
             ] if negative else []
    platforms = canon["platform"].value_counts() if "platform" in canon.columns else None
    filters: dict[str, tuple[str, str] | None] = {f"all {_n(len(canon))}": None}
    if platforms is not None:
        for p in canon["platform"].cat.categories:
            if platforms.get(p, 0):
                filters[f"{p} only ({int(platforms[p]):,})"] = ("platform", str(p))
    if label is None:
        label = (f"{evidence}: {titles[0]}" if len(titles) == 1 and len(items) == 1 else
                 f"{evidence}: {len(items)} exports pooled" if titles else f"{evidence}: your posts")
    return PostSet(label, evidence, canon, [*groupings, *extra], filters, unavailable=unavailable,
                   notes=notes)
