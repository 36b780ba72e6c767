"""Errors the domain raises: always about one named field, so every UI can say which."""


class ValidationError(ValueError):
    """A value the domain refuses. ``field`` names it; the message never echoes note text."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
