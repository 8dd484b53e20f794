"""The elementary functions symdiff knows: one line each, with the textbook derivative.

Each row gives the derivative of f with respect to each of its arguments, as a formula in symdiff's own
syntax in which the arguments are called u (and v). The chain rule is applied once, by the differentiator:
d/dx f(u) = f'(u) * du/dx. To add a function, add a row here, then a numeric implementation in
`symdiff.numeric` (and a SymPy name if it differs); `tests/test_functions.py` checks that every function has
all of them, and that every rule agrees with SymPy.

A name not listed here, applied to arguments, is an undefined function such as f(x): its derivatives are
written f'(x), or D[1,0](g)(x, y) by argument position.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FunctionRule:
    name: str
    partials: tuple[str, ...]  # d f / d(argument i), in terms of u, v
    latex: str                 # the LaTeX operator, e.g. r"\sin"
    sympy: str                 # the name of the SymPy function
    parsed: list = field(default_factory=list, compare=False, repr=False)  # the partials as nodes, cached

    @property
    def arity(self) -> int:
        return len(self.partials)


ARGUMENT_NAMES = ("u", "v")
RULES: dict[tuple[str, int], FunctionRule] = {}  # keyed by (name, arity)


def rule(name: str, *partials: str, latex: str | None = None, sympy: str | None = None) -> None:
    RULES[name, len(partials)] = FunctionRule(
        name, partials, latex or rf"\operatorname{{{name}}}", sympy or name)


# ---- trigonometric ------------------------------------------------------------------------------------
rule("sin",   "cos(u)",                          latex=r"\sin")
rule("cos",   "-sin(u)",                         latex=r"\cos")
rule("tan",   "1 + tan(u)^2",                    latex=r"\tan")
rule("cot",   "-1 - cot(u)^2",                   latex=r"\cot")
rule("sec",   "sec(u)*tan(u)",                   latex=r"\sec")
rule("csc",   "-csc(u)*cot(u)",                  latex=r"\csc")
# ---- inverse trigonometric ----------------------------------------------------------------------------
rule("asin",  "1/sqrt(1 - u^2)",                 latex=r"\arcsin")
rule("acos",  "-1/sqrt(1 - u^2)",                latex=r"\arccos")
rule("atan",  "1/(1 + u^2)",                     latex=r"\arctan")
rule("acot",  "-1/(1 + u^2)",                    latex=r"\operatorname{arccot}")
rule("asec",  "1/(u^2*sqrt(1 - 1/u^2))",         latex=r"\operatorname{arcsec}")
rule("acsc",  "-1/(u^2*sqrt(1 - 1/u^2))",        latex=r"\operatorname{arccsc}")
# ---- hyperbolic ---------------------------------------------------------------------------------------
rule("sinh",  "cosh(u)",                         latex=r"\sinh")
rule("cosh",  "sinh(u)",                         latex=r"\cosh")
rule("tanh",  "1 - tanh(u)^2",                   latex=r"\tanh")
rule("coth",  "1 - coth(u)^2",                   latex=r"\coth")
rule("sech",  "-sech(u)*tanh(u)",                latex=r"\operatorname{sech}")
rule("csch",  "-csch(u)*coth(u)",                latex=r"\operatorname{csch}")
# ---- inverse hyperbolic -------------------------------------------------------------------------------
rule("asinh", "1/sqrt(u^2 + 1)",                 latex=r"\operatorname{arsinh}")
rule("acosh", "1/(sqrt(u - 1)*sqrt(u + 1))",     latex=r"\operatorname{arcosh}")
rule("atanh", "1/(1 - u^2)",                     latex=r"\operatorname{artanh}")
rule("acoth", "1/(1 - u^2)",                     latex=r"\operatorname{arcoth}")
rule("asech", "-1/(u*sqrt(1 - u^2))",            latex=r"\operatorname{arsech}")
rule("acsch", "-1/(u^2*sqrt(1 + 1/u^2))",        latex=r"\operatorname{arcsch}")
# ---- exponential and logarithm ------------------------------------------------------------------------
rule("exp",   "exp(u)",                          latex=r"\exp")
rule("log",   "1/u",                             latex=r"\ln")
rule("log",   "1/(u*log(v))", "-log(u)/(v*log(v)^2)", latex=r"\log")   # log(u, v): logarithm to base v
# ---- piecewise (derivatives hold where the function is differentiable: u != 0) ------------------------
rule("abs",   "sign(u)",                         latex=r"\left|{}\right|", sympy="Abs")
rule("sign",  "0",                               latex=r"\operatorname{sign}")

# Other spellings the parser accepts. sqrt(u) is read as u^(1/2) and has no row of its own.
ALIASES = {
    "ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot", "arcsec": "asec",
    "arccsc": "acsc", "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh", "arcsinh": "asinh",
    "arccosh": "acosh", "arctanh": "atanh", "arcoth": "acoth", "arsech": "asech", "arcsch": "acsch",
    "Abs": "abs", "sgn": "sign",
}

KNOWN_NAMES = frozenset(name for name, _ in RULES) | frozenset(ALIASES) | {"sqrt"}


def arities(name: str) -> list[int]:
    return sorted(arity for (n, arity) in RULES if n == name)


def is_known(name: str) -> bool:
    return name in KNOWN_NAMES


def lookup(name: str, arity: int) -> FunctionRule | None:
    return RULES.get((name, arity))
