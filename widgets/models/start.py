"""Lesson 00: a small slice of the brand's posts for the warm-up questions."""

from __future__ import annotations

import pandas as pd

WARMUP_END = pd.Timestamp("2024-01-08")


def warmup_slice(posts: pd.DataFrame) -> pd.DataFrame:
    """The brand's posts of its first week (before 8 January 2024), oldest first."""
    first = posts[posts["posted_at"] < WARMUP_END].sort_values("posted_at", kind="stable")
    return first.reset_index(drop=True)


def comments_per_post(posts: pd.DataFrame) -> float:
    """Mean number of audience comments per post (Kaushik's conversation rate)."""
    if len(posts) == 0:
        return 0.0
    return float(posts["comments"].mean())


def top_style(posts: pd.DataFrame, column: str = "comments") -> str:
    """The post style with the highest mean ``column`` per post."""
    means = posts.groupby("style", observed=True)[column].mean()
    if means.empty:
        raise ValueError("there are no posts to compare")
    return str(means.idxmax())
