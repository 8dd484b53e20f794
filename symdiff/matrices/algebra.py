"""Simplification in matrix algebra: the identities of the Matrix Cookbook as rewrite rules, chosen by length.

The builders (symdiff.matrices.nodes) keep a light normal form: flat sums with like terms collected, products as
coefficient * scalars * chain, transposes pushed down to the symbols. What they do not do needs a choice, because
the identity can make an expression longer as well as shorter: factoring (A*x + A'*x = (A + A')*x), writing a
scalar as its transpose (x'*A'*b = b'*A*x), rotating a trace, cancelling inverses, turning diag(a)*b into a .* b.

`simplify(node)` applies the rules of RULES (one small function per identity, node -> node or None) bottom-up,
to a fixed point, and keeps a rewrite only when it is smaller by `key`: first the cost (the length of the text,
what a reader sees), then fewer transposes, then differentials last (df = tr(G'*dX) is how the gradient is read),
then the text itself, so that of two equally long forms (x'*y and y'*x, tr(A*B) and tr(B*A)) one is canonical.
The order is strict, so the rewriting ends; MAX_REWRITES and MAX_VISITS bound it anyway, and the time budget in
force is checked at every node and every rewrite tried (symdiff.core.budget's Clock, as the scalar simplifier does).
A rewritten form is simplified before it is compared, so a step that only pays off further in (the sum inside
(diag(a)*X - diag(b)*X) = (diag(a) - diag(b))*X becoming diag(a - b)) is taken; one that pays off only further
out is not, which is why some rules look through a form (a sum's terms are grouped by their Kronecker form,
s*vec(s*x')' as kron(x', s*s'), although that form alone is longer).
The cost is len(str(node)): measured on the ML losses' derivatives, printing is about an eighth of the time (the
scalar simplifier, on the entrywise parts, most of the rest), so a cost folded over the tree would not pay.

Every rule is an identity that holds wherever its input is defined, so the result is equal to the input; the
result is never longer than the input, whose own form is the fallback.

Entrywise parts (exp.(u) .* (exp.(u) + ones(m)).^(-1)) are simplified as scalars, with symdiff's simplifier and a
few rules of its rewrite engine that name the ML functions (sigmoid, softplus), then put back entrywise.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Callable, Sequence

from ..core.budget import Clock
from ..core.errors import SymdiffError, UsageError
from ..core.expr import ONE, Expr, Func, Num, Pow, Sym
from ..core.expr import Add as ScalarAdd
from ..core.expr import Mul as ScalarMul
from ..core.build import add as scalar_add
from ..core.build import mul as scalar_mul
from ..core.build import power as scalar_power
from ..core.build import number, substitute
from ..simplification.canonical import canonical
from ..simplification.rewrite import Rule as ScalarRule
from ..simplification.rewrite import function_names, make_rule, rewrites
from ..simplification.simplifier import simplify as scalar_simplify
from . import nodes as m
from .nodes import MatExpr

# At most this many rewrites are accepted in one call of simplify (each one makes the key smaller).
MAX_REWRITES = 500
# At most this many nodes are simplified in one call (the rewritten forms tried, rejected ones too, and their parts).
MAX_VISITS = 20_000
# Sums with more terms than this are not factored (the groupings tried grow with the terms).
MAX_FACTOR_TERMS = 24
# A number is taken out of a sum only when that saves this many characters: 2*X'*(X*w - y) + 2*lambda*w reads
# better than 2*(X'*(X*w - y) + lambda*w), one character longer, as the Cookbook prints it.
NUMBER_FACTOR_SAVING = 2
# Chains longer than this are not rotated in a trace.
MAX_ROTATE = 8

Rule = Callable[[Any], "MatExpr | None"]  # each takes the node kind it is listed under
Key = tuple[int, int, int, str]


def simplify(node: MatExpr) -> MatExpr:
    """An equal expression, never longer by the text, in the Matrix Cookbook's forms."""
    simplifier = Simplifier()
    result = simplifier(node)
    return result if simplifier.key(result) <= simplifier.key(node) else node


# ------------------------------------------------------------------------------------------------ the helpers

def _transposes(node: MatExpr) -> int:
    """How many transposes the text shows."""
    own = 1 if isinstance(node, m.Transpose) else 0
    return own + sum(_transposes(c) for c in node.children)


def _differentials_early(node: MatExpr) -> int:
    """Products in which a differential is not in the last factor (x'*dx is read as g'*dx, dx'*x is not)."""
    if not any(isinstance(s, m.Differential) for s in node.symbols):
        return 0
    own = 0
    if isinstance(node, m.MatMul) and node.chain:
        last = node.chain[-1]
        if not any(isinstance(s, m.Differential) for s in last.symbols):
            own = 1
    return own + sum(_differentials_early(c) for c in node.children)


def _parts(term: MatExpr) -> tuple[Expr, tuple[MatExpr, ...], tuple[MatExpr, ...]]:
    """A term as (number coefficient, scalar factors, chain)."""
    if isinstance(term, m.MatMul):
        return term.coefficient, term.scalars, term.chain
    if isinstance(term, m.Scalar):
        return term.value, (), ()
    if term.is_scalar:
        return ONE, (term,), ()
    return ONE, (), (term,)


def _scalar_view(term: MatExpr) -> tuple[Expr, tuple[MatExpr, ...]]:
    """A scalar term as coefficient and scalar factors, its chain (x'*A*x) as one of them."""
    c, scalars, chain = _parts(term)
    if chain:
        scalars = scalars + ((chain[0] if len(chain) == 1 else m.MatMul(ONE, (), chain)),)
    return c, scalars


def _times(c: Expr, *factors: MatExpr) -> MatExpr:
    return m.mul(m.Scalar(c), *factors)


def _without(items: Sequence[MatExpr], item: MatExpr) -> list[MatExpr]:
    rest = list(items)
    rest.remove(item)
    return rest


# -------------------------------------------------------------------------------------------------- sums

Split = tuple[str, "MatExpr | None", MatExpr]  # (kind, factor, rest): the term is the factor and rest combined

# How a factor and a sum of rests combine, by kind of split: s*(a + b), L*(a + b), (a + b)*R, f .* (a + b),
# kron(P, Q + R), kron(P + Q, R), diag(a + b), tr(A + B).
_COMBINE: dict[str, Callable[[Any, MatExpr], MatExpr]] = {
    "scalar": lambda f, total: m.mul(f, total),
    "left": lambda f, total: m.mul(f, total),
    "right": lambda f, total: m.mul(total, f),
    "hadamard": lambda f, total: m.hadamard(f, total),
    "kron left": lambda f, total: m.kron(f, total),
    "kron right": lambda f, total: m.kron(total, f),
    "diag": lambda f, total: m.diag(total),
    "trace": lambda f, total: _trace_of_sum(total),
}


def _splits(term: MatExpr) -> list[Split]:
    """The ways a term is a factor combined with a rest: 2*c*A*x is c with 2*A*x, A with 2*c*x, x with 2*c*A."""
    c, scalars, chain = _parts(term)
    found: list[Split] = []
    view = _scalar_view(term)[1] if term.is_scalar else scalars
    for s in dict.fromkeys(view):
        others = _without(view, s)
        found.append(("scalar", s, _times(c, *others) if term.is_scalar else _times(c, *others, *chain)))
    chains = [(scalars, chain)]
    if term.is_scalar:  # the chain of a scalar factor (2*x'*A*y holds x'*A*y as one) is split as well
        chains += [(tuple(_without(scalars, f)), f.chain) for f in dict.fromkeys(scalars)
                   if isinstance(f, m.MatMul) and f.coefficient is ONE and not f.scalars and len(f.chain) > 1]
    for beside, factors in chains:
        found += _chain_splits(c, beside, factors)
        if term.is_scalar and len(factors) > 1:  # a scalar is its transpose: x'*A*dx shares dx with x'*A'*dx
            flipped = m.transpose(m.MatMul(ONE, (), factors))
            if isinstance(flipped, m.MatMul):
                found += _chain_splits(c, beside, flipped.chain)
    k, rest = m.split_coefficient(term)
    as_kron = _kron_view(term)
    if as_kron is not None:
        k, rest = m.split_coefficient(as_kron)
    if isinstance(rest, m.Hadamard):
        found += [("hadamard", f, _times(k, m.hadamard(*_without(rest.factors, f))))
                  for f in dict.fromkeys(rest.factors)]
    elif isinstance(rest, m.Power) and not rest.is_scalar and isinstance(rest.exponent, Num) \
            and isinstance(rest.exponent.value, int) and rest.exponent.value > 1:  # a.^2 is a .* a
        found.append(("hadamard", rest.arg, _times(k, m.power(rest.arg, rest.exponent.value - 1))))
    elif isinstance(rest, m.Kron):
        found += [("kron left", rest.left, _times(k, rest.right)), ("kron right", rest.right, _times(k, rest.left))]
    elif isinstance(rest, m.Diag):
        found.append(("diag", None, _times(k, rest.arg)))
    elif isinstance(rest, m.Trace):
        found.append(("trace", None, _times(k, rest.arg)))
    return found


def _trace_of_sum(total: MatExpr) -> MatExpr:
    """tr(A*X) + tr(B*X) = tr((A + B)*X): the sum factored first (the trace of a sum is the sum of the traces)."""
    if isinstance(total, m.Add):
        candidates = [c for c in _factored_candidates(total) if not isinstance(c, m.Add)]
        if candidates:
            return m.trace(min(candidates, key=_cost))
    return m.trace(total)


def _chain_splits(c: Expr, scalars: Sequence[MatExpr], chain: Sequence[MatExpr]) -> list[Split]:
    if not chain:
        return []
    first, last = chain[0], chain[-1]
    return [("left", first, _times(c, *scalars, *(chain[1:] or (m.identity(first.shape[1]),)))),
            ("right", last, _times(c, *scalars, *(chain[:-1] or (m.identity(last.shape[0]),))))]


def _factored_candidates(node: m.Add) -> list[MatExpr]:
    """Each way of taking a factor out of some terms: a scalar factor, a left or right factor of the chains, a
    Hadamard factor, a Kronecker operand, diag; and a number common to all the coefficients."""
    terms = node.terms
    if len(terms) > MAX_FACTOR_TERMS:
        return []
    groups: dict[tuple[str, MatExpr | None], dict[int, MatExpr]] = {}
    for i, t in enumerate(terms):
        for kind, factor, rest in _splits(t):
            groups.setdefault((kind, factor), {}).setdefault(i, rest)
    found: list[MatExpr] = []
    for (kind, factor), rests in groups.items():
        if len(rests) > 1:
            factored = _COMBINE[kind](factor, _common_number_out(list(rests.values())))
            found.append(m.add(factored, *(t for i, t in enumerate(terms) if i not in rests)))
    # 2*a - 2*b = 2*(a - b), when that is clearly shorter
    g = _common_number(list(terms))
    if g is not None:
        inverse = canonical(scalar_power(g, Num(-1)))
        factored = _times(g, m.add(*(_times(inverse, t) for t in terms)))
        if _cost(factored) <= _cost(node) - NUMBER_FACTOR_SAVING:
            found.append(factored)
    return found


def _common_number_out(terms: list[MatExpr]) -> MatExpr:
    """The sum of the terms with a number common to all their coefficients taken out (2*X*w - 2*y = 2*(X*w - y)):
    in front of a product it joins the product's coefficient (2*X'*(X*w - y))."""
    total = m.add(*terms)
    g = _common_number(list(total.terms) if isinstance(total, m.Add) else [total])
    if g is None:
        return total
    inverse = canonical(scalar_power(g, Num(-1)))
    return _times(g, m.add(*(_times(inverse, t) for t in terms)))


def _common_number(terms: list[MatExpr]) -> Num | None:
    """The size of the number coefficient every term has (up to sign), unless it is 1."""
    sizes = set()
    for t in terms:
        c = m.split_coefficient(t)[0]
        if not isinstance(c, Num) or isinstance(c.value, float):
            return None
        sizes.add(abs(Fraction(c.value)))
    if len(sizes) != 1:
        return None
    size = sizes.pop()
    if size in (0, 1):
        return None
    g = number(size.numerator if size.denominator == 1 else size)
    return g if isinstance(g, Num) else None


# ------------------------------------------------------------------------------------------------ the rules

def factor_sum(node: m.Add) -> MatExpr | None:
    """A*x + A'*x = (A + A')*x; X'*X*w - X'*y = X'*(X*w - y); c*x + c*y = c*(x + y); diag(a) + diag(b)."""
    candidates = _factored_candidates(node)
    return min(candidates, key=_cost) if candidates else None


def scalar_transpose(node: m.MatMul) -> MatExpr | None:
    """s = s' for a scalar s: b'*A*x = x'*A'*b."""
    if not (node.is_scalar and len(node.chain) > 1):
        return None
    return _times(node.coefficient, *node.scalars, m.transpose(m.MatMul(ONE, (), node.chain)))


def expand_inverse(node: m.MatMul) -> MatExpr | None:
    """inv(A*B) = inv(B)*inv(A) for square factors (kept when something cancels: A'*inv(A*Y*B)'*B' = inv(Y)')."""
    for i, f in enumerate(node.chain):
        inner = f.arg if isinstance(f, m.Transpose) else f
        if isinstance(inner, m.Inverse) and isinstance(inner.arg, m.MatMul) and not inner.arg.scalars \
                and inner.arg.coefficient is ONE and all(g.shape[0] == g.shape[1] for g in inner.arg.chain):
            expanded = m.mul(*(m.inverse(g) for g in reversed(inner.arg.chain)))
            if isinstance(f, m.Transpose):
                expanded = m.transpose(expanded)
            return _times(node.coefficient, *node.scalars, *node.chain[:i], expanded, *node.chain[i + 1:])
    return None


def cancel_inverses(node: m.MatMul) -> MatExpr | None:
    """inv(A)*A = A*inv(A) = I (and inv(A)'*A' = I)."""
    chain = node.chain
    for i in range(len(chain) - 1):
        p, q = chain[i], chain[i + 1]
        if isinstance(p, (m.Inverse, m.Transpose)) or isinstance(q, (m.Inverse, m.Transpose)):
            if p.shape[0] == p.shape[1] == q.shape[0] == q.shape[1] and m.inverse(q) == p:
                rest = chain[:i] + (m.identity(p.shape[0]),) + chain[i + 2:]
                return _times(node.coefficient, *node.scalars, *rest)
    return None


def diag_products(node: m.MatMul) -> MatExpr | None:
    """diag(a)*b = a .* b, b'*diag(a) = (a .* b)', diag(a)*diag(b) = diag(a .* b), ones(n)'*x = sum(x)."""
    chain = node.chain
    for i in range(len(chain) - 1):
        p, q = chain[i], chain[i + 1]
        joined: MatExpr | None = None
        if isinstance(p, m.Diag) and isinstance(q, m.Diag):
            joined = m.diag(m.hadamard(p.arg, q.arg))
        elif isinstance(p, m.Diag) and q.shape[1] is ONE:
            joined = m.hadamard(p.arg, q)
        elif isinstance(q, m.Diag) and p.shape[0] is ONE:
            joined = m.transpose(m.hadamard(q.arg, m.transpose(p)))
        elif isinstance(p, m.Ones) and p.shape[0] is ONE and q.shape[1] is ONE:
            joined = m.sum_of(q)
        if joined is not None:
            return _times(node.coefficient, *node.scalars, *chain[:i], joined, *chain[i + 2:])
    return None


def _as_kron(node: MatExpr) -> m.Kron | None:
    """The node as a Kronecker product: itself, or vec(u*v') = kron(v, u) for vectors u, v (and transposed)."""
    if isinstance(node, m.Kron):
        return node
    if isinstance(node, m.Transpose):
        inner = _as_kron(node.arg)
        flipped = m.transpose(inner) if inner is not None else None
        return flipped if isinstance(flipped, m.Kron) else None
    if isinstance(node, m.Vec) and isinstance(node.arg, m.MatMul) and len(node.arg.chain) == 2 \
            and node.arg.coefficient is ONE and not node.arg.scalars:
        u, row = node.arg.chain
        if u.shape[1] is ONE and row.shape[0] is ONE:
            found = m.kron(m.transpose(row), u)
            return found if isinstance(found, m.Kron) else None
    return None


def _joined_kron(p: MatExpr, q: MatExpr) -> MatExpr | None:
    """Two neighbours of a chain as one Kronecker product, if the mixed-product rule joins them."""
    kp, kq = _as_kron(p), _as_kron(q)
    if kp is not None and kq is not None:
        if kp.left.shape[1] == kq.left.shape[0] and kp.right.shape[1] == kq.right.shape[0]:
            return m.kron(m.mul(kp.left, kq.left), m.mul(kp.right, kq.right))
    elif kq is not None and kq.left.shape[0] is ONE and p.shape[1] == kq.right.shape[0]:
        return m.kron(kq.left, m.mul(p, kq.right))
    elif kp is not None and kp.left.shape[1] is ONE and kp.right.shape[1] == q.shape[0]:
        return m.kron(kp.left, m.mul(kp.right, q))
    return None


def kron_products(node: m.MatMul) -> MatExpr | None:
    """kron(A, B)*kron(C, D) = kron(A*C, B*D); M*kron(p', Q) = kron(p', M*Q); kron(p, Q)*M = kron(p, Q*M);
    vec(u*v') = kron(v, u) among them."""
    chain = node.chain
    for i in range(len(chain) - 1):
        joined = _joined_kron(chain[i], chain[i + 1])
        if joined is not None:
            return _times(node.coefficient, *node.scalars, *chain[:i], joined, *chain[i + 2:])
    return None


def _kron_view(term: MatExpr) -> MatExpr | None:
    """The term as one Kronecker product, when the mixed-product rule makes it one (s*vec(s*x')' is
    kron(x', s*s')): a sum of such terms may share an operand although the kron form alone is longer."""
    k, rest = m.split_coefficient(term)
    if isinstance(rest, m.Kron) or not isinstance(rest, m.MatMul) or rest.scalars:
        return None
    chain = [(_as_kron(f) or f) for f in rest.chain]
    while len(chain) > 1:
        joined = _joined_kron(chain[0], chain[1])
        if joined is None:
            return None
        chain[:2] = [joined]
    return _times(k, chain[0]) if isinstance(chain[0], m.Kron) else None


def negation_into_sum(node: m.MatMul) -> MatExpr | None:
    """-(a - b) = b - a: a negative coefficient taken into a sum among the factors."""
    c = node.coefficient
    if not (isinstance(c, Num) and c.value < 0):
        return None
    for i, f in enumerate(node.chain):
        if isinstance(f, m.Add):
            chain = node.chain[:i] + (_negated(f),) + node.chain[i + 1:]
            return _times(Num(-c.value), *node.scalars, *chain)
    for i, s in enumerate(node.scalars):
        if isinstance(s, m.Add):
            scalars = node.scalars[:i] + (_negated(s),) + node.scalars[i + 1:]
            return _times(Num(-c.value), *scalars, *node.chain)
    return None


def _negated(node: m.Add) -> MatExpr:
    return m.add(*(m.neg(t) for t in node.terms))


def norm_from_inner(node: m.MatMul) -> MatExpr | None:
    """v'*v = norm(v)^2 (kept when shorter: (X*w - y)'*(X*w - y))."""
    if len(node.chain) == 2 and node.is_scalar and node.chain[0] == m.transpose(node.chain[1]):
        return _times(node.coefficient, *node.scalars, m.power(m.norm(node.chain[1]), 2))
    return None


def inner_from_norm(node: m.Power) -> MatExpr | None:
    """norm(v)^2 = v'*v for a vector v (kept when shorter: x'*x)."""
    if isinstance(node.arg, m.Norm) and node.exponent == Num(2) and node.arg.arg.shape[1] is ONE:
        v = node.arg.arg
        return m.mul(m.transpose(v), v)
    return None


def scalars_out_of_diag(node: m.Diag) -> MatExpr | None:
    """diag(c*v) = c*diag(v) for a scalar c."""
    arg = node.arg
    if isinstance(arg, m.MatMul) and (arg.coefficient is not ONE or arg.scalars) and arg.chain:
        return _times(arg.coefficient, *arg.scalars, m.diag(m.MatMul(ONE, (), arg.chain) if len(arg.chain) > 1
                                                             else arg.chain[0]))
    return None


def rotate_trace(node: m.Trace) -> MatExpr | None:
    """tr(A*B) = tr(B*A) = tr(A'*B'), to the canonical rotation; tr(x*y') = y'*x."""
    arg = node.arg
    if not isinstance(arg, m.MatMul) or len(arg.chain) < 2 or len(arg.chain) > MAX_ROTATE:
        return None
    chain = arg.chain
    transposed = tuple(m.transpose(f) for f in reversed(chain))
    candidates = []
    for order in (chain, transposed):
        for k in range(len(order)):
            rotated = order[k:] + order[:k]
            candidates.append(m.trace(_times(arg.coefficient, *arg.scalars, *rotated)))
    return min(candidates, key=key)


def sum_of_products(node: m.Sum) -> MatExpr | None:
    """sum(x .* y) = x'*y, sum(A .* B) = tr(A'*B)."""
    arg = node.arg
    if not isinstance(arg, m.Hadamard):
        return None
    candidates = []
    for f in dict.fromkeys(arg.factors):
        rest = m.hadamard(*_without(arg.factors, f))
        inner = m.mul(m.transpose(f), rest)
        candidates.append(inner if f.shape[1] is ONE else m.trace(inner))
    return min(candidates, key=key)


# ------------------------------------------------------------------------------------ entrywise, as scalars

# Scalar identities the scalar simplifier does not know, with the ML functions' names.
ENTRYWISE_RULES: list[ScalarRule] = [
    make_rule("sigmoid", "exp(a)*(exp(a) + 1)^(-1) => sigmoid(a)"),
    make_rule("sigmoid of minus", "(exp(a) + 1)^(-1) => sigmoid(-a)"),
    make_rule("sigmoid of minus, a factor", "b*(exp(a) + 1)^(-1) => b*sigmoid(-a)"),
    make_rule("sigmoid derivative", "exp(a)*(exp(a) + 1)^(-2) => sigmoid(a)*(1 - sigmoid(a))"),
    make_rule("softplus", "log(exp(a) + 1) => softplus(a)"),
]
_ENTRYWISE = (m.Hadamard, m.Apply, m.Power)
# Functions the scalar simplifier sees (exp as a symbol E, sigmoid as 1/(1 + 1/E), softplus as log(1 + E)); the
# others stay opaque, so that 1 - tanh.(u).^2 is not traded for sech.(u).^2, nor a polynomial in tanh for cosh.
_TRANSPARENT = frozenset({"log"})
# The functions a result may have: those the rules above speak of (exp, log, sigmoid, softplus).
_NAMED = frozenset().union(*(function_names(r.pattern) | function_names(r.replacement) for r in ENTRYWISE_RULES))


def _is_entrywise(node: MatExpr) -> bool:
    if isinstance(node, _ENTRYWISE):
        return True
    if isinstance(node, m.MatMul):
        return len(node.chain) == 1 and _is_entrywise(node.chain[0])
    if isinstance(node, m.Add):
        return any(_is_entrywise(t) for t in node.terms)
    return False


def entrywise_as_scalars(node: MatExpr) -> MatExpr | None:
    """An entrywise expression (a .* f.(u) .* (g.(u) + 1).^(-1)) simplified as the scalar formula of an entry."""
    if node.is_scalar or not _is_entrywise(node):
        return None
    translation = _ToScalar()
    try:
        formula = translation(node)
    except m.NotMatrixFormError:
        return None
    try:
        simpler = _named(translation.with_exp(scalar_simplify(formula)))
    except SymdiffError:
        return None
    if not function_names(simpler) <= _NAMED:
        return None
    back = {symbol: leaf for leaf, symbol in translation.leaves.items()}
    try:
        return _from_scalar(simpler, back, node.shape)
    except UsageError:  # NotMatrixFormError: a scalar form with no entrywise one; a ShapeError
        return None


def _named(e: Expr) -> Expr:
    """The ML functions named where the rules find them (taken even when longer: sigmoid(u)*(1 - sigmoid(u)) is
    how a reader knows the logistic loss's Hessian; the cost of the whole matrix expression still decides)."""
    for _ in range(len(ENTRYWISE_RULES) * 2):
        for rule in ENTRYWISE_RULES:
            rewritten = next(iter(rewrites(rule, e)), None)
            if rewritten is not None:
                e = canonical(rewritten)
                break
        else:
            return e
    return e


class _ToScalar:
    """The scalar formula of one entry: each non-entrywise part (X*w, y) a symbol, and each exp.(u) one too, so
    that the scalar simplifier works with rational functions of exp(u) (exp(u)^2/(exp(u) + 1)^2 - exp(u)/(exp(u)
    + 1) is -exp(u)/(exp(u) + 1)^2) and does not trade exp for cosh; `with_exp` puts the exponentials back."""

    def __init__(self) -> None:
        self.leaves: dict[MatExpr, Sym] = {}
        self.exponents: dict[Expr, Expr] = {}  # the symbol of exp.(u) -> u's formula

    def leaf(self, node: MatExpr) -> Sym:
        found = self.leaves.get(node)
        if found is None:
            found = self.leaves[node] = Sym(f"_entry{len(self.leaves)}")
        return found

    def exp(self, arg: MatExpr) -> Expr:
        c, rest = m.split_coefficient(arg)
        if isinstance(c, Num) and isinstance(c.value, int) and c.value != 1:  # exp(-2*u) = exp(u)^(-2)
            return scalar_power(self.exp(rest), c)
        found = self.leaf(m.apply("exp", arg))
        if found not in self.exponents:
            self.exponents[found] = self(arg)
        return found

    def with_exp(self, e: Expr) -> Expr:
        for _ in range(len(self.exponents)):  # exp inside exp: one level per pass
            if not any(s in self.exponents for s in _symbols(e)):
                break
            e = substitute(e, {s: Func("exp", u) for s, u in self.exponents.items()})
        return canonical(e)

    def __call__(self, node: MatExpr) -> Expr:
        if isinstance(node, m.Apply) and node.name == "exp":
            return self.exp(node.arg)
        if isinstance(node, m.Apply) and node.name == "sigmoid":  # 1/(1 + exp(-u))
            return scalar_power(scalar_add(ONE, self.exp(m.neg(node.arg))), Num(-1))
        if isinstance(node, m.Apply) and node.name == "softplus":  # log(1 + exp(u))
            return Func("log", scalar_add(ONE, self.exp(node.arg)))
        if isinstance(node, m.Hadamard):
            return scalar_mul(*(self(f) for f in node.factors))
        if isinstance(node, m.Apply) and node.name in _TRANSPARENT:
            return Func(node.name, self(node.arg))
        if isinstance(node, m.Power):
            return scalar_power(self(node.arg), node.exponent)
        if isinstance(node, m.Add):
            return scalar_add(*(self(t) for t in node.terms))
        if isinstance(node, m.MatMul) and len(node.chain) == 1:
            return scalar_mul(node.coefficient, *(self(s) for s in node.scalars), self(node.chain[0]))
        if isinstance(node, m.Ones):
            return ONE
        if isinstance(node, m.Scalar):
            return node.value
        return self.leaf(node)


def _from_scalar(e: Expr, back: dict[Sym, MatExpr], shape: m.Shape) -> MatExpr:
    """The entrywise matrix expression of a scalar formula whose symbols stand for `back`'s nodes."""
    if isinstance(e, Sym):
        if e not in back:
            raise m.NotMatrixFormError(str(e))
        leaf = back[e]
        return leaf if leaf.shape == shape else m.mul(leaf, m.ones(shape))
    if not any(isinstance(s, Sym) and s in back for s in _symbols(e)):
        if e.free_symbols:
            raise m.NotMatrixFormError(str(e))
        return m.mul(m.Scalar(e), m.ones(shape))
    if isinstance(e, ScalarAdd):
        return m.add(*(_from_scalar(t, back, shape) for t in e.args))
    if isinstance(e, ScalarMul):
        scalars = [_from_scalar(f, back, m.SCALAR_SHAPE) for f in e.args if _is_constant_entry(f, back)]
        entries = [_from_scalar(f, back, shape) for f in e.args if not _is_constant_entry(f, back)]
        return m.mul(*scalars, m.hadamard(*entries)) if entries else m.mul(*scalars, m.ones(shape))
    if isinstance(e, Pow):
        if e.exp.free_symbols:
            raise m.NotMatrixFormError(str(e))
        return m.power(_from_scalar(e.base, back, shape), e.exp)
    if isinstance(e, Func) and len(e.arguments) == 1:
        return m.apply(e.name, _from_scalar(e.arguments[0], back, shape))
    raise m.NotMatrixFormError(str(e))


def _symbols(e: Expr) -> list[Sym]:
    found: list[Sym] = []
    stack = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, Sym):
            found.append(n)
        else:
            stack.extend(a for a in n.args if isinstance(a, Expr))
    return found


def _is_constant_entry(e: Expr, back: dict[Sym, MatExpr]) -> bool:
    """A factor that is the same in every entry: a number, or made of scalar (1 x 1) leaves only."""
    return all(s in back and back[s].is_scalar for s in _symbols(e))


# ------------------------------------------------------------------------------------------ the rule table

RULES: dict[type, list[Rule]] = {
    m.Add: [factor_sum, entrywise_as_scalars],
    m.MatMul: [cancel_inverses, expand_inverse, diag_products, kron_products, negation_into_sum, scalar_transpose,
               norm_from_inner, entrywise_as_scalars],
    m.Trace: [rotate_trace],
    m.Diag: [scalars_out_of_diag],
    m.Sum: [sum_of_products],
    m.Power: [inner_from_norm, entrywise_as_scalars],
    m.Hadamard: [entrywise_as_scalars],
    m.Apply: [entrywise_as_scalars],
}


def _cost(node: MatExpr) -> int:
    return len(str(node))


def key(node: MatExpr) -> Key:
    """The order the rewriting descends: length of the text, transposes, differentials not last, the text."""
    text = str(node)
    return (len(text), _transposes(node), _differentials_early(node), text)


class Simplifier:
    """Bottom-up rewriting to a fixed point, memoised per node, within MAX_REWRITES and the time budget."""

    def __init__(self, max_rewrites: int = MAX_REWRITES, max_visits: int = MAX_VISITS) -> None:
        self.memo: dict[tuple[MatExpr, bool], MatExpr] = {}
        self.keys: dict[MatExpr, Key] = {}
        self.active: set[MatExpr] = set()
        self.clock = Clock()
        self.left = max_rewrites
        self.visits_left = max_visits

    def key(self, node: MatExpr) -> Key:
        found = self.keys.get(node)
        if found is None:
            found = self.keys[node] = key(node)
        return found

    def __call__(self, node: MatExpr, inside: bool = False) -> MatExpr:
        """The simplified node; `inside` an entrywise expression, that expression is simplified as a whole (its
        parts alone could take forms, such as sigmoid.(u) for (exp.(-u) + 1).^(-1), that hide the whole's)."""
        found = self.memo.get((node, inside))
        if found is not None:
            return found
        if node in self.active:  # reached again while being simplified: the cycle ends here
            return node
        self.clock.check()
        self.visits_left -= 1
        self.active.add(node)
        try:
            result = self._simplify(node, inside)
        finally:
            self.active.discard(node)
        self.memo[(node, inside)] = result
        self.memo[(result, inside)] = result
        return result

    def _simplify(self, node: MatExpr, inside: bool) -> MatExpr:
        children = node.children
        if children:
            entrywise = _is_entrywise(node)
            simpler = [self(c, entrywise and _is_entrywise(c)) for c in children]
            if simpler != list(children):
                rebuilt = node._rebuild(simpler)
                if rebuilt != node and rebuilt not in self.active:
                    result = self(rebuilt, inside)  # the parts simplified: the rules are tried on the new node
                    return result if self.key(result) <= self.key(node) else node
        current = node
        changed = True
        while changed and self.left > 0 and self.visits_left > 0:
            changed = False
            for rule in RULES.get(type(current), ()):
                if inside and rule is entrywise_as_scalars:
                    continue
                try:
                    candidate = rule(current)
                except UsageError:  # a rule that does not fit this node (none is known to): the node stays
                    candidate = None
                self.clock.check()
                if candidate is None or candidate == current:
                    continue
                candidate = self(candidate, inside)
                if self.key(candidate) < self.key(current):
                    current, changed = candidate, True
                    self.left -= 1
                    break
        return current
