"""The lexicon puts members' words and languages into the knowledge base's words; names pass through."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.lexicon import load_lexicon


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Wie bewerte ich die Wirkung eines Programms?", "evaluation beginning midway end impact programme"),
        ("leksehjelp i matematikk", "homework help mathematics"),
        ("NRW", "north rhine-westphalia"),
        ("Nordrhein-Westfalen", "north rhine-westphalia"),
        ("UK", "united kingdom"),
        ("Lehrerinnen", "teachers"),
        ("LUMA", "luma"),
        ("ZDI", "zdi"),
        ("teknikolege", "teknikolege"),
    ],
)
def test_translate_maps_languages_and_keeps_names(query: str, expected: str) -> None:
    assert load_lexicon().translate(query) == expected


def test_longer_prefix_wins(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("terms:\n  teachers: [lehrer*]\n  teacher training: [lehrerfortbildung*]\nstopwords: [die]\n")
    lexicon = load_lexicon(path)
    assert lexicon.translate("die Lehrerfortbildungen") == "teacher training"
    assert lexicon.translate("die Lehrer") == "teachers"
