#!/usr/bin/env python3
"""Batch throughput: one process, `symdiff --batch --jobs N`, and a local Dask cluster (issue 15).

    python benchmarks/batch.py [--only inprocess,cli,dask,bombs] [--corpus FILE] [--limit N] [--workers W]
                               [--seconds S] [--partition-lines P] [--keep DIR] [--json FILE]

Run by hand, not by pytest. The batch is the antiderivatives of --corpus (default rubi_suite_elementary.jsonl.gz
in ../shared/corpus/: 44,665 pairs, gzip JSON lines, read with corpus_pairs.find), all of them or the first
--limit, each written as the JSON line {"expr": antiderivative, "wrt": var} (the pair's variable: x, or t, r,
y, z, w), so every line asks for the first derivative of an antiderivative in its own variable. Pairs with the
imaginary unit I are kept: symdiff reads I as a symbol (a parameter), which does not change the work much.
That file is given to each mode in turn, and each writes JSON lines to a file of its own:

  * inprocess: symdiff.run_batch(input, output, output_format="json") in a fresh Python process (so that its
    memory is its own), timed inside that process around the call (its start and import not counted). With
    --seconds S it is given Budget(max_seconds=S) only when batch.process_line takes budget= (each line its
    own S seconds); before that, run_batch's max_seconds is one deadline for the whole batch, so this mode
    runs without a time budget, and says so.
  * cli: `python -m symdiff --batch input --format json --timeout S`, with `--jobs 1` and `--jobs W` when
    `symdiff --help` lists --jobs (else once without it, and says so; --timeout likewise); timed from outside,
    its start included (about 0.3 s).
  * dask: symdiff.run_batch_on_dask(input, output, client, budget=Budget(max_seconds=S), partition_lines=P)
    on a LocalCluster of W worker processes of one thread each on 127.0.0.1 (its start timed separately; the
    workers import symdiff during the run, as the CLI's do), with the workers' statistical profiler off
    (distributed.worker.profile.enabled; --dask-profiler leaves it on, as Dask does by default: it samples
    every worker's stack every 10 ms and keeps the samples, which over all 44,665 lines took each worker from
    about 100 MB to 420 MB).

For each: wall time, lines per second, the speed-up over one job (the in-process run; and over `--jobs 1`
for the CLI's), the peak resident memory (RSS high-water mark, VmHWM of /proc/<pid>/status) of each process
that did the work (the in-process child reads its own at the end; the CLI's processes and their children are
read every 0.1 s while they run, which can miss growth in the last tenth of a second; Dask's workers each
read their own at the end, through client.run), the lines that failed and those that ran out of time
(TimeLimitError), and whether any line was lost: the output has as many lines as the input and their "line"
numbers are 1, 2, 3, ... in order. Each mode's output is compared with the in-process run's (the same bytes,
unless a time budget ended different lines). "load" is the 1-minute load average at the end of the run: the
run's own processes count in it (1 for one job, W for W), and anything above that was other work on the
machine, which the speed-ups do not allow for.

  * bombs: a small file of ordinary lines with three lines that would run for minutes,
    {"expr": "tan(x)", "order": 1000}, {"expr": "sin(sin(sin(sin(sin(x)))))", "order": 12} and
    {"expr": "exp(sin(x))/(1+x^2)", "order": 50}: each line alone in this process under Budget(max_seconds=S)
    (time per line and its error), then the whole file on the Dask cluster and through the CLI with --jobs W
    (when it has --jobs): every line bounded, none lost.

Progress (lines written so far, every 10 s) goes to stderr. The machine's load average is printed at the
start and the end: the timings are only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff  # noqa: E402
from corpus_pairs import CORPUS, find  # noqa: E402  (benchmarks/corpus_pairs.py)
from symdiff.api.batch import process_line  # noqa: E402

DEFAULT_CORPUS = "rubi_suite_elementary.jsonl.gz"
SECTIONS = ("inprocess", "cli", "dask", "bombs")
BOMBS = [{"expr": "tan(x)", "order": 1000}, {"expr": "sin(sin(sin(sin(sin(x)))))", "order": 12},
         {"expr": "exp(sin(x))/(1+x^2)", "order": 50}]
ORDINARY = ["x^2*sin(x)", "exp(-x^2)/(1 + x^2)", "atan(x)/x", "log(x + sqrt(1 + x^2))", "tanh(x)^3"]
ENVIRONMENT = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

INPROCESS = """
import json, re, sys, time
import symdiff
from symdiff.api.batch import process_line
import inspect
source, target, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
budget = None
if seconds > 0 and "budget" in inspect.signature(process_line).parameters:
    budget = symdiff.Budget(max_seconds=seconds)
with open(target, "w", encoding="utf-8") as output:
    started = time.perf_counter()
    symdiff.run_batch(source, output, output_format="json", budget=budget)
    elapsed = time.perf_counter() - started
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) if "VmHWM" in status else None
print(json.dumps({"seconds": elapsed, "peak_kb": {"run_batch": peak}, "budget": budget is not None}))
"""


# ---- the input ------------------------------------------------------------------------------------------------

def write_input(path: Path, target: Path, limit: int | None) -> tuple[int, int]:
    """(lines written, how many with I): one JSON batch line per corpus pair."""
    opener = gzip.open if path.suffix == ".gz" else open
    count = with_i = 0
    with opener(path, "rt", encoding="utf-8") as rows, open(target, "w", encoding="utf-8") as output:
        for row_text in rows:
            if limit is not None and count >= limit:
                break
            if not row_text.strip():
                continue
            row = json.loads(row_text)
            with_i += "I" in row.get("constants", ())
            output.write(json.dumps({"expr": row["antiderivative"], "wrt": row["var"]}) + "\n")
            count += 1
    return count, with_i


# ---- memory -------------------------------------------------------------------------------------------------

def vmhwm_kb(pid: int | str = "self") -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) if found else None


def descendants(pid: int) -> list[tuple[int, int | None]]:
    """(pid, its parent) for pid and every process under it (from /proc/*/stat)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [(pid, None)]
    while todo:
        current, parent = todo.pop()
        found.append((current, parent))
        todo.extend((child, current) for child in parents.get(current, []))
    return found


class Watch:
    """While a run lasts: its output's lines on stderr every 10 s and (given a pid) the peak RSS of each
    process of its tree, read every 0.1 s."""

    def __init__(self, label: str, output: Path, total: int, pid: int | None = None):
        self.label, self.output, self.total, self.pid = label, output, total, pid
        self.peaks: dict = {}
        self.names: dict = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        shown = time.monotonic()
        while not self.done.wait(0.1):
            if self.pid is not None:
                for pid, parent in descendants(self.pid):
                    peak = vmhwm_kb(pid)
                    if peak is not None:
                        self.peaks[pid] = max(peak, self.peaks.get(pid, 0))
                        if pid not in self.names:
                            self.names[pid] = self.name(pid, parent)
            if time.monotonic() - shown >= 10:
                shown = time.monotonic()
                print(f"  {self.label}: {count_lines(self.output)}/{self.total} lines", file=sys.stderr, flush=True)

    def name(self, pid: int, parent: int | None) -> str:
        """main, forkserver, resource tracker, or worker N (a process forked by the forkserver is a worker)."""
        if pid == self.pid:
            return "main"
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            command = ""
        if "resource_tracker" in command:
            return "resource tracker"
        if "forkserver" in command and parent == self.pid:
            return "forkserver"
        workers = sum(name.startswith("worker") for name in self.names.values())
        return f"worker {workers + 1}"

    def stop(self) -> dict:
        self.done.set()
        self.thread.join()
        return {self.names[pid]: kb for pid, kb in self.peaks.items()}


def count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as handle:
            return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return 0


# ---- checking an output ---------------------------------------------------------------------------------------

def check_output(path: Path, expected_lines: int) -> dict:
    numbers, failed, timed_out, unreadable = [], 0, 0, 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                record = json.loads(line)
            except ValueError:
                unreadable += 1
                continue
            numbers.append(record.get("line"))
            if "error" in record:
                failed += 1
                timed_out += record["error"].get("type") == "TimeLimitError"
    return {"lines": len(numbers) + unreadable, "failed": failed, "timed_out": timed_out,
            "lost": expected_lines - len(numbers), "in_order": numbers == list(range(1, expected_lines + 1)),
            "unreadable": unreadable}


# ---- the modes --------------------------------------------------------------------------------------------------

def run_inprocess(source: Path, work: Path, total: int, options) -> dict:
    target = work / "inprocess.out"
    print(f"inprocess: symdiff.run_batch over {total} lines ...", file=sys.stderr, flush=True)
    watch = Watch("inprocess", target, total)
    done = subprocess.run([sys.executable, "-c", INPROCESS, str(source), str(target), str(options.seconds or 0)],
                          capture_output=True, text=True, env=ENVIRONMENT)
    watch.stop()
    if done.returncode != 0:
        raise SystemExit(f"inprocess run failed:\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    note = "" if found["budget"] or not options.seconds else \
        "no time budget (process_line takes no budget= yet: run_batch's max_seconds would end the whole batch)"
    return {"mode": "inprocess (run_batch)", "jobs": 1, "seconds": found["seconds"], "peak_kb": found["peak_kb"],
            "output": target, "note": note, "load": os.getloadavg()[0]}


def cli_options() -> set:
    """The options `symdiff --help` lists (--jobs and --timeout are used when it has them)."""
    done = subprocess.run([sys.executable, "-m", "symdiff", "--help"], capture_output=True, text=True,
                          env=ENVIRONMENT)
    return set(re.findall(r"--[a-z][a-z-]*", done.stdout))


def cli_command(source: Path, jobs: int | None, seconds: float, options: set) -> list:
    command = [sys.executable, "-m", "symdiff", "--batch", str(source), "--format", "json"]
    if jobs:
        command += ["--jobs", str(jobs)]
    if seconds and "--timeout" in options:
        command += ["--timeout", f"{seconds:g}"]
    return command


def run_cli(source: Path, work: Path, total: int, jobs: int | None, seconds: float, options: set) -> dict:
    label = f"cli --jobs {jobs}" if jobs else "cli (no --jobs)"
    target = work / f"cli-{jobs or 0}.out"
    command = cli_command(source, jobs, seconds, options)
    print(f"{label}: {' '.join(command[1:])} ...", file=sys.stderr, flush=True)
    with open(target, "w", encoding="utf-8") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.PIPE, text=True, env=ENVIRONMENT)
        watch = Watch(label, target, total, process.pid)
        _, errors = process.communicate()
        elapsed = time.perf_counter() - started
    peaks = watch.stop()
    note = "" if not seconds or "--timeout" in options else "this CLI has no --timeout: its own time budget"
    if process.returncode not in (0, 2):  # 2: some line failed
        note = f"FAILED (exit {process.returncode}): {errors.strip().splitlines()[-1] if errors.strip() else ''}"
    return {"mode": label, "jobs": jobs or 1, "seconds": elapsed, "peak_kb": peaks, "output": target, "note": note,
            "load": os.getloadavg()[0]}


def start_cluster(workers: int, profiler: bool):
    import dask  # the dask extra: pip install "symdiff-cas[dask]"
    from distributed import Client, LocalCluster
    started = time.perf_counter()
    with dask.config.set({"distributed.worker.profile.enabled": profiler}):  # the workers take this config
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, worker_dashboard_address=None)
    client = Client(cluster, set_as_default=False)
    print(f"dask: LocalCluster of {workers} worker processes at {client.scheduler.address} started in "
          f"{time.perf_counter() - started:.1f} s, the workers' profiler {'on' if profiler else 'off'}",
          file=sys.stderr, flush=True)
    return cluster, client


def worker_peaks(client) -> dict:
    peaks = client.run(vmhwm_kb)
    return {f"worker {i}": kb for i, (_, kb) in enumerate(sorted(peaks.items()))}


def run_dask(source: Path, work: Path, total: int, client, options) -> dict:
    target = work / "dask.out"
    budget = symdiff.Budget(max_seconds=options.seconds) if options.seconds else None
    print(f"dask: run_batch_on_dask over {total} lines, partitions of {options.partition_lines} ...",
          file=sys.stderr, flush=True)
    watch = Watch("dask", target, total)
    with open(target, "w", encoding="utf-8") as output:
        started = time.perf_counter()
        symdiff.run_batch_on_dask(source, output, client, output_format="json", budget=budget,
                                  partition_lines=options.partition_lines)
        elapsed = time.perf_counter() - started
    watch.stop()
    peaks = worker_peaks(client)
    peaks["client"] = vmhwm_kb()
    return {"mode": f"dask, {len(client.nthreads())} workers", "jobs": len(client.nthreads()), "seconds": elapsed,
            "peak_kb": peaks, "output": target, "note": "client: this process (the benchmark's too)",
            "load": os.getloadavg()[0]}


# ---- the report ---------------------------------------------------------------------------------------------------

def report(runs: list, total: int) -> None:
    base = next((r for r in runs if r["mode"].startswith("inprocess")), None)
    jobs_one = next((r for r in runs if r["mode"] == "cli --jobs 1"), None)
    reference = base["output"].read_bytes() if base else None
    print(f"\n{'mode':<24} {'s':>8} {'lines/s':>8} {'speed-up':>22}  {'failed':>6} {'timed out':>9} {'lost':>4} "
          f"{'in order':>8} {'same':>5} {'load':>5}  peak RSS (MiB)")
    for run in runs:
        checked = run["checked"]
        rate = total / run["seconds"]
        speedup = f"{base['seconds'] / run['seconds']:.2f}x" if base else "-"
        if jobs_one and run["mode"].startswith("cli --jobs") and run is not jobs_one:
            speedup += f" ({jobs_one['seconds'] / run['seconds']:.2f}x --jobs 1)"
        same = "-" if reference is None else ("yes" if run["output"].read_bytes() == reference else "no")
        peaks = ", ".join(f"{name} {kb / 1024:.0f}" for name, kb in run["peak_kb"].items() if kb)
        print(f"{run['mode']:<24} {run['seconds']:8.1f} {rate:8.1f} {speedup:>22}  {checked['failed']:6d} "
              f"{checked['timed_out']:9d} {checked['lost']:4d} {'yes' if checked['in_order'] else 'NO':>8} "
              f"{same:>5} {run['load']:5.2f}  {peaks}")
        if run["note"]:
            print(f"{'':<24} note: {run['note']}")


# ---- time bombs ---------------------------------------------------------------------------------------------------

def bombs(work: Path, client, options, cli: set) -> dict:
    seconds = options.seconds or 10.0
    budget = symdiff.Budget(max_seconds=seconds)
    lines = []
    for i, bomb in enumerate(BOMBS):
        lines += [json.dumps({"expr": ORDINARY[i]}), json.dumps(bomb)]
    lines += [json.dumps({"expr": text}) for text in ORDINARY[len(BOMBS):]]
    print(f"\n=== time bombs: {len(lines)} lines, {len(BOMBS)} of them bombs, Budget(max_seconds={seconds:g}) ===")
    print("each line alone, in this process (with symdiff.budget.use(budget): process_line(...)):")
    results = {"lines": lines, "alone": []}
    for number, line in enumerate(lines, 1):
        started = time.perf_counter()
        with symdiff.budget.use(budget):
            record = process_line(number, line, [], 1, "full")
        elapsed = time.perf_counter() - started
        outcome = (f"{record['error']['type']}: {record['error']['message']}" if "error" in record
                   else f"ok, {len(record['result'])} characters")
        print(f"  {elapsed:6.2f} s  {line[:48]:<48}  {outcome[:110]}")
        results["alone"].append({"line": line, "seconds": elapsed, "record": record})
    source = work / "bombs.jsonl"
    source.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    runs = []
    if client is not None:
        target = work / "bombs-dask.out"
        with open(target, "w", encoding="utf-8") as output:
            started = time.perf_counter()
            symdiff.run_batch_on_dask(source, output, client, budget=budget, partition_lines=1)
            runs.append(("dask", time.perf_counter() - started, target))
    if "--jobs" in cli:
        target = work / "bombs-cli.out"
        with open(target, "w", encoding="utf-8") as output:
            started = time.perf_counter()
            subprocess.run(cli_command(source, options.workers, seconds, cli), stdout=output,
                           stderr=subprocess.DEVNULL, env=ENVIRONMENT)
            runs.append((f"cli --jobs {options.workers}", time.perf_counter() - started, target))
    for label, elapsed, target in runs:
        checked = check_output(target, len(lines))
        errors = [json.loads(line).get("error", {}).get("type", "ok") for line in target.read_text().splitlines()]
        print(f"the whole file, {label}: {elapsed:.1f} s; lost {checked['lost']}, in order "
              f"{'yes' if checked['in_order'] else 'NO'}; per line: {', '.join(errors)}")
        results[label] = {"seconds": elapsed, **checked}
    return results


# ---- main -----------------------------------------------------------------------------------------------------

def load() -> str:
    return "load average " + ", ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})")
    parser.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus file (path or name in ../shared/corpus)")
    parser.add_argument("--limit", type=int, default=None, help="take only the first N corpus pairs (default: all)")
    parser.add_argument("--workers", type=int, default=2,
                        help="Dask workers, and N of the CLI's --jobs N (default 2)")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="time budget per line, Budget(max_seconds=S); 0 for none (default 10)")
    parser.add_argument("--partition-lines", type=int, default=200,
                        help="lines per Dask task (default 200: run_batch_on_dask's own default is 1000)")
    parser.add_argument("--dask-profiler", action="store_true",
                        help="leave the Dask workers' statistical profiler on (Dask's default; it keeps its samples, "
                             "which grow the workers' memory over a long batch)")
    parser.add_argument("--keep", metavar="DIR", help="write the input and the outputs to DIR and keep them")
    parser.add_argument("--json", metavar="FILE", help="save the raw numbers to FILE")
    options = parser.parse_args(argv)
    options.sections = [s.strip() for s in options.only.split(",") if s.strip()]
    unknown = set(options.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}: choose from {', '.join(SECTIONS)}")
    return options


def main(argv=None) -> int:
    options = parse_arguments(argv)
    print(f"symdiff {symdiff.__version__}, Python {sys.version.split()[0]}; {load()}")
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="symdiff-batch-") as scratch:
        work = Path(options.keep) if options.keep else Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        cli = cli_options() if {"cli", "bombs"} & set(options.sections) else set()
        client = cluster = None
        if "dask" in options.sections or "bombs" in options.sections:
            try:
                cluster, client = start_cluster(options.workers, options.dask_profiler)
            except ImportError:
                print("dask: skipped: dask and distributed are not installed (pip install 'symdiff-cas[dask]')")
        results: dict = {"options": vars(options)}
        try:
            runs = []
            corpus_sections = [s for s in ("inprocess", "cli", "dask") if s in options.sections]
            if corpus_sections:
                path = find(options.corpus)
                if path is None:
                    print(f"corpus: skipped: no corpus file {options.corpus!r} (looked in . and {CORPUS})")
                    corpus_sections = []
                else:
                    source = work / "input.jsonl"
                    total, with_i = write_input(path, source, options.limit)
                    print(f"\n=== throughput: {total} antiderivatives of {path.name} (first derivative in each "
                          f"pair's variable; {with_i} with I, read as a symbol), time budget "
                          f"{options.seconds:g} s per line ===")
            if "inprocess" in corpus_sections:
                runs.append(run_inprocess(source, work, total, options))
            if "cli" in corpus_sections:
                if "--jobs" in cli:
                    runs += [run_cli(source, work, total, jobs, options.seconds, cli)
                             for jobs in sorted({1, options.workers})]
                else:
                    run = run_cli(source, work, total, None, options.seconds, cli)
                    run["note"] = run["note"] or "this CLI has no --jobs yet (not in `symdiff --help`): one process"
                    runs.append(run)
            if "dask" in corpus_sections and client is not None:
                runs.append(run_dask(source, work, total, client, options))
            for run in runs:
                run["checked"] = check_output(run["output"], total)
            if runs:
                report(runs, total)
            results["runs"] = [{**run, "output": str(run["output"])} for run in runs]
            if "bombs" in options.sections:
                results["bombs"] = bombs(work, client, options, cli)
        finally:
            if client is not None:
                client.close()
                cluster.close()
    print(f"\ntotal run time {time.time() - started:.0f} s; {load()}")
    if options.json:
        with open(options.json, "w") as handle:
            json.dump(results, handle, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
