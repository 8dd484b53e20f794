"""The command line's matrix calculus (--shape, --matrix): EXPR read as a matrix expression and differentiated
in matrix form, as modes.py's functions do for scalars.

    symdiff "x'*A*x" --wrt x --shape "x: n, A: n x n"          # (A + A')*x
    symdiff "norm(X*w - y)^2" --wrt w --matrix --hessian       # 2*X'*X
    symdiff "logdet(S)" --wrt S --shape "S: n x n symmetric" --steps

--grad (the default for a scalar), --jacobian, --hessian or --differential says which derivative, and --layout
which convention: a vector's derivative is d f'/d x (the denominator layout, the gradient's: d(A*x)/dx = A')
unless --jacobian asks for the Jacobian d f/d x' (the numerator layout: A), each unless --layout says
otherwise; --format text, latex, json, or numpy (the source of a NumPy function computing the result); --steps
the derivation through the differential rules; --check verifies the result by components against symdiff's
scalar derivatives and SymPy, and by finite differences (exit 3 if any disagree).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .. import api
from ..core.errors import Notation, UsageError
from ..parsing.reading import Note
from .exit_status import EXIT_DISAGREE, EXIT_OK
from .output import json_text, render_result

if TYPE_CHECKING:  # loaded with the mode's first call (symdiff.api.LAZY), not with the command line
    from ..api.matrix_calculus import MatrixDerivative

# --grad, --jacobian, --hessian (stored in arguments.many) and --differential, as kinds of matrix_diff.
KIND_OF_OPTION = {None: "auto", "gradient": "gradient", "jacobian": "jacobian", "hessian": "hessian"}


def matrix_calculus(arguments: argparse.Namespace) -> int:
    """EXPR's derivative in matrix form, or its derivation (--steps), checked with --check."""
    if arguments.format == "sympy":
        raise UsageError("a matrix derivative is shown as text, latex, json or numpy")
    if arguments.check and arguments.format == "numpy":
        raise UsageError("--check prints its verdicts after the result: give it with text, latex or json")
    variables = [part.strip() for v in arguments.wrt for part in v.split(",") if part.strip()]
    if len(variables) > 1:
        raise UsageError("a derivative in matrix form is in one vector or matrix variable: give one --wrt")
    kind = "differential" if arguments.differential else KIND_OF_OPTION[arguments.many]
    shapes = ", ".join(arguments.shape) or None
    result = api.matrix_diff(arguments.expression, variables[0] if variables else None, kind, arguments.layout, shapes,
                             simplify=arguments.simplify != "none")
    arguments.notes.extend(Note(Notation.CONVENTION, note) for note in result.notes)
    if arguments.steps:
        print(render_result(result.steps(), _shown(arguments.format)))
    elif arguments.format == "numpy":
        print(result.code())
    elif arguments.format == "json":  # with --check, its verdicts inside the one JSON object
        report = result.check(sympy=True) if arguments.check else None
        checked = {} if report is None else {"check": report.as_json()}
        print(json_text({**result.as_json(), "description": result.describe(), **checked}))
        return EXIT_OK if report is None or report.agrees else EXIT_DISAGREE
    else:
        print(render_result(result, arguments.format))
    return _checked(result) if arguments.check else EXIT_OK


def _shown(output_format: str) -> str:
    if output_format == "numpy":
        raise UsageError("--steps are shown as text, latex or json")
    return output_format


def _checked(result: MatrixDerivative) -> int:
    """--check: the verdicts, on standard output after the result; exit 3 when one disagrees."""
    report = result.check(sympy=True)
    print(report.text())
    return EXIT_OK if report.agrees else EXIT_DISAGREE
