"""Matrix calculus on the command line (issue 20): --shape, --matrix, --layout, --differential, --grad/--jacobian/
--hessian, --steps, --check and --format; errors in one line with a caret, usage errors, notes on standard error,
and NumPy output that runs. Bugs found are strict xfails, each with its reason."""

from __future__ import annotations

import json
import re
import shlex

import numpy as np
import pytest

from symdiff.cli.command import main
from symdiff.cli.options import build_argument_parser

QUADRATIC = ["x'*A*x", "--wrt", "x", "--shape", "x: n, A: n x n"]
LEAST_SQUARES = ["norm(X*w - y)^2", "--wrt", "w", "--shape", "X: m x n, w: n, y: m"]
LOGISTIC = ["sum(log.(1 + exp.(-y .* (X*w))))", "--wrt", "w", "--shape", "X: m x n, w: n, y: m"]
CONVENTION = ("symdiff: warning: shapes by the convention (an uppercase initial: a matrix; a lowercase name: a "
              "column vector; a Greek name: a scalar), to declare otherwise with shapes: ")
BROADCAST = "symdiff: warning: the scalar 1 is added to each entry (broadcast, as NumPy does)\n"


def call(capsys, *arguments: str) -> tuple[int, str, str]:
    """The exit status, standard output and standard error of `symdiff ARGUMENTS` (argparse's errors exit)."""
    try:
        status = main(list(arguments))
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_error_line(err: str, message: str | None = None) -> str:
    """err is one `symdiff: error: ...` line (and perhaps the input with a caret under it): the message."""
    first = err.splitlines()[0]
    assert first.startswith("symdiff: error: ")
    assert "Traceback" not in err
    if message is not None:
        assert first == f"symdiff: error: {message}"
    return first


# ---------------------------------------------------------------------------------------- --help's examples

def help_examples() -> list[tuple[list[str], str]]:
    """The matrix examples of `symdiff --help`, each with the result its comment promises."""
    epilog = build_argument_parser().epilog
    found = []
    for line in epilog.splitlines():
        if "--shape" in line or "--matrix" in line:
            command, comment = line.split("#")
            found.append((shlex.split(command)[1:], comment.strip().split(": ")[-1]))
    return found


def test_help_has_the_matrix_examples():
    assert [promised for _, promised in help_examples()] == ["(A + A')*x", "2*X'*X"]


@pytest.mark.parametrize("arguments, promised", help_examples(), ids=lambda v: " ".join(v) if isinstance(v, list)
                         else v)
def test_the_help_examples_print_what_they_promise(capsys, arguments, promised):
    status, out, _ = call(capsys, *arguments)
    assert (status, out) == (0, promised + "\n")


def test_the_module_examples(capsys):
    status, out, err = call(capsys, "logdet(S)", "--wrt", "S", "--shape", "S: n x n symmetric", "--steps")
    assert (status, err) == (0, "")
    assert out == ("f = logdet(S)\n"
                   "df = tr(inv(S)*dS)    [log-determinant rule: d logdet(A) = tr(inv(A)*dA)]\n"
                   "df = tr(G'*dS) gives the gradient G = inv(S)\n")


# ------------------------------------------------------------------------------------------------- formats

@pytest.mark.parametrize("options, expected", [
    ([], "(A + A')*x\n"),
    (["--format", "text"], "(A + A')*x\n"),
    (["--format", "latex"], "(A + A^\\top) x\n"),
    (["--latex"], "(A + A^\\top) x\n"),
    (["-l"], "(A + A^\\top) x\n"),
    (["--grad"], "(A + A')*x\n"),
    (["--layout", "denominator"], "(A + A')*x\n"),
    (["--layout", "numerator"], "x'*(A + A')\n"),
    (["--hessian"], "A + A'\n"),
    (["--jacobian"], "x'*(A + A')\n"),  # numerator layout, the default of --jacobian
    (["--differential"], "x'*(A + A')*dx\n"),
    (["--differential", "--format", "latex"], "x^\\top (A + A^\\top) \\mathrm{d}x\n"),
])
def test_quadratic_form_results(capsys, options, expected):
    assert call(capsys, *QUADRATIC, *options) == (0, expected, "")


def test_shape_repeated(capsys):
    assert call(capsys, "x'*A*x", "--wrt", "x", "--shape", "x: n", "--shape", "A: n x n") == (0, "(A + A')*x\n", "")
    assert call(capsys, "x'*A*x", "--wrt", "x", "--shape", "x: n", "--shape", "A: n x n symmetric") == \
        (0, "2*A*x\n", "")


@pytest.mark.parametrize("options, expected", [
    ([], "A'\n"),  # the layout's default, denominator, as --layout's help says: d(A*x)/dx = A'
    (["--jacobian"], "A\n"),
    (["--jacobian", "--layout", "denominator"], "A'\n"),
    (["--layout", "numerator"], "A\n"),
])
def test_jacobians_and_layouts(capsys, options, expected):
    assert call(capsys, "A*x", "--wrt", "x", "--shape", "x: n, A: m x n", *options) == (0, expected, "")


def test_json(capsys):
    status, out, err = call(capsys, *QUADRATIC, "--format", "json")
    assert (status, err) == (0, "")
    assert out.count("\n") == 1
    assert json.loads(out) == {"function": "x'*A*x", "variable": "x", "kind": "gradient", "layout": "denominator",
                               "shape": ["n", "1"], "result": "(A + A')*x", "latex": "(A + A^\\top) x",
                               "description": "the gradient in x (the shape of x): vector of n"}
    status, out, _ = call(capsys, *LEAST_SQUARES, "--hessian", "--format", "json")
    data = json.loads(out)
    assert (data["kind"], data["result"], data["shape"]) == ("hessian", "2*X'*X", ["n", "n"])
    status, out, _ = call(capsys, *QUADRATIC, "--differential", "--format", "json")
    data = json.loads(out)
    assert (data["kind"], data["result"], data["description"]) == \
        ("differential", "x'*(A + A')*dx", "the differential, linear in dx: scalar")


def test_format_sympy_is_refused(capsys):
    status, out, err = call(capsys, *QUADRATIC, "--format", "sympy")
    assert (status, out) == (2, "")
    assert err == "symdiff: error: a matrix derivative is shown as text, latex, json or numpy\n"


# ---------------------------------------------------------------------------------------------------- --steps

STEPS_TEXT = ("f = x'*A*x\n"
              "df = d(x')*A*x + x'*A*dx    [product rule: d(A*B) = dA*B + A*dB]\n"
              "   = dx'*A*x + x'*A*dx      [transpose rule: d(A') = (dA)']\n"
              "   = x'*(A + A')*dx         [simplified]\n")


def test_steps_text(capsys):
    assert call(capsys, *QUADRATIC, "--steps") == (0, STEPS_TEXT + "df = g'*dx gives the gradient g = (A + A')*x\n",
                                                  "")
    assert call(capsys, *QUADRATIC, "--steps", "--hessian")[1] == (
        STEPS_TEXT + "df = g'*dx gives the gradient g = (A + A')*x\n"
        "g = (A + A')*x\n"
        "dg = (A + A')*dx    [product rule: d(A*B) = dA*B + A*dB]\n"
        "dg = H*dx gives the Hessian H = A + A'\n")
    assert call(capsys, *QUADRATIC, "--steps", "--differential")[1] == \
        STEPS_TEXT + "the differential, linear in dx\n"


def test_steps_latex_and_json(capsys):
    status, out, _ = call(capsys, *QUADRATIC, "--steps", "--format", "latex")
    assert status == 0
    assert out.startswith("\\begin{aligned}\nf &= x^\\top A x \\\\\n")
    assert out.endswith("\\nabla_{x} f &= (A + A^\\top) x\n\\end{aligned}\n")
    status, out, _ = call(capsys, *QUADRATIC, "--steps", "--format", "json")
    data = json.loads(out)
    assert data["result"] == "(A + A')*x"
    assert [step["rules"] for step in data["derivations"][0]["steps"]] == [["product rule: d(A*B) = dA*B + A*dB"],
                                                         ["transpose rule: d(A') = (dA)'"], ["simplified"]]


def test_steps_refusals(capsys):
    assert call(capsys, *QUADRATIC, "--steps", "--format", "numpy") == \
        (2, "", "symdiff: error: --steps are shown as text, latex or json\n")


# ---------------------------------------------------------------------------------------------------- --check

@pytest.mark.parametrize("arguments", [
    QUADRATIC, LEAST_SQUARES, [*LEAST_SQUARES, "--hessian"], ["A*x", "--wrt", "x", "--shape", "A: m x n, x: n"],
    ["logdet(S)", "--wrt", "S", "--shape", "S: n x n positive definite"],
])
def test_check_agrees(capsys, arguments):
    status, out, _ = call(capsys, *arguments, "--check")
    assert status == 0
    lines = out.splitlines()
    verdicts = [line for line in lines if " by " in line]
    assert [v.rsplit(": ", 1)[1] for v in verdicts] == ["ok", "ok", "ok"]
    assert [v.split(" by ")[1].split(":")[0] for v in verdicts] == ["components", "finite differences", "sympy"]


def test_check_prints_the_result_first(capsys):
    _, out, _ = call(capsys, *QUADRATIC, "--check")
    assert out.splitlines()[:2] == ["(A + A')*x", "gradient in x by components: ok"]


def test_check_of_a_numerator_gradient_agrees(capsys):
    status, out, _ = call(capsys, *QUADRATIC, "--layout", "numerator", "--check")
    assert status == 0, out


# ---------------------------------------------------------------------------------------------------- errors

@pytest.mark.parametrize("arguments, message, line, column", [
    (["A*y + x", "--wrt", "x", "--shape", "x: n, A: n x n, y: m"],
     "shapes do not fit in a product: A (n x n) and y (vector of m)", "A*y + x", 1),
    (["x*y", "--wrt", "x", "--matrix"], "shapes do not fit in a product: x (vector of n) and y (vector of m)",
     "x*y", 1),
    (["A + x", "--wrt", "x", "--matrix"], "shapes do not fit in a sum: A (n x m) and x (vector of n)", "A + x", 2),
    (["norm(X*w - y)^2", "--wrt", "w", "--shape", "X: m x n, w: n, y: k"],
     "shapes do not fit in a difference: X*w (vector of m) and y (vector of k)", "norm(X*w - y)^2", 9),
    (["A .* B", "--wrt", "A", "--shape", "A: n x n, B: m x m"],
     "shapes do not fit in an entrywise operation: A (n x n) and B (m x m)", "A .* B", 2),
    (["x^2", "--wrt", "x", "--shape", "x: n"],
     "shapes do not fit in a power: x (vector of n) is a vector: write x.^2 for its entries, or x'*x", "x^2", 1),
])
def test_a_wrong_shape_is_one_error_line_with_a_caret_under_the_operator(capsys, arguments, message, line, column):
    status, out, err = call(capsys, *arguments)
    assert (status, out) == (2, "")
    assert err == f"symdiff: error: {message}\n  {line}\n  {' ' * column}^\n"
    assert line[column] in "*+-.^"


@pytest.mark.parametrize("arguments, message", [
    (["x^2", "--layout", "numerator"], "--layout needs --shape or --matrix (a matrix expression)"),
    (["x^2", "--differential"], "--differential needs --shape or --matrix (a matrix expression)"),
    (["x^2", "--wrt", "x", "--grad", "--layout", "numerator"],
     "--layout needs --shape or --matrix (a matrix expression)"),
    ([*QUADRATIC, "--at", "x=1"], "--shape cannot be combined with --at"),
    ([*QUADRATIC, "--order", "2"], "--shape cannot be combined with --order"),
    ([*QUADRATIC, "-n", "2"], "--shape cannot be combined with -n"),
    ([*QUADRATIC, "--cse"], "--shape cannot be combined with --cse"),
    ([*QUADRATIC, "--limit", "x=1"], "--shape cannot be combined with --limit"),
    (["x'*x", "--matrix", "--at", "x=1"], "--matrix cannot be combined with --at"),
    (["x'*x", "--matrix", "--cse"], "--matrix cannot be combined with --cse"),
    (["x'*x", "--matrix", "--order", "2"], "--matrix cannot be combined with --order"),
    ([*QUADRATIC, "--wrt", "A"], "a derivative in matrix form is in one vector or matrix variable: give one --wrt"),
    (["x'*A*x", "--shape", "x: n, A: n x n"],
     "say which variable to differentiate in (wrt): the expression has the symbols A, x"),
    (["x'*A*x", "--wrt", "q", "--shape", "x: n, A: n x n"], "q is not a symbol of x'*A*x (its symbols: A, x)"),
    (["A*x", "--wrt", "x", "--shape", "x: n, A: n x n", "--grad"],
     "a gradient is of a scalar, and A*x is a vector of n: ask for its Jacobian"),
    (["A^1000000", "--wrt", "A", "--matrix"], "a matrix power over 1000 (the budget's max_order)"),
])
def test_usage_errors(capsys, arguments, message):
    status, out, err = call(capsys, *arguments)
    assert (status, out) == (2, "")
    assert_one_error_line(err, message)


def test_an_unknown_layout_is_argparses_error(capsys):
    status, out, err = call(capsys, *QUADRATIC, "--layout", "sideways")
    assert (status, out) == (2, "")
    assert err.startswith("symdiff: error: argument --layout: invalid choice: 'sideways'")
    assert err.count("\n") == 1


def test_a_bad_shape_declaration_has_a_caret_under_it(capsys):
    status, out, err = call(capsys, "x'*x", "--wrt", "x", "--shape", "x: n x")
    assert (status, out) == (2, "")
    assert err == ("symdiff: error: expected a shape: scalar, n (a vector of n), m x n (a matrix)\n"
                   "  x: n x\n"
                   "        ^\n")


def test_the_time_budget(capsys):
    status, out, err = call(capsys, "tr(A^1000)", "--wrt", "A", "--matrix", "--timeout", "0.5")
    assert (status, out) == (2, "")
    assert_one_error_line(err, "over the time budget of 0.5 s")


# ------------------------------------------------------------------------------------------------------ notes

def test_the_convention_note_goes_to_stderr(capsys):
    status, out, err = call(capsys, "norm(X*w - y)^2", "--wrt", "w", "--matrix", "--hessian")
    assert (status, out) == (0, "2*X'*X\n")
    assert err == CONVENTION + "X: n x m, w: m, y: n\n"
    status, out, err = call(capsys, "x'*x", "--matrix")
    assert (status, out, err) == (0, "2*x\n", CONVENTION + "x: n\n")


def test_notes_stay_out_of_json_and_numpy(capsys):
    for fmt in ("json", "numpy", "latex"):
        status, out, err = call(capsys, *LOGISTIC, "--format", fmt)
        assert status == 0
        assert err == BROADCAST
        assert "warning" not in out
    status, out, err = call(capsys, "x'*A*x", "--wrt", "x", "--matrix", "--format", "json")
    json.loads(out)
    assert err.startswith(CONVENTION)


def test_declared_shapes_give_no_note(capsys):
    assert call(capsys, *LEAST_SQUARES)[2] == ""


# ------------------------------------------------------------------------------------------------------ NumPy

def test_numpy_output_of_a_matrix_gradient_runs(capsys):
    status, out, err = call(capsys, *LEAST_SQUARES, "--format", "numpy")
    assert (status, err) == (0, "")
    assert out == ("import numpy as np\n\n\n"
                   "def f(X, w, y):\n"
                   "    X = np.asarray(X, dtype=float)\n"
                   "    w = np.reshape(np.asarray(w, dtype=float), (-1, 1))\n"
                   "    y = np.reshape(np.asarray(y, dtype=float), (-1, 1))\n"
                   "    return np.array(2 * (X.T @ (X @ w - y)), dtype=float).ravel()\n\n")
    compile(out, "<symdiff>", "exec")
    namespace: dict = {"np": np}
    exec(out, namespace)  # noqa: S102 - symdiff's own output
    rng = np.random.default_rng(0)
    Xa, wa, ya = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=6)
    np.testing.assert_allclose(namespace["f"](Xa, wa, ya), 2 * Xa.T @ (Xa @ wa - ya))


def test_numpy_output_of_a_logistic_hessian_runs(capsys):
    status, out, _ = call(capsys, *LOGISTIC, "--hessian", "--format", "numpy")
    assert status == 0
    namespace: dict = {"np": np}
    exec(out, namespace)  # noqa: S102 - symdiff's own output
    rng = np.random.default_rng(1)
    Xa, wa, ya = rng.normal(size=(7, 3)), rng.normal(size=3), rng.choice([-1.0, 1.0], size=7)
    p = 1 / (1 + np.exp(-ya * (Xa @ wa)))
    np.testing.assert_allclose(namespace["f"](Xa, wa, ya), Xa.T @ np.diag(p * (1 - p)) @ Xa)


def test_numpy_output_of_a_matrix_gradient_is_standalone(capsys):
    _, out, _ = call(capsys, *LEAST_SQUARES, "--format", "numpy")
    namespace: dict = {}
    exec(out, namespace)  # noqa: S102 - symdiff's own output
    rng = np.random.default_rng(0)
    Xa, wa, ya = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=6)
    np.testing.assert_allclose(namespace["f"](Xa, wa, ya), 2 * Xa.T @ (Xa @ wa - ya))


def test_numpy_output_of_a_scalar_derivative_is_standalone(capsys):
    status, out, err = call(capsys, "x^3*y", "--wrt", "x", "--format", "numpy")
    assert (status, err) == (0, "")
    assert re.search(r"^import numpy", out, re.MULTILINE)
    namespace: dict = {}
    exec(out, namespace)  # noqa: S102 - symdiff's own output
    xs, ys = np.linspace(-2, 2, 7), np.linspace(1, 3, 7)
    np.testing.assert_allclose(namespace["f"](xs, ys), 3 * xs ** 2 * ys)
    assert float(namespace["f"](2.0, 5.0)) == 60.0


def test_check_exits_3_when_a_check_disagrees(capsys, monkeypatch):
    from symdiff.api.matrix_calculus import MatrixCheck
    monkeypatch.setattr(MatrixCheck, "agrees", property(lambda self: False))
    status, out, _ = call(capsys, *QUADRATIC, "--check")
    assert status == 3
    assert out.splitlines()[0] == "(A + A')*x"


def test_numpy_output_of_a_differential(capsys):
    status, _, err = call(capsys, *QUADRATIC, "--differential", "--format", "numpy")
    assert status == 0, err


def test_a_declared_variable_absent_from_the_expression(capsys):
    status, out, _ = call(capsys, "x'*x", "--wrt", "z", "--shape", "x: n, z: m")
    assert (status, out) == (0, "zeros(m)\n")


def test_scalar_mode_absent_variable_for_comparison(capsys):
    assert call(capsys, "x^2", "--wrt", "y") == \
        (0, "0\n", "symdiff: warning: y does not occur in the expression, so its derivative is 0\n")


@pytest.mark.parametrize("expression", [
    "x'*x" + "+x'*x" * 200_000,
    "a" * 1_000_000,
    "(" * 100_000 + "x'*x" + ")" * 100_000,
    "tr(A^1000000)",
])
def test_huge_inputs_are_one_line_errors(capsys, expression):
    import time
    start = time.perf_counter()
    status, out, err = call(capsys, expression, "--wrt", "x", "--matrix")
    assert time.perf_counter() - start < 3
    assert (status, out) == (2, "")
    assert err.startswith("symdiff: error: ")
    assert "Traceback" not in err and len(err.splitlines()) <= 3


@pytest.mark.parametrize("expression", ["sum(abs.(x))", "sum(relu.(x))"])
def test_check_of_kinks(capsys, expression):
    status, out, _ = call(capsys, expression, "--wrt", "x", "--shape", "x: n", "--check")
    assert status == 0, out


RIDGE = "norm(X*w - y)^2 + lambda*norm(w)^2"


@pytest.mark.parametrize("arguments, expected", [
    ([RIDGE, "--wrt", "w", "--shape", "X: m x n, w: n, y: m, lambda: scalar"], "2*X'*(X*w - y) + 2*lambda*w\n"),
    ([RIDGE, "--wrt", "w", "--shape", "X: m x n, w: n, y: m, lambda: scalar", "--hessian"],
     "2*X'*X + 2*lambda*I(n)\n"),
    ([RIDGE, "--wrt", "lambda", "--shape", "X: m x n, w: n, y: m, lambda: scalar"], "w'*w\n"),
    (["x'*A*x", "--wrt", "A", "--shape", "x: n, A: n x n"], "x*x'\n"),
    (["x'*A*x", "--wrt", "A", "--shape", "x: n, A: n x n", "--jacobian"], "vec(x*x')'\n"),
    (["x'*A*x", "--wrt", "A", "--shape", "x: n, A: n x n", "--hessian"], "zeros(n^2, n^2)\n"),
    (["-x'*A*x", "--wrt", "x", "--shape", "x: n, A: n x n"], "(-A - A')*x\n"),
    (["x'*A*x", "-w", "x", "--shape=x: n, A: n x n"], "(A + A')*x\n"),
    (["logdet(S)", "--wrt", "S", "--shape", "S: n x n"], "inv(S)'\n"),
    (["tr(X'*A*X)", "--wrt", "X", "--shape", "X: n x m, A: n x n"], "(A + A')*X\n"),
])
def test_more_results(capsys, arguments, expected):
    assert call(capsys, *arguments) == (0, expected, "")


def test_the_greek_convention_note(capsys):
    status, out, err = call(capsys, RIDGE, "--wrt", "w", "--shape", "X: m x n, w: n, y: m")
    assert (status, out) == (0, "2*X'*(X*w - y) + 2*lambda*w\n")
    assert err == CONVENTION + "lambda: scalar\n"


@pytest.mark.parametrize("arguments", [
    ["x^2", "--shape", "x: n", "--tangent", "x=1"],
    ["x^2", "--matrix", "--normal", "x=1"],
    ["x^2", "--matrix", "--taylor", "x=0"],
    ["x^2 + y^2 = 1", "--matrix", "--implicit", "y"],
    ["x^2", "--shape", "x: n", "--compare", "2*x"],
    ["x^2*y", "--shape", "x: n", "--direction", "1,2"],
    ["x^2", "--matrix", "--along", "x=t"],
], ids=lambda a: " ".join(a[1:]))
def test_matrix_options_with_another_mode_are_refused(capsys, arguments):
    status, out, err = call(capsys, *arguments)
    assert (status, out) == (2, "")
    assert "cannot be combined with" in err


@pytest.mark.parametrize("options", [["--shape", "x: n"], ["--matrix", "--layout", "numerator"]])
def test_batch_with_matrix_options(capsys, tmp_path, options):
    exprs = tmp_path / "exprs.txt"
    exprs.write_text("x'*x\n")
    status, _, err = call(capsys, "--batch", str(exprs), "-j", "1", *options)
    assert status == 2 and "cannot be combined with" in err
