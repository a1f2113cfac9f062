"""``Erlen.wsgi_app``: one request, from environ to body.

Kept out of :mod:`erlen.app` because the fast path is long; the function
becomes a method of :class:`~erlen.app.Erlen` by assignment in its class body.
"""

from __future__ import annotations

import collections.abc as cabc
import sys
import types
import typing as t

from ._dispatch import Plan
from .ctx import RequestContext
from .exceptions import HTTPException
from .globals import _cv_app
from .globals import _cv_ctx
from .globals import _cv_request
from .routing.exceptions import NeedsAdapter
from .sessions import SecureCookieSessionInterface
from .signals import quiet
from .wrappers import Request

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

    from .app import Erlen

_new_object = object.__new__


def wsgi_app(  # noqa: C901 (PERF: the fast path is inlined on purpose)
    self: Erlen,
    environ: WSGIEnvironment,
    start_response: StartResponse,
    _entry: bool = False,
) -> cabc.Iterable[bytes]:
    """Handle one request: the only place unhandled errors are caught.

    Wrap this (not the app) with WSGI middleware:
    ``app.wsgi_app = Middleware(app.wsgi_app)``.
    """
    if _entry:
        # Erlen.__call__ (see call_entry below): what was assigned to the
        # instance's wsgi_app runs instead.
        wrapped = self._wsgi_app_assigned
        if wrapped is not None:
            return wrapped(environ, start_response)
    request: Request | None = None
    plan: Plan | None = None
    # PERF: the fast path. While nothing can observe the difference (no
    # pipeline step overridden, no signal receiver, no enclosing app context,
    # the built-in session, plain routing), a request to an endpoint without
    # hooks is matched before the context exists and runs with push,
    # full_dispatch_request and finalize_request inlined below.
    if (
        self._fast_class
        and quiet.value
        and _cv_ctx.get(None) is None
        and not self.teardown_appcontext_funcs
        and type(self.session_interface) is SecureCookieSessionInterface
        and not self.url_map.host_matching
        and not self.subdomain_matching
        and self.config["TRUSTED_HOSTS"] is None
    ):
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD") or "GET"
        # match_path strips extra leading slashes as the adapter does; a path
        # that needs decoding or a method to normalise takes the general path.
        if path.isascii() and method.isupper() and method != "OPTIONS":
            request = self.request_class(environ)
            try:
                rule, view_args = self.url_map.match_path(path, method)
            except HTTPException as e:
                # 404 and 405 take the fast path too when no app hook runs
                request.routing_exception = e
                plan = self._plans.get(None) or self._plan(None)
                if not plan.hookless:
                    plan = None
            except NeedsAdapter:
                pass
            else:
                request.url_rule = rule
                request.view_args = view_args
                plan = self._plans.get(rule.endpoint) or self._plan(rule.endpoint)
                if not plan.fast:
                    plan = None
    if plan is not None:
        # PERF: RequestContext(...).push() without the calls; the attributes
        # set here are the ones __init__ and push set (a test compares them).
        ctx = _new_object(RequestContext)
        ctx.app = self
        ctx.request = request  # type: ignore[assignment]
        ctx._plan = plan
        # PERF: one variable set for both contexts; the app context is made
        # when something asks for it (RequestContext._new_app_ctx).
        token = ctx._fast_token = _cv_ctx.set(ctx)
    elif request is None:
        ctx = self.request_context(environ)
    else:
        ctx = RequestContext(self, environ, request)
    error: BaseException | None = None
    try:
        try:
            if plan is not None:
                self._got_first_request = True
                try:
                    if request.routing_exception is not None:  # type: ignore[union-attr]
                        self.raise_routing_exception(request)  # type: ignore[arg-type]
                    # PERF: a call without ** runs in the same eval loop (3.11).
                    view = plan.view
                    rv = view(**view_args) if view_args else view()  # type: ignore[misc,possibly-undefined]
                except Exception as e:
                    rv = self.handle_user_exception(e)
                if (
                    type(rv) is self.response_class
                    and not ctx._after_request_functions
                    and ctx._session is None
                    and "HTTP_COOKIE" not in environ
                ):
                    response = rv
                else:
                    response = self.finalize_request(rv)
            else:
                ctx.push()
                response = self.full_dispatch_request()
        except Exception as e:
            error = e
            response = self.handle_exception(e)
        except BaseException:
            error = sys.exc_info()[1]
            raise
        # PERF: the same lookup Python does for response(...), but called from
        # Python code, so the frame is not a new C-level call.
        return type(response).__call__(response, environ, start_response)
    finally:
        preserve = environ.get("erlen.debug.preserve_context")
        if preserve is not None:
            preserve(_cv_app.get())
            preserve(_cv_request.get())
        if error is not None and self.should_ignore_error(error):
            error = None
        if (
            plan is not None
            and error is None
            # nothing pushed, popped or read the request context's entries
            and ctx._fast_token is token  # type: ignore[possibly-undefined]
            and quiet.value
            and not ctx.request._needs_close
            and _cv_ctx.get(None) is ctx
            and (ctx._app_ctx is None or len(ctx._app_ctx._cv_tokens) == 1)
        ):
            # PERF: RequestContext.pop inlined: no teardown function, no
            # signal, no file to close, no other push of either context.
            ctx._fast_token = None
            app_ctx = ctx._app_ctx
            if app_ctx is not None:
                app_ctx._cv_tokens.pop()  # its entry (None, None, None)
            _cv_ctx.reset(token)
            environ["erlen.request"] = None
        else:
            ctx.pop(error)


# PERF: Erlen.__call__ is this same code with ``_entry=True``, so a request
# enters the loop without a second Python frame. A middleware assigned to
# ``app.wsgi_app`` is stored by WsgiAppAttribute and called from the check at
# the top.
call_entry = types.FunctionType(
    wsgi_app.__code__, wsgi_app.__globals__, "__call__", (True,), wsgi_app.__closure__
)
call_entry.__qualname__ = "Erlen.__call__"
call_entry.__doc__ = """The WSGI entry point: runs :meth:`wsgi_app`, or what was
assigned to the app's ``wsgi_app`` attribute."""


class WsgiAppAttribute:
    """``Erlen.wsgi_app``: the request loop, unless the app was given another.

    ``app.wsgi_app = Middleware(app.wsgi_app)`` stores the middleware on the
    instance, where :meth:`Erlen.__call__` finds it; ``del app.wsgi_app``
    restores the loop.
    """

    def __get__(self, app: Erlen | None, owner: type | None = None) -> t.Any:
        if app is None:
            return wsgi_app
        wrapped = app._wsgi_app_assigned
        return types.MethodType(wsgi_app, app) if wrapped is None else wrapped

    def __set__(self, app: Erlen, value: t.Any) -> None:
        app._wsgi_app_assigned = value

    def __delete__(self, app: Erlen) -> None:
        if app._wsgi_app_assigned is None:
            raise AttributeError("wsgi_app")
        app._wsgi_app_assigned = None


def call_wsgi_app(
    self: Erlen, environ: WSGIEnvironment, start_response: StartResponse
) -> cabc.Iterable[bytes]:
    """The WSGI entry point; calls :meth:`wsgi_app`."""
    return self.wsgi_app(environ, start_response)
