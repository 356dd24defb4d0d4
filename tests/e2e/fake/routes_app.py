"""REST routes about the bot itself: its user, its application, the gateway URL, application commands."""

from __future__ import annotations

import copy
from typing import Any

from .ids import snowflakes
from .records import CommandSync, DiscordError
from .state import Ctx, FakeState
from .validation import validate_commands


class AppRoutes(FakeState):
    """``/users``, ``/applications``, ``/gateway``: who the bot is and what commands it has."""

    async def r_no_content(self, ctx: Ctx) -> Any:
        return None, 204

    async def r_get_me(self, ctx: Ctx) -> Any:
        data = self.world.bot_user.to_dict()
        data.update(verified=True, mfa_enabled=False, locale="en-US", email=None, bio="")
        return data

    async def r_get_user(self, ctx: Ctx) -> Any:
        user = self.world.users.get(ctx.params["user_id"])
        if user is None:
            raise DiscordError(404, 10013, "Unknown User")
        return user.to_dict()

    async def r_get_application(self, ctx: Ctx) -> Any:
        owner = self.world.guild.members[self.world.guild.owner_id].user
        return {
            "id": self.application_id,
            "name": "Coalition Bot (e2e)",
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": (1 << 19) | (1 << 23),  # GATEWAY_GUILD_MEMBERS_LIMITED | APPLICATION_COMMAND_BADGE
            "owner": owner.to_dict(),
            "team": None,
            "bot": self.world.bot_user.to_dict(),
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "tags": [],
            "redirect_uris": [],
            "approximate_guild_count": 1,
            "integration_types_config": {"0": {}},
            "install_params": None,
            "custom_install_url": None,
            "rpc_origins": [],
        }

    async def r_get_gateway(self, ctx: Ctx) -> Any:
        return {"url": self.gateway_url}

    async def r_get_gateway_bot(self, ctx: Ctx) -> Any:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
        }

    def _check_app(self, ctx: Ctx) -> None:
        if ctx.params.get("app_id") not in (None, self.application_id):
            raise DiscordError(403, 50001, "Missing Access")
        guild_id = ctx.params.get("guild_id")
        if guild_id is not None and guild_id != self.world.guild.id:
            raise DiscordError(403, 50001, "Missing Access")

    async def r_get_commands(self, ctx: Ctx) -> Any:
        self._check_app(ctx)
        return self.synced_commands(ctx.params.get("guild_id"))

    async def r_get_command_perms(self, ctx: Ctx) -> Any:
        self._check_app(ctx)
        return []

    async def r_get_app_emojis(self, ctx: Ctx) -> Any:
        self._check_app(ctx)
        return {"items": []}

    async def r_put_commands(self, ctx: Ctx) -> Any:
        self._check_app(ctx)
        validate_commands(ctx.json)
        scope = ctx.params.get("guild_id")
        with self.lock:
            previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
            result = []
            for command in ctx.json:
                stored = copy.deepcopy(command)
                stored.setdefault("type", 1)
                stored.update(
                    id=previous.get((command["name"], stored["type"])) or snowflakes.next(),
                    application_id=self.application_id,
                    version=snowflakes.next(),
                )
                stored.setdefault("default_member_permissions", None)
                stored.setdefault("nsfw", False)
                stored.setdefault("options", [])
                if scope is not None:
                    stored["guild_id"] = scope
                result.append(stored)
            self.commands[scope] = result
            self.command_syncs.append(CommandSync(ctx.rec.seq, scope, copy.deepcopy(result)))
        return copy.deepcopy(result)
