"""Matrix-form derivatives checked against SymPy, entry by entry, at small sizes.

The second witness beside symdiff's own scalar machinery (symdiff.matrices.check): f and the matrix result are
expanded into components (symdiff.matrices.components), converted exactly to SymPy (sympy_bridge.to_sympy), and
SymPy differentiates the expanded f (sympy.diff, Matrix.jacobian, sympy.hessian). Each entry of the matrix result
(summed over the places of a shared symmetric entry, as in symdiff.matrices.check) must agree: "exact" when
sympy.simplify of every difference is 0 within the time cap, "numeric" when they agree at random points only,
"wrong" with a counterexample. SymPy is loaded only when a check runs.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Mapping, Sequence

from ..core.errors import SymdiffError, SympyTimeout, UsageError
from ..core.expr import Sym
from ..matrices import nodes as m
from ..matrices.check import (DEFAULT_SIZES, KINDS, CheckResult, SizeResult, SizeSpec, component_values,
                              random_arrays, size_assignments)
from ..matrices.components import component_positions, component_symbols, expand, shape_sizes, vec_entries
from ..matrices.nodes import MatExpr

RTOL = 1e-8
ATTEMPTS = 6


def _mismatch(message: str) -> m.ShapeError:
    """The result does not have the shape its kind calls for at some size: a wrong answer, not an error."""
    return m.ShapeError(message, "check")


def sympy_check(f: MatExpr, variable: m.Symbol, derivative: MatExpr, kind: str,
                sizes: Iterable[SizeSpec] = DEFAULT_SIZES[:3], layout: str = "denominator", *, seed: int = 0,
                points: int = 2, exact: bool = True, exact_seconds: float = 5.0) -> CheckResult:
    """The matrix result (a gradient, Jacobian in `layout`, Hessian, differential or second differential, as
    in symdiff.matrices.check) against SymPy's derivatives of f's components at each size."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind of derivative {kind!r}: use one of {', '.join(KINDS)}")
    if layout not in ("denominator", "numerator"):
        raise UsageError(f"unknown layout {layout!r}: use denominator or numerator")
    nodes = [f, derivative, m.differential_of(variable), variable]
    symbols: list[m.Symbol] = sorted(set().union(*(n.symbols for n in nodes)), key=lambda s: s.name)
    results = []
    for assignment in size_assignments(nodes, sizes):
        key = tuple(sorted(assignment.items()))
        try:
            labels, theirs, ours = _claims(f, variable, derivative, kind, layout, assignment)
        except m.ShapeError as error:
            results.append(SizeResult(key, "wrong", 0, float("inf"), str(error)))
            continue
        except UsageError as error:
            results.append(SizeResult(key, "error", 0, 0.0, str(error)))
            continue
        results.append(_compare(labels, theirs, ours, symbols, assignment, seed, points, exact, exact_seconds))
    return CheckResult(kind, "sympy", variable.name, tuple(results))


def _entries(node: MatExpr, sizes: Mapping[str, int]) -> Any:
    return [[_to_sympy(e) for e in row] for row in expand(node, sizes)]


def _to_sympy(e: Any) -> Any:
    from ..interop.sympy_bridge import to_sympy  # loads SymPy: only when a check runs
    return to_sympy(e, real=True)  # symdiff's semantics: the entries are real (d|x|/dx is sign(x))


def _claims(f: MatExpr, variable: m.Symbol, derivative: MatExpr, kind: str, layout: str,
            sizes: Mapping[str, int]) -> tuple[list[str], list[Any], list[Any]]:
    """(labels, SymPy's values, the matrix result's values) as SymPy expressions."""
    import sympy  # heavy: only when a check runs
    outputs = _entries(f, sizes)
    result = _entries(derivative, sizes)
    rows_x = shape_sizes(variable, sizes)[0]
    places = component_positions(variable, sizes)
    names = list(places)
    xs = [_to_sympy(Sym(name)) for name in names]
    shape = (len(result), len(result[0]))
    labels: list[str] = []
    theirs: list[Any] = []
    ours: list[Any] = []

    def expect(wanted: tuple[int, int], what: str) -> None:
        if shape != wanted:
            raise _mismatch(f"the {what} is {shape[0]} x {shape[1]} where {wanted[0]} x {wanted[1]} is expected")

    def in_vec(i: int, j: int) -> int:
        return j * rows_x + i

    if kind == "gradient":
        expect(shape_sizes(variable, sizes), "gradient")
        scalar = outputs[0][0]
        for name, x in zip(names, xs):
            labels.append(f"d f / d {name}")
            theirs.append(sympy.diff(scalar, x))
            ours.append(sympy.Add(*(result[i][j] for i, j in places[name])))
    elif kind == "jacobian":
        column = sympy.Matrix(vec_entries(outputs))
        q = rows_x * shape_sizes(variable, sizes)[1]
        expect((column.rows, q) if layout == "numerator" else (q, column.rows), "Jacobian")
        numerator = result if layout == "numerator" else [list(r) for r in zip(*result)]
        jac = column.jacobian(xs)
        for k in range(column.rows):
            for a, name in enumerate(names):
                labels.append(f"d vec(f)_{k + 1} / d {name}")
                theirs.append(jac[k, a])
                ours.append(sympy.Add(*(numerator[k][in_vec(i, j)] for i, j in places[name])))
    elif kind == "hessian":
        q = rows_x * shape_sizes(variable, sizes)[1]
        expect((q, q), "Hessian")
        hess = sympy.hessian(outputs[0][0], xs)
        for a, first in enumerate(names):
            for b, second in enumerate(names):
                labels.append(f"d^2 f / d {first} d {second}")
                theirs.append(hess[a, b])
                ours.append(sympy.Add(*(result[in_vec(i1, j1)][in_vec(i2, j2)]
                                        for i1, j1 in places[first] for i2, j2 in places[second])))
    else:
        expect((len(outputs), len(outputs[0])), kind)
        d_entries = component_symbols(m.differential_of(variable), sizes)
        ds = [_to_sympy(d_entries[places[name][0][0]][places[name][0][1]]) for name in names]
        for i, row in enumerate(outputs):
            for j, entry in enumerate(row):
                if kind == "differential":
                    value = sympy.Add(*(sympy.diff(entry, x) * d for x, d in zip(xs, ds)))
                else:
                    hess = sympy.hessian(entry, xs)
                    value = sympy.Add(*(hess[a, b] * ds[a] * ds[b] for a in range(len(xs)) for b in range(len(xs))))
                labels.append(f"{kind} entry ({i + 1}, {j + 1})")
                theirs.append(value)
                ours.append(result[i][j])
    return labels, theirs, ours


def _value(expression: Any, point: Mapping[Any, Any]) -> complex:
    import sympy  # heavy: only when a check runs
    value = complex(sympy.N(expression.xreplace(point), 20))
    if value != value or abs(value) == float("inf"):
        raise ValueError("not finite")
    return value


def _compare(labels: Sequence[str], theirs: Sequence[Any], ours: Sequence[Any], symbols: Sequence[m.Symbol],
             sizes: Mapping[str, int], seed: int, points: int, exact: bool, exact_seconds: float) -> SizeResult:
    import numpy as np  # heavy: only the numeric checks need it
    import sympy  # heavy: only when a check runs
    key = tuple(sorted(sizes.items()))
    rng = np.random.default_rng(seed)
    used, attempts, worst = 0, 0, 0.0
    while used < points:
        if attempts >= ATTEMPTS:
            return SizeResult(key, "error", len(labels), worst, "no point found where every entry is defined")
        arrays = random_arrays(symbols, sizes, rng, positive=attempts > 0)
        attempts += 1
        point = {_to_sympy(Sym(k)): sympy.Float(v, 20) for k, v in component_values(symbols, arrays, sizes).items()}
        try:
            values = [(_value(t, point), _value(o, point)) for t, o in zip(theirs, ours)]
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, SymdiffError):
            continue
        used += 1
        for label, (a, b) in zip(labels, values):
            error = abs(a - b) / max(1.0, abs(a), abs(b))
            worst = max(worst, error)
            if error > RTOL:
                return SizeResult(key, "wrong", len(labels), worst,
                                  f"{label}: matrix form {b.real:.10g}, SymPy {a.real:.10g}")
    if exact and _all_zero([o - t for t, o in zip(theirs, ours)], exact_seconds):
        return SizeResult(key, "exact", len(labels), 0.0)
    return SizeResult(key, "numeric", len(labels), worst)


def _all_zero(differences: Sequence[Any], seconds: float) -> bool:
    import sympy  # heavy: only when a check runs
    from ..interop.verify import time_limit  # loads SymPy: only when a check runs
    end = time.monotonic() + seconds
    for difference in differences:
        left = end - time.monotonic()
        if left <= 0:
            return False
        try:
            with time_limit(left):
                if sympy.simplify(difference) != 0:
                    return False
        except SympyTimeout:
            return False
    return True


__all__ = ["sympy_check"]
