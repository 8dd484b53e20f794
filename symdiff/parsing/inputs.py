"""What the public functions take: an expression or its text, and variables as names, symbols or "x,y"."""

from __future__ import annotations

from ..core import budget
from ..core.errors import UsageError
from ..core.expr import NAME_PATTERN, Const, Expr, Sym
from ..functions import is_known
from .parser import parse, parse_list

__all__ = ["as_expr", "as_expressions", "variable_name", "variable_names", "default_variable"]


def as_expr(expr: Expr | str, check: bool = False) -> Expr:
    """An expression from an Expr or from text (parsed within the budget in force). With `check`, an Expr
    given as such is checked against max_size too (not max_depth: a result may nest a little deeper than its
    input; recursion far deeper than max_depth is still a BudgetError)."""
    if isinstance(expr, Expr):
        if check:
            budget.check_expression(expr, depth=False)
        return expr
    if isinstance(expr, str):
        return parse(expr)
    raise TypeError(f"expected an expression or its text, not {type(expr).__name__}")


def as_expressions(exprs) -> list:
    """A list of expressions from a list (of expressions or texts) or from comma-separated text."""
    if isinstance(exprs, str):
        return parse_list(exprs)
    if isinstance(exprs, Expr):
        return [exprs]
    return [as_expr(e) for e in exprs]


def variable_name(variable) -> str:
    """The name of a variable given as text or as a symbol; UsageError for anything else."""
    name = variable.name if isinstance(variable, Sym) else variable
    if not isinstance(name, str) or not NAME_PATTERN.match(name.strip()):
        raise UsageError(f"{variable!r} is not a variable name")
    name = name.strip()
    if is_known(name) or name in Const.NAMES:
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
