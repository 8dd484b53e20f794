"""The one precedence table every printer uses, and the split of a product into sign, numerator and
denominator that both the text and the LaTeX printer lay out."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from ..core.build import inv, is_denominator, is_number
from ..core.expr import HALF, Add, Expr, Float, Mul, Num, Pow

ADD, MUL, POW, ATOM = 10, 20, 30, 40


def precedence(node: Expr) -> int:
    """How tightly the printed form of `node` binds: a child printed inside an operator of higher
    precedence needs parentheses."""
    if type(node) is Add:
        return ADD
    if type(node) is Mul:
        return MUL
    if type(node) is Num:
        return MUL if node.value < 0 or isinstance(node.value, Fraction) else ATOM
    if type(node) is Float:
        return MUL if node.value < 0 else ATOM
    if type(node) is Pow:
        if is_denominator(node):
            return MUL  # printed as 1/...
        return ATOM if node.exp is HALF else POW
    return ATOM


@dataclass
class Product:
    """A product laid out for printing: negative?, |coefficient| (None when 1), numerator factors, and the
    denominator's factors already inverted (y^-2 -> y^2)."""
    negative: bool
    coefficient: Expr | None
    numerator: list[Expr]
    denominator: list[Expr]


def split_product(node: Expr) -> Product:
    factors: list[Expr] = list(node.args) if type(node) is Mul else [node]
    negative, coefficient = False, None
    if factors and is_number(factors[0]):
        value = cast("Num | Float", factors.pop(0)).value
        negative = value < 0
        magnitude = -value if negative else value
        if magnitude != 1 or isinstance(magnitude, float):
            coefficient = Float(magnitude) if isinstance(magnitude, float) else Num(magnitude)
    numerator = [f for f in factors if not is_denominator(f)]
    denominator = [inv(f) for f in factors if is_denominator(f)]
    if coefficient is not None and type(coefficient) is Num and isinstance(coefficient.value, Fraction):
        # 3/2*x is laid out as 3*x/2
        fraction = coefficient.value
        coefficient = Num(fraction.numerator) if fraction.numerator != 1 else None
        denominator.insert(0, Num(fraction.denominator))
    return Product(negative, coefficient, numerator, denominator)

