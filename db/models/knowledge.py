"""Knowledge base: member platforms, best practices and the search documents that index them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, utcnow

SHIPPED = "shipped"
MEMBER = "member"

practice_platforms = Table(
    "practice_platforms",
    Base.metadata,
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
    Column("platform_id", ForeignKey("platforms.id", ondelete="CASCADE"), primary_key=True),
)


class Platform(Base):
    """An organisation in the coalition: a member platform, partner or presenter."""

    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(40))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    country: Mapped[str] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(60))
    founded: Mapped[str | None] = mapped_column(String(60))
    funding: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str | None] = mapped_column(Text)
    activities: Mapped[list[str]] = mapped_column(default=list)
    impact: Mapped[list[str]] = mapped_column(default=list)
    people: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    website: Mapped[str | None] = mapped_column(String(300))
    sources: Mapped[list[str]] = mapped_column(default=list)
    origin: Mapped[str] = mapped_column(String(20), default=SHIPPED)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    practices: Mapped[list[Practice]] = relationship(
        secondary=practice_platforms, back_populates="platforms", lazy="raise", order_by="Practice.title"
    )


class Practice(Base):
    """A best practice shared in the coalition, shipped from the seeds or submitted by a member."""

    __tablename__ = "practices"
    __table_args__ = (Index("ix_practices_status_country", "status", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")
    country: Mapped[str | None] = mapped_column(String(80))
    topics: Mapped[list[str]] = mapped_column(default=list)
    sources: Mapped[list[str]] = mapped_column(default=list)
    link: Mapped[str | None] = mapped_column(String(300))
    origin: Mapped[str] = mapped_column(String(20), default=SHIPPED)
    status: Mapped[str] = mapped_column(String(20), default="published")
    submitted_by: Mapped[int | None] = mapped_column(BigInteger)
    submitted_platform: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    platforms: Mapped[list[Platform]] = relationship(
        secondary=practice_platforms, back_populates="practices", lazy="raise", order_by="Platform.name"
    )


class SearchDocument(Base):
    """One searchable text per platform, practice or event; SQLite's FTS5 index mirrors this table."""

    __tablename__ = "search_documents"
    __table_args__ = (Index("ix_search_documents_kind_ref", "kind", "ref_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(80))
    topics: Mapped[str] = mapped_column(Text, default="")


class SearchVector(Base):
    """The sentence embedding of one search document's text, keyed by the model and the text it was made from.

    Keyed by content rather than by document, so a changed text simply has no vector yet, a document that
    comes back (a panel answer removed and written again) finds its vector, and no trigger has to follow edits.
    """

    __tablename__ = "search_vectors"

    content_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class KnowledgeRevision(Base):
    """A stamp renewed on every knowledge change, so per-process caches know when to reload.

    A random stamp rather than a counter: caches are keyed by it, and two databases never share one.
    """

    __tablename__ = "knowledge_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


class KnowledgeGap(Base):
    """A question the knowledge base could not answer well: the normalised query and how often it was asked.

    Never who asked: only the words, a count and when it was first and last seen.
    """

    __tablename__ = "knowledge_gaps"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), unique=True)
    misses: Mapped[int] = mapped_column(default=1)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
