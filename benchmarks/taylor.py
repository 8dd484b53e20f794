#!/usr/bin/env python3
"""Taylor polynomials: symdiff's series propagation against sympy.series and symengine.series (issue 18, item 4).

    python benchmarks/taylor.py [--repeat R] [--sympy-seconds S] [--only NAME,...]

Run by hand, not by pytest. Each case is a function, a centre and an order; all three libraries run in this one
process, one after the other, so that their ratios share the conditions of one run. Each is given the function as
a tree built beforehand (symdiff.parse; symdiff.to_sympy; symengine.sympify of SymPy's tree), so that only the
expansion is timed. CPU time (time.process_time), best of --repeat runs (SymPy: one run, capped at
--sympy-seconds by symdiff.interop.verify.time_limit, a timeout shown as '>S' and its ratio as a lower bound):

  * symdiff:       symdiff.calculus.taylor.taylor_polynomial(f, centre, order): the series, and every coefficient
                   simplified (the default);
  * symdiff basic: the same with simplify_choice="basic": the series and canonical forms only;
  * sympy:         sympy.series(f, x, a, order + 1).removeO(), SymPy's cache cleared before the run; for several
                   variables, f(a + t*h) as a series in t, truncated at t^order, with h = x - a and t = 1 (the
                   total-degree truncation: SymPy has no multivariate series);
  * symengine:     symengine.series(f(x + a), x, n=order + 1) with x - a put back for x (it expands at 0 only),
                   and the same substitution in t for several variables; skipped when symengine is not installed.
                   It runs in a forked child process, capped at --symengine-seconds in all and at 2 GB of memory:
                   its C++ cannot be interrupted, and away from 0 its unsimplified coefficients grow without bound
                   (exp(sin(x)) at pi/4: 1,200 characters at order 5, 87,000 at order 7).

Before the timings, symdiff is warmed up once (FLINT, which the simplifier loads on first use, and the parser's
tables), as a long-running process would be. Each result is checked against symdiff's: their values agree to 40
digits at order + 2 rational points near the centre (mpmath at 60 digits), which for polynomials of degree
<= order in one variable is equality. Printed: the times, SymPy's time / symdiff's, symdiff's / SymEngine's,
and whether the results agree. The machine's load average is printed at the start and the end: the timings are
only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import mpmath  # noqa: E402
import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import symdiff  # noqa: E402
from symdiff.calculus.taylor import taylor_polynomial  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

try:
    import symengine
except ImportError:  # the comparison runs without it, and says so
    symengine = None

# (name, function, centre, order)
CASES = [
    ("exp(sin(x))", "exp(sin(x))", {"x": "0"}, 20),
    ("tan(x)", "tan(x)", {"x": "0"}, 20),
    ("exp(x)/(1+x^2) at 1", "exp(x)/(1 + x^2)", {"x": "1"}, 15),
    ("sqrt(1+x)", "sqrt(1 + x)", {"x": "0"}, 30),
    ("sin(x) at pi/4", "sin(x)", {"x": "pi/4"}, 15),
    ("exp(sin(x)) at pi/4", "exp(sin(x))", {"x": "pi/4"}, 12),
    ("exp(x)*cos(y)/(1+x+y)", "exp(x)*cos(y)/(1 + x + y)", {"x": "0", "y": "0"}, 8),
    ("exp(x*y)*sin(x+y) at x=1 y=0", "exp(x*y)*sin(x + y)", {"x": "1", "y": "0"}, 6),
]


def sympy_of(text: str):
    return symdiff.to_sympy(symdiff.parse(text), real=True)


def moved(f, center: dict[str, str], t, module):
    """f(a + t*h) with h_i fresh symbols (for one variable: f(a + t)), and the h_i."""
    hs = {name: module.Symbol(f"h_{name}") for name in center}
    values = {}
    for name, a in center.items():
        variable = sympy.Symbol(name, real=True) if module is sympy else module.Symbol(name)
        start = sympy_of(a) if module is sympy else module.sympify(sympy_of(a))
        values[variable] = start + t * (hs[name] if len(center) > 1 else 1)
    return f.subs(values), hs


def back(polynomial, center: dict[str, str], hs, t):
    """The polynomial in t with h_i = x_i - a_i and t = 1 (t = x - a for one variable), as a SymPy expression."""
    polynomial = sympy.sympify(polynomial)
    if len(center) == 1:
        ((name, a),) = center.items()
        return polynomial.subs(sympy.Symbol(t.name), sympy.Symbol(name, real=True) - sympy_of(a))
    return polynomial.subs({sympy.Symbol(h.name): sympy.Symbol(name, real=True) - sympy_of(center[name])
                            for name, h in hs.items()}).subs(sympy.Symbol(t.name), 1)


def run_sympy(text: str, center: dict[str, str], order: int):
    f = sympy_of(text)
    if len(center) == 1:
        ((name, a),) = center.items()
        return sympy.series(f, sympy.Symbol(name, real=True), sympy_of(a), order + 1).removeO()
    t = sympy.Symbol("t_")  # plain, as back() and SymEngine's results name it
    g, hs = moved(f, center, t, sympy)
    return back(sympy.series(g, t, 0, order + 1).removeO(), center, hs, t)


# SymEngine's results longer than this (as text) are not read back to be checked.
MAX_CHECKED_CHARS = 200_000


def symengine_child(text: str, center: dict[str, str], order: int, repeat: int, connection) -> None:
    """In a forked child: symengine.series on f(a + t*h) (built beforehand, untimed), best CPU time of `repeat`
    runs; sends (seconds, the result as SymPy text or None when too long, its length)."""
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    except (ImportError, ValueError, OSError):
        pass
    t = symengine.Symbol("t_")
    g, hs = moved(symengine.sympify(sympy_of(text)), center, t, symengine)
    best, result = math.inf, None
    for _ in range(repeat):
        result = None
        start = time.process_time()
        result = symengine.series(g, t, n=order + 1)
        best = min(best, time.process_time() - start)
    shown_result = str(result)
    checked = str(back(result, center, hs, t)) if len(shown_result) <= MAX_CHECKED_CHARS else None
    connection.send((best, checked, len(shown_result)))


def run_symengine(text: str, center: dict[str, str], order: int, repeat: int, cap: float):
    """(seconds, SymPy expression or None, status) of SymEngine's series, in a child process capped at `cap`."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=symengine_child, args=(text, center, order, repeat, sending))
    child.start()
    sending.close()
    if not receiving.poll(cap):
        child.kill()
        child.join()
        return cap, None, "timeout"
    try:
        seconds, checked, length = receiving.recv()
    except EOFError:  # the child died: out of memory, or a crash
        child.join()
        return None, None, f"failed (exit status {child.exitcode})"
    child.join()
    if checked is None:
        return seconds, None, f"{length} chars"
    return seconds, sympy.sympify(checked, locals={n: sympy.Symbol(n, real=True) for n in center}), "ok"


def cpu(function, repeat: int = 1, cap: float | None = None, before=None):
    """(best CPU seconds, value, status) of `repeat` runs, each capped at `cap` seconds."""
    best, value = math.inf, None
    for _ in range(repeat):
        value = None
        if before is not None:
            before()
        try:
            with time_limit(cap):
                start = time.process_time()
                value = function()
                elapsed = time.process_time() - start
        except SympyTimeout:
            return cap, None, "timeout"
        except Exception as error:  # noqa: BLE001 - failing on an input is a result to show
            return None, None, f"{type(error).__name__}: {error}"[:80]
        best = min(best, elapsed)
    return best, value, "ok"


def agrees(ours, theirs, center: dict[str, str], order: int, seed: int = 0) -> bool:
    """Equal values to 40 digits at order + 2 rational points near the centre."""
    mine = symdiff.to_sympy(ours.polynomial, real=True)
    symbols = sorted(mine.free_symbols | theirs.free_symbols, key=str)
    functions = [sympy.lambdify(symbols, side, modules="mpmath") for side in (mine, theirs)]
    rng = random.Random(seed)
    with mpmath.workdps(60):
        for _ in range(order + 2):
            point = [mpmath.mpf(sympy.N(sympy_of(center.get(s.name, "2")) + sympy.Rational(rng.randint(-40, 40), 97),
                                        70))
                     for s in symbols]
            a, b = (f(*point) for f in functions)
            if abs(a - b) > mpmath.mpf("1e-40") * max(1, abs(b)):
                return False
    return True


def shown(seconds, status: str = "ok") -> str:
    if status == "timeout" and seconds is not None:
        return f">{seconds:g} s"
    if seconds is None:
        return "error"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio_text(ratio: float) -> str:
    return f"{ratio:.0f}x" if ratio >= 10 else f"{ratio:.2g}x"


def load() -> str:
    try:
        return "load average " + " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "load average unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of symdiff and SymEngine (best taken)")
    parser.add_argument("--sympy-seconds", type=float, default=120.0, help="cap on each SymPy run")
    parser.add_argument("--symengine-seconds", type=float, default=30.0, help="cap on each SymEngine child")
    parser.add_argument("--only", default="", help="comma-separated case names (default: all)")
    options = parser.parse_args(argv)
    print(f"symdiff {symdiff.__version__}, SymPy {sympy.__version__}, SymEngine "
          f"{symengine.__version__ if symengine else 'not installed'}, Python {sys.version.split()[0]}; {load()}")
    taylor_polynomial(symdiff.parse("exp(sin(x))/(1 + x)"), {"x": "pi/4"}, 3)  # warm-up: FLINT, tables
    wanted = {name.strip() for name in options.only.split(",") if name.strip()}
    header = (f"{'case':28} {'order':>5} {'symdiff':>10} {'basic':>10} {'sympy':>10} {'symengine':>10} "
              f"{'sympy/sd':>9} {'sd/se':>7}  agree")
    print(header)
    print("-" * len(header))
    for name, text, center, order in CASES:
        if wanted and name not in wanted:
            continue
        f = symdiff.parse(text)
        seconds, ours, status = cpu(lambda f=f, c=center, n=order: taylor_polynomial(f, c, n), options.repeat)
        basic, _, _ = cpu(lambda f=f, c=center, n=order: taylor_polynomial(f, c, n, simplify_choice="basic"),
                          options.repeat)
        theirs_seconds, theirs, theirs_status = cpu(lambda t=text, c=center, n=order: run_sympy(t, c, n), 1,
                                                    options.sympy_seconds, before=clear_cache)
        checks = []
        if theirs is not None and ours is not None:
            checks.append("sympy " + ("yes" if agrees(ours, theirs, center, order) else "NO"))
        engine_seconds, engine_status = None, "not installed"
        if symengine is not None:
            engine_seconds, engine, engine_status = run_symengine(text, center, order, options.repeat,
                                                                  options.symengine_seconds)
            if engine is not None and ours is not None:
                checks.append("symengine " + ("yes" if agrees(ours, engine, center, order) else "NO"))
            elif engine_status != "ok":
                checks.append(f"symengine {engine_status}, not checked")
        ratio = "-" if not (seconds and theirs_seconds) else \
            f"{'>=' if theirs_status == 'timeout' else ''}{ratio_text(theirs_seconds / seconds)}"
        engine_ratio = "-" if not (seconds and engine_seconds) else \
            f"{'<=' if engine_status == 'timeout' else ''}{ratio_text(seconds / engine_seconds)}"
        print(f"{name:28} {order:>5} {shown(seconds, status):>10} {shown(basic):>10} "
              f"{shown(theirs_seconds, theirs_status):>10} {shown(engine_seconds, engine_status):>10} "
              f"{ratio:>9} {engine_ratio:>7}  {', '.join(checks) or '-'}", flush=True)
    print(f"{load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
