"""The checking engine: questions that check themselves, give hints in tiers and show solutions.

A question is a small declarative object; the engine does the talking. In an exercise:

    from widgets.questions.lesson01 import q1
    cpm = ...            # the learner's answer
    q1.check()           # reads ``cpm`` from the notebook and says what it thinks
    q1.hint()            # the next hint (q1.hint(2) for the second)
    q1.solution()        # the worked answer, read from solutions/

Two modes, decided in one place (:func:`automated`):

* **friendly** (default, JupyterLab): a short verdict with a word, a symbol and a colour;
  never a traceback; Run All carries on.
* **automated** (``COURSE_CHECK_MODE=automated``, set by the repo's pytest config, the
  instructor's nbgrader config and the course grader): an answer that is not correct fails
  its cell with a one-line message that nbval, nbgrader and the grader all see.

Verdicts: correct, not attempted (placeholder untouched), incorrect (with targeted feedback
for anticipated mistakes, never the expected value), raised (the learner's code raised).
All text is deterministic.
"""

from __future__ import annotations

import html
import math
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import progress
from .style import TEXT_COLOURS
from .ui import show as _show

MODE_ENV = "COURSE_CHECK_MODE"

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"
RAISED = "raised"

# word, symbol, colour (Okabe-Ito): a verdict is never told by colour alone
_LOOK = {
    CORRECT: ("Correct", "\u2714", "#009E73"),
    INCORRECT: ("Not yet", "\u2718", "#D55E00"),
    NOT_ATTEMPTED: ("Not attempted", "\u25cb", "#0072B2"),
    RAISED: ("Your code raised an error", "\u26a0", "#CC79A7"),
}


def automated() -> bool:
    """True when checks run unattended (pytest/nbval, nbgrader autograde, the course grader)."""
    return os.environ.get(MODE_ENV, "").strip().lower() in {"automated", "strict", "1", "true"}


class _Placeholder:
    """The blank in an exercise (``____``): an answer that has not been given yet."""

    _instance: _Placeholder | None = None

    def __new__(cls) -> _Placeholder:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def __bool__(self) -> bool:
        return False


#: The placeholder the generated exercises use where an answer goes.
____ = _Placeholder()


def is_placeholder(value: Any) -> bool:
    """True if ``value`` is, or contains, the exercise placeholder."""
    if value is ____ or value is Ellipsis:
        return True
    if isinstance(value, str | bytes):
        return False
    if isinstance(value, Mapping):
        return any(is_placeholder(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(is_placeholder(v) for v in value)
    return False


class CheckFailed(AssertionError):
    """Raised in automated mode when an answer is not correct; shown as one line."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [str(self)]


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check."""

    status: str
    message: str
    lesson: str = ""
    qid: str = ""

    @property
    def word(self) -> str:
        return _LOOK[self.status][0]

    @property
    def symbol(self) -> str:
        return _LOOK[self.status][1]

    def one_line(self) -> str:
        where = f"lesson {self.lesson}, {self.qid}" if self.lesson else self.qid
        return f"{self.symbol} {self.word} ({where}): {self.message}"

    def html(self) -> str:
        word, symbol, colour = _LOOK[self.status]
        text = TEXT_COLOURS.get(colour, "#000000")  # the palette for the border, a dark shade for words
        return (
            f'<div role="status" style="border-left:6px solid {colour};padding:4px 10px;'
            f'margin:4px 0;background:rgba(127,127,127,0.08)">'
            f'<strong style="color:{text}">{symbol} {html.escape(word)}</strong>'
            f" <span>({html.escape(self.qid)})</span> {html.escape(self.message)}</div>"
        )


# ----------------------------------------------------------------------------- comparing


def is_number(value: Any) -> bool:
    """Whether a learner's answer is a plain number: int, float or a numpy number (not True/False)."""
    if isinstance(value, bool):
        return False
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return False
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
    except ImportError:  # pragma: no cover - numpy ships with the course
        pass
    return isinstance(value, int | float) or type(value).__module__ == "numpy" and hasattr(
        value, "__float__"
    )


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def _norm_text(value: str) -> str:
    return " ".join(value.strip().lower().split())


def _describe(value: Any) -> str:
    """A short, deterministic description of the learner's value's kind."""
    if is_number(value):
        return "a number"
    if isinstance(value, bool):
        return "True/False"
    if isinstance(value, str):
        return "text"
    name = type(value).__name__
    return {"DataFrame": "a table (DataFrame)", "Series": "a Series"}.get(name, f"a {name}")


def same(answer: Any, expected: Any, rtol: float = 1e-3, atol: float = 1e-9,
         ordered: bool = True) -> bool:
    """Whether ``answer`` matches ``expected`` (numbers within tolerance, text ignoring case)."""
    if type(expected).__name__ in {"bool", "bool_"}:
        return type(answer).__name__ in {"bool", "bool_"} and bool(answer) == bool(expected)
    if is_number(expected):
        return is_number(answer) and _close(answer, expected, rtol, atol)
    if isinstance(expected, str):
        return isinstance(answer, str) and _norm_text(answer) == _norm_text(expected)
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(expected, pd.Series):
        if isinstance(answer, pd.Series) and len(answer) == len(expected):
            if set(map(str, answer.index)) != set(map(str, expected.index)):
                return False
            a = answer.copy()
            a.index = a.index.map(str)
            e = expected.copy()
            e.index = e.index.map(str)
            a = a.reindex(e.index) if not ordered else a
            return all(same(x, y, rtol, atol) for x, y in zip(a.tolist(), e.tolist(), strict=True))
        if isinstance(answer, Mapping) and not isinstance(answer, str):
            return same(pd.Series(answer), expected, rtol, atol, ordered=False)
        return False
    if pd is not None and isinstance(expected, pd.DataFrame):
        if not isinstance(answer, pd.DataFrame) or answer.shape != expected.shape:
            return False
        try:
            pd.testing.assert_frame_equal(
                answer.reset_index(drop=True), expected.reset_index(drop=True),
                check_dtype=False, check_exact=False, rtol=rtol, atol=atol,
                check_index_type=False, check_column_type=False, check_categorical=False,
            )
        except AssertionError:
            return False
        return True
    if isinstance(expected, set | frozenset):
        if isinstance(answer, str) or not isinstance(answer, Iterable):
            return False
        return {_norm_text(x) if isinstance(x, str) else x for x in answer} == {
            _norm_text(x) if isinstance(x, str) else x for x in expected
        }
    if isinstance(expected, Mapping):
        if not isinstance(answer, Mapping) or set(map(str, answer)) != set(map(str, expected)):
            return False
        keyed = {str(k): v for k, v in answer.items()}
        return all(same(keyed[str(k)], v, rtol, atol) for k, v in expected.items())
    if isinstance(expected, Sequence) or type(expected).__name__ == "ndarray":
        if isinstance(answer, str) or not hasattr(answer, "__len__"):
            return False
        a, e = list(answer), list(expected)
        if len(a) != len(e):
            return False
        if not ordered:
            rest = list(e)
            for x in a:
                hit = next((i for i, y in enumerate(rest) if same(x, y, rtol, atol)), None)
                if hit is None:
                    return False
                rest.pop(hit)
            return True
        return all(same(x, y, rtol, atol) for x, y in zip(a, e, strict=True))
    return answer == expected


# ----------------------------------------------------------------------------- questions


@dataclass
class Mistake:
    """An anticipated wrong answer and the feedback it earns.

    Give either ``value`` (a value, or a function of no arguments that computes it from the
    data, compared like the expected answer) or ``test`` (a function of the answer that returns
    True when the answer shows this mistake).
    """

    feedback: str
    value: Any = None
    test: Callable[[Any], bool] | None = None

    def matches(self, answer: Any, rtol: float, atol: float, ordered: bool) -> bool:
        try:
            if self.test is not None:
                return bool(self.test(answer))
            wrong = self.value() if callable(self.value) else self.value
            return same(answer, wrong, rtol, atol, ordered)
        except Exception:
            return False


_REGISTRY: dict[str, list[str]] = {}


def registry() -> dict[str, list[str]]:
    """Question ids by lesson, for every question module imported so far."""
    return {lesson: list(qids) for lesson, qids in _REGISTRY.items()}


@dataclass
class Question:
    """A checked question whose answer is the notebook variable ``var``.

    ``expected`` is the right answer, or (better) a function of no arguments that computes it
    from the data with the course's models, so nothing is hard-coded. ``hints`` are shown one
    tier at a time. ``mistakes`` are tried in order when the answer is wrong.
    """

    lesson: str
    qid: str
    var: str
    expected: Any
    title: str = ""
    hints: Sequence[str] = ()
    mistakes: Sequence[Mistake] = ()
    rtol: float = 1e-3
    atol: float = 1e-9
    ordered: bool = True
    points: int = 1
    wrong: str = "That is not the answer the data gives. Re-read the question, or ask for a hint."
    _hints_shown: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.points > 0:  # practice questions (0 points) are not counted in progress
            qids = _REGISTRY.setdefault(self.lesson, [])
            if self.qid not in qids:
                qids.append(self.qid)

    # -- the learner's side -------------------------------------------------
    def check(self) -> None:
        """Check the answer in the notebook variable and show the verdict."""
        namespace = sys._getframe(1).f_globals
        verdict = self.verdict_from(namespace)
        note = progress.record_check(self.lesson, self.qid, verdict.status)
        self._report(verdict, note)

    def hint(self, tier: int | None = None) -> None:
        """Show the next hint, or hint number ``tier`` (1 is the gentlest)."""
        if not self.hints:
            text = "There is no hint for this one: re-read the question and the lesson's example."
            _show(text, f"<p>{html.escape(text)}</p>")
            return
        if tier is None:
            self._hints_shown = min(self._hints_shown + 1, len(self.hints))
            tier = self._hints_shown
        tier = max(1, min(int(tier), len(self.hints)))
        text = f"Hint {tier} of {len(self.hints)} ({self.qid}): {self.hints[tier - 1]}"
        if tier == len(self.hints):
            text += f"  That was the last hint; {self.qid}.solution() shows a worked answer."
        progress.record_event(self.lesson, self.qid, "hints")
        _show(text, f'<p style="margin:4px 0">\U0001f4a1 {html.escape(text)}</p>')

    def solution(self) -> None:
        """Show the worked answer, read from the matching notebook in solutions/."""
        from .solutions import solution_code

        code, reason = solution_code(self.lesson, self.qid)
        if code is None:
            _show(reason, f"<p>{html.escape(reason)}</p>")
            return
        progress.record_event(self.lesson, self.qid, "solution")
        text = f"A worked answer for {self.qid}:\n\n{code}"
        _show(
            text,
            f"<p>A worked answer for {html.escape(self.qid)}:</p>"
            f"<pre style=\"padding:6px;background:rgba(127,127,127,0.1)\">{html.escape(code)}</pre>",
        )

    # -- the engine's side (pure, unit-tested) ------------------------------
    def verdict_from(self, namespace: Mapping[str, Any]) -> Verdict:
        """The verdict for the answer held in ``namespace[self.var]``."""
        if self.var not in namespace:
            return self._verdict(
                NOT_ATTEMPTED,
                f"`{self.var}` is not defined yet: write your answer in the cell above and run it.",
            )
        return self.evaluate(namespace[self.var])

    def evaluate(self, answer: Any) -> Verdict:
        """The verdict for ``answer`` itself."""
        if is_placeholder(answer):
            return self._verdict(
                NOT_ATTEMPTED, f"replace ____ in `{self.var} = ____` with your answer, then run it."
            )
        try:
            expected = self.expected() if callable(self.expected) else self.expected
        except Exception as exc:  # the course's own data or model is broken: say so plainly
            return self._verdict(RAISED, f"the course could not compute this check ({exc}).")
        if _safe_same(answer, expected, self.rtol, self.atol, self.ordered):
            return self._verdict(CORRECT, "well done.")
        for mistake in self.mistakes:
            if mistake.matches(answer, self.rtol, self.atol, self.ordered):
                return self._verdict(INCORRECT, mistake.feedback)
        if not _same_kind(answer, expected):
            return self._verdict(
                INCORRECT,
                f"`{self.var}` should be {_describe(expected)}, but it is {_describe(answer)}.",
            )
        return self._verdict(INCORRECT, self.wrong)

    def _verdict(self, status: str, message: str) -> Verdict:
        return Verdict(status, message, self.lesson, self.qid)

    def _report(self, verdict: Verdict, note: str | None = None) -> None:
        text, page = verdict.one_line(), verdict.html()
        if note:
            text += f"\n(Note: {note}.)"
            page += f"<p><em>Note: {html.escape(note)}.</em></p>"
        if automated() and verdict.status != CORRECT:
            raise CheckFailed(verdict.one_line())
        _show(text, page)


def _safe_same(answer: Any, expected: Any, rtol: float, atol: float, ordered: bool) -> bool:
    """:func:`same`, but an answer too odd to compare (unhashable items...) is simply not equal."""
    try:
        return same(answer, expected, rtol, atol, ordered)
    except Exception:
        return False


def _same_kind(answer: Any, expected: Any) -> bool:
    if is_number(expected):
        return is_number(answer)
    if isinstance(expected, str):
        return isinstance(answer, str)
    return type(answer).__name__ == type(expected).__name__ or (
        isinstance(expected, Sequence) and isinstance(answer, Sequence)
    )


@dataclass(frozen=True)
class Call:
    """One call of a learner's function on a case: what it returned, or what it raised."""

    args: tuple[Any, ...]
    value: Any = None
    raised: tuple[str, str] | None = None  # (exception type name, message)


@dataclass
class FunctionQuestion(Question):
    """A question whose answer is a function: it is called on ``cases`` and compared.

    ``expected`` is the reference function; ``cases`` are tuples of positional arguments. The
    calls (:meth:`calls`) and the judging of their results (:meth:`evaluate_calls`) are separate,
    so the course grader can call the function in the learner's kernel and judge the results,
    returned as plain data, in its own process.
    """

    cases: Sequence[tuple[Any, ...]] = ()

    def evaluate(self, answer: Any) -> Verdict:
        if is_placeholder(answer):
            return self._verdict(NOT_ATTEMPTED, f"write the function `{self.var}` above, then run it.")
        if not callable(answer):
            return self._verdict(INCORRECT, f"`{self.var}` should be a function, but it is "
                                 f"{_describe(answer)}.")
        return self.evaluate_calls(self.calls(answer), answer)

    def calls(self, function: Callable[..., Any]) -> list[Call]:
        """``function`` called on each case in order, up to the first that raises."""
        made = []
        for args in self.cases:
            try:
                made.append(Call(tuple(args), function(*args)))
            except Exception as exc:
                made.append(Call(tuple(args), raised=(type(exc).__name__, str(exc))))
                break
        return made

    def evaluate_calls(self, calls: Sequence[Call], function: Callable[..., Any] | None = None) -> Verdict:
        """The verdict for the results of :meth:`calls` (``function`` is given to mistakes' tests)."""
        for call in calls:
            shown = ", ".join(_short(a) for a in call.args)
            if call.raised is not None:
                name, message = call.raised
                return self._verdict(RAISED, f"{self.var}({shown}) raised {name}: {message}".rstrip(": "))
            if is_placeholder(call.value):
                return self._verdict(NOT_ATTEMPTED, f"`{self.var}` still returns ____.")
            want = self.expected(*call.args)
            if not _safe_same(call.value, want, self.rtol, self.atol, self.ordered):
                for mistake in self.mistakes:
                    if mistake.test is not None and function is not None and _safe(mistake.test, function):
                        return self._verdict(INCORRECT, mistake.feedback)
                return self._verdict(
                    INCORRECT, f"{self.var}({shown}) did not give the right result. {self.wrong}"
                )
        if len(calls) < len(self.cases):
            return self._verdict(INCORRECT, f"`{self.var}` was not tried on every case.")
        return self._verdict(CORRECT, "well done: it works on every case tried.")


@dataclass
class ChoiceQuestion(Question):
    """An interpretation question: the learner picks one of the stated readings of a result.

    ``choices`` maps each option's key (``"a"``, ``"b"``...) to the reading it states; the
    exercise prints them. ``expected`` is the right key, or a function that computes it from the
    data (so a reading that the data stops supporting stops being right). Mistakes are usually
    one per wrong reading, each saying why that reading does not follow.
    """

    choices: Mapping[str, str] = field(default_factory=dict)

    def evaluate(self, answer: Any) -> Verdict:
        if is_placeholder(answer):
            return super().evaluate(answer)
        keys = [str(k) for k in self.choices]
        if not isinstance(answer, str) or _norm_text(answer) not in {_norm_text(k) for k in keys}:
            return self._verdict(
                INCORRECT, f"answer with one of {', '.join(repr(k) for k in keys)}, as text "
                f"(for example `{self.var} = {keys[0]!r}`).")
        return super().evaluate(_norm_text(answer))


def _safe(test: Callable[[Any], bool], answer: Any) -> bool:
    try:
        return bool(test(answer))
    except Exception:
        return False


def _short(value: Any) -> str:
    text = repr(value)
    if type(value).__name__ in {"DataFrame", "Series"}:
        return f"<{type(value).__name__} of {len(value)} rows>"
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass
class Reflection:
    """An open question that is not graded: saving it just records that it was answered."""

    lesson: str
    qid: str
    var: str
    prompt: str = ""

    def save(self) -> None:
        answer = sys._getframe(1).f_globals.get(self.var)
        if not isinstance(answer, str) or not answer.strip() or is_placeholder(answer):
            text = f"Reflection {self.qid}: write a few sentences in `{self.var}` first (not graded)."
        else:
            words = len(answer.split())
            progress.record_check(self.lesson, self.qid, "reflected")
            text = (f"Reflection {self.qid} saved ({words} words). It is not graded: compare it "
                    "with the discussion in the lesson.")
        _show(text, f"<p>\u270e {html.escape(text)}</p>")
