"""Matrix expressions as text -> matrix nodes (symdiff.matrices.nodes), shapes declared or inferred.

    parse_matrix("x'*A*x + norm(X*w - y)^2", "X: m x n")

This docstring is the contract of what the reader accepts; symdiff's matrix printer (text.py) writes this syntax,
and whatever it prints reads back to the same expression.

Syntax (precedence, loosest first: `+ -` < `* @ / \\` < `.* ./` < unary `-` < `^ .^ **` < postfix `'`):

- numbers: `2`, `0.5`, `1e-3` (a decimal is a float, as in symdiff's scalar reader), fractions by `/` (`1/2`);
  the constants `pi` and `e` (Euler's number: declare `e` to use it as a vector). No implicit products: `2x` and
  `A x` are refused, write `2*x` and `A*x`.
- names: `x`, `w1`, `x_0`, `alpha`, `Sigma`. Shapes of undeclared names follow the convention below.
- `a + b`, `a - b`, `-a`, `+a`: sums of one shape (`-A*x` is the same read as `(-A)*x` or as `-(A*x)`). A
  scalar added to a vector or matrix is added to each entry (it is broadcast, as NumPy does:
  `1 + exp.(-y .* (X*w))` is `ones(m) + exp.(...)`); a note says so.
- `a*b` and `a@b`: the matrix product; a scalar times anything scales it (`2*A`, `(x'*y)*z`).
- `a/s`: division by a scalar only; dividing by a vector or matrix is a ShapeError (write `inv(B)`, or `./` for
  entries). `A\\b` is `inv(A)*b`.
- `A'`, `A^T`, `transpose(A)`: the transpose (`^T` always means the transpose).
- `A^-1`, `A^(-1)`, `inv(A)`, `inverse(A)`: the inverse of a square matrix. `A^k` for a whole number k is
  `A*A*...*A` (k >= 2; the expansion has at most the budget's max_order factors), `A^0` is the identity, `A^-k`
  is `inv(A)^k`; another power of a matrix, or any power of a vector (`x^2`), is a ShapeError: write `x.^2` for
  entries.
  On a scalar, `^` (or `**`) is the power; the exponent is a constant (numbers, `pi`, `e`, dimensions).
- `a .* b`, `a ./ b`, `a .^ c`: entrywise product, quotient and power (c a constant); with a scalar operand, `.*`
  and `./` scale. `.*` binds tighter than `*`: `A*x .* y` is `A*(x .* y)`, and a note says so.
- `f.(a)`: the function f on each entry, for every function of one argument in symdiff's registry and its
  aliases (`exp`, `log`/`ln`, `tanh`, `sigmoid`/`logistic`, `relu`, `softplus`, `abs`, ...) and `sqrt`.
  `f(a)` of a vector or matrix is read the same way (not as a matrix function such as the matrix exponential),
  with a note; of a scalar it is the function. `sqrt(s)` is `s^(1/2)`.
- `tr(A)`/`trace(A)`, `det(A)`, `logdet(A)` (and `log(det(A))`, read as logdet): of square matrices.
- norms: `norm(x)`, `norm(x, 2)`, `norm(X, "fro")` (also `'fro'`, `"F"`), `norm_F(X)`, `norm_2(x)`, `||x||`,
  `||x||_2`, `||X||_F`, `||X||_{F}`, `||x||^2`: the Euclidean norm of a vector, the Frobenius norm of a matrix
  (the spectral norm of a matrix, `norm(X, 2)`, is refused, as are other norms: `||x||_1`).
- `sum(a)` (all entries), `diag(x)` (the diagonal matrix of a vector; of a square matrix, the vector of its
  diagonal), `softmax(x)` and `logsumexp(x)` (of column vectors), `vec(X)`, `kron(A, B)`, `dot(x, y)` (`x'*y`;
  `tr(X'*Y)` for matrices).
- constant matrices: `I` (the identity, its size inferred from the context), `I(n)`, `eye(n)`, `ones(n)`,
  `ones(m, n)`, `zeros(n)`, `zeros(m, n)`, `K(m, n)` (the commutation matrix). Their arguments are dimensions:
  whole numbers, names, and sums, products and whole powers of them (`I(m*n)`, `zeros(n^2, n^2)`).
- look-alikes: `·` `⋅` `×` are `*`, `−` is `-`, `÷` is `/`, `ᵀ` is `'`, `⊤` is `T` (`x^⊤`), `⊙` and `∘` are
  `.*`, `‖` is `||`, `π` is `pi`, superscripts are powers (`x²`, `A⁻¹`).

Shapes. A name declared in `shapes` (a string for symdiff.matrices.declarations.read_shapes, or a mapping of
names to symbols) has its declared shape. A name that is a declared dimension (n in "x: n"), or one used as a
dimension in `I(n)`, `ones(n)`, ..., is that dimension as a scalar constant (`(1/n)*sum(x)`). An undeclared name
follows a convention:

- `pi` and `e` are constants; `I` is the identity;
- a lowercase Greek name (`alpha`, `beta`, `gamma`, `lambda`, `mu`, `sigma`, `tau`, `theta`, ..., with digits or a
  subscript: `lambda_1`; also `eps` and `lam`) is a scalar;
- `dX`, where X is declared or is a symbol of the expression, is X's differential (as the printer writes
  differentials: `dX*Y + X*dY`), of X's shape;
- a name with an uppercase initial (`A`, `X1`, `Sigma`) is a matrix;
- any other name (`x`, `w`, `y1`, `x_0`, `b`) is a column vector.

The dimensions of undeclared names are inferred over the whole expression by unification (`A*x` with x: n makes
A's columns n; `x'*A*x` makes A n x n; sums, products, entrywise operations, traces and determinants constrain
them). An inferred dimension is never 1 (declare row vectors, `v: 1 x n`). A dimension that is a product (the
rows of `kron(A, B)` or `vec(X)`) is matched with a known one factor by factor (`K(m, n)*vec(X)` makes X m x n,
`kron(x, y) + ones(6)` with x: 2 makes y a vector of 3); a product left unmatched needs declared shapes.
Dimensions left free are named n, m, k, p, q, r, n1, m1, ... in order of first appearance, skipping names the
expression or the declarations use. Each undeclared symbol gets a note saying how it was read. Shapes that
cannot fit (a declared 3 against a declared 4, `x*y` of two column vectors) are a ShapeError naming both operands,
their shapes and the operator's position.

Bounded: the text's length and bracket nesting, and the depth of the expression, are those of the budget in
force (symdiff.core.budget); every error is a SymdiffError with the position (ParseError, ShapeError,
BudgetError; UndefinedError for a constant divided by 0). Text is only ever read by the grammar in
grammar/matrix.lark: nothing is evaluated.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from ..core import budget as _budget
from ..core.build import add as scalar_add
from ..core.build import mul as scalar_mul
from ..core.build import neg as scalar_neg
from ..core.build import power as scalar_power
from ..core.errors import BudgetError, ParseError, Reason, SymdiffError, UndefinedError, UsageError
from ..core.expr import HALF, ONE, Const, Expr, Float, Num, Sym
from ..functions import ALIASES, lookup
from ..parsing.names import GREEK_LETTERS
from ..parsing.parser import check_nesting, checked_input, grammar_file, grammar_text
from ..simplification.canonical import canonical
from . import nodes as m
from .declarations import dimension_names, read_shapes
from .nodes import MatExpr, ShapeError, Symbol
from .unification import Dimensions

__all__ = ["MatrixReading", "parse_matrix", "grammar_path", "LOOKALIKES"]


@dataclass(frozen=True)
class MatrixReading:
    """What a text reads as: the expression, every symbol (declared, and inferred by the convention) by name,
    and notes on readings that may not be the one meant."""

    expression: MatExpr
    symbols: dict[str, Symbol]
    notes: tuple[str, ...]


def grammar_path() -> Path:
    """The matrix grammar's file (see symdiff.parsing.parser.grammar_file)."""
    return Path(grammar_file("matrix.lark"))


# ------------------------------------------------------------------------------------------ text -> syntax tree

@dataclass(frozen=True, eq=False)
class _Ast:
    """A node of the syntax tree, with its span in the text. `ops`: the operators with their positions (for a
    chain, ops[i] stands before args[i + 1]); `value`: the name, number, function or norm subscript."""

    kind: str
    start: int
    end: int
    args: tuple[_Ast, ...] = ()
    ops: tuple[tuple[str, int], ...] = ()
    value: str = ""
    grouped: bool = False


def _leaf(kind: str, token: Token, value: str | None = None) -> _Ast:
    return _Ast(kind, _start(token), _end(token), value=str(token) if value is None else value)


def _start(item: Token | _Ast) -> int:
    return item.start if isinstance(item, _Ast) else int(item.start_pos or 0)


def _end(item: Token | _Ast) -> int:
    return item.end if isinstance(item, _Ast) else int(item.end_pos or 0)


class _TreeBuilder(Transformer[Token, _Ast]):
    """Builds _Ast nodes as the LALR parser reduces (no parse tree, no recursion). Stateless: shared safely."""

    def number(self, c: list[Token]) -> _Ast:
        return _leaf("number", c[0])

    def name(self, c: list[Token]) -> _Ast:
        return _leaf("name", c[0])

    def string(self, c: list[Token]) -> _Ast:
        return _leaf("string", c[0], str(c[0])[1:-1])

    def arguments(self, c: list[Any]) -> list[_Ast]:
        return [a for a in c if isinstance(a, _Ast)]

    def call(self, c: list[Any]) -> _Ast:
        return _Ast("call", _start(c[0]), _end(c[3]), tuple(c[2]), ((str(c[0]), _start(c[0])),), str(c[0]))

    def dotcall(self, c: list[Any]) -> _Ast:
        return _Ast("dotcall", _start(c[0]), _end(c[3]), tuple(c[2]), ((str(c[0]), _start(c[0])),), str(c[0]))

    def group(self, c: list[Any]) -> _Ast:
        inner: _Ast = c[1]
        return replace(inner, start=_start(c[0]), end=_end(c[2]), grouped=True)

    def bars(self, c: list[Any]) -> _Ast:
        subscript = str(c[3]).strip("_{}") if len(c) > 3 else ""
        return _Ast("bars", _start(c[0]), _end(c[-1]), (c[1],), (("||", _start(c[0])),), subscript)

    def transposed(self, c: list[Any]) -> _Ast:
        return _Ast("transpose", c[0].start, _end(c[1]), (c[0],), (("'", _start(c[1])),), str(len(str(c[1]))))

    def power(self, c: list[Any]) -> _Ast:
        return _Ast("power", c[0].start, c[2].end, (c[0], c[2]), ((str(c[1]), _start(c[1])),))

    def neg(self, c: list[Any]) -> _Ast:
        return _Ast("neg", _start(c[0]), c[1].end, (c[1],), (("-", _start(c[0])),))

    def pos(self, c: list[Any]) -> _Ast:
        inner: _Ast = c[1]
        return replace(inner, start=_start(c[0]))

    def _chain(self, kind: str, c: list[Any]) -> _Ast:
        return _Ast(kind, c[0].start, c[-1].end, tuple(c[0::2]), tuple((str(t), _start(t)) for t in c[1::2]))

    def sum(self, c: list[Any]) -> _Ast:
        return self._chain("sum", c)

    def product(self, c: list[Any]) -> _Ast:
        return self._chain("product", c)

    def entrywise(self, c: list[Any]) -> _Ast:
        return self._chain("entrywise", c)


_per_thread = threading.local()


def _parser() -> Lark:
    """Each thread has its own parser, made on its first use (Lark caches the tables on disk)."""
    found = getattr(_per_thread, "parser", None)
    if found is None:
        found = _per_thread.parser = Lark(grammar_text("matrix.lark"), parser="lalr", lexer="basic",
                                          transformer=_TreeBuilder(), maybe_placeholders=False, cache=True)
    return found


_TERMINALS = {
    "NUMBER": "a number", "NAME": "a name", "STRING": "a string", "PLUS": "'+'", "MINUS": "'-'",
    "MULOP": "'*'", "DOTOP": "'.*'", "POWOP": "'^'", "DOTLPAR": "'.('", "LPAR": "'('", "RPAR": "')'",
    "COMMA": "','", "NORMBAR": "'||'", "NORMSUB": "a norm's subscript", "PRIMES": "a transpose '", "$END": "the end",
}

# Non-ASCII characters read as ASCII (the positions of the original text are kept for carets).
LOOKALIKES = {
    "\u00b7": "*", "\u22c5": "*", "\u00d7": "*", "\u2212": "-", "\u00f7": "/", "\u1d40": "'", "\u22a4": "T",
    "\u2299": ".*", "\u2218": ".*", "\u2016": "||", "\u03c0": " pi ", "\u00a0": " ",
    "\u00b2": "^2 ", "\u00b3": "^3 ", "\u207b\u00b9": "^-1 ",
}
_LOOKALIKE = re.compile("|".join(re.escape(k) for k in sorted(LOOKALIKES, key=len, reverse=True)))


def _ascii(text: str) -> tuple[str, list[int]]:
    """(the text with look-alikes replaced, origin[i] = where the i-th character came from)."""
    pieces: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        match = _LOOKALIKE.match(text, i)
        if match is not None:
            piece = LOOKALIKES[match.group()]
            pieces.append(piece)
            origin.extend([i] * len(piece))
            i = match.end()
            continue
        char = text[i]
        if not char.isascii():
            raise ParseError(f"unexpected character {char!r} (U+{ord(char):04X}): write matrix expressions in ASCII "
                             "(also accepted: · × − ÷ ᵀ ⊤ ⊙ ‖ π ² ³ ⁻¹); Greek letters by name (alpha)", text, i)
        pieces.append(char)
        origin.append(i)
        i += 1
    origin.append(len(text))
    return "".join(pieces), origin


def _syntax_error(error: UnexpectedInput, text: str, opened: Sequence[int]) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        position = int(error.pos_in_stream or 0)
        char = text[position]
        hint = ": a string is written \"fro\"" if char in "\"'" else ""
        return ParseError(f"unexpected character {char!r}{hint}", text, position)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        message = "unexpected end of input"
        if opened:
            message += f": the '(' at column {opened[-1] + 1} is not closed"
        return ParseError(message, text, len(text))
    if isinstance(error, UnexpectedToken):
        token = error.token
        position = int(token.start_pos or 0)
        before = text[:position].rstrip()
        if token.type in ("NAME", "NUMBER", "LPAR", "NORMBAR", "STRING") and before and (before[-1].isalnum()
                                                                             or before[-1] in "_)'|"):
            return ParseError(f"an operator is missing before {str(token)!r}: write * for a product (2*x, A*x)",
                              text, position)
        expected = sorted({_TERMINALS.get(t, t) for t in error.expected})
        listed = ", ".join(expected[:8])
        return ParseError(f"unexpected {str(token)!r}" + (f"; expected {listed}" if listed else ""), text, position)
    return ParseError(str(error), text, getattr(error, "pos_in_stream", None))


def _syntax_tree(text: str) -> _Ast:
    budget = _budget.current()
    opened = check_nesting(text, budget.max_depth, "(", ")")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, opened) from None
    except VisitError as error:
        if isinstance(error.orig_exc, SymdiffError):
            raise error.orig_exc from None
        raise
    if not isinstance(tree, _Ast):  # the builder makes every node: never met
        raise ParseError("unreadable expression", text, 0)
    # The depth of the tree, without recursion: unbracketed chains (- - - x, a^b^c^...) nest too.
    stack: list[tuple[_Ast, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > budget.max_depth + 1:
            raise BudgetError(f"expression too deeply nested: the limit is {budget.max_depth} levels", text,
                              node.start)
        stack.extend((a, depth + 1) for a in node.args)
    return tree


# ------------------------------------------------------------------------------------------- shapes, then nodes

_Shape = tuple[int, int]  # rows and columns: variables of the reader's Dimensions
_SCALAR_NAMES = frozenset(g for g in GREEK_LETTERS if g[0].islower() and g != "pi") | {"eps", "lam"}
_CONSTANTS = {"pi": Const("pi"), "e": Const("e")}
def _declared_as(symbol: m.Symbol) -> str:
    """A symbol's shape as a declaration writes it: `n x m`, `n` (a column vector), `scalar`."""
    rows, cols = symbol.shape
    if symbol.is_scalar:
        return "scalar"
    return str(rows) if cols == ONE else f"{rows} x {cols}"


_DIMENSION_CALLS = frozenset({"I", "eye", "ones", "zeros", "K"})


def _base_name(name: str) -> str:
    """alpha_1 -> alpha, lambda2 -> lambda."""
    return name.split("_")[0].rstrip("0123456789")


def _function_name(name: str) -> str | None:
    """The registry's name of a function of one argument, through its aliases; None if there is none."""
    for candidate in (name, ALIASES.get(name, "")):
        row = lookup(candidate, 1) if candidate else None
        if row is not None:
            return row.name
    return None


class _Reader:
    """Reads one syntax tree: `infer` walks it once giving every node a shape over dimension variables; `build`
    walks it again with the dimensions resolved and makes the nodes through the builders of nodes.py."""

    def __init__(self, text: str, original: str, origin: list[int], declared: Mapping[str, Symbol]) -> None:
        self.text, self.original, self.origin = text, original, origin
        self.declared = declared
        self.dims = Dimensions()
        self.one = self.dims.new(ONE)
        self.undeclared: dict[str, tuple[_Shape, str]] = {}
        self.vars_of: dict[str, _Shape] = {}
        self.identity_of: dict[_Ast, int] = {}
        self.power_kind: dict[_Ast, tuple[str, Expr]] = {}
        self.notes: list[str] = []
        self.dimension_names = dimension_names(dict(declared))
        self.taken: set[str] = set(self.dimension_names) | set(declared)
        self.names: dict[int, str] = {}
        self.tree_names: set[str] = set()
        self.differentials: dict[str, str] = {}  # dX -> X

    # ---- helpers
    def snippet(self, node: _Ast) -> str:
        return self.span_text(node.start, node.end)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def error(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    def scalar(self, shape: _Shape) -> bool:
        return self.dims.is_one(shape[0]) and self.dims.is_one(shape[1])

    def shape_text(self, shape: _Shape) -> str:
        names = self.dims.free_names(self.taken)
        try:
            return m.shape_text((self.dims.resolve(shape[0], names), self.dims.resolve(shape[1], names)))
        except SymdiffError:
            return "a shape not yet known"

    def span_text(self, start: int, end: int) -> str:
        return self.original[self.origin[start]:self.origin[min(end, len(self.origin) - 1)]].strip()

    def mismatch(self, operation: str, operands: Sequence[tuple[_Ast | tuple[int, int], _Shape]], position: int,
                 why: str = "") -> Callable[[], SymdiffError]:
        """What raises the ShapeError when shapes do not fit (the operands' texts are taken only then)."""
        def make() -> SymdiffError:
            texts = [self.snippet(o) if isinstance(o, _Ast) else self.span_text(*o) for o, _ in operands]
            shapes = [self.shape_text(s) for _, s in operands]
            listed = " and ".join(f"{t} ({s})" for t, s in zip(texts, shapes))
            error = ShapeError(f"shapes do not fit in {operation}: {listed}{why}", operation, texts, shapes)
            error.text, error.position = self.text, position
            return error
        return make

    def unify_shapes(self, a: _Shape, b: _Shape, error: Callable[[], SymdiffError]) -> None:
        self.dims.unify(a[0], b[0], error)
        self.dims.unify(a[1], b[1], error)

    def square(self, operation: str, node: _Ast, shape: _Shape, position: int, why: str = " is not square") -> None:
        self.dims.unify(shape[0], shape[1], self.mismatch(operation, [(node, shape)], position, why))

    def known(self, value: Expr) -> int:
        return self.one if value == ONE else self.dims.new(value)

    # ---- pass 1: shapes
    def infer(self, node: _Ast) -> _Shape:
        return _INFER[node.kind](self, node)

    def infer_name(self, node: _Ast) -> _Shape:
        name = node.value
        if name in self.vars_of:
            return self.vars_of[name]
        found = self.declared.get(name)
        if found is not None:
            shape = (self.known(found.rows), self.known(found.cols))
        elif name in self.dimension_names or name in _CONSTANTS:
            if name == "e":
                self.note("e is read as Euler's number: declare e to use it as a vector")
            return (self.one, self.one)
        elif name == "I":
            size = self.dims.new(never_one=True)
            self.identity_of[node] = size
            return (size, size)
        elif (name in _CALLS and name != "K") or (_function_name(name) and _base_name(name) not in _SCALAR_NAMES):
            raise self.error(f"{name} needs an argument: write {name}(...)", node.start)
        elif self.differential_base(name):
            base = self.differential_base(name)
            shape = self.infer_name(_Ast("name", node.start, node.end, value=base))
            self.differentials[name] = base
            self.note(f"{name} is read as the differential of {base}")
        elif _base_name(name) in _SCALAR_NAMES:
            shape = (self.one, self.one)
            self.undeclared[name] = (shape, "scalar")
        elif name[0].isupper():
            shape = (self.dims.new(never_one=True), self.dims.new(never_one=True))
            self.undeclared[name] = (shape, "matrix")
        else:
            shape = (self.dims.new(never_one=True), self.one)
            self.undeclared[name] = (shape, "vector")
        self.vars_of[name] = shape
        return shape

    def differential_base(self, name: str) -> str:
        """X for dX, when X is a declared symbol or a name of the expression that is a symbol; '' otherwise."""
        base = name[1:]
        if name[:1] != "d" or not base or name in self.declared:
            return ""
        if base in self.declared:
            return base
        plain = base in self.tree_names and base not in self.dimension_names and base not in _CONSTANTS \
            and base != "I" and base not in _CALLS and not _function_name(base)
        return base if plain else ""

    def infer_sum(self, node: _Ast) -> _Shape:
        result: _Shape | None = None
        first: _Ast | None = None
        scalars: list[_Ast] = []
        for i, arg in enumerate(node.args):
            shape = self.infer(arg)
            if self.scalar(shape):
                scalars.append(arg)
            elif result is None or first is None:
                result, first = shape, arg
            else:
                sign, position = node.ops[i - 1]
                self.unify_shapes(result, shape, self.mismatch(
                    "a sum" if sign == "+" else "a difference",
                    [(first, result), (arg, shape)], position))
        if result is None:
            return (self.one, self.one)
        for s in scalars:
            self.note(f"the scalar {self.snippet(s)} is added to each entry (broadcast, as NumPy does)")
        return result

    def infer_product(self, node: _Ast) -> _Shape:
        current = self.infer(node.args[0])
        for i, arg in enumerate(node.args[1:], 1):
            operator, position = node.ops[i - 1]
            shape = self.infer(arg)
            if arg.kind == "entrywise" and not arg.grouped:
                self.note(f"{self.snippet(node)} is read with .* before *: .* binds tighter (add parentheses to "
                          "choose)")
            left: tuple[_Ast | tuple[int, int], _Shape] = ((node.args[0].start, node.args[i - 1].end), current)
            right: tuple[_Ast | tuple[int, int], _Shape] = (arg, shape)
            if operator == "/":
                if not self.scalar(shape):
                    raise self.mismatch("a division", [left, right], position,
                                        ": only division by a scalar is defined; write inv(B) for the inverse, or ./ "
                                        "for entries")()
            elif operator == "\\":
                if self.scalar(current):
                    current = shape
                else:
                    self.dims.unify(current[0], current[1], self.mismatch("a left division", [left], position,
                                                                          " is not square"))
                    self.dims.unify(current[1], shape[0], self.mismatch("a left division", [left, right], position))
                    current = (current[1], shape[1])
            elif self.scalar(current):
                current = shape
            elif not self.scalar(shape):
                self.dims.unify(current[1], shape[0], self.mismatch("a product", [left, right], position))
                current = (current[0], shape[1])
        return current

    def infer_entrywise(self, node: _Ast) -> _Shape:
        result: _Shape | None = None
        first: _Ast | None = None
        for i, arg in enumerate(node.args):
            shape = self.infer(arg)
            if self.scalar(shape):
                continue
            if result is None or first is None:
                result, first = shape, arg
            else:
                self.unify_shapes(result, shape, self.mismatch(
                    "an entrywise operation", [(first, result), (arg, shape)],
                    node.ops[i - 1][1]))
        return result if result is not None else (self.one, self.one)

    def infer_power(self, node: _Ast) -> _Shape:
        base, exponent = node.args
        operator, position = node.ops[0]
        shape = self.infer(base)
        if operator == "^" and exponent.kind == "name" and exponent.value == "T":
            self.power_kind[node] = ("transpose", ONE)
            return (shape[1], shape[0])
        value = self.constant(exponent)
        if operator == ".^" or self.scalar(shape):
            self.power_kind[node] = ("entrywise", value)
            return shape
        if not (isinstance(value, Num) and isinstance(value.value, int)):
            raise self.mismatch("a power", [(base, shape)], position,
                                f": a matrix to the power {value} is not defined here; write .^ for the entries")()
        if self.dims.is_one(shape[1]) or self.dims.is_one(shape[0]):
            raise self.mismatch("a power", [(base, shape)], position,
                                f" is a vector: write {self.snippet(base)}.^{exponent.value or '2'} for its entries, "
                                f"or {self.snippet(base)}'*{self.snippet(base)}")()
        self.square("a matrix power", base, shape, position)
        if abs(value.value) > _budget.current().max_order:
            raise BudgetError(f"a matrix power over {_budget.current().max_order} (the budget's max_order)",
                              self.text, position)
        self.power_kind[node] = ("matrix", value)
        return shape

    def constant(self, node: _Ast) -> Expr:
        """The value of a constant exponent: numbers, pi, e and dimensions, with + - * / ^ and parentheses."""
        def value(n: _Ast) -> Expr:
            if n.kind == "number":
                return self.number(n)
            if n.kind == "name" and (n.value in _CONSTANTS and n.value not in self.declared):
                return _CONSTANTS[n.value]
            if n.kind == "name" and n.value in self.dimension_names and n.value not in self.declared:
                return Sym(n.value)
            if n.kind == "neg":
                return scalar_neg(value(n.args[0]))
            if n.kind == "sum":
                terms = [value(n.args[0])] + [value(a) if op == "+" else scalar_neg(value(a))
                                              for (op, _), a in zip(n.ops, n.args[1:])]
                return scalar_add(*terms)
            if n.kind == "product" and all(op in ("*", "/") for op, _ in n.ops):
                factors = [value(n.args[0])] + [value(a) if op == "*" else scalar_power(value(a), Num(-1))
                                                  for (op, _), a in zip(n.ops, n.args[1:])]
                return scalar_mul(*factors)
            if n.kind == "power" and n.ops[0][0] in ("^", "**"):
                return scalar_power(value(n.args[0]), value(n.args[1]))
            raise self.error("an exponent must be a constant: numbers, pi, e or dimensions (write exp.(log(a)*b) "
                             "for a variable power)", n.start)
        self.infer(node)
        return canonical(value(node))

    def number(self, node: _Ast) -> Expr:
        text = node.value
        if any(c in text for c in ".eE"):
            number = float(text)
            if number == float("inf"):
                raise self.error("number too large for a decimal (over 1.8e308)", node.start)
            return Float(number)
        digits = len(text.lstrip("0"))
        limit = _budget.current().max_digits
        if digits > limit:
            raise BudgetError(f"number too long: {digits} digits, the limit is {limit}", self.text, node.start)
        return Num(int(text.lstrip("0") or "0"))

    def infer_transpose(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        return (shape[1], shape[0]) if int(node.value) % 2 else shape

    def infer_bars(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        self.norm_kind(node.args[0], shape, node.value, node.start)
        return (self.one, self.one)

    def norm_kind(self, arg: _Ast, shape: _Shape, kind: str, position: int) -> None:
        if kind in ("", "F", "fro", "Fro", "frobenius"):
            return
        if kind == "2":
            if not (self.dims.is_one(shape[0]) or self.dims.is_one(shape[1])):
                raise self.error("the 2-norm (spectral norm) of a matrix is not supported: norm(X) and ||X||_F "
                                 "are its Frobenius norm", position)
            return
        raise self.error(f"norm {kind!r} is not supported: only the 2-norm of a vector (norm(x), ||x||) and the "
                         "Frobenius norm (norm(X), ||X||_F) are", position)

    def infer_call(self, node: _Ast) -> _Shape:
        name = node.value
        if name in self.declared or name in self.vars_of:
            raise self.error(f"{name} is a symbol, not a function: write {name}*(...) to multiply", node.start)
        rule = _CALLS.get(name)
        if rule is not None and node.kind == "call":
            arities, infer, _ = rule
            if len(node.args) not in arities:
                counts = " or ".join(str(a) for a in arities)
                raise self.error(f"{name} takes {counts} argument{'s' if arities != (1,) else ''}", node.start)
            return infer(self, node)
        function = "sqrt" if name == "sqrt" else _function_name(name)
        if function is None:
            if rule is not None:
                raise self.error(f"{name}.(...) is not entrywise: write {name}(...)", node.start)
            raise self.error(f"unknown function {name}: functions act on each entry of a vector or matrix "
                             "(exp.(X)), and matrix functions such as the matrix exponential are not supported; "
                             f"to multiply, write {name}*(...)", node.start)
        if len(node.args) != 1:
            raise self.error(f"{name} takes one argument", node.start)
        shape = self.infer(node.args[0])
        if node.kind == "call" and not self.scalar(shape):
            self.note(f"{self.snippet(node)} of a vector or matrix is read entrywise, as {name}.(...)")
        return shape

    def infer_string(self, node: _Ast) -> _Shape:
        raise self.error("a string is only a norm's kind: norm(X, \"fro\")", node.start)

    def infer_dimension_call(self, node: _Ast) -> _Shape:
        sizes = [self.known(self.dimension(a)) for a in node.args]
        name = node.value
        if name in ("I", "eye"):
            return (sizes[0], sizes[0])
        if name == "K":
            size = self.dims.product(sizes)
            return (size, size)
        return (sizes[0], sizes[1] if len(sizes) > 1 else self.one)

    def dimension(self, node: _Ast) -> Expr:
        """A dimension written in I(n), ones(m, n), ...: whole numbers >= 1 and names, with + and *."""
        if node.kind == "number" and node.value.isdigit():
            value = self.number(node)
            if value == Num(0):
                raise self.error("a dimension is at least 1", node.start)
            return value
        if node.kind == "name":
            return Sym(node.value)
        if node.kind == "sum" and all(op == "+" for op, _ in node.ops):
            return canonical(scalar_add(*(self.dimension(a) for a in node.args)))
        if node.kind == "product" and all(op == "*" for op, _ in node.ops):
            return canonical(scalar_mul(*(self.dimension(a) for a in node.args)))
        if node.kind == "power" and node.ops[0][0] in ("^", "**") and node.args[1].kind == "number" \
                and node.args[1].value.isdigit() and len(node.args[1].value) < 4:
            return canonical(scalar_power(self.dimension(node.args[0]), Num(int(node.args[1].value))))
        raise self.error("a dimension is a whole number or a name (n, m*n, n^2, n + 1)", node.start)

    def one_argument(self, node: _Ast) -> _Shape:
        return self.infer(node.args[0])

    def infer_square_to_scalar(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        self.square(_OPERATION[node.value], node.args[0], shape, node.start)
        return (self.one, self.one)

    def infer_inverse(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        self.square("an inverse", node.args[0], shape, node.start)
        return shape

    def infer_to_scalar(self, node: _Ast) -> _Shape:
        self.infer(node.args[0])
        return (self.one, self.one)

    def infer_norm(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        kind = ""
        if len(node.args) == 2:
            k = node.args[1]
            kind = k.value if k.kind in ("string", "number", "name") else "?"
        elif node.value in ("norm_2", "norm2"):
            kind = "2"
        self.norm_kind(node.args[0], shape, kind, node.start)
        return (self.one, self.one)

    def infer_column(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        if not self.dims.is_one(shape[1]):
            raise self.mismatch(node.value, [(node.args[0], shape)], node.start,
                                " is not a column vector")()
        return shape if node.value == "softmax" else (self.one, self.one)

    def infer_diag(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        if self.scalar(shape):
            return shape
        if self.dims.is_one(shape[1]):
            return (shape[0], shape[0])
        if self.dims.is_one(shape[0]):
            return (shape[1], shape[1])
        self.square("diag", node.args[0], shape, node.start)
        return (shape[0], self.one)

    def infer_vec(self, node: _Ast) -> _Shape:
        rows, cols = self.infer(node.args[0])
        if self.dims.is_one(cols):
            return (rows, cols)
        if self.dims.is_one(rows):
            return (cols, rows)
        return (self.dims.product([rows, cols]), self.one)

    def infer_kron(self, node: _Ast) -> _Shape:
        a, b = self.infer(node.args[0]), self.infer(node.args[1])
        if self.scalar(a):
            return b
        if self.scalar(b):
            return a
        return (self.dims.product([a[0], b[0]]), self.dims.product([a[1], b[1]]))

    def infer_dot(self, node: _Ast) -> _Shape:
        a, b = self.infer(node.args[0]), self.infer(node.args[1])
        self.unify_shapes(a, b, self.mismatch("a dot product", [(node.args[0], a),
                                                                (node.args[1], b)], node.start))
        return (self.one, self.one)

    def infer_transpose_call(self, node: _Ast) -> _Shape:
        shape = self.infer(node.args[0])
        return (shape[1], shape[0])

    # ---- pass 2: nodes
    def build(self, node: _Ast) -> MatExpr:
        try:
            return _BUILD[node.kind](self, node)
        except SymdiffError as error:
            if error.position is None:
                error.text, error.position = self.text, (node.ops[0][1] if node.ops else node.start)
            raise

    def symbol_of(self, name: str) -> Symbol:
        found = self.declared.get(name)
        if found is not None:
            return found
        rows, cols = self.undeclared[name][0]
        return m.symbol(name, self.dims.resolve(rows, self.names), self.dims.resolve(cols, self.names))

    def build_name(self, node: _Ast) -> MatExpr:
        name = node.value
        if name in self.declared or name in self.undeclared:
            return self.symbol_of(name)
        if name in self.differentials:
            return m.differential_of(self.symbol_of(self.differentials[name]))
        if name in self.dimension_names:
            return m.scalar(Sym(name))
        if name in _CONSTANTS:
            return m.scalar(_CONSTANTS[name])
        return m.identity(self.dims.resolve(self.identity_of[node], self.names))

    def build_sum(self, node: _Ast) -> MatExpr:
        terms = [self.build(node.args[0])]
        terms += [self.build(a) if op == "+" else m.neg(self.build(a)) for (op, _), a in zip(node.ops, node.args[1:])]
        shape = next((t.shape for t in terms if not t.is_scalar), None)
        if shape is not None:
            terms = [m.mul(t, m.ones(shape)) if t.is_scalar else t for t in terms]
        return m.add(*terms)

    def build_product(self, node: _Ast) -> MatExpr:
        pending = [self.build(node.args[0])]
        for (operator, _), arg in zip(node.ops, node.args[1:]):
            right = self.build(arg)
            if operator == "/":
                pending.append(m.power(right, Num(-1)))
            elif operator == "\\":
                left = m.mul(*pending)
                pending = [m.mul(m.inverse(left), right)]
            else:
                pending.append(right)
        return m.mul(*pending)

    def build_entrywise(self, node: _Ast) -> MatExpr:
        factors = [self.build(node.args[0])]
        for (operator, _), arg in zip(node.ops, node.args[1:]):
            right = self.build(arg)
            factors.append(m.power(right, Num(-1)) if operator == "./" else right)
        scalars = [f for f in factors if f.is_scalar]
        entries = [f for f in factors if not f.is_scalar]
        return m.mul(*scalars, m.hadamard(*entries)) if entries else m.mul(*scalars)

    def build_power(self, node: _Ast) -> MatExpr:
        kind, value = self.power_kind[node]
        base = self.build(node.args[0])
        if kind == "transpose":
            return m.transpose(base)
        if kind == "entrywise":
            return m.power(base, value)
        k = int(value.value) if isinstance(value, Num) else 0
        if k == 0:
            return m.identity(base.shape[0])
        factor = base if k > 0 else m.inverse(base)
        length = abs(k) * (len(factor.chain) if isinstance(factor, m.MatMul) else 1)
        limit = _budget.current().max_order
        if length > limit:  # (A^1000)^1000 would be a product of a million factors
            raise BudgetError(f"a matrix power of {length} factors, over the budget's max_order of {limit}",
                              self.text, node.ops[0][1])
        return m.mul(*([factor] * abs(k)))

    def build_call(self, node: _Ast) -> MatExpr:
        name = node.value
        rule = _CALLS.get(name)
        if rule is not None and node.kind == "call":
            return rule[2](self, node)
        arg = node.args[0]
        if name == "sqrt":
            return m.power(self.build(arg), HALF)
        function = _function_name(name) or name
        if function == "log" and node.kind == "call" and arg.kind == "call" and arg.value == "det":
            return m.logdet(self.build(arg.args[0]))
        return m.apply(function, self.build(arg))

    def build_dimension_call(self, node: _Ast) -> MatExpr:
        sizes = [self.dimension(a) for a in node.args]
        name = node.value
        if name in ("I", "eye"):
            return m.identity(sizes[0])
        if name == "K":
            return m.commutation(sizes[0], sizes[1])
        shape = (sizes[0], sizes[1] if len(sizes) > 1 else ONE)
        return m.ones(shape) if name == "ones" else m.zero(shape)

    def build_dot(self, node: _Ast) -> MatExpr:
        a, b = self.build(node.args[0]), self.build(node.args[1])
        if a.is_scalar or a.shape[1] is ONE:
            return m.mul(m.transpose(a), b)
        return m.trace(m.mul(m.transpose(a), b))


_OPERATION = {"tr": "a trace", "trace": "a trace", "det": "a determinant", "logdet": "a log-determinant"}

_INFER: dict[str, Callable[[_Reader, _Ast], _Shape]] = {
    "number": lambda r, node: (r.one, r.one), "name": _Reader.infer_name, "string": _Reader.infer_string,
    "sum": _Reader.infer_sum, "product": _Reader.infer_product, "entrywise": _Reader.infer_entrywise,
    "neg": _Reader.one_argument, "power": _Reader.infer_power, "transpose": _Reader.infer_transpose,
    "bars": _Reader.infer_bars, "call": _Reader.infer_call, "dotcall": _Reader.infer_call,
}

_BUILD: dict[str, Callable[[_Reader, _Ast], MatExpr]] = {
    "number": lambda r, node: m.scalar(r.number(node)), "name": _Reader.build_name,
    "sum": _Reader.build_sum, "product": _Reader.build_product, "entrywise": _Reader.build_entrywise,
    "neg": lambda r, node: m.neg(r.build(node.args[0])), "power": _Reader.build_power,
    "transpose": lambda r, node: m.transpose(r.build(node.args[0])) if int(node.value) % 2 else r.build(node.args[0]),
    "bars": lambda r, node: m.norm(r.build(node.args[0])), "call": _Reader.build_call, "dotcall": _Reader.build_call,
}


def _unary(builder: Callable[[MatExpr], MatExpr]) -> Callable[[_Reader, _Ast], MatExpr]:
    return lambda r, node: builder(r.build(node.args[0]))


# The functions the reader knows besides the registry's: name -> (numbers of arguments, shape rule, builder).
_CALLS: dict[str, tuple[tuple[int, ...], Callable[[_Reader, _Ast], _Shape], Callable[[_Reader, _Ast], MatExpr]]] = {
    "tr": ((1,), _Reader.infer_square_to_scalar, _unary(m.trace)),
    "trace": ((1,), _Reader.infer_square_to_scalar, _unary(m.trace)),
    "det": ((1,), _Reader.infer_square_to_scalar, _unary(m.det)),
    "logdet": ((1,), _Reader.infer_square_to_scalar, _unary(m.logdet)),
    "inv": ((1,), _Reader.infer_inverse, _unary(m.inverse)),
    "inverse": ((1,), _Reader.infer_inverse, _unary(m.inverse)),
    "transpose": ((1,), _Reader.infer_transpose_call, _unary(m.transpose)),
    "norm": ((1, 2), _Reader.infer_norm, _unary(m.norm)),
    "norm_2": ((1,), _Reader.infer_norm, _unary(m.norm)),
    "norm2": ((1,), _Reader.infer_norm, _unary(m.norm)),
    "norm_F": ((1,), _Reader.infer_norm, _unary(m.norm)),
    "sum": ((1,), _Reader.infer_to_scalar, _unary(m.sum_of)),
    "softmax": ((1,), _Reader.infer_column, _unary(m.softmax)),
    "logsumexp": ((1,), _Reader.infer_column, _unary(m.logsumexp)),
    "diag": ((1,), _Reader.infer_diag, _unary(m.diag)),
    "vec": ((1,), _Reader.infer_vec, _unary(m.vec)),
    "kron": ((2,), _Reader.infer_kron, lambda r, node: m.kron(r.build(node.args[0]), r.build(node.args[1]))),
    "dot": ((2,), _Reader.infer_dot, _Reader.build_dot),
    "I": ((1,), _Reader.infer_dimension_call, _Reader.build_dimension_call),
    "eye": ((1,), _Reader.infer_dimension_call, _Reader.build_dimension_call),
    "ones": ((1, 2), _Reader.infer_dimension_call, _Reader.build_dimension_call),
    "zeros": ((1, 2), _Reader.infer_dimension_call, _Reader.build_dimension_call),
    "K": ((2,), _Reader.infer_dimension_call, _Reader.build_dimension_call),
}


def _names_in(tree: _Ast) -> tuple[set[str], set[str]]:
    """(every name in the tree, the names used as dimensions in I(n), ones(m, n), ...), without recursion."""
    names: set[str] = set()
    dimensions: set[str] = set()
    stack: list[tuple[_Ast, bool]] = [(tree, False)]
    while stack:
        node, in_dimension = stack.pop()
        if node.kind in ("name", "call", "dotcall"):
            names.add(node.value)
            if node.kind == "name" and in_dimension:
                dimensions.add(node.value)
        inner = in_dimension or (node.kind == "call" and node.value in _DIMENSION_CALLS)
        stack.extend((a, inner) for a in node.args)
    return names, dimensions


def _declared(shapes: str | Mapping[str, Symbol] | None) -> dict[str, Symbol]:
    if shapes is None:
        return {}
    if isinstance(shapes, str):
        return read_shapes(shapes)
    if not isinstance(shapes, Mapping):
        raise UsageError(f"shapes must be a string (\"x: n, A: n x n\") or a mapping of names to symbols, not "
                         f"{type(shapes).__name__}")
    found: dict[str, Symbol] = {}
    for name, value in shapes.items():
        if not isinstance(value, Symbol) or not isinstance(name, str) or name != value.name:
            raise UsageError(f"shapes[{name!r}] must be the matrix symbol named {name!r}, not {value!r}")
        found[name] = value
    return found


def parse_matrix(text: str, shapes: str | Mapping[str, Symbol] | None = None) -> MatrixReading:
    """Read a matrix expression (the syntax and the shape convention are in this module's docstring). `shapes`:
    declarations as text ("x: n, A: n x n symmetric") or a mapping of names to symbols. Raises ParseError,
    ShapeError or BudgetError, with the position of the problem in `text`."""
    current = checked_input(text, "parse_matrix")
    declared = _declared(shapes)
    ascii_text, origin = _ascii(text)
    _budget.ensure_recursion_room(current)
    try:
        try:
            return _read(ascii_text, text, origin, declared)
        except ZeroDivisionError:  # a constant divided by 0 (1/0, 0^-1, x ./ 0) while folding constants
            raise UndefinedError("division by zero", reason=Reason.DIVISION_BY_ZERO) from None
        except OverflowError:  # a tower of constant powers, 2^(2^(2^(2^(2^10)))), while folding constants
            raise BudgetError("a constant too large to compute") from None
        except RecursionError:  # cannot happen within the budget's depth; kept as a BudgetError if it does
            raise BudgetError("expression too deeply nested") from None
    except SymdiffError as error:
        if error.text == ascii_text and error.position is not None:  # positions in the text as given
            error.text, error.position = text, origin[min(error.position, len(origin) - 1)]
        raise


def _read(text: str, original: str, origin: list[int], declared: dict[str, Symbol]) -> MatrixReading:
    tree = _syntax_tree(text)
    reader = _Reader(text, original, origin, declared)
    names, dimensions = _names_in(tree)
    reader.dimension_names |= {d for d in dimensions if d not in declared}
    reader.taken |= names | reader.dimension_names
    reader.tree_names = names
    reader.infer(tree)
    reader.names = reader.dims.free_names(reader.taken)
    reader.dims.check_products(reader.names)
    expression = reader.build(tree)
    symbols = dict(declared)
    notes: list[str] = []
    shapes: list[str] = []
    for name, (_, kind) in reader.undeclared.items():
        symbols[name] = made = reader.symbol_of(name)
        shapes.append(f"{name}: {_declared_as(made)}")
    if shapes:  # one note for all: "shapes by the convention: X: n x m, w: m, y: n"
        notes.append("shapes by the convention (an uppercase initial: a matrix; a lowercase name: a column vector; "
                     "a Greek name: a scalar), to declare otherwise with shapes: " + ", ".join(shapes))
    for name, base in reader.differentials.items():
        symbols[name] = m.differential_of(symbols[base])
    return MatrixReading(expression, symbols, tuple(notes + reader.notes))
