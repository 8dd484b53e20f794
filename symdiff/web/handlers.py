"""The HTTP API's endpoints, one function each: a JSON object in, a JSON object out, through the public API.

Why it is built this way:
- Pure functions of the request's fields (no Starlette here): `handle(name, payload, budget)` checks the
  payload's shape (422 naming the field), runs the endpoint under the request's Budget (symdiff's cooperative
  deadline: TimeLimitError past it) and turns every outcome into (status, JSON object). The app runs it in
  the bounded pool (symdiff.web.limits); tests may call it directly.
- The fields and their JSON mirror `symdiff ... --format json`: the result objects' own as_json() (derivations,
  tangents, comparisons), and {"result", "latex"} for an expression, a gradient or a matrix.
- Text is read with symdiff.read (or parse_latex for "from": "latex") and handed to the API as expressions:
  nothing warns (a server has no one to warn; the notes are in /api/read's answer), and an error's position
  is known to point into the field being read, which the error names ("field").
- Errors are data: {"error": {"message", "kind" (the exception class), "position" (0-based or null), "reason"
  (a Reason's value or null), "field"}}. A SymdiffError from the input is 400; work over its budget
  (BudgetError, TimeLimitError) and a missing optional extra (matplotlib for /api/plot) 503. Nothing from a
  request is evaluated as Python: expressions are parsed by symdiff's grammar only.
"""

from __future__ import annotations

import contextlib
import logging
import math
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import api
from ..core import budget as _budget
from ..core.budget import Budget
from ..core.build import number
from ..core.errors import (BudgetError, EvaluationError, MissingExtraError, SymdiffError, TimeLimitError,
                           UsageError)
from ..core.expr import Expr
from ..parsing import parser
from ..parsing.inputs import as_point, default_variable, parse_point, single_variable, variable_name
from ..parsing.reading import Reading
from ..version import __version__

__all__ = ["handle", "health", "error_body", "ENDPOINTS", "Body"]

# A response's JSON object.
Body = dict[str, Any]
LOG = logging.getLogger("symdiff.web")

SIMPLIFY: dict[str, str | bool] = {"full": "full", "basic": "basic", "none": False}
NOTATIONS = ("text", "latex")
MAX_LIST = 64  # items of a list field (wrt, exprs): more is no request a page makes


def error_body(message: str, kind: str, position: int | None = None, reason: str | None = None,
               field: str | None = None) -> Body:
    """The JSON of an error (the same shape for every status)."""
    return {"error": {"message": message, "kind": kind, "position": position, "reason": reason, "field": field}}


def health() -> Body:
    return {"status": "ok", "version": __version__}


# ---- the shape of a request ------------------------------------------------------------------------------------
# Each field's check returns what is wrong with a value (for the 422's message), or None.

Check = Callable[[object], "str | None"]


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value: object) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _texts(value: object) -> str | None:
    if isinstance(value, str):
        return None
    if isinstance(value, list) and value and len(value) <= MAX_LIST and all(isinstance(v, str) for v in value):
        return None
    return f"must be a string or a list of 1 to {MAX_LIST} strings"


def _variables(value: object) -> str | None:
    if isinstance(value, list) and not value:
        return None  # no variable named: as when the field is left out
    return _texts(value)


def _whole(value: object) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) else "must be a whole number"


def _flag(value: object) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _choice(*choices: str) -> Check:
    def check(value: object) -> str | None:
        return None if value in choices else "must be " + " or ".join(f'"{c}"' for c in choices)
    return check


def _point(value: object) -> str | None:
    if isinstance(value, str):
        return None
    if isinstance(value, dict) and 0 < len(value) <= MAX_LIST and all(
            isinstance(v, str) or _is_number(v) for v in value.values()):
        return None
    return 'must be a string such as "x=1" or an object such as {"x": 1}'


def _range(value: object) -> str | None:
    if isinstance(value, list) and len(value) == 2 and all(_is_number(v) for v in value):
        return None
    return "must be a list of two numbers, [low, high]"


EXPR = {"expr": (_text, True), "from": (_choice(*NOTATIONS), False)}
WRT = {"wrt": (_variables, False)}
ORDER = {"order": (_whole, False)}
SIMPLIFICATION = {"simplify": (_choice(*SIMPLIFY), False)}
AT = {"at": (_point, True)}
# endpoint -> field -> (check, required)
SHAPES: dict[str, dict[str, tuple[Check, bool]]] = {
    "read": {**EXPR},
    "diff": {**EXPR, **WRT, **ORDER, **SIMPLIFICATION},
    "steps": {**EXPR, **WRT, **ORDER, **SIMPLIFICATION},
    "gradient": {**EXPR, **WRT, **SIMPLIFICATION},
    "jacobian": {"exprs": (_texts, True), "from": (_choice(*NOTATIONS), False), **WRT, **SIMPLIFICATION},
    "hessian": {**EXPR, **WRT, **SIMPLIFICATION},
    "value": {**EXPR, **AT, **WRT, **ORDER},
    "tangent": {**EXPR, **AT, **WRT, "normal": (_flag, False)},
    "limit": {**EXPR, **AT, **WRT},
    "compare": {**EXPR, "answer": (_text, True), **WRT, **ORDER},
    "plot": {**EXPR, "at": (_point, False), "range": (_range, False), **WRT},
}


def shape_error(name: str, payload: object) -> Body | None:
    """The 422 body for a payload that is not the endpoint's JSON object, or None if it is."""
    if not isinstance(payload, dict):
        return error_body("the request's body must be a JSON object", "InvalidRequest")
    shape = SHAPES[name]
    for field in payload:
        if field not in shape:
            return error_body(f"unknown field {field!r}: {name} takes {', '.join(shape)}", "InvalidRequest",
                              field=str(field))
    for field, (check, required) in shape.items():
        if field not in payload:
            if required:
                return error_body(f"the field {field!r} is required", "InvalidRequest", field=field)
            continue
        problem = check(payload[field])
        if problem is not None:
            return error_body(f"the field {field!r} {problem}", "InvalidRequest", field=field)
    return None


# ---- reading the fields -------------------------------------------------------------------------------------

class Fields:
    """A request's fields, read as symdiff reads them. `reading` names the field being read while it is read,
    so that the error of a text names the text its position points into."""

    def __init__(self, payload: Mapping[str, Any]):
        self.payload = payload
        self.reading: str | None = None

    @contextlib.contextmanager
    def field(self, name: str) -> Iterator[None]:
        self.reading = name
        yield  # an error leaves `reading` set: handle() reports it
        self.reading = None

    @property
    def latex(self) -> bool:
        return bool(self.payload.get("from") == "latex")

    def reading_of(self, name: str = "expr", text: str | None = None) -> Reading:
        """How the text of field `name` (or `text`, an item of it: `name` is then "exprs[1]") was read (LaTeX:
        the expression, without notes)."""
        text = self.payload[name] if text is None else text
        with self.field(name):
            if self.latex:
                return Reading(text, api.parse_latex(text))
            return api.read(text)

    def expression(self, name: str = "expr", derivative: bool = False) -> tuple[Reading, Expr]:
        reading = self.reading_of(name)
        with self.field(name):
            return reading, parser.expression_of(reading, derivative=derivative, warn=False)

    def variables(self) -> list[str]:
        """The "wrt" variables in order: "x,y", ["x", "y"] and ["x,y"] are the same."""
        given = self.payload.get("wrt") or []
        with self.field("wrt"):
            return [variable_name(part) for v in ([given] if isinstance(given, str) else given)
                    for part in v.split(",")]

    def simplify(self) -> str | bool:
        return SIMPLIFY[self.payload.get("simplify", "full")]

    def point(self) -> dict[str, Expr]:
        """The "at" point: text "x=1, y=2" (errors point into it) or an object {"x": 1, "y": "pi/2"}."""
        given = self.payload["at"]
        with self.field("at"):
            if isinstance(given, str):
                return parse_point(given)
            values: dict[str, Any] = {}
            for name, value in given.items():
                if isinstance(value, str):
                    value = parser.expression_of(parser.read(value), warn=False)
                values[name] = value
            return as_point(values)

    def derivative(self) -> tuple[Reading, Expr, list[str], int]:
        """(reading, expression, variables, order) of the derivative asked for: "wrt" and "order", or the text's
        own `d/dx` (then no other variable or order may be given), as the command line reads them."""
        reading, expr = self.expression(derivative=True)
        variables, order = self.variables(), self.payload.get("order", 1)
        asked = reading.variables
        if asked:
            if (variables and variables != [asked[0]]) or order != 1:
                raise UsageError(f"the expression asks for its derivative in {asked[0]} itself: give no other "
                                 "wrt or order")
            return reading, expr, [asked[0]], len(asked)
        if order != 0 and not variables:
            variables = [default_variable(expr)]
        return reading, expr, variables, order


# ---- what an expression and a reading look like in JSON -----------------------------------------------------

def _shown(expr: Expr) -> Body:
    return {"result": api.text(expr), "latex": api.latex(expr)}


def _read_as(reading: Reading) -> tuple[str, str]:
    """(text, LaTeX) of what the input was read as: the expression, d/dx (...), or the equation (as the command
    line's --explain says it)."""
    if reading.variables:
        x, n = reading.variables[0], len(reading.variables)
        operator = (f"d/d{x}", r"\frac{d}{d" + x + "}") if n == 1 else \
            (f"d^{n}/d{x}^{n}", r"\frac{d^{" + str(n) + "}}{d" + x + "^{" + str(n) + "}}")
        expression = reading.require_expression()
        return (f"{operator[0]} ({api.text(expression)})",
                operator[1] + r" \left(" + api.latex(expression) + r"\right)")
    if reading.equation is not None:
        lhs, rhs = reading.equation.lhs, reading.equation.rhs
        return f"{api.text(lhs)} = {api.text(rhs)}", f"{api.latex(lhs)} = {api.latex(rhs)}"
    expression = reading.require_expression()
    return api.text(expression), api.latex(expression)


def _free_symbols(reading: Reading) -> list[str]:
    parts = [reading.equation.lhs, reading.equation.rhs] if reading.equation is not None else \
        [reading.require_expression()]
    return sorted(set().union(*(p.free_symbols for p in parts)))


# ---- the endpoints ----------------------------------------------------------------------------------------------

def read(fields: Fields) -> Body:
    """How the text is read: what the page previews as the user types (errors: 400 with the position)."""
    reading = fields.reading_of()
    text, latex = _read_as(reading)
    return {"text": text, "latex": latex, "variables": _free_symbols(reading),
            "notes": [{"message": note.message, "position": note.position, "kind": note.kind.value}
                      for note in reading.notes]}


def diff(fields: Fields) -> Body:
    reading, expr, variables, order = fields.derivative()
    result = api.diff(expr, *variables, order=order, simplify=fields.simplify())
    text, latex = _read_as(reading)
    return {"input": {"text": text, "latex": latex}, **_shown(result), "variables": variables}


def steps(fields: Fields) -> Body:
    _, expr, variables, order = fields.derivative()
    if order < 1:
        raise UsageError("steps show a derivative: the order must be 1 or more")
    found = api.steps(expr, variables, order=order, simplify=fields.simplify())
    return dict(found.as_json())


def gradient(fields: Fields) -> Body:
    _, expr = fields.expression()
    found = api.gradient(expr, fields.variables() or None, simplify=fields.simplify())
    return {"result": [api.text(e) for e in found], "latex": found.latex()}


def jacobian(fields: Fields) -> Body:
    given = fields.payload["exprs"]
    exprs: list[Expr] = []
    if isinstance(given, str) and not fields.latex:
        with fields.field("exprs"):
            exprs, _ = parser.read_list(given)
    else:
        for i, text in enumerate([given] if isinstance(given, str) else given):
            name = "exprs" if isinstance(given, str) else f"exprs[{i}]"
            reading = fields.reading_of(name, text)
            with fields.field(name):
                exprs.append(parser.expression_of(reading, warn=False))
    found = api.jacobian(exprs, fields.variables() or None, simplify=fields.simplify())
    return {"result": [[api.text(e) for e in row] for row in found], "latex": found.latex()}


def hessian(fields: Fields) -> Body:
    _, expr = fields.expression()
    found = api.hessian(expr, fields.variables() or None, simplify=fields.simplify())
    return {"result": [[api.text(e) for e in row] for row in found], "latex": found.latex()}


def value(fields: Fields) -> Body:
    """The derivative's value at the point (order 0: the expression's), where the derivative exists."""
    _, expr, variables, order = fields.derivative()
    found = api.derivative_at(expr, fields.point(), *variables, order=order)
    exact = number(found) if isinstance(found, float) else found
    return {**_shown(exact), "float": found if isinstance(found, float) else _float(exact)}


def _float(expr: Expr) -> float | None:
    """The decimal value of an exact result, or None (a symbol left, or no finite value)."""
    if expr.free_symbols:
        return None
    try:
        found = api.evaluate(expr, exact=False)
    except EvaluationError:
        return None
    return found if isinstance(found, float) and math.isfinite(found) else None


def tangent(fields: Fields) -> Body:
    _, expr = fields.expression()
    point = fields.point()
    line = api.normal if fields.payload.get("normal", False) else api.tangent
    return dict(line(expr, point, variables=fields.variables() or None).as_json())


def limit(fields: Fields) -> Body:
    """The difference quotients at the point beside the exact derivative (the command line's --limit)."""
    _, expr = fields.expression()
    point = fields.point()
    variable = single_variable(fields.variables(), expr, point, "this", "wrt")
    if variable not in point:
        raise UsageError(f"the limit needs the point of {variable}, e.g. {variable}=1")
    others = {name: v for name, v in point.items() if name != variable}
    table = api.limit_table(expr, variable, point[variable], values=others)
    return {"rows": [[h, q] for h, q in table.rows], "exact": api.text(table.exact), "value": table.value,
            "latex": table.latex()}


def compare(fields: Fields) -> Body:
    """Whether "answer" is the derivative ("check my answer")."""
    reading, expr = fields.expression(derivative=True)
    variables, order = fields.variables(), fields.payload.get("order", 1)
    if reading.variables:
        if variables and variables != [reading.variables[0]]:
            raise UsageError(f"the expression asks for its derivative in {reading.variables[0]} itself: give no "
                             "other wrt")
        variables, order = [reading.variables[0]], len(reading.variables)
    _, answer = fields.expression("answer")
    return dict(api.compare(expr, answer, *variables, order=order).as_json())


# matplotlib is not safe to use from several threads at once: one plot at a time.
_PLOT_LOCK = threading.Lock()
# Characters of LaTeX in a plot's legend (f, and f' or the tangent): matplotlib lays out its maths in Python
# that no budget interrupts, about a second for this much, and far longer for more (50 s for a 10,000-letter
# name), so a longer label is refused before anything is drawn.
MAX_PLOT_LABEL = 400


def plot(fields: Fields) -> Body:
    """f and its tangent at "at", or f and f' over "range" (default [-3, 3]), as SVG text."""
    _, expr = fields.expression()
    point = fields.point() if "at" in fields.payload else None
    variable = single_variable(fields.variables(), expr, point, "this", "wrt")
    given = fields.payload.get("range")
    x_range = None if given is None else (float(given[0]), float(given[1]))
    labels = [expr] if point is not None else [expr, api.diff(expr, variable)]
    if max(len(api.latex(label)) for label in labels) > MAX_PLOT_LABEL:
        raise UsageError(f"too long to plot: the legend would show more than {MAX_PLOT_LABEL} characters of "
                         "LaTeX (simplify the expression, or plot a shorter one)")
    left = _budget.seconds_left()
    if not _PLOT_LOCK.acquire(timeout=-1 if left is None else max(left, 0.0)):
        _budget.check_time()  # the time is over: TimeLimitError
        raise TimeLimitError("over the time budget waiting to draw")
    try:
        with tempfile.TemporaryDirectory(prefix="symdiff-web-") as directory:
            path = Path(directory) / "plot.svg"
            if point is not None:
                if set(point) != {variable}:
                    raise UsageError(f"a plot with a point draws a tangent: give the point of {variable} only")
                api.plot_tangent(expr, variable, point[variable], path, x_range=x_range)
            else:
                api.plot_with_derivative(expr, variable, path, x_range=x_range or (-3, 3))
            return {"svg": path.read_text(encoding="utf-8")}
    finally:
        _PLOT_LOCK.release()


ENDPOINTS: dict[str, Callable[[Fields], Body]] = {
    "read": read, "diff": diff, "steps": steps, "gradient": gradient, "jacobian": jacobian, "hessian": hessian,
    "value": value, "tangent": tangent, "limit": limit, "compare": compare, "plot": plot,
}


# ---- one request ------------------------------------------------------------------------------------------------

def handle(name: str, payload: object, budget: Budget | None, seconds: float | None = None) -> tuple[int, Body]:
    """(status, JSON object) for a request to endpoint `name` with the decoded JSON `payload`, its work under
    `budget` (None: its time is already over, 503). `seconds`: the request's whole time budget, which a
    TimeLimitError's message names (the budget's own max_seconds is what was left of it when the work began)."""
    problem = shape_error(name, payload)
    if problem is not None:
        return 422, problem
    if budget is None:
        return 503, error_body("the server is busy: the request waited past its time budget", "TimeLimitError")
    assert isinstance(payload, dict)  # shape_error says so
    fields = Fields(payload)
    try:
        with _budget.use(budget):
            _budget.ensure_recursion_room(budget)
            return 200, ENDPOINTS[name](fields)
    except TimeLimitError as error:
        message = error.message if seconds is None else f"over the time budget of {seconds:g} s"
        return 503, error_body(message, "TimeLimitError", field=fields.reading)
    except SymdiffError as error:
        return _status(error), error_body(error.message, type(error).__name__, error.position,
                                          None if error.reason is None else str(error.reason.value),
                                          fields.reading)
    except RecursionError:
        return 503, error_body("expression too deeply nested", "BudgetError", field=fields.reading)
    except MemoryError:
        return 503, error_body("out of memory: the expression or its result is too large", "BudgetError")
    except Exception:  # a bug: logged with its traceback on the server, never sent to the client
        LOG.exception("symdiff.web: %s failed", name)
        return 500, error_body("internal error (the server's log has the details)", "InternalError")


def _status(error: SymdiffError) -> int:
    """503 for work over its budget and for a missing optional extra (the server cannot do it now); 400 for the
    rest: the input is the problem."""
    return 503 if isinstance(error, (BudgetError, MissingExtraError)) else 400
