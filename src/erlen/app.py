"""The application object: construction, registration, and the WSGI entry point.

The request pipeline (dispatch, hooks, errors, response conversion) lives in
:mod:`erlen._dispatch`; this module wires it to Flask's method names so that
subclasses can still override each step.
"""

from __future__ import annotations

import collections.abc as cabc
import os
import sys
import typing as t
import weakref
from datetime import timedelta

from . import _dispatch
from . import _wsgi_app
from ._lazy import LazyImport
from .config import DEFAULT_CONFIG
from .config import Config
from .config import ConfigAttribute
from .ctx import AppContext
from .ctx import RequestContext
from .ctx import _AppCtxGlobals
from .exceptions import Aborter
from .exceptions import BadRequestKeyError
from .exceptions import HTTPException
from .helpers import get_debug_flag
from .routing import Map
from .routing import MapAdapter
from .routing import Rule
from .scaffold import _default_template_ctx_processor
from .scaffold import _endpoint_from_view_func
from .scaffold import find_package
from .scaffold import select_jinja_autoescape
from .scaffold import setupmethod
from .sessions import SecureCookieSessionInterface
from .sessions import SessionInterface
from .utils import cached_property
from .wrappers import Request
from .wrappers import Response

if t.TYPE_CHECKING:
    import logging

    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment
    from jinja2 import Environment

    from .blueprints import Blueprint
    from .json.provider import JSONProvider
    from .sessions import SessionMixin
    from .testing import ErlenClient
    from .testing import ErlenCliRunner

_F = t.TypeVar("_F", bound=cabc.Callable[..., t.Any])


def _make_timedelta(value: timedelta | int | None) -> timedelta | None:
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(seconds=value)


# PERF: templating (and Jinja) load on first use.
_TEMPLATING = LazyImport(".templating", package=__package__)
_new_object = object.__new__

#: The methods the fast path of :meth:`Erlen.wsgi_app` inlines or skips; a
#: subclass that overrides any of them always takes the general path.
_FAST_STEPS = (
    *_dispatch.PIPELINE_STEPS,
    "full_dispatch_request",
    "finalize_request",
    "request_context",
    "app_context",
)


def _fast_class(cls: type) -> bool:
    return all(getattr(cls, name) is getattr(Erlen, name) for name in _FAST_STEPS)


class Erlen(_dispatch.DispatchingApp):
    """The WSGI application: Flask's ``Flask`` class.

    :param import_name: the name of the application package or module.
    :param static_url_path: the URL prefix of static files (default
        ``/<static_folder basename>``).
    :param static_folder: the folder of static files, relative to ``root_path``.
    :param static_host: the host of the static route, with ``host_matching``.
    :param host_matching: match rules by host as well as path.
    :param subdomain_matching: match subdomains relative to ``SERVER_NAME``.
    :param template_folder: the folder of templates, relative to ``root_path``.
    :param instance_path: the instance folder (absolute); found automatically
        when omitted.
    :param instance_relative_config: load relative config files from the
        instance folder.
    :param root_path: the folder resources are relative to; found from
        ``import_name`` when omitted.
    """

    request_class: type[Request] = Request
    response_class: type[Response] = Response
    aborter_class = Aborter
    app_ctx_globals_class = _AppCtxGlobals
    config_class = Config
    url_rule_class = Rule
    url_map_class = Map
    test_client_class: type[ErlenClient] | None = None
    test_cli_runner_class: type[ErlenCliRunner] | None = None
    jinja_options: dict[str, t.Any] = {}
    #: How sessions are loaded and saved (signed cookies by default).
    session_interface: SessionInterface = SecureCookieSessionInterface()
    default_config: dict[str, t.Any] = DEFAULT_CONFIG

    testing = ConfigAttribute[bool]("TESTING")
    secret_key = ConfigAttribute[str | bytes | None]("SECRET_KEY")
    permanent_session_lifetime = ConfigAttribute[timedelta](
        "PERMANENT_SESSION_LIFETIME",
        get_converter=_make_timedelta,  # type: ignore[arg-type]
    )

    def __init__(
        self,
        import_name: str,
        static_url_path: str | None = None,
        static_folder: str | os.PathLike[str] | None = "static",
        static_host: str | None = None,
        host_matching: bool = False,
        subdomain_matching: bool = False,
        template_folder: str | os.PathLike[str] | None = "templates",
        instance_path: str | None = None,
        instance_relative_config: bool = False,
        root_path: str | None = None,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if instance_path is None:
            instance_path = self.auto_find_instance_path()
        elif not os.path.isabs(instance_path):
            raise ValueError(
                "If an instance path is provided it must be absolute."
                " A relative path was given instead."
            )
        self.instance_path = instance_path
        self.config = self.make_config(instance_relative_config)
        self.aborter = self.make_aborter()
        self.url_build_error_handlers: list[
            cabc.Callable[[Exception, str, dict[str, t.Any]], str]
        ] = []
        self.teardown_appcontext_funcs: list[
            cabc.Callable[[BaseException | None], None]
        ] = []
        self.shell_context_processors: list[cabc.Callable[[], dict[str, t.Any]]] = []
        self.blueprints: dict[str, Blueprint] = {}
        self.extensions: dict[str, t.Any] = {}
        self.url_map = self.url_map_class(host_matching=host_matching)
        self.subdomain_matching = subdomain_matching
        self._got_first_request = False
        self._plans: dict[str | None, _dispatch.Plan] = {}
        self._plain_steps = _dispatch.plain_steps(type(self))
        self._fast_class = _fast_class(type(self))
        self.template_context_processors[None].append(_default_template_ctx_processor)
        if self.has_static_folder:
            if bool(static_host) != host_matching:
                raise AssertionError("Invalid static_host/host_matching combination")
            self_ref = weakref.ref(self)
            self.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                endpoint="static",
                host=static_host,
                view_func=lambda **kw: self_ref().send_static_file(**kw),  # type: ignore[union-attr]
            )

    # -- lazily built parts ---------------------------------------------------

    @cached_property
    def name(self) -> str:
        """The application name: the import name, or the script's file name."""
        if self.import_name == "__main__":
            filename = getattr(sys.modules["__main__"], "__file__", None)
            if filename is None:
                return "__main__"
            return str(os.path.splitext(os.path.basename(filename))[0])
        return self.import_name

    @cached_property
    def json(self) -> JSONProvider:
        """The JSON provider (``json_provider_class(app)``)."""
        return self.json_provider_class(self)

    @property
    def json_provider_class(self) -> type[JSONProvider]:
        """The class of :attr:`json` (``DefaultJSONProvider`` unless set)."""
        cls = self.__dict__.get("_json_provider_class")
        if cls is None:
            from .json.provider import DefaultJSONProvider

            return DefaultJSONProvider
        return cls  # type: ignore[no-any-return]

    @json_provider_class.setter
    def json_provider_class(self, value: type[JSONProvider]) -> None:
        self.__dict__["_json_provider_class"] = value

    @cached_property
    def logger(self) -> logging.Logger:
        """The ``logging`` logger named after the app (see ``erlen.logging``)."""
        from .logging import create_logger

        return create_logger(self)

    @cached_property
    def jinja_env(self) -> Environment:
        """The Jinja environment, created on first use."""
        return self.create_jinja_environment()

    @property
    def jinja_environment(self) -> type[Environment]:
        """The class of :attr:`jinja_env`."""
        from .templating import Environment as ErlenEnvironment

        return self.__dict__.get("_jinja_environment", ErlenEnvironment)  # type: ignore[no-any-return]

    @jinja_environment.setter
    def jinja_environment(self, value: type[Environment]) -> None:
        self.__dict__["_jinja_environment"] = value

    def create_jinja_environment(self) -> Environment:
        """Build :attr:`jinja_env` (see :mod:`erlen.templating`)."""
        from .templating import create_jinja_environment

        return create_jinja_environment(self)

    def create_global_jinja_loader(self) -> t.Any:
        """Return the loader that searches the app, then each blueprint."""
        from .templating import DispatchingJinjaLoader

        return DispatchingJinjaLoader(self)

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        """Whether to autoescape a template (HTML, XML and SVG file names)."""
        return select_jinja_autoescape(filename)

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        """Add the context processors' values to ``context`` (given values win)."""
        _TEMPLATING.get().update_template_context(self, context)

    @property
    def debug(self) -> bool:
        """Debug mode (``DEBUG``): tracebacks and template auto-reload."""
        return bool(self.config["DEBUG"])

    @debug.setter
    def debug(self, value: bool) -> None:
        self.config["DEBUG"] = value
        if (
            self.config["TEMPLATES_AUTO_RELOAD"] is None
            and "jinja_env" in self.__dict__
        ):
            self.jinja_env.auto_reload = value

    @property
    def propagate_exceptions(self) -> bool:
        """``PROPAGATE_EXCEPTIONS``, defaulting to ``testing or debug``."""
        rv = self.config["PROPAGATE_EXCEPTIONS"]
        if rv is not None:
            return bool(rv)
        return self.testing or self.debug

    def make_config(self, instance_relative: bool = False) -> Config:
        """Create the :class:`~erlen.config.Config` with the default values."""
        root_path = self.instance_path if instance_relative else self.root_path
        defaults = dict(self.default_config)
        defaults["DEBUG"] = get_debug_flag()
        return self.config_class(root_path, defaults)

    def make_aborter(self) -> Aborter:
        """Create the :class:`~erlen.exceptions.Aborter` used by ``abort``."""
        return self.aborter_class()

    def auto_find_instance_path(self) -> str:
        """Return ``<package parent>/instance`` or ``<prefix>/var/<name>-instance``."""
        prefix, package_path = find_package(self.import_name)
        if prefix is None:
            return os.path.join(package_path, "instance")
        return os.path.join(prefix, "var", f"{self.name}-instance")

    def open_instance_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = "utf-8"
    ) -> t.IO[t.Any]:
        """Open a file relative to :attr:`instance_path` (writing is allowed)."""
        path = os.path.join(self.instance_path, resource)
        if "b" in mode:
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_first_request:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called"
                " on the application. It has already handled its first"
                " request, any changes will not be applied"
                " consistently.\n"
                "Make sure all imports, decorators, functions, etc."
                " needed to set up the application are done before"
                " running it."
            )

    # -- registration -----------------------------------------------------------

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: cabc.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register ``view_func`` for URL ``rule`` (see Flask's ``add_url_rule``).

        :raises TypeError: ``methods`` is a string.
        :raises AssertionError: ``endpoint`` is already bound to another function.
        """
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        options["endpoint"] = endpoint
        methods = options.pop("methods", None)
        if methods is None:
            methods = getattr(view_func, "methods", None) or ("GET",)
        if isinstance(methods, str):
            raise TypeError(
                "Allowed methods must be a list of strings, for"
                ' example: @app.route(..., methods=["POST"])'
            )
        methods = {item.upper() for item in methods}
        required_methods = set(getattr(view_func, "required_methods", ()))
        if provide_automatic_options is None:
            provide_automatic_options = getattr(
                view_func, "provide_automatic_options", None
            )
        if provide_automatic_options is None:
            if "OPTIONS" not in methods and self.config["PROVIDE_AUTOMATIC_OPTIONS"]:
                provide_automatic_options = True
                required_methods.add("OPTIONS")
            else:
                provide_automatic_options = False
        methods |= required_methods
        rule_obj = self.url_rule_class(rule, methods=methods, **options)
        rule_obj.provide_automatic_options = provide_automatic_options
        self.url_map.add(rule_obj)
        if view_func is not None:
            old_func = self.view_functions.get(endpoint)
            if old_func is not None and old_func != view_func:
                raise AssertionError(
                    "View function mapping is overwriting an existing"
                    f" endpoint function: {endpoint}"
                )
            self.view_functions[endpoint] = view_func

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Register ``blueprint``'s routes, hooks and handlers on the app."""
        blueprint.register(self, options)

    def iter_blueprints(self) -> cabc.ValuesView[Blueprint]:
        """The registered blueprints, in registration order."""
        return self.blueprints.values()

    @setupmethod
    def teardown_appcontext(self, f: _F) -> _F:
        """Run ``f(error)`` when the application context is popped."""
        self.teardown_appcontext_funcs.append(f)
        return f

    @setupmethod
    def shell_context_processor(self, f: _F) -> _F:
        """Add ``f()``'s returned dict to the ``shell`` command's namespace."""
        self.shell_context_processors.append(f)
        return f

    def make_shell_context(self) -> dict[str, t.Any]:
        """The namespace of the interactive shell: ``app``, ``g`` and processors."""
        from .globals import g

        rv: dict[str, t.Any] = {"app": self, "g": g}
        for processor in self.shell_context_processors:
            rv.update(processor())
        return rv

    @setupmethod
    def template_filter(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja filter."""

        def decorator(f: _F) -> _F:
            self.add_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_filter(
        self, f: cabc.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja filter named ``name`` (default its name)."""
        self.jinja_env.filters[name or f.__name__] = f

    @setupmethod
    def template_test(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja test."""

        def decorator(f: _F) -> _F:
            self.add_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_test(
        self, f: cabc.Callable[..., bool], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja test named ``name`` (default its name)."""
        self.jinja_env.tests[name or f.__name__] = f

    @setupmethod
    def template_global(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja global."""

        def decorator(f: _F) -> _F:
            self.add_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_template_global(
        self, f: cabc.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja global named ``name`` (default its name)."""
        self.jinja_env.globals[name or f.__name__] = f

    # -- contexts and URLs ------------------------------------------------------

    def app_context(self) -> AppContext:
        """Return a new :class:`~erlen.ctx.AppContext` (use it in ``with``)."""
        return AppContext(self)

    def request_context(self, environ: WSGIEnvironment) -> RequestContext:
        """Return a new :class:`~erlen.ctx.RequestContext` for ``environ``."""
        return RequestContext(self, environ)

    def test_request_context(self, *args: t.Any, **kwargs: t.Any) -> RequestContext:
        """A request context for an environ built from EnvironBuilder arguments."""
        from .testing import EnvironBuilder

        builder = EnvironBuilder(self, *args, **kwargs)
        try:
            return self.request_context(builder.get_environ())
        finally:
            builder.close()

    def test_client(self, use_cookies: bool = True, **kwargs: t.Any) -> ErlenClient:
        """Return a test client for this app (``test_client_class``)."""
        cls = self.test_client_class
        if cls is None:
            from .testing import ErlenClient

            cls = ErlenClient
        return cls(self, self.response_class, use_cookies=use_cookies, **kwargs)

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """Bind the URL map to ``request`` or, without one, to ``SERVER_NAME``.

        :raises SecurityError: the request's host is not in ``TRUSTED_HOSTS``.
        """
        if request is not None:
            trusted_hosts = self.config["TRUSTED_HOSTS"]
            if trusted_hosts is not None:
                request.trusted_hosts = trusted_hosts
            request.host  # noqa: B018 - validates the host against TRUSTED_HOSTS
            subdomain = None
            server_name = self.config["SERVER_NAME"]
            if self.url_map.host_matching:
                server_name = None
            elif not self.subdomain_matching:
                subdomain = self.url_map.default_subdomain or ""
            return self.url_map.bind_to_environ(
                request.environ, server_name=server_name, subdomain=subdomain
            )
        if self.config["SERVER_NAME"] is not None:
            return self.url_map.bind(
                self.config["SERVER_NAME"],
                script_name=self.config["APPLICATION_ROOT"],
                url_scheme=self.config["PREFERRED_URL_SCHEME"],
            )
        return None

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: t.Any,
    ) -> str:
        """Build the URL of ``endpoint`` (see :func:`erlen.helpers.url_for`).

        :raises BuildError: no rule of ``endpoint`` accepts these values.
        """
        return _dispatch.build_url(
            self, endpoint, _anchor, _method, _scheme, _external, values
        )

    def handle_url_build_error(
        self, error: Exception, endpoint: str, values: dict[str, t.Any]
    ) -> str:
        """Ask each ``url_build_error_handlers`` function; re-raise if none helps."""
        from .routing import BuildError

        for handler in self.url_build_error_handlers:
            try:
                rv = handler(error, endpoint, values)
            except BuildError as e:
                error = e
            else:
                if rv is not None:
                    return rv
        if error is sys.exc_info()[1]:
            raise
        raise error

    def inject_url_defaults(self, endpoint: str, values: dict[str, t.Any]) -> None:
        """Run the ``url_defaults`` functions of the app and of the endpoint's
        blueprints."""
        names: list[str | None] = [None]
        if "." in endpoint:
            parts = endpoint.split(".")[:-1]
            names.extend(".".join(parts[: i + 1]) for i in range(len(parts)))
        for name in names:
            for func in self.url_default_functions.get(name, ()):
                func(endpoint, values)

    # -- the WSGI application -----------------------------------------------------

    if t.TYPE_CHECKING:

        def wsgi_app(
            self, environ: WSGIEnvironment, start_response: StartResponse
        ) -> cabc.Iterable[bytes]:
            """Handle one request: the only place unhandled errors are caught."""

        def __call__(
            self, environ: WSGIEnvironment, start_response: StartResponse
        ) -> cabc.Iterable[bytes]:
            """The WSGI entry point; calls :meth:`wsgi_app`."""

    else:
        # The request loop and its fast path live in erlen._wsgi_app.
        wsgi_app = _wsgi_app.WsgiAppAttribute()
        __call__ = _wsgi_app.call_entry

    #: What was assigned to ``app.wsgi_app`` (a middleware), or ``None``.
    _wsgi_app_assigned: cabc.Callable[..., cabc.Iterable[bytes]] | None = None

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        # A subclass's own wsgi_app is reached through the plain entry point.
        if "wsgi_app" in cls.__dict__ and "__call__" not in cls.__dict__:
            cls.__call__ = _wsgi_app.call_wsgi_app  # type: ignore[method-assign]

    def redirect(self, location: str, code: int = 302) -> Response:
        """Return a redirect response (``erlen.redirect`` calls this in a request)."""
        from .utils import redirect as _redirect

        return _redirect(location, code=code, Response=self.response_class)

    def _open_session(self, request: Request) -> SessionMixin:
        interface = self.session_interface
        session = interface.open_session(self, request)
        if session is None:
            session = interface.make_null_session(self)
        return session

    def log_exception(self, exc_info: t.Any) -> None:
        """Log an unhandled exception at ``ERROR`` level on :attr:`logger`."""
        from .globals import request

        self.logger.error(
            f"Exception on {request.path} [{request.method}]", exc_info=exc_info
        )

    def should_ignore_error(self, error: BaseException | None) -> bool:
        """Whether teardown functions should not see ``error`` (never, by default)."""
        return False

    def trap_http_exception(self, e: Exception) -> bool:
        """Whether an HTTP exception should propagate like any other error.

        ``TRAP_HTTP_EXCEPTIONS`` traps all; ``TRAP_BAD_REQUEST_ERRORS`` (default:
        in debug mode) traps the key errors of form and args lookups.
        """
        if self.config["TRAP_HTTP_EXCEPTIONS"]:
            return True
        trap_bad_request = self.config["TRAP_BAD_REQUEST_ERRORS"]
        if (
            trap_bad_request is None
            and self.debug
            and isinstance(e, BadRequestKeyError)
        ):
            return True
        if trap_bad_request:
            return isinstance(e, HTTPException) and e.code == 400
        return False

    def run(
        self,
        host: str | None = None,
        port: int | None = None,
        debug: bool | None = None,
        load_dotenv: bool = True,
        **options: t.Any,
    ) -> None:
        """Run the development server (see :func:`erlen.serving.run_simple`).

        Not for production: use a WSGI server such as gunicorn or waitress.
        Host and port default to ``SERVER_NAME``, else ``127.0.0.1:5000``.

        :param host: the interface to listen on.
        :param port: the port to listen on.
        :param debug: turn debug mode (reloader and debugger) on or off.
        :param load_dotenv: load ``.env``/``.erlenenv``/``.flaskenv`` files.
        :param options: passed on to :func:`~erlen.serving.run_simple`.
        """
        from .cli import run_app

        run_app(self, host, port, debug, load_dotenv, **options)

    def test_cli_runner(self, **kwargs: t.Any) -> ErlenCliRunner:
        """Return a CLI test runner for this app's commands."""
        cls = self.test_cli_runner_class
        if cls is None:
            from .testing import ErlenCliRunner

            cls = ErlenCliRunner
        return cls(self, **kwargs)


__all__ = ["Erlen"]
