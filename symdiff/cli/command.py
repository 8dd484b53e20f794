"""The command line: symdiff EXPR [--wrt VAR]... [--order N] [--latex | --format F] [--no-simplify] [--check]

Exit status: 0 on success, 2 for bad input or usage (one line saying what is wrong, then the input with a
caret under the position) or a call over its --timeout, 3 when --check finds that symdiff and SymPy disagree,
130 when Ctrl-C stops a batch.

This module only dispatches: the options and which of them combine are in options.py, what each mode does in
modes.py, how results are printed in output.py.
"""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext

from ..core import budget
from ..core.errors import SymdiffError
from . import modes
from .exit_status import EXIT_DISAGREE, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from .options import build_argument_parser, parse_arguments

# build_argument_parser is imported from here by docs/hooks.py and the tests.
__all__ = ["main", "run", "report_error", "build_argument_parser", "EXIT_OK", "EXIT_USAGE", "EXIT_DISAGREE"]

# The function that answers each mode (options.MODE_OPTIONS says which mode a request is in). --plot and
# --check add to a derivative: the modes that print one call them.
MODES = {
    "batch": modes.batch,
    "matrix": modes.matrix,  # --grad, --jacobian, --hessian
    "limit": modes.limit,
    "steps": modes.derivation,
    "derivative": modes.derivative,
}


def main(argv: list[str] | None = None) -> int:
    try:
        arguments = parse_arguments(list(sys.argv[1:] if argv is None else argv))
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


def report_error(error, stream=None) -> int:
    """One line saying what is wrong, then the input with a caret under the position."""
    stream = stream or sys.stderr
    print(f"symdiff: error: {error.message}", file=stream)
    caret = error.caret()
    if caret:
        print("\n".join("  " + line for line in caret.splitlines()), file=stream)
    return EXIT_USAGE


def run() -> int:
    """The console script: main(), quiet when the reader of the output goes away (symdiff ... | head), and one
    line, not a traceback, on Ctrl-C (--batch reports its own progress first)."""
    try:
        return main()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("symdiff: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
