"""symdiff.difference_quotients: the textbook's table of difference quotients beside the exact derivative."""

import math

import pytest

import symdiff as sd
from symdiff.numeric.difference_quotients import limit_table
from symdiff.core.errors import EvaluationError

TEXTBOOK = """\
h=0.1      (f(x+h)-f(x))/h = 2.3
h=0.01                     = 2.03
h=0.001                    = 2.003
h=0.0001                   = 2.0003
h=1e-05                    = 2.00003
exact f'(1) = 2"""


def test_textbook_example():
    table = limit_table("3*x^2 - 4*x", "x", 1)
    assert table.text() == TEXTBOOK
    assert table.exact == sd.parse("2") and table.value == 2.0
    assert [h for h, _ in table.rows] == [0.1, 0.01, 0.001, 0.0001, 1e-05]
    assert [q for _, q in table.rows] == [2.3, 2.03, 2.003, 2.0003, 2.00003]  # exact, no cancellation noise


def test_latex_is_an_array_with_every_row():
    latex = limit_table("3*x^2 - 4*x", "x", 1).latex()
    assert latex.startswith("\\begin{array}") and latex.endswith("\\end{array}")
    for cell in ("0.1 & 2.3", "10^{-5} & 2.00003", "f'(1) = 2", "\\frac{f(x+h) - f(x)}{h}"):
        assert cell in latex


@pytest.mark.parametrize("text, at, exact", [
    ("sin(x)", "pi/3", "cos(pi/3)"),
    ("exp(x)", 0, "1"),
    ("x^3", "1/2", "3/4"),
    ("log(x)", 2, "1/2"),
])
def test_quotients_approach_the_exact_derivative(text, at, exact):
    table = limit_table(text, "x", at)
    assert table.exact == sd.simplify(exact)
    errors = [abs(q - table.value) for _, q in table.rows]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:]))  # each step closer
    assert errors[-1] < 1e-4 * max(1.0, abs(table.value))


def test_quotients_are_exact_to_many_digits():
    # (sin(1+h) - sin(1))/h at h = 1e-5, which floats get only to about 11 digits
    table = limit_table("sin(x)", "x", 1)
    h = 1e-5
    expected = (math.sin(1) * (math.cos(h) - 1) + math.cos(1) * math.sin(h)) / h  # no cancellation
    assert table.rows[-1][1] == pytest.approx(expected, rel=1e-13)


def test_decimal_point_gives_float_quotients():
    table = limit_table("x^2", "x", 0.5)
    assert table.value == 1.0
    assert table.rows[0][1] == pytest.approx(1.1)
    assert "exact f'(0.5) = 1" in table.text()


def test_other_symbols_take_values_and_steps_can_change():
    table = limit_table("x^2*y", at="1/2", values={"y": 3}, steps=3)
    assert table.variable == "x" and len(table.rows) == 3 and table.exact == sd.parse("3")


def test_irrational_exact_value_also_shown_as_decimal():
    assert "exact f'(2) = 1/2" in limit_table("log(x)", "x", 2).text()
    assert limit_table("exp(x)", "x", 1).text().endswith("exact f'(1) = exp(1) = 2.71828182846")


@pytest.mark.parametrize("text, at, message", [
    ("log(x)", 0, "log\\(x\\) is undefined at x = 0"),
    ("sqrt(x)", 0, "sqrt\\(x\\) is not differentiable where x = 0: it is real on one side only"),
    ("x^(3/2)", 0, "x\\^\\(3/2\\) is not differentiable where x = 0"),  # the derivative has a value there
    ("cbrt(x)", 0, "vertical tangent"),
    ("abs(x)", 0, "abs\\(x\\) is not differentiable where x = 0"),
])
def test_no_table_where_there_is_no_derivative(text, at, message):
    with pytest.raises(EvaluationError, match=message):
        limit_table(text, "x", at)


@pytest.mark.parametrize("call, message", [
    (lambda: limit_table("x*y", "x", 1), "give a value for y"),
    (lambda: limit_table("x", "x", 1, steps=0), "steps"),
    (lambda: limit_table("x", "x", "y"), "is not a number"),
])
def test_usage_errors(call, message):
    with pytest.raises(sd.UsageError, match=message):
        call()


def test_a_decimal_in_the_expression_or_a_value_gives_float_quotients():
    """Found by typing the module: a decimal in the expression made the exact branch divide a float, and a
    decimal value beside a closed-form point asked the point for a `.value` it has not."""
    decimal = sd.limit_table("0.5*x^2", "x", 1)
    assert decimal.rows[0][1] == pytest.approx(1.05) and decimal.value == 1.0
    mixed = sd.limit_table("x*y", "x", "pi", values={"y": 0.5})
    assert [q for _, q in mixed.rows] == pytest.approx([0.5] * 5, rel=1e-9)
