"""Implicit differentiation: dy/dx (and higher orders) of y defined by an equation such as x^2 + y^2 = 1.

Each dependent variable y is made a function of x (y -> y(x)), every equation F = G is differentiated on both
sides with the forward rules (y(x) gives y'(x) by the chain rule), and the result, linear in the unknown
derivatives y'(x), z'(x), ..., is solved for them (one equation: y' = -(dF/dx)/(dF/dy); several: Gaussian
elimination). A higher order differentiates the previous one along the curve and substitutes the first
derivatives, as sympy.idiff does. The answers are written in x and the dependent variables, and made shorter
with the equations themselves (symdiff.simplification.side_relations): on the circle d^2y/dx^2 is -1/y^3, not
-(x^2 + y^2)/y^3. That is valid because the equations hold identically along the curve, so a form equal on
the curve also has the same derivatives along it.

With fewer equations than dependent variables, the first ones are solved for and the others stay unknown
functions of x, their derivatives z'(x) in the answer (sympy.idiff(eq, [y, z], x) does the same).

The derivation is recorded as it is computed: differentiate both sides, collect the unknown derivatives, solve,
simplify, use the equation; then, per higher order, differentiate again and substitute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core import budget
from ..core.build import add, div, mul, neg, sub, substitute
from ..core.display import Displayed
from ..core.equation import Equation
from ..core.errors import DifferentiationError, UsageError
from ..core.expr import ZERO, Derivative, Diff, Expr, Func, Sym
from ..printing.latex import LatexPrinter
from ..printing.text import TextPrinter
from ..simplification.side_relations import reduce_with
from ..simplification.simplifier import simplify
from .forward import differentiate

__all__ = ["ImplicitDerivative", "ImplicitStep", "implicit_derivative", "derivative_name"]


@dataclass(frozen=True)
class ImplicitStep:
    """One row of an implicit derivation: the equation (or equations) after the step, and the step's name."""

    rule: str
    equations: tuple[Equation, ...]


@dataclass(frozen=True, repr=False)
class ImplicitDerivative(Displayed):
    """d^k y/dx^k for k = 1..order and each solved dependent variable y, written in x and the dependent
    variables.

    equations   the equations as given
    variable    x
    dependents  the variables solved for (as many as there are equations)
    unknown     further dependent variables that stay unknown functions of x
    results     results[k - 1][j]: the k-th derivative of dependents[j]
    steps       the derivation, row by row
    """

    equations: tuple[Equation, ...]
    variable: str
    dependents: tuple[str, ...]
    unknown: tuple[str, ...]
    results: tuple[tuple[Expr, ...], ...]
    steps: tuple[ImplicitStep, ...]

    @property
    def order(self) -> int:
        return len(self.results)

    @property
    def result(self) -> Expr:
        """The highest order's derivative of the first dependent variable (what symdiff.implicit_diff returns)."""
        return self.results[-1][0]

    def of(self, dependent: str, order: int | None = None) -> Expr:
        """The derivative of `dependent` of `order` (default: the highest computed)."""
        if dependent not in self.dependents:
            raise UsageError(f"{dependent} is not one of the variables solved for: {', '.join(self.dependents)}")
        k = self.order if order is None else order
        if not 1 <= k <= self.order:
            raise UsageError(f"orders 1 to {self.order} were computed, not {order}")
        return self.results[k - 1][self.dependents.index(dependent)]

    def answers(self) -> list[tuple[str, str, Expr]]:
        """(text name, LaTeX name, derivative) of the highest order, one per dependent variable."""
        return [(derivative_name(y, self.variable, self.order), derivative_name(y, self.variable, self.order,
                                                                                 latex=True), result)
                for y, result in zip(self.dependents, self.results[-1])]

    def text(self) -> str:
        """`dy/dx = -x/y`, one line per dependent variable."""
        printer = TextPrinter()
        return "\n".join(f"{name} = {printer(result)}" for name, _, result in self.answers())

    def latex(self) -> str:
        printer = LatexPrinter()
        return " ,\\quad ".join(f"{name} = {printer(result)}" for _, name, result in self.answers())

    def steps_text(self) -> str:
        """The derivation: each row's equations, then the step's name, aligned."""
        printer = TextPrinter()
        bodies = ["; ".join(f"{printer(e.lhs)} = {printer(e.rhs)}" for e in step.equations) for step in self.steps]
        width = max(map(len, bodies), default=0) + 4
        return "\n".join(body.ljust(width) + step.rule for body, step in zip(bodies, self.steps))

    def steps_latex(self) -> str:
        """An aligned environment, one row per step (amsmath)."""
        printer = LatexPrinter()
        names = {printer(Sym(derivative_name(y, self.variable, k))): derivative_name(y, self.variable, k, latex=True)
                 for y in self.dependents for k in range(1, self.order + 1)}

        def side(node: Expr) -> str:  # dy/dx is a symbol named so in the rows: written as a fraction here
            written = printer(node)
            for symbol, fraction in names.items():
                written = written.replace(symbol, fraction)
            return written
        rows = [" ,\\quad ".join(f"{side(e.lhs)} &= {side(e.rhs)}" for e in step.equations)
                + f" && \\text{{{_latex_text(step.rule)}}}" for step in self.steps]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def as_json(self) -> dict[str, Any]:
        text, tex = TextPrinter(), LatexPrinter()
        return {
            "equations": [str(e) for e in self.equations],
            "variable": self.variable,
            "dependents": list(self.dependents),
            "unknown": list(self.unknown),
            "order": self.order,
            "derivatives": [{"of": y, "order": k + 1, "name": derivative_name(y, self.variable, k + 1),
                             "result": text(result), "latex": tex(result)}
                            for k, row in enumerate(self.results) for y, result in zip(self.dependents, row)],
            "steps": [{"rule": step.rule, "equations": [{"lhs": text(e.lhs), "rhs": text(e.rhs),
                                                          "latex": f"{tex(e.lhs)} = {tex(e.rhs)}"}
                                                         for e in step.equations]} for step in self.steps],
        }

    def __repr__(self) -> str:
        return f"<ImplicitDerivative {'; '.join(self.text().splitlines())}>"


# Characters that mean something in LaTeX, as they are written in \text{...}.
_LATEX_TEXT = str.maketrans({"^": "\\^{}", "_": "\\_", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%",
                             "#": "\\#", "$": "\\$", "\\": "\\textbackslash{}"})


def _latex_text(words: str) -> str:
    return words.translate(_LATEX_TEXT)


def derivative_name(dependent: str, variable: str, order: int, latex: bool = False) -> str:
    """dy/dx, d^2y/dx^2 (or \\frac{dy}{dx}, \\frac{d^{2}y}{dx^{2}})."""
    if latex:
        power = "" if order == 1 else f"^{{{order}}}"
        return f"\\frac{{d{power}{dependent}}}{{d{variable}{power}}}"
    power = "" if order == 1 else f"^{order}"
    return f"d{power}{dependent}/d{variable}{power}"


def implicit_derivative(equations: Sequence[Equation], dependents: Sequence[str], variable: str,
                        order: int = 1) -> ImplicitDerivative:
    """The derivatives of `dependents` (the first len(equations) of them solved for, the others unknown
    functions of `variable`) defined implicitly by `equations`, orders 1 to `order`."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise UsageError(f"the order of an implicit derivative must be a whole number >= 1, not {order!r}")
    budget.check_order(order)
    if not equations:
        raise UsageError("implicit differentiation needs an equation, such as x^2 + y^2 = 1")
    dependents = tuple(dependents)
    if variable in dependents:
        raise UsageError(f"{variable} cannot be both the variable and a dependent variable")
    if len(set(dependents)) != len(dependents):
        raise UsageError("a dependent variable is named twice")
    if len(dependents) < len(equations):
        raise UsageError(f"{len(equations)} equations need {len(equations)} dependent variables to solve for, "
                         f"not {len(dependents)}: name them with --implicit y,z")
    used = frozenset().union(*(e.free_symbols for e in equations))
    for name in dependents:
        if name not in used:
            raise UsageError(f"the dependent variable {name} does not occur in the equations")
    solved, unknown = dependents[:len(equations)], dependents[len(equations):]
    return _Solver(tuple(equations), solved, unknown, variable).run(order)


class _Solver:
    """One implicit differentiation: the forms with y as y(x) and back, and the derivation's rows."""

    def __init__(self, equations: tuple[Equation, ...], solved: tuple[str, ...], unknown: tuple[str, ...],
                 variable: str):
        self.equations, self.solved, self.unknown, self.variable = equations, solved, unknown, variable
        x = Sym(variable)
        self.as_function: dict[Expr, Expr] = {Sym(y): Func(y, x) for y in solved + unknown}
        self.as_symbol: dict[Expr, Expr] = {f: s for s, f in self.as_function.items()}
        self.first: dict[Expr, Expr] = {Derivative(y, (1,), x): Derivative(y, (1,), x) for y in solved}
        self.relations = [simplify(sub(e.lhs, e.rhs), "basic") for e in equations]
        self.steps: list[ImplicitStep] = []

    def record(self, rule: str, *equations: Equation) -> None:
        self.steps.append(ImplicitStep(rule, equations))

    def run(self, order: int) -> ImplicitDerivative:
        results = [self.first_order()]
        for k in range(2, order + 1):
            results.append(self.next_order(results[-1], k))
        return ImplicitDerivative(self.equations, self.variable, self.solved, self.unknown,
                                  tuple(map(tuple, results)), tuple(self.steps))

    def shortened(self, results: list[Expr], order: int) -> list[Expr]:
        """Each result in x and the dependent variables, simplified, then with the equations: two rows."""
        names = [Sym(derivative_name(y, self.variable, order)) for y in self.solved]
        plain = [simplify(substitute(r, self.as_symbol)) for r in results]
        self.record("simplify, writing y for y(x)", *map(Equation, names, plain))
        reduced = [reduce_with(r, self.relations) for r in plain]
        if reduced != plain:
            equations = " and ".join(map(str, self.equations))
            self.record(f"use {equations}", *map(Equation, names, reduced))
        return reduced

    def first_order(self) -> list[Expr]:
        x, unknowns = self.variable, list(self.first)
        sides = [(substitute(e.lhs, self.as_function), substitute(e.rhs, self.as_function)) for e in self.equations]
        self.record(f"differentiate both sides with respect to {x}",
                    *(Equation(Diff(lhs, x), Diff(rhs, x)) for lhs, rhs in sides))
        differentiated = [(simplify(differentiate(lhs, x), "basic"), simplify(differentiate(rhs, x), "basic"))
                          for lhs, rhs in sides]
        self.record("chain rule: " + ", ".join(f"d/d{x} {self.as_function[Sym(y)]} = {u}"
                                                for y, u in zip(self.solved, unknowns)),
                    *(Equation(lhs, rhs) for lhs, rhs in differentiated))
        # Linear in the unknowns: F = sum_j A_j u_j + c, so A_j = dF/du_j and c = F at u = 0.
        placeholders = {u: Sym(f"_implicit_{j}") for j, u in enumerate(unknowns)}
        rows, constants = [], []
        for lhs, rhs in differentiated:
            linear = substitute(sub(lhs, rhs), placeholders)
            rows.append([simplify(differentiate(linear, p.name)) for p in placeholders.values()])
            constants.append(simplify(neg(substitute(linear, dict.fromkeys(placeholders.values(), ZERO)))))
        for coefficients in rows:
            if any(p.name in c.free_symbols for c in coefficients for p in placeholders.values()):
                raise DifferentiationError("the differentiated equations are not linear in the derivatives "
                                           "(the equations contain derivatives already)")
        self.record("collect the terms in " + ", ".join(map(str, unknowns)),
                    *(Equation(add(*(mul(a, u) for a, u in zip(coefficients, unknowns))), c)
                      for coefficients, c in zip(rows, constants)))
        solution = _solve(rows, constants)
        self.record("solve for " + ", ".join(map(str, unknowns)), *map(Equation, unknowns, solution))
        self.first = dict(zip(unknowns, solution))
        return self.shortened(solution, 1)

    def next_order(self, previous: list[Expr], order: int) -> list[Expr]:
        x = self.variable
        names = [Sym(derivative_name(y, x, order - 1)) for y in self.solved]
        functional = [substitute(r, self.as_function) for r in previous]
        self.record(f"differentiate {', '.join(map(str, names))} with respect to {x}",
                    *(Equation(Diff(n, x), Diff(r, x)) for n, r in zip(names, functional)))
        differentiated = [simplify(differentiate(r, x), "basic") for r in functional]
        names = [Sym(derivative_name(y, x, order)) for y in self.solved]
        self.record("chain rule", *map(Equation, names, differentiated))
        substituted = [simplify(substitute(d, self.first), "basic") for d in differentiated]
        self.record("substitute " + ", ".join(f"{u} = {v}" for u, v in self.first.items()),
                    *map(Equation, names, substituted))
        return self.shortened(substituted, order)


def _solve(rows: list[list[Expr]], constants: list[Expr]) -> list[Expr]:
    """The solution of the linear system rows * u = constants, by Gauss-Jordan elimination with each entry
    simplified (a zero pivot is one that simplifies to 0). DifferentiationError if the system is singular."""
    n = len(rows)
    matrix = [list(row) + [c] for row, c in zip(rows, constants)]
    for column in range(n):
        pivot = next((r for r in range(column, n) if matrix[r][column] is not ZERO), None)
        if pivot is None:
            raise DifferentiationError("the equations do not determine the derivatives: differentiated, they "
                                       "do not involve the dependent variables' derivatives independently",
                                       )
        matrix[column], matrix[pivot] = matrix[pivot], matrix[column]
        lead = matrix[column][column]
        matrix[column] = [simplify(div(entry, lead)) for entry in matrix[column]]
        for r in range(n):
            factor = matrix[r][column]
            if r != column and factor is not ZERO:
                matrix[r] = [simplify(sub(a, mul(factor, b))) for a, b in zip(matrix[r], matrix[column])]
    return [matrix[r][n] for r in range(n)]
