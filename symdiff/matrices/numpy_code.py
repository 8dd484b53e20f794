"""Matrix expressions as NumPy code: the source of a Python function, and that function compiled, shapes checked.

    >>> from symdiff.matrices import nodes as m
    >>> from symdiff.matrices.identification import gradient
    >>> X, w, y = m.symbol("X", "m", "n"), m.symbol("w", "n"), m.symbol("y", "m")
    >>> loss = m.sub(m.sum_of(m.apply("softplus", m.mul(X, w))), m.mul(m.transpose(y), X, w))
    >>> print(numpy_source(gradient(loss, w), [X, w, y], name="grad"), end="")
    def grad(X, w, y):
        X = np.asarray(X, dtype=float)
        w = np.reshape(np.asarray(w, dtype=float), (-1, 1))
        y = np.reshape(np.asarray(y, dtype=float), (-1, 1))
        return np.array(X.T @ (1/(1 + np.exp(-(X @ w)))) - X.T @ y, dtype=float).ravel()
    >>> import numpy as np
    >>> g = compile_numpy(gradient(loss, w), [X, w, y])
    >>> g(np.ones((3, 2)), np.zeros(2), np.ones(3))
    array([-1.5, -1.5])
    >>> g(np.ones((3, 2)), np.zeros(3), np.ones(3))
    Traceback (most recent call last):
    ...
    symdiff.core.errors.ShapeError: the argument w should be a vector of n (n = 2 from X), but is a vector of 3

The generated function works on 2-D arrays throughout (a vector is a column, n x 1, so that x' and x*y' mean
what they say), takes vectors as 1-D or column arrays, and returns a float for a scalar, a 1-D array for a
vector, a 2-D array otherwise. It uses NumPy as `np` (and `math` for a closed-form constant such as sqrt(n)).

How the code is written:
- a part used more than once is computed once, into a name (`_t1 = ...`);
- products of several factors run from the right when they end in a vector (`A @ (B @ x)`), and an inverse
  followed by more factors is a solve (`np.linalg.solve(A, B @ x)` for inv(A)*B*x);
- softmax and logsumexp subtract the maximum before exponentiating; log det is `np.linalg.slogdet(A)[1]`;
- entrywise functions are the registry rows' NumPy templates (FunctionRow.code), as in symdiff.numeric.compile;
- the commutation matrix K(m, n) is built with one indexed assignment;
- a dimension used in the code (`np.eye(n)`) is read off the first argument that has it (`n = x.shape[0]`), or,
  if no argument has it, is a keyword-only parameter (compile_numpy's `sizes` give it).

`compile_numpy` compiles the generated source (our own text, never the user's: names are made identifiers as
symdiff.numeric.compile does) and wraps it in a check of every argument's shape against its symbol's, with the
symbolic dimensions bound consistently across the arguments: a mismatch is a ShapeError naming the argument, the
shape expected and the shape given.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Mapping, Sequence

from ..core.errors import UsageError
from ..core.expr import ONE, Expr, Num, Sym
from ..functions import lookup
from ..numeric.compile import (ADD, ATOM, MATH, MUL, POW, UNARY, CodePrinter, _array_functions, _identifier, _numpy,
                               _pattern_precedence)
from ..numeric.values import numeric_value
from . import nodes as m
from .nodes import MatExpr, ShapeError

# A part nested deeper than this is given a name of its own (Python's parser limits nesting).
MAX_NESTING = 30
RESERVED = frozenset({"np", "math"})


def _parameter(name: str) -> str:
    identifier = _identifier(name)
    return f"_v_{identifier}" if identifier in RESERVED else identifier



def _shared_parts(node: MatExpr) -> set[MatExpr]:
    """The parts (not symbols) that occur more than once in the tree."""
    counts: dict[MatExpr, int] = {}

    def visit(n: MatExpr) -> None:
        seen = counts.get(n, 0)
        counts[n] = seen + 1
        if not seen:
            for c in n.children:
                visit(c)

    visit(node)
    return {n for n, c in counts.items() if c > 1 and not isinstance(n, (m.Symbol, m.Scalar))}


def _cheap(node: MatExpr) -> bool:
    """Not worth a name of its own: a symbol, a constant, a transposed symbol (A.T is a view)."""
    return isinstance(node, (m.Symbol, m.Scalar)) or (isinstance(node, m.Transpose) and isinstance(node.arg, m.Symbol))


def _inverted(node: MatExpr) -> tuple[MatExpr, bool] | None:
    """(A, transposed) for inv(A) or inv(A)'."""
    if isinstance(node, m.Inverse):
        return node.arg, False
    if isinstance(node, m.Transpose) and isinstance(node.arg, m.Inverse):
        return node.arg.arg, True
    return None


class _Writer:
    """The code of each part, memoised; statements for named parts go to `lines`."""

    def __init__(self, names: dict[str, str], shared: set[MatExpr]):
        self.names = names  # symbol name -> identifier
        self.shared = shared
        self.lines: list[str] = []
        self.dimensions: dict[str, str] = {}  # dimension name -> identifier (not a parameter's)
        self.used: set[str] = set()  # the dimensions the code needs
        self.memo: dict[MatExpr, tuple[str, int, int]] = {}
        self.count = 0

    # -- the machinery --
    def __call__(self, node: MatExpr) -> tuple[str, int]:
        found = self.memo.get(node)
        if found is None:
            text, precedence = _CODE[type(node)](self, node)
            nesting = 1 + max((self.memo[c][2] for c in node.children if c in self.memo), default=0)
            if (node in self.shared and not _cheap(node)) or (precedence < ATOM and nesting > MAX_NESTING):
                text, precedence, nesting = self.assign(text), ATOM, 0
            found = self.memo[node] = (text, precedence, nesting)
        return found[0], found[1]

    def code(self, node: MatExpr, least: int) -> str:
        text, precedence = self(node)
        return f"({text})" if precedence < least else text

    def assign(self, text: str) -> str:
        self.count += 1
        name = f"_t{self.count}"
        self.lines.append(f"{name} = {text}")
        return name

    def named(self, node: MatExpr) -> str:
        """The node's code as a name (for a part a statement uses more than once)."""
        text, precedence = self(node)
        if precedence == ATOM and text.isidentifier():
            return text
        name = self.assign(text)
        self.memo[node] = (name, ATOM, 0)
        return name

    def scalar_code(self, value: Expr) -> tuple[str, int]:
        """A constant: an int, a float literal, or code in the dimensions (math.sqrt(n))."""
        if isinstance(value, Num):
            if isinstance(value.value, Fraction):
                text = repr(float(value.value))
            else:
                text = str(value.value)
            return text, (UNARY if text.startswith("-") else ATOM)
        free = sorted(value.free_symbols)
        if not free:
            text = repr(float(numeric_value(value, {})))
            return text, (UNARY if text.startswith("-") else ATOM)
        for name in free:
            self.used.add(name)
            if name not in self.dimensions:
                identifier = _identifier(name)
                taken = identifier in RESERVED or identifier in self.names.values()
                self.dimensions[name] = f"_d_{identifier}" if taken else identifier
        printer = CodePrinter(MATH, dict(self.dimensions), [])
        printer.prepare(value)
        return printer(value)

    def dim(self, d: Expr) -> str:
        text, _ = self.scalar_code(d)
        return text

    # -- the parts --
    def symbol(self, node: m.Symbol) -> tuple[str, int]:
        return self.names[node.name], ATOM

    def scalar(self, node: m.Scalar) -> tuple[str, int]:
        return self.scalar_code(node.value)

    def sum(self, node: m.Add) -> tuple[str, int]:
        """Terms with their signs, a positive one first (X @ w - y)."""
        signed: list[tuple[bool, str]] = []
        for t in node.terms:
            negative, text = False, ""
            if isinstance(t, m.MatMul):
                negative, magnitude = m.split_sign(t.coefficient)
                if negative:
                    body, precedence = self.product(magnitude, t.scalars, t.chain)
                    text = f"({body})" if precedence <= ADD else body
            elif isinstance(t, m.Scalar):
                negative, magnitude = m.split_sign(t.value)
                if negative:
                    text = self.scalar_code(magnitude)[0]
            signed.append((negative, text or self.code(t, MUL)))
        first = next((i for i, (negative, _) in enumerate(signed) if not negative), 0)
        order = [signed[first]] + signed[:first] + signed[first + 1:]
        parts = [("-" if negative else "") + text if i == 0 else (" - " if negative else " + ") + text
                 for i, (negative, text) in enumerate(order)]
        return "".join(parts), ADD

    def matmul(self, node: m.MatMul) -> tuple[str, int]:
        negative, magnitude = m.split_sign(node.coefficient)
        text, precedence = self.product(magnitude, node.scalars, node.chain)
        if negative:
            if precedence < MUL or text.startswith("-"):
                return f"-({text})", UNARY
            return "-" + text, min(precedence, UNARY)
        return text, precedence

    def product(self, coefficient: Expr, scalars: Sequence[MatExpr], chain: Sequence[MatExpr]) -> tuple[str, int]:
        above: list[str] = []
        below: list[str] = []
        if coefficient is not ONE:
            above.append(self.scalar_code(coefficient)[0])
        for s in scalars:
            if isinstance(s, m.Power) and isinstance(s.exponent, Num) and s.exponent.value < 0:
                base = self.code(s.arg, POW + 1)
                e = -s.exponent.value
                below.append(base if e == 1 else f"{base} ** {self.scalar_code(Num(e))[0]}")
            else:
                above.append(self.code(s, UNARY))
        if chain:
            text, precedence = self.chain(chain)
            above.append(text if precedence > MUL or not above else f"({text})")
        numerator = " * ".join(above) or "1"
        if not below:
            return numerator, (MUL if len(above) > 1 else self._single_precedence(above[0], scalars, chain))
        denominator = below[0] if len(below) == 1 and " " not in below[0] else f"({' * '.join(below)})"
        return f"{numerator} / {denominator}", MUL

    def _single_precedence(self, text: str, scalars: Sequence[MatExpr], chain: Sequence[MatExpr]) -> int:
        if chain and not scalars:
            return self.chain(chain)[1]
        if scalars and not chain:
            return self(scalars[0])[1]
        return UNARY if text.startswith("-") else ATOM

    def chain(self, chain: Sequence[MatExpr]) -> tuple[str, int]:
        if len(chain) == 1:
            return self(chain[0])
        solvable = [f for f in chain[:-1] if _inverted(f) is not None and f not in self.shared
                    and (not isinstance(f, m.Transpose) or f.arg not in self.shared)]
        if chain[-1].shape[1] is ONE or solvable:  # from the right: matrix-vector products, solves
            text, precedence = self(chain[-1])
            for f in reversed(chain[:-1]):
                inverted = _inverted(f) if f in solvable else None
                if inverted is not None:
                    matrix, transposed = inverted
                    a = self.code(matrix, ATOM) + ".T" if transposed else self(matrix)[0]
                    text, precedence = f"np.linalg.solve({a}, {text})", ATOM
                else:
                    right = text if precedence > MUL else f"({text})"
                    text, precedence = f"{self.code(f, MUL)} @ {right}", MUL
            return text, precedence
        return " @ ".join([self.code(chain[0], MUL)] + [self.code(f, UNARY) for f in chain[1:]]), MUL

    def transpose(self, node: m.Transpose) -> tuple[str, int]:
        return self.code(node.arg, ATOM) + ".T", ATOM

    def call(self, template: str) -> Callable[[_Writer, Any], tuple[str, int]]:
        return lambda writer, node: (template.format(writer(node.arg)[0]), ATOM)

    def softmax(self, node: m.Softmax) -> tuple[str, int]:
        z = self.named(node.arg)
        e = self.assign(f"np.exp({z} - np.max({z}))")
        return f"{e} / np.sum({e})", MUL

    def logsumexp(self, node: m.LogSumExp) -> tuple[str, int]:
        z = self.named(node.arg)
        top = self.assign(f"np.max({z})")
        return f"{top} + np.log(np.sum(np.exp({z} - {top})))", ADD

    def commutation(self, node: m.Commutation) -> tuple[str, int]:
        rows, cols = self.dim(node.rows_of), self.dim(node.cols_of)
        size = self.dim(node.shape[0])
        k = self.assign(f"np.zeros(({size}, {size}))")
        i = self.assign(f"np.arange({size})")
        # K[i*cols + j, j*rows + i] = 1: vec(A')[i*cols + j] = A[i, j] = vec(A)[j*rows + i]
        self.lines.append(f"{k}[{i}, {i} % {cols} * {rows} + {i} // {cols}] = 1.0")
        return k, ATOM

    def hadamard(self, node: m.Hadamard) -> tuple[str, int]:
        return " * ".join(self.code(f, MUL if i == 0 else UNARY) for i, f in enumerate(node.factors)), MUL

    def power(self, node: m.Power) -> tuple[str, int]:
        if node.is_scalar and node.exponent == Num(-1):
            return f"1 / {self.code(node.arg, UNARY)}", MUL
        exponent, precedence = self.scalar_code(node.exponent)
        return f"{self.code(node.arg, ATOM)} ** {exponent if precedence >= POW else f'({exponent})'}", POW

    def apply(self, node: m.Apply) -> tuple[str, int]:
        row = lookup(node.name, 1)
        assert row is not None  # the builder took the name from the registry
        pattern = row.code[1].replace("numpy.", "np.")
        argument = self.code(node.arg, POW if "/{0}" in pattern else ADD)
        return pattern.format(argument), _pattern_precedence(pattern)

    def constant(self, node: MatExpr) -> tuple[str, int]:
        if isinstance(node, m.Identity):
            return f"np.eye({self.dim(node.size)})", ATOM
        kind = "ones" if isinstance(node, m.Ones) else "zeros"
        rows, cols = node.shape
        return f"np.{kind}(({self.dim(rows)}, {self.dim(cols)}))", ATOM

    def kron(self, node: m.Kron) -> tuple[str, int]:
        return f"np.kron({self(node.left)[0]}, {self(node.right)[0]})", ATOM


_CODE: dict[type, Callable[[_Writer, Any], tuple[str, int]]] = {
    m.Symbol: _Writer.symbol, m.Differential: _Writer.symbol, m.Scalar: _Writer.scalar,
    m.Identity: _Writer.constant, m.Ones: _Writer.constant, m.Zero: _Writer.constant,
    m.Commutation: _Writer.commutation,
    m.Add: _Writer.sum, m.MatMul: _Writer.matmul, m.Hadamard: _Writer.hadamard, m.Kron: _Writer.kron,
    m.Transpose: _Writer.transpose, m.Power: _Writer.power, m.Apply: _Writer.apply,
    m.Softmax: _Writer.softmax, m.LogSumExp: _Writer.logsumexp,
    m.Inverse: lambda w, n: (f"np.linalg.inv({w(n.arg)[0]})", ATOM),
    m.Trace: lambda w, n: (f"np.trace({w(n.arg)[0]})", ATOM),
    m.Det: lambda w, n: (f"np.linalg.det({w(n.arg)[0]})", ATOM),
    m.LogDet: lambda w, n: (f"np.linalg.slogdet({w(n.arg)[0]})[1]", ATOM),
    m.Norm: lambda w, n: (f"np.linalg.norm({w(n.arg)[0]})", ATOM),
    m.Sum: lambda w, n: (f"np.sum({w(n.arg)[0]})", ATOM),
    m.Diag: lambda w, n: (f"np.diagflat({w(n.arg)[0]})", ATOM),
    m.DiagPart: lambda w, n: (f"np.diag({w(n.arg)[0]}).reshape(-1, 1)", ATOM),
    m.Vec: lambda w, n: (f"np.reshape({w(n.arg)[0]}, (-1, 1), order=\"F\")", ATOM),
}


# ----------------------------------------------------------------------------------------------- the source

def _check_arguments(node: MatExpr, arguments: Sequence[m.Symbol]) -> None:
    names = [a.name for a in arguments]
    if len(set(names)) != len(names):
        raise UsageError(f"an argument is listed twice among {', '.join(names)}")
    given = {a.name: a for a in arguments}
    missing = sorted({s.name for s in node.symbols} - set(given))
    if missing:
        raise UsageError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not among the arguments "
                         f"({', '.join(names) or 'none'}): add {'it' if len(missing) == 1 else 'them'}")
    for s in node.symbols:
        if s.shape != given[s.name].shape:
            raise ShapeError(f"the argument {s.name} is {m.shape_text(given[s.name].shape)} but the expression "
                             f"has it {m.shape_text(s.shape)}", "arguments", (s.name,),
                             (m.shape_text(given[s.name].shape), m.shape_text(s.shape)))


def _where(dimension: str, arguments: Sequence[m.Symbol], names: Mapping[str, str]) -> str | None:
    """Code reading a dimension off the first argument that has it whole (`x.shape[0]`)."""
    for a in arguments:
        for axis, d in enumerate(a.shape):
            if isinstance(d, Sym) and d.name == dimension:
                return f"{names[a.name]}.shape[{axis}]"
    return None


def _prologue(a: m.Symbol, identifier: str) -> str:
    rows, cols = a.shape
    if a.is_scalar:
        return f"{identifier} = float(np.squeeze({identifier}))"
    if cols is ONE:
        return f"{identifier} = np.reshape(np.asarray({identifier}, dtype=float), (-1, 1))"
    if rows is ONE:
        return f"{identifier} = np.reshape(np.asarray({identifier}, dtype=float), (1, -1))"
    return f"{identifier} = np.asarray({identifier}, dtype=float)"


def _result(node: MatExpr, text: str) -> str:
    if node.is_scalar:
        return f"float(np.squeeze({text}))"
    if node.is_vector:
        return f"np.array({text}, dtype=float).ravel()"
    return f"np.array({text}, dtype=float)"


def _generate(node: MatExpr, arguments: Sequence[m.Symbol], name: str) -> tuple[str, dict[str, str]]:
    """The source, and the dimensions it takes as keyword-only parameters (identifier -> dimension name)."""
    _check_arguments(node, arguments)
    names = {a.name: _parameter(a.name) for a in arguments}
    writer = _Writer(names, _shared_parts(node))
    result = _result(node, writer(node)[0])
    lines = [_prologue(a, names[a.name]) for a in arguments]
    keyword_only: dict[str, str] = {}
    for d in sorted(writer.used):
        identifier = writer.dimensions[d]
        where = _where(d, arguments, names)
        if where is None:
            keyword_only[identifier] = d
        else:
            lines.append(f"{identifier} = {where}")
    parameters = ", ".join(list(names.values()) + (["*", *keyword_only] if keyword_only else []))
    source = [f"def {name}({parameters}):"] + [f"    {line}" for line in lines + writer.lines + [f"return {result}"]]
    return "\n".join(source) + "\n", keyword_only


def numpy_source(node: MatExpr, arguments: Sequence[m.Symbol], name: str = "f") -> str:
    """The Python source of a function `name(arguments...)` computing `node` with NumPy (as `np`)."""
    if not name.isidentifier():
        raise UsageError(f"{name!r} is not a Python identifier")
    return _generate(node, arguments, name)[0]


# ------------------------------------------------------------------------------------------------- compiled

class CompiledMatrixFunction:
    """The compiled function: call it with one array per argument, in order. `source` is its code."""

    def __init__(self, function: Callable[..., Any], source: str, arguments: Sequence[m.Symbol],
                 sizes: Mapping[str, int], keyword_only: Mapping[str, str]):
        self.function, self.source = function, source
        self.arguments = tuple(arguments)
        self.sizes = dict(sizes)
        self.keyword_only = dict(keyword_only)  # identifier -> dimension name

    def __call__(self, *values: Any) -> Any:
        import numpy as np  # heavy: imported only when a compiled function is called (compile_numpy loaded it)
        if len(values) != len(self.arguments):
            raise UsageError(f"{len(self.arguments)} arguments expected ({', '.join(a.name for a in self.arguments)}),"
                             f" {len(values)} given")
        arrays = [np.asarray(v, dtype=float) for v in values]
        bound = dict(self.sizes)
        origin = {d: "the sizes given" for d in bound}
        for a, array in zip(self.arguments, arrays):
            _check_shape(a, array.shape, bound, origin)
        extra = {identifier: bound[d] for identifier, d in self.keyword_only.items()}
        return self.function(*arrays, **extra)


def _given_text(shape: tuple[int, ...]) -> str:
    if len(shape) == 0:
        return "scalar"
    if len(shape) == 1:
        return f"vector of {shape[0]}"
    return " x ".join(str(s) for s in shape)


def _article(shape: str) -> str:
    return "a " + shape if shape.startswith(("vector", "scalar")) else shape


def _check_shape(a: m.Symbol, given: tuple[int, ...], bound: dict[str, int], origin: dict[str, str]) -> None:
    rows, cols = a.shape
    expected = m.shape_text(a.shape)

    def refuse() -> ShapeError:
        known = [f"{d} = {bound[d]} from {origin[d]}" for d in sorted(_names(rows) | _names(cols))
                 if d in bound and origin[d] != a.name]
        detail = f" ({', '.join(known)})" if known else ""
        given_text = _given_text(given)
        return ShapeError(f"the argument {a.name} should be {_article(expected)}{detail}, but is "
                          f"{_article(given_text)}", "call", (a.name,), (expected, given_text))

    if a.is_scalar:
        if math.prod(given) != 1 or len(given) > 2:
            raise refuse()
        return
    if len(given) == 1 and (cols is ONE or rows is ONE):
        actual = (given[0], 1) if cols is ONE else (1, given[0])
    elif len(given) == 2:
        actual = (given[0], given[1])
    else:
        raise refuse()
    for d, size in zip((rows, cols), actual):
        if isinstance(d, Sym) and d.name not in bound:
            bound[d.name], origin[d.name] = size, a.name
    for d, size in zip((rows, cols), actual):
        if isinstance(d, Num) or isinstance(d, Sym) or not (_names(d) - set(bound)):
            if _size_of(d, bound) != size:
                raise refuse()


def _names(d: Expr) -> set[str]:
    return set(d.free_symbols)


def _size_of(d: Expr, bound: Mapping[str, int]) -> int:
    if isinstance(d, Num):
        return int(d.value)
    if isinstance(d, Sym):
        return bound[d.name]
    return int(round(numeric_value(d, {k: float(v) for k, v in bound.items()})))


def compile_numpy(node: MatExpr, arguments: Sequence[m.Symbol],
                  sizes: Mapping[str, int] | None = None) -> CompiledMatrixFunction:
    """`node` as a function of NumPy arrays, one per argument in order, with every shape checked; `sizes` fixes
    dimensions (and gives those no argument has)."""
    np = _numpy()  # NumPy is imported here, on the first compilation (an optional extra: a clear error without it)
    source, keyword_only = _generate(node, arguments, "_matrix_function")
    missing = sorted(d for d in keyword_only.values() if d not in (sizes or {}))
    if missing:
        raise UsageError(f"no argument has the dimension {', '.join(missing)}: give it in sizes")
    namespace: dict[str, Any] = {"np": np, "math": math, **_array_functions()}
    exec(compile(source, "<symdiff.matrices.numpy>", "exec"), namespace)  # our own generated code, never user text
    return CompiledMatrixFunction(namespace["_matrix_function"], source, arguments, dict(sizes or {}), keyword_only)
