"""The resource budget: how big an input symdiff accepts and how big a result it builds.

symdiff reads text from strangers (web pages, shared notebooks, batch files), so every input is bounded in
length, nesting and number size, and every request in derivative order and result size. Exceeding a limit is
a BudgetError (a SymdiffError), never a hang, a MemoryError or a RecursionError.

The limits in force are a `Budget` value held in a context variable (so each thread and each asyncio task
sees its own). Change them for one call, for a block, or for the process:

    symdiff.diff(text, "x", budget=Budget(max_depth=50))          # one call
    with symdiff.core.budget.use(max_input_length=10_000):              # a block (also takes a Budget)
        ...
    symdiff.core.budget.set_default(Budget(max_order=100))              # the process's default

| field | default | what |
|---|---|---|
| max_input_length | 100_000 | characters of input text |
| max_depth | 100 | nesting: parentheses and brackets, and depth of the expression tree |
| max_digits | 1000 | digits of an integer literal; an exact power of numbers with more digits stays a power |
| max_result_digits | 4000 | digits of any exact number computed (must stay below Python's int-to-text limit) |
| max_order | 1000 | total derivative order of a request, and in f'(x) / D[n](f)(x) notation |
| max_size | 1_000_000 | nodes of an expression counted as a tree (as printed), input or computed |
| max_seconds | None | wall-clock seconds for a call (None: no limit); the command line's default is 10 |
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from types import FrameType
from typing import Any, TypeVar

from .errors import BudgetError, TimeLimitError
from .expr import Expr, Mul
from .traversal import children, subexpressions

__all__ = ["Budget", "DEFAULT_BUDGET", "INTERNAL_BUDGET", "current", "use", "set_default", "check_order",
           "ensure_recursion_room", "check_time", "deadline", "seconds_left", "Clock"]


@dataclass(frozen=True)
class Budget:
    """Resource limits of a budget (see the module's docstring for what each one bounds)."""

    max_input_length: int = 100_000
    max_depth: int = 100
    max_digits: int = 1000
    max_result_digits: int = 4000
    max_order: int = 1000
    max_size: int = 1_000_000
    max_seconds: float | None = None

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "max_seconds":
                if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                          or not 0 < value < float("inf")):
                    raise ValueError(f"Budget.max_seconds must be a number of seconds > 0 or None, not {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Budget.{field.name} must be a whole number >= 1, not {value!r}")
        if self.max_depth > MAX_SUPPORTED_DEPTH:  # Python's recursion limit cannot leave room for more
            raise ValueError(f"Budget.max_depth must be at most {MAX_SUPPORTED_DEPTH}, not {self.max_depth}")

    @property
    def max_result_bits(self) -> int:
        """max_result_digits in bits, kept below Python's own int-to-str limit when one is set."""
        digits = self.max_result_digits
        python_limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        if python_limit:
            digits = min(digits, python_limit - 1)
        return int(digits * 3.3219280948873626)  # log2(10)


# The deepest nesting a budget may allow: the recursion limit it needs (FRAMES_PER_LEVEL per level) must stay a
# C int, and a thread's stack must hold it (2000 levels were measured to run; more is the caller's risk).
MAX_SUPPORTED_DEPTH = 20_000

DEFAULT_BUDGET = Budget()
# symdiff's own tables (derivative formulas, rewrite rules) are parsed under this budget, at import, so that
# what a caller's budget allows never changes how they are read.
INTERNAL_BUDGET = DEFAULT_BUDGET
_default = DEFAULT_BUDGET
_current: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("symdiff_budget", default=None)


def current() -> Budget:
    """The limits in force here: those of the innermost `use` block, else the process default."""
    return _current.get() or _default


def set_default(budget: Budget) -> None:
    """Set the process-wide default (what `current()` returns outside any `use` block)."""
    global _default
    if not isinstance(budget, Budget):
        raise TypeError(f"set_default takes a Budget, not {type(budget).__name__}")
    _default = budget


@contextlib.contextmanager
def use(budget: Budget | None = None, **changes: Any) -> Iterator[Budget]:
    """Within the block, `budget` (or the current budget with `changes`, e.g. max_depth=50) is in force."""
    chosen = budget if budget is not None else current()
    if not isinstance(chosen, Budget):
        raise TypeError(f"budget must be a Budget, not {type(chosen).__name__}")
    if changes:
        chosen = dataclasses.replace(chosen, **changes)
    token = _current.set(chosen)
    deadline_token = _start_clock(chosen)
    try:
        yield chosen
    finally:
        if deadline_token is not None:
            _deadline.reset(deadline_token)
        _current.reset(token)


# ---- time -------------------------------------------------------------------------------------------------------
# A budget's max_seconds is a wall-clock deadline for the outermost block that brings it into force: nested calls
# (a guarded function calling another) share it and can only make it earlier. symdiff's own loops check it
# cooperatively (the differentiator, the canonical form, the simplifier, the printers; and before each call into
# FLINT, whose C code cannot be interrupted), and raise TimeLimitError past it.

_deadline: contextvars.ContextVar[tuple[float, float] | None] = contextvars.ContextVar("symdiff_deadline",
                                                                                       default=None)


def _start_clock(budget: Budget) -> contextvars.Token[tuple[float, float] | None] | None:
    if budget.max_seconds is None:
        return None
    deadline = time.monotonic() + budget.max_seconds
    current_deadline = _deadline.get()
    if current_deadline is not None and current_deadline[0] <= deadline:
        return None
    return _deadline.set((deadline, budget.max_seconds))


def deadline() -> float | None:
    """The monotonic time by which the work in progress must end, or None."""
    found = _deadline.get()
    return None if found is None else found[0]


def seconds_left() -> float | None:
    found = _deadline.get()
    return None if found is None else found[0] - time.monotonic()


def check_time() -> None:
    """TimeLimitError if the deadline in force has passed. Cheap: a context-variable read and a clock read."""
    found = _deadline.get()
    if found is not None and time.monotonic() > found[0]:
        raise TimeLimitError(f"over the time budget of {found[1]:g} s", seconds=found[1])


class Clock:
    """The deadline in force when a walker starts, checked as it goes: `clock.check()` per node visited."""

    __slots__ = ("deadline", "seconds")
    deadline: float | None
    seconds: float | None

    def __init__(self) -> None:
        found = _deadline.get()
        self.deadline, self.seconds = found if found is not None else (None, None)

    def check(self, needed: float = 0.0) -> None:
        """TimeLimitError if the deadline has passed, or is less than `needed` seconds away (work about to start
        that cannot be interrupted, such as a call into FLINT, and would end after it)."""
        if self.deadline is not None and time.monotonic() + needed > self.deadline:
            raise TimeLimitError(f"over the time budget of {self.seconds:g} s", seconds=self.seconds)


def check_order(order: int, budget: Budget | None = None) -> None:
    budget = budget or current()
    if order > budget.max_order:
        raise BudgetError(f"derivative order {order} is over the limit of {budget.max_order}")


_Exact = TypeVar("_Exact", int, Fraction)


def check_number(value: _Exact, budget: Budget | None = None) -> _Exact:
    """`value` (an exact number) if it has at most max_result_digits digits; BudgetError otherwise."""
    bits = getattr(value, "bit_length", None)
    if bits is None:  # Fraction
        bits = max(value.numerator.bit_length(), value.denominator.bit_length())
    else:
        bits = bits()
    budget = budget or current()
    if bits > budget.max_result_bits:
        raise BudgetError(f"a number in the result would have more than {budget.max_result_digits} digits")
    return value


def check_printable(value: int | Fraction) -> None:
    """BudgetError for an exact number with more digits than Python will turn into text (its int-to-str limit;
    the numbers symdiff computes stay below it, but one may come in from elsewhere, e.g. from SymPy)."""
    python_limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if not python_limit:
        return
    bits = max(value.numerator.bit_length(), value.denominator.bit_length())
    if bits > (python_limit - 1) * 3.3219280948873626:
        raise BudgetError("a number in the result has too many digits to print")


# ---- recursion ----------------------------------------------------------------------------------------
# Differentiating, simplifying and printing are recursive (about 6 to 12 Python frames per level of
# nesting). Within max_depth they must not hit Python's recursion limit, which is 1000 by default. A public
# call makes sure the limit leaves room for FRAMES_PER_LEVEL frames per level of its max_depth above the
# frames already on the stack. The limit is only ever raised, never put back: lowering it while another
# thread is deep inside a call would break that call, and a limit that follows the largest budget in use
# changes once per process, not on every call. Measured on CPython 3.11: 2000 levels (about 12,000 frames)
# run in the main thread and in a thread with the default 8 MB stack.
FRAMES_PER_LEVEL = 30
RESERVE_FRAMES = 1000
_room_lock = threading.Lock()


def _stack_depth() -> int:
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def ensure_recursion_room(budget: Budget | None = None) -> None:
    """Raise Python's recursion limit, if it is lower, to leave room for expressions nested max_depth deep."""
    budget = budget or current()
    needed = _stack_depth() + FRAMES_PER_LEVEL * budget.max_depth + RESERVE_FRAMES
    if sys.getrecursionlimit() < needed:
        wanted = -(-needed // RESERVE_FRAMES) * RESERVE_FRAMES  # in whole thousands: it changes seldom
        with _room_lock:
            if sys.getrecursionlimit() < needed:
                sys.setrecursionlimit(wanted)


# ---- the size and depth of expressions ------------------------------------------------------------------

def measure(node: Expr) -> tuple[int, int]:
    """(depth, size) of an expression, without recursion, in time proportional to its number of distinct
    parts: depth counts the nodes on the longest path from the root to a leaf; size counts nodes as a tree
    (a shared part each time it occurs), which is what printing the expression costs."""
    depth: dict[Expr, int] = {}
    size: dict[Expr, int] = {}
    stack = [(node, False)]
    while stack:
        n, expanded = stack.pop()
        if n in depth:
            continue
        kids = children(n)
        if expanded or not kids:
            depth[n] = 1 + max((depth[k] for k in kids), default=0)
            size[n] = 1 + sum(size[k] for k in kids)
        else:
            stack.append((n, True))
            stack.extend((k, False) for k in kids if k not in depth)
    return depth[node], size[node]


def check_expression(node: Expr, budget: Budget | None = None, depth: bool = True) -> int:
    """BudgetError if `node` nests deeper than max_depth (unless `depth` is False: a result may nest a little
    deeper than its input) or is bigger than max_size; otherwise its size (nodes as a tree)."""
    budget = budget or current()
    levels, size = measure(node)
    if depth and levels > budget.max_depth + 1:  # a leaf inside max_depth levels of operations
        raise BudgetError(f"expression too deeply nested: {levels - 1} levels, the limit is {budget.max_depth}")
    if size > budget.max_size:
        raise BudgetError(f"expression too large: {size} nodes, the limit is {budget.max_size}")
    return size


def check_derivative_size(node: Expr, variable: str, budget: Budget | None = None) -> None:
    """BudgetError if the derivative of `node` would be bigger than max_size: the product rule makes a product
    of k varying factors into k products of k factors, so that is what is estimated."""
    budget = budget or current()
    estimate = 0
    for n in subexpressions(node):
        if variable in n.free_symbols:
            k = len(n.args)
            estimate += 1 + k + (k * k if type(n) is Mul else 0)
    if estimate > budget.max_size:
        raise BudgetError(f"the derivative would be too large: about {estimate} nodes, the limit is "
                         f"{budget.max_size}")
