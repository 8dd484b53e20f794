"""The forms a textbook prints, and the cost that prefers them.

A textbook clears fractions out of a numerator, (2*x^2 + 1)/(2*x) rather than (x^2 + 1/2)/x, and writes 1/x^2
rather than x^(-2). `cleared` builds the first form; `ReaderCost` measures forms on the tree (each node once, no
printing): `width` is the length of the text, the simplifier's cost, which keeps its promise never to lengthen;
`penalty` is what reads worse than its length says, a fraction nested under another's bar (in LaTeX, a \\frac
inside a \\frac) and a negative exponent left showing (2^(-x)); the two together are what a reader sees, by
which the simplifier takes a cleared form where it is no longer than the canonical one.
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from ..core import budget
from ..core.build import has_negative_sign, inv, is_denominator, is_number
from ..core.expr import HALF, Add, Const, Derivative, Diff, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import children
from ..printing.precedence import ATOM, POW, precedence
from .canonical import canonical_add, canonical_mul, canonical_pow

# A fraction under another's bar reads as badly as this many more characters: about what clearing it adds to
# the text (k* on the other terms and k in the denominator).
NESTED_FRACTION = 4
# A negative exponent shown as such: a little more than the 1/ that would replace it.
NEGATIVE_EXPONENT = 3
# Powers of a sum cleared at most this high: (x/3 + 1)^999 would bring a 477-digit number, and no clearer page.
MAX_CLEARED_POWER = 4


def _denominator_lcm(terms: tuple[Expr, ...]) -> int:
    """The lcm of the denominators of the terms' rational coefficients (1 when all are integers)."""
    found = 1
    for term in terms:
        coefficient = term.args[0] if type(term) is Mul else term
        if type(coefficient) is Num and isinstance(coefficient.value, Fraction):
            found = lcm(found, coefficient.value.denominator)
    return found


def cleared(node: Expr) -> Expr | None:
    """A product with the fractions of its sums cleared: each sum (or integer power of one) whose coefficients
    have denominators is multiplied by their lcm, and the product divided by it: (x^2 - 3*x*log(x)/2 + 1/2)/y
    as (2*x^2 - 3*x*log(x) + 1)/(2*y), 1/(x/2 + 1/3) as 6/(3*x + 2). None when no factor has a fraction to
    clear; a sum alone is left as it is (x/2 + 1, not (x + 2)/2)."""
    if type(node) is not Mul and type(node) is not Pow:
        return None
    scale, factors, changed = Fraction(1), [], False
    for factor in node.args if type(node) is Mul else (node,):
        base, exponent = (factor.base, factor.exp) if type(factor) is Pow else (factor, Num(1))
        if type(base) is Add and type(exponent) is Num and isinstance(exponent.value, int) \
                and abs(exponent.value) <= MAX_CLEARED_POWER:
            multiple = _denominator_lcm(base.args)
            if multiple != 1:
                base = canonical_add([canonical_mul([Num(multiple), t]) for t in base.args])
                scale /= Fraction(multiple) ** exponent.value
                factor, changed = canonical_pow(base, exponent), True
        factors.append(factor)
    if not changed:
        return None
    return canonical_mul([Num(scale), *factors])


class ReaderCost:
    """The text length of a node and the penalties above, memoised per node. The length is the text printer's
    exactly (tests/test_textbook_forms.py checks it), computed from the children's."""

    def __init__(self) -> None:
        # per node: (text length, fraction bars at its own level (not inside calls or exponents), penalty)
        self.memo: dict[Expr, tuple[int, int, int]] = {}

    def width(self, node: Expr) -> int:
        return self.measure(node)[0]

    def penalty(self, node: Expr) -> int:
        return self.measure(node)[2]

    def __call__(self, node: Expr) -> int:
        """What a reader sees: the length, and a few characters more for each thing that reads worse."""
        width, _, penalty = self.measure(node)
        return width + penalty

    def measure(self, node: Expr) -> tuple[int, int, int]:
        found = self.memo.get(node)
        if found is None:
            found = self.memo[node] = self._measure(node)
        return found

    def _paren_width(self, node: Expr, at_least: int) -> int:
        return self.measure(node)[0] + (2 if precedence(node) < at_least else 0)

    def _measure(self, node: Expr) -> tuple[int, int, int]:
        if type(node) is Num:
            budget.check_printable(node.value)
            return len(str(node.value)), 1 if isinstance(node.value, Fraction) else 0, 0
        if type(node) is Float:
            return len(repr(node.value)), 0, 0
        if type(node) is Sym or type(node) is Const:
            return len(node.name), 0, 0
        if type(node) is Add:
            return self._add(node)
        if type(node) is Mul:
            return self._mul(node)
        if type(node) is Pow:
            return self._pow(node)
        if type(node) is Diff:
            width, _, penalty = self.measure(node.expr)
            return 6 + len(node.variable) + width, 0, penalty  # d/dx [...]
        # a call: its arguments' fractions are set apart by its parentheses
        parts = [self.measure(c) for c in children(node)]
        arguments, penalty = 2 * len(parts) + sum(w for w, _, _ in parts), sum(p for _, _, p in parts)
        if type(node) is Func:
            return len(node.name) + arguments, 0, penalty
        if type(node) is Derivative:
            if len(node.arguments) == 1:
                return len(node.name) + node.orders[0] + arguments, 0, penalty  # f''(x)
            return 5 + len(",".join(map(str, node.orders))) + len(node.name) + arguments, 0, penalty  # D[1,0](g)(x, y)
        raise TypeError(f"no cost for {type(node).__name__}")

    def _add(self, node: Add) -> tuple[int, int, int]:
        # " + " between terms, " - " with the term's own minus (first: its minus alone); a sum in parentheses
        width, fractions, penalty = 3 * (len(node.args) - 1), 0, 0
        for i, term in enumerate(node.args):
            w, f, p = self.measure(term)
            width, fractions, penalty = width + w, fractions + f, penalty + p
            if has_negative_sign(term):
                width -= 1 if i else 0
            elif type(term) is Add:
                width += 2
        return width, fractions, penalty

    def _mul(self, node: Mul) -> tuple[int, int, int]:
        """As split_product lays it out, without building it: sign, coefficient, numerator, /denominator."""
        args, top, items, below = node.args, 0, 0, []
        negative = False
        if is_number(args[0]):
            value = args[0].value
            negative = value < 0
            magnitude = -value if negative else value
            if isinstance(magnitude, Fraction):  # 3/2*x as 3*x/2
                if magnitude.numerator != 1:
                    top, items = len(str(magnitude.numerator)), 1
                below.append(len(str(magnitude.denominator)))
            elif magnitude != 1 or isinstance(magnitude, float):
                top, items = len(repr(magnitude) if isinstance(magnitude, float) else str(magnitude)), 1
            args = args[1:]
        inner, penalty = 0, 0  # fractions inside the factors
        for factor in args:
            if is_denominator(factor):
                factor = inv(factor)
                below.append(self._paren_width(factor, POW))
            else:
                top += self._paren_width(factor, POW)
                items += 1
            _, f, p = self.measure(factor)
            inner, penalty = inner + f, penalty + p
        width = top + items - 1 if items else 1
        if len(below) == 1:
            width += 1 + below[0]
        elif below:
            width += 2 + sum(below) + len(below)
        # nested only under a fraction bar: in (x/2 + 1)/y, not in x*(x + 3/2)
        return width + negative, (1 if below else 0) + inner, penalty + (NESTED_FRACTION * inner if below else 0)

    def _pow(self, node: Pow) -> tuple[int, int, int]:
        base, exponent = node.args
        if exponent is HALF:
            w, _, p = self.measure(base)
            return 6 + w, 0, p  # sqrt(...)
        if is_denominator(node):
            inverse = inv(node)
            _, f, p = self.measure(inverse)
            return 2 + self._paren_width(inverse, POW), 1 + f, p  # 1/...
        _, f, p = self.measure(base)
        penalty = p + self.measure(exponent)[2] + (NEGATIVE_EXPONENT if has_negative_sign(exponent) else 0)
        return self._paren_width(base, ATOM) + 1 + self._paren_width(exponent, ATOM), f, penalty
