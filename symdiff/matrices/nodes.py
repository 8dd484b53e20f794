"""Matrix expressions: immutable nodes with shapes, and the builders that keep them in a light normal form.

A node is a vector, a matrix or a scalar (shape (1, 1)); its dimensions are scalar expressions of symdiff's core
(`n`, `m`, `3`, `m*n`), so that `tr(I_n) = n` is an ordinary scalar. Vectors are columns (n x 1); a row vector is
a transposed column.

Build nodes with the builders (`add`, `mul`, `transpose`, `inverse`, ...), never with the classes: the builders
check shapes (a ShapeError naming both operands) and keep the normal form every later stage relies on:

- sums are flat, without zeros, like terms collected (`A*x + A*x = 2*A*x`), in a canonical order;
- a product is a number coefficient, the scalar factors (shape 1 x 1, which commute) and a conformable chain of
  non-scalar factors, with identities dropped; `x'*y*z` is the scalar `x'*y` times the vector `z`;
- transposes sit on symbols, inverses, Kronecker products and vec only: (A*B)' = B'*A', (A + B)' = A' + B',
  f.(A)' = f.(A'), and a symmetric or diagonal matrix is its own transpose;
- functions, powers and Hadamard products act entrywise; on scalars they are the ordinary ones.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from dataclasses import dataclass, fields
from typing import Any, Callable, Iterable, Sequence

from ..core.build import add as scalar_add
from ..core.build import mul as scalar_mul
from ..core.build import has_negative_sign, number
from ..core.build import power as scalar_power
from ..core.errors import NotMatrixFormError as NotMatrixFormError  # the layer's errors, defined with the others
from ..core.errors import ShapeError as ShapeError
from ..core.errors import UsageError
from ..core.expr import NAME_PATTERN, ONE, ZERO, Expr, Func, Num, Pow, Sym
from ..core.expr import Add as ScalarAdd
from ..core.expr import Mul as ScalarMul
from ..functions import lookup
from ..functions.application import apply_function
from ..simplification.canonical import canonical

Dim = Expr  # a dimension: Num(3), Sym("n"), or a product m*n
Shape = tuple[Expr, Expr]

SCALAR_SHAPE: Shape = (ONE, ONE)

# The properties a symbol may be declared with; each implies those after it in its row.
PROPERTIES = {
    "symmetric": ("symmetric",),
    "diagonal": ("diagonal", "symmetric"),
    "positive_definite": ("positive_definite", "symmetric", "invertible"),
    "invertible": ("invertible",),
}


def dim(value: int | str | Expr) -> Dim:
    """A dimension: a whole number >= 1, a name (n), or a product of them (m*n)."""
    if isinstance(value, Expr):
        if isinstance(value, Num) and not (isinstance(value.value, int) and value.value >= 1):
            raise UsageError(f"a dimension is a whole number >= 1 or a name, not {value}")
        return canonical(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 1:
            raise UsageError(f"a dimension is a whole number >= 1 or a name, not {value}")
        return Num(value)
    if isinstance(value, str) and NAME_PATTERN.match(value):
        return Sym(value)
    raise UsageError(f"a dimension is a whole number >= 1 or a name, not {value!r}")


def shape_text(shape: Shape) -> str:
    rows, cols = shape
    if shape == SCALAR_SHAPE:
        return "scalar"
    if cols is ONE:
        return f"vector of {rows}"
    return f"{rows} x {cols}"


# ---------------------------------------------------------------------------------------------------- the nodes

@dataclass(frozen=True, eq=False, repr=False)
class MatExpr:
    """Base of the matrix nodes. Equality is structural; `shape` is (rows, cols)."""

    # What the API's functions look for before treating an argument as a matrix expression (symdiff.diff is
    # loaded with the package and does not import this layer).
    is_matrix_expression = True

    # Equality is structural and the hash is computed once per node (a dataclass's own hash would walk the
    # whole tree at every lookup in a memo).
    @functools.cached_property
    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    @functools.cached_property
    def _hash(self) -> int:
        return hash((type(self), self._fields))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (type(other) is type(self) and isinstance(other, MatExpr)
                                 and self._hash == other._hash and self._fields == other._fields)

    @property
    def shape(self) -> Shape:
        raise NotImplementedError

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return ()

    @property
    def is_scalar(self) -> bool:
        return self.shape == SCALAR_SHAPE

    @property
    def is_vector(self) -> bool:
        return self.shape[1] is ONE and self.shape[0] is not ONE

    @functools.cached_property
    def symbols(self) -> frozenset[Symbol]:
        """The symbols (and differentials) in the expression."""
        found: frozenset[Symbol] = frozenset()
        for c in self.children:
            found |= c.symbols
        return found

    def contains(self, symbol: Symbol) -> bool:
        return symbol in self.symbols

    def __str__(self) -> str:
        return text_printer.to_text(self)

    __repr__ = __str__

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        """The same kind of node over new children, through the builders; a leaf (no children) is itself, and
        every kind with children says how."""
        return self

    # Python's operators, through the builders: `A @ x` and `A * x` are the matrix product, `x.T` the transpose,
    # `x ** 2` an entrywise power (the power, of a scalar); numbers and constant scalars mix in.
    # A scalar added to a vector or matrix is added to each entry (1 + exp(x)), as NumPy and the reader do.
    def __add__(self, other: object) -> MatExpr:
        return add(*broadcast(self, as_matrix_expr(other)))

    def __radd__(self, other: object) -> MatExpr:
        return add(*broadcast(as_matrix_expr(other), self))

    def __sub__(self, other: object) -> MatExpr:
        return sub(*broadcast(self, as_matrix_expr(other)))

    def __rsub__(self, other: object) -> MatExpr:
        return sub(*broadcast(as_matrix_expr(other), self))

    def text(self) -> str:
        """The text, which the matrix reader reads back (symdiff.parse_matrix)."""
        return text_printer.to_text(self)

    def latex(self) -> str:
        """The LaTeX, in textbook notation: x^\\top A x, \\operatorname{tr}, \\lVert x \\rVert."""
        return latex_printer.to_latex(self)

    def _repr_latex_(self) -> str:
        return f"$\\displaystyle {latex_printer.to_latex(self)}$"

    def __mul__(self, other: object) -> MatExpr:
        return mul(self, as_matrix_expr(other))

    def __rmul__(self, other: object) -> MatExpr:
        return mul(as_matrix_expr(other), self)

    __matmul__ = __mul__
    __rmatmul__ = __rmul__

    def __truediv__(self, other: object) -> MatExpr:
        divisor = as_matrix_expr(other)
        if not divisor.is_scalar:
            raise _mismatch("a division", [self, divisor], ": divide by a scalar, or use inv() or an entrywise ./")
        return mul(self, power(divisor, Num(-1)))

    def __rtruediv__(self, other: object) -> MatExpr:
        if not self.is_scalar:
            raise _mismatch("a division", [as_matrix_expr(other), self], ": divide by a scalar, or use inv() or ./")
        return mul(as_matrix_expr(other), power(self, Num(-1)))

    def __neg__(self) -> MatExpr:
        return neg(self)

    def __pow__(self, exponent: object) -> MatExpr:
        return power(self, constant_exponent(exponent))

    @property
    def T(self) -> MatExpr:
        return transpose(self)


@dataclass(frozen=True, eq=False, repr=False)
class Scalar(MatExpr):
    """A constant scalar: a number or a closed form (`2`, `1/2`, `pi`, a dimension `n`)."""
    value: Expr

    @property
    def shape(self) -> Shape:
        return SCALAR_SHAPE


@dataclass(frozen=True, eq=False, repr=False)
class Symbol(MatExpr):
    """A named scalar, vector or matrix, with its declared properties (symmetric, diagonal, ...)."""
    name: str
    rows: Dim = ONE
    cols: Dim = ONE
    properties: frozenset[str] = frozenset()

    @property
    def shape(self) -> Shape:
        return (self.rows, self.cols)

    @functools.cached_property
    def symbols(self) -> frozenset[Symbol]:
        return frozenset((self,))

    def has(self, prop: str) -> bool:
        return prop in self.properties


@dataclass(frozen=True, eq=False, repr=False)
class Differential(Symbol):
    """dX: the differential of a symbol, a symbol of the same shape (constant when differentiating again)."""
    of: Symbol | None = None


def differential_of(symbol: Symbol) -> Differential:
    return Differential("d" + symbol.name, symbol.rows, symbol.cols, symbol.properties, symbol)


@dataclass(frozen=True, eq=False, repr=False)
class PendingDifferential(Symbol):
    """d(u) not yet worked out, in a derivation's intermediate lines: an opaque symbol of u's shape."""
    of_expression: MatExpr | None = None


def pending_differential(node: MatExpr) -> PendingDifferential:
    text = str(node)
    name = f"d{text}" if isinstance(node, Symbol) else f"d({text})"
    return PendingDifferential(name, node.shape[0], node.shape[1], frozenset(), node)


@dataclass(frozen=True, eq=False, repr=False)
class Identity(MatExpr):
    size: Dim

    @property
    def shape(self) -> Shape:
        return (self.size, self.size)


@dataclass(frozen=True, eq=False, repr=False)
class _Filled(MatExpr):
    """A vector or matrix with one constant entry everywhere, rows x cols."""
    rows: Dim
    cols: Dim

    @property
    def shape(self) -> Shape:
        return (self.rows, self.cols)


@dataclass(frozen=True, eq=False, repr=False)
class Zero(_Filled):
    """The vector or matrix of zeros."""


@dataclass(frozen=True, eq=False, repr=False)
class Ones(_Filled):
    """The vector or matrix of ones (𝟙)."""


@dataclass(frozen=True, eq=False, repr=False)
class Commutation(MatExpr):
    """K(m, n), the commutation matrix: K(m, n)*vec(A) = vec(A') for an m x n matrix A (mn x mn)."""
    rows_of: Dim
    cols_of: Dim

    @property
    def shape(self) -> Shape:
        size = canonical(scalar_mul(self.rows_of, self.cols_of))
        return (size, size)


@dataclass(frozen=True, eq=False, repr=False)
class Add(MatExpr):
    terms: tuple[MatExpr, ...]

    @property
    def shape(self) -> Shape:
        return self.terms[0].shape

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return self.terms

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return add(*children)


@dataclass(frozen=True, eq=False, repr=False)
class MatMul(MatExpr):
    """coefficient * scalars... * chain[0] * chain[1] * ...: the scalars are 1 x 1 factors, the chain conformable."""
    coefficient: Expr
    scalars: tuple[MatExpr, ...]
    chain: tuple[MatExpr, ...]

    @property
    def shape(self) -> Shape:
        if not self.chain:
            return SCALAR_SHAPE
        return (self.chain[0].shape[0], self.chain[-1].shape[1])

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return self.scalars + self.chain

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        k = len(self.scalars)
        return mul(Scalar(self.coefficient), *children[:k], *children[k:])


@dataclass(frozen=True, eq=False, repr=False)
class _Unary(MatExpr):
    arg: MatExpr

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return (self.arg,)

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return BUILDERS[type(self)](children[0])


@dataclass(frozen=True, eq=False, repr=False)
class Transpose(_Unary):
    @property
    def shape(self) -> Shape:
        rows, cols = self.arg.shape
        return (cols, rows)


@dataclass(frozen=True, eq=False, repr=False)
class Inverse(_Unary):
    @property
    def shape(self) -> Shape:
        return self.arg.shape


@dataclass(frozen=True, eq=False, repr=False)
class _ScalarOf(_Unary):
    @property
    def shape(self) -> Shape:
        return SCALAR_SHAPE


@dataclass(frozen=True, eq=False, repr=False)
class Trace(_ScalarOf):
    pass


@dataclass(frozen=True, eq=False, repr=False)
class Det(_ScalarOf):
    pass


@dataclass(frozen=True, eq=False, repr=False)
class LogDet(_ScalarOf):
    """log det A (of a matrix with positive determinant; log |det A| in general, whose differential is the same)."""


@dataclass(frozen=True, eq=False, repr=False)
class Norm(_ScalarOf):
    """The Euclidean norm of a vector, the Frobenius norm of a matrix: sqrt(sum of squares of the entries)."""


@dataclass(frozen=True, eq=False, repr=False)
class Sum(_ScalarOf):
    """The sum of the entries."""


@dataclass(frozen=True, eq=False, repr=False)
class LogSumExp(_ScalarOf):
    """log(sum(exp.(x))) of a vector."""


@dataclass(frozen=True, eq=False, repr=False)
class Softmax(_Unary):
    """exp.(x) / sum(exp.(x)) of a vector."""

    @property
    def shape(self) -> Shape:
        return self.arg.shape


@dataclass(frozen=True, eq=False, repr=False)
class Diag(_Unary):
    """The diagonal matrix with the vector's entries."""

    @property
    def shape(self) -> Shape:
        return (self.arg.shape[0], self.arg.shape[0])


@dataclass(frozen=True, eq=False, repr=False)
class DiagPart(_Unary):
    """The vector of a square matrix's diagonal entries."""

    @property
    def shape(self) -> Shape:
        return (self.arg.shape[0], ONE)


@dataclass(frozen=True, eq=False, repr=False)
class Vec(_Unary):
    """The columns stacked into one vector."""

    @property
    def shape(self) -> Shape:
        rows, cols = self.arg.shape
        return (canonical(scalar_mul(rows, cols)), ONE)


@dataclass(frozen=True, eq=False, repr=False)
class Apply(_Unary):
    """A function of the registry applied to each entry (`exp.(x)`); on a scalar, the function itself."""
    name: str = ""

    @property
    def shape(self) -> Shape:
        return self.arg.shape

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return apply(self.name, children[0])


@dataclass(frozen=True, eq=False, repr=False)
class Power(_Unary):
    """Each entry to a constant power (`x.^2`); on a scalar, the power itself."""
    exponent: Expr = ONE

    @property
    def shape(self) -> Shape:
        return self.arg.shape

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return power(children[0], self.exponent)


@dataclass(frozen=True, eq=False, repr=False)
class Hadamard(MatExpr):
    """The entrywise product of operands of one shape."""
    factors: tuple[MatExpr, ...]

    @property
    def shape(self) -> Shape:
        return self.factors[0].shape

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return self.factors

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return hadamard(*children)


@dataclass(frozen=True, eq=False, repr=False)
class Kron(MatExpr):
    """The Kronecker product A ⊗ B."""
    left: MatExpr
    right: MatExpr

    @property
    def shape(self) -> Shape:
        (a, b), (c, d) = self.left.shape, self.right.shape
        return (canonical(scalar_mul(a, c)), canonical(scalar_mul(b, d)))

    @property
    def children(self) -> tuple[MatExpr, ...]:
        return (self.left, self.right)

    def _rebuild(self, children: Sequence[MatExpr]) -> MatExpr:
        return kron(children[0], children[1])


# ------------------------------------------------------------------------------------------------ the builders

def as_matrix_expr(value: object) -> MatExpr:
    """A matrix expression from an operand: itself, or a number or constant scalar of the core as a Scalar."""
    if isinstance(value, MatExpr):
        return value
    if isinstance(value, bool):
        raise UsageError(f"{value!r} is not a matrix expression")
    if isinstance(value, (int, Fraction)):
        return Scalar(Num(value))
    if isinstance(value, Expr):
        if value.free_symbols:
            raise UsageError(f"{value} is a scalar expression with symbols: use a scalar symbol of the matrix "
                             "expressions (symbol(name)) for it")
        return Scalar(canonical(value))
    raise UsageError(f"{value!r} is not a matrix expression")


def constant_exponent(value: object) -> Expr:
    """An exponent of a matrix expression: a number or a constant (the powers here are of constant exponent)."""
    if isinstance(value, Scalar):
        return value.value
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return Num(value)
    if isinstance(value, Expr) and not value.free_symbols:
        return value
    raise UsageError(f"the exponent of a vector, matrix or scalar expression is a constant number, not {value!r}")


def broadcast(a: MatExpr, b: MatExpr) -> tuple[MatExpr, MatExpr]:
    """Two terms of a sum, a scalar one spread over the other's shape (1 + x is ones(n) + x)."""
    if a.is_scalar and not b.is_scalar:
        return mul(a, ones(b.shape)), b
    if b.is_scalar and not a.is_scalar:
        return a, mul(b, ones(a.shape))
    return a, b


def node_count(node: MatExpr) -> int:
    """The number of distinct nodes (a part shared in the tree counted once), without recursion."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(n.children)
    return len(seen)


def substitute(node: MatExpr, mapping: dict[MatExpr, MatExpr]) -> MatExpr:
    """node with each key of `mapping` replaced by its value, rebuilt through the builders."""
    memo: dict[MatExpr, MatExpr] = {}

    def walk(n: MatExpr) -> MatExpr:
        if n in mapping:
            return mapping[n]
        found = memo.get(n)
        if found is None:
            children = n.children
            found = n._rebuild([walk(c) for c in children]) if children else n
            memo[n] = found
        return found

    return walk(node)


def scalar(value: int | Expr) -> Scalar:
    return Scalar(canonical(value if isinstance(value, Expr) else number(value)))


def symbol(name: str, rows: int | str | Expr = 1, cols: int | str | Expr = 1,
           properties: Iterable[str] = ()) -> Symbol:
    """A named scalar, vector (cols 1) or matrix, with properties from PROPERTIES (each adds what it implies)."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise UsageError(f"a symbol's name is a letter and then letters, digits or _, not {name!r}")
    implied: set[str] = set()
    for p in properties:
        if p not in PROPERTIES:
            raise UsageError(f"unknown property {p!r}: use one of {', '.join(PROPERTIES)}")
        implied.update(PROPERTIES[p])
    r, c = dim(rows), dim(cols)
    if implied and r != c:
        raise ShapeError(f"{name} is declared {', '.join(sorted(properties))} but is not square ({r} x {c})",
                         "declare", (name,), (shape_text((r, c)),))
    return Symbol(name, r, c, frozenset(implied))


def zero(shape: Shape) -> MatExpr:
    return Scalar(ZERO) if shape == SCALAR_SHAPE else Zero(*shape)


def ones(shape: Shape) -> MatExpr:
    return Scalar(ONE) if shape == SCALAR_SHAPE else Ones(*shape)


def identity(size: int | str | Dim) -> MatExpr:
    d = dim(size)
    return Scalar(ONE) if d is ONE else Identity(d)


def is_zero(node: MatExpr) -> bool:
    return isinstance(node, Zero) or (isinstance(node, Scalar) and node.value is ZERO)


def _is_one(node: MatExpr) -> bool:
    return isinstance(node, Scalar) and node.value is ONE


def _mismatch(operation: str, operands: Sequence[MatExpr], why: str = "") -> ShapeError:
    texts = [str(o) for o in operands]
    shapes = [shape_text(o.shape) for o in operands]
    listed = " and ".join(f"{t} ({s})" for t, s in zip(texts, shapes))
    return ShapeError(f"shapes do not fit in {operation}: {listed}{why}", operation, texts, shapes)


def sort_key(node: MatExpr) -> tuple[int, str]:
    """The canonical order of terms and scalar factors: by kind, then by text."""
    return (_KIND_ORDER.get(type(node), 50), str(node))


def split_sign(coefficient: Expr) -> tuple[bool, Expr]:
    """(negative, |coefficient|) of a number; of a closed form, its sign as printed and the rest (the printers
    write -2*A*x as a difference)."""
    if coefficient is ONE:
        return False, coefficient
    if isinstance(coefficient, Num):
        return coefficient.value < 0, Num(-coefficient.value) if coefficient.value < 0 else coefficient
    if has_negative_sign(coefficient):
        return True, canonical(scalar_mul(Num(-1), coefficient))
    return False, coefficient


def split_coefficient(node: MatExpr) -> tuple[Expr, MatExpr]:
    """A term as number-coefficient and the rest (2*A*x -> 2, A*x)."""
    if isinstance(node, MatMul) and node.coefficient is not ONE:
        rest = MatMul(ONE, node.scalars, node.chain)
        if not node.scalars and len(node.chain) == 1:
            return node.coefficient, node.chain[0]
        if len(node.scalars) == 1 and not node.chain:
            return node.coefficient, node.scalars[0]
        return node.coefficient, rest
    if isinstance(node, Scalar):
        return node.value, Scalar(ONE)
    return ONE, node


def one_symbol_per_name(operands: Sequence[MatExpr]) -> None:
    """A ShapeError when the operands hold two different symbols of one name (an x of n entries and an x of m,
    A and a symmetric A): one name is one symbol in an expression."""
    if len(operands) < 2:
        return
    symbols = frozenset().union(*(o.symbols for o in operands))
    if len({s.name for s in symbols}) < len(symbols):
        seen: dict[str, Symbol] = {}
        for s in sorted(symbols, key=lambda s: (s.name, str(s.shape), sorted(s.properties))):
            other = seen.setdefault(s.name, s)
            if other != s:
                shapes = (_declared(other), _declared(s))
                raise ShapeError(f"two symbols named {s.name}: {shapes[0]} and {shapes[1]} (one name is one symbol "
                                 "in an expression)", "name", (s.name, s.name), shapes)


def _declared(s: Symbol) -> str:
    return shape_text(s.shape) + "".join(f", {p}" for p in sorted(s.properties))


def add(*terms: MatExpr) -> MatExpr:
    """The sum, flattened, like terms collected; a ShapeError when the shapes differ."""
    if not terms:
        return Scalar(ZERO)
    one_symbol_per_name(terms)
    shape = terms[0].shape
    for t in terms[1:]:
        if t.shape != shape:
            raise _mismatch("a sum", [terms[0], t])
    flat: list[MatExpr] = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, Add) else (t,))
    collected: dict[MatExpr, Expr] = {}
    for t in flat:
        if is_zero(t):
            continue
        c, rest = split_coefficient(t)
        collected[rest] = canonical(scalar_add(collected.get(rest, ZERO), c))
    kept = [_times(c, rest) for rest, c in collected.items() if c is not ZERO]
    if not kept:
        return zero(shape)
    if len(kept) == 1:
        return kept[0]
    return Add(tuple(sorted(kept, key=sort_key)))


def _times(coefficient: Expr, node: MatExpr) -> MatExpr:
    if coefficient is ONE:
        return node
    return mul(Scalar(coefficient), node)


def neg(node: MatExpr) -> MatExpr:
    return mul(Scalar(Num(-1)), node)


def sub(a: MatExpr, b: MatExpr) -> MatExpr:
    return add(a, neg(b))


def mul(*factors: MatExpr) -> MatExpr:
    """The product: scalars (1 x 1) commute and are collected in front; the rest must be conformable."""
    one_symbol_per_name(factors)
    coefficient: Expr = ONE
    scalars: list[MatExpr] = []
    chain: list[MatExpr] = []
    zero_shape: list[Shape] = []

    def close_chain() -> None:
        # the chain so far is a scalar (x'*y): it becomes one scalar factor, and a new chain starts
        scalars.append(chain[0] if len(chain) == 1 else MatMul(ONE, (), tuple(chain)))
        chain.clear()

    def put(f: MatExpr, whole: Sequence[MatExpr]) -> None:
        nonlocal coefficient
        if isinstance(f, Scalar):
            coefficient = canonical(scalar_mul(coefficient, f.value))
        elif isinstance(f, MatMul):
            coefficient = canonical(scalar_mul(coefficient, f.coefficient))
            scalars.extend(f.scalars)
            for g in f.chain:
                put(g, whole)
        elif f.is_scalar:
            scalars.append(f)
        else:
            if chain:
                rows_so_far, cols_so_far = chain[0].shape[0], chain[-1].shape[1]
                if cols_so_far != f.shape[0]:
                    if rows_so_far is ONE and cols_so_far is ONE:
                        close_chain()
                    else:
                        raise _mismatch("a product", [_chain_node(chain), f])
            if isinstance(f, Zero):
                zero_shape.append(f.shape)
            if isinstance(f, Identity):
                if not chain:
                    chain.append(f)  # kept until a neighbour absorbs it
                return
            if chain and isinstance(chain[-1], Identity):
                chain.pop()
            chain.append(f)

    for f in factors:
        put(f, factors)
    if chain and len(chain) > 1 and isinstance(chain[0], Identity):
        chain.pop(0)
    chain[:] = _reduced_chain(chain, scalars)
    if chain and chain[0].shape[0] is ONE and chain[-1].shape[1] is ONE and (scalars or coefficient is not ONE):
        close_chain()  # a scalar-valued chain (x'*A*x) is one scalar factor among the others
    result_shape = (chain[0].shape[0], chain[-1].shape[1]) if chain else SCALAR_SHAPE
    if coefficient is ZERO or zero_shape or any(is_zero(s) for s in scalars):
        return zero(result_shape)
    scalars = _merge_scalar_powers(scalars)
    scalars.sort(key=sort_key)
    if not scalars and not chain:
        return Scalar(coefficient)
    if coefficient is ONE and not scalars and len(chain) == 1:
        return chain[0]
    if coefficient is ONE and len(scalars) == 1 and not chain:
        return scalars[0]
    return MatMul(coefficient, tuple(scalars), tuple(chain))


def _reduced_chain(chain: list[MatExpr], scalars: list[MatExpr]) -> list[MatExpr]:
    """The chain in normal form: M*inv(M) cancelled, diag(a)*b written a .* b, and every scalar block inside
    it (the x'*w of x*x'*w*z') moved out to `scalars`, so that a product has one form however it was built."""
    changed = True
    while changed and chain:
        changed = False
        for i in range(len(chain) - 1):
            pair = _REDUCE_PAIR(chain[i], chain[i + 1])
            if pair is not None:
                # M*inv(M) leaves nothing where the chain goes on, and I where it was the whole chain
                chain[i:i + 2] = [] if is_identity_like(pair) and len(chain) > 2 else [pair]
                changed = True
                break
        if changed:
            continue
        block = _scalar_block(chain)
        if block is not None:
            i, j = block
            inner = chain[i:j + 1]
            scalars.append(_scalar_product(inner))
            del chain[i:j + 1]
            changed = True
    return chain


def is_identity_like(node: MatExpr) -> bool:
    return isinstance(node, Identity)


def _REDUCE_PAIR(a: MatExpr, b: MatExpr) -> MatExpr | None:  # noqa: N802
    """What two neighbours of a chain are as one factor, when less: M*inv(M) = I, diag(a)*b = a .* b."""
    if a.shape[0] == a.shape[1] and not isinstance(a, (Zero, Ones)) and b.shape == a.shape:
        if _inverse_of(a) == b:
            return Identity(a.shape[0])
    if isinstance(a, Diag) and b.shape[1] is ONE:
        return hadamard(a.arg, b)
    if isinstance(b, Diag) and a.shape[0] is ONE:
        return transpose(hadamard(b.arg, transpose(a)))
    return None


def _inverse_of(node: MatExpr) -> MatExpr | None:
    if isinstance(node, Inverse):
        return node.arg
    if isinstance(node, Transpose) and isinstance(node.arg, Inverse):
        return transpose(node.arg.arg)
    if isinstance(node, (Symbol, Transpose)):
        return inverse(node)
    return None


def _scalar_block(chain: Sequence[MatExpr]) -> tuple[int, int] | None:
    """(i, j): chain[i..j] is a product of shape 1 x 1 with more of the chain around it."""
    if len(chain) < 2:
        return None
    for i, start in enumerate(chain):
        if start.shape[0] is ONE:
            for j in range(i + 1, len(chain)):
                if chain[j].shape[1] is ONE:
                    if i == 0 and j == len(chain) - 1:
                        return None  # the whole chain: a scalar product itself
                    return (i, j)
            return None
    return None


def _scalar_product(block: Sequence[MatExpr]) -> MatExpr:
    """A scalar chain; a'*(b .* a.^k) as sum(b .* a.^(k + 1)) (the softmax's s'*(y ./ s) is sum(y))."""
    if len(block) == 2 and isinstance(block[1], Hadamard):
        row, column = block
        if isinstance(row, Transpose) and any((f.arg if isinstance(f, Power) else f) == row.arg
                                              for f in block[1].factors):
            return sum_of(hadamard(row.arg, column))
    return MatMul(ONE, (), tuple(block))


def _chain_node(chain: Sequence[MatExpr]) -> MatExpr:
    return chain[0] if len(chain) == 1 else MatMul(ONE, (), tuple(chain))


def _merge_scalar_powers(scalars: list[MatExpr]) -> list[MatExpr]:
    """s*s = s^2, s^a*s^b = s^(a + b) among the scalar factors."""
    exponents: dict[MatExpr, Expr] = {}
    for s in scalars:
        base, e = (s.arg, s.exponent) if isinstance(s, Power) else (s, ONE)
        exponents[base] = canonical(scalar_add(exponents.get(base, ZERO), e))
    if len(exponents) == len(scalars):
        return scalars
    return [power(b, e) for b, e in exponents.items() if e is not ZERO]


def transpose(node: MatExpr) -> MatExpr:
    """A' pushed down to the symbols: (A*B)' = B'*A', (A + B)' = A' + B', f.(A)' = f.(A')."""
    if node.is_scalar and not isinstance(node, (Symbol,)) and not node.children:
        return node
    rule = _TRANSPOSE_RULES.get(type(node))
    if rule is not None:
        return rule(node)
    return Transpose(node)


def _transpose_symbol(node: Symbol) -> MatExpr:
    if node.is_scalar or node.has("symmetric"):
        return node
    return Transpose(node)


def _transpose_product(node: MatMul) -> MatExpr:
    return mul(Scalar(node.coefficient), *node.scalars, *(transpose(f) for f in reversed(node.chain)))


def _transpose_entrywise(node: MatExpr) -> MatExpr:
    return node._rebuild([transpose(c) for c in node.children])


def _transpose_inverse(node: Inverse) -> MatExpr:
    if _is_symmetric(node.arg):
        return node
    return Transpose(node)


_TRANSPOSE_RULES: dict[type, Callable[[Any], MatExpr]] = {
    Symbol: _transpose_symbol, Differential: _transpose_symbol, PendingDifferential: _transpose_symbol,
    Transpose: lambda node: node.arg,
    Add: _transpose_entrywise, Hadamard: _transpose_entrywise, Apply: _transpose_entrywise,
    Power: _transpose_entrywise, MatMul: _transpose_product,
    Inverse: _transpose_inverse,
    Identity: lambda node: node, Diag: lambda node: node,
    Zero: lambda node: Zero(node.cols, node.rows), Ones: lambda node: Ones(node.cols, node.rows),
    Scalar: lambda node: node,
    Kron: lambda node: kron(transpose(node.left), transpose(node.right)),
}


def _is_symmetric(node: MatExpr) -> bool:
    """Known to be symmetric from its form (a symmetric symbol, A + A', A'*A, an inverse of one, I, diag(v))."""
    if isinstance(node, Symbol):
        return node.has("symmetric") or node.is_scalar
    if isinstance(node, (Identity, Diag)):
        return True
    if isinstance(node, Inverse):
        return _is_symmetric(node.arg)
    if node.shape[0] != node.shape[1]:
        return False
    return transpose(node) == node


def _square(operation: str, node: MatExpr) -> None:
    rows, cols = node.shape
    if rows != cols:
        raise _mismatch(operation, [node], " is not square")


def inverse(node: MatExpr) -> MatExpr:
    _square("an inverse", node)
    if node.is_scalar:
        return power(node, Num(-1))
    if isinstance(node, Inverse):
        return node.arg
    if isinstance(node, Identity):
        return node
    if isinstance(node, Transpose):
        return transpose(inverse(node.arg))
    if isinstance(node, MatMul) and (node.coefficient is not ONE or node.scalars):
        factor = mul(Scalar(node.coefficient), *node.scalars)
        return mul(power(factor, Num(-1)), inverse(mul(*node.chain)))
    if isinstance(node, Diag):
        return diag(power(node.arg, Num(-1)))
    if isinstance(node, MatMul) and all(f.shape[0] == f.shape[1] for f in node.chain):
        # inv(A*X*B) = inv(B)*inv(X)*inv(A): each factor of an invertible product of square ones is invertible
        return mul(*(inverse(f) for f in reversed(node.chain)))
    return Inverse(node)


def trace(node: MatExpr) -> MatExpr:
    _square("a trace", node)
    if node.is_scalar:
        return node
    if isinstance(node, Add):
        return add(*(trace(t) for t in node.terms))
    if isinstance(node, MatMul) and (node.coefficient is not ONE or node.scalars):
        return mul(Scalar(node.coefficient), *node.scalars, trace(mul(*node.chain)))
    if isinstance(node, Transpose):
        return trace(node.arg)
    if isinstance(node, Identity):
        return Scalar(node.size)
    if isinstance(node, Zero):
        return Scalar(ZERO)
    if isinstance(node, Diag):
        return sum_of(node.arg)
    if isinstance(node, Kron) and node.left.shape[0] == node.left.shape[1]:
        return mul(trace(node.left), trace(node.right))  # tr(A ⊗ B) = tr(A)*tr(B)
    return Trace(node)


def det(node: MatExpr) -> MatExpr:
    _square("a determinant", node)
    if node.is_scalar:
        return node
    if isinstance(node, Transpose):
        return det(node.arg)
    if isinstance(node, Identity):
        return Scalar(ONE)
    if isinstance(node, Inverse):
        return power(det(node.arg), Num(-1))
    return Det(node)


def logdet(node: MatExpr) -> MatExpr:
    _square("a log-determinant", node)
    if node.is_scalar:
        return apply("log", node)
    if isinstance(node, Transpose):
        return logdet(node.arg)
    if isinstance(node, Identity):
        return Scalar(ZERO)
    if isinstance(node, Inverse):
        return neg(logdet(node.arg))
    return LogDet(node)


def norm(node: MatExpr) -> MatExpr:
    if node.is_scalar:
        return apply("abs", node)
    if isinstance(node, Transpose):
        return norm(node.arg)
    return Norm(node)


def sum_of(node: MatExpr) -> MatExpr:
    if node.is_scalar:
        return node
    if isinstance(node, Add):
        return add(*(sum_of(t) for t in node.terms))
    if isinstance(node, Transpose):
        return sum_of(node.arg)
    if isinstance(node, Ones):
        return Scalar(canonical(scalar_mul(node.rows, node.cols)))
    if isinstance(node, Zero):
        return Scalar(ZERO)
    if isinstance(node, Identity):
        return Scalar(node.size)
    if isinstance(node, MatMul) and (node.coefficient is not ONE or node.scalars):
        return mul(Scalar(node.coefficient), *node.scalars, sum_of(mul(*node.chain)))
    return Sum(node)


def _vector_argument(operation: str, node: MatExpr) -> None:
    if node.shape[1] is not ONE:
        raise _mismatch(operation, [node], " is not a vector")


def softmax(node: MatExpr) -> MatExpr:
    _vector_argument("softmax", node)
    return Softmax(node)


def logsumexp(node: MatExpr) -> MatExpr:
    _vector_argument("logsumexp", node)
    return LogSumExp(node)


def diag(node: MatExpr) -> MatExpr:
    """diag of a vector: the diagonal matrix; diag of a square matrix: the vector of its diagonal."""
    if node.shape[1] is ONE:
        if node.is_scalar:
            return node
        if isinstance(node, Ones):
            return Identity(node.rows)
        if isinstance(node, Zero):
            return Zero(node.rows, node.rows)
        if isinstance(node, DiagPart) and isinstance(node.arg, Symbol) and node.arg.has("diagonal"):
            return node.arg
        return Diag(node)
    if isinstance(node, Transpose) and node.shape[0] is ONE:  # a row vector, as a column
        return diag(node.arg)
    _square("diag", node)
    if isinstance(node, Diag):
        return node.arg
    if isinstance(node, Identity):
        return Ones(node.size, ONE)
    if isinstance(node, Transpose):
        return diag(node.arg)
    if isinstance(node, Add):
        return add(*(diag(t) for t in node.terms))
    if isinstance(node, MatMul) and (node.coefficient is not ONE or node.scalars):
        return mul(Scalar(node.coefficient), *node.scalars, diag(mul(*node.chain)))
    return DiagPart(node)


def vec(node: MatExpr) -> MatExpr:
    """The columns stacked: a column vector is its own vec, a row vector's is its transpose."""
    rows, cols = node.shape
    if cols is ONE:
        return node
    if rows is ONE:
        return transpose(node)
    if isinstance(node, Add):
        return add(*(vec(t) for t in node.terms))
    if isinstance(node, MatMul) and (node.coefficient is not ONE or node.scalars):
        return mul(Scalar(node.coefficient), *node.scalars, vec(mul(*node.chain)))
    if isinstance(node, Zero):
        return Zero(canonical(scalar_mul(rows, cols)), ONE)
    return Vec(node)


def kron(left: MatExpr, right: MatExpr) -> MatExpr:
    if left.is_scalar:
        return mul(left, right)
    if right.is_scalar:
        return mul(right, left)
    if is_zero(left) or is_zero(right):
        return zero(Kron(left, right).shape)
    if isinstance(left, Identity) and isinstance(right, Identity):
        return Identity(canonical(scalar_mul(left.size, right.size)))
    return Kron(left, right)


def commutation(rows_of: Dim, cols_of: Dim) -> MatExpr:
    """K(m, n); K(m, 1) and K(1, n) are identities."""
    if rows_of is ONE or cols_of is ONE:
        return identity(canonical(scalar_mul(rows_of, cols_of)))
    return Commutation(rows_of, cols_of)


def hadamard(*factors: MatExpr) -> MatExpr:
    """The entrywise product; on scalars the product. Ones are dropped, equal factors become powers."""
    one_symbol_per_name(factors)
    shape = factors[0].shape
    for f in factors[1:]:
        if f.shape != shape:
            raise _mismatch("an entrywise product", [factors[0], f])
    if shape == SCALAR_SHAPE:
        return mul(*factors)
    coefficient: Expr = ONE
    flat: list[MatExpr] = []
    for f in factors:
        c, rest = split_coefficient(f)
        coefficient = canonical(scalar_mul(coefficient, c))
        flat.extend(rest.factors if isinstance(rest, Hadamard) else (rest,))
    if coefficient is ZERO or any(is_zero(f) for f in flat):
        return zero(shape)
    exponents: dict[MatExpr, Expr] = {}
    for f in flat:
        if isinstance(f, Ones):
            continue
        if isinstance(f, Scalar):
            coefficient = canonical(scalar_mul(coefficient, f.value))
            continue
        base, e = (f.arg, f.exponent) if isinstance(f, Power) else (f, ONE)
        exponents[base] = canonical(scalar_add(exponents.get(base, ZERO), e))
    kept = [power(b, e) for b, e in exponents.items() if e is not ZERO]
    if not kept:
        return _times(coefficient, ones(shape))
    body = kept[0] if len(kept) == 1 else Hadamard(tuple(sorted(kept, key=sort_key)))
    return _times(coefficient, body)


def power(base: MatExpr, exponent: Expr | int) -> MatExpr:
    """Each entry to a constant power; on a scalar, the power."""
    e = canonical(exponent if isinstance(exponent, Expr) else number(exponent))
    if e is ONE:
        return base
    if e is ZERO:
        return ones(base.shape)
    if isinstance(base, Scalar):
        return Scalar(canonical(scalar_power(base.value, e)))
    if isinstance(base, Ones):
        return base
    if isinstance(base, Power) and _is_integer(e):
        return power(base.arg, canonical(scalar_mul(base.exponent, e)))
    if isinstance(base, MatMul) and base.is_scalar and _is_integer(e) and (base.scalars or base.coefficient
                                                                          is not ONE):
        chain = [power(MatMul(ONE, (), base.chain), e)] if base.chain else []
        return mul(Scalar(canonical(scalar_power(base.coefficient, e))), *(power(s, e) for s in base.scalars),
                   *chain)
    if isinstance(base, Diag):
        return diag(power(base.arg, e))
    return Power(base, e)


def _is_integer(e: Expr) -> bool:
    return isinstance(e, Num) and isinstance(e.value, int)


def apply(name: str, arg: MatExpr) -> MatExpr:
    """A function of the registry on each entry (on a scalar, the function); exp.(log.(x)) is not x."""
    row = lookup(name, 1)
    if row is None:
        raise UsageError(f"{name} is not a function of one argument that symdiff knows")
    if isinstance(arg, Scalar):
        return Scalar(canonical(apply_function(name, [arg.value])))
    if name == "exp" and isinstance(arg, LogSumExp):
        return sum_of(apply("exp", arg.arg))
    if name == "log" and isinstance(arg, Det):
        return logdet(arg.arg)  # log(det(A)) = logdet(A) wherever it is real
    return Apply(arg, row.name)


def entrywise(template: Expr, placeholder: Sym, arg: MatExpr) -> MatExpr:
    """The scalar formula `template` in `placeholder` applied to each entry of `arg`, as a matrix expression:
    constants become multiples of the ones matrix, products Hadamard products (1 - tanh(u)^2 gives
    1 - tanh.(A).^2)."""
    shape = arg.shape

    def walk(e: Expr) -> MatExpr:
        if e is placeholder:
            return arg
        if placeholder.name not in e.free_symbols:
            return mul(Scalar(e), ones(shape))
        if isinstance(e, ScalarAdd):
            return add(*(walk(t) for t in e.operands))
        if isinstance(e, ScalarMul):
            return hadamard(*(walk(f) for f in e.operands))
        if isinstance(e, Pow) and placeholder.name not in e.exp.free_symbols:
            return power(walk(e.base), e.exp)
        if isinstance(e, Func) and len(e.arguments) == 1:
            return apply(e.name, walk(e.arguments[0]))
        raise NotMatrixFormError(f"no entrywise form for {e}")

    return walk(template)


BUILDERS: dict[type, Callable[[MatExpr], MatExpr]] = {
    Transpose: transpose, Inverse: inverse, Trace: trace, Det: det, LogDet: logdet, Norm: norm, Sum: sum_of,
    LogSumExp: logsumexp, Softmax: softmax, Diag: diag, DiagPart: diag, Vec: vec,
}

_KIND_ORDER: dict[type, int] = {Scalar: 0, Symbol: 10, Differential: 11, PendingDifferential: 11, Transpose: 12,
                                 Trace: 20, Det: 21, LogDet: 22, Norm: 23, Sum: 24, Apply: 30, Power: 31, MatMul: 40,
                                 Hadamard: 41}


# The printers read the node classes above: imported last, as modules (either may be the one imported first,
# and import this one), they are looked up when a node is printed.
from . import latex as latex_printer  # noqa: E402
from . import text as text_printer  # noqa: E402
