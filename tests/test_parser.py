"""The parser: the grammar of grammar/symdiff.lark, the literal normal form it builds, and its errors.

Nodes are interned, so `parse(a) is node` (or `parse(a) is parse(b)`) is a structural comparison.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import symdiff
from symdiff import (Add, Const, Derivative, Float, Func, Mul, Num, ParseError, Pow, Sym, SymdiffError, parse,
                     srepr)

x, y, z, u = Sym("x"), Sym("y"), Sym("z"), Sym("u")
a, b, c = Sym("a"), Sym("b"), Sym("c")
HALF = Num(Fraction(1, 2))
E, PI = Const("e"), Const("pi")


def neg(node):
    return Mul(Num(-1), node)


def inv(node):
    return Pow(node, Num(-1))


# ---------------------------------------------------------------------------------------------------------
# What the parser builds
# ---------------------------------------------------------------------------------------------------------

NUMBERS = [
    ("0", Num(0)),
    ("42", Num(42)),
    ("2.5", Float(2.5)),
    (".5", Float(0.5)),
    ("5.", Float(5.0)),
    ("1.0", Float(1.0)),
    ("1e-3", Float(0.001)),
    ("2E+5", Float(200000.0)),
    ("2.5E+4", Float(25000.0)),
    ("1.5e3", Float(1500.0)),
    ("3/2", Num(Fraction(3, 2))),
    ("6/4", Num(Fraction(3, 2))),
    ("4/2", Num(2)),
    ("-3/2", Num(Fraction(-3, 2))),
    ("-7", Num(-7)),
    ("0.5*2", Float(1.0)),           # a float marks the value inexact (README)
    ("1/2x", Mul(HALF, x)),          # left-associative: (1/2)*x (README)
]

NAMES = [
    ("x", x),
    ("x1", Sym("x1")),
    ("alpha", Sym("alpha")),
    ("x_2", Sym("x_2")),
    ("xy", Sym("xy")),               # several letters make one name
    ("rate", Sym("rate")),
    ("pi", PI),
    ("e", E),
]

OPERATORS = [
    ("x + y", Add(x, y)),
    ("x - y", Add(x, neg(y))),
    ("x * y", Mul(x, y)),
    ("x / y", Mul(x, inv(y))),
    ("x ^ 2", Pow(x, Num(2))),
    ("x ** 2", Pow(x, Num(2))),
    ("a - b - c", Add(a, neg(b), neg(c))),
    ("a - (b - c)", Add(a, neg(Add(b, neg(c))))),
    ("a / b / c", Mul(a, inv(b), inv(c))),
    ("2^3^2", Pow(Num(2), Pow(Num(3), Num(2)))),
    ("2**3**2", Pow(Num(2), Pow(Num(3), Num(2)))),
    ("2^3**2", Pow(Num(2), Pow(Num(3), Num(2)))),
    ("(2^3)^2", Pow(Pow(Num(2), Num(3)), Num(2))),
    ("x^y^z", Pow(x, Pow(y, z))),
    ("-x^2", neg(Pow(x, Num(2)))),
    ("-2^2", neg(Pow(Num(2), Num(2)))),
    ("(-x)^2", Pow(neg(x), Num(2))),
    ("2^-x", Pow(Num(2), neg(x))),
    ("2**-x", Pow(Num(2), neg(x))),
    ("x^-2", Pow(x, Num(-2))),
    ("2^(-1)", Num(Fraction(1, 2))),      # a^-1 is read as 1/a
    ("+x", x),
    ("--x", x),
    ("-(x + 1)", neg(Add(x, Num(1)))),
    ("(x + 1)", Add(x, Num(1))),
    ("((x))", x),
    ("x +\n\t y", Add(x, y)),
    ("3*x^2 - 4*x", Add(Mul(Num(3), Pow(x, Num(2))), Mul(Num(-4), x))),
]

FUNCTIONS = [
    ("sin(x)", Func("sin", x)),
    ("sin(x)^2", Pow(Func("sin", x), Num(2))),
    ("exp(-x)", Func("exp", neg(x))),
    ("log(x)", Func("log", x)),
    ("log(x, 2)", Func("log", x, Num(2))),
    ("ln(x)", Func("log", x)),
    ("ln(x, 2)", Func("log", x, Num(2))),
    ("arcsin(x)", Func("asin", x)),
    ("sqrt(u)", Pow(u, HALF)),
    ("sqrt(x + 1)", Pow(Add(x, Num(1)), HALF)),
    ("abs(x)", Func("abs", x)),
    ("sin(cos(x))", Func("sin", Func("cos", x))),
    ("e^x", Pow(E, x)),
    ("2pi", Mul(Num(2), PI)),
    ("2e", Mul(Num(2), E)),
]

IMPLICIT = [
    ("2x", Mul(Num(2), x)),
    ("2(x+1)", Mul(Num(2), Add(x, Num(1)))),
    ("(x+1)(x-1)", Mul(Add(x, Num(1)), Add(x, Num(-1)))),
    ("2 sin(x)", Mul(Num(2), Func("sin", x))),
    ("x y", Mul(x, y)),
    ("2x^2", Mul(Num(2), Pow(x, Num(2)))),
    ("3x^2 - 4x", Add(Mul(Num(3), Pow(x, Num(2))), Mul(Num(-4), x))),
    ("2x y", Mul(Num(2), x, y)),
    ("x sin(x)", Mul(x, Func("sin", x))),
    ("sin(x) cos(x)", Mul(Func("sin", x), Func("cos", x))),
    ("x^2 y", Mul(Pow(x, Num(2)), y)),
    ("2 (x)", Mul(Num(2), x)),
]

UNDEFINED = [
    ("f(x)", Func("f", x)),
    ("g(x, y)", Func("g", x, y)),
    ("f(x^2)", Func("f", Pow(x, Num(2)))),
    ("f'(x)", Derivative("f", (1,), x)),
    ("f''(x)", Derivative("f", (2,), x)),
    ("f'''(x^2)", Derivative("f", (3,), Pow(x, Num(2)))),
    ("D[1,0](g)(x, y)", Derivative("g", (1, 0), x, y)),
    ("D[0,2](g)(x, y)", Derivative("g", (0, 2), x, y)),
    ("D[1](f)(x)", Derivative("f", (1,), x)),
    ("D[0,0](g)(x, y)", Func("g", x, y)),
    ("f(x)*f'(x)", Mul(Func("f", x), Derivative("f", (1,), x))),
    ("D[1,0](g)(x, y) + g(x, y)", Add(Derivative("g", (1, 0), x, y), Func("g", x, y))),
]


@pytest.mark.parametrize("text, expected", NUMBERS + NAMES + OPERATORS + FUNCTIONS + IMPLICIT + UNDEFINED,
                         ids=lambda v: v if isinstance(v, str) else "")
def test_parse_builds(text, expected):
    result = parse(text)
    assert result is expected, f"{text!r}: got {srepr(result)}, expected {srepr(expected)}"


@pytest.mark.parametrize("text", ["2.5", ".5", "5.", "1.0", "1e-3", "2E+5", "1e0", "3e2"])
def test_decimal_literals_are_floats(text):
    result = parse(text)
    assert type(result) is Float
    assert isinstance(result, symdiff.Float)
    assert result.value == float(text)


def test_float_one_is_not_the_integer_one():
    assert parse("1.0") is not parse("1")
    assert type(parse("1")) is Num


def test_rational_is_exact():
    result = parse("3/2")
    assert type(result) is Num
    assert result.value == Fraction(3, 2)
    assert isinstance(result.value, Fraction)


@pytest.mark.parametrize("text, expected", [
    ("6*x - 4", "Add(Mul(Num(6), Sym('x')), Num(-4))"),
    ("3/2", "Num(Fraction('3/2'))"),
    ("2^3^2", "Pow(Num(2), Pow(Num(3), Num(2)))"),
    ("-x^2", "Mul(Num(-1), Pow(Sym('x'), Num(2)))"),
    ("sqrt(u)", "Pow(Sym('u'), Num(Fraction('1/2')))"),
    ("f'(x)", "Derivative('f', (1,), Sym('x'))"),
    ("D[1,0](g)(x, y)", "Derivative('g', (1, 0), Sym('x'), Sym('y'))"),
])
def test_srepr(text, expected):
    assert srepr(parse(text)) == expected


SAME = [
    ("2x", "2*x"),
    ("x y", "x*y"),
    ("2(x+1)", "2*(x+1)"),
    ("(x+1)(x-1)", "(x+1)*(x-1)"),
    ("2 sin(x)", "2*sin(x)"),
    ("2x^2", "2*(x^2)"),
    ("2^3^2", "2^(3^2)"),
    ("x**2", "x^2"),
    ("-x^2", "-(x^2)"),
    ("2^-x", "2^(-x)"),
    ("ln(x)", "log(x)"),
    ("ln(x, 2)", "log(x, 2)"),
    ("sqrt(x)", "x^(1/2)"),
    ("1/2x", "(1/2)*x"),
    ("x/y", "x*y^-1"),
    ("D[1](f)(x)", "f'(x)"),
    ("D[2](f)(x)", "f''(x)"),
    ("D[0,0](g)(x,y)", "g(x,y)"),
    ("e^x", "e**x"),
    ("  x  +  1  ", "x+1"),
]

DIFFERENT = [
    ("2^3^2", "(2^3)^2"),
    ("-x^2", "(-x)^2"),
    ("2x^2", "(2x)^2"),
    ("xy", "x y"),
    ("e", "exp(1)"),
    ("f'(x)", "f(x)"),
    ("D[1,0](g)(x,y)", "D[0,1](g)(x,y)"),
]


@pytest.mark.parametrize("left, right", SAME)
def test_equivalent_spellings(left, right):
    assert parse(left) is parse(right)


@pytest.mark.parametrize("left, right", DIFFERENT)
def test_different_spellings(left, right):
    assert parse(left) is not parse(right)


def test_constants_are_not_symbols():
    assert parse("pi") is Const("pi")
    assert parse("e") is Const("e")
    assert parse("pi*x").free_symbols == frozenset({"x"})
    assert parse("e^x + pi").free_symbols == frozenset({"x"})


def test_undefined_function_arguments_are_free():
    assert parse("g(x, y)").free_symbols == frozenset({"x", "y"})
    assert parse("D[1,0](g)(x, y^2 + z)").free_symbols == frozenset({"x", "y", "z"})


def test_parse_refuses_non_strings():
    with pytest.raises(TypeError):
        parse(None)
    with pytest.raises(TypeError):
        parse(b"x")
    with pytest.raises(TypeError):
        parse(3)


def test_parse_accepts_its_own_expressions_through_the_api():
    e = parse("3x^2")
    assert symdiff.parse("3x^2") is e
    assert symdiff.simplify(e) is symdiff.simplify("3*x^2")


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------

# input -> the positions (0-based) that point at the problem
BAD = [
    ("", {0}),
    ("   ", {0, 3}),
    ("3*x^2-4*x)", {9}),
    ("(x+1", {0, 4}),
    ("x +", {3}),
    ("x $ y", {2}),
    ("sin", {0}),
    ("2*sin", {2}),
    ("sin + 1", {0}),
    ("sin(x, y)", {0, 7}),
    ("sqrt(x, y)", {0, 8}),
    ("abs(x, y)", {0, 7}),
    ("log(x,2,3)", {0, 8}),
    ("ln(x,2,3)", {0, 7}),
    ("x(y) + x", {0, 7}),
    ("x + x(y)", {0, 4}),
    ("D[1,0](g)(x,y) + g", {7, 17}),
    ("1/0", {1, 2}),
    ("x/0", {1, 2}),
    ("1/(0)", {1, 3}),
    ("1e999", {0}),
    ("x 2", {2}),
    ("2 3", {2}),
    ("x^2 3", {4}),
    ("(x+1)2", {5}),
    ("sin(x) 2", {7}),
    ("2x 3", {3}),
    ("x**", {3}),
    ("2 ^ ^ 3", {4}),
    ("()", {1}),
    ("f()", {2}),
    ("x,y", {1}),
    ("x + )", {4}),
    ("f'(x, y)", {0}),
    ("sin'(x)", {0}),
    ("exp'(x)", {0}),
    ("D[1](f)(x, y)", {0}),
    ("E[1](f)(x)", {0, 1}),
    ("x'", {0, 1, 2}),
    ("f'x", {0, 2}),
    ("_x", {0}),                     # names start with a letter (README)
    ("1_000", {1}),                  # not 1 times the symbol _000
    ("0^-1", {1}),
    ("g(x) + g(x, y)", {7}),         # one undefined function, one number of arguments
]


@pytest.mark.parametrize("text, positions", BAD, ids=[repr(t) for t, _ in BAD])
def test_parse_error_position_and_caret(text, positions):
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert isinstance(error, SymdiffError)
    assert error.text == text
    assert error.message
    assert error.position in positions, f"{text!r}: position {error.position}, expected one of {positions}"
    assert 0 <= error.position <= len(text)
    assert f"column {error.position + 1}" in str(error)
    line, caret = error.caret().split("\n")
    assert line == text
    assert caret == " " * error.position + "^"


# the character the caret must be under
OFFENDING = [
    ("3*x^2-4*x)", ")"),
    ("x $ y", "$"),
    ("x 2", "2"),
    ("2 3", "3"),
    ("x + )", ")"),
    ("x @ y", "@"),
    ("x == 1", "="),
    ("a;b", ";"),
    ("x é", "é"),
    ("sin", "s"),
    ("cbrtt(x)", "c"),
    ("1e999", "1"),
]


@pytest.mark.parametrize("text, char", OFFENDING)
def test_caret_is_under_the_offending_character(text, char):
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert text[error.position] == char
    line, caret = error.caret().split("\n")
    assert line[caret.index("^")] == char


def test_caret_on_a_multiline_input_shows_the_line_of_the_error():
    text = "x +\ny )"
    with pytest.raises(ParseError) as info:
        parse(text)
    error = info.value
    assert error.position == 6
    assert error.caret() == "y )\n  ^"


def test_unexpected_end_points_after_the_input():
    with pytest.raises(ParseError) as info:
        parse("x + (y")
    assert info.value.position == len("x + (y")
    assert info.value.caret() == "x + (y\n      ^"


HOSTILE = [
    "__import__('os').system('echo hi')",
    "lambda: 1",
    "x.__class__",
    "x.__class__.__mro__",
    "{x",
    "[x)",
    '"x"',
    "'x'",
    "`x`",
    "x; import os",
    "exec('print(1)')",
    "eval('1')",
    "open('/etc/passwd').read()",
    "x == 1",
    "x # comment",
    "\\x",
    "x\x00",
    "x & y",
    "x | y",
    "1 < 2",
    "x % 2",
    "!x",
    "x @ y",
    "f(*x)",
    "f(x=1)",
    "f(**x)",
    "Symbol('x')",
    "x[0]",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_are_rejected_without_side_effects(text, capfd):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert isinstance(info.value, SymdiffError)
    assert info.value.position is not None
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_no_code_is_run(tmp_path, capfd):
    marker = tmp_path / "pwned"
    attempts = [
        f"__import__('os').system('touch {marker}')",
        f"__import__(\"os\").system(\"touch {marker}\")",
        f"open('{marker}', 'w')",
    ]
    for text in attempts:
        with pytest.raises(ParseError):
            parse(text)
        with pytest.raises(SymdiffError):
            symdiff.diff(text, "x")
    assert not marker.exists()
    out, err = capfd.readouterr()
    assert "hi" not in out and out == ""


def test_dangerous_names_are_inert_symbols():
    # a name is only ever a symbol (or an undefined function): nothing is looked up or called
    assert parse("import_") is Sym("import_")
    with pytest.raises(ParseError):
        parse("__import__")  # names start with a letter
    with pytest.raises(ParseError, match="unknown function eval"):
        parse("eval(x)")  # not declared: refused, with the advice to declare it
    assert parse("eval(x)", functions=["eval"]) is Func("eval", x)
    assert symdiff.diff(parse("eval(x)", functions=["eval"]), "x") is Derivative("eval", (1,), x)


def test_error_state_does_not_leak_between_parses():
    # the clash check is per parse: x as a function in one parse, as a variable in the next
    assert parse("x(y)", functions=["x"]) is Func("x", y)
    assert parse("x + 1") is Add(x, Num(1))
    with pytest.raises(ParseError):
        parse("x(y) + x")
    assert parse("x") is x


@pytest.mark.parametrize("text, message", [
    ("x,", "unexpected ','; expected an operator or the end of the input"),
    ("(x,y)", "unexpected ','; expected an operator or ')'"),
    ("(x + 1", "the '(' at column 1 is not closed; expected an operator or ')'"),
    ("x +* y", "unexpected '*'; expected a number, a name or '('"),
])
def test_syntax_errors_say_what_could_come_next(text, message):
    with pytest.raises(ParseError) as error:
        symdiff.parse(text)
    assert message in error.value.message


@pytest.mark.parametrize("text, same_as", [
    ("[x + 1]^2", "(x + 1)^2"),
    ("e^{2x}", "e^(2*x)"),
    ("{{7*7}}", "49"),
    ("[(x + 1)(x - 1)]^2", "((x + 1)*(x - 1))^2"),
    ("x_{1} + x_{max}", "x_1 + x_max"),
    ("D[1,0](g)(x, y) + [y]", "D[1,0](g)(x, y) + y"),
])
def test_square_brackets_and_braces_group_as_parentheses(text, same_as):
    assert parse(text) is parse(same_as)


@pytest.mark.parametrize("text", ["[x)", "(x]", "{x]", "[(x])", "x[0]", "x{1}]"])
def test_mismatched_or_indexing_brackets_are_refused(text):
    with pytest.raises(ParseError):
        parse(text)
