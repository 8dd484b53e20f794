"""symdiff's version, from one place: the [project] version of pyproject.toml.

An installed copy reads it at run time from its distribution's metadata (importlib.metadata: what pip recorded
from pyproject.toml when it installed it); a source checkout that is not installed reads pyproject.toml beside
the package. The distribution is `symdiff-cas` (`pip install symdiff` installs another project, DEVSIM's
SYMDIFF); the import package and the command are `symdiff`.

Importing importlib.metadata costs a command about 25 ms, so nothing imports this module until the version is
asked for (`symdiff --version`, `symdiff.__version__`): it is loaded by name, as symdiff.api.LAZY loads the API.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

__all__ = ["DISTRIBUTION", "__version__", "source_version", "version"]

DISTRIBUTION = "symdiff-cas"  # what pip installs: pip install "symdiff-cas[plot]"
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"  # in a source checkout
UNKNOWN = "0+unknown"  # neither installed nor in a source checkout (a copy of the package alone)


def version() -> str:
    """The installed distribution's version, or else the source checkout's."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return source_version()


def source_version(pyproject: Path | None = None) -> str:
    """The version in the [project] table of `pyproject` (default: PYPROJECT) if it is symdiff's own (its name
    is DISTRIBUTION), else UNKNOWN. A plain reading of the two keys, so that it needs no TOML library (tomllib
    is Python 3.11+)."""
    try:
        text = (pyproject or PYPROJECT).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return UNKNOWN
    table = re.search(r"^\[project\][ \t]*$(.*?)(?=^\[|\Z)", text, re.MULTILINE | re.DOTALL)
    if table is None:
        return UNKNOWN
    keys = dict(re.findall(r"""^(name|version)[ \t]*=[ \t]*["']([^"'\n]+)["']""", table.group(1), re.MULTILINE))
    return keys["version"] if keys.get("name") == DISTRIBUTION and "version" in keys else UNKNOWN


__version__ = version()
