"""Matrix calculus in matrix notation: symbols with shapes, and derivatives in matrix form (symdiff.matrices).

    >>> import symdiff as sd
    >>> x, A = sd.VectorSymbol("x", "n"), sd.MatrixSymbol("A", "n", "n")
    >>> sd.gradient(x.T @ A @ x, x)
    (A + A')*x
    >>> X, w, y = sd.MatrixSymbol("X", "m", "n"), sd.VectorSymbol("w", "n"), sd.VectorSymbol("y", "m")
    >>> sd.hessian(sd.norm(X @ w - y) ** 2, w)
    2*X'*X
    >>> sd.matrix_diff("logdet(S)", "S", shapes="S: n x n positive definite")
    inv(S)

The layout (`layout=`) is "denominator" by default: a gradient has the variable's shape, and the Jacobian of a
vector f(x) is d f'/d x (row i: the derivatives in x_i), as in d2l.ai and the Matrix Cookbook's gradients;
"numerator" gives d f/d x' (row i: the gradient of f_i), the Jacobian of most analysis texts. A Hessian is
d^2 f/d vec(X) d vec(X)' (symmetric: the same in both layouts).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from ..core.budget import Budget
from ..core.display import Displayed
from ..core.budget import current as current_budget
from ..core.errors import BudgetError, UsageError
from ..matrices import identification, nodes
from ..matrices.calls import call_on_matrices
from ..matrices.algebra import simplify as simplify_matrix
from ..matrices.check import CheckResult, check_components, finite_differences
from ..matrices.differentials import differential
from ..matrices.latex import to_latex
from ..printing.latex import latex_symbol
from ..matrices.nodes import MatExpr
from ..matrices.numpy_code import compile_numpy, numpy_source
from ..matrices.reading import parse_matrix as read_matrix
from ..matrices.steps import MatrixDerivation, derive_differential
from .guard import guard

KINDS = ("gradient", "jacobian", "hessian", "differential")
Shapes = str | Mapping[str, nodes.Symbol] | None


# ------------------------------------------------------------------------------------------------- symbols

def MatrixSymbol(name: str, rows: int | str, cols: int | str | None = None, *, symmetric: bool = False,  # noqa: N802
                 diagonal: bool = False, positive_definite: bool = False,
                 invertible: bool = False) -> nodes.Symbol:
    """A matrix named `name`, rows x cols (cols = rows when left out); dimensions are numbers or names ("n")."""
    flags = {"symmetric": symmetric, "diagonal": diagonal, "positive_definite": positive_definite,
             "invertible": invertible}
    return nodes.symbol(name, rows, rows if cols is None else cols, [p for p, on in flags.items() if on])


def VectorSymbol(name: str, size: int | str) -> nodes.Symbol:  # noqa: N802
    """A column vector of `size` entries (a number or a name, "n")."""
    return nodes.symbol(name, size, 1)


def ScalarSymbol(name: str) -> nodes.Symbol:  # noqa: N802
    """A scalar that matrix expressions treat as a variable (a regularisation weight, say)."""
    return nodes.symbol(name)


# -------------------------------------------------------------------------------------- operations by name

def transpose(a: MatExpr) -> MatExpr:
    return nodes.transpose(nodes.as_matrix_expr(a))


def inv(a: MatExpr) -> MatExpr:
    return nodes.inverse(nodes.as_matrix_expr(a))


def trace(a: MatExpr) -> MatExpr:
    return nodes.trace(nodes.as_matrix_expr(a))


def det(a: MatExpr) -> MatExpr:
    return nodes.det(nodes.as_matrix_expr(a))


def logdet(a: MatExpr) -> MatExpr:
    return nodes.logdet(nodes.as_matrix_expr(a))


def norm(a: MatExpr) -> MatExpr:
    """The Euclidean norm of a vector, the Frobenius norm of a matrix."""
    return nodes.norm(nodes.as_matrix_expr(a))


def entry_sum(a: MatExpr) -> MatExpr:
    """The sum of the entries (`sum(x)` in the matrix reader; Python's sum is not shadowed)."""
    return nodes.sum_of(nodes.as_matrix_expr(a))


def diag(a: MatExpr) -> MatExpr:
    """The diagonal matrix of a vector, or the vector of a square matrix's diagonal."""
    return nodes.diag(nodes.as_matrix_expr(a))


def hadamard(*factors: MatExpr) -> MatExpr:
    """The entrywise product of one or more operands of one shape."""
    if not factors:
        raise UsageError("hadamard takes at least one vector or matrix")
    return nodes.hadamard(*map(nodes.as_matrix_expr, factors))


def kron(a: MatExpr, b: MatExpr) -> MatExpr:
    return nodes.kron(nodes.as_matrix_expr(a), nodes.as_matrix_expr(b))


def vec(a: MatExpr) -> MatExpr:
    return nodes.vec(nodes.as_matrix_expr(a))


def identity(size: int | str) -> MatExpr:
    return nodes.identity(nodes.dim(size))


def ones(rows: int | str, cols: int | str = 1) -> MatExpr:
    return nodes.ones((nodes.dim(rows), nodes.dim(cols)))


def entrywise(name: str, *arguments: MatExpr) -> MatExpr:
    """A function of the registry on each entry of a vector or matrix (sd.exp(x) calls this for a vector x);
    softmax and logsumexp of a vector are those of the whole vector, sqrt of a scalar its square root."""
    return call_on_matrices(name, arguments)


# ---------------------------------------------------------------------------------------------- derivatives

@dataclass(frozen=True)
class MatrixDerivative(Displayed):
    """A derivative in matrix form: `value`, of `function` in `variable`, as `kind` says, in `layout`.
    str() is its text; .latex(), .json(), .steps(), .check(), .numpy() (a compiled function) and .code()."""

    function: MatExpr
    variable: nodes.Symbol
    kind: str
    layout: str
    value: MatExpr
    notes: tuple[str, ...] = ()
    _simplify: bool = field(default=True, repr=False)

    def text(self) -> str:
        return str(self.value)

    def latex(self) -> str:
        return to_latex(self.value)

    def __repr__(self) -> str:
        return self.text()

    @property
    def shape(self) -> nodes.Shape:
        return self.value.shape

    def describe(self) -> str:
        """What the value is, in words: the kind, the variable and the layout."""
        v = self.variable.name
        what = {"gradient": f"the gradient in {v} (the shape of {v})" if self.layout == "denominator" else
                f"the gradient in {v}, transposed (numerator layout)",
                "jacobian": f"the Jacobian in {v}, {self.layout} layout",
                "hessian": f"the Hessian in {v}, d^2 f/d vec({v}) d vec({v})'",
                "differential": f"the differential, linear in d{v}"}[self.kind]
        return f"{what}: {nodes.shape_text(self.value.shape)}"

    def as_json(self) -> Mapping[str, Any]:
        return {"function": str(self.function), "variable": self.variable.name, "kind": self.kind,
                "layout": self.layout, "shape": [str(d) for d in self.value.shape], "result": self.text(),
                "latex": self.latex()}

    def steps(self) -> MatrixSteps:
        """The derivation: df by the differential rules, line by line, and the derivative read off it; for a
        Hessian, the gradient's derivation and then the gradient's own."""
        simplify = simplify_matrix if self._simplify else None
        first_kind = "gradient" if self.kind == "hessian" else self.kind
        first = _derivation(self.function, self.variable, first_kind,
                            "denominator" if self.kind == "hessian" else self.layout, simplify)
        if self.kind != "hessian":
            return MatrixSteps((replace(first, result=self.value),), self)
        assert first.result is not None
        second = _derivation(first.result, self.variable, "hessian", self.layout, simplify)
        return MatrixSteps((first, replace(second, result=self.value)), self)

    def numpy(self, arguments: Sequence[nodes.Symbol | str] | None = None) -> Callable[..., Any]:
        """A function of NumPy arrays computing the value; arguments in the order given (default: by name)."""
        return compile_numpy(self.value, self._arguments(arguments))

    def code(self, arguments: Sequence[nodes.Symbol | str] | None = None) -> str:
        """The NumPy source of .numpy(), a module that runs as it is (numpy imported as np)."""
        source = numpy_source(self.value, self._arguments(arguments))
        return "import numpy as np\n" + ("import math\n" if "math." in source else "") + "\n\n" + source

    def _arguments(self, arguments: Sequence[nodes.Symbol | str] | None) -> list[nodes.Symbol]:
        known = {s.name: s for s in (self.function.symbols | {self.variable} | self.value.symbols)}
        if arguments is None:
            return [known[name] for name in sorted(known)]
        chosen = []
        for a in arguments:
            name = a if isinstance(a, str) else a.name
            if name not in known:
                raise UsageError(f"{name} is not a symbol of {self.function}")
            chosen.append(known[name])
        return chosen

    def check(self, sizes: Sequence[int | Mapping[str, int]] = (1, 2, 3), sympy: bool = False) -> MatrixCheck:
        """The value checked at each size: by components, against symdiff's scalar derivatives of f written
        out in its entries; by finite differences on random arrays; with `sympy`, against SymPy's derivatives of
        the components too. A size is a number (every dimension that size) or a mapping giving each dimension
        its own ({"m": 4, "n": 2}: a non-square case)."""
        kind, sizes = self.kind, tuple(sizes)
        value = self.value
        if kind == "gradient" and self.layout == "numerator":  # the checks read a gradient of the variable's shape
            value = nodes.transpose(value)
        reports = [check_components(self.function, self.variable, value, kind, sizes, self.layout),
                   finite_differences(self.function, self.variable, value, kind, sizes, self.layout)]
        if sympy:
            from ..interop.matrix_sympy import sympy_check  # imports SymPy
            reports.append(sympy_check(self.function, self.variable, value, kind, sizes, self.layout))
        return MatrixCheck(tuple(reports))


@dataclass(frozen=True)
class MatrixCheck(Displayed):
    """The verdicts of a matrix derivative's checks, one CheckResult per method; `agrees` when all pass."""

    reports: tuple[CheckResult, ...]

    @property
    def agrees(self) -> bool:
        return all(r.ok for r in self.reports)

    def text(self) -> str:
        return "\n".join(r.text() for r in self.reports)

    def latex(self) -> str:
        return "\\text{" + ("checked" if self.agrees else "disagrees") + "}"

    def as_json(self) -> Mapping[str, Any]:
        return {"agrees": self.agrees,
                "checks": [{"method": r.method, "ok": r.ok, "exact": r.exact, "max_error": r.max_error,
                            "counterexample": r.counterexample,
                            "sizes": [{"sizes": dict(x.sizes), "verdict": x.verdict} for x in r.results]}
                           for r in self.reports]}


@dataclass(frozen=True)
class MatrixSteps(Displayed):
    """A matrix derivation: f, df line by line with the rules used, and the derivative read off it (for a
    Hessian two derivations: f's, giving the gradient g, then g's)."""

    derivations: tuple[MatrixDerivation, ...]
    result: MatrixDerivative

    def text(self) -> str:
        lines: list[str] = []
        for d in self.derivations:
            name = "g" if d.name == "Hessian" else "f"
            rows: list[tuple[str, str, tuple[str, ...]]] = [(f"{name} = ", str(d.function), ())]
            rows += [(f"d{name} = " if i == 0 else "   = ", str(step.expression), step.rules)
                     for i, step in enumerate(d.lines)]
            width = max(len(a) + len(b) for a, b, _ in rows)  # the rules in one column, as scalar --steps
            lines += [((a + b).ljust(width) + (f"    [{'; '.join(r)}]" if r else "")).rstrip() for a, b, r in rows]
            lines.append(d.conclusion)
        return "\n".join(lines)

    def latex(self) -> str:
        rows: list[str] = []
        for d in self.derivations:
            name = "g" if d.name == "Hessian" else "f"
            rows.append(f"{name} &= {to_latex(d.function)}")
            for i, step in enumerate(d.lines):
                rows.append((f"\\mathrm{{d}}{name} &= " if i == 0 else "&= ") + to_latex(step.expression))
            if d.result is not None:
                rows.append(f"{_LATEX_NAMES[d.name]}_{{{latex_symbol(d.variable.name)}}} f &= {to_latex(d.result)}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def as_json(self) -> Mapping[str, Any]:
        return {"derivations": [{"function": str(d.function), "variable": d.variable.name, "derivative": d.name,
                                 "steps": [{"expression": str(s.expression), "rules": list(s.rules)}
                                           for s in d.lines],
                                 "conclusion": d.conclusion,
                                 "result": None if d.result is None else str(d.result)}
                                for d in self.derivations],
                "result": self.result.text()}


def _derivation(f: MatExpr, x: nodes.Symbol, kind: str, layout: str,
                simplify: Callable[[MatExpr], MatExpr] | None) -> MatrixDerivation:
    """The lines of df (for a Hessian, of dg, the differential of the gradient g given as f here) and the
    derivative read off the last line, said in words."""
    lines = derive_differential(f, x, simplify)
    v = x.name
    tidy: Callable[[MatExpr], MatExpr] = simplify if simplify is not None else (lambda e: e)
    if kind == "differential":
        return MatrixDerivation(f, x, lines, f"the differential, linear in d{v}", None, "differential")
    if kind == "gradient":
        g = tidy(identification.gradient(f, x))
        read, name = (f"g'*d{v}", "g") if x.is_vector else (f"g*d{v}", "g") if x.is_scalar else \
            (f"tr(G'*d{v})", "G")
        if layout == "denominator":
            return MatrixDerivation(f, x, lines, f"df = {read} gives the gradient {name} = {g}", g, "gradient")
        shown = tidy(nodes.transpose(g))
        return MatrixDerivation(f, x, lines, f"df = {read} gives the gradient {name} = {g}; in the numerator "
                                f"layout its transpose {shown}", shown, "gradient")
    if kind == "hessian":
        h = tidy(identification.jacobian(f, x, layout="numerator"))
        read = f"dg = H*d{v}" if x.is_vector or x.is_scalar else f"vec(dg) = H*vec(d{v})"
        return MatrixDerivation(f, x, lines, f"{read} gives the Hessian H = {h}", h, "Hessian")
    j = tidy(identification.jacobian(f, x, "numerator"))
    read = f"df = J*d{v}" if x.is_vector or x.is_scalar else f"vec(df) = J*vec(d{v})"
    if layout == "numerator":
        return MatrixDerivation(f, x, lines, f"{read} gives the Jacobian J = {j}", j, "Jacobian")
    shown = tidy(nodes.transpose(j))
    return MatrixDerivation(f, x, lines, f"{read} gives J = {j}; in the denominator layout its transpose {shown}",
                            shown, "Jacobian")


_LATEX_NAMES = {"gradient": "\\nabla", "Jacobian": "J", "Hessian": "H", "differential": "\\mathrm{d}"}


def _as_variable(variable: nodes.Symbol | str, f: MatExpr,
                 declared: Mapping[str, nodes.Symbol] | None = None) -> nodes.Symbol:
    """The variable: a symbol, or the name of one of f's symbols or of a symbol declared for it."""
    if isinstance(variable, nodes.Symbol):
        return variable
    if not isinstance(variable, str):
        raise UsageError("the variable of a matrix derivative is a vector, matrix or scalar symbol of the matrix "
                         f"expressions (sd.VectorSymbol, sd.MatrixSymbol) or its name, not {variable!r}")
    found = [s for s in f.symbols if s.name == variable and not isinstance(s, nodes.Differential)]
    if not found and declared and variable in declared:
        return declared[variable]  # declared and not used: the derivative is 0 of its shape
    if not found:
        names = ", ".join(sorted(s.name for s in f.symbols)) or "none"
        raise UsageError(f"{variable} is not a symbol of {f} (its symbols: {names})")
    return found[0]


def _check_names(f: MatExpr) -> None:
    """One symbol per name: an x of n entries and an x of m in one expression are a mistake, not two x's."""
    seen: dict[str, nodes.Symbol] = {}
    for s in sorted(f.symbols, key=lambda s: s.name):
        other = seen.setdefault(s.name, s)
        if other != s:
            shapes = (nodes.shape_text(other.shape), nodes.shape_text(s.shape))
            raise nodes.ShapeError(f"two symbols named {s.name} with different shapes or properties: "
                                   f"{shapes[0]} and {shapes[1]}", "name", (s.name, s.name), shapes)


def _check_size(node: MatExpr, what: str) -> None:
    """The budget's max_size, as for scalar expressions: the nodes of the tree, shared parts once."""
    limit = current_budget().max_size
    if limit is not None and nodes.node_count(node) > limit:
        raise BudgetError(f"{what} has more than {limit} nodes (the budget's max_size)")


def _as_function(f: MatExpr | str, shapes: Shapes) -> tuple[MatExpr, tuple[str, ...], Mapping[str, nodes.Symbol]]:
    if isinstance(f, str):
        reading = read_matrix(f, shapes)
        return reading.expression, tuple(reading.notes), reading.symbols
    return nodes.as_matrix_expr(f), (), {}


def derivative_in_matrix_form(f: MatExpr | str, variable: nodes.Symbol | str | None = None, kind: str = "auto",
                              layout: str | None = None, shapes: Shapes = None,
                              simplify: bool = True) -> MatrixDerivative:
    """The unguarded work of matrix_diff (the CLI and the other API functions call it under their guard)."""
    function, notes, declared = _as_function(f, shapes)
    _check_names(function)
    _check_size(function, "the expression")
    if variable is None:
        candidates = sorted(s.name for s in function.symbols)
        if len(candidates) != 1:
            raise UsageError("say which variable to differentiate in (wrt): the expression has the symbols "
                             + (", ".join(candidates) or "none"))
        variable = candidates[0]
    x = _as_variable(variable, function, declared)
    if kind not in ("auto", *KINDS):
        raise UsageError(f"unknown kind {kind!r}: use one of auto, {', '.join(KINDS)}")
    # A Jacobian asked for by name is d f/d x' (numerator layout); the derivative of a vector asked for as
    # such (kind "auto") is d f'/d x, the gradient's layout, in which d(A*x)/dx = A' (d2l.ai, the Cookbook).
    layout = layout or ("numerator" if kind == "jacobian" else "denominator")
    if layout not in identification.LAYOUTS:
        raise UsageError(f"unknown layout {layout!r}: use one of {', '.join(identification.LAYOUTS)}")
    if kind == "auto":
        kind = "gradient" if function.is_scalar else "jacobian"
    value = _DERIVATIVES[kind](function, x, layout)
    _check_size(value, "the derivative")
    if simplify:
        value = simplify_matrix(value)
    return MatrixDerivative(function, x, kind, layout, value, notes, simplify)


_DERIVATIVES: dict[str, Callable[[MatExpr, nodes.Symbol, str], MatExpr]] = {
    "gradient": lambda f, x, layout: _gradient_in_layout(f, x, layout),
    "jacobian": lambda f, x, layout: identification.jacobian(f, x, layout),
    "hessian": lambda f, x, layout: identification.hessian(f, x),
    "differential": lambda f, x, layout: differential(f, x),
}


def _gradient_in_layout(f: MatExpr, x: nodes.Symbol, layout: str) -> MatExpr:
    """The gradient has the variable's shape in the denominator layout; its transpose in the numerator one."""
    g = identification.gradient(f, x)
    return g if layout == "denominator" else nodes.transpose(g)


@guard
def matrix_diff(f: MatExpr | str, variable: nodes.Symbol | str | None = None, kind: str = "auto",
                layout: str | None = None, shapes: Shapes = None, simplify: bool = True, *,
                budget: Budget | None = None) -> MatrixDerivative:
    """The derivative of a matrix expression `f` (built with MatrixSymbol/VectorSymbol and the operators, or text
    read with `shapes`, "x: n, A: n x n symmetric") in `variable`, in matrix form: kind "gradient" (f scalar),
    "jacobian", "hessian", "differential", or "auto" (gradient of a scalar, else Jacobian). `layout`:
    "denominator" (a gradient has the variable's shape; d(A*x)/dx = A') or "numerator" (d(A*x)/dx = A); by
    default numerator for a Jacobian asked for by name, denominator otherwise."""
    return derivative_in_matrix_form(f, variable, kind, layout, shapes, simplify)


@guard
def parse_matrix(text: str, shapes: Shapes = None, *, budget: Budget | None = None) -> MatExpr:
    """A matrix expression read from text: `shapes` declares symbols ("x: n, A: n x n symmetric"); the others
    follow the convention (an uppercase initial: a matrix; a lowercase name: a vector; a Greek one: a scalar),
    their sizes inferred."""
    return read_matrix(text, shapes).expression


@guard
def matrix_steps(f: MatExpr | str, variable: nodes.Symbol | str | None = None, kind: str = "auto",
                 layout: str | None = None, shapes: Shapes = None, *,
                 budget: Budget | None = None) -> MatrixSteps:
    """The derivation of matrix_diff's result through the differential rules."""
    return derivative_in_matrix_form(f, variable, kind, layout, shapes).steps()
