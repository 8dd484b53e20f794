"""The textbook's limit table: difference quotients (f(a+h) - f(a))/h for h = 0.1, 0.01, ... beside f'(a).

    >>> print(limit_table("3*x^2 - 4*x", "x", 1).text())
    h=0.1      (f(x+h)-f(x))/h = 2.3
    h=0.01                     = 2.03
    h=0.001                    = 2.003
    h=0.0001                   = 2.0003
    h=1e-05                    = 2.00003
    exact f'(1) = 2

Why exact quotients: computed in floats, (f(1+h) - f(1))/h loses about half its digits to cancellation at
h = 1e-5 (2.0000300000841 instead of 2.00003), which hides the pattern the table is there to show. When the
point is exact, each f(a+h) is evaluated exactly (symdiff.numeric.point) and the quotient then rounded from 30
digits (mpmath), so the table shows 2.00003; a decimal point gives the plain float quotients. The exact
derivative comes from symdiff's own differentiator.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..calculus.derivatives import derivative
from ..core.build import div, sub
from ..core.errors import EvaluationError, UsageError
from ..core.expr import Expr, Float, Num
from ..core.traversal import subexpressions
from ..parsing.inputs import as_expr, as_point, default_variable, variable_name
from ..printing.latex import latex, latex_symbol
from ..simplification.canonical import canonical_add
from .point import check_differentiable, value_at
from .values import numeric_value

__all__ = ["limit_table", "LimitTable"]

DIGITS = 30  # precision of the quotients of exact points


@dataclass(frozen=True, repr=False)
class LimitTable:
    """rows: (h, quotient) pairs, both floats; exact: f'(a) as an expression (a Float for a decimal point);
    value: f'(a) as a float; derivative: f' itself."""
    expr: Expr
    variable: str
    at: Expr
    derivative: Expr
    exact: Expr
    value: float
    rows: tuple[tuple[float, float], ...]

    def text(self) -> str:
        """Rows `h=0.1      (f(x+h)-f(x))/h = 2.3`, then `exact f'(1) = 2`."""
        x = self.variable
        label = f"(f({x}+h)-f({x}))/h"
        lines = [f"{'h=' + _number(h):<10} {label if i == 0 else '':<{len(label)}} = {_number(q)}"
                 for i, (h, q) in enumerate(self.rows)]
        lines.append(f"exact f'({self.at}) = {self._exact_text()}")
        return "\n".join(lines)

    def _exact_text(self) -> str:
        """f'(a) as text: the number, or the exact value then its decimal value (`cos(1) = 0.540302305868`)."""
        exact = _number(self.value) if type(self.exact) is Float else str(self.exact)
        return exact if _is_literal(self.exact) else exact + f" = {_number(self.value)}"

    def latex(self) -> str:
        """An array (h, quotient), ruled, with the exact value under it: paste into $$...$$ or \\[...\\]."""
        x, a = latex_symbol(self.variable), latex(self.at)
        rows = [f"{_latex_number(h)} & {_latex_number(q)} \\\\" for h, q in self.rows]
        exact = latex(self.exact) + ("" if _is_literal(self.exact) else f" \\approx {_latex_number(self.value)}")
        return "\n".join([
            "\\begin{array}{r|l}",
            f"h & \\frac{{f({x}+h) - f({x})}}{{h}} \\\\",
            "\\hline",
            *rows,
            "\\hline",
            f"\\text{{exact}} & f'({a}) = {exact}",
            "\\end{array}"])

    def __str__(self) -> str:
        """What `symdiff EXPR --limit x=a` prints: text()."""
        return self.text()

    def __repr__(self) -> str:
        expr = str(self.expr)
        expr = expr if len(expr) <= 60 else expr[:57] + "..."
        return (f"<LimitTable of {expr} at {self.variable} = {self.at}: {len(self.rows)} rows, "
                f"exact f'({self.at}) = {self._exact_text()}>")

    def _repr_latex_(self) -> str:
        """latex() as display maths, for a notebook (IPython's display)."""
        return "$$" + self.latex() + "$$"

    def _repr_html_(self) -> str:
        """An HTML table for a notebook: h and the difference quotient, row by row, then the exact f'(a); every
        text escaped."""
        x, at = self.variable, self.at
        caption = f"f({x}) = {self.expr} near {x} = {at}"
        header = _html_row("th", "h", f"(f({x}+h)-f({x}))/h")  # as text() labels it
        rows = "".join(_html_row("td", _number(h), _number(q)) for h, q in self.rows)
        exact = _html_row("th", f"exact f'({at})", self._exact_text(), "td")
        return (f'<table class="symdiff-limit-table"><caption>{html.escape(caption)}</caption>'
                f"<thead>{header}</thead><tbody>{rows}</tbody><tfoot>{exact}</tfoot></table>")


def _html_row(first_cell: str, first: str, second: str, second_cell: str | None = None) -> str:
    """A table row of two right-aligned cells (th or td), their text escaped."""
    right = ' style="text-align: right"'
    second_cell = second_cell or first_cell
    return (f"<tr><{first_cell}{right}>{html.escape(first)}</{first_cell}>"
            f"<{second_cell}{right}>{html.escape(second)}</{second_cell}></tr>")


def _number(value: float) -> str:
    return f"{value:.12g}"


def _latex_number(value: float) -> str:
    text = _number(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        power = f"10^{{{int(exponent)}}}"
        return power if mantissa == "1" else f"{mantissa} \\cdot {power}"
    return text


def _is_literal(node: Expr) -> bool:
    return type(node) in (Num, Float)


def limit_table(expr: Expr | str, variable: str | None = None, at: object = 0, steps: int = 5,
                values: dict[Any, Any] | None = None) -> LimitTable:
    """The difference quotients of `expr` in `variable` at `at` (a number or its text, e.g. 1, "1/2", "pi/4")
    for h = 10^-1 ... 10^-steps, and the exact derivative there. `values` gives the other symbols (exact), so
    that every quotient is a number."""
    expr = as_expr(expr)
    others = as_point(values or {})
    if variable is None:  # the only free symbol without a value
        free = sorted(expr.free_symbols - set(others))
        variable = free[0] if len(free) == 1 else default_variable(expr)
    variable = variable_name(variable)
    if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= 15:
        raise UsageError(f"steps must be a whole number from 1 to 15, not {steps!r}")
    point = as_point({variable: at})[variable]
    if point.free_symbols:
        raise UsageError(f"{variable} = {point} is not a number")
    missing = sorted(expr.free_symbols - {variable} - set(others))
    if missing:
        raise UsageError(f"give a value for {', '.join(missing)} too: the quotients must be numbers")
    # exact quotients unless a decimal is involved anywhere (the point, another value, or the expression itself)
    exact_point = not any(type(n) is Float for v in (point, expr, *others.values()) for n in subexpressions(v))
    at_point = {**others, variable: point}
    base = value_at(expr, at_point, exact=exact_point)  # raises if f(a) is undefined
    check_differentiable(expr, at_point, [variable])  # at a kink the rules do not hold: no table
    slope_function = derivative(expr, [variable])
    try:
        slope = value_at(slope_function, at_point, exact=None if exact_point else False)
    except EvaluationError as error:
        raise EvaluationError(f"f'({point}) does not exist: {error}", reason=error.reason) from None
    slope_expr = slope if isinstance(slope, Expr) else Float(slope)
    rows = []
    for k in range(1, steps + 1):
        if exact_point:
            h = Num(Fraction(1, 10 ** k))
            moved = value_at(expr, {**others, variable: _plus(point, h)}, exact=True)
            quotient: float = _high_precision(_quotient(moved, base, h))  # type: ignore[arg-type]  # exact here
        else:
            h_value = 10.0 ** -k
            moved_value = value_at(expr, {**others, variable: value_at(point, {}, exact=False) + h_value},
                                   exact=False)
            quotient = (moved_value - base) / h_value
        rows.append((10.0 ** -k, quotient))
    return LimitTable(expr, variable, point, slope_function, slope_expr, _high_precision(slope_expr), tuple(rows))


def _plus(a: Expr, b: Expr) -> Expr:
    return canonical_add([a, b])


def _quotient(moved: Expr, base: Expr, h: Expr) -> Expr:
    return div(sub(moved, base), h)


def _high_precision(node: Expr) -> float:
    """A closed expression's real value, computed at DIGITS digits (no cancellation in f(a+h) - f(a))."""
    return numeric_value(node, {}, complex_values=True, digits=DIGITS).real
