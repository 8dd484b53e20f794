# PYTHON_ARGCOMPLETE_OK  (argcomplete's global completion, activate-global-python-argcomplete, asks the console
# script for completions only when its package carries this marker near its start)
"""The command line (top layer): `symdiff EXPR [options]`, built on the API only."""

from .command import main, run

__all__ = ["main", "run"]
