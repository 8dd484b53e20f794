"""The simplifier: canonical forms, then rewriting and choosing, as separate steps.

1. Canonical form (symdiff.simplification.canonical): exact folding, like terms and factors, identities,
   canonical order.
2. Inside out, every function argument and root is simplified first; then the expression is brought to one
   cancelled quotient of polynomials in those parts (symdiff.simplification.rational, with FLINT's gcd), which
   combines and cancels rational functions and takes out common factors; and the rewrite rules of
   symdiff.simplification.rules (trig, hyperbolic, exp/log, abs identities) are tried at every node.
3. A cost function picks the result: of all the forms found, the one with the shortest text (on a tie, the
   canonical form), so the result is never longer than the canonical input. A textbook's form with the
   fractions of a numerator cleared (textbook.cleared) is taken where it reads better (textbook.ReaderCost)
   and is still no longer than the form it came from.
   Text length is how an answer reads: x*exp(x)*(x + 2) beats x^2*exp(x) + 2*x*exp(x), while
   x^2*cos(x) + 2*x*sin(x) stays as a textbook writes it rather than x*(x*cos(x) + 2*sin(x)), as long.

Levels: "basic" is step 1 alone; "full" (the default) is all three.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import cast

from ..core.build import has_negative_sign, rebuild, substitute
from ..core.expr import NEG_ONE, Add, Derivative, Expr, Func, Mul, Num, Pow
from ..core.traversal import children, parents_first
from .canonical import Canonicalizer, canonical_add, canonical_function, canonical_mul, canonical_pow
from .cse import cse
from .rational import WrittenMemo, rational_candidates
from .rewrite import Rule, rewrites
from .rules import rewrite_rules
from .textbook import ReaderCost, cleared
from .trig import TRIG_TRIGGERS, trig_candidates

LEVELS = ("basic", "full")
# Sums with more terms than this are not searched by the sum rules (the search is quadratic in terms).
MAX_RULE_TERMS = 40
# A part of at least this many nodes (as a tree) that several results of simplify_all share is simplified once.
MIN_SHARED_SIZE = 40
# Candidate forms longer than this many times the best rewritten one are not rewritten.
REWRITE_REACH = 1.5
# Of the forms as short as the best, at most this many are simplified further (see Simplifier._simplify).
MAX_TIES = 3
# Rules are re-tried on a node's result at most this often (each success shrinks the node).
MAX_REWRITES_PER_NODE = 8


@functools.cache
def rules_by_head() -> dict[type[Expr] | tuple[type[Expr], str], list[Rule]]:
    """The rewrite rules by the kind of node their pattern is (a function's by its name), built once, on the
    first rule tried."""
    table: dict[type[Expr] | tuple[type[Expr], str], list[Rule]] = {}
    for rule in rewrite_rules():
        head = type(rule.pattern)
        key = (head, cast(Func, rule.pattern).name) if head is Func else head
        table.setdefault(key, []).append(rule)
    return table


def simplify(node: Expr, level: str = "full") -> Expr:
    """The simplified form of `node`: never bigger than its canonical form, and equal to it wherever defined."""
    return session(level)(node)


def session(level: str = "full") -> Callable[[Expr], Expr]:
    """simplify() at `level` with one memo for every node it is given: a derivative is simplified after its
    function, and each order after the one before, and the later ones are made of the earlier ones' parts
    (cos(u) beside u, a sum's terms again in the next order), which are then simplified once."""
    if level not in LEVELS:
        raise ValueError(f"unknown simplification level {level!r}: use one of {', '.join(LEVELS)}")
    return Canonicalizer() if level == "basic" else Simplifier().simplified


def _no_longer(result: Expr, form: Expr, simplifier: Simplifier) -> Expr:
    """The promise kept by construction: a result longer than the canonical form it came from is not taken
    (the choices are made node by node, and a form chosen inside, such as a cleared numerator, can print
    longer in the whole)."""
    return form if simplifier.cost(result) > simplifier.cost(form) else result


def simplify_all(nodes: Sequence[Expr], level: str = "full", simplifier: Simplifier | None = None) -> list[Expr]:
    """simplify() of each node, with one memo (`simplifier`'s, when the caller shares one between calls); and
    a large part shared between them (a gradient's components share the adjoints of backpropagation, each
    containing the network's whole output) is simplified once, standing for itself as a symbol while the rest
    is simplified, so that the cost stays proportional to the distinct parts rather than to the printed size."""
    if level not in LEVELS:
        raise ValueError(f"unknown simplification level {level!r}: use one of {', '.join(LEVELS)}")
    if level == "basic":
        canonicalizer = Canonicalizer()
        return [canonicalizer(n) for n in nodes]
    sizes = _tree_sizes(nodes)
    found = cse(nodes, prefix="shared__", worth=lambda n: sizes[n] >= MIN_SHARED_SIZE)
    simplifier = simplifier or Simplifier()
    canonicalizer = simplifier.canonical
    expanded: dict[Expr, Expr] = {}
    for symbol, definition in found.replacements:  # each uses only the symbols before it
        expanded[symbol] = canonicalizer(substitute(simplifier(canonicalizer(definition)), expanded))
    results = [canonicalizer(substitute(simplifier(canonicalizer(n)), expanded)) for n in found.exprs]
    return [_no_longer(result, canonicalizer(n), simplifier) for result, n in zip(results, nodes)]


def _tree_sizes(roots: Iterable[Expr]) -> dict[Expr, int]:
    """Tree size of every node under `roots` (a shared part counted each time), children before parents."""
    sizes: dict[Expr, int] = {}
    for node in reversed(parents_first(list(roots))):
        sizes[node] = 1 + sum(sizes[c] for c in children(node))
    return sizes


def cost(node: Expr) -> int:
    """Smaller is simpler: the length of the text, folded over the tree (textbook.ReaderCost, no printing); ties
    keep the earlier, canonical, form."""
    return ReaderCost().width(node)


def _is_rational_part(node: Expr) -> bool:
    """Sums, products and integer powers: the operations of a rational function."""
    kind = type(node)
    return kind in (Add, Mul) or type(node) is Pow and type(node.exp) is Num and isinstance(node.exp.value, int)


def _has_sum_to_combine(node: Expr) -> bool:
    """Whether bringing `node` to one cancelled quotient can change it: a sum of two or more terms, or a
    product with a sum among its factors. A monomial, or a power of one sum, is already its own quotient."""
    if type(node) is Add:
        return True
    if type(node) is Mul:
        return any(type(f) is Add or type(f) is Pow and type(f.base) is Add for f in node.args)
    return False


def _rebuilt(node: Expr, parts: list[Expr]) -> Expr:
    """`node` with `parts` as its children; the node itself when they are its own (the simplifier's nodes are
    canonical, and a canonical node rebuilt from its own children is itself: the rebuilding is skipped)."""
    return node if all(map(operator.is_, parts, children(node))) else rebuild(node, parts)


def _sign_absorbed(node: Expr) -> Expr | None:
    """-a*(x - 1) as a*(1 - x): a product's minus sign taken into one of its sums (None if it has none)."""
    if type(node) is not Mul or not has_negative_sign(node):
        return None
    for i, factor in enumerate(node.args):
        base, exponent = (factor.base, factor.exp) if type(factor) is Pow else (factor, None)
        if type(base) is Add and (exponent is None or type(exponent) is Num and exponent.value % 2 == 1):
            negated = canonical_add([canonical_mul([NEG_ONE, t]) for t in base.args])
            flipped = negated if exponent is None else canonical_pow(negated, exponent)
            return canonical_mul([NEG_ONE, *node.args[:i], flipped, *node.args[i + 1:]])
    return None


class Simplifier:
    """Steps 2 and 3 on a canonical expression, memoised per node."""

    def __init__(self) -> None:
        self.memo: dict[Expr, Expr] = {}
        self.active: set[Expr] = set()                # nodes being simplified, to break cycles between forms
        self.rewritten: dict[Expr, Expr] = {}   # rewrite_everywhere's results, shared by all candidates
        self.canonical = Canonicalizer()        # one memo for every canonical form taken here
        self.reader = ReaderCost()              # the cost, folded over the tree once per node
        self.costs: dict[Expr, int] = {}
        self.written: WrittenMemo = {}  # polynomials written back as expressions (see RationalForm.to_expr)
        self.names: dict[Expr, frozenset[str]] = {}  # function names under each node
        self.name_sets: dict[frozenset[str], frozenset[str]] = {}  # each set of names once (function_names)
        self.roots: dict[Expr, bool] = {}  # whether a root is under each node (see has_root)
        self.clock = self.canonical.clock      # the time budget, checked at every node simplified and every rewrite

    def simplified(self, node: Expr) -> Expr:
        """simplify(node), with this simplifier's memo."""
        form = self.canonical(node)
        return _no_longer(self(form), form, self)

    def __call__(self, node: Expr) -> Expr:
        """Steps 2 and 3 on the canonical `node`."""
        result = self.memo.get(node)
        if result is None:
            if node in self.active:
                # A form reached again while it is being simplified: rules can shrink an expanded form back
                # into this one (sin(2*x) -> 2*sin(x)*cos(x) -> ... -> sin(2*x)); the cycle ends here.
                return node
            self.clock.check()
            self.active.add(node)
            try:
                result = self._simplify(node)
            finally:
                self.active.discard(node)
            self.memo[node] = result
            self.memo[result] = result
        return result

    def _simplify(self, node: Expr) -> Expr:
        if type(node) is Func:
            node = canonical_function(node.name, [self(a) for a in node.arguments])
            return self.rewrite(node)
        if type(node) is Derivative:
            return Derivative(node.name, node.orders, *(self(a) for a in node.arguments))
        if type(node) is Pow and not _is_rational_part(node):
            return self.rewrite(canonical_pow(self(node.base), self(node.exp)))
        if not _is_rational_part(node):
            return node  # a leaf
        # A rational function of simpler parts: simplify the parts, then choose among its forms.
        node = self.canonical(self._map_parts(node))
        candidates = [node]
        if _has_sum_to_combine(node):
            candidates += rational_candidates(node, self.cost(node), self.written)
        if not self.function_names(node).isdisjoint(TRIG_TRIGGERS):  # one basis for trig and hyperbolic algebra
            candidates += trig_candidates(node, self.cost, self.written)
        shortest = self.best_rewritten(candidates)
        best = shortest[0]
        # A minus sign taken into a sum changes only signs, so it is tried on the winner alone (trying it on
        # every candidate doubled the cost of rewriting long expansions).
        absorbed = _sign_absorbed(best)
        if absorbed is not None:
            best = min(best, self.rewrite_everywhere(absorbed), key=self.cost)
        textbook = cleared(best)  # as a textbook prints it: if it reads better, and is no longer than the input
        if textbook is not None and self.reader(textbook) < self.reader(best) \
                and self.cost(textbook) <= self.cost(node):
            best = textbook
        if best is not node and self.cost(best) < self.cost(node) and _is_rational_part(best):
            # A new form may simplify further: (x + 1)^2 - 2*x - 1 inside a product. So may another as short
            # ((1 - cos(x))/sin(x)^2 beside csc(x)^2*(1 - cos(x)): 1/(cos(x) + 1)); of the results, the shortest,
            # and on a tie the one in the input's own functions (2*sec(x)^2*tan(x), not 2*sin(x)/cos(x)^3).
            own = self.function_names(node)
            results = [self(best)] + [self(form) for form in shortest[1:MAX_TIES] if _is_rational_part(form)]
            return min(results, key=lambda form: (self.cost(form), len(self.function_names(form) - own)))
        return best

    def best_rewritten(self, candidates: list[Expr]) -> list[Expr]:
        """The shortest of the candidates after rewriting (all those as short, in order: simplified further,
        one of them may go further than the first), shortest first; a candidate REWRITE_REACH times as long as
        the best found so far is not rewritten (a rule rarely shrinks a form that much, and rewriting every term
        of a long expansion is the simplifier's costliest step)."""
        shortest: list[Expr] = []
        for candidate in sorted(dict.fromkeys(candidates), key=self.cost):
            if shortest and self.cost(candidate) > REWRITE_REACH * self.cost(shortest[0]):
                break
            rewritten = self.rewrite_everywhere(candidate)
            if not shortest or self.cost(rewritten) < self.cost(shortest[0]):
                shortest = [rewritten]
            elif self.cost(rewritten) == self.cost(shortest[0]) and rewritten not in shortest:
                shortest.append(rewritten)
        return shortest  # never empty: there is always a candidate

    def _map_parts(self, node: Expr) -> Expr:
        """`node` with each non-rational part (function, root, derivative) simplified."""
        if not _is_rational_part(node):
            return self(node)
        return _rebuilt(node, [self._map_parts(c) for c in children(node)])

    # -- rewriting --
    def cost(self, node: Expr) -> int:
        found = self.costs.get(node)
        if found is None:
            found = self.costs[node] = self.reader.width(node)
        return found

    def function_names(self, node: Expr) -> frozenset[str]:
        found = self.names.get(node)
        if found is None:
            found = frozenset().union(*(self.function_names(c) for c in children(node)))
            if type(node) is Func:
                found = found | {node.name}
            # one set per distinct set of names (a derivative's ten thousand nodes have a handful): a new
            # set per node was a quarter of the memory that simplifying a large derivative took
            found = self.names[node] = self.name_sets.setdefault(found, found)
        return found

    def has_root(self, node: Expr) -> bool:
        """Whether a power with an exponent that is not a whole number (a root: x^(1/2), x^(3/2)) is in node."""
        found = self.roots.get(node)
        if found is None:
            found = (type(node) is Pow and not (type(node.exp) is Num and isinstance(node.exp.value, int))) or \
                any(self.has_root(c) for c in children(node))
            self.roots[node] = found
        return found

    def rules_for(self, node: Expr) -> list[Rule]:
        key = (Func, node.name) if type(node) is Func else type(node)
        names = self.function_names(node)
        if not names and not self.has_root(node):
            # the rules that name no function are of roots (sqrt(a^2), (a^n)^m with m a fraction ...): none
            # applies to a polynomial or rational function, which so never parses the rules (rules.rewrite_rules)
            return []
        return [rule for rule in rules_by_head().get(key, ()) if rule.functions <= names]

    def rewrite(self, node: Expr) -> Expr:
        """Apply the rules at the top of `node` while one makes it smaller."""
        for _ in range(MAX_REWRITES_PER_NODE):
            if type(node) is Add and len(node.args) > MAX_RULE_TERMS:
                return node
            best, best_cost = node, self.cost(node)
            for rule in self.rules_for(node):
                for candidate in rewrites(rule, node):
                    self.clock.check()
                    candidate = self.canonical(candidate)
                    candidate_cost = self.cost(candidate)
                    if candidate_cost < best_cost:
                        best, best_cost = candidate, candidate_cost
            if best is node:
                return node
            node = self(best)  # the rewritten node may simplify further (each step is strictly smaller)
        return node

    def rewrite_everywhere(self, node: Expr) -> Expr:
        """The rules applied bottom-up over the rational skeleton of `node` (its parts are done already)."""
        found = self.rewritten.get(node)
        if found is None:
            if _is_rational_part(node):
                rebuilt = _rebuilt(node, [self.rewrite_everywhere(c) for c in children(node)])
                rebuilt = rebuilt if rebuilt is node else self.canonical(rebuilt)
                found = self.rewrite(rebuilt) if _is_rational_part(rebuilt) else rebuilt
            else:
                found = node
            self.rewritten[node] = found
        return found

