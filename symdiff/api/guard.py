"""The guard every public function runs under: the caller's budget in force, room on the stack, and errors that
are always SymdiffErrors."""

from __future__ import annotations

import functools
from typing import Callable, ParamSpec, TypeVar, cast

from ..core import budget as _budget
from ..core.errors import BudgetError, Reason, UndefinedError

P = ParamSpec("P")
R = TypeVar("R")


def guard(function: Callable[P, R]) -> Callable[P, R]:
    """Runs `function` with the budget given by its `budget` keyword in force and room on the stack for
    expressions nested as deep as it allows. What still goes wrong for want of resources becomes a BudgetError,
    never a traceback: recursion deeper than that (a result far deeper than its input), numbers too large for a
    float, memory.

    Each guarded function declares `*, budget: Budget | None = None` in its own signature, so that help() and
    type checkers show it (a ParamSpec cannot add a keyword); the guard takes it out of the keywords before
    calling the function, whose body never sees it."""
    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        # P cannot say that the function takes `budget` (a ParamSpec takes no added keyword); its signature does
        budget = cast("_budget.Budget | None", kwargs.pop("budget", None))
        with _budget.use(budget) as in_force:
            _budget.ensure_recursion_room(in_force)
            try:
                return function(*args, **kwargs)
            except RecursionError:
                raise BudgetError("expression too deeply nested") from None
            except OverflowError:
                raise BudgetError("a number is too large (over 1.8e308 for a decimal)") from None
            except ZeroDivisionError:  # a literal 0 in a denominator, e.g. from log(x, 0) = log(x)/log(0)
                raise UndefinedError("division by zero: the expression divides by something that is "
                                     "identically 0", reason=Reason.DIVISION_BY_ZERO) from None
            except MemoryError:
                raise BudgetError("out of memory: the expression or its result is too large") from None
    return guarded
