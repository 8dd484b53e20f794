#!/usr/bin/env python3
"""Gradients of functions of n variables: symdiff's reverse sweep against SymPy and SymEngine (issue 6).

    python benchmarks/gradient.py [--sizes 10,100,1000] [--repeat R] [--sympy-seconds S] [--check]

Run by hand, not by pytest. Two functions, each built directly as a tree in every library (no parsing):
  * chain:   sum over i of (x_i*x_{i+1} - sin(x_i))^2, in x_1..x_n;
  * network: the squared loss (y - sum_k v_k*tanh(sum_j w_kj*x_j))^2 of a two-layer network with h hidden
             units and m inputs, differentiated in its n = h*(m + 1) weights (w_kj and v_k); the inputs x_j and
             target y are symbols too. Every weight's derivative contains the whole residual, so this is the
             case backpropagation is for.
Timed, in one run (CPU time, best of --repeat runs; SymPy once, capped at --sympy-seconds by
symdiff.verify.time_limit, a timeout shown as '>S'):
  * symdiff sweep:  symdiff.reverse_mode.adjoints (the unsimplified reverse sweep);
  * symdiff grad:   symdiff.gradient, the sweep and simplification of every component;
  * sympy:          [sympy.diff(f, v) for v in variables] (no simplification);
  * symengine:      [f.diff(v) for v in variables] (C++), when symengine is installed.
Printed: the times, the growth factor from one size to the next (linear growth is about 10 for a tenfold n),
the ratio of SymPy's time to symdiff's, and the size of the gradient printed with --cse, against without.
With --check, components (20 of them, evenly spread) are compared with SymPy's numerically at a random point.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff  # noqa: E402
from symdiff.core.build import add, mul, power, sub  # noqa: E402
from symdiff.core.expr import Func, Num, Sym  # noqa: E402
from symdiff.calculus.reverse import adjoints  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

TARGET_GROWTH = 15      # time(n = 1000) / time(n = 100) at most
TARGET_VS_SYMPY = 10    # SymPy's time / symdiff's at n = 1000, at least


# ---- the functions, built the same way in each library ---------------------------------------------------

class SymdiffOps:
    symbol = staticmethod(Sym)
    add = staticmethod(lambda *terms: add(*terms))
    mul = staticmethod(lambda *factors: mul(*factors))
    sub = staticmethod(sub)
    square = staticmethod(lambda a: power(a, Num(2)))
    sin = staticmethod(lambda a: Func("sin", a))
    tanh = staticmethod(lambda a: Func("tanh", a))


def _library_ops(module):
    class Ops:
        symbol = staticmethod(module.Symbol)
        add = staticmethod(lambda *terms: module.Add(*terms))
        mul = staticmethod(lambda *factors: module.Mul(*factors))
        sub = staticmethod(lambda a, b: a - b)
        square = staticmethod(lambda a: a ** 2)
        sin = staticmethod(module.sin)
        tanh = staticmethod(module.tanh)
    return Ops


def chain(ops, n: int):
    xs = [ops.symbol(f"x{i}") for i in range(1, n + 1)]
    f = ops.add(*(ops.square(ops.sub(ops.mul(xs[i], xs[i + 1]), ops.sin(xs[i]))) for i in range(n - 1)))
    return f, xs


def network_shape(n: int) -> tuple:
    """(hidden units h, inputs m) with h*(m + 1) = n, as square as possible."""
    h = max(d for d in range(1, int(math.isqrt(n)) + 1) if n % d == 0)
    return h, n // h - 1


def network(ops, n: int):
    h, m = network_shape(n)
    x = [ops.symbol(f"x{j}") for j in range(1, m + 1)]
    w = [[ops.symbol(f"w{k}_{j}") for j in range(1, m + 1)] for k in range(1, h + 1)]
    v = [ops.symbol(f"v{k}") for k in range(1, h + 1)]
    hidden = [ops.tanh(ops.add(*(ops.mul(w[k][j], x[j]) for j in range(m)))) for k in range(h)]
    output = ops.add(*(ops.mul(v[k], hidden[k]) for k in range(h)))
    loss = ops.square(ops.sub(ops.symbol("y"), output))
    return loss, [s for row in w for s in row] + v


FUNCTIONS = {"chain": chain, "network": network}


# ---- timing ----------------------------------------------------------------------------------------------

def cpu(function, repeat: int = 1) -> tuple:
    """(best CPU seconds over `repeat` runs, the last result)."""
    best, result = math.inf, None
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        result = function()
        best = min(best, time.process_time() - start)
    return best, result


def capped(function, seconds: float):
    """(CPU seconds or None on timeout, result)."""
    try:
        with time_limit(seconds):
            return cpu(function)
    except SympyTimeout:
        return None, None


def measure(name: str, n: int, options) -> dict:
    f, variables = FUNCTIONS[name](SymdiffOps, n)
    names = [v.name for v in variables]
    row = {"n": n, "nodes": len(_distinct(f))}
    row["sweep"], _ = cpu(lambda: adjoints(f, names), options.repeat)
    row["grad"], grad = cpu(lambda: symdiff.gradient(f, names), options.repeat)
    from symdiff.cli.output import render
    row["chars"] = len(grad.text())
    row["cse_chars"] = len(render(grad, "text", use_cse=True))

    import sympy
    g, sympy_variables = FUNCTIONS[name](_library_ops(sympy), n)
    row["sympy"], theirs = capped(lambda: [sympy.diff(g, v) for v in sympy_variables], options.sympy_seconds)
    try:
        import symengine
        h, se_variables = FUNCTIONS[name](_library_ops(symengine), n)
        row["symengine"], _ = cpu(lambda: [h.diff(v) for v in se_variables], options.repeat)
    except ImportError:
        row["symengine"] = None
    if options.check and theirs is not None:
        row["checked"] = _check(grad, theirs, sympy_variables, g)
    return row


def _distinct(f) -> set:
    from symdiff.core.traversal import subexpressions
    return subexpressions(f)


def _check(ours, theirs, sympy_variables, g, most: int = 20) -> str:
    """Compare `most` components, evenly spread, at one random point (SymPy's substitution into every
    component of the network's gradient, each holding the whole residual, takes longer than the gradient)."""
    from symdiff.numeric.values import numeric_value
    rng = random.Random(1)
    names = sorted({s.name for s in g.free_symbols})
    point = {name: rng.uniform(0.2, 1.5) for name in names}
    substitutions = {s: point[s.name] for s in g.free_symbols}
    worst = 0.0
    step = max(1, len(ours) // most)
    for component, expected in list(zip(ours, theirs))[::step]:
        a = numeric_value(component, point)
        b = float(expected.xreplace(substitutions).evalf(30))
        worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    return f"{worst:.1e}"


def _seconds(value) -> str:
    return "-" if value is None else f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def report(name: str, rows: list, options) -> None:
    print(f"\n{name}  (CPU time; symdiff best of {options.repeat}; SymPy once, capped at {options.sympy_seconds:g} s)")
    header = (f"  {'n':>5} {'nodes':>6} | {'sweep':>9} {'grad':>9} {'growth':>6} | {'sympy':>9} {'ratio':>7} | "
              f"{'symengine':>9} {'ratio':>6} | {'chars':>8} {'--cse':>8}" + ("  check" if options.check else ""))
    print(header)
    previous = None
    for row in rows:
        growth = f"{row['grad'] / previous['grad']:.1f}" if previous else ""
        sympy_time = row["sympy"]
        ratio = f"{sympy_time / row['grad']:.1f}x" if sympy_time else f">{options.sympy_seconds / row['grad']:.0f}x"
        sympy_shown = _seconds(sympy_time) if sympy_time else f">{options.sympy_seconds:g} s"
        se = row["symengine"]
        se_ratio = f"{row['grad'] / se:.0f}x" if se else ""
        print(f"  {row['n']:>5} {row['nodes']:>6} | {_seconds(row['sweep']):>9} {_seconds(row['grad']):>9} "
              f"{growth:>6} | {sympy_shown:>9} {ratio:>7} | {_seconds(se):>9} {se_ratio:>6} | "
              f"{row['chars']:>8} {row['cse_chars']:>8}" + (f"  {row.get('checked', '-')}" if options.check else ""))
        previous = row
    print("  (growth: symdiff grad time over the previous size's; ratio: SymPy's time over symdiff grad's; "
          "symengine ratio: symdiff grad's time over SymEngine's)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--functions", default="chain,network")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sympy-seconds", type=float, default=300.0)
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args()
    sizes = [int(s) for s in options.sizes.split(",")]
    for name in options.functions.split(","):
        rows = []
        for n in sizes:
            rows.append(measure(name, n, options))
            print(f"  ... {name} n={n} done", file=sys.stderr)
        report(name, rows, options)
        if {100, 1000} <= set(sizes):
            by_n = {r["n"]: r for r in rows}
            growth = by_n[1000]["grad"] / by_n[100]["grad"]
            versus = by_n[1000]["sympy"] / by_n[1000]["grad"] if by_n[1000]["sympy"] else None
            print(f"  targets: growth 100 -> 1000 {growth:.1f} (at most {TARGET_GROWTH}: "
                  f"{'met' if growth <= TARGET_GROWTH else 'NOT met'}); "
                  f"vs SymPy at 1000: " + (f"{versus:.1f}x" if versus else f"over {options.sympy_seconds:g} s")
                  + f" (at least {TARGET_VS_SYMPY}x: "
                  + ("met" if versus is None or versus >= TARGET_VS_SYMPY else "NOT met") + ")")


if __name__ == "__main__":
    main()
