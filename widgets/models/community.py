"""Lesson 07, customers build the brand: who carries a community's conversation, and do ideas ship?

Two datasets (``load("interactions")`` and ``load("ideas")``):

* **the reply network**: one row of ``interactions`` per reply from ``source_author`` to
  ``target_author``. Accounts are nodes; an arrow runs from the account that replied to the one it
  replied to. The brand (``copperpot_coffee``) is an account like any other in the network, but
  never a *member*: members are the other accounts that appear in the slice (wrote a reply or got
  one). People who only read never appear in reply data at all.
* **the idea board**: one row of ``ideas`` per idea, with its votes and status; the funnel follows
  ideas from posted to voted to reviewed to answered to shipped.

Measures, each answering its own question:

* **replies written** (a member's out-strength): who does the talking;
* **degree**: how many different accounts an account exchanged replies with, either way (the
  undirected graph's degree): who talks with many;
* **betweenness** (networkx's ``betweenness_centrality``: directed, unweighted, normalised): for
  every ordered pair of *other* accounts, the share of the shortest chains of replies from one to
  the other that pass through an account, averaged over all those pairs. A pair that no chain of
  replies joins counts as zero, so the value is a share of *pairs*, not of the paths that exist
  (:func:`reachable_pairs` gives the share of pairs that have one): who bridges. On a large network
  it is networkx's k-sample approximation (``k`` sources drawn with a fixed seed): see
  :func:`betweenness`;
* **reciprocity** (networkx's ``reciprocity``): the share of reply links (A replied to B) that go
  both ways (B also replied to A). It is defined on the directed network only;
* **top share**: the share of the members' replies written by the top 1% (or 5%) of members.

Pure functions: DataFrames in, numbers or DataFrames out. Bad input raises
:class:`CommunityError`, whose message is one plain sentence. The view (lesson 07's community map)
uses the fast path underneath: :func:`encode` once, then :func:`community_state` per time window.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import ModelError

#: The brand's own account in the course's data.
BRAND = "copperpot_coffee"
#: How each measure that can size a node is named in text and figures.
MEASURES: dict[str, str] = {"written": "replies written", "degree": "accounts talked with (degree)",
                            "betweenness": "betweenness"}
#: The top shares the lesson reports: the top 1% and the top 5% of members.
TOP_FRACTIONS: tuple[float, ...] = (0.01, 0.05)
#: Betweenness: exact up to this many accounts, otherwise networkx's k-sample approximation with
#: ``k = BETWEENNESS_SAMPLE`` sources drawn with ``random.Random(BETWEENNESS_SEED)``.
BETWEENNESS_SAMPLE = 256
BETWEENNESS_SEED = 0
#: The super-user ranking whose stability is checked: the top SUPER_USERS members by replies
#: written, against BOOTSTRAP_SAMPLES resamples of the replies. Only the BOOTSTRAP_CANDIDATES
#: members who wrote the most are resampled: one ranked lower has no real chance of reaching the
#: top 10 in a resample (a test checks the results are the same with every member resampled).
SUPER_USERS = 10
BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_SEED = 0
BOOTSTRAP_CANDIDATES = 200
#: The map draws the brand and the members in the top DRAWN_MEMBERS on any of the measures (so the
#: drawing keeps its accounts when the sizing changes); the rest are summarised in words. The order
#: around the ring comes from networkx's spring layout with LAYOUT_SEED.
DRAWN_MEMBERS = 30
LAYOUT_SEED = 0
#: What the switch can take out of the network.
TAKE_OUT: dict[str, str] = {"nobody": "nobody", "top": "the top 5 members", "brand": "the brand"}
TAKE_OUT_TOP = 5
#: The stages of the idea funnel, in order, and how each is named.
FUNNEL: dict[str, str] = {"posted": "posted", "voted": "got a vote", "reviewed": "reviewed",
                          "answered": "answered", "shipped": "shipped"}
_ANSWERED = ("planned", "implemented", "declined")
_COLUMNS = ("source_author", "target_author")
_CONTEXTS = ("comment_reply", "forum")
_CHANNELS = ("facebook", "instagram", "x", "tiktok", "community")

__all__ = [
    "BETWEENNESS_SAMPLE", "BETWEENNESS_SEED", "BOOTSTRAP_CANDIDATES", "BOOTSTRAP_SAMPLES",
    "BOOTSTRAP_SEED", "BRAND",
    "CommunityError", "CommunityState", "DRAWN_MEMBERS", "Drawing", "Encoded", "FUNNEL",
    "LAYOUT_SEED", "MEASURES", "REACHABLE_MAX_GROUPS", "SUPER_USERS", "Stability", "TAKE_OUT", "TAKE_OUT_TOP",
    "TOP_FRACTIONS", "Window", "account_table", "betweenness", "betweenness_scores",
    "community_state", "drawing", "drawn_accounts", "empty_state", "encode", "idea_conversion",
    "idea_funnel", "ideas_between", "largest_group_share", "layout_positions", "matched_top",
    "members", "ranking_stability", "reachable_pairs", "reciprocity", "replies_between",
    "replies_written", "reply_graph", "top_members", "top_overlap", "top_share", "windows",
    "without_accounts",
]


class CommunityError(ModelError):
    """A network or funnel the data cannot give; the message says why in one sentence."""


# ----------------------------------------------------------------------------- slices


def _require(frame: object, *columns: str, what: str = "replies",
             start: str = 'interactions = load("interactions")') -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise CommunityError(f"expected a table of {what} (a DataFrame), not "
                             f"{type(frame).__name__}: start from {start}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CommunityError(f"the table has no column {missing[0]!r}; its columns are: "
                             + ", ".join(map(str, frame.columns)))
    return frame


def _date(value: object, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise CommunityError(f"{name} {value!r} is not a date: write it like '2025-01-01'")
    return stamp


def _between(frame: pd.DataFrame, column: str, start: object, end: object) -> pd.Series:
    first, last = _date(start, "start"), _date(end, "end")
    if first is not None and last is not None and last <= first:
        raise CommunityError(f"the end ({last:%Y-%m-%d}) must come after the start "
                             f"({first:%Y-%m-%d}): a window runs from the start up to, not "
                             "including, the end")
    keep = pd.Series(True, index=frame.index)
    if first is not None:
        keep &= frame[column] >= first
    if last is not None:
        keep &= frame[column] < last
    return keep


def replies_between(interactions: pd.DataFrame, start: object = None, end: object = None, *,
                    context: str | None = None, channel: str | None = None) -> pd.DataFrame:
    """The replies from ``start`` up to, **not including**, ``end`` (dates such as "2025-01-01";
    None leaves that side open), optionally only one ``context`` (``"forum"`` or
    ``"comment_reply"``) or one ``channel`` (a platform, or ``"community"`` for the forum).
    A window may be empty."""
    _require(interactions, *_COLUMNS, "at")
    keep = _between(interactions, "at", start, end)
    for name, value, allowed in (("context", context, _CONTEXTS), ("channel", channel, _CHANNELS)):
        if value is None:
            continue
        _require(interactions, name)
        if value not in allowed:
            raise CommunityError(f"{name} {value!r} is not one of: {', '.join(allowed)}")
        keep &= interactions[name].astype(str) == value
    return interactions[keep]


def without_accounts(interactions: pd.DataFrame, accounts: Iterable[str]) -> pd.DataFrame:
    """The replies that neither come from nor go to any of ``accounts``."""
    _require(interactions, *_COLUMNS)
    gone = [str(a) for a in accounts]
    keep = ~(interactions["source_author"].isin(gone) | interactions["target_author"].isin(gone))
    return interactions[keep]


# ----------------------------------------------------------------------------- the fast path


@dataclass(frozen=True)
class Encoded:
    """Replies as integer codes: computed once per dataset, then sliced by window cheaply.

    ``accounts`` are sorted by name (a node's code is its position); self-replies are dropped.
    Each row has a ``pair`` code: the distinct (writer, addressee) pairs are ``pair_src`` and
    ``pair_tgt``. ``at`` is the reply's time in nanoseconds (int64).
    """

    accounts: np.ndarray
    src: np.ndarray
    tgt: np.ndarray
    at: np.ndarray
    pair: np.ndarray
    pair_src: np.ndarray
    pair_tgt: np.ndarray
    brand: int  # the brand's code, or -1 if it never appears
    #: accounts that replied to themselves (left out of the network), and when
    loops: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    loops_at: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def rows(self) -> int:
        return len(self.src)


def encode(interactions: pd.DataFrame, brand: str = BRAND) -> Encoded:
    """:class:`Encoded` replies (self-replies dropped), for :func:`community_state`."""
    _require(interactions, *_COLUMNS, "at")
    src_raw = interactions["source_author"].astype(str).to_numpy(dtype=object)
    tgt_raw = interactions["target_author"].astype(str).to_numpy(dtype=object)
    at_all = pd.to_datetime(interactions["at"]).to_numpy().astype("datetime64[ns]").astype(np.int64)
    codes, names = pd.factorize(np.concatenate([src_raw, tgt_raw]), sort=True)
    names = np.asarray(names, dtype=object)
    m = len(src_raw)
    src_all, tgt_all = codes[:m].astype(np.int64), codes[m:].astype(np.int64)
    keep = src_all != tgt_all
    src, tgt, at = src_all[keep], tgt_all[keep], at_all[keep]
    n = max(len(names), 1)
    pairs, pair = np.unique(src * n + tgt, return_inverse=True)
    found = np.flatnonzero(names == brand)
    return Encoded(accounts=names, src=src, tgt=tgt, at=at, pair=pair.astype(np.int64).reshape(-1),
                   pair_src=pairs // n, pair_tgt=pairs % n,
                   brand=int(found[0]) if len(found) else -1, loops=src_all[~keep],
                   loops_at=at_all[~keep])


@dataclass(frozen=True)
class Stability:
    """How stable the top members by replies written are, over resamples of the replies.

    ``stay`` is, for each of the top members (in rank order), the share of resamples in which it is
    still among the top; ``overlap`` the mean share of the top kept by a resample; ``spearman`` the
    mean Spearman correlation between the top members' replies written and their resampled counts;
    ``chance`` the overlap a random pick of as many members would have; ``samples`` how many
    resamples were drawn.
    """

    top: int
    stay: pd.Series
    overlap: float
    spearman: float
    chance: float
    samples: int


@dataclass
class CommunityState:
    """Everything the community map shows for one window, with one set of accounts taken out.

    ``table`` has one row per account (index: the account, sorted by name) with ``written``,
    ``received``, ``degree``, ``betweenness`` and ``brand``; ``edges`` one row per reply link
    (``source``, ``target``, ``replies``, ``both_ways``). ``problem`` is a plain sentence when
    there is no network to measure (then most numbers are nan).
    """

    replies: int
    table: pd.DataFrame
    edges: pd.DataFrame
    reciprocity: float
    largest_group: float
    members: int
    member_replies: int
    brand_replies: int
    top_shares: dict[float, float]
    top_counts: dict[float, int]
    stability: Stability | None
    betweenness_sampled: int | None  # k sources, or None when exact
    taken_out: list[str] = field(default_factory=list)
    problem: str | None = None
    #: the edges again, as row positions in ``table`` (for fast drawing)
    links: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] = field(
        default_factory=lambda: (np.zeros(0, np.int64), np.zeros(0, np.int64),
                                 np.zeros(0, np.int64), np.zeros(0, bool)), repr=False)

    def ranked(self, measure: str, members_only: bool = True) -> pd.DataFrame:
        """The table sorted by ``measure`` (highest first; ties by name), members only by default."""
        if measure not in MEASURES:
            raise CommunityError(f"measure {measure!r} is not one of: {', '.join(MEASURES)}")
        table = self.table[~self.table["brand"]] if members_only else self.table
        order = np.lexsort((np.arange(len(table)), -table[measure].to_numpy(dtype=float)))
        return table.iloc[order]


def empty_state(replies: int, problem: str, taken_out: Sequence[str] = ()) -> CommunityState:
    """A state with no network to show: ``problem`` says why, in one sentence."""
    table = pd.DataFrame({"written": pd.Series(dtype="int64"), "received": pd.Series(dtype="int64"),
                          "degree": pd.Series(dtype="int64"), "betweenness": pd.Series(dtype=float),
                          "brand": pd.Series(dtype=bool)})
    table.index.name = "account"
    edges = pd.DataFrame({"source": pd.Series(dtype=object), "target": pd.Series(dtype=object),
                          "replies": pd.Series(dtype="int64"), "both_ways": pd.Series(dtype=bool)})
    return CommunityState(replies=replies, table=table, edges=edges, reciprocity=math.nan,
                          largest_group=math.nan, members=0, member_replies=0, brand_replies=0,
                          top_shares={f: math.nan for f in TOP_FRACTIONS},
                          top_counts={f: 0 for f in TOP_FRACTIONS}, stability=None,
                          betweenness_sampled=None, taken_out=list(taken_out), problem=problem)


def _top_count(fraction: float, members: int) -> int:
    """How many members the top ``fraction`` is: rounded up, at least one (if there are members)."""
    if members <= 0:
        return 0
    return max(1, math.ceil(round(fraction * members, 9)))


def _rank_order(values: np.ndarray) -> np.ndarray:
    """Indices from the highest value to the lowest; ties keep their order (names are sorted)."""
    return np.lexsort((np.arange(len(values)), -np.asarray(values, dtype=float)))


def community_state(enc: Encoded, start: object = None, end: object = None,
                    take_out: str = "nobody", *, k: int = BETWEENNESS_SAMPLE,
                    seed: int = BETWEENNESS_SEED, samples: int = BOOTSTRAP_SAMPLES,
                    super_users: int = SUPER_USERS, top: int = TAKE_OUT_TOP) -> CommunityState:
    """The network of the replies from ``start`` up to (not including) ``end``, with
    ``take_out`` ("nobody", "top": the ``top`` members, TAKE_OUT_TOP by default, who wrote the
    most replies in the window, or "brand") removed, and every measure the community map shows."""
    if take_out not in TAKE_OUT:
        raise CommunityError(f"take_out {take_out!r} is not one of: {', '.join(TAKE_OUT)}")
    if isinstance(top, bool) or not isinstance(top, int | np.integer) or top < 1:
        raise CommunityError(f"top must be a whole number of members, at least 1 (not {top!r})")
    first, last = _date(start, "start"), _date(end, "end")
    mask = np.ones(enc.rows, dtype=bool)
    if first is not None:
        mask &= enc.at >= first.value
    if last is not None:
        mask &= enc.at < last.value
    counts = np.bincount(enc.pair[mask], minlength=len(enc.pair_src))
    present = np.flatnonzero(counts)
    ps, pt, pw = enc.pair_src[present], enc.pair_tgt[present], counts[present]
    replies = int(pw.sum())
    if replies == 0:
        loop_mask = np.ones(len(enc.loops), dtype=bool)
        if first is not None:
            loop_mask &= enc.loops_at >= first.value
        if last is not None:
            loop_mask &= enc.loops_at < last.value
        alone = np.unique(enc.loops[loop_mask])
        if len(alone) == 1:
            return empty_state(0, f"Only one account ({enc.accounts[alone[0]]}) is in this window, "
                               "replying to itself: a network needs at least two accounts.")
        if len(alone) > 1:
            return empty_state(0, "In this window every reply is an account replying to itself: "
                               "there is no link between two accounts to draw or measure.")
        return empty_state(0, "There are no replies in this window: nothing to draw or measure.")
    removed: list[int] = []
    if take_out == "brand":
        removed = [enc.brand] if enc.brand >= 0 and (np.any(ps == enc.brand)
                                                   or np.any(pt == enc.brand)) else []
    elif take_out == "top":
        written = np.bincount(ps, weights=pw, minlength=len(enc.accounts))
        if enc.brand >= 0:
            written[enc.brand] = -1
        writers = np.flatnonzero(written > 0)
        removed = writers[_rank_order(written[writers])][:int(top)].tolist()
    names_out = [str(enc.accounts[c]) for c in removed]
    # every account of the window stays a node (an account left with no reply is isolated),
    # except those taken out
    nodes = np.setdiff1d(np.unique(np.concatenate([ps, pt])), removed)
    if removed:
        keep = ~(np.isin(ps, removed) | np.isin(pt, removed))
        ps, pt, pw = ps[keep], pt[keep], pw[keep]
    if pw.sum() == 0:
        who = f"the top {len(removed)} members" if take_out == "top" else TAKE_OUT[take_out]
        return empty_state(0, f"Taking out {who} leaves no reply between the other accounts of "
                            "this window: no community is left to measure.", names_out)
    n = len(nodes)
    s, t = np.searchsorted(nodes, ps), np.searchsorted(nodes, pt)
    names = enc.accounts[nodes]
    is_brand = nodes == enc.brand
    if n < 2:  # pragma: no cover - self-replies are dropped, so a reply joins two accounts
        return empty_state(int(pw.sum()), "Only one account is in this window: a network needs "
                            "at least two.", names_out)
    written = np.bincount(s, weights=pw, minlength=n).astype(np.int64)
    received = np.bincount(t, weights=pw, minlength=n).astype(np.int64)
    lo, hi = np.minimum(s, t), np.maximum(s, t)
    undirected = np.unique(lo * n + hi)
    degree = np.bincount(np.concatenate([undirected // n, undirected % n]), minlength=n)
    forward = s * n + t
    both = np.isin(t * n + s, forward)
    recip = float(both.mean())
    between, sampled = _betweenness(n, s, t, k, seed)
    largest = _largest_group(n, s, t)
    table = pd.DataFrame({"written": written, "received": received, "degree": degree,
                          "betweenness": between, "brand": is_brand},
                         index=pd.Index(names, name="account"))
    edges = pd.DataFrame({"source": names[s], "target": names[t], "replies": pw.astype(np.int64),
                          "both_ways": both})
    member = ~is_brand
    n_members = int(member.sum())
    member_written = written[member]
    member_total = int(member_written.sum())
    ordered = np.sort(member_written)[::-1]
    shares, tops = {}, {}
    for fraction in TOP_FRACTIONS:
        top = _top_count(fraction, n_members)
        tops[fraction] = top
        shares[fraction] = float(ordered[:top].sum() / member_total) if member_total else math.nan
    stability = _stability(names, written, is_brand, super_users, samples) if member_total else None
    problem = None
    if n_members == 0:
        problem = "Only the brand is left in this window: there are no members to measure."
    return CommunityState(replies=int(pw.sum()), table=table, edges=edges, reciprocity=recip,
                          largest_group=largest, members=n_members, member_replies=member_total,
                          brand_replies=int(written[is_brand].sum()), top_shares=shares,
                          top_counts=tops, stability=stability, betweenness_sampled=sampled,
                          taken_out=names_out, problem=problem, links=(s, t, pw.astype(np.int64), both))


def _largest_group(n: int, s: np.ndarray, t: np.ndarray) -> float:
    """The share of accounts in the largest group joined by replies (weakly connected)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(s)), (s, t)), shape=(n, n)).tocsr()
    _count, labels = connected_components(graph, directed=True, connection="weak")
    return float(np.bincount(labels).max() / n)


def _stability(names: np.ndarray, written: np.ndarray, is_brand: np.ndarray, top: int,
               samples: int, seed: int = BOOTSTRAP_SEED,
               candidates: int | None = BOOTSTRAP_CANDIDATES) -> Stability | None:
    """Resample the replies and re-rank the members (a Poisson bootstrap).

    Each reply is counted a random number of times, drawn from a Poisson distribution with mean 1
    (0, 1, 2... times), so a writer's resampled total is a Poisson draw with mean what they wrote.
    With many replies this behaves like drawing the replies with replacement (a test checks that
    the two agree), and it costs the same whatever the number of replies. Ties in a resample are
    broken at random.
    """
    writers = np.flatnonzero(written > 0)
    member_writers = writers[~is_brand[writers]]
    if len(member_writers) == 0 or samples <= 0:
        return None
    if candidates is not None and len(member_writers) > candidates:
        member_writers = np.sort(member_writers[_rank_order(written[member_writers])[:candidates]])
    rng = np.random.default_rng(seed)
    draws = rng.poisson(written[member_writers], size=(samples, len(member_writers)))
    counts = draws + rng.random(draws.shape)  # ties: at random
    m = counts.shape[1]
    top = min(top, m)
    original = _rank_order(written[member_writers])[:top]
    if top < m:
        threshold = -np.partition(-counts, top - 1, axis=1)[:, top - 1:top]
        kept = counts[:, original] >= threshold
    else:
        kept = np.ones((samples, top), dtype=bool)
    stay = kept.mean(axis=0)
    overlap = float(kept.sum(axis=1).mean() / top)
    spearman = math.nan
    if top >= 3:
        x = pd.Series(written[member_writers][original]).rank().to_numpy()
        y = pd.DataFrame(np.floor(counts[:, original])).rank(axis=1).to_numpy()
        xs = x - x.mean()
        ys = y - y.mean(axis=1, keepdims=True)
        denom = np.sqrt((xs**2).sum() * (ys**2).sum(axis=1))
        with np.errstate(invalid="ignore", divide="ignore"):
            rho = (ys * xs).sum(axis=1) / denom
        rho = rho[np.isfinite(rho)]
        spearman = float(rho.mean()) if len(rho) else math.nan
    stay_series = pd.Series(stay, index=pd.Index(names[member_writers][original], name="account"),
                            name="stay")
    # the whole population of members (writers or not) is what a random pick draws from
    members = int((~is_brand).sum())
    return Stability(top=top, stay=stay_series, overlap=overlap, spearman=spearman,
                     chance=top / members if members else math.nan, samples=samples)


# ----------------------------------------------------------------------------- drawing


def drawn_accounts(state: CommunityState, measure: str | None = None,
                   n: int = DRAWN_MEMBERS) -> list[str]:
    """What the map draws: the brand (if it is in the network) and the ``n`` members highest on
    ``measure``; with no measure, the members in the top ``n`` on any measure (sorted by name)."""
    if state.table.empty:
        return []
    brand = list(state.table.index[state.table["brand"]])
    if measure is None:
        return brand + sorted({a for m in MEASURES for a in state.ranked(m).index[:n]})
    return brand + list(state.ranked(measure).index[:n])


def layout_positions(edges: pd.DataFrame, accounts: Sequence[str],
                     fixed: dict[str, tuple[float, float]] | None = None, brand: str = BRAND,
                     seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Positions for ``accounts``: the brand at the centre, the members evenly on a ring around it.

    The order around the ring comes from networkx's spring layout of the replies among the
    accounts (undirected, unweighted): accounts that reply to each other pull together, so they
    end up next to each other on the ring and their links stay short. A ring keeps 30 to 60
    accounts readable where a free spring layout of a busy community is a hairball.

    Accounts in ``fixed`` keep their positions; the others go on an outer ring, each near the
    accounts it replied with (so a few accounts can be added without moving anyone). Positions
    are between about -1.2 and 1.2; they have no unit.
    """
    import networkx as nx

    fixed = {a: (float(x), float(y)) for a, (x, y) in (fixed or {}).items()}
    wanted = sorted({str(a) for a in accounts} - set(fixed))
    everyone = set(wanted) | set(fixed)
    inside = edges["source"].isin(everyone) & edges["target"].isin(everyone)
    pairs = list(zip(edges.loc[inside, "source"], edges.loc[inside, "target"], strict=True))
    found: dict[str, tuple[float, float]] = {}
    if not fixed:
        ring = [a for a in wanted if a != brand]
        if brand in wanted:
            found[brand] = (0.0, 0.0)
        if len(ring) == 1:
            found[ring[0]] = (0.0, 1.0)
        elif ring:
            graph = nx.Graph()
            graph.add_nodes_from(wanted)
            graph.add_edges_from(pairs)
            spring = nx.spring_layout(graph, seed=seed, iterations=50)
            centre = np.asarray(spring[brand]) if brand in spring else np.mean(
                [spring[a] for a in ring], axis=0)
            angle = {a: math.atan2(*(np.asarray(spring[a]) - centre)[::-1]) for a in ring}
            ordered = sorted(ring, key=lambda a: (angle[a], a))
            for i, a in enumerate(ordered):
                theta = math.pi / 2 - 2 * math.pi * i / len(ordered)
                found[a] = (math.cos(theta), math.sin(theta))
        return found
    # new accounts: an outer ring, each at the mean angle of the fixed accounts it replied with
    neighbours: dict[str, list[str]] = {a: [] for a in wanted}
    for a, b in pairs:
        if a in neighbours and b in fixed:
            neighbours[a].append(b)
        if b in neighbours and a in fixed:
            neighbours[b].append(a)
    wish = {}
    for i, a in enumerate(wanted):
        near = [fixed[b] for b in neighbours[a] if fixed[b] != (0.0, 0.0)]
        if near:
            x, y = np.mean(near, axis=0)
            wish[a] = math.atan2(y, x)
        else:
            wish[a] = math.pi / 2 - 2 * math.pi * (i + 0.5) / max(len(wanted), 1)
    ordered = sorted(wanted, key=lambda a: (-wish[a], a))
    step = 2 * math.pi / max(len(ordered), 12)
    last = None
    for a in ordered:
        theta = wish[a] if last is None else min(wish[a], last - step)
        found[a] = (1.2 * math.cos(theta), 1.2 * math.sin(theta))
        last = theta
    return found


@dataclass(frozen=True)
class Drawing:
    """What the map draws for one state and measure.

    ``nodes``: one row per drawn account (``account``, ``x``, ``y``, ``value`` of the measure,
    ``brand``, ``rank`` among the drawn members, 0 for the brand), brand first. ``both_ways`` and
    ``one_way``: the reply links among the drawn accounts, as (x0, y0, x1, y1) rows.
    ``taken_out``: the accounts taken out that have a position (``account``, ``x``, ``y``).
    ``hidden_accounts`` and ``hidden_share``: how many accounts are not drawn, and the share of all
    replies in the window that involve no drawn account. ``brand_only``: how many of the accounts
    not drawn exchanged replies with the brand and with no one else (the spokes of a hub);
    ``alone``: how many of the accounts not drawn are left with no one to talk to (after a take-out).
    """

    nodes: pd.DataFrame
    both_ways: np.ndarray
    one_way: np.ndarray
    taken_out: pd.DataFrame
    hidden_accounts: int
    hidden_share: float
    brand_only: int = 0
    alone: int = 0


def drawing(state: CommunityState, positions: dict[str, tuple[float, float]], measure: str,
            n: int = DRAWN_MEMBERS) -> Drawing:
    """The drawn accounts of ``state`` (the brand and the members in the top ``n`` on any measure,
    see :func:`drawn_accounts`) at ``positions``, sized by ``measure``, with the reply links among
    them; accounts without a position are left out. ``rank`` orders the drawn members by
    ``measure`` (1 is the highest)."""
    accounts = [a for a in drawn_accounts(state, None, n) if a in positions]
    rows = state.table.index.get_indexer(accounts) if accounts else np.zeros(0, np.int64)
    xy = np.array([positions[a] for a in accounts], dtype=float).reshape(-1, 2)
    table = state.table
    is_brand = table["brand"].to_numpy(dtype=bool)[rows]
    nodes = pd.DataFrame({"account": accounts, "x": xy[:, 0], "y": xy[:, 1],
                          "value": table[measure].to_numpy(dtype=float)[rows], "brand": is_brand})
    order = _rank_order(np.where(is_brand, np.inf, nodes["value"].fillna(-1).to_numpy()))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))  # the brand (if drawn) is first, rank 0
    if not is_brand.any():
        rank += 1
    nodes["rank"] = rank
    src, tgt, weight, both = state.links
    where = np.full(len(table), -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    a, b = where[src], where[tgt]
    among = (a >= 0) & (b >= 0)
    # a pair that replied both ways is one line: keep the link from the first name to the second
    two = among & both & (src < tgt)
    one = among & ~both

    def segments(keep: np.ndarray) -> np.ndarray:
        return np.hstack([xy[a[keep]], xy[b[keep]]]) if keep.any() else np.zeros((0, 4))

    touching = (a >= 0) | (b >= 0)
    total = weight.sum()
    hidden_share = float(weight[~touching].sum() / total) if total else math.nan
    gone = [x for x in state.taken_out if x in positions]
    taken = pd.DataFrame({"account": gone, "x": [positions[x][0] for x in gone],
                          "y": [positions[x][1] for x in gone]})
    degree = table["degree"].to_numpy()
    brand_only = 0
    brand_rows = np.flatnonzero(table["brand"].to_numpy(dtype=bool))
    if len(brand_rows):
        hub = brand_rows[0]
        partners = np.unique(np.concatenate([tgt[src == hub], src[tgt == hub]]))
        spokes = partners[(degree[partners] == 1) & (where[partners] < 0)]
        brand_only = len(spokes)
    return Drawing(nodes=nodes, both_ways=segments(two), one_way=segments(one), taken_out=taken,
                   hidden_accounts=len(table) - len(accounts), hidden_share=hidden_share,
                   brand_only=int(brand_only), alone=int(((degree == 0) & (where < 0)).sum()))


# ----------------------------------------------------------------------------- betweenness


def _sources(n: int, k: int | None, seed: int) -> tuple[np.ndarray, int | None]:
    """networkx's choice of sources: every node, or ``random.Random(seed).sample(nodes, k)``."""
    if k is None or k >= n:
        return np.arange(n), None
    if k < 1:
        raise CommunityError(f"k must be at least 1 (it is {k}), or None for every account")
    return np.asarray(random.Random(seed).sample(range(n), k), dtype=np.int64), k


def betweenness_scores(n: int, src: np.ndarray, tgt: np.ndarray, k: int | None = BETWEENNESS_SAMPLE,
                       seed: int = BETWEENNESS_SEED, batch: int = 128) -> np.ndarray:
    """Betweenness of nodes ``0..n-1`` of the directed graph with edges ``src[i] -> tgt[i]``.

    The same numbers as ``networkx.betweenness_centrality(G, k=k, seed=seed)`` (unweighted,
    normalised, endpoints excluded) for a DiGraph ``G`` whose nodes were added in the order
    ``0..n-1``: with ``k`` sources drawn as networkx draws them, or every node when ``k`` is None or
    at least ``n``. Brandes' algorithm, run for a batch of sources at once with sparse matrices
    (many times faster than networkx's pure-Python loop; a test checks the two agree).
    """
    from scipy.sparse import csr_matrix

    src, tgt = np.asarray(src, dtype=np.int64), np.asarray(tgt, dtype=np.int64)
    sources, sampled = _sources(n, k, seed)
    scores = np.zeros(n)
    if n < 3 or len(src) == 0:
        return scores
    adjacency = csr_matrix((np.ones(len(src)), (src, tgt)), shape=(n, n))
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    reverse = adjacency.T.tocsr()
    out_degree = np.diff(adjacency.indptr)
    useful = sources[out_degree[sources] > 0]  # a source with no reply reaches nobody
    batch = max(8, min(batch, 2_000_000 // n))  # about 16 MB per n x batch array
    for b0 in range(0, len(useful), batch):
        chunk = useful[b0:b0 + batch]
        width = len(chunk)
        cols = np.arange(width)
        sigma = np.zeros((n, width))
        sigma[chunk, cols] = 1.0
        seen = np.zeros((n, width), dtype=bool)
        seen[chunk, cols] = True
        front = sigma.copy()
        levels = [np.ravel_multi_index((chunk, cols), (n, width))]
        flat_seen, flat_sigma = seen.reshape(-1), sigma.reshape(-1)
        while True:
            reached = reverse @ front
            reached[seen] = 0.0
            idx = np.flatnonzero(reached)
            if idx.size == 0:
                break
            flat_seen[idx] = True
            flat_sigma[idx] = reached.reshape(-1)[idx]
            front = reached
            levels.append(idx)
        delta = np.zeros(n * width)
        coef = np.zeros((n, width))
        flat_coef = coef.reshape(-1)
        for d in range(len(levels) - 1, 0, -1):
            w = levels[d]
            flat_coef[w] = (1.0 + delta[w]) / flat_sigma[w]
            contrib = (adjacency @ coef).reshape(-1)
            v = levels[d - 1]
            delta[v] += flat_sigma[v] * contrib[v]
            flat_coef[w] = 0.0
        delta[levels[0]] = 0.0
        scores += delta.reshape(n, width).sum(axis=1)
    # networkx's rescaling (normalized=True, endpoints=False, directed)
    if sampled is None:
        scores *= 1.0 / ((n - 1) * (n - 2))
    else:
        scale = np.full(n, 1.0 / (sampled * (n - 2)))
        scale[sources] = 1.0 / ((sampled - 1) * (n - 2)) if sampled > 1 else math.nan
        scores *= scale
    return scores


def _betweenness(n: int, s: np.ndarray, t: np.ndarray, k: int | None, seed: int
                 ) -> tuple[np.ndarray, int | None]:
    if k == 0:  # not wanted (the learner-facing functions that do not show it)
        return np.full(n, math.nan), None
    _, sampled = _sources(n, k, seed)
    return betweenness_scores(n, s, t, k, seed), sampled


# ----------------------------------------------------------------------------- learner-facing


def _state(interactions: pd.DataFrame, brand: str, **kwargs: object) -> CommunityState:
    return community_state(encode(interactions, brand), **kwargs)  # type: ignore[arg-type]


def _network(interactions: pd.DataFrame, brand: str = BRAND, **kwargs: object) -> CommunityState:
    state = _state(interactions, brand, **kwargs)
    if state.problem and state.table.empty:
        raise CommunityError(state.problem)
    return state


def reply_graph(interactions: pd.DataFrame):  # -> networkx.DiGraph
    """The reply network as a networkx ``DiGraph``: an edge from each account that replied to the
    account it replied to, with the number of replies as the edge's ``replies`` attribute.
    Self-replies are left out; nodes are added in order of name (so networkx's sampling of
    sources is reproducible)."""
    import networkx as nx

    _require(interactions, *_COLUMNS)
    frame = interactions[interactions["source_author"] != interactions["target_author"]]
    counts = frame.groupby([frame["source_author"].astype(str), frame["target_author"].astype(str)],
                           sort=True).size()
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(set(counts.index.get_level_values(0))
                                | set(counts.index.get_level_values(1))))
    graph.add_edges_from((a, b, {"replies": int(c)}) for (a, b), c in counts.items())
    return graph


def reciprocity(interactions: pd.DataFrame) -> float:
    """networkx's reciprocity of the reply network: the share of reply links that go both ways."""
    import networkx as nx

    graph = reply_graph(interactions)
    if graph.number_of_edges() == 0:
        raise CommunityError("these replies have no link between two accounts: reciprocity needs "
                             "at least one reply")
    return float(nx.reciprocity(graph))


def members(interactions: pd.DataFrame, brand: str = BRAND) -> list[str]:
    """Every account other than the brand that wrote or got a reply (self-replies aside), sorted."""
    _require(interactions, *_COLUMNS)
    frame = interactions[interactions["source_author"] != interactions["target_author"]]
    found = set(frame["source_author"].astype(str)) | set(frame["target_author"].astype(str))
    found.discard(brand)
    return sorted(found)


def replies_written(interactions: pd.DataFrame, brand: str = BRAND,
                    include_brand: bool = False) -> pd.Series:
    """Replies written by each member (members who wrote none count 0), most first, ties by name."""
    table = _network(interactions, brand, k=0, samples=0).table
    if not include_brand:
        table = table[~table["brand"]]
    written = table["written"]
    return written.iloc[_rank_order(written.to_numpy())].rename("replies written")


def top_share(interactions: pd.DataFrame, fraction: float = 0.01, *, by: str = "written",
              include_brand: bool = False, brand: str = BRAND) -> float:
    """The share of the members' replies written (``by="written"``) or received
    (``by="received"``) by the top ``fraction`` of members.

    Members are every account but the brand that wrote or got a reply; the top 1% of 2,708
    members is 28 people (rounded up, at least one). ``include_brand=True`` counts the brand as one
    more member (not the course's definition: the brand is not a member of its own community).
    """
    if not 0 < fraction <= 1:
        raise CommunityError(f"fraction must be between 0 and 1 (0.01 is the top 1%), not {fraction!r}")
    if by not in ("written", "received"):
        raise CommunityError(f"by must be 'written' or 'received', not {by!r}")
    table = _network(interactions, brand, k=0, samples=0).table
    if not include_brand:
        table = table[~table["brand"]]
    if table.empty:
        raise CommunityError("there are no members in these replies (only the brand)")
    values = np.sort(table[by].to_numpy())[::-1]
    total = values.sum()
    if total == 0:
        raise CommunityError(f"the members in these replies {by} none: the share is undefined")
    return float(values[:_top_count(fraction, len(values))].sum() / total)


def top_members(interactions: pd.DataFrame, n: int = SUPER_USERS, measure: str = "written",
                brand: str = BRAND, k: int | None = BETWEENNESS_SAMPLE) -> list[str]:
    """The ``n`` members highest on ``measure`` (ties by name)."""
    state = _network(interactions, brand, k=k if measure == "betweenness" else 0, samples=0)
    return list(state.ranked(measure).index[:n])


def account_table(interactions: pd.DataFrame, brand: str = BRAND,
                  k: int | None = BETWEENNESS_SAMPLE, seed: int = BETWEENNESS_SEED) -> pd.DataFrame:
    """One row per account: ``written``, ``received``, ``degree`` (accounts talked with, either
    way), ``betweenness`` and ``brand``; most replies written first."""
    state = _network(interactions, brand, k=k, seed=seed, samples=0)
    return state.ranked("written", members_only=False)


def betweenness(interactions: pd.DataFrame, k: int | None = BETWEENNESS_SAMPLE,
                seed: int = BETWEENNESS_SEED) -> pd.Series:
    """Each account's betweenness: ``networkx.betweenness_centrality(reply_graph(interactions),
    k=k, seed=seed)``, computed many times faster. ``k`` sources are sampled when the network has
    more than ``k`` accounts (networkx's approximation); ``k=None`` is exact. Highest first."""
    table = _network(interactions, k=k, seed=seed, samples=0).table
    scores = table["betweenness"]
    return scores.iloc[_rank_order(scores.to_numpy())].rename("betweenness")


def largest_group_share(interactions: pd.DataFrame) -> float:
    """The share of the accounts that are in the largest group joined by replies (networkx's
    largest weakly connected component)."""
    return _network(interactions, k=0, samples=0).largest_group


#: reachable_pairs keeps one row of reachability per group of accounts that reach each other; above
#: this many groups that table would not fit in a learner's kernel, so it asks for a window instead.
REACHABLE_MAX_GROUPS = 10_000


def reachable_pairs(interactions: pd.DataFrame, exclude: str | None = None) -> float:
    """The share of ordered pairs of different accounts (a, b), neither of them ``exclude``, such
    that a chain of replies leads from a to b (a replied to x, x replied to ... b): the pairs that
    betweenness can count. Betweenness averages over *every* ordered pair of other accounts, the
    pairs no chain joins counting as zero; dividing an account's betweenness by this share (with
    the account as ``exclude``) gives the average over the pairs that a chain does join.

    Computed on the groups of accounts that can reach each other both ways (strongly connected
    components): within a group every pair is joined; between groups, reachability follows the
    (acyclic) network of groups."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    state = _network(interactions, k=0, samples=0)
    names = state.table.index.to_numpy()
    n = len(names)
    s, t, _, _ = state.links
    graph = coo_matrix((np.ones(len(s)), (s, t)), shape=(n, n)).tocsr()
    count, group = connected_components(graph, directed=True, connection="strong")
    if count > REACHABLE_MAX_GROUPS:
        raise CommunityError(f"this network has {count:,} groups of accounts, too many to follow "
                             "every chain of replies here: choose a shorter time window")
    size = np.bincount(group, minlength=count).astype(np.int64)
    gs, gt = group[s], group[t]
    between = np.unique(np.stack([gs[gs != gt], gt[gs != gt]]), axis=1)
    children: list[list[int]] = [[] for _ in range(count)]
    parents_left = np.zeros(count, dtype=np.int64)
    for a, b in between.T.tolist():
        children[a].append(b)
        parents_left[b] += 1
    # an order in which every group comes before the groups it reaches (Kahn's algorithm)
    order, ready = [], [g for g in range(count) if parents_left[g] == 0]
    while ready:
        g = ready.pop()
        order.append(g)
        for c in children[g]:
            parents_left[c] -= 1
            if parents_left[c] == 0:
                ready.append(c)
    reach = np.zeros((count, count), dtype=bool)  # reach[g, h]: a chain leads from group g to h
    for g in reversed(order):
        if children[g]:
            reach[g] = reach[children[g]].any(axis=0)
            reach[g, children[g]] = True
    joined = size * (size - 1) + size * (reach.astype(np.int64) @ size)  # pairs from each group
    total, pairs = int(joined.sum()), n * (n - 1)
    if exclude is not None and exclude in set(names):
        g = group[int(np.flatnonzero(names == exclude)[0])]
        reached = int(reach[g] @ size) + int(size[g]) - 1  # accounts the excluded one reaches
        reaching = int(reach[:, g] @ size) + int(size[g]) - 1  # accounts that reach it
        total -= reached + reaching
        pairs = (n - 1) * (n - 2)
    if pairs <= 0:
        raise CommunityError("a pair of accounts needs at least two accounts besides the one left out")
    return total / pairs


def matched_top(interactions: pd.DataFrame, brand: str = BRAND) -> int:
    """How many of the members who wrote the most replies it takes, together, to have written at
    least as many replies as the brand: a take-out of the same volume as taking out the brand."""
    state = _network(interactions, brand, k=0, samples=0)
    if not state.brand_replies:
        raise CommunityError("the brand wrote no reply here: there is no volume to match")
    written = state.ranked("written")["written"].to_numpy()
    reached = np.flatnonzero(np.cumsum(written) >= state.brand_replies)
    if not len(reached):
        raise CommunityError("all the members together wrote fewer replies than the brand")
    return int(reached[0]) + 1


def ranking_stability(interactions: pd.DataFrame, top: int = SUPER_USERS,
                      samples: int = BOOTSTRAP_SAMPLES, brand: str = BRAND) -> Stability:
    """Bootstrap the replies ``samples`` times: how often do the ``top`` members by replies written
    stay in the top? (See :class:`Stability`.)"""
    state = _network(interactions, brand, k=0, samples=samples, super_users=top)
    if state.stability is None:
        raise CommunityError("no member wrote a reply here: there is no ranking to resample")
    return state.stability


def top_overlap(first: pd.DataFrame, second: pd.DataFrame, top: int = SUPER_USERS,
                brand: str = BRAND) -> float:
    """The share of ``first``'s top members by replies written who are also in ``second``'s top."""
    a = set(top_members(first, top, brand=brand))
    b = set(top_members(second, top, brand=brand))
    if not a:
        raise CommunityError("the first slice has no member who wrote a reply")
    return len(a & b) / len(a)


# ----------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class Window:
    """A time window: from ``start`` up to, not including, ``end`` (None: open)."""

    label: str
    start: pd.Timestamp | None
    end: pd.Timestamp | None

    @property
    def key(self) -> str:
        return self.label


_HALVES = (("Jan-Jun", 1, 7), ("Jul-Dec", 7, 13))


def windows(interactions: pd.DataFrame, min_share: float = 0.01) -> list[Window]:
    """The windows the community map offers: the whole span, then each calendar year, then each
    half-year, that holds at least ``min_share`` of the replies (so a few late replies spilling
    into a new year do not make a window of their own)."""
    _require(interactions, "at")
    if len(interactions) == 0:
        return []
    at = pd.to_datetime(interactions["at"])
    enough = min_share * len(at)
    per_year = at.dt.year.value_counts()
    years = sorted(int(y) for y, c in per_year.items() if c >= enough)
    span = f"{years[0]}-{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else "all dates"
    found = [Window(f"all ({span})", None, None)]
    found += [Window(str(y), pd.Timestamp(y, 1, 1), pd.Timestamp(y + 1, 1, 1)) for y in years]
    per_half = at.groupby([at.dt.year, (at.dt.month > 6).astype(int)]).size()
    for year in years:
        for i, (name, m0, m1) in enumerate(_HALVES):
            if per_half.get((year, i), 0) >= enough:
                end = pd.Timestamp(year + 1, 1, 1) if m1 == 13 else pd.Timestamp(year, m1, 1)
                found.append(Window(f"{name} {year}", pd.Timestamp(year, m0, 1), end))
    return found


# ----------------------------------------------------------------------------- ideas


def ideas_between(ideas: pd.DataFrame, start: object = None, end: object = None,
                  category: str | None = None) -> pd.DataFrame:
    """The ideas submitted from ``start`` up to, not including, ``end``, optionally of one
    ``category`` only."""
    _require(ideas, "submitted_at", "votes", "status", what="ideas",
             start='ideas = load("ideas")')
    keep = _between(ideas, "submitted_at", start, end)
    if category is not None:
        _require(ideas, "category", what="ideas", start='ideas = load("ideas")')
        known = sorted(set(ideas["category"].astype(str)))
        if hasattr(ideas["category"], "cat"):
            known = [str(c) for c in ideas["category"].cat.categories]
        if category not in known:
            raise CommunityError(f"category {category!r} is not one of: {', '.join(known)}")
        keep &= ideas["category"].astype(str) == category
    return ideas[keep]


def idea_funnel(ideas: pd.DataFrame, start: object = None, end: object = None,
                category: str | None = None) -> pd.DataFrame:
    """How many ideas reached each stage: ``posted``, ``voted`` (at least one vote),
    ``reviewed`` (status anything but "new"), ``answered`` (planned, shipped or declined) and
    ``shipped`` (status "implemented"). Columns ``ideas`` and ``share_of_posted`` (nan when no idea
    was posted). Each stage's ideas are inside the one before, except ``voted``: an idea can be
    reviewed without a vote."""
    chosen = ideas_between(ideas, start, end, category)
    status = chosen["status"].astype(str)
    counts = {
        "posted": len(chosen),
        "voted": int((chosen["votes"] > 0).sum()),
        "reviewed": int((status != "new").sum()),
        "answered": int(status.isin(_ANSWERED).sum()),
        "shipped": int((status == "implemented").sum()),
    }
    table = pd.DataFrame({"ideas": pd.Series(counts)})
    posted = counts["posted"]
    table["share_of_posted"] = table["ideas"] / posted if posted else math.nan
    table.index.name = "stage"
    return table


def idea_conversion(ideas: pd.DataFrame, category: str | None = None, start: object = None,
                    end: object = None) -> float:
    """Ideas shipped (status "implemented") divided by ideas posted, in the slice."""
    funnel = idea_funnel(ideas, start, end, category)
    if funnel.loc["posted", "ideas"] == 0:
        raise CommunityError("no idea was posted in this slice: the conversion rate is undefined")
    return float(funnel.loc["shipped", "share_of_posted"])
