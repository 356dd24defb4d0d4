"""The knowledge cog's commands, buttons and modal, with fake interactions over a real database."""

from __future__ import annotations

import discord
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cogs.knowledge import Knowledge
from cogs.knowledge._views import FullTextButton, ReviewButton, SubmitPracticeModal, SuggestPracticeButton
from db.models import Practice
from tests.cogs.fakes import FakeBot, FakeInteraction, FakeMember, member, moderator, run_command


@pytest.fixture
def cog(fake_bot: FakeBot) -> Knowledge:
    return Knowledge(fake_bot)  # type: ignore[arg-type]


async def test_platform_show_answers_with_a_card_and_full_text_button(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_show, interaction, name="teknikolege")
    reply = interaction.last
    assert not reply.ephemeral
    assert (reply.embeds[0].title or "").startswith("Teknikcollege")
    assert "3000 companies" in reply.text
    assert "Source:" in (reply.embeds[0].footer.text or "")
    assert reply.custom_ids == [f"kb:full:platform:{reply.custom_ids[0].rsplit(':', 1)[1]}"]


async def test_cards_cite_document_titles_never_file_names(cog: Knowledge, fake_bot: FakeBot) -> None:
    lookups = ((cog.platform_show, "name", "teknikcollege"), (cog.practice_show, "title", "employee per region"))
    for command, key, value in lookups:
        interaction = FakeInteraction(fake_bot, member())
        await run_command(command, interaction, **{key: value})
        footer = interaction.last.embeds[0].footer.text or ""
        assert footer.startswith("Source: ")
        assert ".txt" not in interaction.last.text and ".txt" not in footer
        assert "Taskforce meeting report" in footer or "National STEM platforms" in footer


async def test_platform_show_country_lists_other_platforms(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_show, interaction, name="Norway")
    assert "Also in Norway" in interaction.last.text


async def test_platform_show_unknown_is_ephemeral_did_you_mean(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_show, interaction, name="Lumaa Centre Finlund Helsinky")
    assert interaction.last.ephemeral
    assert "Did you mean" in interaction.last.content


async def test_platform_card_fields_fit_discord_limits(cog: Knowledge, fake_bot: FakeBot) -> None:
    for name in ("eu-stem-coalition", "luma-centre-finland", "ucl-engineering", "valnalon"):
        interaction = FakeInteraction(fake_bot, member())
        await run_command(cog.platform_show, interaction, name=name)
        embed = interaction.last.embeds[0]
        assert len(embed) <= 6000
        assert all(len(field.value or "") <= 1024 for field in embed.fields)


async def test_platform_list_paginates_with_buttons(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_list, interaction)
    reply = interaction.sent[0]
    assert reply.view is not None and "(25)" in (reply.embeds[0].title or "")
    next_button = reply.view.children[2]
    click = FakeInteraction(fake_bot, interaction.user)
    await next_button.callback(click)  # type: ignore[arg-type]
    assert click.last.kind == "edit_message" and click.last.embeds[0].fields[0].name != reply.embeds[0].fields[0].name


async def test_platform_list_one_country(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.platform_list, interaction, country="germany")
    assert "Platforms in Germany" in (interaction.last.embeds[0].title or "")
    assert "MINTvernetzt" in interaction.last.text


async def test_practice_search_ranked_results(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_search, interaction, query="quality criteria")
    assert "1. Teknikcollege" in interaction.sent[0].text


async def test_practice_search_hostile_text_gets_a_polite_answer(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_search, interaction, query='NEAR( " * AND @everyone')
    assert interaction.last.kind == "response"
    assert "Sorry, something went wrong" not in interaction.last.text


async def test_practice_search_unknown_topic_is_refused(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_search, interaction, query="teachers", topic="astrology")
    assert interaction.last.ephemeral and "not a topic" in interaction.last.content


async def test_practice_show_and_full_text_button(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_show, interaction, title="teknikcollege-eight-quality-criteria")
    reply = interaction.last
    assert "Teknikcollege" in (reply.embeds[0].title or "") and "Source:" in reply.text
    kind, ref_id = reply.custom_ids[0].split(":")[2:]
    click = FakeInteraction(fake_bot, member())
    await FullTextButton(kind, int(ref_id)).callback(click)  # type: ignore[arg-type]
    assert click.last.ephemeral and "Quality assured processes" in click.last.text


async def test_find_labels_each_hit(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.find, interaction, query="role models")
    names = [field.name for field in interaction.last.embeds[0].fields]
    assert names and all((name or "").startswith(("🏛️ Platform", "💡 Practice")) for name in names)


async def test_autocomplete_callbacks_return_choices(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    platforms = await cog.platform_names(interaction, "obuda")  # type: ignore[arg-type]
    assert platforms[0].value == "obuda-university"
    countries = await cog.countries(interaction, "nor")  # type: ignore[arg-type]
    assert [c.value for c in countries] == ["Norway"]
    topics = await cog.topics(interaction, "role")  # type: ignore[arg-type]
    assert [t.value for t in topics] == ["role models"]
    titles = await cog.practice_titles(interaction, "pledges")  # type: ignore[arg-type]
    assert titles and all(len(choice.name) <= 100 for choice in titles)


async def test_practice_review_refuses_a_plain_member(
    cog: Knowledge, fake_bot: FakeBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_review, interaction)
    assert interaction.last.ephemeral and "only moderators" in interaction.last.content


async def _submit_via_modal(
    fake_bot: FakeBot, user: FakeMember, title: str, locale: discord.Locale = discord.Locale.american_english
) -> FakeInteraction:
    modal = SubmitPracticeModal()
    values = {
        modal.practice_title: title,
        modal.summary: "Engineers visit classrooms every month @everyone",
        modal.details: "",
        modal.where: "Norway",
        modal.link: "",
    }
    for field, value in values.items():
        field._value = value
    interaction = FakeInteraction(fake_bot, user, locale=locale)
    await modal.on_submit(interaction)  # type: ignore[arg-type]
    return interaction


async def test_submit_review_approve_notifies_submitter(
    cog: Knowledge, fake_bot: FakeBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    opener = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_submit, opener)
    assert opener.last.kind == "modal"

    submitter = member(900000000000000055, "Submitter")
    submitted = await _submit_via_modal(fake_bot, submitter, "Classroom engineer visits")
    assert submitted.last.ephemeral and "waits for a moderator" in submitted.last.content

    review = FakeInteraction(fake_bot, moderator())
    await run_command(cog.practice_review, review)
    card = review.last
    assert card.ephemeral and "Classroom engineer visits" in card.text
    assert "@\u200beveryone" in card.text, "member text must be made inert"
    approve_id = next(custom_id for custom_id in card.custom_ids if ":approve:" in custom_id)
    practice_id = int(approve_id.rsplit(":", 1)[1])

    stranger = FakeInteraction(fake_bot, member(900000000000000066, "Stranger"))
    await ReviewButton("approve", practice_id).callback(stranger)  # type: ignore[arg-type]
    assert stranger.last.ephemeral and "only moderators" in stranger.last.content
    async with sessions.begin() as session:
        assert (await session.get(Practice, practice_id)).status == "pending"  # type: ignore[union-attr]

    click = FakeInteraction(fake_bot, moderator())
    await ReviewButton("approve", practice_id).callback(click)  # type: ignore[arg-type]
    assert click.sent[0].kind == "edit_message" and click.sent[0].view is None
    assert "approved" in click.sent[1].content
    assert submitter.dms and "approved" in submitter.dms[0].content

    again = FakeInteraction(fake_bot, moderator())
    await ReviewButton("reject", practice_id).callback(again)  # type: ignore[arg-type]
    assert again.last.ephemeral and "already approved" in again.last.content

    search = FakeInteraction(fake_bot, member())
    await run_command(cog.practice_search, search, query="classroom engineer visits")
    assert "Classroom engineer visits" in search.sent[0].text


async def test_submit_invalid_link_is_refused_and_nothing_stored(
    fake_bot: FakeBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    modal = SubmitPracticeModal()
    for field, value in {
        modal.practice_title: "Valid title here",
        modal.summary: "A summary long enough",
        modal.details: "",
        modal.where: "",
        modal.link: "not a link",
    }.items():
        field._value = value
    interaction = FakeInteraction(fake_bot, member())
    try:
        await modal.on_submit(interaction)  # type: ignore[arg-type]
    except Exception as error:
        await modal.on_error(interaction, error)  # type: ignore[arg-type]
    assert interaction.last.ephemeral and "https://" in interaction.last.content
    async with sessions.begin() as session:
        assert (await session.scalar(select(Practice).where(Practice.title == "Valid title here"))) is None


async def test_review_with_nothing_pending(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, moderator())
    await run_command(cog.practice_review, interaction)
    assert interaction.last.ephemeral and "Nothing is waiting" in interaction.last.content


async def test_find_miss_offers_suggest_and_counts_the_gap(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.find, interaction, query="Xylophone zeppelins?")
    reply = interaction.reply
    assert reply.labels == ["Suggest a practice"]
    assert reply.custom_ids == ["kb:suggest:Xylophone zeppelins?"]
    click = FakeInteraction(fake_bot, member())
    await SuggestPracticeButton("Xylophone zeppelins?").callback(click)  # type: ignore[arg-type]
    modal = click.last.modal
    assert isinstance(modal, SubmitPracticeModal) and modal.practice_title.default == "Xylophone zeppelins?"

    await run_command(cog.practice_search, FakeInteraction(fake_bot, member()), query="xylophone  ZEPPELINS")
    gaps = FakeInteraction(fake_bot, moderator())
    await run_command(cog.knowledge_gaps, gaps)
    assert gaps.reply.ephemeral and "**2×** “xylophone zeppelins”" in gaps.reply.text
    assert str(member().id) not in gaps.reply.text


async def test_find_good_match_is_not_a_gap(cog: Knowledge, fake_bot: FakeBot) -> None:
    await run_command(cog.find, FakeInteraction(fake_bot, member()), query="role models")
    gaps = FakeInteraction(fake_bot, moderator())
    await run_command(cog.knowledge_gaps, gaps)
    assert "No lookup has come up empty yet" in gaps.reply.text


async def test_knowledge_gaps_is_for_moderators(cog: Knowledge, fake_bot: FakeBot) -> None:
    interaction = FakeInteraction(fake_bot, member())
    await run_command(cog.knowledge_gaps, interaction)
    assert interaction.reply.ephemeral and "only moderators" in interaction.reply.content
    assert cog.knowledge.default_permissions is not None and cog.knowledge.default_permissions.manage_guild
