"""Every exception symdiff raises for its input, in one module.

Every one is a SymdiffError; the CLI prints it in one line, with a caret under the position when there is one,
and exits with status 2. Why an expression has no value is data (`reason`, a `Reason`), set where the error is
raised: callers branch on it, never on the wording of the message.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .expr import Expr


# A longer line is shown in part, around the position, in a caret message.
CARET_WIDTH = 100


class SymdiffError(Exception):
    """Base of every error caused by input. `text` and `position` (0-based) locate it when known."""

    def __init__(self, message: str, text: str | None = None, position: int | None = None,
                 reason: "Reason | None" = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position
        self.reason = reason

    def caret(self) -> str:
        """The input's line holding the position, and a caret under it; '' when there is no position."""
        if self.text is None or self.position is None:
            return ""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start:] if end < 0 else self.text[start:end]
        column = self.position - start
        if len(line) > CARET_WIDTH:  # a long line: the part around the position, marked with ...
            left = max(0, min(column - CARET_WIDTH // 2, len(line) - CARET_WIDTH))
            right = left + CARET_WIDTH
            prefix, suffix = ("..." if left else ""), ("..." if right < len(line) else "")
            line = prefix + line[left:right] + suffix
            column = column - left + len(prefix)
        line = "".join(c if c.isprintable() or c == "\t" else "?" for c in line)
        padding = "".join("\t" if c == "\t" else " " for c in line[:column])
        return f"{line}\n{padding}^"

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (column {self.position + 1})"


class ParseError(SymdiffError):
    """The text is not an expression symdiff understands. `notation` (a Notation, or None for plain syntax
    errors) says what kind of notation was refused; `suggestions` the names it may have meant (cbrtt: cbrt)."""

    def __init__(self, message: str, text: str | None = None, position: int | None = None,
                 notation: "Notation | None" = None, suggestions: Iterable[str] = ()):
        super().__init__(message, text, position)
        self.notation = notation
        self.suggestions = tuple(suggestions)


class UsageError(SymdiffError):
    """A request that cannot be carried out as asked (e.g. no variable given for a multivariate expression)."""


class ShapeError(UsageError):
    """Matrix operands whose shapes do not fit the operation (symdiff.matrices). `operation`, `operands` (their
    texts) and `shapes` say which, as data."""

    def __init__(self, message: str, operation: str = "", operands: Sequence[str] = (),
                 shapes: Sequence[str] = ()):
        super().__init__(message)
        self.operation = operation
        self.operands = tuple(operands)
        self.shapes = tuple(shapes)


class NotMatrixFormError(UsageError):
    """A derivative that has no form in matrix notation here (symdiff.matrices)."""


class DifferentiationError(SymdiffError):
    """No rule applies (e.g. a function without a derivative rule)."""


class ConversionError(SymdiffError):
    """A SymPy object that has no symdiff equivalent. `name`: the symbol or function name that cannot be written
    in symdiff's syntax, when that is the reason."""

    def __init__(self, message: str, name: str | None = None, **where: Any):
        super().__init__(message, **where)
        self.name = name


class PathError(UsageError):
    """A file that cannot be written (or read): `path` is the file, the OSError (if any) the cause."""

    def __init__(self, message: str, path: str | None = None, **where: Any):
        super().__init__(message, **where)
        self.path = path


class UndefinedError(SymdiffError):
    """A part has no value: x/(x - x) divides by an expression that is identically 0, tan(pi/2) is a pole.
    `reason` says which (a Reason)."""


class BudgetError(SymdiffError):
    """The input or the work it asks for exceeds the resource budget (symdiff.core.budget: input length,
    nesting depth, number size, derivative order, expression size)."""


class TimeLimitError(BudgetError):
    """The work took longer than the budget's max_seconds (the command line's --timeout). Nothing is returned or
    written for it. `seconds` is the budget that ran out."""

    def __init__(self, message: str, seconds: float | None = None, **where: Any):
        super().__init__(message, **where)
        self.seconds = seconds


class EvaluationError(SymdiffError):
    """An expression has no numeric value at a point, or a value is missing. `reason` says why (a Reason;
    None where it is not a property of the point, e.g. a missing value)."""


class UndefinedPointError(EvaluationError):
    """The expression has no real value at the point: `.part` is the smallest undefined subexpression,
    `.point` the values (name -> Expr or float) and `.reason` why (a Reason)."""

    def __init__(self, part: Expr, point: Mapping[str, Expr | float], reason: Reason):
        self.part, self.point = part, point
        where = f" at {format_point(point)}" if point else ""
        super().__init__(reason.sentence.format(part=part, where=where), reason=reason)


class MissingExtraError(UsageError):
    """An optional dependency is not installed; the message says how to install it."""


class Reason(enum.Enum):
    """Why a part of an expression has no value at a point: the value is the phrase a message uses; `sentence`
    is the whole message about a part."""

    DIVISION_BY_ZERO = "division by zero"
    POLE = "a pole"
    NOT_REAL = "not a real number"
    OVERFLOW = "too large for a float"
    NOT_DIFFERENTIABLE = "not differentiable"

    @property
    def sentence(self) -> str:
        if self is Reason.OVERFLOW:
            return "{part} is too large for a float{where}"
        return "{part} is undefined{where} (" + str(self.value) + ")"


class Notation(enum.Enum):
    """What a reading note, or a ParseError about notation, concerns: data for callers, never the wording."""

    UNKNOWN_FUNCTION = "unknown function"          # cbrtt(x), foo(x): a name applied that is no function
    AMBIGUOUS = "ambiguous"                        # y(x): y times x, or the function y?
    CONVENTION = "convention"                      # 1/2x read as (1/2)*x: one of two readings, by convention
    JOINED_NAME = "joined name"                    # sinx, xy: read as one variable; xe^x read as x*e^x
    EQUATION = "equation"                          # x^2 + y^2 = 1, or y = x^2 (its right side is used)
    DERIVATIVE = "derivative"                      # d/dx x^2, dy/dx
    DIFFERENTIAL = "differential"                  # x^2 dx


class SymdiffWarning(UserWarning):
    """A reading of the input that may not be the one meant (sinx read as one variable, 1/2x as x/2): issued by
    symdiff.parse and the functions that parse text; `note` is the reading's Note (kind, message, position)."""

    def __init__(self, note: Any):  # a symdiff.parsing.reading.Note (a layer above the core)
        super().__init__(note.message)
        self.note = note


# ---- internal signals: raised and caught inside symdiff, never seen by a caller ----------------------------------

class TooLarge(Exception):
    """The rational step refuses a form that would outgrow its bounds; the input stays as it is."""


class SympyTimeout(Exception):
    """A capped SymPy call (symdiff.interop.verify.time_limit) ran out of time."""


def format_point(point: Mapping[str, object]) -> str:
    """x = 0, y = sqrt(2)/2"""
    return ", ".join(f"{name} = {value}" for name, value in sorted(point.items()))
