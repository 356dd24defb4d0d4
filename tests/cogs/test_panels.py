"""Panel commands and buttons against a real database and small strict fakes of Discord."""

from __future__ import annotations

import csv
import io
from typing import Any

import discord
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.tree import MODERATORS_ONLY
from cogs.panels import DYNAMIC_ITEMS, Panels, setup
from cogs.panels._asking import SimilarQuestionView
from db.models import Panel, Question
from tests.cogs.fakes import (
    CHANNEL_ID,
    MOD_CHANNEL_ID,
    FakeBot,
    FakeInteraction,
    FakeMember,
    FakeMessage,
    run_command,
)

PANELISTS = "Jan Lundell (LUMA Centre Finland); Mikkel Bohm (Astra); Geert Asselbergs (EU STEM Coalition)"
MODERATOR = FakeMember(400000000000000001, name="Geert", moderator=True)
ALICE = FakeMember(500000000000000001, name="Alice")
BOB = FakeMember(500000000000000002, name="Bob")
CAROL = FakeMember(500000000000000003, name="Carol")


@pytest.fixture
def cog(fake_bot: FakeBot) -> Panels:
    return Panels(fake_bot)  # type: ignore[arg-type]


def command(cog: Panels, name: str) -> Any:
    top_level = {"ask": cog.ask, "questions": cog.panel_questions, "answer": cog.panel_answer}
    if name in top_level:
        return top_level[name]
    found = cog.panel.get_command(name)
    assert found is not None
    return found


async def run(cog: Panels, fake_bot: FakeBot, name: str, user: FakeMember, **options: Any) -> FakeInteraction:
    interaction = FakeInteraction(fake_bot, user, channel_id=options.pop("channel_id", CHANNEL_ID))
    await run_command(command(cog, name), interaction, **options)
    return interaction


async def click(fake_bot: FakeBot, message: FakeMessage | None, custom_id: str, user: FakeMember) -> FakeInteraction:
    """Press a persistent button the way discord.py dispatches it: match the template, rebuild, call back."""
    interaction = FakeInteraction(fake_bot, user, message=message)
    for item_class in DYNAMIC_ITEMS:
        match = item_class.__discord_ui_compiled_template__.fullmatch(custom_id)
        if match:
            item = await item_class.from_custom_id(interaction, None, match)  # type: ignore[arg-type]
            await item.callback(interaction)  # type: ignore[arg-type]
            return interaction
    raise AssertionError(f"no persistent item handles {custom_id}")


def channel_messages(fake_bot: FakeBot, channel_id: int = CHANNEL_ID) -> list[FakeMessage]:
    return fake_bot.get_partial_messageable(channel_id).messages


async def open_panel(cog: Panels, fake_bot: FakeBot, **options: Any) -> FakeMessage:
    interaction = await run(
        cog, fake_bot, "open", MODERATOR, title="EU STEM Coalition panel", panelists=PANELISTS, **options
    )
    assert "is open in" in interaction.last.content, interaction.replies
    return channel_messages(fake_bot)[-1]


async def ask(cog: Panels, fake_bot: FakeBot, user: FakeMember, question: str, **options: Any) -> FakeInteraction:
    return await run(cog, fake_bot, "ask", user, question=question, **options)


async def count_questions(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions.begin() as session:
        return await session.scalar(select(func.count()).select_from(Question)) or 0


# --- opening --------------------------------------------------------------------------------------------


async def test_panel_open_as_member_is_refused_and_nothing_stored(cog: Panels, fake_bot: FakeBot, sessions) -> None:
    interaction = await run(cog, fake_bot, "open", ALICE, title="Panel", panelists=PANELISTS)
    assert interaction.last.content == MODERATORS_ONLY and interaction.last.ephemeral
    async with sessions.begin() as session:
        assert await session.scalar(select(func.count()).select_from(Panel)) == 0
    assert channel_messages(fake_bot) == []


async def test_panel_open_posts_card_with_panelists_topics_and_buttons(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    card = await open_panel(cog, fake_bot, topics="Industry involvement; Urgent challenges")
    text = card.sent.text
    assert "Jan Lundell" in text and "`/platform show luma-centre-finland`" in text
    assert "Urgent challenges" in text
    async with sessions.begin() as session:
        panel = await session.scalar(select(Panel))
    assert panel is not None and panel.message_id == card.id
    ids = card.sent.custom_ids
    assert ids[:2] == [f"panel:ask:{panel.id}", f"panel:top:{panel.id}"]
    assert len([i for i in ids if i.startswith("panel:platform:")]) == 3


async def test_panel_open_twice_in_channel_says_close_first(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    interaction = await run(cog, fake_bot, "open", MODERATOR, title="Second", panelists="Ann")
    assert "still open in this channel" in interaction.last.content and interaction.last.ephemeral


async def test_platform_button_shows_the_platform_card(cog: Panels, fake_bot: FakeBot) -> None:
    card = await open_panel(cog, fake_bot)
    platform_button = next(i for i in card.sent.custom_ids if i.startswith("panel:platform:"))
    interaction = await click(fake_bot, card, platform_button, ALICE)
    assert interaction.last.ephemeral and interaction.last.embed is not None
    assert "LUMA" in (interaction.last.embed.title or "")


# --- asking ---------------------------------------------------------------------------------------------


async def test_ask_without_open_panel_says_so_and_stores_nothing(cog: Panels, fake_bot: FakeBot, sessions) -> None:
    interaction = await ask(cog, fake_bot, ALICE, "How is industry involved?")
    assert "no open panel in this channel" in interaction.last.content and interaction.last.ephemeral
    assert await count_questions(sessions) == 0


async def test_ask_confirms_number_after_commit_and_posts_with_vote_button(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    await open_panel(cog, fake_bot)
    interaction = await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?", to="Jan")
    assert interaction.last.ephemeral and "**#1**" in interaction.last.content
    posted = channel_messages(fake_bot)[-1]
    async with sessions.begin() as session:
        question = await session.scalar(select(Question))
    assert question is not None and question.message_id == posted.id
    assert posted.sent.custom_ids == [f"panel:vote:{question.id}"] and posted.sent.labels == ["0"]
    assert "to Jan Lundell" in posted.sent.text and f"<@{ALICE.id}>" in posted.sent.text
    assert posted.sent.allowed_mentions is not None and posted.sent.allowed_mentions.everyone is False


async def test_ask_member_text_is_inert_and_never_pings(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "@everyone look at **this** <@&123456789012345678> [link](https://x.example)")
    posted = channel_messages(fake_bot)[-1].sent
    description = (posted.embed.description or "") if posted.embed else ""
    assert "@everyone" not in description and "@\u200beveryone" in description
    assert "\\*\\*this\\*\\*" in description and "<@&123456789012345678>" not in description
    assert posted.allowed_mentions is not None
    assert posted.allowed_mentions.to_dict() == discord.AllowedMentions.none().to_dict()


async def test_ask_anonymous_never_shows_the_author(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    interaction = await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?", anonymous=True)
    assert "anonymously" in interaction.last.content
    posted = channel_messages(fake_bot)[-1].sent
    assert "anonymous" in posted.text and str(ALICE.id) not in posted.text


async def test_ask_too_short_or_too_long_is_explained_and_nothing_stored(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    await open_panel(cog, fake_bot)
    short = await ask(cog, fake_bot, ALICE, "Why")
    long = await ask(cog, fake_bot, ALICE, "x" * 501)
    assert "too short" in short.last.content and "too long" in long.last.content
    assert short.last.ephemeral and long.last.ephemeral
    assert await count_questions(sessions) == 0


async def test_ask_again_within_cooldown_says_seconds_left(cog: Panels, fake_bot: FakeBot, sessions) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    again = await ask(cog, fake_bot, ALICE, "What do teachers need the most?")
    assert "You can ask again in" in again.last.content and again.last.ephemeral
    assert await count_questions(sessions) == 1


async def test_ask_similar_question_offers_upvote_or_post_anyway(cog: Panels, fake_bot: FakeBot, sessions) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in the activities of your platform?")
    similar = await ask(cog, fake_bot, BOB, "In what ways does industry get involved in your platform's activities?")
    prompt = similar.last
    assert prompt.ephemeral and "A similar question exists: **#1**" in prompt.content
    assert isinstance(prompt.view, SimilarQuestionView)
    assert await count_questions(sessions) == 1
    upvote = next(i for i in prompt.custom_ids if i.startswith("panel:vote:"))
    voted = await click(fake_bot, None, upvote, BOB)
    assert "You upvoted #1" in voted.last.content
    assert channel_messages(fake_bot)[-1].current.labels == ["1"]
    insist = FakeInteraction(fake_bot, BOB, message=FakeMessage(fake_bot.get_partial_messageable(CHANNEL_ID), prompt))
    await prompt.view.post_anyway.callback(insist)  # type: ignore[arg-type]
    assert "**#2**" in insist.last.content and insist.last.kind == "edit_message"
    assert await count_questions(sessions) == 2


async def test_ask_button_opens_one_form_that_asks_anonymously_for_a_panelist(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    card = await open_panel(cog, fake_bot)
    pressed = await click(fake_bot, card, card.sent.custom_ids[0], CAROL)
    modal = pressed.last.modal
    assert modal is not None and modal.title == "Ask the panel"
    form = modal.to_components()
    assert [field["label"] for field in form] == ["Your question", "For a panelist or topic? (optional)", "Your name"]
    picked = {
        "Your question": "What would you like to achieve in the next three years?",
        "For a panelist or topic? (optional)": next(
            option["value"] for option in form[1]["component"]["options"] if option["label"] == "Mikkel Bohm"
        ),
        "Your name": "anonymous",
    }
    # What Discord sends back: each label with its one component, a text input's value, a select's values.
    answers = [
        {
            "type": 18,
            "component": {"type": field["component"]["type"], "custom_id": field["component"]["custom_id"]}
            | (
                {"value": picked[field["label"]]}
                if field["component"]["type"] == 4
                else {"values": [picked[field["label"]]]}
            ),
        }
        for field in form
    ]
    submitted = FakeInteraction(fake_bot, CAROL)
    modal._refresh(submitted, answers, {})  # type: ignore[arg-type]
    await modal.on_submit(submitted)  # type: ignore[arg-type]
    assert "**#1**" in submitted.last.content and "anonymously" in submitted.last.content
    posted = channel_messages(fake_bot)[-1].sent.text
    assert "to Mikkel Bohm" in posted and "anonymous" in posted


async def test_ask_form_offers_no_anonymity_where_the_panel_refuses_it(cog: Panels, fake_bot: FakeBot) -> None:
    card = await open_panel(cog, fake_bot, anonymous=False)
    pressed = await click(fake_bot, card, card.sent.custom_ids[0], CAROL)
    assert pressed.last.modal is not None
    assert "Your name" not in [field["label"] for field in pressed.last.modal.to_components()]


# --- voting ---------------------------------------------------------------------------------------------


async def test_vote_button_counts_once_per_member_and_second_click_takes_back(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    posted = channel_messages(fake_bot)[-1]
    vote = posted.sent.custom_ids[0]
    first = await click(fake_bot, posted, vote, BOB)
    assert posted.current.labels == ["1"] and "You upvoted #1" in first.last.content
    await click(fake_bot, posted, vote, CAROL)
    assert posted.current.labels == ["2"]
    back = await click(fake_bot, posted, vote, BOB)
    assert posted.current.labels == ["1"] and "took back your vote" in back.last.content


async def test_vote_button_on_hidden_question_is_refused(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "Buy cheap watches at example.com")
    posted = channel_messages(fake_bot)[-1]
    vote = posted.sent.custom_ids[0]
    hidden = await run(cog, fake_bot, "hide", MODERATOR, question=1)
    assert "#1 is hidden" in hidden.last.content
    assert posted.current.content == "*Question #1 was hidden by a moderator.*" and posted.current.embed is None
    refused = await click(fake_bot, posted, vote, BOB)
    assert "hidden by a moderator" in refused.last.content and refused.last.ephemeral
    restored = await run(cog, fake_bot, "approve", MODERATOR, question=1)
    assert "#1 is approved and shown" in restored.last.content
    assert posted.current.content == "" and "Buy cheap watches" in posted.current.text


# --- moderation -----------------------------------------------------------------------------------------


async def test_moderated_panel_queues_questions_for_moderators(
    cog: Panels, fake_bot: FakeBot, settings: Settings, sessions
) -> None:
    card = await open_panel(cog, fake_bot, moderated=True)
    before = len(channel_messages(fake_bot))
    asked = await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?", anonymous=True)
    assert "A moderator will review it" in asked.last.content
    assert len(channel_messages(fake_bot)) == before, "nothing is shown before approval"
    assert settings.moderator_channel_id is None
    queue = await run(cog, fake_bot, "queue", MODERATOR)
    assert queue.last.ephemeral and "#1" in queue.last.text
    approve, hide, block = queue.last.custom_ids
    assert approve.startswith("panel:mod:approve:") and hide.startswith("panel:mod:hide:")
    assert block.startswith("panel:mod:block:")
    review_message = FakeMessage(fake_bot.get_partial_messageable(CHANNEL_ID), queue.last)
    refused = await click(fake_bot, review_message, approve, ALICE)
    assert refused.last.content == MODERATORS_ONLY
    assert len(channel_messages(fake_bot)) == before
    approved = await click(fake_bot, review_message, approve, MODERATOR)
    assert approved.last.kind == "edit_message" and "Approved by Geert" in approved.last.text
    posted = channel_messages(fake_bot)[-1]
    assert posted is not card and "anonymous" in posted.sent.text
    again = await click(fake_bot, review_message, approve, MODERATOR)
    assert "already visible" in again.last.content


async def test_moderated_panel_with_moderator_channel_posts_review_there(cog: Panels, fake_bot: FakeBot) -> None:
    moderators = discord.Object(MOD_CHANNEL_ID)
    await open_panel(cog, fake_bot, moderated=True, moderator_channel=moderators)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    review = channel_messages(fake_bot, MOD_CHANNEL_ID)[-1]
    assert "For review" in review.sent.text and len(review.sent.custom_ids) == 3
    hidden = await click(fake_bot, review, review.sent.custom_ids[1], MODERATOR)
    assert "Hidden by Geert" in hidden.last.text
    assert len(channel_messages(fake_bot)) == 1, "only the panel card: the hidden question was never shown"


async def test_panel_next_highlights_top_question_and_next_button_moves_on(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    await ask(cog, fake_bot, BOB, "What are the most urgent challenges?")
    second = channel_messages(fake_bot)[-1]
    await click(fake_bot, second, second.sent.custom_ids[0], CAROL)
    member = await run(cog, fake_bot, "next", ALICE)
    assert member.last.content == MODERATORS_ONLY
    first_next = await run(cog, fake_bot, "next", MODERATOR)
    assert "Now answering #2" in first_next.last.content and first_next.last.ephemeral
    announcement = channel_messages(fake_bot)[-1].sent
    assert "Now answering: #2" in announcement.text and "👍 1" in announcement.text
    assert "Now answering" in second.current.text
    answered_id, next_id, hide_id, block_id = first_next.last.custom_ids
    assert block_id.startswith("panel:mod:block:")
    assert answered_id.startswith("panel:mod:answered:") and next_id.startswith("panel:mod:next:")
    assert hide_id.startswith("panel:mod:hide:")
    controls = FakeMessage(fake_bot.get_partial_messageable(CHANNEL_ID), first_next.last)
    moved = await click(fake_bot, controls, next_id, MODERATOR)
    assert "#2 is marked answered. Now answering #1." in moved.last.content
    assert "Answered" in second.current.text and second.current.view is not None
    assert second.current.view.children[0].item.disabled  # type: ignore[attr-defined]
    done = await click(fake_bot, controls, next_id, MODERATOR)
    assert "No open questions are left" in done.last.content


async def test_panel_answered_unknown_number_is_explained(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    interaction = await run(cog, fake_bot, "answered", MODERATOR, question=9)
    assert "There is no question #9 on this panel" in interaction.last.content and interaction.last.ephemeral
    as_member = await run(cog, fake_bot, "answered", ALICE, question=1)
    assert as_member.last.content == MODERATORS_ONLY


async def test_panel_approve_and_hide_commands_as_member_are_refused(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot, moderated=True)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    for name in ("approve", "hide", "close", "reopen", "queue"):
        options = {"question": 1} if name in ("approve", "hide") else {}
        interaction = await run(cog, fake_bot, name, BOB, **options)
        assert interaction.last.content == MODERATORS_ONLY, name
    approved = await run(cog, fake_bot, "approve", MODERATOR, question=1)
    assert "#1 is approved and shown" in approved.last.content
    assert "How is industry involved in LUMA?" in channel_messages(fake_bot)[-1].sent.text


# --- listing, closing, export ---------------------------------------------------------------------------


async def test_panel_questions_lists_for_members_but_not_hidden(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    await ask(cog, fake_bot, BOB, "Buy cheap watches at example.com")
    await run(cog, fake_bot, "hide", MODERATOR, question=2)
    listed = await run(cog, fake_bot, "questions", CAROL, sort="top", status="all")
    assert "#1" in listed.last.text and "watches" not in listed.last.text and listed.last.ephemeral
    refused = await run(cog, fake_bot, "questions", CAROL, sort="top", status="hidden")
    assert "Only moderators" in refused.last.content
    moderator_view = await run(cog, fake_bot, "questions", MODERATOR, sort="new", status="hidden")
    assert "watches" in moderator_view.last.text


async def test_top_button_lists_most_upvoted_open_questions(cog: Panels, fake_bot: FakeBot) -> None:
    card = await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    await ask(cog, fake_bot, BOB, "What are the most urgent challenges?")
    second = channel_messages(fake_bot)[-1]
    await click(fake_bot, second, second.sent.custom_ids[0], CAROL)
    top = await click(fake_bot, card, card.sent.custom_ids[1], CAROL)
    fields = top.last.embed.to_dict()["fields"] if top.last.embed else []
    assert [field["name"].split(" · ")[0] for field in fields] == ["#2", "#1"] and top.last.ephemeral


async def test_panel_close_posts_summary_and_stops_intake_until_reopened(cog: Panels, fake_bot: FakeBot) -> None:
    card = await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    posted = channel_messages(fake_bot)[-1]
    await click(fake_bot, posted, posted.sent.custom_ids[0], BOB)
    closed = await run(cog, fake_bot, "close", MODERATOR)
    summary = closed.last.text
    assert not closed.last.ephemeral and "Questions closed" in summary
    assert "Questions\n1" in summary and "Voters\n1" in summary and "Answered\n0" in summary and "#1" in summary
    assert card.current.labels[0] == "Questions closed" and card.current.view is not None
    assert card.current.view.children[0].item.disabled  # type: ignore[attr-defined]
    refused = await ask(cog, fake_bot, CAROL, "What are the most urgent challenges?")
    assert "no open panel in this channel" in refused.last.content
    pressed = await click(fake_bot, card, card.sent.custom_ids[0], CAROL)
    assert "closed" in pressed.last.content and pressed.last.ephemeral
    vote = await click(fake_bot, posted, posted.sent.custom_ids[0], CAROL)
    assert "voting has ended" in vote.last.content
    reopened = await run(cog, fake_bot, "reopen", MODERATOR)
    assert "open again" in reopened.last.content
    assert card.current.labels[0] == "Ask a question"
    assert "**#2**" in (await ask(cog, fake_bot, CAROL, "What are the most urgent challenges?")).last.content


async def test_panel_export_gives_moderators_a_file_without_anonymous_authors(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    await ask(cog, fake_bot, BOB, "What are the most urgent challenges?", anonymous=True)
    async with sessions.begin() as session:
        panel_id = await session.scalar(select(Panel.id))
    refused = await run(cog, fake_bot, "export", ALICE, panel=panel_id, format="csv")
    assert refused.last.content == MODERATORS_ONLY and refused.last.file is None
    exported = await run(cog, fake_bot, "export", MODERATOR, panel=panel_id, format="csv")
    assert exported.last.ephemeral and exported.last.file is not None
    rows = list(csv.DictReader(io.StringIO(exported.last.file.fp.read().decode())))
    assert [(row["number"], row["author"]) for row in rows] == [("1", str(ALICE.id)), ("2", "anonymous")]
    assert str(BOB.id) not in str(rows)


async def test_autocomplete_offers_panelists_and_panels(cog: Panels, fake_bot: FakeBot) -> None:
    await open_panel(cog, fake_bot)
    interaction = FakeInteraction(fake_bot, ALICE)
    panelists = await cog.panelists(interaction, "mik")  # type: ignore[arg-type]
    assert [choice.name for choice in panelists] == ["Mikkel Bohm (Astra)"]
    panels = await cog.panels(interaction, "coalition")  # type: ignore[arg-type]
    assert len(panels) == 1 and panels[0].name.startswith("EU STEM Coalition panel")


# --- wiring and recovery --------------------------------------------------------------------------------


async def test_setup_registers_every_persistent_button_and_the_cog(fake_bot: FakeBot) -> None:
    await setup(fake_bot)  # type: ignore[arg-type]
    assert set(fake_bot.dynamic_items) == set(DYNAMIC_ITEMS)
    assert isinstance(fake_bot.cogs[0], Panels)
    fake_bot.cogs[0].recovery and fake_bot.cogs[0].recovery.cancel()


async def test_unposted_questions_are_posted_after_a_restart(cog: Panels, fake_bot: FakeBot, sessions) -> None:
    await open_panel(cog, fake_bot)
    fake_bot.get_partial_messageable(CHANNEL_ID).forbidden = True
    asked = await ask(cog, fake_bot, ALICE, "How is industry involved in LUMA?")
    assert "**#1**" in asked.sent[0].content and "could not post #1" in asked.last.content
    fake_bot.get_partial_messageable(CHANNEL_ID).forbidden = False
    await cog.post_unposted_questions()
    assert "How is industry involved in LUMA?" in channel_messages(fake_bot)[-1].sent.text
    async with sessions.begin() as session:
        assert await session.scalar(select(Question.message_id)) == channel_messages(fake_bot)[-1].id


async def test_question_posted_but_not_recorded_is_adopted_not_posted_again(
    cog: Panels, fake_bot: FakeBot, sessions
) -> None:
    await open_panel(cog, fake_bot)
    await ask(cog, fake_bot, ALICE, "Who funds the regional centres?")
    posted = channel_messages(fake_bot)[-1]
    async with sessions.begin() as session:
        # What a kill between posting and recording leaves: the message exists, its id was never saved.
        await session.execute(update(Question).values(message_id=None))
    before = len(channel_messages(fake_bot))
    await cog.post_unposted_questions()
    assert len(channel_messages(fake_bot)) == before, "no second copy"
    async with sessions.begin() as session:
        assert await session.scalar(select(Question.message_id)) == posted.id


async def test_slash_command_texts_fit_discord_limits(cog: Panels) -> None:
    tree = discord.app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))

    def walk(payload: dict[str, Any]) -> None:
        assert len(payload["name"]) <= 32 and 1 <= len(payload["description"]) <= 100, payload["name"]
        for option in payload.get("options", []):
            walk(option)

    for app_command in cog.get_app_commands():
        walk(app_command.to_dict(tree))
