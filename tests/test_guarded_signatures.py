"""Every function under the guard (symdiff.api.guard) declares the `budget` keyword the guard takes, so that
help(), IDEs and type checkers show it: keyword-only, default None. The guard takes it out of the keywords and puts
it in force; the function's body never sees it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import symdiff
from symdiff import api
from symdiff.api.constructors import FUNCTIONS
from symdiff.api.guard import guard
from symdiff.core.budget import Budget, current
from symdiff.core.errors import BudgetError

GUARDED_CODE = guard(lambda: None).__code__  # every function the guard returns runs this code


def _guarded_functions() -> dict[str, object]:
    """name -> function, for every function of symdiff.api's modules that the guard wraps, and the constructors."""
    found: dict[str, object] = {}
    for module_info in pkgutil.iter_modules(api.__path__):
        module = importlib.import_module(f"{api.__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if getattr(value, "__code__", None) is GUARDED_CODE:
                found[f"{module.__name__}.{name}"] = value
    for name, constructor in FUNCTIONS.items():
        assert getattr(constructor, "__code__", None) is GUARDED_CODE
        found[f"symdiff.api.constructors.FUNCTIONS[{name!r}]"] = constructor
    return found


GUARDED = _guarded_functions()


def test_the_guarded_functions_are_found():
    names = {name.rsplit(".", 1)[-1] for name in GUARDED}
    assert {"parse", "diff", "simplify", "latex", "text", "evaluate", "gradient", "to_sympy", "from_sympy",
            "check", "parse_latex", "symbols", "subs", "equals", "arithmetic"} <= names
    assert "FUNCTIONS['sin']" in names


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_every_guarded_function_declares_a_keyword_only_budget(name):
    parameter = inspect.signature(GUARDED[name]).parameters.get("budget")  # the function's own, through wraps
    assert parameter is not None, f"{name} does not declare budget"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is None
    assert parameter.annotation == "Budget | None"


def test_the_guard_puts_the_budget_in_force_and_keeps_it_from_the_function():
    @guard
    def probe(*, budget: Budget | None = None, **keywords: object) -> tuple[object, dict[str, object], int]:
        return budget, keywords, current().max_depth

    seen, keywords, depth = probe(budget=Budget(max_depth=7))
    assert seen is None and keywords == {} and depth == 7


def test_a_budget_given_to_a_guarded_function_still_limits_it():
    with pytest.raises(BudgetError):
        symdiff.parse("sin(sin(x))", budget=Budget(max_depth=1))
    assert str(symdiff.parse("sin(sin(x))", budget=Budget(max_depth=2))) == "sin(sin(x))"
    x = symdiff.Symbol("x")
    with pytest.raises(BudgetError):
        symdiff.sin(x, budget=Budget(max_size=1))
    assert symdiff.sin(x, budget=Budget(max_size=2)) == symdiff.parse("sin(x)")
