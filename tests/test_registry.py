"""Every row of the function registry is complete and consistent: adding a function is one row plus its tests, and
this file says what the row must hold. Each fact is checked against the row's own float implementation (and the
derivative against SymPy in tests/test_functions.py)."""

from __future__ import annotations

import math

import mpmath
import pytest
import sympy

import symdiff as sd
from symdiff import functions
from symdiff.calculus.partials import FORMULAS
from symdiff.functions.row import ARGUMENT_NAMES, FunctionRow
from symdiff.numeric.values import numeric_value

ROWS = functions.rows()


def row_id(row: FunctionRow) -> str:
    return f"{row.name}/{row.arity}"


def _points(row: FunctionRow) -> list:
    low, high = row.domain
    return [low + (high - low) * k / 6 for k in range(1, 6)]


def _arguments(row: FunctionRow, u: float) -> tuple:
    return (u,) if row.arity == 1 else (u, 2.5)


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_the_row_has_every_fact(row):
    assert row.name and row.name.isidentifier()
    assert row.english and row.english == row.english.strip()
    assert row.latex
    assert callable(row.real) and callable(row.complex(mpmath))
    assert isinstance(row.code, tuple) and len(row.code) == 2
    for template in row.code:
        assert all(f"{{{i}}}" in template for i in range(row.arity)), (row.name, template)
    if row.sympy_is_formula:  # a function SymPy does not have: its formula in the arguments
        assert sd.parse(row.sympy).free_symbols <= set(ARGUMENT_NAMES[:row.arity]), row.sympy
    else:
        assert getattr(sympy, row.sympy, None) is not None, f"SymPy has no {row.sympy}"
    low, high = row.domain
    assert low < high


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_the_partials_are_parsed_formulas_in_the_arguments(row):
    formulas = FORMULAS[row.name, row.arity]
    assert len(formulas) == row.arity
    for i, formula in enumerate(formulas):
        if formula is None:  # not differentiable in this argument
            assert i in row.not_differentiable
            continue
        assert formula.free_symbols <= set(ARGUMENT_NAMES[:row.arity])


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_real_complex_and_compiled_values_agree_on_the_domain(row):
    text = f"{row.name}({', '.join(['x', 'y'][:row.arity])})"
    compiled = sd.lambdify(text, ["x", "y"][:row.arity])
    for u in _points(row):
        arguments = _arguments(row, u)
        real = row.real(*arguments)
        assert math.isfinite(real)
        with mpmath.workdps(30):
            complex_value = complex(row.complex(mpmath)(*map(mpmath.mpf, arguments)))
        assert complex_value.real == pytest.approx(real, rel=1e-12, abs=1e-12)
        assert abs(complex_value.imag) < 1e-12
        assert compiled(*arguments) == pytest.approx(real, rel=1e-12, abs=1e-12)
        point = dict(zip("xy", arguments))
        assert numeric_value(sd.parse(text), point) == pytest.approx(real, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("row", [r for r in ROWS if r.parity], ids=row_id)
def test_parity(row):
    sign = -1 if row.parity == "odd" else 1
    for u in (0.3, 0.45, 0.7, 1.3, 2.0, 2.5):
        try:
            value, mirrored = row.real(u), row.real(-u)
        except (ValueError, ZeroDivisionError):
            continue
        assert mirrored == pytest.approx(sign * value, rel=1e-12, abs=1e-12), (row.name, u)


@pytest.mark.parametrize("row", [r for r in ROWS if r.special], ids=row_id)
def test_special_values(row):
    for argument, value in row.special.items():
        assert row.real(numeric_value(argument, {})) == pytest.approx(numeric_value(value, {}), abs=1e-12)
        assert sd.simplify(sd.Func(row.name, argument)) is value


@pytest.mark.parametrize("row", [r for r in ROWS if r.poles], ids=row_id)
def test_poles_have_no_value(row):
    for argument in row.poles:
        at = numeric_value(argument, {})
        with pytest.raises((ValueError, ZeroDivisionError)):
            row.real(at)
        with pytest.raises(sd.UndefinedError) as caught:
            sd.simplify(sd.Func(row.name, argument))
        assert caught.value.reason is sd.Reason.POLE
        with mpmath.workdps(30):  # infinite there: large (in the complex plane) close by
            near = abs(complex(row.complex(mpmath)(mpmath.mpf(at) + mpmath.mpf("1e-8"))))
        assert near > 5, f"{row.name} is not large near its pole {argument}"


@pytest.mark.parametrize("row", [r for r in ROWS if r.kinks], ids=row_id)
def test_kinks_are_where_the_one_sided_slopes_differ(row):
    h = 1e-6
    for argument in row.kinks:
        at = numeric_value(argument, {})
        right = (row.real(at + h) - row.real(at)) / h
        left = (row.real(at) - row.real(at - h)) / h
        assert abs(right - left) > 1e-3 or not math.isclose(row.real(at + h), row.real(at - h))


@pytest.mark.parametrize("row", [r for r in ROWS if r.sin_cos], ids=row_id)
def test_sin_cos_forms(row):
    for u in (0.3, 0.9, 1.2):
        parts = {"sin": math.sin(u), "cos": math.cos(u), "1": 1.0}
        top, bottom = (parts[p] for p in row.sin_cos)
        assert row.real(u) == pytest.approx(top / bottom, rel=1e-12)


@pytest.mark.parametrize("row", [r for r in ROWS if r.addition], ids=row_id)
def test_addition_partner(row):
    partner, sign = row.addition
    assert functions.lookup(partner, 1) is not None
    even = functions.lookup(partner, 1).real
    for u in (0.3, 0.9, 2.0):  # cos^2 = 1 - sin^2, cosh^2 = 1 + sinh^2
        assert even(u) ** 2 == pytest.approx(1 + sign * row.real(u) ** 2, rel=1e-12)


@pytest.mark.parametrize("row", [r for r in ROWS if r.rational], ids=row_id)
def test_rational_values(row):
    from fractions import Fraction
    for q in (Fraction(-3, 2), Fraction(0), Fraction(5, 7)):
        assert float(row.rational(q)) == pytest.approx(row.real(float(q)))


@pytest.mark.parametrize("row", [r for r in ROWS if r.total], ids=row_id)
def test_total_functions_have_a_value_everywhere(row):
    for u in (-50.0, -3.0, -0.5, 0.0, 0.5, 3.0, 50.0):
        assert math.isfinite(row.real(*_arguments(row, u)))


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_aliases_read_as_the_row(row):
    arguments = ", ".join(["x", "y"][:row.arity])
    for alias in row.aliases:
        assert sd.parse(f"{alias}({arguments})") is sd.parse(f"{row.name}({arguments})")


def test_the_registry_cannot_be_changed():
    with pytest.raises(TypeError):
        functions.REGISTRY["new", 1] = ROWS[0]
    with pytest.raises(TypeError):
        functions.ALIASES["new"] = "sin"
