"""Exact conversion between symdiff and SymPy, built from the trees in both directions.

No string is ever printed and re-parsed: sympify and parse_expr call eval, and user text must never reach
them. Rationals stay rationals, `e` is E, undefined functions are SymPy Functions, and a derivative of an
undefined function is Derivative(f(x), x) at symbol arguments, or Subs(Derivative(f(xi), xi), xi, u) at a
compound argument u. SymPy is imported here only, so that plain differentiation never loads it.
"""

from __future__ import annotations

from fractions import Fraction

import sympy

from .. import functions
from ..calculus.forward import differentiate
from ..core.build import add, mul, power, substitute
from ..core.errors import ConversionError
from ..core.expr import NAME_PATTERN, Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym

_TO_SYMPY_FUNCTION = {(rule.name, rule.arity): getattr(sympy, rule.sympy) for rule in functions.REGISTRY.values()}
_FROM_SYMPY_FUNCTION = {getattr(sympy, rule.sympy): rule.name for rule in functions.REGISTRY.values()
                        if rule.arity == 1}


def to_sympy(node: Expr, real: bool = False):
    """The SymPy expression for `node`; with `real`, symbols are declared real (as for checking |x|' = sign(x))."""
    assumptions = {"real": True} if real else {}
    memo: dict = {}

    def convert(n: Expr):
        found = memo.get(n)
        if found is not None:
            return found
        kind = type(n)
        if kind is Num:
            value = n.value
            result = sympy.Integer(value) if isinstance(value, int) else sympy.Rational(value.numerator,
                                                                                         value.denominator)
        elif kind is Float:
            result = sympy.Float(n.value)
        elif kind is Sym:
            result = sympy.Symbol(n.name, **assumptions)
        elif kind is Const:
            result = sympy.pi if n.name == "pi" else sympy.E
        elif kind is Add:
            result = sympy.Add(*map(convert, n.args))
        elif kind is Mul:
            result = sympy.Mul(*map(convert, n.args))
        elif kind is Pow:
            result = sympy.Pow(convert(n.base), convert(n.exp))
        elif kind is Func:
            function = _TO_SYMPY_FUNCTION.get((n.name, len(n.arguments))) or sympy.Function(n.name)
            result = function(*map(convert, n.arguments))
        elif kind is Derivative:
            result = _derivative_to_sympy(n, list(map(convert, n.arguments)))
        else:  # pragma: no cover
            raise ConversionError(f"cannot convert {kind.__name__} to SymPy")
        memo[n] = result
        return result

    return convert(node)


def _derivative_to_sympy(node: Derivative, arguments: list):
    function = sympy.Function(node.name)
    if all(a.is_Symbol for a in arguments) and len(set(arguments)) == len(arguments):
        counts = [(a, k) for a, k in zip(arguments, node.orders) if k]
        return sympy.Derivative(function(*arguments), *counts)
    slots = [sympy.Dummy(f"xi_{i + 1}") for i in range(len(arguments))]
    counts = [(s, k) for s, k in zip(slots, node.orders) if k]
    return sympy.Subs(sympy.Derivative(function(*slots), *counts), slots, arguments)


def from_sympy(obj) -> Expr:
    """The symdiff expression for a SymPy expression. ConversionError for what has no symdiff equivalent
    (the imaginary unit, infinities, integrals, special functions, ...)."""
    memo: dict = {}

    def convert(o) -> Expr:
        found = memo.get(o)
        if found is None:
            found = _convert(o, convert)
            memo[o] = found
        return found

    try:
        obj = sympy.sympify(obj, strict=True)  # numbers only: strict refuses strings, so nothing is eval'd
    except sympy.SympifyError:
        raise ConversionError(f"not a SymPy expression: {obj!r}") from None
    return convert(obj)


def _convert(o, convert) -> Expr:
    if o.is_Integer:
        return Num(int(o))
    if o.is_Rational:
        return Num(Fraction(int(o.p), int(o.q)))
    if o.is_Float:
        return Float(float(o))
    if o is sympy.pi:
        return Const("pi")
    if o is sympy.E:
        return Const("e")
    if isinstance(o, sympy.Dummy):  # Subs' bound variables: a name no user symbol can have
        return Sym(f"_dummy{o.dummy_index}")
    if o.is_Symbol:
        if not NAME_PATTERN.match(o.name):
            raise ConversionError(f"the symbol name {o.name!r} cannot be written in symdiff's syntax")
        return Sym(o.name)
    if o.is_Add:
        return add(*map(convert, o.args))
    if o.is_Mul:
        return mul(*map(convert, o.args))
    if o.is_Pow:
        return power(convert(o.base), convert(o.exp))
    if isinstance(o, sympy.exp):  # exp is a Pow-like class in SymPy, not is_Function in all versions
        return Func("exp", convert(o.args[0]))
    if isinstance(o, sympy.core.function.AppliedUndef):
        name = type(o).__name__
        if not NAME_PATTERN.match(name) or functions.is_known(name):
            raise ConversionError(f"the function name {name!r} cannot be written in symdiff's syntax")
        return Func(name, *map(convert, o.args))
    if o.is_Function and type(o) in _FROM_SYMPY_FUNCTION:
        return Func(_FROM_SYMPY_FUNCTION[type(o)], *map(convert, o.args))
    if isinstance(o, sympy.Derivative):
        result = convert(o.expr)  # exact: d/dx of the converted expression
        for variable, count in o.variable_count:
            if not variable.is_Symbol:
                raise ConversionError(f"cannot convert a derivative with respect to {variable}")
            result = differentiate(result, convert(variable).name, int(count))
        return result
    if isinstance(o, sympy.Subs):
        mapping = {convert(v): convert(p) for v, p in zip(o.variables, o.point)}
        return substitute(convert(o.expr), mapping)
    raise ConversionError(f"symdiff has no equivalent of SymPy's {type(o).__name__} ({o})")
