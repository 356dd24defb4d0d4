"""Who is blocked on a panel, for moderators, with a button to let each one back."""

from __future__ import annotations

import discord

from bot.i18n import member_locale
from cogs._checks import coalition_bot, ensure_moderator
from cogs._text import inert
from cogs._views import IdButton, answer
from db.question_moderation import BlockedAsker, panel_blocks, unblock_asker
from rules.i18n import N_, translate

# One button per block, five to a row: what a message can carry.
MAX_LISTED = 25


def blocked_line(block: BlockedAsker, locale: str | None = None) -> str:
    """One block, by name where the question was asked by name; an anonymous asker stays unnamed."""
    when = f"<t:{int(block.blocked_at.timestamp())}:R>"
    if block.member_id is None:
        return translate(
            locale, "⛔ The anonymous asker — blocked for #{number}, {when}", number=block.question_number, when=when
        )
    return translate(
        locale,
        "⛔ {member} — blocked for #{number}, {when}",
        member=f"<@{block.member_id}>",
        number=block.question_number,
        when=when,
    )


def blocks_message(
    title: str, blocks: list[BlockedAsker], locale: str | None = None
) -> tuple[str, discord.ui.View | None]:
    """The list of a panel's blocks and its "Unblock" buttons, in the moderator's language."""
    if not blocks:
        return translate(locale, "Nobody is blocked on “{title}”.", title=inert(title)), None
    lines = [
        translate(locale, "**Blocked on “{title}”** ({count}):", title=inert(title), count=len(blocks)),
        *(blocked_line(block, locale) for block in blocks[:MAX_LISTED]),
    ]
    if len(blocks) > MAX_LISTED:
        lines.append(
            translate(
                locale,
                "…and {count} more: `/panel unblock question:` lets any of them back.",
                count=len(blocks) - MAX_LISTED,
            )
        )
    view = discord.ui.View(timeout=None)
    for block in blocks[:MAX_LISTED]:
        label = translate(locale, "Unblock #{number}", number=block.question_number)
        view.add_item(UnblockButton(block.question_id, label=label))
    return "\n".join(lines), view


async def show_blocks(interaction: discord.Interaction, *, panel_id: int, title: str, replace: bool = False) -> None:
    """Answer the moderator with the panel's blocks (or update the list they clicked in)."""
    blocks = await coalition_bot(interaction).db.read(panel_blocks, panel_id=panel_id)
    content, view = blocks_message(title, blocks, member_locale(interaction))
    await answer(interaction, content, view=view, replace=replace)


class UnblockButton(IdButton, prefix="panel:mod:unblock"):
    """ "Unblock #N" in the list of blocks: the asker of question N may ask and vote on its panel again."""

    button_label = N_("Unblock")
    button_emoji = "🔓"

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        bot = coalition_bot(interaction)
        question = await bot.db.transaction(unblock_asker, question_id=self.ref_id)
        await show_blocks(interaction, panel_id=question.panel_id, title=question.panel.title, replace=True)
