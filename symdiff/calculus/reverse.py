"""Reverse mode: every partial derivative of an expression by one sweep, as backpropagation computes a gradient.

Differentiating f once per variable repeats the work on every part shared between the variables' paths.
Backpropagation instead sweeps the expression graph once, from f down to its inputs: each node's adjoint
(df/dnode) is the sum, over the nodes that use it, of their adjoint times their local partial derivative, and the
adjoint of a symbol is that component of the gradient. As expressions are interned DAGs (symdiff.core.expr), each
distinct part is visited once and its adjoint is one shared node, so the gradient of a function of n variables
costs time proportional to the size of f, not n times it.

The local partials are the table forward mode uses (symdiff.calculus.partials).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.build import add, mul
from ..core.expr import ONE, ZERO, Expr, Sym
from ..core.traversal import children, parents_first
from .partials import local_partials


def adjoints(f: Expr, names: Sequence[str]) -> dict[str, Expr]:
    """{name: df/d(name)} for each name in `names`, unsimplified, by one reverse sweep over f's graph.
    Only parts that depend on some wanted name are visited."""
    wanted = frozenset(names)

    def depends(node: Expr) -> bool:
        return not wanted.isdisjoint(node.free_symbols)

    contributions: dict[Expr, list[Expr]] = {f: [ONE]} if depends(f) else {}
    found: dict[str, Expr] = {}
    for node in parents_first([f] if contributions else [], lambda n: [c for c in children(n) if depends(c)]):
        adjoint = add(*contributions.pop(node))
        if type(node) is Sym:
            found[node.name] = adjoint
            continue
        for partial in local_partials(node, depends):
            contributions.setdefault(partial.child, []).append(mul(adjoint, partial.value))
    return {name: found.get(name, ZERO) for name in names}
