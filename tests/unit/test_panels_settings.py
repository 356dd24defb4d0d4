"""Panel Q&A settings: defaults, parsing and the messages for bad values."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_settings_question_limits_default_to_documented_values() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert (
        settings.question_min_length,
        settings.question_max_length,
        settings.question_cooldown_seconds,
        settings.question_max_open_per_member,
        settings.moderator_channel_id,
    ) == (5, 500, 15, 10, None)


def test_settings_question_limits_are_read_from_environment() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "QUESTION_MIN_LENGTH": "10",
            "QUESTION_MAX_LENGTH": "300",
            "QUESTION_COOLDOWN_SECONDS": "0",
            "QUESTION_MAX_OPEN_PER_MEMBER": "3",
            "MODERATOR_CHANNEL_ID": "123456789012345678",
        }
    )
    assert settings.question_min_length == 10
    assert settings.question_max_length == 300
    assert settings.question_cooldown_seconds == 0
    assert settings.question_max_open_per_member == 3
    assert settings.moderator_channel_id == 123456789012345678


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"QUESTION_MIN_LENGTH": "five"}, "QUESTION_MIN_LENGTH"),
        ({"QUESTION_MAX_LENGTH": "5000"}, "QUESTION_MAX_LENGTH"),
        ({"QUESTION_MIN_LENGTH": "400", "QUESTION_MAX_LENGTH": "300"}, "QUESTION_MIN_LENGTH"),
        ({"QUESTION_COOLDOWN_SECONDS": "-1"}, "QUESTION_COOLDOWN_SECONDS"),
        ({"QUESTION_MAX_OPEN_PER_MEMBER": "0"}, "QUESTION_MAX_OPEN_PER_MEMBER"),
        ({"MODERATOR_CHANNEL_ID": "mods"}, "MODERATOR_CHANNEL_ID"),
    ],
)
def test_settings_bad_question_setting_is_named(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})
    assert raised.value.setting == setting
