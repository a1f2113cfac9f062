"""Entity tags and conditional requests (RFC 9110 §8.8.3, §13).

I/O-free: the functions take header values and return plain values. The
container :class:`erlen.datastructures.ETags` wraps what :func:`parse_etags`
returns.
"""

from __future__ import annotations

import hashlib
import re
import typing as t
from datetime import datetime
from datetime import timezone

from .dates import parse_date

#: SECURITY: only this many list items (valid or not) of a header are read, so
#: a hostile ``If-None-Match`` costs bounded work and memory.
MAX_ETAGS = 1000


def quote_etag(etag: str, weak: bool = False) -> str:
    """Quote ``etag`` for a header, ``W/``-prefixed when ``weak``.

    >>> quote_etag("abc", weak=True)
    'W/"abc"'

    :param etag: the opaque tag, without quotes.
    :param weak: make a weak entity tag.
    :raises ValueError: when ``etag`` contains a double quote.
    """
    # RFC 9110 §8.8.3: opaque-tag = DQUOTE *etagc DQUOTE; etagc excludes DQUOTE
    if '"' in etag:
        raise ValueError("invalid etag")
    return f'W/"{etag}"' if weak else f'"{etag}"'


@t.overload
def unquote_etag(etag: None) -> tuple[None, None]: ...
@t.overload
def unquote_etag(etag: str) -> tuple[str, bool]: ...
def unquote_etag(etag: str | None) -> tuple[str, bool] | tuple[None, None]:
    """Split a quoted entity tag into ``(tag, is_weak)``.

    >>> unquote_etag('W/"abc"')
    ('abc', True)

    An empty or missing value gives ``(None, None)``; unquoted text is returned
    as it is.

    :param etag: the header value.
    """
    if not etag:
        return None, None
    etag = etag.strip()
    weak = etag[:2] in ("W/", "w/")
    if weak:
        etag = etag[2:]
    if etag[:1] == etag[-1:] == '"':
        etag = etag[1:-1]
    return etag, weak


# PERF: single-quantifier scanners run in C; neither can backtrack.
_SKIP_OWS = re.compile(r"[ \t]*").match
_SKIP_SEPARATORS = re.compile(r"[ \t,]*").match
# A bare (invalid, but accepted) tag runs up to a syntax character.
_SKIP_BARE = re.compile(r'[^" \t,]*').match


def _end(found: re.Match[str] | None) -> int:
    # The scanners above match the empty string, so they always match.
    return t.cast("re.Match[str]", found).end()


def _scan_tag(value: str, pos: int) -> tuple[str, int] | None:
    """Read one tag at ``pos``: ``"quoted"`` or a bare run, then OWS, then ``,``/end.

    Returns ``(tag, position after the comma)`` or ``None`` when the item is
    malformed.
    """
    if value.startswith('"', pos):
        close = value.find('"', pos + 1)
        if close == -1:
            return None
        tag = value[pos + 1 : close]
        after = close + 1
    else:
        after = _end(_SKIP_BARE(value, pos))
        if after == pos:
            return None
        tag = value[pos:after]
    after = _end(_SKIP_OWS(value, after))
    if after == len(value):
        return tag, after
    if value[after] == ",":
        return tag, after + 1
    return None


def parse_etags(value: str | None) -> tuple[list[str], list[str], bool]:
    """Parse an ``If-Match``/``If-None-Match`` value into ``(strong, weak, star)``.

    >>> parse_etags('"a", W/"b", c')
    (['a', 'c'], ['b'], False)
    >>> parse_etags("*")
    ([], [], True)

    COMPAT: as Werkzeug 3.1, an unquoted tag without spaces is accepted as it
    is, a malformed item is skipped up to the next comma, and only a header that
    is exactly ``*`` is the wildcard. Only the first :data:`MAX_ETAGS` items
    are read.

    :param value: the header value.
    """
    strong: list[str] = []
    weak: list[str] = []
    if not value:
        return strong, weak, False
    # RFC 9110 §13.1.1: If-Match = "*" / #entity-tag
    if value == "*":
        return strong, weak, True
    end = len(value)
    pos = 0
    items = 0
    while pos < end and items < MAX_ETAGS:
        items += 1
        # Empty list items ("a,,b") are skipped with the whitespace.
        pos = _end(_SKIP_SEPARATORS(value, pos))
        # RFC 9110 §8.8.3: entity-tag = [ weak ] opaque-tag; weak = %s"W/"
        found = None
        is_weak = value.startswith(("W/", "w/"), pos)
        if is_weak:
            found = _scan_tag(value, pos + 2)
        if found is None:
            is_weak = False
            found = _scan_tag(value, pos)
        if found is None:
            comma = value.find(",", pos)
            if comma == -1:
                break
            pos = comma + 1
            continue
        tag, pos = found
        (weak if is_weak else strong).append(tag)
    return strong, weak, False


def generate_etag(data: bytes) -> str:
    """Return an entity tag for ``data``: its SHA-1 hex digest, as Werkzeug.

    :param data: the representation's bytes.
    """
    # COMPAT: Werkzeug's digest; a cache validator, not a security measure.
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def parse_if_range_header(value: str | None) -> tuple[str | None, datetime | None]:
    """Parse ``If-Range`` into ``(etag, date)``; at most one of them is set.

    >>> parse_if_range_header('"abc"')
    ('abc', None)

    :param value: the header value.
    """
    # RFC 9110 §13.1.5: If-Range = entity-tag / HTTP-date
    if not value:
        return None, None
    date = parse_date(value)
    if date is not None:
        return None, date
    return unquote_etag(value)[0], None


def _as_utc(value: datetime) -> datetime:
    value = value.replace(microsecond=0)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _matches_weakly(value: str | None, etag: str) -> bool | None:
    """Weak comparison against a header; ``None`` when it lists no tags."""
    strong, weak, star = parse_etags(value)
    if not (strong or weak or star):
        return None
    return star or etag in strong or etag in weak


def is_resource_modified(
    *,
    method: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
    if_match: str | None = None,
    if_unmodified_since: str | None = None,
    if_range: str | None = None,
    http_range: str | None = None,
    etag: str | None = None,
    data: bytes | None = None,
    last_modified: datetime | str | None = None,
    ignore_if_range: bool = True,
) -> bool:
    """Tell whether a request's conditional headers ask for the full response.

    ``False`` means "not modified" (answer 304) or, when ``If-Match`` is strong
    or ``*``, "precondition failed" (answer 412). This is Werkzeug's
    ``is_resource_modified`` with the header values passed in instead of an
    environ.

    :param method: the request method. Accepted so callers can pass the whole
        request; like Werkzeug, the result does not depend on it (the caller
        only asks for ``GET`` and ``HEAD``).
    :param if_none_match: the ``If-None-Match`` header.
    :param if_modified_since: the ``If-Modified-Since`` header.
    :param if_match: the ``If-Match`` header.
    :param if_unmodified_since: the ``If-Unmodified-Since`` header. COMPAT:
        Werkzeug 3.1 does not evaluate it and neither does erlen.
    :param if_range: the ``If-Range`` header; used only with ``http_range`` and
        ``ignore_if_range=False``.
    :param http_range: the ``Range`` header (as Werkzeug's sans-IO function).
    :param etag: the resource's entity tag, quoted or not.
    :param data: the resource's bytes, to compute an entity tag from.
    :param last_modified: the resource's modification time.
    :param ignore_if_range: skip ``If-Range`` handling.
    :raises TypeError: when both ``etag`` and ``data`` are given.
    """
    if data is not None:
        if etag is not None:
            raise TypeError("both data and etag given")
        etag = generate_etag(data)
    if isinstance(last_modified, str):
        last_modified = parse_date(last_modified)
    if last_modified is not None:
        # COMPAT: HTTP dates have no sub-second part; drop it before comparing.
        last_modified = _as_utc(last_modified)
    range_etag: str | None = None
    range_date: datetime | None = None
    use_if_range = not ignore_if_range and http_range is not None
    if use_if_range:
        range_etag, range_date = parse_if_range_header(if_range)
    since = range_date if range_date is not None else parse_date(if_modified_since)
    # RFC 9110 §13.1.3: a resource not modified after the date is unmodified.
    unmodified = bool(
        since is not None and last_modified is not None and last_modified <= since
    )
    if etag:
        tag = unquote_etag(etag)[0]
        if range_etag is not None:
            # RFC 9110 §13.1.5: If-Range uses the strong comparison.
            unmodified = range_etag == tag
        else:
            # RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
            matched = _matches_weakly(if_none_match, tag)
            if matched is not None:
                unmodified = matched
            # RFC 9110 §13.1.1: If-Match uses the strong comparison.
            strong, weak, star = parse_etags(if_match)
            if strong or weak or star:
                # COMPAT: Werkzeug 3.1 looks only at the strong tags here, so
                # "If-Match: *" counts as a failed precondition.
                unmodified = tag not in strong
    return not unmodified
