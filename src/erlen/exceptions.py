"""HTTP errors as Python exceptions (Werkzeug's ``werkzeug.exceptions``).

Every class carries a class-level ``code`` and ``description``, renders a small
HTML page for itself, and is a WSGI application, so it can be raised from a view
or returned straight to a server::

    raise NotFound()
    abort(404)
    return BadRequest("missing 'name'")(environ, start_response)

This module sits below the wrappers layer: it imports
:class:`~erlen.wrappers.response.Response` inside :meth:`HTTPException.get_response`
only.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from datetime import datetime

from ._lazy import LazyImport
from .http.dates import http_date
from .http.status import HTTP_STATUS_CODES

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

    from .datastructures import WWWAuthenticate
    from .wrappers.response import Response

# COMPAT: the same five replacements as MarkupSafe's ``escape``, so the HTML
# bodies are byte-for-byte those of Werkzeug (stdlib ``html.escape`` spells the
# quotes ``&quot;`` and ``&#x27;``).
_HTML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
)


def _escape(value: object) -> str:
    """Escape ``value`` for HTML text; objects with ``__html__`` are trusted."""
    # COMPAT: like MarkupSafe, a ``Markup`` description is already safe HTML.
    html = getattr(value, "__html__", None)
    if html is not None:
        return str(html())
    # SECURITY: a description may echo request data; never let it open a tag.
    return str(value).translate(_HTML_ESCAPES)


_PLAIN_PAGES: dict[type[HTTPException], bytes] = {}


def _has_plain_page(cls: type[HTTPException]) -> bool:
    """Whether ``cls`` renders the same page for every instance."""
    description: object = None
    for klass in cls.__mro__:
        if "description" in klass.__dict__:
            description = klass.__dict__["description"]
            break
    return (
        cls.get_body is HTTPException.get_body
        and cls.get_description is HTTPException.get_description
        and cls.name is HTTPException.name
        # a description computed per instance (BadRequestKeyError) varies
        and (description is None or isinstance(description, str))
    )


# PERF: wrappers import this module, so Response is imported on first use.
_RESPONSE = LazyImport(".wrappers.response", "Response", __package__)


def _get_environ(obj: t.Any) -> WSGIEnvironment | None:
    """Accept an environ dict or a request object that wraps one."""
    if obj is None or isinstance(obj, dict):
        return obj
    return obj.environ  # type: ignore[no-any-return]  # a Request-like object


class HTTPException(Exception):
    """The base class of every HTTP error.

    :param description: text for the error page, replacing the class default.
    :param response: a complete response to send instead of the HTML page.
    """

    code: int | None = None
    description: str | None = None
    response: Response | None = None

    def __init__(
        self, description: str | None = None, response: Response | None = None
    ) -> None:
        # PERF: without arguments, Exception's args are already empty and the
        # class attributes hold the defaults; a 404 stores nothing.
        if description is not None or response is not None:
            super().__init__()
            if description is not None:
                self.description = description
            if response is not None:
                self.response = response

    @property
    def name(self) -> str:
        """The status reason phrase, ``"Unknown Error"`` for unknown codes."""
        if self.code is None:
            return "Unknown Error"
        return HTTP_STATUS_CODES.get(self.code, "Unknown Error")

    def get_description(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> str:
        """Return the escaped description as an HTML paragraph."""
        if self.description:
            text = _escape(self.description).replace("\n", "<br>")
        else:
            text = ""
        return f"<p>{text}</p>"

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> str:
        """Return the HTML page sent for this error."""
        name = _escape(self.name)
        return (
            "<!doctype html>\n"
            "<html lang=en>\n"
            f"<title>{self.code} {name}</title>\n"
            f"<h1>{name}</h1>\n"
            f"{self.get_description(environ)}\n"
        )

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Return the headers of the error response; subclasses add to them."""
        return [("Content-Type", "text/html; charset=utf-8")]

    def get_response(
        self,
        environ: WSGIEnvironment | t.Any | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> Response:
        """Return the response to send: ``self.response`` or the HTML page.

        :param environ: the WSGI environ, or a request object wrapping one.
        """
        if self.response is not None:
            return self.response
        response_class: type[Response] = _RESPONSE.get()
        cls = type(self)
        if "description" not in self.__dict__:
            # PERF: a page that depends on nothing but the class (the common
            # 404 and 405) is rendered once per class.
            body = _PLAIN_PAGES.get(cls)
            if body is None:
                body = _PLAIN_PAGES[cls] = (
                    self.get_body().encode() if _has_plain_page(cls) else b""
                )
            if body:
                if cls.get_headers is HTTPException.get_headers:
                    # PERF: only Content-Type, which the response sets itself.
                    return response_class(body, self.code, mimetype="text/html")
                return response_class(
                    body, self.code, self.get_headers(_get_environ(environ), scope)
                )
        env = _get_environ(environ)
        headers = self.get_headers(env, scope)
        return response_class(self.get_body(env, scope), self.code, headers)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Send this error as a WSGI application."""
        response = self.get_response(environ)
        return response(environ, start_response)

    def __str__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"{code} {self.name}: {self.description}"

    def __repr__(self) -> str:
        code = self.code if self.code is not None else "???"
        return f"<{type(self).__name__} '{code}: {self.name}'>"


class BadRequest(HTTPException):
    """*400 Bad Request*: the request could not be understood."""

    code = 400
    description = (
        "The browser (or proxy) sent a request that this server could not understand."
    )


class BadRequestKeyError(BadRequest, KeyError):
    """A 400 raised for a missing key, as by ``request.form["name"]``.

    It is also a :class:`KeyError`, so ``except KeyError`` still catches it.
    Set :attr:`show_exception` (the app does so in debug mode) to append the
    missing key to the description.
    """

    _description = BadRequest.description
    #: Append ``KeyError: 'key'`` to the description.
    show_exception = False

    def __init__(self, arg: object | None = None, *args: t.Any, **kwargs: t.Any):
        super().__init__(*args, **kwargs)
        if arg is None:
            KeyError.__init__(self)
        else:
            KeyError.__init__(self, arg)

    @property
    def description(self) -> str:
        """The description, with the missing key when :attr:`show_exception`."""
        if self.show_exception:
            return f"{self._description}\nKeyError: {KeyError.__str__(self)}"
        return self._description

    @description.setter
    def description(self, value: str) -> None:
        self._description = value


class ClientDisconnected(BadRequest):
    """The client went away while the request body was being read."""


class SecurityError(BadRequest):
    """A request that looks like an attack (for example a bad path)."""


class BadHost(BadRequest):
    """The ``Host`` header is malformed or not trusted."""


class Unauthorized(HTTPException):
    """*401 Unauthorized*: authentication is required.

    :param www_authenticate: one challenge object, or a list of them, each
        rendered with ``str()`` into a ``WWW-Authenticate`` header.
    """

    code = 401
    description = (
        "The server could not verify that you are authorized to access the URL"
        " requested. You either supplied the wrong credentials (e.g. a bad"
        " password), or your browser doesn't understand how to supply the"
        " credentials required."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        www_authenticate: WWWAuthenticate
        | cabc.Iterable[WWWAuthenticate]
        | None = None,
    ) -> None:
        super().__init__(description, response)
        challenges: cabc.Sequence[WWWAuthenticate] | None
        if www_authenticate is None or isinstance(www_authenticate, (tuple, list)):
            challenges = www_authenticate
        else:
            # COMPAT: anything but a list or tuple counts as one challenge.
            challenges = (t.cast("WWWAuthenticate", www_authenticate),)
        self.www_authenticate = challenges

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Add one ``WWW-Authenticate`` header per challenge."""
        headers = super().get_headers(environ, scope)
        if self.www_authenticate:
            headers.extend(("WWW-Authenticate", str(x)) for x in self.www_authenticate)
        return headers


class Forbidden(HTTPException):
    """*403 Forbidden*: the client may not access the resource."""

    code = 403
    description = (
        "You don't have the permission to access the requested resource. It is"
        " either read-protected or not readable by the server."
    )


class NotFound(HTTPException):
    """*404 Not Found*: no resource at this URL."""

    code = 404
    description = (
        "The requested URL was not found on the server. If you entered the URL"
        " manually please check your spelling and try again."
    )


class MethodNotAllowed(HTTPException):
    """*405 Method Not Allowed*: the URL exists but not for this method.

    :param valid_methods: methods to list in the ``Allow`` header.
    """

    code = 405
    description = "The method is not allowed for the requested URL."

    def __init__(
        self,
        valid_methods: cabc.Iterable[str] | None = None,
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.valid_methods = valid_methods

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Add the ``Allow`` header when valid methods are known."""
        headers = super().get_headers(environ, scope)
        if self.valid_methods:
            headers.append(("Allow", ", ".join(self.valid_methods)))
        return headers


class NotAcceptable(HTTPException):
    """*406 Not Acceptable*: no representation matches the ``Accept`` headers."""

    code = 406
    description = (
        "The resource identified by the request is only capable of generating"
        " response entities which have content characteristics not acceptable"
        " according to the accept headers sent in the request."
    )


class RequestTimeout(HTTPException):
    """*408 Request Timeout*."""

    code = 408
    description = (
        "The server closed the network connection because the browser didn't"
        " finish the request within the specified time."
    )


class Conflict(HTTPException):
    """*409 Conflict*: the request conflicts with the resource's state."""

    code = 409
    description = (
        "A conflict happened while processing the request. The resource might"
        " have been modified while the request was being processed."
    )


class Gone(HTTPException):
    """*410 Gone*: the resource existed but was removed for good."""

    code = 410
    description = (
        "The requested URL is no longer available on this server and there is"
        " no forwarding address. If you followed a link from a foreign page,"
        " please contact the author of this page."
    )


class LengthRequired(HTTPException):
    """*411 Length Required*: the request needs a ``Content-Length``."""

    code = 411
    description = (
        "A request with this method requires a valid <code>Content-Length</code>"
        " header."
    )


class PreconditionFailed(HTTPException):
    """*412 Precondition Failed*: an ``If-*`` condition did not hold."""

    code = 412
    description = (
        "The precondition on the request for the URL failed positive evaluation."
    )


class RequestEntityTooLarge(HTTPException):
    """*413 Request Entity Too Large*: the body is over the configured limit."""

    code = 413
    description = "The data value transmitted exceeds the capacity limit."


class RequestURITooLarge(HTTPException):
    """*414 Request URI Too Long*."""

    code = 414
    description = (
        "The length of the requested URL exceeds the capacity limit for this"
        " server. The request cannot be processed."
    )


class UnsupportedMediaType(HTTPException):
    """*415 Unsupported Media Type*."""

    code = 415
    description = (
        "The server does not support the media type transmitted in the request."
    )


class RequestedRangeNotSatisfiable(HTTPException):
    """*416 Requested Range Not Satisfiable*.

    :param length: the full size of the resource, sent as ``Content-Range``.
    :param units: the range unit for ``Content-Range``.
    """

    code = 416
    description = "The server cannot provide the requested range."

    def __init__(
        self,
        length: int | None = None,
        units: str = "bytes",
        description: str | None = None,
        response: Response | None = None,
    ) -> None:
        super().__init__(description, response)
        self.length = length
        self.units = units

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Add ``Content-Range: <units> */<length>`` when the length is known."""
        headers = super().get_headers(environ, scope)
        if self.length is not None:
            headers.append(("Content-Range", f"{self.units} */{self.length}"))
        return headers


class ExpectationFailed(HTTPException):
    """*417 Expectation Failed*: the ``Expect`` header cannot be met."""

    code = 417
    description = "The server could not meet the requirements of the Expect header"


class ImATeapot(HTTPException):
    """*418 I'm a teapot* (RFC 2324)."""

    code = 418
    description = "This server is a teapot, not a coffee machine"


class MisdirectedRequest(HTTPException):
    """*421 Misdirected Request*."""

    code = 421
    description = "The server is not able to produce a response."


class UnprocessableEntity(HTTPException):
    """*422 Unprocessable Entity*: well-formed but semantically wrong."""

    code = 422
    description = (
        "The request was well-formed but was unable to be followed due to"
        " semantic errors."
    )


class Locked(HTTPException):
    """*423 Locked*."""

    code = 423
    description = "The resource that is being accessed is locked."


class FailedDependency(HTTPException):
    """*424 Failed Dependency*."""

    code = 424
    description = (
        "The method could not be performed on the resource because the"
        " requested action depended on another action and that action failed."
    )


class PreconditionRequired(HTTPException):
    """*428 Precondition Required*: the request must be conditional."""

    code = 428
    description = (
        "This request is required to be conditional; try using"
        ' "If-Match" or "If-Unmodified-Since".'
    )


class _RetryAfter(HTTPException):
    """Base for errors that may tell the client when to retry.

    :param retry_after: seconds to wait, or the moment to retry at.
    """

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        retry_after: datetime | int | None = None,
    ) -> None:
        super().__init__(description, response)
        self.retry_after = retry_after

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Add ``Retry-After`` (seconds, or an HTTP date) when set."""
        headers = super().get_headers(environ, scope)
        if self.retry_after:
            if isinstance(self.retry_after, datetime):
                value = http_date(self.retry_after)
            else:
                value = str(self.retry_after)
            headers.append(("Retry-After", value))
        return headers


class TooManyRequests(_RetryAfter):
    """*429 Too Many Requests*: the client is rate limited."""

    code = 429
    description = "This user has exceeded an allotted request count. Try again later."


class RequestHeaderFieldsTooLarge(HTTPException):
    """*431 Request Header Fields Too Large*."""

    code = 431
    description = "One or more header fields exceeds the maximum size."


class UnavailableForLegalReasons(HTTPException):
    """*451 Unavailable For Legal Reasons*."""

    code = 451
    description = "Unavailable for legal reasons."


class InternalServerError(HTTPException):
    """*500 Internal Server Error*.

    :param original_exception: the unhandled exception this 500 stands for.
    """

    code = 500
    description = (
        "The server encountered an internal error and was unable to complete"
        " your request. Either the server is overloaded or there is an error in"
        " the application."
    )

    def __init__(
        self,
        description: str | None = None,
        response: Response | None = None,
        original_exception: BaseException | None = None,
    ) -> None:
        #: The exception that caused this error, set by the app.
        self.original_exception = original_exception
        super().__init__(description, response)


class NotImplemented(HTTPException):
    """*501 Not Implemented*: the server cannot do what was asked."""

    code = 501
    description = "The server does not support the action requested by the browser."


class BadGateway(HTTPException):
    """*502 Bad Gateway*: an upstream server answered badly."""

    code = 502
    description = (
        "The proxy server received an invalid response from an upstream server."
    )


class ServiceUnavailable(_RetryAfter):
    """*503 Service Unavailable*: try again later."""

    code = 503
    description = (
        "The server is temporarily unable to service your request due to"
        " maintenance downtime or capacity problems. Please try again later."
    )


class GatewayTimeout(HTTPException):
    """*504 Gateway Timeout*: an upstream server did not answer in time."""

    code = 504
    description = "The connection to an upstream server timed out."


class HTTPVersionNotSupported(HTTPException):
    """*505 HTTP Version Not Supported*."""

    code = 505
    description = (
        "The server does not support the HTTP protocol version used in the request."
    )


def _collect_default_exceptions() -> dict[int, type[HTTPException]]:
    """Map each code to the first class defined for it in this module."""
    found: dict[int, type[HTTPException]] = {}
    for obj in list(globals().values()):
        if (
            isinstance(obj, type)
            and issubclass(obj, HTTPException)
            and obj.code is not None
        ):
            # COMPAT: BadRequest, not its subclasses, stands for 400.
            found.setdefault(obj.code, obj)
    return found


#: Status code -> exception class, used by :func:`abort`.
default_exceptions: dict[int, type[HTTPException]] = _collect_default_exceptions()


class Aborter:
    """Raise the exception registered for a status code.

    :param mapping: code -> exception class; defaults to a copy of
        :data:`default_exceptions`.
    :param extra: more entries added on top of ``mapping``.
    """

    def __init__(
        self,
        mapping: dict[int, type[HTTPException]] | None = None,
        extra: dict[int, type[HTTPException]] | None = None,
    ) -> None:
        if mapping is None:
            mapping = default_exceptions
        self.mapping = dict(mapping)
        if extra is not None:
            self.mapping.update(extra)

    def __call__(
        self, code: int | Response, *args: t.Any, **kwargs: t.Any
    ) -> t.NoReturn:
        """Raise the exception for ``code``, or wrap a response object.

        :raises LookupError: no exception is registered for ``code``.
        """
        if not args and not kwargs and not isinstance(code, int):
            raise HTTPException(response=code)
        if code not in self.mapping:
            raise LookupError(f"no exception for {code!r}")
        raise self.mapping[code](*args, **kwargs)


def abort(status: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the :class:`HTTPException` for ``status``.

    ``abort(404)`` raises :class:`NotFound`; extra arguments go to the
    exception's constructor. Given a response object instead of a code, it
    raises an :class:`HTTPException` that sends that response.
    """
    _aborter(status, *args, **kwargs)


_aborter: Aborter = Aborter()
