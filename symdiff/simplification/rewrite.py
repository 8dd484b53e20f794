"""The rewrite engine: rules as data, `pattern => replacement if guard`, both sides in symdiff's own syntax.

A pattern's variables are the single letters a, b, c (any expression) and n, m (numbers only). Sums and
products match modulo order and extra operands: `sin(a)^2 + cos(a)^2` matches inside `y + 3*sin(x)^2 +
3*cos(x)^2`, with the common coefficient 3 carried over to the replacement (`y + 3`). Rules are checked when
loaded (a replacement may not use a variable its pattern does not bind). Choosing whether a rewrite is kept
is not the engine's job: the simplifier keeps it only when the cost function says it is smaller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Iterator, TypeAlias, cast

from ..core.build import Number, add, mul, number, substitute
from ..core.expr import Add, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import subexpressions
from ..parsing.parser import parse_internal

VARIABLES = frozenset("abc")
NUMBER_VARIABLES = frozenset("nm")
NUMBERS = (Num, Float)

# What a match binds: pattern variable -> expression.
Bindings: TypeAlias = "dict[str, Expr]"
# A match of some terms (factors) of a sum (product): the bindings, the ratio of the coefficients, the rest.
PartMatch: TypeAlias = "tuple[Bindings, Fraction | float, list[Expr]]"


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: Expr
    replacement: Expr
    guard: Callable[[Bindings], bool] | None = None
    functions: frozenset[str] = frozenset()  # the functions the pattern names: a node without them cannot match


def _variables(node: Expr) -> set[str]:
    return {name for name in node.free_symbols if name in VARIABLES | NUMBER_VARIABLES}


def make_rule(name: str, text: str, guard: Callable[[Bindings], bool] | None = None) -> Rule:
    left, right = (part.strip() for part in text.split("=>"))
    pattern, replacement = parse_internal(left), parse_internal(right)
    unbound = _variables(replacement) - _variables(pattern)
    if unbound:
        raise ValueError(f"rule {name}: the replacement uses {sorted(unbound)}, which the pattern does not bind")
    return Rule(name, pattern, replacement, guard, function_names(pattern))


def function_names(node: Expr) -> frozenset[str]:
    """The names of the functions applied anywhere in `node`."""
    return frozenset(n.name for n in subexpressions(node) if type(n) is Func)


# ---- matching -----------------------------------------------------------------------------------------

def _split(node: Expr) -> tuple[Number, Expr | None]:
    """(numeric coefficient, rest) of a term; rest is None for a number."""
    if isinstance(node, NUMBERS):
        return node.value, None
    if type(node) is Mul and type(node.args[0]) in NUMBERS:
        return node.args[0].value, (node.args[1] if len(node.args) == 2 else Mul(*node.args[1:]))
    return 1, node


def match(pattern: Expr, target: Expr, bindings: Bindings) -> Iterator[Bindings]:
    """Every way `target` matches `pattern` extending `bindings` (structural; sums and products must match
    whole here: the search over their parts is in match_sum and match_product)."""
    kind = type(pattern)
    if type(pattern) is Sym and pattern.name in VARIABLES | NUMBER_VARIABLES:
        if pattern.name in NUMBER_VARIABLES and type(target) not in NUMBERS:
            return
        bound = bindings.get(pattern.name)
        if bound is None:
            yield {**bindings, pattern.name: target}
        elif bound is target:
            yield bindings
        return
    if kind is Mul and type(pattern.args[0]) is Num and len(pattern.args) == 2 and type(target) is Num \
            and type(pattern.args[1]) is Sym and pattern.args[1].name in NUMBER_VARIABLES:
        yield from match(pattern.args[1], Num(Fraction(target.value) / pattern.args[0].value), bindings)
        return  # -n matches -2 with n = 2
    if kind is not type(target):
        return
    if kind in (Add, Mul):
        if len(pattern.args) == len(target.args):
            yield from _match_sequence(pattern.args, target.args, bindings, commutative=True)
        return
    if type(pattern) is Func and (pattern.name != cast(Func, target).name or len(pattern.args) != len(target.args)):
        return
    if kind in (Func, Pow):
        children = pattern.args[1:] if kind is Func else pattern.args
        targets = target.args[1:] if kind is Func else target.args
        yield from _match_sequence(children, targets, bindings, commutative=False)
        return
    if pattern is target:
        yield bindings


def _match_sequence(patterns: tuple[Expr, ...], targets: tuple[Expr, ...], bindings: Bindings,
                    commutative: bool) -> Iterator[Bindings]:
    if not patterns:
        yield bindings
        return
    first, rest = patterns[0], patterns[1:]
    choices = range(len(targets)) if commutative else [0]
    for i in choices:
        for extended in match(first, targets[i], bindings):
            yield from _match_sequence(rest, targets[:i] + targets[i + 1:], extended, commutative)


def _ratio(target_coefficient: Number, pattern_coefficient: Number) -> Fraction | float:
    if isinstance(target_coefficient, float):
        return target_coefficient / float(pattern_coefficient)
    return Fraction(target_coefficient) / Fraction(pattern_coefficient)


def match_sum(pattern: Add, target: Add) -> Iterator[PartMatch]:
    """(bindings, ratio, unused terms) for each way some terms of `target` are `ratio` times the terms of
    `pattern`: 3*sin(x)^2 + 3*cos(x)^2 + y matches sin(a)^2 + cos(a)^2 with ratio 3 and y unused.
    A backtracking search: pattern terms with variables first, so that numbers only confirm the ratio."""
    pieces = sorted(map(_split, pattern.args), key=lambda piece: piece[1] is None)
    terms = [_split(t) for t in target.args]

    def search(i: int, bindings: Bindings, ratio: Fraction | float | None,
               used: frozenset[int]) -> Iterator[PartMatch]:
        if i == len(pieces):
            assert ratio is not None  # a pattern has terms, each setting the ratio
            yield bindings, ratio, [target.args[j] for j in range(len(terms)) if j not in used]
            return
        pc, prest = pieces[i]
        for j, (tc, trest) in enumerate(terms):
            if j in used or (prest is None) != (trest is None):
                continue
            r = _ratio(tc, pc)
            if ratio is not None and r != ratio:
                continue
            for extended in ([bindings] if prest is None else match(prest, cast(Expr, trest), bindings)):
                yield from search(i + 1, extended, r, used | {j})

    if len(pieces) <= len(terms):
        yield from search(0, {}, None, frozenset())


def match_product(pattern: Mul, target: Mul) -> Iterator[PartMatch]:
    """(bindings, ratio, unused factors) for each way some factors of `target` match the factors of `pattern`,
    the numeric coefficients giving the ratio (6*sin(x)*cos(x)*y matches 2*sin(a)*cos(a): ratio 3, y unused)."""
    pc, prest = _split(pattern)
    tc, trest = _split(target)
    if trest is None:
        return
    pfactors = prest.args if type(prest) is Mul else (prest,)
    tfactors = trest.args if type(trest) is Mul else (trest,)
    ratio = _ratio(tc, pc)

    def search(i: int, bindings: Bindings, used: frozenset[int]) -> Iterator[PartMatch]:
        if i == len(pfactors):
            yield bindings, ratio, [tfactors[j] for j in range(len(tfactors)) if j not in used]
            return
        for j, factor in enumerate(tfactors):
            if j not in used:
                for extended in match(pfactors[i], factor, bindings):
                    yield from search(i + 1, extended, used | {j})

    if len(pfactors) <= len(tfactors):
        yield from search(0, {}, frozenset())


def instantiate(replacement: Expr, bindings: Mapping[str, Expr]) -> Expr:
    return substitute(replacement, {Sym(name): value for name, value in bindings.items()})


def rewrites(rule: Rule, node: Expr) -> Iterator[Expr]:
    """Every expression (unsimplified) that `rule` rewrites `node` into, at the top of `node`."""
    pattern = rule.pattern
    if type(pattern) is Add and type(node) is Add:
        for bindings, ratio, unused in match_sum(pattern, node):
            if rule.guard is None or rule.guard(bindings):
                yield add(mul(number(ratio), instantiate(rule.replacement, bindings)), *unused)
    elif type(pattern) is Mul and type(node) is Mul:
        for bindings, ratio, unused in match_product(pattern, node):
            if rule.guard is None or rule.guard(bindings):
                yield mul(number(ratio), instantiate(rule.replacement, bindings), *unused)
    else:
        for bindings in match(pattern, node, {}):
            if rule.guard is None or rule.guard(bindings):
                yield instantiate(rule.replacement, bindings)
