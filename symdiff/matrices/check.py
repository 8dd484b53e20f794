"""Matrix-form derivatives checked against the scalar machinery, entry by entry, and by finite differences.

A matrix result (a gradient 2*A*x, a Hessian kron(inv(X), inv(X)')*K) is a claim about every size at once; it is
checked at small sizes (n = 1..4) where it can be written out: f and the result are expanded into components
(symdiff.matrices.components), symdiff's scalar reverse mode (symdiff.calculus) differentiates the expanded f,
and each entry of the matrix result must equal the scalar partial it stands for. An entry is "exact" when
symdiff's simplifier reduces the difference to 0, "numeric" when it agrees at random points only (rtol 1e-8); one
disagreement makes the size "wrong", with the entry and the values as a counterexample.

Which scalar partial an entry stands for (vec stacks columns; the Hessian is d^2 f / d vec(X) d vec(X)'):
- gradient G of f in X: df/dX_i_j = G_ij;
- Jacobian J (numerator layout, d vec(F) / d vec(X)'; the denominator layout is its transpose):
  d vec(F)_k / dX_i_j = J[k, (j - 1)*rows + i];
- Hessian H: d^2 f / dX_i_j dX_k_l = H[(j - 1)*rows + i, (l - 1)*rows + k];
- differential df: df = sum over entries of (df/dX_i_j) dX_i_j, and d^2 f = sum of the second partials times
  dX_i_j dX_k_l (dX held constant).
A symmetric X has one scalar entry X_i_j (i <= j) in two places, so the scalar partial in it is the sum of the
matrix result's entries at both places: 2*G_ij for the symmetrised gradient G (G_ii on the diagonal). A diagonal
X has only its diagonal entries, and only those are checked. In general each scalar partial is the sum of the
result's entries over the positions holding that scalar (Hessians: over pairs of positions).

Random points respect the declarations: positive definite symbols get S*S'/n + I, symmetric ones a symmetric
diagonally dominant matrix, other square ones a matrix with n added on the diagonal (so that inverses and
log-determinants are defined), differentials signed entries; a point where something is undefined (a log of a
negative entry) is replaced by one with positive entries.

`finite_differences` checks the same claims on NumPy arrays (symdiff.matrices.numeric.evaluate), by central
differences with a fixed seed, independently of both the expansion and the scalar machinery.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..calculus.derivatives import partial_derivatives, second_partials
from ..core import budget
from ..core.build import add, mul, sub
from ..core.errors import SymdiffError, UsageError
from ..core.expr import ZERO, Expr, Sym
from ..numeric.values import numeric_value
from ..simplification.simplifier import simplify
from . import nodes as m
from .components import component_positions, component_symbols, dimension_names, expand, shape_sizes, vec_entries
from .nodes import MatExpr
from .numeric import evaluate

KINDS = ("gradient", "jacobian", "hessian", "differential", "second differential")
VERDICTS = ("exact", "numeric", "wrong", "error")
DEFAULT_SIZES = (1, 2, 3, 4)
RTOL = 1e-8
FD_RTOL = 1e-5
ATTEMPTS = 6  # points drawn before a size is reported as an error (every one undefined somewhere)

SizeSpec = int | Mapping[str, int]
Position = tuple[int, int]


@dataclass(frozen=True)
class SizeResult:
    """The verdict at one assignment of sizes: exact, numeric (agrees at random points), wrong or error."""
    sizes: tuple[tuple[str, int], ...]
    verdict: str
    entries: int = 0
    max_error: float = 0.0
    counterexample: str | None = None

    @property
    def ok(self) -> bool:
        return self.verdict in ("exact", "numeric")

    def text(self) -> str:
        where = ", ".join(f"{k} = {v}" for k, v in self.sizes) or "no dimensions"
        entries = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        line = f"{where}: {self.verdict} ({entries}, max error {self.max_error:.2g})"
        return line if self.counterexample is None else f"{line}: {self.counterexample}"


@dataclass(frozen=True)
class CheckResult:
    """A check of one derivative at several sizes, by one method (components, finite differences, sympy)."""
    kind: str
    method: str
    variable: str
    results: tuple[SizeResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def exact(self) -> bool:
        return all(r.verdict == "exact" for r in self.results)

    @property
    def max_error(self) -> float:
        return max((r.max_error for r in self.results), default=0.0)

    @property
    def counterexample(self) -> str | None:
        return next((r.counterexample for r in self.results if not r.ok), None)

    def text(self) -> str:
        head = f"{self.kind} in {self.variable} by {self.method}: {'ok' if self.ok else 'FAILED'}"
        return "\n".join([head] + ["  " + r.text() for r in self.results])

    def __str__(self) -> str:
        return self.text()


def _mismatch(message: str) -> m.ShapeError:
    """The result does not have the shape its kind calls for at some size: a wrong answer, not an error."""
    return m.ShapeError(message, "check")


# ------------------------------------------------------------------------------------------------ sizes, points

def size_assignments(nodes: Sequence[MatExpr], sizes: Iterable[SizeSpec]) -> list[dict[str, int]]:
    """Each requested size as a dimension -> size mapping: an int gives every dimension name that size, a mapping
    gives each its own (varied sizes: {"m": 3, "n": 2}); missing names take the smallest size given."""
    names = sorted(dimension_names(*nodes))
    found = []
    for spec in sizes:
        if isinstance(spec, int):
            found.append({name: spec for name in names})
        else:
            default = min(spec.values(), default=1)
            found.append({name: spec.get(name, default) for name in names})
    return found


def _all_symbols(nodes: Sequence[MatExpr]) -> list[m.Symbol]:
    found: set[m.Symbol] = set()
    for n in nodes:
        found |= n.symbols
    return sorted(found, key=lambda s: s.name)


def random_arrays(symbols: Sequence[m.Symbol], sizes: Mapping[str, int], rng: Any, positive: bool = False
                  ) -> dict[str, Any]:
    """A value for each symbol, as a 2-D array that respects its declared properties (see the module's
    docstring); `positive` draws positive entries (for logs and roots of entries)."""
    import numpy as np  # heavy: only the numeric checks need it
    values: dict[str, Any] = {}
    for s in symbols:
        rows, cols = shape_sizes(s, sizes)
        low = 0.1 if positive else -1.0
        if s.shape == m.SCALAR_SHAPE:
            values[s.name] = rng.uniform(0.5, 1.5, (1, 1))
        elif isinstance(s, m.Differential):
            a = rng.uniform(-1.0, 1.0, (rows, cols))
            if s.has("symmetric"):
                a = (a + a.T) / 2
            values[s.name] = np.diag(np.diag(a)) if s.has("diagonal") else a
        elif s.has("diagonal"):
            values[s.name] = np.diag(rng.uniform(0.5, 1.5, rows))
        elif s.has("positive_definite"):
            a = rng.uniform(-1.0, 1.0, (rows, rows))
            values[s.name] = a @ a.T / rows + np.eye(rows)
        elif s.has("symmetric"):
            a = rng.uniform(low, 1.0, (rows, rows))
            values[s.name] = (a + a.T) / 2 + rows * np.eye(rows)
        elif s.shape[0] == s.shape[1]:
            values[s.name] = rng.uniform(low, 1.0, (rows, cols)) + rows * np.eye(rows)
        else:
            values[s.name] = rng.uniform(low, 1.0, (rows, cols))
    return values


def component_values(symbols: Sequence[m.Symbol], arrays: Mapping[str, Any], sizes: Mapping[str, int]
                     ) -> dict[str, float]:
    """The arrays as values of the entries' scalar symbols (X_1_2 = X[0, 1])."""
    values: dict[str, float] = {}
    for s in symbols:
        entries = component_symbols(s, sizes)
        for i, row in enumerate(entries):
            for j, e in enumerate(row):
                if isinstance(e, Sym):
                    values[e.name] = float(arrays[s.name][i, j])
    return values


def _rng(seed: int) -> Any:
    import numpy as np  # heavy: only the numeric checks need it
    return np.random.default_rng(seed)


# ----------------------------------------------------------------------------------------- the scalar claims

def _positions_in_vec(symbol: m.Symbol, sizes: Mapping[str, int]) -> dict[str, list[int]]:
    rows = shape_sizes(symbol, sizes)[0]
    return {name: [j * rows + i for i, j in places] for name, places in component_positions(symbol, sizes).items()}


def _matrix(node: MatExpr, sizes: Mapping[str, int], shape: tuple[int, int], what: str) -> list[list[Expr]]:
    entries = expand(node, sizes)
    found = (len(entries), len(entries[0]))
    if found != shape:
        raise _mismatch(f"the {what} is {found[0]} x {found[1]} where {shape[0]} x {shape[1]} is expected")
    return entries


Claims = tuple[list[str], list[Expr], list[Expr]]  # labels, the scalar machinery's values, the matrix result's


def _gradient_claims(f: MatExpr, variable: m.Symbol, g: MatExpr, sizes: Mapping[str, int]) -> Claims:
    scalar = _matrix(f, sizes, (1, 1), "function")[0][0]
    entries = _matrix(g, sizes, shape_sizes(variable, sizes), "gradient")
    places = component_positions(variable, sizes)
    names = list(places)
    partials = partial_derivatives([scalar], names, None)[0]
    got = [add(*(entries[i][j] for i, j in places[name])) for name in names]
    return [f"d f / d {name}" for name in names], partials, got


def _jacobian_claims(f: MatExpr, variable: m.Symbol, j: MatExpr, sizes: Mapping[str, int], layout: str) -> Claims:
    outputs = vec_entries(expand(f, sizes))
    rows_x, cols_x = shape_sizes(variable, sizes)
    shape = (len(outputs), rows_x * cols_x)
    entries = _matrix(j, sizes, shape if layout == "numerator" else (shape[1], shape[0]), "Jacobian")
    if layout == "denominator":
        entries = [list(r) for r in zip(*entries)]
    places = _positions_in_vec(variable, sizes)
    names = list(places)
    partials = partial_derivatives(outputs, names, None)
    labels, expected, got = [], [], []
    for k, row in enumerate(partials):
        for name, value in zip(names, row):
            labels.append(f"d vec(f)_{k + 1} / d {name}")
            expected.append(value)
            got.append(add(*(entries[k][p] for p in places[name])))
    return labels, expected, got


def _hessian_claims(f: MatExpr, variable: m.Symbol, h: MatExpr, sizes: Mapping[str, int]) -> Claims:
    scalar = _matrix(f, sizes, (1, 1), "function")[0][0]
    rows_x, cols_x = shape_sizes(variable, sizes)
    q = rows_x * cols_x
    entries = _matrix(h, sizes, (q, q), "Hessian")
    places = _positions_in_vec(variable, sizes)
    names = list(places)
    second = second_partials(scalar, names, None)
    labels, expected, got = [], [], []
    for a, first in enumerate(names):
        for b, other in enumerate(names):
            labels.append(f"d^2 f / d {first} d {other}")
            expected.append(second[a][b])
            got.append(add(*(entries[p][r] for p in places[first] for r in places[other])))
    return labels, expected, got


def _differential_claims(f: MatExpr, variable: m.Symbol, df: MatExpr, sizes: Mapping[str, int],
                         order: int) -> Claims:
    outputs = expand(f, sizes)
    rows_f, cols_f = len(outputs), len(outputs[0])
    entries = _matrix(df, sizes, (rows_f, cols_f), "differential")
    places = component_positions(variable, sizes)
    d_entries = component_symbols(m.differential_of(variable), sizes)
    names = list(places)
    d_of = {name: d_entries[i][j] for name, ((i, j), *_) in places.items()}
    labels, expected, got = [], [], []
    for i in range(rows_f):
        for j in range(cols_f):
            if order == 1:
                partials = partial_derivatives([outputs[i][j]], names, None)[0]
                value = add(*(mul(p, d_of[n]) for p, n in zip(partials, names)))
            else:
                second = second_partials(outputs[i][j], names, None)
                value = add(*(mul(second[a][b], d_of[p], d_of[r])
                              for a, p in enumerate(names) for b, r in enumerate(names)))
            labels.append(f"{'d' if order == 1 else 'd^2'} f_{i + 1}_{j + 1}")
            expected.append(value)
            got.append(entries[i][j])
    return labels, expected, got


# ------------------------------------------------------------------------------------------------- comparing

def _relative(a: float, b: float) -> float:
    return abs(a - b) / max(1.0, abs(a), abs(b))


_UNDEFINED = (SymdiffError, ZeroDivisionError, OverflowError, ValueError, ArithmeticError)


def _numeric_errors(expected: Sequence[Expr], got: Sequence[Expr], values: Mapping[str, float]) -> list[float]:
    """The relative error of each claim at one point; raises where something is undefined."""
    errors = []
    for e, g in zip(expected, got):
        a, b = numeric_value(e, values), numeric_value(g, values)
        if not (math.isfinite(a) and math.isfinite(b)):
            raise ValueError("not finite")
        errors.append(_relative(a, b))
    return errors


def _compare(claims: Claims, symbols: Sequence[m.Symbol], sizes: Mapping[str, int], seed: int, points: int,
             exact: bool, exact_seconds: float, rtol: float) -> SizeResult:
    labels, expected, got = claims
    key = tuple(sorted(sizes.items()))
    rng = _rng(seed)
    max_error, used, attempts = 0.0, 0, 0
    while used < points:
        if attempts >= ATTEMPTS:
            return SizeResult(key, "error", len(labels), max_error,
                              "no point found where every entry is defined")
        arrays = random_arrays(symbols, sizes, rng, positive=attempts > 0)
        attempts += 1
        values = component_values(symbols, arrays, sizes)
        try:
            errors = _numeric_errors(expected, got, values)
        except _UNDEFINED:
            continue
        used += 1
        for label, error, e, g in zip(labels, errors, expected, got):
            max_error = max(max_error, error)
            if error > rtol:
                shown = ", ".join(f"{k} = {v:.4g}" for k, v in list(values.items())[:8])
                return SizeResult(key, "wrong", len(labels), max_error,
                                  f"{label}: matrix form {numeric_value(g, values):.10g}, components "
                                  f"{numeric_value(e, values):.10g} at {shown}{' ...' if len(values) > 8 else ''}")
    verdict = "exact" if exact and _all_exact(expected, got, exact_seconds) else "numeric"
    return SizeResult(key, verdict, len(labels), 0.0 if verdict == "exact" else max_error)


def _all_exact(expected: Sequence[Expr], got: Sequence[Expr], seconds: float) -> bool:
    """Every difference simplifies to 0 within `seconds` in all."""
    end = time.monotonic() + seconds
    for e, g in zip(expected, got):
        left = end - time.monotonic()
        if left <= 0:
            return False
        try:
            with budget.use(max_seconds=left):
                if simplify(sub(g, e)) is not ZERO:
                    return False
        except SymdiffError:
            return False
    return True


def _run(kind: str, method: str, variable: m.Symbol, nodes: Sequence[MatExpr], sizes: Iterable[SizeSpec],
         claims: Callable[[dict[str, int]], Claims], seed: int, points: int, exact: bool, exact_seconds: float,
         rtol: float) -> CheckResult:
    symbols = _all_symbols(nodes)
    results = []
    for assignment in size_assignments(nodes, sizes):
        key = tuple(sorted(assignment.items()))
        try:
            found = claims(assignment)
        except m.ShapeError as error:
            results.append(SizeResult(key, "wrong", 0, math.inf, str(error)))
            continue
        except UsageError as error:
            results.append(SizeResult(key, "error", 0, 0.0, str(error)))
            continue
        results.append(_compare(found, symbols, assignment, seed, points, exact, exact_seconds, rtol))
    return CheckResult(kind, method, variable.name, tuple(results))


def _variable(variable: m.Symbol) -> m.Symbol:
    if not isinstance(variable, m.Symbol) or isinstance(variable, m.Differential):
        raise UsageError(f"a derivative is taken in a symbol, not in {variable}")
    return variable


def check_gradient(f: MatExpr, variable: m.Symbol, gradient: MatExpr, sizes: Iterable[SizeSpec] = DEFAULT_SIZES,
                   *, seed: int = 0, points: int = 3, exact: bool = True, exact_seconds: float = 2.0,
                   rtol: float = RTOL) -> CheckResult:
    """The gradient of the scalar f in `variable` against symdiff's scalar gradient of f's components."""
    _variable(variable)
    return _run("gradient", "components", variable, [f, gradient], sizes,
                lambda s: _gradient_claims(f, variable, gradient, s), seed, points, exact, exact_seconds, rtol)


def check_jacobian(f: MatExpr, variable: m.Symbol, jacobian: MatExpr, layout: str = "denominator",
                   sizes: Iterable[SizeSpec] = DEFAULT_SIZES, *, seed: int = 0, points: int = 3,
                   exact: bool = True, exact_seconds: float = 2.0, rtol: float = RTOL) -> CheckResult:
    """The Jacobian d vec(f) / d vec(X) (numerator layout; denominator: its transpose) against symdiff's scalar
    Jacobian of f's components."""
    _variable(variable)
    _layout(layout)
    return _run("jacobian", "components", variable, [f, jacobian], sizes,
                lambda s: _jacobian_claims(f, variable, jacobian, s, layout), seed, points, exact, exact_seconds,
                rtol)


def check_hessian(f: MatExpr, variable: m.Symbol, hessian: MatExpr, sizes: Iterable[SizeSpec] = DEFAULT_SIZES,
                  *, seed: int = 0, points: int = 3, exact: bool = True, exact_seconds: float = 2.0,
                  rtol: float = RTOL) -> CheckResult:
    """The Hessian d^2 f / d vec(X) d vec(X)' against symdiff's scalar Hessian of f's components."""
    _variable(variable)
    return _run("hessian", "components", variable, [f, hessian], sizes,
                lambda s: _hessian_claims(f, variable, hessian, s), seed, points, exact, exact_seconds, rtol)


def check_differential(f: MatExpr, variable: m.Symbol, df: MatExpr, sizes: Iterable[SizeSpec] = DEFAULT_SIZES,
                       *, order: int = 1, seed: int = 0, points: int = 3, exact: bool = True,
                       exact_seconds: float = 2.0, rtol: float = RTOL) -> CheckResult:
    """df (order 1) or d^2 f (order 2, dX constant), an expression in dX, against the scalar partials of f's
    components times the entries of dX."""
    _variable(variable)
    if order not in (1, 2):
        raise UsageError(f"a differential is checked of order 1 or 2, not {order}")
    kind = "differential" if order == 1 else "second differential"
    return _run(kind, "components", variable, [f, df, m.differential_of(variable), variable], sizes,
                lambda s: _differential_claims(f, variable, df, s, order), seed, points, exact, exact_seconds, rtol)


def check_components(f: MatExpr, variable: m.Symbol, derivative: MatExpr, kind: str,
                     sizes: Iterable[SizeSpec] = DEFAULT_SIZES, layout: str = "denominator",
                     **options: Any) -> CheckResult:
    """One of the checks above by the name of its kind (KINDS)."""
    _kind(kind)
    if kind == "gradient":
        return check_gradient(f, variable, derivative, sizes, **options)
    if kind == "jacobian":
        return check_jacobian(f, variable, derivative, layout, sizes, **options)
    if kind == "hessian":
        return check_hessian(f, variable, derivative, sizes, **options)
    return check_differential(f, variable, derivative, sizes, order=1 if kind == "differential" else 2, **options)


def _kind(kind: str) -> None:
    if kind not in KINDS:
        raise UsageError(f"unknown kind of derivative {kind!r}: use one of {', '.join(KINDS)}")


def _layout(layout: str) -> None:
    if layout not in ("denominator", "numerator"):
        raise UsageError(f"unknown layout {layout!r}: use denominator or numerator")


# ------------------------------------------------------------------------------------------ finite differences

FIRST_STEP = 1e-6
SECOND_STEP = 1e-4


def finite_differences(f: MatExpr, variable: m.Symbol, derivative: MatExpr, kind: str,
                       sizes: Iterable[SizeSpec] = DEFAULT_SIZES, layout: str = "denominator", *, seed: int = 0,
                       points: int = 2, rtol: float = FD_RTOL) -> CheckResult:
    """The derivative against central differences of f on random arrays (fixed seed): a gradient, Jacobian or
    Hessian entry per scalar entry of the variable (both places of a symmetric one moved together), a
    differential along the random dX of the point."""
    import numpy as np  # heavy: only the numeric checks need it
    _variable(variable)
    _kind(kind)
    _layout(layout)
    nodes = [f, derivative, m.differential_of(variable), variable]
    symbols = _all_symbols(nodes)
    results = []
    for assignment in size_assignments(nodes, sizes):
        key = tuple(sorted(assignment.items()))
        rng = np.random.default_rng(seed)
        max_error, used, attempts, entries = 0.0, 0, 0, 0
        bad: SizeResult | None = None
        while used < points and bad is None:
            if attempts >= ATTEMPTS:
                bad = SizeResult(key, "error", 0, max_error, "no point found where f is defined")
                break
            arrays = random_arrays(symbols, assignment, rng, positive=attempts > 0)
            attempts += 1
            try:
                with np.errstate(all="ignore"):
                    found = _difference_pairs(f, variable, derivative, kind, layout, arrays, assignment)
            except m.ShapeError as error:
                bad = SizeResult(key, "wrong", 0, math.inf, str(error))
                break
            except (SymdiffError, ValueError, ArithmeticError, np.linalg.LinAlgError):
                continue
            if found is None:
                continue
            pairs, scale = found
            used += 1
            entries = len(pairs)
            for label, approx, claimed in pairs:
                relative = abs(approx - claimed) / max(1.0, abs(claimed), scale)
                max_error = max(max_error, relative)
                if relative > rtol:
                    bad = SizeResult(key, "wrong", len(pairs), max_error,
                                     f"{label}: matrix form {claimed:.10g}, finite differences {approx:.10g}")
                    break
        results.append(bad or SizeResult(key, "numeric", entries, max_error))
    return CheckResult(kind, "finite differences", variable.name, tuple(results))


def _difference_pairs(f: MatExpr, variable: m.Symbol, derivative: MatExpr, kind: str, layout: str,
                      arrays: dict[str, Any], sizes: Mapping[str, int]
                      ) -> tuple[list[tuple[str, float, float]], float] | None:
    """(label, finite difference, claimed value) for each scalar claim at this point, and the scale errors are
    relative to beside the claimed value (for second differences, whose rounding error grows with |f|, the size
    of f); None where a value is not finite."""
    import numpy as np  # heavy: only the numeric checks need it
    base = arrays[variable.name]
    places = component_positions(variable, sizes)

    def value_at(moved: Any) -> Any:
        return evaluate(f, {**arrays, variable.name: moved}, sizes)

    def direction(name: str) -> Any:
        e = np.zeros_like(base)
        for i, j in places[name]:
            e[i, j] = 1.0
        return e

    claimed = evaluate(derivative, arrays, sizes)
    f0 = value_at(base)
    if not (np.all(np.isfinite(claimed)) and np.all(np.isfinite(f0))):
        return None
    rows_x = base.shape[0]
    pairs: list[tuple[str, float, float]] = []
    h = FIRST_STEP
    if kind in ("differential", "second differential"):
        dx = arrays["d" + variable.name]
        if claimed.shape != f0.shape:
            raise _mismatch(f"the {kind} has shape {claimed.shape}, f {f0.shape}")
        if kind == "differential":
            approx = (value_at(base + h * dx) - value_at(base - h * dx)) / (2 * h)
        else:
            s = SECOND_STEP
            approx = (value_at(base + s * dx) - 2 * f0 + value_at(base - s * dx)) / (s * s)
        for (i, j), a in np.ndenumerate(approx):
            pairs.append((f"{kind} entry ({i + 1}, {j + 1})", float(a), float(claimed[i, j])))
    elif kind == "gradient":
        if claimed.shape != base.shape:
            raise _mismatch(f"the gradient has shape {claimed.shape}, the variable {base.shape}")
        for name, where in places.items():
            e = direction(name)
            approx = (value_at(base + h * e) - value_at(base - h * e)).item() / (2 * h)
            pairs.append((f"d f / d {name}", approx, float(sum(claimed[i, j] for i, j in where))))
    elif kind == "jacobian":
        size_f, size_x = f0.size, base.size
        j_num = claimed if layout == "numerator" else claimed.T
        if j_num.shape != (size_f, size_x):
            raise _mismatch(f"the Jacobian has shape {claimed.shape} for f of {size_f} and a variable of {size_x}"
                            f" entries ({layout} layout)")
        for name, where in places.items():
            e = direction(name)
            column = (value_at(base + h * e) - value_at(base - h * e)).reshape(-1, order="F") / (2 * h)
            for k in range(size_f):
                pairs.append((f"d vec(f)_{k + 1} / d {name}", float(column[k]),
                              float(sum(j_num[k, j * rows_x + i] for i, j in where))))
    else:
        size_x = base.size
        if claimed.shape != (size_x, size_x):
            raise _mismatch(f"the Hessian has shape {claimed.shape} for a variable of {size_x} entries")
        s = SECOND_STEP
        names = list(places)
        mixed: dict[tuple[str, str], float] = {}
        for a, first in enumerate(names):
            for second in names[a:]:
                e1, e2 = direction(first) * s, direction(second) * s
                mixed[first, second] = mixed[second, first] = (
                    (value_at(base + e1 + e2) - value_at(base + e1 - e2) - value_at(base - e1 + e2)
                     + value_at(base - e1 - e2)).item() / (4 * s * s))
        for first in names:
            for second in names:  # both orders: a Hessian that is not symmetric is caught
                total = sum(claimed[j1 * rows_x + i1, j2 * rows_x + i2]
                            for i1, j1 in places[first] for i2, j2 in places[second])
                pairs.append((f"d^2 f / d {first} d {second}", mixed[first, second], float(total)))
    if not all(math.isfinite(a) and math.isfinite(c) for _, a, c in pairs):
        return None
    second_order = kind in ("hessian", "second differential")
    return pairs, float(np.abs(f0).max()) if second_order else 1.0


__all__ = ["SizeResult", "CheckResult", "KINDS", "check_gradient", "check_jacobian", "check_hessian",
           "check_differential", "check_components", "finite_differences", "random_arrays", "component_values",
           "size_assignments"]
