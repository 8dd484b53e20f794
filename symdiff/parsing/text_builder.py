"""The text reader's node builder: turns what grammar/symdiff.lark reduces into nodes, as the parser reduces.

It is also the reader's per-parse state, shared with the postlexer (symdiff/parsing/text_tokens.py): the text,
the functions the caller declared, the notes on how the input was read, the derivative a leading d/dx asked
for, and where each name was first used as a variable or as a function (so that `f(x) + f` is refused).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from lark import Token, Transformer

from .. import functions
from ..core import budget as _budget
from ..core.build import inv, mul, power
from ..core.equation import Equation
from ..core.errors import BudgetError, Notation, ParseError, UsageError
from ..core.expr import Const, Derivative, Expr, Float, Func, Num, Sym
from ..functions.application import apply_function
from . import names
from .pending import Pending, SumsAndProducts, done, extend
from .reading import DerivativeRequest, Note

__all__ = ["EquationAt", "TextBuilder"]


class EquationAt:
    """An equation as read, and the position of its "=" (for the message if it cannot be used)."""

    __slots__ = ("equation", "position")

    def __init__(self, equation: Equation, position: int):
        self.equation, self.position = equation, position


class TextBuilder(SumsAndProducts, Transformer[Token, Any]):
    """Builds nodes as the parser reduces (Lark's inline transformer); holds the per-parse state. Each rule's
    `children` are what the grammar matched: tokens, nodes and pending sums and products."""

    def __init__(self) -> None:
        super().__init__()
        self.reset("")

    def reset(self, text: str, declared: Iterable[str] = ()) -> None:
        self.text = text
        self.functions = frozenset(declared)
        self.notes: list[Note] = []
        self.derivative: tuple[str, ...] = ()
        self.budget = _budget.current()
        self.symbol_at: dict[str, int | None] = {}  # positions, as lark types them
        self.function_at: dict[str, int | None] = {}
        self.function_arity: dict[str, int] = {}

    def error(self, message: str, token: Token, notation: Notation | None = None, suggestions: Iterable[str] = ()
              ) -> ParseError:
        """A ParseError at the token, for the builder and the postlexer's passes to raise."""
        return ParseError(message, self.text, token.start_pos, notation=notation, suggestions=suggestions)

    def note(self, kind: Notation, message: str, token: Token) -> None:
        """Say how the text at the token was read (a Note of the Reading)."""
        self.notes.append(Note(kind, message, token.start_pos))

    # -- the whole input --
    def equation(self, children: list[Any]) -> EquationAt:
        lhs, sign, rhs = children
        return EquationAt(Equation(done(lhs), done(rhs)), sign.start_pos)

    def derivative_request(self, children: list[Any]) -> DerivativeRequest:
        return DerivativeRequest(done(children[1]), self.derivative)

    def expressions(self, children: list[Any]) -> list[Expr]:
        return [done(c) for c in children if not isinstance(c, Token)]  # without the comma tokens, if kept

    # -- operators --
    def div(self, children: list[Any]) -> Pending:
        left, slash, right = children
        try:
            return extend(mul, left, inv(done(right)))
        except ZeroDivisionError:
            raise self.error("division by zero", slash) from None

    def pow(self, children: list[Any]) -> Expr:
        base, caret, exponent = children
        try:
            return power(done(base), done(exponent))
        except ZeroDivisionError:  # 0^-1 is built as 1/0; 0^-2 is left to the canonical form (UndefinedError)
            raise self.error("division by zero (0 to a negative power)", caret) from None

    def group(self, children: list[Any]) -> Expr:
        return done(children[1])

    def bars(self, children: list[Any]) -> Expr:
        return Func("abs", done(children[1]))

    # -- atoms --
    def number(self, children: list[Any]) -> Num | Float:
        token = children[0]
        text = str(token)
        if any(c in text for c in ".eE"):
            value = float(text)
            if math.isinf(value):
                raise self.error("number too large for a decimal (over 1.8e308)", token)
            return Float(value)
        digits = len(text.lstrip("0"))
        if digits > self.budget.max_digits:
            raise BudgetError(f"number too long: {digits} digits, the limit is {self.budget.max_digits}",
                             self.text, token.start_pos)
        return Num(int(text.lstrip("0") or "0"))  # Python refuses to convert over 4300 characters

    def name(self, children: list[Any]) -> Const | Sym:
        token = children[0]
        text = str(token)
        constant = names.constant(text)
        if constant is not None:
            return Const(constant)
        self.symbol_at.setdefault(text, token.start_pos)
        return Sym(text)

    def arguments(self, children: list[Any]) -> list[Expr]:
        return [done(c) for c in children if not isinstance(c, Token)]

    # -- functions --
    def call(self, children: list[Any]) -> Expr:
        """f(x, y), sin(x), or sin x (a FUNCTION with a bare argument: the last child is a node, not a list)."""
        token, arguments = children[0], children[-1]
        arguments = arguments if isinstance(arguments, list) else [done(arguments)]
        return self._apply(token, arguments)

    def power_call(self, children: list[Any]) -> Expr:
        """sin^2(x), sin^2 x: the power of the value; sin^-1 x: the inverse function, arcsin."""
        token, (exponent, at), arguments = children[0], children[2], children[-1]
        arguments = arguments if isinstance(arguments, list) else [done(arguments)]
        name = functions.ALIASES.get(str(token), str(token))
        if exponent == -1:
            inverse = functions.ALIASES.get("arc" + name)
            if inverse is None:
                raise self.error(f"{token}^-1: {name} has no inverse function here; for the reciprocal write "
                                 f"1/{token}(...)", at, Notation.AMBIGUOUS)
            return self._apply(Token("FUNCTION", inverse, start_pos=token.start_pos), arguments)
        if exponent < 1:
            raise self.error(f"{token}^{exponent}(...) is ambiguous: write {token}(...)^({exponent}) for a power, "
                             f"or the inverse's name (arc{name})", at, Notation.AMBIGUOUS)
        return power(self._apply(token, arguments), Num(exponent))

    def function_exponent(self, children: list[Any]) -> tuple[int, Token]:
        tokens = [c for c in children if c.type != "LPAR"]
        number = tokens[-1]
        text = str(number)
        if not text.isdigit() or len(text) > 6:
            raise self.error(f"the power of a function's name is a whole number or -1: write {text} after the "
                             "parentheses, sin(x)^" + text, number, Notation.AMBIGUOUS)
        return (-int(text) if tokens[0].type == "MINUS" else int(text)), tokens[0]

    def _apply(self, token: Token, arguments: list[Expr]) -> Expr:
        if token.type == "CALLNAME":
            self._undefined_function(token, len(arguments))
            return Func(str(token), *arguments)
        try:
            return apply_function(str(token), arguments)
        except UsageError as error:  # the number of arguments
            raise self.error(error.message, token) from None
        except ZeroDivisionError:  # root(x, 0)
            raise self.error(f"division by zero in {token}", token) from None

    # -- derivatives of undefined functions --
    def prime_derivative(self, children: list[Any]) -> Derivative:
        token, primes, arguments = children[0], children[1], children[-1]
        self._undefined_function(token, len(arguments))
        if len(arguments) != 1:
            raise self.error(f"{token}' needs one argument; for several write D[1,0]({token})(x, y)", token)
        self._check_notation_order(len(primes), primes)
        return Derivative(str(token), (len(primes),), *arguments)

    def positional_derivative(self, children: list[Any]) -> Func | Derivative:
        orders: Sequence[Any]  # the order tokens, then their values
        head, *orders, function, arguments = [c for c in children
                                              if not (isinstance(c, Token) and c.type in ("LPAR", "LSQB", "RSQB"))]
        if str(head) != "D":
            raise self.error(f"unknown notation {head}[...]: derivatives by position are written D[1,0](f)(x, y)",
                             head)
        for n in orders:  # before int(): Python refuses to convert more than 4300 digits
            if not str(n).isdigit():
                raise self.error("D[...] takes whole numbers, the orders in each argument", n)
            if len(n.lstrip("0")) > 9:
                raise BudgetError(f"derivative order {n[:12]}{'...' if len(n) > 12 else ''} is over the limit of "
                                 f"{self.budget.max_order}", self.text, n.start_pos)
        self._undefined_function(function, len(arguments))
        self._check_notation_order(sum(int(n) for n in orders), head)
        orders = tuple(int(n) for n in orders)
        if len(orders) != len(arguments):
            raise self.error(f"D[...] gives {len(orders)} orders for {len(arguments)} arguments", head)
        if not any(orders):
            return Func(str(function), *arguments)
        return Derivative(str(function), orders, *arguments)

    def _check_notation_order(self, order: int, token: Token) -> None:
        if order > self.budget.max_order:
            raise BudgetError(f"derivative order {order} is over the limit of {self.budget.max_order}",
                             self.text, token.start_pos)

    def _undefined_function(self, token: Token, arity: int) -> None:
        name = str(token)
        if functions.is_known(name) or names.constant(name):
            raise self.error(f"derivative notation is for undefined functions, not {name}", token)
        first_arity = self.function_arity.setdefault(name, arity)
        if first_arity != arity:
            raise self.error(f"{name} is used with {first_arity} and with {arity} arguments", token)
        self.function_at.setdefault(name, token.start_pos)

    def _check_arity(self, token: Token, name: str, given: int, allowed: list[int]) -> None:
        if given not in allowed:
            counts = " or ".join(map(str, allowed)) if len(allowed) < 4 else f"{allowed[0]} or more"
            plural = "" if allowed == [1] else "s"
            raise self.error(f"{name} takes {counts} argument{plural}, not {given}", token)
