"""Errors of the audit package; entry points turn them into a clear message (CLI) or a 4xx (API)."""

from __future__ import annotations


class AuditError(Exception):
    """Base of the audit package's expected failures."""


class LedgerError(AuditError):
    """The ledger head moved under a held lock: the chain would fork, so nothing was written."""


class AuditKeyError(AuditError):
    """A key file is missing, unreadable or too widely readable; the message says what to do."""


class SearchError(AuditError):
    """Search criteria that cannot be used (no criterion, an unreadable date, a bad page size)."""
