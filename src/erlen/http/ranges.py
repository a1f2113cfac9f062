"""Parse and dump the ``Range`` and ``Content-Range`` headers (RFC 9110 §14).

I/O-free: every function takes header text or plain values and returns plain
tuples, so :mod:`erlen.datastructures` can wrap them in
:class:`~erlen.datastructures.Range` and :class:`~erlen.datastructures.ContentRange`.

Byte positions are half-open here, as in Werkzeug: the header ``bytes=0-499`` is
``(0, 500)``, the suffix range ``bytes=-500`` is ``(-500, None)`` and the open
range ``bytes=500-`` is ``(500, None)``.
"""

from __future__ import annotations

import collections.abc as cabc

#: SECURITY: a ``Range`` header with more ranges than this is refused (``None``),
#: so a client cannot make the server build thousands of multipart parts.
MAX_RANGES = 100

# SECURITY: ``int()`` is quadratic in the number of digits; no real offset needs
# more than this many (2**63 has 19).
_MAX_DIGITS = 32

_OWS = " \t"


def _parse_int(value: str) -> int | None:
    """Parse ``-?DIGIT+`` (ASCII only, OWS around it), or return ``None``."""
    value = value.strip(_OWS)
    digits = value[1:] if value[:1] == "-" else value
    # COMPAT: Werkzeug accepts only ASCII digits, no "+", "_" or spaces inside.
    if not digits or len(digits) > _MAX_DIGITS or not digits.isascii():
        return None
    if not digits.isdigit():
        return None
    return int(value)


def is_byte_range_valid(
    start: int | None, stop: int | None, length: int | None
) -> bool:
    """Tell whether ``start``/``stop``/``length`` describe a valid byte range.

    ``stop`` is exclusive. ``start`` and ``stop`` must both be set or both be
    ``None`` (the ``*`` form, which needs a non-negative or unknown length).

    :param start: first byte position.
    :param stop: one past the last byte position.
    :param length: the complete length, or ``None`` when unknown.
    """
    if start is None or stop is None:
        return start is None and stop is None and (length is None or length >= 0)
    if length is None:
        return 0 <= start < stop
    if start >= stop:
        return False
    return 0 <= start < length


def parse_range_header(
    value: str | None, make_inclusive: bool = True
) -> tuple[str, list[tuple[int, int | None]]] | None:
    """Parse a ``Range`` header into ``(units, ranges)``, or ``None`` if invalid.

    >>> parse_range_header("bytes=0-499, 1000-")
    ('bytes', [(0, 500), (1000, None)])
    >>> parse_range_header("bytes=-500")
    ('bytes', [(-500, None)])

    Ranges must be ascending and must not overlap; a suffix range may only come
    last. Anything else, and more than :data:`MAX_RANGES` ranges, gives ``None``.

    :param value: the header value.
    :param make_inclusive: ignored, kept for Werkzeug's signature (its ranges
        are always converted to an exclusive end).
    """
    # RFC 9110 §14.1.1: ranges-specifier = range-unit "=" range-set
    if not value or "=" not in value:
        return None
    units, _, range_set = value.partition("=")
    # RFC 9110 §5.6.3: OWS = *( SP / HTAB )
    units = units.strip(_OWS).lower()
    items = range_set.split(",", MAX_RANGES)
    if len(items) > MAX_RANGES:
        return None
    ranges: list[tuple[int, int | None]] = []
    last_end = 0
    for raw_item in items:
        item = raw_item.strip(_OWS)
        first, dash, second = item.partition("-")
        if not dash:
            return None
        if not first:
            # RFC 9110 §14.1.1: suffix-range = "-" suffix-length
            suffix = _parse_int(item)
            # RFC 9110 §14.1.1: a zero suffix-length selects nothing.
            if suffix is None or suffix == 0 or last_end < 0:
                return None
            ranges.append((suffix, None))
            last_end = -1
            continue
        # RFC 9110 §14.1.1: int-range = first-pos "-" [ last-pos ]
        begin = _parse_int(first)
        if begin is None or last_end < 0 or begin < last_end:
            return None
        end: int | None = None
        if second.strip(_OWS):
            last = _parse_int(second)
            if last is None or begin > last:
                return None
            end = last + 1
        ranges.append((begin, end))
        last_end = -1 if end is None else end
    return units, ranges


def parse_content_range_header(
    value: str | None,
) -> tuple[str, int | None, int | None, int | None] | None:
    """Parse a ``Content-Range`` header into ``(units, start, stop, length)``.

    >>> parse_content_range_header("bytes 0-499/1234")
    ('bytes', 0, 500, 1234)
    >>> parse_content_range_header("bytes */1234")
    ('bytes', None, None, 1234)

    ``stop`` is exclusive and ``length`` is ``None`` for ``*``. Invalid or
    inconsistent values give ``None``.

    :param value: the header value.
    """
    # RFC 9110 §14.4: Content-Range = range-unit SP ( range-resp / unsatisfied-range )
    if not value:
        return None
    units, _, range_def = value.strip(_OWS).partition(" ")
    range_part, slash, length_part = range_def.partition("/")
    if not slash:
        return None
    length: int | None = None
    if length_part != "*":
        length = _parse_int(length_part)
        if length is None:
            return None
    if range_part == "*":
        if not is_byte_range_valid(None, None, length):
            return None
        return units, None, None, length
    first, dash, last = range_part.partition("-")
    start = _parse_int(first)
    stop = _parse_int(last) if dash else None
    if start is None or stop is None:
        return None
    stop += 1
    if not is_byte_range_valid(start, stop, length):
        return None
    return units, start, stop, length


def dump_range(units: str, ranges: cabc.Iterable[tuple[int, int | None]]) -> str:
    """Serialise ``(units, ranges)`` as a ``Range`` header value.

    >>> dump_range("bytes", [(0, 500), (-100, None)])
    'bytes=0-499,-100'

    :param units: the range unit, usually ``"bytes"``.
    :param ranges: half-open ``(begin, end)`` pairs as :func:`parse_range_header`
        returns them.
    """
    parts = []
    for begin, end in ranges:
        if end is not None:
            parts.append(f"{begin}-{end - 1}")
        elif begin >= 0:
            parts.append(f"{begin}-")
        else:
            parts.append(str(begin))
    return f"{units}={','.join(parts)}"


def dump_content_range(
    units: str, start: int | None, stop: int | None, length: int | None
) -> str:
    """Serialise a ``Content-Range`` header value.

    >>> dump_content_range("bytes", 0, 500, None)
    'bytes 0-499/*'

    :param units: the range unit.
    :param start: first byte, or ``None`` for the ``*`` form.
    :param stop: one past the last byte (ignored when ``start`` is ``None``).
    :param length: the complete length, or ``None`` for ``*``.
    """
    length_text = "*" if length is None else str(length)
    if start is None or stop is None:
        return f"{units} */{length_text}"
    return f"{units} {start}-{stop - 1}/{length_text}"
