"""Textbook notation (issue 16): every row of symdiff/parsing/notation.py's table, textbook inputs checked against
SymPy, property tests of the reader, notes and errors as data, declared functions, equations, derivatives asked for
in the text, and the functions with kinks and jumps (floor, ceil, min, max) with check_differentiable."""

from __future__ import annotations

import random
import re
import time
import warnings
from typing import NamedTuple

import pytest
import strategies
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import numeric_mismatch, symbolically_equal

import symdiff
from symdiff import (
    Notation,
    ParseError,
    Reason,
    SymdiffError,
    SymdiffWarning,
    UsageError,
)
from symdiff.core.build import add, mul
from symdiff.core.expr import Derivative, Func, Num, Sym
from symdiff.parsing.names import undefined_functions
from symdiff.parsing.notation import NOTATION

THIS_FILE = __file__

SETTINGS = settings(max_examples=200, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def parse_quietly(text: str, functions=()):
    """symdiff.parse, and the warnings it issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expr = symdiff.parse(text, functions=functions)
    return expr, caught


def refusal(text: str, functions=()) -> ParseError:
    with pytest.raises(ParseError) as raised:
        parse_quietly(text, functions)
    return raised.value


# =====================================================================================================
# 1. Every row of the notation table
# =====================================================================================================

ACCEPTED = [row for row in NOTATION if row.reading is not None]
REFUSED = [row for row in NOTATION if row.reading is None]

# For each refused row: the fix its comment names, in fragments that must be both in the comment and in the
# message the ParseError gives; and the kind of notation refused.
FIXES = {
    "cbrtt(x)": (("did you mean cbrt(...)?",), Notation.UNKNOWN_FUNCTION),
    "tg(x)": (("did you mean tan(...)?",), Notation.UNKNOWN_FUNCTION),
    "y(x)": (("write y*x to multiply", "declare y a function", "--function y", 'functions=["y"]'),
             Notation.AMBIGUOUS),
    "rate(x)": (("declare it", "--function rate"), Notation.UNKNOWN_FUNCTION),
    "x^2 + y^2 = 1": (("an equation", "differentiate it implicitly", "--implicit y"), Notation.EQUATION),
    "dy/dx": (("write the expression", "y = ..."), Notation.DERIVATIVE),
    "x^2 dx": (("leave out dx", "--wrt x"), Notation.DIFFERENTIAL),
    "derivative of x^2": (("write the expression", "--wrt x"), Notation.DERIVATIVE),
}


# The functions a row must declare to read as its reading (functions=...): none so far, as f, g, phi and the
# function a definition defines (rate(t) = ...) are functions without it. Each entry here must be needed.
ROW_FUNCTIONS: dict = {}


def test_rows_declare_functions_only_where_needed():
    accepted = {row.typed for row in ACCEPTED}
    for typed, functions in ROW_FUNCTIONS.items():
        assert typed in accepted
        with pytest.raises(ParseError):
            parse_quietly(typed)
        parse_quietly(typed, functions)
    # the rows with undefined functions read without declaring them; the refused y(x) reads once y is declared
    undeclared = [row for row in ACCEPTED if undefined_functions(parse_quietly(row.reading)[0])]
    assert {row.typed for row in undeclared} >= {"f(x) + g(x, y) + phi(t)", "f'(x) + D[1,0](g)(x, y)"}
    assert all(symdiff.read(row.typed).expression is not None for row in undeclared)
    assert str(parse_quietly("y(x)", ["y"])[0]) == "y(x)"


def test_the_table_has_rows_of_every_kind():
    assert len(NOTATION) >= 40
    assert {row.typed for row in REFUSED} == set(FIXES), "a refused row without its fix in FIXES (or the reverse)"
    assert any(row.noted for row in ACCEPTED)
    typed = [row.typed for row in NOTATION]
    assert len(typed) == len(set(typed)), "a row is typed twice"


@pytest.mark.parametrize("row", ACCEPTED, ids=lambda row: row.typed)
def test_accepted_row_reads_as_its_reading(row):
    functions = ROW_FUNCTIONS.get(row.typed, ())
    expected, plain_warnings = parse_quietly(row.reading, functions)
    # the reading is in plain syntax: at most a note on a joined name that the typed text has too (xy, sinx)
    assert all(w.message.note.kind is Notation.JOINED_NAME for w in plain_warnings), row.reading
    reading = symdiff.read(row.typed, functions=functions)
    assert reading.expression is expected, f"{row.typed!r} read as {reading.expression}, not {expected}"
    assert bool(reading.notes) == row.noted, f"{row.typed!r}: notes {reading.notes}"
    # the documentation's table shows symdiff's printed text of it: that reads back
    assert parse_quietly(symdiff.text(expected), functions)[0] is expected
    if reading.variables:  # d/dx ...: parse refuses it (symdiff.diff reads it); read gives the expression
        error = refusal(row.typed, functions)
        assert error.notation is Notation.DERIVATIVE
        assert "symdiff.diff" in error.message
        return
    parsed, caught = parse_quietly(row.typed, functions)
    assert parsed is expected
    assert all(isinstance(w.message, SymdiffWarning) for w in caught)
    assert bool(caught) == row.noted, [str(w.message) for w in caught]
    assert [w.message.note for w in caught] == list(reading.notes)


@pytest.mark.parametrize("row", REFUSED, ids=lambda row: row.typed)
def test_refused_row_says_the_fix_its_comment_names(row):
    fragments, notation = FIXES[row.typed]
    error = refusal(row.typed)
    assert error.notation is notation
    for fragment in fragments:
        assert fragment in row.comment, f"FIXES and the table disagree on {row.typed!r}: {fragment!r}"
        assert fragment in error.message, f"{row.typed!r}: {error.message!r} lacks {fragment!r}"
    assert error.position is not None and 0 <= error.position < len(row.typed)


def test_derivative_rows_do_what_their_comments_say():
    assert symdiff.diff("d/dx x^3") is symdiff.parse("3*x^2")  # "symdiff prints 3*x^2"
    assert str(symdiff.diff("d/dx x^3")) == "3*x^2"
    assert symdiff.read("d^2/dx^2 (sin x)").variables == ("x", "x")  # "the second derivative in x"
    assert symdiff.diff("d^2/dx^2 (sin x)") is symdiff.parse("-sin(x)")


# =====================================================================================================
# 2. Textbook notation against SymPy
# =====================================================================================================

X, T = sympy.Symbol("x", real=True), sympy.Symbol("t", real=True)
E = sympy.E
POSITIVE = ((0.3, 0.9),)
BOTH_SIGNS = ((0.2, 0.9), (-0.9, -0.2))


class Case(NamedTuple):
    typed: str
    meant: object                # the SymPy expression, written by hand
    variable: sympy.Symbol = X
    domains: tuple = POSITIVE    # where to compare values: intervals of the variable


CASES = [
    Case("sin^2 x", sympy.sin(X) ** 2),
    Case("sin^-1 x", sympy.asin(X)),
    Case("cos⁻¹(x)", sympy.acos(X)),
    Case("tan^2(3x)", sympy.tan(3 * X) ** 2, domains=((0.1, 0.45),)),
    Case("ln x^2", sympy.log(X ** 2), domains=BOTH_SIGNS),
    Case("sqrt 2x", sympy.sqrt(2 * X)),
    Case("sin x cos x", sympy.sin(X) * sympy.cos(X)),
    Case("2 sin x", 2 * sympy.sin(X)),
    Case("x sin x", X * sympy.sin(X)),
    Case("ln|x|", sympy.log(sympy.Abs(X)), domains=BOTH_SIGNS),
    Case("|x|^3", sympy.Abs(X) ** 3, domains=BOTH_SIGNS),
    Case("||x|-1|", sympy.Abs(sympy.Abs(X) - 1), domains=((0.1, 0.9), (-0.9, -0.1), (1.2, 2), (-2, -1.2))),
    Case("e^2x", sympy.exp(2 * X)),
    Case("e^-3t", sympy.exp(-3 * T), T),
    Case("x(x+1)^2", X * (X + 1) ** 2),
    Case("3x(x-1)", 3 * X * (X - 1)),
    Case("[x+1]^2", (X + 1) ** 2),
    Case("e^{x^2}", sympy.exp(X ** 2)),
    Case("sec^2 x", sympy.sec(X) ** 2),
    Case("sinh^-1 x", sympy.asinh(X), domains=BOTH_SIGNS),
    Case("arctan x", sympy.atan(X), domains=BOTH_SIGNS),
    Case("log(x, 2)", sympy.log(X, 2)),
    Case("log10 x", sympy.log(X, 10)),
    Case("root(x, 3)", sympy.root(X, 3)),
    Case("x√x", X * sympy.sqrt(X)),
    Case("2πx", 2 * sympy.pi * X),
    Case("x²³", X ** 23),
    Case("d/dx x^3 sin x", X ** 3 * sympy.sin(X)),
    Case("d^2/dx^2 x^4", X ** 4),
    Case("y = x e^x", X * sympy.exp(X)),
    Case("f(x) = x^3", X ** 3),
    Case("e^x sin x", sympy.exp(X) * sympy.sin(X)),
    Case("cos^3 2x", sympy.cos(2 * X) ** 3),
    Case("ln ln x", sympy.log(sympy.log(X)), domains=((1.5, 4),)),
    Case("sqrt x + 1", sympy.sqrt(X) + 1),
    Case("1/2x", X / 2),
    Case("x^1/2", X / 2),
    Case("xe^x", X * sympy.exp(X)),
    Case("te^(-t)", T * sympy.exp(-T), T),
    Case("sin x/x", sympy.sin(X) / X),
    Case("ln x / x", sympy.log(X) / X),
    Case("csc x cot x", sympy.csc(X) * sympy.cot(X)),
    Case("arcsin 2x", sympy.asin(2 * X), domains=((0.05, 0.45),)),
    Case("sin 3x^2", sympy.sin(3 * X ** 2)),
    Case("e^(x) ln x", sympy.exp(X) * sympy.log(X)),
    Case("-sin^2 x", -sympy.sin(X) ** 2),
    Case("|sin x|", sympy.Abs(sympy.sin(X)), domains=BOTH_SIGNS),
    Case("sin |x|", sympy.sin(sympy.Abs(X)), domains=BOTH_SIGNS),
    Case("x⁻¹ + x^-2", 1 / X + X ** -2),
    Case("√(x^2+1)", sympy.sqrt(X ** 2 + 1), domains=BOTH_SIGNS),
    Case("3 e^{-x^2}", 3 * sympy.exp(-X ** 2), domains=BOTH_SIGNS),
    Case("4 cos 2t", 4 * sympy.cos(2 * T), T),
    Case("lg x", sympy.log(X, 10)),
    Case("exp -x", sympy.exp(-X)),
    Case("2x e^{3x}", 2 * X * sympy.exp(3 * X)),
    Case("tan^-1 x + sec^-1(1/x)", sympy.atan(X) + sympy.asec(1 / X)),
    Case("ln^2 x", sympy.log(X) ** 2),
    Case("sin^2(x) + cos^2 x", sympy.Integer(1)),
    Case("cosh^2 x - sinh^2 x", sympy.Integer(1)),
    Case("x^x + 2^x", X ** X + 2 ** X),
    Case("(2x+1)^3", (2 * X + 1) ** 3),
    Case("d/dt (t^2 e^t)", T ** 2 * sympy.exp(T), T),
    Case("∂/∂x x^3", X ** 3),
    Case("d/dx(x^2 + 1)^3", (X ** 2 + 1) ** 3),
    Case("sin x^2 cos x", sympy.sin(X ** 2) * sympy.cos(X)),
    Case("x²·e⁻¹", X ** 2 / E),
    Case("x√x − 3×x ÷ 2", X * sympy.sqrt(X) - 3 * X / 2),
]


def test_there_are_at_least_forty_textbook_cases():
    assert len(CASES) >= 40
    assert len({case.typed for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.typed)
def test_textbook_notation_agrees_with_sympy(case):
    reading = symdiff.read(case.typed)
    ours = reading.expression
    assert ours is not None, case.typed
    # the expression itself: exactly the one meant
    assert symbolically_equal(ours, case.meant, seconds=20), f"{case.typed!r} read as {ours}, meant {case.meant}"
    # its derivative, in the order the text asks for (d^2/dx^2) or the first
    order = len(reading.variables) or 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SymdiffWarning)
        derivative = symdiff.diff(case.typed)
    theirs = sympy.diff(case.meant, case.variable, order)
    for i, (low, high) in enumerate(case.domains):
        mismatch = numeric_mismatch(derivative, theirs, names=[case.variable.name], points=5, seed=i,
                                    low=low, high=high)
        assert mismatch is None, f"d/d{case.variable} {case.typed!r} = {derivative}, SymPy {theirs}: {mismatch}"


# =====================================================================================================
# 3. Property tests
# =====================================================================================================

# (a) printed text reads back: the expressions of tests/strategies.py, with undefined functions and joined
# names among them, so that `functions=` and the notes on joined names are exercised too.
EXTRAS = [Func("u", Sym("x")), Func("f", Sym("x"), Sym("y")), Func("phi", Sym("y")), Derivative("g", (1,), Sym("x")),
          Derivative("k", (1, 0), Sym("x"), Sym("y")), Func("rate", add(Sym("x"), Num(1))), Sym("xy"), Sym("sinx"),
          Sym("x_max"), Sym("alpha"), Sym("cos2t")]
JOINED = {"xy", "sinx", "cos2t"}

with_extras = st.one_of(
    strategies.expressions,
    st.tuples(strategies.expressions, st.sampled_from(EXTRAS), st.booleans()).map(
        lambda t: add(t[0], t[1]) if t[2] else mul(t[0], t[1])),
)


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@SETTINGS
@given(with_extras)
def test_printed_text_reads_back_with_no_notes_but_joined_names(e):
    text = symdiff.text(e)
    declared = undefined_functions(e)
    reading = symdiff.read(text, functions=declared)
    assert reading.expression is e, f"{text!r} read as {reading.expression}"
    assert reading.equation is None and reading.variables == ()
    parsed, caught = parse_quietly(text, declared)
    assert parsed is e
    for note in reading.notes:
        assert note.kind is Notation.JOINED_NAME, (text, note)
        name = re.match(r"[A-Za-z][A-Za-z0-9_]*", text[note.position:]).group()
        assert name in JOINED and name in e.free_symbols, (text, note)
    assert len(caught) == len(reading.notes)


# (b) a function of the registry without parentheses takes the argument that follows
UNARY = sorted({name for row in symdiff.functions.rows() if row.arity == 1
                for name in (row.name, *row.aliases)} - {"gamma", "beta"})

_numbers = st.sampled_from(["2", "3", "1.5", "10"])
_names = st.sampled_from(["x", "y", "t", "x_1", "pi", "e"])  # no Greek letter: alpha(...) is a call
_first = st.one_of(  # a factor that may start the argument: not a parenthesis (that would be the call's)
    _names,
    st.tuples(_names, st.sampled_from(["^2", "^3", "^-1", "^(1/2)", "^x"])).map("".join),
    _names.map(lambda n: f"|{n}|"),
    st.tuples(_names, _names).map(lambda t: f"|{t[0]} - {t[1]}|"),
)
_next = _first | st.tuples(_names, _names).map(lambda t: f"({t[0]} + {t[1]})")
# a product of factors, the first perhaps a number (a number cannot follow a factor: "x 2" is refused) or a
# number raised to a power, perhaps with a minus
simple_arguments = st.tuples(
    st.sampled_from(["", "-"]),
    st.one_of(st.just(""), _numbers, st.tuples(_numbers, st.sampled_from(["^2", "^x", "^-1", "²"])).map("".join)),
    _first,
    st.lists(_next, max_size=2),
).map(lambda t: t[0] + t[1] + (" " if t[1] else "") + " ".join([t[2], *t[3]])) | _numbers


def same_outcome(a: str, b: str, functions=()):
    """Both texts read as one expression (the same node), or both are refused with the same message."""
    outcomes = []
    for text in (a, b):
        try:
            outcomes.append(parse_quietly(text, functions)[0])
        except SymdiffError as error:
            outcomes.append((type(error), error.message.replace(text, "")))
    assert outcomes[0] is outcomes[1] or outcomes[0] == outcomes[1], (a, b, outcomes)
    return outcomes[0]


@SETTINGS
@given(st.sampled_from(UNARY), simple_arguments)
def test_function_without_parentheses_takes_the_argument_that_follows(name, argument):
    assert not isinstance(same_outcome(f"{name} {argument}", f"{name}({argument})"), tuple)
    same_outcome(f"{name}^2 {argument}", f"{name}({argument})^2")
    same_outcome(f"{name}^2 {argument} + 1", f"{name}({argument})^2 + 1")
    same_outcome(f"{argument} * {name} {argument}", f"({argument})*{name}({argument})")


@SETTINGS
@given(st.sampled_from(UNARY), simple_arguments)
def test_minus_one_on_a_function_name_is_its_inverse(name, argument):
    canonical = symdiff.functions.ALIASES.get(name, name)
    inverse = symdiff.functions.ALIASES.get("arc" + canonical)
    if inverse is None:
        error = refusal(f"{name}^-1 {argument}")
        assert error.notation is Notation.AMBIGUOUS and "no inverse" in error.message
    else:
        same_outcome(f"{name}^-1 {argument}", f"{inverse}({argument})")
        same_outcome(f"{name}⁻¹ {argument}", f"{inverse}({argument})")


def test_the_function_names_include_aliases_and_leave_out_symbols():
    assert {"sin", "ln", "arcsin", "lg", "floor", "ceiling", "sgn", "abs", "cbrt", "erf"} <= set(UNARY)
    assert "gamma" not in UNARY and "beta" not in UNARY and "log" in UNARY


# (c) any text of the grammar's characters: read returns or raises a SymdiffError, within a second
ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789" + "+-*/^()[]{}|=', " +
            "\u00b2\u207b\u00b9\u221a")
WORDS = ["sin", "cos", "ln", "sqrt", "log", "e", "pi", "x", "y", "f", "d/dx", "d^2/dx^2", "dx", "dy", "|", "^",
         "^-1", "^2", " ", "(", ")", "=", "2", "1/2", "x'", "D[1,0](f)", "max(", "root(", "_", "_{", "abs",
         "floor", "gamma", "√", "²", "⁻¹", "derivative", "arcsin", ","]
texts = st.one_of(st.text(ALPHABET, max_size=40), st.lists(st.sampled_from(WORDS), max_size=14).map("".join))

symdiff.read("warm up the parser")  # the first read builds the parser; the time limit is for a read


@settings(SETTINGS, max_examples=600)
@given(texts)
def test_read_returns_or_raises_a_symdiff_error_quickly(text):
    start = time.perf_counter()
    try:
        reading = symdiff.read(text)
    except SymdiffError as error:
        assert isinstance(error.message, str) and error.message
        if error.position is not None:
            assert 0 <= error.position <= len(text)
    else:
        assert reading.text == text
        assert reading.expression is not None or reading.equation is not None
        for note in reading.notes:
            assert isinstance(note.kind, Notation) and 0 <= note.position < len(text)
    assert time.perf_counter() - start < 1.0, f"{text!r} took {time.perf_counter() - start:.2f} s"


@pytest.mark.parametrize("text, meant", [("sin 2^x", "sin(2^x)"), ("ln 3^x", "log(3^x)"), ("sqrt 2^x", "sqrt(2^x)"),
                                         ("floor 2¹", "floor(2)"), ("sin -2^x", "sin(-2^x)"),
                                         ("sin 2^2 x", "sin(2^2*x)"), ("ln 3^x y", "log(3^x*y)")])
def test_bare_argument_number_to_a_power(text, meant):
    """A bare argument may start with a number raised to a power (once a TypeError: the grammar passed the NUMBER
    token itself to the builder)."""
    assert symdiff.parse(text) is symdiff.parse(meant)


# =====================================================================================================
# 4. Notes and errors as data
# =====================================================================================================

@pytest.mark.parametrize("text, kind, position, words", [
    ("sinx", Notation.JOINED_NAME, 0, "sin(x) or sin x"),
    ("2 + sinx", Notation.JOINED_NAME, 4, "one variable named sinx"),
    ("1/2x", Notation.CONVENTION, 2, "write /(2x)"),
    ("x + 1/2x", Notation.CONVENTION, 6, "divides by 2 only, then multiplies by x"),
    ("e^2x", Notation.CONVENTION, 0, "e^(2x)"),
    ("x e^2x", Notation.CONVENTION, 2, "write e^2*x for the other reading"),
    ("x^1/2", Notation.CONVENTION, 1, "write ^(1/2)"),
    ("3xy", Notation.JOINED_NAME, 1, "x y or x*y"),
    ("xe^x", Notation.JOINED_NAME, 0, "x*e^"),
    ("x²·1/2x", Notation.CONVENTION, 5, "/(2x)"),        # positions in the text as typed, not as rewritten
    ("√x + sinx", Notation.JOINED_NAME, 5, "sin(x)"),
])
def test_notes_have_a_kind_a_message_and_a_position(text, kind, position, words):
    reading = symdiff.read(text)
    assert [note.kind for note in reading.notes] == [kind]
    note = reading.notes[0]
    assert note.position == position
    assert words in note.message


@pytest.mark.parametrize("text, notation, position, suggestions, words", [
    ("cbrtt(x)", Notation.UNKNOWN_FUNCTION, 0, ("cbrt",), "did you mean cbrt(...)?"),
    ("x + tg(x)", Notation.UNKNOWN_FUNCTION, 4, ("tan",), "did you mean tan(...)?"),
    ("arcsinus(x)", Notation.UNKNOWN_FUNCTION, 0, ("asin",), "did you mean asin(...)"),
    ("SIN(x)", Notation.UNKNOWN_FUNCTION, 0, ("sin",), "did you mean sin(...)?"),
    ("foo(x)", Notation.UNKNOWN_FUNCTION, 0, (), "declare it (--function foo"),
    ("y(x)", Notation.AMBIGUOUS, 0, (), "write y*x to multiply"),
    ("2 + y(x)", Notation.AMBIGUOUS, 4, (), "declare y a function"),
    ("y(x, t)", Notation.AMBIGUOUS, 0, (), "with several arguments"),
    ("x^2 + y^2 = 1", Notation.EQUATION, 10, (), "is an equation, not an expression"),
    ("dy/dx", Notation.DERIVATIVE, 0, (), "dy/dx is derivative notation"),
    ("x + dy/dx", Notation.DERIVATIVE, 4, (), "y = ..."),
    ("d2y/dx2", Notation.DERIVATIVE, 0, (), "d2y/dx2 is derivative notation"),
    ("derivative of x^2", Notation.DERIVATIVE, 0, (), "derivative reads as a word of a request"),
    ("x^2 wrt x", Notation.DERIVATIVE, 4, (), "wrt reads as a word of a request"),
    ("2 + d/dx x", Notation.DERIVATIVE, 4, (), "d/dx is read only at the start"),
    ("d^2/dx^3 x", Notation.DERIVATIVE, 7, (), "the orders differ"),
    ("x^2 dx", Notation.DIFFERENTIAL, 4, (), "leave out dx"),
    ("sin x dt", Notation.DIFFERENTIAL, 6, (), "--wrt t"),
    ("sin^-2 x", Notation.AMBIGUOUS, 4, (), "sin(...)^(-2)"),
    ("log^-1 x", Notation.AMBIGUOUS, 4, (), "log has no inverse function"),
    ("|x|y|", Notation.AMBIGUOUS, 4, (), "write abs(...)"),
    ("x[2]", Notation.AMBIGUOUS, 1, (), "brackets after a name are not an index"),
])
def test_errors_carry_their_notation_and_suggestions(text, notation, position, suggestions, words):
    error = refusal(text)
    assert error.notation is notation
    assert error.suggestions == suggestions
    assert error.position == position, f"{error} at {error.position}"
    assert words in error.message
    assert error.caret().splitlines() == [text, " " * position + "^"]


def test_plain_syntax_errors_carry_no_notation():
    error = refusal("x + * 2")
    assert error.notation is None and error.suggestions == ()
    assert error.position == 4


def test_read_raises_what_parse_raises_except_for_equations():
    with pytest.raises(ParseError) as raised:
        symdiff.read("cbrtt(x)")
    assert raised.value.notation is Notation.UNKNOWN_FUNCTION
    reading = symdiff.read("x^2 + y^2 = 1")  # read returns the equation; parse refuses it
    assert reading.expression is None and reading.equation is not None


def test_warnings_are_symdiff_warnings_with_their_note_attributed_to_the_caller():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        expr = symdiff.parse("sinx + 1/2x")
    assert expr is parse_quietly("sinx + x/2")[0]
    assert [type(w.message) for w in caught] == [SymdiffWarning, SymdiffWarning]
    assert [w.message.note.kind for w in caught] == [Notation.JOINED_NAME, Notation.CONVENTION]
    assert [w.message.note.position for w in caught] == [0, 9]
    assert all(w.filename == THIS_FILE for w in caught), [w.filename for w in caught]
    assert str(caught[0].message) == caught[0].message.note.message
    assert caught[1].lineno == caught[0].lineno


@pytest.mark.parametrize("call", [
    lambda: symdiff.parse("e^2x"),
    lambda: symdiff.diff("e^2x"),
    lambda: symdiff.diff("sinx + x", "x"),
    lambda: symdiff.steps("1/2x"),
    lambda: symdiff.parse_list("x, 1/2x"),
], ids=["parse", "diff", "diff-wrt", "steps", "parse_list"])
def test_every_function_that_reads_text_warns_at_the_callers_line(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    assert len(caught) == 1
    assert isinstance(caught[0].message, SymdiffWarning)
    assert caught[0].filename == THIS_FILE


def test_read_issues_no_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reading = symdiff.read("sinx + 1/2x + e^2x")
    assert caught == []
    assert [note.kind for note in reading.notes] == [Notation.JOINED_NAME, Notation.CONVENTION, Notation.CONVENTION]
    assert [note.position for note in reading.notes] == [0, 9, 14]


# =====================================================================================================
# 5. Declared functions
# =====================================================================================================

def test_a_declared_function_is_applied_and_differentiated():
    expr, caught = parse_quietly("y(x)^2", functions=["y"])
    assert caught == []
    assert expr is symdiff.parse("y(x)^2", functions=("y",))
    assert str(expr) == "y(x)^2"
    assert undefined_functions(expr) == {"y"}
    assert str(symdiff.diff("y(x)^2", "x", functions=["y"])) == "2*y(x)*y'(x)"
    assert symdiff.diff("y(x)^2", functions=["y"]) is symdiff.diff("y(x)^2", "x", functions=["y"])
    assert str(symdiff.diff("x y(x)", functions=["y"])) == "x*y'(x) + y(x)"


def test_functions_as_a_comma_separated_string():
    expr = symdiff.parse("y(x) u(x)", functions="y,u")
    assert expr is symdiff.parse("y(x)*u(x)", functions=["y", "u"])
    assert expr is symdiff.parse("y(x) u(x)", functions=" y , u ")
    assert str(symdiff.diff(expr, "x")) == "u(x)*y'(x) + y(x)*u'(x)"
    assert symdiff.parse_list("y(x), x", functions="y") == [symdiff.parse("y(x)", functions="y"), Sym("x")]
    assert symdiff.steps("y(x)^2", "x", functions=["y"]).steps[-1].expression is \
        symdiff.diff("y(x)^2", "x", functions=["y"])


@pytest.mark.parametrize("name", ["sin", "ln", "sqrt", "gamma", "pi", "e", "E", "log"])
def test_declaring_a_known_function_or_a_constant_is_a_usage_error(name):
    with pytest.raises(UsageError, match=f"{name} is already a function or constant"):
        symdiff.parse("x", functions=[name])


@pytest.mark.parametrize("name", ["2y", "y(x)", "y z", "y-1"])
def test_declaring_what_is_not_a_name_is_a_usage_error(name):
    with pytest.raises(UsageError, match="is not a function name"):
        symdiff.parse("x", functions=[name])


def test_empty_names_in_a_declaration_are_ignored():
    assert symdiff.parse("y(x)", functions="y,,") is symdiff.parse("y(x)", functions=["y"])
    assert symdiff.parse("x", functions=[""]) is Sym("x")


@pytest.mark.parametrize("name", [None, 3])
def test_declaring_what_is_not_a_string_is_a_usage_error(name):
    with pytest.raises(UsageError, match="is not a function name"):
        symdiff.parse("x", functions=[name])


@pytest.mark.parametrize("text, position", [("y*x", 0), ("x + y", 4), ("y(x) + y", 0)])
def test_a_declared_name_used_as_a_variable_is_a_parse_error(text, position):
    error = refusal(text, functions=["y"])
    assert error.notation is Notation.AMBIGUOUS
    assert error.position == position
    assert "y" in error.message and "function" in error.message


def test_an_undeclared_name_applied_is_refused_until_declared():
    assert refusal("rate(x)").notation is Notation.UNKNOWN_FUNCTION
    assert str(symdiff.parse("rate(x)", functions=["rate"])) == "rate(x)"
    assert refusal("y(x)").notation is Notation.AMBIGUOUS
    assert str(symdiff.diff("y'(x)", functions=["y"])) == "y''(x)"


# =====================================================================================================
# 6. Equations
# =====================================================================================================

def test_an_equation_is_read_with_its_sides():
    reading = symdiff.read("x^2 + y^2 = 1")
    assert reading.equation.lhs is symdiff.parse("x^2 + y^2")
    assert reading.equation.rhs is Num(1)
    assert reading.expression is None and reading.defines is None
    error = refusal("x^2 + y^2 = 1")
    assert error.notation is Notation.EQUATION and error.position == 10
    with pytest.raises(ParseError):
        symdiff.diff("x^2 + y^2 = 1", "x")


@pytest.mark.parametrize("text, defines, rhs, functions", [
    ("y = x^2", "y", "x^2", ()),
    ("y = x e^x", "y", "x*e^x", ()),
    ("f(x) = x sin x", "f(x)", "x*sin(x)", ()),
    ("y(x) = x^2", "y(x)", "x^2", ()),
    ("u(x, t) = x^2 t", "u(x, t)", "x^2*t", ()),
    ("F(x,y) = x y", "F(x, y)", "x*y", ()),
    ("rate(t) = t^2", "rate(t)", "t^2", ()),
])
def test_definitions(text, defines, rhs, functions):
    reading = symdiff.read(text, functions=functions)
    assert str(reading.defines) == defines
    assert reading.expression is symdiff.parse(rhs)
    assert reading.equation.rhs is reading.expression
    assert str(reading.equation.lhs) == defines
    assert symdiff.parse(text) is symdiff.parse(rhs)


def test_derivatives_of_definitions_are_of_their_right_side():
    assert str(symdiff.diff("y = x^3 + 2x")) == "3*x^2 + 2"
    assert str(symdiff.diff("f(x) = x^3")) == "3*x^2"
    assert str(symdiff.diff("u(x, t) = x^2 t", "t")) == "x^2"
    assert str(symdiff.diff("u(x, t) = x^2 t", "x")) == "2*t*x"


@pytest.mark.parametrize("text", ["y = y^2 + x", "f(x) = f(x)^2 + x", "f(x, x) = x", "sin(x) = x", "2 = x",
                                  "x^2 = y"])
def test_equations_that_are_not_definitions_are_refused(text):
    reading = symdiff.read(text)
    assert reading.expression is None and reading.defines is None and reading.equation is not None
    error = refusal(text)
    assert error.notation is Notation.EQUATION
    assert error.position == text.index("=")


# =====================================================================================================
# 7. Derivatives asked for in the text
# =====================================================================================================

@pytest.mark.parametrize("text, variables, result", [
    ("d/dx x^3", ("x",), "3*x^2"),
    ("d^2/dx^2 sin x", ("x", "x"), "-sin(x)"),
    ("d/dt (t^2)", ("t",), "2*t"),
    ("d/dx(x^2)", ("x",), "2*x"),
    ("d/dy x^2 y", ("y",), "x^2"),
    ("∂/∂x x^2 y", ("x",), "2*x*y"),
    ("d^3/dx^3 x^4", ("x", "x", "x"), "24*x"),
    ("d/dx √x", ("x",), "1/(2*sqrt(x))"),
])
def test_derivative_asked_for(text, variables, result):
    reading = symdiff.read(text)
    assert reading.variables == variables
    assert symdiff.diff(text) is symdiff.parse(result)
    assert symdiff.diff(text, variables[0], order=len(variables)) is symdiff.parse(result)


@pytest.mark.parametrize("call, message", [
    (lambda: symdiff.diff("d/dx x^2", "y"), "asks for d/dx"),
    (lambda: symdiff.diff("d/dx x^2", "x,y"), "asks for d/dx"),
    (lambda: symdiff.diff("d/dx x^2", "x", order=2), "asks for d/dx"),
    (lambda: symdiff.diff("d^2/dx^2 x^4", "x"), "asks for d^2/dx^2"),
    (lambda: symdiff.steps("d^2/dx^2 x^2", "y"), "asks for d^2/dx^2"),
    (lambda: symdiff.steps("d/dx x^2", "y"), "asks for d/dx"),
])
def test_mismatched_variables_are_usage_errors(call, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        call()


def test_an_order_given_with_a_derivative_asked_for_is_refused():
    with pytest.raises(UsageError):
        symdiff.diff("d/dx x^2", order=2)


def test_steps_of_a_derivative_asked_for():
    derivation = symdiff.steps("d/dx x^2")
    assert derivation.variable == "x"
    assert derivation.expression is symdiff.parse("x^2")
    assert derivation.steps[-1].expression is symdiff.parse("2*x")
    assert derivation.steps[-1].rule == "power rule"
    assert symdiff.steps("d/dx x^2", "x").steps[-1].expression is symdiff.parse("2*x")


@pytest.mark.parametrize("text, position, words", [
    ("d/dx", 2, "of what?"),
    ("d/dpi x", 2, "pi is not a variable"),
    ("d^0/dx^0 x", 2, "whole number from 1"),
    ("d^2/dx x", 4, "write d^2/dx^2"),
])
def test_malformed_derivative_requests(text, position, words):
    error = refusal(text)
    assert error.notation is Notation.DERIVATIVE
    assert error.position == position
    assert words in error.message


def test_second_derivative_leibniz_notation_is_refused():
    error = refusal("d^2y/dx^2")
    assert error.notation is Notation.DERIVATIVE


@pytest.mark.parametrize("text", ["sin^(1/2) x", "sin^1/2 x"])
def test_fractional_power_on_a_function_name_is_refused_as_ambiguous(text):
    error = refusal(text)
    assert error.notation is Notation.AMBIGUOUS


# =====================================================================================================
# 8. floor, ceil, min, max and check_differentiable
# =====================================================================================================

@pytest.mark.parametrize("text, point, value", [
    ("floor(x)", {"x": "5/2"}, 2),
    ("floor x", {"x": "-1/2"}, -1),
    ("ceil(x)", {"x": "5/2"}, 3),
    ("ceiling(x)", {"x": "-5/2"}, -2),
    ("max(x, x^2)", {"x": 3}, 9),
    ("max(x, x^2)", {"x": "1/2"}, symdiff.parse("1/2")),
    ("min(x, x^2, 1)", {"x": 3}, 1),
    ("max(x, y, 1)", {"x": -1, "y": "1/3"}, 1),
    ("min(x, y)", {"x": -1, "y": "1/3"}, -1),
])
def test_values_of_floor_ceil_min_max(text, point, value):
    found = symdiff.evaluate(text, point)
    assert found is symdiff.parse(str(value)), f"{text} at {point}: {found}"


@pytest.mark.parametrize("text, derivative", [
    ("floor(x)", "0"),
    ("ceil(x)", "0"),
    ("max(x, x^2)", "2*x*heaviside(x^2 - x) + heaviside(x - x^2)"),
    ("min(x, 1)", "heaviside(1 - x)"),
])
def test_derivatives_of_floor_ceil_min_max(text, derivative):
    assert symdiff.diff(text, "x") is symdiff.parse(derivative)


@pytest.mark.parametrize("text, point, variables, words", [
    ("abs(x)", {"x": 0}, None, "abs(x) is not differentiable where x = 0"),
    ("|x|", {"x": "0"}, None, "where x = 0"),
    ("floor(x)", {"x": 2}, None, "it jumps at every integer"),
    ("ceil(x)", {"x": -1}, None, "it jumps at every integer"),
    ("max(x, x^2)", {"x": 1}, None, "max(x, x^2) is not differentiable where x = x^2"),
    ("max(x, x^2)", {"x": 0}, None, "where x = x^2"),
    ("min(x, 1)", {"x": 1}, None, "where x = 1"),
    ("abs(x - 1) + y", {"x": 1, "y": 0}, ["x"], "where x - 1 = 0"),
    ("abs(x^2 - 4)", {"x": -2}, None, "where x^2 - 4 = 0"),
    ("x*abs(x)", {"x": 0}, None, "where x = 0"),  # conservative, as documented
])
def test_check_differentiable_refuses_kinks_and_jumps(text, point, variables, words):
    with pytest.raises(symdiff.EvaluationError) as raised:
        symdiff.check_differentiable(text, point, variables)
    assert raised.value.reason is Reason.NOT_DIFFERENTIABLE
    assert words in raised.value.message


@pytest.mark.parametrize("text, point, variables", [
    ("abs(x)", {"x": 1}, None),
    ("abs(x)", {"x": "-1/2"}, None),
    ("floor(x)", {"x": 2.5}, None),
    ("ceil(x)", {"x": "1/3"}, None),
    ("max(x, x^2)", {"x": 2}, None),
    ("min(x, 1)", {"x": 0}, None),
    ("abs(x - 1) + y", {"x": 1, "y": 0}, ["y"]),  # the kink is in x, the derivative asked in y
])
def test_check_differentiable_accepts_smooth_points(text, point, variables):
    assert symdiff.check_differentiable(text, point, variables) is None


def test_random_points_off_the_kinks_are_differentiable():
    rng = random.Random(16)
    for _ in range(20):
        x = rng.uniform(-3, 3)
        if min(abs(x), abs(x - 1), abs(x - round(x))) < 1e-3:
            continue
        for text in ("abs(x)", "floor(x)", "ceil(x)", "max(x, x^2)", "min(x, 1)"):
            assert symdiff.check_differentiable(text, {"x": x}) is None, (text, x)
