"""The text tokens that need context (grammar/symdiff.lark's postlexer): what each name is, which way a bar faces,
and the derivative notation people type.

The lexer gives every name as NAME and every bar as BAR; this pass, knowing the tokens around them, the function
registry and the functions the caller declared, decides (symdiff/parsing/names.py holds the conventions):

- a function's name (sin, sqrt, arcsin; gamma only when applied) is FUNCTION, applied with parentheses or not;
- a name applied to parentheses is CALLNAME, an undefined function, when declared or conventional (f, g, h, F,
  G, H, Greek letters), or when it is defined, `y(x) = ...`; a variable's one-letter name before a parenthesis is a
  factor, x(x + 1); `y(x)` is refused as ambiguous, and any other name applied is refused as unknown, with
  suggestions (cbrtt: did you mean cbrt?);
- a variable whose name begins or ends with a function's (sinx, cos2x, xsin) is one variable, with a note saying
  how to write the function instead;
- e^2x is e^(2x), with a note; a bar opens an absolute value, or closes the open one after an operand;
- `d/dx` or `d^2/dx^2` before an expression asks for its derivative (DERIVATIVE); dy/dx elsewhere, d/dx after
  the start and a differential at the end (x^2 dx) are refused with the way to ask.

Notes and errors are given positions in the text the lexer read; the reader maps them back to the input.
"""

from __future__ import annotations

import re

from lark import Token

from ..core.errors import Notation, ParseError
from . import names
from .reading import Note

__all__ = ["TextTokens"]

# After these a token ends an operand: a bar closes, a following factor multiplies, a differential is one.
_OPERAND_ENDS = frozenset({"NAME", "NUMBER", "RPAR", "RBAR", "PRIMES"})
_OPENERS = frozenset({"LPAR", "LSQB"})
_CLOSERS = frozenset({"RPAR", "RSQB"})
_DIFFERENTIAL = re.compile(r"d([A-Za-z][A-Za-z0-9_]*)\Z")
_LOG_BASE = re.compile(r"log_([0-9]+|[A-Za-z][A-Za-z0-9]*)\Z")  # log_2, log_b: LaTeX's way to write a base
# What can start a function's argument, after its name.
_ARGUMENT_STARTS = frozenset({"NAME", "NUMBER", "LPAR", "BAR"})
_TRAILING_DIFFERENTIAL = re.compile(r"d([A-Za-z])\Z")  # x^2 dx, t dt: d and one letter
_LEIBNIZ = re.compile(r"d[0-9]*([A-Za-z][A-Za-z_]*)[0-9]*\Z")  # dy, d2y, dx, dx2: the parts of dy/dx, d2y/dx2


def _token(kind: str, value: str, position: int) -> Token:
    return Token(kind, value, start_pos=position, end_pos=position + len(value))


def _kind(tokens: list, i: int) -> str | None:
    return tokens[i].type if 0 <= i < len(tokens) else None


def _value(tokens: list, i: int) -> str | None:
    return str(tokens[i]) if 0 <= i < len(tokens) else None


class TextTokens:
    """Lark's postlexer for grammar/symdiff.lark. `context` is the reader's per-parse state: `text`, `functions`
    (the names declared as functions), `notes` (a list this pass appends to) and `derivative` (set to the
    variables of a leading d/dx)."""

    always_accept = ("NAME", "BAR")

    def __init__(self, context):
        self.context = context

    def process(self, stream):
        tokens = list(stream)  # the basic lexer does not depend on the parser's state, so reading ahead is safe
        tokens = self._braced_subscripts(tokens)
        tokens = self._brackets_as_parentheses(tokens)
        self._check_words(tokens)
        tokens = self._derivative_prefix(tokens)
        tokens = self._factor_before_e(tokens)
        tokens = self._exponent_products(tokens)
        self._closing, self._with_comma = self._parentheses(tokens)
        yield from self._classify(tokens)

    @staticmethod
    def _braced_subscripts(tokens: list) -> list:
        """x_{1}, x_{max}: a subscript in braces, as LaTeX writes it, is part of the name (x_1, x_max)."""
        out: list = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.type == "NAME" and str(token).endswith("_") and _kind(tokens, i + 1) == "LBRACE" and \
                    _kind(tokens, i + 2) in ("NAME", "NUMBER") and _kind(tokens, i + 3) == "RBRACE" and \
                    str(tokens[i + 2]).isalnum():
                out.append(_token("NAME", str(token) + str(tokens[i + 2]), token.start_pos))
                i += 4
                continue
            out.append(token)
            i += 1
        return out

    def _brackets_as_parentheses(self, tokens: list) -> list:
        """[x + 1]^2 and e^{2x}: square brackets and braces group as parentheses do, each closed by its own
        kind; the brackets of D[1,0](f) stay brackets. Mismatched ones are left for the parser to report."""
        closer = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}
        opened: list = []  # (token, whether it groups as a parenthesis)
        for i, token in enumerate(tokens):
            if token.type == "LSQB" and _kind(tokens, i - 1) == "NAME" and _value(tokens, i - 1) != "D":
                raise self._error(f"{tokens[i - 1]}[...]: brackets after a name are not an index; to multiply write "
                                  f"{tokens[i - 1]}*[...]", token, Notation.AMBIGUOUS)
            if token.type in closer:
                opened.append((token, not (token.type == "LSQB" and _value(tokens, i - 1) == "D")))
            elif token.type in ("RPAR", "RSQB", "RBRACE") and opened and closer[opened[-1][0].type] == token.type:
                opening, groups = opened.pop()
                if groups:
                    opening.type, token.type = "LPAR", "RPAR"
        return tokens

    def _check_words(self, tokens: list) -> None:
        """derivative of x^2, x^2 wrt x: words of a request are refused, not multiplied as variables."""
        for token in tokens:
            if token.type == "NAME" and str(token) in names.REQUEST_WORDS:
                raise self._error(f"{token} reads as a word of a request, not a variable: write the expression "
                                  "alone and say the variable apart (symdiff \"x^2\" --wrt x, or d/dx x^2)",
                                  token, Notation.DERIVATIVE)

    @staticmethod
    def _parentheses(tokens: list) -> tuple[dict, set]:
        """In one pass: the index of the ")" closing each "(" (by index), and the "(" holding a comma at their
        own level, so that what follows a parenthesis is known in constant time."""
        closing, with_comma, opened = {}, set(), []
        for i, token in enumerate(tokens):
            if token.type == "LPAR":
                opened.append(i)
            elif token.type == "RPAR" and opened:
                closing[opened.pop()] = i
            elif token.type == "COMMA" and opened:
                with_comma.add(opened[-1])
        return closing, with_comma

    # -- errors and notes --
    def _error(self, message: str, token: Token, notation: Notation, suggestions: tuple = ()) -> ParseError:
        return ParseError(message, self.context.text, token.start_pos, notation=notation, suggestions=suggestions)

    def _note(self, kind: Notation, message: str, token: Token) -> None:
        self.context.notes.append(Note(kind, message, token.start_pos))

    # -- d/dx at the start --
    def _derivative_prefix(self, tokens: list) -> list:
        """`d/dx F`, `d^n/dx^n F` (also with ∂, read as d): a DERIVATIVE token and F."""
        i, order = 1, 1
        if _value(tokens, 0) != "d":
            return tokens
        if _kind(tokens, 1) == "POWER" and _kind(tokens, 2) == "NUMBER":
            order, i = self._order(tokens[2]), 3
        if _kind(tokens, i) != "DIVIDE" or _kind(tokens, i + 1) != "NAME":
            return tokens
        match = _DIFFERENTIAL.match(str(tokens[i + 1]))
        if match is None:
            return tokens
        variable, j = match.group(1), i + 2
        if _kind(tokens, j) == "POWER" and _kind(tokens, j + 1) == "NUMBER":
            if self._order(tokens[j + 1]) != order:
                raise self._error(f"the orders differ: write d^{order}/d{variable}^{order}", tokens[j + 1],
                                  Notation.DERIVATIVE)
            j += 2
        elif order != 1:
            raise self._error(f"write d^{order}/d{variable}^{order}", tokens[i + 1], Notation.DERIVATIVE)
        if names.is_function(variable) or names.constant(variable):
            raise self._error(f"d/d{variable}: {variable} is not a variable", tokens[i + 1], Notation.DERIVATIVE)
        if j >= len(tokens):
            raise self._error(f"d/d{variable} of what? write d/d{variable} (...)", tokens[i + 1],
                              Notation.DERIVATIVE)
        self.context.derivative = (variable,) * order
        return [_token("DERIVATIVE", "d/d" + variable, tokens[0].start_pos)] + tokens[j:]

    def _order(self, token: Token) -> int:
        text = str(token)
        if not text.isdigit() or not 1 <= len(text) <= 4 or int(text) == 0:
            raise self._error("a derivative's order is a whole number from 1", token, Notation.DERIVATIVE)
        return int(text)

    # -- xe^x, e^2x --
    def _factor_before_e(self, tokens: list) -> list:
        """xe^x and te^(-t) are x e^x and t e^(-t), as textbooks mean them: a two-letter name ending in e, raised
        to a power, is a letter times e."""
        out: list = []
        for i, token in enumerate(tokens):
            name = str(token)
            if token.type == "NAME" and len(name) == 2 and name[1] == "e" and name[0].isalpha() and \
                    _kind(tokens, i + 1) == "POWER" and not names.is_function(name):
                self._note(Notation.JOINED_NAME, f"{name}^... is read as {name[0]}*e^...; for a variable named "
                           f"{name}, write ({name})^...", token)
                out += [_token("NAME", name[0], token.start_pos), _token("NAME", "e", token.start_pos + 1)]
            else:
                out.append(token)
        return out


    def _exponent_products(self, tokens: list) -> list:
        """e^2x, e^-3t and e^2x^2 are e^(2x), e^(-3t) and e^(2x^2), as textbooks mean them: a number joined to a
        name (and its power) after e^. After another number, 2^3x, the note says how it is read (2^3*x)."""
        if not any(token.type == "POWER" for token in tokens):
            return tokens
        out: list = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            end = self._exponent_product_end(tokens, i)
            if end is None:
                out.append(token)
                i += 1
                continue
            start, text = tokens[i + 2], self.context.text
            number = next(t for t in tokens[i + 2:end + 1] if t.type == "NUMBER")
            exponent, rest = text[start.start_pos:number.end_pos], text[number.end_pos:tokens[end].end_pos]
            if token.type == "NUMBER":  # 2^3x: read by precedence, 2^3*x, and said
                self._note(Notation.CONVENTION, f"{token}^{exponent}{rest} is read as ({token}^{exponent})*{rest}; "
                           f"write {token}^({exponent}{rest}) for the power {exponent}{rest}", token)
                out.append(token)
                i += 1
                continue
            self._note(Notation.CONVENTION, f"{token}^{exponent}{rest} is read as {token}^({exponent}{rest}), as "
                       f"textbooks mean it; write {token}^{exponent}*{rest} for the other reading", token)
            out += [token, tokens[i + 1], _token("LPAR", "(", start.start_pos), *tokens[i + 2:end + 1],
                    _token("RPAR", ")", tokens[end].end_pos)]
            i = end + 1
        return out

    @staticmethod
    def _exponent_product_end(tokens: list, i: int) -> int | None:
        """For e (or a number) at i followed by ^, [-], a number and a name joined to it, and perhaps ^ and a
        number joined to that: the index of the last token of that exponent; else None."""
        token = tokens[i]
        if not (token.type == "NAME" and token in ("e", "E") or token.type == "NUMBER") or \
                _kind(tokens, i + 1) != "POWER":
            return None
        j = i + 2 + (_kind(tokens, i + 2) == "MINUS")
        if _kind(tokens, j) != "NUMBER" or _kind(tokens, j + 1) != "NAME" or \
                tokens[j].end_pos != tokens[j + 1].start_pos:
            return None
        end = j + 1
        if _kind(tokens, end + 1) == "POWER" and _kind(tokens, end + 2) == "NUMBER" and \
                tokens[end].end_pos == tokens[end + 1].start_pos == tokens[end + 1].end_pos - 1 and \
                tokens[end + 1].end_pos == tokens[end + 2].start_pos:
            end += 2  # e^2x^2
        elif _kind(tokens, end + 1) in ("POWER", "LPAR"):
            return None
        return end

    # -- names and bars --
    def _classify(self, tokens: list):
        open_bars = [0]  # per level of brackets, the bars opened and not yet closed
        bare: list = [None]  # per level of brackets, the function being applied without parentheses, if any
        previous = None
        for i, token in enumerate(tokens):
            kind = token.type
            if kind == "NAME":
                for piece in self._name(tokens, i, previous):
                    self._follow_bare_argument(bare, piece, tokens, i)
                    previous = piece.type
                    yield piece
                continue
            self._follow_bare_argument(bare, token, tokens, i)
            if kind == "BAR":
                closes = open_bars[-1] > 0 and previous in _OPERAND_ENDS
                open_bars[-1] += -1 if closes else 1
                token.type = "RBAR" if closes else "LBAR"
            elif kind in _OPENERS:
                open_bars.append(0)
            elif kind in _CLOSERS and len(open_bars) > 1:
                open_bars.pop()
            elif kind == "DIVIDE":
                self._check_ratio(tokens, i)
                self._check_division(tokens, i)
            elif kind == "POWER":
                self._check_fraction_exponent(tokens, i)
            previous = token.type
            yield token
        if open_bars[0] > 0:  # before the parser meets the end: say which bar is open
            raise self._error("a bar | is not closed: bars nest ambiguously here, so write abs(...) for each "
                              "absolute value", self._last_open_bar(tokens), Notation.AMBIGUOUS)

    def _follow_bare_argument(self, bare: list, token: Token, tokens: list, i: int) -> None:
        """sin x cos x: a function met in the bare argument of another is a new factor, sin(x)*cos(x), as in
        textbooks and Wolfram|Alpha; the note says so. `bare` holds, per level of brackets, (function, whether
        its argument has begun)."""
        kind, current = token.type, bare[-1]
        if kind in ("LPAR", "LSQB", "LBAR"):
            bare.append(None)
        elif kind in ("RPAR", "RSQB", "RBAR") and len(bare) > 1:
            bare.pop()
        elif kind == "FUNCTION":
            if current is not None and current[1]:
                self._note(Notation.CONVENTION, f"{current[0]} ... {token} is read as {current[0]}(...)*{token}(...): "
                           f"an argument without parentheses ends before the next function; write "
                           f"{current[0]}(... {token} ...) to take it in", token)
            bare[-1] = (token, False) if _kind(tokens, i + 1) != "LPAR" else None
        elif current is not None and kind in ("NAME", "NUMBER", "CALLNAME"):
            bare[-1] = (current[0], True)
        elif current is not None and kind in ("PLUS", "TIMES", "DIVIDE", "EQUALS", "COMMA") or \
                kind == "MINUS" and current is not None and current[1]:
            bare[-1] = None

    @staticmethod
    def _last_open_bar(tokens: list) -> Token:
        return next(token for token in reversed(tokens) if token.type == "LBAR")

    def _name(self, tokens: list, i: int, previous: str | None) -> list:
        token = tokens[i]
        name = str(token)
        applied = _kind(tokens, i + 1) == "LPAR"
        if names.is_function(name) and (applied or name not in names.functions.SYMBOL_NAMES):
            token.type = "FUNCTION"
            return [token]
        if _kind(tokens, i + 1) in _ARGUMENT_STARTS and name not in self.context.functions and \
                not names.is_conventional_function(name):
            self._check_other_spelling(token)
        if applied:
            return [self._applied(tokens, i)]
        self._check_differential(tokens, i, previous)
        if _kind(tokens, i + 1) == "PRIMES" or names.constant(name) or name in self.context.functions:
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

    def _applied(self, tokens: list, i: int) -> Token:
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
            if _kind(tokens, i + 2) == "NAME" and _kind(tokens, i + 3) == "RPAR" and \
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

    def _has_comma(self, tokens: list, i: int) -> bool:
        """Whether the parenthesis opening at token i holds a comma at its own level."""
        return i in self._with_comma

    def _defined(self, tokens: list, i: int) -> bool:
        """`y(x) = ...` or `u(x, t) = ...` at the start: the name is the function being defined."""
        close = self._closing.get(1)
        return i == 0 and close is not None and _kind(tokens, close + 1) == "EQUALS" and \
            all(tokens[j].type == ("NAME" if j % 2 == 0 else "COMMA") for j in range(2, close))

    def _check_division(self, tokens: list, i: int) -> None:
        """1/2x, 1/x(x + 1): a divisor joined to a factor. Implicit multiplication binds as * does, so this is
        (1/2)*x, as in Mathematica and SymPy; the note says so, and how to write the other reading."""
        divisor, factor = i + 1, i + 2
        if _kind(tokens, divisor) not in ("NUMBER", "NAME") or _kind(tokens, factor) not in ("NAME", "LPAR", "BAR"):
            return
        if tokens[divisor].end_pos != tokens[factor].start_pos or _kind(tokens, divisor) == "NAME" and \
                _kind(tokens, factor) == "NAME":
            return
        if _kind(tokens, factor) == "LPAR" and (_kind(tokens, divisor) == "NUMBER" or
                                                not names.is_factor_name(str(tokens[divisor]))):
            return  # 1/2(x + 1) is written so on purpose as often as not; f(x) is a call, not a product
        text = self.context.text
        left = tokens[i - 1] if i > 0 else tokens[i]
        joined = text[tokens[divisor].start_pos:self._factor_end(tokens, factor)]
        written = text[left.start_pos:tokens[i].start_pos].strip()
        self._note(Notation.CONVENTION, f"/{joined} divides by {tokens[divisor]} only: {written}/{joined} is "
                   f"({written}/{tokens[divisor]})*{joined[len(str(tokens[divisor])):]}, as in Mathematica and SymPy; "
                   f"write {written}/({joined}) to divide by all of it", tokens[divisor])

    def _check_fraction_exponent(self, tokens: list, i: int) -> None:
        """x^1/2: ^ binds tighter than /, so this is (x^1)/2, though a root is meant (nobody raises to 1 to
        divide); the note says how to write the root. x^2/2 is read as written, without a note."""
        kinds = [_kind(tokens, j) for j in range(i + 1, i + 4)]
        if kinds != ["NUMBER", "DIVIDE", "NUMBER"] or str(tokens[i + 1]) != "1":
            return
        if any(tokens[j + 1].start_pos != tokens[j].end_pos for j in range(i, i + 3)):
            return  # x^1 / 2, with spaces, is written so on purpose
        fraction = f"{tokens[i + 1]}/{tokens[i + 3]}"
        self._note(Notation.CONVENTION, f"^{fraction} raises to {tokens[i + 1]} only, then divides by {tokens[i + 3]} "
                   f"(^ binds tighter than /); for the power {fraction} write ^({fraction})", tokens[i])

    def _factor_end(self, tokens: list, i: int) -> int:
        """Where the factor starting at token i ends: after its name, or after the matching parenthesis."""
        if tokens[i].type != "LPAR":
            return tokens[i].end_pos
        return tokens[self._closing.get(i, len(tokens) - 1)].end_pos

    # -- derivative notation where it cannot be read --
    def _check_ratio(self, tokens: list, i: int) -> None:
        """dy/dx and d/dx after the start are derivative notation, refused with the way to ask."""
        before, after = _value(tokens, i - 1), _value(tokens, i + 1)
        if before is None or after is None or _kind(tokens, i - 1) != "NAME" or _kind(tokens, i + 1) != "NAME":
            return
        first = i - 1
        if [_kind(tokens, j) for j in range(i - 4, i - 1)] == ["NAME", "POWER", "NUMBER"] and \
                _value(tokens, i - 4) == "d" and _LEIBNIZ.match(after):  # d^2y/dx^2
            before, first = "d" + before, i - 4
        denominator = _LEIBNIZ.match(after)
        if denominator is None or not (before == "d" or _LEIBNIZ.match(before)):
            return
        x = denominator.group(1).rstrip("0123456789")
        if before == "d":
            raise self._error(f"d/d{x} is read only at the start, before the whole expression: d/d{x} (...)",
                              tokens[i - 1], Notation.DERIVATIVE)
        y = _LEIBNIZ.match(before).group(1)
        last = i + 3 if [_kind(tokens, i + 2), _kind(tokens, i + 3)] == ["POWER", "NUMBER"] else i + 1
        written = self.context.text[tokens[first].start_pos:tokens[last].end_pos]
        raise self._error(f"{written} is derivative notation: write the expression {y} stands for, e.g. "
                          f"symdiff \"x^2\" --wrt {x}, or the equation {y} = ... (its right side is differentiated)",
                          tokens[first], Notation.DERIVATIVE)

    def _check_differential(self, tokens: list, i: int, previous: str | None) -> None:
        """x^2 dx: a differential multiplied on at the end is an integral's, not a variable."""
        match = _TRAILING_DIFFERENTIAL.match(str(tokens[i]))
        if match is None or i != len(tokens) - 1 or previous not in _OPERAND_ENDS:
            return
        x = match.group(1)
        raise self._error(f"{tokens[i]} at the end reads as a differential (as in an integral): symdiff "
                          f"differentiates; leave out {tokens[i]} and ask for the derivative in {x} (--wrt {x}, "
                          f"or d/d{x} before the expression)", tokens[i], Notation.DIFFERENTIAL)
