"""The special functions and activations of symdiff.functions.special and .activations (and the logarithms to
bases 10 and 2 and the real cube root of .elementary): textbook derivatives as symdiff prints them, agreement with
SymPy, exact values, poles, the order of polygamma, and their code. Every row is also checked generically by
tests/test_registry.py, test_functions.py, test_compile.py, test_bridge.py and test_plot.py."""

from __future__ import annotations

import math

import pytest
import sympy

import symdiff as sd
from symdiff import functions
from symdiff.interop.sympy_bridge import from_sympy

from oracle import numeric_mismatch, sympy_diff

NEW_UNARY = ["log10", "log2", "cbrt", "erf", "erfc", "erfi", "gamma", "loggamma", "digamma", "lambertw", "sigmoid",
             "softplus", "relu", "heaviside", "gelu"]


# ---- textbook derivatives ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("erf(x^2)", "4*x*exp(-x^4)/sqrt(pi)"),
    ("erfc(x)", "-2*exp(-x^2)/sqrt(pi)"),
    ("erfi(x)", "2*exp(x^2)/sqrt(pi)"),
    ("gamma(x)", "digamma(x)*gamma(x)"),
    ("loggamma(x)", "digamma(x)"),
    ("digamma(x)", "polygamma(1, x)"),
    ("polygamma(2, x)", "polygamma(3, x)"),
    ("polygamma(n, x)", "polygamma(n + 1, x)"),
    ("beta(x, 2)", "beta(x, 2)*(digamma(x) - digamma(x + 2))"),
    ("lambertw(x)", "lambertw(x)/(x*(lambertw(x) + 1))"),
    ("relu(x)", "heaviside(x)"),
    ("heaviside(x)", "0"),
    ("softplus(x)", "sigmoid(x)"),
    ("logsumexp(x, y)", "sigmoid(x - y)"),
    ("cbrt(x)", "1/(3*cbrt(x)^2)"),
    ("log10(x)", "1/(x*log(10))"),
    ("log2(x)", "1/(x*log(2))"),
])
def test_textbook_derivatives(text, expected):
    assert str(sd.diff(text, "x")) == expected


def test_the_sigmoids_derivative_is_in_terms_of_the_sigmoid():
    derivative = sd.diff("sigmoid(x)", "x")
    assert derivative.free_symbols == {"x"} and "exp" not in str(derivative)
    assert derivative is sd.simplify("sigmoid(x)*(1 - sigmoid(x))")


@pytest.mark.parametrize("name", NEW_UNARY)
@pytest.mark.parametrize("inner", ["x", "x^2 + 1/2", "sin(x) + 2"])
def test_derivatives_of_compositions_agree_with_sympy(name, inner):
    text = f"{name}({inner})"
    low, high = (0.3, 1.2)
    if name == "gelu" or name == "sigmoid":
        low, high = (-1.2, 1.2)
    ours = sd.diff(text, "x")
    theirs = sympy_diff(text, "x").replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    assert numeric_mismatch(ours, theirs, names=["x"], points=6, low=low, high=high) is None, (text, ours)


@pytest.mark.parametrize("text", ["beta(x, y)", "beta(x^2, x*y)", "logsumexp(x, y)", "logsumexp(2*x, x*y)",
                                  "polygamma(1, x*y)", "polygamma(3, x + y)", "gelu(x*y) + sigmoid(x - y)"])
@pytest.mark.parametrize("variable", ["x", "y"])
def test_functions_of_two_variables_agree_with_sympy(text, variable):
    ours = sd.diff(text, variable)
    theirs = sympy_diff(text, variable)
    assert numeric_mismatch(ours, theirs, names=["x", "y"], points=6, low=0.4, high=1.4) is None, (text, ours)


def test_gelu_is_the_exact_gelu():
    x = sympy.Symbol("x", real=True)
    exact = x * (1 + sympy.erf(x / sympy.sqrt(2))) / 2
    assert sympy.simplify(sd.to_sympy("gelu(x)", real=True) - exact) == 0
    ours = sd.diff("gelu(x)", "x")
    assert numeric_mismatch(ours, sympy.diff(exact, x), names=["x"], points=8, low=-2, high=2) is None


# ---- not differentiable in polygamma's order -----------------------------------------------------------

@pytest.mark.parametrize("text", ["polygamma(x, 2)", "polygamma(x^2, y)", "polygamma(2*x, x)"])
def test_polygamma_is_not_differentiable_in_its_order(text):
    with pytest.raises(sd.DifferentiationError) as caught:
        sd.diff(text, "x")
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE
    assert "polygamma" in str(caught.value) and "argument 1" in str(caught.value)


def test_polygamma_is_differentiable_where_its_order_is_constant():
    assert str(sd.diff("polygamma(x, y)", "y")) == "polygamma(x + 1, y)"
    assert sd.diff("polygamma(x, 2)", "y") is sd.parse("0")


# ---- exact values and poles -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("erf(0)", "0"), ("erfc(0)", "1"), ("erfi(0)", "0"), ("erf(-x)", "-erf(x)"),
    ("gamma(1)", "1"), ("gamma(2)", "1"), ("gamma(3)", "2"), ("gamma(1/2)", "sqrt(pi)"),
    ("loggamma(1)", "0"), ("loggamma(2)", "0"),
    ("lambertw(0)", "0"), ("lambertw(e)", "1"),
    ("sigmoid(0)", "1/2"), ("softplus(0)", "log(2)"), ("relu(0)", "0"), ("relu(-3/2)", "0"), ("relu(5/7)", "5/7"),
    ("heaviside(0)", "1/2"), ("heaviside(-2)", "0"), ("gelu(0)", "0"),
    ("cbrt(-8)", "-2"), ("cbrt(27)", "3"), ("cbrt(-x)", "-cbrt(x)"), ("log10(10)", "1"), ("log2(2)", "1"),
    ("log10(1)", "0"),
])
def test_exact_values(text, value):
    assert sd.simplify(text) is sd.simplify(value)


@pytest.mark.parametrize("text", ["gamma(0)", "gamma(-2)", "loggamma(-1)", "digamma(0)", "digamma(-5)",
                                  "polygamma(1, 0)", "polygamma(3, -2)", "log10(0)", "log2(0)"])
def test_poles_are_undefined(text):
    with pytest.raises(sd.UndefinedError) as caught:
        sd.simplify(text)
    assert caught.value.reason is sd.Reason.POLE


@pytest.mark.parametrize("text", ["gamma(1/2)", "gamma(-1/2)", "digamma(3/2)", "polygamma(1, 1/2)", "gamma(x)"])
def test_no_pole_elsewhere(text):
    sd.simplify(text)  # no error


def test_real_values():
    assert functions.lookup("cbrt", 1).real(-8.0) == -2.0
    assert functions.lookup("gamma", 1).real(5.0) == 24.0
    assert functions.lookup("sigmoid", 1).real(-800.0) == 0.0 and functions.lookup("sigmoid", 1).real(800.0) == 1
    assert functions.lookup("softplus", 1).real(800.0) == 800.0
    assert functions.lookup("logsumexp", 2).real(1000.0, 1000.0) == pytest.approx(1000 + math.log(2))
    assert functions.lookup("lambertw", 1).real(math.e) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        functions.lookup("lambertw", 1).real(-1.0)  # below -1/e: not real
    with pytest.raises(ValueError):
        functions.lookup("polygamma", 2).real(1.5, 2.0)  # the order is an integer
    with pytest.raises(ValueError):
        functions.lookup("loggamma", 1).real(-0.5)  # complex there


# ---- names, code, SymPy -------------------------------------------------------------------------------------

@pytest.mark.parametrize("alias, name", [("lg", "log10"), ("cosec", "csc"), ("cotan", "cot"), ("arccoth", "acoth"),
                                         ("arcsech", "asech"), ("arccsch", "acsch"), ("LambertW", "lambertw"),
                                         ("logistic", "sigmoid"), ("ReLU", "relu"), ("Heaviside", "heaviside")])
def test_aliases(alias, name):
    assert sd.parse(f"{alias}(x)") is sd.parse(f"{name}(x)")


def test_compiled_code_with_math_and_numpy():
    numpy = pytest.importorskip("numpy")
    f = sd.lambdify("erf(x) + gamma(x) + relu(x - 1) + sigmoid(x) + cbrt(-x)", "x")
    xs = numpy.array([0.5, 1.5, 2.5])
    expected = [math.erf(v) + math.gamma(v) + max(v - 1, 0) + 1 / (1 + math.exp(-v)) - v ** (1 / 3) for v in xs]
    assert numpy.allclose(f(xs), expected)
    assert [f(float(v)) for v in xs] == pytest.approx(expected)
    g = sd.lambdify("gamma(x)", "x")
    with pytest.raises(sd.EvaluationError):
        g(0.0)
    assert numpy.isnan(g(numpy.array([0.0, -1.0]))).all()  # NumPy code: nan at the poles, as NumPy gives
    h = sd.lambdify("polygamma(n, x)", ["n", "x"], backend="numpy")
    assert h(numpy.array([0.0, 1.0]), numpy.array([1.0, 1.0])) == pytest.approx([-0.5772156649015329,
                                                                                  math.pi ** 2 / 6])


def test_sympy_code_prints_the_formula_of_a_function_sympy_lacks():
    code = sd.sympy_code("sigmoid(x)^2 + relu(x/3)")
    namespace: dict = {}
    exec(compile(f"from sympy import *\nx = symbols('x')\nexpr = {code}", "<test>", "exec"), namespace)
    x = sympy.Symbol("x")
    assert sympy.simplify(namespace["expr"] - (1 / (1 + sympy.exp(-x)) ** 2 + (x / 3 + sympy.Abs(x / 3)) / 2)) == 0
    assert not namespace["expr"].has(sympy.Float)


def test_sympy_functions_map_back_and_formulas_do_not():
    x, y = sympy.symbols("x y")
    assert from_sympy(sympy.gamma(x)) is sd.parse("gamma(x)")
    assert sd.simplify(from_sympy(sympy.erf(x) + sympy.LambertW(x))) is sd.simplify("erf(x) + lambertw(x)")
    assert sd.simplify(from_sympy(sympy.polygamma(2, x) * sympy.beta(x, y))) is \
        sd.simplify("polygamma(2, x)*beta(x, y)")
    assert sd.simplify(from_sympy(sd.to_sympy("sigmoid(x)"))) is sd.simplify("1/(1 + exp(-x))")
