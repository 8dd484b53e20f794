"""Batch differentiation (symdiff.batch.run_batch): one output line per input line, in order, plain or JSON
lines; a bad line is its own error and never stops the rest; a progress line only on a terminal."""

from __future__ import annotations

import io
import json

import pytest

from symdiff.api.batch import BatchSummary, run_batch
from symdiff.core.budget import Budget


def run(lines, **options):
    out = io.StringIO()
    summary = run_batch(lines, out, **options)
    return summary, out.getvalue().splitlines()


def test_plain_lines_in_plain_lines_out():
    summary, out = run(["3*x^2-4*x", "sin(x)", "x^3"])
    assert out == ["6*x - 4", "cos(x)", "3*x^2"]
    assert summary == BatchSummary(lines=3, succeeded=3, failed=0, failed_lines=[]) and summary.ok


def test_a_bad_line_does_not_stop_the_rest():
    summary, out = run(["x^2", "sin(x", "x $ 1", "", "x^2*y", "exp(x)"], wrt="x")
    assert out[0] == "2*x"
    assert out[1].startswith("error: unexpected end of input") and out[1].endswith("(column 6)")
    assert out[2] == "error: unexpected character '$' (column 3)"
    assert out[3] == "error: empty expression (column 1)"
    assert out[4:] == ["2*x*y", "exp(x)"]
    assert summary.lines == 6 and summary.failed == 3 and summary.failed_lines == [2, 3, 4] and not summary.ok


def test_json_lines_in_json_lines_out():
    lines = ['{"expr": "x^2*y", "wrt": "y"}', '{"expr": "x^2*y^3", "wrt": ["x", "y"]}',
             '{"expr": "sin(x)", "order": 2}', '{"expr": "x^2*y", "wrt": "x,y"}', '{"expr": "x^2", "wrt": "z"}']
    summary, out = run(lines)
    records = [json.loads(line) for line in out]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5]
    assert [r["result"] for r in records] == ["x^2", "6*x*y^2", "-sin(x)", "2*x", "0"]
    assert records[0] == {"line": 1, "expr": "x^2*y", "wrt": ["y"], "result": "x^2", "latex": "x^{2}"}
    assert records[4]["warning"] == "z does not occur in the expression, so the derivative is 0"
    assert summary.ok


def test_json_errors_name_the_error_and_position():
    lines = ['{"expr": "x +* 1"}', '{"expr": 3}', "{not json", '{"expr": "x", "wrt": 5}', '{"expr": "x", "to": 1}',
             '{"expr": "x^2", "order": -1}', '{"expr": "x", "order": 5000}', "[1, 2]", '{"expr": "x^2"}']
    summary, out = run(lines)
    records = [json.loads(line) for line in out]
    assert records[0]["error"] == {"type": "ParseError", "message": "unexpected '*'; expected a number, a name or '('",
                                   "position": 3} or records[0]["error"]["type"] == "ParseError"
    assert records[0]["expr"] == "x +* 1"
    assert [r["error"]["type"] for r in records[:-1]] == [
        "ParseError", "UsageError", "ParseError", "UsageError", "UsageError", "UsageError", "BudgetError",
        "ParseError"]
    assert records[-1]["result"] == "2*x"
    assert summary.failed == 8


def test_output_format_follows_the_first_non_blank_line_or_is_chosen():
    _, out = run(["", '{"expr": "x^2"}', "x^3"])
    assert [json.loads(line).get("result") for line in out] == [None, "2*x", "3*x^2"]
    _, out = run(['{"expr": "x^2"}', "x^3"], output_format="text")
    assert out == ["2*x", "3*x^2"]
    _, out = run(["x^3"], output_format="json")
    assert json.loads(out[0])["result"] == "3*x^2"
    _, out = run(["", ""])
    assert out == ["error: empty expression (column 1)"] * 2


def test_files_paths_streams_and_crlf(tmp_path):
    path = tmp_path / "in.txt"
    path.write_bytes(b"x^2\r\nsin(x)\r\n" + "√x".encode() + b"\r\n\n" + b"x\xff\n")
    summary, out = run(path)
    assert out[:3] == ["2*x", "cos(x)", "1/(2*sqrt(x))"]
    assert out[4].startswith("error: unexpected character '\ufffd'")  # undecodable bytes: an error on their line
    assert summary.lines == 5
    summary, out = run(io.StringIO("x^2\nx^3"))
    assert out == ["2*x", "3*x^2"]


def test_simplify_and_order_options():
    _, out = run(["x^3"], order=2)
    assert out == ["6*x"]
    _, raw = run(["sin(x)^2"], simplify="none")
    _, full = run(["sin(x)^2"], simplify="full")
    assert raw != full or raw == ["2*sin(x)*cos(x)"]
    _, out = run(["sin(x)^2"], simplify=False)
    assert out == raw


def test_a_line_over_the_length_limit_is_not_read_whole(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x^2\n" + "x+" * 200_000 + "x\n" + "x^3\n")
    summary, out = run(path, budget=Budget(max_input_length=1000))
    assert out[0] == "2*x" and out[2] == "3*x^2"
    assert out[1].startswith("error: input too long")
    assert summary.failed_lines == [2]


def test_limits_apply_to_every_line():
    _, out = run(["sin(sin(x))", "x^2"], budget=Budget(max_depth=1))
    assert out[0].startswith("error: too deeply nested") or out[0].startswith("error: expression too deeply")
    assert out[1] == "2*x"


def test_start_skips_lines_already_done():
    _, out = run(["x", "x^2", "x^3"], start=2)
    assert out == ["3*x^2"]


def test_results_are_written_as_they_are_computed():
    class Recorder(io.StringIO):
        flushes = 0

        def flush(self):
            Recorder.flushes += 1

    run_batch(["x", "x^2", "x^3"], Recorder())
    assert Recorder.flushes >= 3


def test_an_internal_error_on_one_line_is_reported_and_the_batch_goes_on(monkeypatch):
    import symdiff.api.batch
    original = symdiff.api.batch.diff

    def flaky(expr, *args, **kwargs):
        if "boom" in expr.free_symbols:
            raise RuntimeError("a bug")
        return original(expr, *args, **kwargs)
    monkeypatch.setattr(symdiff.api.batch, "diff", flaky)
    summary, out = run(["x^2", "boom*x", "x^3"], wrt="x", output_format="json")
    records = [json.loads(line) for line in out]
    assert records[1]["error"] == {"type": "InternalError", "message": "RuntimeError: a bug"}
    assert records[2]["result"] == "3*x^2" and summary.failed_lines == [2]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_only_on_a_terminal():
    progress = Terminal()
    run(["x"] * 5, progress_stream=progress)
    assert "symdiff: 5/5 lines (100%)" in progress.getvalue()
    assert progress.getvalue().endswith("\r")  # the line is cleared at the end
    quiet = io.StringIO()
    run(["x"] * 5, progress_stream=quiet)
    assert quiet.getvalue() == ""
    forced = io.StringIO()
    run(["x"] * 5, progress_stream=forced, progress=True)
    assert "5/5" in forced.getvalue()
    off = Terminal()
    run(["x"] * 5, progress_stream=off, progress=False)
    assert off.getvalue() == ""


def test_unknown_output_format_is_a_usage_error():
    from symdiff.core.errors import UsageError
    with pytest.raises(UsageError):
        run(["x"], output_format="xml")


# ---- the command line: symdiff --batch FILE -------------------------------------------------------------

def _cli(capsys, *arguments):
    from symdiff.cli.command import main
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_batch_text_and_json(capsys, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("3*x^2-4*x\n((x\nexp(x^2)\n", encoding="utf-8")
    status, out, err = _cli(capsys, "--batch", str(source))
    assert status == 2 and err == ""
    assert out.splitlines()[0] == "6*x - 4" and out.splitlines()[1].startswith("error: ")
    assert out.splitlines()[2] == "2*x*exp(x^2)"
    status, out, _ = _cli(capsys, "--batch", str(source), "--wrt", "x", "--format", "json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in rows] == [1, 2, 3] and rows[1]["error"]["type"] == "ParseError"


def test_cli_batch_all_good_exits_zero(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"expr": "x^2*y", "wrt": "y"}\n{"expr": "sin(x)"}\n', encoding="utf-8")
    status, out, _ = _cli(capsys, "--batch", str(source))
    assert status == 0 and [json.loads(line)["result"] for line in out.splitlines()] == ["x^2", "cos(x)"]


@pytest.mark.parametrize("arguments, message", [
    (["x", "--batch", "FILE"], "give no expression as well"),
    (["--batch", "FILE", "--grad"], "--grad cannot be combined with --batch"),
    (["--batch", "FILE", "--latex"], "--batch writes text or JSON lines"),
    (["--batch", "missing.txt"], "cannot read missing.txt"),
])
def test_cli_batch_usage_errors(capsys, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("x\n", encoding="utf-8")
    status, out, err = _cli(capsys, *arguments)
    assert status == 2 and out == "" and message in err


def test_cli_needs_an_expression_or_a_batch(capsys):
    with pytest.raises(SystemExit) as exit_info:
        _cli(capsys, "--wrt", "x")
    assert exit_info.value.code == 2
