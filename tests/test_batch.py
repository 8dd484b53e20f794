"""Batch differentiation (symdiff.batch.run_batch): one output line per input line, in order, plain or JSON
lines; a bad line is its own error and never stops the rest; a progress line only on a terminal."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time

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
    # undecodable bytes: an error on their line alone, at the column where they are
    assert out[4] == "error: the line is not UTF-8: byte 0xff cannot be read (column 2)"
    assert summary.lines == 5
    summary, out = run(io.StringIO("x^2\nx^3"))
    assert out == ["2*x", "3*x^2"]
    summary, out = run(io.BytesIO(b"x^2\n\xe2\x88\x9ax\nx^3"))  # a binary stream, decoded line by line
    assert out == ["2*x", "1/(2*sqrt(x))", "3*x^2"]


@pytest.mark.parametrize("source", [
    lambda path: path,
    lambda path: open(path, "rb"),
    lambda path: open(path, encoding="utf-8", newline=""),  # its readline() stops at a lone \r: joined again
    lambda path: io.StringIO(path.read_bytes().decode()),
], ids=["path", "binary stream", "text stream newline=''", "StringIO"])
def test_only_a_newline_ends_a_line(tmp_path, source):
    """A lone \r inside a line split it in two (a file of 10,000 lines gave 10,022 output lines)."""
    path = tmp_path / "in.txt"
    path.write_bytes(b"x\r+1\nx^2\r\n\rx^3\r\r\nsin(x)")
    stream = source(path)
    summary, out = run(stream, output_format="json")
    if hasattr(stream, "close"):
        stream.close()
    assert [json.loads(line)["expr"] for line in out] == ["x\r+1", "x^2", "\rx^3\r", "sin(x)"]
    assert summary.lines == 4


def test_an_error_message_never_breaks_its_output_line():
    from symdiff.api.batch import format_record
    record = {"line": 1, "error": {"type": "ParseError", "message": "a\rb\nc\u2028d", "position": 0}}
    assert format_record(record, "text") == "error: a b c d (column 1)"


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
    summary, out = run(["x", "x^2", "x^3"], start=2)
    assert out == ["3*x^2"]
    assert (summary.skipped, summary.lines, summary.last_line) == (2, 1, 3)


def test_lines_skipped_still_choose_the_output_format():
    """A resumed batch writes the format its first run chose, from the first non-blank line of the input."""
    _, out = run(['{"expr": "x"}', "x^2", "x^3"], start=1)
    assert [json.loads(line)["result"] for line in out] == ["2*x", "3*x^2"]


def test_resume_keeps_the_complete_lines_of_the_output_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_bytes(b"1\n2*x\n3*")  # the last line was being written when the run was killed
    summary = run_batch(["x", "x^2", "x^3", "x^4"], target, resume=True)
    assert target.read_text() == "1\n2*x\n3*x^2\n4*x^3\n"
    assert (summary.skipped, summary.lines) == (2, 2)
    summary = run_batch(["x", "x^2"], tmp_path / "new.txt", resume=True)  # nothing to resume: a new file
    assert (tmp_path / "new.txt").read_text() == "1\n2*x\n" and summary.skipped == 0
    from symdiff.core.errors import UsageError
    with pytest.raises(UsageError, match="resume needs the output file's path"):
        run_batch(["x"], io.StringIO(), resume=True)


def test_each_line_has_its_own_time_budget(monkeypatch):
    """budget.max_seconds is a deadline for each line, not for the batch: ten lines of 0.05 s each under 0.2 s."""
    import symdiff.api.batch
    original = symdiff.api.batch.diff

    def slow(*args, **kwargs):
        time.sleep(0.05)
        return original(*args, **kwargs)
    monkeypatch.setattr(symdiff.api.batch, "diff", slow)
    summary, out = run(["x^2"] * 10, budget=Budget(max_seconds=0.2))
    assert out == ["2*x"] * 10 and summary.ok


def test_a_line_over_its_time_budget_is_its_own_error():
    """In this process (jobs=1) the cooperative checks stop a line: a TimeLimitError on its line, the rest goes on."""
    slow = '{"expr": "sin(sin(sin(sin(sin(x)))))", "order": 12}'
    started = time.monotonic()
    summary, out = run(["x^2", slow, "x^3"], budget=Budget(max_seconds=0.5), output_format="json")
    assert time.monotonic() - started < 5
    records = [json.loads(line) for line in out]
    assert records[1]["error"]["type"] == "TimeLimitError" and records[1]["expr"] == "sin(sin(sin(sin(sin(x)))))"
    assert [records[0]["result"], records[2]["result"]] == ["2*x", "3*x^2"] and summary.failed_lines == [2]


def test_worker_processes_give_the_same_output():
    lines = ["x^2*sin(x)", "sin(x", '{"expr": "x^2*y", "wrt": "y"}', "", "x\ry", "exp(x)/x"] * 5
    _, one = run(lines, output_format="json")
    summary, two = run(lines, output_format="json", jobs=2)
    assert two == one and summary.lines == 30


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_is_a_whole_number(jobs):
    from symdiff.core.errors import UsageError
    with pytest.raises(UsageError, match="jobs must be a whole number"):
        run(["x"], jobs=jobs)


def test_process_line_and_format_record_are_public():
    """symdiff.api.cluster calls them by these names, with these positional arguments."""
    from symdiff.api.batch import format_record, process_line
    record = process_line(3, "x^2*y\n", ["y"], 1, "full")
    assert record == {"line": 3, "expr": "x^2*y", "wrt": ["y"], "result": "x^2", "latex": "x^{2}"}
    assert format_record(record, "text") == "x^2"
    slow = process_line(1, "sin(sin(sin(sin(sin(x)))))", ["x"], 12, "full", budget=Budget(max_seconds=0.2))
    assert slow["error"]["type"] == "TimeLimitError"


# ---- Ctrl-C ---------------------------------------------------------------------------------------------------

def test_ctrl_c_keeps_the_lines_done_and_says_how_far():
    def lines():
        yield from ["x", "x^2"]
        raise KeyboardInterrupt
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt) as interrupt:
        run_batch(lines(), out)
    assert out.getvalue() == "1\n2*x\n"
    assert interrupt.value.batch_summary == BatchSummary(lines=2, succeeded=2)


def test_ctrl_c_swallowed_inside_a_line_still_stops_the_batch(monkeypatch):
    """Once in four runs Ctrl-C was swallowed and the batch ran on to exit 0: code deep in a line's work may
    catch it. The press is remembered: the batch stops before writing that line (it may be incomplete)."""
    import symdiff.api.batch
    original = symdiff.api.batch.diff

    def swallowing(expr, *args, **kwargs):
        if "boom" in expr.free_symbols:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(5)  # interrupted at once
            except KeyboardInterrupt:
                pass
        return original(expr, *args, **kwargs)
    monkeypatch.setattr(symdiff.api.batch, "diff", swallowing)
    out = io.StringIO()
    with pytest.raises(KeyboardInterrupt) as interrupt:
        run_batch(["x", "boom*x", "x^3"], out, wrt="x")
    assert out.getvalue() == "1\n" and interrupt.value.batch_summary.lines == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


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
    """The progress line is tqdm's, drawn at the end with the count reached, then cleared."""
    progress = Terminal()
    run(["x"] * 5, progress_stream=progress)
    assert re.search(r"\rsymdiff: 100%\|[^|]*\| 5/5 \[", progress.getvalue())
    assert re.search(r"\r +\r$", progress.getvalue())  # the line is cleared at the end
    quiet = io.StringIO()
    run(["x"] * 5, progress_stream=quiet)
    assert quiet.getvalue() == ""
    forced = io.StringIO()
    run(["x"] * 5, progress_stream=forced, progress=True)
    assert "5/5" in forced.getvalue()
    off = Terminal()
    run(["x"] * 5, progress_stream=off, progress=False)
    assert off.getvalue() == ""


def test_progress_shows_a_total_only_for_a_regular_file(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("x\nx^2\nx^3\n")
    shown = io.StringIO()
    run(path, progress=True, progress_stream=shown)
    assert re.search(r"symdiff: 100%\|[^|]*\| 3/3 \[.* lines/s\]", shown.getvalue())
    read_end, write_end = os.pipe()
    os.write(write_end, b"x\nx^2\nx^3\n")
    os.close(write_end)
    shown = io.StringIO()
    with open(read_end, "rb") as pipe:  # counting its lines first would read them: no total
        _, out = run(pipe, progress=True, progress_stream=shown)
    assert out == ["1", "2*x", "3*x^2"]
    assert re.search(r"symdiff: 3 lines \[", shown.getvalue()) and "/3" not in shown.getvalue()


def test_progress_of_a_resumed_batch_counts_the_lines_done_before(tmp_path):
    path, output = tmp_path / "in.txt", tmp_path / "out.txt"
    path.write_text("x\nx^2\nx^3\nx^4\n")
    output.write_text("1\n2*x\n")
    shown = io.StringIO()
    summary = run_batch(path, output, progress=True, progress_stream=shown, resume=True)
    assert summary.lines == 2 and output.read_text() == "1\n2*x\n3*x^2\n4*x^3\n"
    assert "| 2/4 [" in shown.getvalue() and "| 4/4 [" in shown.getvalue()


def _read_all(fd: int, into: list) -> None:
    """Everything written to a pseudo-terminal, read from its other side until that side is closed."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the terminal's side is closed and all of it was read
            return
        if not chunk:
            return
        into.append(chunk)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="a pseudo-terminal as POSIX has them")
@pytest.mark.parametrize("columns", [100, 0])
def test_progress_on_a_real_terminal(columns):
    """On a pseudo-terminal the line fits its width; one whose size was never set (0 columns, where tqdm would
    draw an empty line) gets 80 columns."""
    import fcntl
    import struct
    import termios
    import threading
    main, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    chunks: list = []
    reader = threading.Thread(target=_read_all, args=(main, chunks), daemon=True)
    reader.start()
    with open(terminal, "w", encoding="utf-8") as stream:
        assert stream.isatty()
        run(["x"] * 200, progress_stream=stream)
    reader.join(timeout=30)
    os.close(main)
    lines = [line for line in b"".join(chunks).decode("utf-8").split("\r") if line.strip()]
    assert re.match(r"symdiff: 100%\|[^|]+\| 200/200 \[", lines[-1])
    assert len(lines[-1]) == (columns - 1 if columns else 80)  # tqdm leaves the last column free


def test_tqdm_is_imported_only_when_a_progress_line_is_shown(tmp_path):
    """tqdm costs a batch about 50 ms to import: a batch whose progress is not shown (not on a terminal) never
    loads it."""
    code = ("import io, sys, symdiff\n"
            "symdiff.run_batch(['x^2'], io.StringIO(), progress_stream=io.StringIO())\n"
            "print('tqdm' in sys.modules)\n"
            "symdiff.run_batch(['x^2'], io.StringIO(), progress=True, progress_stream=io.StringIO())\n"
            "print('tqdm' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "True"], done.stderr


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
    (["--batch", "FILE", "--output", "no-such-directory/out.txt"], "cannot write no-such-directory/out.txt"),
    (["--batch", "FILE", "--resume"], "--resume needs --output"),
    (["x", "--jobs", "2"], "--jobs needs --batch"),
    (["x", "--output", "out.txt"], "--output needs --batch"),
])
def test_cli_batch_usage_errors(capsys, tmp_path, monkeypatch, arguments, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("x\n", encoding="utf-8")
    status, out, err = _cli(capsys, *arguments)
    assert status == 2 and out == "" and message in err


def test_the_options_that_need_another_are_options_of_the_parser():
    from symdiff.cli.options import REQUIRES, build_argument_parser
    assert {option for row in REQUIRES for option in row} <= set(build_argument_parser().stored_as)


def test_cli_needs_an_expression_or_a_batch(capsys):
    with pytest.raises(SystemExit) as exit_info:
        _cli(capsys, "--wrt", "x")
    assert exit_info.value.code == 2


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "soon"])
def test_cli_timeout_must_be_a_number_of_seconds(capsys, value):
    with pytest.raises(SystemExit) as exit_info:
        _cli(capsys, "x^2", "--timeout", value)
    assert exit_info.value.code == 2
    assert f"argument --timeout: must be a number of seconds > 0, not '{value}'" in capsys.readouterr().err


def test_cli_batch_output_file(capsys, tmp_path):
    source, target = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("x^2\nsin(x)\n", encoding="utf-8")
    status, out, err = _cli(capsys, "--batch", str(source), "--output", str(target), "--jobs", "1",
                            "--timeout", "5")
    assert (status, out, err) == (0, "", "") and target.read_text() == "2*x\ncos(x)\n"
