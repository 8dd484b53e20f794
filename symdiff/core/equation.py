"""An equation between two expressions, F = G: what `x^2 + y^2 = 1` and `y = x^2` are read as.

It is not an expression (it has no value, and differentiating it means differentiating both sides), so it is
not an Expr: commands that take an expression refuse it, saying so, and implicit differentiation takes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .expr import Expr

__all__ = ["Equation"]


@dataclass(frozen=True)
class Equation:
    """lhs = rhs, both expressions."""

    lhs: Expr
    rhs: Expr

    @property
    def free_symbols(self) -> frozenset[str]:
        return self.lhs.free_symbols | self.rhs.free_symbols

    def latex(self) -> str:
        return f"{self.lhs.latex()} = {self.rhs.latex()}"

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + self.latex() + "$"

    def __str__(self) -> str:
        return f"{self.lhs} = {self.rhs}"

    __repr__ = __str__
