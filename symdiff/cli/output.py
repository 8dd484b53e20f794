"""Printing a result for the command line: an expression, a Vector or a Matrix, as text, LaTeX, SymPy code
or JSON, optionally with its common subexpressions named first (--cse); a derivation (--steps); a table of
difference quotients (--limit). The API's functions and types are looked up on symdiff.api when used, so that
printing one expression loads no more of the API than that (--cse, for one, loads symdiff.api.calculus)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from .. import api
from ..core.errors import UsageError
from ..printing.latex import latex_symbol


def json_text(value: object) -> str:
    """`value` as JSON."""
    import json  # (for --format json only: not loaded at start-up)
    return json.dumps(value)


class Shown(Protocol):
    """What the result objects have in common: text (what the CLI prints), LaTeX, and fields for JSON."""

    def text(self) -> str: ...
    def latex(self) -> str: ...
    def as_json(self) -> Mapping[str, Any]: ...


if TYPE_CHECKING:  # for annotations only: the API's modules are loaded when used (see above)
    from typing import TypeAlias

    from ..api.matrix import Matrix, Vector
    from ..calculus.derivation import Derivation, Derivations
    from ..core.expr import Expr
    from ..numeric.difference_quotients import LimitTable
    from ..parsing.reading import Reading

    # What the modes print: an expression, a Vector (--grad) or a Matrix (--jacobian, --hessian).
    Result: TypeAlias = "Expr | Vector[Expr] | Matrix[Expr]"
    # A result for JSON: a printed expression, or lists of them in the result's shape.
    Nested: TypeAlias = "str | list[str] | list[list[str]]"


def entries(value: Result) -> list[Expr]:
    """The expressions of a result (an expression, a Vector or a Matrix), row by row."""
    if isinstance(value, api.Matrix):
        return [e for row in value for e in row]
    return list(value) if isinstance(value, api.Vector) else [value]


def same_shape(value: Result, entries: list[Expr]) -> Result:
    if isinstance(value, api.Matrix):
        width = value.shape[1]
        return api.Matrix(entries[i:i + width] for i in range(0, len(entries), width))
    return api.Vector(entries) if isinstance(value, api.Vector) else entries[0]


def _nested(value: Result, print_one: Callable[[Expr], str]) -> Nested:
    """A result as nested lists of printed entries (a string for one expression), for JSON."""
    if isinstance(value, api.Matrix):
        return [[print_one(e) for e in row] for row in value]
    return [print_one(e) for e in value] if isinstance(value, api.Vector) else print_one(value)


def _printed(value: Result, output_format: str, standalone: bool = True) -> str:
    """A result (expression, Vector or Matrix) as text, LaTeX or SymPy code."""
    if output_format == "numpy":
        if isinstance(value, (api.Vector, api.Matrix)):
            raise UsageError("--format numpy prints one expression's function: for a gradient, Jacobian or Hessian "
                             "as a NumPy function use symdiff.lambdify, or --shape/--matrix for matrix form")
        return api.numpy_code(value)
    if isinstance(value, (api.Vector, api.Matrix)):
        if output_format == "sympy":
            return value.sympy_code(standalone)
        return value.latex() if output_format == "latex" else value.text()
    if output_format == "sympy":
        return api.sympy_code(value, standalone)
    return api.latex(value) if output_format == "latex" else api.text(value)


def render(value: Result, output_format: str, use_cse: bool = False, label: str = "",
           reading: Reading | None = None) -> str:
    """A result (expression, Vector or Matrix) in a format; with `use_cse`, the shared parts first as
    t1 = ... (LaTeX: an aligned environment whose last row is `label = result`). JSON carries the reading of
    the input too, when given (--explain: "input", how it was read, and the notes)."""
    if not use_cse:
        if output_format == "json":
            fields: dict[str, object] = {"result": _nested(value, api.text), "latex": _printed(value, "latex")}
            if reading is not None:
                fields["input"] = reading_fields(reading)
            return json_text(fields)
        return _printed(value, output_format)
    found = api.cse(entries(value))
    reduced = same_shape(value, found.exprs)
    if output_format == "json":
        return json_text({"cse": [[symbol.name, api.text(d)] for symbol, d in found.replacements],
                           "result": _nested(reduced, api.text),
                           "latex": found.latex(_printed(reduced, "latex"), label)})
    if output_format == "latex":
        return found.latex(_printed(reduced, "latex"), label)
    if output_format == "sympy":
        header = _printed(value, "sympy").rsplit("\n", 1)[0]  # the import and the symbols
        definitions = [f"{symbol.name} = {api.sympy_code(d)}" for symbol, d in found.replacements]
        return "\n".join([header, *definitions, f"expr = {_printed(reduced, 'sympy', standalone=False)}"])
    return found.text(_printed(reduced, "text"))


def _read_as(reading: Reading, exprs: Sequence[Expr] | None = None) -> tuple[str, str]:
    """(text, LaTeX) of what the input was read as: the expression, the equation, d/dx (...), or a list."""
    if exprs is not None:
        return ", ".join(map(api.text, exprs)), ", ".join(map(api.latex, exprs))
    if reading.variables:
        x, n = reading.variables[0], len(reading.variables)
        operator = (f"d/d{x}", r"\frac{d}{d" + x + "}") if n == 1 else \
            (f"d^{n}/d{x}^{n}", r"\frac{d^{" + str(n) + "}}{d" + x + "^{" + str(n) + "}}")
        expression = reading.require_expression()  # not None: only an equation that defines nothing has none
        return (f"{operator[0]} ({api.text(expression)})",
                operator[1] + r" \left(" + api.latex(expression) + r"\right)")
    if reading.equation is not None:
        equation = reading.equation
        return (f"{api.text(equation.lhs)} = {api.text(equation.rhs)}",
                f"{api.latex(equation.lhs)} = {api.latex(equation.rhs)}")
    expression = reading.require_expression()  # not None here either
    return api.text(expression), api.latex(expression)


def reading_fields(reading: Reading, exprs: Sequence[Expr] | None = None) -> dict[str, object]:
    """How the input was read, for JSON: text, LaTeX, what it is, and the notes (kind, message, column)."""
    text, latex = _read_as(reading, exprs)
    kind = "derivative" if reading.variables else "definition" if reading.defines is not None else \
        "equation" if reading.equation is not None else "list" if exprs is not None else "expression"
    return {"read_as": text, "latex": latex, "kind": kind,
            "notes": [{"kind": note.kind.value, "message": note.message,
                       "column": None if note.position is None else note.position + 1} for note in reading.notes]}


def explanation(reading: Reading, output_format: str, exprs: Sequence[Expr] | None = None) -> str:
    """--explain: how the input was read, as text and LaTeX (a definition: which side is differentiated)."""
    text, latex = _read_as(reading, exprs)
    if reading.defines is not None:
        text += f"   (the derivative of the right side: {api.text(reading.defines)} is what it defines)"
    if output_format == "latex":
        return f"% read as: {latex}"
    return f"read as: {text}\nLaTeX:   {latex}"


def render_result(result: Shown, output_format: str) -> str:
    """A result object (a derivation, a tangent, a Taylor polynomial, a comparison, ...) as text, LaTeX or JSON."""
    if output_format == "json":
        return json_text(result.as_json())
    return result.latex() if output_format == "latex" else result.text()


def render_steps(derivation: Derivation | Derivations, output_format: str) -> str:
    """A derivation (--steps), or several, as text, a LaTeX aligned environment or JSON."""
    return {"latex": derivation.latex, "json": derivation.json}.get(output_format, derivation.text)()


def render_limit_table(table: LimitTable, output_format: str) -> str:
    """A table of difference quotients (--limit) as text, LaTeX or JSON."""
    if output_format == "json":
        return json_text({"rows": [[h, q] for h, q in table.rows], "exact": str(table.exact),
                           "value": table.value, "latex": table.latex()})
    return table.latex() if output_format == "latex" else table.text()


# How --cse names the result in LaTeX.
MANY_LABELS = {"gradient": "\\nabla f", "jacobian": "J", "hessian": "H"}


def derivative_label(variables: Sequence[str], order: int) -> str:
    """d^n f/dx^n, or the partial derivative's symbol, in LaTeX."""
    if order == 0 or not variables:
        return "f" if order == 0 else "f'"
    total = order * len(variables)
    power = f"^{{{total}}}" if total > 1 else ""
    if len(variables) == 1:
        x = latex_symbol(variables[0]) + (f"^{{{order}}}" if order > 1 else "")
        return f"\\frac{{d{power} f}}{{d {x}}}"
    exponent = f"^{{{order}}}" if order > 1 else ""
    below = " ".join(f"\\partial {latex_symbol(v)}{exponent}" for v in reversed(variables))
    return f"\\frac{{\\partial{power} f}}{{{below}}}"
