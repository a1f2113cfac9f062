"""``IfRange``, ``Range`` and ``ContentRange``: the range request headers."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from datetime import datetime

from ..http.dates import http_date
from ..http.etags import quote_etag
from ..http.ranges import dump_content_range
from ..http.ranges import dump_range
from ..http.ranges import is_byte_range_valid


class IfRange:
    """The ``If-Range`` header: an entity tag or a date (or neither).

    :param etag: the unquoted entity tag.
    :param date: the date.
    """

    def __init__(self, etag: str | None = None, date: datetime | None = None) -> None:
        self.etag = etag
        self.date = date

    def to_header(self) -> str:
        """Serialise as a header value; empty when neither part is set."""
        if self.date is not None:
            return http_date(self.date)
        if self.etag is not None:
            return quote_etag(self.etag)
        return ""

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


class Range:
    """The ``Range`` header: a unit and half-open ``(begin, end)`` ranges.

    ``end`` is exclusive and ``None`` for an open range; a negative ``begin``
    with ``end=None`` is a suffix range (the last ``-begin`` bytes).

    :param units: the range unit, usually ``"bytes"``.
    :param ranges: the ranges.
    :raises ValueError: for a range that can never be valid.
    """

    def __init__(self, units: str, ranges: cabc.Sequence[tuple[int, int | None]]):
        self.units = units
        self.ranges = ranges
        for start, end in ranges:
            # A caller may pass None despite the annotation; refuse it too.
            begin: object = start
            if not isinstance(begin, int) or not (end is None or 0 <= begin < end):
                raise ValueError(f"{(start, end)} is not a valid range.")

    def range_for_length(self, length: int | None) -> tuple[int, int] | None:
        """Return ``(start, stop)`` for a resource of ``length`` bytes.

        Only a single byte range can be served this way; ``None`` otherwise or
        when the range does not fit.
        """
        if self.units != "bytes" or length is None or len(self.ranges) != 1:
            return None
        start, end = self.ranges[0]
        if end is None:
            end = length
            if start < 0:
                # COMPAT: Werkzeug refuses a suffix longer than the resource.
                start += length
        if is_byte_range_valid(start, end, length):
            return start, min(end, length)
        return None

    def make_content_range(self, length: int | None) -> ContentRange | None:
        """Return the :class:`ContentRange` answering this range, or ``None``."""
        bounds = self.range_for_length(length)
        if bounds is None:
            return None
        return ContentRange(self.units, bounds[0], bounds[1], length)

    def to_header(self) -> str:
        """Serialise as a ``Range`` header value."""
        return dump_range(self.units, self.ranges)

    def to_content_range_header(self, length: int | None) -> str | None:
        """Return the ``Content-Range`` value for ``length``, or ``None``."""
        bounds = self.range_for_length(length)
        if bounds is None:
            return None
        return dump_content_range(self.units, bounds[0], bounds[1], length)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"


_T = t.TypeVar("_T")


class _Field(t.Generic[_T]):
    """An attribute that calls the owner's ``on_update`` when assigned."""

    def __set_name__(self, owner: type[t.Any], name: str) -> None:
        self.slot = f"_{name}"

    @t.overload
    def __get__(self, instance: None, owner: type[t.Any]) -> _Field[_T]: ...
    @t.overload
    def __get__(self, instance: ContentRange, owner: type[t.Any]) -> _T: ...
    def __get__(
        self, instance: ContentRange | None, owner: type[t.Any]
    ) -> _T | _Field[_T]:
        if instance is None:
            return self
        value: _T = getattr(instance, self.slot)
        return value

    def __set__(self, instance: ContentRange, value: _T) -> None:
        setattr(instance, self.slot, value)
        if instance.on_update is not None:
            instance.on_update(instance)


class ContentRange:
    """The ``Content-Range`` header; assigning a part calls ``on_update``.

    :param units: the unit, or ``None`` for no header.
    :param start: the first byte, ``None`` for the ``*`` form.
    :param stop: one past the last byte.
    :param length: the complete length, ``None`` when unknown.
    :param on_update: called with the object after each change (also once
        here, as in Werkzeug).
    """

    units: _Field[str | None] = _Field()
    start: _Field[int | None] = _Field()
    stop: _Field[int | None] = _Field()
    length: _Field[int | None] = _Field()

    def __init__(
        self,
        units: str | None,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        on_update: cabc.Callable[[ContentRange], None] | None = None,
    ) -> None:
        self.on_update = on_update
        self.set(start, stop, length, units)

    def set(
        self,
        start: int | None,
        stop: int | None,
        length: int | None = None,
        units: str | None = "bytes",
    ) -> None:
        """Replace every part at once.

        .. note::
            Werkzeug raises :class:`AssertionError` for an invalid range;
            erlen raises :class:`ValueError`, which ``python -O`` keeps.

        :raises ValueError: when the range is not valid.
        """
        if not is_byte_range_valid(start, stop, length):
            raise ValueError(f"Bad range provided: {(start, stop, length)!r}")
        self._units = units
        self._start = start
        self._stop = stop
        self._length = length
        if self.on_update is not None:
            self.on_update(self)

    def unset(self) -> None:
        """Clear the header: :meth:`to_header` gives ``""`` afterwards."""
        self.set(None, None, units=None)

    def to_header(self) -> str:
        """Serialise as a header value; empty when there are no units."""
        if self._units is None:
            return ""
        return dump_content_range(self._units, self._start, self._stop, self._length)

    def __bool__(self) -> bool:
        return self._units is not None

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"
