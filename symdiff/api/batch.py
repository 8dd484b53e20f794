"""Batch differentiation: one expression per input line, one result line per input line, in order.

Input lines are plain expressions (`3*x^2 - 4*x`) or JSON objects (`{"expr": "x^2*y", "wrt": "y"}`, with
optional "wrt" (a name, "x,y", or a list of names) and "order"); a file may mix them. Output is plain text
(the result, or `error: message (column N)`) or JSON lines (`{"line": 1, "expr": ..., "result": ...,
"latex": ...}` or `{"line": 1, "expr": ..., "error": {"type": "ParseError", "message": ..., "position": 4}}`);
by default JSON when the first non-blank input line is JSON, plain otherwise.

A bad line never stops the rest: its error is its output line. Each result is written (and flushed) as soon
as it is computed, so a batch that is interrupted keeps everything done so far; `start` skips lines already
done when a batch is resumed. Lines longer than budget.max_input_length are not read into memory whole.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field

from ..core import budget as _budget
from ..core.errors import BudgetError, ParseError, SymdiffError, UsageError
from ..parsing.inputs import variable_name
from .expressions import diff, latex, parse, text

__all__ = ["run_batch", "BatchSummary"]

FORMATS = ("text", "json")


@dataclass
class BatchSummary:
    """What a batch did: lines read, how many gave a result and how many an error (and which: 1-based)."""
    lines: int = 0
    succeeded: int = 0
    failed: int = 0
    failed_lines: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0


def run_batch(source, output=None, wrt=None, order: int = 1, simplify="full", output_format: str | None = None,
              progress: bool | None = None, budget: _budget.Budget | None = None, start: int = 0,
              progress_stream=None) -> BatchSummary:
    """Differentiate every line of `source` and write one line per input line to `output` (default stdout).

    source: a path (str or os.PathLike: read as UTF-8, undecodable bytes becoming U+FFFD and so an error
        for their line), a text stream, or an iterable of strings (one per line).
    wrt: the variable(s) for lines that do not name their own ("x", "x,y" or a list); None: each line's
        only free symbol (an error for a line with several).
    order, simplify: as for symdiff.diff (simplify: "full", "basic" or "none"/False).
    output_format: "text", "json", or None to follow the input (JSON if its first non-blank line is).
    progress: a progress line on `progress_stream` (default stderr): None shows it only when that stream
        is a terminal.
    budget: resource limits for every line (symdiff.core.budget).
    start: the number of input lines to skip (already done by an interrupted run); output starts there.
    Returns a BatchSummary. Raises only for an unreadable source or a failing output stream (and
    KeyboardInterrupt): everything a line can do wrong is written as that line's error."""
    if output_format not in (None, *FORMATS):
        raise UsageError(f"unknown batch output format {output_format!r}: use text or json")
    output = output if output is not None else sys.stdout
    progress_stream = progress_stream if progress_stream is not None else sys.stderr
    show_progress = _is_terminal(progress_stream) if progress is None else bool(progress)
    default_wrt = _variables(wrt) if wrt is not None else []
    summary = BatchSummary()
    with _budget.use(budget) as in_force:
        lines, total = _open(source, in_force.max_input_length)
        bar = _Progress(progress_stream, total) if show_progress else None
        pending: list = []  # lines read before the output format is known
        try:
            for number, line in enumerate(lines, 1):
                if number <= start:
                    continue
                if output_format is None:
                    pending.append((number, line))
                    if isinstance(line, str) and not line.strip():
                        continue
                    output_format = "json" if isinstance(line, str) and line.lstrip().startswith("{") else "text"
                    todo, pending = pending, []
                else:
                    todo = [(number, line)]
                for n, text in todo:
                    record = process_line(n, text, default_wrt, order, simplify)
                    summary.lines += 1
                    if "error" in record:
                        summary.failed += 1
                        summary.failed_lines.append(n)
                    else:
                        summary.succeeded += 1
                    output.write(format_record(record, output_format) + "\n")
                    output.flush()
                    if bar:
                        bar.update(n)
            for n, text in pending:  # only blank lines: their errors, as plain text
                record = process_line(n, text, default_wrt, order, simplify)
                summary.lines += 1
                summary.failed += 1
                summary.failed_lines.append(n)
                output.write(format_record(record, output_format or "text") + "\n")
            output.flush()
        finally:
            if bar:
                bar.close()
            close = getattr(lines, "close", None)
            if close is not None:
                close()
    return summary


# ---- one line -------------------------------------------------------------------------------------------

class _TooLong:
    """A line longer than the input limit, not read into memory (`length` is at least its length)."""

    def __init__(self, length: int):
        self.length = length


def process_line(number: int, line, default_wrt: list, order: int, simplify) -> dict:
    """The output record for one input line: never raises (except KeyboardInterrupt and the like)."""
    record: dict = {"line": number}
    try:
        if isinstance(line, _TooLong):
            limit = _budget.current().max_input_length
            raise BudgetError(f"input too long: over {limit} characters, the limit is {limit}")
        line = line.rstrip("\r\n")
        expression, variables, line_order = line, default_wrt, order
        if line.lstrip().startswith("{"):
            expression, variables, line_order = _json_request(line, default_wrt, order)
        record["expr"] = expression
        expr = parse(expression)
        result = diff(expr, *variables, order=line_order, simplify="none" if simplify is False else simplify)
        if variables:
            record["wrt"] = variables
        missing = [v for v in variables if v not in expr.free_symbols]
        record["result"] = text(result)
        record["latex"] = latex(result)
        if missing:
            record["warning"] = (f"{', '.join(missing)} {'does' if len(missing) == 1 else 'do'} not occur in the "
                                 "expression, so the derivative is 0")
    except SymdiffError as error:
        record["error"] = {"type": type(error).__name__, "message": error.message}
        if error.position is not None:
            record["error"]["position"] = error.position
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a bug: reported on its line, and the batch goes on
        record["error"] = {"type": "InternalError", "message": f"{type(error).__name__}: {error}"[:500]}
    return record


def _json_request(line: str, default_wrt: list, order: int):
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


def _variables(wrt) -> list:
    parts = [wrt] if isinstance(wrt, str) else wrt
    if not isinstance(parts, (list, tuple)) or not all(isinstance(p, str) for p in parts):
        raise UsageError(f'"wrt" must be a name, "x,y" or a list of names, not {wrt!r}')
    return [variable_name(name) for part in parts for name in part.split(",")]


def format_record(record: dict, output_format: str) -> str:
    if output_format == "json":
        return json.dumps(record)
    if "error" in record:
        error = record["error"]
        where = f" (column {error['position'] + 1})" if "position" in error else ""
        return f"error: {error['message']}{where}".replace("\n", " ")
    return record["result"]


# ---- reading ----------------------------------------------------------------------------------------------

def _open(source, max_length: int):
    """(an iterator of lines, the number of lines if known cheaply)."""
    if isinstance(source, (str, bytes, os.PathLike)):
        path = os.fspath(source)
        total = _count_lines(path)
        stream = open(path, encoding="utf-8", errors="replace", newline="")
        return _bounded_lines(stream, max_length, close=True), total
    if hasattr(source, "readline"):
        return _bounded_lines(source, max_length, close=False), None
    lines = list(source) if not hasattr(source, "__len__") else source
    return ((line if len(line) <= max_length + 2 else _TooLong(len(line)) for line in lines), len(lines))


def _bounded_lines(stream, max_length: int, close: bool):
    """The lines of a text stream, each read at most max_length (+ line end) characters at a time: a longer
    line is skipped to its end and given as _TooLong."""
    try:
        while True:
            line = stream.readline(max_length + 2)
            if not line:
                return
            if len(line) > max_length and not line.endswith("\n") or len(line.rstrip("\r\n")) > max_length:
                length = len(line)
                while not line.endswith("\n"):
                    line = stream.readline(1 << 16)
                    if not line:
                        break
                    length += len(line)
                yield _TooLong(length)
            else:
                yield line
    finally:
        if close:
            stream.close()


def _count_lines(path: str) -> int | None:
    try:
        count, last = 0, b"\n"
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                count += block.count(b"\n")
                last = block[-1:]
        return count + (last != b"\n")
    except OSError:
        return None


# ---- progress ---------------------------------------------------------------------------------------------

def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """One line on a terminal, redrawn at most ten times a second: `symdiff: 120/4000 lines (3%)`."""

    def __init__(self, stream, total: int | None):
        self.stream, self.total = stream, total
        self.shown_at = 0.0
        self.width = 0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if now - self.shown_at < 0.1 and done != self.total:
            return
        self.shown_at = now
        if self.total:
            text = f"symdiff: {done}/{self.total} lines ({100 * done // self.total}%)"
        else:
            text = f"symdiff: {done} lines"
        self.width = max(self.width, len(text))
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
