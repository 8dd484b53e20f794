"""SymPy in and out everywhere (issue 17, item 2): every public function that takes an expression or a variable
takes a SymPy expression or Symbol too (converted by from_sympy where inputs are read, never through text);
`sympy.sympify(expr)` and SymPy's operators work on symdiff expressions (Expr._sympy_); in mixed arithmetic the
left operand decides; NumPy scalars are numbers wherever numbers are taken."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, given, settings

import symdiff as sd
from oracle import assert_matches_sympy
from strategies import expressions
from symdiff.core.expr import Num

numpy = pytest.importorskip("numpy")

X, Y, Z = sympy.symbols("x y z")
x, y, z = sd.symbols("x y z")


# ---- out: sympify and SymPy's operators -----------------------------------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_sympify_round_trips(expr):
    """sympify goes through Expr._sympy_ (to_sympy, exact); with SymPy's evaluation off the conversion alone is
    tested and gives the expression back; with it on, converting what SymPy made of it again changes nothing."""
    converted = sympy.sympify(expr)
    assert converted == sd.to_sympy(expr)
    with sympy.evaluate(False):
        assert sd.from_sympy(sympy.sympify(expr)) is expr
    try:
        back = sd.from_sympy(converted)
    except sd.ConversionError:  # SymPy folded a division by a zero part into zoo
        assert converted.has(sympy.zoo, sympy.nan, sympy.oo, sympy.S.NegativeInfinity, sympy.I)
        return
    assert sd.from_sympy(sympy.sympify(back)) is back


def test_sympify_of_an_expression_is_its_sympy_form():
    f = x**2 * sd.sin(y) + sd.Rational(1, 3)
    assert sympy.sympify(f) == X**2 * sympy.sin(Y) + sympy.Rational(1, 3)
    assert sympy.S(f) == sympy.sympify(f)
    assert sympy.diff(f, X) == 2 * X * sympy.sin(Y)  # SymPy's own functions take symdiff expressions
    assert sympy.simplify(sd.sin(x)**2 + sd.cos(x)**2) == 1
    assert sd.from_sympy(f) is f  # a symdiff expression is returned as it is


def test_the_left_operand_decides_mixed_arithmetic():
    f = x**2 * sd.sin(y)
    for result, theirs in [(f + X, X**2 * sympy.sin(Y) + X), (f * Z, X**2 * sympy.sin(Y) * Z),
                           (f - X, X**2 * sympy.sin(Y) - X), (f / X, X * sympy.sin(Y)), (x ** Y, X**Y)]:
        assert isinstance(result, sd.Expr)  # symdiff's method ran, converting the SymPy operand
        assert sympy.simplify(sd.to_sympy(result) - theirs) == 0
    for result, theirs in [(X + f, X**2 * sympy.sin(Y) + X), (Z * f, X**2 * sympy.sin(Y) * Z),
                           (X - f, X - X**2 * sympy.sin(Y)), (X / f, 1 / (X * sympy.sin(Y))), (Y ** x, Y**X),
                           (sympy.Integer(2) * x, 2 * X), (sympy.Rational(1, 2) + x, X + sympy.Rational(1, 2))]:
        assert isinstance(result, sympy.Basic)  # SymPy's method ran, converting symdiff's through _sympy_
        assert sympy.simplify(result - theirs) == 0


def test_sympy_operands_are_converted_exactly():
    assert x + X is x + x
    assert x * sympy.Rational(2, 3) is x * Fraction(2, 3)
    assert sd.sin(x) + sympy.cos(X) is sd.parse("sin(x) + cos(x)")
    assert x + sympy.Function("f")(X) is sd.parse("x + f(x)")
    with pytest.raises(sd.ConversionError):
        x + sympy.I
    with pytest.raises(sd.ConversionError):
        x * sympy.oo
    with pytest.raises(sd.ConversionError):
        x + sympy.Symbol("sin")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, expressions)
def test_sympy_operands_agree_with_sympy(a, b):
    theirs = sd.to_sympy(b, real=True)
    try:
        ours = a * theirs + theirs
    except (sd.ConversionError, sd.UndefinedError):
        return  # SymPy made zoo of a literal division by a zero part
    assert isinstance(ours, sd.Expr)
    try:
        assert_matches_sympy(ours, sd.to_sympy(a, real=True) * theirs + theirs, names=("x", "y"))
    except AssertionError as error:
        if "no point" not in str(error):
            raise


# ---- in: every API function takes SymPy's expressions and symbols --------------------------------------------

F = X**2 * sympy.sin(Y)
f = sd.parse("x^2*sin(y)")


def test_diff_and_simplify_take_sympy():
    assert sd.diff(F, X) is sd.diff(f, "x")
    assert sd.diff(F, X, Y) is sd.diff(f, "x", "y")
    assert sd.diff(F, X, order=2) is sd.diff(f, "x", order=2)
    assert sd.diff(sympy.sin(X)) is sd.parse("cos(x)")  # the only free symbol
    assert sd.diff("x^2*y", Y) is sd.parse("x^2")  # text, with a SymPy variable
    assert f.diff(X) is sd.diff(f, "x")
    assert sd.simplify(X * X + 3 * X**2) is sd.parse("4*x^2")
    assert sd.simplify(sympy.Mul(X, X, evaluate=False)) is sd.parse("x^2")


def test_printers_take_sympy():
    assert sd.text(F) == "x^2*sin(y)"
    assert sd.latex(F) == sd.latex(f)
    assert sd.sympy_code(F) == sd.sympy_code(f)
    assert sd.to_sympy(F) == F


def test_gradient_jacobian_hessian_take_sympy():
    assert sd.gradient(F, [X, Y]) == sd.gradient(f, "x,y")
    assert sd.gradient(F, X) == sd.gradient(f, "x")
    assert sd.gradient(F) == sd.gradient(f)
    assert sd.jacobian([F, X + Y], [X, Y]) == sd.jacobian([f, "x + y"], "x,y")
    assert sd.jacobian(sympy.Matrix([F, X + Y]), (X, Y)) == sd.jacobian([f, "x + y"], "x,y")
    assert sd.jacobian(F, sympy.Matrix([X, Y])) == sd.jacobian([f], "x,y")
    assert sd.hessian(F, [X, Y]) == sd.hessian(f, "x,y")
    assert sd.cse([F, sympy.sin(Y) + 1]) == sd.cse([f, sd.from_sympy(sympy.sin(Y) + 1)])
    assert sd.cse(sympy.Matrix([F, sympy.sin(Y)])) == sd.cse([f, "sin(y)"])


def test_steps_take_sympy():
    assert sd.steps(F, X).text() == sd.steps(f, "x").text()


def test_evaluate_takes_sympy_expressions_symbols_and_values():
    assert sd.evaluate(F, {X: 2, Y: sympy.pi / 2}) is Num(4)
    assert sd.evaluate(F, {"x": sympy.Rational(1, 2), "y": sympy.pi / 6}) is sd.Rational(1, 8)
    assert sd.evaluate(f, {x: numpy.int64(2), y: sympy.pi / 2}) is Num(4)  # NumPy's integers stay exact
    assert sd.evaluate(f, {x: numpy.float64(2.0), y: sympy.pi / 2}) == 4.0
    assert f.evaluate({X: 3}, y=sympy.pi / 2) is Num(9)
    with pytest.raises(sd.ConversionError):
        sd.evaluate(F, {X: sympy.I, Y: 1})
    with pytest.raises(sd.UsageError):
        sd.evaluate(F, {X: numpy.float64("nan"), Y: 1})
    with pytest.raises(sd.UsageError):
        sd.evaluate(F, {X: numpy.bool_(True), Y: 1})
    with pytest.raises(sd.UsageError):
        sd.evaluate(F, {X + 1: 1})


def test_check_differentiable_and_limit_table_take_sympy():
    sd.check_differentiable(sympy.Abs(X), {"x": 1})
    with pytest.raises(sd.EvaluationError):
        sd.check_differentiable(sympy.Abs(X), {"x": 0})
    table = sd.limit_table(X**2, X, at=sympy.Integer(1))
    assert table.derivative == sd.limit_table("x^2", "x", at=1).derivative


def test_lambdify_takes_sympy():
    function = sd.lambdify(F, [X, Y])
    assert function.variables == ("x", "y") or list(function.variables) == ["x", "y"]
    assert function(2.0, 0.5) == pytest.approx(4 * 0.479425538604203)
    assert sd.lambdify([F, X + Y], "x,y")(1.0, 2.0)[1] == 3.0
    assert f.compile(X, Y)(2.0, 0.5) == pytest.approx(function(2.0, 0.5))
    assert function(numpy.float64(2.0), numpy.float32(0.5)) == pytest.approx(function(2.0, 0.5))


def test_check_takes_sympy():
    result = sd.check(sympy.atan(X) / X, X)
    assert result.agree
    assert sd.check(F, X, Y).agree


def test_what_symdiff_cannot_represent_is_a_conversion_error_everywhere():
    for call in (lambda: sd.diff(sympy.I * X, X), lambda: sd.latex(sympy.zeta(X)), lambda: sd.gradient(sympy.oo),
                 lambda: sd.diff(F, sympy.Symbol("pi")), lambda: sd.evaluate(sympy.Integral(X, X), {X: 1})):
        with pytest.raises(sd.ConversionError):
            call()
    with pytest.raises(sd.UsageError):
        sd.diff(F, X + 1)  # not a variable


def test_objects_that_convert_themselves_to_sympy_are_taken():
    class Quantity:
        def _sympy_(self):
            return X**3

    assert sd.diff(Quantity(), X) is sd.parse("3*x^2")
    assert x + Quantity() is sd.parse("x + x^3")


def test_sympy_is_loaded_only_when_a_sympy_object_is_given():
    code = ("import sys, symdiff as sd\n"
            "x, y = sd.symbols('x y')\n"
            "f = x**2 * sd.sin(y) / (1 + x)\n"
            "print(sd.latex(f.diff(x)), f.equals(f), f.subs({x: 1}))\n"
            "print(any(m == 'sympy' or m.startswith('sympy.') for m in sys.modules))\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "False"


def test_sympy_inputs_are_within_the_budget():
    with pytest.raises(sd.BudgetError):
        sd.diff(sympy.Add(*[X**i for i in range(50)]), X, budget=sd.Budget(max_size=20))
    with pytest.raises(sd.BudgetError):
        sd.text(sympy.Integer(10) ** 5000)
