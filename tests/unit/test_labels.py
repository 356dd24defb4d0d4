"""Panel labels: topics and panelists, found however a member types them."""

from __future__ import annotations

import pytest

from rules.errors import InvalidInputError
from rules.labels import MAX_LABELS, panel_labels, resolve_label

LABELS = panel_labels(["Industry involvement", "Urgent challenges"], ["Jan Lundell", "Morten Sørli"])


def test_panel_labels_topics_then_panelists_each_once_at_most_twenty() -> None:
    assert LABELS == ["Industry involvement", "Urgent challenges", "Jan Lundell", "Morten Sørli"]
    assert panel_labels(["Astra", "astra"], ["ASTRA"]) == ["Astra"]
    assert len(panel_labels([f"Topic {n}" for n in range(15)], [f"Person {n}" for n in range(10)])) == MAX_LABELS


@pytest.mark.parametrize(
    ("typed", "label"),
    [("urgent challenges", "Urgent challenges"), ("sorli", "Morten Sørli"), ("industry", "Industry involvement")],
)
def test_resolve_label_by_full_or_unique_partial_name(typed: str, label: str) -> None:
    assert resolve_label(typed, LABELS) == label


def test_resolve_label_unknown_or_ambiguous_lists_the_labels() -> None:
    with pytest.raises(InvalidInputError, match="Pick one of: Industry involvement, Urgent challenges"):
        resolve_label("funding", LABELS)
    with pytest.raises(InvalidInputError, match="not a label"):
        resolve_label("n", LABELS)
