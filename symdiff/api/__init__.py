"""The Python API (eighth layer): every public function, each under the guard (symdiff.api.guard).

The functions every call needs (parse, diff, simplify and the printers) are loaded with the package; the others
(derivations, gradients, values, compiled functions, plots, batches, SymPy) are loaded by the module that
defines them on first use, through LAZY below (PEP 562), so that the command line starts without loading what
its command does not use. Importing this package connects the expression methods of the core (`e.diff("x")`,
`str(e)`, `x + 1`) to these functions, and SymPy objects given to any of them to symdiff.from_sympy (through
symdiff.parsing.inputs, where every function's inputs are read: the parsing layer cannot import the interop
layer above it).
"""

import builtins
import importlib
import sys
from typing import TYPE_CHECKING, Callable

from ..core.expr import Expr, connect_api
from ..functions import KNOWN_NAMES
from ..parsing.inputs import connect_sympy
from .expressions import MAX_ORDER, diff, latex, parse, parse_list, read, simplify, sympy_code, text
from .guard import guard
from .interop import from_sympy

# name -> the module of symdiff.api that defines it, imported when the name is first used.
LAZY = {
    **dict.fromkeys(("steps", "gradient", "jacobian", "hessian", "cse"), "calculus"),
    **dict.fromkeys(("evaluate", "derivative_at", "check_differentiable", "lambdify", "numpy_code", "limit_table",
                     "plot_tangent", "plot_with_derivative"), "numbers"),
    **dict.fromkeys(("to_sympy", "from_sympy", "check"), "interop"),
    **dict.fromkeys(("run_batch", "BatchSummary"), "batch"),
    **dict.fromkeys(("run_batch_on_dask", "run_batch_files_on_dask"), "cluster"),
    **dict.fromkeys(("Vector", "Matrix"), "matrix"),
    **dict.fromkeys(("matrix_diff", "matrix_steps", "parse_matrix", "MatrixSymbol", "VectorSymbol", "ScalarSymbol",
                     "MatrixDerivative", "MatrixSteps", "transpose", "inv", "trace", "det", "logdet", "norm",
                     "entry_sum", "diag", "hadamard", "kron", "vec", "identity", "ones", "entrywise"),
                    "matrix_calculus"),
    "parse_latex": "latex_input",
    **dict.fromkeys(("implicit", "implicit_diff", "tangent", "normal", "taylor", "compare",
                     "directional_derivative", "derivative_along"), "applications"),
    **dict.fromkeys(("symbols", "Symbol", "Rational", "Integer", "pi", "E", "subs", "equals", "arithmetic"),
                    "constructors"),
    # sd.sin(x), sd.log(x, 2), sd.sqrt(x): one constructor per function name the readers know
    **dict.fromkeys(sorted(KNOWN_NAMES), "constructors"),
}

if TYPE_CHECKING:  # what LAZY loads, for type checkers and documentation tools that read the source
    from .applications import (compare as compare, derivative_along as derivative_along,
                               directional_derivative as directional_derivative, implicit as implicit,
                               implicit_diff as implicit_diff, normal as normal, tangent as tangent,
                               taylor as taylor)
    from .batch import BatchSummary as BatchSummary, run_batch as run_batch
    from .calculus import cse as cse, gradient as gradient, hessian as hessian, jacobian as jacobian, steps as steps
    from .cluster import run_batch_files_on_dask as run_batch_files_on_dask, run_batch_on_dask as run_batch_on_dask
    from .constructors import (E as E, Integer as Integer, Rational as Rational, Symbol as Symbol,
                               arithmetic as arithmetic, equals as equals, pi as pi, subs as subs, symbols as symbols)
    from .interop import check as check, to_sympy as to_sympy
    from .latex_input import parse_latex as parse_latex
    from .matrix import Matrix as Matrix, Vector as Vector
    from .matrix_calculus import (MatrixDerivative as MatrixDerivative, MatrixSteps as MatrixSteps,
                                  MatrixSymbol as MatrixSymbol, ScalarSymbol as ScalarSymbol,
                                  VectorSymbol as VectorSymbol, det as det, diag as diag, entry_sum as entry_sum,
                                  entrywise as entrywise, hadamard as hadamard, identity as identity, inv as inv,
                                  kron as kron, logdet as logdet, matrix_diff as matrix_diff,
                                  matrix_steps as matrix_steps, norm as norm, ones as ones,
                                  parse_matrix as parse_matrix, trace as trace, transpose as transpose, vec as vec)
    from .numbers import (check_differentiable as check_differentiable, derivative_at as derivative_at,
                          evaluate as evaluate, lambdify as lambdify, numpy_code as numpy_code,
                          limit_table as limit_table, plot_tangent as plot_tangent,
                          plot_with_derivative as plot_with_derivative)

# Not the names of Python's builtins (abs, max, min): `from symdiff.api import *` must not hide them.
__all__ = ["parse", "parse_list", "read", "diff", "simplify", "latex", "text", "sympy_code", "guard", "MAX_ORDER",
           *(name for name in LAZY if not hasattr(builtins, name))]


def __getattr__(name: str) -> Callable[..., Expr]:
    """A name of LAZY, from the module that defines it. The annotation is for type checkers, which know the other
    names from the imports above: what they find here is a function constructor (sd.sin, ...)."""
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: Callable[..., Expr] = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(LAZY))


connect_api(sys.modules[__name__])
connect_sympy(from_sympy)
