"""The Python API: parse, diff, simplify and print, taking an expression or its text."""

from __future__ import annotations

import functools

from . import functions
from .differentiate import differentiate
from .errors import LimitError, UsageError
from .expr import NAME_PATTERN, Const, Expr, Sym
from .parser import parse as _parse
from .printing.latex import latex as _latex
from .printing.sympy_code import to_sympy_code
from .printing.text import to_text
from .simplify import LEVELS
from .simplify import simplify as _simplify

# A derivative order above this is refused: each order at least rebuilds the expression.
MAX_ORDER = 1000



def _guard(function):
    """Deep recursion on a pathological input becomes a LimitError, not a RecursionError traceback."""
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except RecursionError:
            raise LimitError("expression too deeply nested") from None
    return guarded


def as_expr(expr: Expr | str) -> Expr:
    """An expression from an Expr or from text."""
    if isinstance(expr, Expr):
        return expr
    if isinstance(expr, str):
        return parse(expr)
    raise TypeError(f"expected an expression or its text, not {type(expr).__name__}")


@_guard
def parse(text: str) -> Expr:
    """Parse text such as "3x^2 - 4x" into an expression (ParseError, with position, if it is not one)."""
    return _parse(text)


def variable_name(variable) -> str:
    """The name of a variable given as text or as a symbol; UsageError for anything else."""
    name = variable.name if isinstance(variable, Sym) else variable
    if not isinstance(name, str) or not NAME_PATTERN.match(name.strip()):
        raise UsageError(f"{variable!r} is not a variable name")
    name = name.strip()
    if functions.is_known(name) or name in Const.NAMES:
        raise UsageError(f"{name} is a function or constant, not a variable")
    return name


def default_variable(expr: Expr) -> str:
    """The variable to differentiate in when none is given: the only free symbol."""
    free = sorted(expr.free_symbols)
    if len(free) == 1:
        return free[0]
    if not free:
        return "x"  # a constant: its derivative is 0 in any variable
    raise UsageError(f"the expression has several free symbols ({', '.join(free)}): say which to "
                     "differentiate in")


def variable_names(variables, exprs) -> list:
    """Variable names from names, symbols or comma-separated text ("x,y"), each once; with None, every free
    symbol of `exprs` in sorted order."""
    if variables is None:
        return sorted(set().union(*(e.free_symbols for e in exprs)))
    if isinstance(variables, (str, Sym)):
        variables = [variables]
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    if len(set(names)) != len(names):
        raise UsageError(f"a variable is listed twice in {', '.join(names)}")
    return names


def simplification_level(simplify) -> str | None:
    """The level for a `simplify` argument: True or "full", "basic", or None for False/None/"none"."""
    if simplify is True:
        simplify = "full"
    if simplify in (False, None, "none"):
        return None
    if simplify not in LEVELS:
        raise UsageError(f"unknown simplification level {simplify!r}: use none, {', '.join(LEVELS)}")
    return simplify


def _simplifier(simplify):
    """The simplification step for diff's `simplify`, or None."""
    level = simplification_level(simplify)
    return None if level is None else (lambda node: _simplify(node, level))


@_guard
def diff(expr: Expr | str, *variables, order: int = 1, simplify: bool | str = True) -> Expr:
    """The derivative of `expr`, `order` times in each of `variables` in turn (all of them if one is a
    comma-separated list: diff(f, "x,y") is d2f/dydx). With no variable, the expression's only free symbol.
    A variable that does not occur gives 0. `simplify`: True (or "full"), "basic" (canonical form only), or
    False (the rules' raw output)."""
    expr = as_expr(expr)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise UsageError(f"the order must be a whole number >= 0, not {order!r}")
    names = [variable_name(part) for v in variables
             for part in (v.split(",") if isinstance(v, str) else [v])]
    if not names and order > 0:
        names = [default_variable(expr)]
    if order * len(names) > MAX_ORDER:
        raise LimitError(f"derivative order {order * len(names)} is over the limit of {MAX_ORDER}")
    between = _simplifier(simplify)
    result = between(expr) if between else expr
    for name in names:
        result = differentiate(result, name, order, between=between)
    return result


@_guard
def simplify(expr: Expr | str, level: str = "full") -> Expr:
    """The simplified form of an expression: "full" (default) or "basic" (the canonical form only)."""
    if level not in LEVELS:
        raise UsageError(f"unknown simplification level {level!r}: use {' or '.join(LEVELS)}")
    return _simplify(as_expr(expr), level)


@_guard
def latex(expr: Expr | str) -> str:
    """LaTeX for an expression, e.g. \\frac{x}{2 y}."""
    return _latex(as_expr(expr))


@_guard
def text(expr: Expr | str) -> str:
    """Plain text for an expression, which parse() reads back to the same expression."""
    return to_text(as_expr(expr))


@_guard
def sympy_code(expr: Expr | str, standalone: bool = False) -> str:
    """Python source building the expression in SymPy; `standalone` adds the import and symbols."""
    return to_sympy_code(as_expr(expr), standalone)
