"""WSGI glue: closing iterators, URL reconstruction from an environ, bounded input."""

from __future__ import annotations

import collections.abc as cabc
import functools
import io
import re
import typing as t

from . import exceptions

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment


class ClosingIterator:
    """Iterate ``iterable`` and call every ``callbacks`` function on :meth:`close`.

    ``iterable.close()`` runs first when it exists. Every callback runs even when
    an earlier one raises; the first error is re-raised at the end.
    """

    def __init__(
        self,
        iterable: cabc.Iterable[bytes],
        callbacks: cabc.Callable[[], None]
        | cabc.Iterable[cabc.Callable[[], None]]
        | None = None,
    ) -> None:
        self._iterator = iter(iterable)
        if callbacks is None:
            funcs: list[cabc.Callable[[], None]] = []
        elif callable(callbacks):
            funcs = [callbacks]
        else:
            funcs = list(callbacks)
        close = getattr(iterable, "close", None)
        if close is not None:
            funcs.insert(0, close)
        self._callbacks = funcs

    def __iter__(self) -> ClosingIterator:
        return self

    def __next__(self) -> bytes:
        return next(self._iterator)

    def close(self) -> None:
        """Call the closing callbacks once each."""
        callbacks, self._callbacks = self._callbacks, []
        error: BaseException | None = None
        for callback in callbacks:
            try:
                callback()
            except Exception as exc:  # boundary: every callback must run
                if error is None:
                    error = exc
        if error is not None:
            raise error


# SECURITY: a Host header is echoed into URLs and redirects, so only a plain
# name or bracketed IPv6 literal with an optional port 1-65535 is accepted; the
# regex has no nested quantifiers and is matched against the whole value.
# RFC 9110 §7.2: Host = uri-host [ ":" port ]
_HOST_RE = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[0-9A-Za-z.-]+)(?::([1-9][0-9]{0,4}))?")
_DEFAULT_PORTS = {"http": "80", "ws": "80", "https": "443", "wss": "443"}


def get_host(environ: WSGIEnvironment) -> str:
    """Return the host the client asked for, with the port unless it is the default.

    ``HTTP_HOST`` wins over ``SERVER_NAME``/``SERVER_PORT``, as in Werkzeug. An
    IPv6 ``SERVER_NAME`` is put in brackets. A host that is not a valid name,
    IPv4 or bracketed IPv6 address with an optional port gives ``""``, as in
    Werkzeug 3.1.
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST")
    if host is None:
        host = environ.get("SERVER_NAME", "")
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        port = environ.get("SERVER_PORT")
        if port:
            host = f"{host}:{port}"
    match = _HOST_RE.fullmatch(host)
    if match is None:
        return ""
    port = match[1]
    if port is not None:
        if int(port) > 65535:
            return ""
        if _DEFAULT_PORTS.get(scheme) == port:
            return host[: -len(port) - 1]
    return host


def host_is_trusted(host: str, trusted_list: cabc.Iterable[str]) -> bool:
    """Whether ``host`` (port ignored) matches an entry of ``trusted_list``.

    An entry starting with ``.`` also matches every subdomain.
    """
    hostname = _strip_port(host).lower()
    for entry in trusted_list:
        entry = entry.lower()
        if entry.startswith("."):
            if hostname == entry[1:] or hostname.endswith(entry):
                return True
        elif hostname == _strip_port(entry):
            return True
    return False


def _strip_port(host: str) -> str:
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def get_current_url(
    environ: WSGIEnvironment,
    root_only: bool = False,
    strip_querystring: bool = False,
    host_only: bool = False,
    trusted_hosts: cabc.Collection[str] | None = None,
) -> str:
    """Rebuild the URL of a request from its environ, as an IRI.

    :param root_only: only the scheme, host and script root.
    :param strip_querystring: leave the query string out.
    :param host_only: only the scheme and host.
    :param trusted_hosts: refuse other hosts with :class:`SecurityError`.

    .. note:: The URL is the one the request's attributes give (``url``,
       ``base_url``, ``url_root``, ``host_url``), so a non-ASCII path is read
       as UTF-8 like ``request.url``; Werkzeug's function shows it as Latin-1.
    """
    from .wrappers.request import Request

    request = Request(environ, populate_request=False, shallow=True)
    if trusted_hosts is not None:
        request.trusted_hosts = list(trusted_hosts)
    if host_only:
        return request.host_url
    if root_only:
        return request.url_root
    if strip_querystring:
        return request.base_url
    return request.url


def get_path_info(environ: WSGIEnvironment) -> str:
    """Return ``PATH_INFO`` decoded as UTF-8 (invalid bytes replaced)."""
    path: str = environ.get("PATH_INFO", "")
    if path.isascii():
        return path
    return path.encode("latin-1").decode("utf-8", "replace")


def responder(
    f: cabc.Callable[..., WSGIApplication],
) -> cabc.Callable[..., cabc.Iterable[bytes]]:
    """Turn a function returning a WSGI application into a WSGI application.

    The last two arguments (``environ`` and ``start_response``) are passed on
    to the application the function returns, so it works on methods too.
    """

    @functools.wraps(f)
    def application(*args: t.Any) -> cabc.Iterable[bytes]:
        return f(*args)(*args[-2:])

    return application


class LimitedStream(io.RawIOBase):
    """Read at most ``limit`` bytes from a WSGI input stream.

    :param stream: the stream to read.
    :param limit: the number of bytes to allow.
    :param is_max: ``limit`` is a maximum (``MAX_CONTENT_LENGTH`` on a body of
        unknown length): reading past it raises :class:`RequestEntityTooLarge`
        instead of ending the stream, so a body over the limit is never silently
        cut.

    A stream that ends before ``limit`` bytes when the length was declared
    raises :class:`ClientDisconnected` (400).
    """

    def __init__(self, stream: t.IO[bytes], limit: int, is_max: bool = False) -> None:
        self._stream = stream
        self.limit = limit
        self._pos = 0
        self._is_max = is_max

    @property
    def is_exhausted(self) -> bool:
        """Whether the limit has been reached."""
        return self._pos >= self.limit

    def readable(self) -> bool:
        return True

    def _read_chunk(self, size: int) -> bytes:
        """Read at most ``size`` bytes, enforcing the limit."""
        if size == 0:
            return b""
        remaining = self.limit - self._pos
        if remaining <= 0:
            if self._is_max and self._stream.read(1):
                raise exceptions.RequestEntityTooLarge()
            return b""
        if self._is_max:
            # SECURITY: read one byte past the limit so an oversized body is
            # detected rather than truncated.
            data = self._stream.read(min(size, remaining + 1))
            if len(data) > remaining:
                raise exceptions.RequestEntityTooLarge()
        else:
            data = self._stream.read(min(size, remaining))
            if not data:
                raise exceptions.ClientDisconnected()
        self._pos += len(data)
        return data

    def readinto(self, buffer: t.Any) -> int:
        data = self._read_chunk(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        # SECURITY: never reads more than the limit, even for read() with no size.
        if size is not None and size >= 0:
            return self._read_chunk(size)
        # PERF: a declared length is read in one call (the server may still
        # return less, hence the loop); an open-ended body in bounded chunks.
        step = 64 * 1024 if self._is_max else max(self.limit - self._pos, 0)
        chunks: list[bytes] = []
        while chunk := self._read_chunk(step):
            chunks.append(chunk)
            if not self._is_max:
                step = self.limit - self._pos
        if len(chunks) == 1:
            return chunks[0]
        return b"".join(chunks)

    def tell(self) -> int:
        return self._pos

    def exhaust(self) -> bytes:
        """Read what is left up to the limit and return it.

        A client that disconnects early ends the reading: the bytes received
        are returned. A body over a maximum still raises
        :class:`RequestEntityTooLarge`.
        """
        chunks: list[bytes] = []
        try:
            while chunk := self._read_chunk(64 * 1024):
                chunks.append(chunk)
        except exceptions.ClientDisconnected:
            pass
        return b"".join(chunks)


class FileWrapper:
    """Iterate a binary file in blocks of ``buffer_size`` bytes (PEP 3333's
    ``wsgi.file_wrapper`` when the server has none); :meth:`close` closes it.

    Prefer :func:`wrap_file`, which uses the server's wrapper when it has one;
    a response returning the wrapper needs ``direct_passthrough=True``.

    :param file: an object with a binary ``read`` method.
    :param buffer_size: the size of each block.
    """

    def __init__(self, file: t.IO[bytes], buffer_size: int = 8192) -> None:
        self.file = file
        self.buffer_size = buffer_size

    def close(self) -> None:
        """Close the file, if it can be closed."""
        close = getattr(self.file, "close", None)
        if close is not None:
            close()

    def seekable(self) -> bool:
        """Whether the file can seek."""
        seekable = getattr(self.file, "seekable", None)
        return bool(seekable()) if seekable is not None else hasattr(self.file, "seek")

    def seek(self, *args: t.Any) -> None:
        """Move the file's position (``file.seek(*args)``)."""
        self.file.seek(*args)

    def tell(self) -> int | None:
        """The file's position, or ``None`` when it cannot tell."""
        tell = getattr(self.file, "tell", None)
        return tell() if tell is not None else None

    def __iter__(self) -> FileWrapper:
        return self

    def __next__(self) -> bytes:
        data = self.file.read(self.buffer_size)
        if data:
            return data
        raise StopIteration()


def wrap_file(
    environ: WSGIEnvironment, file: t.IO[bytes], buffer_size: int = 8192
) -> cabc.Iterable[bytes]:
    """Return the server's ``wsgi.file_wrapper`` for ``file``, or a
    :class:`FileWrapper` (pass it through with ``direct_passthrough=True``)."""
    wrapper = environ.get("wsgi.file_wrapper", FileWrapper)
    return wrapper(file, buffer_size)  # type: ignore[no-any-return]


def get_content_length(environ: WSGIEnvironment) -> int | None:
    """Return ``CONTENT_LENGTH`` as an ``int``, ``None`` when absent or chunked.

    :raises BadRequest: the header is not a non-negative integer.
    """
    # RFC 9112 §6.3: a Transfer-Encoding overrides any Content-Length; coding
    # names are case-insensitive (§7).
    if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
        return None
    raw = environ.get("CONTENT_LENGTH")
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    # SECURITY: a bounded run of ASCII digits only; "-1", "1e9" or "+5" are refused.
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        raise exceptions.BadRequest("The Content-Length header is not valid.")
    return int(raw)


def read_small_body(
    environ: WSGIEnvironment, max_content_length: int | None, size_limit: int
) -> bytes | None:
    """Read a body of declared length up to ``size_limit`` bytes in one go.

    Gives the body, or ``None`` (nothing read) when the length is unknown or
    over ``size_limit``. The input is then where :func:`get_input_stream`'s
    stream would have left it; :func:`exhausted_stream` stands for that stream.

    :raises BadRequest: ``Content-Length`` is not valid.
    :raises RequestEntityTooLarge: the declared length is over the maximum.
    :raises ClientDisconnected: the body ends before its declared length.
    """
    length = get_content_length(environ)
    if length is None or length > size_limit:
        return None
    return read_declared_body(environ, length, max_content_length)


def read_declared_body(
    environ: WSGIEnvironment, length: int, max_content_length: int | None
) -> bytes:
    """Read a body of known ``length`` whole, checking it against the maximum.

    :raises RequestEntityTooLarge: ``length`` is over ``max_content_length``
        (nothing is read).
    :raises ClientDisconnected: the body ends before ``length`` bytes.
    """
    if max_content_length is not None and length > max_content_length:
        raise exceptions.RequestEntityTooLarge()
    raw: t.IO[bytes] = environ["wsgi.input"]
    # PERF: read() straight from wsgi.input, with no LimitedStream in between.
    body = read_up_to(raw.read, length)
    if len(body) < length:
        raise exceptions.ClientDisconnected()
    return body


def exhausted_stream(environ: WSGIEnvironment, length: int) -> LimitedStream:
    """Return the bounded stream of a ``length``-byte body already read to its end."""
    stream = LimitedStream(environ["wsgi.input"], length)
    stream._pos = length
    return stream


def read_up_to(read: cabc.Callable[[int], bytes], length: int) -> bytes:
    """Read ``length`` bytes with ``read``, or fewer when the input ends first.

    The first call asks for all of them, so a stream that gives them at once
    is read in one call and its bytes object is returned as it is.
    """
    if length <= 0:
        return b""
    # SECURITY: never asks for more than the declared length.
    chunk = read(length)
    if type(chunk) is bytes and len(chunk) == length:
        return chunk  # PERF: the usual whole read, without the loop
    chunks = []
    received = 0
    while chunk:
        chunks.append(chunk)
        received += len(chunk)
        if received >= length:
            break
        chunk = read(length - received)
    return b"".join(chunks)


def get_input_stream(
    environ: WSGIEnvironment, max_content_length: int | None = None
) -> t.IO[bytes]:
    """Return the request body as a stream that cannot read past its end.

    A declared ``Content-Length`` bounds the stream. A body the server terminates
    itself (``wsgi.input_terminated``, chunked transfer) is read to its end, but
    never past ``max_content_length``. A body with neither gives an empty stream.

    :raises RequestEntityTooLarge: the declared length is over the maximum.
    """
    stream: t.IO[bytes] = environ["wsgi.input"]
    content_length = get_content_length(environ)
    if content_length is not None:
        if max_content_length is not None and content_length > max_content_length:
            raise exceptions.RequestEntityTooLarge()
        return t.cast("t.IO[bytes]", LimitedStream(stream, content_length))
    if environ.get("wsgi.input_terminated"):
        if max_content_length is not None:
            return t.cast(
                "t.IO[bytes]", LimitedStream(stream, max_content_length, True)
            )
        return stream
    return io.BytesIO()
