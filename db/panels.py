"""Panels: open, close and reopen them, find the one a command means, and name their panelists.

Every function flushes and never commits; the caller's transaction is the unit of work. Questions on a
panel are db/questions.py; the export of them, db/panel_export.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, selectinload

from db.models import Panel, Panelist, Platform, Question
from db.models.base import utcnow
from db.models.panels import PANEL_CLOSED, PANEL_OPEN
from db.platforms import SUGGESTION_MATCH, platform_directory
from db.session_state import panel_changed
from rules.errors import ConflictError, InvalidInputError, NotFoundError, quoted
from rules.folding import fold
from rules.labels import panel_labels
from rules.question_text import parse_panelists, parse_topics
from rules.text import is_record_number
from rules.word_filter import FILTER_MODES, FILTER_OFF

TITLE_LIMITS = (3, 200)
# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedQuestion:
    question: Question
    votes: int


def _with_panelists(statement: Select[Panel]) -> Select[Panel]:
    return statement.options(selectinload(Panel.panelists))


async def open_panel(
    session: AsyncSession,
    *,
    guild_id: int,
    channel_id: int,
    title: str,
    panelists: str,
    topics: str | None,
    moderated: bool,
    anonymous_allowed: bool,
    created_by: int,
    moderator_channel_id: int | None = None,
    word_filter: str = FILTER_OFF,
    panelist_role_id: int | None = None,
) -> Panel:
    """Open a panel in a channel, linking each panelist whose organisation is a known platform."""
    if word_filter not in FILTER_MODES:
        raise InvalidInputError("The word filter is one of: {modes}.", modes=", ".join(FILTER_MODES))
    title = " ".join(title.split())
    if not TITLE_LIMITS[0] <= len(title) <= TITLE_LIMITS[1]:
        raise InvalidInputError(
            "The title must be {low}–{high} characters long.", low=TITLE_LIMITS[0], high=TITLE_LIMITS[1]
        )
    specs = parse_panelists(panelists)
    topic_list = parse_topics(topics)
    existing = await session.scalar(select(Panel).where(Panel.channel_id == channel_id, Panel.status == PANEL_OPEN))
    if existing is not None:
        raise ConflictError(
            "“{title}” is still open in this channel. Close it with `/panel close` first.",
            title=quoted(existing.title),
        )
    panel = Panel(
        guild_id=guild_id,
        channel_id=channel_id,
        title=title,
        topics=topic_list,
        moderated=moderated,
        anonymous_allowed=anonymous_allowed,
        word_filter=word_filter,
        status=PANEL_OPEN,
        last_number=0,
        moderator_channel_id=moderator_channel_id,
        panelist_role_id=panelist_role_id,
        created_by=created_by,
        panelists=[
            Panelist(
                position=position,
                name=spec.name,
                organisation=spec.organisation,
                platform_slug=await _platform_slug(session, spec.organisation),
            )
            for position, spec in enumerate(specs)
        ],
    )
    session.add(panel)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # Another moderator opened one in the same channel a moment ago (the partial unique index).
        raise ConflictError("A panel was just opened in this channel; close it first with `/panel close`.") from None
    return panel


async def _platform_slug(session: AsyncSession, organisation: str | None) -> str | None:
    """The slug of the platform an organisation names, or None when no platform clearly is it.

    The directory's typo-tolerant matching suggests candidates; a wrong card on a projected panel is worse
    than none, so a candidate must be named in full by the organisation or read almost the same.
    """
    if not organisation:
        return None
    wanted = fold(organisation)
    for match in (await platform_directory(session)).match(organisation, limit=5, cutoff=SUGGESTION_MATCH):
        if match.field in ("country", "region", "person"):
            continue
        label = fold(match.label)
        named = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", wanted) is not None
        if match.score == 100 or (len(label) >= 3 and named) or fuzz.token_sort_ratio(label, wanted) >= 88:
            return await session.scalar(select(Platform.slug).where(Platform.id == match.platform_id))
    return None


async def set_panel_message(session: AsyncSession, *, panel_id: int, message_id: int) -> None:
    """Remember the panel card's message, to update its buttons when the panel closes or reopens."""
    await session.execute(update(Panel).where(Panel.id == panel_id).values(message_id=message_id))


def panel_by_id(session: Session, panel_id: int) -> Panel:
    if not is_record_number(panel_id):  # PostgreSQL refuses such a number before it could say "none"
        raise NotFoundError("That panel no longer exists.")
    panel = session.scalar(_with_panelists(select(Panel).where(Panel.id == panel_id)))
    if panel is None:
        raise NotFoundError("That panel no longer exists.")
    return panel


def guild_panel(session: Session, *, panel_id: int, guild_id: int) -> Panel:
    """A panel picked by id (autocomplete), refused when it belongs to another server."""
    panel = panel_by_id(session, panel_id)
    if panel.guild_id != guild_id:
        raise NotFoundError("That panel no longer exists.")
    return panel


def pick_panel(session: Session, *, guild_id: int, channel_id: int, panel_id: int | None) -> Panel:
    """The panel a moderator picked (autocomplete), else the channel's."""
    if panel_id:
        return guild_panel(session, panel_id=panel_id, guild_id=guild_id)
    return channel_panel(session, channel_id=channel_id)


def channel_panel(session: Session, *, channel_id: int, open_only: bool = False) -> Panel:
    """The channel's open panel, else (unless `open_only`) its most recently closed one (sync: a lookup
    the reader runs on every question asked by command)."""
    statement = select(Panel).where(Panel.channel_id == channel_id)
    if open_only:
        statement = statement.where(Panel.status == PANEL_OPEN)
    panel = session.scalar(
        _with_panelists(statement.order_by((Panel.status == PANEL_OPEN).desc(), Panel.id.desc()).limit(1))
    )
    if panel is None:
        raise NotFoundError(
            "There is no open panel in this channel. A moderator can start one with `/panel open`."
            if open_only
            else "There has been no panel in this channel yet."
        )
    return panel


async def close_panel(session: AsyncSession, *, channel_id: int) -> Panel:
    """Stop taking questions on the channel's open panel."""
    panel = await session.run_sync(channel_panel, channel_id=channel_id, open_only=True)
    panel.status = PANEL_CLOSED
    panel.closed_at = utcnow()
    await session.flush()
    panel_changed(session, panel.id)
    return panel


async def reopen_panel(session: AsyncSession, *, channel_id: int) -> Panel:
    """Take questions again on the channel's most recently closed panel."""
    panel = await session.run_sync(channel_panel, channel_id=channel_id)
    if panel.status == PANEL_OPEN:
        raise ConflictError("“{title}” is already open.", title=quoted(panel.title))
    panel.status = PANEL_OPEN
    panel.closed_at = None
    await session.flush()
    panel_changed(session, panel.id)
    return panel


def autocomplete_panels(session: Session, *, guild_id: int, current: str) -> list[tuple[str, int]]:
    """(label, panel id) choices, newest first, filtered by what has been typed."""
    rows = session.execute(
        select(Panel.id, Panel.title, Panel.status, Panel.created_at)
        .where(Panel.guild_id == guild_id)
        .order_by(Panel.id.desc())
        .limit(200)
    )
    wanted = fold(current.strip())
    return [
        (f"{title} — {created.date().isoformat()}" + (" (open)" if status == PANEL_OPEN else ""), panel_id)
        for panel_id, title, status, created in rows
        if not wanted or wanted in fold(title) or wanted == str(panel_id)
    ][:25]


def autocomplete_panelists(session: Session, *, channel_id: int, current: str) -> list[tuple[str, str]]:
    """(label, panelist id) choices among the open panel's panelists."""
    try:
        panel = channel_panel(session, channel_id=channel_id, open_only=True)
    except NotFoundError:
        return []
    wanted = fold(current.strip())
    return [
        (panelist_label(panelist), str(panelist.id))
        for panelist in panel.panelists
        if not wanted or wanted in fold(panelist_label(panelist))
    ]


def shown_author(question: Question) -> int | None:
    """The author others may see: None for an anonymous question and for an author no longer kept."""
    return None if question.anonymous else question.author_id


def panelist_label(panelist: Panelist) -> str:
    return panelist.name + (f" ({panelist.organisation})" if panelist.organisation else "")


def panelist_platform(session: Session, *, panelist_id: int) -> Platform:
    """The platform a panelist's organisation was linked to, for the card behind their button."""
    slug = session.scalar(select(Panelist.platform_slug).where(Panelist.id == panelist_id))
    platform = slug and session.scalar(
        select(Platform).options(selectinload(Platform.practices)).where(Platform.slug == slug)
    )
    if not platform:
        raise NotFoundError("That platform is no longer in the knowledge base.")
    return platform


def autocomplete_labels(session: Session, *, channel_id: int, current: str) -> list[tuple[str, str]]:
    """(label, label) choices among the channel panel's labels: its topics and panelists."""
    try:
        panel = channel_panel(session, channel_id=channel_id)
    except NotFoundError:
        return []
    wanted = fold(current.strip())
    labels = panel_labels(panel.topics, (panelist.name for panelist in panel.panelists))
    return [(label, label) for label in labels if not wanted or wanted in fold(label)]
