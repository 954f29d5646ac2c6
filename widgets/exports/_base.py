"""What every export reader shares: the error, the report, the reader base class, conversions.

A platform reader (``x.py``, ``meta.py``, ...) declares its layout: the headers that identify it
(``signature``), and a :class:`Field` per column it reads, with the header names it accepts.
:class:`Reader.read` does the rest the same way for every platform: it finds the columns, skips
description and "Total" rows, converts each column to one type (ids as text, counts as whole
numbers, rates as fractions, dates as pandas datetimes) and says, row by row, what it could not read.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from widgets.data import FORMATS, PLATFORMS, SCHEMAS, ExportError

#: The course's posts columns, in the order of ``datasets/posts.csv`` (datasets/README.md).
COURSE_COLUMNS: tuple[str, ...] = tuple(c.name for c in SCHEMAS["posts"].columns)
#: Every platform an export can come from (the course's four, then LinkedIn and YouTube).
EXPORT_PLATFORMS: tuple[str, ...] = PLATFORMS + ("linkedin", "youtube")
#: Cells that mean "no value": empty, "-" (X: not promoted), "undefined" (TikTok).
MISSING_TOKENS = frozenset({"", "-", "undefined"})

_E_NOTATION = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})")


def norm(header: object) -> str:
    """A header as the readers compare it: case-, accent-, space- and BOM-insensitive."""
    s = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "").replace("\u200b", "")
    return " ".join(s.strip().strip('"').split()).casefold()


def strip_accents(s: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))


def show(value: object, width: int = 40) -> str:
    s = str(value)
    return repr(s if len(s) <= width else s[: width - 3] + "...")


# ---------------------------------------------------------------------------------------------
# The table a file was read into, and what the readers know while reading it
# ---------------------------------------------------------------------------------------------
@dataclass
class Table:
    """A file's cells as text, one list per row, as a spreadsheet program would show them."""

    name: str                      # how messages name the file ("Content.csv in tiktok.zip")
    rows: list[list[str]]
    encoding: str                  # "UTF-8 with BOM", "UTF-16 LE", "Excel .xls", ...
    delimiter: str | None = None   # None for .xls
    quoted_header: bool = True
    modified: datetime | None = None   # when the file (or the zip entry) was last written
    notes: list[str] = field(default_factory=list)


@dataclass
class Context:
    """What one read collects: options, and the report it builds."""

    table: Table
    header_row: int                     # index into table.rows
    as_of: pd.Timestamp | None = None
    as_of_source: str = ""
    notes: list[str] = field(default_factory=list)
    found: dict[str, str] = field(default_factory=dict)      # frame column -> export header
    derived: dict[str, str] = field(default_factory=dict)    # course column -> how
    estimated: dict[str, str] = field(default_factory=dict)  # course column -> how
    negatives: dict[str, list[int]] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)    # row number -> why
    why: dict[str, str] = field(default_factory=dict)        # course column -> why it is missing

    @property
    def file(self) -> str:
        return self.table.name

    def error(self, message: str, *, column: str | None = None, row: int | None = None
              ) -> ExportError:
        return ExportError(f"{self.file}: {message}", file=self.file, column=column, row=row)


# ---------------------------------------------------------------------------------------------
# Fields and readers
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One column a reader takes from an export.

    ``target`` is the frame column (a course column such as ``likes``, or an extra such as
    ``engagement_rate``); ``headers`` the export headers it accepts, best first, matched
    case-insensitively; ``localised`` more accepted headers in other interface languages.
    ``kind`` is one of id, text, url, count, number, fraction, percent, date.
    ``notes`` maps a header to a caveat added to the report when that header is the one used.
    """

    target: str
    headers: tuple[str, ...]
    kind: str
    required: bool = False
    localised: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()

    def accepted(self) -> tuple[str, ...]:
        return self.headers + self.localised


class Reader:
    """One export layout. Subclasses set the class attributes and may override the hooks."""

    key: str = ""                       # "meta_facebook"
    platform: str = ""                  # one of EXPORT_PLATFORMS
    title: str = ""                     # "Meta Business Suite content export (Facebook)"
    short: str = ""                     # the title without the platform, for the list of layouts
    where: str = ""                     # how to download it, for messages and the README
    signature: tuple[tuple[str, ...], ...] = ()   # groups of headers that identify the layout
    fields: tuple[Field, ...] = ()
    why_missing: dict[str, str] = {}

    # ----- recognition ------------------------------------------------------------------------
    def score(self, header: Sequence[str]) -> int:
        """How many signature groups this header row has (0 when it is not this layout)."""
        have = {norm(h) for h in header}
        return sum(any(norm(h) in have for h in group) for group in self.signature)

    def min_score(self) -> int:
        return max(2, -(-len(self.signature) * 6 // 10))  # at least 60% of the signature

    def sibling(self, header: Sequence[str]) -> str | None:
        """A hint when ``header`` is another file of this platform's download (override)."""
        return None

    @property
    def a_title(self) -> str:
        """The title with its article: "an X ...", "a LinkedIn ..."."""
        return ("an " if self.title[:1] in "AEIOUX" else "a ") + self.title

    # ----- hooks ------------------------------------------------------------------------------
    def skip_row(self, ctx: Context, cells: dict[str, str], first: bool) -> str | None:
        """Why a data row is not a post (a description or "Total" row), or None to keep it."""
        return None

    def dates(self, ctx: Context, header: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
        """Parse the date column: per-platform formats (override)."""
        raise NotImplementedError

    def derive(self, ctx: Context, frame: dict[str, pd.Series], raw: pd.DataFrame,
               rows: Sequence[int]) -> None:
        """Add course columns computed from others (override; record them in ctx.derived)."""

    # ----- the read ---------------------------------------------------------------------------
    def read(self, ctx: Context) -> tuple[dict[str, pd.Series], pd.DataFrame]:
        table = ctx.table
        header = [str(h).replace("\ufeff", "").strip() for h in table.rows[ctx.header_row]]
        index = self._index(ctx, header)
        self._require(ctx, header, index)
        body, rows = self._body(ctx, header)
        if not body:
            raise ctx.error(f"the file has the header of {self.a_title} but no posts below it "
                            f"(the header is on row {ctx.header_row + 1}).")
        raw = pd.DataFrame(body, columns=_unique(header), index=pd.Index(rows, name="row"),
                           dtype="str")
        frame: dict[str, pd.Series] = {}
        localised: list[str] = []
        for f in self.fields:
            col = self._column_for(f, index)
            if col is None:
                continue
            name = header[col]
            s = pd.Series([r[col] for r in body], dtype="str")
            frame[f.target] = self.convert(ctx, f, name, s, rows)
            ctx.found[f.target] = name
            for h, note in f.notes:
                if norm(h) == norm(name):
                    ctx.notes.append(note)
            if norm(name) in {norm(h) for h in f.localised}:
                localised.append(f"'{name}' as '{f.headers[0]}'")
        if localised:
            ctx.notes.append("The column names are in another language; read "
                             + ", ".join(localised) + ".")
        self.derive(ctx, frame, raw, rows)
        return frame, raw

    def convert(self, ctx: Context, f: Field, name: str, s: pd.Series, rows: Sequence[int]
                ) -> pd.Series:
        kind = f.kind
        if kind == "id":
            return to_ids(ctx, name, s, rows)
        if kind in ("text", "url"):
            return to_text(s)
        if kind == "count":
            return to_counts(ctx, name, s, rows, f.target)
        if kind in ("number", "fraction", "percent"):
            return to_numbers(ctx, name, s, rows, f.target, percent=kind == "percent")
        if kind == "date":
            return self.dates(ctx, name, s, rows)
        raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover - reader bug

    # ----- helpers ----------------------------------------------------------------------------
    def _index(self, ctx: Context, header: list[str]) -> dict[str, int]:
        index: dict[str, int] = {}
        dups = []
        for i, h in enumerate(header):
            k = norm(h)
            if not k:
                continue
            if k in index:
                dups.append(h)
            else:
                index[k] = i
        if dups:
            shown = ", ".join(show(d, 80) for d in dict.fromkeys(dups))
            ctx.notes.append(f"Some column names appear twice ({shown}): the first of each is "
                             "read; all are kept in .raw.")
        return index

    def _column_for(self, f: Field, index: dict[str, int]) -> int | None:
        for h in f.accepted():
            if norm(h) in index:
                return index[norm(h)]
        return None

    def _require(self, ctx: Context, header: list[str], index: dict[str, int]) -> None:
        for f in self.fields:
            if f.required and self._column_for(f, index) is None:
                wanted = f.headers[0]
                near = difflib.get_close_matches(norm(wanted), list(index), n=1, cutoff=0.5)
                hint = ""
                if near:
                    hint = f" The closest header is {show(header[index[near[0]]])}."
                raise ctx.error(
                    f"this looks like {self.a_title}, but its column '{wanted}' is missing "
                    f"(row {ctx.header_row + 1} is the header).{hint} Was a column renamed or "
                    "deleted? Download the export again and load it without editing it.",
                    column=wanted, row=ctx.header_row + 1)

    def _body(self, ctx: Context, header: list[str]) -> tuple[list[list[str]], list[int]]:
        width = len(header)
        while width and not header[width - 1]:
            width -= 1  # trailing empty header cells (a trailing delimiter) are not columns
        body: list[list[str]] = []
        rows: list[int] = []
        first = True
        all_rows = ctx.table.rows
        keys = [norm(h) for h in header]
        last = len(all_rows) - 1
        while last > ctx.header_row and not any(str(c).strip() for c in all_rows[last]):
            last -= 1
        for i in range(ctx.header_row + 1, last + 1):
            cells = [str(c) for c in all_rows[i]]
            rownum = i + 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < width and ctx.table.delimiter is not None:
                where = f"row {rownum}" + (", the last row," if i == last else "")
                cut = (" The file seems cut off: download it again." if i == last else
                       " A line break or delimiter may have been removed.")
                raise ctx.error(
                    f"{where} has {len(cells)} cells but the header on row "
                    f"{ctx.header_row + 1} has {width}.{cut}", row=rownum)
            cells = (cells + [""] * width)[:width] if len(cells) < width else cells
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                raise ctx.error(
                    f"row {rownum} has {len(cells)} cells but the header on row "
                    f"{ctx.header_row + 1} has {width} (a stray delimiter or quote?).",
                    row=rownum)
            cells = cells[:width]
            if norm(cells[0]) == keys[0] and [norm(c) for c in cells] == keys[:width]:
                ctx.skipped[rownum] = "it repeats the header (two files pasted together?)"
                continue
            why = self.skip_row(ctx, dict(zip(keys, cells, strict=False)), first)
            first = False
            if why:
                ctx.skipped[rownum] = why
                continue
            body.append(cells + [""] * (len(header) - width))
            rows.append(rownum)
        return body, rows


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    return out


# ---------------------------------------------------------------------------------------------
# Conversions (vectorised; each names the first bad cell)
# ---------------------------------------------------------------------------------------------
def _missing(s: pd.Series) -> np.ndarray:
    return s.str.strip().str.lower().isin(MISSING_TOKENS).to_numpy()


def fail_first(ctx: Context, name: str, s: pd.Series, rows: Sequence[int], bad: np.ndarray,
               what: str) -> None:
    idx = np.flatnonzero(bad)
    if len(idx) == 0:
        return
    i = int(idx[0])
    more = f" ({len(idx) - 1} more rows have the same problem.)" if len(idx) > 1 else ""
    raise ctx.error(f"column '{name}', row {rows[i]}: {show(s.iat[i])} {what}.{more}",
                    column=name, row=rows[i])


def to_text(s: pd.Series) -> pd.Series:
    out = s.str.strip()
    return out.mask(out == "").astype("str")


def to_ids(ctx: Context, name: str, s: pd.Series, rows: Sequence[int]) -> pd.Series:
    """Ids stay text. A spreadsheet's rounded number (1.23457E+18) is refused: its digits are lost."""
    v = s.str.strip()
    sci = v.str.match(_E_NOTATION.pattern).to_numpy()
    fail_first(ctx, name, v, rows, sci,
               "is an id that a spreadsheet program turned into a rounded number, so its last "
               "digits are lost. Download the export again and load it without opening and "
               "saving it in a spreadsheet (or import that column as Text)")
    dotzero = v.str.fullmatch(r"\d+\.0+").to_numpy()
    if dotzero.any():
        digits = v.str.split(".").str[0].str.len().to_numpy()
        fail_first(ctx, name, v, rows, dotzero & (digits > 15),
                   "is an id written as a decimal number: an id of 16 or more digits cannot "
                   "pass through a number format without losing digits. Download the export "
                   "again")
        v = v.where(~dotzero, v.str.split(".").str[0])
        ctx.notes.append(f"Ids in '{name}' were written as decimals ('123.0'); the '.0' was "
                         "dropped (ids of 15 digits or fewer survive that exactly).")
    return v.mask(v == "").astype("str")


def _parse_numbers(ctx: Context, name: str, s: pd.Series, rows: Sequence[int],
                   percent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Numbers, and where the cell is empty ("", "-", "undefined"); "4.5%" -> 0.045, "1,234"."""
    num = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, copy=True)  # plain cells, fast
    empty = np.zeros(len(s), dtype=bool)
    other = np.isnan(num)
    if other.any():                                                  # the rest, cleaned first
        v = s[other].str.strip()
        e = _missing(v)
        pct = v.str.endswith("%").to_numpy()
        v = v.str.rstrip("%").str.strip()
        thousands = v.str.match(_THOUSANDS.pattern).to_numpy()
        v = v.where(~thousands, v.str.replace(",", "", regex=False))
        got = pd.to_numeric(v.mask(e), errors="coerce").to_numpy(dtype=float)
        num[other] = np.where(pct & ~percent, got / 100.0, got)
        empty[other] = e
    fail_first(ctx, name, s, rows, np.isnan(num) & ~empty, "is not a number")
    return num, empty


def _note_negatives(ctx: Context, target: str, name: str, num: np.ndarray,
                    rows: Sequence[int]) -> None:
    with np.errstate(invalid="ignore"):
        neg = np.flatnonzero(num < 0)
    if len(neg):
        at = [rows[int(i)] for i in neg]
        ctx.negatives[target] = at
        listed = ", ".join(str(r) for r in at[:5]) + (", ..." if len(at) > 5 else "")
        ctx.notes.append(
            f"'{name}' has {len(at)} negative value{'s' if len(at) > 1 else ''} (row"
            f"{'s' if len(at) > 1 else ''} {listed}), kept as the platform gave "
            f"{'them' if len(at) > 1 else 'it'}: platforms report corrections and losses "
            "(removed likes, lost subscribers) as negative numbers.")


def to_counts(ctx: Context, name: str, s: pd.Series, rows: Sequence[int], target: str
              ) -> pd.Series:
    num, empty = _parse_numbers(ctx, name, s, rows, percent=False)
    with np.errstate(invalid="ignore"):
        fail_first(ctx, name, s, rows, ~np.isnan(num) & (num != np.round(num)),
                   "is not a whole number, but this column counts something")
    _note_negatives(ctx, target, name, num, rows)
    return pd.Series(pd.array(np.where(np.isnan(num), 0, num).astype("int64"), dtype="Int64")
                     ).mask(np.isnan(num))


def to_numbers(ctx: Context, name: str, s: pd.Series, rows: Sequence[int], target: str,
               percent: bool) -> pd.Series:
    num, _ = _parse_numbers(ctx, name, s, rows, percent)
    if percent:
        num = num / 100.0
        ctx.notes.append(f"'{name}' is in percent; the course keeps rates as fractions, so "
                         f"{target} = the value / 100 (4.5% -> 0.045).")
    _note_negatives(ctx, target, name, num, rows)
    return pd.Series(num, dtype="float64")


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
def parse_dates(ctx: Context, name: str, s: pd.Series, rows: Sequence[int],
                formats: Iterable[str], example: str, *, us_slashes: bool = False,
                utc: bool = False) -> pd.Series:
    """Parse ``s`` with the first format that fits each value; name the first cell none fits.

    ``us_slashes``: the platform writes month/day/year; when a value's first number is above 12
    the whole column is read day/month/year instead (a localised interface), with a note.
    ``utc``: formats carry a zone (+0000); the result is converted to UTC and made naive.
    """
    v = s.str.strip()
    empty = _missing(v)
    formats = list(formats)
    if us_slashes:
        parts = v[~empty].str.extract(_US_DATE.pattern).dropna().astype(int)
        if len(parts):
            day_first = bool((parts[0] > 12).any())
            if day_first and (parts[1] > 12).any():
                i = int(np.flatnonzero(v.str.match(_US_DATE.pattern).to_numpy())[0])
                raise ctx.error(
                    f"column '{name}' mixes month/day and day/month dates (row {rows[i]} and "
                    "others): the course cannot tell which is which.", column=name, row=rows[i])
            if day_first:
                formats = [f.replace("%m/%d", "%d/%m") for f in formats]
                ctx.notes.append(f"'{name}' writes dates day/month/year (a localised "
                                 "interface): read that way.")
    t = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us, UTC]" if utc else "datetime64[us]")
    todo = ~empty
    for fmt in formats + ["ISO8601"]:
        if not todo.any():
            break
        got = pd.to_datetime(v[todo], format=fmt, errors="coerce", utc=utc)
        if got.dtype != t.dtype:
            got = got.astype(t.dtype)
        ok = got.notna().to_numpy()
        t.loc[v[todo].index[ok]] = got[ok]
        todo = todo & t.isna().to_numpy()
    fail_first(ctx, name, s, rows, todo,
               f"is not a date in the form this export uses (for example {example})")
    if utc:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    if empty.any():
        ctx.notes.append(f"{int(empty.sum())} post(s) have no date in '{name}'.")
    return t.reset_index(drop=True)


def format_from_type(ctx: Context, name: str, s: pd.Series, mapping: dict[str, str]
                     ) -> pd.Series:
    """The course's ``format`` (text, image, video, carousel, link) from a platform's post type."""
    low = s.fillna("").str.strip().str.casefold()
    out = low.map(mapping)
    unknown = sorted(set(s[out.isna() & (low != "")].astype(str)))
    if unknown:
        ctx.notes.append(f"format: the post type{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(show(u) for u in unknown)} in '{name}' "
                         f"{'have' if len(unknown) > 1 else 'has'} no course format "
                         f"({', '.join(FORMATS)}); left empty.")
    return pd.Series(pd.Categorical(out, categories=list(FORMATS)))


#: Post types of every platform, case-folded, onto the course's formats.
FORMAT_WORDS: dict[str, str] = {
    **dict.fromkeys(["photo", "photos", "image", "images", "picture", "ig image", "ig photo"],
                    "image"),
    **dict.fromkeys(["video", "videos", "reel", "reels", "ig reel", "ig video", "sharedvideo",
                     "shared video", "live", "live video", "native video"], "video"),
    **dict.fromkeys(["link", "links", "article", "articles", "shared link"], "link"),
    **dict.fromkeys(["text", "status", "text only", "ig text"], "text"),
    **dict.fromkeys(["album", "albums", "carousel", "carousels", "ig carousel", "carousel album",
                     "multi-photo", "multiple images"], "carousel"),
}


def id_from_link(ctx: Context, name: str, links: pd.Series, pattern: str, what: str
                 ) -> pd.Series:
    """Pull a post's id out of its link (LinkedIn's activity number, TikTok's video number)."""
    got = links.fillna("").str.extract(pattern, expand=False)
    out = got.where(got.notna(), links.where(links.fillna("") != ""))
    n_link = int((got.isna() & links.notna()).sum())
    ctx.derived["post_id"] = f"the {what} in '{name}'" + (
        f" (the whole link for {n_link} post(s) whose link has none)" if n_link else "")
    return out.astype("str")


def file_label(path: Path) -> str:
    return path.name
