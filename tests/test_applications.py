"""Issue 18 through the API and the command line: implicit derivatives, answers compared, tangent and normal
lines, directional derivatives and derivatives along a path, steps for higher orders, mixed partials and
gradients. The libraries underneath have tests of their own (test_implicit.py, test_compare.py, test_tangent.py,
test_directional.py, test_taylor.py, test_differentiable_points.py); here, what a user types and sees."""

from __future__ import annotations

import json

import pytest
import sympy

import symdiff as sd
from symdiff.cli.command import EXIT_OK, EXIT_USAGE, main
from symdiff.cli.exit_status import EXIT_WRONG

from oracle import assert_matches_sympy


def run(capsys, *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


# ---- implicit -------------------------------------------------------------------------------------------------

def test_implicit_diff_takes_what_sympy_idiff_takes():
    x, y = sympy.symbols("x y")
    assert str(sd.implicit_diff("x^2 + y^2 = 1")) == "-x/y"
    assert str(sd.implicit_diff("x^2 + y^2 = 1", "y", "x", order=2)) == "-1/y^3"
    assert sd.implicit_diff(sympy.Eq(x**2 + y**2, 1), y, x) is sd.implicit_diff(x**2 + y**2 - 1, y, x)
    assert sd.implicit_diff(sd.parse("x^2 + y^2 - 1"), sd.Symbol("y")) is sd.parse("-x/y")
    assert sd.implicit_diff(sd.Equation(sd.parse("x*y"), sd.parse("1"))) is sd.parse("-y/x")
    # a system: as many dependents as equations
    found = sd.implicit("x^2 + y^2 + z^2 = 1; x + y + z = 0", "y,z")
    assert [str(found.of(v)) for v in ("y", "z")] == [str(found.results[0][0]), str(found.results[0][1])]


@pytest.mark.parametrize("equation, order", [("x^3 + y^3 = 6*x*y", 2), ("exp(x*y) = x + y", 2),
                                             ("y^2 = x^3 - x", 3)])
def test_implicit_diff_matches_idiff_on_the_curve(equation, order):
    import mpmath
    x, y = sympy.symbols("x y")
    lhs, rhs = (sympy.sympify(side.replace("^", "**")) for side in equation.split("="))
    x0 = 1.7
    y0 = float(mpmath.findroot(sympy.lambdify(y, (lhs - rhs).subs(x, x0), "mpmath"), 1.5))
    ours = sd.implicit_diff(equation, "y", "x", order=order)
    theirs = sympy.idiff(lhs - rhs, y, x, order)
    assert float(sd.evaluate(ours, {"x": x0, "y": y0})) == pytest.approx(float(theirs.subs({x: x0, y: y0})))


def test_implicit_on_the_command_line(capsys):
    # the variable is the one other symbol when --wrt is not given: x as a function of y
    assert run(capsys, "x^2 + y^2 = 1", "--implicit", "x") == (EXIT_OK, "dx/dy = -y/x\n", "")
    assert run(capsys, "x^2 + y^2 = 1", "--implicit", "y") == (EXIT_OK, "dy/dx = -x/y\n", "")
    assert run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "-n", "2", "-l") == \
        (EXIT_OK, "\\frac{d^{2}y}{dx^{2}} = -\\frac{1}{y^{3}}\n", "")
    status, out, _ = run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "--steps")
    assert status == EXIT_OK and "collect the terms in y'(x)" in out
    assert out.splitlines()[-1].startswith("dy/dx = -x/y ")
    status, out, _ = run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "-f", "json")
    record = json.loads(out)
    assert record["derivatives"] == [{"of": "y", "order": 1, "name": "dy/dx", "result": "-x/y",
                                      "latex": "-\\frac{x}{y}"}] and record["steps"]
    # in t: the variable is the one other symbol
    assert run(capsys, "t^2 + u^2 = 4", "--implicit", "u") == (EXIT_OK, "du/dt = -t/u\n", "")


def test_implicit_at_a_point_checks_it_is_on_the_curve(capsys):
    assert run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "--at", "x=3/5,y=4/5") == (EXIT_OK, "dy/dx = -3/4\n", "")
    status, out, err = run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "--at", "x=1,y=1")
    assert (status, out) == (EXIT_USAGE, "") and "is not on x^2 + y^2 = 1" in err
    status, out, err = run(capsys, "x^2 + y^2 = 1", "--implicit", "y", "--at", "x=1,y=0")
    assert (status, out) == (EXIT_USAGE, "") and "vertical" in err


@pytest.mark.parametrize("arguments, message", [
    (["x^2 + y^2 = 1", "--implicit", "x", "--wrt", "x"], "cannot be both"),
    (["x^2 + y^2 = 1", "--implicit", "z"], "does not occur"),
    (["x^2 + y^2 = 1; x = y", "--implicit", "y"], "2 equations need 2 dependent variables"),
    (["x^2 + y^2 = 1", "--implicit", "y", "--grad"], "--implicit cannot be combined with --grad"),
    (["x^2 + y^2 = 1", "--implicit", "y", "-f", "sympy"], "shown as text, latex or json"),
    (["x^2 + y^2 = ", "--implicit", "y"], "unexpected end"),
])
def test_implicit_refusals_are_one_line(capsys, arguments, message):
    status, out, err = run(capsys, *arguments)
    assert (status, out) == (EXIT_USAGE, "") and message in err.splitlines()[0]


# ---- compare --------------------------------------------------------------------------------------------------

def test_compare_says_right_or_wrong_with_exit_status(capsys):
    status, out, _ = run(capsys, "x^2*sin(x)", "--wrt", "x", "--compare", "2x sin x + x^2 cos x")
    assert status == EXIT_OK and out.startswith("right:")
    status, out, _ = run(capsys, "x^2*sin(x)", "--compare", "2x sin x")
    assert status == EXIT_WRONG and out.startswith("wrong: the derivative is x^2*cos(x) + 2*x*sin(x)")
    assert "at x = 1" in out
    status, out, _ = run(capsys, "x^3", "-n", "2", "--compare", "6x", "-f", "json")
    assert status == EXIT_OK and json.loads(out)["verdict"] in ("equal", "EQUAL")
    status, out, err = run(capsys, "x^2", "--compare", "2x +")
    assert (status, out) == (EXIT_USAGE, "")
    # d/dx in the text asks for the derivative
    assert run(capsys, "d/dx x^2", "--compare", "2x")[0] == EXIT_OK


def test_compare_api_is_honest_about_domains():
    assert sd.compare("log(x^2)", "2/x").right
    found = sd.compare("x^2*sin(x)", "2*x*sin(x)")
    assert not found and found.point == {"x": sd.Integer(1)}


# ---- tangent and normal ---------------------------------------------------------------------------------------

def test_tangent_and_normal(capsys):
    assert str(sd.tangent("x^2", x=1)) == "y = 2*x - 1"
    assert str(sd.tangent("x^2", "x=1")) == str(sd.tangent("x^2", {"x": 1}))
    assert str(sd.normal("x^2", x=0)) == "x = 0"
    assert str(sd.tangent("x^2 + y^2", x=1, y=2)) == "z = 2*x + 4*y - 5"
    assert run(capsys, "x^2", "--tangent", "x=1") == (EXIT_OK, "y = 2*x - 1\n", "")
    assert run(capsys, "x^2", "--normal", "x=1", "-l") == (EXIT_OK, "y = \\frac{3}{2} - \\frac{x}{2}\n", "")
    status, out, _ = run(capsys, "sin(x)", "--tangent", "x=pi", "-f", "json")
    assert status == EXIT_OK and json.loads(out)["equation"] == "y = pi - x"


@pytest.mark.parametrize("expr, point", [("abs(x)", "x=0"), ("x^(3/2)", "x=0"), ("floor(x)", "x=1"),
                                         ("cbrt(x)", "x=0")])
def test_no_tangent_where_there_is_no_derivative(capsys, expr, point):
    status, out, err = run(capsys, expr, "--tangent", point)
    assert (status, out) == (EXIT_USAGE, "") and "not differentiable" in err
    with pytest.raises(sd.EvaluationError) as refused:
        sd.tangent(expr, point)
    assert refused.value.reason is sd.Reason.NOT_DIFFERENTIABLE


def test_the_same_judge_for_at_limit_and_tangent(capsys):
    """Item 7: --at, --limit and --tangent refuse the same points, from check_differentiable."""
    for options in (["--at", "x=0"], ["--limit", "x=0"], ["--tangent", "x=0"]):
        status, out, err = run(capsys, "x^(3/2)", *options)
        assert (status, out) == (EXIT_USAGE, "") and "x^(3/2) is not differentiable where x = 0" in err, options


@pytest.mark.parametrize("expr, point, order, expected", [
    ("x^3", {"x": 2}, 1, "12"), ("x^3", {"x": 2}, 2, "12"), ("sin(x)", {"x": "pi/4"}, 1, "sqrt(2)/2"),
    ("x*abs(x) + x", {"x": 1}, 2, "2"), ("x^2*y^3", {"x": 1, "y": 2}, 0, "8"),
])
def test_derivative_at_is_the_value_of_the_derivative(expr, point, order, expected):
    names = [n for n in point] if len(point) == 1 else ["x"]
    assert sd.derivative_at(expr, point, *names, order=order) is sd.parse(expected)


@pytest.mark.parametrize("expr, point, order", [("abs(x)", "x=0", 1), ("x*abs(x)", "x=0", 2),
                                                ("floor(x)", "x=3", 1), ("x^(3/2)", "x=0", 1),
                                                ("max(x, 1 - x)", "x=1/2", 1)])
def test_derivative_at_refuses_where_there_is_no_derivative(expr, point, order):
    """Item 7 in Python: evaluate(diff(f)) evaluates the derivative's formula (sign(0) = 0 for abs), which
    cannot know it came from a kink; derivative_at asks check_differentiable first, as --at does."""
    with pytest.raises(sd.EvaluationError) as refused:
        sd.derivative_at(expr, point, order=order)
    assert refused.value.reason is sd.Reason.NOT_DIFFERENTIABLE


def test_plot_draws_the_normal(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "normal.svg"
    status, out, err = run(capsys, "x^2", "--normal", "x=0", "--plot", str(path))
    assert status == EXIT_OK and out == "x = 0\n" and path.stat().st_size > 1000 and "normal line" in err
    drawn = sd.plot_tangent("x^3", "x", 1, tmp_path / "both.png", normal=True)
    assert any(label.startswith("normal") for label in drawn.series)


# ---- directional and along a path -----------------------------------------------------------------------------

def test_directional_derivative_api_and_cli(capsys):
    found = sd.directional_derivative("x^2 + y^2", "3,4")
    assert str(found.result) == "6*x/5 + 8*y/5" or sd.equals(found.result, "(6*x + 8*y)/5")
    assert "unit vector" in found.text()
    assert not sd.directional_derivative("x*y", [1, 1], unit=False).unit
    status, out, _ = run(capsys, "x^2*y", "--direction", "1,2", "--at", "x=1,y=1")
    assert (status, out) == (EXIT_OK, "4*sqrt(5)/5\n")
    status, out, _ = run(capsys, "x^2*y", "--direction", "1,2")
    assert status == EXIT_OK and "along the unit vector" in out


def test_derivative_along_a_path(capsys):
    found = sd.derivative_along("x^2*y", "x=cos(t), y=sin(t)")
    assert_matches_sympy(found.result, sympy.diff(sympy.cos(sympy.Symbol("t", real=True))**2
                                                  * sympy.sin(sympy.Symbol("t", real=True)),
                                                  sympy.Symbol("t", real=True)))
    status, out, _ = run(capsys, "x*y", "--along", "x=s^2, y=s", "--wrt", "s")
    assert (status, out) == (EXIT_OK, "3*s^2\n")


# ---- Taylor -----------------------------------------------------------------------------------------------------

def test_taylor_api_and_cli(capsys):
    assert str(sd.taylor("exp(x)", order=3)) == "1 + x + x^2/2 + x^3/6 + O(x^4)"  # at 0 in the only variable
    assert sd.taylor("sin(x)", "x=pi/4", order=2).polynomial is sd.taylor("sin(x)", {"x": sd.pi/4}, 2).polynomial
    assert run(capsys, "exp(sin(x))", "--taylor", "x=0") == (EXIT_OK, "1 + x + x^2/2 - x^4/8 - x^5/15 + O(x^6)\n", "")
    status, out, _ = run(capsys, "exp(sin(x))", "--taylor", "x=0", "-n", "4", "--steps")
    assert status == EXIT_OK and "k = 4: f^(4)(0) = -3, / 4! = -1/8: -x^4/8" in out
    status, out, _ = run(capsys, "cos(x)", "--taylor", "x=0", "-n", "2", "--steps", "-f", "json")
    assert json.loads(out)["steps"][2] == {"degree": 2, "derivative": "-1", "coefficient": "-1/2", "term": "-x^2/2"}
    status, out, err = run(capsys, "log(x)", "--taylor", "x=0")
    assert (status, out) == (EXIT_USAGE, "") and "log(x) is undefined at x = 0" in err


def test_taylor_steps_derivatives_match_sympy():
    x = sympy.Symbol("x")
    found = sd.taylor("exp(x)*sin(x)", x=1, order=4).steps()
    for row in found.rows:
        expected = sympy.diff(sympy.exp(x) * sympy.sin(x), x, row.degree).subs(x, 1)
        assert sd.evaluate(row.derivative, {}, exact=False) == pytest.approx(float(expected))


# ---- steps for everything -------------------------------------------------------------------------------------

def test_steps_of_a_higher_order_carry_the_simplified_result_forward(capsys):
    found = sd.steps("x^2*sin(x)", order=2)
    assert isinstance(found, sd.api.calculus.Derivations)
    assert found.derivations[1].expression is found.derivations[0].result
    assert found.result is sd.diff("x^2*sin(x)", order=2)
    status, out, _ = run(capsys, "x^3", "--steps", "-n", "3")
    titles = [line for line in out.splitlines() if line.endswith(":")]
    assert status == EXIT_OK and titles == ["d/dx:", "d^2/dx^2:", "d^3/dx^3:"] and "d/dx [6*x]" in out


def test_steps_of_a_mixed_partial_and_a_gradient(capsys):
    mixed = sd.steps("x^2*y^3", "x,y")
    assert mixed.result is sd.diff("x^2*y^3", "x", "y") and mixed.titles()[-1] == "d^2/dydx"
    assert "\\frac{\\partial^{2}}{\\partial y \\partial x}" in mixed.latex()
    gradient = sd.steps("x^2*y + sin(y)", each=True)
    assert gradient.results == list(sd.gradient("x^2*y + sin(y)"))
    status, out, _ = run(capsys, "x^2*y + sin(y)", "--grad", "--steps", "-f", "json")
    record = json.loads(out)
    assert status == EXIT_OK and [d["title"] for d in record["derivations"]] == ["d/dx", "d/dy"]
    assert record["results"] == [str(c) for c in sd.gradient("x^2*y + sin(y)")]
    status, out, err = run(capsys, "x*y", "--hessian", "--steps")
    assert status == EXIT_USAGE and "--steps cannot be combined with --hessian" in err
