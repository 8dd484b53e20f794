"""Derivatives read off a differential (the identification theorems of Magnus and Neudecker).

- a scalar f with df = tr(G'*dX) has the gradient G, of X's shape: `gradient_of_differential` pulls the
  differential back to dX, one rule per node kind of a linear expression (tr(P*dX*Q) = tr(Q*P*dX) gives
  G = P'*Q', tr(B .* dX) gives B, tr(dX') gives ..., the adjoint rules of reverse mode);
- a vector or matrix F with d vec(F) = J*d vec(X) has the Jacobian J (numerator layout; the denominator
  layout is J'): vec(P*dX*Q) = kron(Q', P)*vec(dX), vec(dX') = K*vec(dX), vec(B .* dX) = diag(vec(B))*vec(dX);
  for vectors the Kronecker products fall away (kron(1, P) = P).

For a symmetric X, dX is symmetric and G is taken symmetric: (G + G')/2, the gradient among symmetric matrices.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core.errors import UsageError
from ..core.expr import HALF, ONE, ZERO
from . import nodes as m
from .differentials import differential
from .nodes import MatExpr, NotMatrixFormError

LAYOUTS = ("denominator", "numerator")


def gradient(f: MatExpr, variable: m.Symbol) -> MatExpr:
    """The gradient of a scalar f: of the variable's shape, df = tr(gradient' * d variable)."""
    if not f.is_scalar:
        raise m.ShapeError(f"a gradient is of a scalar, and {f} is a {m.shape_text(f.shape)}: ask for its "
                           "Jacobian", "gradient", (str(f),), (m.shape_text(f.shape),))
    return gradient_of_differential(differential(f, variable), variable)


def gradient_of_differential(df: MatExpr, variable: m.Symbol) -> MatExpr:
    """G with df = tr(G' * dX), for df linear in dX."""
    d_variable = m.differential_of(variable)
    found: list[MatExpr] = []
    _pull(df, m.Scalar(ONE), d_variable, found)
    g = m.add(*found) if found else m.zero(variable.shape)
    if variable.has("symmetric") and not variable.is_scalar:
        g = m.mul(m.Scalar(HALF), m.add(g, m.transpose(g))) if m.transpose(g) != g else g
    return g


def _pull(node: MatExpr, adjoint: MatExpr, d_variable: m.Differential, found: list[MatExpr]) -> None:
    """Add to `found` what `node`'s adjoint contributes to d_variable's (node is linear in d_variable)."""
    if not node.contains(d_variable):
        return
    if node == d_variable:
        found.append(adjoint)
        return
    rule = _PULL.get(type(node))
    if rule is None:
        raise NotMatrixFormError(f"the differential is not linear in {d_variable} through {type(node).__name__}")
    rule(node, adjoint, d_variable, found)


def _pull_sum(node: m.Add, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    for t in node.terms:
        _pull(t, adjoint, d, found)


def _inner(a: MatExpr, b: MatExpr) -> MatExpr:
    """<a, b> = tr(a'*b), the sum of the entrywise products."""
    if a.is_scalar:
        return m.mul(a, b)
    if a.shape[1] is ONE:
        return m.mul(m.transpose(a), b)
    return m.trace(m.mul(m.transpose(a), b))


def _pull_product(node: m.MatMul, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    for i, s in enumerate(node.scalars):
        if s.contains(d):
            rest = m.mul(m.Scalar(node.coefficient), *node.scalars[:i], *node.scalars[i + 1:], *node.chain)
            _pull(s, _inner(rest, adjoint), d, found)
            return
    scale = m.mul(m.Scalar(node.coefficient), *node.scalars)
    for i, f in enumerate(node.chain):
        if f.contains(d):
            before = [m.transpose(p) for p in reversed(node.chain[:i])]
            after = [m.transpose(q) for q in reversed(node.chain[i + 1:])]
            _pull(f, m.mul(scale, *before, adjoint, *after), d, found)
            return


def _pull_transpose(node: m.Transpose, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    _pull(node.arg, m.transpose(adjoint), d, found)


def _pull_trace(node: m.Trace, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    _pull(node.arg, m.mul(adjoint, m.identity(node.arg.shape[0])), d, found)


def _pull_hadamard(node: m.Hadamard, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    inside = [f for f in node.factors if f.contains(d)]
    others = [f for f in node.factors if not f.contains(d)]
    _pull(inside[0], m.hadamard(*others, adjoint), d, found)


def _pull_sum_of(node: m.Sum, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    _pull(node.arg, m.mul(adjoint, m.ones(node.arg.shape)), d, found)


def _pull_diag(node: m.Diag | m.DiagPart, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    _pull(node.arg, m.diag(adjoint), d, found)


def _pull_vec(node: m.Vec, adjoint: MatExpr, d: m.Differential, found: list[MatExpr]) -> None:
    """<G, vec(Y)> = <unvec(G), Y>: G is the vec of a matrix of Y's shape (vec(A) for vec(A)'*vec(X))."""
    if isinstance(adjoint, m.Vec) and adjoint.arg.shape == node.arg.shape:
        _pull(node.arg, adjoint.arg, d, found)
    elif isinstance(adjoint, m.MatMul) and len(adjoint.chain) == 1 and isinstance(adjoint.chain[0], m.Vec):
        inner = adjoint.chain[0]
        _pull(node.arg, m.mul(m.Scalar(adjoint.coefficient), *adjoint.scalars, inner.arg), d, found)
    else:
        raise NotMatrixFormError("the gradient through vec is written in matrix form only against the vec of a "
                                 "matrix")


_PULL: dict[type, Callable[..., None]] = {
    m.Add: _pull_sum, m.MatMul: _pull_product, m.Transpose: _pull_transpose, m.Trace: _pull_trace,
    m.Hadamard: _pull_hadamard, m.Sum: _pull_sum_of, m.Diag: _pull_diag, m.DiagPart: _pull_diag,
    m.Vec: _pull_vec,
}


# ------------------------------------------------------------------------------------------------- Jacobians

def jacobian(f: MatExpr, variable: m.Symbol, layout: str = "denominator") -> MatExpr:
    """d vec(f) / d vec(variable): numerator layout (rows follow f's entries) or its transpose."""
    _check_layout(layout)
    j = jacobian_of_differential(differential(f, variable), f, variable)
    return j if layout == "numerator" else m.transpose(j)


def jacobian_of_differential(df: MatExpr, f: MatExpr, variable: m.Symbol) -> MatExpr:
    d_variable = m.differential_of(variable)
    size_f = m.vec(f).shape[0] if not f.is_scalar else ONE
    size_x = m.vec(variable).shape[0] if not variable.is_scalar else ONE
    if not df.contains(d_variable):
        return m.Zero(size_f, size_x) if (size_f, size_x) != m.SCALAR_SHAPE else m.Scalar(ZERO)
    return _linear_map(df, d_variable, variable)


def _linear_map(node: MatExpr, d: m.Differential, variable: m.Symbol) -> MatExpr:
    """J with vec(node) = J * vec(d), for node linear in d."""
    if node == d:
        return m.identity(m.vec(variable).shape[0] if not variable.is_scalar else ONE)
    if node.is_scalar:  # a scalar: J is the gradient, as a row
        return m.transpose(m.vec(gradient_of_differential(node, variable)))
    if isinstance(node, m.Add):
        return m.add(*(_linear_map(t, d, variable) for t in node.terms if t.contains(d)))
    if isinstance(node, m.MatMul):
        return _linear_map_product(node, d, variable)
    if isinstance(node, m.Transpose):
        rows, cols = node.arg.shape
        return m.mul(m.commutation(rows, cols), _linear_map(node.arg, d, variable))
    if isinstance(node, m.Hadamard):
        others = [f for f in node.factors if not f.contains(d)]
        inside = [f for f in node.factors if f.contains(d)][0]
        return m.mul(m.diag(m.vec(m.hadamard(*others))), _linear_map(inside, d, variable))
    rule = _LINEAR_MAPS.get(type(node))
    if rule is None:
        raise NotMatrixFormError(f"the Jacobian through {type(node).__name__} is not written in matrix form here")
    return m.mul(rule(node), _linear_map(node.children[0] if not isinstance(node, m.Kron) else
                                         (node.left if node.left.contains(d) else node.right), d, variable))


def _diagonal_selection(size: m.Dim) -> MatExpr:
    """S with vec(diag(v)) = S*v: diag(vec(I))*kron(ones(n), I)."""
    return m.mul(m.diag(m.vec(m.Identity(size))), m.kron(m.Ones(size, ONE), m.Identity(size)))


def _kron_map(node: m.Kron) -> MatExpr:
    """vec(A ⊗ B) = (I_n ⊗ K(q, m) ⊗ I_p)*(vec(A) ⊗ vec(B)) for A m x n, B p x q; the constant side's vec
    stands in a Kronecker product with the identity of the varying side's size."""
    (rows_a, cols_a), (rows_b, cols_b) = node.left.shape, node.right.shape
    shuffle = m.kron(m.kron(m.identity(cols_a), m.commutation(cols_b, rows_a)), m.identity(rows_b))
    size_a, size_b = m.vec(node.left).shape[0], m.vec(node.right).shape[0]
    if node.right.symbols & {s for s in node.symbols if isinstance(s, m.Differential)}:
        return m.mul(shuffle, m.kron(m.vec(node.left), m.identity(size_b)))
    return m.mul(shuffle, m.kron(m.identity(size_a), m.vec(node.right)))


# vec(node) = M*vec(child) for the linear nodes of one child (and a Kronecker product with one side varying).
_LINEAR_MAPS: dict[type, Callable[[Any], MatExpr]] = {
    m.Diag: lambda node: _diagonal_selection(node.shape[0]),
    m.DiagPart: lambda node: m.transpose(_diagonal_selection(node.shape[0])),
    m.Vec: lambda node: m.identity(node.shape[0]),
    m.Kron: _kron_map,
}


def _linear_map_product(node: m.MatMul, d: m.Differential, variable: m.Symbol) -> MatExpr:
    for i, s in enumerate(node.scalars):
        if s.contains(d):  # rest * s(d): vec(rest) * (the gradient of s)'
            rest = m.mul(m.Scalar(node.coefficient), *node.scalars[:i], *node.scalars[i + 1:], *node.chain)
            return m.mul(m.vec(rest), m.transpose(m.vec(gradient_of_differential(s, variable))))
    scale = m.mul(m.Scalar(node.coefficient), *node.scalars)
    for i, f in enumerate(node.chain):
        if f.contains(d):
            before = m.mul(*node.chain[:i]) if i else m.identity(f.shape[0])
            after = m.mul(*node.chain[i + 1:]) if i + 1 < len(node.chain) else m.identity(f.shape[1])
            return m.mul(scale, m.kron(m.transpose(after), before), _linear_map(f, d, variable))
    raise AssertionError("a product linear in d holds d in one factor")


def hessian(f: MatExpr, variable: m.Symbol) -> MatExpr:
    """d^2 f / d vec(X) d vec(X)': the Jacobian of the gradient (symmetric, so the same in both layouts)."""
    if not f.is_scalar:
        raise m.ShapeError(f"a Hessian is of a scalar, and {f} is a {m.shape_text(f.shape)}", "hessian",
                           (str(f),), (m.shape_text(f.shape),))
    g = gradient(f, variable)
    return jacobian(g, variable, layout="numerator")


def second_differential(f: MatExpr, variable: m.Symbol) -> MatExpr:
    """d^2 f: the differential of df with dX held constant (a quadratic form in dX)."""
    return differential(differential(f, variable), variable)


def _check_layout(layout: str) -> None:
    if layout not in LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}: use one of {', '.join(LAYOUTS)}")
