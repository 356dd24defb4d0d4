"""QUESTION_AUTHOR_RETENTION_DAYS: default, parsing, and refusal of values below a day."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_settings_retention_defaults_to_180_days() -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN}).question_author_retention_days == 180


def test_settings_retention_is_read_from_environment() -> None:
    env = {"DISCORD_TOKEN": TOKEN, "QUESTION_AUTHOR_RETENTION_DAYS": "365"}
    assert Settings.from_env(env).question_author_retention_days == 365


@pytest.mark.parametrize("raw", ["0", "-5", "half a year", "1.5"])
def test_settings_retention_below_a_day_or_not_whole_is_refused(raw: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, "QUESTION_AUTHOR_RETENTION_DAYS": raw})
    assert raised.value.setting == "QUESTION_AUTHOR_RETENTION_DAYS"
    assert "whole number from 1" in str(raised.value)
