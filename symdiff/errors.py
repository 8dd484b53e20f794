"""Errors a user can cause. Every one is a SymdiffError; the CLI prints it in one line, with a caret under
the position when there is one, and exits with status 2."""

from __future__ import annotations


# A longer line is shown in part, around the position, in a caret message.
CARET_WIDTH = 100


class SymdiffError(Exception):
    """Base of every error caused by input. `text` and `position` (0-based) locate it when known."""

    def __init__(self, message: str, text: str | None = None, position: int | None = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def caret(self) -> str:
        """The input's line holding the position, and a caret under it; '' when there is no position."""
        if self.text is None or self.position is None:
            return ""
        start = self.text.rfind("\n", 0, self.position) + 1
        end = self.text.find("\n", self.position)
        line = self.text[start:] if end < 0 else self.text[start:end]
        column = self.position - start
        if len(line) > CARET_WIDTH:  # a long line: the part around the position, marked with ...
            left = max(0, min(column - CARET_WIDTH // 2, len(line) - CARET_WIDTH))
            right = left + CARET_WIDTH
            prefix, suffix = ("..." if left else ""), ("..." if right < len(line) else "")
            line = prefix + line[left:right] + suffix
            column = column - left + len(prefix)
        line = "".join(c if c.isprintable() or c == "\t" else "?" for c in line)
        padding = "".join("\t" if c == "\t" else " " for c in line[:column])
        return f"{line}\n{padding}^"

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (column {self.position + 1})"


class ParseError(SymdiffError):
    """The text is not an expression symdiff understands."""


class UsageError(SymdiffError):
    """A request that cannot be carried out as asked (e.g. no variable given for a multivariate expression)."""


class DifferentiationError(SymdiffError):
    """No rule applies (e.g. a function without a derivative rule)."""


class ConversionError(SymdiffError):
    """A SymPy object that has no symdiff equivalent."""


class UndefinedError(SymdiffError):
    """The expression has no value anywhere, e.g. x/(x - x) divides by an expression that is identically 0."""


class LimitError(SymdiffError):
    """The input exceeds a documented resource limit (nesting depth, size, derivative order)."""
