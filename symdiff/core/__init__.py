"""The core (first layer): immutable, interned expression nodes, their builders and walks, the canonical order,
every error class, and the resource budget. It imports nothing else of symdiff."""
