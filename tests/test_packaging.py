"""The installed package is complete: the grammar ships inside it and the console script is declared; its
distribution has a name of its own, symdiff-cas (the index's symdiff is DEVSIM's SYMDIFF), which every install
hint uses, and one version, pyproject.toml's, read at run time; the command line's cold start loads only what its
command uses."""

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

import symdiff
from symdiff.parsing.parser import grammar_path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
DISTRIBUTION = "symdiff-cas"


def _project_table() -> dict:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def test_grammar_is_found_and_parses():
    assert grammar_path().is_file()
    assert str(symdiff.parse("x")) == "x"


def test_matrix_grammar_is_found_and_parses():
    from symdiff.matrices.reading import grammar_path as matrix_grammar_path
    assert matrix_grammar_path().is_file()
    assert str(symdiff.parse_matrix("x'*x")) == "x'*x"


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
    nor derivations, batches or SymPy (the API loads them on first use, symdiff.api.LAZY), nor the version's
    importlib.metadata (25 ms), tqdm (the batch progress line, 50 ms) or argcomplete (tab completion), nor the
    standard library's json (for --format json), pathlib (with urllib.parse, 4 ms) or difflib (for suggestions),
    nor FLINT (the first derivative of a polynomial needs no rational function algebra)."""
    code = ("import sys\n"
            "from symdiff.cli import main\n"
            "main(['3*x^2-4*x', '--wrt', 'x'])\n"
            "loaded = sorted(m for m in sys.modules if m.startswith(('symdiff.numeric', 'symdiff.interop', "
            "'symdiff.calculus.derivation', 'symdiff.api.batch', 'symdiff.api.numbers', 'sympy', 'numpy', "
            "'symdiff.version', 'importlib.metadata', 'tqdm', 'argcomplete', 'json', 'pathlib', 'difflib', "
            "'flint')))\n"
            "print(loaded)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "[]"


# ---- the distribution: its name and its one version ------------------------------------------------------------

def test_the_distribution_is_named_symdiff_cas():
    """The index's symdiff is DEVSIM's SYMDIFF, another project; this one is symdiff-cas, with the import package
    and the command named symdiff."""
    project = _project_table()
    assert project["name"] == DISTRIBUTION
    assert project["scripts"] == {"symdiff": "symdiff.cli:run"}
    from symdiff import version
    assert version.DISTRIBUTION == DISTRIBUTION


def test_the_version_is_pyproject_toml_s_read_at_run_time():
    from symdiff import version
    expected = _project_table()["version"]
    assert version.__version__ == version.version() == expected
    assert version.source_version(PYPROJECT) == expected  # what a source checkout that is not installed reads
    try:
        installed = metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout that is not installed
        installed = None
    if installed is not None:  # as in CI: the installed metadata, recorded from pyproject.toml
        assert installed == expected
    assert symdiff.__version__ == expected


def test_the_version_of_a_checkout_that_is_not_installed(tmp_path, monkeypatch):
    """Without the distribution's metadata, pyproject.toml beside the package; without that, 0+unknown."""
    from symdiff import version

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)
    monkeypatch.setattr(version.metadata, "version", not_installed)
    monkeypatch.setattr(version, "PYPROJECT", PYPROJECT)  # the package in its checkout (CI installs a copy)
    assert version.version() == _project_table()["version"]
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "symdiff-cas"\nversion = "9.8.7"\n\n[tool.x]\nversion = "1"\n')
    assert version.source_version(other) == "9.8.7"
    other.write_text('[project]\nname = "symdiff"\nversion = "1.3.2"\n')  # another project's
    assert version.source_version(other) == version.UNKNOWN == "0+unknown"
    assert version.source_version(tmp_path / "missing.toml") == version.UNKNOWN
    monkeypatch.setattr(version, "PYPROJECT", tmp_path / "missing.toml")
    assert version.source_version() == version.source_version(version.PYPROJECT) == version.UNKNOWN


@pytest.mark.parametrize("option", ["--version", "-V"])
def test_the_command_prints_the_version(option):
    run = subprocess.run([sys.executable, "-m", "symdiff", option], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout, run.stderr) == (0, f"symdiff {_project_table()['version']}\n", "")


# Where an install hint may be: the sources, tests, documentation and scripts of the repository (but this file,
# whose patterns name what they look for).
HINT_FILES = [path for pattern in ("*.md", "*.py", "*.toml", "*.yml", "*.cfg", "*.txt", ".ci/run")
              for path in ROOT.rglob(pattern)
              if not {".venv", "site", ".git", "node_modules", "__pycache__"} & set(path.relative_to(ROOT).parts)
              and path != Path(__file__).resolve()]
# A hint installs a distribution by its name, with or without extras; a path (".[test]") is the source tree.
INSTALL_HINT = re.compile(r"""pip install\s+(?:-\S+\s+)*["']?([A-Za-z][\w.-]*)(\[[\w,]+\])?""")
OTHER_DISTRIBUTIONS = {"atheris", "numpy", "tqdm", "argcomplete", "matplotlib"}  # named by hints on purpose
OUR_NAME_WITH_EXTRAS = re.compile(r"(?<![\w.-])symdiff\[")  # an extra is the distribution's: symdiff-cas[plot]


def test_every_install_hint_names_this_distribution():
    """A hint naming symdiff (with the plot extra, say) would install DEVSIM's SYMDIFF: every hint in the
    repository names symdiff-cas, or installs from the source tree. A line that names DEVSIM is the warning
    about the other project, and may name it."""
    assert len(HINT_FILES) > 20
    wrong = []
    for path in HINT_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        for found in INSTALL_HINT.finditer(text):
            name = found.group(1)
            warning = "DEVSIM" in text[text.rfind("\n", 0, found.start()) + 1:].split("\n", 1)[0]
            if name != DISTRIBUTION and name not in OTHER_DISTRIBUTIONS and not warning:
                line = text.count("\n", 0, found.start()) + 1
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {found.group(0)}")
        for found in OUR_NAME_WITH_EXTRAS.finditer(text):
            line = text.count("\n", 0, found.start()) + 1
            if not any(f"{path.relative_to(ROOT)}:{line}:" in w for w in wrong):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {text.splitlines()[line - 1].strip()}")
    assert not wrong, "install hints that do not name symdiff-cas:\n" + "\n".join(wrong)
