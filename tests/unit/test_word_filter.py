"""The panel word filter: listed words are found however they are disguised, ordinary words never are."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rules.word_filter import (
    CENSORED,
    WORDLISTS,
    WordFilter,
    load_word_filter,
    read_word_list,
    shipped_word_filter,
)

ORDINARY = Path(__file__).with_name("data") / "ordinary_questions.txt"
LANGUAGES = ("en", "de", "fr", "nl", "es", "fi", "sv", "da", "no")
# Words that contain a listed word without being one (the Scunthorpe problem).
CONTAINERS = (
    "Scunthorpe", "analysis", "assessment", "classic", "cocktail", "Dickens", "therapist", "passion", "shiitake",
    "Sussex", "Essex", "Middlesex", "constitution", "cumulative", "document", "circumstances", "skills", "assume",
    "butter", "buttons", "spices", "Hancock", "peacock", "Titan", "title", "pitch", "grapes", "mishit", "Cockburn",
    "arsenal", "matriculation", "Penistone", "shittim", "classroom", "fanatic", "harder", "potential", "delta",
    "contract", "Kunststoff", "Fickenscher", "Puttgarden", "Analytik", "Bitterfeld", "Dorfkneipe", "gathering",
    "holiday", "pottery", "bassoon", "embarrass", "compass", "scrapes", "Sextant", "Sexton", "hello", "shell",
)  # fmt: skip
FRAMES = (
    "What do the panelists think about {}?",
    "Why is {} so often left out of the curriculum?",
    "How could {} help more pupils choose science?",
    "Is {} part of the coalition's plans for next year?",
    "{} came up twice today: who will follow it up?",
)
HOSTILE_FRAMES = (
    "{} to the whole panel",
    "Why are you all such {}?",
    "This coalition is {}",
    "{}!!! answer me",
    "Only a {} would believe that",
)


def ordinary_questions() -> list[str]:
    return [line for line in ORDINARY.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def listed_terms(language: str) -> list[str]:
    """The single-word terms of one shipped list that the filter holds (allowed ones are left out)."""
    words = shipped_word_filter()
    terms, _allowed = read_word_list(WORDLISTS / f"{language}.txt")
    return [term for term in terms if " " not in term.strip() and words.find(term.strip())]


def disguise(term: str, how: str, rng: random.Random) -> str:
    """The term as a member might write it to slip past a filter."""
    if how == "upper":
        return term.upper()
    if how == "leet":
        return term.translate(str.maketrans("aeios", "4310$"))
    if how == "spaced":
        return rng.choice((" ", ".", "-")).join(term)
    if how == "stretched":
        index = next((i for i, char in enumerate(term) if char in "aeiouy"), len(term) - 1)
        return term[: index + 1] + term[index] * 4 + term[index + 1 :]
    if how == "accents":
        return term.translate(str.maketrans("aeiouc", "áëîôüç"))
    if how == "masked":
        inner = [i for i, char in enumerate(term) if char in "aeiou" and 0 < i < len(term) - 1]
        if not inner or len(term) < 4:
            return term.capitalize()
        return term[: inner[0]] + "*" + term[inner[0] + 1 :]
    return term


DISGUISES = ("plain", "upper", "leet", "spaced", "stretched", "accents", "masked")


def hostile_set() -> list[tuple[str, str]]:
    """300 hostile questions (plain and disguised listed words in nine languages), as (kind, text)."""
    rng = random.Random(19)
    texts: list[tuple[str, str]] = []
    for index in range(300):
        language = LANGUAGES[index % len(LANGUAGES)]
        term = rng.choice(listed_terms(language)).lower()
        how = DISGUISES[index % len(DISGUISES)]
        texts.append((how, rng.choice(HOSTILE_FRAMES).format(disguise(term, how, rng))))
    return texts


def harmless_set() -> list[str]:
    """200 harmless questions, each built around a word that contains a listed one."""
    rng = random.Random(20)
    return [rng.choice(FRAMES).format(CONTAINERS[index % len(CONTAINERS)]) for index in range(200)]


def test_word_filter_ordinary_coalition_questions_no_false_positive() -> None:
    questions = ordinary_questions()
    assert len(questions) >= 200
    flagged = [(question, shipped_word_filter().find(question)) for question in questions]
    assert [pair for pair in flagged if pair[1]] == []


def test_word_filter_words_containing_listed_words_pass() -> None:
    words = shipped_word_filter()
    assert [text for text in harmless_set() if words.find(text)] == []


def test_word_filter_hostile_set_caught_in_every_disguise() -> None:
    words = shipped_word_filter()
    missed = [(kind, text) for kind, text in hostile_set() if not words.find(text)]
    # Each disguise is caught (a masked term can stand for a different listed word; it is still caught).
    assert missed == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("What the F U C K is this", "What the *** is this"),
        ("sh1t panel", "*** panel"),
        ("fuuuuck you", "*** you"),
        ("f*ck this", "*** this"),
        ("You are an @$$hole.", "You are an ***."),
        ("Arschloch!", "***!"),
        ("Quel connard, putain", "Quel ***, ***"),
        ("**fuck** that", "*** that"),
        ("haista vittu", "***"),
        ("Hij is een klootzak", "Hij is een ***"),
        ("hijo de puta", "***"),
        ("s-h-i-t", "***"),
        ("din røv", "din ***"),
        ("din rov", "din ***"),
        ("the fuckers", "the ***"),
        ("jävla fitta", "jävla ***"),
        ("faen i helvete", "***"),
    ],
)
def test_word_filter_disguised_words_censored(text: str, shown: str) -> None:
    assert shipped_word_filter().censor(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "She graduated summa cum laude in physics",
        "Sex differences in STEM choices start early",
        "Bitte erklären Sie das Programm",
        "Un programa con las empresas del sector",
        "Is the fan base growing?",
        "Cocker spaniels and butter: a stats exercise",
        "What is the hard part?",
        "Q & A with the panel",
        "The 2026 budget: 3.5 million for 4th grade",
    ],
)
def test_word_filter_ordinary_words_of_member_languages_pass(text: str) -> None:
    assert shipped_word_filter().find(text) == []


def test_word_filter_moderator_list_adds_and_allows_terms(tmp_path: Path) -> None:
    (tmp_path / "custom.txt").write_text("# ours\nbrexitsnob\n!fitta  # a test\n", encoding="utf-8")
    words = load_word_filter(WORDLISTS, tmp_path)
    assert words.censor("what a Br3xitsn0b") == f"what a {CENSORED}"
    assert words.find("fitta") == []


def test_word_filter_hit_names_language_and_span() -> None:
    words = WordFilter({"de": ["arschloch"], "fi": ["haista vittu"]})
    hits = words.find("Du ARSCHLOCH, haista   vittu")
    assert [(hit.term, hit.language) for hit in hits] == [("arschloch", "de"), ("haista vittu", "fi")]
    assert "Du ARSCHLOCH, haista   vittu"[hits[1].start : hits[1].end] == "haista   vittu"


def test_word_filter_shipped_lists_cover_nine_languages_with_licence() -> None:
    for language in LANGUAGES:
        assert listed_terms(language), language
    assert "Attribution 4.0 International" in (WORDLISTS / "LICENSE-naughty-words.txt").read_text(encoding="utf-8")
