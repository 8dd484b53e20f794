"""Derivatives as the API gives them: simplified after every order, and within the budget in force.

`derivative` is symdiff.diff without its guard; `partial_derivatives` and `second_partials` are the matrices
behind gradient, jacobian and hessian, by reverse mode (symdiff.calculus.reverse). Each simplifies f first (as
diff does: sqrt(x - x) is 0, not a division by zero once differentiated) and each result, all with one memo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from ..core import budget
from ..core.errors import UsageError
from ..core.expr import Expr
from ..parsing.inputs import default_variable, variable_name
from ..simplification.simplifier import LEVELS, Simplifier, session, simplify_all
from .forecast import GrowthForecast
from .forward import differentiate
from .reverse import adjoints

__all__ = ["derivative", "simplification_level", "partial_derivatives", "second_partials"]


def simplification_level(choice: bool | str | None) -> str | None:
    """The level for a `simplify` argument: True or "full", "basic", or None for False/None/"none"."""
    if choice is True:
        choice = "full"
    if choice in (False, None, "none"):
        return None
    if choice not in LEVELS:
        raise UsageError(f"unknown simplification level {choice!r}: use none, {', '.join(LEVELS)}")
    return choice


def derivative(expr: Expr, variables: Iterable[object] = (), order: int = 1,
               simplify_choice: bool | str | None = True) -> Expr:
    """d^order/d(v)^order of `expr` for each variable v in turn (names, symbols or "x,y"); with none, the only
    free symbol. Simplified after every order unless `simplify_choice` says otherwise; the total order is at
    most budget.max_order and every intermediate result at most budget.max_size nodes (BudgetError)."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 0:
        raise UsageError(f"the order must be a whole number >= 0, not {order!r}")
    names = [variable_name(part) for v in variables
             for part in (v.split(",") if isinstance(v, str) else [v])]
    if not names and order > 0:
        names = [default_variable(expr)]
    budget.check_order(order * len(names))
    level = simplification_level(simplify_choice)
    simplified = session(level) if level else None  # f and every order: one memo (see session)
    result = simplified(expr) if simplified else expr
    for name in names:
        forecast = GrowthForecast(order)

        def between(node: Expr, name: str = name, forecast: GrowthForecast = forecast) -> Expr:
            node = simplified(node) if simplified else node
            forecast.record(budget.check_expression(node, depth=False))  # refuses what must outgrow the budget
            if len(forecast.sizes) < order:
                budget.check_derivative_size(node, name)  # before the next order builds it
            return node
        budget.check_derivative_size(result, name)
        result = differentiate(result, name, order, between=between)
    return result


def _simplified(nodes: list[Expr], level: str | None, simplifier: Simplifier) -> list[Expr]:
    return nodes if level is None else simplify_all(nodes, level, simplifier)


def partial_derivatives(fs: list[Expr], names: list[str], simplify_choice: bool | str | None,
                        simplifier: Simplifier | None = None) -> list[list[Expr]]:
    """[[d f/d name for name in names] for f in fs]: each f simplified first, swept once, and every entry
    simplified, all with one memo (`simplifier`'s, when the caller has one)."""
    level = simplification_level(simplify_choice)
    simplifier = simplifier or Simplifier()
    fs = _simplified(fs, level, simplifier)
    swept = [adjoints(f, names) for f in fs]
    entries = iter(_simplified([row[n] for row in swept for n in names], level, simplifier))
    return [[next(entries) for _ in names] for _ in fs]


def second_partials(f: Expr, names: list[str], simplify_choice: bool | str | None) -> list[list[Expr]]:
    """The matrix of second partial derivatives: the Jacobian of the gradient, one reverse sweep per component.
    Entries below the diagonal are the ones above it (mixed partials are equal for the smooth functions symdiff
    differentiates), so each mixed partial is printed the same way in both places."""
    level = simplification_level(simplify_choice)
    simplifier = Simplifier()
    # the second sweep starts from the simplified gradient
    first = partial_derivatives([f], names, simplify_choice, simplifier)[0]
    n = len(names)
    upper = [adjoints(first[i], names[i:]) for i in range(n)]
    entries = iter(_simplified([upper[i][names[j]] for i in range(n) for j in range(i, n)], level, simplifier))
    rows: list[list[Expr | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            rows[i][j] = rows[j][i] = next(entries)
    return cast("list[list[Expr]]", rows)  # every entry is set
