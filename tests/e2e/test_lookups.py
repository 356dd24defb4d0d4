"""Every lookup command, checked by what a member sees in Discord: cards, lists, pages, suggestions."""

from __future__ import annotations

import re

import pytest

from .driver import Driver, Message

pytestmark = pytest.mark.timeout(60)


def number(pattern: str, text: str) -> int:
    """The number captured by ``pattern`` in ``text`` (e.g. the count in a title)."""
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in {text!r}"
    return int(match[1])


def fields(message: Message, page: int = 0) -> list[str]:
    return [f["name"] for f in message.embeds[page].get("fields") or []]


def position(message: Message) -> tuple[int, int]:
    """The "2 / 4" label between the page buttons."""
    labels = [b.get("label") or "" for b in message.buttons]
    found = [re.fullmatch(r"(\d+) / (\d+)", label) for label in labels]
    match = next((m for m in found if m), None)
    assert match, f"no page position among the buttons {labels}"
    return int(match[1]), int(match[2])


def button_id(message: Message, label_start: str) -> str:
    for button in message.buttons:
        if (button.get("label") or "").startswith(label_start) or label_start in (button.get("label") or ""):
            return button["custom_id"]
    raise AssertionError(f"no button labelled like {label_start!r}: {[b.get('label') for b in message.buttons]}")


# --------------------------------------------------------------------------------------------- /platform


async def test_platform_show_is_a_public_card_with_full_text_button(driver: Driver) -> None:
    result = await driver.slash("platform show", name="LUMA", user=driver.alice)
    card = result.message
    assert result.callback_type == 4 and not card.ephemeral
    assert len(card.embeds) == 1
    assert card.embed["title"].startswith("LUMA Centre Finland")
    assert "Finland" in card.field("Where")
    assert card.embed["description"]
    assert card.embed["footer"]["text"].startswith("Source:")
    assert not card.pinged and card.allowed_mentions == {"parse": []}

    # Anyone reading the card can open the untrimmed text, shown only to them.
    full = await driver.click(card, button_id(card, "Show full text"), user=driver.bob)
    assert full.callback_type == 4 and full.ephemeral
    assert full.message.embeds[0]["title"] == "LUMA Centre Finland"
    assert len(full.message.text) >= len(card.embed["description"])
    assert card.edits == 0, "the public card must not change when someone opens the full text"
    driver.assert_clean()


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("teknikcolege", "Teknikcollege"),  # typo
        ("Platform Beta Techniek", "Platform Bèta Techniek"),  # accent left out
        ("astrra", "Astra"),  # doubled letter
        ("VLAIO", "Flanders Innovation & Entrepreneurship"),  # acronym
        ("Agentschap Innoveren en Ondernemen", "Flanders Innovation & Entrepreneurship"),  # alias
    ],
)
async def test_platform_show_finds_names_despite_typos_accents_acronyms_aliases(
    driver: Driver, typed: str, title: str
) -> None:
    result = await driver.slash("platform show", name=typed)
    assert not result.ephemeral, f"{typed!r} got {result.message.text!r}"
    assert result.message.embed["title"].startswith(title)
    driver.assert_clean()


async def test_platform_show_by_country_names_the_other_platforms_there(driver: Driver) -> None:
    result = await driver.slash("platform show", name="Norway")
    card = result.message
    assert not card.ephemeral
    assert "Norway" in card.field("Where")
    others = card.field("Also in Norway")
    assert others and card.embed["title"].split(" (")[0] not in others


async def test_platform_show_unknown_name_suggests_up_to_three(driver: Driver) -> None:
    every = [c["name"].rsplit(" (", 1)[0] for c in await driver.autocomplete("platform show", "name", "")]
    assert len(every) >= 10

    result = await driver.slash("platform show", name="Technology education")
    assert result.callback_type == 4 and result.ephemeral
    text = result.message.content
    assert "Did you mean" in text, text
    suggested = text.split("Did you mean", 1)[1]
    named = [name for name in every if name in suggested]
    assert 1 <= len(named) <= 3, f"suggestions {named} in {text!r}"
    assert not result.message.embeds

    nothing = await driver.slash("platform show", name="zzqx")
    assert nothing.ephemeral
    assert "No platform matches" in nothing.message.content and "/platform list" in nothing.message.content
    driver.assert_clean()


async def test_platform_name_autocomplete_offers_the_platform_despite_a_typo(driver: Driver) -> None:
    choices = await driver.autocomplete("platform show", "name", "teknikolege")
    assert 1 <= len(choices) <= 25
    assert choices[0]["name"].startswith("Teknikcollege"), choices[:3]
    assert all(len(c["name"]) <= 100 for c in choices)

    # Picking the choice sends its value; the bot must understand its own value.
    result = await driver.slash("platform show", name=choices[0]["value"])
    assert result.message.embed["title"].startswith("Teknikcollege")

    by_acronym = await driver.autocomplete("platform show", "name", "VLAIO")
    assert by_acronym[0]["name"].startswith("Flanders Innovation & Entrepreneurship")
    driver.assert_clean()


async def test_platform_list_pages_through_every_platform(driver: Driver) -> None:
    result = await driver.slash("platform list", user=driver.alice)
    listing = result.message
    assert not listing.ephemeral
    total = number(r"\((\d+)\)", listing.embed["title"])
    current, pages = position(listing)
    assert (current, pages) == (1, -(-total // len(fields(listing))))
    assert pages > 1
    previous_id, next_id = button_id(listing, "◀"), button_id(listing, "Next")
    assert listing.button(custom_id=previous_id).get("disabled") is True

    seen = fields(listing)
    for page in range(2, pages + 1):
        flipped = await driver.click(listing, button_id(listing, "Next"), user=driver.alice)
        assert flipped.callback_type == 7, "a page flip edits the list in place"
        assert position(listing) == (page, pages)
        seen += fields(listing)
    next_id, previous_id = button_id(listing, "Next"), button_id(listing, "◀")
    assert listing.button(custom_id=next_id).get("disabled") is True
    assert len(seen) == total and len(set(seen)) == total, "every platform exactly once across the pages"

    # Someone else cannot flip this member's pages; they are told so, privately.
    refused = await driver.click(listing, previous_id, user=driver.bob)
    assert refused.ephemeral and "someone else" in refused.message.content
    assert position(listing) == (pages, pages)
    driver.assert_clean()


async def test_platform_list_for_one_country(driver: Driver) -> None:
    choices = await driver.autocomplete("platform list", "country", "nor")
    assert [c["value"] for c in choices] == ["Norway"]
    result = await driver.slash("platform list", country=choices[0]["value"])
    listing = result.message
    count = number(r"\((\d+)\)", listing.embed["title"])
    assert "Norway" in listing.embed["title"]
    assert count == len(fields(listing)) >= 2
    assert all(name.endswith("Norway") for name in fields(listing))
    assert not listing.buttons, "one page needs no page buttons"
    driver.assert_clean()


# --------------------------------------------------------------------------------------------- /practice


async def test_practice_search_ranks_and_paginates(driver: Driver) -> None:
    result = await driver.slash("practice search", query="teacher training")
    page = result.message
    assert not page.ephemeral
    assert "teacher training" in page.embed["title"]
    names = fields(page)
    assert names and all(name.startswith(f"{rank}. ") for rank, name in enumerate(names, start=1))
    total = number(r"(\d+) practices?,", page.embed["footer"]["text"])
    assert total >= len(names)
    if total > len(names):
        flipped = await driver.click(page, button_id(page, "Next"), user=driver.alice)
        assert flipped.callback_type == 7
        assert fields(page)[0].startswith(f"{len(names) + 1}. "), "ranks continue on the next page"
    driver.assert_clean()


async def test_practice_search_filters_by_topic_and_country(driver: Driver) -> None:
    topics = await driver.autocomplete("practice search", "topic", "teach", query="x")
    assert [c["value"] for c in topics] == ["teacher training"]

    everything = await driver.slash("practice search", query="strategy")
    in_finland = await driver.slash("practice search", query="strategy", country="Finland")
    filtered = in_finland.message
    assert "Finland" in filtered.embed["title"]
    total_all = number(r"(\d+) practices?,", everything.message.embed["footer"]["text"])
    total_fi = number(r"(\d+) practices?,", filtered.embed["footer"]["text"])
    assert 1 <= total_fi < total_all

    on_topic = await driver.slash("practice search", query="teachers", topic="teacher training")
    assert "teacher training" in on_topic.message.embed["title"]
    driver.assert_clean()


async def test_practice_search_explains_empty_results_and_bad_topics(driver: Driver) -> None:
    nothing = await driver.slash("practice search", query="zzqqxx")
    assert nothing.ephemeral and "No practice matches" in nothing.message.content

    bad_topic = await driver.slash("practice search", query="robots", topic="underwater basket weaving")
    assert bad_topic.ephemeral
    assert "not a topic" in bad_topic.message.content and "teacher training" in bad_topic.message.content
    driver.assert_clean()


async def test_practice_show_from_autocomplete_and_by_pasted_title(driver: Driver) -> None:
    choices = await driver.autocomplete("practice show", "title", "LUMA strategy")
    assert choices and all("LUMA" in c["name"] for c in choices[:2])
    result = await driver.slash("practice show", title=choices[0]["value"])
    card = result.message
    assert not card.ephemeral
    assert card.embed["title"] == choices[0]["name"]
    assert "LUMA Centre Finland" in card.field("Platforms")
    assert card.field("Country") == "Finland"
    assert card.embed["footer"]["text"].startswith("Source:")
    button_id(card, "Show full text")

    pasted = await driver.slash("practice show", title="LUMA strategy: teachers are the key")
    assert pasted.message.embed["title"] == "LUMA strategy: teachers are the key"

    unknown = await driver.slash("practice show", title="zzqqxx")
    assert unknown.ephemeral and "No practice matches" in unknown.message.content
    driver.assert_clean()


async def test_practice_show_with_an_unrelated_title_shows_no_card(driver: Driver) -> None:
    result = await driver.slash("practice show", title="how to bake bread")
    assert result.ephemeral and "No practice matches" in result.message.content, result.message.text[:200]


# ------------------------------------------------------------------------------------------------- /find


async def test_find_labels_platforms_and_practices(driver: Driver) -> None:
    result = await driver.slash("find", query="Norway")
    hits = result.message
    assert not hits.ephemeral
    assert "Norway" in hits.embed["title"]
    labels = fields(hits)
    assert any("Platform:" in label for label in labels) and any("Practice:" in label for label in labels)
    assert all(re.search(r"(Platform|Practice|Event):", label) for label in labels), labels

    nothing = await driver.slash("find", query="qqzzx")
    assert nothing.ephemeral and "Nothing matches" in nothing.message.content
    driver.assert_clean()


async def test_about_tells_how_the_coalition_works(driver: Driver) -> None:
    result = await driver.slash("about", user=driver.alice)
    assert not result.ephemeral
    text = result.message.text
    assert "General Assemblies" in text and "two days" in text and "Taskforces" in text
    assert "About (who we are, how we work)" in result.message.embed["footer"]["text"]
    driver.assert_clean()


async def test_find_miss_offers_suggest_a_practice_and_is_counted(driver: Driver) -> None:
    missed = await driver.slash("find", query="Quokka husbandry curriculum", user=driver.alice)
    suggest = missed.message.button("Suggest a practice")
    opened = await driver.click(missed.message, suggest["custom_id"], user=driver.bob)
    assert opened.modal is not None, "the submission form opens"
    gaps = await driver.slash("knowledge gaps", user=driver.moderator)
    assert gaps.ephemeral and "quokka husbandry curriculum" in gaps.message.text
    driver.assert_clean()
