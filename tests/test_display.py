"""How results show in a notebook and in print(): derivations, limit tables, common subexpressions, check results,
vectors and matrices. str() is what the command line prints for the same result; repr() is short; _repr_latex_ is
display maths that MathJax and KaTeX read ($$...$$, braces and environments balanced); _repr_html_ escapes every
text. The notebook itself is run by test_notebook.py."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest

import symdiff as sd
from symdiff.calculus.derivation import Derivation, Step
from symdiff.cli.command import main
from symdiff.interop.verify import CheckResult
from symdiff.numeric.difference_quotients import LimitTable
from symdiff.simplification.cse import CommonSubexpressions


def cli(capsys, *arguments) -> str:
    """What `symdiff ARGUMENTS` prints on standard output, without the last newline (print adds one)."""
    capsys.readouterr()
    status = main(list(arguments))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.endswith("\n")
    return out[:-1]


def printed(capsys, value) -> str:
    capsys.readouterr()
    print(value)
    return capsys.readouterr().out[:-1]


# ---- LaTeX a notebook can typeset ----------------------------------------------------------------------------

def braces_balance(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\[{}]|\\\\|[{}]", tex):  # \{ and \} are characters, \\ a new row
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def assert_display_maths(shown: str) -> str:
    """`shown` is $$...$$ (or $\\displaystyle ...$) around LaTeX with balanced braces, environments and
    \\left/\\right, and no $ inside; returns the LaTeX."""
    assert isinstance(shown, str)
    if shown.startswith("$$"):
        assert shown.endswith("$$") and len(shown) > 4, shown
        body = shown[2:-2]
    else:
        assert shown.startswith("$\\displaystyle ") and shown.endswith("$"), shown
        body = shown[len("$\\displaystyle "):-1]
    assert "$" not in body.replace("\\$", ""), shown
    assert braces_balance(body), f"unbalanced braces: {shown}"
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{(\w+\*?)\}", body):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, f"\\end{{{name}}} does not close an environment: {shown}"
    assert not stack, f"\\begin{{{stack[-1]}}} is not closed: {shown}"
    assert len(re.findall(r"\\left\b", body)) == len(re.findall(r"\\right\b", body)), shown
    return body


def test_the_latex_checker_rejects_what_a_notebook_cannot_typeset():
    assert braces_balance(r"\frac{a}{b} \{ x \}")
    for bad in ("$$\\frac{a}{b$$", "$$x$ y$$", "$$\\begin{aligned} x \\end{array}$$", "\\frac{a}{b}",
                "$$\\left( x$$", "$$\\begin{aligned} x$$"):
        with pytest.raises(AssertionError):
            assert_display_maths(bad)


# ---- derivations -----------------------------------------------------------------------------------------------

STEPS = [
    ("x^2*sin(x)",),
    ("3*x^2-4*x", "--wrt", "x"),
    ("sin(x)/x",),
    ("sin(x^2)",),
    ("x^x",),
    ("x^2*y + sin(x*y)", "--wrt", "y"),
    ("7",),
    ("d/dx exp(2*x)",),
]


def _steps(arguments):
    expr, rest = arguments[0], arguments[1:]
    return sd.steps(expr, rest[1] if rest else None)


@pytest.mark.parametrize("arguments", STEPS, ids=lambda a: " ".join(a))
def test_a_derivation_prints_what_the_command_line_prints(capsys, arguments):
    derivation = _steps(arguments)
    shown = cli(capsys, *arguments, "--steps")
    assert str(derivation) == shown == derivation.text()
    assert printed(capsys, derivation) == shown


@pytest.mark.parametrize("arguments", STEPS, ids=lambda a: " ".join(a))
def test_a_derivation_shows_as_the_command_lines_latex_in_display_maths(capsys, arguments):
    derivation = _steps(arguments)
    body = assert_display_maths(derivation._repr_latex_())
    assert body == derivation.latex() == cli(capsys, *arguments, "--steps", "--latex")
    assert body.startswith("\\begin{aligned}") and body.endswith("\\end{aligned}")
    assert body.count("\\text{") == len(derivation.steps)  # each step names its rule


def test_a_derivations_repr_is_short_and_says_what_it_is():
    derivation = sd.steps("x^2*sin(x)")
    assert repr(derivation) == "<Derivation of d/dx [x^2*sin(x)]: 4 steps>"
    assert repr(sd.steps("7", "x")) == "<Derivation of d/dx [7]: 1 step>"
    long = sd.steps("+".join(f"sin({k}*x)" for k in range(1, 30)))
    assert len(repr(long)) < 100 and re.fullmatch(r"<Derivation of d/dx \[sin\(x\) \+ .*\.\.\.: \d+ steps>", repr(long))
    for text in (repr(derivation), repr(long)):
        assert "Diff(" not in text and "Step(" not in text and "rewrites" not in text


def test_a_step_shows_its_rule_and_expression():
    step = sd.steps("x^2*sin(x)").steps[0]
    assert repr(step) == "<Step product rule: = d/dx [x^2]*sin(x) + x^2*d/dx [sin(x)]>"
    assert str(step) == "  = d/dx [x^2]*sin(x) + x^2*d/dx [sin(x)]    product rule"
    body = assert_display_maths(step._repr_latex_())
    assert body.endswith("\\text{product rule}") and "\\frac{d}{dx}" in body
    assert repr(sd.steps("x^2*sin(x)").steps).startswith("[<Step product rule: ")


def test_a_derivation_keeps_its_attributes_and_methods():
    derivation = sd.steps("x^2*sin(x)")
    assert isinstance(derivation, Derivation) and all(isinstance(s, Step) for s in derivation.steps)
    assert str(derivation.result) == "x^2*cos(x) + 2*x*sin(x)" and derivation.variable == "x"
    assert [s.rule for s in derivation.steps] == ["product rule", "power rule", "sine rule", "simplify"]
    assert derivation.as_json()["result"] == "x^2*cos(x) + 2*x*sin(x)"
    same = Derivation(derivation.expression, "x", derivation.start, list(derivation.steps))
    assert same == derivation  # still a dataclass that compares by value


# ---- limit tables ----------------------------------------------------------------------------------------------

LIMITS = [
    ("3*x^2-4*x", "x", "1", {}),
    ("sin(x)", "x", "pi/3", {}),
    ("sin(x)", "x", "1", {}),
    ("x^2", "x", "0.5", {}),
    ("x^2*y", "x", "1", {"y": "2"}),
]


def _limit(expr, x, at, others):
    return sd.limit_table(expr, x, at, values=others or None)


def _limit_option(x, at, others) -> str:
    """--limit's point (with --wrt when other symbols have values: the point alone does not say which varies)."""
    point = ",".join(f"{name}={value}" for name, value in {x: at, **others}.items())
    return f"{point} --wrt {x}" if others else point


@pytest.mark.parametrize("expr, x, at, others", LIMITS)
def test_a_limit_table_prints_what_the_command_line_prints(capsys, expr, x, at, others):
    table = _limit(expr, x, at, others)
    shown = cli(capsys, expr, "--limit", *_limit_option(x, at, others).split())
    assert str(table) == shown == table.text()
    assert printed(capsys, table) == shown


@pytest.mark.parametrize("expr, x, at, others", LIMITS)
def test_a_limit_table_shows_as_the_command_lines_latex_in_display_maths(capsys, expr, x, at, others):
    table = _limit(expr, x, at, others)
    body = assert_display_maths(table._repr_latex_())
    assert body == table.latex() == cli(capsys, expr, "--limit", *_limit_option(x, at, others).split(), "--latex")


class Cells(HTMLParser):
    """The tags of an HTML fragment, checked to nest, and the text of each table cell."""

    VOID = frozenset({"br", "hr", "img", "col"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.cells: list[tuple[str, str]] = []
        self.caption = ""
        self.text_outside_cells = ""

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.open.append(tag)
        if tag in ("th", "td"):
            self.cells.append((tag, ""))

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data):
        if self.open and self.open[-1] in ("th", "td"):
            tag, text = self.cells[-1]
            self.cells[-1] = (tag, text + data)
        elif self.open and self.open[-1] == "caption":
            self.caption += data
        else:
            self.text_outside_cells += data


def cells_of(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    parser.close()
    assert not parser.open, f"unclosed tags {parser.open}"
    return parser


def test_a_limit_table_shows_as_an_html_table_of_h_and_the_quotient_beside_the_exact_value():
    table = sd.limit_table("sin(x)", "x", 1)
    html = table._repr_html_()
    assert html.startswith("<table") and html.endswith("</table>")
    found = cells_of(html)
    assert not found.text_outside_cells.strip()
    assert found.caption == "f(x) = sin(x) near x = 1"
    texts = [text for _, text in found.cells]
    assert texts[:2] == ["h", "(f(x+h)-f(x))/h"]
    assert texts[2:-2] == [v for h, q in table.rows for v in (f"{h:.12g}", f"{q:.12g}")]
    assert texts[-2:] == ["exact f'(1)", "cos(1) = 0.540302305868"]
    assert [tag for tag, _ in found.cells][:2] == ["th", "th"]
    # the numbers are the text table's, row by row
    for line, (h, q) in zip(str(table).splitlines(), table.rows):
        assert line.startswith(f"h={h:.12g} ") and line.endswith(f"= {q:.12g}")


def test_a_limit_tables_html_escapes_every_text():
    table = sd.limit_table("3*x^2-4*x", "x", 1)
    html = table._repr_html_()
    assert "f&#x27;(1)" in html and "f'(1)" not in html
    hostile = dataclasses.replace(table, variable="<b>x&y</b>")  # no real name has these: the escaping itself
    html = hostile._repr_html_()
    assert "<b>" not in html and "&lt;b&gt;x&amp;y&lt;/b&gt;" in html
    found = cells_of(html)
    assert found.cells[1][1] == "(f(<b>x&y</b>+h)-f(<b>x&y</b>))/h"
    assert found.caption.startswith("f(<b>x&y</b>) = ")


def test_a_limit_tables_repr_is_short_and_keeps_its_fields():
    table = sd.limit_table("3*x^2-4*x", "x", 1)
    assert repr(table) == "<LimitTable of 3*x^2 - 4*x at x = 1: 5 rows, exact f'(1) = 2>"
    assert repr(sd.limit_table("sin(x)", "x", 1)) == \
        "<LimitTable of sin(x) at x = 1: 5 rows, exact f'(1) = cos(1) = 0.540302305868>"
    long = sd.limit_table("+".join(f"sin({k}*x)" for k in range(1, 30)), "x", 0, steps=2)
    assert len(repr(long)) < 140 and "..." in repr(long)
    assert isinstance(table, LimitTable) and table.value == 2.0 and len(table.rows) == 5
    assert str(table.derivative) == "6*x - 4" and str(table.exact) == "2"


# ---- common subexpressions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments", [
    ("sin(x)^2*exp(sin(x))",),
    ("exp(x*y)*sin(x*y)", "--wrt", "x"),
    ("x^2",),
])
def test_common_subexpressions_of_a_derivative_print_what_the_command_line_prints(capsys, arguments):
    expr, rest = arguments[0], arguments[1:]
    found = sd.cse(sd.diff(expr, *rest[1:]))
    assert str(found) == cli(capsys, *arguments, "--cse")
    assert printed(capsys, found) == str(found)


@pytest.mark.parametrize("expr", ["exp(x*y)*sin(x*y)", "x^2*y + sin(x*y)", "x*y"])
def test_common_subexpressions_of_a_gradient_print_what_the_command_line_prints(capsys, expr):
    found = sd.cse(sd.gradient(expr))
    assert str(found) == cli(capsys, expr, "--grad", "--cse")


def test_common_subexpressions_show_as_display_maths():
    one = sd.cse(sd.diff("sin(x)^2*exp(sin(x))"))
    body = assert_display_maths(one._repr_latex_())
    assert body == one.latex() and "t_{1} &= \\sin x" in body
    several = sd.cse(sd.gradient("exp(x*y)*sin(x*y)"))
    body = assert_display_maths(several._repr_latex_())
    assert body.startswith("\\begin{aligned}\nt_{1} &= e^{x y} \\\\")
    assert "& \\begin{pmatrix}\ny t_{1} t_{2} \\\\\nx t_{1} t_{2}\n\\end{pmatrix}" in body
    assert_display_maths(sd.cse([])._repr_latex_())


def test_common_subexpressions_repr_is_short_and_they_still_unpack():
    found = sd.cse(sd.gradient("exp(x*y)*sin(x*y)"))
    assert repr(found) == "<CommonSubexpressions: 2 named (t1, t2) in 2 expressions>"
    assert repr(sd.cse("x^2")) == "<CommonSubexpressions: nothing shared in 1 expression>"
    many = sd.cse([sd.parse(f"sin(x+{k})*x + sin(x+{k})^2") for k in range(1, 8)])
    assert repr(many) == "<CommonSubexpressions: 7 named (t1, ..., t7) in 7 expressions>"
    replacements, exprs = found
    assert isinstance(found, CommonSubexpressions) and found.replacements is replacements
    assert [str(e) for e in exprs] == ["y*t1*t2", "x*t1*t2"]
    assert found.text() == "t1 = exp(x*y)\nt2 = cos(x*y) + sin(x*y)\ny*t1*t2, x*t1*t2"  # unchanged


# ---- check results ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments", [("x^2*sin(x)",), ("atan(x)/x",), ("x^2*y^3", "--wrt", "y")])
def test_a_check_prints_what_the_command_lines_check_prints(capsys, arguments):
    expr, rest = arguments[0], arguments[1:]
    result = sd.check(expr, *rest[1:])
    shown = cli(capsys, *arguments, "--check").splitlines()
    assert shown[0] == str(sd.diff(expr, *rest[1:]))  # the derivative, then the report
    assert str(result) == "\n".join(shown[1:]) == result.report()
    assert printed(capsys, result) == str(result)


def test_a_check_shows_both_derivatives_and_the_verdict_as_display_maths():
    result = sd.check("x^2*sin(x)")
    body = assert_display_maths(result._repr_latex_())
    assert "\\text{symdiff:} &\\quad x^{2} \\cos x + 2 x \\sin x" in body
    assert "\\text{SymPy:}" in body and "\\cos{\\left(x \\right)}" in body
    assert "\\text{agree (symbolic: simplify(symdiff - sympy) == 0)}" in body


def test_a_disagreement_shows_without_text_that_tex_would_misread():
    result = sd.check("x^2*y_1", "x", ours=sd.parse("3*x*y_1"))
    assert not result and result.method == "numeric" and "y_1=" in result.detail
    assert str(result).endswith(f"DISAGREE (numeric: {result.detail})")
    body = assert_display_maths(result._repr_latex_())
    assert "\\text{DISAGREE (numeric)}" in body and "y_1" not in body  # the detail's y_1 is left to str()
    assert repr(result) == "<CheckResult: DISAGREE (numeric) on 3*x*y_1>"


def test_a_check_results_repr_is_short_and_keeps_its_fields():
    result = sd.check("x^2*sin(x)")
    assert repr(result) == "<CheckResult: agree (symbolic) on x^2*cos(x) + 2*x*sin(x)>"
    assert isinstance(result, CheckResult) and result and result.agree and result.method == "symbolic"
    long = sd.check("+".join(f"sin({k}*x)" for k in range(1, 30)))
    assert len(repr(long)) < 110 and "...>" in repr(long)


# ---- vectors and matrices --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind, expr", [("grad", "x^2*y + sin(x*y)"), ("hessian", "x^2*y + sin(x*y)"),
                                        ("jacobian", "x*y, x + y, exp(x)")])
def test_vectors_and_matrices_print_what_the_command_line_prints_and_show_as_pmatrix(capsys, kind, expr):
    value = {"grad": sd.gradient, "hessian": sd.hessian, "jacobian": sd.jacobian}[kind](expr)
    assert str(value) == repr(value) == cli(capsys, expr, f"--{kind}")
    body = assert_display_maths(value._repr_latex_())
    assert body == value.latex() == cli(capsys, expr, f"--{kind}", "--latex")
    assert body.startswith("\\begin{pmatrix}")


def test_vectors_of_numbers_print_and_show_too():
    gradient = sd.gradient("x^2*y + sin(x*y)")
    values = gradient.map(lambda e: e.evaluate(x=1, y=2, exact=False))  # floats
    assert all(isinstance(v, float) for v in values)
    assert str(values) == f"[{values[0]!r}, {values[1]!r}]"
    column = f"{values[0]!r} \\\\\n{values[1]!r}"
    assert assert_display_maths(values._repr_latex_()) == f"\\begin{{pmatrix}}\n{column}\n\\end{{pmatrix}}"
    exact = gradient.map(lambda e: e.evaluate(x=1, y=0))
    assert str(exact) == "[0, 2]"
    assert str(sd.Matrix([[1, 0.5], [sd.parse("x"), 2]])) == "[[1, 0.5], [x, 2]]"


def test_entries_that_are_not_maths_print_as_their_repr_and_show_as_text():
    functions = sd.gradient("x*y").map(sd.lambdify)
    assert str(functions).startswith("[<function ")
    assert functions._repr_latex_() is None  # a notebook falls back to the text
    with pytest.raises(TypeError):
        functions.latex()
    assert sd.Matrix([[float("nan")]])._repr_latex_() is None


def test_empty_vectors_and_matrices_show():
    for value in (sd.Vector([]), sd.Matrix([])):
        assert str(value) == "[]"
        assert_display_maths(value._repr_latex_())


# ---- what IPython asks for -------------------------------------------------------------------------------------

def test_ipython_shows_every_result_as_maths_or_a_table_with_the_repr_as_plain_text():
    formatters = pytest.importorskip("IPython.core.formatters", reason="IPython comes with ipykernel (test extra)")
    formatter = formatters.DisplayFormatter()
    results = {
        "derivation": sd.steps("x^2*sin(x)"),
        "limit table": sd.limit_table("3*x^2-4*x", "x", 1),
        "cse": sd.cse(sd.gradient("exp(x*y)*sin(x*y)")),
        "check": sd.check("x^2*sin(x)"),
        "gradient": sd.gradient("x^2*y"),
        "hessian": sd.hessian("x^2*y"),
        "expression": sd.parse("x^2"),
    }
    for name, value in results.items():
        bundle, _ = formatter.format(value)
        assert bundle["text/plain"] == repr(value), name
        assert bundle["text/latex"] == value._repr_latex_(), name
        assert_display_maths(bundle["text/latex"])
    bundle, _ = formatter.format(results["limit table"])
    assert bundle["text/html"] == results["limit table"]._repr_html_()
    assert "text/html" not in formatter.format(results["derivation"])[0]
