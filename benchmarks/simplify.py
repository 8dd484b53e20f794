#!/usr/bin/env python3
"""symdiff.simplify against sympy.simplify (and Maxima) on derivatives: size, time, proving 0 (issues 4, 19).

    python benchmarks/simplify.py [--corpus FILE] [--limit N] [--random N] [--seed S] [--sympy-seconds S]
                                  [--ours-seconds S] [--convert-seconds S] [--real] [--worst K] [--json FILE]
                                  [--external FILE] [--external-limit N] [--maxima auto|off]
                                  [--maxima-on external,corpus,random] [--maxima-seconds S]

Run by hand, not by pytest. The expressions simplified are raw derivatives, `symdiff.diff(F, var,
simplify="basic")` (the canonical form only), of
  * the antiderivatives F of a corpus file (default rubi_textbook.jsonl, in ../shared/corpus/ next to the
    repository; pairs that use the imaginary unit I are skipped), the first --limit N pairs;
  * --random N seeded random elementary expressions in x of 3 to 80 nodes over the functions of
    symdiff.functions.REGISTRY (the generator of benchmarks/expressions.py, seeded by --seed);
  * the external problems (issue 19): expressions that the test suites of SymPy, Maxima, Mathics, mathjs,
    nerdamer and Algebrite differentiate or simplify, read from --external (default
    benchmarks/data/external_problems.jsonl, made by benchmarks/external_problems.py; see
    benchmarks/data/README.md), the first --external-limit of them (default all; 0 skips them), each
    differentiated in its "var" (a derivative that is a number is left out, and counted). Their figures are
    also given per source system, and, for every source, on the expressions whose input has >= 10 ops.
For each, in one run: symdiff.simplify (timed) and sympy.simplify(symdiff.to_sympy(expr)) (timed, capped at
--sympy-seconds by symdiff.verify.time_limit, whose alarm repeats so that SymPy cannot swallow it; a timeout
counts the cap as its time, so SymPy's times are lower bounds). Building an expression's SymPy form evaluates
as it goes and can run away too: conversions and count_ops are capped at --convert-seconds, and an expression
SymPy cannot build or count in time is left out of the size comparison (and counted).
Output size is sympy.count_ops(..., visual=False) of the SymPy form of each result; after a SymPy timeout
ours is compared with the unsimplified input. Our result is also checked numerically against the input (real
points in 0.2..1.5 where the input is defined over the reals, all symbols drawn there), and simplified again
to see whether one pass finished the job. On the corpus, also: is symdiff.simplify(derivative - integrand)
exactly 0, and is sympy.simplify(to_sympy(derivative - integrand)) == 0 (capped the same way)?

Maxima (issue 19): where a `maxima` command is on PATH (Debian's package `maxima`) and --maxima is auto (the
default), the derivatives of the sources named by --maxima-on (default: external) are also given to Maxima,
converted to its syntax from their SymPy form (symbols prefixed s_, %e, %pi), in batches of 25 per
`maxima --very-quiet --batch-string` process (a batch over its time, --maxima-seconds per expression, is
redone one expression per process, each capped at --maxima-seconds; a cap reached counts as a timeout):
ratsimp(f) and trigsimp(f), each wrapped in errcatch and timed by Maxima's elapsed_real_time; Maxima's size
is the smaller count_ops of the two results, read back into symdiff (a result symdiff cannot read, e.g. with
%i, is left out and counted). Maxima simplifies under its own defaults (its symbols are real, ratsimp turns
floats into rationals, log(x^2) may become 2*log(x)), so its result is checked numerically against the input
too, as ours is. Printed: ours <= Maxima's share, ours > 1.5x Maxima's, median ratio, worst cases, and the two
medians of time (Maxima's is the sum of both calls, without the process start). Without Maxima the section
says so and is skipped.

The figures are printed beside the targets of issue 19 (issue 4's, raised): ours no larger than
sympy.simplify's on >= 95%, none more than 1.5x larger, a median time >= 20x lower, and, on the corpus,
derivative - integrand proved 0 at least as often as SymPy, whose figures for the whole files are 1,526 of
the 1,630 pairs of rubi_textbook.jsonl and 4,433 of the 5,154 of antiderivatives.jsonl (on a --limit run the
shares are compared). Progress goes to stderr; Ctrl-C prints the summary of what has been done so far (unless
SymPy swallows the interrupt).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import sympy  # noqa: E402

import symdiff  # noqa: E402
from corpus_pairs import CORPUS, find, pairs_without_i  # noqa: E402  (benchmarks/corpus_pairs.py)
from expressions import RandomExpressions  # noqa: E402  (benchmarks/expressions.py: the seeded generator)
from symdiff.core.build import sub  # noqa: E402
from symdiff.core.expr import ZERO  # noqa: E402
from symdiff.core.errors import EvaluationError
from symdiff.numeric.values import numeric_value  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

DEFAULT_CORPUS = "rubi_textbook.jsonl"
DEFAULT_EXTERNAL = Path(__file__).resolve().parent / "data" / "external_problems.jsonl"

# The targets of issue 19 (issue 4 asked for 90% no larger).
TARGET_SHARE_NO_LARGER = 0.95
TARGET_MAX_RATIO = 1.5
TARGET_SPEEDUP = 20.0
# SymPy's proofs of derivative - integrand = 0 on the whole corpus files, as issue 19 quotes them
SYMPY_ZERO_REFERENCE = {"rubi_textbook.jsonl": (1526, 1630), "antiderivatives.jsonl": (4433, 5154)}


# ---- the expressions --------------------------------------------------------------------------------------

@dataclass
class Case:
    source: str          # "corpus", "random" or "external"
    name: str            # corpus id, random-<i> or external problem id
    expr: object         # the raw derivative (a symdiff expression)
    integrand: object = None  # corpus only
    origin: str = ""     # external only: the system whose test suite it comes from
    where: str = ""      # external only: " (path:line, d/dvar of the problem)", shown in the worst cases


def read_external(path: Path, limit: int | None, errors: list) -> tuple:
    """(Cases, number left out as constant) for the first `limit` external problems: each expression
    differentiated in its variable; a derivative that is a number (x^2 + y in y) is left out and counted."""
    cases, constant = [], 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(cases) >= limit:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            try:
                with warnings.catch_warnings(), time_limit(30):
                    warnings.simplefilter("ignore")  # notes on ambiguous readings (xy read as one name)
                    derivative = symdiff.diff(symdiff.parse(row["expr"]), row["var"], simplify="basic")
            except (symdiff.SymdiffError, SympyTimeout, RecursionError) as error:
                errors.append((row["id"], "parse/diff", f"{type(error).__name__}: {error}"))
                continue
            if derivative.free_symbols:
                where = f" ({row['path']}:{row['line']}, d/d{row['var']} of {clip(row['expr'], 100)})"
                cases.append(Case("external", row["id"], derivative, origin=row["source"], where=where))
            else:
                constant += 1
    return cases, constant


def read_corpus(path: Path, limit: int | None, errors: list):
    """(Cases, number skipped for I) for the first `limit` pairs of a corpus file."""
    cases = []
    rows, skipped = pairs_without_i(path, limit)
    for row in rows:
        try:
            with time_limit(30):
                antiderivative = symdiff.parse(row["antiderivative"])
                integrand = symdiff.parse(row["integrand"])
                derivative = symdiff.diff(antiderivative, row["var"], simplify="basic")
        except (symdiff.SymdiffError, SympyTimeout, RecursionError) as error:
            errors.append((row["id"], "parse/diff", f"{type(error).__name__}: {error}"))
            continue
        cases.append(Case("corpus", row["id"], derivative, integrand))
    return cases, skipped


# ---- measuring ----------------------------------------------------------------------------------------------

@dataclass
class Result:
    case: Case
    ours: object = None            # symdiff result (None if it failed)
    ours_seconds: float = 0.0
    ours_error: str = ""
    theirs: object = None          # SymPy result (None after a timeout or an error)
    theirs_seconds: float = 0.0
    theirs_status: str = "ok"      # ok, timeout, error, conversion
    theirs_error: str = ""
    input_ops: int = 0
    ours_ops: int = 0
    theirs_ops: int = 0            # SymPy's result, or the input after a timeout/error
    wrong: str = ""                # a numeric disagreement of ours with the input
    again: object = None           # simplify(ours) when it is not ours (not idempotent)
    zero_ours: bool | None = None  # corpus: simplify(derivative - integrand) is 0
    zero_theirs: bool | None = None
    zero_theirs_status: str = ""
    maxima: str | None = None      # Maxima's smaller result, as symdiff text (None if none)
    maxima_ops: int = 0
    maxima_seconds: float = 0.0    # ratsimp + trigsimp, as Maxima timed them
    maxima_status: str = ""        # ok, timeout, error, conversion (ours -> Maxima or back), skipped
    maxima_wrong: str = ""

    @property
    def ratio(self) -> float:
        """Our size over SymPy's (a SymPy size of 0, a lone symbol or number, counts as 1)."""
        return self.ours_ops / max(self.theirs_ops, 1)


def count_ops(obj) -> int:
    return int(sympy.count_ops(obj, visual=False))


def capped(function, seconds: float):
    """(value or None, seconds, status, error) of function(): status ok, timeout or error."""
    start = time.perf_counter()
    try:
        with time_limit(seconds):
            value = function()
    except SympyTimeout:
        return None, time.perf_counter() - start, "timeout", f"over {seconds:g} s"
    except RecursionError as error:
        return None, time.perf_counter() - start, "error", f"RecursionError: {error}"[:200]
    except Exception as error:  # noqa: BLE001 - failing on an input is a result to count
        return None, time.perf_counter() - start, "error", f"{type(error).__name__}: {error}"[:200]
    elapsed = time.perf_counter() - start
    if elapsed > seconds * 1.05:  # the alarms were all swallowed: still a timeout
        return None, elapsed, "timeout", "overran the cap"
    return value, elapsed, "ok", ""


def real_points(expr, seed: int, count: int = 3, attempts: int = 40):
    names = sorted(expr.free_symbols)
    rng = random.Random(seed)
    for _ in range(attempts):
        point = {n: rng.uniform(0.2, 1.5) for n in names}
        try:
            value = numeric_value(expr, point)
        except (EvaluationError, OverflowError):
            continue
        if math.isfinite(value) and abs(value) < 1e12:
            yield point, value
            count -= 1
            if count == 0:
                return


def check_values(original, simplified, seed: int) -> str:
    """'' when `simplified` has the value of `original` at real points where `original` is defined; else a
    description. A float disagreement is confirmed at 30 digits (complex evaluation) before it is reported."""
    for point, before in real_points(original, seed):
        try:
            after = numeric_value(simplified, point)
        except (EvaluationError, OverflowError):
            after = None
        if after is not None and abs(before - after) <= 1e-6 * max(1.0, abs(before)):
            continue
        try:
            precise_before = complex(numeric_value(original, point, complex_values=True, digits=30))
            precise_after = complex(numeric_value(simplified, point, complex_values=True, digits=30))
        except (EvaluationError, OverflowError):
            precise_after = None
        shown = ", ".join(f"{n}={v:.6g}" for n, v in point.items())
        if after is None:
            return f"undefined over the reals at {shown}, where the input is {before:.10g}"
        if precise_after is None or abs(precise_before - precise_after) > 1e-12 * max(1.0, abs(precise_before)):
            return f"at {shown}: input {before:.10g}, simplified {after:.10g}"
    return ""


def measure(case: Case, options, seed: int) -> Result:
    out = Result(case)
    expr = case.expr
    convert = options.convert_seconds

    def sizes(obj):
        """count_ops of a symdiff expression's SymPy form (building it evaluates, which can run away: capped)."""
        value, _, status, error = capped(lambda: count_ops(symdiff.to_sympy(obj, real=options.real)), convert)
        return value, status, error

    # SymPy's form of the input
    sympy_input, _, status, error = capped(lambda: symdiff.to_sympy(expr, real=options.real), convert)
    if sympy_input is not None:
        out.input_ops, _, status, error = capped(lambda: count_ops(sympy_input), convert)
    if sympy_input is None or out.input_ops is None:
        out.theirs_status, out.theirs_error = "conversion", f"{status}: {error}"
        sympy_input, out.input_ops = None, 0
    # ours
    out.ours, out.ours_seconds, status, error = capped(lambda: symdiff.simplify(expr), options.ours_seconds)
    if out.ours is None:
        out.ours_error = f"{status}: {error}"
    else:
        out.wrong = check_values(expr, out.ours, seed)
        twice = capped(lambda: symdiff.simplify(out.ours), options.ours_seconds)[0]
        if twice is not None and twice is not out.ours:
            out.again = twice
        if sympy_input is not None:
            out.ours_ops, status, error = sizes(out.ours)
            if out.ours_ops is None:
                out.theirs_status, out.theirs_error, out.ours_ops = "conversion", f"ours {status}: {error}", 0
    # SymPy
    if sympy_input is not None and out.theirs_status != "conversion":
        out.theirs, out.theirs_seconds, out.theirs_status, out.theirs_error = \
            capped(lambda: sympy.simplify(sympy_input), options.sympy_seconds)
        out.theirs_ops = out.input_ops
        if out.theirs is not None:
            theirs_ops = capped(lambda: count_ops(out.theirs), convert)[0]
            out.theirs_ops = theirs_ops if theirs_ops is not None else out.input_ops
    # proving derivative - integrand = 0
    if case.integrand is not None:
        difference = sub(expr, case.integrand)
        out.zero_ours = capped(lambda: symdiff.simplify(difference), options.ours_seconds)[0] is ZERO
        sympy_difference, _, status, _ = capped(lambda: symdiff.to_sympy(difference, real=options.real),
                                                convert)
        if sympy_difference is None:
            out.zero_theirs, out.zero_theirs_status = False, "conversion"
        else:
            result, _, status, _ = capped(lambda: sympy.simplify(sympy_difference), options.sympy_seconds)
            out.zero_theirs, out.zero_theirs_status = (result == 0) if result is not None else False, status
    return out


# ---- Maxima ---------------------------------------------------------------------------------------------------

MAXIMA_BATCH = 25
MAXIMA_FUNCTIONS = {  # SymPy's function class -> Maxima's name
    **{f: f for f in ("sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "asec", "acsc",
                      "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth", "asech",
                      "acsch", "exp", "log", "erf", "erfc", "erfi", "gamma", "floor")},
    "Abs": "abs", "sign": "signum", "loggamma": "log_gamma", "LambertW": "lambert_w", "ceiling": "ceiling"}
FROM_MAXIMA = {"signum": "sign", "log_gamma": "loggamma", "lambert_w": "lambertw", "ceiling": "ceil"}


class NoMaxima(Exception):
    """An expression that this converter does not write in Maxima's syntax, or a result it does not read."""


def maxima_text(expr) -> str:
    """A SymPy expression in Maxima's syntax: symbols get the prefix s_ (no clash with Maxima's names)."""
    if expr.is_Symbol:
        return f"s_{expr.name}"
    if expr.is_Integer:
        return f"({expr})" if expr < 0 else str(expr)
    if expr.is_Rational:
        return f"({expr.p}/{expr.q})"
    if expr.is_Float:
        return f"({float(expr)!r})"
    if expr is sympy.E:
        return "%e"
    if expr is sympy.pi:
        return "%pi"
    if expr is sympy.I:
        return "%i"
    if expr.is_Add:
        return "(" + "+".join(maxima_text(a) for a in expr.args) + ")"
    if expr.is_Mul:
        return "(" + "*".join(maxima_text(a) for a in expr.args) + ")"
    if expr.is_Pow:
        return f"({maxima_text(expr.base)}^{maxima_text(expr.exp)})"
    name = type(expr).__name__
    if isinstance(expr, sympy.Function) and name in MAXIMA_FUNCTIONS:
        return f"{MAXIMA_FUNCTIONS[name]}(" + ",".join(maxima_text(a) for a in expr.args) + ")"
    raise NoMaxima(f"no Maxima form for {name}")


def from_maxima(text: str):
    """Maxima's 1-D output (display2d:false) read back as a symdiff expression, by text transforms only."""
    if re.search(r"%i\b|[\[\]{}:;=\"'!?#&@|~`$]", text) or re.search(r"%(?!e\b|pi\b)", text):
        raise NoMaxima(f"unreadable: {text[:80]}")
    text = re.sub(r"%e\b", "e", text)
    text = re.sub(r"%pi\b", "pi", text)
    text = re.sub(r"\bs_([A-Za-z0-9_]+)", r"\1", text)
    for name, new in FROM_MAXIMA.items():
        text = re.sub(rf"\b{name}(\s*\()", rf"{new}\1", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return symdiff.parse(text)
    except (symdiff.SymdiffError, RecursionError) as error:
        raise NoMaxima(f"symdiff cannot read {text[:80]}: {type(error).__name__}") from None


def run_maxima(items: list, seconds: float) -> dict | None:
    """{index: (status, seconds, [result texts])} for (index, Maxima text) items, in one Maxima process; None
    when the process ran out of time (seconds per item)."""
    lines = ["display2d:false$", "linel:100000$"]
    for index, text in items:
        lines.append(f"e_:{text}$ t0_:elapsed_real_time()$ r1_:errcatch(ratsimp(e_))$ t1_:elapsed_real_time()$ "
                     f"r2_:errcatch(trigsimp(e_))$ t2_:elapsed_real_time()$ "
                     f'print("@@",{index},t2_-t0_,if r1_=[] then "ERROR" else string(first(r1_)))$ '
                     f'print("@@@",{index},if r2_=[] then "ERROR" else string(first(r2_)))$')
    try:
        done = subprocess.run(["maxima", "--very-quiet", "--batch-string", "\n".join(lines)], check=False,
                              capture_output=True, text=True, timeout=seconds * len(items) + 5,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None
    results: dict = {}
    for line in done.stdout.splitlines():
        first = re.match(r"@@ (\d+) ([0-9.e+-]+) (.*)$", line.strip())
        second = re.match(r"@@@ (\d+) (.*)$", line.strip())
        if first:
            results[int(first.group(1))] = ["ok", float(first.group(2)), [first.group(3).strip()]]
        elif second and int(second.group(1)) in results:
            results[int(second.group(1))][2].append(second.group(2).strip())
    return {index: tuple(value) for index, value in results.items()}


def maxima_pass(results: list, options) -> None:
    """Maxima's ratsimp/trigsimp of each result's input: fills the maxima_* fields."""
    items = []
    for index, r in enumerate(results):
        try:
            items.append((index, maxima_text(symdiff.to_sympy(r.case.expr))))
        except (NoMaxima, symdiff.SymdiffError, RecursionError) as error:
            r.maxima_status = f"conversion: {error}"[:120]
    started = time.time()
    for start in range(0, len(items), MAXIMA_BATCH):
        batch = items[start:start + MAXIMA_BATCH]
        answers = run_maxima(batch, options.maxima_seconds) or {}
        for index, text in batch:
            r = results[index]
            if index not in answers:  # the batch ran out of time or broke: this one alone
                alone = run_maxima([(index, text)], options.maxima_seconds)
                if alone is None:
                    r.maxima_status, r.maxima_seconds = "timeout", options.maxima_seconds
                    continue
                answers.update(alone)
            if index not in answers:
                r.maxima_status = "error: no answer read"
                continue
            _, r.maxima_seconds, outputs = answers[index]
            sizes = []
            for output in outputs:
                if output == "ERROR":
                    continue
                try:
                    parsed = from_maxima(output)
                    ops = capped(lambda parsed=parsed: count_ops(symdiff.to_sympy(parsed, real=options.real)),
                                 options.convert_seconds)[0]
                except NoMaxima as error:
                    r.maxima_status = f"conversion: {error}"[:120]
                    continue
                if ops is not None:
                    sizes.append((ops, parsed))
            if sizes:
                r.maxima_ops, best = min(sizes, key=lambda pair: pair[0])
                r.maxima, r.maxima_status = str(best), "ok"
                r.maxima_wrong = check_values(r.case.expr, best, seed=index)
            elif not r.maxima_status:
                r.maxima_status = "error"
        print(f"[maxima {min(start + MAXIMA_BATCH, len(items))}/{len(items)}] {time.time() - started:.0f} s",
              file=sys.stderr, flush=True)


def summarize_maxima(source: str, results: list, options) -> dict:
    ran = [r for r in results if r.maxima_status]
    if not ran:
        return {}
    ok = [r for r in ran if r.maxima_status == "ok" and r.ours is not None and r.theirs_status != "conversion"]
    counts = {}
    for r in ran:
        key = r.maxima_status.split(":")[0]
        counts[key] = counts.get(key, 0) + 1
    print(f"\n=== Maxima (ratsimp, trigsimp; the smaller) on {len(ran)} {source} derivatives: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + " ===")
    if not ok:
        return {}
    no_larger = sum(r.ours_ops <= r.maxima_ops for r in ok)
    over = [r for r in ok if r.ours_ops > TARGET_MAX_RATIO * max(r.maxima_ops, 1)]
    smaller_than_sympy = sum(r.maxima_ops < r.theirs_ops for r in ok)
    print(f"size: ours <= Maxima's on {no_larger}/{len(ok)} = {no_larger / len(ok):.1%}; ours > "
          f"{TARGET_MAX_RATIO:g}x Maxima's on {len(over)}; median ratio ours/Maxima "
          f"{statistics.median(r.ours_ops / max(r.maxima_ops, 1) for r in ok):.3f}; Maxima smaller than "
          f"sympy.simplify's on {smaller_than_sympy}; median sizes ours {statistics.median(r.ours_ops for r in ok):g}, "
          f"Maxima {statistics.median(r.maxima_ops for r in ok):g}, "
          f"sympy {statistics.median(r.theirs_ops for r in ok):g}")
    times = [r.maxima_seconds for r in ok]
    ours_t = [r.ours_seconds for r in ok]
    print(f"time: Maxima median {milliseconds(statistics.median(times))}, p90 {milliseconds(quantile(times, 0.9))}, "
          f"total {sum(times):.1f} s (ratsimp + trigsimp, by Maxima's elapsed_real_time, in steps of about 10 ms); "
          f"symdiff median {milliseconds(statistics.median(ours_t))}, total {sum(ours_t):.1f} s on the same")
    wrong = [r for r in ok if r.maxima_wrong]
    print(f"  Maxima's result differs in value from the input (real points) on {len(wrong)}")
    worst = sorted((r for r in ok if r.ours_ops > r.maxima_ops),
                   key=lambda r: (r.ours_ops / max(r.maxima_ops, 1), r.ours_ops), reverse=True)[:options.worst]
    if worst:
        print(f"  worst size ratios against Maxima ({len(worst)} of {len(ok) - no_larger} where ours is larger):")
        for r in worst:
            print(f"    {r.ours_ops / max(r.maxima_ops, 1):.2f}x ({r.ours_ops} vs {r.maxima_ops} ops) "
                  f"{r.case.name}{r.case.where}\n"
                  f"      symdiff: {clip(str(r.ours), 300)}\n      maxima:  {clip(r.maxima, 300)}")
    return {"share": no_larger / len(ok), "over": len(over), "count": len(ok)}


# ---- the summary --------------------------------------------------------------------------------------------

def quantile(values, q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 5] + " ...]"


def summarize(source: str, results: list[Result], options) -> dict:
    print(f"\n=== {source}: {len(results)} expressions ===")
    if not results:
        return {}
    done = [r for r in results if r.ours is not None]
    ours_failed = [r for r in results if r.ours is None]
    compared = [r for r in done if r.theirs_status in ("ok", "timeout", "error")]
    timeouts = sum(r.theirs_status == "timeout" for r in results)
    overran = sum(r.theirs_error.startswith("overran") for r in results)
    sympy_errors = [r for r in results if r.theirs_status == "error"]
    print(f"symdiff.simplify failed on {len(ours_failed)}; sympy.simplify timed out on {timeouts} "
          f"(cap {options.sympy_seconds:g} s{f', {overran} of them overran it' if overran else ''}), "
          f"raised on {len(sympy_errors)}; SymPy could not build or count "
          f"{sum(r.theirs_status == 'conversion' for r in results)} in {options.convert_seconds:g} s (left out)")
    for r in ours_failed[:5]:
        print(f"  ours failed: {r.case.name}: {r.ours_error}")
    for r in sympy_errors[:3]:
        print(f"  sympy raised: {r.case.name}: {r.theirs_error}")

    ours_t = [r.ours_seconds for r in done]
    theirs_t = [r.theirs_seconds for r in compared]
    speedups = [r.theirs_seconds / max(r.ours_seconds, 1e-6) for r in compared]
    median_ours, median_theirs = statistics.median(ours_t), statistics.median(theirs_t) if theirs_t else math.nan
    speedup = median_theirs / median_ours if median_ours else math.inf
    print("time              median      p90        max")
    print(f"  symdiff   {milliseconds(median_ours):>11} {milliseconds(quantile(ours_t, 0.9)):>10} "
          f"{milliseconds(max(ours_t)):>10}   (total {sum(ours_t):.1f} s)")
    if theirs_t:
        print(f"  sympy     {milliseconds(median_theirs):>11} {milliseconds(quantile(theirs_t, 0.9)):>10} "
              f"{milliseconds(max(theirs_t)):>10}   (total {sum(theirs_t):.1f} s; timeouts count as the cap)")
        print(f"  median time ratio sympy/symdiff: {speedup:.1f}x (ratio of medians); per-expression ratio: "
              f"median {statistics.median(speedups):.1f}x, p10 {quantile(speedups, 0.1):.1f}x   "
              f"[target >= {TARGET_SPEEDUP:g}x: {verdict(speedup >= TARGET_SPEEDUP)}]")

    no_larger = sum(r.ours_ops <= r.theirs_ops for r in compared)
    share = no_larger / len(compared) if compared else math.nan
    over = [r for r in compared if r.ours_ops > TARGET_MAX_RATIO * max(r.theirs_ops, 1)]
    strictly_smaller = sum(r.ours_ops < r.theirs_ops for r in compared)
    print(f"size (count_ops): ours <= sympy's on {no_larger}/{len(compared)} = {share:.1%} "
          f"[target >= {TARGET_SHARE_NO_LARGER:.0%}: {verdict(share >= TARGET_SHARE_NO_LARGER)}]; "
          f"strictly smaller on {strictly_smaller}")
    print(f"  ours > {TARGET_MAX_RATIO:g}x sympy's on {len(over)} [target 0: {verdict(not over)}]")
    sizable = [r for r in compared if r.input_ops >= 10]
    if sizable and len(sizable) < len(compared):
        print(f"  on the {len(sizable)} whose input has >= 10 ops: ours <= sympy's on "
              f"{sum(r.ours_ops <= r.theirs_ops for r in sizable) / len(sizable):.1%}, > {TARGET_MAX_RATIO:g}x on "
              f"{sum(r.ours_ops > TARGET_MAX_RATIO * max(r.theirs_ops, 1) for r in sizable)}")
    print(f"  median size: input {statistics.median(r.input_ops for r in compared) if compared else 0:g}, "
          f"ours {statistics.median(r.ours_ops for r in compared) if compared else 0:g}, "
          f"sympy {statistics.median(r.theirs_ops for r in compared) if compared else 0:g}; "
          f"median size ratio ours/sympy {statistics.median(r.ratio for r in compared) if compared else 0:.3f}")
    wrong = [r for r in done if r.wrong]
    print(f"  our result differs in value from the input (real points) on {len(wrong)}")
    for r in wrong[:10]:
        print(f"    WRONG {r.case.name}: {clip(str(r.case.expr), 300)}\n      -> {clip(str(r.ours), 300)}\n"
              f"      {r.wrong}")

    again = [r for r in done if r.again is not None]
    print(f"  not idempotent (simplify(ours) is not ours) on {len(again)}")
    for r in again[:5]:
        print(f"    {r.case.name}: {clip(str(r.ours), 200)}\n      -> {clip(str(r.again), 200)}")

    worst = sorted((r for r in compared if r.ours_ops > r.theirs_ops),
                   key=lambda r: (r.ratio, r.ours_ops - r.theirs_ops), reverse=True)[:options.worst]
    if worst:
        print(f"  worst size ratios ({len(worst)} of {len(compared) - no_larger} where ours is larger):")
        for r in worst:
            theirs = sympy.sstr(r.theirs) if r.theirs is not None else f"({r.theirs_status}: input kept)"
            print(f"    {r.ratio:.2f}x ({r.ours_ops} vs {r.theirs_ops} ops) {r.case.name}{r.case.where}\n"
                  f"      input:   {clip(str(r.case.expr), 400)}\n"
                  f"      symdiff: {clip(str(r.ours), 400)}\n"
                  f"      sympy:   {clip(theirs, 400)}")

    figures = {"share": share, "over": len(over), "speedup": speedup, "count": len(results)}
    origins = sorted({r.case.origin for r in compared if r.case.origin})
    if origins:
        print("  per source system: expressions compared, ours <= sympy's, ours > 1.5x, median ratio ours/sympy, "
              "median time ratio sympy/symdiff")
        for origin in origins:
            mine = [r for r in compared if r.case.origin == origin]
            mine_no_larger = sum(r.ours_ops <= r.theirs_ops for r in mine)
            mine_over = sum(r.ours_ops > TARGET_MAX_RATIO * max(r.theirs_ops, 1) for r in mine)
            mine_speed = statistics.median(r.theirs_seconds for r in mine) / max(
                statistics.median(r.ours_seconds for r in mine), 1e-9)
            print(f"    {origin:10} {len(mine):5}  {mine_no_larger / len(mine):7.1%}  {mine_over:4}  "
                  f"{statistics.median(r.ratio for r in mine):6.3f}  {mine_speed:7.1f}x")
    zero_cases = [r for r in results if r.case.integrand is not None]
    if zero_cases:
        ours_zero = sum(bool(r.zero_ours) for r in zero_cases)
        theirs_zero = sum(bool(r.zero_theirs) for r in zero_cases)
        zero_timeouts = sum(r.zero_theirs_status == "timeout" for r in zero_cases)
        only_theirs = [r for r in zero_cases if r.zero_theirs and not r.zero_ours]
        only_ours = sum(1 for r in zero_cases if r.zero_ours and not r.zero_theirs)
        print(f"derivative - integrand proved 0: symdiff {ours_zero}/{len(zero_cases)}, sympy {theirs_zero}/"
              f"{len(zero_cases)} (sympy timed out on {zero_timeouts}); only symdiff {only_ours}, only sympy "
              f"{len(only_theirs)}   [target symdiff >= sympy: {verdict(ours_zero >= theirs_zero)}]")
        for r in only_theirs[:5]:
            print(f"    only sympy: {r.case.name}: derivative {clip(str(r.case.expr), 200)}; integrand "
                  f"{clip(str(r.case.integrand), 200)}")
        figures.update(ours_zero=ours_zero, theirs_zero=theirs_zero, zero_count=len(zero_cases))
        reference = SYMPY_ZERO_REFERENCE.get(options.corpus_name)
        if reference:
            print(f"  issue 19's reference, SymPy on the whole of {options.corpus_name}: {reference[0]:,} of "
                  f"{reference[1]:,} = {reference[0] / reference[1]:.1%}; symdiff here "
                  f"{ours_zero / len(zero_cases):.1%} of {len(zero_cases)}   "
                  f"[target >= {reference[0] / reference[1]:.1%}: "
                  f"{verdict(ours_zero / len(zero_cases) >= reference[0] / reference[1])}]")
            figures["zero_reference"] = reference
    return figures


def revision() -> str:
    """The checkout's commit (with + when the working tree has changes, and how many files of symdiff/ differ
    from it: the package measured), and the time, for the record."""
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        package = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "symdiff"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=10, check=False).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return f"an unknown commit ({now})"
    if not commit:
        return f"an unknown commit ({now})"
    changed = sum(1 for line in package if line.strip())
    return f"commit {commit}{'+' if dirty else ''} ({changed} files of symdiff/ changed; {now})"


def write_json(path: str, results: dict) -> None:
    with open(path, "w") as handle:
        for rs in results.values():
            for r in rs:
                handle.write(json.dumps({
                    "source": r.case.source, "name": r.case.name, "input": str(r.case.expr),
                    "ours": None if r.ours is None else str(r.ours), "ours_error": r.ours_error,
                    "ours_seconds": r.ours_seconds, "theirs": None if r.theirs is None else sympy.sstr(r.theirs),
                    "theirs_status": r.theirs_status, "theirs_seconds": r.theirs_seconds,
                    "input_ops": r.input_ops, "ours_ops": r.ours_ops, "theirs_ops": r.theirs_ops,
                    "wrong": r.wrong, "not_idempotent": r.again is not None,
                    "zero_ours": r.zero_ours, "zero_theirs": r.zero_theirs, "origin": r.case.origin,
                    "maxima": r.maxima, "maxima_ops": r.maxima_ops, "maxima_seconds": r.maxima_seconds,
                    "maxima_status": r.maxima_status, "maxima_wrong": r.maxima_wrong}) + "\n")


# ---- main ---------------------------------------------------------------------------------------------------

def resolve(name: str) -> Path:
    path = find(name)
    if path is None:
        raise SystemExit(f"no corpus file {name!r} (looked in . and {CORPUS})")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus file (path or name in ../shared/corpus)")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N corpus pairs")
    parser.add_argument("--random", type=int, default=100, help="number of random expressions (default 100)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random expressions (default 0)")
    parser.add_argument("--sympy-seconds", type=float, default=3.0, help="cap per sympy.simplify (default 3)")
    parser.add_argument("--ours-seconds", type=float, default=60.0, help="cap per symdiff.simplify (default 60)")
    parser.add_argument("--convert-seconds", type=float, default=20.0,
                        help="cap per conversion to SymPy and count_ops (default 20)")
    parser.add_argument("--real", action="store_true", help="give SymPy real symbols (symdiff's semantics)")
    parser.add_argument("--worst", type=int, default=10, help="how many worst size ratios to list")
    parser.add_argument("--json", metavar="FILE", help="also write one JSON line per expression to FILE")
    parser.add_argument("--external", default=str(DEFAULT_EXTERNAL),
                        help="external problems file (default benchmarks/data/external_problems.jsonl)")
    parser.add_argument("--external-limit", type=int, default=None,
                        help="read only the first N external problems (0: none)")
    parser.add_argument("--maxima", choices=("auto", "off"), default="auto",
                        help="auto: also run Maxima when installed (default); off: never")
    parser.add_argument("--maxima-on", default="external",
                        help="comma-separated sources to give Maxima (default external)")
    parser.add_argument("--maxima-seconds", type=float, default=10.0, help="cap per Maxima expression (default 10)")
    options = parser.parse_args(argv)

    errors: list = []
    path = resolve(options.corpus) if options.limit != 0 else None
    corpus, skipped = read_corpus(path, options.limit, errors) if path else ([], 0)
    corpus_errors = len(errors)
    options.corpus_name = path.name if path else ""
    externals, constant = [], 0
    if options.external_limit != 0:
        external_path = Path(options.external)
        if external_path.exists():
            externals, constant = read_external(external_path, options.external_limit, errors)
        else:
            print(f"no external problems file {external_path}: run benchmarks/external_problems.py")
    generator = RandomExpressions(options.seed)
    randoms = []
    for i in range(options.random):
        _, derivative = generator.expression()
        randoms.append(Case("random", f"random-{i}", derivative))
    print(f"symdiff.simplify at {revision()} vs sympy.simplify (SymPy {sympy.__version__}), "
          f"symbols {'real' if options.real else 'complex (to_sympy default)'} for SymPy; "
          f"sympy cap {options.sympy_seconds:g} s")
    if path:
        print(f"corpus {path.name}: {len(corpus)} derivatives ({skipped} pairs with I skipped, "
              f"{corpus_errors} failed to parse/differentiate); random: {len(randoms)} (seed {options.seed})")
    if externals or constant:
        print(f"external problems {Path(options.external).name}: {len(externals)} derivatives ({constant} constant "
              f"derivatives left out, {len(errors) - corpus_errors} failed to parse/differentiate); by source: "
              + ", ".join(
                  f"{o} {sum(c.origin == o for c in externals)}" for o in dict.fromkeys(c.origin for c in externals)))
    for name, kind, message in errors[:5]:
        print(f"  {kind} failure {name}: {message}")
    maxima = shutil.which("maxima") if options.maxima == "auto" else None
    if options.maxima == "off":
        print("Maxima: off (--maxima off)")
    elif maxima is None:
        print("Maxima: not installed (no `maxima` on PATH; Debian: apt-get install maxima): its section is skipped")
    else:
        version = subprocess.run(["maxima", "--version"], check=False, capture_output=True, text=True,
                                 timeout=60).stdout.strip()
        print(f"Maxima: {version} ({maxima}), ratsimp/trigsimp on {options.maxima_on}, "
              f"cap {options.maxima_seconds:g} s per expression")

    symdiff.simplify("x^2*exp(x) + 2*x*exp(x)")  # warm-up: imports FLINT and the rule table
    sympy.simplify(sympy.sin(sympy.Symbol("x")) ** 2 + sympy.cos(sympy.Symbol("x")) ** 2)

    results = {"corpus": [], "random": [], "external": []}
    started = time.time()
    cases = corpus + randoms + externals
    try:
        for i, case in enumerate(cases):
            results[case.source].append(measure(case, options, seed=i))
            if (i + 1) % 10 == 0 or i + 1 == len(cases):
                timeouts = sum(r.theirs_status == "timeout" for rs in results.values() for r in rs)
                print(f"[{i + 1}/{len(cases)}] {time.time() - started:.0f} s, sympy timeouts {timeouts}",
                      file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print(f"\ninterrupted after {sum(map(len, results.values()))} of {len(cases)}: partial results")

    if maxima:
        try:
            for source in options.maxima_on.split(","):
                maxima_pass(results.get(source.strip(), []), options)
        except KeyboardInterrupt:
            print("\nMaxima interrupted: partial results")
    if options.json:
        write_json(options.json, results)
    figures = {source: summarize(source, rs, options) for source, rs in results.items() if rs}
    maxima_figures = {}
    for source in options.maxima_on.split(",") if maxima else ():
        maxima_figures[source.strip()] = summarize_maxima(source.strip(), results.get(source.strip(), []), options)
    print("\n=== targets of issue 19 ===")
    print("source     share ours<=sympy (>=95%)   ours>1.5x sympy (0)   median speed-up (>=20x)   "
          "proved 0 ours/sympy of N (ours>=sympy; SymPy's whole-file share)")
    for source, f in figures.items():
        if not f:
            continue
        zero = "-"
        if "ours_zero" in f:
            zero = f"{f['ours_zero']}/{f['theirs_zero']} of {f['zero_count']} " \
                   f"{verdict(f['ours_zero'] >= f['theirs_zero'])}"
            if "zero_reference" in f:
                done, of = f["zero_reference"]
                zero += f"; {f['ours_zero'] / f['zero_count']:.1%} vs SymPy's {done:,}/{of:,} = {done / of:.1%} " \
                        f"{verdict(f['ours_zero'] / f['zero_count'] >= done / of)}"
        print(f"{source:10} {f['share']:>8.1%} {verdict(f['share'] >= TARGET_SHARE_NO_LARGER):>8}   "
              f"{f['over']:>10} {verdict(f['over'] == 0):>8}   "
              f"{f['speedup']:>10.1f}x {verdict(f['speedup'] >= TARGET_SPEEDUP):>8}       {zero}")
    for source, f in maxima_figures.items():
        if f:
            print(f"{source:10} vs Maxima: ours <= Maxima's {f['share']:.1%} of {f['count']}, "
                  f"ours > 1.5x Maxima's on {f['over']}")
    if options.maxima == "auto" and not maxima:
        print("Maxima: not installed, skipped")
    print(f"total run time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
