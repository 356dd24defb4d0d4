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

log = logging.getLogger(__name__)

WHY_CHANGE = "-# You get this because you answered Going or Maybe."


@dataclass(frozen=True)
class NoticeTally:
    """How one round of notices went: DMs delivered, and members whose DMs are closed (or failed)."""

    told: int = 0
    unreachable: int = 0


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _change_line(emoji: str, old: str | None, new: str | None) -> str | None:
    if old == new:
        return None
    before = f"~~{old}~~" if old else "(none)"
    return f"{emoji} {before} → {new or '(none)'}"


def _shown(values: dict[str, Any], name: str) -> str | None:
    """A time as a Discord timestamp, a place as inert text, a link as it is."""
    value = values.get(name)
    if not value:
        return None
    if name in ("start", "end"):
        return stamp(datetime.fromisoformat(value))
    return trim(inert(value), 300) if name == "location" else str(value)


def notice_text(claim: NoticeClaim) -> str:
    """What the member reads: old → new as Discord timestamps (their own local time), or the cancellation."""
    title = inert(claim.title)
    details: dict[str, Any] = claim.details
    if claim.kind == CANCELLED:
        start = _instant(details.get("start"))
        when = f" on {stamp(start)}" if start else ""
        reason = f"\nReason: {trim(inert(details['reason']), 300)}" if details.get("reason") else ""
        return f"❌ **{title}**{when} has been cancelled.{reason}\n{WHY_CHANGE}"
    if claim.kind == CHANGED:
        before, after = details["before"], details["after"]

        lines = [f"🔁 **{title}** has changed:"]
        for emoji, name in (("🗓️", "start"), ("🏁", "end"), ("📍", "location"), ("🔗", "url")):
            line = _change_line(emoji, _shown(before, name), _shown(after, name))
            if line:
                lines.append(line)
        lines.append(WHY_CHANGE)
        return "\n".join(lines)
    start = _instant(details.get("start"))
    when = f" on {stamp(start)}" if start else ""
    return (
        f"🎟️ A seat freed up: you're now going to **{title}**{when}. You'll get its reminders by DM.\n"
        "-# You get this because you were on its waiting list."
    )


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


def told_reply(tally: NoticeTally) -> list[str]:
    """How the notices to Going and Maybe members went, for the moderator's reply."""
    if not (tally.told or tally.unreachable):
        return []
    closed = f"; {tally.unreachable} have DMs closed." if tally.unreachable else "."
    return [f"Told {tally.told} member(s) by DM{closed}"]
