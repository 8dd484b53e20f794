"""LaTeX in (symdiff.parse_latex): what the LaTeX printer writes reads back to the same expression, hand-written
LaTeX from papers reads as a reader means it, and anything else is a ParseError at its position."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdiff
from strategies import expressions, multivariate_expressions, small_exponents
from symdiff import Budget, BudgetError, ParseError, UndefinedError, parse, parse_latex, srepr
from symdiff.core.build import add, div, mul, neg, power
from symdiff.core.expr import Const, Derivative, Func, Num, Pow, Sym
from symdiff.core.traversal import subexpressions
from symdiff.functions import ALIASES, REGISTRY, arities, rows
from symdiff.parsing.latex import latex_grammar_path
from symdiff.parsing.latex_tokens import GREEK_LETTERS
from symdiff.parsing.names import is_function
from symdiff.printing.latex import GREEK

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SAMPLE = CORPUS / "sample_small.jsonl"


def assert_reads_back(e):
    printed = symdiff.latex(e)
    back = parse_latex(printed)
    assert back is e, f"{srepr(e)} printed as {printed!r}, which reads as {srepr(back)}"


# ---- everything the printer writes reads back ------------------------------------------------------------

def _corpus() -> list[dict]:
    if not SAMPLE.is_file():
        return []
    with SAMPLE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


PAIRS = _corpus()
needs_corpus = pytest.mark.skipif(not PAIRS, reason=f"the external corpus is not present ({SAMPLE} not found; it "
                                  "lives outside the repository, at ../shared/corpus/ relative to its root)")


@needs_corpus
@pytest.mark.parametrize("pair", PAIRS, ids=[p["id"] for p in PAIRS])
def test_corpus_antiderivative_and_its_derivative_read_back(pair):
    antiderivative = parse(pair["antiderivative"])  # the corpus's Python syntax is the text syntax's (** too)
    assert_reads_back(antiderivative)
    assert_reads_back(symdiff.diff(antiderivative, pair["var"]))


@needs_corpus
def test_the_corpus_sample_is_whole():
    assert len(PAIRS) == 300


# The printer's forms, one or more of each: its own table (tests/test_printing.py) and the corners.
PRINTED = [
    "6*x - 4", "3x^2 - 4x", "x/(2*y)", "-3*x/(2*y^2)", "3/2*x", "-1/2", "1/x", "x^-2", "sqrt(x+1)", "1/sqrt(x)",
    "(x+1)^(1/3)", "x^(3/2)", "sin(x)^2", "sin(x+1)", "exp(x^2)", "exp(x)^2", "pi*x", "log(x)", "log(x, 2)",
    "log(x, 2)^2", "abs(x)", "abs(x)^2", "2*3^x", "x*2^x", "2(x+1)", "(x+1)^2", "(x+1)/(x-1)", "x*(x+1)^2",
    "(x cos(x) - sin(x))/x^2", "alpha", "alpha1", "x1", "x12", "x_max", "rate", "rate2", "x1_y", "x1_2",
    "x_a_b", "x__y", "x_", "y_x1", "x_1a", "sin2", "Gamma*lambda", "e1 + pi2", "2^3^2", "(x^2)^3", "(-2)^x",
    "-x^2", "(x + 1/x)^2", "sin(1/x)", "sqrt(x)^3", "(1/2)^x", "x^(1/n)", "f'(x)", "f''(x)", "f'''(x)",
    "D[4](f)(x)", "D[1,0](g)(x,y)", "D[2,1](g)(x,y)", "D[1,0](g)(x^2, y)", "D[2,1](g)(x, x)", "f(1/x)",
    "rate(x) + rate'(x)", "g1(x, y)", "2.5*x", "1e-20*x", "1e20", "-1.0*x", "(-0.5)^x", "x^0.5", "1.5e-300",
    "2*e", "x*exp(x)", "acot(x) + asec(x) + acsc(x) + sinh(x) + asinh(x)^2 + sech(x) + sign(x)", "x*(y + 1)",
    "2*sqrt(2)", "x^e", "pi^e", "abs(x - 1)/(x - 1)", "(x - 1)(x + 1)", "x*y*z", "sin(x)^(3/2)", "sin(x)^x",
    "1/sin(x)^2", "exp(-x/2)", "-(x + 1)", "x - (y + 1)", "I*x + A*B", "f'(1/x)", "D[1,0](g)(1/x, y)",
    "D[1,1](g)(alpha, x1)", "Gamma(x) + f1(x)", "x*abs(y) + abs(abs(x) - 1) + sqrt(abs(x))", "x^(-0.5)",
    "12345678901234567890*x", "sin(-x)", "f(x, y)^2", "(x^2 + 1)^(-1/2)", "x^(1/y)", "2^(-2)",
    "d/(d*x)", "d*y/(d*x)", "d^2/(d*x^2)", "gamma*x + gamma(x) + beta(x, y) + log10(x) + polygamma(1, x)",
]


def applied_names(text: str) -> list:
    """The names applied to parentheses in text that are not functions of the registry: what to declare."""
    return sorted({name for name in re.findall(r"([A-Za-z][A-Za-z0-9_]*)'*\(", text) if not is_function(name)})


@pytest.mark.parametrize("text", PRINTED)
def test_printed_forms_read_back(text):
    expr = parse(text, functions=applied_names(text))
    assert_reads_back(expr)
    assert_reads_back(symdiff.simplify(expr))


def _has_power_of_e(e) -> bool:
    return any(type(n) is Pow and n.base is Const("e") for n in subexpressions(e))


def _simplifiable(e) -> bool:
    try:
        symdiff.simplify(e)
    except UndefinedError:  # (x - x)^(-1/2): divides by an identical zero
        return False
    return True


def assert_normal_forms_read_back(e):
    """Simplified forms read back identically; so do parsed forms, but for e^u: the printer writes exp(u) and
    the power e^u alike, and the reader reads exp, which is what symdiff.simplify makes of e^u."""
    parsed = parse(symdiff.text(e))
    if _has_power_of_e(parsed):
        assert symdiff.simplify(parse_latex(symdiff.latex(parsed))) is symdiff.simplify(parsed)
    else:
        assert_reads_back(parsed)
    assert_reads_back(symdiff.simplify(parsed))


@PROPERTY
@given(multivariate_expressions)
def test_random_expressions_read_back(e):
    assert_normal_forms_read_back(e)


@PROPERTY
@given(st.tuples(expressions, small_exponents).filter(lambda be: be[0] is not Num(0)).map(lambda be: power(*be))
       .filter(_simplifiable))
def test_powers_of_random_expressions_read_back(e):
    assert_normal_forms_read_back(e)


def test_a_name_with_an_underscore_before_digits_reads_back_without_it():
    """x1 and x_1 are both printed x_{1}, which is read as x1 (the more common name)."""
    assert symdiff.latex("x1") == symdiff.latex("x_1") == "x_{1}"
    assert parse_latex("x_{1}") is parse_latex("x_1") is Sym("x1")


def _calls_of_every_row(children):
    return st.tuples(st.sampled_from(rows()), children, children).map(
        lambda t: Func(t[0].name, *(t[1], t[2])[:t[0].arity]))


AWKWARD_NAMES = st.sampled_from([Sym(n) for n in ("x", "gamma", "beta", "x1", "x1_2", "x_max", "rate", "sin2",
                                                  "Gamma", "W", "alpha_i", "d", "e1")])
every_function = st.recursive(
    st.one_of(AWKWARD_NAMES, st.integers(-5, 12).map(Num), st.sampled_from([Const("pi"), Const("e")])),
    lambda children: st.one_of(st.tuples(children, children).map(lambda ab: add(*ab)),
                               st.tuples(children, children).map(lambda ab: mul(*ab)),
                               st.tuples(children, children).filter(lambda ab: ab[1] != Num(0))
                               .map(lambda ab: div(*ab)),
                               st.tuples(children, small_exponents).filter(lambda be: be[0] != Num(0))
                               .map(lambda be: power(*be)),
                               _calls_of_every_row(children), children.map(neg)),
    max_leaves=10)


@PROPERTY
@given(every_function)
def test_every_function_and_awkward_names_read_back_in_random_expressions(e):
    """Over every row of the registry (two arguments too) and names the printer writes with subscripts,
    \\mathit or Greek letters (gamma and beta also name functions)."""
    parsed = parse(symdiff.text(e))
    if not _has_power_of_e(parsed):
        assert_reads_back(parsed)


def test_e_to_a_power_is_read_as_exp_as_simplify_writes_it():
    assert parse("e^x") is Pow(Const("e"), Sym("x"))
    assert symdiff.latex("e^x") == symdiff.latex("exp(x)") == "e^{x}"
    assert parse_latex("e^{x}") is symdiff.simplify("e^x") is Func("exp", Sym("x"))


@pytest.mark.parametrize("row", rows(), ids=lambda row: f"{row.name}/{row.arity}")
def test_every_function_of_the_registry_reads_back(row):
    call = Func(row.name, *[Sym(v) for v in ("x", "y")[:row.arity]])
    assert_reads_back(call)
    assert_reads_back(power(call, Num(2)))
    assert_reads_back(power(call, Sym("y")))


@pytest.mark.parametrize("name", sorted({n for n, _ in REGISTRY} | set(ALIASES)))
def test_every_name_and_alias_is_a_command(name):
    function = ALIASES.get(name, name)
    arity = arities(function)[0]
    arguments = ", ".join(("x", "y")[:arity])
    expected = Func(function, *[Sym(v) for v in ("x", "y")[:arity]])
    spellings = [f"\\operatorname{{{name}}}({arguments})", f"\\mathrm{{{name}}}({arguments})"]
    if name.isalpha():  # a command is letters only
        spellings.append(f"\\{name}({arguments})")
    for spelling in spellings:
        assert parse_latex(spelling) is expected, spelling


def test_the_reader_knows_every_greek_letter_the_printer_writes():
    assert GREEK <= GREEK_LETTERS
    for name in sorted(GREEK - {"pi"}):
        assert_reads_back(Sym(name))


# ---- hand-written LaTeX -----------------------------------------------------------------------------------

HAND_WRITTEN = [
    # fractions, roots, powers
    (r"\frac{a}{b}", "a/b"),
    (r"\dfrac{a}{b} + \tfrac{c}{d}", "a/b + c/d"),
    (r"\frac12 + \frac1x + \frac{1}2", "1/2 + 1/x + 1/2"),
    (r"\sqrt{x^2 + 1}", "sqrt(x^2 + 1)"),
    (r"\sqrt[3]{x}", "x^(1/3)"),
    (r"\sqrt[n]{x}", "x^(1/n)"),
    (r"\sqrt2 + \sqrt x", "sqrt(2) + sqrt(x)"),
    (r"x^2 + x^{10} + x^\alpha", "x^2 + x^10 + x^alpha"),
    (r"2^{3^{2}}", "2^(3^2)"),
    (r"\frac{x^{n+1}}{n+1}", "x^(n + 1)/(n + 1)"),
    # products
    (r"2x", "2*x"),
    (r"xy", "x*y"),
    (r"2 \cdot 3", "2*3"),
    (r"a \times b", "a*b"),
    (r"\pi r^2", "pi*r^2"),
    (r"\frac{1}{2}mv^2", "m*v^2/2"),
    (r"x(1 - x)", "x*(1 - x)"),
    (r"x (y + 1)^{2}", "x*(y + 1)^2"),
    (r"(x + 1)(x - 1)", "(x + 1)*(x - 1)"),
    (r"\left(\frac{a}{b}\right)^{2}", "(a/b)^2"),
    (r"\left[x + 1\right]^2 + [y]", "(x + 1)^2 + y"),
    (r"{x}^{2}", "x^2"),
    # numbers
    (r"1.5", "1.5"),
    (r"1.5 \cdot 10^{-3}", "0.0015"),
    (r"3.0 \times 10^{8}", "300000000.0"),
    (r"6.02 \cdot 10^{23} n", "6.02e+23*n"),
    (r"-2 \cdot 10^3", "-2000.0"),
    # names
    (r"x_1 + x_{12} + x_{max}", "x1 + x12 + x_max"),
    (r"x_{\mathrm{max}} + x_{\mathit{max}}", "x_max + x_max"),
    (r"\alpha_i + \beta_{ij} + \theta_0", "alpha_i + beta_ij + theta0"),
    (r"\mathit{rate} + \mathrm{rate}", "rate + rate"),
    (r"\operatorname{Var}(X)", "Var(X)"),
    (r"\Gamma(x)", "Gamma(x)"),  # an undefined function, as parse("Gamma(x)") and as printed
    (r"\gamma x + \gamma(x) + \operatorname{Gamma}(x)", "gamma*x + gamma(x) + gamma(x)"),
    (r"\beta + \operatorname{B}(x, y)", "beta + beta(x, y)"),
    (r"\lg x + \operatorname{lb} x + \operatorname{erf}^{2}(x)", "log10(x) + log2(x) + erf(x)^2"),
    (r"x_{i}^{2}", "x_i^2"),
    # constants
    (r"e", "e"),
    (r"\mathrm{e}^{x}", "exp(x)"),
    (r"e^{i\pi}", "exp(i*pi)"),
    (r"2\pi", "2*pi"),
    # functions, with and without parentheses
    (r"\sin x", "sin(x)"),
    (r"\sin 2x", "sin(2*x)"),
    (r"\sin x \cos x", "sin(x)*cos(x)"),
    (r"\sin x y", "sin(x*y)"),
    (r"\sin x \cdot y", "sin(x)*y"),
    (r"\ln x + 1", "log(x) + 1"),
    (r"\ln \ln x", "log(log(x))"),
    (r"\sin \frac{x}{2}", "sin(x/2)"),
    (r"\sin x^2", "sin(x^2)"),
    (r"\sin -x", "sin(-x)"),
    (r"-\sin x", "-sin(x)"),
    (r"\sin(x)^{2}", "sin(x)^2"),
    (r"\sin^{2}(x) + \cos^2 x", "sin(x)^2 + cos(x)^2"),
    (r"\tan^{2}\theta + 1", "tan(theta)^2 + 1"),
    (r"\sin\theta\cos\phi", "sin(theta)*cos(phi)"),
    (r"\sin^23", "sin(3)^2"),
    (r"\log x", "log(x)"),
    (r"\log_{2} x + \log_2(y) + \log_{10} 100", "log(x, 2) + log(y, 2) + log(100, 10)"),
    (r"\exp(x) + \exp x", "exp(x) + exp(x)"),
    (r"\arcsin x + \arctan(x)", "asin(x) + atan(x)"),
    (r"\operatorname{arsinh} x + \operatorname{sech}(x)", "asinh(x) + sech(x)"),
    (r"\operatorname{sgn}(x) + \mathrm{sign}(y)", "sign(x) + sign(y)"),
    (r"\cos(\omega t + \varphi)", "cos(omega*t + varphi)"),
    (r"A e^{-\lambda t}\sin(\omega t)", "A*exp(-lambda*t)*sin(omega*t)"),
    (r"\frac{1}{\sigma\sqrt{2\pi}} e^{-\frac{(x-\mu)^2}{2\sigma^2}}",
     "exp(-(x - mu)^2/(2*sigma^2))/(sigma*sqrt(2*pi))"),
    # absolute values
    (r"|x|", "abs(x)"),
    (r"|x| + |y|", "abs(x) + abs(y)"),
    (r"|x|y|z|", "abs(x)*y*abs(z)"),
    (r"||x| - 1|", "abs(abs(x) - 1)"),
    (r"\left|\frac{1}{x}\right|", "abs(1/x)"),
    (r"\lvert x \rvert + \left\vert y \right\vert", "abs(x) + abs(y)"),
    (r"2|x - 1|^3", "2*abs(x - 1)^3"),
    # undefined functions and their derivatives
    (r"f(x) + g(x, y)", "f(x) + g(x, y)"),
    (r"f'(x) + f''(x) + f^{(4)}(x)", "f'(x) + f''(x) + f''''(x)"),
    (r"f^{\prime}(x) + f^\prime(x)", "f'(x) + f'(x)"),
    (r"f^{(0)}(x)", "f(x)"),
    (r"\frac{\partial g}{\partial y}(x, y)", "D[0,1](g)(x, y)"),
    (r"\frac{\partial^{2} g}{\partial x \partial y}(x, y)", "D[1,1](g)(x, y)"),
    (r"\frac{\partial^2 g}{\partial y \partial x}(x, y)", "D[1,1](g)(x, y)"),
    (r"\frac{\partial f}{\partial x}(x)", "f'(x)"),
    (r"\partial_{1} g(u, v)", "D[1,0](g)(u, v)"),
    (r"\partial_1^2 \partial_2 g(x^2, x)", "D[2,1](g)(x^2, x)"),
    (r"\partial_{y} g(x, y)", "D[0,1](g)(x, y)"),
    # spacing and delimiters
    (r"x \, y \; z \! w ~ v \quad u", "x*y*z*w*v*u"),
    (r"\displaystyle \frac{1}{2}", "1/2"),
    (r"\bigl( x + 1 \bigr)^2", "(x + 1)^2"),
    (r"$x^2 + 1$", "x^2 + 1"),
    (r"$$\frac{1}{2}$$", "1/2"),
    (r"\[ x \]", "x"),
    (r"a\,(b + c)", "a*(b + c)"),
    (r"a(b + c)", "a(b + c)"),  # a name directly before "(" is a function, as in the text syntax
    (r"\frac{d}{d x}", "d/(d*x)"),  # with a space, the product the printer writes; \frac{d}{dx} is refused
]


@pytest.mark.parametrize("latex, expected", HAND_WRITTEN)
def test_hand_written_latex(latex, expected):
    # LaTeX reads a letter before "(" as an undefined function (as papers write f(x)); the text reader needs
    # such names declared
    assert parse_latex(latex) is parse(expected, functions=applied_names(expected)), latex


def test_the_same_expression_as_the_text_parser_gives():
    assert parse_latex(r"\frac{3 x}{2 y^{2}}") is parse("3*x/(2*y^2)") is parse("3x/(2y^2)")
    assert parse_latex(r"x - \frac{y}{z}") is parse("x - y/z")


# ---- errors ------------------------------------------------------------------------------------------------

ERRORS = [
    # (LaTeX, part of the message, column)
    (r"\foo + x", r"unknown command \foo", 1),
    (r"x + \int x", r"unknown command \int", 5),
    (r"x_{\foo}", r"unknown command \foo", 4),
    (r"\frac{d}{dx} x^2", r"\frac{d}{dx} is a derivative", 1),
    (r"\frac{d^2 y}{dx^2}", r"\frac{d}{dx} is a derivative", 1),
    (r"x + \tfrac{d^{2}}{d\theta^{2}}", r"\frac{d}{dtheta} is a derivative", 5),
    (r"\frac{\mathrm{d}}{\mathrm{d}x} x", r"\mathrm{d} is a differential", 7),
    (r"\frac{\partial}{\partial x} f", r"\frac{\partial}{\partial x} is a derivative", 1),
    (r"\frac{\partial f}{\partial x}", "needs its arguments", 1),
    (r"\frac{\partial f}{\partial z}(x, y)", "z is not one of the arguments", 19),
    (r"\frac{\partial^{2} f}{\partial x}(x, y)", r"\partial^{2} above but 1 below", 7),
    (r"\frac{\partial f}{\partial x}(x, x)", "distinct variables", 1),
    (r"\partial x", r"\partial is read only in derivatives", 10),
    (r"\partial_{3} f(x, y)", "names an argument: 1 to 2", 1),
    (r"x^{(2)}", "needs its argument", 8),
    (r"f'(x, y)", "needs one argument", 2),
    (r"f'(x) + f", "f is used both as a function and as a variable", 1),
    (r"f(x) + f(x, y)", "f is used with 1 and with 2 arguments", 8),
    (r"\sin^{-1}(x)", "ambiguous", 5),
    (r"\sin(x, y)", r"\sin takes 1 argument, not 2", 1),
    (r"\ln_{2} x", r"is not a function symdiff knows", 1),
    (r"\mathit{sin}(x)", "sin is a function", 1),
    (r"sin x", r"write \sin", 1),
    (r"2 + ln(x)", r"write \ln", 5),
    (r"2pi r", r"write \pi", 2),
    (r"1.5e-3", r"write 1.5 \cdot 10^{-3}", 1),
    (r"x^23", "write ^{23}", 4),
    (r"x_12", "write _{12}", 4),
    (r"x^-1", "x^{-1}", 3),
    (r"x 2", "a number cannot follow a factor", 3),
    (r"\sin(x", "the '(' at column 5 is not closed", 7),
    (r"\frac{1}{2", "the '{' at column 9 is not closed", 11),
    (r"x + ", "unexpected end of input; expected an expression", 5),
    (r"x)", "unexpected ')'; expected an operator or the end of the input", 2),
    (r"x + \right)", r"\left and \right go in pairs", 5),
    (r"\left\{ x \right\}", r"\left and \right go in pairs", 1),
    (r"y = x^2", "not an equation", 3),
    (r"\alpha + \u03b2", r"unknown command \u", 10),
    ("\u03b1 + 1", "U+03B1 GREEK SMALL LETTER ALPHA", 1),
    (r"\frac{1}{0}", "division by zero", 1),
    (r"0^{-1}", "division by zero", 2),
    (r"\sqrt[0]{x}", "a root of index 0", 1),
    (r"x_{1.5}", "1.5 cannot be part of a name", 4),
    ("", "empty expression", 1),
    ("$ $", "empty expression", 1),
    (r"2 \cdot 10^{400}", "number too large", 1),
]


@pytest.mark.parametrize("latex, message, column", ERRORS)
def test_errors_name_the_problem_and_its_position(latex, message, column):
    with pytest.raises(ParseError) as caught:
        parse_latex(latex)
    error = caught.value
    assert message in error.message, error.message
    assert error.position == column - 1, f"{error} at column {error.position + 1}"
    assert error.text == latex
    assert error.caret().endswith("^")


@pytest.mark.parametrize("latex, budget, message", [
    ("x" * 50, Budget(max_input_length=20), "input too long"),
    ("{" * 30 + "x" + "}" * 30, Budget(max_depth=20), "too deeply nested"),
    (r"\left(" * 30 + "x" + r"\right)" * 30, Budget(max_depth=20), "too deeply nested"),
    ("|" * 30 + "x" + "|" * 30, Budget(max_depth=20), "too deeply nested"),
    (r"\sin " * 30 + "x", Budget(max_depth=20), "too deeply nested"),
    ("1" * 30, Budget(max_digits=20), "number too long"),
    (r"\sqrt[" + "9" * 30 + "]{x}", Budget(max_digits=20), "number too long"),
    ("f" + "'" * 30 + "(x)", Budget(max_order=20), "derivative order 30"),
    ("f^{(" + "9" * 5000 + ")}(x)", None, "derivative order"),
    (r"\partial_{1}^{30} g(x, y)", Budget(max_order=20), "derivative order 30"),
])
def test_inputs_are_bounded_by_the_budget(latex, budget, message):
    with pytest.raises(BudgetError) as caught:
        parse_latex(latex, budget=budget)
    assert message in caught.value.message


def test_long_sums_and_products_take_linear_time():
    assert len(parse_latex(" + ".join(f"x_{{{i}}}" for i in range(3000))).args) == 3000
    assert parse_latex("x " * 3000) is parse("*".join(["x"] * 3000))


def test_nothing_but_a_string_is_read():
    with pytest.raises(TypeError):
        parse_latex(b"x")


# ---- the API and the package -------------------------------------------------------------------------------

def test_parse_latex_is_public_and_guarded():
    assert "parse_latex" in symdiff.__all__
    assert symdiff.parse_latex is symdiff.api.parse_latex
    assert symdiff.parse_latex(r"\frac{x}{2}", budget=Budget(max_input_length=20)) is parse("x/2")
    with pytest.raises(BudgetError):
        symdiff.parse_latex(r"\frac{x}{2}", budget=Budget(max_input_length=5))


def test_the_grammar_file_is_found():
    assert latex_grammar_path().is_file()
    assert latex_grammar_path().name == "latex.lark"


def test_reading_from_eight_threads_gives_the_same_nodes():
    texts = [rf"\sin^{{2}}(x_{{{i}}}) + {i} x_{{{i}}} e^{{-\frac{{x_{{{i}}}}}{{3}}}} - f_{{{i}}}(x_{{{i}}}, y)"
             for i in range(40)]
    expected = [parse_latex(t) for t in texts]
    found = [[] for _ in range(8)]

    def read_all(slot):
        found[slot] = [parse_latex(t) for t in texts]

    workers = [threading.Thread(target=read_all, args=(i,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for results in found:
        assert all(a is b for a, b in zip(results, expected, strict=True))


def test_derivative_nodes_are_the_text_parsers():
    assert parse_latex(r"\frac{\partial^{3} g}{\partial x^{2} \partial y}(x, y)") is \
        Derivative("g", (2, 1), Sym("x"), Sym("y"))
