"""The shipped knowledge base: YAML files under db/data, validated and loaded idempotently."""

from __future__ import annotations

import asyncio
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.database import Database
from db.engine import SHIPPED_DATA_LOCK, lock_out_other_instances
from db.knowledge import index_practice
from db.models import Platform, Practice
from db.models.knowledge import MEMBER, SHIPPED
from db.platforms import index_platform
from db.search import bump_revision
from db.semantic import compute_vectors, save_vectors, texts_without_vectors

DATA_DIR = Path(__file__).parent / "data"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOPICS = (
    "teacher training",
    "role models",
    "industry involvement",
    "gender balance",
    "diversity and inclusion",
    "regional networks",
    "policy and political anchoring",
    "evaluation and impact",
    "quality assurance",
    "early intervention",
    "communication and outreach",
    "career guidance",
    "strategy development",
    "vocational education",
    "entrepreneurship education",
    "coalition ways of working",
)
PLATFORM_FIELDS: dict[str, tuple[type, ...]] = {
    "slug": (str,),
    "name": (str,),
    "acronym": (str, type(None)),
    "aliases": (list,),
    "country": (str,),
    "region": (str, type(None)),
    "kind": (str,),
    "founded": (str, type(None)),
    "funding": (str, type(None)),
    "summary": (str,),
    "role": (str, type(None)),
    "activities": (list,),
    "impact": (list,),
    "people": (list,),
    "website": (str, type(None)),
    "sources": (list,),
    "practices": (list,),
}
PRACTICE_FIELDS: dict[str, tuple[type, ...]] = {
    "slug": (str,),
    "title": (str,),
    "summary": (str,),
    "details": (str,),
    "country": (str, type(None)),
    "platforms": (list,),
    "topics": (list,),
    "sources": (list,),
    "link": (str, type(None)),
}


class ShippedDataError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the shipped data")
        self.problems = problems


@dataclass(frozen=True)
class ShippedData:
    sources: dict[str, Any]
    platforms: list[dict[str, Any]]
    practices: list[dict[str, Any]]


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_member_entries: list[str] = field(default_factory=list)
    # Documents whose vector for search by meaning was computed by this load.
    vectors: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.vectors} embedded for search by meaning"
        )


def read_shipped_data(directory: Path = DATA_DIR) -> ShippedData:
    """Read and validate the data files, raising ShippedDataError listing every problem found."""
    problems: list[str] = []
    raw: dict[str, Any] = {}
    for name in ("sources.yaml", "platforms.yaml", "practices.yaml"):
        try:
            raw[name] = yaml.safe_load((directory / name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{name}: file missing in {directory}")
        except yaml.YAMLError as error:
            problems.append(f"{name}: not valid YAML: {error}")
    if problems:
        raise ShippedDataError(problems)
    data = ShippedData(
        sources=raw["sources.yaml"] if isinstance(raw["sources.yaml"], dict) else {},
        platforms=raw["platforms.yaml"] if isinstance(raw["platforms.yaml"], list) else [],
        practices=raw["practices.yaml"] if isinstance(raw["practices.yaml"], list) else [],
    )
    problems = _validate(data, raw)
    if problems:
        raise ShippedDataError(problems)
    return data


def check_shipped_data(directory: Path = DATA_DIR) -> list[str]:
    """Every problem in the shipped data, as 'file: entry N (slug): problem' lines; empty when valid."""
    try:
        read_shipped_data(directory)
    except ShippedDataError as error:
        return error.problems
    return []


def _validate(data: ShippedData, raw: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for name, expected in (("sources.yaml", dict), ("platforms.yaml", list), ("practices.yaml", list)):
        if not isinstance(raw[name], expected):
            problems.append(f"{name}: the top level must be a {'mapping' if expected is dict else 'list'}")
    for name, value in data.sources.items():
        if _source_document(value) is None:
            problems.append(f"sources.yaml: {name!r} needs a title (text, or a mapping with title and optional url)")
        elif isinstance(value, dict) and value.get("url") and not str(value["url"]).startswith("https://"):
            problems.append(f"sources.yaml: {name!r} has a url that is not an https:// address")
    platform_slugs = _check_entries("platforms.yaml", data.platforms, PLATFORM_FIELDS, data.sources, problems)
    practice_slugs = _check_entries("practices.yaml", data.practices, PRACTICE_FIELDS, data.sources, problems)
    _check_lengths("platforms.yaml", data.platforms, Platform, problems)
    _check_lengths("practices.yaml", data.practices, Practice, problems)
    links_from_platforms = {
        (entry.get("slug"), practice)
        for entry in data.platforms
        if isinstance(entry, dict)
        for practice in entry.get("practices") or []
    }
    for index, entry in enumerate(data.platforms, start=1):
        if not isinstance(entry, dict):
            continue
        where = f"platforms.yaml: entry {index} ({entry.get('slug')})"
        for person in entry.get("people") or []:
            if not (isinstance(person, dict) and isinstance(person.get("name"), str)):
                problems.append(f"{where}: each person needs a name and a role, got {person!r}")
        for practice in entry.get("practices") or []:
            if practice not in practice_slugs:
                problems.append(f"{where}: unknown practice {practice!r}")
    for index, entry in enumerate(data.practices, start=1):
        if not isinstance(entry, dict):
            continue
        where = f"practices.yaml: entry {index} ({entry.get('slug')})"
        if not entry.get("platforms"):
            problems.append(f"{where}: needs at least one platform")
        for platform in entry.get("platforms") or []:
            if platform not in platform_slugs:
                problems.append(f"{where}: unknown platform {platform!r}")
            elif (platform, entry.get("slug")) not in links_from_platforms:
                problems.append(f"{where}: platform {platform!r} does not list this practice back")
        for topic in entry.get("topics") or []:
            if topic not in TOPICS:
                problems.append(f"{where}: unknown topic {topic!r} (known: {', '.join(TOPICS)})")
    return problems


def _check_lengths(file: str, entries: list[Any], model: type[Platform | Practice], problems: list[str]) -> None:
    """Text longer than its column: SQLite would store it, PostgreSQL refuses the whole load."""
    limits = {
        column.key: length
        for column in model.__table__.columns
        if isinstance(length := getattr(column.type, "length", None), int)
    }
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            continue
        for key, limit in limits.items():
            value = entry.get(key)
            if isinstance(value, str) and len(value) > limit:
                problems.append(f"{file}: entry {index} ({entry.get('slug')}): {key!r} is over {limit} characters")


def _check_entries(
    file: str,
    entries: list[Any],
    fields: dict[str, tuple[type, ...]],
    sources: dict[str, Any],
    problems: list[str],
) -> set[str]:
    slugs: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{file}: entry {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: must be a mapping of fields")
            continue
        where = f"{where} ({entry.get('slug')})"
        for key, types in fields.items():
            if key not in entry:
                problems.append(f"{where}: missing key {key!r}")
            elif not isinstance(entry[key], types):
                problems.append(f"{where}: {key!r} has the wrong type ({type(entry[key]).__name__})")
        for key in entry.keys() - fields.keys():
            problems.append(f"{where}: unknown key {key!r}")
        slug = entry.get("slug")
        if isinstance(slug, str):
            if not SLUG.match(slug):
                problems.append(f"{where}: slug must be lowercase words joined by hyphens")
            if slug in slugs:
                problems.append(f"{where}: duplicate slug")
            slugs.add(slug)
        for source in entry.get("sources") or []:
            if source not in sources:
                problems.append(f"{where}: source {source!r} is not listed in sources.yaml")
        if not entry.get("sources"):
            problems.append(f"{where}: needs at least one source")
    return slugs


async def load_shipped_data(session: AsyncSession, data: ShippedData) -> LoadReport:
    """Upsert shipped entries by slug; member-submitted entries with the same slug are never touched."""
    # Another instance loading at the same moment would insert the same slugs; take turns instead.
    await lock_out_other_instances(session, SHIPPED_DATA_LOCK)
    report = LoadReport()
    platforms = {
        platform.slug: platform
        for platform in (await session.scalars(select(Platform).options(selectinload(Platform.practices)))).all()
    }
    for entry in data.platforms:
        values = {key: entry[key] for key in PLATFORM_FIELDS if key not in ("slug", "practices")}
        platform = platforms.get(entry["slug"])
        if platform is not None and platform.origin == MEMBER:
            report.kept_member_entries.append(entry["slug"])
            continue
        if platform is None:
            platform = Platform(slug=entry["slug"], origin=SHIPPED, practices=[], **values)
            session.add(platform)
            platforms[platform.slug] = platform
            report.created += 1
        elif _apply(platform, values):
            report.updated += 1
        else:
            report.unchanged += 1
    practices = {
        practice.slug: practice
        for practice in (await session.scalars(select(Practice).options(selectinload(Practice.platforms)))).all()
    }
    for entry in data.practices:
        values = {key: entry[key] for key in PRACTICE_FIELDS if key not in ("slug", "platforms")}
        linked = [platforms[slug] for slug in entry["platforms"]]
        practice = practices.get(entry["slug"])
        if practice is not None and practice.origin == MEMBER:
            report.kept_member_entries.append(entry["slug"])
            continue
        if practice is None:
            practice = Practice(slug=entry["slug"], origin=SHIPPED, status="published", platforms=linked, **values)
            session.add(practice)
            practices[practice.slug] = practice
            report.created += 1
        else:
            changed = _apply(practice, values)
            if {p.slug for p in practice.platforms} != set(entry["platforms"]):
                practice.platforms = linked
                changed = True
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
    await session.flush()
    if report.created or report.updated:
        for platform in platforms.values():
            await index_platform(session, platform)
        for practice in practices.values():
            if practice.status == "published":
                await index_practice(session, practice)
        await bump_revision(session)
    return report


async def load_shipped(database: Database, data: ShippedData) -> LoadReport:
    """Load the shipped data, then store the vector of every document that has none, for search by meaning."""
    report = await database.transaction(load_shipped_data, data)
    report.vectors = await store_missing_vectors(database)
    return report


async def store_missing_vectors(database: Database) -> int:
    """Compute and store the vector of every document that has none (for search by meaning); returns how many.

    The vectors are computed between two transactions (about 0.1 s a document: inside one, every other writer
    would wait), and stored in a short one; a document changed meanwhile keeps no outdated vector.
    """
    embedder = database.embedder
    if embedder is None:
        return 0
    texts = await database.read(texts_without_vectors)
    vectors = await asyncio.to_thread(compute_vectors, embedder, texts)
    return await database.transaction(_store_vectors, vectors)


async def _store_vectors(session: AsyncSession, vectors: dict[str, bytes]) -> int:
    stored = await save_vectors(session, vectors)
    if stored:
        # Every process rebuilds its index for search by meaning with the stored vectors.
        await bump_revision(session)
    return stored


def _apply(target: Platform | Practice, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(target, key) != value:
            setattr(target, key, value)
            changed = True
    return changed


@dataclass(frozen=True)
class SourceDocument:
    """A seed document as members know it: its title, and where to read it when it is online."""

    title: str
    url: str | None = None


def _source_document(value: Any) -> SourceDocument | None:
    if isinstance(value, str) and value.strip():
        return SourceDocument(value.strip())
    if isinstance(value, dict) and isinstance(value.get("title"), str) and value["title"].strip():
        url = value.get("url")
        link = url if isinstance(url, str) and url.startswith("https://") else None
        return SourceDocument(value["title"].strip(), link)
    return None


@functools.cache
def source_documents(directory: Path = DATA_DIR) -> dict[str, SourceDocument]:
    """The seed documents by file name, for citing them on cards by title (and link)."""
    try:
        loaded = yaml.safe_load((directory / "sources.yaml").read_text(encoding="utf-8"))
    except (FileNotFoundError, yaml.YAMLError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    documents = {name: _source_document(value) for name, value in loaded.items()}
    return {name: document for name, document in documents.items() if document is not None}


def source_titles(directory: Path = DATA_DIR) -> dict[str, str]:
    """Human titles of the seed documents by file name."""
    return {name: document.title for name, document in source_documents(directory).items()}
