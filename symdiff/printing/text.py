"""Plain text that parses back to the same tree: parse(to_text(e)) == e for every parsed or simplified e.

Operators are `+ - * / ^`; a product is written numerator/denominator (`3*x/(2*y)`), a power 1/2 as sqrt.
SymPyPrinter (sympy_code.py) overrides the few methods where SymPy's Python syntax differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..core import budget
from ..core.build import has_negative_sign, inv, is_denominator, neg
from ..core.expr import HALF, Add, Const, Derivative, Diff, Expr, Float, Func, Mul, Num, Pow, Sym
from .precedence import ADD, ATOM, MUL, POW, precedence, split_product


class TextPrinter:
    power_operator = "^"

    def __init__(self) -> None:
        self._methods: dict[type[Expr], Callable[[Any], str]] = {
            Num: self.num, Float: self.float, Sym: self.sym, Const: self.const, Add: self.add, Mul: self.mul,
            Pow: self.pow, Func: self.func, Derivative: self.derivative, Diff: self.pending_derivative}

    def __call__(self, node: Expr) -> str:
        return self._methods[type(node)](node)

    @staticmethod
    def parens(text: str) -> str:
        return f"({text})"

    def paren(self, node: Expr, at_least: int) -> str:
        """`node` printed, in parentheses when it binds more loosely than `at_least`."""
        text = self(node)
        return self.parens(text) if precedence(node) < at_least else text

    # -- leaves --
    def num(self, node: Num) -> str:
        budget.check_printable(node.value)
        return str(node.value)  # int, or Fraction as p/q

    def float(self, node: Float) -> str:
        return repr(node.value)

    def sym(self, node: Sym) -> str:
        return node.name

    def const(self, node: Const) -> str:
        return node.name

    # -- operators --
    def add(self, node: Add) -> str:
        parts = []
        for i, term in enumerate(node.args):
            if has_negative_sign(term):
                parts.append(("-" if i == 0 else " - ") + self.paren(neg(term), MUL))
            else:
                parts.append(("" if i == 0 else " + ") + self.paren(term, ADD + 1))
        return "".join(parts)

    times = "*"

    def mul(self, node: Mul) -> str:
        p = split_product(node)
        items = ([self(p.coefficient)] if p.coefficient is not None else [])
        items += [self.paren(f, POW) for f in p.numerator]
        text = self.times.join(items) if items else "1"
        if p.denominator:
            if len(p.denominator) == 1:
                text += "/" + self.paren(p.denominator[0], POW)
            else:
                text += "/(" + self.times.join(self.paren(f, POW) for f in p.denominator) + ")"
        return "-" + text if p.negative else text

    def pow(self, node: Pow) -> str:
        base, exponent = node.args
        if exponent is HALF:
            return self.func_call("sqrt", [base])
        if is_denominator(node):  # 1/x^2
            return "1/" + self.paren(inv(node), POW)
        return f"{self.paren(base, ATOM)}{self.power_operator}{self.paren(exponent, ATOM)}"  # 2^(x^2), not 2^x^2

    def func(self, node: Func) -> str:
        return self.func_call(node.name, node.arguments)

    def func_call(self, name: str, arguments: Iterable[Expr]) -> str:
        return f"{name}({', '.join(map(self, arguments))})"

    def derivative(self, node: Derivative) -> str:
        if len(node.arguments) == 1:
            return f"{node.name}{chr(39) * node.orders[0]}({self(node.arguments[0])})"
        orders = ",".join(map(str, node.orders))
        return f"D[{orders}]({node.name})({', '.join(map(self, node.arguments))})"

    def pending_derivative(self, node: Diff) -> str:
        return f"d/d{node.variable} [{self(node.expr)}]"


class MemoisedTextPrinter(TextPrinter):
    """Prints each node once: for measuring many expressions that share parts (the simplifier's cost)."""

    def __init__(self) -> None:
        super().__init__()
        self.memo: dict[Expr, str] = {}

    def __call__(self, node: Expr) -> str:
        found = self.memo.get(node)
        if found is None:
            found = self.memo[node] = super().__call__(node)
        return found


_printer = TextPrinter()


def to_text(node: Expr) -> str:
    return _printer(node)
