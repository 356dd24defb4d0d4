"""/about: who the coalition is and how it works, and the next General Assembly when one is planned."""

from __future__ import annotations

import pytest
from discord import app_commands

from cogs.events import Events
from cogs.knowledge import Knowledge
from tests.cogs.fakes import FakeBot, FakeInteraction, member, moderator, run_command


@pytest.fixture
def cog(fake_bot: FakeBot) -> Knowledge:
    return Knowledge(fake_bot)  # type: ignore[arg-type]


async def test_about_explains_how_the_coalition_works(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.about, interaction)
    reply = interaction.reply
    assert not reply.ephemeral
    text = reply.text
    for fact in ("once or twice a year", "two days", "organising", "Open meeting", "Taskforces", "Roundtables"):
        assert fact in text, fact
    assert "Policy briefings" in text
    assert "None is planned yet" in text
    assert (reply.embeds[0].footer.text or "") == "Source: EU STEM Coalition: About (who we are, how we work)"
    assert len(reply.embeds[0]) <= 6000 and all(len(f.value or "") <= 1024 for f in reply.embeds[0].fields)


async def test_about_shows_the_next_general_assembly(cog: Knowledge, fake_bot: FakeBot) -> None:
    events = Events(fake_bot)  # type: ignore[arg-type]
    general_assembly = app_commands.Choice(name="General Assembly", value="general_assembly")
    for title, start in (("General Assembly Oslo 2027", "in 40 days"), ("General Assembly Turku 2028", "in 300 days")):
        created = FakeInteraction(fake_bot, moderator())
        await run_command(events.create, created, title=title, kind=general_assembly, start=start, location="Oslo")
    webinar = FakeInteraction(fake_bot, moderator())
    webinar_kind = app_commands.Choice(name="Webinar", value="webinar")
    await run_command(events.create, webinar, title="Webinar on role models", kind=webinar_kind, start="in 2 days")

    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.about, interaction)
    field = next(f for f in interaction.reply.embeds[0].fields if f.name == "Next General Assembly")
    assert "General Assembly Oslo 2027" in (field.value or "") and "Where: Oslo" in (field.value or "")
    assert "Turku" not in (field.value or "") and "Webinar" not in (field.value or "")
