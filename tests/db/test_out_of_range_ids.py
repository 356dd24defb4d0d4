"""Ids and numbers beyond what an Integer column holds are "not found", on PostgreSQL too (which refuses them)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db import panels, questions
from db.events import find_event
from rules.errors import DomainError

BEYOND = [0, -1, 2**31, 2**53, -(2**53)]


@pytest.mark.parametrize("number", BEYOND)
async def test_panel_and_question_lookups_beyond_the_column_range_are_not_found(
    session: AsyncSession, number: int
) -> None:
    with pytest.raises(DomainError, match="no longer exists"):
        await session.run_sync(panels.guild_panel, panel_id=number, guild_id=1)
    with pytest.raises(DomainError, match=f"no question #{number}"):
        await session.run_sync(questions.question_by_number, panel_id=1, number=number)


@pytest.mark.parametrize("key", ["2147483648", "9" * 19, "0", "١٢٣"])
async def test_find_event_by_an_id_no_column_holds_is_refused(session: AsyncSession, key: str) -> None:
    with pytest.raises(DomainError) as raised:
        await find_event(session, key)
    assert "Pick one from the list" in raised.value.user_message
