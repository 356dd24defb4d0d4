"""Migration 0005 creates exactly the screen table the model describes, and goes down and up cleanly."""

from __future__ import annotations

from db import migrate
from tests.db.test_panels_migration import _tables_and_drift


async def test_screens_migration_matches_model_and_goes_down_and_up(empty_database_url: str) -> None:
    tables, drift = await _tables_and_drift(empty_database_url)
    assert "panel_screens" in tables
    assert [diff for diff in drift if "panel_screens" in repr(diff)] == []
    await migrate.downgrade(empty_database_url, "0004")
    tables, _ = await _tables_and_drift(empty_database_url)
    assert "panel_screens" not in tables and "panels" in tables
    await migrate.upgrade(empty_database_url)
    tables, drift = await _tables_and_drift(empty_database_url)
    assert "panel_screens" in tables and drift == []
