"""symdiff EXPR --from latex: the expression as copied from a paper or notebook, read by symdiff.parse_latex."""

from __future__ import annotations

import pytest

from symdiff.cli.command import main


@pytest.mark.parametrize("arguments, expected", [
    (["\\frac{\\sin x}{x^{2}}", "--from", "latex"], "(x*cos(x) - 2*sin(x))/x^3"),
    (["e^{-x^{2}}", "--from", "latex", "--order", "2"], "2*exp(-x^2)*(2*x^2 - 1)"),
    (["\\left|x\\right|^{3}", "--from", "latex"], "3*x^2*sign(x)"),
    (["x^{2} y", "--from", "latex", "--grad"], "[2*x*y, x^2]"),
    (["\\ln x", "--from", "latex", "--limit", "x=1"], None),
    (["x^2", "--from", "text"], "2*x"),
])
def test_latex_input(capsys, arguments, expected):
    assert main(arguments) == 0
    out = capsys.readouterr().out.strip()
    if expected is not None:
        assert out == expected
    else:
        assert out.endswith("exact f'(1) = 1")


def test_the_result_matches_the_text_reading(capsys):
    main(["\\sqrt{1 + x^{2}} \\cdot \\arctan x", "--from", "latex", "--latex"])
    from_latex = capsys.readouterr().out
    main(["sqrt(1 + x^2)*atan(x)", "--latex"])
    assert capsys.readouterr().out == from_latex


@pytest.mark.parametrize("arguments, message", [
    (["\\frac{x}{", "--from", "latex"], "not closed"),
    (["\\foo x", "--from", "latex"], "\\foo"),
    (["--batch", "/dev/null", "--from", "latex"], "--from cannot be combined with --batch"),
    (["x", "--from", "mathml"], "invalid choice"),
])
def test_errors_are_one_line_with_status_2(capsys, arguments, message):
    try:
        status = main(arguments)
    except SystemExit as exit:  # argparse's own usage errors
        status = exit.code
    assert status == 2
    assert message in capsys.readouterr().err
