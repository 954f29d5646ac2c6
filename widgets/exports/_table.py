"""Read a file's bytes into tables of text cells: CSV in any of its encodings, .xls, .zip.

Nothing here writes anything: the caller reads the file's bytes once, and every table is built
in memory from them (a zip is opened in memory, never extracted).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime

from widgets.exports._base import ExportError, Table

#: The header row is looked for among this many first rows.
HEADER_ROWS = 6
#: A zip entry larger than this is not read (analytics exports are far smaller).
MAX_ENTRY_BYTES = 50_000_000
_DELIMITERS = (",", "\t", ";")

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls (and other old Office files)
ZIP_MAGIC = b"PK\x03\x04"


def decode(name: str, raw: bytes) -> tuple[str, str, list[str]]:
    """The text of a file, the encoding's name, and notes. UTF-8 (+/-BOM), UTF-16, Windows-1252."""
    notes: list[str] = []
    if raw.startswith(codecs.BOM_UTF8):
        enc, text = "UTF-8 with BOM", _strict(name, raw[3:], "utf-8")
    elif raw.startswith(codecs.BOM_UTF16_LE):
        enc, text = "UTF-16 LE", _strict(name, raw[2:], "utf-16-le")
    elif raw.startswith(codecs.BOM_UTF16_BE):
        enc, text = "UTF-16 BE", _strict(name, raw[2:], "utf-16-be")
    elif len(raw) >= 4 and raw[1:40:2].count(0) > 15 and raw[0:40:2].count(0) == 0:
        enc, text = "UTF-16 LE (no BOM)", _strict(name, raw, "utf-16-le")
    else:
        try:
            enc, text = "UTF-8", raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                enc, text = "Windows-1252", raw.decode("cp1252")
            except UnicodeDecodeError:
                raise ExportError(
                    f"{name}: the file is not text the course can read (not UTF-8, UTF-16 or "
                    "Windows-1252). Download the export again.", file=name) from None
            notes.append("The file is not UTF-8: it was read as Windows-1252, the encoding a "
                         "spreadsheet program uses when it saves 'CSV (Comma delimited)'. "
                         "Check accented letters and emoji in the text.")
    if enc.startswith("UTF-16"):
        notes.append(f"The file is {enc} text (as a spreadsheet program's 'Unicode text' "
                     "saves it): read as such.")
    return text, enc, notes


def _strict(name: str, raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as e:
        raise ExportError(f"{name}: the file starts like {codec.upper()} text but byte "
                          f"{e.start} cannot be read as such: it may be damaged or cut off. "
                          "Download the export again.", file=name) from None


def text_table(name: str, text: str, encoding: str, notes: list[str],
               recognises: Callable[[Sequence[Sequence[str]]], bool],
               modified: datetime | None) -> Table:
    """Parse CSV text; the delimiter (comma, tab, semicolon) is the one whose header is known."""
    def head(delim: str) -> list[list[str]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            return [list(r) for r in itertools.islice(reader, HEADER_ROWS)]
        except csv.Error:
            return []

    heads = {d: head(d) for d in _DELIMITERS}
    known = [d for d in _DELIMITERS if recognises(heads[d])]
    if known:
        delim = known[0]
    else:  # not an export we know: keep the split that shows the header best, for the message
        delim = max(_DELIMITERS, key=lambda d: max((len(r) for r in heads[d]), default=0))
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    try:
        for r in reader:
            rows.append(r)
    except csv.Error as e:
        at = len(rows) + 1
        cut = "unexpected end of data" in str(e) or "EOF" in str(e)
        raise ExportError(
            f"{name}: row {at} " + ("ends inside a quoted cell: the file seems cut off. "
                                    "Download the export again." if cut else
                                    f"cannot be read as CSV ({e}): a stray quote?"),
            file=name, row=at) from None
    first = text.lstrip("\ufeff\r\n")
    if delim != ",":
        notes = notes + [f"Cells are separated by {'tabs' if delim == chr(9) else 'semicolons'}"
                         " (a spreadsheet program's export), not commas: read as such."]
    return Table(name=name, rows=rows, encoding=encoding, delimiter=delim,
                 quoted_header=first.startswith('"'), modified=modified, notes=list(notes))


def xls_tables(name: str, raw: bytes) -> list[Table]:
    """One table per sheet of an .xls workbook, read with xlrd (cells as a spreadsheet shows them)."""
    try:
        import xlrd
    except ImportError:  # pragma: no cover - xlrd is in requirements.txt
        raise ExportError(f"{name}: reading an .xls file needs the package xlrd "
                          "(pip install -r requirements.txt).", file=name) from None
    try:
        book = xlrd.open_workbook(file_contents=raw, logfile=io.StringIO(), verbosity=0)
    except Exception as e:  # xlrd raises several types for damaged files
        raise ExportError(f"{name}: the .xls workbook cannot be read (xlrd says: {e}). It may "
                          "be cut off or damaged: download the export again.", file=name) from None
    tables = []
    for sheet in book.sheets():
        rows = [[_xls_cell(c, book.datemode) for c in sheet.row(i)] for i in range(sheet.nrows)]
        tables.append(Table(name=name, rows=rows, encoding=f"Excel .xls, sheet '{sheet.name}'",
                            delimiter=None, notes=[]))
    return tables


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    t, v = cell.ctype, cell.value
    if t == xlrd.XL_CELL_NUMBER:
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else repr(float(v))
    if t == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(v, datemode).isoformat(sep=" ")
        except Exception:  # an out-of-range date: show the number, the reader names the cell
            return repr(float(v))
    if t == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if v else "FALSE"
    if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if t == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(v, "#ERROR")
    return str(v)


def zip_entries(name: str, raw: bytes) -> list[tuple[str, bytes, datetime]]:
    """The CSV files inside a zip (TikTok Studio and YouTube Studio download zips), in memory."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise ExportError(f"{name}: the zip file cannot be opened: it may be cut off. "
                          "Download it again.", file=name) from None
    names = z.namelist()
    if "[Content_Types].xml" in names or any(n.startswith("xl/") for n in names):
        raise ExportError(
            f"{name}: this is an Excel .xlsx workbook. The course reads CSV files and LinkedIn's "
            ".xls: open it and save the sheet of posts as 'CSV UTF-8', then load that file.",
            file=name)
    out = []
    for info in z.infolist():
        base = info.filename.rsplit("/", 1)[-1]
        if info.is_dir() or info.filename.startswith("__MACOSX") or base.startswith("."):
            continue
        if not base.lower().endswith((".csv", ".tsv", ".txt")):
            continue
        if info.file_size > MAX_ENTRY_BYTES:
            continue
        try:
            data = z.read(info)
        except Exception as e:
            raise ExportError(f"{name}: '{info.filename}' inside the zip cannot be read ({e}). "
                              "Download the zip again.", file=name) from None
        out.append((info.filename, data, datetime(*info.date_time)))
    return out
