"""Matrix expressions in LaTeX, in the notation of the textbooks (Magnus and Neudecker, the Matrix Cookbook,
d2l.ai): `x^\\top`, `A^{-1}`, `A^{-\\top}`, `\\operatorname{tr}(A)`, `\\lVert x \\rVert`, `\\odot`, `\\otimes`.

    >>> from symdiff.matrices import nodes as m
    >>> A, x = m.symbol("A", "n", "n"), m.symbol("x", "n")
    >>> to_latex(m.add(m.mul(m.transpose(A), x), m.mul(A, x)))
    'A^\\\\top x + A x'
    >>> to_latex(m.power(m.norm(x), 2))
    '\\\\lVert x \\\\rVert^{2}'
    >>> to_latex(m.mul(m.power(m.norm(x), -1), x))
    '\\\\frac{x}{\\\\lVert x \\\\rVert}'

Choices: products are juxtaposed (`X^\\top X w`), with `\\cdot` only between two numbers; a number coefficient that
is a fraction stands in front (`\\frac{1}{2} x^\\top A x`), scalar divisors make a fraction of the whole
(`\\frac{x}{\\lVert x \\rVert}`); a scalar chain among other factors keeps its parentheses (`(x^\\top y) z`).
The norm of a matrix is marked Frobenius (`\\lVert X \\rVert_F`), of a vector not. Entrywise powers are
`x^{\\circ 2}` (ordinary powers on scalars), entrywise functions take their registry row's LaTeX applied to the
whole argument (`\\tanh(A x)`, `e^{X w}`). The sum of the entries is `\\mathbf{1}^\\top x` (`\\mathbf{1}^\\top X
\\mathbf{1}` for a matrix). Identities and ones carry their size (`I_{n}`, `\\mathbf{1}_{n}`), as they stand
alone in gradients (`\\nabla_X \\operatorname{tr}(X) = I_{n}`); differentials are `\\mathrm{d}X`.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Callable, Sequence

from ..core.expr import HALF, ONE, Expr, Num
from ..functions import lookup
from ..printing.latex import latex as scalar_latex
from ..printing.latex import latex_symbol
from . import nodes as m
from .nodes import MatExpr

# Binding strength, loosest first. SUPERSCRIPTED: ends in a superscript (x^\top, e^{x}), which may not take another
# one without parentheses; products and the entrywise and Kronecker products are never mixed without them.
SUM, NEGATIVE, KRONECKER, HADAMARD, PRODUCT, SUPERSCRIPTED, ATOM = 1, 2, 3, 4, 5, 6, 7


def to_latex(node: MatExpr) -> str:
    return _latex(node)[0]


def _latex(node: MatExpr) -> tuple[str, int]:
    return _PRINTERS[type(node)](node)


def _parens(text: str) -> str:
    tall = "\\frac" in text or "\\sqrt" in text or "\\sum" in text
    return f"\\left({text}\\right)" if tall else f"({text})"


def _wrap(node: MatExpr, least: int) -> str:
    text, strength = _latex(node)
    return _parens(text) if strength < least else text


def _dim(d: Expr) -> str:
    return scalar_latex(d)


def _size(rows: Expr, cols: Expr) -> str:
    return _dim(rows) if cols is ONE else f"{_dim(rows)} \\times {_dim(cols)}"


def _juxtapose(items: Sequence[str]) -> str:
    text = ""
    for item in items:
        if text and (item[0].isdigit() or item[0] == "-"):
            text += " \\cdot " + item
        else:
            text += (" " if text else "") + item
    return text


# ------------------------------------------------------------------------------------------------- leaves

def _scalar(node: m.Scalar) -> tuple[str, int]:
    text = scalar_latex(node.value)
    if text.startswith("-"):
        return text, NEGATIVE
    if " + " in text or " - " in text:
        return text, SUM
    return text, (ATOM if text.replace(".", "").isdigit() or text.startswith("\\frac") else PRODUCT)


def _symbol(node: m.Symbol) -> tuple[str, int]:
    return latex_symbol(node.name), ATOM


def _differential(node: m.Differential) -> tuple[str, int]:
    name = node.of.name if node.of is not None else node.name[1:]
    return f"\\mathrm{{d}}{latex_symbol(name)}", ATOM


def _pending(node: m.PendingDifferential) -> tuple[str, int]:
    """d(u) in a derivation's intermediate line: \\mathrm{d}X, or \\mathrm{d}(u) around a compound u."""
    u = node.of_expression
    assert u is not None
    inner, strength = _latex(u)
    return (f"\\mathrm{{d}}{inner}" if strength == ATOM else f"\\mathrm{{d}}\\left({inner}\\right)"), ATOM


def _ones(node: m.Ones) -> tuple[str, int]:
    return f"\\mathbf{{1}}_{{{_size(node.rows, node.cols)}}}", ATOM


def _zeros(node: m.Zero) -> tuple[str, int]:
    return f"\\mathbf{{0}}_{{{_size(node.rows, node.cols)}}}", ATOM


# --------------------------------------------------------------------------------------------------- sums


def _signed(node: MatExpr) -> tuple[bool, str, int]:
    if isinstance(node, m.MatMul):
        negative, magnitude = m.split_sign(node.coefficient)
        if negative:
            text, strength = _product(magnitude, node.scalars, node.chain)
            return True, text, strength
    elif isinstance(node, m.Scalar):
        negative, magnitude = m.split_sign(node.value)
        if negative:
            text, strength = _scalar(m.Scalar(magnitude))
            return True, text, strength
    text, strength = _latex(node)
    return False, text, strength


def _sum(node: m.Add) -> tuple[str, int]:
    signed = [_signed(t) for t in node.terms]
    first = next((i for i, s in enumerate(signed) if not s[0]), 0)
    order = [signed[first]] + signed[:first] + signed[first + 1:]
    parts: list[str] = []
    for i, (negative, text, strength) in enumerate(order):
        if negative:
            parts.append(("-" if i == 0 else " - ") + (_parens(text) if strength <= NEGATIVE else text))
        else:
            parts.append(("" if i == 0 else " + ") + (_parens(text) if strength <= SUM else text))
    return "".join(parts), SUM


# ----------------------------------------------------------------------------------------------- products

def _below(node: MatExpr) -> MatExpr | None:
    if isinstance(node, m.Power) and isinstance(node.exponent, Num) and node.exponent.value < 0:
        e = -node.exponent.value
        return node.arg if e == 1 else m.Power(node.arg, Num(e))
    return None


def _factor(node: MatExpr, alone: bool) -> str:
    """A factor of a product: sums, negatives, entrywise and Kronecker products in parentheses, and a scalar
    chain (x^\\top y) among other factors, where it would read as part of their chain."""
    text, strength = _latex(node)
    if strength < PRODUCT or (isinstance(node, (m.MatMul, m.Sum)) and not alone):
        return _parens(text)
    return text


def _factors(nodes: Sequence[MatExpr]) -> list[str]:
    return [_factor(f, len(nodes) == 1) for f in nodes]


def _product(coefficient: Expr, scalars: Sequence[MatExpr], chain: Sequence[MatExpr]) -> tuple[str, int]:
    negative, magnitude = m.split_sign(coefficient)
    numerators = [s for s in scalars if _below(s) is None]
    denominators = [d for d in (_below(s) for s in scalars) if d is not None]
    body = numerators + list(chain)
    top, bottom = "", ""
    if isinstance(magnitude, Num) and isinstance(magnitude.value, Fraction):
        top, bottom = str(magnitude.value.numerator), str(magnitude.value.denominator)
    elif magnitude is not ONE:
        text, strength = _scalar(m.Scalar(magnitude))
        top = _parens(text) if strength < PRODUCT else text
    if denominators:
        above = _juxtapose(([top] if top and top != "1" else []) + _factors(body)) or "1"
        under = _juxtapose(([bottom] if bottom else []) + [_factor(d, len(denominators) == 1 and not bottom)
                                                          for d in denominators])
        text = f"\\frac{{{above}}}{{{under}}}"
    elif bottom:
        text = _juxtapose([f"\\frac{{{top}}}{{{bottom}}}"] + _factors(body))
    else:
        text = _juxtapose(([top] if top else []) + _factors(body))
    if negative:
        return "-" + text, NEGATIVE
    return text, PRODUCT


def _matmul(node: m.MatMul) -> tuple[str, int]:
    return _product(node.coefficient, node.scalars, node.chain)


def _hadamard(node: m.Hadamard) -> tuple[str, int]:
    return " \\odot ".join(_wrap(f, SUPERSCRIPTED) if isinstance(f, (m.MatMul, m.Kron)) else _wrap(f, HADAMARD)
                           for f in node.factors), HADAMARD


def _kron(node: m.Kron) -> tuple[str, int]:
    left = _wrap(node.left, PRODUCT) if not isinstance(node.left, (m.MatMul, m.Hadamard)) \
        else _wrap(node.left, SUPERSCRIPTED)
    right = _wrap(node.right, SUPERSCRIPTED) if isinstance(node.right, (m.MatMul, m.Hadamard, m.Kron)) \
        else _wrap(node.right, PRODUCT)
    return f"{left} \\otimes {right}", KRONECKER


# ------------------------------------------------------------------------------------ superscripts, calls

def _base(node: MatExpr) -> str:
    """A base that takes a superscript: in parentheses unless an atom (not one ending in a superscript)."""
    return _wrap(node, ATOM)


def _transpose(node: m.Transpose) -> tuple[str, int]:
    if isinstance(node.arg, m.Inverse):
        return f"{_base(node.arg.arg)}^{{-\\top}}", SUPERSCRIPTED
    return f"{_base(node.arg)}^\\top", SUPERSCRIPTED


def _inverse(node: m.Inverse) -> tuple[str, int]:
    return f"{_base(node.arg)}^{{-1}}", SUPERSCRIPTED


def _power(node: m.Power) -> tuple[str, int]:
    e = node.exponent
    if not node.is_scalar:
        return f"{_base(node.arg)}^{{\\circ {scalar_latex(e)}}}", SUPERSCRIPTED
    under = _below(node)
    if under is not None:
        return f"\\frac{{1}}{{{to_latex(under)}}}", PRODUCT
    if e is HALF:
        return f"\\sqrt{{{to_latex(node.arg)}}}", ATOM
    if isinstance(node.arg, m.Norm):  # \lVert x \rVert^{2}: the norm's delimiters take the exponent
        return f"{to_latex(node.arg)}^{{{scalar_latex(e)}}}", SUPERSCRIPTED
    return f"{_base(node.arg)}^{{{scalar_latex(e)}}}", SUPERSCRIPTED


def _call(command: str) -> Callable[[m._Unary], tuple[str, int]]:
    return lambda node: (f"{command}{_parens(to_latex(node.arg))}", ATOM)


def _norm(node: m.Norm) -> tuple[str, int]:
    frobenius = "_F" if node.arg.shape[0] is not ONE and node.arg.shape[1] is not ONE else ""
    return f"\\lVert {to_latex(node.arg)} \\rVert{frobenius}", ATOM


def _sum_of(node: m.Sum) -> tuple[str, int]:
    inside = _wrap(node.arg, PRODUCT)
    if node.arg.shape[1] is ONE:
        return f"\\mathbf{{1}}^\\top {inside}", PRODUCT
    return f"\\mathbf{{1}}^\\top {inside} \\mathbf{{1}}", PRODUCT


def _apply(node: m.Apply) -> tuple[str, int]:
    row = lookup(node.name, 1)
    assert row is not None  # the builder took the name from the registry
    argument = to_latex(node.arg)
    if row.latex_is_template:
        text = row.latex.format(argument, p0=_parens(argument))
        return text, SUPERSCRIPTED if "^" in row.latex else ATOM
    return f"{row.latex}{_parens(argument)}", ATOM


_PRINTERS: dict[type, Callable[..., tuple[str, int]]] = {
    m.Scalar: _scalar, m.Symbol: _symbol, m.Differential: _differential, m.PendingDifferential: _pending,
    m.Identity: lambda node: (f"I_{{{_dim(node.size)}}}", ATOM),
    m.Zero: _zeros, m.Ones: _ones,
    m.Commutation: lambda node: (f"K_{{{_dim(node.rows_of)},{_dim(node.cols_of)}}}", ATOM),
    m.Add: _sum, m.MatMul: _matmul, m.Hadamard: _hadamard, m.Kron: _kron,
    m.Transpose: _transpose, m.Inverse: _inverse, m.Power: _power,
    m.Trace: _call("\\operatorname{tr}"), m.Det: _call("\\det"), m.LogDet: _call("\\log\\det"),
    m.Norm: _norm, m.Sum: _sum_of,
    m.LogSumExp: _call("\\operatorname{logsumexp}"), m.Softmax: _call("\\operatorname{softmax}"),
    m.Diag: _call("\\operatorname{diag}"), m.DiagPart: _call("\\operatorname{diag}"),
    m.Vec: _call("\\operatorname{vec}"), m.Apply: _apply,
}
