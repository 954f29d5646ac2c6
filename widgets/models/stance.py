"""Lesson 00, "Where do you stand?": where a learner's beliefs sit between message and conversation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Statement:
    key: str
    message: str  # the "advertiser knows best" pole (-2)
    conversation: str  # the dialogue pole (+2)


STATEMENTS: tuple[Statement, ...] = (
    Statement("knowing", "We know what our customers want.",
              "Our customers tell us what they want."),
    Statement("channel", "Social media is a channel for our messages.",
              "Social media is where we talk with people."),
    Statement("audience", "Our audience is a demographic segment.",
              "Our audience is people with different needs."),
    Statement("success", "Success is reach and impressions.",
              "Success is replies, action and relationships."),
    Statement("answering", "We reply to comments when there is time.",
              "Answering people is part of the job."),
    Statement("building", "Customers receive the brand we build.",
              "Customers help build the brand."),
)

SCALE_MIN, SCALE_MAX = -2, 2


def stance_score(answers: Mapping[str, int]) -> float:
    """Mean position on the -2..+2 scale, rescaled to -100 (message) .. +100 (conversation).

    Statements left out count as 0 (undecided). Values outside the scale raise ValueError.
    """
    total = 0
    for statement in STATEMENTS:
        value = int(answers.get(statement.key, 0))
        if not SCALE_MIN <= value <= SCALE_MAX:
            raise ValueError(f"{statement.key}: {value} is outside {SCALE_MIN}..{SCALE_MAX}")
        total += value
    return 100.0 * total / (SCALE_MAX * len(STATEMENTS))


def stance_label(score: float) -> str:
    """A few words for a score from :func:`stance_score`."""
    if score <= -50:
        return "firmly on the message side"
    if score < -10:
        return "leaning towards message"
    if score <= 10:
        return "in between"
    if score < 50:
        return "leaning towards conversation"
    return "firmly on the conversation side"
