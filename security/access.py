"""Object-level authorisation: a partner reaches only what it owns; routers call these before answering.

An object another partner owns is reported exactly like one that does not exist (``NotVisible``,
a 404), so ids cannot be probed. Stewards and operators reach objects only through a staff
scope the route names (e.g. ``Scope.AUDIT`` for an operator reading any transfer).
"""

from __future__ import annotations

from security.principal import Principal, Role, Scope


class NotVisible(LookupError):
    """404: unknown to this caller (whether or not it exists for someone else)."""


class AccessDenied(PermissionError):
    """403: the caller is known but its role may not do this."""


def ensure_owner(
    principal: Principal, owner_partner_id: str | None, *, staff: Scope | None = None, what: str = "resource"
) -> None:
    """Pass when ``principal`` is the owning partner, or a person holding the ``staff`` scope the route allows.

    ``owner_partner_id`` None means the object was not found: it is reported the same way.
    """
    if owner_partner_id is not None:
        if principal.role is Role.PARTNER and principal.subject == owner_partner_id:
            return
        if principal.role is not Role.PARTNER and staff is not None and principal.may(staff):
            return
    raise NotVisible(f"no such {what}")


def visible(principal: Principal, owner_partner_id: str | None, *, staff: Scope | None = None) -> bool:
    """For lists: keep only the rows ``ensure_owner`` would let through."""
    try:
        ensure_owner(principal, owner_partner_id, staff=staff)
    except NotVisible:
        return False
    return True


def calling_partner(principal: Principal) -> str:
    """The partner id a partner-only operation acts for (what new objects are owned by)."""
    if principal.role is not Role.PARTNER:
        raise AccessDenied(f"only a partner system may do this, not a {principal.role}")
    return principal.subject
