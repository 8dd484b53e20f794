"""floor, ceil, max and min (rows of symdiff.functions.elementary): values, exact values at rationals, derivatives
against SymPy away from their kinks, the kinks themselves (not differentiable, Reason.NOT_DIFFERENTIABLE), code,
LaTeX and SymPy names, and the `associative` field. Every row is also checked generically by
tests/test_registry.py, test_functions.py, test_compile.py, test_bridge.py and test_plot.py."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
import sympy

import symdiff as sd
from symdiff import functions
from symdiff.core.expr import Num
from symdiff.functions.row import FunctionRow
from symdiff.numeric.point import check_differentiable, kink_at
from symdiff.numeric.values import numeric_value

NEW = [("floor", 1), ("ceil", 1), ("max", 2), ("min", 2)]
# Python's own functions, the reference for values
PYTHON = {"floor": math.floor, "ceil": math.ceil, "max": max, "min": min}
POINTS = [-2.5, -2.0, -1.5, -0.7, 0.0, 0.3, 1.0, 1.5, 2.9]


def row(name, arity=None):
    return functions.lookup(name, arity or functions.arities(name)[0])


# ---- the rows -------------------------------------------------------------------------------------------------

def test_the_rows_and_their_facts():
    floor, ceil, largest, smallest = (row(n, a) for n, a in NEW)
    assert floor.partials == ceil.partials == ("0",)
    assert floor.integer_kinks == ceil.integer_kinks == 0 and floor.kinks_where is None
    assert largest.partials == ("heaviside(u - v)", "heaviside(v - u)")
    assert smallest.partials == ("heaviside(v - u)", "heaviside(u - v)")
    assert largest.kinks_where == smallest.kinks_where == ("u", "v") and largest.integer_kinks is None
    assert (floor.sympy, ceil.sympy, largest.sympy, smallest.sympy) == ("floor", "ceiling", "Max", "Min")
    assert functions.ALIASES["ceiling"] == "ceil"
    assert sd.parse("ceiling(x)") is sd.parse("ceil(x)")
    assert all(r.total for r in (floor, ceil, largest, smallest))


def test_associative_rows():
    assert {r.name for r in functions.rows() if r.associative} == {"max", "min", "logsumexp"}
    rng = random.Random(3)
    for r in (r for r in functions.rows() if r.associative):
        assert r.arity == 2
        for _ in range(20):
            a, b, c = (rng.uniform(-3, 3) for _ in range(3))
            assert r.real(r.real(a, b), c) == pytest.approx(r.real(a, r.real(b, c)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("facts, message", [
    ({"partials": ("0",), "associative": True}, "two arguments"),
    ({"partials": ("0",), "integer_kinks": 1}, "integer_kinks"),
    ({"partials": ("0", "0"), "kinks_where": ("u",)}, "kinks_where"),
])
def test_a_row_with_impossible_facts_is_refused(facts, message):
    with pytest.raises(ValueError, match=message):
        FunctionRow("f", english="f", latex="f", sympy="f", real=abs, complex=abs, code=("", ""), **facts)


# ---- values -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, arity", NEW)
def test_values_everywhere_are_pythons(name, arity):
    text = f"{name}(x)" if arity == 1 else f"{name}(x, y)"
    expr = sd.parse(text)
    scalar = sd.lambdify(expr, ["x", "y"][:arity], backend="math")
    array = sd.lambdify(expr, ["x", "y"][:arity], backend="numpy")
    for x in POINTS:
        for y in ([0.5, -1.0] if arity == 2 else [None]):
            arguments = (x,) if arity == 1 else (x, y)
            expected = PYTHON[name](*arguments)
            point = dict(zip("xy", arguments))
            assert row(name, arity).real(*arguments) == expected
            assert numeric_value(expr, point) == expected
            assert numeric_value(expr, point, complex_values=True) == expected
            assert scalar(*arguments) == expected and float(array(*arguments)) == expected
            assert sd.evaluate(expr, {k: float(v) for k, v in point.items()}) == expected


def test_values_agree_with_sympy():
    for name, arity in NEW:
        theirs = getattr(sympy, row(name, arity).sympy)
        for u in POINTS:
            arguments = (u,) if arity == 1 else (u, 0.25)
            expected = float(theirs(*map(sympy.Float, arguments)))
            assert row(name, arity).real(*arguments) == expected, (name, arguments)


def test_max_and_min_of_complex_values_are_not_real():
    with pytest.raises(sd.EvaluationError) as caught:
        numeric_value(sd.parse("max(sqrt(x), 1)"), {"x": -1.0}, complex_values=True)
    assert caught.value.reason is sd.Reason.NOT_REAL


@pytest.mark.parametrize("text, expected", [
    ("floor(-3/2)", "-2"), ("ceil(-3/2)", "-1"), ("floor(7/3)", "2"), ("ceiling(7/3)", "3"), ("floor(4)", "4"),
    ("ceil(-4)", "-4"), ("floor(0)", "0"), ("max(1/2, 1/3)", "1/2"), ("min(1/2, -1/3)", "-1/3"),
    ("max(-5, -5)", "-5"), ("max(max(1, 7/2), -2)", "7/2"), ("floor(x) + ceil(x) - floor(x)", "ceil(x)"),
])
def test_exact_values_at_rationals(text, expected):
    assert sd.simplify(text) is sd.parse(expected)
    theirs = sd.to_sympy(sd.parse(text))  # SymPy evaluates them too
    if not theirs.free_symbols:
        assert sd.from_sympy(theirs) is sd.parse(expected)


@pytest.mark.parametrize("text, point, expected", [
    ("max(x, x^2)", {"x": "3/2"}, Num(Fraction(9, 4))),
    ("max(x, x^2)", {"x": "1/2"}, Num(Fraction(1, 2))),
    ("min(x, y)", {"x": "1/3", "y": "1/2"}, Num(Fraction(1, 3))),
    ("floor(x) + ceil(x)", {"x": "-7/3"}, Num(-5)),
    ("floor(x)^2 + x", {"x": "5/2"}, Num(Fraction(13, 2))),
])
def test_exact_values_at_exact_points(text, point, expected):
    assert sd.evaluate(text, point) is expected


def test_floats_are_contagious_in_two_arguments_too():
    assert sd.simplify("max(0.5, 2)") is sd.Float(2.0)
    assert sd.simplify("floor(2.5)") is sd.Float(2.0)


# ---- derivatives ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, variable, expected", [
    ("floor(x)", "x", "0"),
    ("ceil(x^2 + 1)", "x", "0"),
    ("floor(x)^2 + x", "x", "1"),
    ("x*ceil(x)", "x", "ceil(x)"),
    ("max(x, x^2)", "x", "2*x*heaviside(x^2 - x) + heaviside(x - x^2)"),
    ("min(x, 1)", "x", "heaviside(1 - x)"),
    ("max(x, y)", "x", "heaviside(x - y)"),
    ("max(x, y)", "y", "heaviside(y - x)"),
    ("min(x, y)", "y", "heaviside(x - y)"),
    ("max(x, x)", "x", "1"),
])
def test_derivatives(text, variable, expected):
    assert sd.diff(text, variable) is sd.parse(expected)


def _sympy_derivative(expr, variable):
    """SymPy's, with its unevaluated d/dx floor and ceiling replaced by their value 0 between the integers."""
    theirs = sympy.diff(sd.to_sympy(expr, real=True), sympy.Symbol(variable, real=True))
    return theirs.replace(lambda e: isinstance(e, sympy.Derivative) and isinstance(e.expr, (sympy.floor, sympy.ceiling))
                          or isinstance(e, sympy.Subs) and e.expr == 0, lambda e: sympy.S.Zero)


@pytest.mark.parametrize("text", [
    "max(x, x^2)", "min(x, 1)", "floor(x)^2 + x", "max(sin(x), cos(x))", "x*ceil(x) + floor(2*x)",
    "min(x^2, y)*x", "max(x, y)^2", "min(exp(x), 2*y)", "max(max(x, y), x^2)", "floor(x*y) + min(x, y)^3",
    "ceil(sin(3*x))*max(x, -y)",
])
def test_derivatives_agree_with_sympy_away_from_the_kinks(text):
    expr = sd.parse(text)
    variables = sorted(expr.free_symbols)
    rng = random.Random(text)
    for variable in variables:
        ours = sd.diff(expr, variable)
        theirs = _sympy_derivative(expr, variable)
        compared = 0
        while compared < 12:
            point = {name: rng.uniform(-3, 3) for name in variables}
            if kink_at(expr, point) is not None:  # (random floats practically never are)
                continue
            expected = float(theirs.subs({sympy.Symbol(n, real=True): v for n, v in point.items()}).evalf(30))
            assert numeric_value(ours, point) == pytest.approx(expected, rel=1e-9, abs=1e-12), (text, point)
            assert sd.evaluate(ours, point, exact=False) == pytest.approx(expected, rel=1e-9, abs=1e-12)
            compared += 1


def test_check_agrees_with_sympy():
    for text in ("max(x, x^2)", "floor(x)^2 + x", "min(x, 1)"):
        assert sd.check(text, "x").agree, text


def test_a_derivation_names_the_rule():
    assert "chain rule (maximum)" in sd.steps("max(x, x^2)", "x").text()


# ---- where they are not differentiable ------------------------------------------------------------------------

KINKS = [
    ("floor(x)", 2, "floor(x) is not differentiable where x = 2: it jumps at every integer"),
    ("ceil(x)", -1, "ceil(x) is not differentiable where x = -1"),
    ("floor(x)", 2.0, "where x = 2.0"),
    ("floor(x)^2 + x", 2, "floor(x) is not differentiable where x = 2"),
    ("x*floor(x)", 0, "floor(x) is not differentiable where x = 0"),
    ("floor(x^2)", "sqrt(3)", "floor(x^2) is not differentiable where x^2 = 3"),
    ("floor(2*x)", "1/2", "floor(2*x) is not differentiable where 2*x = 1"),
    ("max(x, x^2)", 1, "max(x, x^2) is not differentiable where x = x^2"),
    ("max(x, x^2)", 0, "max(x, x^2) is not differentiable where x = x^2"),
    ("min(x, 1)", 1, "min(x, 1) is not differentiable where x = 1"),
    ("min(x, 1)", 1.0, "min(x, 1) is not differentiable"),
    ("max(sin(x), cos(x))", "pi/4", "where sin(x) = cos(x)"),
    ("exp(min(x, -x))", 0, "min(x, -x) is not differentiable where x = -x"),
]


@pytest.mark.parametrize("text, at, message", KINKS)
def test_no_derivative_at_a_kink(text, at, message):
    with pytest.raises(sd.EvaluationError) as caught:
        sd.limit_table(text, "x", at)
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE
    assert message in caught.value.message
    with pytest.raises(sd.EvaluationError) as caught:
        check_differentiable(text, {"x": at})
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE


@pytest.mark.parametrize("text, at", [(text, at) for text, at, _ in KINKS])
def test_the_kinks_are_real(text, at):
    """The one-sided difference quotients differ there (or the function jumps)."""
    f = sd.lambdify(text, "x")
    a, h = float(numeric_value(sd.parse(str(at)), {})), 1e-7
    right, left = (f(a + h) - f(a)) / h, (f(a) - f(a - h)) / h
    assert abs(right - left) > 1e-3


@pytest.mark.parametrize("text, at, expected", [
    ("floor(x)", "5/2", "0"),
    ("floor(x)^2 + x", "5/2", "1"),
    ("floor(x^2)", "pi", "0"),
    ("max(x, x^2)", 2, "4"),
    ("max(x, x^2)", "1/2", "1"),
    ("min(x, 1)", 3, "0"),
    ("min(x, 1)", -3, "1"),
    ("max(x, x)", 1, "1"),  # the same argument twice: max(x, x) is x, no kink
])
def test_a_derivative_away_from_the_kinks(text, at, expected):
    table = sd.limit_table(text, "x", at)
    assert table.exact is sd.parse(expected)
    assert table.rows[-1][1] == pytest.approx(table.value, abs=1e-4)
    assert kink_at(text, {"x": at}) is None
    assert sd.evaluate(sd.diff(text, "x"), {"x": at}) is sd.parse(expected)


def test_only_kinks_in_the_variable_count():
    """floor(y) jumps at y = 2, but x*floor(y) is differentiable in x there."""
    assert sd.limit_table("x*floor(y)", "x", 1, values={"y": 2}).exact is Num(2)
    check_differentiable("x*floor(y)", {"x": 1, "y": 2}, ["x"])
    with pytest.raises(sd.EvaluationError):
        check_differentiable("x*floor(y)", {"x": 1, "y": 2}, ["y"])
    with pytest.raises(sd.EvaluationError):
        check_differentiable("max(x, y)", {"x": 1, "y": 1}, ["y"])


def test_no_tangent_at_a_kink(tmp_path):
    pytest.importorskip("matplotlib")
    with pytest.raises(sd.EvaluationError) as caught:
        sd.plot_tangent("max(x, x^2)", "x", 1, tmp_path / "t.svg")
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE
    assert "no tangent at x = 1" in caught.value.message
    assert sd.plot_tangent("floor(x) + x", "x", "1/2", tmp_path / "t.svg").slope == 1.0


# ---- code, LaTeX and SymPy --------------------------------------------------------------------------------------

def test_compiled_derivatives():
    for backend in ("math", "numpy"):
        f = sd.lambdify(sd.diff("max(x, x^2)", "x"), "x", backend=backend)
        assert float(f(2.0)) == 4.0 and float(f(0.5)) == 1.0 and float(f(-1.0)) == -2.0
        g = sd.lambdify(sd.diff("floor(x)^2 + x*ceil(x)", "x"), "x", backend=backend)
        assert float(g(2.5)) == 3.0


@pytest.mark.parametrize("text, expected", [
    ("floor(x)", r"\left\lfloor{x}\right\rfloor"),
    ("ceil(x)", r"\left\lceil{x}\right\rceil"),
    ("floor(x/2)^2", r"\left\lfloor{\frac{x}{2}}\right\rfloor^{2}"),
    ("max(x, y)", r"\max(x, y)"),
    ("min(x, y^2)", r"\min(x, y^{2})"),
])
def test_latex(text, expected):
    assert sd.latex(text) == expected
    if not text.startswith(("max", "min")):  # SymPy writes floor and ceil the same way
        assert sympy.latex(sd.to_sympy(text)) == expected


def test_max_and_min_read_back_from_latex():
    for text in ("max(x, y)", "min(x, y^2)", "max(x, y)^2"):
        assert sd.parse_latex(sd.latex(text)) is sd.parse(text)


def test_sympy_names_and_nested_calls():
    x, y, z = sympy.symbols("x y z")
    assert sd.to_sympy("floor(x) + ceil(y)") == sympy.floor(x) + sympy.ceiling(y)
    assert sd.to_sympy("max(x, y)*min(x, y)") == sympy.Max(x, y) * sympy.Min(x, y)
    assert sd.sympy_code("max(x, ceiling(y))") == "Max(x, ceiling(y))"
    assert sd.from_sympy(sympy.ceiling(x)) is sd.parse("ceil(x)")
    # SymPy flattens max(max(x, y), z) to Max(x, y, z); max being associative, it is read back nested
    assert sd.to_sympy("max(max(x, y), z)") == sympy.Max(x, y, z)
    assert sd.from_sympy(sympy.Max(x, y, z)) is sd.parse("max(max(x, y), z)")
    assert sd.from_sympy(sympy.Min(x, y, z)) is sd.parse("min(min(x, y), z)")
