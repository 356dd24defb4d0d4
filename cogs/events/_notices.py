"""Notices to members who answered an event: claimed, sent by DM, recorded; never twice (see db/notices.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import discord

from cogs._text import inert, trim
from cogs.events._embeds import stamp
from db.database import Database
from db.models.base import utcnow
from db.notices import (
    CANCELLED,
    CHANGED,
    FAILED,
    SENT,
    SKIPPED,
    UNCONFIRMED,
    NoticeClaim,
    claim_notice,
    record_notice,
    sendable_notices,
)
from rules.i18n import N_, translate, translate_plural

log = logging.getLogger(__name__)

WHY_CHANGE = N_("-# You get this because you answered Going or Maybe.")


@dataclass(frozen=True)
class NoticeTally:
    """How one round of notices went: DMs delivered, and members whose DMs are closed (or failed)."""

    told: int = 0
    unreachable: int = 0


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _change_line(emoji: str, old: str | None, new: str | None, language: str | None) -> str | None:
    if old == new:
        return None
    before = f"~~{old}~~" if old else translate(language, "(none)")
    return f"{emoji} {before} → {new or translate(language, '(none)')}"


def _shown(values: dict[str, Any], name: str) -> str | None:
    """A time as a Discord timestamp, a place as inert text, a link as it is."""
    value = values.get(name)
    if not value:
        return None
    if name in ("start", "end"):
        return stamp(datetime.fromisoformat(value))
    return trim(inert(value), 300) if name == "location" else str(value)


def notice_text(claim: NoticeClaim) -> str:
    """What the member reads, in the language they last used the bot in: old → new as Discord timestamps (their
    own local time), or the cancellation."""
    language = claim.locale
    title = inert(claim.title)
    details: dict[str, Any] = claim.details
    start = _instant(details.get("start"))
    if claim.kind == CANCELLED:
        cancelled = (
            translate(language, "❌ **{title}** on {start} has been cancelled.", title=title, start=stamp(start))
            if start
            else translate(language, "❌ **{title}** has been cancelled.", title=title)
        )
        reason = (
            "\n" + translate(language, "Reason: {reason}", reason=trim(inert(details["reason"]), 300))
            if details.get("reason")
            else ""
        )
        if details.get("series_ends"):
            reason += "\n" + translate(language, "The series ends before this date.")
        return f"{cancelled}{reason}\n{translate(language, WHY_CHANGE)}"
    if claim.kind == CHANGED:
        before, after = details["before"], details["after"]

        lines = [translate(language, "🔁 **{title}** has changed:", title=title)]
        for emoji, name in (("🗓️", "start"), ("🏁", "end"), ("📍", "location"), ("🔗", "url")):
            line = _change_line(emoji, _shown(before, name), _shown(after, name), language)
            if line:
                lines.append(line)
        lines.append(translate(language, WHY_CHANGE))
        return "\n".join(lines)
    moved_up = (
        translate(
            language,
            "🎟️ A seat freed up: you're now going to **{title}** on {start}. You'll get its reminders by DM.",
            title=title,
            start=stamp(start),
        )
        if start
        else translate(
            language, "🎟️ A seat freed up: you're now going to **{title}**. You'll get its reminders by DM.", title=title
        )
    )
    return moved_up + "\n" + translate(language, "-# You get this because you were on its waiting list.")


class NoticeSender:
    """Sends pending notices one by one: each claimed (committed) before its DM goes out."""

    def __init__(self, client: discord.Client, db: Database) -> None:
        self.client = client
        self.db = db

    async def send_pending(self, *, event_id: int | None = None) -> NoticeTally:
        """Send the notices still pending (of one event, or all); a closed DM is counted, never an error."""
        told = unreachable = 0
        for notice_id in await self.db.transaction(sendable_notices, now=utcnow(), event_id=event_id):
            claim = await self.db.transaction(claim_notice, notice_id=notice_id, now=utcnow())
            if claim is None:
                continue  # another process took it
            status, error = await self._send(claim)
            await self.db.transaction(record_notice, notice_id=claim.id, status=status, error=error, now=utcnow())
            told += status == SENT
            unreachable += status != SENT
        return NoticeTally(told, unreachable)

    async def _send(self, claim: NoticeClaim) -> tuple[str, str | None]:
        try:
            user = self.client.get_user(claim.member_id) or await self.client.fetch_user(claim.member_id)
            await user.send(notice_text(claim), allowed_mentions=discord.AllowedMentions.none())
        except discord.Forbidden:
            return SKIPPED, "the member's DMs are closed"
        except discord.HTTPException as error:
            # Not retried: the DM may have gone out, and a notice must never arrive twice.
            log.info("Notice %s to member %s failed: %s", claim.id, claim.member_id, error)
            return FAILED, f"Discord answered {error.status}"
        except (aiohttp.ClientError, TimeoutError) as error:
            return UNCONFIRMED, f"connection lost mid-request ({type(error).__name__})"
        return SENT, None


def told_reply(tally: NoticeTally, language: str | None = None) -> list[str]:
    """How the notices to Going and Maybe members went, for the moderator's reply."""
    if not (tally.told or tally.unreachable):
        return []
    told = translate_plural(language, "Told {count} member by DM.", "Told {count} members by DM.", tally.told)
    if tally.unreachable:
        closed = translate_plural(
            language, "{count} member has DMs closed.", "{count} members have DMs closed.", tally.unreachable
        )
        return [f"{told} {closed}"]
    return [told]
