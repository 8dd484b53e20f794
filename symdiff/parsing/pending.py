"""Sums and products still being read, shared by both grammars' node builders.

`a + b + c` reduces left to right; building the flattened Add at each step would copy all earlier terms each
time, quadratic in their number. The terms are collected in a Pending and built once, by `done`, when the sum is
used.
"""

from __future__ import annotations


class Pending:
    """A sum (or product) still being read: `build` (add or mul) and the operands so far."""

    __slots__ = ("build", "items")

    def __init__(self, build, items):
        self.build, self.items = build, items


def done(node):
    """The node, with a pending sum or product built."""
    return node.build(*node.items) if isinstance(node, Pending) else node


def extend(build, left, right):
    """left (op) right, where op is `build`: the same pending operation grows (a subclass of Pending, which marks
    a different reading, does not)."""
    if type(left) is Pending and left.build is build:
        left.items.append(right)
        return left
    return Pending(build, [done(left), right])
