"""Who counts as a moderator: a rule about members, independent of Discord objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RoleRef:
    id: int
    name: str


def is_moderator(*, configured_role: str | None, roles: Iterable[RoleRef], manage_guild: bool) -> bool:
    """A moderator has Manage Server, or the configured MODERATOR_ROLE given by id or (case-insensitive) name."""
    if manage_guild:
        return True
    if not configured_role:
        return False
    wanted = configured_role.strip()
    if wanted.isdigit():
        return any(role.id == int(wanted) for role in roles)
    return any(role.name.casefold() == wanted.casefold() for role in roles)
