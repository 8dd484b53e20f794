"""Values of matrix expressions on NumPy arrays: what the checks and the tests compare.

`evaluate(node, values, sizes)` takes each symbol's array (vectors as 1-D or column arrays) and the sizes of the
symbolic dimensions, and returns a 2-D float array of the node's shape (a scalar as 1 x 1). Entrywise functions
use the registry rows' NumPy code.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from ..core.errors import UsageError
from ..core.expr import Expr
from ..functions import lookup
from ..numeric.values import numeric_value
from . import nodes as m
from .nodes import MatExpr


def dimension(d: Expr, sizes: Mapping[str, int]) -> int:
    return int(round(_number(d, sizes)))


def evaluate(node: MatExpr, values: Mapping[str, Any], sizes: Mapping[str, int] | None = None) -> Any:
    """The node's value as a 2-D NumPy array."""
    import numpy as np  # heavy: only the numeric checks need it
    sizes = dict(sizes or {})
    arrays = {name: np.asarray(v, dtype=float) for name, v in values.items()}
    memo: dict[MatExpr, Any] = {}

    def shape(n: MatExpr) -> tuple[int, int]:
        return (dimension(n.shape[0], sizes), dimension(n.shape[1], sizes))

    def walk(n: MatExpr) -> Any:
        found = memo.get(n)
        if found is not None:
            return found
        result = _RULES[type(n)](n, [walk(c) for c in n.children], np, arrays, sizes, shape)
        result = np.asarray(result, dtype=float).reshape(shape(n))
        memo[n] = result
        return result

    return walk(node)


def _symbol(n: m.Symbol, c: list[Any], np: Any, arrays: Mapping[str, Any], sizes: Any, shape: Any) -> Any:
    if n.name not in arrays:
        raise UsageError(f"no value given for {n.name}")
    return arrays[n.name].reshape(shape(n))


def _apply(n: m.Apply, c: list[Any], np: Any, *rest: Any) -> Any:
    row = lookup(n.name, 1)
    assert row is not None
    return np.vectorize(row.real, otypes=[float])(c[0])


def _softmax(n: m.Softmax, c: list[Any], np: Any, *rest: Any) -> Any:
    e = np.exp(c[0] - c[0].max())
    return e / e.sum()


def _logsumexp(n: m.LogSumExp, c: list[Any], np: Any, *rest: Any) -> Any:
    top = c[0].max()
    return top + np.log(np.exp(c[0] - top).sum())


def _product(n: m.MatMul, c: list[Any], np: Any, *rest: Any) -> Any:
    value = _number(n.coefficient, rest[1])
    k = len(n.scalars)
    for s in c[:k]:
        value = value * s.item()
    chain = c[k:]
    if not chain:
        return value
    result = chain[0]
    for f in chain[1:]:
        result = result @ f
    return value * result


def _number(value: Expr, sizes: Mapping[str, int]) -> float:
    found = numeric_value(value, {name: float(v) for name, v in sizes.items()})
    return float(found.real if isinstance(found, complex) else found)


def _commutation(n: m.Commutation, c: list[Any], np: Any, arrays: Any, sizes: Any, shape: Any) -> Any:
    rows, cols = dimension(n.rows_of, sizes), dimension(n.cols_of, sizes)
    k = np.zeros((rows * cols, rows * cols))
    for i in range(rows):
        for j in range(cols):
            k[i * cols + j, j * rows + i] = 1.0  # vec(A')[i*n + j] = A[i, j] = vec(A)[j*m + i]
    return k


_RULES: dict[type, Callable[..., Any]] = {
    m.Symbol: _symbol, m.Differential: _symbol,
    m.Scalar: lambda n, c, np, a, sizes, shape: _number(n.value, sizes),
    m.Identity: lambda n, c, np, a, sizes, shape: np.eye(shape(n)[0]),
    m.Zero: lambda n, c, np, a, sizes, shape: np.zeros(shape(n)),
    m.Ones: lambda n, c, np, a, sizes, shape: np.ones(shape(n)),
    m.Commutation: _commutation,
    m.Add: lambda n, c, np, *r: sum(c[1:], c[0]),
    m.MatMul: _product,
    m.Hadamard: lambda n, c, np, *r: np.prod(np.stack(c), axis=0),
    m.Transpose: lambda n, c, np, *r: c[0].T,
    m.Inverse: lambda n, c, np, *r: np.linalg.inv(c[0]),
    m.Trace: lambda n, c, np, *r: np.trace(c[0]),
    m.Det: lambda n, c, np, *r: np.linalg.det(c[0]),
    m.LogDet: lambda n, c, np, *r: np.linalg.slogdet(c[0])[1],
    m.Norm: lambda n, c, np, *r: np.linalg.norm(c[0]),
    m.Sum: lambda n, c, np, *r: c[0].sum(),
    m.LogSumExp: _logsumexp, m.Softmax: _softmax,
    m.Diag: lambda n, c, np, *r: np.diag(c[0].ravel()),
    m.DiagPart: lambda n, c, np, *r: np.diag(c[0]),
    m.Vec: lambda n, c, np, *r: c[0].reshape(-1, order="F"),
    m.Kron: lambda n, c, np, *r: np.kron(c[0], c[1]),
    m.Apply: _apply,
    m.Power: lambda n, c, np, a, sizes, shape: c[0] ** _number(n.exponent, sizes),
}
