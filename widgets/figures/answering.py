"""Figures for lesson 06: what customers expect and brands do, first-response times, the reply
effect by speed, a rule chosen on one year and judged on the next, the reply desk, the queue.

Each function returns a plotly figure and never shows it; every title is computed from the data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..models.answering import (
    ARISE_2017,
    LITHIUM_2013,
    OUTCOMES,
    PRACTICE,
    RULES,
    SPEED_BANDS,
    TWITTER_AMS_2015,
    DeskOutcome,
    HeldOut,
    QueueSelection,
)
from ..models.listening import ALL_TWEETS, period_label
from ..style import COLOURS, PALETTE, register_template


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def _money(x: float, digits: int | None = None) -> str:
    if math.isnan(x):
        return "n/a"
    digits = (2 if abs(x) < 10 else 0) if digits is None else digits
    return f"+${x:,.{digits}f}".replace("+$-", "-$")


# ----------------------------------------------------------------------------- expectations and practice


def expectations_title() -> str:
    """E.g. "Customers: 50-53% expect a reply within an hour; brands answered 11-38% of messages"."""
    expect = [LITHIUM_2013["any tweet"], ARISE_2017["within an hour"]]
    answered = [share for _s, _w, share, _h in PRACTICE]
    return (f"Customers: {_pct(min(expect))}-{_pct(max(expect))} expect a reply within an hour;"
            f"<br>brands answered {_pct(min(answered))}-{_pct(max(answered))} of messages at all")


def expectations_figure() -> go.Figure:
    """REAL figures: what customers say they expect (a reply within an hour) beside what brands
    were counted doing (the share of messages they answered at all). Two different measures,
    kept in two colours; each bar is labelled with its source and what it counted."""
    expect = [
        ("Lithium / Millward Brown Digital 2013:<br>tweeting at a brand", LITHIUM_2013["any tweet"]),
        ("Lithium / Millward Brown Digital 2013:<br>a complaint", LITHIUM_2013["a complaint"]),
        ("Arise / Google Consumer Survey 2017:<br>using social media for service",
         ARISE_2017["within an hour"]),
    ]
    practice = [(f"{source}:<br>{what}", share) for source, what, share, _h in PRACTICE]
    fig = go.Figure([
        go.Bar(y=[n for n, _ in expect], x=[round(100 * v, 1) for _, v in expect], orientation="h",
               name="customers who expect a reply within an hour", marker_color=PALETTE[0],
               text=[_pct(v, 1 if 100 * v % 1 else 0) for _, v in expect], textposition="outside",
               hovertemplate="%{y}: %{x:.1f}%<extra></extra>"),
        go.Bar(y=[n for n, _ in practice], x=[round(100 * v, 1) for _, v in practice], orientation="h",
               name="messages brands answered (at all)", marker_color=PALETTE[5],
               text=[_pct(v, 1 if 100 * v % 1 else 0) for _, v in practice], textposition="outside",
               hovertemplate="%{y}: %{x:.1f}%<extra></extra>"),
    ])
    fig.update_layout(template=register_template(), height=460, margin={"t": 90, "b": 110, "l": 330},
                      title=expectations_title(),
                      xaxis={"title": "share (%; each bar is its own survey or count)", "range": [0, 100],
                             "ticksuffix": "%"},
                      yaxis={"autorange": "reversed"},
                      legend={"orientation": "h", "y": -0.2, "yanchor": "top"})
    return fig


# ----------------------------------------------------------------------------- first-response times


def response_time_title(summary: pd.DataFrame) -> str:
    row = summary.iloc[0]
    return (f"Half the answered threads waited up to {row['median']:.0f} minutes, one in ten over "
            f"{row['p90']:.0f};<br>{_pct(1 - row['share_answered'])} of {int(row['threads']):,} threads "
            f"were never answered (the mean wait, {row['mean']:.0f} minutes, describes nobody)")


def response_time_figure(threads: pd.DataFrame, summary: pd.DataFrame) -> go.Figure:
    """The share of answered threads answered within x minutes (log scale), with the median, the
    90th percentile, the mean and the one-hour line marked. ``summary``: the overall row of
    :func:`~widgets.models.answering.first_response_summary`."""
    minutes = np.sort(threads["first_response_minutes"].dropna().to_numpy(dtype=float))
    share = np.arange(1, len(minutes) + 1) / max(len(minutes), 1)
    keep = np.unique(np.r_[np.searchsorted(minutes, minutes, side="right") - 1])  # last of each tie
    row = summary.iloc[0]
    fig = go.Figure(go.Scatter(
        x=minutes[keep].round(1).tolist(), y=(100 * share[keep]).round(2).tolist(), mode="lines",
        line={"shape": "hv", "color": PALETTE[0], "width": 2}, name="answered threads",
        hovertemplate="within %{x} min: %{y:.1f}%<extra></extra>"))
    marks = ((row["median"], "median", PALETTE[2], "dash", 0.95),
             (60.0, "one hour", COLOURS["neutral"], "solid", 0.80),
             (row["mean"], "mean", PALETTE[7], "dot", 0.65),
             (row["p90"], "90th percentile", PALETTE[5], "dash", 0.50))
    for x, name, colour, dash, height in marks:
        fig.add_vline(x=float(x), line={"color": colour, "dash": dash, "width": 1.5})
        fig.add_annotation(x=math.log10(float(x)), y=100 * height, text=f"{name}: {x:.0f} min",
                           showarrow=False, xanchor="left", xshift=4, bgcolor="rgba(255,255,255,0.8)",
                           font={"size": 12})
    fig.update_layout(template=register_template(), height=440, margin={"t": 100, "b": 70},
                      title=response_time_title(summary), showlegend=False,
                      xaxis={"title": "minutes to the first reply (log scale)", "type": "log"},
                      yaxis={"title": "answered threads answered that fast (%)", "range": [0, 101],
                             "ticksuffix": "%"})
    return fig


# ----------------------------------------------------------------------------- the reply effect by speed

_UNITS = {"later_spend_usd": "USD per customer", "sentiment_change": "points of sentiment",
          "resolved": "percentage points"}


def _scaled(outcome: str, x: float) -> float:
    return 100 * x if outcome == "resolved" else x


def effect_title(table: pd.DataFrame, outcome: str) -> str:
    first, last = SPEED_BANDS[0][2], SPEED_BANDS[-2][2]
    f, s = table.loc[first, "gain"], table.loc[last, "gain"]
    if outcome == "later_spend_usd":
        return (f"Later spend over no reply: {_money(f)} for a reply {first}, {_money(s)} at "
                f"{last}<br>(synthetic threads; the effect is built in)")
    what = OUTCOMES[outcome]
    return (f"{what.capitalize()} over no reply: {_scaled(outcome, f):+.2f} {first}, "
            f"{_scaled(outcome, s):+.2f} at {last}")


def effect_by_speed_figure(table: pd.DataFrame, outcome: str = "later_spend_usd",
                           real: bool = True) -> go.Figure:
    """The gain over never-answered threads (with its 95% bootstrap interval and n) for each
    reply-speed band and for any reply; ``table`` from
    :func:`~widgets.models.answering.effect_by_speed`. With ``real`` and spend, Twitter's airline
    figures are drawn beside it as hollow diamonds: real, but what people said they would pay on
    a fare, not what they spent."""
    names = [b[2] for b in SPEED_BANDS] + ["any reply"]
    t = table.reindex(names)
    ticks = {name: f"{name}<br>n = {int(n):,}" for name, n in zip(names, t["n"], strict=True)}
    scale = 100 if outcome == "resolved" else 1
    fig = go.Figure(go.Scatter(
        x=[ticks[n] for n in names], y=(scale * t["gain"]).round(3).tolist(), mode="markers",
        name="our threads (synthetic, built in), 95% interval", marker={"color": PALETTE[0], "size": 12},
        error_y={"type": "data", "symmetric": False,
                 "array": (scale * (t["high"] - t["gain"])).round(3).tolist(),
                 "arrayminus": (scale * (t["gain"] - t["low"])).round(3).tolist()},
        hovertemplate="%{x}: %{y:.2f}<extra></extra>"))
    if real and outcome == "later_spend_usd":
        where = {"reply within 6 minutes": SPEED_BANDS[0][2], "reply after an hour": SPEED_BANDS[3][2],
                 "any reply": "any reply"}
        fig.add_trace(go.Scatter(
            x=[ticks[where[k]] for k in TWITTER_AMS_2015], y=list(TWITTER_AMS_2015.values()),
            mode="markers", name="Twitter / AMS 2015, airlines (real; stated, on a fare)",
            marker={"color": PALETTE[1], "size": 13, "symbol": "diamond-open", "line": {"width": 2}},
            hovertemplate="%{x}: $%{y} (Twitter / AMS 2015)<extra></extra>"))
    fig.add_hline(y=0, line={"color": PALETTE[7], "dash": "dot"},
                  annotation_text="never answered (the baseline)", annotation_position="bottom left")
    fig.update_layout(template=register_template(), height=460, margin={"t": 95, "b": 120},
                      title=effect_title(table, outcome),
                      xaxis={"title": "time to the first reply", "type": "category"},
                      yaxis={"title": f"gain over no reply<br>({_UNITS[outcome]})"},
                      legend={"orientation": "h", "y": -0.25, "yanchor": "top"})
    return fig


# ----------------------------------------------------------------------------- a rule, held out


def held_out_title(h: HeldOut) -> str:
    return (f"Chosen by {h.by.replace('_', ' ')} on the 2024 threads: '{h.chosen}' "
            f"({_money(h.chosen_fit, 1)});<br>in 2025 it gained {_money(h.chosen_test, 1)}, any thread "
            f"{_money(h.overall_test.estimate, 1)}")


def held_out_figure(h: HeldOut, fit: int = 2024, test: int = 2025) -> go.Figure:
    """Each group's gain from a fast reply in the fit year and in the test year (a dumbbell), the
    chosen group highlighted, and the test year's gain for any thread (with its interval) as the
    baseline the rule must beat."""
    t = h.table.sort_values("fit_gain")
    groups = list(t.index)
    fig = go.Figure()
    for g in groups:
        fig.add_trace(go.Scatter(x=[t.loc[g, "fit_gain"], t.loc[g, "test_gain"]], y=[g, g], mode="lines",
                                 line={"color": COLOURS["neutral"], "width": 2}, showlegend=False,
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=t["fit_gain"].round(2).tolist(), y=groups, mode="markers",
                             name=f"{fit} (where the rule is chosen)",
                             marker={"color": PALETTE[5], "size": 11, "symbol": "circle-open",
                                     "line": {"width": 2}},
                             text=[f"n = {n}" for n in t["fit_n"]],
                             hovertemplate="%{y}, " + str(fit) + ": %{x:.1f} (%{text})<extra></extra>"))
    fig.add_trace(go.Scatter(x=t["test_gain"].round(2).tolist(), y=groups, mode="markers",
                             name=f"{test} (held out: where it is judged)",
                             marker={"color": PALETTE[0], "size": 11},
                             text=[f"n = {n}" for n in t["test_n"]],
                             hovertemplate="%{y}, " + str(test) + ": %{x:.1f} (%{text})<extra></extra>"))
    o = h.overall_test
    fig.add_vrect(x0=o.low, x1=o.high, fillcolor=PALETTE[0], opacity=0.1, line_width=0)
    fig.add_vline(x=o.estimate, line={"color": PALETTE[0], "dash": "dot"},
                  annotation_text=f"any thread, {test}: {_money(o.estimate)} (95% interval shaded)",
                  annotation_position="top")
    fig.update_layout(template=register_template(), height=250 + 40 * len(groups),
                      margin={"t": 110, "b": 130},
                      title=held_out_title(h),
                      xaxis={"title": f"later spend, reply within {h.within:g} minutes minus no reply "
                                      "(USD per customer)"},
                      yaxis={"title": h.by.replace("_", " "), "type": "category",
                             "categoryorder": "array", "categoryarray": groups},
                      legend={"orientation": "h", "y": -0.35, "yanchor": "top"})
    for i, g in enumerate(groups):
        if g == h.chosen:
            fig.data[i].line.color = COLOURS["highlight"]
            fig.data[i].line.width = 5
    return fig


# ----------------------------------------------------------------------------- the reply desk

_DESK_ROWS = ("no replies", "as the brand did", "your desk")
_PANELS = (("later_spend_usd", "later spend<br>(USD per customer, 90 days)", 1),
           ("sentiment_change", "sentiment change<br>(after - before)", 1),
           ("resolved", "resolved<br>(% of threads)", 100))


def desk_title(o: DeskOutcome) -> str:
    if o.problem:
        return "Your desk: nothing to estimate (see the sentence below)"
    g = o.gains["later_spend_usd"]
    s = o.gains["sentiment_change"]
    return (f"Your desk: {_money(g.value)} later spend per customer over no replies "
            f"(95%: {_money(g.low)} to {_money(g.high)}),<br>sentiment {s.value:+.2f}; "
            f"{o.unanswered:,} of {o.threads:,} threads unanswered")


def _desk_values(o: DeskOutcome) -> list[tuple[list[float | None], list[float | None], list[float | None]]]:
    out = []
    for key, _title, scale in _PANELS:
        rows = [o.baselines.get("no replies", {}).get(key), o.baselines.get("as the brand did", {}).get(key),
                None if o.problem else o.estimates.get(key)]
        value = [None if e is None else round(scale * e.value, 4) for e in rows]
        plus = [None if e is None else round(scale * (e.high - e.value), 4) for e in rows]
        minus = [None if e is None else round(scale * (e.value - e.low), 4) for e in rows]
        out.append((value, plus, minus))
    return out


def desk_figure(o: DeskOutcome) -> go.Figure:
    """Three panels (later spend, sentiment change, share resolved), each with three rows: no
    replies (the baseline, dotted line), what the brand did, and the desk's setting; each a
    point with its 95% bootstrap interval."""
    fig = go.Figure()
    width = 1 / len(_PANELS)
    colours = (PALETTE[7], COLOURS["neutral"], PALETTE[0])
    for i, (_key, title, _scale) in enumerate(_PANELS):
        axis = "" if i == 0 else str(i + 1)
        fig.add_trace(go.Scatter(y=list(_DESK_ROWS), mode="markers", xaxis=f"x{axis}", yaxis="y",
                                 marker={"color": list(colours), "size": 13,
                                         "symbol": ["square", "circle", "diamond"]},
                                 error_x={"type": "data", "symmetric": False},
                                 showlegend=False, hovertemplate="%{y}: %{x}<extra></extra>"))
        fig.add_trace(go.Scatter(mode="lines", xaxis=f"x{axis}", yaxis="y", showlegend=False,
                                 line={"color": PALETTE[7], "dash": "dot", "width": 1}, hoverinfo="skip"))
        domain = [i * width + 0.03, (i + 1) * width - 0.03]
        fig.layout[f"xaxis{axis}"] = {"domain": domain, "title": {"text": title}, "zeroline": True,
                                      "automargin": True}
    fig.update_layout(template=register_template(), height=360, margin={"t": 95, "b": 90, "l": 130},
                      yaxis={"title": "desk", "categoryorder": "array",
                             "categoryarray": list(_DESK_ROWS)[::-1]})
    fill_desk(fig, o)
    return fig


def fill_desk(fig: go.Figure, o: DeskOutcome) -> None:
    """Put ``o`` into a figure made by :func:`desk_figure` (in place)."""
    for i, (value, plus, minus) in enumerate(_desk_values(o)):
        points, line = fig.data[2 * i], fig.data[2 * i + 1]
        points.x = value
        points.error_x.array = plus
        points.error_x.arrayminus = minus
        base = value[0]
        line.x = [base, base] if base is not None else []
        line.y = [_DESK_ROWS[0], _DESK_ROWS[-1]] if base is not None else []
    fig.layout.title.text = desk_title(o)


# ----------------------------------------------------------------------------- the queue on real tweets


#: What a reply queue's rules count, in a sentence: "{n} of {m} questions {phrase}".
QUEUE_PHRASES = {"every message": "asked for an answer",
                 "not answered within the hour": "were not answered within the hour",
                 "never answered": "were never answered"}


def _counted(s: QueueSelection) -> str:
    """What the blue bars count: "needed an answer" (tweets, by a rule) or a reply queue's rule."""
    return "needed an answer" if s.answered is None else QUEUE_PHRASES.get(s.rule, s.rule)


def queue_title(s: QueueSelection, label: str | None = None) -> str:
    words = s.words
    who = words.who(s.airline, ALL_TWEETS, label)
    if s.problem:
        return f"{who}: nothing to show"
    load = s.load
    unit = words.unit
    return (f"{who}: {s.need:,} of {s.tweets:,} {_counted(s)} ({_pct(s.need / s.tweets)});<br>"
            f"at the peak, {period_label(load.peak_hour, unit)}, {load.peak} in one {unit} "
            f"(median {unit}: {load.median:.0f})")


def queue_figure(s: QueueSelection, label: str | None = None) -> go.Figure:
    """Per hour: tweets that needed an answer under the selection's rule (blue) stacked under the
    other tweets (grey), and a dotted line at the median hour's count of tweets needing an answer.
    A reply queue's selection (``s.answered`` set): per period, in its own words, the messages
    its rule counts (blue) and the others (grey)."""
    words, counted = s.words, _counted(s)
    fig = go.Figure([
        go.Bar(name=f"{counted} (the rule)", marker_color=PALETTE[0], marker_line_width=0,
               hovertemplate=f"%{{x}}: %{{y}} {counted}<extra></extra>"),
        go.Bar(name=f"other {words.items}", marker_color=COLOURS["neutral"], marker_line_width=0,
               hovertemplate=f"%{{x}}: %{{y}} other {words.items}<extra></extra>"),
        go.Scatter(mode="lines", name=f"median {words.unit} ({counted})",
                   line={"color": PALETTE[7], "dash": "dot", "width": 1.5}, hoverinfo="skip"),
    ])
    fig.update_layout(template=register_template(), barmode="stack", bargap=0.05, height=440,
                      margin={"t": 95, "b": 130},
                      xaxis={"title": f"{words.unit} ({words.time_zone})", "type": "date"},
                      yaxis={"title": f"{words.items} per {words.unit} (count)", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.3, "yanchor": "top"})
    fill_queue(fig, s, label)
    return fig


def fill_queue(fig: go.Figure, s: QueueSelection, label: str | None = None) -> None:
    """Put ``s`` into a figure made by :func:`queue_figure` (in place)."""
    x = [f"{h:%Y-%m-%d %H:%M}" if s.words.unit == "hour" else f"{h:%Y-%m-%d}" for h in s.hours]
    need = [int(v) for v in s.need_per_hour]
    other = [int(t - n) for t, n in zip(s.tweets_per_hour, s.need_per_hour, strict=True)]
    fig.data[0].x, fig.data[0].y = x, need
    fig.data[1].x, fig.data[1].y = x, other
    if x:
        median = float(np.median(need))
        fig.data[2].x, fig.data[2].y = [x[0], x[-1]], [median, median]
    else:
        fig.data[2].x, fig.data[2].y = [], []
    if s.answered is None:
        fig.data[0].name = f"needed an answer ({s.rule})" if s.rule in RULES else "needed an answer"
    else:
        fig.data[0].name = f"{_counted(s)} ({s.rule})"
        fig.data[2].name = f"median {s.words.unit} ({_counted(s)})"
    fig.layout.title.text = queue_title(s, label)
