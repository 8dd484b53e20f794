"""The time budget (Budget.max_seconds): every call bounded in wall-clock time, cooperatively, with a clear
TimeLimitError; and high orders refused at once when their growth cannot fit (symdiff.calculus.forecast).
The time bombs of issue 15 end within their budget."""

from __future__ import annotations

import threading
import time

import pytest

import symdiff as sd
from symdiff.core import budget
from symdiff.core.budget import Clock

SLACK = 1.0  # seconds a cooperative check may come after the deadline (one node's work)


def timed(function):
    start = time.monotonic()
    try:
        return function(), time.monotonic() - start
    except sd.SymdiffError as error:
        return error, time.monotonic() - start


@pytest.mark.parametrize("text, order", [
    ("tan(x)", 1000),                          # ran past 300 s and 1.4 GB
    ("sin(sin(sin(sin(sin(x)))))", 10),        # 35 s
    ("sin(sin(sin(sin(sin(x)))))", 12),        # over 60 s
    ("exp(sin(x))/(1+x^2)", 50),               # a BudgetError only after 30 s
])
def test_the_time_bombs_end_within_their_budget(text, order):
    seconds = 1.5
    error, took = timed(lambda: sd.diff(text, "x", order=order, budget=sd.Budget(max_seconds=seconds)))
    assert isinstance(error, sd.TimeLimitError), error
    assert isinstance(error, sd.BudgetError) and error.seconds == seconds
    assert "time budget of 1.5 s" in error.message
    assert took < seconds + SLACK


def test_a_hopeless_order_is_refused_long_before_the_deadline():
    """From the first orders' growth: tan(x)'s 1000th derivative would take minutes; said within a second."""
    error, took = timed(lambda: sd.diff("tan(x)", "x", order=1000, budget=sd.Budget(max_seconds=10)))
    assert isinstance(error, sd.TimeLimitError) and "would take about" in error.message
    assert took < 5


@pytest.mark.parametrize("text, order", [("x^3*exp(2*x)*sin(x)", 20), ("exp(x)*sin(x)*log(x)", 20),
                                         ("sin(x)", 1000), ("tan(x)", 40), ("1/(1 + x^2)", 30)])
def test_the_forecast_lets_what_fits_finish(text, order):
    """Polynomial growth and periodic derivatives are not refused: the same result as without a budget."""
    assert sd.diff(text, "x", order=order, budget=sd.Budget(max_seconds=30)) is sd.diff(text, "x", order=order)


def test_a_size_that_must_outgrow_the_budget_is_refused_at_once():
    small = sd.Budget(max_size=3_000)
    error, took = timed(lambda: sd.diff("sin(sin(sin(sin(sin(x)))))", "x", order=12, budget=small))
    assert isinstance(error, sd.BudgetError) and not isinstance(error, sd.TimeLimitError)
    assert "too large" in error.message
    assert took < 5


def test_nested_calls_share_the_outer_deadline():
    with budget.use(max_seconds=0.5):
        first = budget.deadline()
        with budget.use(max_seconds=60):  # a later deadline does not extend the outer one
            assert budget.deadline() == first
        with budget.use(max_seconds=0.1):  # an earlier one applies inside
            assert budget.deadline() < first
        assert budget.deadline() == first
    assert budget.deadline() is None


def test_each_thread_has_its_own_deadline():
    seen = {}

    def other():
        seen["deadline"] = budget.deadline()
        seen["result"] = str(sd.diff("x^3", "x"))

    with budget.use(max_seconds=0.001):
        time.sleep(0.01)
        with pytest.raises(sd.TimeLimitError):
            sd.diff("sin(x)*exp(x)", "x")
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert seen == {"deadline": None, "result": "3*x^2"}


def test_uninterruptible_work_that_cannot_finish_in_time_is_not_started():
    """Before a call into FLINT: the work's estimate against the time left."""
    with budget.use(max_seconds=5):
        clock = Clock()
        clock.check(needed=1.0)
        with pytest.raises(sd.TimeLimitError):
            clock.check(needed=60.0)


def test_every_stage_checks_the_clock():
    """With the deadline already passed, each stage stops at its first check."""
    from symdiff.calculus.forward import differentiate
    from symdiff.simplification.canonical import canonical
    from symdiff.simplification.simplifier import simplify
    expr = sd.parse("x^2*sin(x)/(1 + x^2)")
    with budget.use(max_seconds=0.001):
        time.sleep(0.01)
        for stage in (lambda: differentiate(expr, "x"), lambda: canonical(expr), lambda: simplify(expr)):
            with pytest.raises(sd.TimeLimitError):
                stage()


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), True, "10"])
def test_max_seconds_must_be_a_positive_number(bad):
    with pytest.raises(ValueError):
        sd.Budget(max_seconds=bad)


def test_max_depth_is_capped_instead_of_overflowing_later():
    """Before: Budget(max_depth=10**9) was accepted, and the next call died with a bare OverflowError."""
    with pytest.raises(ValueError, match="at most"):
        sd.Budget(max_depth=10 ** 9)
    with pytest.raises(ValueError):
        sd.Budget(max_depth=budget.MAX_SUPPORTED_DEPTH + 1)
    assert sd.Budget(max_depth=budget.MAX_SUPPORTED_DEPTH).max_depth == budget.MAX_SUPPORTED_DEPTH
