"""The language of a member's DMs: the Discord locale they last acted in travels with each reminder and notice
they are sent; a member who never acted with a locale reads English; /privacy export shows it and forget erases it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cogs.events._embeds import reminder_text
from cogs.events._notices import notice_text
from db.deliveries import claim_delivery, start_reminder
from db.events import cancel_event
from db.members import member_locale, member_timezone, remember_locale, set_member_timezone
from db.notices import claim_notice, sendable_notices
from db.privacy import export_member_data, forget_member
from db.reminders import DM
from tests.db.test_reminders_delivery import CHANNEL_ID, MEMBERS, make_event, reminders_of

FRENCH, GERMAN, SILENT = MEMBERS
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


async def test_reminder_dms_and_notices_carry_each_members_last_locale(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    event_id = await make_event(sessions)
    async with sessions.begin() as session:
        await remember_locale(session, member_id=FRENCH, locale="de")
        await remember_locale(session, member_id=FRENCH, locale="fr")  # the latest one counts
        await set_member_timezone(session, member_id=GERMAN, zone="Europe/Berlin", locale="de")
    reminder = (await reminders_of(sessions, event_id))[0]
    async with sessions.begin() as session:
        deliveries = await start_reminder(
            session, reminder_id=reminder.id, now=reminder.due_at, instance="a", fallback_channel_id=CHANNEL_ID
        )
    claims = []
    for delivery_id in deliveries:
        async with sessions.begin() as session:
            claims.append(await claim_delivery(session, delivery_id=delivery_id, now=reminder.due_at))
    by_recipient = {claim.recipient_id: claim for claim in claims if claim is not None}
    assert {recipient: claim.locale for recipient, claim in by_recipient.items()} == {
        CHANNEL_ID: None,
        FRENCH: "fr",
        GERMAN: "de",
        SILENT: None,
    }
    french = by_recipient[FRENCH]
    assert french.target == DM
    text = reminder_text(french.notice, now=reminder.due_at, in_channel=False, language=french.locale)
    assert "** (Table ronde) commence <t:" in text and "-# Vous recevez ceci parce que vous y allez" in text
    silent = by_recipient[SILENT]
    assert " starts <t:" in reminder_text(silent.notice, now=reminder.due_at, in_channel=False, language=None)

    async with sessions.begin() as session:
        await cancel_event(session, event_id=event_id, reason=None, now=NOW)
        notices = [
            await claim_notice(session, notice_id=notice_id, now=NOW)
            for notice_id in await sendable_notices(session, now=NOW, event_id=event_id)
        ]
    told = {notice.member_id: notice_text(notice) for notice in notices if notice is not None}
    assert told[GERMAN].startswith("❌ **Roundtable on teacher shortages** am <t:")
    assert told[GERMAN].endswith(
        "wurde abgesagt.\n-# Du bekommst das, weil du „Dabei“ oder „Vielleicht“ geantwortet hast."
    )
    assert told[SILENT].startswith("❌ **Roundtable on teacher shortages** on <t:")


async def test_privacy_export_shows_the_locale_and_forget_erases_it(session: AsyncSession) -> None:
    await remember_locale(session, member_id=FRENCH, locale="fr")
    data = await export_member_data(session, member_id=FRENCH)
    assert data["discord_locale"] == "fr" and data["time_zone"] is None
    assert await member_timezone(session, member_id=FRENCH) is None
    await forget_member(session, member_id=FRENCH)
    assert await member_locale(session, member_id=FRENCH) is None
    assert (await export_member_data(session, member_id=FRENCH))["discord_locale"] is None
