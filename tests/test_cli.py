"""The command line, run as `python -m symdiff` in a subprocess (from the repository root, so that the source
tree is what runs), and in-process through symdiff.cli.command where a real process is not needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import symdiff
from symdiff.cli.command import main

ROOT = Path(__file__).resolve().parents[1]


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "symdiff", *arguments], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def call(capsys, *arguments: str):
    """main() in-process: (status, stdout, stderr)."""
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def equal_in_value(a: str, b: str) -> bool:
    return sympy.simplify(symdiff.to_sympy(a) - symdiff.to_sympy(b)) == 0


# ---------------------------------------------------------------------------------------------------------
# Success, in a subprocess
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, expected", [
    (["3*x^2-4*x", "--wrt", "x"], "6*x - 4"),
    (["3x^2 - 4x", "--wrt", "x", "--latex"], "6 x - 4"),
    (["x^2*y^3", "--wrt", "x", "--wrt", "y"], "6*x*y^2"),
    (["x^2*y^3", "--wrt", "x,y"], "6*x*y^2"),
    (["3*x^2-4*x", "--order", "2"], "6"),
    (["sin(x)/x", "--latex"], r"\frac{x \cos x - \sin x}{x^{2}}"),
])
def test_subprocess_output(arguments, expected):
    result = run(*arguments)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"
    assert result.stderr == ""


def test_subprocess_sympy_format_is_a_runnable_snippet():
    result = run("3*x^2-4*x", "--wrt", "x", "--format", "sympy")
    assert result.returncode == 0, result.stderr
    code = result.stdout
    assert code.startswith("from sympy import *\n")
    namespace: dict = {}
    exec(compile(code, "<symdiff --format sympy>", "exec"), namespace)  # code symdiff generated from our input
    x = sympy.Symbol("x")
    assert sympy.simplify(namespace["expr"] - (6 * x - 4)) == 0


def test_subprocess_no_simplify_differs_but_is_equal_in_value():
    simplified = run("x^2*sin(x)", "--wrt", "x")
    raw = run("x^2*sin(x)", "--wrt", "x", "--no-simplify")
    assert simplified.returncode == raw.returncode == 0
    a, b = simplified.stdout.strip(), raw.stdout.strip()
    assert a != b
    assert equal_in_value(a, b)
    assert symdiff.parse(a) is symdiff.simplify(b)


def test_subprocess_check_agrees():
    result = run("x^2*sin(x)", "--wrt", "x", "--check")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "x^2*cos(x) + 2*x*sin(x)"
    assert "agree" in result.stdout
    assert "DISAGREE" not in result.stdout
    assert "Traceback" not in result.stderr


def test_subprocess_variable_that_does_not_occur():
    result = run("x^2", "--wrt", "y")
    assert result.returncode == 0
    assert result.stdout == "0\n"
    assert "warning" in result.stderr and "y" in result.stderr
    assert "Traceback" not in result.stderr


def test_subprocess_help():
    result = run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage:")
    for option in ("--wrt", "--order", "--latex", "--format", "--no-simplify", "--check"):
        assert option in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_subprocess_version(option):
    result = run(option)
    assert result.returncode == 0
    assert result.stdout.strip() == f"symdiff {symdiff.__version__}"


def test_subprocess_expression_starting_with_a_minus():
    # an expression such as -x^2 is an expression, not an option
    result = run("-x^2", "--wrt", "x")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "-2*x\n"


def test_subprocess_expression_after_double_dash():
    result = run("--wrt", "x", "--", "-x^2")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "-2*x\n"


# ---------------------------------------------------------------------------------------------------------
# Errors, in a subprocess
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, column", [
    ("3*x^2-4*x)", 9),
    ("x $ y", 2),
    ("x 2", 2),
    ("(x+1", 4),
    ("1/0", None),
    ("__import__('os').system('echo hi')", None),
])
def test_subprocess_parse_error(text, column):
    result = run(text, "--wrt", "x")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("symdiff: error: ")
    assert len(lines) == 3
    assert lines[1].strip() == text.strip()
    indent = lines[1].index(text[0])
    assert lines[2].strip() == "^"
    position = lines[2].index("^") - indent
    if column is not None:
        assert position == column
    assert "hi" not in result.stdout


@pytest.mark.parametrize("arguments", [
    ["x", "--wrt", "2x"],
    ["x*y"],
    ["x", "--order", "-1"],
])
def test_subprocess_usage_error(arguments):
    result = run(*arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith("symdiff: error: ")


def test_subprocess_deep_nesting_is_an_error_not_a_traceback():
    result = run("sin(" * 3000 + "x" + ")" * 3000)
    assert result.returncode in (0, 2)
    assert "Traceback" not in result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("symdiff: error: ")


# ---------------------------------------------------------------------------------------------------------
# In-process
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, expected", [
    (["3*x^2-4*x", "--wrt", "x"], "6*x - 4"),
    (["3*x^2-4*x"], "6*x - 4"),
    (["3x^2 - 4x", "--wrt", "x", "--latex"], "6 x - 4"),
    (["3x^2 - 4x", "--wrt", "x", "--format", "latex"], "6 x - 4"),
    (["3x^2 - 4x", "--wrt", "x", "--format", "text"], "6*x - 4"),
    (["x^2*y^3", "--wrt", "x", "--wrt", "y"], "6*x*y^2"),
    (["x^2*y^3", "--wrt", "x,y"], "6*x*y^2"),
    (["x^2*y^3", "--wrt", "y", "--wrt", "x"], "6*x*y^2"),
    (["x^2*y^3", "--wrt", "x", "--order", "2"], "2*y^3"),
    (["3*x^2-4*x", "--order", "2"], "6"),
    (["3*x^2-4*x", "--order", "3"], "0"),
    (["x^2", "--order", "0"], "x^2"),
    (["sin(x)", "--order", "3"], "-cos(x)"),
    (["f(x^2)", "--wrt", "x"], "2*x*f'(x^2)"),
    (["5"], "0"),
    (["x", "--wrt", " x "], "1"),
    (["x^2*y^3", "--wrt", "x", "--format", "sympy"], "from sympy import *\nx, y = symbols('x y')\nexpr = 2*x*y**3"),
])
def test_main(capsys, arguments, expected):
    status, out, err = call(capsys, *arguments)
    assert status == 0, err
    assert out == expected + "\n"
    assert err == ""


def test_main_no_simplify(capsys):
    status, simplified, _ = call(capsys, "sin(x)^2*exp(-x)", "--wrt", "x")
    assert status == 0
    status, raw, _ = call(capsys, "sin(x)^2*exp(-x)", "--wrt", "x", "--no-simplify")
    assert status == 0
    assert raw != simplified
    assert equal_in_value(raw.strip(), simplified.strip())


def test_main_check(capsys):
    status, out, err = call(capsys, "atan(x)/x", "--check")
    assert status == 0
    assert "agree" in out and "DISAGREE" not in out
    assert err == ""


def test_main_warns_about_a_variable_that_does_not_occur(capsys):
    status, out, err = call(capsys, "x^2*y", "--wrt", "x,z")
    assert status == 0
    assert out == "0\n"
    assert "warning" in err and "z" in err
    assert "x does not occur" not in err


BAD_INPUTS = [
    "",
    "3*x^2-4*x)",
    "(x+1",
    "x +",
    "x $ y",
    "sin",
    "sin(x, y)",
    "log(x,2,3)",
    "x(y) + x",
    "cbrtt(x)",
    "y(x)",
    "1/0",
    "1e999",
    "x 2",
    "2 3",
    "{x",
    "lambda: 1",
    "x.__class__",
    '"x"',
    "__import__('os').system('echo hi')",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_main_parse_errors(capsys, text):
    status, out, err = call(capsys, text, "--wrt", "x")
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith("symdiff: error: ")
    assert "Traceback" not in err
    with pytest.raises(symdiff.ParseError) as info:
        symdiff.parse(text)
    position = info.value.position
    # then the input, and a caret under the position
    assert len(lines) == 3
    indent = len(lines[1]) - len(text)
    assert indent >= 0 and lines[1][indent:] == text
    assert lines[2] == " " * (indent + position) + "^"


@pytest.mark.parametrize("arguments", [
    ["x", "--wrt", "2x"],
    ["x", "--wrt", "x y"],
    ["x", "--wrt", "sin"],
    ["x", "--wrt", "pi"],
    ["x", "--wrt", "x,"],
    ["x", "--wrt", ""],
    ["x*y"],
    ["x*y", "--order", "2"],
    ["x", "--order", "-1"],
    ["x^2*y", "--wrt", "x,y", "--order", "600"],
])
def test_main_usage_errors(capsys, arguments):
    status, out, err = call(capsys, *arguments)
    assert status == 2
    assert out == ""
    assert err.splitlines()[0].startswith("symdiff: error: ")
    assert "Traceback" not in err


@pytest.mark.parametrize("arguments", [
    [],
    ["x", "--order", "abc"],
    ["x", "--order", "1.5"],
    ["x", "--format", "html"],
    ["x", "--latex", "--format", "sympy"],
    ["x", "-n", "abc"],
    ["x", "-l", "-f", "sympy"],
])
def test_main_argument_errors(capsys, arguments):
    with pytest.raises(SystemExit) as info:
        main(arguments)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "symdiff: error: " in err
    assert "Traceback" not in err


def test_main_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out, _ = capsys.readouterr()
    assert "usage: symdiff" in out
