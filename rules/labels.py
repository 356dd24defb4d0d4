"""Panel labels: a panel's topics and panelists, which questions carry and lists are filtered by. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from rules.errors import InvalidInputError, quoted
from rules.folding import fold

MAX_LABELS = 20
# Letters NFKD does not take apart: "sorli" finds "Sørli".
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ß": "ss"})


def _folded(text: str) -> str:
    return fold(text).translate(_LETTERS)


def panel_labels(topics: Iterable[str], panelists: Iterable[str]) -> list[str]:
    """A panel's labels: its topics, then its panelists' names, each once, at most twenty."""
    labels: dict[str, str] = {}
    for label in (*topics, *panelists):
        labels.setdefault(_folded(label), label)
    return list(labels.values())[:MAX_LABELS]


def resolve_label(wanted: str, labels: list[str]) -> str:
    """The panel label a member meant: typed in full (any case or accents) or a part only one label has."""
    folded = _folded(wanted.strip())
    exact = [label for label in labels if _folded(label) == folded]
    if exact:
        return exact[0]
    partial = [label for label in labels if folded and folded in _folded(label)]
    if len(partial) == 1:
        return partial[0]
    if not labels:
        raise InvalidInputError("This panel has no labels: it was opened without topics or panelists.")
    raise InvalidInputError(
        "“{wanted}” is not a label of this panel. Pick one of: {labels}.",
        wanted=quoted(wanted, 60),
        labels=", ".join(labels),
    )
