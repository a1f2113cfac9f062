"""The header attributes of :class:`~erlen.wrappers.Response`.

:class:`ResponseHeaders` is the response's base class: each attribute reads or
writes :attr:`headers`, parsing on access, as Werkzeug's response does.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from ..datastructures import CallbackDict
from ..datastructures import ContentRange
from ..datastructures import Headers
from ..datastructures import HeaderSet
from ..datastructures import ResponseCacheControl
from ..datastructures import WWWAuthenticate
from ..http.dates import http_date
from ..http.dates import parse_date
from ..http.headers import COEP
from ..http.headers import COOP
from ..http.headers import dump_header
from ..http.headers import dump_options_header
from ..http.headers import parse_cache_control_header
from ..http.headers import parse_options_header
from ..http.ranges import parse_content_range_header
from ..utils import get_content_type
from ._properties import csp_property
from ._properties import header_property
from ._properties import header_set_property
from ._properties import load_header_set
from ._properties import load_int
from ._properties import parse_int
from ._properties import policy_property
from ._properties import retry_after_property


def _dump_date(value: datetime | int | float | str | None) -> str:
    if isinstance(value, str):
        return value
    return http_date(value)


def _dump_age(value: timedelta | int | str) -> str:
    if isinstance(value, timedelta):
        return str(int(value.total_seconds()))
    return str(value)


class ResponseHeaders:
    """The parsed header attributes of a response (its :attr:`headers`)."""

    headers: Headers

    @property
    def mimetype(self) -> str | None:
        """The mimetype, lower-cased and without parameters."""
        content_type = self.headers.get("content-type")
        if content_type:
            return content_type.split(";", 1)[0].strip().lower()
        return None

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.headers["Content-Type"] = get_content_type(value, "utf-8")

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The ``Content-Type`` parameters; changes are written back."""

        def on_update(params: CallbackDict[str, str]) -> None:
            self.headers["Content-Type"] = dump_options_header(self.mimetype, params)

        params = parse_options_header(self.headers.get("content-type", ""))[1]
        return CallbackDict(params, on_update)

    content_type: header_property[str] = header_property("Content-Type")
    content_length: header_property[int] = header_property(
        "Content-Length",
        parse_int,  # type: ignore[arg-type]
        str,
    )
    location: header_property[str] = header_property("Location")
    age: header_property[timedelta] = header_property(
        "Age",
        lambda v: timedelta(seconds=int(v)) if v.isdigit() else None,  # type: ignore[arg-type,return-value]
        _dump_age,
    )
    content_encoding: header_property[str] = header_property("Content-Encoding")
    content_location: header_property[str] = header_property("Content-Location")
    content_md5: header_property[str] = header_property("Content-MD5")
    date: header_property[datetime] = header_property("Date", parse_date, _dump_date)  # type: ignore[arg-type]
    expires: header_property[datetime] = header_property(
        "Expires",
        parse_date,  # type: ignore[arg-type]
        _dump_date,
    )
    last_modified: header_property[datetime] = header_property(
        "Last-Modified",
        parse_date,  # type: ignore[arg-type]
        _dump_date,
    )
    retry_after = retry_after_property()
    content_security_policy = csp_property("Content-Security-Policy")
    content_security_policy_report_only = csp_property(
        "Content-Security-Policy-Report-Only"
    )
    access_control_allow_origin: header_property[str] = header_property(
        "Access-Control-Allow-Origin"
    )
    access_control_allow_headers: header_property[HeaderSet] = header_property(
        "Access-Control-Allow-Headers", load_header_set, dump_header
    )
    access_control_allow_methods: header_property[HeaderSet] = header_property(
        "Access-Control-Allow-Methods", load_header_set, dump_header
    )
    access_control_expose_headers: header_property[HeaderSet] = header_property(
        "Access-Control-Expose-Headers", load_header_set, dump_header
    )
    access_control_max_age: header_property[int] = header_property(
        "Access-Control-Max-Age",
        load_int,  # type: ignore[arg-type]
        str,
    )
    cross_origin_opener_policy = policy_property(
        "Cross-Origin-Opener-Policy", COOP, "``Cross-Origin-Opener-Policy`` (COOP)."
    )
    cross_origin_embedder_policy = policy_property(
        "Cross-Origin-Embedder-Policy", COEP, "``Cross-Origin-Embedder-Policy``."
    )

    @property
    def access_control_allow_credentials(self) -> bool:
        """Whether ``Access-Control-Allow-Credentials`` is set.

        COMPAT: as in Werkzeug, any value counts; the setter writes ``true``.
        """
        return "Access-Control-Allow-Credentials" in self.headers

    @access_control_allow_credentials.setter
    def access_control_allow_credentials(self, value: bool | None) -> None:
        if value:
            self.headers["Access-Control-Allow-Credentials"] = "true"
        else:
            self.headers.pop("Access-Control-Allow-Credentials", None)

    vary = header_set_property("Vary")
    allow = header_set_property("Allow")
    content_language = header_set_property("Content-Language")

    @property
    def cache_control(self) -> ResponseCacheControl:
        """The ``Cache-Control`` header; changes are written back."""

        def on_update(cache_control: ResponseCacheControl) -> None:
            if not cache_control and "cache-control" in self.headers:
                del self.headers["cache-control"]
            elif cache_control:
                self.headers["Cache-Control"] = cache_control.to_header()

        return parse_cache_control_header(
            self.headers.get("cache-control"), on_update, ResponseCacheControl
        )

    @property
    def content_range(self) -> ContentRange:
        """The ``Content-Range`` header; changes are written back."""

        def on_update(content_range: ContentRange) -> None:
            if not content_range:
                self.headers.pop("content-range", None)
            else:
                self.headers["Content-Range"] = content_range.to_header()

        parsed = parse_content_range_header(self.headers.get("content-range"))
        if parsed is None:
            return ContentRange(None, None, None, on_update=on_update)
        return ContentRange(*parsed, on_update=on_update)

    @content_range.setter
    def content_range(self, value: ContentRange | str | None) -> None:
        if not value:
            self.headers.pop("content-range", None)
        elif isinstance(value, str):
            self.headers["Content-Range"] = value
        else:
            self.headers["Content-Range"] = value.to_header()

    @property
    def www_authenticate(self) -> WWWAuthenticate:
        """The first ``WWW-Authenticate`` challenge; changes are written back."""
        value = WWWAuthenticate.from_header(self.headers.get("WWW-Authenticate"))
        if value is None:
            value = WWWAuthenticate("basic")

        def on_update(www_auth: WWWAuthenticate) -> None:
            self.headers["WWW-Authenticate"] = www_auth.to_header()

        value._on_update = on_update
        return value

    @property
    def accept_ranges(self) -> str | None:
        """The ``Accept-Ranges`` header."""
        return self.headers.get("Accept-Ranges")

    @accept_ranges.setter
    def accept_ranges(self, value: str | None) -> None:
        if value is None:
            self.headers.pop("Accept-Ranges", None)
        else:
            self.headers["Accept-Ranges"] = value
