"""Numeric evaluation in floating point, over the reals or the complex numbers (principal branches, as SymPy).

Real evaluation refuses points where the expression is undefined over the reals (1/x at 0, log(-1),
(-8)^(1/3)) with an EvaluationError instead of returning nan. Complex evaluation is what tests use to compare
expressions where a branch of sqrt or log makes intermediate values complex.
"""

from __future__ import annotations

import cmath
import math

from .errors import SymdiffError
from .expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym


class EvaluationError(SymdiffError):
    """The expression is undefined at the point (or a value is missing)."""


def _sign(z):
    return (z > 0) - (z < 0) if not isinstance(z, complex) else (z / abs(z) if z else 0)


def _reciprocal(f):
    return lambda z: 1 / f(z)


def _of_reciprocal(f):
    return lambda z: f(1 / z)


def _functions(m):
    """The numeric function table over module m (math or cmath)."""
    return {
        "sin": m.sin, "cos": m.cos, "tan": m.tan,
        "cot": _reciprocal(m.tan), "sec": _reciprocal(m.cos), "csc": _reciprocal(m.sin),
        "asin": m.asin, "acos": m.acos, "atan": m.atan,
        "acot": _of_reciprocal(m.atan), "asec": _of_reciprocal(m.acos), "acsc": _of_reciprocal(m.asin),
        "sinh": m.sinh, "cosh": m.cosh, "tanh": m.tanh,
        "coth": _reciprocal(m.tanh), "sech": _reciprocal(m.cosh), "csch": _reciprocal(m.sinh),
        "asinh": m.asinh, "acosh": m.acosh, "atanh": m.atanh,
        "exp": m.exp, "log": m.log, "abs": abs, "sign": _sign,
    }


REAL_FUNCTIONS = _functions(math)
COMPLEX_FUNCTIONS = _functions(cmath)
CONSTANTS = {"pi": math.pi, "e": math.e}


def evaluate(node: Expr, values: dict, complex_values: bool = False):
    """The value of `node` with symbols bound by `values` (name -> number), as float or complex."""
    table = COMPLEX_FUNCTIONS if complex_values else REAL_FUNCTIONS
    memo: dict = {}

    def power(base, exponent):
        if complex_values:
            if base == 0:
                if exponent == 0:
                    return 1.0
                if complex(exponent).real > 0:
                    return 0.0
                raise EvaluationError("0 to a non-positive power")
            return cmath.exp(exponent * cmath.log(base))
        if base == 0 and exponent < 0:
            raise EvaluationError("division by zero")
        if base < 0 and exponent != int(exponent):
            raise EvaluationError(f"{base}^{exponent} is not real")
        return math.pow(base, exponent)

    def walk(n: Expr):
        found = memo.get(n)
        if found is not None:
            return found
        kind = type(n)
        if kind is Num:
            value = n.value.numerator / n.value.denominator if not isinstance(n.value, int) else float(n.value)
        elif kind is Float:
            value = n.value
        elif kind is Const:
            value = CONSTANTS[n.name]
        elif kind is Sym:
            if n.name not in values:
                raise EvaluationError(f"no value given for {n.name}")
            value = values[n.name]
        elif kind is Add:
            value = math.fsum(map(walk, n.args)) if not complex_values else sum(map(walk, n.args))
        elif kind is Mul:
            value = 1.0
            for a in n.args:
                value *= walk(a)
        elif kind is Pow:
            value = power(walk(n.base), walk(n.exp))
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
        return walk(node)
    except (ValueError, ZeroDivisionError) as error:
        raise EvaluationError(f"undefined at this point ({error})") from None
    except OverflowError:
        raise EvaluationError("overflow") from None
