"""The derivative notation people type around an expression, read or refused: `d/dx F` and `d^2/dx^2 F` at the
start ask for a derivative (a DERIVATIVE token, and the variables on the reader's context); `dy/dx`, `d2y/dx2`,
`d^2y/dx^2`, `d/dx` after the start, a differential at the end (`x^2 dx`) and the words of a request
(`derivative of`, `wrt`) are refused with the way to ask. Passes of the text postlexer
(symdiff/parsing/text_tokens.py) over its tokens; `context` is the reader's per-parse state.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

from lark import Token

from ..core.errors import Notation
from . import names
from .token_stream import OPERAND_ENDS, kind_at, new_token, value_at

if TYPE_CHECKING:
    from .text_builder import TextBuilder

__all__ = ["derivative_prefix", "check_request_words", "check_ratio", "check_differential"]

_DIFFERENTIAL = re.compile(r"d([A-Za-z][A-Za-z0-9_]*)\Z")
_TRAILING_DIFFERENTIAL = re.compile(r"d([A-Za-z])\Z")  # x^2 dx, t dt: d and one letter
_LEIBNIZ = re.compile(r"d[0-9]*([A-Za-z][A-Za-z_]*)[0-9]*\Z")  # dy, d2y, dx, dx2: the parts of dy/dx, d2y/dx2


def derivative_prefix(tokens: list[Token], context: TextBuilder) -> list[Token]:
    """`d/dx F`, `d^n/dx^n F` (also with ∂, read as d): a DERIVATIVE token and F."""
    i, order = 1, 1
    if value_at(tokens, 0) != "d":
        return tokens
    if kind_at(tokens, 1) == "POWER" and kind_at(tokens, 2) == "NUMBER":
        order, i = _order(context, tokens[2]), 3
    if kind_at(tokens, i) != "DIVIDE" or kind_at(tokens, i + 1) != "NAME":
        return tokens
    match = _DIFFERENTIAL.match(str(tokens[i + 1]))
    if match is None:
        return tokens
    variable, j = match.group(1), i + 2
    if kind_at(tokens, j) == "POWER" and kind_at(tokens, j + 1) == "NUMBER":
        if _order(context, tokens[j + 1]) != order:
            raise context.error(f"the orders differ: write d^{order}/d{variable}^{order}", tokens[j + 1],
                                Notation.DERIVATIVE)
        j += 2
    elif order != 1:
        raise context.error(f"write d^{order}/d{variable}^{order}", tokens[i + 1], Notation.DERIVATIVE)
    if names.is_function(variable) or names.constant(variable):
        raise context.error(f"d/d{variable}: {variable} is not a variable", tokens[i + 1], Notation.DERIVATIVE)
    if j >= len(tokens):
        raise context.error(f"d/d{variable} of what? write d/d{variable} (...)", tokens[i + 1],
                            Notation.DERIVATIVE)
    context.derivative = (variable,) * order
    return [new_token("DERIVATIVE", "d/d" + variable, cast(int, tokens[0].start_pos))] + tokens[j:]


def _order(context: TextBuilder, token: Token) -> int:
    text = str(token)
    if not text.isdigit() or not 1 <= len(text) <= 4 or int(text) == 0:
        raise context.error("a derivative's order is a whole number from 1", token, Notation.DERIVATIVE)
    return int(text)


def check_request_words(tokens: list[Token], context: TextBuilder) -> None:
    """derivative of x^2, x^2 wrt x: words of a request are refused, not multiplied as variables."""
    for token in tokens:
        if token.type == "NAME" and str(token) in names.REQUEST_WORDS:
            raise context.error(f"{token} reads as a word of a request, not a variable: write the expression "
                                "alone and say the variable apart (symdiff \"x^2\" --wrt x, or d/dx x^2)",
                                token, Notation.DERIVATIVE)


def check_ratio(tokens: list[Token], i: int, context: TextBuilder) -> None:
    """dy/dx and d/dx after the start are derivative notation, refused with the way to ask."""
    before, after = value_at(tokens, i - 1), value_at(tokens, i + 1)
    if before is None or after is None or kind_at(tokens, i - 1) != "NAME" or kind_at(tokens, i + 1) != "NAME":
        return
    first = i - 1
    if [kind_at(tokens, j) for j in range(i - 4, i - 1)] == ["NAME", "POWER", "NUMBER"] and \
            value_at(tokens, i - 4) == "d" and _LEIBNIZ.match(after):  # d^2y/dx^2
        before, first = "d" + before, i - 4
    denominator = _LEIBNIZ.match(after)
    if denominator is None or not (before == "d" or _LEIBNIZ.match(before)):
        return
    x = denominator.group(1).rstrip("0123456789")
    if before == "d":
        raise context.error(f"d/d{x} is read only at the start, before the whole expression: d/d{x} (...)",
                            tokens[i - 1], Notation.DERIVATIVE)
    y = cast("re.Match[str]", _LEIBNIZ.match(before)).group(1)  # it matched above
    last = i + 3 if [kind_at(tokens, i + 2), kind_at(tokens, i + 3)] == ["POWER", "NUMBER"] else i + 1
    written = context.text[tokens[first].start_pos:tokens[last].end_pos]
    raise context.error(f"{written} is derivative notation: write the expression {y} stands for, e.g. "
                        f"symdiff \"x^2\" --wrt {x}, or the equation {y} = ... (its right side is differentiated)",
                        tokens[first], Notation.DERIVATIVE)


def check_differential(tokens: list[Token], i: int, previous: str | None, context: TextBuilder) -> None:
    """x^2 dx: a differential multiplied on at the end is an integral's, not a variable."""
    match = _TRAILING_DIFFERENTIAL.match(str(tokens[i]))
    if match is None or i != len(tokens) - 1 or previous not in OPERAND_ENDS:
        return
    x = match.group(1)
    raise context.error(f"{tokens[i]} at the end reads as a differential (as in an integral): symdiff "
                        f"differentiates; leave out {tokens[i]} and ask for the derivative in {x} (--wrt {x}, "
                        f"or d/d{x} before the expression)", tokens[i], Notation.DIFFERENTIAL)
