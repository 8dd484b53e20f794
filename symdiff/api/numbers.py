"""The API's numbers: values at a point, compiled functions, difference quotients, plots."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping, Sequence

from ..calculus.derivatives import derivative
from ..core.budget import Budget
from ..core.errors import UsageError
from ..core.expr import Expr
from ..numeric import difference_quotients, plot
from ..numeric.compile import CompiledFunction
from ..numeric.compile import lambdify as build_function
from ..numeric.compile import numpy_source
from ..numeric.difference_quotients import LimitTable
from ..numeric.plot import PlotResult
from ..numeric.point import check_differentiable as _check_differentiable, value_at
from ..parsing.inputs import as_expr, as_point, default_variable, parse_point, variable_name
from .expressions import ExprLike, VariableLike
from .guard import guard

# symdiff.numeric annotates its expressions as Expr | str and its variables as str, narrower than what it reads
# (any ExprLike and VariableLike, through as_expr and variable_name): hence the ignores below, until it takes these.


@guard
def evaluate(expr: ExprLike, values: Mapping[Any, ExprLike] | None = None, exact: bool | None = None, *,
             budget: Budget | None = None, **named: ExprLike) -> Expr | float:
    """The value of an expression at a point: exact for exact inputs (evaluate("x^2", x="sqrt(2)") is 2), a float
    for decimal ones or with exact=False; an UndefinedPointError naming the part, with its `reason`, where it is
    undefined. For the value of a derivative, derivative_at also refuses a point where there is no derivative
    (evaluate(diff("abs(x)"), x=0) is the formula's sign(0) = 0)."""
    return value_at(expr,  # type: ignore[arg-type]  # numeric annotates too narrowly
                    {**(values or {}), **named}, exact=exact)


@guard
def derivative_at(expr: ExprLike, at: Mapping[Any, ExprLike] | str | None = None, *variables: VariableLike,
                  order: int = 1, exact: bool | None = None, budget: Budget | None = None,
                  **point: ExprLike) -> Expr | float:
    """The value of the derivative at a point, where there is one: derivative_at("x^3", x=2) is 12, and
    derivative_at("abs(x)", x=0) an EvaluationError (reason NOT_DIFFERENTIABLE), where evaluate(diff("abs(x)"),
    x=0) gives the formula's value sign(0) = 0. The point: `at` ({"x": 1} or "x=1") or keywords; `variables`
    and `order` as for symdiff.diff (default: the expression's only variable). Every derivative taken on the
    way is checked too (check_differentiable), as the command line's --at does."""
    f = as_expr(expr, check=True)
    given = dict(parse_point(at)) if isinstance(at, str) else dict(at or {})
    values = as_point({**given, **point})
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    names = names or [default_variable(f)]
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise UsageError(f"the order must be a whole number >= 0, not {order!r}")
    current = f
    for _ in range(order):  # each derivative on the way must exist at the point for the next one to
        _check_differentiable(current, values, names)
        current = derivative(current, names)  # once in each variable: mixed partials commute where they exist
    return value_at(current, values, exact=exact)


@guard
def check_differentiable(expr: ExprLike, values: dict[Any, Any], variables: Iterable[str] | None = None, *,
                         budget: Budget | None = None) -> None:
    """An EvaluationError (reason Reason.NOT_DIFFERENTIABLE) if `expr` is not differentiable at the point in
    `variables` (default: every name of the point): a part of it is at a kink or jump there (abs(x) at 0,
    floor(x) at 2, max(x, 1) at 1), though the formula of its derivative may have a value there (sign(0) = 0).
    Conservative: x*abs(x) at 0 is refused although its derivative exists."""
    _check_differentiable(expr, values, variables)  # type: ignore[arg-type]  # numeric annotates too narrowly


@guard
def lambdify(exprs: ExprLike | Sequence[ExprLike], variables: VariableLike | Iterable[VariableLike] | None = None,
             backend: str = "auto", *, budget: Budget | None = None) -> CompiledFunction:
    """A fast Python function computing the expression(s), with NumPy arrays too (see symdiff.numeric.compile)."""
    return build_function(exprs, variables, backend=backend)


@guard
def numpy_code(expr: ExprLike, variables: VariableLike | Iterable[VariableLike] | None = None, name: str = "f", *,
               budget: Budget | None = None) -> str:
    """The source of a NumPy function `name` of `variables` (default: the free symbols, sorted) computing expr
    on arrays: what `symdiff EXPR --format numpy` prints."""
    expr = as_expr(expr, check=True)
    names = [variable_name(v) for v in variables] if isinstance(variables, (list, tuple)) else \
        [variable_name(variables)] if variables is not None else sorted(expr.free_symbols)
    return numpy_source(expr, names, name)


@guard
def limit_table(expr: ExprLike, variable: VariableLike | None = None, at: ExprLike = 0, steps: int = 5,
                values: dict[Any, Any] | None = None, *, budget: Budget | None = None) -> LimitTable:
    """The difference quotients (f(a+h) - f(a))/h for h = 0.1 ... 10^-steps beside the exact f'(a)."""
    return difference_quotients.limit_table(expr, variable,  # type: ignore[arg-type]  # numeric annotates too narrowly
                                            at, steps, values)


@guard
def plot_tangent(expr: ExprLike, variable: VariableLike | None = None, at: ExprLike = 0,
                 path: str | os.PathLike[str] = "tangent.svg", x_range: Iterable[float] | None = None,
                 width: int = 640, height: int = 480, dpi: int = 100, normal: bool = False, *,
                 budget: Budget | None = None) -> PlotResult:
    """f and its tangent line at `at` (with `normal`, the normal line too), to an SVG or PNG file (needs the plot
    extra: matplotlib and NumPy)."""
    return plot.plot_tangent(expr, variable,  # type: ignore[arg-type]  # numeric annotates too narrowly
                             at, path, x_range, width, height, dpi, normal)


@guard
def plot_with_derivative(expr: ExprLike, variable: VariableLike | None = None,
                         path: str | os.PathLike[str] = "plot.svg", x_range: Iterable[float] = (-3, 3),
                         width: int = 640, height: int = 480, dpi: int = 100, *,
                         budget: Budget | None = None) -> PlotResult:
    """f and f' over `x_range`, to an SVG or PNG file (needs the plot extra: matplotlib and NumPy)."""
    return plot.plot_with_derivative(expr, variable,  # type: ignore[arg-type]  # numeric annotates too narrowly
                                     path, x_range, width, height, dpi)
