"""Generate the course's synthetic data world, byte for byte, from one seed.

Everything here is SYNTHETIC: Copperpot Coffee, Harbour City Health, every person, post,
comment and number is invented. The generator is calibrated to published figures (see
datasets/README.md), except ``trust_sources.csv``, which holds real, cited survey figures.

Usage::

    python datasets/generate.py           # (re)write every CSV next to this file
    python datasets/generate.py --check   # exit 1 and name the files that differ

The generator is standalone (it does not import the course package). Tests call
``build_all()`` (DataFrames) and ``render_all()`` (the exact bytes of each file).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20240101
HERE = Path(__file__).resolve().parent

PLATFORMS = ["facebook", "instagram", "x", "tiktok"]
STYLES = ["broadcast", "question", "reply", "user_content", "behind_the_scenes"]
FORMATS = ["text", "image", "video", "carousel", "link"]
AGE_BANDS = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
AGE_SHARE = np.array([0.12, 0.18, 0.18, 0.18, 0.17, 0.17])
INCOME_BANDS = ["low", "mid", "mid-upper", "high"]
INCOME_SHARE = np.array([0.25, 0.35, 0.25, 0.15])
REGIONS = ["north", "centre", "south", "east", "west"]
REGION_SHARE = np.array([0.22, 0.26, 0.20, 0.16, 0.16])
BRAND = "copperpot_coffee"
HEALTH = "harbour_city_health"
DT = "%Y-%m-%d %H:%M:%S"

BLENDS = ["Sunrise blend", "Harbour dark roast", "Kenya single origin", "Colombia Huila",
          "decaf Swiss water", "Ethiopia Yirgacheffe", "house espresso", "cold brew"]
PRODUCTS = ["beans", "capsules", "cold brew cans", "oat lattes", "subscription boxes",
            "grinders", "gift tins", "filter papers"]


def _rng(k: int) -> np.random.Generator:
    """One independent stream per dataset, all derived from the single SEED."""
    return np.random.default_rng([SEED, k])


def _fmt_dt(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime(DT)


def _pick(rng: np.random.Generator, items: list[str], n: int, p=None) -> np.ndarray:
    return np.asarray(items, dtype=object)[rng.choice(len(items), size=n, p=p)]


def _user(i) -> str:
    return f"user_{int(i):04d}"


# --------------------------------------------------------------------------------------------
# Lesson 01: traditional campaigns 2019-2023
# --------------------------------------------------------------------------------------------
CHANNELS = {
    # cpm usd, frequency range, response rate per impression (clicks, URL visits, QR scans),
    # conversions per impression, aided recall range %, budget range usd
    "tv": (28.0, (4, 9), 0.00012, 0.00007, (18, 35), (300_000, 1_500_000)),
    "radio": (12.0, (5, 10), 0.00010, 0.00005, (8, 18), (60_000, 250_000)),
    "print": (18.0, (1.8, 3), 0.00030, 0.00009, (10, 20), (50_000, 200_000)),
    "outdoor": (7.0, (6, 14), 0.00006, 0.00003, (6, 14), (80_000, 300_000)),
    "display": (3.5, (3, 7), 0.00070, 0.00005, (2, 6), (30_000, 150_000)),
    "search": (45.0, (1.1, 1.6), 0.03000, 0.00350, (3, 8), (40_000, 200_000)),
}
# BUILT IN (lesson 01), delivery. A media buy cannot show an ad only to the people in a brief:
# it can only tilt where the ads land. Each campaign multiplies the ODDS that an impression lands
# on the brief's age x income cells by a factor drawn from its channel's range (1 = no better
# than chance; broadcast hardly tilts, programmatic display most), and the odds that it lands in
# the brief's region (when the brief names one) by GEO_TARGETING_ODDS: media place an ad far more
# precisely by place than by age or income. So the share of impressions on target depends on how
# large a slice of the population the target is, and on the channel.
TARGETING_ODDS = {"tv": (1.2, 1.6), "radio": (1.3, 1.8), "print": (1.5, 2.2),
                  "outdoor": (1.0, 1.2), "display": (2.0, 3.0), "search": (1.4, 2.0)}
GEO_TARGETING_ODDS = 30.0
THEMES = ["price_promo", "quality_origin", "convenience", "sustainability", "ritual_moments"]
# BUILT IN (lesson 01): each theme multiplies a campaign's conversions per impression.
THEME_LIFT = {"price_promo": 1.25, "quality_origin": 0.95, "convenience": 1.05,
              "sustainability": 0.9, "ritual_moments": 0.95}
# BUILT IN (lesson 01): people inside a brief's target buy this much more often per impression
# than people outside it (a cell's own propensity aside).
IN_TARGET_LIFT = 1.15
# Audience age profile of each channel, per age band away from the middle (broadcast older,
# digital younger): the impressions outside the target lean this way.
CHANNEL_AGE_SKEW = {"tv": 0.12, "radio": 0.08, "print": 0.15, "outdoor": 0.0,
                    "display": -0.15, "search": -0.1}
THEME_WORDS = {
    "price_promo": ["Big Saving", "Half Price Week", "Bean Bonanza", "Coupon Days"],
    "quality_origin": ["From the Farm", "Roasted Right", "Origin Stories", "The Craft"],
    "convenience": ["Coffee in a Click", "Ready When You Are", "Morning Made Easy"],
    "sustainability": ["Good to the Last Bean", "Fair from the Start", "Green Cup"],
    "ritual_moments": ["Your Sunday Pot", "Moments That Matter", "The First Sip"],
}


def build_campaigns() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(1)
    n = 32
    years = np.repeat(np.arange(2019, 2024), [6, 6, 6, 7, 7])
    ch_names = list(CHANNELS)
    channel = _pick(rng, ch_names, n, p=[0.22, 0.15, 0.15, 0.12, 0.18, 0.18])
    theme = _pick(rng, THEMES, n)
    # The Break-Up: "I know you, you're 28-34" - most briefs chase the young and well-off.
    t_age = _pick(rng, AGE_BANDS, n, p=[0.25, 0.35, 0.2, 0.1, 0.06, 0.04])
    t_inc = _pick(rng, INCOME_BANDS, n, p=[0.08, 0.3, 0.4, 0.22])
    t_reg = _pick(rng, REGIONS + ["all"], n, p=[0.12, 0.16, 0.1, 0.08, 0.08, 0.46])

    cells = pd.MultiIndex.from_product([AGE_BANDS, INCOME_BANDS, REGIONS],
                                       names=["age_band", "income_band", "region"]).to_frame(
        index=False)
    pop = (AGE_SHARE[:, None, None] * INCOME_SHARE[None, :, None]
           * REGION_SHARE[None, None, :]).ravel()
    # How much a cell buys coffee per impression: needs, not demographics, drive this,
    # so the differences between cells are small and not aligned with the brief.
    cell_propensity = np.exp(rng.normal(0, 0.18, len(cells)))
    age_idx = cells["age_band"].map({a: i for i, a in enumerate(AGE_BANDS)}).to_numpy()

    # Every campaign-level number is drawn first, so that how impressions spread over the cells
    # (drawn after, from the same stream) can change without changing the campaigns themselves.
    plan = []
    for i in range(n):
        cpm, fr, ctr, cvr, rec, bud = CHANNELS[channel[i]]
        spend = float(np.round(rng.uniform(*bud), -2))
        plan.append(dict(
            spend=spend, impressions=int(spend / (cpm * np.exp(rng.normal(0, 0.12))) * 1000),
            freq=float(rng.uniform(*fr)), odds=float(rng.uniform(*TARGETING_ODDS[channel[i]])),
            ctr=ctr * np.exp(rng.normal(0, 0.15)),
            cvr=cvr * THEME_LIFT[theme[i]] * np.exp(rng.normal(0, 0.2)),
            word=str(rng.choice(THEME_WORDS[theme[i]])), recall=round(float(rng.uniform(*rec)), 1)))

    camp_rows, res_rows = [], []
    for i, p in enumerate(plan):
        ch = channel[i]
        in_demo = ((cells["age_band"] == t_age[i]) & (cells["income_band"] == t_inc[i])).to_numpy()
        in_region = (cells["region"] == t_reg[i]).to_numpy()  # all False for a national brief
        in_t = in_demo & (in_region | (t_reg[i] == "all"))
        # the channel's audience leans older (broadcast) or younger (digital); the buy tilts the
        # odds towards the brief's age x income cells and, if it names one, its region
        weight = (pop * np.exp(CHANNEL_AGE_SKEW[ch] * (age_idx - 2.5))
                  * np.where(in_demo, p["odds"], 1.0)
                  * np.where(in_region, GEO_TARGETING_ODDS, 1.0))
        imp_cells = rng.multinomial(p["impressions"], weight / weight.sum())
        lift = cell_propensity * np.where(in_t, IN_TARGET_LIFT, 1.0)
        clicks = rng.binomial(imp_cells, np.clip(p["ctr"] * lift, 0, 1))
        conv = rng.binomial(imp_cells, np.clip(p["cvr"] * lift, 0, 1))
        cid = f"C{i + 1:02d}"
        reach = int(imp_cells.sum() / p["freq"])
        camp_rows.append(dict(
            campaign_id=cid, name=f"{p['word']} {years[i]} ({ch})", year=int(years[i]),
            channel=ch, target_age_band=t_age[i], target_income_band=t_inc[i],
            target_region=t_reg[i], message_theme=theme[i], spend_usd=p["spend"],
            impressions=int(imp_cells.sum()), reach=reach,
            frequency=round(imp_cells.sum() / reach, 2), clicks=int(clicks.sum()),
            conversions=int(conv.sum()), recall_pct=p["recall"]))
        res_rows.append(pd.DataFrame(dict(
            campaign_id=cid, age_band=cells["age_band"], income_band=cells["income_band"],
            region=cells["region"], in_target=in_t, population_share=np.round(pop, 6),
            impressions=imp_cells, clicks=clicks, conversions=conv)))
    return pd.DataFrame(camp_rows), pd.concat(res_rows, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Lesson 02: audience survey
# --------------------------------------------------------------------------------------------
NEEDS = ["need_price", "need_quality", "need_convenience", "need_sustainability",
         "need_community", "need_novelty"]
#: Respondents in the survey.
SURVEY_RESPONDENTS = 5000
#: The five latent need groups the survey is built from (never shipped), in this order: bargain
#: seekers, connoisseurs, rushed commuters, conscious buyers, ritual & social drinkers. Each row is
#: a group's mean score (0-10) on the six NEEDS: k-means "finding" five clusters finds these.
GROUP_NAMES = ["bargain seekers", "connoisseurs", "rushed commuters", "conscious buyers",
               "ritual & social drinkers"]
GROUP_CENTRES = np.array([
    [8.6, 4.0, 6.0, 2.8, 3.5, 3.0],
    [2.8, 9.0, 3.5, 5.5, 4.0, 8.2],
    [5.0, 4.8, 9.0, 3.2, 2.4, 4.0],
    [4.0, 6.5, 4.2, 9.0, 6.0, 5.0],
    [5.0, 5.2, 3.8, 4.8, 8.8, 3.2],
])
#: Each group's share of respondents before the demographic tilts below.
GROUP_SHARES = np.array([0.22, 0.18, 0.22, 0.17, 0.21])
#: Demographic tilts of group membership (log-odds per income or age step): bargain seekers are
#: more common at low income, connoisseurs at high income, commuters at working ages, ritual
#: drinkers at older ages. Income bands are numbered 0 (low) to 3 (high), age bands 0 (18-24) to
#: 5 (65+).
INCOME_TILT_BARGAIN = 0.22
INCOME_TILT_CONNOISSEUR = 0.15
AGE_TILT_COMMUTER = 0.10
AGE_TILT_RITUAL = 0.08
#: Personal scale use (some people answer higher overall) and answer noise, in score points.
SCALE_USE_SD = 0.35
ANSWER_NOISE_SD = 1.05
#: usual_brand is drawn with these shares, independently of everything else (group, demographics).
BRANDS = ["copperpot", "beanhouse", "store_brand", "other"]
BRAND_SHARES = np.array([0.24, 0.21, 0.30, 0.25])
#: Mean cups per week (Poisson): rushed commuters drink more than every other group.
CUPS_COMMUTER = 12
CUPS_OTHER = 9
#: top_need when several needs share a respondent's highest score: the respondent picks one of the
#: tied needs, uniformly at random (a simulated "which one matters most?" follow-up question).
TOP_NEED_TIES = "uniform among the tied needs"


def _top_needs(scores: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Each row's highest-scored need; a tie is broken uniformly at random (TOP_NEED_TIES)."""
    top = scores == scores.max(1, keepdims=True)
    tied = top.sum(1)
    pick = np.floor(rng.random(len(scores)) * tied).astype(int)  # which of the tied needs
    choice = (top.cumsum(1) > pick[:, None]).argmax(1)
    return [NEEDS[j].removeprefix("need_") for j in choice]


def build_survey(return_groups: bool = False):
    rng = _rng(2)
    n = SURVEY_RESPONDENTS
    age = rng.choice(6, n, p=AGE_SHARE)
    inc = rng.choice(4, n, p=INCOME_SHARE)
    reg = rng.choice(5, n, p=REGION_SHARE)
    # group membership tilts only mildly with age and income (the settings above)
    base = np.log(GROUP_SHARES)
    tilt = np.zeros((n, 5))
    tilt[:, 0] += INCOME_TILT_BARGAIN * (1.5 - inc)             # bargain seekers: low income
    tilt[:, 1] += INCOME_TILT_CONNOISSEUR * (inc - 1.5)         # connoisseurs: high income
    tilt[:, 2] += AGE_TILT_COMMUTER * (2.5 - np.abs(age - 2))   # commuters: working ages
    tilt[:, 4] += AGE_TILT_RITUAL * (age - 2.5)                 # ritual drinkers: older
    logits = base + tilt
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    u = rng.random(n)[:, None]
    group = (u > np.cumsum(p, 1)).sum(1)
    person = rng.normal(0, SCALE_USE_SD, (n, 1))  # scale use: some people answer higher overall
    scores = GROUP_CENTRES[group] + person + rng.normal(0, ANSWER_NOISE_SD, (n, 6))
    scores = np.clip(np.rint(scores), 0, 10).astype(int)
    df = pd.DataFrame({"respondent_id": [f"S{i + 1:05d}" for i in range(n)],
                       "age_band": np.asarray(AGE_BANDS)[age],
                       "income_band": np.asarray(INCOME_BANDS)[inc],
                       "region": np.asarray(REGIONS)[reg]})
    for j, col in enumerate(NEEDS):
        df[col] = scores[:, j]
    df["top_need"] = ""  # filled last (its tie-break draws come after every other column's)
    # Ehrenberg-Bass: buyers of competing brands look alike in profile
    df["usual_brand"] = _pick(rng, BRANDS, n, p=BRAND_SHARES)
    df["cups_per_week"] = np.clip(rng.poisson(np.where(group == 2, CUPS_COMMUTER, CUPS_OTHER)), 0, 60)
    df["top_need"] = _top_needs(scores, rng)
    return (df, group) if return_groups else df


# --------------------------------------------------------------------------------------------
# Lesson 03: exposure diary
# --------------------------------------------------------------------------------------------
# What the exposure panel builds in (lesson 03 names these settings; EVIDENCE.md 1). The functional
# forms below are the generator's choices, not estimates from real people.
EXPOSURE_PEOPLE = 300
EXPOSURE_DAYS = 28
#: median ad messages a person sees a day, and the spread between people (lognormal sigma)
MESSAGES_MEDIAN = 330
MESSAGES_PERSON_SPREAD = 0.45
#: day-to-day spread of a person's messages (lognormal sigma)
MESSAGES_DAY_SPREAD = 0.25
#: weekend days bring this share of a weekday's messages
WEEKEND_MESSAGE_FACTOR = 0.8
#: a day's messages are clipped to this range: the panel knows nothing outside it
MESSAGES_MIN = 20
MESSAGES_MAX = 800
#: each person's usual relevant share: Beta(a, b), mean about 0.29; plus this much daily noise (sd)
RELEVANCE_BETA = (2.5, 6)
RELEVANCE_DAY_SD = 0.06
#: one extra repeat of the most repeated ad per this many messages seen (Poisson mean, at least
#: MIN_EXTRA_REPEATS)
MESSAGES_PER_EXTRA_REPEAT = 120
MIN_EXTRA_REPEATS = 0.3
#: attention capacity, in messages noticed a day: noticed = capacity x (1 - exp(-seen / capacity))
#: (180 x (1 - exp(-360 / 180)) = 156 at 360 seen, before the relevance factor below; with the
#: panel's typical relevance about 147, near Media Dynamics' (2014) 150-155 noticed of 360)
ATTENTION_CAPACITY = 180
#: day-to-day spread of the capacity (lognormal sigma)
ATTENTION_CAPACITY_SPREAD = 0.1
#: relevant messages are noticed more: x (ATTENTION_BASE + ATTENTION_RELEVANCE_GAIN x relevance)
ATTENTION_BASE = 0.85
ATTENTION_RELEVANCE_GAIN = 0.3
#: next-day recall per message noticed, and how it grows with relevance (RECALL_RELEVANCE_BASE +
#: relevance)
RECALL_PER_NOTICED = 0.075
RECALL_RELEVANCE_BASE = 0.4
#: clutter: recall is multiplied by exp(-seen / RECALL_CLUTTER_SCALE), so it rises, peaks, falls
RECALL_CLUTTER_SCALE = 420
#: repetition helps recall up to this many showings of the top ad, and no further: recall x
#: (RECALL_REPEAT_BASE + RECALL_REPEAT_GAIN x log(1 + min(repeats, limit)) / log(1 + limit))
RECALL_REPEAT_LIMIT = 5
RECALL_REPEAT_BASE = 0.6
RECALL_REPEAT_GAIN = 0.6
#: trust (0-10) = TRUST_BASE - TRUST_VOLUME_DROP x seen / MESSAGES_MAX
#:                + TRUST_RELEVANCE_GAIN x (relevance - TRUST_RELEVANCE_CENTRE)
#:                - TRUST_REPEAT_PENALTY x (repeats above TRUST_REPEAT_LIMIT) + person + noise
TRUST_BASE = 6.4
TRUST_VOLUME_DROP = 3.2
TRUST_RELEVANCE_GAIN = 2.5
TRUST_RELEVANCE_CENTRE = 0.3
TRUST_REPEAT_PENALTY = 0.18
TRUST_REPEAT_LIMIT = 4
#: each person's own trust level (sd around TRUST_BASE, unrelated to their exposure) and daily noise
TRUST_PERSON_SD = 0.9
TRUST_DAY_SD = 0.6


def build_exposure() -> pd.DataFrame:
    rng = _rng(3)
    n_people, n_days = EXPOSURE_PEOPLE, EXPOSURE_DAYS
    days = pd.date_range("2025-02-03", periods=n_days, freq="D")
    pid = np.repeat(np.arange(n_people), n_days)
    day = np.tile(np.arange(n_days), n_people)
    person_level = rng.lognormal(np.log(MESSAGES_MEDIAN), MESSAGES_PERSON_SPREAD, n_people)
    weekend = np.asarray(days.day_of_week >= 5)[day]
    m = (person_level[pid] * np.where(weekend, WEEKEND_MESSAGE_FACTOR, 1.0)
         * rng.lognormal(0, MESSAGES_DAY_SPREAD, len(pid)))
    m = np.clip(np.rint(m), MESSAGES_MIN, MESSAGES_MAX).astype(int)
    rel_person = rng.beta(*RELEVANCE_BETA, n_people)
    relevance = np.clip(rel_person[pid] + rng.normal(0, RELEVANCE_DAY_SD, len(pid)), 0.01, 0.99)
    repeats = 1 + rng.poisson(np.clip(m / MESSAGES_PER_EXTRA_REPEAT, MIN_EXTRA_REPEATS, None))
    # attention saturates at the capacity (about 147 of 360 noticed: Media Dynamics says 150-155)
    cap = ATTENTION_CAPACITY * rng.lognormal(0, ATTENTION_CAPACITY_SPREAD, len(pid))
    noticed_mean = (cap * (1 - np.exp(-m / cap))
                    * (ATTENTION_BASE + ATTENTION_RELEVANCE_GAIN * relevance))
    noticed = np.minimum(rng.poisson(noticed_mean), m)
    attention = np.round(100 * noticed / m, 1)
    # recall of brand messages next day: rises with what is noticed, falls with clutter
    rep_gain = (np.log1p(np.minimum(repeats, RECALL_REPEAT_LIMIT))
                / np.log(RECALL_REPEAT_LIMIT + 1))
    recall_mean = (RECALL_PER_NOTICED * noticed * (RECALL_RELEVANCE_BASE + relevance)
                   * np.exp(-m / RECALL_CLUTTER_SCALE) * (RECALL_REPEAT_BASE + RECALL_REPEAT_GAIN * rep_gain))
    recall = rng.poisson(recall_mean)
    trust_person = rng.normal(0, TRUST_PERSON_SD, n_people)
    trust = (TRUST_BASE - TRUST_VOLUME_DROP * (m / MESSAGES_MAX)
             + TRUST_RELEVANCE_GAIN * (relevance - TRUST_RELEVANCE_CENTRE)
             - TRUST_REPEAT_PENALTY * np.maximum(repeats - TRUST_REPEAT_LIMIT, 0)
             + trust_person[pid] + rng.normal(0, TRUST_DAY_SD, len(pid)))
    trust = np.round(np.clip(trust, 0, 10), 1)
    return pd.DataFrame({
        "person_id": [f"D{i + 1:03d}" for i in pid],
        "day": days[day].strftime("%Y-%m-%d"),
        "messages_seen": m, "relevance": np.round(relevance, 3), "max_repeats": repeats,
        "messages_noticed": noticed, "attention_pct": attention, "recall": recall,
        "trust": trust})


def build_trust_sources() -> pd.DataFrame:
    cite15 = "Nielsen Global Trust in Advertising, 2015 (30,000 people, 60 countries)"
    cite09 = "Nielsen Global Trust in Advertising, 2009"
    rows = [
        ("recommendations from people I know", 83, 2015, cite15),
        ("branded websites", 70, 2015, cite15),
        ("consumer opinions posted online", 66, 2015, cite15),
        ("ads on TV", 63, 2015, cite15),
        ("recommendations from people I know", 90, 2009, cite09),
        ("consumer opinions posted online", 70, 2009, cite09),
        ("online banner ads", 33, 2009, cite09),
    ]
    df = pd.DataFrame(rows, columns=["source", "pct_trusting", "year", "citation"])
    df["real_data"] = True
    return df


# --------------------------------------------------------------------------------------------
# Lessons 00, 04, 09: brand posts and their comments
# --------------------------------------------------------------------------------------------
POST_PLATFORM = {
    # posts/week, followers start, followers end, median engagement/followers (Rival IQ),
    # share of engagements that are likes / comments / shares, impressions per follower,
    # formats and their weights
    "facebook": (5.0, 48_000, 52_000, 0.0006, (0.80, 0.10, 0.10), 0.07,
                 (["text", "image", "video", "link"], [0.15, 0.4, 0.25, 0.2])),
    "instagram": (4.5, 30_000, 62_000, 0.0047, (0.91, 0.05, 0.04), 0.16,
                  (["image", "video", "carousel"], [0.45, 0.3, 0.25])),
    "x": (3.9, 14_000, 16_000, 0.00035, (0.62, 0.13, 0.25), 0.09,
          (["text", "image", "video", "link"], [0.35, 0.3, 0.1, 0.25])),
    "tiktok": (1.75, 4_000, 45_000, 0.04, (0.89, 0.045, 0.065), 1.6, (["video"], [1.0])),
}
STYLE_MULT = {  # likes, comments, shares, clicks
    "broadcast": (1.0, 1.0, 1.0, 1.0),
    "question": (0.9, 1.8, 0.8, 1.15),
    "reply": (0.75, 1.7, 0.6, 1.2),
    "user_content": (1.1, 1.8, 1.2, 1.25),
    "behind_the_scenes": (1.1, 1.6, 1.1, 1.3),
}
FORMAT_MULT = {"text": 0.75, "image": 1.0, "video": 1.25, "carousel": 1.15, "link": 0.7}
# the brand slowly learns to talk with people: the share of broadcasts falls linearly over the two
# years, from BROADCAST_SHARE_START to BROADCAST_SHARE_START - BROADCAST_SHARE_DROP (68% -> 42%)
BROADCAST_SHARE_START = 0.68
BROADCAST_SHARE_DROP = 0.26
# the mix of the conversational styles (question, reply, user_content, behind_the_scenes)
CONVERSATIONAL_MIX = (0.3, 0.15, 0.27, 0.28)
POST_TEXT = {
    "broadcast": [
        "New in: {blend}. Order {product} today.",
        "This week only: 15% off {product}.",
        "{blend}, roasted fresh this week. Find it in the app.",
        "Free delivery on {product} orders this weekend.",
        "Our {product} are back in stock.",
        "Meet the {blend}: bold, smooth, ready for your morning.",
    ],
    "question": [
        "How do you take your {blend}? Tell us below.",
        "{product} or {product2}: which one starts your day?",
        "What should we roast next? Give us your ideas.",
        "Morning cup or afternoon cup? Where do you stand?",
        "What is your go-to brew method for {blend}?",
    ],
    "reply": [
        "@{user} Good catch, the {blend} is back on Friday. We saved you a bag.",
        "@{user} Sorry about the wait. A new {product} is on its way to you.",
        "@{user} Yes! The {product} work with most machines. Send us a photo when it lands.",
        "@{user} Thanks for the idea, we passed it to the roasting team.",
    ],
    "user_content": [
        "Your photos this week: the best {blend} setups from our community.",
        "Shared by @{user}: Sunday pot of {blend}. Thank you for tagging us.",
        "Community pick of the week: @{user} and a perfect {product}.",
        "You made it, we share it: latte art from @{user}.",
    ],
    "behind_the_scenes": [
        "5 am at the roastery: the first batch of {blend}.",
        "Meet Dana, who tastes every batch of {blend} before it ships.",
        "How we pack your {product}: a look inside the warehouse.",
        "From farm to cup: our buyer visits the {blend} growers.",
    ],
}


def _fill(rng, template: str) -> str:
    p = rng.choice(PRODUCTS, 2, replace=False)
    return template.format(blend=rng.choice(BLENDS), product=p[0], product2=p[1],
                           user=_user(rng.integers(1, 9000)))


def build_posts() -> pd.DataFrame:
    rng = _rng(4)
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-12-31 23:59:59")
    weeks = pd.date_range(start, end, freq="7D")
    rows = []
    for plat, (ppw, *_rest) in POST_PLATFORM.items():
        n_week = rng.poisson(ppw, len(weeks))
        for w, k in zip(weeks, n_week, strict=True):
            offs = np.sort(rng.integers(0, 7, k))
            hours = rng.choice(np.arange(7, 22), k)
            mins = rng.integers(0, 60, k)
            for d, h, mi in zip(offs, hours, mins, strict=True):
                t = w + pd.Timedelta(days=int(d), hours=int(h), minutes=int(mi))
                if t > end:
                    continue
                rows.append((plat, t))
    df = pd.DataFrame(rows, columns=["platform", "posted_at"])
    df = df.sort_values(["posted_at", "platform"], kind="stable").reset_index(drop=True)
    n = len(df)
    frac = ((df["posted_at"] - start) / (end - start)).to_numpy()
    # the brand slowly learns to talk with people: fewer broadcasts in year two
    p_broad = BROADCAST_SHARE_START - BROADCAST_SHARE_DROP * frac
    other = np.array(CONVERSATIONAL_MIX)
    style = np.empty(n, dtype=object)
    fmt = np.empty(n, dtype=object)
    followers = np.empty(n, dtype=np.int64)
    imp = np.empty(n, dtype=np.int64)
    reach = np.empty(n, dtype=np.int64)
    likes = np.empty(n, dtype=np.int64)
    comments = np.empty(n, dtype=np.int64)
    shares = np.empty(n, dtype=np.int64)
    clicks = np.empty(n, dtype=np.int64)
    texts = []
    quality = rng.lognormal(0, 0.6, n)
    for i in range(n):
        plat = df.at[i, "platform"]
        ppw, f0, f1, er, (sl, sc, ss), ipf, (fmts, fw) = POST_PLATFORM[plat]
        st = "broadcast" if rng.random() < p_broad[i] else STYLES[1 + rng.choice(4, p=other)]
        fm = rng.choice(fmts, p=fw)
        if plat == "x" and st == "reply":
            fm = "text"
        style[i], fmt[i] = st, fm
        fol = int(f0 * (f1 / f0) ** frac[i] * np.exp(rng.normal(0, 0.004)))
        followers[i] = fol
        q = quality[i]
        imp_i = fol * ipf * q ** 0.8 * FORMAT_MULT[fm] * rng.lognormal(0, 0.3)
        imp[i] = max(1, int(imp_i))
        reach[i] = max(1, int(imp[i] / rng.uniform(1.05, 1.4)))
        ml, mc, ms, mk = STYLE_MULT[st]
        base = fol * er * q * FORMAT_MULT[fm] * 0.93
        likes[i] = rng.poisson(base * sl * ml * rng.lognormal(0, 0.2))
        comments[i] = rng.poisson(base * sc * mc * rng.lognormal(0, 0.3))
        shares[i] = rng.poisson(base * ss * ms * rng.lognormal(0, 0.3))
        ctr = (0.012 if fm == "link" else 0.0035) * mk * rng.lognormal(0, 0.3)
        clicks[i] = rng.binomial(imp[i], min(ctr, 1.0))
        texts.append(_fill(rng, str(rng.choice(POST_TEXT[st]))))
    df.insert(0, "post_id", [f"P{i + 1:05d}" for i in range(n)])
    df["posted_at"] = _fmt_dt(df["posted_at"])
    df["format"] = fmt
    df["style"] = style
    df["text"] = texts
    df["followers"] = followers
    df["impressions"] = imp
    df["reach"] = np.minimum(reach, imp)
    df["likes"] = likes
    df["comments"] = comments
    df["shares"] = shares
    df["clicks"] = clicks
    return df


USER_POOL = 9000
#: Heavy-tailed activity (lessons 04-07): each account's share of what is written is drawn from a
#: Pareto (Lomax) distribution with this shape, plus ACTIVITY_FLOOR. A shape near 1 has a very
#: heavy tail: a few super-users write much of what is written, most people almost nothing.
ACTIVITY_PARETO_SHAPE = 1.1
ACTIVITY_FLOOR = 0.05


def _user_weights(rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed activity: a few super-users write much of what is written."""
    w = rng.pareto(ACTIVITY_PARETO_SHAPE, USER_POOL) + ACTIVITY_FLOOR
    return w / w.sum()


COMMENT_TOP = {
    "pos": ["Love this! The {blend} is my favourite.", "So good, ordering more {product}.",
            "Best coffee in town, great job.", "Wow, beautiful photo.",
            "This made my morning, thank you!", "Yes please! Love the {product}."],
    "neu": ["Is the {blend} available in {product}?", "Where can I buy {product}?",
            "Mine is the {blend}, every morning.", "French press, always.",
            "When does the new {product} ship?", "Tagging my sister here.",
            "Does this work with the app subscription?"],
    "neg": ["My last order of {product} arrived late, not happy.",
            "Too expensive for me now, sadly.", "The app keeps failing at checkout, annoying.",
            "Bring back the old {blend}, the new one is bitter."],
}
COMMENT_REPLY = ["Same here!", "Agreed, the {blend} is great.", "Try it with oat milk.",
                 "Mine arrived yesterday.", "Not for me, too strong.", "Good point.",
                 "Thanks, will try that.", "Ha, me too."]
#: How often the brand answers a comment (lessons 04, 06, 07): its chance grows from
#: BRAND_REPLY_BASE over the two years by BRAND_REPLY_GROWTH, plus BRAND_REPLY_CONVERSATIONAL on a
#: post that is not a broadcast. COMMENT_TOP_LEVEL_SHARE of comments start a thread; the rest reply
#: to an earlier comment on the same post.
BRAND_REPLY_BASE = 0.22
BRAND_REPLY_GROWTH = 0.25
BRAND_REPLY_CONVERSATIONAL = 0.12
COMMENT_TOP_LEVEL_SHARE = 0.62
BRAND_REPLY = ["Thanks so much! Enjoy your {blend}.", "Great question: yes, it comes in {product}.",
               "Sorry about that! Send us a DM with your order number and we will fix it.",
               "Thank you for sharing this with us!", "Noted, passing it to the roasting team.",
               "It ships next week, we will post here when it does."]


def build_comments(posts: pd.DataFrame) -> pd.DataFrame:
    rng = _rng(5)
    w = _user_weights(rng)
    posted = pd.to_datetime(posts["posted_at"]).to_numpy()
    frac = np.linspace(0, 1, len(posts))
    conv = posts["style"].to_numpy() != "broadcast"
    ids, pids, authors, times, texts, isb, parents = [], [], [], [], [], [], []
    k = 0
    for i, n in enumerate(posts["comments"].to_numpy()):
        if n == 0:
            continue
        # brand answers more comments on conversational posts and in year two
        p_brand = (BRAND_REPLY_BASE + BRAND_REPLY_GROWTH * frac[i]
                   + (BRAND_REPLY_CONVERSATIONAL if conv[i] else 0.0))
        p_top = COMMENT_TOP_LEVEL_SHARE
        local_auth, local_t, local_ids, local_top, local_brand = [], [], [], [], []
        pool = rng.choice(USER_POOL, size=n, p=w)
        for j in range(n):
            k += 1
            cid = f"K{k:06d}"
            top = j == 0 or rng.random() < p_top
            if top:
                parent = ""
                t = posted[i] + np.timedelta64(int(rng.exponential(180)) + 1, "m")
                brand = False
                mood = rng.choice(["pos", "neu", "neg"], p=[0.5, 0.35, 0.15])
                text = _fill(rng, str(rng.choice(COMMENT_TOP[mood])))
            else:
                pj = int(rng.integers(0, j))
                parent = local_ids[pj]
                brand = (not local_brand[pj]) and rng.random() < p_brand / (1 - p_top) * 0.6
                t = local_t[pj] + np.timedelta64(int(rng.lognormal(4.3, 1.0)) + 1, "m")
                text = _fill(rng, str(rng.choice(BRAND_REPLY if brand else COMMENT_REPLY)))
            auth = BRAND if brand else _user(pool[j] + 1)
            local_auth.append(auth)
            local_t.append(t)
            local_ids.append(cid)
            local_top.append(top)
            local_brand.append(brand)
            ids.append(cid)
            pids.append(posts["post_id"].iat[i])
            authors.append(auth)
            times.append(t)
            texts.append(text)
            isb.append(brand)
            parents.append(parent)
    df = pd.DataFrame({"comment_id": ids, "post_id": pids, "author_id": authors,
                       "commented_at": times, "text": texts, "is_brand": isb,
                       "parent_id": parents})
    brand_parents = set(df.loc[df["is_brand"], "parent_id"])
    df["brand_replied"] = df["comment_id"].isin(brand_parents) & (df["parent_id"] == "")
    df["brand_replied"] = df["brand_replied"].where(df["parent_id"] == "", pd.NA)
    df["commented_at"] = _fmt_dt(df["commented_at"])
    return df


# --------------------------------------------------------------------------------------------
# Lesson 05: mentions, with one crisis
# --------------------------------------------------------------------------------------------
MENTION_TEMPLATES = {
    # topic: list of (kind, intended_sentiment, template)
    "taste": [
        ("praise", "positive", "The {blend} from Copperpot is so good, best cup all week."),
        ("praise", "positive", "Really love the new {blend}, smooth and rich."),
        ("praise", "positive", "Never disappointed by Copperpot {product}. Great coffee."),
        ("complaint", "negative", "The new {blend} tastes burnt and bitter. Disappointed."),
        ("complaint", "negative", "Copperpot changed the {blend} recipe and it is awful now."),
        ("question", "neutral", "Is the {blend} from Copperpot a light or a dark roast?"),
        ("request", "neutral", "Copperpot, bring the {blend} to capsules next."),
        ("request", "positive", "Would love a decaf version of the {blend}, Copperpot!"),
        ("complaint", "negative", "Oh great, the {blend} is sold out again. Just great."),
    ],
    "price": [
        ("complaint", "negative", "Copperpot raised the price of {product} again. Ridiculous."),
        ("complaint", "negative", "Sad that Copperpot {product} got so expensive, too bad."),
        ("question", "neutral", "Does Copperpot do student discounts on {product}?"),
        ("praise", "positive", "The Copperpot subscription deal is a great value, happy."),
        ("request", "neutral", "Copperpot should offer a bigger pack of {product} each month."),
        ("news", "neutral", "Coffee bean prices rose this quarter, roasters including "
                            "Copperpot adjust their lists."),
    ],
    "delivery": [
        ("complaint", "negative", "Copperpot order of {product} still missing after a week. "
                                  "Terrible service."),
        ("complaint", "negative", "My {product} arrived crushed, really disappointed, Copperpot."),
        ("praise", "positive", "Ordered {product} at 9 and they arrived by lunch. Amazing, "
                               "thanks Copperpot!"),
        ("question", "neutral", "Does Copperpot ship {product} to the islands?"),
        ("question", "neutral", "How long does Copperpot delivery take to the north district?"),
        ("complaint", "negative", "Delivery was late but the courier was so nice about it."),
    ],
    "app": [
        ("complaint", "negative", "The Copperpot app crashed again at checkout. So frustrating."),
        ("complaint", "negative", "Copperpot app is broken, lost my loyalty points. Awful."),
        ("praise", "positive", "The new Copperpot app makes ordering {product} so easy, love it."),
        ("question", "neutral", "Is there a way to pause my subscription in the Copperpot app?"),
        ("request", "neutral", "Copperpot app should show when my {product} will ship."),
        ("news", "neutral", "Copperpot releases version 4 of its ordering app."),
    ],
    "staff": [
        ("praise", "positive", "The barista at Copperpot Harbour St was so kind and friendly."),
        ("praise", "positive", "Shout out to the Copperpot team, great service today!"),
        ("complaint", "negative", "Rude staff at the Copperpot cafe this morning, not impressed."),
        ("question", "neutral", "Is Copperpot hiring baristas for the summer?"),
        ("news", "neutral", "Copperpot opens a training school for baristas in the centre."),
    ],
    "sustainability": [
        ("praise", "positive", "Glad Copperpot switched to compostable capsules. Great move."),
        ("complaint", "negative", "Copperpot still uses plastic bags for {product}? Bad look."),
        ("question", "neutral", "Where does Copperpot source the {blend} beans?"),
        ("request", "neutral", "Copperpot, publish the farm prices for the {blend}."),
        ("news", "neutral", "Copperpot reports its carbon footprint for the first time."),
        ("praise", "positive", "Copperpot paying farmers fairly is why I buy from them. Proud."),
    ],
}
CRISIS_TEMPLATES = [
    ("complaint", "negative",
     "Copperpot app down again, cannot order anything. Useless and annoying."),
    ("complaint", "negative", "Charged twice in the Copperpot app and no order. Angry."),
    ("complaint", "negative", "Is anyone else stuck? Copperpot app error at payment, terrible."),
    ("complaint", "negative", "Third day the Copperpot app fails. Worst update ever."),
    ("question", "neutral", "Is the Copperpot app working for anyone today?"),
    ("news", "neutral", "Copperpot says it is investigating an outage of its ordering app."),
    ("complaint", "negative", "Copperpot, I lost my order and my points. Not ok, fix this."),
]
MENTION_TAILS = ["", "", "", " #coffee", " #morningcoffee", " #copperpot", " #espresso",
                 " @CopperpotCoffee", " (north district)", " (harbour side)", " #flatwhite"]
MENTION_HEADS = ["Hey @CopperpotCoffee, ", "So, ", "Update: ", "PSA: ", "Me today: "]
# The crisis is BUILT IN (lesson 05 says so): an app outage that starts on CRISIS_START with about
# CRISIS_FIRST_DAY extra mentions, grows by a factor exp(CRISIS_GROWTH) a day for
# CRISIS_GROWTH_DAYS days, then decays by exp(-CRISIS_DECAY) a day. All of it is about the app.
CRISIS_START = pd.Timestamp("2025-03-10")
CRISIS_FIRST_DAY = 3
CRISIS_GROWTH = 0.85
CRISIS_GROWTH_DAYS = 5
CRISIS_DECAY = 0.35
MENTION_PLATFORMS = ["x", "facebook", "instagram", "tiktok", "reviews", "forums"]


def build_mentions() -> pd.DataFrame:
    rng = _rng(6)
    w = _user_weights(rng)
    days = pd.date_range("2024-01-01", "2025-12-31", freq="D")
    trend = np.linspace(9, 13, len(days))
    weekly = np.where(days.day_of_week >= 5, 0.8, 1.07)
    december = np.where(days.month == 12, 1.25, 1.0)  # gift season
    base = rng.poisson(trend * weekly * december)
    d_since = (days - CRISIS_START).days.to_numpy()
    # starts with a handful of complaints, grows for five days, decays over two weeks
    crisis = np.where(d_since < 0, 0,
                      np.where(d_since <= CRISIS_GROWTH_DAYS,
                               CRISIS_FIRST_DAY * np.exp(CRISIS_GROWTH * d_since),
                               CRISIS_FIRST_DAY * np.exp(CRISIS_GROWTH * CRISIS_GROWTH_DAYS)
                               * np.exp(-CRISIS_DECAY * (d_since - CRISIS_GROWTH_DAYS))))
    crisis = rng.poisson(crisis)
    topics = list(MENTION_TEMPLATES)
    topic_p = [0.28, 0.16, 0.2, 0.14, 0.1, 0.12]
    rows = []
    for di, day in enumerate(days):
        for kind_crisis, k in ((False, base[di]), (True, crisis[di])):
            for _ in range(k):
                if kind_crisis:
                    topic = "app"
                    kind, sent, tpl = CRISIS_TEMPLATES[rng.integers(len(CRISIS_TEMPLATES))]
                else:
                    topic = topics[rng.choice(len(topics), p=topic_p)]
                    opts = MENTION_TEMPLATES[topic]
                    kind, sent, tpl = opts[rng.integers(len(opts))]
                sec = int(rng.integers(6 * 3600, 24 * 3600))
                text = _fill(rng, tpl) + str(rng.choice(MENTION_TAILS))
                if rng.random() < 0.3:
                    first = text if text.startswith("Copperpot") else text[0].lower() + text[1:]
                    text = str(rng.choice(MENTION_HEADS)) + first
                rows.append((day + pd.Timedelta(seconds=sec), topic, kind, sent, text))
    df = pd.DataFrame(rows, columns=["mentioned_at", "topic", "kind", "intended_sentiment",
                                     "text"])
    df = df.sort_values("mentioned_at", kind="stable").reset_index(drop=True)
    n = len(df)
    df.insert(0, "mention_id", [f"M{i + 1:06d}" for i in range(n)])
    df.insert(1, "platform", _pick(rng, MENTION_PLATFORMS, n,
                                   p=[0.34, 0.2, 0.18, 0.12, 0.1, 0.06]))
    df.insert(3, "author_id", [_user(u + 1) for u in rng.choice(USER_POOL, n, p=w)])
    df["mentioned_at"] = _fmt_dt(df["mentioned_at"])
    return df[["mention_id", "platform", "mentioned_at", "author_id", "text", "topic", "kind",
               "intended_sentiment"]]


# --------------------------------------------------------------------------------------------
# Lesson 06: support threads
# --------------------------------------------------------------------------------------------
ISSUES = ["late_delivery", "damaged_order", "app_login", "payment", "refund",
          "product_question", "subscription", "cafe_experience"]
ISSUE_SHARE = [0.22, 0.1, 0.14, 0.1, 0.1, 0.16, 0.1, 0.08]
SUPPORT_PLATFORM_SHARE = [0.35, 0.25, 0.32, 0.08]
# Who gets answered: a coin whose odds rise from ANSWER_RATE_START (January 2024) by
# ANSWER_RATE_GAIN (to December 2025), the same coin for every issue type, platform and mood.
# Answering here is NOT selective, unlike a real desk's (lesson 06 says so and shows what a
# selective desk would do to a naive comparison). Calibrated to a minority answered (Sprout Social
# Index 11-17%, Socialbakers 38% of questions).
ANSWER_RATE_START = 0.30
ANSWER_RATE_GAIN = 0.14
# Minutes to the first reply: log-normal with this median and spread (of the log), at least 0.5.
RESPONSE_MEDIAN_MINUTES = 25
RESPONSE_LOG_SPREAD = 1.6
# Half the replies are personal, half a template, whatever the issue or the wait.
PERSONAL_SHARE = 0.5
# BUILT IN (lesson 06), the reply effect: a reply's benefit is
# REPLY_BENEFIT * exp(-minutes / REPLY_FADE_MINUTES), plus PERSONAL_BONUS for a personal reply,
# the same for every issue type and platform. Calibrated to Twitter / Applied Marketing Science
# (2015): about $20 more within 6 minutes, $2.33 after an hour, about $9 for any reply.
REPLY_BENEFIT = 0.9
REPLY_FADE_MINUTES = 20
PERSONAL_BONUS = 0.08
# BUILT IN (lesson 06): sentiment moves by SENTIMENT_ANY_REPLY + SENTIMENT_PER_BENEFIT * benefit
# with a reply, by SENTIMENT_NO_REPLY without one (plus noise of SENTIMENT_NOISE), clipped to -1..1.
SENTIMENT_BEFORE_MEAN = -0.45
SENTIMENT_BEFORE_SPREAD = 0.3
SENTIMENT_ANY_REPLY = 0.06
SENTIMENT_PER_BENEFIT = 0.4
SENTIMENT_NO_REPLY = -0.04
SENTIMENT_NOISE = 0.25
# BUILT IN (lesson 06): the chance the problem is solved: RESOLVED_WITH_REPLY with a reply (plus
# RESOLVED_PERSONAL_GAIN when personal), RESOLVED_NO_REPLY without. Not calibrated to any study.
RESOLVED_WITH_REPLY = 0.55
RESOLVED_PERSONAL_GAIN = 0.25
RESOLVED_NO_REPLY = 0.12
# BUILT IN (lesson 06): the chance of buying again within 90 days: BUY_BASE, plus BUY_ANY_REPLY
# for any reply, plus BUY_PER_BENEFIT * benefit; a purchase is a gamma-distributed basket with
# mean BASKET_MEAN_USD (shape BASKET_SHAPE), whatever happened in the thread.
BUY_BASE = 0.34
BUY_ANY_REPLY = 0.01
BUY_PER_BENEFIT = 0.34
BASKET_SHAPE = 4.0
BASKET_MEAN_USD = 60


def build_support() -> pd.DataFrame:
    rng = _rng(7)
    n = 4000
    start = pd.Timestamp("2024-01-01")
    opened = start + pd.to_timedelta(np.sort(rng.integers(0, 731 * 86400, n)), unit="s")
    frac = np.linspace(0, 1, n)
    issue = _pick(rng, ISSUES, n, p=ISSUE_SHARE)
    platform = _pick(rng, PLATFORMS, n, p=SUPPORT_PLATFORM_SHARE)
    # a minority answered, slowly improving; not selective (see ANSWER_RATE_START)
    answered = rng.random(n) < ANSWER_RATE_START + ANSWER_RATE_GAIN * frac
    minutes = np.round(rng.lognormal(np.log(RESPONSE_MEDIAN_MINUTES), RESPONSE_LOG_SPREAD, n), 1)
    minutes = np.maximum(minutes, 0.5)
    personal = answered & (rng.random(n) < PERSONAL_SHARE)
    style = np.where(~answered, "none", np.where(personal, "personal", "template"))
    t = np.where(answered, minutes, np.inf)
    # benefit of a reply fades with waiting time (Twitter/AMS 2015: $20 within 6 min, $2.33
    # after an hour, about $9 for any reply); a personal reply adds a little
    g = np.where(answered, REPLY_BENEFIT * np.exp(-t / REPLY_FADE_MINUTES)
                 + PERSONAL_BONUS * personal, 0.0)
    before = np.round(np.clip(rng.normal(SENTIMENT_BEFORE_MEAN, SENTIMENT_BEFORE_SPREAD, n), -1, 1), 2)
    after = before + np.where(answered, SENTIMENT_ANY_REPLY + SENTIMENT_PER_BENEFIT * g,
                              SENTIMENT_NO_REPLY) + rng.normal(0, SENTIMENT_NOISE, n)
    after = np.round(np.clip(after, -1, 1), 2)
    p_res = np.where(answered, RESOLVED_WITH_REPLY + RESOLVED_PERSONAL_GAIN * personal,
                     RESOLVED_NO_REPLY)
    resolved = rng.random(n) < p_res
    p_buy = np.clip(BUY_BASE + BUY_ANY_REPLY * answered + BUY_PER_BENEFIT * g, 0, 0.95)
    bought = rng.random(n) < p_buy
    basket = rng.gamma(BASKET_SHAPE, BASKET_MEAN_USD / BASKET_SHAPE, n)
    spend = np.round(np.where(bought, basket, 0.0), 2)
    return pd.DataFrame({
        "thread_id": [f"T{i + 1:05d}" for i in range(n)],
        "platform": platform,
        "opened_at": opened.strftime(DT),
        "issue_type": issue,
        "first_response_minutes": np.where(answered, minutes, np.nan),
        "reply_style": style,
        "resolved": resolved,
        "sentiment_before": before,
        "sentiment_after": after,
        "purchased_within_90d": bought,
        "later_spend_usd": spend,
    })


# --------------------------------------------------------------------------------------------
# Lesson 07: idea board and who-replies-to-whom
# --------------------------------------------------------------------------------------------
IDEA_CATEGORIES = {
    "flavours": ["A {blend} with cardamom", "Seasonal pumpkin roast", "Decaf {blend}",
                 "Single-origin tasting flights", "Chicory blend for winter"],
    "app": ["Reorder my last {product} in one tap", "Dark mode for the app",
            "Show roast date in the app", "Share a gift card from the app"],
    "packaging": ["Refill pouches for {product}", "Smaller trial bags",
                  "Compostable capsule sleeves", "Return scheme for bean tins"],
    "sustainability": ["Publish farm prices", "Carbon label on every bag",
                       "Deposit cups in cafes", "Use leftover grounds for compost kits"],
    "cafe": ["Quiet hour in cafes", "Board game night", "Latte art classes",
             "Longer Sunday opening"],
    "loyalty": ["Points for bringing a cup", "Birthday bag of {blend}",
                "Donate points to farmer fund", "Family loyalty account"],
}


IDEAS = 1400
#: votes an idea collects: lognormal (mu, sigma), scaled down for ideas younger than
#: IDEA_VOTE_RAMP_DAYS (they have had less time to collect them)
IDEA_VOTES_LOGNORMAL = (1.4, 1.35)
IDEA_VOTE_RAMP_DAYS = 60
#: The board's review rules (lesson 07). An idea older than IDEA_REVIEW_AFTER_DAYS is reviewed
#: with chance IDEA_REVIEW_BASE, plus IDEA_REVIEW_BONUS_HIGH if it has IDEA_REVIEW_VOTES_HIGH votes
#: or more, plus IDEA_REVIEW_BONUS_MID if it has IDEA_REVIEW_VOTES_MID or more (a vote threshold,
#: like LEGO Ideas' 10,000 supporters, but tiny). A reviewed idea older than
#: IDEA_DECIDE_AFTER_DAYS is decided with chance IDEA_DECIDED_SHARE; a decided idea is shipped with
#: chance IDEA_SHIP_BASE + IDEA_SHIP_POPULARITY x popularity, planned with chance
#: IDEA_PLAN_BASE + IDEA_PLAN_POPULARITY x popularity (above the shipped ones), otherwise declined;
#: popularity = votes / IDEA_POPULAR_VOTES, at most 1. Every other idea stays "new": never answered.
IDEA_REVIEW_AFTER_DAYS = 21
IDEA_REVIEW_BASE = 0.12
IDEA_REVIEW_VOTES_HIGH = 25
IDEA_REVIEW_BONUS_HIGH = 0.8
IDEA_REVIEW_VOTES_MID = 8
IDEA_REVIEW_BONUS_MID = 0.3
IDEA_DECIDE_AFTER_DAYS = 45
IDEA_DECIDED_SHARE = 0.8
IDEA_POPULAR_VOTES = 150
IDEA_SHIP_BASE = 0.06
IDEA_SHIP_POPULARITY = 0.4
IDEA_PLAN_BASE = 0.12
IDEA_PLAN_POPULARITY = 0.5


def build_ideas() -> pd.DataFrame:
    rng = _rng(8)
    w = _user_weights(rng)
    n = IDEAS
    start = pd.Timestamp("2024-01-01")
    at = start + pd.to_timedelta(np.sort(rng.integers(0, 731 * 86400, n)), unit="s")
    cats = list(IDEA_CATEGORIES)
    cat = _pick(rng, cats, n, p=[0.22, 0.22, 0.14, 0.16, 0.12, 0.14])
    titles = [_fill(rng, str(rng.choice(IDEA_CATEGORIES[c]))) for c in cat]
    age_days = (pd.Timestamp("2025-12-31") - at).days.to_numpy()
    votes = np.floor(rng.lognormal(*IDEA_VOTES_LOGNORMAL, n)
                     * np.minimum(1, (age_days + 5) / IDEA_VOTE_RAMP_DAYS)).astype(int)
    status = np.full(n, "new", dtype=object)
    u = rng.random(n)
    reviewed = (age_days > IDEA_REVIEW_AFTER_DAYS) & (
        u < IDEA_REVIEW_BASE + IDEA_REVIEW_BONUS_HIGH * (votes >= IDEA_REVIEW_VOTES_HIGH)
        + IDEA_REVIEW_BONUS_MID * (votes >= IDEA_REVIEW_VOTES_MID))
    status[reviewed] = "under_review"
    v = rng.random(n)
    decided = reviewed & (age_days > IDEA_DECIDE_AFTER_DAYS) & (v < IDEA_DECIDED_SHARE)
    z = rng.random(n)
    pop = np.clip(votes / IDEA_POPULAR_VOTES, 0, 1)
    impl = decided & (z < IDEA_SHIP_BASE + IDEA_SHIP_POPULARITY * pop)
    planned = decided & ~impl & (z < IDEA_PLAN_BASE + IDEA_PLAN_POPULARITY * pop)
    status[decided] = "declined"
    status[planned] = "planned"
    status[impl] = "implemented"
    return pd.DataFrame({
        "idea_id": [f"I{i + 1:05d}" for i in range(n)],
        "author_id": [_user(a + 1) for a in rng.choice(USER_POOL, n, p=w)],
        "submitted_at": at.strftime(DT),
        "title": titles,
        "category": cat,
        "votes": votes,
        "status": status,
        "implemented": status == "implemented",
    })


#: The community forum (lesson 07): FORUM_MEMBERS accounts, drawn by activity (ACTIVITY_PARETO_SHAPE),
#: write FORUM_REPLIES replies to each other (self-replies dropped), writer and addressee both
#: drawn in proportion to activity, so the most active are also the most replied to. A share
#: FORUM_TO_BRAND of them is addressed to the brand instead. A reply gets one back with chance
#: BRAND_REPLY_BACK when it was addressed to the brand (the brand answers), MEMBER_REPLY_BACK
#: when addressed to a member.
FORUM_MEMBERS = 700
FORUM_REPLIES = 5200
FORUM_TO_BRAND = 0.07
BRAND_REPLY_BACK = 0.6
MEMBER_REPLY_BACK = 0.12


def build_interactions(posts: pd.DataFrame, comments: pd.DataFrame) -> pd.DataFrame:
    """Reply edges from comments.csv plus the community forum, in one directed edge list."""
    rng = _rng(9)
    c = comments[comments["parent_id"] != ""]
    par = comments.set_index("comment_id")
    plat = posts.set_index("post_id")["platform"]
    e1 = pd.DataFrame({"source_author": c["author_id"].to_numpy(),
                       "target_author": par.loc[c["parent_id"], "author_id"].to_numpy(),
                       "at": c["commented_at"].to_numpy(),
                       "channel": plat.loc[c["post_id"]].to_numpy(),
                       "context": "comment_reply"})
    e1 = e1[e1["source_author"] != e1["target_author"]]
    # community forum: heavy-tailed activity; some replies get one back
    w = _user_weights(rng)
    active = rng.choice(USER_POOL, FORUM_MEMBERS, replace=False, p=w)
    aw = w[active] / w[active].sum()
    n = FORUM_REPLIES
    src = active[rng.choice(len(active), n, p=aw)]
    tgt = active[rng.choice(len(active), n, p=aw)]
    keep = src != tgt
    src, tgt = src[keep], tgt[keep]
    t0 = pd.Timestamp("2024-01-01")
    at = t0 + pd.to_timedelta(rng.integers(0, 730 * 86400, len(src)), unit="s")
    brand_t = rng.random(len(src)) < FORUM_TO_BRAND
    src_ids = np.array([_user(s + 1) for s in src], dtype=object)
    tgt_ids = np.array([_user(t + 1) for t in tgt], dtype=object)
    tgt_ids[brand_t] = BRAND
    back = rng.random(len(src)) < np.where(brand_t, BRAND_REPLY_BACK, MEMBER_REPLY_BACK)
    e2 = pd.DataFrame({"source_author": src_ids, "target_author": tgt_ids,
                       "at": at.strftime(DT), "channel": "community", "context": "forum"})
    e3 = pd.DataFrame({"source_author": tgt_ids[back], "target_author": src_ids[back],
                       "at": (at[back] + pd.to_timedelta(
                           rng.integers(5, 2 * 86400, back.sum()), unit="s")).strftime(DT),
                       "channel": "community", "context": "forum"})
    df = pd.concat([e1, e2, e3], ignore_index=True)
    df = df.sort_values(["at", "source_author", "target_author"], kind="stable")
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Lesson 08: Harbour City Health flu-vaccine campaign
# --------------------------------------------------------------------------------------------
# platform: posts per week, followers at the start and the end, engagement per follower,
# (likes, comments, shares) mix, impressions per follower
HEALTH_PLATFORM = {
    "facebook": (3.0, 22_000, 23_500, 0.0009, (0.75, 0.13, 0.12), 0.08),
    "instagram": (2.5, 9_000, 10_500, 0.005, (0.88, 0.07, 0.05), 0.15),
    "x": (4.0, 31_000, 31_800, 0.0005, (0.6, 0.15, 0.25), 0.08),
    "tiktok": (1.0, 2_000, 6_500, 0.03, (0.88, 0.06, 0.06), 1.2),
}
HEALTH_TEXT = {
    "broadcast": ["Flu vaccines are free for over-65s. Book at the clinic page.",
                  "Flu season is here. Book your vaccine today.",
                  "Clinics open at the {place} this week. Book online.",
                  "Protect the people around you: get your flu jab."],
    "question": ["What stops you from getting a flu jab? Tell us below.",
                 "Ask a nurse: post your flu vaccine questions and we answer live at noon.",
                 "Have you booked your flu jab yet?"],
    "reply": ["@{user} Yes, the jab is free for you. Book at the {place} clinic.",
              "@{user} Most side effects are mild and pass in a day or two.",
              "@{user} Children aged 2-11 get the nasal spray, no needle."],
    "user_content": ["Thank you @{user} for sharing your jab selfie from the {place}!",
                     "Our community vaccinators at the {place}: photos from you."],
    "behind_the_scenes": ["Meet the nurses running the {place} pop-up clinic.",
                          "How a vaccine gets from the fridge to your arm.",
                          "Prepared for flu season? Our zombie-proof checklist."],
}
PLACES = ["central library", "harbour market", "north leisure centre", "east station",
          "city hall", "south community hall"]
HEALTH_TOPICS = {
    "side_effects": ["Is a sore arm normal after the flu jab?",
                     "Can the flu vaccine give me the flu?",
                     "How long do side effects of the jab last?"],
    "where_when": ["Where can I get the flu jab near the {place}?",
                   "Is the {place} clinic open on Saturday?",
                   "Do I need an appointment at the {place}?"],
    "cost": ["Is the flu vaccine free for me?", "How much does the jab cost without insurance?"],
    "eligibility": ["Can I get the jab while pregnant?", "Who can book at the {place} clinic?",
                    "Can my 70 year old dad walk in without booking?"],
    "myths": ["Is it true the vaccine weakens your immune system?",
              "Why get a jab every year if I had one last year?",
              "I heard the flu shot has mercury in it, is that right?"],
    "children": ["Can my 4 year old get the nasal spray?",
                 "Does my child need one or two doses?"],
}


# BUILT IN (lesson 08). The campaign runs from HEALTH_START to HEALTH_END; interest (a factor on
# every post's engagement) peaks HEALTH_SEASON_PEAK of the way through (mid-October), with width
# HEALTH_SEASON_WIDTH, and ranges from HEALTH_SEASON_FLOOR to HEALTH_SEASON_FLOOR + HEALTH_SEASON_GAIN.
HEALTH_START, HEALTH_END = "2025-09-15", "2025-12-14 23:59:59"
HEALTH_SEASON_PEAK = 0.35
HEALTH_SEASON_WIDTH = 0.3
HEALTH_SEASON_FLOOR = 0.7
HEALTH_SEASON_GAIN = 0.6
# Posts are published between these hours (from, to excluded), every day of the week.
HEALTH_POSTING_HOURS = (8, 19)
# The share of each style (in STYLES' order): half the posts are broadcasts.
HEALTH_STYLE_SHARE = [0.5, 0.15, 0.15, 0.08, 0.12]
# Formats off TikTok (text, image, video, link); every TikTok post is a video.
HEALTH_FORMATS = ["text", "image", "video", "link"]
HEALTH_FORMAT_SHARE = [0.2, 0.35, 0.2, 0.25]
# A post's quality: log-normal with this spread (then times the season).
HEALTH_QUALITY_SD = 0.55
# The odd playful post travels far (cf. the CDC "Zombie Apocalypse" post): a behind-the-scenes post
# gets, with chance HEALTH_PLAYFUL_CHANCE, HEALTH_PLAYFUL_BOOST times the quality (its
# impressions grow as the quality to the power HEALTH_IMPRESSION_ELASTICITY, its engagement in
# proportion). Which posts are boosted is not recorded, and does not depend on their text.
HEALTH_PLAYFUL_CHANCE = 0.08
HEALTH_PLAYFUL_BOOST = 8
HEALTH_IMPRESSION_ELASTICITY = 0.8
# Clicks to the booking page per impression: a link post, any other post (times the style's click
# multiplier in STYLE_MULT, and noise).
HEALTH_CTR_LINK = 0.02
HEALTH_CTR_OTHER = 0.006
# Every click books an appointment with the same chance, whatever the post, its style or reach.
HEALTH_BOOKING_RATE = 0.12
# Questions under a post: Poisson with mean HEALTH_QUESTIONS_BASE + HEALTH_QUESTIONS_PER_COMMENT x
# the post's comments (so a style that draws comments draws questions), each asked an
# exponentially distributed HEALTH_QUESTION_DELAY_MINUTES (mean) after the post; plus
# HEALTH_DIRECT_MESSAGES direct messages at random times over the campaign.
HEALTH_QUESTIONS_BASE = 1.0
HEALTH_QUESTIONS_PER_COMMENT = 0.15
HEALTH_QUESTION_DELAY_MINUTES = 300
HEALTH_DIRECT_MESSAGES = 250
# The share of each topic (in HEALTH_TOPICS' order), the same under every post and platform.
HEALTH_TOPIC_SHARE = [0.22, 0.26, 0.1, 0.16, 0.16, 0.1]
# The department answers a question with chance HEALTH_ANSWER_RATE, a question about a myth with
# HEALTH_MYTHS_ANSWER_RATE (the same on every platform, at any hour).
HEALTH_ANSWER_RATE = 0.62
HEALTH_MYTHS_ANSWER_RATE = 0.45
# Office hours: weekdays, from HEALTH_OFFICE_HOURS[0]:00 to HEALTH_OFFICE_HOURS[1]:59. Minutes to
# an answer are log-normal: median HEALTH_OFFICE_MINUTES (spread HEALTH_OFFICE_SD) for a question
# asked in office hours, median HEALTH_AFTER_HOURS_MINUTES (spread HEALTH_AFTER_HOURS_SD) outside.
HEALTH_OFFICE_HOURS = (8, 17)
HEALTH_OFFICE_MINUTES = 45
HEALTH_OFFICE_SD = 1.0
HEALTH_AFTER_HOURS_MINUTES = 600
HEALTH_AFTER_HOURS_SD = 0.7


def build_health() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = _rng(10)
    start, end = pd.Timestamp(HEALTH_START), pd.Timestamp(HEALTH_END)
    weeks = pd.date_range(start, end, freq="7D")
    rows = []
    for plat, (ppw, *_rest) in HEALTH_PLATFORM.items():
        for w, k in zip(weeks, rng.poisson(ppw, len(weeks)), strict=True):
            for d in np.sort(rng.integers(0, 7, k)):
                t = w + pd.Timedelta(days=int(d), hours=int(rng.integers(*HEALTH_POSTING_HOURS)),
                                     minutes=int(rng.integers(0, 60)))
                rows.append((plat, t))
    df = pd.DataFrame(rows, columns=["platform", "posted_at"])
    df = df.sort_values(["posted_at", "platform"], kind="stable").reset_index(drop=True)
    n = len(df)
    frac = ((df["posted_at"] - start) / (end - start)).to_numpy()
    season = np.exp(-((frac - HEALTH_SEASON_PEAK) / HEALTH_SEASON_WIDTH) ** 2)  # peaks in October
    out = {k: [] for k in ["format", "style", "text", "followers", "impressions", "reach",
                           "likes", "comments", "shares", "clicks", "bookings"]}
    for i in range(n):
        plat = df.at[i, "platform"]
        ppw, f0, f1, er, (sl, sc, ss), ipf = HEALTH_PLATFORM[plat]
        st = STYLES[rng.choice(5, p=HEALTH_STYLE_SHARE)]
        fm = "video" if plat == "tiktok" else str(rng.choice(HEALTH_FORMATS, p=HEALTH_FORMAT_SHARE))
        fol = int(f0 * (f1 / f0) ** frac[i])
        q = rng.lognormal(0, HEALTH_QUALITY_SD) * (HEALTH_SEASON_FLOOR + HEALTH_SEASON_GAIN * season[i])
        if st == "behind_the_scenes" and rng.random() < HEALTH_PLAYFUL_CHANCE:
            q *= HEALTH_PLAYFUL_BOOST  # the odd playful post travels far (cf. CDC zombie post)
        ml, mc, ms, mk = STYLE_MULT[st]
        imp = max(1, int(fol * ipf * q ** HEALTH_IMPRESSION_ELASTICITY * rng.lognormal(0, 0.3)))
        base = fol * er * q
        ctr = (HEALTH_CTR_LINK if fm == "link" else HEALTH_CTR_OTHER) * mk * rng.lognormal(0, 0.3)
        clicks = int(rng.binomial(imp, min(ctr, 1.0)))
        tmpl = str(rng.choice(HEALTH_TEXT[st]))
        out["format"].append(fm)
        out["style"].append(st)
        out["text"].append(tmpl.format(place=rng.choice(PLACES),
                                       user=_user(rng.integers(1, 9000))))
        out["followers"].append(fol)
        out["impressions"].append(imp)
        out["reach"].append(max(1, int(imp / rng.uniform(1.05, 1.3))))
        out["likes"].append(int(rng.poisson(base * sl * ml)))
        out["comments"].append(int(rng.poisson(base * sc * mc)))
        out["shares"].append(int(rng.poisson(base * ss * ms)))
        out["clicks"].append(clicks)
        out["bookings"].append(int(rng.binomial(clicks, HEALTH_BOOKING_RATE)))
    df.insert(0, "post_id", [f"H{i + 1:04d}" for i in range(n)])
    df["posted_at"] = _fmt_dt(df["posted_at"])
    for k, v in out.items():
        df[k] = v
    df = df.rename(columns={"clicks": "booking_clicks"})
    df["reach"] = np.minimum(df["reach"], df["impressions"])

    # questions: about 2 per comment-bearing post plus direct messages
    qrows = []
    topics = list(HEALTH_TOPICS)
    tp = HEALTH_TOPIC_SHARE
    posted = pd.to_datetime(df["posted_at"])
    for i in range(n):
        for _ in range(rng.poisson(HEALTH_QUESTIONS_BASE
                                   + HEALTH_QUESTIONS_PER_COMMENT * df.at[i, "comments"])):
            top = topics[rng.choice(6, p=tp)]
            at = posted.iat[i] + pd.Timedelta(
                minutes=int(rng.exponential(HEALTH_QUESTION_DELAY_MINUTES)) + 1)
            qrows.append((df.at[i, "post_id"], df.at[i, "platform"], at, top))
    for _ in range(HEALTH_DIRECT_MESSAGES):
        top = topics[rng.choice(6, p=tp)]
        at = start + pd.Timedelta(seconds=int(rng.integers(0, 91 * 86400)))
        qrows.append(("", str(rng.choice(PLATFORMS)), at, top))
    q = pd.DataFrame(qrows, columns=["post_id", "platform", "asked_at", "topic"])
    q = q.sort_values(["asked_at", "post_id"], kind="stable").reset_index(drop=True)
    m = len(q)
    office = q["asked_at"].dt.hour.between(*HEALTH_OFFICE_HOURS).to_numpy() & (
        q["asked_at"].dt.day_of_week < 5).to_numpy()
    answered = rng.random(m) < np.where(q["topic"] == "myths", HEALTH_MYTHS_ANSWER_RATE,
                                        HEALTH_ANSWER_RATE)
    minutes = np.round(np.where(
        office, rng.lognormal(np.log(HEALTH_OFFICE_MINUTES), HEALTH_OFFICE_SD, m),
        rng.lognormal(np.log(HEALTH_AFTER_HOURS_MINUTES), HEALTH_AFTER_HOURS_SD, m)), 1)
    q.insert(0, "question_id", [f"Q{i + 1:04d}" for i in range(m)])
    q.insert(3, "author_id", [_user(u) for u in rng.integers(9001, 9999, m)])
    q["text"] = [str(rng.choice(HEALTH_TOPICS[t])).format(place=rng.choice(PLACES))
                 for t in q["topic"]]
    q["answered"] = answered
    q["response_minutes"] = np.where(answered, minutes, np.nan)
    q["asked_at"] = _fmt_dt(q["asked_at"])
    return df, q[["question_id", "post_id", "platform", "asked_at", "author_id", "topic",
                  "text", "answered", "response_minutes"]]


# --------------------------------------------------------------------------------------------
def build_all() -> dict[str, pd.DataFrame]:
    """Every dataset as a DataFrame, keyed by dataset name (file name without .csv)."""
    campaigns, results = build_campaigns()
    posts = build_posts()
    comments = build_comments(posts)
    health_posts, health_questions = build_health()
    return {
        "campaigns": campaigns,
        "campaign_results": results,
        "survey": build_survey(),
        "exposure": build_exposure(),
        "trust_sources": build_trust_sources(),
        "posts": posts,
        "comments": comments,
        "mentions": build_mentions(),
        "support_threads": build_support(),
        "ideas": build_ideas(),
        "interactions": build_interactions(posts, comments),
        "health_posts": health_posts,
        "health_questions": health_questions,
    }


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """The exact bytes written for one dataset: utf-8, '\\n' line ends, no index."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def render_all() -> dict[str, bytes]:
    """File name -> exact bytes, for every dataset."""
    return {f"{name}.csv": to_csv_bytes(df) for name, df in build_all().items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if any committed file differs")
    ap.add_argument("--out", type=Path, default=HERE, help="folder to write to")
    args = ap.parse_args(argv)
    files = render_all()
    if args.check:
        bad = [n for n, b in files.items()
               if not (args.out / n).is_file() or (args.out / n).read_bytes() != b]
        for n in bad:
            print(f"differs from the generator: {args.out / n}", file=sys.stderr)
        if not bad:
            print(f"all {len(files)} files match the generator")
        return 1 if bad else 0
    for n, b in files.items():
        (args.out / n).write_bytes(b)
        print(f"wrote {n}: {len(b):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
