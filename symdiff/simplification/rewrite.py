"""The rewrite engine: rules as data, `pattern => replacement if guard`, both sides in symdiff's own syntax.

A pattern's variables are the single letters a, b, c (any expression) and n, m, k (numbers only). Sums and
products match modulo order and extra operands: `sin(a)^2 + cos(a)^2` matches inside `y + 3*sin(x)^2 +
3*cos(x)^2`, with the common coefficient 3 carried over to the replacement (`y + 3`). Canonical forms
distribute integer powers and flatten products, so a variable may stand for several factors of a product:
`a*sign(a)` matches `z*x*y*sign(x*y)` with a = x*y, `exp(b*log(a))` matches `exp(x*y*log(x))` with b = x*y, and
`a^n` matches `x^3*y^3` with a = x*y, n = 3 (exact for integer powers). A number variable standing as a factor
binds the coefficient (`n*a^m` matches `3*sqrt(x)`), or a sum's content (`n*a` matches `4*x^2 + 8` with n = 4,
a = x^2 + 2). Rules are checked when loaded (a replacement may not use a variable its pattern does not bind).
Choosing whether a rewrite is kept is not the engine's job: the simplifier keeps it only when the cost function
says it is smaller.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Iterator, TypeAlias, cast

from ..core.build import Number, add, mul, number, substitute
from ..core.expr import NEG_ONE, ONE, Add, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import subexpressions
from ..parsing.parser import parse_internal

VARIABLES = frozenset("abc")
NUMBER_VARIABLES = frozenset("nmk")
PATTERN_VARIABLES = VARIABLES | NUMBER_VARIABLES
NUMBERS = (Num, Float)
# A variable binds a product of at most this many of a target's factors (the subsets tried grow as 2^factors).
MAX_SUB_PRODUCT_FACTORS = 8

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
    needs: Callable[[Expr], bool] | None = None  # a quick test a node must pass to match at all (none: any node)


def _variables(node: Expr) -> set[str]:
    return {name for name in node.free_symbols if name in VARIABLES | NUMBER_VARIABLES}


def make_rule(name: str, text: str, guard: Callable[[Bindings], bool] | None = None,
              needs: Callable[[Expr], bool] | None = None) -> Rule:
    left, right = (part.strip() for part in text.split("=>"))
    pattern, replacement = parse_internal(left), parse_internal(right)
    unbound = _variables(replacement) - _variables(pattern)
    if unbound:
        raise ValueError(f"rule {name}: the replacement uses {sorted(unbound)}, which the pattern does not bind")
    return Rule(name, pattern, replacement, guard, function_names(pattern), needs)


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


def _is_variable(node: Expr) -> bool:
    return type(node) is Sym and node.name in VARIABLES


def _is_number_variable(node: Expr) -> bool:
    return type(node) is Sym and node.name in NUMBER_VARIABLES


def _absorbs(pattern: Expr) -> bool:
    """Whether a pattern factor may match several factors of a product: a variable a, or a power a^k of one."""
    return _is_variable(pattern) or type(pattern) is Pow and _is_variable(pattern.base)


def match(pattern: Expr, target: Expr, bindings: Bindings) -> Iterator[Bindings]:
    """Every way `target` matches `pattern` extending `bindings` (structural; sums and products must match
    whole here: the search over their parts is in match_sum and match_product)."""
    kind = type(pattern)
    if type(pattern) is Sym and pattern.name in PATTERN_VARIABLES:
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
    if type(pattern) is Pow and type(target) is Mul and _is_variable(pattern.base):
        yield from _match_power_of_product(pattern, target, bindings)
        return
    if kind is Mul and type(target) in (Add, Mul):
        yield from _match_whole_product(cast(Mul, pattern), target, bindings)
        return
    if kind is not type(target):
        return
    if kind is Add:
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


# ---- products: a variable standing for several factors ---------------------------------------------------

def _integer_root(value: int, k: int) -> int | None:
    """The integer r with r^k = value (k >= 1), or None: Newton's method in integers, from above."""
    if value < 0:
        if k % 2 == 0:
            return None
        root = _integer_root(-value, k)
        return None if root is None else -root
    if value < 2 or k == 1:
        return value
    if k >= value.bit_length():  # 2^k > value: no root >= 2 (and x^(k - 1) below would be a huge power)
        return None
    x = 1 << (value.bit_length() // k + 1)
    while True:
        y = ((k - 1) * x + value // x ** (k - 1)) // k
        if y >= x:
            return x if x ** k == value else None
        x = y


def exact_root(value: Fraction | int, k: int) -> Fraction | None:
    """The rational r with r^k = value (k a non-zero integer; the positive one for an even k), or None."""
    if k < 0:
        if value == 0:
            return None
        value, k = 1 / Fraction(value), -k
    value = Fraction(value)
    numerator, denominator = _integer_root(value.numerator, k), _integer_root(value.denominator, k)
    return None if numerator is None or denominator is None else Fraction(numerator, denominator)


def _exponent(factor: Expr) -> int | None:
    """The integer exponent of a factor (1 for one that is not a power), None for a number or another power."""
    if type(factor) is Pow:
        exponent = factor.exp
        return exponent.value if type(exponent) is Num and type(exponent.value) is int else None
    return None if type(factor) in NUMBERS else 1


def _root_of_product(target: Mul, k: int) -> Expr | None:
    """r with r^k = target exactly, for an integer k: each factor's integer exponent divided by k, the
    coefficient's exact k-th root (x^2*y^4 -> x*y^2 for k = 2, -8*x^3 -> -2*x for k = 3), or None."""
    factors: list[Expr] = []
    for factor in target.args:
        if type(factor) is Num:
            root = exact_root(factor.value, k)
            if root is None:
                return None
            if root != 1:
                factors.append(number(root))
            continue
        exponent = _exponent(factor)
        if exponent is None or exponent % k:
            return None
        base = factor.base if type(factor) is Pow else factor
        factors.append(base if exponent == k else Pow(base, Num(exponent // k)))
    return factors[0] if len(factors) == 1 else Mul(*factors)


def _match_power_of_product(pattern: Pow, target: Mul, bindings: Bindings) -> Iterator[Bindings]:
    """a^k against a product that is a k-th power of one (k an integer; an unbound exponent tries the gcd of
    the exponents, or its negative when all are negative: 1/(x*y) is (x*y)^-1)."""
    exponent = pattern.exp
    if type(exponent) is Num:
        if type(exponent.value) is not int or exponent.value == 0:
            return
        candidates = [exponent.value]
    else:
        exponents = [_exponent(f) for f in target.args if type(f) not in NUMBERS]
        if not exponents or None in exponents:
            return
        common = math.gcd(*cast("list[int]", exponents))
        negative = all(cast(int, e) < 0 for e in exponents)
        candidates = ([-common] if negative else []) + ([common] if common >= 2 else [])
    for k in candidates:
        root = _root_of_product(target, k)
        if root is not None:
            for extended in match(exponent, Num(k), bindings):
                yield from match(pattern.base, root, extended)


def _power_factors(value: Expr, k: int, whole: bool) -> tuple[Fraction, tuple[Expr, ...]] | None:
    """The factors of value^k as the canonical form writes them (integer powers distributed), and (unless
    `whole`, where the coefficient is a factor) the coefficient apart; None where that cannot be said exactly."""
    coefficient, rest = _split(value)
    if isinstance(coefficient, float) or coefficient == 0:
        return None
    scale = Fraction(coefficient) ** k
    factors: list[Expr] = [] if rest is None else list(rest.args if type(rest) is Mul else (rest,))
    if k != 1:
        for i, factor in enumerate(factors):
            base, exponent = (factor.base, factor.exp) if type(factor) is Pow else (factor, ONE)
            if type(exponent) is not Num:
                return None
            power = exponent.value * k
            factors[i] = base if power == 1 else Pow(base, number(power))
    if whole and scale != 1:
        factors.insert(0, number(scale))
        scale = Fraction(1)
    return scale, tuple(factors)


def _take(wanted: tuple[Expr, ...], available: tuple[Expr, ...]) -> tuple[Expr, ...] | None:
    """`available` without the factors of `wanted` (each present), or None."""
    rest = list(available)
    for factor in wanted:
        if factor not in rest:
            return None
        rest.remove(factor)
    return tuple(rest)


FactorMatch: TypeAlias = "tuple[Bindings, Fraction, tuple[Expr, ...]]"


@functools.lru_cache(maxsize=256)
def _factor_order(patterns: tuple[Expr, ...]) -> tuple[tuple[Expr, ...], bool]:
    """The pattern factors in search order, those that may absorb several factors last (a variable is then
    often bound already: checked, not searched for); and whether there are any."""
    return tuple(sorted(patterns, key=_absorbs)), any(map(_absorbs, patterns))


def _match_factors(patterns: tuple[Expr, ...], targets: tuple[Expr, ...], bindings: Bindings,
                   whole: bool) -> Iterator[FactorMatch]:
    """(bindings, scale, unused targets) for each way the pattern factors match some target factors (all of
    them if `whole`), one each, or a variable (or a power a^k of one) several: their product. `scale` is the
    coefficient a bound variable's own coefficient takes from the target's (6*x*sign(2*x) is 3*(2*x)*sign(2*x))."""
    order, absorbing = _factor_order(patterns)
    sub_products = len(targets) <= MAX_SUB_PRODUCT_FACTORS

    def search(i: int, bindings: Bindings, scale: Fraction, unused: tuple[Expr, ...]) -> Iterator[FactorMatch]:
        if i == len(order):
            if not (whole and unused):
                yield bindings, scale, unused
            return
        pattern, left = order[i], len(order) - i - 1  # each pattern factor left needs a target factor
        absorbs = _absorbs(pattern)
        if absorbs and whole and left == 0 and len(unused) > 1:  # the last factor of a whole match takes the rest
            for extended in match(pattern, Mul(*unused), bindings):
                yield from search(i + 1, extended, scale, ())
            return
        for j, factor in enumerate(unused):
            for extended in match(pattern, factor, bindings):
                yield from search(i + 1, extended, scale, unused[:j] + unused[j + 1:])
        if not absorbs:
            return
        variable = cast(Sym, pattern if type(pattern) is Sym else pattern.args[0])
        exponent = ONE if type(pattern) is Sym else pattern.args[1]
        if type(exponent) is not Num or type(exponent.value) is not int:
            return  # a^m with m unbound or not whole: one factor each (a product's power is exact for whole m)
        bound = bindings.get(variable.name)
        if bound is not None:  # its factors (of its power) must be among the target's
            wanted = _power_factors(bound, exponent.value, whole)
            if wanted is not None and (len(wanted[1]) > 1 or wanted[0] != 1):
                rest = _take(wanted[1], unused)
                if rest is not None:
                    yield from search(i + 1, bindings, scale * wanted[0], rest)
        elif sub_products:
            for size in range(2, len(unused) - left + 1):  # none when fewer than 2 + left are unused
                for chosen in itertools.combinations(range(len(unused)), size):
                    product = Mul(*(unused[j] for j in chosen))
                    for extended in match(pattern, product, bindings):
                        rest = tuple(f for j, f in enumerate(unused) if j not in chosen)
                        yield from search(i + 1, extended, scale, rest)

    if len(patterns) <= len(targets) and (whole is False or len(patterns) == len(targets) or absorbing):
        yield from search(0, bindings, Fraction(1), targets)


def _content(target: Expr) -> tuple[Fraction, Expr] | None:
    """(c, target/c) for the positive rational content c != 1 of a sum (4*x^2 + 8 -> 4, x^2 + 2) or of a product
    with a negative coefficient (-4*x -> 4, -x); None for any other, or with a decimal coefficient."""
    if type(target) is Add:
        pieces = [_split(t) for t in target.args]
        if any(isinstance(c, float) for c, _ in pieces):
            return None
        coefficients = [Fraction(c) for c, _ in pieces]
        content = Fraction(math.gcd(*(c.numerator for c in coefficients)),
                           math.lcm(*(c.denominator for c in coefficients)))
        if content == 1:
            return None
        terms = [number(c / content) if rest is None else rest if c == content else
                 Mul(number(c / content), *(rest.args if type(rest) is Mul else (rest,)))
                 for c, (_, rest) in zip(coefficients, pieces)]
        return content, Add(*terms)
    if type(target) is Mul and type(target.args[0]) is Num and target.args[0].value < 0 \
            and target.args[0].value != -1:
        return Fraction(-target.args[0].value), Mul(NEG_ONE, *target.args[1:])
    return None


def _match_whole_product(pattern: Mul, target: Expr, bindings: Bindings) -> Iterator[Bindings]:
    """A product pattern against the whole of a product, or against a sum (or a negative product) through its
    content, a number variable factor binding the content."""
    if type(target) is Mul:
        for found, _, _ in _match_factors(pattern.args, target.args, bindings, whole=True):
            yield found
    numbers = [f for f in pattern.args if _is_number_variable(f)]
    if len(numbers) == 1:
        split = _content(target)
        if split is not None:
            others = tuple(f for f in pattern.args if f is not numbers[0])
            rest = others[0] if len(others) == 1 else Mul(*others)
            for extended in match(numbers[0], number(split[0]), bindings):
                yield from match(rest, split[1], extended)


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


@functools.lru_cache(maxsize=256)
def _product_pattern(pattern: Mul) -> tuple[Number, tuple[Expr, ...], str | None]:
    """A product pattern's coefficient, its other factors, and the number variable that binds the target's
    coefficient (n in n*a^m), if it has one factor that is a number variable."""
    coefficient, rest = _split(pattern)
    factors = () if rest is None else rest.args if type(rest) is Mul else (rest,)
    numbers = [f for f in factors if _is_number_variable(f)]
    if len(numbers) != 1:
        return coefficient, factors, None
    return coefficient, tuple(f for f in factors if f is not numbers[0]), cast(Sym, numbers[0]).name


def match_product(pattern: Mul, target: Mul) -> Iterator[PartMatch]:
    """(bindings, ratio, unused factors) for each way some factors of `target` match the factors of `pattern`,
    the numeric coefficients giving the ratio (6*sin(x)*cos(x)*y matches 2*sin(a)*cos(a): ratio 3, y unused).
    A variable may match several factors (a*sign(a) in 3*z*x*y*sign(x*y)); a number variable factor binds
    the ratio itself (n*a^m in 3*sqrt(x): n = 3, ratio 1)."""
    pc, pfactors, coefficient_variable = _product_pattern(pattern)
    tc, trest = _split(target)
    if trest is None:
        return
    tfactors = trest.args if type(trest) is Mul else (trest,)
    binds_coefficient = coefficient_variable is not None
    bindings: Bindings = {} if coefficient_variable is None else {coefficient_variable: number(_ratio(tc, pc))}
    ratio = None  # computed on the first match only (most products match nothing)
    for found, scale, unused in _match_factors(pfactors, tfactors, bindings, whole=False):
        if binds_coefficient:
            if scale == 1:
                yield found, 1, list(unused)
            continue
        ratio = _ratio(tc, pc) if ratio is None else ratio
        yield found, (ratio if scale == 1 else ratio / scale), list(unused)


def instantiate(replacement: Expr, bindings: Mapping[str, Expr]) -> Expr:
    return substitute(replacement, {Sym(name): value for name, value in bindings.items()})


def rewrites(rule: Rule, node: Expr) -> Iterator[Expr]:
    """Every expression (unsimplified) that `rule` rewrites `node` into, at the top of `node`."""
    pattern = rule.pattern
    if rule.needs is not None and not rule.needs(node):
        return
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
