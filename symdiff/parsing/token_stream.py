"""Small helpers over the list of tokens the text postlexer works on (symdiff/parsing/text_tokens.py and its passes):
the kind or text of the token at an index (None past either end), and tokens it makes."""

from __future__ import annotations

from lark import Token

__all__ = ["OPERAND_ENDS", "kind_at", "value_at", "new_token"]

# After these a token ends an operand: a bar closes, a following factor multiplies, a differential is one.
OPERAND_ENDS = frozenset({"NAME", "NUMBER", "RPAR", "RBAR", "PRIMES"})


def new_token(kind: str, value: str, position: int) -> Token:
    return Token(kind, value, start_pos=position, end_pos=position + len(value))


def kind_at(tokens: list[Token], i: int) -> str | None:
    return tokens[i].type if 0 <= i < len(tokens) else None


def value_at(tokens: list[Token], i: int) -> str | None:
    return str(tokens[i]) if 0 <= i < len(tokens) else None
