"""Load the course's datasets by name, checked and correctly typed.

>>> from widgets import data
>>> data.names()                      # every dataset the course ships
>>> posts = data.load("posts")        # a pandas DataFrame with declared dtypes

Every dataset is a CSV file in ``datasets/`` (next to this package). ``load`` validates the file
(columns, types, ranges, unique ids, links to other files) and raises :class:`DatasetError` with a
plain-words message naming the file, the column and the first bad row when something is wrong.
The loader only reads: it never writes to or changes a file.

The data are SYNTHETIC (see datasets/README.md), except ``trust_sources``, a small table of
published survey figures, and two real public datasets (not generated):
``facebook_metrics`` (500 posts of a cosmetics brand's Facebook page; Moro, Rita & Vala, 2016;
CC BY 4.0) and ``airline_tweets`` (14,640 tweets to six US airlines with people's sentiment
labels, personal details in the texts redacted; Crowdflower, February 2015; CC BY-NC-SA 4.0:
those terms bind that file, not the course's code). Real files are not made by
``datasets/generate.py`` (their schema says ``published=True``), and they are checked more
strictly than the course's own files: their separator, their exact header line and digits-only
whole numbers, so that a spreadsheet's re-save (commas for semicolons, renamed headers, numbers
rounded to 1.8E+05) is rejected with the file, the column and the row named, never silently read.

Your own platform export (X, Facebook, Instagram, LinkedIn, TikTok, YouTube) is loaded with
:func:`load_export`, which lives in ``widgets.exports`` and is re-exported here:

>>> mine = data.load_export("my-data/Content.csv")   # read locally; nothing is written or sent
>>> mine.frame                                        # the posts, in the course's columns
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import io
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # the export readers are imported when load_export is first called
    from widgets.exports import LoadedExport

__all__ = ["DatasetError", "ExportError", "load", "load_export", "names", "published", "path",
           "schema", "DEFAULT_FOLDER"]

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "datasets"
ENV_FOLDER = "COURSE_DATASETS_DIR"
_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DATE_FORMAT = "%Y-%m-%d"
_DATETIME_TZ_FORMAT = "%Y-%m-%d %H:%M:%S %z"
_DATETIME_TZ_PATTERN = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}"
_SCIENTIFIC = r"\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*"


class DatasetError(ValueError):
    """A dataset file is missing or does not match what the course expects.

    Attributes ``file``, ``column`` and ``row`` (1-based data row; the file line is ``row + 1``;
    row 0 is the header line) say where, when known. In Jupyter only the message is shown, never
    a traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 row: int | None = None) -> None:
        super().__init__(message)
        self.file, self.column, self.row = file, column, row

    def _render_traceback_(self) -> list[str]:
        published = {f"{n}.csv" for n, sch in SCHEMAS.items() if sch.published}
        if self.file in published:
            return [f"DatasetError: {self}",
                    f"(The course's copy can be restored with: git checkout -- datasets/{self.file})"]
        return [f"DatasetError: {self}",
                "(The course files can be restored with: python datasets/generate.py)"]


class ExportError(DatasetError):
    """An analytics export (the learner's own file) that :func:`load_export` cannot read.

    The message starts with the file's name; ``column`` is the export's own header when one
    column is at fault, and ``row`` the row as a spreadsheet program numbers it (the file's
    first line is row 1). The file is never changed; in Jupyter only the message is shown.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"ExportError: {self}", "(The course only read the file: it was not changed.)"]


def load_export(path: str | os.PathLike, *, platform: str | None = None,
                as_of: str | date | datetime | None = None,
                followers: int | None = None) -> LoadedExport:
    """Load your own analytics export (a platform's CSV, .xls or .zip) into the posts columns.

    Returns a ``LoadedExport``: ``.frame`` (one row per post: post_id, platform, posted_at, ...
    as far as the export gives them) and a report (``.describe()``, ``.missing``, ``.notes``).
    The file is read locally and never changed; nothing is written or uploaded. Raises
    ``ExportError`` (a DatasetError) naming the file, the platforms supported and the header
    found when it cannot read it. Full documentation: ``help(widgets.exports.load_export)``.
    """
    from widgets.exports import load_export as _load_export

    return _load_export(path, platform=platform, as_of=as_of, followers=followers)


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # str, int, float, bool, datetime, datetime_tz, date, category
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    categories: tuple[str, ...] = ()
    ordered: bool = False
    digits: int | None = None  # str only: every value is exactly this many digits (an id)
    header: str | None = None  # the column's name in the file, when it differs from ``name``

    @property
    def in_file(self) -> str:
        """The column's name in the file's header line."""
        return self.header or self.name

    def where(self) -> str:
        """How messages name the column: its header, and what the loader calls it if different."""
        if self.header and self.header != self.name:
            return f"column '{self.header}' (loaded as '{self.name}')"
        return f"column '{self.name}'"


@dataclass(frozen=True)
class Schema:
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()
    links: tuple[tuple[str, str, str], ...] = ()  # (column, other dataset, other column)
    sep: str = ","
    #: A real, published file (not made by datasets/generate.py): its header line must
    #: be exactly the published one, in order, and whole numbers must be plain digits.
    published: bool = False


PLATFORMS = ("facebook", "instagram", "x", "tiktok")
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
INCOME_BANDS = ("low", "mid", "mid-upper", "high")
REGIONS = ("north", "centre", "south", "east", "west")
STYLES = ("broadcast", "question", "reply", "user_content", "behind_the_scenes")
FORMATS = ("text", "image", "video", "carousel", "link")
CHANNELS = ("tv", "radio", "print", "outdoor", "display", "search")
THEMES = ("price_promo", "quality_origin", "convenience", "sustainability", "ritual_moments")
NEEDS = ("price", "quality", "convenience", "sustainability", "community", "novelty")
#: The real airline tweets (lesson 05): airlines and negative reasons in the published counts' order.
AIRLINES = ("United", "US Airways", "American", "Southwest", "Delta", "Virgin America")
SENTIMENTS = ("negative", "neutral", "positive")
NEGATIVE_REASONS = ("Customer Service Issue", "Late Flight", "Can't Tell", "Cancelled Flight",
                    "Lost Luggage", "Bad Flight", "Flight Booking Problems",
                    "Flight Attendant Complaints", "longlines", "Damaged Luggage")


def _s(name, **kw):
    return Col(name, "str", **kw)


def _i(name, lo=0, hi=None, **kw):
    return Col(name, "int", min=lo, max=hi, **kw)


def _f(name, lo=None, hi=None, **kw):
    return Col(name, "float", min=lo, max=hi, **kw)


def _c(name, cats, ordered=False, **kw):
    return Col(name, "category", categories=tuple(cats), ordered=ordered, **kw)


def _b(name, **kw):
    return Col(name, "bool", **kw)


def _t(name, **kw):
    return Col(name, "datetime", **kw)


_POST_COLS = (_s("post_id"), _c("platform", PLATFORMS), _t("posted_at"), _c("format", FORMATS),
              _c("style", STYLES), _s("text"), _i("followers"), _i("impressions"), _i("reach"),
              _i("likes"), _i("comments"), _i("shares"))

#: Post types on the real Facebook page (Moro, Rita & Vala, 2016), most common first.
FB_TYPES = ("Photo", "Status", "Link", "Video")


def _fb(name, header, kind="int", **kw):
    lo = kw.pop("lo", 0)
    if kind == "int":
        return Col(name, "int", min=lo, max=kw.pop("hi", None), header=header, **kw)
    if kind == "category":
        return Col(name, "category", categories=FB_TYPES, header=header, **kw)
    return Col(name, kind, header=header, **kw)


FACEBOOK_METRICS = Schema((
    _fb("page_total_likes", "Page total likes"),
    _fb("type", "Type", "category"),
    _fb("category", "Category", lo=1, hi=3),
    _fb("post_month", "Post Month", lo=1, hi=12),
    _fb("post_weekday", "Post Weekday", lo=1, hi=7),
    _fb("post_hour", "Post Hour", lo=0, hi=23),
    _fb("paid", "Paid", "bool", nullable=True),
    _fb("reach", "Lifetime Post Total Reach"),
    _fb("impressions", "Lifetime Post Total Impressions"),
    _fb("engaged_users", "Lifetime Engaged Users"),
    _fb("post_consumers", "Lifetime Post Consumers"),
    _fb("post_consumptions", "Lifetime Post Consumptions"),
    _fb("impressions_by_page_likers",
        "Lifetime Post Impressions by people who have liked your Page"),
    _fb("reach_by_page_likers", "Lifetime Post reach by people who like your Page"),
    _fb("engaged_page_likers",
        "Lifetime People who have liked your Page and engaged with your post"),
    _fb("comments", "comment"),
    _fb("likes", "like", nullable=True),
    _fb("shares", "share", nullable=True),
    _fb("total_interactions", "Total Interactions"),
), sep=";", published=True)

SCHEMAS: dict[str, Schema] = {
    "campaigns": Schema((
        _s("campaign_id"), _s("name"), _i("year", 1990, 2100), _c("channel", CHANNELS),
        _c("target_age_band", AGE_BANDS, True), _c("target_income_band", INCOME_BANDS, True),
        _c("target_region", REGIONS + ("all",)), _c("message_theme", THEMES),
        _f("spend_usd", 0), _i("impressions"), _i("reach"), _f("frequency", 0), _i("clicks"),
        _i("conversions"), _f("recall_pct", 0, 100)), key=("campaign_id",)),
    "campaign_results": Schema((
        _s("campaign_id"), _c("age_band", AGE_BANDS, True),
        _c("income_band", INCOME_BANDS, True), _c("region", REGIONS), _b("in_target"),
        _f("population_share", 0, 1), _i("impressions"), _i("clicks"), _i("conversions")),
        key=("campaign_id", "age_band", "income_band", "region"),
        links=(("campaign_id", "campaigns", "campaign_id"),)),
    "survey": Schema((
        _s("respondent_id"), _c("age_band", AGE_BANDS, True),
        _c("income_band", INCOME_BANDS, True), _c("region", REGIONS),
        *(_i(f"need_{n}", 0, 10) for n in NEEDS), _c("top_need", NEEDS),
        _c("usual_brand", ("copperpot", "beanhouse", "store_brand", "other")),
        _i("cups_per_week")), key=("respondent_id",)),
    "exposure": Schema((
        _s("person_id"), Col("day", "date"), _i("messages_seen"), _f("relevance", 0, 1),
        _i("max_repeats"), _i("messages_noticed"), _f("attention_pct", 0, 100), _i("recall"),
        _f("trust", 0, 10)), key=("person_id", "day")),
    "trust_sources": Schema((
        _s("source"), _f("pct_trusting", 0, 100), _i("year", 1990, 2100), _s("citation"),
        _b("real_data")), key=("source", "year")),
    "posts": Schema(_POST_COLS + (_i("clicks"),), key=("post_id",)),
    "comments": Schema((
        _s("comment_id"), _s("post_id"), _s("author_id"), _t("commented_at"), _s("text"),
        _b("is_brand"), _s("parent_id", nullable=True), _b("brand_replied", nullable=True)),
        key=("comment_id",), links=(("post_id", "posts", "post_id"),
                                    ("parent_id", "comments", "comment_id"))),
    "mentions": Schema((
        _s("mention_id"),
        _c("platform", ("x", "facebook", "instagram", "tiktok", "reviews", "forums")),
        _t("mentioned_at"), _s("author_id"), _s("text"),
        _c("topic", ("taste", "price", "delivery", "app", "staff", "sustainability")),
        _c("kind", ("praise", "complaint", "question", "request", "news")),
        _c("intended_sentiment", ("negative", "neutral", "positive"), True)),
        key=("mention_id",)),
    # REAL: 14,640 tweets (Crowdflower, Feb 2015). tweet_id is NOT a key: the published file
    # repeats 155 ids (each twice, labelled twice); widgets.models.listening.distinct_tweets keeps one.
    "airline_tweets": Schema((
        Col("tweet_id", "str", digits=18), _c("airline_sentiment", SENTIMENTS, True),
        _f("airline_sentiment_confidence", 0, 1),
        _c("negativereason", NEGATIVE_REASONS, nullable=True),
        _f("negativereason_confidence", 0, 1, nullable=True), _c("airline", AIRLINES),
        _i("retweet_count"), _s("text"), Col("tweet_created", "datetime_tz")),
        published=True),
    "support_threads": Schema((
        _s("thread_id"), _c("platform", PLATFORMS), _t("opened_at"),
        _c("issue_type", ("late_delivery", "damaged_order", "app_login", "payment", "refund",
                          "product_question", "subscription", "cafe_experience")),
        _f("first_response_minutes", 0, nullable=True),
        _c("reply_style", ("none", "template", "personal")), _b("resolved"),
        _f("sentiment_before", -1, 1), _f("sentiment_after", -1, 1),
        _b("purchased_within_90d"), _f("later_spend_usd", 0)), key=("thread_id",)),
    "ideas": Schema((
        _s("idea_id"), _s("author_id"), _t("submitted_at"), _s("title"),
        _c("category", ("flavours", "app", "packaging", "sustainability", "cafe", "loyalty")),
        _i("votes"),
        _c("status", ("new", "under_review", "planned", "implemented", "declined")),
        _b("implemented")), key=("idea_id",)),
    "interactions": Schema((
        _s("source_author"), _s("target_author"), _t("at"),
        _c("channel", PLATFORMS + ("community",)), _c("context", ("comment_reply", "forum")))),
    "health_posts": Schema(_POST_COLS + (_i("booking_clicks"), _i("bookings")),
                           key=("post_id",)),
    "health_questions": Schema((
        _s("question_id"), _s("post_id", nullable=True), _c("platform", PLATFORMS),
        _t("asked_at"), _s("author_id"),
        _c("topic", ("side_effects", "where_when", "cost", "eligibility", "myths", "children")),
        _s("text"), _b("answered"), _f("response_minutes", 0, nullable=True)),
        key=("question_id",), links=(("post_id", "health_posts", "post_id"),)),
    "facebook_metrics": FACEBOOK_METRICS,
}


def names() -> list[str]:
    """The names of every dataset, in the order the lessons use them."""
    return list(SCHEMAS)


def published() -> list[str]:
    """The real, published datasets, which datasets/generate.py does not make."""
    return [n for n, sch in SCHEMAS.items() if sch.published]


def _folder(folder: str | os.PathLike | None) -> Path:
    if folder is not None:
        return Path(folder)
    env = os.environ.get(ENV_FOLDER)
    return Path(env) if env else DEFAULT_FOLDER


def _check_name(name: str) -> None:
    if name not in SCHEMAS:
        near = difflib.get_close_matches(str(name), SCHEMAS, n=1)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        raise DatasetError(f"There is no dataset called '{name}'.{hint} "
                           f"Choose one of: {', '.join(SCHEMAS)}.")


def path(name: str, folder: str | os.PathLike | None = None) -> Path:
    """The CSV file behind dataset ``name``."""
    _check_name(name)
    return _folder(folder) / f"{name}.csv"


def schema(name: str) -> pd.DataFrame:
    """One row per column of dataset ``name``: its name in the file, dtype, whether it may be
    empty, its range and allowed values."""
    _check_name(name)
    rows = []
    for c in SCHEMAS[name].columns:
        rng = "" if c.min is None and c.max is None else f"{c.min} .. {c.max}"
        rows.append({"column": c.name, "in_file": c.in_file, "dtype": _dtype_name(c),
                     "can_be_empty": c.nullable, "range": rng.replace("None", ""),
                     "values": ", ".join(c.categories)})
    return pd.DataFrame(rows)


def _dtype_name(c: Col) -> str:
    return {"str": "str", "int": "Int64" if c.nullable else "int64", "float": "float64",
            "bool": "boolean" if c.nullable else "bool", "datetime": "datetime64",
            "datetime_tz": "datetime64 with its UTC offset", "date": "datetime64",
            "category": "category"}[c.kind]


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def load(name: str, folder: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load dataset ``name`` as a checked, typed DataFrame (a fresh copy on every call).

    ``folder`` (or the environment variable COURSE_DATASETS_DIR) points at another folder of
    CSV files; by default the course's ``datasets/`` folder is used.
    Raises :class:`DatasetError` if the file is missing or not as the course expects.
    """
    file = path(name, folder)
    try:
        st = file.stat()
    except FileNotFoundError:
        raise DatasetError(f"{file.name}: the file is missing (looked for {file}).",
                           file=file.name) from None
    if not file.is_file():
        raise DatasetError(f"{file.name}: {file} is not a file.", file=file.name)
    return _load_cached(name, str(file), st.st_mtime_ns, st.st_size).copy()


@functools.lru_cache(maxsize=64)
def _load_cached(name: str, file: str, mtime_ns: int, size: int) -> pd.DataFrame:
    p = Path(file)
    df = _parse(name, p)
    for col, other, other_col in SCHEMAS[name].links:
        _check_link(p, df, col, name, other, other_col)
    return df


#: The text of each file being parsed (by file name), so that an error can name the line where a
#: row starts even when quoted fields hold line breaks (the airline tweets do). Parse-time only.
_PARSING: dict[str, str] = {}


def _line_of(text: str, row: int) -> int:
    """The line of ``text`` on which data row ``row`` (1-based) starts, quoted line breaks counted."""
    reader = csv.reader(io.StringIO(text))
    for k, _record in enumerate(reader):
        if k == row - 1:  # the record just before data row ``row`` (the header for row 1)
            return reader.line_num + 1
    return row + 1


def _where(row: int, fname: str | None = None) -> str:
    text = _PARSING.get(fname or "")
    line = _line_of(text, row) if text is not None and '"' in text else row + 1
    return f"row {row} (line {line} of the file)"


def _show(v: object) -> str:
    s = str(v)
    return repr(s if len(s) <= 40 else s[:37] + "...")


def _decode(p: Path) -> str:
    raw = p.read_bytes()
    fname = p.name
    if not raw.strip():
        raise DatasetError(f"{fname}: the file is empty.", file=fname)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:2000]:
        raise DatasetError(f"{fname}: the file is not UTF-8 text (it looks like UTF-16). "
                           "Save it again as 'CSV UTF-8'.", file=fname)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise DatasetError(
            f"{fname}: the file is not UTF-8 text: byte 0x{raw[e.start]:02x} on line {line} "
            "cannot be read (was it saved as Latin-1 or Windows-1252?). "
            "Save it again as 'CSV UTF-8'.", file=fname, row=line - 1) from None


def _parse(name: str, p: Path) -> pd.DataFrame:
    text = _decode(p)
    _PARSING[p.name] = text
    try:
        return _parse_text(name, p.name, text)
    finally:
        _PARSING.pop(p.name, None)


def _parse_text(name: str, fname: str, text: str) -> pd.DataFrame:
    sch = SCHEMAS[name]
    if sch.published:
        _check_published_header(fname, sch, text)
    wanted = {c.in_file: c for c in sch.columns}
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sch.sep, dtype=str, keep_default_na=False,
                          na_filter=False, usecols=lambda c: c in wanted)
    except pd.errors.EmptyDataError:
        raise DatasetError(f"{fname}: the file is empty.", file=fname) from None
    except pd.errors.ParserError as e:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(e))
        if m:
            exp, line, saw = m.groups()
            sep = "semicolon" if sch.sep == ";" else "comma"
            raise DatasetError(
                f"{fname}: line {line} has {saw} fields but the header has {exp} "
                f"(a stray {sep} or quote?).", file=fname, row=int(line) - 1) from None
        raise DatasetError(f"{fname}: the file is not valid CSV ({e}).", file=fname) from None
    missing = [c for c in wanted if c not in raw.columns]
    if missing:
        header = text.splitlines()[0] if text.strip() else ""
        raise DatasetError(
            f"{fname}: column '{missing[0]}' is missing"
            + (f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + f". The header line reads: {header[:200]}", file=fname, column=missing[0])
    if raw.empty:
        raise DatasetError(f"{fname}: the file has a header line but no data rows.",
                           file=fname)
    if sch.published:
        for c in sch.columns:
            if c.kind == "int":
                _check_digits(fname, c, raw[c.in_file])
    out = {c.name: _convert(fname, c, raw[c.in_file]) for c in sch.columns}
    df = pd.DataFrame(out)
    if sch.key:
        _check_key(fname, df, list(sch.key))
    return df


_SEPARATORS = {",": "commas (',')", ";": "semicolons (';')", "\t": "tabs"}


def _check_published_header(fname: str, sch: Schema, text: str) -> None:
    """A published file's header line must be the published one: same separator, same names,
    same order. A spreadsheet's re-save usually changes one of the three."""
    import csv

    first = text.splitlines()[0] if text.strip() else ""
    expected = [c.in_file for c in sch.columns]
    fields = next(csv.reader([first], delimiter=sch.sep), [])
    if len(fields) <= 1 < len(expected):
        found = max((s for s in _SEPARATORS if s != sch.sep), key=first.count)
        if first.count(found):
            raise DatasetError(
                f"{fname}: line 1 (the header) is separated by {_SEPARATORS[found]}, but the "
                f"published file is separated by {_SEPARATORS[sch.sep]}, so column "
                f"'{expected[0]}' cannot be found. The file was probably re-saved by a "
                "spreadsheet: use the original file (datasets/README.md says where it comes "
                "from).", file=fname, column=expected[0], row=0)
    got = [f.strip() for f in fields]
    for i, want in enumerate(expected):
        have = got[i] if i < len(got) else None
        if have == want:
            continue
        if want not in got:
            if have is not None and have not in expected:
                what = (f"column {i + 1} of the header is '{have}', but the published file "
                        f"calls it '{want}': the headers were renamed")
            else:
                what = (f"column '{want}' (column {i + 1} of the published file) is missing: "
                        "a column was dropped or renamed")
        else:
            what = (f"column '{want}' should be column {i + 1} of the header, but it is column "
                    f"{got.index(want) + 1}: the columns were moved")
        raise DatasetError(f"{fname}: line 1 (the header): {what}. Use the original file "
                           "(datasets/README.md says where it comes from).",
                           file=fname, column=want, row=0)
    if len(got) > len(expected):
        raise DatasetError(
            f"{fname}: line 1 (the header) has a column the published file does not have: "
            f"'{got[len(expected)]}' (column {len(expected) + 1}).", file=fname,
            column=got[len(expected)], row=0)
    sep = "semicolon" if sch.sep == ";" else "comma" if sch.sep == "," else "separator"
    for line, fields in enumerate(csv.reader(io.StringIO(text), delimiter=sch.sep), start=1):
        if fields and len(fields) != len(expected):
            raise DatasetError(
                f"{fname}: line {line} has {len(fields)} fields but the header has "
                f"{len(expected)} (a stray {sep} or quote?).", file=fname, row=line - 1)


def _check_digits(fname: str, col: Col, s: pd.Series) -> None:
    """In a published file, a whole number is written in plain digits: '1.8E+05', '139441.0'
    or '139,441' mean a spreadsheet rewrote (and perhaps rounded) it."""
    text = s.str.strip()
    bad = (~text.str.fullmatch(r"-?\d+") & (text != "")).to_numpy()
    _fail(fname, col, s, bad, "is not written in plain digits as in the published file (a "
          "spreadsheet may have rounded or reformatted it)")


def _fail(fname: str, col: Col, s: pd.Series, bad: np.ndarray, what: str) -> None:
    idx = np.flatnonzero(bad)
    if len(idx) == 0:
        return
    i = int(idx[0])
    more = f" ({len(idx) - 1:,} more rows have the same problem)" if len(idx) > 1 else ""
    raise DatasetError(
        f"{fname}: {col.where()}, {_where(i + 1, fname)}: {_show(s.iat[i])} {what}.{more}",
        file=fname, column=col.in_file, row=i + 1)


def _convert(fname: str, col: Col, s: pd.Series) -> pd.Series:
    empty = (s.str.strip() == "").to_numpy()
    if not col.nullable and empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise DatasetError(f"{fname}: {col.where()}, {_where(i + 1, fname)}: the value is "
                           "empty, but this column must always have a value.",
                           file=fname, column=col.in_file, row=i + 1)
    k = col.kind
    if k == "str":
        if col.digits is not None:
            _check_id_digits(fname, col, s, empty)
        return s.where(~empty, None).astype("str") if col.nullable and empty.any() else s
    if k in ("int", "float"):
        num = pd.to_numeric(s.where(~empty, None), errors="coerce").to_numpy(dtype=float)
        word = "whole number" if k == "int" else "number"
        _fail(fname, col, s, np.isnan(num) & ~empty, f"is not a {word}")
        if k == "int":
            _fail(fname, col, s, ~np.isnan(num) & (num != np.round(num)),
                  "is not a whole number")
        _check_range(fname, col, s, num)
        if k == "float":
            return pd.Series(num, index=s.index, dtype="float64")
        if col.nullable:
            return pd.Series(pd.array(np.where(empty, 0, num).astype("int64"), dtype="Int64")
                             ).mask(empty)
        return pd.Series(num.astype("int64"), index=s.index)
    if k == "bool":
        low = s.str.strip().str.lower()
        val = low.map({"true": True, "false": False, "1": True, "0": False})
        _fail(fname, col, s, (val.isna().to_numpy() & ~empty),
              "is not true or false (write True or False)")
        if col.nullable:
            return val.astype("boolean")
        return val.astype(bool)
    if k in ("datetime", "date"):
        fmt = _DATETIME_FORMAT if k == "datetime" else _DATE_FORMAT
        t = pd.to_datetime(s, format=fmt, errors="coerce")
        retry = t.isna().to_numpy() & ~empty
        if retry.any():
            t2 = pd.to_datetime(s[retry], format="ISO8601", errors="coerce")
            t = t.astype(t2.dtype) if t2.dtype != t.dtype else t
            t[retry] = t2
        example = "2024-03-01 14:30:00" if k == "datetime" else "2024-03-01"
        _fail(fname, col, s, t.isna().to_numpy() & ~empty,
              f"is not a date{' and time' if k == 'datetime' else ''} "
              f"(expected the form {example})")
        return t
    if k == "datetime_tz":
        return _datetime_tz(fname, col, s, empty)
    if k == "category":
        _fail(fname, col, s, ~s.isin(col.categories).to_numpy() & ~empty,
              f"is not one of the allowed values ({', '.join(col.categories)})")
        cat = pd.Categorical(s.where(~empty, None), categories=list(col.categories),
                             ordered=col.ordered)
        return pd.Series(cat, index=s.index)
    raise AssertionError(f"unknown column kind {k}")  # pragma: no cover - schema bug


#: A column of ids is rejected when more than this share of them end in "000" (and it has at
#: least _ROUNDED_MIN_ROWS values): a spreadsheet rounded them to 15 significant digits.
_ROUNDED_SHARE, _ROUNDED_MIN_ROWS = 0.5, 10


def _check_id_digits(fname: str, col: Col, s: pd.Series, empty: np.ndarray) -> None:
    """Ids of exactly ``col.digits`` digits, read as text, that no spreadsheet has rounded."""
    n = col.digits
    ok = s.str.fullmatch(rf"\d{{{n}}}").to_numpy(dtype=bool, na_value=False)
    scientific = s.str.fullmatch(_SCIENTIFIC).to_numpy(dtype=bool, na_value=False)
    _fail(fname, col, s, scientific & ~empty,
          f"is an id written in scientific notation: a spreadsheet turned the {n}-digit ids into "
          "rounded numbers, so they no longer identify anything. Use the course's copy of the file, "
          "or open it as text, not as numbers")
    _fail(fname, col, s, ~ok & ~empty, f"is not an id of {n} digits (ids are read as text)")
    ends = s.str.endswith("000").to_numpy(dtype=bool, na_value=False) & ~empty
    filled = int((~empty).sum())
    if filled >= _ROUNDED_MIN_ROWS and ends.sum() > _ROUNDED_SHARE * filled:
        i = int(np.flatnonzero(ends)[0])
        raise DatasetError(
            f"{fname}: column '{col.name}', {_where(i + 1, fname)}: {_show(s.iat[i])} and "
            f"{int(ends.sum()) - 1:,} more of the {filled:,} ids end in 000: a spreadsheet rounded "
            "them to 15 significant digits (genuine ids rarely end in 000). Use the course's copy "
            "of the file.", file=fname, column=col.name, row=i + 1)


def _datetime_tz(fname: str, col: Col, s: pd.Series, empty: np.ndarray) -> pd.Series:
    """"YYYY-MM-DD HH:MM:SS +hhmm" with its offset kept: the published form, strictly.

    A file where every value has the same offset gets that fixed offset as its time zone (the
    airline tweets: -0800, Pacific standard time); mixed offsets are converted to UTC.
    """
    example = "2015-02-24 11:35:52 -0800"
    shape = s.str.fullmatch(_DATETIME_TZ_PATTERN).to_numpy(dtype=bool, na_value=False)
    _fail(fname, col, s, ~shape & ~empty,
          f"is not a date and time with its UTC offset (expected the form {example}); "
          "a spreadsheet may have rewritten the dates")
    t = pd.to_datetime(s.where(~empty, None), format=_DATETIME_TZ_FORMAT, utc=True, errors="coerce")
    _fail(fname, col, s, t.isna().to_numpy() & ~empty,
          f"is not a real date and time (expected the form {example})")
    offsets = pd.unique(s[~empty].str[-5:])
    if len(offsets) == 1:
        sign = -1 if offsets[0][0] == "-" else 1
        minutes = sign * (int(offsets[0][1:3]) * 60 + int(offsets[0][3:5]))
        t = t.dt.tz_convert(dt.timezone(dt.timedelta(minutes=minutes)))
    return t


def _check_range(fname: str, col: Col, s: pd.Series, num: np.ndarray) -> None:
    with np.errstate(invalid="ignore"):
        if col.min is not None:
            what = ("is negative, but it counts something and cannot be below 0"
                    if col.min == 0 else f"is below the smallest allowed value, {col.min:g}")
            _fail(fname, col, s, num < col.min, what)
        if col.max is not None:
            _fail(fname, col, s, num > col.max,
                  f"is above the largest allowed value, {col.max:g}")


def _check_key(fname: str, df: pd.DataFrame, key: list[str]) -> None:
    dup = df.duplicated(subset=key, keep=False).to_numpy()
    if not dup.any():
        return
    first_dup = int(np.flatnonzero(df.duplicated(subset=key).to_numpy())[0])
    rowkey = df.iloc[first_dup][key]
    same = np.flatnonzero((df[key] == rowkey.to_numpy()).all(axis=1).to_numpy())
    first = int(same[0])
    shown = ", ".join(_show(v) for v in rowkey)
    label = f"column '{key[0]}'" if len(key) == 1 else f"columns {', '.join(key)}"
    raise DatasetError(
        f"{fname}: {label}: {shown} appears more than once, in {_where(first + 1, fname)} and again "
        f"in {_where(first_dup + 1, fname)}. Each row must have its own "
        f"{'id' if len(key) == 1 else 'combination'}.",
        file=fname, column=key[0], row=first_dup + 1)


def _check_link(p: Path, df: pd.DataFrame, col: str, name: str, other: str,
                other_col: str) -> None:
    if other == name:
        ref = df[other_col]
    else:
        op = p.parent / f"{other}.csv"
        try:
            st = op.stat()
            ref = _load_cached(other, str(op), st.st_mtime_ns, st.st_size)[other_col]
        except (FileNotFoundError, DatasetError):
            return  # the other file reports its own problem when it is loaded
    vals = df[col]
    bad = (vals.notna() & ~vals.isin(ref)).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DatasetError(
            f"{p.name}: column '{col}', {_where(i + 1)}: {_show(vals.iat[i])} does not "
            f"match any {other_col} in {other}.csv.", file=p.name, column=col, row=i + 1)
