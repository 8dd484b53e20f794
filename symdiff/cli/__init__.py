"""The command line (top layer): `symdiff EXPR [options]`, built on the API only."""

from .command import main, run

__all__ = ["main", "run"]
