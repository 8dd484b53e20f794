"""The value of an expression at a point: exact where the inputs are exact, a float where asked.

    >>> value_at("3*x^2 - 4*x", {"x": "sqrt(2)/2"})
    3/2 - 2*sqrt(2)
    >>> value_at("3*x^2 - 4*x", {"x": 0.5})
    -1.25

Why two modes: a textbook asks for f'(1) = 2, not 2.0000000000000004, so exact inputs (ints, Fractions, and
text such as "1/3", "sqrt(2)/2" or "pi/4", read by symdiff's own parser, never by eval) give an exact,
simplified expression; a float input, a decimal in the expression, or `exact=False` give a Python float.

Exact mode allows partial substitution (symbols without a value stay symbolic and the result is an expression);
float mode needs a value for every free symbol. Values for names the expression does not use are ignored, so
that one point can be used for f and for f'.

A point where the expression is undefined over the reals is an error, never a silent nan: the smallest
undefined part is named (`1/x is undefined at x = 0 (division by zero)`). Each part of the expression is checked
by substituting the exact point into it, taking the canonical form (which divides by a literal 0 only when the
part really does) and evaluating that over the reals, so that rounding cannot make `sqrt(2 - x^2)` undefined at
x = sqrt(2) and simplification cannot hide the pole of `x/x` at 0. (A pole that floats step over, such as
tan(pi/2), which evaluates to 1.6e16, is not detected.)

Where an expression has a value but no derivative, check_differentiable says so: it is the one place that
decides, for --at, for the value of a derivative, for tangent lines and for limit tables. Each part whose
arguments depend on the variables is checked, children first, and the smallest offending part is named. The
chain rule needs every part to be differentiable, so one part that is not makes the whole "not differentiable"
(Reason.NOT_DIFFERENTIABLE). Three kinds of point:

- Kinks and jumps. symdiff differentiates abs, sign, floor, max, ... by formulas that have values at the kinks
  too (sign(0) = 0, heaviside(0) = 1/2, and the derivative of floor(x) is the constant 0), so the value of a
  derivative cannot show that its point is a kink; the expression that was differentiated can. A call is
  checked against its registry row: `kinks`, its argument is one of these (abs(x) at x = 0); `integer_kinks`,
  that argument is an integer (floor(x) at x = 2); `kinks_where`, the row's two formulas are equal at its
  arguments (max(x, x^2) at x = 1), unless they are the same expression (max(x, x) is x).
- Powers u^r, r a constant that is not an integer, where u = 0. symdiff's u^r is the principal root, real
  only where u >= 0 (x^(1/3) has no real value at -8; cbrt(x) does), so u = 0 is an end of its domain unless
  u >= 0 on both sides. How u leaves 0 decides, exactly, from its first derivative that is not 0 there
  (u ~ c*h^k): k odd, real on one side only (x^(3/2), (x - 1)^(5/2), sqrt(1 - x^2) at 1); k even and c > 0,
  u^r ~ |h|^(k*r), differentiable when k*r > 1 (sqrt(x^4)), a corner when k*r = 1 (sqrt(x^2)), a cusp when
  k*r < 1 ((x^2)^(1/3)).
- Calls, and powers with a variable exponent, that have a value at the point while one of their local
  partials (the factor the chain rule multiplies by: 1/sqrt(1 - u^2) for asin) has none: asin at 1, acosh at
  1 (ends of their domains), cbrt at 0 (a vertical tangent), x^x at 0. The decision rests on exact values (a
  closed form symdiff does not reduce is compared with 0 at 50 digits, as for kinks); the message says which
  kind of point it is from the function's values at 50 digits just either side. (lambertw at -1/e is not
  reached: value_at finds no value there, -exp(-1) being rounded below -1/e as a float.)

This errs on the safe side: |x|^3 is differentiable at 0, where the outer derivative 3|x|^2 is 0, but is
reported as |x| is, and cbrt(x)^3 as cbrt(x) is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal, cast, overload

from ..calculus.derivatives import derivative
from ..calculus.partials import FORMULAS
from ..core.build import add, neg, number, rebuild, sub, substitute
from ..core.errors import (DifferentiationError, EvaluationError, Reason, SymdiffError, UndefinedError,
                           UndefinedPointError)
from ..core.expr import NEG_ONE, ZERO, E, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import children, parents_first, subexpressions
from ..functions import ARGUMENT_NAMES, REGISTRY, lookup
from ..parsing.inputs import as_expr, as_point
from ..parsing.parser import parse_internal
from ..simplification.canonical import Canonicalizer, canonical
from ..simplification.simplifier import simplify
from .values import numeric_value

__all__ = ["check_differentiable", "is_zero", "kink_at", "value_at"]


def _has_float(node: Expr) -> bool:
    return any(type(n) is Float for n in subexpressions(node))


@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: Literal[True]) -> Expr: ...
@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: Literal[False]) -> float: ...
@overload
def value_at(expr: Expr | str, values: dict[str, Any], exact: bool | None = None) -> Expr | float: ...


def value_at(expr: Expr | str, values: dict[str, Any], exact: bool | None = None) -> Expr | float:
    """The value of `expr` with each name in `values` replaced by its value.

    `exact=None` (default): exact unless a value or the expression holds a decimal (float). Exact: the
    simplified expression (e.g. `sqrt(2)/2`), possibly still containing symbols not given a value. Not exact:
    a Python float, and every free symbol needs a value. Raises UndefinedPointError (an EvaluationError, so a
    SymdiffError) where the expression is undefined over the reals, and EvaluationError for a missing value.
    An expression given as such is checked against max_size, as its text would be when parsed (BudgetError)."""
    expr = as_expr(expr, check=True)
    point = {name: value for name, value in as_point(values).items() if name in expr.free_symbols}
    if exact is None:
        exact = not (_has_float(expr) or any(map(_has_float, point.values())))
    for name, value in point.items():
        if value.free_symbols and not exact:
            raise EvaluationError(f"{name} = {value} is not a number")
    missing = sorted(expr.free_symbols - set(point))
    if missing and not exact:
        raise EvaluationError(f"no value given for {', '.join(missing)} (a number is needed for every symbol "
                              f"of {expr})")
    if all(type(v) is Float for v in point.values()) and not exact:
        return _float_value(expr, {name: cast(Float, v).value for name, v in point.items()})
    return _exact_value(expr, point, exact)


def _float_value(expr: Expr, point: Mapping[str, float]) -> float:
    """Over the reals with float inputs; on failure, name the smallest undefined part."""
    try:
        value = numeric_value(expr, point)
    except EvaluationError as error:
        raise _smallest_undefined(expr, point) or _as_undefined(expr, point, error) from None
    if not math.isfinite(value):
        raise UndefinedPointError(expr, point, Reason.OVERFLOW)
    return value


def _may_be_undefined(part: Expr) -> bool:
    """Whether `part` can lack a value where its parts have one: powers with a negative or fractional exponent,
    and calls of functions that are not defined for every real argument (the registry's `total`)."""
    if type(part) is Pow:
        return not (type(part.exp) is Num and isinstance(part.exp.value, int) and part.exp.value >= 0)
    if type(part) is Func:
        row = lookup(part.name, len(part.arguments))
        return row is None or not row.total
    return False


def _exact_value(expr: Expr, point: Mapping[str, Expr], exact: bool, simplified: bool = True) -> Expr | float:
    """Substitute the point into every part, children first, taking canonical forms; check each part that
    can be undefined and whose form is a number. Checking parts, not only the whole, matters: the canonical
    form of exp(log(x)) is x, which has a value at x = -1 where the expression has none."""
    mapping: dict[Expr, Expr] = {Sym(name): value for name, value in point.items()}
    canonical = Canonicalizer()
    forms: dict[Expr, Expr] = {}
    for part in reversed(parents_first([expr])):  # children first
        kids = children(part)
        try:
            form = canonical(rebuild(part, [forms[k] for k in kids]) if kids else mapping.get(part, part))
            if _may_be_undefined(part) and not form.free_symbols:
                _check_real(form)
        except (EvaluationError, UndefinedError, ZeroDivisionError) as error:
            raise _as_undefined(part, point, error) from None
        forms[part] = form
    form = forms[expr]
    if not exact:
        try:
            value = numeric_value(form, {})
            if not math.isfinite(value):
                raise EvaluationError("overflow", reason=Reason.OVERFLOW)
        except EvaluationError as error:  # a total function overflowed: name it
            floats = {name: numeric_value(value, {}) for name, value in point.items() if not value.free_symbols}
            raise _smallest_undefined(expr, floats) or _as_undefined(expr, point, error) from None
        return value
    return simplify(form) if simplified else form  # every part has a value, so simplifying cannot fail


def _check_real(form: Expr) -> None:
    """Raise EvaluationError if the closed form `form` has no real value (a value too big for a float is fine:
    exact arithmetic does not overflow)."""
    try:
        numeric_value(form, {})
    except EvaluationError as error:
        if error.reason not in (Reason.OVERFLOW, None):  # f(1) stays f(1)
            raise


def _as_undefined(part: Expr, point: Mapping[str, Expr | float],
                  error: SymdiffError | ZeroDivisionError) -> SymdiffError:
    """The UndefinedPointError naming `part`, for an error that says why it has no value (its `reason`); an
    error without a reason (an undefined function has no value anywhere) as it is."""
    if isinstance(error, ZeroDivisionError):
        error = UndefinedError("division by zero", reason=Reason.DIVISION_BY_ZERO)
    if error.reason is None:
        return error
    used = {name: point[name] for name in sorted(part.free_symbols & set(point))}
    return UndefinedPointError(part, used, error.reason)


def _smallest_undefined(expr: Expr, point: Mapping[str, float]) -> SymdiffError | None:
    """The UndefinedPointError for the first part of `expr`, children first, that has no real value at the
    float `point` (a part whose own parts all have values); None if every part has one. Only on the error
    path, so evaluating each part afresh is affordable."""
    for part in reversed(parents_first([expr])):
        if children(part):
            try:
                numeric_value(part, point)
            except EvaluationError as error:
                return _as_undefined(part, point, error)
    return None


# ---- where there is no derivative -------------------------------------------------------------------------

# (name, arity) -> the row's kinks_where as two nodes in u (and v), parsed once.
KINKS_WHERE = {key: tuple(map(parse_internal, row.kinks_where)) for key, row in REGISTRY.items() if row.kinks_where}

# A closed form that symdiff does not reduce to a number (log(6) - log(2) - log(3)) is taken to be 0, or an
# integer, when it is that within TOLERANCE at DIGITS digits.
DIGITS = 50
TOLERANCE = 1e-40
# How far either side of an argument a function is probed, at DIGITS digits, to say which kind of point it is
# (an end of its domain, a vertical tangent, a cusp): only to word the message, never to decide.
PROBE = Num(Fraction(1, 10**30))
# How many derivatives of a power's base are taken to find how it leaves 0 (its first non-zero derivative).
MAX_ORDER = 8


def check_differentiable(expr: Expr | str, point: dict[str, Any], variables: Iterable[str] | None = None) -> None:
    """EvaluationError (Reason.NOT_DIFFERENTIABLE) if a part of `expr` whose arguments depend on `variables`
    (names; by default every name of `point`) has no derivative at `point` (name -> value, as for value_at): a
    kink, a jump, an end of its domain, a cusp or a vertical tangent. The message names the part."""
    found = kink_at(expr, point, variables)
    if found is not None:
        raise EvaluationError(found, reason=Reason.NOT_DIFFERENTIABLE)


def kink_at(expr: Expr | str, point: dict[str, Any], variables: Iterable[str] | None = None) -> str | None:
    """Why `expr` is not differentiable at `point`, naming the smallest part that is not (kinks and jumps
    first, then ends of domains and infinite derivatives); None if every part is."""
    expr = as_expr(expr)
    wanted = frozenset(point if variables is None else variables)
    values = _Values(as_point({name: v for name, v in point.items() if name in expr.free_symbols}))
    parts = [node for node in reversed(parents_first([expr])) if node.free_symbols & wanted]  # children first
    for check in (_kink, _edge):
        for node in parts:
            found = check(node, values, wanted)
            if found is not None:
                return found
    return None


class _Values:
    """The values of the parts of an expression at a point, each computed when first asked for, once, from its
    children's values (closed forms, in canonical form), so that checking every part costs time in proportion
    to the expression, not to its depth times its size. A value is an exact closed form or a float; None where
    the part has none (whoever evaluates the expression reports that) or keeps a symbol."""

    def __init__(self, point: Mapping[str, Expr]):
        self.point = point
        self.found: dict[Expr, Expr | float | None] = {}

    def __getitem__(self, node: Expr) -> Expr | float | None:
        found = self.found
        if node not in found:
            for part in reversed(parents_first([node], lambda n: () if n in found else children(n))):
                if part not in found:
                    found[part] = self._from_children(part)
        return found[node]

    def _from_children(self, node: Expr) -> Expr | float | None:
        kids = children(node)
        if not kids:
            return _value(self.point[node.name] if type(node) is Sym and node.name in self.point else node)
        known = [self.found[k] for k in kids]
        built = None if any(v is None for v in known) else _built(lambda: rebuild(node, _exprs(known)))
        return None if built is None else _value(built)

    def exprs(self, nodes: Iterable[Expr]) -> list[Expr] | None:
        """The values of `nodes` as expressions; None if one has none."""
        known = [self[n] for n in nodes]
        return None if any(v is None for v in known) else _exprs(known)


def _built(build: Callable[[], Expr]) -> Expr | None:
    """The node `build` builds; None where the builders divide a number by 0 (which has no value)."""
    try:
        return build()
    except ZeroDivisionError:
        return None


def _exprs(values: Iterable[Expr | float | None]) -> list[Expr]:
    return [v if isinstance(v, Expr) else number(cast(float, v)) for v in values]


def _kink(node: Expr, values: _Values, wanted: frozenset[str]) -> str | None:
    """The registry's kinks of a call: `kinks`, `integer_kinks`, `kinks_where`."""
    row = lookup(node.name, len(node.arguments)) if type(node) is Func else None
    if type(node) is not Func or row is None:
        return None
    depends = [bool(a.free_symbols & wanted) for a in node.arguments]
    first = values.exprs(node.arguments[:1])
    for kink in row.kinks if depends[0] and first is not None else ():
        if is_zero(_value(sub(first[0], kink))):  # type: ignore[index]  # first is not None here
            return f"{node} is not differentiable where {node.arguments[0]} = {kink}"
    if row.integer_kinks is not None and depends[row.integer_kinks]:
        argument = node.arguments[row.integer_kinks]
        value = values[argument]
        if _is_integer(value):
            return f"{node} is not differentiable where {argument} = {_shown(value)}: it jumps at every integer"
    arguments = values.exprs(node.arguments)
    if row.kinks_where is not None and any(depends) and arguments is not None:
        left, right = (substitute(side, _slots(node.arguments)) for side in KINKS_WHERE[row.name, row.arity])
        at_point = [substitute(side, _slots(arguments)) for side in KINKS_WHERE[row.name, row.arity]]
        if canonical(sub(left, right)) is not ZERO and is_zero(_value(sub(*at_point))):
            return f"{node} is not differentiable where {left} = {right}"
    return None


def _slots(arguments: Iterable[Expr]) -> dict[Expr, Expr]:
    """A row's formula's argument names (u, v) -> `arguments`."""
    return {Sym(name): a for name, a in zip(ARGUMENT_NAMES, arguments)}


def _edge(node: Expr, values: _Values, wanted: frozenset[str]) -> str | None:
    """A part that has a value at the point but no derivative: a power u^r (r not an integer) whose base is 0
    there (see _power_edge), or a call, or a power with a variable exponent, one of whose local partials (the
    factor the chain rule multiplies the derivative of an argument by) has no value there while the part has
    one: asin, acos at +-1, acosh at 1, asec at 1 (ends of their domains), cbrt at 0 (a vertical tangent), x^x
    at 0 (a variable exponent needs a positive base). Every end of a registry function's real domain is such a
    point: each is defined up to where its derivative is infinite (asin) or to a pole (log), never further."""
    if type(node) is Pow and not node.exp.free_symbols & wanted:
        return _power_edge(node, values, wanted)
    if type(node) not in (Pow, Func):
        return None  # sums and products are differentiable where their parts are
    arguments = values.exprs(children(node))
    if arguments is None or values[node] is None:
        return None  # no value: whoever evaluates the expression reports it
    for position, partial in _partials_at(node, arguments, wanted):
        if partial is None or _has_value(partial) is False:
            child = children(node)[position]
            where = f"where {child} = {_shown(values[child])}"
            if type(node) is Pow:
                return (f"{node} is not differentiable {where}: a power with a variable exponent is real around a "
                        "point only where its base is positive")
            return f"{node} is not differentiable {where}: {_call_kind(cast(Func, node), position, arguments)}"
    return None


def _partials_at(node: Expr, arguments: list[Expr], wanted: frozenset[str]) -> list[tuple[int, Expr | None]]:
    """(position, the local partial of `node` in that child at the point, None where building it divides by 0)
    for each child that depends on `wanted` and whose partial can lack a value, `arguments` being the
    children's values: the registry's formulas for a call (none for an undefined function), v*u^(v - 1) and
    u^v*log(u) for a power u^v."""
    depends = [bool(c.free_symbols & wanted) for c in children(node)]
    if type(node) is Pow:
        base, exponent = arguments
        found = (Mul(exponent, Pow(base, add(exponent, NEG_ONE))), Mul(Pow(base, exponent), Func("log", base)))
        return [(i, p) for i, p in enumerate(found) if depends[i] and not (i == 1 and node.base is E)]
    formulas = FORMULAS.get((cast(Func, node).name, len(arguments)))
    if formulas is None:
        return []
    return [(i, _at_arguments(f, arguments)) for i, f in enumerate(formulas)
            if depends[i] and f is not None and any(_may_be_undefined(part) for part in subexpressions(f))]


def _at_arguments(formula: Expr, arguments: list[Expr]) -> Expr | None:
    """A row's formula in u (and v) at these arguments; None where building it divides by 0."""
    return _built(lambda: substitute(formula, _slots(arguments)))


def _power_edge(node: Pow, values: _Values, wanted: frozenset[str]) -> str | None:
    """u^r, r a constant that is not an integer, where u = 0: u^r is real only where u >= 0 (symdiff's powers
    are principal roots: x^(1/3) has no real value for x < 0; cbrt is the real cube root). How u leaves 0 along
    each variable decides, exactly, from its first non-zero derivative there, u ~ c*h^k: k odd, u < 0 on one
    side (an end of the domain: x^(3/2), (x - 1)^(5/2)); k even, c < 0, u^r real at the point only; k even,
    c > 0, u^r ~ c^r*|h|^(k*r), differentiable when k*r > 1 (sqrt(x^4), (x^2)^(3/2)), a corner when k*r = 1
    (sqrt(x^2)) and a cusp when k*r < 1 ((x^2)^(1/3)). A base that vanishes to a higher order than MAX_ORDER
    along every variable is refused on the safe side."""
    base, exponent = node.base, values[node.exp]
    r = None if exponent is None else _real_number(exponent)
    if (not base.free_symbols & wanted or r is None or _is_integer(exponent) or not is_zero(values[base])
            or values[node] is None):
        return None
    where = f"{node} is not differentiable where {base} = 0"
    decided = False
    for name in sorted(base.free_symbols & wanted):
        lead = _leading_term(base, name, values.point)
        if lead is None:
            continue
        k, positive = lead
        along = f" (along {name})" if len(wanted) > 1 else ""
        if k % 2:
            return f"{where}: it is real on one side only{along}, an end of its domain"
        if not positive:
            return f"{where}: it is real at that point only{along}"
        order = k * r  # exact for a fraction
        if order < 1:
            return f"{where}: its derivative is infinite there (a cusp){along}"
        if order == 1:
            return f"{where}: it has a corner there, as abs(x) has at x = 0{along}"
        decided = True
    if decided:
        return None
    return f"{where}: it is real only where {base} >= 0, and symdiff cannot tell on which sides that holds"


def _leading_term(u: Expr, name: str, point: Mapping[str, Expr]) -> tuple[int, bool] | None:
    """(k, c > 0) for the first derivative of `u` in `name` that is not 0 at the point, c its value (u being
    0 there); None if none of the first MAX_ORDER is, or one has no value or keeps a symbol."""
    for k in range(1, MAX_ORDER + 1):
        try:
            u = derivative(u, [name])
        except DifferentiationError:
            return None
        value = _value(substitute(u, {Sym(n): v for n, v in point.items()}))
        c = None if value is None else _real_number(value)
        if c is None:
            return None
        if not is_zero(value):
            return k, c > 0
    return None


def _call_kind(node: Func, position: int, arguments: list[Expr]) -> str:
    """What kind of point a call is at where its partial in argument `position` has no value, told by probing
    the function just either side of the argument's value, at DIGITS digits: an end of its domain (real on one
    side only), a vertical tangent (the derivative of one sign either side) or a cusp (of opposite signs)."""
    formula = FORMULAS[node.name, len(arguments)][position]
    sides = []
    for step in (neg(PROBE), PROBE):
        moved = [add(v, step) if i == position else v for i, v in enumerate(arguments)]
        at = None if formula is None else _at_arguments(formula, moved)
        slope = None if at is None else _real_or_none(at)
        sides.append((_real_or_none(Func(node.name, *moved)), slope))
    real = [value is not None for value, _ in sides]
    if real == [False, False]:
        return f"{node.name} has no real value either side of it"
    if real != [True, True]:
        return f"an end of the domain of {node.name}"
    (_, left), (_, right) = sides
    if left is None or right is None:
        return f"the derivative of {node.name} has no value there"
    kind = "a vertical tangent" if (left > 0) == (right > 0) else "a cusp"
    return f"its derivative is infinite there ({kind})"


def _real_or_none(closed: Expr) -> float | None:
    """A closed form's real value at DIGITS digits; None where it has none (not real, a pole)."""
    try:
        value = numeric_value(closed, {}, complex_values=True, digits=DIGITS)
    except (EvaluationError, ZeroDivisionError, ValueError):
        return None
    return value.real if abs(value.imag) <= TOLERANCE * max(1.0, abs(value.real)) else None


def _has_value(closed: Expr) -> bool | None:
    """Whether a closed form has a real value: None when that is not known (it keeps a symbol)."""
    try:
        value = value_at(closed, {}) if _has_float(closed) else _exact_value(closed, {}, True, simplified=False)
    except EvaluationError as error:
        return None if error.reason is None else False
    return None if isinstance(value, Expr) and value.free_symbols else True


def _value(node: Expr) -> Expr | float | None:
    """A closed form's value: exact (its canonical form: a number, or a closed form such as sqrt(2)) or a float
    (where it holds a decimal); None where it has no value or keeps a symbol."""
    try:
        value = value_at(node, {}) if _has_float(node) else _exact_value(node, {}, True, simplified=False)
    except EvaluationError:
        return None
    if isinstance(value, Expr) and value.free_symbols:
        return None
    return value


def is_zero(value: Expr | float | None) -> bool:
    """Whether a value at a point (a number, a closed form, a float; None for no value) is 0: exactly for a
    number, within TOLERANCE at DIGITS digits for a closed form symdiff does not reduce (log(6) - log(2) -
    log(3))."""
    if value is None:
        return False
    if isinstance(value, float):
        return value == 0
    if isinstance(value, (Num, Float)):
        return value.value == 0
    return abs(_closed_form(value)) < TOLERANCE


def _real_number(value: Expr | float) -> int | Fraction | float | None:
    """A value as a real number: exact for a rational, a float otherwise (a closed form's computed at DIGITS
    digits); None for a closed form with no real value (f(1), an undefined function's)."""
    if isinstance(value, float):
        return value
    if isinstance(value, (Num, Float)):
        return value.value
    return _real_or_none(value)


def _is_integer(value: Expr | float | None) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value.is_integer()
    if type(value) is Num:
        return isinstance(value.value, int)
    if type(value) is Float:
        return value.value.is_integer()
    nearest = round(_closed_form(value).real)  # then the distance to it, computed at DIGITS digits
    return is_zero(canonical(sub(value, Num(nearest))))


def _closed_form(value: Expr) -> complex:
    """A closed form's value, computed at DIGITS digits (then rounded to a complex of floats)."""
    try:
        return numeric_value(value, {}, complex_values=True, digits=DIGITS)
    except EvaluationError:
        return complex(1)  # no finite value: neither 0 nor an integer


def _shown(value: Expr | float | None) -> str:
    return repr(value) if isinstance(value, float) else str(value)
