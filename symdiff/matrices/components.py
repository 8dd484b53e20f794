"""Matrix expressions expanded into their entries: scalar expressions of symdiff's core, for checking.

A matrix result is trusted once it agrees, entry by entry, with what the scalar machinery computes from the
same expression written out in components at small sizes (symdiff.matrices.check). `expand(node, sizes)` gives
the rows x cols entries, each dimension name given a size.

Entry names: a scalar symbol `s` is the scalar symbol `s`; the entries of a vector `x` are `x_1`, ..., `x_n`; of a
matrix `A` (a row vector included) `A_1_1`, `A_1_2`, ... (1-based, row then column). symdiff's parser reads each as
one symbol (`A_1_2`, not `A_1` times anything), so the expanded entries print and parse back. A symmetric matrix
shares its entries (A_2_1 is A_1_2: the name has i <= j), a diagonal one is 0 off the diagonal; a differential
`dX` is a symbol too (`dX_1_2`). Two symbols whose entry names would meet (a vector `A_1` beside a matrix `A`)
are refused with a UsageError rather than silently merged (see `check_names`).

Inverses are exact: the adjugate over the determinant, both from minors computed once each (Laplace
expansion), for sizes up to MAX_EXACT_SIZE; logdet is log(det), a norm the square root of the sum of squares,
softmax and logsumexp their exp/log formulas.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from ..core.build import add, div, mul, power, substitute
from ..core.errors import UsageError
from ..core.expr import HALF, ONE, ZERO, Expr, Num, Sym
from ..functions.application import apply_function
from ..simplification.canonical import canonical
from . import nodes as m
from .nodes import MatExpr

Entries = list[list[Expr]]
Sizes = Mapping[str, int]

MAX_EXACT_SIZE = 6  # Laplace expansion of a determinant: n! terms; 6! = 720 is the most a check should build


def dimension_size(d: Expr, sizes: Sizes) -> int:
    """The size of a dimension (`n`, `3`, `m*n`) once each dimension name has its size."""
    missing = sorted(d.free_symbols - set(sizes))
    if missing:
        raise UsageError(f"no size given for the dimension {', '.join(missing)}")
    value = canonical(substitute(d, {Sym(k): Num(v) for k, v in sizes.items() if k in d.free_symbols}))
    if not isinstance(value, Num) or not isinstance(value.value, int) or value.value < 1:
        raise UsageError(f"the dimension {d} is not a positive whole number at sizes {dict(sizes)}")
    return value.value


def shape_sizes(node: MatExpr, sizes: Sizes) -> tuple[int, int]:
    return (dimension_size(node.shape[0], sizes), dimension_size(node.shape[1], sizes))


def dimension_names(*nodes: MatExpr) -> set[str]:
    """The dimension names in the shapes of the nodes and of all their parts, and in their constants."""
    found: set[str] = set()
    seen: set[int] = set()

    def walk(n: MatExpr) -> None:
        if id(n) in seen:
            return
        seen.add(id(n))
        for d in n.shape:
            found.update(d.free_symbols)
        if isinstance(n, m.Commutation):
            found.update(n.rows_of.free_symbols | n.cols_of.free_symbols)
        elif isinstance(n, m.Scalar):  # a constant's symbols are dimensions: tr(I(n)) is the scalar n
            found.update(n.value.free_symbols)
        elif isinstance(n, m.MatMul):
            found.update(n.coefficient.free_symbols)
        elif isinstance(n, m.Power):
            found.update(n.exponent.free_symbols)
        for c in n.children:
            walk(c)

    for node in nodes:
        walk(node)
    return found


# ------------------------------------------------------------------------------------------------ entry names

def entry_name(symbol: m.Symbol, i: int, j: int) -> str:
    """The scalar name of entry (i, j) (0-based here, 1-based in the name) of a vector or matrix symbol."""
    if symbol.cols is ONE:
        return f"{symbol.name}_{i + 1}"
    if symbol.has("symmetric") and i > j:
        i, j = j, i
    return f"{symbol.name}_{i + 1}_{j + 1}"


def component_symbols(symbol: m.Symbol, sizes: Sizes) -> Entries:
    """The entries of a symbol: scalar symbols (shared across the diagonal when symmetric, 0 off the diagonal
    when diagonal); a scalar symbol is itself."""
    if symbol.shape == m.SCALAR_SHAPE:
        return [[Sym(symbol.name)]]
    rows, cols = shape_sizes(symbol, sizes)
    diagonal = symbol.has("diagonal")
    return [[ZERO if diagonal and i != j else Sym(entry_name(symbol, i, j)) for j in range(cols)]
            for i in range(rows)]


def component_positions(symbol: m.Symbol, sizes: Sizes) -> dict[str, list[tuple[int, int]]]:
    """Each distinct entry name of a symbol and the positions (0-based) holding it: one for a plain matrix, two
    for an off-diagonal entry of a symmetric one. The order is column-major (the order of vec)."""
    entries = component_symbols(symbol, sizes)
    rows, cols = len(entries), len(entries[0])
    found: dict[str, list[tuple[int, int]]] = {}
    for j in range(cols):
        for i in range(rows):
            e = entries[i][j]
            if isinstance(e, Sym):
                found.setdefault(e.name, []).append((i, j))
    return found


def check_names(nodes: Sequence[MatExpr], sizes: Sizes) -> None:
    """A UsageError when two different symbols would share an entry name (a vector `A_1` and a matrix `A`)."""
    owner: dict[str, m.Symbol] = {}
    for node in nodes:
        for s in sorted(node.symbols, key=lambda s: (s.name, str(s.shape))):
            for row in component_symbols(s, sizes):
                for e in row:
                    if not isinstance(e, Sym):
                        continue
                    other = owner.setdefault(e.name, s)
                    if other != s:
                        raise UsageError(f"the entries of {other.name} and {s.name} would both be named {e.name}: "
                                         "rename one to check them by components")


# ------------------------------------------------------------------------------------------------- expansion

def expand(node: MatExpr, sizes: Sizes) -> Entries:
    """The entries of `node` (rows x cols scalar expressions) with each dimension name at its size."""
    check_names([node], sizes)
    memo: dict[MatExpr, Entries] = {}

    def walk(n: MatExpr) -> Entries:
        found = memo.get(n)
        if found is not None:
            return found
        rule = RULES.get(type(n))
        if rule is None:
            raise UsageError(f"no expansion into components for {type(n).__name__}")
        result = rule(n, [walk(c) for c in n.children], sizes)
        memo[n] = result
        return result

    return walk(node)


def expand_scalar(node: MatExpr, sizes: Sizes) -> Expr:
    """The one entry of a scalar node."""
    return expand(node, sizes)[0][0]


def vec_entries(entries: Entries) -> list[Expr]:
    """The entries stacked column by column (vec)."""
    return [entries[i][j] for j in range(len(entries[0])) for i in range(len(entries))]


def _constant(value: Expr, sizes: Sizes) -> Expr:
    names = value.free_symbols & set(sizes)
    if not names:
        return value
    return canonical(substitute(value, {Sym(k): Num(sizes[k]) for k in names}))


def _filled(rows: int, cols: int, entry: Callable[[int, int], Expr]) -> Entries:
    return [[entry(i, j) for j in range(cols)] for i in range(rows)]


def _map(entries: Entries, f: Callable[[Expr], Expr]) -> Entries:
    return [[f(e) for e in row] for row in entries]


def _total(terms: Sequence[Expr]) -> Expr:
    return add(*(t for t in terms if t is not ZERO))


def _matmul(a: Entries, b: Entries) -> Entries:
    inner = len(b)
    return _filled(len(a), len(b[0]), lambda i, j: _total([mul(a[i][k], b[k][j]) for k in range(inner)]))


def _transpose(a: Entries) -> Entries:
    return _filled(len(a[0]), len(a), lambda i, j: a[j][i])


def _scalar(n: m.Scalar, c: list[Entries], sizes: Sizes) -> Entries:
    return [[_constant(n.value, sizes)]]


def _symbol(n: m.Symbol, c: list[Entries], sizes: Sizes) -> Entries:
    return component_symbols(n, sizes)


def _identity(n: m.Identity, c: list[Entries], sizes: Sizes) -> Entries:
    size = dimension_size(n.size, sizes)
    return _filled(size, size, lambda i, j: ONE if i == j else ZERO)


def _constant_matrix(value: Expr) -> Callable[[MatExpr, list[Entries], Sizes], Entries]:
    def rule(n: MatExpr, c: list[Entries], sizes: Sizes) -> Entries:
        rows, cols = shape_sizes(n, sizes)
        return _filled(rows, cols, lambda i, j: value)
    return rule


def _commutation(n: m.Commutation, c: list[Entries], sizes: Sizes) -> Entries:
    rows, cols = dimension_size(n.rows_of, sizes), dimension_size(n.cols_of, sizes)
    k = _filled(rows * cols, rows * cols, lambda i, j: ZERO)
    for i in range(rows):
        for j in range(cols):
            k[i * cols + j][j * rows + i] = ONE  # vec(A')[i*n + j] = A[i, j] = vec(A)[j*m + i]
    return k


def _sum(n: m.Add, c: list[Entries], sizes: Sizes) -> Entries:
    return _filled(len(c[0]), len(c[0][0]), lambda i, j: _total([t[i][j] for t in c]))


def _product(n: m.MatMul, c: list[Entries], sizes: Sizes) -> Entries:
    k = len(n.scalars)
    factor = mul(_constant(n.coefficient, sizes), *(s[0][0] for s in c[:k]))
    chain = c[k:]
    if not chain:
        return [[factor]]
    result = chain[0]
    for f in chain[1:]:
        result = _matmul(result, f)
    return _map(result, lambda e: mul(factor, e))


def _inverse(n: m.Inverse, c: list[Entries], sizes: Sizes) -> Entries:
    a = c[0]
    size = len(a)
    if size == 1:
        return [[power(a[0][0], Num(-1))]]
    minors = _Minors(a)
    whole = tuple(range(size))
    d = minors.det(whole, whole)

    def cofactor(i: int, j: int) -> Expr:  # the adjugate's (i, j): the cofactor of (j, i)
        rows = tuple(r for r in whole if r != j)
        cols = tuple(s for s in whole if s != i)
        value = minors.det(rows, cols)
        return div(value if (i + j) % 2 == 0 else mul(Num(-1), value), d)

    return _filled(size, size, cofactor)


class _Minors:
    """Determinants of the square submatrices of `a`, each computed once (Laplace along the first row)."""

    def __init__(self, a: Entries):
        if len(a) > MAX_EXACT_SIZE:
            raise UsageError(f"a {len(a)} x {len(a)} determinant or inverse is beyond the exact expansion "
                             f"(at most {MAX_EXACT_SIZE} x {MAX_EXACT_SIZE})")
        self.a = a
        self.memo: dict[tuple[tuple[int, ...], tuple[int, ...]], Expr] = {}

    def det(self, rows: tuple[int, ...], cols: tuple[int, ...]) -> Expr:
        found = self.memo.get((rows, cols))
        if found is not None:
            return found
        if len(rows) == 1:
            value = self.a[rows[0]][cols[0]]
        else:
            terms = []
            for k, col in enumerate(cols):
                entry = self.a[rows[0]][col]
                if entry is ZERO:
                    continue
                minor = self.det(rows[1:], cols[:k] + cols[k + 1:])
                if minor is ZERO:
                    continue
                terms.append(mul(entry, minor) if k % 2 == 0 else mul(Num(-1), entry, minor))
            value = _total(terms)
        self.memo[(rows, cols)] = value
        return value


def _determinant(a: Entries) -> Expr:
    whole = tuple(range(len(a)))
    return _Minors(a).det(whole, whole)


def _trace(n: m.Trace, c: list[Entries], sizes: Sizes) -> Entries:
    return [[_total([c[0][i][i] for i in range(len(c[0]))])]]


def _det(n: m.Det, c: list[Entries], sizes: Sizes) -> Entries:
    return [[_determinant(c[0])]]


def _logdet(n: m.LogDet, c: list[Entries], sizes: Sizes) -> Entries:
    return [[apply_function("log", [_determinant(c[0])])]]


def _squares(a: Entries) -> Expr:
    return _total([power(e, Num(2)) for row in a for e in row])


def _norm(n: m.Norm, c: list[Entries], sizes: Sizes) -> Entries:
    return [[power(_squares(c[0]), HALF)]]


def _sum_of(n: m.Sum, c: list[Entries], sizes: Sizes) -> Entries:
    return [[_total([e for row in c[0] for e in row])]]


def _exps(a: Entries) -> list[Expr]:
    return [apply_function("exp", [row[0]]) for row in a]


def _logsumexp(n: m.LogSumExp, c: list[Entries], sizes: Sizes) -> Entries:
    return [[apply_function("log", [_total(_exps(c[0]))])]]


def _softmax(n: m.Softmax, c: list[Entries], sizes: Sizes) -> Entries:
    exps = _exps(c[0])
    whole = _total(exps)
    return [[div(e, whole)] for e in exps]


def _diag(n: m.Diag, c: list[Entries], sizes: Sizes) -> Entries:
    v = c[0]
    return _filled(len(v), len(v), lambda i, j: v[i][0] if i == j else ZERO)


def _diag_part(n: m.DiagPart, c: list[Entries], sizes: Sizes) -> Entries:
    return [[c[0][i][i]] for i in range(len(c[0]))]


def _vec(n: m.Vec, c: list[Entries], sizes: Sizes) -> Entries:
    return [[e] for e in vec_entries(c[0])]


def _apply(n: m.Apply, c: list[Entries], sizes: Sizes) -> Entries:
    return _map(c[0], lambda e: apply_function(n.name, [e]))


def _power(n: m.Power, c: list[Entries], sizes: Sizes) -> Entries:
    exponent = _constant(n.exponent, sizes)
    return _map(c[0], lambda e: power(e, exponent))


def _hadamard(n: m.Hadamard, c: list[Entries], sizes: Sizes) -> Entries:
    return _filled(len(c[0]), len(c[0][0]), lambda i, j: mul(*(f[i][j] for f in c)))


def _kron(n: m.Kron, c: list[Entries], sizes: Sizes) -> Entries:
    a, b = c
    p, q = len(b), len(b[0])
    return _filled(len(a) * p, len(a[0]) * q, lambda i, j: mul(a[i // p][j // q], b[i % p][j % q]))


RULES: dict[type, Callable[..., Entries]] = {
    m.Scalar: _scalar, m.Symbol: _symbol, m.Differential: _symbol, m.Identity: _identity,
    m.Zero: _constant_matrix(ZERO), m.Ones: _constant_matrix(ONE), m.Commutation: _commutation,
    m.Add: _sum, m.MatMul: _product, m.Transpose: lambda n, c, sizes: _transpose(c[0]), m.Inverse: _inverse,
    m.Trace: _trace, m.Det: _det, m.LogDet: _logdet, m.Norm: _norm, m.Sum: _sum_of, m.LogSumExp: _logsumexp,
    m.Softmax: _softmax, m.Diag: _diag, m.DiagPart: _diag_part, m.Vec: _vec, m.Apply: _apply, m.Power: _power,
    m.Hadamard: _hadamard, m.Kron: _kron,
}

__all__ = ["expand", "expand_scalar", "component_symbols", "component_positions", "entry_name", "check_names",
           "vec_entries", "dimension_size", "dimension_names", "MAX_EXACT_SIZE"]
