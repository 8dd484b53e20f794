"""Is my answer right? A student's answer compared with the expected expression (usually the derivative).

    >>> print(compare_derivative("x^2*sin(x)", "2*x*sin(x)", "x"))
    wrong: the derivative is x^2*cos(x) + 2*x*sin(x)
    at x = 1: your answer is 2*sin(1) = 1.68294196962, the derivative is cos(1) + 2*sin(1) = 2.22324427548

Why three stages, each honest about what it shows:

1. Proof. simplify(answer - expected) is 0: equal wherever both are defined (EQUAL). A nonzero number: they
   differ by that constant wherever both are defined (DIFFERENT).
2. Sampling, when there is no proof. The same points on every call (a seeded generator), simple ones first
   (x = 1, 2, 1/2, -1, 3, ..., 0, 1/3, ...) so that a counterexample is one a student can check by hand, then
   the edges of domains (x = 7 for 1/(x - 7) or sqrt(x - 7)), then random ones of every sign and magnitude
   (0.003 to 50, never integers), each variable a different value.
   Each point is evaluated in floats; a disagreement counts only when it persists at 40 and 80 digits
   (mpmath, at the exact rational point), so cancellation cannot make equal answers "different"; a value on
   one side only is confirmed exactly (numeric.point.value_at), so rounding cannot fake a domain difference.
3. Domains, in both cases. simplify proves sqrt(x)^2 = x and abs(x)/x = sign(x) *where both are defined*; the
   samples (0 among them) show where only one is, and the verdict says so (EQUAL_WHERE_BOTH_DEFINED) with
   such a point, instead of a bare "equal". A domain difference at a point that no sample hits (a hole at
   x = sqrt(2)) is not seen: EQUAL then means "proved equal where both are defined, same domain at every
   point tried", which the text does not overstate.

Undefined functions (f(x), f'(x^2)) have no values, so for sampling each gets a stand-in, f(u) = sin(u) + u^3
(f(u, v) = sin(u + 2*v) + (u + v)^3, ...), its derivatives computed from it; answers that differ for that f
are wrong, and the text names the stand-in. compare_derivative compares only where the differentiated
expression has a value and no kink: elsewhere the derivative does not exist, whatever either formula says.

The work is bounded: the proof gets at most PROOF_SECONDS (half the time left, under a deadline), exact values
are computed only for expressions of at most EXACT_SIZE nodes and within EXACT_SECONDS, and every point
checks the deadline in force (TimeLimitError past it, as everywhere in symdiff).
"""

from __future__ import annotations

import contextlib
import enum
import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from ..calculus.derivatives import derivative
from ..core import budget
from ..core.build import add, mul, power, rebuild, sub, substitute
from ..core.display import Displayed
from ..core.errors import BudgetError, EvaluationError, Reason, UndefinedError, UndefinedPointError
from ..core.expr import ZERO, Add, Derivative, Expr, Float, Func, Num, Pow, Sym
from ..core.traversal import children, parents_first
from ..functions import ARGUMENT_NAMES, lookup
from ..parsing.inputs import as_expr, default_variable, variable_name
from ..printing.latex import latex, latex_symbol
from ..printing.text import to_text
from ..simplification.canonical import split_coefficient
from ..simplification.simplifier import simplify
from .point import kink_at, value_at
from .values import numeric_value

__all__ = ["Comparison", "Verdict", "compare_derivative", "compare_expressions"]

# Simple values tried first, in this order, so that a counterexample is one a student can check by hand; 0 is
# among them because it is where domains most often differ (abs(x)/x and sign(x)).
SIMPLE_VALUES = tuple(Fraction(v) for v in ("1", "2", "1/2", "-1", "3", "-2", "-1/2", "0", "1/3", "-3", "3/2", "5",
                                           "-1/3", "1/4", "10"))
RANDOM_POINTS = 24             # then this many random points
MAGNITUDES = (-2.5, 1.7)       # their magnitudes: 10^-2.5 (0.003) to 10^1.7 (50), 3 significant digits
TOLERANCE = 1e-9               # values agree when |a - b| <= TOLERANCE * max(|a|, |b|)
DIGITS = (40, 80)              # a float disagreement is checked again at these precisions
SHRINK = 1e-20                 # ... and is rounding when doubling the digits shrinks it by this much or more
MIN_POINTS = 3                 # an unproved "equal" needs agreement at this many points at least
PROOF_SECONDS = 2.0            # the symbolic proof's share of the time (at most half of what is left)
EXACT_SIZE = 2000              # exact values (value_at) only for expressions of at most this many nodes
EXACT_SECONDS = 1.0            # ... each within this many seconds (at most a quarter of what is left)
SHORT_VALUE = 40               # an exact value is shown beside its decimal when its text is at most this long
MAX_EDGES = 12                 # domain edges tried (x = 7 for 1/(x - 7)) at most

_UNDEFINED = (Reason.DIVISION_BY_ZERO, Reason.POLE, Reason.NOT_REAL)


class Verdict(enum.Enum):
    """What a comparison found; the value is the phrase a message uses."""

    EQUAL = "equal"                                          # proved: simplify(answer - expected) is 0
    EQUAL_NUMERICALLY = "equal numerically"                  # agree at every point checked; not proved
    EQUAL_WHERE_BOTH_DEFINED = "equal where both are defined"  # agree, but one has values where the other has none
    DIFFERENT = "different"                                  # a point where they differ (or a constant difference)
    UNDECIDED = "undecided"                                  # no proof, and too few points where both have values

    @property
    def right(self) -> bool:
        return self in (Verdict.EQUAL, Verdict.EQUAL_NUMERICALLY, Verdict.EQUAL_WHERE_BOTH_DEFINED)

    @property
    def headline(self) -> str:
        """The first word of the text a student reads: right, right where both are defined, wrong, undecided."""
        if self is Verdict.EQUAL_WHERE_BOTH_DEFINED:
            return "right where both are defined"
        return "right" if self.right else "wrong" if self is Verdict.DIFFERENT else "undecided"


@dataclass(frozen=True, repr=False)
class Comparison(Displayed):
    """The verdict on an answer, as data, and the text a student reads (text(), str()).

    point: the point shown (name -> exact number), or None: for DIFFERENT where they differ, for
    EQUAL_WHERE_BOTH_DEFINED where one side has no value. answer_value, expected_value: the values there, exact
    where symdiff finds the exact value (sin(1)), else a Float; None where that side is undefined (`undefined`
    says which side, "answer" or "expected"; `reason` why; `undefined_part` its smallest undefined part when
    known). answer_float, expected_float: the same as floats. points_checked: sampled points where both had
    values and agreed. extra_symbols: symbols of the answer that neither the expected expression nor the
    variables have (t typed for x). stand_ins: undefined function name -> the formula that stood in for it
    (in u, v, ...). constant: answer - expected when that simplified to a nonzero number.

    bool(comparison) is `right`: True for the three "equal" verdicts (EQUAL_WHERE_BOTH_DEFINED included: the
    text states the domain caveat), False for DIFFERENT and UNDECIDED."""

    verdict: Verdict
    answer: Expr
    expected: Expr
    method: Literal["symbolic", "numeric"]
    point: Mapping[str, Expr] | None = None
    answer_value: Expr | None = None
    expected_value: Expr | None = None
    answer_float: float | None = None
    expected_float: float | None = None
    points_checked: int = 0
    undefined: Literal["answer", "expected"] | None = None
    reason: Reason | None = None
    undefined_part: Expr | None = None
    extra_symbols: tuple[str, ...] = ()
    stand_ins: Mapping[str, Expr] = field(default_factory=dict)
    constant: Expr | None = None
    expected_name: str = "the expected expression"

    @property
    def right(self) -> bool:
        return self.verdict.right

    def __bool__(self) -> bool:
        return self.right

    # ---- text ---------------------------------------------------------------------------------------------

    def text(self) -> str:
        """The lines a student reads: the verdict first (right, right where both are defined, wrong,
        undecided), then what shows it."""
        answer, expected, name = to_text(self.answer), to_text(self.expected), self.expected_name
        equals = f"equals {name}" if answer == expected else f"equals {name}, {expected}"
        equals_then = equals if answer == expected else equals + ","  # the expression set off by commas
        how = self._how()
        missing = f"your answer has {_symbols(self.extra_symbols)}, which {name} does not have"
        verdict = self.verdict
        if verdict is Verdict.EQUAL:
            lines = [f"right: {answer} {equals} ({how})"]
        elif verdict is Verdict.EQUAL_NUMERICALLY:
            lines = [f"right: {answer} {equals_then} at every point tried ({how})"]
        elif verdict is Verdict.EQUAL_WHERE_BOTH_DEFINED:
            lines = [f"right where both are defined: {answer} {equals_then} wherever both have a value ({how})",
                     f"but not everywhere: {self._at_point()}"]
        elif verdict is Verdict.DIFFERENT:
            lines = [f"wrong: {name} is {expected}"] + ([missing] if self.extra_symbols else [])
            if self.point is not None:
                lines.append(self._at_point())
            elif self.constant is not None:
                lines.append(f"your answer minus {name} is {to_text(self.constant)} wherever both are defined")
        else:
            lines = [f"undecided: {answer} is not proved equal to {name}, {expected}, and "
                     + ("no point was found where both have a value" if not self.points_checked else
                        f"only {_points(self.points_checked)} had values on both sides")]
            lines += [missing] if self.extra_symbols else []
        if self.stand_ins and self.method == "numeric":
            formulas = ", ".join(f"{_call(f, formula)} = {to_text(formula)}" for f, formula in self.stand_ins.items())
            lines.append(f"(with {formulas} standing in for the undefined function"
                         + ("s)" if len(self.stand_ins) > 1 else ")"))
        return "\n".join(lines)

    def _how(self) -> str:
        if self.method == "symbolic":
            return "proved symbolically"
        return f"checked at {_points(self.points_checked)}; not proved"

    def _at_point(self) -> str:
        """at x = 1: your answer is 2*sin(1) = 1.68294196962, the derivative is 2 (or is undefined (...))"""
        assert self.point is not None
        where = f"at {_point_text(self.point)}: " if self.point else ""  # no symbol on either side: no point
        return (f"{where}your answer is {self._value_text('answer')}, "
                f"{self.expected_name} is {self._value_text('expected')}")

    def _value_text(self, side: str) -> str:
        value, number = ((self.answer_value, self.answer_float) if side == "answer"
                         else (self.expected_value, self.expected_float))
        if value is None or number is None:
            if self.undefined != side:
                return "not computed"
            part = f"{to_text(self.undefined_part)}: " if self.undefined_part is not None else ""
            return f"undefined ({part}{self.reason.value})" if self.reason is not None else "undefined"
        return _value_text(value, number)

    def latex(self) -> str:
        """An aligned environment: the answer, the expected expression, the verdict and the point that shows it;
        ready to paste into a LaTeX document (amsmath)."""
        rows = [f"&\\text{{your answer:}} && {latex(self.answer)}",
                f"&\\text{{{_latex_text(self.expected_name)}:}} && {latex(self.expected)}"]
        verdict = self.verdict.headline
        if self.verdict.right:
            verdict += f" ({self._how()})"
        rows.append(f"&\\text{{{verdict}}}")
        if self.point is not None:
            where = ", ".join(f"{latex_symbol(n)} = {latex(v)}" for n, v in self.point.items())
            where = f"\\text{{at }} {where}:" if where else ""
            rows.append(f"&{where} && {self._latex_value('answer')} \\text{{ (your answer)}}, \\quad "
                        f"{self._latex_value('expected')} \\text{{ ({_latex_text(self.expected_name)})}}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def _latex_value(self, side: str) -> str:
        value, number = ((self.answer_value, self.answer_float) if side == "answer"
                         else (self.expected_value, self.expected_float))
        if value is None or number is None:
            return "\\text{undefined}"
        shown = _latex_number(number)
        if type(value) is Num and len(to_text(value)) <= 12:
            return latex(value)
        if type(value) in (Num, Float) or len(to_text(value)) > SHORT_VALUE:
            return shown
        return f"{latex(value)} \\approx {shown}"

    def as_json(self) -> dict[str, Any]:
        """Every field: expressions as text (and LaTeX), numbers as exact text and as floats."""
        return {
            "verdict": self.verdict.name.lower(),
            "right": self.right,
            "method": self.method,
            "answer": to_text(self.answer),
            "expected": to_text(self.expected),
            "expected_latex": latex(self.expected),
            "expected_name": self.expected_name,
            "point": None if self.point is None else {
                n: {"text": to_text(v), "float": _float(v)} for n, v in self.point.items()},  # Nums
            "answer_value": _json_value(self.answer_value, self.answer_float),
            "expected_value": _json_value(self.expected_value, self.expected_float),
            "points_checked": self.points_checked,
            "undefined": self.undefined,
            "reason": None if self.reason is None else self.reason.value,
            "undefined_part": None if self.undefined_part is None else to_text(self.undefined_part),
            "extra_symbols": list(self.extra_symbols),
            "stand_ins": {f: to_text(formula) for f, formula in self.stand_ins.items()},
            "constant": None if self.constant is None else to_text(self.constant),
            "text": self.text(),
        }

    def __repr__(self) -> str:
        answer = to_text(self.answer)
        answer = answer if len(answer) <= 60 else answer[:57] + "..."
        where = f" at {_point_text(self.point)}" if self.point else ""
        return f"<Comparison: {self.verdict.value} ({self.method}){where} of {answer}>"


# ---- comparing ------------------------------------------------------------------------------------------------

def compare_derivative(expr: Expr | str, answer: Expr | str, variables: str | Sequence[str] | None = None,
                       order: int = 1, *, seed: int = 0) -> Comparison:
    """Whether `answer` is the derivative of `expr` (order `order` in each of `variables`, taken in turn as
    symdiff.diff takes them; by default the only free symbol). Compared only where `expr` has a value and no
    kink: elsewhere there is no derivative to be right about."""
    expr, answer = as_expr(expr, check=True), as_expr(answer, check=True)
    given: list[object] = [variables] if isinstance(variables, str) else list(variables or ())
    names = [variable_name(part) for v in given for part in (v.split(",") if isinstance(v, str) else [v])]
    names = names or [default_variable(expr)]
    expected = derivative(expr, names, order=order)
    known = sorted(expr.free_symbols | set(names))
    return compare_expressions(answer, expected, known, seed=seed, within=expr,
                               expected_name=_derivative_name(names, order))


def compare_expressions(answer: Expr | str, expected: Expr | str, variables: Sequence[str] | None = None, *,
                        seed: int = 0, within: Expr | None = None,
                        expected_name: str = "the expected expression") -> Comparison:
    """Whether `answer` equals `expected` as a function: proved, at every point sampled, or where both are
    defined; else a point where they differ. `variables`: names the answer may use besides the expected's
    (the differentiated expression's, for a derivative); another symbol in the answer is named in the text.
    `seed`: the random points' (the same on every call for one seed). `within`: compare only where this
    expression (the function differentiated) has a value and no kink. `expected_name`: how the text calls the
    expected expression ("the derivative")."""
    answer, expected = as_expr(answer, check=True), as_expr(expected, check=True)
    extra = tuple(sorted(answer.free_symbols - expected.free_symbols - set(variables or ())
                         - (within.free_symbols if within is not None else frozenset())))
    result = Comparison(Verdict.EQUAL, answer, expected, "symbolic", extra_symbols=extra,
                        expected_name=expected_name)
    if answer is expected:
        return result
    clock = budget.Clock()
    difference = _proof(answer, expected, clock)
    stand_ins = _StandIns()
    sampled_answer, sampled_expected = stand_ins(answer), stand_ins(expected)
    sampled_within = stand_ins(within) if within is not None else None
    names = _names(variables, [sampled_answer, sampled_expected, sampled_within])
    found = _sample(sampled_answer, sampled_expected, sampled_within, names, seed, clock)
    result = replace(result, stand_ins=stand_ins.formulas, points_checked=found.checked)
    if found.difference is not None:
        return replace(result, verdict=Verdict.DIFFERENT, method="numeric", **found.difference.fields())
    shown = found.domain.fields() if found.domain is not None else {}
    if found.checked == 0 and found.domain is not None:  # one side has values only where the other has none
        return replace(result, verdict=Verdict.DIFFERENT, method="numeric", **shown)
    if difference is ZERO:
        verdict = Verdict.EQUAL_WHERE_BOTH_DEFINED if found.domain is not None else Verdict.EQUAL
        return replace(result, verdict=verdict, **shown)
    if difference is not None and type(difference) is Num:  # a nonzero constant: different wherever both are
        return replace(result, verdict=Verdict.DIFFERENT, constant=difference)
    if found.checked >= (MIN_POINTS if names else 1):  # without symbols, one point is all there is
        verdict = Verdict.EQUAL_WHERE_BOTH_DEFINED if found.domain is not None else Verdict.EQUAL_NUMERICALLY
        return replace(result, verdict=verdict, method="numeric", **shown)
    return replace(result, verdict=Verdict.UNDECIDED, method="numeric")


def _proof(answer: Expr, expected: Expr, clock: budget.Clock) -> Expr | None:
    """simplify(answer - expected), within its share of the time; None when it cannot be had (undefined
    everywhere, as x/(x - x), too big, or out of time)."""
    try:
        with _share_of_time(PROOF_SECONDS, 0.5, clock):
            return simplify(sub(answer, expected))
    except (UndefinedError, BudgetError):  # TimeLimitError is a BudgetError
        clock.check()  # the caller's own deadline passed: that is the caller's error, not ours to swallow
        return None


@contextlib.contextmanager
def _share_of_time(seconds: float, fraction: float, clock: budget.Clock) -> Iterator[None]:
    """A block under a deadline of `seconds`, or `fraction` of the time left if that is sooner."""
    clock.check()
    left = budget.seconds_left()
    cap = seconds if left is None else min(seconds, max(left * fraction, 1e-3))
    with budget.use(max_seconds=cap):
        yield


def _names(variables: Sequence[str] | None, exprs: Sequence[Expr | None]) -> list[str]:
    """The symbols to give values: the variables' order first, then the others alphabetically."""
    free = set().union(*(e.free_symbols for e in exprs if e is not None))
    first = [n for n in dict.fromkeys(variables or ()) if n in free]
    return first + sorted(free - set(first))


def _derivative_name(names: Sequence[str], order: int) -> str:
    """the derivative, the second derivative, the derivative d3/dydx^2 ..."""
    if order == 0:
        return "the expression"  # order 0: the expression itself, simplified
    if len(set(names)) == 1 and len(names) * order <= 3:
        return ("the derivative", "the second derivative", "the third derivative")[len(names) * order - 1]
    total = len(names) * order
    parts = [f"d{n}" if order == 1 else f"d{n}^{order}" for n in reversed(names)]
    return f"the derivative d{total}/{''.join(parts)}"


# ---- sampling -------------------------------------------------------------------------------------------------

@dataclass
class _Side:
    """One expression at one point: its value (exact, or a Float) and float, or why it has none."""
    value: Expr | None = None
    number: float | None = None
    reason: Reason | None = None
    part: Expr | None = None

    @property
    def defined(self) -> bool:
        return self.number is not None


@dataclass
class _Found:
    point: Mapping[str, Expr]
    answer: _Side
    expected: _Side

    def fields(self) -> dict[str, Any]:
        undefined = "answer" if not self.answer.defined else "expected" if not self.expected.defined else None
        missing = self.answer if undefined == "answer" else self.expected if undefined == "expected" else None
        return {"point": self.point, "answer_value": self.answer.value, "expected_value": self.expected.value,
                "answer_float": self.answer.number, "expected_float": self.expected.number, "undefined": undefined,
                "reason": missing.reason if missing else None, "undefined_part": missing.part if missing else None}


@dataclass
class _Sampled:
    checked: int = 0                       # points where both had values and agreed
    domain: _Found | None = None           # the first point where only one had a value
    difference: _Found | None = None       # the point where they differ


def _points(count: int) -> str:
    return f"{count} point" + ("" if count == 1 else "s")


def _sample_points(names: Sequence[str], seed: int, exprs: Sequence[Expr]) -> Iterator[dict[str, Fraction]]:
    """SIMPLE_VALUES (variable j shifted by 2j, so that x and y differ); then the edges of the domains that are
    roots of linear expressions (x = 7 for 1/(x - 7), log(2*x + 1)), the other variables at 1; then
    RANDOM_POINTS random points: random signs, magnitudes spread on a log scale, 3 significant digits, never
    integers."""
    if not names:
        yield {}
        return
    count = len(SIMPLE_VALUES)
    for i in range(count):
        yield {name: SIMPLE_VALUES[(i + 2 * j) % count] for j, name in enumerate(names)}
    for name, root in _domain_edges(exprs)[:MAX_EDGES]:
        if root not in SIMPLE_VALUES:
            yield {other: root if other == name else Fraction(1) for other in names}
    rng = random.Random(seed)
    for _ in range(RANDOM_POINTS):
        yield {name: _random_value(rng) for name in names}


def _random_value(rng: random.Random) -> Fraction:
    magnitude = 10 ** rng.uniform(*MAGNITUDES)
    scale = 10 ** (2 - math.floor(math.log10(magnitude)))  # 3 significant digits; an int, as magnitude < 100
    value = Fraction(max(1, round(magnitude * scale)), scale)
    if value.denominator == 1:
        value += Fraction(1, scale)
    return value if rng.random() < 0.5 else -value


def _domain_edges(exprs: Sequence[Expr]) -> list[tuple[str, Fraction]]:
    """(name, value) where a part that can be undefined (a negative or fractional power's base, the argument
    of a function not defined for every real number) is a linear expression in one variable that is 0: where
    the domains of equal-looking expressions most often differ, and where no random point would land."""
    edges: set[tuple[str, Fraction]] = set()
    for node in parents_first(exprs):
        if type(node) is Pow:
            exponent = node.exp
            if not (type(exponent) is Num and isinstance(exponent.value, int) and exponent.value >= 0):
                edges.update(_linear_roots([node.base]))
        elif type(node) is Func:
            row = lookup(node.name, len(node.arguments))
            if row is not None and not row.total:
                edges.update(_linear_roots(node.arguments))
    return sorted(edges, key=lambda edge: (edge[1].denominator, abs(edge[1]), edge[1] < 0, edge[0]))


def _linear_roots(parts: Sequence[Expr]) -> Iterator[tuple[str, Fraction]]:
    """(name, root) of each part that is a*name + b with rational a != 0 and b."""
    for part in parts:
        if len(part.free_symbols) != 1:
            continue
        (name,) = part.free_symbols
        slope, constant = Fraction(0), Fraction(0)
        for term in (part.args if type(part) is Add else (part,)):
            coefficient, rest = split_coefficient(term)
            if isinstance(coefficient, float) or rest not in (None, Sym(name)):
                break
            if rest is None:
                constant += coefficient
            else:
                slope += coefficient
        else:
            if slope:
                yield name, -constant / slope


def _sample(answer: Expr, expected: Expr, within: Expr | None, names: Sequence[str], seed: int,
            clock: budget.Clock) -> _Sampled:
    """Both expressions at the sample points, in order, until one where they differ."""
    found = _Sampled()
    exact = _Exact(clock)
    shown = answer.free_symbols | expected.free_symbols
    parts = [answer, expected] + ([within] if within is not None else [])
    for point in _sample_points(names, seed, parts):
        clock.check()
        floats = {name: float(value) for name, value in point.items()}
        if within is not None and not isinstance(_float_value(within, floats), float):
            continue  # no function here, so no derivative to compare
        a, b = _float_value(answer, floats), _float_value(expected, floats)
        if a is None or b is None or (isinstance(a, Reason) and isinstance(b, Reason)):
            continue  # not computable in floats (overflow), or undefined on both sides
        if isinstance(a, Reason) or isinstance(b, Reason):  # a value on one side only: confirm it exactly
            if found.domain is not None:
                continue  # one such point is enough to show
            side_a, side_b = exact(answer, point, a), exact(expected, point, b)
            if side_a.defined != side_b.defined:
                if not _at_kink(within, point):
                    found.domain = _Found(_as_nodes(point, shown), side_a, side_b)
                continue
            if not side_a.defined:
                continue
            assert side_a.number is not None and side_b.number is not None
            a, b = side_a.number, side_b.number
        if _agree(answer, expected, a, b, point):
            found.checked += 1
            continue
        if _at_kink(within, point):
            continue
        side_a, side_b = exact(answer, point, a), exact(expected, point, b)
        if side_a.defined != side_b.defined:  # floats gave a value that is not there exactly (a pole)
            found.domain = found.domain or _Found(_as_nodes(point, shown), side_a, side_b)
        elif not side_a.defined:
            continue
        elif exact.agree(side_a, side_b):  # rounding after all, beyond what 80 digits show (1 - tanh(125)^2)
            found.checked += 1
        else:
            found.difference = _Found(_as_nodes(point, shown), side_a, side_b)
            return found
    return found


def _float_value(expr: Expr, point: Mapping[str, float]) -> float | Reason | None:
    """The value in floats; the Reason where `expr` is undefined; None where floats cannot tell (overflow,
    an undefined function)."""
    try:
        value = numeric_value(expr, point)
    except EvaluationError as error:
        return error.reason if error.reason in _UNDEFINED else None
    except (ArithmeticError, ValueError, TypeError):
        return None
    return value if math.isfinite(value) else None


def _agree(answer: Expr, expected: Expr, a: float, b: float, point: Mapping[str, Fraction]) -> bool:
    """Whether float values a and b agree, or differ only by rounding: a disagreement is checked again at the
    exact point with DIGITS digits; it is rounding if the values agree there, or if their difference shrinks
    by SHRINK when the digits double (a genuine difference stays the same)."""
    if _close(a, b):
        return True
    differences = []
    for digits in DIGITS:
        precise_a, precise_b = _precise(answer, point, digits), _precise(expected, point, digits)
        if precise_a is None or precise_b is None:
            return False  # a branch the complex evaluation takes differently: the floats decide
        if _close(precise_a, precise_b):
            return True
        differences.append(abs(precise_a - precise_b))
    return differences[1] <= SHRINK * differences[0]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b))


def _precise(expr: Expr, point: Mapping[str, Fraction], digits: int) -> float | None:
    """The value at `digits` digits (mpmath, complex principal values), if it is real and finite."""
    try:
        value = numeric_value(expr, point, complex_values=True, digits=digits)
    except (EvaluationError, ArithmeticError, ValueError, TypeError):
        return None
    if abs(value.imag) > TOLERANCE * max(1.0, abs(value.real)) or not math.isfinite(value.real):
        return None
    return value.real


def _at_kink(within: Expr | None, point: Mapping[str, Fraction]) -> bool:
    """Whether the differentiated expression is at a kink here (abs(x) at 0), where it has no derivative."""
    return within is not None and kink_at(within, dict(_as_nodes(point))) is not None


def _as_nodes(point: Mapping[str, Fraction], names: frozenset[str] | None = None) -> dict[str, Expr]:
    """The point as nodes, for value_at; with `names`, only those (what is shown: not the symbols of the
    differentiated expression that neither side has)."""
    return {name: Num(value) for name, value in point.items() if names is None or name in names}


class _Exact:
    """Exact values at a point (value_at), for what is shown and for a value on one side only; the float
    value where the expression is too big or the time too short."""

    def __init__(self, clock: budget.Clock):
        self.clock = clock
        self.sizes: dict[Expr, int] = {}

    def __call__(self, expr: Expr, point: Mapping[str, Fraction], fallback: float | Reason) -> _Side:
        if expr not in self.sizes:
            self.sizes[expr] = budget.measure(expr)[1]
        if self.sizes[expr] > EXACT_SIZE:
            return _float_side(fallback)
        try:
            with _share_of_time(EXACT_SECONDS, 0.25, self.clock):
                value = value_at(expr, _as_nodes(point))
        except EvaluationError as error:  # UndefinedPointError names the smallest undefined part
            if error.reason in _UNDEFINED:
                return _Side(reason=error.reason, part=error.part if isinstance(error, UndefinedPointError) else None)
            return _float_side(fallback)  # an overflow with decimals in the expression: floats tell as much
        except BudgetError:
            self.clock.check()
            return _float_side(fallback)
        if isinstance(value, float):
            return _Side(Float(value), value) if math.isfinite(value) else _float_side(fallback)
        number = _precise(value, {}, DIGITS[0]) if not value.free_symbols else None
        if number is None and isinstance(fallback, float):
            number = fallback
        return _Side(value, number) if number is not None else _float_side(fallback)

    def agree(self, a: _Side, b: _Side) -> bool:
        """Whether two exact values that floats and 80 digits call different are equal after all: their
        difference simplifies to 0, or, simplified, is within the tolerance at 80 digits (simplifying removes
        the cancellation: 1 - tanh(125)^2 becomes sech(125)^2). Only for exact values, never for Floats."""
        if a.value is None or b.value is None or a.number is None or b.number is None:
            return False
        if type(a.value) is Float or type(b.value) is Float:
            return False
        if a.value is b.value:
            return True
        try:
            with _share_of_time(EXACT_SECONDS, 0.25, self.clock):
                difference = simplify(sub(a.value, b.value))
        except (UndefinedError, BudgetError):
            self.clock.check()
            return False
        if difference is ZERO or type(difference) is Num or difference.free_symbols:
            return difference is ZERO
        value = _precise(difference, {}, DIGITS[-1])
        return value is not None and abs(value) <= TOLERANCE * max(abs(a.number), abs(b.number))


def _float_side(value: float | Reason) -> _Side:
    """A side from its float value, or from why floats found none."""
    return _Side(reason=value) if isinstance(value, Reason) else _Side(Float(value), value)


# ---- stand-ins for undefined functions ---------------------------------------------------------------------------

class _StandIns:
    """Every undefined function f(u, v, ...) replaced by sin(u + 2*v + ...) + (u + v + ...)^3, and its
    derivatives (Derivative nodes, f'(x)) by that formula's: so that expressions in f have values."""

    def __init__(self) -> None:
        self.formulas: dict[str, Expr] = {}
        self.memo: dict[Expr, Expr] = {}

    def __call__(self, expr: Expr) -> Expr:
        for part in reversed(parents_first([expr], lambda n: () if n in self.memo else children(n))):
            if part in self.memo:
                continue
            kids = children(part)
            node = rebuild(part, [self.memo[k] for k in kids]) if kids else part
            if type(part) is Func and lookup(part.name, len(part.arguments)) is None:
                node = self._formula(part.name, (0,) * len(part.arguments), children(node))
            elif type(part) is Derivative:
                node = self._formula(part.name, part.orders, children(node))
            self.memo[part] = node
        return self.memo[expr]

    def _formula(self, name: str, orders: tuple[int, ...], arguments: Sequence[Expr]) -> Expr:
        slots = _slots(len(arguments))
        formula = add(Func("sin", add(*[mul(Num(k + 1), s) for k, s in enumerate(slots)])),
                      power(add(*slots), Num(3)))
        self.formulas.setdefault(name, formula)
        for slot, order in zip(slots, orders):
            if order:
                formula = derivative(formula, [slot.name], order=order)
        return substitute(formula, dict(zip(slots, arguments)))


def _slots(arity: int) -> list[Sym]:
    names = list(ARGUMENT_NAMES) + [f"u{i}" for i in range(len(ARGUMENT_NAMES) + 1, arity + 1)]
    return [Sym(n) for n in names[:arity]]


# ---- text -----------------------------------------------------------------------------------------------------

def _call(name: str, formula: Expr) -> str:
    """f(u, v): the stand-in's left side, its slots in order."""
    return f"{name}({', '.join(s.name for s in _slots(len(formula.free_symbols)))})"


def _point_text(point: Mapping[str, Expr]) -> str:
    """x = 1, y = 1/2, z = 0.0372: halves, thirds and quarters as fractions, other values as the decimals they
    are (random values have 3 significant digits), or as fractions when they are not decimals (7/13)."""
    return ", ".join(f"{name} = {_number_text(value)}" for name, value in point.items())


def _number_text(value: Expr) -> str:
    if type(value) is Num and isinstance(value.value, Fraction) and value.value.denominator > 4:
        fraction = value.value
        decimal = Decimal(fraction.numerator) / Decimal(fraction.denominator)
        if Fraction(decimal) == fraction:
            return format(decimal, "f")
    return to_text(value)


def _value_text(value: Expr, number: float) -> str:
    """2, -1/4, 2*sin(1) = 1.68294196962, or the decimal alone when the exact text is long (a number at a
    random point: 13830961/100000000) or there is none (a Float)."""
    text = to_text(value)
    if type(value) is Num and len(text) <= 12:
        return text
    if type(value) in (Num, Float) or len(text) > SHORT_VALUE:
        return f"{number:.12g}"
    return f"{text} = {number:.12g}"


def _symbols(names: Sequence[str]) -> str:
    return ("the symbol " if len(names) == 1 else "the symbols ") + ", ".join(names)


def _float(value: Expr) -> float | None:
    return float(value.value) if isinstance(value, (Num, Float)) else None


def _latex_number(number: float) -> str:
    """1.68294196962, or 8.00757064662 \\cdot 10^{-107}"""
    mantissa, _, exponent = f"{number:.12g}".partition("e")
    return mantissa + (f" \\cdot 10^{{{int(exponent)}}}" if exponent else "")


def _json_value(value: Expr | None, number: float | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"text": to_text(value), "float": number}


def _latex_text(text: str) -> str:
    """`text` inside \\text{...}: TeX's special characters escaped."""
    escapes = {"\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "_": "\\_", "^": "\\^{}", "#": "\\#",
               "%": "\\%", "&": "\\&", "$": "\\$", "~": "\\~{}"}
    return "".join(escapes.get(c, c) for c in text)
