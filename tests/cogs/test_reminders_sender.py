"""What a reminder looks like on Discord, and how Discord's answers become delivery outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from cogs.events._embeds import event_card, reminder_text
from cogs.events._reminders import DiscordReminderSender
from db.deliveries import DeliveryClaim, ReminderNotice
from db.models import Event

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ROLE = 444000000000000001
CHANNEL = 300000000000000001
MEMBER = 900000000000000001
NOTICE = ReminderNotice(
    event_id=3,
    title="GA @everyone **bold** <@123456789012345678>",
    kind="general_assembly",
    starts_at=NOW + timedelta(days=1),
    ends_at=NOW + timedelta(days=2),
    location="Oslo, @here",
    url="https://example.org/ga",
    ping_role_id=ROLE,
)


@dataclass
class Response:
    status: int
    reason: str = "error"


@dataclass
class Target:
    failure: Exception | None = None
    sent: list[tuple[str, discord.AllowedMentions | None]] = field(default_factory=list)

    async def send(self, content: str, *, allowed_mentions: discord.AllowedMentions | None = None) -> None:
        if self.failure:
            raise self.failure
        self.sent.append((content, allowed_mentions))


@dataclass
class Client:
    target: Target

    def get_channel(self, _channel_id: int) -> Target:
        return self.target

    def get_user(self, _user_id: int) -> Target:
        return self.target


def claim(target: str) -> DeliveryClaim:
    return DeliveryClaim(1, 1, target, CHANNEL if target == "channel" else MEMBER, NOTICE)


def sender(target: Target) -> DiscordReminderSender:
    return DiscordReminderSender(Client(target))  # type: ignore[arg-type]


def test_reminder_text_is_true_when_late_and_member_text_is_inert() -> None:
    text = reminder_text(NOTICE, now=NOW, in_channel=False)
    start = int(NOTICE.starts_at.timestamp())
    assert f"starts <t:{start}:R>" in text and f"<t:{start}:F>" in text
    assert "@everyone" not in text and "@here" not in text and "<@123456789012345678>" not in text
    assert "\\*\\*bold\\*\\*" in text and "https://example.org/ga" in text
    assert f"<@&{ROLE}>" not in text  # DMs never ping the role


async def test_channel_reminder_may_ping_only_its_role() -> None:
    target = Target()
    outcome = await sender(target).send(claim("channel"))
    ((content, mentions),) = target.sent
    assert outcome.status == "sent"
    assert content.startswith(f"<@&{ROLE}>")
    assert mentions is not None
    assert mentions.everyone is False and mentions.users is False
    assert [role.id for role in mentions.roles] == [ROLE]  # type: ignore[union-attr]


async def test_dm_reminder_pings_nobody() -> None:
    target = Target()
    await sender(target).send(claim("dm"))
    ((_content, mentions),) = target.sent
    assert mentions is not None and mentions.to_dict()["parse"] == []


@pytest.mark.parametrize(
    ("target", "failure", "status"),
    [
        ("dm", discord.Forbidden(Response(403), "Cannot send messages to this user"), "skipped"),
        ("channel", discord.Forbidden(Response(403), "Missing Access"), "failed"),
        ("dm", discord.HTTPException(Response(429), "rate limited"), "retry"),
        ("channel", discord.HTTPException(Response(503), "unavailable"), "retry"),
        ("dm", discord.NotFound(Response(404), "Unknown User"), "failed"),
        ("channel", discord.HTTPException(Response(400), "bad"), "failed"),
    ],
)
async def test_discord_answers_become_outcomes(target: str, failure: Exception, status: str) -> None:
    outcome = await sender(Target(failure)).send(claim(target))
    assert outcome.status == status and outcome.error


def test_event_card_fits_discord_and_phone_limits() -> None:
    event = Event(
        id=9,
        title="T" * 120,
        kind="webinar",
        description="D" * 2000,
        location="L" * 300,
        url="https://example.org/" + "u" * 400,
        timezone="Europe/Brussels",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=1),
        rrule="FREQ=WEEKLY",
        reminder_offsets=[3600],
        status="scheduled",
        cancel_reason=None,
    )
    event.host = None
    embed: Any = event_card(event, counts={"going": 2, "maybe": 1, "not_going": 0}, next_start=NOW)
    assert len(embed) < 6000 and len(embed.description) <= 1000
    assert all(len(f.value) <= 1024 for f in embed.fields)
    assert "✅ Going **2**" in embed.fields[-1].value
