"""Lesson 07: the reply-network models against networkx and pandas computed independently, the
idea funnel, the figures, the two views (guess and community map: caching, layout reuse, take-outs,
bad input, readability at 10 times the community), and every exercise check (right answer,
each anticipated mistake, a plausible unanticipated wrong answer, the blank)."""

from __future__ import annotations

import math

import ipywidgets as w
import networkx as nx
import numpy as np
import pandas as pd
import pytest

from tests.helpers import ROOT, read, source
from tests.helpers import control as _control
from tests.helpers import summary as _summary
from tests.helpers import walk as _walk
from widgets.checks import CORRECT, INCORRECT, NOT_ATTEMPTED, ____
from widgets.data import load
from widgets.figures import community as F
from widgets.models import community as M
from widgets.questions import lesson07 as L

BRAND = "copperpot_coffee"


@pytest.fixture(scope="module")
def interactions() -> pd.DataFrame:
    return load("interactions")


@pytest.fixture(scope="module")
def ideas() -> pd.DataFrame:
    return load("ideas")


@pytest.fixture(scope="module")
def half(interactions) -> pd.DataFrame:
    """July to December 2025, independently sliced."""
    return interactions[(interactions["at"] >= "2025-07-01") & (interactions["at"] < "2026-01-01")]


def nx_graph(frame: pd.DataFrame) -> nx.DiGraph:
    """The reply network built directly with networkx, nodes in name order."""
    frame = frame[frame["source_author"] != frame["target_author"]]
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(set(frame["source_author"]) | set(frame["target_author"])))
    graph.add_edges_from(zip(frame["source_author"], frame["target_author"], strict=True))
    return graph


def member_written(frame: pd.DataFrame, by: str = "source_author") -> pd.Series:
    """Replies written (or received) per member, zeros included, most first: pandas only."""
    frame = frame[frame["source_author"] != frame["target_author"]]
    accounts = sorted((set(frame["source_author"]) | set(frame["target_author"])) - {BRAND})
    counts = frame[by].value_counts().reindex(accounts, fill_value=0)  # in name order
    return counts.sort_values(ascending=False, kind="stable")  # ties stay in name order


def share_by_hand(frame: pd.DataFrame, fraction: float, by: str = "source_author") -> float:
    counts = member_written(frame, by)
    k = max(1, math.ceil(fraction * len(counts)))
    return counts.iloc[:k].sum() / counts.sum()


def tiny() -> pd.DataFrame:
    """Five accounts: the brand answers a and b; a and b talk both ways; c writes to a; d only to the
    brand; and one self-reply (left out)."""
    rows = [("a", BRAND), (BRAND, "a"), ("b", BRAND), (BRAND, "b"), ("a", "b"), ("b", "a"), ("a", "b"),
            ("c", "a"), ("d", BRAND), ("c", "c")]
    at = pd.date_range("2025-01-01", periods=len(rows), freq="D")
    return pd.DataFrame({"source_author": [r[0] for r in rows], "target_author": [r[1] for r in rows],
                         "at": at, "channel": "community", "context": "forum"})


# =========================================================================== slices and the network


def test_replies_between_excludes_the_end_and_filters_contexts(interactions, half):
    got = M.replies_between(interactions, "2025-07-01", "2026-01-01")
    assert got.index.equals(half.index)
    forum = M.replies_between(interactions, context="forum")
    assert (forum["context"] == "forum").all() and len(forum) == (interactions["context"] == "forum").sum()
    tiktok = (interactions["channel"] == "tiktok").sum()
    assert len(M.replies_between(interactions, channel="tiktok")) == tiktok
    assert len(M.replies_between(interactions, "2030-01-01")) == 0


@pytest.mark.parametrize(("call", "words"), [
    (lambda f: M.replies_between(f, "2025-07-01", "2025-01-01"), "must come after"),
    (lambda f: M.replies_between(f, "next week"), "is not a date"),
    (lambda f: M.replies_between(f, context="blog"), "is not one of"),
    (lambda f: M.replies_between(f.drop(columns="at")), "no column 'at'"),
    (lambda f: M.replies_between([1, 2]), "not list"),
    (lambda f: M.ideas_between(load("ideas"), category="coffee"), "is not one of"),
    (lambda f: M.community_state(M.encode(f), take_out="everyone"), "is not one of"),
    (lambda f: M.community_state(M.encode(f), take_out="top", top=0), "at least 1"),
    (lambda f: M.matched_top(M.without_accounts(f, [BRAND])), "the brand wrote no reply"),
    (lambda f: M.top_share(f, 1.5), "between 0 and 1"),
    (lambda f: M.top_share(f, by="liked"), "'written' or 'received'"),
])
def test_bad_input_is_one_plain_sentence(interactions, call, words):
    with pytest.raises(M.CommunityError, match=words) as caught:
        call(interactions)
    assert caught.value._render_traceback_() == [f"CommunityError: {caught.value}"]


def test_reply_graph_equals_a_direct_networkx_construction(interactions):
    ours, direct = M.reply_graph(interactions), nx_graph(interactions)
    assert list(ours.nodes) == list(direct.nodes) and set(ours.edges) == set(direct.edges)
    a, b = next(iter(direct.edges))
    pair = ((interactions["source_author"] == a) & (interactions["target_author"] == b)).sum()
    assert ours.edges[a, b]["replies"] == pair
    assert M.reciprocity(interactions) == pytest.approx(nx.reciprocity(direct))


def test_the_state_matches_networkx_and_pandas(half):
    state = M.community_state(M.encode(half), k=0)
    graph = nx_graph(half)
    table = state.table
    assert list(table.index) == list(graph.nodes)
    degree = dict(graph.to_undirected().degree())
    assert all(table.loc[a, "degree"] == degree[a] for a in graph)
    written = half["source_author"].value_counts()
    assert all(table.loc[a, "written"] == written.get(a, 0) for a in graph)
    received = half["target_author"].value_counts()
    assert table["received"].sum() == len(half) and table.loc[BRAND, "received"] == received[BRAND]
    assert state.reciprocity == pytest.approx(nx.reciprocity(graph))
    largest = max(nx.weakly_connected_components(graph), key=len)
    assert state.largest_group == pytest.approx(len(largest) / len(graph))
    assert state.members == len(graph) - 1
    assert state.member_replies == (half["source_author"] != BRAND).sum()
    for fraction in M.TOP_FRACTIONS:
        assert state.top_shares[fraction] == pytest.approx(share_by_hand(half, fraction))


def test_betweenness_equals_networkx_exactly_and_with_its_sample():
    rng = np.random.default_rng(3)
    for n, m in ((6, 9), (40, 120), (120, 300)):
        src, tgt = rng.integers(0, n, m), rng.integers(0, n, m)
        keep = src != tgt
        graph = nx.DiGraph()
        graph.add_nodes_from(range(n))
        graph.add_edges_from(zip(src[keep].tolist(), tgt[keep].tolist(), strict=True))
        s = np.array([e[0] for e in graph.edges])
        t = np.array([e[1] for e in graph.edges])
        exact = nx.betweenness_centrality(graph)
        assert M.betweenness_scores(n, s, t, k=None) == pytest.approx([exact[i] for i in range(n)], abs=1e-12)
        if n > 10:
            sampled = nx.betweenness_centrality(graph, k=10, seed=7)
            assert M.betweenness_scores(n, s, t, k=10, seed=7) == pytest.approx(
                [sampled[i] for i in range(n)], abs=1e-12)
    # a path a -> b -> c: b is on the one path between two others, of (3-1)(3-2) = 2 ordered pairs
    assert list(M.betweenness_scores(3, np.array([0, 1]), np.array([1, 2]), k=None)) == [0, 0.5, 0]


def test_betweenness_of_a_window_is_networkx_sample_on_the_same_graph(interactions):
    month = M.replies_between(interactions, "2025-06-01", "2025-07-01")
    graph = nx_graph(month)
    assert len(graph) > M.BETWEENNESS_SAMPLE  # so the sample is used
    ours = M.betweenness(month)
    theirs = nx.betweenness_centrality(graph, k=M.BETWEENNESS_SAMPLE, seed=M.BETWEENNESS_SEED)
    assert max(abs(ours[a] - theirs[a]) for a in graph) < 1e-12
    assert M.community_state(M.encode(month)).betweenness_sampled == M.BETWEENNESS_SAMPLE


def test_the_sample_is_close_to_exact_for_the_brand_and_rougher_for_members(half):
    """What the lesson says about the estimate (and the guide quotes)."""
    state = M.community_state(M.encode(half), k=0)
    s, t, _, _ = state.links
    n = len(state.table)
    exact = M.betweenness_scores(n, s, t, k=None)
    sample = M.betweenness_scores(n, s, t)
    brand = int(np.flatnonzero(state.table["brand"])[0])
    assert sample[brand] == pytest.approx(exact[brand], rel=0.1)
    members = ~state.table["brand"].to_numpy()
    top = set(np.argsort(-exact * members)[:10])
    assert len(top & set(np.argsort(-sample * members)[:10])) >= 6


def test_top_share_with_and_without_the_brand_and_by_received(interactions):
    assert M.top_share(interactions) == pytest.approx(share_by_hand(interactions, 0.01))
    assert M.top_share(interactions, 0.05) == pytest.approx(share_by_hand(interactions, 0.05))
    assert M.top_share(interactions, by="received") == pytest.approx(
        share_by_hand(interactions, 0.01, "target_author"))
    everyone = interactions["source_author"].value_counts()
    accounts = set(interactions["source_author"]) | set(interactions["target_author"])
    k = math.ceil(0.01 * len(accounts))
    assert M.top_share(interactions, include_brand=True) == pytest.approx(
        everyone.iloc[:k].sum() / len(interactions))
    assert len(M.members(interactions)) == len(accounts) - 1
    assert list(M.replies_written(interactions).iloc[:3]) == list(member_written(interactions).iloc[:3])


def test_take_outs_remove_every_reply_of_those_taken_out(interactions):
    enc = M.encode(interactions)
    top5 = list(member_written(interactions).index[:5])
    cut = M.community_state(enc, take_out="top", k=0, samples=0)
    assert cut.taken_out == top5
    graph = nx_graph(interactions)
    graph.remove_nodes_from(top5)
    assert cut.reciprocity == pytest.approx(nx.reciprocity(graph))
    largest = max(nx.weakly_connected_components(graph), key=len)
    assert cut.largest_group == pytest.approx(len(largest) / len(graph))
    no_brand = M.community_state(enc, take_out="brand", k=0, samples=0)
    assert no_brand.taken_out == [BRAND] and BRAND not in no_brand.table.index
    assert len(no_brand.table) == len(graph) + 5 - 1  # everyone else stays, isolated or not
    assert no_brand.largest_group < cut.largest_group  # the lesson's finding: the brand is the hub
    assert M.without_accounts(interactions, [BRAND])["source_author"].ne(BRAND).all()


def test_a_take_out_of_any_size_and_the_baseline_of_the_brands_volume(interactions):
    """The lesson's baseline: as many of the busiest members as wrote as much as the brand."""
    counts = member_written(interactions)
    brand = (interactions["source_author"] == BRAND).sum()
    m = int((counts.cumsum() < brand).sum()) + 1  # independently: the first prefix that reaches it
    assert M.matched_top(interactions) == m and counts.iloc[:m].sum() >= brand > counts.iloc[:m - 1].sum()
    enc = M.encode(interactions)
    cut = M.community_state(enc, take_out="top", top=m, k=0, samples=0)
    assert cut.taken_out == list(counts.index[:m])
    graph = nx_graph(interactions)
    graph.remove_nodes_from(cut.taken_out)
    largest = max(nx.weakly_connected_components(graph), key=len)
    assert cut.largest_group == pytest.approx(len(largest) / len(graph))
    no_brand = M.community_state(enc, take_out="brand", k=0, samples=0)
    # what the lesson says: the brand holds the network together beyond its volume
    assert no_brand.largest_group + 0.2 < cut.largest_group < M.community_state(
        enc, take_out="top", k=0, samples=0).largest_group


def test_reachable_pairs_equals_networkx_descendants(interactions, half):
    for frame in (tiny(), half, interactions):
        graph = nx_graph(frame)
        n = len(graph)
        total = sum(len(nx.descendants(graph, a)) for a in graph)
        assert M.reachable_pairs(frame) == pytest.approx(total / (n * (n - 1)))
        down, up = len(nx.descendants(graph, BRAND)), len(nx.ancestors(graph, BRAND))
        assert M.reachable_pairs(frame, exclude=BRAND) == pytest.approx(
            (total - down - up) / ((n - 1) * (n - 2)))
    # tiny: a<->brand<->b, a<->b, c->a, d->brand; without the brand as an end: a-b, b-a, c-a, c-b,
    # d-a, d-b (through the brand) of 4 x 3 = 12 ordered pairs
    assert M.reachable_pairs(tiny(), exclude=BRAND) == pytest.approx(6 / 12)


def test_reachable_pairs_asks_for_a_window_when_the_network_is_too_big(monkeypatch, half):
    monkeypatch.setattr(M, "REACHABLE_MAX_GROUPS", 10)
    with pytest.raises(M.CommunityError, match="shorter time window"):
        M.reachable_pairs(half)


def test_tiny_network_by_hand():
    state = M.community_state(M.encode(tiny()), k=None, samples=50)
    table = state.table
    assert list(table.index) == ["a", "b", "c", BRAND, "d"] or list(table.index) == sorted(table.index)
    assert table.loc["a", "written"] == 3 and table.loc["a", "received"] == 3
    assert table.loc["c", "degree"] == 1 and table.loc[BRAND, "degree"] == 3
    # links: a->brand, brand->a, b->brand, brand->b, a->b, b->a, c->a, d->brand: 6 of 8 reciprocated
    assert state.reciprocity == pytest.approx(6 / 8)
    assert state.members == 4 and state.member_replies == 7
    assert state.top_counts[0.01] == 1 and state.top_shares[0.01] == pytest.approx(3 / 7)
    out = M.community_state(M.encode(tiny()), take_out="brand", k=0, samples=0)
    assert out.largest_group == pytest.approx(3 / 4)  # d is left alone


def test_one_node_an_empty_window_and_taking_out_everyone_give_plain_sentences():
    one = tiny().iloc[[9]]  # c replying to c
    assert "Only one account (c)" in M.community_state(M.encode(one)).problem
    with pytest.raises(M.CommunityError, match="Only one account"):
        M.top_share(one)
    with pytest.raises(M.CommunityError, match="no link between two accounts"):
        M.reciprocity(one)
    assert "no replies in this window" in M.community_state(M.encode(tiny()), "2030-01-01").problem
    pair = tiny().iloc[[0, 1]]  # only a and the brand
    for take_out in ("top", "brand"):
        state = M.community_state(M.encode(pair), take_out=take_out)
        assert "leaves no reply" in state.problem and state.table.empty
    assert M.community_state(M.encode(tiny().iloc[:0])).problem.startswith("There are no replies")


def test_stability_poisson_bootstrap_agrees_with_resampling_replies(interactions, half):
    stability = M.ranking_stability(half)
    again = M.ranking_stability(half)
    assert stability.overlap == again.overlap and stability.stay.equals(again.stay)  # seeded
    assert list(stability.stay.index) == list(member_written(half).index[:10])
    # an independent bootstrap: draw the replies with replacement, count by writer, re-rank
    rng = np.random.default_rng(11)
    writers = half["source_author"].to_numpy()
    top = list(member_written(half).index[:10])
    kept = []
    for _ in range(200):
        counts = pd.Series(writers[rng.integers(0, len(writers), len(writers))]).value_counts()
        counts = counts.drop(BRAND, errors="ignore")
        noise = pd.Series(rng.random(len(counts)), index=counts.index)
        ranked = (counts + noise).sort_values(ascending=False).index[:10]
        kept.append(len(set(top) & set(ranked)) / 10)
    assert stability.overlap == pytest.approx(np.mean(kept), abs=0.04)
    assert stability.chance == pytest.approx(10 / (len(M.members(half))))
    assert 0 < stability.spearman <= 1


def test_resampling_only_the_leading_candidates_changes_nothing_that_matters(half):
    state = M.community_state(M.encode(half), k=0, samples=0)
    names, written = state.table.index.to_numpy(), state.table["written"].to_numpy()
    brand = state.table["brand"].to_numpy()
    every = M._stability(names, written, brand, 10, 400, candidates=None)
    some = M._stability(names, written, brand, 10, 400)
    assert some.overlap == pytest.approx(every.overlap, abs=0.02)
    assert (some.stay - every.stay).abs().max() < 0.08


def test_windows_are_the_span_the_years_and_the_half_years(interactions):
    found = M.windows(interactions)
    assert [w.label for w in found] == ["all (2024-2025)", "2024", "2025", "Jan-Jun 2024", "Jul-Dec 2024",
                                        "Jan-Jun 2025", "Jul-Dec 2025"]
    assert found[-1].end == pd.Timestamp("2026-01-01")  # replies spilling into 2026 are not a window
    assert M.windows(interactions.iloc[:0]) == []


def test_top_overlap_between_periods(interactions):
    a = M.replies_between(interactions, "2024-01-01", "2025-01-01")
    b = M.replies_between(interactions, "2025-01-01", "2026-01-01")
    expected = len(set(member_written(a).index[:10]) & set(member_written(b).index[:10])) / 10
    assert M.top_overlap(a, b) == pytest.approx(expected)


# =========================================================================== ideas


def test_idea_funnel_matches_pandas(ideas):
    funnel = M.idea_funnel(ideas)
    status = ideas["status"].astype(str)
    assert funnel["ideas"].tolist() == [
        len(ideas), int((ideas["votes"] > 0).sum()), int((status != "new").sum()),
        int(status.isin(["planned", "implemented", "declined"]).sum()), int(ideas["implemented"].sum())]
    assert funnel.loc["shipped", "share_of_posted"] == pytest.approx(ideas["implemented"].mean())
    cafe = ideas[ideas["category"] == "cafe"]
    assert M.idea_conversion(ideas, "cafe") == pytest.approx(cafe["implemented"].mean())
    late = ideas[ideas["submitted_at"] >= "2025-07-01"]
    assert M.idea_funnel(ideas, "2025-07-01")["ideas"].iloc[0] == len(late)
    empty = M.idea_funnel(ideas, "2030-01-01")
    assert empty["ideas"].sum() == 0 and empty["share_of_posted"].isna().all()
    with pytest.raises(M.CommunityError, match="undefined"):
        M.idea_conversion(ideas, start="2030-01-01")


def test_recent_ideas_are_answered_less_often_they_have_had_less_time(ideas):
    """What the lesson says about the last window (the generator's review delays)."""
    old = M.idea_funnel(ideas, "2024-01-01", "2025-07-01").loc["answered", "share_of_posted"]
    new = M.idea_funnel(ideas, "2025-07-01").loc["answered", "share_of_posted"]
    assert new < old


# =========================================================================== drawing and figures


def test_layout_is_a_ring_around_the_brand_and_keeps_fixed_positions(half):
    state = M.community_state(M.encode(half), k=0, samples=0)
    drawn = M.drawn_accounts(state)
    pos = M.layout_positions(state.edges, drawn)
    assert pos[BRAND] == (0.0, 0.0)
    radii = [math.hypot(*pos[a]) for a in drawn if a != BRAND]
    assert radii == pytest.approx([1.0] * len(radii))
    assert pos == M.layout_positions(state.edges, drawn)  # deterministic
    extra = M.layout_positions(state.edges, ["user_0001", *drawn], fixed=pos)
    assert set(extra) == {"user_0001"} and math.hypot(*extra["user_0001"]) == pytest.approx(1.2)


def test_drawing_keeps_the_accounts_when_the_sizing_changes(half):
    state = M.community_state(M.encode(half), k=M.BETWEENNESS_SAMPLE, samples=0)
    pos = M.layout_positions(state.edges, M.drawn_accounts(state))
    pictures = {m: M.drawing(state, pos, m) for m in M.MEASURES}
    accounts = [list(p.nodes["account"]) for p in pictures.values()]
    assert accounts[0] == accounts[1] == accounts[2] and accounts[0][0] == BRAND
    assert len(accounts[0]) <= 1 + 3 * M.DRAWN_MEMBERS
    for m, picture in pictures.items():
        top = state.ranked(m).index[0]
        assert picture.nodes.set_index("account").loc[top, "rank"] == 1
    both = pictures["written"].both_ways
    assert both.shape[1] == 4 and len(both) > 0
    assert pictures["written"].hidden_accounts == len(state.table) - len(accounts[0])
    drawn = set(accounts[0])
    away = ~half["source_author"].isin(drawn) & ~half["target_author"].isin(drawn)
    assert pictures["written"].hidden_share == pytest.approx(away.mean())


def test_the_drawing_stays_readable_at_ten_times_the_community(interactions):
    """10 copies of the community with their members renamed (the brand shared): 10 times the
    accounts and replies, and still the brand plus a bounded number of members on the ring."""
    copies = []
    for k in range(10):
        part = interactions.copy()
        for col in ("source_author", "target_author"):
            part[col] = part[col].where(part[col] == BRAND, part[col] + f"~{k}")
        copies.append(part)
    big = pd.concat(copies, ignore_index=True)
    state = M.community_state(M.encode(big), samples=50)
    assert len(state.table) == 10 * (len(M.members(interactions))) + 1
    assert state.betweenness_sampled == M.BETWEENNESS_SAMPLE
    pos = M.layout_positions(state.edges, M.drawn_accounts(state))
    picture = M.drawing(state, pos, "betweenness")
    assert len(picture.nodes) <= 1 + 3 * M.DRAWN_MEMBERS
    assert picture.hidden_accounts > 26_000
    fig = F.network_figure()
    F.fill_network(fig, state, picture, "betweenness", "title")
    assert f"{picture.hidden_accounts:,} accounts" in fig.layout.annotations[0].text


def test_network_figure_is_filled_in_place_with_computed_words(half):
    state = M.community_state(M.encode(half), k=0, samples=0)
    pos = M.layout_positions(state.edges, M.drawn_accounts(state))
    picture = M.drawing(state, pos, "written")
    fig = F.network_figure()
    title = F.network_title("Jul-Dec 2025", state, "written", BRAND)
    F.fill_network(fig, state, picture, "written", title)
    assert [t.name for t in fig.data] == ["reply link, both ways", "reply link, one way", "member",
                                          "the brand", "taken out"]
    assert f"{100 * state.reciprocity:.0f}% of reply links go both ways" in fig.layout.title.text
    cut = M.community_state(M.encode(half), take_out="brand", k=0, samples=0)
    assert "Without the brand:" in F.network_title("Jul-Dec 2025", cut, "degree", "user_1")
    assert f"{len(state.table):,} accounts" in fig.layout.title.text
    assert len(fig.data[2].x) + len(fig.data[3].x) == len(picture.nodes)
    assert not fig.layout.xaxis.visible and "Not drawn" in fig.layout.annotations[0].text
    middle = F.NODE_MIN + (F.NODE_MAX - F.NODE_MIN) / 2  # a quarter of the top value: half the size
    assert F.node_sizes(np.array([0.0, 1.0, 4.0])) == [F.NODE_MIN, pytest.approx(middle), F.NODE_MAX]


def test_the_note_counts_the_spokes_the_drawing_cannot_show(interactions):
    """The drawing shows the top members; the note counts the accounts that talk only with the
    brand, and, without the brand, those left with no one (computed independently)."""
    graph = nx_graph(interactions).to_undirected()
    spokes = {a for a in graph.neighbors(BRAND) if graph.degree(a) == 1}
    enc = M.encode(interactions)
    state = M.community_state(enc, k=0, samples=0)
    pos = M.layout_positions(state.edges, M.drawn_accounts(state))
    picture = M.drawing(state, pos, "written")
    drawn = set(picture.nodes["account"])
    assert picture.brand_only == len(spokes - drawn) > 500
    note = F.network_note(state, picture, "written")
    assert f"{picture.brand_only:,} exchanged replies with the brand and no one else" in note
    cut = M.community_state(enc, take_out="brand", k=0, samples=0)
    alone = M.drawing(cut, pos, "written")
    graph.remove_node(BRAND)
    isolated = {a for a in graph if graph.degree(a) == 0} - set(alone.nodes["account"])
    assert alone.brand_only == 0 and alone.alone == len(isolated)
    assert f"{alone.alone:,} have no one left to talk to" in F.network_note(cut, alone, "written")


def test_labels_near_the_top_and_bottom_lean_apart():
    assert F._label_side(-0.1, -1.0) == "bottom left" and F._label_side(0.1, -1.0) == "bottom right"
    assert F._label_side(0.0, 1.0) == "top right" and F._label_side(0.9, 0.1) == "middle right"


def test_numbers_figure_titles_and_axes(half, ideas):
    state = M.community_state(M.encode(half))
    funnel = M.idea_funnel(ideas, "2025-07-01", "2026-01-01")
    fig = F.numbers_figure()
    F.fill_numbers(fig, state, funnel)
    titles = [a.text for a in fig.layout.annotations[:3]]
    assert f"wrote {100 * state.top_shares[0.01]:.0f}%" in titles[0]
    assert f"keep {100 * state.stability.overlap:.0f}%" in titles[1]
    shipped = funnel.loc["shipped", "share_of_posted"]
    assert f"{100 * shipped:.1f}% of {funnel.loc['posted', 'ideas']:,}" in titles[2]
    assert "(%)" in fig.layout.yaxis.title.text and "(%)" in fig.layout.xaxis2.title.text
    assert "count" in fig.layout.xaxis3.title.text
    assert list(fig.data[1].y) == [1.0, 5.0]  # an equal share for reference


def test_guess_figure_before_and_after_the_reveal():
    before = F.guess_figure(20, None, 28, 2708)
    assert "Your guess" in before.layout.title.text and before.data[0].text[2] == "?"
    F.fill_guess(before, 20, 0.334, 28, 2708)
    assert "wrote 33%" in before.layout.title.text and "You guessed 20%" in before.layout.title.text
    assert "(%)" in before.layout.yaxis.title.text


# =========================================================================== the views


def _figures(box):
    from widgets.views.figure import FigureView

    return [x for x in _walk(box) if isinstance(x, FigureView)]


@pytest.fixture
def own_progress(monkeypatch, tmp_path):
    path = tmp_path / "progress.json"
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(path))
    return path


@pytest.fixture(scope="module")
def community_map():
    from widgets.views.community import community_map as view

    return view()


def test_views_follow_the_conventions(community_map):
    from widgets.views import community

    assert set(community.__all__) == {"community_map", "top_share_guess"}
    assert {"course-widget", "course-widget-community-map"} <= set(community_map._dom_classes)
    assert [c.description for c in _walk(community_map) if isinstance(c, w.Dropdown)] == [
        "Window", "Size nodes by", "Take out"]


def test_sizing_changes_only_the_network_and_keeps_its_positions(community_map):
    network, numbers = _figures(community_map)
    measure = _control(community_map, "Size nodes by")
    measure.value = "written"
    before = (network.figure_json, numbers.figure_json, _summary(community_map).value)
    xy = dict(zip(network.data[2].hovertext, zip(network.data[2].x, network.data[2].y, strict=True),
                  strict=True))
    measure.value = "degree"
    assert network.figure_json != before[0] and numbers.figure_json == before[1]
    assert _summary(community_map).value != before[2] and "Sized by accounts talked with" in _summary(
        community_map).value
    after = {h.split("<br>")[0]: p for h, p in zip(network.data[2].hovertext,
                                                    zip(network.data[2].x, network.data[2].y, strict=True),
                                                    strict=True)}
    assert {h.split("<br>")[0]: p for h, p in xy.items()} == after  # same accounts, same places


def test_every_window_and_take_out_is_computed_once_and_laid_out_once(monkeypatch, interactions, ideas):
    from widgets.views import community as view

    calls = {"state": 0, "layout": 0}
    real_state, real_layout = view.community_state, view.layout_positions

    def state(*args, **kwargs):
        calls["state"] += 1
        return real_state(*args, **kwargs)

    def layout(*args, **kwargs):
        calls["layout"] += 1
        return real_layout(*args, **kwargs)

    monkeypatch.setattr(view, "community_state", state)
    monkeypatch.setattr(view, "layout_positions", layout)
    box = view.community_map(interactions, ideas)
    windows = M.windows(interactions)
    assert calls["state"] == len(windows) * len(M.TAKE_OUT)  # all computed when built
    built = calls["layout"]
    window, measure = _control(box, "Window"), _control(box, "Size nodes by")
    for key in [o[1] for o in window.options][:3]:
        window.value = key
        for m in M.MEASURES:
            measure.value = m
    for key in [o[1] for o in window.options][:3]:
        window.value = key
    assert calls["state"] == len(windows) * len(M.TAKE_OUT)  # nothing recomputed
    # laid out when built: once per window, plus once per take-out that brings in new accounts;
    # never again, and never for a sizing change
    assert len(windows) <= built <= len(windows) * len(M.TAKE_OUT) and calls["layout"] == built


def test_lazy_map_computes_a_window_only_when_shown(monkeypatch, interactions, ideas):
    from widgets.views import community as view

    seen = []
    real = view.community_state
    monkeypatch.setattr(view, "community_state", lambda enc, start, end, out: seen.append(out)
                        or real(enc, start, end, out))
    laid = []
    real_layout = view.layout_positions
    monkeypatch.setattr(view, "layout_positions", lambda *a, **k: laid.append(1) or real_layout(*a, **k))
    box = view.community_map(interactions, ideas, precompute=False)
    assert seen == ["nobody"] and len(laid) == 1
    _control(box, "Take out").value = "brand"
    assert seen == ["nobody", "brand"]
    _control(box, "Size nodes by").value = "degree"
    assert seen == ["nobody", "brand"] and len(laid) <= 2


def test_taking_out_says_what_changed(community_map):
    take_out = _control(community_map, "Take out")
    _control(community_map, "Window").value = _control(community_map, "Window").options[0][1]
    take_out.value = "brand"
    text = _summary(community_map).value
    assert "with the brand taken out" in text and "With nobody taken out" in text
    network = _figures(community_map)[0]
    assert len(network.data[4].x) == 1 and network.data[4].showlegend
    take_out.value = "top"
    assert "the top 5 members (user_8107" in _summary(community_map).value
    take_out.value = "nobody"
    assert "taken out" not in _summary(community_map).value.split("</b>")[0]


def test_bad_input_to_the_map_is_a_plain_sentence(interactions, ideas):
    from widgets.views.community import community_map, top_share_guess

    empty = community_map(interactions.iloc[:0], ideas)
    assert "no replies in this table" in _summary(empty).value
    broken = community_map(interactions.drop(columns="at"), ideas)
    assert "no column 'at'" in _summary(broken).value
    no_ideas = community_map(interactions, ideas.drop(columns="votes"))
    assert "no column 'votes'" in _summary(no_ideas).value
    pair = tiny().iloc[[0, 1]]
    small = community_map(pair, ideas)
    _control(small, "Take out").value = "top"
    assert "leaves no reply" in _summary(small).value
    one = community_map(tiny().iloc[[9]], ideas)
    assert "Only one account (c)" in _summary(one).value
    guess = top_share_guess(tiny().iloc[[9]])
    assert "Only one account" in _summary(guess).value


def test_guess_view_records_the_guess_and_reveals_the_answer(own_progress, interactions):
    from widgets import progress
    from widgets.views.community import top_share_guess

    box = top_share_guess(interactions)
    slider, button = _control(box, "My guess (%)"), _control(box, "Reveal the answer")
    assert {"course-widget", "course-widget-top-share-guess"} <= set(box._dom_classes)
    slider.value = 20
    assert "Your guess: the top 1% of members write 20%" in _summary(box).value
    actual = share_by_hand(interactions, 0.01)
    assert f"{100 * actual:.0f}%" not in _summary(box).value.split("If everyone")[0]
    button.click()
    text = _summary(box).value
    assert f"wrote {100 * actual:.0f}%" in text and "You guessed 20%" in text and "too low" in text
    assert progress.load_prediction("07", "top1_share") == {"first": "20%", "latest": "20%", "changes": 0}
    slider.value = 33
    button.click()
    saved = progress.load_prediction("07", "top1_share")
    assert saved["first"] == "20%" and saved["latest"] == "33%" and saved["changes"] == 1
    assert "(close)" in _summary(box).value


def test_a_broken_progress_file_does_not_break_the_reveal(monkeypatch, tmp_path, interactions):
    from widgets.views.community import top_share_guess

    folder = tmp_path / "read-only"
    folder.mkdir()
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(folder / "sub" / "progress.json"))
    (folder / "sub").write_text("a file where a folder should be")
    box = top_share_guess(interactions)
    _control(box, "Reveal the answer").click()
    assert "wrote" in _summary(box).value
    assert any("Not saved" in str(getattr(x, "value", "")) for x in _walk(box))


# =========================================================================== the questions


def _feedback(q, value) -> str:
    verdict = q.evaluate(value)
    assert verdict.status == INCORRECT, (q.qid, value, verdict)
    return verdict.message


@pytest.fixture(scope="module")
def forum(interactions):
    return interactions[interactions["context"] == "forum"]


@pytest.fixture(scope="module")
def comments(interactions):
    return interactions[interactions["context"] == "comment_reply"]


def test_every_question_says_not_attempted_for_the_blank_and_has_three_hints():
    for q in (L.q1, L.q2, L.q3, L.q4, L.q5):
        assert q.evaluate(____).status == NOT_ATTEMPTED, q.qid
        assert len(q.hints) == 3, q.qid
    from widgets.checks import registry

    assert registry()["07"] == ["q1", "q2", "q3", "q4", "q5"]


def test_q1_forum_reciprocity(forum, interactions, comments):
    right = nx.reciprocity(nx_graph(forum))
    assert L.q1.evaluate(right).status == CORRECT
    assert L.q1.evaluate(round(right, 3)).status == CORRECT
    assert "the lesson's number" in _feedback(L.q1, nx.reciprocity(nx_graph(interactions)))
    assert "comment replies" in _feedback(L.q1, nx.reciprocity(nx_graph(comments)))
    directed = nx_graph(forum)
    undirected = directed.to_undirected()
    both = sum(1 for a, b in undirected.edges if directed.has_edge(a, b) and directed.has_edge(b, a))
    assert "pairs" in _feedback(L.q1, both / undirected.number_of_edges())
    links = set(zip(forum["source_author"], forum["target_author"], strict=True))
    by_reply = np.mean([(t, s) in links for s, t in links for _ in [0]])  # links, as a check
    assert by_reply == pytest.approx(right)
    replies = np.mean([(t, s) in links for s, t in zip(forum["source_author"], forum["target_author"],
                                                       strict=True)])
    assert "counts replies, not links" in _feedback(L.q1, replies)
    for percent in (100 * right, round(100 * right, 1), round(100 * right)):
        assert "percent" in _feedback(L.q1, percent)
    assert "rounded too far" in _feedback(L.q1, round(right, 2))
    assert _feedback(L.q1, 0.5) == L.q1.wrong


def test_q2_comment_top1(comments, interactions, forum):
    right = share_by_hand(comments, 0.01)
    assert L.q2.evaluate(right).status == CORRECT
    everyone = comments["source_author"].value_counts()
    k = math.ceil(0.01 * (len(set(comments["source_author"]) | set(comments["target_author"]))))
    assert "counted the brand" in _feedback(L.q2, everyone.iloc[:k].sum() / len(comments))
    assert "received" in _feedback(L.q2, share_by_hand(comments, 0.01, "target_author"))
    assert "the lesson's number" in _feedback(L.q2, share_by_hand(interactions, 0.01))
    assert "forum" in _feedback(L.q2, share_by_hand(forum, 0.01))
    counts = member_written(comments)
    top = counts.iloc[:math.ceil(0.01 * len(counts))].sum()
    assert "denominator includes the brand" in _feedback(L.q2, top / len(comments))
    assert "rounded the top 1% down" in _feedback(L.q2, counts.iloc[:math.floor(0.01 * len(counts))].sum()
                                                  / counts.sum())
    writers = counts[counts > 0]
    assert "only members who wrote" in _feedback(L.q2, writers.iloc[:math.ceil(0.01 * len(writers))].sum()
                                                 / writers.sum())
    assert "number of replies" in _feedback(L.q2, float(top))
    for percent in (100 * right, round(100 * right, 1), round(100 * right)):
        assert "percent" in _feedback(L.q2, percent)
    assert "rounded too far" in _feedback(L.q2, round(right, 2))
    assert _feedback(L.q2, 0.5) == L.q2.wrong


def test_q3_sustainability_conversion(ideas):
    part = ideas[ideas["category"] == L.CATEGORY]
    status = part["status"].astype(str)
    shipped = (status == "implemented").sum()
    right = shipped / len(part)
    assert L.q3.evaluate(right).status == CORRECT
    assert "*reviewed*" in _feedback(L.q3, shipped / (status != "new").sum())
    assert "got an answer" in _feedback(L.q3, shipped / status.isin(["planned", "implemented",
                                                                      "declined"]).sum())
    assert "got a vote" in _feedback(L.q3, shipped / (part["votes"] > 0).sum())
    assert "planned" in _feedback(L.q3, (shipped + (status == "planned").sum()) / len(part))
    assert "whole board" in _feedback(L.q3, ideas["implemented"].mean())
    assert "number of ideas" in _feedback(L.q3, int(shipped))
    for percent in (100 * right, round(100 * right, 1), round(100 * right, 2)):
        assert "percent" in _feedback(L.q3, percent)
    assert "another category" in _feedback(L.q3, ideas[ideas["category"] == "cafe"]["implemented"].mean())
    assert "rounded too far" in _feedback(L.q3, round(right, 2))
    assert _feedback(L.q3, 0.5) == L.q3.wrong


def test_q4_the_forum_does_not_hang_on_the_brand(forum, comments, interactions):
    def drop(frame):
        graph = nx_graph(frame)
        before = len(max(nx.weakly_connected_components(graph), key=len)) / len(graph)
        graph.remove_node(BRAND)
        return before - len(max(nx.weakly_connected_components(graph), key=len)) / len(graph)

    assert drop(forum) < 0.05 and drop(comments) > 0.3 and drop(interactions) > 0.3  # independently
    assert L.q4.evaluate("b").status == CORRECT and L.q4.evaluate(" B ").status == CORRECT
    assert "how much of the forum stays" in L.q4.evaluate("a").message
    assert "comment threads do hang on it" in L.q4.evaluate("c").message
    assert "comment replies lost" in L.q4.evaluate("c").message
    assert "can only cut links" in L.q4.evaluate("d").message
    assert "one of 'a', 'b', 'c', 'd'" in L.q4.evaluate("e").message


def test_q5_the_forum_keeps_its_connections_without_its_top_5(forum):
    top5 = list(member_written(forum).index[:5])
    graph = nx_graph(forum)
    def largest(g):
        return len(max(nx.weakly_connected_components(g), key=len)) / len(g)

    before_r, before_g = nx.reciprocity(graph), largest(graph)
    graph.remove_nodes_from(top5)
    after_r, after_g = nx.reciprocity(graph), largest(graph)
    share = member_written(forum).iloc[:5].sum() / member_written(forum).sum()
    assert after_r < before_r and before_g - after_g < 0.1 and share > 0.1
    assert L.q5.evaluate("b").status == CORRECT
    assert "largest_group" in L.q5.evaluate("a").message
    assert "large share" in L.q5.evaluate("c").message
    assert "rise or fall" in L.q5.evaluate("d").message


def test_readings_would_follow_the_data(monkeypatch):
    """The expected readings are computed: change what the data says and they change."""
    monkeypatch.setattr(L, "_drop", lambda context, take_out: 0.5)
    assert L._brand_reading() == "a" and L._top_reading() == "a"
    monkeypatch.setattr(L, "_drop", lambda context, take_out: 0.0)
    assert L._brand_reading() == "c"
    monkeypatch.setattr(L, "_drop", lambda context, take_out: -0.01)
    assert L._brand_reading() == "d"
    monkeypatch.setattr(L, "_drop", lambda context, take_out: 0.5 if context == "comment_reply" else 0.01)
    assert L._brand_reading() == "b"


def test_the_exercise_prints_every_reading_and_the_reflection():
    solution = read(ROOT / "solutions" / "07-customers-build-the-brand.ipynb")
    text = "\n".join(source(c) for c in solution["cells"])
    for choices in (L.BRAND_READINGS, L.TOP_READINGS):
        for key, reading in choices.items():
            assert f"**{key}**: {reading}" in text
    assert L.r1.prompt in text


def test_the_exercise_slices_are_not_the_lessons():
    cells = read(ROOT / "lessons" / "07-customers-build-the-brand.ipynb")["cells"]
    lesson = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    assert 'context="forum"' not in lesson and "comment_reply" not in lesson
    assert L.CATEGORY not in lesson
