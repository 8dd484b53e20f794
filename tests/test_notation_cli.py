"""The command line and textbook notation (issue 16): notes on standard error, --explain (text, LaTeX, JSON),
--function, derivatives asked for in the expression, refused notation with a caret, --at at kinks and jumps, and
--batch records with their notes. Run in-process through symdiff.cli.command.main, as tests/test_cli.py does."""

from __future__ import annotations

import json
import sys

import pytest

from symdiff.cli.command import main

# How a note on the reading is printed on standard error: one line each, after the result (docs/reference/cli.md
# and docs/reference/notation.md show this prefix).
NOTE = "symdiff: warning: "


def call(capsys, *arguments: str):
    """main() in-process: (status, stdout, stderr)."""
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


NOT_AN_EXPRESSION = (" is an equation, not an expression: differentiate one side, write it as y = ... to "
                     "differentiate its right side, or differentiate it implicitly (--implicit y; "
                     "symdiff.implicit_diff)")


def assert_one_line_error(err: str, message: str, caret_line: str | None = None, column: int | None = None):
    """The error report: one line `symdiff: error: ...`, then (if given) the input and a caret; no traceback."""
    lines = err.splitlines()
    assert lines[0] == f"symdiff: error: {message}", err
    assert "Traceback" not in err
    if caret_line is None:
        assert len(lines) == 1, err
    else:
        assert lines[1:] == ["  " + caret_line, "  " + " " * column + "^"], err


# ---------------------------------------------------------------------------------------------------------
# Notes on standard error
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, result, notes", [
    (["sinx + 1/2x", "--wrt", "x"], "1/2",
     ["sinx is read as one variable named sinx; for sin of x write sin(x) or sin x",
      "/2x divides by 2 only, then multiplies by x, as in Mathematica and SymPy; write /(2x) to divide by all of it"]),
    (["e^2x"], "2*exp(2*x)", ["e^2x is read as e^(2x), as textbooks mean it; write e^2*x for the other reading"]),
    (["x^1/2"], "1/2", [("^1/2 raises to 1 only, then divides by 2 (^ binds tighter than /); for the power 1/2 "
                         "write ^(1/2)")]),
    (["xe^x"], "exp(x)*(x + 1)", ["xe^... is read as x*e^...; for a variable named xe, write (xe)^..."]),
    (["sin^2 x"], "sin(2*x)", []),
    (["d/dx x^3 sin x"], "x^3*cos(x) + 3*x^2*sin(x)", []),
])
def test_notes_go_to_standard_error_one_line_each(capsys, arguments, result, notes):
    status, out, err = call(capsys, *arguments)
    assert status == 0
    assert out == result + "\n"
    assert err.splitlines() == [NOTE + note for note in notes]


def test_notes_are_printed_after_the_result_and_not_with_an_error(capsys, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", sys.stdout)  # both streams in one, to see their order
        status, both, _ = call(capsys, "1/2x")
    assert status == 0
    assert both.splitlines() == ["1/2", NOTE + "/2x divides by 2 only, then multiplies by x, as in Mathematica and "
                                               "SymPy; write /(2x) to divide by all of it"]
    # an error's one line and caret say all (command.main): the note on sinx is not printed
    status, out, err = call(capsys, "sinx + x")
    assert status == 2 and out == ""
    assert_one_line_error(err, "the expression has several free symbols (sinx, x): say which with --wrt, e.g. "
                               "--wrt sinx")


def test_notes_come_with_other_formats_too(capsys):
    status, out, err = call(capsys, "e^2x", "--latex")
    assert (status, out) == (0, "2 e^{2 x}\n")
    assert err == NOTE + "e^2x is read as e^(2x), as textbooks mean it; write e^2*x for the other reading\n"
    status, out, err = call(capsys, "x*y, 1/2x", "--jacobian", "--wrt", "x,y")
    assert (status, out) == (0, "[[y, x], [1/2, 0]]\n")
    assert err.startswith(NOTE + "/2x divides by 2 only") and err.count("\n") == 1


# ---------------------------------------------------------------------------------------------------------
# --explain
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, read_as, latex, result", [
    (["sin^2 x"], "sin(x)^2", r"\sin^{2} x", "sin(2*x)"),
    (["y = x e^x"], "y = x*e^x   (the derivative of the right side: y is what it defines)", r"y = x e^{x}",
     "exp(x)*(x + 1)"),
    (["y(x) = x^2"], "y(x) = x^2   (the derivative of the right side: y(x) is what it defines)", r"y(x) = x^{2}",
     "2*x"),
    (["d^2/dx^2 sin x"], "d^2/dx^2 (sin(x))", r"\frac{d^{2}}{dx^{2}} \left(\sin x\right)", "-sin(x)"),
    (["|x|^3 + e^{2x}"], "abs(x)^3 + e^(2*x)", r"\left|x\right|^{3} + e^{2 x}", "3*x^2*sign(x) + 2*exp(2*x)"),
])
def test_explain_prints_the_reading_first(capsys, arguments, read_as, latex, result):
    status, out, err = call(capsys, *arguments, "--explain")
    assert status == 0
    assert out.splitlines() == [f"read as: {read_as}", f"LaTeX:   {latex}", result]
    assert err == ""


def test_explain_with_latex_output_is_a_latex_comment(capsys):
    status, out, err = call(capsys, "d/dx x^2", "--explain", "--latex")
    assert status == 0 and err == ""
    assert out.splitlines() == [r"% read as: \frac{d}{dx} \left(x^{2}\right)", "2 x"]
    status, out, _ = call(capsys, "sin^2 x", "--explain", "--format", "latex")
    assert out.splitlines() == [r"% read as: \sin^{2} x", r"\sin(2 x)"]


def test_explain_with_notes_prints_both(capsys):
    status, out, err = call(capsys, "e^2x", "--explain")
    assert status == 0
    assert out.splitlines() == ["read as: e^(2*x)", "LaTeX:   e^{2 x}", "2*exp(2*x)"]
    assert err == NOTE + "e^2x is read as e^(2x), as textbooks mean it; write e^2*x for the other reading\n"


@pytest.mark.parametrize("arguments, kind, read_as, result", [
    (["sin^2 x"], "expression", "sin(x)^2", "sin(2*x)"),
    (["y = x e^x"], "definition", "y = x*e^x", "exp(x)*(x + 1)"),
    (["f(x) = x^3"], "definition", "f(x) = x^3", "3*x^2"),
    (["d/dx x^2"], "derivative", "d/dx (x^2)", "2*x"),
    (["d^2/dx^2 x^4"], "derivative", "d^2/dx^2 (x^4)", "12*x^2"),
    (["y(x)^2", "--function", "y"], "expression", "y(x)^2", "2*y(x)*y'(x)"),
])
def test_json_with_explain_has_the_input_field(capsys, arguments, kind, read_as, result):
    status, out, err = call(capsys, *arguments, "--explain", "--format", "json")
    assert status == 0 and err == ""
    record = json.loads(out)
    assert record["result"] == result
    assert record["input"]["kind"] == kind
    assert record["input"]["read_as"] == read_as
    assert record["input"]["notes"] == []
    assert isinstance(record["input"]["latex"], str) and record["input"]["latex"]


def test_json_input_field_carries_the_notes_as_data(capsys):
    status, out, err = call(capsys, "x + 1/2x + sinx", "--wrt", "x", "--explain", "--format", "json")
    assert status == 0
    record = json.loads(out)
    assert record["result"] == "3/2"
    assert record["input"]["kind"] == "expression"
    assert record["input"]["read_as"] == "x + x/2 + sinx"
    assert record["input"]["latex"] == r"x + \frac{x}{2} + \mathit{sinx}"
    notes = record["input"]["notes"]
    assert [(note["kind"], note["column"]) for note in notes] == [("convention", 7), ("joined name", 12)]
    assert notes[0]["message"].startswith("/2x divides by 2 only")
    assert len(err.splitlines()) == 2  # the notes are on standard error too


def test_json_without_explain_has_no_input_field(capsys):
    status, out, _ = call(capsys, "sin^2 x", "--format", "json")
    assert status == 0
    assert json.loads(out) == {"result": "sin(2*x)", "latex": r"\sin(2 x)"}


def test_json_with_explain_refuses_an_equation(capsys):
    """An equation that is no definition is refused (exit 2, nothing on standard output), with the caret."""
    status, out, err = call(capsys, "x^2 + y^2 = 1", "--explain", "--format", "json")
    assert status == 2
    assert out == ""
    assert_one_line_error(err, "x^2 + y^2 = 1" + NOT_AN_EXPRESSION, "x^2 + y^2 = 1", 10)


# ---------------------------------------------------------------------------------------------------------
# --function
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, result", [
    (["y(x)^2", "--function", "y"], "2*y(x)*y'(x)"),
    (["y(x)^2", "--wrt", "x", "--function", "y"], "2*y(x)*y'(x)"),
    (["y(x) u(x)", "--function", "y,u"], "u(x)*y'(x) + y(x)*u'(x)"),
    (["y(x) u(x)", "--function", "y", "--function", "u"], "u(x)*y'(x) + y(x)*u'(x)"),
    (["rate(t) t", "--function", "rate"], "t*rate'(t) + rate(t)"),
])
def test_declared_functions(capsys, arguments, result):
    status, out, err = call(capsys, *arguments)
    assert (status, out, err) == (0, result + "\n", "")


def test_without_the_declaration_y_of_x_is_refused_with_the_way_to_declare_it(capsys):
    status, out, err = call(capsys, "y(x)^2")
    assert status == 2 and out == ""
    assert_one_line_error(err, "is y(x) the function y of x, or y times x? write y*x to multiply, or declare y a "
                               "function (--function y; in Python, functions=[\"y\"])", "y(x)^2", 0)


@pytest.mark.parametrize("arguments, message", [
    (["sin(x)", "--function", "sin"], "sin is already a function or constant; declare only undefined functions"),
    (["x", "--function", "pi"], "pi is already a function or constant; declare only undefined functions"),
    (["x", "--function", "2y"], "'2y' is not a function name"),
])
def test_declaring_a_known_name_is_a_usage_error(capsys, arguments, message):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == ""
    assert_one_line_error(err, message)


def test_a_declared_name_used_as_a_variable_is_refused(capsys):
    status, out, err = call(capsys, "y*x", "--function", "y")
    assert status == 2 and out == ""
    assert_one_line_error(err, "y is declared a function: write y(...)", "y*x", 0)


# ---------------------------------------------------------------------------------------------------------
# Derivatives asked for in the expression
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, result", [
    (["d/dx x^3"], "3*x^2"),
    (["d/dx x^3", "--wrt", "x"], "3*x^2"),
    (["d^2/dx^2 sin x"], "-sin(x)"),
    (["d/dt (t^2 e^t)"], "t*exp(t)*(t + 2)"),
    (["d/dy x^2 y"], "x^2"),
    (["∂/∂x x^2 y"], "2*x*y"),
])
def test_derivative_asked_for(capsys, arguments, result):
    assert call(capsys, *arguments) == (0, result + "\n", "")


@pytest.mark.parametrize("arguments", [
    ["d/dx x^2", "--wrt", "y"],
    ["d/dx x^2", "--order", "2"],
    ["d/dx x^2", "--simplify-only"],
])
def test_derivative_asked_for_with_other_variables_is_an_error(capsys, arguments):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == ""
    assert_one_line_error(err, "the expression asks for its derivative in x itself: give no other --wrt, --order or "
                               "--simplify-only")


def test_steps_of_a_derivative_asked_for(capsys):
    status, out, err = call(capsys, "d/dx x^2", "--steps")
    assert status == 0 and err == ""
    assert out.splitlines() == ["d/dx [x^2]", "  = 2*x    power rule"]


# ---------------------------------------------------------------------------------------------------------
# Refused notation: one line and a caret
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("expression, message, column", [
    ("x^2 + y^2 = 1", "x^2 + y^2 = 1" + NOT_AN_EXPRESSION, 10),
    ("y = y^2 + x", "y = y^2 + x" + NOT_AN_EXPRESSION, 2),
    ("cbrtt(x)", "unknown function cbrtt: did you mean cbrt(...)?", 0),
    ("x + tg(x)", "unknown function tg: did you mean tan(...)?", 4),
    ("2 Sin(x)", "unknown function Sin: did you mean sin(...)?", 2),
    ("dy/dx", ("dy/dx is derivative notation: write the expression y stands for, e.g. symdiff \"x^2\" --wrt x, or "
               "the equation y = ... (its right side is differentiated)"), 0),
    ("x^2 dx", ("dx at the end reads as a differential (as in an integral): symdiff differentiates; leave out dx and "
                "ask for the derivative in x (--wrt x, or d/dx before the expression)"), 4),
    ("derivative of x^2", ("derivative reads as a word of a request, not a variable: write the expression alone and "
                           "say the variable apart (symdiff \"x^2\" --wrt x, or d/dx x^2)"), 0),
])
def test_refused_notation_has_one_line_and_a_caret(capsys, expression, message, column):
    status, out, err = call(capsys, expression)
    assert status == 2 and out == ""
    assert_one_line_error(err, message, expression, column)
    if "=" in expression:
        assert err.splitlines()[2].index("^") == err.splitlines()[1].index("=")  # the caret is under "="


def test_the_caret_counts_columns_of_the_text_as_typed(capsys):
    status, _, err = call(capsys, "x²·tg(x)")
    assert status == 2
    assert_one_line_error(err, "unknown function tg: did you mean tan(...)?", "x²·tg(x)", 3)


def test_bare_argument_number_to_a_power_on_the_command_line(capsys):
    """(once a TypeError traceback, exit status 1)"""
    assert call(capsys, "ln 3^x") == (0, "log(3)\n", "")
    explained = "read as: sin(2^x)\nLaTeX:   \\sin(2^{x})\n2^x*cos(2^x)*log(2)\n"
    assert call(capsys, "sin 2^x", "--explain") == (0, explained, "")


# ---------------------------------------------------------------------------------------------------------
# --at where the derivative does not exist
# ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, message", [
    (["abs(x)", "--at", "x=0"], "abs(x) is not differentiable where x = 0"),
    (["|x|", "--at", "x=0", "--float"], "abs(x) is not differentiable where x = 0"),
    (["abs(x - 1)", "--at", "x=1"], "abs(x - 1) is not differentiable where x - 1 = 0"),
    (["floor(x)", "--at", "x=2"], "floor(x) is not differentiable where x = 2: it jumps at every integer"),
    (["ceil(x)", "--at", "x=-1"], "ceil(x) is not differentiable where x = -1: it jumps at every integer"),
    (["max(x, x^2)", "--at", "x=1"], "max(x, x^2) is not differentiable where x = x^2"),
    (["min(x, 1)", "--at", "x=1"], "min(x, 1) is not differentiable where x = 1"),
    (["x abs(x)", "--at", "x=0", "--order", "2"], "abs(x) is not differentiable where x = 0"),
])
def test_at_a_kink_or_jump_is_an_error(capsys, arguments, message):
    status, out, err = call(capsys, *arguments)
    assert status == 2 and out == ""
    assert_one_line_error(err, message)


@pytest.mark.parametrize("arguments, value", [
    (["abs(x)", "--at", "x=1"], "1"),
    (["abs(x)", "--at", "x=-1/2"], "-1"),
    (["floor(x)", "--at", "x=2.5"], "0"),
    (["ceil(x)", "--at", "x=1/3"], "0"),
    (["max(x, x^2)", "--at", "x=2"], "4"),
    (["max(x, x^2)", "--at", "x=1/2"], "1"),
    (["min(x, 1)", "--at", "x=0"], "1"),
    (["x abs(x)", "--at", "x=3"], "6"),
])
def test_at_a_smooth_point_gives_the_value(capsys, arguments, value):
    assert call(capsys, *arguments) == (0, value + "\n", "")


# ---------------------------------------------------------------------------------------------------------
# --batch
# ---------------------------------------------------------------------------------------------------------

def write_lines(tmp_path, *lines: str) -> str:
    path = tmp_path / "lines.txt"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_batch_json_records_carry_notes_and_derivatives_asked_for(capsys, tmp_path):
    path = write_lines(tmp_path, "d/dx x^3", json.dumps({"expr": "sinx + 1/2x", "wrt": "x"}), "e^2x", "sin^2 x",
                       "y = x e^x", "d^2/dx^2 x^4")
    status, out, err = call(capsys, "--batch", path, "--format", "json", "--jobs", "1")
    assert status == 0, out
    assert err == ""  # the notes are in the records
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[0]["result"] == "3*x^2" and records[0]["wrt"] == ["x"] and "notes" not in records[0]
    assert records[1]["notes"] == ["sinx is read as one variable named sinx; for sin of x write sin(x) or sin x",
                                   ("/2x divides by 2 only, then multiplies by x, as in Mathematica and SymPy; "
                                    "write /(2x) to divide by all of it")]
    assert records[1]["result"] == "1/2"
    assert records[2]["notes"] == ["e^2x is read as e^(2x), as textbooks mean it; write e^2*x for the other reading"]
    assert records[2]["result"] == "2*exp(2*x)"
    assert records[3]["result"] == "sin(2*x)" and "notes" not in records[3]
    assert records[4]["result"] == "exp(x)*(x + 1)"
    assert records[5]["result"] == "12*x^2"


def test_batch_json_records_refused_notation_as_errors_and_goes_on(capsys, tmp_path):
    path = write_lines(tmp_path, "x^2 + y^2 = 1", "cbrtt(x)", "x^3", "sinx + x")
    status, out, _ = call(capsys, "--batch", path, "--format", "json", "--jobs", "1")
    assert status == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["error"]["type"] == "ParseError" and records[0]["error"]["position"] == 10
    assert "is an equation, not an expression" in records[0]["error"]["message"]
    assert records[1]["error"] == {"type": "ParseError", "message": "unknown function cbrtt: did you mean cbrt(...)?",
                                   "position": 0}
    assert records[2]["result"] == "3*x^2"
    # a line read with a note, then refused: the record has both
    assert records[3]["notes"] == ["sinx is read as one variable named sinx; for sin of x write sin(x) or sin x"]
    assert records[3]["error"]["type"] == "UsageError" and "several free symbols (sinx, x)" in \
        records[3]["error"]["message"]


def test_batch_text_line_asking_for_a_derivative(capsys, tmp_path):
    path = write_lines(tmp_path, "d/dx x^3", "d/dt (t^2)")
    status, out, _ = call(capsys, "--batch", path, "--jobs", "1")
    assert status == 0
    assert out.splitlines() == ["3*x^2", "2*t"]


def test_batch_line_asking_for_another_variable_than_the_batch(capsys, tmp_path):
    path = write_lines(tmp_path, "d/dx x^3", "x^2 y")
    status, out, _ = call(capsys, "--batch", path, "--wrt", "y", "--format", "json", "--jobs", "1")
    assert status == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert records[0]["error"] == {"type": "UsageError", "message": "the line asks for d/dx but the batch for y"}
    assert records[1]["result"] == "x^2"


@pytest.mark.parametrize("option", [["--explain"], ["--function", "y"]])
def test_batch_with_explain_or_function_is_a_usage_error(capsys, tmp_path, option):
    path = write_lines(tmp_path, "x^2")
    status, out, err = call(capsys, "--batch", path, *option)
    assert status == 2 and out == ""
    assert_one_line_error(err, f"{option[0]} cannot be combined with --batch")
