"""Tangent lines and planes, and normal lines, at a point: exact, and written as a person writes them.

    >>> tangent("x^2", {"x": 1}).text()
    'y = 2*x - 1'
    >>> tangent("x^2", {"x": 1}, normal=True).text()
    'y = 3/2 - x/2'
    >>> tangent("x^2 + y^2", {"x": 1, "y": 2}).text()
    'z = 2*x + 4*y - 5'
    >>> tangent("x^2 + y^2", {"x": 1, "y": 2}, normal=True).text()
    'x = 2*t + 1, y = 4*t + 2, z = 5 - t'

Why it is built this way:
- Exact: f(a) and the partials f_i(a) are value_at's exact values of f and of symdiff's own derivatives, so
  the tangent of x^2 at 1 is y = 2*x - 1, not y = 2.0000000000000004*x - 1. A decimal in the point or in f
  gives floats, as value_at does.
- Written as a line is: slope*x + intercept, expanded and simplified (y = 2*x - 1, not y = 1 + 2*(x - 1)); but
  where that is more than LONGER times as long as the point-slope form y = f(a) + f'(a)*(x - a), the point-slope
  form (at x = pi/4, an intercept full of pi is no help). The choice is by printed length, as the simplifier's.
- One variable: the tangent line, and the normal line y = f(a) - (x - a)/f'(a), or x = a where f'(a) = 0 (a
  vertical line). Two or more: the tangent plane (hyperplane) z = f(a) + sum f_i(a)*(x_i - a_i), and the normal
  line, which in space is no single equation: a ParametricLine, (x, y, z) = (a, b, f(a, b)) + t*(f_x, f_y, -1),
  one Equation per coordinate.
- The dependent variable is the first of y, z, w, f, f1, f2, ... that the function and the point do not use
  (y for f(x), z for f(x, y), z for f(y), w for f(x, y, z)); the normal line's parameter the first of t, s,
  u, v, t1, ... that is free too.
- No line where f has no derivative: check_differentiable (numeric.point) is the one judge of that (abs(x) at
  0, floor(x) at 1, sqrt(x) at 0, an end of a domain, cbrt(x) at 0, a vertical tangent); its EvaluationError
  (Reason.NOT_DIFFERENTIABLE) comes out prefixed "no tangent line at x = 0: ". Where f itself has no value
  (1/x at 0), value_at's UndefinedPointError comes out as it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..calculus.derivatives import derivative
from ..core.build import add, inv, mul, neg, number, sub
from ..core.display import Displayed
from ..core.equation import Equation
from ..core.errors import EvaluationError, UsageError, format_point
from ..core.expr import Expr, Sym
from ..parsing.inputs import as_expr, as_point, variable_names
from ..printing.latex import latex as latex_of
from ..printing.text import to_text
from ..simplification.canonical import canonical
from ..simplification.simplifier import simplify
from .point import check_differentiable, is_zero, value_at

__all__ = ["tangent", "Tangent", "ParametricLine", "DEPENDENT_NAMES", "PARAMETER_NAMES", "LONGER"]

# The dependent variable: the first of these (then f1, f2, ...) that is not taken.
DEPENDENT_NAMES = ("y", "z", "w", "f")
# A surface's normal line's parameter: the first of these (then t1, t2, ...) that is not taken.
PARAMETER_NAMES = ("t", "s", "u", "v")
# slope*x + intercept is printed unless its text is more than LONGER times as long as the point-slope form's.
LONGER = 1.25

KINDS = {1: "tangent line", 2: "tangent plane"}  # more variables: a tangent hyperplane


@dataclass(frozen=True)
class ParametricLine(Displayed):
    """A line in space, one Equation per coordinate in a parameter: x = 1 + 2*t, y = 2 + 4*t, z = 5 - t. A
    surface's normal line is one, since no single equation z = ... describes a line in three dimensions."""

    parameter: str
    equations: tuple[Equation, ...]

    def text(self) -> str:
        return ", ".join(_text(e) for e in self.equations)

    def latex(self) -> str:
        return ", \\quad ".join(_latex(e) for e in self.equations)

    def as_json(self) -> dict[str, Any]:
        return {"parameter": self.parameter, "equations": [_text(e) for e in self.equations]}

    def __repr__(self) -> str:
        return self.text()


@dataclass(frozen=True)
class Tangent(Displayed):
    """The tangent (or normal) of f at a point. `point` holds the exact values given (name -> Expr), `value`
    is f there, `slopes` the partial derivatives of f at the point in the order of `variables`, `dependent`
    the name the equation gives f (y, z, ...), `equation` the Equation (or, for a surface's normal line, the
    ParametricLine) and `kind` what it is: "tangent line", "normal line", "tangent plane" or "tangent
    hyperplane"."""

    kind: str
    expr: Expr
    variables: tuple[str, ...]
    point: Mapping[str, Expr] = field(hash=False)
    value: Expr
    slopes: tuple[Expr, ...]
    dependent: str
    equation: Equation | ParametricLine

    def text(self) -> str:
        """The equation as text that symdiff reads back, e.g. y = 2*x - 1."""
        return self.equation.text() if isinstance(self.equation, ParametricLine) else _text(self.equation)

    def latex(self) -> str:
        return self.equation.latex() if isinstance(self.equation, ParametricLine) else _latex(self.equation)

    def as_json(self) -> dict[str, Any]:
        """The equation (text and LaTeX) and what it was made of, as strings symdiff reads back."""
        found: dict[str, Any] = {
            "kind": self.kind,
            "expression": to_text(self.expr),
            "point": {name: to_text(v) for name, v in self.point.items()},
            "value": to_text(self.value),
            "slopes": {name: to_text(s) for name, s in zip(self.variables, self.slopes)},
            "dependent": self.dependent,
            "equation": self.text(),
            "latex": self.latex(),
        }
        if isinstance(self.equation, ParametricLine):
            found["parameter"] = self.equation.parameter
            found["equations"] = [_text(e) for e in self.equation.equations]
        return found

    def __repr__(self) -> str:
        text = self.text()
        text = text if len(text) <= 60 else text[:57] + "..."
        return f"<Tangent: {self.kind} at {format_point(self.point)}: {text}>"


def tangent(expr: Expr | str, point: Mapping[str, Any], normal: bool = False,
            variables: Iterable[str] | None = None) -> Tangent:
    """The tangent line (one variable) or plane (several) of f = `expr` at `point` (name -> int, Fraction,
    exact text such as "pi/4", expression or float, as value_at takes it), or with `normal` the normal line.
    `variables` (default: every name of the point, sorted) are the coordinates; other names of the point are
    values of parameters, and names of f without a value stay symbols. EvaluationError where f has no value
    (Reason of value_at) or no derivative (Reason.NOT_DIFFERENTIABLE) at the point; UsageError for a point that
    is not numbers."""
    expr = as_expr(expr, check=True)
    values = as_point(dict(point))
    names = tuple(sorted(values) if variables is None else variable_names(variables, [expr]))
    if not names:
        raise UsageError("a tangent needs a point, such as x=1")
    missing = [name for name in names if name not in values]
    if missing:
        raise UsageError(f"give a value for {', '.join(missing)}: the tangent is taken at a point")
    for name, v in values.items():
        if v.free_symbols:
            raise UsageError(f"{name} = {v} is not a number")
    kind = "normal line" if normal else KINDS.get(len(names), "tangent hyperplane")
    at = format_point({name: values[name] for name in names})
    fa = _exact(value_at(expr, values))  # raises where f has no value
    try:
        check_differentiable(expr, values, names)
    except EvaluationError as error:
        raise EvaluationError(f"no {kind} at {at}: {error.message}", reason=error.reason) from None
    slopes = tuple(_slope(expr, name, values, kind, at) for name in names)
    taken = expr.free_symbols | set(values)
    dependent = _first_free(DEPENDENT_NAMES, taken)
    coordinates = [Sym(name) for name in names]
    a = [values[name] for name in names]
    equation: Equation | ParametricLine
    if not normal:
        equation = Equation(Sym(dependent), _linear(fa, slopes, coordinates, a))
    elif len(names) == 1 and is_zero(slopes[0]):
        equation = Equation(coordinates[0], a[0])  # a horizontal tangent: the normal is vertical
    elif len(names) == 1:
        equation = Equation(Sym(dependent), _linear(fa, (simplify(neg(inv(slopes[0]))),), coordinates, a))
    else:
        t = Sym(_first_free(PARAMETER_NAMES, taken | {dependent}))
        lines = [Equation(x, canonical(add(ai, mul(s, t)))) for x, ai, s in zip(coordinates, a, slopes)]
        equation = ParametricLine(t.name, (*lines, Equation(Sym(dependent), canonical(sub(fa, t)))))
    return Tangent(kind, expr, names, values, fa, slopes, dependent, equation)


def _slope(expr: Expr, name: str, values: dict[str, Expr], kind: str, at: str) -> Expr:
    """d expr/d name at the point, exact; where its formula has no value there (though check_differentiable
    found no reason: sqrt(x^4) at 0, whose derivative 2*x^3/sqrt(x^4) symdiff does not reduce), an
    EvaluationError that says so."""
    slope = derivative(expr, [name])
    try:
        return _exact(value_at(slope, values))
    except EvaluationError as error:
        raise EvaluationError(f"no {kind} at {at}: the derivative {slope} has no value there: {error.message}",
                              reason=error.reason) from None


def _linear(value: Expr, slopes: Iterable[Expr], coordinates: list[Sym], a: list[Expr]) -> Expr:
    """value + sum slope_i*(x_i - a_i), written as sum slope_i*x_i + intercept (simplified), unless that is more
    than LONGER times as long as the point-slope form."""
    terms = [(s, x, ai) for s, x, ai in zip(slopes, coordinates, a) if not is_zero(s)]
    intercept = simplify(sub(value, add(*[mul(s, ai) for s, _, ai in terms]) if terms else number(0)))
    if not intercept.free_symbols and is_zero(intercept):  # 1 - e*exp(-1), which the simplifier keeps
        intercept = number(0)
    expanded = canonical(add(*[mul(s, x) for s, x, _ in terms], intercept)) if terms else intercept
    point_slope = add(value, *[mul(s, sub(x, ai)) for s, x, ai in terms]) if terms else value
    return expanded if len(to_text(expanded)) <= LONGER * len(to_text(point_slope)) else point_slope


def _first_free(names: tuple[str, ...], taken: set[str] | frozenset[str]) -> str:
    """The first of `names`, then of names[0] + "1", + "2", ..., that is not `taken`."""
    numbered: Iterator[str] = (f"{names[0]}{i}" for i in itertools.count(1))
    return next(name for name in itertools.chain(names, numbered) if name not in taken)


def _exact(value: Expr | float) -> Expr:
    return value if isinstance(value, Expr) else number(value)


def _text(equation: Equation) -> str:
    return f"{to_text(equation.lhs)} = {to_text(equation.rhs)}"


def _latex(equation: Equation) -> str:
    return f"{latex_of(equation.lhs)} = {latex_of(equation.rhs)}"
