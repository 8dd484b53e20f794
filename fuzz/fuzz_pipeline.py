"""Coverage-guided fuzzing of symdiff's whole pipeline with atheris (libFuzzer for Python).

Each input becomes either raw text or a sequence of the grammar's tokens, and goes through
parse -> diff (simplified fully, basically, and not at all) -> simplify -> text, LaTeX and SymPy code ->
parse back. The only outcomes allowed are a result or a SymdiffError; anything else is a crash, which
libFuzzer reports with the input that caused it (crash-<sha1> in the working directory). An input that takes
longer than SLOW seconds is not a crash but is appended to the slow log (the simplifier's speed is tracked
separately). See fuzz/README.md.

    python fuzz/fuzz_pipeline.py fuzz/corpus -max_total_time=600 -timeout=120
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # symdiff from this checkout

with atheris.instrument_imports():
    import symdiff
    from symdiff import api
    from symdiff.core.errors import SymdiffError
    from symdiff.core.budget import Budget

SLOW = float(os.environ.get("SYMDIFF_FUZZ_SLOW", "5"))
SLOW_LOG = os.environ.get("SYMDIFF_FUZZ_SLOW_LOG", "fuzz-slow.txt")
# Smaller than the defaults, so that each input is quick and the limits themselves are exercised.
LIMITS = Budget(max_input_length=2_000, max_depth=40, max_digits=200, max_result_digits=1000, max_order=8,
                max_size=50_000)

TOKENS = [
    "x", "y", "z", "t", "a1", "x_2", "pi", "e", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan",
    "sinh", "cosh", "tanh", "asinh", "atanh", "acoth", "exp", "log", "ln", "sqrt", "abs", "sign", "f", "g", "D",
    "0", "1", "2", "3", "10", "0.5", "2.", ".5", "1e3", "1e-3", "2.5E+4", "1e308", "1e999", "9" * 30,
    "+", "-", "*", "/", "^", "**", "(", ")", ",", "[", "]", "'", " ", "\n",
    "·", "×", "−", "÷", "π", "√", "²", "³", "\u00a0", "ℯ", "$", "_", ".",
]

stats = {"inputs": 0, "parsed": 0, "errors": 0, "slow": 0}


def text_from(data: bytes) -> str:
    provider = atheris.FuzzedDataProvider(data)
    if provider.ConsumeBool():
        return provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    count = provider.ConsumeIntInRange(0, 60)
    return "".join(TOKENS[provider.ConsumeIntInRange(0, len(TOKENS) - 1)] for _ in range(count))


def pipeline(text: str) -> None:
    expr = api.parse(text, budget=LIMITS)
    stats["parsed"] += 1
    variables = sorted(expr.free_symbols)[:1] or ["x"]
    for level in ("full", "basic", False):
        result = api.diff(expr, *variables, simplify=level, budget=LIMITS)
        printed = api.text(result, budget=LIMITS)
        api.latex(result, budget=LIMITS)
        api.sympy_code(result, standalone=True, budget=LIMITS)
        if level:
            back = api.parse(printed)
            if back is not result:
                raise AssertionError(f"text does not parse back: {text!r} -> {printed!r} -> {back}")
    api.simplify(expr, budget=LIMITS)


def test_one_input(data: bytes) -> None:
    text = text_from(data)
    stats["inputs"] += 1
    start = time.perf_counter()
    try:
        pipeline(text)
    except SymdiffError:
        stats["errors"] += 1
    elapsed = time.perf_counter() - start
    if elapsed > SLOW:
        stats["slow"] += 1
        with open(SLOW_LOG, "a", encoding="utf-8") as log:
            log.write(f"{elapsed:.1f}s\t{text!r}\n")
    if stats["inputs"] % 20_000 == 0:
        print(f"#symdiff {stats}", file=sys.stderr, flush=True)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        print(f"#symdiff {stats}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
