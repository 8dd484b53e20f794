"""Cross-checking a derivative against SymPy: `symdiff.check` (the function) and the CLI's --check.

The two results agree symbolically when sympy.simplify(ours - theirs) is 0 (tried under a time cap), else
numerically when they match at several random points (complex principal values where a branch needs them,
30 significant digits); the report says which.
"""

from __future__ import annotations

import contextlib
import random
import re
import signal
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy

from ..calculus.derivatives import derivative
from ..core.errors import SympyTimeout
from ..core.expr import Expr
from ..parsing.inputs import as_expr, default_variable, variable_name
from ..printing.latex import latex
from ..printing.text import to_text
from .sympy_bridge import to_sympy

if TYPE_CHECKING:
    from types import FrameType


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise SympyTimeout if the block runs longer than `seconds` (main thread on Unix; elsewhere no cap).
    The alarm repeats every 0.25 s, so that an `except Exception` inside SymPy that swallows the first one
    cannot make the cap void."""
    if not (seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()):
        yield
        return
    active = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if active[0]:
            raise SympyTimeout(f"over {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
    try:
        yield
    finally:
        while True:  # a late alarm must not escape the clean-up
            try:
                active[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except SympyTimeout:
                continue


@dataclass(repr=False)
class CheckResult:
    agree: bool
    method: str          # "symbolic" or "numeric" (or "none" when no point could be evaluated)
    ours: Expr
    theirs: object       # the SymPy derivative
    detail: str

    def __bool__(self) -> bool:
        return self.agree

    def report(self) -> str:
        verdict = "agree" if self.agree else "DISAGREE"
        return (f"symdiff: {to_text(self.ours)}\nsympy:   {sympy.sstr(self.theirs)}\n"
                f"{verdict} ({self.method}: {self.detail})")

    def __str__(self) -> str:
        """What --check prints: report()."""
        return self.report()

    def __repr__(self) -> str:
        ours = to_text(self.ours)
        ours = ours if len(ours) <= 60 else ours[:57] + "..."
        return f"<CheckResult: {'agree' if self.agree else 'DISAGREE'} ({self.method}) on {ours}>"

    def _repr_latex_(self) -> str:
        """Both derivatives and the verdict as display maths, for a notebook (IPython's display). The detail is
        shown when it is plain words and numbers, which every TeX reads alike inside \\text (a name such as y_1
        in it would need an escape that MathJax shows and KaTeX reads); report() has it always."""
        verdict = f"{'agree' if self.agree else 'DISAGREE'} ({self.method}"
        verdict += f": {self.detail})" if _PLAIN_TEXT.fullmatch(self.detail) else ")"
        return ("$$\\begin{aligned}\n"
                f"\\text{{symdiff:}} &\\quad {latex(self.ours)} \\\\\n"
                f"\\text{{SymPy:}} &\\quad {sympy.latex(self.theirs)} \\\\\n"
                f"& \\text{{{verdict}}}\n"
                "\\end{aligned}$$")


# What \text{...} shows as written in LaTeX, MathJax and KaTeX alike.
_PLAIN_TEXT = re.compile(r"[A-Za-z0-9 .,:;=()+\-*/<>!?]*")


def values_agree(a: complex, b: complex, tolerance: float = 1e-9) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def sympy_value(expression: Any, point: dict[Any, Any], digits: int = 30) -> complex | None:
    """The complex value of a SymPy expression at a point, or None where it is not a finite number."""
    try:
        value = complex(sympy.N(expression.subs(point), digits))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
        return None
    if value != value or abs(value) == float("inf"):
        return None
    return value


def compare_numerically(ours: Any, theirs: Any, symbols: Sequence[Any], points: int = 6, seed: int = 0,
                        low: float = 0.2, high: float = 1.5, attempts: int = 40) -> tuple[bool | None, str]:
    """(agree, detail): compare two SymPy expressions at random points where both are finite."""
    rng = random.Random(seed)
    tested, worst = 0, 0.0
    for _ in range(attempts):
        if tested == points:
            break
        point = {s: sympy.Rational(round(rng.uniform(low, high), 6)).limit_denominator(10**6) for s in symbols}
        a, b = sympy_value(ours, point), sympy_value(theirs, point)
        if a is None or b is None:
            continue
        tested += 1
        if not values_agree(a, b):
            shown = ", ".join(f"{s}={float(v):.6g}" for s, v in point.items())
            return False, f"differ at {shown}: {a:.12g} vs {b:.12g}"
        worst = max(worst, abs(a - b))
    if tested == 0:
        return None, "no point where both are defined was found"
    return True, f"equal at {tested} random points, largest difference {worst:.1e}"


def check(expr: object, *variables: object, order: int = 1, ours: Expr | None = None, simplify_seconds: float = 5.0,
          points: int = 6, seed: int = 0) -> CheckResult:
    """Differentiate `expr` with symdiff (or take `ours`) and with SymPy, and compare."""
    expr = as_expr(expr)
    names = [variable_name(part) for v in variables for part in (v.split(",") if isinstance(v, str) else [v])]
    names = names or [default_variable(expr)]
    if ours is None:
        ours = derivative(expr, names, order=order)
    symbols = {name: sympy.Symbol(name, real=True) for name in expr.free_symbols | set(names)}
    theirs = to_sympy(expr, real=True)
    for name in names:
        theirs = sympy.diff(theirs, symbols[name], order)
    ours_sympy = to_sympy(ours, real=True)
    try:
        with time_limit(simplify_seconds):
            if sympy.simplify(ours_sympy - theirs) == 0:
                return CheckResult(True, "symbolic", ours, theirs, "simplify(symdiff - sympy) == 0")
    except SympyTimeout:
        pass
    agree, detail = compare_numerically(ours_sympy, theirs, list(symbols.values()), points=points, seed=seed)
    if agree is None:
        return CheckResult(False, "none", ours, theirs, detail)
    return CheckResult(agree, "numeric", ours, theirs, detail)
