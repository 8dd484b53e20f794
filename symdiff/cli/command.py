"""The command line: symdiff EXPR [--wrt VAR]... [--order N] [--latex | --format F] [--no-simplify] [--check]
(and `symdiff serve [--host H] [--port P]`: the web page, symdiff.cli.serve)

Exit status: 0 on success, 2 for bad input or usage (one line saying what is wrong, then the input with a
caret under the position) or a call over its --timeout, 3 when --check finds that symdiff and SymPy disagree,
130 when Ctrl-C stops a batch. EXPR `-` is read from standard input. A reader of the output that goes away
(symdiff ... | head -1) ends symdiff quietly, with status 0. Tab completion (the optional `completion` extra,
argcomplete) answers the shell when it asks, before anything else is done.

This module only dispatches: the options and which of them combine are in options.py, what each mode does in
modes.py, how results are printed in output.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import nullcontext
from typing import TextIO

from ..core import budget
from ..core.errors import SymdiffError
from . import applications, matrices, modes, serve
from .exit_status import EXIT_DISAGREE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .options import build_argument_parser, parse_arguments

# build_argument_parser is imported from here by docs/hooks.py and the tests.
__all__ = ["main", "run", "report_error", "build_argument_parser", "EXIT_OK", "EXIT_USAGE", "EXIT_DISAGREE"]

# The function that answers each mode (options.MODE_OPTIONS says which mode a request is in). --plot and
# --check add to a derivative: the modes that print one call them.
MODES = {
    "batch": modes.batch,
    "implicit": applications.implicit,
    "taylor": applications.taylor,
    "tangent": applications.tangent,  # --tangent, --normal
    "compare": applications.compare,
    "directional": applications.directional,  # --direction, --along
    "matrices": matrices.matrix_calculus,  # --shape, --matrix: matrix calculus in matrix notation
    "matrix": modes.matrix,  # --grad, --jacobian, --hessian
    "limit": modes.limit,
    "steps": modes.derivation,
    "derivative": modes.derivative,
}


def main(argv: list[str] | None = None) -> int:
    try:
        if argv is None and "_ARGCOMPLETE" in os.environ:  # the shell asks for completions, not for a derivative
            return complete(build_argument_parser())
        given = list(sys.argv[1:] if argv is None else argv)
        if given[:1] == ["serve"]:  # symdiff serve: the web page (`symdiff -- serve` differentiates "serve")
            return serve.serve_main(given[1:])
        arguments = parse_arguments(given)
        if arguments.expression == "-":
            arguments.expression = modes.expression_from_standard_input()
        # --timeout: the time budget of the mode's work; a batch gives it to each of its lines instead
        clock = nullcontext() if arguments.mode == "batch" else budget.use(max_seconds=arguments.timeout)
        with clock:
            status = MODES[arguments.mode](arguments)
        if arguments.notes:  # after the result: on an error, its one line and caret say all
            sys.stdout.flush()
        for note in arguments.notes:
            print(f"symdiff: warning: {note.message}", file=sys.stderr)
        return status
    except SymdiffError as error:
        return report_error(error)


def report_error(error: SymdiffError, stream: TextIO | None = None) -> int:
    """One line saying what is wrong, then the input with a caret under the position."""
    stream = stream or sys.stderr
    print(f"symdiff: error: {error.message}", file=stream)
    caret = error.caret()
    if caret:
        print("\n".join("  " + line for line in caret.splitlines()), file=stream)
    return EXIT_USAGE


def complete(parser: argparse.ArgumentParser) -> int:
    """Tab completion: argcomplete reads the command line being typed from the environment the shell sets,
    writes the completions where the shell reads them and ends the process. Without the completion extra there
    are none to give."""
    try:
        import argcomplete  # the optional completion extra, loaded only when a shell asks for completions
    except ImportError:
        return EXIT_USAGE
    argcomplete.autocomplete(parser)
    return EXIT_OK  # argcomplete ends the process itself; reached only if it found no request


def run() -> int:
    """The console script: main(), quiet when the reader of the output goes away (symdiff ... | head), and one
    line, not a traceback, on Ctrl-C (--batch reports its own progress first)."""
    try:
        try:
            return main()
        finally:  # --help and --version exit from inside main(): flushed here too
            sys.stdout.flush()  # here, where a reader gone away is caught; not at exit (a traceback, status 120)
    except BrokenPipeError:
        # Nothing more can reach the reader; what is still buffered goes nowhere, so that the flush at exit
        # cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("symdiff: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
