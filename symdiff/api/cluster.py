"""Batches on a Dask cluster (the optional `dask` extra: `pip install "symdiff-cas[dask]"`).

The contract is run_batch's (symdiff.api.batch): one output line per input line, in input order, each written
whole; a bad line is its own error and never stops the rest; plain text or JSON lines, by default JSON when the
first non-blank input line is; each line under its own time budget (budget.max_seconds). Only where the lines
are differentiated changes: in tasks on the workers of a Dask cluster (distributed). The lines are read as
run_batch reads them (batch_reading.open_input) and each goes through batch.process_line and
batch.format_record, so the output is run_batch's, byte for byte.

- run_batch_on_dask: the lines are read here, by the caller (a path, a stream or an iterable of lines, as for
  run_batch), cut into partitions of `partition_lines` consecutive lines, one task each; at most two
  partitions per worker thread (and two more) are in flight, so memory stays bounded whatever the input's
  length, and a partition's lines are written as soon as it and every partition before it are done. If a
  worker dies on a partition (distributed's KilledWorker: out of memory, a crash in C code), its lines are
  tried again one per task, and a line that kills a worker again is written as that line's error
  (InternalError).
- run_batch_files_on_dask: input already cut into files (a glob or a list of paths or URLs, opened with fsspec,
  so that `s3://...` and `.gz` work as in dask.bag.read_text): one task per input file, run_batch itself on the
  worker, from the file to one output file of the same name in `output_dir` (so the paths must be reachable
  from the workers: a shared file system or an object store). Line numbers count within each file.

Unlike run_batch's worker processes (jobs > 1), a Dask worker cannot be killed for one line: a line is stopped
at its time budget only by symdiff's cooperative checks, which do not reach inside a call into C (FLINT). The
workers need symdiff installed, the same version as the caller; with Dask's statistical profiler turned off
(distributed.worker.profile.enabled: False), since the samples it keeps take most of a worker's memory over a
long batch.
"""

from __future__ import annotations

import collections
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from ..core import budget as _budget
from ..core.errors import MissingExtraError, UsageError
from ..parsing.inputs import variable_name
from .batch import BatchSummary, format_record, process_line, run_batch
from .batch_reading import looks_like_json, open_input

if TYPE_CHECKING:
    from .batch import Record
    from .batch_reading import BatchInput, BatchSource, Line

__all__ = ["run_batch_on_dask", "run_batch_files_on_dask", "FilesSummary"]

INSTALL = 'pip install "symdiff-cas[dask]"'
OUTPUT_FORMATS = ("text", "json")
PARTITION_CHARACTERS = 1 << 22  # a partition is also cut before it holds more than this many characters (4 MiB)

# (default variables, order, simplify, budget): what every line is differentiated with
_Settings: TypeAlias = "tuple[list[str], int, bool | str, _budget.Budget]"


@dataclass
class FilesSummary:
    """What run_batch_files_on_dask did: `files` maps each output file (path or URL) to its BatchSummary, whose
    failed_lines count lines within that file; `lines`, `succeeded` and `failed` are the totals."""
    files: dict[str, BatchSummary] = field(default_factory=dict)

    @property
    def lines(self) -> int:
        return sum(s.lines for s in self.files.values())

    @property
    def succeeded(self) -> int:
        return sum(s.succeeded for s in self.files.values())

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.files.values())

    @property
    def ok(self) -> bool:
        return self.failed == 0


def run_batch_on_dask(source: BatchSource, output: str | os.PathLike[str] | TextIO | None, scheduler: Any,
                      wrt: str | Sequence[str] | None = None, order: int = 1, simplify: bool | str = "full",
                      output_format: str | None = None, budget: _budget.Budget | None = None,
                      partition_lines: int = 1000) -> BatchSummary:
    """Differentiate every line of `source` on a Dask cluster and write one line per input line to `output`
    (a text stream, default stdout, or a file's path), in input order: what symdiff.run_batch writes.

    source: a path, a binary or text stream, or an iterable of lines, read here as symdiff.run_batch reads it.
    scheduler: a distributed.Client, or the scheduler's address ("tcp://127.0.0.1:8786"), or a cluster object
        (distributed.LocalCluster): a client is opened for the batch and closed after it.
    wrt, order, simplify, output_format: as for symdiff.run_batch.
    budget: resource limits (symdiff.Budget; default: the budget in force here), in force for each line on its
        own: with max_seconds, every line has that many seconds.
    partition_lines: lines per task (fewer when they would exceed 4 MiB of text). Larger partitions cost less
        scheduling; smaller ones share the lines out more evenly among the workers near the end.
    Returns a BatchSummary. Raises MissingExtraError without dask and distributed; otherwise only for an
    unreadable source, a failing output stream or a cluster that cannot be reached or fails."""
    distributed = _distributed()
    if output_format not in (None, *OUTPUT_FORMATS):
        raise UsageError(f"unknown batch output format {output_format!r}: use text or json")
    if isinstance(partition_lines, bool) or not isinstance(partition_lines, int) or partition_lines < 1:
        raise UsageError(f"partition_lines must be a whole number >= 1, not {partition_lines!r}")
    in_force = _budget_in_force(budget)
    settings: _Settings = (_variables(wrt) if wrt is not None else [], order, simplify, in_force)
    client, opened = _client(scheduler, distributed)
    # (future, first line's number, lines), in input order
    in_flight: collections.deque[tuple[Any, int, list[Line]]] = collections.deque()
    lines: BatchInput | None = None
    stream: TextIO | None = None
    try:
        if isinstance(output, (str, os.PathLike)):
            # as run_batch writes a file (a lone surrogate from a caller's text stream is escaped, not lost)
            stream = open(output, "w", encoding="utf-8", errors="backslashreplace", newline="\n")
            writer = _Writer(stream, output_format)
        else:
            writer = _Writer(output if output is not None else sys.stdout, output_format)
        in_flight_limit = 2 * max(1, sum(client.nthreads().values())) + 2
        lines = open_input(source, in_force.max_input_length)
        for first, items in _partitions(lines, partition_lines):
            for item in items:
                writer.see(item)
            future = client.submit(_run_partition, first, items, *settings, pure=False)
            in_flight.append((future, first, items))
            while len(in_flight) >= in_flight_limit:
                _write_partition(writer, client, distributed, *in_flight.popleft(), settings)
        while in_flight:
            _write_partition(writer, client, distributed, *in_flight.popleft(), settings)
        writer.close()
    finally:
        for future, _, _ in in_flight:
            future.cancel()
        if lines is not None:
            lines.close()
        if stream is not None:
            stream.close()
        if opened:
            client.close()
    return writer.summary


def run_batch_files_on_dask(input_paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
                            output_dir: str | os.PathLike[str], scheduler: Any, wrt: str | Sequence[str] | None = None,
                            order: int = 1, simplify: bool | str = "full", output_format: str | None = None,
                            budget: _budget.Budget | None = None) -> FilesSummary:
    """Differentiate every line of every input file on a Dask cluster, one task per file, each writing one
    output file of the same name in `output_dir` (created if need be), one line per input line, in order.

    input_paths: a glob ("data/part-*.jsonl"), a path or URL, or a list of them (read with fsspec, as
        dask.bag.read_text reads them: `s3://...`, and `.gz` and other compressions by the name); the workers
        read them, and write to output_dir, so both must be reachable from every worker.
    scheduler, wrt, order, simplify, budget: as for run_batch_on_dask. output_format: as for symdiff.run_batch,
        per file (None: JSON when the file's first non-blank line is).
    Returns a FilesSummary: each output file's BatchSummary (its line numbers count within that file) and
    the totals. Raises MissingExtraError without dask and distributed; UsageError when no file matches, when
    two inputs have the same name or an output would overwrite its input; FileNotFoundError for a missing
    input; an error of any file once all the others are done."""
    distributed = _distributed()
    fsspec = _fsspec()
    if output_format not in (None, *OUTPUT_FORMATS):
        raise UsageError(f"unknown batch output format {output_format!r}: use text or json")
    in_force = _budget_in_force(budget)
    settings: _Settings = (_variables(wrt) if wrt is not None else [], order, simplify, in_force)
    if isinstance(input_paths, (str, os.PathLike)):
        input_paths = [input_paths]
    sources = fsspec.open_files([os.fspath(p) for p in input_paths], "rb", compression="infer")
    if not sources:
        raise UsageError(f"no input files match {input_paths!r}")
    for source in sources:
        if not source.fs.isfile(source.path):
            raise FileNotFoundError(f"no input file {source.fs.unstrip_protocol(source.path)}")
    names = [source.path.rstrip("/").rsplit("/", 1)[-1] for source in sources]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise UsageError(f"two input files are named {repeated[0]}: their output files would be the same")
    root = os.fspath(output_dir).rstrip("/") or "/"
    targets = fsspec.open_files([f"{root}/{name}" for name in names], "wt", compression="infer",
                                encoding="utf-8", newline="")
    for source, target in zip(sources, targets):
        if source.fs.unstrip_protocol(source.path) == target.fs.unstrip_protocol(target.path):
            raise UsageError(f"the output file would overwrite its input {source.path}: choose another output_dir")
    client, opened = _client(scheduler, distributed)
    try:
        futures = [client.submit(_run_file, source, target, output_format, *settings, pure=False)
                   for source, target in zip(sources, targets)]
        summary, failure = FilesSummary(), None
        for target, future in zip(targets, futures):
            try:
                summary.files[target.fs.unstrip_protocol(target.path)] = future.result()
            except Exception as error:  # raised once every file is done
                failure = failure or error
        if failure is not None:
            raise failure
        return summary
    finally:
        if opened:
            client.close()


# ---- on the workers -----------------------------------------------------------------------------------------

def _run_partition(first: int, lines: list[Line], default_wrt: list[str], order: int, simplify: bool | str,
                   budget: _budget.Budget) -> list[Record]:
    """The records of consecutive lines numbered from `first`, each line under `budget` on its own (a task)."""
    return [process_line(number, line, default_wrt, order, simplify, budget=budget)
            for number, line in enumerate(lines, first)]


def _run_file(source: Any, target: Any, output_format: str | None, default_wrt: list[str], order: int,
              simplify: bool | str, budget: _budget.Budget) -> BatchSummary:
    """One input file to one output file (fsspec OpenFiles), by run_batch in this worker (a task)."""
    target.fs.makedirs(target.path.rsplit("/", 1)[0] or "/", exist_ok=True)
    with source as stream, target as output:
        return run_batch(stream, output, wrt=default_wrt, order=order, simplify=simplify,
                         output_format=output_format, progress=False, budget=budget, jobs=1)


# ---- on the caller's side ---------------------------------------------------------------------------------------

def _write_partition(writer: _Writer, client: Any, distributed: ModuleType, future: Any, first: int, items: list[Line],
                     settings: _Settings) -> None:
    for record in _partition_records(client, distributed, future, first, items, settings):
        writer.write(record)
    writer.flush()


def _partition_records(client: Any, distributed: ModuleType, future: Any, first: int, items: list[Line],
                       settings: _Settings) -> list[Record]:
    """A partition's records; if a worker died on it, its lines again one per task, and for a line that kills
    a worker again, an error record in its place."""
    try:
        done: list[Record] = future.result()
        return done
    except distributed.KilledWorker as error:
        if len(items) == 1:
            return [_lost(first, error)]
    # a worker died with several lines in hand: find the line, if one line is the cause
    futures = [client.submit(_run_partition, first + i, [item], *settings, pure=False)
               for i, item in enumerate(items)]
    records: list[Record] = []
    for i, single in enumerate(futures):
        try:
            records.extend(single.result())
        except distributed.KilledWorker as error:
            records.append(_lost(first + i, error))
    return records


def _lost(number: int, error: BaseException) -> Record:
    message = (f"{type(error).__name__}: every Dask worker that ran this line died (out of memory, or a crash in "
               "native code); see the workers' logs")
    return {"line": number, "error": {"type": "InternalError", "message": message}}


class _Writer:
    """Writes records in order as run_batch does: the output format is settled by the first non-blank line
    (`see`, called for each line as it is read, before its record is written); records of the blank lines before
    it wait for it; if every line is blank, they are written as plain text at the end."""

    def __init__(self, output: TextIO, output_format: str | None) -> None:
        self.output, self.format = output, output_format
        self.pending: list[Record] = []
        self.summary = BatchSummary()

    def see(self, line: Line) -> None:
        if self.format is None and not (isinstance(line, str) and not line.strip()):
            self.format = "json" if looks_like_json(line) else "text"

    def write(self, record: Record) -> None:
        if self.format is None:
            self.pending.append(record)
            return
        if self.pending:
            pending, self.pending = self.pending, []
            for waiting in pending:
                self._write(waiting)
        self._write(record)

    def _write(self, record: Record) -> None:
        self.summary.lines += 1
        if "error" in record:
            self.summary.failed += 1
            self.summary.failed_lines.append(record["line"])
        else:
            self.summary.succeeded += 1
        self.output.write(format_record(record, self.format or "text") + "\n")

    def flush(self) -> None:
        self.output.flush()

    def close(self) -> None:
        for record in self.pending:
            self._write(record)
        self.pending = []
        self.flush()


def _partitions(lines: Iterable[Line], size: int) -> Iterator[tuple[int, list[Line]]]:
    """(number of the first line, [lines]) for consecutive runs of at most `size` lines and about
    PARTITION_CHARACTERS characters."""
    first, items, characters = 1, [], 0
    for line in lines:
        items.append(line)
        characters += len(line) if isinstance(line, str) else 0  # not a TooLong or Undecodable line
        if len(items) >= size or characters >= PARTITION_CHARACTERS:
            yield first, items
            first, items, characters = first + len(items), [], 0
    if items:
        yield first, items


def _variables(wrt: str | Sequence[str]) -> list[str]:
    """The default variables of a batch, as run_batch reads `wrt`: "x", "x,y" or a list of names."""
    parts = [wrt] if isinstance(wrt, str) else wrt
    if not isinstance(parts, (list, tuple)) or not all(isinstance(p, str) for p in parts):
        raise UsageError(f'"wrt" must be a name, "x,y" or a list of names, not {wrt!r}')
    return [variable_name(name) for part in parts for name in part.split(",")]


def _budget_in_force(budget: _budget.Budget | None) -> _budget.Budget:
    if budget is None:
        return _budget.current()
    if not isinstance(budget, _budget.Budget):
        raise TypeError(f"budget must be a Budget, not {type(budget).__name__}")
    return budget


def _client(scheduler: Any, distributed: ModuleType) -> tuple[Any, bool]:
    """(a distributed.Client, whether it was opened here and is to be closed)."""
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if isinstance(scheduler, (str, distributed.deploy.Cluster)):
        return distributed.Client(scheduler, set_as_default=False), True
    raise UsageError(f"scheduler must be a distributed.Client, a cluster or an address such as "
                     f"'tcp://127.0.0.1:8786', not {type(scheduler).__name__}")


def _distributed() -> ModuleType:
    try:
        import distributed  # optional extra (dask): imported only to run a batch on a cluster
    except ImportError:
        raise MissingExtraError(f"batches on a Dask cluster need dask and distributed: {INSTALL}") from None
    return distributed


def _fsspec() -> Any:  # fsspec has no type information
    try:
        import fsspec  # optional extra (dask, which brings fsspec): imported only to read and write files
    except ImportError:
        raise MissingExtraError(f"batches on a Dask cluster need dask and distributed: {INSTALL}") from None
    return fsspec
