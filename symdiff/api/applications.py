"""The API's uses of derivatives beyond the derivative itself: implicit derivatives, tangent and normal lines,
Taylor polynomials, an answer compared with the derivative, directional derivatives and derivatives along a
path. Each function reads its inputs as the others do (text, expressions, SymPy objects) and returns a result
object with text(), latex(), as_json() and a notebook display."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..calculus.directional import DirectionalDerivative, PathDerivative
from ..calculus.directional import directional_derivative as _directional
from ..calculus.directional import path_derivative as _along
from ..calculus.implicit import ImplicitDerivative, implicit_derivative
from ..calculus.taylor import TaylorPolynomial, taylor_polynomial
from ..core.budget import Budget
from ..core.equation import Equation
from ..core.errors import ParseError, UsageError
from ..core.expr import ZERO, Expr
from ..numeric.compare import Comparison, compare_derivative
from ..numeric.tangent import Tangent
from ..numeric.tangent import tangent as _tangent
from ..parsing import parser
from ..parsing.inputs import (as_expr, as_expressions, default_variable, is_sympy, parse_point, variable_name,
                              variable_names)
from .expressions import ExprLike, VariableLike
from .guard import guard

__all__ = ["implicit", "implicit_diff", "tangent", "normal", "taylor", "compare", "directional_derivative",
           "derivative_along",
           "as_equations", "as_point_mapping"]

# What implicit differentiation takes: an equation (symdiff's, SymPy's Eq, or text with "="), an expression
# meaning expression = 0 (as sympy.idiff takes it), text of several equations separated by ";", or a list.
EquationLike = Any


@guard
def implicit_diff(equation: EquationLike, y: VariableLike | Sequence[VariableLike] = "y",
                  x: VariableLike | None = None, order: int = 1, *, budget: Budget | None = None) -> Expr:
    """dy/dx (or the order-th derivative) of y defined implicitly by `equation`, in x and y, as sympy.idiff:
    implicit_diff("x^2 + y^2 = 1") is -x/y, and with order=2, -1/y^3 (shortened with the equation itself).
    `equation`: text with "=", an Equation, a SymPy Eq, an expression meaning expression = 0, or several of these
    (a list, or text separated by ";") with as many dependent variables in `y` (a list, or "y,z"): then the
    derivative of the first. Dependent variables beyond the number of equations stay unknown functions of x,
    their derivatives in the answer (z'(x)). `x` by default: x if the equations have it, else their one symbol
    that is not a dependent variable. See `implicit` for all the derivatives and the derivation."""
    return _implicit(equation, y, x, order).result


@guard
def implicit(equations: EquationLike, dependents: VariableLike | Sequence[VariableLike] = "y",
             variable: VariableLike | None = None, order: int = 1, *,
             budget: Budget | None = None) -> ImplicitDerivative:
    """Every implicit derivative of `dependents` in `variable` up to `order`, with the derivation (.steps,
    .steps_text(), .steps_latex()) and .text(), .latex(), .json(); .of("y", 2) is d^2y/dx^2."""
    return _implicit(equations, dependents, variable, order)


def _implicit(equations: EquationLike, dependents: VariableLike | Sequence[VariableLike],
              variable: VariableLike | None, order: int) -> ImplicitDerivative:
    found = as_equations(equations)
    names = variable_names(dependents, [e.lhs for e in found] + [e.rhs for e in found])
    return implicit_derivative(found, names, _independent(found, names) if variable is None else
                               variable_name(variable), order)


def _independent(equations: list[Equation], dependents: list[str]) -> str:
    """The variable the dependents are functions of, when not given: x, else the one other symbol."""
    others = sorted(set().union(*(e.free_symbols for e in equations)) - set(dependents))
    if "x" in others or not others:
        return "x"
    if len(others) == 1:
        return others[0]
    raise UsageError(f"say which variable {', '.join(dependents)} depend on (--wrt on the command line), "
                     f"e.g. {others[0]}: the equations have {', '.join(others)}")


def as_equations(equations: EquationLike) -> list[Equation]:
    """Equations from what implicit differentiation takes (see EquationLike)."""
    if isinstance(equations, str):
        return _equations_of_text(equations)
    if isinstance(equations, Equation):
        return [equations]
    if is_sympy(equations) and hasattr(equations, "lhs") and hasattr(equations, "rhs"):  # sympy.Eq
        return [Equation(as_expr(equations.lhs), as_expr(equations.rhs))]
    if isinstance(equations, Expr) or is_sympy(equations):
        return [Equation(as_expr(equations), ZERO)]
    if isinstance(equations, Iterable):
        return [e for item in equations for e in as_equations(item)]
    raise UsageError(f"expected an equation such as x^2 + y^2 = 1, not {type(equations).__name__}")


def _equations_of_text(text: str) -> list[Equation]:
    """Equations from text: one, or several separated by ";" (an expression alone means expression = 0). An
    error's caret points into the whole text."""
    found, start = [], 0
    for part in text.split(";"):
        try:
            reading = parser.read(part)
        except ParseError as error:
            position = None if error.position is None else start + error.position
            raise ParseError(error.message, text, position, notation=error.notation,
                             suggestions=error.suggestions) from None
        if reading.equation is not None:
            found.append(reading.equation)
        elif reading.expression is not None:
            found.append(Equation(reading.expression, ZERO))
        start += len(part) + 1
    return found


def as_point_mapping(point: Mapping[Any, Any] | str | None, named: Mapping[str, Any]) -> dict[Any, Any]:
    """A point given as a mapping, the command line's text "x=1,y=2", or keywords (x=1)."""
    if isinstance(point, str):
        values: dict[Any, Any] = dict(parse_point(point))
    else:
        values = dict(point or {})
    values.update(named)
    if not values:
        raise UsageError("give the point, e.g. at={'x': 1}, at=\"x=1\" or x=1")
    return values


@guard
def tangent(expr: ExprLike, at: Mapping[Any, Any] | str | None = None, *, variables: Any = None,
            budget: Budget | None = None, **point: Any) -> Tangent:
    """The tangent line of f(x) at a point (tangent("x^2", x=1) is y = 2*x - 1), or the tangent plane of f(x, y)
    (hyperplane for more variables): exact, written as slope*x + intercept. The point: `at` ({"x": 1} or
    "x=1"), or keywords. `variables`: the coordinates (default: every name of the point); other names of the
    point are parameters' values. An EvaluationError (reason NOT_DIFFERENTIABLE) where f has no derivative."""
    return _tangent(as_expr(expr, check=True), as_point_mapping(at, point), variables=_names_or_none(variables))


@guard
def normal(expr: ExprLike, at: Mapping[Any, Any] | str | None = None, *, variables: Any = None,
           budget: Budget | None = None, **point: Any) -> Tangent:
    """The normal line of f(x) at a point (normal("x^2", x=1) is y = 3/2 - x/2; x = a where the tangent is
    horizontal), or of the surface z = f(x, y), in parametric form: x = ..., y = ..., z = ... in t."""
    return _tangent(as_expr(expr, check=True), as_point_mapping(at, point), normal=True,
                    variables=_names_or_none(variables))


def _names_or_none(variables: Any) -> list[str] | None:
    return None if variables is None else variable_names(variables, [])


@guard
def taylor(expr: ExprLike, at: Mapping[Any, Any] | str | None = None, order: int = 5, *, simplify: bool | str = True,
           budget: Budget | None = None, **point: Any) -> TaylorPolynomial:
    """The Taylor polynomial of `expr` of degree `order` (default 5) at a point: `at` ({"x": 0} or "x=0"), or
    keywords (x=0); by default at 0 in the expression's only variable (its Maclaurin polynomial). Several
    variables give the polynomial of total degree `order`. Exact coefficients, computed by power series through
    the expression once (no n-th derivative is built); .polynomial is the expression, .terms the part of each
    degree, .remainder the order left out (O(x^6)); text() prints 1 + x + x^2/2 + ... + O(x^6). An error
    naming the part where there is no Taylor polynomial (log(x) at 0, abs(x) at 0)."""
    f = as_expr(expr, check=True)
    center = as_point_mapping(at, point) if at is not None or point else {default_variable(f): 0}
    return taylor_polynomial(f, center, order, simplify)


@guard
def compare(expr: ExprLike, answer: ExprLike, *variables: VariableLike, order: int = 1, seed: int = 0,
            budget: Budget | None = None) -> Comparison:
    """Whether `answer` is the derivative of `expr` (in `variables`, `order` times each, as symdiff.diff takes
    them): proved by simplification, or checked at sampled points (simple ones first, so that a counterexample
    is x = 1 where it can be), compared only where expr has a value and a derivative. .right (and bool()) says
    whether it is right, also when right only where both have a value (log(x^2) vs 2*log(x): .verdict says
    so); when wrong, .point, .answer_value and .expected_value show where they differ. .text(), .latex(),
    .json(); `seed` varies the random points."""
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    return compare_derivative(as_expr(expr, check=True), as_expr(answer, check=True), names or None, order,
                              seed=seed)


@guard
def directional_derivative(f: ExprLike, direction: Any, variables: Any = None, unit: bool = True, *,
                           budget: Budget | None = None) -> DirectionalDerivative:
    """The derivative of f in `direction` (a list of components, or text "1,2"), one per variable (`variables`;
    default every free symbol, sorted): the gradient dotted with the unit vector direction/|direction| (the
    textbook's D_u f), or with the direction as given when `unit` is False. .result is the expression; .vector
    the vector used; the text says which."""
    f = as_expr(f, check=True)
    components = as_expressions(direction, check=True)
    names = variable_names(variables, [f])
    return _directional(f, names, components, unit=unit)


@guard
def derivative_along(f: ExprLike, path: Mapping[Any, Any] | str, parameter: VariableLike = "t", *,
                     budget: Budget | None = None) -> PathDerivative:
    """df/dt along the path x = x(t), y = y(t), ... (a mapping, or text "x=cos(t), y=sin(t)"), by the chain
    rule, written in t: derivative_along("x^2*y", "x=cos(t), y=sin(t)").result."""
    f = as_expr(f, check=True)
    if isinstance(path, str):
        coordinates: dict[str, Expr] = parse_point(path)
    else:
        coordinates = {variable_name(k): as_expr(v, check=True) for k, v in path.items()}
    return _along(f, coordinates, variable_name(parameter))
