"""Every model, imported here so the metadata Alembic compares against is complete."""

from db.models.attendance import EventNotice, MemberCalendarFeed
from db.models.base import Base
from db.models.events import Event, EventAttendee, NativeEvent, OccurrenceChange, Reminder, ReminderDelivery
from db.models.knowledge import (
    KnowledgeGap,
    KnowledgeRevision,
    Platform,
    Practice,
    SearchDocument,
    SearchVector,
    practice_platforms,
)
from db.models.members import MemberPreference
from db.models.panels import Panel, PanelBlock, Panelist, Question, QuestionEdit, Vote
from db.models.screens import PanelScreen

__all__ = [
    "Base",
    "Event",
    "EventAttendee",
    "EventNotice",
    "KnowledgeGap",
    "KnowledgeRevision",
    "MemberCalendarFeed",
    "MemberPreference",
    "NativeEvent",
    "OccurrenceChange",
    "Panel",
    "PanelBlock",
    "PanelScreen",
    "Panelist",
    "Platform",
    "Practice",
    "Question",
    "QuestionEdit",
    "Reminder",
    "ReminderDelivery",
    "SearchDocument",
    "SearchVector",
    "Vote",
    "practice_platforms",
]
