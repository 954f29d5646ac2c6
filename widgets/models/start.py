"""Lesson 00: slices of the brand's posts, and one comparison counted three ways.

Which post style "gets more likes" depends on how you count:

* **per post** (raw): the mean number of likes a post of that style got. It answers "where did
  the likes come from?", and it rewards a style posted where audiences are big or generous;
* **per 1,000 followers**: each post's likes divided by the followers the account had when it was
  posted, times 1,000, then averaged over the posts. It answers "how much response for the size of
  the account?", so accounts of different sizes can be compared. Followers are not the people who
  saw a post (that is ``reach``, and on TikTok most viewers do not follow the account);
* **within one platform**: either measure, for posts on the same platform only. It answers "does
  the style matter, other things equal?", because platforms differ far more than styles do.

Pure functions: DataFrames in, numbers or DataFrames out. Bad input raises :class:`SliceError`,
whose message is one plain sentence (Jupyter shows only that sentence, not a traceback).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import ModelError

#: The two styles the course's question is about: talking *at* people, and asking them.
COMPARED: tuple[str, ...] = ("broadcast", "question")
#: The lesson's slice: the brand's first week (start included, end excluded).
WARMUP_START, WARMUP_END = "2024-01-01", "2024-01-08"
PLATFORMS: tuple[str, ...] = ("facebook", "instagram", "x", "tiktok")
MEASURES: dict[str, str] = {"per_post": "per post", "per_1000_followers": "per 1,000 followers"}


class SliceError(ModelError):
    """A slice or summary the data cannot give; the message says why in one sentence."""


def _require(posts: pd.DataFrame, *columns: str) -> None:
    if not isinstance(posts, pd.DataFrame):
        raise SliceError(f"expected a table of posts (a DataFrame), not {type(posts).__name__}: "
                         "start from posts = load('posts')")
    missing = [c for c in columns if c not in posts.columns]
    if missing:
        raise SliceError(f"the table has no column {missing[0]!r}; its columns are: "
                         + ", ".join(map(str, posts.columns)))


def _date(value: object, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise SliceError(f"{name} {value!r} is not a date: write it like '2024-01-01'")
    return stamp


def posts_between(posts: pd.DataFrame, start: object, end: object,
                  platform: str | None = None) -> pd.DataFrame:
    """The posts from ``start`` up to, **not including**, ``end`` (dates such as "2025-07-01"),
    optionally on one ``platform`` only; oldest first, numbered from 0.

    The end is excluded so that consecutive slices never overlap: a month is
    ``posts_between(posts, "2025-07-01", "2025-08-01")``. A slice may be empty.
    """
    _require(posts, "posted_at", "platform")
    first, last = _date(start, "start"), _date(end, "end")
    if last <= first:
        raise SliceError(f"the end ({last:%Y-%m-%d}) must come after the start ({first:%Y-%m-%d}): "
                         "a slice keeps posts from the start up to, not including, the end")
    keep = (posts["posted_at"] >= first) & (posts["posted_at"] < last)
    if platform is not None:
        if platform not in PLATFORMS:
            raise SliceError(f"platform {platform!r} is not one of: {', '.join(PLATFORMS)}")
        keep &= posts["platform"].astype(str) == platform
    return posts[keep].sort_values("posted_at", kind="stable").reset_index(drop=True)


def warmup_slice(posts: pd.DataFrame) -> pd.DataFrame:
    """The brand's posts of its first week (1 to 7 January 2024), oldest first."""
    return posts_between(posts, WARMUP_START, WARMUP_END)


def per_thousand_followers(posts: pd.DataFrame, column: str = "likes") -> pd.Series:
    """Each post's ``column`` per 1,000 followers of the account when it was posted
    (``nan`` where the follower count is not positive)."""
    _require(posts, column, "followers")
    followers = posts["followers"].astype(float).where(posts["followers"] > 0)
    return posts[column].astype(float) / followers * 1000


def _styles(posts: pd.DataFrame, styles: Sequence[str]) -> list[str]:
    _require(posts, "style")
    styles = [str(s) for s in styles]
    if not styles:
        raise SliceError("name at least one post style to compare")
    known = set(posts["style"].cat.categories if hasattr(posts["style"], "cat") else posts["style"])
    unknown = [s for s in styles if s not in known]
    if unknown:
        raise SliceError(f"style {unknown[0]!r} is not one of: {', '.join(sorted(map(str, known)))}")
    return styles


def _summarise(posts: pd.DataFrame, column: str, keys: list[str], index: pd.Index) -> pd.DataFrame:
    frame = pd.DataFrame({"value": posts[column].astype(float),
                          "rate": per_thousand_followers(posts, column)})
    for key in keys:
        frame[key] = posts[key].astype(str).to_numpy()
    grouped = frame.groupby(keys, sort=False)
    table = pd.DataFrame({"posts": grouped.size(), "per_post": grouped["value"].mean(),
                          "per_1000_followers": grouped["rate"].mean()})
    table = table.reindex(index)
    table["posts"] = table["posts"].fillna(0).astype(int)
    return table


def style_summary(posts: pd.DataFrame, column: str = "likes",
                  styles: Sequence[str] = COMPARED) -> pd.DataFrame:
    """One row per style (in the order given): ``posts`` (n), ``column`` ``per_post`` (mean) and
    ``per_1000_followers`` (each post's rate, then the mean over posts). A style with no post in
    the slice has n = 0 and ``nan`` means."""
    styles = _styles(posts, styles)
    _require(posts, column, "followers")
    chosen = posts[posts["style"].astype(str).isin(styles)]
    if chosen.empty:
        raise SliceError(f"this slice has no {' or '.join(styles)} posts: widen the dates "
                         "or compare other styles")
    table = _summarise(chosen, column, ["style"], pd.Index(styles, name="style"))
    return table


def by_platform(posts: pd.DataFrame, column: str = "likes",
                styles: Sequence[str] = COMPARED) -> pd.DataFrame:
    """:func:`style_summary` within each platform: one row per (platform, style), every platform
    of the slice and every style listed (n = 0 where a style was not posted there)."""
    styles = _styles(posts, styles)
    _require(posts, column, "followers", "platform")
    chosen = posts[posts["style"].astype(str).isin(styles)]
    if chosen.empty:
        raise SliceError(f"this slice has no {' or '.join(styles)} posts: widen the dates "
                         "or compare other styles")
    present = [p for p in PLATFORMS if p in set(chosen["platform"].astype(str))]
    index = pd.MultiIndex.from_product([present, styles], names=["platform", "style"])
    return _summarise(chosen, column, ["platform", "style"], index)


def platform_mix(posts: pd.DataFrame, styles: Sequence[str] = COMPARED) -> pd.DataFrame:
    """For each style (rows), the fraction of its posts on each platform (columns; rows sum to 1).
    A style with no post in the slice has a row of ``nan``."""
    styles = _styles(posts, styles)
    _require(posts, "platform")
    chosen = posts[posts["style"].astype(str).isin(styles)]
    counts = pd.crosstab(chosen["style"].astype(str), chosen["platform"].astype(str))
    counts = counts.reindex(index=styles, columns=list(PLATFORMS), fill_value=0)
    totals = counts.sum(axis=1).replace(0, np.nan)
    mix = counts.div(totals, axis=0)
    mix.index.name, mix.columns.name = "style", "platform"
    return mix


def leader(table: pd.DataFrame, measure: str = "per_post") -> str | None:
    """The style with the highest ``measure`` in a :func:`style_summary` table (None if no style
    has a value)."""
    if measure not in MEASURES:
        raise SliceError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    values = table[measure].dropna()
    return None if values.empty else str(values.idxmax())


def platform_leaders(posts: pd.DataFrame, column: str = "likes", measure: str = "per_1000_followers",
                     styles: Sequence[str] = COMPARED) -> pd.Series:
    """The leading style on each platform where every listed style has at least one post."""
    table = by_platform(posts, column, styles)
    if measure not in MEASURES:
        raise SliceError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    found = {}
    for platform, part in table.groupby(level="platform", sort=False):
        part = part.droplevel("platform")
        if (part["posts"] > 0).all():
            found[platform] = str(part[measure].idxmax())
    return pd.Series(found, name="leader", dtype=object).rename_axis("platform")


def majority_leader(posts: pd.DataFrame, column: str = "likes", measure: str = "per_1000_followers",
                    styles: Sequence[str] = COMPARED) -> str | None:
    """The style that leads on most platforms (None on a tie or if no platform has every style)."""
    counts = platform_leaders(posts, column, measure, styles).value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return None
    return str(counts.index[0])


def platform_contributions(posts: pd.DataFrame, column: str = "likes", measure: str = "per_post",
                           styles: Sequence[str] = COMPARED) -> pd.DataFrame:
    """How much each platform's posts add to each style's mean: rows are styles, columns
    platforms, and each row sums to the style's mean ``measure`` (a platform's posts' total
    divided by all of the style's posts)."""
    if measure not in MEASURES:
        raise SliceError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    styles = _styles(posts, styles)
    _require(posts, column, "followers", "platform")
    chosen = posts[posts["style"].astype(str).isin(styles)]
    values = chosen[column].astype(float) if measure == "per_post" else per_thousand_followers(chosen, column)
    frame = pd.DataFrame({"style": chosen["style"].astype(str).to_numpy(),
                          "platform": chosen["platform"].astype(str).to_numpy(),
                          "value": values.to_numpy()})
    sums = frame.pivot_table(index="style", columns="platform", values="value", aggfunc="sum",
                             fill_value=0.0, observed=True)
    sums = sums.reindex(index=styles, columns=list(PLATFORMS), fill_value=0.0)
    n = frame.groupby("style").size().reindex(styles).replace(0, np.nan)
    out = sums.div(n, axis=0)
    out.index.name, out.columns.name = "style", "platform"
    return out


def pooling_reverses(posts: pd.DataFrame, column: str = "likes", measure: str = "per_1000_followers",
                     styles: Sequence[str] = COMPARED) -> bool:
    """True when the style that leads with every platform pooled is not the one that leads on
    most platforms (Simpson's paradox between the pooled and the within-platform answer)."""
    pooled = leader(style_summary(posts, column, styles), measure)
    within = majority_leader(posts, column, measure, styles)
    return pooled is not None and within is not None and pooled != within


def standardised(posts: pd.DataFrame, column: str = "likes", measure: str = "per_1000_followers",
                 styles: Sequence[str] = COMPARED, mix_of: str | None = None) -> pd.Series:
    """Each style's mean ``measure`` had its posts been spread over the platforms like the posts
    of style ``mix_of`` (default: the first style): the style's mean on each platform, weighted
    by one common platform mix (direct standardisation). Only platforms where every listed style
    has a post count; their weights are rescaled to sum to 1. ``nan`` if there is no such platform.

    Where the pooled means and these disagree, the pooled difference is the platform mix."""
    if measure not in MEASURES:
        raise SliceError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
    styles = _styles(posts, styles)
    mix_of = styles[0] if mix_of is None else str(mix_of)
    if mix_of not in styles:
        raise SliceError(f"mix_of {mix_of!r} is not one of the compared styles: {', '.join(styles)}")
    table = by_platform(posts, column, styles)
    means = table[measure].unstack("style").reindex(columns=styles)
    counts = table["posts"].unstack("style").reindex(columns=styles)
    shared = counts.index[(counts > 0).all(axis=1)]
    weights = counts.loc[shared, mix_of].astype(float)
    if weights.sum() == 0:
        return pd.Series(np.nan, index=pd.Index(styles, name="style"), name=measure)
    weights = weights / weights.sum()
    out = means.loc[shared].mul(weights, axis=0).sum(axis=0)
    out.index.name, out.name = "style", measure
    return out


def pooled_lead_is_mix(posts: pd.DataFrame, column: str = "likes", measure: str = "per_1000_followers",
                       styles: Sequence[str] = COMPARED) -> bool:
    """True when the pooled answer is the platform mix and nothing else (Simpson's paradox):

    * the style that leads with every platform pooled is not the one that leads on **every**
      platform where every style has a post (at least two such platforms), and
    * weighted to a common platform mix (each style's mix in turn, :func:`standardised`), the
      platforms' leader leads too.
    """
    pooled = leader(style_summary(posts, column, styles), measure)
    leaders = platform_leaders(posts, column, measure, styles)
    if pooled is None or len(leaders) < 2 or leaders.nunique() != 1:
        return False
    within = str(leaders.iloc[0])
    if within == pooled:
        return False
    styles = _styles(posts, styles)
    return all(str(standardised(posts, column, measure, styles, mix_of=s).idxmax()) == within
               for s in styles)
