"""Printing of matrix expressions: the text the matrix reader reads (symdiff.matrices.text) and textbook LaTeX
(symdiff.matrices.latex). Exact strings for the standard identities, parentheses case by case, and properties of
random expressions (balanced, no double signs or superscripts, minimal parentheses)."""

from __future__ import annotations

import re
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symdiff.core.budget import ensure_recursion_room
from symdiff.core.expr import HALF, Const, Num, Sym
from symdiff.matrices import nodes as m
from symdiff.matrices.differentials import differential
from symdiff.matrices.identification import gradient, hessian, jacobian
from symdiff.matrices.latex import to_latex
from symdiff.matrices.text import to_text

ensure_recursion_room()  # symdiff raises the limit once; before Hypothesis runs, so that it need not warn

x, w, z = m.symbol("x", "n"), m.symbol("w", "n"), m.symbol("z", "n")
y = m.symbol("y", "m")
A, B = m.symbol("A", "n", "n"), m.symbol("B", "n", "n")
S = m.symbol("S", "n", "n", ["positive_definite"])
X = m.symbol("X", "m", "n")
Y = m.symbol("Y", "n", "n")
s, t = m.symbol("s"), m.symbol("t")


def least_squares() -> m.MatExpr:
    return m.power(m.norm(m.sub(m.mul(X, w), y)), 2)


def logistic_loss() -> m.MatExpr:
    """sum(softplus.(X*w)) - y'*X*w: the negative log-likelihood of logistic regression."""
    return m.sub(m.sum_of(m.apply("softplus", m.mul(X, w))), m.mul(m.transpose(y), X, w))


# (name, node, text, LaTeX): the tutorial's five identities (d2l.ai), then the standard table.
IDENTITIES = [
    ("d/dx A x = A'", lambda: jacobian(m.mul(A, x), x), "A'", "A^\\top"),
    ("d/dx x'A = A", lambda: jacobian(m.mul(m.transpose(x), A), x), "A", "A"),
    ("grad x'Ax", lambda: gradient(m.mul(m.transpose(x), A, x), x), "A'*x + A*x", "A^\\top x + A x"),
    ("grad |x|^2", lambda: gradient(m.power(m.norm(x), 2), x), "2*x", "2 x"),
    ("grad |X|_F^2", lambda: gradient(m.power(m.norm(X), 2), X), "2*X", "2 X"),
    ("least squares", lambda: gradient(least_squares(), w), "2*X'*(X*w - y)", "2 X^\\top (X w - y)"),
    ("least squares Hessian", lambda: hessian(least_squares(), w), "2*X'*X", "2 X^\\top X"),
    ("logistic", lambda: gradient(logistic_loss(), w), "X'*sigmoid.(X*w) - X'*y",
     "X^\\top \\operatorname{sigmoid}(X w) - X^\\top y"),
    ("logistic Hessian", lambda: hessian(logistic_loss(), w),
     "X'*diag(sigmoid.(X*w) .* (ones(m) - sigmoid.(X*w)))*X",
     "X^\\top \\operatorname{diag}(\\operatorname{sigmoid}(X w) \\odot (\\mathbf{1}_{m} - "
     "\\operatorname{sigmoid}(X w))) X"),
    ("softmax cross-entropy", lambda: gradient(m.sub(m.logsumexp(x), m.mul(m.transpose(z), x)), x),
     "softmax(x) - z", "\\operatorname{softmax}(x) - z"),
    ("softmax Jacobian", lambda: jacobian(m.softmax(x), x), "diag(softmax(x)) - softmax(x)*softmax(x)'",
     "\\operatorname{diag}(\\operatorname{softmax}(x)) - \\operatorname{softmax}(x) \\operatorname{softmax}(x)^\\top"),
    ("grad tr(AB)", lambda: gradient(m.trace(m.mul(A, B)), A), "B'", "B^\\top"),
    ("grad det", lambda: gradient(m.det(A), A), "det(A)*inv(A)'", "\\det(A) A^{-\\top}"),
    ("grad logdet", lambda: gradient(m.logdet(A), A), "inv(A)'", "A^{-\\top}"),
    ("grad tr(inv A)", lambda: gradient(m.trace(m.inverse(A)), A), "-inv(A)'*inv(A)'",
     "-A^{-\\top} A^{-\\top}"),
    ("grad x'inv(A)x", lambda: gradient(m.mul(m.transpose(x), m.inverse(A), x), A), "-inv(A)'*x*x'*inv(A)'",
     "-A^{-\\top} x x^\\top A^{-\\top}"),
    ("grad |x|", lambda: gradient(m.norm(x), x), "x/norm(x)", "\\frac{x}{\\lVert x \\rVert}"),
    ("logdet Hessian", lambda: hessian(m.logdet(Y), Y), "-kron(inv(Y), inv(Y)')*K(n, n)",
     "-(Y^{-1} \\otimes Y^{-\\top}) K_{n,n}"),
    ("grad sum tanh", lambda: gradient(m.sum_of(m.apply("tanh", m.mul(A, x))), x),
     "A'*(ones(n) - tanh.(A*x).^2)", "A^\\top (\\mathbf{1}_{n} - \\tanh(A x)^{\\circ 2})"),
    ("symmetric quadratic form", lambda: gradient(m.mul(m.transpose(x), S, x), x), "2*S*x", "2 S x"),
    ("d(XY)", lambda: differential(m.mul(X, A), X), "dX*A", "\\mathrm{d}X A"),
    ("second differential", lambda: differential(differential(m.mul(m.transpose(x), A, x), x), x),
     "2*dx'*A*dx", "2 \\mathrm{d}x^\\top A \\mathrm{d}x"),
]


@pytest.mark.parametrize("name, build, text, latex", IDENTITIES, ids=[i[0] for i in IDENTITIES])
def test_standard_identities(name: str, build, text: str, latex: str) -> None:
    node = build()
    assert to_text(node) == text
    assert str(node) == text
    assert to_latex(node) == latex
    assert_latex_compiles(to_latex(node))


# ------------------------------------------------------------------------------------------------ the text

def half() -> m.MatExpr:
    return m.Scalar(HALF)


TEXT_CASES = [
    # a positive term first
    (lambda: m.sub(m.mul(X, w), y), "X*w - y"),
    (lambda: m.sub(m.ones(y.shape), m.apply("sigmoid", m.mul(X, w))), "ones(m) - sigmoid.(X*w)"),
    (lambda: m.neg(m.add(x, w)), "-(w + x)"),
    (lambda: m.sub(m.neg(x), w), "-w - x"),
    (lambda: m.sub(m.scalar(1), m.mul(m.transpose(x), x)), "1 - x'*x"),
    (lambda: m.add(m.mul(m.transpose(x), x), m.Scalar(Num(-3))), "x'*x - 3"),
    # negative coefficients
    (lambda: m.neg(m.mul(m.transpose(x), w)), "-x'*w"),
    (lambda: m.neg(x), "-x"),
    (lambda: m.power(m.neg(x), 3), "(-x).^3"),
    (lambda: m.power(m.mul(m.scalar(-2), m.transpose(x), A, x), HALF), "(-2*x'*A*x)^(1/2)"),
    (lambda: m.sub(x, m.mul(m.scalar(2), A, x)), "x - 2*A*x"),
    # transposes
    (lambda: m.Transpose(m.add(A, B)), "(A + B)'"),
    (lambda: m.transpose(m.inverse(A)), "inv(A)'"),
    (lambda: m.Transpose(m.mul(A, B)), "(A*B)'"),
    (lambda: m.Transpose(m.power(x, 2)), "(x.^2)'"),
    (lambda: m.power(m.transpose(x), 2), "x'.^2"),
    # powers
    (lambda: m.power(m.add(m.mul(m.transpose(x), x), m.trace(A)), 2), "(tr(A) + x'*x)^2"),
    (lambda: m.power(m.hadamard(x, w), 2), "(w .* x).^2"),
    (lambda: m.power(m.mul(A, x), 2), "(A*x).^2"),
    (lambda: m.power(x, HALF), "x.^(1/2)"),
    (lambda: m.power(x, -1), "x.^(-1)"),
    (lambda: m.Power(m.power(x, HALF), Num(3)), "(x.^(1/2)).^3"),
    (lambda: m.power(m.det(A), -1), "1/det(A)"),
    (lambda: m.power(m.det(A), -2), "1/det(A)^2"),
    (lambda: m.power(s, Sym("n")), "s^n"),
    # quotients and scalars
    (lambda: m.mul(half(), x), "x/2"),
    (lambda: m.mul(m.scalar(Num(Fraction(-3, 2))), A, x), "-3*A*x/2"),
    (lambda: m.mul(m.power(m.norm(x), -1), x), "x/norm(x)"),
    (lambda: m.mul(m.power(m.norm(x), -3), x), "x/norm(x)^3"),
    (lambda: m.mul(half(), m.power(m.norm(x), -1), x), "x/(2*norm(x))"),
    (lambda: m.mul(m.power(m.add(s, t), -1), x), "x/(s + t)"),
    (lambda: m.mul(m.power(m.mul(m.transpose(x), x), -1), x), "x/(x'*x)"),
    (lambda: m.mul(half(), m.transpose(x), A, x), "x'*A*x/2"),
    (lambda: m.mul(m.Scalar(Sym("n")), x), "n*x"),
    (lambda: m.mul(m.scalar(Num(Fraction(1, 2)) if False else 2), m.trace(A), x), "2*tr(A)*x"),
    # products and entrywise products are never mixed bare
    (lambda: m.mul(A, m.hadamard(x, w)), "A*(w .* x)"),
    (lambda: m.hadamard(m.mul(A, x), w), "w .* (A*x)"),
    (lambda: m.hadamard(m.add(x, w), z), "z .* (w + x)"),
    (lambda: m.hadamard(m.power(x, 2), w), "w .* x.^2"),
    # scalar chains among other factors
    (lambda: m.mul(m.scalar(2), m.transpose(x), w), "2*x'*w"),
    (lambda: m.mul(m.mul(m.scalar(2), m.transpose(x), w), m.transpose(z)), "2*(x'*w)*z'"),
    (lambda: m.mul(m.mul(m.transpose(x), w, t), z), "t*x'*w*z"),
    (lambda: m.mul(m.transpose(x), w, z), "x'*w*z"),
    # calls, constants, functions
    (lambda: m.apply("exp", m.mul(m.transpose(x), w)), "exp(x'*w)"),
    (lambda: m.apply("exp", x), "exp.(x)"),
    (lambda: m.add(A, m.identity(m.dim("n"))), "A + I(n)"),
    (lambda: m.zero(X.shape), "zeros(m, n)"),
    (lambda: m.ones(x.shape), "ones(n)"),
    (lambda: m.commutation(m.dim("m"), m.dim("n")), "K(m, n)"),
    (lambda: m.kron(A, m.transpose(B)), "kron(A, B')"),
    (lambda: m.vec(m.mul(A, B)), "vec(A*B)"),
    (lambda: m.diag(m.mul(A, B)), "diag(A*B)"),
    (lambda: m.diag(x), "diag(x)"),
    (lambda: m.logdet(S), "logdet(S)"),
    (lambda: m.Scalar(Num(Fraction(1, 2))), "1/2"),
]


@pytest.mark.parametrize("build, text", TEXT_CASES, ids=[c[1] for c in TEXT_CASES])
def test_text(build, text: str) -> None:
    assert to_text(build()) == text


# ----------------------------------------------------------------------------------------------- the LaTeX

LATEX_CASES = [
    (lambda: m.transpose(x), "x^\\top"),
    (lambda: m.inverse(A), "A^{-1}"),
    (lambda: m.transpose(m.inverse(A)), "A^{-\\top}"),
    (lambda: m.transpose(m.Inverse(m.add(A, B))), "(A + B)^{-\\top}"),
    (lambda: m.Transpose(m.add(A, B)), "(A + B)^\\top"),
    (lambda: m.Transpose(m.transpose(x)), "(x^\\top)^\\top"),
    (lambda: m.trace(A), "\\operatorname{tr}(A)"),
    (lambda: m.det(A), "\\det(A)"),
    (lambda: m.logdet(S), "\\log\\det(S)"),
    (lambda: m.norm(x), "\\lVert x \\rVert"),
    (lambda: m.norm(X), "\\lVert X \\rVert_F"),
    (lambda: m.power(m.norm(x), 2), "\\lVert x \\rVert^{2}"),
    (lambda: m.power(m.norm(X), 2), "\\lVert X \\rVert_F^{2}"),
    (lambda: m.hadamard(x, w), "w \\odot x"),
    (lambda: m.power(x, 2), "x^{\\circ 2}"),
    (lambda: m.power(m.transpose(x), 2), "(x^\\top)^{\\circ 2}"),
    (lambda: m.power(m.trace(A), 2), "\\operatorname{tr}(A)^{2}"),
    (lambda: m.power(m.mul(m.transpose(x), x), HALF), "\\sqrt{x^\\top x}"),
    (lambda: m.power(m.det(A), -1), "\\frac{1}{\\det(A)}"),
    (lambda: m.apply("tanh", m.mul(A, x)), "\\tanh(A x)"),
    (lambda: m.apply("exp", m.mul(X, w)), "e^{X w}"),
    (lambda: m.power(m.apply("exp", x), 2), "(e^{x})^{\\circ 2}"),
    (lambda: m.apply("abs", x), "\\left|x\\right|"),
    (lambda: m.apply("sigmoid", x), "\\operatorname{sigmoid}(x)"),
    (lambda: m.diag(x), "\\operatorname{diag}(x)"),
    (lambda: m.softmax(x), "\\operatorname{softmax}(x)"),
    (lambda: m.logsumexp(x), "\\operatorname{logsumexp}(x)"),
    (lambda: m.vec(X), "\\operatorname{vec}(X)"),
    (lambda: m.sum_of(x), "\\mathbf{1}^\\top x"),
    (lambda: m.sum_of(X), "\\mathbf{1}^\\top X \\mathbf{1}"),
    (lambda: m.ones(x.shape), "\\mathbf{1}_{n}"),
    (lambda: m.ones(X.shape), "\\mathbf{1}_{m \\times n}"),
    (lambda: m.add(A, m.identity(m.dim("n"))), "A + I_{n}"),
    (lambda: m.kron(A, B), "A \\otimes B"),
    (lambda: m.mul(m.kron(A, B), m.vec(A)), "(A \\otimes B) \\operatorname{vec}(A)"),
    (lambda: m.commutation(m.dim("m"), m.dim("n")), "K_{m,n}"),
    (lambda: differential(m.mul(X, A), X), "\\mathrm{d}X A"),
    (lambda: m.mul(half(), m.transpose(x), A, x), "\\frac{1}{2} x^\\top A x"),
    (lambda: m.mul(m.scalar(Num(Fraction(-3, 2))), x), "-\\frac{3}{2} x"),
    (lambda: m.mul(m.power(m.norm(x), -1), x), "\\frac{x}{\\lVert x \\rVert}"),
    (lambda: m.mul(half(), m.power(m.norm(x), -3), x), "\\frac{x}{2 \\lVert x \\rVert^{3}}"),
    (lambda: m.mul(m.scalar(2), m.Scalar(Num(3)) if False else m.scalar(2), x), "4 x"),
    (lambda: m.mul(m.mul(m.scalar(2), m.transpose(x), w), m.transpose(z)), "2 (x^\\top w) z^\\top"),
    (lambda: m.mul(A, m.hadamard(x, w)), "A (w \\odot x)"),
    (lambda: m.hadamard(m.mul(A, x), w), "w \\odot (A x)"),
    (lambda: m.Scalar(Const("pi")), "\\pi"),
    (lambda: m.mul(m.Scalar(Sym("n")), x), "n x"),
]


@pytest.mark.parametrize("build, latex", LATEX_CASES, ids=[c[1] for c in LATEX_CASES])
def test_latex(build, latex: str) -> None:
    text = to_latex(build())
    assert text == latex
    assert_latex_compiles(text)


def assert_latex_compiles(text: str) -> None:
    """What TeX would refuse: unbalanced braces or \\left/\\right, and a double superscript or subscript."""
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        assert depth >= 0, text
    assert depth == 0, text
    assert text.count("\\left") == text.count("\\right"), text
    assert text.count("(") == text.count(")"), text
    i = 0
    while i < len(text):
        if text[i] in "^_":
            mark = text[i]
            i += 1
            if text.startswith("{", i):
                level = 0
                while True:
                    level += {"{": 1, "}": -1}.get(text[i], 0)
                    i += 1
                    if level == 0:
                        break
            elif text.startswith("\\", i):
                i += 1 + len(re.match(r"[A-Za-z]*", text[i + 1:]).group())
            else:
                i += 1
            assert not text.startswith(mark, i), f"double {mark} in {text}"
        else:
            i += 1


# ------------------------------------------------------------------------------------ random expressions

FUNCTIONS = ("exp", "tanh", "sigmoid", "softplus", "sin", "log")


@st.composite
def matrix_expressions(draw, kind: str = "", depth: int = 3) -> m.MatExpr:
    """A random expression of a kind: "s" scalar, "v" n-vector, "u" m-vector, "M" n x n matrix. Values stay
    moderate on random arrays: logdet and inverses only of the positive definite S (and A, B, kept well
    conditioned by the numeric tests), logs only of positive parts."""
    kind = kind or draw(st.sampled_from("svuM"))
    sub = lambda k: matrix_expressions(k, depth - 1)  # noqa: E731
    leaves = {"s": [s, t], "v": [x, w, z], "u": [y], "M": [A, B, S]}[kind]
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(leaves))
    choice = draw(st.integers(0, 9))
    if kind == "s":
        options = [
            lambda: m.mul(m.transpose(draw(sub("v"))), draw(sub("v"))),
            lambda: m.mul(m.transpose(draw(sub("v"))), draw(sub("M")), draw(sub("v"))),
            lambda: m.trace(draw(sub("M"))),
            lambda: m.norm(draw(sub("v"))),
            lambda: m.sum_of(draw(sub("u"))),
            lambda: m.logsumexp(draw(sub("v"))),
            lambda: m.add(draw(sub("s")), m.mul(m.scalar(draw(st.integers(-3, 3))), draw(sub("s")))),
            lambda: m.power(draw(sub("s")), 2),
            lambda: m.mul(draw(sub("s")), draw(sub("s"))),
            lambda: draw(st.sampled_from([m.logdet(S), m.det(A), m.power(m.norm(x), -1)])),
        ]
    elif kind == "v":
        options = [
            lambda: m.mul(draw(sub("M")), draw(sub("v"))),
            lambda: m.add(draw(sub("v")), draw(sub("v"))),
            lambda: m.sub(draw(sub("v")), m.mul(m.scalar(draw(st.integers(-2, 3))), draw(sub("v")))),
            lambda: m.mul(draw(sub("s")), draw(sub("v"))),
            lambda: m.apply(draw(st.sampled_from(FUNCTIONS[:5])), draw(sub("v"))),
            lambda: m.hadamard(draw(sub("v")), draw(sub("v"))),
            lambda: m.power(draw(sub("v")), draw(st.sampled_from([2, 3]))),
            lambda: m.softmax(draw(sub("v"))),
            lambda: m.mul(m.transpose(X), draw(sub("u"))),
            lambda: m.diag(draw(sub("M"))),
        ]
    elif kind == "u":
        options = [lambda: m.mul(X, draw(sub("v"))), lambda: m.sub(draw(sub("u")), draw(sub("u"))),
                   lambda: m.apply(draw(st.sampled_from(FUNCTIONS[:4])), draw(sub("u"))),
                   lambda: m.mul(m.Scalar(HALF), draw(sub("u")))]
    else:
        options = [
            lambda: m.mul(draw(sub("M")), draw(sub("M"))),
            lambda: m.transpose(draw(sub("M"))),
            lambda: m.inverse(draw(st.sampled_from([A, B, S]))),
            lambda: m.add(draw(sub("M")), draw(sub("M"))),
            lambda: m.mul(draw(sub("v")), m.transpose(draw(sub("v")))),
            lambda: m.diag(draw(sub("v"))),
            lambda: m.hadamard(draw(sub("M")), draw(sub("M"))),
            lambda: m.apply("tanh", draw(sub("M"))),
            lambda: m.mul(m.scalar(Num(Fraction(-1, 2))), draw(sub("M"))),
            lambda: m.mul(m.transpose(X), X),
        ]
    return options[choice % len(options)]()


def doubled_parentheses(text: str) -> bool:
    """Whether some pair of parentheses encloses exactly another pair: ((A*x))."""
    opened: list[int] = []
    pairs: dict[int, int] = {}
    for i, character in enumerate(text):
        if character == "(":
            opened.append(i)
        elif character == ")":
            pairs[opened.pop()] = i
    return any(pairs.get(start + 1) == end - 1 for start, end in pairs.items())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix_expressions())
def test_random_text_is_well_formed(node: m.MatExpr) -> None:
    text = to_text(node)
    depth = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        assert depth >= 0, text
    assert depth == 0, text
    assert not re.search(r"[-+*/^]\s*[-+]", text.replace(".^(-", "").replace("^(-", "")), text  # no 2*-x, + -x
    assert not doubled_parentheses(text), text
    assert not re.search(r"(?<![\w.])\((\w+)\)", text), text  # no parentheses around a bare name
    if isinstance(node, m.Add):
        assert not text.startswith("-") or all(text_of_term.startswith("-") for text_of_term in
                                                (to_text(t) for t in node.terms)), text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix_expressions())
def test_random_latex_compiles(node: m.MatExpr) -> None:
    assert_latex_compiles(to_latex(node))


# --------------------------------------------------------------------------------- reading the text back

DECLARED = {symbol.name: symbol for symbol in (x, w, z, y, A, B, S, X, Y, s, t)}
NOT_IN_NORMAL_FORM = {"(A + B)'", "(A*B)'", "(x.^2)'", "(x.^(1/2)).^3"}  # built bare, to test parentheses


def assert_reads_back(node: m.MatExpr) -> None:
    """The matrix reader reads the text back to the same node; or, where the builders' normal form depends on the
    order a product was built in (2*(x'*w)*z', a scalar chain kept apart or not), to one equal to it entry for
    entry that prints the same but for parentheses."""
    from symdiff.matrices.reading import parse_matrix
    text = to_text(node)
    back = parse_matrix(text, {**DECLARED, **{symbol.name: symbol for symbol in node.symbols}}).expression
    if back == node:
        return
    assert to_text(back).replace("(", "").replace(")", "") == text.replace("(", "").replace(")", ""), text
    import numpy as np  # the numeric comparison only
    from symdiff.matrices.numeric import evaluate
    rng = np.random.default_rng(0)
    sizes = {"n": 3, "m": 4}
    values = {symbol.name: rng.normal(size=(sizes.get(str(symbol.rows), 1), sizes.get(str(symbol.cols), 1)))
              for symbol in node.symbols}
    assert np.allclose(evaluate(back, values, sizes), evaluate(node, values, sizes), equal_nan=True), text


@pytest.mark.parametrize("build", [i[1] for i in IDENTITIES] + [c[0] for c in TEXT_CASES if c[1] not in
                                                                 NOT_IN_NORMAL_FORM])
def test_text_reads_back(build) -> None:
    assert_reads_back(build())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix_expressions())
def test_random_text_reads_back(node: m.MatExpr) -> None:
    assert_reads_back(node)


def test_printing_is_fast() -> None:
    """The text is the simplifier's measure of size: printing a Hessian's worth of nodes takes well under a
    millisecond per expression."""
    nodes = [hessian(logistic_loss(), w), hessian(m.logdet(Y), Y), jacobian(m.softmax(m.mul(A, x)), x),
             gradient(m.mul(m.transpose(x), m.inverse(A), x), A), gradient(least_squares(), w)]
    start = time.perf_counter()
    for _ in range(200):
        for node in nodes:
            to_text(node)
    per_expression = (time.perf_counter() - start) / (200 * len(nodes))
    assert per_expression < 1e-3


def test_docstring_examples() -> None:
    import doctest

    from symdiff.matrices import latex, text
    for module in (text, latex):
        assert doctest.testmod(module).failed == 0
