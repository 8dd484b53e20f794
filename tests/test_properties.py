"""Property tests: symdiff's derivatives of random expressions against SymPy's (tests/oracle.py), and the
simplified and unsimplified derivatives against each other."""

from __future__ import annotations

import random

import pytest
import sympy
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import symdiff

import strategies
from oracle import assert_same_values, numeric_mismatch, sympy_diff, value_or_none

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SETTINGS = settings(max_examples=300, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
SMALL_SETTINGS = settings(SETTINGS, max_examples=200)
QUICK_SETTINGS = settings(SETTINGS, max_examples=150)

small_expressions = st.recursive(strategies.leaves, strategies._extend, max_leaves=6).filter(
    strategies._not_undefined_everywhere)
seeds = st.integers(0, 2**32 - 1)


def without_dirac_delta(expr):
    """SymPy's d/dx sign(u) is 2*DiracDelta(u)*u': 0 wherever sign is differentiable, which is everywhere
    the comparison can be made (mpmath has no DiracDelta)."""
    return expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)


def finite_somewhere(expr, seed) -> bool:
    """Whether the expression itself has a finite value at one of a few points of the sampled box."""
    rng = random.Random(seed)
    return any(value_or_none(expr, {"x": rng.uniform(0.2, 1.5), "y": rng.uniform(0.2, 1.5)}) is not None
               for _ in range(20))


UNCOMPARABLE = "uncomparable"


def derivative_mismatch(expr, *variables, order=1, seed=0):
    """None when symdiff's derivative agrees with SymPy's at random points; UNCOMPARABLE when there is nothing
    to compare; else a description of the disagreement."""
    # An input that is nowhere defined (x - cot(0), sinh(x)/(x - x): SymPy folds these to zoo) has no
    # derivative to compare.
    if symdiff.to_sympy(expr, real=True).has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return UNCOMPARABLE
    if not finite_somewhere(expr, seed):
        return UNCOMPARABLE
    ours = symdiff.diff(expr, *variables, order=order)
    theirs = without_dirac_delta(sympy_diff(expr, *variables, order=order))
    # (rarely) SymPy leaves a derivative unevaluated, which mpmath cannot evaluate
    if theirs.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or theirs.has(sympy.Derivative, sympy.Subs):
        return UNCOMPARABLE
    try:
        mismatch = numeric_mismatch(ours, theirs, names=["x", "y"], points=4, seed=seed)
    except AssertionError:  # nowhere finite in the sampled box
        return UNCOMPARABLE
    if mismatch is None:
        return None
    return f"d/d{','.join(variables)} ({order}) of {expr}: symdiff {ours}, sympy {theirs}: {mismatch}"


def compare_with_sympy(expr, *variables, order=1, seed=0):
    mismatch = derivative_mismatch(expr, *variables, order=order, seed=seed)
    assume(mismatch != UNCOMPARABLE)
    assert mismatch is None, mismatch


@SETTINGS
@given(strategies.expressions, seeds)
# Regressions found by this test (symdiff.numeric's complex values on branch cuts, see test_functions.py):
@example(symdiff.parse("x*acsc(y)"), 0)
@example(symdiff.parse("x*asin(x + 1)"), 0)
@example(symdiff.parse("sqrt(1/(-x - 5))"), 0)
@example(symdiff.parse("abs(sqrt(x - 2))"), 0)  # see test_abs_is_differentiated_as_a_function_of_a_real_argument
def test_derivative_in_x_matches_sympy(expr, seed):
    compare_with_sympy(expr, "x", seed=seed)


@SETTINGS
@given(strategies.expressions, seeds)
@example(symdiff.parse("-asin(x)/(x + y)"), 0)
def test_derivative_in_y_matches_sympy(expr, seed):
    compare_with_sympy(expr, "y", seed=seed)


@SMALL_SETTINGS
@given(small_expressions, seeds)
@example(symdiff.parse("x^2*acsc(y)"), 0)
def test_second_derivative_matches_sympy(expr, seed):
    compare_with_sympy(expr, "x", order=2, seed=seed)


@QUICK_SETTINGS
@given(small_expressions, seeds)
@example(symdiff.parse("x*y*acsc(y)"), 0)
def test_mixed_partial_matches_sympy(expr, seed):
    compare_with_sympy(expr, "x", "y", seed=seed)


@pytest.mark.parametrize("text", ["abs(sqrt(x - 2))", "abs(acosh(x))", "abs(log(-x))", "abs(asin(x + 1))",
                                  "abs(x - 3)", "abs(sin(x))*y", "abs(asec(x))"])
def test_abs_is_differentiated_as_a_function_of_a_real_argument(text):
    """d/dx abs(u) = sign(u)*u' (README): it agrees with SymPy wherever u is real. Where u is complex for real x
    (|sqrt(x - 2)| for x < 2, whose derivative is Re(conj(u)*u')/|u|) the input is not defined over the
    reals, and the oracle compares no such point."""
    expr = symdiff.parse(text)
    ours = symdiff.diff(expr, "x")
    assert "sign(" in str(ours)
    theirs = without_dirac_delta(sympy_diff(expr, "x"))
    assert numeric_mismatch(ours, theirs, names=["x", "y"], points=4, low=-3.0, high=4.0) is None


@SETTINGS
@given(strategies.expressions, st.sampled_from(["x", "y"]), seeds)
@example(symdiff.parse("asec(-y)"), "y", 0)
def test_simplified_and_unsimplified_derivatives_agree(expr, variable, seed):
    raw = symdiff.diff(expr, variable, simplify=False)
    simplified = symdiff.diff(expr, variable, simplify=True)
    assert_same_values(raw, simplified, seed, f"d/d{variable} {expr}: ", real=False, attempts=30)


@QUICK_SETTINGS
@given(small_expressions, seeds)
def test_simplified_and_unsimplified_second_derivatives_agree(expr, seed):
    raw = symdiff.diff(expr, "x", order=2, simplify=False)
    simplified = symdiff.diff(expr, "x", order=2, simplify=True)
    assert_same_values(raw, simplified, seed, f"d2/dx2 {expr}: ", real=False, attempts=30)


@QUICK_SETTINGS
@given(strategies.expressions)
def test_derivatives_print_and_parse_back(expr):
    for variable in ("x", "y"):
        for result in (symdiff.diff(expr, variable), symdiff.diff(expr, variable, simplify=False)):
            assert symdiff.parse(str(result)) is result, str(result)
            assert symdiff.latex(result)


@QUICK_SETTINGS
@given(strategies.expressions)
def test_derivative_is_in_canonical_form(expr):
    result = symdiff.diff(expr, "x")
    assert symdiff.simplify(result) is result


@QUICK_SETTINGS
@given(strategies.expressions)
def test_derivative_only_depends_on_the_inputs_symbols(expr):
    result = symdiff.diff(expr, "x")
    assert result.free_symbols <= expr.free_symbols
    if "x" not in expr.free_symbols:
        assert result is symdiff.Num(0)
