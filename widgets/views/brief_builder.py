"""Lesson 01's brief builder: write a creative brief, see what it buys and who would act."""

from __future__ import annotations

import html
import math

import ipywidgets as w

from ..data import AGE_BANDS, CHANNELS, INCOME_BANDS, REGIONS, THEMES, load
from ..figures.campaigns import brief_figure, brief_title, brief_values
from ..models.campaigns import ALL_REGIONS, BriefOutcome, brief_outcome
from .base import view_box
from .figure import FigureView

__all__ = ["brief_builder"]

BUDGET_MAX = 1_500_000
BUDGET_STEP = 10_000
CHANNEL_NAMES = {"tv": "TV", "radio": "radio", "print": "print", "outdoor": "outdoor",
                 "display": "display (banners)", "search": "search ads"}


def _label(code: str) -> str:
    return code.replace("_", " ")


def _millions(x: float) -> str:
    return f"{x / 1e6:.1f} million" if x >= 1e6 else f"{x:,.0f}"


def _target_words(age: str, income: str, region: str) -> str:
    where = "all regions" if region == ALL_REGIONS else f"the {region} region"
    return f"aged {age}, {income} income, {where}"


def _compare(ratio: float) -> str:
    if math.isnan(ratio):
        return "cannot be compared with"
    if ratio < 0.9:
        return "acted less often than"
    if ratio <= 1.1:
        return "acted about as often as"
    return "acted more often than"


def describe(outcome: BriefOutcome, channel: str, target: str) -> str:
    """The current finding, in words (HTML)."""
    est, r = outcome.reach, outcome.response
    name = CHANNEL_NAMES.get(channel, channel)
    if est.impressions == 0:
        return (f"<b>A budget of $0 buys nothing</b> on {name}: no impressions, no reach, no "
                "conversions. Move the budget slider to buy some.")
    bought = (f"<b>${est.budget_usd:,.0f} on {name}</b> buys about {_millions(est.impressions)} "
              f"impressions (at ${est.cpm_usd:,.2f} CPM): about {_millions(est.reach)} people, "
              f"each reached {est.frequency:.1f} times.")
    if r.empty:
        return (f"{bought} <b>The history has no impressions for people {html.escape(target)}</b>"
                f" ({outcome.history_note}): it cannot say what they do. Choose another target.")
    return (
        f"{bought} In the history ({outcome.history_note}), people {html.escape(target)} "
        f"{_compare(r.ratio)} everyone else: {r.cell_per_1000:.3f} against "
        f"{r.other_per_1000:.3f} conversions per 1,000 impressions. "
        f"<b>About {outcome.outside_share:.0%} of the conversions this brief buys would come "
        f"from people outside its target.</b>"
    )


def brief_builder() -> w.Box:
    """Drop-downs for the target, theme and channel, a budget slider, a live chart and a summary."""
    campaigns, results = load("campaigns"), load("campaign_results")
    style = {"description_width": "120px"}
    wide = w.Layout(width="330px")
    age = w.Dropdown(options=list(AGE_BANDS), value="25-34", description="Age band",
                     style=style, layout=wide)
    income = w.Dropdown(options=[(_label(x), x) for x in INCOME_BANDS], value="high",
                        description="Income band", style=style, layout=wide)
    region = w.Dropdown(options=[("all regions", ALL_REGIONS)] + [(x, x) for x in REGIONS],
                        value=ALL_REGIONS, description="Region", style=style, layout=wide)
    theme = w.Dropdown(options=[(_label(x), x) for x in THEMES], value="price_promo",
                       description="Message theme", style=style, layout=wide)
    available = [c for c in CHANNELS if c in set(campaigns["channel"].astype(str))]
    channel = w.Dropdown(options=[(CHANNEL_NAMES.get(c, c), c) for c in available],
                         value="tv" if "tv" in available else available[0],
                         description="Channel", style=style, layout=wide)
    budget = w.IntSlider(value=500_000, min=0, max=BUDGET_MAX, step=BUDGET_STEP,
                         description="Budget (USD)", continuous_update=False,
                         readout_format=",d", style=style, layout=w.Layout(width="520px"))
    controls = (age, income, region, theme, channel, budget)

    def outcome() -> BriefOutcome:
        return brief_outcome(campaigns, results, age=age.value, income=income.value,
                             region=region.value, channel=channel.value, theme=theme.value,
                             budget=float(budget.value))

    def target() -> str:
        return _target_words(age.value, income.value, region.value)

    def card() -> str:
        return (
            "<div style='border:1px solid #999;padding:6px 10px;max-width:520px'>"
            "<b>Creative brief: Copperpot Coffee</b><br>"
            f"<b>Target:</b> people {html.escape(target())}<br>"
            f"<b>Message:</b> {html.escape(_label(theme.value))}<br>"
            f"<b>Channel:</b> {html.escape(CHANNEL_NAMES.get(channel.value, channel.value))}"
            f" &nbsp; <b>Budget:</b> ${budget.value:,.0f}</div>"
        )

    first = outcome()
    figure = FigureView(brief_figure(first))
    brief = w.HTML(card())
    summary = w.HTML(describe(first, channel.value, target())).add_class("course-widget-summary")

    def update(_change: object = None) -> None:
        current = outcome()
        with figure.batch_update():
            for trace, values in zip(figure.data, brief_values(current), strict=True):
                trace.y = values
            figure.layout.title.text = brief_title(current)
        brief.value = card()
        summary.value = describe(current, channel.value, target())

    for control in controls:
        control.observe(update, names="value")
    form = w.VBox([w.HTML("<b>Write the brief</b>"), *controls])
    return view_box("brief-builder", [w.HBox([form, brief]), figure, summary])
