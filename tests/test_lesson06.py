"""Lesson 06, answering: models, figures, the three widgets and the questions.

Right answers are computed here independently of the course's models (pandas, numpy and scipy
called directly); each anticipated mistake is tried; so are a plausible unanticipated wrong answer
and the blank.
"""

from __future__ import annotations

import ast
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from tests.helpers import ROOT, read, source
from tests.helpers import control as _find
from tests.helpers import summary_text as _text
from tests.helpers import walk as _walk
from widgets import progress
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import answering as figs
from widgets.models import answering as m
from widgets.questions import lesson06 as Q

SERVICE = {"Customer Service Issue", "Late Flight", "Cancelled Flight", "Lost Luggage",
           "Damaged Luggage", "Flight Booking Problems"}


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return load("airline_tweets")


@pytest.fixture(scope="module")
def tweets(rows) -> pd.DataFrame:
    return rows.drop_duplicates("tweet_id", keep="first")


@pytest.fixture(scope="module")
def threads() -> pd.DataFrame:
    return load("support_threads")


def rule_by_hand(frame: pd.DataFrame) -> pd.DataFrame:
    negative = frame["airline_sentiment"].astype(str) == "negative"
    complaint = negative & frame["negativereason"].astype(object).isin(SERVICE)
    text = frame["text"].astype(str)
    question = text.str.contains("?", regex=False) | text.str.lower().str.contains(
        r"\b(?:help|please|pls|plz|assist|dm)\b", regex=True)
    return pd.DataFrame({"complaint": complaint, "question": question, "negative": negative})


def local_hour(frame: pd.DataFrame) -> pd.Series:
    return frame["tweet_created"].dt.tz_localize(None).dt.floor("h")


def resample_by_hand(a: np.ndarray, b: np.ndarray, n: int = 2000, seed: int = 11) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    d = [rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(n)]
    return tuple(np.percentile(d, [2.5, 97.5]))


# ----------------------------------------------------------------------------- who needs an answer


def test_the_rule_flags_what_it_says(tweets):
    flags = m.answer_flags(tweets)
    expected = rule_by_hand(tweets)
    for column in ("complaint", "question", "negative"):
        assert (flags[column].to_numpy() == expected[column].to_numpy()).all(), column
    need = m.needs_answer(tweets)
    assert need.sum() == (expected["complaint"] | expected["question"]).sum() == 8_993
    assert m.needs_answer(tweets, "any negative tweet").sum() == 9_082


def test_rule_sensitivity_counts_every_rule_by_airline(tweets):
    table = m.rule_sensitivity(tweets)
    e = rule_by_hand(tweets)
    by_hand = {
        "service complaints": e["complaint"], "questions and requests": e["question"],
        "complaints or questions": e["complaint"] | e["question"], "any negative tweet": e["negative"],
        "negative or question": e["negative"] | e["question"]}
    for rule, mask in by_hand.items():
        assert table.loc["all", rule] == mask.sum()
        per = mask.groupby(tweets["airline"], observed=True).sum()
        for airline, n in per.items():
            assert table.loc[airline, rule] == n
    assert table.loc["all", "tweets"] == 14_485
    assert list(table.columns) == ["tweets", *m.RULES]


def test_unknown_rule_or_column_is_one_plain_sentence(tweets):
    with pytest.raises(m.AnsweringError, match="there is no rule 'most'"):
        m.needs_answer(tweets, "most")
    with pytest.raises(m.AnsweringError, match="no column 'text'"):
        m.answer_flags(tweets.drop(columns="text"))
    assert m.AnsweringError("x")._render_traceback_() == ["AnsweringError: x"]


def test_queue_by_hour_and_the_peak(tweets):
    united = tweets[tweets["airline"] == "United"]
    table = m.queue_by_hour(united)
    hours = local_hour(united)
    need = rule_by_hand(united)
    counts = hours[(need["complaint"] | need["question"]).to_numpy()].value_counts()
    full = pd.date_range(hours.min(), hours.max(), freq="h")
    by_hand = counts.reindex(full, fill_value=0)
    assert (table["need"].to_numpy() == by_hand.to_numpy()).all()
    assert table["tweets"].sum() == len(united)
    peak = m.peak_load(table)
    assert peak.peak == by_hand.max() == 35 and peak.peak_hour == by_hand.idxmax()
    assert peak.median == by_hand.median() == 13 and peak.hours == len(full)
    assert math.isclose(peak.p90, np.percentile(by_hand, 90))
    empty = m.peak_load(pd.Series([], dtype=float))
    assert empty.peak == 0 and empty.peak_hour is None and math.isnan(empty.median)


def test_queue_cube_matches_the_direct_count(rows, tweets):
    cube = m.QueueCube(rows)
    s = cube.select("US Airways", "2015-02-18", "2015-02-20", "service complaints")
    part = tweets[(tweets["airline"] == "US Airways")]
    day = part["tweet_created"].dt.tz_localize(None).dt.normalize()
    part = part[(day >= "2015-02-18") & (day <= "2015-02-20")]
    e = rule_by_hand(part)
    assert s.tweets == len(part) and s.need == e["complaint"].sum()
    assert s.by_rule["negative or question"] == (e["negative"] | e["question"]).sum()
    assert len(s.hours) == 72 and s.problem is None
    assert s.load.peak == local_hour(part)[e["complaint"].to_numpy()].value_counts().max()


@pytest.mark.parametrize("args, sentence", [
    (("United", "2015-02-23", "2015-02-18"),
     "The date range is empty: 'From' (Feb 23) is after 'To' (Feb 18)"),
    (("American", "2015-02-17", "2015-02-17"), "There is no tweet to American from Feb 17 to Feb 17"),
])
def test_queue_cube_bad_input_is_a_plain_sentence(rows, args, sentence):
    s = m.QueueCube(rows).select(*args)
    assert s.problem.startswith(sentence) and s.tweets == 0 and s.need == 0
    with pytest.raises(m.AnsweringError, match="no airline 'JetBlue'"):
        m.QueueCube(rows).select("JetBlue")


def test_play_first_tweets_and_the_triage_comparison(rows):
    ten = m.play_first_tweets(rows)
    assert list(ten.index) == list(m.PLAY_FIRST_TWEET_IDS) and len(ten) == 10
    assert list(ten["time"]) == sorted(ten["time"])  # in the order they arrived
    assert ten["time"].str.startswith("15:").all()
    assert ten["needs"].tolist() == [True, True, False, False, False, False, False, False, True, True]
    assert "&amp;" not in "".join(ten["text"])
    handles = set(ten["text"].str.findall(r"(?<![\w@])@\w+").explode().dropna())
    assert handles == {"@united", "@user"}  # other people's accounts are masked, the airline's kept
    chosen = dict(zip(ten.index, ["now", "now", "none", "later", "none", "none", "private", "later",
                                  "private", "now"], strict=True))
    c = m.compare_triage(chosen, ten)
    assert c == {"chosen": 10, "answered": 7, "rule": 4, "agree": 7, "you_only": 3, "rule_only": 0}
    partial = m.compare_triage({ten.index[0]: "none", "nope": "now"}, ten)
    assert partial["chosen"] == 1 and partial["rule_only"] == 1
    with pytest.raises(m.AnsweringError, match="no tweet_id"):
        m.play_first_tweets(rows.iloc[:10])


# ----------------------------------------------------------------------------- first-response times


def test_first_response_summary_keeps_the_unanswered_apart(threads):
    s = m.first_response_summary(threads).loc["all"]
    minutes = threads["first_response_minutes"]
    answered = minutes.dropna()
    assert s["threads"] == 4_000 and s["answered"] == len(answered) == 1_459
    assert math.isclose(s["median"], np.median(answered))
    assert math.isclose(s["p90"], np.percentile(answered, 90))
    assert math.isclose(s["mean"], answered.mean())
    assert math.isclose(s["within_hour"], (minutes <= 60).sum() / 4_000)
    by = m.first_response_summary(threads, "platform")
    assert list(by.index) == ["facebook", "instagram", "x", "tiktok"] and by["threads"].sum() == 4_000


def test_speed_bands_cover_every_answered_thread(threads):
    bands = m.speed_band(threads["first_response_minutes"])
    assert bands.notna().sum() == 1_459 and bands.isna().sum() == 2_541
    assert (bands[threads["first_response_minutes"] <= 6] == "within 6 minutes").all()
    assert (bands[threads["first_response_minutes"] == 6.1] == "6-20 minutes").all()


# ----------------------------------------------------------------------------- the bootstrap


def test_bootstrap_difference_agrees_with_resampling_by_hand(threads):
    replied = threads["first_response_minutes"].notna()
    a = threads.loc[replied, "later_spend_usd"].to_numpy()
    b = threads.loc[~replied, "later_spend_usd"].to_numpy()
    r = m.bootstrap_difference(a, b)
    low, high = resample_by_hand(a, b)
    assert math.isclose(r.estimate, a.mean() - b.mean())
    assert abs(r.low - low) < 0.5 and abs(r.high - high) < 0.5
    assert r.n_a == 1_459 and r.n_b == 2_541 and r.low < r.estimate < r.high
    ratio = m.bootstrap_difference(a, b, ratio=True)
    assert math.isclose(ratio.estimate, a.mean() / b.mean()) and ratio.low < ratio.estimate < ratio.high
    assert r.as_list() == [r.estimate, r.low, r.high]
    nothing = m.bootstrap_difference([], b)
    assert math.isnan(nothing.estimate) and nothing.n_a == 0


def test_bootstrap_means_have_the_spread_of_resampling():
    """Counting how often each distinct value is drawn is resampling rows with replacement."""
    values = np.random.default_rng(3).gamma(2.0, 10.0, 400).round(0)
    fast = m._bootstrap_means(values, 4000, np.random.default_rng(4))
    rng = np.random.default_rng(5)
    slow = np.array([rng.choice(values, len(values)).mean() for _ in range(4000)])
    assert abs(fast.mean() - values.mean()) < 0.05 and abs(slow.mean() - values.mean()) < 0.05
    assert abs(fast.std() / slow.std() - 1) < 0.06
    assert abs(fast.std() - values.std() / math.sqrt(len(values))) < 0.03


def test_reply_effect_and_effect_by_speed(threads):
    minutes = threads["first_response_minutes"]
    spend = threads["later_spend_usd"]
    never = spend[minutes.isna()]
    fast = m.reply_effect(threads, within=6)
    assert math.isclose(fast.estimate, spend[minutes <= 6].mean() - never.mean())
    slow = m.reply_effect(threads, after=60)
    assert math.isclose(slow.estimate, spend[minutes > 60].mean() - never.mean())
    change = threads["sentiment_after"] - threads["sentiment_before"]
    sent = m.reply_effect(threads, "sentiment_change", tone="personal")
    personal = threads["reply_style"] == "personal"
    assert math.isclose(sent.estimate, change[personal].mean() - change[minutes.isna()].mean())
    table = m.effect_by_speed(threads)
    assert list(table.index) == [b[2] for b in m.SPEED_BANDS] + ["any reply", "never answered"]
    assert table.loc["within 6 minutes", "n"] == (minutes <= 6).sum()
    assert math.isclose(table.loc["any reply", "gain"], spend[minutes.notna()].mean() - never.mean())
    assert table.loc["never answered", "gain"] == 0
    with pytest.raises(m.AnsweringError, match="tone is one of"):
        m.reply_effect(threads, tone="friendly")


def test_the_card_calibration_holds(threads):
    """datasets/README.md and the lesson: any reply ~ +$10, within 6 minutes ~ +$20 (Twitter: $9, $20)."""
    table = m.effect_by_speed(threads)
    assert 6 <= table.loc["any reply", "gain"] <= 14 and 15 <= table.loc["within 6 minutes", "gain"] <= 26
    assert table.loc["1-4 hours", "low"] < 0.5  # after an hour: an interval that reaches zero


# ----------------------------------------------------------------------------- who got answered


def test_answered_share_and_the_independence_test(threads):
    table = m.answered_share(threads, "issue_type")
    yes = threads["first_response_minutes"].notna()
    by_hand = yes.groupby(threads["issue_type"], observed=True).mean()
    for issue, share in by_hand.items():
        assert math.isclose(table.loc[issue, "share"], share)
        assert table.loc[issue, "low"] < share < table.loc[issue, "high"]
    test = m.answer_independence(threads, "issue_type")
    assert math.isclose(test["p"], chi2_contingency(pd.crosstab(threads["issue_type"], yes))[1])
    assert test["groups"] == 8 and test["dof"] == 7
    moods = m.answered_share(threads, "mood")
    assert list(moods.index) == list(m.MOODS) and moods["threads"].sum() == 4_000
    one = m.answer_independence(threads.assign(one="a"), "one")
    assert math.isnan(one["p"])


def test_mood_thirds_cut_at_the_terciles(threads):
    mood = m.mood_thirds(threads)
    q1, q2 = threads["sentiment_before"].quantile([1 / 3, 2 / 3])
    assert (threads.loc[mood == "angriest third", "sentiment_before"] <= q1).all()
    assert (threads.loc[mood == "mildest third", "sentiment_before"] > q2).all()
    assert mood.value_counts().min() > 1_200


def test_selective_desk_confounds_the_naive_comparison(threads):
    for answers, sign in (("mildest", 1), ("angriest", -1)):
        desk = m.selective_desk(threads, answers)
        yes = desk["first_response_minutes"].notna()
        before = desk["sentiment_before"]
        assert sign * (before[yes].mean() - before[~yes].mean()) > 0.3
        r = m.naive_and_change(desk)
        change = desk["sentiment_after"] - before
        assert math.isclose(r["naive"], desk.loc[yes, "sentiment_after"].mean()
                            - desk.loc[~yes, "sentiment_after"].mean())
        assert math.isclose(r["change"], change[yes].mean() - change[~yes].mean())
        assert sign * (r["naive"] - r["change"]) > 0.3  # the naive gap is off by the before-gap
        full = m.naive_and_change(threads)
        assert abs(r["change"] - full["change"]) < 0.05 and abs(r["spend"] - full["spend"]) < 2
    with pytest.raises(m.AnsweringError, match="'mildest' or the 'angriest'"):
        m.selective_desk(threads, "loudest")
    with pytest.raises(m.AnsweringError, match="between 0 and 1"):
        m.selective_desk(threads, share=0)


# ----------------------------------------------------------------------------- a rule, held out


def test_held_out_chooses_on_one_year_and_judges_on_the_next(threads):
    h = m.held_out(threads, "platform", within=6)
    year = threads["opened_at"].dt.year
    minutes = threads["first_response_minutes"]

    def gain(mask):
        s = threads.loc[mask, "later_spend_usd"]
        mm = minutes[mask]
        return s[mm <= 6].mean() - s[mm.isna()].mean()

    platforms = ("facebook", "instagram", "x", "tiktok")
    fit = {p: gain((threads["platform"] == p) & (year == 2024)) for p in platforms}
    test = {p: gain((threads["platform"] == p) & (year == 2025)) for p in fit}
    chosen = max(fit, key=fit.get)
    assert h.chosen == chosen and math.isclose(h.chosen_fit, fit[chosen])
    assert math.isclose(h.chosen_test, test[chosen]) and h.best_in_test == max(test, key=test.get)
    assert math.isclose(h.overall_test.estimate, gain(year == 2025))
    assert h.chosen_test < h.chosen_fit  # the winner's lead shrank on the held-out year
    with pytest.raises(m.AnsweringError, match="no group"):
        m.held_out(threads[threads["first_response_minutes"].isna()], "platform")


# ----------------------------------------------------------------------------- the reply desk


@pytest.fixture(scope="module")
def desk(threads) -> m.ReplyDesk:
    return m.ReplyDesk(threads)


def _cell_mean(threads, band: int | None, tone: str | None, column: str) -> float:
    minutes = threads["first_response_minutes"]
    if band is None:
        mask = minutes.isna()
    else:
        lo, hi, _ = m.SPEED_BANDS[band]
        mask = (minutes > lo) & (minutes <= hi) & (threads["reply_style"] == tone)
    values = (threads["sentiment_after"] - threads["sentiment_before"]) if column == "sentiment_change" \
        else threads[column].astype(float)
    return float(values[mask].mean())


def test_desk_estimate_is_the_mix_of_cell_means(threads, desk):
    o = desk.outcome(1, "template", "money", "questions")
    money = threads["issue_type"].isin(["payment", "refund", "subscription"])
    questions = threads["issue_type"] == "product_question"
    n = len(threads)
    assert o.fast == money.sum() and o.unanswered == questions.sum()
    assert o.later == n - money.sum() - questions.sum()
    for column in ("later_spend_usd", "sentiment_change", "resolved"):
        by_hand = (o.fast * _cell_mean(threads, 1, "template", column)
                   + o.later * _cell_mean(threads, 4, "template", column)
                   + o.unanswered * _cell_mean(threads, None, None, column)) / n
        e = o.estimates[column]
        assert math.isclose(e.value, by_hand) and e.low < e.value < e.high
        base = _cell_mean(threads, None, None, column)
        assert math.isclose(o.gains[column].value, by_hand - base)
        assert math.isclose(o.baselines["no replies"][column].value, base)
    observed = threads["later_spend_usd"].mean()
    assert math.isclose(o.baselines["as the brand did"]["later_spend_usd"].value, observed)
    assert o.unanswered_by["product_question"] == questions.sum() and o.unanswered_by.sum() == o.unanswered
    minutes, template = threads["first_response_minutes"], threads["reply_style"] == "template"
    assert o.behind == {"fast": int(((minutes > 6) & (minutes <= 20) & template).sum()),
                        "later": int(((minutes > 240) & template).sum()), "none": 2_541}
    assert desk.outcome(1, "template", "money", "questions") is o  # kept per setting


def test_desk_intervals_come_from_resampling_the_cells(threads, desk):
    """The fast cell's interval is about as wide as resampling that cell by hand."""
    o = desk.outcome(0, "personal", "everyone", "nobody")
    minutes = threads["first_response_minutes"]
    cell = threads.loc[(minutes <= 6) & (threads["reply_style"] == "personal"), "later_spend_usd"].to_numpy()
    rng = np.random.default_rng(8)
    means = [rng.choice(cell, len(cell)).mean() for _ in range(2000)]
    low, high = np.percentile(means, [2.5, 97.5])
    e = o.estimates["later_spend_usd"]
    assert abs((e.high - e.low) - (high - low)) < 0.15 * (high - low)


def test_desk_difference_between_two_settings(desk):
    a, b = (0, "personal", "orders", "nobody"), (2, "personal", "everyone", "nobody")
    d = desk.difference(a, b)
    for key in m.ReplyDesk.OUTCOME_KEYS:
        assert math.isclose(d[key].value, desk.outcome(*a).estimates[key].value
                            - desk.outcome(*b).estimates[key].value)
    assert d["later_spend_usd"].low < 0 < d["later_spend_usd"].high  # spend cannot tell them apart
    assert d["sentiment_change"].low > 0
    same = desk.difference(a, a)
    assert same["resolved"] == m.Estimate(0.0, 0.0, 0.0)


def test_desk_bad_settings(threads, desk):
    nobody = desk.outcome(0, "personal", "everyone", "everyone")
    assert nobody.problem.startswith("This rule answers nobody: all 4,000 threads go unanswered")
    assert nobody.estimates == nobody.baselines["no replies"]  # answering nobody is the baseline
    note = desk.outcome(0, "personal", "questions", "questions")
    assert note.problem is None and note.fast == 0 and "Nobody is answered first" in note.note
    for args, message in (((9, "personal"), "band number"), ((0, "warm"), "tone is one of"),
                          ((0, "personal", "vips"), "no triage group 'vips'")):
        with pytest.raises(m.AnsweringError, match=message):
            desk.outcome(*args)
    empty = m.ReplyDesk(threads.iloc[:0]).outcome()
    assert empty.problem == "There are no threads in this queue: there is nothing to answer."
    assert desk.label("angriest").startswith("the angriest third (sentiment before at most -0.")


# ----------------------------------------------------------------------------- figures


def test_figures_state_computed_findings(threads, desk, rows):
    summary = m.first_response_summary(threads)
    fig = figs.response_time_figure(threads, summary)
    assert "Half the answered threads waited up to 26 minutes" in fig.layout.title.text
    assert "64% of 4,000 threads were never answered" in fig.layout.title.text
    effect = figs.effect_by_speed_figure(m.effect_by_speed(threads))
    assert "+$20 for a reply within 6 minutes" in effect.layout.title.text
    assert list(effect.data[1].y) == list(m.TWITTER_AMS_2015.values())  # the real figures, drawn apart
    assert figs.expectations_title().startswith("Customers: 50%-53% expect a reply within an hour")
    h = figs.held_out_figure(m.held_out(threads, "platform", within=6))
    assert "'instagram'" in h.layout.title.text
    o = desk.outcome(0, "personal", "everyone", "nobody")
    d = figs.desk_figure(o)
    assert d.layout.title.text.startswith("Your desk: +$24 later spend per customer over no replies")
    figs.fill_desk(d, desk.outcome(0, "personal", "everyone", "everyone"))
    assert "nothing to estimate" in d.layout.title.text and d.data[0].x[2] is None
    q = figs.queue_figure(m.QueueCube(rows).select("United"))
    assert q.layout.title.text.startswith("Tweets to United: 2,426 of 3,822 needed an answer")
    for f in (fig, effect, h, d, q):
        for axis in ("xaxis", "yaxis"):
            assert f.layout[axis].title.text, (f.layout.title.text, axis)


# ----------------------------------------------------------------------------- the widgets


def test_views_follow_the_conventions():
    from widgets.views import answering as view

    assert set(view.__all__) == {"queue_sizer", "reply_desk", "triage_by_hand"}
    desk = view.reply_desk()
    assert {"course-widget", "course-widget-reply-desk"} <= set(desk._dom_classes)
    for name in ("Reply speed (answer first)", "Tone", "Answer first", "No answer for"):
        assert _find(desk, name)


def test_triage_reveals_only_when_all_ten_are_decided(tmp_path, monkeypatch):
    from widgets.views.answering import triage_by_hand

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    box = triage_by_hand()
    assert {"course-widget", "course-widget-triage-by-hand"} <= set(box._dom_classes)
    assert "You have decided 0 of 10 tweets" in _text(box)
    choices = ["now", "now", "none", "later", "none", "none", "private", "later", "private", "now"]
    def tweet(i):
        return next(c for c in _walk(box) if str(getattr(c, "description", "")).startswith(f"Tweet {i} ("))

    for i, choice in enumerate(choices[:9], start=1):
        tweet(i).value = choice
    assert "You have decided 9 of 10" in _text(box) and "<table" not in box.children[-2].value
    assert progress.load_prediction("06", "triage_by_hand", tmp_path / "progress.json") == {}
    tweet(10).value = "now"
    text = _text(box)
    assert "You would answer 7 of the 10 tweets" in text and "the rule says 4 needed an answer" in text
    assert "You agree on 7 of 10" in text and "30 of the 57 tweets to United" in text
    assert "one reply every 2.0 minutes" in text and "<table" in box.children[-2].value
    stored = progress.load_prediction("06", "triage_by_hand", tmp_path / "progress.json")
    assert stored["first"] == ",".join(choices)


def test_queue_sizer_sentences_and_bad_input():
    from widgets.views.answering import queue_sizer

    box = queue_sizer()
    text = _text(box)
    assert "8,993 of 14,485 tweets needed an answer" in text and "184 replies an hour" in text
    assert "service complaints: 6,679" in text and "not every tweet the airline received" in text
    _find(box, "Needed an answer =").value = "service complaints"
    assert "6,679 of 14,485" in _text(box) and "complaints or questions: 8,993" in _text(box)
    _find(box, "Airline").value = "American"
    days = [v for _label, v in _find(box, "From").options]
    _find(box, "From").value = days[1]
    _find(box, "To").value = days[1]
    assert "There is no tweet to American from Feb 17 to Feb 17" in _text(box)
    _find(box, "From").value = days[-1]
    assert "The date range is empty" in _text(box) and "Traceback" not in _text(box)


def test_reply_desk_sentences_follow_the_controls():
    from widgets.views.answering import reply_desk
    from widgets.views.figure import FigureView

    box = reply_desk()
    figure = next(c for c in _walk(box) if isinstance(c, FigureView))
    first = (_text(box), figure.figure_json)
    assert "answers 4,000 of 4,000 threads within 6 minutes with a personal reply" in first[0]
    assert "151 threads the data saw answered within 6 minutes" in first[0]
    _find(box, "Tone").value = "template"
    assert "with a template reply" in _text(box) and figure.figure_json != first[1]
    _find(box, "No answer for").value = "questions"
    assert "leaves 647 unanswered (647 product question)" in _text(box)
    _find(box, "Answer first").value = "questions"
    assert "Nobody is answered first" in _text(box)
    _find(box, "No answer for").value = "everyone"
    text = _text(box)
    assert text.startswith("This rule answers nobody: all 4,000 threads go unanswered")
    assert "Traceback" not in text and "With no replies, the data shows later spend of $20.21" in text


# ----------------------------------------------------------------------------- the questions


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, value, verdict)
    return verdict.message


def test_every_question_says_not_attempted_for_the_placeholder():
    for q in (Q.q1, Q.q2, Q.q3, Q.q4, Q.q5, Q.q6):
        assert q.evaluate(____).status == NOT_ATTEMPTED, q.qid
    assert Q.q2.evaluate([____, 1, 2]).status == NOT_ATTEMPTED


def test_q1_p90_of_the_answered_threads(threads):
    part = threads[(threads["platform"] == "x") & (threads["opened_at"].dt.year == 2025)]
    waits = part["first_response_minutes"].dropna().to_numpy()
    right = np.percentile(waits, 90)
    assert Q.q1.evaluate(right).status == CORRECT
    for method in ("lower", "higher", "nearest", "midpoint", "hazen", "weibull", "median_unbiased"):
        assert Q.q1.evaluate(np.percentile(waits, 90, method=method)).status == CORRECT, method
    assert "mean" in _feedback(Q.q1, waits.mean())
    assert "median" in _feedback(Q.q1, np.median(waits))
    assert "10th percentile" in _feedback(Q.q1, np.percentile(waits, 10))
    assert "0 minutes" in _feedback(Q.q1, np.percentile(part["first_response_minutes"].fillna(0), 90))
    assert "no response time" in _feedback(Q.q1, float("inf"))
    assert "hours" in _feedback(Q.q1, right / 60)
    y2025 = threads[threads["opened_at"].dt.year == 2025]["first_response_minutes"].dropna()
    assert "every platform" in _feedback(Q.q1, np.percentile(y2025, 90))
    on_x = threads[threads["platform"] == "x"]["first_response_minutes"].dropna()
    assert "both years" in _feedback(Q.q1, np.percentile(on_x, 90))
    assert "not the answer" in _feedback(Q.q1, 100.0)
    assert "a number" in _feedback(Q.q1, "134")


def test_q2_effect_with_an_interval_and_its_variants(threads):
    on_x = threads[threads["platform"] == "x"]
    minutes = on_x["first_response_minutes"]
    a = on_x.loc[minutes <= 60, "later_spend_usd"].to_numpy()
    b = on_x.loc[minutes.isna(), "later_spend_usd"].to_numpy()
    low, high = resample_by_hand(a, b)
    right = [a.mean() - b.mean(), low, high]
    assert Q.q2.evaluate(right).status == CORRECT and Q.q2.evaluate(tuple(right)).status == CORRECT
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    normal = [right[0], right[0] - 1.96 * se, right[0] + 1.96 * se]
    assert Q.q2.evaluate(normal).status == CORRECT  # a careful variant is accepted
    assert "WITHOUT replacement" in _feedback(Q.q2, [right[0], right[0], right[0]])
    rng = np.random.default_rng(12)
    ninety = np.percentile([rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(4000)],
                           [5, 95])
    assert "90% interval" in _feedback(Q.q2, [right[0], *ninety])
    ratio = a.mean() / b.mean()
    assert "ratio" in _feedback(Q.q2, [ratio, ratio - 0.2, ratio + 0.2])
    assert "interval is not the one" in _feedback(Q.q2, [right[0], low - 3, high + 3])
    anyreply = on_x.loc[minutes.notna(), "later_spend_usd"].to_numpy()
    assert "ANY reply" in _feedback(Q.q2, [anyreply.mean() - b.mean(), *resample_by_hand(anyreply, b)])
    rest = on_x.loc[~(minutes <= 60), "later_spend_usd"].to_numpy()
    assert "never answered" in _feedback(Q.q2, [a.mean() - rest.mean(), *resample_by_hand(a, rest)])
    all_min = threads["first_response_minutes"]
    aa = threads.loc[all_min <= 60, "later_spend_usd"].to_numpy()
    bb = threads.loc[all_min.isna(), "later_spend_usd"].to_numpy()
    assert "every platform" in _feedback(Q.q2, [aa.mean() - bb.mean(), *resample_by_hand(aa, bb)])
    assert "three numbers" in _feedback(Q.q2, [low, high])
    assert "order" in _feedback(Q.q2, [low, right[0], high])
    assert "not the answer" in _feedback(Q.q2, [right[0] + 5, low + 5, high + 5])


def test_q3_the_held_out_gain_and_leakage(threads):
    year = threads["opened_at"].dt.year
    minutes = threads["first_response_minutes"]
    spend = threads["later_spend_usd"]

    def gain(mask, comparison="never"):
        fast = mask & (minutes <= 20)
        other = mask & (minutes.isna() if comparison == "never" else ~(minutes <= 20))
        return spend[fast].mean() - spend[other].mean()

    issues = threads["issue_type"].cat.categories
    fit = {i: gain((threads["issue_type"] == i) & (year == 2024)) for i in issues}
    test = {i: gain((threads["issue_type"] == i) & (year == 2025)) for i in issues}
    chosen = max(fit, key=fit.get)
    right = test[chosen]
    assert Q.q3.evaluate(right).status == CORRECT and Q.q3.evaluate(round(right, 2)).status == CORRECT
    assert "leakage" in _feedback(Q.q3, max(test.values()))
    assert "in-sample" in _feedback(Q.q3, fit[chosen])
    assert "pools both years" in _feedback(Q.q3, gain(threads["issue_type"] == chosen))
    assert "ANY thread" in _feedback(Q.q3, gain(year == 2025))
    in_2025 = (threads["issue_type"] == chosen) & (year == 2025)
    assert "NEVER answered" in _feedback(Q.q3, gain(in_2025, "rest"))
    assert "not the name" in _feedback(Q.q3, chosen)
    assert "not the answer" in _feedback(Q.q3, right + 3)


def test_q4_reading_follows_the_held_out_year():
    h = m.held_out(load("support_threads"), "issue_type", within=20)
    right = "a" if h.chosen_test > h.overall_test.high else "b"
    assert right == "b"
    assert Q.q4.evaluate(right).status == CORRECT and Q.q4.evaluate(" B ").status == CORRECT
    assert "did not beat" in _feedback(Q.q4, "a")
    assert "chance alone" in _feedback(Q.q4, "c")
    assert "still clearly" in _feedback(Q.q4, "d")
    assert "one of 'a', 'b', 'c', 'd'" in _feedback(Q.q4, "e")


def test_q5_reading_of_the_selective_desk(threads):
    before = threads["sentiment_before"]
    yes = threads["first_response_minutes"].notna()
    keep = (yes & (before <= before.quantile(0.6))) | (~yes & (before >= before.quantile(0.4)))
    desk = threads[keep]
    y = yes[keep]
    naive = desk.loc[y, "sentiment_after"].mean() - desk.loc[~y, "sentiment_after"].mean()
    change = desk["sentiment_after"] - desk["sentiment_before"]
    diff = change[y].mean() - change[~y].mean()
    assert naive < 0 < diff  # the naive comparison says replies hurt; the change says they helped
    assert Q.q5.evaluate("b").status == CORRECT
    assert "started angrier" in _feedback(Q.q5, "a")
    assert "differ by far more than noise" in _feedback(Q.q5, "c")
    assert "biases only outcomes it is linked to" in _feedback(Q.q5, "d")


def _american_per_hour(frame: pd.DataFrame, rule: str = "negative or question", start="2015-02-22",
                       what: str = "need") -> pd.Series:
    """Tweets to American per hour (Pacific wall time, empty hours as 0) from ``start``: those that
    needed an answer under ``rule`` (computed here from the labels and the text), or all."""
    part = frame[frame["airline"] == "American"]
    hours = part["tweet_created"].dt.tz_localize(None).dt.floor("h")
    if start is not None:
        part, hours = part[hours >= pd.Timestamp(start)], hours[hours >= pd.Timestamp(start)]
    negative = part["airline_sentiment"].astype(str) == "negative"
    question = part["text"].str.contains(r"\?|\b(?:help|please|pls|plz|assist|dm)\b", case=False)
    complaint = negative & part["negativereason"].isin(SERVICE)
    need = {"negative or question": negative | question, "complaints or questions": complaint | question}
    keep = need[rule] if what == "need" else pd.Series(True, index=part.index)
    span = pd.date_range(hours.min(), hours.max(), freq="h")
    return hours[keep.to_numpy()].value_counts().reindex(span, fill_value=0)


def test_q6_the_peak_over_the_median_hour_on_real_tweets(rows, tweets):
    per_hour = _american_per_hour(tweets)
    right = per_hour.max() / per_hour.median()
    assert (per_hour.max(), per_hour.median()) == (102, 36)  # Sun 22 Feb, 17:00; 49 hours
    assert Q.q6.evaluate(right).status == CORRECT and Q.q6.evaluate(round(right, 2)).status == CORRECT
    assert "before 2015-02-22" in _feedback(Q.q6, float("inf"))  # the empty hours before: median 0
    assert "busiest hour's count" in _feedback(Q.q6, per_hour.max())
    assert "median hour's count" in _feedback(Q.q6, per_hour.median())
    assert "median / busiest" in _feedback(Q.q6, 1 / right)
    assert "percentage" in _feedback(Q.q6, 100 * right)
    assert "90th-percentile" in _feedback(Q.q6, per_hour.max() / np.percentile(per_hour, 90))
    assert "mean hour" in _feedback(Q.q6, per_hour.max() / per_hour.mean())
    lessons_rule = _american_per_hour(tweets, "complaints or questions")
    counted_rows = _american_per_hour(rows)
    every_tweet = _american_per_hour(tweets, what="all")
    for variant in (lessons_rule, counted_rows, every_tweet):
        assert "Check three things" in _feedback(Q.q6, variant.max() / variant.median())
    assert "two decimals" in _feedback(Q.q6, round(right, 1))
    assert "as a number" in _feedback(Q.q6, "Sun 22 17:00")
    assert "not the answer" in _feedback(Q.q6, right + 0.5)


def test_the_exercise_states_every_reading_and_points_add_up():
    cells = read(ROOT / "solutions" / "06-answering.ipynb")["cells"]
    text = "\n".join(source(c) for c in cells)
    for q in (Q.q4, Q.q5):
        for key, reading in q.choices.items():
            assert f"**{key}**: {reading}" in text
    points = [c["metadata"]["nbgrader"].get("points", 0) for c in cells
              if c["metadata"].get("nbgrader", {}).get("grade")]
    assert points == [1, 1, 1, 1, 1, 1]
    assert Q.r1.prompt in text


def test_the_lesson_never_prints_the_exercise_slices():
    """Beyond tests/test_no_answer_in_lesson.py: the lesson neither holds out issue types nor
    prints X's 2025 percentiles, nor builds the angriest desk (each would be copyable)."""
    lesson = json.loads((ROOT / "lessons" / "06-answering.ipynb").read_text(encoding="utf-8"))
    code = "\n".join(source(c) for c in lesson["cells"] if c["cell_type"] == "code")
    assert 'held_out(threads, "issue_type"' not in code and '"angriest")' not in code
    assert "within=60" not in code


def test_built_in_settings_named_in_the_lesson_exist_in_the_generator():
    tree = ast.parse((ROOT / "datasets" / "generate.py").read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets
             if isinstance(t, ast.Name)}
    lesson = (ROOT / "lessons" / "06-answering.ipynb").read_text(encoding="utf-8")
    cited = set(re.findall(r"generate\.py: ([A-Z_]+)", lesson))
    assert {"REPLY_BENEFIT", "REPLY_FADE_MINUTES", "ANSWER_RATE_START", "RESOLVED_PERSONAL_GAIN"} <= cited
    assert cited <= names
