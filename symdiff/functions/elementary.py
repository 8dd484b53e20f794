"""The elementary functions: one row each (symdiff.functions.row explains the fields).

The derivative formulas are the textbook's, in symdiff's own syntax with the arguments called u (and v); the
chain rule is applied once, by the differentiator: d/dx f(u) = f'(u) * du/dx. Reciprocal functions are computed
through their reciprocals (cot = 1/tan), in floats and in generated code alike, so that both give the same
values and fail at the same points.

The piecewise functions are differentiated where they are differentiable, and their rows say where they are not
(symdiff.numeric.point.check_differentiable reports those points): abs and sign at 0 (`kinks`); floor and ceil,
constant between the integers, jump at each (`integer_kinks`); max(u, v), whose partials are heaviside(u - v)
and heaviside(v - u) as SymPy's are, and min(u, v) have a kink where u = v (`kinks_where`).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import Any, TypeVar

from ..core.expr import E, HALF, NEG_ONE, ONE, PI, ZERO, Mul, Num
from .row import ComplexFunction, FunctionRow, RealFunction

_Real = TypeVar("_Real", bound="float | Fraction")


def _reciprocal(f: Callable[[float], float]) -> Callable[[float], float]:
    return lambda z: 1 / f(z)


def _of_reciprocal(f: Callable[[float], float]) -> Callable[[float], float]:
    return lambda z: f(1 / z)


def _acot(x: float) -> float:
    """acot(x) = atan(1/x), continued to acot(0) = pi/2 as in SymPy."""
    return math.atan(1 / x) if x != 0 else math.pi / 2


def _sign(x: float) -> float:
    return float((x > 0) - (x < 0))


def _exact_sign(q: int | Fraction) -> int:
    return (q > 0) - (q < 0)


def _floor(x: float) -> float:
    return float(math.floor(x))


def _ceil(x: float) -> float:
    return float(math.ceil(x))


# Of any number of values (as `associative` lets the parser read max(a, b, c)); exact for Fractions and ints.
def _largest(*values: _Real) -> _Real:
    return max(values)


def _smallest(*values: _Real) -> _Real:
    return min(values)


def _compare_reals(pick: Callable[..., Any]) -> ComplexFunction:
    """Given mpmath, `pick` over real values; ValueError for a complex one, which has no order (SymPy's
    Max(I, 1) is an error too)."""
    def complex_(mpmath: Any) -> Callable[..., Any]:
        def value(*values: Any) -> Any:
            if any(mpmath.im(v) != 0 for v in values):
                raise ValueError("only real numbers can be compared")
            return pick(*(mpmath.re(v) for v in values))
        return value
    return complex_


def _log_base(u: float, base: float) -> float:
    return math.log(u) / math.log(base)


def _cbrt(x: float) -> float:
    """The real cube root: cbrt(-8) = -2 (x^(1/3) is complex for x < 0)."""
    root = math.cbrt(abs(x)) if hasattr(math, "cbrt") else abs(x) ** (1 / 3)  # math.cbrt: Python 3.11 and later
    return math.copysign(root, x)


def _mpmath_real_root(mpmath: Any) -> Callable[[Any], Any]:
    """The real cube root continued as sign(z)*|z|^(1/3), SymPy's form of it (sign(z) = z/|z|)."""
    return lambda z: mpmath.sign(z) * mpmath.cbrt(abs(z))


def _mpmath(name: str) -> ComplexFunction:
    """mpmath's function of the same name (mpmath follows SymPy's branch cuts: asin(2) = pi/2 - 1.317i)."""
    return operator.attrgetter(name)


def _mpmath_log_base(mpmath: Any) -> Callable[[Any, Any], Any]:
    return lambda u, base: mpmath.log(u) / mpmath.log(base)


def _row(name: str, partials: str | tuple[str, ...], english: str, latex: str, *, sympy: str | None = None,
         real: RealFunction, code: tuple[str, str], complex: ComplexFunction | None = None,
         **facts: Any) -> FunctionRow:
    partials = (partials,) if isinstance(partials, str) else partials
    return FunctionRow(name, partials, english, latex, sympy or name, real, complex or _mpmath(name), code, **facts)


def _math(call: str) -> tuple[str, str]:
    """Code for a function that math and numpy both have (numpy names the inverse ones arc...)."""
    numpy_name = {"asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh", "acosh": "arccosh",
                  "atanh": "arctanh"}.get(call, call)
    return f"math.{call}({{0}})", f"numpy.{numpy_name}({{0}})"


def _math_of(outer: str, inner: str) -> tuple[str, str]:
    """Code for outer(inner) where inner is "1/{0}" (of a reciprocal) or outer is "1/" (a reciprocal)."""
    math_code, numpy_code = _math(outer)
    return math_code.replace("{0}", inner), numpy_code.replace("{0}", inner)


def _reciprocal_code(call: str) -> tuple[str, str]:
    math_code, numpy_code = _math(call)
    return "1/" + math_code, "1/" + numpy_code


HALF_PI = Mul(HALF, PI)

ROWS = (
    # ---- trigonometric --------------------------------------------------------------------------------------
    _row("sin",  "cos(u)",          "sine",      r"\sin", real=math.sin, code=_math("sin"), parity="odd",
         total=True, special={ZERO: ZERO, PI: ZERO}, sin_cos=("sin", "1"), addition=("cos", -1)),
    _row("cos",  "-sin(u)",         "cosine",    r"\cos", real=math.cos, code=_math("cos"), parity="even",
         total=True, special={ZERO: ONE, PI: NEG_ONE}, sin_cos=("cos", "1")),
    _row("tan",  "1 + tan(u)^2",    "tangent",   r"\tan", real=math.tan, code=_math("tan"), parity="odd",
         special={ZERO: ZERO, PI: ZERO}, sin_cos=("sin", "cos")),
    _row("cot",  "-1 - cot(u)^2",   "cotangent", r"\cot", real=_reciprocal(math.tan), code=_reciprocal_code("tan"),
         parity="odd", poles=(ZERO,), sin_cos=("cos", "sin"), aliases=("cotan",)),
    _row("sec",  "sec(u)*tan(u)",   "secant",    r"\sec", real=_reciprocal(math.cos), code=_reciprocal_code("cos"),
         parity="even", special={ZERO: ONE, PI: NEG_ONE}, sin_cos=("1", "cos")),
    _row("csc",  "-csc(u)*cot(u)",  "cosecant",  r"\csc", real=_reciprocal(math.sin), code=_reciprocal_code("sin"),
         parity="odd", poles=(ZERO,), sin_cos=("1", "sin"), aliases=("cosec",)),
    # ---- inverse trigonometric ------------------------------------------------------------------------------
    _row("asin", "1/sqrt(1 - u^2)", "arcsine",   r"\arcsin", real=math.asin, code=_math("asin"), parity="odd",
         special={ZERO: ZERO}, aliases=("arcsin",), domain=(-0.9, 0.9)),
    _row("acos", "-1/sqrt(1 - u^2)", "arccosine", r"\arccos", real=math.acos, code=_math("acos"),
         special={ONE: ZERO}, aliases=("arccos",), domain=(-0.9, 0.9)),
    _row("atan", "1/(1 + u^2)",     "arctangent", r"\arctan", real=math.atan, code=_math("atan"), parity="odd",
         total=True, special={ZERO: ZERO}, aliases=("arctan",)),
    _row("acot", "-1/(1 + u^2)",    "arccotangent", r"\operatorname{arccot}", real=_acot,
         code=("_acot({0})", "numpy.arctan(1/{0})"),  # acot(0) = pi/2 (numpy: arctan(inf))
         parity="odd", total=True, special={ZERO: HALF_PI}, aliases=("arccot",)),
    _row("asec", "1/(u^2*sqrt(1 - 1/u^2))", "arcsecant", r"\operatorname{arcsec}", real=_of_reciprocal(math.acos),
         code=_math_of("acos", "1/{0}"), special={ONE: ZERO}, poles=(ZERO,), aliases=("arcsec",),
         domain=(1.1, 3.0)),
    _row("acsc", "-1/(u^2*sqrt(1 - 1/u^2))", "arccosecant", r"\operatorname{arccsc}",
         real=_of_reciprocal(math.asin), code=_math_of("asin", "1/{0}"), parity="odd", poles=(ZERO,),
         aliases=("arccsc",), domain=(1.1, 3.0)),
    # ---- hyperbolic -----------------------------------------------------------------------------------------
    _row("sinh", "cosh(u)",         "hyperbolic sine", r"\sinh", real=math.sinh, code=_math("sinh"), parity="odd",
         total=True, special={ZERO: ZERO}, addition=("cosh", 1)),
    _row("cosh", "sinh(u)",         "hyperbolic cosine", r"\cosh", real=math.cosh, code=_math("cosh"),
         parity="even", total=True, special={ZERO: ONE}),
    _row("tanh", "1 - tanh(u)^2",   "hyperbolic tangent", r"\tanh", real=math.tanh, code=_math("tanh"),
         parity="odd", total=True, special={ZERO: ZERO}),
    _row("coth", "1 - coth(u)^2",   "hyperbolic cotangent", r"\coth", real=_reciprocal(math.tanh),
         code=_reciprocal_code("tanh"), parity="odd", poles=(ZERO,)),
    _row("sech", "-sech(u)*tanh(u)", "hyperbolic secant", r"\operatorname{sech}", real=_reciprocal(math.cosh),
         code=_reciprocal_code("cosh"), parity="even", total=True, special={ZERO: ONE}),
    _row("csch", "-csch(u)*coth(u)", "hyperbolic cosecant", r"\operatorname{csch}", real=_reciprocal(math.sinh),
         code=_reciprocal_code("sinh"), parity="odd", poles=(ZERO,)),
    # ---- inverse hyperbolic ---------------------------------------------------------------------------------
    _row("asinh", "1/sqrt(u^2 + 1)", "inverse hyperbolic sine", r"\operatorname{arsinh}", real=math.asinh,
         code=_math("asinh"), parity="odd", total=True, special={ZERO: ZERO}, aliases=("arsinh", "arcsinh")),
    _row("acosh", "1/(sqrt(u - 1)*sqrt(u + 1))", "inverse hyperbolic cosine", r"\operatorname{arcosh}",
         real=math.acosh, code=_math("acosh"), special={ONE: ZERO}, aliases=("arcosh", "arccosh"),
         domain=(1.1, 3.0)),
    _row("atanh", "1/(1 - u^2)",    "inverse hyperbolic tangent", r"\operatorname{artanh}", real=math.atanh,
         code=_math("atanh"), parity="odd", special={ZERO: ZERO}, poles=(ONE, NEG_ONE),
         aliases=("artanh", "arctanh"), domain=(-0.9, 0.9)),
    _row("acoth", "1/(1 - u^2)",    "inverse hyperbolic cotangent", r"\operatorname{arcoth}",
         real=_of_reciprocal(math.atanh), code=_math_of("atanh", "1/{0}"), parity="odd", poles=(ONE, NEG_ONE),
         aliases=("arcoth", "arccoth"), domain=(1.1, 3.0)),
    _row("asech", "-1/(u*sqrt(1 - u^2))", "inverse hyperbolic secant", r"\operatorname{arsech}",
         real=_of_reciprocal(math.acosh), code=_math_of("acosh", "1/{0}"), poles=(ZERO,),
         aliases=("arsech", "arcsech"),
         domain=(0.1, 0.9)),
    _row("acsch", "-1/(u^2*sqrt(1 + 1/u^2))", "inverse hyperbolic cosecant", r"\operatorname{arcsch}",
         real=_of_reciprocal(math.asinh), code=_math_of("asinh", "1/{0}"), parity="odd", poles=(ZERO,),
         aliases=("arcsch", "arccsch")),
    # ---- exponential and logarithm ----------------------------------------------------------------------------
    _row("exp",  "exp(u)",          "exponential", "e^{{{0}}}", real=math.exp, code=_math("exp"), total=True,
         special={ZERO: ONE}),
    _row("log",  "1/u",             "logarithm", r"\ln", real=math.log, code=_math("log"),
         special={ONE: ZERO, E: ONE}, poles=(ZERO,), aliases=("ln",), domain=(0.1, 3.0)),
    # log(u, v): the logarithm of u to base v
    _row("log", ("1/(u*log(v))", "-log(u)/(v*log(v)^2)"), "logarithm", r"\log_{{{1}}}{p0}",
         real=_log_base, complex=_mpmath_log_base,
         code=("math.log({0})/math.log({1})", "numpy.log({0})/numpy.log({1})"), domain=(1.5, 3.0)),
    # the logarithms to base 10 and 2, and the real cube root (cbrt(-8) = -2, unlike (-8)^(1/3))
    _row("log10", "1/(u*log(10))", "common logarithm", r"\lg", sympy="log(u)/log(10)",
         real=math.log10, complex=_mpmath("log10"), code=_math("log10"), special={ONE: ZERO, Num(10): ONE},
         poles=(ZERO,), aliases=("lg",), domain=(0.1, 3.0)),
    _row("log2", "1/(u*log(2))", "binary logarithm", r"\operatorname{lb}", sympy="log(u)/log(2)",
         real=math.log2, complex=lambda mpmath: lambda z: mpmath.log(z, 2), code=_math("log2"),
         special={ONE: ZERO, Num(2): ONE}, poles=(ZERO,), domain=(0.1, 3.0)),
    _row("cbrt", "1/(3*cbrt(u)^2)", "cube root", r"\operatorname{cbrt}", sympy="sign(u)*abs(u)^(1/3)",
         real=_cbrt, complex=_mpmath_real_root, code=("_cbrt({0})", "numpy.cbrt({0})"), parity="odd",
         total=True, special={ZERO: ZERO, ONE: ONE, Num(8): Num(2), Num(27): Num(3)}),
    # ---- piecewise ---------------------------------------------------------------------------------------------
    _row("abs",  "sign(u)",         "absolute value", r"\left|{0}\right|", sympy="Abs", real=abs,
         complex=lambda mpmath: abs, code=("abs({0})", "numpy.abs({0})"), parity="even", total=True,
         special={ZERO: ZERO}, kinks=(ZERO,), rational=abs, aliases=("Abs",)),
    _row("sign", "0",               "sign", r"\operatorname{sign}", real=_sign, code=("_sign({0})", "numpy.sign({0})"),
         parity="odd", total=True, special={ZERO: ZERO}, kinks=(ZERO,), rational=_exact_sign, aliases=("sgn",)),
    _row("floor", "0",              "floor", r"\left\lfloor{{{0}}}\right\rfloor", real=_floor,
         code=("_floor({0})", "numpy.floor({0})"), total=True, integer_kinks=0, rational=math.floor,
         domain=(0.2, 0.9)),
    _row("ceil", "0",               "ceiling", r"\left\lceil{{{0}}}\right\rceil", sympy="ceiling", real=_ceil,
         code=("_ceil({0})", "numpy.ceil({0})"), total=True, integer_kinks=0, rational=math.ceil,
         aliases=("ceiling",), domain=(0.2, 0.9)),
    _row("max", ("heaviside(u - v)", "heaviside(v - u)"), "maximum", r"\max", sympy="Max", real=_largest,
         complex=_compare_reals(_largest), code=("max({0}, {1})", "numpy.maximum({0}, {1})"), total=True,
         kinks_where=("u", "v"), rational=_largest, associative=True),
    _row("min", ("heaviside(v - u)", "heaviside(u - v)"), "minimum", r"\min", sympy="Min", real=_smallest,
         complex=_compare_reals(_smallest), code=("min({0}, {1})", "numpy.minimum({0}, {1})"), total=True,
         kinks_where=("u", "v"), rational=_smallest, associative=True),
)
