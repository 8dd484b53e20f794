"""Shape declarations as text: `"x: n, A: n x n symmetric, X: m x n, s: scalar"` -> the named symbols.

This is the `--shape` option's language (and the `shapes=` argument's, when a string). A declaration is
`name: shape properties`; declarations are separated by commas, semicolons or new lines.

- shapes: `scalar`; `n` or `vector n` (or `vector of n`, `column vector n`): a column vector of n entries;
  `row vector n`: 1 x n; `m x n` (also `m × n`, `m by n`, `3x3`, `matrix m x n`), an m x n matrix. `R^n`,
  `R^(m x n)`, `R^{m x n}` and `ℝ^n` say the same. n x 1 is a vector and 1 x 1 a scalar, whichever way written.
- dimensions: positive whole numbers, or names (`n`, `batch`); a name may not also be declared a symbol.
- properties (after the shape, separated by spaces, `and` or commas): `symmetric`, `diagonal`,
  `positive definite` (also `positive_definite`, `pd`, `spd`), `invertible` (also `nonsingular`). Each implies
  what symdiff.matrices.nodes.PROPERTIES says (positive definite: symmetric and invertible). A property on a
  matrix that is not square is a ShapeError.
- several names may share one declaration: `x, y: n` declares both.

Errors are ParseErrors with the position of the problem in the text (a caret under it), or ShapeErrors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core import budget as _budget
from ..core.errors import BudgetError, ParseError, SymdiffError
from ..core.expr import ONE, Expr, Num, Sym
from ..functions import is_function_only
from .nodes import Symbol, symbol

__all__ = ["read_shapes", "dimension_names", "PROPERTY_WORDS"]

# A property's spellings: one word, or two words read as one (positive definite).
PROPERTY_WORDS = {
    "symmetric": ("symmetric",), "sym": ("symmetric",),
    "diagonal": ("diagonal",), "diag": ("diagonal",),
    "positive_definite": ("positive_definite",), "pd": ("positive_definite",), "spd": ("positive_definite",),
    "invertible": ("invertible",), "nonsingular": ("invertible",), "non_singular": ("invertible",),
}
_TWO_WORDS = {("positive", "definite"): "positive_definite", ("non", "singular"): "nonsingular"}
# Words that separate the two dimensions of a matrix.
_BY = frozenset({"x", "X", "by", "\u00d7", "*"})
_FILLER = frozenset({"and", "of", "matrix", "column", "a", "an"})

_TOKEN = re.compile(r"[ \t\r]*(?:(?P<number>[0-9]+)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
                    r"|(?P<sign>[:,;\n()\[\]{}^\u00d7*\u211d])|(?P<bad>\S))")


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "sign", "end"
    text: str
    position: int


def _tokens(spec: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(spec):
        match = _TOKEN.match(spec, position)
        if match is None:  # only trailing white space is left
            break
        kind = match.lastgroup or "bad"
        start = match.start(kind)
        if kind == "bad":
            raise ParseError(f"unexpected character {spec[start]!r} in a shape declaration", spec, start)
        text = match.group(kind)
        found.append(_Token(kind, text, start))
        position = match.end()
        if kind == "number" and position < len(spec) and spec[position] in "xX":  # 3x3, 3xn: x after a number
            found.append(_Token("name", "x", position))
            position += 1
    found.append(_Token("end", "", len(spec)))
    return found


class _Reader:
    """A recursive-descent reader over the tokens (the language is small and flat: no grammar file needed)."""

    def __init__(self, spec: str):
        self.spec = spec
        self.tokens = _tokens(spec)
        self.at = 0
        self.symbols: dict[str, Symbol] = {}
        self.dimensions: dict[str, int] = {}  # dimension name -> where first used
        self.pending: set[str] = set()  # the names of the declaration being read

    def peek(self, ahead: int = 0) -> _Token:
        return self.tokens[min(self.at + ahead, len(self.tokens) - 1)]

    def take(self) -> _Token:
        token = self.peek()
        self.at = min(self.at + 1, len(self.tokens) - 1)
        return token

    def error(self, message: str, token: _Token | None = None) -> ParseError:
        token = token or self.peek()
        return ParseError(message, self.spec, token.position)

    def separator(self) -> bool:
        token = self.peek()
        return token.kind == "end" or (token.kind == "sign" and token.text in ",;\n")

    def read(self) -> dict[str, Symbol]:
        while self.peek().kind != "end":
            if self.separator():
                self.take()
                continue
            self.declaration()
        clash = sorted(set(self.symbols) & set(self.dimensions))
        if clash:
            name = clash[0]
            raise ParseError(f"{name} is declared a symbol and used as a dimension: give them different names",
                             self.spec, self.dimensions[name])
        return self.symbols

    def declaration(self) -> None:
        names = [self.name()]
        self.pending = {names[0].text}
        while self.peek().text in (",",) and self.peek(1).kind == "name":  # x, y: n
            self.take()
            names.append(self.name())
            self.pending.add(names[-1].text)
        colon = self.take()
        if colon.text != ":":
            last = names[-1].text
            raise self.error(f"expected ':' after {last}, as in \"{last}: n x n\"", colon)
        shape_at = self.peek()
        rows, cols = self.shape()
        properties: list[tuple[str, _Token]] = []
        while True:
            token = self.peek()
            if token.kind == "name" and token.text in _FILLER:
                self.take()
                continue
            if token.kind == "sign" and token.text == "," and self.property_follows(1):
                self.take()
                continue
            found = self.property()
            if found is None:
                break
            properties.append(found)
        if not self.separator():
            raise self.error(f"unexpected {self.peek().text!r}: a shape is scalar, n (a vector), or m x n; the "
                             "properties are symmetric, diagonal, positive definite, invertible")
        for name_token in names:
            self.make(name_token, rows, cols, properties, shape_at)

    def property_follows(self, ahead: int) -> bool:
        token = self.peek(ahead)
        if token.kind != "name":
            return False
        following = self.peek(ahead + 1)
        if following.kind == "sign" and following.text == ":":
            return False  # the name of the next declaration
        return token.text.lower() in PROPERTY_WORDS or token.text.lower() in {a for a, _ in _TWO_WORDS}

    def property(self) -> tuple[str, _Token] | None:
        token = self.peek()
        if token.kind != "name":
            return None
        word = token.text.lower()
        pair = (word, self.peek(1).text.lower())
        if pair in _TWO_WORDS:
            self.take()
            self.take()
            return PROPERTY_WORDS[_TWO_WORDS[pair]][0], token
        if word in PROPERTY_WORDS:
            self.take()
            return PROPERTY_WORDS[word][0], token
        return None

    def name(self) -> _Token:
        token = self.take()
        if token.kind != "name":
            raise self.error("expected a name to declare, as in \"x: n\"", token)
        if token.text in self.symbols or token.text in self.pending:
            raise self.error(f"{token.text} is declared twice", token)
        if is_function_only(token.text):
            raise self.error(f"{token.text} is a function: choose another name for a symbol", token)
        return token

    def shape(self) -> tuple[Expr, Expr]:
        token = self.peek()
        word = token.text.lower() if token.kind == "name" else ""
        if word == "scalar":
            self.take()
            return ONE, ONE
        if token.text in ("R", "\u211d") and self.peek(1).text == "^":  # R^n, R^(m x n), R^{m x n}
            self.take()
            self.take()
            if self.peek().text in ("(", "[", "{"):
                opener = self.take()
                shape = self.dimensions_of()
                closer = self.take()
                if closer.text != {"(": ")", "[": "]", "{": "}"}[opener.text]:
                    raise self.error("the bracket is not closed", closer)
                return shape
            return self.dimension(), ONE
        if word == "row" and self.peek(1).text.lower() == "vector":
            self.take()
            self.take()
            if self.peek().text.lower() == "of":
                self.take()
            return ONE, self.dimension()
        while self.peek().kind == "name" and self.peek().text.lower() in ("column", "matrix"):
            self.take()
        if self.peek().text.lower() == "vector":
            self.take()
            if self.peek().text.lower() == "of":
                self.take()
            return self.dimension(), ONE
        return self.dimensions_of()

    def dimensions_of(self) -> tuple[Expr, Expr]:
        rows = self.dimension()
        if self.peek().text in _BY:
            self.take()
            return rows, self.dimension()
        return rows, ONE

    def dimension(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            value = int(token.text[:20])
            if len(token.text.lstrip("0")) > 18 or value < 1:
                raise self.error("a dimension is a whole number >= 1 (or a name)", token)
            return Num(value)
        if token.kind == "name" and token.text.lower() not in PROPERTY_WORDS and token.text != "scalar":
            if re.fullmatch(r"[a-z0-9]x[a-z0-9]", token.text):
                raise self.error(f"write {token.text[0]} x {token.text[2]} (with spaces) for a matrix", token)
            self.dimensions.setdefault(token.text, token.position)
            return Sym(token.text)
        raise self.error("expected a shape: scalar, n (a vector of n), m x n (a matrix)", token)

    def make(self, name: _Token, rows: Expr, cols: Expr, properties: list[tuple[str, _Token]],
             shape_at: _Token) -> None:
        try:
            made = symbol(name.text, rows, cols, [p for p, _ in properties])
        except SymdiffError as error:
            if error.position is None:
                error.text, error.position = self.spec, (properties[0][1] if properties else shape_at).position
            raise
        self.symbols[name.text] = made


def read_shapes(spec: str) -> dict[str, Symbol]:
    """The symbols declared in `spec` ("x: n, A: n x n symmetric"), by name. ParseError (with the position) for
    text that is no declaration, ShapeError for a property that does not fit the shape (a symmetric 2 x 3)."""
    if not isinstance(spec, str):
        raise TypeError(f"shapes must be a string, not {type(spec).__name__}")
    limit = _budget.current().max_input_length
    if len(spec) > limit:
        raise BudgetError(f"shape declarations too long: {len(spec)} characters, the limit is {limit}")
    return _Reader(spec).read()


def dimension_names(symbols: dict[str, Symbol]) -> set[str]:
    """The names of the dimensions the symbols' shapes use (n and m for x: n, X: m x n)."""
    found: set[str] = set()
    for s in symbols.values():
        found |= s.rows.free_symbols | s.cols.free_symbols
    return found
