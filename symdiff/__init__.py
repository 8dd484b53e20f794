"""symdiff: symbolic differentiation, exact and simplified, as text, LaTeX or code.

    >>> import symdiff as sd
    >>> sd.diff("3*x^2 - 4*x", "x")
    6*x - 4
    >>> sd.parse("x^2*sin(x)").diff("x")
    x^2*cos(x) + 2*x*sin(x)
    >>> sd.latex(sd.diff("sin(x)/x"))
    '\\\\frac{x \\\\cos(x) - \\\\sin(x)}{x^{2}}'

SymPy is imported only by the functions that need it (to_sympy, from_sympy, check).
"""

from .api import MAX_ORDER, diff, guard, latex, parse, parse_list, simplify, sympy_code, text
from .errors import (ConversionError, DifferentiationError, LimitError, ParseError, SymdiffError,
                     UndefinedError, UsageError)
from .expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym, srepr

__version__ = "0.1.0"


@guard
def to_sympy(expr, real: bool = False):
    """The expression as a SymPy object, built exactly from the tree (no string parsing); with `real`,
    its symbols are declared real."""
    from .api import as_expr
    from .sympy_bridge import to_sympy as convert
    return convert(as_expr(expr), real=real)


@guard
def from_sympy(obj):
    """A SymPy expression as a symdiff expression; ConversionError for what symdiff cannot represent."""
    from .sympy_bridge import from_sympy as convert
    return convert(obj)


@guard
def steps(expr, variable=None, simplify: bool = True):
    """The derivation of d/d(variable) expr, rule by rule (see symdiff.derivation): .steps, .text(),
    .latex(), .json()."""
    from .derivation import steps as derive
    return derive(expr, variable, simplify)


@guard
def gradient(f, variables=None, simplify=True):
    """The gradient of f in `variables` (default: all its free symbols, sorted), by one reverse sweep."""
    from .reverse_mode import gradient as compute
    return compute(f, variables, simplify)


@guard
def jacobian(fs, variables=None, simplify=True):
    """The Jacobian matrix of a list of expressions (or of comma-separated text)."""
    from .reverse_mode import jacobian as compute
    return compute(fs, variables, simplify)


@guard
def hessian(f, variables=None, simplify=True):
    """The matrix of second partial derivatives of f."""
    from .reverse_mode import hessian as compute
    return compute(f, variables, simplify)


@guard
def cse(exprs, prefix: str = "t"):
    """Common subexpressions of an expression or a list of them: (replacements, reduced expressions)."""
    from .common_subexpressions import cse as eliminate
    from .reverse_mode import _expressions
    return eliminate(_expressions(exprs), prefix)


@guard
def evaluate(expr, values: dict | None = None, exact=None, **named):
    """The value of an expression at a point: exact for exact inputs (evaluate("x^2", x="sqrt(2)") is 2),
    a float for decimal ones or with exact=False; an error naming the part where it is undefined."""
    from .evaluation import evaluate as compute
    return compute(expr, {**(values or {}), **named}, exact=exact)


@guard
def lambdify(exprs, variables=None, backend: str = "auto"):
    """A fast Python function computing the expression(s), with NumPy arrays too (see symdiff.compile)."""
    from .compile import lambdify as build
    return build(exprs, variables, backend=backend)


@guard
def limit_table(expr, variable=None, at=0, steps: int = 5, values=None):
    """The difference quotients (f(a+h) - f(a))/h for h = 0.1 ... 10^-steps beside the exact f'(a)."""
    from .difference_quotients import limit_table as build
    return build(expr, variable, at, steps, values)


@guard
def check(expr, *variables, order: int = 1, **options):
    """Differentiate with symdiff and with SymPy and report whether they agree (see symdiff.verify)."""
    from .verify import check as run
    return run(expr, *variables, order=order, **options)


__all__ = [
    "parse", "parse_list", "diff", "simplify", "latex", "text", "sympy_code", "to_sympy", "from_sympy", "check", "steps",
    "gradient", "jacobian", "hessian", "cse", "evaluate", "lambdify", "limit_table",
    "MAX_ORDER",
    "SymdiffError", "ParseError", "UsageError", "DifferentiationError", "ConversionError", "LimitError",
    "UndefinedError",
    "Expr", "Num", "Float", "Sym", "Const", "Add", "Mul", "Pow", "Func", "Derivative", "srepr",
]
