"""Lesson 08, beyond commerce: the adapters that point lessons 04-06 at the health data, the
measures that are not sales, the views, the figures and the questions.

Right answers are computed here independently of the course's models (pandas, numpy and
statsmodels called directly); each anticipated mistake is tried; so are a plausible unanticipated
wrong answer and the blank.
"""

from __future__ import annotations

import importlib.util
import math
import re
import statistics

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from tests.helpers import ROOT
from tests.helpers import control as _find
from tests.helpers import summary_text as _text
from tests.helpers import walk as _walk
from widgets import progress
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import beyond as figs
from widgets.models import answering as ans
from widgets.models import beyond as m
from widgets.models import listening as lis
from widgets.questions import lesson08 as Q

_spec = importlib.util.spec_from_file_location("course_generator", ROOT / "datasets" / "generate.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return load("health_posts")


@pytest.fixture(scope="module")
def questions() -> pd.DataFrame:
    return load("health_questions")


def newcombe(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    low, high = confint_proportions_2indep(k1, n1, k2, n2, method="newcomb", compare="diff")
    return k1 / n1 - k2 / n2, float(low), float(high)


def office_by_hand(times: pd.Series) -> pd.Series:
    t = pd.to_datetime(times)
    return (t.dt.hour >= 8) & (t.dt.hour <= 17) & ~t.dt.strftime("%a").isin(["Sat", "Sun"])


# ----------------------------------------------------------------------------- the generator's settings


def test_the_model_uses_the_generators_office_hours_and_the_settings_hold(posts, questions):
    assert m.OFFICE_HOURS == tuple(gen.HEALTH_OFFICE_HOURS)
    assert (m.office_hours(questions["asked_at"]) == office_by_hand(questions["asked_at"])).all()
    assert m.STYLES == tuple(gen.STYLES)
    # bookings per click near the built-in rate; myths answered near theirs (loose: random draws)
    assert abs(posts["bookings"].sum() / posts["booking_clicks"].sum() - gen.HEALTH_BOOKING_RATE) < 0.02
    myths = questions["topic"] == "myths"
    assert abs(questions.loc[myths, "answered"].mean() - gen.HEALTH_MYTHS_ANSWER_RATE) < 0.1
    assert abs(questions.loc[~myths, "answered"].mean() - gen.HEALTH_ANSWER_RATE) < 0.06
    assert (questions["post_id"].isna() | (questions["post_id"] == "")).sum() == gen.HEALTH_DIRECT_MESSAGES


# ----------------------------------------------------------------------------- play first


def test_posts_with_questions_counts_by_hand(posts, questions):
    frame = m.posts_with_questions(posts, questions)
    under = questions["post_id"].dropna()
    by_hand = under[under != ""].value_counts()
    expected = posts["post_id"].map(by_hand).fillna(0).astype(int)
    assert (frame["questions"].to_numpy() == expected.to_numpy()).all()
    assert frame["questions"].sum() == 308 == len(questions) - 250
    assert np.allclose(frame["questions_per_1000"], 1000 * expected / posts["reach"])
    assert list(frame["post style"].cat.categories) == list(m.STYLES)


def test_question_ranking_per_post_per_reach_and_total(posts, questions):
    frame = m.posts_with_questions(posts, questions)
    per_post = m.question_ranking(frame, "per_post")
    means = frame.groupby("style", observed=True)["questions"].mean()
    for style, row in per_post.table.iterrows():
        assert math.isclose(row["value"], means[style]) and row["low"] < row["value"] < row["high"]
    assert per_post.leader == "question" and per_post.runner_up == "behind_the_scenes"
    assert per_post.lead[0] < 0 < per_post.lead[1] and not per_post.lead_is_clear
    reach = m.question_ranking(frame, "per_1000_reached")
    by_reach = (1000 * frame["questions"] / frame["reach"]).groupby(frame["style"], observed=True).mean()
    assert all(math.isclose(reach.table.at[s, "value"], by_reach[s]) for s in by_reach.index)
    total = m.question_ranking(frame, "total")
    sums = frame.groupby("style", observed=True)["questions"].sum()
    assert total.table["value"].to_dict() == {s: float(v) for s, v in sums.items()}
    assert total.leader == "broadcast" and total.lead_is_clear and math.isnan(total.overall)
    assert all(r["low"] <= r["value"] <= r["high"] for _, r in total.table.iterrows())
    assert m.QUESTION_MEASURES["per_post"].show(2.545) == "2.54"
    assert m.QUESTION_MEASURES["total"].show(114.0) == "114"
    with pytest.raises(m.HealthDataError, match="not 'likes'"):
        m.question_ranking(frame, "likes")


# ----------------------------------------------------------------------------- measures that are not sales


def test_response_summary_keeps_the_unanswered_apart(questions):
    table = m.response_summary(questions, by="office_hours")
    office = office_by_hand(questions["asked_at"])
    for key, mask in (("True", office), ("False", ~office)):
        waits = questions.loc[mask, "response_minutes"].dropna()
        row = table.loc[key]
        assert row["threads"] == mask.sum() and row["answered"] == len(waits)
        assert math.isclose(row["median"], waits.median()) and math.isclose(row["p90"], waits.quantile(0.9))
        assert math.isclose(row["within_hour"], (waits <= 60).sum() / mask.sum())
    overall = m.response_summary(questions).loc["all"]
    assert overall["threads"] == 558 and overall["answered"] == 345
    assert round(overall["median"] / 60, 1) == 6.2 and round(overall["p90"] / 60, 1) == 20.0
    with pytest.raises(m.HealthDataError, match="no column 'mood'"):
        m.response_summary(questions, by="mood")


def test_myths_corrected_and_its_interval(questions):
    r = m.myths_corrected(questions)
    myths = questions["topic"] == "myths"
    k1, n1 = int(questions.loc[myths, "answered"].sum()), int(myths.sum())
    k2, n2 = int(questions.loc[~myths, "answered"].sum()), int((~myths).sum())
    assert (r.answered, r.asked, r.others_answered, r.others_asked) == (k1, n1, k2, n2) == (38, 99, 307, 459)
    d, low, high = newcombe(k1, n1, k2, n2)
    assert math.isclose(r.difference, d) and abs(r.low - low) < 1e-5 and abs(r.high - high) < 1e-5
    assert r.high < 0 and math.isclose(r.share, 38 / 99)


def test_booking_funnel_is_ratios_of_sums_with_wilson_intervals(posts):
    funnel = m.booking_funnel(posts, by="style")
    for style, row in funnel.iterrows():
        part = posts[posts["style"] == style]
        clicks, booked = part["booking_clicks"].sum(), part["bookings"].sum()
        assert row["booking_clicks"] == clicks and row["bookings"] == booked
        low, high = proportion_confint(booked, clicks, method="wilson")
        assert abs(row["low"] - low) < 1e-5 and abs(row["high"] - high) < 1e-5  # z = 1.96
        assert math.isclose(row["bookings_per_1000_reached"], 1000 * booked / part["reach"].sum())
    every = m.booking_funnel(posts).loc["all posts"]
    assert (every["bookings"], every["booking_clicks"]) == (620, 5101)
    rate = every["bookings_per_click"]
    assert ((funnel["low"] <= rate) & (funnel["high"] >= rate)).all()


def test_far_travelled_and_the_kpi_table(posts, questions):
    far = m.far_travelled(posts, times=4)
    median = posts.groupby("platform", observed=True)["reach"].median()
    ratio = posts["reach"] / posts["platform"].map(median).astype(float)
    assert set(far["post_id"]) == set(posts.loc[ratio >= 4, "post_id"]) == {"H0126", "H0065"}
    rate = posts["reach"] / posts["followers"]
    medians = rate.groupby(posts["platform"], observed=True).median()
    per_follower = rate / posts["platform"].map(medians).astype(float)
    assert np.allclose(far["per_follower"], per_follower[far.index].astype(float))
    by_follower = m.far_travelled(posts, times=4, by="per_follower")
    assert set(by_follower["post_id"]) == set(posts.loc[per_follower >= 4, "post_id"]) == {"H0065"}
    assert 2.5 < far.set_index("post_id").at["H0126", "per_follower"] < 3  # TikTok's following grew
    assert "platform_median" in m.far_travelled(posts.drop(columns="followers")).columns
    with pytest.raises(m.HealthDataError, match="followers"):
        m.far_travelled(posts.drop(columns="followers"), by="per_follower")
    with pytest.raises(m.HealthDataError, match="per_follower"):
        m.far_travelled(posts, by="views")
    assert far.iloc[0]["text"].startswith("@user ") and "user_6982" not in " ".join(far["text"])
    kpis = m.kpi_table(posts, questions)
    assert kpis.at["post reach, summed over posts", "value"] == posts["reach"].sum()
    assert kpis.at["bookings", "value"] == 620
    assert math.isclose(kpis.at["myths corrected", "value"], 100 * 38 / 99)
    assert set(kpis["kind"]) == {"reach", "conversation", "behaviour"}


# ----------------------------------------------------------------------------- the adapters


def test_listening_frame_counts_questions_by_day(questions):
    frame = m.health_listening_frame(questions)
    assert frame.words.unit == "day" and frame.rule == m.DAY_RULE and not frame.words.labelled_by
    cube = lis.ListeningCube.from_frame(frame)
    by_day = questions["asked_at"].dt.floor("D").value_counts()
    sel = cube.select(source="vader")
    counts = sel.by_sentiment.sum(axis=1)
    assert (counts.to_numpy() == by_day.reindex(sel.hours, fill_value=0).to_numpy()).all()
    myths = cube.select("myths", source="vader", start="2025-10-01", end="2025-10-31")
    by_hand = ((questions["topic"] == "myths") & (questions["asked_at"] >= "2025-10-01")
               & (questions["asked_at"] < "2025-11-01")).sum()
    assert myths.tweets == by_hand
    tiktok = cube.select("myths", "tiktok", source="vader")
    assert tiktok.tweets == ((questions["topic"] == "myths") & (questions["platform"] == "tiktok")).sum()
    with pytest.raises(lis.ListeningError, match="nobody labelled these questions"):
        cube.select()
    backwards = cube.select(source="vader", start="2025-10-05", end="2025-10-01")
    assert backwards.problem.startswith("The date range is empty")
    rows, total = cube.read(sel.flagged.index[0], n=3)
    assert total == int(counts.loc[sel.flagged.index[0]]) and list(rows["people"]) == ["", "", ""]


def test_adapters_name_a_missing_column(questions):
    with pytest.raises(lis.ListeningError, match="no column 'topic'"):
        m.health_listening_frame(questions.drop(columns="topic"))
    with pytest.raises(ans.AnsweringError, match="no column 'response_minutes'"):
        m.health_reply_queue(questions.drop(columns="response_minutes"))
    with pytest.raises(m.HealthDataError, match="no column 'asked_at'"):
        m.health_reply_queue(questions.drop(columns="asked_at"))
    with pytest.raises(m.HealthDataError, match="no column 'reach'"):
        m.posts_with_questions(load("health_posts").drop(columns="reach"), questions)
    with pytest.raises(ans.AnsweringError, match="holds no dates"):
        ans.reply_queue(questions.assign(asked_at="today"), opened="asked_at", minutes="response_minutes",
                        group="topic")
    clash = questions.copy()
    clash.loc[clash.index[0], "answered"] = not clash.loc[clash.index[0], "answered"]
    with pytest.raises(ans.AnsweringError, match="row 0: the column 'answered'"):
        m.health_reply_queue(clash)
    with pytest.raises(lis.ListeningError, match="people's labels"):
        lis.listening_frame(questions, time="asked_at", group="topic", text="text")  # words: tweets
    with pytest.raises(m.HealthDataError, match="'topic' or 'platform'"):
        m.question_words("author")
    with pytest.raises(m.HealthDataError, match="no column 'style'") as raised:
        m.health_post_set(load("health_posts").drop(columns="style"))
    assert raised.value._render_traceback_() == [f"HealthDataError: {raised.value}"]
    with pytest.raises(ans.AnsweringError, match="not what happened after the answer"):
        ans.ReplyDesk(m.health_reply_queue(questions))
    with pytest.raises(ans.AnsweringError, match="no column 'first_response_minutes'"):
        ans.ReplyDesk(questions)


def test_reply_queue_serves_lesson_06s_summaries_and_the_queue_cube(questions):
    queue = m.health_reply_queue(questions)
    frame = queue.frame
    assert {"opened_at", "first_response_minutes", "answered", "group", "office_hours"} <= set(frame.columns)
    shares = ans.answered_share(frame, "group")
    assert shares.at["myths", "answered"] == 38 and shares.at["myths", "threads"] == 99
    cube = ans.QueueCube.from_queue(queue)
    assert cube.default_rule == "every message" and list(cube.rules) == list(ans.QUEUE_RULES)
    sel = cube.select("side_effects", start="2025-10-01", end="2025-10-31")
    part = questions[(questions["topic"] == "side_effects") & (questions["asked_at"] >= "2025-10-01")
                     & (questions["asked_at"] < "2025-11-01")]
    waits = part["response_minutes"].dropna()
    assert sel.tweets == len(part) and sel.need == len(part) and sel.answered == len(waits)
    assert math.isclose(sel.wait_median, waits.median())
    assert math.isclose(sel.wait_p90, np.percentile(waits, 90))
    late = (part["response_minutes"].isna() | (part["response_minutes"] > 60)).sum()
    assert sel.by_rule == {"every message": len(part), "not answered within the hour": late,
                           "never answered": int(part["response_minutes"].isna().sum())}
    per_day = part["asked_at"].dt.floor("D").value_counts().reindex(sel.hours, fill_value=0)
    assert (sel.tweets_per_hour == per_day.to_numpy()).all()
    assert sel.load.peak == per_day.max()
    with pytest.raises(ans.AnsweringError, match="there is no rule 'service complaints'"):
        cube.select(rule="service complaints")
    backwards = cube.select(start="2025-11-02", end="2025-11-01")
    assert backwards.problem.startswith("The date range is empty")


def test_the_airline_cubes_keep_their_defaults():
    """Lessons 05 and 06 call the cubes with tweets alone: their words and rules are unchanged."""
    tweets = load("airline_tweets")
    assert ans.QueueCube(tweets).rules == ans.RULES and ans.QueueCube(tweets).words is lis.TWEETS
    assert lis.ListeningCube(tweets).words is lis.TWEETS
    assert lis.TWEETS.who(lis.ALL_AIRLINES, lis.ALL_TWEETS) == "All tweets"
    assert lis.TWEETS.who("Delta", "Late Flight", "Delta (tweets to @JetBlue)") == (
        "Tweets to Delta (tweets to @JetBlue), reason 'Late Flight'")


# ----------------------------------------------------------------------------- views and figures


def test_views_are_the_lessons_views_in_one_line():
    import inspect

    from widgets.views import beyond as view

    assert set(view.__all__) == {"health_dialogue", "health_listening", "health_queue", "question_styles"}
    for name in ("health_dialogue", "health_listening", "health_queue"):
        body = [line for line in inspect.getsource(getattr(view, name)).splitlines()[2:] if line.strip()]
        assert len(body) == 1 and body[0].strip().startswith("return "), name
    assert {"course-widget", "course-widget-monologue-dialogue"} <= set(view.health_dialogue()._dom_classes)


def test_question_styles_reveals_only_after_a_prediction(tmp_path, monkeypatch):
    from widgets.views.beyond import question_styles
    from widgets.views.figure import FigureView

    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    box = question_styles()
    assert {"course-widget", "course-widget-question-styles"} <= set(box._dom_classes)
    assert _text(box).startswith("Predict first")
    figure = next(c for c in _walk(box) if isinstance(c, FigureView))
    assert "Make your prediction" in figure.figure_json
    _find(box, "Your prediction: most questions").value = "broadcast"
    text = _text(box)
    assert "question (2.55, 20 posts) leads, then behind_the_scenes (2.54, 26 posts)" in text
    assert "within what chance makes" in text and "Your prediction, broadcast, comes 5th of 5" in text
    assert "In total, broadcast drew the most questions (114), with the most posts (81 of 173)" in text
    assert "Synthetic data, and a built-in pattern" in text and "(1,000 resamples)" in text
    assert progress.load_prediction("08", "question_styles", path)["first"] == "broadcast"
    _find(box, "Count the questions as").value = "total"
    text = _text(box)
    assert "broadcast (114, 81 posts) leads" in text and "comes 1st of 5" in text
    assert ("Per post, question leads (2.55 questions a post); broadcast had the most posts (81 of 173)"
            in text)
    assert "dashed line" not in text
    assert progress.load_prediction("08", "question_styles", path)["changes"] == 0
    _find(box, "Your prediction: most questions").value = "question"
    assert "your first prediction, kept in your progress file: broadcast" in _text(box)
    stored = progress.load_prediction("08", "question_styles", path)
    assert stored == {"first": "broadcast", "latest": "question", "changes": 1}


def test_question_styles_on_other_data_claims_no_built_in_pattern(tmp_path, monkeypatch):
    """On data that is not the course's (here: the broadcasts' questions thinned out), the reveal
    names no generator setting, and says who had the most posts when the total's leader did not."""
    from widgets.views.beyond import question_styles

    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    posts, questions = load("health_posts"), load("health_questions")
    broadcasts = set(posts.loc[posts["style"] == "broadcast", "post_id"])
    fewer = questions[~questions["post_id"].isin(broadcasts) | (questions.index % 4 == 0)]
    box = question_styles(posts, fewer)
    assert "Harbour City Health" not in _text(box)
    _find(box, "Your prediction: most questions").value = "question"
    text = _text(box)
    assert "built-in" not in text and "generator" not in text
    assert re.search(r"In total, \w+ drew the most questions \(\d+\), with \d+ of the 173 posts "
                     r"\(broadcast had the most, 81\)", text), text


def test_health_listening_and_queue_speak_of_questions():
    from widgets.views.beyond import health_listening, health_queue

    box = health_listening()
    descriptions = {getattr(c, "description", None) for c in _walk(box)}
    assert {"Topic", "Platform", "From", "To", "Spike rule counts", "Read the questions of"} <= descriptions
    assert "Sentiment from" not in descriptions and "Airline" not in descriptions
    text = _text(box)
    assert text.startswith("All questions, from Sep 15 to Dec 14: 558 questions")
    assert "Nobody labelled these questions" in text and "flags 10 days" in text
    _find(box, "Topic").value = "myths"
    days = [v for _label, v in _find(box, "From").options]
    _find(box, "From").value = days[-1]
    _find(box, "To").value = days[0]
    assert "The date range is empty" in _text(box) and "Traceback" not in _text(box)
    queue = health_queue()
    text = _text(queue)
    assert "558 of 558 questions asked for an answer" in text and "345 were answered (62%" in text
    assert "half of them within 6.2 hours, one in ten after more than 20.0 hours" in text
    _find(queue, "Count").value = "never answered"
    _find(queue, "Topic").value = "myths"
    text = _text(queue)
    assert "Questions about myths" in text and "61 of 99 questions were never answered" in text


def test_figures_state_computed_findings(posts, questions):
    queue = m.health_reply_queue(questions).frame
    fig = figs.answered_figure(ans.answered_share(queue, "topic"), queue["answered"].mean())
    assert fig.layout.title.text == ("Questions answered: beyond chance, below all questions' 62%: myths "
                                     "(38% of 99 questions)<br>and above it: where_when (71% of 153)")
    funnel = m.booking_funnel(posts, by="style")
    fig = figs.booking_figure(funnel, m.booking_funnel(posts).loc["all posts", "bookings_per_click"])
    assert fig.layout.title.text.startswith("Booking clicks that became bookings: every style within "
                                            "chance of all posts' 12.2%;<br>from user_content (10.4% of 527")
    inside = funnel.assign(low=0.0, high=1.0).rename(columns={"bookings_per_click": "share"})
    outside = inside.assign(high=lambda t: t["share"])  # every interval ends at its share: none reaches
    assert "every style" in figs.share_title(inside, "booking_clicks", 0.12, "B", "clicks", "all", "style")
    assert "beyond chance, below all' 90%" in figs.share_title(outside, "booking_clicks", 0.9, "B", "clicks",
                                                               "all", "style")
    assert fig.layout.xaxis.title.text.endswith("(%, 95% interval)")


# ----------------------------------------------------------------------------- the questions


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, value, verdict)
    return verdict.message


def test_every_question_says_not_attempted_for_the_placeholder():
    for q in (Q.q1, Q.q2, Q.q3, Q.q4, Q.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED


def test_q1_instagram_waits(questions):
    on = questions[questions["platform"] == "instagram"]
    waits = on["response_minutes"].dropna()
    right = [waits.median(), np.percentile(waits, 90)]
    assert Q.q1.evaluate(right).status == CORRECT
    assert Q.q1.evaluate([round(v, 0) for v in right]).status == CORRECT
    assert "0 minutes" in _feedback(Q.q1, list(on["response_minutes"].fillna(0).quantile([0.5, 0.9])))
    assert "hours" in _feedback(Q.q1, [v / 60 for v in right])
    every = questions["response_minutes"].dropna()
    assert "every platform" in _feedback(Q.q1, [every.median(), every.quantile(0.9)])
    assert "median comes first" in _feedback(Q.q1, right[::-1])
    assert "the mean" in _feedback(Q.q1, [waits.mean(), right[1]])
    assert "10th percentile" in _feedback(Q.q1, [right[0], waits.quantile(0.1)])
    assert "two numbers" in _feedback(Q.q1, right[1])
    assert Q.q1.evaluate([right[0], right[1] * 1.2]).message == Q.q1.wrong
    deciles = statistics.quantiles(waits, n=10)  # the standard library's default ("exclusive")
    assert "another definition" in _feedback(Q.q1, [statistics.median(waits), deciles[-1]])
    assert "another definition" in _feedback(Q.q1, list(np.quantile(waits, [0.5, 0.9], method="nearest")))


def test_q2_tiktok_gap(questions):
    def counts(platform):
        part = questions[questions["platform"] == platform]
        return int(part["answered"].sum()), len(part)

    d, low, high = newcombe(*counts("tiktok"), *counts("x"))
    assert Q.q2.evaluate([d, low, high]).status == CORRECT
    assert low < 0 < high
    p1, n1 = counts("tiktok")[0] / counts("tiktok")[1], counts("tiktok")[1]
    p2, n2 = counts("x")[0] / counts("x")[1], counts("x")[1]
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    assert Q.q2.evaluate([d, d - 1.96 * se, d + 1.96 * se]).status == CORRECT  # Wald: close enough here
    assert "percentage points" in _feedback(Q.q2, [100 * d, 100 * low, 100 * high])
    assert "x minus tiktok" in _feedback(Q.q2, [-d, -high, -low])
    rest = questions[questions["platform"] != "tiktok"]
    d_rest = newcombe(*counts("tiktok"), int(rest["answered"].sum()), len(rest))
    assert "every other platform" in _feedback(Q.q2, list(d_rest))
    l1, h1 = proportion_confint(*counts("tiktok"), method="wilson")
    l2, h2 = proportion_confint(*counts("x"), method="wilson")
    assert "end to end" in _feedback(Q.q2, [d, l1 - h2, h1 - l2])
    assert "three numbers" in _feedback(Q.q2, [d, low])
    assert "lies between" in _feedback(Q.q2, [low, d, high])
    assert "not the one the two shares give" in _feedback(Q.q2, [d, low - 0.05, high])
    assert Q.q2.evaluate([d + 0.03, low, high]).message == Q.q2.wrong


def test_q3_link_bookings(posts):
    link = (posts["format"] == "link").to_numpy()
    a = posts.loc[link, "bookings"].to_numpy(dtype=float)
    b = posts.loc[~link, "bookings"].to_numpy(dtype=float)
    rng = np.random.default_rng(11)
    diffs = np.array([rng.choice(a, len(a)).mean() - rng.choice(b, len(b)).mean() for _ in range(4000)])
    d = a.mean() - b.mean()
    low, high = np.percentile(diffs, [2.5, 97.5])
    assert Q.q3.evaluate([d, low, high]).status == CORRECT
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assert Q.q3.evaluate([d, d - 1.96 * se, d + 1.96 * se]).status == CORRECT
    assert "no width" in _feedback(Q.q3, [d, d, d])
    assert "90% interval" in _feedback(Q.q3, [d, *np.percentile(diffs, [5, 95])])
    assert "ratio" in _feedback(Q.q3, [a.mean() / b.mean(), 1.0, 5.0])
    assert "totals" in _feedback(Q.q3, [a.sum() - b.sum(), 0.0, 1.0])
    clicks = posts["booking_clicks"].to_numpy(dtype=float)
    assert "booking clicks" in _feedback(Q.q3, [clicks[link].mean() - clicks[~link].mean(), 0.0, 1.0])
    assert "three numbers" in _feedback(Q.q3, [d, low])
    assert "lies between" in _feedback(Q.q3, [high, low, d])
    assert "not the one the data gives" in _feedback(Q.q3, [d, low - 1.0, high + 1.0])
    assert Q.q3.evaluate([d + 1.0, low, high]).message == Q.q3.wrong


def test_q4_reading_follows_the_funnel(posts):
    clicks = posts.groupby("platform", observed=True)[["booking_clicks", "bookings"]].sum()
    rate = posts["bookings"].sum() / posts["booking_clicks"].sum()
    holds = all(lo <= rate <= hi for lo, hi in (proportion_confint(r.bookings, r.booking_clicks,
                                                                   method="wilson")
                                                for r in clicks.itertuples()))
    assert holds and Q.q4.evaluate("b").status == CORRECT and Q.q4.evaluate(" B ").status == CORRECT
    reach = posts.groupby("platform", observed=True)["reach"].mean()
    assert reach.idxmax() == "tiktok"  # the reading "a" names the platform that reaches the most
    assert "within every other platform's interval" in _feedback(Q.q4, "a")
    assert "no platform converts" in _feedback(Q.q4, "c")
    assert "not a vaccination" in _feedback(Q.q4, "d")
    assert "one of 'a', 'b', 'c', 'd'" in _feedback(Q.q4, "e")


def test_q5_reading_follows_the_gap():
    assert Q.q5.evaluate("b").status == CORRECT
    assert "holds zero" in _feedback(Q.q5, "a")
    assert "difficult" not in _feedback(Q.q5, "c") and "how hard" in _feedback(Q.q5, "c")
    assert "channel" in _feedback(Q.q5, "d")
    assert "answer with one of" in _feedback(Q.q5, 2)


def test_the_exercise_states_every_reading_and_the_reflection():
    text = (ROOT / "solutions" / "08-beyond-commerce.ipynb").read_text(encoding="utf-8")
    for q in (Q.q4, Q.q5):
        for reading in q.choices.values():
            assert json_escaped(reading) in text, reading[:40]
    assert json_escaped(Q.r1.prompt) in text


def json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]
