#!/usr/bin/env python3
"""symdiff, SymPy and SymEngine side by side: cold start, parse + differentiate, swell, memory (issue 9).

    python benchmarks/compare.py [--only coldstart,random,corpus,swell,twenty,memory] [--runs N]
                                 [--random N] [--seed S] [--corpus FILE] [--limit N] [--repeat R]
                                 [--sympy-seconds S] [--symdiff-seconds S] [--twenty EXPR]... [--nodes N]
                                 [--json FILE] [--profile [--profile-sort KEY]]

Run by hand, not by pytest. Every section runs the three libraries in the same process (or, for the cold
start and the memory, the same machine), one after the other, so that their ratios share the conditions of
one run; the figures are printed beside the targets of issue 9 and its reference figures.

  * coldstart: wall time of a fresh process (subprocess.run, perf_counter), median of --runs runs, the
    commands interleaved run by run after one untimed run each (whose output is shown): bare Python
    (`python -c pass`); the symdiff CLI `symdiff "3*x^2-4*x" --wrt x` from the directory of the running
    Python (its virtualenv), or, when that has no `symdiff` script, `python -m symdiff` with this checkout on
    PYTHONPATH; the SymPy one-liner `import sympy; x=sympy.Symbol('x'); print(sympy.diff(3*x**2-4*x, x))`;
    and the same with symengine.
  * random: --random N seeded random elementary expressions in x of 3 to 80 nodes (the generator of
    benchmarks/expressions.py, shared with simplify.py), given to each library as TEXT: symdiff reads
    symdiff.text(expr); SymPy reads symdiff.sympy_code(expr) (SymPy syntax, exact Rational(...)) with
    sympy.parse_expr, which evaluates the string with Python's eval: acceptable here because the strings are
    our own, generated just before; SymEngine reads symdiff.text(expr) with symengine.sympify (its parser
    reads ^, e, abs and the two-argument log as symdiff does). Per expression, CPU time (time.process_time),
    best of --repeat runs, the result of the previous run freed first:
      symdiff:   parse (symdiff.parse), diff (symdiff.diff(parsed, "x", simplify=False)) and
                 parse + diff + simplify (symdiff.diff(text, "x"), the CLI's default path);
      SymPy:     parse (parse_expr) and diff (sympy.diff), no simplification, its cache cleared
                 (sympy.core.cache.clear_cache) before every run, so that a repeat does not read the last
                 run's results back;
      SymEngine: parse (sympify) and diff (.diff), in a forked child process, so that an input on which
                 SymEngine crashes (it segfaults on some) is counted rather than ending the run.
    SymPy calls are capped at --sympy-seconds and symdiff's at --symdiff-seconds (symdiff.verify.time_limit):
    a SymPy timeout counts as the cap (a lower bound). Medians and p90s are taken over the expressions all
    three handled; the ratios are ratios of the medians (the per-expression ratios' median is shown too).
  * corpus: the same on the antiderivatives of --corpus (default rubi_textbook.jsonl in ../shared/corpus/,
    all its pairs or the first --limit, those with the imaginary unit I skipped), differentiated in the
    pair's "var" (as benchmarks/corpus.py reads them). There the three libraries read the same string, the
    corpus's own (Python syntax, ** for powers).
  * swell: the n-th derivative of exp(sin(x))*x^2/(1+x^2) for n = 1..12, each order from the previous one:
    symdiff simplifies every order (symdiff.simplify(symdiff.diff(previous, "x", simplify=False)), which is
    what symdiff.diff(f, "x", order=n) does); SymPy's and SymEngine's diff of their previous, unsimplified
    order, as the issue measured. Per order and cumulative CPU time (symdiff and SymEngine: per order the
    best of --repeat runs of the whole chain; SymPy one run, each order capped at --sympy-seconds, the chain
    stopped at a timeout) and the length of the result's text (symdiff.text; str() for the others).
  * twenty: the 20th derivative of each --twenty expression, parsed beforehand (symdiff.diff(f, "x",
    order=20), simplified at every order; sympy.diff(f, x, 20); SymEngine's f.diff(x, 20)), CPU time (best of
    --repeat; SymPy once, capped) and the length of its text. The defaults are two products of three elementary
    functions: x^3*exp(2*x)*sin(x), whose factors all have closed-form n-th derivatives, so that the exact
    answer is small (exp(2*x) times cubics times sin(x) and cos(x)) and what is measured is how well the
    21 Leibniz terms are collected; and exp(x)*sin(x)*log(x), whose log(x) factor gives a new power of 1/x
    at every order, so that the answer keeps growing. The results are compared at x = 0.7.
  * memory: a sum of seeded random expressions (the random section's generator and seed, joined with +)
    of at least --nodes tree nodes (default 10,000; a shared part counts each time it occurs) is written
    as text to a fresh Python process that imports only symdiff, parses the text and differentiates it in x
    as symdiff.diff(text, "x") does, in its three steps (simplify f, differentiate, simplify f'); it reports
    its peak resident set size (absolute, nothing subtracted) after starting, after importing symdiff, after
    a warm-up derivative (the grammar and FLINT loaded), and after each step. On Linux the peak is VmHWM of
    /proc/self/status, the high-water mark that ru_maxrss reports but of the worker's own address space:
    ru_maxrss keeps the peak of the process that started the worker across its fork and exec.
With --profile, cProfile runs over the random section's symdiff part (symdiff.diff(text, "x") on each
random expression, once) and the top 25 entries are printed, by --profile-sort (default cumulative).
With --json FILE, the raw numbers (every expression's times, every run of the cold start) are saved.
Progress goes to stderr. The machine's load average is printed at the start and the end: the timings are
only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import multiprocessing
import os
import pstats
import re
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

import symdiff  # noqa: E402
from corpus_pairs import CORPUS, find, pairs_without_i  # noqa: E402  (benchmarks/corpus_pairs.py)
from expressions import RandomExpressions  # noqa: E402  (benchmarks/expressions.py: the seeded generator)
from symdiff.core.traversal import tree_size  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

try:
    import symengine
except ImportError:  # the comparison runs without it, and says so
    symengine = None

DEFAULT_CORPUS = "rubi_textbook.jsonl"
SECTIONS = ("coldstart", "random", "corpus", "swell", "twenty", "memory")

# The targets of issue 9.
TARGET_COLD_SECONDS = 0.1      # symdiff CLI, median wall time
TARGET_COLD_VS_SYMPY = 5.0     # SymPy one-liner / symdiff CLI, at least
TARGET_COLD_VS_SYMENGINE = 2.0  # symdiff CLI / SymEngine one-liner, at most
TARGET_VS_SYMPY = 10.0         # SymPy parse + diff / symdiff parse + diff + simplify, at least
TARGET_VS_SYMENGINE = 10.0     # symdiff parse + diff + simplify / SymEngine parse + diff, at most
TARGET_SWELL_SECONDS = 1.0     # 12th derivative, simplified, cumulative
TARGET_SWELL_CHARS = 22591     # SymPy's 12th derivative (unsimplified), characters
TARGET_MEMORY_MB = 50.0        # peak RSS with a 10,000-node expression and its derivative

# The issue's reference figures (its machine).
REFERENCE_RANDOM = "SymPy parse 4.5 ms, diff 17 ms; SymEngine parse + diff 0.14 ms (medians, CPU time)"
REFERENCE_COLD = "SymPy one-liner 0.49 s, SymEngine's 0.057 s, bare Python 0.019 s"
REFERENCE_SWELL = ("SymPy 5.7 s in all, 22,591 characters; SymEngine 0.01 s; "
                   "sympy.simplify not done with the 7th in 20 s")

COLD_EXPRESSION = "3*x^2-4*x"
SWELL_FUNCTION = "exp(sin(x))*x^2/(1+x^2)"
SWELL_ORDERS = 12
TWENTY_DEFAULT = ["x^3*exp(2*x)*sin(x)", "exp(x)*sin(x)*log(x)"]
CHECK_POINT = 0.7


# ---- timing ----------------------------------------------------------------------------------------------

@dataclass
class Timed:
    seconds: float | None = None   # best CPU time (the cap after a timeout), None after an error
    value: object = None
    status: str = "ok"             # ok, timeout, error, crash
    error: str = ""


def cpu(function, repeat: int = 1, cap: float | None = None, before=None) -> Timed:
    """Best CPU time of `repeat` runs of function(), each capped at `cap` seconds (no repeat after a timeout);
    `before()` runs untimed before each run. The previous run's result is freed before the next run, so that
    the nodes it built (and anything cached on them) are not reused."""
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
            return Timed(cap, None, "timeout", f"over {cap:g} s")
        except RecursionError as error:
            return Timed(None, None, "error", f"RecursionError: {error}"[:200])
        except Exception as error:  # noqa: BLE001 - failing on an input is a result to count
            return Timed(None, None, "error", f"{type(error).__name__}: {error}"[:200])
        best = min(best, elapsed)
    return Timed(best, value)


def quantile(values, q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def shown(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.3f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- cold start ------------------------------------------------------------------------------------------

def one_liner(module: str) -> str:
    return f"import {module}; x={module}.Symbol('x'); print({module}.diff(3*x**2-4*x, x))"


def cold_commands() -> list:
    """(name, argv, extra environment) of each cold-start command."""
    python = sys.executable
    script = Path(python).parent / "symdiff"
    if script.exists():
        cli, env = [str(script), COLD_EXPRESSION, "--wrt", "x"], {}
    else:
        cli, env = [python, "-m", "symdiff", COLD_EXPRESSION, "--wrt", "x"], {"PYTHONPATH": str(ROOT)}
    commands = [("python", [python, "-c", "pass"], {}), ("symdiff", cli, env),
                ("sympy", [python, "-c", one_liner("sympy")], {})]
    if symengine is not None:
        commands.append(("symengine", [python, "-c", one_liner("symengine")], {}))
    return commands


def command_line(argv) -> str:
    """The command as one would type it (for display: arguments with spaces or * in double quotes)."""
    return " ".join(a if re.fullmatch(r"[\w./=:,-]+", a) else f'"{a}"' for a in argv)


def wall(argv, env) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def coldstart(options) -> dict:
    print(f"\n=== cold start: wall time of a fresh process, median of {options.runs} runs, interleaved ===")
    commands = []
    for name, argv, extra in cold_commands():
        # Byte code is cached as an installed package's is (pip compiles it): a PYTHONDONTWRITEBYTECODE in the
        # environment would make every run of a checkout compile symdiff's source again (30 ms here). The
        # first run below, not timed, writes the cache.
        env = {k: v for k, v in {**os.environ, **extra}.items() if k != "PYTHONDONTWRITEBYTECODE"}
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        prefix = "".join(f"{k}={v} " for k, v in extra.items())
        output = (done.stdout.strip() or done.stderr.strip())[:100]
        print(f"  {name:9} {prefix}{command_line(argv)}\n  {'':9} -> {output}")
        if done.returncode == 0:
            commands.append((name, argv, env))
    runs = {name: [] for name, _, _ in commands}
    for i in range(options.runs):
        for name, argv, env in commands:
            runs[name].append(wall(argv, env))
        progress(f"  cold start run {i + 1}/{options.runs}")
    medians = {name: statistics.median(times) for name, times in runs.items()}
    bare = medians.get("python", 0.0)
    print(f"  {'':9} {'median':>9} {'min':>9} {'p90':>9} {'- python':>9}")
    for name, times in runs.items():
        print(f"  {name:9} {shown(medians[name]):>9} {shown(min(times)):>9} {shown(quantile(times, 0.9)):>9} "
              f"{shown(medians[name] - bare):>9}")
    print(f"  issue's figures: {REFERENCE_COLD}")
    ours = medians.get("symdiff")
    if ours:
        print(f"  target: symdiff CLI median <= {TARGET_COLD_SECONDS:g} s: {shown(ours)} "
              f"[{verdict(ours <= TARGET_COLD_SECONDS)}]")
        if "sympy" in medians:
            ratio = medians["sympy"] / ours
            print(f"  target: SymPy one-liner / symdiff >= {TARGET_COLD_VS_SYMPY:g}x: {ratio:.2f}x "
                  f"[{verdict(ratio >= TARGET_COLD_VS_SYMPY)}]")
        if "symengine" in medians:
            ratio = ours / medians["symengine"]
            print(f"  target: symdiff / SymEngine one-liner <= {TARGET_COLD_VS_SYMENGINE:g}x: {ratio:.2f}x "
                  f"[{verdict(ratio <= TARGET_COLD_VS_SYMENGINE)}]")
    return {"commands": {name: argv for name, argv, _ in commands}, "runs": runs, "medians": medians}


# ---- parse + differentiate, per expression -----------------------------------------------------------------

@dataclass
class Case:
    name: str
    text: str          # read by symdiff
    sympy_text: str    # read by sympy.parse_expr
    symengine_text: str
    var: str = "x"
    nodes: int = 0


@dataclass
class Row:
    name: str
    nodes: int
    times: dict = field(default_factory=dict)   # stage -> CPU seconds (None: failed)
    errors: dict = field(default_factory=dict)  # stage -> status and message, where not ok


# Stages timed per expression, and sums of stages shown as their own lines.
STAGES = ["symdiff parse", "symdiff diff", "symdiff all", "sympy parse", "sympy diff", "symengine parse",
          "symengine diff"]
TOTALS = {"sympy parse+diff": ("sympy parse", "sympy diff"),
          "symengine parse+diff": ("symengine parse", "symengine diff"),
          "symdiff parse+diff": ("symdiff parse", "symdiff diff")}
LABELS = {"symdiff all": "symdiff parse+diff+simplify"}


def random_cases(count: int, seed: int) -> list:
    generator = RandomExpressions(seed)
    cases = []
    for i in range(count):
        expr, _ = generator.expression()
        text = symdiff.text(expr)
        cases.append(Case(f"random-{i}", text, symdiff.sympy_code(expr), text, "x", tree_size(expr)))
    return cases


def corpus_cases(path: Path, limit: int | None) -> tuple:
    """(Cases, number of pairs skipped for I) for the first `limit` pairs of a corpus file."""
    rows, skipped = pairs_without_i(path, limit)
    return [Case(row["id"], row["antiderivative"], row["antiderivative"], row["antiderivative"],
                 row.get("var", "x")) for row in rows], skipped


def record(row: Row, stage: str, timed: Timed):
    row.times[stage] = timed.seconds
    if timed.status != "ok":
        row.errors[stage] = f"{timed.status}: {timed.error}"
    return timed.value


def measure(case: Case, options) -> Row:
    row = Row(case.name, case.nodes)
    repeat, ours_cap, sympy_cap = options.repeat, options.symdiff_seconds, options.sympy_seconds
    parsed = record(row, "symdiff parse", cpu(lambda: symdiff.parse(case.text), repeat, ours_cap))
    if parsed is not None:
        if not row.nodes:
            row.nodes = tree_size(parsed)
        record(row, "symdiff diff", cpu(lambda: symdiff.diff(parsed, case.var, simplify=False), repeat, ours_cap))
    record(row, "symdiff all", cpu(lambda: symdiff.diff(case.text, case.var), repeat, ours_cap))

    x = sympy.Symbol(case.var)
    theirs = record(row, "sympy parse", cpu(lambda: sympy.parse_expr(case.sympy_text), repeat, sympy_cap,
                                            before=clear_cache))
    if theirs is not None:
        record(row, "sympy diff", cpu(lambda: sympy.diff(theirs, x), repeat, sympy_cap, before=clear_cache))

    if symengine is not None:
        for stage, timed in ISOLATED(symengine_times, case.symengine_text, case.var, repeat).items():
            record(row, stage, timed)
    return row


def symengine_times(text: str, var: str, repeat: int) -> dict:
    """{stage: Timed} of SymEngine's parse and diff of `text` (without the values, which stay in the process
    that ran it)."""
    y = symengine.Symbol(var)
    parse = cpu(lambda: symengine.sympify(text), repeat, 60)
    times = {"symengine parse": parse}
    if parse.value is not None:
        times["symengine diff"] = cpu(lambda: parse.value.diff(y), repeat, 60)
    for timed in times.values():
        timed.value = None
    return times


class Isolated:
    """Runs a function in a forked child process, so that a crash is a result rather than the end of the run:
    SymEngine 0.15 segfaults on some inputs (building sign((-x)**(3/2)), in random-190 of seed 0)."""

    def __init__(self):
        self.pool = None

    def __call__(self, function, *args) -> dict:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        try:
            return self.pool.submit(function, *args).result()
        except BrokenProcessPool:
            self.pool.shutdown(wait=True)
            self.pool = None
            return {"symengine parse": Timed(None, None, "crash", "the process died (parse or diff)")}


ISOLATED = Isolated()


def total(row: Row, parts) -> float | None:
    """The sum of the stages' times; a timeout ends the sum there (a parse that timed out counts as the cap
    for parse + diff); None when a stage failed."""
    seconds = 0.0
    for stage in parts:
        if row.times.get(stage) is None:
            return None
        seconds += row.times[stage]
        if row.errors.get(stage, "").startswith("timeout"):
            break
    return seconds


def compared(rows: list) -> tuple:
    """(rows every library handled, with the totals filled in; {reason: rows} of the others). A SymPy
    timeout counts as handled, with the cap as its time."""
    kept, left_out = [], {}
    needed = ["symdiff all", *(t for t in TOTALS if symengine is not None or not t.startswith("symengine"))]
    for row in rows:
        for name, parts in TOTALS.items():
            row.times[name] = total(row, parts)
        failed = [stage for stage in needed if row.times.get(stage) is None]
        if failed:
            stage = next((s for s in STAGES if s in row.errors), failed[0])
            reason = f"{stage}: {row.errors.get(stage, 'failed')}"[:90]
            left_out.setdefault(reason, []).append(row)
            continue
        kept.append(row)
    return kept, left_out


def summarize(rows: list, options) -> dict:
    kept, left_out = compared(rows)
    timeouts = sum(any(e.startswith("timeout") for e in r.errors.values()) for r in kept)
    print(f"  {len(kept)} of {len(rows)} expressions measured by all three; SymPy timeouts ({options.sympy_seconds:g}"
          f" s, counted as the cap): {timeouts}")
    for reason, which in sorted(left_out.items(), key=lambda item: -len(item[1])):
        print(f"    left out {len(which)}: {reason} (e.g. {which[0].name})")
    if not kept:
        return {}
    nodes = [r.nodes for r in kept]
    print(f"  nodes (tree): median {statistics.median(nodes):g}, p90 {quantile(nodes, 0.9):g}, max {max(nodes)}")
    print(f"  CPU time per expression (best of {options.repeat})    median        p90")
    medians = {}
    order = ["symdiff parse", "symdiff diff", "symdiff parse+diff", "symdiff all", "sympy parse", "sympy diff",
             "sympy parse+diff", "symengine parse", "symengine diff", "symengine parse+diff"]
    for stage in order:
        values = [r.times[stage] for r in kept if r.times.get(stage) is not None]
        if not values:
            continue
        medians[stage] = statistics.median(values)
        print(f"    {LABELS.get(stage, stage):34} {shown(medians[stage]):>10} {shown(quantile(values, 0.9)):>10}")
    print(f"  issue's figures (random expressions): {REFERENCE_RANDOM}")
    figures = {"count": len(kept), "medians": medians}
    ours = medians["symdiff all"]
    ratio = medians["sympy parse+diff"] / ours
    per = [r.times["sympy parse+diff"] / max(r.times["symdiff all"], 1e-9) for r in kept]
    print(f"  target: SymPy parse+diff / symdiff parse+diff+simplify >= {TARGET_VS_SYMPY:g}x: {ratio:.1f}x "
          f"[{verdict(ratio >= TARGET_VS_SYMPY)}]  (per expression: median {statistics.median(per):.1f}x, "
          f"p10 {quantile(per, 0.1):.1f}x)")
    figures["vs_sympy"] = ratio
    if "symengine parse+diff" in medians:
        ratio = ours / medians["symengine parse+diff"]
        per = [r.times["symdiff all"] / max(r.times["symengine parse+diff"], 1e-9) for r in kept]
        print(f"  target: symdiff parse+diff+simplify / SymEngine parse+diff <= {TARGET_VS_SYMENGINE:g}x: "
              f"{ratio:.1f}x [{verdict(ratio <= TARGET_VS_SYMENGINE)}]  (per expression: median "
              f"{statistics.median(per):.1f}x, p90 {quantile(per, 0.9):.1f}x)")
        figures["vs_symengine"] = ratio
    unsimplified = medians["sympy parse+diff"] / medians["symdiff parse+diff"]
    print(f"  without simplification: SymPy parse+diff / symdiff parse+diff = {unsimplified:.1f}x")
    slowest = sorted(kept, key=lambda r: r.times["symdiff all"], reverse=True)[:3]
    print("  slowest for symdiff: " + ", ".join(f"{r.name} ({r.nodes} nodes) {shown(r.times['symdiff all'])}"
                                              for r in slowest))
    return figures


def per_expression(title: str, cases: list, options) -> dict:
    print(f"\n=== {title} ===")
    warm_up()
    rows = []
    started = time.time()
    for i, case in enumerate(cases):
        rows.append(measure(case, options))
        if (i + 1) % 25 == 0 or i + 1 == len(cases):
            progress(f"  [{title.split(':')[0]} {i + 1}/{len(cases)}] {time.time() - started:.0f} s")
    figures = summarize(rows, options)
    return {"figures": figures, "rows": [asdict(r) for r in rows]}


def warm_up() -> None:
    """Load what each library loads on first use (symdiff's grammar and FLINT, SymPy's parser), untimed."""
    symdiff.diff("x^2*exp(x)/(1 + x) + sin(x)^2", "x")
    sympy.diff(sympy.parse_expr("x**2*exp(x)/(1 + x) + sin(x)**2"), sympy.Symbol("x"))
    if symengine is not None:
        symengine.sympify("x^2*exp(x)/(1 + x)").diff(symengine.Symbol("x"))


# ---- swell and the 20th derivative -------------------------------------------------------------------------

def chain(step, start, orders: int, cap: float | None) -> list:
    """[(CPU seconds, result)] of orders 1..`orders`, each step(previous); stops at a timeout or an error."""
    out, previous = [], start
    for _ in range(orders):
        timed = cpu(lambda: step(previous), 1, cap)
        if timed.status != "ok":
            break
        previous = timed.value
        out.append((timed.seconds, previous))
    return out


def best_chain(step, start, orders: int, repeat: int, cap: float | None = None) -> list:
    """[(best CPU seconds of the order over `repeat` chains, result)]."""
    runs = [chain(step, start, orders, cap) for _ in range(repeat)]
    shortest = min(len(run) for run in runs)
    return [(min(run[i][0] for run in runs), runs[-1][i][1]) for i in range(shortest)]


def symdiff_step(previous):
    return symdiff.simplify(symdiff.diff(previous, "x", simplify=False))


def value_at(result, library: str) -> float | None:
    """The value of a result at x = CHECK_POINT, or None if it cannot be computed."""
    try:
        if library == "symdiff":
            return float(symdiff.evaluate(result, {"x": CHECK_POINT}, exact=False))
        if library == "symengine":
            result = sympy.sympify(str(result))
        return float(result.subs(sympy.Symbol("x"), CHECK_POINT).evalf(30))
    except Exception:  # noqa: BLE001 - an unchecked result is shown as such
        return None


def agreement(values: dict) -> str:
    """'agree' when all the values at x = CHECK_POINT are within 1e-8 relative of symdiff's."""
    ours = values.get("symdiff")
    if ours is None:
        return "not checked"
    others = {k: v for k, v in values.items() if k != "symdiff"}
    wrong = [k for k, v in others.items() if v is None or abs(v - ours) > 1e-8 * max(1.0, abs(ours))]
    return f"agree at x = {CHECK_POINT}" if not wrong else f"DIFFER at x = {CHECK_POINT}: {values}"


def swell(options) -> dict:
    print(f"\n=== swell: d^n/dx^n {SWELL_FUNCTION}, n = 1..{SWELL_ORDERS}, each order from the previous ===")
    x = sympy.Symbol("x")
    libraries = {"symdiff": best_chain(symdiff_step, symdiff.simplify(SWELL_FUNCTION), SWELL_ORDERS,
                                       options.repeat, options.symdiff_seconds)}
    progress("  swell: symdiff done")
    clear_cache()
    libraries["sympy"] = chain(lambda e: sympy.diff(e, x), sympy.parse_expr(SWELL_FUNCTION.replace("^", "**")),
                               SWELL_ORDERS, options.sympy_seconds)
    progress("  swell: sympy done")
    if symengine is not None:
        y = symengine.Symbol("x")
        libraries["symengine"] = best_chain(lambda e: e.diff(y), symengine.sympify(SWELL_FUNCTION), SWELL_ORDERS,
                                            options.repeat)
    text = {"symdiff": symdiff.text}
    names = list(libraries)
    print(f"  CPU time (symdiff, SymEngine: best of {options.repeat} chains; SymPy: one, each order capped at "
          f"{options.sympy_seconds:g} s) and characters of the result")
    print("   n | " + " | ".join(f"{name:>9} {'cumul.':>9} {'chars':>7}" for name in names))
    table, totals = [], {name: 0.0 for name in names}
    for n in range(1, SWELL_ORDERS + 1):
        cells, entry = [], {"n": n}
        for name in names:
            run = libraries[name]
            if n > len(run):
                cells.append(f"{'-':>9} {'-':>9} {'-':>7}")
                continue
            seconds, result = run[n - 1]
            totals[name] += seconds
            chars = len(text.get(name, str)(result))
            entry[name] = {"seconds": seconds, "cumulative": totals[name], "chars": chars}
            cells.append(f"{shown(seconds):>9} {shown(totals[name]):>9} {chars:>7}")
        table.append(entry)
        print(f"  {n:>2} | " + " | ".join(cells))
    last = {name: run[-1][1] for name, run in libraries.items() if len(run) == SWELL_ORDERS}
    print(f"  order {SWELL_ORDERS}: " + agreement({name: value_at(r, name) for name, r in last.items()}))
    print(f"  issue's figures: {REFERENCE_SWELL}")
    ours = table[-1].get("symdiff")
    if ours:
        print(f"  target: order {SWELL_ORDERS} simplified in under {TARGET_SWELL_SECONDS:g} s (cumulative): "
              f"{shown(ours['cumulative'])} [{verdict(ours['cumulative'] < TARGET_SWELL_SECONDS)}]")
        theirs = table[-1].get("sympy", {}).get("chars")
        print(f"  target: shorter than SymPy's {TARGET_SWELL_CHARS:,} characters: {ours['chars']:,} "
              f"[{verdict(ours['chars'] < TARGET_SWELL_CHARS)}]"
              + (f" (SymPy's in this run: {theirs:,})" if theirs else ""))
    return {"table": table}


def twenty(options) -> dict:
    print("\n=== twenty: the 20th derivative of a product of three elementary functions ===")
    x = sympy.Symbol("x")
    out = {}
    for expression in options.twenty:
        parsed = symdiff.parse(expression)
        timed = {"symdiff": cpu(lambda: symdiff.diff(parsed, "x", order=20), options.repeat,
                                options.symdiff_seconds)}
        clear_cache()
        theirs = sympy.parse_expr(symdiff.sympy_code(parsed))
        timed["sympy"] = cpu(lambda: sympy.diff(theirs, x, 20), 1, options.sympy_seconds)
        if symengine is not None:
            engine, y = symengine.sympify(expression), symengine.Symbol("x")
            timed["symengine"] = cpu(lambda: engine.diff(y, 20), options.repeat)
        print(f"  d^20/dx^20 {expression}")
        row = {}
        for name, result in timed.items():
            chars = len(symdiff.text(result.value) if name == "symdiff" else str(result.value)) \
                if result.value is not None else None
            row[name] = {"seconds": result.seconds, "chars": chars, "status": result.status}
            print(f"    {name:9} {shown(result.seconds) if result.status == 'ok' else result.status:>10} "
                  f"{chars if chars is not None else '-':>7} characters")
        ours = timed["symdiff"].value
        if ours is not None:
            print(f"    symdiff: {symdiff.text(ours)[:300]}{' ...' if len(symdiff.text(ours)) > 300 else ''}")
        print("    " + agreement({name: value_at(r.value, name) for name, r in timed.items() if r.value is not None}))
        out[expression] = row
    return out


# ---- memory ------------------------------------------------------------------------------------------------

# Runs in a fresh process that imports nothing but symdiff: peak RSS (MB) at each stage, as JSON on stdout.
# On Linux the peak is VmHWM of /proc/self/status: ru_maxrss would carry over the peak of the benchmark's own
# process (SymPy loaded), which the kernel keeps across the fork and exec that start the worker.
MEMORY_WORKER = """
import json, resource, sys, time
def peak():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 2**10
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
text = sys.stdin.read()
stages = [("started", peak())]
import symdiff
from symdiff.core.traversal import subexpressions, tree_size
stages.append(("import symdiff", peak()))
symdiff.diff("x^2*exp(x)/(1 + x) + sin(x)^2", "x")
stages.append(("warm-up derivative", peak()))
start = time.process_time()
f = symdiff.parse(text)
stages.append(("parsed", peak()))
g = symdiff.simplify(f)
stages.append(("f simplified", peak()))
raw = symdiff.diff(g, "x", simplify=False)
stages.append(("differentiated", peak()))
d = symdiff.simplify(raw)
seconds = time.process_time() - start
stages.append(("derivative simplified", peak()))
print(json.dumps({"stages": stages, "seconds": seconds, "nodes": tree_size(f), "distinct": len(subexpressions(f)),
                  "derivative_nodes": tree_size(d), "derivative_distinct": len(subexpressions(d)),
                  "chars": len(text), "derivative_chars": len(symdiff.text(d)),
                  "sympy_loaded": "sympy" in sys.modules}))
"""


def big_expression(nodes: int, seed: int) -> tuple:
    """(text, number of terms): seeded random expressions joined with + until the sum has `nodes` tree nodes."""
    generator = RandomExpressions(seed)
    terms, estimate = [], 0
    while True:
        while estimate < nodes:
            expr, _ = generator.expression()
            terms.append(symdiff.text(expr))
            estimate += tree_size(expr)
        text = " + ".join(terms)
        size = tree_size(symdiff.parse(text))  # the parser flattens sums: count the whole
        if size >= nodes:
            return text, len(terms)
        estimate = size


def memory(options) -> dict:
    print(f"\n=== memory: a {options.nodes:,}-node expression and its derivative, in a fresh process ===")
    text, terms = big_expression(options.nodes, options.seed)
    done = subprocess.run([sys.executable, "-c", MEMORY_WORKER], input=text, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=max(600, options.symdiff_seconds))
    if done.returncode != 0:
        print(f"  the worker failed: {done.stderr.strip()[-500:]}")
        return {"error": done.stderr[-2000:]}
    report = json.loads(done.stdout)
    print(f"  f: a sum of {terms} random expressions (seed {options.seed}): {report['nodes']:,} tree nodes "
          f"({report['distinct']:,} distinct), {report['chars']:,} characters")
    print(f"  f': {report['derivative_nodes']:,} tree nodes ({report['derivative_distinct']:,} distinct), "
          f"{report['derivative_chars']:,} characters; parse + diff + simplify {report['seconds']:.2f} s CPU")
    print("  peak resident set size (VmHWM, or ru_maxrss where there is no /proc) after:")
    for stage, megabytes in report["stages"]:
        print(f"    {stage:26} {megabytes:7.1f} MB")
    if report["sympy_loaded"]:
        print("  (SymPy was imported in the worker: the figures include it)")
    peak = report["stages"][-1][1]
    baseline = dict(report["stages"])["import symdiff"]
    print(f"  target: peak RSS under {TARGET_MEMORY_MB:g} MB: {peak:.1f} MB [{verdict(peak < TARGET_MEMORY_MB)}] "
          f"(importing symdiff alone: {baseline:.1f} MB)")
    return report


# ---- profile -----------------------------------------------------------------------------------------------

def profile(cases: list, options) -> None:
    print(f"\n=== profile: symdiff.diff(text, var) over {len(cases)} random expressions (cProfile, "
          f"top 25 by {options.profile_sort}) ===")
    warm_up()
    profiler = cProfile.Profile()
    profiler.enable()
    for case in cases:
        try:
            symdiff.diff(case.text, case.var)
        except symdiff.SymdiffError:
            pass
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(options.profile_sort).print_stats(25)


# ---- main --------------------------------------------------------------------------------------------------

def revision() -> str:
    """The checkout's commit (with + when the working tree has changes), for the record."""
    try:
        def git(*arguments):
            return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "an unknown commit"
    return f"commit {commit}{'+' if dirty else ''}" if commit else "an unknown commit"


def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--runs", type=int, default=15, help="cold start: processes per command (default 15)")
    parser.add_argument("--random", type=int, default=200, help="number of random expressions (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random expressions (default 0)")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus file (path or name in ../shared/corpus)")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N corpus pairs (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement, best kept (default 3)")
    parser.add_argument("--sympy-seconds", type=float, default=20.0, help="cap per SymPy call (default 20)")
    parser.add_argument("--symdiff-seconds", type=float, default=60.0, help="cap per symdiff call (default 60)")
    parser.add_argument("--twenty", action="append", metavar="EXPR",
                        help=f"expression for the 20th derivative; repeat for several (default: "
                             f"{' and '.join(TWENTY_DEFAULT)})")
    parser.add_argument("--nodes", type=int, default=10000,
                        help="memory: tree nodes of the expression (default 10000)")
    parser.add_argument("--json", metavar="FILE", help="save the raw numbers to FILE")
    parser.add_argument("--profile", action="store_true",
                        help="profile symdiff's parse + diff + simplify over the random expressions")
    parser.add_argument("--profile-sort", default="cumulative", help="pstats sort key (default cumulative)")
    options = parser.parse_args(argv)
    options.sections = [s.strip() for s in options.only.split(",") if s.strip()]
    unknown = set(options.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}: choose from {', '.join(SECTIONS)}")
    options.twenty = options.twenty or TWENTY_DEFAULT
    return options


def main(argv=None) -> int:
    options = parse_arguments(argv)
    print(f"symdiff {symdiff.__version__} at {revision()}, SymPy {sympy.__version__}, SymEngine "
          f"{symengine.__version__ if symengine else 'not installed'}, Python {sys.version.split()[0]}; {load()}")
    results = {"options": {k: v for k, v in vars(options).items()}}
    started = time.time()
    random_set = None
    if "random" in options.sections or options.profile:
        random_set = random_cases(options.random, options.seed)
    for section in SECTIONS:
        if section not in options.sections:
            continue
        if section == "coldstart":
            results[section] = coldstart(options)
        elif section == "random":
            results[section] = per_expression(f"random: {len(random_set)} seeded random expressions, "
                                              f"3-80 nodes (seed {options.seed})", random_set, options)
        elif section == "corpus":
            path = find(options.corpus)
            if path is None:  # the other sections still run: ../shared may be absent from a lone checkout
                print(f"\n=== corpus: skipped: no corpus file {options.corpus!r} (looked in . and {CORPUS}) ===")
                continue
            cases, skipped = corpus_cases(path, options.limit)
            results[section] = per_expression(f"corpus: antiderivatives of {path.name}, {len(cases)} pairs "
                                              f"({skipped} with I skipped)", cases, options)
        elif section == "swell":
            results[section] = swell(options)
        elif section == "twenty":
            results[section] = twenty(options)
        elif section == "memory":
            results[section] = memory(options)
    if options.profile:
        profile(random_set, options)
    print(f"\ntotal run time {time.time() - started:.0f} s; {load()}")
    if options.json:
        with open(options.json, "w") as handle:
            json.dump(results, handle, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
