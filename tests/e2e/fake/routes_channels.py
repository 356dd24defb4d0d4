"""REST routes for channels (DMs included) and the messages in them."""

from __future__ import annotations

import copy
from typing import Any

from .messages import MessageStore
from .permissions import Perm
from .records import DiscordError, MessageRecord, invalid_form
from .state import Ctx
from .validation import validate_message
from .world import Channel


class ChannelRoutes(MessageStore):
    """``/channels/{id}/...`` and ``/users/@me/channels``, with the bot's channel permissions enforced."""

    def _channel(self, ctx: Ctx) -> Channel:
        channel = self.world.channel(ctx.params["channel_id"])
        if channel is None:
            raise DiscordError(404, 10003, "Unknown Channel")
        if channel.type != 1:
            me = self.world.guild.members[self.world.bot_user.id]
            if not self.world.guild.channel_permissions(me, channel) & Perm.VIEW_CHANNEL:
                raise DiscordError(403, 50001, "Missing Access")
        return channel

    async def r_get_channel(self, ctx: Ctx) -> Any:
        return self._channel(ctx).to_dict()

    async def r_create_dm(self, ctx: Ctx) -> Any:
        recipient = str((ctx.json or {}).get("recipient_id", ""))
        if recipient not in self.world.users or recipient == self.world.bot_user.id:
            raise DiscordError(400, 50033, "Invalid Recipient(s)")
        with self.lock:
            channel = self.world.dm_channel(recipient)
        return channel.to_dict()

    async def r_create_message(self, ctx: Ctx) -> Any:
        channel = self._channel(ctx)
        body = dict(ctx.json or {})
        if channel.type == 1:
            assert channel.recipient is not None
            if channel.recipient.id in self.dms_closed:
                raise DiscordError(403, 50007, "Cannot send messages to this user")
        else:
            me = self.world.guild.members[self.world.bot_user.id]
            perms = self.world.guild.channel_permissions(me, channel)
            needed = Perm.SEND_MESSAGES | (Perm.ATTACH_FILES if ctx.files else 0)
            if perms & needed != needed:
                raise DiscordError(403, 50013, "Missing Permissions")
        validate_message(body, files=len(ctx.files))
        flags = int(body.get("flags") or 0)
        if flags & 64:
            raise invalid_form({"flags": "only interaction responses can be ephemeral"})
        record = self._new_message(
            channel.id, body, ctx.files, source="dm" if channel.type == 1 else "channel", flags=flags
        )
        await self._announce("MESSAGE_CREATE", record)
        return copy.deepcopy(record.data)

    def _message_in(self, ctx: Ctx) -> MessageRecord:
        channel = self._channel(ctx)
        with self.lock:
            record = self.messages.get(ctx.params["message_id"])
        if record is None or record.deleted or record.channel_id != channel.id or record.ephemeral:
            raise DiscordError(404, 10008, "Unknown Message")
        return record

    async def r_list_messages(self, ctx: Ctx) -> Any:
        channel = self._channel(ctx)
        limit = min(100, int(ctx.rec.query.get("limit", 50)))
        before = int(ctx.rec.query.get("before", 1 << 63))
        after = int(ctx.rec.query.get("after", 0))
        found = [
            m.data for m in self.channel_messages(channel.id, include_ephemeral=False) if after < int(m.id) < before
        ]
        found.sort(key=lambda m: int(m["id"]), reverse="after" not in ctx.rec.query)
        return copy.deepcopy(found[:limit])

    async def r_get_message(self, ctx: Ctx) -> Any:
        return copy.deepcopy(self._message_in(ctx).data)

    async def r_edit_message(self, ctx: Ctx) -> Any:
        record = self._message_in(ctx)
        if record.data["author"]["id"] != self.world.bot_user.id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files), partial=True)
        self._edit_message(record, body, ctx.files)
        await self._announce("MESSAGE_UPDATE", record)
        return copy.deepcopy(record.data)

    async def r_delete_message(self, ctx: Ctx) -> Any:
        record = self._message_in(ctx)
        with self.lock:
            record.deleted = True
        await self._announce_delete(record)
        return None, 204
