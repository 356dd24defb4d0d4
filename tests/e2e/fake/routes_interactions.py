"""REST routes for interactions: the callback, and the followup webhook's messages."""

from __future__ import annotations

import copy
import time
from typing import Any

from .messages import MessageStore
from .records import DiscordError, InteractionRecord, MessageRecord, invalid_form
from .state import Ctx
from .validation import check_len, validate_message, validate_modal

VALID_CALLBACKS = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}


class InteractionRoutes(MessageStore):
    """``/interactions/.../callback`` and ``/webhooks/{app}/{token}/...``: no bot token, the interaction's instead."""

    async def r_interaction_callback(self, ctx: Ctx) -> Any:
        with self.lock:
            record = self.interactions.get(ctx.params["interaction_id"])
        if record is None or record.token != ctx.params["token"]:
            raise DiscordError(404, 10062, "Unknown interaction")
        latency = time.monotonic() - (record.dispatched_at or time.monotonic())
        if latency > self.response_deadline:
            error = DiscordError(404, 10062, "Unknown interaction")
            error.body["fake_note"] = f"acknowledged {latency:.2f} s after dispatch; Discord allows 3 s"
            raise error
        if record.callback is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        body = ctx.json or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        if ctype not in VALID_CALLBACKS.get(record.type, set()):
            raise invalid_form({"type": f"callback type {ctype} is not valid for interaction type {record.type}"})
        if ctype in (6, 7) and record.type == 5 and not record.payload.get("message"):
            raise invalid_form({"type": "this modal was not opened from a message; it cannot update one"})
        flags = int(data.get("flags") or 0)
        message: MessageRecord | None = None
        if ctype == 4:
            validate_message(data, files=len(ctx.files))
            message = self._new_message(
                record.channel_id,
                data,
                ctx.files,
                source="interaction",
                interaction=record,
                flags=flags,
                msg_type=20 if record.type == 2 else 0,
            )
        elif ctype == 5:
            message = self._new_message(
                record.channel_id,
                {"content": ""},
                [],
                source="interaction",
                interaction=record,
                flags=128 | (flags & 64),
                msg_type=20 if record.type == 2 else 0,
            )
        elif ctype in (6, 7):
            with self.lock:
                message = self.messages.get(record.payload["message"]["id"])
            if message is None:
                raise DiscordError(404, 10008, "Unknown Message")
            if ctype == 7:
                validate_message(data, files=len(ctx.files), partial=True)
                self._edit_message(message, data, ctx.files)
        elif ctype == 8:
            choices = data.get("choices")
            problems: dict[str, str] = {}
            if not isinstance(choices, list) or len(choices) > 25:
                problems["data.choices"] = "autocomplete answers 0 to 25 choices"
            for i, choice in enumerate(choices or []):
                check_len(problems, f"data.choices.{i}.name", choice.get("name"), 100, minimum=1)
                if isinstance(choice.get("value"), str):
                    check_len(problems, f"data.choices.{i}.value", choice.get("value"), 100)
            if problems:
                raise invalid_form(problems)
        elif ctype == 9:
            validate_modal(data)
        with self.lock:
            record.callback = {"type": ctype, "data": copy.deepcopy(data), "latency": latency}
            if message is not None:
                record.original_message_id = message.id
        if message is not None and ctype in (4, 5):
            await self._announce("MESSAGE_CREATE", message)
        elif message is not None and ctype == 7:
            await self._announce("MESSAGE_UPDATE", message)
        if ctx.rec.query.get("with_response") not in ("1", "true", "True"):
            return None, 204
        interaction: dict[str, Any] = {"id": record.id, "type": record.type}
        resource: dict[str, Any] = {"type": ctype}
        if message is not None:
            interaction.update(
                response_message_id=message.id,
                response_message_loading=bool(message.data["flags"] & 128),
                response_message_ephemeral=message.ephemeral,
            )
            if ctype in (4, 5, 7):
                resource["message"] = copy.deepcopy(message.data)
        return {"interaction": interaction, "resource": resource}

    def _interaction_for(self, ctx: Ctx) -> InteractionRecord:
        if ctx.params["app_id"] != self.application_id:
            raise DiscordError(404, 10015, "Unknown Webhook")
        with self.lock:
            for record in self.interactions.values():
                if record.token == ctx.params["token"]:
                    if record.callback is None or record.callback["type"] in (8, 9):
                        break  # not acknowledged with a message-bearing response: no webhook yet
                    return record
        raise DiscordError(404, 10015, "Unknown Webhook")

    def _webhook_message(self, ctx: Ctx, record: InteractionRecord) -> MessageRecord:
        wanted = ctx.params["message_id"]
        with self.lock:
            if wanted == "@original":
                wanted = record.original_message_id or ""
            elif wanted != record.original_message_id and wanted not in record.followup_ids:
                wanted = ""
            message = self.messages.get(wanted)
        if message is None or message.deleted:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    async def r_create_followup(self, ctx: Ctx) -> Any:
        record = self._interaction_for(ctx)
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files))
        with self.lock:
            original = self.messages.get(record.original_message_id or "")
            record.activity += 1
        if record.callback_type == 5 and original is not None and original.data["flags"] & 128:
            # After a deferred reply, the first followup replaces the "thinking…" message (keeping its
            # ephemerality), exactly as Discord does.
            self._edit_message(original, body, ctx.files)
            message = original
            await self._announce("MESSAGE_UPDATE", message)
        else:
            flags = int(body.get("flags") or 0)
            message = self._new_message(
                record.channel_id, body, ctx.files, source="followup", interaction=record, flags=flags
            )
            with self.lock:
                record.followup_ids.append(message.id)
            await self._announce("MESSAGE_CREATE", message)
        if ctx.rec.query.get("wait") not in ("true", "1", "True"):
            return None, 204
        return copy.deepcopy(message.data)

    async def r_get_wh_msg(self, ctx: Ctx) -> Any:
        record = self._interaction_for(ctx)
        return copy.deepcopy(self._webhook_message(ctx, record).data)

    async def r_edit_wh_msg(self, ctx: Ctx) -> Any:
        record = self._interaction_for(ctx)
        message = self._webhook_message(ctx, record)
        body = dict(ctx.json or {})
        validate_message(body, files=len(ctx.files), partial=True)
        self._edit_message(message, body, ctx.files)
        with self.lock:
            record.activity += 1
        await self._announce("MESSAGE_UPDATE", message)
        return copy.deepcopy(message.data)

    async def r_del_wh_msg(self, ctx: Ctx) -> Any:
        record = self._interaction_for(ctx)
        message = self._webhook_message(ctx, record)
        with self.lock:
            message.deleted = True
            record.activity += 1
        await self._announce_delete(message)
        return None, 204
