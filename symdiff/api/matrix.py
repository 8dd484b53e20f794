"""Vectors and matrices of expressions: what gradient, jacobian and hessian return.

They are tuples (immutable, indexable, comparable) that print like symdiff's expressions: text `[a, b]` and
`[[a, b], [c, d]]` whose entries parse back, LaTeX `pmatrix`, and SymPy `Matrix` (a vector as a column). In a
notebook they show as maths. Entries that are Python numbers (what `.map(lambda e: e.evaluate(x=1,
exact=False))` gives) print as symdiff's numbers; any other entry (a compiled function, say) prints as its repr,
and such a Vector or Matrix shows as text in a notebook.
"""

from __future__ import annotations

import math
import sys
from fractions import Fraction
from typing import Any, Callable, Iterable, SupportsIndex, TypeVar, cast, overload

from ..core.build import number
from ..core.errors import UsageError
from ..core.expr import Expr
from ..printing.latex import latex
from ..printing.sympy_code import standalone_snippet, to_sympy_code
from ..printing.text import to_text

_T = TypeVar("_T")
_U = TypeVar("_U")


class Vector(tuple[_T, ...]):
    """A column of expressions. Given a name and a size instead, `Vector("x", "n")`, a vector symbol of matrix
    calculus (the same as symdiff.VectorSymbol)."""

    @overload
    def __new__(cls, entries: str, size: int | str) -> Any: ...
    @overload
    def __new__(cls, entries: Iterable[_T] = ()) -> Vector[_T]: ...

    def __new__(cls, entries: Iterable[_T] | str = (), size: int | str | None = None) -> Any:
        if size is not None:
            if not isinstance(entries, str):
                raise UsageError("Vector(name, size) names a vector symbol: the name is a string")
            # the matrix layer, loaded on first use (symdiff.api.LAZY) rather than with every Vector
            return sys.modules[__package__].VectorSymbol(entries, size)
        return super().__new__(cls, cast(Iterable[_T], entries))

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), 1)

    def text(self) -> str:
        return "[" + ", ".join(map(_text, self)) + "]"

    def latex(self) -> str:
        return _pmatrix([[_latex(e)] for e in self])

    def to_sympy(self: Vector[Expr], real: bool = False) -> Any:
        """A SymPy column Matrix."""
        import sympy  # heavy: imported only when a SymPy object is asked for
        from ..interop.sympy_bridge import to_sympy  # SymPy is imported only when asked for
        return sympy.Matrix([to_sympy(e, real=real) for e in self])

    def sympy_code(self: Vector[Expr], standalone: bool = False) -> str:
        """Python source building the column as a SymPy Matrix."""
        return _sympy_matrix_code([[e] for e in self], standalone)

    def map(self, function: Callable[[_T], _U]) -> Vector[_U]:
        return Vector(map(function, self))

    def __repr__(self) -> str:
        return self.text()

    __str__ = __repr__

    def _repr_latex_(self) -> str | None:
        return _display(self)


class Matrix(tuple[Vector[_T], ...]):
    """Rows of expressions, each row a Vector."""

    def __new__(cls, rows: Iterable[Iterable[_T]] = ()) -> Matrix[_T]:
        vectors = [Vector(r) for r in rows]
        if len({len(r) for r in vectors}) > 1:
            raise ValueError("the rows of a matrix must have the same length")
        return super().__new__(cls, vectors)

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), len(self[0]) if self else 0)

    @overload
    def __getitem__(self, index: tuple[SupportsIndex, SupportsIndex]) -> _T: ...
    @overload
    def __getitem__(self, index: SupportsIndex) -> Vector[_T]: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Vector[_T], ...]: ...

    def __getitem__(self, index: tuple[SupportsIndex, SupportsIndex] | SupportsIndex | slice
                    ) -> _T | Vector[_T] | tuple[Vector[_T], ...]:
        if isinstance(index, tuple):
            i, j = index
            return tuple.__getitem__(self, i)[j]
        return tuple.__getitem__(self, index)

    @property
    def T(self) -> Matrix[_T]:
        return Matrix(zip(*self))

    def text(self) -> str:
        return "[" + ", ".join(row.text() for row in self) + "]"

    def latex(self) -> str:
        return _pmatrix([[_latex(e) for e in row] for row in self])

    def to_sympy(self: Matrix[Expr], real: bool = False) -> Any:
        import sympy  # heavy: imported only when a SymPy object is asked for
        from ..interop.sympy_bridge import to_sympy  # SymPy is imported only when asked for
        return sympy.Matrix([[to_sympy(e, real=real) for e in row] for row in self])

    def sympy_code(self: Matrix[Expr], standalone: bool = False) -> str:
        """Python source building the matrix in SymPy."""
        return _sympy_matrix_code(self, standalone)

    def map(self, function: Callable[[_T], _U]) -> Matrix[_U]:
        return Matrix(row.map(function) for row in self)

    def __repr__(self) -> str:
        return self.text()

    __str__ = __repr__

    def _repr_latex_(self) -> str | None:
        return _display(self)


def _as_expr(entry: object) -> Expr | None:
    """An entry as an expression: a Python number as symdiff's number node; None for anything else."""
    if isinstance(entry, Expr):
        return entry
    if isinstance(entry, (int, Fraction)) and not isinstance(entry, bool):
        return number(entry)
    if isinstance(entry, float) and math.isfinite(entry):
        return number(entry)
    return None


def _text(entry: object) -> str:
    expr = _as_expr(entry)
    return repr(entry) if expr is None else to_text(expr)


def _latex(entry: object) -> str:
    expr = _as_expr(entry)
    if expr is None:
        raise TypeError(f"{entry!r} is not an expression or a number: it has no LaTeX")
    return latex(expr)


def _display(value: Vector[Any] | Matrix[Any]) -> str | None:
    """The LaTeX a notebook shows (display maths), or None, so that it shows the text, when an entry is not an
    expression or a number."""
    try:
        return f"$${value.latex()}$$"
    except TypeError:
        return None


def _pmatrix(cells: list[list[str]]) -> str:
    body = " \\\\\n".join(" & ".join(row) for row in cells)
    return "\\begin{pmatrix}\n" + body + "\n\\end{pmatrix}"


def _sympy_matrix_code(rows: Iterable[Iterable[Expr]], standalone: bool) -> str:
    code = "Matrix([" + ", ".join("[" + ", ".join(map(to_sympy_code, row)) + "]" for row in rows) + "])"
    if not standalone:
        return code
    return standalone_snippet(code, set().union(*(e.free_symbols for row in rows for e in row)))
