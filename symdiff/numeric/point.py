"""The value of an expression at a point: exact where the inputs are exact, a float where asked.

    >>> value_at("3*x^2 - 4*x", {"x": "sqrt(2)/2"})
    3/2 - 2*sqrt(2)
    >>> value_at("3*x^2 - 4*x", {"x": 0.5})
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

Where an expression has a value but no derivative, check_differentiable says so. symdiff differentiates abs,
sign, floor, max, ... where they are differentiable, by formulas that have values at the kinks too (sign(0) = 0,
heaviside(0) = 1/2, and the derivative of floor(x) is the constant 0), so the value of a derivative cannot show
that its point is a kink; the expression that was differentiated can. Each call in it whose arguments depend on
the variables is checked against its registry row: `kinks`, its argument is one of these (abs(x) at x = 0);
`integer_kinks`, that argument is an integer (floor(x) at x = 2); `kinks_where`, the row's two formulas are equal
at its arguments (max(x, x^2) at x = 1), unless they are the same expression (max(x, x) is x). The chain rule
needs every part to be differentiable, so one part at a kink makes the whole "not differentiable" there
(Reason.NOT_DIFFERENTIABLE). This errs on the safe side: |x|^3 is differentiable at 0, where the outer derivative
3|x|^2 is 0, but is reported as |x| is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Literal, cast, overload

from ..core.build import rebuild, sub, substitute
from ..core.errors import EvaluationError, Reason, SymdiffError, UndefinedError, UndefinedPointError
from ..core.expr import ZERO, Expr, Float, Func, Num, Pow, Sym
from ..core.traversal import children, parents_first, subexpressions
from ..functions import ARGUMENT_NAMES, REGISTRY, lookup
from ..parsing.inputs import as_expr, as_point
from ..parsing.parser import parse_internal
from ..simplification.canonical import Canonicalizer, canonical
from ..simplification.simplifier import simplify
from .values import numeric_value

__all__ = ["check_differentiable", "kink_at", "value_at"]


def _has_float(node: Expr) -> bool:
    return any(type(n) is Float for n in subexpressions(node))


@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: Literal[True]) -> Expr: ...
@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: Literal[False]) -> float: ...
@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: bool | None = None) -> Expr | float: ...


def value_at(expr: Expr | str, values: dict[str, Any], exact: bool | None = None) -> Expr | float:
    """The value of `expr` with each name in `values` replaced by its value.

    `exact=None` (default): exact unless a value or the expression holds a decimal (float). Exact: the
    simplified expression (e.g. `sqrt(2)/2`), possibly still containing symbols not given a value. Not exact:
    a Python float, and every free symbol needs a value. Raises UndefinedPointError (an EvaluationError, so a
    SymdiffError) where the expression is undefined over the reals, and EvaluationError for a missing value.
    An expression given as such is checked against max_size, as its text would be when parsed (BudgetError)."""
    expr = as_expr(expr, check=True)
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
        return _float_value(expr, {name: cast(Float, v).value for name, v in point.items()})
    return _exact_value(expr, point, exact)


def _float_value(expr: Expr, point: Mapping[str, float]) -> float:
    """Over the reals with float inputs; on failure, name the smallest undefined part."""
    try:
        value = numeric_value(expr, point)
    except EvaluationError as error:
        raise _smallest_undefined(expr, point) or _as_undefined(expr, point, error) from None
    if not math.isfinite(value):
        raise UndefinedPointError(expr, point, Reason.OVERFLOW)
    return value


def _may_be_undefined(part: Expr) -> bool:
    """Whether `part` can lack a value where its parts have one: powers with a negative or fractional exponent,
    and calls of functions that are not defined for every real argument (the registry's `total`)."""
    if type(part) is Pow:
        return not (type(part.exp) is Num and isinstance(part.exp.value, int) and part.exp.value >= 0)
    if type(part) is Func:
        row = lookup(part.name, len(part.arguments))
        return row is None or not row.total
    return False


def _exact_value(expr: Expr, point: Mapping[str, Expr], exact: bool) -> Expr | float:
    """Substitute the point into every part, children first, taking canonical forms; check each part that
    can be undefined and whose form is a number. Checking parts, not only the whole, matters: the canonical
    form of exp(log(x)) is x, which has a value at x = -1 where the expression has none."""
    mapping: dict[Expr, Expr] = {Sym(name): value for name, value in point.items()}
    canonical = Canonicalizer()
    forms: dict[Expr, Expr] = {}
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
            value = numeric_value(form, {})
            if not math.isfinite(value):
                raise EvaluationError("overflow", reason=Reason.OVERFLOW)
        except EvaluationError as error:  # a total function overflowed: name it
            floats = {name: numeric_value(value, {}) for name, value in point.items() if not value.free_symbols}
            raise _smallest_undefined(expr, floats) or _as_undefined(expr, point, error) from None
        return value
    return simplify(form)  # every part has a value, so simplifying the whole cannot fail


def _check_real(form: Expr) -> None:
    """Raise EvaluationError if the closed form `form` has no real value (a value too big for a float is fine:
    exact arithmetic does not overflow)."""
    try:
        numeric_value(form, {})
    except EvaluationError as error:
        if error.reason not in (Reason.OVERFLOW, None):  # f(1) stays f(1)
            raise


def _as_undefined(part: Expr, point: Mapping[str, Expr | float],
                  error: SymdiffError | ZeroDivisionError) -> SymdiffError:
    """The UndefinedPointError naming `part`, for an error that says why it has no value (its `reason`); an
    error without a reason (an undefined function has no value anywhere) as it is."""
    if isinstance(error, ZeroDivisionError):
        error = UndefinedError("division by zero", reason=Reason.DIVISION_BY_ZERO)
    if error.reason is None:
        return error
    used = {name: point[name] for name in sorted(part.free_symbols & set(point))}
    return UndefinedPointError(part, used, error.reason)


def _smallest_undefined(expr: Expr, point: Mapping[str, float]) -> SymdiffError | None:
    """The UndefinedPointError for the first part of `expr`, children first, that has no real value at the
    float `point` (a part whose own parts all have values); None if every part has one. Only on the error
    path, so evaluating each part afresh is affordable."""
    for part in reversed(parents_first([expr])):
        if children(part):
            try:
                numeric_value(part, point)
            except EvaluationError as error:
                return _as_undefined(part, point, error)
    return None


# ---- where there is no derivative -------------------------------------------------------------------------

# (name, arity) -> the row's kinks_where as two nodes in u (and v), parsed once.
KINKS_WHERE = {key: tuple(map(parse_internal, row.kinks_where)) for key, row in REGISTRY.items() if row.kinks_where}

# A closed form that symdiff does not reduce to a number (log(6) - log(2) - log(3)) is taken to be 0, or an
# integer, when it is that within TOLERANCE at DIGITS digits.
DIGITS = 50
TOLERANCE = 1e-40


def check_differentiable(expr: Expr | str, point: dict[str, Any], variables: Iterable[str] | None = None) -> None:
    """EvaluationError (Reason.NOT_DIFFERENTIABLE) if a part of `expr` whose arguments depend on `variables`
    (names; by default every name of `point`) is at a kink or jump at `point` (name -> value, as for value_at)."""
    found = kink_at(expr, point, variables)
    if found is not None:
        raise EvaluationError(found, reason=Reason.NOT_DIFFERENTIABLE)


def kink_at(expr: Expr | str, point: dict[str, Any], variables: Iterable[str] | None = None) -> str | None:
    """Why `expr` is not differentiable at `point`, naming the first part at a kink; None if no part is."""
    expr = as_expr(expr)
    wanted = set(point if variables is None else variables)
    for node in subexpressions(expr):
        row = lookup(node.name, len(node.arguments)) if type(node) is Func else None
        if type(node) is not Func or row is None:
            continue
        depends = [bool(a.free_symbols & wanted) for a in node.arguments]
        for kink in row.kinks if depends[0] else ():
            if _is_zero(_value(sub(node.arguments[0], kink), point)):
                return f"{node} is not differentiable where {node.arguments[0]} = {kink}"
        if row.integer_kinks is not None and depends[row.integer_kinks]:
            argument = node.arguments[row.integer_kinks]
            value = _value(argument, point)
            if _is_integer(value):
                return f"{node} is not differentiable where {argument} = {_shown(value)}: it jumps at every integer"
        if row.kinks_where is not None and any(depends):
            slots: dict[Expr, Expr] = {Sym(name): a for name, a in zip(ARGUMENT_NAMES, node.arguments)}
            left, right = (substitute(side, slots) for side in KINKS_WHERE[row.name, row.arity])
            difference = sub(left, right)
            if canonical(difference) is not ZERO and _is_zero(_value(difference, point)):
                return f"{node} is not differentiable where {left} = {right}"
    return None


def _value(node: Expr, point: Mapping[str, object]) -> Expr | float | None:
    """`node` at the point: exact (a number, or a closed form such as sqrt(2)) or a float; None where it has no
    value (which whoever evaluates the expression reports) or keeps a symbol."""
    try:
        value = value_at(node, {name: v for name, v in point.items() if name in node.free_symbols})
    except EvaluationError:
        return None
    if isinstance(value, Expr) and value.free_symbols:
        return None
    return value


def _is_zero(value: Expr | float | None) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value == 0
    if isinstance(value, (Num, Float)):
        return value.value == 0
    return abs(_closed_form(value)) < TOLERANCE


def _is_integer(value: Expr | float | None) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value.is_integer()
    if type(value) is Num:
        return isinstance(value.value, int)
    if type(value) is Float:
        return value.value.is_integer()
    nearest = round(_closed_form(value).real)  # then the distance to it, computed at DIGITS digits
    return _is_zero(canonical(sub(value, Num(nearest))))


def _closed_form(value: Expr) -> complex:
    """A closed form's value, computed at DIGITS digits (then rounded to a complex of floats)."""
    try:
        return numeric_value(value, {}, complex_values=True, digits=DIGITS)
    except EvaluationError:
        return complex(1)  # no finite value: neither 0 nor an integer


def _shown(value: Expr | float | None) -> str:
    return repr(value) if isinstance(value, float) else str(value)
