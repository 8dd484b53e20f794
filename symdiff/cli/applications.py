"""The command line's modes beyond the derivative, one function each (as in modes.py): --implicit, --tangent and
--normal, --taylor, --compare, --direction and --along. Each prints its result object (text, LaTeX or JSON, by
output.render_result) and returns the exit status.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .. import api
from ..core.build import number, sub
from ..core.errors import EvaluationError, UndefinedPointError, UsageError
from ..core.expr import Expr
from ..parsing import parser
from ..parsing.inputs import parse_point
from .exit_status import EXIT_OK, EXIT_WRONG
from .modes import _reading, _variables, _warn_absent, _x_range
from .output import render_result

if TYPE_CHECKING:
    from ..calculus.implicit import ImplicitDerivative

# When --taylor is given without --order: the degree of the polynomial.
DEFAULT_TAYLOR_ORDER = 5


def _refuse_sympy_format(arguments: argparse.Namespace, option: str) -> None:
    if arguments.format == "sympy":
        raise UsageError(f"{option} is shown as text, latex or json")


def implicit(arguments: argparse.Namespace) -> int:
    """--implicit Y: the implicit derivative of Y (or Y,Z for several equations separated by ;) in the --wrt
    variable, --order times; with --steps the derivation, with --at its value at a point of the curve."""
    _refuse_sympy_format(arguments, "--implicit")
    variables = _variables(arguments)
    if len(variables) > 1:
        raise UsageError("--implicit differentiates in one variable: give one --wrt")
    found = api.implicit(arguments.expression, arguments.implicit, variables[0] if variables else None,
                         arguments.order)
    if arguments.at is not None:
        print(render_result(_implicit_value(found, parse_point(arguments.at)), arguments.format))
    elif arguments.steps:
        print({"latex": found.steps_latex, "json": found.json}.get(arguments.format, found.steps_text)())
    else:
        print(render_result(found, arguments.format))
    return EXIT_OK


class _ImplicitValue:
    """dy/dx at a point of the curve, printed as `dy/dx = 3/4 at x = 3/5, y = 4/5`."""

    def __init__(self, names: list[tuple[str, str]], values: list[Expr], point: dict[str, Expr]):
        self.names, self.values, self.point = names, values, point

    def text(self) -> str:
        return "\n".join(f"{name} = {api.text(v)}" for (name, _), v in zip(self.names, self.values))

    def latex(self) -> str:
        return " ,\\quad ".join(f"{tex} = {api.latex(v)}" for (_, tex), v in zip(self.names, self.values))

    def as_json(self) -> dict[str, object]:
        return {"point": {name: api.text(v) for name, v in self.point.items()},
                "values": [{"name": name, "value": api.text(v), "latex": api.latex(v)}
                           for (name, _), v in zip(self.names, self.values)]}


def _implicit_value(derivative: ImplicitDerivative, point: dict[str, Expr]) -> _ImplicitValue:
    """The derivatives at `point`, which must lie on every equation (checked exactly, or to 1e-9 for decimals)."""
    for equation in derivative.equations:
        residual = api.evaluate(sub(equation.lhs, equation.rhs), point)
        if isinstance(residual, float) and abs(residual) <= 1e-9 or isinstance(residual, Expr) and (
                not residual.free_symbols and api.equals(residual, 0)):
            continue
        where = ", ".join(f"{name} = {api.text(v)}" for name, v in point.items())
        raise UsageError(f"the point {where} is not on {equation}: the left side minus the right is "
                         f"{api.text(residual) if isinstance(residual, Expr) else residual}, not 0")
    values = []
    for (name, _, result) in derivative.answers():
        try:
            values.append(api.evaluate(result, point))
        except UndefinedPointError as error:
            raise EvaluationError(f"{name} is undefined at that point of the curve ({error.message}): the tangent "
                                  "is vertical there, or the curve is singular", reason=error.reason) from None
    names = [(text, tex) for text, tex, _ in derivative.answers()]
    return _ImplicitValue(names, [v if isinstance(v, Expr) else number(v) for v in values], point)


def tangent(arguments: argparse.Namespace) -> int:
    """--tangent POINT or --normal POINT: the line (plane) at the point, exact; --plot draws it."""
    _refuse_sympy_format(arguments, "--tangent" if arguments.tangent else "--normal")
    expr = parser.expression_of(_reading(arguments), warn=False)
    normal = arguments.normal is not None
    point = parse_point(arguments.normal if normal else arguments.tangent)
    variables = _variables(arguments) or None
    found = (api.normal if normal else api.tangent)(expr, point, variables=variables)
    print(render_result(found, arguments.format))
    if arguments.plot:
        if len(found.variables) != 1:
            raise UsageError("--plot draws the tangent or normal line of a function of one variable")
        variable = found.variables[0]
        x_range = None if arguments.range is None else _x_range(arguments.range)
        api.plot_tangent(expr, variable, found.point[variable], arguments.plot, x_range=x_range, normal=normal)
        print(f"symdiff: wrote {arguments.plot} (f and its {found.kind} {found.text()} at "
              f"{variable} = {api.text(found.point[variable])})", file=sys.stderr)
    return EXIT_OK


def taylor(arguments: argparse.Namespace) -> int:
    """--taylor POINT: the Taylor polynomial of degree --order (default 5) at the point, exact, with the order of
    its remainder; --steps shows how each coefficient comes from a derivative at the point."""
    _refuse_sympy_format(arguments, "--taylor")
    expr = parser.expression_of(_reading(arguments), warn=False)
    order = arguments.order if arguments.order_given else DEFAULT_TAYLOR_ORDER
    found = api.taylor(expr, parse_point(arguments.taylor), order=order)
    print(render_result(found.steps() if arguments.steps else found, arguments.format))
    return EXIT_OK


def compare(arguments: argparse.Namespace) -> int:
    """--compare ANSWER: whether ANSWER is the derivative (exit 0 when right, 1 when wrong)."""
    _refuse_sympy_format(arguments, "--compare")
    variables = _variables(arguments)
    reading = _reading(arguments)
    expr = parser.expression_of(reading, derivative=True, warn=False)
    if reading.variables:  # d/dx F: the derivative the text asks for
        if variables:
            raise UsageError(f"the expression asks for its derivative in {reading.variables[0]} itself: give no "
                             "other --wrt")
        variables = [reading.variables[0]]
    order = len(reading.variables) if reading.variables else arguments.order
    answer_reading = api.read(arguments.compare, functions=arguments.functions)
    arguments.notes.extend(answer_reading.notes)
    answer = parser.expression_of(answer_reading, warn=False)
    found = api.compare(expr, answer, *variables, order=order)
    _warn_absent(variables, expr.free_symbols)
    print(render_result(found, arguments.format))
    return EXIT_OK if found.right else EXIT_WRONG


def directional(arguments: argparse.Namespace) -> int:
    """--direction V: the directional derivative along V (made a unit vector, as the output says); --along PATH:
    the derivative along the path x = x(t), ... in its parameter (--wrt, default t). --at: the value there."""
    _refuse_sympy_format(arguments, "--direction" if arguments.direction else "--along")
    expr = parser.expression_of(_reading(arguments), warn=False)
    variables = _variables(arguments)
    found: Any  # a DirectionalDerivative or a PathDerivative: both have .result
    if arguments.direction is not None:
        found = api.directional_derivative(expr, arguments.direction, variables or None)
    else:
        if len(variables) > 1:
            raise UsageError("--along differentiates in the path's parameter: give one --wrt (default t)")
        found = api.derivative_along(expr, arguments.along, variables[0] if variables else "t")
    if arguments.at is not None:
        value = api.evaluate(found.result, parse_point(arguments.at), exact=False if arguments.float else None)
        print(render_result(_Value(value if isinstance(value, Expr) else number(value)), arguments.format))
    else:
        print(render_result(found, arguments.format))
    return EXIT_OK


class _Value:
    """A value printed as render_result prints a result."""

    def __init__(self, value: Expr):
        self.value = value

    def text(self) -> str:
        return api.text(self.value)

    def latex(self) -> str:
        return api.latex(self.value)

    def as_json(self) -> dict[str, object]:
        return {"result": self.text(), "latex": self.latex()}
