"""The expression model: immutable, hash-consed nodes.

Every node is interned: building a node that already exists returns the existing object, so structural
equality is identity, hashing is free, and a large expression with repeated parts is a DAG whose size is the
number of its distinct parts. Memoising anything per node (derivatives, free symbols) is therefore safe.

Constructors only store their arguments (flattening nested sums and products, which is notation, not
algebra). Simplification is a separate step (`symdiff.simplify`). Python's operators (`x**2 * sin(y)`) and the
API's constructors (symdiff.api.constructors) build through the builders of symdiff.core.build instead, as the
parser does.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from fractions import Fraction
from numbers import Rational
from typing import Any, Callable, Protocol, Sequence, TypeVar

from .errors import Reason, UsageError

__all__ = [
    "Expr", "Num", "Float", "Sym", "Const", "Add", "Mul", "Pow", "Func", "Derivative", "Diff",
    "ZERO", "ONE", "NEG_ONE", "HALF", "PI", "E", "srepr", "size_as_tree",
]

_set = object.__setattr__
_Node = TypeVar("_Node", bound="Expr")

# What the grammar accepts as a name (grammar/symdiff.lark, NAME).
NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_interned: "weakref.WeakValueDictionary[tuple[Any, ...], Expr]" = weakref.WeakValueDictionary()
_interned_refs: dict[tuple[Any, ...], Callable[[], Expr | None]] = _interned.data  # type: ignore[attr-defined]  # key -> weak reference
# Interning must give one object per structure even when threads build the same node at once: every memo and
# every `is` test relies on it. Only inserting takes the lock; a node found is returned without it.
_intern_lock = threading.Lock()


class Expr:
    """Base of all nodes: an immutable, interned expression.

    Equality and hashing: `a == b` (and `a is b`, the same thing) is *structural* identity: the same tree, built
    the same way. `x*(x + 1) == x**2 + x` is False, and so is `Integer(0) == 0` (an expression is never equal to a
    Python number). Mathematical equality is `a.equals(b)`: true when `simplify(a - b)` is 0, else decided by
    the values at random points. Expressions are hashable (by identity, which interning makes structural), so
    they are dict keys and set members, and safe to share between threads.

    Arithmetic: `+ - * / **` (and their reflected forms, unary `-` and `+`, `abs()`) combine expressions with
    each other and with ints, Fractions, finite floats, NumPy scalars and SymPy objects, giving the node the
    parser gives for the same text (`x**2 * sd.sin(y)` is `sd.parse("x^2*sin(y)")`), within the budget in force.
    In mixed arithmetic with SymPy the left operand decides, as Python (and SymPy) do: `expr + sympy_obj` is a
    symdiff expression, `sympy_obj + expr` a SymPy one (through `_sympy_`).

    Truthiness: every expression is true, the zero node too (`bool()` is not a test for zero, as an expression
    is not a number): test `e is sd.Integer(0)` (structural) or `e.equals(0)` (mathematical).

    `args` is the node's internal payload (a function's name first, a derivative's orders): symdiff's own code
    reads it. `operands` is SymPy's `.args`: the child expressions only.
    """

    __slots__ = ("args", "_free", "_key", "_size", "__weakref__")
    args: tuple[Any, ...]
    _free: frozenset[str]
    _key: Any  # symdiff.core.order's sort key, computed when first needed
    _size: int  # size_as_tree, cached when first measured

    def __new__(cls: type[_Node], *args: Any) -> _Node:
        key = (cls, args)
        # The weak table's own dict, read directly: WeakValueDictionary.get is Python code, and this lookup
        # is the hottest line of symdiff (every node built goes through it). Reading needs no lock.
        ref = _interned_refs.get(key)
        if ref is not None:
            node = ref()
            if node is not None:
                return node  # type: ignore[return-value]
        node = object.__new__(cls)
        _set(node, "args", args)
        _set(node, "_free", _union_free(args))
        _set(node, "_key", None)
        with _intern_lock:  # look again: another thread may have interned the same node since
            ref = _interned_refs.get(key)
            if ref is not None:
                existing = ref()
                if existing is not None:
                    return existing  # type: ignore[return-value]
            _interned[key] = node
        return node

    # Interning makes the default identity-based __eq__ and __hash__ structural.

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("symdiff expressions are immutable")

    def __reduce__(self) -> tuple[type[Expr], tuple[Any, ...]]:
        return (type(self), self.args)

    @property
    def free_symbols(self) -> frozenset[str]:
        """Names of the symbols this expression depends on (computed when the node is built, without recursion,
        so that deep expressions need no deep walk). A frozenset of str, not of symbols (unlike SymPy's)."""
        return self._free

    @property
    def operands(self) -> tuple[Expr, ...]:
        """The child expressions, as SymPy's `.args`: the terms of a sum, the factors of a product, base and
        exponent, a function's arguments; () for a number, symbol or constant."""
        return ()

    def has(self, name: str | Sym) -> bool:
        """Whether the expression depends on the symbol `name` (a name or a Sym)."""
        return (name.name if isinstance(name, Sym) else name) in self.free_symbols

    # -- conveniences: the API's functions as methods. The core cannot import the API (it sits at the top of
    # the layers), so the API hands itself to `connect_api` when symdiff is imported; every such method goes
    # through `_api()`. See docs/architecture.md.

    def diff(self, *variables: Any, order: int = 1, simplify: bool | str = True) -> "Expr":
        """The derivative (symdiff.diff)."""
        return _api().diff(self, *variables, order=order, simplify=simplify)

    def simplify(self, level: str = "full") -> "Expr":
        """The simplified form (symdiff.simplify)."""
        return _api().simplify(self, level)

    def evaluate(self, values: dict[Any, Any] | None = None, /, exact: bool | None = None, **named: Any) -> Any:
        """The value at a point, e.g. f.evaluate(x=1), f.evaluate({x: 1}) or f.evaluate(x="sqrt(2)/2"): exact
        where the inputs are, a float where one is or with exact=False (symdiff.evaluate)."""
        return _api().evaluate(self, {**(values or {}), **named}, exact=exact)

    def subs(self, mapping: Any, value: Any = None, /) -> "Expr":
        """The expression with symbols replaced, all at once: e.subs({x: 1, "y": z}) or e.subs(x, 1); see
        symdiff.subs."""
        if value is None:
            return _api().subs(self, mapping)
        return _api().subs(self, mapping, value)

    def equals(self, other: Any) -> bool:
        """Mathematical equality (symdiff.equals): simplify(self - other) is 0, else the values agree at random
        points. `==` is structural identity."""
        return _api().equals(self, other)

    def compile(self, *variables: Any, backend: str = "auto") -> Callable[..., Any]:
        """A fast Python function of `variables` (default: the free symbols, alphabetically); see
        symdiff.lambdify."""
        return _api().lambdify(self, variables or None, backend=backend)

    def latex(self) -> str:
        return _api().latex(self)

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + self.latex() + "$"

    def _sympy_(self) -> Any:
        """The SymPy expression (symdiff.to_sympy), for sympy.sympify(e) and SymPy's operators."""
        return _api().to_sympy(self)

    def __str__(self) -> str:
        return _api().text(self)  # guarded: deep expressions get stack room, or a BudgetError, not RecursionError

    __repr__ = __str__  # as SymPy: the REPL shows `6*x - 4`; symdiff.srepr shows the tree

    # -- arithmetic, through the API (symdiff.api.constructors.arithmetic): operands converted, the result built
    # by the builders and checked against the budget. NotImplemented for an operand that is no number or
    # expression, so that Python tries the other operand's method and then raises TypeError.

    def __add__(self, other: Any) -> Any:
        return _api().arithmetic("+", self, other)

    def __radd__(self, other: Any) -> Any:
        return _api().arithmetic("+", other, self)

    def __sub__(self, other: Any) -> Any:
        return _api().arithmetic("-", self, other)

    def __rsub__(self, other: Any) -> Any:
        return _api().arithmetic("-", other, self)

    def __mul__(self, other: Any) -> Any:
        return _api().arithmetic("*", self, other)

    def __rmul__(self, other: Any) -> Any:
        return _api().arithmetic("*", other, self)

    def __truediv__(self, other: Any) -> Any:
        return _api().arithmetic("/", self, other)

    def __rtruediv__(self, other: Any) -> Any:
        return _api().arithmetic("/", other, self)

    def __pow__(self, other: Any, modulo: None = None) -> Any:
        if modulo is not None:
            return NotImplemented
        return _api().arithmetic("**", self, other)

    def __rpow__(self, other: Any) -> Any:
        return _api().arithmetic("**", other, self)

    def __neg__(self) -> Expr:
        return _api().arithmetic("neg", self)  # type: ignore[no-any-return]

    def __pos__(self) -> Expr:
        return self

    def __abs__(self) -> Expr:
        return _api().abs(self)


class Num(Expr):
    """An exact rational number: args = (int | Fraction,), a Fraction only when not whole."""

    __slots__ = ()

    def __new__(cls, value: int | Fraction | Rational) -> Num:
        kind = type(value)
        if kind is not int:  # the common case first: the checks below are slow (Rational is an ABC)
            if kind is bool or not isinstance(value, Rational):
                raise TypeError(f"Num takes an int or Fraction, not {value!r}")
            if isinstance(value, Fraction) and value.denominator == 1:
                value = value.numerator
            elif not isinstance(value, (int, Fraction)):
                value = Fraction(value)
        return Expr.__new__(cls, value)

    @property
    def value(self) -> int | Fraction:
        return self.args[0]  # type: ignore[no-any-return]


class Float(Expr):
    """An inexact number, from a decimal literal such as 0.5 or 1e-3 (see README: decimals are floats)."""

    __slots__ = ()

    def __new__(cls, value: float | str) -> Float:
        value = float(value)
        if not math.isfinite(value):  # nan and inf are no numbers symdiff can compute with (nan != nan, too)
            raise UsageError(f"{value} is not a finite number",
                             reason=Reason.NOT_REAL if math.isnan(value) else Reason.OVERFLOW)
        return Expr.__new__(cls, value)

    @property
    def value(self) -> float:
        return self.args[0]  # type: ignore[no-any-return]


class Sym(Expr):
    """A symbol (variable or parameter) by name."""

    __slots__ = ()

    def __new__(cls, name: str) -> Sym:
        node = Expr.__new__(cls, name)
        if not node._free:
            _set(node, "_free", frozenset((name,)))
        return node

    @property
    def name(self) -> str:
        return self.args[0]  # type: ignore[no-any-return]


class Const(Expr):
    """A named mathematical constant: 'pi' or 'e'."""

    __slots__ = ()
    NAMES = ("pi", "e")

    def __new__(cls, name: str) -> Const:
        if name not in cls.NAMES:
            raise ValueError(f"unknown constant {name!r}")
        return Expr.__new__(cls, name)

    @property
    def name(self) -> str:
        return self.args[0]  # type: ignore[no-any-return]


class Add(Expr):
    """A sum of two or more terms. Nested sums are flattened; subtraction is a term times -1."""

    __slots__ = ()
    operands = Expr.args  # type: ignore[misc]  # the slot itself: read faster than a property

    def __new__(cls, *terms: Expr) -> Add:
        return Expr.__new__(cls, *_flatten(cls, terms))


class Mul(Expr):
    """A product of two or more factors. Nested products are flattened; division is a power -1."""

    __slots__ = ()
    operands = Expr.args  # type: ignore[misc]  # the slot itself: read faster than a property

    def __new__(cls, *factors: Expr) -> Mul:
        return Expr.__new__(cls, *_flatten(cls, factors))


class Pow(Expr):
    """base ^ exponent. Square roots are Pow(u, 1/2)."""

    __slots__ = ()
    operands = Expr.args  # type: ignore[misc]  # the slot itself: read faster than a property

    def __new__(cls, base: Expr, exponent: Expr) -> Pow:
        return Expr.__new__(cls, _check(base), _check(exponent))

    @property
    def base(self) -> Expr:
        return self.args[0]  # type: ignore[no-any-return]

    @property
    def exp(self) -> Expr:
        return self.args[1]  # type: ignore[no-any-return]


class Func(Expr):
    """A function applied to arguments: args = (name, arg1, ...). Known functions are listed in
    `symdiff.functions`; any other name is an undefined function such as f(x)."""

    __slots__ = ()

    def __new__(cls, name: str, *arguments: Expr) -> Func:
        if not arguments:
            raise ValueError("a function needs at least one argument")
        return Expr.__new__(cls, name, *map(_check, arguments))

    @property
    def name(self) -> str:
        return self.args[0]  # type: ignore[no-any-return]

    @property
    def arguments(self) -> tuple[Expr, ...]:
        return self.args[1:]

    operands = arguments


class Derivative(Expr):
    """A derivative of an undefined function by argument position, as Mathematica's Derivative[n1, n2][f]:
    args = (name, orders, arg1, ...), where orders[i] is how often f is differentiated in its i-th slot.
    f'(x) is Derivative('f', (1,), x); d/dx g(x^2, y) gives Derivative('g', (1, 0), x^2, y) * 2*x."""

    __slots__ = ()

    def __new__(cls, name: str, orders: Sequence[int], *arguments: Expr) -> Derivative:
        orders = tuple(orders)
        if len(orders) != len(arguments) or not arguments or any(n < 0 for n in orders) or not any(orders):
            raise ValueError("Derivative needs one non-negative order per argument, not all zero")
        return Expr.__new__(cls, name, orders, *map(_check, arguments))

    @property
    def name(self) -> str:
        return self.args[0]  # type: ignore[no-any-return]

    @property
    def orders(self) -> tuple[int, ...]:
        return self.args[1]  # type: ignore[no-any-return]

    @property
    def arguments(self) -> tuple[Expr, ...]:
        return self.args[2:]

    operands = arguments


class Diff(Expr):
    """d/d(variable) [expr], not yet evaluated: the pending derivatives of a step-by-step derivation
    (symdiff.calculus.derivation). No other part of symdiff builds one."""

    __slots__ = ()

    def __new__(cls, expr: Expr, variable: str) -> Diff:
        return Expr.__new__(cls, _check(expr), variable)

    @property
    def expr(self) -> Expr:
        return self.args[0]  # type: ignore[no-any-return]

    @property
    def variable(self) -> str:
        return self.args[1]  # type: ignore[no-any-return]

    @property
    def operands(self) -> tuple[Expr, ...]:
        return self.args[:1]


_NO_SYMBOLS: frozenset[str] = frozenset()


def _union_free(args: tuple[Any, ...]) -> frozenset[str]:
    """The free symbols of a node from those of its children; a Sym's are its own name."""
    free = _NO_SYMBOLS
    for a in args:
        if isinstance(a, Expr):
            child = a._free
            if child and not child <= free:
                free = child if not free else free | child
    return free


def _check(node: object) -> Expr:
    if not isinstance(node, Expr):
        raise TypeError(f"expected an expression node, got {node!r}")
    return node


def _flatten(cls: type[Expr], items: tuple[Expr, ...]) -> Sequence[Expr]:
    if len(items) < 2:
        raise ValueError(f"{cls.__name__} needs at least two operands")
    for item in items:  # the common case, nothing nested: the operands as they are
        if type(item) is cls or not isinstance(item, Expr):
            break
    else:
        return items
    out: list[Expr] = []
    for item in items:
        if type(item) is cls:
            out.extend(item.args)
        else:
            out.append(_check(item))
    return out


class ExpressionApi(Protocol):
    """What the methods of Expr call in the API (symdiff.api, handed over by `connect_api`): its functions of the
    same names."""

    def diff(self, expr: Expr, *variables: Any, order: int = 1, simplify: bool | str = True) -> Expr: ...
    def simplify(self, expr: Expr, level: str = "full") -> Expr: ...
    def evaluate(self, expr: Expr, values: dict[Any, Any] | None = None, exact: bool | None = None) -> Any: ...
    def subs(self, expr: Expr, mapping: Any, value: Any = None) -> Expr: ...
    def equals(self, a: Any, b: Any) -> bool: ...
    def lambdify(self, exprs: Any, variables: Any = None, backend: str = "auto") -> Callable[..., Any]: ...
    def latex(self, expr: Expr) -> str: ...
    def text(self, expr: Expr) -> str: ...
    def to_sympy(self, expr: Expr, real: bool = False) -> Any: ...
    def arithmetic(self, operation: str, left: Any, right: Any = None) -> Any: ...
    def abs(self, argument: Any) -> Expr: ...


class _Unconnected:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("symdiff's API is not loaded: import symdiff before using expression methods")


_connected_api: list[ExpressionApi] = [_Unconnected()]


def connect_api(api: ExpressionApi) -> None:
    """Called once, by symdiff.api as it is imported: the object whose functions the methods of Expr call."""
    _connected_api[0] = api


def _api() -> ExpressionApi:
    return _connected_api[0]


ZERO, ONE, NEG_ONE, HALF = Num(0), Num(1), Num(-1), Num(Fraction(1, 2))
PI, E = Const("pi"), Const("e")

# Module-level constants must outlive the weak table.
_KEEP = (ZERO, ONE, NEG_ONE, HALF, PI, E)


def size_as_tree(node: Expr) -> int:
    """The number of nodes of `node` counted as a tree (a shared part each time it occurs: what printing it
    costs, as symdiff.core.budget.measure counts), without recursion. Cached on every node it visits (nodes are
    immutable), so that the size of a node built from parts already measured costs only its new parts: the
    operators check each result against budget.max_size in time proportional to what they built."""
    size = getattr(node, "_size", None)
    if size is not None:
        return size  # type: ignore[no-any-return]
    stack: list[Expr] = [node]
    while stack:
        top = stack[-1]
        if getattr(top, "_size", None) is not None:
            stack.pop()
            continue
        kids = top.operands
        pending = [k for k in kids if getattr(k, "_size", None) is None]
        if pending:
            stack.extend(pending)
            continue
        _set(top, "_size", 1 + sum(k._size for k in kids))
        stack.pop()
    return node._size


def srepr(node: object) -> str:
    """The tree as constructor calls, e.g. Add(Mul(Num(6), Sym('x')), Num(-4)): for debugging and tests."""
    if isinstance(node, Expr):
        return f"{type(node).__name__}({', '.join(srepr(a) for a in node.args)})"
    if isinstance(node, tuple):
        return "(" + ", ".join(map(srepr, node)) + ("," if len(node) == 1 else "") + ")"
    return repr(node) if not hasattr(node, "denominator") or isinstance(node, int) else f"Fraction('{node}')"
