"""Expressions built in Python, as in SymPy: symbols, numbers, constants, one constructor per function of the
registry, the operators of expressions, substitution and mathematical equality.

    >>> import symdiff as sd
    >>> x, y = sd.symbols("x y")
    >>> f = x**2 * sd.sin(y)
    >>> f.diff(x)
    2*x*sin(y)

Every operator and constructor builds with the builders of symdiff.core.build, so it gives the node the parser
gives for the same text (`x**2 * sd.sin(y)` is `sd.parse("x^2*sin(y)")`): notation, not algebra (`x + x` stays
a sum of two terms until simplified). Operands and arguments are expressions, ints, Fractions, finite floats,
NumPy scalars (recognised without importing NumPy) and SymPy objects (converted by symdiff.from_sympy). Each
runs under the guard: within the budget in force (a result over budget.max_size nodes, as printed, is a
BudgetError), and with only SymdiffErrors out: nan and inf are UsageErrors, a division by an exact zero an
UndefinedError (reason Reason.DIVISION_BY_ZERO), not a ZeroDivisionError.
"""

from __future__ import annotations

import builtins
import sys
import cmath
import random
import re
from fractions import Fraction
from types import NotImplementedType
from typing import Any, Callable, Iterable, cast

from ..core import budget as _budget
from ..core.budget import Budget
from ..core.build import add, div, mul, neg, number, power, sub, substitute
from ..core.errors import BudgetError, EvaluationError, Reason, UndefinedError, UsageError
from ..core.expr import PI, ZERO, Expr, Float, Num, Sym, size_as_tree
from ..core.expr import E as _E
from ..functions import ALIASES, KNOWN_NAMES, arities, lookup
from ..functions.application import apply_function
from ..functions.shorthands import SHORTHANDS
from ..numeric.values import numeric_value
from ..parsing.inputs import as_expr, as_operand, variable_name
from ..simplification.simplifier import simplify
from .expressions import ExprLike, VariableLike
from .guard import guard

__all__ = ["symbols", "Symbol", "Rational", "Integer", "pi", "E", "subs", "equals", "arithmetic", "FUNCTIONS",
           "EXPORTED_FUNCTIONS"]

pi = PI
"""The constant pi (a Const node), as sd.parse("pi")."""
E = _E
"""Euler's number e (a Const node), as sd.parse("e")."""


def _checked(node: Expr) -> Expr:
    """`node`, if it is within budget.max_size nodes counted as a tree (as printed); BudgetError otherwise.
    Sizes are cached on the nodes, so a result built from measured parts costs only its new nodes."""
    size, limit = size_as_tree(node), _budget.current().max_size
    if size > limit:
        raise BudgetError(f"expression too large: {size} nodes, the limit is {limit}")
    return node


def _argument(value: ExprLike, where: str) -> Expr:
    """A constructor's argument as an expression (as an operand is converted); UsageError for anything else."""
    found = as_operand(value)
    if found is None:
        hint = ": parse text with sd.parse, or make a symbol with sd.Symbol" if isinstance(value, str) else ""
        raise UsageError(f"{where} takes expressions and numbers, not {type(value).__name__} {value!r}{hint}")
    return found


# ---- operators ---------------------------------------------------------------------------------------------------

_BINARY: dict[str, Callable[[Expr, Expr], Expr]] = {"+": add, "-": sub, "*": mul, "/": div, "**": power}


@guard
def arithmetic(operation: str, left: ExprLike, right: ExprLike | None = None, *,
               budget: Budget | None = None) -> Expr | NotImplementedType:
    """`left operation right` for Expr's operators ("+", "-", "*", "/", "**"; "neg" takes `left` only), built by
    the builders of symdiff.core.build and checked against budget.max_size. NotImplemented when an operand is
    neither an expression, a number nor a SymPy object (Python then raises TypeError)."""
    a = as_operand(left)
    if operation == "neg":
        return _checked(neg(cast(Expr, a)))  # Expr.__neg__ passes itself; neg(None) is a TypeError, as ever
    b = as_operand(right)
    if a is None or b is None:
        return NotImplemented  # type: ignore[no-any-return]  # mypy types NotImplemented as Any but in dunders
    try:
        result = _BINARY[operation](a, b)
    except ZeroDivisionError:  # x/0, or 0**-1 (built as 1/0); 0**-2 stays a power, as parsed
        raise UndefinedError("division by zero: the divisor is 0", reason=Reason.DIVISION_BY_ZERO) from None
    return _checked(result)


# ---- symbols, numbers, constants ---------------------------------------------------------------------------------

# Any: one symbol or a tuple of them, as the text says, so that both `x = symbols("x")` and `x, y = symbols("x y")`
# type-check (a union would refuse both)
@guard
def symbols(names: str, *, budget: Budget | None = None) -> Any:
    """Symbols from names separated by spaces or commas: symbols("x y") and symbols("x, y") are the tuple
    (x, y); a single name gives one symbol, symbols("x") (as in SymPy; "x," gives the tuple (x,)). Each name is
    checked as a variable's name: not a function's (sin) or a constant's (pi, e)."""
    if not isinstance(names, str):
        raise UsageError(f"symbols takes the names as text, such as \"x y\", not {type(names).__name__}")
    parts = [part for part in re.split(r"[\s,]+", names) if part]
    if not parts:
        raise UsageError("symbols needs at least one name, such as symbols(\"x y\")")
    made = tuple(Sym(variable_name(part)) for part in parts)
    return made[0] if len(made) == 1 and "," not in names else made


@guard
def Symbol(name: VariableLike, *, budget: Budget | None = None) -> Sym:
    """One symbol: Symbol("x"). The name is checked as a variable's name: not a function's (sin) or a
    constant's (pi, e)."""
    return Sym(variable_name(name))


def _exact(value: ExprLike, where: str) -> Fraction:
    """An exact number from an int, a Fraction, a finite float (its exact binary value), an exact SymPy number
    or text such as "1/3" or "0.1" (read by Fraction, never evaluated)."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 2 * _budget.current().max_digits + 2:  # p/q, each within max_digits
            raise BudgetError(f"{where}: number too long: over {_budget.current().max_digits} digits")
        try:
            return Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise UsageError(f"{where}: {value!r} is not a number such as 3, 1/3 or 0.25") from None
    found = _argument(value, where)
    if type(found) is Num:
        return Fraction(found.value)
    if type(found) is Float:
        return Fraction(found.value)
    raise UsageError(f"{where} takes numbers, not {found}")


@guard
def Rational(p: ExprLike, q: ExprLike = 1, *, budget: Budget | None = None) -> Expr:
    """The exact number p/q: Rational(1, 3), Rational("1/3"), Rational(0.5) (a float's exact value). A zero q is
    an UndefinedError (division by zero)."""
    numerator, denominator = _exact(p, "Rational"), _exact(q, "Rational")
    if denominator == 0:
        raise UndefinedError("division by zero: Rational(p, 0)", reason=Reason.DIVISION_BY_ZERO)
    return number(numerator / denominator)


@guard
def Integer(n: ExprLike, *, budget: Budget | None = None) -> Num:
    """The exact integer n: Integer(3), Integer("123"), Integer(numpy.int64(3)), Integer(2.0). A number that
    is not whole is a UsageError (SymPy would truncate it)."""
    value = _exact(n, "Integer")
    if value.denominator != 1:
        raise UsageError(f"Integer takes a whole number, not {n!r}: use Rational")
    return cast(Num, number(value.numerator))  # number() of an int is a Num


# ---- functions of the registry ---------------------------------------------------------------------------------

def _constructor(name: str) -> Callable[..., Expr]:
    def construct(*arguments: ExprLike, budget: Budget | None = None) -> Expr:
        if any(getattr(a, "is_matrix_expression", False) for a in arguments):  # sd.exp(x) of a vector: entrywise
            # the matrix layer, loaded on first use (symdiff.api.LAZY); typed Expr for the scalar case's callers
            return cast(Expr, sys.modules[__package__].entrywise(name, *arguments))
        converted = [_argument(a, name) for a in arguments]
        try:
            return _checked(apply_function(name, converted))
        except ZeroDivisionError:  # root(x, 0)
            raise UndefinedError(f"division by zero in {name}", reason=Reason.DIVISION_BY_ZERO) from None

    function = ALIASES.get(name, name)
    shorthand = SHORTHANDS.get(function)
    rows = [row for n in arities(function) if (row := lookup(function, n)) is not None]  # every arity has its row
    english = shorthand.english if shorthand is not None else rows[0].english
    counts = list(shorthand.arities) if shorthand is not None else [row.arity for row in rows]
    shown = " or ".join(f"{name}({', '.join(f'u{i + 1}' for i in range(n))})" for n in counts[:2])
    if len(counts) > 2 or any(row.associative for row in rows):  # softmax(u1, u2, ...), max(u1, u2, ...)
        shown = f"{name}({', '.join(f'u{i + 1}' for i in range(counts[0]))}, ...)"
    construct.__name__ = construct.__qualname__ = name
    construct.__module__ = __name__
    construct.__doc__ = (f"{shown}: {english}" + (f" (the same as {function})" if function != name else "")
                         + ".\n\nAn expression, as parsed; the arguments are expressions, numbers or SymPy objects.")
    return guard(construct)


# name -> constructor, for every function the readers know: the registry's rows, their aliases and the shorthands
# (generated from symdiff.functions: the registry stays the one table of functions).
FUNCTIONS: dict[str, Callable[..., Expr]] = {name: _constructor(name) for name in sorted(KNOWN_NAMES)}

# The constructors `from symdiff import *` brings in: all but those named as Python's builtins (abs, max, min),
# which would be shadowed; those are used as sd.abs, sd.max, sd.min (and abs(expr) works as ever).
EXPORTED_FUNCTIONS = tuple(name for name in FUNCTIONS if not hasattr(builtins, name))


def __getattr__(name: str) -> Callable[..., Expr]:
    """The function constructors, sd.sin and the others, found by name without becoming globals of this module
    (abs, max and min would hide Python's builtins here)."""
    found = FUNCTIONS.get(name)
    if found is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return found


# ---- substitution and equality -------------------------------------------------------------------------------

def _value(value: ExprLike, where: str) -> Expr:
    """A value to substitute or compare: an operand, or text (parsed)."""
    if isinstance(value, str):
        return as_expr(value)
    return _argument(value, where)


@guard
def subs(expr: ExprLike, mapping: dict[Any, Any] | Iterable[tuple[VariableLike, ExprLike]] | VariableLike,
         value: ExprLike | None = None, *, budget: Budget | None = None) -> Expr:
    """`expr` with symbols replaced, all at once (simultaneously: subs(x*y, {x: y, y: x}) is y*x):
    subs(expr, {x: 1, "y": z}), subs(expr, [(x, 1)]) or subs(expr, x, 1). Keys are symbols (symdiff's or
    SymPy's) or their names; values are expressions, numbers, SymPy objects or text. The result is rebuilt by
    the builders, not simplified: subs(x^2, {x: 3}) is 3^2 (simplify gives 9); a division by a zero that a value
    makes literal is an UndefinedError."""
    expr = as_expr(expr, check=True)
    if value is not None:
        pairs = [(mapping, value)]
    elif isinstance(mapping, dict):
        pairs = list(mapping.items())
    else:
        try:
            pairs = [tuple(pair) for pair in cast("Iterable[Any]", mapping)]  # a symbol alone is a TypeError
        except TypeError:
            raise UsageError("subs takes {symbol: value}, pairs (symbol, value), or a symbol and a value") from None
        if any(len(pair) != 2 for pair in pairs):
            raise UsageError("subs takes pairs (symbol, value)")
    replacements: dict[Expr, Expr] = {}
    for key, replacement in pairs:
        replacements[Sym(variable_name(key))] = _value(replacement, "subs")
    try:
        return _checked(substitute(expr, replacements))
    except ZeroDivisionError:
        raise UndefinedError("division by zero: a value makes a divisor 0", reason=Reason.DIVISION_BY_ZERO) from None


# Random points for equals: how many must agree, how many are tried, and the relative tolerance of floats.
EQUALITY_POINTS = 8
EQUALITY_ATTEMPTS = 100
EQUALITY_TOLERANCE = 1e-9


@guard
def equals(a: ExprLike, b: ExprLike, *, budget: Budget | None = None) -> bool:
    """Whether `a` and `b` are equal as functions (mathematical equality; `a == b` is structural identity):
    True when simplify(a - b) is 0; False when it is a nonzero exact number; otherwise decided by the values at
    random points (the same points on every call) where both are defined, over the reals and, where there are
    too few of those, over the complex numbers (principal branches): True when they agree at every one. An
    expression with an undefined function, whose values cannot be computed, is equal only when the
    simplification shows it. Arguments are expressions, numbers, SymPy objects or text."""
    a, b = _value(a, "equals"), _value(b, "equals")
    if a is b:
        return True
    try:
        difference = simplify(sub(a, b))
    except UndefinedError:  # a - b undefined everywhere (a part divides by 0): compare the values of a and b
        difference = None
    if difference is ZERO:
        return True
    if difference is not None and type(difference) is Num:
        return False
    names = sorted(a.free_symbols | b.free_symbols)
    agreed = _agree_at_random_points(a, b, names, complex_values=False)
    if agreed is None:
        agreed = _agree_at_random_points(a, b, names, complex_values=True)
    return bool(agreed)


def _agree_at_random_points(a: Expr, b: Expr, names: list[str], complex_values: bool) -> bool | None:
    """True if a and b agree at EQUALITY_POINTS random points where both have a value, False at the first where
    they differ, None if too few points had a value."""
    rng = random.Random(0)
    compared = 0
    for attempt in range(EQUALITY_ATTEMPTS):
        _budget.check_time()
        scale = (1.0, 3.0, 0.5)[attempt % 3]
        point = {name: rng.uniform(-scale, scale) for name in names}
        try:
            value_a = numeric_value(a, point, complex_values=complex_values)
            value_b = numeric_value(b, point, complex_values=complex_values)
        except (EvaluationError, OverflowError, ValueError, ZeroDivisionError):
            continue  # undefined (or not finite) here
        if not (cmath.isfinite(value_a) and cmath.isfinite(value_b)):
            continue  # overflowed in floating point (exp(700)*exp(700))
        if abs(value_a - value_b) > EQUALITY_TOLERANCE * max(1.0, abs(value_a), abs(value_b)):
            return False
        compared += 1
        if compared == EQUALITY_POINTS:
            return True
    return None
