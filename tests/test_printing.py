"""The printers: plain text (which parses back to the same tree), LaTeX, and SymPy code."""

from __future__ import annotations


import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdiff
from symdiff import parse, srepr
from strategies import expressions, small_exponents
from symdiff.core.build import power
from symdiff.core.expr import Num

# the random trees' reprs are large; that is not a problem here
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------

TEXT = [
    ("6*x - 4", "6*x - 4"),
    ("6x-4", "6*x - 4"),
    ("3x^2 - 4x", "3*x^2 - 4*x"),
    ("x/(2*y)", "x/(2*y)"),
    ("x/(2y)", "x/(2*y)"),
    ("-3*x/(2*y^2)", "-3*x/(2*y^2)"),
    ("-3x/(2y^2)", "-3*x/(2*y^2)"),
    ("3/2*x", "3*x/2"),
    ("x/2", "x/2"),
    ("-1/2", "-1/2"),
    ("x - 3/2", "x - 3/2"),
    ("sqrt(x+1)", "sqrt(x + 1)"),
    ("(x+1)^(1/2)", "sqrt(x + 1)"),
    ("1/sqrt(x)", "1/sqrt(x)"),
    ("x^(-1/2)", "1/sqrt(x)"),
    ("2/sqrt(x)", "2/sqrt(x)"),
    ("sqrt(x)^3", "sqrt(x)^3"),
    ("(x^2)^3", "(x^2)^3"),
    ("(-2)^x", "(-2)^x"),
    ("(1/2)^x", "(1/2)^x"),
    ("x^(3/2)", "x^(3/2)"),
    ("x^(1/3)", "x^(1/3)"),
    ("e^x", "e^x"),
    ("exp(x)", "exp(x)"),
    ("pi*x", "pi*x"),
    ("2^3^2", "2^(3^2)"),          # right-associative; the parentheses are for the reader
    ("(2^3)^2", "(2^3)^2"),
    ("2^-x", "2^(-x)"),
    ("2^(-1)", "1/2"),
    ("2^(-2)", "2^(-2)"),
    ("x^-2", "1/x^2"),
    ("1/x", "1/x"),
    ("x/y/z", "x/(y*z)"),
    ("(x+1)/(x-1)", "(x + 1)/(x - 1)"),
    ("2/(x+1)", "2/(x + 1)"),
    ("(x+1)^2", "(x + 1)^2"),
    ("x^(y+1)", "x^(y + 1)"),
    ("x^(2y)", "x^(2*y)"),
    ("x^y^z", "x^(y^z)"),
    ("-x", "-x"),
    ("-x^2", "-x^2"),
    ("(-x)^2", "(-x)^2"),
    ("-(x+1)", "-(x + 1)"),
    ("x - (y+1)", "x - (y + 1)"),
    ("x - (-y)", "x + y"),
    ("x*(-y)", "-x*y"),
    ("x y", "x*y"),
    ("2*3^x", "2*3^x"),
    ("sin(x)^2", "sin(x)^2"),
    ("sin(x)*cos(x)", "sin(x)*cos(x)"),
    ("log(x, 2)", "log(x, 2)"),
    ("ln(x)", "log(x)"),
    ("abs(x)", "abs(x)"),
    ("2.5*x", "2.5*x"),
    ("1e-3", "0.001"),
    ("f(x)", "f(x)"),
    ("g(x, y)", "g(x, y)"),
    ("f'(x)", "f'(x)"),
    ("f''(x^2)", "f''(x^2)"),
    ("D[1,0](g)(x,y)", "D[1,0](g)(x, y)"),
    ("D[2,1](g)(x, y^2)", "D[2,1](g)(x, y^2)"),
]


@pytest.mark.parametrize("text, expected", TEXT)
def test_text(text, expected):
    e = parse(text)
    assert str(e) == expected
    assert repr(e) == expected
    assert symdiff.text(e) == expected
    assert symdiff.text(text) == expected


ROUND_TRIP = [t for t, _ in TEXT] + [
    "(2x)^(-1)",
    "(-x)^-1",
    "(x^2)^-1",
    "(x/y)^-1",
    "(1/x)^-1",
    "(e^x)^-1",
    "(x*y)^-2",
    "(x^-1)^2",
    "(x+1)^-1",
    "sin(x)^-1",
    "1/x^y",
    "x^(1/y)",
    "(2^x)^-1",
    "(-2)^-1",
    "(1/2)^-1",
    "(-8)^(1/3)",
    "sqrt(-x)",
    "(x^2)^(-1/2)",
    "x^sqrt(2/3)",
    "-0.5",
    "(-0.5)^x",
    "x^0.5",
    "x^(-0.5)",
    "1e-20*x",
    "1e20",
    "-1.0*x",
    "2e",
    "x1*alpha + x_2",
    "f(x)*f'(x) + D[0,1](g)(x^2, -y)",
    "sin(1/x) + cos(x)^(3/2)",
    "log(x, 2)^2",
    "abs(x - 1)/(x - 1)",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trip_table(text):
    e = parse(text)
    printed = str(e)
    back = parse(printed)
    assert back is e, f"{text!r} printed as {printed!r}, which parses to {srepr(back)}, not {srepr(e)}"


@PROPERTY
@given(expressions)
def test_round_trip_property(e):
    printed = str(e)
    back = parse(printed)
    assert back is e, f"{srepr(e)} printed as {printed!r}, which parses to {srepr(back)}"


@PROPERTY
@given(st.tuples(expressions, small_exponents).filter(lambda be: be[0] is not Num(0)).map(lambda be: power(*be)))
def test_round_trip_of_powers_of_random_expressions(e):
    # what the parser builds for `(...)^k`, e.g. (2*x)^(-1)
    printed = str(e)
    back = parse(printed)
    assert back is e, f"{srepr(e)} printed as {printed!r}, which parses to {srepr(back)}"


@PROPERTY
@given(expressions)
def test_round_trip_of_simplified_forms(e):
    s = symdiff.simplify(e)
    printed = str(s)
    back = parse(printed)
    assert back is s, f"{srepr(s)} printed as {printed!r}, which parses to {srepr(back)}"


# ---------------------------------------------------------------------------------------------------------
# LaTeX
# ---------------------------------------------------------------------------------------------------------

LATEX = [
    ("6*x - 4", r"6 x - 4"),
    ("3x^2 - 4x", r"3 x^{2} - 4 x"),
    ("x/(2*y)", r"\frac{x}{2 y}"),
    ("-3*x/(2*y^2)", r"-\frac{3 x}{2 y^{2}}"),
    ("3/2*x", r"\frac{3 x}{2}"),
    ("-1/2", r"-\frac{1}{2}"),
    ("1/x", r"\frac{1}{x}"),
    ("x^-2", r"\frac{1}{x^{2}}"),
    ("sqrt(x+1)", r"\sqrt{x + 1}"),
    ("1/sqrt(x)", r"\frac{1}{\sqrt{x}}"),
    ("(x+1)^(1/3)", r"\sqrt[3]{x + 1}"),
    ("x^(3/2)", r"x^{\frac{3}{2}}"),
    ("sin(x)^2", r"\sin^{2} x"),
    ("sin(x+1)", r"\sin(x + 1)"),
    ("exp(x^2)", r"e^{x^{2}}"),
    ("e^(x^2)", r"e^{x^{2}}"),
    ("e^x", r"e^{x}"),
    ("pi*x", r"\pi x"),
    ("ln(x)", r"\ln x"),
    ("log(x)", r"\ln x"),
    ("log(x, 2)", r"\log_{2}(x)"),
    ("abs(x)", r"\left|x\right|"),
    ("2*3^x", r"2 \cdot 3^{x}"),
    ("x*2^x", r"x \cdot 2^{x}"),
    ("2(x+1)", r"2 (x + 1)"),
    ("(x+1)^2", r"(x + 1)^{2}"),
    ("(x+1)/(x-1)", r"\frac{x + 1}{x - 1}"),
    ("(x+1)/2", r"\frac{x + 1}{2}"),
    ("2/(x+1)", r"\frac{2}{x + 1}"),
    ("(x cos(x) - sin(x))/x^2", r"\frac{x \cos x - \sin x}{x^{2}}"),
    ("alpha", r"\alpha"),
    ("alpha1", r"\alpha_{1}"),
    ("alpha_1", r"\alpha_{1}"),
    ("x_2", r"x_{2}"),
    ("x1", r"x_{1}"),
    ("2^3^2", r"2^{3^{2}}"),
    ("(x^2)^3", r"(x^{2})^{3}"),
    ("(-2)^x", r"(-2)^{x}"),
    ("-x^2", r"-x^{2}"),
    # \left( \right) only around a fraction or a root
    ("(x + 1/x)^2", r"\left(x + \frac{1}{x}\right)^{2}"),
    ("sin(1/x)", r"\sin\left(\frac{1}{x}\right)"),
    ("sqrt(x)^3", r"\left(\sqrt{x}\right)^{3}"),
    ("(1/2)^x", r"\left(\frac{1}{2}\right)^{x}"),
    ("f'(x)", r"f'(x)"),
    ("f''(x)", r"f''(x)"),
    ("D[1,0](g)(x,y)", r"\frac{\partial g}{\partial x}(x, y)"),
    ("D[2,1](g)(x,y)", r"\frac{\partial^{3} g}{\partial x^{2} \partial y}(x, y)"),
]


@pytest.mark.parametrize("text, expected", LATEX)
def test_latex(text, expected):
    assert symdiff.latex(parse(text)) == expected
    assert symdiff.latex(text) == expected
    assert parse(text).latex() == expected


@pytest.mark.parametrize("text", ["(x+1)^2", "sin(x + 1)", "2(x+1)", "(x y)^2", "(-x)^2", "f(x + 1)",
                                  "(x^2)^3", "(x - 1)(x + 1)"])
def test_latex_plain_parentheses_without_tall_content(text):
    out = symdiff.latex(text)
    assert "(" in out
    assert r"\left" not in out and r"\right" not in out


def test_latex_of_a_logarithm_to_a_base_raised_to_a_power():
    # log(x, 2)^2 must keep the base as a subscript, not print log with two arguments
    out = symdiff.latex("log(x, 2)^2")
    assert r"\log_{2}" in out, out
    assert "(x, 2)" not in out, out


def test_latex_wraps_repr_latex_in_dollars():
    e = parse("x/(2*y)")
    shown = e._repr_latex_()
    assert shown.startswith("$") and shown.endswith("$")
    assert shown.count("$") == 2
    assert symdiff.latex(e) in shown


def _brace_balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "{"
        depth -= ch == "}"
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("text", [t for t, _ in LATEX] + ROUND_TRIP)
def test_latex_is_well_formed_on_the_tables(text):
    out = symdiff.latex(text)
    assert "**" not in out
    assert _brace_balanced(out), out
    assert out.count(r"\left") == out.count(r"\right"), out


@PROPERTY
@given(expressions)
def test_latex_is_well_formed(e):
    for node in (e, symdiff.simplify(e)):
        out = symdiff.latex(node)
        assert out
        assert "**" not in out, out
        assert _brace_balanced(out), out
        assert out.count(r"\left") == out.count(r"\right"), out
        assert "{}" not in out, out  # no empty group


# ---------------------------------------------------------------------------------------------------------
# SymPy code
# ---------------------------------------------------------------------------------------------------------

SYMPY_CODE = [
    ("6*x - 4", "6*x - 4"),
    ("x^2*y^3", "x**2*y**3"),
    ("3/2", "Rational(3, 2)"),
    ("3/2*x", "3*x/2"),
    ("e^x", "E**x"),
    ("exp(x)", "exp(x)"),
    ("pi*x", "pi*x"),
    ("abs(x)", "Abs(x)"),
    ("sqrt(x + 1)", "sqrt(x + 1)"),
    ("f(x)", "Function('f')(x)"),
    ("g(x, y)", "Function('g')(x, y)"),
]


@pytest.mark.parametrize("text, expected", SYMPY_CODE)
def test_sympy_code(text, expected):
    assert symdiff.sympy_code(parse(text)) == expected
    assert symdiff.sympy_code(text) == expected


def test_sympy_code_standalone_layout():
    assert symdiff.sympy_code("6*x - 4", standalone=True) == "from sympy import *\nx = symbols('x')\nexpr = 6*x - 4"
    assert symdiff.sympy_code("x*y", standalone=True) == "from sympy import *\nx, y = symbols('x y')\nexpr = x*y"
    assert symdiff.sympy_code("3/2", standalone=True) == "from sympy import *\nexpr = Rational(3, 2)"


def _run(code: str):
    namespace: dict = {}
    exec(compile(code, "<symdiff.sympy_code>", "exec"), namespace)  # our own generated code
    return namespace["expr"]


def _same(ours, theirs) -> bool:
    ours = sympy.sympify(ours)  # a number, not text: nothing is parsed
    if ours == theirs:
        return True
    return sympy.simplify(ours.doit() - theirs.doit()) == 0


def _exact(ours, theirs) -> bool:
    """No float in the snippet's result unless to_sympy has one (Python's 1/5 is 0.2, not 1/5)."""
    return theirs.has(sympy.Float) or not (isinstance(ours, float) or sympy.sympify(ours).has(sympy.Float))


SYMPY_EXEC = [
    "6*x - 4", "3/2*x", "x/(2*y)", "-3*x/(2*y^2)", "-1/3", "x - 3/2",
    "2^(-1)", "2^(-1)*x", "3^(-2)", "(1/2)^x", "x^(3/2)", "x^(1/3)", "sqrt(2)", "2*sqrt(2)", "1/sqrt(x)",
    "(-2)^x", "1/(3^x)", "e^x", "e^-x", "pi*x", "exp(x^2)", "log(x)", "log(x, 2)", "abs(x)", "sign(x)",
    "asec(x)", "acot(x)", "atanh(x)/x", "sinh(x)^2", "2.5*x", "1e-3*x",
    "f(x)", "g(x, y)", "f'(x)", "f''(x)", "f''(x^2)", "D[1,0](g)(x, y)", "D[2,1](g)(x, y)",
    "D[1,0](g)(x^2, y)", "D[0,1](g)(x, x)", "f(x)*f'(x)", "f'(sin(x))*cos(x)",
    # symbol names that SymPy or the snippet itself use
    "S + x", "I*x", "N + E1", "Q*O", "lambda_ + x", "x_ + x", "expr + x", "Symbol*x", "Function + Rational",
    "symbols*x", "zeta + lowergamma + gamma(x)",
    # divisions whose operands are plain Python numbers in the generated code
    "1/(2+3)", "(2+3)^(-2)", "2/(1+1)", "x^(1/(2+3))", "sin(1/(2+3))", "(1+2)/(3+4)", "x/(2+3)",
    "1/(1/2 + 1)", "(2+3)^x",
]


@pytest.mark.parametrize("text", SYMPY_EXEC)
def test_sympy_code_standalone_runs_and_equals_to_sympy(text):
    e = parse(text)
    code = symdiff.sympy_code(e, standalone=True)
    ours, theirs = _run(code), symdiff.to_sympy(e)
    assert _exact(ours, theirs), f"{text!r}: the snippet gives {ours!r}, to_sympy gives {theirs!r}\n{code}"
    assert _same(ours, theirs), f"{text!r}: the snippet gives {ours!r}, to_sympy gives {theirs!r}\n{code}"


@pytest.mark.parametrize("text, value", [
    ("2^(-1)", sympy.Rational(1, 2)),
    ("2^(-1)*3", sympy.Rational(3, 2)),
    ("3^(-2)", sympy.Rational(1, 9)),
    ("(1/2)^2", sympy.Rational(1, 4)),
    ("3/2", sympy.Rational(3, 2)),
    ("1/3 + 1/6", sympy.Rational(1, 2)),
    ("1/(2+3)", sympy.Rational(1, 5)),
    ("(2+3)^(-2)", sympy.Rational(1, 25)),
    ("2/(1+1)", sympy.Integer(1)),
    ("(1+2)/(3+4)", sympy.Rational(3, 7)),
])
def test_sympy_code_keeps_numbers_exact(text, value):
    result = _run(symdiff.sympy_code(text, standalone=True))
    assert result == value, f"{text!r} gives {result!r}"
    assert isinstance(result, sympy.Rational), f"{text!r} gives {result!r} of type {type(result).__name__}"
    assert not result.has(sympy.Float)


@pytest.mark.parametrize("text", ["0", "5", "2 + 3", "x - x + 1", "2*3^2", "1.5", "pi"])
def test_sympy_code_result_is_a_sympy_object(text):
    # `expr` must be a SymPy expression (expr.diff(x), expr.subs(...) work), even for a number
    result = _run(symdiff.sympy_code(text, standalone=True))
    assert isinstance(result, sympy.Basic), f"{text!r} gives {result!r} of type {type(result).__name__}"
    assert sympy.simplify(result - symdiff.to_sympy(text)) == 0


@pytest.mark.parametrize("text", ["x^2", "2^x", "(x+1)^(3/2)", "f(x)^2"])
def test_sympy_code_uses_python_power(text):
    code = symdiff.sympy_code(text)
    assert "^" not in code
    assert "**" in code


@PROPERTY
@given(expressions)
def test_sympy_code_property(e):
    for node in (e, symdiff.simplify(e)):
        code = symdiff.sympy_code(node, standalone=True)
        assert "^" not in code
        ours, theirs = _run(code), symdiff.to_sympy(node)
        if any(sympy.sympify(side).has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) for side in (ours, theirs)):
            continue  # a literal division by zero such as 1/(x - x): both sides are undefined
        assert _exact(ours, theirs), f"{node}: snippet {ours!r} vs to_sympy {theirs!r}"
        assert _same(ours, theirs), f"{node}: snippet {ours!r} vs to_sympy {theirs!r}"
