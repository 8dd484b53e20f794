"""Taylor polynomials: f(a + h) to a given order, exact, by propagating truncated power series through the
expression once.

Why not differentiate n times and evaluate: every derivative must be built and simplified (the 12th of
exp(sin(x))*x^2/(1 + x^2) prints in 8,000 characters; the 12 of them take symdiff a second), while its Taylor
coefficients at 0 are 13 rationals (2 ms here). Every part of the expression (a shared part once: nodes are
interned) gets the power series of its value along x_i = a_i + t*h_i, computed coefficient by coefficient, all
parts in lock step, from the coefficients of their children:

    numbers, constants, parameters   [c, 0, 0, ...]
    a variable x_i                   [a_i, h_i, 0, ...]      (h = 1 with one variable)
    sums, products                   termwise; Cauchy products
    u^r, r constant                  J.C.P. Miller's recurrence (u0 != 0), or products for a whole r (u0 = 0)
    u^v, v varying                   exp(v*log(u))
    f(u, ...), any registry function w' = f_u(u, ...)*u' + ...: w_k = (1/k) sum_j j*u_j*(f_u)_(k-j)

The last rule is the ODE of the function, read from the registry's own partial derivatives: f_u(u) is an
expression whose series the same machinery computes, and it only needs coefficients below k. So exp (f_u = exp(u)
itself), sin and cos (each the other's), tan (1 + tan(u)^2), log (1/u), atan, erf, gamma (digamma, then
polygamma(1, u), ...), abs (sign), floor (0), undefined functions (f'(u)) all follow one rule, each in O(n^2)
operations on coefficients, with no derivative ever built.

Coefficients are exact: polynomials over the rationals in "generators" (parameters, pi, sqrt(2), exp(sqrt(2)/2),
log(2), the h_i) with roots reduced (sqrt(2)^2 = 2) and negative powers allowed (1/a), a rational number alone
being a plain Fraction, so that the common case (a rational centre, no parameters) is rational arithmetic. Each
coefficient is then simplified.

Where the expression has no Taylor polynomial at the centre, an error names the part: no value (log(x) at 0,
UndefinedPointError with Reason.POLE; 1/x at 0, DIVISION_BY_ZERO; sqrt(x) at -1, NOT_REAL), or a value but no
derivative (abs(x) at 0, sqrt(x) at 0, floor(x) at 1, asin(x) at 1: EvaluationError with
Reason.NOT_DIFFERENTIABLE; order 0 asks for the value only and does not fail there). As for symdiff.evaluate,
parts are taken as written: x/x and sin(x)/x are undefined at 0. Parameters (symbols without a centre) are
taken to be generic: nonzero, and positive where a root or logarithm needs it, as SymPy takes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any, TypeAlias

from ..core import budget
from ..core.budget import Clock
from ..core.build import Number, add, div, has_negative_sign, mul, neg, number, power, sub, substitute
from ..core.display import Displayed
from ..core.errors import (BudgetError, DifferentiationError, EvaluationError, Reason, SymdiffError, UndefinedError,
                           UndefinedPointError, UsageError, format_point)
from ..core.expr import E, NEG_ONE, ZERO, Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import children, parents_first
from ..functions import ARGUMENT_NAMES, lookup
from ..parsing.inputs import as_expr, as_point
from ..parsing.parser import parse_internal
from ..printing.latex import LatexPrinter
from ..printing.text import TextPrinter
from ..simplification.canonical import Canonicalizer, canonical_add, canonical_function, canonical_mul, canonical_pow
from ..simplification.simplifier import simplify, simplify_all
from .derivatives import simplification_level
from .partials import argument_partials

__all__ = ["TaylorPolynomial", "TaylorSteps", "taylor_polynomial"]

# u^v for a varying exponent v, in the functions whose series the other rules give.
POWER_AS_EXP = parse_internal("exp(v*log(u))")
# A float within this (relative) distance of 0 is decided exactly, by simplifying; failing that, refused.
ZERO_TOLERANCE = 1e-9


# ---- the result -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class TaylorPolynomial(Displayed):
    """The Taylor polynomial of `expr` of total degree <= `order` at `center` (name -> exact value).

    `monomials[k]` are the monomials of degree k, each a simplified coefficient times powers of x_i - a_i, left
    unexpanded (12*(x - 2), not 12*x - 24); `terms[k]` their sum, the homogeneous part of degree k (0 where there
    is none); `polynomial` the sum of all, in ascending degree (as an expression, a lone x - 1 merges into the
    sum; text() and latex() keep it in parentheses). `remainder` is the order of what is left out, as text: O(x^6)
    at 0, O((x - 1)^6) at 1, and for several variables the norm of the displacement, O(|(x - 1, y)|^4): the
    polynomial is f(a + h) up to total degree `order` in h, the rest O(|h|^(order + 1))."""

    expr: Expr
    center: Mapping[str, Expr] = field(hash=False)
    order: int
    monomials: tuple[tuple[Expr, ...], ...]
    terms: tuple[Expr, ...]
    polynomial: Expr
    remainder: str

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.center)

    def text(self) -> str:
        """Ascending degree, then the remainder: 1 + x + x^2/2 - x^4/8 + O(x^5), 1 + 2*(x - 1) + O((x - 1)^2)."""
        return _sum_text([m for degree in self.monomials for m in degree], TextPrinter(), self.remainder)

    def latex(self) -> str:
        big_o = "O\\left(" + _displacement_latex(self.center, self.order + 1) + "\\right)"
        return _sum_text([m for degree in self.monomials for m in degree], LatexPrinter(), big_o)

    def as_json(self) -> dict[str, Any]:
        """Everything as strings symdiff reads back (the remainder and LaTeX aside)."""
        text = TextPrinter()
        return {
            "expression": text(self.expr),
            "center": {name: text(value) for name, value in self.center.items()},
            "order": self.order,
            "terms": [text(term) for term in self.terms],
            "polynomial": text(self.polynomial),
            "remainder": self.remainder,
            "text": self.text(),
            "latex": self.latex(),
        }

    def steps(self) -> TaylorSteps:
        """How each coefficient comes from a derivative at the centre, f^(k)(a)/k!, degree by degree (with
        several variables, the homogeneous part of each degree)."""
        return taylor_steps(self)

    def __repr__(self) -> str:
        shown = TextPrinter()(self.expr)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        return f"<TaylorPolynomial of {shown} at {format_point(self.center)}, order {self.order}>"


# ---- the steps: each coefficient as f^(k)(a)/k! --------------------------------------------------------------------
# The polynomial is computed by power series, not from derivatives; its coefficient c_k is f^(k)(a)/k!, so the
# derivative at the centre a step shows is k! * c_k, read back from the series.

@dataclass(frozen=True)
class TaylorRow:
    """Degree k: the k-th derivative at the centre (one variable; None for several), the coefficient, the
    term (the homogeneous part of degree k)."""

    degree: int
    derivative: Expr | None
    coefficient: Expr | None
    term: Expr


@dataclass(frozen=True, repr=False)
class TaylorSteps(Displayed):
    polynomial: TaylorPolynomial
    rows: tuple[TaylorRow, ...]

    def _one_variable(self) -> tuple[str, Expr] | None:
        if len(self.polynomial.center) != 1:
            return None
        return next(iter(self.polynomial.center.items()))

    def text(self) -> str:
        printer = TextPrinter()
        found = self._one_variable()
        if found is None:
            at = ", ".join(f"{name} = {printer(v)}" for name, v in self.polynomial.center.items())
            lines = [f"f = {printer(self.polynomial.expr)} at {at}, by total degree:"]
            lines += [f"  degree {row.degree}: {printer(row.term)}" for row in self.rows]
        else:
            name, a = found
            lines = [f"f({name}) = {printer(self.polynomial.expr)} at {name} = {printer(a)}: "
                     f"the coefficient of degree k is f^(k)({printer(a)})/k!"]
            for row in self.rows:
                assert row.derivative is not None and row.coefficient is not None
                lines.append(f"  k = {row.degree}: {_derivative_text(row.degree, printer(a))} = "
                             f"{printer(row.derivative)}, / {row.degree}! = {printer(row.coefficient)}: "
                             f"{printer(row.term)}")
        lines.append(f"  = {self.polynomial.text()}")
        return "\n".join(lines)

    def latex(self) -> str:
        printer = LatexPrinter()
        found = self._one_variable()
        rows = []
        for row in self.rows:
            if found is None:
                rows.append(f"\\text{{degree {row.degree}}} &: {printer(row.term)}")
            else:
                assert row.derivative is not None and row.coefficient is not None
                name, a = found
                order = "" if row.degree == 0 else f"^{{({row.degree})}}"
                rows.append(f"f{order}\\left({printer(a)}\\right) &= {printer(row.derivative)}, && "
                            f"\\frac{{{printer(row.derivative)}}}{{{row.degree}!}} = {printer(row.coefficient)} "
                            f"&& {printer(row.term)}")
        rows.append(f"T &= {self.polynomial.latex()}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def as_json(self) -> dict[str, Any]:
        text = TextPrinter()
        return {**self.polynomial.as_json(),
                "steps": [{"degree": row.degree,
                           "derivative": None if row.derivative is None else text(row.derivative),
                           "coefficient": None if row.coefficient is None else text(row.coefficient),
                           "term": text(row.term)} for row in self.rows]}


def _derivative_text(k: int, a: str) -> str:
    return "f" + ("'" * k if k <= 3 else f"^({k})") + f"({a})"


def taylor_steps(found: TaylorPolynomial) -> TaylorSteps:
    """The rows of `found`, one per degree."""
    one = found.center if len(found.center) == 1 else None
    rows = []
    for k, term in enumerate(found.terms):
        if one is None:
            rows.append(TaylorRow(k, None, None, term))
            continue
        (name, a), = one.items()
        displacement = power(sub(Sym(name), a), number(k)) if k else None
        coefficient = term if displacement is None else simplify(div(term, displacement))
        derivative = simplify(mul(number(math.factorial(k)), coefficient)) if coefficient is not ZERO else ZERO
        rows.append(TaylorRow(k, derivative, coefficient, term))
    return TaylorSteps(found, tuple(rows))


def _sum_text(items: list[Expr], printer: TextPrinter, last: str) -> str:
    """items + last, each item printed alone (so a sum among them, x - 1, stays in parentheses)."""
    shown = []
    for i, item in enumerate(items):
        negative = has_negative_sign(item)
        positive = neg(item) if negative else item
        text = printer(positive)
        if type(positive) is Add:
            text = printer.parens(text)
        shown.append((" - " if negative else " + ") + text if i else ("-" if negative else "") + text)
    shown.append(" + " + last if items else last)
    return "".join(shown)


def _displacements(center: Mapping[str, Expr]) -> list[Expr]:
    """x - a for each variable, canonical (x alone at 0)."""
    return [canonical_add([Sym(name), canonical_mul([NEG_ONE, value])]) for name, value in center.items()]


def _remainder(center: Mapping[str, Expr], power: int) -> str:
    return "O(" + _displacement_text(center, power, TextPrinter(), "|({})|") + ")"


def _displacement_latex(center: Mapping[str, Expr], power: int) -> str:
    return _displacement_text(center, power, LatexPrinter(), "\\left\\|({})\\right\\|")


def _displacement_text(center: Mapping[str, Expr], power: int, printer: TextPrinter, norm: str) -> str:
    """(x - a)^power for one variable; for several, the norm of (x - a, y - b) to the power."""
    steps = _displacements(center)
    if len(steps) == 1:
        return printer(canonical_pow(steps[0], Num(power)))
    shown = norm.format(", ".join(map(printer, steps)))
    if power == 1:
        return shown
    return f"{shown}^{{{power}}}" if isinstance(printer, LatexPrinter) else f"{shown}^{power}"


# ---- the function ------------------------------------------------------------------------------------------------

def taylor_polynomial(expr: Expr | str, center: Mapping[str, Expr | int | Fraction | str], order: int,
                      simplify_choice: bool | str | None = True) -> TaylorPolynomial:
    """The Taylor polynomial of `expr` at `center` of total degree <= `order`.

    `center`: variable name -> value (an expression such as pi/4 or sqrt(2), an int, a Fraction, or text read by
    symdiff's parser); one variable, or several for the multivariate polynomial, f(a + h) expanded by total degree.
    Other symbols of `expr` are parameters and may appear in the coefficients. Coefficients are simplified as
    symdiff.simplify does (`simplify_choice`: True or "full", "basic" for the canonical form only).

    Errors: UsageError for an order that is not a whole number >= 0 or a bad centre; BudgetError past
    budget.max_order, max_size or the time budget; UndefinedPointError where a part has no value at the centre,
    EvaluationError (Reason.NOT_DIFFERENTIABLE) where it has one but no derivative."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise UsageError(f"the order must be a whole number >= 0, not {order!r}")
    budget.check_order(order)
    if not isinstance(center, Mapping) or not center:
        raise UsageError("the centre must name at least one variable, such as {'x': 0}")
    expr = as_expr(expr, check=True)
    level = simplification_level(simplify_choice)
    expansion = _Expansion(as_point(dict(center)))
    coefficients = expansion.run(expr, order + 1)
    monomials = expansion.monomials(coefficients, level)
    polynomial = add(*(m for degree in monomials for m in degree))
    budget.check_expression(polynomial, depth=False)
    point = expansion.point
    return TaylorPolynomial(expr, point, order, tuple(map(tuple, monomials)), tuple(add(*d) for d in monomials),
                            polynomial, _remainder(point, order + 1))


# ---- exact coefficients ------------------------------------------------------------------------------------------
# An Element is a rational (or float) number, or a polynomial: {monomial: number} with a monomial a sorted tuple of
# (generator, exponent), exponents nonzero and possibly negative. A polynomial is never empty nor a lone constant.

Monomial: TypeAlias = "tuple[tuple[int, int], ...]"
Polynomial: TypeAlias = "dict[Monomial, Number]"
Element: TypeAlias = "Number | Polynomial"


def _tidy(p: Polynomial) -> Element:
    kept = {m: c for m, c in p.items() if c != 0}
    if not kept:
        return 0
    if len(kept) == 1 and () in kept:
        return kept[()]
    return kept


def plus(a: Element, b: Element) -> Element:
    if not isinstance(a, dict):
        if not isinstance(b, dict):
            return a + b
        a, b = b, a
    out = dict(a)
    if isinstance(b, dict):
        for m, c in b.items():
            out[m] = out.get(m, 0) + c
    elif b == 0:
        return a
    else:
        out[()] = out.get((), 0) + b
    return _tidy(out)


def scaled(a: Element, c: Number) -> Element:
    """a*c for a number c: the monomials stay as they are."""
    if not isinstance(a, dict):
        return a * c
    if c == 0:
        return 0
    return {m: v * c for m, v in a.items()}


def _merge(m1: Monomial, m2: Monomial) -> Monomial:
    if not m1:
        return m2
    if not m2:
        return m1
    exponents = dict(m1)
    for i, e in m2:
        exponents[i] = exponents.get(i, 0) + e
    return tuple(sorted((i, e) for i, e in exponents.items() if e))


@dataclass
class _Generator:
    """What a generator stands for; its float value (None with a parameter in it); and a relation g^q = base
    (q > 0: a root; q = -1: 1/base for a base that is no monomial), or None."""
    expr: Expr
    value: float | None
    relation: tuple[Element, int] | None = None


class _Field:
    """Arithmetic on coefficients, and their conversion from and to expressions."""

    def __init__(self) -> None:
        self.generators: list[_Generator] = []
        self.index: dict[Expr, int] = {}
        self.related: set[int] = set()
        self.elements: dict[Expr, Element] = {}
        self.floats: dict[Expr, float | None] = {}

    def generator(self, expr: Expr, relation: tuple[Element, int] | None = None) -> Polynomial:
        i = self.index.get(expr)
        if i is None:
            i = self.index[expr] = len(self.generators)
            self.generators.append(_Generator(expr, _float_or_none(expr, self.floats), relation))
            if relation is not None:
                self.related.add(i)
        return {((i, 1),): 1}

    def times(self, a: Element, b: Element) -> Element:
        if not isinstance(a, dict):
            return a * b if not isinstance(b, dict) else scaled(b, a)
        if not isinstance(b, dict):
            return scaled(a, b)
        raw: Polynomial = {}
        for m1, c1 in a.items():
            for m2, c2 in b.items():
                m = _merge(m1, m2)
                raw[m] = raw.get(m, 0) + c1 * c2
        return self.reduced(raw)

    def reduced(self, raw: Polynomial) -> Element:
        """`raw` with each related generator's exponent brought into range: sqrt(2)^3 = 2*sqrt(2),
        1/sqrt(2) = sqrt(2)/2, (1/(1 + pi))^-1 = 1 + pi."""
        if not self.related:
            return _tidy(raw)
        out: Polynomial = {}
        pending = list(raw.items())
        while pending:
            m, c = pending.pop()
            found = self._reduction(m) if c != 0 else None
            if found is None:
                out[m] = out.get(m, 0) + c
                continue
            rest, factor = found
            if isinstance(factor, dict):
                product = self.times(factor, {rest: c})
                pending.extend(product.items() if isinstance(product, dict) else [((), product)])
            else:
                pending.append((rest, c * factor))
        return _tidy(out)

    def _reduction(self, m: Monomial) -> tuple[Monomial, Element] | None:
        for position, (i, e) in enumerate(m):
            relation = self.generators[i].relation
            if relation is None:
                continue
            base, q = relation
            whole, left = divmod(e, q) if q > 0 else ((-e, 0) if e < 0 else (0, e))
            if whole:
                rest = m[:position] + (((i, left),) if left else ()) + m[position + 1:]
                return rest, self.power(base, whole)
        return None

    def power(self, a: Element, n: int) -> Element:
        if n < 0:
            return self.power(self.inverse(a), -n)
        result: Element = 1
        while n:
            if n & 1:
                result = self.times(result, a)
            n >>= 1
            if n:
                a = self.times(a, a)
        return result

    def inverse(self, a: Element) -> Element:
        """1/a: exact for a number or a monomial; for a sum, a generator standing for 1/sum."""
        if not isinstance(a, dict):
            if a == 0:
                raise ZeroDivisionError("division by zero")
            return 1 / a if isinstance(a, float) else Fraction(1) / a
        if len(a) == 1:
            ((m, c),) = a.items()
            return self.reduced({tuple((i, -e) for i, e in m): Fraction(1) / c if not isinstance(c, float)
                                 else 1 / c})
        return self.generator(canonical_pow(self.expr(a), NEG_ONE), (a, -1))

    # -- from and to expressions --

    def element(self, node: Expr) -> Element:
        """A canonical constant expression as an element: rationals, sums and products exactly, p/q-th powers by
        the root's generator, anything else (pi, log(2), exp(1), a parameter) a generator of its own."""
        for part in reversed(parents_first([node], lambda n: () if n in self.elements else children(n))):
            if part not in self.elements:
                self.elements[part] = self._element(part)
        return self.elements[node]

    def _element(self, node: Expr) -> Element:
        kind = type(node)
        if kind is Num or kind is Float:
            return node.args[0]  # type: ignore[no-any-return]
        if kind is Add:
            total: Element = 0
            for term in node.args:
                total = plus(total, self.elements[term])
            return total
        if kind is Mul:
            product: Element = 1
            for factor in node.args:
                product = self.times(product, self.elements[factor])
            return product
        if kind is Pow and type(node.args[1]) is Num:
            base, p = node.args[0], node.args[1].value
            if isinstance(p, int):
                return self.power(self.elements[base], p)
            root = self.generator(Pow(base, Num(Fraction(1, p.denominator))), (self.elements[base], p.denominator))
            return self.power(root, p.numerator)
        return self.generator(node)

    def expr(self, a: Element, replaced: Mapping[int, Expr] | None = None) -> Expr:
        """The canonical expression of an element (with some generators `replaced` by expressions)."""
        if not isinstance(a, dict):
            return number(a)
        terms = []
        for m, c in a.items():
            factors = [number(c)]
            for i, e in m:
                base = replaced.get(i, self.generators[i].expr) if replaced else self.generators[i].expr
                factors.append(canonical_pow(base, Num(e)))
            terms.append(canonical_mul(factors))
        return canonical_add(terms)

    # -- deciding --

    def value(self, a: Element) -> float | None:
        """The float value, or None where a parameter (or an overflow) leaves it unknown."""
        try:
            if not isinstance(a, dict):
                return float(a)
            total = 0.0
            for m, c in a.items():
                term = float(c)
                for i, e in m:
                    v = self.generators[i].value
                    if v is None:
                        return None
                    term *= v ** e
                total += term
            return total
        except (OverflowError, ZeroDivisionError):
            return None

    def is_zero(self, a: Element) -> bool:
        """Exactly when the element is a zero number; for a closed form whose float value is 0 within rounding,
        when it simplifies to 0 (sqrt(6) - sqrt(2)*sqrt(3)); a form with a parameter is taken to be nonzero."""
        if not isinstance(a, dict):
            return a == 0
        v = self.value(a)
        if v is None:
            return False
        size = sum(abs(self.value({m: c}) or 0.0) for m, c in a.items())
        if abs(v) > ZERO_TOLERANCE * max(1.0, size):
            return False
        if simplify(self.expr(a)) is ZERO:
            return True
        raise EvaluationError(f"cannot decide whether {self.expr(a)} is 0")

    def sign(self, a: Element) -> int | None:
        """-1, 0 or 1; None when a parameter leaves it open."""
        if self.is_zero(a):
            return 0
        v = self.value(a)
        return None if v is None else (1 if v > 0 else -1)


# ---- float values of constants -------------------------------------------------------------------------------------

def _float_value(node: Expr, memo: dict[Expr, float | None]) -> float | None:
    """The float value of a closed form, None where a symbol or an undefined function leaves it unknown (or it
    overflows); an EvaluationError with its Reason where it has no real value (sqrt(-2), log(-1), 1/0)."""
    for part in reversed(parents_first([node], lambda n: () if n in memo else children(n))):
        if part not in memo:
            memo[part] = _float_of_part(part, memo)
    return memo[node]


def _float_of_part(node: Expr, memo: Mapping[Expr, float | None]) -> float | None:
    kind = type(node)
    if kind is Num or kind is Float:
        try:
            return float(node.args[0])
        except OverflowError:
            return None
    if kind is Const:
        return math.pi if node is not E else math.e
    values = [memo[c] for c in children(node)]
    if kind in (Sym, Derivative) or any(v is None for v in values):
        return None
    found: list[float] = [v for v in values if v is not None]
    try:
        if kind is Add:
            return math.fsum(found)
        if kind is Mul:
            return math.prod(found)
        if kind is Pow:
            base, exponent = found
            if base == 0 and exponent < 0:
                raise EvaluationError("division by zero", reason=Reason.DIVISION_BY_ZERO)
            if base < 0 and exponent != int(exponent):
                raise EvaluationError("not real", reason=Reason.NOT_REAL)
            return math.pow(base, exponent)
        row = lookup(node.args[0], len(found)) if kind is Func else None
        if row is None:
            return None
        return float(row.real(*found))
    except OverflowError:
        return None
    except ZeroDivisionError:
        raise EvaluationError("a pole", reason=Reason.POLE) from None
    except ValueError:
        raise EvaluationError("not real", reason=Reason.NOT_REAL) from None


def _float_or_none(node: Expr, memo: dict[Expr, float | None]) -> float | None:
    try:
        return _float_value(node, memo)
    except EvaluationError:
        return None


# ---- series ------------------------------------------------------------------------------------------------------

class _Series:
    """The coefficients `c` of a part's power series in t, computed up to `length` (c[0], the value at the centre,
    when the part is made; c[k] by step(k) in lock step with every other part). `deps` are the parts whose
    coefficient k step(k) reads; coefficients below k of any other series it may read too."""

    deps: tuple[_Series, ...] = ()

    def __init__(self, value: Element):
        self.c: list[Element] = [value]
        self.length = 1

    def needs(self, length: int, expansion: _Expansion) -> list[tuple[_Series, int]]:
        """The series this one needs, and to what length, to be computed to `length`."""
        return [(d, length) for d in self.deps]

    def step(self, k: int, field: _Field) -> Element:
        return 0


def _cauchy(field: _Field, a: list[Element], b: list[Element], k: int) -> Element:
    """Coefficient k of the product of two series."""
    total: Element = 0
    for i in range(k + 1):
        ai, bi = a[i], b[k - i]
        if ai != 0 and bi != 0:
            total = plus(total, field.times(ai, bi))
    return total


class _Variable(_Series):
    def __init__(self, center: Element, direction: Element):
        super().__init__(center)
        self.direction = direction

    def step(self, k: int, field: _Field) -> Element:
        return self.direction if k == 1 else 0


class _Sum(_Series):
    def __init__(self, terms: list[_Series]):
        constant: Element = 0
        for t in terms:
            constant = plus(constant, t.c[0])
        super().__init__(constant)
        self.deps = tuple(t for t in terms if type(t) is not _Constant)

    def step(self, k: int, field: _Field) -> Element:
        total: Element = 0
        for t in self.deps:
            total = plus(total, t.c[k])
        return total


class _Constant(_Series):
    pass


class _Products(_Series):
    """A chain of Cauchy products over a list of series that starts with the operands: each product (i, j) appends
    series[i]*series[j]; the last is the result, times `factor`."""

    def __init__(self, field: _Field, operands: list[_Series], plan: list[tuple[int, int]], factor: Element):
        self.deps = tuple(operands)
        self.arrays: list[list[Element]] = [s.c for s in operands]
        self.plan, self.factor = plan, factor
        for i, j in plan:
            self.arrays.append([field.times(self.arrays[i][0], self.arrays[j][0])])
        super().__init__(field.times(factor, self.arrays[-1][0]))

    def step(self, k: int, field: _Field) -> Element:
        arrays = self.arrays
        for index, (i, j) in enumerate(self.plan, len(self.deps)):
            arrays[index].append(_cauchy(field, arrays[i], arrays[j], k))
        return field.times(self.factor, arrays[-1][k])


def _power_plan(n: int) -> list[tuple[int, int]]:
    """Products that make u^n (n >= 1) from u (series 0) by squaring: the last is u^n."""
    plan: list[tuple[int, int]] = []
    square, result = 0, None
    while True:
        if n & 1:
            if result is None:
                result = square
            else:
                plan.append((result, square))
                result = len(plan)
        n >>= 1
        if not n:
            return plan
        plan.append((square, square))
        square = len(plan)


class _Miller(_Series):
    """w = u^r with u0 != 0: u*w' = r*u'*w gives w_k = 1/(k*u0) * sum_{j=1..k} ((r + 1)*j - k)*u_j*w_(k-j)."""

    def __init__(self, field: _Field, u: _Series, r: Element, value: Element):
        super().__init__(value)
        self.deps = (u,)
        self.r1 = plus(r, 1)
        self.inverse = field.inverse(u.c[0])

    def step(self, k: int, field: _Field) -> Element:
        u, w = self.deps[0].c, self.c
        total: Element = 0
        for j in range(1, k + 1):
            uj = u[j]
            if uj == 0 or w[k - j] == 0:
                continue
            weight = plus(scaled(self.r1, j), -k)
            if weight != 0:
                total = plus(total, field.times(field.times(uj, w[k - j]), weight))
        return field.times(total, scaled(self.inverse, Fraction(1, k)))


class _Refused(_Series):
    """A part with a value at the centre but no derivative there: fine for order 0, an error beyond."""

    def __init__(self, value: Element, error: SymdiffError):
        super().__init__(value)
        self.error = error

    def needs(self, length: int, expansion: _Expansion) -> list[tuple[_Series, int]]:
        raise self.error


class _Call(_Series):
    """w = f(u, v): w' = f_u*u' + f_v*v', so w_k = (1/k) * sum_{j=1..k} j*(u_j*(f_u)_(k-j) + v_j*(f_v)_(k-j)), with
    f_u and f_v the registry's partial derivatives, series of their own made when first needed (f_u(u) may hold w
    itself: exp, tan; or a partner that holds it: sin and cos)."""

    def __init__(self, node: Func | Derivative, arguments: list[_Series], value: Element, kink: SymdiffError | None):
        super().__init__(value)
        self.node, self.arguments, self.kink = node, arguments, kink
        self.deps = tuple(a for a in arguments if type(a) is not _Constant)
        self.partials: list[tuple[_Series, _Series]] | None = None

    def needs(self, length: int, expansion: _Expansion) -> list[tuple[_Series, int]]:
        found = [(d, length) for d in self.deps]
        if length >= 2:
            if self.kink is not None:
                raise self.kink
            if self.partials is None:
                self.partials = expansion.partials(self)
            found += [(d, length - 1) for _, d in self.partials]
        return found

    def step(self, k: int, field: _Field) -> Element:
        total: Element = 0
        for u, d in self.partials or ():
            uc, dc = u.c, d.c
            for j in range(1, k + 1):
                if uc[j] != 0 and dc[k - j] != 0:
                    total = plus(total, scaled(field.times(uc[j], dc[k - j]), j))
        return scaled(total, Fraction(1, k))


# ---- the expansion ---------------------------------------------------------------------------------------------

class _Expansion:
    """The series of every part of one expression along x_i = a_i + t*h_i."""

    def __init__(self, center: Mapping[str, Expr]):
        self.names = frozenset(center)
        self.point: dict[str, Expr] = {}
        self.field = _Field()
        self.memo: dict[Expr, _Series] = {}
        self.canonical = Canonicalizer()
        self.clock = Clock()
        for name, value in center.items():
            clash = value.free_symbols & self.names
            if clash:
                raise UsageError(f"the centre {name} = {value} depends on the variable {min(clash)}")
            self.point[name] = self.check_constant(value)
        self.steps = _displacements(self.point)
        self.directions: dict[str, Element] = {name: 1 for name in self.point}
        self.replaced: dict[int, Expr] = {}  # generator h_i -> x_i - a_i
        if len(self.point) > 1:  # h_i: a generator standing for x_i - a_i itself
            for name, step in zip(self.point, self.steps):
                self.directions[name] = self.field.generator(step)
                self.replaced[self.field.index[step]] = step
        self.rules: dict[type[Expr], Callable[[Any], _Series]] = {
            Add: self._sum, Mul: self._product, Pow: self._power, Func: self._call, Derivative: self._call}

    # -- making each part's series, with its value at the centre --

    def series(self, root: Expr) -> _Series:
        """The series of `root`, its parts made first (children before parents, without recursion)."""
        found = self.memo.get(root)
        if found is not None:
            return found
        for part in reversed(parents_first([root], self._inside)):
            if part not in self.memo:
                self.clock.check()
                self.memo[part] = self._make(part)
        return self.memo[root]

    def _inside(self, node: Expr) -> tuple[Expr, ...]:
        if node in self.memo or not node.free_symbols & self.names:
            return ()
        return children(node)

    def _make(self, node: Expr) -> _Series:
        if not node.free_symbols & self.names:
            return _Constant(self.field.element(self.check_constant(node)))
        if type(node) is Sym:
            name = node.name
            return _Variable(self.field.element(self.point[name]), self.directions[name])
        rule = self.rules.get(type(node))
        if rule is None:
            raise UsageError(f"no Taylor polynomial of {node}: not an expression of values")
        return rule(node)

    def value(self, s: _Series) -> Expr:
        return self.field.expr(s.c[0])

    def check_constant(self, node: Expr) -> Expr:
        """The canonical form of a constant part, once every part of it is checked to have a real value."""
        floats = self.field.floats
        for part in reversed(parents_first([node])):
            try:
                form = self.canonical(part)
                if not form.free_symbols:
                    _float_value(form, floats)
            except (UndefinedError, EvaluationError, ZeroDivisionError) as error:
                raise self.undefined(part, error) from None
        return self.canonical(node)

    def undefined(self, part: Expr, error: SymdiffError | ZeroDivisionError) -> SymdiffError:
        """The UndefinedPointError naming `part` for an error that says why it has no value (one without a
        reason, such as a missing value, as it is)."""
        if isinstance(error, ZeroDivisionError):
            return UndefinedPointError(part, self._used(part), Reason.DIVISION_BY_ZERO)
        if error.reason is None:
            return error
        return UndefinedPointError(part, self._used(part), error.reason)

    def refused(self, part: Expr, why: str) -> EvaluationError:
        """Why `part` has a value but no derivative at the centre."""
        return EvaluationError(f"{part} has no Taylor polynomial at {format_point(self._used(part))}: {why}",
                               reason=Reason.NOT_DIFFERENTIABLE)

    # -- the rules, one per kind of node --

    def _sum(self, node: Add) -> _Series:
        return _Sum([self.memo[t] for t in node.args])

    def _product(self, node: Mul) -> _Series:
        factor: Element = 1
        varying = []
        for f in node.args:
            s = self.memo[f]
            if type(s) is _Constant:
                factor = self.field.times(factor, s.c[0])
            else:
                varying.append(s)
        return _Products(self.field, varying, _chain(len(varying)), factor)

    def _power(self, node: Pow) -> _Series:
        base, exponent = node.args
        u = self.memo[base]
        if exponent.free_symbols & self.names:
            if base is E:
                return self.series(Func("exp", exponent))
            sign = self.field.sign(u.c[0])
            if sign is not None and sign < 0:
                raise UndefinedPointError(node, self._used(node), Reason.NOT_REAL)
            if sign == 0:
                raise self.refused(node, "its base is 0 there")
            u_name, v_name = (Sym(name) for name in ARGUMENT_NAMES)
            return self.series(substitute(POWER_AS_EXP, {u_name: base, v_name: exponent}))
        r = self.memo[exponent].c[0]
        u0 = u.c[0]
        whole = type(exponent) is Num and isinstance(exponent.value, int)
        if whole and isinstance(r, int) and r >= 0:
            if r == 0:
                return _Constant(1)
            if r == 1:
                return u
            if not isinstance(u0, dict) and u0 != 0:  # rational arithmetic: Miller's recurrence, one pass
                return _Miller(self.field, u, r, self.field.power(u0, r))
            return _Products(self.field, [u], _power_plan(r), 1)  # no division by u0: exact for any u0
        sign = self.field.sign(u0)
        if sign == 0 and (whole or (self.field.value(r) or 0) < 0):
            raise UndefinedPointError(node, self._used(node), Reason.DIVISION_BY_ZERO)
        if sign is not None and sign < 0 and not whole:
            raise UndefinedPointError(node, self._used(node), Reason.NOT_REAL)
        value = self.field.element(self.canonical(canonical_pow(self.value(u), self.canonical(exponent))))
        if sign == 0:
            return _Refused(value, self.refused(node, "it is not differentiable there"))
        return _Miller(self.field, u, r, value)

    def _call(self, node: Func | Derivative) -> _Series:
        arguments = [self.memo[a] for a in node.arguments]
        values = [self.value(a) for a in arguments]
        try:
            if isinstance(node, Derivative):
                return _Call(node, arguments, self.field.element(Derivative(node.name, node.orders, *values)), None)
            value = canonical_function(node.name, values)
            if not any(v.free_symbols for v in values):
                _float_value(Func(node.name, *values), self.field.floats)
        except (UndefinedError, EvaluationError) as error:
            raise self.undefined(node, error) from None
        return _Call(node, arguments, self.field.element(value), self._kink(node, arguments))

    def _kink(self, node: Func, arguments: list[_Series]) -> SymdiffError | None:
        """Where the registry's row says f has no derivative (abs(0), floor at an integer, max(u, v) where
        u = v) and the argument there depends on the variables: the error for beyond order 0."""
        row = lookup(node.name, len(arguments))
        if row is None:  # an undefined function: differentiable, as f'(x) says
            return None
        varying = [type(a) is not _Constant for a in arguments]
        field = self.field
        if varying[0]:
            for kink in row.kinks:
                if field.is_zero(plus(arguments[0].c[0], scaled(field.element(kink), -1))):
                    return self.refused(node, f"it is not differentiable where {node.arguments[0]} = {kink}")
        if row.integer_kinks is not None and varying[row.integer_kinks]:
            at = arguments[row.integer_kinks].c[0]
            v = field.value(at)
            if v is not None and field.is_zero(plus(at, -round(v))):
                return self.refused(node, f"it jumps where {node.arguments[row.integer_kinks]} is an integer")
        if row.kinks_where is not None and any(varying):
            slots: dict[Expr, Expr] = {Sym(name): a for name, a in zip(ARGUMENT_NAMES, node.arguments)}
            values: dict[Expr, Expr] = {Sym(name): self.value(a) for name, a in zip(ARGUMENT_NAMES, arguments)}
            left, right = (substitute(_formula(side), slots) for side in row.kinks_where)
            if self.canonical(sub(left, right)) is not ZERO:
                formulas = [_formula(side) for side in row.kinks_where]
                difference = self.canonical(sub(substitute(formulas[0], values), substitute(formulas[1], values)))
                if field.is_zero(field.element(difference)):
                    return self.refused(node, f"it is not differentiable where {left} = {right}")
        return None

    def partials(self, call: _Call) -> list[tuple[_Series, _Series]]:
        """(argument, series of the partial derivative in it) for each argument that varies."""
        found = []
        for i, (argument, formula) in enumerate(zip(call.arguments, argument_partials(call.node))):
            if type(argument) is _Constant:
                continue
            if formula is None:
                raise DifferentiationError(f"{call.node.name} is not differentiable in its argument {i + 1}, which "
                                           "here depends on the variable", reason=Reason.NOT_DIFFERENTIABLE)
            try:
                found.append((argument, self.series(formula)))
            except (UndefinedError, EvaluationError) as error:
                if error.reason is None:
                    raise
                raise self.refused(call.node, f"its derivative {formula} is undefined there") from None
        return found

    def _used(self, part: Expr) -> dict[str, Expr]:
        return {name: self.point[name] for name in sorted(part.free_symbols & self.names)}

    # -- running --

    def run(self, expr: Expr, length: int) -> list[Element]:
        """Coefficients 0 .. length - 1 of the series of `expr`."""
        root = self.series(expr)
        requested = self._request(root, length)
        order = _children_first(requested)
        limit = budget.current().max_size
        for k in range(1, length):
            for s in order:
                if s.length > k:
                    self.clock.check()
                    coefficient = s.step(k, self.field)
                    if isinstance(coefficient, dict) and len(coefficient) > limit:
                        raise BudgetError(f"a Taylor coefficient would have over {limit} terms")
                    s.c.append(coefficient)
        return root.c[:length]

    def _request(self, root: _Series, length: int) -> list[_Series]:
        """Mark every series with the length it must reach (a part's partials one less than the part), making the
        partials' series as they are first needed; the series to compute, in no particular order."""
        requested: dict[_Series, None] = {}
        stack = [(root, length)]
        while stack:
            s, wanted = stack.pop()
            if wanted > s.length:
                s.length = wanted
                requested[s] = None
                stack.extend(s.needs(wanted, self))
        return list(requested)

    # -- the result --

    def monomials(self, coefficients: list[Element], level: str | None) -> list[list[Expr]]:
        """The monomials of each degree: coefficient (simplified) times powers of x_i - a_i (unexpanded), in the
        order of the variables' exponents, highest first (x^2, x*y, y^2)."""
        found: list[list[tuple[Expr, list[Expr]]]] = []  # per degree: (coefficient, powers of x_i - a_i)
        for k, c in enumerate(coefficients):
            if not self.replaced:
                found.append([(self.field.expr(c), [canonical_pow(self.steps[0], Num(k))])] if c != 0 else [])
                continue
            grouped: dict[tuple[int, ...], Polynomial] = {}
            for m, value in (c.items() if isinstance(c, dict) else [((), c)] if c != 0 else []):
                exponents = dict(m)
                key = tuple(exponents.pop(i, 0) for i in self.replaced)
                grouped.setdefault(key, {})[tuple(sorted(exponents.items()))] = value
            found.append([(self.field.expr(_tidy(rest)), [canonical_pow(step, Num(e))
                                                           for step, e in zip(self.replaced.values(), key)])
                          for key, rest in sorted(grouped.items(), reverse=True)])
        pending = [coefficient for degree in found for coefficient, _ in degree if type(coefficient) is not Num]
        done = dict(zip(pending, simplify_all(pending, level))) if level and pending else {}
        return [[mul(done.get(coefficient, coefficient), *powers) for coefficient, powers in degree]
                for degree in found]


def _chain(n: int) -> list[tuple[int, int]]:
    """Products of n operands (series 0 .. n-1) left to right: the last is their product (none for one)."""
    plan = [(0, 1)] if n > 1 else []
    for i in range(2, n):
        plan.append((n + len(plan) - 1, i))
    return plan


def _children_first(series: Iterable[_Series]) -> list[_Series]:
    """The series in an order where each comes after its deps (an iterative depth-first search)."""
    order: list[_Series] = []
    seen: set[_Series] = set()
    for root in series:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(root.deps))]
        while stack:
            top, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                order.append(top)
            elif child not in seen:
                seen.add(child)
                stack.append((child, iter(child.deps)))
    return order


@cache
def _formula(text: str) -> Expr:
    """A row's formula in u and v (kinks_where), parsed once."""
    return parse_internal(text)
