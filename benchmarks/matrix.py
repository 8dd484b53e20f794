#!/usr/bin/env python3
"""The logistic loss's gradient and Hessian, derived and compiled: matrix form against SymPy's MatrixSymbol and
against components (issue 20).

    python benchmarks/matrix.py [--sizes 10,100] [--seconds 60] [--repeat 3]

Run by hand, not by pytest. The loss L(w) = sum(log(1 + exp(-y .* (X*w)))) of logistic regression, X an n x n
matrix of data, y the n labels (+-1), w the n weights. Each route derives the gradient and the Hessian in w and
compiles them to NumPy functions; timed in one run (wall time, best of --repeat for symdiff; others once, capped
at --seconds, a timeout shown as '>S'):

  * symdiff matrix form:  sd.matrix_diff (gradient, then Hessian, simplified) and .numpy() on each: the same
                          work at every n (the dimension is a symbol), so the n column is for the evaluation;
  * SymPy MatrixSymbol:   L.diff(w) on SymPy's matrix expressions (MatrixSymbol X, w, y of the size n), its
                          diff again for the Hessian, then sympy.lambdify (numpy);
  * symdiff components:   L written out in the n^2 + 2n scalar entries (symdiff.matrices.components), then
                          sd.gradient and sd.hessian in the n weights and sd.lambdify;
  * SymPy components:     the same scalar L in SymPy, sympy.diff per weight (and per pair for the Hessian),
                          then sympy.lambdify.

Each compiled gradient and Hessian is evaluated at random data and compared with the formulas X'*(s - ...) a
textbook gives (NumPy), so a route that is fast and wrong shows as wrong. Printed: times and the ratios of each
route's time to symdiff's matrix form.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import numpy as np  # noqa: E402

import symdiff as sd  # noqa: E402
from symdiff.core.errors import SympyTimeout  # noqa: E402
from symdiff.interop.verify import time_limit  # noqa: E402

LOSS = "sum(log(1 + exp(-y .* (X*w))))"


def reference(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The textbook's gradient and Hessian of the logistic loss."""
    z = -y * (X @ w)
    s = 1 / (1 + np.exp(-z))            # sigmoid(z)
    gradient = X.T @ (-y * s)
    hessian = X.T @ np.diag(y * y * s * (1 - s)) @ X
    return gradient, hessian


def data(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"X": rng.normal(size=(n, n)) / np.sqrt(n), "y": rng.choice([-1.0, 1.0], size=n),
            "w": rng.normal(size=n)}


def timed(work: Callable[[], Any], seconds: float) -> tuple[float, Any]:
    """(seconds taken, result); (inf, None) past the cap; (nan, the exception) when the route fails."""
    start = time.perf_counter()
    try:
        with time_limit(seconds):
            result = work()
    except SympyTimeout:
        return float("inf"), None
    except Exception as failure:  # a route that cannot do it (SymPy's matrix Hessian, say) shows why
        return float("nan"), failure
    return time.perf_counter() - start, result


def error_of(gradient: Any, hessian: Any, values: dict[str, np.ndarray]) -> float:
    g_ref, h_ref = reference(values["X"], values["y"], values["w"])
    g = np.asarray(gradient, dtype=float).reshape(g_ref.shape)
    h = np.asarray(hessian, dtype=float).reshape(h_ref.shape)
    return float(max(np.max(np.abs(g - g_ref)), np.max(np.abs(h - h_ref))))


# ---- the routes ------------------------------------------------------------------------------------------

def symdiff_matrix_form(n: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    shapes = "X: n x n, y: n, w: n"
    gradient = sd.matrix_diff(LOSS, "w", shapes=shapes)
    hessian = sd.matrix_diff(LOSS, "w", kind="hessian", shapes=shapes)
    return gradient.numpy(["X", "y", "w"]), hessian.numpy(["X", "y", "w"])


# How long SymPy's matrix route took to derive, when compiling its result then failed (printed beside the failure).
DERIVED_IN: dict[int, float] = {}


def sympy_matrix_symbols(n: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    import sympy
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    X, y, w = sympy.MatrixSymbol("X", n, n), sympy.MatrixSymbol("y", n, 1), sympy.MatrixSymbol("w", n, 1)
    t = sympy.Symbol("t")
    softplus = sympy.Lambda(t, sympy.log(1 + sympy.exp(t)))
    z = sympy.HadamardProduct(-y, X * w)
    loss = (sympy.OneMatrix(1, n) * ElementwiseApplyFunction(softplus, z))[0, 0]
    start = time.perf_counter()
    gradient = loss.diff(w)
    hessian = gradient.diff(w)
    DERIVED_IN[n] = time.perf_counter() - start
    return (sympy.lambdify((X, y, w), gradient, "numpy"), sympy.lambdify((X, y, w), hessian, "numpy"))


def _component_loss(n: int) -> tuple[Any, list[str], list[str]]:
    from symdiff.matrices import components
    from symdiff.matrices.reading import parse_matrix
    reading = parse_matrix(LOSS, "X: n x n, y: n, w: n")
    sizes = {"n": n}
    loss = components.expand_scalar(reading.expression, sizes)
    names = {s: [str(e) for row in components.component_symbols(s, sizes) for e in row]
             for s in reading.expression.symbols}
    by_name = {s.name: v for s, v in names.items()}
    return loss, by_name["X"] + by_name["y"], by_name["w"]


def _vectorised(function: Callable[..., Any], n: int) -> Callable[..., Any]:
    """A compiled function of the n^2 + 2n scalar entries, called with the arrays X, y, w."""
    def call(X: np.ndarray, y: np.ndarray, w: np.ndarray) -> Any:
        return function(*X.reshape(-1), *y, *w)  # the entries' names run along rows (X_1_1, X_1_2, ...)
    return call


def symdiff_components(n: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    loss, data_names, weights = _component_loss(n)
    gradient = sd.gradient(loss, weights)
    hessian = sd.hessian(loss, weights)
    variables = data_names + weights
    return (_vectorised(sd.lambdify(list(gradient), variables), n),
            _vectorised(sd.lambdify([e for row in hessian for e in row], variables), n))


def sympy_components(n: int) -> tuple[Callable[..., Any], Callable[..., Any]]:
    import sympy
    loss, data_names, weights = _component_loss(n)
    f = sd.to_sympy(loss)
    symbols = {s.name: s for s in f.free_symbols}
    w = [symbols.get(name, sympy.Symbol(name)) for name in weights]
    variables = [symbols.get(name, sympy.Symbol(name)) for name in data_names] + w
    gradient = [sympy.diff(f, v) for v in w]
    hessian = [sympy.diff(g, v) for g in gradient for v in w]
    return (_vectorised(sympy.lambdify(variables, gradient, "numpy"), n),
            _vectorised(sympy.lambdify(variables, hessian, "numpy"), n))


ROUTES: dict[str, Callable[[int], tuple[Callable[..., Any], Callable[..., Any]]]] = {
    "symdiff matrix form": symdiff_matrix_form,
    "SymPy MatrixSymbol": sympy_matrix_symbols,
    "symdiff components": symdiff_components,
    "SymPy components": sympy_components,
}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--sizes", default="10,100", help="comma-separated n (default 10,100)")
    options.add_argument("--seconds", type=float, default=60.0, help="cap per route and size (default 60)")
    options.add_argument("--repeat", type=int, default=3, help="best of R runs for symdiff's matrix form")
    arguments = options.parse_args()
    sizes = [int(s) for s in arguments.sizes.split(",")]
    print(f"logistic loss {LOSS}: gradient and Hessian in w, derived and compiled to NumPy")
    print(f"{'route':<22}{'n':>5}{'derive+compile':>16}{'evaluate':>11}{'max error':>11}{'x matrix form':>15}")
    for n in sizes:
        values = data(n)
        base = float("inf")
        for name, route in ROUTES.items():
            runs = arguments.repeat if name == "symdiff matrix form" else 1
            best, compiled = min((timed(lambda: route(n), arguments.seconds) for _ in range(runs)),
                                 key=lambda pair: pair[0])
            if compiled is None:
                print(f"{name:<22}{n:>5}{'>' + format(arguments.seconds, 'g') + ' s':>16}")
                continue
            if isinstance(compiled, Exception):
                derived = f"derived in {DERIVED_IN[n] * 1000:.1f} ms, then " if name.startswith("SymPy M") and \
                    n in DERIVED_IN else ""
                print(f"{name:<22}{n:>5}   {derived}fails: {type(compiled).__name__}: {str(compiled)[:70]}")
                continue
            start = time.perf_counter()
            try:
                g, h = (f(values["X"], values["y"], values["w"]) for f in compiled)
                error = f"{error_of(g, h, values):.1e}"
            except Exception as failure:  # a route that compiles but cannot run shows why
                error = type(failure).__name__
            evaluate = time.perf_counter() - start
            if name == "symdiff matrix form":
                base = best
            ratio = f"{best / base:.1f}x" if base < float("inf") else ""
            print(f"{name:<22}{n:>5}{best * 1000:>13.1f} ms{evaluate * 1000:>8.2f} ms{error:>11}{ratio:>15}")


if __name__ == "__main__":
    main()
