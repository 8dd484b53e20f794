"""The table of matrix-calculus identities (issue 20): each row an expression, the variable, the kind of derivative
and the textbook's answer, all built with the builders of symdiff.matrices.nodes.

For every row, our derivative
- is in matrix form: a MatExpr of the right shape, with no entry written out (no component names, no vec of the
  variable in a gradient);
- equals the textbook's answer on random arrays (symdiff.matrices.numeric.evaluate) at sizes 1..4 and at varied
  sizes (m, n, p, k different);
- passes symdiff.matrices.check by components against the scalar machinery at sizes 1..4 (and varied);
- passes finite differences at sizes 1..4 (and varied).
Conventions: denominator layout by default (d2l.ai's: the gradient of a scalar has the variable's shape, the
Jacobian of y in x is dy'/dx, n x m); the Hessian is d^2 f / d vec(X) d vec(X)'. A row our code gets wrong or
cannot do is a strict xfail naming why (reported to the lead as a bug).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable

import numpy as np
import pytest

from symdiff.core.build import mul as scalar_mul
from symdiff.core.build import number
from symdiff.matrices import nodes as m
from symdiff.matrices.check import (check_differential, check_gradient, check_hessian, check_jacobian,
                                    finite_differences, random_arrays, size_assignments)
from symdiff.matrices.differentials import differential
from symdiff.matrices.identification import gradient, hessian, jacobian, second_differential
from symdiff.matrices.nodes import MatExpr
from symdiff.matrices.numeric import evaluate
from symdiff.simplification.canonical import canonical

VARIED = {"m": 3, "n": 2, "p": 4, "k": 3}
TEXTBOOK_SIZES = (1, 2, 3, 4, VARIED)
COMPONENT_SIZES = (1, 2, 3, 4, VARIED)
FD_SIZES = (1, 2, 3, 4, VARIED)

# ------------------------------------------------------------------------------------------------ the symbols

x = m.symbol("x", "n")
a = m.symbol("a", "n")
b = m.symbol("b", "n")
bm = m.symbol("b", "m")
y = m.symbol("y", "m")
yn = m.symbol("y", "n")
yk = m.symbol("y", "k")
w = m.symbol("w", "n")
A = m.symbol("A", "n", "n")
B = m.symbol("B", "n", "n")
Amn = m.symbol("A", "m", "n")
Anm = m.symbol("A", "n", "m")
Apm = m.symbol("A", "p", "m")
Bnp = m.symbol("B", "n", "p")
S = m.symbol("S", "n", "n", ["symmetric"])
Sigma = m.symbol("Sigma", "n", "n", ["positive_definite"])
X = m.symbol("X", "n", "n")
Xmn = m.symbol("X", "m", "n")
Ymn = m.symbol("Y", "m", "n")
Amm = m.symbol("A", "m", "m")
D = m.symbol("D", "n", "n", ["diagonal"])
mu = m.symbol("mu", "n")
W = m.symbol("W", "k", "n")
Wn = m.symbol("W", "n", "n")
lam = m.symbol("lam")
t = m.symbol("t")
dX = m.differential_of(X)
dx = m.differential_of(x)
n_ = m.dim("n")
m_ = m.dim("m")
I_n = m.identity(n_)
I_m = m.identity(m_)
HALF = m.scalar(number(Fraction(1, 2)))


def T(e: MatExpr) -> MatExpr:
    return m.transpose(e)


def inv(e: MatExpr) -> MatExpr:
    return m.inverse(e)


def s(k: int | Any) -> MatExpr:
    return m.scalar(k)


def sq(e: MatExpr) -> MatExpr:
    return m.power(e, 2)


def ew(name: str, e: MatExpr) -> MatExpr:
    return m.apply(name, e)


def ones_like(e: MatExpr) -> MatExpr:
    return m.ones(e.shape)


# ------------------------------------------------------------------------------------------------- the table

@dataclass(frozen=True)
class Row:
    name: str
    f: MatExpr
    variable: m.Symbol
    kind: str  # gradient | jacobian | hessian | differential | second differential
    textbook: MatExpr
    layout: str = "denominator"
    wrong: dict[str, str] = field(default_factory=dict)  # test name -> why it is a strict xfail


residual = m.sub(m.mul(Xmn, w), y)
least_squares = sq(m.norm(residual))
ridge = m.add(least_squares, m.mul(lam, sq(m.norm(w))))
margins = m.hadamard(y, m.mul(Xmn, w))  # y .* (X*w)
logistic = m.sum_of(ew("log", m.add(ones_like(y), ew("exp", m.neg(margins)))))
logistic_01 = m.sub(m.sum_of(ew("softplus", m.mul(Xmn, w))), m.mul(T(y), Xmn, w))  # labels y in {0, 1}
sig_neg = ew("sigmoid", m.neg(margins))
sig_pos = ew("sigmoid", margins)
sig_xw = ew("sigmoid", m.mul(Xmn, w))
scores = m.mul(W, x)
cross_entropy = m.neg(m.mul(T(yk), ew("log", m.softmax(scores))))
pre = m.add(m.mul(Wn, x), b)
tanh_prime = m.sub(ones_like(pre), sq(ew("tanh", pre)))
sm = m.softmax(x)
sum_y = m.sum_of(yk)
s_scores = m.softmax(scores)
softmax_jacobian = m.sub(m.diag(s_scores), m.mul(s_scores, T(s_scores)))
centred = m.sub(x, mu)
gaussian = m.neg(m.mul(HALF, m.add(m.logdet(Sigma), m.mul(T(centred), inv(Sigma), centred))))
xxT = m.mul(x, T(x))
inv_T = T(inv(X))
NOT_MATRIX_FORM = "NotMatrixFormError: "

ROWS = [
    # d2l.ai's five (denominator layout)
    Row("d2l: Jacobian of A x is A'", m.mul(Amn, x), x, "jacobian", T(Amn)),
    Row("d2l: Jacobian of x'A is A", m.mul(T(x), Anm), x, "jacobian", Anm),
    Row("d2l: x'Ax", m.mul(T(x), A, x), x, "gradient", m.mul(m.add(A, T(A)), x)),
    Row("d2l: ||x||^2", sq(m.norm(x)), x, "gradient", m.mul(s(2), x)),
    Row("d2l: ||X||_F^2", sq(m.norm(Xmn)), Xmn, "gradient", m.mul(s(2), Xmn)),
    # linear and quadratic forms
    Row("a'x", m.mul(T(a), x), x, "gradient", a),
    Row("x'a", m.mul(T(x), a), x, "gradient", a),
    Row("x'x", m.mul(T(x), x), x, "gradient", m.mul(s(2), x)),
    Row("x'Sx, S symmetric", m.mul(T(x), S, x), x, "gradient", m.mul(s(2), S, x)),
    Row("b'Ax", m.mul(T(bm), Amn, x), x, "gradient", m.mul(T(Amn), bm)),
    Row("b'Ax in A", m.mul(T(bm), Amn, x), Amn, "gradient", m.mul(bm, T(x))),
    Row("||x - a||", m.norm(m.sub(x, a)), x, "gradient", m.mul(m.power(m.norm(m.sub(x, a)), -1), m.sub(x, a))),
    Row("||x||", m.norm(x), x, "gradient", m.mul(m.power(m.norm(x), -1), x)),
    Row("Hessian of x'Ax", m.mul(T(x), A, x), x, "hessian", m.add(A, T(A))),
    Row("Hessian of x'Sx", m.mul(T(x), S, x), x, "hessian", m.mul(s(2), S)),
    # traces
    Row("tr(A X)", m.trace(m.mul(Anm, Xmn)), Xmn, "gradient", T(Anm)),
    Row("tr(X A)", m.trace(m.mul(Xmn, Anm)), Xmn, "gradient", T(Anm)),
    Row("tr(A X B)", m.trace(m.mul(Apm, Xmn, Bnp)), Xmn, "gradient", m.mul(T(Apm), T(Bnp))),
    Row("tr(X'A)", m.trace(m.mul(T(Xmn), Amn)), Xmn, "gradient", Amn),
    Row("tr(X A X')", m.trace(m.mul(Xmn, A, T(Xmn))), Xmn, "gradient", m.mul(Xmn, m.add(A, T(A)))),
    Row("tr(X'X)", m.trace(m.mul(T(Xmn), Xmn)), Xmn, "gradient", m.mul(s(2), Xmn)),
    Row("tr(X^2)", m.trace(m.mul(X, X)), X, "gradient", m.mul(s(2), T(X))),
    Row("tr(inv(X))", m.trace(inv(X)), X, "gradient", m.neg(T(m.mul(inv(X), inv(X))))),
    Row("tr(A inv(X) B)", m.trace(m.mul(A, inv(X), B)), X, "gradient", m.neg(T(m.mul(inv(X), B, A, inv(X))))),
    # determinants and inverses
    Row("det(X)", m.det(X), X, "gradient", m.mul(m.det(X), T(inv(X)))),
    Row("log det X", m.logdet(X), X, "gradient", T(inv(X))),
    Row("log det Sigma, Sigma positive definite", m.logdet(Sigma), Sigma, "gradient", inv(Sigma)),
    Row("det(A X B)", m.det(m.mul(A, X, B)), X, "gradient", m.mul(m.det(m.mul(A, X, B)), T(inv(X)))),
    Row("a' inv(X) b", m.mul(T(a), inv(X), b), X, "gradient", m.neg(m.mul(T(inv(X)), a, T(b), T(inv(X))))),
    Row("d inv(X)", inv(X), X, "differential", m.neg(m.mul(inv(X), dX, inv(X)))),
    Row("Jacobian of inv(X) (numerator)", inv(X), X, "jacobian", m.neg(m.kron(T(inv(X)), inv(X))),
        layout="numerator"),
    Row("d(X B)", m.mul(X, B), X, "differential", m.mul(dX, B)),
    Row("d log det X", m.logdet(X), X, "differential", m.trace(m.mul(inv(X), dX))),
    Row("Hessian of log det X", m.logdet(X), X, "hessian",
        m.neg(m.mul(m.commutation(n_, n_), m.kron(T(inv(X)), inv(X))))),
    Row("second differential of log det X", m.logdet(X), X, "second differential",
        m.neg(m.trace(m.mul(inv(X), dX, inv(X), dX)))),
    # least squares
    Row("||Xw - y||^2", least_squares, w, "gradient", m.mul(s(2), T(Xmn), residual)),
    Row("Hessian of ||Xw - y||^2", least_squares, w, "hessian", m.mul(s(2), T(Xmn), Xmn)),
    Row("||Xw - y||^2 in X", least_squares, Xmn, "gradient", m.mul(s(2), residual, T(w))),
    Row("ridge", ridge, w, "gradient", m.add(m.mul(s(2), T(Xmn), residual), m.mul(s(2), lam, w))),
    Row("Hessian of ridge", ridge, w, "hessian", m.add(m.mul(s(2), T(Xmn), Xmn), m.mul(s(2), lam, m.identity(n_)))),
    # logistic regression
    Row("logistic loss", logistic, w, "gradient", m.neg(m.mul(T(Xmn), m.hadamard(y, sig_neg)))),
    Row("Hessian of logistic loss", logistic, w, "hessian",
        m.mul(T(Xmn), m.diag(m.hadamard(sq(y), sig_pos, sig_neg)), Xmn)),
    Row("logistic loss, labels 0/1", logistic_01, w, "gradient", m.mul(T(Xmn), m.sub(sig_xw, y))),
    Row("Hessian of logistic loss, labels 0/1", logistic_01, w, "hessian",
        m.mul(T(Xmn), m.diag(m.hadamard(sig_xw, m.sub(ones_like(y), sig_xw))), Xmn)),
    # softmax and logsumexp
    Row("softmax cross-entropy in x", cross_entropy, x, "gradient",
        m.mul(T(W), m.sub(m.mul(sum_y, m.softmax(scores)), yk))),
    Row("softmax cross-entropy in W", cross_entropy, W, "gradient",
        m.mul(m.sub(m.mul(sum_y, m.softmax(scores)), yk), T(x))),
    Row("logsumexp", m.logsumexp(x), x, "gradient", sm),
    Row("Hessian of logsumexp", m.logsumexp(x), x, "hessian", m.sub(m.diag(sm), m.mul(sm, T(sm)))),
    Row("softmax Jacobian", sm, x, "jacobian", m.sub(m.diag(sm), m.mul(sm, T(sm)))),
    Row("sum(exp.(x))", m.sum_of(ew("exp", x)), x, "gradient", ew("exp", x)),
    Row("Hessian of sum(exp.(x))", m.sum_of(ew("exp", x)), x, "hessian", m.diag(ew("exp", x))),
    # entrywise maps
    Row("Jacobian of x .* y", m.hadamard(x, yn), x, "jacobian", m.diag(yn)),
    Row("Jacobian of sigmoid.(x)", ew("sigmoid", x), x, "jacobian",
        m.diag(m.hadamard(ew("sigmoid", x), m.sub(ones_like(x), ew("sigmoid", x))))),
    Row("Jacobian of tanh.(W x + b) in b", ew("tanh", pre), b, "jacobian", m.diag(tanh_prime)),
    Row("Jacobian of tanh.(W x + b) in x", ew("tanh", pre), x, "jacobian", m.mul(T(Wn), m.diag(tanh_prime))),
    Row("Jacobian of tanh.(W x + b) in x (numerator)", ew("tanh", pre), x, "jacobian",
        m.mul(m.diag(tanh_prime), Wn), layout="numerator"),
    Row("Jacobian of A x (numerator)", m.mul(Amn, x), x, "jacobian", Amn, layout="numerator"),
    Row("Jacobian of A x (denominator)", m.mul(Amn, x), x, "jacobian", T(Amn), layout="denominator"),
    # symmetric and diagonal variables (the gradient among symmetric matrices: symmetrised)
    Row("tr(A S) in S symmetric", m.trace(m.mul(A, S)), S, "gradient", m.mul(HALF, m.add(A, T(A)))),
    Row("x'Sx in S symmetric", m.mul(T(x), S, x), S, "gradient", xxT),
    Row("tr(D A) in D diagonal", m.trace(m.mul(D, A)), D, "gradient", m.mul(HALF, m.add(A, T(A)))),
    Row("Hessian of log det Sigma", m.logdet(Sigma), Sigma, "hessian", m.neg(m.kron(inv(Sigma), inv(Sigma)))),
    Row("Hessian of x'S^2x in S symmetric", m.mul(T(x), S, S, x), S, "hessian",
        m.add(m.kron(I_n, xxT), m.kron(xxT, I_n))),
    Row("Gaussian log-likelihood in Sigma", gaussian, Sigma, "gradient",
        m.mul(HALF, m.sub(m.mul(inv(Sigma), centred, T(centred), inv(Sigma)), inv(Sigma)))),
    Row("Gaussian log-likelihood in mu", gaussian, mu, "gradient", m.mul(inv(Sigma), centred)),
    # more traces, determinants, norms
    Row("tr(X^3)", m.trace(m.mul(X, X, X)), X, "gradient", m.mul(s(3), T(m.mul(X, X)))),
    Row("a' diag(X)", m.mul(T(a), m.diag(X)), X, "gradient", m.diag(a)),
    Row("det(X)^2", sq(m.det(X)), X, "gradient", m.mul(s(2), sq(m.det(X)), inv_T)),
    Row("log det (X'X)", m.logdet(m.mul(T(Xmn), Xmn)), Xmn, "gradient", m.mul(s(2), Xmn, inv(m.mul(T(Xmn), Xmn)))),
    Row("Hessian of det(X)", m.det(X), X, "hessian",
        m.mul(m.det(X), m.sub(m.mul(m.vec(inv_T), T(m.vec(inv_T))),
                              m.mul(m.commutation(n_, n_), m.kron(inv_T, inv(X)))))),
    Row("Hessian of ||x||", m.norm(x), x, "hessian",
        m.mul(m.power(m.norm(x), -1), m.sub(I_n, m.mul(m.power(m.norm(x), -2), xxT)))),
    Row("Hessian of ||X||_F", m.norm(Xmn), Xmn, "hessian",
        m.mul(m.power(m.norm(Xmn), -1), m.sub(m.identity(canonical(scalar_mul(m_, n_))),
                                             m.mul(m.power(m.norm(Xmn), -2), m.vec(Xmn), T(m.vec(Xmn)))))),
    Row("Hessian of tr(X'AX)", m.trace(m.mul(T(Xmn), Amm, Xmn)), Xmn, "hessian", m.kron(I_n, m.add(Amm, T(Amm)))),
    Row("Hessian of tr(X A X')", m.trace(m.mul(Xmn, A, T(Xmn))), Xmn, "hessian", m.kron(m.add(A, T(A)), I_m)),
    Row("second differential of x'Ax", m.mul(T(x), A, x), x, "second differential",
        m.mul(T(dx), m.add(A, T(A)), dx)),
    # scalar functions of forms, entrywise sums
    Row("exp(a'x)", ew("exp", m.mul(T(a), x)), x, "gradient", m.mul(ew("exp", m.mul(T(a), x)), a)),
    Row("log(x'x)", ew("log", m.mul(T(x), x)), x, "gradient", m.mul(s(2), m.power(m.mul(T(x), x), -1), x)),
    Row("sum(log.(x))", m.sum_of(ew("log", x)), x, "gradient", m.power(x, -1)),
    Row("sum(x.^3)", m.sum_of(m.power(x, 3)), x, "gradient", m.mul(s(3), m.power(x, 2))),
    Row("sum(relu.(x))", m.sum_of(ew("relu", x)), x, "gradient", ew("heaviside", x)),
    Row("logsumexp(W x) in W", m.logsumexp(scores), W, "gradient", m.mul(s_scores, T(x))),
    Row("Hessian of logsumexp(W x) in x", m.logsumexp(scores), x, "hessian", m.mul(T(W), softmax_jacobian, W)),
    Row("Hessian of softmax cross-entropy in x", cross_entropy, x, "hessian",
        m.mul(sum_y, T(W), softmax_jacobian, W)),
    # Jacobians of matrix functions (numerator layout: d vec F / d vec(X)')
    Row("Jacobian of X'", T(Xmn), Xmn, "jacobian", m.commutation(m_, n_), layout="numerator"),
    Row("Jacobian of A X B", m.mul(A, X, B), X, "jacobian", m.kron(T(B), A), layout="numerator"),
    Row("Jacobian of X .* Y", m.hadamard(Xmn, Ymn), Xmn, "jacobian", m.diag(m.vec(Ymn)), layout="numerator"),
    Row("Jacobian of exp.(X)", ew("exp", Xmn), Xmn, "jacobian", m.diag(m.vec(ew("exp", Xmn))), layout="numerator"),
    Row("Jacobian of X w in X", m.mul(Xmn, w), Xmn, "jacobian", m.kron(T(w), I_m), layout="numerator"),
    Row("Jacobian of x x'", xxT, x, "jacobian", m.add(m.kron(x, I_n), m.kron(I_n, x)), layout="numerator"),
    Row("Jacobian of A inv(X)", m.mul(A, inv(X)), X, "jacobian", m.neg(m.kron(inv_T, m.mul(A, inv(X)))),
        layout="numerator"),
    Row("Jacobian of softmax(W x) in W", s_scores, W, "jacobian", m.kron(T(x), softmax_jacobian),
        layout="numerator"),
    Row("Jacobian of ||x|| x", m.mul(m.norm(x), x), x, "jacobian",
        m.add(m.mul(m.norm(x), I_n), m.mul(m.power(m.norm(x), -1), xxT))),
    Row("Jacobian of sum(x) x (numerator)", m.mul(x, m.sum_of(x)), x, "jacobian",
        m.add(m.mul(m.sum_of(x), I_n), m.mul(x, T(m.ones(x.shape)))), layout="numerator"),
    Row("Jacobian of X X (numerator)", m.mul(X, X), X, "jacobian", m.add(m.kron(I_n, X), m.kron(T(X), I_n)),
        layout="numerator"),
    Row("Jacobian of X'X (numerator)", m.mul(T(Xmn), Xmn), Xmn, "jacobian",
        m.add(m.kron(I_n, T(Xmn)), m.mul(m.kron(T(Xmn), I_n), m.commutation(m_, n_))), layout="numerator"),
    Row("Jacobian of log det X (numerator: a row)", m.logdet(X), X, "jacobian", T(m.vec(inv_T)),
        layout="numerator"),
    # more second derivatives, scalar variables, zero Hessians
    Row("Hessian of ||Xw - y||^2 in X", least_squares, Xmn, "hessian", m.mul(s(2), m.kron(m.mul(w, T(w)), I_m))),
    Row("Hessian of a'x is zero", m.mul(T(a), x), x, "hessian", m.zero((n_, n_))),
    Row("second differential of inv(X)", inv(X), X, "second differential",
        m.mul(s(2), inv(X), dX, inv(X), dX, inv(X))),
    Row("second differential of det(X)", m.det(X), X, "second differential",
        m.mul(m.det(X), m.sub(sq(m.trace(m.mul(inv(X), dX))), m.trace(m.mul(inv(X), dX, inv(X), dX))))),
    Row("||A x||", m.norm(m.mul(A, x)), x, "gradient",
        m.mul(m.power(m.norm(m.mul(A, x)), -1), T(A), A, x)),
    Row("t x'Ax in the scalar t", m.mul(t, T(x), A, x), t, "gradient", m.mul(T(x), A, x)),
    Row("Jacobian of t x in the scalar t", m.mul(t, x), t, "jacobian", T(x)),
    # through diag, vec and Kronecker products (selection and commutation matrices)
    Row("Jacobian of diag(x) y", m.mul(m.diag(x), yn), x, "jacobian", m.diag(yn)),
    Row("Jacobian of diag(x)", m.diag(x), x, "jacobian",
        m.mul(m.diag(m.vec(I_n)), m.kron(m.ones(x.shape), I_n)), layout="numerator"),
    Row("Jacobian of diag(X)", m.diag(X), X, "jacobian",
        m.mul(m.kron(T(m.ones(x.shape)), I_n), m.diag(m.vec(I_n))), layout="numerator"),
    Row("Jacobian of vec(X)", m.vec(Xmn), Xmn, "jacobian", m.identity(canonical(scalar_mul(m_, n_)))),
    Row("vec(A)' vec(X)", m.mul(T(m.vec(Amn)), m.vec(Xmn)), Xmn, "gradient", Amn),
    Row("tr(kron(A, X))", m.trace(m.kron(A, X)), X, "gradient", m.mul(m.trace(A), I_n)),
    Row("Jacobian of kron(A, x)", m.kron(A, x), x, "jacobian", m.kron(m.vec(A), I_n), layout="numerator"),
]


def ours(row: Row) -> MatExpr:
    if row.kind == "gradient":
        return gradient(row.f, row.variable)
    if row.kind == "jacobian":
        return jacobian(row.f, row.variable, layout=row.layout)
    if row.kind == "hessian":
        return hessian(row.f, row.variable)
    if row.kind == "differential":
        return differential(row.f, row.variable)
    return second_differential(row.f, row.variable)


def rows_for(test: str) -> list[Any]:
    params = []
    for row in ROWS:
        why = row.wrong.get(test) or row.wrong.get("all")
        raises = m.NotMatrixFormError if why and why.startswith(NOT_MATRIX_FORM) else None
        marks = [pytest.mark.xfail(strict=True, reason=why, raises=raises)] if why else []
        params.append(pytest.param(row, id=row.name, marks=marks))
    return params


def test_the_table_names_are_unique() -> None:
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names))


# ------------------------------------------------------------------------------------------------ matrix form

def _length_of_vec(node: MatExpr) -> Any:
    rows, cols = node.shape
    return canonical(scalar_mul(rows, cols))


def expected_shape(row: Row) -> tuple[Any, Any]:
    if row.kind == "gradient":
        return row.variable.shape
    if row.kind == "hessian":
        q = _length_of_vec(row.variable)
        return (q, q)
    if row.kind == "jacobian":
        numerator = (_length_of_vec(row.f), _length_of_vec(row.variable))
        return numerator if row.layout == "numerator" else (numerator[1], numerator[0])
    return row.f.shape


def _parts(node: MatExpr) -> list[MatExpr]:
    found = [node]
    for c in node.children:
        found.extend(_parts(c))
    return found


@pytest.mark.parametrize("row", rows_for("matrix form"))
def test_in_matrix_form(row: Row) -> None:
    result = ours(row)
    assert isinstance(result, MatExpr)
    assert result.shape == expected_shape(row), f"{result}: {result.shape}"
    if row.kind == "gradient":
        assert not any(isinstance(p, m.Vec) for p in _parts(result)), str(result)
    text = str(result)
    assert f"{row.variable.name}_1" not in text  # no entry written out


# -------------------------------------------------------------------------------------------------- textbook

def _random_point(nodes: list[MatExpr], sizes: dict[str, int], rng: Any,
                  values_of: Callable[[dict[str, Any]], list[Any]]) -> list[Any]:
    symbols = sorted(set().union(*(n.symbols for n in nodes)), key=lambda s: s.name)
    for attempt in range(6):
        arrays = random_arrays(symbols, sizes, rng, positive=attempt > 0)
        with np.errstate(all="ignore"):
            found = values_of(arrays)
        if all(np.all(np.isfinite(v)) for v in found):
            return found
    raise AssertionError(f"no point where everything is defined at {sizes}")


@pytest.mark.parametrize("row", rows_for("textbook"))
def test_equals_the_textbook_answer(row: Row) -> None:
    result = ours(row)
    nodes = [row.f, result, row.textbook, m.differential_of(row.variable)]
    rng = np.random.default_rng(20)
    for sizes in size_assignments(nodes, TEXTBOOK_SIZES):
        for _ in range(2):
            got, expected = _random_point(nodes, sizes, rng,
                                          lambda v: [evaluate(result, v, sizes), evaluate(row.textbook, v, sizes)])
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-10, err_msg=f"{result} at {sizes}")


# ------------------------------------------------------------------------------------------ by components, FD

@pytest.mark.parametrize("row", rows_for("components"))
def test_agrees_with_the_scalar_machinery(row: Row) -> None:
    result = ours(row)
    options: dict[str, Any] = {"exact": False, "points": 2}
    if row.kind == "gradient":
        report = check_gradient(row.f, row.variable, result, COMPONENT_SIZES, **options)
    elif row.kind == "jacobian":
        report = check_jacobian(row.f, row.variable, result, row.layout, COMPONENT_SIZES, **options)
    elif row.kind == "hessian":
        report = check_hessian(row.f, row.variable, result, COMPONENT_SIZES, **options)
    else:
        order = 1 if row.kind == "differential" else 2
        report = check_differential(row.f, row.variable, result, COMPONENT_SIZES, order=order, **options)
    assert report.ok, report.text()
    assert len(report.results) == len(COMPONENT_SIZES)


@pytest.mark.parametrize("row", rows_for("finite differences"))
def test_agrees_with_finite_differences(row: Row) -> None:
    result = ours(row)
    report = finite_differences(row.f, row.variable, result, row.kind, FD_SIZES, row.layout)
    assert report.ok, report.text()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_textbook_answer_itself_passes_finite_differences(row: Row) -> None:
    """The table is right: each textbook answer (the rows our code cannot do included) is the derivative."""
    report = finite_differences(row.f, row.variable, row.textbook, row.kind, FD_SIZES, row.layout, seed=1)
    assert report.ok, report.text()


@pytest.mark.parametrize("row", [p for p in rows_for("sympy") if p.values[0].name.startswith("d2l:")])
def test_the_d2l_rows_agree_with_sympy(row: Row) -> None:
    pytest.importorskip("sympy")
    from symdiff.interop.matrix_sympy import sympy_check
    report = sympy_check(row.f, row.variable, ours(row), row.kind, (1, 2, 3, VARIED), row.layout)
    assert report.ok, report.text()
    assert report.exact, report.text()


def test_the_table_covers_the_issue() -> None:
    """Every kind of derivative and both layouts appear; the d2l five are there."""
    kinds = {row.kind for row in ROWS}
    assert kinds == {"gradient", "jacobian", "hessian", "differential", "second differential"}
    assert {row.layout for row in ROWS if row.kind == "jacobian"} == {"numerator", "denominator"}
    assert sum(row.name.startswith("d2l:") for row in ROWS) == 5
    assert len(ROWS) >= 50

