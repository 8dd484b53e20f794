"""docs/tutorial.ipynb runs: every cell, top to bottom, in a fresh IPython kernel of this interpreter (nbclient and
ipykernel, in the test extra), without an error, and its results show as they should: expressions, derivations,
gradients and checks as LaTeX, the limit table as an HTML table, print() as the command line prints.

The kernel is this interpreter, given by a kernel spec written for the test, so it runs the symdiff under test
whatever kernels the machine has; its files (connection file, IPython's directory) go to a temporary folder.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

import symdiff as sd

nbformat = pytest.importorskip("nbformat", reason="running the notebook needs nbformat: pip install '.[test]'")
nbclient = pytest.importorskip("nbclient", reason="running the notebook needs nbclient: pip install '.[test]'")
pytest.importorskip("ipykernel", reason="running the notebook needs ipykernel: pip install '.[test]'")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "tutorial.ipynb"
KERNEL = "symdiff-test"


@pytest.fixture(scope="module")
def notebook(tmp_path_factory):
    """The notebook, executed (errors recorded in the cells, not raised, so that each can be reported)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    folder = tmp_path_factory.mktemp("notebook")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "symdiff under test", "language": "python"}))
    # On Unix, IPC sockets in the folder, not TCP ports: the kernel needs no network, not even the loopback's
    sockets = {"transport": "ipc", "ip": str(folder / "kernel")} if os.name == "posix" else {}
    manager = KernelManager(kernel_name=KERNEL, connection_file=str(folder / "connection.json"), **sockets,
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(folder / "kernels")]))
    executed = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(executed, km=manager, kernel_name=KERNEL, timeout=300, allow_errors=True,
                                     resources={"metadata": {"path": str(folder)}})
    environment = {**os.environ, "IPYTHONDIR": str(folder / "ipython"), "MPLBACKEND": "Agg",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    client.execute(env=environment)
    return executed


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def cell(notebook, source_start: str):
    """The one code cell whose source starts with `source_start`."""
    found = [c for c in code_cells(notebook) if c.source.startswith(source_start)]
    assert len(found) == 1, f"{len(found)} cells start with {source_start!r}"
    return found[0]


def result(code_cell) -> dict:
    """The mime bundle of the cell's result (its last expression's value)."""
    results = [o for o in code_cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, f"cell {code_cell.source!r} has {len(results)} results"
    return results[0].data


def printed(code_cell) -> str:
    return "".join(o.text for o in code_cell.outputs if o.output_type == "stream" and o.name == "stdout")


def test_the_notebook_is_valid_and_saved_without_outputs():
    saved = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(saved)
    for code_cell in code_cells(saved):
        assert not code_cell.outputs and code_cell.execution_count is None, \
            f"clear the outputs before saving: {code_cell.source[:40]!r}"


def test_every_cell_runs_without_an_error(notebook):
    errors = [(c.source, o.ename, o.evalue) for c in code_cells(notebook) for o in c.outputs
              if o.output_type == "error"]
    assert not errors, "cells that raised:\n" + "\n".join(f"{s!r}: {n}: {v}" for s, n, v in errors)
    assert all(c.execution_count for c in code_cells(notebook)), "a cell was not run"


def test_no_cell_warns(notebook):
    """A reader sees a warning under the cell: the tutorial's inputs are read as written, without one."""
    stderr = [(c.source, o.text) for c in code_cells(notebook) for o in c.outputs
              if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, "cells wrote to standard error:\n" + "\n".join(f"{s!r}: {t}" for s, t in stderr)


def test_expressions_show_as_maths_with_their_text(notebook):
    shown = result(cell(notebook, 'f = sd.parse("3*x^2 - 4*x")'))
    assert shown["text/plain"] == "3*x^2 - 4*x"
    assert shown["text/latex"] == "$\\displaystyle 3 x^{2} - 4 x$"
    assert result(cell(notebook, 'sd.diff("f(x)*g(x)", "x")'))["text/plain"] == "f(x)*g'(x) + g(x)*f'(x)"
    assert result(cell(notebook, 'df = f.diff("x")'))["text/plain"] == "(6*x - 4, 2, -1)"


def test_the_limit_table_shows_as_a_table_and_prints_as_the_command_line_does(notebook):
    shown = result(cell(notebook, "table = sd.limit_table"))
    assert shown["text/html"].startswith("<table")
    assert '<td style="text-align: right">2.00003</td>' in shown["text/html"]
    assert shown["text/latex"].startswith("$$\\begin{array}")
    assert shown["text/plain"] == "<LimitTable of 3*x^2 - 4*x at x = 1: 5 rows, exact f'(1) = 2>"
    assert printed(cell(notebook, "print(table)")) == (
        "h=0.1      (f(x+h)-f(x))/h = 2.3\n"
        "h=0.01                     = 2.03\n"
        "h=0.001                    = 2.003\n"
        "h=0.0001                   = 2.0003\n"
        "h=1e-05                    = 2.00003\n"
        "exact f'(1) = 2\n")


def test_derivations_show_as_aligned_maths_and_print_as_the_command_line_does(notebook):
    shown = result(cell(notebook, 'sd.steps("x^2*exp(x)", "x")'))
    assert shown["text/latex"].startswith("$$\\begin{aligned}") and shown["text/latex"].endswith("\\end{aligned}$$")
    assert "\\text{product rule}" in shown["text/latex"]
    assert shown["text/plain"] == "<Derivation of d/dx [x^2*exp(x)]: 4 steps>"
    assert printed(cell(notebook, 'print(sd.steps("x^2*exp(x)", "x"))')) == str(sd.steps("x^2*exp(x)", "x")) + "\n"
    assert "\\text{chain rule (sine)}" in result(cell(notebook, 'sd.steps("sin(x^2)", "x")'))["text/latex"]
    worked = cell(notebook, "print(sd.latex(df))")
    assert printed(worked).startswith("6 x - 4\n\\begin{aligned}\n")
    assert result(worked)["text/plain"] == "['difference rule', 'constant multiple rule', 'power rule']"


def test_gradients_and_hessians_show_as_matrices(notebook):
    shown = result(cell(notebook, "grad = sd.gradient(g)"))
    assert shown["text/plain"] == "[2*x*y + y*cos(x*y), x^2 + x*cos(x*y)]"
    assert shown["text/latex"].startswith("$$\\begin{pmatrix}")
    assert "\\\\\n" in result(cell(notebook, "sd.hessian(g)"))["text/latex"]
    assert result(cell(notebook, "grad.map("))["text/plain"] == "[pi, 0]"
    assert printed(cell(notebook, "print(grad)")).splitlines()[1] == "[[2, 5], [5, 8]]"


def test_common_subexpressions_and_checks_show_and_print(notebook):
    shared = cell(notebook, "shared = sd.cse(")
    assert result(shared)["text/plain"] == "<CommonSubexpressions: 2 named (t1, t2) in 2 expressions>"
    assert "t_{1} &= e^{x y}" in result(shared)["text/latex"]
    assert printed(cell(notebook, "print(shared)")) == "t1 = exp(x*y)\nt2 = cos(x*y) + sin(x*y)\n[y*t1*t2, x*t1*t2]\n"
    checked = result(cell(notebook, 'checked = sd.check("atan(x)/x")'))
    assert checked["text/plain"].startswith("<CheckResult: agree (")
    assert "\\text{SymPy:}" in checked["text/latex"]
    report = cell(notebook, "print(checked)")
    assert printed(report) == str(sd.check("atan(x)/x")) + "\n" and result(report)["text/plain"] == "True"


def test_values_and_compiled_functions(notebook):
    assert result(cell(notebook, 'h.evaluate(x="pi/2")'))["text/plain"].startswith("(-exp(-pi/2), ")
    assert float(result(cell(notebook, "dh = sd.lambdify(h"))["text/plain"]) == pytest.approx(
        sd.evaluate("exp(-x)*(cos(x) - sin(x))", x=0.5, exact=False))
    arrays = printed(cell(notebook, "try:\n    import numpy"))
    try:
        import numpy  # noqa: F401  (only to know which branch the notebook took)
    except ImportError:
        assert arrays.startswith("NumPy is not installed")
    else:
        assert arrays.startswith("[0.  0.5 1.  1.5 2. ]\n[")
