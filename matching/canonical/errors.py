"""Errors of canonical data handling, worded for the person who supplied the file."""


class CanonicalDataError(Exception):
    """The input cannot be used at all (unreadable, empty, no record_id column, bad mapping)."""
