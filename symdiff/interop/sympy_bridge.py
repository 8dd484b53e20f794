"""Exact conversion between symdiff and SymPy, built from the trees in both directions.

No string is ever printed and re-parsed: sympify and parse_expr call eval, and user text must never reach
them. Rationals stay rationals, `e` is E, undefined functions are SymPy Functions, and a derivative of an
undefined function is Derivative(f(x), x) at symbol arguments, or Subs(Derivative(f(xi), xi), xi, u) at a
compound argument u. SymPy is imported here only, so that plain differentiation never loads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NoReturn, cast

import sympy

from .. import functions
from ..calculus.forward import differentiate
from ..core import budget
from ..core.build import add, mul, power, substitute
from ..core.errors import ConversionError, Reason
from ..core.expr import NAME_PATTERN, Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import subexpressions
from ..functions import FunctionRow
from ..parsing.names import constant
from ..parsing.parser import parse_internal



def sympy_function(row: FunctionRow) -> Callable[..., Any]:
    """SymPy's function for a registry row: the SymPy function it names, or for a function SymPy does not have
    (sigmoid), a Python function that builds the row's formula (`row.sympy`, parsed once) in its SymPy
    arguments."""
    if not row.sympy_is_formula:
        function: Callable[..., Any] = getattr(sympy, row.sympy)
        return function
    found = _TO_SYMPY_FUNCTION.get((row.name, row.arity))
    if found is not None:
        return found
    formula = to_sympy(parse_internal(row.sympy))
    slots = [sympy.Symbol(name) for name in functions.ARGUMENT_NAMES[:row.arity]]

    def build(*arguments: Any) -> Any:
        return formula.xreplace(dict(zip(slots, arguments)))

    build.__name__ = row.name
    return build


# (name, arity) -> SymPy's function, filled at the end of this module (a formula row's is built by to_sympy).
_TO_SYMPY_FUNCTION: dict[tuple[str, int], Callable[..., Any]] = {}
# SymPy's function class -> the row's name, for the rows that name one (a one-argument row's first: log). Nothing
# maps back to a row given by a formula: SymPy's 1/(1 + exp(-x)) stays that, not sigmoid(x).
_FROM_SYMPY_FUNCTION: dict[Any, str] = {}


def to_sympy(node: Expr, real: bool = False) -> Any:
    """The SymPy expression for `node`; with `real`, symbols are declared real (as for checking |x|' = sign(x))."""
    assumptions = {"real": True} if real else {}
    memo: dict[Expr, Any] = {}

    def convert(n: Expr) -> Any:
        found = memo.get(n)
        if found is not None:
            return found
        if type(n) is Num:
            value = n.value
            result = sympy.Integer(value) if isinstance(value, int) else sympy.Rational(value.numerator,
                                                                                         value.denominator)
        elif type(n) is Float:
            result = sympy.Float(n.value)
        elif type(n) is Sym:
            result = sympy.Symbol(n.name, **assumptions)
        elif type(n) is Const:
            result = sympy.pi if n.name == "pi" else sympy.E
        elif type(n) is Add:
            result = sympy.Add(*map(convert, n.args))
        elif type(n) is Mul:
            result = sympy.Mul(*map(convert, n.args))
        elif type(n) is Pow:
            result = sympy.Pow(convert(n.base), convert(n.exp))
        elif type(n) is Func:
            function = _TO_SYMPY_FUNCTION.get((n.name, len(n.arguments))) or sympy.Function(n.name)
            result = function(*map(convert, n.arguments))
        elif type(n) is Derivative:
            result = _derivative_to_sympy(n, list(map(convert, n.arguments)))
        else:  # pragma: no cover
            raise ConversionError(f"cannot convert {type(n).__name__} to SymPy")
        memo[n] = result
        return result

    return convert(node)


def _derivative_to_sympy(node: Derivative, arguments: list[Any]) -> Any:
    function = sympy.Function(node.name)
    if all(a.is_Symbol for a in arguments) and len(set(arguments)) == len(arguments):
        counts = [(a, k) for a, k in zip(arguments, node.orders) if k]
        return sympy.Derivative(function(*arguments), *counts)
    slots = [sympy.Dummy(f"xi_{i + 1}") for i in range(len(arguments))]
    counts = [(s, k) for s, k in zip(slots, node.orders) if k]
    return sympy.Subs(sympy.Derivative(function(*slots), *counts), slots, arguments)


def from_sympy(obj: Any) -> Expr:
    """The symdiff expression for a SymPy expression. ConversionError for what has no symdiff equivalent
    (the imaginary unit, infinities, integrals, special functions, a decimal beyond float range, ...) and for
    names symdiff's syntax reads as something else (a symbol called pi, e or sin; a name used for a symbol and
    a function), so that parse(text(result)) is always the result; the error's `name` is the name. Within the
    budget in force: a derivative's total order (of derivatives nested in one another) is at most max_order,
    exact numbers have at most max_result_digits digits, and what is built, a derivative after every order and
    the result, at most max_size nodes as a tree (BudgetError)."""
    memo: dict[Any, Expr] = {}
    orders: dict[Any, int] = {}

    def convert(o: Any) -> Expr:
        found = memo.get(o)
        if found is None:
            found = _convert(o, convert, nested_order)
            memo[o] = found
        return found

    def nested_order(o: Any) -> int:
        """The total order of the derivatives in `o`, one inside another (a sum of two adds nothing)."""
        found = orders.get(o)
        if found is None:
            found = max((nested_order(a) for a in o.args), default=0)
            if isinstance(o, sympy.Derivative):
                found += sum(int(count) for _, count in o.variable_count)
            orders[o] = found
        return found

    if isinstance(obj, Expr):  # already symdiff's (sympify would convert it to SymPy through _sympy_, and back)
        budget.check_expression(obj, depth=False)
        return obj
    try:
        obj = sympy.sympify(obj, strict=True)  # numbers only: strict refuses strings, so nothing is eval'd
    except sympy.SympifyError:
        raise ConversionError(f"not a SymPy expression: {obj!r}") from None
    result = convert(obj)
    budget.check_expression(result, depth=False)
    _check_names(result)
    return result


def _check_names(node: Expr) -> None:
    """ConversionError unless every name in `node` reads back as itself: no symbol named as a constant (pi, e)
    or a function (sin, sqrt, ln), no bound variable of a Subs left free, and no name used both as a symbol and
    as a function or as a function of two different numbers of arguments (text(node) would not parse).
    The error's `name` is the name."""
    def refuse(message: str, name: str) -> NoReturn:
        raise ConversionError(message, name=name)

    for name in sorted(node.free_symbols):
        if name.startswith("_dummy"):
            refuse("a Dummy symbol (the bound variable of a Subs or Lambda) occurs free: symdiff's syntax has no "
                   "name for it", name)
        if constant(name) is not None:
            refuse(f"the symbol name {name!r} is symdiff's constant {constant(name)}: rename the symbol", name)
        if functions.is_function_only(name):
            refuse(f"the symbol name {name!r} is the name of a function in symdiff: rename the symbol", name)
    arities: dict[str, int] = {}
    for part in subexpressions(node):
        if type(part) is Derivative or (type(part) is Func and functions.lookup(part.name, len(part.arguments))
                                        is None):
            name, arity = part.name, len(part.arguments)
            if name in node.free_symbols:
                refuse(f"{name!r} is the name of a symbol and of a function: rename one of them", name)
            if arities.setdefault(name, arity) != arity:
                refuse(f"the function {name!r} is used with {min(arity, arities[name])} and with "
                       f"{max(arity, arities[name])} arguments: rename one of them", name)


def _convert(o: Any, convert: Callable[[Any], Expr], nested_order: Callable[[Any], int]) -> Expr:
    if o.is_Integer:
        return Num(budget.check_number(int(o)))  # at most max_result_digits digits
    if o.is_Rational:
        return Num(Fraction(budget.check_number(int(o.p)), budget.check_number(int(o.q))))
    if o.is_Float:
        value = float(o)
        if not math.isfinite(value):
            reason = Reason.OVERFLOW if math.isinf(value) else Reason.NOT_REAL
            raise ConversionError(f"the decimal {sympy.Float(o, 3)} is beyond the range of a float (1.8e308)",
                                  reason=reason)
        return Float(value)
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
        if not NAME_PATTERN.match(name) or functions.is_known(name) or constant(name) is not None:
            raise ConversionError(f"the function name {name!r} cannot be written in symdiff's syntax")
        return Func(name, *map(convert, o.args))
    if o.is_Function and type(o) in _FROM_SYMPY_FUNCTION:
        name = _FROM_SYMPY_FUNCTION[type(o)]
        if functions.lookup(name, len(o.args)) is not None:
            return Func(name, *map(convert, o.args))
        row = functions.lookup(name, 2)
        if row is not None and row.associative and len(o.args) > 2:  # Max(x, y, z) is max(max(x, y), z)
            arguments = list(map(convert, o.args))
            result: Expr = Func(name, *arguments[:2])
            for argument in arguments[2:]:
                result = Func(name, result, argument)
            return result
    if isinstance(o, sympy.Derivative):
        budget.check_order(nested_order(o))  # before any work: Derivative(f(x), (x, 10**6)) is refused at once
        result = convert(o.expr)  # exact: d/dx of the converted expression
        for variable, count in o.variable_count:
            if not variable.is_Symbol:
                raise ConversionError(f"cannot convert a derivative with respect to {variable}")
            result = _differentiate(result, cast(Sym, convert(variable)).name, int(count))
        return result
    if isinstance(o, sympy.Subs):
        mapping = {convert(v): convert(p) for v, p in zip(o.variables, o.point)}
        return substitute(convert(o.expr), mapping)
    raise ConversionError(f"symdiff has no equivalent of SymPy's {type(o).__name__} ({o})")


def _differentiate(node: Expr, name: str, order: int) -> Expr:
    """The order-th derivative, unsimplified (exact), each order at most max_size nodes and the next one
    estimated before it is built (as symdiff.diff does)."""
    done = [0]

    def between(result: Expr) -> Expr:
        budget.check_expression(result, depth=False)
        done[0] += 1
        if done[0] < order:
            budget.check_derivative_size(result, name)
        return result

    if order:
        budget.check_derivative_size(node, name)
    return differentiate(node, name, order, between=between)


def _fill_tables() -> None:
    """The rows that name a SymPy function first, as a formula may call them."""
    for row in sorted(functions.REGISTRY.values(), key=lambda row: row.sympy_is_formula):
        _TO_SYMPY_FUNCTION[row.name, row.arity] = sympy_function(row)
    for row in sorted(functions.REGISTRY.values(), key=lambda row: row.arity):
        if not row.sympy_is_formula:
            _FROM_SYMPY_FUNCTION.setdefault(getattr(sympy, row.sympy), row.name)


_fill_tables()
