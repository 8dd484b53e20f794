"""symdiff: symbolic differentiation, exact and simplified, as text, LaTeX or code.

    >>> import symdiff as sd
    >>> sd.diff("3*x^2 - 4*x", "x")
    6*x - 4
    >>> sd.parse("x^2*sin(x)").diff("x")
    x^2*cos(x) + 2*x*sin(x)
    >>> sd.latex(sd.diff("sin(x)/x"))
    '\\\\frac{x \\\\cos(x) - \\\\sin(x)}{x^{2}}'

The package is layered (docs/architecture.md): core, functions, parsing and printing, simplification, calculus,
numeric, interop, api, cli; each imports only the layers below it. SymPy is imported only by the functions that
need it (to_sympy, from_sympy, check).
"""

from .api import (MAX_ORDER, BatchSummary, Matrix, Vector, check, cse, diff, evaluate, from_sympy, gradient, guard,
                  hessian, jacobian, lambdify, latex, limit_table, parse, parse_list, plot_tangent,
                  plot_with_derivative, run_batch, simplify, steps, sympy_code, text, to_sympy)
from .core import budget
from .core.budget import Budget
from .core.errors import (BudgetError, ConversionError, DifferentiationError, EvaluationError, MissingExtraError,
                          ParseError, Reason, SymdiffError, UndefinedError, UndefinedPointError, UsageError)
from .core.expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym, srepr

__version__ = "0.1.0"

__all__ = [
    "parse", "parse_list", "diff", "simplify", "latex", "text", "sympy_code", "to_sympy", "from_sympy", "check",
    "steps", "gradient", "jacobian", "hessian", "cse", "evaluate", "lambdify", "limit_table", "plot_tangent",
    "plot_with_derivative", "run_batch", "BatchSummary", "Vector", "Matrix", "MAX_ORDER", "budget", "Budget",
    "SymdiffError", "ParseError", "UsageError", "DifferentiationError", "ConversionError", "BudgetError",
    "UndefinedError", "EvaluationError", "UndefinedPointError", "MissingExtraError", "Reason",
    "Expr", "Num", "Float", "Sym", "Const", "Add", "Mul", "Pow", "Func", "Derivative", "srepr",
]
