"""Renderers of questions and submissions whose member was forgotten: no `<@None>`, a plain word instead."""

from __future__ import annotations

from cogs.knowledge._embeds import review_card
from cogs.panels._embeds import asker
from db.models import Practice, Question


def test_asker_of_question_without_author_is_anonymous() -> None:
    assert asker(Question(author_id=None, anonymous=False)) == "anonymous"
    assert asker(Question(author_id=42, anonymous=False)) == "<@42>"


def test_review_card_of_forgotten_submitter_says_not_kept() -> None:
    practice = Practice(id=1, title="Rural STEM buses", summary="A lab on wheels.", submitted_by=None)
    card = review_card(practice, waiting=1)
    assert [field.value for field in card.fields if field.name == "Submitted by"] == ["not kept"]
