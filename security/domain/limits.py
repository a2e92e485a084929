"""Caps on what one request may ask for."""

from __future__ import annotations


def capped_page_size(requested: int | None, *, default: int, cap: int) -> int:
    """The page size to serve: ``default`` when not asked, never more than ``cap``, never less than 1."""
    if cap < 1 or default < 1:
        raise ValueError("page sizes are at least 1")
    if requested is None:
        return min(default, cap)
    if requested < 1:
        raise ValueError("the page size must be at least 1")
    return min(requested, cap)
