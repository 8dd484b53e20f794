"""Resource limits (symdiff.core.budget): every limit at its value and just beyond, configurable per call, per block
and per process, and deep or huge inputs ending in a result or a BudgetError, never a RecursionError."""

from __future__ import annotations

import sys
import threading
import time

import pytest

import symdiff
from symdiff import api, budget
from symdiff.core.errors import BudgetError, ParseError, SymdiffError
from symdiff.core.expr import Func, Num, Pow, Sym
from symdiff.core.budget import DEFAULT_BUDGET, Budget

DEPTH = DEFAULT_BUDGET.max_depth


def nested(function: str, n: int, inner: str = "x") -> str:
    return f"{function}(" * n + inner + ")" * n


def pipeline(text: str, **options) -> list[str]:
    """Everything a caller can do with an input: parse, differentiate, simplify, print three ways."""
    expr = api.parse(text, **options)
    outputs = []
    for level in ("full", "basic", False):
        result = api.diff(expr, "x", simplify=level, **options)
        outputs += [api.text(result, **options), api.latex(result, **options), api.sympy_code(result, **options)]
    outputs.append(api.text(api.simplify(expr, **options), **options))
    return outputs


# ---- configuration ----------------------------------------------------------------------------------------

def test_defaults_are_documented_values():
    assert DEFAULT_BUDGET == Budget(max_input_length=100_000, max_depth=100, max_digits=1000,
                                    max_result_digits=4000, max_order=1000, max_size=1_000_000)
    assert symdiff.MAX_ORDER == DEFAULT_BUDGET.max_order
    assert budget.current() == DEFAULT_BUDGET


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10", None])
def test_limits_must_be_positive_whole_numbers(bad):
    with pytest.raises(ValueError):
        Budget(max_depth=bad)


def test_limits_per_call_per_block_and_per_process():
    with pytest.raises(BudgetError):
        symdiff.parse("sin(sin(x))", budget=Budget(max_depth=1))
    with budget.use(max_depth=1):
        assert budget.current().max_depth == 1
        with pytest.raises(BudgetError):
            symdiff.parse("sin(sin(x))")
        assert str(symdiff.parse("sin(sin(x))", budget=Budget())) == "sin(sin(x))"  # the call's own wins
    assert budget.current() == DEFAULT_BUDGET
    try:
        budget.set_default(Budget(max_order=3))
        with pytest.raises(BudgetError):
            symdiff.diff("x^5", "x", order=4)
        with budget.use(max_order=4):
            assert str(symdiff.diff("x^5", "x", order=4)) == "120*x"
    finally:
        budget.set_default(DEFAULT_BUDGET)
    assert str(symdiff.diff("x^5", "x", order=4)) == "120*x"


def test_limits_are_per_thread():
    seen = {}

    def other():
        seen["depth"] = budget.current().max_depth

    with budget.use(max_depth=7):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen["depth"] == DEPTH


# ---- input length ------------------------------------------------------------------------------------------

def test_input_length_at_and_over_the_limit():
    small = Budget(max_input_length=50)
    assert symdiff.parse("x" * 50, budget=small) == Sym("x" * 50)
    with pytest.raises(BudgetError, match="input too long: 51 characters, the limit is 50") as info:
        symdiff.parse("x" * 51, budget=small)
    assert info.value.position is None  # no caret line: the input may be megabytes


def test_a_megabyte_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(BudgetError):
        symdiff.parse("x+" * 500_000 + "x")
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("operator, builder", [("+", "add"), ("-", "add"), ("*", "mul"), ("/", "mul"),
                                               (" ", "mul")])
def test_long_sums_and_products_are_built_once(operator, builder, monkeypatch):
    """Linear time: a sum of n terms is built by one call with n terms, not n calls copying the terms so far
    (quadratic: minutes for a megabyte)."""
    import symdiff.parsing.pending
    import symdiff.parsing.text_builder
    calls = []
    original = getattr(symdiff.parsing.pending, builder)

    def spy(*items):
        calls.append(len(items))
        return original(*items)
    for module in (symdiff.parsing.pending, symdiff.parsing.text_builder):  # + - * and juxtaposition; /
        if hasattr(module, builder):
            monkeypatch.setattr(module, builder, spy)
    n = 5_000
    expr = symdiff.parse(operator.join(f"x{i}" for i in range(n)))
    assert len(expr.args) == n
    assert calls == [n]


def test_the_longest_input_allowed_parses_in_seconds():
    text = "+".join(f"x{i}" for i in range(15_000))[:DEFAULT_BUDGET.max_input_length - 10]
    start = time.perf_counter()
    symdiff.parse(text.rstrip("+x"))
    assert time.perf_counter() - start < 20  # about 1 s on an idle machine


# ---- nesting ---------------------------------------------------------------------------------------------

def test_nesting_at_the_limit_runs_through_the_whole_pipeline():
    for text in (nested("sin", DEPTH), "(" * DEPTH + "x" + ")" * DEPTH, "^".join(["x"] * 20),
                 "(" * (DEPTH // 2) + "x" + "+1)*x" * (DEPTH // 2)):
        assert all(pipeline(text))


def test_nesting_one_over_the_limit_is_refused_with_a_caret():
    text = "(" * (DEPTH + 1) + "x" + ")" * (DEPTH + 1)
    with pytest.raises(BudgetError, match="too deeply nested") as info:
        symdiff.parse(text)
    assert info.value.position == DEPTH  # the bracket that goes too deep
    with pytest.raises(BudgetError, match="too deeply nested"):
        symdiff.parse(nested("sin", DEPTH + 1))


@pytest.mark.parametrize("text", [
    "(" * 10_000 + "x" + ")" * 10_000,
    nested("sin", 5_000),
    "(" * 10_000,
    "^".join(["x"] * 5_000),                 # deep without brackets: x^(x^(x^...))
    "-" * 50_000 + "x",                      # unary minus: flat, not deep
    "2^" * 3_000 + "2",
    "D[" * 5_000,
    "f(" * 5_000 + "x" + ")" * 5_000,
])
def test_very_deep_inputs_give_a_result_or_a_limit_error(text):
    start = time.perf_counter()
    try:
        pipeline(text)
    except SymdiffError as error:
        assert isinstance(error, (BudgetError, ParseError)), error
    assert time.perf_counter() - start < 10


def test_deep_expressions_built_in_python_are_limit_errors_not_recursion_errors():
    node = Sym("x")
    for _ in range(20_000):
        node = Func("sin", node)
    for call in (lambda: symdiff.diff(node, "x"), lambda: symdiff.simplify(node), lambda: symdiff.text(node),
                 lambda: symdiff.latex(node)):
        with pytest.raises(BudgetError, match="too deeply nested"):
            call()


def test_the_recursion_limit_is_put_back():
    before = sys.getrecursionlimit()
    pipeline(nested("sin", DEPTH))
    with pytest.raises(BudgetError):
        symdiff.text(_deep_pow(20_000))
    assert sys.getrecursionlimit() == before


def _deep_pow(n):
    node = Sym("x")
    for _ in range(n):
        node = Pow(Sym("y"), node)
    return node


def test_nesting_at_the_limit_from_a_deep_caller_and_in_a_thread():
    def deep_caller(levels):
        if levels:
            return deep_caller(levels - 1)
        return pipeline(nested("sin", DEPTH))

    assert all(deep_caller(sys.getrecursionlimit() - 100))
    results = []
    thread = threading.Thread(target=lambda: results.append(pipeline(nested("cos", DEPTH))))
    thread.start()
    thread.join()
    assert results and all(results[0])


# ---- numbers ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2^(10^10)", "2^10000000000"),
    ("10^(10^6)", "10^1000000"),
    ("2^2^2^2^2^2", "2^(2^65536)"),
    ("(1/3)^100000", "(1/3)^100000"),
    ("10^999", "1" + "0" * 999),             # 1000 digits: exact
    ("10^1000", "10^1000"),                  # 1001 digits: stays a power
    ("x^2^3^4^5^6", "x^(2^(3^(4^15625)))"),  # 4^15625 has 9408 digits
])
def test_huge_powers_of_numbers_stay_symbolic(text, expected):
    assert symdiff.text(symdiff.simplify(text, "basic")) == expected


def test_integer_literal_digits_at_and_over_the_limit():
    assert symdiff.parse("9" * 1000) == Num(int("9" * 1000))
    assert symdiff.parse("0" * 5000 + "7") == Num(7)  # leading zeros are not digits that count
    with pytest.raises(BudgetError, match="number too long: 1001 digits") as info:
        symdiff.parse("x + " + "9" * 1001)
    assert info.value.position == 4
    with pytest.raises(BudgetError):
        symdiff.parse("1" * 100_000)  # over Python's own 4300-digit conversion limit: no ValueError


def test_numbers_past_max_result_digits_are_limit_errors():
    with pytest.raises(BudgetError, match="more than 4000 digits"):
        symdiff.simplify("*".join(["10^999"] * 5), "basic")  # exact products
    with pytest.raises(BudgetError, match="more than 4000 digits"):
        symdiff.simplify("+".join(["10^999*10^999*10^999*10^999*10^999"]), "basic")


@pytest.mark.parametrize("text", ["(10^999)^2*(10^999)^2*10^999", "x^(10^999)*x^(10^999)*y^(10^999)^4"])
def test_powers_of_huge_numbers_stay_powers_and_print(text):
    assert "^" in symdiff.text(symdiff.simplify(text, "basic"))


def test_derivatives_that_grow_numbers_stop_at_the_limit():
    with pytest.raises(BudgetError):
        symdiff.diff("x^(10^999)", "x", order=10, simplify="basic")


@pytest.mark.parametrize("text", ["1e308*10", "10^400*0.5", "10^400 + 0.5", "x*1e308*1e308", "1/5e-324",
                                  "1e308 + 1e308"])
def test_float_overflow_is_a_limit_error(text):
    with pytest.raises(BudgetError):
        symdiff.text(symdiff.simplify(text))


def test_float_functions_that_overflow_stay_unevaluated():
    assert str(symdiff.simplify("exp(1000.0)")) == "exp(1000.0)"
    assert str(symdiff.simplify("sinh(1e308)")) == "sinh(1e+308)"
    assert str(symdiff.simplify("1e-999")) == "0.0"


# ---- derivative order and size ---------------------------------------------------------------------------

def test_derivative_order_at_and_over_the_limit():
    assert str(symdiff.diff("x^2", "x", order=1000)) == "0"
    with pytest.raises(BudgetError, match="over the limit of 1000"):
        symdiff.diff("x^2", "x", order=1001)
    with pytest.raises(BudgetError):
        symdiff.diff("x", "x", order=100_000)
    assert str(symdiff.parse("f" + "'" * 1000 + "(x)")).count("'") == 1000
    for text in ("f" + "'" * 1001 + "(x)", "D[1001](f)(x)", "D[600,401](f)(x, y)", "D[" + "9" * 5000 + "](f)(x)"):
        with pytest.raises(BudgetError, match="derivative order"):
            symdiff.parse(text)


def test_a_derivative_too_large_to_build_is_refused_before_it_is_built():
    product = "*".join(f"sin(x + {i})" for i in range(1_500))  # 1500 terms of 1500 factors
    start = time.perf_counter()
    with pytest.raises(BudgetError, match="derivative would be too large"):
        symdiff.diff(product, "x", simplify=False)
    assert time.perf_counter() - start < 5
    assert symdiff.diff(product, "x", simplify=False, budget=Budget(max_size=10_000_000)) is not None


def test_results_bigger_than_max_size_are_refused():
    with pytest.raises(BudgetError, match="too large"):
        symdiff.diff("tan(tan(tan(x)))", "x", order=8, simplify=False, budget=Budget(max_size=20_000))


def test_long_lines_show_a_window_around_the_caret():
    text = "x + " * 1000 + "$" + " + x" * 1000
    with pytest.raises(ParseError) as info:
        symdiff.parse(text)
    line, caret = info.value.caret().split("\n")
    assert len(line) < 120 and line.startswith("...") and line.endswith("...")
    assert line[caret.index("^")] == "$"


def test_str_of_a_deep_expression_built_in_python_is_a_limit_error_not_a_recursion_error():
    deep = Sym("x")
    for _ in range(3000):
        deep = Func("sin", deep)
    with pytest.raises(BudgetError):
        str(deep)
    shallow = Sym("x")
    for _ in range(90):
        shallow = Func("sin", shallow)
    assert str(shallow).count("sin(") == 90
