"""The synthetic data world: generator determinism, loader schema, calibration, loader errors.

The real, published files (facebook_metrics.csv) are checked in tests/test_real_data.py.

Calibration targets come from the course's fact sheet and are restated in datasets/README.md.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from widgets import data  # noqa: E402
from widgets.data import DatasetError  # noqa: E402

DATASETS = ROOT / "datasets"
GENERATOR = DATASETS / "generate.py"
#: Real, published datasets (not made by the generator; their own tests check them).
REAL_FILES = {f"{n}.csv" for n in data.published()}


def _generator():
    spec = importlib.util.spec_from_file_location("course_datasets_generate", GENERATOR)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def eta2(values, groups) -> float:
    """Share of the variance of ``values`` explained by the group means (eta squared)."""
    y = pd.Series(np.asarray(values, dtype=float))
    g = pd.Series(np.asarray(groups))
    means = y.groupby(g).transform("mean")
    return float(((means - y.mean()) ** 2).sum() / ((y - y.mean()) ** 2).sum())


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------
def test_generator_reproduces_committed_files_byte_for_byte():
    """Every CSV but the real, published files (data.published(); tests/test_real_data.py checks
    those against their published checksums and counts) is the generator's output."""
    files = _generator().render_all()
    assert REAL_FILES == {"airline_tweets.csv", "facebook_metrics.csv"}
    assert not REAL_FILES & set(files), "the generator must not make or check a real file"
    assert sorted(files) == sorted(p.name for p in DATASETS.glob("*.csv") if p.name not in REAL_FILES)
    differ = [n for n, b in files.items() if (DATASETS / n).read_bytes() != b]
    assert differ == [], f"regenerate with python datasets/generate.py: {differ}"
    for b in files.values():
        assert b"\r" not in b and not b.startswith(b"\xef\xbb\xbf")


def test_generator_check_flag_names_files_that_differ(tmp_path):
    gen = _generator()
    for name, b in gen.render_all().items():
        (tmp_path / name).write_bytes(b)
    ok = subprocess.run([sys.executable, str(GENERATOR), "--check", "--out", str(tmp_path)],
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "ideas.csv").write_bytes(b"idea_id\n")
    bad = subprocess.run([sys.executable, str(GENERATOR), "--check", "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1
    assert "ideas.csv" in bad.stderr and "posts.csv" not in bad.stderr


def test_generator_is_standalone_and_importable_without_side_effects():
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert "widgets" not in imported
    before = {p: p.stat().st_mtime_ns for p in DATASETS.glob("*.csv")}
    _generator()  # importing must not write anything
    assert before == {p: p.stat().st_mtime_ns for p in DATASETS.glob("*.csv")}


def test_survey_hides_the_true_groups_but_kmeans_recovers_them():
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from sklearn.preprocessing import StandardScaler

    df, groups = _generator().build_survey(return_groups=True)
    survey = data.load("survey")
    assert not {"group", "segment", "cluster"} & set(survey.columns)
    needs = [c for c in survey.columns if c.startswith("need_")]
    labels = KMeans(n_clusters=5, random_state=0, n_init=10).fit_predict(
        StandardScaler().fit_transform(survey[needs]))
    assert adjusted_rand_score(groups, labels) > 0.8


# ---------------------------------------------------------------------------------------------
# Loader: schema and behaviour
# ---------------------------------------------------------------------------------------------
def test_names_match_the_csv_files():
    assert sorted(data.names()) == sorted(p.stem for p in DATASETS.glob("*.csv"))


@pytest.mark.parametrize("name", data.names())
def test_every_dataset_loads_with_declared_dtypes(name):
    df = data.load(name)
    sch = data.SCHEMAS[name]
    assert list(df.columns) == [c.name for c in sch.columns]
    assert len(df) > 0
    for c in sch.columns:
        s = df[c.name]
        if c.kind == "int":
            assert s.dtype == ("Int64" if c.nullable else "int64"), c.name
        elif c.kind == "float":
            assert s.dtype == "float64", c.name
        elif c.kind == "bool":
            assert s.dtype == ("boolean" if c.nullable else "bool"), c.name
        elif c.kind in ("datetime", "date"):
            assert pd.api.types.is_datetime64_dtype(s), c.name
        elif c.kind == "datetime_tz":
            assert isinstance(s.dtype, pd.DatetimeTZDtype), c.name
        elif c.kind == "category":
            assert isinstance(s.dtype, pd.CategoricalDtype), c.name
            assert list(s.cat.categories) == list(c.categories), c.name
            assert s.cat.ordered == c.ordered
        else:
            assert pd.api.types.is_string_dtype(s), c.name
        if not c.nullable:
            assert s.notna().all(), f"{name}.{c.name} has missing values"
        if c.min is not None and c.kind in ("int", "float"):
            assert s.min() >= c.min
        if c.max is not None and c.kind in ("int", "float"):
            assert s.max() <= c.max


def test_posts_has_the_columns_lesson_00_relies_on():
    posts = data.load("posts")
    required = ["post_id", "platform", "posted_at", "format", "style", "text", "followers",
                "impressions", "reach", "likes", "comments", "shares", "clicks"]
    assert set(required) <= set(posts.columns)
    assert list(posts["style"].cat.categories) == ["broadcast", "question", "reply",
                                                   "user_content", "behind_the_scenes"]
    assert set(posts["platform"].cat.categories) == {"facebook", "instagram", "x", "tiktok"}
    assert posts["post_id"].is_unique and posts["post_id"].str.match(r"^P\d{5}$").all()
    assert (posts["reach"] <= posts["impressions"]).all()


def test_load_returns_a_fresh_copy_each_time():
    a = data.load("posts")
    a.loc[:, "likes"] = -1
    a.pop("text")
    b = data.load("posts")
    assert "text" in b.columns and (b["likes"] >= 0).all()


def test_unknown_dataset_name_suggests_the_right_one():
    with pytest.raises(DatasetError, match="Did you mean 'posts'"):
        data.load("post")


def test_schema_describes_every_column():
    s = data.schema("comments")
    assert list(s["column"]) == list(data.load("comments").columns)
    assert s.set_index("column").loc["brand_replied", "dtype"] == "boolean"


def test_loader_imports_only_stdlib_pandas_numpy():
    tree = ast.parse((ROOT / "widgets" / "data.py").read_text(encoding="utf-8"))
    mods = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
            for a in n.names}
    mods |= {n.module.split(".")[0] for n in ast.walk(tree)
             if isinstance(n, ast.ImportFrom) and n.module}
    # "widgets": the re-exported load_export (widgets.exports), first-party, imported lazily
    third_party = mods - set(sys.stdlib_module_names) - {"__future__", "widgets"}
    assert third_party == {"pandas", "numpy"}


def test_readme_has_a_card_for_every_file_and_column():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in readme
    for name in data.names():
        assert f"{name}.csv" in readme, name
        for c in data.SCHEMAS[name].columns:
            assert f"`{c.name}`" in readme, f"{name}.{c.name} is not described"


def test_total_size_is_small():
    total = sum(p.stat().st_size for p in DATASETS.glob("*.csv"))
    assert total < 15_000_000


# ---------------------------------------------------------------------------------------------
# Calibration: lesson 01, campaigns
# ---------------------------------------------------------------------------------------------
def test_campaign_totals_equal_the_sum_of_their_audience_cells():
    c = data.load("campaigns").set_index("campaign_id")
    r = data.load("campaign_results").groupby("campaign_id")[
        ["impressions", "clicks", "conversions"]].sum()
    pd.testing.assert_frame_equal(c[["impressions", "clicks", "conversions"]].sort_index(),
                                  r.sort_index(), check_names=False)
    assert (c["reach"] <= c["impressions"]).all() and 24 <= len(c) <= 40
    assert set(c["year"]) == set(range(2019, 2024))


def test_population_shares_are_one_census_for_every_campaign():
    r = data.load("campaign_results")
    assert np.allclose(r.groupby("campaign_id")["population_share"].sum(), 1.0)
    per_cell = r.groupby(["age_band", "income_band", "region"], observed=True)["population_share"]
    assert (per_cell.nunique() == 1).all()


def _on_target(r: pd.DataFrame) -> pd.DataFrame:
    """Per campaign: impressions on target, all impressions, the target's population share."""
    inside = r[r["in_target"]]
    return pd.DataFrame({
        "on": inside.groupby("campaign_id")["impressions"].sum(),
        "all": r.groupby("campaign_id")["impressions"].sum(),
        "pop": inside.groupby("campaign_id")["population_share"].sum(),
    })


def test_delivery_beats_chance_but_narrow_targets_get_few_impressions():
    """Built in (TARGETING_ODDS, GEO_TARGETING_ODDS): every buy tilts impressions towards its
    target, yet a target of a few percent of adults gets only a few percent of the impressions."""
    t = _on_target(data.load("campaign_results"))
    share = t["on"] / t["all"]
    assert (share > t["pop"]).all()
    assert share.max() < 0.2 and 0.03 <= t["on"].sum() / t["all"].sum() <= 0.12
    assert t["pop"].max() < 0.1  # the briefs are narrow: no target holds a tenth of the adults


def test_broad_target_delivery_is_near_nielsens_benchmark():
    """Calibration: the median odds ratio of TV's buys, applied to people aged 25-54 (about half
    the adults), gives an on-target share near Nielsen DAR's 59% (Europe, through 2H 2016)."""
    c = data.load("campaigns").set_index("campaign_id")
    r = data.load("campaign_results")
    pop = r.drop_duplicates(["age_band", "income_band", "region"])
    odds = []
    for cid in c.index[c["channel"] == "tv"]:
        rows = r[r["campaign_id"] == cid]
        band = ((rows["age_band"] == c.loc[cid, "target_age_band"])
                & (rows["income_band"] == c.loc[cid, "target_income_band"]))
        s = rows.loc[band, "impressions"].sum() / rows["impressions"].sum()
        p = pop.loc[(pop["age_band"] == c.loc[cid, "target_age_band"])
                    & (pop["income_band"] == c.loc[cid, "target_income_band"]), "population_share"].sum()
        odds.append((s / (1 - s)) / (p / (1 - p)))
    p = pop.loc[pop["age_band"].isin(["25-34", "35-44", "45-54"]), "population_share"].sum()
    k = float(np.median(odds))
    assert 0.50 <= k * p / (k * p + 1 - p) <= 0.68


def test_targeted_people_buy_slightly_more_often_inside_each_campaign():
    """Built in (IN_TARGET_LIFT = 1.15): compared inside each campaign, the target's conversions
    per impression are 5-30% above everyone else's; and most buyers are outside the target."""
    r = data.load("campaign_results")
    g = r.groupby(["campaign_id", "in_target"])[["impressions", "conversions"]].sum().unstack()
    a, t1 = g[("conversions", True)], g[("impressions", True)]
    b, t0 = g[("conversions", False)], g[("impressions", False)]
    mantel_haenszel = (a * t0 / (t0 + t1)).sum() / (b * t1 / (t0 + t1)).sum()
    assert 1.05 <= mantel_haenszel <= 1.30
    outside = r.loc[~r["in_target"], "conversions"].sum() / r["conversions"].sum()
    assert outside > 0.8


def test_reach_ranking_differs_from_conversion_ranking():
    c = data.load("campaigns")
    assert c.loc[c["reach"].idxmax(), "campaign_id"] != c.loc[c["conversions"].idxmax(),
                                                               "campaign_id"]
    overall = c["reach"].rank().corr(c["conversions"].rank())
    assert overall < 0.6
    within = [p["reach"].rank().corr(p["conversions"].rank())
              for _, p in c.groupby("channel", observed=True) if len(p) >= 3]
    assert np.median(within) > overall + 0.2  # Simpson: stronger inside a channel than pooled


def test_display_click_through_matches_published_rates():
    c = data.load("campaigns")
    d = c[c["channel"] == "display"]
    ctr = d["clicks"].sum() / d["impressions"].sum() * 100
    assert 0.04 <= ctr <= 0.12  # DoubleClick ~0.1%, 0.05-0.09% in 2016-2018
    cpm = (c["spend_usd"] / c["impressions"] * 1000).groupby(c["channel"], observed=True).median()
    assert cpm["tv"] > cpm["outdoor"] and cpm["display"] < cpm["tv"]


# ---------------------------------------------------------------------------------------------
# Lesson 02, survey
# ---------------------------------------------------------------------------------------------
def test_demographics_explain_little_of_each_need():
    s = data.load("survey")
    assert 4000 <= len(s) <= 6000
    needs = [c for c in s.columns if c.startswith("need_")]
    assert 5 <= len(needs) <= 7
    for demo in ["age_band", "income_band", "region"]:
        for n in needs:
            assert eta2(s[n], s[demo]) < 0.10, (n, demo)
    # not zero either: demographics carry a trace of signal
    assert max(eta2(s[n], s["income_band"]) for n in needs) > 0.003


def test_need_based_clusters_explain_most_and_cut_across_demographics():
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    s = data.load("survey")
    needs = [c for c in s.columns if c.startswith("need_")]
    labels = KMeans(n_clusters=5, random_state=0, n_init=10).fit_predict(
        StandardScaler().fit_transform(s[needs]))
    scores = [eta2(s[n], labels) for n in needs]
    assert np.mean(scores) > 0.5
    share = pd.crosstab(labels, s["age_band"], normalize="index")
    assert (share > 0.05).all().all()  # every cluster has people of every age band
    assert set(s["top_need"].cat.categories) == {n.removeprefix("need_") for n in needs}


# ---------------------------------------------------------------------------------------------
# Lesson 03, exposure and trust
# ---------------------------------------------------------------------------------------------
def _exposure_bins():
    e = data.load("exposure")
    bins = pd.cut(e["messages_seen"], [0, 100, 200, 300, 400, 500, 600, 800])
    return e, e.groupby(bins, observed=True)[
        ["attention_pct", "messages_noticed", "recall", "trust"]].mean()


def test_exposure_spans_the_disputed_range():
    e, _ = _exposure_bins()
    assert e["messages_seen"].min() <= 60 and e["messages_seen"].max() >= 700
    assert 250 <= e["messages_seen"].median() <= 450  # Media Dynamics 2014: ~360
    assert (e["messages_noticed"] <= e["messages_seen"]).all()


def test_attention_has_diminishing_returns_and_recall_saturates():
    e, b = _exposure_bins()
    assert b["attention_pct"].is_monotonic_decreasing
    noticed = b["messages_noticed"].to_numpy()
    gains = np.diff(noticed)
    assert gains[0] > 3 * gains[-1] > 0  # each extra 100 messages adds less
    near_360 = e.loc[e["messages_seen"].between(330, 390), "messages_noticed"].mean()
    assert 120 <= near_360 <= 180  # Media Dynamics: ~150-155 noticed
    recall = b["recall"].to_numpy()
    peak = int(np.argmax(recall))
    assert 0 < peak < len(recall) - 1  # rises, then falls
    assert recall[-1] < 0.75 * recall[peak]


def test_trust_falls_with_overload_and_rises_with_relevance():
    e, b = _exposure_bins()
    assert e["trust"].corr(e["messages_seen"]) < -0.3
    assert e["trust"].corr(e["relevance"]) > 0.2
    assert b["trust"].iloc[0] - b["trust"].iloc[-1] > 1.5


def test_trust_sources_are_the_published_nielsen_figures():
    t = data.load("trust_sources")
    y15 = t[t["year"] == 2015].set_index("source")["pct_trusting"]
    assert y15["recommendations from people I know"] == 83
    assert y15["consumer opinions posted online"] == 66
    assert y15["ads on TV"] == 63
    assert t["real_data"].all() and t["citation"].str.contains("Nielsen").all()


# ---------------------------------------------------------------------------------------------
# Lessons 00/04/09, posts and comments
# ---------------------------------------------------------------------------------------------
RIVAL_IQ_MEDIAN_PCT = {"facebook": 0.06, "instagram": 0.47, "x": 0.035, "tiktok": 4.0}
POSTS_PER_WEEK = {"facebook": 5.0, "instagram": 4.5, "x": 3.9, "tiktok": 1.75}


def test_posting_volume_matches_rival_iq():
    p = data.load("posts")
    weeks = (p["posted_at"].max() - p["posted_at"].min()).days / 7
    assert 100 <= weeks <= 105 and 1400 <= len(p) <= 1800
    per_week = p["platform"].value_counts() / weeks
    for plat, target in POSTS_PER_WEEK.items():
        assert abs(per_week[plat] / target - 1) < 0.2, plat


def test_engagement_by_followers_matches_rival_iq_medians():
    p = data.load("posts")
    rate = (p["likes"] + p["comments"] + p["shares"]) / p["followers"] * 100
    med = rate.groupby(p["platform"], observed=True).median()
    for plat, target in RIVAL_IQ_MEDIAN_PCT.items():
        assert target / 2 <= med[plat] <= target * 2, (plat, med[plat])
    assert med["tiktok"] > med["instagram"] > med["facebook"] > med["x"]


def test_conversational_styles_earn_more_comments_and_somewhat_more_clicks():
    p = data.load("posts")
    conv = p["style"] != "broadcast"
    cpf = p["comments"] / p["followers"]
    ratio = cpf[conv].mean() / cpf[~conv].mean()
    assert 1.4 <= ratio <= 2.6
    by_style = cpf.groupby(p["style"], observed=True).mean()
    assert (by_style.drop("broadcast") > 1.1 * by_style["broadcast"]).all()
    ctr = p["clicks"] / p["impressions"]
    click_ratio = ctr[conv].mean() / ctr[~conv].mean()
    assert 1.05 <= click_ratio <= 1.5
    # honest effect: within a platform, many broadcast posts beat the conversational median
    fb = p["platform"] == "facebook"
    assert (cpf[fb & ~conv] > cpf[fb & conv].median()).mean() > 0.2


def test_comments_file_matches_comment_counts_and_reply_structure():
    p = data.load("posts")
    c = data.load("comments")
    per_post = c.groupby("post_id").size().reindex(p["post_id"], fill_value=0)
    assert (per_post.to_numpy() == p["comments"].to_numpy()).all()
    top = c["parent_id"].isna()
    assert c.loc[top, "brand_replied"].notna().all() and c.loc[~top, "brand_replied"].isna().all()
    replied = set(c.loc[c["is_brand"], "parent_id"])
    assert (c.loc[top, "brand_replied"] == c.loc[top, "comment_id"].isin(replied)).all()
    assert (c.loc[c["is_brand"], "author_id"] == "copperpot_coffee").all()
    by_id = c.set_index("comment_id")
    rep = c[~top]
    assert (by_id.loc[rep["parent_id"], "post_id"].to_numpy() == rep["post_id"].to_numpy()).all()
    assert (by_id.loc[rep["parent_id"], "commented_at"].to_numpy()
            <= rep["commented_at"].to_numpy()).all()
    posted = p.set_index("post_id")["posted_at"]
    assert (c["commented_at"].to_numpy() > posted.loc[c["post_id"]].to_numpy()).all()
    assert 0.1 < c["is_brand"].mean() < 0.35 and len(c) < 40_000


# ---------------------------------------------------------------------------------------------
# Lesson 05, mentions
# ---------------------------------------------------------------------------------------------
def test_vader_agrees_with_intended_sentiment_on_at_least_80_percent():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    m = data.load("mentions")
    assert 5000 <= len(m) <= 15000
    sia = SentimentIntensityAnalyzer()
    comp = np.array([sia.polarity_scores(t)["compound"] for t in m["text"]])
    label = np.where(comp >= 0.05, "positive", np.where(comp <= -0.05, "negative", "neutral"))
    agree = (label == m["intended_sentiment"].astype(str).to_numpy()).mean()
    assert 0.80 <= agree < 0.99  # good, not perfect: sarcasm and mixed messages fool it


def test_mentions_have_variety_and_one_crisis_that_starts_small():
    m = data.load("mentions")
    assert m["topic"].nunique() == 6 and m["kind"].nunique() == 5
    assert m["text"].nunique() > 500
    daily = m.set_index("mentioned_at").resample("D").size()
    peak_day = daily.idxmax()
    assert daily.max() > 8 * daily.median()
    app = m[m["topic"] == "app"].set_index("mentioned_at").resample("D").size()
    start = peak_day - pd.Timedelta(days=5)
    assert app[start] < 0.2 * app[peak_day]  # a handful of complaints five days earlier
    assert daily[peak_day + pd.Timedelta(days=10)] < 0.3 * daily.max()  # then it decays
    assert daily[daily > 3 * daily.median()].index.nunique() <= 20  # one spike, not many


# ---------------------------------------------------------------------------------------------
# Lesson 05, the real airline tweets (published counts: datasets/README.md, FACTS)
# ---------------------------------------------------------------------------------------------
TWEETS = DATASETS / "airline_tweets.csv"
#: The course's redacted copy (datasets/redact_airline_tweets.py run on the published Tweets.csv).
TWEETS_SHA256 = "a0f2244a024385a59d38b8af2cc08b5179c164c5afa2463acf1d99c1be20c6d4"
PUBLISHED_SHA256 = "ea94b23f41892b290dec3330bb8cf9cb6b8bc669eaae5f3a84c40f7b0de8f15e"
UNREDACTED_SHA256 = "e98520fcada59a3beb13c4d8975c5e8a9459283cb2d91714a516dd8437fd7789"


def _redactor():
    spec = importlib.util.spec_from_file_location("course_redact_airline_tweets",
                                                  DATASETS / "redact_airline_tweets.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _tweet_texts() -> list[str]:
    import csv
    import io

    return [r["text"] for r in csv.DictReader(io.StringIO(TWEETS.read_text(encoding="utf-8")))]


def test_airline_tweets_is_the_redacted_copy_byte_for_byte():
    import hashlib

    assert hashlib.sha256(TWEETS.read_bytes()).hexdigest() == TWEETS_SHA256
    assert not TWEETS.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" not in TWEETS.read_bytes()
    assert "airline_tweets.csv" not in _generator().render_all()  # the generator never writes it
    redact = _redactor()  # it takes the published file, or the course's earlier unredacted copy
    assert (redact.PUBLISHED_SHA256, redact.UNREDACTED_SHA256) == (PUBLISHED_SHA256, UNREDACTED_SHA256)
    assert redact.OUTPUT == TWEETS and list(redact.KEPT_COLUMNS) == list(data.load("airline_tweets").columns)
    with pytest.raises(SystemExit, match="not the published Tweets.csv"):
        redact.redact_file(TWEETS.read_bytes())  # it refuses any other input


def test_the_redaction_rules_on_made_up_tweets():
    r = _redactor().redact_text
    counts = __import__("collections").Counter()
    assert r("@VirginAmerica What @someone said. cc @DELTA @DeltaAssist", counts) == (
        "@VirginAmerica What @user said. cc @DELTA @DeltaAssist")
    assert r("mail me: a.b@example.com or call (555)555-0100 &amp; @JetBlue, flight 2646", counts) == (
        "mail me: [e-mail] or call [phone] &amp; @JetBlue, flight 2646")
    assert r("Conf# AB1C2D and record locator QWERTY; my name is Ann Other. Case #1234567", counts) == (
        "Conf# [code] and record locator [code]; my name is [name]. Case #[code]")
    assert r("ticket 0161234567890, bag tag 0016 123456, K7X2PQ please", counts) == (
        "ticket [code], bag tag [code], [code] please")
    kept = ("flight UA1130 (N26902) at 1030pm, 150000 miles, 99.9999999% sure, "
            "http://t.co/Ab1Cd2EfG3 PLEASE HELP, SW900001-x")
    assert r(kept, counts) == kept  # flight numbers, registrations, times, miles, links, shouting
    assert counts == {"handle": 1, "email": 1, "phone": 1, "code": 6, "name": 1}


def test_airline_tweets_texts_hold_no_personal_details():
    """The shipped texts: no e-mail address, phone number, long number or other person's @handle;
    the redaction is complete (running it again changes nothing); its counts are the card's."""
    import re

    from widgets.models import listening

    redact = _redactor()
    texts = _tweet_texts()
    assert len(texts) == 14_640 and texts[0] == "@VirginAmerica What @user said."
    assert [t for t in texts if redact.redact_text(t) != t] == []
    shown = [redact._URL.sub(" ", t) for t in texts]  # links (t.co) hold letters and digits
    for pattern in (listening._EMAIL, listening._PHONE, re.compile(r"(?<![\w.])\d{7,}(?!\.\d)")):
        assert [t for t in shown if pattern.search(t)] == [], pattern.pattern
    kept = {h.lower() for h in redact.AIRLINE_ACCOUNTS} | {"@user"}
    assert {h.lower() for t in texts for h in listening._MENTION.findall(t)} <= kept
    rows = {mask: sum(mask in t for t in texts) for mask in ("@user", "[e-mail]", "[phone]", "[code]",
                                                             "[name]")}
    assert rows == {"@user": 1_140, "[e-mail]": 16, "[phone]": 30, "[code]": 99, "[name]": 6}
    card = (DATASETS / "README.md").read_text(encoding="utf-8").split("## airline_tweets.csv", 1)[1]
    for n in ("1,140", "1,332", "16", "30", "99", "115", "6", "1,273"):
        assert n in card.split("\n## ", 1)[0], n


def test_airline_tweets_match_the_published_counts():
    t = data.load("airline_tweets")
    assert len(t) == 14_640 and t["tweet_id"].nunique() == 14_485
    repeats = t["tweet_id"].value_counts()
    assert (repeats > 1).sum() == 155 and repeats.max() == 2  # the key is not unique: 155 ids twice
    assert t["airline_sentiment"].value_counts().to_dict() == {
        "negative": 9_178, "neutral": 3_099, "positive": 2_363}
    assert t["airline"].value_counts().to_dict() == {
        "United": 3_822, "US Airways": 2_913, "American": 2_759, "Southwest": 2_420, "Delta": 2_222,
        "Virgin America": 504}
    assert t["negativereason"].value_counts().to_dict() == {
        "Customer Service Issue": 2_910, "Late Flight": 1_665, "Can't Tell": 1_190,
        "Cancelled Flight": 847, "Lost Luggage": 724, "Bad Flight": 580,
        "Flight Booking Problems": 529, "Flight Attendant Complaints": 481, "longlines": 178,
        "Damaged Luggage": 74}
    assert t["negativereason"].isna().sum() == 5_462
    assert (t["negativereason"].notna() == (t["airline_sentiment"] == "negative")).all()


def test_airline_tweets_keep_full_ids_offsets_confidences_and_retweets():
    t = data.load("airline_tweets")
    assert pd.api.types.is_string_dtype(t["tweet_id"]) and t["tweet_id"].str.fullmatch(r"\d{18}").all()
    assert t["tweet_id"].iat[0] == "570306133677760513"
    assert t["tweet_id"].str.endswith("000").sum() == 84  # genuine ids, also in Kaggle's sqlite
    created = t["tweet_created"]
    assert str(created.dt.tz) == "UTC-08:00"
    assert created.min() == pd.Timestamp("2015-02-16 23:36:05-0800")
    assert created.max() == pd.Timestamp("2015-02-24 11:53:37-0800")
    assert created.iat[0].utcoffset() == pd.Timedelta(hours=-8)
    assert t["airline_sentiment_confidence"].between(0.3, 1).all()
    assert (t["airline_sentiment_confidence"] == 1).sum() == 10_445
    assert t["negativereason_confidence"].isna().sum() == 4_118
    assert t["retweet_count"].sum() > 0 and t["retweet_count"].max() >= 20
    assert not {"name", "tweet_coord", "tweet_location", "user_timezone"} & set(t.columns)
    assert "\n" in "".join(t["text"])  # quoted line breaks inside texts survive


def _rewrite_tweets(folder: Path, change) -> Path:
    """A copy of the tweets with ``change(row)`` applied to every data row (csv module)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(TWEETS.read_text(encoding="utf-8"))))
    header = rows[0]
    out = [header] + [change(dict(zip(header, r, strict=True))) for r in rows[1:]]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [r if isinstance(r, list) else [r[h] for h in header] for r in out])
    (folder / "airline_tweets.csv").write_text(buf.getvalue(), encoding="utf-8")
    return folder


def _excel_date(value: str) -> str:
    t = pd.Timestamp(value)
    return f"{t.month}/{t.day}/{t:%y} {t.hour}:{t:%M}"


@pytest.mark.parametrize("change, column, phrase", [
    (lambda r: {**r, "tweet_id": f"{float(r['tweet_id']):.5E}"}, "tweet_id", "scientific notation"),
    (lambda r: {**r, "tweet_id": r["tweet_id"][:15] + "000"}, "tweet_id", "end in 000"),
    (lambda r: {**r, "tweet_id": r["tweet_id"][:-1]}, "tweet_id", "not an id of 18 digits"),
    (lambda r: {**r, "tweet_created": _excel_date(r["tweet_created"])}, "tweet_created",
     "a spreadsheet may have rewritten the dates"),
    (lambda r: {**r, "tweet_created": r["tweet_created"][:-6]}, "tweet_created", "UTC offset"),
], ids=["ids-5.70306E+17", "ids-rounded-to-000", "ids-short", "dates-2/24/15 11:35", "no-offset"])
def test_a_spreadsheet_mangled_copy_is_rejected_naming_file_column_and_row(tmp_path, change, column,
                                                                           phrase):
    err = _fails("airline_tweets", _rewrite_tweets(tmp_path, change))
    msg = str(err)
    assert "airline_tweets.csv" in msg and f"'{column}'" in msg and phrase in msg
    assert "row 1 (line 2 of the file)" in msg and (err.file, err.column, err.row) == (
        "airline_tweets.csv", column, 1)
    assert "git checkout -- datasets/airline_tweets.csv" in err._render_traceback_()[1]


def test_one_mangled_row_is_named_by_its_line_even_after_multi_line_texts(tmp_path):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(TWEETS.read_text(encoding="utf-8"))))
    bad = 300  # data row 300 comes after texts with line breaks in them
    assert any("\n" in r[7] for r in rows[1:bad])
    rows[bad][8] = "2/24/15 11:35"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (tmp_path / "airline_tweets.csv").write_text(buf.getvalue(), encoding="utf-8")
    line = next(i for i, text in enumerate(buf.getvalue().split("\n"), 1) if "2/24/15 11:35" in text)
    assert line > bad + 1
    msg = str(_fails("airline_tweets", tmp_path))
    assert f"row {bad} (line {line} of the file)" in msg


def test_a_few_genuine_ids_ending_in_000_are_accepted(tmp_path):
    folder = _rewrite_tweets(tmp_path, lambda r: r)
    assert len(data.load("airline_tweets", folder=folder)) == 14_640


def test_windows_line_endings_load_the_same(tmp_path):
    (tmp_path / "airline_tweets.csv").write_bytes(TWEETS.read_bytes().replace(b"\n", b"\r\n"))
    a, b = data.load("airline_tweets", folder=tmp_path), data.load("airline_tweets")
    assert len(a) == len(b) and (a["tweet_id"] == b["tweet_id"]).all()


def test_airline_tweets_card_says_source_licence_what_was_removed_and_who_tweets():
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    card = readme.split("## airline_tweets.csv", 1)[1].split("\n## ", 1)[0]
    for phrase in ("CC BY-NC-SA 4.0", "Crowdflower", "Kaggle", "14,640", "14,485", "155",
                   "name", "tweet_coord", "tweet_location", "user_timezone", "gold",
                   "not a sample of passengers", "this file, not the course's code", TWEETS_SHA256,
                   PUBLISHED_SHA256, UNREDACTED_SHA256, "redact_airline_tweets.py", "@user",
                   "[e-mail]", "[phone]", "[code]", "[name]"):
        assert phrase.lower() in card.lower(), phrase


# ---------------------------------------------------------------------------------------------
# Lesson 06, support threads
# ---------------------------------------------------------------------------------------------
def test_brands_answer_a_minority_and_slower_than_people_expect():
    t = data.load("support_threads")
    answered = t["first_response_minutes"].notna()
    assert 0.2 <= answered.mean() <= 0.5
    assert ((t["reply_style"] == "none") == ~answered).all()
    within_hour = (t["first_response_minutes"] <= 60).mean()
    assert within_hour < 0.53  # Lithium 2013: 53% expect a reply within the hour


def test_fast_replies_pay_off_like_the_twitter_airline_study():
    t = data.load("support_threads")
    none = t.loc[t["reply_style"] == "none", "later_spend_usd"].mean()
    rep = t[t["reply_style"] != "none"]
    any_reply = rep["later_spend_usd"].mean() - none
    fast = rep.loc[rep["first_response_minutes"] <= 6, "later_spend_usd"].mean() - none
    slow = rep.loc[rep["first_response_minutes"] > 60, "later_spend_usd"].mean() - none
    assert 4 <= any_reply <= 16  # ~$9
    assert 12 <= fast <= 30  # ~$20 within 6 minutes
    assert -4 <= slow <= 8  # ~$2.33 after an hour
    assert fast > slow + 8


def test_replies_improve_sentiment_personal_more_than_template():
    t = data.load("support_threads")
    gain = t["sentiment_after"] - t["sentiment_before"]
    by = gain.groupby(t["reply_style"], observed=True).mean()
    assert by["personal"] > by["template"] > by["none"]
    rep = t["reply_style"] != "none"
    more_favourable = (gain[rep] > 0).mean()
    assert 0.6 <= more_favourable <= 0.85  # Twitter (2016): 69% would feel more favourable after a reply
    res = t["resolved"].groupby(t["reply_style"], observed=True).mean()
    assert res["personal"] > res["template"] > res["none"]


# ---------------------------------------------------------------------------------------------
# Lesson 07, ideas and the reply network
# ---------------------------------------------------------------------------------------------
def test_idea_funnel_is_narrow_and_votes_are_heavy_tailed():
    i = data.load("ideas")
    assert (i["implemented"] == (i["status"] == "implemented")).all()
    assert 0.005 <= i["implemented"].mean() <= 0.05
    counts = i["status"].value_counts(normalize=True)
    assert counts["new"] > counts["under_review"] > counts["implemented"]
    v = i["votes"].sort_values(ascending=False)
    assert v.max() > 20 * v.median()
    assert v.head(len(v) // 10).sum() > 0.4 * v.sum()
    assert i.loc[i["implemented"], "votes"].median() > i["votes"].median()


def test_reply_network_has_super_users_and_partial_reciprocity():
    import networkx as nx

    it = data.load("interactions")
    g = nx.DiGraph()
    g.add_edges_from(zip(it["source_author"], it["target_author"], strict=True))
    assert 0.2 <= nx.reciprocity(g) <= 0.4
    deg = pd.concat([it["source_author"], it["target_author"]]).value_counts()
    assert "copperpot_coffee" in deg.index[:3]
    top1 = deg.head(max(1, len(deg) // 100)).sum() / deg.sum()
    assert top1 > 0.25
    assert deg.max() > 50 * deg.median()
    assert (it["source_author"] != it["target_author"]).all()
    c = data.load("comments")
    assert set(it["source_author"]) & set(c["author_id"])  # one world: same people


# ---------------------------------------------------------------------------------------------
# Lesson 08, Harbour City Health
# ---------------------------------------------------------------------------------------------
def test_health_campaign_posts_and_questions():
    h = data.load("health_posts")
    q = data.load("health_questions")
    span = (h["posted_at"].max() - h["posted_at"].min()).days
    assert 75 <= span <= 100 and 100 <= len(h) <= 250
    assert (h["bookings"] <= h["booking_clicks"]).all()
    conv = h["style"] != "broadcast"
    assert h.loc[conv, "comments"].mean() > h.loc[~conv, "comments"].mean()
    assert set(q["topic"].cat.categories) >= {"side_effects", "where_when", "cost", "myths"}
    assert (q["answered"] == q["response_minutes"].notna()).all()
    assert 0.4 <= q["answered"].mean() <= 0.8
    assert q["post_id"].isna().any() and q["post_id"].notna().any()


# ---------------------------------------------------------------------------------------------
# Loader errors on corrupted copies
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def copy_dir(tmp_path):
    for n in ["posts", "comments", "support_threads", "survey", "exposure"]:
        (tmp_path / f"{n}.csv").write_bytes((DATASETS / f"{n}.csv").read_bytes())
    return tmp_path


def _edit_line(path: Path, line: int, field: int, value: str) -> None:
    """Replace one field (0-based) on one line (1-based) of a simple CSV line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    import csv
    import io

    row = next(csv.reader([lines[line - 1]]))
    row[field] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(row)
    lines[line - 1] = buf.getvalue()
    path.write_text("\n".join(lines), encoding="utf-8")


def _fails(name: str, folder: Path) -> DatasetError:
    f = folder / f"{name}.csv"
    before = (f.read_bytes(), f.stat().st_mtime_ns) if f.exists() else None
    with pytest.raises(DatasetError) as err:
        data.load(name, folder=folder)
    after = (f.read_bytes(), f.stat().st_mtime_ns) if f.exists() else None
    assert before == after, "the loader changed the file"
    lines = err.value._render_traceback_()
    assert 1 <= len(lines) <= 2 and str(err.value) in lines[0]
    assert isinstance(err.value, ValueError)
    return err.value


POSTS_COLS = ["post_id", "platform", "posted_at", "format", "style", "text", "followers",
              "impressions", "reach", "likes", "comments", "shares", "clicks"]


@pytest.mark.parametrize("column, value, phrase", [
    ("posted_at", "next Tuesday", "not a date"),
    ("posted_at", "2024-13-45 10:00:00", "not a date"),
    ("likes", "-3", "negative"),
    ("likes", "lots", "not a whole number"),
    ("impressions", "12.5", "not a whole number"),
    ("platform", "myspace", "not one of the allowed values"),
    ("style", "", "empty"),
])
def test_bad_value_names_file_column_and_row(copy_dir, column, value, phrase):
    _edit_line(copy_dir / "posts.csv", 18, POSTS_COLS.index(column), value)
    err = _fails("posts", copy_dir)
    msg = str(err)
    assert "posts.csv" in msg and f"'{column}'" in msg and phrase in msg
    assert "row 17 (line 18 of the file)" in msg
    assert (err.file, err.column, err.row) == ("posts.csv", column, 17)


def test_bad_bool_and_out_of_range_score(copy_dir):
    _edit_line(copy_dir / "support_threads.csv", 10, 6, "maybe")
    msg = str(_fails("support_threads", copy_dir))
    assert "'resolved'" in msg and "row 9 (line 10" in msg and "true or false" in msg
    _edit_line(copy_dir / "survey.csv", 40, 4, "11")
    msg = str(_fails("survey", copy_dir))
    assert "'need_price'" in msg and "row 39 (line 40" in msg and "above" in msg


def test_missing_column(copy_dir):
    f = copy_dir / "posts.csv"
    f.write_text(f.read_text(encoding="utf-8").replace(",likes,", ",like,", 1), encoding="utf-8")
    msg = str(_fails("posts", copy_dir))
    assert "posts.csv" in msg and "'likes' is missing" in msg


def test_duplicate_id(copy_dir):
    _edit_line(copy_dir / "posts.csv", 41, 0, "P00017")
    err = _fails("posts", copy_dir)
    assert "'post_id'" in str(err) and "'P00017'" in str(err)
    assert "row 17 (line 18 of the file)" in str(err) and "row 40 (line 41" in str(err)


def test_broken_link_between_files(copy_dir):
    _edit_line(copy_dir / "comments.csv", 30, 1, "P99999")
    msg = str(_fails("comments", copy_dir))
    assert "comments.csv" in msg and "'post_id'" in msg and "row 29 (line 30" in msg
    assert "posts.csv" in msg


@pytest.mark.parametrize("encoding, phrase", [("latin-1", "not UTF-8"),
                                              ("utf-16", "UTF-16")])
def test_wrong_encoding(copy_dir, encoding, phrase):
    f = copy_dir / "posts.csv"
    text = f.read_text(encoding="utf-8").replace("Sunrise", "Sunrisé")
    f.write_bytes(text.encode(encoding))
    msg = str(_fails("posts", copy_dir))
    assert "posts.csv" in msg and phrase in msg
    if encoding == "latin-1":
        first = next(i for i, ln in enumerate(text.split("\n"), 1) if "é" in ln)
        assert f"line {first}" in msg


def test_utf8_with_bom_from_excel_is_accepted(copy_dir):
    f = copy_dir / "exposure.csv"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    assert len(data.load("exposure", folder=copy_dir)) == len(data.load("exposure"))


@pytest.mark.parametrize("content, phrase", [(b"", "empty"), (b"\n\n", "empty"),
                                             (b"post_id,platform\n", "missing"),
                                             ("\n".join([",".join(POSTS_COLS), ""]).encode(),
                                              "no data rows")])
def test_empty_or_header_only_file(copy_dir, content, phrase):
    (copy_dir / "posts.csv").write_bytes(content)
    msg = str(_fails("posts", copy_dir))
    assert "posts.csv" in msg and phrase in msg


def test_missing_file(tmp_path):
    msg = str(_fails("ideas", tmp_path))
    assert "ideas.csv" in msg and "missing" in msg


def test_env_var_points_the_loader_elsewhere_and_cache_sees_changes(copy_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATASETS_DIR", str(copy_dir))
    f = copy_dir / "posts.csv"
    assert len(data.load("posts")) == len(data.load("posts", folder=DATASETS))
    lines = f.read_text(encoding="utf-8").split("\n")
    f.write_text("\n".join(lines[:11]) + "\n", encoding="utf-8")
    assert len(data.load("posts")) == 10  # the edited file is read again, not the cache
