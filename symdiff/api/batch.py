"""Batch differentiation: one expression per input line, one result line per input line, in order.

Input lines are plain expressions (`3*x^2 - 4*x`) or JSON objects (`{"expr": "x^2*y", "wrt": "y"}`, with
optional "wrt" (a name, "x,y", or a list of names) and "order"); a file may mix them. Output is plain text
(the result, or `error: message (column N)`) or JSON lines (`{"line": 1, "expr": ..., "result": ...,
"latex": ...}` or `{"line": 1, "expr": ..., "error": {"type": "ParseError", "message": ..., "position": 4}}`);
by default JSON when the first non-blank input line is JSON, plain otherwise.

No line is lost: every input line has exactly one output line, written whole and flushed as soon as it and
the lines before it are done, in input order. A bad line is its own error and never stops the rest, nor does a
line that runs past its time budget (its own: budget.max_seconds), nor Ctrl-C in the middle of writing. So a
batch that is stopped keeps everything done so far, and `start` (or `resume` with an output file) carries on
from the next line. Reading is in batch_reading, the output file in batch_output, the worker processes of
`jobs` > 1 in batch_workers, Ctrl-C in batch_interrupt.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, TextIO, TypedDict

from ..core import budget as _budget
from ..core.errors import BudgetError, ParseError, SymdiffError, UsageError
from ..parsing import parser
from ..parsing.inputs import variable_name
from .batch_interrupt import CtrlC
from .batch_output import open_output
from .batch_reading import TooLong, Undecodable, looks_like_json, open_input, without_line_ending
from .batch_workers import available_cores, records_in_order
from .expressions import diff, latex, text

if TYPE_CHECKING:
    from .batch_reading import BatchSource, Line

__all__ = ["run_batch", "BatchSummary", "process_line", "format_record"]

FORMATS = ("text", "json")


class _ErrorKeys(TypedDict):
    type: str  # the error's class name, or InternalError
    message: str


class RecordError(_ErrorKeys, total=False):
    position: int  # 0-based, in the expression


class _RecordKeys(TypedDict):
    line: int  # 1-based


class Record(_RecordKeys, total=False):
    """An input line's output record (what its JSON output line holds): a result, or an error."""
    expr: str
    notes: list[str]
    wrt: list[str]
    result: str
    latex: str
    warning: str
    error: RecordError


@dataclass
class BatchSummary:
    """What a batch did: lines written, how many gave a result and how many an error (and which: 1-based);
    `skipped`: the lines before them, already done by an earlier run (start, resume)."""
    lines: int = 0
    succeeded: int = 0
    failed: int = 0
    failed_lines: list[int] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def last_line(self) -> int:
        """The number of the last input line whose output line is written (0: none)."""
        return self.skipped + self.lines


def run_batch(source: BatchSource, output: str | os.PathLike[str] | TextIO | None = None,
              wrt: str | Sequence[str] | None = None, order: int = 1, simplify: bool | str = "full",
              output_format: str | None = None, progress: bool | None = None, budget: _budget.Budget | None = None,
              start: int = 0, progress_stream: TextIO | None = None, jobs: int | None = 1,
              resume: bool = False) -> BatchSummary:
    """Differentiate every line of `source` and write one line per input line to `output`, in input order.

    source: a path (str or os.PathLike; a regular file, a pipe, a FIFO, /dev/stdin), a binary stream (such as
        sys.stdin.buffer), a text stream, or an iterable of strings (one per line). Only "\\n" ends a line
        ("\\r\\n" too). Paths and binary streams are decoded per line: a line that is not UTF-8 is an error
        for that line only. Streams are read once, as their lines come.
    output: a text stream (default stdout) or the path of a file to write.
    wrt: the variable(s) for lines that do not name their own ("x", "x,y" or a list); None: each line's
        only free symbol (an error for a line with several).
    order, simplify: as for symdiff.diff (simplify: "full", "basic" or "none"/False).
    output_format: "text", "json", or None to follow the input (JSON if its first non-blank line is).
    progress: a progress line (tqdm's) on `progress_stream` (default stderr): None shows it only when that
        stream is a terminal. It counts the lines done, out of a total only when the input is a regular file.
    budget: resource limits for every line; its max_seconds is each line's own time budget (a line over it
        is a TimeLimitError line, and the rest goes on). Default: the budget in force.
    start: the number of input lines to skip (already done by an interrupted run); output starts there.
    jobs: how many lines are worked on at once: 1 (default) in this process; more in as many worker
        processes, where a line stuck past its time budget is stopped by killing its worker (in this
        process only the cooperative checks of the time budget can stop a line); None: one per core.
    resume: with `output` a path: keep the complete lines the file holds (dropping a partial last line),
        skip as many input lines, and append the rest.
    Returns a BatchSummary. Raises only for an unreadable source or a failing output stream, and
    KeyboardInterrupt (Ctrl-C), after writing every line done before it, with the BatchSummary so far as
    its `batch_summary`: everything a line can do wrong is written as that line's error."""
    if output_format not in (None, *FORMATS):
        raise UsageError(f"unknown batch output format {output_format!r}: use text or json")
    jobs = available_cores() if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"jobs must be a whole number >= 1 (or None: one per core), not {jobs!r}")
    if resume and not isinstance(output, (str, os.PathLike)):
        raise UsageError("resume needs the output file's path")
    line_budget = budget if budget is not None else _budget.current()
    if not isinstance(line_budget, _budget.Budget):
        raise TypeError(f"budget must be a Budget, not {type(line_budget).__name__}")
    default_wrt = _variables(wrt) if wrt is not None else []
    progress_stream = progress_stream if progress_stream is not None else sys.stderr
    show_progress = _is_terminal(progress_stream) if progress is None else bool(progress)

    lines = open_input(source, line_budget.max_input_length)
    owns_output = isinstance(output, (str, os.PathLike))
    stream: TextIO
    if isinstance(output, (str, os.PathLike)):
        try:
            stream, done = open_output(output, resume)
        except BaseException:
            lines.close()
            raise
    else:
        stream, done = (output if output is not None else sys.stdout), 0
    summary = BatchSummary(skipped=max(start, done))
    bar = _Progress(progress_stream, lines.total(), summary.skipped) if show_progress else None
    choice = _FormatChoice(output_format)
    numbered = _lines_to_do(lines, summary.skipped, choice)
    work = partial(process_line, default_wrt=default_wrt, order=order, simplify=simplify, budget=line_budget)
    records: Generator[Record, None, None]
    if jobs == 1:
        records = (work(number, line) for number, line in numbered)
    else:  # the workers' reading thread closes the input once it has started
        lost = partial(_lost_line_record, default_wrt=default_wrt, order=order)
        records = records_in_order(numbered, lines.close, work, lost, jobs, line_budget.max_seconds)
    with CtrlC() as ctrl_c:
        try:
            _write_in_order(records, choice, stream, summary, ctrl_c, bar)
        except KeyboardInterrupt as interrupt:
            ctrl_c.stopping()
            interrupt.batch_summary = summary  # type: ignore[attr-defined]  # this instance's own attribute
            raise
        finally:
            ctrl_c.stopping()
            never_started = inspect.getgeneratorstate(records) == inspect.GEN_CREATED
            records.close()
            if jobs == 1 or never_started:
                lines.close()
            if bar:
                bar.close()
            if owns_output:
                stream.close()
    return summary


def _lines_to_do(lines: Iterable[Line], start: int, choice: _FormatChoice) -> Iterator[tuple[int, Line]]:
    """(number, line) for each line after the first `start`; every line, done or not, is shown to `choice`."""
    for number, line in enumerate(lines, 1):
        choice.see(line)
        if number > start:
            yield number, line


class _FormatChoice:
    """The output format: the one asked for, or else settled by the first non-blank input line (JSON if it
    is a JSON object); None until that line is read."""

    def __init__(self, output_format: str | None):
        self.format = output_format

    def see(self, line: Line) -> None:
        if self.format is None and not (isinstance(line, str) and not line.strip()):
            self.format = "json" if looks_like_json(line) else "text"


def _write_in_order(records: Iterable[Record], choice: _FormatChoice, stream: TextIO, summary: BatchSummary,
                    ctrl_c: CtrlC, bar: _Progress | None) -> None:
    """Each record (they come in input order) as an output line, once the output format is settled."""
    held: list[Record] = []  # records waiting for the output format (blank lines before the first other line)
    for record in records:
        ctrl_c.check()  # Ctrl-C during this line, and swallowed there: the line is not done
        held.append(record)
        if choice.format is not None:
            for waiting in held:
                _write(waiting, choice.format, stream, summary, ctrl_c, bar)
            held = []
    for waiting in held:  # only blank lines: their errors, as plain text
        _write(waiting, choice.format or "text", stream, summary, ctrl_c, bar)
    stream.flush()


def _write(record: Record, output_format: str, stream: TextIO, summary: BatchSummary, ctrl_c: CtrlC,
           bar: _Progress | None) -> None:
    """One output line, whole (Ctrl-C waits for it) and flushed, counted in the summary."""
    with ctrl_c.writing():
        stream.write(format_record(record, output_format) + "\n")
        stream.flush()
        summary.lines += 1
        if "error" in record:
            summary.failed += 1
            summary.failed_lines.append(record["line"])
        else:
            summary.succeeded += 1
    if bar:
        bar.update(record["line"])


# ---- one line -------------------------------------------------------------------------------------------

def process_line(number: int, line: Line, default_wrt: list[str], order: int, simplify: bool | str,
                 budget: _budget.Budget | None = None) -> Record:
    """The output record for one input line (without its line ending, or with one "\\n" or "\\r\\n"), under
    `budget` if given (its max_seconds: this line's time budget), else the budget in force. Never raises
    (except KeyboardInterrupt and the like)."""
    record: Record = {"line": number}
    try:
        with _budget.use(budget) as in_force:
            if isinstance(line, TooLong):
                limit = in_force.max_input_length
                raise BudgetError(f"input too long: over {limit} characters, the limit is {limit}")
            if isinstance(line, Undecodable):
                raise ParseError(f"the line is not UTF-8: byte 0x{line.byte:02x} cannot be read", None,
                                 line.position)
            expression, variables, line_order = _request(without_line_ending(line), default_wrt, order)
            record["expr"] = expression
            reading = parser.read(expression)
            expr = parser.expression_of(reading, derivative=True, warn=False)
            if reading.notes:  # how the line was read, where it may not be as meant (JSON output carries them)
                record["notes"] = [note.message for note in reading.notes]
            if reading.variables:  # d/dx ...: the line says its own variable
                if variables not in ([], [reading.variables[0]]):
                    raise UsageError(f"the line asks for d/d{reading.variables[0]} but the batch for "
                                     f"{', '.join(variables)}")
                variables, line_order = [reading.variables[0]], len(reading.variables)
            result = diff(expr, *variables, order=line_order, simplify="none" if simplify is False else simplify)
            if variables:
                record["wrt"] = variables
            missing = [v for v in variables if v not in expr.free_symbols]
            record["result"] = text(result)
            record["latex"] = latex(result)
            if missing:
                record["warning"] = (f"{', '.join(missing)} {'does' if len(missing) == 1 else 'do'} not occur in "
                                     "the expression, so the derivative is 0")
    except SymdiffError as error:
        record["error"] = {"type": type(error).__name__, "message": error.message}
        if error.position is not None:
            record["error"]["position"] = error.position
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a bug: reported on its line, and the batch goes on
        record["error"] = {"type": "InternalError", "message": f"{type(error).__name__}: {error}"[:500]}
    return record


def _lost_line_record(number: int, line: Line, error_type: str, message: str, default_wrt: list[str], order: int
                      ) -> Record:
    """The record of a line whose worker process was stopped (past its time budget) or died."""
    record: Record = {"line": number}
    try:
        if isinstance(line, str):  # a TooLong or Undecodable line has no expression to name
            record["expr"] = _request(without_line_ending(line), default_wrt, order)[0]
    except (SymdiffError, TypeError, AttributeError):  # none to name (not JSON, ...)
        pass
    record["error"] = {"type": error_type, "message": message}
    return record


def _request(line: str, default_wrt: list[str], order: int) -> tuple[str, list[str], int]:
    """(expression, variables, order) that a line asks for: itself, or what its JSON object says."""
    if not line.lstrip().startswith("{"):
        return line, default_wrt, order
    try:
        request = json.loads(line)
    except (ValueError, RecursionError) as error:
        position = getattr(error, "pos", None)
        raise ParseError(f"invalid JSON: {getattr(error, 'msg', 'too deeply nested')}", line, position) from None
    if not isinstance(request, dict) or not isinstance(request.get("expr"), str):
        raise UsageError('a JSON line must be an object with "expr", a string (and optionally "wrt", "order")')
    unknown = sorted(set(request) - {"expr", "wrt", "order"})
    if unknown:
        raise UsageError(f"unknown key {unknown[0]!r} in a JSON line: use expr, wrt, order")
    variables = default_wrt
    if request.get("wrt") is not None:
        variables = _variables(request["wrt"])
    line_order = request.get("order", order)
    if isinstance(line_order, bool) or not isinstance(line_order, int) or line_order < 0:
        raise UsageError(f'"order" must be a whole number >= 0, not {line_order!r}')
    return request["expr"], variables, line_order


def _variables(wrt: str | Sequence[str]) -> list[str]:
    parts = [wrt] if isinstance(wrt, str) else wrt
    if not isinstance(parts, (list, tuple)) or not all(isinstance(p, str) for p in parts):
        raise UsageError(f'"wrt" must be a name, "x,y" or a list of names, not {wrt!r}')
    return [variable_name(name) for part in parts for name in part.split(",")]


def format_record(record: Record, output_format: str) -> str:
    """One output line, without its "\\n": JSON, or the result or `error: ...` (a message never breaks the line:
    any line break in it, "\\r" included, is a space)."""
    if output_format == "json":
        return json.dumps(record)
    if "error" in record:
        error = record["error"]
        where = f" (column {error['position'] + 1})" if "position" in error else ""
        return " ".join(f"error: {error['message']}{where}".splitlines())
    return record["result"]


# ---- progress ---------------------------------------------------------------------------------------------

def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _columns(stream: TextIO) -> int | None:
    """The width of the terminal `stream` writes to, None where it has none to ask."""
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return None


class _Progress:
    """The progress line on a terminal, tqdm's: `symdiff:  45%|████▌     | 1800/4000 [00:03<00:04, 520.13
    lines/s]`, or where the number of lines is not known (a stream) `symdiff: 1800 lines [00:03, 520.13
    lines/s]`; redrawn at most ten times a second, and cleared at the end. Lines done by an earlier run (resume)
    count as done."""

    def __init__(self, stream: TextIO, total: int | None, done: int = 0) -> None:
        from tqdm import tqdm  # only when the line is shown: importing tqdm costs a batch about 20 ms
        # tqdm fits the line to the terminal's width, as it changes; a terminal that reports none (a pseudo-
        # terminal whose size was never set says 0 columns) would get an empty line: 80 columns there.
        width = {"ncols": 80} if _columns(stream) == 0 else {"dynamic_ncols": True}
        self.bar = tqdm(total=total, initial=done, file=stream, desc="symdiff", unit=" lines", leave=False,
                        mininterval=0.1, **width)

    def update(self, done: int) -> None:
        """`done`: the number of the last input line written."""
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        self.bar.refresh()  # the count reached, drawn (redraws skipped in the last tenth of a second), then cleared
        self.bar.close()
