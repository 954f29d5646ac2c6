"""The real, published datasets (EVIDENCE.md 2): shipped byte for byte, their published counts, and a
loader that rejects a spreadsheet-mangled copy with the file, the column and the row named.

facebook_metrics.csv: Moro, Rita & Vala (2016), UCI Machine Learning Repository id 368, CC BY 4.0.
The counts below are the published ones (datasets/README.md, its card).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import ROOT
from widgets import data
from widgets.data import DatasetError

DATASETS = ROOT / "datasets"
FILE = DATASETS / "facebook_metrics.csv"
SHA256 = "666ec82952b7ce90b464f5a87ec4f0fe92d9a63208f2fcb2d0443cb5f31c3f4c"
HEADER = ["Page total likes", "Type", "Category", "Post Month", "Post Weekday", "Post Hour", "Paid",
          "Lifetime Post Total Reach", "Lifetime Post Total Impressions", "Lifetime Engaged Users",
          "Lifetime Post Consumers", "Lifetime Post Consumptions",
          "Lifetime Post Impressions by people who have liked your Page",
          "Lifetime Post reach by people who like your Page",
          "Lifetime People who have liked your Page and engaged with your post",
          "comment", "like", "share", "Total Interactions"]


@pytest.fixture(scope="module")
def fb() -> pd.DataFrame:
    return data.load("facebook_metrics")


# ----------------------------------------------------------------------------- the shipped file


def test_the_shipped_file_is_the_published_file_byte_for_byte():
    raw = FILE.read_bytes()
    assert hashlib.sha256(raw).hexdigest() == SHA256, (
        "datasets/facebook_metrics.csv is not the published file: restore it with "
        "git checkout -- datasets/facebook_metrics.csv")
    lines = raw.split(b"\r\n")
    assert lines[0].decode("ascii").split(";") == HEADER
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)  # CRLF everywhere, none bare
    assert raw.isascii() and not raw.startswith(b"\xef\xbb\xbf")


def test_git_keeps_the_crlf_line_endings():
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "datasets/facebook_metrics.csv -text" in attributes


def test_it_is_a_published_dataset_the_generator_neither_makes_nor_checks():
    assert "facebook_metrics" in data.published() and "airline_tweets" in data.published()
    assert data.SCHEMAS["facebook_metrics"].published
    result = subprocess.run([sys.executable, str(DATASETS / "generate.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "facebook_metrics" not in result.stdout + result.stderr


def test_published_counts(fb):
    assert fb.shape == (500, 19)
    assert fb["type"].value_counts().to_dict() == {"Photo": 426, "Status": 45, "Link": 22, "Video": 7}
    assert fb["category"].value_counts().to_dict() == {1: 215, 2: 130, 3: 155}
    assert int(fb["paid"].sum()) == 139 and int((fb["paid"] == False).sum()) == 360  # noqa: E712
    assert int(fb["paid"].isna().sum()) == 1
    assert int(fb["comments"].sum()) == 3_741
    assert int(fb["likes"].sum()) == 88_795
    assert int(fb["shares"].sum()) == 13_524
    assert fb[["comments", "likes", "shares"]].isna().sum().to_dict() == {
        "comments": 0, "likes": 1, "shares": 4}


def test_total_interactions_is_the_sum_of_the_three_counts(fb):
    total = fb["comments"] + fb["likes"].fillna(0) + fb["shares"].fillna(0)
    assert (total == fb["total_interactions"]).all()


def test_loaded_with_short_names_and_typed(fb):
    schema = data.schema("facebook_metrics")
    assert list(schema["in_file"]) == HEADER
    assert list(schema["column"]) == list(fb.columns)
    assert fb["paid"].dtype == "boolean" and fb["likes"].dtype == "Int64"
    assert list(fb["type"].cat.categories) == ["Photo", "Status", "Link", "Video"]
    assert fb["page_total_likes"].between(80_000, 140_000).all()


def test_the_data_card_states_source_licence_provenance_and_counts():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    card = readme.split("## facebook_metrics.csv", 1)[1]
    for phrase in ("Moro", "Journal of Business Research", "CC BY 4.0", "UCI", SHA256,
                   "4801df1aaebf07fb002ed83e6e967b32e76d27f1", "bibliography.md#moro2016",
                   "Photo 426", "139 paid, 360 not, 1 blank", "3,741", "88,795", "13,524",
                   "What was removed"):
        assert phrase in card, phrase
    for header in HEADER:
        assert f"| {header} |" in card, header


# ----------------------------------------------------------------------------- corrupted copies


def _load_copy(tmp_path: Path, text: str) -> DatasetError:
    (tmp_path / "facebook_metrics.csv").write_bytes(text.encode("ascii"))
    with pytest.raises(DatasetError) as err:
        data.load("facebook_metrics", folder=tmp_path)
    assert "facebook_metrics.csv" in str(err.value) and err.value.file == "facebook_metrics.csv"
    lines = err.value._render_traceback_()
    assert "git checkout -- datasets/facebook_metrics.csv" in lines[-1]
    return err.value


def _original() -> str:
    return FILE.read_bytes().decode("ascii")


def _edit(row: int, column: int, value: str, sep: str = ";") -> str:
    """The original with one cell (data row ``row``, 1-based; column 0-based) replaced."""
    lines = _original().split("\r\n")
    fields = lines[row].split(sep)
    fields[column] = value
    lines[row] = sep.join(fields)
    return "\r\n".join(lines)


def test_a_comma_separated_resave_is_rejected(tmp_path):
    frame = pd.read_csv(FILE, sep=";")
    err = _load_copy(tmp_path, frame.to_csv(index=False))  # what most copies online are
    assert "separated by commas" in str(err) and "semicolons" in str(err)
    assert (err.column, err.row) == ("Page total likes", 0) and "line 1 (the header)" in str(err)


def test_a_tab_separated_copy_is_rejected(tmp_path):
    err = _load_copy(tmp_path, _original().replace(";", "\t"))
    assert "separated by tabs" in str(err) and (err.column, err.row) == ("Page total likes", 0)


def test_a_copy_without_the_type_column_is_rejected(tmp_path):
    lines = [ln.split(";") for ln in _original().split("\r\n")]
    text = "\r\n".join(";".join(f[:1] + f[2:]) for f in lines)
    err = _load_copy(tmp_path, text)
    assert "column 'Type'" in str(err) and "missing" in str(err)
    assert (err.column, err.row) == ("Type", 0)


def test_renamed_headers_are_rejected(tmp_path):
    text = _original().replace("Lifetime Post Total Reach", "lifetime_post_total_reach", 1)
    err = _load_copy(tmp_path, text)
    assert "renamed" in str(err) and "'lifetime_post_total_reach'" in str(err)
    assert (err.column, err.row) == ("Lifetime Post Total Reach", 0)


def test_moved_columns_and_an_extra_column_are_rejected(tmp_path):
    lines = [ln.split(";") for ln in _original().split("\r\n")]
    moved = "\r\n".join(";".join([f[1], f[0], *f[2:]]) if len(f) > 1 else "" for f in lines)
    err = _load_copy(tmp_path, moved)
    assert "moved" in str(err) and err.row == 0
    extra = "\r\n".join(";".join([*f, "x"]) if len(f) > 1 else "" for f in lines)
    err = _load_copy(tmp_path, extra)
    assert "column the published file does not have" in str(err) and err.row == 0


@pytest.mark.parametrize(("value", "header"), [
    ("1.1E+04", "Lifetime Post Total Reach"),  # rounded by a spreadsheet
    ("2752.0", "Lifetime Post Total Reach"),
    ("139,441", "Page total likes"),  # a thousands separator
])
def test_rounded_or_reformatted_numbers_are_rejected(tmp_path, value, header):
    err = _load_copy(tmp_path, _edit(17, HEADER.index(header), value))
    msg = str(err)
    assert f"column '{header}'" in msg and f"'{value}'" in msg and "plain digits" in msg
    assert "row 17 (line 18 of the file)" in msg
    assert (err.column, err.row) == (header, 17)


@pytest.mark.parametrize(("value", "header", "phrase"), [
    ("Reel", "Type", "not one of the allowed values"),
    ("", "comment", "must always have a value"),
    ("-4", "comment", "negative"),
    ("4", "Category", "above the largest allowed value"),
    ("2", "Paid", "not true or false"),
])
def test_a_bad_value_names_file_column_and_row(tmp_path, value, header, phrase):
    err = _load_copy(tmp_path, _edit(40, HEADER.index(header), value))
    assert phrase in str(err) and "row 40 (line 41 of the file)" in str(err)
    assert (err.column, err.row) == (header, 40)


def test_a_row_with_a_stray_semicolon_is_rejected(tmp_path):
    lines = _original().split("\r\n")
    lines[9] += ";"
    err = _load_copy(tmp_path, "\r\n".join(lines))
    assert "line 10" in str(err) and "semicolon" in str(err) and err.row == 9


def test_an_lf_only_copy_identical_apart_from_line_endings_loads(tmp_path, fb):
    (tmp_path / "facebook_metrics.csv").write_bytes(FILE.read_bytes().replace(b"\r\n", b"\n"))
    pd.testing.assert_frame_equal(data.load("facebook_metrics", folder=tmp_path), fb)
