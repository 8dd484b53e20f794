"""symdiff against an external corpus: the Rubi integration test suite's integrand/antiderivative pairs.

For each pair of ../shared/corpus/sample_small.jsonl (300 pairs, outside the repository; see its README), the
antiderivative is differentiated and compared with the integrand numerically at random points, on complex
principal branches. The whole corpus (51 000 pairs) is run by hand with benchmarks/corpus.py.

The values come from symdiff.numeric.values's complex evaluation; a point where they differ is evaluated again on
the exactly converted SymPy tree with mpmath at 60 digits, and counts as a disagreement only if the difference
remains there too. So a wrong derivative fails, while an evaluator artefact (cancellation among huge terms such
as 20!*exp(x) - 20!*x*exp(x) + ..., or the side of a branch cut picked by a signed zero when evaluation is in
floating point) cannot.
"""

from __future__ import annotations

import json
import math
import random
import zlib
from pathlib import Path

import pytest

import symdiff
from symdiff.core.errors import EvaluationError
from symdiff.numeric.values import numeric_value

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SAMPLE = CORPUS / "sample_small.jsonl"

if not SAMPLE.is_file():
    pytest.skip(f"the external corpus is not present ({SAMPLE} not found; it lives outside the repository, "
                "at ../shared/corpus/ relative to the repository root)", allow_module_level=True)

TOLERANCE = 1e-6   # relative, as in the corpus' own verification
POINTS = 3
ATTEMPTS = 60      # random points drawn at most, retrying where either side is not finite
LOW, HIGH = 0.2, 1.5
DIGITS = 60  # above symdiff.numeric's 30, where cancellation among large terms leaves noise


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


PAIRS = _load(SAMPLE)


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _finite(z: complex) -> bool:
    return math.isfinite(z.real) and math.isfinite(z.imag)


def _precise(exprs, names):
    """An evaluator of symdiff expressions at DIGITS digits (mpmath through SymPy, complex arguments)."""
    import mpmath
    import sympy
    symbols = [sympy.Symbol(n) for n in names]
    functions = [sympy.lambdify(symbols, symdiff.to_sympy(e), modules="mpmath") for e in exprs]

    def values(point):
        with mpmath.workdps(DIGITS):
            arguments = [mpmath.mpc(point[n]) for n in names]
            return [complex(f(*arguments)) for f in functions]
    return values


def compare(derivative, integrand, var: str, seed: int):
    """("agree" | "disagree" | "undefined", detail): the two expressions at POINTS random points."""
    names = sorted(derivative.free_symbols | integrand.free_symbols | {var})
    rng = random.Random(seed)
    precise = None
    tested = 0
    for _ in range(ATTEMPTS):
        point = {n: rng.uniform(LOW, HIGH) for n in names}
        try:
            a = complex(numeric_value(derivative, {n: complex(v) for n, v in point.items()}, complex_values=True))
            b = complex(numeric_value(integrand, {n: complex(v) for n, v in point.items()}, complex_values=True))
        except (EvaluationError, OverflowError, ZeroDivisionError, ValueError):
            continue
        if not (_finite(a) and _finite(b)):
            continue
        if not _close(a, b):
            precise = precise or _precise([derivative, integrand], names)
            try:
                a, b = precise(point)
            except Exception as error:  # noqa: BLE001 - cannot confirm: the float difference stands
                return "disagree", f"at {point}: {a} vs {b} (not confirmed at {DIGITS} digits: {error})"
            if not _close(a, b):
                return "disagree", f"at {point}: derivative {a} vs integrand {b}"
        tested += 1
        if tested == POINTS:
            return "agree", ""
    return "undefined", f"no point where both sides are finite in {ATTEMPTS} attempts"


@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_derivative_of_antiderivative_is_integrand(pair):
    if "I" in pair["constants"]:
        pytest.skip("uses the imaginary unit")
    antiderivative = symdiff.parse(pair["antiderivative"])
    integrand = symdiff.parse(pair["integrand"])
    derivative = symdiff.diff(antiderivative, pair["var"])

    verdict, detail = compare(derivative, integrand, pair["var"], zlib.crc32(pair["id"].encode()))
    if pair["verified"] is False:  # a known error in the corpus: the derivative must not match it
        assert verdict != "agree", "the corpus marks this pair wrong, yet the derivative matches the integrand"
    else:
        assert verdict == "agree", f"d/d{pair['var']} {pair['antiderivative']} = {derivative}\n{detail}"

    printed = symdiff.text(derivative)
    assert symdiff.parse(printed) is derivative, printed
    assert symdiff.latex(derivative)


def test_sample_is_what_the_readme_describes():
    assert len(PAIRS) == 300
    assert len({p["id"] for p in PAIRS}) == 300
    assert all(p["verified"] is True for p in PAIRS)


@pytest.mark.parametrize("pair", PAIRS[::30], ids=[p["id"] for p in PAIRS[::30]])
def test_comparison_notices_a_wrong_derivative(pair):
    """Negative control, as in the corpus' README: a derivative off by 0.1 % is a disagreement."""
    if "I" in pair["constants"]:
        pytest.skip("uses the imaginary unit")
    derivative = symdiff.diff(pair["antiderivative"], pair["var"])
    wrong = symdiff.parse(f"1001/1000*({symdiff.text(derivative)})")
    verdict, _ = compare(wrong, symdiff.parse(pair["integrand"]), pair["var"], zlib.crc32(pair["id"].encode()))
    assert verdict == "disagree"
