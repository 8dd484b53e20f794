"""Implicit differentiation (issue 18, item 1): symdiff.calculus.implicit against sympy.idiff.

Implicit derivatives are equal only on the curve (symdiff shortens them with the equation: -1/y^3 on the circle,
where idiff gives -(x^2 + y^2)/y^3), so they are compared at points of the curve: x0 chosen, y0 a real root of
F(x0, y) = 0 found by mpmath near a guess.
"""

from __future__ import annotations

import mpmath
import pytest
import sympy

import symdiff as sd
from symdiff.calculus.implicit import implicit_derivative
from symdiff.core.errors import DifferentiationError, UsageError

X, Y = sympy.symbols("x y", real=True)

# (equation, x0, a guess for y0, highest order checked)
CURVES = [
    ("x^2 + y^2 = 1", 0.6, 0.8, 4),
    ("x^2 + y^2 = 1", -0.3, -0.9, 3),
    ("x^3 + y^3 = 6*x*y", 1.0, 2.4, 3),
    ("x^2/4 + y^2/9 = 1", 1.0, 2.6, 3),
    ("y^2 = x^3 + x", 1.0, 1.4, 3),
    ("x*y = 1", 2.0, 0.5, 3),
    ("x^2*y + y^3 = 2", 1.0, 1.0, 2),
    ("exp(y) = x*y + 2", 1.0, 1.2, 2),
    ("sin(x + y) = y^2*cos(x)", 0.5, 0.9, 2),
    ("y*sin(x) = x*cos(y) + 1", 1.0, 1.5, 2),
    ("sqrt(x) + sqrt(y) = 3", 4.0, 1.0, 2),
    ("log(x*y) = x - y", 1.0, 1.0, 2),
    ("atan(y/x) = log(x^2 + y^2)/2", 1.5, 0.9, 2),
    ("x^4 + x^2*y^2 - y^4 = 1", 1.5, 1.3, 2),
]


def _point_on(equation: str, x0: float, guess: float) -> tuple[float, float]:
    lhs, rhs = (sympy.sympify(side.replace("^", "**"), locals={"x": X, "y": Y}) for side in equation.split("="))
    f = sympy.lambdify(Y, (lhs - rhs).subs(X, x0), "mpmath")
    mpmath.mp.dps = 30
    y0 = mpmath.findroot(f, guess)
    return x0, float(y0)


def _value(expr: sd.Expr, point: dict[str, float]) -> float:
    return float(sd.evaluate(expr, point, exact=False))


@pytest.mark.parametrize("equation, x0, guess, order", CURVES)
def test_against_idiff_on_the_curve(equation, x0, guess, order):
    eq = sd.read(equation).equation
    ours = implicit_derivative([eq], ["y"], "x", order)
    x0, y0 = _point_on(equation, x0, guess)
    theirs_eq = sympy.Eq(*(sympy.sympify(side.replace("^", "**"), locals={"x": X, "y": Y})
                           for side in equation.split("=")))
    for k in range(1, order + 1):
        theirs = sympy.idiff(theirs_eq.lhs - theirs_eq.rhs, Y, X, k)
        expected = complex(theirs.subs({X: x0, Y: y0}).evalf(30))
        got = _value(ours.of("y", k), {"x": x0, "y": y0})
        assert abs(expected.imag) < 1e-12
        assert got == pytest.approx(expected.real, rel=1e-8, abs=1e-10), (equation, k, ours.of("y", k))


def test_the_circle_is_shortened_with_its_equation():
    ours = implicit_derivative([sd.read("x^2 + y^2 = 1").equation], ["y"], "x", 3)
    assert [str(ours.of("y", k)) for k in (1, 2, 3)] == ["-x/y", "-1/y^3", "-3*x/y^5"]
    assert ours.text() == "d^3y/dx^3 = -3*x/y^5"


def test_a_parameter_stays_a_parameter():
    ours = implicit_derivative([sd.read("x^2 + y^2 = r^2").equation], ["y"], "x", 2)
    assert str(ours.of("y", 1)) == "-x/y"
    x0, y0, r0 = 1.0, 2.0, 5 ** 0.5
    expected = sympy.idiff(X**2 + Y**2 - sympy.Symbol("r")**2, Y, X, 2)
    assert _value(ours.result, {"x": x0, "y": y0, "r": r0}) == pytest.approx(
        float(expected.subs({X: x0, Y: y0, sympy.Symbol("r"): r0})))


def test_two_equations_two_dependents():
    equations = [sd.read("x^2 + y^2 + z^2 = 1").equation, sd.read("x + y + z = 0").equation]
    ours = implicit_derivative(equations, ["y", "z"], "x", 2)
    Z = sympy.Symbol("z", real=True)
    dy, dz = sympy.symbols("dy dz")
    # differentiate both equations along the curve and solve the linear system, as a textbook does
    solution = sympy.solve([2*X + 2*Y*dy + 2*Z*dz, 1 + dy + dz], [dy, dz])
    point = {"x": 0.1, "y": 0.6, "z": -0.7}  # on the plane (not on the sphere: the first order is a formula)
    values = {X: 0.1, Y: 0.6, Z: -0.7}
    assert _value(ours.of("y", 1), point) == pytest.approx(float(solution[dy].subs(values)))
    assert _value(ours.of("z", 1), point) == pytest.approx(float(solution[dz].subs(values)))


def test_a_further_dependent_stays_an_unknown_function():
    ours = implicit_derivative([sd.read("x + a + y = 0").equation], ["y", "a"], "x", 1)
    assert str(ours.result) == "-a'(x) - 1"  # sympy.idiff(x + a + y, [y, a], x) is -Derivative(a, x) - 1


def test_the_steps_differentiate_collect_solve():
    ours = implicit_derivative([sd.read("x^2 + y^2 = 1").equation], ["y"], "x", 2)
    rules = [step.rule for step in ours.steps]
    assert rules[:4] == ["differentiate both sides with respect to x", "chain rule: d/dx y(x) = y'(x)",
                         "collect the terms in y'(x)", "solve for y'(x)"]
    assert rules[-1] == "use x^2 + y^2 = 1"
    text = ours.steps_text()
    assert "2*x + 2*y(x)*y'(x) = 0" in text and "y'(x) = -x/y(x)" in text
    latex = ours.steps_latex()
    assert "\\frac{d^{2}y}{dx^{2}} &= -\\frac{1}{y^{3}}" in latex and "x\\^{}2" in latex
    record = ours.as_json()
    assert record["derivatives"][-1] == {"of": "y", "order": 2, "name": "d^2y/dx^2", "result": "-1/y^3",
                                         "latex": "-\\frac{1}{y^{3}}"}


@pytest.mark.parametrize("equations, dependents, variable, order, error", [
    (["x^2 + y^2 = 1"], ["y"], "x", 0, UsageError),
    (["x^2 + y^2 = 1"], ["x"], "x", 1, UsageError),
    (["x^2 + y^2 = 1"], ["z"], "x", 1, UsageError),
    (["x^2 + y^2 = 1", "x + y = 0"], ["y"], "x", 1, UsageError),
    (["x^2 + y^2 = 1"], ["y", "y"], "x", 1, UsageError),
    (["x + y + z = 1", "2*x + 2*y + 2*z = 5"], ["y", "z"], "x", 1, DifferentiationError),
])
def test_refused(equations, dependents, variable, order, error):
    with pytest.raises(error):
        implicit_derivative([sd.read(e).equation for e in equations], dependents, variable, order)
