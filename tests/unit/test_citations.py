"""Cards cite seed documents by the titles members recognise, with a link when sources.yaml has one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import discord

from cogs.knowledge._embeds import _cite_links, cite, find_results, practice_result_pages
from db.knowledge import PracticeListing
from db.search import PanelSource, SearchHit
from db.shipped import DATA_DIR, SourceDocument, check_shipped_data, source_documents


def test_cite_uses_titles_and_never_file_names() -> None:
    documents = {"001_x.txt": SourceDocument("Taskforce meeting report: Norway, March 2023")}
    text = cite(["001_x.txt", "999_unknown.txt", "001_x.txt"], documents)
    assert text == "Source: Taskforce meeting report: Norway, March 2023; a coalition document"
    assert ".txt" not in text


def test_cite_member_submission_says_so() -> None:
    assert cite([], {}) == "Source: submitted by a member"


def test_sources_with_a_url_become_a_link_field() -> None:
    documents = {"a.txt": SourceDocument("About", "https://example.org/about"), "b.txt": SourceDocument("Slides")}
    embed = discord.Embed()
    _cite_links(embed, ["a.txt", "b.txt"], documents)
    assert [(f.name, f.value) for f in embed.fields] == [("Read the source", "[About](https://example.org/about)")]


def test_shipped_sources_all_have_titles() -> None:
    documents = source_documents(DATA_DIR)
    assert documents and all(doc.title and not doc.title.endswith(".txt") for doc in documents.values())


def test_sources_yaml_accepts_title_and_url_mappings(tmp_path: Path) -> None:
    for name in ("platforms.yaml", "practices.yaml"):
        (tmp_path / name).write_text((DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (DATA_DIR / "sources.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '004_14d094faee740765.txt: "EU STEM Coalition: About (who we are, how we work)"',
        '004_14d094faee740765.txt: {title: "About", url: "https://example.org/about"}',
    )
    (tmp_path / "sources.yaml").write_text(text, encoding="utf-8")
    assert check_shipped_data(tmp_path) == []
    assert source_documents(tmp_path)["004_14d094faee740765.txt"] == SourceDocument(
        "About", "https://example.org/about"
    )


def test_panel_answer_in_find_cites_its_panel_and_day_and_stays_inert() -> None:
    hit = SearchHit(
        "answer",
        7,
        "@everyone how do **you** fund it?",
        "Through the **ministry** and @here.",
        1.0,
        PanelSource("Funding STEM", date(2026, 3, 5)),
    )
    [field] = find_results([hit], query="funding").fields
    assert field.name == "💬 Q&A: @\u200beveryone how do \\*\\*you\\*\\* fund it?"
    assert field.value is not None and field.value.endswith("*Answered at the panel “Funding STEM”, 5 March 2026*")
    assert field.value.startswith("Through the \\*\\*ministry\\*\\* and @\u200bhere.")


def test_practice_pages_count_what_was_found_in_words_never_result_s() -> None:
    def listing(number: int) -> PracticeListing:
        return PracticeListing(number, f"p{number}", f"Practice {number}", "What it does.", "FI", [], "shipped", [])

    one = practice_result_pages([listing(1)], query="mentors", filters="")
    many = practice_result_pages([listing(n) for n in range(1, 13)], query="mentors", filters="")
    assert one[0].footer.text == "1 practice, best first — open one with /practice show"
    assert [page.footer.text for page in many] == ["12 practices, best first — open one with /practice show"] * 2
