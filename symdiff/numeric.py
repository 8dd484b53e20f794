"""Numeric evaluation, over the reals in floating point, or over the complex numbers with mpmath.

Real evaluation refuses points where the expression is undefined over the reals (1/x at 0, log(-1),
(-8)^(1/3)) with an EvaluationError instead of returning nan. Complex evaluation is what tests and the corpus
use where a branch of sqrt or log makes intermediate values complex: it uses mpmath (SymPy's own numerics, at
30 digits by default), so that values on branch cuts follow SymPy's conventions (asin(2) = pi/2 - 1.317i, and
so asin(-x) = -asin(x) everywhere) and rounding cannot flip the sign of a zero imaginary part.
"""

from __future__ import annotations

import math

from .errors import SymdiffError
from .expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym


class EvaluationError(SymdiffError):
    """The expression is undefined at the point (or a value is missing)."""


def _sign(x: float) -> float:
    return float((x > 0) - (x < 0))


def _reciprocal(f):
    return lambda z: 1 / f(z)


def _of_reciprocal(f):
    return lambda z: f(1 / z)


def _acot(atan):
    # acot(x) = atan(1/x), continued to acot(0) = pi/2 as in SymPy
    return lambda x: atan(1 / x) if x != 0 else math.pi / 2


REAL_FUNCTIONS = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan,
    "cot": _reciprocal(math.tan), "sec": _reciprocal(math.cos), "csc": _reciprocal(math.sin),
    "asin": math.asin, "acos": math.acos, "atan": math.atan,
    "acot": _acot(math.atan), "asec": _of_reciprocal(math.acos), "acsc": _of_reciprocal(math.asin),
    "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh,
    "coth": _reciprocal(math.tanh), "sech": _reciprocal(math.cosh), "csch": _reciprocal(math.sinh),
    "asinh": math.asinh, "acosh": math.acosh, "atanh": math.atanh,
    "acoth": _of_reciprocal(math.atanh), "asech": _of_reciprocal(math.acosh), "acsch": _of_reciprocal(math.asinh),
    "exp": math.exp, "log": math.log, "abs": abs, "sign": _sign,
}
COMPLEX_FUNCTIONS = (  # mpmath's, by the same names; imported when first used
    "sin cos tan cot sec csc asin acos atan acot asec acsc sinh cosh tanh coth sech csch asinh acosh atanh "
    "acoth asech acsch exp log sign".split() + ["abs"])


class _Real:
    """Arithmetic over the reals with floats."""
    functions = REAL_FUNCTIONS
    pi, e = math.pi, math.e

    @staticmethod
    def number(value):
        return float(value)

    @staticmethod
    def total(values):
        return math.fsum(values)

    @staticmethod
    def power(base, exponent):
        if base == 0 and exponent < 0:
            raise EvaluationError("division by zero")
        if base < 0 and exponent != int(exponent):
            raise EvaluationError(f"{base}^{exponent} is not real")
        return math.pow(base, exponent)

    @staticmethod
    def result(value):
        return value


class _Complex:
    """Arithmetic over the complex numbers with mpmath, principal branches."""

    def __init__(self):
        import mpmath
        self.mpmath = mpmath
        self.functions = {name: getattr(mpmath, name) for name in COMPLEX_FUNCTIONS if name != "abs"}
        self.functions["abs"] = abs
        self.pi, self.e = mpmath.pi, mpmath.e

    def number(self, value):
        if isinstance(value, (int, float)):
            return self.mpmath.mpf(value)
        if isinstance(value, complex):
            return self.mpmath.mpc(value)
        return self.mpmath.mpf(value.numerator) / value.denominator  # Fraction

    def total(self, values):
        return self.mpmath.fsum(values)

    def power(self, base, exponent):
        if base == 0 and self.mpmath.re(exponent) <= 0 and exponent != 0:
            raise EvaluationError("0 to a non-positive power")
        return self.mpmath.power(base, exponent)

    def result(self, value):
        value = complex(value)
        if not (math.isfinite(value.real) and math.isfinite(value.imag)):
            raise EvaluationError("not finite at this point")
        return value


def evaluate(node: Expr, values: dict, complex_values: bool = False, digits: int = 30):
    """The value of `node` with symbols bound by `values` (name -> number): a float over the reals, or with
    `complex_values` a complex computed by mpmath at `digits` significant digits."""
    if complex_values:
        import mpmath
        with mpmath.workdps(digits):
            return _evaluate(node, values, _Complex())
    return _evaluate(node, values, _Real)


def _evaluate(node: Expr, values: dict, arithmetic):
    table = arithmetic.functions
    number = arithmetic.number
    constants = {"pi": arithmetic.pi, "e": arithmetic.e}
    bound = {name: number(value) for name, value in values.items()}
    memo: dict = {}

    def walk(n: Expr):
        found = memo.get(n)
        if found is not None:
            return found
        kind = type(n)
        if kind in (Num, Float):
            value = number(n.value)
        elif kind is Const:
            value = +constants[n.name]
        elif kind is Sym:
            if n.name not in bound:
                raise EvaluationError(f"no value given for {n.name}")
            value = bound[n.name]
        elif kind is Add:
            value = arithmetic.total(map(walk, n.args))
        elif kind is Mul:
            value = walk(n.args[0])
            for a in n.args[1:]:
                value = value * walk(a)
        elif kind is Pow:
            value = arithmetic.power(walk(n.base), walk(n.exp))
        elif kind is Func:
            arguments = [walk(a) for a in n.arguments]
            if n.name == "log" and len(arguments) == 2:
                value = table["log"](arguments[0]) / table["log"](arguments[1])
            elif n.name in table:
                value = table[n.name](*arguments)
            else:
                raise EvaluationError(f"cannot evaluate the undefined function {n.name}")
        elif kind is Derivative:
            raise EvaluationError(f"cannot evaluate a derivative of the undefined function {n.name}")
        else:  # pragma: no cover - every node type is listed above
            raise TypeError(kind)
        memo[n] = value
        return value

    try:
        return arithmetic.result(walk(node))
    except (ValueError, ZeroDivisionError) as error:
        raise EvaluationError(f"undefined at this point ({error})") from None
    except OverflowError:
        raise EvaluationError("overflow") from None
