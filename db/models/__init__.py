"""Every model, imported here so the metadata Alembic compares against is complete."""

from db.models.base import Base
from db.models.events import Event, EventAttendee, Reminder, ReminderDelivery
from db.models.knowledge import KnowledgeRevision, Platform, Practice, SearchDocument, practice_platforms
from db.models.members import MemberPreference

__all__ = [
    "Base",
    "Event",
    "EventAttendee",
    "KnowledgeRevision",
    "MemberPreference",
    "Platform",
    "Practice",
    "Reminder",
    "ReminderDelivery",
    "SearchDocument",
    "practice_platforms",
]
