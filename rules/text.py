"""What member text the bot can store and show: no NUL or other control characters, no lone surrogates.

PostgreSQL refuses NUL in text, and a lone surrogate (which JSON can carry as `\\ud800`) cannot be encoded
as UTF-8 for either database: both would fail deep in a commit as an unexpected error.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from rules.errors import InvalidInputError

# C0 controls but tab and line breaks, DEL, C1 controls; lone surrogates.
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Largest value of an Integer column (ids, question numbers): 32-bit on PostgreSQL, which refuses more.
LARGEST_ID = 2**31 - 1
# Largest Discord snowflake a BigInteger column holds.
LARGEST_SNOWFLAKE = 2**63 - 1
# Latest Unix time a button may carry (2200-01-01): later ones are forged, and overflow datetime.
LATEST_TIMESTAMP = 7_258_118_400


def check_storable(value: str, *, what: str) -> str:
    """Return the text unchanged, or refuse it naming the field and what to do."""
    found = UNSTORABLE.search(value)
    if found is not None:
        raise InvalidInputError(
            "“{what}” contains a character I can't store (U+{code}, an invisible control or broken character). "
            "Remove it (retyping the text usually does) and try again.",
            what=what,
            code=f"{ord(found.group()):04X}",
        )
    return value


def record_id(value: str, *, what: str, largest: int = LARGEST_ID) -> int:
    """Read a database id (what autocomplete and buttons carry): plain digits, within the column's range."""
    if not value.isascii() or not value.isdigit() or len(value) > 19 or not 1 <= int(value) <= largest:
        raise InvalidInputError(
            "No {what} has the id “{value}”. Pick one from the list as you type.", what=what, value=value[:30]
        )
    return int(value)


def web_address(value: str, *, longest: int) -> str | None:
    """A full http(s) address as typed, or None when nothing was typed; refuse anything else."""
    url = value.strip()
    if not url:
        return None
    try:
        parsed = urlparse(url)
    except ValueError:  # "http://[abc": a broken IPv6 host; "https://℀.com": a host that changes under NFKC
        parsed = None
    if (
        parsed is None
        or parsed.scheme not in ("http", "https")
        or not parsed.netloc
        or any(char.isspace() for char in url)
        or len(url) > longest
    ):
        raise InvalidInputError(
            "The link must be a full web address of at most {longest} characters starting with https:// "
            "(or http://), e.g. https://www.stemcoalition.eu.",
            longest=longest,
        )
    return url


def is_record_number(value: int) -> bool:
    """Whether a number typed in an integer option can be an id or a question number at all."""
    return 1 <= value <= LARGEST_ID
