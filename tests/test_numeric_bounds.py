"""Values are bounded in size as well as time: mpmath, which the complex values and the limit tables use, would
carry a tower such as 10^10^10^10 to exact exponents of billions of digits (minutes and gigabytes, in C that
holds the interpreter, so that no time check is reached). A value past 2^100000 is an overflow instead."""

import time

import pytest

import symdiff as sd
from symdiff.core.errors import EvaluationError, Reason
from symdiff.numeric.values import MAX_BITS, numeric_value


@pytest.mark.parametrize("text", ["10^10^10^10", "e^(e^(e^(e^(e^x))))", "exp(exp(exp(exp(x))))*x"])
def test_a_tower_of_powers_is_an_overflow_at_once(text):
    start = time.monotonic()
    with pytest.raises(EvaluationError) as found:
        sd.limit_table(text, "x", 1)
    assert found.value.reason is Reason.OVERFLOW
    assert time.monotonic() - start < 5


def test_the_bound_is_far_past_a_float():
    """Large terms that cancel still come out: the bound is on the intermediate values, far past 2^1024."""
    big = sd.parse("exp(x) - exp(x) + 1")
    assert numeric_value(big, {"x": 5000}, complex_values=True) == 1
    assert MAX_BITS >= 50 * 1024
    with pytest.raises(EvaluationError):
        numeric_value(sd.parse("exp(exp(x))"), {"x": 20}, complex_values=True)


def test_the_tangent_of_a_tower_is_exact():
    assert str(sd.tangent("10^10^10^10", "x=1")) == "y = 10^(10^10000000000)"
