"""Readings by convention, each said in a note (Notation.CONVENTION or JOINED_NAME): e^2x is e^(2x) and xe^x is
x*e^x, as textbooks mean them; 2^3x, 1/2x and x^1/2 are read by precedence and the note gives the other
reading's spelling; sin x cos x is sin(x)*cos(x). Passes of the text postlexer (symdiff/parsing/text_tokens.py)
over its tokens; `context` is the reader's per-parse state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from lark import Token

from ..core.errors import Notation
from . import names
from .token_stream import kind_at, new_token

if TYPE_CHECKING:
    from .text_builder import TextBuilder

__all__ = ["factor_before_e", "exponent_products", "check_division", "check_fraction_exponent", "factor_end",
           "BareArguments"]


def factor_before_e(tokens: list[Token], context: TextBuilder) -> list[Token]:
    """xe^x and te^(-t) are x e^x and t e^(-t), as textbooks mean them: a two-letter name ending in e, raised
    to a power, is a letter times e."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        name = str(token)
        if token.type == "NAME" and len(name) == 2 and name[1] == "e" and name[0].isalpha() and \
                kind_at(tokens, i + 1) == "POWER" and not names.is_function(name):
            context.note(Notation.JOINED_NAME, f"{name}^... is read as {name[0]}*e^...; for a variable named "
                         f"{name}, write ({name})^...", token)
            at = cast(int, token.start_pos)  # a lexed token's position is set (lark types it Optional)
            out += [new_token("NAME", name[0], at), new_token("NAME", "e", at + 1)]
        else:
            out.append(token)
    return out


def exponent_products(tokens: list[Token], context: TextBuilder) -> list[Token]:
    """e^2x, e^-3t and e^2x^2 are e^(2x), e^(-3t) and e^(2x^2), as textbooks mean them: a number joined to a
    name (and its power) after e^. After another number, 2^3x, the note says how it is read (2^3*x)."""
    if not any(token.type == "POWER" for token in tokens):
        return tokens
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        end = _exponent_product_end(tokens, i)
        if end is None:
            out.append(token)
            i += 1
            continue
        start, text = tokens[i + 2], context.text
        number = next(t for t in tokens[i + 2:end + 1] if t.type == "NUMBER")
        exponent, rest = text[start.start_pos:number.end_pos], text[number.end_pos:tokens[end].end_pos]
        if token.type == "NUMBER":  # 2^3x: read by precedence, 2^3*x, and said
            context.note(Notation.CONVENTION, f"{token}^{exponent}{rest} is read as ({token}^{exponent})*{rest}; "
                         f"write {token}^({exponent}{rest}) for the power {exponent}{rest}", token)
            out.append(token)
            i += 1
            continue
        context.note(Notation.CONVENTION, f"{token}^{exponent}{rest} is read as {token}^({exponent}{rest}), as "
                     f"textbooks mean it; write {token}^{exponent}*{rest} for the other reading", token)
        out += [token, tokens[i + 1], new_token("LPAR", "(", cast(int, start.start_pos)), *tokens[i + 2:end + 1],
                new_token("RPAR", ")", cast(int, tokens[end].end_pos))]
        i = end + 1
    return out


def _exponent_product_end(tokens: list[Token], i: int) -> int | None:
    """For e (or a number) at i followed by ^, [-], a number and a name joined to it, and perhaps ^ and a
    number joined to that: the index of the last token of that exponent; else None."""
    token = tokens[i]
    if not (token.type == "NAME" and token in ("e", "E") or token.type == "NUMBER") or \
            kind_at(tokens, i + 1) != "POWER":
        return None
    j = i + 2 + (kind_at(tokens, i + 2) == "MINUS")
    if kind_at(tokens, j) != "NUMBER" or kind_at(tokens, j + 1) != "NAME" or \
            tokens[j].end_pos != tokens[j + 1].start_pos:
        return None
    end = j + 1
    if kind_at(tokens, end + 1) == "POWER" and kind_at(tokens, end + 2) == "NUMBER" and \
            tokens[end].end_pos == tokens[end + 1].start_pos == cast(int, tokens[end + 1].end_pos) - 1 and \
            tokens[end + 1].end_pos == tokens[end + 2].start_pos:
        end += 2  # e^2x^2
    elif kind_at(tokens, end + 1) in ("POWER", "LPAR"):
        return None
    return end


def check_division(tokens: list[Token], i: int, context: TextBuilder, closing: dict[int, int]) -> None:
    """1/2x, 1/x(x + 1): a divisor joined to a factor. Implicit multiplication binds as * does, so this is
    (1/2)*x, as in Mathematica and SymPy; the note says so, and how to write the other reading."""
    divisor, factor = i + 1, i + 2
    if kind_at(tokens, divisor) not in ("NUMBER", "NAME") or kind_at(tokens, factor) not in ("NAME", "LPAR", "BAR"):
        return
    if tokens[divisor].end_pos != tokens[factor].start_pos or kind_at(tokens, divisor) == "NAME" and \
            kind_at(tokens, factor) == "NAME":
        return
    divided_by = str(tokens[divisor])
    if kind_at(tokens, factor) == "LPAR" and (kind_at(tokens, divisor) == "NUMBER" or
                                            not names.is_factor_name(divided_by) or
                                            names.is_conventional_function(divided_by) or
                                            divided_by in context.functions):
        return  # 1/2(x + 1) is written so on purpose as often as not; f(x) and g(x) are calls, not products
    joined = context.text[tokens[divisor].start_pos:factor_end(tokens, factor, closing)]
    context.note(Notation.CONVENTION, f"/{joined} divides by {divided_by} only, then multiplies by "
                 f"{joined[len(divided_by):]}, as in Mathematica and SymPy; write /({joined}) to divide by all of it",
                 tokens[divisor])


def check_fraction_exponent(tokens: list[Token], i: int, context: TextBuilder) -> None:
    """x^1/2: ^ binds tighter than /, so this is (x^1)/2, though a root is meant (nobody raises to 1 to
    divide); the note says how to write the root. x^2/2 is read as written, without a note."""
    kinds = [kind_at(tokens, j) for j in range(i + 1, i + 4)]
    if kinds != ["NUMBER", "DIVIDE", "NUMBER"] or str(tokens[i + 1]) != "1":
        return
    if any(tokens[j + 1].start_pos != tokens[j].end_pos for j in range(i, i + 3)):
        return  # x^1 / 2, with spaces, is written so on purpose
    fraction = f"{tokens[i + 1]}/{tokens[i + 3]}"
    context.note(Notation.CONVENTION, f"^{fraction} raises to {tokens[i + 1]} only, then divides by {tokens[i + 3]} "
                 f"(^ binds tighter than /); for the power {fraction} write ^({fraction})", tokens[i])


def factor_end(tokens: list[Token], i: int, closing: dict[int, int]) -> int | None:
    """Where the factor starting at token i ends: after its name, or after the parenthesis closing it (`closing`:
    the index of the ")" that closes each "(")."""
    if tokens[i].type != "LPAR":
        return tokens[i].end_pos
    return tokens[closing.get(i, len(tokens) - 1)].end_pos


class BareArguments:
    """Follows the functions applied without parentheses, to note sin x cos x (see follow). Per level of
    brackets: (the function, whether its argument has begun), or None."""

    def __init__(self, context: TextBuilder):
        self.context = context
        self.levels: list[tuple[Token, bool] | None] = [None]

    def follow(self, token: Token, tokens: list[Token], i: int) -> None:
        """sin x cos x: a function met in the bare argument of another is a new factor, sin(x)*cos(x), as in
        textbooks and Wolfram|Alpha; the note says so."""
        bare, context = self.levels, self.context
        kind, current = token.type, bare[-1]
        if kind in ("LPAR", "LSQB", "LBAR"):
            bare.append(None)
        elif kind in ("RPAR", "RSQB", "RBAR") and len(bare) > 1:
            bare.pop()
        elif kind == "FUNCTION":
            if current is not None and current[1]:
                context.note(Notation.CONVENTION, f"{current[0]} ... {token} is read as "
                             f"{current[0]}(...)*{token}(...): an argument without parentheses ends before the next "
                             f"function; write {current[0]}(... {token} ...) to take it in", token)
            bare[-1] = (token, False) if kind_at(tokens, i + 1) != "LPAR" else None
        elif current is not None and kind in ("NAME", "NUMBER", "CALLNAME"):
            bare[-1] = (current[0], True)
        elif current is not None and kind in ("PLUS", "TIMES", "DIVIDE", "EQUALS", "COMMA") or \
                kind == "MINUS" and current is not None and current[1]:
            bare[-1] = None
