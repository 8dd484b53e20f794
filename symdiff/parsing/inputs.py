"""What the public functions take: an expression, its text or a SymPy expression; numbers (ints, Fractions,
floats, NumPy scalars); variables as names, symbols (symdiff's or SymPy's) or "x,y"; and points (`{"x": "1/2"}`,
or the command line's "x=1,y=1/2").

SymPy objects are converted here, once, for every public function, by symdiff.from_sympy (exactly, from the tree,
never through text). This layer sits below the interop layer, so it recognises a SymPy object without importing
SymPy (by the module its type comes from, or the `_sympy_` method of an object that converts itself), and converts
it through the function the API hands over when symdiff is imported (`connect_sympy`, as the core's
`connect_api`): the layers still import only downward, and SymPy is loaded only by a caller that already has a
SymPy object.
"""

from __future__ import annotations

import math
import numbers
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, Callable, NoReturn

from ..core import budget
from ..core.build import number
from ..core.errors import ParseError, Reason, UsageError
from ..core.expr import NAME_PATTERN, Expr, Float, Sym
from ..functions import SYMBOL_NAMES
from .names import constant, is_function
from .parser import parse, parse_list

__all__ = ["as_expr", "as_expressions", "variable_name", "variable_names", "default_variable", "as_point",
           "parse_point", "as_operand", "as_number", "is_sympy", "connect_sympy"]


# ---- SymPy objects, recognised without importing SymPy ---------------------------------------------------------

def _not_connected(obj: object) -> NoReturn:
    raise UsageError("a SymPy object needs symdiff's API to convert it: import symdiff first")


_sympy_converter: list[Callable[[Any], Expr]] = [_not_connected]


def connect_sympy(convert: Callable[[Any], Expr]) -> None:
    """Called once, by symdiff.api as it is imported: the function that turns a SymPy object into an expression
    (symdiff.from_sympy)."""
    _sympy_converter[0] = convert


def is_sympy(obj: object) -> bool:
    """Whether `obj` is a SymPy object (its type, or a base of it, comes from a sympy module: an undefined
    function's class f is made at run time, outside SymPy) or converts itself to one (`_sympy_`), other than
    symdiff's own expressions. SymPy is not imported."""
    if isinstance(obj, (Expr, str)):
        return False
    kind = type(obj)
    return hasattr(kind, "_sympy_") or any(_from_sympy_module(c) for c in kind.__mro__)


def _from_sympy_module(kind: type) -> bool:
    module = getattr(kind, "__module__", None) or ""
    return module == "sympy" or module.startswith("sympy.")


def from_sympy_object(obj: object) -> Expr:
    """symdiff.from_sympy(obj): ConversionError for what has no symdiff equivalent."""
    return _sympy_converter[0](obj)


def _is_sympy_matrix(obj: object) -> bool:
    return is_sympy(obj) and getattr(obj, "is_Matrix", False) is True


# ---- numbers and operands --------------------------------------------------------------------------------------

def as_number(value: Any) -> Expr | None:  # Any: NumPy scalars, Decimals, ... are recognised by what they do
    """A number node for a Python number, or None for what is no number. Integers (int, NumPy's, anything with
    `__index__`) and rationals (Fraction) are exact; reals (float, NumPy's, Decimal: anything with `__float__`)
    are a Float, and must be finite. Booleans are no numbers here (None); a complex number, nan or inf is a
    UsageError; an exact number over budget.max_result_digits a BudgetError. NumPy is not imported: its scalars
    are recognised by what they do."""
    kind = type(value)
    if kind is int:
        return number(value)
    if kind is float:
        return _finite(value, value)
    if kind.__name__ in ("bool", "bool_"):  # True is an int in Python; a NumPy bool converts to 1.0
        return None
    if isinstance(value, numbers.Integral) or hasattr(kind, "__index__"):
        try:
            return number(operator.index(value))
        except TypeError:  # a NumPy array of floats has __index__ and refuses it
            pass
    if isinstance(value, numbers.Rational):
        return number(Fraction(operator.index(value.numerator), operator.index(value.denominator)))
    if isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real):
        raise UsageError(f"{value!r} is not a real number: symdiff computes over the reals",
                         reason=Reason.NOT_REAL)
    if isinstance(value, numbers.Real) or hasattr(kind, "__float__"):
        try:
            converted = float(value)
        except TypeError:  # has __float__ but is no number (a NumPy array of several values)
            return None
        except (ValueError, ArithmeticError):  # Decimal('snan'); a value beyond float range
            raise UsageError(f"{value!r} is not a finite number", reason=Reason.OVERFLOW) from None
        return _finite(converted, value)
    return None


def _finite(converted: float, value: object) -> Expr:
    if not math.isfinite(converted):
        raise UsageError(f"{value!r} is not a finite number",
                         reason=Reason.NOT_REAL if math.isnan(converted) else Reason.OVERFLOW)
    return Float(converted)


def as_operand(value: object) -> Expr | None:
    """An operand of an operator or constructor as an expression: an expression itself, a SymPy object
    (converted), or a number (as_number); None for anything else (text included: an operator never parses)."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, str):
        return None
    if is_sympy(value):
        return from_sympy_object(value)
    return as_number(value)


# ---- expressions -----------------------------------------------------------------------------------------------

def as_expr(expr: object, check: bool = False) -> Expr:
    """An expression from an Expr, from text (parsed within the budget in force), from a SymPy expression
    (converted, within the budget) or from a number. With `check`, an Expr given as such is checked against
    max_size too (not max_depth: a result may nest a little deeper than its input; recursion far deeper than
    max_depth is still a BudgetError)."""
    if isinstance(expr, Expr):
        if check:
            budget.check_expression(expr, depth=False)
        return expr
    if isinstance(expr, str):
        return parse(expr)
    if is_sympy(expr):
        return from_sympy_object(expr)
    found = as_number(expr)
    if found is None:
        raise TypeError(f"expected an expression, its text or a number, not {type(expr).__name__}")
    return found


def as_expressions(exprs: Expr | str | Iterable[object], check: bool = False) -> list[Expr]:
    """A list of expressions from a list (of expressions, texts or SymPy expressions), a SymPy Matrix (its
    entries, row by row) or comma-separated text; `check` as for as_expr."""
    if isinstance(exprs, str):
        return parse_list(exprs)
    if isinstance(exprs, Expr) or (is_sympy(exprs) and not _is_sympy_matrix(exprs)):
        exprs = [exprs]
    return [as_expr(e, check=check) for e in exprs]


def variable_name(variable: object) -> str:
    """The name of a variable given as text or as a symbol (symdiff's or SymPy's); UsageError for anything
    else."""
    if is_sympy(variable):
        converted = from_sympy_object(variable)
        if not isinstance(converted, Sym):
            raise UsageError(f"{variable!r} is not a variable")
        variable = converted
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


def single_variable(variables: Sequence[str], expr: Expr, point: Mapping[str, Expr] | None, what: str,
                    option: str) -> str:
    """The one variable of a limit table or a plot: the one given, else the point's, else the expression's
    (`what` and `option` name the request and its variable option in the refusal of several)."""
    if len(variables) > 1:
        raise UsageError(f"{what} is for a function of one variable: give one {option}")
    if variables:
        return variables[0]
    if point is not None and len(point) == 1:
        return next(iter(point))
    free = sorted(expr.free_symbols - set(point or {}))
    return free[0] if len(free) == 1 else default_variable(expr)


def variable_names(variables: str | Sym | Iterable[object] | None, exprs: Iterable[Expr]) -> list[str]:
    """Variable names from names, symbols or comma-separated text ("x,y"), each once; with None, every free
    symbol of `exprs` in sorted order."""
    if variables is None:
        return sorted(set().union(*(e.free_symbols for e in exprs)))
    if isinstance(variables, (str, Sym)) or (is_sympy(variables) and not _is_sympy_matrix(variables)):
        variables = [variables]
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    if len(set(names)) != len(names):
        raise UsageError(f"a variable is listed twice in {', '.join(names)}")
    return names


# ---- points ------------------------------------------------------------------------------------------------

def _as_value(name: str, value: object) -> Expr:
    """A value as an expression: integers (NumPy's too) and Fractions exact, floats (NumPy's, Decimal) a Float,
    text parsed (never eval'd), an expression checked against max_size, a SymPy expression converted. A float
    must be finite: nan and inf (Decimal('nan'), numpy.float64('inf')) are UsageErrors."""
    if isinstance(value, bool) or isinstance(value, complex):
        raise UsageError(f"{name}: {value!r} is not a real number")
    if isinstance(value, (str, Expr)) or is_sympy(value):
        return as_expr(value, check=True)
    try:
        found = as_number(value)
    except UsageError as error:
        raise UsageError(f"{name} = {error.message}", reason=error.reason) from None
    if found is None:
        raise UsageError(f"{name}: cannot use {value!r} as a value")
    return found


def as_point(values: dict[Any, Any]) -> dict[str, Expr]:
    """{name: Expr} from the user's values; names are checked like variable names (not pi, not sin)."""
    if not isinstance(values, dict):
        raise UsageError("values must be a dict such as {'x': 1}")
    return {variable_name(name): _as_value(str(name), value) for name, value in values.items()}


_ASSIGNMENT = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=")


def parse_point(text: str) -> dict[str, Expr]:
    """{name: Expr} from the command line's "x=1, y=sqrt(2)/2". A value may hold commas (log(8, 2)): a new
    assignment starts only at a comma followed by `name =`. Errors point into `text` with a caret."""
    starts = [m for m in re.finditer(r"(?:^|,)(?=\s*[A-Za-z][A-Za-z0-9_]*\s*=)", text)]
    if not text.strip() or not starts or starts[0].start() != 0:
        raise UsageError("expected a point such as x=1 or x=1,y=1/2", text, 0)
    point: dict[str, Expr | None] = {}
    for i, start in enumerate(starts):
        begin = start.end()
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        assignment = _ASSIGNMENT.match(text, begin)
        assert assignment is not None  # `starts` found a name and = there
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
