"""Where an expression has a value but no derivative (issue 18, item 7): check_differentiable and kink_at, the
one judge for --at, the value of a derivative, tangent lines and limit tables.

A table of points (kinks, jumps, ends of domains, cusps, vertical tangents, interior points, several
variables), each refused with Reason.NOT_DIFFERENTIABLE and a message naming the part, or accepted; SymPy's
one-sided limits of the difference quotient as the oracle for a sample of one-variable rows; and points
strictly inside every domain, which are never refused."""

import random
from fractions import Fraction

import pytest
import sympy

import symdiff as sd
from symdiff.functions import REGISTRY
from symdiff.numeric.point import check_differentiable, is_zero, kink_at, value_at

# (expression, point, variables or None, the part named where it is refused, or None where it is differentiable)
TABLE = [
    # kinks and jumps (the registry's kinks, integer_kinks, kinks_where)
    ("abs(x)", {"x": 0}, None, "abs(x)"),
    ("abs(x - 1)", {"x": 1}, None, "abs(x - 1)"),
    ("abs(x)", {"x": "1/2"}, None, None),
    ("floor(x)", {"x": 1}, None, "floor(x)"),
    ("floor(x)", {"x": "3/2"}, None, None),
    ("sign(x)", {"x": 0}, None, "sign(x)"),
    ("max(x, x^2)", {"x": 1}, None, "max(x, x^2)"),
    ("relu(x)", {"x": 0}, None, "relu(x)"),
    ("sqrt(abs(x) + 1)", {"x": 0}, None, "abs(x)"),            # the smallest part is named
    # ends of a domain: defined at the point, on one side only
    ("x^(3/2)", {"x": 0}, None, "x^(3/2)"),
    ("sqrt(x)^3", {"x": 0}, None, "sqrt(x)"),
    ("(x - 1)^(5/2)", {"x": 1}, None, "(x - 1)^(5/2)"),
    ("x^(5/2) + x", {"x": 0}, None, "x^(5/2)"),
    ("sqrt(x)", {"x": 0}, None, "sqrt(x)"),
    ("sqrt(1 - x^2)*x", {"x": 1}, None, "sqrt(1 - x^2)"),
    ("sqrt(1 - x^2)*x", {"x": -1}, None, "sqrt(1 - x^2)"),
    ("sin(x)^(3/2)", {"x": 0}, None, "sin(x)^(3/2)"),
    ("x^pi", {"x": 0}, None, "x^pi"),
    ("asin(x)", {"x": 1}, None, "asin(x)"),
    ("asin(x)", {"x": -1}, None, "asin(x)"),
    ("acos(x)", {"x": -1}, None, "acos(x)"),
    ("asin(2*x)", {"x": "1/2"}, None, "asin(2*x)"),
    ("x*asin(x)", {"x": 1}, None, "asin(x)"),
    ("acosh(x)", {"x": 1}, None, "acosh(x)"),
    ("asec(x)", {"x": 1}, None, "asec(x)"),
    ("asech(x)", {"x": 1}, None, "asech(x)"),
    ("x^x", {"x": 0}, None, "x^x"),
    ("(-1)^x", {"x": 2}, None, "(-1)^x"),
    ("sqrt(-x^2)", {"x": 0}, None, "sqrt(-x^2)"),              # real at that point only
    ("x^(1/3)", {"x": 0}, None, "x^(1/3)"),                    # principal root: real for x >= 0 only
    ("x^(2/3)", {"x": 0}, None, "x^(2/3)"),
    # cusps, corners and vertical tangents: the derivative's formula divides by 0 there
    ("cbrt(x)", {"x": 0}, None, "cbrt(x)"),                    # a vertical tangent
    ("cbrt(x)^2", {"x": 0}, None, "cbrt(x)"),                  # a cusp, refused at cbrt(x)
    ("cbrt(x - 2)", {"x": 2}, None, "cbrt(x - 2)"),
    ("(x^2)^(1/3)", {"x": 0}, None, "(x^2)^(1/3)"),            # a cusp
    ("sqrt(x^2)", {"x": 0}, None, "sqrt(x^2)"),                # a corner
    ("sqrt(1 - cos(x))", {"x": 0}, None, "sqrt(1 - cos(x))"),  # a corner: 1 - cos(x) ~ x^2/2
    # interior points, and zeros of a base that leave the power smooth
    ("sqrt(x)", {"x": 4}, None, None),
    ("x^(3/2)", {"x": 1}, None, None),
    ("x^(1/3)", {"x": 8}, None, None),
    ("asin(x)", {"x": "1/2"}, None, None),
    ("acos(x)", {"x": "-sqrt(2)/2"}, None, None),
    ("acosh(x)", {"x": 2}, None, None),
    ("cbrt(x)", {"x": -8}, None, None),
    ("x^x", {"x": 1}, None, None),
    ("2^x", {"x": 0}, None, None),
    ("sqrt(x^4)", {"x": 0}, None, None),
    ("(x^2)^(3/2)", {"x": 0}, None, None),
    ("(1 - cos(x))^(3/2)", {"x": 0}, None, None),
    ("x^(5/3)", {"x": 1}, None, None),
    ("sqrt(x^2 + 1)", {"x": 0}, None, None),
    ("log(x)", {"x": 1}, None, None),
    ("sqrt(x)", {"x": 0.0}, None, "sqrt(x)"),                  # a float point too
    ("sqrt(x)", {"x": 4.0}, None, None),
    ("asin(x)", {"x": 1.0}, None, "asin(x)"),
    # several variables
    ("x^(3/2)*y", {"x": 0, "y": 1}, None, "x^(3/2)"),
    ("x*y", {"x": 0, "y": 0}, None, None),
    ("sqrt(x^2 + y^2)", {"x": 0, "y": 0}, None, "sqrt(x^2 + y^2)"),
    ("sqrt(x^2 + y^2)", {"x": 1, "y": 0}, None, None),
    ("(x^2 + y^2)^(3/2)", {"x": 0, "y": 0}, None, None),
    ("asin(x*y)", {"x": 1, "y": 1}, None, "asin(x*y)"),
    ("abs(x - y)", {"x": 1, "y": 1}, None, "abs(x - y)"),
    ("sqrt(x)*y", {"x": 0, "y": 1}, ["y"], None),              # in y alone, x = 0 is a constant
    ("sqrt(x)*y", {"x": 0, "y": 1}, ["x"], "sqrt(x)"),
    ("sqrt(x*y)", {"x": 0, "y": 5}, None, "sqrt(x*y)"),
    ("(x*y)^(3/2)", {"x": 0, "y": 0}, None, "(x*y)^(3/2)"),    # x*y is 0 along both axes: refused, safe side
    # on the safe side: differentiable, but a part is not (documented in numeric/point.py)
    ("abs(x)^3", {"x": 0}, None, "abs(x)"),
    ("cbrt(x)^3", {"x": 0}, None, "cbrt(x)"),
]

IDS = [f"{text} at {point}" + (f" in {variables}" if variables else "") for text, point, variables, _ in TABLE]


@pytest.mark.parametrize("text, point, variables, part", TABLE, ids=IDS)
def test_the_table(text, point, variables, part):
    found = kink_at(text, point, variables)
    if part is None:
        assert found is None, found
        check_differentiable(text, point, variables)
        return
    assert found is not None and found.startswith(f"{part} is not differentiable"), found
    with pytest.raises(sd.EvaluationError) as caught:
        check_differentiable(text, point, variables)
    assert caught.value.reason is sd.Reason.NOT_DIFFERENTIABLE
    assert caught.value.message == found
    value_at(text, point)  # the value itself is there: only the derivative is not


@pytest.mark.parametrize("text, at, kind", [
    ("x^(3/2)", 0, "real on one side only, an end of its domain"),
    ("asin(x)", 1, "an end of the domain of asin"),
    ("acosh(x)", 1, "an end of the domain of acosh"),
    ("cbrt(x)", 0, "its derivative is infinite there (a vertical tangent)"),
    ("(x^2)^(1/3)", 0, "its derivative is infinite there (a cusp)"),
    ("sqrt(x^2)", 0, "it has a corner there"),
    ("sqrt(-x^2)", 0, "it is real at that point only"),
    ("x^x", 0, "a power with a variable exponent is real around a point only where its base is positive"),
])
def test_the_message_says_what_kind_of_point(text, at, kind):
    assert kind in kink_at(text, {"x": at})


def test_messages_read_as_the_existing_ones():
    assert kink_at("x^(2/3)", {"x": 0}).startswith("x^(2/3) is not differentiable where x = 0: ")
    assert kink_at("asin(2*x)", {"x": "1/2"}).startswith("asin(2*x) is not differentiable where 2*x = 1: ")
    assert kink_at("(x - 1)^(5/2)", {"x": 1}).startswith("(x - 1)^(5/2) is not differentiable where x - 1 = 0: ")
    assert "(along x)" in kink_at("x^(3/2)*y", {"x": 0, "y": 1})


def test_undefined_points_are_left_to_the_value():
    """1/x at 0 has no value: that is value_at's error (division by zero), not a missing derivative."""
    assert kink_at("1/x", {"x": 0}) is None
    assert kink_at("log(x)", {"x": 0}) is None
    assert kink_at("sqrt(x)", {"x": -1}) is None
    with pytest.raises(sd.EvaluationError) as caught:
        value_at("1/x", {"x": 0})
    assert caught.value.reason is sd.Reason.DIVISION_BY_ZERO


def test_symbols_without_a_value_decide_nothing():
    assert kink_at("sqrt(x - a)", {"x": 0}) is None
    assert kink_at("sqrt(x)*a", {"x": 0}).startswith("sqrt(x)")


# ---- SymPy as the oracle: one-sided limits of the difference quotient, and real values either side --------------

def _sympy_differentiable(text, at):
    """f is real just either side of a, and both one-sided limits of (f(a + h) - f(a))/h are finite, real and
    equal."""
    x, h = sympy.Symbol("x", real=True), sympy.Symbol("h", positive=True)
    f = sd.to_sympy(sd.parse(text), real=True)
    a = sympy.sympify(at)
    fa = f.subs(x, a)
    for step in (sympy.Rational(1, 10**12), -sympy.Rational(1, 10**12)):
        value = f.subs(x, a + step).evalf(40)
        if abs(sympy.im(value)) > 1e-20 * abs(value):
            return False
    sides = [sympy.limit((f.subs(x, a + sign * h) - fa) / (sign * h), h, 0, "+") for sign in (1, -1)]
    return all(s.is_real and s.is_finite for s in sides) and sympy.simplify(sides[0] - sides[1]) == 0


# One-variable rows SymPy's limit decides (not max, min, relu: SymPy cannot; not the safe-side rows).
ORACLE = [(text, point["x"], part is None) for text, point, variables, part in TABLE
          if set(point) == {"x"} and variables is None and not isinstance(point["x"], float)
          and not any(name in text for name in ("max", "relu", "asec", "asech", "acos", "x^x", "(-1)^x"))
          and text not in ("abs(x)^3", "cbrt(x)^3")]


@pytest.mark.parametrize("text, at, differentiable", ORACLE, ids=[f"{t} at {a}" for t, a, _ in ORACLE])
def test_sympy_agrees(text, at, differentiable):
    assert _sympy_differentiable(text, at) is differentiable


def test_the_safe_side_is_safe():
    """Where symdiff refuses on the safe side, the function is differentiable: refusing is never wrong the
    other way (a derivative given where there is none)."""
    assert _sympy_differentiable("abs(x)^3", 0) and kink_at("abs(x)^3", {"x": 0}) is not None
    assert _sympy_differentiable("cbrt(x)^3", 0) and kink_at("cbrt(x)^3", {"x": 0}) is not None


# ---- strictly inside a domain: never refused ----------------------------------------------------------------

def test_points_inside_every_registry_domain_are_never_refused():
    rng = random.Random(18)
    for (name, arity), row in REGISTRY.items():
        if row.kinks or row.integer_kinks is not None or row.kinks_where is not None or row.integers:
            continue  # kinks are the table's business; polygamma's order is an integer
        low, high = row.domain
        for _ in range(3):
            values = {f"x{i}": Fraction(rng.uniform(low, high)).limit_denominator(1000) for i in range(arity)}
            text = f"{name}({', '.join(values)})"
            assert kink_at(text, values) is None, (text, values)


@pytest.mark.parametrize("exponent", ["1/2", "3/2", "1/3", "2/3", "5/2", "pi", "sqrt(2)"])
def test_powers_inside_their_domain_are_never_refused(exponent):
    rng = random.Random(exponent)
    for _ in range(5):
        a = Fraction(rng.randint(1, 400), rng.randint(1, 40))
        assert kink_at(f"x^({exponent})", {"x": a}) is None
        assert kink_at(f"(x - 1)^({exponent})", {"x": a + 1}) is None
        assert kink_at(f"(1 - x^2)^({exponent})", {"x": Fraction(rng.randint(-99, 99), 100)}) is None


def test_the_kinds_of_kinks_already_known_still_hold():
    assert kink_at("floor(x^2)", {"x": "sqrt(3)"}) == ("floor(x^2) is not differentiable where x^2 = 3: it jumps at "
                                                      "every integer")
    assert kink_at("max(sin(x), cos(x))", {"x": "pi/4"}).endswith("where sin(x) = cos(x)")
    assert kink_at("max(x, x)", {"x": 1}) is None


def test_is_zero():
    assert is_zero(sd.parse("log(6) - log(2) - log(3)")) and is_zero(0.0) and is_zero(sd.Integer(0))
    assert not is_zero(sd.parse("sqrt(2) - 1")) and not is_zero(None)


def test_the_command_line_refuses_a_value_at_an_end_of_the_domain(capsys):
    from symdiff.cli.command import main
    assert main(["x^(3/2)", "--at", "x=0"]) == 2
    assert "x^(3/2) is not differentiable where x = 0" in capsys.readouterr().err
    assert main(["x^(3/2)", "--at", "x=4"]) == 0
    assert capsys.readouterr().out.strip() == "3"
