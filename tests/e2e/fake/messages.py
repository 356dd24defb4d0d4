"""The bot's messages as Discord stores them: creating, editing, mentions, attachments, gateway echoes."""

from __future__ import annotations

import copy
import re
from typing import Any

from .ids import iso, snowflakes
from .permissions import Intent
from .records import InteractionRecord, MessageRecord
from .state import FakeState


class MessageStore(FakeState):
    """Message bookkeeping shared by the channel routes and the interaction routes."""

    def _pings(self, content: str, allowed: dict[str, Any] | None) -> tuple[list[str], list[str], bool]:
        parse = ["users", "roles", "everyone"] if allowed is None else allowed.get("parse") or []
        users = [
            u
            for u in re.findall(r"<@!?(\d+)>", content or "")
            if "users" in parse or u in (allowed or {}).get("users", [])
        ]
        roles = [
            r
            for r in re.findall(r"<@&(\d+)>", content or "")
            if "roles" in parse or r in (allowed or {}).get("roles", [])
        ]
        everyone = "everyone" in parse and bool(re.search(r"@(everyone|here)", content or ""))
        return users, roles, everyone

    def _attachments(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        keep: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        by_field = {f["field"]: f for f in files}
        result = list(keep or [])
        wanted = body.get("attachments")
        entries = wanted if wanted is not None else [{"id": i} for i in range(len(files))]
        for entry in entries:
            index = entry.get("id")
            upload = by_field.get(f"files[{index}]") if isinstance(index, int) or str(index).isdigit() else None
            if upload is None:
                continue  # an existing attachment kept by id, handled by the caller
            attachment_id = snowflakes.next()
            filename = entry.get("filename") or upload["filename"]
            with self.lock:
                self.files[attachment_id] = upload["data"]
            url = f"{self.base_url}/attachments/{channel_id}/{attachment_id}/{filename}"
            result.append(
                {
                    "id": attachment_id,
                    "filename": filename,
                    "size": len(upload["data"]),
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload["content_type"],
                    "description": entry.get("description"),
                    "ephemeral": False,
                    "flags": 0,
                }
            )
        return result

    def _new_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        *,
        source: str,
        interaction: InteractionRecord | None = None,
        flags: int = 0,
        msg_type: int = 0,
    ) -> MessageRecord:
        message_id = snowflakes.next()
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        users, roles, everyone = self._pings(content, allowed)
        data: dict[str, Any] = {
            "id": message_id,
            "channel_id": channel_id,
            "author": self.world.bot_user.to_dict(),
            "content": content,
            "timestamp": iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts")),
            "mention_everyone": everyone,
            "mentions": [self.world.users[u].to_dict() for u in users if u in self.world.users],
            "mention_roles": roles,
            "attachments": self._attachments(channel_id, body, files),
            "embeds": copy.deepcopy(body.get("embeds") or []),
            "components": copy.deepcopy(body.get("components") or []),
            "reactions": [],
            "pinned": False,
            "type": msg_type,
            "flags": flags,
        }
        if body.get("poll"):
            data["poll"] = copy.deepcopy(body["poll"])
        if body.get("message_reference"):
            data["message_reference"] = dict(body["message_reference"], channel_id=channel_id)
            data["type"] = 19
        if interaction is not None:
            data["webhook_id"] = self.application_id
            data["application_id"] = self.application_id
            user = self.world.users.get(interaction.user_id)
            meta: dict[str, Any] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": user.to_dict() if user else {},
                "authorizing_integration_owners": {"0": self.world.guild.id},
            }
            if interaction.type == 2:
                meta["name"] = (interaction.payload.get("data") or {}).get("name")
                meta["command_type"] = 1
            if interaction.type == 3 and interaction.payload.get("message"):
                meta["interacted_message_id"] = interaction.payload["message"]["id"]
            data["interaction_metadata"] = meta
        record = MessageRecord(
            data=data,
            source=source,
            seq=next(self._seq),
            allowed_mentions=copy.deepcopy(allowed),
            pinged_user_ids=users,
            pinged_role_ids=roles,
            pinged_everyone=everyone,
            interaction_id=interaction.id if interaction else None,
        )
        with self.lock:
            self.messages[message_id] = record
            channel = self.world.channel(channel_id)
            if channel is not None and not record.ephemeral:
                channel.last_message_id = message_id
        return record

    def _edit_message(self, record: MessageRecord, body: dict[str, Any], files: list[dict[str, Any]]) -> None:
        with self.lock:
            record.history.append(copy.deepcopy(record.data))
            data = record.data
            for key in ("content", "embeds", "components", "poll"):
                if key in body:
                    data[key] = copy.deepcopy(body[key]) if body[key] is not None else ([] if key != "content" else "")
            if "content" in body:
                allowed = body.get("allowed_mentions", record.allowed_mentions)
                users, roles, everyone = self._pings(data["content"], allowed)
                record.pinged_user_ids, record.pinged_role_ids, record.pinged_everyone = users, roles, everyone
            if "attachments" in body or files:
                kept_ids = {str(a.get("id")) for a in (body.get("attachments") or [])}
                keep = (
                    [a for a in data["attachments"] if a["id"] in kept_ids]
                    if "attachments" in body
                    else list(data["attachments"])
                )
                data["attachments"] = self._attachments(record.channel_id, body, files, keep=keep)
            if "flags" in body and body["flags"] is not None:
                data["flags"] = (data["flags"] & ~4) | (int(body["flags"]) & 4)
            data["flags"] &= ~128  # no longer "thinking"
            data["edited_timestamp"] = iso()

    async def _announce(self, event: str, record: MessageRecord) -> None:
        """MESSAGE_CREATE/UPDATE over the gateway, as Discord does for messages the bot can see."""
        if record.ephemeral:
            return
        session = self.live_session()
        if session is None:
            return
        channel = self.world.channel(record.channel_id)
        is_dm = channel is not None and channel.type == 1
        if not session.intents & (Intent.DIRECT_MESSAGES if is_dm else Intent.GUILD_MESSAGES):
            return
        data = copy.deepcopy(record.data)
        if not is_dm:
            data["guild_id"] = self.world.guild.id
            data["member"] = self.world.guild.members[self.world.bot_user.id].to_dict(with_user=False)
        try:
            await session.dispatch(event, data)
        except Exception:
            pass

    async def _announce_delete(self, record: MessageRecord) -> None:
        session = self.live_session()
        if session is None or record.ephemeral:
            return
        data = {"id": record.id, "channel_id": record.channel_id}
        channel = self.world.channel(record.channel_id)
        if channel is not None and channel.type != 1:
            data["guild_id"] = self.world.guild.id
        try:
            await session.dispatch("MESSAGE_DELETE", data)
        except Exception:
            pass
