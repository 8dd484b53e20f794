"""The table of derivative rules (symdiff.functions.REGISTRY), row by row, against SymPy; every name the grammar
accepts; and the numeric implementations behind each function."""

from __future__ import annotations

import cmath
import math

import mpmath
import pytest
import sympy

import symdiff
from symdiff import functions
from symdiff.functions.shorthands import SHORTHANDS
from symdiff.core.build import mul
from symdiff.core.expr import HALF, Func, Num, Pow, Sym
from symdiff.numeric.values import numeric_value
from symdiff.simplification.simplifier import simplify
from symdiff.core.build import substitute
from symdiff.interop.sympy_bridge import sympy_function

from oracle import numeric_mismatch, sympy_diff

ROWS = sorted(functions.REGISTRY.values(), key=lambda r: (r.name, r.arity))
UNARY = [r for r in ROWS if r.arity == 1]


def row_id(rule) -> str:
    return f"{rule.name}/{rule.arity}"


def domain(name):
    """The real interval on which the function (and its derivative) is defined and smooth: its registry row's."""
    return functions.lookup(name, 1).domain


def theirs_away_from_singularities(expr):
    """SymPy's derivative, with DiracDelta (d/dx sign(x)) replaced by its value 0 away from the origin, and its
    unevaluated d/dx floor(x) and ceiling(x) by their value 0 away from the integers, where every comparison
    below is made."""
    expr = expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    return expr.replace(lambda e: isinstance(e, sympy.Derivative) and isinstance(e.expr, (sympy.floor, sympy.ceiling))
                        or isinstance(e, sympy.Subs) and e.expr == 0, lambda e: sympy.S.Zero)


def assert_derivative_agrees(text, variable, low, high, points=8):
    ours = symdiff.diff(text, variable)
    theirs = theirs_away_from_singularities(sympy_diff(text, variable))
    mismatch = numeric_mismatch(ours, theirs, names=[variable], points=points, low=low, high=high)
    assert mismatch is None, f"d/d{variable} {text}: symdiff {ours} vs sympy {theirs}: {mismatch}"
    return ours


# ---- each row's derivative agrees with SymPy on its own domain -------------------------------------------

@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_row_derivative_agrees_with_sympy(rule):
    low, high = domain(rule.name)
    assert_derivative_agrees(f"{rule.name}(x)", "x", low, high)


@pytest.mark.parametrize("rule", [r for r in UNARY if r.name in ("abs", "sign", "sinh", "tanh", "atan", "sin",
                                                                 "cos", "cot", "coth", "csch", "acot",
                                                                 "asinh", "exp", "tan")], ids=row_id)
def test_row_derivative_agrees_with_sympy_on_negative_arguments(rule):
    assert_derivative_agrees(f"{rule.name}(x)", "x", -1.5, -0.2)


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_row_derivative_is_the_table_formula(rule):
    formula = functions.REGISTRY[rule.name, 1].partials[0]
    expected = simplify(substitute(symdiff.parse(formula), {Sym("u"): Sym("x")}))
    assert symdiff.diff(f"{rule.name}(x)", "x") is expected


def inner_functions(name):
    """(inner text, low, high): compositions f(inner(x)) whose inner values stay in f's domain."""
    low, high = domain(name)
    square_low = math.sqrt(max(low, 0.04))
    return [
        ("x^2", square_low, math.sqrt(high)),
        ("2*x", low / 2, high / 2),
        ("(x^2 + 1)/4", math.sqrt(max(4 * low - 1, 0.04)), math.sqrt(4 * high - 1))
        if 4 * high - 1 > max(4 * low - 1, 0.04) else ("x/3", low * 3, high * 3),
        ("exp(x)/2", math.log(max(2 * low, 0.08)), math.log(2 * high)),
    ]


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_row_with_chain_rule_agrees_with_sympy(rule):
    for inner, low, high in inner_functions(rule.name):
        assert low < high, (rule.name, inner)
        assert_derivative_agrees(f"{rule.name}({inner})", "x", low, high, points=6)


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_chain_rule_multiplies_by_the_inner_derivative(rule):
    """d/dx f(2x) is exactly 2 * f'(2x), with f' from the table."""
    formula = symdiff.parse(functions.REGISTRY[rule.name, 1].partials[0])
    expected = simplify(mul(Num(2), substitute(formula, {Sym("u"): symdiff.parse("2*x")})))
    assert symdiff.diff(f"{rule.name}(2*x)", "x") is expected


def test_two_argument_log_agrees_with_sympy_in_each_argument():
    assert functions.lookup("log", 2) is not None
    for text in ("log(x, y)", "log(x^2, 2*y)", "log(x*y, y + 1)", "log(sin(x) + 2, exp(y))"):
        ours_x = symdiff.diff(text, "x")
        ours_y = symdiff.diff(text, "y")
        for ours, variable in ((ours_x, "x"), (ours_y, "y")):
            theirs = sympy_diff(text, variable)
            mismatch = numeric_mismatch(ours, theirs, names=["x", "y"], points=8, low=1.5, high=3.0)
            assert mismatch is None, f"d/d{variable} {text}: {ours} vs {theirs}: {mismatch}"


@pytest.mark.parametrize("text, expected", [
    ("log(x, y)", "1/(x*log(y))"),
    ("log(x, 2)", "1/(x*log(2))"),
    ("log(2, x)", "-log(2)/(x*log(x)^2)"),
])
def test_two_argument_log_text(text, expected):
    assert str(symdiff.diff(text, "x")) == expected


# ---- the row table is complete ------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ROWS, ids=row_id)
def test_row_is_complete(rule):
    assert callable(rule.real), f"no real implementation of {rule.name}"
    assert callable(rule.complex(mpmath)), f"no complex implementation of {rule.name}"
    low, high = rule.domain  # and both evaluate the function through symdiff.numeric.values.numeric_value
    arguments = [(low + high) / 2, 2.0][:rule.arity]
    expr = symdiff.parse(f"{rule.name}({', '.join(['x', 'y'][:rule.arity])})")
    point = dict(zip(["x", "y"], arguments))
    assert isinstance(numeric_value(expr, point), (int, float))  # (sign gives the int 1)
    assert isinstance(numeric_value(expr, point, complex_values=True), complex)
    target = sympy_function(rule)  # SymPy's function, or the row's formula for one SymPy does not have
    assert target is not None, f"sympy has no {rule.sympy}"
    arguments = sympy.symbols("a b")[:rule.arity]
    assert isinstance(target(*arguments), sympy.Expr)
    assert rule.arity == len(rule.partials) >= 1
    assert rule.latex
    for formula in rule.partials:  # each partial parses and uses only the argument names
        if formula == functions.NOT_DIFFERENTIABLE:
            continue
        parsed = symdiff.parse(formula)
        assert parsed.free_symbols <= set(functions.ARGUMENT_NAMES[:rule.arity])


@pytest.mark.parametrize("rule", ROWS, ids=row_id)
def test_row_converts_to_the_named_sympy_function(rule):
    arguments = ", ".join(["x", "y"][:rule.arity])
    converted = symdiff.to_sympy(f"{rule.name}({arguments})")
    x, y = sympy.symbols("x y")
    assert converted == sympy_function(rule)(*[x, y][:rule.arity])


# ---- every name the grammar accepts -------------------------------------------------------------------

KNOWN = sorted(functions.KNOWN_NAMES)


def canonical(name):
    return functions.ALIASES.get(name, name)


def arities_of(name):
    shorthand = SHORTHANDS.get(name)
    if shorthand is not None:  # sqrt, root, softmax: formulas in other functions
        return [arity for arity in shorthand.arities if arity <= 3]
    return functions.arities(canonical(name))


CALLS = [(name, arity) for name in KNOWN for arity in arities_of(name)]


def test_known_names_cover_rules_aliases_and_sqrt():
    assert {"sqrt", "root", "softmax"} <= set(SHORTHANDS) <= functions.KNOWN_NAMES
    assert {name for name, _ in functions.REGISTRY} <= functions.KNOWN_NAMES
    assert set(functions.ALIASES) <= functions.KNOWN_NAMES
    for alias, target in functions.ALIASES.items():
        assert (target, 1) in functions.REGISTRY, alias
    for name in KNOWN:
        assert arities_of(name), name


@pytest.mark.parametrize("name, arity", CALLS, ids=[f"{n}/{a}" for n, a in CALLS])
@pytest.mark.parametrize("argument", ["x", "x^2 + 1", "2*x*y"])
def test_every_known_name_parses_differentiates_and_prints(name, arity, argument):
    arguments = ", ".join([argument, "y + 2"][:arity])
    text = f"{name}({arguments})"
    expr = symdiff.parse(text)
    if name == "sqrt":
        assert type(expr) is Pow and expr.exp is HALF
    elif name in SHORTHANDS:  # a formula in other functions
        assert expr is SHORTHANDS[name].build(*symdiff.parse_list(arguments))
    else:
        assert type(expr) is Func and expr.name == canonical(name)
    assert symdiff.parse(str(expr)) is expr
    assert symdiff.latex(expr)
    row = functions.lookup(canonical(name), arity)
    for variable in ("x", "y"):
        if row is not None and any(variable in str(expr.arguments[i]) for i in row.not_differentiable):
            with pytest.raises(symdiff.DifferentiationError):  # polygamma(n, u) in its order n
                symdiff.diff(expr, variable)
            continue
        derivative = symdiff.diff(expr, variable)
        printed = str(derivative)
        assert symdiff.parse(printed) is derivative, (text, printed)
        latex = symdiff.latex(derivative)
        assert isinstance(latex, str) and latex
        assert latex.count("{") == latex.count("}")
        symdiff.sympy_code(derivative)  # no error
    if row is not None and row.not_differentiable:
        return
    derivative = symdiff.diff(expr, "x", simplify=False)
    assert symdiff.latex(derivative) and str(derivative)


@pytest.mark.parametrize("alias", sorted(functions.ALIASES))
def test_alias_is_the_same_function(alias):
    assert symdiff.parse(f"{alias}(x)") is symdiff.parse(f"{functions.ALIASES[alias]}(x)")
    assert symdiff.diff(f"{alias}(x)", "x") is symdiff.diff(f"{functions.ALIASES[alias]}(x)", "x")


def test_sqrt_is_a_half_power():
    assert symdiff.parse("sqrt(x)") is symdiff.parse("x^(1/2)")
    assert str(symdiff.diff("sqrt(x)", "x")) == "1/(2*sqrt(x))"
    assert symdiff.latex("sqrt(x)") == "\\sqrt{x}"


@pytest.mark.parametrize("rule", [r for r in ROWS if not r.latex_is_template and r.arity == 1], ids=row_id)
def test_latex_uses_the_rows_operator(rule):
    """LaTeX's own function commands take a symbol without parentheses, as ISO 80000-2 and the AMS write them
    (\\sin x, \\ln x); names written with \\operatorname keep them (\\operatorname{erf}(x))."""
    bare = not rule.latex.startswith("\\operatorname")
    assert symdiff.latex(f"{rule.name}(x)") == (f"{rule.latex} x" if bare else f"{rule.latex}(x)")


@pytest.mark.parametrize("text, expected", [
    ("exp(x)", "e^{x}"),
    ("abs(x)", "\\left|x\\right|"),
    ("log(x, 2)", "\\log_{2}(x)"),
    ("ln(x)", "\\ln x"),
    ("asin(x)", "\\arcsin x"),
])
def test_latex_of_special_functions(text, expected):
    assert symdiff.latex(text) == expected


# ---- numeric implementations agree with mpmath (through SymPy) ----------------------------------------

def mpmath_function(rule):
    arguments = sympy.symbols("a b")[:rule.arity]
    return sympy.lambdify(arguments, sympy_function(rule)(*arguments), modules=["mpmath"])


def close(a, b, tolerance=1e-9):
    return abs(complex(a) - complex(b)) <= tolerance * max(1.0, abs(complex(b)))


def real_points(name):
    low, high = domain(name)
    points = [low + (high - low) * k for k in (0.05, 0.3, 0.55, 0.95)]
    if name in ("abs", "sign", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh", "exp", "cot",
                "coth", "csch", "csc", "sec", "sech", "acot"):
        points += [-p for p in points]
    return points


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_real_implementation_matches_mpmath(rule):
    reference = mpmath_function(rule)
    for point in real_points(rule.name):
        ours = rule.real(point)
        assert isinstance(ours, (int, float)), (rule.name, point, ours)
        assert close(ours, reference(mpmath.mpf(point))), (rule.name, point, ours)
        expr_value = numeric_value(symdiff.parse(f"{rule.name}(x)"), {"x": point})
        assert close(expr_value, ours)


COMPLEX_POINTS = [0.3 + 0.4j, 0.7 - 0.5j, -0.6 + 0.8j, 1.7 + 0.3j, -1.3 - 0.6j, 0.25 + 2.5j]


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_complex_implementation_matches_mpmath(rule):
    reference = mpmath_function(rule)
    expr = symdiff.parse(f"{rule.name}(x)")
    for point in COMPLEX_POINTS + real_points(rule.name):
        ours = numeric_value(expr, {"x": point}, complex_values=True)
        assert isinstance(ours, complex)
        theirs = reference(mpmath.mpc(point))
        assert close(ours, theirs), f"{rule.name}({point}): symdiff {ours} vs mpmath {complex(theirs)}"


@pytest.mark.parametrize("rule", UNARY, ids=row_id)
def test_value_at_zero_matches_sympy(rule):
    """f(0) is SymPy's value where that is finite (acot(0) = pi/2, acosh(0) = i*pi/2) and an EvaluationError
    where SymPy's is complex infinity (cot(0), log(0))."""
    theirs = sympy_function(rule)(sympy.Integer(0))
    expr = symdiff.parse(f"{rule.name}(x)")
    if theirs.has(sympy.zoo, sympy.oo, sympy.nan):
        for complex_values in (False, True):
            with pytest.raises(symdiff.SymdiffError):
                numeric_value(expr, {"x": 0.0}, complex_values=complex_values)
        return
    value = complex(sympy.N(theirs))
    assert close(numeric_value(expr, {"x": 0.0}, complex_values=True), value), f"{rule.name}(0) should be {theirs}"
    if value.imag == 0:
        assert close(numeric_value(expr, {"x": 0.0}), value), f"{rule.name}(0) should be {theirs} over the reals"


# Real arguments outside the function's real domain: complex evaluation must give SymPy's principal value
# (the oracle compares symdiff's complex evaluation with SymPy's, so any convention mismatch on a branch cut
# shows up as a false disagreement).
OUTSIDE_REAL_DOMAIN = [("asin", 2.0), ("asin", 3.0), ("asin", -2.0), ("acos", 2.0), ("acos", -2.0),
                       ("atanh", 2.0), ("atanh", -3.0), ("acosh", 0.5), ("acosh", -2.0), ("asec", 0.5),
                       ("asec", -0.5), ("acsc", 0.5), ("acsc", -0.5), ("log", -2.0)]


@pytest.mark.parametrize("name, point", OUTSIDE_REAL_DOMAIN)
def test_complex_value_outside_real_domain_matches_sympy(name, point):
    rule = functions.REGISTRY[name, 1]
    theirs = complex(sympy.N(getattr(sympy, rule.sympy)(sympy.Float(point)), 20))
    ours = numeric_value(symdiff.parse(f"{name}(x)"), {"x": point}, complex_values=True)
    assert close(ours, theirs), f"{name}({point}): symdiff {ours} vs sympy {theirs}"
    with pytest.raises(symdiff.SymdiffError):  # and over the reals it is refused, not nan
        numeric_value(symdiff.parse(f"{name}(x)"), {"x": point})


@pytest.mark.parametrize("text, point", [
    ("sqrt(1/(-x - 5))", 0.83),     # 1/(-5.83) is real: its square root is +0.414i
    ("sqrt(1 - 1/(-x)^2)", 0.5),    # 1 - 4 = -3 is real: its square root is +1.732i
    ("sqrt(1/(-x))", 0.83),
    ("sqrt(-1/x^2 + 1)", 0.5),
    ("(1/(-x))^(1/3)", 0.83),
    ("sqrt((-x)^3)", 0.7),
    ("log(1/(-x))", 0.83),
    ("sqrt(x^2 - 1)", 0.5),
])
def test_complex_powers_of_negative_reals_are_principal_values(text, point):
    """A value that is exactly a negative real must not pick up a rounding-error imaginary part of the wrong
    sign before a square root or log: the result must be SymPy's principal value."""
    expr = symdiff.parse(text)
    ours = numeric_value(expr, {"x": point}, complex_values=True)
    theirs = complex(sympy.N(symdiff.to_sympy(expr).subs(sympy.Symbol("x"), sympy.Float(point)), 20))
    assert close(ours, theirs), f"{text} at x = {point}: symdiff {ours} vs sympy {theirs}"


@pytest.mark.parametrize("u, v", [(2.0, 10.0), (0.5, 3.0), (7.0, 2.0)])
def test_two_argument_log_value(u, v):
    value = numeric_value(symdiff.parse("log(x, y)"), {"x": u, "y": v})
    assert value == pytest.approx(math.log(u) / math.log(v))
    assert value == pytest.approx(float(mpmath.log(u, v)))
    value = numeric_value(symdiff.parse("log(x, y)"), {"x": -u, "y": v}, complex_values=True)
    assert close(value, cmath.log(-u) / cmath.log(v))

