"""Text -> expression tree, with the Lark LALR grammar in grammar/symdiff.lark.

The parser is built once per process (and Lark caches its tables on disk between processes). Nodes are built
during parsing by an inline Transformer, so no intermediate parse tree is made. User text is only ever read by
this grammar: nothing is passed to eval, sympify or parse_expr.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from . import functions
from .build import add, div, mul, neg, power, sub
from .errors import ParseError
from .expr import HALF, Const, Derivative, Expr, Float, Func, Num, Sym

__all__ = ["parse", "parse_list", "grammar_path"]

# What each terminal is called in an error message.
_TERMINAL_NAMES = {
    "NUMBER": "a number", "NAME": "a name", "INT": "a whole number", "PRIMES": "'",
    "PLUS": "'+'", "MINUS": "'-'", "TIMES": "'*'", "DIVIDE": "'/'", "POWER": "'^'",
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "LSQB": "'['", "RSQB": "']'", "$END": "the end of the input",
}


def grammar_path() -> Path:
    """The grammar ships inside the package (see pyproject.toml); in a source checkout it is in grammar/."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "grammar" / "symdiff.lark", here.parent / "grammar" / "symdiff.lark"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("symdiff.lark not found: the package is installed incompletely")


class _Build(Transformer):
    """Builds nodes as the parser reduces. Per-parse state (where each name was first used as a symbol or as a
    function) lets us refuse `x(y) + x`, where x would be both."""

    def __init__(self):
        super().__init__()
        self.reset("")

    def reset(self, text: str) -> None:
        self.text = text
        self.symbol_at: dict[str, int] = {}
        self.function_at: dict[str, int] = {}
        self.function_arity: dict[str, int] = {}

    def error(self, message: str, token: Token) -> ParseError:
        return ParseError(message, self.text, token.start_pos)

    # -- operators --
    def add(self, children):
        return add(children[0], children[2])

    def sub(self, children):
        return sub(children[0], children[2])

    def mul(self, children):
        return mul(children[0], children[2])

    def implicit_mul(self, children):  # no operator token between the factors
        return mul(children[0], children[1])

    def div(self, children):
        left, slash, right = children
        try:
            return div(left, right)
        except ZeroDivisionError:
            raise self.error("division by zero", slash) from None

    def neg(self, children):
        return neg(children[1])

    def pos(self, children):
        return children[1]

    def pow(self, children):
        base, caret, exponent = children
        try:
            return power(base, exponent)
        except ZeroDivisionError:
            raise self.error("division by zero (0 to a negative power)", caret) from None

    def group(self, children):
        return children[1]

    # -- atoms --
    def number(self, children):
        token = children[0]
        text = str(token)
        if any(c in text for c in ".eE"):
            value = float(text)
            if math.isinf(value):
                raise self.error("number too large for a decimal (over 1.8e308)", token)
            return Float(value)
        return Num(int(text))

    def name(self, children):
        token = children[0]
        text = str(token)
        if text in Const.NAMES:
            return Const(text)
        if functions.is_known(text):
            raise self.error(f"{text} is a function: write {text}(...)", token)
        self.symbol_at.setdefault(text, token.start_pos)
        return Sym(text)

    def arguments(self, children):
        return children

    def expressions(self, children):
        return [c for c in children if isinstance(c, Expr)]  # without the comma tokens, if kept

    def call(self, children):
        token, arguments = children
        name = functions.ALIASES.get(str(token), str(token))
        if name in Const.NAMES:
            raise self.error(f"{name} is a constant, not a function: write {name}*(...)", token)
        if name == "sqrt":
            self._check_arity(token, "sqrt", len(arguments), [1])
            return power(arguments[0], HALF)
        if functions.is_known(name):
            self._check_arity(token, name, len(arguments), functions.arities(name))
        else:
            self._undefined_function(token, len(arguments))
        return Func(name, *arguments)

    def prime_derivative(self, children):
        token, primes, arguments = children
        self._undefined_function(token, len(arguments))
        if len(arguments) != 1:
            raise self.error(f"{token}' needs one argument; for several write D[1,0]({token})(x, y)", token)
        return Derivative(str(token), (len(primes),), *arguments)

    def positional_derivative(self, children):
        head, *orders, function, arguments = children
        if str(head) != "D":
            raise self.error(f"unknown notation {head}[...]: derivatives by position are written D[1,0](f)(x, y)",
                             head)
        self._undefined_function(function, len(arguments))
        orders = tuple(int(n) for n in orders)
        if len(orders) != len(arguments):
            raise self.error(f"D[...] gives {len(orders)} orders for {len(arguments)} arguments", head)
        if not any(orders):
            return Func(str(function), *arguments)
        return Derivative(str(function), orders, *arguments)

    def _undefined_function(self, token, arity: int):
        name = str(token)
        if functions.is_known(name) or name in Const.NAMES:
            raise self.error(f"derivative notation is for undefined functions, not {name}", token)
        first_arity = self.function_arity.setdefault(name, arity)
        if first_arity != arity:
            raise self.error(f"{name} is used with {first_arity} and with {arity} arguments", token)
        self.function_at.setdefault(name, token.start_pos)

    def _check_arity(self, token, name, given, allowed):
        if given not in allowed:
            counts = " or ".join(map(str, allowed))
            plural = "" if allowed == [1] else "s"
            raise self.error(f"{name} takes {counts} argument{plural}, not {given}", token)


_lock = threading.Lock()
_parser: Lark | None = None
_builder = _Build()


def _get_parser() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", transformer=_builder,
                       maybe_placeholders=False, cache=True,
                       start=["start", "expressions"])
    return _parser


def parse(text: str, start: str = "start") -> Expr:
    """Parse `text` into an expression. Raises ParseError with the position of the problem."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a string, not {type(text).__name__}")
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    with _lock:
        parser = _get_parser()
        _builder.reset(text)
        try:
            tree = parser.parse(text, start=start)
        except UnexpectedInput as error:
            raise _syntax_error(error, text) from None
        except VisitError as error:  # an error raised inside a builder method
            if isinstance(error.orig_exc, ParseError):
                raise error.orig_exc from None
            raise
        clash = sorted(set(_builder.symbol_at) & set(_builder.function_at))
    if clash:
        name = clash[0]
        raise ParseError(f"{name} is used both as a function and as a variable: write {name}*(...) to multiply",
                         text, _builder.function_at[name])
    return tree


def parse_list(text: str) -> list:
    """Parse a comma-separated list of expressions, "x*y, x + y^2" (a name is a variable or a function
    throughout the list, as within one expression)."""
    return parse(text, start="expressions")


def _syntax_error(error: UnexpectedInput, text: str) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream]
        return ParseError(f"unexpected character {char!r}", text, error.pos_in_stream)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return ParseError("unexpected end of input" + _expected(error.expected), text, len(text))
    if isinstance(error, UnexpectedToken):
        token = error.token
        before = text[:token.start_pos].rstrip()
        if token.type == "NUMBER" and before.endswith("."):
            return ParseError("malformed number", text, token.start_pos)
        if token.type == "NUMBER" and before and (before[-1].isalnum() or before[-1] in "_)"):
            return ParseError(f"a number cannot follow a factor directly: write *{token} to multiply", text,
                              token.start_pos)
        return ParseError(f"unexpected {_describe(token)}" + _expected(error.expected), text, token.start_pos)
    return ParseError(str(error), text, getattr(error, "pos_in_stream", None))


def _describe(token: Token) -> str:
    kind = {"NUMBER": "number ", "INT": "number ", "NAME": "name "}.get(token.type, "")
    return f"{kind}{str(token)!r}"


def _expected(terminals) -> str:
    names = sorted({_TERMINAL_NAMES.get(t, repr(t)) for t in terminals or ()} - {"'", "'['"})
    if not names:
        return ""
    if len(names) > 6:
        return "; expected an operator, a closing parenthesis or the end" if "'('" not in names else \
            "; expected a number, a name or '('"
    return "; expected " + ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]

