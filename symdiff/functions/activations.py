"""The activation functions of neural networks, and the Heaviside step: one row each (symdiff.functions.row
explains the fields).

SymPy has none of them by name, so each row's `sympy` is its formula in u (and v), which symdiff.interop
converts (and symdiff.printing.sympy_code prints); the float implementations are the numerically stable forms
(sigmoid(-800) is 0, not an overflow). relu is differentiated where it is differentiable: its derivative is the
Heaviside step, whose own derivative is 0 away from its jump at 0 (as for sign).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..core.expr import HALF, ZERO, Func, Num
from .row import ComplexFunction, FunctionRow, RealFunction


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    exp = math.exp(x)
    return exp / (1 + exp)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _heaviside(x: float) -> float:
    return 1.0 if x > 0 else 0.5 if x == 0 else 0.0


def _exact_heaviside(q: int | Fraction) -> int | Fraction:
    return 1 if q > 0 else HALF.value if q == 0 else 0


def _relu(x: float) -> float:
    return max(float(x), 0.0)


def _gelu(x: float) -> float:
    return x * (1 + math.erf(x / math.sqrt(2))) / 2


def _logsumexp(x: float, y: float) -> float:
    top = max(x, y)
    if math.isinf(top):
        return top
    return top + math.log(math.exp(x - top) + math.exp(y - top))


def _row(name: str, partials: str | tuple[str, ...], english: str, latex: str, *, sympy: str, real: RealFunction,
         complex: ComplexFunction, code: tuple[str, str], **facts: Any) -> FunctionRow:
    partials = (partials,) if isinstance(partials, str) else partials
    return FunctionRow(name, partials, english, latex, sympy, real, complex, code, **facts)


ROWS = (
    _row("sigmoid", "sigmoid(u)*(1 - sigmoid(u))", "logistic sigmoid", r"\operatorname{sigmoid}",
         sympy="1/(1 + exp(-u))", real=_sigmoid, complex=lambda mpmath: lambda z: 1 / (1 + mpmath.exp(-z)),
         code=("_sigmoid({0})", "1/(1 + numpy.exp(-({0})))"), total=True, special={ZERO: HALF},
         aliases=("logistic",), domain=(-1.5, 1.5)),
    _row("softplus", "sigmoid(u)", "softplus", r"\operatorname{softplus}", sympy="log(1 + exp(u))",
         real=_softplus, complex=lambda mpmath: lambda z: mpmath.log(1 + mpmath.exp(z)),
         code=("_softplus({0})", "numpy.logaddexp(0, {0})"), total=True, special={ZERO: Func("log", Num(2))},
         domain=(-1.5, 1.5)),
    _row("heaviside", "0", "Heaviside step", r"\operatorname{H}", sympy="(1 + sign(u))/2", real=_heaviside,
         complex=lambda mpmath: lambda z: (1 + mpmath.sign(z)) / 2,
         code=("_heaviside({0})", "numpy.heaviside({0}, 0.5)"), total=True, special={ZERO: HALF}, kinks=(ZERO,),
         rational=_exact_heaviside, aliases=("Heaviside",)),
    _row("relu", "heaviside(u)", "rectified linear unit", r"\operatorname{ReLU}", sympy="(u + abs(u))/2",
         real=_relu, complex=lambda mpmath: lambda z: (z + abs(z)) / 2,
         code=("_relu({0})", "numpy.maximum({0}, 0.0)"), total=True, special={ZERO: ZERO}, kinks=(ZERO,),
         rational=lambda q: max(q, 0), aliases=("ReLU",)),
    # the exact GELU, u times the normal distribution's cumulative probability at u
    _row("gelu", "(1 + erf(u/sqrt(2)))/2 + u*exp(-u^2/2)/sqrt(2*pi)", "Gaussian error linear unit",
         r"\operatorname{GELU}", sympy="u*(1 + erf(u/sqrt(2)))/2", real=_gelu,
         complex=lambda mpmath: lambda z: z * (1 + mpmath.erf(z / mpmath.sqrt(2))) / 2,
         code=("_gelu({0})", "_gelu_array({0})"), total=True, special={ZERO: ZERO}, aliases=("GELU",),
         domain=(-1.5, 1.5)),
    # logsumexp(u, v) = log(exp(u) + exp(v)); its partials are the softmax of (u, v)
    _row("logsumexp", ("sigmoid(u - v)", "sigmoid(v - u)"), "log-sum-exp", r"\operatorname{logsumexp}",
         sympy="log(exp(u) + exp(v))", real=_logsumexp,
         complex=lambda mpmath: lambda z, w: mpmath.log(mpmath.exp(z) + mpmath.exp(w)),
         code=("_logsumexp({0}, {1})", "numpy.logaddexp({0}, {1})"), total=True, associative=True,
         domain=(-1.5, 1.5)),
)
