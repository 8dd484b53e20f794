"""Simplification with side relations: an expression made shorter using equations that hold where it is used.

Implicit differentiation gives d^2y/dx^2 = -(x^2 + y^2)/y^3 on the circle x^2 + y^2 = 1, where it is -1/y^3: the
numerator and denominator, as polynomials over the generators (symdiff.simplification.rational), are reduced
modulo each relation's polynomial by multivariate division (FLINT), once with each of the relation's generators
leading the monomial order (x^2 -> 1 - y^2 or y^2 -> 1 - x^2), and the shortest result is kept. The results are
equal to the input only where the relations hold, so this is for callers that know they do (Maple's
`simplify(expr, side relations)`). Division is not a Groebner basis reduction: with several relations the
result may not be the shortest possible, only never longer than the input's simplified form.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.build import div
from ..core.errors import TooLarge
from ..core.expr import Expr
from ..core.order import sort_key
from .rational import RationalForm, generators_of
from .simplifier import cost, simplify

__all__ = ["reduce_with"]


def reduce_with(expr: Expr, relations: Sequence[Expr]) -> Expr:
    """The shortest of `expr` (simplified) and its reductions modulo each relation (an expression equal to 0
    where `expr` is used). Relations that are not polynomial in their generators, or too large, are skipped."""
    best = simplify(expr)
    for relation in relations:
        for candidate in _reductions(best, relation):
            if cost(candidate) < cost(best):
                best = candidate
    return best


def _reductions(expr: Expr, relation: Expr) -> list[Expr]:
    """expr reduced modulo relation, once per generator of the relation leading the lex order."""
    found: dict[Expr, None] = {}
    try:
        generators_of(relation, found)
        leading = list(found)
        generators_of(expr, found)
    except TooLarge:  # a float: nothing exact to divide
        return []
    others = sorted(found, key=sort_key)
    results = []
    for first in sorted(leading, key=sort_key):
        form = RationalForm([first] + [g for g in others if g is not first])
        try:
            numerator, denominator = form.quotient(expr, {})
            modulus, _ = form.quotient(relation, {})  # a relation's denominator does not change where it is 0
            _, numerator = divmod(numerator, modulus)
            _, denominator = divmod(denominator, modulus)
        except TooLarge:
            continue
        if denominator.is_zero():  # the denominator vanishes on the relation: expr is undefined there
            continue
        results.append(simplify(div(form.to_expr(numerator), form.to_expr(denominator))))
    return results
