"""LaTeX that reads like a textbook: \\frac for quotients, ^{...}, \\sin, \\ln, \\sqrt, and \\left( \\right) only
around tall content such as a fraction.

Functions LaTeX names with an operator command of its own (\\sin, \\ln, \\arctan, \\lg: the elementary
functions of ISO 80000-2) take a simple argument, a symbol, a constant or a whole number, without parentheses, as
ISO 80000-2 and the AMS guides write them: \\sin x, \\ln 2, \\sin^{2} x; any other argument keeps them,
\\sin(2 x), \\ln(x + 1), as do functions spelled with \\operatorname. A bare call is followed only by what ends
its argument for a reader (and for symdiff's LaTeX reader): the end of the term, or another function's command
(x \\ln x, \\sin x \\cos x); before anything else it keeps its parentheses (\\ln(x) (x + 1), not \\ln x (x + 1)).
Negative powers are fractions (\\frac{1}{x^{2}}) but of a number (2^{-x}, as e^{-x})."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from fractions import Fraction

from ..core import budget
from ..core.build import inv, is_denominator
from ..core.expr import HALF, Const, Derivative, Diff, Expr, Float, Func, Mul, Num, Pow, Sym
from ..functions import lookup
from .precedence import ATOM, POW, precedence, split_product
from .text import TextPrinter

GREEK = frozenset("""alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma
    tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega varepsilon
    vartheta varphi varrho varsigma""".split()) - {"omicron"}

_OPERATOR_COMMAND = re.compile(r"\\[a-z]+")  # \sin, \ln: not \operatorname{...}, not a template
_SUBSCRIPTED = re.compile(r"^([A-Za-z]+?)_?([0-9]+)$|^([A-Za-z0-9]+)_([A-Za-z0-9_]+)$")


def latex_symbol(name: str) -> str:
    """x -> x, alpha -> \\alpha, x1 and x_1 -> x_{1}, x_max -> x_{max}, rate -> \\mathit{rate}."""
    match = _SUBSCRIPTED.match(name)
    if match:
        base, sub = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        return f"{latex_symbol(base)}_{{{latex_symbol(sub) if not sub.isdigit() else sub}}}"
    if name in GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    return f"\\mathit{{{name.replace('_', chr(92) + '_')}}}"


class LatexPrinter(TextPrinter):
    """The text printer's dispatch, parentheses and sums, with LaTeX for everything else."""

    @staticmethod
    def parens(text: str) -> str:
        tall = "\\frac" in text or "\\sqrt" in text
        return f"\\left({text}\\right)" if tall else f"({text})"

    # -- leaves --
    def num(self, node: Num) -> str:
        value = node.value
        budget.check_printable(value)
        if isinstance(value, Fraction):
            sign = "-" if value < 0 else ""
            return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"
        return str(value)

    def float(self, node: Float) -> str:
        text = repr(node.value)
        if "e" in text:
            mantissa, exponent = text.split("e")
            return f"{mantissa} \\cdot 10^{{{int(exponent)}}}"
        return text

    def sym(self, node: Sym) -> str:
        return latex_symbol(node.name)

    def const(self, node: Const) -> str:
        return "\\pi" if node.name == "pi" else "e"

    # -- operators (sums are printed as in text) --
    def juxtapose(self, items: list[str]) -> str:
        """Factors side by side; a \\cdot where a digit would follow a digit (2 \\cdot 3^{x})."""
        text = ""
        for item in items:
            if text and item[0].isdigit():
                text += " \\cdot " + item
            else:
                text += (" " if text else "") + item
        return text

    def factors(self, factors: Sequence[Expr], alone_needs_parens: bool) -> str:
        """Factors side by side; a lone factor inside \\frac{}{} needs no parentheses."""
        if not factors:
            return "1"
        if len(factors) == 1 and not alone_needs_parens:
            return self(factors[0])
        items = [self.paren(f, POW) for f in factors]
        for i, (factor, after) in enumerate(pairwise(factors)):
            # a bare argument would take in what follows, unless that starts with a function's command
            if _bare_call(factor) is not None and not (_starts_with_command(after) or items[i + 1][0].isdigit()):
                items[i] = self.enclosed(factor)
        return self.juxtapose(items)

    def enclosed(self, node: Expr) -> str:
        """A call, or a power of one, with its argument in parentheses: for when something follows it."""
        call = node.base if type(node) is Pow else node
        assert type(call) is Func
        row = lookup(call.name, len(call.arguments))
        if row is None or row.latex_is_template:
            return self(node)
        if type(node) is Pow:
            return f"{row.latex}^{{{self(node.exp)}}}{self.arguments(call.arguments)}"
        return row.latex + self.arguments(call.arguments)

    def mul(self, node: Mul) -> str:
        p = split_product(node)
        numerator = self.factors(([p.coefficient] if p.coefficient is not None else []) + p.numerator,
                                 alone_needs_parens=not p.denominator)
        if p.denominator:
            denominator = self.factors(p.denominator, alone_needs_parens=False)
            text = f"\\frac{{{numerator}}}{{{denominator}}}"
        else:
            text = numerator
        return "-" + text if p.negative else text

    def pow(self, node: Pow) -> str:
        base, exponent = node.args
        if is_denominator(node):
            return f"\\frac{{1}}{{{self(inv(node))}}}"
        if exponent is HALF:
            return f"\\sqrt{{{self(base)}}}"
        if type(exponent) is Num and isinstance(exponent.value, Fraction) and exponent.value.numerator == 1:
            return f"\\sqrt[{exponent.value.denominator}]{{{self(base)}}}"
        row = lookup(base.name, len(base.arguments)) if type(base) is Func else None
        if row is not None and row.arity == 1 and not row.latex_is_template and type(exponent) is Num \
                and exponent.value > 0:
            # sin(x)^2 as \sin^{2} x, as textbooks write it
            return f"{row.latex}^{{{self(exponent)}}}{self.argument(base)}"
        superscripted = row is not None and row.latex_is_template and "^" in row.latex  # e^{x}, as (e^{x})^{2}
        base_text = self.parens(self(base)) if precedence(base) < ATOM or type(base) is Pow or superscripted \
            else self.enclosed(base) if type(base) is Func else self(base)
        return f"{base_text}^{{{self(exponent)}}}"

    def arguments(self, arguments: Sequence[Expr]) -> str:
        return self.parens(", ".join(map(self, arguments)))

    def func(self, node: Func) -> str:
        name, arguments = node.name, node.arguments
        row = lookup(name, len(arguments))
        if row is None:  # an undefined function f(x)
            return latex_symbol(name) + self.arguments(arguments)
        if row.latex_is_template:  # e^{x}, \left|x\right|, \log_{b}(x)
            return row.latex.format(*map(self, arguments), p0=self.arguments(arguments[:1]))
        return row.latex + self.argument(node)

    def argument(self, node: Func) -> str:
        """\\sin x for a simple argument of an operator command, else \\sin(2 x)."""
        bare = _bare_call(node)
        return " " + self(bare) if bare is not None else self.arguments(node.arguments)

    def derivative(self, node: Derivative) -> str:
        name, orders, arguments = latex_symbol(node.name), node.orders, node.arguments
        if len(arguments) == 1:
            n = orders[0]
            marks = "'" * n if n <= 3 else f"^{{({n})}}"
            return f"{name}{marks}{self.arguments(arguments)}"
        total = sum(orders)
        if all(type(a) is Sym for a in arguments) and len(set(arguments)) == len(arguments):
            below = " ".join(f"\\partial {self(a)}" + (f"^{{{k}}}" if k > 1 else "")
                             for a, k in zip(arguments, orders) if k)
            top = "\\partial" + (f"^{{{total}}}" if total > 1 else "")
            return f"\\frac{{{top} {name}}}{{{below}}}{self.arguments(arguments)}"
        slots = "".join(f"\\partial_{{{i + 1}}}" + (f"^{{{k}}}" if k > 1 else "")
                        for i, k in enumerate(orders) if k)
        return f"{slots} {name}{self.arguments(arguments)}"

    def pending_derivative(self, node: Diff) -> str:
        return f"\\frac{{d}}{{d{latex_symbol(node.variable)}}}\\left[{self(node.expr)}\\right]"


def _bare_call(node: Expr) -> Expr | None:
    """The argument of a call (or of a power of one written \\sin^{2} x) printed without parentheses, if any."""
    if type(node) is Pow:
        exponent = node.exp.value if type(node.exp) is Num else 0
        if exponent <= 0 or isinstance(exponent, Fraction) and exponent.numerator == 1:
            return None  # not \sin^{2} x: a root, a fraction or a power with parentheses
        node = node.base
    if type(node) is not Func or len(node.arguments) != 1:
        return None
    row = lookup(node.name, 1)
    argument = node.arguments[0]
    simple = type(argument) in (Sym, Const) or type(argument) is Num and type(argument.value) is int \
        and argument.value >= 0
    return argument if simple and row is not None and _OPERATOR_COMMAND.fullmatch(row.latex) else None


def _starts_with_command(node: Expr) -> bool:
    """Whether `node` is printed starting with a function's command (\\sin, \\operatorname{erf}), which ends the
    argument before it."""
    if type(node) is Pow:
        if type(node.exp) is Num and isinstance(node.exp.value, Fraction) and node.exp.value.numerator == 1:
            return False  # a root: \sqrt{...}, which an argument would take in
        node = node.base
    if type(node) is not Func:
        return False
    row = lookup(node.name, len(node.arguments))
    return row is not None and not row.latex_is_template


_printer = LatexPrinter()


def latex(node: Expr) -> str:
    return _printer(node)
