"""`symdiff serve`: the derivative calculator as a local web page and a JSON HTTP API (the optional `web`
extra: Starlette and uvicorn, loaded only by this command).

A subcommand with its own options, parsed here, apart from the expression's options: command.py hands it the
arguments after `serve` (`symdiff -- serve` still differentiates the expression "serve").
"""

from __future__ import annotations

import argparse
import sys

from .exit_status import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .options import seconds_value

__all__ = ["serve_main", "build_serve_parser"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 5.0
INSTALL = "pip install 'symdiff-cas[web]'"


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, not {port}")
    return port


def build_serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symdiff serve",
        description="Serve symdiff as a web page and a JSON HTTP API (POST /api/diff, /api/steps, ...) on this "
                    "machine. Needs the web extra: " + INSTALL)
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="the address to listen on (default 127.0.0.1: this machine only). WARNING: another "
                             "address, such as 0.0.0.0, lets anyone on the network use the page and the API; "
                             "there is no authentication")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT,
                        help="the port to listen on (default 8000; 0: any free port)")
    parser.add_argument("--timeout", type=seconds_value, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="each request's time budget in seconds (default 5): longer work is answered with "
                             "503")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in a web browser")
    return parser


def serve_main(argv: list[str]) -> int:
    """Parse the options of `symdiff serve` and run the server until Ctrl-C; the exit status."""
    arguments = build_serve_parser().parse_args(argv)
    try:
        from ..web import server  # loads Starlette and uvicorn (the web extra): only this command needs them
        from ..web.limits import Settings  # beside the server: the web package needs the web extra
    except ImportError as error:
        print(f"symdiff: error: symdiff serve needs the web extra ({error.name or error} is missing): {INSTALL}",
              file=sys.stderr)
        return EXIT_USAGE
    if not server.is_loopback(arguments.host):
        print(f"symdiff: warning: listening on {arguments.host}: anyone who can reach this machine on the network "
              "can use the page and the API (there is no authentication)", file=sys.stderr)
    try:
        server.run(arguments.host, arguments.port, Settings(seconds=arguments.timeout),
                   open_browser=not arguments.no_browser)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return EXIT_OK
