"""The command line: symdiff EXPR [--wrt VAR]... [--order N] [--latex | --format F] [--no-simplify] [--check]

Exit status: 0 on success, 2 for bad input or usage (one line saying what is wrong, then the input with a
caret under the position), 3 when --check finds that symdiff and SymPy disagree.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..api import (diff, evaluate, gradient, hessian, jacobian, limit_table, parse, parse_list, plot_tangent,
                   plot_with_derivative, run_batch, steps)
from ..core.build import number
from ..core.errors import SymdiffError, UsageError
from ..numeric.point import parse_point
from ..parsing.inputs import default_variable, variable_name
from .output import MANY_LABELS, derivative_label, entries, render, same_shape

EXIT_OK, EXIT_USAGE, EXIT_DISAGREE = 0, 2, 3

FORMATS = ("text", "latex", "sympy", "json")


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own usage errors, in symdiff's one-line form
        self.exit(EXIT_USAGE, f"symdiff: error: {message} (see symdiff --help)\n")


def build_argument_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(
        prog="symdiff",
        description="Differentiate an expression symbolically: exact, simplified, as text, LaTeX or SymPy code.",
        epilog='examples:\n  symdiff "3*x^2-4*x" --wrt x\n  symdiff "x^2*y^3" --wrt x --wrt y\n'
               '  symdiff "sin(x)/x" --latex\n  symdiff "x^2*sin(x)" --steps\n'
               '  symdiff "x^2*y + sin(x*y)" --grad\n  symdiff "x*y, x + y^2" --jacobian --wrt x,y\n'
               '  symdiff "x^2*y + sin(x*y)" --hessian --latex --cse\n'
               '  symdiff "3*x^2-4*x" --at x=1\n  symdiff "3*x^2-4*x" --limit x=1\n'
               '  symdiff "x^3 - 1/x" --plot tangent.svg --at x=1',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", nargs="?",
                        help='the expression, e.g. "3x^2 - 4x" or "sin(x)^2*exp(-x)" (or --batch FILE)')
    parser.add_argument("--batch", metavar="FILE",
                        help="differentiate every line of FILE (an expression, or JSON {\"expr\": ..., \"wrt\": ...}; "
                             "- for standard input): one result line per input line, in order; a bad line is "
                             "reported on its own line and never stops the rest (exit 2 if any failed)")
    parser.add_argument("--wrt", action="append", default=[], metavar="VAR",
                        help="differentiate in VAR; repeat (or write x,y) for a mixed partial, taken in order. "
                             "May be left out when the expression has one free symbol.")
    parser.add_argument("--order", type=int, default=1, metavar="N",
                        help="differentiate N times in each variable (default 1; 0 prints the expression)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--latex", action="store_const", const="latex", dest="format",
                        help="print LaTeX (same as --format latex)")
    output.add_argument("--format", choices=FORMATS, default="text",
                        help="output: text (parses back), latex, sympy (a runnable SymPy snippet), or json")
    parser.add_argument("--steps", action="store_true",
                        help="show the derivation rule by rule (text, LaTeX aligned environment, or JSON)")
    simplification = parser.add_mutually_exclusive_group()
    simplification.add_argument("--simplify", choices=("full", "basic"), default="full",
                                help="full (default): canonical form, rational functions combined and cancelled, "
                                     "identities, the shortest form kept; basic: the canonical form only")
    simplification.add_argument("--no-simplify", action="store_const", const="none", dest="simplify",
                                help="print the derivative exactly as the rules produce it")
    parser.add_argument("--simplify-only", action="store_true",
                        help="simplify the expression without differentiating it (same as --order 0)")
    many = parser.add_mutually_exclusive_group()
    many.add_argument("--grad", "--gradient", action="store_const", const="gradient", dest="many",
                      help="the gradient: partial derivatives in each --wrt variable, or in every free symbol "
                           "in sorted order, by one reverse sweep (as backpropagation)")
    many.add_argument("--jacobian", action="store_const", const="jacobian", dest="many",
                      help='the Jacobian matrix of a comma-separated list of expressions, "x*y, x + y^2"')
    many.add_argument("--hessian", action="store_const", const="hessian", dest="many",
                      help="the matrix of second partial derivatives")
    numbers = parser.add_argument_group("values and pictures")
    numbers.add_argument("--at", metavar="POINT",
                         help="the result's value at POINT, e.g. x=1 or x=1,y=1/2: exact for exact inputs "
                              "(sqrt(2)/2, pi/4), a float for decimal ones")
    numbers.add_argument("--float", action="store_true", help="with --at: the value as a decimal")
    numbers.add_argument("--limit", metavar="POINT",
                         help="the textbook's table of difference quotients (f(x+h)-f(x))/h for h = 0.1 ... "
                              "0.00001 beside the exact derivative at POINT, e.g. x=1")
    numbers.add_argument("--plot", metavar="FILE",
                         help="draw f and its tangent line at the --at point, or f and f' over --range, "
                              "to FILE (.svg or .png; needs pip install 'symdiff[plot]')")
    numbers.add_argument("--range", metavar="A:B", help="the plot's x range (default -3:3, or 3 either side "
                                                       "of the --at point)")
    parser.add_argument("--cse", action="store_true",
                        help="name the subexpressions the result uses more than once: t1 = ..., then the result")
    parser.add_argument("--check", action="store_true",
                        help="also differentiate with SymPy and say whether the results agree (exit 3 if not); with "
                             "--grad, --jacobian or --hessian, every entry")
    parser.add_argument("--version", action="version", version=_version())
    return parser


def _version() -> str:
    return f"symdiff {__version__}"


def report_error(error, stream=None) -> int:
    """One line saying what is wrong, then the input with a caret under the position."""
    stream = stream or sys.stderr
    print(f"symdiff: error: {error.message}", file=stream)
    caret = error.caret()
    if caret:
        print("\n".join("  " + line for line in caret.splitlines()), file=stream)
    return EXIT_USAGE


def derive_steps(expr, variables: list, order: int, output_format: str, simplify: str):
    """(printed derivation, its result) for --steps."""
    if len(variables) > 1 or order != 1:
        raise UsageError("--steps shows one first derivative: give one --wrt and no --order")
    if output_format == "sympy":
        raise UsageError("--steps is shown as text, latex or json")
    derivation = steps(expr, variables[0] if variables else None, simplify=simplify)
    printed = {"latex": derivation.latex, "json": derivation.json}.get(output_format, derivation.text)()
    return printed, derivation.result


def _expression_after_double_dash(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """An expression may start with a minus ("-x^2"): argparse would take it for an option, so any argument
    that starts with '-' and is not one of ours (nor an option's value) is passed after '--'."""
    options = {s for action in parser._actions for s in action.option_strings}
    takes_value = {s for action in parser._actions if action.nargs is None and action.option_strings
                   and not isinstance(action, (argparse._StoreConstAction, argparse._VersionAction))
                   for s in action.option_strings}
    kept, expressions, skip = [], [], False
    for i, argument in enumerate(argv):
        if skip:  # an option's value; one starting with '-' (--range -3:3) is joined as --range=-3:3
            if argument.startswith("-"):
                kept[-1] = f"{kept[-1]}={argument}"
            else:
                kept.append(argument)
            skip = False
        elif argument == "--":
            return kept + ["--"] + expressions + argv[i + 1:]
        elif argument.startswith("-") and argument.split("=", 1)[0] not in options:
            expressions.append(argument)
        else:
            kept.append(argument)
            skip = argument in takes_value
    return kept + (["--"] + expressions if expressions else [])


def derive_many(arguments, variables: list):
    """(gradient, Jacobian or Hessian, the free symbols of the input) for --grad, --jacobian, --hessian."""
    flag = "--grad" if arguments.many == "gradient" else f"--{arguments.many}"
    for option, given in (("--order", arguments.order != 1), ("--steps", arguments.steps),
                          ("--simplify-only", arguments.simplify_only)):
        if given:
            raise UsageError(f"{option} cannot be combined with {flag}")
    exprs = parse_list(arguments.expression)
    if arguments.many != "jacobian" and len(exprs) > 1:
        raise UsageError(f"{flag} takes one expression; for several, use --jacobian")
    build = {"gradient": gradient, "jacobian": jacobian, "hessian": hessian}[arguments.many]
    value = build(exprs if arguments.many == "jacobian" else exprs[0], variables or None,
                  simplify=arguments.simplify)
    return value, exprs, variables or sorted(set().union(*(e.free_symbols for e in exprs)))


def check_many(kind: str, value, exprs: list, names: list) -> tuple:
    """--check for a gradient, Jacobian or Hessian: each entry against SymPy's derivative of the same
    expression in the same variables. (report lines, whether all agree)."""
    from ..interop.verify import check
    if kind == "hessian":  # entry (i, j) is d2f/dx_j dx_i
        cases = [((exprs[0], names[i], names[j]), value[i, j]) for i in range(len(names)) for j in range(len(names))]
    else:
        rows = [value] if kind == "gradient" else list(value)
        cases = [((exprs[i], names[j]), row[j]) for i, row in enumerate(rows) for j in range(len(names))]
    outcomes = [check(arguments[0], *arguments[1:], ours=entry) for arguments, entry in cases]
    failed = [(arguments, outcome) for (arguments, _), outcome in zip(cases, outcomes) if not outcome.agree]
    methods = sorted({outcome.method for outcome in outcomes})
    lines = [f"DISAGREE at d/d{','.join(arguments[1:])} of {arguments[0]}:\n{outcome.report()}"
             for arguments, outcome in failed]
    if not failed:
        lines.append(f"agree: all {len(outcomes)} entries match SymPy ({', '.join(methods)})")
    return "\n".join(lines), not failed


def _refuse_with(option: str, arguments, others) -> None:
    for other in others:
        if getattr(arguments, other[2:]) not in (None, False):
            raise UsageError(f"{option} cannot be combined with {other}")


def _point(text: str | None):
    return None if text is None else parse_point(text)


def _value_at(value, point: dict, as_float: bool):
    """A result (expression, Vector or Matrix) evaluated at the point, entry by entry, as expressions."""

    def at(expr):
        found = evaluate(expr, point, exact=False if as_float else None)
        return found if not isinstance(found, float) else number(found)
    return same_shape(value, [at(e) for e in entries(value)])


def _single_variable(arguments, variables: list, expr, point: dict | None, option: str) -> str:
    """The one variable of --limit or --plot: from --wrt, the point, or the expression."""
    if len(variables) > 1:
        raise UsageError(f"{option} is for a function of one variable: give one --wrt")
    if variables:
        return variables[0]
    if point is not None and len(point) == 1:
        return next(iter(point))
    free = sorted(expr.free_symbols - set(point or {}))
    return free[0] if len(free) == 1 else default_variable(expr)


def limit_table_for(arguments, variables: list) -> str:
    """--limit x=1: the table of difference quotients, as text, LaTeX or JSON."""
    import json
    _refuse_with("--limit", arguments, ("--steps", "--check", "--plot", "--at", "--cse"))
    expr = parse(arguments.expression)
    point = _point(arguments.limit)
    variable = _single_variable(arguments, variables, expr, point, "--limit")
    others = {name: value for name, value in point.items() if name != variable}
    if variable not in point:
        raise UsageError(f"--limit needs the point of {variable}, e.g. --limit {variable}=1")
    table = limit_table(expr, variable, point[variable], values=others)
    if arguments.format == "json":
        return json.dumps({"rows": [[h, q] for h, q in table.rows], "exact": str(table.exact),
                           "value": table.value, "latex": table.latex()})
    return table.latex() if arguments.format == "latex" else table.text()


def draw(arguments, expr, variables: list, point: dict | None) -> str:
    """--plot FILE: f with its tangent at the --at point, or f and f' over --range; returns what was done."""
    variable = _single_variable(arguments, variables, expr, point, "--plot")
    x_range = None
    if arguments.range is not None:
        low, _, high = arguments.range.partition(":")
        try:
            x_range = (float(low), float(high))
        except ValueError:
            raise UsageError(f"--range takes two numbers, A:B, not {arguments.range!r}") from None
    if point is not None:
        if set(point) != {variable}:
            raise UsageError(f"--plot with --at draws a tangent: give the point of {variable} only")
        result = plot_tangent(expr, variable, point[variable], arguments.plot, x_range=x_range)
        return (f"symdiff: wrote {arguments.plot} (f and its tangent y = {result.tangent} at "
                f"{variable} = {point[variable]})")
    result = plot_with_derivative(expr, variable, arguments.plot, x_range=x_range or (-3, 3))
    low, high = result.series and next(iter(result.series.values()))[0][[0, -1]]
    return f"symdiff: wrote {arguments.plot} (f and f' for {low:g} <= {variable} <= {high:g})"


def run_batch_file(arguments) -> int:
    """--batch FILE: symdiff.batch.run_batch over the file's lines, results on stdout (exit 2 if a line failed)."""
    try:
        if arguments.expression is not None:
            raise UsageError("--batch reads the expressions from FILE: give no expression as well")
        for option in ("many", "steps", "check", "at", "limit", "plot", "cse"):
            if getattr(arguments, option) not in (None, False):
                raise UsageError(f"--{'grad' if option == 'many' else option} cannot be combined with --batch")
        if arguments.format not in (None, "text", "json"):
            raise UsageError("--batch writes text or JSON lines (--format text or json)")
        source = sys.stdin if arguments.batch == "-" else arguments.batch
        summary = run_batch(source, sys.stdout, wrt=",".join(arguments.wrt) or None,
                            order=0 if arguments.simplify_only else arguments.order, simplify=arguments.simplify,
                            output_format="json" if arguments.format == "json" else None)
    except OSError as error:
        print(f"symdiff: error: cannot read {arguments.batch}: {error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
    except SymdiffError as error:
        return report_error(error)
    return EXIT_OK if summary.ok else EXIT_USAGE


def _warn_absent(variables: list, free_symbols) -> None:
    for name in variables:
        if name not in free_symbols:
            print(f"symdiff: warning: {name} does not occur in the expression, so its derivative is 0",
                  file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_argument_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    arguments = parser.parse_args(_expression_after_double_dash(parser, argv))

    if arguments.batch is not None:
        return run_batch_file(arguments)
    if arguments.expression is None:
        parser.error("an expression is needed (or --batch FILE)")
    try:
        variables = [variable_name(part) for v in arguments.wrt for part in v.split(",")]
        if arguments.steps:
            _refuse_with("--steps", arguments, ("--at", "--plot"))
        if arguments.check:
            _refuse_with("--check", arguments, ("--at",))
        point = _point(arguments.at)
        if arguments.many:
            value, exprs, names = derive_many(arguments, variables)
            _warn_absent(variables, set().union(*(e.free_symbols for e in exprs)))
            if point is not None:
                value = _value_at(value, point, arguments.float)
            print(render(value, arguments.format, arguments.cse and point is None, MANY_LABELS[arguments.many]))
            if arguments.check:
                report, agree = check_many(arguments.many, value, exprs, names)
                print(report)
                return EXIT_OK if agree else EXIT_DISAGREE
            return EXIT_OK
        if arguments.limit is not None:
            print(limit_table_for(arguments, variables))
            return EXIT_OK
        expr = parse(arguments.expression)
        order = 0 if arguments.simplify_only else arguments.order
        if not variables and order > 0 and len(expr.free_symbols) > 1:
            names = ", ".join(sorted(expr.free_symbols))
            raise UsageError(f"the expression has several free symbols ({names}): say which with --wrt, "
                             f"e.g. --wrt {min(expr.free_symbols)}")
        if arguments.steps:
            printed, result = derive_steps(expr, variables, order, arguments.format,
                                           False if arguments.simplify == "none" else arguments.simplify)
        else:
            result = diff(expr, *variables, order=order, simplify=arguments.simplify)
            if point is not None:
                result = _value_at(result, point, arguments.float)
            printed = render(result, arguments.format, arguments.cse,
                             derivative_label(variables or [default_variable(expr)], order))
        _warn_absent(variables, expr.free_symbols)
        print(printed)
        if arguments.plot:
            print(draw(arguments, expr, variables, point), file=sys.stderr)
        if arguments.check:
            from ..interop.verify import check
            outcome = check(expr, *variables, order=order, ours=result)
            print(outcome.report())
            return EXIT_OK if outcome.agree else EXIT_DISAGREE
    except SymdiffError as error:
        return report_error(error)
    return EXIT_OK


def run() -> int:
    """The console script: main(), quiet when the reader of the output goes away (symdiff ... | head)."""
    try:
        return main()
    except BrokenPipeError:
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
