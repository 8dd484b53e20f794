"""Ctrl-C during a batch: stop at once, but never in the middle of writing a line.

While a batch runs in the main thread, SIGINT raises KeyboardInterrupt as usual, except while a result line is
being written: then the line is finished first. Each press is also remembered, so that an interrupt that some
code swallowed (a `del` or a callback in the middle of a line's work) still stops the batch at the next line,
and the line it fell in is not written (it may be incomplete). Once the batch is stopping, further presses
are ignored, so that its clean-up finishes. A caller's own SIGINT handler, or a batch run outside the main
thread, is left alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["CtrlC"]

# What signal.signal takes and gives back: a function, SIG_DFL or SIG_IGN, or None (a handler not set from Python)
_Handler: TypeAlias = "Callable[[int, FrameType | None], object] | int | signal.Handlers | None"


class CtrlC:
    """`with CtrlC() as ctrl_c:` around a batch; `with ctrl_c.writing():` around writing a line; `ctrl_c.check()`
    between lines; `ctrl_c.stopping()` once the batch is stopping."""

    def __init__(self) -> None:
        self.pressed = False
        self._writing = self._stopping = False
        self._previous: _Handler = None

    def __enter__(self) -> CtrlC:
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exception: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signal_number: int, frame: FrameType | None) -> None:
        if self._stopping:
            return
        self.pressed = True
        if not self._writing:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
        self.check()

    def check(self) -> None:
        """KeyboardInterrupt if Ctrl-C was pressed (and the interrupt has not stopped the batch yet)."""
        if self.pressed and not self._stopping:
            raise KeyboardInterrupt

    def stopping(self) -> None:
        self._stopping = True
