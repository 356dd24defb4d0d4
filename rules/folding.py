"""Text folding for matching: case and accents ignored, words split the same way everywhere."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
# Words so common that matching them alone says nothing; dropped unless the query has nothing else.
STOPWORDS = frozenset(
    (
        "a an and are as at be by can do does for from has have how i in is it its "
        "of on or our that the their this to was we what when where which who why will with you your"
    ).split()
)


def fold(value: str) -> str:
    """Casefold and strip accents, so "Óbuda" and "obuda" compare equal."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
