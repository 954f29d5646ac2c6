"""Lesson 05, listening at scale: models, figures, both widgets and the questions, on the real tweets.

Right answers are computed here independently of the course's models (pandas, sklearn and
vaderSentiment called directly); each anticipated mistake is tried; so are a plausible
unanticipated wrong answer and the blank.
"""

from __future__ import annotations

import html
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tests.helpers import ROOT, read, source
from tests.helpers import control as _find
from tests.helpers import summary as _summary
from tests.helpers import walk as _walk
from widgets import progress
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import listening as figs
from widgets.models import listening as m
from widgets.questions import lesson05 as Q

SIA = SentimentIntensityAnalyzer()


def vader_direct(texts) -> np.ndarray:
    """VADER's compound scores, straight from vaderSentiment (no course code)."""
    return np.array([SIA.polarity_scores(t)["compound"] for t in texts])


def label_direct(compound) -> np.ndarray:
    c = np.asarray(compound)
    return np.where(c >= 0.05, "positive", np.where(c <= -0.05, "negative", "neutral"))


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return load("airline_tweets")


@pytest.fixture(scope="module")
def tweets(rows) -> pd.DataFrame:
    """One row per id, by pandas directly."""
    return rows.drop_duplicates("tweet_id", keep="first")


@pytest.fixture(scope="module")
def scored(tweets) -> pd.DataFrame:
    return m.with_vader(tweets)


@pytest.fixture(scope="module")
def cube(rows) -> m.ListeningCube:
    return m.ListeningCube(rows)


def local(frame: pd.DataFrame) -> pd.Series:
    return frame["tweet_created"].dt.tz_localize(None)


# ----------------------------------------------------------------------------- one row per tweet


def test_distinct_tweets_keeps_the_first_row_of_each_id(rows, tweets):
    distinct = m.distinct_tweets(rows)
    assert len(distinct) == 14_485 and distinct.index.equals(tweets.index)
    repeats = m.repeated_ids(rows)
    assert len(repeats) == 155 and set(repeats) == {2}
    assert set(rows[rows["tweet_id"].isin(repeats.index)]["airline"].astype(str)) == {"American"}


def test_the_data_cards_claims_hold(rows, tweets):
    """datasets/README.md states these; the lesson prints them."""
    twice = rows[rows["tweet_id"].isin(m.repeated_ids(rows).index)]
    assert (twice.groupby("tweet_id")["airline_sentiment"].nunique() > 1).sum() == 18
    delta = tweets[tweets["airline"] == "Delta"]
    assert len(delta) == 2_222 and m.addressed_to(delta, "@JetBlue") == 2_218
    assert len(m.containing(tweets, "Cancelled Flightled", case=True)) == 490
    american = tweets[tweets["airline"] == "American"]
    assert (local(american) < pd.Timestamp("2015-02-22")).sum() == 4
    assert round((tweets["airline_sentiment"] == "negative").mean(), 2) == 0.63


def test_a_missing_column_is_one_plain_sentence(tweets):
    with pytest.raises(m.ListeningError, match="no column 'tweet_id'"):
        m.distinct_tweets(tweets.drop(columns="tweet_id"))
    with pytest.raises(m.ListeningError, match="with_vader"):
        m.phrase_table(tweets, {"x": "x"})
    assert m.ListeningError("x")._render_traceback_() == ["ListeningError: x"]


# ----------------------------------------------------------------------------- VADER


def test_vader_compound_matches_vadersentiment_and_scores_each_text_once(tweets, monkeypatch):
    sample = tweets["text"].iloc[:300]
    assert np.allclose(m.vader_compound(sample).to_numpy(), vader_direct(sample))
    calls = []
    real = m._analyser()

    class Counting:
        lexicon = real.lexicon

        def polarity_scores(self, text):
            calls.append(text)
            return real.polarity_scores(text)

    monkeypatch.setattr(m, "_ANALYSER", Counting())
    again = m.vader_compound(pd.concat([sample] * 3))  # seen texts, three times over
    assert calls == [] and len(again) == 900
    new = "a brand new text for VADER: wonderful"
    fresh = m.vader_compound([new, new])
    assert len(calls) == 1 and fresh.iloc[0] == fresh.iloc[1] > 0
    assert math.isnan(m.vader_compound(pd.Series(["good", None], dtype=object)).iloc[1])


def test_vader_labels_use_the_standard_thresholds():
    labels = m.vader_labels([0.05, 0.0499, -0.0499, -0.05, 0.9, np.nan])
    assert labels.iloc[:5].tolist() == ["positive", "neutral", "neutral", "negative", "positive"]
    assert pd.isna(labels.iloc[5]) and labels.cat.ordered
    assert m.vader_labels([0.01], positive=0.0, negative=0.0).iloc[0] == "positive"


def test_with_vader_clean_removes_handles_and_links():
    frame = pd.DataFrame({"text": ["@united thanks http://t.co/x", "@united"]})
    assert m.strip_handles(frame["text"]).tolist() == ["thanks", ""]
    raw, clean = m.with_vader(frame), m.with_vader(frame, clean=True)
    assert raw["vader_compound"].iloc[1] > 0.4  # "@united" alone reads as the word "united"
    assert clean["vader_compound"].iloc[1] == 0 and clean["vader_sentiment"].iloc[1] == "neutral"
    assert m.vader_lexicon_value("united") == 1.8 and m.vader_lexicon_value("jetblue") is None


def test_vader_seconds_grow_only_when_texts_are_scored():
    before = m.vader_seconds()
    m.vader_compound(["a brand new sentence for the timer, terrible"])
    middle = m.vader_seconds()
    m.vader_compound(["a brand new sentence for the timer, terrible"])
    assert middle > before and m.vader_seconds() == middle


# ----------------------------------------------------------------------------- people against a tool


def test_compare_labels_equals_sklearn_directly(tweets):
    truth = tweets["airline_sentiment"].astype(str).to_numpy()
    predicted = label_direct(vader_direct(tweets["text"]))
    got = m.compare_labels(tweets["airline_sentiment"], predicted)
    labels = ["negative", "neutral", "positive"]
    assert (got.confusion.to_numpy() == confusion_matrix(truth, predicted, labels=labels)).all()
    assert got.macro_f1 == pytest.approx(f1_score(truth, predicted, average="macro"))
    assert got.accuracy == pytest.approx(accuracy_score(truth, predicted))
    assert got.n == 14_485 and got.per_class["support"].sum() == 14_485
    # what the lesson says: far below the authors' 0.96, above the "always negative" baseline,
    # which nonetheless has the higher accuracy
    always = m.compare_labels(truth, ["negative"] * len(truth))
    assert 0.4 < got.macro_f1 < 0.5 < m.PUBLISHED_VADER_F1
    assert always.macro_f1 < got.macro_f1 and always.accuracy > got.accuracy


def test_compare_labels_skips_missing_pairs_and_refuses_an_empty_selection():
    got = m.compare_labels(["negative", None, "positive", "odd"], ["negative", "positive", None, "neutral"])
    assert got.n == 2 and got.accuracy == 0.5
    with pytest.raises(m.ListeningError, match="empty"):
        m.compare_labels([], [])
    with pytest.raises(m.ListeningError, match="length"):
        m.compare_labels(["negative"], [])


def test_the_error_is_not_label_noise_and_united_is_the_outlier(scored):
    """The lesson's reading: the surest labels barely help; United's name drags its F1 down."""
    sure = scored[scored["airline_sentiment_confidence"] == 1]
    everyone = m.compare_labels(scored["airline_sentiment"], scored["vader_sentiment"]).macro_f1
    assert abs(m.compare_labels(sure["airline_sentiment"], sure["vader_sentiment"]).macro_f1
               - everyone) < 0.05
    united = scored[scored["airline"] == "United"]
    others = scored[scored["airline"] != "United"]
    f_united = m.compare_labels(united["airline_sentiment"], united["vader_sentiment"]).macro_f1
    f_others = m.compare_labels(others["airline_sentiment"], others["vader_sentiment"]).macro_f1
    best = m.with_vader(united, clean=True)
    f_best = m.compare_labels(best["airline_sentiment"], best["vader_sentiment"]).macro_f1
    assert f_united < 0.3 < f_others and f_best > 1.8 * f_united
    by_vader = m.negative_share(scored, label_column="vader_sentiment")["share"]
    by_people = m.negative_share(scored)["share"]
    assert by_vader.idxmin() == "United" and by_people.rank(ascending=False)["United"] <= 3


def test_phrase_table_counts_matches_and_the_tools_verdicts(scored):
    table = m.phrase_table(scored, {"thanks for nothing": r"thanks? (?:you )?for nothing"})
    hits = scored[scored["text"].str.lower().str.contains("thanks for nothing")]
    row = table.loc["thanks for nothing"]
    assert row["tweets"] == len(hits) == row["people: negative"]
    assert row["of which tool: positive"] == (hits["vader_sentiment"] == "positive").sum() > len(hits) / 2


def test_best_thresholds_equal_a_brute_force_search_with_sklearn(scored):
    sample = scored.sample(600, random_state=5)
    steps = np.round(np.arange(-0.6, 0.61, 0.2), 2)
    best, where = -1.0, None
    for negative in steps:
        for positive in steps[steps > negative]:
            c = sample["vader_compound"].to_numpy()
            predicted = np.where(c >= positive, "positive", np.where(c <= negative, "negative", "neutral"))
            f = f1_score(sample["airline_sentiment"].astype(str), predicted,
                         labels=["negative", "neutral", "positive"], average="macro", zero_division=0)
            if f > best + 1e-12:
                best, where = f, (negative, positive)
    tuned = m.best_thresholds(sample["airline_sentiment"], sample["vader_compound"], steps)
    assert math.isclose(tuned.macro_f1, best) and (tuned.negative, tuned.positive) == pytest.approx(where)
    with pytest.raises(m.ListeningError, match="empty"):
        m.best_thresholds([], [])
    with pytest.raises(m.ListeningError, match="length"):
        m.best_thresholds(["negative"], [])


def test_vaders_best_case_is_still_far_from_its_published_f1(scored):
    """The lesson's best case: United without handles, cut-offs tuned on one half, measured on the
    other; and polarity alone, where 'always negative' keeps the higher accuracy."""
    united = scored["airline"] == "United"
    fair = pd.concat([m.with_vader(scored[united], clean=True), scored[~united]])
    standard = f1_score(fair["airline_sentiment"].astype(str), label_direct(fair["vader_compound"]),
                        average="macro")
    half = np.random.default_rng(2015).random(len(fair)) < 0.5
    tuned = m.best_thresholds(fair.loc[half, "airline_sentiment"], fair.loc[half, "vader_compound"])
    c = fair.loc[~half, "vader_compound"].to_numpy()
    predicted = np.where(c >= tuned.positive, "positive",
                         np.where(c <= tuned.negative, "negative", "neutral"))
    held_out = f1_score(fair.loc[~half, "airline_sentiment"].astype(str), predicted, average="macro")
    assert standard < held_out < 0.6 < m.PUBLISHED_VADER_F1
    assert accuracy_score(fair.loc[~half, "airline_sentiment"].astype(str), predicted) < 0.6
    polar = fair[(fair["airline_sentiment"] != "neutral") & (fair["vader_compound"] != 0)]
    sign = np.where(polar["vader_compound"] > 0, "positive", "negative")
    truth = polar["airline_sentiment"].astype(str)
    assert accuracy_score(truth, sign) < (truth == "negative").mean()
    always = f1_score(truth, ["negative"] * len(truth), average="macro", zero_division=0)
    assert f1_score(truth, sign, average="macro") > always


def test_mask_personal_hides_other_peoples_handles_emails_and_phones(tweets):
    out = m.mask_personal(["@VirginAmerica What @dhepburn said.",
                           "mail me: a.b@gmail.com or call (631)891-5722 &amp; @JETBLUE, flight 2646"],
                          ["@VirginAmerica", "@JetBlue", None])
    assert out.tolist() == ["@VirginAmerica What @user said.",
                            "mail me: [e-mail] or call [phone] & @JETBLUE, flight 2646"]
    keep = m.airline_handles(tweets)
    assert set(keep.values()) == {"@united", "@USAirways", "@AmericanAir", "@SouthwestAir", "@JetBlue",
                                  "@VirginAmerica"}
    masked = m.mask_personal(tweets["text"], keep.values())
    kept = {h.lower() for h in keep.values()}
    left = masked.str.findall(r"(?<![\w@])@\w+").explode().dropna().str.lower()
    assert set(left) <= kept | {"@user"}
    # the course's copy is already redacted (datasets/redact_airline_tweets.py; the card counts):
    # masking finds no e-mail or phone left, and the only handles it still masks are the other
    # airline accounts the file keeps (Delta's, JetBlue's deals account)
    found = tweets["text"].str.findall(r"(?<![\w@])@\w+").explode().dropna().str.lower()
    assert set(found) - kept == {"@user", "@delta", "@deltaassist", "@jetbluecheeps"}
    assert 1_000 < tweets["text"].str.contains("@user", regex=False).sum() < 1_200
    assert masked.str.count(r"\[e-mail\]|\[phone\]").sum() == tweets["text"].str.count(
        r"\[e-mail\]|\[phone\]").sum() > 24
    assert not masked.str.contains(r"[\w.+-]+@[\w-]+\.\w|\b\d{3}-\d{3}-\d{4}\b").any()


# ----------------------------------------------------------------------------- selecting and counting


def test_filter_tweets_by_airline_reason_and_whole_days(tweets):
    got = m.filter_tweets(tweets, "Southwest", "Late Flight", "2015-02-20", "2015-02-22")
    days = local(tweets).dt.normalize()
    want = tweets[(tweets["airline"] == "Southwest") & (tweets["negativereason"] == "Late Flight")
                  & (days >= "2015-02-20") & (days <= "2015-02-22")]
    assert got.index.equals(want.index) and len(got) > 10
    assert m.filter_tweets(tweets, start="2015-02-24", end="2015-02-17").empty
    with pytest.raises(m.ListeningError, match="JetBlue.*United"):
        m.filter_tweets(tweets, "JetBlue")
    with pytest.raises(m.ListeningError, match="Late Flight"):
        m.filter_tweets(tweets, reason="Late")
    with pytest.raises(m.ListeningError, match="not a date"):
        m.filter_tweets(tweets, start="next Tuesday")


def test_counts_over_time_fills_every_period_with_zeros(tweets):
    american = tweets[tweets["airline"] == "American"]
    hourly = m.counts_over_time(american, freq="h")
    assert hourly["count"].sum() == len(american) and (hourly["count"] == 0).sum() > 50
    assert (hourly.index[1:] - hourly.index[:-1] == pd.Timedelta(hours=1)).all()
    grid = m.periods_of(tweets)
    on_grid = m.counts_over_time(american, freq="h", periods=grid)
    assert on_grid.index.equals(grid) and on_grid["count"].sum() == len(american)
    by = m.counts_over_time(tweets, freq="D", by="airline_sentiment")
    assert list(by.columns) == ["negative", "neutral", "positive"] and by.to_numpy().sum() == len(tweets)
    assert m.counts_over_time(tweets.iloc[:0], freq="h").empty


# ----------------------------------------------------------------------------- the spike rule


def rule_by_hand(counts: pd.Series, window=24, k=3.0, min_count=5) -> pd.Series:
    """The stated rule, written out with pandas rolling windows over the previous hours."""
    previous = counts.shift(1).rolling(window, min_periods=window)
    median = previous.median()
    mad = previous.apply(lambda z: np.median(np.abs(z - np.median(z))), raw=True)
    limit = median + k * np.maximum(1.4826 * mad, 1.0)
    return (counts > limit) & (counts >= min_count)


def test_spikes_follow_the_stated_rule_on_a_made_up_series():
    counts = pd.Series([10, 12, 9, 11, 10, 10, 30, 11, 4, 10], dtype=float)
    rule = m.SpikeRule(window=5, threshold=3.0, min_count=5)
    table = m.spikes(counts, rule)
    assert table["spike"].tolist() == [False] * 6 + [True] + [False] * 3
    assert table["baseline"].iloc[6] == 10 and math.isnan(table["baseline"].iloc[4])  # 5 before it
    assert table["limit"].iloc[6] == pytest.approx(10 + 3 * 1.4826)  # MAD 1 (0, 1, 1, 0, 2 -> 1)
    flat = m.spikes(pd.Series([0.0] * 6 + [4, 6]), m.SpikeRule(window=6))
    assert flat["spread"].iloc[6] == 1.0  # the floor: an empty history still needs 3 tweets more
    assert flat["spike"].tolist()[-2:] == [False, True]  # 4 is under min_count 5; 6 is above 0 + 3
    assert m.spikes(pd.Series([], dtype=float)).empty
    with pytest.raises(m.ListeningError, match="one column"):
        m.spikes(pd.DataFrame({"a": [1], "b": [2]}))


def test_spikes_equal_an_independent_rolling_implementation_on_real_hours(tweets):
    for airline in ("United", "Southwest", "Delta"):
        part = tweets[tweets["airline"] == airline]
        counts = m.counts_over_time(part, freq="h", periods=m.periods_of(tweets))["count"]
        assert m.spikes(counts)["spike"].tolist() == rule_by_hand(counts).tolist(), airline


def test_ranked_typical_and_first_alert():
    table = m.spikes(pd.Series([5.0] * 30 + [40, 5, 20, 5, 5], index=pd.date_range("2025-01-01", periods=35)),
                     m.DAILY)
    ranked = m.ranked_spikes(table)
    assert list(ranked["count"]) == [40, 20]
    assert m.first_alert(table) == pd.Timestamp("2025-01-31")
    assert m.first_alert(table, after="2025-02-02") == pd.Timestamp("2025-02-02")
    assert m.typical_hour(table) == pd.Timestamp("2025-01-01")
    assert m.typical_hour(table.assign(count=0)) is None
    assert "a day is a spike" in m.DAILY.describe() and "an hour" in m.HOURLY.describe()


# ----------------------------------------------------------------------------- the dashboard's cube


@pytest.mark.parametrize("airline, reason, start, end, source, alert", [
    (m.ALL_AIRLINES, m.ALL_TWEETS, None, None, "human", "all"),
    ("United", m.ALL_TWEETS, "2015-02-18", "2015-02-21", "vader", "negative"),
    ("US Airways", "Cancelled Flight", "2015-02-21", "2015-02-24", "human", "negative"),
    (m.ALL_AIRLINES, "Customer Service Issue", "2015-02-22", "2015-02-22", "vader", "all"),
])
def test_cube_selection_equals_a_direct_count(cube, scored, airline, reason, start, end, source, alert):
    sel = cube.select(airline, reason, start, end, source, alert)
    part = m.filter_tweets(scored, airline, reason)
    column = "airline_sentiment" if source == "human" else "vader_sentiment"
    grid = m.periods_of(scored)
    by = m.counts_over_time(part, freq="h", by=column, periods=grid)
    shown = by.loc[sel.hours]
    assert (shown.to_numpy() == sel.by_sentiment.to_numpy()).all()
    alert_part = part if alert == "all" else part[part[column] == "negative"]
    rule = m.spikes(m.counts_over_time(alert_part, freq="h", periods=grid)["count"])
    assert sel.rule["spike"].tolist() == rule.loc[sel.hours, "spike"].tolist()
    inside = m.filter_tweets(part, start=sel.start, end=sel.end)
    assert sel.agree == (inside["airline_sentiment"] == inside["vader_sentiment"]).sum()
    assert sel.problem is None


def test_cube_reads_the_tweets_of_an_hour_and_flags_the_collection_starting(cube, scored):
    hour = pd.Timestamp("2015-02-22 14:00")
    table, total = cube.read(hour, "American", n=5)
    want = m.tweets_in_hour(m.filter_tweets(scored, "American"), hour)
    shown = m.mask_personal(want["text"].head(5), cube.handles.values())
    assert total == len(want) and list(table["text"]) == list(shown)
    assert set(table["people"]) <= {"negative", "neutral", "positive"}
    assert cube.newcomers(hour) == [("American", total)]
    assert cube.newcomers(hour, "United") == [] and cube.newcomers(pd.Timestamp("2015-02-17 03:00")) == []
    assert cube.read(pd.Timestamp("2014-01-01"))[1] == 0
    first = scored.iloc[0]  # the course's copy: other people's handles are already "@user"
    shown, _ = cube.read(local(scored.iloc[:1]).iloc[0].floor("h"), "Virgin America", n=50)
    text = " ".join(shown["text"])
    assert first["text"] == "@VirginAmerica What @user said." and "What @user said." in text


def test_cube_says_plainly_when_there_is_nothing_to_show(cube):
    assert "is after 'To'" in cube.select(start="2015-02-24", end="2015-02-17").problem
    nobody = cube.select("American", start="2015-02-17", end="2015-02-17").problem
    assert "no American tweet" in nobody and "start on Feb 18" in nobody
    nothing = cube.select("Virgin America", "Damaged Luggage", "2015-02-24", "2015-02-24").problem
    assert "has the negative reason 'Damaged Luggage'" in nothing
    with pytest.raises(m.ListeningError, match="no airline 'JetBlue'"):
        cube.select("JetBlue")
    with pytest.raises(m.ListeningError, match="'human' or 'vader'"):
        cube.select(source="people")


def test_cube_on_stacked_copies_counts_each_copy_and_scores_no_text_again(rows, monkeypatch):
    copies = []
    for k in range(3):
        part = rows.copy()
        part["tweet_id"] = part["tweet_id"] + f"~{k}"
        copies.append(part)
    calls = []
    real = m._analyser()

    class Counting:
        lexicon = real.lexicon

        def polarity_scores(self, text):
            calls.append(text)
            return real.polarity_scores(text)

    m.vader_compound(rows["text"])  # as the single copy would have
    monkeypatch.setattr(m, "_ANALYSER", Counting())
    big = m.ListeningCube(pd.concat(copies, ignore_index=True))
    one = m.ListeningCube(rows)
    assert calls == []
    assert big.select("Delta").tweets == 3 * one.select("Delta").tweets


# ----------------------------------------------------------------------------- one day, one hour


def test_day_profile_and_the_fleek_hour(tweets):
    delta = m.filter_tweets(tweets, "Delta")
    days = m.full_days(tweets["tweet_created"])
    assert days[0] == pd.Timestamp("2015-02-17") and days[-1] == pd.Timestamp("2015-02-23")
    profile = m.day_profile(delta, "2015-02-23", days=days)
    hours = local(delta).dt.floor("h")
    others = [d for d in days if d != pd.Timestamp("2015-02-23")]
    at_11 = [int((hours == d + pd.Timedelta(hours=11)).sum()) for d in others]
    assert profile.loc["2015-02-23 11:00", "usual"] == np.median(at_11)
    assert profile["count"].sum() == (local(delta).dt.normalize() == "2015-02-23").sum()
    peak = profile["count"].idxmax()
    evidence = m.explain_hour(delta, peak, days=days)
    fleek = m.tweets_in_hour(delta, peak)["text"].str.contains("@JetBlue: Our fleet's on fleek",
                                                                regex=False)
    assert evidence.likely == "own_post" and evidence.handle == "@JetBlue"
    assert evidence.shares["own_post"] >= fleek.mean() > 0.5 and evidence.ratio > 3
    assert evidence.top_words[0][0] == "fleek"


def test_an_ordinary_hour_is_explained_as_normal(tweets):
    united = m.filter_tweets(tweets, "United")
    assert m.explain_hour(united, "2015-02-19 03:00").likely == "normal"
    assert m.explain_hour(united, "2015-02-20 08:00").likely == "unclear"
    assert m.airline_handles(tweets)["Delta"] == "@JetBlue"
    assert m.main_handle(["@a x @B", "@b", "none"]) == "@B" and m.main_handle(["none"]) is None


# ----------------------------------------------------------------------------- shares and reasons


def test_difference_interval_is_newcombes_hybrid_score_interval(tweets):
    from scipy.stats import norm

    # Newcombe (1998), Table II, example (a): 56/70 against 48/80, method 10: 0.0524 to 0.3339
    d, low, high = m.difference_interval(56, 70, 48, 80, z=norm.ppf(0.975))
    assert d == pytest.approx(0.2) and (low, high) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert all(math.isnan(x) for x in m.difference_interval(1, 0, 1, 2))
    # the lesson: American's and US Airways' intervals touch, the difference's does not reach 0
    service = m.reason_shares(tweets, "Customer Service Issue")
    a, u = service.loc["American"], service.loc["US Airways"]
    assert a["low"] < u["high"]
    gap, low, high = m.difference_interval(a["Customer Service Issue"], a["complaints"],
                                           u["Customer Service Issue"], u["complaints"])
    assert 0 < low < gap < high and round(100 * low) == 1 and round(100 * high) == 7


def test_negative_share_and_wilson_interval_equal_scipy(tweets):
    from scipy.stats import binomtest

    table = m.negative_share(tweets)
    for airline, row in table.iterrows():
        part = tweets[tweets["airline"] == airline]
        k, n = int((part["airline_sentiment"] == "negative").sum()), len(part)
        ci = binomtest(k, n).proportion_ci(method="wilson")
        assert (row["tweets"], row["negative"]) == (n, k)
        assert row["low"] == pytest.approx(ci.low, abs=1e-4)
        assert row["high"] == pytest.approx(ci.high, abs=1e-4)
    assert all(math.isnan(v) for v in m.wilson_interval(0, 0))
    assert m.negative_share(tweets, by=None).loc["all", "tweets"] == len(tweets)


def test_reason_shares_and_table_equal_a_crosstab(tweets):
    negative = tweets[tweets["airline_sentiment"] == "negative"]
    crosstab = pd.crosstab(negative["negativereason"].astype(str), negative["airline"].astype(str))
    table = m.reason_table(tweets, by="airline")
    assert (table.loc[crosstab.index, crosstab.columns].to_numpy() == crosstab.to_numpy()).all()
    service = m.reason_shares(tweets, "Customer Service Issue")
    assert service["share"].idxmax() == "American"
    assert service["Customer Service Issue"].idxmax() == "US Airways"
    for airline, row in service.iterrows():
        assert row["share"] == pytest.approx(crosstab.loc["Customer Service Issue", airline]
                                             / crosstab[airline].sum())
    assert m.reason_table(tweets, shares=True)["all"].sum() == pytest.approx(1)
    with pytest.raises(m.ListeningError, match="Late Flight"):
        m.reason_shares(tweets, "late")


# ----------------------------------------------------------------------------- figures


def _axis_titles(fig):
    return fig.layout.xaxis.title.text, fig.layout.yaxis.title.text


def test_volume_figure_states_the_finding_and_updates_in_place(cube):
    sel = cube.select("United")
    fig = figs.volume_figure(sel, "United")
    x, y = _axis_titles(fig)
    assert "UTC-8" in x and "count" in y and len(fig.data) == 6
    assert "flags 1 hour" in fig.layout.title.text and "Fri Feb 20, 08:00" in fig.layout.title.text
    bars = fig.data[0].x
    figs.fill_volume(fig, cube.select("Delta", source="vader"), "Delta")
    assert fig.data[0].x == bars
    assert "Tweets to Delta" in fig.layout.title.text
    figs.fill_volume(fig, cube.select("Delta", start="2015-02-20", end="2015-02-21"), "Delta")
    assert len(fig.data[0].x) == 48
    empty = cube.select(start="2015-02-24", end="2015-02-17")
    figs.fill_volume(fig, empty)
    assert "nothing to show" in fig.layout.title.text and len(fig.data[0].x) == 0


def test_other_figures_have_computed_titles_and_labelled_axes(scored, tweets):
    agreement = m.compare_labels(scored["airline_sentiment"], scored["vader_sentiment"])
    fig = figs.confusion_figure(agreement)
    assert f"{agreement.macro_f1:.2f}" in fig.layout.title.text and "0.96" in fig.layout.title.text
    assert all(_axis_titles(fig))
    delta = m.filter_tweets(tweets, "Delta")
    profile = m.day_profile(delta, "2015-02-23", days=m.full_days(tweets["tweet_created"]))
    day = figs.day_figure("Delta", pd.Timestamp("2015-02-23"), profile["count"], profile["usual"])
    assert "at 11:00, 82 tweets" in day.layout.title.text and all(_axis_titles(day))
    shares = figs.shares_figure({"people": m.negative_share(tweets)}, "Negative", 0.6, "% negative")
    assert "Virgin America" in shares.layout.title.text and shares.layout.shapes  # reference line
    table = m.spikes(pd.Series([5.0] * 30 + [40], index=pd.date_range("2025-01-01", periods=31)), m.DAILY)
    alerts = figs.alerts_figure(table, "Test", m.first_alert(table))
    assert "first flags Jan 31, 2025" in alerts.layout.title.text
    assert alerts.data[1].name == "spike limit (from the 28 days before)"


def test_alert_summary_counts_the_lead_and_the_flags_elsewhere():
    counts = pd.Series([5.0] * 40 + [9, 20, 40, 30] + [5.0] * 30 + [30] + [5.0] * 5,
                       index=pd.date_range("2025-01-01", periods=80))
    table = m.spikes(counts, m.DAILY)
    found = m.alert_summary(table, before=30, after=14)
    flagged = list(table.index[table["spike"]])
    assert found.peak == counts.idxmax() and found.peak_count == 40 and found.first == flagged[0]
    assert found.lead == (found.peak - found.first).days
    assert found.elsewhere == sum(d > found.peak + pd.Timedelta(days=14) for d in flagged) == 1
    quiet = m.alert_summary(m.spikes(pd.Series([5.0] * 40, index=counts.index[:40]), m.DAILY))
    assert quiet.first is None and quiet.lead is None and quiet.elsewhere == 0
    with pytest.raises(m.ListeningError, match="empty"):
        m.alert_summary(table.iloc[:0])


def test_the_synthetic_crisis_lead_hangs_on_the_minimum_count():
    """The lesson's sensitivity table: five days ahead at the default, later with a minimum of 8."""
    from dataclasses import replace

    mentions = load("mentions")
    daily = m.counts_over_time(mentions, "mentioned_at", freq="D")
    app = mentions[(mentions["topic"] == "app") & (mentions["kind"] == "complaint")]
    counts = m.counts_over_time(app, "mentioned_at", freq="D", periods=daily.index)["count"]
    default = m.alert_summary(m.spikes(counts, m.DAILY))
    assert (default.lead, default.elsewhere) == (5, 0) and counts[default.first] == m.DAILY.min_count
    later = m.alert_summary(m.spikes(counts, replace(m.DAILY, min_count=8)))
    assert later.lead == 3
    noisier = m.alert_summary(m.spikes(counts, replace(m.DAILY, min_count=3)))
    assert noisier.elsewhere > 0


# ----------------------------------------------------------------------------- the widgets


@pytest.fixture(scope="module")
def dashboard():
    from widgets.views.listening import listening_dashboard

    return listening_dashboard()


def test_views_follow_the_conventions(dashboard):
    from widgets.views import listening as view

    assert set(view.__all__) == {"listening_dashboard", "what_happened"}
    assert {"course-widget", "course-widget-listening-dashboard"} <= set(dashboard._dom_classes)
    for name in ("Airline", "Negative reason", "From", "To", "Spike rule counts", "Sentiment from",
                 "Read the tweets of"):
        assert _find(dashboard, name)


def test_dashboard_opens_on_the_collection_spike_and_warns(dashboard):
    text = _summary(dashboard).value
    assert "14,485 tweets" in text and "flags 5 hours" in text
    assert "are to American" in text and "collection" in text
    assert "<table" in next(c for c in _walk(dashboard) if "course-tweets" in str(getattr(c, "value", "")))\
        .value


def test_dashboard_controls_change_figure_summary_and_tweets(dashboard):
    from widgets.views.figure import FigureView

    figure = next(c for c in _walk(dashboard) if isinstance(c, FigureView))
    before = (_summary(dashboard).value, figure.figure_json)
    _find(dashboard, "Airline").value = "Delta"
    assert "Tweets to Delta (tweets to @JetBlue)" in _summary(dashboard).value
    assert figure.figure_json != before[1]
    _find(dashboard, "Sentiment from").value = "vader"
    assert "negative by VADER" in _summary(dashboard).value
    _find(dashboard, "Read the tweets of").value = "typical"
    assert "Reading a typical hour" in _summary(dashboard).value
    _find(dashboard, "Airline").value = m.ALL_AIRLINES
    _find(dashboard, "Sentiment from").value = "human"
    _find(dashboard, "Read the tweets of").value = 0


@pytest.mark.parametrize("settings, sentence", [
    ({"From": pd.Timestamp("2015-02-24"), "To": pd.Timestamp("2015-02-17")}, "The date range is empty"),
    ({"Airline": "American", "To": pd.Timestamp("2015-02-17")}, "There is no American tweet"),
    ({"Airline": "Virgin America", "Negative reason": "Damaged Luggage",
      "From": pd.Timestamp("2015-02-24")}, "has the negative reason 'Damaged Luggage'"),
])
def test_dashboard_bad_input_gets_a_plain_sentence(settings, sentence):
    from widgets.views.listening import listening_dashboard

    box = listening_dashboard()
    for name, value in settings.items():
        _find(box, name).value = value
    text = html.unescape(_summary(box).value)
    assert sentence in text and "Traceback" not in text
    assert any("No tweets to read" in str(getattr(c, "value", "")) for c in _walk(box))


def test_dashboard_never_scores_vader_on_a_move(dashboard, monkeypatch):
    calls = []
    real = m._analyser()

    class Counting:
        lexicon = real.lexicon

        def polarity_scores(self, text):
            calls.append(text)
            return real.polarity_scores(text)

    monkeypatch.setattr(m, "_ANALYSER", Counting())
    for airline in ("United", "Southwest", m.ALL_AIRLINES):
        _find(dashboard, "Airline").value = airline
        _find(dashboard, "Sentiment from").value = "vader"
        _find(dashboard, "Sentiment from").value = "human"
    assert calls == []


def test_what_happened_hides_the_tweets_until_a_guess_and_keeps_the_first(tmp_path, monkeypatch):
    from widgets.views.listening import what_happened

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    box = what_happened()
    assert {"course-widget", "course-widget-what-happened"} <= set(box._dom_classes)
    summary, guess = _summary(box), _find(box, "Your guess")
    assert "Make your guess" in summary.value and "<table" not in box.children[-2].value
    guess.value = "disruption"
    assert "The tweets point elsewhere" in summary.value and "<table" in box.children[-2].value
    assert "the airline posted something" in summary.value
    guess.value = "own_post"
    assert "That is what the tweets point to" in summary.value
    assert "Your first guess, kept" in summary.value and "cancelled or delayed" in summary.value
    stored = progress.load_prediction("05", "what_happened", tmp_path / "progress.json")
    assert stored == {"first": "disruption", "latest": "own_post", "changes": 1}
    handles = set(re.findall(r"(?<![\w@])@\w+", box.children[-2].value))
    assert handles <= {"@JetBlue", "@user"}  # other people's accounts are masked
    again = what_happened()  # a new widget remembers the first guess
    assert "Your first guess, kept" in _summary(again).value


def test_record_prediction_survives_a_damaged_progress_file(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("{not json")
    note = progress.record_prediction("05", "what_happened", "normal", path)
    assert note and "damaged" in note
    assert progress.load_prediction("05", "what_happened", path)["first"] == "normal"
    assert progress.load_prediction("05", "other", path) == {}


# ----------------------------------------------------------------------------- the questions


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, value, verdict)
    return verdict.message


def test_every_question_says_not_attempted_for_the_placeholder():
    for q in (Q.q1, Q.q2, Q.q3, Q.q4, Q.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED, q.qid
    assert Q.q1.verdict_from({}).status == NOT_ATTEMPTED


def test_q1_counts_each_complaint_once(rows, tweets):
    def negative(frame, column="airline_sentiment"):
        day = frame["tweet_created"].dt.strftime("%Y-%m-%d") == "2015-02-24"
        part = frame[(frame["airline"] == "American") & day]
        return int((part[column] == "negative").sum()), len(part)

    right, n = negative(tweets)
    assert Q.q1.evaluate(right).status == CORRECT and Q.q1.evaluate(float(right)).status == CORRECT
    assert "twice" in _feedback(Q.q1, negative(rows)[0])
    vader = m.with_vader(tweets)
    assert "VADER" in _feedback(Q.q1, negative(vader, "vader_sentiment")[0])
    assert "every distinct American tweet" in _feedback(Q.q1, n)
    assert "a share" in _feedback(Q.q1, right / n) and "a share" in _feedback(Q.q1, 100 * right / n)
    assert "not the answer" in _feedback(Q.q1, right + 7)


def test_q2_usairways_macro_f1_and_its_variants(tweets):
    part = tweets[tweets["airline"] == "US Airways"]
    truth = part["airline_sentiment"].astype(str).to_numpy()
    compound = vader_direct(part["text"])
    predicted = label_direct(compound)
    right = f1_score(truth, predicted, average="macro")
    assert Q.q2.evaluate(right).status == CORRECT and Q.q2.evaluate(round(right, 3)).status == CORRECT
    assert "accuracy" in _feedback(Q.q2, accuracy_score(truth, predicted))
    assert "weighted" in _feedback(Q.q2, f1_score(truth, predicted, average="weighted"))
    assert "negative class" in _feedback(Q.q2, f1_score(truth, predicted, labels=["negative"],
                                                          average="macro"))
    zero = np.where(compound > 0, "positive", np.where(compound < 0, "negative", "neutral"))
    assert "threshold" in _feedback(Q.q2, f1_score(truth, zero, average="macro"))
    everyone = tweets["airline_sentiment"].astype(str).to_numpy()
    pooled = f1_score(everyone, label_direct(vader_direct(tweets["text"])), average="macro")
    assert "all six airlines" in _feedback(Q.q2, pooled)
    assert "percentage" in _feedback(Q.q2, 100 * right)
    assert "three decimals" in _feedback(Q.q2, round(right, 2))
    assert "not the answer" in _feedback(Q.q2, 0.9)


def test_q3_spike_hours_and_its_mistakes(tweets):
    grid = m.periods_of(tweets)
    southwest = tweets[tweets["airline"] == "Southwest"]

    def flagged(frame, by_hand=True):
        counts = m.counts_over_time(frame, freq="h", periods=grid)["count"]
        return int(rule_by_hand(counts).sum())

    right = flagged(southwest[southwest["airline_sentiment"] == "negative"])
    assert Q.q3.evaluate(right).status == CORRECT
    assert "all tweets" in _feedback(Q.q3, flagged(southwest))
    vader = m.with_vader(southwest)
    assert "VADER" in _feedback(Q.q3, flagged(vader[vader["vader_sentiment"] == "negative"]))
    counts = m.counts_over_time(southwest[southwest["airline_sentiment"] == "negative"], freq="h",
                                periods=grid)["count"]
    window = counts.rolling(24)  # the slip: the hour inside its own window
    median, mad = window.median(), window.apply(lambda z: np.median(np.abs(z - np.median(z))), raw=True)
    including = int(((counts > median + 3 * np.maximum(1.4826 * mad, 1)) & (counts >= 5)).sum())
    assert "before" in _feedback(Q.q3, including)
    assert len({right, flagged(southwest), including}) == 3
    assert "not the answer" in _feedback(Q.q3, right + 10)


def test_q4_shares_not_counts(tweets):
    negative = tweets[tweets["airline_sentiment"] == "negative"]
    late = negative["negativereason"] == "Late Flight"
    shares = late.groupby(negative["airline"], observed=True).mean()
    counts = late.groupby(negative["airline"], observed=True).sum()
    of_all = counts / tweets.groupby("airline", observed=True).size()
    assert Q.q4.evaluate(str(shares.idxmax())).status == CORRECT
    assert Q.q4.evaluate(f"  {str(shares.idxmax()).upper()} ").status == CORRECT
    assert "counts" in _feedback(Q.q4, str(counts.idxmax()))
    assert "all its tweets" in _feedback(Q.q4, str(of_all.idxmax()))
    assert "JetBlue" in _feedback(Q.q4, "JetBlue")
    assert len({shares.idxmax(), counts.idxmax(), of_all.idxmax()}) == 3
    assert "not the answer" in _feedback(Q.q4, "Virgin America")
    assert "text" in _feedback(Q.q4, 3)


def test_q5_reading_follows_the_human_labels(tweets):
    day = tweets["tweet_created"].dt.strftime("%Y-%m-%d")
    united = tweets[tweets["airline"] == "United"]
    on = {d: united[(day[united.index] == d).to_numpy()] for d in Q.Q5_DAYS}
    people = {d: (part["airline_sentiment"] == "positive").mean() for d, part in on.items()}
    compound = {d: vader_direct(part["text"]) for d, part in on.items()}
    vader = {d: (label_direct(c) == "positive").mean() for d, c in compound.items()}
    first, second = Q.Q5_DAYS
    assert vader[second] > vader[first]  # the chart's claim is true of VADER's labels
    right = "a" if people[second] - people[first] >= 0.01 else "b"
    assert right == "b"  # ... and people's labels do not confirm it
    assert Q.q5.evaluate(right).status == CORRECT and Q.q5.evaluate(" B ").status == CORRECT
    assert "did not rise" in _feedback(Q.q5, "a")
    assert "not passengers" in _feedback(Q.q5, "c")
    counts = {d: int((label_direct(c) == "positive").sum()) for d, c in compound.items()}
    assert counts[second] < counts[first] and "far fewer" in _feedback(Q.q5, "d")
    assert "one of 'a', 'b', 'c', 'd'" in _feedback(Q.q5, "e")


def test_the_exercise_states_every_reading_of_q5_and_points_add_up():
    cells = read(ROOT / "solutions" / "05-listening-at-scale.ipynb")["cells"]
    text = "\n".join(source(c) for c in cells)
    for key, reading in Q.q5.choices.items():
        assert f"**{key}**: {reading}" in text
    points = [c["metadata"]["nbgrader"].get("points", 0) for c in cells
              if c["metadata"].get("nbgrader", {}).get("grade")]
    assert points == [1, 1, 1, 1, 1]
    assert Q.r1.prompt.split(":")[0] in text.replace("*", "").replace("\n", " ")


def test_the_lesson_never_prints_an_exercise_answer_even_as_its_building_blocks():
    """Beyond tests/test_no_answer_in_lesson.py: the lesson neither names q3's airline with the
    negative-alarm count nor q2's airline with an F1 (both would be copyable)."""
    lesson = json.loads((ROOT / "lessons" / "05-listening-at-scale.ipynb").read_text(encoding="utf-8"))
    outputs = "\n".join("".join(o.get("text", "")) for c in lesson["cells"] for o in c.get("outputs", []))
    assert "US Airways: macro-F1" not in outputs and "Southwest: macro-F1" not in outputs
    assert "Southwest alone" not in outputs
