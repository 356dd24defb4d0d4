"""Loading the shipped data: validation, idempotency, updates, and member entries left alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.knowledge import Submission, review_practice, search_practices, submit_practice
from db.models import Platform, Practice, SearchDocument
from db.shipped import DATA_DIR, check_shipped_data, load_shipped_data, read_shipped_data


def test_shipped_data_files_are_valid() -> None:
    assert check_shipped_data() == []


def test_shipped_data_covers_the_seeds() -> None:
    data = read_shipped_data()
    assert len(data.platforms) >= 25
    assert len(data.practices) >= 30
    slugs = {entry["slug"] for entry in data.platforms}
    for expected in (
        "astra",
        "luma-centre-finland",
        "ncsr",
        "teknikcollege",
        "mintvernetzt",
        "zdi",
        "vlaio",
        "valnalon",
        "obuda-university",
        "eu-stem-coalition",
        "turkish-stem-alliance",
        "csr-ukraine",
    ):
        assert expected in slugs
    figures = " ".join(" ".join(entry["impact"]) for entry in data.platforms)
    for figure in ("80%", "3000 companies"):
        assert figure in figures


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_check_reports_file_and_entry_for_each_problem(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    practices = yaml.safe_load((directory / "practices.yaml").read_text())
    practices[2]["topics"] = ["underwater basket weaving"]
    del practices[3]["summary"]
    practices[4]["platforms"] = ["no-such-platform"]
    practices[5]["slug"] = practices[6]["slug"]
    (directory / "practices.yaml").write_text(yaml.safe_dump(practices, allow_unicode=True))
    problems = check_shipped_data(directory)
    text = "\n".join(problems)
    assert f"practices.yaml: entry 3 ({practices[2]['slug']}): unknown topic" in text
    assert f"practices.yaml: entry 4 ({practices[3]['slug']}): missing key 'summary'" in text
    assert "unknown platform 'no-such-platform'" in text
    assert "duplicate slug" in text


def test_check_reports_broken_yaml(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    (directory / "platforms.yaml").write_text("- slug: [unclosed\n")
    problems = check_shipped_data(directory)
    assert problems and problems[0].startswith("platforms.yaml: not valid YAML")


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    return (
        await session.scalar(select(func.count()).select_from(Platform)) or 0,
        await session.scalar(select(func.count()).select_from(Practice)) or 0,
        await session.scalar(select(func.count()).select_from(SearchDocument)) or 0,
    )


async def test_loading_twice_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    data = read_shipped_data()
    async with sessions.begin() as session:
        before = await _counts(session)
        report = await load_shipped_data(session, data)
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == len(data.platforms) + len(data.practices)
    async with sessions.begin() as session:
        assert await _counts(session) == before


async def test_loading_a_changed_entry_updates_it_and_its_index(sessions: async_sessionmaker[AsyncSession]) -> None:
    data = read_shipped_data()
    entry = next(entry for entry in data.practices if entry["slug"] == "teknikcollege-eight-quality-criteria")
    entry["summary"] = "Quality criteria with a new word: xylophonics."
    async with sessions.begin() as session:
        report = await load_shipped_data(session, data)
    assert report.updated == 1
    async with sessions.begin() as session:
        results = await session.run_sync(search_practices, "xylophonics")
        assert [r.practice.slug for r in results] == ["teknikcollege-eight-quality-criteria"]


async def test_loading_never_overwrites_member_entries(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        submitted = await submit_practice(
            session,
            submission=Submission(title="Our own regional hubs", summary="Members wrote this, not the seeds."),
            submitted_by=99,
        )
        await review_practice(session, practice_id=submitted.id, moderator_id=1, approve=True)
        slug = submitted.slug
    data = read_shipped_data()
    clash = dict(data.practices[0], slug=slug, title="Shipped text that must not win")
    data.practices.append(clash)
    for platform in data.platforms:
        if platform["slug"] in clash["platforms"]:
            platform["practices"].append(slug)
    async with sessions.begin() as session:
        report = await load_shipped_data(session, data)
        assert slug in report.kept_member_entries
        kept = await session.scalar(select(Practice).where(Practice.slug == slug))
        assert kept is not None and kept.title == "Our own regional hubs" and kept.origin == "member"
