"""Compile expressions into fast Python functions, generated as Python source.

    >>> f = lambdify(parse("sin(x*y)*x + sin(x*y)^2"), ["x", "y"])
    >>> print(f.source)            # doctest: +SKIP
    def _scalar(x, y):
        ...
            _t1 = math.sin(x*y)
            return _t1*x + _t1**2

Why source code: a function the interpreter runs directly has none of the per-node dispatch of a tree walk
(symdiff.numeric.values), and it can be read (`f.source`) and checked. Each part used more than once is computed once
(symdiff.simplification.cse), as a derivative repeats its parts often.

Backends (`backend=`):
  "auto" (default): Python floats and ints go through `math` at full speed; anything else (NumPy arrays, lists)
          goes to a NumPy version of the same source, NumPy being imported only then.
  "math": scalars only, no dispatch.
  "numpy": always NumPy (arrays, vectorised).
With `math`, a point where the expression is undefined over the reals raises an EvaluationError naming the
undefined part (as symdiff.numeric.point does); with NumPy, such points give nan or +-inf, as NumPy does, without
warnings (plots use them as gaps). Rational constants become float literals, pi and e are math.pi and math.e.
"""

from __future__ import annotations

import builtins
import functools
import keyword
import math
from collections.abc import Callable
from types import FunctionType, ModuleType
from typing import Any, Protocol, cast

from ..core.build import Number, has_negative_sign, neg
from ..core.errors import BudgetError, EvaluationError, UsageError
from ..core.expr import HALF, NAME_PATTERN, Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..core.traversal import children, parents_first
from ..functions import REGISTRY, FunctionRow, lookup
from ..parsing.inputs import as_expr, variable_names
from ..simplification.cse import name_shared, shared_products
from .point import value_at

__all__ = ["lambdify", "BACKENDS"]

BACKENDS = ("auto", "math", "numpy")
MATH, NUMPY = 0, 1

# Each function's code with math and with numpy is its row's in the registry (FunctionRow.code); {0} and {1} are
# the arguments, already parenthesised where needed.
# A row's code may call its own float implementation as _name (acot: _acot(x), continued to acot(0) = pi/2), and
# in NumPy code, where NumPy lacks the function (erf, gamma), the same vectorised as _name_array (_array_functions).
# Where a name has rows of one and of two arguments (log), _name is the one-argument row's.
IMPLEMENTATIONS = {f"_{row.name}": row.real for row in REGISTRY.values() if row.arity == 2}
IMPLEMENTATIONS.update({f"_{row.name}": row.real for row in REGISTRY.values() if row.arity == 1})
SQRT = ("math.sqrt({0})", "numpy.sqrt({0})")
POWER = ("math.pow({0}, {1})", "numpy.power({0}, {1})")  # math.pow raises where the power is not real
CONSTANTS = {"pi": "math.pi", "e": "math.e"}

# Python's operator precedence, loosest first: a child binding more loosely than its place needs parentheses.
ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5
# A subexpression nested deeper than this is given a name of its own (Python's parser limits nesting).
MAX_NESTING = 40


def _pattern_precedence(pattern: str) -> int:
    """MUL if the pattern divides outside parentheses ("1/math.tan({0})"), else ATOM (one call)."""
    depth = 0
    for character in pattern:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "/" and depth == 0:
            return MUL
    return ATOM


class CompiledFunction(Protocol):
    """What lambdify returns: the function, with its generated source, parameter names, expressions, backend."""

    source: str
    variables: tuple[str, ...]
    exprs: list[Expr]
    backend: str

    def __call__(self, *arguments: Any) -> Any: ...


def _literal(value: Number) -> tuple[str, int]:
    """A number as Python source: ints as ints (exact, and exponents stay integral), the rest as floats."""
    if isinstance(value, int) and abs(value) < 2 ** 53:
        text = str(value)
    else:
        try:
            text = repr(float(value))
        except OverflowError:
            raise UsageError(f"the number {value} is too large for a float") from None
    return text, (UNARY if text.startswith("-") else ATOM)


class CodePrinter:
    """Python source for a node, for one backend; `names` maps symbols to identifiers. Memoised per node and
    filled children first (`prepare`), so that printing never recurses deeply; a part nested deeper than
    MAX_NESTING is assigned to a name in `lines` and referred to by name."""

    def __init__(self, backend: int, names: dict[str, str], lines: list[str]):
        self.backend, self.names, self.lines = backend, names, lines
        self.memo: dict[Expr, tuple[str, int, int]] = {}  # node -> (text, precedence, nesting)
        self.methods: dict[type[Expr], Callable[[Any], tuple[str, int]]] = {
            Num: self.number, Float: self.number, Sym: self.sym, Const: self.const, Add: self.add, Mul: self.mul,
            Pow: self.pow, Func: self.func, Derivative: self.derivative}

    def prepare(self, node: Expr) -> None:
        """Print every part of `node`, children first (iteratively: any depth)."""
        for part in reversed(parents_first([node])):
            self(part)

    def __call__(self, node: Expr) -> tuple[str, int]:
        found = self.memo.get(node)
        if found is None:
            text, precedence = self.methods[type(node)](node)
            nesting = 1 + max((self.memo[c][2] for c in children(node) if c in self.memo), default=0)
            if nesting > MAX_NESTING and precedence < ATOM:
                name = f"_n{len(self.lines)}"
                self.lines.append(f"{name} = {text}")
                text, precedence, nesting = name, ATOM, 0
            found = self.memo[node] = (text, precedence, nesting)
        return found[0], found[1]

    def code(self, node: Expr, at_least: int = ATOM) -> str:
        text, precedence = self(node)
        return f"({text})" if precedence < at_least else text

    def template(self, pattern: str, *arguments: Expr) -> tuple[str, int]:
        """A function's code pattern filled in: an argument right after "/" binds at least as a power; the result
        is a product where the pattern divides outside its calls (1/math.tan(u))."""
        text = pattern.format(*(self.code(a, POW if "/{%d}" % i in pattern else ADD)
                                for i, a in enumerate(arguments)))
        return text, _pattern_precedence(pattern)

    # -- leaves --
    def number(self, node: Num | Float) -> tuple[str, int]:
        return _literal(node.value)

    def sym(self, node: Sym) -> tuple[str, int]:
        return self.names[node.name], ATOM

    def const(self, node: Const) -> tuple[str, int]:
        return CONSTANTS[node.name], ATOM

    # -- operators --
    def add(self, node: Add) -> tuple[str, int]:
        parts = []
        for i, term in enumerate(node.args):
            if has_negative_sign(term):
                parts.append(("-" if i == 0 else " - ") + self.code(neg(term), MUL))
            else:
                parts.append(("" if i == 0 else " + ") + self.code(term, ADD))
        return "".join(parts), ADD

    def mul(self, node: Mul) -> tuple[str, int]:
        numerator, denominator, sign = [], [], ""
        for factor in node.args:
            if type(factor) in (Num, Float) and factor.value == -1 and not isinstance(factor.value, float):
                sign = "-" if not sign else ""
            elif type(factor) is Pow and type(factor.exp) is Num and factor.exp.value < 0:
                exponent = -factor.exp.value
                denominator.append(factor.base if exponent == 1 else Pow(factor.base, Num(exponent)))
            else:
                numerator.append(factor)
        text = "*".join(self.code(f, MUL if i == 0 else UNARY) for i, f in enumerate(numerator)) or "1"
        if denominator:
            below = "*".join(self.code(f, UNARY) for f in denominator)
            text += "/" + (below if len(denominator) == 1 else f"({below})")
        return sign + text, (UNARY if sign else MUL)

    def pow(self, node: Pow) -> tuple[str, int]:
        base, exponent = node.args
        if type(exponent) is Num and isinstance(exponent.value, int):
            if exponent.value < 0:
                return self.mul(Mul(Num(1), node))
            return f"{self.code(base, POW + 1)}**{exponent.value}", POW
        if exponent is HALF:
            return self.template(SQRT[self.backend], base)
        if type(exponent) is Num and exponent.value == -HALF.value:
            return "1/" + self.template(SQRT[self.backend], base)[0], MUL
        if type(base) is Const and base.name == "e":
            return self.template(cast(FunctionRow, lookup("exp", 1)).code[self.backend], exponent)
        return self.template(POWER[self.backend], base, exponent)

    def func(self, node: Func) -> tuple[str, int]:
        row = lookup(node.name, len(node.arguments))
        if row is None:
            raise EvaluationError(f"cannot compile the undefined function {node.name}: give it a formula")
        return self.template(row.code[self.backend], *node.arguments)

    def derivative(self, node: Derivative) -> tuple[str, int]:
        raise EvaluationError(f"cannot compile a derivative of the undefined function {node.name}")


# Names the generated code reads as globals without a leading underscore: a parameter so named would hide them.
# (Python's builtins are avoided as well: a row's code may call one, as abs(x) does, and numpy.asarray(x,
# dtype=float) calls float.)
GLOBALS = frozenset({"math", "numpy"})


def _identifier(name: str) -> str:
    """A Python identifier for a symdiff name. A name of letters, digits and _ starting with a letter is itself,
    unless it is a Python keyword, a builtin (float, abs) or a global the code uses (math, numpy): those are
    _v_name. Everything the generated code names itself starts with an underscore (_t1, _full, _dispatch), so
    that no name starting with a letter can hide it; a symbol built directly with any other name (Sym("_full"),
    Sym("x y")) is spelled by its characters' code points, _u_ and hex digits, so that it cannot either."""
    if NAME_PATTERN.match(name):
        if keyword.iskeyword(name) or name in GLOBALS or name in vars(builtins):
            return f"_v_{name}"
        return name
    return "_u_" + name.encode("utf-8", "surrogatepass").hex()


def _body(exprs: list[Expr], backend: int, names: dict[str, str], many: bool) -> list[str]:
    """Assignments of the common subexpressions, then the return statement."""
    # For computing, every shared operation is worth a name (x^2, x*y, 1/x too), unlike for reading, and so
    # is a pair of factors that several products share.
    replacements, reduced = shared_products(name_shared(exprs, "_t", worth=lambda node: bool(children(node))),
                                            prefix="_t")
    lines: list[str] = []
    parameters = ", ".join(names.values())
    for symbol, _ in replacements:
        names[symbol.name] = symbol.name
    printer = CodePrinter(backend, names, lines)
    for symbol, definition in replacements:
        printer.prepare(definition)
        text = printer.code(definition, 0)
        lines.append(f"{symbol.name} = {text}")
    results: list[str] = []
    for expr, reduced_expr in zip(exprs, reduced):
        printer.prepare(reduced_expr)
        text = printer.code(reduced_expr, 0)
        if backend == NUMPY and not expr.free_symbols:
            text = f"_full({text}{', ' if parameters else ''}{parameters})"
        results.append(text)
    lines.append("return " + (f"[{', '.join(results)}]" if many else results[0]))
    return lines


def _source(exprs: list[Expr], variables: list[str], backend: str, many: bool) -> str:
    names = {v: _identifier(v) for v in variables}
    parameters = ", ".join(names.values())
    source: list[str] = []
    if backend in ("auto", "math"):
        body = _body(exprs, MATH, dict(names), many)
        source.append(f"def _scalar({parameters}):")
        indent = "    "
        if backend == "auto" and variables:
            check = " and ".join(f"{n}.__class__ in _SCALARS" for n in names.values())
            source.append(f"    if {check}:")
            indent = "        "
        source.append(f"{indent}try:")
        source += [f"{indent}    {line}" for line in body]
        source.append(f"{indent}except _UNDEFINED as _error:")
        source.append(f"{indent}    raise _undefined(_error, ({parameters}{',' if len(names) == 1 else ''})) "
                      "from None")
        if backend == "auto" and variables:
            source.append(f"    return _dispatch(_scalar, _array, ({parameters}{',' if len(names) == 1 else ''}))")
    if backend in ("auto", "numpy"):
        body = _body(exprs, NUMPY, dict(names), many)
        source += [""] if source else []
        source.append(f"def _array({parameters}):")
        source += [f"    {n} = numpy.asarray({n}, dtype=float)" for n in names.values()]
        source.append("    with numpy.errstate(all='ignore'):")
        source += [f"        {line}" for line in body]
    return "\n".join(source) + "\n"


def numpy_source(expr: Expr, variables: list[str], name: str = "f") -> str:
    """The source of a NumPy function of `variables` computing `expr` on arrays (what `--format numpy` prints)."""
    body = _source([expr], variables, "numpy", False).replace("def _array(", f"def {_identifier(name)}(", 1)
    return "import numpy\n\n\n" + body


def _dispatch(scalar: Callable[..., Any], array: FunctionType, arguments: tuple[Any, ...]) -> Any:
    """The auto backend's slow path: arrays and lists to NumPy, other numbers (Fraction, numpy.float64, bool)
    converted to float."""
    if not any(hasattr(a, "__len__") or getattr(a, "ndim", 0) for a in arguments):
        try:
            return scalar(*map(float, arguments))
        except TypeError:
            pass
    array.__globals__["numpy"] = _numpy()
    array.__globals__.update(_array_functions())
    return array(*arguments)


def _numpy() -> ModuleType:
    try:
        import numpy  # optional extra: only array inputs need it
    except ImportError:
        raise UsageError("arrays need NumPy: pip install numpy (or pip install 'symdiff-cas[numpy]')") from None
    return numpy


def _nan_where_undefined(real: Callable[..., float]) -> Callable[..., float]:
    """A float implementation giving nan where it raises, as NumPy's own functions do."""
    def value(*arguments: float) -> float:
        try:
            return real(*arguments)
        except (ValueError, ZeroDivisionError, OverflowError):
            return math.nan
    return value


@functools.lru_cache(maxsize=None)
def _array_functions() -> dict[str, Callable[..., Any]]:
    """_name_array for each name in IMPLEMENTATIONS: its float implementation vectorised (numpy.vectorize), for
    the NumPy code of functions NumPy does not have. Built once, when arrays are first compiled."""
    numpy = _numpy()
    return {f"{name}_array": numpy.vectorize(_nan_where_undefined(real), otypes=[float])
            for name, real in IMPLEMENTATIONS.items()}


def _full(value: float, *arguments: Any) -> Any:
    """A constant result as an array of the arguments' shape, so that f' = 6 plots as a line."""
    numpy = _numpy()
    shape = numpy.broadcast(*arguments).shape if arguments else ()
    return numpy.full(shape, value, dtype=float)


def lambdify(exprs: Any, variables: Any = None, backend: str = "auto") -> CompiledFunction:
    """A Python function computing `exprs` (an expression, its text, or a list of them: the function then
    returns a list) from positional arguments in the order of `variables` (names, symbols or "x,y"; by default
    the free symbols in alphabetical order). See the module docstring for `backend`. The function's `.source`
    is the generated code, `.variables` the parameter names, `.exprs` the expressions."""
    if backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}: use {', '.join(BACKENDS)}")
    many = isinstance(exprs, (list, tuple))
    expr_list = [as_expr(e, check=True) for e in (exprs if many else [exprs])]  # within max_size, as parsed
    names = variable_names(variables, expr_list)
    unbound = sorted(set().union(*(e.free_symbols for e in expr_list)) - set(names))
    if unbound:
        raise UsageError(f"{', '.join(unbound)} {'is' if len(unbound) == 1 else 'are'} not among the variables "
                         f"({', '.join(names) or 'none'}): add {'it' if len(unbound) == 1 else 'them'}")
    try:
        source = _source(expr_list, names, backend, many)
    except RecursionError:
        raise BudgetError("expression too deeply nested to compile") from None

    def undefined(error: Exception, arguments: tuple[Any, ...]) -> EvaluationError:
        """Name the undefined part, as symdiff.numeric.point does (only on this error path)."""
        point = dict(zip(names, arguments))
        for expr in expr_list:
            value_at(expr, {n: point[n] for n in expr.free_symbols}, exact=False)  # raises with the part named
        return EvaluationError(f"undefined at {', '.join(f'{n} = {v}' for n, v in point.items())} ({error})")

    namespace = {"math": math, **IMPLEMENTATIONS, "_full": _full, "_dispatch": _dispatch,
                 "_SCALARS": frozenset({float, int}), "_UNDEFINED": (ValueError, ZeroDivisionError, OverflowError),
                 "_undefined": undefined}
    if backend == "numpy":
        namespace["numpy"] = _numpy()
        namespace.update(_array_functions())
    exec(compile(source, "<symdiff.lambdify>", "exec"), namespace)  # our own generated code, never user text
    function = cast(CompiledFunction, namespace["_array" if backend == "numpy" else "_scalar"])
    function.source, function.variables, function.exprs, function.backend = source, tuple(names), expr_list, backend
    return function
