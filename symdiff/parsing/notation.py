"""Every notation the text reader accepts, with an example and how it is read: the table of docs/reference/notation.md
(generated from NOTATION by docs/hooks.py) and of tests/test_notation.py, which checks each example reads as said.

A row: the topic, what one types, what it is read as (in plain syntax: explicit `*`, parentheses and calls, which
reads the same in every version of the grammar), whether the reading comes with a note, and a short comment.
A row whose reading is None is refused, and its comment is what the message tells the user to write instead.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["NotationRow", "NOTATION"]


class NotationRow(NamedTuple):
    topic: str
    typed: str
    reading: str | None  # None: refused
    noted: bool          # read with a note (a warning) saying how
    comment: str


_ = NotationRow
NOTATION = (
    # ---- numbers, names, operators
    _("numbers", "3/2", "3/2", False, "exact rational"),
    _("numbers", "0.5", "0.5", False, "a decimal (float)"),
    _("numbers", "1.5e-3", "0.0015", False, "scientific notation"),
    _("names", "x_1 + alpha", "x_1 + alpha", False, "letters, digits and _; Greek letters by name"),
    _("names", "x_{max}", "x_max", False, "a braced subscript, as in LaTeX"),
    _("constants", "pi + e", "pi + e", False, "also Pi, π and E (Euler's number, as in SymPy)"),
    _("powers", "x^2 + x**3", "x^2 + x^3", False, "^ and ** are the same"),
    _("powers", "2^3^2", "2^(3^2)", False, "right-associative"),
    _("powers", "-x^2", "-(x^2)", False, "^ binds tighter than unary minus"),
    _("powers", "x²·x⁻¹", "x^2*x^(-1)", False, "superscripts, · × − ÷ as their ASCII meaning"),
    _("powers", "x^1/2", "x/2", True, "^ binds tighter than /: the note says to write x^(1/2) for the root"),
    _("products", "2x + 3xy", "2*x + 3*xy", True, "implicit multiplication; several letters are one name (xy)"),
    _("products", "x y + 2 sin(x)", "x*y + 2*sin(x)", False, "a space multiplies"),
    _("products", "x(x + 1)", "x*(x + 1)", False, "a variable's one-letter name before ( multiplies"),
    _("products", "(x + 1)(x - 1)", "(x + 1)*(x - 1)", False, ""),
    _("products", "1/2x", "(1/2)*x", True, "as in Mathematica and SymPy: write 1/(2x) to divide by 2x"),
    _("products", "xe^x", "x*e^x", True, "a letter joined to e^"),
    _("brackets", "[x + 1]^2 + e^{2x}", "(x + 1)^2 + e^(2*x)", False, "[ ] and { } group as ( ) do"),
    _("brackets", "|x - 1| + ||x| - 2|", "abs(x - 1) + abs(abs(x) - 2)", False,
      "a bar closes the open one after an operand, else opens one"),
    # ---- functions
    _("functions", "sin(x) + ln(x) + sqrt(x)", "sin(x) + log(x) + x^(1/2)", False, "ln is log (natural)"),
    _("functions", "sin x", "sin(x)", False, "without parentheses: the argument is the product that follows"),
    _("functions", "sin 2x", "sin(2*x)", False, ""),
    _("functions", "sin x^2", "sin(x^2)", False, ""),
    _("functions", "sin x cos x", "sin(x)*cos(x)", True, "the next function starts a new factor"),
    _("functions", "ln x + 1", "log(x) + 1", False, "+ - * / end the argument"),
    _("functions", "ln|x|", "log(abs(x))", False, ""),
    _("functions", "sin^2(x) + cos^2 x", "sin(x)^2 + cos(x)^2", False, "a power of the name is a power of the value"),
    _("functions", "sin^-1(x) + tan⁻¹ x", "asin(x) + atan(x)", False, "^-1 on a name is the inverse function"),
    _("functions", "arcsin(x) + arsinh(x)", "asin(x) + asinh(x)", False, "arc-, ar- and a- names are aliases"),
    _("functions", "log(x, 2) + log10(x) + lg(x)", "log(x, 2) + log10(x) + log10(x)", False, "logarithm to a base"),
    _("functions", "root(x, 3) + cbrt(x)", "x^(1/3) + cbrt(x)", False, "root is the principal root; cbrt the real one"),
    _("functions", "max(x, y, 1)", "max(max(x, y), 1)", False, "min, max, logsumexp take any number of arguments"),
    _("functions", "softmax(x, y)", "exp(x - logsumexp(x, y))", False, "the component of the first argument"),
    _("functions", "√x + √(x + 1)", "x^(1/2) + (x + 1)^(1/2)", False, ""),
    _("functions", "sinx", "sinx", True, "one variable named sinx; the note says to write sin(x) or sin x"),
    _("functions", "cbrtt(x)", None, False, "unknown function: did you mean cbrt(...)?"),
    _("functions", "tg(x)", None, False, "another tool's name: did you mean tan(...)?"),
    # ---- undefined functions
    _("undefined functions", "f(x) + g(x, y) + phi(t)", "f(x) + g(x, y) + phi(t)", False,
      "f, g, h, F, G, H (with digits or a subscript) and Greek letters are functions when applied"),
    _("undefined functions", "f'(x) + D[1,0](g)(x, y)", "f'(x) + D[1,0](g)(x, y)", False,
      "derivatives, as symdiff prints them"),
    _("undefined functions", "y(x)", None, False,
      "ambiguous: write y*x to multiply, or declare y a function (--function y; functions=[\"y\"])"),
    _("undefined functions", "rate(x)", None, False, "unknown function: declare it (--function rate)"),
    # ---- equations and derivatives asked for
    _("equations", "y = x^2", "x^2", False, "a definition: its right side is differentiated"),
    _("equations", "f(x) = x sin x", "x*sin(x)", False, "so is a function's definition"),
    _("equations", "x^2 + y^2 = 1", None, False,
      "an equation: refused by commands that take an expression; differentiate it implicitly (--implicit y)"),
    _("derivatives", "d/dx x^3", "x^3", False, "asks for the derivative in x: symdiff prints 3*x^2"),
    _("derivatives", "d^2/dx^2 (sin x)", "sin(x)", False, "asks for the second derivative in x"),
    _("derivatives", "dy/dx", None, False, "derivative notation: write the expression, or y = ..."),
    _("derivatives", "x^2 dx", None, False, "a differential: leave out dx and say --wrt x"),
    _("derivatives", "derivative of x^2", None, False, "a request in words: write the expression and --wrt x"),
)
