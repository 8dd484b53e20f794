#!/usr/bin/env python3
"""The HTTP API of `symdiff serve` under load: easy requests and time bombs at once (issue 22).

    python benchmarks/serve.py [--requests N] [--clients C] [--timeout T] [--bomb-every K] [--port P]

Run by hand, not by pytest. Starts the real server in a subprocess (`python -m symdiff serve --port P
--no-browser --timeout T`, the command as a user runs it; its own process, so that the load generator does not
share its interpreter), waits for /api/health, then sends N requests from C concurrent clients (threads, one
httpx connection each). Every K-th request is a time bomb: work far beyond the budget (derivatives of order
8 to 15 of a product, the steps of one, a value, an answer check), which the server must refuse with a 503 JSON
error within its budget; the others are easy (a derivative, its steps, a gradient, a Hessian, a Jacobian, a
value, a tangent, a limit table, an answer check, a reading) and must all be answered 200, however many bombs
are running beside them.

Printed: requests per second over the run, the easy requests' p50/p99/max latency (by endpoint too), the time
bombs' latency against the server's bound (its backstop: a little more than T), and the failures: an easy request
not answered 200, a bomb not answered 503 with a JSON error of kind TimeLimitError or BudgetError, or answered
after the bound. The exit status is 1 if there is any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]

BOMB_EXPR = "exp(sin(x))*tan(x)^3/(1+x^2)"
# (endpoint, body): each finishes in milliseconds.
EASY: list[tuple[str, dict[str, Any]]] = [
    ("diff", {"expr": "x^2 sin(x)"}),
    ("diff", {"expr": "exp(-x^2/2)/sqrt(2 pi)", "order": 2}),
    ("diff", {"expr": "x^2 y + sin(x y)", "wrt": "x,y"}),
    ("steps", {"expr": "3*x^2 - 4*x", "wrt": "x"}),
    ("gradient", {"expr": "x^2*y + sin(x*y)"}),
    ("hessian", {"expr": "x^2*y + sin(x*y)"}),
    ("jacobian", {"exprs": "x y, x + y, x^2 - y"}),
    ("value", {"expr": "x^2 sin(x)", "at": "x=pi/2"}),
    ("tangent", {"expr": "x^2", "at": "x=1"}),
    ("limit", {"expr": "3*x^2 - 4*x", "at": "x=1"}),
    ("compare", {"expr": "x^2 sin(x)", "answer": "2x sin(x) + x^2 cos(x)"}),
    ("read", {"expr": "d/dx (x^2 + 1)"}),
]
# (endpoint, body): each far beyond a budget of seconds (unbounded: tens of seconds, or millions of nodes).
BOMBS: list[tuple[str, dict[str, Any]]] = [
    ("diff", {"expr": BOMB_EXPR, "order": 12}),
    ("steps", {"expr": BOMB_EXPR, "order": 8}),
    ("value", {"expr": BOMB_EXPR, "order": 12, "at": "x=1"}),
    ("compare", {"expr": BOMB_EXPR, "order": 10, "answer": "x"}),
    ("diff", {"expr": "(x+1)^(x+2)^(x+3)", "order": 15}),
]
BOMB_KINDS = {"TimeLimitError", "BudgetError"}


@dataclass
class Outcome:
    endpoint: str
    bomb: bool
    status: int
    seconds: float
    kind: str | None       # the JSON error's kind, if any
    problem: str | None    # what is wrong with the answer, or None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, timeout: float) -> subprocess.Popen[bytes]:
    """`python -m symdiff serve` from this checkout, its log discarded; waits until /api/health answers. Where
    the command line does not have `serve` yet, the function it calls (symdiff.cli.serve.serve_main) is run the
    same way, saying so."""
    options = ["--port", str(port), "--no-browser", "--timeout", str(timeout)]
    try:
        return _start([sys.executable, "-m", "symdiff", "serve", *options], port)
    except ServerExited as exited:
        if "unknown option" not in exited.stderr:
            raise SystemExit(str(exited)) from None
        print("note: `python -m symdiff serve` is not wired in this checkout; running "
              "symdiff.cli.serve.serve_main(argv) directly")
        entry = "import sys; from symdiff.cli.serve import serve_main; sys.exit(serve_main(sys.argv[1:]))"
        try:
            return _start([sys.executable, "-c", entry, *options], port)
        except ServerExited as again:
            raise SystemExit(str(again)) from None


class ServerExited(Exception):
    def __init__(self, command: list[str], status: int, stderr: str):
        super().__init__(f"the server exited with status {status}: {' '.join(command)}\n{stderr}")
        self.stderr = stderr


def _start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if server.poll() is not None:
            error = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise ServerExited(command, server.returncode, error)
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                if server.stderr:  # uvicorn's log is not read: it must not fill the pipe and block the server
                    threading.Thread(target=server.stderr.read, daemon=True).start()
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not answer /api/health within 30 s")


def warm_up(base: str) -> None:
    """One of each easy request first: the first use of a code path (imports, caches) is not the load's."""
    with httpx.Client(base_url=base, timeout=60) as client:
        for endpoint, body in EASY:
            client.post(f"/api/{endpoint}", json=body)


def run_load(base: str, requests: int, clients: int, bomb_every: int, bound: float) -> tuple[list[Outcome], float]:
    """Sends the requests from `clients` threads; (outcomes, wall seconds)."""
    plan: list[tuple[str, dict[str, Any], bool]] = []
    for i in range(requests):
        if bomb_every and i % bomb_every == bomb_every - 1:
            endpoint, body = BOMBS[(i // bomb_every) % len(BOMBS)]
            plan.append((endpoint, body, True))
        else:
            endpoint, body = EASY[i % len(EASY)]
            plan.append((endpoint, body, False))
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = httpx.Client(base_url=base, timeout=bound + 30)
        made: httpx.Client = local.client
        return made

    def send(item: tuple[str, dict[str, Any], bool]) -> Outcome:
        endpoint, body, bomb = item
        start = time.perf_counter()
        try:
            response = client().post(f"/api/{endpoint}", json=body)
        except httpx.HTTPError as error:
            return Outcome(endpoint, bomb, 0, time.perf_counter() - start, None, f"no answer: {error!r}")
        seconds = time.perf_counter() - start
        try:
            data = response.json()
        except json.JSONDecodeError:
            return Outcome(endpoint, bomb, response.status_code, seconds, None, "the answer is not JSON")
        kind = data.get("error", {}).get("kind") if isinstance(data, dict) and "error" in data else None
        problem = None
        if bomb:
            if response.status_code != 503 or kind not in BOMB_KINDS:
                problem = f"a time bomb was answered {response.status_code} {kind or ''}".rstrip()
            elif seconds > bound:
                problem = f"a time bomb's 503 took {seconds:.2f} s, over the bound of {bound:.2f} s"
        elif response.status_code != 200:
            problem = f"answered {response.status_code} {kind or ''}: {data}"
        return Outcome(endpoint, bomb, response.status_code, seconds, kind, problem)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients, thread_name_prefix="client") as pool:
        outcomes = list(pool.map(send, plan))
    return outcomes, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def report(outcomes: list[Outcome], wall: float, arguments: argparse.Namespace, bound: float) -> int:
    easy = [o for o in outcomes if not o.bomb]
    bombs = [o for o in outcomes if o.bomb]
    failures = [o for o in outcomes if o.problem]
    bombing = f"every {arguments.bomb_every}th a time bomb" if arguments.bomb_every else "no time bombs"
    print(f"symdiff serve --timeout {arguments.timeout:g}: {len(outcomes)} requests from {arguments.clients} "
          f"concurrent clients, {bombing} ({len(easy)} easy, {len(bombs)} bombs)")
    print(f"  wall time {wall:.2f} s, {len(outcomes) / wall:.1f} requests/s over the run")
    if easy:
        times = [o.seconds for o in easy]
        print(f"  easy:  p50 {milliseconds(percentile(times, 50))}   p99 {milliseconds(percentile(times, 99))}   "
              f"max {milliseconds(max(times))}   mean {milliseconds(statistics.fmean(times))}")
        by_endpoint: dict[str, list[float]] = defaultdict(list)
        for o in easy:
            by_endpoint[o.endpoint].append(o.seconds)
        for endpoint, values in sorted(by_endpoint.items()):
            print(f"    {endpoint:<9} n={len(values):<4} p50 {milliseconds(percentile(values, 50))}   "
                  f"p99 {milliseconds(percentile(values, 99))}")
    if bombs:
        times = [o.seconds for o in bombs]
        kinds: dict[str, int] = defaultdict(int)
        for o in bombs:
            kinds[f"{o.status} {o.kind}"] += 1
        print(f"  bombs: min {min(times):.2f} s   p50 {percentile(times, 50):.2f} s   max {max(times):.2f} s   "
              f"(budget {arguments.timeout:g} s, bound {bound:.2f} s); answers: "
              + ", ".join(f"{k} x{n}" for k, n in sorted(kinds.items())))
    print(f"  failures: {len(failures)}")
    for o in failures[:20]:
        print(f"    {o.endpoint}{' (bomb)' if o.bomb else ''}: {o.problem}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests in all (default 400)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's budget per request, s (default 2)")
    parser.add_argument("--bomb-every", type=int, default=20,
                        help="every K-th request is a time bomb (default 20; 0: none)")
    parser.add_argument("--port", type=int, default=0, help="the server's port (default: a free one)")
    arguments = parser.parse_args()
    port = arguments.port or free_port()
    base = f"http://127.0.0.1:{port}"
    # The server's own bound on a request (symdiff.web.limits.Settings.backstop), and a little for the network.
    bound = arguments.timeout * 1.2 + 0.25 + 0.25
    server = start_server(port, arguments.timeout)
    try:
        warm_up(base)
        outcomes, wall = run_load(base, arguments.requests, arguments.clients, arguments.bomb_every, bound)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return report(outcomes, wall, arguments, bound)


if __name__ == "__main__":
    sys.exit(main())
