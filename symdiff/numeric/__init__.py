"""Numbers (sixth layer): numeric values, exact values at a point, compiled functions, difference quotients
and plots."""
