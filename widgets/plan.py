"""Lesson 09's one-page plan: what the learner wrote in the strategy canvas, with the numbers the
course computed, as sentences, as a self-contained HTML page and as Markdown.

>>> from widgets.plan import entries, make_plan, write_plan
>>> plan = make_plan(account, entries({"objective": "talking", "shift": 20}))
>>> write_plan(plan)          # my-plan/dialogue-plan-2026-03-10.html and .md; never overwrites

**Where files go.** :func:`write_plan` writes into ``my-plan/`` in the course folder (next to
``lessons/``; git-ignored, so a commit cannot include it; ``$COURSE_PLAN_DIR`` moves it). It
never replaces a file: each export gets a new name (``-2``, ``-3``... when the day's name is
taken). Nothing is uploaded anywhere: the course has no network code.

**Why the charts are hand-made SVG.** The page must open and print offline, on any machine, years
later. A plotly chart would need plotly.js inlined (about 4.8 MB per page) or loaded from the
internet, and plotly's static images need kaleido and a browser. Two small charts (two bars with
intervals, one power curve) drawn as inline SVG are a few kilobytes, print sharply, and need
nothing; every number is also in the text and tables beside them.

The sentences here are used by the canvas too (its summary is built from them), so the page says
exactly what the canvas showed.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .models.strategy import (
    CONVERSATIONAL,
    MAX_MULTIPLE,
    METRICS,
    OBJECTIVES,
    SMALL_GROUP,
    Account,
    Design,
    Shift,
    StrategyError,
    TargetCheck,
    TradeOff,
)
from .paths import plan_dir
from .style import COLOURS

__all__ = ["LISTENING", "POST_PROMPTS", "TARGET_ROWS", "Entries", "Plan", "design_sentence",
           "entries", "make_plan", "render_html", "render_markdown", "shift_sentence",
           "write_plan"]

#: What listening found: three prompts, drawn from lessons 05 (listening) and 06 (answering).
LISTENING: dict[str, str] = {
    "talk": "What do people say about the brand, unprompted, and how do they feel about it? "
            "(How sure is that reading of their mood?)",
    "ask": "What do they ask for, or complain about, most often? Did a spike stand out, and what "
           "was behind it?",
    "answered": "Who gets an answer, how fast and in what tone, and what changed for those who "
                "got one?",
}
#: Groundswell's POST, in its order: People, Objectives, Strategy, Technology (last).
POST_PROMPTS: dict[str, str] = {
    "people": "People: who are they, and what do they do online (create, comment, join, watch)?",
    "strategy": "Strategy: how will the relationship with them change? What will be different "
                "for them in a year?",
    "technology": "Technology, last: which channels and tools will carry it?",
}
TARGET_ROWS = 3
#: The test the canvas starts with: comments per post, 20% lift, the usual alpha and power.
DEFAULT_TEST: dict[str, Any] = {"metric": "comments_per_post", "lift": 0.2, "alpha": 0.05,
                                "power": 0.8, "alternative": "two-sided", "platform": "all"}
DEFAULT_SHIFT = 20


# ---------------------------------------------------------------------------------------------
# What the learner wrote and chose
# ---------------------------------------------------------------------------------------------
@dataclass
class Entries:
    """Everything the learner writes or chooses in the canvas (text as typed)."""

    listening: dict[str, str] = field(default_factory=lambda: {k: "" for k in LISTENING})
    people: str = ""
    objective: str = "talking"
    strategy: str = ""
    technology: str = ""
    shift: int = DEFAULT_SHIFT   # percentage points from broadcast to conversational
    targets: list[tuple[str, str, str]] = field(
        default_factory=lambda: [("comments_per_post", "", "")] * TARGET_ROWS)
    test: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_TEST))


def _text(value: object) -> str:
    from .checks import is_placeholder

    if value is None or is_placeholder(value):
        return ""
    return str(value)


def entries(given: Mapping[str, Any] | None = None) -> Entries:
    """An :class:`Entries` from a plain mapping (the canvas's ``plan=``), defaults for the rest.

    Keys: ``listening`` (a mapping with keys of :data:`LISTENING`), ``people``, ``objective``
    (one of Groundswell's five), ``strategy``, ``technology``, ``shift`` (points, -100..100),
    ``targets`` (up to three ``(metric, target, date)``), ``test`` (keys of DEFAULT_TEST).
    Unknown keys raise StrategyError, so a typo is not silently ignored.
    """
    from .checks import is_placeholder

    out = Entries()
    if given is None or is_placeholder(given):
        return out
    if not isinstance(given, Mapping):
        raise StrategyError(f"plan= should be a dict of what you wrote, not {type(given).__name__}")
    known = {"listening", "people", "objective", "strategy", "technology", "shift", "targets",
             "test"}
    unknown = sorted(set(given) - known)
    if unknown:
        raise StrategyError(f"plan= has no entry {unknown[0]!r}; its entries are: "
                            + ", ".join(sorted(known)))
    listening = given.get("listening") or {}
    if isinstance(listening, Mapping):
        out.listening.update({k: _text(listening.get(k)) for k in LISTENING})
    for key in ("people", "strategy", "technology"):
        setattr(out, key, _text(given.get(key)))
    objective = _text(given.get("objective")) or out.objective
    if objective not in OBJECTIVES:
        raise StrategyError(f"objective {objective!r} is not one of Groundswell's five: "
                            + ", ".join(OBJECTIVES))
    out.objective = objective
    if given.get("shift") is not None and not is_placeholder(given.get("shift")):
        out.shift = int(max(-100, min(100, round(float(given["shift"])))))
    rows = list(given.get("targets") or [])[:TARGET_ROWS]
    targets = []
    for row in rows:
        metric, value, by = (list(row) + ["", "", ""])[:3]
        targets.append((_text(metric) or "comments_per_post", _text(value), _text(by)))
    out.targets = targets + [("comments_per_post", "", "")] * (TARGET_ROWS - len(targets))
    test = given.get("test") or {}
    if isinstance(test, Mapping):
        out.test.update({k: v for k, v in test.items() if k in DEFAULT_TEST})
    return out


# ---------------------------------------------------------------------------------------------
# Sentences (the canvas's summary and the page use the same ones)
# ---------------------------------------------------------------------------------------------
def _pct(x: float, digits: int = 1) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:+.{digits}f}%"


def _count(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:+,.0f}"


def _counted(x: float, noun: str) -> str:
    """A signed count with its noun, singular for one: "+1 comment", "-37 comments"."""
    return f"{_count(x)} {noun}{'' if math.isfinite(x) and round(abs(x)) == 1 else 's'}"


def _day(d: Any) -> str:
    return f"{d.day} {d:%B %Y}"


def audit_sentence(account: Account) -> str:
    a = account.audit
    share = (f", {a.conversational_share:.0%} of them conversational"
             + (" (by the text rule)" if a.style_source == "text rule" else "")
             if math.isfinite(a.conversational_share) else ", styles unknown")
    few = (" That is few posts: every number below is uncertain (see the intervals)."
           if a.baseline_posts < 30 else "")
    return (f"{a.n_posts:,} posts from {_day(a.start)} to {_day(a.end)} ({a.posts_per_week:.1f} a "
            f"week); in the {a.baseline_label} (the baseline, \"now\"), "
            f"{a.baseline_posts:,} posts ({a.baseline_per_week:.1f} a week){share}.{few}")


def _interval_words(low: float, high: float, fmt) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no interval"
    clear = "" if low > 0 or high < 0 else ": no clear change"
    return f"95% interval {fmt(low)} to {fmt(high)}{clear}"


def shift_sentence(shift: Shift, trade: TradeOff) -> str:
    """What the shift is expected to cost and gain per week, with intervals, and its caveats."""
    reach = "reach" if trade.reach_column == "reach" else "impressions (the data has no reach)"
    unit = "per 1,000 followers" if trade.per_follower else "per post"
    if shift.points == 0:
        head = (f"No shift chosen: {shift.current_share:.0%} of posts are conversational now. "
                "Choose how many posts in every 100 to turn from broadcast to conversational.")
        return head
    direction = ("from broadcast to conversational" if shift.points > 0
                 else "from conversational to broadcast")
    n = abs(round(shift.points * 100))
    comments_ci = _interval_words(shift.comments_pct_low, shift.comments_pct_high, _pct)
    reach_ci = _interval_words(shift.reach_pct_low, shift.reach_pct_high, _pct)
    text = (f"Turning {n} of every 100 posts {direction} ({shift.current_share:.0%} \u2192 "
            f"{shift.share:.0%} conversational) is expected to change comments by "
            f"{_pct(shift.comments_pct)} a week ({comments_ci}; "
            f"{_counted(shift.comments, 'comment')} a week) and {reach} by {_pct(shift.reach_pct)} "
            f"({reach_ci}; {_count(shift.reach)} a week), at today's volume"
            + (" and followers. " if trade.per_follower else ". "))
    compared = int(trade.table[["n_broadcast", "n_conversational"]].to_numpy().sum())
    basis = (f"Compared within each platform, {unit}, over {compared:,} "
             f"posts ({', '.join(trade.platforms)}). This is an association in past posts, not "
             "a causal effect: posts of one style may differ from the others in more than style.")
    small = trade.small
    if small:
        basis += (f" Fewer than {SMALL_GROUP} posts in a group on {', '.join(small)}: an "
                  "anecdote, not a pattern.")
    if trade.style_source == "text rule":
        basis += " Styles were guessed by the text rule, which misses some conversational posts."
    return text + basis


def design_sentence(design: Design) -> str:
    m = METRICS[design.metric]
    where = ("every platform (styles assigned at random, and compared, within each)"
             if design.platform == "all" else design.platform)
    sided = ("two-sided" if design.alternative == "two-sided"
             else "one-sided: only 'conversational is better' counts")
    weeks = design.weeks
    when = (f"about {math.ceil(weeks)} week{'s' * (math.ceil(weeks) != 1)}" if weeks <= 104
            else f"about {weeks / 52:.1f} years")
    few = (f" The spread was estimated from only {design.n_used} posts: treat the size as rough."
           if design.n_used < 30 else "")
    return (f"To detect a {design.lift:.0%} lift in {m.label} on {where} (from "
            f"{m.show(design.mean)} to {m.show(design.mean * (1 + design.lift))} per post; standard "
            f"deviation {m.show(design.sd)} per post, {m.show(design.sd_both)} over both arms once "
            f"the lift widens one, so Cohen's d = {design.effect_size:.2f}) with "
            f"{design.power:.0%} power at alpha {design.alpha:g} ({sided}), statsmodels gives "
            f"{design.n_per_arm:,} posts per arm: {design.total_posts:,} posts, {when} at "
            f"{design.posts_per_week:.1f} posts a week.{few} Assign each post's style at random "
            "before it is written, keep everything else alike, and fix the length before you "
            "start: stopping when the numbers look good makes a fluke look like a finding. A test "
            "of posts measures what a post's style does, not what months of conversation do for "
            "the account.")


def words(text: str) -> int:
    return len(text.split())


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------
@dataclass
class Plan:
    """A plan: what was written (``entries``) and what the course computed for it."""

    account: Account
    entries: Entries
    name: str
    data_label: str
    written_on: date
    shift: Shift | None
    trade: TradeOff | None
    shift_problem: str | None
    checks: list[TargetCheck]
    design: Design | None
    design_problem: str | None


def make_plan(account: Account, given: Entries | Mapping[str, Any] | None = None, *,
              name: str = "the account", data_label: str = "",
              written_on: date | None = None) -> Plan:
    """Compute everything the plan states from ``account`` (cached there) and ``given``."""
    e = given if isinstance(given, Entries) else entries(given)
    shift = trade = None
    shift_problem = design_problem = None
    try:
        trade = account.trade_off()
        shift = account.shift(e.shift)
    except StrategyError as problem:
        shift_problem = f"Reach against conversation cannot be computed: {problem}."
    checks = [account.check(i + 1, m, v, d) for i, (m, v, d) in enumerate(e.targets)]
    design = None
    t = e.test
    try:
        if t["metric"] not in account.testable:
            raise StrategyError(account.audit.unavailable.get(
                t["metric"], f"{t['metric']} cannot be tested on this data").rstrip("."))
        design = account.design(t["metric"], float(t["lift"]), float(t["alpha"]),
                                float(t["power"]), t["alternative"], t["platform"])
    except StrategyError as problem:
        design_problem = f"The test cannot be sized: {problem}."
    return Plan(account=account, entries=e, name=name, data_label=data_label,
                written_on=written_on or date.today(), shift=shift, trade=trade,
                shift_problem=shift_problem, checks=checks, design=design,
                design_problem=design_problem)


_STATUS = {"plausible": "\u2714 plausible", "caution": "\u26a0 reconsider",
           "implausible": "\u2718 implausible", "invalid": "\u2718 not a SMART target",
           "empty": "\u25cb not written"}


# ---------------------------------------------------------------------------------------------
# Inline SVG charts
# ---------------------------------------------------------------------------------------------
def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def svg_bars(labels: Sequence[str], values: Sequence[float], lows: Sequence[float],
             highs: Sequence[float], colours: Sequence[str], title: str, axis: str,
             width: int = 340, height: int = 210) -> str:
    """Vertical bars with interval whiskers around a zero line, as an inline SVG."""
    finite = [v for v in (*values, *lows, *highs) if math.isfinite(v)] or [1.0]
    top = max(max(abs(v) for v in finite), 1.0) * 1.25
    left, right, upper, lower = 56, 10, 14, 34
    plot_h = height - upper - lower

    def y(v: float) -> float:
        return upper + plot_h / 2 - (v / top) * (plot_h / 2)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="Arial, sans-serif" '
             f'font-size="11"><title>{_esc(title)}</title>']
    for tick in (-top / 1.25, 0.0, top / 1.25):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{"#000" if tick == 0 else "#ddd"}" stroke-width="{1.5 if tick == 0 else 1}"/>')
        parts.append(f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:+.1f}</text>')
    parts.append(f'<text x="12" y="{upper + plot_h / 2:.1f}" transform="rotate(-90 12 '
                 f'{upper + plot_h / 2:.1f})" text-anchor="middle">{_esc(axis)}</text>')
    slot = (width - left - right) / max(len(values), 1)
    for i, (label, v, lo, hi, colour) in enumerate(zip(labels, values, lows, highs, colours,
                                                       strict=True)):
        cx = left + slot * (i + 0.5)
        bw = slot * 0.45
        v = v if math.isfinite(v) else 0.0
        y0, y1 = sorted((y(0), y(v)))
        parts.append(f'<rect x="{cx - bw / 2:.1f}" y="{y0:.1f}" width="{bw:.1f}" '
                     f'height="{max(y1 - y0, 0.5):.1f}" fill="{colour}"/>')
        if math.isfinite(lo) and math.isfinite(hi):
            parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(lo):.1f}" y2="{y(hi):.1f}" '
                         'stroke="#333" stroke-width="1.5"/>')
            for end in (lo, hi):
                parts.append(f'<line x1="{cx - 6:.1f}" x2="{cx + 6:.1f}" y1="{y(end):.1f}" '
                             f'y2="{y(end):.1f}" stroke="#333" stroke-width="1.5"/>')
        parts.append(f'<text x="{cx + bw / 2 + 4:.1f}" y="{y(v) + 4:.1f}" font-weight="bold">'
                     f'{v:+.1f}%</text>')
        parts.append(f'<text x="{cx:.1f}" y="{height - 12}" text-anchor="middle">{_esc(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_power(weeks: Sequence[float], power: Sequence[float], asked: float, needed: float,
              title: str, width: int = 340, height: int = 210) -> str:
    """The power curve (power against weeks) with the power asked for and the weeks needed."""
    left, right, upper, lower = 44, 12, 12, 36
    plot_w, plot_h = width - left - right, height - upper - lower
    wmax = float(max(weeks)) if len(weeks) else 1.0

    def x(w: float) -> float:
        return left + w / wmax * plot_w

    def y(p: float) -> float:
        return upper + (1 - p) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" font-family="Arial, sans-serif" '
             f'font-size="11"><title>{_esc(title)}</title>']
    for p in (0.0, 0.5, 1.0):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(p):.1f}" y2="{y(p):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y(p) + 4:.1f}" text-anchor="end">{p:.0%}</text>')
    for w in (0.0, wmax / 2, wmax):
        parts.append(f'<text x="{x(w):.1f}" y="{height - 20}" text-anchor="middle">{w:.0f}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle">'
                 'weeks the test runs</text>')
    points = " ".join(f"{x(w):.1f},{y(p):.1f}" for w, p in zip(weeks, power, strict=True)
                      if math.isfinite(p))
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(asked):.1f}" y2="{y(asked):.1f}" '
                 'stroke="#000" stroke-dasharray="5 4" stroke-width="1.5"/>')
    if math.isfinite(needed) and needed <= wmax:
        parts.append(f'<line x1="{x(needed):.1f}" x2="{x(needed):.1f}" y1="{upper}" '
                     f'y2="{upper + plot_h}" stroke="{COLOURS["message"]}" stroke-dasharray="2 3" '
                     'stroke-width="2"/>')
        parts.append(f'<text x="{x(needed) + 4:.1f}" y="{upper + 12}">{math.ceil(needed)} weeks</text>')
    parts.append(f'<polyline points="{points}" fill="none" stroke="{COLOURS["conversation"]}" '
                 'stroke-width="2.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _shift_svg(plan: Plan) -> str:
    s = plan.shift
    reach = "reach" if plan.trade.reach_column == "reach" else "impressions"
    return svg_bars([f"{reach} / week", "comments / week"], [s.reach_pct, s.comments_pct],
                    [s.reach_pct_low, s.comments_pct_low], [s.reach_pct_high, s.comments_pct_high],
                    [COLOURS["highlight"], COLOURS["conversation"]],
                    f"Expected change per week for the shift: {reach} {_pct(s.reach_pct)}, "
                    f"comments {_pct(s.comments_pct)} (95% intervals as whiskers)",
                    "change (% of now)")


def _power_svg(design: Design) -> str:
    from .figures.strategy import power_grid, power_title

    grid = power_grid(design)
    return svg_power(list(grid), list(design.power_at(grid)), design.power, design.weeks,
                     power_title(design))


# ---------------------------------------------------------------------------------------------
# The page and the Markdown
# ---------------------------------------------------------------------------------------------
_CSS = """
@page { size: A4; margin: 12mm 13mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.35;
       color: #111; max-width: 190mm; margin: 0 auto; padding: 8px; }
h1 { font-size: 16pt; margin: 0 0 2px; }
h2 { font-size: 11.5pt; margin: 10px 0 3px; border-bottom: 2px solid #0072B2; }
p { margin: 3px 0; }
.meta { color: #444; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 3px 0; }
th, td { border-bottom: 1px solid #ccc; padding: 2px 4px; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
section { break-inside: avoid; page-break-inside: avoid; }
.charts { display: flex; gap: 10px; align-items: flex-start; }
.charts figure { margin: 0; } figcaption { font-size: 8.5pt; color: #333; max-width: 340px; }
.note { font-size: 8.5pt; color: #333; }
.empty { color: #666; font-style: italic; }
@media print { body { padding: 0; } a { color: inherit; } }
"""


def _para(text: str) -> str:
    if not text.strip():
        return '<span class="empty">not written yet</span>'
    return "<br>".join(_esc(line) for line in text.strip().splitlines())


def render_html(plan: Plan) -> str:
    """The plan as one self-contained HTML page (no scripts, no links needed), printing on one
    or two A4 pages."""
    a, e = plan.account.audit, plan.entries
    out = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
           f"<title>{_esc('A dialogue strategy for ' + plan.name)}</title>",
           f"<style>{_CSS}</style></head><body>",
           f"<h1>A dialogue strategy for {_esc(plan.name)}</h1>",
           f'<p class="meta">{_esc(plan.data_label)} Written on {_day(plan.written_on)} with the '
           "strategy canvas of <i>From Message to Conversation</i> (lesson 09), on this "
           "computer: nothing was uploaded. The plan starts on "
           f"{_day(plan.account.start)}, the day after the data's last post.</p>"]
    # 1 audit
    rows = "".join(
        f"<tr><td>{_esc(b.metric.label)}</td><td class='n'>{_esc(b.metric.show(b.baseline))}</td>"
        f"<td class='n'>{_esc(b.metric.show(b.low))} to {_esc(b.metric.show(b.high))}</td>"
        f"<td class='n'>{_esc(b.metric.show(b.whole))}</td><td class='n'>{b.n:,}</td></tr>"
        for b in a.metrics.values())
    missing = "".join(f"<li>{_esc(why)}</li>" for why in a.unavailable.values())
    notes = "".join(f"<li>{_esc(n)}</li>" for n in a.notes)
    out.append(
        "<section><h2>1. Audit: where the account stands</h2>"
        f"<p>{_esc(audit_sentence(plan.account))}</p>"
        f"<table><tr><th>metric (per post, averaged)</th><th>now: {a.baseline_label}</th>"
        f"<th>95% interval (bootstrap)</th><th>whole period</th><th>posts now</th></tr>{rows}</table>"
        + (f'<ul class="note">{missing}{notes}</ul>' if missing or notes else "") + "</section>")
    # 2 listening
    items = "".join(f"<p><b>{_esc(q)}</b><br>{_para(e.listening.get(k, ''))}</p>"
                    for k, q in LISTENING.items())
    out.append(f"<section><h2>2. What listening found</h2>{items}</section>")
    # 3 POST
    out.append(
        "<section><h2>3. Objectives: POST (Li &amp; Bernoff, <i>Groundswell</i>)</h2>"
        f"<p><b>{_esc(POST_PROMPTS['people'])}</b><br>{_para(e.people)}</p>"
        f"<p><b>Objective:</b> {_esc(OBJECTIVES[e.objective])}</p>"
        f"<p><b>{_esc(POST_PROMPTS['strategy'])}</b><br>{_para(e.strategy)}</p>"
        f"<p><b>{_esc(POST_PROMPTS['technology'])}</b><br>{_para(e.technology)}</p></section>")
    # 4 reach vs conversation
    if plan.shift is not None:
        body = (f"<div class='charts'><figure>{_shift_svg(plan)}<figcaption>Expected change per "
                "week, with 95% bootstrap intervals (whiskers).</figcaption></figure>"
                f"<p>{_esc(shift_sentence(plan.shift, plan.trade))}</p></div>")
    else:
        body = f"<p>{_esc(plan.shift_problem or '')}</p>"
    out.append(f"<section><h2>4. Strategy: reach against conversation</h2>{body}</section>")
    # 5 measures
    rows = "".join(
        f"<tr><td>{c.row}</td><td>{_esc(METRICS[c.metric].label if c.metric in METRICS else c.metric)}</td>"
        f"<td class='n'>{_esc(plan.entries.targets[c.row - 1][1]) or '&ndash;'}</td>"
        f"<td class='n'>{_esc(plan.entries.targets[c.row - 1][2]) or '&ndash;'}</td>"
        f"<td>{_esc(_STATUS[c.status])}</td><td>{_esc(c.reason)}</td></tr>"
        for c in plan.checks)
    out.append(
        "<section><h2>5. Measures: SMART targets (Doran, 1981)</h2>"
        "<table><tr><th>#</th><th>metric</th><th>target</th><th>by</th><th>check</th>"
        f"<th>why</th></tr>{rows}</table><p class='note'>Each target is checked against the "
        f"baseline ({a.baseline_label}): more than {MAX_MULTIPLE:g} times the "
        "current value (a round number the course chose, not a law) is flagged as implausible; a "
        "date before the plan starts, a target of zero or text that is not a number is not a "
        "target.</p></section>")
    # 6 test
    if plan.design is not None:
        body = (f"<div class='charts'><figure>{_power_svg(plan.design)}<figcaption>Power "
                "(statsmodels) against the weeks the test runs; dashed: the power asked for."
                f"</figcaption></figure><p>{_esc(design_sentence(plan.design))}</p></div>")
    else:
        body = f"<p>{_esc(plan.design_problem or '')}</p>"
    out.append("<section><h2>6. Test it: broadcast against conversational posts</h2>"
               f"{body}</section>")
    out.append('<p class="note">Metrics are computed per post and averaged over the posts. '
               f"Conversational styles: {', '.join(s.replace('_', ' ') for s in CONVERSATIONAL)}; "
               "a broadcast talks at people. Intervals: percentile bootstrap over posts (1,000 "
               "resamples). Sample size: statsmodels' TTestIndPower.</p></body></html>")
    return "".join(out)


def _md(text: str) -> str:
    return text.strip() or "_not written yet_"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(plan: Plan) -> str:
    """The plan as Markdown: the same sections, the charts' numbers as text."""
    a, e = plan.account.audit, plan.entries
    lines = [f"# A dialogue strategy for {plan.name}", "",
             f"{plan.data_label} Written on {_day(plan.written_on)} with the strategy canvas of "
             "*From Message to Conversation* (lesson 09), on this computer: nothing was uploaded. "
             f"The plan starts on {_day(plan.account.start)}.", "",
             "## 1. Audit: where the account stands", "", audit_sentence(plan.account), "",
             f"| metric (per post, averaged) | now: {a.baseline_label} | 95% interval "
             "| whole period | posts now |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {b.metric.label} | {b.metric.show(b.baseline)} | {b.metric.show(b.low)} to "
              f"{b.metric.show(b.high)} | {b.metric.show(b.whole)} | {b.n:,} |"
              for b in a.metrics.values()]
    lines += [""] + [f"* {why}" for why in (*a.unavailable.values(), *a.notes)]
    lines += ["", "## 2. What listening found", ""]
    for k, q in LISTENING.items():
        lines += [f"**{q}**", "", _md(e.listening.get(k, "")), ""]
    lines += ["## 3. Objectives: POST (Li & Bernoff, *Groundswell*)", "",
              f"**{POST_PROMPTS['people']}**", "", _md(e.people), "",
              f"**Objective:** {OBJECTIVES[e.objective]}", "",
              f"**{POST_PROMPTS['strategy']}**", "", _md(e.strategy), "",
              f"**{POST_PROMPTS['technology']}**", "", _md(e.technology), "",
              "## 4. Strategy: reach against conversation", ""]
    lines.append(shift_sentence(plan.shift, plan.trade) if plan.shift is not None
                 else plan.shift_problem or "")
    lines += ["", "## 5. Measures: SMART targets (Doran, 1981)", "",
              "| # | metric | target | by | check | why |", "|---|---|---:|---:|---|---|"]
    for c in plan.checks:
        _m, value, by = plan.entries.targets[c.row - 1]
        label = METRICS[c.metric].label if c.metric in METRICS else c.metric
        lines.append(f"| {c.row} | {label} | {_cell(value) or '-'} | {_cell(by) or '-'} | "
                     f"{_STATUS[c.status]} | {_cell(c.reason)} |")
    lines += ["", "## 6. Test it: broadcast against conversational posts", "",
              design_sentence(plan.design) if plan.design is not None
              else plan.design_problem or "", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Writing it: never over an existing file
# ---------------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "plan"


def write_plan(plan: Plan, folder: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write the plan as ``dialogue-plan-<date>.html`` and ``.md`` in ``folder`` (default:
    ``my-plan/`` in the course folder) and return both paths.

    A name already taken (either file) is never reused: the next free ``-2``, ``-3``... is. The
    files are created exclusively, so even two exports at once cannot overwrite each other.
    Raises OSError when the folder cannot be written.
    """
    where = Path(folder) if folder is not None else plan_dir()
    where.mkdir(parents=True, exist_ok=True)
    stem = f"dialogue-plan-{plan.written_on.isoformat()}"
    page, text = render_html(plan), render_markdown(plan)
    for n in range(1, 1000):
        name = stem if n == 1 else f"{stem}-{n}"
        html_path, md_path = where / f"{name}.html", where / f"{name}.md"
        if html_path.exists() or md_path.exists():
            continue
        try:
            with open(html_path, "x", encoding="utf-8") as handle:
                handle.write(page)
        except FileExistsError:
            continue
        try:
            with open(md_path, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            html_path.unlink()
            continue
        return html_path, md_path
    raise OSError(f"{where} already holds 999 plans written today: move some elsewhere")
