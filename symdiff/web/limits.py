"""What bounds the server's work: the settings (body size, seconds per request, worker threads, queue) and the
bounded pool the requests' work runs in.

Why it is built this way:
- symdiff's work is CPU-bound Python, so it runs in threads, never on the event loop: the loop stays free to
  read requests, answer the fast ones and refuse what does not fit. The pool has `workers` threads and admits
  at most `workers + queue` requests at a time; one more is refused at once (the caller answers 503 with
  Retry-After) instead of waiting without bound.
- A request's time runs from its admission, not from the moment a thread takes it: its deadline is fixed when
  it is admitted, and the work runs under a Budget whose max_seconds is what is left of it (symdiff's loops
  check it cooperatively and raise TimeLimitError). A request that waited in the queue past its deadline is
  answered without being worked on.
- Work that cannot be interrupted (a call into C, matplotlib drawing) may overrun the budget, so the caller
  also waits at most `backstop` seconds (a little longer than the budget). A thread that overruns keeps its
  place in the pool until it really ends: the bound on threads and memory holds even then.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from ..core.budget import Budget, current

__all__ = ["Settings", "WorkPool", "LOOPBACK_HOSTS"]

T = TypeVar("T")

# The names a browser on this machine uses for a server bound to the loopback interface.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Settings:
    """The server's limits.

    max_body_bytes  bytes of a request's body (more: 413, refused before it is all read)
    seconds         wall-clock seconds for one request's work, from its admission (the `--timeout` option)
    workers         threads doing symdiff's work at the same time
    queue           admitted requests waiting for a thread; beyond workers + queue, 503 with Retry-After
    allowed_hosts   the Host header values accepted (None: any). Bound to the loopback interface, the server
                    accepts only its loopback names, so that a web page elsewhere cannot reach it through a
                    DNS name made to point at 127.0.0.1 (DNS rebinding).
    """

    max_body_bytes: int = 16 * 1024
    seconds: float = 5.0
    workers: int = 4
    queue: int = 32
    allowed_hosts: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("max_body_bytes", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Settings.{name} must be a whole number >= 1, not {value!r}")
        if isinstance(self.queue, bool) or not isinstance(self.queue, int) or self.queue < 0:
            raise ValueError(f"Settings.queue must be a whole number >= 0, not {self.queue!r}")
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float)) \
                or not 0 < self.seconds < math.inf:
            raise ValueError(f"Settings.seconds must be a number of seconds > 0, not {self.seconds!r}")

    @property
    def backstop(self) -> float:
        """How long the server waits for a request's work before answering 503 whatever the work does: a little
        longer than `seconds`, so that symdiff's own TimeLimitError (a better message) normally comes first."""
        return self.seconds * 1.2 + 0.25

    @property
    def retry_after(self) -> int:
        """Seconds a refused client is told to wait (Retry-After): about one request's time."""
        return max(1, math.ceil(self.seconds))

    def budget(self, deadline: float) -> Budget | None:
        """The budget for work that must end by `deadline` (time.monotonic()): the budget in force with
        max_seconds set to what is left; None if nothing is left."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        return dataclasses.replace(current(), max_seconds=left)


class WorkPool:
    """A thread pool that admits at most workers + queue requests at a time (see the module's docstring)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="symdiff-web")
        self._capacity = settings.workers + settings.queue
        self._admitted = 0
        self._lock = threading.Lock()

    @property
    def admitted(self) -> int:
        """Requests admitted and not yet ended (running or waiting for a thread)."""
        return self._admitted

    def submit(self, work: Callable[[float], T]) -> asyncio.Future[T] | None:
        """Start `work(deadline)` in the pool, or None when the pool is full (nothing started). The deadline
        (time.monotonic()) is fixed now; the place in the pool is given back when the work ends, not when the
        caller stops waiting for it. Called from the event loop."""
        with self._lock:
            if self._admitted >= self._capacity:
                return None
            self._admitted += 1
        deadline = time.monotonic() + self.settings.seconds
        try:
            future: Future[T] = self._executor.submit(work, deadline)
        except BaseException:  # the executor is shut down: nothing was started
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return asyncio.wrap_future(future)

    def _release(self, _: object) -> None:
        with self._lock:
            self._admitted -= 1

    def close(self) -> None:
        """Stop taking work; queued work is dropped, work running ends on its own (its budget bounds it)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
