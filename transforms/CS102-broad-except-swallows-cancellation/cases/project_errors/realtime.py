from .base import ApiError, Interrupt


class RealtimeError(ApiError):
    """A connection failure; derives from RuntimeError through `ApiError`."""


class Hangup(Interrupt):
    """Derives from BaseException: a cancellation could be one for all a reader knows."""
