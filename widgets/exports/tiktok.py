"""TikTok Studio: Content.csv from the analytics download (a zip of CSV files).

**Dates without a year.** "Post time" gives a day and a month in the interface's language
("Jul 14", "14 juil.", "14. Juli", "7月14日"), never a year. TikTok Studio's download covers at
most the last 365 days before it was made, so each date is given the latest year that does not
put it after the day of the download (``as_of``): with ``as_of`` = 10 March 2026, "Dec 28" is
28 Dec 2025 and "Jan 5" is 5 Jan 2026. By default ``as_of`` is the date stored in the zip for
Content.csv (when TikTok wrote it), else the file's last-modified date; a copy made later moves
that date, so pass ``as_of=`` (the day you downloaded the export) when you know it. Numeric
dates without a month name ("07/14") are refused: day and month cannot be told apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from widgets.data import FORMATS
from widgets.exports._base import (
    Context,
    Field,
    Reader,
    fail_first,
    id_from_link,
    norm,
    show,
    strip_accents,
)

_MONTH_NAMES = {
    1: "jan january janv janvier januar ene enero janeiro gen gennaio januari",
    2: "feb february fev fevr fevrier februar febrero fevereiro febbraio februari",
    3: "mar march mars marz maerz marzo marco mrt maart",
    4: "apr april avr avril abr abril aprile",
    5: "may mai mayo maio mag maggio mei",
    6: "jun june juin juni junio junho giu giugno",
    7: "jul july juil juillet juli julio julho lug luglio",
    8: "aug august aout ago agosto augustus",
    9: "sep sept september septembre septiembre setiembre set setembro settembre",
    10: "oct october okt oktober octubre out outubro ott ottobre",
    11: "nov november novembre noviembre novembro",
    12: "dec december dez dezember dic diciembre dezembro dicembre",
}
#: Month words of English, French, German, Spanish, Portuguese, Italian and Dutch, accent-free.
MONTHS: dict[str, int] = {w: m for m, words in _MONTH_NAMES.items() for w in words.split()}
_CJK = re.compile(r"(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap]\.?m\.?)?", re.I)
_WORD = re.compile(r"[a-z]+")
#: Words a date may hold besides its month: "14 de jul.", "Tue, Jul 14", "10:30 pm".
_FILLER = frozenset("de del of the am pm a m p mon tue wed thu fri sat sun monday tuesday "
                    "wednesday thursday friday saturday sunday".split())
_NUMBER = re.compile(r"\d{1,4}")


def parse_day_month(value: str) -> tuple[int, int, int, int] | None:
    """(month, day, hour, minute) of a year-less date such as "Jul 14" or "14. Juli 10:30"."""
    s = strip_accents(value.strip().lower())
    hour = minute = 0
    t = _TIME.search(s)
    if t:
        hour, minute = int(t.group(1)), int(t.group(2))
        if t.group(3):
            pm = t.group(3).startswith("p")
            hour = hour % 12 + (12 if pm else 0)
        s = s[: t.start()] + " " + s[t.end():]
    cjk = _CJK.search(value)
    if cjk:
        month, day = int(cjk.group(1)), int(cjk.group(2))
    else:
        words = _WORD.findall(s)
        if any(w not in MONTHS and w not in _FILLER for w in words):
            return None  # "2 days ago" is not 2 August
        months = [MONTHS[w] for w in words if w in MONTHS]
        numbers = [int(n) for n in _NUMBER.findall(s)]
        if len(months) != 1 or len(numbers) != 1:
            return None
        month, day = months[0], numbers[0]
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60):
        return None
    return month, day, hour, minute


def infer_year(month: int, day: int, as_of: date) -> int | None:
    """The latest year in which month/day exists and is not after ``as_of``."""
    for year in range(as_of.year, as_of.year - 8, -1):
        try:
            d = date(year, month, day)
        except ValueError:  # 29 February in a common year, or 31 April
            continue
        if d <= as_of:
            return year
    return None


class Content(Reader):
    """Content.csv: Time, Video title, Video link, Post time, Total likes, Total comments,
    Total shares, Total views. UTF-8 with BOM; dates without a year; "undefined" for no value."""

    key = "tiktok"
    platform = "tiktok"
    title = "TikTok Studio content export (Content.csv)"
    short = "Studio's Content.csv or its zip"
    where = "TikTok Studio, Analytics, Download data: a zip; the course reads its Content.csv"
    signature = (("Video title",), ("Video link",), ("Post time",), ("Total likes",),
                 ("Total comments",), ("Total shares",), ("Total views",))
    fields = (
        Field("posted_at", ("Post time",), "date", required=True),
        Field("text", ("Video title",), "text"),
        Field("impressions", ("Total views",), "count", required=True),
        Field("likes", ("Total likes",), "count"),
        Field("comments", ("Total comments",), "count"),
        Field("shares", ("Total shares",), "count"),
        Field("permalink", ("Video link",), "url", required=True),
    )
    why_missing = {"reach": "TikTok's Content.csv has views but no reach per video",
                   "clicks": "TikTok's Content.csv has no clicks per video"}

    def sibling(self, header: Sequence[str]) -> str | None:
        names = {norm(h) for h in header}
        if {"date", "video views", "profile views"} <= names:
            return ("This is TikTok Studio's Overview.csv (totals per day): load Content.csv "
                    "from the same download, or the whole zip.")
        return None

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        if ctx.as_of is None:
            raise ctx.error("TikTok's dates have no year, and the day of the download is "
                            "unknown: pass as_of='YYYY-MM-DD' (the day you downloaded it).")
        as_of = ctx.as_of.date()
        v = s.str.strip()
        empty = v.str.lower().isin(["", "-", "undefined"]).to_numpy()
        parsed = [None if e else parse_day_month(x) for x, e in zip(v, empty, strict=True)]
        bad = np.array([p is None and not e for p, e in zip(parsed, empty, strict=True)])
        numeric = bool(bad.any()) and bool(v[bad].str.fullmatch(r"\d{1,2}\D\d{1,2}").any())
        fail_first(ctx, header, s, rows, bad,
                   "has no month name, so day and month cannot be told apart" if numeric else
                   "is not a day and month the course can read (for example 'Jul 14')")
        out = []
        for (x, p) in zip(v, parsed, strict=True):
            if p is None:
                out.append(pd.NaT)
                continue
            month, day, hour, minute = p
            year = infer_year(month, day, as_of)
            if year is None:  # pragma: no cover - 31 Feb and the like fail parse_day_month
                raise ctx.error(f"column '{header}': {show(x)} is not a real date.",
                                column=header)
            out.append(pd.Timestamp(year, month, day, hour, minute))
        t = pd.Series(pd.to_datetime(pd.Series(out, dtype="object")), dtype="datetime64[us]")
        years = sorted({d.year for d in t.dropna()})
        ctx.estimated["posted_at"] = (
            f"'{header}' has no year: each date was given the latest year that does not put "
            f"it after {as_of:%d %b %Y} ({ctx.as_of_source}), giving "
            f"{' and '.join(str(y) for y in years) or 'no dates'}; pass as_of= if you "
            "downloaded the export on another day")
        if empty.any():
            ctx.notes.append(f"{int(empty.sum())} post(s) have no date in '{header}'.")
        if t.notna().any() and (t.dropna() == t.dropna().dt.normalize()).all():
            ctx.notes.append(f"'{header}' gives the day only: posted_at is midnight of that day.")
        return t

    def read(self, ctx: Context):  # type: ignore[override]
        frame, raw = super().read(ctx)
        ctx.found.pop("posted_at", None)  # the year is estimated: reported under .estimated
        views = ctx.found.pop("impressions", None)
        if views:
            ctx.estimated["impressions"] = (
                f"TikTok's '{views}' (a view counts each time the video starts playing): "
                "TikTok gives no count of the times a video was shown, and plays are the "
                "nearest it gives")
        return frame, raw

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        frame["post_id"] = id_from_link(ctx, ctx.found["permalink"], frame["permalink"],
                                        r"/video/(\d+)", "video number")
        frame["format"] = pd.Series(pd.Categorical(["video"] * len(raw),
                                                   categories=list(FORMATS)))
        ctx.derived["format"] = "every TikTok post is a video"


READERS = (Content(),)
