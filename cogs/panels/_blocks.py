"""Who is blocked on a panel, for moderators, with a button to let each one back."""

from __future__ import annotations

import discord

from cogs._checks import coalition_bot, ensure_moderator
from cogs._text import inert
from cogs._views import IdButton, answer
from db.question_moderation import BlockedAsker, panel_blocks, unblock_asker

# One button per block, five to a row: what a message can carry.
MAX_LISTED = 25


def blocked_line(block: BlockedAsker) -> str:
    """One block, by name where the question was asked by name; an anonymous asker stays unnamed."""
    who = f"<@{block.member_id}>" if block.member_id is not None else "The anonymous asker"
    return f"⛔ {who} — blocked for #{block.question_number}, <t:{int(block.blocked_at.timestamp())}:R>"


def blocks_message(title: str, blocks: list[BlockedAsker]) -> tuple[str, discord.ui.View | None]:
    """The list of a panel's blocks and its "Unblock" buttons."""
    if not blocks:
        return f"Nobody is blocked on “{inert(title)}”.", None
    lines = [
        f"**Blocked on “{inert(title)}”** ({len(blocks)}):",
        *(blocked_line(block) for block in blocks[:MAX_LISTED]),
    ]
    if len(blocks) > MAX_LISTED:
        lines.append(f"…and {len(blocks) - MAX_LISTED} more: `/panel unblock question:` lets any of them back.")
    view = discord.ui.View(timeout=None)
    for block in blocks[:MAX_LISTED]:
        view.add_item(UnblockButton(block.question_id, label=f"Unblock #{block.question_number}"))
    return "\n".join(lines), view


async def show_blocks(interaction: discord.Interaction, *, panel_id: int, title: str, replace: bool = False) -> None:
    """Answer the moderator with the panel's blocks (or update the list they clicked in)."""
    blocks = await coalition_bot(interaction).db.read(panel_blocks, panel_id=panel_id)
    content, view = blocks_message(title, blocks)
    await answer(interaction, content, view=view, replace=replace)


class UnblockButton(IdButton, prefix="panel:mod:unblock"):
    """ "Unblock #N" in the list of blocks: the asker of question N may ask and vote on its panel again."""

    button_label = "Unblock"
    button_emoji = "🔓"

    async def handle(self, interaction: discord.Interaction) -> None:
        ensure_moderator(interaction)
        bot = coalition_bot(interaction)
        question = await bot.db.transaction(unblock_asker, question_id=self.ref_id)
        await show_blocks(interaction, panel_id=question.panel_id, title=question.panel.title, replace=True)
