"""symdiff: symbolic differentiation, exact and simplified, as text, LaTeX or code.

    >>> import symdiff as sd
    >>> sd.diff("3*x^2 - 4*x", "x")
    6*x - 4
    >>> sd.parse("x^2*sin(x)").diff("x")
    x^2*cos(x) + 2*x*sin(x)
    >>> sd.latex(sd.diff("sin(x)/x"))
    '\\\\frac{x \\\\cos x - \\\\sin x}{x^{2}}'
    >>> x, y = sd.symbols("x y")
    >>> (x**2 * sd.sin(y)).diff(x)
    2*x*sin(y)

The package is layered (docs/architecture.md): core, functions, parsing and printing, simplification, calculus,
numeric, interop, api, cli; each imports only the layers below it. The API's less used functions are loaded on
first use (symdiff.api.LAZY), and SymPy only by the functions that need it (to_sympy, from_sympy, check, and any
function given a SymPy object).

Expressions are also built in Python (symdiff.api.constructors): `symbols`, `Symbol`, `Integer`, `Rational`,
`Float`, `pi`, `E`, one constructor per function of the registry (`sin`, `log`, `max`, `sqrt`, ...) and the
operators `+ - * / **`.
"""

import builtins
import importlib
from typing import TYPE_CHECKING, Callable

from . import api
from .api import MAX_ORDER, diff, latex, parse, parse_list, read, simplify, sympy_code, text
from .core import budget
from .core.budget import Budget
from .core.equation import Equation
from .core.errors import (BudgetError, ConversionError, DifferentiationError, EvaluationError, MissingExtraError,
                          Notation, NotMatrixFormError, ParseError, PathError, Reason, ShapeError, SymdiffError,
                          SymdiffWarning, TimeLimitError, UndefinedError, UndefinedPointError, UsageError)
from .core.expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym, srepr
from .functions import KNOWN_NAMES

if TYPE_CHECKING:  # loaded on first use (symdiff.api.LAZY); named here for type checkers and documentation tools
    from .api.applications import (compare, derivative_along, directional_derivative, implicit, implicit_diff, normal,
                                   tangent, taylor)
    from .api.batch import BatchSummary, run_batch
    from .api.calculus import cse, gradient, hessian, jacobian, steps
    from .api.cluster import run_batch_files_on_dask, run_batch_on_dask
    from .api.constructors import E, Integer, Rational, Symbol, equals, pi, subs, symbols
    from .api.interop import check, from_sympy, to_sympy
    from .api.latex_input import parse_latex
    from .api.matrix import Matrix, Vector
    from .api.matrix_calculus import (MatrixDerivative, MatrixSteps, MatrixSymbol, ScalarSymbol, VectorSymbol, det,
                                      diag, entry_sum, entrywise, hadamard, identity, inv, kron, logdet, matrix_diff,
                                      matrix_steps, norm, ones, parse_matrix, trace, transpose, vec)
    from .api.numbers import (check_differentiable, derivative_at, evaluate, lambdify, limit_table, numpy_code,
                              plot_tangent, plot_with_derivative)
    from .version import __version__ as __version__

__all__ = [
    "parse", "parse_list", "read", "diff", "simplify", "latex", "text", "sympy_code", "to_sympy", "from_sympy", "check",
    "parse_latex",
    "steps", "gradient", "jacobian", "hessian", "cse", "evaluate", "derivative_at", "check_differentiable", "lambdify",
    "numpy_code",
    "limit_table", "plot_tangent", "plot_with_derivative",
    "implicit_diff", "implicit", "tangent", "normal", "taylor", "compare", "directional_derivative", "derivative_along",
    "run_batch", "run_batch_on_dask", "run_batch_files_on_dask", "BatchSummary",
    "Vector", "Matrix", "MAX_ORDER", "budget", "Budget",
    "MatrixSymbol", "VectorSymbol", "ScalarSymbol", "matrix_diff", "matrix_steps", "parse_matrix", "MatrixDerivative",
    "MatrixSteps", "transpose", "inv", "trace", "det", "logdet", "norm", "entry_sum", "diag", "hadamard", "kron",
    "vec", "identity", "ones", "entrywise",
    "SymdiffError", "ParseError", "UsageError", "DifferentiationError", "ConversionError", "BudgetError",
    "UndefinedError", "EvaluationError", "UndefinedPointError", "MissingExtraError", "PathError", "Reason",
    "TimeLimitError", "Notation", "SymdiffWarning", "ShapeError", "NotMatrixFormError",
    "Expr", "Equation", "Num", "Float", "Sym", "Const", "Add", "Mul", "Pow", "Func", "Derivative", "srepr",
    "symbols", "Symbol", "Integer", "Rational", "pi", "E", "subs", "equals",
    # the function constructors (sd.sin, sd.log, ...), but not those named as Python's builtins (abs, max, min):
    # `from symdiff import *` must not hide them; they are sd.abs, sd.max and sd.min
    *sorted(name for name in KNOWN_NAMES if not hasattr(builtins, name)),
]


def __getattr__(name: str) -> Callable[..., Expr]:
    """The API's functions loaded on first use (symdiff.api.LAZY), and the version. The annotation is for type
    checkers, which know the version and the API's other names from the imports above: what they find here is a
    function constructor (sd.sin, ...)."""
    if name == "__version__":  # symdiff.version reads the installed metadata: ~25 ms, only when asked
        version = importlib.import_module(f"{__name__}.version")
        return version.__version__  # type: ignore[no-any-return]  # a str, declared above
    if name in api.LAZY:
        value: Callable[..., Expr] = getattr(api, name)
        return value
    raise AttributeError(f"module 'symdiff' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(api.LAZY))
