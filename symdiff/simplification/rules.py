"""The simplifier's rewrite rules: one line each, `pattern => replacement`, with a guard where a rule holds
only for some values. Variables: a, b, c stand for any expression, n, m, k for numbers
(symdiff.simplification.rewrite).

Every rule holds wherever both sides are defined over the reals (symbols are real; tests/test_rules.py checks
each at random points). The simplifier applies a rule only where the result is smaller
(symdiff.simplification.simplifier).

Powers and roots: over the reals u^m for a non-integer m is defined only where u >= 0 (sqrt(-1) is undefined;
cbrt is the real cube root function), and where u < 0 its principal (complex) value, SymPy's, is kept too. So
(u^n)^m is |u|^(n*m) for an even n, and u^(n*m) where the principal values agree; a positive number goes into
or out of a root, and the root of a positive number multiplies another root with the same exponent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from fractions import Fraction
from typing import cast

from ..core.expr import Expr, Float, Num, Pow
from .rewrite import Bindings, Rule, exact_root
from .rewrite import make_rule as rule


def _even_integer(bindings: Bindings) -> bool:
    """n is an even whole number, exact or a float such as 2.0."""
    value = cast("Num | Float", bindings["n"]).value
    return value == int(value) and int(value) % 2 == 0


def _not_even_integer(bindings: Bindings) -> bool:
    return not _even_integer(bindings)


# Exponents above this are left alone, as everywhere in the simplifier (README: powers above 1000 are not
# attempted): sqrt(2^(10^10)) stays as it is.
MAX_EXPONENT = 1000


def _exact(joint: Callable[[Fraction, Fraction], bool] | None = None,
           **conditions: Callable[[Fraction], bool]) -> Callable[[Bindings], bool]:
    """A guard: each named number variable is exact (a decimal is not: 2.0 may be a rounded 2.0000001) and
    meets its condition, and `joint` holds for (n, m). A variable not bound yet passes (tests choose typical
    numbers one variable at a time)."""
    def guard(bindings: Bindings) -> bool:
        for name, condition in conditions.items():
            bound = bindings.get(name)
            if bound is not None and (type(bound) is not Num or not condition(Fraction(bound.value))):
                return False
        n, m = bindings.get("n"), bindings.get("m")
        return joint is None or n is None or m is None or joint(Fraction(cast(Num, n).value),
                                                                 Fraction(cast(Num, m).value))
    return guard


def _bounded(value: Fraction) -> bool:
    return abs(value.numerator) <= MAX_EXPONENT and value.denominator <= MAX_EXPONENT


def _even(value: Fraction) -> bool:
    return _bounded(value) and value.denominator == 1 and value.numerator % 2 == 0


def _fraction(value: Fraction) -> bool:
    return _bounded(value) and value.denominator != 1


def _cube_multiple(value: Fraction) -> bool:
    return _bounded(value) and value.denominator == 1 and value.numerator % 3 == 0


def _positive(value: Fraction) -> bool:
    return value > 0


def _not_one(value: Fraction) -> bool:
    return value != 1


def _same_principal_value(n: Fraction, m: Fraction) -> bool:
    """(u^n)^m = u^(n*m) for every real u (principal values where u < 0, as SymPy computes them): for n odd when
    m*(n - 1) is even ((x^5)^(1/2) = x^(5/2), but (x^3)^(1/3) is not x at x = -8), for a fraction n in (-1, 1]."""
    if n.denominator == 1:
        return n.numerator % 2 == 1 and (m * (n - 1)).denominator == 1 and (m * (n - 1)).numerator % 2 == 0
    return -1 < n <= 1


def _rational_root_of_n(n: Fraction, m: Fraction) -> bool:
    """n^(1/m) is rational, so that n*a^m goes into the root as (n^(1/m)*a)^m."""
    return exact_root(n, m.numerator) is not None


def _is_root(node: Expr) -> bool:
    """u^(p/q) with q > 1: what the rules about roots can match (most powers the simplifier meets are integer)."""
    return type(node) is Pow and type(node.exp) is Num and type(node.exp.value) is not int


def _has_root(node: Expr) -> bool:
    """A product with a factor u^(p/q), q > 1."""
    return any(map(_is_root, node.args))


_EVEN_ROOT = _exact(n=_even, m=_fraction)
_ROOT = _exact(_same_principal_value, n=_bounded, m=_fraction)
_POSITIVE_ROOT = _exact(n=_positive, m=_fraction)
_SCALED_ROOT = _exact(n=_not_one, k=_positive, m=_fraction)
# Into a root only (m > 0): 1/(2*sqrt(x)) is how a derivative is written, not the shorter 1/sqrt(4*x).
_INTO_ROOT = _exact(_rational_root_of_n, n=lambda n: n > 0 and n != 1, m=lambda m: m > 0 and _fraction(m))
_NUMBER_ROOT = _exact(k=_positive, m=_fraction)


def _rules() -> list[Rule]:
    """The rules, parsed (under the fixed internal budget)."""
    return [
        # ---- Pythagorean identities (with any common coefficient: 3*sin(x)^2 + 3*cos(x)^2 -> 3) ----------------
        rule("pythagorean",                 "sin(a)^2 + cos(a)^2    => 1"),
        rule("pythagorean (cos)",           "1 - sin(a)^2           => cos(a)^2"),
        rule("pythagorean (sin)",           "1 - cos(a)^2           => sin(a)^2"),
        rule("secant square",               "1 + tan(a)^2           => sec(a)^2"),
        rule("cosecant square",             "1 + cot(a)^2           => csc(a)^2"),
        rule("hyperbolic identity",         "cosh(a)^2 - sinh(a)^2  => 1"),
        rule("cosh square",                 "1 + sinh(a)^2          => cosh(a)^2"),
        rule("sinh square",                 "cosh(a)^2 - 1          => sinh(a)^2"),
        rule("sech square",                 "1 - tanh(a)^2          => sech(a)^2"),
        rule("csch square",                 "coth(a)^2 - 1          => csch(a)^2"),
        # ---- quotients and double angles -----------------------------------------------------------------------
        rule("tangent",                     "sin(a)/cos(a)          => tan(a)"),
        rule("cotangent",                   "cos(a)/sin(a)          => cot(a)"),
        rule("hyperbolic tangent",          "sinh(a)/cosh(a)        => tanh(a)"),
        rule("hyperbolic cotangent",        "cosh(a)/sinh(a)        => coth(a)"),
        rule("double angle (sin)",          "2*sin(a)*cos(a)        => sin(2*a)"),
        rule("double angle (cos)",          "cos(a)^2 - sin(a)^2    => cos(2*a)"),
        rule("double angle (sinh)",         "2*sinh(a)*cosh(a)      => sinh(2*a)"),
        rule("double angle (cosh)",         "cosh(a)^2 + sinh(a)^2  => cosh(2*a)"),
        rule("angle sum (sin)",             "sin(a)*cos(b) + cos(a)*sin(b)      => sin(a + b)"),
        rule("angle difference (sin)",      "sin(a)*cos(b) - cos(a)*sin(b)      => sin(a - b)"),
        rule("angle sum (cos)",             "cos(a)*cos(b) - sin(a)*sin(b)      => cos(a + b)"),
        rule("angle difference (cos)",      "cos(a)*cos(b) + sin(a)*sin(b)      => cos(a - b)"),
        rule("argument sum (sinh)",         "sinh(a)*cosh(b) + cosh(a)*sinh(b)  => sinh(a + b)"),
        rule("argument sum (cosh)",         "cosh(a)*cosh(b) + sinh(a)*sinh(b)  => cosh(a + b)"),
        # ---- exponentials and logarithms -----------------------------------------------------------------------
        rule("exp of a sum",                "exp(a)*exp(b)          => exp(a + b)"),
        rule("exp of a log",                "exp(b*log(a))          => a^b"),
        rule("log of exp",                  "log(exp(a))            => a"),
        rule("log of a power",              "log(a^n)               => n*log(a)",           _not_even_integer),
        rule("log of an even power",        "log(a^n)               => n*log(abs(a))",      _even_integer),
        # ---- absolute value and sign ---------------------------------------------------------------------------
        rule("root of a square",            "sqrt(a^2)              => abs(a)",             None, _is_root),
        rule("even power of abs",           "abs(a)^n               => a^n",                _exact(n=_even)),
        rule("abs times sign",              "abs(a)*sign(a)         => a"),
        rule("sign times value",            "a*sign(a)              => abs(a)"),
        rule("abs over value",              "abs(a)/a               => sign(a)"),
        # ---- powers and roots (m not an integer: a base is >= 0 wherever the input is defined) -----------------
        rule("root of an even power",       "(a^n)^m                => abs(a)^(n*m)",       _EVEN_ROOT, _is_root),
        rule("root of a power",             "(a^n)^m                => a^(n*m)",            _ROOT, _is_root),
        rule("root content",                "(n*a)^m                => n^m*a^m",            _POSITIVE_ROOT, _is_root),
        rule("root content (times n)",      "n*(k*a)^m              => n*k^m*a^m",          _SCALED_ROOT, _has_root),
        rule("number into a root",          "n*a^m                  => (n^(1/m)*a)^m",      _INTO_ROOT, _has_root),
        rule("product of roots",            "k^m*a^m                => (k*a)^m",            _NUMBER_ROOT, _has_root),
        rule("cube root of a cube",         "cbrt(a^n)              => a^(n/3)",            _exact(n=_cube_multiple)),
        rule("cube root content",           "cbrt(n*a)              => cbrt(n)*cbrt(a)"),
        rule("cube root content (times n)", "n*cbrt(k*a)            => n*cbrt(k)*cbrt(a)",  _exact(n=_not_one)),
        rule("cube root content (power)",   "n*cbrt(k*a)^m          => n*cbrt(k)^m*cbrt(a)^m",  _exact(k=_positive)),
    ]


@functools.cache
def rewrite_rules() -> tuple[Rule, ...]:
    """REWRITE_RULES, parsed the first time a simplification needs a rule: a command whose derivative needs none
    (a polynomial's) does not parse them, which was a third of its start. Under the fixed internal budget, as at
    import; two threads at once may both parse them, to equal rules, and one is kept."""
    return tuple(_rules())


def __getattr__(name: str) -> tuple[Rule, ...]:
    """REWRITE_RULES, the table of rules (PEP 562: built on first use)."""
    if name == "REWRITE_RULES":
        return rewrite_rules()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
