"""Figures for lesson 05: volume and spikes, one day's hours, a tool against people, complaints.

Each function returns a plotly figure and never shows it; every title is computed from the data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..models.listening import (
    DAILY,
    PUBLISHED_VADER_F1,
    SENTIMENTS,
    SOURCES,
    TIME_ZONE,
    Agreement,
    Selection,
    SpikeRule,
    period_label,
)
from ..style import COLOURS, PALETTE, register_template

#: Sentiment colours: negative vermillion, neutral grey, positive bluish green (Okabe-Ito).
SENTIMENT_COLOURS = {"negative": COLOURS["bad"], "neutral": COLOURS["neutral"],
                     "positive": COLOURS["good"]}


def _pct(x: float, digits: int = 0) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{digits}f}%"


def _day(day: pd.Timestamp | None) -> str:
    return "?" if day is None else f"{day:%b} {day.day}"


def _range(selection: Selection) -> str:
    if selection.start is None or selection.end is None:
        return ""
    if selection.start == selection.end:
        return _day(selection.start)
    return f"{_day(selection.start)}-{selection.end.day}" if selection.start.month == \
        selection.end.month else f"{_day(selection.start)} to {_day(selection.end)}"


def who(selection: Selection, airline_label: str | None = None) -> str:
    """E.g. "Tweets to United, reason 'Late Flight'" or "All tweets" (in the selection's words)."""
    return selection.words.who(selection.airline, selection.reason, airline_label)


def _plural(n: int, unit: str) -> str:
    return f"1 {unit}" if n == 1 else f"{n} {unit}s"


# ----------------------------------------------------------------------------- volume and spikes


def volume_title(selection: Selection, airline_label: str | None = None) -> str:
    """What the volume chart shows, in one line (two with the <br>)."""
    if selection.problem:
        return f"{who(selection, airline_label)}: nothing to show"
    words = selection.words
    what = (f"all {words.items}" if selection.alert == "all"
            else f"negative {words.items} ({SOURCES[selection.source]})")
    flagged = selection.flagged
    head = f"{who(selection, airline_label)}, {_range(selection)}: {selection.tweets:,} {words.items}"
    if flagged.empty:
        return f"{head};<br>the spike rule on {what} flags no {words.unit}"
    top = flagged.iloc[0]
    return (f"{head};<br>the rule on {what} flags {_plural(len(flagged), words.unit)}; the largest, "
            f"{period_label(flagged.index[0], words.unit)}, had {int(top['count']):,} "
            f"(limit {top['limit']:.0f})")


def _x(selection: Selection, hours: pd.DatetimeIndex) -> list[str]:
    return [f"{h:%Y-%m-%d %H:%M}" if selection.words.unit == "hour" else f"{h:%Y-%m-%d}" for h in hours]


def _volume_traces(selection: Selection) -> list[dict]:
    x = _x(selection, selection.hours)
    traces = []
    for s in SENTIMENTS:
        traces.append({"x": x, "y": selection.by_sentiment[s].astype(int).tolist() if len(x) else [],
                       "name": f"{s} ({SOURCES[selection.source]})"})
    rule = selection.rule
    baseline = [None if math.isnan(v) else round(float(v), 2) for v in rule["baseline"]]
    limit = [None if math.isnan(v) else round(float(v), 2) for v in rule["limit"]]
    flagged = rule[rule["spike"]]
    window = f"{selection.spike_rule.window} {selection.spike_rule.unit}s"
    traces.append({"x": x, "y": baseline, "name": f"baseline: median of the {window} before"})
    traces.append({"x": x, "y": limit, "name": "spike limit"})
    traces.append({"x": _x(selection, flagged.index),
                   "y": flagged["count"].astype(int).tolist(), "name": "spike (the rule's count)"})
    return traces


def volume_figure(selection: Selection, airline_label: str | None = None) -> go.Figure:
    """Tweets per hour stacked by sentiment (from the selection's source), the spike rule's
    baseline and limit, and a marker on each flagged hour (see ListeningCube.select)."""
    fig = go.Figure()
    for s in SENTIMENTS:
        fig.add_trace(go.Bar(marker_color=SENTIMENT_COLOURS[s], marker_line_width=0,
                             hovertemplate="%{x}: %{y} " + s + "<extra></extra>"))
    fig.add_trace(go.Scatter(mode="lines", line={"color": PALETTE[7], "dash": "dot", "width": 1.5},
                             hovertemplate="%{x}: baseline %{y:.1f}<extra></extra>", connectgaps=False))
    fig.add_trace(go.Scatter(mode="lines", line={"color": PALETTE[0], "width": 1.5},
                             hovertemplate="%{x}: limit %{y:.1f}<extra></extra>", connectgaps=False))
    fig.add_trace(go.Scatter(mode="markers", marker={"color": COLOURS["highlight"], "size": 11,
                                                     "symbol": "triangle-down",
                                                     "line": {"color": "black", "width": 1}},
                             hovertemplate="%{x}: spike, %{y} counted<extra></extra>"))
    fig.update_layout(
        template=register_template(), barmode="stack", bargap=0.05, height=480,
        margin={"t": 95, "b": 150},
        xaxis={"title": f"{selection.words.unit} ({selection.words.time_zone})", "type": "date"},
        yaxis={"title": f"{selection.words.items} per {selection.words.unit} (count)",
               "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
    )
    fill_volume(fig, selection, airline_label)
    return fig


def fill_volume(fig: go.Figure, selection: Selection, airline_label: str | None = None) -> None:
    """Put ``selection`` into a figure made by :func:`volume_figure` (in place).

    The hours (x) of the bars and lines are a contiguous hourly range: they are assigned only when
    the range changed (each assignment is validated by plotly, and most moves keep the dates).
    """
    for i, (trace, values) in enumerate(zip(fig.data, _volume_traces(selection), strict=True)):
        x = values["x"]
        old = trace.x
        if i < len(SENTIMENTS) + 2 and old is not None and len(old) == len(x) and (
                not x or (old[0] == x[0] and old[-1] == x[-1])):
            values = {k: v for k, v in values.items() if k != "x"}
        trace.update(values)
    fig.layout.title.text = volume_title(selection, airline_label)


# ----------------------------------------------------------------------------- one day, hour by hour


def day_title(label: str, day: pd.Timestamp, counts: pd.Series, usual: pd.Series) -> str:
    """E.g. "Tweets to Delta on Mon Feb 23: at 11:00, 82 tweets, 4.6 times the usual for that hour"."""
    if counts.sum() == 0:
        return f"No tweets to {label} on {day:%a %b} {day.day}"
    peak = counts.idxmax()
    ratio = counts[peak] / usual[peak] if usual.get(peak, 0) else math.inf
    times = "more than any other day" if math.isinf(ratio) else f"{ratio:.1f} times the usual"
    return (f"Tweets to {label} on {day:%a %b} {day.day}: at {peak:%H:%M}, {int(counts[peak])} "
            f"tweets,<br>{times} for that hour ({usual.get(peak, 0):.0f})")


def day_figure(label: str, day: pd.Timestamp, counts: pd.Series, usual: pd.Series) -> go.Figure:
    """Bars: one day's tweets per hour; a line: the usual count for each hour (the median of the
    same hour on the other days). ``counts`` and ``usual`` are indexed by the hour's start."""
    x = [f"{h:%H:%M}" for h in counts.index]
    fig = go.Figure([
        go.Bar(x=x, y=counts.astype(int).tolist(), name=f"{day:%b} {day.day}",
               marker_color=COLOURS["highlight"], hovertemplate="%{x}: %{y} tweets<extra></extra>"),
        go.Scatter(x=x, y=[round(float(usual.get(h, 0)), 1) for h in counts.index], mode="lines+markers",
                   name="usual for that hour (median of the other days)",
                   line={"color": PALETTE[7], "dash": "dot"},
                   hovertemplate="%{x}: usually %{y}<extra></extra>"),
    ])
    fig.update_layout(template=register_template(), height=400, margin={"t": 90, "b": 120},
                      title=day_title(label, day, counts, usual),
                      xaxis={"title": f"hour of the day ({TIME_ZONE})", "type": "category"},
                      yaxis={"title": "tweets per hour (count)", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.3, "yanchor": "top"})
    return fig


# ----------------------------------------------------------------------------- a tool against people


def agreement_title(agreement: Agreement, what: str = "VADER") -> str:
    """E.g. "VADER agrees with people on 49% of 14,485 tweets; macro-F1 0.46 (its authors: 0.96)"."""
    return (f"{what} gives people's label to {_pct(agreement.accuracy)} of {agreement.n:,} tweets;"
            f"<br>macro-F1 {agreement.macro_f1:.2f} (its authors report {PUBLISHED_VADER_F1:.2f} "
            "on their own tweets)")


def confusion_figure(agreement: Agreement, what: str = "VADER") -> go.Figure:
    """The confusion matrix as a heatmap: rows people's label, columns the tool's; each cell shows
    its count and the share of the row (so a row's cells say where people's label went)."""
    m = agreement.confusion
    rows = m.to_numpy(dtype=float)
    totals = rows.sum(axis=1, keepdims=True)
    share = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
    text = [[f"{int(c):,}<br>{100 * s:.0f}% of row" for c, s in zip(r, sr, strict=True)]
            for r, sr in zip(rows, share, strict=True)]
    fig = go.Figure(go.Heatmap(
        z=(100 * share).round(1).tolist(), x=[f"{c}" for c in m.columns], y=[f"{r}" for r in m.index],
        text=text, texttemplate="%{text}", colorscale=[[0, "#ffffff"], [1, PALETTE[0]]], zmin=0, zmax=100,
        colorbar={"title": {"text": "% of people's<br>label"}, "ticksuffix": "%"},
        hovertemplate="people: %{y}, " + what + ": %{x}<br>%{z:.0f}% of the row<extra></extra>"))
    fig.update_layout(template=register_template(), height=420, margin={"t": 95},
                      title=agreement_title(agreement, what),
                      xaxis={"title": f"{what}'s label (compound >= 0.05 positive, <= -0.05 negative)",
                             "side": "bottom"},
                      yaxis={"title": "people's label", "autorange": "reversed"})
    return fig


# ----------------------------------------------------------------------------- shares by airline


def shares_title(table: pd.DataFrame, what: str, overall: float, name: str = "") -> str:
    top = table["share"].idxmax()
    low = table["share"].idxmin()
    by = f" by {name}" if name else ""
    return (f"{what}{by}: from {_pct(table.loc[low, 'share'])} ({low}) to "
            f"{_pct(table.loc[top, 'share'])} ({top});<br>all airlines: {_pct(overall)}")


def shares_figure(tables: dict[str, pd.DataFrame], what: str, overall: float,
                  x_title: str) -> go.Figure:
    """One dot per group and table (e.g. people's labels and VADER's), with its 95% interval, and a
    reference line at ``overall``, the overall share by the *first* table's measure. Tables come
    from negative_share or reason_shares; the title describes the first table."""
    fig = go.Figure()
    first_name, first = next(iter(tables.items()))
    order = list(first.sort_values("share").index)
    for i, (name, table) in enumerate(tables.items()):
        t = table.reindex(order)
        fig.add_trace(go.Scatter(
            x=(100 * t["share"]).round(1).tolist(), y=order, mode="markers", name=name,
            marker={"color": PALETTE[[5, 0, 2][i % 3]], "size": 11,
                    "symbol": ["circle", "diamond", "square"][i % 3]},
            error_x={"type": "data", "symmetric": False,
                     "array": (100 * (t["high"] - t["share"])).round(2).tolist(),
                     "arrayminus": (100 * (t["share"] - t["low"])).round(2).tolist()},
            hovertemplate="%{y}: %{x:.1f}%<extra>" + name + "</extra>"))
    fig.add_vline(x=100 * overall, line={"color": PALETTE[7], "dash": "dot"},
                  annotation_text=f"all airlines, {first_name}: {_pct(overall)}",
                  annotation_position="top")
    fig.update_layout(template=register_template(), height=420, margin={"t": 95, "b": 120},
                      title=shares_title(first, what, overall, first_name),
                      xaxis={"title": x_title, "ticksuffix": "%", "rangemode": "tozero"},
                      yaxis={"title": "airline (as published)"},
                      legend={"orientation": "h", "y": -0.3, "yanchor": "top"})
    return fig


# ----------------------------------------------------------------------------- the synthetic crisis


def alerts_title(table: pd.DataFrame, what: str, first: pd.Timestamp | None) -> str:
    peak = table["count"].idxmax()
    if first is None:
        return f"{what}: the rule flags no day; the busiest was {peak:%b} {peak.day}, {peak:%Y}"
    days = (peak - first).days
    lead = f"{days} days before the peak" if days > 0 else "on the peak day"
    return (f"{what}: the rule first flags {first:%b} {first.day}, {first:%Y},<br>{lead} "
            f"({int(table.loc[peak, 'count'])} on {peak:%b} {peak.day})")


def alerts_figure(table: pd.DataFrame, what: str, first: pd.Timestamp | None,
                  start: object = None, end: object = None, rule: SpikeRule = DAILY) -> go.Figure:
    """Daily counts (a spikes() table made with ``rule``), the rule's limit and its flagged days,
    from start to end."""
    shown = table
    if start is not None:
        shown = shown[shown.index >= pd.Timestamp(start)]
    if end is not None:
        shown = shown[shown.index <= pd.Timestamp(end)]
    x = [f"{d:%Y-%m-%d}" for d in shown.index]
    flagged = shown[shown["spike"]]
    fig = go.Figure([
        go.Bar(x=x, y=shown["count"].astype(int).tolist(), name="mentions per day",
               marker_color=COLOURS["neutral"], hovertemplate="%{x}: %{y}<extra></extra>"),
        go.Scatter(x=x, y=[None if math.isnan(v) else round(float(v), 2) for v in shown["limit"]],
                   mode="lines", name=f"spike limit (from the {rule.window} {rule.unit}s before)",
                   line={"color": PALETTE[0]}),
        go.Scatter(x=[f"{d:%Y-%m-%d}" for d in flagged.index], y=flagged["count"].astype(int).tolist(),
                   mode="markers", name="flagged day",
                   marker={"color": COLOURS["highlight"], "size": 10, "symbol": "triangle-down",
                           "line": {"color": "black", "width": 1}}),
    ])
    fig.update_layout(template=register_template(), height=420, margin={"t": 90, "b": 120},
                      title=alerts_title(table, what, first),
                      xaxis={"title": "day", "type": "date"},
                      yaxis={"title": "mentions per day (count)", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.3, "yanchor": "top"})
    return fig
