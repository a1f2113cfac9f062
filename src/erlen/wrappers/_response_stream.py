"""``Response.stream``: a write-only file object appending to the response body."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

if t.TYPE_CHECKING:
    from .response import Response


class ResponseStream:
    """Write to a response's body as to a binary file (``response.stream``).

    Writing turns a streamed body into a list first, appends the bytes, and
    drops ``Content-Length``, which no longer matches, as Werkzeug's
    ``ResponseStream`` does.

    :param response: the response whose body receives the writes.
    """

    mode = "wb+"

    def __init__(self, response: Response) -> None:
        self.response = response
        self.closed = False

    def write(self, value: bytes) -> int:
        """Append ``value`` to the body; return its length."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        self.response._ensure_sequence(mutable=True)
        t.cast("list[bytes]", self.response.response).append(value)
        self.response.headers.pop("Content-Length", None)
        return len(value)

    def writelines(self, seq: cabc.Iterable[bytes]) -> None:
        """Write every item of ``seq``."""
        for item in seq:
            self.write(item)

    def close(self) -> None:
        """Refuse further writes."""
        self.closed = True

    def flush(self) -> None:
        """Nothing to flush; refused once closed, like a file."""
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def isatty(self) -> bool:
        """A response body is not a terminal."""
        if self.closed:
            raise ValueError("I/O operation on closed file")
        return False

    def tell(self) -> int:
        """The number of bytes in the body so far."""
        self.response._ensure_sequence()
        return sum(map(len, self.response.iter_encoded()))

    @property
    def encoding(self) -> str:
        """The text encoding of the body, always UTF-8."""
        return "utf-8"
