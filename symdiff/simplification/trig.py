"""Trigonometric and hyperbolic forms: an expression rewritten in one basis, simplified there, written back.

Every tan, cot, sec, csc (tanh, coth, sech, csch) is written as a quotient of sin and cos (sinh and cosh) of its
angle, multiples of one angle as polynomials in its sin and cos (symdiff.simplification.rational), and
exponentials exp(k*a) beside exp(-m*a) or a hyperbolic function of a as (cosh(a) +- sinh(a))^|k|. The result is
one quotient P/Q of polynomials over FLINT. P and Q are reduced modulo s^2 + c^2 - 1 (c^2 - s^2 - 1) of each
angle: the relations of distinct angles have coprime leading terms, so they are already a Groebner basis and the
reduction is a normal form; it is taken once eliminating c^2 and once s^2, and the quotient cancelled by the gcd
(and, for a small denominator A + c*B, also times its conjugate A - c*B: 1/(sec(x) - tan(x)) is sec(x) + tan(x)).
It is written back as candidates in the user's functions: sin and cos (the simplifier's rules then find tan and
the squares), each term over the denominator's monomial as the shortest product of sin, cos, tan, cot, sec, csc
(sec(x)^2, not 1/cos(x)^2), in double angles (1 - 2*sin(x)^2 is cos(2*x)), and for the hyperbolic functions as
exponentials (cosh(x) + sinh(x) is exp(x)). The simplifier chooses by its cost.

Never wrong: a candidate is kept only if each irreducible factor of each of its denominators, in the basis
(with the cos under every tan and sec, the sin under every cot and csc), divides one of the input's or one of
their reductions (so it vanishes only where the input is undefined), or can never be zero (2 + sin(x), cosh(x)).
cos(x)/(1 - sin(x)) is not sec(x) + tan(x): that is undefined at x = -pi/2, where the input is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from math import gcd
from typing import TYPE_CHECKING, NamedTuple, TypeAlias

from ..core.errors import TooLarge
from ..core.expr import NEG_ONE, ONE, Add, Expr, Func, Mul, Num, Pow, Sym
from ..core.order import sort_key
from ..functions import lookup, rows
from ..printing.text import to_text
from .canonical import canonical_add, canonical_function, canonical_mul, canonical_pow
from .rational import (MAX_FACTOR_TERMS, RationalForm, WrittenMemo, generators_of, multiple_angles,
                       rational_candidates)

if TYPE_CHECKING:
    from flint import fmpq, fmpq_mpoly

# Inputs printing longer than this are not tried (the basis form of a long sum grows fast).
MAX_TEXT = 300
# Numerators with more terms than this are not written term by term in the six functions.
MAX_WRITTEN_TERMS = 24
# Quotients of higher degree are not written as exponentials.
MAX_EXPONENTIAL_DEGREE = 12
# Numerators with more terms than this are not tried in double angles (few such collapse).
MAX_DOUBLE_TERMS = 6
# At most this many candidates, the shortest, are checked and returned (each is rewritten by the simplifier).
MAX_CANDIDATES = 4
# Denominators with more terms than this are not multiplied by their conjugate.
MAX_CONJUGATE_TERMS = 6
# No basis polynomial may have more terms than this.
MAX_BASIS_TERMS = 400

# Exponents of a monomial: generator index -> power (negative in a denominator).
_Exponents: TypeAlias = "dict[int, int]"

# The families with an addition theorem, from the registry: odd function -> (even partner, sign), the sign of
# s^2 in c^2 = 1 + sign*s^2 (sin: cos^2 = 1 - sin^2; sinh: cosh^2 = 1 + sinh^2).
_FAMILIES = {row.name: row.addition for row in rows() if row.addition is not None}
# The circular row that is its own numerator (sin): its sin_cos names the parts "sin" and "cos".
_SINE = next(row for row in rows() if row.sin_cos is not None and row.sin_cos[0] == row.name and row.addition)


def _quotients() -> dict[str, tuple[str, str, str]]:
    """name -> (family's odd function, numerator, denominator), the parts "odd", "even" or "one": from the
    registry's sin_cos forms; a hyperbolic function is named as its circular one with a suffix ("h"), and its
    quotient is the same in sinh and cosh (tanh = sinh/cosh, csch = 1/sinh)."""
    even_name = _FAMILIES[_SINE.name][0]
    found = {}
    for odd in _FAMILIES:
        if not odd.startswith(_SINE.name):
            continue
        suffix = odd[len(_SINE.name):]
        for row in rows():
            if row.sin_cos is not None and lookup(row.name + suffix, 1) is not None:
                top, bottom = ("odd" if p == _SINE.name else "even" if p == even_name else "one" for p in row.sin_cos)
                found[row.name + suffix] = (odd, top, bottom)
    return found


_QUOTIENTS = _quotients()
TRIG_FUNCTIONS = frozenset(_QUOTIENTS)
_HYPERBOLIC = next(odd for odd, (_, sign) in _FAMILIES.items() if sign == 1)  # sinh: exponentials go to it
_EXP = "exp"
# The functions whose presence makes a node worth trying here (exponentials: exp(x) - exp(-x) is 2*sinh(x)).
TRIG_TRIGGERS = TRIG_FUNCTIONS | {_EXP}


class _Family(NamedTuple):
    odd: int      # index of sin(a) (sinh(a)) among the generators
    even: int     # index of cos(a) (cosh(a))
    sign: int     # c^2 = 1 + sign*s^2
    name: str     # the odd function's name
    angle: Expr


def _split_multiple(u: Expr) -> tuple[int, Expr]:
    """(k, a) with u = k*a, k a whole number (1 if there is none)."""
    if type(u) is Mul and type(u.args[0]) is Num and type(u.args[0].value) is int:
        return u.args[0].value, canonical_mul(list(u.args[1:]))
    return 1, u


def _skeleton(node: Expr) -> Iterable[Expr]:
    """Every node of the rational skeleton of `node`: sums, products, integer powers and their parts, down to
    the first node that is none of these (a function application is not entered)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if type(n) in (Add, Mul):
            stack.extend(n.args)
        elif type(n) is Pow and type(n.exp) is Num and isinstance(n.exp.value, int):
            stack.append(n.base)


def _skeleton_functions(node: Expr) -> Iterable[Func]:
    """The function applications in the rational skeleton of `node` (not inside other functions)."""
    return (n for n in _skeleton(node) if type(n) is Func)


def _worth_trying(node: Expr) -> bool:
    """Whether some term of the skeleton has an angle's sin and cos at least twice, counted with their powers
    (sin(x)^2, sin(x)*cos(x), tan(x) = sin(x)/cos(x)) and once more in a denominator (1/csc(x)): an identity
    needs two. x^2*cos(x) + 2*x*sin(x), linear in each, has nothing to gain. (Hyperbolic functions are counted
    over the whole sum: sinh(x) + cosh(x) is exp(x).)"""
    return any(k >= 2 for k in _angle_degrees(node).values())


def _angle_degrees(node: Expr) -> dict[tuple[Expr, bool], int]:
    """{(angle, hyperbolic): the largest number of its sin and cos in a term}: a sum takes the largest of its
    terms (hyperbolic: their total), a product adds its factors', a power multiplies."""
    if type(node) is Add or type(node) is Mul:
        found: dict[tuple[Expr, bool], int] = {}
        for part in map(_angle_degrees, node.args):
            for a, k in part.items():
                found[a] = max(found.get(a, 0), k) if type(node) is Add and not a[1] else found.get(a, 0) + k
        return found
    if type(node) is Pow and type(node.exp) is Num and isinstance(node.exp.value, int):
        n = node.exp.value
        return {a: k * abs(n) + (n < 0) for a, k in _angle_degrees(node.base).items()}  # 1/csc(x) is sin(x)
    if type(node) is Func and node.name in _QUOTIENTS and len(node.arguments) == 1:
        odd, top, bottom = _QUOTIENTS[node.name]
        return {(_split_multiple(node.arguments[0])[1], odd == _HYPERBOLIC): (top != "one") + (bottom != "one")}
    return {}


def _exponential_angles(node: Expr) -> dict[Expr, int]:
    """{a: g} for the exp(k*a) that meet exp(-m*a) or a hyperbolic function of a, g the gcd of the multiples:
    they are written in sinh(g*a) and cosh(g*a) (exp(3*x) + exp(-3*x) is 2*cosh(3*x))."""
    multiples: dict[Expr, set[int]] = {}
    hyperbolic: dict[Expr, set[int]] = {}
    for f in _skeleton_functions(node):
        if len(f.arguments) != 1:
            continue
        k, a = _split_multiple(f.arguments[0])
        if f.name == _EXP:
            multiples.setdefault(a, set()).add(k)
        elif f.name in _QUOTIENTS and _QUOTIENTS[f.name][0] == _HYPERBOLIC:
            hyperbolic.setdefault(a, set()).add(k)
    return {a: gcd(*ks, *hyperbolic.get(a, ())) for a, ks in multiples.items()
            if a in hyperbolic or min(ks) < 0 < max(ks)}


def _to_basis(node: Expr, exponential: dict[Expr, int]) -> Expr:
    """`node` with its skeleton's trig and hyperbolic functions as quotients of sin and cos (sinh, cosh), and
    exp(k*a) for {a: g} in `exponential` as (cosh(g*a) + sinh(g*a))^(k/g), or (cosh(g*a) - sinh(g*a))^(-k/g)."""
    if type(node) in (Add, Mul):
        parts = [_to_basis(a, exponential) for a in node.args]
        return canonical_add(parts) if type(node) is Add else canonical_mul(parts)
    if type(node) is Pow and type(node.exp) is Num and isinstance(node.exp.value, int):
        return canonical_pow(_to_basis(node.base, exponential), node.exp)
    if type(node) is not Func or len(node.arguments) != 1:
        return node
    u = node.arguments[0]
    if node.name == _EXP and exponential:
        k, a = _split_multiple(u)
        g = exponential.get(a)
        if g is not None:
            # exp(b) = cosh(b) + sinh(b) and exp(-b) = cosh(b) - sinh(b): no quotient to cancel
            b = canonical_mul([Num(g), a])
            sinh, cosh = Func(_HYPERBOLIC, b), Func(_FAMILIES[_HYPERBOLIC][0], b)
            sign = ONE if k > 0 else NEG_ONE
            return canonical_pow(canonical_add([cosh, canonical_mul([sign, sinh])]), Num(abs(k) // g))
        return node
    spec = _QUOTIENTS.get(node.name)
    if spec is None:
        return node
    odd, top, bottom = spec
    part = {"odd": Func(odd, u), "even": Func(_FAMILIES[odd][0], u), "one": ONE}
    return canonical_mul([part[top], canonical_pow(part[bottom], NEG_ONE)])


def trig_candidates(node: Expr, cost: Callable[[Expr], int], memo: WrittenMemo | None = None) -> list[Expr]:
    """Forms of `node` (canonical, with trig or hyperbolic functions) found in the sin/cos basis, each defined
    wherever `node` is; [] when there is nothing to do or it is too large. `cost`: the simplifier's; `memo`: its
    polynomials written back (see rational_candidates)."""
    budget = cost(node)
    if budget > MAX_TEXT:
        return []
    exponential = _exponential_angles(node)
    if not exponential and not _worth_trying(node):
        return []
    basis = _to_basis(node, exponential)
    generators: dict[Expr, None] = {}
    try:
        generators_of(basis, generators)
    except TooLarge:
        return []
    multiples = multiple_angles(generators)
    # Each angle's sin and cos are both variables (sin(x)^4 - 2*sin(x)^2 + 1 is cos(x)^4), also of the input's
    # functions that the basis form lost (sec(x)*cos(x) is 1, where cos(x) != 0).
    for g in [*generators, *_skeleton_functions(node)]:
        if type(g) is Func and len(g.arguments) == 1 and g.name in _QUOTIENTS:
            odd = _QUOTIENTS[g.name][0]
            pair = [Func(name, g.arguments[0]) for name in (odd, _FAMILIES[odd][0])]
            if not any(f in multiples for f in pair):  # (an expanded multiple angle is in its angle's variables)
                generators.update(dict.fromkeys(pair))
    form = RationalForm(sorted(generators, key=sort_key), multiples, written=memo)
    form.term_limit = min(form.term_limit, MAX_BASIS_TERMS)
    families = [_Family(form.index[g], form.index[Func(even, g.arguments[0])], sign, g.name, g.arguments[0])
                for g in form.generators if type(g) is Func and g.name in _FAMILIES
                for even, sign in [_FAMILIES[g.name]]]
    if not families:
        return []
    try:
        numerator, denominator = form.quotient(basis, {})
        found: list[Expr] = [basis]
        written: list[tuple[fmpq_mpoly, fmpq_mpoly]] = []
        allowed = [r for d in _denominators(form, node, exponential)
                   for r in [d] + [_reduced(form, d, families, e) for e in (False, True)]]
        for eliminate_odd in (False, True):
            p, q = (_reduced(form, x, families, eliminate_odd) for x in (numerator, denominator))
            if q.is_zero():
                return []  # undefined everywhere (1/(sin(x)^2 + cos(x)^2 - 1)): the canonical form says so
            quotients = [_cancelled(p, q)]
            conjugate = _conjugate(form, quotients[0][1], families, eliminate_odd)
            if conjugate is not None:  # 1/(1 - sin(x)) = (1 + sin(x))/cos(x)^2, then sec(x)^2 + tan(x)*sec(x)
                p, q = (_reduced(form, form.times(x, conjugate), families, eliminate_odd) for x in quotients[0])
                quotients.append(_cancelled(p, q))
            for p, q in quotients:
                if (p, q) not in written:  # (both eliminations often give the same)
                    written.append((p, q))
                    found += _written(form, p, q, families, cost, budget)
    except (TooLarge, KeyError):  # too large; or a denominator in a generator the basis does not have
        return []
    # exponentials of the hyperbolic angles are in the basis for the check (exp(x) is cosh(x) + sinh(x))
    angles = {a: g for g, a in (_split_multiple(f.angle) for f in families if f.name == _HYPERBOLIC)}
    kept: list[Expr] = []
    for candidate in sorted(dict.fromkeys(found), key=cost):
        if len(kept) == MAX_CANDIDATES:
            break
        if _defined_where(form, candidate, allowed, angles):
            kept.append(candidate)
    return kept


def _cancelled(p: fmpq_mpoly, q: fmpq_mpoly) -> tuple[fmpq_mpoly, fmpq_mpoly]:
    """P/Q with their gcd cancelled and Q's leading coefficient 1."""
    common = p.gcd(q)
    if not common.is_one():
        p, q = p / common, q / common
    scale = q.leading_coefficient()
    return p / scale, q / scale


def _conjugate(form: RationalForm, q: fmpq_mpoly, families: list[_Family], eliminate_odd: bool) -> fmpq_mpoly | None:
    """A - v*B for a denominator A + v*B of degree 1 in the eliminated one, v, of a single angle's pair: their
    product A^2 - v^2*B^2 reduces to a polynomial without v (1 - sin(x) times 1 + sin(x) is cos(x)^2). None for
    a larger denominator or more angles, or where there is no v."""
    if len(families) != 1 or not 1 < len(q) <= MAX_CONJUGATE_TERMS:
        return None
    i = families[0].odd if eliminate_odd else families[0].even
    a: dict[tuple[int, ...], fmpq] = {}
    b: dict[tuple[int, ...], fmpq] = {}
    for exponents, coefficient in q.terms():
        e = list(map(int, exponents))
        (b if e[i] else a)[tuple(e)] = coefficient
    if not a or not b:
        return None
    return form.context.from_dict(a) - form.context.from_dict(b)


def _reduced(form: RationalForm, polynomial: fmpq_mpoly, families: list[_Family],
             eliminate_odd: bool) -> fmpq_mpoly:
    """`polynomial` with every c^k (k >= 2) as c^(k mod 2)*(1 + sign*s^2)^(k div 2) for each family, or with
    `eliminate_odd` every s^k by (sign*(c^2 - 1))^(k div 2): an identity, of degree at most 1 in the one eliminated."""
    for family in families:
        s, c = form.variables[family.odd], form.variables[family.even]
        i, square = (family.odd, family.sign * (c * c - form.one)) if eliminate_odd \
            else (family.even, form.one + family.sign * s * s)
        result = form.zero
        for exponents, coefficient in polynomial.terms():
            k = int(exponents[i])
            rest = list(map(int, exponents))
            rest[i] = k % 2
            term = form.context.from_dict({tuple(rest): coefficient})
            result += form.times(term, form.power(square, k // 2)) if k >= 2 else term
            if len(result) > form.term_limit:
                raise TooLarge("the reduced form grows past any use")
        polynomial = result
    return polynomial


# ---- written back ---------------------------------------------------------------------------------------------

def _written(form: RationalForm, p: fmpq_mpoly, q: fmpq_mpoly, families: list[_Family],
             cost: Callable[[Expr], int], budget: int) -> list[Expr]:
    """P/Q written back: in sin and cos (expanded, common factor out, factored), with each term over the
    denominator's monomial part as a product of the six functions, and (hyperbolic) as exponentials."""
    # A numerator of n terms prints in at least 4n - 3 characters (rational_candidates): written out, one that
    # cannot beat the input is not built; factored, it may still.
    tops = [[form.to_expr(p)]] if 4 * len(p) - 3 < budget else []
    if 1 < len(p) and 4 * len(p) - 3 < budget:
        tops.append(form.common_factored(p))
    if 2 < len(p) <= MAX_FACTOR_TERMS:
        tops.append(form.factored(p))
    bottom = [canonical_pow(b, NEG_ONE) for b in form.factored(q)] if not q.is_one() else []
    found = [canonical_mul(top + bottom) for top in tops]
    # The denominator's monomial part M in sin and cos goes into the terms: Q = M*R. (Other generators stay in
    # the denominator: (x*cos(x) - sin(x))/x^2 as a textbook writes it, not cos(x)/x - sin(x)/x^2.)
    content, monomial = form.common_factor(q)
    in_basis = {f.odd for f in families} | {f.even for f in families}
    m = {i: k for i, k in _exponents(monomial).items() if i in in_basis}
    rest = q / form.context.from_dict({tuple(m.get(i, 0) for i in range(len(form.variables))): 1}) \
        / form.constant(content)
    over_rest = [canonical_pow(b, NEG_ONE) for b in form.factored(rest)] if not rest.is_one() else []
    if m and 4 * len(p) - 3 < budget and len(p) <= MAX_WRITTEN_TERMS:
        scale = Fraction(1) / Fraction(content)
        terms = [(Fraction(int(c.p), int(c.q)) * scale, _exponents_of(e)) for e, c in p.terms()]
        found.append(canonical_mul([_sum_of(form, terms, m, families)] + over_rest))
        if len(terms) > 1:  # the numerator's common monomial outside, or with M: sin(x)*(sec(x)^2 + 1)
            common = {i: min(t.get(i, 0) for _, t in terms) for i in set().union(*(t for _, t in terms))}
            inner = [(c, _minus(t, common)) for c, t in terms]
            found.append(canonical_mul([_monomial(form, Fraction(1), _minus(common, m), families),
                                        _sum_of(form, inner, {}, families)] + over_rest))
            found.append(canonical_mul([_monomial(form, Fraction(1), common, families),
                                        _sum_of(form, inner, m, families)] + over_rest))
    if any(f.name == _HYPERBOLIC for f in families):
        found += _exponentials(form, p, q, families)
    double = _double_angles(form, p, families, cost) if len(p) > 1 else None
    if double is not None:
        found.append(canonical_mul([double] + bottom))
    return found


def _double_angles(form: RationalForm, p: fmpq_mpoly, families: list[_Family],
                   cost: Callable[[Expr], int]) -> Expr | None:
    """P in sin(2a) and cos(2a), when each term has an even degree in each angle's sin and cos: 1 - 2*sin(x)^2 is
    cos(2*x), and so is cos(x)^4 - sin(x)^4 (s^2 = (1 - C)/2, c^2 = (1 + C)/2, s*c = S/2; for sinh, cosh:
    s^2 = (C - 1)/2). None when there is no such form."""
    if len(p) > MAX_DOUBLE_TERMS:
        return None
    half = Num(Fraction(1, 2))
    terms, changed = [], False
    for exponents, coefficient in p.terms():
        e = list(map(int, exponents))
        factors: list[Expr] = [Num(Fraction(int(coefficient.p), int(coefficient.q)))]
        for f in families:
            i, j = e[f.odd], e[f.even]
            if (i + j) % 2:
                return None
            e[f.odd] = e[f.even] = 0
            if i == j == 0:
                continue
            changed = True
            angle = canonical_mul([Num(2), f.angle])
            sine, cosine = Func(f.name, angle), Func(_FAMILIES[f.name][0], angle)
            odd_square = canonical_mul([half, canonical_add([Num(-f.sign), canonical_mul([Num(f.sign), cosine])])])
            even_square = canonical_mul([half, canonical_add([ONE, cosine])])
            k = i % 2  # s*c = S/2 when both powers are odd
            factors += [canonical_pow(canonical_mul([half, sine]), Num(k)),
                        canonical_pow(odd_square, Num((i - k) // 2)), canonical_pow(even_square, Num((j - k) // 2))]
        factors += [canonical_pow(form.generators[g], Num(k)) for g, k in enumerate(e) if k]
        terms.append(canonical_mul(factors))
    if not changed:
        return None
    numerator = canonical_add(terms)
    return min([numerator, *rational_candidates(numerator, cost(numerator))], key=cost)


def _exponents(polynomial: fmpq_mpoly) -> _Exponents:
    (exponents, _), = polynomial.terms()
    return _exponents_of(exponents)


def _exponents_of(exponents: Iterable[int]) -> _Exponents:
    return {i: int(k) for i, k in enumerate(exponents) if k}


def _minus(a: _Exponents, b: _Exponents) -> _Exponents:
    keys = set(a) | set(b)
    return {i: a.get(i, 0) - b.get(i, 0) for i in keys if a.get(i, 0) != b.get(i, 0)}


def _sum_of(form: RationalForm, terms: list[tuple[Fraction, _Exponents]], over: _Exponents,
            families: list[_Family]) -> Expr:
    return canonical_add([_monomial(form, c, _minus(t, over), families) for c, t in terms])


def _monomial(form: RationalForm, coefficient: Fraction, exponents: _Exponents, families: list[_Family]) -> Expr:
    """coefficient * the generators to these powers, each family's s^i*c^j as its shortest product of two of
    the six functions (s/c^2: tan(x)*sec(x); 1/c^2: sec(x)^2)."""
    factors: list[Expr] = [Num(coefficient)]
    used = set()
    for family in families:
        i, j = exponents.get(family.odd, 0), exponents.get(family.even, 0)
        used |= {family.odd, family.even}
        if i or j:
            factors.append(_power_product(family, i, j))
    factors += [canonical_pow(form.generators[g], Num(k)) for g, k in exponents.items() if g not in used]
    return canonical_mul(factors)


def _power_product(family: _Family, i: int, j: int) -> Expr:
    """s^i*c^j as f^m*g^n for f, g among the family's six functions, the shortest (s/c^2: tan(x)*sec(x))."""
    return canonical_mul([canonical_pow(Func(f, family.angle), Num(m)) for f, m in _power_choice(family.name, i, j)])


@lru_cache(maxsize=1024)
def _power_choice(odd: str, i: int, j: int) -> tuple[tuple[str, int], ...]:
    """The functions and powers of _power_product, chosen once per (family, i, j): fewest functions (the angle is
    printed in each), then the shortest text on a one-letter angle, then fewest quotients (sec(a)*csc(a), not
    csc(a)/cos(a)). A pure function of its arguments, so its cache is safe to share."""
    even = _FAMILIES[odd][0]
    if i >= 0 and j >= 0:  # no quotient: sin(a)^i*cos(a)^j is the shortest
        return (odd, i), (even, j)
    vectors = [(name, _VECTORS[top, bottom]) for name, (family, top, bottom) in _QUOTIENTS.items() if family == odd]
    angle = Sym("a")
    best: tuple[tuple[int, int, int], tuple[tuple[str, int], ...]] | None = None
    for (f, (a, b)), (g, (c, d)) in combinations(vectors, 2):
        det = a * d - b * c
        if det == 0:
            continue
        m, n = Fraction(i * d - j * c, det), Fraction(a * j - b * i, det)
        if m.denominator != 1 or n.denominator != 1:
            continue
        choice = ((f, int(m)), (g, int(n)))
        text = to_text(canonical_mul([canonical_pow(Func(h, angle), Num(k)) for h, k in choice]))
        key = ((m != 0) + (n != 0), len(text), (m < 0) + (n < 0))
        if best is None or key < best[0]:
            best = key, choice
    assert best is not None  # sin and cos alone give every s^i*c^j
    return best[1]


# (exponent of s, exponent of c) in the quotient's numerator and denominator parts
_VECTORS = {("odd", "one"): (1, 0), ("even", "one"): (0, 1), ("odd", "even"): (1, -1), ("even", "odd"): (-1, 1),
            ("one", "even"): (0, -1), ("one", "odd"): (-1, 0)}


def _exponentials(form: RationalForm, p: fmpq_mpoly, q: fmpq_mpoly, families: list[_Family]) -> list[Expr]:
    """P/Q with sinh(a) = (E - 1/E)/2, cosh(a) = (E + 1/E)/2, E = exp(a): when the denominator becomes one term,
    each term of the numerator over it as an exponential (sinh(x) + cosh(x) is exp(x))."""
    if len(p) + len(q) > MAX_WRITTEN_TERMS or max(p.total_degree(), q.total_degree()) > MAX_EXPONENTIAL_DEGREE:
        return []  # (the substitution multiplies the terms: a term of degree d becomes up to d + 1)
    form.clock.check()
    hyperbolic = [f for f in families if f.name == _HYPERBOLIC]
    # a variable of the basis stands for E and the partner for 1/E; E*(1/E) pairs cancel term by term
    images = list(form.variables)
    half = form.constant(Fraction(1, 2))
    for f in hyperbolic:
        e, inverse = form.variables[f.odd], form.variables[f.even]
        images[f.odd], images[f.even] = half * (e - inverse), half * (e + inverse)
    try:
        top, bottom = (_cancel_inverse(form, x.compose(*images), hyperbolic) for x in (p, q))
    except TooLarge:
        return []
    if len(bottom) != 1:
        return []
    (b_exponents, b_coefficient), = bottom.terms()
    scale = Fraction(int(b_coefficient.p), int(b_coefficient.q))
    terms = []
    for exponents, coefficient in top.terms():
        k = _minus(_exponents_of(exponents), _exponents_of(b_exponents))
        factors: list[Expr] = [Num(Fraction(int(coefficient.p), int(coefficient.q)) / scale)]
        for f in hyperbolic:
            power = k.pop(f.odd, 0) - k.pop(f.even, 0)
            if power:
                factors.append(canonical_function(_EXP, [canonical_mul([Num(power), f.angle])]))
        factors += [canonical_pow(form.generators[g], Num(n)) for g, n in k.items()]
        terms.append(canonical_mul(factors))
    return [canonical_add(terms)]


def _cancel_inverse(form: RationalForm, polynomial: fmpq_mpoly, hyperbolic: list[_Family]) -> fmpq_mpoly:
    if len(polynomial) > form.term_limit:
        raise TooLarge("too many terms")
    result: dict[tuple[int, ...], fmpq] = {}
    for exponents, coefficient in polynomial.terms():
        e = list(map(int, exponents))
        for f in hyperbolic:
            both = min(e[f.odd], e[f.even])
            e[f.odd] -= both
            e[f.even] -= both
        key = tuple(e)
        result[key] = result[key] + coefficient if key in result else coefficient
    return form.context.from_dict({k: v for k, v in result.items() if v != 0})


# ---- never wrong -----------------------------------------------------------------------------------------------

def _denominators(form: RationalForm, node: Expr, exponential: dict[Expr, int]) -> list[fmpq_mpoly]:
    """Polynomials in the basis that vanish wherever `node` is undefined (at least): every denominator of its
    skeleton, and the cos (sin) under each tan and sec (cot and csc), none cancelled (cos(x)*tan(x) still
    needs cos(x) != 0, though its basis form sin(x) does not)."""
    found = []
    for n in _skeleton(node):
        if type(n) is Pow and type(n.exp) is Num and isinstance(n.exp.value, int) and n.exp.value < 0:
            # the power, not the base: sin(x)^2 reduces to 1 - cos(x)^2, which cos(x) + 1 divides
            found.append(form.power(form.quotient(_to_basis(n.base, exponential), {})[0], -n.exp.value))
        elif type(n) is Func and n.name in _QUOTIENTS and len(n.arguments) == 1:
            odd, _, bottom = _QUOTIENTS[n.name]
            if bottom != "one":
                part = Func(odd if bottom == "odd" else _FAMILIES[odd][0], n.arguments[0])
                found.append(form.quotient(part, {})[0])
    return found


def _defined_where(form: RationalForm, candidate: Expr, allowed: list[fmpq_mpoly],
                   exponential: dict[Expr, int]) -> bool:
    """Whether `candidate` is defined wherever the input is: each irreducible factor of each of its denominators
    divides one of the `allowed` forms of the input's denominators, or is never zero."""
    try:
        denominators = _denominators(form, candidate, exponential)
    except (TooLarge, KeyError):  # a generator the input does not have: not ours to judge
        return False
    for denominator in denominators:
        if denominator.is_constant():
            continue
        if len(denominator) > MAX_FACTOR_TERMS:
            return False
        form.clock.check()
        try:
            _, factors = denominator.factor()
        except RuntimeError:  # FLINT gives up on some (see RationalForm.factored): nothing proved
            return False
        if not all(any(divmod(a, f)[1].is_zero() for a in allowed) or _never_zero(form, f) for f, _ in factors):
            return False
    return True


def _never_zero(form: RationalForm, polynomial: fmpq_mpoly) -> bool:
    """Whether `polynomial` is nonzero at every real point: its constant term outweighs the terms in sin and cos
    alone (each at most 1 in size), and every other term is positive (even powers, or cosh)."""
    bounded, positive = set(), set()
    for g, i in form.index.items():
        if type(g) is Func and g.name in _FAMILIES and _FAMILIES[g.name][1] < 0:
            bounded |= {i, form.index[Func(_FAMILIES[g.name][0], g.arguments[0])]}
        elif type(g) is Func and g.name in _FAMILIES:
            positive.add(form.index[Func(_FAMILIES[g.name][0], g.arguments[0])])
    for sign in (1, -1):
        constant, weight, ok = Fraction(0), Fraction(0), True
        for exponents, coefficient in polynomial.terms():
            value = sign * Fraction(int(coefficient.p), int(coefficient.q))
            used = {i: int(k) for i, k in enumerate(exponents) if k}
            if not used:
                constant = value
            elif all(i in bounded for i in used):
                weight += abs(value)
            elif not (value > 0 and all(k % 2 == 0 or i in positive for i, k in used.items())):
                ok = False
                break
        if ok and constant > weight:
            return True
    return False
