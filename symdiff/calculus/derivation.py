"""Derivations: the rules the differentiator applies, step by step, as text, LaTeX and JSON.

The steps are not a story told afterwards. They come from the differentiator's own rule methods, run one
level deep: applied to d/dx [u*v], the product rule builds d/dx [u]*v + u*d/dx [v] with the derivatives of
the parts left unevaluated (`Diff` nodes). Each step takes the leftmost unevaluated derivative, and applies
its rule to every unevaluated derivative that the same rule rewrites, so identical sub-derivations are done
once and shown once; a chain rule leaves d/dx [inner] in place, which a later step derives (a nested
sub-derivation, as a textbook writes it). A last "simplify" step gives symdiff.diff's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any, cast

from ..core.build import has_negative_sign, neg, substitute
from ..core.display import Displayed
from ..core.expr import ONE, ZERO, Add, Diff, Expr, Func, Mul, Pow, Sym
from ..core.traversal import children
from ..functions import lookup
from ..parsing.inputs import as_expr, default_variable, variable_name
from ..printing.latex import LatexPrinter
from ..printing.text import TextPrinter
from .derivatives import derivative
from .forward import Differentiator


# The differentiator's rule names, as a textbook names them.
RULE_NAMES = {
    "variable": "power rule", "power": "power rule", "sum": "sum rule", "difference": "difference rule",
    "constant multiple": "constant multiple rule", "product": "product rule", "quotient": "quotient rule",
    "exponential": "exponential rule", "general power": "general power rule (logarithmic differentiation)",
}


class _OneLevel(Differentiator):
    """The differentiator's rules applied to one node, the derivatives of its parts left as Diff nodes.
    Inside a power or a function (a chain rule's inner derivative) d/dx [x] is written 1 at once; as an
    operand of a sum or product it stays, for the power rule to evaluate in a later step, as textbooks do."""

    def __call__(self, node: Expr) -> Expr:
        if self.variable not in node.free_symbols:
            return ZERO  # constant parts are skipped, as in a full differentiation
        if node is Sym(self.variable) and self.inside_chain:
            return ONE
        if self.inside_sum and has_negative_sign(node):  # d/dx [a - 4*x] = d/dx [a] - d/dx [4*x]
            return neg(Diff(neg(node), self.variable))
        return Diff(node, self.variable)

    def expand(self, node: Expr) -> tuple[str, Expr]:
        """(rule name, result) of the rule that applies to `node`."""
        applied = []
        self.recorder = lambda rule, n, result: applied.append(rule) if n is node else None
        self.inside_chain = type(node) not in (Add, Mul)
        self.inside_sum = type(node) is Add
        result = self._rules[type(node)](node)
        return _display_name(applied[-1], node, self.variable), result


def _inner_parts(rule: str, node: Expr) -> tuple[Expr, ...]:
    """The parts a rule's chain factor differentiates: a function's arguments, a power's base (power rule) or
    exponent (exponential rule)."""
    if rule == "power":
        return (cast(Pow, node).base,)
    if rule == "exponential":
        return (cast(Pow, node).exp,)
    return getattr(node, "arguments", ())


def _english(rule: str, node: Expr) -> str:
    """A function rule's name in English, from the registry (sine for sin)."""
    row = lookup(rule, len(cast(Func, node).arguments)) if rule == getattr(node, "name", None) else None
    return row.english if row is not None else rule


def _display_name(rule: str, node: Expr, variable: str) -> str:
    name = RULE_NAMES.get(rule) or _english(rule, node) + " rule"
    if rule not in RULE_NAMES or rule in ("power", "exponential"):
        if any(a is not Sym(variable) and variable in a.free_symbols for a in _inner_parts(rule, node)):
            return f"chain rule ({name.removesuffix(' rule')})"
    return name


@dataclass(repr=False)
class Step:
    rule: str                          # textbook name, e.g. "product rule"
    rewrites: list[tuple[Expr, Expr]]  # [(sub-expression rewritten, its result)]
    expression: Expr                   # the whole expression after the step

    def __str__(self) -> str:
        """The step's line of a derivation's text, unpadded: `  = expression    rule`."""
        return f"  = {TextPrinter()(self.expression)}    {self.rule}"

    def __repr__(self) -> str:
        return f"<Step {self.rule}: = {_shortened(TextPrinter()(self.expression))}>"

    def _repr_latex_(self) -> str:
        """The step's expression and its rule, for a notebook (IPython's display)."""
        return f"$\\displaystyle = {LatexPrinter()(self.expression)} \\qquad \\text{{{self.rule}}}$"


@dataclass(repr=False)
class Derivation(Displayed):
    expression: Expr
    variable: str
    start: Expr               # d/dx [expression], as a Diff node
    steps: list[Step] = field(default_factory=list)

    @property
    def result(self) -> Expr:
        return self.steps[-1].expression if self.steps else self.start

    def text(self) -> str:
        printer = TextPrinter()
        lines = [printer(self.start)]
        bodies = ["  = " + printer(step.expression) for step in self.steps]
        width = max(map(len, bodies), default=0) + 4
        lines += [body.ljust(width) + step.rule for body, step in zip(bodies, self.steps)]
        return "\n".join(lines)

    def latex(self) -> str:
        """An aligned environment, one step a row, ready to paste into a LaTeX document (amsmath)."""
        printer = LatexPrinter()
        start = printer(self.start)
        rows = [f"{start if i == 0 else ''} &= {printer(step.expression)} && \\text{{{step.rule}}}"
                for i, step in enumerate(self.steps)] or [start]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def as_json(self) -> dict[str, Any]:
        text, tex = TextPrinter(), LatexPrinter()
        return {
            "expression": text(self.expression),
            "variable": self.variable,
            "steps": [{"rule": step.rule,
                       "rewrites": [{"from": text(a), "to": text(b)} for a, b in step.rewrites],
                       "expression": text(step.expression),
                       "latex": tex(step.expression)} for step in self.steps],
            "result": text(self.result),
        }

    def __repr__(self) -> str:
        count = len(self.steps)
        return f"<Derivation of {_shortened(TextPrinter()(self.start))}: {count} step{'' if count == 1 else 's'}>"


@dataclass(repr=False)
class Derivations(Displayed):
    """Several derivations shown one after the other, each under its title: a higher order (each order's
    derivation starting from the simplified result of the one before, as a textbook carries it forward), a
    mixed partial (one variable after the other), or a gradient (one derivation per component).

    titled: (the variables of the derivative the derivation gives, in the order they were applied; the
    derivation). `partial`: the titles are written with the partial sign (several variables)."""

    titled: list[tuple[tuple[str, ...], Derivation]]
    partial: bool = False

    @property
    def derivations(self) -> list[Derivation]:
        return [derivation for _, derivation in self.titled]

    @property
    def result(self) -> Expr:
        """The last derivation's result: the higher order or mixed partial asked for."""
        return self.titled[-1][1].result

    @property
    def results(self) -> list[Expr]:
        """Each derivation's result (a gradient's components)."""
        return [derivation.result for derivation in self.derivations]

    def titles(self, latex: bool = False) -> list[str]:
        return [operator_name(variables, self.partial, latex) for variables, _ in self.titled]

    def text(self) -> str:
        return "\n\n".join(f"{title}:\n{d.text()}" for title, d in zip(self.titles(), self.derivations))

    def latex(self) -> str:
        """One aligned environment per derivation, each after its title (amsmath)."""
        return "\n\n".join(f"{title}:\n{d.latex()}" for title, d in zip(self.titles(latex=True), self.derivations))

    def as_json(self) -> dict[str, Any]:
        return {"derivations": [{"title": title, "variables": list(variables), **derivation.as_json()}
                                for title, (variables, derivation) in zip(self.titles(), self.titled)],
                "results": [TextPrinter()(r) for r in self.results]}

    def __repr__(self) -> str:
        return f"<Derivations: {', '.join(self.titles())}>"

    def _repr_latex_(self) -> str:
        return "$$" + " \\qquad ".join(f"{t}: {d.latex()}" for t, d in zip(self.titles(True), self.derivations)) + "$$"


def derive_in_turn(expr: Expr | str, variables: Sequence[str], simplify: bool | str = True) -> Derivations:
    """The derivation of each derivative in turn: d/d(variables[0]) expr, then d/d(variables[1]) of its
    result, and so on (a higher order repeats a variable; a mixed partial names several)."""
    current = as_expr(expr, check=True)
    titled = []
    for k, name in enumerate(variables, 1):
        derivation = derive_steps(current, name, simplify)
        titled.append((tuple(variables[:k]), derivation))
        current = derivation.result
    return Derivations(titled, partial=len(set(variables)) > 1)


def derive_each(expr: Expr | str, variables: Sequence[str], simplify: bool | str = True) -> Derivations:
    """One derivation per variable, each of `expr` itself: the gradient's components."""
    expr = as_expr(expr, check=True)
    return Derivations([((name,), derive_steps(expr, name, simplify)) for name in variables],
                       partial=len(variables) > 1)


def operator_name(variables: Sequence[str], partial: bool = False, latex: bool = False) -> str:
    """The derivative operator for `variables` applied in this order: d/dx, d^2/dx^2, d^2/dydx (the first
    applied written last, as Leibniz's notation does); with `partial` the partial sign; LaTeX as fractions."""
    runs: list[list[Any]] = []
    for name in reversed(variables):  # runs of one variable: x, x, y -> dy dx^2
        if runs and runs[-1][0] == name:
            runs[-1][1] += 1
        else:
            runs.append([name, 1])
    n = len(variables)
    if latex:
        d = "\\partial" if partial else "d"
        top = d if n == 1 else f"{d}^{{{n}}}"
        bottom = " ".join(f"{d} {name}" + (f"^{{{k}}}" if k > 1 else "") for name, k in runs)
        return f"\\frac{{{top}}}{{{bottom}}}"
    d = "d"  # plain text stays ASCII (a Windows console cannot print the partial sign); LaTeX writes it
    top = d if n == 1 else f"{d}^{n}"
    return f"{top}/" + "".join(f"{d}{name}" + (f"^{k}" if k > 1 else "") for name, k in runs)


def _shortened(text: str, width: int = 60) -> str:
    """`text`, cut to `width` characters with ... at the end when longer (for a repr)."""
    return text if len(text) <= width else text[:width - 3] + "..."


def pending_derivatives(node: Expr) -> list[Diff]:
    """The Diff nodes of `node`, left to right, each once."""
    found: list[Diff] = []
    seen: set[Expr] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if type(n) is Diff:
            found.append(n)
        else:
            stack.extend(reversed(children(n)))
    return found


def derive_steps(expr: Expr | str, variable: object = None, simplify: bool | str = True) -> Derivation:
    """The derivation of d/d(variable) expr, one rule per step; the last step's expression is
    symdiff.diff(expr, variable, simplify=simplify). The derivation starts from the expression's canonical
    form (as written, up to order and arithmetic), not from its full simplification."""
    expr = as_expr(expr, check=True)
    name = variable_name(variable) if variable is not None else default_variable(expr)
    start_expr = derivative(expr, [name], order=0, simplify_choice="basic") if simplify else expr
    derivation = Derivation(start_expr, name, Diff(start_expr, name))
    engine = _OneLevel(name)
    whole: Expr = derivation.start if name in start_expr.free_symbols else ZERO
    if whole is ZERO:
        derivation.steps.append(Step("constant rule", [(derivation.start, ZERO)], ZERO))
    expansions: dict[Diff, tuple[str, Expr]] = {}
    while True:
        pending = pending_derivatives(whole)
        if not pending:
            break
        for d in pending:
            if d not in expansions:
                expansions[d] = engine.expand(d.expr)
        rule = expansions[pending[0]][0]
        chosen: list[tuple[Expr, Expr]] = [(d, expansions[d][1]) for d in pending if expansions[d][0] == rule]
        mapping = dict(chosen)
        whole = substitute(whole, mapping)
        while any(d in mapping for d in pending_derivatives(whole)):  # a result that needs the same derivative
            whole = substitute(whole, mapping)
        derivation.steps.append(Step(rule, chosen, whole))
    if simplify:
        final = derivative(expr, [name], simplify_choice=simplify)
        if final is not whole:
            derivation.steps.append(Step("simplify", [(whole, final)], final))
    return derivation


