"""Matrix expressions as text that symdiff's matrix reader reads back.

`A*x` products, `x'` transposes, `inv(A)`, `tr(A)`, `det(A)`, `logdet(A)`, `norm(x)`, `sum(x)`, `diag(x)`,
`exp.(x)` for a function on each entry, `x .* y` entrywise products, `x.^2` entrywise powers, `I(n)`,
`ones(n)` and `zeros(m, n)` for the constant matrices, `kron(A, B)`, `vec(X)` and `K(m, n)`.
"""

from __future__ import annotations

from typing import Callable

from ..core.expr import ONE, Expr, Num
from ..printing.text import to_text as scalar_text
from . import nodes as m
from .nodes import MatExpr

# Binding strength: sums < products < entrywise products < unary minus < powers < postfix ' < atoms
SUM, PRODUCT, HADAMARD, POWER, POSTFIX, ATOM = 1, 2, 3, 5, 6, 7


def to_text(node: MatExpr) -> str:
    return _text(node)[0]


def _wrap(node: MatExpr, least: int) -> str:
    text, strength = _text(node)
    return f"({text})" if strength < least else text


def _dims(*dims: Expr) -> str:
    return ", ".join(scalar_text(d) for d in dims)


def _scalar_value(value: Expr) -> tuple[str, int]:
    text = scalar_text(value)
    if isinstance(value, Num) and not text.startswith("-") and "/" not in text:
        return text, ATOM
    return text, SUM if (" " in text or text.startswith("-")) else PRODUCT


def _sum(node: m.Add) -> tuple[str, int]:
    parts: list[str] = []
    for i, t in enumerate(node.terms):
        c, rest = m.split_coefficient(t)
        negative = isinstance(c, Num) and c.value < 0
        if negative:
            body = _wrap(m.mul(m.Scalar(Num(-c.value)), rest) if c != Num(-1) else rest, PRODUCT)
            parts.append(("-" if i == 0 else " - ") + body)
        else:
            parts.append(("" if i == 0 else " + ") + _wrap(t, SUM + 1 if i else SUM))
    return "".join(parts), SUM


def _product(node: m.MatMul) -> tuple[str, int]:
    pieces: list[str] = []
    c = node.coefficient
    negative = isinstance(c, Num) and c.value < 0
    magnitude = Num(-c.value) if negative and isinstance(c, Num) else c
    if magnitude is not ONE:
        text, strength = _scalar_value(magnitude)
        pieces.append(f"({text})" if strength < PRODUCT else text)
    pieces.extend(_wrap(f, PRODUCT + 1 if isinstance(f, m.MatMul) else PRODUCT) for f in node.scalars)
    pieces.extend(_wrap(f, PRODUCT + 1 if isinstance(f, m.MatMul) else PRODUCT) for f in node.chain)
    text = "*".join(pieces)
    return ("-" + text, SUM) if negative else (text, PRODUCT)


def _postfix(node: m.Transpose) -> tuple[str, int]:
    return _wrap(node.arg, POSTFIX) + "'", POSTFIX


def _call(name: str) -> Callable[[m._Unary], tuple[str, int]]:
    return lambda node: (f"{name}({to_text(node.arg)})", ATOM)


def _apply(node: m.Apply) -> tuple[str, int]:
    dot = "" if node.is_scalar else "."
    return f"{node.name}{dot}({to_text(node.arg)})", ATOM


def _power(node: m.Power) -> tuple[str, int]:
    operator = "^" if node.is_scalar else ".^"
    exponent = scalar_text(node.exponent)
    if not (isinstance(node.exponent, Num) and node.exponent.value >= 0 and "/" not in exponent):
        exponent = f"({exponent})"
    return f"{_wrap(node.arg, POSTFIX)}{operator}{exponent}", POWER


def _hadamard(node: m.Hadamard) -> tuple[str, int]:
    return " .* ".join(_wrap(f, HADAMARD + 1) for f in node.factors), HADAMARD


_PRINTERS: dict[type, Callable[..., tuple[str, int]]] = {
    m.Scalar: lambda node: _scalar_value(node.value),
    m.Symbol: lambda node: (node.name, ATOM), m.Differential: lambda node: (node.name, ATOM),
    m.Identity: lambda node: (f"I({_dims(node.size)})", ATOM),
    m.Zero: lambda node: (f"zeros({_dims(node.rows, node.cols) if node.cols is not ONE else _dims(node.rows)})",
                          ATOM),
    m.Ones: lambda node: (f"ones({_dims(node.rows, node.cols) if node.cols is not ONE else _dims(node.rows)})",
                          ATOM),
    m.Commutation: lambda node: (f"K({_dims(node.rows_of, node.cols_of)})", ATOM),
    m.Add: _sum, m.MatMul: _product, m.Transpose: _postfix, m.Hadamard: _hadamard,
    m.Inverse: _call("inv"), m.Trace: _call("tr"), m.Det: _call("det"), m.LogDet: _call("logdet"),
    m.Norm: _call("norm"), m.Sum: _call("sum"), m.LogSumExp: _call("logsumexp"), m.Softmax: _call("softmax"),
    m.Diag: _call("diag"), m.DiagPart: _call("diag"), m.Vec: _call("vec"),
    m.Kron: lambda node: (f"kron({to_text(node.left)}, {to_text(node.right)})", ATOM),
    m.Apply: _apply, m.Power: _power,
}


def _text(node: MatExpr) -> tuple[str, int]:
    return _PRINTERS[type(node)](node)
