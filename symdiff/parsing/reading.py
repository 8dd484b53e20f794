"""What the text reader returns besides the tree: how the input was read (symdiff.read, the CLI's --explain).

A Reading holds the expression to work on, the equation if the input was one, the derivative the input asked for
(`d/dx ...`), and notes: each reading that may not be the one meant (sinx read as one variable, 1/2x as
(1/2)*x), with its kind and position. Notes are data; the API turns them into SymdiffWarnings and the CLI into
warning lines on standard error.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.equation import Equation
from ..core.errors import Notation, ParseError
from ..core.expr import Expr, Func, Sym
from ..core.traversal import subexpressions
from ..functions import is_known

__all__ = ["DerivativeRequest", "Note", "Reading", "definition"]


@dataclass(frozen=True)
class Note:
    """One reading worth saying: what kind (a Notation), the sentence, and where in the text (0-based)."""

    kind: Notation
    message: str
    position: int | None = None


@dataclass(frozen=True)
class DerivativeRequest:
    """`d/dx F` or `d^2/dx^2 F` as read: the expression, and the variable once per order."""

    expression: Expr
    variables: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """How a text was read.

    text        the input, as given
    expression  what commands work on: the expression; for `y = F` or `f(x) = F`, F; None for another equation
    equation    the equation, if the input is one (`y = x^2` too)
    variables   the derivative the input asks for (`d^2/dx^2 ...` gives ("x", "x")), else ()
    notes       the readings worth saying, in the order of the text
    """

    text: str
    expression: Expr | None
    equation: Equation | None = None
    variables: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def defines(self) -> Expr | None:
        """y in `y = x^2`, f(x) in `f(x) = x^2`: the left side of a definition, else None."""
        return self.equation.lhs if self.equation is not None and self.expression is not None else None

    def require_expression(self, position: int | None = None) -> Expr:
        """The expression; a ParseError (Notation.EQUATION) for an equation that is not a definition."""
        if self.expression is None:
            raise ParseError(f"{self.equation} is an equation, not an expression: differentiate one side, "
                             "write it as y = ... to differentiate its right side, or differentiate it implicitly "
                             "(--implicit y; symdiff.implicit_diff)", self.text, position,
                             notation=Notation.EQUATION)
        return self.expression


def definition(equation: Equation) -> bool:
    """Whether an equation defines its left side, `y = x^2` or `f(x, y) = x*y`: the left side is a symbol, or an
    undefined function of distinct symbols, that the right side does not use."""
    lhs, rhs = equation.lhs, equation.rhs
    if type(lhs) is Sym:
        return lhs.name not in rhs.free_symbols
    if type(lhs) is Func and not is_known(lhs.name):
        arguments = lhs.arguments
        if not all(type(a) is Sym for a in arguments) or len(set(arguments)) != len(arguments):
            return False
        return not any(type(node) is Func and node.name == lhs.name for node in subexpressions(rhs))
    return False
