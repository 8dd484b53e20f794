"""Numeric evaluation, over the reals in floating point, or over the complex numbers with mpmath.

Real evaluation refuses points where the expression is undefined over the reals (1/x at 0, log(-1),
(-8)^(1/3)) with an EvaluationError instead of returning nan. Complex evaluation is what tests and the corpus
use where a branch of sqrt or log makes intermediate values complex: it uses mpmath (SymPy's own numerics, at
30 digits by default), so that values on branch cuts follow SymPy's conventions (asin(2) = pi/2 - 1.317i, and
so asin(-x) = -asin(x) everywhere) and rounding cannot flip the sign of a zero imaginary part.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, SupportsComplex, overload

from ..core.build import Number
from ..core.errors import EvaluationError, Reason
from ..core.expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..functions import REGISTRY, FunctionRow

# (name, arity) -> a function's implementation: of floats, or of mpmath numbers.
FunctionTable = dict[tuple[str, int], Callable[..., Any]]


def _by_key(implementation: Callable[[FunctionRow], Callable[..., Any]]) -> FunctionTable:
    """(name, arity) -> implementation, for every row of the registry."""
    return {key: implementation(row) for key, row in REGISTRY.items()}


REAL_FUNCTIONS = _by_key(lambda row: row.real)


class _Real:
    """Arithmetic over the reals with floats."""
    functions = REAL_FUNCTIONS
    pi, e = math.pi, math.e

    @staticmethod
    def number(value: Number) -> float:
        return float(value)

    @staticmethod
    def total(values: Iterable[float]) -> float:
        return math.fsum(values)

    @staticmethod
    def power(base: float, exponent: float) -> float:
        if base == 0 and exponent < 0:
            raise EvaluationError("division by zero", reason=Reason.DIVISION_BY_ZERO)
        if base < 0 and exponent != int(exponent):
            raise EvaluationError(f"{base}^{exponent} is not real", reason=Reason.NOT_REAL)
        return math.pow(base, exponent)

    @staticmethod
    def result(value: float) -> float:
        return value

    @staticmethod
    def bounded(value: float) -> float:
        return value  # a float cannot grow past 1.8e308: OverflowError or inf, reported where it arises


# The magnitude, in bits, past which a complex (mpmath) intermediate value is refused as an overflow: far beyond a
# float's 1024, so that cancellations between large terms still come out, and far below what makes mpmath slow.
MAX_BITS = 100_000


class _Complex:
    """Arithmetic over the complex numbers with mpmath, principal branches (mpmath's numbers are untyped: Any)."""

    def __init__(self) -> None:
        import mpmath  # with SymPy: loaded only for complex values
        self.mpmath = mpmath
        self.functions = _by_key(lambda row: row.complex(mpmath))
        self.pi, self.e = mpmath.pi, mpmath.e

    def number(self, value: Number | complex) -> Any:
        if isinstance(value, (int, float)):
            return self.mpmath.mpf(value)
        if isinstance(value, complex):
            return self.mpmath.mpc(value)
        return self.mpmath.mpf(value.numerator) / value.denominator  # Fraction

    def total(self, values: Iterable[Any]) -> Any:
        return self.mpmath.fsum(values)

    def power(self, base: Any, exponent: Any) -> Any:
        if base == 0 and self.mpmath.re(exponent) <= 0 and exponent != 0:
            raise EvaluationError("0 to a non-positive power", reason=Reason.DIVISION_BY_ZERO)
        return self.mpmath.power(base, exponent)

    def bounded(self, value: Any) -> Any:
        """The value, unless its magnitude is past MAX_BITS: mpmath would carry on to 10^(10^10) and beyond
        (exact exponents, minutes and gigabytes, holding the interpreter), and no float could show it."""
        if value != 0 and self.mpmath.mag(value) > MAX_BITS:
            raise EvaluationError("a value too large for any number symdiff shows (over 2^100000)",
                                  reason=Reason.OVERFLOW)
        return value

    def result(self, value: SupportsComplex | complex) -> complex:
        value = complex(value)
        if not (math.isfinite(value.real) and math.isfinite(value.imag)):
            raise EvaluationError("not finite at this point", reason=Reason.OVERFLOW)
        return value


@overload
def numeric_value(node: Expr, values: Mapping[str, Number], complex_values: Literal[False] = ...,
                  digits: int = ...) -> float: ...
@overload
def numeric_value(node: Expr, values: Mapping[str, Number], complex_values: Literal[True],
                  digits: int = ...) -> complex: ...
@overload
def numeric_value(node: Expr, values: Mapping[str, Number], complex_values: bool,
                  digits: int = ...) -> float | complex: ...


def numeric_value(node: Expr, values: Mapping[str, Number], complex_values: bool = False,
                  digits: int = 30) -> float | complex:
    """The value of `node` with symbols bound by `values` (name -> number): a float over the reals, or with
    `complex_values` a complex computed by mpmath at `digits` significant digits."""
    if complex_values:
        import mpmath  # with SymPy: loaded only for complex values
        with mpmath.workdps(digits):
            return _evaluate(node, values, _Complex())
    return _evaluate(node, values, _Real)


def _evaluate(node: Expr, values: Mapping[str, Number],
              arithmetic: type[_Real] | _Complex) -> float | complex:
    table = arithmetic.functions
    number = arithmetic.number
    constants = {"pi": arithmetic.pi, "e": arithmetic.e}
    bound = {name: number(value) for name, value in values.items()}
    memo: dict[Expr, Any] = {}

    def walk(n: Expr) -> Any:  # a float, or an mpmath number
        found = memo.get(n)
        if found is not None:
            return found
        kind = type(n)
        if isinstance(n, (Num, Float)):
            value = number(n.value)
        elif type(n) is Const:
            value = +constants[n.name]
        elif type(n) is Sym:
            if n.name not in bound:
                raise EvaluationError(f"no value given for {n.name}")
            value = bound[n.name]
        elif kind is Add:
            value = arithmetic.total(map(walk, n.args))
        elif kind is Mul:
            value = walk(n.args[0])
            for a in n.args[1:]:
                value = value * walk(a)
        elif type(n) is Pow:
            value = arithmetic.power(walk(n.base), walk(n.exp))
        elif type(n) is Func:
            function = table.get((n.name, len(n.arguments)))
            if function is None:
                raise EvaluationError(f"cannot evaluate the undefined function {n.name}")
            value = function(*[walk(a) for a in n.arguments])
        elif type(n) is Derivative:
            raise EvaluationError(f"cannot evaluate a derivative of the undefined function {n.name}")
        else:  # pragma: no cover - every node type is listed above
            raise TypeError(kind)
        value = arithmetic.bounded(value)
        memo[n] = value
        return value

    try:
        return arithmetic.result(walk(node))
    except ValueError as error:  # math domain error
        raise EvaluationError(f"undefined at this point ({error})", reason=Reason.NOT_REAL) from None
    except ZeroDivisionError as error:
        raise EvaluationError(f"undefined at this point ({error})", reason=Reason.DIVISION_BY_ZERO) from None
    except OverflowError:
        raise EvaluationError("overflow", reason=Reason.OVERFLOW) from None
