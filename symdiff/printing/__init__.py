"""Printers: plain text (parses back), LaTeX, and SymPy code. Each dispatches on node type, with
parentheses decided by one precedence table (precedence.py)."""
