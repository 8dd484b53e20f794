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
from typing import TYPE_CHECKING

from ..core.expr import connect_api
from ..functions import KNOWN_NAMES
from ..parsing.inputs import connect_sympy
from .expressions import MAX_ORDER, diff, latex, parse, parse_list, read, simplify, sympy_code, text
from .guard import guard
from .interop import from_sympy

# name -> the module of symdiff.api that defines it, imported when the name is first used.
LAZY = {
    **dict.fromkeys(("steps", "gradient", "jacobian", "hessian", "cse"), "calculus"),
    **dict.fromkeys(("evaluate", "check_differentiable", "lambdify", "limit_table", "plot_tangent",
                     "plot_with_derivative"), "numbers"),
    **dict.fromkeys(("to_sympy", "from_sympy", "check"), "interop"),
    **dict.fromkeys(("run_batch", "BatchSummary"), "batch"),
    **dict.fromkeys(("run_batch_on_dask", "run_batch_files_on_dask"), "cluster"),
    **dict.fromkeys(("Vector", "Matrix"), "matrix"),
    "parse_latex": "latex_input",
    **dict.fromkeys(("symbols", "Symbol", "Rational", "Integer", "pi", "E", "subs", "equals", "arithmetic"),
                    "constructors"),
    # sd.sin(x), sd.log(x, 2), sd.sqrt(x): one constructor per function name the readers know
    **dict.fromkeys(sorted(KNOWN_NAMES), "constructors"),
}

if TYPE_CHECKING:  # what LAZY loads, for type checkers and documentation tools that read the source
    from .batch import BatchSummary, run_batch
    from .calculus import cse, gradient, hessian, jacobian, steps
    from .cluster import run_batch_files_on_dask, run_batch_on_dask
    from .constructors import E, Integer, Rational, Symbol, arithmetic, equals, pi, subs, symbols
    from .interop import check, to_sympy
    from .latex_input import parse_latex
    from .matrix import Matrix, Vector
    from .numbers import check_differentiable, evaluate, lambdify, limit_table, plot_tangent, plot_with_derivative

# Not the names of Python's builtins (abs, max, min): `from symdiff.api import *` must not hide them.
__all__ = ["parse", "parse_list", "read", "diff", "simplify", "latex", "text", "sympy_code", "guard", "MAX_ORDER",
           *(name for name in LAZY if not hasattr(builtins, name))]


def __getattr__(name: str):
    module = LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__():
    return sorted(set(globals()) | set(LAZY))


connect_api(sys.modules[__name__])
connect_sympy(from_sympy)
