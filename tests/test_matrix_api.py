"""Matrix calculus through the public API (issue 20): symbols with shapes, the operators, shape errors, matrix_diff
in every kind and layout, the MatrixDerivative's views (text, LaTeX, JSON, steps, checks, NumPy), the scalar API
functions given matrix expressions, budgets and hostile input. Bugs found are strict xfails, each with its reason."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import symdiff as sd
from symdiff import SymdiffError
from symdiff.core.errors import ShapeError

x = sd.VectorSymbol("x", "n")
A = sd.MatrixSymbol("A", "n", "n")
B = sd.MatrixSymbol("B", "n", "n")
X = sd.MatrixSymbol("X", "m", "n")
w = sd.VectorSymbol("w", "n")
y = sd.VectorSymbol("y", "m")
s = sd.ScalarSymbol("s")
quadratic = x.T @ A @ x
least_squares = sd.norm(X @ w - y) ** 2

# A Python traceback type: what a hostile input must never raise.
NOT_SYMDIFF = (RecursionError, MemoryError, TypeError, AttributeError, ValueError, KeyError, IndexError,
               ZeroDivisionError, OverflowError, AssertionError)


def shape_text(expr) -> tuple[str, str]:
    return tuple(str(d) for d in expr.shape)


# ------------------------------------------------------------------------------------------------------ symbols

def test_symbols_have_the_shapes_they_are_given():
    assert shape_text(sd.MatrixSymbol("A", "n", "n")) == ("n", "n")
    assert shape_text(sd.MatrixSymbol("A", "n")) == ("n", "n")  # square when cols is left out
    assert shape_text(sd.MatrixSymbol("X", "m", "n")) == ("m", "n")
    assert shape_text(sd.MatrixSymbol("M", 2, 3)) == ("2", "3")
    assert shape_text(sd.VectorSymbol("v", 4)) == ("4", "1")
    assert shape_text(s) == ("1", "1")
    assert x.is_vector and not x.is_scalar and s.is_scalar and not A.is_vector
    assert (str(x), str(A), str(s)) == ("x", "A", "s")


def test_vector_with_a_name_and_a_size_is_a_vector_symbol_and_with_entries_the_old_tuple():
    v = sd.Vector("x", "n")
    assert v == sd.VectorSymbol("x", "n")
    assert type(v) is type(sd.VectorSymbol("x", "n"))
    assert shape_text(v) == ("n", "1")
    assert str(sd.gradient(v.T @ A @ v, v)) == "(A + A')*x"
    old = sd.Vector([1, 2])
    assert isinstance(old, tuple) and isinstance(old, sd.Vector)
    assert old == (1, 2) and old.shape == (2, 1) and old.text() == "[1, 2]"
    with pytest.raises(sd.UsageError):
        sd.Vector([1, 2], 3)


def test_symbol_properties_are_checked_against_the_shape():
    with pytest.raises(ShapeError):
        sd.MatrixSymbol("X", "m", "n", symmetric=True)
    S = sd.MatrixSymbol("S", "n", symmetric=True)
    assert str(S.T) == "S"
    assert str(sd.MatrixSymbol("D", "n", diagonal=True).T) == "D"


# ---------------------------------------------------------------------------------------------------- operators

@pytest.mark.parametrize("build, text, shape", [
    (lambda: A + A.T, "A + A'", ("n", "n")),
    (lambda: A - A, "zeros(n, n)", ("n", "n")),
    (lambda: 2 * A, "2*A", ("n", "n")),
    (lambda: A * 2, "2*A", ("n", "n")),
    (lambda: A * x, "A*x", ("n", "1")),
    (lambda: A @ x, "A*x", ("n", "1")),
    (lambda: A @ 2, "2*A", ("n", "n")),
    (lambda: A / 2, "A/2", ("n", "n")),
    (lambda: x / s, "x/s", ("n", "1")),
    (lambda: s * x, "s*x", ("n", "1")),
    (lambda: -A, "-A", ("n", "n")),
    (lambda: -(-x), "x", ("n", "1")),  # noqa: B002 - a double negation, not a decrement
    (lambda: x + (-x), "zeros(n)", ("n", "1")),
    (lambda: x + x, "2*x", ("n", "1")),
    (lambda: x.T, "x'", ("1", "n")),
    (lambda: x.T.T, "x", ("n", "1")),
    (lambda: (A @ x).T, "x'*A'", ("1", "n")),
    (lambda: x.T @ x, "x'*x", ("1", "1")),
    (lambda: x.T @ A, "x'*A", ("1", "n")),
    (lambda: (x.T @ x) ** 2, "(x'*x)^2", ("1", "1")),
    (lambda: x.T @ x + 1, "1 + x'*x", ("1", "1")),
    (lambda: (x.T @ x) / (x.T @ x), "1", ("1", "1")),
    (lambda: A @ A, "A*A", ("n", "n")),
    (lambda: A ** 2, "A.^2", ("n", "n")),  # ** is entrywise (as in NumPy), documented in nodes.py
    (lambda: X @ w - y, "X*w - y", ("m", "1")),
])
def test_operators(build, text, shape):
    e = build()
    assert (str(e), shape_text(e)) == (text, shape)


@pytest.mark.parametrize("build, operands, shapes", [
    (lambda: A @ y, ("A", "y"), ("n x n", "vector of m")),
    (lambda: A * y, ("A", "y"), ("n x n", "vector of m")),
    (lambda: x * x, ("x", "x"), ("vector of n", "vector of n")),
    (lambda: A + x, ("A", "x"), ("n x n", "vector of n")),
    (lambda: x - y, ("x", "-y"), ("vector of n", "vector of m")),  # a difference is a sum
    (lambda: x / A, ("x", "A"), ("vector of n", "n x n")),
    (lambda: X @ X, ("X", "X"), ("m x n", "m x n")),
])
def test_shape_errors_name_the_mismatched_operands(build, operands, shapes):
    with pytest.raises(SymdiffError) as caught:
        build()
    error = caught.value
    assert isinstance(error, ShapeError) and isinstance(error, sd.UsageError)
    assert (error.operands, error.shapes) == (operands, shapes)
    assert "shapes do not fit" in str(error)


def test_shape_error_is_exported():
    assert sd.ShapeError is ShapeError and "ShapeError" in sd.__all__ and "NotMatrixFormError" in sd.__all__


def test_shape_error_of_a_product_in_words():
    with pytest.raises(SymdiffError) as caught:
        A @ y
    assert str(caught.value) == "shapes do not fit in a product: A (n x n) and y (vector of m)"
    assert caught.value.operation == "a product"


@pytest.mark.parametrize("build", [
    lambda: sd.trace(x), lambda: sd.det(X), lambda: sd.inv(X), lambda: sd.logdet(X), lambda: sd.softmax(A),
    lambda: sd.logsumexp(A),
])
def test_shape_errors_of_functions(build):
    with pytest.raises(SymdiffError) as caught:
        build()
    assert type(caught.value).__name__ == "ShapeError"


@pytest.mark.parametrize("build", [lambda: x + "y", lambda: x + None, lambda: x + [1], lambda: x + sd.Vector([1, 2]),
                                   lambda: (x.T @ x) + sd.Symbol("t")])
def test_things_that_are_not_matrix_expressions_are_usage_errors(build):
    with pytest.raises(sd.UsageError):
        build()


@pytest.mark.parametrize("build", [lambda: x ** x, lambda: s ** s, lambda: x ** s, lambda: x ** "2"])
def test_a_symbolic_exponent_is_a_symdiff_error(build):
    with pytest.raises(sd.UsageError, match="the exponent of a vector, matrix or scalar expression is a constant"):
        build()


def test_a_number_divided_by_a_scalar_matrix_expression():
    assert (str(1 / s), shape_text(1 / s)) == ("1/s", ("1", "1"))
    assert (str(2 / (x.T @ x)), shape_text(2 / (x.T @ x))) == ("2/(x'*x)", ("1", "1"))
    assert str(sd.matrix_diff(1 / (x.T @ x), x)) == str(sd.matrix_diff("1/(x'*x)", "x", shapes="x: n"))
    with pytest.raises(ShapeError):
        1 / x


def test_a_number_added_to_a_vector_is_broadcast_as_in_the_reader():
    assert str(1 + sd.exp(x)) == str(sd.parse_matrix("1 + exp.(x)", "x: n")) == "exp.(x) + ones(n)"
    assert str(A + 1) == "A + ones(n, n)"
    loss = sd.entry_sum(sd.log(1 + sd.exp(-sd.hadamard(y, X @ w))))
    assert str(sd.matrix_diff(loss, w)) == "-X'*(y .* sigmoid.(-(y .* (X*w))))"


def test_two_symbols_of_one_name_and_different_shapes_are_refused():
    x_m = sd.VectorSymbol("x", "m")
    with pytest.raises(SymdiffError):
        x.T @ x + x_m.T @ x_m
    with pytest.raises(SymdiffError):
        x.T @ A @ x + x.T @ sd.MatrixSymbol("A", "n", symmetric=True) @ x


@pytest.mark.parametrize("name, size", [("x", -1), ("x", 0), ("x", 2.5), ("x", None), ("x", "2x"), ("x", "n m"),
                                        ("", "n"), ("a b", "n"), ("x'", "n"), ("2x", 3)])
def test_bad_sizes_and_names_are_refused(name, size):
    with pytest.raises(SymdiffError):
        sd.VectorSymbol(name, size)
    with pytest.raises(SymdiffError):
        sd.MatrixSymbol(name, size, size)


# ------------------------------------------------------------------------------------- entrywise functions

@pytest.mark.parametrize("build, text, shape, derivative", [
    (lambda: sd.exp(x), "exp.(x)", ("n", "1"), "diag(exp.(x))"),
    (lambda: sd.tanh(x), "tanh.(x)", ("n", "1"), "diag(ones(n) - tanh.(x).^2)"),
    (lambda: sd.softmax(x), "softmax(x)", ("n", "1"), "diag(softmax(x)) - softmax(x)*softmax(x)'"),
    (lambda: sd.logsumexp(x), "logsumexp(x)", ("1", "1"), "softmax(x)"),
])
def test_functions_of_vectors(build, text, shape, derivative):
    e = build()
    assert (str(e), shape_text(e)) == (text, shape)
    d = sd.matrix_diff(e, x)
    assert d.kind == ("gradient" if shape == ("1", "1") else "jacobian")
    assert str(d) == derivative
    assert d.check(sizes=(2, 3)).agrees


def test_entrywise_of_a_matrix_and_a_scalar():
    assert str(sd.exp(A)) == "exp.(A)"
    assert str(sd.entrywise("sin", x)) == "sin.(x)"
    assert str(sd.sqrt(x.T @ x)) == str(sd.parse_matrix("sqrt(x'*x)", "x: n"))
    with pytest.raises(sd.UsageError):
        sd.max(x, x)


# ------------------------------------------------------------------------------ the scalar API, given matrices

def test_the_module_docstring_examples():
    assert str(sd.gradient(quadratic, x)) == "(A + A')*x"
    assert str(sd.hessian(least_squares, w)) == "2*X'*X"
    assert str(sd.matrix_diff("logdet(S)", "S", shapes="S: n x n positive definite")) == "inv(S)"


def test_gradient_jacobian_hessian_diff_steps_of_matrix_expressions():
    assert str(sd.gradient(least_squares, w)) == "2*X'*(X*w - y)"
    assert str(sd.gradient(least_squares, "w")) == "2*X'*(X*w - y)"
    assert str(sd.gradient(least_squares, [w])) == "2*X'*(X*w - y)"
    assert str(sd.gradient(quadratic, x, layout="numerator")) == "x'*(A + A')"
    assert str(sd.gradient(x.T @ x)) == "2*x"  # the only symbol
    assert str(sd.jacobian(A @ x, x)) == "A"  # numerator layout, the default of jacobian
    assert str(sd.jacobian(A @ x, x, layout="denominator")) == "A'"
    assert str(sd.jacobian(A @ x, "x")) == "A"
    assert str(sd.hessian(quadratic, x)) == "A + A'"
    assert str(sd.diff(quadratic, x)) == "(A + A')*x"
    assert str(sd.diff(quadratic, "x")) == "(A + A')*x"
    assert str(sd.diff(A @ x, x)) == "A'"  # matrix_diff's default layout: denominator
    steps = sd.steps(quadratic, x)
    assert isinstance(steps, sd.MatrixSteps)
    assert steps.text().splitlines()[-1] == "df = g'*dx gives the gradient g = (A + A')*x"
    assert isinstance(sd.diff(quadratic, x), sd.MatrixDerivative)


def test_scalar_api_refusals_for_matrix_expressions():
    with pytest.raises(sd.UsageError, match="Hessian"):
        sd.diff(quadratic, x, order=2)
    with pytest.raises(sd.UsageError, match="one vector or matrix variable"):
        sd.gradient(quadratic, [x, A])
    with pytest.raises(sd.UsageError, match="which variable"):
        sd.hessian(quadratic)


def test_the_old_scalar_api_is_unchanged():
    assert str(sd.gradient("x^2*y")) == "[2*x*y, x^2]"
    assert str(sd.jacobian("x*y, x + y^2", "x,y")) == "[[y, x], [1, 2*y]]"
    assert str(sd.diff("x^3", "x")) == "3*x^2"


# ------------------------------------------------------------------------------------------------- matrix_diff

def test_every_kind_in_both_layouts_of_a_quadratic_form():
    got = {(kind, layout): sd.matrix_diff(quadratic if kind != "jacobian" else A @ x, x, kind, layout)
           for kind in ("gradient", "jacobian", "hessian", "differential")
           for layout in ("numerator", "denominator")}
    assert {k: (str(v), shape_text(v)) for k, v in got.items()} == {
        ("gradient", "numerator"): ("x'*(A + A')", ("1", "n")),
        ("gradient", "denominator"): ("(A + A')*x", ("n", "1")),
        ("jacobian", "numerator"): ("A", ("n", "n")),
        ("jacobian", "denominator"): ("A'", ("n", "n")),
        ("hessian", "numerator"): ("A + A'", ("n", "n")),
        ("hessian", "denominator"): ("A + A'", ("n", "n")),
        ("differential", "numerator"): ("x'*(A + A')*dx", ("1", "1")),
        ("differential", "denominator"): ("x'*(A + A')*dx", ("1", "1")),
    }
    for (kind, layout), d in got.items():
        assert (d.kind, d.layout, d.variable) == (kind, layout, x)
        if (kind, layout) != ("gradient", "numerator"):  # see test_check_of_a_numerator_gradient (a bug)
            assert d.check(sizes=(2,)).agrees, (kind, layout)


@pytest.mark.parametrize("f, variable, shapes", [
    ("A*x", "x", "A: m x n, x: n"),
    ("exp.(X*w)", "w", "X: m x n, w: n"),
    ("(X*w) .* y", "w", "X: m x n, w: n, y: m"),
    ("softmax(W*x)", "x", "W: k x n, x: n"),
    ("A*X*B", "X", "A: p x m, X: m x n, B: n x q"),
    ("inv(S)*b", "S", "S: n x n, b: n"),
])
def test_jacobian_numerator_and_denominator_are_transposes(f, variable, shapes):
    numerator = sd.matrix_diff(f, variable, "jacobian", "numerator", shapes=shapes)
    denominator = sd.matrix_diff(f, variable, "jacobian", "denominator", shapes=shapes)
    assert shape_text(numerator) == shape_text(denominator)[::-1]
    assert str(sd.transpose(numerator.value)) == str(denominator.value)
    assert str(sd.transpose(denominator.value)) == str(numerator.value)
    assert numerator.check(sizes=(2,)).agrees and denominator.check(sizes=(2,)).agrees


@pytest.mark.parametrize("f, variable, shapes", [
    ("x'*A*x", "x", "x: n, A: n x n"),
    ("norm(X*w - y)^2", "w", "X: m x n, w: n, y: m"),
    ("tr(X'*A*X)", "X", "X: n x m, A: n x n"),
    ("logdet(S)", "S", "S: n x n positive definite"),
    ("sum(log.(1 + exp.(-y .* (X*w))))", "w", "X: m x n, w: n, y: m"),
])
def test_gradient_numerator_is_the_transpose_of_denominator(f, variable, shapes):
    numerator = sd.matrix_diff(f, variable, "gradient", "numerator", shapes=shapes)
    denominator = sd.matrix_diff(f, variable, "gradient", "denominator", shapes=shapes)
    assert shape_text(numerator) == shape_text(denominator)[::-1]
    assert str(sd.transpose(denominator.value)) == str(numerator.value)
    variable_symbol = denominator.variable
    assert shape_text(denominator) == shape_text(variable_symbol)  # the gradient has the variable's shape
    assert denominator.check(sizes=(2,)).agrees


@pytest.mark.parametrize("f, variable, shapes", [
    ("x'*A*x", "x", "x: n, A: n x n"),
    ("tr(A*X)", "X", "A: n x m, X: m x n"),
    ("logdet(S)", "S", "S: n x n"),
])
def test_check_of_a_numerator_gradient(f, variable, shapes):
    assert sd.matrix_diff(f, variable, "gradient", "numerator", shapes=shapes).check(sizes=(2,)).agrees


@pytest.mark.parametrize("f, variable, kind, shapes, expected", [
    ("x'*A*x", "x", "auto", "x: n, A: n x n", "(A + A')*x"),
    ("x'*A*x", "x", "auto", "x: n, A: n x n symmetric", "2*A*x"),
    ("norm(X*w - y)^2", "w", "auto", "X: m x n, w: n, y: m", "2*X'*(X*w - y)"),
    ("norm(X*w - y)^2", "w", "hessian", "X: m x n, w: n, y: m", "2*X'*X"),
    ("logdet(S)", "S", "auto", "S: n x n positive definite", "inv(S)"),
    ("logdet(S)", "S", "auto", "S: n x n", "inv(S)'"),
    ("tr(A*X)", "X", "auto", "A: n x m, X: m x n", "A'"),
    ("A*x", "x", "auto", "A: m x n, x: n", "A'"),
    ("sum(log.(1 + exp.(-y .* (X*w))))", "w", "auto", "X: m x n, w: n, y: m",
     "-X'*(y .* sigmoid.(-(y .* (X*w))))"),
    ("logsumexp(W*x) - y'*W*x", "W", "auto", "W: k x n, x: n, y: k", "(softmax(W*x) - y)*x'"),
])
def test_matrix_diff_of_text(f, variable, kind, shapes, expected):
    d = sd.matrix_diff(f, variable, kind, shapes=shapes)
    assert str(d) == expected


def test_shapes_given_as_a_mapping_of_symbols():
    d = sd.matrix_diff("x'*A*x", "x", shapes={"x": x, "A": A})
    assert str(d) == "(A + A')*x"


def test_notes_of_the_reading_are_kept():
    d = sd.matrix_diff("sum(log.(1 + exp.(-y .* (X*w))))", "w", shapes="X: m x n, w: n, y: m")
    assert d.notes == ("the scalar 1 is added to each entry (broadcast, as NumPy does)",)
    assert sd.matrix_diff(quadratic, x).notes == ()


def test_a_variable_absent_from_the_expression_gives_zeros_of_the_right_shape():
    z, C = sd.VectorSymbol("z", "m"), sd.MatrixSymbol("C", "m", "k")
    assert (str(sd.matrix_diff(quadratic, z)), shape_text(sd.matrix_diff(quadratic, z))) == ("zeros(m)", ("m", "1"))
    assert str(sd.matrix_diff(quadratic, C)) == "zeros(m, k)"
    assert str(sd.matrix_diff(A @ x, z, "jacobian")) == "zeros(n, m)"  # numerator: d f/d z'
    assert str(sd.matrix_diff(A @ x, z, "jacobian", "denominator")) == "zeros(m, n)"
    assert str(sd.matrix_diff(A @ x, z)) == "zeros(m, n)"  # auto: the gradient's layout, denominator
    assert str(sd.matrix_diff(quadratic, z, "hessian")) == "zeros(m, m)"
    assert str(sd.matrix_diff(quadratic, z, "differential")) == "0"
    assert str(sd.matrix_diff(quadratic, s)) == "0"


def test_scalar_variables():
    assert str(sd.matrix_diff(s ** 2 * (x.T @ x), s)) == "2*s*x'*x"
    assert str(sd.matrix_diff(s * x, s)) == "x'"  # a Jacobian in the denominator layout: 1 x n


@pytest.mark.parametrize("call, error, message", [
    (lambda: sd.matrix_diff(quadratic, "q"), "UsageError", "q is not a symbol of x'*A*x (its symbols: A, x)"),
    (lambda: sd.matrix_diff(quadratic, x, "laplacian"), "UsageError",
     "unknown kind 'laplacian': use one of auto, gradient, jacobian, hessian, differential"),
    (lambda: sd.matrix_diff(quadratic, x, layout="mixed"), "UsageError",
     "unknown layout 'mixed': use one of denominator, numerator"),
    (lambda: sd.matrix_diff(quadratic), "UsageError",
     "say which variable to differentiate in (wrt): the expression has the symbols A, x"),
    (lambda: sd.matrix_diff(A @ x, x, "gradient"), "ShapeError",
     "a gradient is of a scalar, and A*x is a vector of n: ask for its Jacobian"),
    (lambda: sd.gradient(A @ x, x), "ShapeError",
     "a gradient is of a scalar, and A*x is a vector of n: ask for its Jacobian"),
    (lambda: sd.matrix_diff("x'*x", "x", shapes="x: n x"), "ParseError",
     "expected a shape: scalar, n (a vector of n), m x n (a matrix) (column 7)"),
    (lambda: sd.matrix_diff("A*y", "y", shapes="A: n x n, y: m"), "ShapeError",
     "shapes do not fit in a product: A (n x n) and y (vector of m) (column 2)"),
    (lambda: sd.MatrixDerivative.numpy(sd.matrix_diff(quadratic, x), ["q"]), "UsageError",
     "q is not a symbol of x'*A*x"),
])
def test_errors(call, error, message):
    with pytest.raises(SymdiffError) as caught:
        call()
    assert (type(caught.value).__name__, str(caught.value)) == (error, message)


def test_a_hessian_of_a_non_scalar_is_a_shape_error():
    with pytest.raises(SymdiffError) as caught:
        sd.matrix_diff(A @ x, x, "hessian")
    assert type(caught.value).__name__ == "ShapeError"


def test_the_hessian_refusal_names_the_hessian():
    with pytest.raises(SymdiffError, match="[Hh]essian"):
        sd.matrix_diff(A @ x, x, "hessian")


# -------------------------------------------------------------------------------------------- result's views

def test_text_latex_json_describe():
    d = sd.matrix_diff(quadratic, x)
    assert (d.text(), str(d), repr(d)) == ("(A + A')*x",) * 3
    assert d.latex() == "(A + A^\\top) x"
    assert d._repr_latex_() == "$\\displaystyle (A + A^\\top) x$"
    assert json.loads(d.json()) == {"function": "x'*A*x", "variable": "x", "kind": "gradient",
                                    "layout": "denominator", "shape": ["n", "1"], "result": "(A + A')*x",
                                    "latex": "(A + A^\\top) x"}
    assert d.describe() == "the gradient in x (the shape of x): vector of n"
    assert sd.matrix_diff(A @ x, x, "jacobian", "numerator").describe() == \
        "the Jacobian in x, numerator layout: n x n"
    assert sd.matrix_diff(quadratic, x, "hessian").describe() == \
        "the Hessian in x, d^2 f/d vec(x) d vec(x)': n x n"
    assert sd.matrix_diff(quadratic, x, "differential").describe() == "the differential, linear in dx: scalar"


@pytest.mark.parametrize("kind, layout", [(k, la) for k in ("gradient", "jacobian", "hessian", "differential")
                                          for la in ("numerator", "denominator")])
def test_json_is_valid_and_has_the_documented_fields(kind, layout):
    f = "exp.(X*w)" if kind == "jacobian" else "norm(X*w - y)^2"
    d = sd.matrix_diff(f, "w", kind, layout, shapes="X: m x n, w: n, y: m")
    data = json.loads(d.json())
    assert set(data) == {"function", "variable", "kind", "layout", "shape", "result", "latex"}
    assert (data["variable"], data["kind"], data["layout"]) == ("w", kind, layout)
    assert data["result"] == d.text() and data["latex"] == d.latex()
    assert data["shape"] == list(shape_text(d))


def test_describe_of_a_numerator_gradient_does_not_claim_the_variables_shape():
    d = sd.matrix_diff(quadratic, x, "gradient", "numerator")
    assert "the shape of x" not in d.describe()


def test_steps_text_latex_json():
    d = sd.matrix_diff(quadratic, x)
    st_ = d.steps()
    assert st_.text() == (
        "f = x'*A*x\n"
        "df = d(x')*A*x + x'*A*dx    [product rule: d(A*B) = dA*B + A*dB]\n"
        "   = dx'*A*x + x'*A*dx      [transpose rule: d(A') = (dA)']\n"
        "   = x'*(A + A')*dx         [simplified]\n"
        "df = g'*dx gives the gradient g = (A + A')*x")
    assert str(st_) == st_.text()
    assert st_.latex() == (
        "\\begin{aligned}\n"
        "f &= x^\\top A x \\\\\n"
        "\\mathrm{d}f &= \\mathrm{d}\\left(x^\\top\\right) A x + x^\\top A \\mathrm{d}x \\\\\n"
        "&= \\mathrm{d}x^\\top A x + x^\\top A \\mathrm{d}x \\\\\n"
        "&= x^\\top (A + A^\\top) \\mathrm{d}x \\\\\n"
        "\\nabla_{x} f &= (A + A^\\top) x\n"
        "\\end{aligned}")
    assert st_._repr_latex_().startswith("$$\\begin{aligned}")
    assert json.loads(st_.json()) == {"derivations": [{
        "function": "x'*A*x", "variable": "x", "derivative": "gradient",
        "steps": [{"expression": "d(x')*A*x + x'*A*dx", "rules": ["product rule: d(A*B) = dA*B + A*dB"]},
                  {"expression": "dx'*A*x + x'*A*dx", "rules": ["transpose rule: d(A') = (dA)'"]},
                  {"expression": "x'*(A + A')*dx", "rules": ["simplified"]}],
        "conclusion": "df = g'*dx gives the gradient g = (A + A')*x", "result": "(A + A')*x"}],
        "result": "(A + A')*x"}
    assert sd.matrix_steps(quadratic, x).text() == st_.text()
    assert sd.matrix_steps("x'*A*x", "x", shapes="x: n, A: n x n").text() == st_.text()


def test_steps_of_logdet_and_of_each_kind():
    assert sd.matrix_steps("logdet(S)", "S", shapes="S: n x n symmetric").text() == (
        "f = logdet(S)\n"
        "df = tr(inv(S)*dS)    [log-determinant rule: d logdet(A) = tr(inv(A)*dA)]\n"
        "df = tr(G'*dS) gives the gradient G = inv(S)")
    conclusions = {(kind, layout): sd.matrix_steps(A @ x if kind == "jacobian" else quadratic, x, kind,
                                                   layout).text().splitlines()[-1]
                   for kind, layout in [("jacobian", "numerator"), ("jacobian", "denominator"),
                                        ("hessian", "denominator"), ("differential", "denominator")]}
    assert conclusions == {
        ("jacobian", "numerator"): "df = J*dx gives the Jacobian J = A",
        ("jacobian", "denominator"): "df = J*dx gives J = A; in the denominator layout its transpose A'",
        ("hessian", "denominator"): "dg = H*dx gives the Hessian H = A + A'",
        ("differential", "denominator"): "the differential, linear in dx",
    }
    hessian = sd.matrix_steps(quadratic, x, "hessian").text().splitlines()
    assert hessian[4:] == ["df = g'*dx gives the gradient g = (A + A')*x", "g = (A + A')*x",
                           "dg = (A + A')*dx    [product rule: d(A*B) = dA*B + A*dB]",
                           "dg = H*dx gives the Hessian H = A + A'"]
    assert sd.matrix_steps(quadratic, x, "gradient", "numerator").text().splitlines()[-1] == \
        "df = g'*dx gives the gradient g = (A + A')*x; in the numerator layout its transpose x'*(A + A')"
    latex_last = {kind: sd.matrix_steps(A @ x if kind == "jacobian" else quadratic, x, kind).latex()
                  .splitlines()[-2] for kind in ("jacobian", "hessian", "differential")}
    assert latex_last == {"jacobian": "J_{x} f &= A", "hessian": "H_{x} f &= A + A^\\top",
                          "differential": "\\mathrm{d}_{x} f &= x^\\top (A + A^\\top) \\mathrm{d}x"}


def test_check_agrees_with_each_method_and_json():
    d = sd.matrix_diff(quadratic, x)
    c = d.check()
    assert c.agrees
    assert [r.method for r in c.reports] == ["components", "finite differences"]
    assert c.text().splitlines()[0] == "gradient in x by components: ok"
    data = json.loads(c.json())
    assert data["agrees"] is True
    assert [check["method"] for check in data["checks"]] == ["components", "finite differences"]
    assert [size["sizes"] for size in data["checks"][0]["sizes"]] == [{"n": 1}, {"n": 2}, {"n": 3}]
    assert c.latex() == "\\text{checked}"


@pytest.mark.parametrize("f, variable, kind, shapes", [
    ("x'*A*x", "x", "gradient", "x: n, A: n x n"),
    ("norm(X*w - y)^2", "w", "hessian", "X: m x n, w: n, y: m"),
    ("A*X*B", "X", "jacobian", "A: p x m, X: m x n, B: n x q"),
])
def test_check_with_sympy(f, variable, kind, shapes):
    c = sd.matrix_diff(f, variable, kind, shapes=shapes).check(sizes=(2,), sympy=True)
    assert c.agrees
    assert [r.method for r in c.reports][-1] == "sympy"


# ---------------------------------------------------------------------------------------------------- NumPy

def arrays(seed: int = 0, m: int = 5, n: int = 3):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(m, n)), rng.normal(size=n), rng.normal(size=m)


def test_least_squares_numpy():
    _, Xa, wa, ya = arrays()
    g = sd.matrix_diff(least_squares, w)
    h = sd.matrix_diff(least_squares, w, "hessian")
    np.testing.assert_allclose(g.numpy(["X", "w", "y"])(Xa, wa, ya), 2 * Xa.T @ (Xa @ wa - ya))
    np.testing.assert_allclose(g.numpy([X, w, y])(Xa, wa, ya), 2 * Xa.T @ (Xa @ wa - ya))
    np.testing.assert_allclose(g.numpy()(Xa, wa, ya), 2 * Xa.T @ (Xa @ wa - ya))  # by name: X, w, y
    np.testing.assert_allclose(h.numpy(["X", "w", "y"])(Xa, wa, ya), 2 * Xa.T @ Xa)
    np.testing.assert_allclose(g.numpy(["w", "y", "X"])(wa, ya, Xa), 2 * Xa.T @ (Xa @ wa - ya))
    assert g.numpy(["X", "w", "y"])(Xa, wa, ya).shape == (3,)  # a vector is 1-D
    assert g.code() == (
        "import numpy as np\n\n\n"
        "def f(X, w, y):\n"
        "    X = np.asarray(X, dtype=float)\n"
        "    w = np.reshape(np.asarray(w, dtype=float), (-1, 1))\n"
        "    y = np.reshape(np.asarray(y, dtype=float), (-1, 1))\n"
        "    return np.array(2 * (X.T @ (X @ w - y)), dtype=float).ravel()\n")


def test_numpy_refuses_arguments_of_the_wrong_shape():
    _, Xa, _, ya = arrays()
    g = sd.matrix_diff(least_squares, w).numpy(["X", "w", "y"])
    with pytest.raises(SymdiffError) as caught:
        g(Xa, np.ones(4), ya)
    assert str(caught.value) == "the argument w should be a vector of n (n = 3 from X), but is a vector of 4"


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


LOGISTIC = "sum(log.(1 + exp.(-y .* (X*w))))"
LOGISTIC_SHAPES = "X: m x n, w: n, y: m"


def test_logistic_loss_gradient_and_hessian_numpy():
    rng, Xa, wa, _ = arrays(1, m=7, n=4)
    ya = rng.choice([-1.0, 1.0], size=7)
    g = sd.matrix_diff(LOGISTIC, "w", shapes=LOGISTIC_SHAPES).numpy(["X", "w", "y"])
    h = sd.matrix_diff(LOGISTIC, "w", "hessian", shapes=LOGISTIC_SHAPES).numpy(["X", "w", "y"])
    margins = ya * (Xa @ wa)
    np.testing.assert_allclose(g(Xa, wa, ya), -Xa.T @ (ya * sigmoid(-margins)))
    p = sigmoid(margins)
    np.testing.assert_allclose(h(Xa, wa, ya), Xa.T @ np.diag(p * (1 - p) * ya ** 2) @ Xa)
    # the same loss built with the API
    loss = sd.entry_sum(sd.log(sd.ones("m") + sd.exp(-sd.hadamard(y, X @ w))))
    np.testing.assert_allclose(sd.matrix_diff(loss, w).numpy(["X", "w", "y"])(Xa, wa, ya),
                               -Xa.T @ (ya * sigmoid(-margins)))


def test_softmax_cross_entropy_gradient_numpy():
    rng = np.random.default_rng(2)
    Wa, xa = rng.normal(size=(4, 3)), rng.normal(size=3)
    ya = np.eye(4)[1]
    W, xv, yk = sd.MatrixSymbol("W", "k", "n"), sd.VectorSymbol("x", "n"), sd.VectorSymbol("y", "k")
    expected = np.outer(np.exp(Wa @ xa) / np.exp(Wa @ xa).sum() - ya, xa)
    for loss in (sd.logsumexp(W @ xv) - yk.T @ W @ xv, -yk.T @ sd.log(sd.softmax(W @ xv))):
        d = sd.matrix_diff(loss, W)
        assert shape_text(d) == ("k", "n")
        got = d.numpy(["W", "x", "y"])(Wa, xa, ya)
        np.testing.assert_allclose(got, expected, rtol=1e-9)  # y one-hot: sum(y) = 1
    assert str(sd.matrix_diff(sd.logsumexp(W @ xv) - yk.T @ W @ xv, W)) == "(softmax(W*x) - y)*x'"
    # stable: large logits do not overflow
    big = sd.matrix_diff(sd.logsumexp(W @ xv) - yk.T @ W @ xv, W).numpy(["W", "x", "y"])(1000 * Wa, xa, ya)
    assert np.all(np.isfinite(big))


def test_log_det_gradient_numpy_for_an_spd_matrix():
    rng = np.random.default_rng(3)
    r = rng.normal(size=(4, 4))
    Sa = r @ r.T + 4 * np.eye(4)
    for declared in ("S: n x n positive definite", "S: n x n symmetric", "S: n x n"):
        d = sd.matrix_diff("logdet(S)", "S", shapes=declared)
        np.testing.assert_allclose(d.numpy()(Sa), np.linalg.inv(Sa).T, rtol=1e-9)
    # against finite differences of NumPy's own log det
    d = sd.matrix_diff("logdet(S)", "S", shapes="S: n x n")
    eps, E = 1e-6, np.zeros((4, 4))
    E[1, 2] = eps
    numeric = (np.linalg.slogdet(Sa + E)[1] - np.linalg.slogdet(Sa - E)[1]) / (2 * eps)
    assert abs(d.numpy()(Sa)[1, 2] - numeric) < 1e-6


def test_code_runs_as_it_is():
    d = sd.matrix_diff(quadratic, x)
    namespace: dict = {}
    exec(d.code(["A", "x"]), namespace)  # noqa: S102 - code symdiff generated
    rng = np.random.default_rng(4)
    Aa, xa = rng.normal(size=(3, 3)), rng.normal(size=3)
    np.testing.assert_allclose(namespace["f"](Aa, xa), (Aa + Aa.T) @ xa)
    np.testing.assert_allclose(d.numpy(["A", "x"])(Aa, xa), (Aa + Aa.T) @ xa)


# ------------------------------------------------------------------------------------------ budgets, hostility

def timed(call):
    start = time.perf_counter()
    try:
        call()
    except SymdiffError as error:
        return error, time.perf_counter() - start
    return None, time.perf_counter() - start


def test_a_time_budget_stops_a_slow_derivative():
    error, elapsed = timed(lambda: sd.matrix_diff("tr(A^1000)", "A", budget=sd.Budget(max_seconds=0.5)))
    assert isinstance(error, sd.TimeLimitError)
    assert elapsed < 3
    error, elapsed = timed(lambda: sd.matrix_steps("tr(A^1000)", "A", budget=sd.Budget(max_seconds=0.5)))
    assert isinstance(error, sd.TimeLimitError) and elapsed < 3
    with sd.budget.use(max_seconds=0.5):
        error, elapsed = timed(lambda: sd.matrix_diff("tr(A^1000)", "A", "hessian"))
    assert isinstance(error, sd.TimeLimitError) and elapsed < 3


@pytest.mark.parametrize("text, error", [
    ("A^1000000", "BudgetError"),
    ("tr(A^1000000)", "BudgetError"),
    ("A^-1000000", "BudgetError"),
    ("(" * 100_000 + "x" + ")" * 100_000, "BudgetError"),
    ("(" * 500 + "x'*x" + ")" * 500, "BudgetError"),
    ("x'*x" + "+x'*x" * 200_000, "BudgetError"),
    ("a" * 1_000_000, "BudgetError"),
    ("-" * 1_000_000 + "x", "BudgetError"),
    ("x'" + "'" * 100_000, "BudgetError"),
    ("9" * 5000 + "*x", "BudgetError"),
])
def test_huge_inputs_are_refused_quickly(text, error):
    for call in (lambda: sd.parse_matrix(text), lambda: sd.matrix_diff(text, "x")):
        caught, elapsed = timed(call)
        assert type(caught).__name__ in (error, "ParseError", "UsageError"), caught
        assert elapsed < 3


def test_budget_fields_for_matrix_text():
    with pytest.raises(sd.BudgetError, match="matrix power over 10"):
        sd.matrix_diff("tr(A^50)", "A", budget=sd.Budget(max_order=10))
    with pytest.raises(sd.BudgetError, match="more than 3 levels"):
        sd.parse_matrix("((((x'*x))))", budget=sd.Budget(max_depth=3))
    with pytest.raises(sd.BudgetError, match="input too long: 4 characters, the limit is 3"):
        sd.parse_matrix("x'*x", budget=sd.Budget(max_input_length=3))


def test_max_size_bounds_matrix_expressions():
    with pytest.raises(sd.BudgetError):
        sd.matrix_diff("tr(A^60)", "A", budget=sd.Budget(max_size=50))


def test_the_scalar_max_size_is_enforced_for_comparison():
    with pytest.raises(sd.BudgetError, match="expression too large"):
        sd.parse("a+b+c+d+f+g+h+i+j+k+l", budget=sd.Budget(max_size=5))


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
       | st.lists(st.sampled_from(["x", "A", "X", "'", "^", "-1", ".*", "./", "*", "@", "+", "-", "/", "\\", "(",
                                   ")", "||", "_F", "tr(", "det(", "logdet(", "norm(", "sum(", "diag(",
                                   "softmax(", "vec(", "kron(", ",", "I", "ones(n)", "exp.(", "2", "0.5", "e",
                                   "alpha", "dx", " ", "ᵀ", "⊙", "²", "1/0", "K(2,3)"]),
                  max_size=12).map("".join))
def test_random_text_raises_only_symdiff_errors(text):
    try:
        e = sd.parse_matrix(text)
    except SymdiffError:
        return
    assert str(sd.parse_matrix(str(e))) == str(e)  # the printer writes what the reader reads back


# A random well-shaped expression built with the API: vectors of n from x, A, B, s, then a scalar of it.
VECTORS = st.recursive(
    st.sampled_from([lambda: x, lambda: w, lambda: A @ x, lambda: B.T @ x]),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: lambda: p[0]() + p[1]()),
        st.tuples(inner, inner).map(lambda p: lambda: p[0]() - p[1]()),
        inner.map(lambda f: lambda: A @ f()),
        inner.map(lambda f: lambda: s * f()),
        inner.map(lambda f: lambda: -f()),
        inner.map(lambda f: lambda: sd.tanh(f())),
        st.tuples(inner, inner).map(lambda p: lambda: sd.hadamard(p[0](), p[1]())),
    ), max_leaves=4)
SCALARS = st.one_of(
    st.tuples(VECTORS, VECTORS).map(lambda p: lambda: p[0]().T @ p[1]()),
    VECTORS.map(lambda f: lambda: sd.norm(f()) ** 2),
    VECTORS.map(lambda f: lambda: sd.entry_sum(sd.exp(f()))),
    VECTORS.map(lambda f: lambda: sd.logsumexp(f())),
)


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCALARS, st.sampled_from(["x", "A", "s"]))
def test_random_gradients_check(build, variable):
    f = build()
    present = {sym.name: sym for sym in f.symbols}
    assume(present)  # not x - x (see test_check_of_a_variable_absent_from_the_function for that case)
    symbol = present.get(variable) or present[min(present)]
    d = sd.matrix_diff(f, symbol, "gradient")
    assert shape_text(d) == shape_text(symbol)
    assert d.check(sizes=(2,)).agrees, (str(f), variable, str(d))


def test_numpy_of_a_differential():
    d = sd.matrix_diff(quadratic, x, "differential")
    rng = np.random.default_rng(5)
    Aa, xa, dxa = rng.normal(size=(3, 3)), rng.normal(size=3), rng.normal(size=3)
    assert abs(d.numpy(["A", "x", "dx"])(Aa, xa, dxa) - xa @ (Aa + Aa.T) @ dxa) < 1e-9


def test_a_declared_variable_absent_from_the_text_gives_zeros():
    assert str(sd.matrix_diff("x'*x", "z", shapes="x: n, z: m")) == "zeros(m)"


@pytest.mark.parametrize("f, expected", [("sum(abs.(x))", "sign.(x)"), ("sum(relu.(x))", "heaviside.(x)")])
def test_gradients_of_kinks_are_checked_by_components_and_finite_differences(f, expected):
    d = sd.matrix_diff(f, "x", shapes="x: n")
    assert str(d) == expected
    assert d.check(sizes=(2,)).agrees


@pytest.mark.parametrize("f", ["sum(abs.(x))", "sum(relu.(x))"])
def test_sympy_check_of_kinks(f):
    assert sd.matrix_diff(f, "x", shapes="x: n").check(sizes=(2,), sympy=True).agrees


@pytest.mark.parametrize("variable, kind", [(A, "gradient"), (sd.VectorSymbol("z", "m"), "hessian"),
                                            (sd.VectorSymbol("z", "m"), "differential")])
def test_check_of_a_variable_absent_from_the_function(variable, kind):
    assert sd.matrix_diff(sd.norm(x) ** 2, variable, kind).check(sizes=(2,)).agrees


def test_hadamard_of_nothing():
    with pytest.raises(SymdiffError):
        sd.hadamard()


@pytest.mark.parametrize("options", [{"order": 2}, {"each": True}])
def test_steps_options_that_matrix_steps_do_not_take_are_refused(options):
    with pytest.raises(sd.UsageError):
        sd.steps(quadratic, x, **options)


def test_simplify_false():
    assert str(sd.matrix_diff(quadratic, x, simplify=False)) == "A'*x + A*x"
    assert str(sd.diff(quadratic, x, simplify=False)) == "A'*x + A*x"
    assert sd.matrix_diff(quadratic, x, simplify=False).steps().text().splitlines()[-1] == \
        "df = g'*dx gives the gradient g = A'*x + A*x"


def test_check_at_sizes_where_the_function_is_undefined():
    d = sd.matrix_diff("logdet(X'*X)", "X", shapes="X: m x n")
    assert str(d) == "2*X*inv(X'*X)"
    assert d.check(sizes=(2, 3)).agrees  # square sizes: fine
    assert d.check().agrees
