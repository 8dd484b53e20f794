"""Function names read as formulas in other functions, with no row of their own: sqrt(u) is u^(1/2), root(u, n)
is u^(1/n) (SymPy's root: the principal root), softmax(u1, ..., un) is the softmax component of its first
argument, exp(u1 - logsumexp(u1, ..., un)) = e^u1 / (e^u1 + ... + e^un).

Each entry: name -> (the numbers of arguments it takes, the function building its formula from the argument
nodes). Both readers consult this table after the registry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import MappingProxyType

from ..core.build import add, inv, neg, power
from ..core.expr import HALF, Expr, Func

__all__ = ["SHORTHANDS", "Shorthand"]


class Shorthand:
    """A name read as a formula: `arities` (a range), `build` (arguments -> node), `english` for the docs."""

    __slots__ = ("arities", "build", "english")

    def __init__(self, arities: range, build: Callable[..., Expr], english: str):
        self.arities, self.build, self.english = arities, build, english


def _softmax(*arguments: Expr) -> Expr:
    return Func("exp", add(arguments[0], neg(_logsumexp(arguments))))


def _logsumexp(arguments: Sequence[Expr]) -> Expr:
    """logsumexp of any number of arguments, nested two at a time (it is associative)."""
    nested = arguments[0]
    for argument in arguments[1:]:
        nested = Func("logsumexp", nested, argument)
    return nested


SHORTHANDS = MappingProxyType({
    "sqrt": Shorthand(range(1, 2), lambda u: power(u, HALF), "square root, u^(1/2)"),
    "root": Shorthand(range(2, 3), lambda u, n: power(u, inv(n)), "n-th root, root(u, n) = u^(1/n)"),
    "softmax": Shorthand(range(2, 1000), _softmax,
                         "softmax component of the first argument, e^u1/(e^u1 + ... + e^un)"),
})
