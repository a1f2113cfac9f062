"""The request pipeline of :class:`~erlen.app.Erlen`: hooks, dispatch, errors.

Kept as one base class of the app so that every step is a method a subclass can
override under Flask's name, while a request pays one call per step.
"""

from __future__ import annotations

import collections.abc as cabc
import inspect
import sys
import typing as t
from urllib.parse import quote

from . import signals
from .datastructures import Headers
from .exceptions import BadRequestKeyError
from .exceptions import HTTPException
from .exceptions import InternalServerError
from .globals import _cv_app
from .globals import _cv_request
from .routing.exceptions import BuildError
from .routing.exceptions import RequestRedirect
from .scaffold import Scaffold
from .wrappers import Response
from .wrappers.response import text_response

if t.TYPE_CHECKING:
    import logging

    from .app import Erlen
    from .config import Config
    from .json.provider import JSONProvider
    from .sessions import SessionInterface
    from .sessions import SessionMixin
    from .wrappers import Request

_sentinel: t.Any = object()
_STATUS_TYPES = (str, bytes, bytearray)
_HEADER_TYPES = (Headers, dict, tuple, list)


class Plan:
    """What a request to one endpoint runs, computed on its first request.

    # PERF: the hook lists of the app and of every enclosing blueprint are
    # flattened into tuples in Flask's order (so nesting depth costs nothing per
    # request), and the view is resolved to a synchronous callable once.
    """

    __slots__ = (
        "url_value_preprocessors",
        "before",
        "after",
        "teardown",
        "view",
        "hookless",
        "fast",
    )

    def __init__(self, app: DispatchingApp, endpoint: str | None) -> None:
        names: list[str | None] = []
        if endpoint is not None and "." in endpoint:
            parts = endpoint.split(".")[:-1]
            names = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
        inner_first = [*names, None]
        outer_first = [None, *reversed(names)]
        sync = app.ensure_sync
        self.url_value_preprocessors = tuple(
            f for n in outer_first for f in app.url_value_preprocessors.get(n, ())
        )
        self.before = tuple(
            sync(f) for n in outer_first for f in app.before_request_funcs.get(n, ())
        )
        self.after = tuple(
            sync(f)
            for n in inner_first
            for f in reversed(app.after_request_funcs.get(n, ()))
        )
        self.teardown = tuple(
            sync(f)
            for n in inner_first
            for f in reversed(app.teardown_request_funcs.get(n, ()))
        )
        view = app.view_functions.get(endpoint) if endpoint is not None else None
        self.view = None if view is None else sync(view)
        #: Whether no hook runs for this endpoint.
        self.hookless = not (
            self.url_value_preprocessors or self.before or self.after or self.teardown
        )
        #: Whether the app's fast path may run this endpoint: a view and no hook.
        self.fast = self.view is not None and self.hookless


#: The pipeline steps a subclass may override; while none is overridden the
#: pipeline skips calling the ones that have nothing to do.
PIPELINE_STEPS = (
    "preprocess_request",
    "process_response",
    "make_response",
    "do_teardown_request",
    "do_teardown_appcontext",
    "dispatch_request",
    "ensure_sync",
)


def plain_steps(cls: type) -> frozenset[str]:
    """Return the names of :data:`PIPELINE_STEPS` that ``cls`` does not override."""
    return frozenset(
        name
        for name in PIPELINE_STEPS
        if getattr(cls, name) is getattr(DispatchingApp, name)
    )


class DispatchingApp(Scaffold):
    """Flask's request-handling methods; :class:`~erlen.app.Erlen` subclasses this.

    The attributes and methods declared below for type checking are defined by
    :class:`~erlen.app.Erlen`.
    """

    _plans: dict[str | None, Plan]
    _plain_steps: frozenset[str]

    if t.TYPE_CHECKING:
        config: Config
        response_class: type[Response]
        json: JSONProvider
        logger: logging.Logger
        session_interface: SessionInterface
        teardown_appcontext_funcs: list[cabc.Callable[[BaseException | None], None]]
        debug: bool
        _got_first_request: bool

        @property
        def propagate_exceptions(self) -> bool: ...

        def trap_http_exception(self, e: Exception) -> bool: ...

        def log_exception(self, exc_info: t.Any) -> None: ...

        def _open_session(self, request: Request) -> SessionMixin: ...

    def _plan(self, endpoint: str | None) -> Plan:
        """Return (and cache) the :class:`Plan` of ``endpoint``."""
        plan = self._plans.get(endpoint)
        if plan is None:
            plan = self._plans[endpoint] = Plan(self, endpoint)
        return plan

    def full_dispatch_request(self) -> Response:
        """Run the before hooks and the view, handle errors, finalize."""
        self._got_first_request = True
        try:
            if signals.request_started.receivers:
                signals.request_started.send(self, _async_wrapper=self.ensure_sync)
            ctx = _cv_request.get()
            plan = ctx._plan or ctx.plan
            # PERF: no hook, no preprocessor: no call.
            if (
                plan.before
                or plan.url_value_preprocessors
                or "preprocess_request" not in self._plain_steps
            ):
                rv = self.preprocess_request()
            else:
                rv = None
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def preprocess_request(self) -> t.Any:
        """Run URL value preprocessors, then before-request hooks; a hook's
        non-``None`` return value becomes the response."""
        ctx = _cv_request.get()
        request = ctx.request
        plan = ctx._plan or ctx.plan
        for func in plan.url_value_preprocessors:
            func(request.endpoint, request.view_args)
        for before in plan.before:
            rv = before()
            if rv is not None:
                return rv
        return None

    def dispatch_request(self) -> t.Any:
        """Call the matched view, or raise the routing error."""
        ctx = _cv_request.get()
        request = ctx.request
        if request.routing_exception is not None:
            self.raise_routing_exception(request)
        rule = request.url_rule
        if (
            rule.provide_automatic_options  # type: ignore[union-attr]
            and request.environ.get("REQUEST_METHOD", "").upper() == "OPTIONS"
        ):
            return self.make_default_options_response()
        view = (ctx._plan or ctx.plan).view
        if view is None:
            # COMPAT: a rule without a view function is a KeyError, as in Flask.
            view = self.ensure_sync(self.view_functions[rule.endpoint])  # type: ignore[union-attr]
        return view(**request.view_args)  # type: ignore[arg-type]

    def raise_routing_exception(self, request: Request) -> t.NoReturn:
        """Raise the error routing stored on ``request`` (404, 405, redirect)."""
        raise request.routing_exception  # type: ignore[misc]

    def make_default_options_response(self) -> Response:
        """The automatic OPTIONS response: an empty body and ``Allow``."""
        adapter = _cv_request.get().url_adapter
        methods = adapter.allowed_methods()  # type: ignore[union-attr]
        rv = self.response_class()
        rv.allow.update(methods)
        return rv

    def finalize_request(self, rv: t.Any, from_error_handler: bool = False) -> Response:
        """Turn ``rv`` into a response and run the after-request processing."""
        plain = self._plain_steps
        if type(rv) is self.response_class and "make_response" in plain:
            response = rv
        else:
            response = self.make_response(rv)
        try:
            ctx = _cv_request.get()
            # PERF: skip the call when there is no hook and no session to save.
            if (
                ctx._after_request_functions
                or (ctx._plan or ctx.plan).after
                or ctx._session is not None
                or "process_response" not in plain
                or (
                    "HTTP_COOKIE" in ctx.request.environ
                    and self._session_cookie_sent(ctx.request)
                )
            ):
                response = self.process_response(response)
            if signals.request_finished.receivers:
                signals.request_finished.send(
                    self, _async_wrapper=self.ensure_sync, response=response
                )
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception(
                "Request finalizing failed with an error while handling an error"
            )
        return response

    def make_response(self, rv: t.Any) -> Response:
        """Convert a view's return value into a :attr:`response_class` instance.

        Accepts ``str``, ``bytes``, ``dict``, ``list``, an iterator, a response,
        a WSGI app, or a tuple ``(body, status)``, ``(body, headers)`` or
        ``(body, status, headers)``.

        :raises TypeError: anything else, or ``None``.
        """
        response_class = self.response_class
        # PERF: exact-type fast paths for the common return values.
        rv_type = type(rv)
        if rv_type is response_class:
            return rv  # type: ignore[no-any-return]
        if rv_type is str:
            built = text_response(response_class, rv, response_class.default_mimetype)
            return response_class(rv) if built is None else built
        if rv_type is dict:
            return self.json.response(rv)
        status = headers = None
        if isinstance(rv, tuple):
            rv, status, headers = _unpack_tuple(rv)
        if rv is None:
            endpoint = _cv_request.get().request.endpoint
            raise TypeError(
                f"The view function for {endpoint!r} did not"
                " return a valid response. The function either returned"
                " None or ended without a return statement."
            )
        if isinstance(rv, HTTPException):
            # PERF: checked before the slower ABC checks below.
            rv = rv.get_response()
            if type(rv) is not response_class:
                rv = response_class.force_type(rv)
        elif not isinstance(rv, response_class):
            if isinstance(rv, (str, bytes, bytearray)) or isinstance(rv, cabc.Iterator):
                rv = response_class(rv, status=status, headers=headers)  # type: ignore[arg-type]
                status = headers = None
            else:
                rv = self._coerce_response(rv)
        if status is not None or headers:
            _apply_status_and_headers(rv, status, headers)
        return rv  # type: ignore[no-any-return]

    def _coerce_response(self, rv: t.Any) -> Response:
        response_class = self.response_class
        if isinstance(rv, (dict, list)):
            return self.json.response(rv)
        if isinstance(rv, Response) or callable(rv):
            try:
                return response_class.force_type(rv, _cv_request.get().request.environ)
            except TypeError as e:
                raise TypeError(
                    f"{e}\nThe view function did not return a valid"
                    " response. The return type must be a string,"
                    " dict, list, tuple with headers or status,"
                    " Response instance, or WSGI callable, but it"
                    f" was a {type(rv).__name__}."
                ).with_traceback(sys.exc_info()[2]) from None
        raise TypeError(
            "The view function did not return a valid"
            " response. The return type must be a string,"
            " dict, list, tuple with headers or status,"
            " Response instance, or WSGI callable, but it was a"
            f" {type(rv).__name__}."
        )

    def process_response(self, response: Response) -> Response:
        """Run ``after_this_request`` functions and after-request hooks, then
        save the session."""
        ctx = _cv_request.get()
        if ctx._after_request_functions:
            for func in ctx._after_request_functions:
                response = self.ensure_sync(func)(response)
        for after in (ctx._plan or ctx.plan).after:
            response = after(response)
        session = ctx._session
        if session is None and self._session_cookie_sent(ctx.request):
            # COMPAT: Flask refreshes a permanent session's cookie even when the
            # view never touched it, so a sent cookie is opened to decide.
            session = ctx.session
        if session is not None:
            interface = self.session_interface
            if not interface.is_null_session(session):
                interface.save_session(t.cast("Erlen", self), session, response)
        return response

    def _session_cookie_sent(self, request: Request) -> bool:
        """Whether the client may have sent a session cookie (a cheap test)."""
        cookie: str = request.environ.get("HTTP_COOKIE", "")
        return bool(cookie) and self.config["SESSION_COOKIE_NAME"] in cookie

    def do_teardown_request(self, exc: BaseException | None = _sentinel) -> None:
        """Run the teardown-request functions, innermost blueprint first."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        ctx = _cv_request.get()
        for func in (ctx._plan or ctx.plan).teardown:
            func(exc)
        if signals.request_tearing_down.receivers:
            signals.request_tearing_down.send(
                self, _async_wrapper=self.ensure_sync, exc=exc
            )

    def do_teardown_appcontext(self, exc: BaseException | None = _sentinel) -> None:
        """Run the teardown-appcontext functions, last registered first."""
        if exc is _sentinel:
            exc = sys.exc_info()[1]
        for func in reversed(self.teardown_appcontext_funcs):
            self.ensure_sync(func)(exc)
        if signals.appcontext_tearing_down.receivers:
            signals.appcontext_tearing_down.send(
                self, _async_wrapper=self.ensure_sync, exc=exc
            )

    # -- errors -----------------------------------------------------------------

    def _find_error_handler(
        self, e: Exception, blueprints: list[str]
    ) -> cabc.Callable[[Exception], t.Any] | None:
        if not self.error_handler_spec:
            return None
        exc_class, code = self._get_exc_class_and_code(type(e))
        names = (*blueprints, None)
        for c in (code, None) if code is not None else (None,):
            for name in names:
                handler_map = self.error_handler_spec.get(name, {}).get(c)
                if not handler_map:
                    continue
                for cls in exc_class.__mro__:
                    handler = handler_map.get(cls)
                    if handler is not None:
                        return handler
        return None

    def handle_http_exception(self, e: HTTPException) -> t.Any:
        """Return the registered handler's result for ``e``, or ``e`` itself."""
        if (
            e.code is None
            or isinstance(e, RequestRedirect)
            or not self.error_handler_spec
        ):
            return e
        request = _cv_request.get().request
        handler = self._find_error_handler(e, request.blueprints)
        if handler is None:
            return e
        return self.ensure_sync(handler)(e)

    def handle_user_exception(self, e: Exception) -> t.Any:
        """Handle an error raised by hooks or the view: HTTP errors go to
        :meth:`handle_http_exception`, others to their handler or re-raise."""
        if isinstance(e, BadRequestKeyError) and (
            self.debug or self.config["TRAP_BAD_REQUEST_ERRORS"]
        ):
            e.show_exception = True
        if isinstance(e, HTTPException) and not self.trap_http_exception(e):
            return self.handle_http_exception(e)
        request = _cv_request.get().request
        handler = self._find_error_handler(e, request.blueprints)
        if handler is None:
            raise
        return self.ensure_sync(handler)(e)

    def handle_exception(self, e: Exception) -> Response:
        """Handle an unhandled error: propagate it (debug, testing), or log it
        and answer 500 through the 500 handler if there is one."""
        exc_info = sys.exc_info()
        if signals.got_request_exception.receivers:
            signals.got_request_exception.send(
                self, _async_wrapper=self.ensure_sync, exception=e
            )
        if self.propagate_exceptions:
            if exc_info[1] is e:
                raise
            raise e
        self.log_exception(exc_info)
        server_error: t.Any = InternalServerError(original_exception=e)
        ctx = _cv_request.get(None)
        blueprints = ctx.request.blueprints if ctx is not None else []
        handler = self._find_error_handler(server_error, blueprints)
        if handler is not None:
            server_error = self.ensure_sync(handler)(server_error)
        return self.finalize_request(server_error, from_error_handler=True)

    # -- async ------------------------------------------------------------------

    def ensure_sync(self, func: cabc.Callable[..., t.Any]) -> cabc.Callable[..., t.Any]:
        """Return ``func``, wrapped to run synchronously if it is a coroutine."""
        if inspect.iscoroutinefunction(func):
            return self.async_to_sync(func)
        return func

    def async_to_sync(
        self, func: cabc.Callable[..., cabc.Coroutine[t.Any, t.Any, t.Any]]
    ) -> cabc.Callable[..., t.Any]:
        """Wrap a coroutine function to run to completion synchronously.

        The coroutine sees the current contexts (``request``, ``g``, ...); see
        :func:`erlen._async.async_to_sync`.
        """
        # PERF: asyncio (with ssl and socket) is only imported by async apps.
        from . import _async

        return _async.async_to_sync(func)


def _apply_status_and_headers(rv: Response, status: t.Any, headers: t.Any) -> None:
    """Apply the status and headers of a view's ``(body, status, headers)`` tuple."""
    if status is not None:
        if isinstance(status, _STATUS_TYPES):
            if not isinstance(status, str):
                status = bytes(status).decode()
            rv.status = status
        else:
            rv.status_code = status
    if headers:
        rv.headers.update(headers)


def _unpack_tuple(rv: tuple[t.Any, ...]) -> tuple[t.Any, t.Any, t.Any]:
    """Split a view's ``(body, status, headers)`` style tuple."""
    length = len(rv)
    if length == 3:
        return rv[0], rv[1], rv[2]
    if length == 2:
        if isinstance(rv[1], _HEADER_TYPES):
            return rv[0], None, rv[1]
        return rv[0], rv[1], None
    raise TypeError(
        "The view function did not return a valid response tuple."
        " The tuple must have the form (body, status, headers),"
        " (body, status), or (body, headers)."
    )


def build_url(
    app: Erlen,
    endpoint: str,
    anchor: str | None,
    method: str | None,
    scheme: str | None,
    external: bool | None,
    values: dict[str, t.Any],
) -> str:
    """Build a URL the way Flask's ``url_for`` does (see :meth:`Erlen.url_for`)."""
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        url_adapter = req_ctx.url_adapter
        blueprint_name = req_ctx.request.blueprint
        if endpoint[:1] == ".":
            if blueprint_name is not None:
                endpoint = f"{blueprint_name}{endpoint}"
            else:
                endpoint = endpoint[1:]
        if external is None:
            external = scheme is not None
    else:
        app_ctx = _cv_app.get(None)
        if app_ctx is not None and app_ctx.app is app:
            url_adapter = app_ctx.url_adapter
        else:
            url_adapter = app.create_url_adapter(None)
        if url_adapter is None:
            raise RuntimeError(
                "Unable to build URLs outside an active request"
                " without 'SERVER_NAME' configured. Also configure"
                " 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as"
                " needed."
            )
        if external is None:
            external = True
    if scheme is not None and not external:
        raise ValueError("When specifying '_scheme', '_external' must be True.")
    app.inject_url_defaults(endpoint, values)
    try:
        rv = url_adapter.build(  # type: ignore[union-attr]
            endpoint,
            values,
            method=method,
            url_scheme=scheme,
            force_external=external,
        )
    except BuildError as error:
        values.update(
            _anchor=anchor, _method=method, _scheme=scheme, _external=external
        )
        return app.handle_url_build_error(error, endpoint, values)
    if anchor is not None:
        rv = f"{rv}#{quote(anchor, safe='%!#$&()*+,/:;=?@')}"
    return rv
