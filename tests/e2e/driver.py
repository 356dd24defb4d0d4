"""What a Discord user can do to the bot, and what they then see — on top of the fake.

    result = await driver.slash("platform show", name="astra", user=driver.alice)
    assert result.ephemeral is False
    assert "ASTRA" in result.message.embed["title"]

    choices = await driver.autocomplete("platform show", "name", "teknikolege")
    result = await driver.click(result.message, "practice:review:approve:3", user=driver.moderator)
    result = await driver.submit_modal("practice:submit", {"title": "…"}, user=driver.alice)
    dm = await driver.wait_for_dm(driver.alice, lambda m: "approved" in m.text)

Slash commands and their options are built from what the bot synced (PUT .../commands), so an
unknown command or option, a missing required option or a value of the wrong type fails loudly.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable
from typing import Any

from .botproc import BotProcess
from .fake import (
    Channel,
    FakeDiscord,
    InteractionRecord,
    Member,
    MessageRecord,
    Perm,
    RecordedRequest,
    Rejection,
    iter_components,
    snowflakes,
)

OPTION_TYPES = {
    1: "sub-command",
    2: "sub-command group",
    3: "string",
    4: "integer",
    5: "boolean",
    6: "user",
    7: "channel",
    8: "role",
    9: "mentionable",
    10: "number",
    11: "attachment",
}
POLL = 0.02


class Message:
    """A message as its viewers see it now (edits included), read live from the fake."""

    def __init__(self, fake: FakeDiscord, record: MessageRecord) -> None:
        self._fake = fake
        self._record = record

    def __repr__(self) -> str:
        flags = " ephemeral" if self.ephemeral else ""
        return f"<Message {self.id}{flags} {self.text[:120]!r}>"

    @property
    def record(self) -> MessageRecord:
        return self._record

    @property
    def data(self) -> dict[str, Any]:
        with self._fake.lock:
            return self._record.data

    @property
    def id(self) -> str:
        return self._record.id

    @property
    def channel_id(self) -> str:
        return self._record.channel_id

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self.data.get("embeds") or []

    @property
    def embed(self) -> dict[str, Any]:
        """The one embed of a card; fails if the message has none."""
        assert self.embeds, f"expected an embed, the message has none: {self!r}"
        return self.embeds[0]

    @property
    def components(self) -> list[dict[str, Any]]:
        return self.data.get("components") or []

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def loading(self) -> bool:
        return bool(self.flags & 128)

    @property
    def deleted(self) -> bool:
        return self._record.deleted

    @property
    def edits(self) -> int:
        return len(self._record.history)

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        return self._record.allowed_mentions

    @property
    def pinged(self) -> bool:
        """Whether anyone got a notification from this message (user, role or @everyone ping)."""
        r = self._record
        return bool(r.pinged_user_ids or r.pinged_role_ids or r.pinged_everyone)

    @property
    def attachments(self) -> list[dict[str, Any]]:
        return self.data.get("attachments") or []

    def attachment_bytes(self, index: int = 0) -> bytes:
        attachment = self.attachments[index]
        with self._fake.lock:
            return self._fake.files[attachment["id"]]

    def all_components(self) -> list[dict[str, Any]]:
        return list(iter_components(self.components))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [c for c in self.all_components() if c.get("type") == 2]

    def button(
        self, label: str | None = None, *, custom_id: str | None = None, startswith: str | None = None
    ) -> dict[str, Any]:
        for button in self.buttons:
            if label is not None and (button.get("label") or "").lower() != label.lower():
                continue
            if custom_id is not None and button.get("custom_id") != custom_id:
                continue
            if startswith is not None and not (button.get("custom_id") or "").startswith(startswith):
                continue
            return button
        labels = [(b.get("label"), b.get("custom_id")) for b in self.buttons]
        raise AssertionError(f"no button label={label!r} custom_id={custom_id or startswith!r}; buttons: {labels}")

    @property
    def text(self) -> str:
        """All the text a viewer reads: content, embed titles/descriptions/fields/footers, button labels."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [
                (embed.get("author") or {}).get("name") or "",
                embed.get("title") or "",
                embed.get("description") or "",
            ]
            for fld in embed.get("fields") or []:
                parts += [fld.get("name") or "", fld.get("value") or ""]
            parts.append((embed.get("footer") or {}).get("text") or "")
        for component in self.all_components():
            parts += [component.get("label") or "", component.get("content") or "", component.get("placeholder") or ""]
        return "\n".join(p for p in parts if p)

    def field(self, name: str) -> str:
        """The value of the embed field whose name contains ``name`` (case-insensitive)."""
        for embed in self.embeds:
            for fld in embed.get("fields") or []:
                if name.lower() in (fld.get("name") or "").lower():
                    return fld.get("value") or ""
        names = [f.get("name") for e in self.embeds for f in e.get("fields") or []]
        raise AssertionError(f"no embed field named like {name!r}; fields: {names}")


class InteractionResult:
    """One interaction the driver sent: the bot's callback and every message it produced."""

    def __init__(self, driver: Driver, record: InteractionRecord) -> None:
        self._driver = driver
        self._fake = driver.fake
        self.record = record

    def __repr__(self) -> str:
        return f"<Interaction {self.record.id} type {self.record.type} callback {self.callback_type}>"

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def callback_type(self) -> int | None:
        return self.record.callback_type

    @property
    def callback_data(self) -> dict[str, Any]:
        return (self.record.callback or {}).get("data") or {}

    @property
    def latency(self) -> float | None:
        return None if self.record.callback is None else self.record.callback["latency"]

    @property
    def message(self) -> Message:
        """The response message the user sees (the original response, after any edits)."""
        assert self.record.original_message_id, (
            f"the bot answered with callback type {self.callback_type}, which has no response message; "
            f"callback data: {self.callback_data}"
        )
        with self._fake.lock:
            return Message(self._fake, self._fake.messages[self.record.original_message_id])

    @property
    def followups(self) -> list[Message]:
        with self._fake.lock:
            return [Message(self._fake, self._fake.messages[i]) for i in self.record.followup_ids]

    @property
    def messages(self) -> list[Message]:
        originals = [self.message] if self.record.original_message_id else []
        return originals + self.followups

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def text(self) -> str:
        return "\n".join(m.text for m in self.messages)

    @property
    def modal(self) -> dict[str, Any]:
        assert self.callback_type == 9, f"expected a modal (callback 9), got callback {self.callback_type}"
        return self.callback_data

    @property
    def choices(self) -> list[dict[str, Any]]:
        assert self.callback_type == 8, f"expected autocomplete choices (callback 8), got {self.callback_type}"
        return self.callback_data.get("choices") or []

    async def wait_followup(
        self, predicate: Callable[[Message], bool] = lambda m: True, timeout: float = 10.0
    ) -> Message:
        def find() -> Message | None:
            for message in self.followups:
                if predicate(message):
                    return message
            return None

        return await self._driver._wait(find, timeout, f"a followup of {self!r} matching the predicate")

    async def settle(self, timeout: float = 10.0) -> InteractionResult:
        """After a deferred callback, wait until the bot edited the response or sent a followup."""
        if self.callback_type in (5, 6):
            await self._driver._wait(
                lambda: self.record.activity > 0 or None,
                timeout,
                f"the bot to finish the deferred response of {self!r}",
            )
        return self


class Driver:
    def __init__(self, fake: FakeDiscord, bot: BotProcess | None = None) -> None:
        self.fake = fake
        self.bot = bot
        world = fake.world
        self.guild = world.guild
        self.moderator: Member = world.people["moderator"]
        self.alice: Member = world.people["alice"]
        self.bob: Member = world.people["bob"]
        self.chen: Member = world.people["chen"]
        self.owner: Member = world.people["owner"]
        self.organiser: Member = world.people["organiser"]  # Manage Server, no Moderator role
        self.mark = fake.mark()  # requests before this belong to earlier tests
        self.general: Channel = world.guild.channel_named("general")
        self.announcements: Channel = world.guild.channel_named("announcements")
        self.moderators_channel: Channel = world.guild.channel_named("moderators")

    # ---------------------------------------------------------------------------- waiting

    def _context(self) -> str:
        parts = []
        rejected = self.fake.rejections_since(0)[-5:]
        if rejected:
            parts.append("fake Discord refused:\n  " + "\n  ".join(str(r) for r in rejected))
        unknown = self.fake.unknown_since(0)[-5:]
        if unknown:
            parts.append("unknown routes hit: " + ", ".join(f"{r.method} {r.path}" for r in unknown))
        if self.bot is not None:
            parts.append(self.bot.describe(60))
        return "\n".join(parts)

    async def _wait(self, find: Callable[[], Any], timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            found = find()
            if found is not None:
                return found
            if self.bot is not None and self.bot.proc is not None and self.bot.proc.poll() is not None:
                raise AssertionError(f"the bot died while waiting for {what}\n{self._context()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{self._context()}")
            await asyncio.sleep(POLL)

    async def wait_until(self, condition: Callable[[], bool], what: str, *, timeout: float = 10.0) -> None:
        """Wait for something the bot does after answering (an edit of an earlier message, say)."""
        await self._wait(lambda: True if condition() else None, timeout, what)

    async def wait_for_message(
        self,
        channel: Channel | str,
        predicate: Callable[[Message], bool] = lambda m: True,
        *,
        timeout: float = 10.0,
        after: Message | str | None = None,
    ) -> Message:
        channel_id = channel if isinstance(channel, str) else channel.id
        after_id = int(after.id if isinstance(after, Message) else after or 0)

        def find() -> Message | None:
            for record in self.fake.channel_messages(channel_id):
                if int(record.id) > after_id:
                    message = Message(self.fake, record)
                    if predicate(message):
                        return message
            return None

        return await self._wait(find, timeout, f"a message in channel {channel_id} matching the predicate")

    def dm_messages(self, user: Member) -> list[Message]:
        channel = self.fake.world.dm_channels.get(user.id)
        if channel is None:
            return []
        return [Message(self.fake, r) for r in self.fake.channel_messages(channel.id)]

    async def wait_for_dm(
        self, user: Member, predicate: Callable[[Message], bool] = lambda m: True, *, timeout: float = 10.0
    ) -> Message:
        def find() -> Message | None:
            for message in self.dm_messages(user):
                if predicate(message):
                    return message
            return None

        return await self._wait(find, timeout, f"a DM to {user.name} matching the predicate")

    def messages_in(self, channel: Channel) -> list[Message]:
        return [Message(self.fake, r) for r in self.fake.channel_messages(channel.id)]

    def unknown_routes(self, since: int = 0) -> list[RecordedRequest]:
        return self.fake.unknown_since(since)

    def rejections(self, since: int = 0) -> list[Rejection]:
        return self.fake.rejections_since(since)

    def assert_clean(self, since: int | None = None) -> None:
        """Since this driver was made: no unknown route hit, and Discord accepted all the bot sent."""
        since = self.mark if since is None else since
        unknown = [f"{r.method} {r.path}" for r in self.unknown_routes(since)]
        rejected = [str(r) for r in self.rejections(since)]
        assert not unknown and not rejected, f"unknown routes: {unknown}; refused requests: {rejected}"

    # ----------------------------------------------------------------------- commands

    def synced_commands(self) -> list[dict[str, Any]]:
        commands = self.fake.synced_commands(self.guild.id) + self.fake.synced_commands(None)
        assert commands, "the bot has not synced any command (no PUT .../commands seen)"
        return commands

    def command(self, path: str) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
        """(top-level command, names of the nested sub-command path, leaf definition) for "a b c"."""
        names = path.strip().lstrip("/").split()
        commands = self.synced_commands()
        top = next((c for c in commands if c["name"] == names[0] and c.get("type", 1) == 1), None)
        assert top is not None, (
            f"/{names[0]} was not synced; synced chat commands: {sorted(c['name'] for c in commands)}"
        )
        leaf = top
        for name in names[1:]:
            subs = [o for o in leaf.get("options") or [] if o["type"] in (1, 2)]
            found = next((o for o in subs if o["name"] == name), None)
            assert found is not None, (
                f"/{' '.join(names)}: {leaf['name']!r} has no sub-command {name!r}; it has {[o['name'] for o in subs]}"
            )
            leaf = found
        subs = [o for o in leaf.get("options") or [] if o["type"] in (1, 2)]
        assert not subs, f"/{' '.join(names)} needs a sub-command: one of {[o['name'] for o in subs]}"
        return top, names[1:], leaf

    def _member_payload(self, member: Member, channel: Channel) -> dict[str, Any]:
        data = member.to_dict()
        data["permissions"] = str(self.guild.channel_permissions(member, channel))
        return data

    def _base_payload(
        self, itype: int, user: Member, channel: Channel, data: dict[str, Any], locale: str = "en-US"
    ) -> dict[str, Any]:
        bot_member = self.guild.members[self.fake.world.bot_user.id]
        channel_data = channel.to_dict()
        channel_data["permissions"] = str(self.guild.channel_permissions(user, channel))
        return {
            "id": snowflakes.next(),
            "application_id": self.fake.application_id,
            "type": itype,
            "data": data,
            "guild_id": self.guild.id,
            "guild": {"id": self.guild.id, "locale": "en-US", "features": []},
            "guild_locale": "en-US",
            "channel_id": channel.id,
            "channel": channel_data,
            "member": self._member_payload(user, channel),
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96),
            "version": 1,
            "app_permissions": str(self.guild.channel_permissions(bot_member, channel)),
            "locale": locale,
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild.id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    def _convert(self, command: str, option: dict[str, Any], value: Any, resolved: dict[str, dict[str, Any]]) -> Any:
        otype = option["type"]
        where = f"/{command} {option['name']}:"
        kind = OPTION_TYPES.get(otype, str(otype))
        if otype == 3:
            assert isinstance(value, str), f"{where} is a string option, got {value!r}"
            if option.get("min_length") is not None:
                assert len(value) >= option["min_length"], f"{where} shorter than min_length {option['min_length']}"
            if option.get("max_length") is not None:
                assert len(value) <= option["max_length"], f"{where} longer than max_length {option['max_length']}"
        elif otype == 4:
            assert isinstance(value, int) and not isinstance(value, bool), (
                f"{where} is an integer option, got {value!r}"
            )
        elif otype == 5:
            assert isinstance(value, bool), f"{where} is a boolean option, got {value!r}"
        elif otype == 10:
            assert isinstance(value, int | float) and not isinstance(value, bool), f"{where} is a number, got {value!r}"
        elif otype in (6, 9) and isinstance(value, Member):
            resolved.setdefault("users", {})[value.id] = value.user.to_dict()
            member = value.to_dict(with_user=False)
            member["permissions"] = str(self.guild.base_permissions(value))
            resolved.setdefault("members", {})[value.id] = member
            return value.id
        elif otype in (7, 9) and isinstance(value, Channel):
            resolved.setdefault("channels", {})[value.id] = {
                "id": value.id,
                "name": value.name,
                "type": value.type,
                "permissions": str(Perm.ALL),
            }
            return value.id
        elif otype == 8 or (otype == 9 and isinstance(value, str) and value in self.guild.roles):
            role = self.guild.roles.get(value) if isinstance(value, str) else None
            role = role or next((r for r in self.guild.roles.values() if r.name == value), None)
            assert role is not None, f"{where} is a role option; {value!r} is no role of the guild"
            resolved.setdefault("roles", {})[role.id] = role.to_dict()
            return role.id
        elif otype == 11:
            assert isinstance(value, tuple) and len(value) == 2, f"{where} takes (filename, bytes), got {value!r}"
            filename, blob = value
            attachment_id = snowflakes.next()
            with self.fake.lock:
                self.fake.files[attachment_id] = blob
            url = f"{self.fake.base_url}/attachments/0/{attachment_id}/{filename}"
            resolved.setdefault("attachments", {})[attachment_id] = {
                "id": attachment_id,
                "filename": filename,
                "size": len(blob),
                "url": url,
                "proxy_url": url,
                "content_type": "application/octet-stream",
                "ephemeral": True,
            }
            return attachment_id
        else:
            raise AssertionError(f"{where} is a {kind} option; cannot send {value!r}")
        choices = option.get("choices") or []
        if choices:
            allowed = [c["value"] for c in choices]
            assert value in allowed, f"{where} must be one of the choices {allowed}, got {value!r}"
        for bound, check in (("min_value", lambda a, b: a >= b), ("max_value", lambda a, b: a <= b)):
            if option.get(bound) is not None and otype in (4, 10):
                assert check(value, option[bound]), f"{where} {value!r} violates {bound} {option[bound]}"
        return value

    def _build_command_data(
        self, path: str, given: dict[str, Any], *, focused: str | None = None, focused_value: str = ""
    ) -> dict[str, Any]:
        top, sub_path, leaf = self.command(path)
        command = path.strip().lstrip("/")
        definitions = {o["name"]: o for o in leaf.get("options") or []}
        unknown = sorted(set(given) - set(definitions))
        assert not unknown, f"/{command} has no option(s) {unknown}; its options: {sorted(definitions)}"
        resolved: dict[str, dict[str, Any]] = {}
        values: list[dict[str, Any]] = []
        for name, definition in definitions.items():
            if name == focused:
                assert definition.get("autocomplete"), f"/{command} {name}: this option has no autocomplete"
                values.append({"name": name, "type": definition["type"], "value": focused_value, "focused": True})
            elif name in given:
                value = self._convert(command, definition, given[name], resolved)
                values.append({"name": name, "type": definition["type"], "value": value})
            elif definition.get("required") and focused is None:
                required = [n for n, d in definitions.items() if d.get("required")]
                raise AssertionError(f"/{command} requires option {name!r} (required: {required})")
        if focused is not None:
            assert focused in definitions, f"/{command} has no option {focused!r}; its options: {sorted(definitions)}"
        options = values
        node = leaf
        chain = [top]
        for name in sub_path:
            node = next(o for o in (chain[-1].get("options") or []) if o["name"] == name)
            chain.append(node)
        for sub in reversed(chain[1:]):
            options = [{"name": sub["name"], "type": sub["type"], "options": options}]
        data: dict[str, Any] = {"id": top["id"], "name": top["name"], "type": 1, "options": options}
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    # --------------------------------------------------------------------- interactions

    async def send(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user: Member,
        channel: Channel,
        message: Message | None = None,
        timeout: float = 10.0,
        settle: bool = True,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Dispatch an INTERACTION_CREATE (from a client in `locale`) and wait for the bot's callback (and, if
        deferred, its answer)."""
        payload = self._base_payload(itype, user, channel, data, locale)
        if message is not None:
            payload["message"] = message.data
        record = self.fake.new_interaction(payload)
        await self.fake.send_interaction(record, timeout=timeout)
        result = InteractionResult(self, record)
        await self._wait(
            lambda: record.callback or None,
            timeout,
            f"the bot's response to interaction type {itype} {data.get('name') or data.get('custom_id')!r}",
        )
        if settle:
            await result.settle(timeout)
        return result

    async def slash(
        self,
        command: str,
        *,
        user: Member | None = None,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = 10.0,
        settle: bool = True,
        locale: str = "en-US",
        **kwargs: Any,
    ) -> InteractionResult:
        """Run ``/command [sub] [sub]`` with options (kwargs, or ``options=`` for names like 'user') from a
        client in ``locale``."""
        given = dict(options or {}, **kwargs)
        data = self._build_command_data(command, given)
        return await self.send(
            2,
            data,
            user=user or self.alice,
            channel=channel or self.general,
            timeout=timeout,
            settle=settle,
            locale=locale,
        )

    async def autocomplete(
        self,
        command: str,
        option: str,
        typed: str,
        *,
        user: Member | None = None,
        channel: Channel | None = None,
        options: dict[str, Any] | None = None,
        timeout: float = 10.0,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Type ``typed`` into ``option`` of ``/command``; returns the choices the bot offered."""
        given = dict(options or {}, **kwargs)
        data = self._build_command_data(command, given, focused=option, focused_value=typed)
        result = await self.send(
            4, data, user=user or self.alice, channel=channel or self.general, timeout=timeout, settle=False
        )
        return result.choices

    async def click(
        self,
        message: Message,
        custom_id: str,
        *,
        user: Member | None = None,
        values: list[str] | None = None,
        timeout: float = 10.0,
        settle: bool = True,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Click the button (or choose ``values`` in the select) ``custom_id`` on ``message``, from a client in
        ``locale``."""
        assert not message.deleted, f"cannot click on a deleted message {message!r}"
        component = next((c for c in message.all_components() if c.get("custom_id") == custom_id), None)
        assert component is not None, (
            f"no component {custom_id!r} on {message!r}; custom_ids: "
            f"{[c.get('custom_id') for c in message.all_components() if c.get('custom_id')]}"
        )
        assert not component.get("disabled"), f"{custom_id!r} is disabled on {message!r}"
        clicker = user or self.alice
        if message.ephemeral and message.record.interaction_id:
            with self.fake.lock:
                owner = self.fake.interactions[message.record.interaction_id].user_id
            assert owner == clicker.id, f"{message!r} is ephemeral: only the member who got it can click it"
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] != 2:
            assert values is not None, f"{custom_id!r} is a select menu: pass values=[...]"
            data["values"] = values
        channel = self.fake.world.channel(message.channel_id)
        assert channel is not None
        return await self.send(
            3,
            data,
            user=user or self.alice,
            channel=channel,
            message=message,
            timeout=timeout,
            settle=settle,
            locale=locale,
        )

    @staticmethod
    def _choose(select: dict[str, Any], wanted: str | None) -> list[str]:
        """The option values a member picks in a modal's select: by its label or value, else what it preselects."""
        options = select.get("options") or []
        if wanted is None:
            picked = [option["value"] for option in options if option.get("default")]
        else:
            matching = [
                o for o in options if wanted in (o["value"], o["label"]) or wanted.casefold() == o["label"].casefold()
            ]
            assert matching, f"the select has no option {wanted!r}; options: {[o['label'] for o in options]}"
            picked = [matching[0]["value"]]
        if select.get("required", True):
            assert len(picked) >= max(1, select.get("min_values", 1)), f"select {select['custom_id']!r} is required"
        return picked

    def last_modal(self, custom_id: str | None = None) -> tuple[InteractionRecord, dict[str, Any]]:
        with self.fake.lock:
            records = [r for r in self.fake.interactions.values() if r.callback_type == 9]
        records = [r for r in records if custom_id is None or (r.callback or {})["data"].get("custom_id") == custom_id]
        assert records, f"the bot never opened a modal{'' if custom_id is None else ' ' + repr(custom_id)}"
        return records[-1], (records[-1].callback or {})["data"]

    async def submit_modal(
        self,
        modal: str | InteractionResult | None,
        values: dict[str, str],
        *,
        user: Member | None = None,
        timeout: float = 10.0,
        settle: bool = True,
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened (by custom_id, or the result that opened it).

        `values` maps a field's label (or custom_id) to its text, or for a select to the label (or value) of the
        option picked; a select not named keeps what the bot preselected.
        """
        if isinstance(modal, InteractionResult):
            opener, definition = modal.record, modal.modal
        else:
            opener, definition = self.last_modal(modal)
        inputs: dict[str, dict[str, Any]] = {}
        selects: dict[str, dict[str, Any]] = {}
        labels: dict[str, str] = {}  # what the member reads above a field -> its custom_id
        for component in definition.get("components") or []:
            for child in iter_components([component]):
                if child.get("type") in (3, 4):
                    (inputs if child["type"] == 4 else selects)[child["custom_id"]] = child
                    label = child.get("label") or (component.get("label") if component.get("type") == 18 else None)
                    if label:
                        labels[label.casefold()] = child["custom_id"]
        by_id: dict[str, str] = {}
        for key, value in values.items():
            custom_id = key if key in inputs or key in selects else labels.get(key.casefold())
            assert custom_id is not None, (
                f"modal {definition.get('custom_id')!r} has no field {key!r}; "
                f"fields (label: custom_id): {[(lbl, cid) for lbl, cid in labels.items()]}"
            )
            by_id[custom_id] = value
        values = by_id
        chosen = {custom_id: self._choose(select, values.get(custom_id)) for custom_id, select in selects.items()}
        for custom_id, text_input in inputs.items():
            value = values.get(custom_id, text_input.get("value") or "")
            if text_input.get("required", True):
                assert value, f"modal field {text_input.get('label') or custom_id!r} is required"
            if value:
                assert len(value) >= (text_input.get("min_length") or 0), (
                    f"{text_input.get('label') or custom_id!r}: {value!r} is shorter than "
                    f"{text_input.get('min_length')}"
                )
                assert len(value) <= (text_input.get("max_length") or 4000), (
                    f"{text_input.get('label') or custom_id!r} is longer than {text_input.get('max_length')}"
                )

        auto_ids = itertools.count(1)

        def answer(component: dict[str, Any]) -> dict[str, Any]:
            # Discord numbers components the bot left without an id, depth first.
            number = component.get("id") or next(auto_ids)
            if component.get("type") == 1:
                return {
                    "type": 1,
                    "id": number,
                    "components": [answer(c) for c in component["components"]],
                }
            if component.get("type") == 18:
                return {"type": 18, "id": number, "component": answer(component["component"])}
            if component.get("type") == 4:
                cid = component["custom_id"]
                return {
                    "type": 4,
                    "id": number,
                    "custom_id": cid,
                    "value": values.get(cid, component.get("value") or ""),
                }
            if component.get("type") == 3:
                return {
                    "type": 3,
                    "id": number,
                    "custom_id": component["custom_id"],
                    "values": chosen[component["custom_id"]],
                }
            return {k: v for k, v in component.items() if k in ("type", "id", "custom_id")}

        data = {
            "custom_id": definition["custom_id"],
            "components": [answer(c) for c in definition.get("components") or []],
        }
        channel = self.fake.world.channel(opener.channel_id)
        assert channel is not None
        opener_message = opener.payload.get("message")
        member = user or self.guild.members[opener.user_id]
        message = None
        if opener_message:
            with self.fake.lock:
                record = self.fake.messages.get(opener_message["id"])
            message = Message(self.fake, record) if record else None
        return await self.send(5, data, user=member, channel=channel, message=message, timeout=timeout, settle=settle)
