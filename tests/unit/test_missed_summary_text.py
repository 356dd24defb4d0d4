"""The moderators' summary of reminders missed while the bot was down: one line per channel, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from cogs.events._missed import missed_summary
from db.missed import OTHER, STARTED, ChannelCatchUp

DOWN = datetime(2027, 3, 4, 14, 2, tzinfo=UTC)
BACK = datetime(2027, 3, 4, 14, 20, 30, tzinfo=UTC)


def test_summary_says_how_many_went_late_and_why_others_were_skipped() -> None:
    text = missed_summary(42, ChannelCatchUp(3, {STARTED: 1}), first_due=DOWN, back_at=BACK)
    assert text == "⏱️ Offline 14:02–14:20 UTC in <#42>: 3 reminders sent late, 1 skipped because the event had started."


def test_summary_of_skips_only_and_across_midnight() -> None:
    text = missed_summary(
        None, ChannelCatchUp(0, {OTHER: 2}), first_due=datetime(2027, 3, 3, 23, 50, tzinfo=UTC), back_at=BACK
    )
    assert text == "⏱️ Offline 3 Mar 23:50 – 4 Mar 14:20 UTC: 2 reminders skipped (see /event show)."


def test_summary_is_written_in_the_servers_language() -> None:
    text = missed_summary(42, ChannelCatchUp(1, {STARTED: 2}), first_due=DOWN, back_at=BACK, language="de")
    assert text == (
        "⏱️ Offline 14:02–14:20 UTC in <#42>: 1 Erinnerung verspätet gesendet, "
        "2 übersprungen, weil die Veranstaltung schon begonnen hatte."
    )
