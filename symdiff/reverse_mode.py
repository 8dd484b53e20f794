"""Derivatives in many variables at once: gradient, Jacobian and Hessian by reverse mode.

Differentiating f once per variable repeats the work on every part shared between the variables' paths.
Backpropagation instead sweeps the expression graph once, from f down to its inputs: each node's adjoint
(df/dnode) is the sum, over the nodes that use it, of their adjoint times their local partial derivative, and the
adjoint of a symbol is that component of the gradient. As expressions are interned DAGs (symdiff.expr), each
distinct part is visited once and its adjoint is one shared node, so the gradient of a function of n variables
costs time proportional to the size of f, not n times it.

The local partials come from the same places as the forward rules (symdiff.differentiate): the function table
for calls, D[...] nodes for undefined functions. The components are then simplified together, with one memo.
"""

from __future__ import annotations

from .api import _guard, as_expr, simplification_level, variable_names
from .build import add, mul, power
from .differentiate import _minus_one, argument_partials
from .expr import E, ONE, ZERO, Add, Derivative, Expr, Func, Mul, Pow, Sym
from .matrix import Matrix, Vector
from .simplify import simplify_all
from .traversal import children, parents_first


# ---- the reverse sweep ---------------------------------------------------------------------------------

# d(node)/d(child) for the children of a node that pass `depends` (a child used twice is listed twice),
# by node type. Partials in children that do not matter are not built.

def _sum_partials(node: Add, depends) -> list:
    return [(term, ONE) for term in node.args if depends(term)]


def _product_partials(node: Mul, depends) -> list:
    factors = node.args
    return [(f, mul(*factors[:i], *factors[i + 1:])) for i, f in enumerate(factors) if depends(f)]


def _power_partials(node: Pow, depends) -> list:
    base, exponent = node.args
    partials = []
    if depends(base):
        partials.append((base, mul(exponent, power(base, _minus_one(exponent)))))
    if depends(exponent):
        partials.append((exponent, node if base is E else mul(node, Func("log", base))))
    return partials


def _call_partials(node: Func | Derivative, depends) -> list:
    if not any(map(depends, node.arguments)):
        return []
    return [(a, p) for a, p in zip(node.arguments, argument_partials(node)) if depends(a)]


LOCAL_PARTIALS = {Add: _sum_partials, Mul: _product_partials, Pow: _power_partials,
                  Func: _call_partials, Derivative: _call_partials}


def adjoints(f: Expr, names) -> dict:
    """{name: df/d(name)} for each name in `names`, unsimplified, by one reverse sweep over f's graph.
    Only parts that depend on some wanted name are visited."""
    wanted = frozenset(names)

    def depends(node: Expr) -> bool:
        return not wanted.isdisjoint(node.free_symbols)

    contributions: dict[Expr, list] = {f: [ONE]} if depends(f) else {}
    found = {}
    for node in parents_first([f] if contributions else [], lambda n: [c for c in children(n) if depends(c)]):
        adjoint = add(*contributions.pop(node))
        if type(node) is Sym:
            found[node.name] = adjoint
            continue
        for child, partial in LOCAL_PARTIALS[type(node)](node, depends):
            contributions.setdefault(child, []).append(mul(adjoint, partial))
    return {name: found.get(name, ZERO) for name in names}


# ---- the API ---------------------------------------------------------------------------------------------

def _finish(nodes: list, simplify) -> list:
    level = simplification_level(simplify)
    return nodes if level is None else simplify_all(nodes, level)


def _expressions(exprs) -> list:
    """A list of expressions from a list (of expressions or texts) or from comma-separated text."""
    if isinstance(exprs, str):
        from .parser import parse_list
        return parse_list(exprs)
    if isinstance(exprs, Expr):
        return [exprs]
    return [as_expr(e) for e in exprs]


def _derivatives(fs: list, names: list, simplify) -> list:
    """[[d f/d name for name in names] for f in fs]: each f simplified first, as diff does (sqrt(x - x) is 0,
    not a division by zero once differentiated), swept once, and every entry simplified with one memo."""
    fs = _finish(fs, simplify)
    swept = [adjoints(f, names) for f in fs]
    entries = iter(_finish([row[n] for row in swept for n in names], simplify))
    return [[next(entries) for _ in names] for _ in fs]


@_guard
def gradient(f, variables=None, simplify: bool | str = True) -> Vector:
    """The gradient of a scalar expression: its partial derivatives in `variables` (names, symbols or
    "x,y"; by default every free symbol in sorted order), by one reverse sweep."""
    f = as_expr(f)
    return Vector(_derivatives([f], variable_names(variables, [f]), simplify)[0])


@_guard
def jacobian(fs, variables=None, simplify: bool | str = True) -> Matrix:
    """The Jacobian matrix of a list of expressions (or comma-separated text): row i is the gradient of
    fs[i], in `variables` (by default all their free symbols, sorted)."""
    fs = _expressions(fs)
    return Matrix(_derivatives(fs, variable_names(variables, fs), simplify))


@_guard
def hessian(f, variables=None, simplify: bool | str = True) -> Matrix:
    """The matrix of second partial derivatives: the Jacobian of the gradient, one reverse sweep per
    component. Entries below the diagonal are the ones above it (mixed partials are equal for the smooth
    functions symdiff differentiates), so each mixed partial is printed the same way in both places."""
    f = as_expr(f)
    names = variable_names(variables, [f])
    first = gradient(f, names, simplify)  # simplified: the second sweep starts from the simplified gradient
    n = len(names)
    upper = [adjoints(first[i], names[i:]) for i in range(n)]
    entries = iter(_finish([upper[i][names[j]] for i in range(n) for j in range(i, n)], simplify))
    rows = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            rows[i][j] = rows[j][i] = next(entries)
    return Matrix(rows)
