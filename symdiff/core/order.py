"""The canonical order of terms and factors, as a textbook writes them: higher degree first and constants
last in a sum (`x^2 + 2*x + 1`), numbers, then symbols, then functions in a product, and the denominator's
factors after the numerator's (so that `x/y` prints and parses back unchanged)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .build import is_denominator
from .expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym

_set = object.__setattr__
_RANK = {Num: 0, Float: 0, Const: 1, Sym: 2, Pow: 3, Func: 4, Derivative: 5, Add: 6, Mul: 7}


def sort_key(node: Expr) -> tuple[Any, ...]:
    """A total order on nodes (cached on the node). Equal ranks have keys of the same shape."""
    key: tuple[Any, ...] | None = node._key
    if key is None:
        kind = type(node)
        rank = _RANK[kind]
        if isinstance(node, (Num, Float)):
            key = (rank, node.value)
        elif kind in (Const, Sym):
            key = (rank, node.args[0])
        elif type(node) is Func:
            key = (rank, node.name, tuple(sort_key(a) for a in node.arguments))
        elif type(node) is Derivative:
            key = (rank, node.name, node.orders, tuple(sort_key(a) for a in node.arguments))
        else:  # Pow, Add, Mul
            key = (rank, tuple(sort_key(a) for a in node.args))
        _set(node, "_key", key)
    return key


def factor_key(factor: Expr) -> tuple[Any, ...]:
    """Order of factors in a product: numerator before denominator, then by base, then by exponent."""
    if type(factor) is Pow:
        return (is_denominator(factor), sort_key(factor.base), sort_key(factor.exp))
    return (False, sort_key(factor), (0, 1))


def degree(term: Expr) -> float | Fraction:
    """Total degree of a monomial in its symbols, counting numeric exponents only (sin(x) has degree 0)."""
    total: float | Fraction = 0
    for factor in (term.args if type(term) is Mul else (term,)):
        if type(factor) is Sym:
            total += 1
        elif type(factor) is Pow and type(factor.base) is Sym and isinstance(factor.exp, (Num, Float)):
            total += factor.exp.value
    return total


def term_key(term: Expr) -> tuple[Any, ...]:
    """Order of terms in a sum: non-constant terms by falling degree, then by their factors; constants last."""
    if not term.free_symbols:
        return (1, 0, sort_key(term))
    monomial = term
    if type(term) is Mul and type(term.args[0]) in (Num, Float):
        monomial = term.args[1] if len(term.args) == 2 else Mul(*term.args[1:])
    return (0, -degree(monomial), sort_key(monomial))
