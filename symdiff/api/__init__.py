"""The Python API (eighth layer): every public function, each under the guard (symdiff.api.guard).

Importing it connects the expression methods of the core (`e.diff("x")`, `str(e)`) to these functions.
"""

import sys

from ..core.expr import connect_api
from .batch import BatchSummary, run_batch
from .calculus import cse, gradient, hessian, jacobian, steps
from .expressions import MAX_ORDER, diff, latex, parse, parse_list, simplify, sympy_code, text
from .guard import guard
from .interop import check, from_sympy, to_sympy
from .matrix import Matrix, Vector
from .numbers import evaluate, lambdify, limit_table, plot_tangent, plot_with_derivative

__all__ = [
    "parse", "parse_list", "diff", "simplify", "latex", "text", "sympy_code", "to_sympy", "from_sympy", "check",
    "steps", "gradient", "jacobian", "hessian", "cse", "evaluate", "lambdify", "limit_table", "plot_tangent",
    "plot_with_derivative", "run_batch", "BatchSummary", "Vector", "Matrix", "guard", "MAX_ORDER",
]

connect_api(sys.modules[__name__])
