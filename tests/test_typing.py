"""The package is typed: mypy --strict finds nothing in it (pyproject.toml's [tool.mypy]), and it ships py.typed so
that users' type checkers read its annotations (PEP 561)."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_package_is_marked_typed():
    assert resources.files("symdiff").joinpath("py.typed").is_file()


def test_mypy_strict_finds_nothing(tmp_path):
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental",
                             "--cache-dir", str(tmp_path / "cache"), "--python-executable", sys.executable, "symdiff"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
