"""Where the bot finds its `.env` and keeps its data: the same places whatever directory it is started from.

A source checkout keeps both beside the code (`.env`, `data/`), as `bash scripts/run` always did. An installed
package (`pipx install .`) has no checkout, so it uses a per-user directory. An admin who wants them elsewhere
sets DATA_DIR once (the systemd unit does): the `.env` and the database then live there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

# The directory that holds the `bot` package: a source checkout when a pyproject.toml sits there.
INSTALL_ROOT = Path(__file__).resolve().parents[1]
DATABASE_FILE = "coalition.db"
ENV_FILE = ".env"
SQLITE_PREFIX = "sqlite+aiosqlite:///"


def is_source_checkout(root: Path = INSTALL_ROOT) -> bool:
    """True when the bot runs from its source tree (editable install or `python -m bot` in a clone)."""
    return (root / "pyproject.toml").is_file()


def home_dir(env: Mapping[str, str]) -> Path:
    """DATA_DIR when set; else the checkout, or the per-user data directory of an installed package."""
    data_dir = env.get("DATA_DIR", "").strip()
    if data_dir:
        return Path(data_dir).expanduser().absolute()
    if is_source_checkout():
        return INSTALL_ROOT
    user_data = env.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(user_data) / "coalition-bot"


def find_env_file(env: Mapping[str, str]) -> Path:
    """The `.env` the bot reads: in DATA_DIR when set, else beside the installation (it may not exist)."""
    return home_dir(env) / ENV_FILE


def find_data_dir(env: Mapping[str, str]) -> Path:
    """The directory of the default SQLite database (and of nothing else unless configured)."""
    home = home_dir(env)
    # A checkout keeps its data in data/ (ignored by git); DATA_DIR and the per-user directory are data already.
    if not env.get("DATA_DIR", "").strip() and home == INSTALL_ROOT:
        return home / "data"
    return home


def default_database_url(env: Mapping[str, str]) -> str:
    """The SQLite file the bot uses when DATABASE_URL is not set."""
    return SQLITE_PREFIX + str(find_data_dir(env) / DATABASE_FILE)


def anchor_database_url(url: str, env: Mapping[str, str]) -> str:
    """Read a relative SQLite path in DATABASE_URL from the bot's home, not from the working directory."""
    if not url.startswith(SQLITE_PREFIX):
        return url
    database = make_url(url).database
    if not database or database == ":memory:" or Path(database).is_absolute() or database.startswith("file:"):
        return url
    query = url[url.index("?") :] if "?" in url else ""
    return SQLITE_PREFIX + str(home_dir(env) / database) + query


def describe_database(url: str) -> str:
    """The database for a log line: the file of SQLite, the URL without its password otherwise."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return parsed.render_as_string(hide_password=True)


def describe_env_file(path: Path) -> str:
    """Which .env the settings came from, for a log line."""
    if path.is_file():
        return f"settings from {path} and the environment"
    return f"settings from the environment only (no {path})"
