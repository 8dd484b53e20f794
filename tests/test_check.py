"""symdiff.check and the CLI's --check: differentiate with symdiff and with SymPy and say whether they agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import symdiff
import symdiff.api
from symdiff.cli.command import EXIT_DISAGREE, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[1]


def check(*args, **kwargs):
    return symdiff.check(*args, **kwargs)


TYPICAL = [
    ("x^2", ()),
    ("3*x^2 - 4*x + 1", ("x",)),
    ("sin(x)/x", ()),
    ("exp(-x^2)", ()),
    ("x*log(x)", ()),
    ("x^x", ()),
    ("sqrt(1 - x^2)", ()),
    ("atan(x)", ()),
    ("tan(x)^2", ()),
    ("asec(x)", ()),
    ("abs(x)", ()),
    ("log(x, 2)", ()),
    ("x^(1/3)", ()),
    ("coth(x)", ()),
    ("x^2*y^3", ("x", "y")),
    ("f(x)^2", ()),
    ("f(x^2)", ()),
]


@pytest.mark.parametrize("expr, variables", TYPICAL, ids=[t for t, _ in TYPICAL])
def test_symdiff_and_sympy_agree_on_typical_expressions(expr, variables):
    result = check(expr, *variables)
    assert result.agree is True and bool(result)
    assert result.method in ("symbolic", "numeric")
    report = result.report()
    assert "agree" in report and "DISAGREE" not in report
    assert symdiff.text(result.ours) in report


def test_higher_order():
    result = check("sin(x)", "x", order=3)
    assert result.agree and result.ours is symdiff.parse("-cos(x)")


def test_numeric_method_when_simplification_runs_out_of_time():
    result = check("sin(x)^2*exp(x)", "x", simplify_seconds=1e-6)
    assert result.agree and result.method == "numeric"
    assert "random points" in result.report()


def test_a_wrong_derivative_is_reported():
    result = check("x^2", "x", ours=symdiff.parse("3*x"))
    assert result.agree is False and not result
    assert result.method in ("symbolic", "numeric")
    report = result.report()
    assert "DISAGREE" in report
    assert "3*x" in report and "2*x" in report  # both results are shown


def test_a_wrong_derivative_of_an_undefined_function_is_not_an_agreement():
    result = check("f(x)^2", "x", ours=symdiff.parse("f(x)"))
    assert result.agree is False


def test_check_stays_callable_after_use():
    """`symdiff.check` is still the function after a first call has imported its implementation."""
    check("x^2", "x")
    assert callable(symdiff.check), "symdiff.check is a module: the function is shadowed"
    assert symdiff.check("x^3", "x").agree


# ---- the command line ----------------------------------------------------------------------------------

def test_cli_check_agrees():
    completed = subprocess.run([sys.executable, "-m", "symdiff", "sin(x)/x", "--check"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == EXIT_OK == 0, completed.stderr
    assert "agree" in completed.stdout and "DISAGREE" not in completed.stdout


def test_cli_check_in_process(capsys):
    assert main(["x^2*sin(x)", "--check"]) == EXIT_OK
    assert "agree (" in capsys.readouterr().out


def test_cli_check_disagreement_exits_3(monkeypatch, capsys):
    """A disagreement cannot be provoked from the command line: make the differentiator wrong."""
    monkeypatch.setattr(symdiff.api, "diff", lambda *args, **kwargs: symdiff.parse("3*x"))
    assert main(["x^2", "--check"]) == EXIT_DISAGREE == 3
    out = capsys.readouterr().out
    assert "DISAGREE" in out and "3*x" in out and "2*x" in out
