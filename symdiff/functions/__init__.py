"""The function registry (second layer): what symdiff knows about each function, one row per function."""

from .registry import ALIASES, ARGUMENT_NAMES, KNOWN_NAMES, REGISTRY, FunctionRow, arities, is_known, lookup, rows

__all__ = ["REGISTRY", "ALIASES", "KNOWN_NAMES", "ARGUMENT_NAMES", "FunctionRow", "lookup", "arities", "is_known",
           "rows"]
