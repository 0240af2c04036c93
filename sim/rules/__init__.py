"""The model's rules: pure functions of explicit state and parameters.

They never read files or print; those that draw random numbers take the generator as an
argument.
"""
