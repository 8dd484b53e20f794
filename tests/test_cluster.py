"""Batches on a Dask cluster (symdiff.run_batch_on_dask, run_batch_files_on_dask): the same output as run_batch,
byte for byte, from a local cluster of two worker processes on the loopback interface; each line under its own
time budget; a worker's death confined to its line; and, without the `dask` extra, an error saying how to
install it. The cluster tests are skipped, saying so, when dask and distributed are not installed (they are in
the test extra)."""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import sys
import time

import pytest

import symdiff as sd
from symdiff.api import cluster as cluster_module

HAVE_DASK = all(importlib.util.find_spec(name) is not None for name in ("dask", "distributed"))
needs_dask = pytest.mark.skipif(not HAVE_DASK, reason='dask and distributed are not installed: '
                                                      'pip install ".[test]" (or "symdiff-cas[dask]")')


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                           dashboard_address=None, worker_dashboard_address=None)
    client = Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def mixed_lines(count: int = 300) -> list[str]:
    """Plain expressions, syntax errors, JSON lines with wrt and order, bad JSON, blank lines: `count` lines."""
    makers = [
        lambda i: f"{i}*x^{i % 5 + 1} - {i + 1}*x",
        lambda i: f"sin({i}*x)*exp(-x/{i + 1})",
        lambda i: f"x^{i} +* 1",                                          # a syntax error
        lambda i: json.dumps({"expr": f"x^{i % 4 + 1}*y^3", "wrt": "y"}),
        lambda i: json.dumps({"expr": f"x^2*y^{i % 3 + 2}", "wrt": ["x", "y"]}),
        lambda i: json.dumps({"expr": f"atan(x)/(x + {i})", "order": i % 3}),
        lambda i: f"log(x^2 + {i})/sqrt(x)",
        lambda i: "",                                                      # blank: an error of its own
        lambda i: f"sin(x{i}",                                            # unclosed
        lambda i: "{not json" if i % 2 else json.dumps({"expr": "x", "to": i}),
        lambda i: f"x*y + {i}",                                           # two free symbols, no wrt: an error
        lambda i: json.dumps({"expr": f"tanh(x)^{i % 4 + 2}", "order": 2}),
        lambda i: f"(x + 1)^{i % 7 + 2}*cos(x)",
    ]
    return [makers[i % len(makers)](i) + "\n" for i in range(count)]


def batch_on_both(tmp_path, client, lines, **options) -> tuple[bytes, bytes, sd.BatchSummary, sd.BatchSummary]:
    """(run_batch's output, run_batch_on_dask's output, their summaries) for `lines` written to a file."""
    source = tmp_path / "in.txt"
    source.write_text("".join(lines), encoding="utf-8")
    with open(tmp_path / "expected.out", "w", encoding="utf-8", newline="") as output:
        expected_summary = sd.run_batch(source, output, **options)
    with open(tmp_path / "found.out", "w", encoding="utf-8", newline="") as output:
        found_summary = sd.run_batch_on_dask(source, output, client, partition_lines=23, **options)
    return ((tmp_path / "expected.out").read_bytes(), (tmp_path / "found.out").read_bytes(),
            expected_summary, found_summary)


@needs_dask
def test_a_mixed_batch_on_two_workers_is_byte_for_byte_run_batchs(tmp_path, client):
    lines = mixed_lines(300)
    expected, found, expected_summary, found_summary = batch_on_both(tmp_path, client, lines)
    assert found == expected
    assert found.count(b"\n") == len(lines)
    assert found_summary == expected_summary and 0 < found_summary.failed < found_summary.lines == 300
    # the first line is plain, so the output is plain text; forced JSON numbers every line, in order
    expected, found, _, _ = batch_on_both(tmp_path, client, lines, output_format="json", wrt="x")
    assert found == expected
    assert [json.loads(line)["line"] for line in found.decode().splitlines()] == list(range(1, 301))


@needs_dask
def test_json_after_blank_lines_follows_the_first_non_blank_line(tmp_path, client):
    lines = ["\n", "  \n"] + mixed_lines(60)[3:] + ["x^3"]  # blank, blank, then a JSON line; no final line end
    expected, found, expected_summary, found_summary = batch_on_both(tmp_path, client, lines)
    assert found == expected and found.startswith(b'{"line": 1, "expr": "", "error"')
    assert found_summary == expected_summary
    expected, found, _, _ = batch_on_both(tmp_path, client, ["\n", " \n", "\n"])  # only blank lines: plain errors
    assert found == expected and found.count(b"error: ") == 3


@needs_dask
def test_lines_over_the_input_budget_undecodable_lines_streams_and_lists(tmp_path, client):
    budget = sd.Budget(max_input_length=40)
    lines = mixed_lines(80)
    lines[5] = "x + " * 30 + "x\n"                                         # a long plain line
    lines[9] = json.dumps({"expr": "x^2", "wrt": "x", "order": 1}) + " " * 30 + "\n"  # a long JSON line
    lines[11] = "sin(x)" + "\r\n"
    expected, found, _, _ = batch_on_both(tmp_path, client, lines, budget=budget)
    assert found == expected and b"input too long: over 40 characters" in found
    raw = tmp_path / "raw.txt"  # bytes that are not UTF-8, a lone carriage return, no final line end
    raw.write_bytes(b"x^2\n\xff\xfex\n{\"expr\": \"\xe9\"}\nsin(x)\rcos(x)\n\n" + "x·y".encode() + b"\nx^3")
    expected_out, found_out = io.StringIO(), io.StringIO()
    sd.run_batch(raw, expected_out, wrt="x")
    sd.run_batch_on_dask(raw, found_out, client, wrt="x", partition_lines=2)
    assert found_out.getvalue() == expected_out.getvalue() and "not UTF-8" in found_out.getvalue()
    for source in (lambda: io.StringIO("".join(lines)), lambda: list(lines)):
        expected_out, found_out = io.StringIO(), io.StringIO()
        sd.run_batch(source(), expected_out, budget=budget)
        sd.run_batch_on_dask(source(), found_out, client, budget=budget, partition_lines=1000)
        assert found_out.getvalue() == expected_out.getvalue()


@needs_dask
def test_each_line_has_its_own_time_budget(tmp_path, client):
    """Three lines that would each run for minutes, between quick ones: each ends in its own TimeLimitError
    within about its budget, and the quick lines (each under the same budget) give their results."""
    bombs = [{"expr": "tan(x)", "order": 1000}, {"expr": "sin(sin(sin(sin(sin(x)))))", "order": 12},
             {"expr": "exp(sin(x))/(1+x^2)", "order": 50}]
    lines = []
    for bomb in bombs:
        lines += [json.dumps({"expr": "x^3 - 2*x"}), json.dumps(bomb)]
    lines.append(json.dumps({"expr": "sin(x)^2"}))
    output = io.StringIO()
    started = time.monotonic()
    summary = sd.run_batch_on_dask(lines, output, client, budget=sd.Budget(max_seconds=1.5), partition_lines=1)
    elapsed = time.monotonic() - started
    records = [json.loads(line) for line in output.getvalue().splitlines()]
    assert [r["line"] for r in records] == list(range(1, 8))
    assert [r["error"]["type"] for r in records[1:6:2]] == ["TimeLimitError"] * 3
    assert [r.get("result") for r in records[0:7:2]] == ["3*x^2 - 2"] * 3 + [sd.text(sd.diff("sin(x)^2", "x"))]
    assert summary.failed_lines == [2, 4, 6]
    assert elapsed < 3 * 1.5 + 5  # two workers, three bombs of at most 1.5 s each, and the rest quick


@needs_dask
def test_the_scheduler_may_be_given_by_its_address_and_the_output_by_a_path(client, tmp_path):
    summary = sd.run_batch_on_dask(["x^2", "sin(x"], tmp_path / "out.txt", client.scheduler.address)
    assert (tmp_path / "out.txt").read_text().splitlines()[0] == "2*x" and summary.failed_lines == [2]


@needs_dask
def test_partitioned_files_in_partitioned_files_out(tmp_path, client):
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = mixed_lines(150)
    parts = {"part-0.jsonl": lines[3:60], "part-1.jsonl": lines[60:120], "part-2.jsonl": [],
             "part-3.jsonl": ["\n"] + lines[120:]}
    for name, part in parts.items():
        (inputs / name).write_text("".join(part), encoding="utf-8")
    with gzip.open(inputs / "part-4.jsonl.gz", "wt", encoding="utf-8") as packed:
        packed.write("".join(lines[:40]))
    parts["part-4.jsonl.gz"] = lines[:40]
    (inputs / "notes.txt").write_text("not matched by the glob\n")
    summary = sd.run_batch_files_on_dask(str(inputs / "part-*"), tmp_path / "out", client, wrt="x")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(parts)
    for name, part in parts.items():
        expected = io.StringIO(newline="")
        expected_summary = sd.run_batch(part, expected, wrt="x")
        target = tmp_path / "out" / name
        if name.endswith(".gz"):
            with gzip.open(target, "rt", encoding="utf-8") as packed:
                found = packed.read()
        else:
            found = target.read_text()
        assert found == expected.getvalue(), name
        assert summary.files[f"file://{target}"] == expected_summary, name
    assert summary.lines == sum(len(part) for part in parts.values())
    assert summary.succeeded + summary.failed == summary.lines and not summary.ok
    # a list of paths; the output directory created; what cannot be done is said before anything is run
    again = sd.run_batch_files_on_dask([inputs / "part-1.jsonl"], tmp_path / "new" / "dir", client)
    assert again.lines == 60 and (tmp_path / "new" / "dir" / "part-1.jsonl").exists()
    with pytest.raises(sd.UsageError, match="no input files"):
        sd.run_batch_files_on_dask(str(inputs / "nothing-*"), tmp_path / "out", client)
    with pytest.raises(sd.UsageError, match="overwrite"):
        sd.run_batch_files_on_dask(str(inputs / "part-1.jsonl"), inputs, client)
    with pytest.raises(FileNotFoundError):
        sd.run_batch_files_on_dask([inputs / "missing.jsonl"], tmp_path / "out", client)


@needs_dask
def test_a_line_that_kills_its_worker_is_that_lines_error_only():
    """A dead worker (KilledWorker) fails its partition; its lines are tried again one per task, and only a line
    that kills a worker again becomes an error (simulated: the client here runs tasks in this process)."""
    import distributed

    class Finished:
        def __init__(self, function, args):
            self.function, self.args = function, args

        def result(self):
            if any(item == "kill the worker\n" for item in self.args[1]):
                raise distributed.KilledWorker("task", None, 3)
            return self.function(*self.args)

    class InProcess:
        def submit(self, function, *args, pure=True):
            return Finished(function, args)

        def nthreads(self):
            return {"tcp://127.0.0.1:1": 1}

    lines = ["x^2\n", "sin(x\n", "kill the worker\n", "x^3\n"] * 3
    settings = ([], 1, "full", sd.Budget())
    records = cluster_module._partition_records(
        InProcess(), distributed, Finished(cluster_module._run_partition, (1, lines, *settings)), 1, lines, settings)
    assert [r["line"] for r in records] == list(range(1, 13))
    assert [r["error"]["type"] for r in records if "error" in r] == ["ParseError", "InternalError"] * 3
    assert "KilledWorker" in records[2]["error"]["message"]
    assert [r["result"] for r in records if "result" in r] == ["2*x", "3*x^2"] * 3


def test_without_the_extra_the_error_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    monkeypatch.setitem(sys.modules, "fsspec", None)
    for run in (lambda: sd.run_batch_on_dask(["x^2"], io.StringIO(), "tcp://127.0.0.1:8786"),
                lambda: sd.run_batch_files_on_dask(str(tmp_path / "*.jsonl"), tmp_path, "tcp://127.0.0.1:8786")):
        with pytest.raises(sd.MissingExtraError, match=r'pip install "symdiff-cas\[dask\]"') as caught:
            run()
        assert isinstance(caught.value, sd.UsageError)
