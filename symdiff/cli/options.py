"""The command line's options: the argument parser, and the one table of the options that cannot be given together.

Only argparse's public API is used. argparse offers no public list of a parser's options, so the parser records
them as they are added (add_option): the command line needs them to tell an expression that starts with a minus
("-x^2") from an option, and to tell which options were given and how they were spelled (-n or --order).

The common options have a short spelling: -w (--wrt), -n (--order: the n-th derivative; -o is the output file, as
for cc and sort), -f (--format), -l (--latex), -o (--output), -j (--jobs, as for make), -V (--version), -h.
A bare -NAME that is not one of them (-v, -x) is an unknown option, not an expression: `symdiff -v` printing -1
would hide the mistake. An expression that starts with a minus is still one where it cannot be an option
("-x^2", "-2x", "-sin(x)"), or after -- (`symdiff -- -v`).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Sequence
from itertools import product
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from ..core.errors import UsageError
from .exit_status import EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    class _ArgumentContainer(Protocol):
        """What add_option adds to: the parser, or one of its groups (argparse names their class only privately)."""

        def add_argument(self, *name_or_flags: str, **settings: Any) -> argparse.Action: ...

FORMATS = ("text", "latex", "sympy", "json", "numpy")

# The options that select each mode, in precedence: the first mode whose options are given answers the request;
# without any, "derivative". (So --grad with --limit prints the gradient: the matrix modes do not read --limit.)
MODE_OPTIONS = (
    ("batch", ("--batch",)),
    ("implicit", ("--implicit",)),
    ("taylor", ("--taylor",)),
    ("tangent", ("--tangent", "--normal")),
    ("compare", ("--compare",)),
    ("directional", ("--direction", "--along")),
    ("matrices", ("--shape", "--matrix")),
    ("matrix", ("--grad", "--jacobian", "--hessian")),
    ("limit", ("--limit",)),
    ("steps", ("--steps",)),
)

# Options that cannot be given together: rows (mode, options, others). While the mode runs (None: any mode),
# each of the options given with one of the others is refused as "OPTION cannot be combined with OTHER", each
# named as it was spelled (-n cannot be combined with --grad); of several such pairs, the first in this order.
# The tables name each option by its first long spelling (--order for -n, --grad for --gradient). (Spellings of
# one setting, such as --latex and --format, are argparse's mutually exclusive groups instead, which its usage
# line shows as [-l | -f ...].)
# Each pair is named once, in the row of the mode that answers when both are given (the earlier in MODE_OPTIONS).
_MATRIX = ("--grad", "--jacobian", "--hessian")
CONFLICTS = (
    ("batch", ("--grad", "--jacobian", "--hessian", "--steps", "--check", "--at", "--limit", "--plot", "--cse",
               "--from", "--explain", "--function", "--implicit", "--taylor", "--tangent", "--normal", "--compare",
               "--direction", "--along", "--shape", "--matrix", "--layout", "--differential"), ("--batch",)),
    # the modes beyond the derivative are of scalar expressions: a matrix expression's declarations refused there
    *((mode, options, ("--shape", "--matrix")) for mode, options in (
        ("implicit", ("--implicit",)), ("taylor", ("--taylor",)), ("tangent", ("--tangent", "--normal")),
        ("compare", ("--compare",)), ("directional", ("--direction", "--along")))),
    (None, ("--steps",), ("--at", "--plot", "--cse")),
    (None, ("--check",), ("--at",)),
    ("implicit", ("--implicit",), ("--taylor", "--tangent", "--normal", "--compare", "--direction", "--along",
                                   *_MATRIX, "--limit", "--plot", "--cse", "--check", "--simplify-only", "--from")),
    ("taylor", ("--taylor",), ("--tangent", "--normal", "--compare", "--direction", "--along", *_MATRIX, "--limit",
                               "--at", "--plot", "--cse", "--check", "--simplify-only", "--wrt")),
    ("tangent", ("--tangent",), ("--normal", "--compare", "--direction", "--along", *_MATRIX, "--limit", "--at",
                                 "--steps", "--cse", "--check", "--order", "--simplify-only")),
    ("tangent", ("--normal",), ("--compare", "--direction", "--along", *_MATRIX, "--limit", "--at", "--steps",
                                "--cse", "--check", "--order", "--simplify-only")),
    ("compare", ("--compare",), ("--direction", "--along", *_MATRIX, "--limit", "--at", "--steps", "--plot", "--cse",
                                 "--check", "--simplify-only")),
    ("directional", ("--direction",), ("--along", *_MATRIX, "--limit", "--steps", "--plot", "--cse", "--check",
                                       "--order", "--simplify-only")),
    ("directional", ("--along",), (*_MATRIX, "--limit", "--steps", "--plot", "--cse", "--check", "--order",
                                   "--simplify-only")),
    ("matrices", ("--shape", "--matrix"), ("--order", "--at", "--limit", "--plot", "--cse", "--simplify-only",
                                           "--from", "--function", "--explain")),
    (None, ("--differential",), _MATRIX),
    ("matrix", ("--order", "--simplify-only"), _MATRIX),
    ("matrix", ("--steps",), ("--jacobian", "--hessian")),
    ("limit", ("--limit",), ("--steps", "--check", "--plot", "--at", "--cse")),
)


# Options that only mean something with another: (option, the option it needs), refused as "OPTION needs OTHER"
# (OPTION as it was spelled).
REQUIRES = (
    ("--jobs", "--batch"),
    ("--output", "--batch"),
    ("--resume", "--output"),
)

# Options that mean something for matrix expressions only (the "matrices" mode, --shape or --matrix).
MATRIX_ONLY = ("--layout", "--differential")
# The modes whose result --format numpy can print: a derivative, scalar or in matrix form.
NUMPY_MODES = ("derivative", "matrices")

DEFAULT_TIMEOUT = 10.0  # seconds: the time budget of a call (of each line, for --batch)

# What an argument that is not one of the options is, by its shape: a bare -NAME or --NAME is an option symdiff
# does not have (-v, --verbose); a short option with its value attached is the option (-n2, -wx,y, -ojson.txt);
# anything else that starts with a minus is an expression ("-x^2", "-2x", "-sin(x)", "-").
OPTION_SHAPE = re.compile(r"-[A-Za-z]\w*|--[A-Za-z][\w-]*(=.*)?", re.DOTALL)
ATTACHED_VALUE = re.compile(r"[\w.,:/+=-]+")
# Hints for an unknown option that is a likely slip.
UNKNOWN_OPTION_HINTS = {"-v": "-V or --version prints the version"}


def seconds_value(text: str) -> float:
    """--timeout's value (of symdiff and of symdiff serve): a number of seconds > 0."""
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


class _ShowVersion(argparse.Action):
    """-V, --version: print `symdiff VERSION` and exit 0. The version (symdiff.version, which reads the installed
    metadata) is loaded by name only here: importlib.metadata would cost every other command ~25 ms."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, default: Any = argparse.SUPPRESS,
                 help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> NoReturn:
        version = importlib.import_module("..version", __package__).__version__
        print(f"symdiff {version}", file=sys.stdout)
        parser.exit(EXIT_OK)


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's parser with symdiff's one-line usage errors, and a record of the options it defines and of how the
    options of a command line were spelled."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(add_help=False, **settings)  # -h and --help are added by add_option, to be recorded
        self.takes_value: set[str] = set()
        self.stored_as: dict[str, tuple[str, object]] = {}  # spelling -> (destination, its constant or None)
        self.long_spelling: dict[str, str] = {}  # spelling (-n) -> the option's first long spelling (--order)
        self.spelled: dict[str, str] = {}  # long spelling -> as the command line spelled it (with_expression_last)

    def error(self, message: str) -> NoReturn:  # argparse's own usage errors, in symdiff's one-line form
        self.exit(EXIT_USAGE, f"symdiff: error: {message} (see symdiff --help)\n")

    def add_option(self, group: _ArgumentContainer, *spellings: str, **settings: Any) -> None:
        """group.add_argument(*spellings, **settings), where group is this parser or one of its groups, recorded."""
        group.add_argument(*spellings, **settings)
        long = next(s for s in spellings if s.startswith("--"))
        # the destination by argparse's documented rule: the first long spelling, without -- and with _ for -
        destination = (settings.get("dest") or long[2:]).replace("-", "_")
        self.stored_as.update(dict.fromkeys(spellings, (destination, settings.get("const"))))
        self.long_spelling.update(dict.fromkeys(spellings, long))
        if settings.get("action", "store") in ("store", "append"):
            self.takes_value.update(spellings)

    def given(self, arguments: argparse.Namespace, option: str) -> bool:
        """Whether the option was given, in any of its spellings (-n or --order): its value is not the default,
        or is the option's own constant (--grad, --jacobian and --hessian store theirs in one destination)."""
        destination, constant = self.stored_as[option]
        value: object = getattr(arguments, destination)
        return value == constant if constant is not None else value != self.get_default(destination)

    def as_spelled(self, option: str) -> str:
        """The option as the command line last spelled it (-n for --order), for a message; else as named."""
        return self.spelled.get(self.long_spelling.get(option, option), option)

    def with_expression_last(self, argv: list[str]) -> list[str]:
        """argv, ready for parse_args, with the spelling of each option recorded (self.spelled). An expression may
        start with a minus ("-x^2"): argparse would take it for an option, so an argument that starts with '-'
        and is not an option (OPTION_SHAPE), nor an option's value, is passed after '--'. A bare -NAME or --NAME
        that is not one of ours is a UsageError: `symdiff -v` is not the expression -v."""
        kept: list[str] = []
        expressions: list[str] = []
        skip = False
        for i, argument in enumerate(argv):
            if skip:  # an option's value; one starting with '-' (--range -3:3) is joined as --range=-3:3
                if argument.startswith("-"):
                    kept[-1] = f"{kept[-1]}={argument}"
                else:
                    kept.append(argument)
                skip = False
            elif argument == "--":
                return kept + ["--"] + expressions + argv[i + 1:]
            elif argument.split("=", 1)[0] in self.stored_as:  # --wrt, --wrt=x, -w, -w=x
                self._record_spelling(argument.split("=", 1)[0])
                kept.append(argument)
                skip = argument in self.takes_value
            elif self._short_with_attached_value(argument):  # -n2, -wx: argparse reads them
                self._record_spelling(argument[:2])
                kept.append(argument)
            elif OPTION_SHAPE.fullmatch(argument):
                raise UsageError(_unknown_option(argument))
            elif argument.startswith("-"):
                expressions.append(argument)
            else:
                kept.append(argument)
        return kept + (["--"] + expressions if expressions else [])

    def _short_with_attached_value(self, argument: str) -> bool:
        """-n2, -wx,y, -oout.txt: a short option of ours, then its value (or more short options: -lw x), with no
        character an expression would have there (-f(x) is an expression)."""
        return (len(argument) > 2 and argument[1] != "-" and argument[:2] in self.stored_as
                and ATTACHED_VALUE.fullmatch(argument, 2) is not None)

    def _record_spelling(self, spelling: str) -> None:
        self.spelled[self.long_spelling[spelling]] = spelling


def _unknown_option(argument: str) -> str:
    """The message for an argument shaped as an option that symdiff does not have."""
    hints = [UNKNOWN_OPTION_HINTS[argument]] if argument in UNKNOWN_OPTION_HINTS else []
    if not argument.startswith("--"):
        hints.append(f"an expression that starts with a minus goes after --, as in symdiff -- {argument}")
    return f"unknown option {argument.split('=', 1)[0]}: " + ("; ".join(hints) or "see symdiff --help")


def _examples(*examples: tuple[str, str]) -> str:
    """--help's examples: each command line, with what it shows after a #."""
    width = max(len(arguments) for arguments, _ in examples) + len("symdiff ")
    lines = [f"  symdiff {arguments}".ljust(width + 4) + (f"# {comment}" if comment else "")
             for arguments, comment in examples]
    return "examples:\n" + "\n".join(line.rstrip() for line in lines)


def build_argument_parser() -> _ArgumentParser:
    parser = _ArgumentParser(
        prog="symdiff",
        description="Differentiate an expression symbolically: exact, simplified, as text, LaTeX or SymPy code.",
        epilog=_examples(
            ('"3*x^2-4*x" --wrt x', ""),
            ('"x^2*y^3" --wrt x --wrt y', "the mixed partial d2/dydx"),
            ('"sin(x)^3" -n 2 -l', "short options: the 2nd derivative, in LaTeX"),
            ('"sin(x)/x" --latex', ""),
            ('"x^2*sin(x)" --steps', ""),
            ('"x^2*y + sin(x*y)" --grad', ""),
            ('"x*y, x + y^2" --jacobian --wrt x,y', ""),
            ('"x^2*y + sin(x*y)" --hessian --latex --cse', ""),
            ('"3*x^2-4*x" --at x=1', ""),
            ('"3*x^2-4*x" --limit x=1', ""),
            ('"x^2 + y^2 = 1" --implicit y --order 2', "d2y/dx2 = -1/y^3"),
            ('"x^2" --tangent x=1', "y = 2*x - 1"),
            ('"exp(sin(x))" --taylor x=0 -n 6', ""),
            ('"x^2*sin(x)" --compare "2x sin x + x^2 cos x"', "is this the derivative?"),
            ('"x^2*y" --direction 1,2', ""),
            ('"x^3 - 1/x" --plot tangent.svg --at x=1', ""),
            ('"x\'*A*x" --wrt x --shape "x: n, A: n x n"', "matrix calculus: (A + A')*x"),
            ('"norm(X*w - y)^2" --wrt w --matrix --hessian', "2*X'*X"),
            ('"-x^2"', "an expression may start with a minus"),
            ("-- -v", "after --, even one that looks like an option"),
            ('- < expr.txt', "- reads the expression from standard input"),
            ("--batch exprs.txt -j 4 -o out.txt", "every line of a file, in 4 processes"),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_option
    add(parser, "-h", "--help", action="help", help="show this help message and exit")
    parser.add_argument("expression", nargs="?",
                        help='the expression, e.g. "3x^2 - 4x" or "sin(x)^2*exp(-x)" (or --batch FILE); - reads it '
                             'from standard input')
    add(parser, "--batch", metavar="FILE",
        help="differentiate every line of FILE (an expression, or JSON {\"expr\": ..., \"wrt\": ...}; "
             "- for standard input): one result line per input line, in order; a bad line is "
             "reported on its own line and never stops the rest (exit 2 if any failed)")
    add(parser, "-o", "--output", metavar="FILE",
        help="with --batch: write the results to FILE instead of standard output")
    add(parser, "--resume", action="store_true",
        help="with --batch and --output: carry on after a run that was stopped or killed: keep the complete "
             "lines FILE holds, drop a partial last line, and append from the next input line")
    add(parser, "-j", "--jobs", type=_whole_number, metavar="N",
        help="with --batch: work on N lines at once, each in a worker process (default: one per CPU core "
             "available); a line stuck past --timeout is stopped by ending its worker. 1: in this process, "
             "where only symdiff's own time checks can stop a line")
    add(parser, "-w", "--wrt", action="append", default=[], metavar="VAR",
        help="differentiate in VAR; repeat (or write x,y) for a mixed partial, taken in order. "
             "May be left out when the expression has one free symbol.")
    add(parser, "-n", "--order", type=int, default=1, metavar="N",
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
    add(output, "-l", "--latex", action="store_const", const="latex", dest="format",
        help="print LaTeX (same as --format latex)")
    add(output, "-f", "--format", choices=FORMATS, default="text",
        help="output: text (parses back), latex, sympy (a runnable SymPy snippet), json, or numpy (the source of "
             "a NumPy function computing the derivative)")
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
             "to FILE (.svg or .png; needs the plot extra: pip install 'symdiff-cas[plot]')")
    add(numbers, "--range", metavar="A:B", help="the plot's x range (default -3:3, or 3 either side "
                                                "of the --at point)")
    beyond = parser.add_argument_group("beyond the derivative")
    add(beyond, "--implicit", metavar="Y",
        help='implicit differentiation: EXPR is an equation ("x^2 + y^2 = 1"; several separated by ;) and Y '
             "(or Y,Z) a function of the --wrt variable (default x): dY/dx, --order times, in x and Y, shortened "
             "with the equation; --steps shows the derivation, --at a point of the curve the value there")
    add(beyond, "--tangent", metavar="POINT",
        help="the tangent line at POINT, e.g. x=1: y = 2*x - 1 (exact); of f(x, y), the tangent plane; "
             "with --plot, drawn")
    add(beyond, "--normal", metavar="POINT",
        help="the normal line at POINT (x = a where the tangent is horizontal); of f(x, y), in parametric form")
    add(beyond, "--taylor", metavar="POINT",
        help="the Taylor polynomial at POINT (x=0, or x=0,y=0 for the total degree in several variables) of "
             "degree --order (default 5), exact, with its remainder's order; --steps shows each coefficient")
    add(beyond, "--compare", metavar="ANSWER",
        help="is ANSWER the derivative? Says right (proved, or checked at sample points) or wrong, with a point "
             "where they differ; exit 0 when right, 1 when wrong")
    add(beyond, "--direction", metavar="VECTOR",
        help='the directional derivative along VECTOR ("1,2": one component per --wrt variable, or per free '
             "symbol in sorted order), made a unit vector (the output says so)")
    add(beyond, "--along", metavar="PATH",
        help='the derivative along the path PATH ("x=cos(t), y=sin(t)") in its parameter (--wrt, default t), '
             "by the chain rule")
    matrices = parser.add_argument_group("matrix calculus")
    add(matrices, "--shape", action="append", default=[], metavar="SHAPES",
        help='read EXPR as a matrix expression with these shapes, "x: n, A: n x n symmetric, X: m x n, '
             'lambda: scalar" (properties: symmetric, diagonal, positive definite, invertible); names not '
             "declared follow --matrix's convention; the derivative is in matrix form")
    add(matrices, "--matrix", action="store_true",
        help="read EXPR as a matrix expression by the convention: an uppercase initial is a matrix, a lowercase "
             "name a column vector, a Greek name a scalar, sizes inferred (A*x: A is m x n, x has n entries)")
    add(matrices, "--layout", choices=("denominator", "numerator"),
        help="with --shape or --matrix: denominator (the default; a gradient has the variable's shape, d(A*x)/dx "
             "= A') or numerator (d(A*x)/dx = A; the default of --jacobian)")
    add(matrices, "--differential", action="store_true",
        help="with --shape or --matrix: the differential df, linear in dX (d(X*Y) = dX*Y + X*dY)")
    add(parser, "--cse", action="store_true",
        help="name the subexpressions the result uses more than once: t1 = ..., then the result")
    add(parser, "--check", action="store_true",
        help="also differentiate with SymPy and say whether the results agree (exit 3 if not); with "
             "--grad, --jacobian or --hessian, every entry; with --shape or --matrix, the matrix result by "
             "components at sizes 1 to 3 (against symdiff's and SymPy's scalar derivatives) and by finite "
             "differences")
    add(parser, "--timeout", type=seconds_value, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"the time budget of the command, in seconds (default {DEFAULT_TIMEOUT:g}); with --batch, of "
             "each line, which is then reported as a TimeLimitError while the rest goes on")
    add(parser, "-V", "--version", action=_ShowVersion, help="print symdiff's version and exit")
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
                    raise UsageError(f"{parser.as_spelled(option)} cannot be combined with {parser.as_spelled(other)}")


def refuse_missing(parser: _ArgumentParser, arguments: argparse.Namespace) -> None:
    """A UsageError for the first option given without the option it needs (see REQUIRES and MATRIX_ONLY)."""
    for option, needed in REQUIRES:
        if parser.given(arguments, option) and not parser.given(arguments, needed):
            raise UsageError(f"{parser.as_spelled(option)} needs {needed}")
    if arguments.format == "numpy" and (arguments.mode not in NUMPY_MODES or arguments.at is not None):
        raise UsageError("--format numpy prints the NumPy function of a derivative (or, with --shape or --matrix, "
                         "of a matrix derivative): not of steps, values, tables or other results")
    if arguments.mode != "matrices":
        for option in MATRIX_ONLY:
            if parser.given(arguments, option):
                raise UsageError(f"{parser.as_spelled(option)} needs --shape or --matrix (a matrix expression)")


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
    arguments.order_given = parser.given(arguments, "--order")  # --taylor's degree has a default of its own
    arguments.notes = []  # the notes on how EXPR was read, printed after the result (command.main)
    refuse_conflicts(parser, arguments, arguments.mode)
    refuse_missing(parser, arguments)
    return arguments
