"""REST routes for the guild: the guild itself, its channels, roles and members, its scheduled events."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from .ids import snowflakes
from .permissions import Intent
from .records import DiscordError, invalid_form
from .state import Ctx, FakeState
from .validation import check_len
from .world import Guild


class GuildRoutes(FakeState):
    """``/guilds/{id}/...``: read-only guild data, plus scheduled events the bot may create and edit."""

    def _guild(self, ctx: Ctx) -> Guild:
        if ctx.params["guild_id"] != self.world.guild.id:
            raise DiscordError(404, 10004, "Unknown Guild")
        return self.world.guild

    async def r_get_guild(self, ctx: Ctx) -> Any:
        guild = self._guild(ctx)
        data = guild.to_dict()
        if ctx.rec.query.get("with_counts") in ("true", "1", "True"):
            data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return data

    async def r_get_guild_channels(self, ctx: Ctx) -> Any:
        return [c.to_dict() for c in self._guild(ctx).channels.values()]

    async def r_get_guild_roles(self, ctx: Ctx) -> Any:
        return [r.to_dict() for r in self._guild(ctx).roles.values()]

    async def r_list_members(self, ctx: Ctx) -> Any:
        guild = self._guild(ctx)
        limit = int(ctx.rec.query.get("limit", 1))
        after = int(ctx.rec.query.get("after", 0))
        members = sorted(guild.members.values(), key=lambda m: int(m.id))
        return [m.to_dict() for m in members if int(m.id) > after][:limit]

    async def r_get_member(self, ctx: Ctx) -> Any:
        member = self._guild(ctx).members.get(ctx.params["user_id"])
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return member.to_dict()

    # --------------------------------------------------------------- REST: scheduled events

    async def r_list_events(self, ctx: Ctx) -> Any:
        return copy.deepcopy(list(self._guild(ctx).scheduled_events.values()))

    def _event(self, ctx: Ctx) -> dict[str, Any]:
        event = self._guild(ctx).scheduled_events.get(ctx.params["event_id"])
        if event is None:
            raise DiscordError(404, 10070, "Unknown Guild Scheduled Event")
        return event

    async def r_get_event(self, ctx: Ctx) -> Any:
        return copy.deepcopy(self._event(ctx))

    def _validate_event(self, event: dict[str, Any]) -> None:
        problems: dict[str, str] = {}
        check_len(problems, "name", event.get("name"), 100, minimum=1)
        check_len(problems, "description", event.get("description"), 1000)
        if event.get("privacy_level") != 2:
            problems["privacy_level"] = "must be 2 (GUILD_ONLY)"
        entity_type = event.get("entity_type")
        if entity_type not in (1, 2, 3):
            problems["entity_type"] = "must be 1, 2 or 3"
        try:
            start = dt.datetime.fromisoformat(str(event.get("scheduled_start_time")))
        except ValueError:
            problems["scheduled_start_time"] = "must be an ISO8601 timestamp"
            start = None
        end = None
        if event.get("scheduled_end_time") is not None:
            try:
                end = dt.datetime.fromisoformat(str(event["scheduled_end_time"]))
            except ValueError:
                problems["scheduled_end_time"] = "must be an ISO8601 timestamp"
        if entity_type == 3:
            if not (event.get("entity_metadata") or {}).get("location"):
                problems["entity_metadata.location"] = "external events need a location"
            if event.get("scheduled_end_time") is None:
                problems["scheduled_end_time"] = "external events need an end time"
        elif entity_type in (1, 2) and not event.get("channel_id"):
            problems["channel_id"] = "stage and voice events need a channel"
        if start is not None and end is not None and end <= start:
            problems["scheduled_end_time"] = "must be after the start"
        if problems:
            raise invalid_form(problems)

    async def _event_gateway(self, event: str, data: dict[str, Any]) -> None:
        session = self.live_session()
        if session is not None and session.intents & Intent.GUILD_SCHEDULED_EVENTS:
            try:
                await session.dispatch(event, copy.deepcopy(data))
            except Exception:
                pass

    async def r_create_event(self, ctx: Ctx) -> Any:
        guild = self._guild(ctx)
        body = dict(ctx.json or {})
        self._validate_event(body)
        event_id = snowflakes.next()
        event = {
            "id": event_id,
            "guild_id": guild.id,
            "channel_id": body.get("channel_id"),
            "creator_id": self.world.bot_user.id,
            "creator": self.world.bot_user.to_dict(),
            "name": body["name"],
            "description": body.get("description"),
            "scheduled_start_time": body["scheduled_start_time"],
            "scheduled_end_time": body.get("scheduled_end_time"),
            "privacy_level": 2,
            "status": 1,
            "entity_type": body["entity_type"],
            "entity_id": None,
            "entity_metadata": body.get("entity_metadata"),
            "user_count": 0,
            "image": body.get("image"),
            "recurrence_rule": body.get("recurrence_rule"),
        }
        with self.lock:
            guild.scheduled_events[event_id] = event
        await self._event_gateway("GUILD_SCHEDULED_EVENT_CREATE", event)
        return copy.deepcopy(event)

    async def r_edit_event(self, ctx: Ctx) -> Any:
        event = self._event(ctx)
        merged = dict(event, **(ctx.json or {}))
        self._validate_event(merged)
        status = (ctx.json or {}).get("status")
        if status is not None and (event["status"], status) not in ((1, 2), (1, 4), (2, 3)):
            raise invalid_form({"status": f"cannot go from status {event['status']} to {status}"})
        with self.lock:
            event.update(merged)
        await self._event_gateway("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return copy.deepcopy(event)

    async def r_delete_event(self, ctx: Ctx) -> Any:
        event = self._event(ctx)
        with self.lock:
            del self.world.guild.scheduled_events[event["id"]]
        await self._event_gateway("GUILD_SCHEDULED_EVENT_DELETE", event)
        return None, 204

    async def r_event_users(self, ctx: Ctx) -> Any:
        event = self._event(ctx)
        guild = self.world.guild
        return [
            {"guild_scheduled_event_id": event["id"], "user": guild.members[user_id].to_dict()["user"]}
            for user_id in sorted(guild.interested.get(event["id"], set()))
            if user_id in guild.members
        ]

    async def press_interested(self, event_id: str, user_id: str, *, interested: bool = True) -> None:
        """A member presses (or takes back) Interested on a scheduled event: Discord counts it and tells the bot."""
        guild = self.world.guild
        event = guild.scheduled_events[event_id]
        with self.lock:
            chosen = guild.interested.setdefault(event_id, set())
            (chosen.add if interested else chosen.discard)(user_id)
            event["user_count"] = len(chosen)
        name = "GUILD_SCHEDULED_EVENT_USER_ADD" if interested else "GUILD_SCHEDULED_EVENT_USER_REMOVE"
        payload = {"guild_scheduled_event_id": event_id, "user_id": user_id, "guild_id": guild.id}
        await self.acall(self.dispatch(name, payload))
