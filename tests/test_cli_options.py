"""The command line's options (symdiff.cli.options): the table of options that cannot be given together, the modes,
and telling an expression that starts with a minus from an option, with argparse's public API only."""

from __future__ import annotations

import re
from itertools import product
from pathlib import Path

import pytest

import symdiff.cli
from symdiff.cli.command import EXIT_OK, EXIT_USAGE, main
from symdiff.cli.options import CONFLICTS, MODE_OPTIONS, build_argument_parser

# A value for each option of the table that takes one.
VALUES = {"--batch": ["FILE"], "--at": ["x=1"], "--limit": ["x=1"], "--plot": ["p.svg"], "--order": ["2"],
          "--from": ["latex"], "--function": ["y"], "--wrt": ["x"], "--implicit": ["y"], "--tangent": ["x=1"],
          "--normal": ["x=1"], "--taylor": ["x=0"], "--compare": ["2*x"], "--direction": ["1,2"],
          "--along": ["x=t"], "--shape": ["x: n"], "--layout": ["numerator"]}

FORBIDDEN = [(option, other) for _, options, others in CONFLICTS for option, other in product(options, others)]


def call(capsys, *arguments):
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def command_line(*options: str) -> list[str]:
    """The options with their values, and an expression unless --batch reads them from a file."""
    given = [part for option in options for part in [option, *VALUES.get(option, [])]]
    return given if "--batch" in options else ["x^2*y", *given]


def test_the_table_names_only_options_of_the_parser():
    spellings = build_argument_parser().stored_as
    named = {option for _, options, others in CONFLICTS for option in options + others}
    named |= {option for _, options in MODE_OPTIONS for option in options}
    assert named <= set(spellings)
    assert {mode for mode, _, _ in CONFLICTS} <= {None} | {mode for mode, _ in MODE_OPTIONS}


@pytest.mark.parametrize("option, other", FORBIDDEN, ids="{0[0]} {0[1]}".format)
def test_every_forbidden_pair_is_a_one_line_usage_error_naming_both(capsys, tmp_path, monkeypatch, option, other):
    monkeypatch.chdir(tmp_path)  # nothing is read or written: the pair is refused first
    for arguments in (command_line(option, other), command_line(other, option)):
        status, out, err = call(capsys, *arguments)
        assert (status, out) == (EXIT_USAGE, ""), arguments
        assert err == f"symdiff: error: {option} cannot be combined with {other}\n", arguments
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("arguments, message", [
    (["--batch", "FILE", "--steps", "--at", "x=1"], "--steps cannot be combined with --batch"),
    (["x*y", "--grad", "--steps", "--at", "x=1"], "--steps cannot be combined with --at"),
    (["x*y", "--hessian", "--steps", "--order", "2"], "--order cannot be combined with --hessian"),
    (["x", "--limit", "x=1", "--cse", "--check", "--at", "x=1"], "--check cannot be combined with --at"),
])
def test_of_several_forbidden_pairs_the_first_in_the_table_is_reported(capsys, arguments, message):
    assert call(capsys, *arguments) == (EXIT_USAGE, "", f"symdiff: error: {message}\n")


def test_a_row_of_a_mode_holds_only_in_that_mode(capsys):
    """--limit's row is the limit table's: with --grad, the gradient is printed and --limit is not read."""
    assert call(capsys, "x*y", "--grad", "--limit", "x=1", "--cse") == (EXIT_OK, "[y, x]\n", "")


@pytest.mark.parametrize("arguments, expected", [
    (["x^2*y", "--grad", "--at", "x=1,y=2"], "[4, 1]"),
    (["x^2*y", "--jacobian", "--wrt", "x,y", "--cse", "--format", "json"], None),
    (["exp(sin(x))/(1 + sin(x))", "--latex", "--cse"], None),
    (["x^2", "--steps", "--latex"], "\\begin{aligned}\n\\frac{d}{dx}\\left[x^{2}\\right] &= 2 x && "
                                    "\\text{power rule}\n\\end{aligned}"),
    (["x^2", "--simplify-only", "--cse"], "x^2"),
    (["x^3", "--limit", "x=1", "--wrt", "x", "--latex"], None),
    (["3*x^2-4*x", "--at", "x=1", "--float", "--no-simplify"], "2.0"),
    (["x^2*sin(x)", "--timeout", "5", "--steps", "--check"], None),
    (["x*y", "--grad", "--timeout=0.5"], "[y, x]"),
])
def test_allowed_combinations_still_work(capsys, arguments, expected):
    status, out, err = call(capsys, *arguments)
    assert (status, err) == (EXIT_OK, "")
    if expected is not None:
        assert out == expected + "\n"


def test_the_steps_and_the_check_of_a_derivative_combine(capsys):
    status, out, _ = call(capsys, "x^2*sin(x)", "--steps", "--check")
    assert status == EXIT_OK and out.startswith("d/dx [x^2*sin(x)]\n") and "agree" in out


@pytest.mark.parametrize("argv, expected", [
    (["-x^2", "--wrt", "x"], ["--wrt", "x", "--", "-x^2"]),          # an expression that starts with a minus
    (["--wrt", "x", "-x^2"], ["--wrt", "x", "--", "-x^2"]),
    (["-w", "x", "-x^2"], ["-w", "x", "--", "-x^2"]),
    (["-f(x)^2", "-w", "x"], ["-w", "x", "--", "-f(x)^2"]),            # not -f with the value (x)^2
    (["-2x", "-n", "2"], ["-n", "2", "--", "-2x"]),
    (["-"], ["--", "-"]),                                              # standard input
    (["sin(x)", "--range", "-3:3"], ["sin(x)", "--range=-3:3"]),       # an option's value that starts with one
    (["sin(x)", "-w", "-x"], ["sin(x)", "-w=-x"]),
    (["x", "--format=json", "-x^3"], ["x", "--format=json", "--", "-x^3"]),
    (["x", "-fjson", "-n2", "-wx,y"], ["x", "-fjson", "-n2", "-wx,y"]),  # short options with their values
    (["--wrt", "x", "--", "-x^2", "--cse"], ["--wrt", "x", "--", "-x^2", "--cse"]),
    (["--", "-v"], ["--", "-v"]),
    (["x^2", "--latex", "--wrt", "x"], ["x^2", "--latex", "--wrt", "x"]),
])
def test_an_expression_starting_with_a_minus_is_passed_after_double_dash(argv, expected):
    assert build_argument_parser().with_expression_last(argv) == expected


@pytest.mark.parametrize("argument", ["-v", "-x", "-sinx", "-x2", "--verbose", "--wr", "--frobnicate=1"])
def test_an_option_symdiff_does_not_have_is_not_read_as_an_expression(capsys, argument):
    """`symdiff -v` printed -1, the derivative of the expression -v: an argument shaped as an option is one. The
    message says how to give it as an expression all the same."""
    status, out, err = call(capsys, "x^2", argument)
    assert (status, out) == (EXIT_USAGE, "")
    assert err.startswith(f"symdiff: error: unknown option {argument.split('=')[0]}: ") and err.count("\n") == 1
    if argument.startswith("--"):
        assert err.endswith(": see symdiff --help\n")
    else:
        assert err.endswith(f"an expression that starts with a minus goes after --, as in symdiff -- {argument}\n")


def test_minus_v_says_where_the_version_is(capsys):
    message = ("symdiff: error: unknown option -v: -V or --version prints the version; an expression that starts "
               "with a minus goes after --, as in symdiff -- -v\n")
    assert call(capsys, "-v") == (EXIT_USAGE, "", message)


def test_short_flags_run_together_are_read_by_argparse(capsys):
    assert call(capsys, "x^2", "-lw", "x") == (EXIT_OK, "2 x\n", "")
    with pytest.raises(SystemExit) as exited:  # -h takes no value: argparse's own one-line error
        main(["-hx"])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (EXIT_USAGE, "") and err.startswith("symdiff: error: argument -h/--help")


def test_the_table_knows_the_short_spellings(capsys, tmp_path, monkeypatch):
    """CONFLICTS and REQUIRES name the long spellings; an option given by its short one is found (parser.given)
    and named in the message as it was typed."""
    parser = build_argument_parser()
    short = {parser.long_spelling[s]: s for s in parser.stored_as if not s.startswith("--") and s != "-h"}
    assert set(short) == {"--wrt", "--order", "--format", "--latex", "--output", "--jobs", "--version"}
    monkeypatch.chdir(tmp_path)
    shortened = [(option, other) for option, other in FORBIDDEN if option in short or other in short]
    assert shortened, "no row of CONFLICTS names an option with a short spelling"
    for option, other in shortened:
        arguments = [short.get(part, part) for part in command_line(option, other)]
        status, out, err = call(capsys, *arguments)
        assert (status, out) == (EXIT_USAGE, ""), arguments
        assert err == f"symdiff: error: {short.get(option, option)} cannot be combined with " \
                      f"{short.get(other, other)}\n", arguments
    assert call(capsys, "x^2", "-o", "out.txt") == (EXIT_USAGE, "", "symdiff: error: -o needs --batch\n")
    assert call(capsys, "x^2", "-j", "2") == (EXIT_USAGE, "", "symdiff: error: -j needs --batch\n")
    assert call(capsys, "x^2", "--jobs=2") == (EXIT_USAGE, "", "symdiff: error: --jobs needs --batch\n")
    assert list(tmp_path.iterdir()) == []


def test_an_expression_starting_with_a_minus_is_differentiated(capsys):
    assert call(capsys, "-x^2", "--wrt", "x") == (EXIT_OK, "-2*x\n", "")
    assert call(capsys, "--order", "2", "-x^3") == (EXIT_OK, "-6*x\n", "")


def test_the_cli_uses_no_private_argparse_api():
    """argparse's private names (parser._actions, argparse._StoreConstAction, ...) change between Python versions."""
    package = Path(symdiff.cli.__file__).parent
    sources = {path.name: path.read_text(encoding="utf-8") for path in package.glob("*.py")}
    assert "options.py" in sources and "command.py" in sources
    for name, source in sources.items():
        assert not re.search(r"argparse\._|\._actions\b|\._option_string_actions\b|\._registr|\._get_|\._parse_",
                             source), name
