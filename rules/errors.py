"""Domain errors: raised by services, carrying a message that is safe to show the member who caused it."""


class DomainError(Exception):
    """A request that cannot be done as asked; `user_message` explains why, politely."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class NotFoundError(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class InvalidInputError(DomainError):
    """The input is malformed or out of range; nothing was changed."""


class ConflictError(DomainError):
    """The request clashes with the current state (already done, already open, closed...)."""


class LimitError(DomainError):
    """A rate or size limit was reached; nothing was stored."""
