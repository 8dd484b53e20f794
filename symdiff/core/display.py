"""What every result object shows (derivations, tangents, Taylor polynomials, comparisons, ...): str() is its
text(), what the command line prints; json() its as_json() as JSON text; and a notebook (IPython's display) shows
its latex() as maths. A result class defines text(), latex() and as_json() and inherits the rest."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["Displayed"]


class Displayed:
    """Mixin: str(), json() and _repr_latex_ from a class's text(), latex() and as_json()."""

    __slots__ = ()

    def text(self) -> str:
        raise NotImplementedError

    def latex(self) -> str:
        raise NotImplementedError

    def as_json(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def json(self) -> str:
        return json.dumps(self.as_json(), indent=2)

    def __str__(self) -> str:
        return self.text()

    def _repr_latex_(self) -> str:
        """Inline display maths; a result whose LaTeX is an aligned environment shows it as a display ($$)."""
        latex = self.latex()
        return f"$${latex}$$" if latex.startswith("\\begin{") else f"$\\displaystyle {latex}$"
