"""SymPy code: Python source that builds the same expression in SymPy (`from sympy import *` assumed).
Exact numbers stay exact (Rational(3, 2)); undefined functions become Function('f'); their derivatives
Derivative(...) of a symbol argument, or Subs(Derivative(...)) at a compound argument."""

from __future__ import annotations

import keyword
from fractions import Fraction

from .. import functions
from ..build import is_denominator, is_number
from ..expr import Const, Derivative, Expr, Func, Num, Pow, Sym
from .precedence import POW
from .text import TextPrinter


class SymPyPrinter(TextPrinter):
    power_operator = "**"

    def num(self, node: Num) -> str:
        value = node.value
        if isinstance(value, Fraction):
            return f"Rational({value.numerator}, {value.denominator})"
        return str(value)

    def sym(self, node: Sym) -> str:
        return node.name if is_plain_name(node.name) else f"Symbol({node.name!r})"

    def pow(self, node: Pow) -> str:
        if is_number(node.base) and not is_denominator(node):
            # 2**(-1) in Python is the float 0.5: make the base a SymPy number
            return f"S({self(node.base)}){self.power_operator}{self.paren(node.exp, POW)}"
        return super().pow(node)

    def const(self, node: Const) -> str:
        return "pi" if node.name == "pi" else "E"

    def func(self, node: Func) -> str:
        rule = functions.lookup(node.name, len(node.arguments))
        name = rule.sympy if rule else f"Function({node.name!r})"
        return self.func_call(name, node.arguments)

    def derivative(self, node: Derivative) -> str:
        # Differentiate f at fresh dummy symbols, then substitute the actual arguments.
        dummies = [f"Symbol('_xi{i + 1}')" for i in range(len(node.arguments))]
        variables = ", ".join(f"({d}, {n})" for d, n in zip(dummies, node.orders) if n)
        inner = f"Derivative(Function({node.name!r})({', '.join(dummies)}), {variables})"
        return f"Subs({inner}, ({', '.join(dummies)},), ({', '.join(map(self, node.arguments))},))"


# Names the generated code uses itself: a symbol called so is written Symbol('name') instead.
_RESERVED = frozenset({"Symbol", "symbols", "Rational", "Function", "Derivative", "Subs", "pi", "E", "I", "S",
                       "N", "O", "Q", "sqrt", "expr"} | {rule.sympy for rule in functions.RULES.values()})


def is_plain_name(name: str) -> bool:
    return name not in _RESERVED and not keyword.iskeyword(name) and not name.startswith("_")


_printer = SymPyPrinter()


def to_sympy_code(node: Expr, standalone: bool = False) -> str:
    """The expression as SymPy code; `standalone` adds the import and the symbols it needs, so that the
    snippet runs as it is and leaves the result in `expr`."""
    code = _printer(node)
    if not standalone:
        return code
    names = sorted(n for n in node.free_symbols if is_plain_name(n))
    lines = ["from sympy import *"]
    if names:
        lines.append(f"{', '.join(names)} = symbols({' '.join(names)!r})")
    lines.append(f"expr = {code}")
    return "\n".join(lines)
