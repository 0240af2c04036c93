"""Scenario files: safe, line-aware reading, ``extends``, referenced tables, and problems
reported as ``FILE:LINE:COL: dotted.path: message``."""
