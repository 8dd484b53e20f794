"""What a name means when both readers meet it: a constant, a function of the registry, an undefined function, a
variable; and what to suggest for a name that is none of these.

The function registry (symdiff.functions) says which names are functions; this module holds the conventions
around it, as tables: the spellings of the constants, the names that are undefined functions by convention
(f(x), phi(t)), what a variable's name looks like when it may stand before a parenthesis as a factor (x(x + 1)),
and the names other tools give to functions symdiff spells differently (tg, ctg), offered as suggestions.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from .. import functions
from ..core.expr import Derivative, Expr, Func
from ..core.traversal import subexpressions

__all__ = ["GREEK_LETTERS", "CONSTANTS", "CONVENTIONAL_FUNCTIONS", "OTHER_SPELLINGS", "REQUEST_WORDS", "constant",
           "is_function", "is_conventional_function", "is_factor_name", "joined_function", "is_joined_letters",
           "embedded_function", "suggestions", "undefined_functions"]

# The Greek letters read as symbols (\alpha is the symbol alpha; \pi is the constant pi). The LaTeX printer
# (symdiff.printing.latex.GREEK) writes the same set; parsing cannot import printing, so a test checks they agree.
GREEK_LETTERS = frozenset("""alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma
    tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega varepsilon
    vartheta varphi varrho varsigma""".split())

# Spellings of the constants: e and E (as in SymPy and Mathematica) are Euler's number, pi and Pi are pi.
CONSTANTS = MappingProxyType({"pi": "pi", "Pi": "pi", "e": "e", "E": "e"})

# Names that are undefined functions when applied, f(x), without being declared: the letters textbooks use for
# functions, with digits or a subscript (f1, g_2), and the Greek letters (phi(t), psi(x)) that are not constants
# or functions of the registry.
CONVENTIONAL_FUNCTIONS = frozenset("f g h F G H".split()) | (GREEK_LETTERS - {"pi", "Pi"} - functions.KNOWN_NAMES)
_CONVENTIONAL_FUNCTION = re.compile(r"[fghFGH](?:[0-9]+|_[A-Za-z0-9_]+)?\Z")

# The name of a variable that may stand before a parenthesis as a factor, x(x + 1): one letter, with digits or a
# subscript (x1, x_0, a_max). A longer name before a parenthesis is a function's.
_FACTOR_NAME = re.compile(r"[A-Za-z](?:[0-9]*|_[A-Za-z0-9_]+)\Z")

# A function's name joined to its argument, sinx or cos2t (_JOINED, below): the argument is a number, or one of the
# letters used for variables (with a number before or after it). expr, exp followed by r, is not one.

# Names of functions in other tools and languages (Russian, French and Spanish textbooks; Mathematica; Excel)
# that symdiff spells otherwise: offered as "did you mean" for a name that is not a function here.
OTHER_SPELLINGS = MappingProxyType({
    "tg": "tan", "ctg": "cot", "cotg": "cot", "arctg": "atan", "arcctg": "acot", "arcotg": "acot",
    "sen": "sin", "sh": "sinh", "ch": "cosh", "th": "tanh", "cth": "coth", "arsh": "asinh", "arch": "acosh",
    "arth": "atanh", "Log": "log", "Ln": "log", "Exp": "exp", "Sqrt": "sqrt", "Sin": "sin", "Cos": "cos",
    "Tan": "tan", "ArcSin": "asin", "ArcCos": "acos", "ArcTan": "atan", "Erf": "erf",
    "arcsinus": "asin", "arccosinus": "acos", "sinus": "sin", "cosinus": "cos", "tangent": "tan",
    "sqr": "sqrt", "squareroot": "sqrt", "cuberoot": "cbrt", "logn": "log", "loge": "log", "log_10": "log10",
    "log_2": "log2", "absolute": "abs", "fabs": "abs",
})


# Words of a request typed around the expression ("derivative of x^2", "x^2 wrt x"): refused, not variables.
REQUEST_WORDS = frozenset("derivative derivatives differentiate derive diff wrt respect".split())


def constant(name: str) -> str | None:
    """The constant a name spells (pi, e), or None."""
    return CONSTANTS.get(name)


def is_function(name: str) -> bool:
    """A function of the registry, an alias, or a shorthand (sqrt, root, softmax)."""
    return functions.is_known(name)


def is_conventional_function(name: str) -> bool:
    return name in CONVENTIONAL_FUNCTIONS or bool(_CONVENTIONAL_FUNCTION.match(name))


def is_factor_name(name: str) -> bool:
    """Whether a variable of this name before a parenthesis is a factor: x(x + 1) is x*(x + 1)."""
    return bool(_FACTOR_NAME.match(name))


def _function_prefixes() -> tuple[str, ...]:
    """Function names that can start a joined name (sinx): the registry's names that are not also variables,
    longest first, so that sinhx is sinh(x), not sin(hx)."""
    names = {name for name in functions.KNOWN_NAMES if name not in functions.SYMBOL_NAMES and len(name) >= 2}
    return tuple(sorted(names, key=lambda name: (-len(name), name)))


_PREFIXES = _function_prefixes()
# One pattern each, tried once per name (a loop over the ~90 names was a third of the reader's time): the
# alternation is longest first, so sinhx finds sinh before sin.
_ALTERNATION = "|".join(map(re.escape, _PREFIXES))
_JOINED = re.compile(rf"({_ALTERNATION})((?:[0-9]+[tuvwxyz]?|[tuvwxyz][0-9]*))\Z")
_STARTS = re.compile(rf"({_ALTERNATION}).")
_ENDS = re.compile(rf".({_ALTERNATION})\Z")


def joined_function(name: str) -> tuple[str, str] | None:
    """(function, argument) when a name is a function's name joined to a simple argument: sinx -> (sin, x),
    cos2x -> (cos, 2x), lnx -> (ln, x); None otherwise (sinc, signal, cost_1)."""
    if "_" in name:  # x_max, sin_theta: a subscript says it is a variable's name
        return None
    match = _JOINED.match(name)
    return (match.group(1), match.group(2)) if match else None


def is_joined_letters(name: str) -> bool:
    """Two lower-case letters that are no Greek letter, constant or function (xy, ax, kx): likely a product typed
    without its space, read as one name with a note."""
    return len(name) == 2 and name.isalpha() and name.islower() and name not in GREEK_LETTERS and \
        constant(name) is None and not is_function(name) and name not in OTHER_SPELLINGS


def embedded_function(name: str) -> str | None:
    """A function's name that a longer name begins or ends with (xsin, signal), or None (also for x_max)."""
    if "_" in name:
        return None
    match = _STARTS.match(name) or _ENDS.search(name)
    return match.group(1) if match else None


def undefined_functions(expr: Expr) -> frozenset[str]:
    """The names of the undefined functions in an expression (f in f(x) and in f'(x)): what to declare to read
    its printed text back, parse(text(e), functions=undefined_functions(e))."""
    return frozenset(node.name for node in subexpressions(expr)
                     if type(node) is Derivative or (type(node) is Func and not is_function(node.name)))


def suggestions(name: str) -> list[str]:
    """Known names that an unknown one may have meant: another tool's spelling of it (tg -> tan), the same name
    in other case (SIN -> sin), or names a typo away (cbrtt -> cbrt); at most three."""
    found = []
    if name in OTHER_SPELLINGS:
        found.append(OTHER_SPELLINGS[name])
    known = sorted(functions.KNOWN_NAMES)
    found += [k for k in known if k.lower() == name.lower()]
    import difflib  # (only for a name that is wrong: not loaded at start-up)
    found += difflib.get_close_matches(name, known, n=3, cutoff=0.8)
    canonical = (functions.ALIASES.get(s, s) for s in found)  # arcsin and asin are one suggestion
    return list(dict.fromkeys(s for s in canonical if s != name))[:3]
