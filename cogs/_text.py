"""Text helpers for Discord rendering: trimming to limits and making member text inert."""

from __future__ import annotations

import discord

ELLIPSIS = "…"


def trim(text: str, limit: int) -> str:
    """Cut text to a limit at a word boundary, marking the cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + ELLIPSIS


def inert(text: str) -> str:
    """Show member-written text as typed: no markdown effects, no mentions."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def bullets(items: list[str], limit: int) -> str:
    """A bulleted list that fits a limit, saying how many items it left out."""
    lines: list[str] = []
    used = 0
    for index, item in enumerate(items):
        line = f"• {item}"
        remaining = len(items) - index - 1
        suffix = f"\n… and {remaining} more" if remaining else ""
        if used + len(line) + 1 + len(suffix) > limit:
            lines.append(f"… and {len(items) - index} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def chunks(text: str, size: int) -> list[str]:
    """Split long text into pieces of at most `size` characters, preferring paragraph breaks."""
    pieces: list[str] = []
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        if cut < size // 2:
            cut = text.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        pieces.append(text)
    return pieces
