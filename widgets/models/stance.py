"""Lesson 00, "Where do you stand?": six pairs of statements, each defensible on both sides.

Each pair sets a *message* position (the advertiser plans, reaches and speaks) against a
*conversation* position (the brand listens, answers and lets customers in). Both sides are views
that experienced professionals hold, some with strong evidence behind them (Ehrenberg-Bass on
reach, CEB on relationships), so an answer measures a position, not whether the learner guessed
what the course wants. The two sides are shown in a mixed order (the conversation side is on the
left in three pairs), so "always move right" is not "always pick conversation".

Stored answers (``widgets.progress.save_self_assessment``) are **positions**: -2 (message) .. +2
(conversation), by statement key, whatever side the statement was shown on. Lesson 09 shows them
again. Answers saved for an older set or wording of the statements are ignored, never misread as
answers to these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Bumped when the statements change meaning; stored with the answers. A saved record of another
#: version is ignored (:func:`answers_from_record`): an answer to one wording is never shown as an
#: answer to another. Version 3 made three conversation statements as strong as their message
#: pair (no "not only", "help shape" or "treat them as people").
VERSION = 3
SCALE_MIN, SCALE_MAX = -2, 2


@dataclass(frozen=True)
class Statement:
    key: str  # stored key, and the slider's accessible name
    topic: str  # a neutral label for the pair
    lesson: str  # where the course tests it
    message: str  # the "advertiser plans and speaks" position (-2)
    conversation: str  # the "brand listens and answers" position (+2)
    conversation_right: bool  # is the conversation statement shown on the right?

    @property
    def left(self) -> str:
        return self.message if self.conversation_right else self.conversation

    @property
    def right(self) -> str:
        return self.conversation if self.conversation_right else self.message


STATEMENTS: tuple[Statement, ...] = (
    Statement("insight", "knowing customers", "01",
              "Well-designed research tells us what customers want more reliably than what they "
              "post online.",
              "What customers say to us and about us, unprompted, tells us what they want more "
              "reliably than research.", True),
    Statement("targeting", "choosing an audience", "02",
              "A clearly defined demographic target makes a campaign more efficient.",
              "What people need and the situations they are in predict what they buy better than "
              "their age, income or region.", False),
    Statement("reach", "how brands grow", "03",
              "Brands grow mainly by reaching as many buyers of the category as possible, again "
              "and again.",
              "Brands grow mainly by getting people to respond, talk and take part, more than by "
              "being seen often.", True),
    Statement("replying", "answering people", "06",
              "Answering comments one by one costs more staff time than it returns; better content "
              "serves everyone.",
              "Answering people in public is worth the staff time: many more people read the "
              "answer than the one who asked.", False),
    Statement("cocreation", "who shapes the brand", "07",
              "A brand is best shaped by the company's own experts; customers' ideas are input, "
              "not direction.",
              "Customers' ideas and content should give the brand its direction, in what it makes "
              "and how it speaks, not just be input for its experts.", True),
    Statement("relationship", "what customers want", "04",
              "Most customers do not want a relationship with a brand; they want buying to be easy.",
              "Many customers want a two-way relationship with the brands they buy, and reward the "
              "brands that offer one.", False),
)

_BY_KEY = {s.key: s for s in STATEMENTS}


def clean_answers(stored: Any) -> dict[str, int]:
    """The usable answers in ``stored`` (e.g. a saved record's ``"answers"``): only keys of the
    current statements, with whole numbers on the scale. Anything else (keys of an older set of
    statements, text, values off the scale, not a mapping at all) is dropped, never an error."""
    if not isinstance(stored, Mapping):
        return {}
    found = {}
    for key, value in stored.items():
        if key not in _BY_KEY or isinstance(value, bool):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if number.is_integer() and SCALE_MIN <= number <= SCALE_MAX:
            found[key] = int(number)
    return found


def position(statement: Statement, slider: int) -> int:
    """A slider's value (-2 = the left statement, +2 = the right one) as a position on the
    message (-2) .. conversation (+2) scale."""
    return int(slider) if statement.conversation_right else -int(slider)


def slider_value(statement: Statement, pos: int) -> int:
    """The slider value that shows position ``pos`` (the inverse of :func:`position`)."""
    return int(pos) if statement.conversation_right else -int(pos)


def stance_score(answers: Mapping[str, int]) -> float:
    """Mean position on the -2..+2 scale, rescaled to -100 (message) .. +100 (conversation).

    Statements left out count as 0 (undecided); keys of other statements are ignored. Values
    outside the scale raise ValueError.
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


@dataclass(frozen=True)
class Sides:
    """How the sliders sit, told without saying which side is which (before the reveal)."""

    left: int
    right: int
    undecided: int
    strong: int  # at either end

    @property
    def decided(self) -> int:
        return self.left + self.right


def sides(sliders: Mapping[str, int]) -> Sides:
    """Count the pairs leaning to the left-hand statement, to the right-hand one, or neither."""
    values = [int(sliders.get(s.key, 0)) for s in STATEMENTS]
    return Sides(left=sum(v < 0 for v in values), right=sum(v > 0 for v in values),
                 undecided=sum(v == 0 for v in values),
                 strong=sum(abs(v) == SCALE_MAX for v in values))


def sides_sentence(sliders: Mapping[str, int]) -> str:
    """One sentence about the sliders as they are, neutral about which side is which."""
    count = sides(sliders)
    total = len(STATEMENTS)
    if count.decided == 0:
        return f"All {total} pairs are undecided: move a slider towards the statement you agree with more."
    strong = f", {count.strong} of them strongly" if count.strong else ""
    return (f"You took a side on {count.decided} of {total} pairs{strong}: {count.left} towards the "
            f"left-hand statement, {count.right} towards the right-hand one; "
            f"{count.undecided} undecided.")


def record(answers: Mapping[str, int]) -> dict[str, Any]:
    """What is saved: positions by key, the score and the statements' version."""
    clean = {s.key: int(answers.get(s.key, 0)) for s in STATEMENTS}
    return {"answers": clean, "score": stance_score(clean), "version": VERSION}


def answers_from_record(saved: Any) -> dict[str, int]:
    """The positions in a saved record (``widgets.progress.load_self_assessment()``) that belong
    to the current statements; ``{}`` when nothing usable was saved, or when the record was saved
    for another version of the statements (their wording differed)."""
    if not isinstance(saved, Mapping) or saved.get("version") != VERSION:
        return {}
    return clean_answers(saved.get("answers"))


# ---------------------------------------------------------------------------------------------
# Lesson 09: the same statements again, beside lesson 00's answers
# ---------------------------------------------------------------------------------------------
def saved_state(saved: Any) -> tuple[str, dict[str, int]]:
    """What a saved record holds: ``("found", answers)``, ``("none", {})`` when nothing was saved,
    or ``("other version", {})`` when it was saved for another wording of the statements."""
    if not isinstance(saved, Mapping) or not saved:
        return "none", {}
    if saved.get("version") != VERSION:
        return "other version", {}
    answers = clean_answers(saved.get("answers"))
    return ("found", answers) if answers or isinstance(saved.get("answers"), Mapping) else ("none", {})


def saved_note(state: str, saved: Any = None) -> str:
    """One plain sentence about lesson 00's saved answers, for lesson 09."""
    if state == "found":
        return "Your lesson 00 answers were found; they stay hidden until you choose to show them."
    if state == "other version":
        version = saved.get("version") if isinstance(saved, Mapping) else None
        was = f" (version {version})" if version is not None else ""
        return ("Lesson 00 answers were saved, but for an earlier wording of the statements"
                f"{was}: they are not shown, because an answer to one wording is not an answer to "
                "another.")
    return ("No lesson 00 answers were saved here (Save was not pressed, or this is a new "
            "session, as on Binder), so there is nothing to compare with: your answers now are "
            "shown on their own.")


@dataclass(frozen=True)
class Change:
    """Lesson 00's answers against today's, pair by pair (positions: -2 message .. +2
    conversation)."""

    before: float | None   # lesson 00's score (-100..100), None when there is none
    after: float
    towards_conversation: int
    towards_message: int
    unchanged: int


def compare(before: Mapping[str, int], after: Mapping[str, int]) -> Change:
    """How the answers moved. With no ``before`` (empty), only ``after``'s score is given."""
    b, a = clean_answers(before), clean_answers(after)
    after_score = stance_score(a)
    if not b:
        return Change(None, after_score, 0, 0, 0)
    moves = [a.get(s.key, 0) - b.get(s.key, 0) for s in STATEMENTS]
    return Change(stance_score(b), after_score, sum(m > 0 for m in moves),
                  sum(m < 0 for m in moves), sum(m == 0 for m in moves))


def change_sentence(change: Change) -> str:
    """One sentence about the change (or today's score alone)."""
    if change.before is None:
        return (f"Your answers now score {change.after:+.0f} on the -100 (message) .. +100 "
                f"(conversation) scale: {stance_label(change.after)}.")
    moved = change.towards_conversation + change.towards_message
    if moved == 0:
        return (f"No pair moved: your score is {change.after:+.0f}, as in lesson 00 "
                f"({stance_label(change.after)}).")
    return (f"From {change.before:+.0f} in lesson 00 to {change.after:+.0f} now: "
            f"{change.towards_conversation} pair{'s' * (change.towards_conversation != 1)} moved "
            f"towards conversation, {change.towards_message} towards message, "
            f"{change.unchanged} stayed put.")
