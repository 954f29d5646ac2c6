"""Load your own analytics export (X, Facebook, Instagram, LinkedIn, TikTok, YouTube).

>>> from widgets import data
>>> mine = data.load_export("my-data/Content.csv")   # the file you downloaded, unchanged
>>> mine                                               # what was recognised, found, missing
>>> mine.frame                                         # one row per post, the course's columns

:func:`load_export` recognises the platform from the file's header, reads it, and maps it onto
the course's posts columns (``post_id, platform, posted_at, format, style, text, followers,
impressions, reach, likes, comments, shares, clicks``; see datasets/README.md), so the course's
views can take ``mine.frame`` where they take ``data.load("posts")``.

**Privacy.** The file is read on your machine, once, as bytes: nothing is written (not even a
cache), the file is not changed, and nothing is sent anywhere (the course has no network code).

Every platform has one small reader module here: ``x.py`` (Tweet activity 2014-2023 and the
2024- analytics content export), ``meta.py`` (Meta Business Suite for Facebook and Instagram, and
the old Facebook Insights post export), ``linkedin.py`` (the page content .xls), ``tiktok.py``
(TikTok Studio's Content.csv, or its zip) and ``youtube.py`` (YouTube Studio's "Table data.csv",
or its zip). ``_table.py`` turns bytes into rows of text; ``_base.py`` holds the shared rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from widgets.exports import linkedin, meta, tiktok, x, youtube
from widgets.exports._base import (
    COURSE_COLUMNS,
    EXPORT_PLATFORMS,
    Context,
    ExportError,
    Reader,
    Table,
    norm,
    show,
)
from widgets.exports._table import (
    HEADER_ROWS,
    OLE2_MAGIC,
    ZIP_MAGIC,
    decode,
    text_table,
    xls_tables,
    zip_entries,
)
from widgets.paths import COURSE_ROOT, MY_DATA_DIR

__all__ = ["ExportError", "LoadedExport", "load_export", "supported", "READERS"]

#: Every layout the course reads, one reader each.
READERS: tuple[Reader, ...] = (x.READERS + meta.READERS + linkedin.READERS + tiktok.READERS
                               + youtube.READERS)
PLATFORM_NAMES = {"x": "X", "facebook": "Facebook", "instagram": "Instagram",
                  "linkedin": "LinkedIn", "tiktok": "TikTok", "youtube": "YouTube"}
#: Files larger than this are refused (a per-post export is a few megabytes at most).
MAX_BYTES = 50_000_000

_WHY = {
    "style": "the course's own label of how a post speaks (broadcast, question, reply...); "
             "no platform exports it",
    "followers": "exports give no follower count per post; pass followers=<your count> to "
                 "use one number for every post",
}


def supported() -> list[str]:
    """The export layouts the course reads, in plain words, one entry per platform."""
    out = []
    for key, name in PLATFORM_NAMES.items():
        shorts = [r.short for r in READERS if r.platform == key]
        out.append(f"{name} ({' or '.join(shorts)})")
    return out


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------
@dataclass(repr=False)
class LoadedExport:
    """An export read into the course's posts columns, and a report of how.

    Attributes:
        frame: one row per post, oldest first. The course's posts columns that the export
            gives (or that could be derived), in the order of ``data.load("posts")``; then
            extra columns of that platform (``permalink``, ``engagement_rate``, ``views``...).
            Ids are text; counts are whole numbers (``Int64``, empty where the export has no
            value); rates are fractions (0.045, not 4.5%); ``posted_at`` is a pandas datetime
            without time zone; ``platform`` and ``format`` are categories.
        raw: the export's own table, every cell as text, one row per post in file order; its
            index is the row number a spreadsheet program shows.
        platform: "x", "facebook", "instagram", "linkedin", "tiktok" or "youtube".
        layout: the layout's key (e.g. "meta_facebook"); ``layout_title`` says it in words.
        file: the file's name (for a zip: "Content.csv in the zip's name").
        columns_found: course or extra column -> the export header it was read from.
        derived: course column -> how it was computed from the export (exactly).
        estimated: course column -> the assumption it rests on (e.g. a year added to a date).
        missing: the course's posts columns this export cannot fill; ``why_missing`` says why.
        notes: everything else worth knowing (encoding, skipped rows, negative values...).
        negatives: column -> the rows where the export has a negative value (kept as given).
        skipped_rows: row number -> why it is not a post (a description or "Total" row).
    """

    frame: pd.DataFrame
    raw: pd.DataFrame
    platform: str
    layout: str
    layout_title: str
    file: str
    encoding: str
    header_row: int
    columns_found: dict[str, str] = field(default_factory=dict)
    derived: dict[str, str] = field(default_factory=dict)
    estimated: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    why_missing: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    negatives: dict[str, list[int]] = field(default_factory=dict)
    skipped_rows: dict[int, str] = field(default_factory=dict)

    def describe(self) -> str:
        """A plain-English summary: what was recognised, found, derived, estimated, missing."""
        n = len(self.frame)
        span = ""
        if "posted_at" in self.frame and self.frame["posted_at"].notna().any():
            t0, t1 = self.frame["posted_at"].min(), self.frame["posted_at"].max()
            span = f" from {t0.day} {t0:%b %Y} to {t1.day} {t1:%b %Y}"
        lines = [f"Recognised: {self.layout_title}, {n} post{'s' if n != 1 else ''}{span}; "
                 f"missing: {', '.join(self.missing) or 'nothing'}.",
                 f"Read from {self.file} ({self.encoding}; header on row {self.header_row}). "
                 "Nothing was written or sent anywhere."]
        course = [c for c in COURSE_COLUMNS if c in self.columns_found]
        if course:
            lines.append("Course columns read: " + ", ".join(
                f"{c} <- '{self.columns_found[c]}'" for c in course) + ".")
        sections = (("Derived", self.derived), ("Estimated", self.estimated),
                    ("Missing", {c: self.why_missing.get(c, "not in this export")
                                 for c in self.missing}))
        for title, d in sections:
            if d:
                lines.append(f"{title}:")
                lines += [f"  - {c}: {how}" for c, how in d.items()]
        extras = [c for c in self.frame.columns if c not in COURSE_COLUMNS]
        if extras:
            lines.append("Also kept: " + ", ".join(extras) + ".")
        if self.notes:
            lines.append("Notes:")
            lines += [f"  - {note}" for note in self.notes]
        return "\n".join(lines)

    def require(self, *columns: str) -> pd.DataFrame:
        """``frame``, or an ExportError saying in one sentence which columns it lacks and why.

        A view that needs, say, comments and impressions calls ``export.require("comments",
        "impressions")`` and shows the message when the export cannot fill them.
        """
        absent = [c for c in columns if c not in self.frame.columns]
        if absent:
            why = "; ".join(self.why_missing.get(c, "not in this export") for c in absent)
            cols = " or ".join(f"'{c}'" for c in absent)
            raise ExportError(f"{self.file}: this {self.layout_title} has no {cols} column "
                              f"({why}).", file=self.file, column=absent[0])
        return self.frame

    def __repr__(self) -> str:
        return self.describe()


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
def load_export(path: str | os.PathLike, *, platform: str | None = None,
                as_of: str | date | datetime | None = None,
                followers: int | None = None) -> LoadedExport:
    """Read an analytics export from ``path`` and map it onto the course's posts columns.

    ``path``: the file as you downloaded it (.csv, LinkedIn's .xls, or TikTok's / YouTube's
    .zip, read in memory). A relative path is looked for from the current folder, then from
    the course folder, so ``"my-data/Content.csv"`` works from any lesson.

    ``platform``: optional ("x", "facebook", "instagram", "linkedin", "tiktok", "youtube"); when
    given, a file from another platform is refused instead of read.

    ``as_of``: the day the export was downloaded ("2026-03-10"); only TikTok needs it, because
    its dates have no year (see ``widgets.exports.tiktok``). By default, the date stored in the
    zip, else the file's last-modified date.

    ``followers``: the account's follower count, if you want per-follower rates: exports have
    no follower count per post, so this one number is used for every post (and the report
    lists ``followers`` as estimated).

    The platform is recognised from the header, looked for among the first six rows; rows that
    are not posts (Facebook's row of descriptions, YouTube's "Total") are skipped and reported.
    UTF-8 (with or without BOM), UTF-16 and Windows-1252 text are read; ids stay text (a
    16-19 digit id is never rounded); rates become fractions; dates become pandas datetimes;
    "-" (not promoted) and "undefined" become empty; negative values are kept and reported.

    Returns a :class:`LoadedExport`: ``.frame`` (the posts) and a report (``.describe()``).
    Raises :class:`ExportError` naming the file (and the column and row when one is at fault)
    for a file it cannot read, with the layouts it supports and the header it found.

    Privacy: the file is only read, locally; nothing is written and nothing is uploaded.
    """
    p = _resolve(path)
    wanted = _platform(p.name, platform)
    raw_bytes = _read_bytes(p)
    modified = datetime.fromtimestamp(p.stat().st_mtime)
    tables = _tables(p.name, raw_bytes, modified)
    hits = []
    for t in tables:
        got = _recognise(t.rows)
        if got:
            hits.append((t, *got))
    if not hits:
        raise _unknown(p.name, tables, zipped=raw_bytes.startswith(ZIP_MAGIC))
    if len(hits) > 1:
        names = ", ".join(f"{t.name} ({r.title})" for t, r, _ in hits)
        raise ExportError(f"{p.name}: it holds more than one export ({names}): unzip it and "
                          "load the one you want.", file=p.name)
    table, reader, header_row = hits[0]
    if wanted and reader.platform != wanted:
        raise ExportError(
            f"{table.name}: you asked for {PLATFORM_NAMES[wanted]}, but this is "
            f"{reader.a_title} (its header is on row {header_row + 1}). Load it without "
            "platform=, or pick the other file.", file=table.name, row=header_row + 1)
    ctx = Context(table=table, header_row=header_row)
    ctx.as_of, ctx.as_of_source = _as_of(as_of, table, modified)
    ctx.notes.extend(table.notes)
    if header_row:
        above = [" ".join(c.strip() for c in r if str(c).strip()) for r in table.rows[:header_row]]
        above = [a for a in above if a]
        ctx.notes.append(f"The header is on row {header_row + 1}"
                         + (": above it the file says " + "; ".join(show(a, 80) for a in above)
                            if above else "") + ".")
    cols, raw = reader.read(ctx)
    for row, why in ctx.skipped.items():
        ctx.notes.append(f"Skipped row {row}: {why}.")
    return _assemble(ctx, reader, cols, raw, followers)


def _resolve(path: str | os.PathLike) -> Path:
    p = Path(path).expanduser()
    if not p.exists() and not p.is_absolute() and (COURSE_ROOT / p).exists():
        p = COURSE_ROOT / p
    if p.is_dir():
        files = sorted(f.name for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
        listed = ", ".join(files[:12]) + (", ..." if len(files) > 12 else "") if files else "nothing"
        raise ExportError(f"{p.name}: this is a folder, not a file. It holds: {listed}. "
                          f"Load one file, e.g. load_export('{p.name}/<file name>').",
                          file=p.name)
    if not p.exists():
        held = (sorted(f.name for f in MY_DATA_DIR.iterdir() if f.is_file())
                if MY_DATA_DIR.is_dir() else [])
        hint = (f" The course's my-data/ folder holds: {', '.join(held[:12])}." if held else
                " Put your export in the course's my-data/ folder and load "
                "'my-data/<file name>'.")
        raise ExportError(f"{p.name}: there is no such file (looked for '{path}' from "
                          f"{Path.cwd()} and from the course folder).{hint}", file=p.name)
    return p


def _platform(name: str, platform: str | None) -> str | None:
    if platform is None:
        return None
    key = str(platform).strip().lower()
    key = "x" if key == "twitter" else key
    if key not in EXPORT_PLATFORMS:
        raise ExportError(f"{name}: platform={platform!r} is not one the course reads; choose "
                          f"one of {', '.join(repr(k) for k in PLATFORM_NAMES)}.", file=name)
    return key


def _read_bytes(p: Path) -> bytes:
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise ExportError(f"{p.name}: the file is {size / 1e6:.0f} MB; a per-post analytics "
                          f"export is far smaller (the course reads up to {MAX_BYTES // 10**6} "
                          "MB). Is it the right file?", file=p.name)
    data = p.read_bytes()
    if not data.strip():
        raise ExportError(f"{p.name}: the file is empty ({len(data)} bytes). Download the "
                          "export again.", file=p.name)
    return data


def _tables(name: str, data: bytes, modified: datetime) -> list[Table]:
    if data.startswith(OLE2_MAGIC):
        return xls_tables(name, data)
    if data.startswith(ZIP_MAGIC):
        entries = zip_entries(name, data)
        if not entries:
            raise ExportError(f"{name}: the zip holds no CSV file. The course reads TikTok "
                              "Studio's and YouTube Studio's zips, or the CSV inside.",
                              file=name)
        tables = []
        for member, raw, when in entries:
            label = f"{member} in {name}"
            try:
                text, enc, notes = decode(label, raw)
            except ExportError:
                if len(entries) == 1:
                    raise
                continue  # another file of the zip may be the export
            tables.append(text_table(label, text, enc, notes, _recognises, when))
        if not tables:
            raise ExportError(f"{name}: no file in the zip can be read as text.", file=name)
        return tables
    if data.startswith(b"%PDF") or (b"\x00" in data[:4000] and not _utf16(data)):
        raise ExportError(f"{name}: this is not a text (CSV), .xls or .zip file. "
                          f"The course reads: {'; '.join(supported())}.", file=name)
    text, enc, notes = decode(name, data)
    if name.lower().endswith(".xls"):
        notes = notes + ["The file is named .xls but holds text: read as CSV."]
    return [text_table(name, text, enc, notes, _recognises, None)]


def _utf16(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff")) or (
        len(data) >= 4 and data[1:40:2].count(0) > 15 and data[0:40:2].count(0) == 0)


def _recognise(rows) -> tuple[Reader, int] | None:
    """The reader whose header is among the first rows, and that row; the best fit wins."""
    best = None
    for i, row in enumerate(rows[:HEADER_ROWS]):
        if not any(str(c).strip() for c in row):
            continue
        for r in READERS:
            s = r.score(row)
            if s >= r.min_score():
                key = (s / len(r.signature), s, -i)
                if best is None or key > best[0]:
                    best = (key, r, i)
    return (best[1], best[2]) if best else None


def _recognises(rows) -> bool:
    return _recognise(rows) is not None


def _as_of(as_of, table: Table, modified: datetime) -> tuple[pd.Timestamp | None, str]:
    if as_of is not None:
        try:
            t = pd.Timestamp(as_of)
        except (ValueError, TypeError):
            raise ExportError(f"{table.name}: as_of={as_of!r} is not a date; write it as "
                              "'YYYY-MM-DD'.", file=table.name) from None
        return t.normalize(), "the as_of date you gave"
    if table.modified is not None:
        return pd.Timestamp(table.modified).normalize(), "the date stored in the zip"
    return pd.Timestamp(modified).normalize(), "the file's last-modified date"


def _assemble(ctx: Context, reader: Reader, cols: dict, raw: pd.DataFrame,
              followers: int | None) -> LoadedExport:
    n = len(raw)
    cols = {k: v.reset_index(drop=True) for k, v in cols.items()}
    cols["platform"] = pd.Series(pd.Categorical([reader.platform] * n,
                                                categories=list(EXPORT_PLATFORMS)))
    if followers is not None:
        if isinstance(followers, bool) or not isinstance(followers, int) or followers < 0:
            raise ctx.error(f"followers={followers!r} should be a whole number of accounts, "
                            "e.g. followers=12000.")
        cols["followers"] = pd.Series([followers] * n, dtype="Int64")
        ctx.estimated["followers"] = (f"the number you gave ({followers:,}), the same for every "
                                      "post: exports have no follower count per post")
    order = [c for c in COURSE_COLUMNS if c in cols]
    order += [c for c in cols if c not in COURSE_COLUMNS and c != "title"]
    frame = pd.DataFrame({c: cols[c] for c in order})
    frame, raw = _check_ids(ctx, frame, raw)
    if "posted_at" in frame:
        keep = frame["posted_at"].sort_values(kind="stable", na_position="last").index
        frame = frame.loc[keep].reset_index(drop=True)
    missing = [c for c in COURSE_COLUMNS if c not in frame.columns]
    why = {c: ctx.why.get(c) or reader.why_missing.get(c) or _WHY.get(c)
           or f"the {reader.title} has no such column" for c in missing}
    found = {k: v for k, v in ctx.found.items() if k in frame.columns}
    return LoadedExport(
        frame=frame, raw=raw, platform=reader.platform, layout=reader.key,
        layout_title=reader.title, file=ctx.file, encoding=ctx.table.encoding,
        header_row=ctx.header_row + 1, columns_found=found, derived=dict(ctx.derived),
        estimated=dict(ctx.estimated), missing=missing, why_missing=why, notes=list(ctx.notes),
        negatives=dict(ctx.negatives), skipped_rows=dict(ctx.skipped))


def _check_ids(ctx: Context, frame: pd.DataFrame, raw: pd.DataFrame
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each post once: an identical repeated row is dropped (with a note); a clash is an error."""
    if "post_id" not in frame:
        return frame, raw
    ids = frame["post_id"]
    dup = (ids.notna() & ids.duplicated(keep=False)).to_numpy()
    if not dup.any():
        return frame, raw
    rows = raw.index.to_numpy()
    same_row = raw.reset_index(drop=True).duplicated(keep="first").to_numpy()
    for i in [i for i in range(len(ids)) if dup[i] and not same_row[i]]:
        first = int(ids[ids == ids.iat[i]].index[0])
        if first != i:
            raise ctx.error(
                f"post id {show(ids.iat[i])} appears in row {rows[first]} and again in row "
                f"{rows[i]} with other figures: were two exports pasted together? Load each "
                "file on its own.", column=ctx.found.get("post_id") or ctx.found.get("permalink"),
                row=int(rows[i]))
    drop = dup & same_row
    if drop.any():
        at = ", ".join(str(r) for r in rows[drop][:5])
        ctx.notes.append(f"{int(drop.sum())} row(s) repeat an earlier row exactly (rows {at}): "
                         "each post is kept once.")
        frame = frame[~drop].reset_index(drop=True)
        raw = raw[~drop]
    return frame, raw


def _unknown(name: str, tables: list[Table], zipped: bool) -> ExportError:
    t = tables[0]
    rows = [r for r in t.rows[:HEADER_ROWS] if any(str(c).strip() for c in r)]
    header = rows[0] if rows else []
    cells = [str(c).strip() for c in header if str(c).strip()]
    shown = ", ".join(show(c, 30) for c in cells[:8]) + (f", ... ({len(cells)} cells)"
                                                          if len(cells) > 8 else "")
    where = f"Its first row reads: {shown}." if cells else "Its first rows are empty."
    if zipped:
        where = (f"The zip holds {', '.join(tb.name.split(' in ')[0] for tb in tables)}; none is "
                 f"an export the course reads. The first, {t.name.split(' in ')[0]}: {where}")
    hint = _hint(header, t.rows)
    return ExportError(
        f"{name}: the course does not recognise this file as an analytics export. {where}"
        f"{hint} The course reads: {'; '.join(supported())}.", file=name)


_POSTISH = ("id", "link", "permalink", "title", "text", "message", "content", "description")


def _hint(header: list, rows: list[list[str]]) -> str:
    names = {norm(h) for h in header}
    if names >= set(COURSE_COLUMNS):
        return " This is the course's own posts data: load it with data.load('posts')."
    for r in READERS:
        sibling = r.sibling(header)
        if sibling:
            return " " + sibling
    if names & {"date", "day", "datum", "fecha"} and not any(
            any(w in n.split() for w in _POSTISH) for n in names):
        return (" It looks like totals per day, not one row per post: download the platform's "
                "per-post (content) export instead.")
    for r in READERS:
        s = r.score(header)
        if max(2, len(r.signature) // 3) <= s < r.min_score():
            return (f" Its header has {s} of the {len(r.signature)} columns that identify "
                    f"{r.a_title}: were columns renamed or removed? Load the file as "
                    "downloaded.")
    text = " ".join(str(c) for r in rows[1:20] for c in r).lower()
    for domain, plat in (("instagram.com", "Instagram"), ("facebook.com", "Facebook"),
                         ("linkedin.com", "LinkedIn"), ("tiktok.com", "TikTok"),
                         ("youtube.com", "YouTube"), ("youtu.be", "YouTube"),
                         ("twitter.com", "X"), ("x.com/", "X")):
        if domain in text:
            return (f" Its rows link to {domain}: if it is a {plat} export with column names in "
                    "another language, switch the platform's interface to English, export "
                    "again and load that file.")
    return ""
