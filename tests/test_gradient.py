"""Gradients, Jacobians and Hessians by reverse mode: against SymPy (derive_by_array, Matrix.jacobian,
hessian) on random expressions in three variables, the identities of vector calculus written out in
components, the one-sweep cost, and the printed forms."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import symdiff
from symdiff.calculus import partials as reverse  # the local partials both modes use
from symdiff.core.errors import UsageError
from symdiff import gradient, hessian, jacobian
from symdiff.calculus.reverse import adjoints
from symdiff.api.matrix import Matrix, Vector
from symdiff.simplification.simplifier import simplify
from symdiff.core.traversal import dag_size

import strategies
from oracle import assert_matches_sympy, random_points, value_or_none

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

XYZ = ("x", "y", "z")
SYMBOLS = sympy.symbols("x y z", real=True)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def theirs(expr):
    return symdiff.to_sympy(expr, real=True)


# ---- against SymPy ---------------------------------------------------------------------------------------

@SETTINGS
@given(strategies.multivariate_expressions)
def test_gradient_matches_sympy_derive_by_array(f):
    ours = gradient(f, XYZ)
    reference = sympy.derive_by_array(theirs(f), SYMBOLS)
    assert len(ours) == 3
    for component, expected in zip(ours, reference):
        assert_matches_sympy(component, expected)


@SETTINGS
@given(strategies.multivariate_expressions)
def test_unsimplified_reverse_sweep_equals_forward_derivatives(f):
    swept = adjoints(f, XYZ)
    for name in XYZ:
        forward = symdiff.diff(f, name, simplify=False)
        # unsimplified, -sqrt(x - x) has a derivative that divides by 0 everywhere, both ways: nothing to compare
        if any(value_or_none(forward, point) is not None for point in random_points(XYZ, 20, 0)):
            assert_matches_sympy(swept[name], theirs(forward))


@SETTINGS
@given(strategies.multivariate_expressions, strategies.multivariate_expressions)
def test_jacobian_matches_sympy_matrix_jacobian(f, g):
    ours = jacobian([f, g], XYZ)
    reference = sympy.Matrix([theirs(f), theirs(g)]).jacobian(SYMBOLS)
    assert ours.shape == reference.shape == (2, 3)
    for i, row in enumerate([f, g]):
        # a row with no real value anywhere (abs(x + sqrt(-1))) has no real derivative to compare, as above
        if not any(value_or_none(row, point) is not None for point in random_points(XYZ, 20, 0)):
            continue
        for j in range(3):
            assert_matches_sympy(ours[i, j], reference[i, j])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.multivariate_expressions)
def test_hessian_matches_sympy_hessian_and_is_symmetric(f):
    ours = hessian(f, XYZ)
    # sign'(u) is 0 wherever symdiff compares (README: symbols are real, abs and sign away from 0)
    reference = sympy.hessian(theirs(f), SYMBOLS).replace(sympy.DiracDelta, lambda *args: 0)
    for i in range(3):
        for j in range(3):
            assert ours[i, j] is ours[j, i]
            assert_matches_sympy(ours[i, j], reference[i, j])


# ---- identities, in components ------------------------------------------------------------------------

def test_gradient_of_a_sum_of_squares_is_twice_the_vector():
    names = [f"x{i}" for i in range(1, 8)]
    f = " + ".join(f"{n}^2" for n in names)
    assert gradient(f).text() == "[" + ", ".join(f"2*{n}" for n in names) + "]"


def _quadratic_form(a: list) -> str:
    n = len(a)
    return " + ".join(f"x{i + 1}*({a[i][j]})*x{j + 1}" for i in range(n) for j in range(n))


@pytest.mark.parametrize("a", [[[1, 2], [3, 4]], [[2, -1, 0], [5, 3, 7], [1, 1, -4]]])
def test_gradient_of_a_quadratic_form_is_a_plus_a_transpose_times_x(a):
    n = len(a)
    names = [f"x{i + 1}" for i in range(n)]
    ours = gradient(_quadratic_form(a), names)
    for i in range(n):
        expected = " + ".join(f"({a[i][j] + a[j][i]})*x{j + 1}" for j in range(n))
        assert ours[i] is symdiff.simplify(expected)
    # and the Hessian is the constant matrix A + A^T
    assert hessian(_quadratic_form(a), names) == Matrix(
        [[symdiff.Num(a[i][j] + a[j][i]) for j in range(n)] for i in range(n)])


def test_gradient_of_a_symbolic_quadratic_form():
    a = [["a11", "a12"], ["a21", "a22"]]
    ours = gradient(_quadratic_form(a), ["x1", "x2"])
    for i in range(2):
        expected = f"({a[i][0]} + {a[0][i]})*x1 + ({a[i][1]} + {a[1][i]})*x2"
        assert simplify(symdiff.parse(f"{ours[i]} - ({expected})")) is symdiff.Num(0)


def test_gradient_of_a_linear_function_is_its_coefficients():
    assert gradient("3*x - 2*y + z/4 + 7").text() == "[3, -2, 1/4]"


def test_gradient_of_a_product_of_undefined_functions():
    assert gradient("f(x)*g(x, y)").text() == "[f(x)*D[1,0](g)(x, y) + g(x, y)*f'(x), f(x)*D[0,1](g)(x, y)]"


def test_mixed_partials_of_undefined_functions_are_one_node():
    h = hessian("g(x, y)")
    assert h.text() == "[[D[2,0](g)(x, y), D[1,1](g)(x, y)], [D[1,1](g)(x, y), D[0,2](g)(x, y)]]"


# ---- one sweep ---------------------------------------------------------------------------------------------

def _chain_function(n: int):
    return symdiff.parse(" + ".join(f"(x{i}*x{i + 1} - sin(x{i}))^2" for i in range(1, n)))


def test_each_node_is_swept_once(monkeypatch):
    """The work is proportional to the number of distinct nodes, not to nodes times variables."""
    f = _chain_function(60)
    visited = []
    for kind, local in list(reverse.LOCAL_PARTIALS.items()):
        monkeypatch.setitem(reverse.LOCAL_PARTIALS, kind,
                            lambda node, depends, local=local: visited.append(node) or local(node, depends))
    components = adjoints(f, sorted(f.free_symbols))
    assert len(visited) == len(set(visited)) <= dag_size(f)
    assert len(components) == 60


def test_gradient_components_of_a_chain_are_local():
    g = gradient(_chain_function(5), [f"x{i}" for i in range(1, 6)])
    assert g[4] is symdiff.simplify("2*x4*(x4*x5 - sin(x4))")
    assert_matches_sympy(g[2], sympy.diff(theirs(_chain_function(5)), sympy.Symbol("x3", real=True)))


def test_shared_parts_stay_shared_in_the_sweep():
    """A two-layer network: every weight's adjoint goes through the same output residual node."""
    hidden = " + ".join(f"v{k}*tanh(w{k}1*x1 + w{k}2*x2)" for k in range(1, 4))
    loss = symdiff.parse(f"(y - ({hidden}))^2")
    names = sorted(n for n in loss.free_symbols if n[0] in "vw")
    swept = adjoints(loss, names)
    residual = symdiff.parse(f"y - ({hidden})")
    assert all(residual in _parts(swept[n]) for n in names)
    assert sum(dag_size(swept[n]) for n in names) > dag_size(symdiff.Add(*swept.values())) * 2


def _parts(expr):
    from symdiff.core.traversal import subexpressions
    return subexpressions(expr)


# ---- the API -------------------------------------------------------------------------------------------

def test_default_variables_are_the_free_symbols_sorted():
    assert gradient("y*exp(x) + b") == Vector([symdiff.Num(1), symdiff.parse("y*exp(x)"), symdiff.parse("exp(x)")])


@pytest.mark.parametrize("variables", ["x,y", ["x", "y"], [symdiff.Sym("x"), "y"], ("x", "y")])
def test_variables_may_be_given_in_any_form(variables):
    assert gradient("x^2*y", variables).text() == "[2*x*y, x^2]"


def test_a_variable_that_does_not_occur_gives_zero():
    assert gradient("x^2", "x,w").text() == "[2*x, 0]"


@pytest.mark.parametrize("call", [
    lambda: gradient("x*y", "x,x"),
    lambda: gradient("x*y", "sin"),
    lambda: gradient("x*y", "x", simplify="most"),
    lambda: jacobian("x*y, ", "x"),
])
def test_bad_arguments_are_symdiff_errors(call):
    with pytest.raises(symdiff.SymdiffError):
        call()


def test_simplification_levels():
    f = "(x + y)^2"
    assert gradient(f, simplify=False).text() == "[2*(x + y), 2*(x + y)]"
    assert gradient(f, simplify="basic") == gradient(f)


def test_jacobian_from_text_or_list():
    assert jacobian("x*y, x + y^2", "x,y") == jacobian(["x*y", "x + y^2"], ["x", "y"])
    assert jacobian("x*y, x + y^2", "x,y").text() == "[[y, x], [1, 2*y]]"


# ---- values --------------------------------------------------------------------------------------------

def test_vector_and_matrix_print_and_convert():
    g = gradient("x^2*y + sin(x*y)")
    assert g.text() == "[2*x*y + y*cos(x*y), x^2 + x*cos(x*y)]"
    assert all(symdiff.parse(str(e)) is e for e in g)
    assert g.latex() == ("\\begin{pmatrix}\n2 x y + y \\cos(x y) \\\\\nx^{2} + x \\cos(x y)\n\\end{pmatrix}")
    assert g.shape == (2, 1)
    x, y = sympy.symbols("x y")
    assert g.to_sympy() == sympy.Matrix([2 * x * y + y * sympy.cos(x * y), x ** 2 + x * sympy.cos(x * y)])
    h = hessian("x^3*y")
    assert h.shape == (2, 2) and h.T == h
    assert h.to_sympy() == sympy.hessian(x ** 3 * y, (x, y))
    namespace = {}
    exec(h.sympy_code(standalone=True), namespace)  # noqa: S102 - our own generated code
    assert namespace["expr"] == sympy.hessian(x ** 3 * y, (x, y))


def test_matrix_rows_must_have_one_length():
    with pytest.raises(ValueError):
        Matrix([[symdiff.Num(1)], []])


@pytest.mark.parametrize("name", ["gradient", "jacobian", "hessian", "cse"])
def test_exported_from_the_package(name):
    assert callable(getattr(symdiff, name))


def test_the_function_is_simplified_before_the_sweep():
    """sqrt(x - x) is 0; swept as it stands, its derivative would divide by zero (found by hypothesis)."""
    assert gradient("-sqrt(x - x) + y", "x,y").text() == "[0, 1]"
