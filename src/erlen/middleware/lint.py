"""Check a WSGI server and application against PEP 3333 (Werkzeug's linter).

Wrap an application during development; every problem found is reported with
the :mod:`warnings` module as a :class:`WSGIWarning` (the WSGI protocol) or an
:class:`HTTPWarning` (the HTTP response)::

    from erlen.middleware.lint import LintMiddleware
    app.wsgi_app = LintMiddleware(app.wsgi_app)

The middleware never changes what passes through it. Where the protocol is
broken so badly that a check cannot go on (a status that is not a string), it
warns and lets the call through for the server to reject.
"""

from __future__ import annotations

import collections.abc as cabc
import re
import typing as t
from urllib.parse import urlsplit
from warnings import warn

from ..http.headers import is_entity_header

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment


class WSGIWarning(Warning):
    """A violation of the WSGI protocol (PEP 3333)."""


class HTTPWarning(Warning):
    """A problem with the HTTP response the application sends."""


# PEP 3333 "Specification Details": the keys every server must provide.
_REQUIRED_ENVIRON_KEYS = (
    "REQUEST_METHOD",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.version",
    "wsgi.input",
    "wsgi.errors",
    "wsgi.multithread",
    "wsgi.multiprocess",
    "wsgi.run_once",
)
_STATUS_CODE_RE = re.compile(r"[0-9]{3}")
# RFC 9110 §5.1: field-name = token
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110 §5.5: field values never hold CR, LF or NUL.
_BAD_VALUE_CHARS_RE = re.compile(r"[\r\n\x00]")
# RFC 9110 §15.4.5: a 304 may still send these representation headers.
_ALLOWED_IN_304 = frozenset(("content-location", "expires"))


def check_type(context: str, obj: object, need: type[t.Any] = str) -> bool:
    """Warn with :class:`WSGIWarning` unless ``obj`` is exactly of type ``need``.

    :param context: what is checked, named in the message.
    :param obj: the value to check.
    :param need: the required type (subclasses are not accepted, as in WSGI).
    :return: whether the type was right.
    """
    if type(obj) is need:
        return True
    warn(
        f"{context!r} requires {need.__name__!r}, got {type(obj).__name__!r}.",
        WSGIWarning,
        stacklevel=3,
    )
    return False


class _InputStream:
    """``wsgi.input`` that warns about reads WSGI does not promise to end."""

    def __init__(self, stream: t.Any) -> None:
        self._stream = stream

    def read(self, *args: t.Any) -> bytes:
        if not args:
            warn(
                "WSGI does not guarantee an EOF marker on the input stream, thus"
                " making calls to 'wsgi.input.read()' unsafe. Conforming servers"
                " may never return from this call.",
                WSGIWarning,
                stacklevel=2,
            )
        elif len(args) > 1:
            warn(
                "Too many parameters passed to 'wsgi.input.read()'.",
                WSGIWarning,
                stacklevel=2,
            )
        data: bytes = self._stream.read(*args)
        return data

    def readline(self, *args: t.Any) -> bytes:
        if not args:
            warn(
                "Calls to 'wsgi.input.readline()' without arguments are unsafe."
                " Use 'wsgi.input.read()' instead.",
                WSGIWarning,
                stacklevel=2,
            )
        elif len(args) == 1:
            warn(
                "'wsgi.input.readline()' was called with a size hint. WSGI does"
                " not support this, although it's available on all major servers.",
                WSGIWarning,
                stacklevel=2,
            )
        else:
            raise TypeError("Too many arguments passed to 'wsgi.input.readline()'.")
        line: bytes = self._stream.readline(*args)
        return line

    def __iter__(self) -> cabc.Iterator[bytes]:
        return iter(self._stream)

    def close(self) -> None:
        warn("The application closed the input stream!", WSGIWarning, stacklevel=2)
        self._stream.close()


class _ErrorStream:
    """``wsgi.errors`` that checks it is given text."""

    def __init__(self, stream: t.Any) -> None:
        self._stream = stream

    def write(self, text: str) -> None:
        check_type("wsgi.error.write()", text, str)
        self._stream.write(text)

    def writelines(self, lines: cabc.Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        warn("The application closed the error stream!", WSGIWarning, stacklevel=2)
        self._stream.close()


class _Exchange:
    """What one request has sent so far: status, headers and body size."""

    __slots__ = ("method", "status_code", "headers", "sent")

    def __init__(self, method: object) -> None:
        self.method = method
        self.status_code: int | None = None
        self.headers: list[tuple[str, str]] | None = None
        self.sent = 0

    def count(self, chunk: object) -> None:
        if isinstance(chunk, (bytes, bytearray)):
            self.sent += len(chunk)


class _GuardedWrite:
    """The ``write`` callable from ``start_response``, checking its argument."""

    def __init__(
        self, write: cabc.Callable[[bytes], object], exchange: _Exchange
    ) -> None:
        self._write = write
        self._exchange = exchange

    def __call__(self, data: bytes) -> None:
        check_type("write()", data, bytes)
        self._write(data)
        self._exchange.count(data)


class _GuardedIterator:
    """The application iterable, checking each item and the whole body at close."""

    def __init__(self, iterable: cabc.Iterable[bytes], exchange: _Exchange) -> None:
        self._iterable = iterable
        self._iterator = iter(iterable)
        self._exchange = exchange
        self.closed = False

    def __iter__(self) -> _GuardedIterator:
        return self

    def __next__(self) -> bytes:
        if self.closed:
            warn("Iterated over closed 'app_iter'.", WSGIWarning, stacklevel=2)
        chunk = next(self._iterator)
        if self._exchange.headers is None:
            warn(
                "The application returned before it started the response.",
                WSGIWarning,
                stacklevel=2,
            )
        check_type("application iterator items", chunk, bytes)
        self._exchange.count(chunk)
        return chunk

    def close(self) -> None:
        self.closed = True
        close = getattr(self._iterable, "close", None)
        if close is not None:
            close()
        _check_body(self._exchange)

    def __del__(self) -> None:
        if not self.closed:
            warn(
                "Iterator was garbage collected before it was closed.",
                WSGIWarning,
                stacklevel=2,
            )


def _check_body(exchange: _Exchange) -> None:
    """Compare the body sent with what the status and headers promise."""
    code = exchange.status_code
    if exchange.headers is None or code is None:
        return
    lengths = [v for k, v in exchange.headers if k.lower() == "content-length"]
    bodiless = code < 200 or code in (204, 304)
    # RFC 9110 §8.6: no Content-Length in a 1xx or 204 response.
    if (code < 200 or code == 204) and lengths and lengths[0].strip() != "0":
        warn(
            f"{code} responses must have an empty content length.",
            HTTPWarning,
            stacklevel=3,
        )
    if code == 304:
        for name, _ in exchange.headers:
            key = name.lower()
            if is_entity_header(key) and key not in _ALLOWED_IN_304:
                warn(
                    f"Entity header {key!r} found in 304 response.",
                    HTTPWarning,
                    stacklevel=3,
                )
    if bodiless:
        if exchange.sent:
            warn(f"{code} responses must not have a body.", HTTPWarning, stacklevel=3)
    elif lengths and lengths[0].isdigit() and exchange.method != "HEAD":
        # RFC 9110 §8.6: a HEAD response may announce the length of the GET body.
        if int(lengths[0]) != exchange.sent:
            warn(
                "Content-Length and the number of bytes sent to the client do"
                " not match.",
                WSGIWarning,
                stacklevel=3,
            )


class LintMiddleware:
    """Warn about WSGI and HTTP mistakes of the server and the wrapped app.

    Among the problems reported:

    - an environ that is not a ``dict`` or misses required keys;
    - invalid status lines and header lists passed to ``start_response``;
    - anything but ``bytes`` sent to the server, or a ``str`` returned as body;
    - a body in a 1xx, 204 or 304 response, content headers in a 304;
    - a ``Content-Length`` that does not match the bytes sent;
    - unquoted ETags and relative ``Location`` URLs;
    - unsafe calls to ``wsgi.input`` (``read()`` without a size);
    - an application iterable that is never closed.

    :param app: the WSGI application to wrap.

    .. note::
        Unlike Werkzeug, the middleware does not itself fail on a broken call
        (a non-string status, a header that is not a pair): it warns and
        passes the call on. It also reports header names that are not tokens
        and values holding CR, LF or NUL, does not report a missing
        ``Content-Length`` in a 204, and does not compare ``Content-Length``
        with the (empty) body of a ``HEAD`` or bodiless response.
    """

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def check_environ(self, environ: object) -> None:
        """Warn about an environ that PEP 3333 does not allow.

        :param environ: the environ given by the server.
        """
        if type(environ) is not dict:
            warn(
                "WSGI environment is not a standard Python dict.",
                WSGIWarning,
                stacklevel=4,
            )
            if not isinstance(environ, cabc.Mapping):
                return
        for key in _REQUIRED_ENVIRON_KEYS:
            if key not in environ:
                warn(
                    f"Required environment key {key!r} not found",
                    WSGIWarning,
                    stacklevel=3,
                )
        if environ.get("wsgi.version", (1, 0)) != (1, 0):
            warn("Environ is not a WSGI 1.0 environ.", WSGIWarning, stacklevel=3)
        for key in ("SCRIPT_NAME", "PATH_INFO"):
            value = environ.get(key, "")
            if check_type(key, value, str) and value and value[0] != "/":
                warn(
                    f"{key!r} does not start with a slash: {value!r}",
                    WSGIWarning,
                    stacklevel=3,
                )

    def check_start_response(
        self, status: object, headers: object, exc_info: object
    ) -> tuple[int | None, list[tuple[str, str]]]:
        """Check the arguments of a ``start_response`` call.

        :param status: the status line, such as ``"200 OK"``.
        :param headers: the list of ``(name, value)`` pairs.
        :param exc_info: ``None`` or a ``sys.exc_info()`` tuple.
        :return: the status code (``None`` if unreadable) and the well-formed
            header pairs.
        """
        code: int | None = None
        if check_type("status", status, str):
            code = _check_status(t.cast(str, status))
        pairs = _check_header_list(headers)
        if exc_info is not None and not isinstance(exc_info, tuple):
            warn("Invalid value for exc_info.", WSGIWarning, stacklevel=3)
        return code, pairs

    def check_headers(self, headers: list[tuple[str, str]]) -> None:
        """Warn about header values HTTP does not allow.

        :param headers: the well-formed ``(name, value)`` pairs.
        """
        found = {name.lower(): value for name, value in reversed(headers)}
        etag = found.get("etag")
        if etag is not None:
            if etag.startswith(("W/", "w/")):
                if etag[0] == "w":
                    warn(
                        "Weak etag indicator should be upper case.",
                        HTTPWarning,
                        stacklevel=4,
                    )
                etag = etag[2:]
            # RFC 9110 §8.8.3: entity-tag = [ weak ] DQUOTE *etagc DQUOTE
            if len(etag) < 2 or etag[0] != '"' or etag[-1] != '"':
                warn("Unquoted etag emitted.", HTTPWarning, stacklevel=4)
        location = found.get("location")
        if location is not None and not urlsplit(location).netloc:
            warn(
                "Absolute URLs required for location header.",
                HTTPWarning,
                stacklevel=4,
            )

    def check_iterator(self, app_iter: object) -> None:
        """Warn about a body returned as one string instead of an iterable.

        :param app_iter: what the application returned.
        """
        if isinstance(app_iter, str):
            warn(
                "The application returned a string. The response will send one"
                " character at a time to the client, which will kill"
                " performance. Return a list or iterable instead.",
                WSGIWarning,
                stacklevel=3,
            )
        elif isinstance(app_iter, (bytes, bytearray)):
            warn(
                "The application returned bytes. Iterating them gives integers,"
                " not byte strings. Return a list or iterable instead.",
                WSGIWarning,
                stacklevel=3,
            )

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> cabc.Iterable[bytes]:
        """Run the application with checked environ, callbacks and body."""
        if len(args) != 2:
            warn("A WSGI app takes two arguments.", WSGIWarning, stacklevel=2)
        if kwargs:
            warn(
                "A WSGI app does not take keyword arguments.",
                WSGIWarning,
                stacklevel=2,
            )
        if len(args) < 2:
            raise TypeError(
                f"A WSGI app is called as app(environ, start_response), got"
                f" {len(args)} positional arguments."
            )
        environ: object = args[0]
        start_response: StartResponse = args[1]
        self.check_environ(environ)
        method = None
        if isinstance(environ, cabc.Mapping):
            method = environ.get("REQUEST_METHOD")
        if isinstance(environ, cabc.MutableMapping):
            if "wsgi.input" in environ:
                environ["wsgi.input"] = _InputStream(environ["wsgi.input"])
            if "wsgi.errors" in environ:
                environ["wsgi.errors"] = _ErrorStream(environ["wsgi.errors"])
        exchange = _Exchange(method)

        def checking_start_response(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if len(args) not in (2, 3):
                warn(
                    f"Invalid number of arguments: {len(args)}, expected 2 or 3.",
                    WSGIWarning,
                    stacklevel=2,
                )
            if kwargs:
                warn(
                    "'start_response' does not take keyword arguments.",
                    WSGIWarning,
                    stacklevel=2,
                )
            if len(args) < 2:
                return start_response(*args, **kwargs)
            code, pairs = self.check_start_response(
                args[0], args[1], args[2] if len(args) > 2 else None
            )
            self.check_headers(pairs)
            exchange.status_code = code
            exchange.headers = pairs
            return _GuardedWrite(start_response(*args, **kwargs), exchange)

        app_iter = self.app(t.cast("WSGIEnvironment", environ), checking_start_response)
        self.check_iterator(app_iter)
        return _GuardedIterator(app_iter, exchange)


def _check_status(status: str) -> int | None:
    """Check a status line; return its code, or ``None`` if it has none."""
    token = status.split(None, 1)[0] if status.strip() else ""
    valid = _STATUS_CODE_RE.fullmatch(token) is not None
    if not valid:
        warn("Status code must be three digits.", WSGIWarning, stacklevel=4)
    # PEP 3333 "The start_response() Callable": a status code, a single space
    # and a reason phrase.
    if len(status) < 4 or status[3] != " ":
        warn(
            f"Invalid value for status {status!r}. Valid status strings are three"
            " digits, a space and a status explanation.",
            WSGIWarning,
            stacklevel=4,
        )
    if not token.isdigit() or not token.isascii():
        return None
    code = int(token)
    if code < 100:
        warn("Status code < 100 detected.", WSGIWarning, stacklevel=4)
    return code if valid else None


def _check_header_list(headers: object) -> list[tuple[str, str]]:
    """Check the header list; return the pairs that are well formed."""
    if type(headers) is not list:
        warn("Header list is not a list.", WSGIWarning, stacklevel=4)
    if not isinstance(headers, cabc.Iterable):
        return []
    pairs: list[tuple[str, str]] = []
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            warn("Header items must be 2-item tuples.", WSGIWarning, stacklevel=4)
            continue
        name, value = item
        if type(name) is not str or type(value) is not str:
            warn("Header keys and values must be strings.", WSGIWarning, stacklevel=4)
            continue
        if name.lower() == "status":
            warn(
                "The status header is not supported due to conflicts with the"
                " CGI spec.",
                WSGIWarning,
                stacklevel=4,
            )
        if _HEADER_NAME_RE.fullmatch(name) is None:
            warn(f"Invalid header name {name!r}.", WSGIWarning, stacklevel=4)
        if _BAD_VALUE_CHARS_RE.search(value) is not None:
            warn(
                f"The value of header {name!r} contains CR, LF or NUL.",
                WSGIWarning,
                stacklevel=4,
            )
        pairs.append((name, value))
    return pairs
