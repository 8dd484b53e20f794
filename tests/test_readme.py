"""README is part of the product: its examples run, and CI runs exactly its quick start."""

import doctest
import re
from pathlib import Path

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


def cli_examples():
    """(command, expected output lines) for every `$ symdiff ...` line of README's indented examples."""
    examples, lines = [], README.splitlines()
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


def test_readme_cli_examples_match_the_cli(capsys):
    from symdiff.cli import main
    examples = cli_examples()
    assert len(examples) >= 5
    for command, expected in examples:
        args = [a.strip('"') for a in re.findall(r'"[^"]*"|\S+', command)]
        status = main(args)
        captured = capsys.readouterr()
        if command.startswith('"3*x^2-4*x)"'):  # the error example
            assert status == 2
            assert captured.err.rstrip("\n").splitlines() == expected, command
            continue
        assert status == 0, command
        assert captured.out.rstrip("\n").splitlines() == expected, command
