"""SymPy code: Python source that builds the same expression in SymPy (`from sympy import *` assumed).
Exact numbers stay exact (Rational(3, 2)); undefined functions become Function('f'); their derivatives
Derivative(...) of a symbol argument, or Subs(Derivative(...)) at a compound argument."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Iterable, Sequence
from fractions import Fraction

from .. import functions
from ..core import budget
from ..core.build import is_number
from ..core.expr import Add, Const, Derivative, Expr, Float, Func, Mul, Num, Pow, Sym
from ..functions import FunctionRow
from .text import TextPrinter


class SymPyPrinter(TextPrinter):
    """Python's own arithmetic must never see a numbers-only subexpression (1/(2 + 3) would be 0.2): there,
    integers are written Integer(n) and decimals Float(...)."""

    power_operator = "**"

    def __init__(self, exact_numbers: bool = False):
        super().__init__()
        self.exact_numbers = exact_numbers
        self._exact = self if exact_numbers else None

    def __call__(self, node: Expr) -> str:
        if not self.exact_numbers and type(node) in (Add, Mul, Pow) and _numbers_only(node):
            return self.exact(node)
        return super().__call__(node)

    def exact(self, node: Expr) -> str:
        if self._exact is None:
            self._exact = SymPyPrinter(exact_numbers=True)
        return self._exact(node)

    def num(self, node: Num) -> str:
        value = node.value
        budget.check_printable(value)
        if isinstance(value, Fraction):
            return f"Rational({value.numerator}, {value.denominator})"
        return f"Integer({value})" if self.exact_numbers else str(value)

    def float(self, node: Float) -> str:
        return f"Float({node.value!r})" if self.exact_numbers else repr(node.value)

    def sym(self, node: Sym) -> str:
        return node.name if is_plain_name(node.name) else f"Symbol({node.name!r})"

    def const(self, node: Const) -> str:
        return "pi" if node.name == "pi" else "E"

    def func(self, node: Func) -> str:
        rule = functions.lookup(node.name, len(node.arguments))
        if rule is not None and rule.sympy_is_formula:
            return self.formula(rule, node.arguments)
        name = rule.sympy if rule else f"Function({node.name!r})"
        return self.func_call(name, node.arguments)

    def formula(self, rule: FunctionRow, arguments: Sequence[Expr]) -> str:
        """A function SymPy does not have, as its row's formula in the arguments (sigmoid(x) as
        (Integer(1)/(Integer(1) + exp(-x)))): the formula, in symdiff's syntax, read as Python (^ is **) and
        rewritten node by node: integers exact, u and v the arguments' code, calls SymPy's names. In parentheses,
        so that it is one operand wherever a call stands."""
        slots = {name: ast.parse(self.parens(self.exact(a) if is_number(a) else self(a)), mode="eval").body
                 for name, a in zip(functions.ARGUMENT_NAMES, arguments)}
        printer = self

        class Rewrite(ast.NodeTransformer):
            def visit_Constant(self, node: ast.Constant) -> ast.expr:
                return ast.Call(ast.Name("Integer", ast.Load()), [node], []) if type(node.value) is int else node

            def visit_Name(self, node: ast.Name) -> ast.expr:
                if node.id in slots:
                    return slots[node.id]
                return ast.Name(printer.const(Const(node.id)) if node.id in Const.NAMES else node.id, ast.Load())

            def visit_Call(self, node: ast.Call) -> ast.Call:
                node.args = [self.visit(a) for a in node.args]
                assert isinstance(node.func, ast.Name)  # a formula calls functions by name
                if node.func.id == "sqrt":  # u^(1/2), SymPy's sqrt too
                    return node
                row = functions.lookup(node.func.id, len(node.args))
                if row is None or row.sympy_is_formula:  # pragma: no cover - a row's formula calls named rows
                    raise ValueError(f"{rule.name}'s SymPy formula calls {node.func.id}, which SymPy lacks")
                node.func = ast.Name(row.sympy, ast.Load())
                return node

        tree = Rewrite().visit(ast.parse(rule.sympy.replace("^", "**"), mode="eval"))
        return self.parens(ast.unparse(ast.fix_missing_locations(tree)))

    def derivative(self, node: Derivative) -> str:
        # Differentiate f at fresh dummy symbols, then substitute the actual arguments.
        dummies = [f"Symbol('_xi{i + 1}')" for i in range(len(node.arguments))]
        variables = ", ".join(f"({d}, {n})" for d, n in zip(dummies, node.orders) if n)
        inner = f"Derivative(Function({node.name!r})({', '.join(dummies)}), {variables})"
        return f"Subs({inner}, ({', '.join(dummies)},), ({', '.join(map(self, node.arguments))},))"


def _numbers_only(node: Expr) -> bool:
    """True when every leaf is a Num or Float (no symbol, constant or function), iteratively."""
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) in (Add, Mul, Pow):
            stack.extend(n.args)
        elif not is_number(n):
            return False
    return True


# Names the generated code uses itself (SymPy's, as `from sympy import *` binds them, and the snippet's `expr`),
# and a few more of SymPy's that a reader would not expect to be a symbol: a symbol called so is written
# Symbol('name') where it occurs instead of being bound to a variable of its name, which would hide SymPy's
# (Integer = symbols('Integer') breaks every Integer(2) after it, Matrix = ... a gradient's Matrix([...])).
_RESERVED = frozenset({"Symbol", "symbols", "Integer", "Float", "Rational", "Function", "Derivative", "Subs",
                       "Matrix", "pi", "E", "I", "S", "N", "O", "Q", "sqrt", "expr"}
                      | {rule.sympy for rule in functions.REGISTRY.values() if not rule.sympy_is_formula})


def is_plain_name(name: str) -> bool:
    return name not in _RESERVED and not keyword.iskeyword(name) and not name.startswith("_")


_printer = SymPyPrinter()


def to_sympy_code(node: Expr, standalone: bool = False) -> str:
    """The expression as SymPy code; `standalone` adds the import and the symbols it needs, so that the
    snippet runs as it is and leaves the result in `expr`."""
    code = _printer.exact(node) if standalone and is_number(node) else _printer(node)
    return standalone_snippet(code, node.free_symbols) if standalone else code


def standalone_snippet(code: str, free_symbols: Iterable[str]) -> str:
    """`expr = code` after the import and the symbols' definitions."""
    names = sorted(n for n in free_symbols if is_plain_name(n))
    lines = ["from sympy import *"]
    if names:
        lines.append(f"{', '.join(names)} = symbols({' '.join(names)!r})")
    lines.append(f"expr = {code}")
    return "\n".join(lines)
