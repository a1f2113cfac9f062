"""Run a WSGI app in-process: ``run_wsgi_app``, ``TestResponse`` and ``Client``."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from itertools import chain
from urllib.parse import urljoin
from urllib.parse import urlsplit

from ..datastructures import Headers
from ..http.cookies import dump_cookie
from ..utils import cached_property
from ..wrappers.request import Request
from ..wrappers.response import Response
from ..wsgi import ClosingIterator
from ._cookies import Cookie
from ._cookies import CookieJar
from ._environ_builder import EnvironBuilder

if t.TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

_REDIRECT_CODES = frozenset((301, 302, 303, 305, 307, 308))
_BODY_KEEPING_CODES = frozenset((307, 308))
_COOKIES_DISABLED = "Cookies are disabled. Create a client with 'use_cookies=True'."


class ClientRedirectError(Exception):
    """Raised by :meth:`Client.open` when ``follow_redirects`` detects a loop."""


def _get_environ(obj: t.Any) -> WSGIEnvironment:
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, EnvironBuilder):
        return obj.get_environ()
    if isinstance(obj, Request):
        return obj.environ
    raise TypeError(f"Expected an environ, EnvironBuilder or Request, got {obj!r:.100}")


def run_wsgi_app(
    app: WSGIApplication, environ: WSGIEnvironment, buffered: bool = False
) -> tuple[cabc.Iterable[bytes], str, Headers]:
    """Call a WSGI application and return ``(app_iter, status, headers)``.

    Works with applications that call ``start_response`` only once iteration
    starts (generators) and with the legacy ``write`` callable. With
    ``buffered`` the whole body is read and the iterable closed at once;
    otherwise the returned iterable closes the original one.

    :param environ: an environ, an :class:`EnvironBuilder` or a request.
    :raises RuntimeError: the application never called ``start_response``.
    """
    environ = _get_environ(environ)
    started: list[tuple[str, list[tuple[str, str]]]] = []
    written: list[bytes] = []

    def start_response(
        status: str,
        headers: list[tuple[str, str]],
        exc_info: OptExcInfo | None = None,
        /,
    ) -> cabc.Callable[[bytes], object]:
        if exc_info is not None and exc_info[1] is not None:
            # PEP 3333: re-raise the app's error rather than report a second start.
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [(status, headers)]
        return written.append

    app_rv = app(environ, start_response)
    close = getattr(app_rv, "close", None)
    iterator = iter(app_rv)
    app_iter: cabc.Iterable[bytes]
    if buffered:
        try:
            app_iter = [*written, *iterator]
        finally:
            if close is not None:
                close()
    else:
        # Pull items until start_response has run, so status and headers exist.
        head: list[bytes] = []
        while not started:
            try:
                head.append(next(iterator))
            except StopIteration:
                break
        app_iter = chain(written, head, iterator)
        if close is not None:
            app_iter = ClosingIterator(app_iter, close)
    if not started:
        raise RuntimeError("The application did not call start_response.")
    status, header_list = started[0]
    return app_iter, status, Headers(header_list)


class TestResponse(Response):
    """The response returned by :class:`Client`: the app's output, the request
    that produced it, and the redirects followed on the way.

    :param request: the request that was sent.
    :param history: the redirect responses before this one, oldest first.
    """

    __test__ = False
    #: No default ``Content-Type``: only what the app sent is there.
    default_mimetype = None
    #: A JSON provider with ``loads``; ``ErlenClient`` sets the app's.
    json_module: t.Any = None

    def __init__(
        self,
        response: cabc.Iterable[bytes],
        status: str,
        headers: Headers,
        request: Request,
        history: tuple[TestResponse, ...] = (),
        **kwargs: t.Any,
    ) -> None:
        super().__init__(response, status, headers, **kwargs)
        self.request = request
        self.history = history

    @cached_property
    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.get_data(as_text=True)  # type: ignore[return-value]

    def get_json(self, force: bool = False, silent: bool = False) -> t.Any | None:
        """Parse the body as JSON, with :attr:`json_module` when it is set."""
        if self.json_module is None:
            return super().get_json(force=force, silent=silent)
        if not (force or self.is_json):
            return None
        try:
            return self.json_module.loads(self.get_data())
        except ValueError:
            if not silent:
                raise
            return None


def _make_wrapper(response_wrapper: type[Response] | None) -> type[TestResponse]:
    if response_wrapper is None or response_wrapper is Response:
        return TestResponse
    if issubclass(response_wrapper, TestResponse):
        return response_wrapper
    # COMPAT: like Werkzeug, mix TestResponse into a plain response class so the
    # result keeps the app's response API and gains request/history.
    return t.cast(
        "type[TestResponse]",
        type("WrapperTestResponse", (TestResponse, response_wrapper), {}),
    )


def _request_origin(environ: WSGIEnvironment) -> tuple[str, str]:
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "localhost"
    if host.startswith("["):
        name = host.partition("]")[0] + "]"
    else:
        name = host.partition(":")[0]
    path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")) or "/"
    return name.lower() or "localhost", path.encode("latin-1").decode(errors="replace")


class Client:
    """Send requests to a WSGI application without a server.

    :param application: the WSGI application.
    :param response_wrapper: the response class; it is combined with
        :class:`TestResponse` when it is not one already.
    :param use_cookies: keep cookies between requests.
    :param allow_subdomain_redirects: let ``follow_redirects`` go to subdomains.
    """

    def __init__(
        self,
        application: WSGIApplication,
        response_wrapper: type[Response] | None = None,
        use_cookies: bool = True,
        allow_subdomain_redirects: bool = False,
    ) -> None:
        self.application = application
        self.response_wrapper = _make_wrapper(response_wrapper)
        self._cookies: CookieJar | None = CookieJar() if use_cookies else None
        self.allow_subdomain_redirects = allow_subdomain_redirects
        #: Environ keys added to every request built from arguments.
        self.environ_base: dict[str, t.Any] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.application!r}>"

    # -- cookies ------------------------------------------------------------------

    def _jar(self) -> CookieJar:
        if self._cookies is None:
            raise TypeError(_COOKIES_DISABLED)
        return self._cookies

    def get_cookie(
        self, key: str, domain: str = "localhost", path: str = "/"
    ) -> Cookie | None:
        """Return the stored cookie with this name, domain and path, or ``None``.

        :raises TypeError: the client was made with ``use_cookies=False``.
        """
        return self._jar().get(key, domain, path)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        *,
        domain: str = "localhost",
        origin_only: bool = True,
        path: str = "/",
        **kwargs: t.Any,
    ) -> None:
        """Store a cookie as if a response had set it.

        :param origin_only: send it to ``domain`` only, not to its subdomains.
        :param kwargs: more :func:`~erlen.http.cookies.dump_cookie` arguments
            (``max_age``, ``expires``, ``secure``, ...).
        :raises TypeError: the client was made with ``use_cookies=False``.
        """
        jar = self._jar()
        header = dump_cookie(key, value, domain=domain, path=path, **kwargs)
        cookie = Cookie._from_response_header(domain, "/", header)
        cookie.origin_only = origin_only
        jar.store(cookie)

    def delete_cookie(
        self, key: str, *, domain: str = "localhost", path: str = "/"
    ) -> None:
        """Forget a stored cookie; a missing one is ignored.

        :raises TypeError: the client was made with ``use_cookies=False``.
        """
        self._jar().remove(key, domain, path)

    def _add_cookies_to_wsgi(self, environ: WSGIEnvironment) -> None:
        if self._cookies is None:
            return
        server_name, path = _request_origin(environ)
        value = self._cookies.request_header(server_name, path)
        if value:
            environ["HTTP_COOKIE"] = value
        else:
            environ.pop("HTTP_COOKIE", None)

    def _update_cookies_from_response(
        self, server_name: str, path: str, headers: cabc.Iterable[str]
    ) -> None:
        if self._cookies is not None:
            self._cookies.update_from_headers(server_name, path, headers)

    # -- requests -----------------------------------------------------------------

    def run_wsgi_app(
        self, environ: WSGIEnvironment, buffered: bool = False
    ) -> tuple[cabc.Iterable[bytes], str, Headers]:
        """Run the app for ``environ``, sending and then storing cookies."""
        self._add_cookies_to_wsgi(environ)
        rv = run_wsgi_app(self.application, environ, buffered=buffered)
        server_name, path = _request_origin(environ)
        self._update_cookies_from_response(
            server_name, path, rv[2].getlist("Set-Cookie")
        )
        return rv

    def _make_builder(self, *args: t.Any, **kwargs: t.Any) -> EnvironBuilder:
        if self.environ_base:
            kwargs["environ_base"] = {
                **self.environ_base,
                **(kwargs.get("environ_base") or {}),
            }
        return EnvironBuilder(*args, **kwargs)

    def _request_from_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> Request:
        if not kwargs and len(args) == 1:
            arg = args[0]
            if isinstance(arg, EnvironBuilder):
                return arg.get_request()
            if isinstance(arg, dict):
                return EnvironBuilder.from_environ(arg).get_request()
            if isinstance(arg, Request):
                return arg
        builder = self._make_builder(*args, **kwargs)
        try:
            return builder.get_request()
        finally:
            builder.close()

    def open(
        self,
        *args: t.Any,
        buffered: bool = False,
        follow_redirects: bool = False,
        **kwargs: t.Any,
    ) -> TestResponse:
        """Send a request and return the response.

        :param args: :class:`EnvironBuilder` arguments, or one builder, environ
            dict or request.
        :param buffered: read the whole body before returning.
        :param follow_redirects: follow redirects within the same host; the
            responses passed are in ``response.history``.
        :raises ClientRedirectError: a redirect repeats one already followed.
        :raises RuntimeError: a redirect leaves the host (or goes to a
            subdomain without ``allow_subdomain_redirects``).
        """
        request = self._request_from_args(args, kwargs)
        return self._send(request, buffered, follow_redirects)

    def _send(
        self, request: Request, buffered: bool, follow_redirects: bool
    ) -> TestResponse:
        response = self.response_wrapper(
            *self.run_wsgi_app(request.environ, buffered=buffered), request=request
        )
        if not follow_redirects:
            return response
        seen: set[tuple[str | None, int]] = set()
        history: list[TestResponse] = []
        while response.status_code in _REDIRECT_CODES:
            if not buffered:
                response.make_sequence()
                response.close()
            entry = (response.location, response.status_code)
            if entry in seen:
                raise ClientRedirectError(
                    f"Loop detected: A {response.status_code} redirect"
                    f" to {response.location} was already made."
                )
            seen.add(entry)
            history.append(response)
            response = self.resolve_redirect(response, buffered=buffered)
            response.history = tuple(history)
        return response

    def resolve_redirect(
        self, response: TestResponse, buffered: bool = False
    ) -> TestResponse:
        """Send the request that the redirect ``response`` asks for.

        301, 302, 303 and 305 become a ``GET`` without a body; 307 and 308 repeat
        the method and the body.
        """
        environ = response.request.environ
        location = urljoin(response.request.url, response.location or "")
        target = urlsplit(location)
        builder = EnvironBuilder.from_environ(
            environ, path=target.path or "/", query_string=target.query
        )
        from_parts = builder.server_name.lower().split(".")
        to_parts = (target.hostname or builder.server_name).lower().split(".")
        if to_parts != from_parts:
            if to_parts[-len(from_parts) :] != from_parts:
                raise RuntimeError("Following external redirects is not supported.")
            if not self.allow_subdomain_redirects:
                raise RuntimeError("Following subdomain redirects is not enabled.")
        builder.url_scheme = target.scheme or builder.url_scheme
        builder.host = target.netloc or builder.host
        script_root = builder.script_root
        path = builder.path
        if script_root and (path == script_root or path.startswith(f"{script_root}/")):
            builder.path = path[len(script_root) :] or "/"
        else:
            builder.script_root = ""
        if response.status_code in _BODY_KEEPING_CODES:
            stream = builder.input_stream
            if stream is not None and stream.seekable():
                stream.seek(0)
        else:
            builder.method = "GET"
            builder.input_stream = None
            builder.content_type = None
            builder.content_length = None
            if "Transfer-Encoding" in builder.headers:
                del builder.headers["Transfer-Encoding"]
        return self.open(builder, buffered=buffered)

    def get(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``GET`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "GET"})

    def post(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``POST`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "POST"})

    def put(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``PUT`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "PUT"})

    def delete(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``DELETE`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "DELETE"})

    def patch(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``PATCH`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "PATCH"})

    def options(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send an ``OPTIONS`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "OPTIONS"})

    def head(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``HEAD`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "HEAD"})

    def trace(self, *args: t.Any, **kw: t.Any) -> TestResponse:
        """Send a ``TRACE`` request; see :meth:`open`."""
        return self.open(*args, **{**kw, "method": "TRACE"})
