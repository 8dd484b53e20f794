"""Text -> expression tree, with the Lark LALR grammar in grammar/symdiff.lark.

The parser is built once per process (and Lark caches its tables on disk between processes). Nodes are built
during parsing by an inline Transformer, so no intermediate parse tree is made. User text is only ever read by
this grammar: nothing is passed to eval, sympify or parse_expr.

Before Lark sees the text, three linear passes (symdiff.core.budget bounds them all):
1. the length is checked against max_input_length;
2. a few common non-ASCII look-alikes are read as their ASCII meaning (`·` `⋅` `×` as *, `−` as -, `÷` as /,
   `π` as pi, `√` as sqrt, `²` `³` as ^2 ^3, a no-break space as a space), keeping every position of the
   original text for carets; any other non-ASCII character is a ParseError naming its code point;
3. brackets are counted, and nesting deeper than max_depth is a BudgetError at the bracket that goes too deep.
After parsing, the tree's depth and size are checked too (x^x^x^... nests without brackets).

Sums and products are collected while parsing and built once when complete, so that `x + x + ... + x`
takes time linear, not quadratic, in its length.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from pathlib import Path

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .. import functions
from ..core import budget as _budget
from ..core.build import add, inv, mul, neg, power
from ..core.errors import BudgetError, ParseError, SymdiffError
from ..core.expr import HALF, Const, Derivative, Expr, Float, Func, Num, Sym
from .pending import done, extend

__all__ = ["parse", "parse_list", "parse_internal", "grammar_path", "LOOKALIKES"]

# What each terminal is called in an error message.
_TERMINAL_NAMES = {
    "NUMBER": "a number", "NAME": "a name", "INT": "a whole number", "PRIMES": "'",
    "PLUS": "'+'", "MINUS": "'-'", "TIMES": "'*'", "DIVIDE": "'/'", "POWER": "'^'",
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "LSQB": "'['", "RSQB": "']'", "$END": "the end of the input",
}

# Non-ASCII characters read as ASCII (√ is handled apart: it takes an operand). Spaces around pi keep 2πx
# from reading as the name pix; the space after ^2 keeps x²3 from reading as x^23.
LOOKALIKES = {
    "\u00b7": "*",    # · middle dot
    "\u22c5": "*",    # ⋅ dot operator
    "\u00d7": "*",    # × multiplication sign
    "\u2212": "-",    # − minus sign
    "\u00f7": "/",    # ÷ division sign
    "\u03c0": " pi ",  # π
    "\u00b2": "^2 ",  # ²
    "\u00b3": "^3 ",  # ³
    "\u00a0": " ",    # no-break space
}
_SQRT = "\u221a"  # √
_OPERAND = re.compile(r"[A-Za-z][A-Za-z0-9_]*|([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|\u03c0")


def grammar_path() -> Path:
    """The grammar ships inside the package (see pyproject.toml); in a source checkout it is in grammar/."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "grammar" / "symdiff.lark", package.parent / "grammar" / "symdiff.lark"):
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
        self.budget = _budget.current()
        self.symbol_at: dict[str, int] = {}
        self.function_at: dict[str, int] = {}
        self.function_arity: dict[str, int] = {}

    def error(self, message: str, token: Token) -> ParseError:
        return ParseError(message, self.text, token.start_pos)

    # -- operators --
    def add(self, children):
        return extend(add, children[0], done(children[2]))

    def sub(self, children):
        return extend(add, children[0], neg(done(children[2])))

    def mul(self, children):
        return extend(mul, children[0], done(children[2]))

    def implicit_mul(self, children):  # no operator token between the factors
        return extend(mul, children[0], done(children[1]))

    def div(self, children):
        left, slash, right = children
        try:
            return extend(mul, left, inv(done(right)))
        except ZeroDivisionError:
            raise self.error("division by zero", slash) from None

    def neg(self, children):
        return neg(done(children[1]))

    def pos(self, children):
        return done(children[1])

    def pow(self, children):
        base, caret, exponent = children
        try:
            return power(done(base), done(exponent))
        except ZeroDivisionError:  # 0^-1 is built as 1/0; 0^-2 is left to the canonical form (UndefinedError)
            raise self.error("division by zero (0 to a negative power)", caret) from None

    def group(self, children):
        return done(children[1])

    # -- atoms --
    def number(self, children):
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

    def name(self, children):
        token = children[0]
        text = str(token)
        if text in Const.NAMES:
            return Const(text)
        if functions.is_function_only(text):
            raise self.error(f"{text} is a function: write {text}(...)", token)
        self.symbol_at.setdefault(text, token.start_pos)
        return Sym(text)

    def arguments(self, children):
        return [done(c) for c in children if not isinstance(c, Token)]

    def expressions(self, children):
        return [done(c) for c in children if not isinstance(c, Token)]  # without the comma tokens, if kept

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
        self._check_notation_order(len(primes), primes)
        return Derivative(str(token), (len(primes),), *arguments)

    def positional_derivative(self, children):
        head, *orders, function, arguments = children
        if str(head) != "D":
            raise self.error(f"unknown notation {head}[...]: derivatives by position are written D[1,0](f)(x, y)",
                             head)
        self._undefined_function(function, len(arguments))
        for n in orders:  # before int(): Python refuses to convert more than 4300 digits
            if len(n.lstrip("0")) > 9:
                raise BudgetError(f"derivative order {n[:12]}{'...' if len(n) > 12 else ''} is over the limit of "
                                 f"{self.budget.max_order}", self.text, n.start_pos)
        self._check_notation_order(sum(int(n) for n in orders), head)
        orders = tuple(int(n) for n in orders)
        if len(orders) != len(arguments):
            raise self.error(f"D[...] gives {len(orders)} orders for {len(arguments)} arguments", head)
        if not any(orders):
            return Func(str(function), *arguments)
        return Derivative(str(function), orders, *arguments)

    def _check_notation_order(self, order: int, token) -> None:
        if order > self.budget.max_order:
            raise BudgetError(f"derivative order {order} is over the limit of {self.budget.max_order}",
                             self.text, token.start_pos)

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


# Each thread has its own parser and node builder (the builder keeps per-parse state), made on the thread's first
# parse; Lark caches its tables on disk, so that costs milliseconds. Threads never wait for each other.
_per_thread = threading.local()


def _parser_and_builder() -> tuple[Lark, _Build]:
    found = getattr(_per_thread, "parser", None)
    if found is None:
        builder = _Build()
        parser = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", transformer=builder,
                      maybe_placeholders=False, cache=True, start=["start", "expressions"])
        found = _per_thread.parser = (parser, builder)
    return found


def parse(text: str, start: str = "start", budget: _budget.Budget | None = None) -> Expr:
    """Parse `text` into an expression. Raises ParseError with the position of the problem, or BudgetError
    when the text is longer or nests deeper than the limits in force (symdiff.core.budget; `budget` overrides
    them for this call)."""
    if budget is not None:
        with _budget.use(budget):
            return parse(text, start)
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a string, not {type(text).__name__}")
    current = _budget.current()
    if len(text) > current.max_input_length:
        raise BudgetError(f"input too long: {len(text)} characters, the limit is {current.max_input_length}")
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    ascii_text, origin = _ascii(text)
    try:
        opened = check_nesting(ascii_text, current.max_depth)
        result = _parse_ascii(ascii_text, start, opened)
    except SymdiffError as error:
        if error.text == ascii_text and error.position is not None:  # positions in the text as given
            error.text, error.position = text, origin(error.position)
        raise
    for tree in (result if isinstance(result, list) else [result]):
        _budget.check_expression(tree, current)
    return result


def parse_internal(text: str) -> Expr:
    """Parse one of symdiff's own formulas (a derivative rule, a rewrite rule) under the fixed INTERNAL_BUDGET,
    whatever budget the caller has in force: the tables are read the same way in every process."""
    return parse(text, budget=_budget.INTERNAL_BUDGET)


def parse_list(text: str, budget: _budget.Budget | None = None) -> list:
    """Parse a comma-separated list of expressions, "x*y, x + y^2" (a name is a variable or a function
    throughout the list, as within one expression)."""
    return parse(text, start="expressions", budget=budget)


def _parse_ascii(text: str, start: str, opened: list):
    parser, builder = _parser_and_builder()
    builder.reset(text)
    try:
        tree = done(parser.parse(text, start=start))
    except UnexpectedInput as error:
        raise _syntax_error(error, text, opened) from None
    except VisitError as error:  # an error raised inside a builder method
        if isinstance(error.orig_exc, SymdiffError):
            raise error.orig_exc from None
        raise
    clash = sorted(set(builder.symbol_at) & set(builder.function_at))
    if clash:
        name = clash[0]
        raise ParseError(f"{name} is used both as a function and as a variable: write {name}*(...) to multiply",
                         text, builder.function_at[name])
    return tree


def _ascii(text: str):
    """(the text with look-alikes replaced, a function mapping its positions back to those of `text`).
    ParseError at the first non-ASCII character that is not a look-alike."""
    if text.isascii():
        return text, lambda position: position
    pieces: list[str] = []
    origin: list[int] = []  # origin[i]: where the i-th character of the result came from

    def emit(piece: str, position: int):
        pieces.append(piece)
        origin.extend([position] * len(piece))

    i = 0
    while i < len(text):
        char = text[i]
        if char.isascii():
            emit(char, i)
        elif char in LOOKALIKES:
            if char in "\u00b2\u00b3" and i + 1 < len(text) and text[i + 1] in "\u00b2\u00b3\u00b9\u2070\u2074\u2075\u2076\u2077\u2078\u2079":
                raise ParseError("only ² and ³ are read as exponents: write x^23", text, i + 1)
            emit(LOOKALIKES[char], i)
        elif char == _SQRT:
            i = _square_root(text, i, emit)
            continue
        else:
            raise ParseError(f"unexpected character {char!r} ({_describe_char(char)}): write expressions in ASCII "
                             "(also accepted: · × − ÷ π √ ² ³)", text, i)
        i += 1
    ascii_text = "".join(pieces)
    origin.append(len(text))
    return ascii_text, lambda position: origin[min(position, len(origin) - 1)]


def _square_root(text: str, i: int, emit) -> int:
    """√( ... ) is sqrt( ... ); √x, √2, √π are sqrt(x), sqrt(2), sqrt(pi). Emits it; returns where to go on."""
    j = i + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    if j < len(text) and text[j] == "(":
        emit("sqrt", i)
        return j
    match = _OPERAND.match(text, j)
    if match is None:
        raise ParseError("√ must be followed by a number, a name or a parenthesis: √x, √(x + 1)", text, i)
    end = match.end()
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    following = text[after:after + 2]
    if following[:1] in ("^", "(", "[", "\u00b2", "\u00b3") or following == "**":
        raise ParseError("ambiguous √: write √(...) around what the root applies to, e.g. √(x^2) or (√x)^2",
                         text, i)
    emit("sqrt(", i)
    operand = match.group()
    if operand == "\u03c0":
        emit(" pi ", j)
    else:
        for k in range(j, end):
            emit(text[k], k)
    emit(")", end)
    return end


def _describe_char(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" {name}" if name else "")


def check_nesting(text: str, max_depth: int, openers: str = "([", closers: str = ")]") -> list:
    """BudgetError where brackets nest deeper than max_depth; otherwise the positions of the brackets left
    open at the end (for the message if the text ends too early). Linear, before any parser runs."""
    opened: list[int] = []
    for match in re.finditer("[" + re.escape(openers + closers) + "]", text):
        if match.group() in openers:
            opened.append(match.start())
            if len(opened) > max_depth:
                raise BudgetError(f"too deeply nested: more than {max_depth} levels of brackets", text,
                                 match.start())
        elif opened:
            opened.pop()
    return opened


def _syntax_error(error: UnexpectedInput, text: str, opened: list = ()) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream]
        described = f" ({_describe_char(char)})" if not char.isprintable() else ""
        return ParseError(f"unexpected character {char!r}{described}", text, error.pos_in_stream)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        message = "unexpected end of input"
        if opened:
            message += f": the {text[opened[-1]]!r} at column {opened[-1] + 1} is not closed"
        return ParseError(message + _expected(error.expected), text, len(text))
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


# After a complete operand the LALR parser has already reduced as far as the next token allowed, so its
# expected set shows only '+' and '-' of all the operators that could follow: they are named as one.
_OPERAND_STARTS = {"NAME", "NUMBER", "LPAR"}


def _expected(terminals) -> str:
    terminals = set(terminals or ())
    if {"PLUS", "MINUS"} <= terminals and not terminals & _OPERAND_STARTS:
        rest = sorted(_TERMINAL_NAMES.get(t, repr(t)) for t in terminals - {"PLUS", "MINUS", "PRIMES", "LSQB"})
        return "; expected an operator" + "".join(f" or {name}" for name in rest)
    names = sorted({_TERMINAL_NAMES.get(t, repr(t)) for t in terminals} - {"'", "'['"})
    if not names:
        return ""
    if len(names) > 6:
        return "; expected an operator, a closing parenthesis or the end" if "'('" not in names else \
            "; expected a number, a name or '('"
    return "; expected " + ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]

