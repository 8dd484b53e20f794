"""The LaTeX tokens that need context (grammar/latex.lark's postlexer), and what the function registry says about
LaTeX commands.

Which command is a function is the registry's to say, not this module's: OPERATORS is built from the rows (each
row's `latex` operator, such as `\\sin` or `\\operatorname{arsinh}`, and `\\name`, `\\operatorname{name}`,
`\\mathrm{name}` for every name and alias), and TEMPLATES from the rows whose `latex` is a template (`e^{{{0}}}`,
`\\left|{0}\\right|`, `\\log_{{{1}}}{p0}`), keyed by their shape, which the reader builds from what it read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from types import MappingProxyType

from lark import Token

from .. import functions
from ..core.errors import ParseError
from .names import GREEK_LETTERS  # the Greek letters read as symbols (\alpha), shared with the text reader
from .token_stream import Bars

__all__ = ["GREEK_LETTERS", "OPERATORS", "TEMPLATES", "LatexTokens", "normal", "shape", "word_of"]

# Commands with a meaning in the grammar of their own: met where that meaning does not fit (x^\frac12, an
# unmatched \right), they are unexpected, not unknown.
_STRUCTURAL = frozenset("left right frac dfrac tfrac cfrac sqrt partial cdot times div vert lvert rvert prime "
                        "mathit mathrm operatorname text lfloor rfloor lceil rceil".split())

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\\[A-Za-z]+\s*\{\s*((?:[A-Za-z0-9]|\\_)+)\s*\}\Z")


def normal(command: str) -> str:
    """A command as the tables key it: without spaces (`\\operatorname {sech}` -> `\\operatorname{sech}`)."""
    return _SPACE.sub("", command)


def word_of(command: str) -> str:
    """The name a command spells: `\\alpha` -> alpha, `\\mathit{rate\\_2}` -> rate_2."""
    match = _WORD.match(command)
    return match.group(1).replace("\\_", "_") if match else command[1:]


def _operators() -> MappingProxyType[str, str]:
    table: dict[str, str] = {}
    for row in functions.rows():
        if not row.latex_is_template:
            table[normal(row.latex)] = row.name
    names = {name for name, _ in functions.REGISTRY} | set(functions.ALIASES)
    for word in sorted(names):
        spellings = [f"\\operatorname{{{word}}}", f"\\mathrm{{{word}}}", f"\\text{{{word}}}"]
        if word.isalpha():  # a command is letters only: \log10 would be \log followed by 10
            spellings.append(f"\\{word}")
        for spelling in spellings:
            table.setdefault(spelling, functions.ALIASES.get(word, word))
    return MappingProxyType(table)


def shape(template: str) -> str:
    """A template with its arguments as #0, #1 and the parenthesised first argument as (#0): the key under which
    the reader finds the row of what it read (`e^{#0}` for e^{x})."""
    return normal(template.format("#0", "#1", p0="(#0)"))


# LaTeX command (as normal() writes it) -> the name of the function it applies.
OPERATORS = _operators()
# The shape of a template -> its row.
TEMPLATES = MappingProxyType({shape(row.latex): row for row in functions.rows() if row.latex_is_template})

# After these a bar closes an absolute value (when one is open at this level of brackets); elsewhere it opens one.
_OPERAND_ENDS = frozenset("LETTER DIGIT NUMBER SCIENTIFIC SYMBOL_COMMAND NAMEWORD RPAR RBRACK RBRACE RIGHT_RPAR "
                          "RIGHT_RBRACK RIGHT_BAR RBAR RFLOOR RCEIL".split())
_OPENERS = frozenset("LPAR LBRACK LBRACE LEFT_LPAR LEFT_LBRACK LEFT_BAR LFLOOR LCEIL".split())
_CLOSERS = frozenset("RPAR RBRACK RBRACE RIGHT_RPAR RIGHT_RBRACK RIGHT_BAR RFLOOR RCEIL".split())


class LatexTokens:
    """Lark's postlexer for grammar/latex.lark: commands become OPERATOR or SYMBOL_COMMAND tokens, or a ParseError
    naming them; a bar | becomes LBAR or RBAR. The lexer offers these in every parser state (always_accept), so
    that the decision is made here, once, whatever the grammar expects."""

    always_accept = ("COMMAND", "NAMEWORD", "BAR")

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        bars = Bars(_OPERAND_ENDS)
        subscripts: list[bool] = [False]  # per level of brackets: whether it is in a name's subscript {...}
        previous = subscripted = None  # subscripted: the kind of token before the last _
        for token in stream:
            kind = token.type
            name_subscript = previous == "SUB" and subscripted != "OPERATOR"  # x_{max}, not \log_{\arccos x}
            in_subscript = subscripts[-1] or name_subscript
            if kind in ("COMMAND", "NAMEWORD") and in_subscript and normal(str(token)) in OPERATORS:
                token.type = "NAMEWORD"  # x_{\max}, x_{\mathrm{min}}: a name's subscript, not a function
            elif kind == "COMMAND":
                token.type = self._command(token)
            elif kind == "NAMEWORD":
                token.type = self._nameword(token)
            elif kind == "BAR":
                bars.face(token, previous)
            elif kind in _OPENERS:
                bars.enter()
                subscripts.append(kind == "LBRACE" and name_subscript or subscripts[-1])
            elif kind in _CLOSERS and bars.leave():
                subscripts.pop()
            if token.type == "SUB":
                subscripted = previous
            previous = token.type
            yield token

    @staticmethod
    def _command(token: Token) -> str:
        text = str(token)
        if text[1:] in GREEK_LETTERS:  # \gamma is a symbol, as printed (the function is \operatorname{Gamma})
            return "SYMBOL_COMMAND"
        if text in OPERATORS:
            return "OPERATOR"
        if text in ("\\left", "\\right"):
            raise ParseError(f"unexpected {text}: \\left and \\right go in pairs, before (, [ or | and the "
                             "matching ), ] or |", None, token.start_pos)
        if text[1:] in _STRUCTURAL:
            raise ParseError(f"unexpected {text}", None, token.start_pos)
        raise ParseError(f"unknown command {text}", None, token.start_pos)

    @staticmethod
    def _nameword(token: Token) -> str:
        text = normal(str(token))
        if text.startswith("\\mathit"):  # italic: a variable's name, as the printer writes rate or sin2
            return "NAMEWORD"
        if text in OPERATORS:
            return "OPERATOR"
        if word_of(text) == "d":
            raise ParseError(f"{text} is a differential: parse_latex reads expressions, not derivatives or "
                             "integrals; to differentiate, read the expression and call symdiff.diff(expr, \"x\")",
                             None, token.start_pos)
        return "NAMEWORD"
