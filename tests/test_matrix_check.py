"""The checkers of matrix results themselves: expansion into components (symdiff.matrices.components), the checks
by components and by finite differences (symdiff.matrices.check) and against SymPy (symdiff.interop.matrix_sympy).
A checker that passes everything is worthless, so each one is also shown a wrong answer, and must catch it."""

from __future__ import annotations

import dataclasses
import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symdiff
from symdiff.core.errors import UsageError
from symdiff.core.expr import ZERO, Sym
from symdiff.matrices import components
from symdiff.matrices import nodes as m
from symdiff.matrices.check import (CheckResult, SizeResult, check_components, check_differential, check_gradient,
                                    check_hessian, check_jacobian, component_values, finite_differences,
                                    random_arrays, size_assignments)
from symdiff.matrices.components import (component_positions, component_symbols, expand, expand_scalar,
                                         vec_entries)
from symdiff.matrices.differentials import differential
from symdiff.matrices.identification import gradient, hessian, jacobian, second_differential
from symdiff.matrices.nodes import MatExpr
from symdiff.matrices.numeric import evaluate
from symdiff.numeric.values import numeric_value
from symdiff.simplification.simplifier import simplify

x = m.symbol("x", "n")
a = m.symbol("a", "n")
y = m.symbol("y", "m")
w = m.symbol("w", "n")
A = m.symbol("A", "n", "n")
B = m.symbol("B", "n", "n")
X = m.symbol("X", "m", "n")
Y = m.symbol("Y", "n", "n")
S = m.symbol("S", "n", "n", ["symmetric"])
P = m.symbol("P", "n", "n", ["positive_definite"])
D = m.symbol("D", "n", "n", ["diagonal"])
t = m.symbol("t")
n_, m_ = m.dim("n"), m.dim("m")
quadratic = m.mul(m.transpose(x), A, x)


# ----------------------------------------------------------------------------------------------- entry names

def test_entry_names_are_read_back_as_one_symbol_each():
    for name in ["x_1", "A_1_2", "dX_3_4", "Sigma_2_1"]:
        parsed = symdiff.parse(name)
        assert isinstance(parsed, Sym) and parsed.name == name


def test_component_symbols_follow_the_declarations():
    sizes = {"n": 3}
    assert component_symbols(t, sizes) == [[Sym("t")]]
    assert component_symbols(x, sizes) == [[Sym("x_1")], [Sym("x_2")], [Sym("x_3")]]
    assert component_symbols(A, sizes)[0][1] is Sym("A_1_2")
    assert component_symbols(A, sizes)[1][0] is Sym("A_2_1")
    sym = component_symbols(S, sizes)
    assert sym[1][0] is sym[0][1] is Sym("S_1_2")
    diagonal = component_symbols(D, sizes)
    assert diagonal[0][1] is ZERO and diagonal[2][2] is Sym("D_3_3")
    assert component_symbols(m.differential_of(S), sizes)[2][0] is Sym("dS_1_3")
    row = m.symbol("r", 1, "n")
    assert component_symbols(row, sizes) == [[Sym("r_1_1"), Sym("r_1_2"), Sym("r_1_3")]]


def test_positions_are_in_the_order_of_vec():
    places = component_positions(S, {"n": 2})
    assert list(places) == ["S_1_1", "S_1_2", "S_2_2"]
    assert places["S_1_2"] == [(1, 0), (0, 1)]
    assert list(component_positions(D, {"n": 2})) == ["D_1_1", "D_2_2"]


def test_entry_names_that_would_meet_are_refused():
    clash = m.add(m.mul(m.symbol("A_1", "n"), m.transpose(a)), A)
    with pytest.raises(UsageError, match="A_1 and A|A and A_1"):
        expand(clash, {"n": 2})


def test_a_missing_dimension_is_named():
    with pytest.raises(UsageError, match="n"):
        expand(x, {})


# --------------------------------------------------------------------------------------------------- expansion

def test_every_node_kind_has_an_expansion_rule():
    """All but a derivation's pending d(u), which stands for what is not worked out yet."""
    kinds = {c for _, c in inspect.getmembers(m, inspect.isclass)
             if issubclass(c, MatExpr) and c.__module__ == m.__name__ and not c.__name__.startswith("_")}
    unexpanded = {MatExpr} | {getattr(m, "PendingDifferential", MatExpr)}
    assert kinds - unexpanded <= set(components.RULES)


def test_expansions_by_hand():
    sizes = {"n": 2}
    assert str(expand_scalar(quadratic, sizes)) == "(x_1*A_1_1 + x_2*A_2_1)*x_1 + (x_1*A_1_2 + x_2*A_2_2)*x_2"
    assert str(expand_scalar(m.norm(x), sizes)) == "sqrt(x_1^2 + x_2^2)"
    assert str(expand(m.softmax(x), sizes)[0][0]) == "exp(x_1)/(exp(x_1) + exp(x_2))"
    assert expand_scalar(m.trace(m.identity(n_)), {"n": 4}) == symdiff.parse("4")
    assert vec_entries(expand(A, sizes)) == [Sym("A_1_1"), Sym("A_2_1"), Sym("A_1_2"), Sym("A_2_2")]


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_the_inverse_is_exact(size):
    entries = expand(m.mul(m.inverse(A), A), {"n": size}) if size > 1 else expand(m.inverse(A), {"n": 1})
    if size == 1:
        assert str(entries[0][0]) == "1/A_1_1"
        return
    for i, row in enumerate(entries):
        for j, e in enumerate(row):
            assert simplify(e) == symdiff.parse("1" if i == j else "0"), (i, j)


def test_the_determinant_is_expanded_term_by_term():
    assert str(expand_scalar(m.det(Y), {"n": 2})) == "Y_1_1*Y_2_2 - Y_1_2*Y_2_1"
    assert str(expand_scalar(m.logdet(S), {"n": 2})) == "log(S_1_1*S_2_2 - S_1_2*S_1_2)"
    assert expand_scalar(m.det(D), {"n": 3}) == symdiff.parse("D_1_1*D_2_2*D_3_3")


def test_too_large_a_determinant_is_refused_plainly():
    with pytest.raises(UsageError, match="beyond the exact expansion"):
        expand(m.det(Y), {"n": components.MAX_EXACT_SIZE + 1})


# Expressions that use every node kind; their components must have the values NumPy gives the whole.
EXPRESSIONS = [
    quadratic, m.inverse(A), m.mul(m.inverse(P), x), m.det(m.add(A, B)), m.logdet(P), m.logdet(S),
    m.norm(X), m.norm(m.sub(x, a)), m.sum_of(m.mul(X, w)), m.logsumexp(x), m.softmax(m.mul(A, x)),
    m.diag(x), m.diag(A), m.vec(X), m.kron(A, x), m.kron(m.transpose(x), X), m.mul(m.commutation(m_, n_), m.vec(X)),
    m.hadamard(A, S, D), m.power(x, 3), m.power(m.sum_of(m.apply("exp", x)), -1), m.apply("tanh", X),
    m.apply("sigmoid", m.mul(X, w)), m.mul(t, m.identity(n_), x), m.add(m.ones(A.shape), m.transpose(A)),
    m.mul(m.trace(m.identity(n_)), m.transpose(y)), m.mul(t, m.zero(X.shape)), m.apply("exp", m.mul(t, t)),
    m.mul(m.transpose(X), X),
]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(EXPRESSIONS), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31))
def test_components_have_the_values_of_the_whole(node, n, m_size, seed):
    sizes = {"n": n, "m": m_size}
    symbols = sorted(node.symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    arrays = random_arrays(symbols, sizes, rng, positive=True)
    whole = evaluate(node, arrays, sizes)
    values = component_values(symbols, arrays, sizes)
    entries = expand(node, sizes)
    assert whole.shape == (len(entries), len(entries[0]))
    for (i, j), value in np.ndenumerate(whole):
        assert numeric_value(entries[i][j], values) == pytest.approx(value, rel=1e-9, abs=1e-9), (str(node), i, j)


def test_random_points_respect_the_declarations():
    rng = np.random.default_rng(0)
    values = random_arrays([S, P, D, A, m.differential_of(S), t], {"n": 4}, rng)
    assert np.allclose(values["S"], values["S"].T) and np.allclose(values["dS"], values["dS"].T)
    assert np.all(np.linalg.eigvalsh(values["P"]) > 0)
    assert np.count_nonzero(values["D"] - np.diag(np.diag(values["D"]))) == 0
    assert np.linalg.det(values["A"]) > 0
    assert values["t"].shape == (1, 1)


def test_a_dimension_that_is_only_a_constant_gets_a_size():
    f = m.mul(m.trace(m.identity(m_)), m.transpose(x), x)  # m*x'*x: m is in no shape
    report = check_gradient(f, x, gradient(f, x), [2, 3])
    assert report.ok and report.results[0].sizes == (("m", 2), ("n", 2))


def test_size_assignments():
    assert size_assignments([X], [2]) == [{"m": 2, "n": 2}]
    assert size_assignments([X], [{"m": 3, "n": 1}]) == [{"m": 3, "n": 1}]
    assert size_assignments([X], [{"m": 3}]) == [{"m": 3, "n": 3}]


# ------------------------------------------------------------------------------------------ checks: correct

def test_a_correct_gradient_passes_exactly():
    report = check_gradient(quadratic, x, gradient(quadratic, x))
    assert report.ok and report.exact
    assert [r.sizes for r in report.results] == [(("n", k),) for k in (1, 2, 3, 4)]
    assert all(r.max_error == 0.0 for r in report.results)


def test_numeric_only_when_exactness_is_not_asked():
    report = check_gradient(m.logdet(Y), Y, gradient(m.logdet(Y), Y), (2, 3), exact=False)
    assert report.ok and not report.exact
    assert {r.verdict for r in report.results} == {"numeric"}
    assert report.max_error < 1e-12


def test_varied_sizes():
    f = m.power(m.norm(m.sub(m.mul(X, w), y)), 2)
    report = check_gradient(f, X, gradient(f, X), [{"m": 3, "n": 2}, {"m": 1, "n": 4}])
    assert report.ok, report.text()
    assert report.results[0].entries == 6


def test_correct_jacobians_hessians_and_differentials_pass():
    s = m.softmax(m.mul(A, x))
    assert check_jacobian(s, x, jacobian(s, x), "denominator", (1, 2, 3)).ok
    assert check_jacobian(s, x, jacobian(s, x, "numerator"), "numerator", (1, 2, 3)).ok
    assert check_hessian(m.logdet(Y), Y, hessian(m.logdet(Y), Y), (1, 2, 3)).ok
    assert check_differential(m.inverse(Y), Y, differential(m.inverse(Y), Y), (1, 2, 3)).ok
    assert check_differential(m.logdet(Y), Y, second_differential(m.logdet(Y), Y), (1, 2, 3), order=2).ok
    assert check_components(quadratic, x, hessian(quadratic, x), "hessian", (2,)).ok


def test_a_symmetric_variable_is_checked_on_its_shared_entries():
    """d f / d S_1_2 = G_12 + G_21 = 2 G_12 for the symmetrised gradient G: inv(S) for log det S passes, the
    'symmetric-matrix formula' 2 inv(S) - diag(diag(inv(S))) (a gradient in the off-diagonal entries taken as one
    variable each) does not, in this convention."""
    f = m.logdet(P)
    assert check_gradient(f, P, gradient(f, P), (1, 2, 3)).ok
    naive = m.sub(m.mul(m.scalar(2), m.inverse(P)), m.diag(m.diag(m.inverse(P))))
    report = check_gradient(f, P, naive, (1, 2, 3))
    assert report.results[0].ok  # at n = 1 the two agree
    assert not report.ok and "P_1_2" in (report.counterexample or "")
    assert finite_differences(f, P, gradient(f, P), "gradient").ok
    assert not finite_differences(f, P, naive, "gradient").ok


def test_an_unsymmetrised_gradient_of_a_symmetric_variable_also_passes():
    """Only G + G' is determined on symmetric directions: A' for tr(A S) passes as well as (A + A')/2."""
    f = m.trace(m.mul(A, S))
    assert check_gradient(f, S, m.transpose(A), (1, 2, 3)).ok
    assert check_gradient(f, S, gradient(f, S), (1, 2, 3)).ok


def test_a_diagonal_variable_is_checked_on_its_diagonal():
    f = m.trace(m.mul(A, D))
    assert check_gradient(f, D, m.diag(m.diag(A)), (1, 2, 3)).ok
    assert check_gradient(f, D, gradient(f, D), (1, 2, 3)).ok


# -------------------------------------------------------------------------------------------- checks: wrong

def test_a_wrong_gradient_is_caught_with_a_counterexample():
    report = check_gradient(quadratic, x, m.mul(A, x))
    assert not report.ok
    assert report.results[0].verdict == "wrong"
    assert "d f / d x_1" in (report.counterexample or "")
    assert "FAILED" in report.text()


def test_a_gradient_of_the_wrong_shape_is_caught():
    report = check_gradient(quadratic, x, m.transpose(m.mul(A, x)), (2,))
    assert not report.ok and "expected" in (report.counterexample or "")


def test_a_transposed_jacobian_is_caught():
    f = m.mul(A, x)
    assert check_jacobian(f, x, m.transpose(A), "denominator", (1, 2, 3)).ok
    assert not check_jacobian(f, x, A, "denominator", (2, 3)).ok
    assert check_jacobian(f, x, A, "numerator", (2, 3)).ok
    assert not finite_differences(f, x, A, "jacobian", (2, 3)).ok
    assert finite_differences(f, x, A, "jacobian", (2, 3), layout="numerator").ok


def test_a_hessian_that_is_not_symmetric_is_caught():
    assert not check_hessian(quadratic, x, m.mul(m.scalar(2), A), (2, 3)).ok
    assert not finite_differences(quadratic, x, m.mul(m.scalar(2), A), "hessian", (2, 3)).ok
    wrong = m.mul(m.kron(m.inverse(Y), m.transpose(m.inverse(Y))), m.commutation(n_, n_))  # the sign dropped
    assert not check_hessian(m.logdet(Y), Y, wrong, (2,)).ok
    assert not finite_differences(m.logdet(Y), Y, wrong, "hessian", (2,)).ok


def test_wrong_differentials_are_caught():
    d_inverse = m.mul(m.inverse(Y), m.differential_of(Y), m.inverse(Y))  # the sign dropped
    assert not check_differential(m.inverse(Y), Y, d_inverse, (2,)).ok
    assert not finite_differences(m.inverse(Y), Y, d_inverse, "differential", (2,)).ok
    half = m.mul(m.transpose(m.differential_of(x)), A, m.differential_of(x))  # d^2(x'Ax) is 2 dx'A dx
    assert not check_differential(quadratic, x, half, (2,), order=2).ok
    assert not finite_differences(quadratic, x, half, "second differential", (2,)).ok


def test_finite_differences_pass_correct_results_of_each_kind():
    f = m.power(m.norm(m.sub(m.mul(X, w), y)), 2)
    assert finite_differences(f, w, gradient(f, w), "gradient").ok
    assert finite_differences(f, w, hessian(f, w), "hessian").ok
    assert finite_differences(m.softmax(x), x, jacobian(m.softmax(x), x), "jacobian").ok
    assert finite_differences(m.inverse(Y), Y, differential(m.inverse(Y), Y), "differential").ok
    assert finite_differences(m.logdet(Y), Y, second_differential(m.logdet(Y), Y), "second differential").ok


def test_points_where_logs_are_undefined_are_replaced():
    f = m.sum_of(m.apply("log", x))
    assert check_gradient(f, x, gradient(f, x), (1, 2, 3)).ok
    assert finite_differences(f, x, gradient(f, x), "gradient").ok


def test_an_expansion_beyond_the_limit_is_an_error_not_a_pass():
    report = check_gradient(m.logdet(Y), Y, gradient(m.logdet(Y), Y), (components.MAX_EXACT_SIZE + 1,))
    assert not report.ok and report.results[0].verdict == "error"


def test_results_are_small_frozen_values():
    report = check_gradient(quadratic, x, gradient(quadratic, x), (1,))
    assert isinstance(report, CheckResult) and isinstance(report.results[0], SizeResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.results[0].verdict = "wrong"  # type: ignore[misc]
    assert "gradient in x by components: ok" in str(report)
    assert "n = 1: exact" in report.text()


def test_bad_arguments_are_usage_errors():
    with pytest.raises(UsageError):
        check_components(quadratic, x, x, "slope")
    with pytest.raises(UsageError):
        check_jacobian(m.mul(A, x), x, A, "sideways")
    with pytest.raises(UsageError):
        finite_differences(quadratic, x, x, "slope")
    with pytest.raises(UsageError):
        check_differential(quadratic, x, x, order=3)


# ------------------------------------------------------------------------------------------------------ SymPy

sympy = pytest.importorskip("sympy")
from symdiff.interop.matrix_sympy import sympy_check  # noqa: E402  (only with SymPy)


def test_sympy_agrees_with_correct_results_exactly():
    assert sympy_check(quadratic, x, gradient(quadratic, x), "gradient").exact
    assert sympy_check(m.logdet(Y), Y, hessian(m.logdet(Y), Y), "hessian", (1, 2)).exact
    s = m.softmax(x)
    assert sympy_check(s, x, jacobian(s, x, "numerator"), "jacobian", (1, 2, 3), "numerator").exact
    assert sympy_check(m.inverse(Y), Y, differential(m.inverse(Y), Y), "differential", (1, 2)).exact
    assert sympy_check(m.logdet(P), P, second_differential(m.logdet(P), P), "second differential", (1, 2)).ok


def test_sympy_catches_wrong_results():
    report = sympy_check(quadratic, x, m.mul(A, x), "gradient")
    assert not report.ok and "SymPy" in (report.counterexample or "")
    assert not sympy_check(m.mul(A, x), x, A, "jacobian", (2,)).ok
    assert not sympy_check(quadratic, x, A, "hessian", (2,)).ok
    assert not sympy_check(quadratic, x, m.transpose(x), "gradient", (2,)).ok


def test_sympy_check_refuses_unknown_kinds():
    with pytest.raises(UsageError):
        sympy_check(quadratic, x, x, "slope")
