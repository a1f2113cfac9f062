"""The response object: status, headers, body, and the WSGI call that sends them."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from datetime import datetime
from datetime import timedelta
from http import HTTPStatus

from ..datastructures import Headers
from ..http.cookies import dump_cookie
from ..http.status import STATUS_LINES
from ..http.status import get_status_line
from ..http.status import parse_status
from ..http.urls import iri_to_uri
from ..utils import cached_property
from ..utils import get_content_type
from ..wsgi import ClosingIterator
from . import _conditional
from ._app import JSON_MODULE
from ._app import app_config
from ._app import json_loads
from ._response_headers import ResponseHeaders
from ._response_stream import ResponseStream

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

    from .request import Request

# PERF: mimetype -> full Content-Type, so building a response does not re-derive
# the charset rule. Keys come from application code, not requests; the cap only
# guards against code that builds mimetypes dynamically.
_CONTENT_TYPES: dict[str, str] = {}
_CONTENT_TYPES_VALID: set[str] = set()
_NO_BODY_STATUSES = frozenset((204, 304))


_new_object = object.__new__


def _content_type_for(mimetype: str) -> str:
    content_type = _CONTENT_TYPES.get(mimetype)
    if content_type is None:
        content_type = get_content_type(mimetype, "utf-8")
        if len(_CONTENT_TYPES) < 256:
            # validated once here, so the fast path may append it unchecked
            Headers([("Content-Type", content_type)])
            _CONTENT_TYPES[mimetype] = content_type
            _CONTENT_TYPES_VALID.add(content_type)
    return content_type


_R = t.TypeVar("_R", bound="Response")


def text_response(cls: type[_R], text: str, mimetype: str | None) -> _R | None:
    """Build ``cls(text, mimetype=mimetype)`` without calling ``__init__``.

    Gives ``None`` when that would not be the same response: ``cls`` has an
    ``__init__`` of its own or no automatic ``Content-Length``, or the
    mimetype is ``None`` or has not been validated yet (the next call can use
    it).
    """
    # PERF: jsonify's response; the state is what __init__'s one-step branch
    # sets (a test compares the two).
    content_type = None if mimetype is None else _CONTENT_TYPES.get(mimetype)
    if (
        content_type is None
        or cls.__init__ is not _RESPONSE_INIT
        or not cls.automatically_set_content_length
    ):
        return None
    self = _new_object(cls)
    data = text.encode()
    code = self._status_code = cls.default_status
    self._status = STATUS_LINES.get(code) or get_status_line(code)
    self.response = [data]
    headers = self.headers = _new_object(Headers)
    headers._list = [("Content-Type", content_type), ("Content-Length", str(len(data)))]
    return self


class Response(ResponseHeaders):
    """An HTTP response: a status, :class:`~erlen.datastructures.Headers` and a body.

    :param response: a ``str`` or ``bytes`` body, or an iterable of them
        (streamed as it is iterated).
    :param status: an ``int``, :class:`~http.HTTPStatus` or status string.
    :param headers: a :class:`Headers`, mapping or list of pairs.
    :param mimetype: the mimetype; ``charset=utf-8`` is added for text types.
    :param content_type: the full ``Content-Type``; wins over ``mimetype``.
    :param direct_passthrough: hand the iterable to the server unchanged.

    .. note:: As Flask's ``Response``, the default mimetype is ``text/html``.
    """

    default_status = 200
    default_mimetype: str | None = "text/html"
    implicit_sequence_conversion = True
    autocorrect_location_header = False
    automatically_set_content_length = True

    response: cabc.Iterable[bytes] | cabc.Iterable[str]
    #: The module with ``dumps``/``loads`` for JSON bodies (:mod:`erlen.json`).
    json_module = JSON_MODULE
    #: Hand the body iterable to the server unchanged.
    direct_passthrough = False
    # PERF: an empty tuple until call_on_close needs a list.
    _on_close: list[cabc.Callable[[], t.Any]] | tuple[()] = ()

    def __init__(
        self,
        response: cabc.Iterable[str] | cabc.Iterable[bytes] | str | bytes | None = None,
        status: int | str | HTTPStatus | None = None,
        headers: t.Mapping[str, str | int]
        | cabc.Iterable[tuple[str, str | int]]
        | Headers
        | None = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        # PERF: the most common construction, a str or bytes body with at most
        # a mimetype, builds its two headers in one list.
        if (
            headers is None
            and (status is None or type(status) is int)
            and content_type is None
            and (type(response) is str or type(response) is bytes)
            and self.automatically_set_content_length
        ):
            content_type = _CONTENT_TYPES.get(mimetype or self.default_mimetype)  # type: ignore[arg-type]
            if content_type is not None and mimetype != "":
                data = response.encode() if isinstance(response, str) else response
                code = self._status_code = (
                    self.default_status if status is None else status
                )
                self._status = STATUS_LINES.get(code) or get_status_line(code)
                self.response = [data]
                # PERF: the pairs are known valid; no Headers.__init__ call.
                headers = self.headers = _new_object(Headers)
                headers._list = [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(data))),
                ]
                if direct_passthrough:
                    self.direct_passthrough = True
                return
        self._init(
            response, status, headers, mimetype, content_type, direct_passthrough
        )

    def _init(
        self,
        response: cabc.Iterable[str] | cabc.Iterable[bytes] | str | bytes | None,
        status: int | str | HTTPStatus | None,
        headers: t.Mapping[str, str | int]
        | cabc.Iterable[tuple[str, str | int]]
        | Headers
        | None,
        mimetype: str | None,
        content_type: str | None,
        direct_passthrough: bool,
    ) -> None:
        if headers is None:
            self.headers = Headers()
        elif isinstance(headers, Headers):
            self.headers = headers
        else:
            self.headers = Headers(headers)
        header_list = self.headers._list
        fresh = not header_list
        if content_type is None:
            if mimetype is None and (fresh or "content-type" not in self.headers):
                mimetype = self.default_mimetype
            if mimetype is not None:
                content_type = _CONTENT_TYPES.get(mimetype) or _content_type_for(
                    mimetype
                )
        if content_type is not None:
            if fresh and content_type in _CONTENT_TYPES_VALID:
                # PERF: a cached, already validated value; no Headers.__setitem__.
                header_list.append(("Content-Type", content_type))
            else:
                self.headers["Content-Type"] = content_type
        if status is None or type(status) is int:
            code = self.default_status if status is None else status
            self._status_code = code
            self._status = STATUS_LINES.get(code) or get_status_line(code)
        else:
            self.status = status
        if direct_passthrough:
            self.direct_passthrough = True
        if response is None:
            self.response = []
        elif isinstance(response, (str, bytes, bytearray)):
            self.set_data(response)
        else:
            self.response = response

    def __repr__(self) -> str:
        if self.is_sequence:
            body_info = f"{sum(map(len, self.iter_encoded()))} bytes"
        else:
            body_info = "streamed" if self.is_streamed else "likely-streamed"
        return f"<{type(self).__name__} {body_info} [{self.status}]>"

    # -- status ---------------------------------------------------------------

    @property
    def status_code(self) -> int:
        """The status code as an ``int``."""
        return self._status_code

    @status_code.setter
    def status_code(self, code: int) -> None:
        self.status = code

    @property
    def status(self) -> str:
        """The status line, for example ``"404 NOT FOUND"``."""
        return self._status

    @status.setter
    def status(self, value: str | int | HTTPStatus) -> None:
        self._status_code, self._status = parse_status(value)

    # -- body -----------------------------------------------------------------

    def get_data(self, as_text: bool = False) -> bytes | str:
        """Return the whole body, joining (and keeping) a streamed one."""
        self._ensure_sequence()
        data = b"".join(self.iter_encoded())
        if as_text:
            return data.decode()
        return data

    def set_data(self, value: bytes | str) -> None:
        """Replace the body and set ``Content-Length``."""
        if isinstance(value, str):
            value = value.encode()
        else:
            value = bytes(value)
        self.response = [value]
        if self.automatically_set_content_length:
            self.headers["Content-Length"] = str(len(value))

    data = property(
        get_data,
        set_data,
        doc="The body as ``bytes``; assigning sets the body and its length.",
    )

    def calculate_content_length(self) -> int | None:
        """Return the body length for a sequence body, else ``None``."""
        try:
            self._ensure_sequence()
        except RuntimeError:
            return None
        return sum(len(x) for x in self.iter_encoded())

    def _ensure_sequence(self, mutable: bool = False) -> None:
        if self.is_sequence:
            if mutable and not isinstance(self.response, list):
                self.response = list(self.iter_encoded())
            return
        if self.direct_passthrough:
            raise RuntimeError(
                "Attempted implicit sequence conversion but the response object is"
                " in direct passthrough mode."
            )
        if not self.implicit_sequence_conversion:
            raise RuntimeError(
                "The response object required the iterable to be a sequence, but the"
                " implicit conversion was disabled. Call make_sequence() yourself."
            )
        self.make_sequence()

    def make_sequence(self) -> None:
        """Consume a streamed body into a list, closing the original iterable."""
        if not self.is_sequence:
            close = getattr(self.response, "close", None)
            self.response = list(self.iter_encoded())
            if close is not None:
                self.call_on_close(close)

    @cached_property
    def stream(self) -> ResponseStream:
        """A write-only file object that appends to the body."""
        return ResponseStream(self)

    @property
    def is_sequence(self) -> bool:
        """Whether the body is a list or tuple (its length is known)."""
        return isinstance(self.response, (tuple, list))

    @property
    def is_streamed(self) -> bool:
        """Whether the body length cannot be known without consuming it."""
        try:
            len(self.response)  # type: ignore[arg-type]
        except (TypeError, AttributeError):
            return True
        return False

    def iter_encoded(self) -> cabc.Iterator[bytes]:
        """Iterate the body, encoding ``str`` items as UTF-8."""
        for item in self.response:
            if isinstance(item, str):
                yield item.encode()
            else:
                yield item

    def freeze(self) -> None:
        """Buffer the body, set ``Content-Length`` and add an ``ETag``."""
        self.response = list(self.iter_encoded())
        self.headers["Content-Length"] = str(sum(map(len, self.response)))
        # COMPAT: Werkzeug 2.0+ freezes a response with its ETag.
        self.add_etag()

    def call_on_close(self, func: cabc.Callable[[], t.Any]) -> cabc.Callable[[], t.Any]:
        """Register ``func`` to run when the response is closed; usable as decorator."""
        on_close = self._on_close
        if isinstance(on_close, list):
            on_close.append(func)
        else:
            self._on_close = [func]
        return func

    def close(self) -> None:
        """Close the body iterable and run the :meth:`call_on_close` functions."""
        close = getattr(self.response, "close", None)
        if close is not None:
            close()
        for func in self._on_close:
            func()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- JSON -----------------------------------------------------------------

    @property
    def is_json(self) -> bool:
        """Whether the mimetype is ``application/json`` or ``*/*+json``."""
        mimetype = self.mimetype
        return mimetype is not None and (
            mimetype == "application/json"
            or (mimetype.startswith("application/") and mimetype.endswith("+json"))
        )

    @property
    def json(self) -> t.Any | None:
        """The body parsed as JSON (``None`` unless the mimetype is JSON)."""
        return self.get_json()

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any | None:
        """Parse the body as JSON.

        :param force: parse whatever the mimetype.
        :param silent: return ``None`` instead of raising on invalid JSON.
        """
        if not (force or self.is_json):
            return None
        data = self.get_data()
        try:
            return json_loads(data)
        except ValueError:
            if not silent:
                raise
            return None

    # -- cookies --------------------------------------------------------------

    @property
    def max_cookie_size(self) -> int:
        """``MAX_COOKIE_SIZE`` of the current app, else 4093 (as Flask)."""
        size = app_config("MAX_COOKIE_SIZE")
        return 4093 if size is None else int(size)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: timedelta | int | None = None,
        expires: str | datetime | int | float | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header (see :func:`erlen.http.cookies.dump_cookie`)."""
        self.headers.add(
            "Set-Cookie",
            dump_cookie(
                key,
                value=value,
                max_age=max_age,
                expires=expires,
                path=path,
                domain=domain,
                secure=secure,
                httponly=httponly,
                max_size=self.max_cookie_size,
                samesite=samesite,
                partitioned=partitioned,
            ),
        )

    def delete_cookie(
        self,
        key: str,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = False,
        samesite: str | None = None,
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header that makes the client drop ``key``."""
        self.set_cookie(
            key,
            expires=0,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
            partitioned=partitioned,
        )

    # -- conditional responses ------------------------------------------------

    def get_etag(self) -> tuple[str, bool] | tuple[None, None]:
        """Return ``(etag, is_weak)`` from the ``ETag`` header, or ``(None, None)``."""
        return _conditional.get_etag(self)

    def set_etag(self, etag: str, weak: bool = False) -> None:
        """Set the ``ETag`` header, quoting ``etag``."""
        _conditional.set_etag(self, etag, weak)

    def add_etag(self, overwrite: bool = False, weak: bool = False) -> None:
        """Set an ``ETag`` computed from the body unless one is present."""
        _conditional.add_etag(self, overwrite, weak)

    def make_conditional(
        self,
        request_or_environ: WSGIEnvironment | Request,
        accept_ranges: bool | str = False,
        complete_length: int | None = None,
    ) -> Response:
        """Answer conditional and range requests: 304, 412, 206 or 416.

        :param request_or_environ: the request (or its environ) to answer.
        :param accept_ranges: serve ``Range`` requests; ``True`` means ``"bytes"``.
        :param complete_length: the full length, required for ranges of a stream.
        :raises RequestedRangeNotSatisfiable: the range cannot be served.
        """
        return _conditional.make_conditional(
            self, request_or_environ, accept_ranges, complete_length
        )

    # -- WSGI -----------------------------------------------------------------

    def get_wsgi_headers(self, environ: WSGIEnvironment) -> Headers:
        """Return the headers to send, adjusted for the status and body."""
        headers = Headers(self.headers._list)
        location = headers.get("location")
        if location is not None:
            # COMPAT: Werkzeug sends an IRI location as a URI.
            headers["Location"] = iri_to_uri(location)
        status = self._status_code
        if 100 <= status < 200 or status == 204:
            headers.pop("Content-Length", None)
        elif status == 304:
            _conditional.remove_entity_headers(headers)
        elif (
            self.automatically_set_content_length
            and self.is_sequence
            and "content-length" not in headers
        ):
            headers["Content-Length"] = str(sum(map(len, self.iter_encoded())))
        return headers

    def get_app_iter(self, environ: WSGIEnvironment) -> cabc.Iterable[bytes]:
        """Return the body iterable to send, empty for HEAD, 1xx, 204 and 304."""
        status = self._status_code
        if (
            environ["REQUEST_METHOD"] == "HEAD"
            or 100 <= status < 200
            or status in _NO_BODY_STATUSES
        ):
            iterable: cabc.Iterable[bytes] = ()
        elif self.direct_passthrough:
            return self.response  # type: ignore[return-value]
        else:
            iterable = self.iter_encoded()
        return ClosingIterator(iterable, self.close)

    def get_wsgi_response(
        self, environ: WSGIEnvironment
    ) -> tuple[cabc.Iterable[bytes], str, list[tuple[str, str]]]:
        """Return ``(app_iter, status, headers)`` for a WSGI server."""
        headers = self.get_wsgi_headers(environ)
        return self.get_app_iter(environ), self._status, headers._list

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Send the response as a WSGI application."""
        status = self._status_code
        body = self.response
        # PERF: the common case, one bytes chunk whose length is already in the
        # headers, needs no header copy and no closing wrapper.
        if (
            type(body) is list
            and len(body) == 1
            and type(body[0]) is bytes
            and 200 <= status
            and status != 204
            and status != 304
            and not self._on_close
            and environ["REQUEST_METHOD"] != "HEAD"
        ):
            header_list = self.headers._list
            sized = False
            for name, _value in header_list:
                if name == "Content-Length":
                    sized = True
                elif len(name) == 8 and name.lower() == "location":
                    sized = False  # get_wsgi_headers turns it into a URI
                    break
            if sized:
                start_response(self._status, header_list)
                return body
        app_iter, status_line, header_list = self.get_wsgi_response(environ)
        start_response(status_line, header_list)
        return app_iter

    @classmethod
    def force_type(
        cls,
        response: Response | WSGIApplication,
        environ: WSGIEnvironment | None = None,
    ) -> Response:
        """Return ``response`` as an instance of ``cls``.

        A :class:`Response` subclass instance has its class switched; any other
        WSGI application is run with ``environ`` and its output buffered.
        """
        if not isinstance(response, Response):
            if environ is None:
                raise TypeError(
                    "cannot convert WSGI application into response objects without"
                    " an environ"
                )
            from ..testing import run_wsgi_app

            return cls._from_wsgi_output(*run_wsgi_app(response, environ))
        response.__class__ = cls
        return response

    @classmethod
    def from_app(
        cls, app: WSGIApplication, environ: WSGIEnvironment, buffered: bool = False
    ) -> Response:
        """Run the WSGI application ``app`` and wrap what it returns."""
        from ..testing import run_wsgi_app

        return cls._from_wsgi_output(*run_wsgi_app(app, environ, buffered))

    @classmethod
    def _from_wsgi_output(
        cls,
        app_iter: cabc.Iterable[bytes],
        status: str,
        headers: Headers | list[tuple[str, str]],
    ) -> Response:
        headers = headers if isinstance(headers, Headers) else Headers(headers)
        # COMPAT: Werkzeug wraps a WSGI app's output in its base response,
        # whose default mimetype is text/plain.
        mimetype = None if "content-type" in headers else "text/plain"
        return cls(app_iter, status, headers, mimetype=mimetype)


_RESPONSE_INIT = Response.__init__
