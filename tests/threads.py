"""Building the same nodes from several threads at the same moment, as the tests of interning do."""

from __future__ import annotations

import sys
import threading


def build_in_threads(make, threads_count: int, rounds: int) -> list:
    """For each of `threads_count` threads, the list of make(r) for r in range(rounds), every round started by all
    threads at once (a barrier), with threads switching as often as Python allows, so that a race in interning
    is likely to show. An error in any thread is raised here."""
    barrier = threading.Barrier(threads_count)
    results: list = [[] for _ in range(threads_count)]
    errors: list = []

    def build(slot):
        try:
            for r in range(rounds):
                barrier.wait()
                results[slot].append(make(r))
        except Exception as error:  # noqa: BLE001 - any error in a thread is raised below
            errors.append(error)
            barrier.abort()

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        workers = [threading.Thread(target=build, args=(i,)) for i in range(threads_count)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    finally:
        sys.setswitchinterval(previous)
    if errors:
        raise errors[0]
    return results
