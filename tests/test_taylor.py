"""Taylor polynomials (symdiff.calculus.taylor), against SymPy's series: elementary functions, compositions,
products, quotients and roots at 0 and at other centres, with parameters, random expressions, several variables;
the errors where there is no Taylor polynomial; the budget; the printed forms."""

from __future__ import annotations

import ast
import json
import random
import time
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symdiff as sd
import strategies
from symdiff.calculus import taylor as taylor_module
from symdiff.calculus.taylor import TaylorPolynomial, taylor_polynomial
from symdiff.core import budget
from symdiff.core.errors import (BudgetError, DifferentiationError, EvaluationError, Reason, TimeLimitError,
                                 UndefinedPointError, UsageError)
from symdiff.core.expr import ZERO
from symdiff.interop.verify import SympyTimeout, time_limit

# ---- the oracle ---------------------------------------------------------------------------------------------------


def _sympy(node_or_text):
    return sd.to_sympy(sd.parse(node_or_text) if isinstance(node_or_text, str) else node_or_text, real=True)


def sympy_taylor(text: str, center: dict[str, str], order: int):
    """SymPy's Taylor polynomial: series(f, x, a, order + 1).removeO(); for several variables, f(a + t*h) as a
    series in t, truncated at t^order, then h = x - a and t = 1 (the total-degree truncation)."""
    f = _sympy(text)
    if len(center) == 1:
        ((name, value),) = center.items()
        return sympy.series(f, sympy.Symbol(name, real=True), _sympy(value), order + 1).removeO()
    t = sympy.Symbol("t_", real=True)
    hs = {name: sympy.Symbol(f"h_{name}", real=True) for name in center}
    moved = f.subs({sympy.Symbol(name, real=True): _sympy(value) + t * hs[name] for name, value in center.items()},
                   simultaneous=True)
    truncated = sympy.series(moved, t, 0, order + 1).removeO()
    return truncated.subs({h: sympy.Symbol(name, real=True) - _sympy(center[name]) for name, h in hs.items()}
                          ).subs(t, 1)


def assert_same_polynomial(ours: TaylorPolynomial, theirs, seed: int = 0) -> None:
    """Equal as polynomials: the same value, to 40 digits, at order + 2 rational points near the centre (two
    polynomials of degree <= n in one variable that agree at n + 1 points are one), parameters and the other
    variables given rational values too. Values rather than expand(ours - theirs): SymPy's series at pi/4 leaves
    a sum of thousands of characters that takes it seconds to expand."""
    mine = _sympy(ours.polynomial)
    symbols = sorted(mine.free_symbols | theirs.free_symbols, key=str)
    if not symbols:
        assert sympy.simplify(mine - theirs) == 0, f"{ours} != {theirs}"
        return
    evaluate = [sympy.lambdify(symbols, side, modules="mpmath") for side in (mine, theirs)]
    rng = random.Random(seed)
    with mpmath.workdps(60):
        for _ in range(ours.order + 2):
            near = {s: sympy.Rational(rng.randint(-40, 40), 97) for s in symbols}
            parameters = {s: 2 + near[s] for s in symbols if s.name not in ours.center}
            point = [mpmath.mpf(sympy.N(parameters[s] if s in parameters else
                                        _sympy(ours.center[s.name]).subs(parameters) + near[s], 70)) for s in symbols]
            a, b = (f(*point) for f in evaluate)
            assert abs(a - b) <= mpmath.mpf("1e-40") * max(1, abs(b)), f"{ours} != {theirs} at {point}: {a} vs {b}"


# ---- one variable, against SymPy ------------------------------------------------------------------------------------

# (f, centre, order): elementary functions, compositions, products, quotients and roots, at 0 and elsewhere.
CASES = [
    ("exp(x)", "0", 10), ("sin(x)", "pi/4", 6), ("cos(x)", "pi/6", 5), ("tan(x)", "0", 9), ("atan(x)", "1", 5),
    ("asin(x)", "0", 7), ("acos(x)", "1/2", 4), ("log(1 + x)", "0", 8), ("log(x)", "2", 5), ("sqrt(1 + x)", "0", 8),
    ("sqrt(x)", "4", 5), ("1/(1 - x)", "0", 10), ("(1 + x)^(1/3)", "0", 5), ("sinh(x)", "0", 7), ("cosh(x)", "1", 4),
    ("tanh(x)", "0", 7), ("asinh(x)", "0", 5), ("atanh(x)", "1/2", 4), ("sec(x)", "0", 6), ("csc(x)", "1", 3),
    ("cot(x)", "pi/4", 4), ("exp(sin(x))", "0", 8), ("sin(x)*exp(x)", "0", 6), ("log(cos(x))", "0", 6),
    ("x/(1 + x^2)", "-2", 5), ("2^x", "0", 5), ("x^x", "1", 4), ("exp(x)/(1 + x^2)", "1", 5), ("erf(x)", "0", 7),
    ("sigmoid(x)", "0", 5), ("cbrt(x)", "-8", 3), ("abs(x)", "-2", 3), ("abs(x^2 - 1)", "0", 4),
    ("x^3 - 2*x + 1", "2", 4), ("sin(x)^2 + cos(x)^2", "0", 4), ("exp(x)*log(1 + x)", "0", 5), ("exp(-x^2)", "1", 4),
    ("1/(x^2 + x + 1)", "sqrt(2)", 3), ("log(x)", "e", 3), ("exp(x)", "log(2)", 3), ("sqrt(x^2 + 1)", "pi", 3),
    ("x^(5/2)", "1", 4), ("atan(1/x)", "1", 3),
    ("softplus(x)", "0", 4), ("acot(x)", "1", 3), ("sin(sin(sin(x)))", "0", 7), ("x^2*exp(x)", "-2", 4),
    ("(x^2 + 1)^(-3/2)", "1", 3), ("log(x, 2)", "1", 3), ("1/(x - 3)^2", "-1", 4),
]


@pytest.mark.parametrize("text, center, order", CASES, ids=[f"{f} at {a}" for f, a, _ in CASES])
def test_agrees_with_sympys_series(text, center, order):
    ours = taylor_polynomial(sd.parse(text), {"x": center}, order)
    assert len(ours.terms) == order + 1
    assert_same_polynomial(ours, sympy_taylor(text, {"x": center}, order))


@pytest.mark.parametrize("order", range(11))
def test_every_order_from_0_to_10(order):
    text = "exp(x)/(2 + x)"
    ours = taylor_polynomial(sd.parse(text), {"x": 1}, order)
    assert_same_polynomial(ours, sympy_taylor(text, {"x": "1"}, order))


# Parameters: symbols without a centre are kept in the coefficients (taken generic: nonzero, positive).
PARAMETER_CASES = [("exp(a*x)", "0", 6), ("sqrt(a + x)", "0", 3), ("sin(a*x + b)", "0", 4), ("log(a + x)", "1", 3),
                   ("1/(a - x)", "0", 5), ("x^a", "1", 3), ("exp(a*x)*cos(b*x)", "0", 4), ("(x + a)^3", "b", 4),
                   ("sin(x)", "a", 3)]


@pytest.mark.parametrize("text, center, order", PARAMETER_CASES, ids=[f"{f} at {a}" for f, a, _ in PARAMETER_CASES])
def test_parameters_stay_in_the_coefficients(text, center, order):
    ours = taylor_polynomial(sd.parse(text), {"x": center}, order)
    assert_same_polynomial(ours, sympy_taylor(text, {"x": center}, order))


def test_exp_of_a_times_x_has_powers_of_a():
    found = taylor_polynomial(sd.parse("exp(a*x)"), {"x": 0}, 3)
    assert found.text() == "1 + a*x + a^2*x^2/2 + a^3*x^3/6 + O(x^4)"


def test_an_undefined_function_gives_its_derivatives_at_the_centre():
    found = taylor_polynomial(sd.parse("f(x)^2"), {"x": 1}, 2)
    assert found.text() == "f(1)^2 + 2*f(1)*f'(1)*(x - 1) + (f'(1)^2 + f(1)*f''(1))*(x - 1)^2 + O((x - 1)^3)"


# ---- random expressions ---------------------------------------------------------------------------------------------

one_variable = st.recursive(strategies._leaves(("x",)), strategies._extend, max_leaves=6)


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(one_variable, st.sampled_from(["0", "1/2", "1", "-1", "pi/4"]), st.integers(0, 4))
def test_random_expressions_agree_with_sympy(expr, center, order):
    """Where symdiff gives a polynomial, SymPy's series agrees (when it answers within a second); where symdiff
    says a part is undefined, SymPy finds no finite real value there either."""
    try:
        ours = taylor_polynomial(expr, {"x": center}, order)
    except UndefinedPointError as error:
        value = sympy.N(_sympy(error.part).subs(sympy.Symbol("x", real=True), _sympy(center)), 30)
        assert not (value.is_real and value.is_finite), f"{error} but SymPy finds {value}"
        return
    except EvaluationError as error:
        assume(error.reason is not Reason.NOT_DIFFERENTIABLE)  # a kink: SymPy gives a one-sided series
        raise
    try:
        with time_limit(1.0):
            theirs = sympy_taylor(str(expr), {"x": center}, order)
    except SympyTimeout:
        assume(False)
    assume(not theirs.has(sympy.nan, sympy.zoo, sympy.oo, sympy.I, sympy.Order))
    assert_same_polynomial(ours, theirs)


# ---- several variables ----------------------------------------------------------------------------------------------

SEVERAL = [("exp(x)*sin(y)", {"x": "0", "y": "0"}, 5), ("exp(x*y)*cos(x + y)", {"x": "1", "y": "0"}, 3),
           ("sqrt(1 + x + y^2)", {"x": "0", "y": "1"}, 3), ("log(1 + x*y)", {"x": "1", "y": "1"}, 3),
           ("x^2*y + a*y", {"x": "1", "y": "2"}, 3), ("sin(x + y + z)", {"x": "0", "y": "pi/2", "z": "0"}, 3),
           ("atan(y/x)", {"x": "1", "y": "1"}, 3)]


@pytest.mark.parametrize("text, center, order", SEVERAL, ids=[t for t, _, _ in SEVERAL])
def test_several_variables_agree_with_the_total_degree_truncation(text, center, order):
    ours = taylor_polynomial(sd.parse(text), center, order)
    assert_same_polynomial(ours, sympy_taylor(text, center, order))


def test_each_term_is_homogeneous_of_its_degree():
    found = taylor_polynomial(sd.parse("exp(x + 2*y)"), {"x": 1, "y": 0}, 3)
    x1, y = sympy.Symbol("x1"), sympy.Symbol("y", real=True)
    for k, term in enumerate(found.terms):
        polynomial = sympy.Poly(_sympy(term).subs(sympy.Symbol("x", real=True), x1 + 1), x1, y)
        assert all(sum(m) == k for m in polynomial.monoms()), (k, term)
    assert str(found.terms[1]) == "exp(1)*(x - 1) + 2*exp(1)*y"


# ---- where there is no Taylor polynomial -----------------------------------------------------------------------------

ERRORS = [
    ("log(x)", "0", UndefinedPointError, Reason.POLE, "log(x)"),
    ("log(x)", "-1", UndefinedPointError, Reason.NOT_REAL, "log(x)"),
    ("1/x", "0", UndefinedPointError, Reason.DIVISION_BY_ZERO, "1/x"),
    ("sin(x)/x", "0", UndefinedPointError, Reason.DIVISION_BY_ZERO, "1/x"),  # as evaluate: undefined at 0
    ("sqrt(x)", "-1", UndefinedPointError, Reason.NOT_REAL, "sqrt(x)"),
    ("tan(x)", "pi/2", UndefinedPointError, Reason.POLE, "tan(x)"),
    ("x + log(-2)", "0", UndefinedPointError, Reason.NOT_REAL, "log(-2)"),
    ("sqrt(x)", "0", EvaluationError, Reason.NOT_DIFFERENTIABLE, "sqrt(x)"),
    ("x^(1/3)", "0", EvaluationError, Reason.NOT_DIFFERENTIABLE, "x^(1/3)"),
    ("abs(x)", "0", EvaluationError, Reason.NOT_DIFFERENTIABLE, "abs(x)"),
    ("exp(abs(x - 1))", "1", EvaluationError, Reason.NOT_DIFFERENTIABLE, "abs(x - 1)"),
    ("floor(x)", "1", EvaluationError, Reason.NOT_DIFFERENTIABLE, "floor(x)"),
    ("max(x, 1 - x)", "1/2", EvaluationError, Reason.NOT_DIFFERENTIABLE, "max(x, 1 - x)"),
    ("asin(x)", "1", EvaluationError, Reason.NOT_DIFFERENTIABLE, "asin(x)"),
    ("cbrt(x)", "0", EvaluationError, Reason.NOT_DIFFERENTIABLE, "cbrt(x)"),
    ("x^x", "0", EvaluationError, Reason.NOT_DIFFERENTIABLE, "x^x"),
    ("polygamma(x, 2)", "1", DifferentiationError, Reason.NOT_DIFFERENTIABLE, None),
]


@pytest.mark.parametrize("text, center, kind, reason, part", ERRORS, ids=[f"{e[0]} at {e[1]}" for e in ERRORS])
def test_no_polynomial_where_the_function_has_none(text, center, kind, reason, part):
    with pytest.raises(kind) as raised:
        taylor_polynomial(sd.parse(text), {"x": center}, 3)
    assert raised.value.reason is reason
    if part is not None:
        assert str(raised.value).startswith(part + " "), str(raised.value)
        if kind is UndefinedPointError:
            assert raised.value.part == sd.parse(part)


def test_order_0_asks_for_the_value_only():
    assert taylor_polynomial(sd.parse("abs(x) + 1"), {"x": 0}, 0).text() == "1 + O(x)"
    assert taylor_polynomial(sd.parse("sqrt(x)"), {"x": 0}, 0).text() == "O(x)"
    with pytest.raises(UndefinedPointError):
        taylor_polynomial(sd.parse("log(x)"), {"x": 0}, 0)


def test_abs_and_its_kin_are_analytic_away_from_their_kinks():
    assert taylor_polynomial(sd.parse("abs(x)"), {"x": 1}, 3).text() == "1 + (x - 1) + O((x - 1)^4)"
    assert taylor_polynomial(sd.parse("abs(x)^3"), {"x": -1}, 3).text() == \
        "1 - 3*(x + 1) + 3*(x + 1)^2 - (x + 1)^3 + O((x + 1)^4)"
    assert taylor_polynomial(sd.parse("floor(x)*x"), {"x": "5/2"}, 2).text() == "5 + 2*(x - 5/2) + O((x - 5/2)^3)"
    assert taylor_polynomial(sd.parse("max(x, 1 - x)"), {"x": 0}, 3).text() == "1 - x + O(x^4)"  # SymPy has none
    assert taylor_polynomial(sd.parse("min(x^2, 1) + sign(x)"), {"x": -2}, 2).text() == "O((x + 2)^3)"


@pytest.mark.parametrize("order", [-1, 1.5, True, "2", None])
def test_the_order_is_a_whole_number(order):
    with pytest.raises(UsageError):
        taylor_polynomial(sd.parse("x"), {"x": 0}, order)


@pytest.mark.parametrize("center", [{}, {"x": "y", "y": 1}, {"pi": 1}, {"x": "1 +"}, {"x": "log(-1)"}])
def test_a_bad_centre_is_refused(center):
    with pytest.raises(sd.SymdiffError):
        taylor_polynomial(sd.parse("x"), center, 2)


# ---- the budget -----------------------------------------------------------------------------------------------------

def test_an_order_past_the_budget_is_refused():
    with pytest.raises(BudgetError):
        taylor_polynomial(sd.parse("exp(x)"), {"x": 0}, 1001)
    with budget.use(max_order=10), pytest.raises(BudgetError):
        taylor_polynomial(sd.parse("exp(x)"), {"x": 0}, 11)


def test_the_time_budget_stops_the_work():
    started = time.monotonic()
    with budget.use(max_seconds=0.2), pytest.raises(TimeLimitError):
        taylor_polynomial(sd.parse("exp(sin(x + y + z))*tan(x*y*z + a)"), {"x": "pi/4", "y": 1, "z": 2}, 60)
    assert time.monotonic() - started < 2


def test_a_result_past_max_size_is_refused():
    with budget.use(max_size=50):
        with pytest.raises(BudgetError):  # a coefficient, (a + b + c)^12/12! expanded, has 91 terms
            taylor_polynomial(sd.parse("exp((a + b + c)*x)"), {"x": 0}, 12)
        with pytest.raises(BudgetError):  # the polynomial, 41 terms
            taylor_polynomial(sd.parse("exp(x)"), {"x": 0}, 40)


# ---- fast where differentiating is not -------------------------------------------------------------------------

def test_high_orders_are_fast_and_exact():
    started = time.perf_counter()
    found = taylor_polynomial(sd.parse("exp(sin(x))"), {"x": 0}, 30)
    assert time.perf_counter() - started < 1.0
    assert found.terms[10] == sd.parse("-2951*x^10/3628800").simplify()
    assert found.terms[3] is ZERO
    tangent = taylor_polynomial(sd.parse("tan(x)"), {"x": 0}, 19)
    assert tangent.terms[19] == sd.parse("443861162*x^19/1856156927625").simplify()
    roots = taylor_polynomial(sd.parse("sqrt(1 + x)"), {"x": 0}, 100)
    assert roots.terms[100].args[0].value == binomial(Fraction(1, 2), 100)


def binomial(r: Fraction, n: int) -> Fraction:
    """r choose n: the coefficient of x^n in (1 + x)^r."""
    value = Fraction(1)
    for k in range(n):
        value *= (r - k) / (k + 1)
    return value


# ---- printed forms --------------------------------------------------------------------------------------------------

def test_text_is_ascending_with_the_order_of_the_rest():
    found = taylor_polynomial(sd.parse("exp(sin(x))"), {"x": 0}, 5)
    assert found.text() == "1 + x + x^2/2 - x^4/8 - x^5/15 + O(x^6)"
    assert str(found) == found.text()
    assert found.remainder == "O(x^6)"


def test_away_from_0_the_powers_of_x_minus_a_stay_unexpanded():
    found = taylor_polynomial(sd.parse("sin(x)"), {"x": "pi/4"}, 2)
    assert found.text() == "sqrt(2)/2 + sqrt(2)*(x - pi/4)/2 - sqrt(2)*(x - pi/4)^2/4 + O((x - pi/4)^3)"
    assert taylor_polynomial(sd.parse("x^3"), {"x": 2}, 3).text() == \
        "8 + 12*(x - 2) + 6*(x - 2)^2 + (x - 2)^3 + O((x - 2)^4)"
    assert taylor_polynomial(sd.parse("log(x)"), {"x": 1}, 2).text() == "(x - 1) - (x - 1)^2/2 + O((x - 1)^3)"


def test_latex():
    found = taylor_polynomial(sd.parse("cos(x)"), {"x": 0}, 4)
    assert found.latex() == "1 - \\frac{x^{2}}{2} + \\frac{x^{4}}{24} + O\\left(x^{5}\\right)"
    assert found._repr_latex_() == "$\\displaystyle " + found.latex() + "$"
    at_pi = taylor_polynomial(sd.parse("sin(x)"), {"x": "pi"}, 1)
    assert at_pi.latex() == "-(x - \\pi) + O\\left((x - \\pi)^{2}\\right)"


def test_several_variables_print_by_degree_with_the_norm_of_the_step():
    found = taylor_polynomial(sd.parse("exp(x)*sin(y)"), {"x": 0, "y": 0}, 3)
    assert found.text() == "y + x*y + x^2*y/2 - y^3/6 + O(|(x, y)|^4)"
    assert found.latex().endswith("O\\left(\\left\\|(x, y)\\right\\|^{4}\\right)")
    moved = taylor_polynomial(sd.parse("x*y"), {"x": 1, "y": 2}, 2)
    assert moved.text() == "2 + 2*(x - 1) + (y - 2) + (x - 1)*(y - 2) + O(|(x - 1, y - 2)|^3)"
    assert moved.remainder == "O(|(x - 1, y - 2)|^3)"


def test_json_and_repr():
    found = taylor_polynomial(sd.parse("1/(1 - x)"), {"x": "1/2"}, 2)
    data = json.loads(found.json())
    assert data == found.as_json()
    assert data["expression"] == "1/(1 - x)"
    assert data["center"] == {"x": "1/2"}
    assert data["order"] == 2
    assert data["terms"] == ["2", "4*(x - 1/2)", "8*(x - 1/2)^2"]
    assert data["remainder"] == "O((x - 1/2)^3)"
    assert data["text"] == "2 + 4*(x - 1/2) + 8*(x - 1/2)^2 + O((x - 1/2)^3)"
    assert sd.parse(data["polynomial"]) == found.polynomial
    assert repr(found) == "<TaylorPolynomial of 1/(1 - x) at x = 1/2, order 2>"
    assert found.variables == ("x",)


def test_results_are_values():
    a = taylor_polynomial(sd.parse("exp(x)"), {"x": 0}, 3)
    b = taylor_polynomial("exp(x)", {"x": "0"}, 3)
    assert a == b and hash(a) == hash(b)


def test_basic_simplification_keeps_the_canonical_coefficients():
    found = taylor_polynomial(sd.parse("exp(sin(x))"), {"x": "pi/4"}, 2, simplify_choice="basic")
    assert_same_polynomial(found, sympy_taylor("exp(sin(x))", {"x": "pi/4"}, 2))


def test_no_sympy_or_numpy_in_the_module():
    """Our own engine: the module imports neither, at its top or inside a function."""
    tree = ast.parse(Path(taylor_module.__file__).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 0}
    assert not imported & {"sympy", "numpy", "symengine", "mpmath"}
