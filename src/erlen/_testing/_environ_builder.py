"""Werkzeug's ``EnvironBuilder``: build a PEP 3333 environ from URL-ish arguments."""

from __future__ import annotations

import base64
import json as _json
import sys
import typing as t
from io import BytesIO
from urllib.parse import quote
from urllib.parse import unquote
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..datastructures import FileMultiDict
from ..datastructures import Headers
from ..datastructures import MultiDict
from ..utils import get_content_type
from ._environ import PATH_SAFE
from ._environ import RAW_PATH_SAFE
from ._environ import headers_from_environ
from ._environ import split_host
from ._environ import urlencode_multi
from ._environ import wsgi_decode
from ._environ import wsgi_encode
from ._multipart import is_file_value
from ._multipart import iter_multi_items
from ._multipart import make_boundary
from ._multipart import write_multipart

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ..wrappers.request import Request


class EnvironBuilder:
    """Build a WSGI environ (and a :class:`~erlen.wrappers.Request`) for tests.

    :param path: the request path; a ``?query`` part becomes the query string.
    :param base_url: scheme, host and script root, ``"http://localhost/"`` by
        default; it must not hold a query or a fragment.
    :param query_string: a ``str``, or a mapping/``MultiDict`` stored as
        :attr:`args`. Giving one while ``path`` has a query is a ``ValueError``.
    :param method: the request method.
    :param input_stream: a byte stream used as the body.
    :param content_type: the ``Content-Type`` header.
    :param content_length: the ``Content-Length`` header.
    :param errors_stream: ``wsgi.errors``; ``sys.stderr`` by default.
    :param multithread: ``wsgi.multithread``.
    :param multiprocess: ``wsgi.multiprocess``.
    :param run_once: ``wsgi.run_once``.
    :param headers: a :class:`~erlen.datastructures.Headers`, mapping or pairs.
    :param data: the body: ``str``/``bytes``/a stream sent raw, or a mapping of
        form fields. A field whose value is a file, a ``FileStorage`` or a
        ``(file, filename[, content_type])`` tuple makes the body multipart.
    :param environ_base: keys the environ starts from.
    :param environ_overrides: keys applied after everything else.
    :param mimetype: sets the ``Content-Type`` (with a charset for text types).
    :param json: an object serialised with :meth:`json_dumps` as the body.
    :param auth: ``(username, password)`` for Basic auth, or an object with a
        ``to_header()`` method.
    """

    server_protocol = "HTTP/1.1"
    wsgi_version = (1, 0)
    #: The request class :meth:`get_request` builds (``erlen.wrappers.Request``).
    request_class: type[Request] | None = None

    def __init__(
        self,
        path: str = "/",
        base_url: str | None = None,
        query_string: t.Mapping[str, str] | str | None = None,
        method: str = "GET",
        input_stream: t.IO[bytes] | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        errors_stream: t.IO[str] | None = None,
        multithread: bool = False,
        multiprocess: bool = False,
        run_once: bool = False,
        headers: Headers | t.Iterable[tuple[str, str]] | None = None,
        data: None | (t.IO[bytes] | str | bytes | t.Mapping[str, t.Any]) = None,
        environ_base: t.Mapping[str, t.Any] | None = None,
        environ_overrides: t.Mapping[str, t.Any] | None = None,
        mimetype: str | None = None,
        json: t.Mapping[str, t.Any] | None = None,
        auth: t.Any | None = None,
    ) -> None:
        split = urlsplit(path)
        if query_string is not None and "?" in path:
            raise ValueError("Query string is defined in the path and as an argument")
        self.request_uri = path
        self.path = quote(split.path, safe=PATH_SAFE)
        self.base_url = base_url
        self._query_string: str | None = None
        self._args: MultiDict[str, t.Any] | None = None
        if isinstance(query_string, str):
            self.query_string = query_string
        elif query_string is None:
            self.query_string = split.query
        else:
            self.args = MultiDict(query_string)
        self.method = method
        self.headers = Headers(headers) if headers is not None else Headers()
        if content_type is not None:
            self.content_type = content_type
        # COMPAT: as in Werkzeug, a Content-Length in ``headers`` is replaced.
        self.content_length = content_length
        self.errors_stream = sys.stderr if errors_stream is None else errors_stream
        self.multithread = multithread
        self.multiprocess = multiprocess
        self.run_once = run_once
        self.environ_base = environ_base
        self.environ_overrides = environ_overrides
        self._input_stream: t.IO[bytes] | None = input_stream
        self._form: MultiDict[str, t.Any] | None = None
        self._files: FileMultiDict | None = None
        self.closed = False
        if json is not None:
            if data is not None:
                raise TypeError("can't provide both json and data")
            data = self.json_dumps(json)
            if self.content_type is None:
                self.content_type = "application/json"
        if data is not None:
            self._set_data(data)
        if mimetype is not None:
            self.mimetype = mimetype
        if auth is not None:
            self._set_auth(auth)

    def _set_data(self, data: t.Any) -> None:
        if self._input_stream is not None:
            raise TypeError("can't provide input stream and data")
        if hasattr(data, "read"):
            data = data.read()
        if isinstance(data, str):
            data = data.encode()
        if isinstance(data, (bytes, bytearray)):
            self._input_stream = BytesIO(data)
            if self.content_length is None:
                self.content_length = len(data)
            return
        for key, value in iter_multi_items(data):
            if isinstance(value, tuple):
                self.files.add_file(key, *value)
            elif is_file_value(value):
                self.files.add_file(key, value)
            else:
                self.form.add(key, value)

    def _set_auth(self, auth: t.Any) -> None:
        if isinstance(auth, tuple):
            username, password = auth
            token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"
        else:
            self.headers["Authorization"] = auth.to_header()

    @classmethod
    def from_environ(cls, environ: WSGIEnvironment, **kwargs: t.Any) -> EnvironBuilder:
        """Return a builder that reproduces ``environ``; ``kwargs`` override it.

        The body stream is reused, not copied.
        """
        headers = headers_from_environ(environ)
        host = headers.get("Host") or environ.get("SERVER_NAME", "localhost")
        base_url = urlunsplit(
            (
                environ.get("wsgi.url_scheme", "http"),
                host,
                wsgi_decode(environ.get("SCRIPT_NAME", "")),
                "",
                "",
            )
        )
        for name in ("Host", "Content-Type", "Content-Length"):
            if name in headers:
                del headers[name]
        content_length = environ.get("CONTENT_LENGTH")
        out: dict[str, t.Any] = {
            "path": quote(
                wsgi_decode(environ.get("PATH_INFO", "")), safe=RAW_PATH_SAFE
            ),
            "base_url": base_url,
            "query_string": wsgi_decode(environ.get("QUERY_STRING", "")),
            "method": environ.get("REQUEST_METHOD", "GET"),
            "input_stream": environ.get("wsgi.input"),
            "content_type": environ.get("CONTENT_TYPE") or None,
            "content_length": int(content_length) if content_length else None,
            "errors_stream": environ.get("wsgi.errors"),
            "multithread": environ.get("wsgi.multithread", False),
            "multiprocess": environ.get("wsgi.multiprocess", False),
            "run_once": environ.get("wsgi.run_once", False),
            "headers": headers,
        }
        out.update(kwargs)
        return cls(**out)

    # -- URL parts --------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """Scheme, host and script root as a URL ending in ``/``."""
        root = urlunsplit((self.url_scheme, self.host, self.script_root, "", ""))
        return root.rstrip("/") + "/"

    @base_url.setter
    def base_url(self, value: str | None) -> None:
        if value is None:
            scheme, netloc, script_root = "http", "localhost", ""
        else:
            split = urlsplit(value)
            if split.query or split.fragment:
                raise ValueError("base url must not contain a query string or fragment")
            scheme = split.scheme or "http"
            netloc = split.netloc or "localhost"
            script_root = split.path.rstrip("/")
        self.url_scheme = scheme
        self.host = netloc
        self.script_root = script_root

    @property
    def server_name(self) -> str:
        """The host name without the port."""
        return split_host(self.host, self.url_scheme)[0]

    @property
    def server_port(self) -> int:
        """The port: the one in the host, else the scheme's default."""
        return split_host(self.host, self.url_scheme)[1]

    @property
    def query_string(self) -> str:
        """The query string; derived from :attr:`args` when those were set."""
        if self._query_string is None:
            return urlencode_multi(self._args) if self._args else ""
        return self._query_string

    @query_string.setter
    def query_string(self, value: str | None) -> None:
        self._query_string = value
        self._args = None

    @property
    def args(self) -> MultiDict[str, t.Any]:
        """The query arguments as a ``MultiDict`` (only when no string was set).

        :raises AttributeError: a query string was set.
        """
        if self._query_string is not None:
            raise AttributeError("a query string is defined")
        if self._args is None:
            self._args = MultiDict()
        return self._args

    @args.setter
    def args(self, value: MultiDict[str, t.Any] | None) -> None:
        self._query_string = None
        self._args = value

    # -- headers ----------------------------------------------------------------

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type``, else the type implied by :attr:`form`/:attr:`files`."""
        content_type = self.headers.get("Content-Type")
        if content_type is None and self._input_stream is None:
            if self._files:
                return "multipart/form-data"
            if self._form:
                return "application/x-www-form-urlencoded"
        return content_type

    @content_type.setter
    def content_type(self, value: str | None) -> None:
        self._set_header("Content-Type", value)

    @property
    def mimetype(self) -> str | None:
        """The content type without parameters, lower-cased."""
        content_type = self.content_type
        if not content_type:
            return None
        return content_type.partition(";")[0].strip().lower()

    @mimetype.setter
    def mimetype(self, value: str) -> None:
        self.content_type = get_content_type(value, "utf-8")

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The ``Content-Type`` parameters as a new ``dict`` (a copy)."""
        params: dict[str, str] = {}
        for item in (self.content_type or "").split(";")[1:]:
            key, sep, value = item.partition("=")
            if sep:
                params[key.strip().lower()] = value.strip().strip('"')
        return params

    @property
    def content_length(self) -> int | None:
        """The ``Content-Length`` header as an ``int`` (``None`` if absent or bad)."""
        value = self.headers.get("Content-Length")
        if value is not None and value.strip().isdigit():
            return int(value)
        return None

    @content_length.setter
    def content_length(self, value: int | None) -> None:
        self._set_header("Content-Length", None if value is None else str(value))

    def _set_header(self, name: str, value: str | None) -> None:
        if value is not None:
            self.headers[name] = value
        elif name in self.headers:
            del self.headers[name]

    # -- body ---------------------------------------------------------------------

    @property
    def form(self) -> MultiDict[str, t.Any]:
        """The form fields (not files) sent as the body.

        :raises AttributeError: an input stream was set instead.
        """
        if self._form is None:
            if self._input_stream is not None:
                raise AttributeError("an input stream is defined")
            self._form = MultiDict()
        return self._form

    @form.setter
    def form(self, value: MultiDict[str, t.Any]) -> None:
        self._input_stream = None
        self._form = value

    @property
    def files(self) -> FileMultiDict:
        """The files sent in a multipart body; ``files.add_file(...)`` adds one.

        :raises AttributeError: an input stream was set instead.
        """
        if self._files is None:
            if self._input_stream is not None:
                raise AttributeError("an input stream is defined")
            self._files = FileMultiDict()
        return self._files

    @files.setter
    def files(self, value: FileMultiDict) -> None:
        self._input_stream = None
        self._files = value

    @property
    def input_stream(self) -> t.IO[bytes] | None:
        """The raw body stream; setting it drops :attr:`form` and :attr:`files`."""
        return self._input_stream

    @input_stream.setter
    def input_stream(self, value: t.IO[bytes] | None) -> None:
        self._input_stream = value
        self._form = None
        self._files = None

    @staticmethod
    def json_dumps(obj: t.Any, **kwargs: t.Any) -> str:
        """Serialise the ``json`` argument (the standard library's ``json.dumps``)."""
        return _json.dumps(obj, **kwargs)

    # -- output -------------------------------------------------------------------

    def _body(self) -> tuple[t.IO[bytes], int | None, str | None]:
        stream = self._input_stream
        content_type = self.content_type
        mimetype = self.mimetype
        if stream is not None:
            length = self.content_length
            try:
                start = stream.tell()
                stream.seek(0, 2)
                end = stream.tell()
                stream.seek(start)
            except (AttributeError, OSError, ValueError):
                return stream, length, content_type
            return stream, end - start, content_type
        if mimetype == "multipart/form-data":
            boundary = make_boundary()
            body = BytesIO()
            items = [*iter_multi_items(self.form), *iter_multi_items(self.files)]
            write_multipart(body, items, boundary)
            length = body.tell()
            body.seek(0)
            return body, length, f'{mimetype}; boundary="{boundary}"'
        if mimetype == "application/x-www-form-urlencoded":
            encoded = urlencode_multi(self.form).encode("ascii")
            return BytesIO(encoded), len(encoded), content_type
        return BytesIO(), self.content_length, content_type

    def get_environ(self) -> WSGIEnvironment:
        """Return a new WSGI environ for the current settings.

        A form is encoded into a new body each time; an input stream is reused
        and its length measured from the current position to the end.
        """
        stream, length, content_type = self._body()
        environ: dict[str, t.Any] = dict(self.environ_base or ())
        raw_uri = wsgi_encode(self.request_uri)
        environ.update(
            {
                "REQUEST_METHOD": self.method,
                "SCRIPT_NAME": wsgi_encode(unquote(self.script_root)),
                "PATH_INFO": wsgi_encode(unquote(self.path)),
                "QUERY_STRING": wsgi_encode(self.query_string),
                # COMPAT: REQUEST_URI and RAW_URI are what gunicorn and Werkzeug's
                # server set: the path as the client sent it.
                "REQUEST_URI": raw_uri,
                "RAW_URI": raw_uri,
                "SERVER_NAME": self.server_name,
                "SERVER_PORT": str(self.server_port),
                "HTTP_HOST": self.host,
                "SERVER_PROTOCOL": self.server_protocol,
                "wsgi.version": self.wsgi_version,
                "wsgi.url_scheme": self.url_scheme,
                "wsgi.input": stream,
                "wsgi.errors": self.errors_stream,
                "wsgi.multithread": self.multithread,
                "wsgi.multiprocess": self.multiprocess,
                "wsgi.run_once": self.run_once,
            }
        )
        if content_type is not None:
            environ["CONTENT_TYPE"] = content_type
        if length is not None:
            environ["CONTENT_LENGTH"] = str(length)
        combined: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            lower = name.lower()
            if lower in ("content-type", "content-length"):
                continue
            key = f"HTTP_{name.upper().replace('-', '_')}"
            combined.setdefault(key, []).append(value)
        for key, values in combined.items():
            environ[key] = ", ".join(values)
        if self.environ_overrides:
            environ.update(self.environ_overrides)
        return environ

    def get_request(self, cls: type[Request] | None = None) -> Request:
        """Return a request (``cls``, else :attr:`request_class`) for this environ."""
        if cls is None:
            cls = self.request_class
            if cls is None:
                from ..wrappers.request import Request

                cls = Request
        return cls(self.get_environ())

    def close(self) -> None:
        """Close the files added to the builder. Calling it again does nothing."""
        if self.closed:
            return
        if self._files:
            for _key, value in iter_multi_items(self._files):
                close = getattr(value, "close", None)
                if close is not None:
                    close()
        self.closed = True


def create_environ(*args: t.Any, **kwargs: t.Any) -> WSGIEnvironment:
    """Return :meth:`EnvironBuilder.get_environ` for the given builder arguments."""
    builder = EnvironBuilder(*args, **kwargs)
    try:
        return builder.get_environ()
    finally:
        builder.close()
