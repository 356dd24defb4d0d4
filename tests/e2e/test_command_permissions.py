"""What the bot syncs says who sees each command; the bot still refuses a plain member who runs one anyway."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .driver import Driver

pytestmark = pytest.mark.timeout(120)

MODERATOR_COMMANDS = {
    "event-admin create",
    "event-admin edit",
    "event-admin cancel",
    "event-admin attendees",
    "panel open",
    "panel next",
    "panel answered",
    "panel hide",
    "panel approve",
    "panel queue",
    "panel close",
    "panel reopen",
    "panel export",
    "panel screen open",
    "panel screen revoke",
    "panel edit",
    "panel block",
    "panel unblock",
    "panel blocked",
    "knowledge review",
    "knowledge gaps",
}


def leaves(command: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    name = f"{path} {command['name']}".strip()
    subcommands = [option for option in command.get("options") or [] if option["type"] in (1, 2)]
    if not subcommands:
        yield name, command
    for option in subcommands:
        yield from leaves(option, name)


def required_values(leaf: dict[str, Any]) -> dict[str, Any]:
    """A plausible value for every required option, so the command reaches the bot's own check."""
    values: dict[str, Any] = {}
    for option in leaf.get("options") or []:
        if option.get("required"):
            choices = option.get("choices")
            values[option["name"]] = choices[0]["value"] if choices else {3: "1", 4: 1, 5: True}[option["type"]]
    return values


async def test_synced_commands_declare_permissions_where_discord_takes_them_and_members_are_refused(
    driver: Driver,
) -> None:
    synced = driver.synced_commands()
    found: set[str] = set()
    for top in synced:
        names = {name for name, _leaf in leaves(top)}
        found |= names & MODERATOR_COMMANDS
        declared = top.get("default_member_permissions")
        if names <= MODERATOR_COMMANDS:
            assert declared is not None and int(declared) != 0, f"/{top['name']} is for moderators only"
        else:
            # Discord cannot hide one subcommand from members: a command members see holds no moderator one.
            assert not names & MODERATOR_COMMANDS, f"/{top['name']} mixes member and moderator commands"
            assert declared is None, f"/{top['name']} is for members: Discord must show it to them"
    assert found == MODERATOR_COMMANDS

    for top in synced:
        for name, leaf in leaves(top):
            if name not in MODERATOR_COMMANDS:
                continue
            # As if an admin had made the command visible to everyone: the bot's check still refuses.
            refused = await driver.slash(name, user=driver.alice, options=required_values(leaf))
            assert refused.ephemeral and refused.text == "Sorry, only moderators can do that.", (name, refused.text)
    driver.assert_clean()
