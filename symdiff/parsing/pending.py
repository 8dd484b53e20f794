"""Sums and products still being read, shared by both grammars' node builders.

`a + b + c` reduces left to right; building the flattened Add at each step would copy all earlier terms each
time, quadratic in their number. The terms are collected in a Pending and built once, by `done`, when the sum is
used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..core.build import add, mul, neg
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


class SumsAndProducts:
    """The rules both grammars share, for their node builders (Lark Transformers) to inherit: sums and products
    collected as Pending, negation and unary plus. Division and powers stay with each builder (their errors
    point into their own text)."""

    def add(self, children: list[Any]) -> Pending:
        return extend(add, children[0], done(children[2]))

    def sub(self, children: list[Any]) -> Pending:
        return extend(add, children[0], neg(done(children[2])))

    def mul(self, children: list[Any]) -> Pending:
        return extend(mul, children[0], done(children[2]))

    def implicit_mul(self, children: list[Any]) -> Pending:  # no operator token between the factors
        return extend(mul, children[0], done(children[1]))

    def neg(self, children: list[Any]) -> Any:
        return neg(done(children[1]))

    def pos(self, children: list[Any]) -> Any:
        return done(children[1])

