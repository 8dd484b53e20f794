"""Nodes from LaTeX, built while grammar/latex.lark's parser reduces (an inline Lark Transformer), with the same
builders as the text parser (symdiff.core.build), so that both give the same literal normal form.

Names are read back the way symdiff.printing.latex writes them: x_{1} is x1 (x_{1}_{2} is x1_2), x_{max} and
x_{\\mathit{max}} are x_max, \\alpha_{i} is alpha_i, \\mathit{rate} is rate. A name directly followed by "(" is a
function, f(x), unless a space comes between (x (y + 1) is a product, as the printer writes one) or the name is
also a variable in the same input (x(1 - x) is a product: the reader reads it a second time so).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from lark import Token, Transformer

from .. import functions
from ..core import budget as _budget
from ..core.build import has_negative_sign, inv, mul, power
from ..core.errors import BudgetError, ParseError, UsageError
from ..core.expr import HALF, NAME_PATTERN, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..functions.application import apply_function
from .latex_tokens import OPERATORS, TEMPLATES, normal, word_of
from .pending import Pending, SumsAndProducts, done, extend

__all__ = ["LatexBuilder", "done"]

_E = Const("e")
_D = Sym("d")
# The shapes of the constructs that a template row may stand for (symdiff.parsing.latex_tokens.shape).
_EXPONENTIAL, _BARS = "e^{#0}", r"\left|#0\right|"
# The shapes of the templates written with brackets of their own: \lfloor x \rfloor, \lceil x \rceil.
_BRACKETS = {"LFLOOR": r"\left\lfloor{#0}\right\rfloor", "LCEIL": r"\left\lceil{#0}\right\rceil"}
# \frac{d}{dx}, \frac{d^{2} y}{dx^{2}}: Leibniz's notation, d written against the variable below. With a space,
# \frac{d}{d x} is the product the printer writes for d/(d*x).
_LEIBNIZ = re.compile(r"\\[dtc]?frac\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\{\s*d(?=[A-Za-z\\])")
_MANTISSA_AND_EXPONENT = re.compile(r"([0-9.]+).*?\^\s*\{?\s*([+-]?)\s*([0-9]+)")


class _Spaced(Pending):
    """`x (y + 1)`, read as a product: a power written after it is the parenthesis's, x (y + 1)^{2}."""

    __slots__ = ()


class _Name:
    """A name as read (before it is known to be a variable, a function or a derivative's function), with where
    it is in the text."""

    __slots__ = ("end", "letter", "start", "text")

    def __init__(self, text: str, start: int, end: int, letter: bool):
        self.text, self.start, self.end, self.letter = text, start, end, letter


class _Arguments(list[Expr]):
    """The arguments in parentheses after a name or function, with the opening parenthesis's token."""

    def __init__(self, items: Iterable[Expr], opening: Token):
        super().__init__(items)
        self.opening = opening


def _joined(base: str, subscript: str) -> str:
    """x_{1} is x1 and x_{max} is x_max, as symdiff.printing.latex.latex_symbol writes them; after a digit, a
    digit subscript keeps its underscore (x_{1}_{2} is x1_2, not x12, which is printed x_{12})."""
    if subscript.isdigit() and not base[-1].isdigit():
        return base + subscript
    return f"{base}_{subscript}"


class LatexBuilder(SumsAndProducts, Transformer[Token, Any]):
    """Builds nodes as the parser reduces. Per-parse state: where names were used as variables and as functions
    (a name used as both is read again as a variable), and where single letters were read (`sin x` typed without
    the backslash is refused). Each rule's `children` are what the grammar matched: tokens, nodes, pending sums and
    products, names and argument lists."""

    def __init__(self) -> None:
        super().__init__()
        self.reset("")

    def reset(self, text: str, variables: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.budget = _budget.current()
        self.variables = variables  # names read as variables even directly before "("
        self.symbol_at: dict[str, int] = {}
        self.function_at: dict[str, int] = {}
        self.function_arity: dict[str, int] = {}
        self.letters: dict[int, str] = {}  # position -> a single letter read as a symbol or function

    def error(self, message: str, position: int | None) -> ParseError:
        return ParseError(message, self.text, position)

    # -- operators --
    def div(self, children: list[Any]) -> Pending:
        left, slash, right = children
        try:
            return extend(mul, left, inv(done(right)))
        except ZeroDivisionError:
            raise self.error("division by zero", slash.start_pos) from None

    def pow(self, children: list[Any]) -> Expr | Pending:
        base, caret, exponent = children
        exponent = done(exponent)
        if type(base) is _Spaced:  # x (y + 1)^{2}: the power is the parenthesis's
            base.items[-1] = self._power(base.items[-1], exponent, caret)
            return base
        base = done(base)
        if base is _E and _EXPONENTIAL in TEMPLATES:  # e^{x} is exp(x), as the printer writes exp
            return Func(TEMPLATES[_EXPONENTIAL].name, exponent)
        return self._power(base, exponent, caret)

    def _power(self, base: Expr, exponent: Expr, caret: Token) -> Expr:
        try:
            return power(base, exponent)
        except ZeroDivisionError:  # 0^{-1} is built as 1/0
            raise self.error("division by zero (0 to a negative power)", caret.start_pos) from None

    def group(self, children: list[Any]) -> Expr:
        return done(children[1])

    def frac(self, children: list[Any]) -> Expr:
        bar, numerator, denominator = children
        numerator, denominator = done(numerator), done(denominator)
        variable = _leibniz_variable(numerator, denominator)
        if variable is not None and _LEIBNIZ.match(self.text, bar.start_pos):
            raise self.error(f"\\frac{{d}}{{d{variable}}} is a derivative: parse_latex reads expressions; to "
                             f"differentiate, read the expression and call symdiff.diff(expr, \"{variable}\")",
                             bar.start_pos)
        try:
            return mul(numerator, inv(denominator))
        except ZeroDivisionError:
            raise self.error("division by zero", bar.start_pos) from None

    def sqrt(self, children: list[Any]) -> Expr:
        return power(done(children[1]), HALF)

    def root(self, children: list[Any]) -> Expr:
        root, _, index, _, radicand = children
        try:
            return power(done(radicand), inv(done(index)))
        except ZeroDivisionError:
            raise self.error("a root of index 0", root.start_pos) from None

    def bars(self, children: list[Any]) -> Expr:
        if _BARS not in TEMPLATES:
            raise self.error("no function of the registry is written |...|", children[0].start_pos)
        return Func(TEMPLATES[_BARS].name, done(children[1]))

    def brackets(self, children: list[Any]) -> Expr:
        """\\lfloor x \rfloor, \\lceil x \rceil: the row whose template has these brackets."""
        row = TEMPLATES.get(_BRACKETS[children[0].type])
        if row is None:
            raise self.error(f"no function of the registry is written {children[0]}...", children[0].start_pos)
        return Func(row.name, done(children[1]))

    # -- numbers --
    def number(self, children: list[Any]) -> Num | Float:
        token = children[0]
        text = str(token)
        if "." in text:
            value = float(text)
            if math.isinf(value):
                raise self.error("number too large for a decimal (over 1.8e308)", token.start_pos)
            return Float(value)
        digits = len(text.lstrip("0"))
        if digits > self.budget.max_digits:
            raise BudgetError(f"number too long: {digits} digits, the limit is {self.budget.max_digits}",
                              self.text, token.start_pos)
        return Num(int(text.lstrip("0") or "0"))

    def scientific(self, children: list[Any]) -> Float:
        """1.5 \\cdot 10^{-3} is the decimal 1.5e-3, as the printer writes it."""
        token = children[0]
        mantissa, sign, exponent = cast("re.Match[str]", _MANTISSA_AND_EXPONENT.match(str(token))).groups()
        value = float(f"{mantissa}e{sign}{exponent}")
        if math.isinf(value):
            raise self.error("number too large for a decimal (over 1.8e308)", token.start_pos)
        return Float(value)

    def digit(self, children: list[Any]) -> Num:
        return Num(int(children[0]))

    # -- names --
    def symbol(self, children: list[Any]) -> _Name:
        token = children[0]
        text = word_of(str(token)) if token.type != "LETTER" else str(token)
        return _Name(text, token.start_pos, token.end_pos, token.type == "LETTER")

    def subscripted(self, children: list[Any]) -> _Name:
        name, _, (subscript, end) = children
        return _Name(_joined(name.text, subscript), name.start, end, False)

    def subscript(self, children: list[Any]) -> tuple[str, int]:
        if len(children) == 1:  # x_1, x_i, x_\alpha
            token = children[0]
            return (str(token) if token.type in ("DIGIT", "LETTER") else word_of(str(token))), token.end_pos
        items = children[1:-1]
        return "".join(item if isinstance(item, str) else item.text for item in items), children[-1].end_pos

    def digits(self, children: list[Any]) -> str:
        token = children[0]
        if not str(token).isdigit():
            raise self.error(f"{token} cannot be part of a name", token.start_pos)
        return str(token)

    def subscripted_digits(self, children: list[Any]) -> str:
        digits, _, (subscript, _) = children
        return _joined(digits, subscript)

    def script_name(self, children: list[Any]) -> Expr:
        return self.name([self.symbol(children)], record_letter=False)

    def name(self, children: list[Any], record_letter: bool = True) -> Expr:
        name = children[0]
        text = self._checked(name)
        if record_letter and name.letter:
            self.letters[name.start] = text
        if text in Const.NAMES:
            return Const(text)
        self.symbol_at.setdefault(text, name.start)
        return Sym(text)

    def _checked(self, name: _Name) -> str:
        if not NAME_PATTERN.match(name.text):
            raise self.error(f"{name.text} is not a name: a name starts with a letter", name.start)
        if functions.is_function_only(name.text):
            raise self.error(f"{name.text} is a function: write \\operatorname{{{name.text}}}(...)", name.start)
        return name.text

    # -- functions --
    def arguments(self, children: list[Any]) -> _Arguments:
        return _Arguments([done(c) for c in children if not isinstance(c, Token)], children[0])

    def applied(self, children: list[Any]) -> Expr | Pending:
        """f(x) is a call; x (y + 1), with a space, or x(y + 1) where x is also a variable, is a product."""
        name, arguments = children
        text = self._checked(name)
        if text in Const.NAMES or name.end != arguments.opening.start_pos or text in self.variables:
            if len(arguments) != 1:
                raise self.error(f"a list in parentheses cannot multiply {text}: write {text}(...) without a "
                                 "space for a function", arguments.opening.start_pos)
            return _Spaced(mul, [self.name([name]), arguments[0]])
        if name.letter:
            self.letters[name.start] = text
        if functions.is_known(text):  # \gamma(x): a name that is a variable alone and a function applied
            return self._function(functions.ALIASES.get(text, text), arguments, name.start)
        self._undefined_function(text, len(arguments), name.start)
        return Func(text, *arguments)

    def operator_call(self, children: list[Any]) -> Expr:
        operator, arguments = children
        return self._call(operator, arguments)

    def operator_power_call(self, children: list[Any]) -> Expr:
        operator, caret, exponent, arguments = children
        exponent = done(exponent)
        if has_negative_sign(exponent):
            raise self.error(f"{operator}^{{-1}} is ambiguous, the inverse function or the reciprocal: write the "
                             f"inverse's own name, or \\frac{{1}}{{{operator}(x)}}", caret.start_pos)
        return self._power(self._call(operator, arguments), exponent, caret)

    def operator_subscript_call(self, children: list[Any]) -> Expr:
        """\\log_{b}(x): the row whose template has this shape (log(x, b))."""
        operator, _, subscript, arguments = children
        arguments = self._argument_list(arguments)
        command = normal(str(operator))  # \log, or \operatorname{log} spelling the same name
        row = TEMPLATES.get(f"{command}_{{#1}}(#0)") or TEMPLATES.get(f"\\{word_of(command)}_{{#1}}(#0)")
        if row is None or len(arguments) != 1:
            raise self.error(f"{operator}_{{...}} is not a function symdiff knows", operator.start_pos)
        return Func(row.name, arguments[0], done(subscript))

    def _call(self, operator: Token, arguments: _Arguments | Expr | Pending) -> Expr:
        return self._function(OPERATORS[normal(str(operator))], self._argument_list(arguments),
                              operator.start_pos, str(operator))

    def _function(self, name: str, arguments: list[Expr], position: int | None, written: str | None = None
                  ) -> Expr:
        """A call of the registry's function `name` (symdiff.functions.application: associative functions take
        any number of arguments), with as many arguments as one of its rows takes."""
        try:
            return apply_function(name, arguments)
        except UsageError as error:
            raise self.error(error.message.replace(name, written or name, 1), position) from None

    @staticmethod
    def _argument_list(arguments: _Arguments | Expr | Pending) -> list[Expr]:
        return arguments if isinstance(arguments, _Arguments) else [done(arguments)]  # \sin x: one, bare

    # -- derivatives of undefined functions --
    def prime_derivative(self, children: list[Any]) -> Expr:
        """f'(x), f''(x), f^{\\prime}(x)."""
        name, primes, arguments = children
        order = str(primes).count("'") + str(primes).count("\\prime")
        return self._derivative(name, arguments, (order,), primes.start_pos)

    def order_derivative(self, children: list[Any]) -> Expr:
        """f^{(4)}(x)."""
        name, marks, arguments = children
        digits = cast("re.Match[str]", re.search(r"[0-9]+", str(marks))).group().lstrip("0") or "0"
        if len(digits) > 9:  # before int(): Python refuses to convert more than 4300 digits
            raise BudgetError(f"derivative order {digits[:12]}... is over the limit of {self.budget.max_order}",
                              self.text, marks.start_pos)
        return self._derivative(name, arguments, (int(digits),), marks.start_pos)

    def slot(self, children: list[Any]) -> tuple[Expr, int, int]:
        """\\partial_{1}^{2}: (the slot as read, its order)."""
        partial, _, slot, *power = children
        return done(slot), self._order(power[1] if power else None, partial.start_pos), partial.start_pos

    def slot_derivative(self, children: list[Any]) -> Expr:
        """\\partial_{1}^{2}\\partial_{2} g(u, v): orders by argument position (or by a variable's name)."""
        *slots, name, arguments = children
        counts = [0] * len(arguments)
        for slot, order, position in slots:
            if type(slot) is Num and isinstance(slot.value, int) and 1 <= slot.value <= len(arguments):
                counts[slot.value - 1] += order
            elif type(slot) is Sym and slot in arguments and arguments.count(slot) == 1:
                counts[arguments.index(slot)] += order
            else:
                raise self.error(f"\\partial_{{...}} names an argument: 1 to {len(arguments)}", position)
        return self._derivative(name, arguments, tuple(counts), slots[0][2])

    def denominator(self, children: list[Any]) -> list[tuple[_Name, int, int]]:
        """\\partial x^{2} \\partial y: [(variable, order, position)]."""
        found, i = [], 0
        while i < len(children):
            partial, name = children[i], children[i + 1]
            i += 2
            order = None
            if i < len(children) and isinstance(children[i], Token) and children[i].type == "SUP":
                order, i = children[i + 1], i + 2
            found.append((name, self._order(order, partial.start_pos), partial.start_pos))
        return found

    def leibniz_derivative(self, children: list[Any]) -> Expr:
        """\\frac{\\partial^{2} g}{\\partial x \\partial y}(x, y): orders by the arguments' variables."""
        frac, _, partial, *rest = children
        total = self._order(rest[1] if isinstance(rest[0], Token) and rest[0].type == "SUP" else None,
                            partial.start_pos)
        name = next((item for item in rest if isinstance(item, _Name)), None)
        arguments = rest[-1] if isinstance(rest[-1], _Arguments) else None
        denominator = rest[-3] if arguments is not None else rest[-2]
        if name is None:
            variable = denominator[0][0].text
            raise self.error(f"\\frac{{\\partial}}{{\\partial {variable}}} is a derivative: parse_latex reads "
                             f"expressions; to differentiate, read the expression and call "
                             f"symdiff.diff(expr, \"{variable}\")", frac.start_pos)
        if arguments is None:
            raise self.error(f"the derivative of {name.text} needs its arguments: \\frac{{\\partial {name.text}}}"
                             f"{{\\partial x}}(x, y)", frac.start_pos)
        if len(set(arguments)) != len(arguments) or any(type(a) is not Sym for a in arguments):
            raise self.error("\\frac{\\partial ...}{\\partial ...} needs distinct variables as arguments: for "
                             "others write \\partial_{1} g(...)", frac.start_pos)
        counts = [0] * len(arguments)
        for variable, order, position in denominator:
            if Sym(variable.text) not in arguments:
                raise self.error(f"{variable.text} is not one of the arguments", position)
            counts[arguments.index(Sym(variable.text))] += order
        if sum(counts) != total:
            raise self.error(f"\\partial^{{{total}}} above but {sum(counts)} below", partial.start_pos)
        return self._derivative(name, arguments, tuple(counts), frac.start_pos)

    def _derivative(self, name: _Name, arguments: Sequence[Expr], orders: tuple[int, ...], position: int) -> Expr:
        """Derivative(name, orders, *arguments) of an undefined function (f^{(0)}(x) is f(x))."""
        text = self._checked(name)
        if text in Const.NAMES:
            raise self.error(f"derivative notation is for undefined functions, not {text}", name.start)
        if text in self.variables:
            raise self.error(f"{text} is used both as a function and as a variable", name.start)
        if len(orders) != len(arguments):
            raise self.error(f"{text}' needs one argument; for several write \\partial_{{1}} {text}(x, y)",
                             position)
        self._check_order(sum(orders), position)
        self._undefined_function(text, len(arguments), name.start)
        return Derivative(text, orders, *arguments) if any(orders) else Func(text, *arguments)

    def _order(self, node: Expr | Pending | None, position: int) -> int:
        """The order of \\partial^{n}: a whole number (1 when there is none)."""
        if node is None:
            return 1
        node = done(node)
        if type(node) is not Num or not isinstance(node.value, int) or node.value < 1:
            raise self.error("the order of a derivative is a whole number", position)
        self._check_order(node.value, position)
        return node.value

    def _check_order(self, order: int, position: int) -> None:
        if order > self.budget.max_order:
            raise BudgetError(f"derivative order {order} is over the limit of {self.budget.max_order}", self.text,
                              position)

    def _undefined_function(self, name: str, arity: int, position: int) -> None:
        first_arity = self.function_arity.setdefault(name, arity)
        if first_arity != arity:
            raise self.error(f"{name} is used with {first_arity} and with {arity} arguments", position)
        self.function_at.setdefault(name, position)


def _leibniz_variable(numerator: Expr, denominator: Expr) -> str | None:
    """x when the quotient is d/(d x), d^2/(d x^2) or d y/(d x), as \\frac{d}{dx}, \\frac{d^{2}}{dx^{2}} and
    \\frac{dy}{dx} read; None otherwise."""
    def differential(node: Expr) -> bool:
        return node is _D or (type(node) is Pow and node.base is _D)

    top_ok = differential(numerator) or (type(numerator) is Mul and len(numerator.args) == 2
                                         and differential(numerator.args[0]))
    if not top_ok or type(denominator) is not Mul or len(denominator.args) != 2 or denominator.args[0] is not _D:
        return None
    variable = denominator.args[1]
    variable = variable.base if type(variable) is Pow else variable
    return variable.name if type(variable) is Sym else None
