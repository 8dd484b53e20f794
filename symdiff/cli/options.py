"""The command line's options: the argument parser, and the one table of the options that cannot be given together.

Only argparse's public API is used. argparse offers no public list of a parser's options, so the parser records
them as they are added (add_option): the command line needs them to tell an expression that starts with a minus
("-x^2") from an option, and to tell which options were given.
"""

from __future__ import annotations

import argparse
from itertools import product

from .. import __version__
from ..core.errors import UsageError
from .exit_status import EXIT_USAGE

FORMATS = ("text", "latex", "sympy", "json")

# The options that select each mode, in precedence: the first mode whose options are given answers the request;
# without any, "derivative". (So --grad with --limit prints the gradient: the matrix modes do not read --limit.)
MODE_OPTIONS = (
    ("batch", ("--batch",)),
    ("matrix", ("--grad", "--jacobian", "--hessian")),
    ("limit", ("--limit",)),
    ("steps", ("--steps",)),
)

# Options that cannot be given together: rows (mode, options, others). While the mode runs (None: any mode),
# each of the options given with one of the others is refused as "OPTION cannot be combined with OTHER"; of
# several such pairs, the first in this order. (Spellings of one setting, such as --latex and --format, are
# argparse's mutually exclusive groups instead, which its usage line shows as [--latex | --format ...].)
CONFLICTS = (
    ("batch", ("--grad", "--jacobian", "--hessian", "--steps", "--check", "--at", "--limit", "--plot", "--cse",
               "--from", "--explain", "--function"), ("--batch",)),
    (None, ("--steps",), ("--at", "--plot")),
    (None, ("--check",), ("--at",)),
    ("matrix", ("--order", "--steps", "--simplify-only"), ("--grad", "--jacobian", "--hessian")),
    ("limit", ("--limit",), ("--steps", "--check", "--plot", "--at", "--cse")),
)


# Options that only mean something with another: (option, the option it needs), refused as "OPTION needs OTHER".
REQUIRES = (
    ("--jobs", "--batch"),
    ("--output", "--batch"),
    ("--resume", "--output"),
)

DEFAULT_TIMEOUT = 10.0  # seconds: the time budget of a call (of each line, for --batch)


def _seconds(text: str) -> float:
    """--timeout's value: a number of seconds > 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, not {text!r}")
    return value


def _whole_number(text: str) -> int:
    """--jobs's value: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1, not {text!r}")
    return value


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's parser with symdiff's one-line usage errors, and a record of the options it defines."""

    def __init__(self, **settings):
        super().__init__(add_help=False, **settings)  # -h and --help are added by add_option, to be recorded
        self.takes_value: set[str] = set()
        self.stored_as: dict[str, tuple[str, object]] = {}  # spelling -> (destination, its constant or None)

    def error(self, message):  # argparse's own usage errors, in symdiff's one-line form
        self.exit(EXIT_USAGE, f"symdiff: error: {message} (see symdiff --help)\n")

    def add_option(self, group, *spellings: str, **settings) -> None:
        """group.add_argument(*spellings, **settings), where group is this parser or one of its groups, recorded."""
        group.add_argument(*spellings, **settings)
        # the destination by argparse's documented rule: the first long spelling, without -- and with _ for -
        destination = settings.get("dest") or next(s for s in spellings if s.startswith("--"))[2:]
        destination = destination.replace("-", "_")
        self.stored_as.update(dict.fromkeys(spellings, (destination, settings.get("const"))))
        if settings.get("action", "store") in ("store", "append"):
            self.takes_value.update(spellings)

    def given(self, arguments: argparse.Namespace, option: str) -> bool:
        """Whether the option was given: its value is not the default, or is the option's own constant (--grad,
        --jacobian and --hessian store theirs in one destination)."""
        destination, constant = self.stored_as[option]
        value = getattr(arguments, destination)
        return value == constant if constant is not None else value != self.get_default(destination)

    def with_expression_last(self, argv: list[str]) -> list[str]:
        """argv, ready for parse_args. An expression may start with a minus ("-x^2"): argparse would take it for
        an option, so any argument that starts with '-' and is not one of ours (nor an option's value) is passed
        after '--'."""
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
            elif argument.startswith("-") and argument.split("=", 1)[0] not in self.stored_as:
                expressions.append(argument)
            else:
                kept.append(argument)
                skip = argument in self.takes_value
        return kept + (["--"] + expressions if expressions else [])


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
    add = parser.add_option
    add(parser, "-h", "--help", action="help", help="show this help message and exit")
    parser.add_argument("expression", nargs="?",
                        help='the expression, e.g. "3x^2 - 4x" or "sin(x)^2*exp(-x)" (or --batch FILE)')
    add(parser, "--batch", metavar="FILE",
        help="differentiate every line of FILE (an expression, or JSON {\"expr\": ..., \"wrt\": ...}; "
             "- for standard input): one result line per input line, in order; a bad line is "
             "reported on its own line and never stops the rest (exit 2 if any failed)")
    add(parser, "--output", metavar="FILE",
        help="with --batch: write the results to FILE instead of standard output")
    add(parser, "--resume", action="store_true",
        help="with --batch and --output: carry on after a run that was stopped or killed: keep the complete "
             "lines FILE holds, drop a partial last line, and append from the next input line")
    add(parser, "--jobs", type=_whole_number, metavar="N",
        help="with --batch: work on N lines at once, each in a worker process (default: one per CPU core "
             "available); a line stuck past --timeout is stopped by ending its worker. 1: in this process, "
             "where only symdiff's own time checks can stop a line")
    add(parser, "--wrt", action="append", default=[], metavar="VAR",
        help="differentiate in VAR; repeat (or write x,y) for a mixed partial, taken in order. "
             "May be left out when the expression has one free symbol.")
    add(parser, "--order", type=int, default=1, metavar="N",
        help="differentiate N times in each variable (default 1; 0 prints the expression)")
    add(parser, "--function", action="append", default=[], metavar="NAME", dest="functions",
        help="read NAME(...) as an undefined function, as f(x) is (y(x) is otherwise refused as ambiguous: "
             "y times x?); repeat, or write y,u")
    add(parser, "--explain", action="store_true",
        help="first say how EXPR was read, as text and LaTeX (sin^2 x: sin(x)^2; with --format json, an "
             "\"input\" field); readings that may not be the one meant are always noted on standard error")
    add(parser, "--from", choices=("text", "latex"), default="text", dest="notation",
        help="how EXPR is written: text (default) or latex, as copied from a paper or notebook "
             "(\\frac{\\sin x}{x^{2}}); the result is printed as --format says")
    output = parser.add_mutually_exclusive_group()
    add(output, "--latex", action="store_const", const="latex", dest="format",
        help="print LaTeX (same as --format latex)")
    add(output, "--format", choices=FORMATS, default="text",
        help="output: text (parses back), latex, sympy (a runnable SymPy snippet), or json")
    add(parser, "--steps", action="store_true",
        help="show the derivation rule by rule (text, LaTeX aligned environment, or JSON)")
    simplification = parser.add_mutually_exclusive_group()
    add(simplification, "--simplify", choices=("full", "basic"), default="full",
        help="full (default): canonical form, rational functions combined and cancelled, "
             "identities, the shortest form kept; basic: the canonical form only")
    add(simplification, "--no-simplify", action="store_const", const="none", dest="simplify",
        help="print the derivative exactly as the rules produce it")
    add(parser, "--simplify-only", action="store_true",
        help="simplify the expression without differentiating it (same as --order 0)")
    many = parser.add_mutually_exclusive_group()
    add(many, "--grad", "--gradient", action="store_const", const="gradient", dest="many",
        help="the gradient: partial derivatives in each --wrt variable, or in every free symbol "
             "in sorted order, by one reverse sweep (as backpropagation)")
    add(many, "--jacobian", action="store_const", const="jacobian", dest="many",
        help='the Jacobian matrix of a comma-separated list of expressions, "x*y, x + y^2"')
    add(many, "--hessian", action="store_const", const="hessian", dest="many",
        help="the matrix of second partial derivatives")
    numbers = parser.add_argument_group("values and pictures")
    add(numbers, "--at", metavar="POINT",
        help="the result's value at POINT, e.g. x=1 or x=1,y=1/2: exact for exact inputs "
             "(sqrt(2)/2, pi/4), a float for decimal ones")
    add(numbers, "--float", action="store_true", help="with --at: the value as a decimal")
    add(numbers, "--limit", metavar="POINT",
        help="the textbook's table of difference quotients (f(x+h)-f(x))/h for h = 0.1 ... "
             "0.00001 beside the exact derivative at POINT, e.g. x=1")
    add(numbers, "--plot", metavar="FILE",
        help="draw f and its tangent line at the --at point, or f and f' over --range, "
             "to FILE (.svg or .png; needs pip install 'symdiff[plot]')")
    add(numbers, "--range", metavar="A:B", help="the plot's x range (default -3:3, or 3 either side "
                                                "of the --at point)")
    add(parser, "--cse", action="store_true",
        help="name the subexpressions the result uses more than once: t1 = ..., then the result")
    add(parser, "--check", action="store_true",
        help="also differentiate with SymPy and say whether the results agree (exit 3 if not); with "
             "--grad, --jacobian or --hessian, every entry")
    add(parser, "--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"the time budget of the command, in seconds (default {DEFAULT_TIMEOUT:g}); with --batch, of "
             "each line, which is then reported as a TimeLimitError while the rest goes on")
    add(parser, "--version", action="version", version=f"symdiff {__version__}")
    return parser


def mode_of(parser: _ArgumentParser, arguments: argparse.Namespace) -> str:
    """The mode that answers the request (see MODE_OPTIONS)."""
    selected = (mode for mode, options in MODE_OPTIONS if any(parser.given(arguments, o) for o in options))
    return next(selected, "derivative")


def refuse_conflicts(parser: _ArgumentParser, arguments: argparse.Namespace, mode: str) -> None:
    """A UsageError for the first pair of options given together that CONFLICTS refuses in the mode."""
    for row_mode, options, others in CONFLICTS:
        if row_mode in (None, mode):
            for option, other in product(options, others):
                if parser.given(arguments, option) and parser.given(arguments, other):
                    raise UsageError(f"{option} cannot be combined with {other}")


def refuse_missing(parser: _ArgumentParser, arguments: argparse.Namespace) -> None:
    """A UsageError for the first option given without the option it needs (see REQUIRES)."""
    for option, needed in REQUIRES:
        if parser.given(arguments, option) and not parser.given(arguments, needed):
            raise UsageError(f"{option} needs {needed}")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The parsed command line, with its mode (arguments.mode), once it asks for one thing. argparse's own errors
    exit with status 2; an expression given with --batch, or options that CONFLICTS refuses, are a UsageError."""
    parser = build_argument_parser()
    arguments = parser.parse_args(parser.with_expression_last(argv))
    if arguments.batch is None and arguments.expression is None:
        parser.error("an expression is needed (or --batch FILE)")
    if arguments.batch is not None and arguments.expression is not None:
        raise UsageError("--batch reads the expressions from FILE: give no expression as well")
    arguments.mode = mode_of(parser, arguments)
    arguments.notes = []  # the notes on how EXPR was read, printed after the result (command.main)
    refuse_conflicts(parser, arguments, arguments.mode)
    refuse_missing(parser, arguments)
    return arguments
