"""Builders for the literal normal form: the shapes the parser produces and the printer writes back.

They do notation, not algebra: a product has at most one numeric coefficient, placed first, then the factors
of its numerator, then those of its denominator; zeros are dropped from sums, ones from products; `a - b` is
`a + (-1)*b` and `a / b` is `a * b^-1` with the inverse pushed through products and powers (`1/(2*y^2)` is
`(1/2) * y^-2`). The differentiator builds with them too, so that symbolic zeros and ones never appear.
Anything more (collecting like terms, folding powers, canonical order) is `symdiff.simplify`'s job.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import TypeAlias

from .budget import check_number
from .errors import BudgetError
from .expr import NEG_ONE, ONE, ZERO, Add, Derivative, Expr, Float, Func, Mul, Num, Pow
from .traversal import children, parents_first

NUMBERS = (Num, Float)
# A Python number as symdiff computes with them: exact (int, Fraction) or a float.
Number: TypeAlias = "int | Fraction | float"
# Exact numbers below this many bits are never checked against budget.max_result_digits (a fast path).
_SMALL_BITS = 1024


def is_number(node: Expr) -> bool:
    return type(node) in NUMBERS


def number(value: Number) -> Expr:
    """A node for a Python number: exact for int/Fraction, Float for float. A float that overflowed (inf,
    nan) or an exact number over budget.max_result_digits is a BudgetError."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise BudgetError("a decimal number overflows (its magnitude is over 1.8e308)")
        return Float(value)
    if isinstance(value, int):
        if value.bit_length() > _SMALL_BITS:
            check_number(value)
    elif max(value.numerator.bit_length(), value.denominator.bit_length()) > _SMALL_BITS:
        check_number(value)
    return Num(value)


def plus(a: Number, b: Number) -> Number:
    """a+b for Python numbers; an exact integer too large to become a float (10^400 + 0.5) is a BudgetError."""
    try:
        return a + b
    except OverflowError:
        raise BudgetError("a number is too large to combine with a decimal (over 1.8e308)") from None


def multiply(a: Number, b: Number) -> Number:
    """a*b for Python numbers; an exact integer too large to become a float (10^400 * 0.5) is a BudgetError."""
    try:
        return a * b
    except OverflowError:
        raise BudgetError("a number is too large to combine with a decimal (over 1.8e308)") from None


def add(*terms: Expr) -> Expr:
    kept = [t for t in terms if t is not ZERO]
    if not kept:
        return ZERO
    return kept[0] if len(kept) == 1 else Add(*kept)


def mul(*factors: Expr) -> Expr:
    coefficient: Number = 1
    numerator: list[Expr] = []
    denominator: list[Expr] = []
    for factor in factors:
        for f in (factor.args if type(factor) is Mul else (factor,)):
            if isinstance(f, NUMBERS):
                coefficient = multiply(coefficient, f.value)
            elif is_denominator(f):
                denominator.append(f)
            else:
                numerator.append(f)
    if coefficient == 0 and not isinstance(coefficient, float):
        return ZERO
    rest = numerator + denominator
    if coefficient != 1 or isinstance(coefficient, float) or not rest:
        rest.insert(0, number(coefficient))
    return rest[0] if len(rest) == 1 else Mul(*rest)


def neg(node: Expr) -> Expr:
    return mul(Num(-1), node)


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, neg(b))


def inv(node: Expr) -> Expr:
    """1/node, pushed through products and powers. Raises ZeroDivisionError for a literal zero."""
    if type(node) is Num:
        return Num(Fraction(1) / node.value)
    if type(node) is Float:
        return number(1.0 / node.value)  # 1/5e-324 overflows
    if type(node) is Mul:
        return mul(*map(inv, node.args))
    if type(node) is Pow and not is_number(node.base):
        return power(node.base, neg(node.exp))
    return Pow(node, NEG_ONE)


def div(a: Expr, b: Expr) -> Expr:
    return mul(a, inv(b))


def power(base: Expr, exponent: Expr) -> Expr:
    """base^exponent; base^-1 is written and read as 1/base, so it is built as inv(base) (valid for any base:
    the exponent is an integer)."""
    if exponent is ONE:
        return base
    if exponent is ZERO:
        return ONE
    if exponent is NEG_ONE:
        return inv(base)
    return Pow(base, exponent)


def is_negative_number(node: Expr) -> bool:
    return isinstance(node, NUMBERS) and node.value < 0


def has_negative_sign(node: Expr) -> bool:
    """True for -3, -x and -2*x: terms the printer writes after a minus sign."""
    if type(node) is Mul:
        node = node.args[0]
    return is_negative_number(node)


def is_denominator(node: Expr) -> bool:
    """A power with a negative exponent and a non-numeric base: written under a fraction bar."""
    return type(node) is Pow and has_negative_sign(node.exp) and not is_number(node.base)


# ---- rebuilding ---------------------------------------------------------------------------------------

def rebuild(node: Expr, children: Sequence[Expr]) -> Expr:
    """`node` with new children, through the builders so the literal normal form is kept."""
    kind = type(node)
    if kind is Add:
        return add(*children)
    if kind is Mul:
        return mul(*children)
    if kind is Pow:
        return power(*children)
    if type(node) is Func:
        return Func(node.name, *children)
    if type(node) is Derivative:
        return Derivative(node.name, node.orders, *children)
    return node


def substitute(node: Expr, mapping: Mapping[Expr, Expr]) -> Expr:
    """Replace subexpressions (keys of `mapping`, usually symbols) everywhere, simultaneously."""
    memo = dict(mapping)
    # Children first, without recursion (any depth); the walk does not enter a part that is replaced.
    for part in reversed(parents_first([node], lambda n: () if n in memo else children(n))):
        if part not in memo:
            kids = children(part)
            memo[part] = rebuild(part, [memo[k] for k in kids]) if kids else part
    return memo[node]
