"""The text tokens that need context (grammar/symdiff.lark's postlexer): what each name is, which way a bar faces,
which brackets group; its passes for derivative notation (symdiff/parsing/derivative_notation.py) and for the
readings by convention (symdiff/parsing/conventions.py) run over the same tokens.

The lexer gives every name as NAME and every bar as BAR; this pass, knowing the tokens around them, the function
registry and the functions the caller declared, decides (symdiff/parsing/names.py holds the conventions):

- a function's name (sin, sqrt, arcsin; gamma only when applied) is FUNCTION, applied with parentheses or not;
- a name applied to parentheses is CALLNAME, an undefined function, when declared or conventional (f, g, h, F,
  G, H, Greek letters), or when it is defined, `y(x) = ...`; a variable's one-letter name before a parenthesis is a
  factor, x(x + 1); `y(x)` is refused as ambiguous, and any other name applied is refused as unknown, with
  suggestions (cbrtt: did you mean cbrt?), as is another tool's name before an argument (tg x, log_2 x);
- a variable whose name begins or ends with a function's (sinx, cos2x, xsin), or is two letters (xy), is one
  variable, with a note saying how to write the other reading;
- a bar opens an absolute value, or closes the open one after an operand; [ ] and { } group as ( ) do.

Notes and errors are given positions in the text the lexer read; the reader maps them back to the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, cast

from lark import Token

from ..core.errors import Notation, ParseError
from ..functions import SYMBOL_NAMES
from . import names
from .conventions import BareArguments, check_division, check_fraction_exponent, exponent_products, factor_before_e
from .derivative_notation import check_differential, check_ratio, check_request_words, derivative_prefix
from .token_stream import OPERAND_ENDS, Bars, kind_at, new_token, value_at

if TYPE_CHECKING:
    from .text_builder import TextBuilder

__all__ = ["TextTokens"]

_OPENERS = frozenset({"LPAR", "LSQB"})
_CLOSERS = frozenset({"RPAR", "RSQB"})
_LOG_BASE = re.compile(r"log_([0-9]+|[A-Za-z][A-Za-z0-9]*)\Z")  # log_2, log_b: LaTeX's way to write a base
# What can start a function's argument, after its name.
_ARGUMENT_STARTS = frozenset({"NAME", "NUMBER", "LPAR", "BAR"})


class TextTokens:
    """Lark's postlexer for grammar/symdiff.lark. `context` is the reader's per-parse state
    (symdiff.parsing.text_builder.TextBuilder): `text`, `functions` (the names declared as functions), `note()`
    and `error()`, and `derivative` (set to the variables of a leading d/dx)."""

    always_accept = ("NAME", "BAR")

    def __init__(self, context: TextBuilder):
        self.context = context

    def _error(self, message: str, token: Token, notation: Notation, suggestions: Iterable[str] = ()) -> ParseError:
        return self.context.error(message, token, notation, suggestions)

    def _note(self, kind: Notation, message: str, token: Token) -> None:
        self.context.note(kind, message, token)

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        tokens = list(stream)  # the basic lexer does not depend on the parser's state, so reading ahead is safe
        tokens = self._braced_subscripts(tokens)
        tokens = self._brackets_as_parentheses(tokens)
        check_request_words(tokens, self.context)
        tokens = derivative_prefix(tokens, self.context)
        tokens = factor_before_e(tokens, self.context)
        tokens = exponent_products(tokens, self.context)
        self._closing, self._with_comma = self._parentheses(tokens)
        yield from self._classify(tokens)

    @staticmethod
    def _braced_subscripts(tokens: list[Token]) -> list[Token]:
        """x_{1}, x_{max}: a subscript in braces, as LaTeX writes it, is part of the name (x_1, x_max)."""
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "NAME" and str(token).endswith("_") and kind_at(tokens, i + 1) == "LBRACE" and \
                    kind_at(tokens, i + 2) in ("NAME", "NUMBER") and kind_at(tokens, i + 3) == "RBRACE" and \
                    str(tokens[i + 2]).isalnum():
                out.append(new_token("NAME", str(token) + str(tokens[i + 2]), cast(int, token.start_pos)))
                i += 4
                continue
            out.append(token)
            i += 1
        return out

    def _brackets_as_parentheses(self, tokens: list[Token]) -> list[Token]:
        """[x + 1]^2 and e^{2x}: square brackets and braces group as parentheses do, each closed by its own
        kind; the brackets of D[1,0](f) stay brackets. Mismatched ones are left for the parser to report."""
        closer = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}
        opened: list[tuple[Token, bool]] = []  # (token, whether it groups as a parenthesis)
        for i, token in enumerate(tokens):
            if token.type == "LSQB" and kind_at(tokens, i - 1) == "NAME" and value_at(tokens, i - 1) != "D":
                raise self._error(f"{tokens[i - 1]}[...]: brackets after a name are not an index; to multiply write "
                                  f"{tokens[i - 1]}*[...]", token, Notation.AMBIGUOUS)
            if token.type in closer:
                opened.append((token, not (token.type == "LSQB" and value_at(tokens, i - 1) == "D")))
            elif token.type in ("RPAR", "RSQB", "RBRACE") and opened and closer[opened[-1][0].type] == token.type:
                opening, groups = opened.pop()
                if groups:
                    opening.type, token.type = "LPAR", "RPAR"
        return tokens

    @staticmethod
    def _parentheses(tokens: list[Token]) -> tuple[dict[int, int], set[int]]:
        """In one pass: the index of the ")" closing each "(" (by index), and the "(" holding a comma at their
        own level, so that what follows a parenthesis is known in constant time."""
        closing: dict[int, int] = {}
        with_comma: set[int] = set()
        opened: list[int] = []
        for i, token in enumerate(tokens):
            if token.type == "LPAR":
                opened.append(i)
            elif token.type == "RPAR" and opened:
                closing[opened.pop()] = i
            elif token.type == "COMMA" and opened:
                with_comma.add(opened[-1])
        return closing, with_comma

    # -- names and bars --
    def _classify(self, tokens: list[Token]) -> Iterator[Token]:
        bars = Bars(OPERAND_ENDS)
        bare = BareArguments(self.context)
        previous: str | None = None
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "NAME":
                for piece in self._name(tokens, i, previous):
                    bare.follow(piece, tokens, i)
                    previous = piece.type
                    yield piece
                continue
            bare.follow(token, tokens, i)
            if kind == "BAR":
                bars.face(token, previous)
            elif kind in _OPENERS:
                bars.enter()
            elif kind in _CLOSERS:
                bars.leave()
            elif kind == "DIVIDE":
                check_ratio(tokens, i, self.context)
                check_division(tokens, i, self.context, self._closing)
            elif kind == "POWER":
                check_fraction_exponent(tokens, i, self.context)
            previous = token.type
            yield token
        if bars.unclosed:  # before the parser meets the end: say which bar is open
            raise self._error("a bar | is not closed: bars nest ambiguously here, so write abs(...) for each "
                              "absolute value", self._last_open_bar(tokens), Notation.AMBIGUOUS)

    @staticmethod
    def _last_open_bar(tokens: list[Token]) -> Token:
        return next(token for token in reversed(tokens) if token.type == "LBAR")

    def _name(self, tokens: list[Token], i: int, previous: str | None) -> list[Token]:
        token = tokens[i]
        name = str(token)
        applied = kind_at(tokens, i + 1) == "LPAR"
        if names.is_function(name) and (applied or name not in SYMBOL_NAMES):
            token.type = "FUNCTION"
            return [token]
        if kind_at(tokens, i + 1) in _ARGUMENT_STARTS and name not in self.context.functions and \
                not names.is_conventional_function(name):
            self._check_other_spelling(token)
        if applied:
            return [self._applied(tokens, i)]
        check_differential(tokens, i, previous, self.context)
        if kind_at(tokens, i + 1) == "PRIMES" or names.constant(name) or name in self.context.functions:
            return [token]
        joined = names.joined_function(name)
        if joined is not None:
            function, argument = joined
            self._note(Notation.JOINED_NAME, f"{name} is read as one variable named {name}; for {function} of "
                       f"{argument} write {function}({argument}) or {function} {argument}", token)
            return [token]
        if name in names.OTHER_SPELLINGS:
            self._note(Notation.JOINED_NAME, f"{name} is read as one variable named {name}; for the function "
                       f"{names.OTHER_SPELLINGS[name]} write {names.OTHER_SPELLINGS[name]}(...)", token)
            return [token]
        if names.is_joined_letters(name):
            self._note(Notation.JOINED_NAME, f"{name} is read as one variable named {name}; for {name[0]} times "
                       f"{name[1]} write {name[0]} {name[1]} or {name[0]}*{name[1]}", token)
            return [token]
        embedded = names.embedded_function(name)
        if embedded is not None:
            self._note(Notation.JOINED_NAME, f"{name} is read as one variable named {name}; for {embedded} "
                       "applied to something write " + (f"{embedded}(...)" if name.startswith(embedded) else
                                                        f"{name[:-len(embedded)]}*{embedded}(...)"), token)
        return [token]

    def _check_other_spelling(self, token: Token) -> None:
        """tg x, log_2 x: another tool's name of a function, before its argument, is refused with symdiff's."""
        name = str(token)
        base = _LOG_BASE.match(name)
        if base is not None:
            raise self._error(f"{name}: write log(x, {base.group(1)}) for the logarithm to base {base.group(1)}",
                              token, Notation.UNKNOWN_FUNCTION, ("log",))
        if name in names.OTHER_SPELLINGS:
            meant = names.OTHER_SPELLINGS[name]
            raise self._error(f"unknown function {name}: did you mean {meant}(...)?", token,
                              Notation.UNKNOWN_FUNCTION, (meant,))

    def _applied(self, tokens: list[Token], i: int) -> Token:
        """A name before "(": an undefined function's (CALLNAME), a factor's (NAME), or an error."""
        token = tokens[i]
        name = str(token)
        if name in self.context.functions or names.is_conventional_function(name) or self._defined(tokens, i):
            token.type = "CALLNAME"
            return token
        if names.constant(name):
            return token  # 2pi(x + 1): a product
        if names.is_factor_name(name):
            if self._has_comma(tokens, i + 1):
                raise self._error(f"{name}(...) with several arguments: declare {name} a function (--function "
                                  f"{name}; in Python, functions=[\"{name}\"])", token, Notation.AMBIGUOUS)
            if kind_at(tokens, i + 2) == "NAME" and kind_at(tokens, i + 3) == "RPAR" and \
                    not names.is_function(str(tokens[i + 2])):
                inner = tokens[i + 2]
                raise self._error(f"is {name}({inner}) the function {name} of {inner}, or {name} times {inner}? "
                                  f"write {name}*{inner} to multiply, or declare {name} a function (--function "
                                  f"{name}; in Python, functions=[\"{name}\"])", token, Notation.AMBIGUOUS)
            return token
        found = names.suggestions(name)
        if found:
            advice = "did you mean " + " or ".join(f"{s}(...)" for s in found) + "?"
        else:
            advice = (f"to use an undefined function {name}, declare it (--function {name}; in Python, "
                      f"functions=[\"{name}\"]); to multiply, write {name}*(...)")
        raise self._error(f"unknown function {name}: {advice}", token, Notation.UNKNOWN_FUNCTION, tuple(found))

    def _has_comma(self, tokens: list[Token], i: int) -> bool:
        """Whether the parenthesis opening at token i holds a comma at its own level."""
        return i in self._with_comma

    def _defined(self, tokens: list[Token], i: int) -> bool:
        """`y(x) = ...` or `u(x, t) = ...` at the start: the name is the function being defined."""
        close = self._closing.get(1)
        return i == 0 and close is not None and kind_at(tokens, close + 1) == "EQUALS" and \
            all(tokens[j].type == ("NAME" if j % 2 == 0 else "COMMA") for j in range(2, close))

