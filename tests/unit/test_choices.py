"""Autocomplete answers stay within Discord's limits, whatever the data holds."""

from __future__ import annotations

from cogs._choices import MAX_CHOICE_LENGTH, MAX_CHOICES, choices


def test_at_most_25_choices_in_the_given_order() -> None:
    answered = choices([(f"Panel {n}", n) for n in range(40)])
    assert [choice.value for choice in answered] == list(range(MAX_CHOICES))


def test_long_labels_and_string_values_are_trimmed_numbers_kept() -> None:
    label = "A practice title that goes on " * 10
    [text_choice] = choices([(label, "s" * 150)])
    assert len(text_choice.name) <= MAX_CHOICE_LENGTH and text_choice.name.endswith("…")
    assert text_choice.value == "s" * MAX_CHOICE_LENGTH
    [number_choice] = choices([(label, 123456789012345678)])
    assert number_choice.value == 123456789012345678
