"""Common-subexpression elimination: the result means the same, names only what is used more than once and
worth a name, in an order that can be computed, and prints as text and LaTeX; and the CLI's --grad,
--jacobian, --hessian and --cse."""

from __future__ import annotations

import json

import pytest
import sympy
from hypothesis import assume, HealthCheck, given, settings

import symdiff
from symdiff.cli.command import main
from symdiff.simplification.cse import cse, worth_naming
from symdiff.core.expr import Sym
from symdiff.core.build import substitute
from symdiff.core.traversal import children, tree_size

import strategies

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def expand(found) -> list:
    """The expressions with every symbol replaced by its definition again."""
    definitions = {}
    for symbol, definition in found.replacements:
        definitions[symbol] = substitute(definition, definitions)
    return [substitute(e, definitions) for e in found.exprs]


def uses(symbol, found) -> int:
    """How many times `symbol` occurs in the printed definitions and results."""
    count = 0
    for e in [d for _, d in found.replacements] + list(found.exprs):
        stack = [e]
        while stack:
            n = stack.pop()
            count += n is symbol
            stack.extend(children(n))
    return count


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.multivariate_expressions)
def test_cse_of_derivatives_expands_back_to_them_and_names_only_shared_parts(f):
    exprs = [symdiff.diff(f, v, simplify=False) for v in "xyz"]
    found = cse(exprs)
    assert expand(found) == exprs
    defined = {}
    for symbol, definition in found.replacements:
        assert definition.free_symbols <= set("xyz") | {s.name for s in defined}  # computable in order
        assert worth_naming(substitute(definition, defined))  # judged on the part itself, not its short form
        assert uses(symbol, found) >= 2
        defined[symbol] = substitute(definition, defined)


def test_the_issue_example():
    found = cse([symdiff.parse("sin(x*y)*x + sin(x*y)^2")])
    assert [(s.name, str(d)) for s, d in found.replacements] == [("t1", "sin(x*y)")]
    assert [str(e) for e in found.exprs] == ["t1*x + t1^2"]
    replacements, exprs = found  # unpacks as SymPy's cse does
    assert replacements == found.replacements


def test_nothing_shared_nothing_named():
    found = cse([symdiff.parse("x^2 + 2*x + x*y"), symdiff.parse("x^2")])
    assert found.replacements == [] and str(found.exprs[1]) == "x^2"


def test_shared_sum_is_named_but_a_reciprocal_stays_a_fraction():
    found = cse([symdiff.parse("x/(x + 1) + y/(x + 1)"), symdiff.parse("(x + 1)^2")])
    assert found.text() == "t1 = x + 1\nx/t1 + y/t1, t1^2"


def test_names_do_not_clash_with_the_expressions_symbols():
    found = cse([symdiff.parse("sin(t1)*t2 + sin(t1)")])
    assert [s.name for s, _ in found.replacements] == ["t3"]
    assert [s.name for s, _ in cse([symdiff.parse("sin(u)+sin(u)^2")], prefix="w").replacements] == ["w1"]


def test_cse_shrinks_a_swollen_high_derivative():
    raw = symdiff.diff("exp(sin(x))*x^2/(1 + x^2)", "x", order=4, simplify=False)
    found = cse([raw])
    written = sum(tree_size(d) for _, d in found.replacements) + tree_size(found.exprs[0])
    assert written * 4 < tree_size(raw)


def test_latex_is_an_aligned_environment():
    found = cse([symdiff.parse("exp(x*y) + exp(x*y)^2")])
    assert found.latex(label="f") == "\\begin{aligned}\nt_{1} &= e^{x y} \\\\\nf &= t_{1} + t_{1}^{2}\n\\end{aligned}"


def test_package_cse_accepts_text_and_lists():
    assert symdiff.cse("sin(x)*y, sin(x)^2").text() == "t1 = sin(x)\nt1*y, t1^2"
    assert symdiff.cse(symdiff.parse("sin(x) + sin(x)^2")).text() == "t1 = sin(x)\nt1 + t1^2"


# ---- the command line ---------------------------------------------------------------------------------

def call(capsys, *arguments):
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("arguments, expected", [
    (["x^2*y + sin(x*y)", "--grad"], "[2*x*y + y*cos(x*y), x^2 + x*cos(x*y)]"),
    (["x^2*y + sin(x*y)", "--gradient", "--wrt", "y,x"], "[x^2 + x*cos(x*y), 2*x*y + y*cos(x*y)]"),
    (["x*y, x + y^2", "--jacobian", "--wrt", "x,y"], "[[y, x], [1, 2*y]]"),
    (["x^3*y", "--hessian"], "[[6*x*y, 3*x^2], [3*x^2, 0]]"),
    (["x^2*y + sin(x*y)", "--grad", "--cse"], "t1 = cos(x*y)\n[2*x*y + y*t1, x^2 + x*t1]"),
    (["exp(sin(x))/(1 + sin(x))", "--cse"], "t1 = sin(x)\nexp(t1)*sin(2*x)/(2*(t1 + 1)^2)"),
])
def test_cli_text(capsys, arguments, expected):
    status, out, err = call(capsys, *arguments)
    assert (status, out, err) == (0, expected + "\n", "")


def test_cli_hessian_latex_is_a_pmatrix(capsys):
    status, out, _ = call(capsys, "x^2*y + sin(x*y)", "--hessian", "--latex")
    assert status == 0
    assert out == ("\\begin{pmatrix}\n2 y - y^{2} \\sin(x y) & 2 x - x y \\sin(x y) + \\cos(x y) \\\\\n"
                   "2 x - x y \\sin(x y) + \\cos(x y) & -x^{2} \\sin(x y)\n\\end{pmatrix}\n")


def test_cli_cse_latex_labels_the_result(capsys):
    _, out, _ = call(capsys, "x^2*y + sin(x*y)", "--hessian", "--latex", "--cse")
    assert out.startswith("\\begin{aligned}\nt_{1} &= \\sin(x y) \\\\\n") and "H &= \\begin{pmatrix}" in out
    _, out, _ = call(capsys, "exp(sin(x))/(1 + sin(x))", "--latex", "--cse")
    assert "\\frac{d f}{d x} &= " in out


def test_cli_json_and_sympy_formats(capsys):
    _, out, _ = call(capsys, "x^2*y + sin(x*y)", "--hessian", "--cse", "--format", "json")
    data = json.loads(out)
    assert data["cse"] == [["t1", "sin(x*y)"], ["t2", "2*x - x*y*t1 + cos(x*y)"]]
    assert data["result"] == [["2*y - y^2*t1", "t2"], ["t2", "-x^2*t1"]]
    _, out, _ = call(capsys, "x*y", "--grad", "--format", "json")
    assert json.loads(out)["result"] == ["y", "x"]
    for extra in ([], ["--cse"]):
        _, out, _ = call(capsys, "x^2*y + sin(x*y)", "--hessian", "--format", "sympy", *extra)
        namespace = {}
        exec(out, namespace)  # noqa: S102 - symdiff's own output
        x, y = sympy.symbols("x y")
        assert sympy.simplify(namespace["expr"] - sympy.hessian(x ** 2 * y + sympy.sin(x * y), (x, y))) == \
            sympy.zeros(2, 2)


@pytest.mark.parametrize("arguments, message", [
    (["x, y", "--grad"], "--grad takes one expression; for several, use --jacobian"),
    (["x*y", "--grad", "--order", "2"], "--order cannot be combined with --grad"),
    (["x*y", "--hessian", "--steps"], "--steps cannot be combined with --hessian"),
    (["x*y,", "--jacobian"], "unexpected end of input"),
])
def test_cli_usage_errors(capsys, arguments, message):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == "" and message in err


def test_cli_warns_about_a_variable_that_does_not_occur(capsys):
    status, out, err = call(capsys, "x^2", "--grad", "--wrt", "x,z")
    assert (status, out) == (0, "[2*x, 0]\n") and "z does not occur" in err


def test_shared_products_name_a_pair_of_factors_several_products_share():
    from symdiff.simplification.cse import shared_products
    found = shared_products(cse([symdiff.parse("x*y*z + x*y*w"), symdiff.parse("2*x*y*sin(z)")]))
    assert [(s.name, str(d)) for s, d in found.replacements] == [("t1", "x*y")]
    assert [str(e) for e in found.exprs] == ["t1*z + t1*w", "2*t1*sin(z)"]
    assert expand(found) == [symdiff.parse("x*y*z + x*y*w"), symdiff.parse("2*x*y*sin(z)")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.multivariate_expressions)
def test_shared_products_keep_every_value_and_a_computable_order(f):
    from symdiff.simplification.cse import shared_products
    exprs = [symdiff.diff(f, v, simplify=False) for v in "xyz"]
    try:
        expected = [symdiff.simplify(e, "basic") for e in exprs]
    except symdiff.UndefinedError:  # a raw derivative that divides by an exact 0 (of asin(x/x): 1/sqrt(1 - 1))
        assume(False)
    found = shared_products(cse(exprs))
    defined = set()
    for symbol, definition in found.replacements:
        assert definition.free_symbols <= set("xyz") | defined
        defined.add(symbol.name)
    assert [symdiff.simplify(e, "basic") for e in expand(found)] == expected


@pytest.mark.parametrize("arguments, entries", [
    (["x^2*y + sin(x*y)", "--grad"], 2), (["x*y, x + y^2", "--jacobian"], 4), (["x^3*y", "--hessian"], 4)])
def test_cli_check_compares_every_entry_with_sympy(capsys, arguments, entries):
    status, out, _ = call(capsys, *arguments, "--check")
    assert status == 0 and out.splitlines()[-1].startswith(f"agree: all {entries} entries match SymPy")


def test_cli_check_reports_a_wrong_entry_and_exits_3(capsys, monkeypatch):
    import symdiff.api
    from symdiff.api.matrix import Vector
    monkeypatch.setattr(symdiff.api, "gradient",
                        lambda f, variables, simplify: Vector([symdiff.parse("2*x*y"), symdiff.parse("x^2 + 1")]))
    status, out, _ = call(capsys, "x^2*y", "--grad", "--check")
    assert status == 3 and "DISAGREE at d/dy of x^2*y" in out


def test_cse_of_a_hessian_or_gradient_takes_their_entries_row_by_row():
    import symdiff as sd
    hessian = sd.hessian("sin(x*y)")
    found = sd.cse(hessian)
    entries = [entry for row in hessian for entry in row]
    assert len(found.exprs) == len(entries) == 4
    assert [str(s) for s, _ in found.replacements] == ["t1", "t2"]
    for reduced, entry in zip(found.exprs, entries):  # substituting the names back gives each entry
        for symbol, definition in reversed(found.replacements):
            reduced = sd.subs(reduced, {symbol: definition})
        assert sd.simplify(reduced) is sd.simplify(entry)
    assert len(sd.cse(sd.gradient("sin(x*y)^2")).exprs) == 2
