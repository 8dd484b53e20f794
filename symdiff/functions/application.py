"""A function's name applied to arguments, the one way every reader and constructor does it: an alias read as its
function, a shorthand (sqrt, root, softmax) as its formula, an associative function of more than two arguments
nested from the left (max(x, y, z) = max(max(x, y), z)), and the number of arguments checked against the rows."""

from __future__ import annotations

from ..core.errors import UsageError
from ..core.expr import Expr, Func
from .registry import ALIASES, arities, lookup
from .shorthands import SHORTHANDS

__all__ = ["apply_function"]


def apply_function(written: str, arguments: list[Expr]) -> Expr:
    """`written` (a name of the registry, an alias or a shorthand) applied to `arguments`. A UsageError naming the
    numbers of arguments allowed, when these are not; ZeroDivisionError from a shorthand's formula (root(x, 0)),
    for the caller to report where it was written."""
    name = ALIASES.get(written, written)
    shorthand = SHORTHANDS.get(name)
    if shorthand is not None:
        _check_arity(written, len(arguments), list(shorthand.arities))
        return shorthand.build(*arguments)
    allowed = arities(name)
    pair = lookup(name, 2)
    if len(arguments) > 2 and pair is not None and pair.associative:
        nested = arguments[0]
        for argument in arguments[1:]:
            nested = Func(name, nested, argument)
        return nested
    _check_arity(written, len(arguments), allowed)
    return Func(name, *arguments)


def _check_arity(written: str, given: int, allowed: list[int]) -> None:
    if given not in allowed:
        counts = " or ".join(map(str, allowed)) if len(allowed) < 4 else f"{allowed[0]} or more"
        plural = "" if allowed == [1] else "s"
        raise UsageError(f"{written} takes {counts} argument{plural}, not {given}")
