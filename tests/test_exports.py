"""The learner's own analytics export: every layout loads from its synthetic fixture, every near
miss gets a clear error (or loads with a note), and the loader only reads.

Fixtures are in tests/fixtures/exports/ (written by make_fixtures.py there, checked against its
SHA256SUMS). Expected values are read from the fixture files with the csv module or xlrd, not
typed in, so a test fails if the loader and the file disagree.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import io
import os
import re
import shutil
import socket
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import ROOT
from widgets import data
from widgets.data import DatasetError, ExportError
from widgets.exports import READERS, LoadedExport, load_export, supported
from widgets.exports._base import COURSE_COLUMNS
from widgets.exports.tiktok import infer_year, parse_day_month

FIX = ROOT / "tests" / "fixtures" / "exports"
NEAR = FIX / "near_miss"
MANIFEST = FIX / "SHA256SUMS"
AS_OF = "2026-03-10"   # the day the synthetic TikTok export was "downloaded"

# fixture -> (platform, layout key, number of posts)
LAYOUTS = {
    "x_tweet_activity.csv": ("x", "x_tweet_activity", 8),
    "x_tweet_activity_2015.csv": ("x", "x_tweet_activity", 4),
    "x_content.csv": ("x", "x_content", 6),
    "facebook_insights_posts.csv": ("facebook", "facebook_insights", 6),
    "meta_facebook_content.csv": ("facebook", "meta_facebook", 6),
    "meta_facebook_content_es.csv": ("facebook", "meta_facebook", 6),
    "meta_instagram_content.csv": ("instagram", "meta_instagram", 5),
    "linkedin_content.xls": ("linkedin", "linkedin", 5),
    "linkedin_content_2021.xls": ("linkedin", "linkedin", 5),
    "tiktok_content.csv": ("tiktok", "tiktok", 6),
    "tiktok_studio.zip": ("tiktok", "tiktok", 6),
    "youtube_table_data.csv": ("youtube", "youtube", 5),
    "youtube_studio.zip": ("youtube", "youtube", 5),
}
COUNTS = ("followers", "impressions", "reach", "likes", "comments", "shares", "clicks")


def load(name: str, **kw) -> LoadedExport:
    if name.startswith("tiktok_content"):
        kw.setdefault("as_of", AS_OF)
    return load_export(FIX / name, **kw)


def rows_of(path: Path, encoding: str = "utf-8-sig", delimiter: str = ",") -> list[dict]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fixture_files() -> list[Path]:
    return sorted(p for p in FIX.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".md") and p != MANIFEST
                  and "__pycache__" not in p.parts)


# ---------------------------------------------------------------------------------------------
# The fixtures never change, and are what the generator writes
# ---------------------------------------------------------------------------------------------
def test_no_fixture_file_changed():
    listed = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    on_disk = {str(p.relative_to(FIX)): sha(p) for p in fixture_files()}
    assert sorted(on_disk) == sorted(listed), "a fixture was added or removed: run make_fixtures.py"
    changed = [n for n in listed if on_disk[n] != listed[n]]
    assert changed == [], f"fixture files changed: {changed}"


def test_generator_reproduces_the_committed_fixtures():
    pytest.importorskip("xlwt")  # authoring dependency (requirements-dev.txt)
    spec = importlib.util.spec_from_file_location("make_export_fixtures", FIX / "make_fixtures.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    files = gen.build()
    assert sorted(files) == sorted(str(p.relative_to(FIX)) for p in fixture_files())
    assert [n for n, b in files.items() if (FIX / n).read_bytes() != b] == []
    assert gen.manifest(files) == MANIFEST.read_bytes()


def test_every_layout_has_a_fixture():
    assert {key for _, key, _ in LAYOUTS.values()} == {r.key for r in READERS}


# ---------------------------------------------------------------------------------------------
# Every layout: the same contract
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_layout_loads_into_the_course_columns(name):
    platform, key, n = LAYOUTS[name]
    e = load(name)
    f = e.frame
    assert (e.platform, e.layout, len(f)) == (platform, key, n)
    course = [c for c in f.columns if c in COURSE_COLUMNS]
    assert course == [c for c in COURSE_COLUMNS if c in f.columns], "course columns first, in order"
    assert list(f.columns[:len(course)]) == course
    assert sorted(course + e.missing) == sorted(COURSE_COLUMNS)
    assert set(e.why_missing) == set(e.missing)
    assert "style" in e.missing and "followers" in e.missing
    for col in ("post_id", "platform", "posted_at", "text", "impressions", "likes", "comments"):
        if col not in e.missing:
            assert col in f.columns
    assert f["post_id"].notna().all() and f["post_id"].is_unique
    assert pd.api.types.is_string_dtype(f["post_id"])
    assert str(f["posted_at"].dtype).startswith("datetime64") and f["posted_at"].notna().all()
    assert f["posted_at"].dt.tz is None
    assert f["posted_at"].is_monotonic_increasing
    assert list(f["platform"].unique()) == [platform]
    for c in COUNTS:
        if c in f:
            assert str(f[c].dtype) == "Int64", c
    if "format" in f:
        assert list(f["format"].cat.categories) == list(data.FORMATS)
    text = e.describe()
    assert text.startswith(f"Recognised: {e.layout_title}, {n} posts from ")
    assert "missing: " + ", ".join(e.missing) in text
    assert repr(e) == text


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_ids_are_the_exact_text_of_the_file(name):
    """No id went through a float: each is found verbatim in the file (or its link)."""
    e = load(name)
    path = FIX / name
    if path.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as z:
            blob = " ".join(z.read(i).decode("utf-8-sig") for i in z.namelist())
    elif path.suffix == ".xls":
        blob = " ".join(" ".join(map(str, r)) for r in e.raw.itertuples())
    else:
        blob = path.read_text(encoding="utf-8-sig")
    for pid in e.frame["post_id"]:
        assert pid in blob
        assert not re.search(r"[eE][+-]|\.0$", pid)
    if e.platform in ("x", "facebook", "instagram", "linkedin", "tiktok"):
        assert e.frame["post_id"].str.replace("_", "").str.len().min() >= 16


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_counts_equal_the_files_own_cells(name):
    """Each course count read from a column equals that column summed over the file's posts."""
    e = load(name)
    for col, header in e.columns_found.items():
        if col in COUNTS:
            cells = e.raw[header].str.strip()
            cells = cells[~cells.isin(["", "-", "undefined"])]
            assert e.frame[col].sum() == int(pd.to_numeric(cells).sum()), (col, header)


# ---------------------------------------------------------------------------------------------
# Each layout's quirks
# ---------------------------------------------------------------------------------------------
def test_x_tweet_activity_quoted_numbers_utc_times_promoted_columns():
    e = load("x_tweet_activity.csv")
    rows = rows_of(FIX / "x_tweet_activity.csv")
    assert all(r["impressions"].endswith(".0") for r in rows)            # "1938.0"
    by_id = {r["Tweet id"]: r for r in rows}
    for _, p in e.frame.iterrows():
        r = by_id[p["post_id"]]
        assert p["posted_at"] == pd.Timestamp(r["time"].replace(" +0000", ""))
        assert p["likes"] == int(float(r["likes"])) and p["shares"] == int(float(r["retweets"]))
        assert p["comments"] == int(float(r["replies"]))
        assert p["clicks"] == int(float(r["url clicks"])) + int(float(r["user profile clicks"]))
        assert p["engagement_rate"] == pytest.approx(p["engagements"] / p["impressions"])
        assert p["text"] == r["Tweet text"]                               # newline kept
    assert any("\n" in t for t in e.frame["text"])
    assert e.derived["clicks"].startswith("'url clicks' + 'user profile clicks'")
    promoted = sum(any(v != "-" for k, v in r.items() if k.startswith("promoted")) for r in rows)
    assert promoted == 1 and any(n.startswith("1 of 8 posts was promoted") for n in e.notes)
    assert any("UTC" in n for n in e.notes)
    assert {"format", "reach"} <= set(e.missing) and "reach" in e.why_missing["reach"]


def test_x_tweet_activity_before_november_2015_says_favorites():
    e = load("x_tweet_activity_2015.csv")
    assert e.columns_found["likes"] == "favorites"
    assert any("favorites" in n for n in e.notes)


def test_x_content_export_dates_without_time_and_reposts_as_shares():
    e = load("x_content.csv")
    rows = {r["Post id"]: r for r in rows_of(FIX / "x_content.csv")}
    for _, p in e.frame.iterrows():
        r = rows[p["post_id"]]
        assert len(p["post_id"]) == 19
        assert p["posted_at"] == pd.to_datetime(r["Date"], format="%a, %b %d, %Y")
        assert p["posted_at"] == p["posted_at"].normalize()
        assert p["shares"] == int(r["Reposts"]) and p["x_shares"] == int(r["Shares"])
        assert p["clicks"] == int(r["URL Clicks"]) + int(r["Profile visits"])
    assert "engagement_rate" not in e.frame


def test_facebook_insights_skips_its_row_of_descriptions():
    e = load("facebook_insights_posts.csv")
    rows = rows_of(FIX / "facebook_insights_posts.csv")
    assert rows[0]["Lifetime Post Total Reach"].startswith("Lifetime:")
    assert list(e.skipped_rows) == [2] and "description" in e.skipped_rows[2]
    assert e.raw.index[0] == 3
    first = rows[1]
    p = e.frame.iloc[0]
    assert p["post_id"] == first["Post ID"] and "_" in p["post_id"]
    assert p["posted_at"] == pd.to_datetime(first["Posted"], format="%m/%d/%Y %H:%M")
    assert e.columns_found["likes"] == "Lifetime Post Stories by action type - like"
    assert any("appear twice" in n for n in e.notes)
    types = dict(zip(e.frame["post_type"], e.frame["format"].astype(str), strict=True))
    assert types["Photo"] == "image" and types["Link"] == "link" and types["Status"] == "text"
    assert types["SharedVideo"] == "video"


def test_meta_facebook_business_suite_bom_views_case_and_titles():
    path = FIX / "meta_facebook_content.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    e = load(path.name)
    assert e.encoding == "UTF-8 with BOM"
    assert e.columns_found["posted_at"] == "Publish Time"                 # case varies
    assert e.columns_found["impressions"] == "Views" and any("Views" in n for n in e.notes)
    rows = {r["Post ID"]: r for r in rows_of(path)}
    for _, p in e.frame.iterrows():
        r = rows[p["post_id"]]
        assert p["posted_at"] == pd.to_datetime(r["Publish Time"], format="%m/%d/%Y %H:%M")
        assert p["text"] == (r["Description"] or r["Title"])
        assert p["clicks"] == int(r["Link Clicks"]) and p["likes"] == int(r["Reactions"])
    fmt = dict(zip(e.frame["post_type"], e.frame["format"].astype(str), strict=True))
    assert fmt == {"Photos": "image", "Links": "link", "Text": "text", "Reels": "video",
                   "Videos": "video", "Albums": "carousel"}
    assert any("'Lifetime'" in n for n in e.notes)
    assert any("time zone" in n for n in e.notes)


def test_meta_facebook_localised_header_and_day_first_dates():
    e = load("meta_facebook_content_es.csv")
    english = load("meta_facebook_content.csv")
    assert e.columns_found["reach"] == "Alcance"
    assert set(e.columns_found) == set(english.columns_found)
    rows = rows_of(FIX / "meta_facebook_content_es.csv")
    assert any(int(r["Hora de publicación"][:2]) > 12 for r in rows)
    by_id = {r["Identificador de la publicación"]: r for r in rows}
    for _, p in e.frame.iterrows():
        when = by_id[p["post_id"]]["Hora de publicación"]
        assert p["posted_at"] == pd.to_datetime(when, format="%d/%m/%Y %H:%M")
    assert any("day/month/year" in n for n in e.notes)
    assert any("another language" in n for n in e.notes)


def test_meta_instagram_post_types_and_no_clicks():
    e = load("meta_instagram_content.csv")
    fmt = dict(zip(e.frame["post_type"], e.frame["format"].astype(str), strict=True))
    assert fmt == {"IG image": "image", "IG carousel": "carousel", "IG reel": "video"}
    assert "clicks" in e.missing and "Instagram" in e.why_missing["clicks"]
    assert {"saves", "follows"} <= set(e.frame.columns)


def test_linkedin_xls_note_row_sheet_ids_from_links_and_negative_values():
    import xlrd

    path = FIX / "linkedin_content.xls"
    book = xlrd.open_workbook(path)
    assert book.sheet_names()[0] == "Metrics"                      # the posts are not first
    sheet = book.sheet_by_name("All posts")
    assert sheet.cell_value(0, 0) == "All dates and times are in UTC."
    header = sheet.row_values(1)
    e = load(path.name)
    assert e.header_row == 2 and "sheet 'All posts'" in e.encoding
    assert any("All dates and times are in UTC." in n for n in e.notes)
    links = sheet.col_values(header.index("Post link"))[2:]
    expected_ids = {re.search(r"activity:(\d+)", u).group(1) for u in links}
    assert set(e.frame["post_id"]) == expected_ids
    assert e.derived["post_id"].startswith("the activity number")
    likes = sheet.col_values(header.index("Likes"))[2:]
    neg_rows = [i + 3 for i, v in enumerate(likes) if v < 0]
    assert neg_rows and e.negatives == {"likes": neg_rows}
    assert e.frame["likes"].min() < 0                                # kept, not dropped
    assert any("negative" in n and f"row {neg_rows[0]}" in n for n in e.notes)
    dates = sheet.col_values(header.index("Created date"))[2:]
    types = [sheet.cell_type(i + 2, header.index("Created date")) for i in range(len(dates))]
    assert xlrd.XL_CELL_DATE in types and xlrd.XL_CELL_TEXT in types  # both kinds of cell
    ctr = sheet.col_values(header.index("Click through rate (CTR)"))[2:]
    assert sorted(e.frame["ctr"]) == pytest.approx(sorted(ctr))          # already fractions
    assert e.frame["ctr"].max() < 1
    assert "Document" in e.frame["content_type"].tolist()
    assert e.frame.loc[e.frame["content_type"] == "Document", "format"].isna().all()
    assert "reach" in e.missing


def test_linkedin_older_export_update_and_shares():
    e = load("linkedin_content_2021.xls")
    assert e.columns_found["text"] == "Update title" and e.columns_found["shares"] == "Shares"
    assert e.columns_found["permalink"] == "Update link"


def test_tiktok_year_less_dates_undefined_and_ids_from_links():
    e = load("tiktok_content.csv")
    rows = rows_of(FIX / "tiktok_content.csv")
    assert "undefined" in [r["Total likes"] for r in rows]
    assert e.frame["likes"].isna().sum() == 1
    years = {d.year for d in e.frame["posted_at"]}
    assert years == {2025, 2026}
    assert all(d <= pd.Timestamp(AS_OF) for d in e.frame["posted_at"])
    by_link = {r["Video link"]: r for r in rows}
    for _, p in e.frame.iterrows():
        r = by_link[p["permalink"]]
        assert r["Video link"].endswith("/video/" + p["post_id"])
        assert f"{p['posted_at']:%b} {p['posted_at'].day}" == r["Post time"]
    assert "posted_at" in e.estimated and "posted_at" not in e.columns_found
    assert "impressions" in e.estimated and "impressions" not in e.columns_found
    assert "plays" in e.estimated["impressions"]
    assert "10 Mar 2026" in e.estimated["posted_at"] and "as_of" in e.estimated["posted_at"]
    assert e.derived["format"] == "every TikTok post is a video"


def test_tiktok_year_comes_from_the_files_date_by_default(tmp_path):
    copy = tmp_path / "Content.csv"
    shutil.copyfile(FIX / "tiktok_content.csv", copy)
    stamp = pd.Timestamp(AS_OF + " 12:00").timestamp()
    os.utime(copy, (stamp, stamp))
    e = load_export(copy)
    pd.testing.assert_frame_equal(e.frame, load("tiktok_content.csv").frame)
    assert "last-modified" in e.estimated["posted_at"]
    later = load_export(copy, as_of="2026-12-31")                      # a later download day
    assert {d.year for d in later.frame["posted_at"]} == {2026}


def test_tiktok_zip_is_read_in_memory_with_its_own_date():
    e = load("tiktok_studio.zip")
    assert e.file == "Content.csv in tiktok_studio.zip"
    assert "the date stored in the zip" in e.estimated["posted_at"]
    assert {d.year for d in e.frame["posted_at"]} == {2025, 2026}     # French: "28 déc."


@pytest.mark.parametrize("text, expected", [
    ("Jul 14", (7, 14, 0, 0)), ("July 14", (7, 14, 0, 0)), ("14 Jul", (7, 14, 0, 0)),
    ("14 juil.", (7, 14, 0, 0)), ("3 févr.", (2, 3, 0, 0)), ("14. Juli", (7, 14, 0, 0)),
    ("5. März", (3, 5, 0, 0)), ("14 de jul.", (7, 14, 0, 0)), ("7月14日", (7, 14, 0, 0)),
    ("Jul 14 10:30 pm", (7, 14, 22, 30)), ("Tue, Jul 14", (7, 14, 0, 0)),
    ("2 days ago", None), ("07/14", None), ("Jul", None), ("Jul 32", None),
])
def test_tiktok_day_and_month_parser(text, expected):
    assert parse_day_month(text) == expected


def test_year_inference_rule():
    from datetime import date

    assert infer_year(12, 28, date(2026, 3, 10)) == 2025
    assert infer_year(3, 10, date(2026, 3, 10)) == 2026
    assert infer_year(3, 11, date(2026, 3, 10)) == 2025
    assert infer_year(2, 29, date(2026, 3, 10)) == 2024


def test_youtube_total_row_percent_ctr_and_negative_subscribers():
    path = FIX / "youtube_table_data.csv"
    rows = rows_of(path)
    assert rows[0]["Content"] == "Total"
    e = load(path.name)
    assert e.skipped_rows == {2: "YouTube's 'Total' row (the sum over every video)"}
    assert "Total" not in set(e.frame["post_id"])
    videos = {r["Content"]: r for r in rows[1:]}
    for _, p in e.frame.iterrows():
        r = videos[p["post_id"]]
        assert p["impressions_ctr"] == pytest.approx(float(r["Impressions click-through rate (%)"])
                                                     / 100)
        assert p["posted_at"] == pd.to_datetime(r["Video publish time"], format="%b %d, %Y")
        assert p["views"] == int(r["Views"]) and p["subscribers"] == int(r["Subscribers"])
    neg = [i + 3 for i, r in enumerate(rows[1:]) if int(r["Subscribers"]) < 0]
    assert e.negatives == {"subscribers": neg}
    assert {"likes", "comments", "shares"} <= set(e.missing)
    assert "add the metric" in e.why_missing["likes"]


def test_youtube_zip_reads_table_data_and_leaves_the_chart():
    e = load("youtube_studio.zip")
    assert e.file == "Table data.csv in youtube_studio.zip"
    assert {"likes", "comments", "shares"} <= set(e.frame.columns)
    assert e.columns_found["comments"] == "Comments added"


# ---------------------------------------------------------------------------------------------
# Near misses: a clear error naming file, column and row, or a load with a note
# ---------------------------------------------------------------------------------------------
def error_of(path: Path, **kw) -> ExportError:
    with pytest.raises(ExportError) as info:
        load_export(path, **kw)
    e = info.value
    assert str(e).startswith(f"{e.file}: ")
    assert e.file.endswith(path.name) or path.name in e.file
    return e


def test_excel_resave_with_rounded_ids_is_refused_naming_column_and_row():
    path = NEAR / "x_tweet_activity_excel_resave.csv"
    first = rows_of(path)[0]["Tweet id"]
    assert re.fullmatch(r"\d\.\d+E\+17", first)                       # what Excel writes
    e = error_of(path)
    assert (e.column, e.row) == ("Tweet id", 2)
    assert "column 'Tweet id', row 2" in str(e) and repr(first) in str(e)
    assert "spreadsheet" in str(e) and "7 more rows" in str(e)


def test_harmless_resave_loads_with_a_note():
    e = load_export(NEAR / "x_tweet_activity_resaved_intact.csv")
    pd.testing.assert_frame_equal(e.frame, load("x_tweet_activity.csv").frame)
    assert any("not quoted" in n for n in e.notes)


def test_utf16_tab_separated_copy_loads_the_same():
    path = NEAR / "x_content_utf16.txt"
    assert path.read_bytes()[:2] == b"\xff\xfe"
    e = load_export(path)
    assert e.encoding == "UTF-16 LE"
    pd.testing.assert_frame_equal(e.frame, load("x_content.csv").frame)
    assert any("UTF-16" in n for n in e.notes) and any("tabs" in n for n in e.notes)


def test_windows_1252_semicolon_copy_loads_the_same_with_a_note():
    path = NEAR / "x_content_windows1252.csv"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    e = load_export(path)
    pd.testing.assert_frame_equal(e.frame, load("x_content.csv").frame)
    assert any("caf\u00e9" in t for t in e.frame["text"])
    assert any("Windows-1252" in n for n in e.notes) and any("semicolons" in n for n in e.notes)


def test_rows_repeated_exactly_are_kept_once():
    e = load_export(NEAR / "x_content_overlap.csv")
    assert len(e.frame) == 6 and any("repeat an earlier row" in n for n in e.notes)


def test_two_rows_with_one_id_and_different_figures_are_refused(tmp_path):
    text = (FIX / "x_content.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    clash = lines[1].rsplit(",", 1)[0] + ",99"
    (tmp_path / "pasted.csv").write_text("\n".join(lines + [clash]) + "\n", encoding="utf-8")
    e = error_of(tmp_path / "pasted.csv")
    assert e.row == len(lines) + 1 and "row 2 and again in row 8" in str(e)


def test_renamed_column_is_named_with_the_nearest_header():
    e = error_of(NEAR / "meta_instagram_renamed_column.csv")
    assert (e.column, e.row) == ("Publish time", 1)
    assert "'Published'" in str(e) and "Instagram" in str(e)


def test_header_case_does_not_matter():
    e = load_export(NEAR / "meta_facebook_lowercase_header.csv")
    pd.testing.assert_frame_equal(e.frame, load("meta_facebook_content.csv").frame)


@pytest.mark.parametrize("name, row", [("tiktok_content_truncated.csv", 7),
                                       ("x_tweet_activity_truncated.csv", 4)])
def test_truncated_file_says_where_it_was_cut(name, row):
    e = error_of(NEAR / name, as_of=AS_OF)
    assert e.row == row and f"row {row}" in str(e) and "cut off" in str(e)


def test_linkedin_sheet_saved_as_csv_loads_with_a_note():
    e = load_export(NEAR / "linkedin_all_posts.csv")
    pd.testing.assert_frame_equal(e.frame, load("linkedin_content.xls").frame)
    assert any("CSV copy" in n for n in e.notes)


def test_wrong_platform_is_refused_when_one_is_asked_for():
    e = error_of(FIX / "x_content.csv", platform="linkedin")
    assert "you asked for LinkedIn" in str(e) and "X analytics content export" in str(e)
    assert load("x_content.csv", platform="twitter").platform == "x"
    e = error_of(FIX / "x_content.csv", platform="myspace")
    assert "'x', 'facebook'" in str(e)


@pytest.mark.parametrize("name, words", [
    ("budget.csv", ["does not recognise", "'Month', 'Channel', 'Budget (USD)'"]),
    ("tiktok_overview.csv", ["Overview.csv", "load Content.csv", "'Date', 'Video Views'"]),
    ("youtube_chart_data.csv", ["'Chart data.csv'", "'Table data.csv'"]),
    ("empty.csv", ["empty"]),
    ("linkedin_content_truncated.xls", ["cannot be read", "download the export again"]),
    ("linkedin_content.xlsx", [".xlsx", "CSV UTF-8"]),
])
def test_unreadable_files_get_a_clear_error(name, words):
    e = error_of(NEAR / name)
    for w in words:
        assert w in str(e), (w, str(e))
    if "does not recognise" in str(e):
        for platform in ("X (", "Facebook (", "Instagram (", "LinkedIn (", "TikTok (",
                         "YouTube ("):
            assert platform in str(e)
    assert "Traceback" not in "\n".join(e._render_traceback_())
    assert isinstance(e, DatasetError)


def test_more_near_misses(tmp_path):
    def write(name: str, text: str) -> Path:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path / name

    x = (FIX / "x_content.csv").read_text(encoding="utf-8")
    header = x.splitlines()[0]
    pasted = write("pasted.csv", x + header + "\n" + x.splitlines()[-1] + "\n")
    p = load_export(pasted)
    assert len(p.frame) == 6 and p.skipped_rows[8].startswith("it repeats the header")
    e = error_of(write("only_header.csv", header + "\n"))
    assert "no posts" in str(e)
    e = error_of(write("deep_header.csv", "note\n" * 7 + x))
    assert "does not recognise" in str(e) and "'note'" in str(e)
    e = error_of(write("bad_count.csv", x.replace(",3426,", ",lots,")))
    assert (e.column, e.row) == ("Impressions", 2) and "'lots' is not a number" in str(e)
    e = error_of(write("half_count.csv", x.replace(",3426,", ",3426.5,")))
    assert "not a whole number" in str(e)
    e = error_of(write("bad_date.csv", x.replace('"Thu, Jul 09, 2026"', "soon")))
    assert (e.column, e.row) == ("Date", 3) and "Tue, Jul 14, 2026" in str(e)
    long_id = x.splitlines()[1].split(",")[0]
    e = error_of(write("float_id.csv", x.replace(long_id, long_id + ".0")))
    assert (e.column, e.row) == ("Post id", 2) and "decimal" in str(e)
    short = load_export(write("short_ids.csv", x.replace(long_id, "12345.0")))
    assert "12345" in set(short.frame["post_id"]) and any("'.0'" in n for n in short.notes)

    li = (NEAR / "linkedin_all_posts.csv").read_text(encoding="utf-8")
    ctr_cell = li.splitlines()[2].split(",")[13]
    imp_cell = li.splitlines()[2].split(",")[9]
    assert len(imp_cell) == 4                     # written "1,511" below, as some tools do
    spelled = li.replace("," + ctr_cell + ",", ",0.26%,", 1).replace(
        "," + imp_cell + ",", ',"1,' + imp_cell[1:] + '",', 1)
    got = load_export(write("percent_cells.csv", spelled)).frame
    row = got.set_index("text").loc["We are hiring a head roaster for our new roastery."]
    assert row["ctr"] == pytest.approx(0.0026) and row["impressions"] == int(imp_cell)

    tt = (FIX / "tiktok_content.csv").read_text(encoding="utf-8-sig")
    e = error_of(write("numeric_dates.csv", tt.replace("Dec 23", "12/23")), as_of=AS_OF)
    assert (e.column, e.row) == ("Post time", 2) and "no month name" in str(e)
    e = error_of(write("relative_dates.csv", tt.replace("Dec 23", "2 days ago")), as_of=AS_OF)
    assert (e.column, e.row) == ("Post time", 2)

    fb = (FIX / "facebook_insights_posts.csv").read_text(encoding="utf-8")
    mixed = fb.replace("10/1/2015 11:00", "13/10/2015 11:00").replace("10/2/2015", "10/14/2015")
    e = error_of(write("mixed_dates.csv", mixed))
    assert "mixes month/day and day/month" in str(e) and e.column == "Posted"


def test_missing_file_and_folder_say_where_to_put_an_export(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    e = error_of(Path("my-data/nothing.csv"))
    assert "no such file" in str(e) and "my-data/" in str(e)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.csv").write_text("x", encoding="utf-8")
    e = error_of(Path("exports"))
    assert "folder" in str(e) and "a.csv" in str(e)


def test_relative_paths_are_found_from_the_course_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)   # e.g. a notebook in lessons/
    e = load_export("tests/fixtures/exports/x_content.csv")
    assert len(e.frame) == 6


# ---------------------------------------------------------------------------------------------
# The API: re-exported by widgets.data, report helpers, privacy
# ---------------------------------------------------------------------------------------------
def test_data_reexports_load_export_and_its_error():
    a = data.load_export(FIX / "x_content.csv")
    b = load_export(FIX / "x_content.csv")
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert issubclass(ExportError, DatasetError) and "load_export" in data.__all__
    assert "load_export" in data.__doc__
    assert "locally" in load_export.__doc__ and "nothing is uploaded" in load_export.__doc__
    assert len(supported()) == 6


def test_followers_given_by_the_learner_are_an_estimate():
    e = load("meta_instagram_content.csv", followers=12000)
    assert "followers" not in e.missing and (e.frame["followers"] == 12000).all()
    assert str(e.frame["followers"].dtype) == "Int64"
    assert "12,000" in e.estimated["followers"]
    with pytest.raises(ExportError, match="whole number"):
        load("meta_instagram_content.csv", followers="many")


def test_require_names_what_a_view_needs_in_one_sentence():
    e = load("tiktok_content.csv")
    assert e.require("likes", "comments") is e.frame
    with pytest.raises(ExportError) as info:
        e.require("comments", "reach")
    msg = str(info.value)
    assert msg.startswith("tiktok_content.csv: this TikTok") and "'reach'" in msg
    assert "no reach per video" in msg and msg.count(". ") == 0


def test_loading_only_reads_never_writes_or_connects(tmp_path, monkeypatch):
    folder = tmp_path / "my-data"
    shutil.copytree(FIX, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    before = {p: (sha(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}

    def no_network(*args, **kwargs):
        raise AssertionError("the export loader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    loaded = 0
    for p in sorted(before):
        try:
            load_export(p, as_of=AS_OF)
            loaded += 1
        except ExportError:
            pass
    assert loaded >= len(LAYOUTS)
    after = {p: (sha(p), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    assert after == before


def test_loading_is_fast():
    start = time.perf_counter()
    for name in LAYOUTS:
        load(name)
    assert time.perf_counter() - start < 3.0


# ---------------------------------------------------------------------------------------------
# README: "Use your own data", and my-data/ stays out of git
# ---------------------------------------------------------------------------------------------
def test_readme_says_which_export_to_download_and_where_to_put_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Checking an exercise") < readme.index("## Use your own data")
    section = readme.split("## Use your own data", 1)[1].split("\n## ", 1)[0]
    for platform in ("X", "Facebook", "Instagram", "LinkedIn", "TikTok", "YouTube"):
        assert platform in section
    assert "my-data/" in section and "load_export(" in section and "```bash" not in section
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "my-data/" in ignored


def test_describe_is_plain_english():
    e = load("meta_facebook_content.csv")
    text = e.describe()
    first = text.splitlines()[0]
    assert first == ("Recognised: Meta Business Suite content export (Facebook), 6 posts from "
                     f"{e.frame.posted_at.min().day} Jan 2025 to "
                     f"{e.frame.posted_at.max().day} Feb 2025; missing: style, followers.")
    assert "Nothing was written or sent anywhere." in text
    assert io.StringIO(text).read().count("Traceback") == 0
