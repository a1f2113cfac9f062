"""Entity tags and conditional requests (RFC 9110 §8.8.3, §13).

I/O-free: the functions take header values and return plain values. The
container :class:`erlen.datastructures.ETags` wraps what :func:`parse_etags`
returns.
"""

from __future__ import annotations

import hashlib
import typing as t
from datetime import datetime
from datetime import timezone

from .dates import parse_date

#: SECURITY: a header listing more entity tags than this is cut off there, so a
#: hostile ``If-None-Match`` cannot make every comparison scan a huge list.
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


def _end_of_quoted(value: str, start: int) -> tuple[int, int] | None:
    """Find the closing quote of a quoted tag opened at ``start``.

    The closing quote is the first one followed by optional whitespace and then a
    comma or the end. Returns ``(closing_quote_index, next_item_index)``.
    """
    end = len(value)
    quote = value.find('"', start + 1)
    while quote != -1:
        after = quote + 1
        # PERF: each whitespace run follows exactly one quote, so the scans never
        # overlap and the whole search stays linear.
        while after < end and value[after].isspace():
            after += 1
        if after == end:
            return quote, end
        if value[after] == ",":
            return quote, after + 1
        quote = value.find('"', quote + 1)
    return None


def parse_etags(value: str | None) -> tuple[list[str], list[str], bool]:
    """Parse an ``If-Match``/``If-None-Match`` value into ``(strong, weak, star)``.

    >>> parse_etags('"a", W/"b", c')
    (['a', 'c'], ['b'], False)
    >>> parse_etags("*")
    ([], [], True)

    COMPAT: as Werkzeug, tags without quotes are accepted as they are, and a
    quoted tag runs to the first quote followed by a comma or the end.

    :param value: the header value.
    """
    strong: list[str] = []
    weak: list[str] = []
    if not value:
        return strong, weak, False
    # RFC 9110 §13.1.1: If-Match = "*" / #entity-tag
    pos = 0
    end = len(value)
    while pos < end and len(strong) + len(weak) < MAX_ETAGS:
        is_weak = value.startswith(("W/", "w/"), pos)
        if is_weak:
            pos += 2
        found = _end_of_quoted(value, pos) if value.startswith('"', pos) else None
        if found is not None:
            tag = value[pos + 1 : found[0]]
            pos = found[1]
        else:
            comma = value.find(",", pos)
            if comma == -1:
                tag = value[pos:]
                pos = end
            else:
                tag = value[pos:comma].rstrip()
                pos = comma + 1
            if tag == "*":
                return [], [], True
        (weak if is_weak else strong).append(tag)
        while pos < end and value[pos].isspace():
            pos += 1
    return strong, weak, False


def generate_etag(data: bytes) -> str:
    """Return an entity tag for ``data``: its SHA-1 hex digest, as Werkzeug.

    :param data: the representation's bytes.
    """
    return hashlib.sha1(data).hexdigest()  # noqa: S324 COMPAT: not for security


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


def _etag_in(value: str | None, etag: str, *, weak: bool) -> bool:
    strong, weak_tags, star = parse_etags(value)
    if star:
        return True
    return etag in strong or (weak and etag in weak_tags)


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
            unmodified = _etag_in(range_etag, tag, weak=False)
        else:
            # RFC 9110 §13.1.2: If-None-Match uses the weak comparison.
            if _has_tags(if_none_match):
                unmodified = _etag_in(if_none_match, tag, weak=True)
            # RFC 9110 §13.1.1: If-Match uses the strong comparison.
            strong, weak, star = parse_etags(if_match)
            if strong or weak or star:
                # COMPAT: Werkzeug 3.1 looks only at the strong tags here, so
                # "If-Match: *" counts as a failed precondition.
                unmodified = tag not in strong
    return not unmodified


def _has_tags(value: str | None) -> bool:
    strong, weak, star = parse_etags(value)
    return bool(strong or weak or star)
