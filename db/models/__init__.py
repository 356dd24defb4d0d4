"""Every model, imported here so the metadata Alembic compares against is complete."""

from db.models.base import Base
from db.models.knowledge import KnowledgeRevision, Platform, Practice, SearchDocument, practice_platforms

__all__ = ["Base", "KnowledgeRevision", "Platform", "Practice", "SearchDocument", "practice_platforms"]
