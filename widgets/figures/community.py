"""Figures for lesson 07: the reply network, the numbers behind it, and the guess before the reveal.

Each function returns a plotly figure and never shows it; titles are computed from the data. The
network figure and the numbers figure keep a fixed set of traces, so a view can refill them in
place (:func:`fill_network`, :func:`fill_numbers`) when a control changes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..models.community import DRAWN_MEMBERS, FUNNEL, MEASURES, CommunityState, Drawing
from ..style import COLOURS, PALETTE, register_template

#: Marker sizes (px) of the smallest and the largest drawn account.
NODE_MIN, NODE_MAX = 7.0, 38.0
#: How many drawn members get a name label (the brand always has one).
LABELLED = 5
#: The top share the concentration panel's title states (the top 1%).
TOP_FRACTIONS_FIRST = 0.01
_GREY = "#767676"  # 4.5:1 on white: readable as text too


def pct(x: float, digits: int = 0) -> str:
    """A fraction as a percent, e.g. 0.334 -> "33%"; nan -> "n/a"."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{100 * x:.{digits}f}%"


def _short(account: str) -> str:
    return "the brand" if account == "copperpot_coffee" else account


# ----------------------------------------------------------------------------- the network


#: Short names of the measures, for titles.
SHORT = {"written": "replies written", "degree": "degree", "betweenness": "betweenness"}


def network_title(window: str, state: CommunityState, measure: str, leader: str | None) -> str:
    """E.g. "All (2024-2025), 2,709 accounts: the brand leads on betweenness<br>34% of reply links
    go both ways; 98% of the accounts are in one connected group"."""
    if state.problem and state.table.empty:
        return f"{window}: {state.problem}"
    who = "no one" if leader is None else _short(leader)
    head = (f"{window[:1].upper()}{window[1:]}, {len(state.table):,} accounts: "
            f"{who} leads on {SHORT[measure]}")
    without = f"<br>Without {_taken_words(state)}:" if state.taken_out else ""
    return (f"{head}{without}<br>{pct(state.reciprocity)} of reply links go both ways; "
            f"{pct(state.largest_group)} of accounts in one connected group")


def _taken_words(state: CommunityState) -> str:
    if state.taken_out == ["copperpot_coffee"]:
        return "the brand"
    return f"the top {len(state.taken_out)} members"


def node_sizes(values: np.ndarray) -> list[float]:
    """Marker sizes: the area grows with the value (square root), from NODE_MIN to NODE_MAX."""
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    top = values.max() if len(values) else 0.0
    if top <= 0:
        return [NODE_MIN] * len(values)
    return [float(NODE_MIN + (NODE_MAX - NODE_MIN) * math.sqrt(v / top)) for v in values]


def _value_text(measure: str, value: float) -> str:
    if measure == "betweenness":
        return f"betweenness {value:.3f}"
    if measure == "degree":
        return f"talked with {value:,.0f} accounts"
    return f"{value:,.0f} replies written"


def network_figure() -> go.Figure:
    """An empty network figure with its five traces: links both ways, links one way, members, the
    brand, and accounts taken out. Fill it with :func:`fill_network`."""
    fig = go.Figure([
        go.Scatter(name="reply link, both ways", mode="lines", hoverinfo="skip",
                   line={"color": COLOURS["conversation"], "width": 1.6}, opacity=0.55),
        go.Scatter(name="reply link, one way", mode="lines", hoverinfo="skip",
                   line={"color": _GREY, "width": 0.8, "dash": "dot"}, opacity=0.6),
        go.Scatter(name="member", mode="markers+text", textposition="top center",
                   textfont={"size": 11},
                   marker={"color": COLOURS["conversation"], "line": {"color": "white", "width": 1}},
                   hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(name="the brand", mode="markers+text", textposition="middle center",
                   textfont={"size": 11, "color": "black"},
                   marker={"color": COLOURS["highlight"], "line": {"color": "black", "width": 1}},
                   hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(name="taken out", mode="markers", hovertemplate="%{hovertext}<extra></extra>",
                   marker={"symbol": "x-thin-open", "size": 14, "color": _GREY,
                           "line": {"width": 2, "color": _GREY}}),
    ])
    fig.update_layout(
        template=register_template(), height=600, margin={"t": 115, "b": 110, "l": 20, "r": 20},
        xaxis={"visible": False, "range": [-1.75, 1.75]},
        yaxis={"visible": False, "range": [-1.45, 1.45], "scaleanchor": "x"},
        legend={"orientation": "v", "y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "top",
                "bgcolor": "rgba(255,255,255,0.8)", "font": {"size": 12}},
        annotations=[{"text": "", "showarrow": False, "xref": "paper", "yref": "paper", "x": 0,
                      "y": -0.13, "xanchor": "left", "align": "left", "font": {"size": 12}}],
    )
    return fig


def _lines(segments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of line segments for one trace, each segment ended by a gap (NaN, sent as null)."""
    gap = np.full((len(segments), 1), np.nan)
    xs = np.hstack([segments[:, [0]], segments[:, [2]], gap]).ravel()
    ys = np.hstack([segments[:, [1]], segments[:, [3]], gap]).ravel()
    return xs, ys


def _label_side(x: float, y: float) -> str:
    """Where a label goes so that it points away from the centre of the ring. Near the top and the
    bottom of the ring the label leans to its own side, so two neighbours either side of the middle
    do not write over each other."""
    if abs(x) < 0.35:
        return f"{'top' if y >= 0 else 'bottom'} {'right' if x >= 0 else 'left'}"
    return "middle right" if x > 0 else "middle left"


def network_note(state: CommunityState, picture: Drawing, measure: str) -> str:
    """The words under the network: what is drawn, and what is summarised."""
    drawn = len(picture.nodes) - int(picture.nodes["brand"].sum())
    if picture.nodes["brand"].any():
        spokes = (f"<br>Of those, {picture.brand_only:,} exchanged replies with the brand and no "
                  "one else (the spokes of the hub).")
    elif picture.alone:
        spokes = f"<br>Of those, {picture.alone:,} have no one left to talk to."
    else:
        spokes = ""
    return (f"Drawn: {'the brand and ' if picture.nodes['brand'].any() else ''}{drawn} members, "
            f"those in the top {DRAWN_MEMBERS} on any of the three measures.<br>Not drawn: "
            f"{picture.hidden_accounts:,} accounts; {pct(picture.hidden_share)} of the window's "
            f"replies involve none of the drawn accounts.{spokes}<br>Node area: "
            f"{MEASURES[measure]}. Members sit on a ring, next to those they reply to most.")


def fill_network(fig: go.Figure, state: CommunityState, picture: Drawing, measure: str,
                 title: str) -> None:
    """Put ``picture`` (a :func:`~widgets.models.community.drawing`) into a figure made by
    :func:`network_figure`, in place."""
    both, one, members, brand, taken = fig.data
    x, y = _lines(picture.both_ways)
    both.update(x=x, y=y)
    x, y = _lines(picture.one_way)
    one.update(x=x, y=y)
    nodes = picture.nodes
    sizes = np.asarray(node_sizes(nodes["value"].to_numpy()))
    hover = np.array([f"{_short(a)}<br>{_value_text(measure, v)}"
                      for a, v in zip(nodes["account"], nodes["value"], strict=True)], dtype=object)
    is_brand = nodes["brand"].to_numpy(dtype=bool)
    labels = np.where(nodes["rank"].to_numpy() <= LABELLED, nodes["account"].to_numpy(dtype=object), "")
    xs, ys = nodes["x"].to_numpy(), nodes["y"].to_numpy()
    members.update(x=xs[~is_brand], y=ys[~is_brand], marker_size=sizes[~is_brand],
                   hovertext=hover[~is_brand], text=labels[~is_brand],
                   textposition=[_label_side(x, y) for x, y in zip(xs[~is_brand], ys[~is_brand],
                                                                   strict=True)])
    brand.update(x=xs[is_brand], y=ys[is_brand], marker_size=sizes[is_brand],
                 hovertext=hover[is_brand], text=np.array(["brand"] * int(is_brand.sum()), dtype=object))
    gone = picture.taken_out
    taken.update(x=gone["x"].to_numpy(dtype=float), y=gone["y"].to_numpy(dtype=float),
                 hovertext=np.array([f"{_short(a)}: taken out" for a in gone["account"]], dtype=object),
                 showlegend=bool(len(gone)))
    fig.layout.annotations[0].text = network_note(state, picture, measure) if len(nodes) else ""
    fig.layout.title.text = title


# ----------------------------------------------------------------------------- the numbers


def concentration_title(state: CommunityState) -> str:
    top = TOP_FRACTIONS_FIRST
    if math.isnan(state.top_shares.get(top, math.nan)):
        return "No member replies to share out"
    return (f"The top 1% ({state.top_counts[top]:,} of {state.members:,} members)<br>wrote "
            f"{pct(state.top_shares[top])} of the members' replies")



def stability_title(state: CommunityState) -> str:
    st = state.stability
    if st is None:
        return "No ranking to resample"
    return (f"Replies resampled {st.samples} times: the top {st.top}<br>keep "
            f"{pct(st.overlap)} of their places (chance: {pct(st.chance, 1)})")


def funnel_title(funnel: pd.DataFrame) -> str:
    posted = int(funnel.loc["posted", "ideas"])
    if posted == 0:
        return "No idea was posted in this window"
    unanswered = 1 - funnel.loc["answered", "share_of_posted"]
    return (f"{pct(funnel.loc['shipped', 'share_of_posted'], 1)} of {posted:,} ideas shipped;<br>"
            f"{pct(unanswered)} never got an answer")


def numbers_figure() -> go.Figure:
    """Three panels: the top members' share of replies (with an equal share for reference), how
    often the top members by replies written stay on top when the replies are resampled, and the
    idea funnel. Fill it with :func:`fill_numbers`."""
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.17,
                        subplot_titles=(" ", " ", " "), column_widths=[0.26, 0.37, 0.37])
    fig.add_trace(go.Bar(name="share written by the top members", marker_color=PALETTE[0],
                         textposition="outside", cliponaxis=False, showlegend=False,
                         hovertemplate="%{x}: %{y:.1f}% of the members' replies<extra></extra>"),
                  row=1, col=1)
    fig.add_trace(go.Scatter(name="if every member wrote as much", mode="markers",
                             marker={"symbol": "line-ew-open", "size": 26, "color": "black",
                                     "line": {"width": 3}},
                             hovertemplate="equal share: %{y:.0f}%<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(name="stays in the top", orientation="h", marker_color=PALETTE[2],
                         showlegend=False,
                         hovertemplate="%{y}: in the top in %{x:.0f}% of resamples<extra></extra>"),
                  row=1, col=2)
    fig.add_trace(go.Bar(name="ideas", orientation="h", marker_color=PALETTE[1], showlegend=False,
                         textposition="outside", textangle=0, cliponaxis=False,
                         hovertemplate="%{y}: %{x:,} ideas<extra></extra>"), row=1, col=3)
    fig.update_layout(template=register_template(), height=420, margin={"t": 90, "b": 110, "l": 75},
                      legend={"orientation": "h", "y": -0.3, "x": 0.0}, bargap=0.3,
                      font={"size": 12})
    fig.update_yaxes(title_text="share of the members' replies (%)", ticksuffix="%", row=1, col=1)
    fig.update_xaxes(title_text="members (by replies written)", row=1, col=1)
    fig.update_xaxes(title_text="resamples still in the top (%)", range=[0, 100],
                     ticksuffix="%", row=1, col=2)
    fig.update_yaxes(autorange="reversed", type="category", tickfont={"size": 10}, row=1, col=2)
    fig.update_xaxes(title_text="ideas (count)", row=1, col=3)
    fig.update_yaxes(autorange="reversed", type="category", row=1, col=3)
    fig.update_xaxes(title_font={"size": 12}, tickfont={"size": 11})
    fig.update_yaxes(title_font={"size": 12})
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 12}
    return fig


def fill_numbers(fig: go.Figure, state: CommunityState, funnel: pd.DataFrame) -> None:
    """Put one window's numbers into a figure made by :func:`numbers_figure`, in place."""
    shares, equal, stay, ideas = fig.data
    labels = [f"top {100 * f:.0f}%" for f in state.top_shares]
    values = [100 * v if not math.isnan(v) else 0.0 for v in state.top_shares.values()]
    shares.x, shares.y = labels, values
    shares.text = [pct(v / 100) for v in values]
    equal.x = labels
    equal.y = [100 * f for f in state.top_shares]
    top = max([*values, 10.0])
    fig.layout.yaxis.range = [0, min(100, top * 1.25)]
    if state.stability is not None:
        stay.y = list(state.stability.stay.index)
        stay.x = [100 * float(v) for v in state.stability.stay]
    else:
        stay.x, stay.y = [], []
    ideas.y = [FUNNEL[s] for s in funnel.index]
    ideas.x = [int(v) for v in funnel["ideas"]]
    ideas.text = [pct(v, 1) if v < 0.1 else pct(v) for v in funnel["share_of_posted"].fillna(0)]
    fig.layout.xaxis3.range = [0, max(1, int(funnel["ideas"].max())) * 1.3]
    fig.layout.annotations[0].text = concentration_title(state)
    fig.layout.annotations[1].text = stability_title(state)
    fig.layout.annotations[2].text = funnel_title(funnel)


# ----------------------------------------------------------------------------- the guess


def guess_title(guess: float, share: float | None, top: int, members: int) -> str:
    if share is None:
        return (f"Your guess: the top 1% of members write {guess:.0f}% of the members' replies"
                "<br>(if everyone wrote as much, it would be 1%)")
    return (f"The top 1% ({top:,} of {members:,} members) wrote {pct(share)} of the members' "
            f"replies<br>You guessed {guess:.0f}%; an equal share would be 1%")


def guess_figure(guess: float, share: float | None, top: int, members: int) -> go.Figure:
    """Bars: an equal share (1%), the learner's guess and, once revealed (``share`` not None), what
    the data says. Values are percents."""
    names = ["if every member wrote as much", "your guess", "the data"]
    values = [1.0, float(guess), 100 * share if share is not None else 0.0]
    colours = [COLOURS["neutral"], PALETTE[1], PALETTE[0]]
    text = ["1%", f"{guess:.0f}%", pct(share) if share is not None else "?"]
    fig = go.Figure(go.Bar(x=names, y=values, marker_color=colours, text=text,
                           textposition="outside", cliponaxis=False,
                           hovertemplate="%{x}: %{y:.1f}%<extra></extra>"))
    fig.update_layout(template=register_template(), height=380, margin={"t": 105},
                      title=guess_title(guess, share, top, members),
                      yaxis={"title": "share of the members' replies (%)",
                             "range": [0, 105], "ticksuffix": "%"},
                      xaxis={"title": "the top 1% of members (by replies written)"})
    return fig


def fill_guess(fig: go.Figure, guess: float, share: float | None, top: int, members: int) -> None:
    """Refill a :func:`guess_figure` in place."""
    bars = fig.data[0]
    bars.y = [1.0, float(guess), 100 * share if share is not None else 0.0]
    bars.text = ["1%", f"{guess:.0f}%", pct(share) if share is not None else "?"]
    fig.layout.title.text = guess_title(guess, share, top, members)
