"""Lesson 00: the self-assessment (model, figures, view, stored format), the counting models and
figure, and every exercise check (right answer computed independently, each anticipated mistake,
a plausible unanticipated wrong answer, the blank)."""

from __future__ import annotations

import json

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.helpers import ROOT, read, source
from tests.helpers import walk as _walk
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures.stance import sides_figure, stance_figure
from widgets.figures.start import counting_figure, counting_title
from widgets.models import stance as S
from widgets.models import start as M
from widgets.questions import lesson00 as L

# =========================================================================== the stance widget


def test_every_pair_has_two_sides_and_the_sides_are_mixed_left_and_right():
    keys = [s.key for s in S.STATEMENTS]
    assert len(keys) == len(set(keys)) == 6
    rights = [s.conversation_right for s in S.STATEMENTS]
    assert rights.count(True) == rights.count(False) == 3  # "always right" is not "conversation"
    for s in S.STATEMENTS:
        assert s.message != s.conversation and {s.left, s.right} == {s.message, s.conversation}


def test_the_old_strawman_statements_are_gone():
    text = " ".join(f"{s.message} {s.conversation}" for s in S.STATEMENTS).lower()
    for loaded in ("when there is time", "reach and impressions", "receive the brand",
                   # version 2: a conversation side softer or nicer-sounding than its message side
                   "treat them as people", "help shape", "not only by being seen"):
        assert loaded not in text


def test_slider_and_position_are_inverse_and_follow_the_side():
    for s in S.STATEMENTS:
        for pos in range(S.SCALE_MIN, S.SCALE_MAX + 1):
            assert S.position(s, S.slider_value(s, pos)) == pos
        # moving the slider to the conversation statement is always +2
        towards_conversation = 2 if s.conversation_right else -2
        assert S.position(s, towards_conversation) == 2


def test_stance_score_runs_from_message_to_conversation():
    keys = [s.key for s in S.STATEMENTS]
    assert S.stance_score({k: -2 for k in keys}) == -100
    assert S.stance_score({k: 2 for k in keys}) == 100
    assert S.stance_score({}) == 0  # left out counts as undecided
    assert S.stance_score({keys[0]: 1}) == pytest.approx(100 / 12)
    assert S.stance_score({"knowing": 2}) == 0  # a key of the old statements is ignored
    with pytest.raises(ValueError, match="outside"):
        S.stance_score({keys[0]: 3})


def test_stance_labels():
    assert S.stance_label(-100) == "firmly on the message side"
    assert S.stance_label(0) == "in between"
    assert S.stance_label(30) == "leaning towards conversation"


def test_old_or_damaged_saved_answers_are_ignored_not_misread():
    old = {"answers": {"knowing": 2, "channel": -1, "success": 2}, "score": 33.3}  # version 1
    assert S.answers_from_record(old) == {}
    odd = {"answers": {"insight": "2", "reach": 2.0, "replying": 7, "targeting": "lots",
                       "cocreation": True, "relationship": None, "extra": 1}, "version": S.VERSION}
    assert S.answers_from_record(odd) == {"insight": 2, "reach": 2}
    for nonsense in (None, [], "text", {"answers": [1, 2]}, {"answers": None}):
        assert S.answers_from_record(nonsense) == {}


def test_answers_to_another_wording_of_the_statements_are_ignored():
    """Version 2 had the same keys but softer conversation statements: an answer to one wording
    must never be shown (in lesson 09) as an answer to another."""
    answers = {s.key: 2 for s in S.STATEMENTS}
    assert S.answers_from_record({"answers": answers, "version": S.VERSION}) == answers
    for other in (2, S.VERSION - 1, S.VERSION + 1, None, "3"):
        assert S.answers_from_record({"answers": answers, "version": other}) == {}
    assert S.answers_from_record({"answers": answers}) == {}


def test_the_saved_record_keeps_the_progress_format():
    answers = {s.key: 1 for s in S.STATEMENTS}
    stored = S.record(answers)
    assert stored["answers"] == answers and stored["version"] == S.VERSION
    assert stored["score"] == pytest.approx(50)
    assert S.answers_from_record(json.loads(json.dumps(stored))) == answers


def test_sides_are_told_without_naming_message_or_conversation():
    sliders = {S.STATEMENTS[0].key: -2, S.STATEMENTS[1].key: 1}
    assert S.sides(sliders) == S.Sides(left=1, right=1, undecided=4, strong=1)
    sentence = S.sides_sentence(sliders)
    assert "2 of 6 pairs" in sentence and "1 of them strongly" in sentence
    assert "message" not in sentence.lower() and "conversation" not in sentence.lower()
    assert "undecided" in S.sides_sentence({})
    fig = sides_figure(sliders)
    assert "message" not in fig.layout.xaxis.title.text and "left-hand" in fig.layout.xaxis.title.text
    assert fig.layout.title.text == "You took a side on 2 of 6 pairs, 1 strongly"


def test_stance_figure_states_the_score_or_that_nothing_was_saved():
    fig = stance_figure({S.STATEMENTS[0].key: 2})
    assert isinstance(fig, go.Figure)
    assert "score +17" in fig.layout.title.text
    assert "points" in fig.layout.xaxis.title.text and fig.layout.yaxis.title.text
    assert "lesson 01" in fig.data[0].y[0]
    for nothing in ({}, None, {"knowing": 2}):
        assert stance_figure(nothing).layout.title.text.startswith("No saved answers yet")


@pytest.fixture
def own_progress(monkeypatch, tmp_path):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


def test_stance_view_moves_saves_positions_and_restores_them(own_progress):
    from widgets import progress
    from widgets.views.stance import where_do_you_stand

    box = where_do_you_stand()
    parts = list(_walk(box))
    sliders = [p for p in parts if isinstance(p, w.IntSlider)]
    assert [s.description for s in sliders] == [f"{i}. {s.topic}" for i, s in enumerate(S.STATEMENTS, 1)]
    summary = next(p for p in parts if "course-widget-summary" in p._dom_classes)
    before = summary.value
    sliders[1].value = 2  # pair 2 shows the conversation statement on the LEFT
    assert summary.value != before and "1 of them strongly" in summary.value
    assert "message" not in summary.value.lower()
    next(p for p in parts if isinstance(p, w.Button)).click()
    saved = progress.load_self_assessment()
    assert saved["answers"][S.STATEMENTS[1].key] == -2  # right-hand = message side here
    assert saved["version"] == S.VERSION
    again = [p for p in _walk(where_do_you_stand()) if isinstance(p, w.IntSlider)]
    assert again[1].value == 2  # restored where the learner left it


def test_stance_view_starts_clean_on_answers_to_the_old_statements(own_progress):
    from widgets import progress
    from widgets.views.stance import where_do_you_stand

    progress.save_self_assessment({"answers": {"knowing": 2, "audience": -2}, "score": 0})
    sliders = [p for p in _walk(where_do_you_stand()) if isinstance(p, w.IntSlider)]
    assert [s.value for s in sliders] == [0] * 6
    own_progress.write_text("{ not json", encoding="utf-8")
    assert [p.value for p in _walk(where_do_you_stand()) if isinstance(p, w.IntSlider)] == [0] * 6


# =========================================================================== counting three ways


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    return load("posts")


@pytest.fixture(scope="module")
def week(posts) -> pd.DataFrame:
    return posts[(posts["posted_at"] >= "2024-01-01") & (posts["posted_at"] < "2024-01-08")]


@pytest.fixture(scope="module")
def first_half(posts) -> pd.DataFrame:
    return posts[(posts["posted_at"] >= "2025-01-01") & (posts["posted_at"] < "2025-07-01")]


@pytest.fixture(scope="module")
def summer(posts) -> pd.DataFrame:
    """The exercise's earlier slice (July to September 2025): a reversal that is NOT only mix."""
    return posts[(posts["posted_at"] >= "2025-07-01") & (posts["posted_at"] < "2025-10-01")]


def _by_hand(frame: pd.DataFrame, style: str, column: str = "likes") -> tuple[int, float, float]:
    part = frame[frame["style"] == style]
    return len(part), part[column].mean(), (part[column] / part["followers"] * 1000).mean()


def test_posts_between_excludes_the_end_and_checks_its_input(posts, week):
    got = M.posts_between(posts, "2024-01-01", "2024-01-08")
    assert list(got["post_id"]) == list(week["post_id"]) and got.index[0] == 0
    assert M.warmup_slice(posts).equals(got)
    midnight = M.posts_between(posts, "2024-01-01", "2024-01-06")
    assert len(midnight) == len(got) - 1  # the post of the 6th is not in a slice that ends on the 6th
    only = M.posts_between(posts, "2024-01-01", "2024-01-08", platform="tiktok")
    assert set(only["platform"]) == {"tiktok"}
    assert M.posts_between(posts, "2030-01-01", "2030-02-01").empty  # empty is allowed
    for args, words in ((("2024-02-01", "2024-01-01"), "must come after"),
                        (("someday", "2024-01-01"), "not a date"),
                        (("2024-01-01", "2024-01-08", "myspace"), "is not one of")):
        with pytest.raises(M.SliceError, match=words):
            M.posts_between(posts, *args)
    with pytest.raises(M.SliceError, match="no column 'posted_at'"):
        M.posts_between(posts.drop(columns="posted_at"), "2024-01-01", "2024-01-08")
    with pytest.raises(M.SliceError, match="not list"):
        M.posts_between([1, 2], "2024-01-01", "2024-01-08")
    assert M.SliceError("x")._render_traceback_() == ["SliceError: x"]


def test_style_summary_matches_a_hand_computation(week):
    table = M.style_summary(week, "likes")
    assert list(table.index) == ["broadcast", "question"]
    for style in table.index:
        n, raw, rate = _by_hand(week, style)
        assert table.loc[style, "posts"] == n
        assert table.loc[style, "per_post"] == pytest.approx(raw)
        assert table.loc[style, "per_1000_followers"] == pytest.approx(rate)


def test_the_lessons_week_flips_with_the_way_of_counting(week):
    """The issue's finding: raw, broadcast leads only because of its Instagram posts; per 1,000
    followers, question leads (because of one TikTok post); within a platform there is too little."""
    table = M.style_summary(week)
    assert M.leader(table, "per_post") == "broadcast"
    assert M.leader(table, "per_1000_followers") == "question"
    assert M.leader(M.style_summary(week[week["platform"] != "instagram"]), "per_post") == "question"
    assert M.leader(M.style_summary(week[week["platform"] != "tiktok"]), "per_1000_followers") == "broadcast"
    assert M.platform_mix(week).loc["question", "instagram"] == 0
    assert M.majority_leader(week) is None  # Facebook and TikTok disagree
    assert not M.pooling_reverses(week)
    assert not M.pooled_lead_is_mix(week)


def test_the_lessons_facebook_comparison_is_not_like_with_like(week):
    """The lesson's prose: both Facebook questions were videos, the four broadcasts a text post, a
    link, an image and a video, and that broadcast video beat both questions on likes."""
    facebook = week[week["platform"] == "facebook"]
    questions = facebook[facebook["style"] == "question"]
    broadcasts = facebook[facebook["style"] == "broadcast"]
    assert set(questions["format"]) == {"video"} and len(questions) == 2
    assert sorted(broadcasts["format"].astype(str)) == ["image", "link", "text", "video"]
    assert broadcasts.loc[broadcasts["format"] == "video", "likes"].item() > questions["likes"].max()


def test_by_platform_lists_every_platform_and_style_with_n(week):
    table = M.by_platform(week)
    assert table.loc[("instagram", "question"), "posts"] == 0
    assert pd.isna(table.loc[("instagram", "question"), "per_post"])
    n, raw, rate = _by_hand(week[week["platform"] == "facebook"], "question")
    assert table.loc[("facebook", "question"), "posts"] == n
    assert table.loc[("facebook", "question"), "per_1000_followers"] == pytest.approx(rate)
    assert table["posts"].sum() == week["style"].isin(["broadcast", "question"]).sum()


def test_platform_mix_rows_are_fractions(week):
    mix = M.platform_mix(week, ["broadcast", "question", "reply"])
    assert mix.sum(axis=1).to_numpy() == pytest.approx([1, 1, 1])
    assert mix.loc["question", "tiktok"] == pytest.approx(1 / 3)


def test_contributions_add_up_to_the_means(week):
    for measure in M.MEASURES:
        parts = M.platform_contributions(week, "likes", measure)
        assert parts.sum(axis=1).to_numpy() == pytest.approx(
            M.style_summary(week)[measure].to_numpy())


def test_bad_input_is_one_plain_sentence(week):
    with pytest.raises(M.SliceError, match="no broadcast or question posts"):
        M.style_summary(week.iloc[0:0])
    with pytest.raises(M.SliceError, match="no column 'likez'"):
        M.style_summary(week, "likez")
    with pytest.raises(M.SliceError, match="style 'advert' is not one of"):
        M.by_platform(week, styles=["advert"])
    with pytest.raises(M.SliceError, match="measure"):
        M.leader(M.style_summary(week), "per_reach")
    zero = week.assign(followers=0)
    assert M.per_thousand_followers(zero).isna().all()  # no division by zero


def test_counting_figure_title_is_computed_and_axes_have_units(week, first_half):
    fig = counting_figure(week, "likes")
    assert fig.layout.title.text == ("Per post, broadcast posts lead on likes; per 1,000 followers, "
                                     "question posts do (12 vs 3 posts)")
    assert fig.layout.barmode == "stack"
    assert "per 1,000 followers" in fig.layout.yaxis2.title.text and "likes" in fig.layout.yaxis.title.text
    assert {t.name for t in fig.data if t.type == "bar"} == {"facebook", "instagram", "x", "tiktok"}
    assert any(s.line.dash == "dash" for s in fig.layout.shapes)  # the broadcast reference line
    assert "both per post and per 1,000 followers" in counting_title(first_half)


def _standardised_by_hand(frame: pd.DataFrame, mix_of: str) -> dict[str, float]:
    """Each style's within-platform mean rate, weighted by ``mix_of``'s share of posts on each
    platform where both styles posted."""
    rates = frame.assign(rate=frame["likes"] / frame["followers"] * 1000)
    rates = rates[rates["style"].isin(["broadcast", "question"])]
    means = rates.pivot_table(index="platform", columns="style", values="rate", aggfunc="mean",
                              observed=True).dropna()
    counts = rates[rates["style"] == mix_of]["platform"].value_counts()
    weights = counts.reindex(means.index).astype(float)
    weights /= weights.sum()
    return {s: float((means[s] * weights).sum()) for s in ("broadcast", "question")}


def test_standardised_weights_every_style_to_one_platform_mix(first_half, week):
    for mix_of in ("broadcast", "question"):
        got = M.standardised(first_half, mix_of=mix_of)
        want = _standardised_by_hand(first_half, mix_of)
        assert got.to_dict() == pytest.approx(want)
    # with the first style's own mix, that style's figure is its pooled mean
    assert M.standardised(first_half)["broadcast"] == pytest.approx(
        M.style_summary(first_half).loc["broadcast", "per_1000_followers"])
    # the week: only Facebook and TikTok have both styles
    assert M.standardised(week).to_dict() == pytest.approx(_standardised_by_hand(week, "broadcast"))
    with pytest.raises(M.SliceError, match="mix_of"):
        M.standardised(week, mix_of="reply")
    with pytest.raises(M.SliceError, match="measure"):
        M.standardised(week, measure="per_reach")
    lone = week[week["platform"] == "instagram"]  # no question posted there
    assert M.standardised(lone, styles=["broadcast", "question"]).isna().all()
    assert not M.pooled_lead_is_mix(lone)


def test_a_majority_of_platforms_is_not_enough_to_blame_the_mix(summer):
    """July to September 2025 (the exercise's first slice): pooled, questions lead, and broadcasts
    lead on 3 of 4 platforms, but weighted to the broadcasts' platform mix the questions still lead
    (TikTok's questions did better on 6 posts): the pooled lead is not only the mix."""
    assert M.pooling_reverses(summer)
    adjusted = _standardised_by_hand(summer, "broadcast")
    assert adjusted["question"] > adjusted["broadcast"]
    assert not M.pooled_lead_is_mix(summer)


# =========================================================================== the exercise


def test_practice_question():
    assert L.practice.evaluate(10).status == CORRECT
    assert L.practice.evaluate(9).message.startswith("Lesson 00 counts too")
    assert L.practice.evaluate(____).status == NOT_ATTEMPTED


def test_the_exercise_slice_is_not_the_lessons(first_half, week):
    assert (L.START, L.END) == ("2025-01-01", "2025-07-01")
    assert set(first_half["post_id"]).isdisjoint(week["post_id"])
    text = "\n".join(source(c) for c in read(ROOT / "lessons" / "00-start-here.ipynb")["cells"])
    assert "2025-01-01" not in text and "2025-07-01" not in text


def test_q1_number_of_posts(posts, first_half, week):
    def count(start, end):
        return int(((posts["posted_at"] >= start) & (posts["posted_at"] < end)).sum())

    assert L.q1.evaluate(len(first_half)).status == CORRECT
    assert L.q1.evaluate(float(len(first_half))).status == CORRECT
    cases = {
        "every post of the two years": len(posts),
        "first week": len(week),
        "January to June 2024": count("2024-01-01", "2024-07-01"),
        "whole of 2025": count("2025-01-01", "2026-01-01"),
        "left out June": count("2025-01-01", "2025-06-01"),
        "only broadcasts and questions": int(first_half["style"].isin(["broadcast", "question"]).sum()),
        "single quarter": count("2025-04-01", "2025-07-01"),
        "single month": count("2025-03-01", "2025-04-01"),
    }
    assert len(set(cases.values()) | {len(first_half)}) == len(cases) + 1  # no two alike
    for words, value in cases.items():
        verdict = L.q1.evaluate(value)
        assert verdict.status == INCORRECT and words in verdict.message, (words, verdict.message)
    assert "single quarter" in L.q1.evaluate(count("2025-01-01", "2025-04-01")).message
    assert L.q1.evaluate(len(first_half) + 7).message == L.q1.wrong
    assert L.q1.evaluate(____).status == NOT_ATTEMPTED


def test_q2_likes_per_1000_followers_of_questions(posts, first_half, week):
    n, raw, rate = _by_hand(first_half, "question")
    assert L.q2.evaluate(rate).status == CORRECT
    assert L.q2.evaluate(round(rate, 1)).status == CORRECT  # a careful rounding is accepted
    questions = first_half[first_half["style"] == "question"]
    cases = {
        "likes per post": raw,
        "likes per follower": rate / 1000,
        "per 100 followers": rate / 10,
        "all the likes by all the followers": questions["likes"].sum() / questions["followers"].sum() * 1000,
        "median": (questions["likes"] / questions["followers"] * 1000).median(),
        "broadcasts' figure": _by_hand(first_half, "broadcast")[2],
        "every style together": (first_half["likes"] / first_half["followers"] * 1000).mean(),
        "whole two years": _by_hand(posts, "question")[2],
        "first week": _by_hand(week, "question")[2],
        "rounded to a whole number": float(round(rate)),
    }
    for words, value in cases.items():
        verdict = L.q2.evaluate(float(value))
        assert verdict.status == INCORRECT and words in verdict.message, (words, verdict.message)
    assert L.q2.evaluate(rate * 1.5).message == L.q2.wrong
    assert "a number" in L.q2.evaluate("8.3").message
    assert L.q2.evaluate(____).status == NOT_ATTEMPTED


def test_q3_tiktok_share_of_question_posts(posts, first_half):
    questions = first_half[first_half["style"] == "question"]
    share = (questions["platform"] == "tiktok").mean()
    assert L.q3.evaluate(share).status == CORRECT
    assert L.q3.evaluate(round(share, 2)).status == CORRECT
    tiktok = first_half[first_half["platform"] == "tiktok"]
    both = tiktok[tiktok["style"].isin(["broadcast", "question"])]
    cases = {
        "percent": 100 * share,
        "number of posts": int((questions["platform"] == "tiktok").sum()),
        "other way round": (tiktok["style"] == "question").mean(),
        "every post of the slice": ((first_half["style"] == "question")
                                    & (first_half["platform"] == "tiktok")).mean(),
        "all the slice's posts": (first_half["platform"] == "tiktok").mean(),
        "broadcasts' share": (first_half.loc[first_half["style"] == "broadcast", "platform"]
                              == "tiktok").mean(),
        "whole two years": (posts.loc[posts["style"] == "question", "platform"] == "tiktok").mean(),
        "rounded too far": round(share, 1),
    }
    assert "other way round" in L.q3.evaluate(float((both["style"] == "question").mean())).message
    for words, value in cases.items():
        verdict = L.q3.evaluate(value)
        assert verdict.status == INCORRECT and words in verdict.message, (words, verdict.message)
    # on this slice the share rounded to one decimal IS the share the other way round: the
    # feedback names both slips rather than guessing one
    if abs(round(share, 1) - (tiktok["style"] == "question").mean()) < 1e-9:
        message = L.q3.evaluate(round(share, 1)).message
        assert "rounded too far" in message and "other way round" in message
    assert L.q3.evaluate(0.5).message == L.q3.wrong
    assert L.q3.evaluate(____).status == NOT_ATTEMPTED


def test_q4_reading_is_computed_from_the_data(first_half):
    # independently: pooled, questions lead per 1,000 followers; within EVERY platform, broadcasts
    # lead; weighted to one platform mix (either style's), broadcasts lead; and a larger share of
    # the questions were on TikTok
    rates = first_half.assign(rate=first_half["likes"] / first_half["followers"] * 1000)
    pooled = rates.groupby("style", observed=True)["rate"].mean()
    assert pooled["question"] > pooled["broadcast"]
    within = rates[rates["style"].isin(["broadcast", "question"])].pivot_table(
        index="platform", columns="style", values="rate", aggfunc="mean", observed=True)
    assert len(within) == 4 and (within["broadcast"] > within["question"]).all()
    for mix_of in ("broadcast", "question"):
        adjusted = _standardised_by_hand(first_half, mix_of)
        assert adjusted["broadcast"] > adjusted["question"], mix_of
    mix = pd.crosstab(first_half["style"], first_half["platform"], normalize="index")
    assert mix.loc["question", "tiktok"] > mix.loc["broadcast", "tiktok"]
    assert within.loc["tiktok"].min() > 5 * within.drop(index="tiktok").max().max()  # "far more"
    raw = first_half.groupby("style", observed=True)["likes"].mean()
    assert raw["question"] > raw["broadcast"]  # so reading c (normalising turns it) is false

    assert L.q4.evaluate("b").status == CORRECT
    assert "which style leads on each platform" in L.q4.evaluate("a").message
    assert "questions lead there too" in L.q4.evaluate("c").message
    assert "what misleads is pooling" in L.q4.evaluate("d").message
    assert "one of 'a', 'b', 'c', 'd'" in L.q4.evaluate("e").message
    assert L.q4.evaluate(____).status == NOT_ATTEMPTED


def test_q4_would_change_if_pooling_stopped_misleading(week, summer):
    assert M.pooled_lead_is_mix(M.posts_between(load("posts"), L.START, L.END))
    assert not M.pooled_lead_is_mix(week)  # e.g. on the lesson's week the expected reading is "a"
    assert not M.pooled_lead_is_mix(summer)  # nor on a slice where only most platforms agree


def test_every_question_has_three_hint_tiers_and_the_exercise_prints_every_reading():
    for q in (L.q1, L.q2, L.q3, L.q4):
        assert len(q.hints) == 3, q.qid
    text = "\n".join(source(c) for c in read(ROOT / "solutions" / "00-start-here.ipynb")["cells"])
    for key, reading in L.READINGS.items():
        assert f"**{key}**: {reading}" in text
    assert L.r1.prompt in text


def test_the_guides_claims_about_the_slices(posts, first_half):
    """instructor/guides/00-start-here.md: the exercise's slice has 394 posts and none on 30 June
    (so a slice ending on the 30th is right by luck); over the two years pooled and within-platform
    answers agree (broadcasts ahead on likes per 1,000 followers on every platform)."""
    assert len(first_half) == 394
    assert not (first_half["posted_at"].dt.strftime("%Y-%m-%d") == "2025-06-30").any()
    assert M.leader(M.style_summary(posts), "per_1000_followers") == "broadcast"
    assert set(M.platform_leaders(posts)) == {"broadcast"}
    assert not M.pooling_reverses(posts)
    sides = {s.key: s for s in S.STATEMENTS}
    assert sides["reach"].lesson == "03" and sides["targeting"].lesson == "02"
    text = (ROOT / "instructor" / "guides" / "00-start-here.md").read_text(encoding="utf-8")
    assert f"version {S.VERSION} of the statements" in text and "394 posts" in text
