"""The Python API: parse, diff, simplify and print, taking an expression or its text.

Every function here takes `limits=` (a symdiff.limits.Limits) to override, for that call, the resource limits
in force (see symdiff.limits: input length, nesting depth, number size, derivative order, expression size);
`with symdiff.limits.use(...)` does the same for a block. Whatever the input, these functions return a result
or raise a SymdiffError: deep nesting, huge numbers and huge results are LimitErrors, never a RecursionError,
an OverflowError or a MemoryError.
"""

from __future__ import annotations

import functools

from . import functions
from . import limits as _limits
from .differentiate import differentiate
from .errors import LimitError, UndefinedError, UsageError
from .expr import NAME_PATTERN, Const, Expr, Sym
from .parser import parse as _parse
from .parser import parse_list as _parse_list
from .printing.latex import latex as _latex
from .printing.sympy_code import to_sympy_code
from .printing.text import to_text
from .simplify import LEVELS
from .simplify import simplify as _simplify

# A derivative order above this is refused: each order at least rebuilds the expression. The limit in force
# is symdiff.limits.current().max_order; this is its default.
MAX_ORDER = _limits.DEFAULT_LIMITS.max_order


def _guard(function):
    """Runs `function` with the limits given by its `limits` keyword in force and room on the stack for
    expressions nested as deep as they allow. What still goes wrong for want of resources becomes a
    LimitError, never a traceback: recursion deeper than that (a result far deeper than its input), numbers
    too large for a float or for Python's int-to-text conversion, memory."""
    @functools.wraps(function)
    def guarded(*args, limits: _limits.Limits | None = None, **kwargs):
        with _limits.use(limits) as in_force, _limits.recursion_room(in_force):
            try:
                return function(*args, **kwargs)
            except RecursionError:
                raise LimitError("expression too deeply nested") from None
            except OverflowError:
                raise LimitError("a number is too large (over 1.8e308 for a decimal)") from None
            except ValueError as error:
                if "integer string conversion" in str(error):  # Python's limit on printing huge ints
                    raise LimitError("a number in the result has too many digits to print") from None
                raise
            except ZeroDivisionError:  # a literal 0 in a denominator, e.g. from log(x, 0) = log(x)/log(0)
                raise UndefinedError("division by zero: the expression divides by something that is "
                                     "identically 0") from None
            except MemoryError:
                raise LimitError("out of memory: the expression or its result is too large") from None
    return guarded


guard = _guard  # for other entry points (gradient, evaluation, ...): wrap them the same way


def as_expr(expr: Expr | str, check: bool = False) -> Expr:
    """An expression from an Expr or from text (parsed within the limits in force). With `check`, an Expr
    given as such is checked against max_size too (not max_depth: a result may nest a little deeper than its
    input; recursion far deeper than max_depth is still a LimitError)."""
    if isinstance(expr, Expr):
        if check:
            _limits.check_expression(expr, depth=False)
        return expr
    if isinstance(expr, str):
        return _parse(expr)
    raise TypeError(f"expected an expression or its text, not {type(expr).__name__}")


@_guard
def parse(text: str) -> Expr:
    """Parse text such as "3x^2 - 4x" into an expression (ParseError, with position, if it is not one;
    LimitError if it is longer or nests deeper than the limits allow)."""
    return _parse(text)


@_guard
def parse_list(text: str) -> list:
    """Parse a comma-separated list of expressions, "x*y, x + y^2"."""
    return _parse_list(text)


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
    False (the rules' raw output). The total order is at most limits.max_order, and each intermediate
    result at most limits.max_size nodes (LimitError)."""
    expr = as_expr(expr, check=True)
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise UsageError(f"the order must be a whole number >= 0, not {order!r}")
    names = [variable_name(part) for v in variables
             for part in (v.split(",") if isinstance(v, str) else [v])]
    if not names and order > 0:
        names = [default_variable(expr)]
    _limits.check_order(order * len(names))
    simplifier = _simplifier(simplify)
    result = simplifier(expr) if simplifier else expr
    for name in names:
        done = [0]

        def between(node, name=name, done=done):
            node = simplifier(node) if simplifier else node
            _limits.check_expression(node, depth=False)
            done[0] += 1
            if done[0] < order:
                _limits.check_derivative_size(node, name)  # before the next order builds it
            return node
        _limits.check_derivative_size(result, name)
        result = differentiate(result, name, order, between=between)
    return result


@_guard
def simplify(expr: Expr | str, level: str = "full") -> Expr:
    """The simplified form of an expression: "full" (default) or "basic" (the canonical form only)."""
    if level not in LEVELS:
        raise UsageError(f"unknown simplification level {level!r}: use {' or '.join(LEVELS)}")
    return _simplify(as_expr(expr, check=True), level)


@_guard
def latex(expr: Expr | str) -> str:
    """LaTeX for an expression, e.g. `\\frac{x}{2 y}`."""
    return _latex(as_expr(expr))


@_guard
def text(expr: Expr | str) -> str:
    """Plain text for an expression, which parse() reads back to the same expression."""
    return to_text(as_expr(expr))


@_guard
def sympy_code(expr: Expr | str, standalone: bool = False) -> str:
    """Python source building the expression in SymPy; `standalone` adds the import and symbols."""
    return to_sympy_code(as_expr(expr), standalone)
