"""Errors the CLI reports as one line with exit status 2."""


class UsageError(Exception):
    """Bad flags, arguments or output folders."""
