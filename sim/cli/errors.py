"""Errors the CLI reports as one line with exit status 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad flags, arguments or output folders."""
