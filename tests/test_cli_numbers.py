"""The command line's values and pictures: --at, --float, --limit, --plot and --range (the API behind them is
tested in test_evaluation, test_limit_table and test_plot)."""

from __future__ import annotations

import json
import struct

import pytest

from symdiff.cli.command import main


def call(capsys, *arguments):
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("arguments, expected", [
    (["3*x^2-4*x", "--at", "x=1"], "2"),
    (["3*x^2-4*x", "--at", "x=1/3"], "-2"),
    (["sin(x)", "--at", "x=pi/4"], "sqrt(2)/2"),
    (["sin(x)", "--at", "x=pi/4", "--float"], "0.7071067811865476"),
    (["x^3", "--at", "x=0.5"], "0.75"),
    (["x^2*y", "--wrt", "x", "--at", "x=2, y=log(8, 2)"], "4*log(8, 2)"),
    (["x^2*y", "--wrt", "x", "--at", "x=2"], "4*y"),                      # a symbol without a value stays
    (["x*y, x + y^2", "--jacobian", "--at", "x=1,y=2"], "[[2, 1], [1, 4]]"),
    (["x^2*y + sin(x*y)", "--hessian", "--at", "x=0,y=1", "--float"], "[[2.0, 1.0], [1.0, 0.0]]"),
    (["3*x^2-4*x", "--at", "x=1", "--latex"], "2"),
])
def test_at(capsys, arguments, expected):
    assert call(capsys, *arguments) == (0, expected + "\n", "")


def test_at_json(capsys):
    status, out, _ = call(capsys, "sin(x)", "--at", "x=pi/3", "--format", "json")
    assert status == 0 and json.loads(out) == {"result": "1/2", "latex": "\\frac{1}{2}"}


@pytest.mark.parametrize("arguments, message, caret", [
    (["log(x)", "--at", "x=0"], "1/x is undefined at x = 0 (division by zero)", None),
    (["sqrt(x)", "--order", "0", "--at", "x=-1"], "is undefined at x = -1 (not a real number)", None),
    (["x", "--at", "x=1,,y=2"], "in the value of x: unexpected ','", "  x=1,,y=2\n     ^"),
    (["x", "--at", "x"], "expected a point such as x=1", "  x\n  ^"),
    (["x", "--at", "x=1,x=2"], "x is given twice", None),
    (["x", "--at", "sin=1"], "sin is a function or constant, not a variable", None),
    (["x^2", "--steps", "--at", "x=1"], "--steps cannot be combined with --at", None),
    (["x^2", "--check", "--at", "x=1"], "--check cannot be combined with --at", None),
])
def test_at_errors(capsys, arguments, message, caret):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == "" and message in err
    if caret:
        assert caret in err


def test_limit_table_text_latex_and_json(capsys):
    status, out, _ = call(capsys, "3*x^2-4*x", "--limit", "x=1")
    assert status == 0 and out.splitlines()[0] == "h=0.1      (f(x+h)-f(x))/h = 2.3"
    assert out.splitlines()[-1] == "exact f'(1) = 2"
    _, out, _ = call(capsys, "3*x^2-4*x", "--limit", "x=1", "--latex")
    assert out.startswith("\\begin{array}")
    _, out, _ = call(capsys, "3*x^2-4*x", "--limit", "x=1", "--format", "json")
    data = json.loads(out)
    assert data["exact"] == "2" and data["rows"][0] == [0.1, pytest.approx(2.3)]


@pytest.mark.parametrize("arguments, message", [
    (["x*y", "--limit", "x=1"], "give a value for y too"),
    (["x*y", "--limit", "y=1", "--wrt", "x"], "--limit needs the point of x"),
    (["x^2", "--limit", "x=1", "--at", "x=1"], "--limit cannot be combined with --at"),
    (["abs(x)", "--limit", "x=0"], "abs"),
])
def test_limit_errors(capsys, arguments, message):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == "" and message in err


def _png_size(path) -> tuple:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_plot_tangent_and_range(capsys, tmp_path):
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    target = tmp_path / "tangent.png"
    status, out, err = call(capsys, "x^3 - 1/x", "--at", "x=1", "--plot", str(target))
    assert (status, out) == (0, "4\n")
    assert err == f"symdiff: wrote {target} (f and its tangent y = 4*x - 4 at x = 1)\n"
    assert _png_size(target) == (640, 480)
    both = tmp_path / "both.svg"
    status, out, err = call(capsys, "sin(x)", "--plot", str(both), "--range", "-2:2")   # value starting with -
    assert (status, out) == (0, "cos(x)\n") and "for -2 <= x <= 2" in err
    assert both.read_text().lstrip().startswith("<?xml") and "<svg" in both.read_text()


@pytest.mark.parametrize("arguments, message", [
    (["sin(x)", "--plot", "p.svg", "--range", "1:x"], "--range takes two numbers"),
    (["sin(x)", "--plot", "p.svg", "--range", "2:1"], "from low to high"),
    (["x*y", "--plot", "p.svg", "--wrt", "x,y"], "--plot is for a function of one variable"),
    (["sin(x)", "--plot", "p.pdf"], ".pdf"),
])
def test_plot_errors(capsys, tmp_path, monkeypatch, arguments, message):
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    monkeypatch.chdir(tmp_path)
    status, _, err = call(capsys, *arguments)
    assert status == 2 and message in err and err.count("\n") <= 3


def test_plot_without_matplotlib_says_how_to_install(capsys, tmp_path, monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    status, _, err = call(capsys, "sin(x)", "--plot", str(tmp_path / "p.svg"))
    assert status == 2 and "pip install 'symdiff-cas[plot]'" in err  # the distribution's name, not symdiff's
