"""Resource limits: how big an input symdiff accepts and how big a result it builds.

symdiff reads text from strangers (web pages, shared notebooks, batch files), so every input is bounded in
length, nesting and number size, and every request in derivative order and result size. Exceeding a limit is
a LimitError (a SymdiffError), never a hang, a MemoryError or a RecursionError.

The limits in force are a `Limits` value held in a context variable (so each thread and each asyncio task
sees its own). Change them for one call, for a block, or for the process:

    symdiff.diff(text, "x", limits=Limits(max_depth=50))          # one call
    with symdiff.limits.use(max_input_length=10_000):              # a block (also takes a Limits)
        ...
    symdiff.limits.set_default(Limits(max_order=100))              # the process's default

| field | default | what |
|---|---|---|
| max_input_length | 100_000 | characters of input text |
| max_depth | 100 | nesting: parentheses and brackets, and depth of the expression tree |
| max_digits | 1000 | digits of an integer literal; an exact power of numbers with more digits stays a power |
| max_result_digits | 4000 | digits of any exact number computed (must stay below Python's int-to-text limit) |
| max_order | 1000 | total derivative order of a request, and in f'(x) / D[n](f)(x) notation |
| max_size | 1_000_000 | nodes of an expression counted as a tree (as printed), input or computed |
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import sys
import threading
from dataclasses import dataclass

from .errors import LimitError

__all__ = ["Limits", "DEFAULT_LIMITS", "current", "use", "set_default", "check_order", "recursion_room"]


@dataclass(frozen=True)
class Limits:
    """Resource limits (see the module's docstring for what each one bounds)."""

    max_input_length: int = 100_000
    max_depth: int = 100
    max_digits: int = 1000
    max_result_digits: int = 4000
    max_order: int = 1000
    max_size: int = 1_000_000

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{field.name} must be a whole number >= 1, not {value!r}")

    @property
    def max_result_bits(self) -> int:
        """max_result_digits in bits, kept below Python's own int-to-str limit when one is set."""
        digits = self.max_result_digits
        python_limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        if python_limit:
            digits = min(digits, python_limit - 1)
        return int(digits * 3.3219280948873626)  # log2(10)


DEFAULT_LIMITS = Limits()
_default = DEFAULT_LIMITS
_current: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("symdiff_limits", default=None)


def current() -> Limits:
    """The limits in force here: those of the innermost `use` block, else the process default."""
    return _current.get() or _default


def set_default(limits: Limits) -> None:
    """Set the process-wide default (what `current()` returns outside any `use` block)."""
    global _default
    if not isinstance(limits, Limits):
        raise TypeError(f"set_default takes a Limits, not {type(limits).__name__}")
    _default = limits


@contextlib.contextmanager
def use(limits: Limits | None = None, **changes):
    """Within the block, `limits` (or the current limits with `changes`, e.g. max_depth=50) are in force."""
    chosen = limits if limits is not None else current()
    if not isinstance(chosen, Limits):
        raise TypeError(f"limits must be a Limits, not {type(chosen).__name__}")
    if changes:
        chosen = dataclasses.replace(chosen, **changes)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def check_order(order: int, limits: Limits | None = None) -> None:
    limits = limits or current()
    if order > limits.max_order:
        raise LimitError(f"derivative order {order} is over the limit of {limits.max_order}")


def check_number(value, limits: Limits | None = None):
    """`value` (an exact number) if it has at most max_result_digits digits; LimitError otherwise."""
    bits = getattr(value, "bit_length", None)
    if bits is None:  # Fraction
        bits = max(value.numerator.bit_length(), value.denominator.bit_length())
    else:
        bits = bits()
    limits = limits or current()
    if bits > limits.max_result_bits:
        raise LimitError(f"a number in the result would have more than {limits.max_result_digits} digits")
    return value


# ---- recursion ----------------------------------------------------------------------------------------
# Differentiating, simplifying and printing are recursive (about 6 to 12 Python frames per level of
# nesting). Within max_depth they must not hit Python's recursion limit, which is 1000 by default: while a
# public function runs, the limit is raised to leave room for FRAMES_PER_LEVEL frames per level of max_depth
# (and put back when the last such call in the process returns). Measured on CPython 3.11: 2000 levels
# (about 12,000 frames) run in the main thread and in a thread with the default 8 MB stack.
FRAMES_PER_LEVEL = 30
_room_lock = threading.Lock()
_room_users = 0
_saved_limit: int | None = None


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


@contextlib.contextmanager
def recursion_room(limits: Limits | None = None):
    """Within the block, Python's recursion limit leaves room for expressions nested max_depth deep."""
    global _room_users, _saved_limit
    limits = limits or current()
    wanted = _stack_depth() + FRAMES_PER_LEVEL * limits.max_depth + 1000
    with _room_lock:
        if _room_users == 0:
            _saved_limit = sys.getrecursionlimit()
        _room_users += 1
        if sys.getrecursionlimit() < wanted:
            sys.setrecursionlimit(wanted)
    try:
        yield
    finally:
        with _room_lock:
            _room_users -= 1
            if _room_users == 0 and _saved_limit is not None:
                sys.setrecursionlimit(_saved_limit)
                _saved_limit = None


# ---- the size and depth of expressions ------------------------------------------------------------------

def measure(node) -> tuple[int, int]:
    """(depth, size) of an expression, without recursion, in time proportional to its number of distinct
    parts: depth counts the nodes on the longest path from the root to a leaf; size counts nodes as a tree
    (a shared part each time it occurs), which is what printing the expression costs."""
    from .traversal import children
    depth: dict = {}
    size: dict = {}
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


def check_expression(node, limits: Limits | None = None, depth: bool = True) -> None:
    """LimitError if `node` nests deeper than max_depth (unless `depth` is False: a result may nest a little
    deeper than its input) or is bigger than max_size."""
    limits = limits or current()
    levels, size = measure(node)
    if depth and levels > limits.max_depth + 1:  # a leaf inside max_depth levels of operations
        raise LimitError(f"expression too deeply nested: {levels - 1} levels, the limit is {limits.max_depth}")
    if size > limits.max_size:
        raise LimitError(f"expression too large: {size} nodes, the limit is {limits.max_size}")


def check_derivative_size(node, variable: str, limits: Limits | None = None) -> None:
    """LimitError if the derivative of `node` would be bigger than max_size: the product rule makes a product
    of k varying factors into k products of k factors, so that is what is estimated."""
    from .expr import Mul
    from .traversal import subexpressions
    limits = limits or current()
    estimate = 0
    for n in subexpressions(node):
        if variable in n.free_symbols:
            k = len(n.args)
            estimate += 1 + k + (k * k if type(n) is Mul else 0)
    if estimate > limits.max_size:
        raise LimitError(f"the derivative would be too large: about {estimate} nodes, the limit is "
                         f"{limits.max_size}")
