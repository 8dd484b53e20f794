#!/usr/bin/env python3
"""The typed-inputs experiment (issue 16): what students and web-calculator users type for a derivative.

    python benchmarks/typed_inputs.py [FILE] [--failures]

FILE (default tests/data/typed_inputs.jsonl) has one JSON object a line: "input" (the text as typed), "meant" and
"why", with "functions" (names the typist would declare as undefined functions) and "wrt" (the variable of a
`d/dx` prefix) when they apply. "meant" is one of
  * an expression in symdiff's plain syntax: what the typist meant to differentiate;
  * {"refuse": S}: the input cannot be read as meant without guessing; the error message must contain S (the fix);
  * {"ambiguous": [A, B]}: two common readings; the input must be read as one of them with a note.

Each input is read with symdiff.read and classified:
  meant                      read as the meant expression (and the `d/dx` variable, if any)
  refused with fix           refused (as expected) with a message containing the fix
  convention with a note     an ambiguous input read as one of its readings, with a note
  refused without the fix    refused (as expected), but the message lacks the fix; or an ambiguous input refused
  refused instead of read    an input with a meant expression refused
  accepted instead of refused  an input that must be refused was read (a misread)
  misread                    read as something else, or an ambiguous input read without a note
  crashed                    an exception that is not a SymdiffError (a bug)

The acceptance criterion: at least 72 inputs read as meant, at most 2 read by convention with a note, none
misread (or accepted instead of refused, or crashed), and every other input refused with its fix. The script
prints a line per input and the counts, and exits 1 if the criterion fails (2 if the data file is malformed).
tests/test_typed_inputs.py loads this module and checks the same criterion.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout: import the source tree

import symdiff  # noqa: E402

DATA = ROOT / "tests" / "data" / "typed_inputs.jsonl"

MIN_MEANT = 72
MAX_CONVENTION = 2

MEANT = "meant"
REFUSED_WITH_FIX = "refused with fix"
CONVENTION = "convention with a note"
REFUSED_WITHOUT_FIX = "refused without the fix"
REFUSED_INSTEAD = "refused instead of read"
ACCEPTED_INSTEAD = "accepted instead of refused"
MISREAD = "misread"
CRASHED = "crashed"
OUTCOMES = (MEANT, REFUSED_WITH_FIX, CONVENTION, REFUSED_WITHOUT_FIX, REFUSED_INSTEAD, ACCEPTED_INSTEAD, MISREAD,
            CRASHED)
# Outcomes that are a misreading (or worse) whatever the counts.
WRONG = (MISREAD, ACCEPTED_INSTEAD, CRASHED)


@dataclass(frozen=True)
class Result:
    """One input's outcome, with a detail: the reading or the message."""

    line: int
    input: str
    outcome: str
    detail: str
    notes: tuple = ()
    expects: str = "expression"  # kind(entry): "expression", "refuse" or "ambiguous"


def load(path: Path = DATA) -> list[dict]:
    """The objects of a JSON-lines file, each with its line number as "line"."""
    entries = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                entry = json.loads(line)
                entry["line"] = number
                entries.append(entry)
    return entries


def kind(entry: dict) -> str:
    """"expression", "refuse" or "ambiguous": what the entry expects."""
    meant = entry["meant"]
    if isinstance(meant, str):
        return "expression"
    if isinstance(meant, dict) and set(meant) == {"refuse"} and isinstance(meant["refuse"], str):
        return "refuse"
    if isinstance(meant, dict) and set(meant) == {"ambiguous"} and len(meant["ambiguous"]) >= 2:
        return "ambiguous"
    raise ValueError(f"line {entry.get('line')}: malformed \"meant\": {meant!r}")


def wrt(entry: dict) -> tuple:
    """The variables the `d/dx` prefix of the input asks for: "wrt" as a tuple ("x" or ["x", "x"])."""
    given = entry.get("wrt", ())
    return (given,) if isinstance(given, str) else tuple(given)


def _functions(entry: dict) -> tuple:
    return tuple(entry.get("functions", ()))


def expected_expression(text: str, functions=()):
    """The expression a reading in plain syntax stands for (read without warnings). ValueError if it is not an
    expression (a data error)."""
    reading = symdiff.read(text, functions=functions)
    if reading.expression is None or reading.variables:
        raise ValueError(f"{text!r} is not a plain expression")
    return reading.expression


def same(found, wanted) -> bool:
    """Whether two expressions are equal: the same interned node, or SymPy simplifies their difference to 0."""
    if found is wanted:
        return True
    try:
        import sympy
        return sympy.simplify(symdiff.to_sympy(found) - symdiff.to_sympy(wanted)) == 0
    except Exception:  # noqa: BLE001 - an expression SymPy cannot take is simply not shown equal
        return False


def _message(error: BaseException) -> str:
    message = getattr(error, "message", None)
    return message if isinstance(message, str) else str(error)


def _describe_error(error: BaseException) -> str:
    notation = getattr(error, "notation", None)
    suggestions = getattr(error, "suggestions", ())
    extra = []
    if notation is not None:
        extra.append(f"notation={notation.name}")
    if suggestions:
        extra.append(f"suggestions={list(suggestions)}")
    return f"{type(error).__name__}: {_message(error)}" + (f" [{', '.join(extra)}]" if extra else "")


def _describe_reading(reading) -> str:
    if reading.expression is None:
        return f"equation {reading.equation}"
    shown = symdiff.text(reading.expression)
    if reading.variables:
        shown = f"{_asked(reading.variables)} {shown}"
    if reading.equation is not None:
        shown += f" (from {reading.equation})"
    return shown


def _asked(variables: tuple) -> str:
    """d/dx, d^2/dx^2, or d/dx d/dy for variables that differ."""
    if len(set(variables)) == 1 and len(variables) > 1:
        return f"d^{len(variables)}/d{variables[0]}^{len(variables)}"
    return " ".join(f"d/d{v}" for v in variables)


def _notes(reading) -> tuple:
    return tuple(f"{note.kind.name}: {note.message}" for note in reading.notes)


def classify(entry: dict) -> Result:
    """Read one entry's input and say how it went (see the module's docstring)."""
    text, functions, expects = entry["input"], _functions(entry), kind(entry)
    line = entry.get("line", 0)

    def result(outcome: str, detail: str, notes: tuple = ()) -> Result:
        return Result(line, text, outcome, detail, notes, expects)

    try:
        reading = symdiff.read(text, functions=functions)
        if reading.expression is None:  # an equation that is not a definition: what a command would say
            reading.require_expression()
    except symdiff.SymdiffError as error:
        described = _describe_error(error)
        if expects == "refuse":
            fix = entry["meant"]["refuse"]
            if fix in _message(error):
                return result(REFUSED_WITH_FIX, described)
            return result(REFUSED_WITHOUT_FIX, f"the message lacks {fix!r}: {described}")
        if expects == "ambiguous":
            return result(REFUSED_WITHOUT_FIX,
                          f"an ambiguous input must be read by a convention with a note: {described}")
        return result(REFUSED_INSTEAD, f"meant {entry['meant']}: {described}")
    except Exception as error:  # noqa: BLE001 - any other exception is a bug in the reader, reported as such
        return result(CRASHED, f"{type(error).__name__}: {error}")

    notes = _notes(reading)
    shown = _describe_reading(reading)
    if expects == "refuse":
        return result(ACCEPTED_INSTEAD, f"read as {shown}", notes)
    if expects == "ambiguous":
        for candidate in entry["meant"]["ambiguous"]:
            if not reading.variables and same(reading.expression, expected_expression(candidate, functions)):
                if notes:
                    return result(CONVENTION, f"read as {shown}", notes)
                return result(MISREAD, f"read as {shown} without a note (readings: "
                              f"{' or '.join(entry['meant']['ambiguous'])})", notes)
        return result(MISREAD, f"read as {shown}, neither of {entry['meant']['ambiguous']}", notes)
    wanted = expected_expression(entry["meant"], functions)
    if reading.variables != wrt(entry):
        asked = f"{_asked(wrt(entry))} " if wrt(entry) else ""
        return result(MISREAD, f"read as {shown}, meant {asked}{entry['meant']}", notes)
    if same(reading.expression, wanted):
        return result(MEANT, shown, notes)
    return result(MISREAD, f"read as {shown}, meant {entry['meant']}", notes)


def run(entries: list[dict]) -> list[Result]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes are read from the Reading, not from warnings
        return [classify(entry) for entry in entries]


def counts(results: list[Result]) -> collections.Counter:
    return collections.Counter(result.outcome for result in results)


def failures(results: list[Result]) -> list[str]:
    """The ways the acceptance criterion fails, each a sentence listing the inputs concerned; [] if it holds."""
    found = counts(results)
    problems = []

    def listed(chosen) -> str:
        return "; ".join(f"{r.line}: {r.input!r} ({r.outcome}: {r.detail})" for r in chosen)

    if found[MEANT] < MIN_MEANT:
        missed = [r for r in results if r.expects == "expression" and r.outcome != MEANT]
        problems.append(f"{found[MEANT]} inputs read as meant, fewer than {MIN_MEANT}; of the inputs with a meant "
                        f"expression, not read as meant: {listed(missed)}")
    if found[CONVENTION] > MAX_CONVENTION:
        problems.append(f"{found[CONVENTION]} inputs read by a convention with a note, more than {MAX_CONVENTION}: "
                        + listed(r for r in results if r.outcome == CONVENTION))
    for outcome in (*WRONG, REFUSED_WITHOUT_FIX, REFUSED_INSTEAD):
        if found[outcome]:
            problems.append(f"{found[outcome]} {outcome}: " + listed(r for r in results if r.outcome == outcome))
    return problems


def _table(results: list[Result], only_failures: bool) -> None:
    width = max(len(r.input) for r in results)
    for r in results:
        if only_failures and r.outcome == MEANT:
            continue
        print(f"{r.line:3}  {r.input:<{width}}  {r.outcome:<27}  {r.detail}")
        for note in r.notes:
            print(f"{'':3}  {'':<{width}}  {'':<27}  note {note}")


def main(argv=None) -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("file", nargs="?", default=str(DATA), help="the JSON-lines file (default: %(default)s)")
    options.add_argument("--failures", action="store_true", help="list only the inputs not read as meant")
    arguments = options.parse_args(argv)
    try:
        entries = load(Path(arguments.file))
        for entry in entries:
            kind(entry)
    except (OSError, ValueError, KeyError) as error:
        print(f"typed_inputs: bad data file: {error}", file=sys.stderr)
        return 2
    results = run(entries)
    _table(results, arguments.failures)
    found = counts(results)
    print()
    print(f"{len(results)} inputs: " + ", ".join(f"{found[o]} {o}" for o in OUTCOMES if found[o] or o in
                                                   (MEANT, REFUSED_WITH_FIX, CONVENTION, MISREAD)))
    problems = failures(results)
    if problems:
        print("acceptance criterion FAILS:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"acceptance criterion holds: at least {MIN_MEANT} read as meant, at most {MAX_CONVENTION} by convention "
          "with a note, none misread, every other input refused with its fix")
    return 0


if __name__ == "__main__":
    sys.exit(main())
