r"""LaTeX -> expression tree: the LaTeX people copy from papers and notebooks, read by the Lark LALR grammar in
grammar/latex.lark, with the text parser's error policy (symdiff.parsing.parser): a ParseError with the position
of the problem, and the budget's limits on length, nesting (counted before Lark runs) and digits. Nothing is
ever passed to eval. Everything symdiff.printing.latex writes reads back to the expression it was written from.

What it reads, and how:

- numbers: `2`, `1.5` (a decimal), `1.5 \cdot 10^{-3}` (the decimal 1.5e-3, as the printer writes it; so is
  `2 \cdot 10^{3}`: scientific notation is a decimal); `\frac{a}{b}`, `\dfrac`, `\tfrac`, `\frac12`;
- operators: `+ -`, `\cdot`, `\times`, `/`, juxtaposition (`2x`, `x y`, `xy`: a letter is one symbol);
  `^{...}`, `^2` (one character: `x^23` is refused), `\sqrt{x}`, `\sqrt[n]{x}`;
- brackets: `( )`, `[ ]`, `{ }`, `\left( \right)`, `\left[ \right]`; `|x|` and `\left| \right|` are abs;
- names: letters, Greek letters (`\alpha`; `\gamma` too, though gamma(x) is a function), `\mathit{rate}`,
  `\mathrm{...}`, `\operatorname{...}`, with
  subscripts, as the printer writes them: `x_{1}` and `x_1` are x1 (the printer writes x1 and x_1 alike),
  `x_{max}` is x_max; `\pi`, `e` and `\mathrm{e}` are the constants, and `e^{x}` is exp(x) (the printer writes
  exp(x) and the power e^x alike; symdiff.simplify makes exp of both);
- functions, as the registry's rows write them: `\sin`, `\ln`, `\log` (natural, as symdiff's log), `\log_{b}`,
  `\exp`, `\arcsin`, `\operatorname{arsinh}`, `\operatorname{sech}`, ...; with parentheses, `\sin(x + 1)`, or
  without: `\sin x`, `\sin 2x` (sin(2x)), `\sin x \cos x` (sin(x) cos(x)), the argument being the product that
  follows, up to the next `+ - \cdot \times /` or function; powers `\sin^{2}(x)`, `\sin^2 x`;
- an undefined function: a name directly followed by "(", `f(x)`, `g(x, y)` (with a space, or when the name is
  also a variable, `x (y + 1)` and `x(1 - x)` are products); its derivatives as the printer writes them: `f'(x)`,
  `f^{(4)}(x)`, `\frac{\partial^{2} g}{\partial x \partial y}(x, y)`, `\partial_{1} g(u, v)`;
- ignored: spacing (`\,` `\;` `\!` `~` `\quad`), `\displaystyle`, `\big(` sizes, and `$...$`, `$$...$$`,
  `\[...\]` or `\(...\)` around the whole.

Refused, with a message: unknown commands (`unknown command \foo`), `\frac{d}{dx}` and `\mathrm{d}x` (derivative
operators and differentials: read the expression and call symdiff.diff; `\frac{d}{d x}`, with a space, is the
product d/(d x), as the printer writes it), `\sin^{-1}` (inverse or reciprocal?), `1.5e-3` (LaTeX for
1.5 e - 3) and function names typed without their backslash (`sin x` would be s i n x).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import cast

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from .. import functions
from ..core import budget as _budget
from ..core.errors import BudgetError, ParseError, SymdiffError
from ..core.expr import Const, Expr
from .latex_builder import LatexBuilder, done
from .latex_tokens import LatexTokens
from .parser import check_nesting, grammar_file, grammar_text

__all__ = ["parse_latex", "latex_grammar_path"]


def latex_grammar_path() -> Path:
    """The LaTeX grammar's file (see symdiff.parsing.parser.grammar_file)."""
    return Path(grammar_file("latex.lark"))


# Each thread has its own parser and builder (the builder keeps per-parse state), as for the text parser.
_per_thread = threading.local()


def _parser_and_builder() -> tuple[Lark, LatexBuilder]:
    found = getattr(_per_thread, "latex_parser", None)
    if found is None:
        builder = LatexBuilder()
        parser = Lark(grammar_text("latex.lark"), parser="lalr", lexer="contextual",
                      postlex=LatexTokens(), transformer=builder, maybe_placeholders=False, cache=True)
        found = _per_thread.latex_parser = (parser, builder)
    return found


def parse_latex(text: str, budget: _budget.Budget | None = None) -> Expr:
    """Read LaTeX into an expression (the readings are in this module's docstring). ParseError with the position
    of the problem; BudgetError when the text is longer, nests deeper or has longer numbers than the budget in
    force allows (`budget` overrides it for this call)."""
    if budget is not None:
        with _budget.use(budget):
            return parse_latex(text)
    if not isinstance(text, str):
        raise TypeError(f"parse_latex() takes a string, not {type(text).__name__}")
    current = _budget.current()
    if len(text) > current.max_input_length:
        raise BudgetError(f"input too long: {len(text)} characters, the limit is {current.max_input_length}")
    try:
        body = _without_delimiters(text)
        if not body.strip():
            raise ParseError("empty expression", text, 0)
        _check_ascii(body)
        _check_code_exponents(body)
        opened = check_nesting(body, current.max_depth, openers="([{", closers=")]}")
        tree = _read(body, opened)
    except SymdiffError as error:
        # the postlexer knows no text; elsewhere it is the body, whose positions are those of the text
        if (error.text is None and error.position is not None) or error.text == body:
            error.text = text
        raise
    _budget.check_expression(tree, current)
    return tree


def _read(body: str, opened: list[int]) -> Expr:
    """Parse; a name used both as a function and as a variable (x(1 - x)) is read again as a variable."""
    parser, builder = _parser_and_builder()
    variables: frozenset[str] = frozenset()
    while True:
        builder.reset(body, variables)
        try:
            tree = cast(Expr, done(parser.parse(body)))  # what the builder built, not a lark Tree
        except UnexpectedInput as error:
            raise _syntax_error(error, body, opened) from None
        except VisitError as error:  # an error raised inside a builder method
            if isinstance(error.orig_exc, SymdiffError):
                raise error.orig_exc from None
            raise
        clash = frozenset(builder.symbol_at) & frozenset(builder.function_at)
        if not clash:
            break
        variables |= clash
    _check_spelled_functions(builder.letters, body)
    return tree


_DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\[", "\\]"), ("\\(", "\\)"))


def _without_delimiters(text: str) -> str:
    """The text with the maths delimiters around the whole ($...$, $$...$$, \\[...\\], \\(...\\)) made spaces, so
    that every position stays that of the text."""
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    for opening, closing in _DELIMITERS:
        if text.startswith(opening, start) and text.endswith(closing, 0, end) \
                and end - start >= len(opening) + len(closing):
            return (text[:start] + " " * len(opening) + text[start + len(opening):end - len(closing)]
                    + " " * len(closing) + text[end:])
    return text


def _check_ascii(text: str) -> None:
    if text.isascii():
        return
    position, char = next((i, c) for i, c in enumerate(text) if not c.isascii())
    name = unicodedata.name(char, "")
    raise ParseError(f"unexpected character {char!r} (U+{ord(char):04X}{' ' + name if name else ''}): write LaTeX "
                     "in ASCII, such as \\alpha or \\cdot", text, position)


# 1.5e-3 as code writes it; LaTeX would typeset (and mean) 1.5 e - 3, which the printer writes with spaces.
_CODE_EXPONENT = re.compile(r"(?<![A-Za-z0-9_.\\])([0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE]([+-]?[0-9]+)")


def _check_code_exponents(text: str) -> None:
    match = _CODE_EXPONENT.search(text)
    if match:
        mantissa, exponent = match.groups()
        read = f"{mantissa} e {exponent[0]} {exponent[1:]}" if exponent[0] in "+-" else f"{mantissa} e {exponent}"
        raise ParseError(f"{match.group()} is {read} in LaTeX, e being Euler's number: write "
                         f"{mantissa} \\cdot 10^{{{int(exponent)}}} for the decimal", text, match.start())


# Names that adjacent single letters must not spell: `sin x` is LaTeX for the product s i n x.
_SPELLED = frozenset(n for n in functions.KNOWN_NAMES | set(Const.NAMES) if len(n) > 1)


def _check_spelled_functions(letters: dict[int, str], text: str) -> None:
    """Refuses adjacent single letters that begin with the name of a function or of pi, naming the command
    meant."""
    longest = max(map(len, _SPELLED))
    for start in sorted(letters):
        if start - 1 in letters:
            continue  # not the first letter of its run
        run, position = "", start
        while position in letters and len(run) < longest:
            run += letters[position]
            position += 1
        spelled = next((run[:n] for n in range(len(run), 1, -1) if run[:n] in _SPELLED), None)
        if spelled is not None:
            raise ParseError(f"{spelled} in plain letters is the product {' '.join(spelled)}: write \\{spelled} for "
                             f"the {'constant' if spelled in Const.NAMES else 'function'}", text, start)


def _syntax_error(error: UnexpectedInput, text: str, opened: list[int]) -> ParseError:
    if isinstance(error, UnexpectedCharacters):
        at = cast(int, error.pos_in_stream)  # set by the lexer (lark types it None)
        char = text[at]
        hint = ": parse_latex reads one expression, not an equation" if char == "=" else ""
        return ParseError(f"unexpected character {char!r}{hint}", text, at)
    error = cast("UnexpectedEOF | UnexpectedToken", error)  # the kinds left: each carries a token
    at_end = isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END")
    position = len(text) if at_end else error.token.start_pos
    explained = _explained(None if at_end else error.token, text[:position].rstrip())
    if explained:
        return ParseError(explained, text, position)
    if at_end:
        message = "unexpected end of input"
        if opened:
            message += f": the {text[opened[-1]]!r} at column {opened[-1] + 1} is not closed"
    else:
        kind = {"NUMBER": "number ", "DIGIT": "number ", "LETTER": "letter ", "OPERATOR": "function "}
        message = f"unexpected {kind.get(error.token.type, '')}{str(error.token)!r}"
    return ParseError(message + _expected(error.expected), text, position)


_ORDER_MARK = re.compile(r"\^\s*\{\s*\(\s*[0-9]+\s*\)\s*\}$")


def _explained(token: Token | None, before: str) -> str:
    """A message for the mistakes that have a better one than "unexpected ...": '' for the others."""
    kind = token.type if token is not None else "$END"
    if kind in ("NUMBER", "DIGIT", "SCIENTIFIC"):
        script = re.search(r"([_^])\s*([0-9])$", before)
        if script:  # x_12 is x_1 then 2, in LaTeX
            sign, digit = script.groups()
            return (f"{sign} takes one character: {sign}{digit}{token} is {sign}{{{digit}}} followed by {token}; "
                    f"write {sign}{{{digit}{token}}}")
        if before and before[-1] not in "+-*/([{|,":
            return f"a number cannot follow a factor directly: write \\cdot {token} to multiply"
    if kind == "MINUS" and before.endswith("^"):
        return "a negative exponent goes in braces: x^{-1}"
    if kind == "PARTIAL" or re.search(r"\\partial$", before):
        return ("\\partial is read only in derivatives of undefined functions, as "
                "\\frac{\\partial g}{\\partial x}(x, y) or \\partial_{1} g(x, y)")
    if _ORDER_MARK.search(before):
        return "f^{(n)} is the n-th derivative of f and needs its argument, f^{(2)}(x); a power is written x^{2}"
    return ""


# What each terminal is called in an error message (those offered in every state, COMMAND, BAR, are left out).
_TERMINAL_NAMES = {
    "NUMBER": "a number", "SCIENTIFIC": "a number", "DIGIT": "a digit", "LETTER": "a letter",
    "SYMBOL_COMMAND": "a Greek letter", "NAMEWORD": "a name", "OPERATOR": "a function", "PLUS": "'+'",
    "MINUS": "'-'", "TIMES": "'\\cdot'", "DIVIDE": "'/'", "SUP": "'^'", "SUB": "'_'", "COMMA": "','",
    "LPAR": "'('", "RPAR": "')'", "LBRACK": "'['", "RBRACK": "']'", "LBRACE": "'{'", "RBRACE": "'}'",
    "LEFT_LPAR": "'\\left('", "RIGHT_RPAR": "'\\right)'", "LEFT_LBRACK": "'\\left['", "RIGHT_RBRACK": "'\\right]'",
    "LEFT_BAR": "'\\left|'", "RIGHT_BAR": "'\\right|'", "LBAR": "'|'", "RBAR": "'|'", "FRAC": "\\frac",
    "LFLOOR": "\\lfloor", "RFLOOR": "\\rfloor", "LCEIL": "\\lceil", "RCEIL": "\\rceil",
    "SQRT": "\\sqrt", "PARTIAL": "\\partial", "PRIMES": "'", "PRIME_SUP": "^{\\prime}", "ORDER_SUP": "^{(n)}",
    "$END": "the end of the input",
}


_OPERAND_STARTS = {"LETTER", "NUMBER", "DIGIT", "LPAR", "LBRACE", "SYMBOL_COMMAND", "OPERATOR"}


def _expected(terminals: Iterable[str] | None) -> str:
    terminals = set(terminals or ()) - {"COMMAND", "BAR", "NAMEWORD"}  # offered everywhere: no information
    if {"PLUS", "MINUS"} <= terminals and not terminals & _OPERAND_STARTS:
        # after a complete operand LALR has reduced as far as the next token allowed: of the operators that
        # could follow, its expected set shows only + and -, named here as one
        names = ["an operator"] + sorted({_TERMINAL_NAMES.get(t, t) for t in terminals - {"PLUS", "MINUS"}})
    else:
        names = sorted({_TERMINAL_NAMES.get(t, t) for t in terminals})
    if not names:
        return ""
    if len(names) > 6:
        return "; expected an operator, a closing bracket or the end" if "TIMES" in terminals else \
            "; expected an expression"
    return "; expected " + ", ".join(names[:-1]) + (" or " if len(names) > 1 else "") + names[-1]
