"""Hypothesis strategies for random expressions, shared by the property tests."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from symdiff import UndefinedError, simplify
from symdiff.core.build import add, div, mul, neg, power, sub
from symdiff.core.expr import HALF, Const, Func, Num, Sym

VARIABLES = ("x", "y")
UNARY_FUNCTIONS = ("sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "asec", "acsc",
                   "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth", "asech",
                   "acsch", "exp", "log",
                   "abs")

def _leaves(variables):
    return st.one_of(
        st.sampled_from([Sym(v) for v in variables]),
        st.integers(-5, 9).map(Num),
        st.fractions(Fraction(-5, 1), Fraction(5, 1), max_denominator=6).map(Num),
        st.sampled_from([Const("pi"), Const("e")]),
    )


leaves = _leaves(VARIABLES)

small_exponents = st.one_of(st.integers(-3, 4).map(Num), st.sampled_from([HALF, Num(Fraction(-1, 2)),
                                                                            Num(Fraction(3, 2))]))


def _extend(children):
    return st.one_of(
        st.tuples(children, children).map(lambda ab: add(*ab)),
        st.tuples(children, children).map(lambda ab: sub(*ab)),
        st.tuples(children, children).map(lambda ab: mul(*ab)),
        st.tuples(children, children).filter(lambda ab: ab[1] != Num(0)).map(lambda ab: div(*ab)),
        st.tuples(children, small_exponents).filter(lambda be: be[0] != Num(0)).map(lambda be: power(*be)),
        st.tuples(st.sampled_from(UNARY_FUNCTIONS), children).map(lambda fa: Func(*fa)),
        children.map(neg),
    )


def _not_undefined_everywhere(expr) -> bool:
    """Drops the rare expression such as x/(x - x) that divides by an identical zero (simplify refuses it)."""
    try:
        simplify(expr)
    except UndefinedError:
        return False
    return True


expressions = st.recursive(leaves, _extend, max_leaves=12).filter(_not_undefined_everywhere)
"""Random elementary expressions in x and y, built with the parser's builders (so they print and parse back)."""

multivariate_expressions = st.recursive(_leaves(("x", "y", "z")), _extend, max_leaves=14).filter(
    _not_undefined_everywhere)
"""The same in x, y and z, for gradients, Jacobians and Hessians."""
