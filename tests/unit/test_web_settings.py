"""WEB_PORT, WEB_HOST and PUBLIC_BASE_URL: off by default, validated, and the base of every link."""

import pytest

from bot.settings import Settings, SettingsError
from tests.unit.test_settings import TOKEN


def test_web_settings_off_without_port() -> None:
    settings = Settings.from_env({"DISCORD_TOKEN": TOKEN, "PUBLIC_BASE_URL": "https://bot.example.org"})
    assert settings.web_port is None and settings.web_base_url is None
    assert settings.web_host == "127.0.0.1"


@pytest.mark.parametrize(
    ("env", "base_url"),
    [
        ({"WEB_PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"WEB_PORT": "8080", "WEB_HOST": "::1"}, "http://[::1]:8080"),
        (
            {"WEB_PORT": "8080", "PUBLIC_BASE_URL": "https://bot.example.org/coalition/"},
            "https://bot.example.org/coalition",
        ),
    ],
)
def test_web_settings_build_the_link_base(env: dict[str, str], base_url: str) -> None:
    assert Settings.from_env({"DISCORD_TOKEN": TOKEN, **env}).web_base_url == base_url


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"WEB_PORT": "http"}, "WEB_PORT"),
        ({"WEB_PORT": "0"}, "WEB_PORT"),
        ({"WEB_PORT": "70000"}, "WEB_PORT"),
        ({"WEB_HOST": "local host"}, "WEB_HOST"),
        ({"PUBLIC_BASE_URL": "bot.example.org"}, "PUBLIC_BASE_URL"),
        ({"PUBLIC_BASE_URL": "https://bot.example.org/?x=1"}, "PUBLIC_BASE_URL"),
    ],
)
def test_web_settings_bad_value_names_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"DISCORD_TOKEN": TOKEN, **env})
    assert raised.value.setting == setting
