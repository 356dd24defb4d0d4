"""Pure panel helpers: reading panelists and topics, and telling near-duplicate questions apart."""

from __future__ import annotations

import pytest

from rules.errors import InvalidInputError
from rules.question_text import PanelistSpec, are_similar, normalise_question, parse_panelists, parse_topics


def test_parse_panelists_reads_parentheses_dashes_and_bare_names() -> None:
    specs = parse_panelists(
        "Jan Lundell (LUMA Centre Finland); Mikkel Bohm – Astra;\n  Morten  Sørli ;Geert Asselbergs (EU STEM Coalition)"
    )
    assert specs == [
        PanelistSpec("Jan Lundell", "LUMA Centre Finland"),
        PanelistSpec("Mikkel Bohm", "Astra"),
        PanelistSpec("Morten Sørli", None),
        PanelistSpec("Geert Asselbergs", "EU STEM Coalition"),
    ]


def test_parse_panelists_keeps_hyphenated_names_whole() -> None:
    assert parse_panelists("Anna-Lena Meyer-Schulz") == [PanelistSpec("Anna-Lena Meyer-Schulz", None)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one panelist"),
        (" ; ;", "at least one panelist"),
        ("Jan (LUMA) (Finland)", "could not read"),
        ("Jan Lundell; jan lundell", "named twice"),
        ("; ".join(f"Panelist {n}" for n in range(11)), "at most 10 panelists"),
        ("x" * 101, "too long"),
    ],
)
def test_parse_panelists_bad_input_says_how_to_write_it(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_panelists(text)


def test_parse_topics_splits_on_semicolons_and_lines() -> None:
    assert parse_topics("Industry involvement;  urgent challenges \n\nNext three years") == [
        "Industry involvement",
        "urgent challenges",
        "Next three years",
    ]
    assert parse_topics(None) == []


def test_normalise_question_folds_case_accents_numbers_and_plurals_into_sorted_words() -> None:
    assert normalise_question("What would YOU like to achieve in the next THREE years??") == "3 achieve next year"
    assert normalise_question("How are Óbuda's activities going?") == "activity going obuda"


# Pairs from the coalition's panel topics and typical audience questions. A miss on a duplicate costs an
# upvote; a false alarm costs the member a click ("Post mine anyway"), so the threshold leans to precision.
SAME_QUESTION = [
    (
        "How is industry involved in the activities of your platform?",
        "In what ways does industry get involved in your platform's activities?",
    ),
    ("What are the most urgent challenges?", "What are your most urgent challenges right now?"),
    ("What would you like to achieve in the next three years?", "What do you want to achieve in the next 3 years?"),
    ("How do you measure the impact of your programmes?", "How do you measure impact of the programmes?"),
    ("HOW DO YOU FUND LUMA???", "how do you fund luma"),
    ("How do you get girls interested in engineering?", "How do you get more girls interested in engineering careers?"),
    ("Is the coalition open to new member countries?", "Can new countries join the coalition?"),
]
DIFFERENT_QUESTIONS = [
    ("How is industry involved in LUMA?", "How is industry involved in Astra?"),
    ("What are the most urgent challenges?", "What are the most urgent challenges for teachers in rural Norway?"),
    ("How do you fund LUMA?", "How do you evaluate LUMA?"),
    ("What is the budget of Astra?", "What is the budget of NCSR?"),
    ("How do you measure the impact of your programmes?", "How do you recruit role models for your programmes?"),
    ("What would you like to achieve in the next three years?", "What did you achieve in the last three years?"),
    ("How many teachers attend Big Bang?", "How many pupils attend Big Bang?"),
    ("What is it?", "Who is it?"),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), SAME_QUESTION)
def test_are_similar_same_question_in_other_words_matches(first: str, second: str) -> None:
    assert are_similar(normalise_question(first), normalise_question(second))


@pytest.mark.parametrize(("first", "second"), DIFFERENT_QUESTIONS)
def test_are_similar_different_questions_do_not_match(first: str, second: str) -> None:
    assert not are_similar(normalise_question(first), normalise_question(second))
