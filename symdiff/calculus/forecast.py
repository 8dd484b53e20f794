"""Forecasting a high-order derivative: refuse at once what must outgrow the budget, instead of after minutes.

After each order, the size of the (simplified) result and the CPU time spent so far are recorded. From the order
k reached and order k/2 (for time, also k/4 to k/2, the slower fit taken), their growth is fitted as a power of
the order (size ~ order^p, time ~ order^q) and extrapolated to the order asked for. A power law is a lower bound for the geometric growth of nested functions,
so the forecast errs on the side of letting the work go on: it refuses only when even that bound passes the
budget by a margin (MARGIN times max_size; MARGIN times the seconds left), and only from MIN_ORDER orders and
MIN_SECONDS of work on, when the fit is no longer dominated by noise. What it lets through is still bounded by
the exact checks (every result's size) and the deadline.
"""

from __future__ import annotations

import math
import time
from typing import cast

from ..core import budget
from ..core.errors import BudgetError, TimeLimitError

MIN_ORDER = 4
MIN_SECONDS = 0.2
MARGIN = 4.0


class GrowthForecast:
    """Sizes and times of the orders done so far, for one variable's `total` orders."""

    def __init__(self, total: int):
        self.total = total
        self.start = time.process_time()  # CPU time: another process's load does not count as growth
        self.sizes: list[int] = []
        self.times: list[float] = []

    def record(self, size: int) -> None:
        """Record the order just done (its result's size) and refuse the rest if it cannot fit."""
        self.sizes.append(size)
        self.times.append(time.process_time() - self.start)
        done = len(self.sizes)
        if done < MIN_ORDER or done >= self.total:
            return
        half = done // 2
        in_force = budget.current()
        expected = _extrapolate(self.sizes[half - 1], self.sizes[-1], half, done, self.total)
        if expected > MARGIN * in_force.max_size:
            raise BudgetError(f"the derivative of order {self.total} would be too large: about {expected:.1e} nodes "
                              f"(from the growth of the first {done} orders), the limit is {in_force.max_size}")
        left = budget.seconds_left()
        quarter = done // 4
        if left is None or self.times[-1] < MIN_SECONDS or self.times[quarter - 1] < MIN_SECONDS / 10:
            return
        # Time is noisy (a garbage collection, a page fault): the growth is fitted on two windows, orders k/4 to
        # k/2 and k/2 to k, and the slower of the two taken, so that one pause in either window cannot make the
        # forecast refuse what would fit.
        exponent = min(_exponent(self.times[quarter - 1], self.times[half - 1], quarter, half),
                       _exponent(self.times[half - 1], self.times[-1], half, done))
        more = self.times[-1] * ((self.total / done) ** exponent - 1)
        if more > MARGIN * left:
            seconds = in_force.max_seconds
            raise TimeLimitError(f"the derivative of order {self.total} would take about {more:.0f} s more (from "
                                 f"the first {done} orders), over the time budget of {seconds:g} s", seconds=seconds)


def _exponent(earlier: float, later: float, earlier_order: int, later_order: int) -> float:
    """p with later / earlier = (later_order / earlier_order)^p; 0 for a value that did not grow."""
    if earlier <= 0 or later <= earlier or later_order <= earlier_order:
        return 0.0
    return math.log(later / earlier) / math.log(later_order / earlier_order)


def _extrapolate(earlier: float, later: float, earlier_order: int, later_order: int, order: int) -> float:
    """later * (order / later_order)^p, p fitted from (earlier_order, earlier) and (later_order, later); no growth
    extrapolated from a value that did not grow."""
    return later * cast(float, (order / later_order) ** _exponent(earlier, later, earlier_order, later_order))
