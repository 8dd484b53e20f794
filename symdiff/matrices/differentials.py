"""Differentials of matrix expressions: one rule per node kind (Magnus and Neudecker; Giles's forward table).

`differential(f, X)` is df, an expression linear in dX (the Differential of X): d(A*B) = dA*B + A*dB,
d(A^-1) = -A^-1*dA*A^-1, d(det A) = det(A)*tr(A^-1*dA), d f.(A) = f'.(A) .* dA with f' from the registry row.
Gradients, Jacobians and Hessians are read off df (symdiff.matrices.identification); the derivation shows it.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..calculus.partials import FORMULAS
from ..core.expr import NEG_ONE, ONE, Num, Sym
from ..core.build import add as scalar_add
from ..simplification.canonical import canonical
from . import nodes as m
from .nodes import MatExpr, NotMatrixFormError

Rule = Callable[[Any, Sequence[MatExpr]], MatExpr]

PLACEHOLDER = Sym("u")


def differential(node: MatExpr, variable: m.Symbol) -> MatExpr:
    """d(node) when `variable` varies: linear in d(variable); the differentials of other symbols are 0."""
    d_variable = m.differential_of(variable)
    memo: dict[MatExpr, MatExpr] = {}

    def walk(n: MatExpr) -> MatExpr:
        found = memo.get(n)
        if found is not None:
            return found
        if not n.contains(variable):
            result = m.zero(n.shape)
        elif n == variable:
            result = d_variable
        elif isinstance(n, m.Symbol):  # a symbol with the variable's name but another shape cannot occur
            result = m.zero(n.shape)
        else:
            rule = RULES.get(type(n))
            if rule is None:
                raise NotMatrixFormError(f"no differential rule for {type(n).__name__}")
            result = rule(n, [walk(c) for c in n.children])
        memo[n] = result
        return result

    return walk(node)


def _sum(node: m.Add, d: Sequence[MatExpr]) -> MatExpr:
    return m.add(*d)


def _product(node: m.MatMul, d: Sequence[MatExpr]) -> MatExpr:
    factors = list(node.children)
    k = len(node.scalars)
    terms = []
    for i, di in enumerate(d):
        if m.is_zero(di):
            continue
        replaced = factors[:i] + [di] + factors[i + 1:]
        terms.append(m.mul(m.Scalar(node.coefficient), *replaced[:k], *replaced[k:]))
    return m.add(*terms) if terms else m.zero(node.shape)


def _entrywise_product(node: m.Hadamard, d: Sequence[MatExpr]) -> MatExpr:
    factors = list(node.factors)
    terms = [m.hadamard(*(factors[:i] + [di] + factors[i + 1:])) for i, di in enumerate(d) if not m.is_zero(di)]
    return m.add(*terms)


def _transpose(node: m.Transpose, d: Sequence[MatExpr]) -> MatExpr:
    return m.transpose(d[0])


def _inverse(node: m.Inverse, d: Sequence[MatExpr]) -> MatExpr:
    return m.neg(m.mul(node, d[0], node))


def _trace(node: m.Trace, d: Sequence[MatExpr]) -> MatExpr:
    return m.trace(d[0])


def _det(node: m.Det, d: Sequence[MatExpr]) -> MatExpr:
    return m.mul(node, m.trace(m.mul(m.inverse(node.arg), d[0])))


def _logdet(node: m.LogDet, d: Sequence[MatExpr]) -> MatExpr:
    return m.trace(m.mul(m.inverse(node.arg), d[0]))


def _norm(node: m.Norm, d: Sequence[MatExpr]) -> MatExpr:
    # d||A|| = tr(A'*dA)/||A|| (for a vector x: x'*dx/||x||)
    return m.mul(m.power(node, NEG_ONE), m.trace(m.mul(m.transpose(node.arg), d[0])))


def _sum_of(node: m.Sum, d: Sequence[MatExpr]) -> MatExpr:
    return m.sum_of(d[0])


def _softmax(node: m.Softmax, d: Sequence[MatExpr]) -> MatExpr:
    # d softmax(x) = (diag(s) - s*s')*dx, written s .* dx - s*(s'*dx)
    s = node
    return m.sub(m.hadamard(s, d[0]), m.mul(s, m.mul(m.transpose(s), d[0])))


def _logsumexp(node: m.LogSumExp, d: Sequence[MatExpr]) -> MatExpr:
    return m.mul(m.transpose(m.softmax(node.arg)), d[0])


def _diag(node: m.Diag | m.DiagPart, d: Sequence[MatExpr]) -> MatExpr:
    return m.diag(d[0])


def _vec(node: m.Vec, d: Sequence[MatExpr]) -> MatExpr:
    return m.vec(d[0])


def _kron(node: m.Kron, d: Sequence[MatExpr]) -> MatExpr:
    return m.add(m.kron(d[0], node.right), m.kron(node.left, d[1]))


def _power(node: m.Power, d: Sequence[MatExpr]) -> MatExpr:
    lowered = canonical(scalar_add(node.exponent, NEG_ONE))
    return m.mul(m.Scalar(node.exponent), m.hadamard(m.power(node.arg, lowered), d[0]))


def _apply(node: m.Apply, d: Sequence[MatExpr]) -> MatExpr:
    formula = FORMULAS[(node.name, 1)][0]
    if formula is None:
        raise NotMatrixFormError(f"{node.name} is not differentiable")
    return m.hadamard(m.entrywise(formula, PLACEHOLDER, node.arg), d[0])


RULES: dict[type, Rule] = {
    m.Add: _sum, m.MatMul: _product, m.Hadamard: _entrywise_product, m.Transpose: _transpose,
    m.Inverse: _inverse, m.Trace: _trace, m.Det: _det, m.LogDet: _logdet, m.Norm: _norm, m.Sum: _sum_of,
    m.Softmax: _softmax, m.LogSumExp: _logsumexp, m.Diag: _diag, m.DiagPart: _diag, m.Vec: _vec,
    m.Kron: _kron, m.Power: _power, m.Apply: _apply,
}

__all__ = ["differential", "RULES", "PLACEHOLDER", "ONE", "Num"]
