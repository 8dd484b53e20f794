"""The API's calculus beyond one derivative: derivations, gradients, Jacobians, Hessians, common subexpressions."""

from __future__ import annotations

from typing import Iterable

from ..calculus.derivation import Derivation, derive_steps
from ..calculus.derivatives import partial_derivatives, second_partials
from ..core.budget import Budget
from ..core.errors import UsageError
from ..core.expr import Expr
from ..parsing.inputs import as_expr, as_expressions, variable_names
from ..parsing.parser import Functions
from ..simplification.cse import CommonSubexpressions
from ..simplification.cse import cse as eliminate
from .expressions import ExprLike, VariableLike, asked_derivative
from .guard import guard
from .matrix import Matrix, Vector


@guard
def steps(expr: ExprLike, variable: VariableLike | None = None, simplify: bool | str = True, functions: Functions = (),
          *, budget: Budget | None = None) -> Derivation:
    """The derivation of d/d(variable) expr, rule by rule (see symdiff.calculus.derivation): .steps, .text(),
    .latex(), .json(); the last step's expression is symdiff.diff(expr, variable, simplify=simplify). Text may
    ask for the derivative itself, "d/dx x^2"; `functions` as for symdiff.parse."""
    expr, variables, _ = asked_derivative(expr, () if variable is None else (variable,), 1, functions)
    if len(variables) > 1:
        raise UsageError("a derivation shows one first derivative: ask for d/dx, not a higher order")
    return derive_steps(expr, variables[0] if variables else None, simplify)


@guard
def gradient(f: ExprLike, variables: VariableLike | Iterable[VariableLike] | None = None, simplify: bool | str = True,
             *, budget: Budget | None = None) -> Vector[Expr]:
    """The gradient of a scalar expression: its partial derivatives in `variables` (names, symbols or "x,y"; by
    default every free symbol in sorted order), by one reverse sweep."""
    f = as_expr(f, check=True)
    return Vector(partial_derivatives([f], variable_names(variables, [f]), simplify)[0])


@guard
def jacobian(fs: str | Iterable[ExprLike], variables: VariableLike | Iterable[VariableLike] | None = None,
             simplify: bool | str = True, *, budget: Budget | None = None) -> Matrix[Expr]:
    """The Jacobian matrix of a list of expressions (or comma-separated text): row i is the gradient of fs[i],
    in `variables` (by default all their free symbols, sorted)."""
    fs = as_expressions(fs, check=True)
    return Matrix(partial_derivatives(fs, variable_names(variables, fs), simplify))


@guard
def hessian(f: ExprLike, variables: VariableLike | Iterable[VariableLike] | None = None, simplify: bool | str = True,
            *, budget: Budget | None = None) -> Matrix[Expr]:
    """The matrix of second partial derivatives of f: the Jacobian of its gradient, by reverse sweeps."""
    f = as_expr(f, check=True)
    return Matrix(second_partials(f, variable_names(variables, [f]), simplify))


@guard
def cse(exprs: Expr | str | Iterable[ExprLike], prefix: str = "t", *,
        budget: Budget | None = None) -> CommonSubexpressions:
    """Common subexpressions of an expression or a list of them, or of the entries of a Vector or Matrix (row by
    row): (replacements, reduced expressions)."""
    if isinstance(exprs, Matrix):
        exprs = [entry for row in exprs for entry in row]
    elif isinstance(exprs, Vector):
        exprs = list(exprs)
    return eliminate(as_expressions(exprs), prefix)
