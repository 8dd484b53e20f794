"""The dimensions of a matrix expression being read, inferred by unification (a union-find over variables).

The reader (symdiff.matrices.reading) gives each operand's shape one variable per dimension and unifies them as
the operations demand (`A*x`: A's columns are x's rows). A class of unified variables is free, or bound to a
known dimension (a scalar expression: `3`, `n`, `m*n`), or to a product of classes not all known yet (the rows of
`kron(A, B)` or `vec(X)`). Once the whole expression is read, the free classes are named (n, m, k, ...), every
variable resolves to a dimension, and the equalities that involved a product, recorded as they came, are checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from ..core.build import mul as scalar_mul
from ..core.errors import SymdiffError
from ..core.expr import ONE, Expr, Num, Sym
from ..core.expr import Mul as ScalarMul
from ..core.expr import Pow as ScalarPow
from ..simplification.canonical import canonical
from .nodes import ShapeError

__all__ = ["Dimensions"]

# What raises the error for a unification that fails; called only then, so the reader words it only then.
_MakeError = Callable[[], SymdiffError]


@dataclass(frozen=True)
class _Product:
    """A dimension that is the product of others not all known yet (the rows of kron(A, B), of vec(X))."""
    factors: tuple[int, ...]


# What a class is bound to: a known dimension, a product of classes, or None while it is free.
_Binding = Union[Expr, _Product, None]


class Dimensions:
    """Dimension variables (ints, from `new` and `product`) and what unification has made of them.

    A variable made for an undeclared name may never become 1 (an inferred dimension is never 1: row vectors are
    declared). An equality between a product and another bound class cannot always be decided while reading (the
    factors may still be free): it is recorded, solved factor by factor where it can be, and checked by
    `check_products` once every dimension is named."""

    def __init__(self) -> None:
        self._parent: list[int] = []
        self._binding: list[_Binding] = []
        self._never_one: list[bool] = []
        self._first: list[int] = []  # per root: its class's oldest variable, so that names follow the text
        self._deferred: list[tuple[_Binding, _Binding, _MakeError]] = []

    def new(self, value: Expr | None = None, *, never_one: bool = False) -> int:
        """A new variable: the known dimension `value`, or free if None. `never_one`: it may not be unified with 1
        (the dimension of an undeclared name)."""
        return self._new(value, never_one)

    def known(self, variable: int) -> Expr | None:
        """The variable's dimension if it is known by now, else None (free, or a product not yet known)."""
        binding = self._binding[self._find(variable)]
        return binding if isinstance(binding, Expr) else None

    def is_one(self, variable: int) -> bool:
        """Whether the variable is known to be 1 (the rows or columns of a scalar, the columns of a vector)."""
        return self.known(variable) == ONE

    def product(self, factors: Sequence[int]) -> int:
        """A new variable for the product of the factors' dimensions: known at once if they all are, else bound to
        the product (it may never be 1 if one of the factors may not)."""
        values = [self.known(f) for f in factors]
        if all(v is not None for v in values):
            return self._new(canonical(scalar_mul(*[v for v in values if v is not None])))
        return self._new(_Product(tuple(factors)), any(self._never_one[self._find(f)] for f in factors))

    def unify(self, a: int, b: int, error: _MakeError) -> None:
        """Make a and b the same dimension, raising `error()` if they cannot be (two different known dimensions,
        1 against a variable that may never be 1). An equality with a product is recorded for `check_products`,
        and a product against a known dimension is solved for its free factors where it can be."""
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return
        va, vb = self._binding[ra], self._binding[rb]
        if isinstance(va, Expr) and isinstance(vb, Expr) and va != vb:
            raise error()
        if (va == ONE and self._never_one[rb]) or (vb == ONE and self._never_one[ra]):
            raise error()
        if va is not None and vb is not None and not (isinstance(va, Expr) and isinstance(vb, Expr)):
            self._deferred.append((va, vb, error))
            if isinstance(va, _Product) and isinstance(vb, Expr):
                self._solve(va, vb, error)
            elif isinstance(vb, _Product) and isinstance(va, Expr):
                self._solve(vb, va, error)
        keep = va if isinstance(va, Expr) or vb is None else vb  # a known dimension wins over a product
        self._parent[rb] = ra
        self._binding[ra] = keep
        self._never_one[ra] = self._never_one[ra] or self._never_one[rb]
        self._first[ra] = min(self._first[ra], self._first[rb])

    def free_names(self, taken: set[str]) -> dict[int, str]:
        """A name for each free class (by its root), in order of first appearance: n, m, k, p, q, r, n1, m1, ...,
        skipping the names in `taken`. It can be asked for at any time (an error message names the dimensions
        free so far); the reader asks once more when the whole expression is read."""
        free = sorted({self._find(i) for i in range(len(self._parent)) if self._binding[self._find(i)] is None},
                      key=lambda r: self._first[r])
        found: dict[int, str] = {}
        candidates = _fresh_names(taken)
        for root in free:
            found[root] = next(candidates)
        return found

    def resolve(self, variable: int, names: Mapping[int, str]) -> Expr:
        """The variable's dimension, the free classes named by `names` (from `free_names`; `?` for a class it does
        not name). A ShapeError if the dimension is a product involving itself."""
        return self._resolve(variable, names)

    def check_products(self, names: Mapping[int, str]) -> None:
        """Check the equalities recorded with a product, every free class now named by `names`: the first that does
        not hold raises its error, saying why it could not be solved while reading."""
        for left, right, error in self._deferred:
            one, other = self._resolve(left, names), self._resolve(right, names)
            if one != other:
                found = error()
                found.message += (f" ({one} against {other}: a dimension inferred as a product is solved for only "
                                  "factor by factor; declare the shapes)")
                found.args = (found.message,)
                raise found

    # ---- the union-find itself

    def _new(self, binding: _Binding, never_one: bool = False) -> int:
        i = len(self._parent)
        self._parent.append(i)
        self._binding.append(binding)
        self._never_one.append(never_one)
        self._first.append(i)
        return i

    def _find(self, i: int) -> int:
        """The root of i's class, compressing the path to it."""
        root = i
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[i] != root:
            self._parent[i], i = root, self._parent[i]
        return root

    def _solve(self, product: _Product, value: Expr, error: _MakeError) -> None:
        """Match a product of free dimensions with a known one factor by factor, when they have as many factors:
        K(m, n)*vec(X) makes X m x n, kron(inv(Y), inv(Y)')*K(n, n) makes Y n x n (a product of known factors is
        checked once every dimension is named)."""
        free = [f for f in product.factors if self.known(f) is None]
        known = [k for k in (self.known(f) for f in product.factors) if k is not None]
        if len(free) == 1 and isinstance(value, Num) and all(isinstance(k, Num) for k in known):
            whole = canonical(scalar_mul(*known)) if known else ONE  # kron(x, y) with x: 2 and 6 entries: y has 3
            if isinstance(whole, Num) and isinstance(whole.value, int) and isinstance(value.value, int) \
                    and value.value % whole.value == 0:
                self.unify(free[0], self._new(Num(value.value // whole.value)), error)
            return
        parts = _factors(value)
        free = []
        for f in product.factors:
            found = self.known(f)
            if found is None:
                free.append(f)
            elif found != ONE:
                if found not in parts:
                    return
                parts.remove(found)
        if free and len(free) == len(parts) and all(self._binding[self._find(f)] is None for f in free):
            for f, part in zip(free, parts):
                self.unify(f, self._new(part), error)

    def _resolve(self, value: _Binding | int, names: Mapping[int, str],
                 visiting: frozenset[int] = frozenset()) -> Expr:
        """A variable's (or a binding's) dimension; `visiting`: the classes being resolved, to refuse a cycle."""
        if isinstance(value, int):
            root = self._find(value)
            bound = self._binding[root]
            if bound is None:
                return Sym(names.get(root, "?"))
            if root in visiting:
                raise ShapeError("a dimension would be a product involving itself: declare the shapes", "infer")
            return self._resolve(bound, names, visiting | {root})
        if isinstance(value, _Product):
            return canonical(scalar_mul(*(self._resolve(f, names, visiting) for f in value.factors)))
        if value is None:
            raise ShapeError("a dimension is not known", "infer")
        return value


def _factors(value: Expr) -> list[Expr]:
    """A known dimension as a list of factors: m*n -> [m, n], n^2 -> [n, n], 3*n -> [3, n]."""
    if isinstance(value, ScalarMul):
        return [part for operand in value.operands for part in _factors(operand)]
    if isinstance(value, ScalarPow) and isinstance(value.exp, Num) and isinstance(value.exp.value, int) \
            and 1 <= value.exp.value <= 16:
        return [value.base] * value.exp.value
    return [value]


def _fresh_names(taken: set[str]) -> Iterator[str]:
    """n, m, k, p, q, r, then n1, m1, ..., n2, ...: the names not in `taken`, endlessly."""
    suffix = ""
    number = 0
    while True:
        for base in ("n", "m", "k", "p", "q", "r"):
            if base + suffix not in taken:
                yield base + suffix
        number += 1
        suffix = str(number)
