"""The function registry: every function symdiff knows, one row each, keyed by (name, arity).

Everything else reads these rows (the parser the names and arities, the differentiator the partials, the printers
the LaTeX and SymPy names, numeric evaluation and compiled code their implementations, the canonical form the
parities, special values and poles). The registry is built once, from the row modules' tuples; nothing changes it.
To add a function, add its row to a row module (or a new module listed in SOURCES) and its tests.

A name not listed here, applied to arguments, is an undefined function such as f(x): its derivatives are written
f'(x), or D[1,0](g)(x, y) by argument position.
"""

from __future__ import annotations

from types import MappingProxyType

from . import activations, elementary, special
from .shorthands import SHORTHANDS
from .row import ARGUMENT_NAMES, NOT_DIFFERENTIABLE, FunctionRow

__all__ = ["REGISTRY", "ALIASES", "KNOWN_NAMES", "SYMBOL_NAMES", "is_function_only", "ARGUMENT_NAMES", "NOT_DIFFERENTIABLE", "FunctionRow", "lookup",
           "arities", "is_known", "rows"]

SOURCES = (elementary, special, activations)


def _build_registry() -> dict[tuple[str, int], FunctionRow]:
    registry: dict[tuple[str, int], FunctionRow] = {}
    for source in SOURCES:
        for row in source.ROWS:
            key = (row.name, row.arity)
            if key in registry:
                raise ValueError(f"two rows for {row.name} with {row.arity} argument(s)")
            registry[key] = row
    return registry


REGISTRY = MappingProxyType(_build_registry())

# Other spellings the parser accepts: alias -> name.
ALIASES = MappingProxyType({alias: row.name for row in REGISTRY.values() for alias in row.aliases})

# Every function name the readers accept: the rows', their aliases, and the shorthands read as formulas in others
# (sqrt(u) is u^(1/2): symdiff.functions.shorthands).
KNOWN_NAMES = frozenset(name for name, _ in REGISTRY) | frozenset(ALIASES) | frozenset(SHORTHANDS)

# Function names that are also common variables (Greek letters): a symbol where not applied to arguments.
SYMBOL_NAMES = frozenset(row.name for row in REGISTRY.values() if row.also_a_symbol)


def rows() -> list[FunctionRow]:
    """Every row, in a stable order (by name, then arity)."""
    return [REGISTRY[key] for key in sorted(REGISTRY)]


def arities(name: str) -> list[int]:
    return sorted(arity for (n, arity) in REGISTRY if n == name)


def is_known(name: str) -> bool:
    return name in KNOWN_NAMES


def is_function_only(name: str) -> bool:
    """A known function's name that cannot also be a variable (sin, but not gamma)."""
    return name in KNOWN_NAMES and name not in SYMBOL_NAMES


def lookup(name: str, arity: int) -> FunctionRow | None:
    return REGISTRY.get((name, arity))
