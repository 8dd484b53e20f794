"""Small helpers over the list of tokens the text postlexer works on (symdiff/parsing/text_tokens.py and its passes):
the kind or text of the token at an index (None past either end), and tokens it makes."""

from __future__ import annotations

from lark import Token

__all__ = ["OPERAND_ENDS", "kind_at", "value_at", "new_token", "Bars"]

# After these a token ends an operand: a bar closes, a following factor multiplies, a differential is one.
OPERAND_ENDS = frozenset({"NAME", "NUMBER", "RPAR", "RBAR", "PRIMES"})


def new_token(kind: str, value: str, position: int) -> Token:
    return Token(kind, value, start_pos=position, end_pos=position + len(value))


def kind_at(tokens: list[Token], i: int) -> str | None:
    return tokens[i].type if 0 <= i < len(tokens) else None


def value_at(tokens: list[Token], i: int) -> str | None:
    return str(tokens[i]) if 0 <= i < len(tokens) else None


class Bars:
    """Which way each bar | faces, for both grammars' postlexers: after an operand (a kind in `operand_ends`) it
    closes the absolute value open at its level of brackets, if one is; otherwise it opens one. `enter` and
    `leave` follow the brackets, so that |(x| + 1)| is refused rather than mismatched."""

    def __init__(self, operand_ends: frozenset[str]) -> None:
        self.operand_ends = operand_ends
        self.levels = [0]  # per level of brackets, the bars opened and not yet closed

    def face(self, token: Token, previous: str | None) -> None:
        closes = self.levels[-1] > 0 and previous in self.operand_ends
        self.levels[-1] += -1 if closes else 1
        token.type = "RBAR" if closes else "LBAR"

    def enter(self) -> None:
        self.levels.append(0)

    def leave(self) -> bool:
        """Out of a level of brackets; False at the outermost level (an unmatched closer, for the parser)."""
        if len(self.levels) == 1:
            return False
        self.levels.pop()
        return True

    @property
    def unclosed(self) -> bool:
        return self.levels[0] > 0

