"""The API's bridge to SymPy. SymPy is imported only by these functions, when first called, so that plain
differentiation never loads it (it is symdiff's heaviest import)."""

from __future__ import annotations

from ..parsing.inputs import as_expr
from .guard import guard


@guard
def to_sympy(expr, real: bool = False):
    """The expression as a SymPy object, built exactly from the tree (no string parsing); with `real`, its symbols
    are declared real."""
    from ..interop.sympy_bridge import to_sympy as convert  # imports SymPy
    return convert(as_expr(expr, check=True), real=real)


@guard
def from_sympy(obj):
    """A SymPy expression as a symdiff expression; ConversionError for what symdiff cannot represent."""
    from ..interop.sympy_bridge import from_sympy as convert  # imports SymPy
    return convert(obj)


@guard
def check(expr, *variables, order: int = 1, **options):
    """Differentiate with symdiff and with SymPy and report whether they agree (see symdiff.interop.verify)."""
    from ..interop.verify import check as run  # imports SymPy
    return run(expr, *variables, order=order, **options)
