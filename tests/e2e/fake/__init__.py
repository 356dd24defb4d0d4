"""A loopback fake of Discord's API v10 — REST and gateway — for end-to-end tests of a discord.py bot.

The fake runs its own asyncio loop in a background thread (so any test, sync or async, and any
fixture scope can use it) and serves, on one 127.0.0.1 port:

* ``/api/v10/...``  the REST routes a discord.py 2.x bot uses (see ``rest.ROUTES``);
* a websocket gateway on any path requested with ``Upgrade: websocket`` (``/gateway`` is advertised);
* ``/attachments/...`` the "CDN" for uploaded files.

Everything is recorded: every request (``requests``), requests to routes the fake does not know
(``unknown_routes``, answered with Discord's 404 JSON), every 4xx the fake produced because the bot
sent something Discord would refuse (``rejections``), every message created anywhere (``messages``)
and every interaction with its callback, followups and edits (``interactions``).

Payload shapes follow discord.py 2.7.1's parsers (discord/state.py, interactions.py, message.py,
guild.py) and Discord's API documentation. The state is guarded by one lock: handlers run in the fake's
thread, tests read snapshots from theirs.

Imports inside the package go one way: ids, permissions -> world; records -> validation; gateway;
then state (shared state, test-facing API) -> messages and the route/gateway mixins -> rest
(``FakeDiscord``, the server). Tests import from here.
"""

from __future__ import annotations

from .gateway import GatewaySession
from .ids import iso, snowflakes, token_for, world_id
from .permissions import Intent, Perm
from .records import (
    CommandSync,
    DiscordError,
    Fault,
    InteractionRecord,
    MessageRecord,
    RecordedRequest,
    Rejection,
    invalid_form,
)
from .rest import ROUTES, FakeDiscord
from .validation import iter_components, validate_commands, validate_message, validate_modal
from .world import Channel, Guild, Member, Role, User, World

__all__ = [
    "ROUTES",
    "Channel",
    "CommandSync",
    "DiscordError",
    "FakeDiscord",
    "Fault",
    "GatewaySession",
    "Guild",
    "Intent",
    "InteractionRecord",
    "Member",
    "MessageRecord",
    "Perm",
    "RecordedRequest",
    "Rejection",
    "Role",
    "User",
    "World",
    "invalid_form",
    "iso",
    "iter_components",
    "snowflakes",
    "token_for",
    "validate_commands",
    "validate_message",
    "validate_modal",
    "world_id",
]
