"""Domain errors. Adapters map them to their world in one place (HTTP codes in api/errors.py)."""


class SnapModeError(Exception):
    """Base of every error SnapMode raises on purpose."""


class BadImage(SnapModeError):
    """The bytes are not an image we accept (not an image, corrupt, too big, too small)."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


class NotFound(SnapModeError):
    pass


class BackendUnavailable(SnapModeError):
    """A storage or queue backend cannot be reached; the request may be retried later."""


class InvalidRequest(SnapModeError):
    pass


class ImageURLRefused(SnapModeError):
    """A photo URL that is malformed, points into a private network, or cannot be fetched.

    Its message is shown to the shopper as it is: plain words, never resolver output or addresses."""
