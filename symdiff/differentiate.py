"""The rule-driven differentiator.

One method per kind of node, chosen from a table keyed by node type. The chain rule is written once
(`_chain`): for f(u1, u2, ...) it sums partial_i f * d(u_i)/dx, taking each partial from the function table in
`symdiff.functions`. Parts that do not depend on the variable are skipped before anything is built, so
symbolic zeros never appear. Each rule application can be reported to a `recorder(rule, node, result)`,
from which a step-by-step derivation is built; results are memoised per node (nodes are interned).
"""

from __future__ import annotations

from typing import Callable

from . import functions
from .build import add, div, has_negative_sign, inv, is_denominator, mul, power, sub
from .errors import DifferentiationError
from .expr import E, NEG_ONE, ONE, ZERO, Add, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from .traversal import substitute

Recorder = Callable[[str, Expr, Expr], None]


class Differentiator:
    """d/d(variable) of expressions; reusable for several expressions in the same variable."""

    def __init__(self, variable: str, recorder: Recorder | None = None):
        self.variable = variable
        self.recorder = recorder
        self.memo: dict[Expr, Expr] = {}
        self._rules = {Sym: self._symbol, Add: self._sum, Mul: self._product, Pow: self._power,
                       Func: self._function, Derivative: self._undefined_derivative}

    def __call__(self, node: Expr) -> Expr:
        if self.variable not in node.free_symbols:
            return self._record("constant", node, ZERO)
        result = self.memo.get(node)
        if result is None:
            result = self._rules[type(node)](node)
            self.memo[node] = result
        return result

    def _record(self, rule: str, node: Expr, result: Expr) -> Expr:
        if self.recorder is not None:
            self.recorder(rule, node, result)
        return result

    # -- rules, one per node type --
    def _symbol(self, node: Sym) -> Expr:
        return self._record("variable", node, ONE)  # node is the variable: constants were handled above

    def _sum(self, node: Add) -> Expr:
        result = add(*map(self, node.args))
        rule = "difference" if any(has_negative_sign(t) for t in node.args) else "sum"
        return self._record(rule, node, result)

    def _product(self, node: Mul) -> Expr:
        constant = [f for f in node.args if self.variable not in f.free_symbols]
        varying = [f for f in node.args if self.variable in f.free_symbols]
        if constant:
            inner = varying[0] if len(varying) == 1 else mul(*varying)
            return self._record("constant multiple", node, mul(*constant, self(inner)))
        denominator = [inv(f) for f in varying if is_denominator(f)]
        if denominator:
            numerator = mul(*(f for f in varying if not is_denominator(f)))
            bottom = mul(*denominator)
            top = sub(mul(self(numerator), bottom), mul(numerator, self(bottom)))
            return self._record("quotient", node, div(top, power(bottom, Num(2))))
        terms = [mul(*varying[:i], self(f), *varying[i + 1:]) for i, f in enumerate(varying)]
        return self._record("product", node, add(*terms))

    def _power(self, node: Pow) -> Expr:
        base, exponent = node.args
        if self.variable not in exponent.free_symbols:  # u^n
            result = mul(exponent, power(base, _minus_one(exponent)), self(base))
            return self._record("power", node, result)
        if self.variable not in base.free_symbols:  # a^v
            log_base = () if base is E else (Func("log", base),)
            return self._record("exponential", node, mul(node, *log_base, self(exponent)))
        # u^v = exp(v*log(u)): logarithmic differentiation
        inner = add(mul(self(exponent), Func("log", base)), div(mul(exponent, self(base)), base))
        return self._record("general power", node, mul(node, inner))

    def _function(self, node: Func) -> Expr:
        rule = "undefined function" if functions.lookup(node.name, len(node.arguments)) is None else node.name
        return self._chain(rule, node, argument_partials(node))

    def _undefined_derivative(self, node: Derivative) -> Expr:
        return self._chain("undefined function", node, argument_partials(node))

    def _chain(self, rule: str, node: Expr, partials: list) -> Expr:
        """The chain rule, the only place it is written: sum of partial_i * d(argument_i)."""
        terms = [mul(partial, self(argument)) for partial, argument in zip(partials, node.arguments)
                 if self.variable in argument.free_symbols]
        return self._record(rule, node, add(*terms))


def argument_partials(node: Func | Derivative) -> list:
    """The partial derivatives of a call in each of its arguments: from the function table, or for an
    undefined function f(u, v) the derivative nodes D[1,0](f)(u, v), D[0,1](f)(u, v) (one order higher for a
    derivative of one). Shared by the forward rules above and the reverse sweep of symdiff.gradient."""
    n = len(node.arguments)
    if type(node) is Derivative:
        return [Derivative(node.name, tuple(k + (j == i) for j, k in enumerate(node.orders)), *node.arguments)
                for i in range(n)]
    rule = functions.lookup(node.name, n)
    if rule is not None:
        return _partials(rule, node.arguments)
    if functions.is_known(node.name):
        raise DifferentiationError(f"no derivative rule for {node.name} with {n} arguments")
    return [Derivative(node.name, _unit(i, n), *node.arguments) for i in range(n)]


def _partials(rule: functions.FunctionRule, arguments: tuple) -> list:
    """The table's formulas for f's partial derivatives, at the actual arguments."""
    if not rule.parsed:
        from .parser import parse  # the table is parsed once, on first use
        parsed = [parse(formula) for formula in rule.partials]
        rule.parsed.extend(parsed)  # all at once: a parse interrupted half-way must not leave half a table
    mapping = {Sym(name): argument for name, argument in zip(functions.ARGUMENT_NAMES, arguments)}
    return [substitute(formula, mapping) for formula in rule.parsed]


def _unit(i: int, n: int) -> tuple:
    return tuple(int(j == i) for j in range(n))


def _minus_one(exponent: Expr) -> Expr:
    if type(exponent) is Num:
        return Num(exponent.value - 1)
    if type(exponent) is Float:
        return Float(exponent.value - 1)
    return add(exponent, NEG_ONE)


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

