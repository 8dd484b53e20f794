"""A batch's lines in worker processes: all cores, results in input order, and a hard stop for a line that
runs past its time budget.

Each worker is a multiprocessing.Process with a Pipe of its own and is given one line at a time, so that a line
stuck where the cooperative time checks cannot reach it (in C code) is stopped by killing its worker alone:
that line gets a TimeLimitError record, a fresh worker takes the next line, and no other line is lost.
(concurrent.futures and multiprocessing.Pool cannot stop one task: killing one of their processes breaks the
whole pool, or loses the task without a word.) The parent waits on the workers' pipes and on the input with
multiprocessing.connection.wait, its timeout the nearest kill deadline.

The input is read by a thread, so that a slow pipe (`tail -f log | symdiff --batch -`) never holds back the
results of lines already read. Workers start from the "forkserver" (a clean process, so that forking is safe
whatever threads the caller has, and fast: it has imported symdiff once), or are spawned where there is none.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection, Pipe, wait
from typing import TYPE_CHECKING, TypeAlias

from ..core.errors import UsageError

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext

    from .batch import Record
    from .batch_reading import Line

__all__ = ["records_in_order", "available_cores", "seconds_before_kill"]

# How many lines may be read ahead of the oldest line not yet written (one slow line must not make the others'
# results pile up without end).
LINES_AHEAD_PER_WORKER = 256
# A worker left without its parent (killed) still stops itself a little after the parent would have killed it.
ORPHAN_MARGIN_SECONDS = 2.0

# work(number, line): the line's record; lost_record(number, line, error type, message): a lost line's record
_Work: TypeAlias = "Callable[[int, Line], Record]"
_LostRecord: TypeAlias = "Callable[[int, Line, str, str], Record]"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def seconds_before_kill(max_seconds: float) -> float:
    """How long a line may run before its worker is killed: a little over its time budget, so that the
    cooperative checks (which raise the same TimeLimitError, and keep the worker) have the first go."""
    return max_seconds * 1.1 + 0.5


def records_in_order(numbered_lines: Iterable[tuple[int, Line]], close_input: Callable[[], None], work: _Work,
                     lost_record: _LostRecord, jobs: int, max_seconds: float | None) -> Generator[Record, None, None]:
    """work(number, line) for each (number, line) of `numbered_lines`, in `jobs` worker processes, yielded in
    input order. A line whose worker is killed past its time budget, or dies, gets
    lost_record(number, line, error type, message) instead. `work` must pickle (a module-level function, or a
    functools.partial of one). close_input() is called by the reading thread once it stops reading: at the
    end of the input, before this generator ends; if the batch stops early, once that thread is unblocked (it
    may be waiting on a pipe)."""
    pool = _Pool(work, lost_record, jobs, max_seconds)
    feeder = _Feeder(numbered_lines, close_input)
    finished = False
    try:
        while True:
            yield from pool.records_in_order()
            if not (feeder.reading or pool.given):
                break
            taking = feeder.reading and pool.can_take()
            ready = wait(pool.busy_connections() + ([feeder.connection] if taking else []),
                         timeout=pool.seconds_to_next_kill())
            pool.collect(ready)
            if feeder.connection in ready:
                while pool.can_take() and (item := feeder.next_line()) is not None:
                    pool.give(*item)
                    if not feeder.connection.poll():
                        break
            pool.kill_overdue()
        finished = True
    finally:
        feeder.stop(wait=finished)
        pool.close(finished)


class _Pool:
    """The worker processes (at most `jobs`, started as lines come), the lines given out in input order, and the
    records done but not yet yielded."""

    def __init__(self, work: _Work, lost_record: _LostRecord, jobs: int, max_seconds: float | None) -> None:
        # forkserver: a clean process to fork from; spawn where there is none (Windows, some macOS builds)
        forkserver = "forkserver" in multiprocessing.get_all_start_methods()
        self.context: ForkServerContext | SpawnContext = (  # a call per name: the types know each one's Process
            multiprocessing.get_context("forkserver") if forkserver else multiprocessing.get_context("spawn"))
        self.work, self.lost_record, self.jobs, self.max_seconds = work, lost_record, jobs, max_seconds
        self.kill_after = seconds_before_kill(max_seconds) if max_seconds is not None else None
        self.workers: list[_Worker] = []
        self.given: deque[int] = deque()
        self.done: dict[int, Record] = {}

    def records_in_order(self) -> Iterator[Record]:
        while self.given and self.given[0] in self.done:
            yield self.done.pop(self.given.popleft())

    def busy_connections(self) -> list[Connection]:
        return [worker.connection for worker in self.workers if worker.line is not None]

    def can_take(self) -> bool:
        """A worker is free (or may be started), and the lines read ahead are not too many."""
        busy = sum(worker.line is not None for worker in self.workers)
        return busy < self.jobs and len(self.given) < LINES_AHEAD_PER_WORKER * self.jobs

    def seconds_to_next_kill(self) -> float | None:
        deadlines = [worker.kill_at for worker in self.workers if worker.kill_at is not None]
        return max(0.0, min(deadlines) - time.monotonic()) if deadlines else None

    def give(self, number: int, line: Line) -> None:
        worker = next((worker for worker in self.workers if worker.line is None), None)
        if worker is not None and not worker.give(number, line):  # it had died while idle
            self.workers.remove(worker)
            worker = None
        if worker is None:
            worker = _Worker(self.context, self.work, self.kill_after)
            self.workers.append(worker)
            worker.give(number, line)
        self.given.append(number)

    def collect(self, ready: Sequence[object]) -> None:
        """The records of the workers that have answered (or died)."""
        answered = [(worker, worker.line) for worker in self.workers
                    if worker.line is not None and worker.connection in ready]
        for worker, (number, line) in answered:
            record = worker.receive()
            if record is None:  # it died on the line: killed from outside, out of memory, a crash in C code
                self.workers.remove(worker)
                overdue = worker.kill_at is not None and time.monotonic() >= worker.kill_at  # its own alarm
                record = (self.lost_record(number, line, "TimeLimitError", self._over_budget()) if overdue else
                          self.lost_record(number, line, "InternalError",
                                           f"the worker process stopped (exit status {worker.process.exitcode})"))
            self.done[number] = record

    def kill_overdue(self) -> None:
        """Kill the workers whose line is past its deadline: their lines are timeouts; new workers take over."""
        now = time.monotonic()
        overdue = [(worker, worker.line) for worker in self.workers  # (one with a deadline is on a line)
                   if worker.kill_at is not None and now >= worker.kill_at and worker.line is not None]
        for worker, (number, line) in overdue:
            worker.kill()
            self.workers.remove(worker)
            self.done[number] = self.lost_record(number, line, "TimeLimitError", self._over_budget())

    def _over_budget(self) -> str:
        return f"over the time budget of {self.max_seconds:g} s"  # as the cooperative checks say it

    def close(self, finished: bool) -> None:
        """At the end of the input, ask the workers to end; else (Ctrl-C, an error) kill them."""
        for worker in self.workers:
            if finished:
                worker.stop()
            else:
                worker.kill()


class _Worker:
    """One worker process, its end of the pipe, and the line it is on (None when idle) with its kill deadline."""

    line: tuple[int, Line] | None
    kill_at: float | None

    def __init__(self, context: ForkServerContext | SpawnContext, work: _Work, kill_after: float | None) -> None:
        self.connection, child_end = Pipe()
        alarm = None
        if kill_after is not None and hasattr(signal, "setitimer"):
            alarm = kill_after + ORPHAN_MARGIN_SECONDS
        self.process = context.Process(target=_serve, args=(child_end, work, alarm), daemon=True,
                                       name="symdiff-batch-worker")
        try:
            self.process.start()
            child_end.close()
            self.connection.recv()  # it is ready: symdiff imported, the line function unpickled
        except (OSError, EOFError) as error:
            if self.process.pid is not None:
                self.kill()
            why = f"exit status {self.process.exitcode}" if isinstance(error, EOFError) else str(error)
            raise UsageError(f"the batch's worker processes cannot start ({why}); with --jobs 1 (jobs=1) it runs "
                             "without them. A Python script that runs a batch with jobs > 1 must do so under "
                             "`if __name__ == '__main__':`") from None
        self.kill_after = kill_after
        self.line = self.kill_at = None

    def give(self, number: int, line: Line) -> bool:
        """Send it the line; False if it cannot take it (it has died)."""
        try:
            self.connection.send((number, line))
        except OSError:
            self.kill()
            return False
        self.line = (number, line)
        self.kill_at = time.monotonic() + self.kill_after if self.kill_after is not None else None
        return True

    def receive(self) -> Record | None:
        """The record of its line, or None if it died on the line."""
        self.line = self.kill_at = None
        try:
            record: Record = self.connection.recv()
            return record
        except (EOFError, OSError):
            self.kill()
            return None

    def stop(self) -> None:
        """Ask it to end, and kill it if it does not at once."""
        try:
            self.connection.send(None)
        except OSError:
            pass
        self.process.join(1.0)
        self.kill()

    def kill(self) -> None:
        if self.process.exitcode is None:
            self.process.kill()
        self.process.join()
        self.connection.close()


def _serve(connection: Connection, work: _Work, alarm_seconds: float | None) -> None:
    """A worker's life: work(number, line) for each line received, its record sent back, until None or until
    the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it stops the workers
    connection.send("ready")
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if alarm_seconds is not None:  # SIGALRM's default action ends the process, even inside C code
            signal.setitimer(signal.ITIMER_REAL, alarm_seconds)
        record = work(*task)
        if alarm_seconds is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            connection.send(record)
        except OSError:
            return


class _Feeder:
    """A thread that reads the input and passes its lines through a pipe, which the parent can wait on
    together with the workers'. It owns the input from then on and closes it when it stops reading."""

    error: Exception | None

    def __init__(self, numbered_lines: Iterable[tuple[int, Line]], close_input: Callable[[], None]) -> None:
        self.connection, self._sender = Pipe(duplex=False)
        self.reading, self.error = True, None
        self._thread = threading.Thread(target=self._read, args=(numbered_lines, close_input), daemon=True,
                                        name="symdiff-batch-reader")
        self._thread.start()

    def _read(self, numbered_lines: Iterable[tuple[int, Line]], close_input: Callable[[], None]) -> None:
        try:
            for item in numbered_lines:
                if not self._send(item):
                    return
            self._send(None)
        except Exception as error:  # reading failed: next_line() raises it in the batch's thread
            self.error = error
            self._send(None)
        finally:
            close_input()
            self._sender.close()

    def _send(self, item: tuple[int, Line] | None) -> bool:
        try:
            self._sender.send(item)
            return True
        except OSError:  # the batch has stopped listening
            return False

    def next_line(self) -> tuple[int, Line] | None:
        """The next (number, line), or None at the end of the input."""
        item: tuple[int, Line] | None = self.connection.recv()
        if item is None:
            self.reading = False
            if self.error is not None:
                raise self.error
        return item

    def stop(self, wait: bool) -> None:
        """Stop listening (the thread stops at its next line); `wait`: for the thread, done reading, to end."""
        self.connection.close()
        if wait:
            self._thread.join()
