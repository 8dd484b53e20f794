"""symdiff --batch never loses a line (issue 15): pipes, FIFOs and standard input read as they come, only "\\n"
ending a line, one line that is not UTF-8 an error for itself only, Ctrl-C stopping cleanly, a killed batch
resumed with --resume, worker processes (--jobs) giving the same bytes as one process, and a line over its
time budget (--timeout) reported on its own line while the rest goes on.

Each test runs the command line in a child process (`python -m symdiff`), as a shell would, and never waits on
it without a time limit.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from functools import partial

import pytest

from symdiff.api.batch_workers import records_in_order, seconds_before_kill

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pipes, FIFOs and signals as POSIX has them")

SYMDIFF = [sys.executable, "-m", "symdiff"]
WAIT = 60  # seconds: how long any step may take before the test fails instead of hanging
SLOW_LINE = b'{"expr": "sin(sin(sin(sin(sin(x)))))", "order": 12}'  # a minute of work without a time budget


def symdiff(*arguments, input: bytes = b"", env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*SYMDIFF, *arguments], input=input, capture_output=True, timeout=WAIT, env=env)


def start(*arguments, **options) -> subprocess.Popen:
    """symdiff in its own process group (as a shell runs a command: Ctrl-C goes to the whole group), unbuffered
    pipes so that read_line sees each line as it is written."""
    settings = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen([*SYMDIFF, *arguments], bufsize=0, start_new_session=True, **{**settings, **options})


def read_line(stream, seconds: float = WAIT) -> bytes:
    """The next line the child writes, or a failure after `seconds` (the child writes each line whole)."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(seconds), f"no output line within {seconds} s"
    return stream.readline()


def finish(process: subprocess.Popen) -> tuple[int, bytes, bytes]:
    """(exit status, the rest of stdout, stderr), its input ended if not already."""
    if process.stdin is not None and process.stdin.closed:
        process.stdin = None  # communicate() would flush it
    try:
        out, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
    return process.returncode, out, err


def json_records(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.split(b"\n")[:-1]]


# ---- pipes, FIFOs, standard input -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["-", "/dev/stdin"])
def test_a_pipe_on_standard_input_is_read(path):
    """printf 'x^2\\n' | symdiff --batch /dev/stdin printed nothing and exited 0: counting the lines for the
    progress line had read the pipe first."""
    if not os.path.exists(path) and path != "-":
        pytest.skip(f"no {path} here")
    done = symdiff("--batch", path, "--jobs", "1", input=b"x^2\nsin(x)\n")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"2*x\ncos(x)\n", b"")


def test_a_process_substitution_is_read():
    """symdiff --batch <(printf 'x^2\\n'): the shell passes /dev/fd/N, the read end of a pipe."""
    read_end, write_end = os.pipe()
    os.write(write_end, b"x^2\nx^3\n")
    os.close(write_end)
    try:
        done = subprocess.run([*SYMDIFF, "--batch", f"/dev/fd/{read_end}", "--jobs", "1"], pass_fds=(read_end,),
                              capture_output=True, timeout=WAIT)
    finally:
        os.close(read_end)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"2*x\n3*x^2\n", b"")


def _open_for_writing(fifo, seconds: float = WAIT) -> int:
    """The FIFO's write end, once a reader has opened it (an error after `seconds`, never a hang)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            descriptor = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.set_blocking(descriptor, True)
            return descriptor
        except OSError:  # ENXIO: no reader yet
            assert time.monotonic() < deadline, "symdiff never opened the FIFO"
            time.sleep(0.02)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_named_fifo_is_read_as_its_lines_come(tmp_path, jobs):
    """A named FIFO hung: it was opened twice, once to count its lines. Each line is answered before the next
    is written, in this process and with workers."""
    fifo = tmp_path / "lines"
    os.mkfifo(fifo)
    process = start("--batch", str(fifo), "--jobs", jobs, stdin=subprocess.DEVNULL)
    writer = _open_for_writing(fifo)
    try:
        for line, result in [(b"x^2\n", b"2*x\n"), (b"sin(x)\n", b"cos(x)\n"), (b"x^3\n", b"3*x^2\n")]:
            os.write(writer, line)
            assert read_line(process.stdout) == result
    finally:
        os.close(writer)
    assert finish(process) == (0, b"", b"")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_standard_input_is_answered_line_by_line(jobs):
    """`tail -f log | symdiff --batch -`: a line's result is written while the next line has not come yet."""
    process = start("--batch", "-", "--jobs", jobs)
    for line, result in [(b"x^2\n", b"2*x\n"), (b'{"expr": "x*y", "wrt": "y"}\n', b"x\n"), (b"((\n", b"error")]:
        process.stdin.write(line)
        assert read_line(process.stdout).startswith(result)
    process.stdin.close()
    status, out, err = finish(process)
    assert (status, out, err) == (2, b"", b"")


def test_only_a_newline_ends_a_line(tmp_path):
    """A lone \\r split a line (a file of 10,000 lines gave 10,022 output lines); \\r\\n is one line ending."""
    lines = [f"x^{i % 5 + 2}\r+{i}" if i % 10 == 3 else f"{i}*x" for i in range(200)]
    source = tmp_path / "cr.txt"
    source.write_bytes(("\r\n".join(lines[:100]) + "\r\n" + "\n".join(lines[100:]) + "\n").encode())
    done = symdiff("--batch", str(source), "--format", "json", "--jobs", "1")
    records = json_records(done.stdout)
    assert [record["line"] for record in records] == list(range(1, 201))
    assert records[3]["expr"] == "x^5\r+3" and records[3]["result"] == "5*x^4"
    assert records[199]["expr"] == "199*x"
    assert done.returncode == 0 and done.stdout.count(b"\r") == 0  # JSON writes the \r as \\r


def test_a_line_that_is_not_utf8_is_an_error_for_that_line_only():
    """With a strict UTF-8 standard input, one undecodable byte ended the run with no line written."""
    for env in ({"PYTHONIOENCODING": "utf-8"}, {"LC_ALL": "C.UTF-8", "PYTHONUTF8": "1"}):
        done = symdiff("--batch", "-", "--jobs", "1", input=b"x^2\nx\xff+1\n\xc3(\nsin(x)\n",
                       env={**os.environ, **env})
        assert done.stdout.decode().splitlines() == [
            "2*x", "error: the line is not UTF-8: byte 0xff cannot be read (column 2)",
            "error: the line is not UTF-8: byte 0xc3 cannot be read (column 1)", "cos(x)"]
        assert (done.returncode, done.stderr) == (2, b"")


# ---- Ctrl-C -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_while_waiting_for_input_stops_cleanly(jobs):
    """Ctrl-C printed a traceback (or was swallowed and the batch ran on to exit 0): now the lines done are
    written whole, one line on stderr says where it stopped, and the exit status is 130. The signal goes to the
    whole process group, workers included, as a terminal sends it."""
    with start("--batch", "-", "--jobs", jobs) as process:
        process.stdin.write(b"x^2\nx^3\n")
        assert read_line(process.stdout) == b"2*x\n" and read_line(process.stdout) == b"3*x^2\n"
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=WAIT) == 130
        assert process.stdout.read() == b""
        assert process.stderr.read().decode().splitlines() == [
            "symdiff: interrupted after line 2 (2 written by this run, 0 failed)"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_in_the_middle_of_a_slow_line_stops_at_once(tmp_path, jobs):
    out = tmp_path / "out.txt"
    with start("--batch", "-", "--jobs", jobs, "--timeout", "60", "--output", str(out)) as process:
        process.stdin.write(b"x^2\n" + SLOW_LINE + b"\nx^3\n")
        deadline = time.monotonic() + WAIT
        while _lines_of(out) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(0.3)  # into the slow line
        interrupted_at = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(timeout=WAIT) == 130
        assert time.monotonic() - interrupted_at < 5
        assert out.read_bytes() == b"2*x\n"  # the slow line is not done: nothing after line 1
        assert process.stderr.read().decode().splitlines() == [
            "symdiff: interrupted after line 1 (1 written by this run, 0 failed); --resume carries on from line 2"]


# ---- killed, then resumed -------------------------------------------------------------------------------------

def _lines_of(path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_a_killed_batch_resumes_without_repeating_or_skipping_a_line(tmp_path):
    """10,000 lines piped in; the batch is killed (SIGKILL) halfway, then run again with --resume on the same
    input: exactly 10,000 output lines, in input order, each once."""
    kinds = {0: (b"x", "1"), 1: (b'{"expr": "x^2"}', "2*x"), 2: (b"((", None), 3: (b"sin(x)", "cos(x)")}
    lines = [kinds[i % 4][0] for i in range(10_000)]
    data = b"\n".join(lines) + b"\n"
    out = tmp_path / "out.jsonl"
    command = ["--batch", "-", "--output", str(out), "--resume", "--format", "json"]

    with start(*command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as first:
        feeder = threading.Thread(target=_feed, args=(first.stdin, data), daemon=True)
        feeder.start()
        deadline = time.monotonic() + WAIT
        while _lines_of(out) < 2000:
            assert time.monotonic() < deadline and first.poll() is None, "the first run wrote too little"
            time.sleep(0.01)
        first.kill()
        first.wait(timeout=WAIT)
        feeder.join(WAIT)
    assert 2000 <= _lines_of(out) < 10_000

    second = symdiff(*command, input=data)
    assert second.returncode == 2 and second.stdout == second.stderr == b""  # (( fails: exit 2
    records = json_records(out.read_bytes())
    assert [record["line"] for record in records] == list(range(1, 10_001))
    for record in records:
        expected = kinds[(record["line"] - 1) % 4][1]
        assert record.get("result") == expected, record


def _feed(stream, data: bytes) -> None:
    try:
        stream.write(data)
        stream.close()
    except OSError:  # the batch was killed
        pass


def test_resume_drops_a_partial_last_line_and_appends(tmp_path):
    source, out = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_bytes(b"x\nx^2\nx^3\nx^4\n")
    out.write_bytes(b"1\n2*x\n3*x")  # killed while writing line 3
    done = symdiff("--batch", str(source), "--jobs", "1", "--output", str(out), "--resume")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert out.read_bytes() == b"1\n2*x\n3*x^2\n4*x^3\n"
    done = symdiff("--batch", str(source), "--jobs", "1", "--output", str(out), "--resume")  # all done: nothing to add
    assert done.returncode == 0 and out.read_bytes() == b"1\n2*x\n3*x^2\n4*x^3\n"
    done = symdiff("--batch", str(source), "--jobs", "1", "--output", str(out))  # without --resume: written anew
    assert out.read_bytes() == b"1\n2*x\n3*x^2\n4*x^3\n"


# ---- worker processes -----------------------------------------------------------------------------------------

def _mixed_lines() -> bytes:
    """300 lines: results, errors of every kind (parse, JSON, usage, not UTF-8, blank) and JSON requests."""
    good = [b"x^2*sin(x)", b"exp(-x^2)", b"log(x)/x", b"sqrt(1+x^2)", b"atan(x)", b"x^x", b"tan(x)"]
    bad = [b"sin(x", b"x $ 1", b"", b"{not json", b'{"expr": 3}', b'{"expr": "x", "order": -1}', b"x\xff", b"y*z"]
    requests = [b'{"expr": "x^2*y", "wrt": "y"}', b'{"expr": "sin(x)", "order": 3}', b'{"expr": "x*y", "wrt": "x,y"}']
    lines = []
    for i in range(300):
        kind = (good, bad, requests)[i % 3]
        line = kind[i // 3 % len(kind)]
        lines.append(line + b" + %d*x" % i if kind is good else line)
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_workers_write_the_same_bytes_as_one_process(tmp_path, output_format):
    source = tmp_path / "mixed.txt"
    source.write_bytes(_mixed_lines())
    one = symdiff("--batch", str(source), "--jobs", "1", "--format", output_format)
    two = symdiff("--batch", str(source), "--jobs", "2", "--format", output_format)
    assert one.returncode == two.returncode == 2 and one.stderr == two.stderr == b""
    assert one.stdout.count(b"\n") == 300
    assert two.stdout == one.stdout


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_line_over_its_time_budget_is_a_timeout_line_and_the_rest_goes_on(jobs):
    lines = b"\n".join([b"x^2", SLOW_LINE, b"x^3", SLOW_LINE, b"x^4"]) + b"\n"
    started = time.monotonic()
    done = symdiff("--batch", "-", "--timeout", "1", "--jobs", jobs, "--format", "json", input=lines)
    assert time.monotonic() - started < 2 * (seconds_before_kill(1) + 2)
    records = json_records(done.stdout)
    assert [record["line"] for record in records] == [1, 2, 3, 4, 5]
    assert [record.get("result") for record in records] == ["2*x", None, "3*x^2", None, "4*x^3"]
    for record in records[1], records[3]:
        assert record["error"]["type"] == "TimeLimitError" and "time budget of 1 s" in record["error"]["message"]
        assert record["expr"] == "sin(sin(sin(sin(sin(x)))))"
    assert done.returncode == 2 and done.stderr == b""


# Lines for the worker pool itself (records_in_order), with work that no time check can reach: a call into C that
# does not return (time.sleep) and a process that dies. They must be functions of this module: a worker imports it.

def _work(number: int, line: str) -> dict:
    if line == "hang":
        time.sleep(WAIT)
    if line == "crash":  # as the kernel's out-of-memory killer would
        os.kill(os.getpid(), signal.SIGKILL)
    return {"line": number, "result": line.upper()}


def _lost(number: int, line: str, error_type: str, message: str) -> dict:
    return {"line": number, "error": {"type": error_type, "message": message}}


def test_a_line_stuck_in_c_code_is_stopped_by_killing_its_worker_alone():
    lines = ["a", "hang", "b", "c", "crash", "d", "hang", "e"] + [f"line {i}" for i in range(20)]
    closed = []
    started = time.monotonic()
    records = list(records_in_order(iter(enumerate(lines, 1)), partial(closed.append, True), _work, _lost,
                                    jobs=2, max_seconds=0.3))
    assert time.monotonic() - started < WAIT / 2
    assert [record["line"] for record in records] == list(range(1, len(lines) + 1))
    timeout = {"type": "TimeLimitError", "message": "over the time budget of 0.3 s"}
    assert records[1] == {"line": 2, "error": timeout} and records[6] == {"line": 7, "error": timeout}
    assert records[4]["error"]["type"] == "InternalError" and "worker process stopped" in records[4]["error"]["message"]
    others = [record for record in records if "error" not in record]
    assert [record["result"] for record in others] == [line.upper() for line in lines if line not in ("hang", "crash")]
    assert closed == [True]  # the input is closed once read


def test_time_budget_of_a_single_command(capsys):
    """--timeout is for every mode: the budget of the whole call (here a derivative that would take minutes)."""
    from symdiff.cli.command import main
    status = main(["sin(sin(sin(sin(sin(x)))))", "--order", "12", "--timeout", "0.5"])
    out, err = capsys.readouterr()
    assert status == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith("symdiff: error: ") and "time budget of 0.5 s" in err


def test_a_script_without_the_main_guard_is_told_what_is_wrong(tmp_path):
    """Worker processes start by importing the caller's main script (forkserver, spawn): without
    `if __name__ == '__main__':` that would run the batch again in each of them. It is one clear error."""
    script = tmp_path / "unguarded.py"
    script.write_text("import io, symdiff\nsymdiff.run_batch(['x^2'], io.StringIO(), jobs=2)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, timeout=WAIT, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1].endswith(b"must do so under `if __name__ == '__main__':`")
