"""Common-subexpression elimination: name each part used more than once, as backpropagation keeps its
intermediate values.

Expressions are interned DAGs (symdiff.core.expr), so "used more than once" is read off the graph: a part is named
when it occurs in two or more places of the printed result, counting through parts that are not named
themselves. What is named must be worth a name: a function call, a sum, or a product or power with a compound
operand; not a leaf, `2*x`, `x^2`, `x*y`, and not a reciprocal `b^-1` (it prints as a fraction `a/b`; its base
`b` is named instead when shared).

    >>> from symdiff import parse
    >>> found = cse([parse("sin(x*y)*x + sin(x*y)^2")])
    >>> found.replacements, found.exprs
    ([(t1, sin(x*y))], [t1*x + t1^2])
    >>> print(found)
    t1 = sin(x*y)
    t1*x + t1^2

Sums and products are matched as whole nodes: two products sharing some factors (x*y*z and x*y*w) are not
split to share x*y.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import combinations
from typing import NamedTuple

from ..core.build import is_number, mul, rebuild, substitute
from ..core.errors import UsageError
from ..core.expr import NAME_PATTERN, Add, Derivative, Expr, Func, Mul, Num, Pow, Sym
from ..core.order import sort_key
from ..core.traversal import children, parents_first, subexpressions
from ..printing.latex import latex
from ..printing.text import to_text


class CommonSubexpressions(NamedTuple):
    """`replacements`: (symbol, definition) pairs in the order they can be computed, each using only the
    ones before it; `exprs`: the given expressions written with those symbols. Unpacks like SymPy's cse."""
    replacements: list[tuple[Sym, Expr]]
    exprs: list[Expr]

    def text(self, result: str | None = None) -> str:
        """One `t1 = ...` line per replacement, then `result` (default: the expressions, comma-separated)."""
        lines = [f"{symbol.name} = {to_text(definition)}" for symbol, definition in self.replacements]
        lines.append(result if result is not None else ", ".join(map(to_text, self.exprs)))
        return "\n".join(lines)

    def latex(self, result: str | None = None, label: str = "") -> str:
        """An aligned environment: `t_{1} &= ...` rows, then `label &= result` (LaTeX strings)."""
        rows = [f"{latex(symbol)} &= {latex(definition)}" for symbol, definition in self.replacements]
        body = result if result is not None else ", ".join(map(latex, self.exprs))
        rows.append(f"{label} &= {body}" if label else f"& {body}")
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def __str__(self) -> str:
        """What the command line prints with --cse: the `t1 = ...` lines, then one expression as itself (`symdiff
        EXPR --cse`), or several as a list (`[a, b]`, as `--grad --cse` prints a gradient)."""
        if len(self.exprs) == 1:
            return self.text()
        return self.text("[" + ", ".join(map(to_text, self.exprs)) + "]")

    def __repr__(self) -> str:
        names = [symbol.name for symbol, _ in self.replacements]
        shown = ", ".join(names) if len(names) <= 4 else f"{names[0]}, ..., {names[-1]}"
        named = f"{len(names)} named ({shown})" if names else "nothing shared"
        count = len(self.exprs)
        return f"<CommonSubexpressions: {named} in {count} expression{'' if count == 1 else 's'}>"

    def _repr_latex_(self) -> str:
        """latex() as display maths, for a notebook (IPython's display); several expressions as a column, as the
        command line shows a gradient's."""
        if len(self.exprs) == 1:
            return "$$" + self.latex() + "$$"
        column = " \\\\\n".join(map(latex, self.exprs))
        return "$$" + self.latex("\\begin{pmatrix}\n" + column + "\n\\end{pmatrix}") + "$$"


def _is_leaf(node: Expr) -> bool:
    return not children(node)


def _is_reciprocal(node: Expr) -> bool:
    return type(node) is Pow and type(node.exp) is Num and node.exp.value < 0


def worth_naming(node: Expr) -> bool:
    """A function call, a sum, or a product or power with a compound operand (not x^2, 2*x, x*y, nor a
    reciprocal)."""
    if type(node) in (Func, Derivative, Add):
        return True
    if _is_leaf(node) or _is_reciprocal(node):
        return False
    return any(not _is_leaf(c) and not (type(node) is Mul and is_number(c)) for c in children(node))


def _names(prefix: str, taken: set[str]) -> Iterator[Sym]:
    """prefix1, prefix2, ... skipping names the expressions use already."""
    for i in itertools.count(1):
        name = f"{prefix}{i}"
        if name not in taken:
            yield Sym(name)


def cse(exprs: Expr | Iterable[Expr], prefix: str = "t",
        worth: Callable[[Expr], bool] = worth_naming) -> CommonSubexpressions:
    """Name the parts of `exprs` (a list of expressions, or one) that occur more than once and are `worth`
    a name: prefix1, prefix2, ... `prefix` must start a name symdiff reads (a letter, then letters, digits and
    _), so that the names print and parse back: UsageError otherwise."""
    if not isinstance(prefix, str) or not NAME_PATTERN.match(prefix):
        raise UsageError(f"the prefix of the names must be a letter, then letters, digits or _, not {prefix!r}")
    return name_shared(exprs, prefix, worth)


def name_shared(exprs: Expr | Iterable[Expr], prefix: str,
                worth: Callable[[Expr], bool] = worth_naming) -> CommonSubexpressions:
    """cse with any prefix, unchecked: for names symdiff gives in code it generates, which no symbol written in
    symdiff's syntax can have (symdiff.numeric.compile's _t1, _t2, ...)."""
    roots = [exprs] if isinstance(exprs, Expr) else list(exprs)
    order = parents_first(roots)
    # occurrences[n]: how many times n appears in the result. A named node appears once (as its definition);
    # an unnamed one as often as it is used, so its operands inherit that count.
    occurrences = dict.fromkeys(order, 0)
    for root in roots:
        occurrences[root] += 1
    named: set[Expr] = set()
    for node in order:
        if occurrences[node] > 1 and worth(node):
            named.add(node)
        uses = 1 if node in named else occurrences[node]
        for child in children(node):
            occurrences[child] += uses

    taken: set[str] = set().union(*(r.free_symbols for r in roots)) if roots else set()
    taken |= {node.name for node in order
              if type(node) is Func or type(node) is Derivative}  # f1(x) and a symbol f1 would clash
    symbols = _names(prefix, taken)
    written: dict[Expr, Expr] = {}  # node -> the node written with the symbols named so far
    replacements: list[tuple[Sym, Expr]] = []
    for node in reversed(order):  # children first: a definition uses only earlier symbols
        kids = children(node)
        form = rebuild(node, [written[k] for k in kids]) if kids else node
        if node in named:
            symbol = next(symbols)
            replacements.append((symbol, form))
            form = symbol
        written[node] = form
    return CommonSubexpressions(replacements, [written[r] for r in roots])


# At most this many shared pairs of factors are named by shared_products (each pass re-reads the expressions).
MAX_SHARED_PRODUCTS = 200


def shared_products(found: CommonSubexpressions, prefix: str = "t") -> CommonSubexpressions:
    """`found` with, in addition, each pair of factors that two or more products share named, greedily, the
    most shared first: x*y*z and x*y*w become t*z and t*w with t = x*y. cse matches whole nodes only; this is
    for computing (symdiff.numeric.compile), where a shared multiplication is worth saving, not for reading."""

    replacements, exprs = list(found.replacements), list(found.exprs)
    everything = [d for _, d in replacements] + exprs
    taken: set[str] = set().union(*(e.free_symbols for e in everything)) if everything else set()
    symbols = _names(prefix, taken)
    for _ in range(MAX_SHARED_PRODUCTS):
        products = {n for e in [d for _, d in replacements] + exprs for n in subexpressions(e) if type(n) is Mul}
        counts: Counter[tuple[Expr, Expr]] = Counter()
        for product in products:
            factors = sorted({f for f in product.args if not is_number(f)}, key=sort_key)
            counts.update(combinations(factors, 2))
        if not counts:
            break
        pair, uses = max(counts.items(), key=lambda item: (item[1], [sort_key(f) for f in item[0]]))
        if uses < 2:
            break
        symbol = next(symbols)
        mapping: dict[Expr, Expr] = {}
        for product in products:
            if pair[0] in product.args and pair[1] in product.args:
                rest = list(product.args)
                rest.remove(pair[0])
                rest.remove(pair[1])
                mapping[product] = mul(symbol, *rest)
        replacements = [(s, substitute(d, mapping)) for s, d in replacements] + [(symbol, mul(*pair))]
        exprs = [substitute(e, mapping) for e in exprs]
    return CommonSubexpressions(_in_dependency_order(replacements), exprs)


def _in_dependency_order(replacements: list[tuple[Sym, Expr]]) -> list[tuple[Sym, Expr]]:
    """The replacements ordered so that each comes after those it uses (a depth-first topological sort)."""
    definitions = dict(replacements)
    ordered: list[tuple[Sym, Expr]] = []
    done: set[Sym] = set()

    def visit(symbol: Sym) -> None:
        stack = [(symbol, False)]
        while stack:
            current, expanded = stack.pop()
            if current in done:
                continue
            if expanded:
                done.add(current)
                ordered.append((current, definitions[current]))
                continue
            stack.append((current, True))
            stack.extend((Sym(name), False) for name in sorted(definitions[current].free_symbols)
                         if Sym(name) in definitions and Sym(name) not in done)

    for symbol, _ in replacements:
        visit(symbol)
    return ordered
