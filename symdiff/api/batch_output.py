"""A batch's output file, new or resumed.

A batch writes one whole line per input line, in input order, and flushes it; so after a run that was stopped
(even killed, even in the middle of writing a line) the file holds the results of the first N input lines,
complete, and perhaps part of line N+1. Resuming keeps the N complete lines, drops the partial one, and
appends from input line N+1: no line is repeated or skipped.
"""

from __future__ import annotations

import os
from typing import IO, TextIO

__all__ = ["open_output"]


def open_output(path: str | os.PathLike[str], resume: bool) -> tuple[TextIO, int]:
    """(the file at `path` opened for writing results, the number of input lines it already holds): a new file
    (0), or with `resume` the file as it was, less a partial last line, opened to append (created if missing)."""
    done = 0
    if resume:
        with open(path, "ab+") as file:
            file.seek(0)
            done, complete = _complete_lines(file)
            file.truncate(complete)
    # errors: a line of text from a caller's stream may hold a lone surrogate; it is written escaped, not lost
    stream = open(path, "a" if resume else "w", encoding="utf-8", errors="backslashreplace", newline="\n")
    return stream, done


def _complete_lines(file: IO[bytes]) -> tuple[int, int]:
    """(the number of lines that end with "\\n", the size in bytes of the file up to the last of them)."""
    count = offset = complete = 0
    while block := file.read(1 << 20):
        count += block.count(b"\n")
        last = block.rfind(b"\n")
        if last >= 0:
            complete = offset + last + 1
        offset += len(block)
    return count, complete
