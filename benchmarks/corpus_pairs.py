"""Reading the external corpus (../shared/corpus/*.jsonl, .gz too) for the benchmarks that time symdiff on it
(compare.py, simplify.py). Not a benchmark itself."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # ../shared/corpus beside the repository


def find(name: str) -> Path | None:
    """A corpus file by path, or by its name in ../shared/corpus; None if it is in neither place."""
    for candidate in (Path(name), CORPUS / name):
        if candidate.exists():
            return candidate
    return None


def pairs_without_i(path: Path, limit: int | None) -> tuple:
    """(rows, skipped): the first `limit` integrand/antiderivative pairs of a corpus file, leaving out (and
    counting) those that use the imaginary unit I, which symdiff does not represent."""
    opener = gzip.open if path.suffix == ".gz" else open
    rows, skipped = [], 0
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(rows) + skipped >= limit:
                break
            if not line.strip():
                continue
            row = json.loads(line)
            if "I" in row.get("constants", ()):
                skipped += 1
            else:
                rows.append(row)
    return rows, skipped
