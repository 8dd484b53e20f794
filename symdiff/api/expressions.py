"""The Python API: parse, diff, simplify and print, taking an expression or its text.

Every function here takes `budget=` (a symdiff.core.budget.Budget) to override, for that call, the resource budget
in force (input length, nesting depth, number size, derivative order, expression size); `with
symdiff.budget.use(...)` does the same for a block. Whatever the input, these functions return a result or raise
a SymdiffError: deep nesting, huge numbers and huge results are BudgetErrors, never a RecursionError, an
OverflowError or a MemoryError.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from typing import Any, TypeAlias, Union, cast

from ..calculus.derivatives import derivative
from ..core import budget as _budget
from ..core.budget import Budget
from ..core.errors import UsageError
from ..core.expr import Expr, Sym
from ..parsing import parser
from ..parsing.inputs import as_expr
from ..parsing.parser import Functions
from ..parsing.reading import Reading
from ..printing.latex import latex as _latex
from ..printing.sympy_code import to_sympy_code
from ..printing.text import to_text
from ..simplification.simplifier import LEVELS
from ..simplification.simplifier import simplify as _simplify
from .guard import guard

# A derivative order above this is refused: each order at least rebuilds the expression. The order allowed is
# symdiff.budget.current().max_order; this is its default.
MAX_ORDER = _budget.DEFAULT_BUDGET.max_order

# What the public functions take as an expression: an expression, its text, a number (NumPy's scalars and Decimals
# too) or a SymPy object (symdiff.parsing.inputs reads them all). Any stands for the NumPy and SymPy objects, which
# are recognised without importing NumPy or SymPy.
ExprLike: TypeAlias = Union[Expr, str, int, Fraction, float, Any]
# A variable: its name, a symbol, or a SymPy symbol (Any).
VariableLike: TypeAlias = Union[str, Sym, Any]


@guard
def parse(text: str, functions: Functions = (), *, budget: Budget | None = None) -> Expr:
    """Parse text such as "3x^2 - 4x", "sin^2 x" or "y = x^2" (its right side) into an expression (ParseError,
    with position, if it is not one; BudgetError if it is longer or nests deeper than the budget allows).
    `functions`: names to read as undefined functions, y(x). A reading that may not be the one meant (sinx read
    as one variable) is issued as a SymdiffWarning; docs/reference/notation.md lists every notation and its
    reading."""
    return parser.parse(text, functions=functions)


@guard
def parse_list(text: str, functions: Functions = (), *, budget: Budget | None = None) -> list[Expr]:
    """Parse a comma-separated list of expressions, "x*y, x + y^2"."""
    return parser.parse_list(text, functions=functions)


@guard
def read(text: str, functions: Functions = (), *, budget: Budget | None = None) -> Reading:
    """How text is read, without warnings: a Reading with the expression (or None for an equation that is not a
    definition), the equation, the derivative asked for (`d/dx ...` gives variables ("x",)) and the notes on
    readings that may not be the one meant (each with its kind, message and position)."""
    return parser.read(text, functions)


@guard
def diff(expr: ExprLike, *variables: VariableLike, order: int = 1, simplify: bool | str = True,
         functions: Functions = (), budget: Budget | None = None) -> Expr:
    """The derivative of `expr`, `order` times in each of `variables` in turn (all of them if one is a
    comma-separated list: diff(f, "x,y") is d2f/dydx). With no variable, the expression's only free symbol, or
    the variable the text asks for ("d/dx x^2"). A variable that does not occur gives 0. `simplify`: True (or
    "full"), "basic" (canonical form only), or False (the rules' raw output). The total order is at most
    budget.max_order, and each intermediate result at most budget.max_size nodes (BudgetError). `functions`:
    names to read as undefined functions in text. A matrix expression (sd.MatrixSymbol, sd.VectorSymbol) gives
    its derivative in matrix form (symdiff.matrix_diff: the gradient of a scalar, else the Jacobian)."""
    if getattr(expr, "is_matrix_expression", False):  # loaded on first use (symdiff.api.LAZY): not every diff
        if order != 1 or len(variables) > 1:
            raise UsageError("a derivative in matrix form is a first derivative in one variable: for second "
                             "derivatives ask for the Hessian (symdiff.hessian)")
        # a MatrixDerivative, typed as the Expr the scalar callers get
        return cast(Expr, sys.modules[__package__].matrix_diff(expr, *variables, simplify=bool(simplify)))
    expr, variables, order = asked_derivative(expr, variables, order, functions)
    return derivative(expr, variables, order, simplify)


def asked_derivative(expr: ExprLike, variables: tuple[VariableLike, ...], order: int,
                     functions: Functions = ()) -> tuple[Expr, tuple[VariableLike, ...], int]:
    """(expression, variables, order) to differentiate: text that asks for a derivative itself (`d^2/dx^2 F`)
    gives its variables, which must agree with any given."""
    if not isinstance(expr, str):
        return as_expr(expr, check=True), variables, order
    reading = parser.read(expr, functions)
    found = parser.expression_of(reading, derivative=True)
    if not reading.variables:
        return found, variables, order
    given = [part.strip() for v in variables for part in (v.split(",") if isinstance(v, str) else [str(v)])]
    if (given or order != 1) and ((given or list(reading.variables[:1])) != list(reading.variables[:1])
                                  or order * max(len(given), 1) != len(reading.variables)):
        asked = f"d^{len(reading.variables)}/d{reading.variables[0]}^{len(reading.variables)}" \
            if len(reading.variables) > 1 else f"d/d{reading.variables[0]}"
        raise UsageError(f"the expression asks for {asked}; give no other variable or order")
    return found, reading.variables, 1


@guard
def simplify(expr: ExprLike, level: str = "full", *, budget: Budget | None = None) -> Expr:
    """The simplified form of an expression: "full" (default) or "basic" (the canonical form only)."""
    if level not in LEVELS:
        raise UsageError(f"unknown simplification level {level!r}: use {' or '.join(LEVELS)}")
    return _simplify(as_expr(expr, check=True), level)


@guard
def latex(expr: ExprLike, *, budget: Budget | None = None) -> str:
    """LaTeX for an expression, e.g. `\\frac{x}{2 y}`. An expression of more than budget.max_size nodes (as
    printed) is a BudgetError, at once. A matrix expression's LaTeX is in matrix notation (x^\\top A x)."""
    if getattr(expr, "is_matrix_expression", False):
        return cast(str, expr.latex())  # type: ignore[union-attr]  # a MatExpr (symdiff.matrices)
    return _latex(as_expr(expr, check=True))


@guard
def text(expr: ExprLike, *, budget: Budget | None = None) -> str:
    """Plain text for an expression, which parse() reads back to the same expression. An expression of more than
    budget.max_size nodes (as printed) is a BudgetError, at once. A matrix expression's text is what
    symdiff.parse_matrix reads back."""
    if getattr(expr, "is_matrix_expression", False):
        return cast(str, expr.text())  # type: ignore[union-attr]  # a MatExpr (symdiff.matrices)
    return to_text(as_expr(expr, check=True))


@guard
def sympy_code(expr: ExprLike, standalone: bool = False, *, budget: Budget | None = None) -> str:
    """Python source building the expression in SymPy; `standalone` adds the import and symbols. An expression
    of more than budget.max_size nodes (as printed) is a BudgetError, at once."""
    return to_sympy_code(as_expr(expr, check=True), standalone)
