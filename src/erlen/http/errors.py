"""Errors raised by the I/O-free HTTP layer.

:mod:`erlen.http` never raises :class:`erlen.exceptions.HTTPException`: a parser
that meets input it cannot accept raises a subclass of :class:`HTTPParseError`
(itself a :class:`ValueError`) carrying a ``status_hint``. The wrappers layer
turns the hint into the matching HTTP exception, in one place.
"""

from __future__ import annotations


def shorten(value: object, limit: int = 100) -> str:
    """Return ``repr(value)`` cut to about ``limit`` characters for messages."""
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


class HTTPParseError(ValueError):
    """Input that an HTTP parser refuses.

    :param message: what was wrong, naming the offending value.
    :param status_hint: the HTTP status a server should answer with.
    """

    status_hint: int = 400

    def __init__(self, message: str, status_hint: int | None = None) -> None:
        super().__init__(message)
        if status_hint is not None:
            self.status_hint = status_hint


class MalformedError(HTTPParseError):
    """Syntax the parser cannot make sense of (400)."""


class LimitExceededError(HTTPParseError):
    """Input larger than a configured limit (413 unless told otherwise)."""

    status_hint = 413


class HeaderTooLargeError(LimitExceededError):
    """A header, or the set of headers, is over its limit (431)."""

    status_hint = 431


class RangeNotSatisfiableError(HTTPParseError):
    """A byte range that cannot be served for the resource (416)."""

    status_hint = 416
