"""Web views served by the bot itself: a panel's presenter screen and the events calendar feed."""

from bot.web.hub import ScreenHub
from bot.web.server import WebServer

__all__ = ["ScreenHub", "WebServer"]
