#!/usr/bin/env python3
"""symdiff.implicit_diff against sympy.idiff: time and size of the n-th implicit derivative (issue 18).

    python benchmarks/implicit.py [--order N] [--repeat R]

Run by hand, not by pytest. For each curve, in one process: symdiff.implicit_diff(equation, "y", "x", order=n)
and sympy.idiff(lhs - rhs, y, x, n), CPU time (best of --repeat runs after one untimed warm-up, SymPy's cache
cleared before each run), and the length of each result's text. symdiff's result is shortened with the equation
(on the circle, -1/y^3 where idiff gives -(x^2 + y^2)/y^3), so the two are compared at a point of the curve:
their values must agree there (the point found by mpmath from a guess).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import mpmath  # noqa: E402
import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import symdiff  # noqa: E402

# (equation, x0, a guess for y0 on the curve)
CURVES = [
    ("x^2 + y^2 = 1", 0.6, 0.8),
    ("x^3 + y^3 = 6*x*y", 1.0, 2.4),
    ("y^2 = x^3 - x", 2.0, 2.4),
    ("exp(x*y) = x + y", 0.3, 1.2),
    ("sin(x + y) = y^2*cos(x)", 0.5, 0.9),
    ("x^4 + x^2*y^2 - y^4 = 1", 1.5, 1.3),
]


def best_time(function, repeat: int) -> tuple[float, object]:
    result, best = None, float("inf")
    for _ in range(repeat):
        clear_cache()
        start = time.process_time()
        result = function()
        best = min(best, time.process_time() - start)
    return best, result


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--order", type=int, default=3)
    options.add_argument("--repeat", type=int, default=3)
    arguments = options.parse_args()
    x, y = sympy.symbols("x y")
    symdiff.implicit_diff("x^2 + y^2 = 1")  # warm-up: the grammar and FLINT are loaded once
    print(f"{'curve':28} {'symdiff ms':>10} {'SymPy ms':>10} {'ratio':>7} {'len ours':>9} {'len SymPy':>9}  agree")
    for equation, x0, guess in CURVES:
        lhs, rhs = (sympy.sympify(side.replace("^", "**"), locals={"x": x, "y": y}) for side in equation.split("="))
        ours_time, ours = best_time(lambda: symdiff.implicit_diff(equation, "y", "x", order=arguments.order),
                                    arguments.repeat)
        theirs_time, theirs = best_time(lambda: sympy.idiff(lhs - rhs, y, x, arguments.order), arguments.repeat)
        mpmath.mp.dps = 30
        y0 = float(mpmath.findroot(sympy.lambdify(y, (lhs - rhs).subs(x, x0), "mpmath"), guess))
        a = float(symdiff.evaluate(ours, {"x": x0, "y": y0}, exact=False))
        b = float(theirs.subs({x: x0, y: y0}))
        agree = abs(a - b) <= 1e-8 * max(1.0, abs(b))
        print(f"{equation:28} {ours_time * 1000:10.1f} {theirs_time * 1000:10.1f} {theirs_time / ours_time:7.1f} "
              f"{len(str(ours)):9d} {len(str(theirs)):9d}  {agree}")


if __name__ == "__main__":
    main()
