"""Running the application with uvicorn: `symdiff serve` calls run().

Why it is built this way:
- Bound to 127.0.0.1 by default: the page is for the person at this machine. There is no authentication, so
  another address (--host 0.0.0.0) makes it reachable by anyone on the network (the command warns).
- On a loopback address the server answers only to the loopback names (Settings.allowed_hosts), which stops a
  web page elsewhere from reaching it through DNS rebinding; on another address the names people use for the
  machine are not known, so any is accepted.
- uvicorn bounds connections too (limit_concurrency, 503 beyond), above the work pool's own bound, and drops
  idle keep-alive connections soon.
- The browser is opened once the server listens (port 0: the port the system chose).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import sys
import threading
import time
import webbrowser

import uvicorn

from .app import create_app
from .limits import LOOPBACK_HOSTS, Settings

__all__ = ["run", "make_server", "listening_port", "is_loopback", "url_of"]

# Connections uvicorn serves at once, beyond the work pool's admitted requests (static files, waiting clients).
EXTRA_CONNECTIONS = 64


def is_loopback(host: str) -> bool:
    """Whether `host` is this machine only: localhost, 127.0.0.0/8 or ::1."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def url_of(host: str, port: int) -> str:
    """The page's address; a wildcard address (0.0.0.0, ::) is opened as 127.0.0.1."""
    name = host.strip("[]")
    if name in ("0.0.0.0", "::", ""):
        name = "127.0.0.1"
    return f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/"


def run(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None,
        open_browser: bool = True) -> None:
    """Serve the page and the API until interrupted (Ctrl-C)."""
    server = make_server(host, port, settings)
    if open_browser:
        threading.Thread(target=_open_when_listening, args=(server, host), daemon=True,
                         name="symdiff-open-browser").start()
    server.run()


def make_server(host: str = "127.0.0.1", port: int = 8000, settings: Settings | None = None) -> uvicorn.Server:
    """The uvicorn server of the application, not yet started (server.run() serves until server.should_exit)."""
    settings = settings or Settings()
    if settings.allowed_hosts is None and is_loopback(host):
        settings = dataclasses.replace(settings, allowed_hosts=(*LOOPBACK_HOSTS, host.strip("[]").lower()))
    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="info", server_header=False,
                            limit_concurrency=settings.workers + settings.queue + EXTRA_CONNECTIONS,
                            timeout_keep_alive=5, lifespan="on")
    return uvicorn.Server(config)


def listening_port(server: uvicorn.Server) -> int:
    """The port a started server listens on (the one the system chose for port 0)."""
    sockets = [s for listener in getattr(server, "servers", []) for s in listener.sockets]
    return int(sockets[0].getsockname()[1]) if sockets else server.config.port


def _open_when_listening(server: uvicorn.Server, host: str, wait: float = 30.0) -> None:
    """Open the page in the browser once the server has started (within `wait` seconds)."""
    end = time.monotonic() + wait
    while not server.started:
        if time.monotonic() > end or server.should_exit:
            return
        time.sleep(0.05)
    url = url_of(host, listening_port(server))
    print(f"symdiff: the page is at {url}", file=sys.stderr)
    try:
        webbrowser.open(url)
    except webbrowser.Error:
        pass  # no browser here: the address printed above is enough
