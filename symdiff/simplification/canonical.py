"""Canonical forms: the first stage of the simplifier, and the form every later stage works on.

Bottom-up, each node once (memoised): sums and products are flattened, numbers folded exactly (floats are
contagious), like terms collected (`3*x - x -> 2*x`), like factors collected (`x*x^2 -> x^3`), identities
applied (`x^0`, `x^1`, `0*x`, `1*x`), special values of functions taken from a table (`sin(0) -> 0`), and
terms and factors put in canonical order (symdiff.core.order). Roots of positive numbers are reduced and merged
per index (sqrt(8) = 2*sqrt(2), 4^(1/4) = sqrt(2), sqrt(2)*sqrt(6) = 2*sqrt(3), 1/sqrt(2) = sqrt(2)/2) and
sqrt(a + b*sqrt(c)) denested where it can be (sqrt(3 + 2*sqrt(2)) = sqrt(2) + 1).

Every rewrite is valid wherever the input is defined, on principal branches: x^a*x^b -> x^(a+b) always,
(x^a)^n -> x^(a*n) and (x*y)^n -> x^n*y^n only for integer n or positive numbers x, y, and nothing like
sqrt(x^2) -> x.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import cast

from ..core.budget import Clock
from ..core.budget import current as current_budget
from ..core.build import Number, has_negative_sign, multiply, number, plus
from ..core.errors import Reason, UndefinedError
from ..core.expr import E, HALF, NEG_ONE, ONE, PI, ZERO, Add, Derivative, Expr, Float, Func, Mul, Num, Pow
from ..core.order import factor_key, term_key
from ..functions import lookup

# Exact powers of numbers are expanded only up to budget.max_digits digits: beyond, 2^(10^10) stays
# 2^10000000000. An exact root is looked for only in numbers of at most that many digits.
_BITS_PER_DIGIT = 3.3219280948873626  # log2(10)


def _max_power_bits() -> int:
    return int(current_budget().max_digits * _BITS_PER_DIGIT)

NUMBERS = (Num, Float)

def canonical(node: Expr) -> Expr:
    """The canonical form of `node`."""
    return Canonicalizer()(node)


class Canonicalizer:
    def __init__(self) -> None:
        self.memo: dict[Expr, Expr] = {}
        self.clock = Clock()

    def __call__(self, node: Expr) -> Expr:
        result = self.memo.get(node)
        if result is None:
            self.clock.check()
            if type(node) is Add:
                result = canonical_add([self(t) for t in node.args])
            elif type(node) is Mul:
                result = canonical_mul([self(f) for f in node.args])
            elif type(node) is Pow:
                result = canonical_pow(self(node.base), self(node.exp))
            elif type(node) is Func:
                result = canonical_function(node.name, [self(a) for a in node.arguments])
            elif type(node) is Derivative:
                result = Derivative(node.name, node.orders, *(self(a) for a in node.arguments))
            else:
                result = node
            self.memo[node] = result
            self.memo[result] = result
        return result


# ---- sums ---------------------------------------------------------------------------------------------

def split_coefficient(term: Expr) -> tuple[Number, Expr | None]:
    """(numeric coefficient, rest): 3*x*y -> (3, x*y), x -> (1, x), 5 -> (5, None)."""
    if isinstance(term, NUMBERS):
        return term.value, None
    if type(term) is Mul and type(term.args[0]) in NUMBERS:
        rest = term.args[1] if len(term.args) == 2 else Mul(*term.args[1:])
        return term.args[0].value, rest
    return 1, term


def with_coefficient(coefficient: Number, rest: Expr) -> Expr:
    if coefficient == 1 and not isinstance(coefficient, float):
        return rest
    factors = rest.args if type(rest) is Mul else (rest,)
    return Mul(number(coefficient), *factors)


def canonical_add(terms: Iterable[Expr]) -> Expr:
    flat: list[Expr] = []
    for term in terms:
        flat.extend(term.args if type(term) is Add else (term,))
    constant: Number = 0
    collected: dict[Expr, Number] = {}
    for coefficient, rest in map(split_coefficient, flat):
        if rest is None:
            constant = plus(constant, coefficient)
        else:
            collected[rest] = plus(collected.get(rest, 0), coefficient)
    out = [with_coefficient(c, rest) for rest, c in collected.items() if c != 0]
    if not out:
        return number(constant)
    out.sort(key=term_key)
    if constant != 0:
        out.append(number(constant))
    if has_negative_sign(out[0]):  # 1 - x^2 rather than -x^2 + 1, as a textbook writes it
        first_positive = next((i for i, t in enumerate(out) if not has_negative_sign(t)), None)
        if first_positive is not None:
            out.insert(0, out.pop(first_positive))
    return out[0] if len(out) == 1 else Add(*out)


# ---- products -----------------------------------------------------------------------------------------

def canonical_mul(factors: Iterable[Expr]) -> Expr:
    coefficient: Number = 1
    pending = list(factors)
    out: list[Expr] = []
    for _ in range(8):  # a merged power can split into factors (sqrt(x*y)*sqrt(x*y) -> x*y): merge again
        bases: dict[Expr, list[Expr]] = {}
        for factor in pending:
            for f in (factor.args if type(factor) is Mul else (factor,)):
                if isinstance(f, NUMBERS):
                    coefficient = multiply(coefficient, f.value)
                elif type(f) is Pow:
                    bases.setdefault(f.base, []).append(f.exp)
                else:
                    bases.setdefault(f, []).append(ONE)
        _over_common_roots(bases)
        pending, out = [], []
        for base, exponents in bases.items():
            if len(exponents) == 1:  # the factor as it came, already canonical
                combined = base if exponents[0] is ONE else Pow(base, exponents[0])
            else:
                combined = canonical_pow(base, canonical_add(exponents))
            if isinstance(combined, NUMBERS):
                coefficient = multiply(coefficient, combined.value)
            elif type(combined) is Mul and len(exponents) > 1:
                pending.append(combined)
            else:
                out.append(combined)
        if not pending:
            break
        pending.extend(out)
    if len(out) > 1 and coefficient != 0:
        merged = _merged_radicals(out)
        if merged is not None:  # sqrt(2)*sqrt(6) -> 2*sqrt(3)
            whole, out = merged
            coefficient = multiply(coefficient, whole)
            if len({f.base if type(f) is Pow else f for f in out}) < len(out):  # 2^(1/3)*sqrt(6)*sqrt(3)
                return canonical_mul([number(coefficient), *out])
    if coefficient == 0 or not out:
        return number(coefficient)
    if len(out) == 1 and type(out[0]) is Add and coefficient != 1:
        # a number times a sum is distributed, as SymPy does: -(x - y) -> y - x, 2*(x + 1) -> 2*x + 2
        return canonical_add([with_coefficient(multiply(coefficient, c), rest) if rest is not None else
                              number(multiply(coefficient, c)) for c, rest in map(split_coefficient, out[0].args)])
    out.sort(key=factor_key)
    if coefficient != 1 or isinstance(coefficient, float):
        out.insert(0, number(coefficient))
    return out[0] if len(out) == 1 else Mul(*out)


def _over_common_roots(bases: dict[Expr, list[Expr]]) -> None:
    """Whole-number bases with symbolic exponents that are powers of one number, written over it so that they
    combine: 4^x*2^(-2*x) is 2^(2*x)*2^(-2*x) = 1, 8^x/4^x is 2^x. A base alone keeps its form (4^x stays)."""
    roots: dict[int, list[tuple[Expr, int]]] = {}
    for base, exponents in bases.items():
        if type(base) is Num and type(base.value) is int and base.value >= 2 and \
                any(not isinstance(e, NUMBERS) for e in exponents):
            root, degree = perfect_power(base.value)
            roots.setdefault(root, []).append((base, degree))
    for root, powers in roots.items():
        if len(powers) < 2:
            continue
        common = bases.setdefault(Num(root), [])
        for base, degree in powers:
            if base is not Num(root):
                common.extend(canonical_mul([Num(degree), e]) for e in bases.pop(base))


# ---- powers -------------------------------------------------------------------------------------------

def _is_integer(node: Expr) -> bool:
    return type(node) is Num and isinstance(node.value, int)


def canonical_pow(base: Expr, exponent: Expr) -> Expr:
    if exponent is ZERO:
        return ONE
    if exponent is ONE or base is ONE:
        return base
    if base is E:
        return canonical_function("exp", [exponent])
    if base is ZERO and isinstance(exponent, NUMBERS):
        if exponent.value > 0:
            return ZERO
        raise UndefinedError("division by zero: the expression divides by something that is identically 0",
                             reason=Reason.DIVISION_BY_ZERO)
    if isinstance(base, NUMBERS) and isinstance(exponent, NUMBERS):
        folded = fold_numeric_power(base, exponent)
        if folded is not None:
            return folded
    if type(exponent) is Num and is_numeric_radical(base):  # (n^a)^b = n^(a*b) for n > 0: sqrt(sqrt(2)) = 2^(1/4)
        return canonical_pow(cast(Pow, base).base, Num(cast(Num, cast(Pow, base).exp).value * exponent.value))
    if type(exponent) is Num and type(base) is Mul and all(is_numeric_radical(f) or type(f) is Num and f.value > 0
                                                          for f in base.args):
        return canonical_mul([canonical_pow(f, exponent) for f in base.args])  # (2*sqrt(2))^(1/3) = sqrt(2)
    if type(base) is Add and type(exponent) is Num and type(exponent.value) is Fraction \
            and exponent.value.denominator == 2:
        denested = denested_square_root(base)
        if denested is not None:  # sqrt(3 + 2*sqrt(2)) = 1 + sqrt(2); (3 + 2*sqrt(2))^(-1/2) = 1/(1 + sqrt(2))
            return canonical_pow(denested, Num(exponent.value.numerator))
    if _is_integer(exponent):
        if type(base) is Pow:  # (u^a)^n = u^(a*n) for integer n
            return canonical_pow(base.base, canonical_mul([base.exp, exponent]))
        if type(base) is Mul:  # (u*v)^n = u^n * v^n for integer n
            return canonical_mul([canonical_pow(f, exponent) for f in base.args])
        if type(base) is Func and base.name == "exp":  # exp(u)^n = exp(n*u) for integer n
            return canonical_function("exp", [canonical_mul([exponent, base.arguments[0]])])
    return Pow(base, exponent)


def denested_square_root(radicand: Expr) -> Expr | None:
    """sqrt(a + b*sqrt(c)) for rationals a > 0, b, c when a^2 - b^2*c = d^2 is a square: sqrt((a + d)/2) +
    sign(b)*sqrt((a - d)/2), as (sqrt(u) + sqrt(v))^2 = u + v + 2*sqrt(u*v) (u + v = a, 4*u*v = b^2*c); else
    None. a > 0 and a^2 >= b^2*c make the radicand and (a - d)/2 at least 0: the identity holds over the reals."""
    if len(radicand.args) != 2:
        return None
    a: Fraction | None = None
    b: Fraction | None = None
    c = 0
    for term in radicand.args:
        coefficient, rest = split_coefficient(term)
        if isinstance(coefficient, float):
            return None
        if rest is None:
            a = Fraction(coefficient)
        elif is_numeric_radical(rest) and cast(Pow, rest).exp is HALF:
            b, c = Fraction(coefficient), cast(int, cast(Num, cast(Pow, rest).base).value)
    if a is None or b is None or a <= 0:
        return None
    square = a * a - b * b * c
    if square < 0:
        return None
    top, bottom = math.isqrt(square.numerator), math.isqrt(square.denominator)
    if top * top != square.numerator or bottom * bottom != square.denominator:
        return None
    d = Fraction(top, bottom)
    return canonical_add([canonical_pow(Num((a + d) / 2), HALF),
                          canonical_mul([Num(1 if b > 0 else -1), canonical_pow(Num((a - d) / 2), HALF)])])


def _exact_root(n: int, q: int) -> int | None:
    """The integer q-th root of n >= 0 when it is exact, else None."""
    if n.bit_length() > _max_power_bits():
        return None
    if q >= n.bit_length():  # only 0 and 1 are q-th powers this small: do not try 2^q (fuzzing: 2^(33^10))
        return n if n in (0, 1) else None
    root = round(n ** (1.0 / q)) if n < 2 ** 1000 else math.isqrt(n) if q == 2 else None
    if root is None:
        return None
    for candidate in (root - 1, root, root + 1):
        if candidate >= 0 and candidate ** q == n:
            return candidate
    return None


def fold_numeric_power(base: Num | Float, exponent: Num | Float) -> Expr | None:
    """A number to a numeric power, as far as it stays exact and small; None to leave it as a power."""
    b, e = base.value, exponent.value
    if isinstance(b, float) or isinstance(e, float):
        if b < 0 and e != int(e) or b == 0 and e < 0:
            return None
        try:
            return Float(float(b) ** float(e))
        except OverflowError:
            return None
    if isinstance(e, int):
        b = Fraction(b)
        if b == 0:
            return Num(0) if e > 0 else None
        digits = abs(e) * max(math.log10(abs(b.numerator)), math.log10(b.denominator))
        return Num(b ** e) if digits < current_budget().max_digits else None  # 10^999 has 1000 digits
    if b <= 0:
        return None  # a negative base to a fractional power is complex on the principal branch
    b = Fraction(b)
    if b.denominator != 1:  # (n/d)^e = n^e * d^-e
        return canonical_mul([canonical_pow(Num(b.numerator), exponent),
                              canonical_pow(Num(b.denominator), Num(-e))])
    p, q = e.numerator, e.denominator
    root = _exact_root(b.numerator, q)
    if root is not None:
        return canonical_pow(Num(root), Num(p))
    whole = p // q  # 2^(5/2) = 2^2 * 2^(1/2)
    if whole:
        integer_part = canonical_pow(base, Num(whole))
        if type(integer_part) is not Num:  # too large to fold: splitting would only merge back (fuzzing: 5^(10^8/3))
            return None
        return canonical_mul([integer_part, canonical_pow(base, Num(Fraction(p - whole * q, q)))])
    root_of, power = perfect_power(b.numerator)  # 4^(1/4) = 2^(1/2), 32^(1/3) = 2^(5/3) = 2*2^(2/3)
    if power > 1:
        return canonical_pow(Num(root_of), Num(Fraction(power * p, q)))
    outside, inside = _split_perfect_power(b.numerator, q)  # 8^(1/2) = 2 * 2^(1/2)
    if outside != 1:
        return canonical_mul([Num(outside ** p), canonical_pow(Num(inside), exponent)])
    return None


def is_numeric_radical(node: Expr) -> bool:
    """n^(p/q) with a whole n > 1 and 0 < p/q < 1: the form fold_numeric_power leaves every real radical of a
    positive rational in (a negative radicand under an even root is not real, and stays as it is)."""
    return (type(node) is Pow and type(node.base) is Num and type(node.exp) is Num
            and type(node.base.value) is int and node.base.value > 1 and type(node.exp.value) is Fraction)


def _merged_radicals(factors: list[Expr]) -> tuple[Number, list[Expr]] | None:
    """The radicals of numbers among `factors` with the same root index merged into one, (whole part, factors):
    sqrt(2)*sqrt(5)*sqrt(10) -> (10, []), 2^(2/3)*3^(1/3) -> (1, [12^(1/3)]); None when there is nothing to
    merge. Different indices stay apart (sqrt(2)*3^(1/3), as SymPy writes it)."""
    if sum(map(is_numeric_radical, factors)) < 2:
        return None
    whole: Number = 1
    rest = [f for f in factors if not is_numeric_radical(f)]
    radicals = [cast(Pow, f) for f in factors if is_numeric_radical(f)]
    merged_any = False
    while True:  # a merged radical can fall to a lower index (2^(1/4)*18^(1/4) = 36^(1/4) = sqrt(6)): again
        by_index: dict[int, list[Pow]] = {}
        for r in radicals:
            by_index.setdefault(cast(Fraction, cast(Num, r.exp).value).denominator, []).append(r)
        index, group = next(((q, g) for q, g in by_index.items() if len(g) > 1 and _small_radicand(g)), (0, []))
        if not group:
            break
        merged_any = True
        # the radicand over a coprime basis of the radicands, so that a shared factor comes out whatever its size:
        # sqrt(1009*1013)*sqrt(1009) = 1009*sqrt(1013) (the primes below 1000 alone would miss it)
        exponents: dict[int, int] = {}
        for r in group:
            n, p = cast(int, cast(Num, r.base).value), cast(Fraction, cast(Num, r.exp).value).numerator
            for b in coprime_basis({cast(int, cast(Num, f.base).value) for f in group}):
                while n % b == 0:
                    n //= b
                    exponents[b] = exponents.get(b, 0) + p
        outside = math.prod(b ** (e // index) for b, e in exponents.items())
        radicand = math.prod(b ** (e % index) for b, e in exponents.items())
        radicals = [r for r in radicals if r not in group]
        whole = multiply(whole, outside)
        combined = canonical_pow(Num(radicand), Num(Fraction(1, index)))
        for f in (combined.args if type(combined) is Mul else (combined,)):
            if type(f) is Num:
                whole = multiply(whole, f.value)
            elif is_numeric_radical(f):
                radicals.append(cast(Pow, f))
            else:  # too large to fold (see fold_numeric_power): kept as it came
                rest.append(f)
    return (whole, rest + cast("list[Expr]", radicals)) if merged_any else None


def _small_radicand(group: list[Pow]) -> bool:
    """Whether the merged radicand of `group` stays within the budget's digits (7^(99/100)*5^(99/100) does not)."""
    bits = sum(cast(int, cast(Num, r.base).value).bit_length() * cast(Fraction, cast(Num, r.exp).value).numerator
               for r in group)
    return bits <= _max_power_bits()


def coprime_basis(numbers: Iterable[int]) -> list[int]:
    """Pairwise coprime numbers > 1 of which each of `numbers` (> 0) is a product of powers (a gcd-free basis):
    {12, 18} -> [2, 3]."""
    basis = sorted({n for n in numbers if n > 1})
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(basis):
            b = next((b for b in basis[i + 1:] if math.gcd(a, b) > 1), None)
            if b is not None:
                g = math.gcd(a, b)
                basis = sorted({n for n in basis if n not in (a, b)} | {n for n in (g, a // g, b // g) if n > 1})
                changed = True
                break
    return basis


@functools.lru_cache(maxsize=4096)
def perfect_power(n: int) -> tuple[int, int]:
    """(j, d) with n = j^d and d as large as it can be: 64 -> (2, 6), 12 -> (12, 1)."""
    for d in SMALL_PRIMES:
        if d >= n.bit_length():
            break
        root = _exact_root(n, d)
        if root is not None:
            j, k = perfect_power(root)
            return j, k * d
    return n, 1


SMALL_PRIMES = [n for n in range(2, 1000) if all(n % d for d in range(2, int(n ** 0.5) + 1))]


def _split_perfect_power(n: int, q: int) -> tuple[int, int]:
    """(k, m) with n = k^q * m, taking out the q-th powers of primes below 1000 (bounded work for any n)."""
    outside = 1
    if q >= n.bit_length():  # no prime's q-th power divides n: do not compute 2^q for a huge q
        return outside, n
    for prime in SMALL_PRIMES:
        if (prime.bit_length() - 1) * q > n.bit_length():
            break
        power = prime ** q
        if power > n:
            break
        while n % power == 0:
            n //= power
            outside *= prime
    return outside, n


# ---- functions ----------------------------------------------------------------------------------------

# ---- exact values of trigonometric functions at rational multiples of pi -----------------------------------

# sin(q*pi) for q in [0, 1/2] as (n, r), meaning n*sqrt(r)/2: 0, 1/2, sqrt(2)/2, sqrt(3)/2, 1.
_SIN_TABLE = {Fraction(0): (0, 1), Fraction(1, 6): (1, 1), Fraction(1, 4): (1, 2), Fraction(1, 3): (1, 3),
              Fraction(1, 2): (2, 1)}  # sin = numerator*sqrt(root)/2


def _pi_multiple(u: Expr) -> Fraction | None:
    """q for u = q*pi with a rational q (pi itself: 1), else None."""
    if u is PI:
        return Fraction(1)
    if type(u) is Mul and len(u.args) == 2 and u.args[1] is PI and type(u.args[0]) is Num:
        return Fraction(u.args[0].value)
    return None


def _exact_sin(q: Fraction) -> Expr | None:
    """sin(q*pi) exactly when q is a multiple of 1/4 or 1/6 (reduced by symmetry to [0, 1/2]), else None."""
    q = q % 2
    sign = 1
    if q > 1:
        q, sign = q - 1, -1
    if q > Fraction(1, 2):
        q = 1 - q
    entry = _SIN_TABLE.get(q)
    if entry is None:
        return None
    numerator, root = entry
    return canonical_mul([Num(Fraction(sign * numerator, 2)), canonical_pow(Num(root), HALF)])


def trig_value(name: str, u: Expr) -> Expr | None:
    """The exact value of sin, cos, tan, cot, sec or csc at a multiple of pi/4 or pi/6 (pi/3 -> sqrt(3)/2),
    None when there is none; UndefinedError at a pole (tan(pi/2))."""
    row = lookup(name, 1)
    q = _pi_multiple(u)
    if q is None or row is None or row.sin_cos is None:
        return None
    sin, cos = _exact_sin(q), _exact_sin(q + Fraction(1, 2))
    if sin is None or cos is None:
        return None
    top, bottom = (sin if part == "sin" else cos if part == "cos" else ONE for part in row.sin_cos)
    if bottom is ZERO:
        raise UndefinedError(f"{name}({u}) is undefined (a pole)", reason=Reason.POLE)
    return canonical_mul([top, canonical_pow(bottom, NEG_ONE)])


def canonical_function(name: str, arguments: Sequence[Expr]) -> Expr:
    row = lookup(name, len(arguments))
    if len(arguments) == 1 and row is not None:
        u = arguments[0]
        special = row.special.get(u)
        if special is not None:
            return special
        exact = trig_value(name, u)
        if exact is not None:
            return exact
        if row.is_pole((u,)):
            raise UndefinedError(f"{name}({u}) is undefined (a pole)", reason=Reason.POLE)
        if type(u) is Float:
            try:
                value = row.real(u.value)
                if math.isfinite(value):
                    return Float(value)
            except (ValueError, ZeroDivisionError, OverflowError):
                pass  # undefined over the reals here, or too large for a float: leave it be
        if type(u) is Num and row.rational is not None:
            return Num(row.rational(u.value))
        if name == "exp" and type(u) is Func and u.name == "log" and len(u.arguments) == 1:
            return u.arguments[0]  # exp(log(u)) = u wherever log(u) is defined
        if has_negative_sign(u) and row.parity is not None:
            positive = canonical_mul([NEG_ONE, u])
            at_positive = canonical_function(name, [positive])
            return at_positive if row.parity == "even" else canonical_mul([NEG_ONE, at_positive])
    if len(arguments) > 1 and row is not None and all(type(a) in NUMBERS for a in arguments):
        if any(type(a) is Float for a in arguments):  # floats are contagious, as for one argument
            try:
                value = row.real(*(cast("Num | Float", a).value for a in arguments))
                if math.isfinite(value):
                    return Float(value)
            except (ValueError, ZeroDivisionError, OverflowError):
                pass  # undefined over the reals here, or too large for a float: leave it be
        elif row.rational is not None:
            return Num(row.rational(*(cast("Num | Float", a).value for a in arguments)))  # max(1/2, 1/3) = 1/2
    if len(arguments) == 2 and row is not None and row.is_pole(tuple(arguments)):
        raise UndefinedError(f"{name}({', '.join(map(str, arguments))}) is undefined (a pole)", reason=Reason.POLE)
    if name == "log" and len(arguments) == 2:
        u, base = arguments
        if base is E:
            return canonical_function("log", [u])
        if u is ONE:
            return ZERO
        if u is base:
            return ONE
    return Func(name, *arguments)

