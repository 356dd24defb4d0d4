import pytest

from bot.paths import default_database_url
from bot.settings import Settings, SettingsError

TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_settings_defaults_when_only_token_given() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    # The checkout's data/coalition.db, as an absolute path: the same file from any working directory.
    assert settings.database_url == default_database_url({})
    assert settings.database_url.startswith("sqlite+aiosqlite:////")
    assert settings.default_timezone == "Europe/Brussels"
    assert settings.guild_id is None
    assert settings.log_level == "INFO"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": "not-a-token"}, "DISCORD_TOKEN"),
        ({"DISCORD_TOKEN": TOKEN, "GUILD_ID": "abc"}, "GUILD_ID"),
        ({"DISCORD_TOKEN": TOKEN, "ANNOUNCE_CHANNEL_ID": "12"}, "ANNOUNCE_CHANNEL_ID"),
        ({"DISCORD_TOKEN": TOKEN, "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
        ({"DISCORD_TOKEN": TOKEN, "LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DISCORD_TOKEN": TOKEN, "DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": "ftp://x"}, "DISCORD_API_BASE"),
    ],
)
def test_settings_bad_value_names_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    assert raised.value.setting == setting
    assert str(raised.value).startswith(f"{setting}: ")


def test_settings_token_not_required_for_admin_commands() -> None:
    settings = Settings.from_env({}, require_token=False)
    assert settings.discord_token == ""


def test_settings_parse_ids_and_strip_api_base_slash() -> None:
    settings = Settings.from_env(
        {
            "DISCORD_TOKEN": TOKEN,
            "GUILD_ID": "123456789012345678",
            "MODERATOR_ROLE": "Moderator",
            "DISCORD_API_BASE": "http://127.0.0.1:5000/api/v10/",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.guild_id == 123456789012345678
    assert settings.moderator_role == "Moderator"
    assert settings.discord_api_base == "http://127.0.0.1:5000/api/v10"
    assert settings.log_level == "DEBUG"


def test_settings_sharding_unset_by_default() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN})
    assert settings.shard_count is None and settings.shard_ids is None


def test_settings_sharding_count_and_ids() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "4", "SHARD_IDS": "2, 3"})
    assert settings.shard_count == 4 and settings.shard_ids == (2, 3)


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"SHARD_IDS": "0"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "2"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "a,b"}, "SHARD_IDS"),
    ],
)
def test_settings_bad_sharding_names_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})
    assert raised.value.setting == setting
