"""The function registry (second layer): what symdiff knows about each function, one row per function."""

from .registry import (ALIASES, ARGUMENT_NAMES, KNOWN_NAMES, NOT_DIFFERENTIABLE, REGISTRY, SYMBOL_NAMES,
                       FunctionRow, arities, is_function_only, is_known, lookup, rows)

__all__ = ["REGISTRY", "ALIASES", "KNOWN_NAMES", "SYMBOL_NAMES", "ARGUMENT_NAMES", "NOT_DIFFERENTIABLE",
           "FunctionRow", "lookup", "arities", "is_known", "is_function_only", "rows"]
