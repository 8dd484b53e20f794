"""LaTeX in: the public parse_latex, under the guard (symdiff.parsing.latex reads the LaTeX)."""

from __future__ import annotations

from ..core.budget import Budget
from ..core.expr import Expr
from ..parsing import latex as _latex
from .guard import guard


@guard
def parse_latex(text: str, *, budget: Budget | None = None) -> Expr:
    """Read LaTeX as copied from a paper or a notebook, `\\frac{x^{2}}{2} + \\sin^{2} x`, into an expression:
    the same expression that parse() gives for the same maths, and everything latex() writes reads back to the
    expression it was written from. Names are read as latex() writes them (x_{1} is x1, \\alpha is alpha,
    \\mathit{rate} is rate), functions as their registry rows write them (\\sin, \\ln, \\log_{b},
    \\operatorname{arsinh}, e^{x}, |x|), and a function without parentheses takes the product that follows it,
    up to the next operator or function (\\sin 2x \\cos x is sin(2*x)*cos(x)). ParseError, with the position,
    for anything else, e.g. `unknown command \\int`; BudgetError past the budget's length, nesting or digits."""
    return _latex.parse_latex(text)
