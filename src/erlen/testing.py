"""Test helpers for erlen apps: :class:`ErlenClient` and an app-aware builder.

The app-independent pieces (Werkzeug's ``werkzeug.test``) live in :mod:`erlen.test`
and are re-exported here.
"""

from __future__ import annotations

import collections.abc as cabc
import contextlib
import typing as t
from copy import copy
from urllib.parse import urlsplit

from click.testing import CliRunner
from click.testing import Result

from . import __version__
from ._testing._client import Client
from ._testing._client import ClientRedirectError
from ._testing._client import TestResponse
from ._testing._client import run_wsgi_app
from ._testing._cookies import Cookie
from ._testing._environ_builder import EnvironBuilder as WSGIEnvironBuilder
from ._testing._environ_builder import create_environ
from ._testing._multipart import encode_multipart
from ._testing._multipart import stream_encode_multipart
from .wrappers.request import Request

if t.TYPE_CHECKING:
    from types import TracebackType

    from .app import Erlen
    from .sessions import SessionMixin

__all__ = [
    "Client",
    "ClientRedirectError",
    "Cookie",
    "EnvironBuilder",
    "ErlenCliRunner",
    "ErlenClient",
    "TestResponse",
    "WSGIEnvironBuilder",
    "create_environ",
    "encode_multipart",
    "run_wsgi_app",
    "stream_encode_multipart",
]

#: The environ key the app calls with each context it is about to pop.
PRESERVE_CONTEXT_KEY = "erlen.debug.preserve_context"


class EnvironBuilder(WSGIEnvironBuilder):
    """An :class:`erlen.test.EnvironBuilder` whose URL defaults come from an app.

    Without ``base_url``, the host is the app's ``SERVER_NAME`` (else
    ``localhost``), the script root its ``APPLICATION_ROOT`` and the scheme its
    ``PREFERRED_URL_SCHEME``. A full URL as ``path`` sets scheme and host too.
    ``json=`` is serialised with ``app.json``.

    :param app: the application the request is for.
    :param subdomain: prepended to the host (not with ``base_url``).
    :param url_scheme: the scheme (not with ``base_url``).
    :raises AssertionError: ``base_url`` was given with ``subdomain`` or
        ``url_scheme``.
    """

    def __init__(
        self,
        app: Erlen,
        path: str = "/",
        base_url: str | None = None,
        subdomain: str | None = None,
        url_scheme: str | None = None,
        *args: t.Any,
        **kwargs: t.Any,
    ) -> None:
        if base_url is not None and (subdomain or url_scheme):
            # COMPAT: Flask asserts here.
            raise AssertionError(
                'Cannot pass "subdomain" or "url_scheme" with "base_url".'
            )
        if base_url is None:
            host = app.config.get("SERVER_NAME") or "localhost"
            if subdomain:
                host = f"{subdomain}.{host}"
            if url_scheme is None:
                url_scheme = app.config["PREFERRED_URL_SCHEME"]
            app_root = app.config["APPLICATION_ROOT"] or "/"
            url = urlsplit(path)
            scheme = url.scheme or url_scheme
            base_url = f"{scheme}://{url.netloc or host}/{app_root.lstrip('/')}"
            path = f"{url.path}?{url.query}" if url.query else url.path
        self.app = app
        super().__init__(path, base_url, *args, **kwargs)

    def json_dumps(self, obj: t.Any, **kwargs: t.Any) -> str:  # type: ignore[override]
        """Serialise the ``json`` argument with the app's JSON provider."""
        return self.app.json.dumps(obj, **kwargs)


class ErlenClient(Client):
    """The test client of an :class:`~erlen.Erlen` app (``app.test_client()``).

    Requests are built with the app-aware :class:`EnvironBuilder` and get
    :attr:`environ_base` (``REMOTE_ADDR`` ``127.0.0.1`` and a user agent).
    Inside ``with client:``, the contexts of the last request stay pushed, so
    ``request``, ``session`` and ``g`` can be inspected after it returns.

    .. note:: The default ``User-Agent`` is ``erlen/<version>``, where Flask
       sends ``Werkzeug/<version>``.
    """

    application: Erlen

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.preserve_context = False
        self._new_contexts: list[contextlib.AbstractContextManager[t.Any]] = []
        self._context_stack = contextlib.ExitStack()
        self.environ_base = {
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_USER_AGENT": f"erlen/{__version__}",
        }

    @contextlib.contextmanager
    def session_transaction(
        self, *args: t.Any, **kwargs: t.Any
    ) -> cabc.Iterator[SessionMixin]:
        """Open the session the client's cookies hold, yield it, then save it.

        The arguments build the request, as for ``app.test_request_context``.
        Changes made in the ``with`` block are stored in the cookie jar.

        :raises TypeError: the client was made with ``use_cookies=False``.
        :raises RuntimeError: the session interface opened no session.
        """
        jar = self._jar()
        app = self.application
        ctx = app.test_request_context(*args, **kwargs)
        self._add_cookies_to_wsgi(ctx.request.environ)
        with ctx:
            sess = app.session_interface.open_session(app, ctx.request)
        if sess is None:
            raise RuntimeError("Session backend did not open a session.")
        yield sess
        response = app.response_class()
        if app.session_interface.is_null_session(sess):
            return
        with ctx:
            app.session_interface.save_session(app, sess, response)
        jar.update_from_headers(
            ctx.request.host.partition(":")[0],
            ctx.request.path,
            response.headers.getlist("Set-Cookie"),
        )

    def _copy_environ(self, other: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
        environ = {**self.environ_base, **other}
        if self.preserve_context:
            environ[PRESERVE_CONTEXT_KEY] = self._new_contexts.append
        return environ

    def _request_from_builder_args(
        self, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
    ) -> Request:
        kwargs["environ_base"] = self._copy_environ(kwargs.get("environ_base") or {})
        builder = EnvironBuilder(self.application, *args, **kwargs)
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
        """Send a request to the app; see :meth:`erlen.test.Client.open`.

        The first argument may be a builder, an environ dict or a request; the
        client's :attr:`environ_base` is merged into a copy of it.
        """
        first = args[0] if args else None
        if isinstance(first, WSGIEnvironBuilder):
            builder = copy(first)
            builder.environ_base = self._copy_environ(builder.environ_base or {})
            request = builder.get_request()
        elif isinstance(first, dict):
            request = EnvironBuilder.from_environ(
                first, app=self.application, environ_base=self._copy_environ({})
            ).get_request()
        elif isinstance(first, Request):
            request = copy(first)
            request.environ = self._copy_environ(request.environ)
        else:
            request = self._request_from_builder_args(args, kwargs)
        # A new request ends the contexts kept from the previous one.
        self._context_stack.close()
        response = self._send(request, buffered, follow_redirects)
        response.json_module = self.application.json
        for context in self._new_contexts:
            self._context_stack.enter_context(context)
        self._new_contexts.clear()
        return response

    def __enter__(self) -> ErlenClient:
        if self.preserve_context:
            raise RuntimeError("Cannot nest client invocations")
        self.preserve_context = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.preserve_context = False
        self._context_stack.close()


class ErlenCliRunner(CliRunner):
    """A :class:`click.testing.CliRunner` that runs an app's CLI commands.

    :param app: the application whose commands are invoked.
    :param kwargs: passed to :class:`~click.testing.CliRunner`.
    """

    def __init__(self, app: Erlen, **kwargs: t.Any) -> None:
        self.app = app
        super().__init__(**kwargs)

    def invoke(  # type: ignore[override]
        self, cli: t.Any = None, args: t.Any = None, **kwargs: t.Any
    ) -> Result:
        """Invoke ``cli`` (default ``app.cli``) in isolation and return the result.

        Unless ``obj`` is given, commands get a
        :class:`~erlen.cli.ScriptInfo` that loads this runner's app.
        """
        from .cli import ScriptInfo

        if cli is None:
            cli = self.app.cli
        if "obj" not in kwargs:
            kwargs["obj"] = ScriptInfo(create_app=lambda: self.app)
        return super().invoke(cli, args, **kwargs)
