"""Every model, imported here so the metadata Alembic compares against is complete."""

from db.models.base import Base
from db.models.knowledge import KnowledgeRevision, Platform, Practice, SearchDocument, practice_platforms
from db.models.panels import Panel, Panelist, Question, Vote

__all__ = [
    "Base",
    "KnowledgeRevision",
    "Panel",
    "Panelist",
    "Platform",
    "Practice",
    "Question",
    "SearchDocument",
    "Vote",
    "practice_platforms",
]
