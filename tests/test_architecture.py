"""The architecture of docs/architecture.md, checked: layers import only downward (import-linter, configured in
pyproject.toml), imports inside functions only skip a heavy optional dependency, every exception class lives in
one module, no module but the registry keeps a table keyed by function name, and the core keeps no hidden
shared state (interning under threads, internal tables read under a fixed budget, the recursion limit left
alone once it suffices, no registry changed on import)."""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import symdiff
from threads import build_in_threads
from symdiff import functions

# The source tree beside these tests (CI installs the package into a virtual environment: the same files, but
# without pyproject.toml and docs/ beside them).
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symdiff"
SOURCES = sorted(PACKAGE.rglob("*.py"))
# What an import inside a function may load: the heavy or optional libraries (Dask and its fsspec: the cluster
# extra; Starlette and uvicorn: the web extra), and symdiff's own modules that load them at their top
# (symdiff.interop, symdiff.web).
HEAVY = {"sympy", "numpy", "matplotlib", "flint", "mpmath", "dask", "distributed", "fsspec", "tqdm",
         "argcomplete", "starlette", "uvicorn"}
# Standard library modules that the plain command's start-up does without (each a few milliseconds: json for
# --format json, pathlib with the URL parsing it loads, difflib for a misspelt name's suggestions), loaded where
# used; tests/test_packaging.py checks that the command line does not load them.
DEFERRED = {"json", "pathlib", "difflib"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


# ---- layers ---------------------------------------------------------------------------------------------------

def test_layers_import_only_downward():
    """import-linter reads the contract in pyproject.toml (it follows imports inside functions too)."""
    pytest.importorskip("importlinter", reason="import-linter is in the test extra: pip install '.[test]'")
    from importlinter.cli import lint_imports
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_contract_lists_every_subpackage():
    """A new sub-package must be placed in a layer, or the contract would not see it."""
    tomllib = pytest.importorskip("tomllib")
    layers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"][0]["layers"]
    listed = {name.strip() for layer in layers for name in layer.split("|")}
    subpackages = {f"symdiff.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == listed


def _imports_inside_functions(path: Path):
    tree = ast.parse(path.read_text())
    lines = path.read_text().splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    yield inner, lines[inner.lineno - 1]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_inside_functions_only_skip_heavy_dependencies(path):
    for node, line in _imports_inside_functions(path):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif node.level == 0:
            modules = [node.module]
        else:  # symdiff's own: only the layers that import a heavy library at their top, saying so: interop
            # (SymPy) and web (Starlette, for `symdiff serve` alone)
            assert any((node.module or "").startswith(layer) or layer in (node.module or "")
                       for layer in ("interop", "web")), \
                f"{path.name}:{node.lineno}: `{line.strip()}` hides a dependency inside a function"
            assert "#" in line, f"{path.name}:{node.lineno}: say why this import waits: {line.strip()}"
            continue
        for module in modules:
            assert module.split(".")[0] in HEAVY | DEFERRED, \
                f"{path.name}:{node.lineno}: `{line.strip()}` belongs at the top of the module"


# ---- one module per concern ---------------------------------------------------------------------------------------

def test_every_exception_class_is_in_the_errors_module():
    for path in SOURCES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not any(b.endswith(("Error", "Exception")) for b in bases), \
                    f"{path.name}: exception class {node.name} belongs in symdiff/core/errors.py"


FUNCTION_NAMES = {name for name, _ in functions.REGISTRY}


@pytest.mark.parametrize("path", [p for p in SOURCES if "functions" not in p.relative_to(PACKAGE).parts],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_but_the_registry_keeps_a_table_keyed_by_function_name(path):
    """A dict, set, list or tuple literal naming two or more functions is a private table of function facts:
    those belong in the functions' registry rows."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Dict):
            items = node.keys
        elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = node.elts
        else:
            continue
        named = {i.value for i in items if isinstance(i, ast.Constant) and i.value in FUNCTION_NAMES}
        assert len(named) < 2, f"{path.name}:{node.lineno}: a table of {sorted(named)}: put it in the registry rows"


# ---- a core with no hidden shared state ----------------------------------------------------------------------------

def test_interning_from_eight_threads_gives_one_object_per_structure():
    """Threads building the same new nodes at the same moment get the same objects (equal means identical, which
    every memo and `is` test relies on). Switching threads as often as possible makes a race likely if there is
    one (before the lock, 8 threads gave equal nodes as distinct objects)."""
    from symdiff.core.expr import Add, Func, Mul, Num, Pow, Sym
    rounds = 300

    def make(r):
        x = Sym(f"v{r}")
        return Add(Mul(Num(r + 7), Pow(x, Num(2))), Func("sin", x), Func(f"g{r}", x, Sym(f"w{r}")))

    results = build_in_threads(make, 8, rounds)
    for r in range(rounds):
        first = results[0][r]
        for other in results[1:]:
            assert other[r] is first
            assert all(a is b for a, b in zip(other[r].args, first.args))


def test_parsing_from_eight_threads_gives_the_same_nodes():
    texts = [f"sin(x{i})^2 + {i}*x{i}*exp(-x{i}/3) - f{i}(x{i}, y)" for i in range(40)]
    expected = [symdiff.parse(t) for t in texts]
    found = [[] for _ in range(8)]

    def parse_all(slot):
        found[slot] = [symdiff.parse(t) for t in texts]

    workers = [threading.Thread(target=parse_all, args=(i,)) for i in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for results in found:
        assert all(a is b for a, b in zip(results, expected))


def test_a_small_budget_at_first_use_does_not_change_how_symdiffs_own_tables_are_read():
    """In a fresh process, the first call may come with a tiny budget: the rewrite rules and derivative formulas
    (parsed at import, under the fixed internal budget) must not be read under it. Before: a BudgetError on a
    rewrite rule, and the same call succeeded after any call made without a budget."""
    code = ("import symdiff as sd\n"
            "print(sd.diff('x^3', 'x', budget=sd.Budget(max_depth=2)))\n"
            "print(sd.diff('sin(x)^2 + cos(x)^2', 'x', budget=sd.Budget(max_depth=3, max_input_length=20)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["3*x^2", "0"]


def test_the_recursion_limit_is_not_changed_on_every_call():
    symdiff.diff("sin(x)^2", "x")
    after_first = sys.getrecursionlimit()
    for text in ("x^3", "exp(sin(x))", "sqrt(x^2 + 1)"):
        symdiff.diff(text, "x")
        assert sys.getrecursionlimit() == after_first


def test_no_printer_keeps_a_registry_that_modules_change_on_import():
    from symdiff.printing.latex import LatexPrinter
    from symdiff.printing.sympy_code import SymPyPrinter
    from symdiff.printing.text import TextPrinter
    for printer in (TextPrinter, LatexPrinter, SymPyPrinter):
        assert not hasattr(printer, "extensions")


def test_the_core_imports_nothing_above_it_even_when_used_alone():
    """A fresh process importing only the core's modules loads no other layer (the package's __init__ loads the API,
    so the check is on what symdiff.core's modules name, through import-linter above, and here on sys.modules of a
    process that imports symdiff.core.expr with the package's __init__ bypassed)."""
    code = ("import importlib.util, sys, types\n"
            f"root = {str(PACKAGE)!r}\n"
            "package = types.ModuleType('symdiff'); package.__path__ = [root]; sys.modules['symdiff'] = package\n"
            "import symdiff.core.expr, symdiff.core.build, symdiff.core.budget, symdiff.core.errors\n"
            "print(sorted(m for m in sys.modules if m.startswith('symdiff.') and not m.startswith('symdiff.core')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_architecture_page_names_every_module():
    """docs/architecture.md stays true: every module of the package is in its table."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    for path in SOURCES:
        relative = path.relative_to(PACKAGE)
        if relative.name in ("__init__.py", "__main__.py"):
            continue
        assert f"`{relative.as_posix()}`" in text, f"docs/architecture.md does not name {relative.as_posix()}"
