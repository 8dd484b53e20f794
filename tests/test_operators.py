"""Expressions built in Python (issue 17, item 1): the operators of Expr, the constructors of
symdiff.api.constructors (symbols, Symbol, Integer, Rational, Float, pi, E, one per function of the registry),
subs, equals, operands; the refusals (nan, inf, division by zero, huge results) as SymdiffErrors; and building
from several threads at once.

Operators are compared with SymPy at random points over random expressions and random operand types, and
structurally with the builders of symdiff.core.build and with the parser (the same node for the same text)."""

from __future__ import annotations

import builtins
import math
import threading
import time
from fractions import Fraction

import pytest
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symdiff as sd
from oracle import numeric_mismatch
from strategies import expressions
from threads import build_in_threads
from symdiff import functions
from symdiff.core.build import add, div, mul, neg, number, power, sub
from symdiff.core.expr import Const, Float, Func, Num, Sym
from symdiff.functions.shorthands import SHORTHANDS

numpy = pytest.importorskip("numpy")

x, y, z = sd.symbols("x y z")


# ---- operators against SymPy ---------------------------------------------------------------------------------

# (symdiff's operator, its builder, SymPy's operator)
OPERATIONS = {
    "+": (lambda a, b: a + b, add),
    "-": (lambda a, b: a - b, sub),
    "*": (lambda a, b: a * b, mul),
    "/": (lambda a, b: a / b, div),
    "**": (lambda a, b: a ** b, power),
}

# Operands of every kind the operators take, each with the node it stands for.
NUMBERS = st.one_of(
    st.integers(-40, 40).map(lambda n: (n, Num(n))),
    st.fractions(Fraction(-7), Fraction(7), max_denominator=9).map(lambda q: (q, number(q))),
    st.floats(-50, 50, allow_nan=False, allow_infinity=False).map(lambda f: (f, Float(f))),
    st.integers(-40, 40).map(lambda n: (numpy.int64(n), Num(n))),
    st.integers(-40, 40).map(lambda n: (numpy.int32(n), Num(n))),
    st.floats(-50, 50, allow_nan=False, allow_infinity=False, width=32).map(
        lambda f: (numpy.float32(f), Float(float(numpy.float32(f))))),
    st.floats(-50, 50, allow_nan=False, allow_infinity=False).map(lambda f: (numpy.float64(f), Float(f))),
    st.tuples(st.integers(-9, 9), st.integers(1, 9)).map(
        lambda pq: (sympy.Rational(*pq), number(Fraction(*pq)))),
)


def _operand(kind: str, expr, number_operand):
    """(the operand as given, the node it stands for): a number; an expression as such; or as a SymPy
    expression, which stands for what from_sympy makes of it (SymPy evaluates x + x to 2*x); None if SymPy made
    it something symdiff has no equivalent of (zoo)."""
    if kind == "number":
        return number_operand
    if kind == "expr":
        return expr, expr
    converted = sd.to_sympy(expr, real=True)
    try:
        return converted, sd.from_sympy(converted)
    except sd.ConversionError:
        return None


def _sympy_side(node):
    return sd.to_sympy(node, real=True)


def _compare(ours, theirs):
    """Values at random real points where both are real (the operators' nodes are checked structurally; this
    checks what they mean, not the libraries' branch cuts: acsch(asech(y)) at y > 1 lies on one)."""
    if theirs.has(sympy.zoo, sympy.oo, sympy.nan, sympy.S.NegativeInfinity):
        return  # SymPy folded a part to infinity (cot(asech(x/x)) = cot(0)): no values to compare
    try:
        mismatch = numeric_mismatch(ours, theirs, names=("x", "y"), points=4, low=-2.0, high=2.0, attempts=40,
                                    real_only=True)
    except AssertionError:  # no point where both are finite (e.g. log of a negative constant over the reals)
        assume(False)
        return
    assert mismatch is None, f"{ours} vs {theirs}: {mismatch}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(expressions, st.sampled_from(["number", "expr", "sympy"]), expressions, NUMBERS,
       st.sampled_from(sorted(OPERATIONS)), st.booleans())
def test_operators_match_the_builders_and_sympy(expr, kind, other, number_operand, operation, reflected):
    """expr (op) operand, and operand (op) expr through the reflected method, for operands of every kind: the
    node the builder gives for the converted operand, and the value SymPy gives at random points."""
    operand = _operand(kind, other, number_operand)
    assume(operand is not None)
    given_operand, node = operand
    apply, build = OPERATIONS[operation]
    if reflected and isinstance(given_operand, sympy.Basic):
        reflected = False  # SymPy's own operator would run: the left operand decides (test_sympy_in_out.py)
    if reflected and operation == "**" and isinstance(given_operand, Fraction):
        reflected = False  # Fraction.__pow__ turns itself into a float for any exponent it does not know
    left, right = (given_operand, expr) if reflected else (expr, given_operand)
    left_node, right_node = (node, expr) if reflected else (expr, node)
    try:
        expected = build(left_node, right_node)
    except ZeroDivisionError:
        with pytest.raises(sd.UndefinedError) as refused:
            apply(left, right)
        assert refused.value.reason is sd.Reason.DIVISION_BY_ZERO
        return
    result = apply(left, right)
    assert isinstance(result, sd.Expr)
    assert result is expected
    theirs = _sympy_side(left_node).__getattribute__(
        {"+": "__add__", "-": "__sub__", "*": "__mul__", "/": "__truediv__", "**": "__pow__"}[operation])(
        _sympy_side(right_node))
    if theirs.has(sympy.zoo, sympy.oo, sympy.nan, sympy.S.NegativeInfinity):
        return  # SymPy folded a literal division by a zero part (1/(x - x)): no values to compare
    _compare(result, theirs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, st.booleans())
def test_unary_operators(expr, plus):
    if plus:
        assert +expr is expr
    else:
        assert -expr is neg(expr)
        _compare(-expr, -_sympy_side(expr))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, expressions, st.sampled_from(["+", "-", "*", "/", "^"]))
def test_operators_give_the_node_the_parser_gives_for_the_same_text(a, b, operation):
    python = {"^": "**"}.get(operation, operation)
    text = f"({sd.text(a)}) {operation} ({sd.text(b)})"
    try:
        parsed = sd.parse(text)
    except sd.ParseError:  # 0^-1 and the like, refused by both
        with pytest.raises(sd.SymdiffError):
            OPERATIONS[python][0](a, b)
        return
    assert OPERATIONS[python][0](a, b) is parsed, text


@pytest.mark.parametrize("built, text", [
    (lambda: x**2 * sd.sin(y), "x^2*sin(y)"),
    (lambda: 3*x**2 - 4*x + 1, "3*x^2 - 4*x + 1"),
    (lambda: (x + 1)/(x - 1), "(x + 1)/(x - 1)"),
    (lambda: 1/x, "1/x"),
    (lambda: x/2, "x/2"),
    (lambda: 2**x, "2^x"),
    (lambda: x**-1, "x^-1"),
    (lambda: (x*y)**-1, "1/(x*y)"),
    (lambda: -x, "-x"),
    (lambda: -(x - y), "-(x - y)"),
    (lambda: x - 1, "x - 1"),
    (lambda: x**sd.Rational(1, 2), "x^(1/2)"),
    (lambda: x * 0.5, "x*0.5"),
    (lambda: sd.E**x, "e^x"),
    (lambda: sd.pi*x, "pi*x"),
    (lambda: abs(x - 1), "abs(x - 1)"),
    (lambda: Fraction(2, 3) * x, "2/3*x"),
])
def test_examples_give_the_parsed_node(built, text):
    assert built() is sd.parse(text)


def test_numbers_of_every_kind_as_operands():
    assert x + 2 is sd.parse("x + 2")
    assert x + Fraction(1, 2) is add(x, Num(Fraction(1, 2)))
    assert x + 0.25 is add(x, Float(0.25))
    assert x + numpy.int64(3) is x + 3  # NumPy's integers stay exact
    assert numpy.int64(3) + x is 3 + x
    assert x * numpy.float64(2.5) is x * 2.5
    assert numpy.float64(2.5) * x is 2.5 * x  # NumPy's scalar defers to Expr.__rmul__
    assert numpy.float32(0.5) * x is 0.5 * x
    assert x ** numpy.int8(2) is x ** 2
    assert x + sympy.Integer(2) is x + 2
    assert x + sympy.Rational(1, 3) is x + Fraction(1, 3)
    assert x + sympy.Float(0.5) is x + 0.5
    assert x + sympy.pi is x + sd.pi
    from decimal import Decimal
    assert x + Decimal("0.5") is x + 0.5


@pytest.mark.parametrize("operand", [True, numpy.bool_(True), "y", b"y", None, [1], object()],
                         ids=lambda o: type(o).__name__)
def test_what_is_no_number_is_a_type_error(operand):
    """As for any Python type: NotImplemented, then TypeError (text is parsed by sd.parse, not by operators)."""
    with pytest.raises(TypeError):
        x + operand
    with pytest.raises(TypeError):
        operand * x


def test_numpy_arrays_broadcast_over_expressions():
    """An array is no operand of Expr: Expr returns NotImplemented and NumPy applies the operator elementwise."""
    result = numpy.array([1, 2]) * x
    assert [entry for entry in result] == [x, 2*x]
    result = x + numpy.array([1, 2])
    assert [entry for entry in result] == [x + 1, x + 2]


# ---- refusals -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, numpy.float64("nan"), numpy.float32("inf"),
                                   numpy.float64("-inf")], ids=repr)
def test_nan_and_inf_are_usage_errors(value):
    for operation in (lambda: x + value, lambda: value + x, lambda: x * value, lambda: x ** value,
                      lambda: value / x, lambda: sd.sin(value), lambda: sd.Float(value)):
        with pytest.raises(sd.UsageError) as refused:
            operation()
        assert refused.value.reason in (sd.Reason.NOT_REAL, sd.Reason.OVERFLOW)


@pytest.mark.parametrize("value", [1j, complex(1, 0), numpy.complex128(1 + 2j)], ids=repr)
def test_complex_numbers_are_usage_errors(value):
    with pytest.raises(sd.UsageError):
        x + value
    with pytest.raises(sd.UsageError):
        value * x


@pytest.mark.parametrize("operation", [
    lambda: x / 0, lambda: x / 0.0, lambda: 1 / sd.Integer(0), lambda: sd.Integer(0) ** -1,
    lambda: x / Fraction(0),
    lambda: sd.Rational(1, 0), lambda: sd.root(x, 0), lambda: (1/x).subs(x, 0), lambda: x / numpy.int64(0),
    lambda: x / sympy.Integer(0),
], ids=["x/0", "x/0.0", "1/Integer(0)", "Integer(0)**-1", "x/Fraction(0)", "Rational(1, 0)", "root(x, 0)",
        "subs", "numpy", "sympy"])
def test_division_by_an_exact_zero_is_an_undefined_error(operation):
    with pytest.raises(sd.UndefinedError) as refused:
        operation()
    assert refused.value.reason is sd.Reason.DIVISION_BY_ZERO
    assert not isinstance(refused.value, ZeroDivisionError)


def test_zero_to_a_negative_power_other_than_minus_one_stays_a_power_as_parsed():
    assert sd.Integer(0) ** -2 is sd.parse("0^-2")
    with pytest.raises(sd.UndefinedError):
        sd.simplify(sd.Integer(0) ** -2)


def test_huge_powers_are_built_at_once_and_never_expanded():
    start = time.monotonic()
    assert (x ** 10**9) is sd.parse("x^1000000000")
    assert str(sd.Integer(2) ** 10**9) == "2^1000000000"
    assert str(sd.diff((x + 1) ** 10**9, x)) == "1000000000*(x + 1)^999999999"
    assert time.monotonic() - start < 5


def test_numbers_over_the_budget_are_budget_errors():
    with pytest.raises(sd.BudgetError):
        x ** 10**5000
    with pytest.raises(sd.BudgetError):
        x + 10**5000
    with pytest.raises(sd.BudgetError):
        sd.Integer(10**2500) * sd.Integer(10**2500)
    with pytest.raises(sd.BudgetError):
        sd.Rational(1, 10**5000)
    with pytest.raises(sd.BudgetError):
        sd.Integer("9" * 5000)


def test_results_over_max_size_are_budget_errors_at_once():
    """Repeated squaring doubles the size as a tree (the DAG stays small): refused past max_size, in
    milliseconds, with nothing huge built or printed."""
    start = time.monotonic()
    e = x
    with pytest.raises(sd.BudgetError, match="too large"):
        for _ in range(200):
            e = e * e + e
    assert time.monotonic() - start < 5
    with sd.budget.use(max_size=10):
        with pytest.raises(sd.BudgetError):
            (x + y) * (x - y) * sd.sin(x + y)
        with pytest.raises(sd.BudgetError):
            sd.sin(x + y + z + x * y + y * z + 1)
    assert (x + y) * (x - y) * sd.sin(x + y) is sd.parse("(x + y)*(x - y)*sin(x + y)")
    with pytest.raises(sd.BudgetError):  # e is within max_size, but not twice
        (x + y + z).subs({x: e, y: e})


def test_long_sums_built_term_by_term_stay_fast():
    start = time.monotonic()
    total = 0
    for i in range(1, 1001):
        total = total + i * x ** i
    assert len(total.operands) == 1000
    assert total is sd.parse(" + ".join(f"{i}*x^{i}" for i in range(1, 1001)))
    assert time.monotonic() - start < 10


# ---- constructors --------------------------------------------------------------------------------------------

def test_symbols():
    assert sd.symbols("x y") == (Sym("x"), Sym("y"))
    assert sd.symbols("x,y") == sd.symbols("x, y") == sd.symbols(" x  y ") == (Sym("x"), Sym("y"))
    assert sd.symbols("x") is Sym("x")
    assert sd.symbols("x,") == (Sym("x"),)
    assert sd.symbols("alpha x_1 gamma") == (Sym("alpha"), Sym("x_1"), Sym("gamma"))
    assert sd.Symbol("t") is Sym("t")
    assert sd.Symbol(sympy.Symbol("t")) is Sym("t")


@pytest.mark.parametrize("name", ["sin", "pi", "e", "E", "sqrt", "1x", "", "x-1", "ln", "x y"])
def test_names_of_functions_and_constants_are_no_symbols(name):
    with pytest.raises(sd.UsageError):
        sd.Symbol(name)
    if name != "x y":
        with pytest.raises(sd.UsageError):
            sd.symbols(name)
    if name not in ("x y", ""):
        with pytest.raises(sd.UsageError):
            sd.symbols(f"x, {name}, y")


def test_symbols_take_text():
    with pytest.raises(sd.UsageError):
        sd.symbols(["x", "y"])


def _arguments(count: int):
    return [x, y, z, x + 1, y * 2][:count]


ROWS = functions.rows()


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.name}/{r.arity}")
def test_one_constructor_per_row_gives_the_parsed_call(row):
    arguments = _arguments(row.arity)
    text = f"{row.name}({', '.join(map(sd.text, arguments))})"
    assert getattr(sd, row.name)(*arguments) is sd.parse(text)
    for alias in row.aliases:
        assert getattr(sd, alias)(*arguments) is sd.parse(text)


def test_every_known_name_has_a_constructor_with_its_own_name_and_docstring():
    for name in functions.KNOWN_NAMES:
        constructor = getattr(sd, name)
        assert constructor.__name__ == name and constructor.__doc__
        assert getattr(sd.api, name) is constructor


def test_shorthands_and_nested_arguments():
    assert sd.sqrt(x) is sd.parse("sqrt(x)") is x ** sd.Rational(1, 2)
    assert sd.root(x, 3) is sd.parse("root(x, 3)")
    assert sd.softmax(x, y, z) is sd.parse("softmax(x, y, z)")
    assert sd.max(x, y, z) is sd.parse("max(x, y, z)") is sd.max(sd.max(x, y), z)
    assert sd.min(1, x, 2.5) is sd.parse("min(1, x, 2.5)")
    assert sd.log(x, 2) is sd.parse("log(x, 2)")
    assert sd.log(x) is sd.ln(x) is sd.parse("log(x)")
    assert sd.sin(1) is sd.parse("sin(1)")
    assert sd.exp(sympy.Symbol("x")) is sd.parse("exp(x)")
    assert set(SHORTHANDS) <= set(dir(sd.api))


@pytest.mark.parametrize("call", [lambda: sd.sin(), lambda: sd.sin(x, y), lambda: sd.log(x, y, z),
                                  lambda: sd.sqrt(x, 2), lambda: sd.root(x), lambda: sd.beta(x),
                                  lambda: sd.polygamma(x)])
def test_arity_is_checked(call):
    with pytest.raises(sd.UsageError, match="argument"):
        call()


@pytest.mark.parametrize("argument", ["x", None, [x], True])
def test_constructors_refuse_what_is_no_operand(argument):
    with pytest.raises(sd.UsageError):
        sd.sin(argument)


def test_numbers_and_constants():
    assert sd.Integer(3) is Num(3) and sd.Integer(numpy.int64(-4)) is Num(-4) and sd.Integer("12") is Num(12)
    assert sd.Integer(2.0) is Num(2) and sd.Integer(sympy.Integer(7)) is Num(7)
    with pytest.raises(sd.UsageError):
        sd.Integer(2.5)
    with pytest.raises(sd.UsageError):
        sd.Integer("two")
    assert sd.Rational(1, 3) is Num(Fraction(1, 3)) is sd.Rational("1/3") is sd.Rational(sympy.Rational(1, 3))
    assert sd.Rational(0.5) is Num(Fraction(1, 2)) and sd.Rational("0.1") is Num(Fraction(1, 10))
    assert sd.Rational(6, 3) is Num(2) and sd.Rational(Fraction(1, 2), 2) is Num(Fraction(1, 4))
    assert sd.Float(0.5) is Float(0.5) and sd.Float("1e-3") is Float(0.001)
    assert sd.pi is Const("pi") is sd.parse("pi") and sd.E is Const("e") is sd.parse("e")
    assert sd.Float is Float  # the node class: isinstance(v, sd.Float) keeps working


def test_star_import_does_not_hide_python_builtins():
    """`from symdiff import *` imports __all__ (and symdiff.api's): the constructors, but not abs, max and min."""
    for module in (sd, sd.api):
        for name in ("abs", "max", "min"):
            assert name not in module.__all__ and hasattr(builtins, name)
            assert callable(getattr(module, name))
        for name in ("sin", "log", "sqrt", "Abs", "symbols", "Symbol", "Rational", "Integer", "pi", "E", "equals",
                     "subs"):
            assert name in module.__all__
        assert all(isinstance(getattr(module, name), object) for name in module.__all__)


# ---- Expr methods ----------------------------------------------------------------------------------------------

def test_subs():
    f = x**2 * sd.sin(y)
    assert f.subs({x: 3}) is sd.parse("3^2*sin(y)")
    assert f.subs(x, 3) is f.subs("x", 3) is f.subs({"x": 3}) is f.subs([(x, 3)]) is f.subs(sympy.Symbol("x"), 3)
    assert f.subs({x: y, y: x}) is sd.parse("y^2*sin(x)")  # simultaneous
    assert f.subs({y: "pi/2"}).simplify() is x**2
    assert f.subs({y: sympy.pi}).simplify() is sd.Integer(0)
    assert f.subs(x, numpy.float64(0.5)) is sd.parse("0.5^2*sin(y)")
    assert f.subs({z: 1}) is f
    assert sd.subs("x^2 + y", {x: 2}) is sd.parse("2^2 + y")
    with pytest.raises(sd.UsageError):
        f.subs({"sin": 1})
    with pytest.raises(sd.UsageError):
        f.subs({x + 1: 1})
    with pytest.raises(sd.UsageError):
        f.subs({x: float("nan")})


def test_subs_of_undefined_functions_and_derivatives():
    g = sd.parse("f(x)*f'(x^2)")
    assert g.subs(x, y) is sd.parse("f(y)*f'(y^2)")


def test_free_symbols_and_operands():
    f = x**2 * sd.sin(y) + sd.parse("g(x, z)")
    assert f.free_symbols == frozenset({"x", "y", "z"}) and type(f.free_symbols) is frozenset
    assert f.operands == (x**2 * sd.sin(y), sd.parse("g(x, z)"))
    assert sd.parse("g(x, z)").operands == (x, z)
    assert sd.parse("g(x, z)").args == ("g", x, z)  # the internal payload is unchanged
    assert sd.parse("f'(x)").operands == (x,)
    assert (x**2).operands == (x, sd.Integer(2))
    assert x.operands == () and sd.Integer(3).operands == () and sd.pi.operands == ()
    assert f.has(x) and f.has("z") and not f.has("t")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_operands_are_sympys_args(expr):
    rebuilt = type(expr)
    assert all(isinstance(o, sd.Expr) for o in expr.operands)
    if type(expr) in (sd.Add, sd.Mul, sd.Pow):
        assert rebuilt(*expr.operands) is expr
    elif type(expr) is Func:
        assert Func(expr.name, *expr.operands) is expr
    else:
        assert expr.operands == ()


def test_equals_is_mathematical_and_eq_is_structural():
    assert (sd.sin(x)**2 + sd.cos(x)**2).equals(1)
    assert (x + 1)**2 != x**2 + 2*x + 1 and ((x + 1)**2).equals(x**2 + 2*x + 1)
    assert not (x + 1).equals(x)
    assert not sd.sin(x).equals(sd.cos(x))
    assert sd.sqrt(x**2).equals(abs(x))
    assert sd.exp(sd.log(x)).equals(x)  # equal where both are defined (x > 0)
    assert sd.equals("sin(2*x)", "2*sin(x)*cos(x)")
    assert (sd.Float(0.1) + 0.2).equals(0.3) and not sd.Integer(1).equals(sd.Rational(1, 3) * 3 + 1)
    assert x.equals(sympy.Symbol("x")) and x.equals(x)
    assert not sd.parse("f(x)").equals(sd.parse("f(x) + 1"))
    assert sd.Integer(0) != 0 and (sd.Integer(0) == 0) is False


def test_hash_and_truthiness():
    assert {x: 1}[sd.Symbol("x")] == 1
    assert hash(x**2 + 1) == hash(sd.parse("x^2 + 1"))
    assert len({x + 1, 1 + x, sd.parse("x + 1")}) == 2  # x + 1 and 1 + x are different trees
    assert bool(sd.Integer(0)) is True and bool(x) is True  # documented: every expression is true


def test_evaluate_takes_a_dict_with_symbols():
    f = x**2 * y
    assert f.evaluate({x: 2, y: 3}) is sd.Integer(12)
    assert f.evaluate({x: 2}, y=numpy.int64(3)) is sd.Integer(12)
    assert f.evaluate(x=2, y=sympy.Rational(1, 2)) is sd.Integer(2)
    assert f.evaluate({x: 2, y: 0.5}) == 2.0


# ---- threads ---------------------------------------------------------------------------------------------------

def test_building_with_operators_from_eight_threads_gives_one_object_per_structure():
    rounds = 150

    def make(r):
        v, w = sd.symbols(f"v{r} w{r}")
        return (r + 7) * v**2 + sd.sin(v) / (w - r) - sd.max(v, w, r) ** sd.Rational(1, r + 2)

    results = build_in_threads(make, 8, rounds)
    for r in range(rounds):
        first = results[0][r]
        assert first is sd.parse(f"{r + 7}*v{r}^2 + sin(v{r})/(w{r} - {r}) - max(max(v{r}, w{r}), {r})^(1/{r + 2})")
        for other in results[1:]:
            assert other[r] is first


def test_a_budget_in_force_in_one_thread_does_not_leak_into_another():
    seen = {}

    def small():
        with sd.budget.use(max_size=3):
            try:
                x + y + z
            except sd.BudgetError:
                seen["small"] = True

    worker = threading.Thread(target=small)
    worker.start()
    worker.join()
    assert seen == {"small": True}
    assert x + y + z is sd.parse("x + y + z")
