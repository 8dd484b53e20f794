"""The HTTP API of `symdiff serve` (symdiff.web): every endpoint's answer field by field, every error status as
JSON, the limits (body size while it is read, JSON only, the request's shape, time per request, a bounded pool
that refuses with 503 when full, a slow request that does not hold up a fast one), hostile input that never
gives a 500, and the security headers on every response. Through Starlette's TestClient, and once through a
real uvicorn server on a socket (the body limit against a client that keeps sending)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import warnings

import pytest

with warnings.catch_warnings():  # Starlette 1.x suggests httpx2 for its TestClient; httpx works the same here
    warnings.simplefilter("ignore")
    pytest.importorskip("starlette", reason="symdiff serve needs the web extra: pip install 'symdiff-cas[web]'")
    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx (the test extra)")
    pytest.importorskip("uvicorn", reason="symdiff serve needs the web extra: pip install 'symdiff-cas[web]'")
    from starlette.testclient import TestClient

from symdiff.web import handlers  # noqa: E402  (after the skips: these import Starlette)
from symdiff.web.app import CONTENT_SECURITY_POLICY, create_app  # noqa: E402
from symdiff.web.limits import LOOPBACK_HOSTS, Settings  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")

ERROR_FIELDS = {"message", "kind", "position", "reason", "field"}
# Work that truly outlasts a short budget: symdiff's own deadline ends it (TimeLimitError), measured at 0.5 s.
TIME_BOMB = {"expr": "exp(sin(x))*tan(x)^3/(1+x^2)", "wrt": "x", "order": 12}
FAST = {"expr": "x^2*sin(x)", "wrt": "x"}


def client(**limits: object) -> TestClient:
    return TestClient(create_app(Settings(**limits)), raise_server_exceptions=False)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def api() -> TestClient:
    return client(seconds=10)


def post(api: TestClient, endpoint: str, body: object):
    """JSON as json.dumps writes it (lone surrogates escaped, which httpx's json= cannot send)."""
    return api.post(f"/api/{endpoint}", content=json.dumps(body).encode(),
                    headers={"content-type": "application/json"})


def ok(api: TestClient, endpoint: str, body: object) -> dict:
    response = post(api, endpoint, body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def error(response, status: int, kind: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    found = response.json()
    assert set(found) == {"error"} and set(found["error"]) == ERROR_FIELDS
    if kind is not None:
        assert found["error"]["kind"] == kind
    return found["error"]


# ---- every endpoint's answer ---------------------------------------------------------------------------------

def test_health(api):
    response = api.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": handlers.health()["version"]}


def test_read_says_how_the_text_is_read_with_its_notes(api):
    found = ok(api, "read", {"expr": "d/dx sinx"})
    assert found == {"text": "d/dx (sinx)", "latex": "\\frac{d}{dx} \\left(\\mathit{sinx}\\right)",
                     "variables": ["sinx"],
                     "notes": [{"message": "sinx is read as one variable named sinx; for sin of x write sin(x) or "
                                           "sin x", "position": 5, "kind": "joined name"}]}
    assert ok(api, "read", {"expr": "x^2 + y^2 = 1"}) == {"text": "x^2 + y^2 = 1", "latex": "x^{2} + y^{2} = 1",
                                                          "variables": ["x", "y"], "notes": []}
    assert ok(api, "read", {"expr": "\\frac{x^{2}}{2}", "from": "latex"}) == {
        "text": "x^2/2", "latex": "\\frac{x^{2}}{2}", "variables": ["x"], "notes": []}


def test_diff(api):
    assert ok(api, "diff", {"expr": "x^2*sin(x)"}) == {
        "input": {"text": "x^2*sin(x)", "latex": "x^{2} \\sin x"},
        "result": "x^2*cos(x) + 2*x*sin(x)", "latex": "x^{2} \\cos x + 2 x \\sin x", "variables": ["x"]}


def test_diff_variables_order_and_simplification(api):
    for wrt in ("x,y", ["x", "y"], ["x,y"]):
        assert ok(api, "diff", {"expr": "x^2*y", "wrt": wrt})["result"] == "2*x"
    assert ok(api, "diff", {"expr": "x^3", "order": 2})["result"] == "6*x"
    assert ok(api, "diff", {"expr": "d^2/dx^2 x^3"})["variables"] == ["x"]
    assert ok(api, "diff", {"expr": "d^2/dx^2 x^3"})["result"] == "6*x"
    assert ok(api, "diff", {"expr": "(x+1)^2", "order": 0, "simplify": "basic"})["variables"] == []
    raw = ok(api, "diff", {"expr": "x*x", "simplify": "none"})["result"]
    assert raw != "2*x"  # the rules' raw output (product rule), not simplified
    assert ok(api, "diff", {"expr": "\\sin^{2} x", "from": "latex"})["result"] == "sin(2*x)"


def test_steps(api):
    assert ok(api, "steps", {"expr": "x^2", "wrt": "x", "order": 1}) == {
        "expression": "x^2", "variable": "x",
        "steps": [{"rule": "power rule", "rewrites": [{"from": "d/dx [x^2]", "to": "2*x"}], "expression": "2*x",
                   "latex": "2 x"}],
        "result": "2*x"}
    mixed = ok(api, "steps", {"expr": "x^2*y", "wrt": ["x", "y"]})
    assert set(mixed) == {"derivations", "results"}
    assert [d["title"] for d in mixed["derivations"]] == ["d/dx", "d^2/dydx"]
    assert mixed["results"] == ["2*x*y", "2*x"]


def test_gradient_jacobian_hessian(api):
    assert ok(api, "gradient", {"expr": "x^2*y"}) == {
        "result": ["2*x*y", "x^2"], "latex": "\\begin{pmatrix}\n2 x y \\\\\nx^{2}\n\\end{pmatrix}"}
    assert ok(api, "gradient", {"expr": "x^2*y", "wrt": "y,x"})["result"] == ["x^2", "2*x*y"]
    expected = {"result": [["y", "x"], ["1", "1"]], "latex": "\\begin{pmatrix}\ny & x \\\\\n1 & 1\n\\end{pmatrix}"}
    assert ok(api, "jacobian", {"exprs": "x*y, x+y"}) == expected
    assert ok(api, "jacobian", {"exprs": ["x*y", "x+y"]}) == expected
    assert ok(api, "hessian", {"expr": "x^2*y"}) == {
        "result": [["2*y", "2*x"], ["2*x", "0"]],
        "latex": "\\begin{pmatrix}\n2 y & 2 x \\\\\n2 x & 0\n\\end{pmatrix}"}


def test_value(api):
    assert ok(api, "value", {"expr": "x^3", "at": "x=2"}) == {"result": "12", "latex": "12", "float": 12.0}
    found = ok(api, "value", {"expr": "sin(x)", "wrt": "x", "order": 1, "at": {"x": 1}})
    assert found["result"] == "cos(1)" and found["latex"] == "\\cos 1" and abs(found["float"] - 0.5403023) < 1e-6
    assert ok(api, "value", {"expr": "x^3", "at": "x=2", "order": 0})["result"] == "8"
    assert ok(api, "value", {"expr": "x^2*y", "wrt": "x", "at": "x=1, y=3"})["result"] == "6"


def test_tangent_and_normal(api):
    assert ok(api, "tangent", {"expr": "x^2", "at": "x=1"}) == {
        "kind": "tangent line", "expression": "x^2", "point": {"x": "1"}, "value": "1", "slopes": {"x": "2"},
        "dependent": "y", "equation": "y = 2*x - 1", "latex": "y = 2 x - 1"}
    normal = ok(api, "tangent", {"expr": "x^2", "at": "x=1", "normal": True})
    assert normal["kind"] == "normal line" and normal["equation"] == "y = 3/2 - x/2"


def test_limit(api):
    found = ok(api, "limit", {"expr": "x^2", "at": "x=1"})
    assert set(found) == {"rows", "exact", "value", "latex"}
    assert found["rows"][0] == [0.1, pytest.approx(2.1)] and len(found["rows"]) == 5
    assert found["exact"] == "2" and found["value"] == 2.0 and found["latex"].startswith("\\begin{array}")


def test_compare(api):
    right = ok(api, "compare", {"expr": "x^2", "answer": "2x"})
    assert right["verdict"] == "equal" and right["right"] is True and right["expected"] == "2*x"
    wrong = ok(api, "compare", {"expr": "x^2", "answer": "3x"})
    assert wrong["right"] is False and wrong["point"] == {"x": {"text": "1", "float": 1.0}}
    assert {"verdict", "right", "method", "answer", "expected", "expected_latex", "point", "text"} <= set(wrong)


def test_plot(api):
    pytest.importorskip("matplotlib", reason="plots need the plot extra")
    tangent = ok(api, "plot", {"expr": "x^2", "at": "x=1"})
    assert set(tangent) == {"svg"} and "<svg" in tangent["svg"]
    derivative = ok(api, "plot", {"expr": "sin(x)", "range": [-2, 2]})
    assert "<svg" in derivative["svg"]


def test_the_page_and_katex_are_served(api):
    page = api.get("/")
    assert page.status_code in (200, 404)  # the page's files are written beside this server
    if page.status_code == 200:
        assert page.headers["content-type"].startswith("text/html")
    script = api.get("/static/katex/katex.min.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert api.get("/static/katex/katex.min.css").headers["content-type"].startswith("text/css")
    for path in ("/static/../app.py", "/static/katex/../../pyproject.toml", "/static/%2e%2e/app.py",
                 "/static/.hidden", "/static/katex/"):
        assert api.get(path).status_code == 404


# ---- every error status ------------------------------------------------------------------------------------

def test_400_parse_error_with_its_position(api):
    found = error(post(api, "diff", {"expr": "x^^2"}), 400, "ParseError")
    assert found["position"] == 2 and found["field"] == "expr"
    found = error(post(api, "read", {"expr": "x^^2"}), 400, "ParseError")
    assert found["position"] == 2
    point = error(post(api, "value", {"expr": "x^2", "at": "x=1+*2"}), 400, "ParseError")
    assert point["field"] == "at" and point["position"] == 4
    item = error(post(api, "jacobian", {"exprs": ["x*y", "x+"]}), 400, "ParseError")
    assert item["field"] == "exprs[1]"


def test_400_other_input_errors(api):
    error(post(api, "diff", {"expr": "x*y"}), 400, "UsageError")  # which variable?
    found = error(post(api, "value", {"expr": "abs(x)", "at": "x=0"}), 400, "EvaluationError")
    assert found["reason"] == "not differentiable"
    error(post(api, "diff", {"expr": "x^2", "wrt": "sin"}), 400, "UsageError")
    error(post(api, "steps", {"expr": "x^2", "order": 0}), 400, "UsageError")
    error(post(api, "diff", {"expr": "d/dx x^2", "wrt": "y"}), 400, "UsageError")


def test_400_for_a_body_that_is_not_json(api):
    headers = {"content-type": "application/json"}
    error(api.post("/api/diff", content=b'{"expr": ', headers=headers), 400, "InvalidJSON")
    error(api.post("/api/diff", content=b'{"expr": "x", "order": NaN}', headers=headers), 400, "InvalidJSON")
    error(api.post("/api/diff", content=b'{"expr": "x\xff\xfe"}', headers=headers), 400, "InvalidJSON")
    error(api.post("/api/diff", content=b'{"order": ' + b"9" * 5000 + b"}", headers=headers), 400, "InvalidJSON")


def test_413_for_a_body_over_the_limit(api):
    found = error(post(api, "diff", {"expr": "x+" * 10_000 + "x"}), 413, "RequestTooLarge")
    assert "16384" in found["message"]


def test_413_comes_before_the_body_is_all_read():
    """A body sent in 64 KiB pieces without Content-Length: refused after the first piece, the rest unread."""
    app = create_app(Settings())
    piece, pieces, read = b" " * 65536, 16, []
    sent: list[dict] = []

    async def receive():
        read.append(1)
        return {"type": "http.request", "body": piece, "more_body": len(read) < pieces}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/diff", "raw_path": b"/api/diff", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json")],
             "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(read) == 1


def test_413_from_content_length_before_reading(api):
    response = api.post("/api/diff", content=b"{}", headers={"content-type": "application/json",
                                                             "content-length": "999999"})
    assert response.status_code in (413,)  # the header alone says too much


def test_415_for_anything_but_json(api):
    error(api.post("/api/diff", content=b'{"expr": "x"}', headers={"content-type": "text/plain"}), 415,
          "UnsupportedMediaType")
    error(api.post("/api/diff", data={"expr": "x"}), 415)  # a form, as another site could post
    error(api.post("/api/diff", content=b'{"expr": "x"}'), 415)  # no content type
    error(api.post("/api/diff", content=b'{"expr": "x"}',
                   headers={"content-type": "application/json; charset=utf-16"}), 415)
    assert api.post("/api/diff", content=b'{"expr": "x"}',
                    headers={"content-type": "application/json; charset=UTF-8"}).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({}, "expr"),
    ({"expr": 3}, "expr"),
    ({"expr": None}, "expr"),
    ({"expr": ["x"]}, "expr"),
    ({"expr": "x", "order": "2"}, "order"),
    ({"expr": "x", "order": 1.5}, "order"),
    ({"expr": "x", "order": True}, "order"),
    ({"expr": "x", "wrt": 1}, "wrt"),
    ({"expr": "x", "wrt": [1]}, "wrt"),
    ({"expr": "x", "wrt": ["x"] * 65}, "wrt"),
    ({"expr": "x", "simplify": "more"}, "simplify"),
    ({"expr": "x", "from": "mathml"}, "from"),
    ({"expr": "x", "oder": 2}, "oder"),
])
def test_422_names_the_field(api, body, field):
    found = error(post(api, "diff", body), 422, "InvalidRequest")
    assert found["field"] == field and repr(field) in found["message"]


def test_422_for_other_shapes(api):
    for body in ([], "x", 3, None, [{"expr": "x"}]):
        error(post(api, "diff", body), 422, "InvalidRequest")
    assert error(post(api, "value", {"expr": "x"}), 422)["field"] == "at"
    assert error(post(api, "value", {"expr": "x", "at": {"x": [1]}}), 422)["field"] == "at"
    assert error(post(api, "plot", {"expr": "x", "range": [1]}), 422)["field"] == "range"
    assert error(post(api, "plot", {"expr": "x", "range": [1, "2"]}), 422)["field"] == "range"
    assert error(post(api, "tangent", {"expr": "x", "at": "x=1", "normal": "yes"}), 422)["field"] == "normal"
    assert error(post(api, "jacobian", {"exprs": []}), 422)["field"] == "exprs"
    assert error(post(api, "compare", {"expr": "x"}), 422)["field"] == "answer"


def test_404_and_405_as_json(api):
    error(api.get("/api/nothing"), 404, "NotFound")
    error(api.post("/api/nothing", json={}), 404, "NotFound")
    error(api.get("/nothing"), 404, "NotFound")
    found = error(api.get("/api/diff"), 405, "MethodNotAllowed")
    assert "POST" in found["message"]
    assert api.get("/api/diff").headers["allow"] == "POST"
    error(api.post("/api/health", json={}), 405, "MethodNotAllowed")
    error(api.put("/static/katex/katex.min.js"), 405, "MethodNotAllowed")


def test_503_for_a_time_bomb_within_twice_its_budget():
    api = client(seconds=0.5)
    start = time.monotonic()
    found = error(post(api, "diff", TIME_BOMB), 503, "TimeLimitError")
    elapsed = time.monotonic() - start
    assert found["message"] == "over the time budget of 0.5 s"
    assert elapsed < 1.0, f"the answer took {elapsed:.2f} s for a 0.5 s budget"


def test_503_for_a_derivative_of_order_40_of_a_big_expression():
    api = client(seconds=0.5)
    start = time.monotonic()
    found = error(post(api, "diff", {"expr": "exp(sin(x))*tan(x)^3/(1+x^2)", "order": 40}), 503)
    assert found["kind"] in ("BudgetError", "TimeLimitError")  # its size foreseen, or its time run out
    assert time.monotonic() - start < 1.0


def test_503_from_the_backstop_when_work_ignores_its_budget(monkeypatch):
    """Work that cannot be interrupted (here: a sleep) is answered by the outer timeout, a little after the budget."""
    monkeypatch.setitem(handlers.ENDPOINTS, "read", lambda fields: time.sleep(2) or {})
    api = client(seconds=0.3)
    start = time.monotonic()
    error(post(api, "read", {"expr": "x"}), 503, "TimeLimitError")
    assert time.monotonic() - start < 1.2


def _in_thread(function):
    found: list = []
    thread = threading.Thread(target=lambda: found.append(function()))
    thread.start()
    return thread, found


def _wait_until(condition, seconds: float = 5.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.01)


def test_503_with_retry_after_when_the_pool_is_full():
    api = client(seconds=2, workers=1, queue=0)
    pool = api.app.state.pool
    thread, slow = _in_thread(lambda: post(api, "diff", TIME_BOMB))
    _wait_until(lambda: pool.admitted == 1)
    found = error(post(api, "diff", FAST), 503, "ServerBusy")
    assert "busy" in found["message"]
    assert post(api, "diff", FAST).headers["retry-after"] == "2"
    thread.join()
    assert slow[0].status_code == 503 and slow[0].json()["error"]["kind"] == "TimeLimitError"
    assert post(api, "diff", FAST).status_code == 200  # its place was given back


def test_a_request_that_waited_past_its_time_is_not_worked_on(monkeypatch):
    """Its time runs from its admission: queued behind work that overran, it is answered (by the backstop) and
    its work is never started."""
    calls = []
    monkeypatch.setitem(handlers.ENDPOINTS, "read", lambda fields: calls.append(1) or time.sleep(1) or {})
    api = client(seconds=0.3, workers=1, queue=4)
    thread, first = _in_thread(lambda: post(api, "read", {"expr": "x"}))
    _wait_until(lambda: api.app.state.pool.admitted == 1)
    error(post(api, "read", {"expr": "x"}), 503, "TimeLimitError")
    thread.join()
    error(first[0], 503, "TimeLimitError")
    _wait_until(lambda: api.app.state.pool.admitted == 0)
    assert calls == [1]
    assert handlers.handle("diff", FAST, None)[0] == 503


def test_a_slow_request_does_not_block_a_fast_one():
    api = client(seconds=3)
    thread, slow = _in_thread(lambda: post(api, "diff", TIME_BOMB))
    _wait_until(lambda: api.app.state.pool.admitted == 1)
    start = time.monotonic()
    assert post(api, "diff", FAST).status_code == 200
    fast = time.monotonic() - start
    thread.join()
    assert slow[0].status_code == 503
    assert fast < 1.0, f"a fast request took {fast:.2f} s beside a slow one"


# ---- hostile input ----------------------------------------------------------------------------------------------

HOSTILE_EXPRESSIONS = ["(" * 5000 + "x" + ")" * 5000, "sin(" * 1000 + "x" + ")" * 1000, "x" + "^x" * 3000,
                       "\x00", "\ud800x", "9" * 10_000, "x" * 10_000, "", "d/dx", "=", "1/0", "tan(pi/2)",
                       "2^2^2^2^2^2^2", "10^10^10^10", "\\frac{", "x" + "+x" * 4000, "e^(e^(e^(e^(e^x))))"]


@pytest.mark.parametrize("endpoint", sorted(handlers.ENDPOINTS))
def test_hostile_expressions_never_give_500(endpoint):
    api = client(seconds=1)
    for text in HOSTILE_EXPRESSIONS:
        body: dict = {"exprs": text} if endpoint == "jacobian" else {"expr": text}
        if endpoint in ("value", "tangent", "limit"):
            body["at"] = "x=1"
        if endpoint == "compare":
            body["answer"] = text
        start = time.monotonic()
        response = post(api, endpoint, body)
        assert response.status_code in (200, 400, 413, 503), (text[:40], response.text)
        assert time.monotonic() - start < 2.5, (text[:40], time.monotonic() - start, response.text[:200])
        assert set(response.json()) == {"error"} or response.status_code == 200


@pytest.mark.parametrize("content", [
    b"\xff\xfe\x00{", b"\x80" * 100, "{\"expr\": \"x\"}".encode("utf-16"), b"[" * 10_000, b"{\"a\":" * 3000,
    b"[" * 9 + b"]" * 9, b'{"expr": "x", "wrt": [[[[[[[["x"]]]]]]]]}', b"", b"null", b'"x"', b"1e999",
    b'{"expr": "x", "order": 1e999}', b'{"expr": "x", "at": {"x": 1e308}}', b'{"expr": "x", "__proto__": {}}',
])
def test_hostile_bodies_never_give_500(api, content):
    response = api.post("/api/value", content=content, headers={"content-type": "application/json"})
    assert response.status_code in (200, 400, 413, 422), response.text
    assert set(response.json()) == {"error"} or response.status_code == 200


def test_a_1_mb_body_is_refused(api):
    response = api.post("/api/diff", content=b"{" + b" " * 1_000_000 + b"}",
                        headers={"content-type": "application/json"})
    error(response, 413, "RequestTooLarge")


def test_hostile_points_and_ranges(api):
    for body in ({"expr": "x^2", "at": "x=" + "9" * 3000}, {"expr": "x^2", "at": {"sin": 1}},
                 {"expr": "x^2", "at": "x=1,x=2"}, {"expr": "1/x", "at": "x=0"}, {"expr": "x^2", "at": "=1"}):
        assert post(api, "value", body).status_code in (400, 503)
    for body in ({"expr": "x^2", "range": [3, -3]}, {"expr": "x^2", "range": [0, 1e308]},
                 {"expr": "x^2", "range": [0, 0]}, {"expr": "log(x)", "range": [-3, -1]}):
        assert post(api, "plot", body).status_code in (400, 503)


# ---- headers -----------------------------------------------------------------------------------------------------

def test_security_headers_on_every_response(api):
    responses = [api.get("/"), api.get("/static/katex/katex.min.css"), api.get("/api/health"),
                 post(api, "diff", FAST), post(api, "diff", {"expr": "x^^2"}), post(api, "diff", {}),
                 api.get("/nothing"), api.get("/api/diff"),
                 api.post("/api/diff", content=b"x", headers={"content-type": "text/plain"}),
                 post(api, "diff", {"expr": "x" * 20_000})]
    for response in responses:
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
    for response in responses[2:]:
        if response.request.url.path.startswith("/api/"):
            assert response.headers["cache-control"] == "no-store"


def test_the_content_security_policy_allows_only_this_server():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline scripts, no eval
    assert directives["connect-src"] == "'self'" and directives["font-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in CONTENT_SECURITY_POLICY


def test_only_loopback_host_names_when_bound_to_loopback():
    app = create_app(Settings(allowed_hosts=LOOPBACK_HOSTS))
    error(TestClient(app).get("/api/health"), 400, "InvalidHost")  # Host: testserver
    error(TestClient(app, base_url="http://evil.example:8000").post("/api/diff", json=FAST), 400, "InvalidHost")
    for base in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        assert TestClient(app, base_url=base).get("/api/health").status_code == 200


# ---- a real server -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served():
    from symdiff.web.server import listening_port, make_server
    server = make_server("127.0.0.1", 0, Settings(seconds=2))
    server.config.log_level = "warning"
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    _wait_until(lambda: server.started, 20)
    yield listening_port(server)
    server.should_exit = True
    thread.join(10)


def _exchange(port: int, request: bytes, more: bytes = b"") -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(request)
        if more:
            connection.sendall(more)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def test_a_real_server_answers_and_refuses_a_body_it_does_not_read(served):
    body = json.dumps(FAST).encode()
    answer = _exchange(served, b"POST /api/diff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                               b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert answer.startswith(b"HTTP/1.1 200")
    # chunked, 20 KiB sent of what would be 1 MB: the 413 comes without the rest
    start = b"POST /api/diff HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" \
            b"Transfer-Encoding: chunked\r\n\r\n"
    chunk = b"5000\r\n" + b" " * 0x5000 + b"\r\n"
    assert _exchange(served, start, chunk).startswith(b"HTTP/1.1 413")
    # a Host that is not this machine's loopback name (DNS rebinding)
    assert _exchange(served, b"GET /api/health HTTP/1.1\r\nHost: evil.example\r\n\r\n").startswith(b"HTTP/1.1 400")


# ---- the command ----------------------------------------------------------------------------------------------

def test_serve_main_warns_for_an_address_beyond_this_machine(monkeypatch, capsys):
    from symdiff.cli.serve import serve_main
    from symdiff.web import server
    calls = []
    monkeypatch.setattr(server, "run", lambda *args, **kwargs: calls.append((args, kwargs)))
    assert serve_main(["--no-browser", "--timeout", "2", "--port", "0"]) == 0
    (host, port, settings), options = calls[0]
    assert (host, port, settings.seconds, options) == ("127.0.0.1", 0, 2.0, {"open_browser": False})
    assert capsys.readouterr().err == ""
    assert serve_main(["--host", "0.0.0.0"]) == 0
    assert "warning" in capsys.readouterr().err and calls[1][1] == {"open_browser": True}
    for wrong in (["--port", "70000"], ["--timeout", "0"], ["--timeout", "nan"], ["--port", "x"]):
        with pytest.raises(SystemExit):
            serve_main(wrong)


# ---- throughput ---------------------------------------------------------------------------------------------------

def test_requests_per_second_sequential(api, capsys):
    """Not a limit: a figure printed with -s (benchmarks/serve.py measures under load)."""
    count, start = 200, time.monotonic()
    for _ in range(count):
        assert post(api, "diff", {"expr": "x^2*sin(x)"}).status_code == 200
    rate = count / (time.monotonic() - start)
    with capsys.disabled():
        print(f"\n/api/diff sequential through the TestClient: {rate:.0f} requests/s")
    assert rate > 5
