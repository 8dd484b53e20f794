#!/usr/bin/env python3
"""Extract problems to differentiate and simplify from other CAS test suites into benchmarks/data/ (issue 19).

    python benchmarks/external_problems.py [--mirrors DIR] [--repo OWNER/NAME=GITDIR]... [--out FILE]
                                          [--max-chars N] [--verbose]

Run by hand, not by pytest; benchmarks/simplify.py reads its output (`--external`). It reads the test files of
six computer algebra systems from local git copies of their repositories (bare or not: files are read with
`git show COMMIT:PATH` at the copy's HEAD, whose commit is recorded), finds the expressions their tests
differentiate or simplify, converts each to symdiff's syntax by text transforms, keeps those that
symdiff.parse accepts, and writes one JSON line per problem to --out (default
benchmarks/data/external_problems.jsonl):

    {"id": "sympy:12", "source": "sympy", "repo": "sympy/sympy", "path": "...", "commit": "<40 hex>",
     "line": 57, "kind": "diff" | "simplify", "call": "trigsimp", "original": "<the text in the test file>",
     "expr": "<symdiff syntax>", "var": "x"}

`var` is the variable to differentiate in: the one the test's own `diff` names, else x when it occurs, else
the first free symbol in alphabetical order. Where the test files are (a repository is skipped, and said so,
when no copy of it is found): --repo OWNER/NAME=GITDIR, or DIR/OWNER+NAME/repo or DIR/OWNER/NAME under
--mirrors (default /work/.mirror, where the `fetch` tool of the team's search library puts its snapshots).

Nothing from the test files is ever executed or evaluated:
  * SymPy (Python): the files are parsed with `ast`; the first argument of each call of diff, Derivative,
    simplify, trigsimp, radsimp, ratsimp, together, cancel, factor, expand, powsimp, ... (and the object of the
    methods .diff(), .simplify(), .expand(), ...) is written out by a small AST printer. Names bound by
    symbols()/Symbol()/sympy.abc are symbols (assumptions such as positive=True are dropped: symdiff has
    none); a name bound by a plain assignment earlier in the same test function (or module) is replaced by
    the expression assigned; any other name, an undefined Function, I, oo, Float('...') and anything the
    printer does not know drop the problem. Rational(p, q), S(n), S.Half, Integer(n), E, pi, Pow, Mul, Add,
    root(x, n) are translated. A quotient of two integer literals, 1/2, is read as the exact rational (SymPy
    itself would make it the float 0.5: the tests mean S(1)/2 there).
  * Maxima (tests/rtest*.mac): every call of diff, trigsimp, ratsimp, fullratsimp, radcan, trigreduce,
    trigexpand, logcontract, factor, expand; %e, %pi and ** are rewritten; %i, quoted or subscripted names,
    assignments, lists, strings and anything else outside plain infix algebra drop the problem.
  * Mathics (Python files of mathics/ and test/, docstrings and strings alike): every D[...], Simplify[...],
    FullSimplify[...], TrigExpand/TrigReduce/TrigToExp/ExpToTrig[...], Together/Apart/Cancel/Factor/Expand/
    ExpandAll/PowerExpand[...]; Mathematica's f[x] becomes f(x) (Sin -> sin, ArcTan -> atan, Log[b, x] ->
    log(x, b), E -> e, Pi -> pi), juxtaposition becomes *, and lists, rules, patterns, I and other symbols
    with capitals drop the problem.
  * mathjs (test/unit-tests/function/algebra/*.test.js): the first string-literal argument of derivative,
    simplify, simplifyAndCompare, rationalize and the like.
  * nerdamer (spec/*.spec.js) and Algebrite (tests/*.ts): the diff/d/derivative/simplify/expand/factor/...
    calls inside the strings given to nerdamer(...) or listed in Algebrite's run_test([...]).
Then, for every dialect: only the functions of symdiff's registry (and sqrt, ln, exp) may be called, the
imaginary unit (I, or i in the JavaScript systems) drops the problem, symdiff.parse must accept the text (its
notes on ambiguous readings silenced) within a second, the expression must have a free symbol, and the
variable of a diff must occur in it. Problems are deduplicated (same parsed expression and variable: the
first found is kept) and longer than --max-chars (default 600) are dropped. A count of what was kept and
dropped, per source and reason, is printed.

Licences (checked in each copy, see benchmarks/data/README.md): SymPy BSD-3-Clause, mathjs Apache-2.0,
nerdamer MIT, Algebrite MIT, Mathics GPL-3.0, Maxima GPL-2.0. What is copied is short mathematical
expressions, one per test, with their provenance (repository, path, commit, line), not code.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff
from symdiff.functions import REGISTRY

DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "external_problems.jsonl"
DEFAULT_MIRRORS = Path("/work/.mirror")

# what symdiff may call: its registry, and the names its parser reads besides
FUNCTIONS = {name for name, _ in REGISTRY} | {"sqrt", "ln", "exp", "cbrt"}
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


# ---- the sources ----------------------------------------------------------------------------------------------

@dataclass
class Source:
    name: str
    repo: str
    files: list          # git pathspecs (fnmatch patterns) of the files to read
    dialect: str         # python, maxima, mathics, mathjs, nerdamer, algebrite
    licence: str


SOURCES = [
    Source("sympy", "sympy/sympy", [
        "sympy/core/tests/test_diff.py", "sympy/simplify/tests/test_trigsimp.py",
        "sympy/simplify/tests/test_simplify.py", "sympy/simplify/tests/test_radsimp.py",
        "sympy/simplify/tests/test_ratsimp.py", "sympy/simplify/tests/test_powsimp.py",
        "sympy/simplify/tests/test_fu.py", "sympy/simplify/tests/test_sqrtdenest.py",
        "sympy/functions/elementary/tests/test_trigonometric.py",
        "sympy/functions/elementary/tests/test_hyperbolic.py",
        "sympy/functions/elementary/tests/test_exponential.py"], "python", "BSD-3-Clause"),
    Source("maxima", "calyau/maxima", ["tests/rtest*.mac"], "maxima", "GPL-2.0"),
    Source("mathics", "Mathics3/mathics-core", ["mathics/builtin/*.py", "test/*.py"], "mathics", "GPL-3.0"),
    Source("mathjs", "josdejong/mathjs", ["test/unit-tests/function/algebra/*.test.js"], "mathjs", "Apache-2.0"),
    Source("nerdamer", "jiggzson/nerdamer", ["spec/*.spec.js"], "nerdamer", "MIT"),
    Source("algebrite", "davidedc/Algebrite", ["tests/*.ts"], "algebrite", "MIT"),
]


@dataclass
class Candidate:
    line: int
    original: str
    expr: str | None     # symdiff syntax, or None with `reason`
    kind: str            # diff or simplify
    call: str
    var: str | None = None
    reason: str = ""


class Reject(Exception):
    """This expression cannot be carried over to symdiff's syntax (the message says why)."""


# ---- reading a git copy ---------------------------------------------------------------------------------------

def git(gitdir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(gitdir), *args], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def find_gitdir(repo: str, mirrors: Path, given: dict) -> Path | None:
    if repo in given:
        path = Path(given[repo])
        return path / ".git" if (path / ".git").exists() else path
    owner, name = repo.split("/")
    for path in (mirrors / f"{owner}+{name}" / "repo", mirrors / owner / name):
        if (path / ".git").exists():
            return path / ".git"
        if (path / "HEAD").exists():
            return path
    return None


def files_of(gitdir: Path, patterns: list) -> list:
    listing = git(gitdir, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
    from fnmatch import fnmatch
    return [p for p in listing if any(fnmatch(p, pattern) for pattern in patterns)]


# ---- SymPy: Python files through ast --------------------------------------------------------------------------

PY_SIMPLIFIERS = {"simplify", "trigsimp", "radsimp", "ratsimp", "together", "cancel", "factor", "expand",
                  "expand_trig", "powsimp", "powdenest", "logcombine", "exptrigsimp", "fu", "sqrtdenest",
                  "collect", "separatevars", "signsimp", "collect_sqrt", "expand_log", "expand_power_base",
                  "expand_power_exp", "expand_mul", "apart", "futrig", "nsimplify", "rad_rationalize",
                  "trigsimp_groebner", "factor_terms", "gcd_terms", "collect_const"}
PY_DIFF = {"diff", "Derivative"}
PY_METHODS = {"diff": "diff", "simplify": "simplify", "expand": "simplify", "trigsimp": "simplify",
              "factor": "simplify", "cancel": "simplify", "together": "simplify", "radsimp": "simplify",
              "ratsimp": "simplify", "powsimp": "simplify"}
PY_FUNCTIONS = {  # SymPy's name -> symdiff's
    **{f: f for f in ("sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "asec", "acsc",
                      "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth",
                      "asech", "acsch", "exp", "log", "sqrt", "cbrt", "sign", "erf", "erfc", "erfi",
                      "gamma", "loggamma", "digamma", "floor", "ceiling", "LambertW", "Abs", "Heaviside")},
    "ceiling": "ceil", "LambertW": "lambertw", "Abs": "abs", "Heaviside": "heaviside"}
PY_CONSTANTS = {"pi": "pi", "E": "e"}
PY_S = {"Half": "(1/2)", "One": "1", "Zero": "0", "NegativeOne": "(-1)", "Pi": "pi", "Exp1": "e"}
SYMBOL_MAKERS = {"symbols", "Symbol", "Dummy", "var", "Wild"}
RENAMED = {"e": "e_1", "pi": "pi_1", "I": "I_1", "E": "E_1"}  # symbols whose names symdiff reads otherwise


def call_name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class PyPrinter:
    """Writes a SymPy expression's AST in symdiff's syntax, given the names known to be symbols and the
    expressions bound to other names."""

    def __init__(self, symbols: set, bound: dict):
        self.symbols, self.bound, self.depth = symbols, bound, 0

    def __call__(self, node) -> str:
        self.depth += 1
        try:
            if self.depth > 60:
                raise Reject("too deep")
            return self.show(node)
        finally:
            self.depth -= 1

    def wrap(self, node, parent: int, right: bool = False) -> str:
        """The operand `node` of an operator of precedence `parent`, in parentheses where it needs them."""
        text = self(node)
        mine = self.precedence(node)
        if parent == 4:  # ^: any operator on the left; on the right, all but ^ (right-associative)
            needed = mine < 4 if right else mine <= 4
        else:
            needed = mine < parent or (right and mine == parent)
        return f"({text})" if needed else text

    @staticmethod
    def precedence(node) -> int:
        if isinstance(node, ast.BinOp):
            return {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2, ast.Pow: 4}.get(type(node.op), 0)
        if isinstance(node, ast.UnaryOp):
            return 3
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0:
            return 3
        return 5

    def show(self, node) -> str:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise Reject(f"constant {node.value!r}")
            return repr(node.value)
        if isinstance(node, ast.Name):
            name = node.id
            if name in PY_CONSTANTS:
                return PY_CONSTANTS[name]
            if name in self.symbols:
                return RENAMED.get(name, name)
            if name in self.bound:
                value = self.bound[name]
                if isinstance(value, str):
                    raise Reject(value)
                return f"({self(value)})"
            raise Reject(f"name {name}")
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == "S" and node.attr in PY_S:
                return PY_S[node.attr]
            if isinstance(node.value, ast.Name) and node.value.id in ("sympy", "sp"):
                return self(ast.Name(node.attr))
            raise Reject(f"attribute {ast.unparse(node)}")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return f"-{self.wrap(node.operand, 3)}"
            if isinstance(node.op, ast.UAdd):
                return self(node.operand)
            raise Reject("operator")
        if isinstance(node, ast.BinOp):
            ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
            op = ops.get(type(node.op))
            if op is None:
                raise Reject(f"operator {type(node.op).__name__}")
            parent = self.precedence(node)
            return f"{self.wrap(node.left, parent)}{op}{self.wrap(node.right, parent, right=True)}"
        if isinstance(node, ast.Call):
            return self.call(node)
        raise Reject(type(node).__name__)

    def call(self, node) -> str:
        name = call_name(node.func)
        if isinstance(node.func, ast.Attribute) and not (
                isinstance(node.func.value, ast.Name) and node.func.value.id in ("sympy", "sp")):
            raise Reject(f"method .{name}")
        if node.keywords and name not in ("Mul", "Add", "Pow"):
            raise Reject(f"keywords of {name}")
        args = [self(a) for a in node.args]
        if name in ("Rational", "Integer", "S", "sympify", "Float") and all(
                isinstance(a, ast.Constant) for a in node.args):
            if any(isinstance(a.value, str) for a in node.args):
                raise Reject(f"{name} of a string")
            return f"({'/'.join(args)})"
        if name in ("Mul", "Add"):
            if not args:
                raise Reject(f"empty {name}")
            return "(" + ("*" if name == "Mul" else "+").join(f"({a})" for a in args) + ")"
        if name == "Pow" and len(args) == 2:
            return f"(({args[0]})^({args[1]}))"
        if name == "root" and len(args) == 2:
            return f"(({args[0]})^(1/({args[1]})))"
        if name in PY_FUNCTIONS:
            if name == "log" and len(args) == 2:
                return f"log({args[0]}, {args[1]})"
            if len(args) != 1:
                raise Reject(f"{name} with {len(args)} arguments")
            return f"{PY_FUNCTIONS[name]}({args[0]})"
        raise Reject(f"function {name}")


def module_symbols(tree) -> set:
    """Names bound anywhere in the module to symbols (symbols(...), Symbol(...), sympy.abc imports)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sympy.abc":
            names.update(alias.asname or alias.name for alias in node.names)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                call_name(node.value.func) in SYMBOL_MAKERS:
            for target in node.targets:
                for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(element, ast.Name):
                        names.add(element.id)
    return names


def python_candidates(text: str) -> list:
    tree = ast.parse(text)
    symbols = module_symbols(tree)
    out: list = []
    seen: set = set()

    def harvest(node, bound: dict) -> None:
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call) or id(sub) in seen:
                continue
            name = call_name(sub.func)
            target, kind, var = None, None, None
            if isinstance(sub.func, ast.Name) and (name in PY_DIFF or name in PY_SIMPLIFIERS) and sub.args:
                target, kind = sub.args[0], "diff" if name in PY_DIFF else "simplify"
                if kind == "diff" and len(sub.args) >= 2 and isinstance(sub.args[1], ast.Name):
                    var = sub.args[1].id
            elif isinstance(sub.func, ast.Attribute) and name in PY_METHODS:
                target, kind = sub.func.value, PY_METHODS[name]
                if kind == "diff" and sub.args and isinstance(sub.args[0], ast.Name):
                    var = sub.args[0].id
            if target is None:
                continue
            seen.add(id(sub))
            if kind == "diff" and var is not None and var not in symbols:
                var = None  # differentiating in something that is not a plain symbol: choose our own
            try:
                expr = PyPrinter(symbols, bound)(target)
                reason = ""
            except (Reject, RecursionError) as error:
                expr, reason = None, str(error) or "unsupported"
            out.append(Candidate(sub.lineno, ast.unparse(target), expr, kind, name,
                                 RENAMED.get(var, var) if var else None, reason))

    def walk(body, bound: dict) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                walk(statement.body, dict(bound))
                continue
            if isinstance(statement, ast.ClassDef):
                walk(statement.body, dict(bound))
                continue
            if any(isinstance(getattr(statement, inner, None), list) for inner in ("body", "handlers")):
                for part in ("test", "iter", "items"):  # a compound statement: its head now, its blocks below
                    value = getattr(statement, part, None)
                    for item in (value if isinstance(value, list) else [value] if value is not None else []):
                        harvest(item, bound)
            else:
                harvest(statement, bound)
            if isinstance(statement, ast.Assign):
                value = statement.value
                is_symbol = isinstance(value, ast.Call) and call_name(value.func) in SYMBOL_MAKERS
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        if is_symbol:
                            bound.pop(target.id, None)
                        elif target.id not in symbols or target.id in bound:
                            bound[target.id] = value
                    elif isinstance(target, ast.Tuple):
                        for element in target.elts:
                            if isinstance(element, ast.Name) and not is_symbol:
                                bound[element.id] = f"name {element.id} bound by unpacking"
            for inner in ("body", "orelse", "finalbody"):
                block = getattr(statement, inner, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt) and \
                        not isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                    if isinstance(statement, (ast.For, ast.While)) and isinstance(getattr(statement, "target",
                                                                                          None), ast.Name):
                        bound[statement.target.id] = f"loop variable {statement.target.id}"
                    walk(block, bound)

    # expressions are harvested as their statements are met, with the bindings in force there
    walk(tree.body, {})
    return out


# ---- the infix dialects: Maxima, Mathematica, the JavaScript systems --------------------------------------------

def balanced_calls(text: str, names: set, open_: str = "(", close: str = ")"):
    """(name, [argument texts], offset) of each call NAME(...) in text, nested ones too."""
    pattern = re.compile(r"(?<![A-Za-z0-9_%$'.])(" + "|".join(sorted(map(re.escape, names), key=len,
                                                                    reverse=True)) + r")\s*" + re.escape(open_))
    for match in pattern.finditer(text):
        start, args, i = match.end(), [], match.end()
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack = []
        while i < len(text):
            ch = text[i]
            if ch in pairs:
                stack.append(pairs[ch])
            elif stack and ch == stack[-1]:
                stack.pop()
            elif not stack and ch == close:
                args.append(text[start:i])
                yield match.group(1), [a.strip() for a in args], match.start()
                break
            elif not stack and ch == ",":
                args.append(text[start:i])
                start = i + 1
            elif ch in ")]}" and not stack:
                break
            i += 1


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_names(expr: str, imaginary: set) -> None:
    for match in IDENT.finditer(expr):
        name = match.group()
        after = expr[match.end():].lstrip()[:1]
        if after == "(":
            if name not in FUNCTIONS:
                raise Reject(f"function {name}")
        elif name in imaginary:
            raise Reject("imaginary unit")
        elif name in FUNCTIONS and name not in ("e",):
            raise Reject(f"function name {name} used as a symbol")


MAXIMA_CALLS = {"diff": "diff", "trigsimp": "simplify", "ratsimp": "simplify", "fullratsimp": "simplify",
                "radcan": "simplify", "trigreduce": "simplify", "trigexpand": "simplify",
                "logcontract": "simplify", "factor": "simplify", "expand": "simplify"}
MAXIMA_FUNCTIONS = {"signum": "sign", "ceiling": "ceil", "lambert_w": "lambertw", "log_gamma": "loggamma",
                    "psi": None, "atan2": None, "realpart": None, "imagpart": None, "conjugate": None}


def maxima_to_symdiff(text: str) -> str:
    if re.search(r"[\[\]{}:;$\"'!?\\#&@|~`]|%i\b|\^\^|%[a-z]*\(|\bif\b|\bthen\b|\bdo\b|=", text):
        raise Reject("outside plain algebra")
    text = text.replace("**", "^")
    text = re.sub(r"%e\b", "e", text)
    text = re.sub(r"%pi\b", "pi", text)
    if "%" in text:
        raise Reject("% name")
    for name, new in MAXIMA_FUNCTIONS.items():
        if re.search(rf"\b{name}\s*\(", text):
            if new is None:
                raise Reject(f"function {name}")
            text = re.sub(rf"\b{name}(\s*\()", rf"{new}\1", text)
    return text


MATHICS_CALLS = {"D": "diff", "Simplify": "simplify", "FullSimplify": "simplify", "TrigExpand": "simplify",
                 "TrigReduce": "simplify", "TrigToExp": "simplify", "ExpToTrig": "simplify",
                 "Together": "simplify", "Apart": "simplify", "Cancel": "simplify", "Factor": "simplify",
                 "Expand": "simplify", "ExpandAll": "simplify", "PowerExpand": "simplify",
                 "TrigFactor": "simplify"}
MATHICS_FUNCTIONS = {"Sin": "sin", "Cos": "cos", "Tan": "tan", "Cot": "cot", "Sec": "sec", "Csc": "csc",
                     "ArcSin": "asin", "ArcCos": "acos", "ArcTan": "atan", "ArcCot": "acot", "ArcSec": "asec",
                     "ArcCsc": "acsc", "Sinh": "sinh", "Cosh": "cosh", "Tanh": "tanh", "Coth": "coth",
                     "Sech": "sech", "Csch": "csch", "ArcSinh": "asinh", "ArcCosh": "acosh", "ArcTanh": "atanh",
                     "ArcCoth": "acoth", "ArcSech": "asech", "ArcCsch": "acsch", "Exp": "exp", "Log": "log",
                     "Sqrt": "sqrt", "Abs": "abs", "Sign": "sign", "Erf": "erf", "Erfc": "erfc", "Erfi": "erfi",
                     "Gamma": "gamma", "LogGamma": "loggamma", "Floor": "floor", "Ceiling": "ceil",
                     "ProductLog": "lambertw", "CubeRoot": "cbrt", "Log10": "log10", "Log2": "log2"}
MATHICS_TOKEN = re.compile(r"\s*(?:(?P<num>\d+\.?\d*(?:\*\^-?\d+)?|\.\d+)|(?P<name>[A-Za-z$][A-Za-z0-9$]*)|"
                           r"(?P<op>[-+*/^()\[\],]))")


def mathics_to_symdiff(text: str) -> str:
    """Mathematica's infix algebra to symdiff's: a token walk that turns F[...] into f(...), swaps Log[b, x],
    and writes juxtaposition as *."""
    if re.search(r"->|/\.|//|:=|[{}_#&@;'\"%!<>=|?~\\]|\[\[", text):
        raise Reject("outside plain algebra")
    tokens, position = [], 0
    while position < len(text):
        match = MATHICS_TOKEN.match(text, position)
        if not match:
            if text[position:].strip() == "":
                break
            raise Reject(f"character {text[position]!r}")
        position = match.end()
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
    out: list = []
    stack: list = []   # for each open bracket: the index in `out` of its function and whether it is Log
    previous = None    # kind of the last token written: "operand" ends an operand, "open", "op"
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        nxt = tokens[i + 1][1] if i + 1 < len(tokens) else None
        starts_operand = kind in ("num", "name") or value == "("
        if starts_operand and previous == "operand":
            out.append("*")
        if kind == "num":
            if "*^" in value:
                raise Reject("exponent notation")
            out.append(value)
            previous = "operand"
        elif kind == "name":
            if nxt == "[":
                function = MATHICS_FUNCTIONS.get(value)
                if function is None:
                    raise Reject(f"function {value}")
                out.append(function + "(")
                stack.append((len(out), value == "Log"))
                i += 2
                previous = "open"
                continue
            if value == "E":
                out.append("e")
            elif value == "Pi":
                out.append("pi")
            elif value[0].isupper() or "$" in value:
                raise Reject(f"symbol {value}")
            else:
                out.append(RENAMED.get(value, value))
            previous = "operand"
        elif value == "[":
            raise Reject("bracket")
        elif value == "]":
            if not stack:
                raise Reject("unbalanced")
            start, is_log = stack.pop()
            arguments = "".join(out[start:])
            del out[start:]
            if is_log:
                parts = split_top(arguments)
                if len(parts) == 2:
                    arguments = f"{parts[1]}, {parts[0]}"
            out.append(arguments + ")")
            previous = "operand"
        elif value == "(":
            stack.append((None, False))
            out.append("(")
            previous = "open"
        elif value == ")":
            out.append(")")
            if stack and stack[-1][0] is None:
                stack.pop()
            previous = "operand"
        else:
            out.append(value)
            previous = "op"
        i += 1
    if stack:
        raise Reject("unbalanced")
    return "".join(out)


def split_top(text: str) -> list:
    depth, parts, start = 0, [], 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def js_to_symdiff(text: str) -> str:
    if re.search(r"[\[\]{}:;=!'\"?\\#&@|~`%$<>]", text) or re.search(r"\b(to|in|mod|and|or|not|xor)\b", text):
        raise Reject("outside plain algebra")
    text = re.sub(r"\bpi\b|π", "pi", text)
    return text


JS_STRING = r"(?P<q>['\"`])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)"
MATHJS_CALLS = {"derivative": "diff", "derivativeWithoutSimplify": "diff", "simplify": "simplify",
                "simplifyAndCompare": "simplify", "simplifyAndCompareEval": "simplify", "rationalize": "simplify",
                "simplifyCore": "simplify", "resolve": "simplify"}
NERDAMER_CALLS = {"diff": "diff", "simplify": "simplify", "expand": "simplify", "factor": "simplify",
                  "pfactor": "simplify", "partfrac": "simplify"}
ALGEBRITE_CALLS = {"d": "diff", "derivative": "diff", "simplify": "simplify", "expand": "simplify",
                   "factor": "simplify", "rationalize": "simplify", "condense": "simplify", "circexp": "simplify",
                   "expcos": "simplify", "expsin": "simplify"}


def infix_candidates(text: str, calls: dict, convert, imaginary: set, open_="(", close=")") -> list:
    out = []
    for name, args, offset in balanced_calls(text, set(calls), open_, close):
        kind = calls[name]
        original = args[0] if args else ""
        var = args[1] if kind == "diff" and len(args) >= 2 else None
        if var is not None and not re.fullmatch(r"[a-z][A-Za-z0-9]*", var):
            var = None if kind != "diff" or len(args) < 2 else "?"
        try:
            if var == "?":
                raise Reject("not a plain variable to differentiate in")
            if not original:
                raise Reject("no argument")
            expr = convert(original)
            check_names(expr, imaginary)
            reason = ""
        except Reject as error:
            expr, reason = None, str(error)
        out.append(Candidate(line_of(text, offset), original, expr, kind, name,
                             RENAMED.get(var, var) if var else None, reason))
    return out


def js_string_candidates(text: str, outer: re.Pattern, calls: dict, whole: dict | None = None) -> list:
    """Candidates from the string literals of JavaScript/TypeScript test files: with `whole` (name -> kind),
    the first string argument of those calls is the problem itself (mathjs); else the calls of `calls`
    inside the strings matched by `outer` (nerdamer('...'), the strings of Algebrite's run_test)."""
    out = []
    if whole:
        pattern = re.compile(r"(?<![A-Za-z0-9_])(?:math\.)?(" + "|".join(whole) + r")\s*\(\s*" + JS_STRING)
        for match in pattern.finditer(text):
            original = match.group("s")
            try:
                expr = js_to_symdiff(original)
                check_names(expr, {"i"})
                reason = ""
            except Reject as error:
                expr, reason = None, str(error)
            rest = text[match.end():match.end() + 40]
            var = re.match(r"\s*,\s*['\"]([a-z][A-Za-z0-9]*)['\"]", rest) if whole[match.group(1)] == "diff" \
                else None
            out.append(Candidate(line_of(text, match.start()), original, expr, whole[match.group(1)],
                                 match.group(1), var.group(1) if var else None, reason))
        return out
    for match in outer.finditer(text):
        literal = match.group("s")
        base = line_of(text, match.start())
        for candidate in infix_candidates(literal, calls, js_to_symdiff, {"i"}):
            candidate.line = base
            out.append(candidate)
    return out


def candidates(source: Source, text: str) -> list:
    if source.dialect == "python":
        return python_candidates(text)
    if source.dialect == "maxima":
        text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.DOTALL)
        return infix_candidates(text, MAXIMA_CALLS, maxima_to_symdiff, {"I"})
    if source.dialect == "mathics":
        return infix_candidates(text, MATHICS_CALLS, mathics_to_symdiff, {"I"}, "[", "]")
    if source.dialect == "mathjs":
        return js_string_candidates(text, None, {}, MATHJS_CALLS)
    if source.dialect == "nerdamer":
        outer = re.compile(r"nerdamer(?:\.[A-Za-z]+)?\s*\(\s*" + JS_STRING)
        return js_string_candidates(text, outer, NERDAMER_CALLS)
    if source.dialect == "algebrite":
        return js_string_candidates(text, re.compile(JS_STRING), ALGEBRITE_CALLS)
    raise ValueError(source.dialect)


# ---- checking with symdiff ------------------------------------------------------------------------------------

def accepted(candidate: Candidate, max_chars: int):
    """(parsed expression, variable) when symdiff reads the candidate, else a Reject."""
    if candidate.expr is None:
        raise Reject(candidate.reason or "not converted")
    if len(candidate.expr) > max_chars:
        raise Reject("too long")
    check_names(candidate.expr, {"I"})
    from symdiff.interop.verify import SympyTimeout, time_limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with time_limit(1):
                parsed = symdiff.parse(candidate.expr)
    except SympyTimeout:
        raise Reject("parse over 1 s") from None
    except (symdiff.SymdiffError, RecursionError, ValueError) as error:
        raise Reject(f"symdiff.parse: {type(error).__name__}") from None
    names = sorted(map(str, parsed.free_symbols))
    if not names:
        raise Reject("no free symbol")
    var = candidate.var
    if var is not None and var not in names:
        raise Reject("the variable of the diff does not occur")
    if var is None:
        var = "x" if "x" in names else names[0]
    return parsed, var


def extract(source: Source, gitdir: Path, max_chars: int, stats: dict, verbose: bool) -> list:
    commit = git(gitdir, "rev-parse", "HEAD").strip()
    problems = []
    for path in files_of(gitdir, source.files):
        try:
            text = git(gitdir, "show", f"{commit}:{path}")
        except subprocess.CalledProcessError:
            continue
        try:
            found = candidates(source, text)
        except SyntaxError as error:
            stats[f"file not parsed ({type(error).__name__})"] = stats.get("file not parsed", 0) + 1
            continue
        for candidate in found:
            try:
                parsed, var = accepted(candidate, max_chars)
            except Reject as error:
                reason = str(error)
                if reason.startswith(("function ", "symbol ", "name ", "constant ", "method ", "keywords ")):
                    reason = reason.split()[0] + (" " + reason.split()[1] if reason.startswith("method") else "")
                stats[reason] = stats.get(reason, 0) + 1
                if verbose:
                    print(f"  drop {path}:{candidate.line} [{error}] {candidate.original[:100]}", file=sys.stderr)
                continue
            problems.append({"source": source.name, "repo": source.repo, "path": path, "commit": commit,
                             "line": candidate.line, "kind": candidate.kind, "call": candidate.call,
                             "original": candidate.original, "expr": candidate.expr, "var": var,
                             "_key": (str(parsed), var)})
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="directory of git copies, OWNER+NAME/repo or OWNER/NAME (default /work/.mirror)")
    parser.add_argument("--repo", action="append", default=[], metavar="OWNER/NAME=GITDIR",
                        help="where one repository's copy is (repeatable)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output file (JSON lines)")
    parser.add_argument("--max-chars", type=int, default=600, help="drop longer expressions (default 600)")
    parser.add_argument("--verbose", action="store_true", help="list every dropped candidate on stderr")
    options = parser.parse_args(argv)
    given = dict(item.split("=", 1) for item in options.repo)

    started = time.time()
    kept, keys = [], set()
    for source in SOURCES:
        gitdir = find_gitdir(source.repo, options.mirrors, given)
        if gitdir is None:
            print(f"{source.name}: no copy of {source.repo} found (--repo or --mirrors): skipped")
            continue
        stats: dict = {}
        problems = extract(source, gitdir, options.max_chars, stats, options.verbose)
        fresh = 0
        for problem in problems:
            key = problem.pop("_key")
            if key in keys:
                stats["duplicate"] = stats.get("duplicate", 0) + 1
                continue
            keys.add(key)
            fresh += 1
            kept.append(problem)
        dropped = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.items(), key=lambda kv: -kv[1]))
        print(f"{source.name} ({source.repo} at {problems[0]['commit'][:12] if problems else '?'}, "
              f"{source.licence}): kept {fresh}; dropped: {dropped or 'none'}")
    numbers: dict = {}
    for problem in kept:
        numbers[problem["source"]] = numbers.get(problem["source"], 0) + 1
        problem["id"] = f"{problem['source']}:{numbers[problem['source']]}"
    options.out.parent.mkdir(parents=True, exist_ok=True)
    with open(options.out, "w", encoding="utf-8") as handle:
        for problem in kept:
            handle.write(json.dumps({"id": problem.pop("id"), **problem}, ensure_ascii=False) + "\n")
    print(f"{len(kept)} problems written to {options.out} in {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
