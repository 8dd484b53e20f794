"""Every entry point is bounded (issue 15): whatever a caller sends, the API returns a result or raises a
SymdiffError at once, and the command line says so in one line with exit status 2; never a traceback, a hang or
unbounded memory. One test (or one parametrized group) per finding:

- from_sympy within the budget: derivative order, the size of what it builds, number size, decimals beyond
  float range; and names that symdiff's syntax reads as something else are refused, so that parse(text(e)) is e;
- text, latex and sympy_code check max_size before printing;
- lambdify and evaluate check max_size on expressions given as objects;
- evaluate's values convertible to float must be finite (Decimal('nan'));
- plots: unwritable paths, values that cannot be drawn, ranges that are not finite with low < high;
- generated code (the --format sympy snippet, NumPy lambdify) works whatever the symbols are called;
- cse's prefix must start a symdiff name.
"""

from __future__ import annotations

import subprocess
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

import symdiff
from symdiff import Budget, parse
from symdiff.cli.command import main
from symdiff.core.build import add, substitute
from symdiff.core.errors import (
    BudgetError,
    ConversionError,
    EvaluationError,
    Reason,
    SymdiffError,
    UsageError,
)
from symdiff.core.expr import Derivative, Float, Func, Num, Sym
from symdiff.parsing.names import undefined_functions

ROOT = Path(__file__).resolve().parents[1]
# "At once": far below the minute and more the slow calls took, with room for a loaded machine.
AT_ONCE = 2.0


def call(capsys, *arguments: str):
    """symdiff.cli.command.main in-process: (status, stdout, stderr)."""
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def timed(function, *args, **kwargs):
    """(the exception raised, seconds taken); the call must raise."""
    start = time.perf_counter()
    with pytest.raises(SymdiffError) as caught:
        function(*args, **kwargs)
    return caught.value, time.perf_counter() - start


def huge_dag(levels: int = 40, variable: str = "x"):
    """An expression of about 3 * 2^levels nodes as a tree (as printed), held as a DAG of 3 * levels nodes."""
    node = Sym(variable)
    for _ in range(levels):
        node = add(Func("sin", node), Func("cos", node))
    return node


# ---- from_sympy: the budget ---------------------------------------------------------------------------------

x, y, t = sympy.symbols("x y t")
f, g = sympy.Function("f"), sympy.Function("g")


def test_from_sympy_refuses_an_order_over_max_order_before_differentiating():
    # Was 11 s and 512 MB: a million orders of f(x), one after another.
    error, seconds = timed(symdiff.from_sympy, sympy.Derivative(f(x), (x, 10**6)))
    assert isinstance(error, BudgetError) and "1000000" in error.message
    assert seconds < AT_ONCE
    assert symdiff.from_sympy(sympy.Derivative(f(x), (x, 1000))) is Derivative("f", (1000,), Sym("x"))
    with pytest.raises(BudgetError):
        symdiff.from_sympy(sympy.Derivative(sympy.sin(x), (x, 6)), budget=Budget(max_order=5))
    assert symdiff.from_sympy(sympy.Derivative(sympy.sin(x), (x, 5)), budget=Budget(max_order=5)) is not None


def test_from_sympy_counts_the_order_of_nested_derivatives():
    inner = sympy.Derivative(f(x), (x, 600))
    with pytest.raises(BudgetError, match="1200"):
        symdiff.from_sympy(sympy.Derivative(x * inner, (x, 600)))
    # side by side, orders do not add: a sum of two derivatives of order 600 is within max_order
    assert symdiff.from_sympy(inner + sympy.Derivative(g(x), (x, 600))) is not None


def test_from_sympy_checks_the_size_of_what_it_builds():
    # tan's 12th derivative, unsimplified, is 100 million nodes as a tree: refused as it grows past max_size
    error, seconds = timed(symdiff.from_sympy, sympy.Derivative(sympy.tan(x), (x, 12)))
    assert isinstance(error, BudgetError) and seconds < AT_ONCE
    assert symdiff.from_sympy(sympy.Derivative(sympy.tan(x), (x, 6))) is not None
    with pytest.raises(BudgetError):
        symdiff.from_sympy(sympy.Derivative(sympy.tan(x), (x, 6)), budget=Budget(max_size=1000))


def test_from_sympy_checks_the_size_of_a_shared_sympy_expression():
    node = x
    for _ in range(40):  # SymPy shares the repeated parts too: 2^40 nodes as a tree
        node = sympy.sin(node) + sympy.cos(node)
    error, seconds = timed(symdiff.from_sympy, node)
    assert isinstance(error, BudgetError) and seconds < AT_ONCE


@pytest.mark.parametrize("obj", [sympy.Float("1e400"), sympy.Float("-1e400"), sympy.Float("2.5e308") * x],
                         ids=["1e400", "-1e400", "2.5e308*x"])
def test_decimals_beyond_float_range_are_refused(obj):
    with pytest.raises(ConversionError) as caught:
        symdiff.from_sympy(obj)
    assert caught.value.reason is Reason.OVERFLOW


def test_nan_and_tiny_decimals():
    with pytest.raises(ConversionError):
        symdiff.from_sympy(sympy.Float("nan"))
    # below the float range, a decimal is 0.0, as the parser reads 1e-400
    assert symdiff.from_sympy(sympy.Float("1e-400")) is parse("1e-400") is Float(0.0)


@pytest.mark.parametrize("obj", [sympy.Integer(10**5000), sympy.Rational(1, 10**5000), sympy.Rational(10**5000, 3),
                                 x**sympy.Integer(10**4500)], ids=["integer", "denominator", "numerator", "exponent"])
def test_huge_exact_numbers_are_checked_against_max_result_digits(obj):
    with pytest.raises(BudgetError):
        symdiff.from_sympy(obj)


def test_max_result_digits_is_the_callers():
    assert symdiff.from_sympy(sympy.Integer(10**30)) is Num(10**30)
    with pytest.raises(BudgetError):
        symdiff.from_sympy(sympy.Integer(10**30), budget=Budget(max_result_digits=20))
    with pytest.raises(BudgetError):
        symdiff.from_sympy(sympy.Rational(1, 10**30), budget=Budget(max_result_digits=20))


# ---- from_sympy: names that would read back as something else ------------------------------------------------

# Symbols whose text symdiff reads as a constant or a function.
REFUSED_SYMBOLS = ["pi", "e", "sin", "cos", "sqrt", "ln", "log", "exp", "abs", "Abs", "sgn", "arcsin", "arsinh"]


@pytest.mark.parametrize("name", REFUSED_SYMBOLS)
def test_symbols_named_as_constants_or_functions_are_refused(name):
    for obj in (sympy.Symbol(name), sympy.Symbol(name) * x + 1, f(sympy.Symbol(name))):
        with pytest.raises(ConversionError, match=repr(name)) as caught:
            symdiff.from_sympy(obj)
        assert caught.value.name == name


@pytest.mark.parametrize("obj, name", [
    (sympy.Function("pi")(x), "pi"),
    (sympy.Function("e")(x), "e"),
    (sympy.Symbol("E") + 1, "E"),                            # E is the constant e, as in SymPy's own text
    (sympy.Symbol("Pi") * x, "Pi"),
    (sympy.Function("sin")(x), "sin"),                       # SymPy's undefined function called sin
    (sympy.Symbol("f") + f(x), "f"),                         # a symbol and a function of one name
    (sympy.Symbol("D") + sympy.Derivative(sympy.Function("D")(x, y), x), "D"),
    (f(x) + f(x, y), "f"),                                   # a function of one and of two arguments
    (sympy.Dummy("x") + 1, None),                            # a bound variable with no name in symdiff's syntax
], ids=str)
def test_names_that_would_not_parse_back_are_refused(obj, name):
    with pytest.raises(ConversionError) as caught:
        symdiff.from_sympy(obj)
    if name is not None:
        assert repr(name) in caught.value.message


# Accepted: names the parser reads as symbols (D too: the grammar's D[1,0](f) notation needs the bracket), in
# expressions that exercise the printer (products, powers, calls, derivative notation, Subs).
D_, E_, I_ = sympy.symbols("D E I")
ACCEPTED = [
    D_ * x, D_ * sympy.Derivative(g(x, y), x), sympy.Derivative(g(D_, y), D_), D_**2 * g(x, y),
    sympy.Subs(sympy.Derivative(g(x, y), x), (x, y), (D_, D_**2)), sympy.Function("D")(x) + x,
    I_ * x, sympy.Symbol("S") + sympy.Symbol("N"), sympy.Symbol("Integer") * sympy.Symbol("Matrix"),
    sympy.Symbol("float") + sympy.Symbol("lambda_"), sympy.Symbol("x_1") ** 2, sympy.Symbol("pi2") + sympy.pi,
    sympy.Symbol("e1") * sympy.E, sympy.Symbol("sin_") + sympy.sin(x), sympy.Symbol("sinx"), sympy.Symbol("expr"),
    sympy.Symbol("Derivative") * sympy.Derivative(f(x), (x, 2)), sympy.Subs(sympy.Derivative(f(t), t), t, x**2),
    sympy.Rational(-7, 3) * x**3 + sympy.Float("1.5e-300"), sympy.exp(x) * sympy.log(y),
]


@pytest.mark.parametrize("obj", ACCEPTED, ids=str)
def test_accepted_names_read_back_as_the_same_expression(obj):
    expr = symdiff.from_sympy(obj)
    # undefined functions read back as such when declared, as the user who made them would
    assert parse(symdiff.text(expr), functions=undefined_functions(expr)) is expr, symdiff.text(expr)


# ---- printing checks max_size --------------------------------------------------------------------------------

@pytest.mark.parametrize("printer", [symdiff.text, symdiff.latex, symdiff.sympy_code, str,
                                     lambda e: symdiff.sympy_code(e, standalone=True)],
                         ids=["text", "latex", "sympy_code", "str", "standalone"])
def test_printing_a_huge_expression_is_a_budget_error_at_once(printer):
    # Was over a minute: tan's 12th derivative from SymPy, built under a larger budget, printed under the default.
    built = symdiff.from_sympy(sympy.Derivative(sympy.tan(x), (x, 12)), budget=Budget(max_size=10**9))
    for expr in (built, huge_dag()):
        error, seconds = timed(printer, expr)
        assert isinstance(error, BudgetError) and seconds < AT_ONCE


def test_printing_checks_the_callers_max_size():
    expr = parse("x^2 + 1")  # 5 nodes
    assert symdiff.text(expr, budget=Budget(max_size=5)) == "x^2 + 1"
    for printer in (symdiff.text, symdiff.latex, symdiff.sympy_code):
        with pytest.raises(BudgetError):
            printer(expr, budget=Budget(max_size=4))


# ---- lambdify and evaluate check max_size --------------------------------------------------------------------

def test_lambdify_and_evaluate_check_the_size_of_an_expression_object():
    big = huge_dag()
    for attempt in (lambda: symdiff.lambdify(big), lambda: symdiff.lambdify([big, parse("x")], "x"),
                    lambda: symdiff.evaluate(big, x=0.5), lambda: symdiff.evaluate(big, x=Fraction(1, 2)),
                    lambda: symdiff.evaluate("x + 1", x=big)):  # a value given as an expression too
        error, seconds = timed(attempt)
        assert isinstance(error, BudgetError) and seconds < AT_ONCE


def test_lambdify_and_evaluate_use_the_same_limit_as_parsing():
    expr = parse("x^2 + 1")  # 5 nodes
    small = Budget(max_size=4)
    with pytest.raises(BudgetError):
        parse("x^2 + 1", budget=small)
    with pytest.raises(BudgetError):
        symdiff.lambdify(expr, budget=small)
    with pytest.raises(BudgetError):
        symdiff.evaluate(expr, {"x": 2}, budget=small)
    assert symdiff.lambdify(expr, budget=Budget(max_size=5))(2.0) == 5.0
    assert symdiff.evaluate(expr, {"x": 2}, budget=Budget(max_size=5)) is Num(5)


# ---- evaluate's values are finite -----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [Decimal("nan"), Decimal("-nan"), Decimal("snan"), Decimal("inf"),
                                   Decimal("-inf"), Decimal("1e400")], ids=str)
def test_non_finite_decimal_values_are_refused(value):
    with pytest.raises(UsageError):
        symdiff.evaluate("x^2", x=value)


def test_finite_decimal_and_numpy_values_still_work():
    assert symdiff.evaluate("x^2", x=Decimal("0.5")) == 0.25
    numpy = pytest.importorskip("numpy")
    assert symdiff.evaluate("x^2", x=numpy.float32(0.5)) == 0.25
    for value in (numpy.float64("nan"), numpy.float32("inf")):
        with pytest.raises(UsageError):
            symdiff.evaluate("x^2", x=value)


# ---- plots -----------------------------------------------------------------------------------------------------

def _needs_matplotlib():
    pytest.importorskip("matplotlib", reason="plots need matplotlib: pip install 'symdiff-cas[plot]'")
    pytest.importorskip("numpy", reason="plots need NumPy: pip install 'symdiff-cas[plot]'")


def _unwritable_paths(tmp_path):
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    (tmp_path / "directory.svg").mkdir()
    return {"missing directory": tmp_path / "missing" / "p.svg",
            "under a file": a_file / "p.svg",
            "a directory": tmp_path / "directory.svg"}  # found only when writing: IsADirectoryError


@pytest.mark.parametrize("case", ["missing directory", "under a file", "a directory"])
def test_plot_to_an_unwritable_path_is_a_usage_error_naming_it(tmp_path, capsys, case):
    _needs_matplotlib()
    path = _unwritable_paths(tmp_path)[case]
    for draw in (lambda: symdiff.plot_with_derivative("x^2", path=path),
                 lambda: symdiff.plot_tangent("x^2", at=1, path=path)):
        with pytest.raises(UsageError) as caught:
            draw()
        assert str(path) in caught.value.message and caught.value.path == str(path)
    status, out, err = call(capsys, "x^2", "--plot", str(path))
    assert status == 2 and out == "2*x\n"
    assert err.startswith("symdiff: error: cannot write") and str(path) in err and err.count("\n") == 1


@pytest.mark.parametrize("path", [None, 3, ["p.svg"], "p\0.svg"], ids=repr)
def test_plot_path_that_is_not_a_file_name_is_a_usage_error(tmp_path, path):
    _needs_matplotlib()
    with pytest.raises(UsageError):
        symdiff.plot_with_derivative("x^2", path=path)


@pytest.mark.parametrize("text, reason", [("x*1e308", Reason.OVERFLOW), ("sqrt(-1 - x^2)", Reason.NOT_REAL)])
def test_plot_of_values_that_cannot_be_drawn_is_an_evaluation_error(tmp_path, capsys, text, reason):
    _needs_matplotlib()
    path = tmp_path / "p.svg"
    for draw in (lambda: symdiff.plot_with_derivative(text, path=path),
                 lambda: symdiff.plot_tangent(text, at=0, path=path, x_range=(-3, 3))):
        with pytest.raises(EvaluationError) as caught:  # the tangent of sqrt(-1 - x^2): f(0) is not real
            draw()
        assert caught.value.reason is reason
    status, _, err = call(capsys, text, "--plot", str(path))
    assert status == 2 and err.startswith("symdiff: error: ") and err.count("\n") == 1
    assert not path.exists()


def test_plot_where_f_is_undefined_over_the_whole_range(tmp_path):
    _needs_matplotlib()
    with pytest.raises(EvaluationError, match="no finite real value") as caught:
        symdiff.plot_tangent("sqrt(x)", at=1, path=tmp_path / "p.svg", x_range=(-5, -4))
    assert caught.value.reason is Reason.NOT_REAL


BAD_RANGES = ["-inf:inf", "0:inf", "-inf:0", "nan:1", "1:nan", "nan:nan", "1:1", "2:1", "-1e308:1e308"]


@pytest.mark.parametrize("text", BAD_RANGES)
def test_plot_range_must_be_finite_with_low_below_high(tmp_path, capsys, text):
    _needs_matplotlib()
    path = tmp_path / "p.svg"
    low, high = (float(v) for v in text.split(":"))
    for draw in (lambda: symdiff.plot_with_derivative("x^2", path=path, x_range=(low, high)),
                 lambda: symdiff.plot_tangent("x^2", at=0, path=path, x_range=(low, high))):
        with pytest.raises(UsageError, match="range"):
            draw()
    for extra in ([], ["--at", "x=0"]):
        status, _, err = call(capsys, "x^2", "--plot", str(path), f"--range={text}", *extra)
        assert status == 2 and err.startswith("symdiff: error: the range") and err.count("\n") == 1
        assert "nan <=" not in err
    assert not path.exists()


@pytest.mark.parametrize("x_range", ["1:2", "12", (1,), (1, 2, 3), (1, "a"), (1, 1j), None, 5], ids=repr)
def test_plot_range_that_is_not_two_numbers_is_a_usage_error(tmp_path, x_range):
    _needs_matplotlib()
    with pytest.raises(UsageError):
        symdiff.plot_with_derivative("x^2", path=tmp_path / "p.svg", x_range=x_range)


def test_plot_tangent_far_out_needs_a_range(tmp_path):
    _needs_matplotlib()
    with pytest.raises(UsageError, match="give a range"):
        symdiff.plot_tangent("x", at=1e300, path=tmp_path / "p.svg")


def test_valid_plots_are_still_written(tmp_path, capsys):
    _needs_matplotlib()
    path = tmp_path / "p.svg"
    status, out, err = call(capsys, "x*1e307", "--plot", str(path))
    assert status == 0 and out == "1e+307\n" and path.exists() and "for -3 <= x <= 3" in err
    result = symdiff.plot_with_derivative("sin(x)", path=tmp_path / "q.png", x_range=("-1", Decimal(2)))
    assert result.path.exists()


def test_plot_errors_in_a_real_process_are_one_line(tmp_path):
    _needs_matplotlib()
    for arguments in (["x^2", "--plot", str(tmp_path / "missing" / "p.svg")],
                      ["x*1e308", "--plot", str(tmp_path / "p.svg")],
                      ["x^2", "--plot", str(tmp_path / "p.svg"), "--range=-inf:inf"]):
        result = subprocess.run([sys.executable, "-m", "symdiff", *arguments], cwd=ROOT, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr


# ---- generated code, whatever the symbols are called ------------------------------------------------------------

# Names SymPy's code uses (Integer, Float, Rational, Matrix, ...) or that symdiff's syntax cannot write (pi, sqrt,
# sin: a Sym built directly), as symbols.
SYMPY_NAMES = ["Integer", "Float", "Rational", "Matrix", "Symbol", "symbols", "Function", "Derivative", "Subs",
               "sqrt", "pi", "E", "S", "I", "expr", "sin", "Abs", "log", "exp", "Pow", "Tuple", "Dummy", "lambda",
               "float", "x1"]

NOT_VARIABLES = {"sqrt", "pi", "E", "sin", "Abs", "log", "exp"}  # refused as variables to differentiate in

# Exercises every piece of the generated code: a product, a power, decimals, numbers-only parts (written
# Integer(...) and Float(...)), a constant, calls, derivatives at a symbol and at a compound argument.
TEMPLATE = "zz*x + 2.5*zz^(1/(2+3)) + sqrt(2)*zz + 1.5^zz - 3/4*zz + 2.5^2*x + pi*zz + sin(zz)*exp(x) + " \
           "f'(zz^2) + D[1,0](g)(x, zz) + h(zz) + f(zz)"


def _with_symbol(name: str):
    return substitute(parse(TEMPLATE), {Sym("zz"): Sym(name)})


def _run(code: str):
    namespace: dict = {}
    exec(compile(code, "<symdiff sympy code>", "exec"), namespace)  # noqa: S102 - code symdiff generated
    return namespace["expr"]


def _same(ours, theirs) -> bool:
    if ours == theirs:
        return True
    difference = (ours - theirs).doit()
    if isinstance(difference, sympy.MatrixBase):
        return difference.applyfunc(sympy.simplify).is_zero_matrix
    return sympy.simplify(difference) == 0


@pytest.mark.parametrize("name", SYMPY_NAMES)
def test_sympy_snippet_runs_whatever_the_symbols_are_called(name):
    expr = _with_symbol(name)
    code = symdiff.sympy_code(expr, standalone=True)
    assert _same(_run(code), symdiff.to_sympy(expr)), code
    variables = ["x"] if name in NOT_VARIABLES else [name, "x"]
    gradient = symdiff.gradient(expr, variables, simplify=False)  # a Matrix([...])
    assert _same(sympy.Matrix(_run(gradient.sympy_code(standalone=True))), gradient.to_sympy())


@pytest.mark.parametrize("name", ["Integer", "Float", "Matrix", "Rational", "Symbol", "Subs", "symbols", "expr"])
def test_cli_sympy_format_runs_whatever_the_symbols_are_called(capsys, name):
    text = f"sin({name}*x)^2 + sin({name}*x)*x/3 + 2.5*{name} + x^(1/(2+3))"
    for extra in ([], ["--cse"], ["--grad"], ["--grad", "--cse"], ["--hessian"]):
        wrt = [] if extra and extra[0] in ("--grad", "--hessian") else ["--wrt", "x"]
        status, out, err = call(capsys, text, "--format", "sympy", *wrt, *extra)
        assert status == 0, err
        result = _run(out)
        if not extra or extra == ["--cse"]:
            assert _same(result, symdiff.to_sympy(symdiff.diff(text, "x"))), out
        else:
            assert isinstance(result, sympy.MatrixBase), out


# Variables named as Python builtins the generated code calls (abs, float), modules it uses, keywords, other
# builtins; and, as Syms built directly, the generated code's own names and names that are not identifiers.
PARSED_VARIABLES = ["float", "numpy", "math", "int", "len", "sum", "print", "lambda", "import", "x"]
BUILT_VARIABLES = ["abs", "_full", "_dispatch", "_scalar", "_array", "_t1", "_n0", "_SCALARS", "_undefined", "_acot",
                   "x y", "1x", "_v_float", "\u03c0"]


def _compiled_cases():
    for name in PARSED_VARIABLES:
        yield name, parse(f"abs({name}) + sin({name})*y + {name}^2 + 1/(1 + {name}^2) + sign({name})*y")
    for name in BUILT_VARIABLES:
        yield name, substitute(parse("abs(z) + sin(z)*y + z^2 + 1/(1 + z^2) + sign(z)*y"), {Sym("z"): Sym(name)})


@pytest.mark.parametrize("name, expr", list(_compiled_cases()), ids=[c[0] for c in _compiled_cases()])
def test_lambdify_works_whatever_the_variables_are_called(name, expr):
    numpy = pytest.importorskip("numpy")
    from symdiff.numeric.values import numeric_value
    points = [(-0.5, 2.0), (0.25, -1.0), (1.5, 0.5)]
    expected = [numeric_value(expr, {name: a, "y": b}) for a, b in points]
    variables = [name, "y"] if name in PARSED_VARIABLES else None  # None: the free symbols, sorted
    order = [name, "y"] if variables else sorted([name, "y"])

    def arguments(a, b):
        return [a if v == name else b for v in order]

    for backend in ("auto", "math", "numpy"):
        function = symdiff.lambdify(expr, variables, backend=backend)
        assert function.variables == tuple(order)
        for (a, b), value in zip(points, expected):
            assert float(function(*arguments(a, b))) == pytest.approx(value, rel=1e-12)
        if backend != "math":
            xs, ys = numpy.array([p[0] for p in points]), numpy.array([p[1] for p in points])
            assert numpy.allclose(function(*arguments(xs, ys)), expected, rtol=1e-12)
    many = symdiff.lambdify([expr, symdiff.diff(expr, name) if name in PARSED_VARIABLES else expr], variables)
    assert many(*arguments(0.25, -1.0))[0] == pytest.approx(expected[1], rel=1e-12)


def test_lambdify_source_is_unchanged_for_ordinary_names():
    function = symdiff.lambdify(parse("sin(x*y)*x + sin(x*y)^2"), ["x", "y"], backend="math")
    assert "def _scalar(x, y):" in function.source and "_t1 = math.sin(x*y)" in function.source


# ---- cse's prefix -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("prefix", ["", "1", "1t", "_t", "t 1", "t-", "t.", "t\n", "\u03c4", None, 3, b"t"], ids=repr)
def test_cse_prefix_must_start_a_name(prefix):
    with pytest.raises(UsageError):
        symdiff.cse([parse("sin(u) + sin(u)^2")], prefix=prefix)


@pytest.mark.parametrize("prefix", ["t", "w", "T_", "tmp_", "x"])
def test_cse_names_with_a_valid_prefix_parse_back(prefix):
    found = symdiff.cse([parse("sin(x) + sin(x)^2 + cos(x)*sin(x)")], prefix=prefix)
    assert found.replacements
    for symbol, _ in found.replacements:
        assert symbol.name.startswith(prefix) and parse(symbol.name) is symbol
    assert parse(str(found.exprs[0])) is found.exprs[0]


def test_cse_names_avoid_the_names_of_functions_in_the_expressions():
    found = symdiff.cse([parse("sin(x) + sin(x)^2 + t1(x)", functions=["t1"])])
    assert [symbol.name for symbol, _ in found.replacements] == ["t2"]
    assert parse(str(found.exprs[0]), functions=["t1"]) is found.exprs[0]


# ---- the many-variable functions and SymPy conversion check expression objects too ----------------------------

@pytest.mark.parametrize("call", [
    lambda e, b: symdiff.gradient(e, budget=b),
    lambda e, b: symdiff.jacobian([e, e], budget=b),
    lambda e, b: symdiff.hessian(e, budget=b),
    lambda e, b: symdiff.steps(e, "x", budget=b),
    lambda e, b: symdiff.to_sympy(e, budget=b),
])
def test_expression_objects_over_max_size_are_refused_by_every_function(call):
    huge = symdiff.parse(" + ".join(f"x^{k}*y" for k in range(1, 60)))  # about 300 nodes as a tree
    with pytest.raises(symdiff.BudgetError, match="too large"):
        call(huge, symdiff.Budget(max_size=100))
    call(symdiff.parse("x^2*y"), symdiff.Budget(max_size=100))  # a small one is fine
