"""The Starlette application of `symdiff serve`: the page, its static files, KaTeX, and the JSON HTTP API.

Why it is built this way:
- Every request is bounded before any of symdiff runs: the body is read only up to the limit (413 as soon as
  it is passed, whatever Content-Length claims), only `application/json` is taken (415; this also keeps other
  web sites out: a cross-site form cannot send JSON without the browser asking first, and nothing here says
  yes), JSON that nests deeper than any request does is refused before it is parsed, and the work runs in the
  bounded pool of symdiff.web.limits under the request's Budget, with a backstop timeout (503).
- Every response carries the security headers (a Content-Security-Policy that allows only this server's own
  scripts, styles, fonts and images; nosniff; no referrer; no framing), API responses are never cached, and
  every error of /api/ is JSON with the shape of symdiff.web.handlers.error_body: never a traceback or an
  HTML page.
- The server answers only to the Host names of Settings.allowed_hosts when set (the loopback names when bound
  to 127.0.0.1): a page elsewhere that points a DNS name at 127.0.0.1 cannot use the API (DNS rebinding).
- The page (symdiff/web/static/) and KaTeX are served from files: KaTeX from symdiff/web/static/katex in an
  installed copy, else from docs/assets/katex in a source checkout.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Route

from . import handlers
from .handlers import Body, error_body
from .limits import Settings, WorkPool

__all__ = ["create_app", "SECURITY_HEADERS", "STATIC", "katex_directory"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

STATIC = Path(__file__).resolve().parent / "static"
# KaTeX: inside the package when installed (pyproject's force-include), in the docs' assets in a checkout.
KATEX_PLACES = (STATIC / "katex", Path(__file__).resolve().parents[2] / "docs" / "assets" / "katex")

# Only this server's own files; KaTeX writes `style` attributes on what it renders (and an SVG plot carries
# its own <style>), hence 'unsafe-inline' for styles, never for scripts. data: images: a plot shown as an
# <img> of its SVG.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
NO_STORE = "no-store"  # API answers: computed for one request, never cached

# The deepest JSON a request has is an object holding a list (wrt, exprs, range); this is room enough.
MAX_JSON_DEPTH = 8
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
JSON_TYPE = "application/json"

# Files of the page, by suffix (the system's table may lack some, e.g. .woff2): what each is sent as.
MEDIA_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
               ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".json": "application/json",
               ".txt": "text/plain; charset=utf-8", ".ico": "image/x-icon"}


def katex_directory() -> Path | None:
    """Where KaTeX's files are (katex.min.js beside its fonts), or None when neither place has them."""
    return next((p for p in KATEX_PLACES if (p / "katex.min.js").is_file()), None)


# ---- responses --------------------------------------------------------------------------------------------------

def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity (browsers' JSON.parse refuses them): such a float becomes null."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def encode(body: Body) -> bytes:
    return json.dumps(_finite(body), allow_nan=False).encode("ascii")


def json_response(status: int, body: Body | bytes, headers: dict[str, str] | None = None) -> Response:
    content = body if isinstance(body, bytes) else encode(body)
    return Response(content, status_code=status, media_type=JSON_TYPE,
                    headers={"cache-control": NO_STORE, **(headers or {})})


def _error(status: int, message: str, kind: str, headers: dict[str, str] | None = None,
           field: str | None = None) -> Response:
    return json_response(status, error_body(message, kind, field=field), headers)


# ---- the request's body ---------------------------------------------------------------------------------------

def _is_json(content_type: str | None) -> bool:
    """application/json, with no charset or UTF-8 (JSON's only encoding on the web, RFC 8259)."""
    if not content_type:
        return False
    media, *parameters = [part.strip().lower() for part in content_type.split(";")]
    charset = [p.partition("=")[2].strip('"') for p in parameters if p.startswith("charset=")]
    return media == JSON_TYPE and all(c in ("utf-8", "utf8") for c in charset)


async def _read_body(request: Request, limit: int) -> bytes | Response:
    """The body, read up to `limit` bytes and no further: a 413 as soon as more comes (or is announced)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            return _error(400, "Content-Length is not a number of bytes", "InvalidRequest")
        if int(declared) > limit:
            return _error(413, f"the request's body is {int(declared)} bytes; the limit is {limit}",
                          "RequestTooLarge")
    chunks, size = [], 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                return _error(413, f"the request's body is over the limit of {limit} bytes", "RequestTooLarge")
            chunks.append(chunk)
    except ClientDisconnect:
        return _error(400, "the client went away before sending the whole body", "InvalidRequest")
    return b"".join(chunks)


def _json_depth(data: bytes) -> int:
    """How deep JSON text nests (objects and lists), without parsing it: strings are skipped."""
    depth = deepest = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', data)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _decode(data: bytes) -> object | Response:
    """The JSON value of a body (UTF-8, strict JSON: no NaN), or the error response."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return _error(400, f"the body is not UTF-8: byte 0x{data[error.start]:02x} at byte {error.start} cannot "
                           "be read", "InvalidJSON")
    if _json_depth(data) > MAX_JSON_DEPTH:
        return _error(422, f"the JSON nests deeper than {MAX_JSON_DEPTH} levels; a request is an object of "
                           "strings, numbers and lists", "InvalidRequest")
    try:
        value: object = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:  # not reached after the depth check; kept as a bound of its own
        return _error(422, "the JSON nests too deeply", "InvalidRequest")
    except ValueError as error:  # JSONDecodeError, and integers over Python's int-from-text limit
        return _error(400, f"the body is not valid JSON: {error}", "InvalidJSON")
    return value


# ---- the endpoints ------------------------------------------------------------------------------------------

def _api_endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        settings: Settings = request.app.state.settings
        pool: WorkPool = request.app.state.pool
        if not _is_json(request.headers.get("content-type")):
            return _error(415, "send the request as JSON: Content-Type: application/json", "UnsupportedMediaType")
        body = await _read_body(request, settings.max_body_bytes)
        if isinstance(body, Response):
            return body
        payload = _decode(body)
        if isinstance(payload, Response):
            return payload

        def work(deadline: float) -> tuple[int, bytes]:  # in a thread of the pool
            status, answer = handlers.handle(name, payload, settings.budget(deadline), settings.seconds)
            return status, encode(answer)

        future = pool.submit(work)
        if future is None:
            return _error(503, "the server is busy: try again shortly", "ServerBusy",
                          {"retry-after": str(settings.retry_after)})
        try:
            status, content = await asyncio.wait_for(future, settings.backstop)
        except asyncio.TimeoutError:
            return _error(503, f"over the time budget of {settings.seconds:g} s", "TimeLimitError")
        return json_response(status, content)

    endpoint.__name__ = f"api_{name}"
    return endpoint


async def _health(request: Request) -> Response:
    return json_response(200, handlers.health())


async def _page(request: Request) -> Response:
    return _file(STATIC / "index.html", "/")


async def _static(request: Request) -> Response:
    """A file of the page (/static/...) or of KaTeX (/static/katex/...)."""
    path: str = request.path_params["path"]
    parts = path.split("/")
    if parts[0] == "katex":
        root, parts = request.app.state.katex, parts[1:]
    else:
        root = STATIC
    if root is None or not parts or any(p in ("", ".", "..") or p.startswith(".") or "\\" in p for p in parts):
        return _error(404, f"no such file: /static/{path}", "NotFound")
    return _file(Path(root, *parts), f"/static/{path}", Path(root))


def _file(path: Path, shown: str, root: Path = STATIC) -> Response:
    """The file at `path` (inside `root`, symbolic links resolved), or a JSON 404."""
    try:
        found = path.resolve()
        inside = found.is_relative_to(root.resolve()) and found.is_file()
    except (OSError, ValueError):
        inside = False
    if not inside:
        return _error(404, f"no such file: {shown}", "NotFound")
    media = MEDIA_TYPES.get(found.suffix.lower(), "application/octet-stream")
    return FileResponse(found, media_type=media, headers={"cache-control": "no-cache"})


# ---- errors Starlette raises, and the headers on everything -------------------------------------------------

async def _http_error(request: Request, exc: Exception) -> Response:
    """404 and 405 (and any other HTTPException) as JSON."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}; use {headers.get('allow', 'POST')}"
        return _error(405, message, "MethodNotAllowed", headers)
    if exc.status_code == 404:
        return _error(404, f"no such page: {request.url.path}", "NotFound", headers)
    return _error(exc.status_code, str(exc.detail), "HTTPError", headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    """What Starlette's outermost layer sends for an exception nothing else caught (a bug): JSON, with the
    security headers (this layer is outside the middleware that adds them)."""
    handlers.LOG.error("symdiff.web: %s %s failed", request.method, request.url.path, exc_info=exc)
    return _error(500, "internal error (the server's log has the details)", "InternalError", SECURITY_HEADERS)


class Guard:
    """ASGI middleware: refuses a Host not allowed (400), and adds the security headers to every response
    (and no-store to /api/ answers)."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] | None):
        self.app = app
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in present]
                if api and b"cache-control" not in present:
                    added.append((b"cache-control", NO_STORE.encode()))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        if self.allowed is not None and _host(scope) not in self.allowed:
            response = _error(400, "this server answers only to its own address (Host header refused)",
                              "InvalidHost")
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _host(scope: Scope) -> str:
    """The Host header's name, without the port ("[::1]:8000" -> "[::1]")."""
    raw = next((v for k, v in scope.get("headers", []) if k == b"host"), b"").decode("latin-1").strip().lower()
    if raw.startswith("["):
        return raw[:raw.find("]") + 1] if "]" in raw else raw
    return raw.rpartition(":")[0] if ":" in raw else raw


# ---- the application -------------------------------------------------------------------------------------------

def create_app(settings: Settings | None = None) -> Starlette:
    """The application: routes, static files, limits. Its work pool starts now and stops with the server
    (app.state.pool; app.state.settings are the limits)."""
    settings = settings or Settings()
    pool = WorkPool(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        pool.close()

    routes: list[BaseRoute] = [
        Route("/", _page, methods=["GET"]),
        Route("/static/{path:path}", _static, methods=["GET"]),
        Route("/api/health", _health, methods=["GET"]),
        *(Route(f"/api/{name}", _api_endpoint(name), methods=["POST"]) for name in handlers.ENDPOINTS),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error, Exception: _internal_error})
    app.add_middleware(Guard, allowed_hosts=settings.allowed_hosts)
    app.state.settings, app.state.pool, app.state.katex = settings, pool, katex_directory()
    return app
