"""Scenario discovery: which input ranges make an outcome likely (PRIM on sweep cases)."""
