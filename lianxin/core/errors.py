class DomainError(Exception):
    """A rule of the domain was broken; the message is shown to the user as is (Chinese source text)."""

    def __init__(self, message: str, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
