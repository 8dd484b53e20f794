"""README is part of the product: its examples run, and CI runs exactly its quick start."""

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [line.strip() for line in section.splitlines() if line.startswith("    ") and line.strip()]


def test_quick_start_is_two_commands_install_and_test():
    commands = quick_start_commands()
    assert len(commands) == 2
    install, test = commands
    assert "pip install" in install and 'symdiff "3*x^2-4*x" --wrt x' in install
    assert "pytest" in test


def test_ci_runs_the_quick_start_verbatim():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_lines = {line.strip() for line in ci.splitlines()}
    for command in quick_start_commands():
        assert command in ci_lines, f"README's quick start line is not in .ci/run: {command}"


def test_readme_python_examples_run():
    parser = doctest.DocTestParser()
    test = parser.get_doctest(README, {}, "README.md", str(ROOT / "README.md"), 0)
    assert test.examples, "README has no Python examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README example(s) failed (run with -s to see them)"


DOCS = sorted((ROOT / "docs").glob("**/*.md"))


def _docs_with(marker: str) -> list:
    return [path for path in DOCS if marker in path.read_text(encoding="utf-8")]


def test_every_docs_page_has_examples_that_run():
    """Each page of the documentation shows symdiff at work: at least one `$ symdiff` or `>>>` example."""
    runnable = _docs_with("    $ symdiff ") + _docs_with(">>> ")
    bare = [path.relative_to(ROOT).as_posix() for path in DOCS if path not in runnable]
    assert not bare, f"docs pages without a runnable example: {bare}"


def cli_examples(text: str = README):
    """(command, expected output lines) for every `$ symdiff ...` line of the indented examples in `text`."""
    examples, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("    $ symdiff "):
            command = re.sub(r"\s+#.*$", "", line[len("    $ symdiff "):])
            output = []
            for following in lines[i + 1:]:
                if not following.startswith("    ") or following.strip().startswith("$"):
                    break
                output.append(following[4:].rstrip())
            examples.append((command, output))
    return examples


@pytest.mark.parametrize("path", [ROOT / "README.md", *_docs_with("    $ symdiff ")],
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_cli_examples_match_the_cli(path, capsys, tmp_path, monkeypatch):
    """Each example's lines are its standard output then its standard error (warnings, 'wrote FILE', errors);
    an example showing an error must exit with status 2, one showing a wrong answer (--compare) with 1. Run in a temporary directory: plots write files."""
    from symdiff.cli.command import main
    examples = cli_examples(path.read_text(encoding="utf-8"))
    assert len(examples) >= (5 if path.name == "README.md" else 1), f"{path.name} has too few CLI examples"
    monkeypatch.chdir(tmp_path)
    for command, expected in examples:
        args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', command)]
        status = main(args)
        captured = capsys.readouterr()
        shown = captured.out.rstrip("\n").splitlines() + captured.err.rstrip("\n").splitlines()
        assert shown == expected, command
        wanted = 2 if any(line.startswith("symdiff: error") for line in expected) else \
            1 if expected and expected[0].startswith("wrong:") else 0  # --compare: exit 1 for a wrong answer
        assert status == wanted, command


@pytest.mark.parametrize("path", _docs_with(">>> "), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_docs_python_examples_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = path.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {}, path.name, str(path), 0)
    assert test.examples, f"{path.name} has no Python examples"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} example(s) in {path.name} failed (run with -s to see them)"
