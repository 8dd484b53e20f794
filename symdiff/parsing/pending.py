"""Sums and products still being read, shared by both grammars' node builders.

`a + b + c` reduces left to right; building the flattened Add at each step would copy all earlier terms each
time, quadratic in their number. The terms are collected in a Pending and built once, by `done`, when the sum is
used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ..core.expr import Expr

_T = TypeVar("_T")


class Pending:
    """A sum (or product) still being read: `build` (add or mul) and the operands so far."""

    __slots__ = ("build", "items")
    build: Callable[..., Expr]
    items: list[Expr]

    def __init__(self, build: Callable[..., Expr], items: list[Expr]):
        self.build, self.items = build, items


def done(node: Pending | _T) -> Expr | _T:
    """The node, with a pending sum or product built."""
    return node.build(*node.items) if isinstance(node, Pending) else node


def extend(build: Callable[..., Expr], left: Expr | Pending, right: Expr) -> Pending:
    """left (op) right, where op is `build`: the same pending operation grows (a subclass of Pending, which marks
    a different reading, does not)."""
    if type(left) is Pending and left.build is build:
        left.items.append(right)
        return left
    return Pending(build, [done(left), right])
