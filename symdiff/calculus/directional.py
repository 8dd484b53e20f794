"""Directional derivatives and the total derivative along a path.

The directional derivative of f in direction v is the gradient dotted with the unit vector v/|v| (the textbook's
D_u f; Stewart, Calculus, 14.6). The rate along v itself, grad f . v, is what some texts and the Jacobian-vector
product of automatic differentiation mean: `unit=False` gives that one, and the result says which it is.

Along a path x = x(t), y = y(t), the total derivative df/dt is the chain rule's sum of df/dx_i * dx_i/dt, written
in t: the same as substituting the path and differentiating, which is how it is checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..core.build import add, div, mul, power, substitute
from ..core.display import Displayed
from ..core.errors import UsageError
from ..core.expr import HALF, ZERO, Expr, Sym
from ..printing.latex import LatexPrinter
from ..printing.text import TextPrinter
from ..simplification.simplifier import simplify
from .derivatives import derivative, partial_derivatives

__all__ = ["DirectionalDerivative", "PathDerivative", "directional_derivative", "path_derivative"]


@dataclass(frozen=True, repr=False)
class DirectionalDerivative(Displayed):
    """grad f . u, with u the direction made a unit vector (`unit`) or the direction as given."""

    expr: Expr
    variables: tuple[str, ...]
    direction: tuple[Expr, ...]   # as given
    vector: tuple[Expr, ...]      # as used: direction/|direction| when unit
    unit: bool
    gradient: tuple[Expr, ...]
    result: Expr

    def text(self) -> str:
        printer = TextPrinter()
        along = ", ".join(map(printer, self.vector))
        kind = "the unit vector" if self.unit else "the vector (not normalised)"
        return f"{printer(self.result)}    (along {kind} ({along}))"

    def latex(self) -> str:
        printer = LatexPrinter()
        return (f"D_{{\\mathbf{{u}}}} f = {printer(self.result)}, \\quad \\mathbf{{u}} = "
                f"\\left({', '.join(map(printer, self.vector))}\\right)")

    def as_json(self) -> dict[str, object]:
        text = TextPrinter()
        return {"result": text(self.result), "latex": LatexPrinter()(self.result),
                "variables": list(self.variables), "direction": list(map(text, self.direction)),
                "vector": list(map(text, self.vector)), "unit": self.unit,
                "gradient": list(map(text, self.gradient))}

    def __repr__(self) -> str:
        return f"<DirectionalDerivative {self.text()}>"


@dataclass(frozen=True, repr=False)
class PathDerivative(Displayed):
    """df/dt along x_i = x_i(t): the chain rule's terms and their sum in t."""

    expr: Expr
    path: tuple[tuple[str, Expr], ...]  # (x_i, x_i(t))
    parameter: str
    terms: tuple[Expr, ...]             # df/dx_i * dx_i/dt, in t
    result: Expr

    def text(self) -> str:
        return TextPrinter()(self.result)

    def latex(self) -> str:
        return LatexPrinter()(self.result)

    def as_json(self) -> dict[str, object]:
        text = TextPrinter()
        return {"result": text(self.result), "latex": self.latex(), "parameter": self.parameter,
                "path": {name: text(value) for name, value in self.path}, "terms": list(map(text, self.terms))}

    def __repr__(self) -> str:
        return f"<PathDerivative d/d{self.parameter} = {self.text()}>"

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle \\frac{{d}}{{d{self.parameter}}} f = " + self.latex() + "$"


def directional_derivative(expr: Expr, variables: Sequence[str], direction: Sequence[Expr],
                           unit: bool = True) -> DirectionalDerivative:
    """The derivative of `expr` in `direction` (one component per variable), along the unit vector unless
    `unit` is False."""
    if len(direction) != len(variables):
        raise UsageError(f"a direction needs one component per variable ({', '.join(variables)}): "
                         f"{len(direction)} given")
    vector = tuple(simplify(v) for v in direction)
    if unit:
        length = simplify(power(add(*(mul(v, v) for v in vector)), HALF))
        if length is ZERO:
            raise UsageError("the zero vector has no direction")
        vector = tuple(simplify(div(v, length)) for v in vector)
    elif all(v is ZERO for v in vector):
        raise UsageError("the zero vector has no direction")
    gradient = tuple(partial_derivatives([expr], list(variables), True)[0])
    result = simplify(add(*(mul(g, v) for g, v in zip(gradient, vector))))
    return DirectionalDerivative(expr, tuple(variables), tuple(direction), vector, unit, gradient, result)


def path_derivative(expr: Expr, path: Mapping[str, Expr], parameter: str) -> PathDerivative:
    """d/dt f(x_1(t), ..., x_n(t)) by the chain rule, written in t (`parameter`)."""
    if parameter in path:
        raise UsageError(f"the path's parameter {parameter} cannot also be one of its coordinates")
    names = list(path)
    gradient = partial_derivatives([expr], names, True)[0]
    on_path: dict[Expr, Expr] = {Sym(name): value for name, value in path.items()}
    terms = tuple(simplify(mul(substitute(g, on_path), derivative(path[name], [parameter])))
                  for g, name in zip(gradient, names))
    return PathDerivative(expr, tuple(path.items()), parameter, terms, simplify(add(*terms)))
