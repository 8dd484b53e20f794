"""What the public functions take: an expression or its text, variables as names, symbols or "x,y", and points
(`{"x": "1/2"}`, or the command line's "x=1,y=1/2")."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ..core import budget
from ..core.errors import ParseError, UsageError
from ..core.expr import NAME_PATTERN, Expr, Float, Num, Sym
from ..functions import SYMBOL_NAMES
from .names import constant, is_function
from .parser import parse, parse_list

__all__ = ["as_expr", "as_expressions", "variable_name", "variable_names", "default_variable", "as_point",
           "parse_point"]


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


def as_expressions(exprs, check: bool = False) -> list:
    """A list of expressions from a list (of expressions or texts) or from comma-separated text; `check` as for
    as_expr."""
    if isinstance(exprs, str):
        return parse_list(exprs)
    if isinstance(exprs, Expr):
        exprs = [exprs]
    return [as_expr(e, check=check) for e in exprs]


def variable_name(variable) -> str:
    """The name of a variable given as text or as a symbol; UsageError for anything else."""
    name = variable.name if isinstance(variable, Sym) else variable
    if not isinstance(name, str) or not NAME_PATTERN.match(name.strip()):
        raise UsageError(f"{variable!r} is not a variable name")
    name = name.strip()
    if is_function(name) and name not in SYMBOL_NAMES or constant(name) is not None:
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


# ---- points ------------------------------------------------------------------------------------------------

def _as_value(name: str, value) -> Expr:
    """A value as an expression: int and Fraction exact, float a Float, text parsed (never eval'd), an
    expression checked against max_size. Anything else convertible to float (numpy scalars, Decimal) must be
    finite, as a float must: Decimal('nan') and Decimal('inf') are UsageErrors."""
    if isinstance(value, bool) or isinstance(value, complex):
        raise UsageError(f"{name}: {value!r} is not a real number")
    if isinstance(value, (int, Fraction)):
        return Num(value)
    if isinstance(value, (str, Expr)):
        return as_expr(value, check=True)
    if not isinstance(value, float):
        try:  # numpy scalars, Decimal: anything with an exact float value
            value = float(value)
        except (TypeError, ValueError, ArithmeticError):
            raise UsageError(f"{name}: cannot use {value!r} as a value") from None
    if not math.isfinite(value):
        raise UsageError(f"{name} = {value} is not a finite number")
    return Float(value)


def as_point(values: dict) -> dict:
    """{name: Expr} from the user's values; names are checked like variable names (not pi, not sin)."""
    if not isinstance(values, dict):
        raise UsageError("values must be a dict such as {'x': 1}")
    return {variable_name(name): _as_value(str(name), value) for name, value in values.items()}


_ASSIGNMENT = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=")


def parse_point(text: str) -> dict:
    """{name: Expr} from the command line's "x=1, y=sqrt(2)/2". A value may hold commas (log(8, 2)): a new
    assignment starts only at a comma followed by `name =`. Errors point into `text` with a caret."""
    starts = [m for m in re.finditer(r"(?:^|,)(?=\s*[A-Za-z][A-Za-z0-9_]*\s*=)", text)]
    if not text.strip() or not starts or starts[0].start() != 0:
        raise UsageError("expected a point such as x=1 or x=1,y=1/2", text, 0)
    point = {}
    for i, start in enumerate(starts):
        begin = start.end()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        assignment = _ASSIGNMENT.match(text, begin)
        name, value_at = assignment.group(1), assignment.end()
        if name in point:
            raise UsageError(f"{name} is given twice", text, assignment.start(1))
        value_text = text[value_at:end]
        try:
            point[name] = parse(value_text) if value_text.strip() else None
        except ParseError as error:  # the caret under the value, within the whole point
            raise ParseError(f"in the value of {name}: {error.message}", text,
                             value_at + (error.position or 0)) from None
        if point[name] is None:
            raise UsageError(f"no value after {name}=", text, value_at)
    return as_point(point)
