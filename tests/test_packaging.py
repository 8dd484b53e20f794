"""The installed package is complete: the grammar ships inside it and the console script is declared."""

import subprocess
import sys
from importlib import metadata

import symdiff
from symdiff.parsing.parser import grammar_path


def test_grammar_is_found_and_parses():
    assert grammar_path().is_file()
    assert str(symdiff.parse("x")) == "x"


def test_console_script_and_module_entry_point():
    try:
        scripts = {ep.name: ep.value for ep in metadata.entry_points(group="console_scripts")}
    except metadata.PackageNotFoundError:  # pragma: no cover
        scripts = {}
    if "symdiff" in scripts:  # installed (as in CI); from a bare checkout there is no metadata
        assert scripts["symdiff"] == "symdiff.cli:run"
    run = subprocess.run([sys.executable, "-m", "symdiff", "3*x^2-4*x", "--wrt", "x"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "6*x - 4"


def test_plain_differentiation_does_not_import_sympy():
    code = ("import sys, symdiff; symdiff.latex(symdiff.diff('sin(x)^2*exp(x)', 'x')); "
            "print(any(m == 'sympy' or m.startswith('sympy.') for m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "False", run.stderr


def test_the_command_line_loads_only_what_its_command_uses():
    """Cold start is part of the product: a plain derivative on the command line loads neither the numeric layer,
    nor derivations, batches or SymPy (the API loads them on first use, symdiff.api.LAZY)."""
    code = ("import sys\n"
            "from symdiff.cli import main\n"
            "main(['3*x^2-4*x', '--wrt', 'x'])\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('symdiff.numeric', 'symdiff.interop', "
            "'symdiff.calculus.derivation', 'symdiff.api.batch', 'symdiff.api.numbers', 'sympy', 'numpy')))\n"
            "print(loaded)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"
