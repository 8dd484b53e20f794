"""The simplifier: canonical forms (exact expected text), safety (no rewrite that is wrong somewhere the input
is defined), idempotence, and a hypothesis check that simplification never changes a value."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import symdiff
from symdiff.numeric.values import numeric_value

import strategies
from oracle import assert_same_values

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def s(text) -> str:
    return str(symdiff.simplify(text))


CANONICAL = [
    # flattening
    ("x + (y + z)", "x + y + z"),
    ("(x + y) + (z + w)", "w + x + y + z"),
    ("x*(y*z)", "x*y*z"),
    ("(x*y)*(z*w)", "w*x*y*z"),
    # exact constant folding; floats are contagious
    ("2*3/4", "3/2"),
    ("2 + 3", "5"),
    ("1/3 + 1/6", "1/2"),
    ("2*x*3", "6*x"),
    ("0.5*2", "1.0"),
    ("1/0.5", "2.0"),
    ("2^(-2)", "1/4"),
    ("(2/3)^2", "4/9"),
    # like terms
    ("3*x - x", "2*x"),
    ("x + y - x", "y"),
    ("x + x", "2*x"),
    ("x - x", "0"),
    ("2*(x + 1) - 2*x", "2"),
    ("x*y + y*x", "2*x*y"),
    ("sin(x) + 2*sin(x)", "3*sin(x)"),
    ("x/2 + x/2", "x"),
    # like factors
    ("x*x", "x^2"),
    ("x*x^2", "x^3"),
    ("x^2/x", "x"),
    ("x/x", "1"),
    ("x^2*x^-2", "1"),
    ("x*y*x", "x^2*y"),
    ("sqrt(x)*sqrt(x)", "x"),
    ("x^(1/2)*x^(1/2)", "x"),
    ("x^a*x^b", "x^(a + b)"),
    ("sin(x)*sin(x)", "sin(x)^2"),
    ("(x*y)^2", "x^2*y^2"),
    ("(x^2)^3", "x^6"),
    ("exp(x)^2", "exp(2*x)"),
    ("exp(x)*exp(y)", "exp(x)*exp(y)"),
    # identities
    ("x^0", "1"),
    ("x^1", "x"),
    ("0*x", "0"),
    ("1*x", "x"),
    ("x*1", "x"),
    ("x + 0", "x"),
    ("1^x", "1"),
    ("0^2", "0"),
    ("e^x", "exp(x)"),
    # canonical order
    ("-4 + 6*x", "6*x - 4"),
    ("6*x - 4", "6*x - 4"),
    ("1 + 2*x + x^2", "x^2 + 2*x + 1"),
    ("2*x + 1 + x^2", "x^2 + 2*x + 1"),
    ("x + x^3", "x^3 + x"),
    ("y*x", "x*y"),
    ("b + a", "a + b"),
    ("sin(x)*x", "x*sin(x)"),
    ("exp(x)*2", "2*exp(x)"),
    ("x/y", "x/y"),
    ("1/(2*y^2)", "1/(2*y^2)"),
    # special values of functions
    ("sin(0)", "0"),
    ("cos(0)", "1"),
    ("tan(0)", "0"),
    ("exp(0)", "1"),
    ("log(1)", "0"),
    ("log(e)", "1"),
    ("cos(pi)", "-1"),
    ("sin(pi)", "0"),
    ("asin(0)", "0"),
    ("acos(1)", "0"),
    ("atan(0)", "0"),
    ("cosh(0)", "1"),
    ("sinh(0)", "0"),
    ("abs(-3)", "3"),
    ("abs(0)", "0"),
    ("sign(-3)", "-1"),
    ("sign(0)", "0"),
    ("log(x, e)", "log(x)"),
    ("log(x, x)", "1"),
    ("log(1, x)", "0"),
    ("exp(log(x))", "x"),
    ("sin(x - x)", "0"),
    # odd and even functions
    ("sin(-x)", "-sin(x)"),
    ("cos(-x)", "cos(x)"),
    ("tan(-x)", "-tan(x)"),
    ("sin(-2*x)", "-sin(2*x)"),
    ("cosh(-x)", "cosh(x)"),
    ("sinh(-x)", "-sinh(x)"),
    ("atan(-x)", "-atan(x)"),
    ("abs(-x)", "abs(x)"),
    ("sec(-x)", "sec(x)"),
    ("sin(-x) + sin(x)", "0"),
    ("cos(-x) - cos(x)", "0"),
    # numeric powers
    ("2^10", "1024"),
    ("4^(1/2)", "2"),
    ("9^(1/2)", "3"),
    ("27^(1/3)", "3"),
    ("8^(2/3)", "4"),
    ("(1/4)^(1/2)", "1/2"),
    ("2^(5/2)", "4*sqrt(2)"),
    ("sqrt(2)*sqrt(2)", "2"),
    ("(-8)^(1/3)", "(-8)^(1/3)"),
    ("(-4)^(1/2)", "sqrt(-4)"),
    ("2^x", "2^x"),
]


@pytest.mark.parametrize("text, expected", CANONICAL)
def test_canonical_form(text, expected):
    assert str(symdiff.simplify(text, level="basic")) == expected


@pytest.mark.parametrize("text, expected", [
    ("exp(x)*exp(y)", "exp(x + y)"),
    ("1 + 2*x + x^2", "(x + 1)^2"),
    ("x^2*exp(x) + 2*x*exp(x)", "x*exp(x)*(x + 2)"),
    ("(x^2 - 1)/(x - 1)", "x + 1"),
    ("1/(x + 1) - 1/x", "-1/(x*(x + 1))"),
    ("3*sin(x)^2 + 3*cos(x)^2 + y", "y + 3"),
    ("1 + tan(x)^2", "sec(x)^2"),
    ("-1 - cot(x)^2", "-csc(x)^2"),
    ("cosh(x)^2 - sinh(x)^2", "1"),
    ("sin(x)/cos(x)", "tan(x)"),
    ("2*sin(x)*cos(x)", "sin(2*x)"),
    ("log(exp(x))", "x"),
    ("exp(2*log(x))", "x^2"),
    ("log(x^3)", "log(x^3)"),        # 3*log(x) is right (x > 0 where defined) but no shorter
    ("exp(y*log(x))", "x^y"),
    ("sqrt(x^2)", "abs(x)"),
    ("x*sign(x)", "abs(x)"),
    ("x^2*cos(x) + 2*x*sin(x)", "x^2*cos(x) + 2*x*sin(x)"),  # factoring would be no shorter: left as is
])
def test_full_simplification(text, expected):
    assert s(text) == expected


@pytest.mark.parametrize("text", ["x^2*cos(x) + 2*x*sin(x)", "x^2*exp(x) + 2*x*exp(x)", "(x + 1)^10",
                                  "1/(x + 1) - 1/x", "sin(x)^2 + cos(x)^2", "(x^2 - 1)/(x - 1)"])
def test_full_is_never_longer_than_basic(text):
    assert len(s(text)) <= len(str(symdiff.simplify(text, level="basic")))


@pytest.mark.parametrize("text, expected", CANONICAL)
def test_canonical_form_prints_and_parses_back(text, expected):
    result = symdiff.simplify(text)
    assert symdiff.parse(str(result)) is result


@pytest.mark.parametrize("text", ["x + (y + z)", "x*(y*z)", "(x*y)*(z*w)", "x + y + z + w"])
def test_flattened_nodes_have_no_nested_sums_or_products(text):
    result = symdiff.simplify(text)
    assert all(type(arg) is not type(result) for arg in result.args)


@pytest.mark.parametrize("text", ["x/(x - x)", "1/(2 - 2)", "sqrt(x - x)^(-1)", "(y - y)^(-1/2)", "0^(-3)*x"])
def test_division_by_an_identical_zero_is_refused(text):
    with pytest.raises(symdiff.UndefinedError):
        symdiff.simplify(text)


def test_zero_to_a_negative_power_is_a_parse_error():
    with pytest.raises(symdiff.ParseError):
        symdiff.parse("0^(-1)")


@pytest.mark.parametrize("text, expected", [
    ("0.1 + 0.2", "0.30000000000000004"),
    ("sin(0.5)", repr(math.sin(0.5))),
    ("2.0^3", "8.0"),
    ("x*2.5*2", "5.0*x"),
])
def test_floats_fold_to_floats(text, expected):
    assert s(text) == expected


# ---- safety: no rewrite that changes the value somewhere ----------------------------------------------

@pytest.mark.parametrize("text, not_expected", [
    ("sqrt(x^2)", "x"),
    ("(x^2)^(1/2)", "x"),
    ("(x^3)^(1/3)", "x"),
    ("(x^(1/2))^2", "abs(x)"),
    ("asin(sin(x))", "x"),
    ("(x*y)^(1/2)", "sqrt(x)*sqrt(y)"),
    ("log(x*y)", "log(x) + log(y)"),
    ("log(x^2)", "2*log(x)"),
])
def test_unsafe_rewrites_are_not_made(text, not_expected):
    result = symdiff.simplify(text)
    assert str(result) != not_expected
    assert result is not symdiff.parse(not_expected)


@pytest.mark.parametrize("text, expected", [
    ("sqrt(x^2)", "abs(x)"),          # symbols are real (README): |x|, never x
    ("(x^2)^(1/2)", "abs(x)"),
    ("log(exp(x))", "x"),             # true for every real x
    ("(x*y)^(1/2)", "sqrt(x*y)"),     # sqrt(x)*sqrt(y) would be wrong for x, y < 0
    ("log(x^2)", "log(x^2)"),         # 2*log(abs(x)) is right but longer
])
def test_rewrites_valid_over_the_reals(text, expected):
    assert s(text) == expected


@pytest.mark.parametrize("text, point", [
    ("sqrt(x^2)", {"x": -2.0}),
    ("(x^2)^(1/2)", {"x": -3.0}),
    ("(x^3)^(1/3)", {"x": -2.0}),
    ("log(exp(x))", {"x": -2.5}),
    ("(x*y)^(1/2)", {"x": -2.0, "y": -3.0}),
    ("log(x*y)", {"x": -2.0, "y": -3.0}),
    ("(x^2)^(3/2)", {"x": -1.5}),
    ("x^(1/2)*y^(1/2)", {"x": -2.0, "y": -3.0}),
])
def test_simplify_keeps_values_where_the_naive_rewrite_is_wrong(text, point):
    expr = symdiff.parse(text)
    before = numeric_value(expr, point, complex_values=True)
    after = numeric_value(symdiff.simplify(expr), point, complex_values=True)
    assert abs(before - after) <= 1e-9 * max(1.0, abs(before)), (text, before, after)


@pytest.mark.parametrize("text, point", [
    ("asin(-x)", 2.0), ("asin(-2*x)", 1.5), ("atanh(-x)", 3.0), ("-atanh(-3)", None), ("acsc(-x)", 0.75),
])
def test_odd_function_rewrite_on_a_branch_cut(text, point):
    """sin(-u) -> -sin(u) style rewrites on arguments outside the real domain: SymPy's principal branches make
    asin, atanh, acsc odd on the whole real line, so the value must not change."""
    expr = symdiff.parse(text)
    values = {"x": point} if point is not None else {}
    before = numeric_value(expr, values, complex_values=True)
    after = numeric_value(symdiff.simplify(expr), values, complex_values=True)
    assert abs(before - after) <= 1e-9 * max(1.0, abs(before)), \
        f"{text} -> {symdiff.simplify(expr)} at {point}: {before} vs {after}"


# ---- huge numbers stay symbolic -----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2^(10^10)", "2^10000000000"),
    ("10^(10^10)", "10^10000000000"),
    ("2^(-10^10)", "2^(-10000000000)"),
    ("(1/2)^(10^10)", "(1/2)^10000000000"),
    ("2^(10^10)*2^(10^10)", "2^20000000000"),
    ("(2^(10^10))^2", "2^20000000000"),
    ("2^(10^10) - 2^(10^10)", "0"),
    ("x^(10^10)*x", "x^10000000001"),
    ("sqrt(2^(10^10))", "sqrt(2^10000000000)"),
])
def test_huge_powers_stay_symbolic_and_fast(text, expected):
    start = time.perf_counter()
    result = symdiff.simplify(text)
    elapsed = time.perf_counter() - start
    assert str(result) == expected
    assert elapsed < 1.0, f"{text} took {elapsed:.2f} s"


def test_huge_power_differentiates_quickly():
    start = time.perf_counter()
    assert str(symdiff.diff("2^(10^10)*x", "x")) == "2^10000000000"
    assert str(symdiff.diff("x^(10^10)", "x")) == "10000000000*x^9999999999"
    assert time.perf_counter() - start < 1.0


def test_moderate_power_is_expanded_exactly():
    assert symdiff.simplify("2^1000").value == 2 ** 1000
    assert str(symdiff.simplify("3^(-5)")) == "1/243"
    assert str(symdiff.simplify("(2/3)^(-3)")) == "27/8"


# ---- idempotence --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [text for text, _ in CANONICAL] + [
    "x*sin(x)*exp(x) + x^x/(x + 1)", "sqrt(x^2) + log(exp(x))", "(x + 1)^2*(x + 1)^-3", "2^(5/2)*x^(5/2)",
    "sin(-x)^2 + cos(-x)^2", "-(x - y)", "x/(2*y) - x/y",
])
def test_simplify_is_idempotent(text):
    once = symdiff.simplify(text)
    assert symdiff.simplify(once) is once


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.expressions)
def test_simplify_is_idempotent_on_random_expressions(expr):
    once = symdiff.simplify(expr)
    assert symdiff.simplify(once) is once, (str(expr), str(once), str(symdiff.simplify(once)))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.expressions)
def test_simplified_text_parses_back(expr):
    once = symdiff.simplify(expr)
    assert symdiff.parse(str(once)) is once


# ---- never wrong: the value is kept wherever the input is defined -------------------------------------

@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.expressions, st.integers(0, 2**32 - 1))
# found by this test: see test_odd_function_rewrite_on_a_branch_cut, and test_functions' value at zero (acot(0))
@example(symdiff.parse("acsc(-x)"), 0)
@example(symdiff.parse("acot(sin(pi))"), 0)
def test_simplify_never_changes_a_value(expr, seed):
    assert_same_values(expr, symdiff.simplify(expr), seed)


# ---- multiple angles -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("sin(2*x) - 2*sin(x)*cos(x)", "0"),
    ("cos(2*x) + 2*sin(x)^2", "1"),
    ("cos(3*x) + sin(x)*sin(2*x)", "cos(x)*cos(2*x)"),
    ("sin(-2*x) + sin(2*x)", "0"),
    ("cosh(2*x) - 2*sinh(x)^2", "1"),
    ("sinh(3*x) - 3*sinh(x) - 4*sinh(x)^3", "0"),
    ("sin(5*x)*cos(x) + cos(4*x)*sin(2*x)", "cos(x)*sin(5*x) + cos(4*x)*sin(2*x)"),  # a cycle of forms ends
    ("cos(2*x)", "cos(2*x)"),                            # one multiple alone is left alone
])
def test_multiples_of_one_angle_cancel(text, expected):
    assert s(text) == expected


_trig_terms = st.tuples(st.sampled_from(["sin", "cos", "sinh", "cosh"]), st.integers(-4, 4).filter(bool),
                        st.integers(-3, 3), st.integers(1, 2))


@settings(max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_trig_terms, min_size=1, max_size=3), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_sums_of_products_of_multiple_angles_keep_their_value(terms, seed):
    text = " + ".join("*".join(f"{c}*{name}({k}*x)^{p}" for name, k, c, p in product) for product in terms)
    expr = symdiff.parse(text)
    simplified = symdiff.simplify(expr)
    assert len(str(simplified)) <= len(str(symdiff.simplify(expr, "basic")))
    assert_same_values(expr, simplified, seed, text)


# ---- exact values at multiples of pi/4 and pi/6 ---------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("sin(pi/4)", "sqrt(2)/2"), ("cos(pi/6)", "sqrt(3)/2"), ("sin(pi/6)", "1/2"), ("cos(2*pi/3)", "-1/2"),
    ("tan(pi/3)", "sqrt(3)"), ("cot(pi/6)", "sqrt(3)"), ("sec(pi/4)", "sqrt(2)"), ("csc(5*pi/6)", "2"),
    ("sin(-pi/3)", "-sqrt(3)/2"), ("cos(7*pi/4)", "sqrt(2)/2"), ("sin(3*pi/2)", "-1"), ("tan(9*pi/4)", "1"),
    ("sin(pi/12)", "sin(pi/12)"), ("cos(pi/5)", "cos(pi/5)"),   # no table entry: left as it is
])
def test_exact_trigonometric_values(text, expected):
    assert s(text) == expected


@pytest.mark.parametrize("k", range(-24, 25))
@pytest.mark.parametrize("name", ["sin", "cos", "tan", "cot", "sec", "csc"])
def test_exact_values_agree_with_floating_point(name, k):
    text = f"{name}({k}*pi/12)"
    try:
        value = symdiff.simplify(text)
    except symdiff.UndefinedError:  # a pole: the function of the float is huge or infinite there
        reciprocal = {"cot": "tan", "sec": "cos", "csc": "sin", "tan": "cos"}[name]
        assert abs(getattr(math, reciprocal)(k * math.pi / 12)) < 1e-12
        return
    expected = numeric_value(symdiff.parse(text), {})
    assert math.isclose(numeric_value(value, {}), expected, rel_tol=1e-12, abs_tol=1e-12)


# ---- two-monomial sums, without FLINT -------------------------------------------------------------------

@pytest.mark.parametrize("text", ["6*x - 4", "3*x^2 - 4*x", "1000*x + 2000", "x^5*y^3 + x^3*y^7", "-x^4 - x^6",
                                  "2*x*y + 4*y", "x^2 + x", "-12*x^3*pi + 8*x*pi^2"])
def test_binomials_simplify_as_through_flint(text):
    """The binomial fast path gives what the general rational step gives (or shorter, never longer)."""
    from symdiff.simplification.canonical import canonical
    from symdiff.simplification.rational import binomial_candidates
    node = canonical(symdiff.parse(text))
    fast = binomial_candidates(node)
    assert fast is not None
    general = _through_flint(node)
    shortest = lambda forms: min([node, *forms], key=lambda f: len(str(f)))  # noqa: E731
    assert len(str(shortest(fast))) <= len(str(shortest(general)))
    for form in fast:
        for point in ({"x": 0.7, "y": 1.3}, {"x": -1.1, "y": 0.4}):
            assert math.isclose(numeric_value(form, point), numeric_value(node, point), rel_tol=1e-12)


def _through_flint(node):
    """rational_candidates with the fast path turned off."""
    from unittest import mock
    from symdiff.simplification import rational
    with mock.patch.object(rational, "binomial_candidates", lambda node: None):
        return rational.rational_candidates(node)
