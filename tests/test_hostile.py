"""Hostile input: text written to make a Python-based CAS run code. symdiff reads text only with its own
grammar, so every such string is refused (or read as an inert symbol), with no side effect: no file created,
no builtin that runs code called, nothing printed; and the command line says so in one line with a caret,
exit status 2. Also the input policy for every kind of bad input, and the non-ASCII look-alikes."""

from __future__ import annotations

import builtins
import os
import re

import pytest

import symdiff
from symdiff import api
from symdiff.cli.command import main
from symdiff.core.errors import BudgetError, ParseError, SymdiffError
from symdiff.core.expr import Sym

SENTINEL = "symdiff_hostile_sentinel"

HOSTILE = [
    f"__import__('os').system('touch {SENTINEL}')",
    f"__import__(\"os\").system(\"touch {SENTINEL}\")",
    f"open('{SENTINEL}', 'w').write('x')",
    f"exec(\"open('{SENTINEL}', 'w')\")",
    f"eval(\"open('{SENTINEL}', 'w')\")",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__.__mro__[1].__subclasses__()",
    "x.__dict__",
    "sin.__globals__",
    "(lambda: __import__('os'))()",
    "lambda x: x",
    "lambda: 1",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "{x: 1}",
    "{x",
    "globals()['__builtins__']",
    "getattr(x, '__class__')",
    "f'{__import__(\"os\").getcwd()}'",
    "'{0.__class__}'.format(x)",
    "'%s' % x",
    "b'x'",
    "r'x'",
    "x if 1 else y",
    "x; import os",
    "x := 1",
    "x = 1 = 2",
    "x(1)(2) = 3",
    "@x",
    "*x",
    "**x",
    "x[0]",
    "x[1:2]",
    "x.y",
    "1 .real",
    "sin(x).conjugate()",
    "Symbol('x')",
    "S('x')",
    "sympify('x')",
    "\\x41",
    "x # comment",
    "x \\\n + 1",
    "1_000",
    "x < y",
    "x == y",
    "x != y",
    "~x",
    "x & y",
    "x | y",
    "x % y",
    "x // y",
    "x >> 1",
    "`x`",
    "$x",
    "${x}",
    "$(touch symdiff_hostile_sentinel)",
    "x; rm -rf /",
    "{{7*7}",
    "<script>alert(1)</script>",
    "\x1b[2J",
    "x\x00y",
    "x\u202ey",      # right-to-left override
    "x\u200by",      # zero-width space
    "\ufeffx",       # byte order mark
    "ｘ",            # fullwidth x
    "х",             # Cyrillic ha, looks like x
    "sіn(x)",        # Cyrillic i
    "ℯ^x",
    "xⁿ",
    "eval(x)",       # an unknown function, not declared
    "√sin(x)",
    "√x^2",
    "√",
]


def _inert(monkeypatch):
    """Spies on everything that could run code or touch the system: a call is recorded (and still made)."""
    import subprocess
    symdiff.diff("sin(x)*x", "x")  # build the parser and the rule tables first: they are not user text
    calls = []

    def spy(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            calls.append((name, args))
            return original(*args, **kwargs)
        monkeypatch.setattr(owner, name, wrapper)

    for name in ("eval", "exec", "compile", "breakpoint", "input"):
        spy(builtins, name)
    for name in ("system", "popen", "remove", "execv", "execve"):
        spy(os, name)
    spy(subprocess, "Popen")
    original_open = builtins.open

    def open_spy(file, *args, **kwargs):
        if SENTINEL in str(file):
            calls.append(("open", file))
        return original_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", open_spy)
    return calls


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_refused_without_side_effects(text, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    calls = _inert(monkeypatch)
    for attempt in (lambda: symdiff.parse(text), lambda: symdiff.diff(text, "x"), lambda: symdiff.simplify(text),
                    lambda: symdiff.latex(text)):
        with pytest.raises(SymdiffError) as info:
            attempt()
        assert isinstance(info.value, (ParseError, BudgetError)), info.value
    monkeypatch.undo()
    assert calls == []
    assert not (tmp_path / SENTINEL).exists()
    assert os.listdir(tmp_path) == []
    out, err = capfd.readouterr()
    assert out == "" and err == ""


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_on_the_command_line_is_one_line_and_a_caret(text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    status = main(["--", text, "--wrt", "x"] if text.startswith("-") else [text, "--wrt", "x"])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    lines = err.rstrip("\n").split("\n")
    assert lines[0].startswith("symdiff: error: ")
    if len(lines) > 1:  # the caret: the input's line, then ^ under the position
        assert len(lines) == 3 and lines[2].strip() == "^"
    assert not (tmp_path / SENTINEL).exists()


# Text that reads as Python but is an expression in symdiff's language: products of symbols, undefined
# functions. They are inert: nothing named is looked up or called.
INERT = [
    ("import os", "import*os"),
    ("x\nimport os", "import*os*x"),
    ("del x", "del*x"),
    ("x and y", "and*x*y"),
    ("not x", "not*x"),
    ("0x10", "0"),
    ("0b1", "0"),
    ("1j", "j"),
    ("Integer(1)", "Integer(1)"),
    ("eval(x)", "eval(x)"),
    ("exec(x)", "exec(x)"),
    ("system(x)", "system(x)"),
    ("open(x)", "open(x)"),
    ("globals(x)", "globals(x)"),
    ("os", "os"),
    ("builtins", "builtins"),
    ("lambda_", "lambda_"),
    ("x" * 10_000, "x" * 10_000),
]


@pytest.mark.parametrize("text, printed", INERT)
def test_python_looking_text_is_an_inert_expression(text, printed, tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    calls = _inert(monkeypatch)
    # names applied are undefined functions only when declared: declared here, they stay inert names
    expr = symdiff.parse(text, functions=re.findall(r"([A-Za-z]\w*)\(", text))
    assert symdiff.text(symdiff.simplify(expr)) == printed
    symdiff.diff(expr, "x")
    monkeypatch.undo()
    assert calls == [] and os.listdir(tmp_path) == []
    assert capfd.readouterr() == ("", "")


def test_very_long_names_are_symbols_within_the_length_limit():
    name = "a" * 99_990
    assert symdiff.parse(name) == Sym(name)
    assert str(symdiff.diff(name + "*x", "x")) == name
    with pytest.raises(BudgetError, match="input too long"):
        symdiff.parse(name + "b" * 11)


# ---- the policy for each kind of bad input --------------------------------------------------------------

POLICY = [
    # (input, error class, a phrase of the message, position of the caret or None)
    ("3*x^2-4*x)", ParseError, "unexpected ')'; expected", 9),
    ("x + ", ParseError, "unexpected end of input; expected", 4),
    ("x * * y", ParseError, "unexpected '*'", 4),
    ("", ParseError, "empty expression", 0),
    ("  \t ", ParseError, "empty expression", 0),
    ("((x + 1)", ParseError, "the '(' at column 1 is not closed", 8),
    ("sin(x", ParseError, "the '(' at column 4 is not closed", 5),
    ("x))", ParseError, "unexpected ')'", 1),
    ("x @ y", ParseError, "unexpected character '@'", 2),
    ("x é", ParseError, "U+00E9 LATIN SMALL LETTER E WITH ACUTE", 2),
    ("ℯ^x", ParseError, "U+212F", 0),
    ("2 ✕ x", ParseError, "U+2715", 2),
    ("sin(x, y)", ParseError, "sin takes 1 argument, not 2", 0),
    ("log(x, 2, 3)", ParseError, "log takes 1 or 2 arguments, not 3", 0),
    ("f(x) + f(x, y)", ParseError, "f is used with 1 and with 2 arguments", 7),
    ("1/0", ParseError, "division by zero", 1),
    ("x/(2 - 2)", None, None, None),  # not a literal zero: see the next line
    ("x^2/0.0", ParseError, "division by zero", 3),
    ("0^-1", ParseError, "division by zero", 1),
    ("0^-2", symdiff.UndefinedError, "division by zero", None),  # found by the canonical form: no position
    ("(" * 101 + "x" + ")" * 101, BudgetError, "too deeply nested", 100),
    ("9" * 1001, BudgetError, "number too long", 0),
    ("1e400", ParseError, "number too large for a decimal", 0),
    ("√x^2", ParseError, "ambiguous √", 0),
    ("xⁿ", ParseError, "unexpected character", 1),
    ("open(x)", ParseError, "unknown function open", 0),
]


@pytest.mark.parametrize("text, kind, phrase, position", POLICY)
def test_policy_for_bad_input(text, kind, phrase, position):
    if kind is None:  # x/(2 - 2): the canonical form finds the zero divisor
        with pytest.raises(symdiff.UndefinedError):
            symdiff.diff(text, "x")
        return
    with pytest.raises(kind) as info:
        symdiff.diff(text, "x")
    assert phrase in info.value.message
    assert info.value.position == position
    assert info.value.text == (text if position is not None else None)


# ---- non-ASCII look-alikes --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, ascii_text", [
    ("3·x", "3*x"),
    ("3⋅x", "3*x"),
    ("3×x", "3*x"),
    ("x − 1", "x - 1"),
    ("x ÷ 2", "x / 2"),
    ("2πx", "2*pi*x"),
    ("sin(π x)", "sin(pi*x)"),
    ("πr²", "pi*r^2"),
    ("x² + y³", "x^2 + y^3"),
    ("√x", "sqrt(x)"),
    ("√2·x", "sqrt(2)*x"),
    ("√(x + 1)", "sqrt(x + 1)"),
    ("√ π", "sqrt(pi)"),
    ("2√x", "2*sqrt(x)"),
    ("x\u00a0+\u00a01", "x + 1"),
])
def test_common_look_alikes_read_as_ascii(text, ascii_text):
    assert symdiff.parse(text) is symdiff.parse(ascii_text)


def test_carets_point_into_the_text_as_typed():
    with pytest.raises(ParseError) as info:
        symdiff.parse("π·x² + $")
    assert info.value.position == 7
    assert info.value.caret() == "π·x² + $\n       ^"
    with pytest.raises(ParseError) as info:
        symdiff.parse("√x + √(y")
    assert info.value.position == 8 and info.value.text == "√x + √(y"
