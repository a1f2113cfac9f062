"""Application and request contexts, ``g``, and the context helper functions."""

from __future__ import annotations

import collections.abc as cabc
import contextvars
import sys
import typing as t
from functools import update_wrapper

from . import signals
from .exceptions import HTTPException
from .globals import _AppTop
from .globals import _contexts
from .globals import _cv_app
from .globals import _cv_ctx
from .globals import _cv_request
from .globals import _Frame
from .globals import _make_top
from .globals import _RequestTop
from .globals import restore
from .routing.exceptions import NeedsAdapter
from .sessions import SecureCookieSessionInterface
from .utils import cached_property
from .wrappers import Request

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ._dispatch import Plan
    from .app import Erlen
    from .routing import MapAdapter
    from .sessions import SessionMixin

_sentinel: t.Any = object()
#: In a request context's push entry: the app context was pushed with it.
_WITH_REQUEST: t.Any = object()
_F = t.TypeVar("_F", bound=cabc.Callable[..., t.Any])


class _AppCtxGlobals:
    """The ``g`` namespace: one per application context.

    Any attribute may be set; the mapping-like helpers below read and write them.
    """

    def __getattr__(self, name: str) -> t.Any:
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: t.Any) -> None:
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

    def get(self, name: str, default: t.Any | None = None) -> t.Any:
        """Return attribute ``name``, or ``default`` when it is not set."""
        return self.__dict__.get(name, default)

    def pop(self, name: str, default: t.Any = _sentinel) -> t.Any:
        """Remove and return attribute ``name``.

        :raises KeyError: it is not set and no ``default`` was given.
        """
        if default is _sentinel:
            return self.__dict__.pop(name)
        return self.__dict__.pop(name, default)

    def setdefault(self, name: str, default: t.Any = None) -> t.Any:
        """Return attribute ``name``, setting it to ``default`` first if unset."""
        return self.__dict__.setdefault(name, default)

    def __contains__(self, item: str) -> bool:
        return item in self.__dict__

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self.__dict__)

    def __repr__(self) -> str:
        ctx = _cv_app.get(None)
        if ctx is not None:
            return f"<erlen.g of '{ctx.app.name}'>"
        return object.__repr__(self)


def after_this_request(f: _F) -> _F:
    """Run ``f(response)`` after the current request, before other after-hooks.

    :raises RuntimeError: outside a request context.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'after_this_request' can only be used when a request"
            " context is active, such as in a view function."
        )
    if not ctx._after_request_functions:
        ctx._after_request_functions = []
    ctx._after_request_functions.append(f)
    return f


def copy_current_request_context(f: _F) -> _F:
    """Wrap ``f`` so it runs inside a copy of the current request context.

    For greenlets or threads started during a request.

    :raises RuntimeError: outside a request context.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(
            "'copy_current_request_context' can only be used when a"
            " request context is active, such as in a view function."
        )
    ctx = ctx.copy()

    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        with ctx:
            return ctx.app.ensure_sync(f)(*args, **kwargs)

    return update_wrapper(wrapper, f)  # type: ignore[return-value]


def has_request_context() -> bool:
    """Whether a request context is active."""
    return _cv_request.get(None) is not None


def has_app_context() -> bool:
    """Whether an application context is active."""
    top = _cv_ctx.get(None)
    return top is not None and (not isinstance(top, _Frame) or top._app_ctx is not None)


class AppContext(_AppTop):
    """Makes ``current_app`` and ``g`` available; pushed for every request.

    :param app: the application.
    """

    def __init__(self, app: Erlen) -> None:
        self.app = app
        # PERF: g is created on first use (see the property below).
        #: One entry per push: the variable's token (``None`` when pushed
        #: with a request), the value it set, and the app context it replaced.
        self._cv_tokens: list[
            tuple[contextvars.Token[t.Any] | None, t.Any, AppContext | None]
        ] = []

    @cached_property
    def g(self) -> _AppCtxGlobals:
        """The namespace of this context (``erlen.g``), created on first use."""
        return self.app.app_ctx_globals_class()

    @property
    def url_adapter(self) -> MapAdapter | None:
        """A URL adapter bound to ``SERVER_NAME``, for building URLs."""
        adapter = self.__dict__.get("_url_adapter", _sentinel)
        if adapter is _sentinel:
            adapter = self.__dict__["_url_adapter"] = self.app.create_url_adapter(None)
        return adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self.__dict__["_url_adapter"] = value

    def push(self) -> None:
        """Make this context the current one."""
        old, req_ctx = _contexts(_cv_ctx.get(None))
        top = _make_top(self, req_ctx)
        self._cv_tokens.append((_cv_ctx.set(top), top, old))
        if signals.appcontext_pushed.receivers:
            signals.appcontext_pushed.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Run the teardown functions (on the outermost pop) and restore the
        previous context.

        :raises AssertionError: this context is not the current one.
        """
        try:
            if len(self._cv_tokens) == 1:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                app = self.app
                if (
                    app.teardown_appcontext_funcs
                    or signals.appcontext_tearing_down.receivers
                    or "do_teardown_appcontext" not in app._plain_steps
                ):
                    app.do_teardown_appcontext(exc)
        finally:
            ctx = _cv_app.get()
            token, top, old = self._cv_tokens.pop()
            restore(token, top, 0, old)
        if ctx is not self:
            raise AssertionError(
                f"Popped wrong app context. ({ctx!r} instead of {self!r})"
            )
        if signals.appcontext_popped.receivers:
            signals.appcontext_popped.send(
                self.app, _async_wrapper=self.app.ensure_sync
            )

    def __enter__(self) -> AppContext:
        self.push()
        return self

    def __exit__(
        self, exc_type: type | None, exc_value: BaseException | None, tb: t.Any
    ) -> None:
        self.pop(exc_value)


class _FastPushTokens:
    """``RequestContext._cv_tokens`` of a context the fast path pushed: its one
    entry is written out when something first reads the list.

    PERF: a request that nothing pushes or pops again builds no list; the fast
    path sees ``_fast_token`` still set and resets the variable itself.
    """

    def __get__(self, ctx: RequestContext | None, owner: type | None = None) -> t.Any:
        if ctx is None:
            return self
        token = ctx._fast_token
        tokens: list[
            tuple[contextvars.Token[t.Any], t.Any, RequestContext | None, t.Any]
        ] = []
        if token is not None:
            tokens.append((token, ctx, None, _WITH_REQUEST))
            del ctx._fast_token  # back to the class's None
        ctx._cv_tokens = tokens
        return tokens


class RequestContext(_RequestTop):
    """Everything about one request: the request, its session, its flashes.

    :param app: the application.
    :param environ: the WSGI environ.
    :param request: an existing request object to use.
    :param session: an existing session to use.

    The built-in cookie session is opened when first used; any other session
    interface is asked at :meth:`push`, as Flask does.
    """

    # PERF: class-level defaults, so a request only stores what it changes.
    flashes: list[tuple[str, str]] | None = None
    _session: SessionMixin | None = None
    #: An empty tuple until after_this_request needs a list.
    _after_request_functions: list[cabc.Callable[..., t.Any]] | tuple[()] = ()
    _plan: Plan | None = None
    #: The app context this request runs in. ``None`` until pushed; a request
    #: pushed by the fast path creates it on first use (_new_app_ctx).
    _app_ctx: AppContext | None = None
    #: The token of the fast path's push while its entry in _cv_tokens has
    #: not been written out (see _FastPushTokens).
    _fast_token: contextvars.Token[t.Any] | None = None

    def __init__(
        self,
        app: Erlen,
        environ: WSGIEnvironment,
        request: Request | None = None,
        session: SessionMixin | None = None,
    ) -> None:
        self.app = app
        if request is None:
            request = app.request_class(environ)
        self.request: Request = request
        if session is not None:
            self._session = session
        #: One entry per push: the variable's token, the value it set, the
        #: request context it replaced, and the app context this push created
        #: (or _WITH_REQUEST: created on first use, popped with the request).
        self._cv_tokens = []

    if t.TYPE_CHECKING:
        _cv_tokens: list[
            tuple[contextvars.Token[t.Any], t.Any, RequestContext | None, t.Any]
        ]
    else:
        _cv_tokens = _FastPushTokens()

    def _new_app_ctx(self) -> AppContext:
        """The app context of a request pushed together with it (the fast
        path), created when something first asks for it."""
        app_ctx = self._app_ctx = AppContext(self.app)
        app_ctx._cv_tokens.append((None, None, None))
        return app_ctx

    @property
    def g(self) -> _AppCtxGlobals:
        """The ``g`` of this request's app context."""
        return (self._app_ctx or self._new_app_ctx()).g

    @property
    def url_adapter(self) -> MapAdapter | None:
        """The URL adapter bound to this request (built on first use)."""
        adapter = self.__dict__.get("_url_adapter", _sentinel)
        if adapter is _sentinel:
            adapter = self.app.create_url_adapter(self.request)
            self.__dict__["_url_adapter"] = adapter
        return adapter  # type: ignore[no-any-return]

    @url_adapter.setter
    def url_adapter(self, value: MapAdapter | None) -> None:
        self.__dict__["_url_adapter"] = value

    @property
    def session(self) -> SessionMixin:
        """The session, opened on first access for the built-in interface."""
        session = self._session
        if session is None:
            session = self._session = self.app._open_session(self.request)
        return session

    @session.setter
    def session(self, value: SessionMixin) -> None:
        self._session = value

    @property
    def session_is_open(self) -> bool:
        """Whether the session has been opened for this request."""
        return self._session is not None

    def copy(self) -> RequestContext:
        """Return a new context for the same request and session."""
        return self.__class__(
            self.app,
            environ=self.request.environ,
            request=self.request,
            session=self._session,
        )

    @property
    def plan(self) -> Plan:
        """What this request runs: hooks and view of the matched endpoint."""
        plan = self._plan
        if plan is None:
            rule = self.request.url_rule
            plan = self._plan = self.app._plan(
                rule.endpoint if rule is not None else None
            )
        return plan

    def match_request(self) -> None:
        """Match the request against the URL map, storing the result or error."""
        app = self.app
        request = self.request
        url_map = app.url_map
        view_args: t.Any
        try:
            if (
                url_map.host_matching
                or app.subdomain_matching
                or app.config["TRUSTED_HOSTS"] is not None
            ):
                rule, view_args = self.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
            else:
                environ = request.environ
                path = environ.get("PATH_INFO") or "/"
                method = environ.get("REQUEST_METHOD", "GET")
                # PERF: an ASCII path starting with one slash needs no decoding,
                # and the map's path matcher needs no bound adapter.
                if not path.isascii() or path[:1] != "/" or path[:2] == "//":
                    path = request.path
                if not method.isupper():
                    method = method.upper()
                try:
                    rule, view_args = url_map.match_path(path, method)
                except NeedsAdapter:
                    # redirects need the full URL: the bound adapter builds it
                    rule, view_args = self.url_adapter.match(return_rule=True)  # type: ignore[union-attr]
        except HTTPException as e:
            request.routing_exception = e
            self._plan = app._plans.get(None) or app._plan(None)
        else:
            request.url_rule = rule
            request.view_args = view_args
            # PERF: one dict lookup instead of a property call per pipeline step.
            self._plan = app._plans.get(rule.endpoint) or app._plan(rule.endpoint)

    def push(self) -> None:
        """Make this context (and an app context, if needed) current, then match."""
        app = self.app
        app_ctx, old = _contexts(_cv_ctx.get(None))
        created = None
        if app_ctx is None or app_ctx.app is not app:
            app_ctx = created = AppContext(app)
            app_ctx.push()
        if not self._cv_tokens:
            # Only the outermost push says which app context the request
            # stands for: an older push may still be the value of _cv_ctx.
            self._app_ctx = app_ctx
        top = _make_top(app_ctx, self)
        self._cv_tokens.append((_cv_ctx.set(top), top, old, created))
        # COMPAT: a custom session interface is asked at push, as Flask does;
        # the built-in cookie session is opened on first use.
        if (
            self._session is None
            and type(app.session_interface) is not SecureCookieSessionInterface
        ):
            self.session  # noqa: B018
        if self.request.url_rule is None and self.request.routing_exception is None:
            self.match_request()

    def pop(self, exc: BaseException | None = _sentinel) -> None:
        """Run teardown functions (on the outermost pop) and restore the
        previous contexts.

        :raises AssertionError: this context is not the current one.
        """
        clear_request = len(self._cv_tokens) == 1
        try:
            if clear_request:
                if exc is _sentinel:
                    exc = sys.exc_info()[1]
                app = self.app
                # PERF: with nothing to run, skip the calls.
                if (
                    (self._plan or self.plan).teardown
                    or signals.request_tearing_down.receivers
                    or "do_teardown_request" not in app._plain_steps
                ):
                    app.do_teardown_request(exc)
                request = self.request
                if request._needs_close:
                    request.close()
        finally:
            ctx = _cv_request.get()
            token, top, old, app_ctx = self._cv_tokens.pop()
            if app_ctx is _WITH_REQUEST:
                # pushed in one step with its app context, which stays current
                # for its own teardown below
                app_ctx = self._app_ctx or self._new_app_ctx()
                restore(None, top, 1, old)
            else:
                restore(token, top, 1, old)
            if clear_request:
                self.request.environ["erlen.request"] = None
            if app_ctx is not None:
                app_ctx.pop(exc)
            if ctx is not self:
                raise AssertionError(
                    f"Popped wrong request context. ({ctx!r} instead of {self!r})"
                )

    def __enter__(self) -> RequestContext:
        self.push()
        return self

    def __exit__(
        self, exc_type: type | None, exc_value: BaseException | None, tb: t.Any
    ) -> None:
        self.pop(exc_value)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self.request.url!r}"
            f" [{self.request.method}] of {self.app.name}>"
        )
