"""The test oracle: compare any symdiff result with SymPy, symbolically or numerically at random points.

Every feature's tests use these helpers, so that all of symdiff is measured against the same reference.
Ours is evaluated with symdiff.numeric (complex principal branches); SymPy's with mpmath through lambdify on
the SymPy tree (never on user text), so that neither side's evaluator is trusted alone.
"""

from __future__ import annotations

import math
import random

import sympy

import symdiff
from symdiff.core.expr import Func
from symdiff.core.errors import EvaluationError
from symdiff.numeric.values import numeric_value
from symdiff.core.traversal import subexpressions

RELATIVE_TOLERANCE = 1e-7


def sympy_diff(expr, *variables, order: int = 1):
    """SymPy's derivative of a symdiff expression (converted exactly), in real symbols."""
    expr = symdiff.parse(expr) if isinstance(expr, str) else expr
    result = symdiff.to_sympy(expr, real=True)
    for name in variables:
        result = sympy.diff(result, sympy.Symbol(name, real=True), order)
    return result


def _sympy_evaluator(theirs, names):
    symbols = [sympy.Symbol(n, real=True) for n in names]
    function = sympy.lambdify(symbols, theirs, modules=["mpmath"])
    return lambda values: complex(function(*(values[n] for n in names)))


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))


def random_points(names, count, seed, low=0.2, high=1.5):
    rng = random.Random(seed)
    for _ in range(count):
        yield {n: rng.uniform(low, high) for n in names}


def real_argument_parts(expr) -> list:
    """The arguments of abs and sign in `expr`: symdiff differentiates these as functions of a real argument
    (README), so a comparison is only meaningful at points where those arguments are real."""
    return [node.arguments[0] for node in subexpressions(expr)
            if type(node) is Func and node.name in ("abs", "sign")]


def value_or_none(expr, point, real: bool = False):
    """The complex value of a symdiff expression at a point, or None where it is undefined (with `real`:
    undefined over the reals, every intermediate value real) or huge."""
    try:
        value = complex(numeric_value(expr, point, complex_values=not real))
    except (EvaluationError, OverflowError):
        return None
    if not (math.isfinite(value.real) and math.isfinite(value.imag)) or abs(value) > 1e12:
        return None
    return value


def defined_for_sympy(expr, point) -> bool:
    """Whether SymPy, which folds x/x to 1 exactly, also finds `expr` finite at `point`: a value that exists only
    through rounding (atanh(x/x) evaluates to atanh(1 - 1e-31) = 36) is not a value to preserve."""
    substitution = {sympy.Symbol(name, real=True): sympy.Float(value, 30) for name, value in point.items()}
    try:
        value = complex(sympy.N(symdiff.to_sympy(expr, real=True).subs(substitution), 30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return math.isfinite(value.real) and math.isfinite(value.imag)


def _all_real(parts, point) -> bool:
    for part in parts:
        try:
            value = complex(numeric_value(part, point, complex_values=True))
        except EvaluationError:
            return False
        if abs(value.imag) > 1e-12 * max(1.0, abs(value)):
            return False
    return True


def numeric_mismatch(ours, theirs, names=None, points: int = 5, seed: int = 0, low=0.2, high=1.5,
                     attempts: int = 60, real_only: bool = False):
    """None when `ours` (symdiff) and `theirs` (SymPy) agree at `points` random points where both are finite
    (and every argument of abs and sign in `ours` is real; with `real_only`, both values real: off the real
    line, values on a branch cut follow each library's convention); else a description of the first
    disagreement. Raises AssertionError if no usable point is found."""
    names = sorted(set(names or ()) | set(ours.free_symbols) | {s.name for s in theirs.free_symbols})
    evaluate_theirs = _sympy_evaluator(theirs, names)
    real_parts = real_argument_parts(ours)
    tested = 0
    for point in random_points(names, attempts, seed, low, high):
        if real_parts and not _all_real(real_parts, point):
            continue
        try:
            a = complex(numeric_value(ours, point, complex_values=True))
        except (EvaluationError, OverflowError):
            continue
        try:
            b = evaluate_theirs(point)
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            continue
        if not all(map(math.isfinite, (a.real, a.imag, b.real, b.imag))):
            continue
        if real_only and (abs(a.imag) > 1e-12 * max(1.0, abs(a)) or abs(b.imag) > 1e-12 * max(1.0, abs(b))):
            continue
        if not _close(a, b):
            return f"at {point}: symdiff {a} vs sympy {b}"
        tested += 1
        if tested == points:
            return None
    if tested == 0:
        raise AssertionError(f"no point where both {ours} and {theirs} are finite")
    return None


def assert_matches_sympy(ours, theirs, **options) -> None:
    mismatch = numeric_mismatch(ours, theirs, **options)
    assert mismatch is None, f"{ours} != {theirs}: {mismatch}"


def assert_derivative_matches_sympy(text_or_expr, *variables, order: int = 1, **options):
    """Differentiate with symdiff and SymPy and compare numerically; returns symdiff's result."""
    ours = symdiff.diff(text_or_expr, *variables, order=order)
    assert_matches_sympy(ours, sympy_diff(text_or_expr, *variables, order=order), **options)
    return ours


def assert_same_values(original, rewritten, seed: int, what: str = "", real: bool = True, points: int = 4,
                       attempts: int = 20) -> None:
    """`rewritten` has the value of `original` at random points in (0.2, 1.5)^2 where `original` is defined
    (over the reals, every intermediate real, when `real`), and is defined there too. A hypothesis test with
    no comparable point is discarded (assume)."""
    from hypothesis import assume
    rng = random.Random(seed)
    compared = 0
    for _ in range(attempts):
        point = {"x": rng.uniform(0.2, 1.5), "y": rng.uniform(0.2, 1.5)}
        before = value_or_none(original, point, real=real)
        if before is None:
            continue
        after = value_or_none(rewritten, point, real=real)
        if after is None and not defined_for_sympy(original, point):
            continue  # a value only through rounding (atanh(x/x) = atanh(1 - 1e-31)): nothing to keep
        assert after is not None, f"{what}{original} = {before} at {point}, but {rewritten} is undefined there"
        assert abs(before - after) <= 1e-7 * max(1.0, abs(before)), \
            f"{what}{original} -> {rewritten} at {point}: {before} vs {after}"
        compared += 1
        if compared == points:
            break
    assume(compared > 0)


def symbolically_equal(ours, theirs, seconds: float = 10.0) -> bool:
    """sympy.simplify(ours - theirs) == 0 (False if it does not finish in time)."""
    from symdiff.interop.verify import SympyTimeout, time_limit
    try:
        with time_limit(seconds):
            return sympy.simplify(symdiff.to_sympy(ours, real=True) - theirs) == 0
    except SympyTimeout:
        return False
