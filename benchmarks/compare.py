#!/usr/bin/env python3
"""symdiff, SymPy, SymEngine and Maxima side by side: cold start, parse + differentiate, swell, memory (issues 9, 21).

    python benchmarks/compare.py [--only coldstart,random,corpus,swell,twenty,memory] [--runs N]
                                 [--random N] [--seed S] [--corpus FILE] [--limit N] [--repeat R]
                                 [--sympy-seconds S] [--symdiff-seconds S] [--twenty EXPR]... [--nodes N]
                                 [--maxima auto|off] [--maxima-seconds S]
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
Maxima (issue 21, item 4: a peer that simplifies), where a `maxima` command is on PATH (Debian's package
`maxima`) and --maxima is auto (the default; without it the corpus and swell sections say so and go on):
  * corpus: each antiderivative, converted as benchmarks/simplify.py converts (its maxima_text, from the SymPy
    form of symdiff's reading), is given to diff in its variable and the result to ratsimp, 25 expressions per
    `maxima --very-quiet --batch-string` process (a batch over its time, --maxima-seconds per expression, is
    redone one expression per process); each call is timed inside Maxima, CPU time (user + system, read from
    /proc/self/stat: Maxima's elapsed_run_time leaves out the system time, a fifth of its CPU time here), and a
    call under 0.05 s is repeated in a loop for 0.05 s (the clock ticks every 10 ms) and the mean kept. Printed,
    on the expressions symdiff and Maxima both did: medians, p90s and totals of symdiff's parse + diff +
    simplify, Maxima's diff, ratsimp and diff + ratsimp (and SymPy's and SymEngine's parse + diff there), the
    ratio symdiff / Maxima beside issue 21's target (below 1), and how often Maxima's result is shorter or
    longer than symdiff's simplified derivative, in characters of symdiff.text (Maxima's result read back
    into symdiff with simplify.py's from_maxima, %e^u as exp(u), so that both are printed alike; its own 1-D
    output's length is shown too), and whether its value agrees with symdiff's (simplify.py's check_values).
  * swell: in one process, best of --repeat chains, Maxima's diff of its previous order (a column of the
    table, beside SymPy's and SymEngine's unsimplified diffs), then ratsimp of its 12th; and ratsimp(diff(
    previous)) at every order, as symdiff simplifies every order. Printed beside issue 21's targets: the
    12th derivative simplified in under 0.3 s and shorter than Maxima's ratsimp result (both printed by
    symdiff.text).
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
import shutil
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
from simplify import NoMaxima, check_values, from_maxima, maxima_text  # noqa: E402  (benchmarks/simplify.py)
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
# The targets of issue 21 (item 4), against Maxima.
TARGET_SWELL21_SECONDS = 0.3   # 12th derivative, simplified, cumulative; and shorter than Maxima's ratsimp
TARGET_VS_MAXIMA = 1.0         # symdiff parse + diff + simplify / Maxima diff + ratsimp (corpus), below

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
    result: str = ""   # symdiff's simplified derivative (symdiff.text), compared with Maxima's
    maxima: dict = field(default_factory=dict)  # Maxima's times, sizes and status (corpus, where it ran)


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
    ours = record(row, "symdiff all", cpu(lambda: symdiff.diff(case.text, case.var), repeat, ours_cap))
    if ours is not None:
        row.result = symdiff.text(ours)

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


def per_expression(title: str, cases: list, options, maxima: bool = False) -> dict:
    print(f"\n=== {title} ===")
    warm_up()
    rows = []
    started = time.time()
    for i, case in enumerate(cases):
        rows.append(measure(case, options))
        if (i + 1) % 25 == 0 or i + 1 == len(cases):
            progress(f"  [{title.split(':')[0]} {i + 1}/{len(cases)}] {time.time() - started:.0f} s")
    figures = summarize(rows, options)
    out = {"figures": figures}
    if maxima:
        if maxima_skipped(options):
            print(f"  Maxima: {maxima_skipped(options)}")
        else:
            maxima_corpus(cases, rows, options)
            out["maxima"] = summarize_maxima(rows, options, options.maxima_version)
    out["rows"] = [asdict(r) for r in rows]
    return out


def maxima_skipped(options) -> str:
    """Why Maxima does not run ('' when it does)."""
    if options.maxima == "off":
        return "off (--maxima off): skipped"
    if options.maxima_version is None:
        return "not installed (no `maxima` on PATH; Debian: apt-get install maxima): skipped"
    return ""


def warm_up() -> None:
    """Load what each library loads on first use (symdiff's grammar and FLINT, SymPy's parser), untimed."""
    symdiff.diff("x^2*exp(x)/(1 + x) + sin(x)^2", "x")
    sympy.diff(sympy.parse_expr("x**2*exp(x)/(1 + x) + sin(x)**2"), sympy.Symbol("x"))
    if symengine is not None:
        symengine.sympify("x^2*exp(x)/(1 + x)").diff(symengine.Symbol("x"))


# ---- Maxima (issue 21, item 4) -----------------------------------------------------------------------------

# A peer that simplifies: Maxima's diff, then ratsimp. Expressions reach it as simplify.py sends them (its
# maxima_text, from the SymPy form of symdiff's reading: symbols prefixed s_, %e, %pi) and come back through its
# from_maxima; the batches, the time cap and the redo of a failed batch one expression at a time are its too.
# The times are taken inside Maxima around each call, so that neither the process start nor the reading of the
# input counts, as CPU time, user + system like time.process_time: cpu_() reads utime + stime from
# /proc/self/stat (elsewhere it falls back on get-internal-run-time). Maxima's own elapsed_run_time is GCL's
# get-internal-run-time, which counts user time only: it missed the 20-25% of the CPU time that Debian's GCL
# Maxima spent in the kernel in loops of diff measured here. Both tick every 10 ms, so a call that took under
# MAXIMA_LOOP seconds is run again, in rounds of 1, 2, 4, ... calls between two readings of the clock (a reading
# costs about 60 us), until MAXIMA_LOOP seconds have passed, and the mean is kept; the loop adds about 2.5 us a
# call (Maxima's interpreter), counted against Maxima. At least one round is run: a garbage collection between
# two readings can take more than MAXIMA_LOOP seconds (a division by a count of 0 once gave, under load, the
# previous expression's results). The first call's own time is kept too (for a check: on
# many expressions its sum should match the means').
MAXIMA_BATCH = 25
MAXIMA_LOOP = 0.05
MAXIMA_PRELUDE = [
    "display2d:false$", "linel:100000$",
    (":lisp (defun $cpu_ () (if (probe-file \"/proc/self/stat\") (with-open-file (s \"/proc/self/stat\") "
     "(let* ((l (read-line s)) (r (subseq l (1+ (position #\\) l :from-end t))))) (with-input-from-string (i r) "
     "(dotimes (k 11) (read i)) (/ (+ (read i) (read i)) 100d0)))) "
     "(/ (get-internal-run-time) (float internal-time-units-per-second 1d0))))"),
    # timed_(f, args): [errcatch(apply(f, args)), mean CPU seconds, the first call's CPU seconds]
    ("timed_(f_,a_):=block([t0_,t_,t1_,n_,m_,r_],t0_:cpu_(),r_:errcatch(apply(f_,a_)),t1_:cpu_()-t0_,t_:t1_,"
     f"if r_#[] and t_<{MAXIMA_LOOP} then (n_:0,m_:1,t0_:cpu_(),"
     f"while n_=0 or cpu_()-t0_<{MAXIMA_LOOP} do (for i_:1 thru m_ do apply(f_,a_),n_:n_+m_,m_:2*m_),"
     "t_:(cpu_()-t0_)/n_),"
     "[r_,t_,t1_])$"),
    # emit_(tag, i, seconds, first, text): one line (print breaks a line longer than linel between its arguments)
    'emit_(g_,i_,t_,t1_,x_):=print(sconcat("@@",g_," ",i_," ",t_," ",t1_," ",x_))$',
    # warm-up (untimed): whatever diff and ratsimp load on first use
    "timed_('ratsimp,[diff(exp(sin(s_x))*s_x^2/(1+s_x^2),s_x)])$",
]


def maxima_version() -> str | None:
    """'Maxima 5.46.0 (GCL)' or the like, where a `maxima` command is on PATH; None where there is none."""
    if shutil.which("maxima") is None:
        return None
    try:
        done = subprocess.run(["maxima", "--very-quiet", "--batch-string",
                               ":lisp (format t \"@@lisp ~a~%\" (lisp-implementation-type))\n"],
                              check=False, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        version = subprocess.run(["maxima", "--version"], check=False, capture_output=True, text=True, timeout=60,
                                 stdin=subprocess.DEVNULL).stdout.strip()
    except (OSError, subprocess.SubprocessError) as error:
        return f"maxima (fails to run: {error})"
    lisp = next((line.split(" ", 1)[1].strip() for line in done.stdout.splitlines()
                 if line.startswith("@@lisp ")), "")
    return f"{version or 'maxima'}{f' ({lisp})' if lisp else ''}"


def maxima_lines(lines: list, timeout: float) -> list | None:
    """The output lines of one `maxima --very-quiet --batch-string` process running MAXIMA_PRELUDE and
    `lines`; None when it ran out of time."""
    try:
        done = subprocess.run(["maxima", "--very-quiet", "--batch-string", "\n".join(MAXIMA_PRELUDE + lines)],
                              check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    return [line.strip() for line in done.stdout.splitlines()]


def exp_form(text: str) -> str:
    """Maxima's %e^u as exp(u), so that its results print as symdiff's do (symdiff prints exp(x), and reads
    e^x as a power of e, which it prints as e^x). u is what Maxima's 1-D output puts after ^: an optional
    minus, then a name, a number, a call or a parenthesized group, then possibly ^ and another such."""
    out, i = [], 0
    while True:
        j = text.find("%e^", i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        k = operand_end(text, j + 3)
        out.append(f"exp({exp_form(text[j + 3:k])})")
        i = k


def operand_end(text: str, k: int) -> int:
    if k < len(text) and text[k] == "-":
        k += 1
    name = re.compile(r"%?[A-Za-z_][A-Za-z0-9_]*|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?").match(text, k)
    if name:
        k = name.end()
    if k < len(text) and text[k] == "(":  # a group, or the arguments of the call just read
        depth = 0
        while k < len(text):
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
            if depth == 0:
                break
    if k < len(text) and text[k] == "^":
        return operand_end(text, k + 1)
    return k


@dataclass
class MaximaText:
    """A result of Maxima's, as its own 1-D output and as symdiff reads it back."""
    own: str                  # Maxima's string(), our s_ prefixes taken off
    expr: object = None       # symdiff's reading (None if it cannot read it)
    chars: int | None = None  # len(symdiff.text(expr)): the size measure of the other libraries' results
    error: str = ""


def read_maxima(text: str) -> MaximaText:
    out = MaximaText(re.sub(r"\bs_([A-Za-z0-9_]+)", r"\1", text))
    try:
        out.expr = from_maxima(exp_form(text))
        out.chars = len(symdiff.text(out.expr))
    except NoMaxima as error:
        out.error = str(error)[:120]
    return out


def to_maxima(text: str) -> str:
    """symdiff's reading of `text` in Maxima's syntax (simplify.py's converter, from the SymPy form)."""
    return maxima_text(symdiff.to_sympy(symdiff.parse(text)))


def maxima_corpus(cases: list, rows: list, options) -> None:
    """Maxima's diff and ratsimp of each case, in batches of MAXIMA_BATCH per process (a batch that runs out of
    time, --maxima-seconds per expression, is redone one expression per process): fills each row's maxima."""
    items = []
    for index, (case, row) in enumerate(zip(cases, rows)):
        try:
            items.append((index, to_maxima(case.text), f"s_{case.var}"))
        except (NoMaxima, symdiff.SymdiffError, RecursionError, ValueError, TypeError) as error:
            row.maxima = {"status": "conversion", "error": f"{type(error).__name__}: {error}"[:120]}
    started = time.time()
    for start in range(0, len(items), MAXIMA_BATCH):
        batch = items[start:start + MAXIMA_BATCH]
        answers = maxima_batch(batch, options.maxima_seconds)
        for item in batch:
            if item[0] not in answers or len(answers[item[0]]) < 2:  # the batch ran out of time or broke
                answers.update(maxima_batch([item], options.maxima_seconds, alone=True))
            fill_maxima(rows[item[0]], answers.get(item[0], {}))
        progress(f"  [maxima {min(start + MAXIMA_BATCH, len(items))}/{len(items)}] {time.time() - started:.0f} s")


def maxima_batch(items: list, seconds: float, alone: bool = False) -> dict:
    """{index: {"d": (seconds, text), "r": (seconds, text)}} for (index, Maxima text, variable) items run in
    one process; {index: {"timeout": True}} for a lone item that ran out of time."""
    lines = []
    for index, text, var in items:
        # d_ and r_ emptied first: a statement that fails outside errcatch must not emit the last expression's
        lines.append(f"d_:[[],0,0]$ r_:[[],0,0]$ "
                     f"e_:errcatch({text})$ d_:if e_=[] then [[],0,0] else timed_('diff,[e_[1],{var}])$ "
                     f'emit_("d",{index},d_[2],d_[3],if d_[1]=[] then "ERROR" else string(d_[1][1]))$ '
                     f"r_:if d_[1]=[] then [[],0,0] else timed_('ratsimp,[d_[1][1]])$ "
                     f'emit_("r",{index},r_[2],r_[3],if r_[1]=[] then "ERROR" else string(r_[1][1]))$')
    output = maxima_lines(lines, seconds * len(items) + 30)
    if output is None:
        return {items[0][0]: {"timeout": True}} if alone else {}
    answers: dict = {}
    for line in output:
        found = re.match(r"@@([dr]) (\d+) (\S+) (\S+) (.*)$", line)
        if found:
            answers.setdefault(int(found.group(2)), {})[found.group(1)] = (
                float(found.group(3)), found.group(5).strip(), float(found.group(4)))
    return answers


def fill_maxima(row: Row, answer: dict) -> None:
    if answer.get("timeout"):
        row.maxima = {"status": "timeout", "error": "the process ran out of time"}
        return
    if "d" not in answer or "r" not in answer:
        row.maxima = {"status": "error", "error": "no answer read"}
        return
    (diff_seconds, derivative, diff_first), (ratsimp_seconds, result, ratsimp_first) = answer["d"], answer["r"]
    if "ERROR" in (derivative, result):
        row.maxima = {"status": "error", "error": f"Maxima's {'diff' if derivative == 'ERROR' else 'ratsimp'} "
                                                  f"raised"}
        return
    read = read_maxima(result)
    row.maxima = {"status": "ok", "diff": diff_seconds, "ratsimp": ratsimp_seconds,
                  "all": diff_seconds + ratsimp_seconds, "first": diff_first + ratsimp_first, "result": read.own, "own chars": len(read.own),
                  "chars": read.chars, "unread": read.error}
    if read.expr is not None and row.result:
        try:
            row.maxima["wrong"] = check_values(symdiff.parse(row.result), read.expr, seed=len(row.name))
        except Exception as error:  # noqa: BLE001 - an unchecked result is shown as such
            row.maxima["wrong"] = f"not checked: {type(error).__name__}"


def summarize_maxima(rows: list, options, version: str) -> dict:
    ran = [r for r in rows if r.maxima]
    print(f"  Maxima: {version}: diff, then ratsimp; CPU time (user + system, 10 ms ticks) read inside Maxima; a "
          f"call under {MAXIMA_LOOP:g} s repeated for {MAXIMA_LOOP:g} s, the mean kept; {MAXIMA_BATCH} expressions "
          f"per process, cap {options.maxima_seconds:g} s each")
    counts: dict = {}
    for r in ran:
        counts[r.maxima["status"]] = counts.get(r.maxima["status"], 0) + 1
    print(f"    {len(ran)} given to Maxima: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for r in [r for r in ran if r.maxima["status"] != "ok"][:3]:
        print(f"      {r.maxima['status']}: {r.name}: {r.maxima.get('error', '')}")
    both = [r for r in ran if r.maxima["status"] == "ok" and r.times.get("symdiff all") is not None]
    if not both:
        return {}
    print(f"    on the {len(both)} that symdiff and Maxima both did        median        p90      total")
    lines = [("symdiff parse+diff+simplify", [r.times["symdiff all"] for r in both]),
             ("maxima diff", [r.maxima["diff"] for r in both]),
             ("maxima ratsimp", [r.maxima["ratsimp"] for r in both]),
             ("maxima diff+ratsimp", [r.maxima["all"] for r in both])]
    for name, key in (("sympy parse+diff", "sympy parse+diff"), ("symengine parse+diff", "symengine parse+diff")):
        values = [r.times.get(key) for r in both]
        if values and all(v is not None for v in values):
            lines.append((name, values))
    medians = {}
    for name, values in lines:
        medians[name] = statistics.median(values)
        print(f"      {name:44} {shown(medians[name]):>10} {shown(quantile(values, 0.9)):>10} "
              f"{shown(sum(values)):>10}")
    print(f"    check of the repeated calls: Maxima's first calls alone (one 10 ms reading each) add up to "
          f"{shown(sum(r.maxima['first'] for r in both))}, the means of the repeats to "
          f"{shown(sum(r.maxima['all'] for r in both))}")
    ours, theirs = medians["symdiff parse+diff+simplify"], medians["maxima diff+ratsimp"]
    ratio = ours / theirs if theirs else math.inf
    totals = sum(r.times["symdiff all"] for r in both) / max(sum(r.maxima["all"] for r in both), 1e-9)
    per = [r.times["symdiff all"] / max(r.maxima["all"], 1e-9) for r in both]
    print(f"    target (issue 21): symdiff parse+diff+simplify / Maxima diff+ratsimp < {TARGET_VS_MAXIMA:g}: "
          f"{ratio:.2f} (ratio of medians) [{verdict(ratio < TARGET_VS_MAXIMA)}]; ratio of totals {totals:.2f}; "
          f"per expression: median {statistics.median(per):.2f}, p90 {quantile(per, 0.9):.2f}, symdiff faster on "
          f"{sum(p < 1 for p in per)} of {len(per)}")
    for name in ("sympy parse+diff", "symengine parse+diff"):
        if name in medians:
            print(f"      {name} / Maxima diff+ratsimp: {medians[name] / theirs:.2f} (ratio of medians)")
    sized = [r for r in both if r.maxima.get("chars") is not None and r.result]
    figures = {"count": len(both), "medians": medians, "ratio": ratio, "ratio_totals": totals}
    if sized:
        ours_chars = [len(r.result) for r in sized]
        shorter = sum(r.maxima["chars"] < len(r.result) for r in sized)
        longer = sum(r.maxima["chars"] > len(r.result) for r in sized)
        own_shorter = sum(r.maxima["own chars"] < len(r.result) for r in sized)
        print(f"    size, characters of symdiff.text (Maxima's result read back into symdiff, so that both print "
              f"alike) on {len(sized)} ({len(both) - len(sized)} unread): Maxima's shorter than symdiff's on "
              f"{shorter}, longer on {longer}, the same on {len(sized) - shorter - longer}; median symdiff "
              f"{statistics.median(ours_chars):g}, Maxima {statistics.median(r.maxima['chars'] for r in sized):g}"
              f" (Maxima's own 1-D output: median {statistics.median(r.maxima['own chars'] for r in sized):g}, "
              f"shorter than symdiff's on {own_shorter})")
        worst = sorted((r for r in sized if r.maxima["chars"] < len(r.result)),
                       key=lambda r: len(r.result) / max(r.maxima["chars"], 1), reverse=True)[:3]
        for r in worst:
            print(f"      symdiff longer, {len(r.result)} vs {r.maxima['chars']}: {r.name}\n"
                  f"        symdiff: {r.result[:200]}\n        maxima:  {r.maxima['result'][:200]}")
        figures.update(shorter=shorter, longer=longer, sized=len(sized))
    wrong = [r for r in both if r.maxima.get("wrong")]
    print(f"    Maxima's result differs in value from symdiff's (real points) on {len(wrong)}")
    for r in wrong[:3]:
        print(f"      {r.name}: {r.maxima['wrong']}\n        symdiff: {r.result[:200]}\n"
              f"        maxima:  {r.maxima['result'][:200]}")
    return figures


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
        if library == "symdiff" or library.startswith("maxima"):  # Maxima's: read back into symdiff
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
    peer = None
    if maxima_skipped(options):
        print(f"  Maxima: {maxima_skipped(options)}")
    else:
        peer = maxima_swell(options)
        progress("  swell: maxima done")
        if peer["diff"]:
            libraries["maxima"] = [(seconds, read.expr) for seconds, read in peer["diff"]]
    text = {"symdiff": symdiff.text, "maxima": symdiff.text}
    names = list(libraries)
    print(f"  CPU time (symdiff, SymEngine: best of {options.repeat} chains; SymPy: one, each order capped at "
          f"{options.sympy_seconds:g} s) and characters of the result"
          + (f"; Maxima: its diff, unsimplified like SymPy's and SymEngine's, best of {options.repeat} chains in "
             f"one process, timed inside it, its results printed by symdiff.text" if "maxima" in libraries else ""))
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
    if peer:
        last.update({f"maxima {kind}": peer[kind][-1][1].expr for kind in ("ratsimp", "chain")
                     if len(peer[kind]) == (1 if kind == "ratsimp" else SWELL_ORDERS)})
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
    out = {"table": table, "one call": one_call_swell(options)}
    if peer:
        out["maxima"] = swell_maxima_figures(peer, ours, table)
    return out


def one_call_swell(options) -> dict:
    """symdiff.diff(f, "x", order=12), as `symdiff f --wrt x --order 12` computes it: every order simplified, with
    one simplifier memo for f and all its orders (the chain above makes a call per order, as SymPy's does)."""
    f = symdiff.parse(SWELL_FUNCTION)
    timed = cpu(lambda: symdiff.diff(f, "x", order=SWELL_ORDERS), repeat=options.repeat)
    chars = len(symdiff.text(timed.value))
    print(f"  one call, symdiff.diff(f, \"x\", order={SWELL_ORDERS}) (the command line's --order): "
          f"{shown(timed.seconds)}, {chars:,} characters; target (issue 21) under {TARGET_SWELL21_SECONDS:g} s "
          f"[{verdict(timed.seconds < TARGET_SWELL21_SECONDS)}]")
    return {"seconds": timed.seconds, "chars": chars}


def maxima_swell(options) -> dict:
    """Maxima on the swell, in one process, best of --repeat chains (CPU time inside Maxima): "diff", each order
    the diff of the previous; "ratsimp", the ratsimp of its 12th; "chain", ratsimp(diff(previous)) at every
    order, as symdiff simplifies every order. {kind: [(seconds, MaximaText)]} (the texts of the last chain)."""
    repeat, orders = options.repeat, SWELL_ORDERS
    last = f"if rep_={repeat} then string"
    program = [f"f_:{to_maxima(SWELL_FUNCTION)}$",
               (f"for rep_:1 thru {repeat} do (p_:f_, q_:f_, "
                f"for k_:1 thru {orders} do (d_:timed_('diff,[p_,s_x]), p_:d_[1][1], "
                f'emit_("diff",k_,d_[2],rep_,{last}(p_) else "-")), '
                f"r_:timed_('ratsimp,[p_]), "
                f'emit_("ratsimp",1,r_[2],rep_,{last}(r_[1][1]) else "-"), '
                f"for k_:1 thru {orders} do (d_:timed_('diff,[q_,s_x]), c_:timed_('ratsimp,[d_[1][1]]), "
                f'q_:c_[1][1], emit_("chain",k_,d_[2]+c_[2],rep_,{last}(q_) else "-")))$')]
    output = maxima_lines(program, options.maxima_seconds * orders * 3 * repeat + 60)
    seconds: dict = {"diff": {}, "ratsimp": {}, "chain": {}}
    texts: dict = {"diff": {}, "ratsimp": {}, "chain": {}}
    for line in output or []:
        found = re.match(r"@@(diff|ratsimp|chain) (\d+) (\S+) (\d+) (.*)$", line)
        if found:
            kind, k, value = found.group(1), int(found.group(2)), float(found.group(3))
            seconds[kind][k] = min(value, seconds[kind].get(k, math.inf))
            if int(found.group(4)) == repeat:
                texts[kind][k] = found.group(5).strip()
    out = {}
    for kind in seconds:
        out[kind] = []
        for k in sorted(texts[kind]):
            if k != len(out[kind]) + 1:
                break
            out[kind].append((seconds[kind][k], read_maxima(texts[kind][k])))
    if output is None:
        print(f"  Maxima ran out of time ({options.maxima_seconds:g} s per call): partial results")
    return out


def swell_maxima_figures(peer: dict, ours: dict | None, table: list) -> dict:
    figures = {}
    diff_total = sum(seconds for seconds, _ in peer["diff"])
    if len(peer["diff"]) == SWELL_ORDERS and peer["ratsimp"]:
        seconds, read = peer["ratsimp"][0]
        figures["ratsimp"] = {"seconds": seconds, "chars": read.chars, "own chars": len(read.own),
                              "diff+ratsimp": diff_total + seconds}
        print(f"  Maxima, order {SWELL_ORDERS}: diff {shown(diff_total)} (cumulative), "
              f"{table[-1].get('maxima', {}).get('chars', '-'):,} characters; then ratsimp {shown(seconds)}: "
              f"{read.chars if read.chars is not None else '-':,} characters as symdiff prints it "
              f"(Maxima's own 1-D output {len(read.own):,}); diff + ratsimp {shown(diff_total + seconds)}")
    if len(peer["chain"]) == SWELL_ORDERS:
        total = sum(seconds for seconds, _ in peer["chain"])
        read = peer["chain"][-1][1]
        figures["chain"] = {"cumulative": total, "chars": read.chars, "own chars": len(read.own),
                            "per order": [seconds for seconds, _ in peer["chain"]]}
        print(f"  Maxima, ratsimp(diff(previous)) at every order (as symdiff simplifies every order): order "
              f"{SWELL_ORDERS} in {shown(total)} (cumulative), {read.chars if read.chars is not None else '-':,} "
              f"characters as symdiff prints it (Maxima's own {len(read.own):,})")
    if ours and "ratsimp" in figures:
        theirs = figures["ratsimp"]
        print(f"  target (issue 21): order {SWELL_ORDERS} simplified in under {TARGET_SWELL21_SECONDS:g} s "
              f"(cumulative): {shown(ours['cumulative'])} [{verdict(ours['cumulative'] < TARGET_SWELL21_SECONDS)}]"
              f"; symdiff / Maxima diff+ratsimp = {ours['cumulative'] / max(theirs['diff+ratsimp'], 1e-9):.2f}"
              + (f", / Maxima's ratsimp at every order = "
                 f"{ours['cumulative'] / max(figures['chain']['cumulative'], 1e-9):.2f}" if "chain" in figures else ""))
        if theirs["chars"] is not None:
            print(f"  target (issue 21): shorter than Maxima's ratsimp result: {ours['chars']:,} vs "
                  f"{theirs['chars']:,} characters (both printed by symdiff.text) "
                  f"[{verdict(ours['chars'] < theirs['chars'])}]")
    return figures


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
    parser.add_argument("--maxima", choices=("auto", "off"), default="auto",
                        help="corpus and swell: also run Maxima's diff + ratsimp where `maxima` is installed "
                             "(auto, the default), or never (off)")
    parser.add_argument("--maxima-seconds", type=float, default=10.0,
                        help="cap per Maxima expression (default 10)")
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
    wanted = options.maxima == "auto" and {"corpus", "swell"} & set(options.sections)
    options.maxima_version = maxima_version() if wanted else None
    if options.maxima == "off":
        peer = "off"
    elif not wanted:
        peer = "not used (no corpus or swell section)"
    else:
        peer = options.maxima_version or "not installed"
    print(f"symdiff {symdiff.__version__} at {revision()}, SymPy {sympy.__version__}, SymEngine "
          f"{symengine.__version__ if symengine else 'not installed'}, Maxima {peer}, "
          f"Python {sys.version.split()[0]}; {load()}")
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
                                              f"({skipped} with I skipped)", cases, options, maxima=True)
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
