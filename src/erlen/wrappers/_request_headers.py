"""The header attributes of :class:`~erlen.wrappers.Request`, parsed lazily.

:class:`RequestHeaders` is the request's base class: every attribute here reads
one environ key, parses it on first use and caches the result. Parse errors of
hostile headers become HTTP errors (400, 431), never a 500.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from .. import exceptions as exc
from ..datastructures import Accept
from ..datastructures import Authorization
from ..datastructures import CharsetAccept
from ..datastructures import EnvironHeaders
from ..datastructures import ETags
from ..datastructures import IfRange
from ..datastructures import LanguageAccept
from ..datastructures import MIMEAccept
from ..datastructures import MultiDict
from ..datastructures import Range
from ..datastructures import RequestCacheControl
from ..http.cookies import parse_cookie
from ..http.dates import parse_date
from ..http.errors import HTTPParseError
from ..http.etags import parse_etags
from ..http.etags import parse_if_range_header
from ..http.headers import parse_accept_header
from ..http.headers import parse_cache_control_header
from ..http.headers import parse_options_header
from ..http.ranges import parse_range_header
from ..utils import cached_property
from ._properties import environ_property
from ._properties import load_header_set
from ._properties import parse_int

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


def _wsgi_text(value: str) -> str | bytes:
    """Return WSGI "bytes as latin-1" text as bytes unless it is pure ASCII."""
    # PERF: the common case is ASCII, where the str can be parsed as it is.
    return value if value.isascii() else value.encode("latin-1")


def _parse_etags_value(value: str | None) -> ETags:
    return ETags(*parse_etags(value))


def _parse_date_value(value: str | None) -> t.Any:
    return parse_date(value) if value else None


def http_error_for(error: HTTPParseError) -> exc.HTTPException:
    """Return the HTTP exception matching a parse error's ``status_hint``."""
    cls = exc.default_exceptions.get(error.status_hint, exc.BadRequest)
    # by keyword: some classes (416, 405, 401) take other arguments first
    return cls(description=str(error))


_V = t.TypeVar("_V")


def _as_http_error(
    parse: cabc.Callable[[str | None], _V],
) -> cabc.Callable[[str | None], _V]:
    """Wrap a header parser so its :class:`HTTPParseError` becomes an HTTP error.

    A header over the parser's limits then answers 431 (or the parser's hint)
    instead of escaping as a 500.
    """

    def parse_header(value: str | None) -> _V:
        try:
            return parse(value)
        except HTTPParseError as error:
            raise http_error_for(error) from error

    return parse_header


def _parse_content_length(value: str | None) -> int | None:
    if value is None:
        return None
    # COMPAT: Werkzeug reports an unparsable Content-Length as 0, not None.
    parsed = parse_int(value)
    return 0 if parsed is None else parsed


class RequestHeaders:
    """The request's header attributes; :class:`~erlen.wrappers.Request` extends it."""

    environ: WSGIEnvironment
    dict_storage_class: type[MultiDict[str, t.Any]]

    # -- headers --------------------------------------------------------------

    @cached_property
    def headers(self) -> EnvironHeaders:
        """The request headers, read from the environ."""
        return EnvironHeaders(self.environ)

    @cached_property
    def cookies(self) -> MultiDict[str, str]:
        """The cookies the client sent."""
        raw = self.environ.get("HTTP_COOKIE")
        if not raw:
            return self.dict_storage_class()
        try:
            pairs = parse_cookie(_wsgi_text(raw))
        except HTTPParseError as error:
            raise http_error_for(error) from error
        return self.dict_storage_class(pairs)

    content_type = environ_property[str | None](
        "CONTENT_TYPE", doc="The ``Content-Type`` header."
    )

    @cached_property
    def content_length(self) -> int | None:
        """``Content-Length`` as an ``int``.

        ``None`` when absent or when a chunked ``Transfer-Encoding`` overrides
        it; ``0`` when it is not a valid number, as in Werkzeug.
        """
        transfer_encoding = self.environ.get("HTTP_TRANSFER_ENCODING")
        if transfer_encoding and "chunked" in transfer_encoding.lower():
            return None
        return _parse_content_length(self.environ.get("CONTENT_LENGTH"))

    content_encoding = environ_property[str | None]("HTTP_CONTENT_ENCODING")
    content_md5 = environ_property[str | None]("HTTP_CONTENT_MD5")
    referrer = environ_property[str | None]("HTTP_REFERER")
    origin = environ_property[str | None]("HTTP_ORIGIN")
    pragma = environ_property(
        "HTTP_PRAGMA",
        load_header_set,
        doc="The ``Pragma`` header as a set (empty when absent), as in Werkzeug.",
    )
    date = environ_property("HTTP_DATE", _parse_date_value)
    if_modified_since = environ_property("HTTP_IF_MODIFIED_SINCE", _parse_date_value)
    if_unmodified_since = environ_property(
        "HTTP_IF_UNMODIFIED_SINCE", _parse_date_value
    )
    if_match = environ_property("HTTP_IF_MATCH", _parse_etags_value)
    if_none_match = environ_property("HTTP_IF_NONE_MATCH", _parse_etags_value)
    accept_mimetypes = environ_property(
        "HTTP_ACCEPT",
        _as_http_error(lambda v: parse_accept_header(v, MIMEAccept)),
        doc="The ``Accept`` header as :class:`MIMEAccept`.",
    )
    accept_charsets = environ_property(
        "HTTP_ACCEPT_CHARSET",
        _as_http_error(lambda v: parse_accept_header(v, CharsetAccept)),
        doc="The ``Accept-Charset`` header as :class:`CharsetAccept`.",
    )
    accept_encodings = environ_property(
        "HTTP_ACCEPT_ENCODING",
        _as_http_error(lambda v: parse_accept_header(v, Accept)),
        doc="The ``Accept-Encoding`` header as :class:`Accept`.",
    )
    accept_languages = environ_property(
        "HTTP_ACCEPT_LANGUAGE",
        _as_http_error(lambda v: parse_accept_header(v, LanguageAccept)),
        doc="The ``Accept-Language`` header as :class:`LanguageAccept`.",
    )
    cache_control = environ_property(
        "HTTP_CACHE_CONTROL",
        _as_http_error(
            lambda v: parse_cache_control_header(v, None, RequestCacheControl)
        ),
        doc="The ``Cache-Control`` header as :class:`RequestCacheControl`.",
    )

    @cached_property
    def if_range(self) -> IfRange:
        """The ``If-Range`` header (an entity tag or a date)."""
        return IfRange(*parse_if_range_header(self.environ.get("HTTP_IF_RANGE")))

    @cached_property
    def range(self) -> Range | None:
        """The ``Range`` header, ``None`` when absent or invalid."""
        parsed = parse_range_header(self.environ.get("HTTP_RANGE"))
        return None if parsed is None else Range(*parsed)

    @cached_property
    def authorization(self) -> Authorization | None:
        """The ``Authorization`` header, ``None`` when absent or malformed."""
        return Authorization.from_header(self.environ.get("HTTP_AUTHORIZATION"))

    @cached_property
    def _parsed_content_type(self) -> tuple[str, dict[str, str]]:
        raw = self.environ.get("CONTENT_TYPE", "")
        if ";" not in raw and len(raw) <= 256:
            # PERF: a bare mimetype has no parameters to parse; this is what
            # parse_options_header gives for it.
            return raw.strip(" \t"), {}
        try:
            return parse_options_header(raw)
        except HTTPParseError as error:
            raise http_error_for(error) from error

    @property
    def mimetype(self) -> str:
        """The mimetype of the body, lower-cased, without parameters."""
        return self._parsed_content_type[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The parameters of ``Content-Type`` (``{"charset": "utf-8"}``)."""
        return self._parsed_content_type[1]

    @property
    def is_json(self) -> bool:
        """Whether the mimetype is ``application/json`` or ``application/*+json``."""
        # PERF: get_json asks on every call; one property, not two.
        mimetype = self._parsed_content_type[0].lower()
        return mimetype == "application/json" or (
            mimetype.startswith("application/") and mimetype.endswith("+json")
        )

    access_control_request_headers = environ_property(
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
        lambda v: None if v is None else load_header_set(v),
        doc="The headers a CORS preflight request announces, as a set.",
    )
    access_control_request_method = environ_property[str | None](
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
        doc="The method a CORS preflight request announces.",
    )
    max_forwards = environ_property(
        "HTTP_MAX_FORWARDS",
        parse_int,
        doc="``Max-Forwards`` as an ``int`` (``None`` when absent or invalid).",
    )
    remote_user = environ_property[str | None](
        "REMOTE_USER", doc="The user the server authenticated, if any."
    )
    is_multithread = environ_property[bool | None](
        "wsgi.multithread", doc="Whether the server runs requests in threads."
    )
    is_multiprocess = environ_property[bool | None](
        "wsgi.multiprocess", doc="Whether the server runs several processes."
    )
    is_run_once = environ_property[bool | None](
        "wsgi.run_once", doc="Whether the app runs once in this process."
    )
