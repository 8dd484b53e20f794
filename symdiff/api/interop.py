"""The API's bridge to SymPy. SymPy is imported only by these functions, when first called, so that plain
differentiation never loads it (it is symdiff's heaviest import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.budget import Budget
from ..core.expr import Expr
from ..parsing.inputs import as_expr
from .expressions import ExprLike, VariableLike
from .guard import guard

if TYPE_CHECKING:  # the interop layer imports SymPy: loaded only when these functions are called
    from ..interop.verify import CheckResult


@guard
def to_sympy(expr: ExprLike, real: bool = False, *, budget: Budget | None = None) -> Any:
    """The expression as a SymPy object, built exactly from the tree (no string parsing); with `real`, its symbols
    are declared real."""
    from ..interop.sympy_bridge import to_sympy as convert  # imports SymPy
    return convert(as_expr(expr, check=True), real=real)


@guard
def from_sympy(obj: Any, *, budget: Budget | None = None) -> Expr:
    """A SymPy expression as a symdiff expression; ConversionError for what symdiff cannot represent."""
    from ..interop.sympy_bridge import from_sympy as convert  # imports SymPy
    return convert(obj)


@guard
def check(expr: ExprLike, *variables: VariableLike, order: int = 1, budget: Budget | None = None,
          **options: Any) -> CheckResult:
    """Differentiate with symdiff and with SymPy and report whether they agree (see symdiff.interop.verify)."""
    from ..interop.verify import check as run  # imports SymPy
    return run(expr, *variables, order=order, **options)
