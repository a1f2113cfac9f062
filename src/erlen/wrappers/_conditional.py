"""Conditional and range handling for :class:`~erlen.wrappers.Response`.

Functions rather than a mixin: the response methods of the same names delegate
here, so the response module stays about status, headers and body.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from ..datastructures import Range
from ..exceptions import RequestedRangeNotSatisfiable
from ..http.dates import http_date
from ..http.etags import generate_etag
from ..http.etags import is_resource_modified
from ..http.etags import parse_etags
from ..http.etags import parse_if_range_header
from ..http.etags import quote_etag
from ..http.etags import unquote_etag
from ..http.ranges import parse_range_header

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ..datastructures import Headers
    from .response import Response

# COMPAT: what Werkzeug keeps on a 304 (RFC 9110 §15.4.5 lets these through).
_ENTITY_HEADERS = frozenset(
    (
        "allow",
        "content-encoding",
        "content-language",
        "content-length",
        "content-md5",
        "content-range",
        "content-type",
        "last-modified",
    )
)


def remove_entity_headers(headers: Headers) -> None:
    """Drop the representation headers that a 304 must not carry."""
    headers._list[:] = [
        pair for pair in headers._list if pair[0].lower() not in _ENTITY_HEADERS
    ]


def get_etag(response: Response) -> tuple[str, bool] | tuple[None, None]:
    """Return ``(etag, is_weak)`` from the response's ``ETag`` header."""
    return unquote_etag(response.headers.get("ETag"))


def set_etag(response: Response, etag: str, weak: bool = False) -> None:
    """Set the quoted ``ETag`` header."""
    response.headers["ETag"] = quote_etag(etag, weak)


def add_etag(response: Response, overwrite: bool = False, weak: bool = False) -> None:
    """Set an ``ETag`` from a hash of the body unless one is already set."""
    if overwrite or "etag" not in response.headers:
        set_etag(response, generate_etag(t.cast(bytes, response.get_data())), weak)


def _slice_body(
    chunks: cabc.Iterable[bytes] | cabc.Iterable[str], start: int, length: int
) -> cabc.Iterator[bytes]:
    """Yield ``length`` bytes of ``chunks`` starting at byte ``start``.

    ``str`` items are encoded as UTF-8, as :meth:`Response.iter_encoded` does.
    """
    position = 0
    end = start + length
    for item in chunks:
        chunk = item.encode() if isinstance(item, str) else item
        chunk_end = position + len(chunk)
        if chunk_end > start and position < end:
            yield chunk[max(start - position, 0) : end - position]
        position = chunk_end
        if position >= end:
            break


def _range_applies(response: Response, environ: WSGIEnvironment) -> bool:
    if "HTTP_RANGE" not in environ:
        return False
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range is None:
        return True
    etag, date = parse_if_range_header(if_range)
    if etag is not None:
        current, weak = get_etag(response)
        # RFC 9110 §13.1.5: If-Range compares entity tags strongly.
        return current is not None and not weak and current == etag
    if date is not None:
        return bool(response.last_modified == date)
    return False


def _process_range(
    response: Response,
    environ: WSGIEnvironment,
    complete_length: int | None,
    accept_ranges: str | None,
) -> bool:
    if accept_ranges is None:
        return False
    response.headers["Accept-Ranges"] = accept_ranges
    if complete_length is None or not _range_applies(response, environ):
        return False
    parsed = parse_range_header(environ.get("HTTP_RANGE"))
    if parsed is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    byte_range = Range(*parsed)
    bounds = byte_range.range_for_length(complete_length)
    content_range = byte_range.make_content_range(complete_length)
    if bounds is None or content_range is None:
        raise RequestedRangeNotSatisfiable(complete_length)
    start, stop = bounds
    length = stop - start
    # The original body is captured here: iter_encoded() reads response.response
    # lazily, which by then would be the slice itself.
    body = response.response
    close = getattr(body, "close", None)
    if close is not None:
        response.call_on_close(close)
    response.response = _slice_body(body, start, length)
    response.headers["Content-Length"] = str(length)
    response.headers["Content-Range"] = content_range.to_header()
    response.status_code = 206
    return True


def make_conditional(
    response: Response,
    request_or_environ: t.Any,
    accept_ranges: bool | str = False,
    complete_length: int | None = None,
) -> Response:
    """Turn ``response`` into a 206, 304 or 412 where the request asks for it."""
    environ: WSGIEnvironment = getattr(
        request_or_environ, "environ", request_or_environ
    )
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "HEAD"):
        return response
    if "date" not in response.headers:
        response.headers["Date"] = http_date()
    if accept_ranges is True:
        accept_ranges = "bytes"
    is_partial = _process_range(
        response, environ, complete_length, accept_ranges or None
    )
    if not is_partial and not is_resource_modified(
        method=method,
        if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
        if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
        if_match=environ.get("HTTP_IF_MATCH"),
        if_unmodified_since=environ.get("HTTP_IF_UNMODIFIED_SINCE"),
        if_range=environ.get("HTTP_IF_RANGE"),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    ):
        # COMPAT: any If-Match value, weak tags included, makes it a 412.
        strong, weak, star = parse_etags(environ.get("HTTP_IF_MATCH"))
        if strong or weak or star:
            response.status_code = 412
        else:
            response.status_code = 304
    if (
        response.automatically_set_content_length
        and "content-length" not in response.headers
    ):
        length = response.calculate_content_length()
        if length is not None:
            response.headers["Content-Length"] = str(length)
    return response
