"""Special functions whose derivatives close over themselves and the elementary functions: one row each
(symdiff.functions.row explains the fields).

The error functions, Euler's gamma function and its logarithmic derivatives (digamma, polygamma), the beta
function and the principal branch of Lambert's W. Their values over the reals come from Python's math where it has
the function (erf, erfc, gamma) and from mpmath, SymPy's numerics, where it does not; generated NumPy code calls
the same float implementations, vectorised (symdiff.numeric.compile). gamma, loggamma, digamma and polygamma are
infinite at 0, -1, -2, ... (`integer_poles`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..core.build import power
from ..core.expr import E, HALF, ONE, PI, ZERO, Num
from .row import NOT_DIFFERENTIABLE, ComplexFunction, FunctionRow, RealFunction


def _mpmath_real(name: str) -> RealFunction:
    """mpmath's function of that name, over the reals: a float, ValueError where the value is not real (or at a
    pole)."""
    def real(*arguments: float) -> float:
        import mpmath  # with SymPy: loaded only when a special function's value is wanted
        value = getattr(mpmath, name)(*arguments)
        if isinstance(value, mpmath.mpc):
            if value.imag != 0:
                raise ValueError(f"{name} is not real here")
            value = value.real
        if not mpmath.isfinite(value):
            raise ValueError(f"{name} has no finite value here")
        return float(value)
    return real


def _mpmath(name: str) -> ComplexFunction:
    return lambda mpmath: getattr(mpmath, name)


def _order(n: complex) -> int:
    """polygamma's order: a non-negative integer (ValueError for any other)."""
    if n != int(n.real) or n.real < 0:
        raise ValueError(f"the order of polygamma must be a non-negative integer, not {n}")
    return int(n.real)


def _polygamma(n: float, x: float) -> float:
    return _mpmath_real("polygamma")(_order(n), x)


def _mpmath_polygamma(mpmath: Any) -> Callable[[Any, Any], Any]:
    return lambda n, z: mpmath.polygamma(_order(complex(n)), z)


def _loggamma(x: float) -> float:
    """log(gamma(x)) for x > 0; for x <= 0 SymPy's loggamma is complex (or infinite at the poles)."""
    if x <= 0:
        raise ValueError(f"loggamma({x}) is not real")
    return math.lgamma(x)


def _row(name: str, partials: str | tuple[str, ...], english: str, latex: str, *, sympy: str | None = None,
         real: RealFunction, code: tuple[str, str], complex: ComplexFunction | None = None,
         **facts: Any) -> FunctionRow:
    partials = (partials,) if isinstance(partials, str) else partials
    return FunctionRow(name, partials, english, latex, sympy or name, real, complex or _mpmath(name), code, **facts)


def _vectorised(name: str, arity: int = 1) -> str:
    """NumPy code calling the row's own float implementation, vectorised (NumPy has no erfi, gamma, ...)."""
    return f"_{name}_array({', '.join(f'{{{i}}}' for i in range(arity))})"


ROWS = (
    # ---- error functions ----------------------------------------------------------------------------------------
    _row("erf", "2*exp(-u^2)/sqrt(pi)", "error function", r"\operatorname{erf}", real=math.erf,
         code=("math.erf({0})", _vectorised("erf")), parity="odd", total=True, special={ZERO: ZERO}),
    _row("erfc", "-2*exp(-u^2)/sqrt(pi)", "complementary error function", r"\operatorname{erfc}", real=math.erfc,
         code=("math.erfc({0})", _vectorised("erfc")), total=True, special={ZERO: ONE}),
    _row("erfi", "2*exp(u^2)/sqrt(pi)", "imaginary error function", r"\operatorname{erfi}",
         real=_mpmath_real("erfi"), code=("_erfi({0})", _vectorised("erfi")), parity="odd",
         special={ZERO: ZERO}),
    # ---- gamma and its logarithmic derivatives ----------------------------------------------------------------
    _row("gamma", "gamma(u)*digamma(u)", "gamma function", r"\operatorname{Gamma}", real=math.gamma,
         code=("math.gamma({0})", _vectorised("gamma")),
         special={ONE: ONE, Num(2): ONE, Num(3): Num(2), HALF: power(PI, HALF)}, integer_poles=0, also_a_symbol=True),
    _row("loggamma", "digamma(u)", "log-gamma function", r"\operatorname{loggamma}", real=_loggamma,
         code=("_loggamma({0})", _vectorised("loggamma")), special={ONE: ZERO, Num(2): ZERO}, integer_poles=0),
    _row("digamma", "polygamma(1, u)", "digamma function", r"\operatorname{digamma}", real=_mpmath_real("digamma"),
         code=("_digamma({0})", _vectorised("digamma")), integer_poles=0),
    # polygamma(n, u): the n-th derivative of digamma, for n = 0, 1, 2, ...; test domain: n = 1, ..., 5
    _row("polygamma", (NOT_DIFFERENTIABLE, "polygamma(u + 1, v)"), "polygamma function",
         r"\operatorname{polygamma}", real=_polygamma, complex=_mpmath_polygamma,
         code=("_polygamma({0}, {1})", _vectorised("polygamma", 2)), integer_poles=1, integers=(0,),
         domain=(0.0, 6.0)),
    # beta(u, v) = gamma(u)*gamma(v)/gamma(u + v)
    _row("beta", ("beta(u, v)*(digamma(u) - digamma(u + v))", "beta(u, v)*(digamma(v) - digamma(u + v))"),
         "beta function", r"\operatorname{B}", real=_mpmath_real("beta"),
         code=("_beta({0}, {1})", _vectorised("beta", 2)), also_a_symbol=True),
    # ---- Lambert's W, the principal branch: W(u)*exp(W(u)) = u, real for u >= -1/e -------------------------------
    _row("lambertw", "lambertw(u)/(u*(1 + lambertw(u)))", "Lambert W function", r"\operatorname{W}",
         sympy="LambertW", real=_mpmath_real("lambertw"), code=("_lambertw({0})", _vectorised("lambertw")),
         special={ZERO: ZERO, E: ONE}, aliases=("LambertW",)),
)
