"""Is my answer right? symdiff.numeric.compare: an answer against the expected expression (the derivative), proved
or sampled, with domains stated honestly and a simple counterexample when it is wrong."""

from __future__ import annotations

import dataclasses
import doctest
import json
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

import symdiff
from symdiff.core import budget
from symdiff.core.build import add, mul
from symdiff.core.errors import Reason, TimeLimitError
from symdiff.core.expr import ONE, Func, Num, Sym
from symdiff.numeric import compare as compare_module
from symdiff.numeric.compare import Comparison, Verdict, compare_derivative, compare_expressions

import strategies

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

P = symdiff.parse
x = Sym("x")
SETTINGS = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def expressions(a: str, b: str, *variables: str) -> Comparison:
    return compare_expressions(P(a), P(b), list(variables) or None)


# ---- right answers, in many equivalent forms --------------------------------------------------------------------

RIGHT = [
    ("x^2*sin(x)", "2*x*sin(x) + x^2*cos(x)"),
    ("x^2*sin(x)", "x*(2*sin(x) + x*cos(x))"),
    ("(x + 1)^3", "3*(x + 1)^2"),
    ("(x + 1)^3", "3*x^2 + 6*x + 3"),
    ("sin(x)^2", "2*sin(x)*cos(x)"),
    ("sin(x)^2", "sin(2*x)"),
    ("sin(x)^2 + cos(x)^2", "0"),
    ("cos(x)^2", "-sin(2*x)"),
    ("tan(x)", "sec(x)^2"),
    ("tan(x)", "1 + tan(x)^2"),
    ("tan(x)", "1/cos(x)^2"),
    ("exp(2*x)", "2*exp(x)^2"),
    ("exp(x + 1)", "e*exp(x)"),
    ("exp(x)*exp(x)", "2*exp(2*x)"),
    ("log(x^2)", "2/x"),
    ("log(3*x)", "1/x"),
    ("log(x)^2", "2*log(x)/x"),
    ("x^x", "x^x*(1 + log(x))"),
    ("x^x", "exp(x*log(x))*(log(x) + 1)"),
    ("sqrt(x)", "1/(2*sqrt(x))"),
    ("sqrt(x)", "x^(-1/2)/2"),
    ("atan(x)", "1/(1 + x^2)"),
    ("sin(x)/x", "(x*cos(x) - sin(x))/x^2"),
    ("sin(x)/x", "cos(x)/x - sin(x)/x^2"),
    ("1/x", "-x^(-2)"),
    ("sinh(x)^2", "sinh(2*x)"),
    ("tanh(x)", "1 - tanh(x)^2"),
    ("2^x", "log(2)*2^x"),
]


@pytest.mark.parametrize("expr, answer", RIGHT)
def test_a_right_answer_in_any_equivalent_form_is_right(expr, answer):
    result = compare_derivative(expr, answer, "x")
    assert result.right and result, result.text()
    assert result.verdict in (Verdict.EQUAL, Verdict.EQUAL_NUMERICALLY), result.text()
    assert result.text().startswith("right: ")


@pytest.mark.parametrize("a, b", [
    ("1/(x*y)", "x^-1*y^-1"),
    ("exp(x + y)", "exp(x)*exp(y)"),
    ("sin(x)^2 + cos(x)^2", "1"),
    ("(x + y)^2", "x^2 + 2*x*y + y^2"),
    ("log(exp(x))", "x"),
    ("sin(3*x)", "3*sin(x) - 4*sin(x)^3"),
    ("cos(x)^4 - sin(x)^4", "cos(2*x)"),
    ("tanh(x)", "(exp(2*x) - 1)/(exp(2*x) + 1)"),  # proved since the simplifier's trig and hyperbolic algebra
    ("sinh(x)", "(exp(x) - exp(-x))/2"),
])
def test_identities_are_proved(a, b):
    result = expressions(a, b)
    assert result.verdict is Verdict.EQUAL and result.method == "symbolic", result.text()
    assert result.text().endswith("(proved symbolically)")


@pytest.mark.parametrize("a, b", [
    ("log(x, 2)", "log(x)/log(2)"),
    ("log(x^3)", "3*log(x)"),
])
def test_identities_the_simplifier_does_not_prove_are_equal_numerically_and_say_so(a, b):
    result = expressions(a, b)
    assert result.verdict is Verdict.EQUAL_NUMERICALLY and result.method == "numeric", result.text()
    assert result.right and result.point is None
    assert result.points_checked >= compare_module.MIN_POINTS
    assert f"checked at {result.points_checked} points; not proved" in result.text()


def test_cancellation_in_floats_is_not_a_difference():
    """(x + 1e8)^2 - x^2 loses every digit in floats; the disagreement is checked at 40 and 80 digits."""
    assert expressions("(x + 1e8)^2 - x^2", "2e8*x + 1e16").right
    assert expressions("(1 - cos(x))/x^2", "2*sin(x/2)^2/x^2").right
    assert expressions("(exp(x) - 1 - x)/x^2", "(exp(x) - 1 - x)*x^-2 + 0*x").right


# ---- wrong answers --------------------------------------------------------------------------------------------

WRONG = [  # (expression, wrong answer, the mistake)
    ("x^3", "-3*x^2", "sign error"),
    ("cos(x)", "sin(x)", "sign error"),
    ("sin(x^2)", "cos(x^2)", "missing chain factor"),
    ("exp(3*x)", "exp(3*x)", "missing chain factor"),
    ("log(5*x + 1)", "1/(5*x + 1)", "missing chain factor"),
    ("x^2*sin(x)", "2*x*cos(x)", "product rule forgotten"),
    ("x^2*sin(x)", "2*x*sin(x)", "product rule: one term"),
    ("sin(x)/x", "(sin(x) - x*cos(x))/x^2", "quotient rule, numerator reversed"),
    ("x^3", "3*x^2 + 1", "off by a constant"),
    ("x^4", "4*x^4", "power not lowered"),
    ("x^x", "x*x^(x - 1)", "power rule for a variable exponent"),
]


@pytest.mark.parametrize("expr, answer, mistake", WRONG)
def test_a_wrong_answer_is_wrong_with_a_simple_point_and_both_values(expr, answer, mistake):
    result = compare_derivative(expr, answer, "x")
    assert result.verdict is Verdict.DIFFERENT and not result.right and not result, mistake
    assert result.point is not None and set(result.point) == {"x"}
    assert result.point["x"].value in compare_module.SIMPLE_VALUES  # one a student can check by hand
    assert result.answer_float is not None and result.expected_float is not None
    assert abs(result.answer_float - result.expected_float) > 1e-6
    expected_text = symdiff.diff(expr, "x")
    assert result.text().startswith(f"wrong: the derivative is {expected_text}\nat x = ")


def test_the_counterexample_is_x_equal_1_with_exact_values():
    result = compare_derivative("sin(x^2)", "cos(x^2)", "x")
    assert result.point == {"x": ONE}
    assert result.answer_value is P("cos(1)") and result.expected_value is P("2*cos(1)")
    assert result.text() == ("wrong: the derivative is 2*x*cos(x^2)\n"
                             "at x = 1: your answer is cos(1) = 0.540302305868, "
                             "the derivative is 2*cos(1) = 1.08060461174")


def test_exact_numbers_are_shown_as_they_are():
    result = compare_derivative("x^3", "3*x^2 + 1", "x")
    assert result.text() == "wrong: the derivative is 3*x^2\nat x = 1: your answer is 4, the derivative is 3"
    assert result.answer_value is Num(4) and result.expected_value is Num(3)


def test_a_point_where_they_agree_is_passed_over():
    """3*x^2 + x - 2 is the derivative of x^3 - x, 3*x^2 - 1, at x = 1 only: the point shown is x = 2."""
    result = compare_derivative("x^3 - x", "3*x^2 + x - 2", "x")
    assert result.verdict is Verdict.DIFFERENT and result.point == {"x": Num(2)}


def test_a_difference_only_at_random_points_is_shown_at_a_decimal_point():
    """An answer equal to the derivative at every simple value (it adds a polynomial with those roots) is
    wrong at the first random point, shown as the decimal it is."""
    vanishing = "*".join(f"(x - ({value}))" for value in compare_module.SIMPLE_VALUES)
    result = compare_derivative("x^2*sin(x)", "x^2*cos(x) + 2*x*sin(x) + " + vanishing, "x")
    assert result.verdict is Verdict.DIFFERENT
    first_random = list(compare_module._sample_points(["x"], 0, []))[len(compare_module.SIMPLE_VALUES)]
    assert result.point == {"x": Num(first_random["x"])}
    assert result.text().splitlines()[1].startswith(f"at x = {float(first_random['x'])}: your answer is ")


def test_a_constant_difference_is_proved():
    result = expressions("x^2 + 1", "x^2")
    assert result.verdict is Verdict.DIFFERENT and result.point is not None
    far = expressions("asin(x^2 + 10) + 1", "asin(x^2 + 10)")  # defined nowhere, but 1 apart anyway
    assert far.verdict is Verdict.DIFFERENT and far.method == "symbolic" and far.constant is Num(1)
    assert far.text().endswith("your answer minus the expected expression is 1 wherever both are defined")


def test_rounding_beyond_80_digits_is_settled_by_exact_values(monkeypatch):
    """1 - tanh(125)^2 is 0 at 80 digits (the exact value is 4e-109): the exact values at the point, simplified,
    show that the unsimplified derivative is right there. Without the proof, so that sampling decides."""
    monkeypatch.setattr(compare_module, "_proof", lambda answer, expected, clock: None)
    result = compare_derivative("tanh(-x^3)", "-3*(1 - tanh(-x^3)^2)*x^2", "x")
    assert result.verdict is Verdict.EQUAL_NUMERICALLY, result.text()


def test_without_symbols_one_point_decides(monkeypatch):
    monkeypatch.setattr(compare_module, "_proof", lambda answer, expected, clock: None)
    assert expressions("sqrt(2)^2", "2").verdict is Verdict.EQUAL_NUMERICALLY
    assert expressions("sqrt(2)", "1.4142").verdict is Verdict.DIFFERENT


def test_no_absolute_tolerance_hides_a_small_difference():
    assert expressions("1e-10*x", "3e-10*x").verdict is Verdict.DIFFERENT
    assert expressions("sin(x)", "sin(x) + 1e-12").verdict is Verdict.DIFFERENT


def test_a_decimal_answer_close_to_the_exact_one_is_still_wrong():
    result = compare_derivative("x^3/9", "0.333*x^2", "x")
    assert result.verdict is Verdict.DIFFERENT
    assert "the derivative is 1/3" in result.text()


# ---- domains --------------------------------------------------------------------------------------------------

def test_log_of_a_square_and_twice_the_log_are_equal_where_both_are_defined():
    result = expressions("log(x^2)", "2*log(x)")
    assert result.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED and result.right
    assert result.method == "numeric" and result.point == {"x": Num(-1)}
    assert result.undefined == "expected" and result.reason is Reason.NOT_REAL
    assert result.undefined_part is P("log(x)") and result.answer_value is Num(0) and result.expected_value is None
    assert result.text() == (
        f"right where both are defined: log(x^2) equals the expected expression, 2*log(x), wherever both have a "
        f"value (checked at {result.points_checked} points; not proved)\n"
        "but not everywhere: at x = -1: your answer is 0, the expected expression is undefined (log(x): not a real "
        "number)")


def test_the_derivative_of_log_of_a_square_is_two_over_x_everywhere():
    result = compare_derivative("log(x^2)", "2/x", "x")
    assert result.verdict is Verdict.EQUAL and result.point is None


def test_a_square_of_a_square_root_is_x_only_where_the_root_is_defined():
    result = expressions("sqrt(x)^2", "x")
    assert result.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED and result.method == "symbolic"
    assert result.undefined == "answer" and result.point == {"x": Num(-1)}
    assert "(proved symbolically)" in result.text() and "your answer is undefined (sqrt(x): not a real number)" in \
        result.text()


def test_abs_over_x_and_sign_differ_only_at_0_which_is_always_tried():
    """A domain difference at a single point would be missed by random points; 0 is one of the simple values,
    so abs(x)/x = sign(x) is reported as equal except at x = 0, where sign(0) = 0 and abs(0)/0 is undefined."""
    result = expressions("abs(x)/x", "sign(x)")
    assert result.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED and result.point == {"x": Num(0)}
    assert result.reason is Reason.DIVISION_BY_ZERO and result.expected_value is Num(0)


def test_a_hole_at_the_root_of_a_linear_denominator_is_found():
    result = expressions("(x^2 - 49)/(x - 7)", "x + 7")
    assert result.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED and result.point == {"x": Num(7)}
    assert "at x = 7: your answer is undefined (1/(x - 7): division by zero)" in result.text()
    edge = expressions("sqrt(3*x - 2)^2", "3*x - 2")
    assert edge.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED


def test_a_hole_no_sample_reaches_is_not_seen():
    """The documented limit: (x^2 - 2)/(x - sqrt(2)) has a hole at an irrational point that is no root of a
    linear expression with rational coefficients, so no sample lands on it."""
    result = expressions("(x^2 - 2)/(x - sqrt(2))", "x + sqrt(2)")
    assert result.verdict is Verdict.EQUAL


def test_an_answer_defined_nowhere_is_wrong():
    result = expressions("sqrt(-1 - x^2)", "2*x")
    assert result.verdict is Verdict.DIFFERENT and result.point == {"x": ONE}
    assert result.undefined == "answer" and result.expected_value is Num(2)


def test_a_derivative_is_compared_only_where_the_function_has_one():
    """abs is not differentiable at 0 and sqrt(x)^2 is not defined for x < 0: an answer undefined there is not
    wrong there."""
    assert compare_derivative("abs(x)", "x/abs(x)", "x").verdict is Verdict.EQUAL
    assert compare_derivative("sqrt(x)^2", "sqrt(x)/sqrt(x)", "x").verdict is Verdict.EQUAL
    assert compare_derivative("log(x)", "1/abs(x)", "x").right  # equal for x > 0, the function's domain
    assert expressions("1/abs(x)", "1/x").verdict is Verdict.DIFFERENT  # as expressions they are not


def test_domains_with_several_variables():
    result = expressions("log(x*y)", "log(x) + log(y)")
    assert result.verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED
    assert set(result.point) == {"x", "y"} and result.undefined == "expected"


# ---- symbols --------------------------------------------------------------------------------------------------

def test_an_answer_in_the_wrong_variable_names_the_symbol():
    result = compare_derivative("x^2", "2*t", "x")
    assert result.verdict is Verdict.DIFFERENT and result.extra_symbols == ("t",)
    assert result.text().splitlines()[1] == "your answer has the symbol t, which the derivative does not have"
    plain = compare_expressions(P("2*t"), P("2*x"), ["x"])
    assert plain.verdict is Verdict.DIFFERENT and plain.extra_symbols == ("t",)


def test_parameters_of_the_expression_are_not_foreign_symbols():
    assert compare_derivative("a*x^2", "2*a*x", "x").verdict is Verdict.EQUAL
    wrong = compare_derivative("a*x^2", "2*x", "x")
    assert wrong.verdict is Verdict.DIFFERENT and wrong.extra_symbols == ()
    assert set(wrong.point) == {"a", "x"}
    unused = compare_derivative("x^2 + y", "2*x + 1", "x")  # y is in the expression, not in either side
    assert set(unused.point) == {"x"}


def test_a_symbol_that_cancels_is_no_difference():
    assert compare_derivative("x^2", "2*x + t - t", "x").verdict is Verdict.EQUAL


# ---- several variables --------------------------------------------------------------------------------------------

def test_partial_and_mixed_derivatives():
    assert compare_derivative("x^2*y^3", "2*x*y^3", "x").verdict is Verdict.EQUAL
    mixed = compare_derivative("x^2*y^3", "6*x*y^2", ["x", "y"])
    assert mixed.verdict is Verdict.EQUAL and mixed.expected_name == "the derivative d2/dydx"
    wrong = compare_derivative("x^2*y^3", "6*x*y", ["x", "y"])
    assert wrong.verdict is Verdict.DIFFERENT and set(wrong.point) == {"x", "y"}
    assert wrong.point["x"] is not wrong.point["y"]  # the variables take different values
    assert compare_derivative("x^2*y^3", "2*y^3", "x", order=2).expected_name == "the second derivative"
    assert compare_derivative("x^3*y^2", "12*x", "x,y", order=2).expected_name == "the derivative d4/dy^2dx^2"
    assert compare_derivative("x^3*y", "x^3*y", "x", order=0).text() == \
        "right: x^3*y equals the expression (proved symbolically)"


# ---- undefined functions -----------------------------------------------------------------------------------------

def test_undefined_functions_are_proved_or_given_a_stand_in():
    assert compare_derivative("f(x^2)", "2*x*f'(x^2)", "x").verdict is Verdict.EQUAL
    result = compare_derivative("f(x^2)", "f'(x^2)", "x")
    assert result.verdict is Verdict.DIFFERENT and set(result.stand_ins) == {"f"}
    assert result.text().endswith("(with f(u) = sin(u) + u^3 standing in for the undefined function)")
    product = compare_derivative("f(x)*g(x)", "f'(x)*g'(x)", "x")
    assert product.verdict is Verdict.DIFFERENT and set(product.stand_ins) == {"f", "g"}


# ---- the result object ----------------------------------------------------------------------------------------

def test_the_result_object():
    result = compare_derivative("x^2*sin(x)", "2*x*sin(x)", "x")
    assert str(result) == result.text()
    assert repr(result) == "<Comparison: different (numeric) at x = 1 of 2*x*sin(x)>"
    assert result.latex().startswith("\\begin{aligned}") and "\\text{wrong}" in result.latex()
    assert result._repr_latex_() == "$$" + result.latex() + "$$"
    data = json.loads(json.dumps(result.as_json()))
    assert data["verdict"] == "different" and data["right"] is False and data["method"] == "numeric"
    assert data["point"] == {"x": {"text": "1", "float": 1.0}}
    assert data["answer_value"]["text"] == "2*sin(1)" and abs(data["answer_value"]["float"] - 1.682941969) < 1e-9
    assert data["expected"] == "x^2*cos(x) + 2*x*sin(x)" and data["text"] == result.text()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = Verdict.EQUAL  # type: ignore[misc]
    right = compare_derivative("x^2", "2*x", "x")
    assert bool(right) and right.as_json()["point"] is None
    assert right.text() == "right: 2*x equals the derivative (proved symbolically)"
    domain = expressions("abs(x)/x", "sign(x)")
    assert "\\text{undefined}" in domain.latex() and domain.as_json()["reason"] == "division by zero"


def test_the_same_call_gives_the_same_answer():
    first = expressions("log(x*y) + 1e-3*x*y", "log(x) + log(y)")
    assert first == expressions("log(x*y) + 1e-3*x*y", "log(x) + log(y)")
    assert first.verdict is Verdict.DIFFERENT


def test_random_points_are_not_integers_and_spread_over_signs_and_magnitudes():
    points = list(compare_module._sample_points(["x"], 0, []))
    randoms = [p["x"] for p in points[len(compare_module.SIMPLE_VALUES):]]
    assert len(randoms) == compare_module.RANDOM_POINTS
    assert all(v.denominator != 1 for v in randoms)
    assert any(v < 0 for v in randoms) and any(v > 0 for v in randoms)
    assert min(map(abs, randoms)) < 0.05 and max(map(abs, randoms)) > 5


def test_the_module_docstring_example_runs():
    failures, _ = doctest.testmod(compare_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


# ---- bounded ----------------------------------------------------------------------------------------------------

def _big(terms: int):
    return add(*[mul(Func("sin", mul(Num(k), x)), x ** k) for k in range(1, terms)])


def test_a_large_expression_is_compared_in_bounded_time():
    start = time.monotonic()
    result = compare_expressions(_big(300), add(_big(300), Func("cos", x)))
    assert result.verdict is Verdict.DIFFERENT
    assert time.monotonic() - start < 10


def test_a_slow_proof_gives_way_to_sampling(monkeypatch):
    """The proof has PROOF_SECONDS at most: a simplifier that would run for ever is stopped by its own deadline,
    and the values decide."""
    def endless(node, level="full"):
        while True:
            budget.check_time()

    monkeypatch.setattr(compare_module, "simplify", endless)
    monkeypatch.setattr(compare_module, "PROOF_SECONDS", 0.2)
    start = time.monotonic()
    result = expressions("2*x*sin(x) + x^2*cos(x)", "x*(2*sin(x) + x*cos(x))")
    assert result.verdict is Verdict.EQUAL_NUMERICALLY and time.monotonic() - start < 3


def test_the_time_budget_is_respected():
    """Past the deadline: a TimeLimitError (as everywhere in symdiff), not a hang; within it, a verdict."""
    start = time.monotonic()
    try:
        with budget.use(max_seconds=0.05):
            compare_derivative(mul(*[Func("sin", x + k) for k in range(30)]), "x", "x", order=3)
    except TimeLimitError:
        pass
    assert time.monotonic() - start < 3


# ---- properties ------------------------------------------------------------------------------------------------

@SETTINGS
@given(strategies.expressions)
def test_an_expression_equals_itself_and_differs_from_itself_plus_one(e):
    assert compare_expressions(e, e).verdict is Verdict.EQUAL
    assert compare_expressions(add(e, ONE), e).verdict is Verdict.DIFFERENT


@SETTINGS
@given(strategies.expressions)
def test_an_expression_is_never_different_from_its_simplified_form(e):
    result = compare_expressions(e, symdiff.simplify(e))
    assert result.verdict is not Verdict.DIFFERENT, result.text()


# ---- SymPy as the oracle ---------------------------------------------------------------------------------------

ORACLE = ["x^2*sin(x)", "exp(-x^2)", "x*log(x)", "sqrt(1 - x^2)", "atan(x)", "tan(x)^2", "sin(x)/x", "x^x",
          "log(x^2 + 1)", "(x + 1)/(x - 1)", "cos(x)^3", "exp(x)*sin(x)", "asin(x)", "sinh(x)*cosh(x)",
          "1/sqrt(x)", "x^3*exp(2*x)", "log(sin(x))", "tan(x)/x^2"]


def _forms(expr: str):
    """SymPy's derivative of expr, and rewritings of it (expanded, factored, trig, together): equal to ours."""
    theirs = sympy.diff(symdiff.to_sympy(P(expr), real=True), sympy.Symbol("x", real=True))
    return [theirs, sympy.expand(theirs), sympy.factor(theirs), sympy.together(theirs),
            sympy.expand_trig(theirs), sympy.expand_log(theirs, force=True), sympy.trigsimp(theirs)]


@pytest.mark.parametrize("expr", ORACLE)
def test_sympy_equivalent_forms_are_never_different(expr):
    """Every form is an identity (a SymPy rewriting of SymPy's derivative), so each is right; where
    sympy.simplify(ours - form) is 0, SymPy proves it too (not for every exp rewriting). A form changed by a
    factor is wrong, and SymPy agrees."""
    ours = symdiff.to_sympy(symdiff.diff(expr, "x"), real=True)
    proved = 0
    for form in _forms(expr):
        answer = symdiff.from_sympy(form)
        result = compare_derivative(expr, answer, "x")
        assert result.right, f"{expr}: {answer}\n{result.text()}"
        proved += sympy.simplify(ours - form) == 0
    assert proved >= len(_forms(expr)) - 1
    wrong = _forms(expr)[1] * sympy.Rational(3, 2)
    assert sympy.simplify(ours - wrong) != 0
    assert compare_derivative(expr, symdiff.from_sympy(wrong), "x").verdict is Verdict.DIFFERENT
