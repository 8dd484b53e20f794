"""The page of `symdiff serve`, end to end in a real browser: headless Chromium (Debian's, driven by Playwright)
against the real server on 127.0.0.1, typing as a user does and reading what is rendered.

Why it is tested this way: the page's work is in the browser (KaTeX rendering, the caret under an error, the
SVG plot put in the page, the URL that reproduces a result, the layout on a phone), which the API's tests
(test_web_api.py) cannot see. Every test also checks what the page must never do: load anything from another
host, break the Content-Security-Policy, or log an error other than the HTTP statuses it is shown.

The server runs in this process (uvicorn in a thread, on a free port, with a 2 s budget so that a time bomb is
refused quickly); one browser serves the module, each test has its own context. Screenshots (desktop and phone)
are written to $SYMDIFF_ARTIFACTS, else to a temporary directory. Skipped, saying why, without Playwright, the
web extra, matplotlib, or a Chromium binary.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    pytest.importorskip("starlette", reason="symdiff serve needs the web extra: pip install 'symdiff-cas[web]'")
    pytest.importorskip("uvicorn", reason="symdiff serve needs the web extra: pip install 'symdiff-cas[web]'")
    pytest.importorskip("playwright.sync_api",
                        reason="the browser tests need Playwright: pip install 'symdiff-cas[test]'")
    pytest.importorskip("matplotlib", reason="the page's plot needs matplotlib: pip install 'symdiff-cas[plot]'")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
if CHROMIUM is None:
    pytest.skip("no Chromium binary (apt-get install chromium): the page is tested in a real browser",
                allow_module_level=True)

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright  # noqa: E402

import symdiff as sd  # noqa: E402
from symdiff.web.limits import Settings  # noqa: E402
from symdiff.web.server import listening_port, make_server  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUDGET = 2.0                       # the server's seconds per request
WAIT_MS = 15_000                   # the longest any output may take to be ready (a plot, on a slow machine)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Over the budget by far (about 20 s of work when unbounded): refused with 503 TimeLimitError.
TIME_BOMB = "exp(sin(x))*tan(x)^3/(1+x^2)"
TIME_BOMB_ORDER = 12
# What Chromium logs for a response with an error status: expected where the page shows the error.
HTTP_ERROR = re.compile(r"Failed to load resource: the server responded with a status of [45]\d\d")
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


# ---- the server, the browser, the artifacts --------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real server (make_server: the same uvicorn configuration as `symdiff serve`) on a free port."""
    # matplotlib's first plot takes seconds (importing it, its fonts): done here, outside any request's budget
    sd.plot_with_derivative("x^2", "x", tmp_path_factory.mktemp("warm-up") / "plot.svg", x_range=(-1, 1))
    server = make_server("127.0.0.1", 0, Settings(seconds=BUDGET))
    server.config.access_log = False  # uvicorn's log of each request: noise in a failing test's output
    thread = threading.Thread(target=server.run, daemon=True, name="symdiff-web-test-server")
    thread.start()
    end = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < end and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{listening_port(server)}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = _launch(playwright)
        yield chromium
        chromium.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("SYMDIFF_ARTIFACTS")
    directory = Path(given) if given else tmp_path_factory.mktemp("web-screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


class Watch:
    """What a page did that it must not: requests beyond the server, console errors (other than the HTTP error
    statuses the page shows), uncaught exceptions, Content-Security-Policy violations."""

    def __init__(self, base_url: str):
        self.origin = urlsplit(base_url)
        self.requests: list[str] = []
        self.outside: list[str] = []
        self.problems: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.route("**/*", self._route)
        context.add_init_script(CSP_LISTENER)

    def page(self, context: BrowserContext) -> Page:
        page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        return page

    def _route(self, route: Route) -> None:
        url = route.request.url
        self.requests.append(url)
        parts = urlsplit(url)
        if (parts.scheme, parts.hostname, parts.port) != (self.origin.scheme, "127.0.0.1", self.origin.port):
            self.outside.append(url)
            route.abort()
            return
        route.continue_()

    def _console(self, message: Any) -> None:
        text = message.text
        if "Content-Security-Policy" in text or "Content Security Policy" in text:
            self.problems.append(f"CSP: {text}")
        elif message.type == "error" and not HTTP_ERROR.search(text):
            self.problems.append(f"console error: {text}")

    def check(self, pages: list[Page]) -> None:
        for page in pages:
            if not page.is_closed():
                violations = page.evaluate("window.__cspViolations || []")
                self.problems.extend(f"CSP violation: {v}" for v in violations)
        assert not self.outside, f"requests left 127.0.0.1: {self.outside}"
        assert self.requests, "no request was seen: the watch is not attached"
        assert not self.problems, "\n".join(self.problems)


class Session:
    """One browser context with its watch; `new()` opens a page in it."""

    def __init__(self, context: BrowserContext, watch: Watch, base_url: str):
        self.context, self.watch, self.base_url = context, watch, base_url
        self.pages: list[Page] = []

    def new(self, fragment: str = "") -> Page:
        page = self.watch.page(self.context)
        self.pages.append(page)
        page.goto(self.base_url + "/" + fragment)
        page.wait_for_selector("#expr")
        return page


def _session(browser: Browser, base_url: str, **options: Any) -> Iterator[Session]:
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)
    watch = Watch(base_url)
    watch.attach(context)
    session = Session(context, watch, base_url)
    try:
        yield session
        watch.check(session.pages)
    finally:
        context.close()


@pytest.fixture
def session(browser: Browser, base_url: str) -> Iterator[Session]:
    yield from _session(browser, base_url, viewport=DESKTOP)


@pytest.fixture
def page(session: Session) -> Page:
    return session.new()


# ---- helpers ------------------------------------------------------------------------------------------------

def ready(page: Page, selector: str, state: str = "ready") -> None:
    """Wait until the output's data-state is `state` (ready|loading|error)."""
    page.wait_for_selector(f'{selector}[data-state="{state}"]', state="attached")


def settled(page: Page, selector: str) -> None:
    page.wait_for_selector(f'{selector}:is([data-state="ready"], [data-state="error"])', state="attached")


def tex(page: Page, selector: str) -> str:
    """The LaTeX KaTeX rendered in `selector` (its MathML annotation), whitespace collapsed; '' if none."""
    found = page.locator(f"{selector} annotation[encoding='application/x-tex']").all_text_contents()
    return " | ".join(_squash(t) for t in found)


def _squash(text: str) -> str:
    return " ".join(text.split())


def type_expression(page: Page, text: str) -> None:
    page.fill("#expr", "")
    page.type("#expr", text, delay=10)
    settled(page, "#preview")


def differentiate(page: Page, text: str, wrt: str = "", order: int = 1) -> None:
    type_expression(page, text)
    page.fill("#wrt", wrt)
    page.fill("#order", str(order))
    page.press("#expr", "Enter")


def no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth,"
                           " document.body.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= widths[1], f"the page scrolls sideways: {widths}"


# ---- the tests ----------------------------------------------------------------------------------------------

def test_preview_renders_as_you_type_and_the_derivative_appears(page: Page, artifacts: Path) -> None:
    type_expression(page, "x^2 sin(x)")
    ready(page, "#preview")
    assert page.locator("#preview .katex").count() >= 1
    assert tex(page, "#preview") == "x^{2} \\sin x"
    assert page.locator("#preview .preview-text code").inner_text() == "x^2*sin(x)"
    assert page.locator("#input-error").is_hidden()
    assert page.get_attribute("#copy-latex", "disabled") is not None  # nothing to copy yet

    page.press("#expr", "Enter")
    ready(page, "#result")
    expected = sd.diff("x^2 sin(x)", "x")
    shown = tex(page, "#result")
    assert shown.endswith("= " + _squash(sd.latex(expected))), shown
    assert shown.startswith("\\frac{d}{d x}"), shown
    assert page.locator("#result .result-text code").inner_text() == sd.text(expected)
    assert page.is_enabled("#copy-latex") and page.is_enabled("#copy-text")
    page.click("#copy-text")
    page.wait_for_selector("#copy-status:not(:empty)")
    assert "Copied the text" in page.inner_text("#copy-status")
    assert "expr=x%5E2+sin%28x%29" in page.evaluate("location.hash")  # the URL encodes the input
    ready(page, "#plot")  # differentiating also draws f and f'
    assert page.locator("#plot svg").count() == 1
    page.screenshot(path=str(artifacts / "desktop-derivative.png"), full_page=True)


def test_an_error_while_typing_marks_its_column(page: Page, artifacts: Path) -> None:
    type_expression(page, "x^2 +* 3")
    ready(page, "#preview", "error")
    error = page.locator("#input-error")
    assert error.is_visible()
    assert page.get_attribute("#expr", "aria-invalid") == "true"
    assert "unexpected '*'" in error.locator(".error-message").inner_text()
    mark = error.locator("mark.caret-mark")
    assert mark.inner_text() == "*"
    shown = error.locator("pre.caret-line span[aria-hidden]").inner_text()
    assert shown == "x^2 +* 3" and shown.index("*") == 5
    assert "At character 6" in error.locator("pre.caret-line .visually-hidden").inner_text()
    page.screenshot(path=str(artifacts / "desktop-input-error.png"))
    # the mark is drawn under the input's sixth character: same left edge of the text, same character width
    geometry = page.evaluate("""() => {
        const input = document.getElementById('expr'), pre = document.querySelector('#input-error pre');
        const mark = pre.querySelector('mark'), si = getComputedStyle(input), sp = getComputedStyle(pre);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = si.font;
        return {inputText: input.getBoundingClientRect().left + parseFloat(si.borderLeftWidth)
                           + parseFloat(si.paddingLeft),
                preText: pre.getBoundingClientRect().left + parseFloat(sp.paddingLeft),
                mark: mark.getBoundingClientRect().left,
                before: ctx.measureText(input.value.slice(0, 5)).width};
    }""")
    assert abs(geometry["preText"] - geometry["inputText"]) <= 1.5, geometry
    assert abs(geometry["mark"] - (geometry["inputText"] + geometry["before"])) <= 2, geometry

    page.fill("#expr", "x^2 + 3")  # fixed: the error goes
    ready(page, "#preview")
    assert error.is_hidden() and page.get_attribute("#expr", "aria-invalid") == "false"


def test_the_steps_expand_and_render(page: Page) -> None:
    differentiate(page, "3*x^2 - 4*x")
    ready(page, "#result")
    page.click("#steps summary")
    ready(page, "#steps-body")
    assert page.evaluate("document.getElementById('steps').open")
    derivation = sd.steps("3*x^2 - 4*x", "x")
    rules = page.locator("#steps-body .rule").all_text_contents()
    assert rules == [step["rule"] for step in derivation.as_json()["steps"]], rules
    assert page.locator("#steps-body .katex").count() >= len(rules)
    assert tex(page, "#steps-body").endswith("= 6 x - 4")


def test_gradient_jacobian_and_hessian(page: Page) -> None:
    type_expression(page, "x^2*y + sin(x*y)")
    page.click("#gradient")
    ready(page, "#matrix-result")
    assert page.get_attribute("#gradient", "aria-pressed") == "true"
    assert tex(page, "#matrix-result") == "\\nabla f = " + _squash(sd.gradient("x^2*y + sin(x*y)").latex())
    page.click("#hessian")
    ready(page, "#matrix-result")
    assert tex(page, "#matrix-result") == "H_f = " + _squash(sd.hessian("x^2*y + sin(x*y)").latex())
    type_expression(page, "x y, x + y")
    assert "a list of 2 functions" in page.inner_text("#preview")
    page.click("#jacobian")
    ready(page, "#matrix-result")
    assert tex(page, "#matrix-result") == "J = " + _squash(sd.jacobian(["x*y", "x + y"]).latex())


def test_value_tangent_limit_table_and_plot_at_a_point(page: Page, artifacts: Path) -> None:
    differentiate(page, "x^2 sin(x)")
    ready(page, "#result")
    page.fill("#point", "x=1")
    page.press("#point", "Enter")
    for output in ("#value", "#tangent", "#limit-table", "#plot"):
        ready(page, output)
    value = sd.derivative_at("x^2 sin(x)", {"x": 1}, "x")
    assert f"= {sd.latex(value)} \\approx 2.2232" in tex(page, "#value"), tex(page, "#value")
    assert tex(page, "#tangent") == _squash(sd.tangent("x^2 sin(x)", {"x": 1}).latex())
    rows = page.locator("#limit-table tbody tr")
    table = sd.limit_table("x^2 sin(x)", "x", 1)
    assert rows.count() == len(table.rows)
    assert page.inner_text("#limit-table tfoot").endswith(f"f′(a) = {sd.text(table.exact)} ≈ 2.22324427548")
    assert page.locator("#plot svg").count() == 1
    assert page.inner_text("#plot figcaption") == "f and its tangent at x=1"
    assert "at=x%3D1" in page.evaluate("location.hash")
    # another range: drawn again
    page.fill("#range-from", "-1")
    page.fill("#range-to", "2")
    page.click("#redraw")
    ready(page, "#plot")
    assert page.locator("#plot svg path").count() > 3
    assert "range=-1%2C2" in page.evaluate("location.hash")
    page.screenshot(path=str(artifacts / "desktop-point.png"), full_page=True)


def test_check_my_answer_right_and_wrong(page: Page) -> None:
    type_expression(page, "x^2 sin(x)")
    page.fill("#answer", "2x sin(x) + x^2 cos(x)")
    page.click("#check")
    ready(page, "#verdict")
    assert page.get_attribute("#verdict", "data-right") == "true"
    assert "Right" in page.inner_text("#verdict .badge")

    page.fill("#answer", "2x cos(x)")
    page.press("#answer", "Enter")
    page.wait_for_selector('#verdict[data-right="false"][data-state="ready"]')
    assert "Wrong" in page.inner_text("#verdict .badge")
    assert tex(page, "#verdict").endswith(_squash(sd.latex(sd.diff("x^2 sin(x)", "x"))))
    assert page.locator("#verdict table.counterexample tr").count() >= 2


def test_a_link_reproduces_the_result(session: Session) -> None:
    fragment = "#expr=" + quote("x^2*y") + "&wrt=" + quote("x,y") + "&at=" + quote("x=1, y=2")
    page = session.new(fragment)
    ready(page, "#result")
    assert page.input_value("#expr") == "x^2*y" and page.input_value("#wrt") == "x,y"
    assert page.input_value("#point") == "x=1, y=2"
    assert tex(page, "#result").endswith("= 2 x")  # d/dy d/dx x^2 y
    ready(page, "#value")
    assert tex(page, "#value").endswith("= 2")
    # what the page wrote in its own URL opens the same result in a new page
    page.fill("#order", "2")
    page.fill("#wrt", "x")
    page.fill("#point", "")
    page.click("#differentiate")
    ready(page, "#result")
    link = page.evaluate("location.hash")
    again = session.new(link)
    ready(again, "#result")
    assert tex(again, "#result") == tex(page, "#result") and tex(again, "#result").endswith("= 2 y")
    assert again.input_value("#order") == "2"


def test_a_time_bomb_gets_the_time_limit_message_while_others_are_served(session: Session) -> None:
    bomb, other = session.new(), session.new()
    type_expression(bomb, TIME_BOMB)
    bomb.fill("#order", str(TIME_BOMB_ORDER))
    started = time.monotonic()
    bomb.click("#differentiate")
    ready(bomb, "#result", "loading")
    differentiate(other, "x^3")  # served beside the bomb, long before its budget is over
    ready(other, "#result")
    assert bomb.get_attribute("#result", "data-state") == "loading"
    assert tex(other, "#result").endswith("= 3 x^{2}")
    ready(bomb, "#result", "error")
    took = time.monotonic() - started
    assert "took too long (over the time limit)" in bomb.inner_text("#result .error-message")
    assert f"over the time budget of {BUDGET:g} s" in bomb.inner_text("#result .error-detail")
    assert took < 2 * BUDGET + 2, f"the time limit's answer took {took:.1f} s"
    # the same page works again at once
    bomb.fill("#order", "1")
    differentiate(bomb, "exp(2x)")
    ready(bomb, "#result")
    assert tex(bomb, "#result").endswith("= 2 e^{2 x}")


def test_the_page_loads_only_from_its_server(session: Session) -> None:
    page = session.new("#expr=" + quote("x^2 sin(x)") + "&at=x%3D1")
    for output in ("#result", "#value", "#tangent", "#limit-table", "#plot"):
        ready(page, output)
    page.click("#steps summary")
    ready(page, "#steps-body")
    local = {urlsplit(u).path for u in session.watch.requests}
    assert {"/", "/static/app.js", "/static/style.css", "/static/katex/katex.min.js",
            "/static/katex/katex.min.css", "/api/read", "/api/diff", "/api/plot"} <= local
    assert any(p.startswith("/static/katex/fonts/") for p in local), "KaTeX's fonts come from the server"
    # the session's check (after the test) asserts that nothing else was asked for, no CSP violation and no error


def test_a_phone_has_no_horizontal_scroll(browser: Browser, base_url: str, artifacts: Path) -> None:
    for session in _session(browser, base_url, viewport=PHONE, is_mobile=True, has_touch=True,
                            device_scale_factor=2):
        page = session.new()
        no_horizontal_scroll(page)
        type_expression(page, "x^2 +* 3")
        ready(page, "#preview", "error")
        no_horizontal_scroll(page)
        differentiate(page, "exp(-x^2/2) sin(3 x) + x^5 y^3", wrt="x")
        ready(page, "#result")
        page.click("#hessian")
        ready(page, "#matrix-result")
        page.fill("#point", "x=1, y=2")
        page.press("#point", "Enter")
        for output in ("#value", "#tangent"):
            ready(page, output)
        settled(page, "#limit-table")
        page.fill("#answer", "x")
        page.click("#check")
        ready(page, "#verdict")
        no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / "phone.png"), full_page=True)
        differentiate(page, "x^2 sin(x)")
        page.fill("#wrt", "")
        page.fill("#point", "x=1")
        page.press("#point", "Enter")
        for output in ("#value", "#tangent", "#limit-table", "#plot"):
            ready(page, output)
        no_horizontal_scroll(page)
        page.screenshot(path=str(artifacts / "phone-point.png"), full_page=True)
