"""What the command line does, one function per mode: each takes the parsed arguments (already checked by
options.parse_arguments), prints its result on standard output and returns the exit status. A SymdiffError it
raises is reported by command.main, which also prints the notes on how EXPR was read (arguments.notes) after a
result: an error is one line and a caret.

--plot and --check add to a derivative, so the modes that print one call them after printing it. The API's
functions are looked up on symdiff.api when called, never imported by name, so that a command loads only the
parts of the API it uses.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Container, Sequence
from typing import TYPE_CHECKING, BinaryIO, TextIO, cast, overload

from .. import api
from ..core import budget
from ..core.build import number
from ..core.errors import BudgetError, UsageError
from ..parsing import parser
from ..parsing.inputs import default_variable, parse_point, single_variable, variable_name
from ..parsing.reading import Reading
from .exit_status import EXIT_DISAGREE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .output import (MANY_LABELS, derivative_label, entries, explanation, render, render_limit_table, render_steps,
                     same_shape)

if TYPE_CHECKING:  # for annotations only: the API's modules are loaded when used (see above)
    from typing import TypeAlias

    from typing_extensions import Unpack

    from ..api.matrix import Matrix, Vector
    from ..core.expr import Expr
    from .output import Result

    # A derivative --check asks SymPy for: the expression, then its variables in order.
    Request: TypeAlias = "tuple[Expr, Unpack[tuple[str, ...]]]"



# ---- the modes -----------------------------------------------------------------------------------------

def derivative(arguments: argparse.Namespace) -> int:
    """The plain derivative (or its value --at a point), then --plot and --check."""
    variables, point = _variables(arguments), _point(arguments.at)
    reading = _reading(arguments)
    expr, order = _expression_and_order(arguments, reading, variables)
    result = api.diff(expr, *variables, order=order, simplify=arguments.simplify)
    if point is not None:
        _check_differentiable(expr, variables or [default_variable(expr)], order, point)
        result = _value_at(result, point, arguments.float)
    printed = render(result, arguments.format, arguments.cse,
                     derivative_label(variables or [default_variable(expr)], order),
                     reading if arguments.explain else None)
    _warn_absent(variables, expr.free_symbols)
    print(printed)
    if arguments.plot:
        print(plot(arguments, expr, variables, point), file=sys.stderr)
    return check(expr, variables, order, result) if arguments.check else EXIT_OK


def derivation(arguments: argparse.Namespace) -> int:
    """--steps: the derivation, rule by rule; of a higher order or a mixed partial, each order's derivation
    from the simplified result of the one before; then --check."""
    variables = _variables(arguments)
    expr, order = _expression_and_order(arguments, _reading(arguments), variables)
    if order == 0:
        raise UsageError("--steps shows a derivative: give no --simplify-only or --order 0")
    if arguments.format == "sympy":
        raise UsageError("--steps is shown as text, latex or json")
    found = api.steps(expr, variables or None, order=order,
                      simplify=False if arguments.simplify == "none" else arguments.simplify)
    _warn_absent(variables, expr.free_symbols)
    print(render_steps(found, arguments.format))
    return check(expr, variables, order, found.result) if arguments.check else EXIT_OK


def matrix(arguments: argparse.Namespace) -> int:
    """--grad, --jacobian or --hessian (arguments.many), or its value --at a point, then --check of every entry."""
    variables, point = _variables(arguments), _point(arguments.at)
    exprs = _read_list(arguments)
    if arguments.many != "jacobian" and len(exprs) > 1:
        flag = "--grad" if arguments.many == "gradient" else f"--{arguments.many}"
        raise UsageError(f"{flag} takes one expression; for several, use --jacobian")
    build = getattr(api, arguments.many)  # api.gradient, api.jacobian or api.hessian
    value: Vector[Expr] | Matrix[Expr] = build(exprs if arguments.many == "jacobian" else exprs[0],
                                               variables or None, simplify=arguments.simplify)
    free_symbols: set[str] = set().union(*(e.free_symbols for e in exprs))
    _warn_absent(variables, free_symbols)
    if arguments.steps:  # --grad --steps: one derivation per component (the table refuses the other matrices)
        if arguments.format == "sympy":
            raise UsageError("--steps is shown as text, latex or json")
        derivations = api.steps(exprs[0], variables or sorted(free_symbols), each=True,
                                simplify=False if arguments.simplify == "none" else arguments.simplify)
        print(render_steps(derivations, arguments.format))
        return check_entries(arguments.many, value, exprs, variables or sorted(free_symbols)) \
            if arguments.check else EXIT_OK
    if point is not None:
        value = _value_at(value, point, arguments.float)
    print(render(value, arguments.format, arguments.cse and point is None, MANY_LABELS[arguments.many]))
    if arguments.check:
        return check_entries(arguments.many, value, exprs, variables or sorted(free_symbols))
    return EXIT_OK


def limit(arguments: argparse.Namespace) -> int:
    """--limit x=1: the table of difference quotients beside the exact derivative at the point."""
    variables = _variables(arguments)
    expr = parser.expression_of(_reading(arguments), warn=False)
    point = parse_point(arguments.limit)  # given: the mode is limit
    variable = single_variable(variables, expr, point, "--limit", "--wrt")
    others = {name: value for name, value in point.items() if name != variable}
    if variable not in point:
        raise UsageError(f"--limit needs the point of {variable}, e.g. --limit {variable}=1")
    print(render_limit_table(api.limit_table(expr, variable, point[variable], values=others), arguments.format))
    return EXIT_OK


def batch(arguments: argparse.Namespace) -> int:
    """--batch FILE: symdiff.api.run_batch over the file's lines, results on stdout or in --output FILE (exit 2 if a
    line failed). --timeout is each line's own time budget; Ctrl-C stops after the lines done so far, with a
    one-line summary (exit 130)."""
    if arguments.format not in (None, "text", "json"):  # None: neither --latex nor --format
        raise UsageError("--batch writes text or JSON lines (--format text or json)")
    # Standard input as bytes, decoded line by line: one line that is not UTF-8 is that line's error, not the
    # end of the batch. A reader of its own, not sys.stdin.buffer: with --jobs a thread reads it, and may still
    # be waiting on it when Ctrl-C ends the batch; Python's shutdown must not wait for sys.stdin's lock then.
    source = _standard_input() if arguments.batch == "-" else arguments.batch
    if arguments.output is None and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="backslashreplace")  # a character the terminal cannot show never stops it
    line_budget = dataclasses.replace(budget.current(), max_seconds=arguments.timeout)
    order = 0 if arguments.simplify_only else arguments.order
    try:
        summary = api.run_batch(source, arguments.output, wrt=",".join(arguments.wrt) or None, order=order,
                                simplify=arguments.simplify,
                                output_format="json" if arguments.format == "json" else None,
                                budget=line_budget, jobs=arguments.jobs, resume=arguments.resume)
    except BrokenPipeError:
        raise  # the reader of the output went away: command.run ends quietly
    except OSError as error:
        action = "write" if arguments.output and error.filename == arguments.output else "read"
        name = error.filename or arguments.batch
        raise UsageError(f"cannot {action} {name}: {error.strerror or error}") from None
    except KeyboardInterrupt as interrupt:
        done = getattr(interrupt, "batch_summary", None)
        if done is not None:
            print(f"symdiff: interrupted after line {done.last_line} ({done.lines} written by this run, "
                  f"{done.failed} failed)" + (f"; --resume carries on from line {done.last_line + 1}"
                                              if arguments.output else ""), file=sys.stderr)
        else:
            print("symdiff: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if summary.ok else EXIT_USAGE


def _standard_input() -> BinaryIO | TextIO:
    try:
        return open(sys.stdin.fileno(), "rb", closefd=False)
    except (AttributeError, OSError, ValueError):  # replaced by something without a descriptor (a test, an IDE)
        return sys.stdin


# ---- what adds to a derivative: --plot and --check ------------------------------------------------------

def plot(arguments: argparse.Namespace, expr: Expr, variables: Sequence[str], point: dict[str, Expr] | None) -> str:
    """--plot FILE: f with its tangent at the --at point, or f and f' over --range; returns what was done."""
    variable = single_variable(variables, expr, point, "--plot", "--wrt")
    x_range = None if arguments.range is None else _x_range(arguments.range)
    if point is not None:
        if set(point) != {variable}:
            raise UsageError(f"--plot with --at draws a tangent: give the point of {variable} only")
        result = api.plot_tangent(expr, variable, point[variable], arguments.plot, x_range=x_range)
        return (f"symdiff: wrote {arguments.plot} (f and its tangent y = {result.tangent} at "
                f"{variable} = {point[variable]})")
    result = api.plot_with_derivative(expr, variable, arguments.plot, x_range=x_range or (-3, 3))
    low, high = result.series and next(iter(result.series.values()))[0][[0, -1]]
    return f"symdiff: wrote {arguments.plot} (f and f' for {low:g} <= {variable} <= {high:g})"


def check(expr: Expr, variables: Sequence[str], order: int, result: Expr) -> int:
    """--check: print whether SymPy's derivative agrees with `result`, ours."""
    from ..interop.verify import check as compare  # imports SymPy: here, so that start-up skips it
    outcome = compare(expr, *variables, order=order, ours=result)
    print(outcome.report())
    return EXIT_OK if outcome.agree else EXIT_DISAGREE


def check_entries(kind: str, value: Vector[Expr] | Matrix[Expr], exprs: Sequence[Expr], names: Sequence[str]) -> int:
    """--check of a gradient, Jacobian or Hessian: each entry against SymPy's derivative of the same expression
    in the same variables; print the entries that disagree, or that all agree."""
    from ..interop.verify import check as compare  # imports SymPy: here, so that start-up skips it
    cases: list[tuple[Request, Expr]]  # (expression, variable, ...), and our derivative
    if kind == "hessian":  # entry (i, j) is d2f/dx_j dx_i
        hessian = cast("Matrix[Expr]", value)  # a Hessian is a Matrix: the kind says which value it is
        cases = [((exprs[0], names[i], names[j]), hessian[i, j]) for i in range(len(names)) for j in range(len(names))]
    else:
        rows = [cast("Vector[Expr]", value)] if kind == "gradient" else list(cast("Matrix[Expr]", value))
        cases = [((exprs[i], names[j]), row[j]) for i, row in enumerate(rows) for j in range(len(names))]
    outcomes = [compare(*request, ours=entry) for request, entry in cases]
    failed = [(request, outcome) for (request, _), outcome in zip(cases, outcomes) if not outcome.agree]
    lines = [f"DISAGREE at d/d{','.join(request[1:])} of {request[0]}:\n{outcome.report()}"
             for request, outcome in failed]
    if not failed:
        methods = sorted({outcome.method for outcome in outcomes})
        lines.append(f"agree: all {len(outcomes)} entries match SymPy ({', '.join(methods)})")
    print("\n".join(lines))
    return EXIT_DISAGREE if failed else EXIT_OK


# ---- reading the arguments -----------------------------------------------------------------------------

UTF8_BYTES_PER_CHARACTER = 4  # at most: so input of more bytes than 4 per allowed character is too long


def expression_from_standard_input() -> str:
    """EXPR given as `-`: the whole of standard input (one expression, or --jacobian's list), as UTF-8, stripped
    of the blank space around it. Read only up to what the input length budget can allow."""
    limit = budget.current().max_input_length
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if stream is None:
        raise UsageError("EXPR is -, but there is no standard input to read it from")
    room = limit * UTF8_BYTES_PER_CHARACTER
    data = stream.read(room + 1)
    if len(data) > room:
        raise BudgetError(f"input too long: over {limit} characters, the limit is {limit}")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UsageError(f"standard input is not UTF-8: byte 0x{data[error.start]:02x} at byte "
                             f"{error.start + 1} cannot be read") from None
    if not data.strip():
        raise UsageError("EXPR is -, but standard input holds no expression")
    return data.strip()


def _variables(arguments: argparse.Namespace) -> list[str]:
    """The --wrt variables, in order: --wrt x --wrt y and --wrt x,y are the same."""
    return [variable_name(part) for v in arguments.wrt for part in v.split(",")]


def _reading(arguments: argparse.Namespace) -> Reading:
    """EXPR, read as --from says: symdiff's text, or LaTeX (one expression: a Jacobian's list is text). Notes on
    the reading go to standard error; --explain prints the reading first (JSON output always carries it)."""
    if arguments.notation == "latex":
        reading = Reading(arguments.expression, api.parse_latex(arguments.expression))
    else:
        reading = api.read(arguments.expression, functions=arguments.functions)
    arguments.notes.extend(reading.notes)
    if arguments.explain and arguments.format != "json":
        print(explanation(reading, arguments.format))
    return reading


def _read_list(arguments: argparse.Namespace) -> list[Expr]:
    """EXPR as a comma-separated list (--jacobian), its notes kept for standard error (command.main)."""
    if arguments.notation == "latex":
        return [parser.expression_of(_reading(arguments), warn=False)]
    exprs, notes = parser.read_list(arguments.expression, arguments.functions)
    arguments.notes.extend(notes)
    if arguments.explain and arguments.format != "json":
        print(explanation(Reading(arguments.expression, None), arguments.format, exprs))
    return exprs


def _point(text: str | None) -> dict[str, Expr] | None:
    return None if text is None else parse_point(text)


def _expression_and_order(arguments: argparse.Namespace, reading: Reading, variables: list[str]) -> tuple[Expr, int]:
    """The expression to differentiate and how many times (0 for --simplify-only); the variables are --wrt's, or
    those the text asks for (d^2/dx^2 ... gives x, twice), set in place in `variables`."""
    expr = parser.expression_of(reading, derivative=True, warn=False)
    order = 0 if arguments.simplify_only else arguments.order
    asked = reading.variables
    if asked:
        if (variables and variables != [asked[0]]) or arguments.order != 1 or arguments.simplify_only:
            raise UsageError(f"the expression asks for its derivative in {asked[0]} itself: give no other --wrt, "
                             "--order or --simplify-only")
        variables[:] = [asked[0]]
        order = len(asked)
    if not variables and order > 0 and len(expr.free_symbols) > 1:
        names = ", ".join(sorted(expr.free_symbols))
        raise UsageError(f"the expression has several free symbols ({names}): say which with --wrt, "
                         f"e.g. --wrt {min(expr.free_symbols)}")
    return expr, order


def _x_range(text: str) -> tuple[float, float]:
    """--range A:B as two floats."""
    low, _, high = text.partition(":")
    try:
        return float(low), float(high)
    except ValueError:
        raise UsageError(f"--range takes two numbers, A:B, not {text!r}") from None


def _check_differentiable(expr: Expr, variables: Sequence[str], order: int, point: dict[str, Expr]) -> None:
    """An EvaluationError (Reason.NOT_DIFFERENTIABLE) when the derivative asked for does not exist at the point:
    the expression, or one of the derivatives taken on the way, has a kink or jump there (|x| at 0, floor(x) at
    2), though the formula of the derivative may have a value there (sign(0) = 0)."""
    for n in range(order):
        api.check_differentiable(api.diff(expr, *variables, order=n) if n else expr, point, variables)


@overload
def _value_at(value: Expr, point: dict[str, Expr], as_float: bool) -> Expr: ...
@overload
def _value_at(value: Vector[Expr], point: dict[str, Expr], as_float: bool) -> Vector[Expr]: ...
@overload
def _value_at(value: Matrix[Expr], point: dict[str, Expr], as_float: bool) -> Matrix[Expr]: ...


def _value_at(value: Result, point: dict[str, Expr], as_float: bool) -> Result:
    """A result (expression, Vector or Matrix) evaluated at the point, entry by entry, as expressions."""

    def at(expr: Expr) -> Expr:
        found = api.evaluate(expr, point, exact=False if as_float else None)
        return found if not isinstance(found, float) else number(found)
    return same_shape(value, [at(e) for e in entries(value)])


def _warn_absent(variables: Sequence[str], free_symbols: Container[str]) -> None:
    for name in variables:
        if name not in free_symbols:
            print(f"symdiff: warning: {name} does not occur in the expression, so its derivative is 0",
                  file=sys.stderr)
