"""What symdiff knows about one function: its row in the registry (symdiff.functions.registry).

A row holds every fact about the function that any part of symdiff uses, so that adding a function is adding one
row (and its tests): the derivative, the printed names, the numeric implementations, code templates, algebraic
properties and the points where it has no value or no derivative. No other module keeps a table keyed by
function name; each reads the row. `tests/test_registry.py` checks that every row is complete.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, TypeAlias

from ..core.expr import Expr, Num

# The names of a row's arguments in its derivative formulas: f(u) or f(u, v).
ARGUMENT_NAMES = ("u", "v")

# A partial that is this marker instead of a formula: the function is not differentiable in that argument
# (polygamma's order n, an integer); differentiating a call whose argument there depends on the variable is a
# DifferentiationError naming the function and the argument (symdiff.calculus.partials).
NOT_DIFFERENTIABLE = "not differentiable"

PARITIES = ("odd", "even", None)

# A row's float implementation (of its arity's number of floats), and the function that, given the mpmath module,
# returns its complex implementation (of mpmath numbers).
RealFunction: TypeAlias = Callable[..., float]
ComplexFunction: TypeAlias = Callable[[Any], Callable[..., Any]]


@dataclass(frozen=True)
class FunctionRow:
    """One function of a given arity.

    name        the canonical name, as printed (`asin`)
    partials    d f / d(argument i), one formula per argument in symdiff's own syntax in u (and v), the
                textbook derivative (`"1/sqrt(1 - u^2)"`); parsed once, by symdiff.calculus.partials; or
                NOT_DIFFERENTIABLE for an argument the function is not differentiable in (polygamma's order)
    english     what a derivation calls its rule (`"arcsine"` gives "arcsine rule")
    latex       the LaTeX operator (`\\arcsin`), or a template with {0}, {1} for the arguments and {p0} for the
                first argument in parentheses (`e^{{{0}}}`); operators may carry a power (`\\sin^{2}(x)`)
    sympy       the name of the SymPy function (`asin`, `Abs`), or, for a function SymPy does not have, a
                formula in u (and v) in symdiff's own syntax that is the function (`"1/(1 + exp(-u))"`)
    real        the value over the reals from floats (raises ValueError or ZeroDivisionError where undefined)
    complex     given the mpmath module, the function computing the principal complex value
    code        Python source with `math` and with `numpy`, {0} and {1} standing for the arguments
    parity      "odd" (f(-u) = -f(u)), "even" (f(-u) = f(u)) or None
    total       defined for every real argument (so f(u) has a value wherever u has)
    special     exact values: argument node -> value node (sin(0) = 0)
    poles       arguments where the function is infinite (cot(0)), as nodes
    integer_poles   the argument (0 or 1) at whose values 0, -1, -2, ... the function is infinite (gamma: 0,
                polygamma(n, u): 1), an infinite set of poles; None if there are none
    integers    the arguments that take integer values only (polygamma's order n: 0): its float
                implementation refuses others (ValueError)
    kinks       arguments where it is continuous but not differentiable, or jumps (abs(0), sign(0))
    integer_kinks   the argument (0) at whose every integer value the function jumps (floor, ceil), an infinite
                set of kinks, as integer_poles is of poles: not differentiable there; None if there are none
    kinks_where two formulas in u and v, in symdiff's own syntax: the function is not differentiable where their
                values are equal (max(u, v): ("u", "v")), unless they are the same expression (max(x, x) = x);
                read by symdiff.numeric.point.check_differentiable, which reports all kinds of kinks
    rational    where the value at rational arguments is rational: that value, exactly, from Fractions and ints
                (abs(-3/2) = 3/2, max(1/2, 1/3) = 1/2)
    sin_cos     for the trigonometric functions, (numerator, denominator) in terms of "sin", "cos" and "1"
                (tan = sin/cos), from which exact values at multiples of pi/4 and pi/6 are taken
    addition    for sin and sinh, (the partner function, the sign in its addition theorem): sin(k*a) and
                cos(k*a) are written in sin(a), cos(a) when several multiples of an angle meet
    associative for a function of two arguments, f(f(a, b), c) = f(a, f(b, c)) (max, min, logsumexp): the parser
                reads f(a, b, c, ...), any number >= 2 of arguments, as f(f(a, b), c) ..., nested from the left
    aliases     other spellings the parser accepts for this name (`arcsin`)
    also_a_symbol  the name is also a common variable (the Greek letters gamma, beta): where it is not applied to
                arguments it is read as a symbol, `gamma*x`, instead of refused as a function without arguments
    domain      a real interval where the function and its derivative are defined and smooth, for tests
    """

    name: str
    partials: tuple[str, ...]
    english: str
    latex: str
    sympy: str
    real: RealFunction
    complex: ComplexFunction
    code: tuple[str, str]
    parity: str | None = None
    total: bool = False
    special: dict[Expr, Expr] = field(default_factory=dict)
    poles: tuple[Expr, ...] = ()
    integer_poles: int | None = None
    integers: tuple[int, ...] = ()
    kinks: tuple[Expr, ...] = ()
    integer_kinks: int | None = None
    kinks_where: tuple[str, str] | None = None
    rational: Callable[..., int | Fraction] | None = None
    sin_cos: tuple[str, str] | None = None
    addition: tuple[str, int] | None = None
    associative: bool = False
    aliases: tuple[str, ...] = ()
    also_a_symbol: bool = False
    domain: tuple[float, float] = (0.2, 1.5)

    @property
    def arity(self) -> int:
        return len(self.partials)

    @property
    def sympy_is_formula(self) -> bool:
        """Whether `sympy` is a formula in the arguments rather than the name of a SymPy function."""
        return not self.sympy.isidentifier()

    @property
    def not_differentiable(self) -> tuple[int, ...]:
        """The positions of the arguments the function is not differentiable in."""
        return tuple(i for i, partial in enumerate(self.partials) if partial == NOT_DIFFERENTIABLE)

    def is_pole(self, arguments: Sequence[Expr]) -> bool:
        """Whether the function is infinite at these argument nodes: one of `poles` (for one argument), or a
        non-positive integer where `integer_poles` says."""
        if len(arguments) == 1 and arguments[0] in self.poles:
            return True
        if self.integer_poles is None:
            return False
        at = arguments[self.integer_poles]
        return type(at) is Num and isinstance(at.value, int) and at.value <= 0

    @property
    def latex_is_template(self) -> bool:
        return any(field in self.latex for field in ("{0}", "{1}", "{p0}"))

    def __post_init__(self) -> None:
        if self.parity not in PARITIES:
            raise ValueError(f"{self.name}: parity must be one of {PARITIES}, not {self.parity!r}")
        if not self.partials or len(self.partials) > len(ARGUMENT_NAMES):
            raise ValueError(f"{self.name}: a function takes 1 to {len(ARGUMENT_NAMES)} arguments")
        if self.associative and self.arity != 2:
            raise ValueError(f"{self.name}: only a function of two arguments can be associative")
        if self.integer_kinks is not None and not 0 <= self.integer_kinks < self.arity:
            raise ValueError(f"{self.name}: integer_kinks must be the position of an argument")
        if self.kinks_where is not None and len(self.kinks_where) != 2:
            raise ValueError(f"{self.name}: kinks_where is two formulas, equal at the kinks")
