"""The request object: a lazy, cached view of one WSGI environ."""

from __future__ import annotations

import collections.abc as cabc
import functools
import re
import typing as t
from io import BytesIO
from urllib.parse import quote

from .. import exceptions as exc
from .._lazy import LazyImport
from ..datastructures import CombinedMultiDict
from ..datastructures import FileStorage
from ..datastructures import ImmutableMultiDict
from ..datastructures import MultiDict
from ..datastructures.multidict import _SingleValueImmutableMultiDict
from ..globals import _cv_ctx
from ..http.errors import HTTPParseError
from ..http.forms import decode_urlencoded_single
from ..http.urls import parse_query_lists
from ..http.urls import parse_query_pairs
from ..http.urls import uri_to_iri
from ..user_agent import UserAgent
from ..utils import cached_property
from ..wsgi import exhausted_stream
from ..wsgi import get_host
from ..wsgi import get_input_stream
from ..wsgi import get_path_info
from ..wsgi import host_is_trusted
from ..wsgi import read_declared_body
from ..wsgi import read_small_body
from ._app import JSON_MODULE
from ._app import app_config
from ._app import app_debug
from ._app import json_loads
from ._request_headers import RequestHeaders
from ._request_headers import http_error_for as http_error_for

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

    from ..formparser import FormDataParser
    from ..routing import Rule

_URLENCODED = "application/x-www-form-urlencoded"
# The bodies Request.form and Request.files parse (FormDataParser.can_parse).
_FORM_MIMETYPES = frozenset((_URLENCODED, "multipart/form-data"))


# PERF: Request.form_data_parser_class until a subclass sets its own, imported
# on first use: tempfile and the multipart decoder stay unloaded for apps that
# never read a form.
_DEFAULT_PARSER = LazyImport("..formparser", "FormDataParser", __package__)


class Request(RequestHeaders):
    """The request being handled, read lazily from the WSGI ``environ``.

    :param environ: the WSGI environ.
    :param populate_request: store the request as ``environ["erlen.request"]``.
    :param shallow: refuse to read the body (for middleware that must not).

    ``Request(environ)`` parses nothing; every attribute is computed on first
    access and cached.
    """

    parameter_storage_class: type[MultiDict[str, t.Any]] = ImmutableMultiDict
    #: The module with ``dumps``/``loads`` for JSON bodies (:mod:`erlen.json`).
    json_module = JSON_MODULE
    #: The parser :meth:`make_form_data_parser` builds (erlen's ``FormDataParser``).
    form_data_parser_class: type[FormDataParser] = _DEFAULT_PARSER  # type: ignore[assignment]
    dict_storage_class: type[MultiDict[str, t.Any]] = ImmutableMultiDict
    list_storage_class: type[list[t.Any]] = list
    user_agent_class: type[UserAgent] = UserAgent
    trusted_hosts: list[str] | None = None
    max_query_pairs: int | None = 10_000

    #: The matched rule, set by the app (``None`` when routing failed).
    url_rule: Rule | None = None
    #: The converted URL arguments of the matched rule.
    view_args: dict[str, t.Any] | None = None
    #: The routing error (404, 405, redirect) to raise at dispatch, if any.
    routing_exception: Exception | None = None

    #: Whether reading the body is refused (a request built for routing only).
    shallow = False

    _max_content_length: int | None = None
    _max_form_memory_size: int | None = None
    _max_form_parts: int | None = None

    #: Whether ``stream`` is this class's own (set per subclass).
    _default_stream: t.ClassVar[bool] = True
    _default_parser: t.ClassVar[bool] = True
    #: Whether the three limit properties are this class's own.
    _default_limits: t.ClassVar[bool] = True
    #: All three, and ImmutableMultiDict as the storage class: a small
    #: urlencoded body is decoded by _small_urlencoded_form.
    _plain_form: t.ClassVar[bool] = True
    #: Whether the end of the request must call :meth:`close`: uploaded files
    #: were kept, or the class has its own ``close`` or ``_load_form_data``.
    #: PERF: a flag, so the request's end never reads ``__dict__`` (which on
    #: 3.11 turns the instance's inline attributes into a real dict).
    _needs_close = False

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        from inspect import getattr_static

        # PERF: computed once per class, so the body fast paths test a flag.
        cls._default_stream = getattr_static(cls, "stream") is _REQUEST_STREAM
        cls._default_parser = (
            cls.make_form_data_parser is Request.make_form_data_parser
            and getattr_static(cls, "form_data_parser_class") is _DEFAULT_PARSER
        )
        cls._default_limits = all(
            getattr_static(cls, name) is Request.__dict__[name] for name in _LIMITS
        )
        cls._needs_close = not (
            cls.close is Request.close
            and cls._load_form_data is Request._load_form_data
        )
        cls._plain_form = (
            cls._default_stream
            and cls._default_parser
            and cls._default_limits
            and getattr_static(cls, "parameter_storage_class") is ImmutableMultiDict
        )

    def __init__(
        self,
        environ: WSGIEnvironment,
        populate_request: bool = True,
        shallow: bool = False,
    ) -> None:
        self.environ = environ
        if shallow:
            self.shallow = True
        elif populate_request:
            environ["erlen.request"] = self

    def __repr__(self) -> str:
        try:
            url = self.url
        except Exception:  # a broken environ must still be printable
            url = "(invalid URL)"
        return f"<{type(self).__name__} {url!r} [{self.method}]>"

    # -- the request line -----------------------------------------------------

    @cached_property
    def method(self) -> str:
        """The request method, upper-cased (``"GET"``)."""
        return self.environ.get("REQUEST_METHOD", "GET").upper()  # type: ignore[no-any-return]

    @cached_property
    def scheme(self) -> str:
        """The URL scheme, ``"http"`` or ``"https"``."""
        return self.environ.get("wsgi.url_scheme", "http")  # type: ignore[no-any-return]

    @property
    def is_secure(self) -> bool:
        """Whether the request came over HTTPS."""
        return self.scheme in ("https", "wss")

    @cached_property
    def host(self) -> str:
        """The host (and port, unless default) the client asked for.

        :raises SecurityError: the host is not in ``trusted_hosts``.
        """
        host = get_host(self.environ)
        if self.trusted_hosts is not None and not host_is_trusted(
            host, self.trusted_hosts
        ):
            raise exc.SecurityError(f"Host {host!r} is not trusted.")
        return host

    @cached_property
    def root_path(self) -> str:
        """The mount point of the app (``SCRIPT_NAME``), without a trailing slash."""
        raw = self.environ.get("SCRIPT_NAME", "")
        if not raw.isascii():
            raw = raw.encode("latin-1").decode("utf-8", "replace")
        return raw.rstrip("/")  # type: ignore[no-any-return]

    script_root = root_path

    @cached_property
    def path(self) -> str:
        """The path below the mount point, always starting with ``/``."""
        return "/" + get_path_info(self.environ).lstrip("/")

    @cached_property
    def query_string(self) -> bytes:
        """The raw query string as bytes."""
        return self.environ.get("QUERY_STRING", "").encode("latin-1")  # type: ignore[no-any-return]

    @cached_property
    def full_path(self) -> str:
        """The path and the query string (``"/a?b=c"``; ``"/a?"`` when empty).

        .. note:: A query string that is not UTF-8 has its bad bytes replaced;
            Werkzeug raises ``UnicodeDecodeError`` (a 500) there.
        """
        raw = self.environ.get("QUERY_STRING", "")
        if not raw.isascii():
            raw = raw.encode("latin-1").decode("utf-8", "replace")
        return f"{self.path}?{raw}"

    @cached_property
    def host_url(self) -> str:
        """The scheme and host, with a trailing slash, as an IRI."""
        return _to_iri(f"{self.scheme}://{self.host}/")

    @cached_property
    def url_root(self) -> str:
        """The scheme, host and root path, with a trailing slash, as an IRI."""
        return _to_iri(f"{self.scheme}://{self.host}{_quote_url_part(self.root_path)}/")

    @property
    def root_url(self) -> str:
        """The same as :attr:`url_root`."""
        return self.url_root

    @cached_property
    def base_url(self) -> str:
        """The full URL without the query string, as an IRI."""
        return _to_iri(
            f"{self.scheme}://{self.host}"
            f"{_quote_url_part(self.root_path)}{_quote_url_part(self.path)}"
        )

    @cached_property
    def url(self) -> str:
        """The full URL, with the query string when there is one, as an IRI."""
        raw = self.environ.get("QUERY_STRING", "")
        if not raw:
            return self.base_url
        query = raw.encode("latin-1") if not raw.isascii() else raw
        return _to_iri(f"{self.base_url}?{_quote_url_part(query, _QUERY_SAFE)}")

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query string arguments.

        :raises RequestURITooLarge: more pairs than ``max_query_pairs`` (414).
        """
        query = self.environ.get("QUERY_STRING")
        cls = self.parameter_storage_class
        if not query:
            return cls()
        try:
            if query.isascii():
                # PERF: grouped straight into the dict the MultiDict keeps.
                lists = parse_query_lists(query, max_pairs=self.max_query_pairs)
                return _storage_from_lists(cls, lists)
            pairs = parse_query_pairs(
                query.encode("latin-1"), max_pairs=self.max_query_pairs
            )
        except HTTPParseError as error:
            raise http_error_for(error) from error
        return cls(pairs)

    # -- client ---------------------------------------------------------------

    @property
    def remote_addr(self) -> str | None:
        """The client address as the server saw it."""
        return self.environ.get("REMOTE_ADDR")

    @cached_property
    def access_route(self) -> list[str]:
        """The ``X-Forwarded-For`` chain, or the remote address alone."""
        forwarded = self.environ.get("HTTP_X_FORWARDED_FOR")
        # COMPAT: a header that is present but empty gives an empty route.
        if forwarded is not None:
            return self.list_storage_class(
                [part.strip() for part in forwarded.split(",") if part.strip()]
            )
        if self.remote_addr:
            return self.list_storage_class([self.remote_addr])
        return self.list_storage_class()

    @cached_property
    def user_agent(self) -> UserAgent:
        """The ``User-Agent`` header as :attr:`user_agent_class`."""
        return self.user_agent_class(self.environ.get("HTTP_USER_AGENT", ""))

    # -- routing results (Flask) ----------------------------------------------

    @property
    def endpoint(self) -> str | None:
        """The endpoint of the matched rule."""
        return self.url_rule.endpoint if self.url_rule is not None else None

    @property
    def blueprint(self) -> str | None:
        """The dotted name of the blueprint that handles the request."""
        endpoint = self.endpoint
        if endpoint is not None and "." in endpoint:
            return endpoint.rpartition(".")[0]
        return None

    @property
    def blueprints(self) -> list[str]:
        """The blueprint and its parents, innermost first."""
        name = self.blueprint
        if name is None:
            return []
        parts = name.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]

    # -- limits (Flask) -------------------------------------------------------

    @property
    def max_content_length(self) -> int | None:
        """The body size limit: set per request, else ``MAX_CONTENT_LENGTH``."""
        if self._max_content_length is not None:
            return self._max_content_length
        value: int | None = app_config("MAX_CONTENT_LENGTH")
        return value

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        """The limit on in-memory form fields: per request, else the config."""
        if self._max_form_memory_size is not None:
            return self._max_form_memory_size
        value: int | None = app_config("MAX_FORM_MEMORY_SIZE")
        return value

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value

    @property
    def max_form_parts(self) -> int | None:
        """The limit on multipart parts: per request, else ``MAX_FORM_PARTS``."""
        if self._max_form_parts is not None:
            return self._max_form_parts
        value: int | None = app_config("MAX_FORM_PARTS")
        return value

    @max_form_parts.setter
    def max_form_parts(self, value: int | None) -> None:
        self._max_form_parts = value

    # -- body -----------------------------------------------------------------

    @cached_property
    def stream(self) -> t.IO[bytes]:
        """The body stream, bounded by ``Content-Length`` and ``max_content_length``.

        :raises RequestEntityTooLarge: the body is over the limit.
        """
        if self.shallow:
            raise RuntimeError(
                "This request was created with 'shallow=True', reading from the"
                " input stream is disabled."
            )
        length = self.__dict__.get("_body_length")
        if length is not None:  # read whole by _read_small_body
            return t.cast("t.IO[bytes]", exhausted_stream(self.environ, length))
        return get_input_stream(self.environ, self.max_content_length)

    @property
    def want_form_data_parsed(self) -> bool:
        """Whether the request has a ``Content-Type`` (a body worth parsing)."""
        return bool(self.environ.get("CONTENT_TYPE"))

    @property
    def input_stream(self) -> t.IO[bytes]:
        """The raw ``wsgi.input`` stream, with no limit applied."""
        return self.environ["wsgi.input"]  # type: ignore[no-any-return]

    def get_data(
        self, cache: bool = True, as_text: bool = False, parse_form_data: bool = False
    ) -> bytes | str:
        """Read the whole body.

        :param cache: keep the body so later calls return it again.
        :param as_text: decode the body as UTF-8 (invalid bytes replaced).
        :param parse_form_data: parse form data first, so form bodies stay in
            :attr:`form` and this returns ``b""`` for them.
        """
        if parse_form_data:
            self._load_form_data()
        data = self.__dict__.get("_cached_data")
        if data is None:
            data = self._read_small_body()
            if data is None:
                data = self.stream.read()
            if cache:
                # COMPAT: as in Werkzeug, the stream stays consumed; the form is
                # parsed from the kept body (see _load_form_data).
                self.__dict__["_cached_data"] = data
        if as_text:
            return data.decode("utf-8", "replace")
        return data

    @property
    def data(self) -> bytes:
        """The body as bytes (form bodies are parsed and give ``b""``)."""
        return t.cast(bytes, self.get_data(parse_form_data=True))

    def _read_small_body(self) -> bytes | None:
        """Read a body of declared length up to 64 KiB whole, or give ``None``.

        The exhausted :attr:`stream` is left behind, as if the body had been
        read through it.
        """
        # PERF: skips building the stream and reading it in pieces; the
        # exhausted stream is built only if :attr:`stream` is asked for. A
        # subclass that replaces ``stream`` keeps the general path.
        d = self.__dict__
        if (
            "stream" in d
            or "_body_length" in d
            or self.shallow
            or not self._default_stream
        ):
            return None
        environ = self.environ
        length = _plain_small_length(environ)
        if length is not None and self._default_limits:
            # PERF: a plain declared length is checked and read here, without
            # get_content_length and the max_content_length property.
            limit = self._max_content_length
            if limit is None:
                ctx = _cv_ctx.get(None)  # PERF: app_config() without the call
                if ctx is not None:
                    limit = ctx.app.config["MAX_CONTENT_LENGTH"]
            body = read_declared_body(environ, length, limit)
        else:
            read = read_small_body(environ, self.max_content_length, _SMALL_BODY)
            if read is None:
                return None
            body = read
        d["_body_length"] = len(body)
        return body

    def _load_form_data(self) -> None:
        d = self.__dict__
        if "form" in d:
            return
        environ = self.environ
        # PERF: the common content type is taken as it is, without parsing.
        options: dict[str, str]
        if environ.get("CONTENT_TYPE") == _URLENCODED:
            length = _plain_small_length(environ)
            if (
                length is not None
                and self._plain_form
                and not self.shallow
                and "_cached_data" not in d
                and "stream" not in d
                and "_body_length" not in d
            ):
                # PERF: a small urlencoded body of declared length is read once
                # and decoded in one pass, with no stream and no parser.
                d["form"] = self._small_urlencoded_form(environ, length)
                d["_body_length"] = length
                return
            mimetype, options = _URLENCODED, {}
        else:
            mimetype, options = self._parsed_content_type
            mimetype = mimetype.lower()
        # PERF: bodies that are not forms never build a parser, and
        # :attr:`files` is built only when asked for.
        cached = d.get("_cached_data")
        if mimetype not in _FORM_MIMETYPES:
            d["form"] = self.parameter_storage_class()
            if cached is not None:
                # COMPAT: Werkzeug hands the kept body back as the stream here.
                d["stream"] = BytesIO(cached)
            return
        parser = self.make_form_data_parser()
        # COMPAT: a body get_data() kept is parsed from that copy, as in Werkzeug.
        stream = self.stream if cached is None else BytesIO(cached)
        d["stream"], d["form"], d["files"] = parser.parse(
            stream, mimetype, self.content_length, options
        )
        if d["files"]:
            self._needs_close = True

    def _small_urlencoded_form(
        self, environ: WSGIEnvironment, length: int
    ) -> ImmutableMultiDict[str, str]:
        """Read and decode a urlencoded body of ``length`` bytes (at most
        64 KiB) with this request's limits, as FormDataParser would."""
        # PERF: the limit properties without their calls (_plain_form says
        # none is overridden), and the config read once for all three.
        limit = self._max_content_length
        max_memory = self._max_form_memory_size
        max_parts = self._max_form_parts
        ctx = _cv_ctx.get(None)
        if ctx is not None:
            config = ctx.app.config
            if limit is None:
                limit = config["MAX_CONTENT_LENGTH"]
            if max_memory is None:
                max_memory = config["MAX_FORM_MEMORY_SIZE"]
            if max_parts is None:
                max_parts = config["MAX_FORM_PARTS"]
        body = read_declared_body(environ, length, limit)
        try:
            values, single = decode_urlencoded_single(body, max_memory, max_parts)
        except HTTPParseError as error:
            raise http_error_for(error) from error
        if not single:
            return ImmutableMultiDict._from_lists(values)
        # PERF: no key repeats: the values stay unwrapped, and item access is
        # dict's own (_SingleValueImmutableMultiDict).
        return _SingleValueImmutableMultiDict._from_lists(values)

    def make_form_data_parser(self) -> FormDataParser:
        """Return the :attr:`form_data_parser_class` instance that parses the
        body, configured with this request's limits."""
        return self.form_data_parser_class(
            max_form_memory_size=self.max_form_memory_size,
            max_content_length=self.max_content_length,
            max_form_parts=self.max_form_parts,
            cls=self.parameter_storage_class,
        )

    @property
    def form(self) -> MultiDict[str, str]:
        """The form fields of a urlencoded or multipart body."""
        form = self.__dict__.get("form")
        if form is None:
            self._load_form_data()
            form = self.__dict__["form"]
        return form  # type: ignore[no-any-return]

    @property
    def files(self) -> MultiDict[str, FileStorage]:
        """The uploaded files of a multipart body."""
        files = self.__dict__.get("files")
        if files is None:
            self._load_form_data()
            files = self.__dict__.get("files")
            if files is None:
                files = self.__dict__["files"] = self.parameter_storage_class()
        return files

    @cached_property
    def values(self) -> CombinedMultiDict[str, str]:
        """:attr:`args` and, for requests other than GET, :attr:`form` combined."""
        sources: list[MultiDict[str, str]] = [self.args]
        if self.method != "GET":
            sources.append(self.form)
        return CombinedMultiDict(sources)

    @property
    def json(self) -> t.Any | None:
        """The body parsed as JSON (see :meth:`get_json`)."""
        return self.get_json()

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> t.Any | None:
        """Parse the body as JSON.

        :param force: ignore the mimetype.
        :param silent: return ``None`` instead of raising on a wrong mimetype or
            invalid JSON.
        :param cache: remember the result for later calls.
        :raises UnsupportedMediaType: the mimetype is not JSON (415).
        :raises BadRequest: the body is not valid JSON (400).
        """
        cached = self.__dict__.get("_cached_json", _MISSING)
        if cached is not _MISSING:
            return cached
        if not (force or self.is_json):
            if silent:
                return None
            return self.on_json_loading_failed(None)
        data = self.get_data(cache=cache)
        try:
            rv = json_loads(data)
        except ValueError as error:
            if silent:
                rv = None
            else:
                rv = self.on_json_loading_failed(error)
        if cache:
            self.__dict__["_cached_json"] = rv
        return rv

    def on_json_loading_failed(self, e: ValueError | None) -> t.Any:
        """Raise the error for a failed :meth:`get_json`; override to change it.

        :raises UnsupportedMediaType: ``e`` is ``None`` (wrong mimetype).
        :raises BadRequest: the body was not valid JSON.
        """
        if e is None:
            raise exc.UnsupportedMediaType(
                "Did not attempt to load JSON data because the request"
                " Content-Type was not 'application/json'."
            )
        if app_debug():
            raise exc.BadRequest(f"Failed to decode JSON object: {e}")
        # COMPAT: outside debug mode Flask hides the decoder's message.
        raise exc.BadRequest()

    def close(self) -> None:
        """Close uploaded files."""
        files = self.__dict__.get("files")
        if files:
            for _key, value in files.items(multi=True):
                value.close()

    def __enter__(self) -> Request:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @classmethod
    def application(
        cls, f: cabc.Callable[..., WSGIApplication]
    ) -> cabc.Callable[..., cabc.Iterable[bytes]]:
        """Turn ``f(..., request)`` returning a response into a WSGI application.

        The request is built from the environ, passed as the last argument and
        closed afterwards; an :class:`~erlen.exceptions.HTTPException` raised by
        ``f`` is sent as its response.
        """

        @functools.wraps(f)
        def application(*args: t.Any) -> cabc.Iterable[bytes]:
            environ, start_response = args[-2:]
            with cls(environ) as request:
                try:
                    response = f(*args[:-2], request)
                except exc.HTTPException as e:
                    response = e.get_response(environ)
                return response(environ, start_response)

        return application

    @classmethod
    def from_values(cls, *args: t.Any, **kwargs: t.Any) -> Request:
        """Build a request from :class:`erlen.test.EnvironBuilder` arguments."""
        from ..test import EnvironBuilder

        builder = EnvironBuilder(*args, **kwargs)
        try:
            return builder.get_request(cls)
        finally:
            builder.close()


def _plain_small_length(environ: WSGIEnvironment) -> int | None:
    """The declared length of a body read whole by the fast paths: a plain
    ``Content-Length`` of at most 64 KiB, without ``Transfer-Encoding``; else
    ``None`` (get_content_length and the general paths decide)."""
    raw = environ.get("CONTENT_LENGTH")
    if (
        raw
        and len(raw) <= 5
        and raw.isdigit()
        and raw.isascii()
        and "HTTP_TRANSFER_ENCODING" not in environ
    ):
        length = int(raw)
        if length <= _SMALL_BODY:
            return length
    return None


def _storage_from_lists(
    cls: type[MultiDict[str, t.Any]], lists: dict[str, list[str]]
) -> MultiDict[str, t.Any]:
    """``cls`` holding ``key -> list of values``: adopted by a class that keeps
    MultiDict's ``__init__``, given as pairs to any other."""
    if cls.__init__ is MultiDict.__init__:
        return cls._from_lists(lists)
    return cls([(key, value) for key, values in lists.items() for value in values])


_MISSING: t.Any = object()
_REQUEST_STREAM = Request.__dict__["stream"]
_LIMITS = ("max_content_length", "max_form_memory_size", "max_form_parts")
# Bodies read in a single call by the fast paths (the formparser's CHUNK_SIZE).
_SMALL_BODY = 64 * 1024


# COMPAT: the characters Werkzeug leaves unquoted when it rebuilds a URL; "%" is
# kept so an escape the client sent stays an escape.
_PATH_SAFE = "!$&'()*+,/:;=@%"
_QUERY_SAFE = "!$&'()*+,/:;=?@%"
_NEEDS_QUOTE = re.compile(r"[^0-9A-Za-z_.~\-!$&'()*+,/:;=?@%]")


def _quote_url_part(part: str | bytes, safe: str = _PATH_SAFE) -> str:
    # PERF: the common path or query needs no quoting at all.
    if isinstance(part, str) and _NEEDS_QUOTE.search(part) is None:
        if safe is _QUERY_SAFE or "?" not in part:
            return part
    return quote(part, safe=safe)


def _to_iri(url: str) -> str:
    """Decode the escapes and IDNA labels of ``url`` that are safe to show.

    COMPAT: the host is lower-cased, as Werkzeug's URL attributes do.
    """
    netloc = url.split("/", 3)[2]
    if "%" in url or "xn--" in url.lower() or not netloc.islower():
        return uri_to_iri(url)
    return url
