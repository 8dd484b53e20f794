"""Vectors and matrices of expressions: what gradient, jacobian and hessian return.

They are tuples (immutable, indexable, comparable) that print like symdiff's expressions: text `[a, b]` and
`[[a, b], [c, d]]` whose entries parse back, LaTeX `pmatrix`, and SymPy `Matrix` (a vector as a column). In a
notebook they show as maths. Entries that are Python numbers (what `.map(lambda e: e.evaluate(x=1,
exact=False))` gives) print as symdiff's numbers; any other entry (a compiled function, say) prints as its repr,
and such a Vector or Matrix shows as text in a notebook.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..core.build import number
from ..core.expr import Expr
from ..printing.latex import latex
from ..printing.sympy_code import standalone_snippet, to_sympy_code
from ..printing.text import to_text


class Vector(tuple):
    """A column of expressions."""

    def __new__(cls, entries=()):
        return super().__new__(cls, entries)

    @property
    def shape(self) -> tuple:
        return (len(self), 1)

    def text(self) -> str:
        return "[" + ", ".join(map(_text, self)) + "]"

    def latex(self) -> str:
        return _pmatrix([[_latex(e)] for e in self])

    def to_sympy(self, real: bool = False):
        """A SymPy column Matrix."""
        import sympy  # heavy: imported only when a SymPy object is asked for
        from ..interop.sympy_bridge import to_sympy  # SymPy is imported only when asked for
        return sympy.Matrix([to_sympy(e, real=real) for e in self])

    def sympy_code(self, standalone: bool = False) -> str:
        """Python source building the column as a SymPy Matrix."""
        return _sympy_matrix_code([[e] for e in self], standalone)

    def map(self, function) -> "Vector":
        return Vector(map(function, self))

    def __repr__(self) -> str:
        return self.text()

    __str__ = __repr__

    def _repr_latex_(self) -> str | None:
        return _display(self)


class Matrix(tuple):
    """Rows of expressions, each row a Vector."""

    def __new__(cls, rows=()):
        rows = [Vector(r) for r in rows]
        if len({len(r) for r in rows}) > 1:
            raise ValueError("the rows of a matrix must have the same length")
        return super().__new__(cls, rows)

    @property
    def shape(self) -> tuple:
        return (len(self), len(self[0]) if self else 0)

    def __getitem__(self, index):
        if isinstance(index, tuple):
            i, j = index
            return tuple.__getitem__(self, i)[j]
        return tuple.__getitem__(self, index)

    @property
    def T(self) -> "Matrix":
        return Matrix(zip(*self))

    def text(self) -> str:
        return "[" + ", ".join(row.text() for row in self) + "]"

    def latex(self) -> str:
        return _pmatrix([[_latex(e) for e in row] for row in self])

    def to_sympy(self, real: bool = False):
        import sympy  # heavy: imported only when a SymPy object is asked for
        from ..interop.sympy_bridge import to_sympy  # SymPy is imported only when asked for
        return sympy.Matrix([[to_sympy(e, real=real) for e in row] for row in self])

    def sympy_code(self, standalone: bool = False) -> str:
        """Python source building the matrix in SymPy."""
        return _sympy_matrix_code(self, standalone)

    def map(self, function) -> "Matrix":
        return Matrix(row.map(function) for row in self)

    def __repr__(self) -> str:
        return self.text()

    __str__ = __repr__

    def _repr_latex_(self) -> str | None:
        return _display(self)


def _as_expr(entry):
    """An entry as an expression: a Python number as symdiff's number node; None for anything else."""
    if isinstance(entry, Expr):
        return entry
    if isinstance(entry, (int, Fraction)) and not isinstance(entry, bool):
        return number(entry)
    if isinstance(entry, float) and math.isfinite(entry):
        return number(entry)
    return None


def _text(entry) -> str:
    expr = _as_expr(entry)
    return repr(entry) if expr is None else to_text(expr)


def _latex(entry) -> str:
    expr = _as_expr(entry)
    if expr is None:
        raise TypeError(f"{entry!r} is not an expression or a number: it has no LaTeX")
    return latex(expr)


def _display(value) -> str | None:
    """The LaTeX a notebook shows (display maths), or None, so that it shows the text, when an entry is not an
    expression or a number."""
    try:
        return f"$${value.latex()}$$"
    except TypeError:
        return None


def _pmatrix(cells: list) -> str:
    body = " \\\\\n".join(" & ".join(row) for row in cells)
    return "\\begin{pmatrix}\n" + body + "\n\\end{pmatrix}"


def _sympy_matrix_code(rows, standalone: bool) -> str:
    code = "Matrix([" + ", ".join("[" + ", ".join(map(to_sympy_code, row)) + "]" for row in rows) + "])"
    if not standalone:
        return code
    return standalone_snippet(code, set().union(*(e.free_symbols for row in rows for e in row)))
