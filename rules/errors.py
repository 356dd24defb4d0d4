"""Domain errors: raised by services, carrying a message that is safe to show the member who caused it."""

from rules.i18n import translate

QUOTE_LIMIT = 80


class DomainError(Exception):
    """A request that cannot be done as asked; `user_message` explains why, politely.

    The message is English with `{name}` placeholders filled from `params`, so each member can be told in
    their own language (`message_in`); params are the member's own words or numbers and are never translated.
    """

    def __init__(self, user_message: str, /, **params: object) -> None:
        self.template = user_message
        self.params = params
        self.user_message = user_message.format(**params) if params else user_message
        super().__init__(self.user_message)

    def message_in(self, locale: str | None) -> str:
        """The message in the locale's language, English when it has no translation."""
        return translate(locale, self.template, **self.params)


class NotFoundError(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class InvalidInputError(DomainError):
    """The input is malformed or out of range; nothing was changed."""


class ConflictError(DomainError):
    """The request clashes with the current state (already done, already open, closed...)."""


class LimitError(DomainError):
    """A rate or size limit was reached; nothing was stored."""


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A member's input on one line and cut short, to quote back in an error message."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
