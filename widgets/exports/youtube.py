"""YouTube Studio: the advanced-mode "Table data.csv" (one row per video, metrics you chose)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from widgets.data import FORMATS
from widgets.exports._base import Context, Field, Reader, norm, parse_dates


def _snake(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower().replace("(%)", "")).strip("_")


class TableData(Reader):
    """YouTube Studio > Analytics > Advanced mode > Export current view > CSV: "Table data.csv".

    Content (the video id), Video title, Video publish time ("Apr 29, 2020"), Duration, then the
    metrics selected in Studio, e.g. Views, Watch time (hours), Subscribers, Impressions,
    Impressions click-through rate (%). Row 2 is a "Total" row; the CTR is in percent;
    Subscribers can be negative (a net change).
    """

    key = "youtube"
    platform = "youtube"
    title = "YouTube Studio table export ('Table data.csv')"
    short = "Studio's 'Table data.csv' or its zip"
    where = ("YouTube Studio, Analytics, Advanced mode, Export current view, Comma-separated "
             "values: the zip's 'Table data.csv'")
    signature = (("Content",), ("Video title",), ("Video publish time",), ("Duration",))
    fields = (
        Field("post_id", ("Content",), "id", required=True),
        Field("posted_at", ("Video publish time",), "date", required=True),
        Field("text", ("Video title",), "text"),
        Field("impressions", ("Impressions",), "count",
              notes=(("Impressions", "impressions: YouTube's thumbnail impressions (the "
                                     "times a video was shown), not views."),)),
        Field("likes", ("Likes",), "count"),
        Field("comments", ("Comments added",), "count"),
        Field("shares", ("Shares",), "count"),
        Field("views", ("Views",), "count"),
        Field("watch_time_hours", ("Watch time (hours)",), "number"),
        Field("subscribers", ("Subscribers",), "count"),
        Field("impressions_ctr", ("Impressions click-through rate (%)",), "percent"),
        Field("duration_sec", ("Duration",), "number"),
    )
    _sel = "in Studio's advanced mode before exporting"
    why_missing = {"reach": "YouTube Studio's table has no reach (different viewers shown a "
                            "video) per video",
                   "clicks": "YouTube reports no link clicks per video",
                   "impressions": f"the table has no 'Impressions' column (add the metric {_sel})",
                   "likes": f"the table has no 'Likes' column (add the metric {_sel})",
                   "comments": f"the table has no 'Comments added' column (add the metric {_sel})",
                   "shares": f"the table has no 'Shares' column (add the metric {_sel})"}

    def score(self, header: Sequence[str]) -> int:
        # "Chart data.csv" of the same download has these columns too, plus a Date per row
        return 0 if "date" in {norm(h) for h in header} else super().score(header)

    def sibling(self, header: Sequence[str]) -> str | None:
        if "date" in {norm(h) for h in header} and super().score(header) >= 3:
            return ("This is YouTube Studio's 'Chart data.csv' (one row per video per day): "
                    "load 'Table data.csv' from the same download, or the whole zip.")
        return None

    def skip_row(self, ctx: Context, cells: dict[str, str], first: bool) -> str | None:
        if cells.get("content", "").strip().casefold() == "total":
            return "YouTube's 'Total' row (the sum over every video)"
        return None

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        out = parse_dates(ctx, header, s, rows, ["%b %d, %Y", "%B %d, %Y"], "Apr 29, 2020")
        ctx.notes.append(f"'{header}' gives the day only: posted_at is midnight of that day.")
        return out

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        frame["format"] = pd.Series(pd.Categorical(["video"] * len(raw),
                                                   categories=list(FORMATS)))
        ctx.derived["format"] = "every YouTube post is a video"
        used = {norm(h) for h in ctx.found.values()} | {"content", "video title",
                                                         "video publish time", "duration"}
        kept = []
        for col in raw.columns:
            if norm(col) in used or _snake(col) in frame:
                continue
            v = raw[col].str.strip()
            num = pd.to_numeric(v.mask(v.isin(["", "-"])), errors="coerce")
            if num.notna().sum() == 0 or (num.isna() & ~v.isin(["", "-"])).any():
                continue
            name = _snake(col)
            values = num.to_numpy(dtype=float)
            if "(%)" in col:
                values = values / 100.0
            frame[name] = pd.Series(values, dtype="float64")
            ctx.found[name] = col
            kept.append(f"{name} ('{col}'{', percent / 100' if '(%)' in col else ''})")
            if (np.nan_to_num(values) < 0).any():
                ctx.negatives[name] = [rows[i] for i in np.flatnonzero(np.nan_to_num(values) < 0)]
        if kept:
            ctx.notes.append("Other metrics selected in Studio are kept as numbers: "
                             + ", ".join(kept) + ".")


READERS = (TableData(),)
