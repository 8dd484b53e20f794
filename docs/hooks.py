"""The docs build's hook: what the pages show of symdiff's output is computed by symdiff while the site builds.

A page asks for output in two ways, both replaced before MkDocs reads the Markdown:

- a fenced block whose language is `symdiff-KIND`, holding Python run like a notebook cell (the value of its
  last line is the output), in a namespace kept for the whole page that starts with `sd` (symdiff) and the
  helpers below:

      symdiff-math       the value's LaTeX (an expression, a Vector/Matrix, steps, CSE, or a LaTeX string)
                         as display maths, rendered by KaTeX
      symdiff-text       the value (its .text() when it has one, else str) in a code block; `symdiff-text
                         session` shows the cell itself as a Python session instead: each statement after
                         >>> (and ...), followed by what it prints and the repr of its value, as the REPL would
      symdiff-markdown   the value, a Markdown string, inserted as it is (tables, option lists)
      symdiff-plot NAME  the cell draws into `path` (NAME, e.g. tangent.svg, beside the built page) and its
                         value, if a string, is the caption

- `{{ python }}` anywhere in the text: the value's LaTeX, for the page to put in `$...$` or `$$...$$`.

Cells and inline maths run in the order they appear. Any error in one fails the build, naming the page, so
a page can never show output that symdiff no longer gives.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
from pathlib import Path

import symdiff as sd
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```symdiff-(math|text|markdown|plot)[ \t]*(\S*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
INLINE = re.compile(r"\{\{(.+?)\}\}")
GENERATED = re.compile(f"{BLOCK.pattern}|{INLINE.pattern}", re.M | re.S)


# ---- helpers available to every cell -------------------------------------------------------------------

def latex_of(value) -> str:
    """The LaTeX of an expression or of anything with a .latex() method (matrices, steps, CSE, limit tables);
    a string is taken as LaTeX already."""
    if isinstance(value, str):
        return value
    if hasattr(value, "latex"):
        return value.latex()
    return sd.latex(value)


def derivative(expr, variable: str = "x", order: int = 1, functions: str = "") -> str:
    """d/dx (expr) = its derivative, both sides printed by symdiff (`functions`: names declared as undefined
    functions, "x,y")."""
    operator = rf"\frac{{d}}{{d{variable}}}" if order == 1 else rf"\frac{{d^{{{order}}}}}{{d{variable}^{{{order}}}}}"
    expr = sd.parse(expr, functions=functions)
    return rf"{operator}\left({sd.latex(expr)}\right) = {sd.latex(sd.diff(expr, variable, order=order))}"


def partial(expr, *variables: str) -> str:
    """The partial derivative in the variables, in order, as d^n f / dy dx = result."""
    n = len(variables)
    top = r"\partial" if n == 1 else rf"\partial^{{{n}}}"
    bottom = " ".join(rf"\partial {v}" for v in reversed(variables))
    return rf"\frac{{{top}}}{{{bottom}}}\left({sd.latex(expr)}\right) = {sd.latex(sd.diff(expr, *variables))}"


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", r"\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def rule_table() -> str:
    """The table of derivative rules, read from symdiff.functions.REGISTRY: every row of the registry, the
    partial derivatives as written there and as symdiff prints them in LaTeX."""
    from symdiff.functions import ARGUMENT_NAMES, NOT_DIFFERENTIABLE, REGISTRY
    rows = []
    for (name, arity), rule in REGISTRY.items():
        arguments = ARGUMENT_NAMES[:arity]
        call = sd.parse(f"{name}({', '.join(arguments)})")
        for argument, written in zip(arguments, rule.partials):
            printed = "(none)" if written == NOT_DIFFERENTIABLE else f"${sd.latex(sd.parse(written))}$"
            rows.append([f"`{name}`" if argument == "u" else "", f"${sd.latex(call)}$" if argument == "u" else "",
                         f"${argument}$", f"`{written}`", printed])
    return markdown_table(["function", "f", "in", "derivative as written in `symdiff/functions.py`",
                           "the same, printed by symdiff"], rows)


def alias_table() -> str:
    from symdiff.functions import ALIASES
    by_name: dict[str, list[str]] = {}
    for alias, name in ALIASES.items():
        by_name.setdefault(name, []).append(f"`{alias}`")
    return markdown_table(["function", "also written"],
                          [[f"`{name}`", ", ".join(aliases)] for name, aliases in sorted(by_name.items())])


def notation_table() -> str:
    """The table of notations, from symdiff.parsing.notation.NOTATION: what one types, how symdiff reads it (its
    own printed text and LaTeX, computed now), or the refusal's message. Fails if a row does not read as it
    says (tests/test_notation.py checks the same)."""
    from symdiff.parsing.notation import NOTATION
    rows = []
    for row in NOTATION:
        try:
            reading = sd.read(row.typed)
        except sd.ParseError as error:
            if row.reading is not None:
                raise
            rows.append([row.topic, f"`{row.typed}`", f"refused: {error.message}", row.comment])
            continue
        expression = reading.expression
        if expression is None:  # an equation: read() returns it, and the commands refuse it
            rows.append([row.topic, f"`{row.typed}`", f"the equation `{reading.equation}`", row.comment])
            continue
        if bool(reading.notes) != row.noted:
            raise AssertionError(f"{row.typed!r}: the notation table says noted={row.noted}")
        note = " (with a note)" if reading.notes else ""
        shown = f"`{sd.text(expression)}`{note}: ${sd.latex(expression)}$"
        if reading.variables:
            shown = f"d/d{reading.variables[0]}, {len(reading.variables)} times, of {shown}"
        rows.append([row.topic, f"`{row.typed}`", shown, row.comment])
    return markdown_table(["", "you type", "symdiff reads", ""], rows)


def sweep_table(f) -> str:
    """The reverse sweep of symdiff.calculus.reverse.adjoints, node by node: each distinct node of f's graph in
    the order visited, with its adjoint df/dnode (simplified), built with the same local partials. Fails if
    the variables' adjoints differ from symdiff.gradient(f)."""
    from symdiff.core.build import add, mul
    from symdiff.core.expr import ONE, Sym
    from symdiff.calculus.partials import LOCAL_PARTIALS
    from symdiff.core.traversal import children, parents_first
    f = sd.parse(f) if isinstance(f, str) else f
    names = sorted(f.free_symbols)
    depends = lambda node: not set(names).isdisjoint(node.free_symbols)  # noqa: E731
    contributions, rows, found = {f: [ONE]}, [], {}
    for node in parents_first([f], lambda n: [c for c in children(n) if depends(c)]):
        adjoint = sd.simplify(add(*contributions.pop(node)))
        rows.append([f"${sd.latex(node)}$", f"${sd.latex(adjoint)}$"])
        if type(node) is Sym:
            found[node.name] = adjoint
            continue
        for partial in LOCAL_PARTIALS[type(node)](node, depends):
            contributions.setdefault(partial.child, []).append(mul(adjoint, partial.value))
    gradient = sd.gradient(f, names)
    if [found[name] for name in names] != list(gradient):
        raise AssertionError(f"the sweep gives {found}, symdiff.gradient gives {gradient}")
    return markdown_table(["node $n$", r"adjoint $\bar n = \partial f / \partial n$"], rows)


def limits_table() -> str:
    """The resource limits in force by default: the fields of symdiff.core.budget.Budget with their defaults and
    what each bounds (from that module's own table), or, where symdiff has no such module, the order limit."""
    try:
        import dataclasses

        from symdiff.core import budget as limits
        fields = dataclasses.fields(limits.Budget)
    except (ImportError, AttributeError, TypeError):
        return (f"A derivative order above {sd.MAX_ORDER} in all (`symdiff.MAX_ORDER`) is refused, and so is an "
                "expression nested too deeply for Python's recursion limit: both are a `BudgetError`.")
    described = {}
    for line in (limits.__doc__ or "").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) >= 3:
            described[cells[0]] = cells[-1]
    rows = [[f"`{f.name}`", "none" if f.default is None else f"{f.default:,}", described.get(f.name, "")]
            for f in fields]
    return ("The defaults of `symdiff.core.budget.Budget`; passing one is a `BudgetError`.\n\n"
            + markdown_table(["limit", "default", "what it bounds"], rows))


def _parser() -> argparse.ArgumentParser:
    from symdiff.cli.command import build_argument_parser
    return build_argument_parser()


def cli_help() -> str:
    """`symdiff --help`, formatted 80 columns wide."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        return _parser().format_help().rstrip()
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved


def cli_options() -> list[argparse.Action]:
    return [action for action in _parser()._actions if action.option_strings]


def option_help(option: str) -> str:
    """One option's spelling, argument and help text, from symdiff.cli.command.build_argument_parser()."""
    for action in cli_options():
        if option in action.option_strings:
            spelling = ", ".join(f"`{s}`" for s in action.option_strings)
            if action.metavar or action.choices:
                argument = action.metavar or "{" + ",".join(action.choices) + "}"
                spelling = ", ".join(f"`{s} {argument}`" for s in action.option_strings)
            text = (action.help or "").replace("%(prog)s", "symdiff").replace("*", r"\*")  # d(A*x)/dx: no emphasis
            return f"**{spelling}**: {text}"
    raise PluginError(f"symdiff has no option {option}")


def cli(command: str) -> str:
    """`$ symdiff COMMAND` and what it prints (standard output, then standard error), run now: for output that
    depends on the machine, such as --check's finite-difference errors, which a tested example cannot pin down."""
    import contextlib
    import io
    import shlex

    from symdiff.cli.command import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        main(shlex.split(command))
    return "\n".join([f"$ symdiff {command}", *out.getvalue().rstrip("\n").splitlines(),
                      *err.getvalue().rstrip("\n").splitlines()])


def grammar() -> str:
    return (ROOT / "grammar" / "symdiff.lark").read_text(encoding="utf-8").rstrip()


# ---- the hook ------------------------------------------------------------------------------------------

def _run(code: str, namespace: dict):
    """Run a cell; the value of its last line if that is an expression, else None."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<docs cell>", "exec"), namespace)
    if last is None:
        return None
    return eval(compile(ast.Expression(last.value), "<docs cell>", "eval"), namespace)


def _session(code: str, namespace: dict) -> str:
    """A cell as a Python session: each top-level statement after >>> (continued with ...), then what it printed
    and, for an expression that is not None, its repr, as the interactive interpreter shows them."""
    import contextlib
    import io
    tree = ast.parse(code)
    shown = []
    for statement in tree.body:
        source = ast.get_source_segment(code, statement) or ""
        lines = source.splitlines()
        shown += [f">>> {lines[0]}", *(f"... {line}" for line in lines[1:])]
        if len(lines) > 1 and not isinstance(statement, (ast.Expr, ast.Assign)):
            shown.append("...")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            if isinstance(statement, ast.Expr):
                value = eval(compile(ast.Expression(statement.value), "<docs cell>", "eval"), namespace)
                if value is not None:
                    print(repr(value))
            else:
                exec(compile(ast.Module([statement], []), "<docs cell>", "exec"), namespace)
        shown += printed.getvalue().rstrip("\n").splitlines() if printed.getvalue().strip() else []
    return "\n".join(shown)


def _namespace() -> dict:
    helpers = (latex_of, derivative, partial, markdown_table, rule_table, alias_table, notation_table, sweep_table,
               limits_table, cli_help, cli_options, option_help, cli, grammar)
    return {"sd": sd, "symdiff": sd, **{f.__name__: f for f in helpers}}


def on_page_markdown(markdown: str, page, config, files) -> str:
    if "```symdiff-" not in markdown and "{{" not in markdown:
        return markdown
    namespace = _namespace()
    out_dir = Path(config["site_dir"]) / Path(page.file.dest_uri).parent

    def block(kind: str, name: str, code: str) -> str:
        if kind == "plot":
            if not name:
                raise PluginError(f"{page.file.src_uri}: a symdiff-plot block needs a file name")
            out_dir.mkdir(parents=True, exist_ok=True)
            namespace["path"] = str(out_dir / name)
        try:
            if kind == "text" and name == "session":
                return f"```pycon\n{_session(code, namespace)}\n```"
            value = _run(code, namespace)
        except Exception as error:  # any failure fails the build, with the cell that failed
            raise PluginError(f"{page.file.src_uri}: symdiff-{kind} cell failed: {error!r}\n{code}") from error
        if kind == "math":
            return f"\n$$\n{latex_of(value)}\n$$\n"
        if kind == "text":
            shown = value.text() if hasattr(value, "text") else str(value)
            return f"```text\n{shown}\n```"
        if kind == "markdown":
            return str(value)
        if not (out_dir / name).exists():
            raise PluginError(f"{page.file.src_uri}: the plot cell wrote no {name}")
        caption = f"\n<figcaption>{value}</figcaption>" if isinstance(value, str) else ""
        return f'<figure class="symdiff-plot" markdown>\n<img src="{name}" alt="{name}">{caption}\n</figure>'

    def inline(code: str) -> str:
        code = code.strip()
        try:
            value = _run(code, namespace)
        except Exception as error:
            raise PluginError(f"{page.file.src_uri}: {{{{ {code} }}}} failed: {error!r}") from error
        return latex_of(value)

    def generate(match: re.Match) -> str:
        kind, name, code, inline_code = match.groups()
        return block(kind, name, code) if kind else inline(inline_code)

    return GENERATED.sub(generate, markdown)
