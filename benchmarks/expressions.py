"""Seeded random elementary expressions in x, shared by the benchmarks (simplify.py, compare.py).

    from expressions import RandomExpressions
    expr, raw_derivative = RandomExpressions(seed).expression()

Not a benchmark itself. The generator draws trees of sums, differences, products, quotients, powers (small
integer or half exponents, and sometimes a symbolic exponent) and every function of symdiff.functions.REGISTRY,
over x, small integers and fractions, pi and e; `expression()` keeps those of 3 to 80 nodes that depend on x
and whose derivative exists and is not trivially constant. The same seed gives the same expressions.
"""

from __future__ import annotations

import random
import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff  # noqa: E402
from symdiff.core.build import add, div, mul, neg, power, sub  # noqa: E402
from symdiff.core.expr import ZERO, Const, Func, Num, Sym  # noqa: E402
from symdiff.functions import REGISTRY as FUNCTION_RULES  # noqa: E402
from symdiff.core.traversal import tree_size  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

# Functions of symdiff.functions.REGISTRY by arity (log(u, v) is the two-argument one).
UNARY = sorted(name for name, arity in FUNCTION_RULES if arity == 1)
BINARY = sorted(name for name, arity in FUNCTION_RULES if arity == 2)
X = Sym("x")
MIN_NODES, MAX_NODES = 3, 80


class RandomExpressions:
    """Seeded random elementary expressions in x: sums, differences, products, quotients, powers (small
    integer or half exponents, and sometimes a symbolic exponent) and every function of the table."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def leaf(self):
        r = self.rng.random()
        if r < 0.6:
            return X
        if r < 0.85:
            return Num(self.rng.choice([1, 2, 3, 4, 5, -1, -2, -3]))
        if r < 0.95:
            return Num(Fraction(self.rng.choice([1, -1, 3]), self.rng.choice([2, 3, 4])))
        return Const(self.rng.choice(["pi", "e"]))

    def tree(self, size: int):
        """An expression of about `size` nodes."""
        rng = self.rng
        if size <= 1:
            return self.leaf()
        if size == 2:
            return Func(rng.choice(UNARY), self.leaf()) if rng.random() < 0.7 else neg(X)
        r = rng.random()
        if r < 0.30:  # a function of a subexpression
            if BINARY and rng.random() < 0.05 and size >= 4:
                left = rng.randint(1, size - 3)
                return Func(rng.choice(BINARY), self.tree(left), self.tree(size - 2 - left))
            return Func(rng.choice(UNARY), self.tree(size - 1))
        if r < 0.42:  # a power
            if rng.random() < 0.15 and size >= 4:
                left = rng.randint(1, size - 3)
                return power(self.tree(left), self.tree(size - 2 - left))
            exponent = rng.choice([Num(2), Num(3), Num(-1), Num(-2), Num(Fraction(1, 2)), Num(Fraction(-1, 2)),
                                   Num(Fraction(3, 2)), Num(4)])
            return power(self.tree(size - 2), exponent)
        left = rng.randint(1, size - 2)
        a, b = self.tree(left), self.tree(size - 1 - left)
        operation = rng.choice([add, add, sub, mul, mul, div])
        return operation(a, b)

    def expression(self):
        """(expression, its raw derivative in x) with 3..80 nodes, depending on x, not undefined everywhere."""
        while True:
            target = self.rng.randint(MIN_NODES, MAX_NODES)
            expr = self.tree(target)
            if not MIN_NODES <= tree_size(expr) <= MAX_NODES or "x" not in expr.free_symbols:
                continue
            try:
                with time_limit(30):
                    derivative = symdiff.diff(expr, "x", simplify="basic")
            except (symdiff.SymdiffError, SympyTimeout, RecursionError, ZeroDivisionError):
                continue
            if derivative is ZERO or "x" not in derivative.free_symbols and tree_size(derivative) < 3:
                continue
            return expr, derivative
