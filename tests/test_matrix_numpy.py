"""NumPy code for matrix expressions (symdiff.matrices.numpy_code): the compiled functions agree with
symdiff.matrices.numeric.evaluate on random arrays, for random expressions and for gradients and Hessians; the
source computes shared parts once, solves instead of inverting, is stable; the shapes of the arguments are
checked, with dimensions bound consistently across them."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from symdiff.core.expr import Const, Num
from symdiff.core.errors import SymdiffError
from symdiff.matrices import nodes as m
from symdiff.matrices.identification import gradient, hessian, jacobian
from symdiff.matrices.numeric import evaluate
from symdiff.matrices.numpy_code import compile_numpy, numpy_source
from test_matrix_printing import A, B, S, X, Y, least_squares, logistic_loss, matrix_expressions, w, x, y, z

SIZES = {"n": 3, "m": 4}


def random_values(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, k = SIZES["n"], SIZES["m"]
    r = rng.normal(size=(n, n))
    return {"A": rng.normal(size=(n, n)) + 3 * np.eye(n), "B": rng.normal(size=(n, n)) + 3 * np.eye(n),
            "S": r @ r.T + n * np.eye(n), "Y": rng.normal(size=(n, n)) + 3 * np.eye(n),
            "X": 0.5 * rng.normal(size=(k, n)), "s": np.array(rng.normal()), "t": np.array(rng.normal()),
            "w": 0.5 * rng.normal(size=n), "x": 0.5 * rng.normal(size=n), "z": 0.5 * rng.normal(size=n),
            "y": 0.5 * rng.normal(size=k), "Z": rng.normal(size=(n, k))}


def assert_agrees(node: m.MatExpr, seed: int = 0) -> None:
    arguments = sorted(node.symbols, key=lambda a: a.name)
    values = random_values(seed)
    compiled = compile_numpy(node, arguments, sizes=SIZES)
    with np.errstate(all="ignore"):
        got = compiled(*(values[a.name] for a in arguments))
        want = evaluate(node, values, SIZES)
    if node.is_scalar:
        assert isinstance(got, float)
    elif node.is_vector:
        assert got.ndim == 1
    else:
        assert got.ndim == 2
    assert np.allclose(np.reshape(got, want.shape), want, rtol=1e-7, atol=1e-9, equal_nan=True), \
        f"{node}\n{compiled.source}\n{got}\n{want}"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix_expressions())
def test_random_expressions_agree_with_evaluate(node: m.MatExpr) -> None:
    assert_agrees(node)


FUNCTIONS = {
    "x'Ax": (lambda: m.mul(m.transpose(x), A, x), x),
    "|x|^2": (lambda: m.power(m.norm(x), 2), x),
    "|x|": (lambda: m.norm(x), x),
    "|X|_F^2": (lambda: m.power(m.norm(X), 2), X),
    "least squares": (least_squares, w),
    "logistic": (logistic_loss, w),
    "cross-entropy": (lambda: m.sub(m.logsumexp(m.mul(A, x)), m.mul(m.transpose(z), A, x)), x),
    "tr(AB)": (lambda: m.trace(m.mul(A, B)), A),
    "det": (lambda: m.det(A), A),
    "logdet": (lambda: m.logdet(S), S),
    "x'inv(A)x": (lambda: m.mul(m.transpose(x), m.inverse(A), x), A),
    "x'inv(A)x in x": (lambda: m.mul(m.transpose(x), m.inverse(A), x), x),
    "tanh layer": (lambda: m.sum_of(m.apply("tanh", m.mul(A, x))), x),
    "quartic": (lambda: m.power(m.mul(m.transpose(x), x), 2), x),
    "entrywise": (lambda: m.sum_of(m.hadamard(x, m.apply("exp", x))), x),
}


@pytest.mark.parametrize("name", FUNCTIONS)
def test_gradients_and_hessians_agree(name: str) -> None:
    build, variable = FUNCTIONS[name]
    f = build()
    assert_agrees(f, seed=1)
    assert_agrees(gradient(f, variable), seed=2)
    if variable.is_vector or name in ("tr(AB)", "|X|_F^2"):
        assert_agrees(hessian(f, variable), seed=3)


def test_jacobians_agree() -> None:
    assert_agrees(jacobian(m.softmax(x), x))
    assert_agrees(jacobian(m.apply("sigmoid", m.mul(X, w)), w))
    assert_agrees(jacobian(m.mul(A, B), A))
    assert_agrees(hessian(m.logdet(Y), Y))


def test_compiled_gradient_matches_finite_differences() -> None:
    f, g = logistic_loss(), gradient(logistic_loss(), w)
    value, slope = compile_numpy(f, [X, w, y]), compile_numpy(g, [X, w, y])
    values = random_values(5)
    h = 1e-6
    numeric = [(value(values["X"], values["w"] + h * e, values["y"])
                - value(values["X"], values["w"] - h * e, values["y"])) / (2 * h) for e in np.eye(3)]
    assert np.allclose(slope(values["X"], values["w"], values["y"]), numeric, atol=1e-6)


# --------------------------------------------------------------------------------------------- the source

def test_source_reads_well() -> None:
    source = numpy_source(gradient(least_squares(), w), [X, w, y], name="grad")
    assert source.startswith("def grad(X, w, y):\n")
    assert "return np.array(2 * (X.T @ (X @ w - y)), dtype=float).ravel()" in source


def test_shared_parts_are_computed_once() -> None:
    source = numpy_source(jacobian(m.softmax(x), x), [x])
    assert source.count("np.exp(") == 1
    assert "np.max(x)" in source  # stable: the maximum is subtracted
    hess = numpy_source(hessian(logistic_loss(), w), [X, w])
    assert hess.count("np.exp(") == 1


def test_inverse_times_is_a_solve() -> None:
    source = numpy_source(m.mul(m.inverse(A), B, x), [A, B, x])
    assert "np.linalg.solve(A, B @ x)" in source and "inv" not in source
    assert "np.linalg.solve(A.T, B)" in numpy_source(m.mul(m.transpose(m.inverse(A)), B), [A, B])
    assert_agrees(m.mul(m.transpose(m.inverse(A)), B))
    assert_agrees(m.mul(m.transpose(x), m.inverse(A), x))


def test_functions_and_forms() -> None:
    assert "np.linalg.slogdet(S)[1]" in numpy_source(m.logdet(S), [S])
    lse = numpy_source(m.logsumexp(x), [x])
    assert "np.max(x)" in lse and "np.log(np.sum(np.exp(x - _t1)))" in lse
    assert "np.linalg.norm(x)" in numpy_source(m.norm(x), [x])
    assert "np.tanh(A @ x)" in numpy_source(m.apply("tanh", m.mul(A, x)), [A, x])
    assert "np.kron(A, B)" in numpy_source(m.kron(A, B), [A, B])
    assert "_erf_array(x)" in numpy_source(m.apply("erf", x), [x])
    assert_agrees(m.apply("erf", x))
    assert_agrees(m.vec(m.mul(A, m.symbol("Z", "n", "m"))))
    assert_agrees(m.kron(A, m.transpose(B)))
    assert_agrees(m.add(A, m.identity(m.dim("n"))))
    assert_agrees(m.mul(m.Scalar(m.dim("n")), x))
    assert_agrees(m.mul(m.Scalar(Const("pi")), x))
    assert_agrees(m.mul(m.Scalar(Num(3)), m.power(x, Num(-1))))


def test_commutation_matrix() -> None:
    K = m.commutation(m.dim("m"), m.dim("n"))
    f = compile_numpy(K, [], sizes=SIZES)
    assert np.array_equal(f(), evaluate(K, {}, SIZES))
    a = np.arange(12.0).reshape(4, 3)
    assert np.array_equal(f() @ a.reshape(-1, order="F"), a.T.reshape(-1, order="F"))


def test_names_that_are_not_identifiers() -> None:
    lam, np_ = m.symbol("lambda", "n"), m.symbol("np", "n")
    n_symbol = m.symbol("n", "n")
    node = m.add(m.mul(m.transpose(lam), np_), m.mul(m.transpose(n_symbol), m.mul(m.Scalar(m.dim("n")), x)))
    f = compile_numpy(node, [lam, np_, n_symbol, x])
    ones = np.ones(3)
    assert f(ones, ones, ones, ones) == pytest.approx(3 + 9)


# --------------------------------------------------------------------------------------------- the shapes

def test_vectors_as_columns_or_1d_and_results() -> None:
    f = compile_numpy(m.mul(A, x), [A, x])
    a, v = np.eye(3), np.arange(3.0)
    assert f(a, v).shape == (3,) and f(a, v.reshape(3, 1)).shape == (3,)
    scalar = compile_numpy(m.mul(m.transpose(x), x), [x])(v)
    assert isinstance(scalar, float) and scalar == 5.0
    assert compile_numpy(m.mul(x, m.transpose(x)), [x])(v).shape == (3, 3)


def test_shape_mismatches_name_the_argument() -> None:
    f = compile_numpy(m.mul(m.transpose(x), A, x), [x, A])
    with pytest.raises(m.ShapeError) as caught:
        f(np.ones(3), np.eye(4))
    error = caught.value
    assert isinstance(error, SymdiffError)
    assert error.operands == ("A",) and error.shapes == ("n x n", "4 x 4")
    assert "A" in str(error) and "n = 3 from x" in str(error) and "4 x 4" in str(error)
    with pytest.raises(m.ShapeError, match="x should be a vector of n"):
        f(np.ones((3, 2)), np.eye(3))
    with pytest.raises(m.ShapeError, match="should be n x n"):
        f(np.ones(3), np.ones(3))
    g = compile_numpy(m.mul(X, w), [X, w])
    with pytest.raises(m.ShapeError, match="w should be a vector of n .n = 3 from X.*vector of 4"):
        g(np.ones((2, 3)), np.ones(4))
    fixed = compile_numpy(m.mul(X, w), [X, w], sizes={"m": 2})
    with pytest.raises(m.ShapeError, match="m = 2 from the sizes given"):
        fixed(np.ones((3, 3)), np.ones(3))
    assert fixed(np.ones((2, 3)), np.ones(3)).tolist() == [3.0, 3.0]


def test_usage_errors() -> None:
    with pytest.raises(m.UsageError, match="x is not among the arguments"):
        numpy_source(m.mul(A, x), [A])
    with pytest.raises(m.UsageError, match="2 arguments expected"):
        compile_numpy(m.mul(A, x), [A, x])(np.eye(3))
    with pytest.raises(m.UsageError, match="give it in sizes"):
        compile_numpy(m.identity(m.dim("k")), [])
    assert compile_numpy(m.identity(m.dim("k")), [], sizes={"k": 2})().tolist() == [[1.0, 0.0], [0.0, 1.0]]


def test_numpy_is_imported_lazily() -> None:
    code = "import sys, symdiff.matrices.numpy_code, symdiff.matrices.latex; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_docstring_examples() -> None:
    import doctest

    from symdiff.matrices import numpy_code
    assert doctest.testmod(numpy_code).failed == 0
