"""Other systems (seventh layer): exact conversion to and from SymPy, and checking results against it."""
