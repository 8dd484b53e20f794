"""Fuzzing: arbitrary text and arbitrary sequences of the grammar's tokens, through the parser, the whole
pipeline (parse -> diff -> simplify -> print -> parse back) and the command line. The only outcomes allowed
are a result or a SymdiffError (exit status 0 or 2 on the command line): never another exception.

Kept to about 20 s; fuzz/fuzz_pipeline.py runs the same checks for as long as you like (see fuzz/README.md).
Crashes found by fuzzing are at the end, as regression tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import symdiff
from symdiff import api
from symdiff.cli.command import main
from symdiff.core.errors import SymdiffError
from symdiff.core.budget import Budget

# What the grammar's terminals look like, with the accepted look-alikes and a few troublemakers.
TOKENS = [
    "x", "y", "z", "t", "a1", "x_2", "pi", "e", "sin", "cos", "tan", "exp", "log", "ln", "sqrt", "abs", "sign",
    "asin", "atanh", "sec", "f", "g", "D", "E",
    "0", "1", "2", "3", "10", "0.5", "2.", ".5", "1e3", "1e-3", "2.5E+4", "1e308", "1e999", "9" * 40,
    "+", "-", "*", "/", "^", "**", "(", ")", ",", "[", "]", "'", "''", " ", "\t", "\n",
    "·", "×", "−", "÷", "π", "√", "²", "³", "\u00a0", "ℯ", "é", "$", "@", "_", ".", ";", "\x00",
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
SMALL = Budget(max_depth=20, max_digits=60, max_result_digits=400, max_order=6, max_size=20_000,
               max_input_length=400)

token_text = st.lists(st.sampled_from(TOKENS), max_size=24).map("".join)
any_text = st.text(max_size=40)
LEAVES = ["x", "y", "2", "3", "1/2", "0", "0.5", "pi", "e", "1e300", "10^400", "π", "x²"]
FUNCTIONS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "sign", "asin", "atanh", "sec", "f", "√"]
# Text the grammar accepts (mostly): so that the whole pipeline, not only the parser, is exercised.
grammatical = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "^", " ", "·"]), inner).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(st.sampled_from(FUNCTIONS), inner).map(lambda t: f"{t[0]}({t[1]})"),
        inner.map(lambda u: f"-({u})"),
        st.tuples(inner, inner).map(lambda t: f"log({t[0]}, {t[1]})"),
    ),
    max_leaves=10)


def pipeline(text: str) -> None:
    """Everything a caller can do with one input. Raises only what the input causes: a SymdiffError."""
    expr = api.parse(text, budget=SMALL)
    variables = sorted(expr.free_symbols)[:1] or ["x"]
    for level in ("basic", "full", False):
        result = api.diff(expr, *variables, simplify=level, budget=SMALL)
        printed = api.text(result, budget=SMALL)
        api.latex(result, budget=SMALL)
        api.sympy_code(result, standalone=True, budget=SMALL)
        if level:  # the text of a simplified result reads back as the same expression
            assert api.parse(printed) is result, (text, printed)
    api.simplify(expr, budget=SMALL)


@FAST
@given(any_text)
@example("sin(" * 30 + "x")
@example("√" * 3 + "x")
def test_arbitrary_text_parses_or_is_a_symdiff_error(text):
    try:
        symdiff.parse(text)
    except SymdiffError:
        pass


@FAST
@given(token_text)
def test_token_sequences_parse_or_are_a_symdiff_error(text):
    try:
        symdiff.parse(text)
    except SymdiffError:
        pass


@FAST
@given(st.one_of(grammatical, grammatical, token_text, any_text))
def test_whole_pipeline_gives_a_result_or_a_symdiff_error(text):
    try:
        pipeline(text)
    except SymdiffError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.one_of(grammatical, token_text), st.sampled_from([[], ["--wrt", "x"], ["--wrt", "x,y"], ["--order", "2"], ["--latex"],
                                    ["--format", "json"], ["--no-simplify"], ["--simplify-only"],
                                    ["--steps", "--wrt", "x"], ["--wrt", "q"]]))
def test_command_line_exits_0_or_2(capsys, text, options):
    status = main([text, *options]) if not text.startswith("-") else \
        main([*options, "--", text])
    out, err = capsys.readouterr()
    assert status in (0, 2), (text, options, out, err)
    if status == 2:
        assert err.startswith("symdiff: error: ") and "Traceback" not in err


# ---- regressions found by fuzzing (hypothesis and fuzz/fuzz_pipeline.py) ----------------------------------

@pytest.mark.parametrize("text", [
    "1" * 5000,                    # ValueError: Python's 4300-digit int conversion limit
    "0" * 5000 + "1",
    "10^400*0.5",                  # OverflowError: int too large to convert to float
    "10^400 + 0.5",
    "x*1e308*1e308",               # printed inf, which does not parse back
    "x^2^3^4^5^6",                 # ValueError printing 4^15625
    "D[1000000000000](f)(x)",      # MemoryError printing a trillion primes
    "D[" + "9" * 5000 + "](f)(x)",
    "0^-2",                        # division by zero with no position
    "-(log(x, 0))",                # ZeroDivisionError in the derivative of log(x, 0): -log(u)/(v*log(v)^2) at v=0
    "1e3^33101010^33**-10",        # out of memory: 2^(33^10) tried as a 33^10-th root (atheris)
    "12^(1/33^10)",
    "5^(10^8/3)",                  # RecursionError: 5^(10^8/3) split into 5^33333333 * 5^(1/3), merged back
    # RuntimeError "factorisation failed" from FLINT in rational.py (before 08a242a; atheris)
    "xy-999999999999999999999999999999^-x^y9999999999999999999999999999991e308fx/999999999999999999999999999999"
    "√x/x^1010101010101010101010101010101010101010101010101010101010",
])
def test_fuzzing_regressions(text):
    try:
        pipeline(text)
    except SymdiffError:
        pass


def test_fuzzing_regression_flint_factorisation_failed():
    """FLINT's factor() raises RuntimeError('factorisation failed') on some polynomials with huge exponents
    (found by atheris): that candidate form is skipped, and the input ends in a result or a SymdiffError."""
    try:
        pipeline("xy-999999999999999999999999999999^-x^y9999999999999999999999999999991e308fx/"
                 "999999999999999999999999999999√x/x^999999999999999999999999999999xxxxxxyy999999999999999999999"
                 "9999991e308-x/999999999999999999999999999999-xxxxxxxxxxxxx")
    except SymdiffError:
        pass


def test_a_failed_flint_factorisation_falls_back_to_the_common_factor():
    from unittest import mock
    from symdiff.simplification import rational
    with mock.patch.object(rational.RationalForm, "common_factored", wraps=None) as fallback:
        fallback.side_effect = lambda polynomial: ["fallback"]
        form = rational.RationalForm([symdiff.parse("x")])
        polynomial = form.variables[0] ** 2 - form.one

        class Failing:
            def __len__(self):
                return 2

            def factor(self):
                raise RuntimeError("factorisation failed")
        assert form.factored(Failing()) == ["fallback"]
        assert fallback.call_count == 1
        assert len(form.factored(polynomial)) == 3  # content and the two factors, when FLINT succeeds
