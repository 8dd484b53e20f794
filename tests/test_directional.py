"""Directional derivatives and derivatives along a path (issue 18, item 5), against SymPy."""

from __future__ import annotations

import random

import pytest
import sympy

import symdiff as sd
from symdiff.calculus.directional import directional_derivative, path_derivative
from symdiff.core.errors import UsageError

from oracle import sympy_diff

FUNCTIONS = ["x^2*y + y^3", "sin(x*y) + exp(x - y)", "log(x^2 + y^2 + 1)", "x*y*z - z^2*x", "atan(y/x)",
             "sqrt(x^2 + 2*y^2 + z^2)"]
DIRECTIONS = [("1", "2", "2"), ("-3", "4", "0"), ("1/2", "1/3", "1"), ("sqrt(2)", "1", "-1")]


def _close(ours: sd.Expr, theirs, point: dict[str, float]) -> None:
    expected = float(theirs.subs({sympy.Symbol(k, real=True): v for k, v in point.items()}).evalf(30))
    assert float(sd.evaluate(ours, point, exact=False)) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("text", FUNCTIONS)
@pytest.mark.parametrize("components", DIRECTIONS)
@pytest.mark.parametrize("unit", [True, False])
def test_directional_derivative_is_the_gradient_dotted_with_the_direction(text, components, unit):
    f = sd.parse(text)
    names = sorted(f.free_symbols)
    direction = [sd.parse(c) for c in components[:len(names)]]
    ours = directional_derivative(f, names, direction, unit=unit)
    vector = [sd.to_sympy(v) for v in direction]
    norm = sympy.sqrt(sum(v**2 for v in vector)) if unit else 1
    theirs = sum(sympy_diff(f, name) * v / norm for name, v in zip(names, vector))
    rng = random.Random(text)
    for _ in range(3):
        _close(ours.result, theirs, {name: rng.uniform(0.3, 1.7) for name in names})
    assert ours.unit is unit and ("the unit vector" in ours.text()) is unit


def test_unit_vector_is_stated_exactly():
    ours = directional_derivative(sd.parse("x^2 + y^2"), ["x", "y"], [sd.parse("3"), sd.parse("4")])
    assert [str(v) for v in ours.vector] == ["3/5", "4/5"]
    assert str(ours.result) == "6*x/5 + 8*y/5" or sd.equals(ours.result, sd.parse("(6*x + 8*y)/5"))
    assert ours.as_json()["vector"] == ["3/5", "4/5"]


@pytest.mark.parametrize("direction", [["0", "0"], ["1"]])
def test_refused_directions(direction):
    with pytest.raises(UsageError):
        directional_derivative(sd.parse("x*y"), ["x", "y"], [sd.parse(d) for d in direction])


PATHS = [
    ("x^2*y + y^3", {"x": "cos(t)", "y": "sin(t)"}),
    ("x*y*z", {"x": "t", "y": "t^2", "z": "exp(t)"}),
    ("log(x) + y/x", {"x": "1 + t^2", "y": "sin(2*t)"}),
    ("a*x + y", {"x": "t^3", "y": "a*t"}),
]


@pytest.mark.parametrize("text, path", PATHS)
def test_path_derivative_is_the_derivative_of_the_composition(text, path):
    f = sd.parse(text)
    parsed = {name: sd.parse(value) for name, value in path.items()}
    ours = path_derivative(f, parsed, "t")
    theirs = sympy.diff(sd.to_sympy(f, real=True).subs(
        {sympy.Symbol(k, real=True): sd.to_sympy(v, real=True) for k, v in parsed.items()}),
        sympy.Symbol("t", real=True))
    for t0 in (0.3, 0.9, 1.4):
        point = {"t": t0, "a": 1.3}
        _close(ours.result, theirs, {k: v for k, v in point.items() if k in ours.result.free_symbols | {"t"}})
    assert len(ours.terms) == len(path)


def test_path_parameter_cannot_be_a_coordinate():
    with pytest.raises(UsageError):
        path_derivative(sd.parse("x*t"), {"t": sd.parse("x")}, "t")
