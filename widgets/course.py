"""The course map: the ten lessons, their titles and minutes (teaching + exercise)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: str
    slug: str
    title: str
    idea: str
    teach_minutes: int
    exercise_minutes: int

    @property
    def minutes(self) -> int:
        return self.teach_minutes + self.exercise_minutes

    @property
    def filename(self) -> str:
        return f"{self.number}-{self.slug}.ipynb"


COURSE_MAP: tuple[Lesson, ...] = (
    Lesson("00", "start-here", "Start here", "message or conversation?", 35, 20),
    Lesson("01", "advertiser-knows-best", "The advertiser knows best",
           "the agency model, reach and what people actually did", 35, 25),
    Lesson("02", "myth-of-the-segment", "The myth of the segment",
           "demographic boxes against needs", 40, 35),
    Lesson("03", "noise", "Noise", "overload, attention and trust", 35, 25),
    Lesson("04", "monologue-to-dialogue", "From monologue to dialogue",
           "measuring conversation, not applause", 35, 30),
    Lesson("05", "listening-at-scale", "Listening at scale",
           "sentiment, topics and a crisis seen early", 35, 30),
    Lesson("06", "answering", "Answering", "reply speed, tone and what it changes", 35, 25),
    Lesson("07", "customers-build-the-brand", "Customers build the brand",
           "ideas, communities and who carries the conversation", 35, 30),
    Lesson("08", "beyond-commerce", "Beyond commerce", "the same tools for public health", 30, 25),
    Lesson("09", "capstone-dialogue-strategy", "Capstone: a dialogue strategy",
           "a plan with targets you can check, and a test", 40, 35),
)


def lesson(number: str) -> Lesson:
    """The lesson numbered ``number`` ("00".."09")."""
    for item in COURSE_MAP:
        if item.number == number:
            return item
    raise KeyError(f"there is no lesson {number!r}; lessons are 00 to {COURSE_MAP[-1].number}")
