"""Matrix expressions as text that symdiff's matrix reader reads back.

The syntax (what the reader accepts, and all the printer writes):

- products `A*x` (`*` between scalars, vectors and matrices alike), quotients by a scalar `A*x/2`,
  `x/norm(x)`, `1/det(A)`; sums and differences `X*w - y`; a leading minus `-A*x`;
- transposes `x'` (postfix, binding tightest: `A*x'` is `A*(x')`, `(A*x)'` needs its parentheses);
- `inv(A)`, `tr(A)`, `det(A)`, `logdet(A)`, `norm(x)` (2-norm; Frobenius for a matrix), `sum(x)`, `diag(x)`
  (vector -> diagonal matrix, and square matrix -> vector of its diagonal), `vec(X)`, `softmax(x)`,
  `logsumexp(x)`, `kron(A, B)`;
- `exp.(x)` for a registry function on each entry (`f(s)` without the dot on a scalar s), `x .* y` for the
  entrywise product, `x.^2` for an entrywise power (`s^2` on a scalar s; exponents other than a whole number or
  a name in parentheses: `x.^(1/2)`, `s^(-1)`);
- `I(n)`, `ones(n)` and `ones(m, n)`, `zeros(n)` and `zeros(m, n)` for the constant matrices, `K(m, n)` for
  the commutation matrix; dimensions and scalar constants in symdiff's scalar syntax (`2`, `1/2`, `m*n`, `pi`).

Binding, loosest first, as the reader (symdiff.matrices.reading) has it: `+ -` < `* /` < `.*` < unary `-` <
`^ .^` < postfix `'`. A leading minus on a product (`-x'*w`, `-3*A*x/2`) reads as the negated first factor, the
same product. A product and an entrywise product are never mixed without parentheses, either way (`A*(x .* y)`,
`(A*x) .* y`), for the human reader; scalar factors that divide are written after `/` (`x/norm(x)`, `x/2`); a
scalar chain kept apart in a product is parenthesised before a row vector, where it would read as part of one
chain (`2*(x'*w)*z'`; both readings have the same value).

How it reads:

    >>> from symdiff.matrices import nodes as m
    >>> X, w, y = m.symbol("X", "m", "n"), m.symbol("w", "n"), m.symbol("y", "m")
    >>> print(m.sub(m.mul(X, w), y))
    X*w - y
    >>> print(m.mul(m.scalar(2), m.transpose(X), m.sub(m.mul(X, w), y)))
    2*X'*(X*w - y)
    >>> x = m.symbol("x", "n")
    >>> print(m.mul(m.power(m.norm(x), -1), x))
    x/norm(x)

The first positive term of a sum is written first (`ones(m) - sigmoid.(z)`), the rest keep the sum's canonical
order. The printer is fast (one pass, no builders): it is the simplifier's measure of size.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Sequence

from ..core.expr import ONE, Expr, Num, Sym
from ..printing.text import to_text as scalar_text
from . import nodes as m
from .nodes import MatExpr

# Binding strength, loosest first.
SUM, NEGATIVE, PRODUCT, HADAMARD, POWER, POSTFIX, ATOM = 1, 2, 3, 4, 5, 6, 7


def to_text(node: MatExpr) -> str:
    return _text(node)[0]


def _text(node: MatExpr) -> tuple[str, int]:
    return _PRINTERS[type(node)](node)


def _wrap(node: MatExpr, least: int) -> str:
    text, strength = _text(node)
    return f"({text})" if strength < least else text


def _dims(*dims: Expr) -> str:
    return ", ".join(scalar_text(d) for d in dims)


def _shape_arguments(rows: Expr, cols: Expr) -> str:
    return _dims(rows) if cols is ONE else _dims(rows, cols)


# ------------------------------------------------------------------------------------------------- scalars

def _number_strength(text: str) -> int:
    if text.startswith("-"):
        return NEGATIVE if " " not in text else SUM
    if " " in text:
        return SUM
    if "/" in text or "*" in text:
        return PRODUCT
    if "^" in text:
        return POWER
    return ATOM


def _scalar(node: m.Scalar) -> tuple[str, int]:
    text = scalar_text(node.value)
    return text, _number_strength(text)



# -------------------------------------------------------------------------------------------------- sums

def _signed(node: MatExpr) -> tuple[bool, str, int]:
    """A term as (negative, text of its magnitude, strength of that text): -2*A*x gives (True, "2*A*x", ...)."""
    if isinstance(node, m.MatMul):
        negative, magnitude = m.split_sign(node.coefficient)
        if negative:
            text, strength = _product(magnitude, node.scalars, node.chain)
            return True, text, strength
    elif isinstance(node, m.Scalar):
        negative, magnitude = m.split_sign(node.value)
        if negative:
            text = scalar_text(magnitude)
            return True, text, _number_strength(text)
    text, strength = _text(node)
    return False, text, strength


def _sum(node: m.Add) -> tuple[str, int]:
    signed = [_signed(t) for t in node.terms]
    first = next((i for i, s in enumerate(signed) if not s[0]), 0)
    order = [signed[first]] + signed[:first] + signed[first + 1:]
    parts: list[str] = []
    for i, (negative, text, strength) in enumerate(order):
        if negative:
            body = f"({text})" if strength < PRODUCT else text
            parts.append(("-" if i == 0 else " - ") + body)
        else:
            parts.append(("" if i == 0 else " + ") + (f"({text})" if strength <= SUM else text))
    return "".join(parts), SUM


# ---------------------------------------------------------------------------------------------- products

def _piece(node: MatExpr, following: MatExpr | None) -> str:
    """A factor of a product: sums, negatives and entrywise products in parentheses; a scalar chain (x'*y) too
    when what follows it starts with a row (a row vector or another scalar chain), which would seem to continue it."""
    text, strength = _text(node)
    if strength < PRODUCT or strength == HADAMARD:
        return f"({text})"
    if isinstance(node, m.MatMul) and following is not None and following.shape[0] is ONE \
            and (isinstance(following, m.MatMul) or not following.is_scalar):
        return f"({text})"
    return text


def _below(node: MatExpr) -> MatExpr | None:
    """For a scalar factor s^-k (k a positive number), s^k: what the product divides by."""
    if isinstance(node, m.Power) and isinstance(node.exponent, Num) and node.exponent.value < 0:
        e = -node.exponent.value
        return node.arg if e == 1 else m.Power(node.arg, Num(e))
    return None


def _product(coefficient: Expr, scalars: Sequence[MatExpr], chain: Sequence[MatExpr]) -> tuple[str, int]:
    negative, magnitude = m.split_sign(coefficient)
    above: list[str] = []
    below: list[str] = []
    if isinstance(magnitude, Num) and isinstance(magnitude.value, Fraction):
        if magnitude.value.numerator != 1:
            above.append(str(magnitude.value.numerator))
        below.append(str(magnitude.value.denominator))
    elif magnitude is not ONE:
        text = scalar_text(magnitude)
        above.append(f"({text})" if _number_strength(text) < PRODUCT else text)
    numerators: list[MatExpr] = []
    denominators: list[MatExpr] = []
    for s in scalars:
        under = _below(s)
        if under is None:
            numerators.append(s)
        else:
            denominators.append(under)
    numerators.extend(chain)
    for i, f in enumerate(numerators):
        above.append(_piece(f, numerators[i + 1] if i + 1 < len(numerators) else None))
    text = "*".join(above) or "1"
    if len(below) + len(denominators) == 1:
        if below:
            text += "/" + below[0]
        else:
            divisor, strength = _text(denominators[0])
            text += "/" + (divisor if strength >= POWER else f"({divisor})")
    elif below or denominators:
        text += "/(" + "*".join(below + [_piece(d, None) for d in denominators]) + ")"
    if negative:
        return "-" + text, NEGATIVE
    return text, PRODUCT


def _matmul(node: m.MatMul) -> tuple[str, int]:
    return _product(node.coefficient, node.scalars, node.chain)


# ------------------------------------------------------------------------------------------- the others

def _postfix(node: m.Transpose) -> tuple[str, int]:
    return _wrap(node.arg, POSTFIX) + "'", POSTFIX


def _call(name: str) -> Callable[[m._Unary], tuple[str, int]]:
    return lambda node: (f"{name}({to_text(node.arg)})", ATOM)


def _apply(node: m.Apply) -> tuple[str, int]:
    dot = "" if node.is_scalar else "."
    return f"{node.name}{dot}({to_text(node.arg)})", ATOM


def _exponent(e: Expr) -> str:
    text = scalar_text(e)
    if (isinstance(e, Num) and isinstance(e.value, int) and e.value >= 0) or isinstance(e, Sym):
        return text
    return f"({text})"


def _power(node: m.Power) -> tuple[str, int]:
    if node.is_scalar:
        under = _below(node)
        if under is not None:
            return "1/" + _wrap(under, POWER), PRODUCT
        return f"{_wrap(node.arg, POSTFIX)}^{_exponent(node.exponent)}", POWER
    return f"{_wrap(node.arg, POSTFIX)}.^{_exponent(node.exponent)}", POWER


def _hadamard(node: m.Hadamard) -> tuple[str, int]:
    return " .* ".join(_wrap(f, HADAMARD) for f in node.factors), HADAMARD


_PRINTERS: dict[type, Callable[..., tuple[str, int]]] = {
    m.Scalar: _scalar,
    m.Symbol: lambda node: (node.name, ATOM), m.Differential: lambda node: (node.name, ATOM),
    m.PendingDifferential: lambda node: (node.name, ATOM),
    m.Identity: lambda node: (f"I({_dims(node.size)})", ATOM),
    m.Zero: lambda node: (f"zeros({_shape_arguments(node.rows, node.cols)})", ATOM),
    m.Ones: lambda node: (f"ones({_shape_arguments(node.rows, node.cols)})", ATOM),
    m.Commutation: lambda node: (f"K({_dims(node.rows_of, node.cols_of)})", ATOM),
    m.Add: _sum, m.MatMul: _matmul, m.Transpose: _postfix, m.Hadamard: _hadamard,
    m.Inverse: _call("inv"), m.Trace: _call("tr"), m.Det: _call("det"), m.LogDet: _call("logdet"),
    m.Norm: _call("norm"), m.Sum: _call("sum"), m.LogSumExp: _call("logsumexp"), m.Softmax: _call("softmax"),
    m.Diag: _call("diag"), m.DiagPart: _call("diag"), m.Vec: _call("vec"),
    m.Kron: lambda node: (f"kron({to_text(node.left)}, {to_text(node.right)})", ATOM),
    m.Apply: _apply, m.Power: _power,
}
