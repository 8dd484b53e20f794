"""Text -> expression tree, with the Lark LALR grammar in grammar/symdiff.lark.

The parser is built once per process (and Lark caches its tables on disk between processes). Nodes are built
during parsing by an inline Transformer, so no intermediate parse tree is made. User text is only ever read by
this grammar: nothing is passed to eval, sympify or parse_expr.

Before Lark sees the text, three linear passes (symdiff.core.budget bounds them all):
1. the length is checked against max_input_length;
2. a few common non-ASCII look-alikes are read as their ASCII meaning (`·` `⋅` `×` as *, `−` as -, `÷` as /,
   `π` as pi, `√` as sqrt, `∂` as d, superscripts as a power (`x²` `x⁻¹`), a no-break space as a space),
   keeping every position of the original text for carets; any other non-ASCII character is a ParseError
   naming its code point;
3. brackets are counted, and nesting deeper than max_depth is a BudgetError at the bracket that goes too deep.
Between the lexer and the parser, the postlexer (symdiff/parsing/text_tokens.py) decides what each name, bar and
bracket is, in linear passes over the tokens. After parsing, the tree's depth and size are checked too
(x^x^x^... nests without brackets).

Sums and products are collected while parsing and built once when complete, so that `x + x + ... + x`
takes time linear, not quadratic, in its length.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Literal, TypeAlias, cast, overload

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ..core import budget as _budget
from ..core.errors import BudgetError, Notation, ParseError, SymdiffError, SymdiffWarning, UsageError
from ..core.expr import Expr
from . import names
from .pending import done
from .reading import DerivativeRequest, Note, Reading, definition
from .text_builder import EquationAt, TextBuilder
from .text_tokens import TextTokens

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["parse", "parse_list", "parse_internal", "read", "read_list", "expression_of", "grammar_path",
           "grammar_file", "grammar_text", "LOOKALIKES", "SUPERSCRIPTS"]

# What each terminal is called in an error message.
_TERMINAL_NAMES = {
    "NUMBER": "a number", "NAME": "a name", "PRIMES": "'", "FUNCTION": "a function", "CALLNAME": "a function",
    "PLUS": "'+'", "MINUS": "'-'", "TIMES": "'*'", "DIVIDE": "'/'", "POWER": "'^'", "EQUALS": "'='",
    "LPAR": "'('", "RPAR": "')'", "COMMA": "','", "LSQB": "'['", "RSQB": "']'", "LBAR": "'|'", "RBAR": "'|'",
    "BAR": "'|'", "DERIVATIVE": "d/dx", "LBRACE": "'{'", "RBRACE": "'}'", "$END": "the end of the input",
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
    "\u00a0": " ",    # no-break space
    "\u2202": "d",    # ∂, in ∂/∂x
}
# Superscript digits and minus: a run of them is one exponent, x⁻¹ is x^-1 and x¹² is x^12 (the space after
# keeps x²3 from reading as x^23).
SUPERSCRIPTS = {"\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4", "\u2075": "5",
                "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "-"}
_SQRT = "\u221a"  # √
# What the grammar's start rules build: an expression, an equation, a derivative asked for, or a list.
_Tree: TypeAlias = "Expr | EquationAt | DerivativeRequest | list[Expr]"
# A name or names to read as undefined functions: "y", "y,u" or ["y", "u"].
Functions: TypeAlias = "str | Iterable[str]"
_OPERAND = re.compile(r"[A-Za-z][A-Za-z0-9_]*|([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|\u03c0")


def grammar_path() -> Path:
    """The text grammar's file (see grammar_file)."""
    from pathlib import Path  # (not at start-up: pathlib and the URL parsing it loads cost the CLI 4 ms)
    return Path(grammar_file("symdiff.lark"))


def grammar_file(name: str) -> str:
    """Where grammar `name` is (symdiff.lark, latex.lark, matrix.lark): the grammars ship inside the package
    (pyproject.toml's force-include); in a source checkout they are in grammar/."""
    for candidate in (os.path.join(_PACKAGE, "grammar", name),
                      os.path.join(os.path.dirname(_PACKAGE), "grammar", name)):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"{name} not found: the package is installed incompletely")


def grammar_text(name: str) -> str:
    """The text of grammar `name` (see grammar_file)."""
    with open(grammar_file(name), encoding="utf-8") as grammar:
        return grammar.read()


# Each thread has its own parser and node builder (the builder keeps per-parse state), made on the thread's first
# parse; Lark caches its tables on disk, so that costs milliseconds. Threads never wait for each other.
_per_thread = threading.local()


def _parser_and_builder() -> tuple[Lark, TextBuilder]:
    found = getattr(_per_thread, "parser", None)
    if found is None:
        builder = TextBuilder()
        # The basic lexer does not depend on the parser's state, so the postlexer may read ahead of it.
        parser = Lark(grammar_text("symdiff.lark"), parser="lalr", lexer="basic",
                      postlex=TextTokens(builder), transformer=builder, maybe_placeholders=False, cache=True,
                      start=["start", "expressions"])
        found = _per_thread.parser = (parser, builder)
    return found


def read(text: str, functions: Functions = (), budget: _budget.Budget | None = None) -> Reading:
    """How `text` is read: the expression (or equation, or derivative asked for) and the notes on readings that
    may not be the one meant. `functions`: names to read as undefined functions when applied (y(x)). Raises
    ParseError with the position of the problem, or BudgetError when the text is longer or nests deeper than the
    limits in force (symdiff.core.budget; `budget` overrides them for this call)."""
    if budget is not None:
        with _budget.use(budget):
            return read(text, functions)
    tree, notes = _read(text, "start", functions)
    if isinstance(tree, EquationAt):
        equation = tree.equation
        return Reading(text, equation.rhs if definition(equation) else None, equation, (), notes)
    if isinstance(tree, DerivativeRequest):
        return Reading(text, tree.expression, None, tree.variables, notes)
    return Reading(text, cast(Expr, tree), None, (), notes)  # the start rule gives no list


@overload
def parse(text: str, start: Literal["start"] = ..., budget: _budget.Budget | None = ...,
          functions: Functions = ...) -> Expr: ...
@overload
def parse(text: str, start: Literal["expressions"], budget: _budget.Budget | None = ...,
          functions: Functions = ...) -> list[Expr]: ...


def parse(text: str, start: str = "start", budget: _budget.Budget | None = None,
          functions: Functions = ()) -> Expr | list[Expr]:
    """Parse `text` into an expression: read() for an expression, or the right side of a definition `y = ...`
    (ParseError for any other equation, and for `d/dx ...`, a derivative asked for: symdiff.diff reads that).
    Each note on the reading is issued as a SymdiffWarning."""
    if start == "expressions":
        return parse_list(text, budget, functions)
    return expression_of(read(text, functions, budget))


def expression_of(reading: Reading, derivative: bool = False, warn: bool = True) -> Expr:
    """The expression a reading gives, its notes issued as SymdiffWarnings (unless not `warn`: the command line
    prints them itself). A ParseError for an equation that is not a definition, and for a derivative asked for
    (`d/dx ...`) unless `derivative` (the caller reads reading.variables)."""
    text = reading.text
    if reading.variables and not derivative:
        raise ParseError(f"{text.strip()} asks for a derivative: symdiff.diff(\"{text.strip()}\") computes it "
                         "(symdiff.read gives the expression and the variables)", text, 0,
                         notation=Notation.DERIVATIVE)
    expression = reading.require_expression(text.find("="))
    if warn:
        _warn(reading.notes)
    return expression


def parse_internal(text: str) -> Expr:
    """Parse one of symdiff's own formulas (a derivative rule, a rewrite rule) under the fixed INTERNAL_BUDGET,
    whatever budget the caller has in force: the tables are read the same way in every process."""
    return expression_of(read(text, budget=_budget.INTERNAL_BUDGET), warn=False)


def parse_list(text: str, budget: _budget.Budget | None = None, functions: Functions = ()) -> list[Expr]:
    """Parse a comma-separated list of expressions, "x*y, x + y^2" (a name is a variable or a function
    throughout the list, as within one expression)."""
    if budget is not None:
        with _budget.use(budget):
            return parse_list(text, None, functions)
    expressions, notes = read_list(text, functions)
    _warn(notes)
    return expressions


def read_list(text: str, functions: Functions = ()) -> tuple[list[Expr], tuple[Note, ...]]:
    """(the expressions of a comma-separated list, the notes on how they were read)."""
    expressions, notes = _read(text, "expressions", functions)
    return cast("list[Expr]", expressions), notes


def _warn(notes: Iterable[Note]) -> None:
    """Each note as a SymdiffWarning, attributed to the caller's line outside symdiff."""
    frame: FrameType | None
    level, frame = 2, sys._getframe(1)  # stacklevel 2 is the frame of _getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        level, frame = level + 1, frame.f_back
    for note in notes:
        warnings.warn(SymdiffWarning(note), stacklevel=level)


_PACKAGE = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def checked_input(text: object, reader: str) -> _budget.Budget:
    """The checks every reader of text makes first (a string, within the budget's length, not blank); the budget
    in force."""
    if not isinstance(text, str):
        raise TypeError(f"{reader}() takes a string, not {type(text).__name__}")
    current = _budget.current()
    if len(text) > current.max_input_length:
        raise BudgetError(f"input too long: {len(text)} characters, the limit is {current.max_input_length}")
    if not text.strip():
        raise ParseError("empty expression", text, 0)
    return current


def _read(text: str, start: str, declared: Functions) -> tuple[_Tree, tuple[Note, ...]]:
    """(the tree, the notes), positions in `text` as given."""
    current = checked_input(text, "parse")
    declared = _declared(declared)
    ascii_text, origin = _ascii(text)
    try:
        opened = check_nesting(ascii_text, current.max_depth, "([{", ")]}")
        tree, notes = _parse_ascii(ascii_text, start, opened, declared)
    except SymdiffError as error:
        if error.text == ascii_text and error.position is not None:  # positions in the text as given
            error.text, error.position = text, origin(error.position)
        raise
    for part in _trees(tree):
        _budget.check_expression(part, current)
    notes = tuple(Note(n.kind, n.message, None if n.position is None else origin(n.position)) for n in notes)
    return tree, notes


def _declared(declared: Functions) -> frozenset[str]:
    """The names declared as undefined functions, checked: not a known function, a constant or a bad name."""
    if isinstance(declared, str):
        declared = [declared]
    try:
        items = list(declared)
    except TypeError:
        raise UsageError(f"functions must be names, \"y,u\" or [\"y\", \"u\"], not {declared!r}") from None
    found: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"{item!r} is not a function name")
        for name in (part.strip() for part in item.split(",") if part.strip()):
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
                raise UsageError(f"{name!r} is not a function name")
            if names.is_function(name) or names.constant(name):
                raise UsageError(f"{name} is already a function or constant; declare only undefined functions")
            found.add(name)
    return frozenset(found)


def _trees(tree: _Tree) -> list[Expr]:
    if isinstance(tree, list):
        return tree
    if isinstance(tree, EquationAt):
        return [tree.equation.lhs, tree.equation.rhs]
    if isinstance(tree, DerivativeRequest):
        return [tree.expression]
    return [tree]


def _parse_ascii(text: str, start: str, opened: list[int],
                 declared: frozenset[str]) -> tuple[_Tree, Sequence[Note]]:
    parser, builder = _parser_and_builder()
    builder.reset(text, declared)
    try:
        tree = cast(_Tree, done(parser.parse(text, start=start)))  # what the builder built, not a lark Tree
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
                         text, builder.function_at[name], notation=Notation.AMBIGUOUS)
    declared_as_symbols = sorted(set(builder.symbol_at) & declared)
    if declared_as_symbols:
        name = declared_as_symbols[0]
        raise ParseError(f"{name} is declared a function: write {name}(...)", text, builder.symbol_at[name],
                         notation=Notation.AMBIGUOUS)
    return tree, sorted(builder.notes, key=lambda note: note.position or 0)


def _ascii(text: str) -> tuple[str, Callable[[int], int]]:
    """(the text with look-alikes replaced, a function mapping its positions back to those of `text`).
    ParseError at the first non-ASCII character that is not a look-alike."""
    if text.isascii():
        return text, lambda position: position
    pieces: list[str] = []
    origin: list[int] = []  # origin[i]: where the i-th character of the result came from

    def emit(piece: str, position: int) -> None:
        pieces.append(piece)
        origin.extend([position] * len(piece))

    i = 0
    while i < len(text):
        char = text[i]
        if char.isascii():
            emit(char, i)
        elif char in SUPERSCRIPTS:
            emit("^", i)
            while i < len(text) and text[i] in SUPERSCRIPTS:
                emit(SUPERSCRIPTS[text[i]], i)
                i += 1
            emit(" ", i - 1)
            continue
        elif char in LOOKALIKES:
            emit(LOOKALIKES[char], i)
        elif char == _SQRT:
            i = _square_root(text, i, emit, pieces)
            continue
        else:
            raise ParseError(f"unexpected character {char!r} ({_describe_char(char)}): write expressions in ASCII "
                             "(also accepted: · × − ÷ π √ ∂ and superscripts ² ⁻¹)", text, i)
        i += 1
    ascii_text = "".join(pieces)
    origin.append(len(text))
    return ascii_text, lambda position: origin[min(position, len(origin) - 1)]


def _square_root(text: str, i: int, emit: Callable[[str, int], None], pieces: list[str]) -> int:
    """√( ... ) is sqrt( ... ); √x, √2, √π are sqrt(x), sqrt(2), sqrt(pi). Emits it; returns where to go on."""
    j = i + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    if pieces and (pieces[-1][-1:].isalnum() or pieces[-1][-1:] in "_)"):
        emit(" ", i)  # x√x: a factor before the root, not the name xsqrt
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
    joined = end < len(text) and (text[end].isalnum() or text[end] in "_.")  # √2x: the root of 2, or of 2x?
    if joined:
        word = cast("re.Match[str]", re.match(r"[A-Za-z0-9_.]*", text[j:])).group()  # * always matches
        raise ParseError(f"ambiguous √: write √({word}) for the root of {word}, or √{match.group()} "
                         f"{word[end - j:]} for a product", text, i, notation=Notation.AMBIGUOUS)
    if following[:1] in ("^", "(", "[") or following[:1] in SUPERSCRIPTS or following == "**":
        raise ParseError("ambiguous √: write √(...) around what the root applies to, e.g. √(x^2) or (√x)^2",
                         text, i, notation=Notation.AMBIGUOUS)
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


def check_nesting(text: str, max_depth: int, openers: str = "([", closers: str = ")]") -> list[int]:
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


def _syntax_error(error: UnexpectedInput, text: str, opened: Sequence[int] = ()) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        position = cast(int, error.pos_in_stream)  # set by the lexer (lark types it None)
        char = text[position]
        described = f" ({_describe_char(char)})" if not char.isprintable() else ""
        return ParseError(f"unexpected character {char!r}{described}", text, position)
    error = cast("UnexpectedEOF | UnexpectedToken", error)  # the kinds left: each carries a token
    at = len(text) if isinstance(error, UnexpectedEOF) or error.token.type == "$END" \
        else cast(int, error.token.start_pos)
    function = _FUNCTION_BEFORE.search(text, 0, at) if isinstance(error, (UnexpectedEOF, UnexpectedToken)) else None
    if isinstance(error, UnexpectedToken) and text[:at].rstrip().endswith("'") and error.token.type != "LPAR":
        primed = re.search(r"[A-Za-z][A-Za-z0-9_]*'+\s*\Z", text[:at])
        name = primed.group().strip() if primed else "f'"
        return ParseError(f"{name} needs its argument in parentheses: {name}(x) is the derivative of an undefined "
                          "function", text, primed.start() if primed else at)
    if function is not None and names.is_function(function.group(1)):
        name = function.group(1)
        if isinstance(error, UnexpectedToken) and error.token.type in ("DIVIDE", "NAME", "FUNCTION", "POWER") \
                and re.search(r"\^\s*\(?\s*-?\s*[0-9]+\s*\Z", text[:at]):
            return ParseError(f"a power written on {name} is a whole number or -1 (sin^2 x, sin^-1 x): for another, "
                              f"write it after the argument, {name}(x)^(...)", text, function.start(),
                              notation=Notation.AMBIGUOUS)
        if isinstance(error, UnexpectedToken) and error.token.type == "PRIMES":
            return ParseError(f"derivative notation is for undefined functions, not {name}", text, function.start())
        return ParseError(f"{name} needs an argument: write {name}(x) or {name} x", text, function.start())
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


# A function's name (with a power on it) just before the error: sin, sin^2.
_FUNCTION_BEFORE = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\s*(?:(?:\^|\*\*)\s*\(?\s*-?\s*[0-9]+\s*\)?\s*)?\Z")


def _describe(token: Token) -> str:
    kind = {"NUMBER": "number ", "INT": "number ", "NAME": "name "}.get(token.type, "")
    return f"{kind}{str(token)!r}"


# After a complete operand the LALR parser has already reduced as far as the next token allowed, so its
# expected set shows only '+' and '-' of all the operators that could follow: they are named as one.
_OPERAND_STARTS = {"NAME", "NUMBER", "LPAR"}


def _expected(terminals: Iterable[str] | None) -> str:
    terminals = set(terminals or ())
    if {"PLUS", "MINUS"} <= terminals and not terminals & _OPERAND_STARTS:
        rest = sorted(_TERMINAL_NAMES.get(t, repr(t))
                      for t in terminals - {"PLUS", "MINUS", "PRIMES", "LSQB", "EQUALS", "BAR", "LBAR", "RBAR"})
        return "; expected an operator" + "".join(f" or {name}" for name in rest)
    names = sorted({_TERMINAL_NAMES.get(t, repr(t)) for t in terminals} - {"'", "'['"})
    if not names:
        return ""
    if len(names) > 6:
        return "; expected an operator, a closing parenthesis or the end" if "'('" not in names else \
            "; expected a number, a name or '('"
    return "; expected " + ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]

