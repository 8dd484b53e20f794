"""The command line's conventions (issue 17): short options, an unknown option that is not read as an expression,
`-` reading the expression from standard input, a reader of the output that goes away (symdiff ... | head -1)
ending symdiff quietly with status 0, --help's examples, and tab completion (the optional completion extra).

The conventions of a real process (standard input, closed pipes, completion) are tested in child processes
(`python -m symdiff`), each waited on with a time limit."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from symdiff.cli.command import EXIT_OK, EXIT_USAGE, main
from symdiff.cli.options import build_argument_parser

SYMDIFF = [sys.executable, "-m", "symdiff"]
WAIT = 60  # seconds: how long a child may take before the test fails instead of hanging


def call(capsys, *arguments: str):
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


def symdiff(*arguments: str, input: bytes | None = b"", env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*SYMDIFF, *arguments], input=input, capture_output=True, timeout=WAIT, env=env)


# ---- short options ----------------------------------------------------------------------------------------

SHORT = {"-w": "--wrt", "-n": "--order", "-f": "--format", "-l": "--latex", "-o": "--output", "-j": "--jobs",
         "-V": "--version", "-h": "--help"}


def test_the_short_spellings_are_these_and_each_is_one_option():
    parser = build_argument_parser()
    shorts = {s: parser.long_spelling[s] for s in parser.stored_as if not s.startswith("--")}
    assert shorts == SHORT  # -o is --output (as for cc and sort), so the order is -n: the n-th derivative
    assert len(set(shorts.values())) == len(shorts)


@pytest.mark.parametrize("short, long", [
    (["x^2*y^3", "-w", "x", "-w", "y"], ["x^2*y^3", "--wrt", "x", "--wrt", "y"]),
    (["x^2*y^3", "-w", "x,y"], ["x^2*y^3", "--wrt=x,y"]),
    (["x^2*y^3", "-wx,y"], ["x^2*y^3", "--wrt", "x,y"]),
    (["sin(x)^3", "-n", "2", "-l"], ["sin(x)^3", "--order", "2", "--latex"]),
    (["sin(x)^3", "-n2"], ["sin(x)^3", "--order", "2"]),
    (["x*exp(x)", "-f", "json"], ["x*exp(x)", "--format", "json"]),
    (["x*exp(x)", "-fsympy"], ["x*exp(x)", "--format", "sympy"]),
    (["-x^2", "-w", "x"], ["--wrt", "x", "--", "-x^2"]),
])
def test_a_short_option_does_what_its_long_spelling_does(capsys, short, long):
    expected = call(capsys, *long)
    assert expected[0] == EXIT_OK and expected[1]
    assert call(capsys, *short) == expected


def test_w_x_is_a_result_or_a_clean_error(capsys):
    assert call(capsys, "x^2", "-w", "x") == (EXIT_OK, "2*x\n", "")
    assert call(capsys, "-w", "x", "x^3") == (EXIT_OK, "3*x^2\n", "")
    with pytest.raises(SystemExit) as exited:  # no expression: argparse's one-line usage error
        main(["-w", "x"])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (EXIT_USAGE, "")
    assert err == "symdiff: error: an expression is needed (or --batch FILE) (see symdiff --help)\n"


@pytest.mark.parametrize("arguments, expected", [
    (["-x^2"], "-2*x"),
    (["-2x"], "-2"),
    (["-sin(x)"], "-cos(x)"),
    (["--", "-v"], "-1"),
    (["-w", "x", "--", "-x"], "-1"),
])
def test_an_expression_that_starts_with_a_minus_still_works(capsys, arguments, expected):
    assert call(capsys, *arguments) == (EXIT_OK, expected + "\n", "")


@pytest.mark.parametrize("arguments", [["-v"], ["-V"], ["--", "-v"]])
def test_minus_v_in_a_process(arguments):
    done = symdiff(*arguments)
    if arguments == ["-v"]:
        assert (done.returncode, done.stdout) == (EXIT_USAGE, b"")
        assert done.stderr.startswith(b"symdiff: error: unknown option -v: -V or --version prints the version")
    elif arguments == ["-V"]:
        assert done.returncode == EXIT_OK and done.stdout.startswith(b"symdiff ") and done.stderr == b""
    else:
        assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, b"-1\n", b"")


def test_help_shows_examples_with_short_options_and_standard_input(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["-h"])
    out, _ = capsys.readouterr()
    assert exited.value.code == EXIT_OK
    examples = out.split("\nexamples:\n", 1)[1]
    for example in ('symdiff "sin(x)^3" -n 2 -l', "symdiff -- -v", "symdiff - < expr.txt", '"-x^2"', "-j 4 -o"):
        assert example in examples
    for short in SHORT:
        assert f"{short} " in out or f"{short}," in out


# ---- - reads the expression from standard input -------------------------------------------------------------

@pytest.mark.parametrize("given, arguments, expected", [
    (b"x^2*sin(x)\n", [], b"x^2*cos(x) + 2*x*sin(x)\n"),
    (b"\n   3*x^2 - 4*x \r\n\n", ["-w", "x"], b"6*x - 4\n"),          # the whole input, stripped
    (b"x*y, x + y^2", ["--jacobian"], b"[[y, x], [1, 2*y]]\n"),
    (b"\\frac{1}{x}", ["--from", "latex"], b"-1/x^2\n"),
    ("sin(x)·x".encode(), ["-n", "0"], b"x*sin(x)\n"),                # UTF-8
])
def test_minus_reads_the_expression_from_standard_input(given, arguments, expected):
    done = symdiff("-", *arguments, input=given)
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_OK, expected, b"")


@pytest.mark.parametrize("given, message", [
    (b"", b"symdiff: error: EXPR is -, but standard input holds no expression\n"),
    (b" \n\t\n", b"symdiff: error: EXPR is -, but standard input holds no expression\n"),
    (b"x^2\xff", b"symdiff: error: standard input is not UTF-8: byte 0xff at byte 4 cannot be read\n"),
    (b"x" * 400_001, b"symdiff: error: input too long: over 100000 characters, the limit is 100000\n"),
    (b"x^2)", b"symdiff: error: unexpected ')'; expected an operator or the end of the input\n  x^2)\n     ^\n"),
])
def test_standard_input_that_holds_no_expression_is_a_one_line_error(given, message):
    done = symdiff("-", input=given)
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_USAGE, b"", message)


def test_minus_with_no_standard_input_at_all():
    done = subprocess.run([*SYMDIFF, "-"], stdin=subprocess.DEVNULL, capture_output=True, timeout=WAIT)
    assert (done.returncode, done.stdout) == (EXIT_USAGE, b"")
    closed = subprocess.run([*SYMDIFF, "-"], capture_output=True, timeout=WAIT, preexec_fn=lambda: os.close(0))
    assert closed.returncode == EXIT_USAGE
    assert closed.stderr == b"symdiff: error: EXPR is -, but there is no standard input to read it from\n"


def test_minus_in_process_reads_a_replaced_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"  x^3\n")))
    assert call(capsys, "-") == (EXIT_OK, "3*x^2\n", "")
    monkeypatch.setattr(sys, "stdin", io.StringIO("x^4\n"))  # a text stream without a byte buffer
    assert call(capsys, "-") == (EXIT_OK, "4*x^3\n", "")


def test_minus_is_not_an_expression_besides_batch(capsys, tmp_path):
    assert call(capsys, "--batch", str(tmp_path / "none.txt"), "-") == \
        (EXIT_USAGE, "", "symdiff: error: --batch reads the expressions from FILE: give no expression as well\n")


# ---- a reader that goes away: symdiff ... | head -1 ------------------------------------------------------------

def _feed(stream, data: bytes) -> None:
    """Write `data` to a child's standard input, then close it (in a thread: the child may stop reading)."""
    try:
        stream.write(data)
        stream.close()
    except (BrokenPipeError, ValueError):
        pass


def _reader_goes_away(arguments: list[str], lines_read: int, input: bytes | None = None,
                      buffered: bool = True) -> tuple[int, bytes]:
    """Run symdiff with its output to a pipe whose reader reads `lines_read` lines (0: none, closing it before
    symdiff writes) and then closes it, as `symdiff ... | head -n 1` does. (exit status, standard error).
    `buffered`: Python's standard output to a pipe as a shell gives it (written when flushed, at the latest at
    exit), or unbuffered (PYTHONUNBUFFERED, each write at once)."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen([*SYMDIFF, *arguments], stdin=subprocess.PIPE if input is not None else None,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        if input is not None:
            threading.Thread(target=_feed, args=(process.stdin, input), daemon=True).start()
        for _ in range(lines_read):
            assert process.stdout.readline()
        process.stdout.close()
        status = process.wait(timeout=WAIT)
        return status, process.stderr.read()
    finally:
        process.kill()
        process.wait(timeout=WAIT)


@pytest.mark.parametrize("arguments", [
    ["x^2*sin(x)", "-w", "x"],
    ["x^2*y + sin(x*y)", "--hessian", "--format", "sympy"],
    ["--help"],
    ["--version"],
])
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_a_reader_gone_before_the_output_ends_symdiff_quietly(arguments, buffered):
    status, err = _reader_goes_away(arguments, 0, buffered=buffered)
    assert (status, err) == (EXIT_OK, b"")


@pytest.fixture(scope="module")
def many_lines(tmp_path_factory) -> Path:
    """A batch far longer than a pipe holds (64 KiB), so that symdiff writes after its reader has gone."""
    path = tmp_path_factory.mktemp("batch") / "many.txt"
    path.write_text("".join(f"x^{n}*sin(x) + {'x*' * 40}x\n" for n in range(1, 5001)))
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_whose_reader_goes_away_ends_quietly(many_lines, jobs):
    status, err = _reader_goes_away(["--batch", str(many_lines), "-j", jobs], 1)
    assert (status, err) == (EXIT_OK, b"")


def test_a_batch_from_standard_input_whose_reader_goes_away_ends_quietly(many_lines):
    status, err = _reader_goes_away(["--batch", "-", "-j", "1"], 2, input=many_lines.read_bytes())
    assert (status, err) == (EXIT_OK, b"")


# ---- tab completion (the completion extra: argcomplete) -------------------------------------------------------

def _completions(tmp_path, line: str) -> tuple[int, list[str]]:
    """What `python -m symdiff` answers a shell that asks for the completions of `line` (the cursor at its end), as
    argcomplete's shell hook asks: the request in the environment (_ARGCOMPLETE=3: the words after
    `python -m`), the answer in a file here instead of the hook's file descriptor 8."""
    answer = tmp_path / "completions"
    typed = f"python -m {line}"
    env = {**os.environ, "_ARGCOMPLETE": "3", "COMP_LINE": typed, "COMP_POINT": str(len(typed)),
           "_ARGCOMPLETE_STDOUT_FILENAME": str(answer)}
    done = subprocess.run(SYMDIFF, env=env, capture_output=True, timeout=WAIT, cwd=tmp_path)
    found = answer.read_text().split("\013") if answer.exists() else []
    answer.unlink(missing_ok=True)
    return done.returncode, found


def test_tab_completion_of_options_and_their_values(tmp_path):
    pytest.importorskip("argcomplete", reason="completion is an optional extra: pip install '.[completion]'")
    status, found = _completions(tmp_path, "symdiff x^2 --for")
    assert (status, found) == (EXIT_OK, ["--format "])
    status, found = _completions(tmp_path, "symdiff x^2 -f ")
    assert status == EXIT_OK and sorted(found) == ["json", "latex", "numpy", "sympy", "text"]
    status, found = _completions(tmp_path, "symdiff x^2 -")
    assert {"-w", "--wrt", "-n", "--order", "-V", "--version"} <= set(found)
    (tmp_path / "exprs.txt").write_text("x^2\n")
    status, found = _completions(tmp_path, "symdiff --batch ex")
    assert found == ["exprs.txt "]


def test_without_the_completion_extra_a_shell_that_asks_gets_nothing(tmp_path):
    """argcomplete is optional: without it, a request for completions ends quietly, neither a traceback nor a
    derivative."""
    code = "import sys; sys.modules['argcomplete'] = None; from symdiff.cli import run; sys.exit(run())"
    line = "symdiff x^2 --for"
    env = {**os.environ, "_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
           "_ARGCOMPLETE_STDOUT_FILENAME": str(tmp_path / "completions")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=WAIT)
    assert (done.returncode, done.stdout, done.stderr) == (EXIT_USAGE, b"", b"")
    assert not (tmp_path / "completions").exists()


def test_completion_is_asked_for_only_by_a_shell(capsys, monkeypatch):
    """main() with arguments, as a test or a program calls it, never answers a completion request."""
    monkeypatch.setenv("_ARGCOMPLETE", "1")
    assert call(capsys, "x^2") == (EXIT_OK, "2*x\n", "")


def test_the_console_script_is_marked_for_global_completion():
    """argcomplete's global completion asks a console script only when its package starts with this marker."""
    import symdiff.cli
    assert "PYTHON_ARGCOMPLETE_OK" in Path(symdiff.cli.__file__).read_text(encoding="utf-8")[:1024]
