"""Simplification (fourth layer): canonical forms, rational functions (FLINT), rewrite rules, the simplifier
that chooses among forms, and common subexpressions."""
