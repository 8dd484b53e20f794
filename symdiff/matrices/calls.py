"""What a function of the registry means given a matrix expression: sd.exp(x) of a vector x acts on each entry,
sd.softmax(x) and sd.logsumexp(x) are those of the vector, sd.sqrt(s) of a scalar its square root."""

from __future__ import annotations

from typing import Callable, Sequence

from ..core.errors import UsageError
from ..core.expr import HALF
from ..functions import ALIASES
from . import nodes
from .nodes import MatExpr

# The names whose meaning on a vector is not "on each entry".
_OF_THE_WHOLE: dict[str, Callable[[MatExpr], MatExpr]] = {
    "softmax": nodes.softmax, "logsumexp": nodes.logsumexp, "sqrt": lambda a: nodes.power(a, HALF),
}


def call_on_matrices(name: str, arguments: Sequence[object]) -> MatExpr:
    """The function `name` (a name of the registry, an alias or sqrt) applied to one matrix expression."""
    if len(arguments) != 1:
        raise UsageError(f"{name} of matrix expressions takes one argument, not {len(arguments)}")
    a = nodes.as_matrix_expr(arguments[0])
    whole = _OF_THE_WHOLE.get(name)
    return whole(a) if whole is not None else nodes.apply(ALIASES.get(name, name), a)
