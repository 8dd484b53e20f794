"""Derivations in matrix form: the differential worked out one rule at a time, then the derivative read off it.

    f = norm(X*w - y)^2
    df = 2*norm(X*w - y)*d(norm(X*w - y))          power rule
       = 2*(X*w - y)'*d(X*w - y)                    norm rule
       = 2*(X*w - y)'*X*dw                          sum rule, product rule
    gradient: df = g'*dw, so the gradient is g = 2*X'*(X*w - y)

Each line replaces every differential d(u) still pending by the rule of u's kind from the table that computes
differentials (symdiff.matrices.differentials.RULES, applied one level deep), so the derivation and the
answer come from the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import nodes as m
from .differentials import RULES
from .nodes import MatExpr

# What each rule is called in a derivation, and the identity it applies. A node kind with two readings (a power
# of a scalar or of each entry, a product by a number or of matrices) has both, and WHICH_READING chooses.
RULE_NAMES: dict[type, tuple[str, ...]] = {
    m.Add: ("sum rule: d(A + B) = dA + dB",),
    m.MatMul: ("product rule: d(A*B) = dA*B + A*dB", "constant multiple: d(c*A) = c*dA"),
    m.Hadamard: ("entrywise product rule: d(A .* B) = dA .* B + A .* dB",),
    m.Transpose: ("transpose rule: d(A') = (dA)'",),
    m.Inverse: ("inverse rule: d(inv(A)) = -inv(A)*dA*inv(A)",),
    m.Trace: ("trace rule: d tr(A) = tr(dA)",),
    m.Det: ("determinant rule (Jacobi's formula): d det(A) = det(A)*tr(inv(A)*dA)",),
    m.LogDet: ("log-determinant rule: d logdet(A) = tr(inv(A)*dA)",),
    m.Norm: ("norm rule: d norm(A) = tr(A'*dA)/norm(A)", "norm rule: d norm(x) = x'*dx/norm(x)"),
    m.Sum: ("sum of entries: d sum(A) = sum(dA)",),
    m.Softmax: ("softmax rule: d softmax(x) = (diag(s) - s*s')*dx, s = softmax(x)",),
    m.LogSumExp: ("logsumexp rule: d logsumexp(x) = softmax(x)'*dx",),
    m.Diag: ("diag rule: d diag(x) = diag(dx)",),
    m.DiagPart: ("diag rule: d diag(A) = diag(dA)",),
    m.Vec: ("vec rule: d vec(A) = vec(dA)",),
    m.Kron: ("Kronecker product rule: d(A ⊗ B) = dA ⊗ B + A ⊗ dB",),
    m.Power: ("power rule, entrywise: d(u.^p) = p*u.^(p - 1) .* du", "power rule: d(u^p) = p*u^(p - 1)*du"),
    m.Apply: ("chain rule, entrywise: d f.(u) = f'.(u) .* du", "chain rule: d f(u) = f'(u)*du"),
}

# For the kinds with two readings: whether a node takes the second.
WHICH_READING: dict[type, Callable[[Any], bool]] = {
    m.MatMul: lambda node: len(node.children) == 1,      # c*A: a number times one factor
    m.Norm: lambda node: node.arg.is_vector,
    m.Power: lambda node: node.is_scalar,
    m.Apply: lambda node: node.is_scalar,
}


def rule_name(node: MatExpr) -> str:
    """The rule that differentiates `node`, as a derivation names it."""
    names = RULE_NAMES[type(node)]
    second = WHICH_READING.get(type(node))
    return names[1] if second is not None and second(node) else names[0]


@dataclass(frozen=True)
class Step:
    """One line of a derivation: the expression, and the rules that produced it from the line before."""
    expression: MatExpr
    rules: tuple[str, ...]


@dataclass(frozen=True)
class MatrixDerivation:
    """f, its differential worked out line by line, and the derivative read off the last line: `conclusion` in
    words, `result` the derivative, `name` what the derivative is called (the gradient, the Hessian)."""
    function: MatExpr
    variable: m.Symbol
    lines: tuple[Step, ...]
    conclusion: str
    result: MatExpr | None = None
    name: str = "gradient"


def derive_differential(f: MatExpr, variable: m.Symbol,
                        simplify: Callable[[MatExpr], MatExpr] | None = None) -> tuple[Step, ...]:
    """The lines df = ... from d(f) to an expression in d(variable) alone; `simplify` (the matrix algebra) may
    shorten the last."""
    start = m.pending_differential(f)
    current: MatExpr = start
    lines: list[Step] = []
    while True:
        pending = [s for s in current.symbols if isinstance(s, m.PendingDifferential)]
        if not pending:
            break
        mapping: dict[MatExpr, MatExpr] = {}
        names: list[str] = []
        for p in sorted(pending, key=m.sort_key):
            u = p.of_expression
            assert u is not None
            mapping[p] = _one_level(u, variable)
            if not isinstance(u, m.Symbol):
                name = rule_name(u)
                if name not in names:
                    names.append(name)
        current = m.substitute(current, mapping)
        lines.append(Step(current, tuple(names)))
    if simplify is not None and lines:
        shorter = simplify(current)
        if shorter != current:
            lines.append(Step(shorter, ("simplified",)))
    return tuple(lines)


def _one_level(u: MatExpr, variable: m.Symbol) -> MatExpr:
    """d(u) by the rule of u's kind, its children's differentials left pending (or 0, or d(variable))."""
    if u == variable:
        return m.differential_of(variable)
    if not u.contains(variable) or isinstance(u, m.Symbol):
        return m.zero(u.shape)
    d_children = [_pending_or_known(c, variable) for c in u.children]
    return RULES[type(u)](u, d_children)


def _pending_or_known(child: MatExpr, variable: m.Symbol) -> MatExpr:
    if child == variable:
        return m.differential_of(variable)
    if not child.contains(variable):
        return m.zero(child.shape)
    return m.pending_differential(child)
