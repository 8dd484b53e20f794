"""Forward mode: the derivative of an expression in one variable, rule by rule.

Each kind of node is differentiated by the chain rule over its local partials (symdiff.calculus.partials, the
table reverse mode uses too): d(node) = sum of partial * d(child). Products and general powers are laid out as
a textbook writes them, from the same partials: a constant multiple keeps its constant outside (3*d/dx [x^2]), a
product with a denominator takes the quotient rule, and u^v (both varying) is differentiated logarithmically.
Parts that do not depend on the variable are skipped before anything is built, so symbolic zeros never appear.
Each rule application can be reported to a `recorder(rule, node, result)`, from which a step-by-step derivation
is built; results are memoised per node (nodes are interned).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from ..core.budget import Clock
from ..core.build import add, div, has_negative_sign, inv, is_denominator, mul, power, sub
from ..core.expr import ONE, ZERO, Add, Derivative, Expr, Func, Mul, Num, Pow, Sym
from ..functions import lookup
from .partials import Partial, factor_partials, local_partials

Recorder = Callable[[str, Expr, Expr], None]


class Differentiator:
    """d/d(variable) of expressions; reusable for several expressions in the same variable."""

    def __init__(self, variable: str, recorder: Recorder | None = None):
        self.variable = variable
        self.recorder = recorder
        self.memo: dict[Expr, Expr] = {}
        self.clock = Clock()
        self._rules: dict[type[Expr], Callable[[Any], Expr]] = {
            Sym: self._symbol, Add: self._sum, Mul: self._product, Pow: self._power, Func: self._function,
            Derivative: self._undefined_derivative}

    def __call__(self, node: Expr) -> Expr:
        if self.variable not in node.free_symbols:
            return self._record("constant", node, ZERO)
        result = self.memo.get(node)
        if result is None:
            self.clock.check()
            result = self._rules[type(node)](node)
            self.memo[node] = result
        return result

    def depends(self, node: Expr) -> bool:
        return self.variable in node.free_symbols

    def _record(self, rule: str, node: Expr, result: Expr) -> Expr:
        if self.recorder is not None:
            self.recorder(rule, node, result)
        return result

    def chain(self, partials: Iterable[Partial]) -> Expr:
        """The chain rule, the only place it is written: the sum of partial * d(child)."""
        return add(*(p.times(self(p.child)) for p in partials))

    # -- rules, one per node type --
    def _symbol(self, node: Sym) -> Expr:
        return self._record("variable", node, ONE)  # node is the variable: constants were handled above

    def _sum(self, node: Add) -> Expr:
        rule = "difference" if any(has_negative_sign(t) for t in node.args) else "sum"
        return self._record(rule, node, self.chain(local_partials(node, self.depends)))

    def _product(self, node: Mul) -> Expr:
        constant = [f for f in node.args if not self.depends(f)]
        varying = [f for f in node.args if self.depends(f)]
        if constant:  # c*u: the varying part as one factor, whose partial is the constant
            inner = varying[0] if len(varying) == 1 else mul(*varying)
            return self._record("constant multiple", node,
                                self.chain(factor_partials([*constant, inner], self.depends)))
        denominator = [inv(f) for f in varying if is_denominator(f)]
        if denominator:  # the product rule over a common denominator: (u'v - uv')/v^2
            numerator = mul(*(f for f in varying if not is_denominator(f)))
            bottom = mul(*denominator)
            top = sub(mul(self(numerator), bottom), mul(numerator, self(bottom)))
            return self._record("quotient", node, div(top, power(bottom, Num(2))))
        return self._record("product", node, self.chain(factor_partials(varying, self.depends)))

    def _power(self, node: Pow) -> Expr:
        base, exponent = node.args
        partials = local_partials(node, self.depends)
        if len(partials) == 2:  # u^v, both varying: u^v * (v'*log(u) + v*u'/u), logarithmic differentiation
            inner = add(mul(self(exponent), Func("log", base)), div(mul(exponent, self(base)), base))
            return self._record("general power", node, mul(node, inner))
        rule = "power" if partials[0].child is base else "exponential"
        return self._record(rule, node, self.chain(partials))

    def _function(self, node: Func) -> Expr:
        rule = "undefined function" if lookup(node.name, len(node.arguments)) is None else node.name
        return self._record(rule, node, self.chain(local_partials(node, self.depends)))

    def _undefined_derivative(self, node: Derivative) -> Expr:
        return self._record("undefined function", node, self.chain(local_partials(node, self.depends)))


def differentiate(node: Expr, variable: str, order: int = 1, recorder: Recorder | None = None,
                  between: Callable[[Expr], Expr] | None = None) -> Expr:
    """The `order`-th derivative of `node` in `variable`, unsimplified unless `between` (applied after each
    order, e.g. the simplifier) says otherwise."""
    differentiator = Differentiator(variable, recorder)
    for _ in range(order):
        node = differentiator(node)
        if between is not None:
            node = between(node)
    return node
