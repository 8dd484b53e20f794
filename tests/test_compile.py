"""symdiff.compile.lambdify: generated Python functions agree with SymPy's lambdify and with symdiff's own
evaluator, on scalars and on NumPy arrays."""

import math
import random

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symdiff as sd
from symdiff import functions
from symdiff.numeric.compile import lambdify
from symdiff.core.errors import EvaluationError
from symdiff.numeric.values import numeric_value as evaluate_real
from strategies import expressions

numpy = pytest.importorskip("numpy", reason="NumPy is in the test extra: pip install '.[test]'")

# Hypothesis may warn that the repr of the recursive expression strategy is large: that is not about a test.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

X, Y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)


def sympy_function(expr):
    return sympy.lambdify([X, Y], sd.to_sympy(expr, real=True), modules=["math", "mpmath"])


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def compare_with_sympy(expr, seed, points=6):
    """At random points in (-2, 2)^2: ours raises EvaluationError exactly where symdiff.numeric finds the
    expression undefined over the reals, and agrees with symdiff.numeric and with SymPy's lambdify where
    defined. Returns how many points agreed with SymPy."""
    ours, theirs = lambdify(expr, ["x", "y"]), sympy_function(expr)
    rng, compared = random.Random(seed), 0
    for _ in range(points):
        x, y = rng.uniform(-2, 2), rng.uniform(-2, 2)
        try:
            reference = evaluate_real(expr, {"x": x, "y": y})
        except EvaluationError:
            with pytest.raises(EvaluationError):
                ours(x, y)
            continue
        if not math.isfinite(reference) or abs(reference) > 1e12:
            continue
        value = ours(x, y)
        if not close(value, reference):  # two float computations of an ill-conditioned function (asin(x/x): x/x is 1,
            # x*(1/x) is 1 - 1e-16, and asin's slope is infinite at 1) may both be right: judge against 30 digits
            precise = evaluate_real(expr, {"x": x, "y": y}, complex_values=True, digits=30)
            assert abs(precise.imag) < 1e-12 and close(value, precise.real), \
                f"{expr} at {x, y}: compiled {value}, numeric {reference}, exact {precise}\n{ours.source}"
        try:
            expected = complex(theirs(x, y))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            continue
        if abs(expected.imag) > 1e-12 or not math.isfinite(expected.real):
            continue
        assert close(value, expected.real), f"{expr} at {x, y}: compiled {value}, sympy {expected}"
        compared += 1
    return compared


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, st.integers(0, 10 ** 6))
def test_random_expressions_agree_with_sympy(expr, seed):
    assume(compare_with_sympy(expr, seed) > 0)  # an example with no point SymPy could evaluate does not count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, st.integers(0, 10 ** 6))
def test_random_derivatives_agree_with_sympy(expr, seed):
    assume(compare_with_sympy(sd.diff(expr, "x"), seed) > 0)


@pytest.mark.parametrize("key", sorted(functions.REGISTRY))
def test_every_function_is_compiled_and_agrees_with_sympy(key):
    """Every function symdiff knows has code for math and for numpy in its registry row, and its compiled values
    are SymPy's, at points of its domain."""
    name, arity = key
    math_code, numpy_code = functions.REGISTRY[key].code
    assert math_code and numpy_code
    expr = sd.parse(f"{name}(x, y)" if arity == 2 else f"{name}(x)")
    ours, theirs = lambdify(expr, ["x", "y"]), sympy_function(expr)
    compared = 0
    integers = functions.REGISTRY[key].integers  # an argument taking integers only (polygamma's order)
    for x in (-2.5, -1.5, -0.7, -0.3, 0.3, 0.7, 1.5, 2.5):
        x = float(round(x)) if 0 in integers else x
        for y in (0.5, 3.0):
            try:
                expected = complex(theirs(x, y))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                continue
            if abs(expected.imag) > 1e-12:
                continue
            assert close(ours(x, y), expected.real), (key, x, y)
            array = ours(numpy.array([x, x]), numpy.array([y, y]))
            assert close(array[0], expected.real) and close(array[1], expected.real)
            compared += 1
    assert compared >= 4, key


def test_arrays_are_vectorised_and_agree_with_sympy_numpy():
    expr = sd.diff("x^2*sin(x)*exp(-x/3) + sqrt(x^2 + 1)", "x")
    xs = numpy.linspace(-3, 3, 101)
    ours = lambdify(expr, "x")(xs)
    theirs = sympy.lambdify([X], sd.to_sympy(expr, real=True), modules="numpy")(xs)
    assert isinstance(ours, numpy.ndarray) and ours.shape == (101,)
    numpy.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_arrays_give_nan_where_undefined_without_warnings():
    f = lambdify("log(x) + 1/x", "x")
    with numpy.errstate(all="raise"):
        values = f(numpy.array([-1.0, 0.0, 1.0]))
    assert math.isnan(values[0]) and not math.isfinite(values[1]) and values[2] == 1.0


def test_scalar_undefined_point_is_a_clear_error():
    f = lambdify(sd.diff("log(x)", "x"), "x")
    with pytest.raises(EvaluationError, match=r"1/x is undefined at x = 0 \(division by zero\)"):
        f(0)
    with pytest.raises(EvaluationError, match=r"log\(x\) is undefined at x = -1"):
        lambdify("log(x)", "x")(-1.0)


def test_common_subexpressions_are_computed_once():
    f = lambdify("sin(x*y)*x + sin(x*y)^2", ["x", "y"], backend="math")
    assert f.source.count("math.sin(") == 1
    assert f(0.5, 2.0) == pytest.approx(math.sin(1.0) * 0.5 + math.sin(1.0) ** 2)


def test_source_is_inspectable_and_rationals_are_float_literals():
    f = lambdify("x/3 + pi", "x", backend="math")
    assert "0.3333333333333333" in f.source and "math.pi" in f.source
    assert f.variables == ("x",) and f.backend == "math"


def test_list_of_expressions_returns_a_list_and_constants_broadcast():
    f = lambdify([sd.parse("3*x^2 - 4*x"), sd.diff("3*x^2 - 4*x", "x", order=2)], "x")
    assert f(1.0) == [-1.0, 6]
    values = f(numpy.array([0.0, 1.0, 2.0]))
    numpy.testing.assert_array_equal(values[1], [6.0, 6.0, 6.0])


def test_argument_order_and_python_keywords_as_names():
    f = lambdify("x - 2*y", "y,x")
    assert f(1, 10) == 8
    g = lambdify("lambda + math", ["lambda", "math"], backend="math")
    assert g(1, 2) == 3


def test_other_argument_types():
    from fractions import Fraction
    f = lambdify("x^2", "x")
    assert f(Fraction(1, 2)) == 0.25 and f(numpy.float64(3.0)) == 9.0 and list(f([1, 2])) == [1.0, 4.0]


@pytest.mark.parametrize("call, error, message", [
    (lambda: lambdify("f(x)", "x"), EvaluationError, "undefined function f"),
    (lambda: lambdify("x*y", "x"), sd.UsageError, "y is not among the variables"),
    (lambda: lambdify("x", "x,x"), sd.UsageError, "listed twice"),
    (lambda: lambdify("x", "x", backend="fortran"), sd.UsageError, "unknown backend"),
])
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_deep_expression_compiles():
    """Nesting beyond Python's parser limits is split into named parts; printing does not recurse."""
    expr, expected = sd.parse("x"), 0.5
    for _ in range(2000):
        expr, expected = sd.Func("sin", sd.Add(expr, sd.Num(1))), math.sin(expected + 1)
    assert lambdify(expr, "x")(0.5) == pytest.approx(expected)


def test_expr_compile_method():
    assert sd.parse("x*y").compile("y", "x")(2.0, 3.0) == 6.0
