"""Calculus (fifth layer): local partials, forward and reverse mode, derivations, and derivatives as the API
gives them."""
