"""Tangent lines and planes, and normal lines (issue 18, item 3): exact text for simple cases, SymPy as the
oracle for the rest (the line passes through the point with the slope sympy.diff gives there), and no line
where there is no derivative (check_differentiable's refusal, Reason.NOT_DIFFERENTIABLE)."""

import doctest
import json

import pytest
import sympy

import symdiff as sd
import symdiff.numeric.tangent as tangent_module
from symdiff.core.equation import Equation
from symdiff.numeric.tangent import ParametricLine, Tangent, tangent


def _sympy(expr):
    return sd.to_sympy(expr, real=True)


def _zero(value):
    value = sympy.simplify(value)
    return value == 0 or abs(complex(value.evalf(40))) < 1e-30


# ---- exact text -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, point, normal, expected", [
    ("x^2", {"x": 1}, False, "y = 2*x - 1"),
    ("x^2", {"x": 1}, True, "y = 3/2 - x/2"),
    ("sin(x)", {"x": 0}, False, "y = x"),
    ("sin(x)", {"x": 0}, True, "y = -x"),
    ("cos(x)", {"x": 0}, False, "y = 1"),
    ("cos(x)", {"x": 0}, True, "x = 0"),                       # a horizontal tangent: a vertical normal
    ("x^3 - 3*x", {"x": -1}, True, "x = -1"),
    ("sqrt(x)", {"x": 4}, False, "y = x/4 + 1"),
    ("log(x)", {"x": "e"}, False, "y = x*exp(-1)"),            # its intercept 1 - e*exp(-1) is 0
    ("3*x^2 - 4*x", {"x": 2}, False, "y = 8*x - 12"),
    ("floor(x) + x^2", {"x": "3/2"}, False, "y = 3*x - 5/4"),     # away from floor's jumps
    ("exp(x)", {"x": 0}, True, "y = 1 - x"),
    ("x^2 + y^2", {"x": 1, "y": 2}, False, "z = 2*x + 4*y - 5"),
    ("x^2 + y^2", {"x": 1, "y": 2}, True, "x = 2*t + 1, y = 4*t + 2, z = 5 - t"),
    ("x*y", {"x": 0, "y": 0}, False, "z = 0"),
    ("x*y*z", {"x": 1, "y": 2, "z": 3}, False, "w = 6*x + 3*y + 2*z - 12"),
])
def test_exact_text(text, point, normal, expected):
    found = tangent(text, point, normal=normal)
    assert found.text() == expected
    assert str(found) == expected


def test_latex():
    assert tangent("x^2", {"x": 1}).latex() == "y = 2 x - 1"
    assert tangent("x^2", {"x": 1}, normal=True).latex() == "y = \\frac{3}{2} - \\frac{x}{2}"
    line = tangent("x^2 + y^2", {"x": 1, "y": 2}, normal=True)
    assert line.latex() == "x = 2 t + 1, \\quad y = 4 t + 2, \\quad z = 5 - t"
    assert line._repr_latex_() == "$\\displaystyle " + line.latex() + "$"


def test_the_module_examples_run():
    assert doctest.testmod(tangent_module, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0


def test_the_point_slope_form_where_the_expanded_one_is_much_longer():
    found = tangent("log(x)", {"x": "e"}, normal=True)
    assert found.text() == "y = 1 - exp(1)*(x - e)"


# ---- SymPy as the oracle ----------------------------------------------------------------------------------

LINES = [
    ("x^2", "1"), ("sin(x)", "pi/4"), ("exp(x)", "1"), ("x^3 - 3*x", "2"), ("log(x)", "2"), ("sqrt(x)", "4"),
    ("atan(x)", "1"), ("x*exp(-x^2)", "1/2"), ("1/(1 + x^2)", "-1"), ("tan(x)", "pi/3"), ("asin(x)", "1/2"),
    ("x^(3/2)", "1"), ("cbrt(x)", "8"), ("abs(x)", "-2"), ("x^x", "2"), ("cosh(x)", "log(2)"),
]


@pytest.mark.parametrize("text, at", LINES)
def test_tangent_lines_agree_with_sympy(text, at):
    x = sympy.Symbol("x", real=True)
    f, a = _sympy(sd.parse(text)), _sympy(sd.parse(at))
    slope = sympy.diff(f, x).subs(x, a)
    found = tangent(text, {"x": at})
    assert isinstance(found.equation, Equation) and str(found.equation.lhs) == "y"
    line = _sympy(found.equation.rhs)
    assert _zero(line.subs(x, a) - f.subs(x, a))               # through the point
    assert _zero(sympy.diff(line, x) - slope)                  # with f's slope there
    assert sympy.diff(line, x, 2) == 0                         # a line
    assert _zero(_sympy(found.value) - f.subs(x, a)) and _zero(_sympy(found.slopes[0]) - slope)
    assert sd.parse(found.text().split(" = ")[1]).equals(found.equation.rhs)  # the text reads back

    normal = tangent(text, {"x": at}, normal=True)
    if _zero(slope):
        assert normal.text() == f"x = {sd.parse(at)}"
        return
    line = _sympy(normal.equation.rhs)
    assert _zero(line.subs(x, a) - f.subs(x, a))
    assert _zero(sympy.diff(line, x) * slope + 1)              # perpendicular


PLANES = [
    ("x^2 + y^2", {"x": 1, "y": 2}), ("x*y^2", {"x": 2, "y": -1}), ("sin(x)*cos(y)", {"x": "pi/6", "y": "pi/3"}),
    ("exp(x*y)", {"x": 0, "y": 1}), ("sqrt(x^2 + y^2)", {"x": 3, "y": 4}), ("x*y*z", {"x": 1, "y": 2, "z": 3}),
]


@pytest.mark.parametrize("text, point", PLANES)
def test_tangent_planes_agree_with_sympy(text, point):
    names = sorted(point)
    symbols = [sympy.Symbol(n, real=True) for n in names]
    f = _sympy(sd.parse(text))
    at = {s: _sympy(sd.parse(str(point[n]))) for s, n in zip(symbols, names)}
    found = tangent(text, point)
    assert found.kind == ("tangent plane" if len(names) == 2 else "tangent hyperplane")
    plane = _sympy(found.equation.rhs)
    assert _zero(plane.subs(at) - f.subs(at))
    for s, slope in zip(symbols, found.slopes):
        assert _zero(sympy.diff(plane, s) - sympy.diff(f, s).subs(at))
        assert _zero(_sympy(slope) - sympy.diff(f, s).subs(at))

    normal = tangent(text, point, normal=True)
    assert normal.kind == "normal line" and isinstance(normal.equation, ParametricLine)
    t = sympy.Symbol(normal.equation.parameter, real=True)
    coordinates = [_sympy(e.rhs) for e in normal.equation.equations]
    assert [str(e.lhs) for e in normal.equation.equations] == [*names, found.dependent]
    start = [c.subs(t, 0) for c in coordinates]
    assert all(_zero(c - at[s]) for c, s in zip(start, symbols)) and _zero(start[-1] - f.subs(at))
    direction = [sympy.diff(c, t) for c in coordinates]
    assert all(_zero(d - sympy.diff(f, s).subs(at)) for d, s in zip(direction, symbols)) and direction[-1] == -1


# ---- names ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, point, dependent", [
    ("x^2", {"x": 1}, "y"), ("t^2", {"t": 1}, "y"), ("y^2", {"y": 1}, "z"), ("x*y", {"x": 1, "y": 1}, "z"),
    ("x*z", {"x": 1, "z": 1}, "y"), ("x*y*z", {"x": 1, "y": 1, "z": 1}, "w"),
    ("x*y*z*w", {"x": 1, "y": 1, "z": 1, "w": 1}, "f"), ("x*y*z*w*f", {"x": 1, "y": 1, "z": 1, "w": 1, "f": 1}, "y1"),
    ("a*x^2 + y", {"x": 1}, "z"),                               # y is a parameter here: not the dependent name
])
def test_the_dependent_variable(text, point, dependent):
    assert tangent(text, point).dependent == dependent
    assert tangent(text, point).text().startswith(f"{dependent} = ")


def test_the_parameter_of_a_normal_line_is_free():
    assert tangent("x*t", {"x": 1, "t": 2}, normal=True).equation.parameter == "s"
    assert tangent("x*y", {"x": 1, "y": 2}, normal=True).equation.parameter == "t"


def test_variables_and_parameters():
    """A name of the point outside `variables` is a parameter's value; a name without a value stays."""
    assert tangent("a*x^2", {"x": 2}).text() == "y = 4*a*x - 4*a"
    assert tangent("a*x^2", {"x": 2, "a": 3}, variables=["x"]).text() == "y = 12*x - 12"
    assert tangent("a*x^2", {"x": 2, "a": 3}).kind == "tangent plane"


# ---- the result -------------------------------------------------------------------------------------------

def test_the_result():
    found = tangent("x^2", {"x": 1})
    assert isinstance(found, Tangent) and found.kind == "tangent line"
    assert found.variables == ("x",) and found.point == {"x": sd.Integer(1)}
    assert found.value is sd.Integer(1) and found.slopes == (sd.Integer(2),)
    assert found.equation == Equation(sd.Symbol("y"), sd.parse("2*x - 1"))
    assert repr(found) == "<Tangent: tangent line at x = 1: y = 2*x - 1>"
    assert found._repr_latex_() == "$\\displaystyle y = 2 x - 1$"
    assert hash(found) == hash(tangent("x^2", {"x": 1}))
    assert found.as_json() == {"kind": "tangent line", "expression": "x^2", "point": {"x": "1"}, "value": "1",
                               "slopes": {"x": "2"}, "dependent": "y", "equation": "y = 2*x - 1",
                               "latex": "y = 2 x - 1"}
    assert json.loads(found.json()) == found.as_json()
    normal = tangent("x^2 + y^2", {"x": 1, "y": 2}, normal=True).as_json()
    assert normal["parameter"] == "t" and normal["equations"] == ["x = 2*t + 1", "y = 4*t + 2", "z = 5 - t"]
    assert normal["slopes"] == {"x": "2", "y": "4"}


def test_a_decimal_point_gives_floats():
    found = tangent("x^2", {"x": 0.5})
    assert found.slopes == (sd.Float(1.0),)
    rhs = found.equation.rhs
    assert sd.evaluate(rhs, {"x": 0.5}) == pytest.approx(0.25) and sd.evaluate(rhs, {"x": 1.5}) == pytest.approx(1.25)


def test_pi_over_4():
    found = tangent("sin(x)", {"x": "pi/4"})
    assert found.value is sd.parse("sqrt(2)/2") and found.slopes == (sd.parse("sqrt(2)/2"),)
    assert len(found.text()) <= len("y = sqrt(2)/2 + sqrt(2)/2*(x - pi/4)") * tangent_module.LONGER


# ---- no line where there is no derivative -----------------------------------------------------------------

@pytest.mark.parametrize("text, at, part", [
    ("abs(x)", 0, "abs(x)"), ("floor(x)", 1, "floor(x)"), ("x^(2/3)", 0, "x^(2/3)"), ("sqrt(x)", 0, "sqrt(x)"),
    ("x^(3/2)", 0, "x^(3/2)"), ("cbrt(x)", 0, "cbrt(x)"), ("asin(x)", 1, "asin(x)"), ("max(x, x^2)", 1, "max"),
])
def test_no_line_where_there_is_no_derivative(text, at, part):
    for normal, kind in ((False, "tangent line"), (True, "normal line")):
        with pytest.raises(sd.EvaluationError) as caught:
            tangent(text, {"x": at}, normal=normal)
        assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE
        assert caught.value.message.startswith(f"no {kind} at x = {at}: {part}")


def test_a_vertical_tangent_is_no_derivative():
    with pytest.raises(sd.EvaluationError, match="a vertical tangent") as caught:
        tangent("cbrt(x)", {"x": 0})
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE


def test_no_plane_where_there_is_no_derivative():
    with pytest.raises(sd.EvaluationError, match="no tangent plane at x = 0, y = 0: sqrt") as caught:
        tangent("sqrt(x^2 + y^2)", {"x": 0, "y": 0})
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE


def test_no_line_where_there_is_no_value():
    with pytest.raises(sd.UndefinedPointError) as caught:
        tangent("1/x", {"x": 0})
    assert caught.value.reason is sd.Reason.DIVISION_BY_ZERO and "1/x is undefined at x = 0" in str(caught.value)
    with pytest.raises(sd.EvaluationError) as caught:
        tangent("log(x)", {"x": -1})
    assert caught.value.reason is sd.Reason.NOT_REAL


@pytest.mark.parametrize("call, message", [
    (lambda: tangent("x^2", {}), "needs a point"),
    (lambda: tangent("x^2", {"x": "a"}), "is not a number"),
    (lambda: tangent("x^2*y", {"x": 1}, variables=["x", "y"]), "give a value for y"),
    (lambda: tangent("x^2", {"x": True}), "not a real number"),
])
def test_usage_errors(call, message):
    with pytest.raises(sd.UsageError, match=message):
        call()
