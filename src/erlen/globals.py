"""The context variables and the proxies ``current_app``, ``g``, ``request``,
``session``.

One real :class:`~contextvars.ContextVar`, ``_cv_ctx``, holds the current
context: an :class:`~erlen.ctx.AppContext` pushed alone, a
:class:`~erlen.ctx.RequestContext` (which carries its app context), or a
:class:`_Frame` for the other combinations. Flask's two variables, ``_cv_app``
and ``_cv_request``, are views of it with ContextVar's methods, so code written
for Flask reads and sets them as before.

PERF: a request sets and resets one variable instead of two, and its app
context is created only when something asks for it.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar
from contextvars import Token

from .local import LocalProxy

if t.TYPE_CHECKING:
    from .app import Erlen
    from .ctx import AppContext
    from .ctx import RequestContext
    from .ctx import _AppCtxGlobals
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

This typically means that you attempted to use functionality that needed
the current application. To solve this, set up an application context
with app.app_context(). See the documentation for more information.\
"""
_no_req_msg = """\
Working outside of request context.

This typically means that you attempted to use functionality that needed
an active HTTP request. Consult the documentation on testing for
information about how to avoid this problem.\
"""

#: The current context (see the module docstring); ``None`` or unset for none.
_cv_ctx: ContextVar[AppContext | RequestContext | _Frame | None] = ContextVar(
    "erlen.ctx"
)
_MISSING: t.Any = object()


class _AppTop:
    """Base of :class:`~erlen.ctx.AppContext`: a value ``_cv_ctx`` may hold."""


class _RequestTop:
    """Base of :class:`~erlen.ctx.RequestContext`: a value ``_cv_ctx`` may hold,
    standing for itself and its app context."""

    _app_ctx: AppContext | None

    def _new_app_ctx(self) -> AppContext:
        raise NotImplementedError


class _Frame:
    """The current context when it is not one context object: an app context
    pushed inside a request, Flask's variables set out of step, or a value
    that is not an erlen context set through ``_cv_app`` (a test's stand-in)."""

    def __init__(
        self, app_ctx: AppContext | None, req_ctx: RequestContext | None
    ) -> None:
        self._app_ctx = app_ctx
        self._req_ctx = req_ctx

    def _app(self) -> AppContext:
        if self._app_ctx is None:
            raise RuntimeError(_no_app_msg)
        return self._app_ctx

    @property
    def app(self) -> Erlen:
        return self._app().app

    @property
    def g(self) -> _AppCtxGlobals:
        return self._app().g

    def _req(self) -> RequestContext:
        if self._req_ctx is None:
            raise RuntimeError(_no_req_msg)
        return self._req_ctx

    @property
    def request(self) -> Request:
        return self._req().request

    @property
    def session(self) -> SessionMixin:
        return self._req().session


def _contexts(top: t.Any) -> tuple[AppContext | None, RequestContext | None]:
    """The app and request contexts the current context ``top`` stands for."""
    if isinstance(top, _RequestTop):
        return top._app_ctx or top._new_app_ctx(), top  # type: ignore[return-value]
    if isinstance(top, _AppTop):
        return top, None  # type: ignore[return-value]
    if top is None:
        return None, None
    return top._app_ctx, top._req_ctx


def _make_top(app_ctx: AppContext | None, req_ctx: RequestContext | None) -> t.Any:
    """The object to store in ``_cv_ctx`` for this pair of contexts."""
    if req_ctx is None:
        if app_ctx is None or isinstance(app_ctx, _AppTop):
            return app_ctx
    elif app_ctx is not None and req_ctx._app_ctx is app_ctx:
        return req_ctx
    return _Frame(app_ctx, req_ctx)


class _ContextToken:
    """What :meth:`_ContextSlot.set` returns, for :meth:`_ContextSlot.reset`."""

    def __init__(self, var: _ContextSlot, token: Token[t.Any], top: t.Any, old: t.Any):
        self.var = var
        self._token = token
        self._top = top
        self.old_value = old


class _ContextSlot:
    """``_cv_app`` or ``_cv_request``: one of Flask's two context variables,
    kept in ``_cv_ctx``, with the methods of a ContextVar.

    :param name: the variable's name.
    :param index: 0 for the app context, 1 for the request context.
    """

    def __init__(self, name: str, index: int) -> None:
        self.name = name
        self._index = index

    def get(self, default: t.Any = _MISSING) -> t.Any:
        top = _cv_ctx.get(None)
        value: t.Any
        # PERF: the usual values first, without building the pair.
        if self._index:
            if isinstance(top, _RequestTop):
                return top
            value = top._req_ctx if isinstance(top, _Frame) else None
        else:
            if isinstance(top, _AppTop):
                return top
            if isinstance(top, _RequestTop):
                return top._app_ctx or top._new_app_ctx()
            value = top._app_ctx if isinstance(top, _Frame) else None
        if value is None:
            if default is _MISSING:
                raise LookupError(self)
            return default
        return value

    def set(self, value: t.Any) -> _ContextToken:
        app_ctx, req_ctx = _contexts(_cv_ctx.get(None))
        old: t.Any
        if self._index:
            old, top = req_ctx, _make_top(app_ctx, value)
        else:
            old, top = app_ctx, _make_top(value, req_ctx)
        return _ContextToken(self, _cv_ctx.set(top), top, old)

    def reset(self, token: _ContextToken) -> None:
        if token.var is not self:
            raise ValueError(f"{token!r} was created by a different variable")
        restore(token._token, token._top, self._index, token.old_value)

    def __repr__(self) -> str:
        return f"<erlen context variable {self.name!r}>"


def restore(token: Token[t.Any] | None, top: t.Any, index: int, old: t.Any) -> None:
    """Undo the push that set ``top`` with ``token``: give variable ``index``
    (0 app, 1 request) back its ``old`` value.

    When the push is still the current one this is a plain reset. Otherwise
    (contexts popped out of order) only that variable changes, as with two
    separate variables.
    """
    current = _cv_ctx.get(None)
    if token is not None and current is top:
        _cv_ctx.reset(token)
        return
    app_ctx, req_ctx = _contexts(current)
    if index:
        _cv_ctx.set(_make_top(app_ctx, old))
    else:
        _cv_ctx.set(_make_top(old, req_ctx))


_cv_app: ContextVar[AppContext] = _ContextSlot("erlen.app_ctx", 0)  # type: ignore[assignment]
_cv_request: ContextVar[RequestContext] = _ContextSlot(  # type: ignore[assignment]
    "erlen.request_ctx", 1
)

app_ctx: AppContext = LocalProxy(  # type: ignore[assignment]
    _cv_app, unbound_message=_no_app_msg
)
current_app: Erlen = LocalProxy(  # type: ignore[assignment]
    _cv_ctx, "app", unbound_message=_no_app_msg, _missing_is_unbound=True
)
g: _AppCtxGlobals = LocalProxy(  # type: ignore[assignment]
    _cv_ctx, "g", unbound_message=_no_app_msg, _missing_is_unbound=True
)
request_ctx: RequestContext = LocalProxy(  # type: ignore[assignment]
    _cv_request, unbound_message=_no_req_msg
)
request: Request = LocalProxy(  # type: ignore[assignment]
    _cv_ctx, "request", unbound_message=_no_req_msg, _missing_is_unbound=True
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _cv_ctx, "session", unbound_message=_no_req_msg, _missing_is_unbound=True
)
