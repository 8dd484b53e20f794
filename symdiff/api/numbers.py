"""The API's numbers: values at a point, compiled functions, difference quotients, plots."""

from __future__ import annotations

from ..numeric import difference_quotients, plot
from ..numeric.compile import lambdify as build_function
from ..numeric.point import check_differentiable as _check_differentiable, value_at
from .guard import guard


@guard
def evaluate(expr, values: dict | None = None, exact=None, **named):
    """The value of an expression at a point: exact for exact inputs (evaluate("x^2", x="sqrt(2)") is 2), a float
    for decimal ones or with exact=False; an UndefinedPointError naming the part, with its `reason`, where it is
    undefined."""
    return value_at(expr, {**(values or {}), **named}, exact=exact)


@guard
def check_differentiable(expr, values: dict, variables=None) -> None:
    """An EvaluationError (reason Reason.NOT_DIFFERENTIABLE) if `expr` is not differentiable at the point in
    `variables` (default: every name of the point): a part of it is at a kink or jump there (abs(x) at 0,
    floor(x) at 2, max(x, 1) at 1), though the formula of its derivative may have a value there (sign(0) = 0).
    Conservative: x*abs(x) at 0 is refused although its derivative exists."""
    _check_differentiable(expr, values, variables)


@guard
def lambdify(exprs, variables=None, backend: str = "auto"):
    """A fast Python function computing the expression(s), with NumPy arrays too (see symdiff.numeric.compile)."""
    return build_function(exprs, variables, backend=backend)


@guard
def limit_table(expr, variable=None, at=0, steps: int = 5, values=None):
    """The difference quotients (f(a+h) - f(a))/h for h = 0.1 ... 10^-steps beside the exact f'(a)."""
    return difference_quotients.limit_table(expr, variable, at, steps, values)


@guard
def plot_tangent(expr, variable=None, at=0, path="tangent.svg", x_range=None, width: int = 640, height: int = 480,
                 dpi: int = 100):
    """f and its tangent line at `at`, to an SVG or PNG file (needs the plot extra: matplotlib and NumPy)."""
    return plot.plot_tangent(expr, variable, at, path, x_range, width, height, dpi)


@guard
def plot_with_derivative(expr, variable=None, path="plot.svg", x_range=(-3, 3), width: int = 640,
                         height: int = 480, dpi: int = 100):
    """f and f' over `x_range`, to an SVG or PNG file (needs the plot extra: matplotlib and NumPy)."""
    return plot.plot_with_derivative(expr, variable, path, x_range, width, height, dpi)
