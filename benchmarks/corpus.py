#!/usr/bin/env python3
"""symdiff over the external antiderivative corpus (the Rubi integration tests; see ../shared/corpus/README.md).

    python benchmarks/corpus.py [FILE ...] [--limit N] [--simplify-seconds S] [--no-sympy]

FILE is a path or a short name: sample (sample_small.jsonl, 300 pairs), textbook (rubi_textbook.jsonl, 1638),
sympy (antiderivatives.jsonl, 5154), suite (rubi_suite_elementary.jsonl.gz, 44665); default: all four.
Run by hand, not by pytest; tests/test_corpus.py runs the sample on every CI run.

For every pair the antiderivative is differentiated and the derivative compared with the integrand:
  * parse both sides (failures are counted, with the first messages);
  * differentiate the antiderivative in `var`;
  * numerically, at 3 random points (parameters and x uniform in 0.2..1.5, a seed per pair) on complex
    principal branches with symdiff.numeric, retrying points where a side is not finite; a point where the two
    differ by more than 1e-6 relative is evaluated again at 60 digits with mpmath on the exactly converted
    SymPy tree, independently of symdiff.numeric, and is a disagreement only if the difference remains there
    (the pairs where only the second evaluation agrees are listed: an evaluator artefact such as cancellation
    in floating point or a signed zero picking the other side of a branch cut);
  * whether symdiff.simplify(derivative - integrand) is exactly 0, and (unless --no-sympy) whether
    sympy.simplify(to_sympy(derivative) - to_sympy(integrand)) == 0 within --simplify-seconds;
  * for each disagreement, whether SymPy's own derivative of the antiderivative matches the integrand: if it
    does, symdiff is wrong; if it does not either, the corpus pair is.
Pairs using the imaginary unit I are skipped (symdiff has no imaginary unit). An exception on one pair is
counted and reported; it never stops the run. Ctrl-C (or kill) prints the summary of what has been done so
far. A long run can be saved pair by pair (--results run.jsonl), resumed (--start N) and summarized from the
saved files (--summarize run.jsonl more.jsonl).
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import math
import random
import signal
import statistics
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff  # noqa: E402
from symdiff.core.build import sub  # noqa: E402
from symdiff.core.expr import ZERO  # noqa: E402
from symdiff.core.errors import EvaluationError
from symdiff.numeric.values import numeric_value  # noqa: E402
from symdiff.interop.verify import SympyTimeout, time_limit  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
FILES = {
    "sample": "sample_small.jsonl",
    "textbook": "rubi_textbook.jsonl",
    "sympy": "antiderivatives.jsonl",
    "suite": "rubi_suite_elementary.jsonl.gz",
}
ALIASES = {"antiderivatives": "sympy", "sample_small": "sample", "rubi_textbook": "textbook",
           "rubi_suite_elementary": "suite", "elementary": "suite"}

TOLERANCE = 1e-6
POINTS = 3
ATTEMPTS = 60
LOW, HIGH = 0.2, 1.5
DIGITS = 60  # twice symdiff.numeric's 30: cancellation among large terms leaves noise near 1e-30


# ---- numeric comparison --------------------------------------------------------------------------------

def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _finite(z: complex) -> bool:
    return math.isfinite(z.real) and math.isfinite(z.imag)


def _mpmath_evaluator(sympy_exprs, names):
    """Values of SymPy expressions at DIGITS digits, complex arguments (principal branches, no signed zeros)."""
    import mpmath
    import sympy
    symbols = [sympy.Symbol(n) for n in names]
    functions = [sympy.lambdify(symbols, e, modules="mpmath") for e in sympy_exprs]

    def values(point):
        with mpmath.workdps(DIGITS):
            arguments = [mpmath.mpc(point[n]) for n in names]
            return [complex(f(*arguments)) for f in functions]
    return values


def _points(names, seed):
    rng = random.Random(seed)
    for _ in range(ATTEMPTS):
        yield {n: rng.uniform(LOW, HIGH) for n in names}


def compare(derivative, integrand, var: str, seed: int):
    """(verdict, detail, rescued): verdict "agree", "disagree" or "undefined" (no point where both are finite);
    rescued is the largest relative difference by symdiff.numeric at a point that agreed only in the second
    evaluation (0.0 when symdiff.numeric sufficed everywhere)."""
    names = sorted(derivative.free_symbols | integrand.free_symbols | {var})
    precise = None
    tested, rescued, last_error = 0, 0.0, ""
    for point in _points(names, seed):
        complex_point = {n: complex(v) for n, v in point.items()}
        try:
            a = complex(numeric_value(derivative, complex_point, complex_values=True))
            b = complex(numeric_value(integrand, complex_point, complex_values=True))
        except (EvaluationError, OverflowError, ZeroDivisionError, ValueError) as error:
            last_error = str(error)
            continue
        if not (_finite(a) and _finite(b)):
            last_error = "not finite"
            continue
        if not _close(a, b):
            if precise is None:
                precise = _mpmath_evaluator([symdiff.to_sympy(derivative), symdiff.to_sympy(integrand)], names)
            try:
                a2, b2 = precise(point)
            except Exception as error:  # noqa: BLE001 - cannot confirm: the float difference stands
                return "disagree", f"at {_show(point)}: {a:.10g} vs {b:.10g} (not checked at {DIGITS} digits: " \
                                   f"{type(error).__name__})", rescued
            if not _close(a2, b2):
                return "disagree", f"at {_show(point)}: derivative {a2:.10g}, integrand {b2:.10g}", rescued
            rescued = max(rescued, abs(a - b) / max(abs(a), abs(b)))
        tested += 1
        if tested == POINTS:
            return "agree", "", rescued
    return "undefined", last_error or "no finite point", rescued


def _show(point) -> str:
    return ", ".join(f"{n}={v:.4g}" for n, v in point.items())


def sympy_reference_agrees(antiderivative, integrand, var: str, seed: int):
    """Does SymPy's own derivative of the antiderivative match the integrand (at DIGITS digits)? True, False, or
    None when no point could be evaluated. Functions symdiff does not know (acoth, ...) are given SymPy's."""
    import sympy
    from sympy.core.function import AppliedUndef

    def known(obj):
        for application in obj.atoms(AppliedUndef):
            function = getattr(sympy, type(application).__name__, None)
            if isinstance(function, type) and issubclass(function, sympy.Function):
                obj = obj.replace(type(application), function)
        return obj

    big_f, small_f = known(symdiff.to_sympy(antiderivative)), known(symdiff.to_sympy(integrand))
    derivative = sympy.diff(big_f, sympy.Symbol(var))
    names = sorted({s.name for s in derivative.free_symbols | small_f.free_symbols} | {var})
    values = _mpmath_evaluator([derivative, small_f], names)
    tested = 0
    for point in _points(names, seed):
        try:
            a, b = values(point)
        except Exception:  # noqa: BLE001 - not defined there: draw another point
            continue
        if not (_finite(a) and _finite(b)):
            continue
        if not _close(a, b):
            return False
        tested += 1
        if tested == POINTS:
            return True
    return None if tested == 0 else True


# ---- one pair ------------------------------------------------------------------------------------------

@dataclass
class Outcome:
    id: str
    status: str = "ok"                 # ok, skipped, parse, diff, timeout
    verified: object = None
    verdict: str | None = None         # agree, disagree, undefined (numeric)
    detail: str = ""
    rescued: float = 0.0               # symdiff.numeric's relative difference where only the re-check agreed
    ours_zero: bool = False
    sympy: str | None = None           # zero, nonzero, timeout, error
    symdiff_time: float | None = None
    sympy_time: float | None = None
    reference: object = None           # SymPy's derivative vs the integrand, for disagreements
    printing: str = ""                 # a text/LaTeX round-trip problem
    errors: list = field(default_factory=list)  # (stage, message)


def run_pair(row: dict, options) -> Outcome:
    out = Outcome(row["id"], verified=row.get("verified"))
    if "I" in row.get("constants", ()):
        out.status = "skipped"
        return out
    var = row.get("var", "x")
    seed = zlib.crc32(row["id"].encode())
    start = time.perf_counter()
    try:
        with time_limit(options.symdiff_seconds):
            try:
                antiderivative = symdiff.parse(row["antiderivative"])
                integrand = symdiff.parse(row["integrand"])
            except Exception as error:  # noqa: BLE001
                out.status = "parse"
                out.errors.append(("parse", f"{type(error).__name__}: {error}"))
                return out
            try:
                derivative = symdiff.diff(antiderivative, var)
            except Exception as error:  # noqa: BLE001
                out.status = "diff"
                out.errors.append(("diff", f"{type(error).__name__}: {error}"))
                return out
            try:
                out.ours_zero = symdiff.simplify(sub(derivative, integrand)) is ZERO
            except Exception as error:  # noqa: BLE001
                out.errors.append(("simplify", f"{type(error).__name__}: {error}"))
    except SympyTimeout:
        out.status = "timeout"
        out.errors.append(("symdiff", f"over {options.symdiff_seconds:g} s"))
        return out
    out.symdiff_time = time.perf_counter() - start

    try:
        with time_limit(options.check_seconds):
            out.verdict, out.detail, out.rescued = compare(derivative, integrand, var, seed)
    except SympyTimeout:
        out.errors.append(("numeric", f"comparison over {options.check_seconds:g} s"))
    except Exception as error:  # noqa: BLE001
        out.errors.append(("numeric", f"{type(error).__name__}: {error}"))

    if out.verdict in ("disagree", "undefined") or out.verdict is None:
        try:
            with time_limit(options.check_seconds):
                out.reference = sympy_reference_agrees(antiderivative, integrand, var, seed)
        except SympyTimeout:
            out.reference = "timeout"
        except Exception as error:  # noqa: BLE001
            out.reference = f"error ({type(error).__name__})"

    try:
        printed = symdiff.text(derivative)
        if symdiff.parse(printed) is not derivative:
            out.printing = "text does not parse back to the same expression"
        symdiff.latex(derivative)
    except Exception as error:  # noqa: BLE001
        out.printing = f"{type(error).__name__}: {error}"

    if options.sympy:
        import sympy
        try:
            difference = symdiff.to_sympy(derivative) - symdiff.to_sympy(integrand)
            begin = time.perf_counter()
            try:
                with time_limit(options.simplify_seconds):
                    out.sympy = "zero" if sympy.simplify(difference) == 0 else "nonzero"
            except SympyTimeout:
                out.sympy = "timeout"
            out.sympy_time = time.perf_counter() - begin
        except Exception as error:  # noqa: BLE001
            out.sympy = "error"
            out.errors.append(("sympy", f"{type(error).__name__}: {error}"))
    return out


# ---- a file --------------------------------------------------------------------------------------------

def resolve(name: str) -> Path:
    key = ALIASES.get(name, name)
    if key in FILES:
        return CORPUS / FILES[key]
    path = Path(name)
    if path.exists():
        return path
    if (CORPUS / name).exists():
        return CORPUS / name
    raise SystemExit(f"corpus.py: no corpus file {name!r} (short names: {', '.join(FILES)}; folder {CORPUS})")


def read_pairs(path: Path, limit: int | None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                rows.append(json.loads(line))
                if limit is not None and len(rows) >= limit:
                    break
    return rows


def run_file(path: Path, options) -> list[Outcome]:
    rows = read_pairs(path, options.limit)
    outcomes: list[Outcome] = []
    start = time.perf_counter()
    label = path.name
    results = open(options.results, "a", encoding="utf-8") if options.results else None
    try:
        for number, row in enumerate(rows, 1):
            if number <= options.start:
                continue
            try:
                outcome = run_pair(row, options)
            except Exception as error:  # noqa: BLE001 - never abort the run
                outcome = Outcome(row.get("id", f"line {number}"), status="crash", verified=row.get("verified"))
                outcome.errors.append(("run", f"{type(error).__name__}: {error}"))
            outcomes.append(outcome)
            if results is not None:
                record = {"file": path.name, "pairs": len(rows), "number": number, **asdict(outcome)}
                results.write(json.dumps(record) + "\n")
                results.flush()
            if number % options.progress == 0 or number == len(rows):
                bad = sum(o.verdict == "disagree" for o in outcomes)
                print(f"[{label}] {number}/{len(rows)} pairs, {time.perf_counter() - start:.1f} s, "
                      f"{bad} disagreeing", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        print(f"[{label}] interrupted after {len(outcomes)} pairs: summary of those", file=sys.stderr)
        options.interrupted = True
    finally:
        if results is not None:
            results.close()
    summarize(path, len(rows), outcomes, options, time.perf_counter() - start)
    return outcomes


def summarize_results(files, options) -> None:
    """The summaries of runs saved with --results (several partial runs of a file are combined; a pair run
    twice counts once, the last time)."""
    by_file: dict = {}
    totals: dict = {}
    for name in files:
        with open(name, encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                record = json.loads(line)
                corpus_file, total = record.pop("file"), record.pop("pairs")
                record.pop("number", None)
                record["errors"] = [tuple(e) for e in record.get("errors", [])]
                by_file.setdefault(corpus_file, {})[record["id"]] = Outcome(**record)
                totals[corpus_file] = total
    for corpus_file, outcomes in by_file.items():
        if options.sympy:
            options.sympy = any(o.sympy is not None for o in outcomes.values())
        seconds = sum((o.symdiff_time or 0) + (o.sympy_time or 0) for o in outcomes.values())
        summarize(Path(corpus_file), totals[corpus_file], list(outcomes.values()), options, seconds)


# ---- the summary ---------------------------------------------------------------------------------------

def _ids(outcomes, show: int) -> str:
    ids = [o.id for o in outcomes]
    text = ", ".join(ids[:show])
    return text + (f", ... ({len(ids) - show} more)" if len(ids) > show else "")


def _times(values) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, math.ceil(0.9 * len(ordered)) - 1)]
    return (f"median {statistics.median(ordered) * 1000:.2f} ms, p90 {p90 * 1000:.2f} ms, "
            f"max {ordered[-1] * 1000:.1f} ms, total {sum(ordered):.1f} s")


def _reference(value) -> str:
    return {True: "SymPy's derivative AGREES with the integrand (symdiff is wrong)",
            False: "SymPy's derivative disagrees too",
            None: "SymPy's derivative could not be evaluated"}.get(value, f"SymPy reference: {value}")


def summarize(path: Path, total: int, outcomes: list[Outcome], options, seconds: float) -> None:
    show = options.show
    line = lambda label, value, note="": print(f"  {label:<46}{value:>7}{('   ' + note) if note else ''}")  # noqa: E731
    by_status = collections.Counter(o.status for o in outcomes)
    run = [o for o in outcomes if o.status == "ok"]
    expected_false = [o for o in outcomes if o.verified is False and o.status != "skipped"]
    regular = [o for o in run if o.verified is not False]
    agree = [o for o in regular if o.verdict == "agree"]
    rescued = [o for o in agree if o.rescued]
    disagree = [o for o in regular if o.verdict == "disagree"]
    undefined = [o for o in regular if o.verdict == "undefined"]
    unchecked = [o for o in regular if o.verdict is None]

    print(f"\n== {path.name}: {len(outcomes)} of {total} pairs in {seconds:.1f} s ==")
    line("pairs", len(outcomes))
    line("skipped (uses the imaginary unit I)", by_status["skipped"])
    parsed = len(outcomes) - by_status["skipped"] - by_status["parse"] - by_status["crash"]
    line("parsed", parsed, f"parse failures: {by_status['parse']}")
    for o in [o for o in outcomes if o.status == "parse"][:5]:
        print(f"      {o.id}: {o.errors[0][1][:200]}")
    line("differentiated", len(run), f"errors: {by_status['diff']}, over {options.symdiff_seconds:g} s: "
                                     f"{by_status['timeout']}, crashes: {by_status['crash']}")
    for o in [o for o in outcomes if o.status in ("diff", "timeout", "crash")][:show]:
        marked = " (a pair the corpus marks verified=false)" if o.verified is False else ""
        print(f"      {o.id}: {o.errors[0][1][:200]}{marked}")
    line("numerically agreeing", len(agree))
    if rescued:
        line("  of which agree only on the SymPy tree", len(rescued), "(symdiff.numeric's values differ)")
        print("      " + ", ".join(f"{o.id} ({o.rescued:.1e})" for o in rescued[:show])
              + (f", ... ({len(rescued) - show} more)" if len(rescued) > show else ""))
        print("      (in parentheses: the relative difference by symdiff.numeric)")
    line("disagreeing", len(disagree))
    for o in disagree[:show]:
        print(f"      {o.id}: {_reference(o.reference)}; {o.detail[:160]}")
    corpus_wrong = [o for o in disagree if o.reference is False]
    if corpus_wrong:
        line("  corpus disagrees with symdiff AND SymPy", len(corpus_wrong))
        print(f"      {_ids(corpus_wrong, show)}")
    symdiff_wrong = [o for o in disagree if o.reference is True]
    line("  SymPy agrees with the corpus (symdiff wrong)", len(symdiff_wrong))
    if undefined:
        line("no point where both sides are finite", len(undefined))
        reasons = collections.Counter(o.detail for o in undefined)
        for reason, count in reasons.most_common(8):
            which = [o for o in undefined if o.detail == reason]
            refs = collections.Counter(str(o.reference) for o in which)
            print(f"      {count} x {reason[:100]}  [SymPy reference agrees: {dict(refs)}]: {_ids(which, 8)}")
    if unchecked:
        line("numeric comparison failed (error/time)", len(unchecked), _ids(unchecked, show))
    false_agree = [o for o in expected_false if o.verdict == "agree"]
    line("verified=false pairs (expected to disagree)", len(expected_false),
         f"disagree as expected: {len(expected_false) - len(false_agree)}"
         + (f"; AGREE: {_ids(false_agree, show)}" if false_agree else ""))
    for o in expected_false[:show]:
        print(f"      {o.id}: " + (f"{o.verdict} {o.detail[:120]}" if o.status == "ok" else
                                   f"not differentiated ({o.errors[0][1][:120]})"))
    printing = [o for o in run if o.printing]
    line("text/LaTeX round-trip failures", len(printing))
    for o in printing[:show]:
        print(f"      {o.id}: {o.printing[:160]}")
    line("symdiff.simplify(derivative - integrand) is 0", sum(o.ours_zero for o in run))
    if options.sympy:
        sympy_counts = collections.Counter(o.sympy for o in run)
        line("sympy.simplify(derivative - integrand) == 0", sympy_counts["zero"],
             f"timeouts ({options.simplify_seconds:g} s): {sympy_counts['timeout']}, "
             f"errors: {sympy_counts['error']}, not proved: {sympy_counts['nonzero']}")
        line("  proved 0 by both simplifiers", sum(o.ours_zero and o.sympy == "zero" for o in run))
    print(f"  symdiff time (parse + diff + simplify):  {_times([o.symdiff_time for o in run])}")
    if options.sympy:
        print(f"  sympy.simplify time (capped):            {_times([o.sympy_time for o in run if o.sympy_time])}")
    other = collections.Counter((stage, message[:100]) for o in run for stage, message in o.errors)
    if other:
        print("  other errors:")
        for (stage, message), count in other.most_common(10):
            print(f"      {count} x [{stage}] {message}")
    sys.stdout.flush()


def _revision() -> str:
    """The checkout's commit, and whether symdiff's code differs from it, so that saved figures say what they
    measured."""
    import subprocess

    def git(*arguments) -> str:
        return subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout
    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--", "symdiff", "grammar").strip()
    except (OSError, subprocess.SubprocessError):
        return "revision unknown"
    if not commit:
        return "revision unknown"
    return f"commit {commit}" + (", with local changes to symdiff/" if changed else "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help=f"corpus files or short names ({', '.join(FILES)}); default: all four")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N pairs of each file")
    parser.add_argument("--simplify-seconds", type=float, default=2.0, metavar="S",
                        help="time cap per pair for sympy.simplify (default 2)")
    parser.add_argument("--no-sympy", dest="sympy", action="store_false", help="skip sympy.simplify")
    parser.add_argument("--symdiff-seconds", type=float, default=60.0, metavar="S",
                        help="time cap per pair for symdiff's parse + diff + simplify (default 60)")
    parser.add_argument("--check-seconds", type=float, default=60.0, metavar="S",
                        help="time cap per pair for the numeric comparisons (default 60)")
    parser.add_argument("--progress", type=int, default=250, metavar="N", help="progress line every N pairs")
    parser.add_argument("--show", type=int, default=60, metavar="N", help="list at most N ids per category")
    parser.add_argument("--results", metavar="JSONL", help="append each pair's outcome to this file as it is done")
    parser.add_argument("--start", type=int, default=0, metavar="N",
                        help="skip the first N pairs of each file (to resume a run saved with --results)")
    parser.add_argument("--summarize", nargs="+", metavar="JSONL",
                        help="print the summaries of runs saved with --results, and run nothing")
    options = parser.parse_args(argv)
    options.interrupted = False
    if options.summarize:
        summarize_results(options.summarize, options)
        return 0
    # `kill` (SIGTERM) stops the run like Ctrl-C: with the summary of what was done
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if not CORPUS.is_dir() and not options.files:
        print(f"corpus.py: the corpus folder {CORPUS} is absent (it lives outside the repository)", file=sys.stderr)
        return 2
    paths = [resolve(name) for name in (options.files or list(FILES))]
    print(f"symdiff {symdiff.__version__} ({_revision()}), corpus {CORPUS}, sympy.simplify "
          + (f"capped at {options.simplify_seconds:g} s" if options.sympy else "skipped (--no-sympy)"))
    for path in paths:
        run_file(path, options)
        if options.interrupted:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
