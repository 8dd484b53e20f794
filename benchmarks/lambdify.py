"""Compiled functions: symdiff.compile.lambdify against sympy.lambdify (and symengine's Lambdify if installed)
on the same derivative, for scalar calls and for NumPy arrays. Run by hand:

    PYTHONPATH=. python benchmarks/lambdify.py [EXPR] [--order N] [--size N]

Prints the time per call of each and the ratio sympy/symdiff (above 1: symdiff is faster). The derivative is
symdiff's, converted exactly to SymPy (symdiff.to_sympy), so both compile the same expression.
"""

from __future__ import annotations

import argparse
import random
import timeit

import numpy
import sympy

import symdiff as sd
from symdiff.numeric.compile import lambdify

DEFAULT = "x^2*sin(x)*exp(-x/3)/(1 + x^2) + sqrt(x^2 + 1)*atan(x)"


def per_call(function, arguments, repeat: int = 5) -> float:
    timer = timeit.Timer(lambda: function(*arguments))
    number, _ = timer.autorange()
    return min(timer.repeat(repeat, number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("expr", nargs="?", default=DEFAULT)
    parser.add_argument("--order", type=int, default=2)
    parser.add_argument("--size", type=int, default=100_000, help="length of the array argument")
    options = parser.parse_args()

    derivative = sd.diff(options.expr, "x", order=options.order)
    x = sympy.Symbol("x", real=True)
    theirs_expr = sd.to_sympy(derivative, real=True)
    print(f"f = {options.expr}\nd^{options.order}f/dx^{options.order}: {len(str(derivative))} characters, "
          f"{sympy.count_ops(theirs_expr)} SymPy operations")

    build = {
        "symdiff lambdify": lambda: lambdify(derivative, "x"),
        "sympy.lambdify (math)": lambda: sympy.lambdify([x], theirs_expr, modules="math"),
        "sympy.lambdify (numpy)": lambda: sympy.lambdify([x], theirs_expr, modules="numpy"),
        "sympy.lambdify (math, cse=True)": lambda: sympy.lambdify([x], theirs_expr, modules="math", cse=True),
    }
    try:
        import symengine
        build["symengine Lambdify"] = lambda: symengine.Lambdify([symengine.Symbol("x")],
                                                                 [symengine.sympify(theirs_expr)])
    except ImportError:
        print("(symengine not installed: skipped)")
    compiled, build_times = {}, {}
    for name, make in build.items():
        build_times[name] = per_call(make, (), repeat=3)
        compiled[name] = make()

    point = random.Random(0).uniform(0.2, 2.0)
    ours = compiled["symdiff lambdify"](point)
    for name, function in compiled.items():
        value = float(numpy.asarray(function(point)).ravel()[0])
        assert abs(value - ours) <= 1e-9 * max(1.0, abs(ours)), (name, value, ours)

    print(f"\n{'':34} {'build':>10} {'scalar call':>12} {'ratio':>7} {'array call':>12} {'ratio':>7}")
    xs = numpy.linspace(0.2, 2.0, options.size)
    scalar_ours = per_call(compiled["symdiff lambdify"], (point,))
    array_ours = per_call(compiled["symdiff lambdify"], (xs,))
    for name, function in compiled.items():
        ours_row = name == "symdiff lambdify"
        scalar = scalar_ours if ours_row else per_call(function, (point,))
        try:
            array = array_ours if ours_row else per_call(function, (xs,), repeat=3)
            array_text = f"{array * 1e3:9.2f} ms {array / array_ours:7.2f}"
        except (TypeError, ValueError):
            array_text = f"{'n/a':>12} {'':>7}"  # math-module functions take scalars only
        print(f"{name:34} {build_times[name] * 1e3:7.1f} ms {scalar * 1e6:9.2f} us {scalar / scalar_ours:7.2f} "
              f"{array_text}")
    print("\nratio: time / symdiff's time (above 1: symdiff is faster)")


if __name__ == "__main__":
    main()
