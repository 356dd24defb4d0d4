"""The audit of db/data against the seed documents (issue 20): each defect it found stays fixed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from db.database import Database
from db.platforms import find_platform
from db.shipped import DATA_DIR, check_shipped_data, read_shipped_data
from rules.errors import NotFoundError

DATA = read_shipped_data()
PLATFORMS: dict[str, dict[str, Any]] = {entry["slug"]: entry for entry in DATA.platforms}
PRACTICES: dict[str, dict[str, Any]] = {entry["slug"]: entry for entry in DATA.practices}


def text(entry: dict[str, Any]) -> str:
    return " ".join(str(value) for value in entry.values())


def test_triple_helix_is_not_defined_in_words_the_documents_never_use() -> None:
    entry = text(PRACTICES["coalition-triple-helix-best-practice-sharing"])
    assert "policy makers, education providers and industry together" not in entry
    assert "municipalities, regional governments and companies" in entry
    assert "research, business and education" in entry


def test_tekna_is_not_typed_or_scoped_beyond_the_documents() -> None:
    tekna = PLATFORMS["tekna"]
    assert tekna["kind"] != "professional association"
    assert not tekna["summary"].startswith("Norwegian organisation")
    assert "whether it works beyond Norway" in tekna["summary"]


def test_eited_is_not_called_an_ngo_and_valnalon_was_conceived_not_founded() -> None:
    assert PLATFORMS["eited"]["kind"] != "ngo"
    assert PLATFORMS["valnalon"]["founded"] == "Originally conceived in 1987"


def test_one_employee_per_region_is_an_unnamed_audience_comment() -> None:
    practice = PRACTICES["sweden-one-employee-per-region"]
    assert "teknikcollege" not in practice["platforms"]
    assert "unnamed audience comment" in practice["summary"]
    assert "sweden-one-employee-per-region" not in PLATFORMS["teknikcollege"]["practices"]


def test_super_stem_is_not_linked_to_the_national_stem_center() -> None:
    assert PRACTICES["super-stem-contest-bulgaria"]["platforms"] == ["eited"]
    assert "super-stem-contest-bulgaria" not in PLATFORMS["bulgaria-national-stem-center"]["practices"]


def test_digital_poverty_alliance_is_only_mentioned_by_ucl() -> None:
    practice = PRACTICES["digital-poverty-alliance-tech-packs"]
    assert "mentioned by UCL" in practice["title"] and "Not a UCL practice" in practice["summary"]


def test_oslo_meeting_is_not_presented_as_a_coalition_taskforce() -> None:
    taskforces = PRACTICES["coalition-taskforces"]
    assert "ncsr" not in taskforces["platforms"]
    assert "Example" not in taskforces["details"]
    assert "coalition-taskforces" not in PLATFORMS["ncsr"]["practices"]


def test_aliases_name_only_the_platform_itself() -> None:
    assert not [a for a in PLATFORMS["bulgaria-national-stem-center"]["aliases"] if "Ministry" in a]
    assert "Central Finland LUMA Centre" not in PLATFORMS["luma-centre-finland"]["aliases"]


def test_astra_founding_stories_are_both_told_as_different() -> None:
    for entry in (PLATFORMS["astra"], PRACTICES["astra-merger-national-centre"]):
        body = text(entry)
        assert "2009" in body and "2017" in body
    assert "Two accounts" in PLATFORMS["astra"]["founded"]
    assert "do not reconcile" in PRACTICES["astra-merger-national-centre"]["summary"]


async def test_ministry_of_education_no_longer_lands_on_bulgaria(database: Database) -> None:
    try:
        found = await database.read(find_platform, "Ministry of Education")
    except NotFoundError:
        return
    assert found.platform.slug != "bulgaria-national-stem-center"


def test_check_catches_text_longer_than_its_column(tmp_path: Path) -> None:
    for name in ("sources.yaml", "practices.yaml"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    platforms = (DATA_DIR / "platforms.yaml").read_text(encoding="utf-8")
    (tmp_path / "platforms.yaml").write_text(platforms.replace('founded: "2013"', f'founded: "{"x" * 61}"'))
    expected = "platforms.yaml: entry 3 (luma-centre-finland): 'founded' is over 60 characters"
    assert check_shipped_data(tmp_path) == [expected]
