"""The one family of errors a user can cause: each carries a translatable message.

Services raise them with a lazy_gettext message, so the text is rendered in the
language of whoever reads it (a web user, the API, or the CLI in Indonesian).
"""


class DomainError(Exception):
    """A business rule refused the operation; nothing was written."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


class NotFound(DomainError):
    """The thing asked for does not exist within what the caller may see."""


class InvalidField(DomainError):
    """A rule about one input refused the operation; .field names that input (a form field
    or an import column), so the message can be shown next to what the person typed."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
