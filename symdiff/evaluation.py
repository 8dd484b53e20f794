"""The value of an expression at a point: exact where the inputs are exact, a float where asked.

    >>> evaluate("3*x^2 - 4*x", {"x": "sqrt(2)/2"})
    3/2 - 2*sqrt(2)
    >>> evaluate("3*x^2 - 4*x", {"x": 0.5})
    -1.25

Why two modes: a textbook asks for f'(1) = 2, not 2.0000000000000004, so exact inputs (ints, Fractions, and
text such as "1/3", "sqrt(2)/2" or "pi/4", read by symdiff's own parser, never by eval) give an exact,
simplified expression; a float input, a decimal in the expression, or `exact=False` give a Python float.

Exact mode allows partial substitution (symbols without a value stay symbolic and the result is an expression);
float mode needs a value for every free symbol. Values for names the expression does not use are ignored, so
that one point can be used for f and for f'.

A point where the expression is undefined over the reals is an error, never a silent nan: the smallest
undefined part is named (`1/x is undefined at x = 0 (division by zero)`). Each part of the expression is checked
by substituting the exact point into it, taking the canonical form (which divides by a literal 0 only when the
part really does) and evaluating that over the reals, so that rounding cannot make `sqrt(2 - x^2)` undefined at
x = sqrt(2) and simplification cannot hide the pole of `x/x` at 0. (A pole that floats step over, such as
tan(pi/2), which evaluates to 1.6e16, is not detected.)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from .errors import UndefinedError, UsageError
from .expr import Expr, Float, Func, Num, Pow, Sym
from .numeric import EvaluationError
from .traversal import children
from .numeric import evaluate as evaluate_float

__all__ = ["evaluate", "UndefinedPointError", "as_point", "parse_point"]


class UndefinedPointError(EvaluationError):
    """The expression has no real value at the point: `.part` is the smallest undefined subexpression,
    `.point` the values (name -> Expr or float) and `.reason` why ("division by zero", "not real", "overflow")."""

    def __init__(self, part: Expr, point: dict, reason: str):
        self.part, self.point, self.reason = part, point, reason
        where = f" at {format_point(point)}" if point else ""
        super().__init__(MESSAGES[reason].format(part=part, where=where))


# Why a part has no value, from the words of the error that numeric.evaluate or the canonical form raised.
# None: not a property of the point (an undefined function such as f(x) has no numeric value anywhere).
REASONS = (("division by zero", "division by zero"), ("identically 0", "division by zero"),
           ("overflow", "overflow"), ("cannot evaluate", None), ("", "not real"))


MESSAGES = {
    "division by zero": "{part} is undefined{where} (division by zero)",
    "not real": "{part} is undefined{where} (not a real number)",
    "overflow": "{part} is too large for a float{where}",
}


def _reason(error: Exception) -> str:
    text = str(error)
    return next(reason for words, reason in REASONS if words in text)


def format_point(point: dict) -> str:
    """x = 0, y = sqrt(2)/2"""
    return ", ".join(f"{name} = {value}" for name, value in sorted(point.items()))


def _as_value(name: str, value) -> Expr:
    """A value as an expression: int and Fraction exact, float a Float, text parsed (never eval'd)."""
    from .api import as_expr
    if isinstance(value, bool) or isinstance(value, complex):
        raise UsageError(f"{name}: {value!r} is not a real number")
    if isinstance(value, (int, Fraction)):
        return Num(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise UsageError(f"{name} = {value} is not a finite number")
        return Float(value)
    if isinstance(value, (str, Expr)):
        return as_expr(value)
    try:  # numpy scalars, Decimal: anything with an exact float value
        return Float(float(value))
    except (TypeError, ValueError):
        raise UsageError(f"{name}: cannot use {value!r} as a value") from None


def as_point(values: dict) -> dict:
    """{name: Expr} from the user's values; names are checked like variable names (not pi, not sin)."""
    from .api import variable_name
    if not isinstance(values, dict):
        raise UsageError("values must be a dict such as {'x': 1}")
    return {variable_name(name): _as_value(str(name), value) for name, value in values.items()}


_ASSIGNMENT = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=")


def parse_point(text: str) -> dict:
    """{name: Expr} from the command line's "x=1, y=sqrt(2)/2". A value may hold commas (log(8, 2)): a new
    assignment starts only at a comma followed by `name =`. Errors point into `text` with a caret."""
    from .errors import ParseError
    from .parser import parse
    starts = [m for m in re.finditer(r"(?:^|,)(?=\s*[A-Za-z][A-Za-z0-9_]*\s*=)", text)]
    if not text.strip() or not starts or starts[0].start() != 0:
        raise UsageError("expected a point such as x=1 or x=1,y=1/2", text, 0)
    point = {}
    for i, start in enumerate(starts):
        begin = start.end()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        assignment = _ASSIGNMENT.match(text, begin)
        name, value_at = assignment.group(1), assignment.end()
        if name in point:
            raise UsageError(f"{name} is given twice", text, assignment.start(1))
        value_text = text[value_at:end]
        try:
            point[name] = parse(value_text) if value_text.strip() else None
        except ParseError as error:  # the caret under the value, within the whole point
            raise ParseError(f"in the value of {name}: {error.message}", text,
                             value_at + (error.position or 0)) from None
        if point[name] is None:
            raise UsageError(f"no value after {name}=", text, value_at)
    return as_point(point)


def _has_float(node: Expr) -> bool:
    from .traversal import subexpressions
    return any(type(n) is Float for n in subexpressions(node))


def evaluate(expr: Expr | str, values: dict, exact: bool | None = None):
    """The value of `expr` with each name in `values` replaced by its value.

    `exact=None` (default): exact unless a value or the expression holds a decimal (float). Exact: the
    simplified expression (e.g. `sqrt(2)/2`), possibly still containing symbols not given a value. Not exact:
    a Python float, and every free symbol needs a value. Raises UndefinedPointError (an EvaluationError, so a
    SymdiffError) where the expression is undefined over the reals, and EvaluationError for a missing value."""
    from .api import as_expr
    expr = as_expr(expr)
    point = {name: value for name, value in as_point(values).items() if name in expr.free_symbols}
    if exact is None:
        exact = not (_has_float(expr) or any(map(_has_float, point.values())))
    for name, value in point.items():
        if value.free_symbols and not exact:
            raise EvaluationError(f"{name} = {value} is not a number")
    missing = sorted(expr.free_symbols - set(point))
    if missing and not exact:
        raise EvaluationError(f"no value given for {', '.join(missing)} (a number is needed for every symbol "
                              f"of {expr})")
    if all(type(v) is Float for v in point.values()) and not exact:
        return _float_value(expr, {name: v.value for name, v in point.items()})
    return _exact_value(expr, point, exact)


def _float_value(expr: Expr, point: dict) -> float:
    """Over the reals with float inputs; on failure, name the smallest undefined part."""
    try:
        value = evaluate_float(expr, point)
    except EvaluationError as error:
        raise _smallest_undefined(expr, point) or _as_undefined(expr, point, error) from None
    if not math.isfinite(value):
        raise UndefinedPointError(expr, point, "overflow")
    return value


# Functions defined for every real argument: a call of one of these is defined wherever its argument is, so only
# the other parts (powers with a negative or fractional exponent, the remaining functions) need checking.
TOTAL_FUNCTIONS = frozenset("sin cos atan acot sinh cosh tanh sech asinh exp abs sign".split())


def _may_be_undefined(part: Expr) -> bool:
    kind = type(part)
    if kind is Pow:
        return not (type(part.exp) is Num and isinstance(part.exp.value, int) and part.exp.value >= 0)
    return kind is Func and part.name not in TOTAL_FUNCTIONS


def _exact_value(expr: Expr, point: dict, exact: bool):
    """Substitute the point into every part, children first, taking canonical forms; check each part that
    can be undefined and whose form is a number. Checking parts, not only the whole, matters: the canonical
    form of exp(log(x)) is x, which has a value at x = -1 where the expression has none."""
    from .canonical import Canonicalizer
    from .simplify import simplify
    from .traversal import parents_first, rebuild
    mapping = {Sym(name): value for name, value in point.items()}
    canonical = Canonicalizer()
    forms: dict = {}
    for part in reversed(parents_first([expr])):  # children first
        kids = children(part)
        try:
            form = canonical(rebuild(part, [forms[k] for k in kids]) if kids else mapping.get(part, part))
            if _may_be_undefined(part) and not form.free_symbols:
                _check_real(form)
        except (EvaluationError, UndefinedError, ZeroDivisionError) as error:
            raise _as_undefined(part, point, error) from None
        forms[part] = form
    form = forms[expr]
    if not exact:
        try:
            value = evaluate_float(form, {})
            if not math.isfinite(value):
                raise EvaluationError("overflow")
        except EvaluationError as error:  # a total function overflowed: name it
            floats = {name: evaluate_float(value, {}) for name, value in point.items() if not value.free_symbols}
            raise _smallest_undefined(expr, floats) or _as_undefined(expr, point, error) from None
        return value
    return simplify(form)  # every part has a value, so simplifying the whole cannot fail


def _check_real(form: Expr) -> None:
    """Raise EvaluationError if the closed form `form` has no real value (a value too big for a float is fine:
    exact arithmetic does not overflow)."""
    try:
        evaluate_float(form, {})
    except EvaluationError as error:
        if _reason(error) not in ("overflow", None):  # f(1) stays f(1)
            raise


def _as_undefined(part: Expr, point: dict, error: Exception) -> EvaluationError:
    if isinstance(error, ZeroDivisionError):
        error = UndefinedError("division by zero")
    if _reason(error) is None:
        return error
    used = {name: point[name] for name in sorted(part.free_symbols & set(point))}
    return UndefinedPointError(part, used, _reason(error))


def _smallest_undefined(expr: Expr, point: dict):
    """The UndefinedPointError for the first part of `expr`, children first, that has no real value at the
    float `point` (a part whose own parts all have values); None if every part has one. Only on the error
    path, so evaluating each part afresh is affordable."""
    from .traversal import parents_first
    for part in reversed(parents_first([expr])):
        if children(part):
            try:
                evaluate_float(part, point)
            except EvaluationError as error:
                return _as_undefined(part, point, error)
    return None
