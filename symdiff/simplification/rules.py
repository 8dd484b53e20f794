"""The simplifier's rewrite rules: one line each, `pattern => replacement`, with a guard where a rule holds
only for some values. Variables: a, b, c stand for any expression, n and m for numbers (symdiff.simplification.rewrite).

Every rule holds wherever both sides are defined over the reals (symbols are real; tests/test_rules.py checks
each at random points). The simplifier applies a rule only where the result is smaller
(symdiff.simplification.simplifier).
"""

from __future__ import annotations

from typing import cast

from ..core.expr import Float, Num
from .rewrite import Bindings
from .rewrite import make_rule as rule


def _even_integer(bindings: Bindings) -> bool:
    """n is an even whole number, exact or a float such as 2.0."""
    value = cast("Num | Float", bindings["n"]).value
    return value == int(value) and int(value) % 2 == 0


def _not_even_integer(bindings: Bindings) -> bool:
    return not _even_integer(bindings)


REWRITE_RULES = [
    # ---- Pythagorean identities (with any common coefficient: 3*sin(x)^2 + 3*cos(x)^2 -> 3) ----------
    rule("pythagorean",          "sin(a)^2 + cos(a)^2      => 1"),
    rule("pythagorean (cos)",    "1 - sin(a)^2             => cos(a)^2"),
    rule("pythagorean (sin)",    "1 - cos(a)^2             => sin(a)^2"),
    rule("secant square",        "1 + tan(a)^2             => sec(a)^2"),
    rule("cosecant square",      "1 + cot(a)^2             => csc(a)^2"),
    rule("hyperbolic identity",  "cosh(a)^2 - sinh(a)^2    => 1"),
    rule("cosh square",          "1 + sinh(a)^2            => cosh(a)^2"),
    rule("sinh square",          "cosh(a)^2 - 1            => sinh(a)^2"),
    rule("sech square",          "1 - tanh(a)^2            => sech(a)^2"),
    rule("csch square",          "coth(a)^2 - 1            => csch(a)^2"),
    # ---- quotients and double angles ----------------------------------------------------------------------
    rule("tangent",              "sin(a)/cos(a)            => tan(a)"),
    rule("cotangent",            "cos(a)/sin(a)            => cot(a)"),
    rule("hyperbolic tangent",   "sinh(a)/cosh(a)          => tanh(a)"),
    rule("hyperbolic cotangent", "cosh(a)/sinh(a)          => coth(a)"),
    rule("double angle (sin)",   "2*sin(a)*cos(a)          => sin(2*a)"),
    rule("double angle (cos)",   "cos(a)^2 - sin(a)^2      => cos(2*a)"),
    rule("double angle (sinh)",  "2*sinh(a)*cosh(a)        => sinh(2*a)"),
    rule("double angle (cosh)",  "cosh(a)^2 + sinh(a)^2    => cosh(2*a)"),
    # ---- exponentials and logarithms ----------------------------------------------------------------------
    rule("exp of a sum",         "exp(a)*exp(b)            => exp(a + b)"),
    rule("exp of a log",         "exp(b*log(a))            => a^b"),
    rule("log of exp",           "log(exp(a))              => a"),
    rule("log of a power",       "log(a^n)                 => n*log(a)",       _not_even_integer),
    rule("log of an even power", "log(a^n)                 => n*log(abs(a))",  _even_integer),
    # ---- absolute value and sign --------------------------------------------------------------------------
    rule("root of a square",     "sqrt(a^2)                => abs(a)"),
    rule("square of abs",        "abs(a)^2                 => a^2"),
    rule("abs times sign",       "abs(a)*sign(a)           => a"),
    rule("sign times value",     "a*sign(a)                => abs(a)"),
    rule("abs over value",       "abs(a)/a                 => sign(a)"),
]
