"""Reading a batch's input: its lines as they come, each read into memory only up to the length limit.

Only "\\n" ends a line ("\\r\\n" is one ending): a lone "\\r" is a character of its line. Paths and binary streams
are read as bytes and decoded line by line, so one line that is not UTF-8 is an error for that line only. A
text stream is read as it decodes. Pipes, FIFOs and terminals are read once, as the lines arrive; the number of
lines is counted beforehand only for a regular file (and a list), where that costs no input.
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, TypeAlias, cast

if TYPE_CHECKING:
    from _typeshed import StrOrBytesPath

__all__ = ["TooLong", "Undecodable", "BatchInput", "open_input", "without_line_ending", "looks_like_json"]

# UTF-8 takes at most 4 bytes a character: a line of more bytes than this has more characters than the limit.
BYTES_PER_CHARACTER = 4
LINE_ENDING_ROOM = 2  # "\r\n"

# What open_input reads: a path, a binary or text stream, or an iterable of lines
BatchSource: TypeAlias = "StrOrBytesPath | IO[bytes] | IO[str] | Iterable[str | bytes]"


@dataclass(frozen=True)
class TooLong:
    """A line longer than the input limit, not read into memory: `length` is at least its length."""
    length: int
    json: bool  # whether it starts as a JSON object does (for choosing the output format)


@dataclass(frozen=True)
class Undecodable:
    """A line that is not UTF-8: `position` is the character where the first undecodable `byte` is."""
    position: int
    byte: int
    json: bool


# A line as read: its text (without its ending), or TooLong or Undecodable
Line: TypeAlias = "str | TooLong | Undecodable"


def without_line_ending(line: str) -> str:
    """The line without one "\\n" or "\\r\\n" at its end."""
    if line.endswith("\n"):
        line = line[:-1]
        if line.endswith("\r"):
            line = line[:-1]
    return line


def looks_like_json(line: Line) -> bool:
    """Whether a line (text or a TooLong or Undecodable) starts as a JSON object does."""
    return line.json if isinstance(line, (TooLong, Undecodable)) else line.lstrip().startswith("{")


class BatchInput:
    """The lines of a batch's input (str without their ending, or TooLong or Undecodable), read as they are
    iterated; `total()` is their number where it is known without reading the input; `close()`."""

    def __init__(self, lines: Iterator[Line], total: int | None = None, stream: IO[bytes] | None = None,
                 owned: bool = False) -> None:
        self._lines, self._total, self._stream, self._owned = lines, total, stream, owned

    def __iter__(self) -> Iterator[Line]:
        return self._lines

    def total(self) -> int | None:
        if self._total is None and self._stream is not None:
            self._total = _count_regular_file_lines(self._stream)
        return self._total

    def close(self) -> None:
        close = getattr(self._lines, "close", None)
        if close is not None:
            close()
        if self._owned and self._stream is not None:  # owned: always a stream
            self._stream.close()


def open_input(source: BatchSource, max_length: int) -> BatchInput:
    """The lines of `source`: a path (str, bytes or os.PathLike), a binary or text stream, or an iterable of
    lines (str or bytes)."""
    if isinstance(source, (str, bytes, os.PathLike)):
        stream = open(source, "rb")  # one open, read once: a pipe or FIFO gives its lines only once
        return BatchInput(_binary_lines(stream, max_length), stream=stream, owned=True)
    if hasattr(source, "readline"):
        readable = cast("IO[Any]", source)  # bytes or text: not told by its type, but by what readline gives
        if isinstance(readable.readline(0), bytes):  # reads nothing: only tells bytes from text
            return BatchInput(_binary_lines(readable, max_length), stream=readable)
        return BatchInput(_text_lines(readable, max_length))
    total = len(cast(Sized, source)) if hasattr(source, "__len__") else None
    return BatchInput((_listed_line(item, max_length) for item in source), total=total)


def _binary_lines(stream: IO[bytes], max_length: int) -> Iterator[Line]:
    """Each line of a binary stream: decoded, or TooLong or Undecodable. A line is read at most `limit` bytes at
    a time, so a longer one is skipped to its end without being held."""
    limit = BYTES_PER_CHARACTER * max_length + LINE_ENDING_ROOM
    while True:
        line = stream.readline(limit)
        if not line:
            return
        if len(line) == limit and not line.endswith(b"\n"):
            yield TooLong(_skip_to_line_end(stream, len(line)), json=line.lstrip().startswith(b"{"))
            continue
        try:
            text = without_line_ending(line.decode("utf-8"))
        except UnicodeDecodeError as error:
            position = len(line[:error.start].decode("utf-8", errors="replace"))
            yield Undecodable(position, line[error.start], json=line.lstrip().startswith(b"{"))
            continue
        yield TooLong(len(text), looks_like_json(text)) if len(text) > max_length else text


def _skip_to_line_end(stream: IO[bytes], length: int) -> int:
    """Read on to the end of the line (or input) without keeping it; returns the line's length."""
    while True:
        part = stream.readline(1 << 16)
        length += len(part)
        if not part or part.endswith(b"\n"):
            return length


def _text_lines(stream: IO[str], max_length: int) -> Iterator[Line]:
    """Each line of a text stream. readline() may stop at the limit, or at a lone "\\r" (a stream opened with
    newline=""): the pieces are joined up to "\\n"."""
    limit = max_length + LINE_ENDING_ROOM
    while True:
        line = stream.readline(limit)
        if not line:
            return
        length, starts_as_json = len(line), looks_like_json(line)
        while not line.endswith("\n"):
            part = stream.readline(limit)
            if not part:
                break
            length += len(part)
            line = line + part if length <= limit else part[-1:]  # past the limit only the ending is kept
        text = without_line_ending(line)
        yield TooLong(length, starts_as_json) if length > limit or len(text) > max_length else text


def _listed_line(item: str | bytes, max_length: int) -> Line:
    if isinstance(item, bytes):
        return next(_binary_lines(io.BytesIO(item), max_length), "")
    text = without_line_ending(item)
    return TooLong(len(text), looks_like_json(text)) if len(text) > max_length else text


def _count_regular_file_lines(stream: IO[bytes]) -> int | None:
    """The lines from the stream's position to the end, if it is a regular file (read with pread, so that the
    stream's position does not move); None for a pipe, FIFO, terminal or anything else."""
    try:
        descriptor = stream.fileno()
        if not stat.S_ISREG(os.fstat(descriptor).st_mode) or not hasattr(os, "pread"):
            return None
        offset = os.lseek(descriptor, 0, os.SEEK_CUR)
        count, last = 0, b"\n"
        while True:
            block = os.pread(descriptor, 1 << 20, offset)
            if not block:
                return count + (last != b"\n")
            count += block.count(b"\n")
            offset += len(block)
            last = block[-1:]
    except (OSError, AttributeError, ValueError):  # no descriptor (BytesIO) or not seekable
        return None
