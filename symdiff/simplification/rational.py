"""Rational functions: a sum of quotients brought over one denominator, cancelled, and written back in its
smallest form.

The expression is read as P/Q, with P and Q polynomials over the rationals in "generators": the symbols,
constants, function applications (sin(x), exp(x^2)) and roots (x^(1/2)) it is built from. The polynomial
arithmetic and the gcd that cancels P/Q are python-flint's (FLINT, a well-kept C library; imported on first
use). Written back, the numerator is tried expanded, with its common factors taken out, and fully factored;
the denominator factored. Every step is exact and holds wherever the input is defined.

Roots of positive numbers are algebraic numbers, not free generators: they are written over roots of coprime
bases (sqrt(6) = sqrt(2)*sqrt(3)) and reduced with g^q = n, a normal form in which sqrt(2)*sqrt(2) - 2 is 0; and a
quotient is also tried with its denominator (or numerator) multiplied by its conjugates (sqrt(2) -> -sqrt(2)),
where the gcd can then cancel, as long as that adds no pole: (sqrt(2)*x + 2)/(x + sqrt(2)) = sqrt(2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from math import gcd
from fractions import Fraction
from typing import TYPE_CHECKING, TypeAlias, cast

from ..core.budget import Clock
from ..core.errors import TooLarge
from ..core.expr import ONE, Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.order import factor_key, sort_key
from ..functions import rows
from .canonical import (SMALL_PRIMES, canonical_add, canonical_mul, canonical_pow, coprime_basis, is_numeric_radical,
                        perfect_power)

if TYPE_CHECKING:
    from flint import fmpq, fmpq_mpoly

# (name, k, a) for sin(k*a), cos(k*a), sinh(k*a), cosh(k*a); see _angle.
_Angle: TypeAlias = "tuple[str, int, Expr]"
# (integer coefficient, {base: exponent}); see _monomial.
_Monomial: TypeAlias = "tuple[int, dict[Expr, int]]"
# A root of a number written over a basis of roots: n^(1/q) -> {base b: exponent k/q}; see radical_basis.
_Radicals: TypeAlias = "dict[Expr, dict[int, Fraction]]"

# Expressions written from polynomials, by their generators and then FLINT's text of the polynomial (see
# RationalForm.to_expr).
WrittenMemo: TypeAlias = "dict[tuple[Expr, ...], dict[str, Expr]]"

# Polynomials with more terms than this are not factored (multivariate factoring is the costly step).
MAX_FACTOR_TERMS = 60
# Expansions that would grow past this many terms, or powers above this exponent, are not attempted: the
# input stays as it is.
MAX_TERMS = 20000
MAX_EXPONENT = 1000
# ... and no polynomial may hold more than this many exponents (terms times generators): FLINT stores one per
# generator per term, and a sum of hundreds of unrelated parts over one denominator took 200 MB.
MAX_CELLS = 200_000
# FLINT multiplies polynomials at about 1e-7 s per pair of terms (measured: 7e-8 to 1.5e-7 with 100 to 1000 terms
# in 4 variables): a product that cannot finish before the deadline is refused before it starts.
SECONDS_PER_PRODUCT = 2e-7


# sin(k*a) and cos(k*a) with |k| up to this are written as polynomials in sin(a) and cos(a) when several
# multiples of one angle occur (sin(2*x) beside sin(x)), so that they can cancel.
MAX_MULTIPLE = 16
# For sin(k*a): the partner function, and the sign of sin(ja)*sin(a) in cos((j+1)a) (cosh: +), from the rows
# of the function registry that have an addition theorem; the same sign is the one in cos^2 = 1 - sin^2.
_ADDITION = {row.name: row.addition for row in rows() if row.addition is not None}
# Each function of such a pair -> the odd one, which names the pair (cos -> sin, cosh -> sinh).
_FAMILY = {name: odd for odd, (even, _) in _ADDITION.items() for name in (odd, even)}


def _integer_exponent(node: Expr) -> int | None:
    if type(node) is Pow and type(node.exp) is Num and isinstance(node.exp.value, int):
        return node.exp.value
    return None


def generators_of(node: Expr, found: dict[Expr, None]) -> None:
    """Collect the generators of `node` (as keys of `found`, in first-seen order), iteratively."""
    stack = [node]
    while stack:
        n = stack.pop()
        kind = type(n)
        if kind in (Add, Mul):
            stack.extend(n.args)
        elif type(n) is Pow:
            exponent = n.exp
            if _integer_exponent(n) is not None:
                stack.append(n.base)
            elif type(exponent) is Num:  # x^(p/q): generator x^(1/q)
                found.setdefault(Pow(n.base, Num(Fraction(1, exponent.value.denominator))), None)
            else:
                found.setdefault(n, None)
        elif kind in (Sym, Const, Func, Derivative):
            found.setdefault(n, None)
        elif kind is Float:
            raise TooLarge("floats are not rational")  # inexact numbers stay with the canonical form


class RationalForm:
    """Conversion between expressions and quotients of flint polynomials over a fixed list of generators."""

    def __init__(self, generators: list[Expr], multiples: Mapping[Expr, _Angle] | None = None,
                 radicals: _Radicals | None = None, algebraic: bool = False, written: WrittenMemo | None = None):
        import flint  # FLINT (C) is loaded on the first rational step, not at start-up
        self.flint = flint
        self.generators = generators
        self.index = {g: i for i, g in enumerate(generators)}
        names = tuple(f"g{i}" for i in range(len(generators))) or ("g0",)
        self.context = flint.fmpq_mpoly_ctx.get(names, "lex")
        self.one = self.context.from_dict({(0,) * len(names): 1})
        self.zero = self.one - self.one
        self.variables = self.context.gens()
        # polynomials that would grow past this many terms are refused (TooLarge)
        self.term_limit = min(MAX_TERMS, MAX_CELLS // max(1, len(generators)))
        self.clock = Clock()  # FLINT's C code cannot be interrupted: the time budget is checked before each call
        # to_expr's memo, by FLINT's text of a polynomial: shared by the forms over the same generators when the
        # caller gives `written` (a simplifier simplifying a winner again meets the same polynomials)
        self.written: dict[str, Expr] = {} if written is None else written.setdefault(tuple(generators), {})
        self.powers: dict[tuple[int, int], tuple[Expr, Expr | None]] = {}  # _power's memo
        # generator sin(k*a) (cos, sinh, cosh) -> its polynomial in sin(a) and cos(a)
        self.expansions = {node: self._multiple_angle(*spec) for node, spec in (multiples or {}).items()}
        # the roots of numbers over their basis (see radical_basis): g^L = b for each basis root g = b^(1/L),
        # as (index of g, L, b), and each root n^(1/q) of the input as its monomial in those g. Not `algebraic`:
        # roots are free generators, whose gcd can find factors that the reduction splits ((2*sqrt(5) + 5)*u).
        self.moduli: list[tuple[int, int, int]] = []
        for g, i in self.index.items():
            if algebraic and is_numeric_radical(g):  # after radical_basis, only basis roots are generators
                self.moduli.append((i, cast(Fraction, cast(Num, cast(Pow, g).exp).value).denominator,
                                    cast(int, cast(Num, cast(Pow, g).base).value)))
        self.radicals = {node: self._over_basis(parts) for node, parts in (radicals or {}).items()}

    def _over_basis(self, parts: dict[int, Fraction]) -> fmpq_mpoly:
        exponents = [0] * len(self.variables)
        for base, exponent in parts.items():
            generator = next(g for g in self.index if is_numeric_radical(g) and cast(Pow, g).base.args[0] == base)
            exponents[self.index[generator]] = int(exponent * cast(Num, cast(Pow, generator).exp).value.denominator)
        return self.reduced(self.context.from_dict({tuple(exponents): 1}))

    def reduced(self, polynomial: fmpq_mpoly) -> fmpq_mpoly:
        """`polynomial` with every g^k (k >= L) of a basis root g = b^(1/L) written b^(k div L)*g^(k mod L): an
        identity, and a normal form, as the basis roots are independent over the rationals (Besicovitch)."""
        if not self.moduli or all(polynomial.degrees()[i] < L for i, L, _ in self.moduli):
            return polynomial
        terms: dict[tuple[int, ...], fmpq] = {}
        for exponents, coefficient in polynomial.terms():
            rest = list(map(int, exponents))
            for i, L, b in self.moduli:
                if rest[i] >= L:
                    coefficient *= b ** (rest[i] // L)
                    rest[i] %= L
            key = tuple(rest)
            terms[key] = terms[key] + coefficient if key in terms else coefficient
        return self.context.from_dict({k: c for k, c in terms.items() if c != 0}) if terms else self.zero

    def conjugate(self, polynomial: fmpq_mpoly, i: int) -> fmpq_mpoly:
        """`polynomial` with the square root variables[i] negated (sqrt(2) -> -sqrt(2))."""
        return self.context.from_dict({e: -c if int(e[i]) % 2 else c for e, c in polynomial.terms()})

    def square_roots(self, polynomial: fmpq_mpoly) -> list[int]:
        """The indices of the square roots of numbers that occur in `polynomial`."""
        degrees = polynomial.degrees()
        return [i for i, L, _ in self.moduli if L == 2 and degrees[i] > 0]

    def norm_multiplier(self, polynomial: fmpq_mpoly) -> fmpq_mpoly:
        """c with polynomial*c free of square roots of numbers: the product of its conjugates (1/(1 + sqrt(2))
        -> (sqrt(2) - 1)/1)."""
        multiplier = self.one
        for i in self.square_roots(polynomial):
            conjugate = self.conjugate(polynomial, i)
            polynomial = self.reduced(self.times(polynomial, conjugate))
            multiplier = self.reduced(self.times(multiplier, conjugate))
        return multiplier

    def times(self, a: fmpq_mpoly, b: fmpq_mpoly) -> fmpq_mpoly:
        """a*b, refused before it is computed when the expansion could pass the term limit."""
        products = len(a) * len(b)
        if products > self.term_limit and len(a) > 1 and len(b) > 1:
            raise TooLarge("expansion too large")
        self.clock.check(products * SECONDS_PER_PRODUCT)
        return a * b

    def power(self, a: fmpq_mpoly, n: int) -> fmpq_mpoly:
        """a^n, refused before it is computed when the expansion could pass the term limit, or the power is
        too high to be worth expanding (2^(10^10) stays a power, as the canonical form leaves it)."""
        if n > MAX_EXPONENT or len(a) > 1 and math.comb(len(a) + n - 1, n) > self.term_limit:
            raise TooLarge("expansion too large")
        self.clock.check()
        return a ** n

    def _multiple_angle(self, name: str, k: int, base: Expr) -> fmpq_mpoly:
        """sin(k*a) or cos(k*a) (or sinh, cosh) by the addition theorem, as a polynomial in sin(a), cos(a)."""
        odd = _FAMILY[name]
        even, sign = _ADDITION[odd]
        s, c = self.variables[self.index[Func(odd, base)]], self.variables[self.index[Func(even, base)]]
        sin_k, cos_k = s, c  # of 1*a
        for _ in range(abs(k) - 1):  # sin((j+1)a) = sin(ja)c + cos(ja)s; cos((j+1)a) = cos(ja)c - sin(ja)s
            sin_k, cos_k = sin_k * c + cos_k * s, cos_k * c + sign * sin_k * s
        if k < 0:  # sin is odd, cos even
            sin_k = -sin_k
        return sin_k if name == odd else cos_k

    def constant(self, value: int | Fraction) -> fmpq_mpoly:
        return self.one * self.flint.fmpq(value.numerator, value.denominator) if isinstance(value, Fraction) \
            else self.one * value

    def quotient(self, node: Expr,
                 memo: dict[Expr, tuple[fmpq_mpoly, fmpq_mpoly]]) -> tuple[fmpq_mpoly, fmpq_mpoly]:
        """(P, Q) with node = P/Q."""
        found = memo.get(node)
        if found is not None:
            return found
        self.clock.check()
        if type(node) is Num:
            result = (self.constant(node.value), self.one)
        elif type(node) is Add:
            numerator, denominator = self.zero, self.one
            for term in node.args:
                p, q = self.quotient(term, memo)
                common = denominator.gcd(q)
                numerator = self.times(numerator, q / common) + self.times(p, denominator / common)
                denominator = self.times(denominator, q / common)
                if len(numerator) > self.term_limit:
                    raise TooLarge("the common numerator grows past any use")
            result = (numerator, denominator)
        elif type(node) is Mul:
            numerator, denominator = self.one, self.one
            for factor in node.args:
                p, q = self.quotient(factor, memo)
                numerator, denominator = self.times(numerator, p), self.times(denominator, q)
            result = (numerator, denominator)
        elif type(node) is Pow and _integer_exponent(node) is not None:
            n = cast(int, _integer_exponent(node))
            p, q = self.quotient(node.base, memo)
            if n < 0:
                p, q, n = q, p, -n
            result = (self.power(p, n), self.power(q, n))
        elif type(node) is Pow and type(node.exp) is Num:  # x^(n/q) = (x^(1/q))^n
            generator = Pow(node.base, Num(Fraction(1, node.exp.value.denominator)))
            root = self.radicals.get(generator)
            if root is None:
                root = self.variables[self.index[generator]]
            n = node.exp.value.numerator
            result = (root ** n, self.one) if n > 0 else (self.one, root ** -n)
        elif node in self.expansions:
            result = (self.expansions[node], self.one)
        else:
            result = (self.variables[self.index[node]], self.one)
        if self.moduli:
            result = (self.reduced(result[0]), self.reduced(result[1]))
        memo[node] = result
        return result

    def pythagorean_reduced(self, polynomial: fmpq_mpoly) -> fmpq_mpoly:
        """`polynomial` with every cos(a)^k (k >= 2) written cos(a)^(k mod 2)*(1 - sin(a)^2)^(k div 2), and
        cosh(a)^k likewise with 1 + sinh(a)^2, for each a whose sin and cos (sinh and cosh) are both
        generators: an exact identity that collects what sin(a)^2 + cos(a)^2 = 1 would cancel."""
        for other, (square, sign) in _ADDITION.items():  # cos^2 = 1 - sin^2, cosh^2 = 1 + sinh^2
            for generator, i in self.index.items():
                if type(generator) is not Func or generator.name != square or len(generator.arguments) != 1:
                    continue
                partner = self.index.get(Func(other, generator.arguments[0]))
                if partner is None:
                    continue
                s = self.variables[partner]
                one_minus = self.one + sign * s * s
                result = self.zero
                for exponents, coefficient in polynomial.terms():
                    k = int(exponents[i])
                    rest = list(map(int, exponents))
                    rest[i] = k % 2
                    term = self.context.from_dict({tuple(rest): coefficient})
                    result += term * self.power(one_minus, k // 2) if k >= 2 else term
                polynomial = result
        return polynomial

    def to_expr(self, polynomial: fmpq_mpoly) -> Expr:
        """A polynomial written back as an expanded sum (canonical). Memoised by the polynomial's text (FLINT's,
        in C): the candidate forms write the same numerators, factors and contents again and again, and writing
        back was a third of the simplifier's time."""
        key = str(polynomial)
        found = self.written.get(key)
        if found is None:
            found = self.written[key] = self._written_out(polynomial)
        return found

    def _written_out(self, polynomial: fmpq_mpoly) -> Expr:
        terms = []
        for exponents, coefficient in polynomial.terms():
            self.clock.check()
            p, q = int(coefficient.p), int(coefficient.q)
            c = Num(p if q == 1 else Fraction(p, q))
            powers = [self._power(i, int(k)) for i, k in enumerate(exponents) if k]
            bases = [base for _, base in powers]
            if None in bases or len(set(bases)) < len(bases):
                terms.append(canonical_mul([c, *(power for power, _ in powers)]))
            else:
                terms.append(_monomial_term(c, [power for power, _ in powers]))
        return canonical_add(terms) if terms else Num(0)

    def _power(self, i: int, k: int) -> tuple[Expr, Expr | None]:
        """(generator i to the k, its base), the base None when the power is not a lone factor that a product
        keeps as it is (a number, a product or a sum: sqrt(x*y)^2 = x*y; or a power of a number, which merges
        with another: sqrt(2)*sqrt(3) = sqrt(6))."""
        found = self.powers.get((i, k))
        if found is None:
            power = canonical_pow(self.generators[i], Num(k))
            base = power.base if type(power) is Pow else power
            plain = type(power) not in (Num, Float, Mul, Add) and type(base) is not Num
            found = self.powers[i, k] = (power, base if plain else None)
        return found

    def factored(self, polynomial: fmpq_mpoly, squarefree: bool = False) -> list[Expr]:
        """A polynomial as factors: its content and irreducible factors (when it is small enough to factor),
        or with `squarefree` its square-free factors only ((x^2 - 1)^2 stays so, not (x - 1)^2*(x + 1)^2).
        Factors, not their product, so that the caller multiplies everything at once (a content of 1/2
        next to a lone sum would be distributed into it)."""
        if len(polynomial) > MAX_FACTOR_TERMS:
            return self.common_factored(polynomial)
        self.clock.check()
        try:
            content, factors = polynomial.factor_squarefree() if squarefree else polynomial.factor()
        except RuntimeError:  # FLINT gives up on some (huge exponents: "factorisation failed"; found by fuzzing)
            return self.common_factored(polynomial)
        parts = [Num(Fraction(int(content.p), int(content.q)))]
        return parts + [canonical_pow(self.to_expr(f), Num(int(k))) for f, k in factors]

    def common_factor(self, polynomial: fmpq_mpoly) -> tuple[int | Fraction, fmpq_mpoly]:
        """(content, monomial) dividing every term: for x^2*exp(x) + 2*x*exp(x), (1, x*exp(x))."""
        terms = list(polynomial.terms())
        lowest = tuple(int(min(e[i] for e, _ in terms)) for i in range(len(terms[0][0])))
        return _rational_content(c for _, c in terms), self.context.from_dict({lowest: 1})

    def common_factored(self, polynomial: fmpq_mpoly,
                        factor: tuple[int | Fraction, fmpq_mpoly] | None = None) -> list[Expr]:
        """Only the common monomial and content taken out: x^2*exp(x) + 2*x*exp(x) -> x, exp(x), x + 2.
        `factor`: the polynomial's common_factor, when the caller has it already."""
        if len(polynomial) < 2:
            return [self.to_expr(polynomial)]
        content, monomial = factor or self.common_factor(polynomial)
        rest = polynomial / monomial / self.constant(content)
        return [Num(content), self.to_expr(monomial), self.to_expr(rest)]


def _monomial_term(coefficient: Num, powers: list[Expr]) -> Expr:
    """canonical_mul([coefficient, *powers]) for powers of distinct bases that no product merges (see
    RationalForm._power): only their order is left to make. Writing the terms of expansions back was a quarter
    of the simplifier's time, most of it in canonical_mul."""
    if len(powers) > 1:
        powers.sort(key=factor_key)
    if coefficient.value == 1 and powers:
        return powers[0] if len(powers) == 1 else Mul(*powers)
    return Mul(coefficient, *powers) if powers else coefficient


def _rational_content(coefficients: Iterable[fmpq]) -> Fraction:
    """gcd of the numerators over lcm of the denominators, with the sign of the first coefficient."""
    fractions = [Fraction(int(c.p), int(c.q)) for c in coefficients]
    numerator, denominator = 0, 1
    for c in fractions:
        numerator = gcd(numerator, c.numerator)
        denominator = denominator * c.denominator // gcd(denominator, c.denominator)
    content = Fraction(numerator, denominator)
    return -content if fractions and fractions[0] < 0 else content


def _angle(node: Expr) -> _Angle | None:
    """(name, k, a) for sin(k*a), cos(k*a), sinh(k*a), cosh(k*a) with a whole k (k = 1 for sin(a)), else None."""
    if type(node) is not Func or len(node.arguments) != 1:
        return None
    if node.name not in _FAMILY:
        return None
    argument = node.arguments[0]
    if type(argument) is Mul and type(argument.args[0]) is Num and type(argument.args[0].value) is int:
        return node.name, argument.args[0].value, canonical_mul(list(argument.args[1:]))
    return node.name, 1, argument


def multiple_angles(generators: dict[Expr, None]) -> dict[Expr, _Angle]:
    """The generators to expand, {sin(k*a): (name, k, a)}: those of an angle a that occurs with two or more
    multiples (k*a and a, or 2*a and 3*a) of at most MAX_MULTIPLE; sin(a) and cos(a) are added to
    `generators` as the polynomials' variables."""
    by_base: dict[tuple[str, Expr], list[tuple[Expr, _Angle]]] = {}
    for g in generators:
        spec = _angle(g)
        if spec is not None and 0 < abs(spec[1]) <= MAX_MULTIPLE:
            by_base.setdefault((_FAMILY[spec[0]], spec[2]), []).append((g, spec))
    expanded: dict[Expr, _Angle] = {}
    for (odd, base), found in by_base.items():
        if len({abs(spec[1]) for _, spec in found}) < 2:
            continue
        for name in (odd, _ADDITION[odd][0]):  # sin(a) and cos(a), or sinh(a) and cosh(a)
            generators.setdefault(Func(name, base), None)
        expanded.update((g, spec) for g, spec in found if spec[1] != 1)
    for g in expanded:
        del generators[g]
    return expanded


def radical_basis(generators: dict[Expr, None]) -> _Radicals:
    """The roots of positive whole numbers among `generators` (n^(1/q)) written over roots of pairwise coprime
    bases (the primes below 1000 and what is left), which replace them in `generators` as b^(1/L), L the lcm of
    the indices of b: sqrt(6) and sqrt(2) become sqrt(2)*sqrt(3) and sqrt(2), so that sqrt(6) - sqrt(2)*sqrt(3)
    cancels. When a base is a perfect power (the roots are not independent), the roots stay generators of their
    own: never wrong, only less complete. Returns {n^(1/q): {b: k/q}}."""
    found: _Radicals = {}
    leftovers: dict[Expr, int] = {}
    for g in generators:
        if not is_numeric_radical(g):
            continue
        n = cast(int, cast(Num, cast(Pow, g).base).value)
        q = cast(Fraction, cast(Num, cast(Pow, g).exp).value).denominator
        parts: dict[int, Fraction] = {}
        for prime in SMALL_PRIMES:
            if prime * prime > n:  # what is left is 1 or a prime
                break
            while n % prime == 0:
                n //= prime
                parts[prime] = parts.get(prime, Fraction(0)) + Fraction(1, q)
        if n > 1:
            leftovers[g] = n
        found[g] = parts
    bases = coprime_basis(leftovers.values())
    for g, n in leftovers.items():
        q = cast(Fraction, cast(Num, cast(Pow, g).exp).value).denominator
        for b in bases:
            while n % b == 0:
                n //= b
                found[g][b] = found[g].get(b, Fraction(0)) + Fraction(1, q)
    if len(found) < 2:
        return {}  # one root: its powers are independent already (g^q = n is reduced all the same)
    indices: dict[int, int] = {}
    for parts in found.values():
        for b, e in parts.items():
            indices[b] = math.lcm(indices.get(b, 1), e.denominator)
    if any(perfect_power(b)[1] > 1 for b in indices):
        return {}  # a base that is a power of another: its roots are not independent
    for g in found:
        del generators[g]
    for b, index in indices.items():
        generators.setdefault(Pow(Num(b), Num(Fraction(1, index))), None)
    return found


def _shortest_text(polynomial: fmpq_mpoly) -> int:
    """A lower bound on the printed length of a polynomial written out: each term takes a character at least,
    and each ' + ' between terms three."""
    return 4 * len(polynomial) - 3


def _monomial(term: Expr) -> _Monomial | None:
    """(integer coefficient, {base: exponent}) for a term that is an integer times symbols and constants to
    positive whole powers (3*x^2*y: (3, {x: 2, y: 1})), else None."""
    factors = term.args if type(term) is Mul else (term,)
    coefficient = 1
    powers: dict[Expr, int] = {}
    for factor in factors:
        base, exponent = (factor.base, factor.exp) if type(factor) is Pow else (factor, ONE)
        if type(base) is Num and factor is base and type(base.value) is int:
            coefficient *= base.value
        elif type(base) in (Sym, Const) and type(exponent) is Num and type(exponent.value) is int \
                and exponent.value > 0:
            powers[base] = powers.get(base, 0) + exponent.value
        else:
            return None
    return coefficient, powers


def binomial_candidates(node: Expr) -> list[Expr] | None:
    """The candidates of a sum of two monomials in symbols (6*x - 4, 3*x^2 - 4*x), found without FLINT, or
    None for any other node. Such a sum is its own expansion, has nothing to cancel, and a binomial is not
    factored (see rational_candidates), so the only other form is its common factor taken out: x*(3*x - 4),
    with either sign. (Loading FLINT is a quarter of the command line's start-up time.)"""
    if type(node) is not Add or len(node.args) != 2:
        return None
    found = [_monomial(t) for t in node.args]
    if None in found:
        return None
    monomials = cast("list[_Monomial]", found)
    (a, x), (b, y) = monomials
    common = {base: min(x[base], y[base]) for base in x.keys() & y.keys()}
    content = math.gcd(a, b)
    if content == 1 and not common:
        return []
    factor = [canonical_pow(base, Num(k)) for base, k in common.items()]
    rests = [canonical_mul([Num(c // content)] + [canonical_pow(base, Num(k - common.get(base, 0)))
                                                   for base, k in powers.items()])
             for c, powers in monomials]
    return [canonical_mul([Num(sign * content), *factor, canonical_add([canonical_mul([Num(sign), r])
                                                                       for r in rests])])
            for sign in (1, -1)]


def rational_candidates(node: Expr, budget: int | None = None, memo: WrittenMemo | None = None) -> list[Expr]:
    """Forms of `node` as one cancelled quotient (expanded, common-factored, factored numerators), or []
    when it is not worth trying (no sum) or too large. With a `budget` (the text length to beat), forms that
    cannot be shorter are not built: writing out a long expansion is most of the cost of simplifying.
    Roots of numbers are computed with (sqrt(2)^2 = 2, sqrt(6) = sqrt(2)*sqrt(3)); with square roots, the
    quotient with its denominator, or its numerator, made free of them (multiplied by the conjugates) is tried
    too, so that (sqrt(2)*x + 2)/(x + sqrt(2)) cancels to sqrt(2). `memo`: the polynomials written back,
    shared between calls (see RationalForm)."""
    found = binomial_candidates(node)
    if found is not None:
        return found
    generators: dict[Expr, None] = {}
    try:
        generators_of(node, generators)
    except TooLarge:
        return []
    multiples = multiple_angles(generators)
    candidates: list[Expr] = []
    if any(map(is_numeric_radical, generators)):  # roots as free generators first, then as algebraic numbers
        candidates += _candidates_in(RationalForm(sorted(generators, key=sort_key), multiples, written=memo),
                                     node, budget)
    radicals = radical_basis(generators)
    form = RationalForm(sorted(generators, key=sort_key), multiples, radicals, algebraic=True, written=memo)
    return candidates + _candidates_in(form, node, budget)


def _candidates_in(form: RationalForm, node: Expr, budget: int | None) -> list[Expr]:
    """rational_candidates with the polynomials of `form`."""
    if budget is not None:
        # A numerator of n terms prints in at least 4n - 3 characters; one growing to `budget` terms while the
        # sum is brought over one denominator would have to cancel four-fold to win: it is not worth finishing
        # (unrelated fractions summed over a common denominator were the simplifier's memory peak).
        form.term_limit = min(form.term_limit, max(64, budget))
    try:
        numerator, denominator = form.quotient(node, {})
    except TooLarge:
        return []
    candidates = _written(form, numerator, denominator, budget)
    if form.square_roots(numerator) or form.square_roots(denominator):
        # The numerator is rationalised only to cancel against a denominator in symbols: a number over a root
        # (3*sqrt(2)/(sqrt(3) - 1)) is what rationalising denominators is for.
        rooted = {i for i, _, _ in form.moduli}
        in_symbols = any(k for i, k in enumerate(denominator.degrees()) if i not in rooted)
        for rationalised in (denominator, numerator) if in_symbols else (denominator,):
            try:
                multiplier = form.norm_multiplier(rationalised)
                if multiplier.is_zero():
                    continue
                top = form.reduced(form.times(numerator, multiplier))
                bottom = form.reduced(form.times(denominator, multiplier))
                top, bottom = _cancelled(form, top, bottom)
                if _divides(form, bottom, denominator):
                    candidates += _written(form, top, bottom, budget)
            except TooLarge:
                continue
    return candidates


def _cancelled(form: RationalForm, numerator: fmpq_mpoly, denominator: fmpq_mpoly) -> tuple[fmpq_mpoly, fmpq_mpoly]:
    """numerator/denominator with their gcd cancelled and the denominator's content moved to the numerator."""
    common = numerator.gcd(denominator)
    if common != form.one:
        numerator, denominator = numerator / common, denominator / common
    # The denominator's content goes to the numerator (a monic-ish denominator, as a person writes it).
    scale = _rational_content(c for _, c in denominator.terms())
    if scale != 1:
        numerator, denominator = numerator / form.constant(scale), denominator / form.constant(scale)
    return numerator, denominator


def _divides(form: RationalForm, divisor: fmpq_mpoly, polynomial: fmpq_mpoly) -> bool:
    """Whether `divisor` divides `polynomial` over the roots of numbers (so every real zero of divisor is one of
    polynomial): a rationalised quotient has no pole the input has not (1/(x + sqrt(2)) is not (x - sqrt(2))/(x^2
    - 2), undefined at x = sqrt(2)), and holds wherever the input is defined."""
    if divisor.is_constant():
        return True
    multiplier = form.norm_multiplier(divisor)
    norm = form.reduced(form.times(divisor, multiplier))
    if norm.is_zero():  # roots not independent (see radical_basis): nothing proved
        return False
    _, remainder = divmod(form.reduced(form.times(polynomial, multiplier)), norm)
    return bool(remainder.is_zero())


def _written(form: RationalForm, numerator: fmpq_mpoly, denominator: fmpq_mpoly, budget: int | None) -> list[Expr]:
    """The quotient numerator/denominator, cancelled, written in its candidate forms (see rational_candidates)."""
    numerator, denominator = _cancelled(form, numerator, denominator)
    reduced = form.pythagorean_reduced(numerator)
    if len(reduced) < len(numerator):
        numerator = reduced
    bottom_length = 0 if denominator == form.one else _shortest_text(denominator)
    if budget is not None and bottom_length >= budget:
        return []
    tops: list[list[Expr]] = []
    if budget is None or _shortest_text(numerator) + bottom_length < budget:
        tops.append([form.to_expr(numerator)])
        # (a single term has no common factor to take out; nor has a sum whose content and monomial are 1)
        factor = form.common_factor(numerator) if len(numerator) > 1 else (1, form.one)
        if factor != (1, form.one):
            tops.append(form.common_factored(numerator, factor))
    # Factored: a form that can be short however long the expansion. Not for two terms: once their common
    # factor is out, a binomial's factors (x^2 - 1 = (x - 1)*(x + 1)) are longer than it.
    if 2 < len(numerator) <= MAX_FACTOR_TERMS:
        tops.append(form.factored(numerator))
    if not tops:
        return []
    if denominator == form.one:
        return [canonical_mul(top) for top in tops]
    bottoms = [form.factored(denominator), form.factored(denominator, squarefree=True)]
    return [canonical_mul(top + [canonical_pow(b, Num(-1)) for b in bottom]) for top in tops for bottom in bottoms]
