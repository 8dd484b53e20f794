"""Local partial derivatives, one rule per kind of node: the one table forward mode, reverse mode and the
step-by-step derivations are built on.

For a node and a test `depends` (does this child depend on the variables wanted?), LOCAL_PARTIALS[type(node)]
gives a Partial for each child that depends: d(node)/d(child). The chain rule is then written once in each mode:
forward, d(node) = sum of partial * d(child) (symdiff.calculus.forward); reverse, adjoint(child) += adjoint(node)
* partial (symdiff.calculus.reverse). Children that do not depend are skipped, so symbolic zeros are never built.

A Partial keeps its factors on both sides of the child's place, `before` and `after`: forward mode writes the
child's derivative where the child stood, as a textbook writes the product rule (u'*v*w + u*v'*w + u*v*w').

The partials of functions are the registry's formulas (symdiff.functions), parsed here once, at import, under the
fixed internal budget, so that no caller's budget changes how they are read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from ..core.build import add, mul, power, substitute
from ..core.errors import DifferentiationError, Reason
from ..core.expr import E, NEG_ONE, ONE, Add, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..functions import ARGUMENT_NAMES, NOT_DIFFERENTIABLE, REGISTRY, is_known
from ..parsing.parser import parse_internal

__all__ = ["Partial", "LOCAL_PARTIALS", "local_partials", "factor_partials", "argument_partials", "FORMULAS"]

# Whether a child depends on the variables wanted.
Depends: TypeAlias = Callable[[Expr], bool]


@dataclass(frozen=True)
class Partial:
    """d(node)/d(child) = the product of `before` and `after`; the child's derivative goes between them."""
    child: Expr
    before: tuple[Expr, ...] = ()
    after: tuple[Expr, ...] = ()

    @property
    def value(self) -> Expr:
        return mul(*self.before, *self.after) if self.before or self.after else ONE

    def times(self, derivative: Expr) -> Expr:
        """partial * d(child), with d(child) in the child's place."""
        if not self.before and not self.after:
            return derivative
        return mul(*self.before, derivative, *self.after)


# ---- the rules, one per kind of node ------------------------------------------------------------------------

def _sum_partials(node: Add, depends: Depends) -> list[Partial]:
    """d(u + v)/du = 1."""
    return [Partial(term) for term in node.args if depends(term)]


def factor_partials(factors: Iterable[Expr], depends: Depends) -> list[Partial]:
    """d(u*v*w)/dv = u*w: the other factors, in their places."""
    factors = tuple(factors)
    return [Partial(f, factors[:i], factors[i + 1:]) for i, f in enumerate(factors) if depends(f)]


def _product_partials(node: Mul, depends: Depends) -> list[Partial]:
    return factor_partials(node.args, depends)


def minus_one(exponent: Expr) -> Expr:
    """exponent - 1, folded for a number."""
    if type(exponent) is Num:
        return Num(exponent.value - 1)
    if type(exponent) is Float:
        return Float(exponent.value - 1)
    return add(exponent, NEG_ONE)


def _power_partials(node: Pow, depends: Depends) -> list[Partial]:
    """d(u^v)/du = v*u^(v-1); d(u^v)/dv = u^v*log(u), and d(e^v)/dv = e^v."""
    base, exponent = node.args
    partials: list[Partial] = []
    if depends(base):
        partials.append(Partial(base, (exponent, power(base, minus_one(exponent)))))
    if depends(exponent):
        partials.append(Partial(exponent, (node,) if base is E else (node, Func("log", base))))
    return partials


def _call_partials(node: Func | Derivative, depends: Depends) -> list[Partial]:
    """d f(u, v)/du: the registry's formula at the arguments, or D[1,0](f)(u, v) for an undefined f."""
    if not any(map(depends, node.arguments)):
        return []
    partials: list[Partial] = []
    for i, (a, p) in enumerate(zip(node.arguments, argument_partials(node))):
        if depends(a):
            if p is None:  # the row's NOT_DIFFERENTIABLE: polygamma(n, u) in its order n
                raise DifferentiationError(f"{node.name} is not differentiable in its argument {i + 1}, which here "
                                           "depends on the variable", reason=Reason.NOT_DIFFERENTIABLE)
            partials.append(Partial(a, (p,)))
    return partials


LOCAL_PARTIALS: dict[type[Expr], Callable[[Any, Depends], list[Partial]]] = {
    Add: _sum_partials, Mul: _product_partials, Pow: _power_partials, Func: _call_partials, Derivative: _call_partials}


def local_partials(node: Expr, depends: Depends) -> list[Partial]:
    """The Partials of `node` in each child that `depends` (none for a leaf)."""
    rule = LOCAL_PARTIALS.get(type(node))
    return rule(node, depends) if rule is not None else []


# ---- functions -----------------------------------------------------------------------------------------------

class _Formulas(Mapping[tuple[str, int], tuple[Expr | None, ...]]):
    """(name, arity) -> the registry's partial derivatives as nodes in u (and v); None where the row says
    NOT_DIFFERENTIABLE. Each row's formulas are parsed the first time they are read (under the fixed internal
    budget, as at import), so that a command differentiating a polynomial parses none of them: parsing all of
    them was a third of the command line's start. Read-only: a row read by two threads at once is parsed twice,
    to equal (interned) nodes, and either is kept."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int], tuple[Expr | None, ...]] = {}

    def __getitem__(self, key: tuple[str, int]) -> tuple[Expr | None, ...]:
        found = self._parsed.get(key)
        if found is None:
            row = REGISTRY[key]
            found = tuple(None if f == NOT_DIFFERENTIABLE else parse_internal(f) for f in row.partials)
            self._parsed[key] = found
        return found

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


FORMULAS: Mapping[tuple[str, int], tuple[Expr | None, ...]] = _Formulas()


def argument_partials(node: Func | Derivative) -> list[Expr | None]:
    """The partial derivatives of a call in each of its arguments: from the registry (None for an argument it
    is not differentiable in), or for an undefined
    function f(u, v) the derivative nodes D[1,0](f)(u, v), D[0,1](f)(u, v) (one order higher for a derivative
    of one)."""
    n = len(node.arguments)
    if type(node) is Derivative:
        return [Derivative(node.name, tuple(k + (j == i) for j, k in enumerate(node.orders)), *node.arguments)
                for i in range(n)]
    formulas = FORMULAS.get((node.name, n))
    if formulas is not None:
        mapping: dict[Expr, Expr] = {Sym(name): argument for name, argument in zip(ARGUMENT_NAMES, node.arguments)}
        return [None if formula is None else substitute(formula, mapping) for formula in formulas]
    if is_known(node.name):
        raise DifferentiationError(f"no derivative rule for {node.name} with {n} arguments")
    return [Derivative(node.name, tuple(int(j == i) for j in range(n)), *node.arguments) for i in range(n)]
