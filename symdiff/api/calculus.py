"""The API's calculus beyond one derivative: derivations, gradients, Jacobians, Hessians, common subexpressions."""

from __future__ import annotations

import sys
from typing import Any, Iterable, cast

from ..calculus.derivation import Derivation, Derivations, derive_each, derive_in_turn, derive_steps
from ..calculus.derivatives import partial_derivatives, second_partials
from ..core import budget as _budget
from ..core.budget import Budget
from ..core.errors import UsageError
from ..core.expr import Expr
from ..parsing.inputs import as_expr, as_expressions, default_variable, variable_name, variable_names
from ..parsing.parser import Functions
from ..simplification.cse import CommonSubexpressions
from ..simplification.cse import cse as eliminate
from .expressions import ExprLike, VariableLike, asked_derivative
from .guard import guard
from .matrix import Matrix, Vector


@guard
def steps(expr: ExprLike, variable: VariableLike | Iterable[VariableLike] | None = None, simplify: bool | str = True,
          functions: Functions = (), *, order: int = 1, each: bool = False,
          budget: Budget | None = None) -> Derivation | Derivations:
    """The derivation of d/d(variable) expr, rule by rule (see symdiff.calculus.derivation): .steps, .text(),
    .latex(), .json(); the last step's expression is symdiff.diff(expr, variable, simplify=simplify). Text may
    ask for the derivative itself, "d/dx x^2"; `functions` as for symdiff.parse.

    More than one first derivative gives a Derivations, one derivation after the other, each titled: `order`
    (each variable that many times) and several variables (a list or "x,y": the mixed partial, in turn) derive
    each order from the simplified result of the one before; `each` derives expr once per variable (default:
    every free symbol), the components of its gradient."""
    if _is_matrix(expr):  # a matrix expression: its derivation through the differential rules
        if order != 1 or each:
            raise UsageError("a derivation in matrix form is of a first derivative in one variable: for second "
                             "derivatives ask for the Hessian's steps (symdiff.matrix_steps(f, x, 'hessian'))")
        return cast("Derivation", _matrix_api().matrix_steps(expr, _matrix_variable(variable)))
    given = () if variable is None else tuple(variable) if isinstance(variable, (list, tuple)) else (variable,)
    expr, variables, order = asked_derivative(expr, given, order, functions)
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise UsageError(f"a derivation's order must be a whole number >= 1, not {order!r}")
    if each:
        if order != 1:
            raise UsageError("the steps of a gradient are first derivatives: give no order with each=True")
        return derive_each(expr, names or sorted(expr.free_symbols), simplify)
    names = names or [default_variable(expr)]
    _budget.check_order(order * len(names))
    in_turn = [name for name in names for _ in range(order)]
    return derive_steps(expr, in_turn[0], simplify) if len(in_turn) == 1 else derive_in_turn(expr, in_turn, simplify)


@guard
def gradient(f: ExprLike, variables: VariableLike | Iterable[VariableLike] | None = None, simplify: bool | str = True,
             *, layout: str = "denominator", budget: Budget | None = None) -> Vector[Expr]:
    """The gradient of a scalar expression: its partial derivatives in `variables` (names, symbols or "x,y"; by
    default every free symbol in sorted order), by one reverse sweep. Of a matrix expression (sd.MatrixSymbol,
    sd.VectorSymbol), in matrix form: of the variable's shape (`layout` "numerator": transposed)."""
    if _is_matrix(f):
        return cast(Vector[Expr], _matrix_api().matrix_diff(f, _matrix_variable(variables), "gradient", layout,
                                                              simplify=bool(simplify)))
    f = as_expr(f, check=True)
    return Vector(partial_derivatives([f], variable_names(variables, [f]), simplify)[0])


@guard
def jacobian(fs: str | Iterable[ExprLike], variables: VariableLike | Iterable[VariableLike] | None = None,
             simplify: bool | str = True, *, layout: str = "numerator",
             budget: Budget | None = None) -> Matrix[Expr]:
    """The Jacobian matrix of a list of expressions (or comma-separated text): row i is the gradient of fs[i],
    in `variables` (by default all their free symbols, sorted). Of a vector-valued matrix expression, in matrix
    form, d vec(f)/d vec(x)' (`layout` "numerator", the default here as for lists) or its transpose
    ("denominator": the layout in which sd.jacobian(A @ x, x) is A')."""
    if _is_matrix(fs):
        return cast(Matrix[Expr], _matrix_api().matrix_diff(fs, _matrix_variable(variables), "jacobian", layout,
                                                              simplify=bool(simplify)))
    fs = as_expressions(fs, check=True)
    return Matrix(partial_derivatives(fs, variable_names(variables, fs), simplify))


@guard
def hessian(f: ExprLike, variables: VariableLike | Iterable[VariableLike] | None = None, simplify: bool | str = True,
            *, budget: Budget | None = None) -> Matrix[Expr]:
    """The matrix of second partial derivatives of f: the Jacobian of its gradient, by reverse sweeps. Of a
    matrix expression, in matrix form: d^2 f/d vec(x) d vec(x)' (2*X'*X for norm(X @ w - y)**2 in w)."""
    if _is_matrix(f):
        return cast(Matrix[Expr], _matrix_api().matrix_diff(f, _matrix_variable(variables), "hessian",
                                                              simplify=bool(simplify)))
    f = as_expr(f, check=True)
    return Matrix(second_partials(f, variable_names(variables, [f]), simplify))


# Matrix expressions (symdiff.matrices) are handed to symdiff.api.matrix_calculus, loaded on first use
# (symdiff.api.LAZY) so that the scalar functions here do not load that layer; results there are a
# MatrixDerivative or MatrixSteps, typed here as the scalar results their callers expect.

def _is_matrix(value: object) -> bool:
    return bool(getattr(value, "is_matrix_expression", False))


def _matrix_api() -> Any:
    return sys.modules[__package__]


def _matrix_variable(variables: object) -> object:
    """The one variable of a matrix derivative: a matrix symbol or its name."""
    if variables is None or isinstance(variables, str) or _is_matrix(variables):
        return variables
    listed = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    if len(listed) != 1:
        raise UsageError("a derivative in matrix form is in one vector or matrix variable at a time")
    return listed[0]


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
