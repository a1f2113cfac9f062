"""Scaffold: the registration API shared by :class:`Erlen` and blueprints."""

from __future__ import annotations

import collections.abc as cabc
import importlib.util
import os
import pathlib
import sys
import typing as t
from collections import defaultdict
from functools import update_wrapper

from .exceptions import HTTPException
from .exceptions import default_exceptions
from .globals import _cv_app
from .globals import _cv_request
from .utils import cached_property

if t.TYPE_CHECKING:
    import click
    from jinja2 import BaseLoader

    from .wrappers import Response

_F = t.TypeVar("_F", bound=cabc.Callable[..., t.Any])
_sentinel: t.Any = object()

ErrorHandlerSpec = dict[
    str | None,
    dict[int | None, dict[type[BaseException], cabc.Callable[..., t.Any]]],
]


def setupmethod(f: _F) -> _F:
    """Mark ``f`` as set-up only: calling it after the first request is an error."""
    name = f.__name__

    def wrapper_func(self: Scaffold, *args: t.Any, **kwargs: t.Any) -> t.Any:
        self._check_setup_finished(name)
        return f(self, *args, **kwargs)

    return update_wrapper(wrapper_func, f)  # type: ignore[return-value]


def _endpoint_from_view_func(view_func: cabc.Callable[..., t.Any]) -> str:
    if view_func is None:
        raise TypeError("expected view func if endpoint is not provided.")
    return view_func.__name__


def get_root_path(import_name: str) -> str:
    """Return the folder of the module or package ``import_name``.

    Falls back to the current working directory for an interactive session.
    """
    module = sys.modules.get(import_name)
    if module is not None and getattr(module, "__file__", None) is not None:
        return os.path.dirname(os.path.abspath(t.cast(str, module.__file__)))
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin in (None, "namespace"):
        if spec is not None and spec.submodule_search_locations:
            return os.path.abspath(next(iter(spec.submodule_search_locations)))
        if import_name == "__main__" or spec is None:
            return os.getcwd()
        raise RuntimeError(
            f"No root path can be found for the provided module {import_name!r}."
            " This can happen because the module came from an import hook that"
            " does not provide file name information or because it's a namespace"
            " package. In this case the root path needs to be explicitly provided."
        )
    return os.path.dirname(os.path.abspath(spec.origin))


class Scaffold:
    """Routes, hooks, error handlers and resources common to apps and blueprints.

    :param import_name: the module or package the object is defined in.
    :param static_folder: the folder of static files, relative to ``root_path``.
    :param static_url_path: the URL prefix of static files.
    :param template_folder: the folder of templates, relative to ``root_path``.
    :param root_path: the folder resources are relative to.
    """

    name: str
    _static_folder: str | None = None
    _static_url_path: str | None = None

    def __init__(
        self,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        root_path: str | None = None,
    ) -> None:
        self.import_name = import_name
        self.static_folder = static_folder
        self.static_url_path = static_url_path
        self.template_folder = template_folder
        if root_path is None:
            root_path = get_root_path(self.import_name)
        self.root_path = root_path
        self.view_functions: dict[str, cabc.Callable[..., t.Any]] = {}
        self.error_handler_spec: ErrorHandlerSpec = defaultdict(
            lambda: defaultdict(dict)
        )
        self.before_request_funcs: dict[str | None, list[cabc.Callable[[], t.Any]]] = (
            defaultdict(list)
        )
        self.after_request_funcs: dict[
            str | None, list[cabc.Callable[[Response], Response]]
        ] = defaultdict(list)
        self.teardown_request_funcs: dict[
            str | None, list[cabc.Callable[[BaseException | None], None]]
        ] = defaultdict(list)
        self.template_context_processors: dict[
            str | None, list[cabc.Callable[[], dict[str, t.Any]]]
        ] = defaultdict(list)
        self.url_value_preprocessors: dict[
            str | None,
            list[cabc.Callable[[str | None, dict[str, t.Any] | None], None]],
        ] = defaultdict(list)
        self.url_default_functions: dict[
            str | None, list[cabc.Callable[[str, dict[str, t.Any]], None]]
        ] = defaultdict(list)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"

    def _check_setup_finished(self, f_name: str) -> None:
        raise NotImplementedError

    # -- resources ------------------------------------------------------------

    @property
    def static_folder(self) -> str | None:
        """The absolute path of the static folder, if there is one."""
        if self._static_folder is not None:
            return os.path.join(self.root_path, self._static_folder)
        return None

    @static_folder.setter
    def static_folder(self, value: str | os.PathLike[str] | None) -> None:
        if value is not None:
            value = os.fspath(value).rstrip(r"\/")
        self._static_folder = value

    @property
    def has_static_folder(self) -> bool:
        """Whether a static folder is configured."""
        return self.static_folder is not None

    @property
    def static_url_path(self) -> str | None:
        """The URL prefix of the static route (``/static`` by default)."""
        if self._static_url_path is not None:
            return self._static_url_path
        if self.static_folder is not None:
            basename = os.path.basename(self.static_folder)
            return f"/{basename}".rstrip("/")
        return None

    @static_url_path.setter
    def static_url_path(self, value: str | None) -> None:
        if value is not None:
            value = value.rstrip("/")
        self._static_url_path = value

    @cached_property
    def jinja_loader(self) -> BaseLoader | None:
        """A file-system loader for ``template_folder``, if one is set."""
        if self.template_folder is not None:
            from jinja2 import FileSystemLoader

            return FileSystemLoader(os.path.join(self.root_path, self.template_folder))
        return None

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        """The ``max_age`` for static files: ``SEND_FILE_MAX_AGE_DEFAULT``."""
        from .globals import current_app

        value = current_app.config["SEND_FILE_MAX_AGE_DEFAULT"]
        if value is None:
            return None
        if hasattr(value, "total_seconds"):
            return int(value.total_seconds())
        return int(value)

    def send_static_file(self, filename: str) -> Response:
        """The view of the static route: send ``filename`` from the static folder.

        :raises RuntimeError: no static folder is configured.
        """
        if not self.has_static_folder:
            raise RuntimeError("'static_folder' must be set to serve static_files.")
        from .helpers import send_from_directory

        max_age = self.get_send_file_max_age(filename)
        return send_from_directory(
            t.cast(str, self.static_folder), filename, max_age=max_age
        )

    def open_resource(
        self, resource: str, mode: str = "rb", encoding: str | None = None
    ) -> t.IO[t.Any]:
        """Open a file relative to :attr:`root_path` for reading.

        :raises ValueError: ``mode`` is not a read mode.
        """
        if mode not in {"r", "rt", "rb"}:
            raise ValueError("Resources can only be opened for reading.")
        path = os.path.join(self.root_path, resource)
        if mode == "rb":
            return open(path, mode)
        return open(path, mode, encoding=encoding)

    @cached_property
    def cli(self) -> click.Group:
        """The click group for this object's commands (an
        :class:`~erlen.cli.AppGroup`: commands run in an app context)."""
        from .cli import AppGroup

        return AppGroup()

    # -- routing --------------------------------------------------------------

    def _method_route(
        self, method: str, rule: str, options: dict[str, t.Any]
    ) -> cabc.Callable[[_F], _F]:
        if "methods" in options:
            raise TypeError("Use the 'route' decorator to use the 'methods' argument.")
        return self.route(rule, methods=[method], **options)

    @setupmethod
    def get(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """``route(rule, methods=["GET"])``."""
        return self._method_route("GET", rule, options)

    @setupmethod
    def post(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """``route(rule, methods=["POST"])``."""
        return self._method_route("POST", rule, options)

    @setupmethod
    def put(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """``route(rule, methods=["PUT"])``."""
        return self._method_route("PUT", rule, options)

    @setupmethod
    def delete(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """``route(rule, methods=["DELETE"])``."""
        return self._method_route("DELETE", rule, options)

    @setupmethod
    def patch(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """``route(rule, methods=["PATCH"])``."""
        return self._method_route("PATCH", rule, options)

    @setupmethod
    def route(self, rule: str, **options: t.Any) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as the view of URL ``rule``.

        :param rule: the URL rule, for example ``"/items/<int:id>"``.
        :param options: ``endpoint``, ``methods`` and the other
            :meth:`add_url_rule` / :class:`~erlen.routing.Rule` options.
        """

        def decorator(f: _F) -> _F:
            endpoint = options.pop("endpoint", None)
            self.add_url_rule(rule, endpoint, f, **options)
            return f

        return decorator

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: cabc.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Register a URL rule (implemented by the app and by blueprints)."""
        raise NotImplementedError

    @setupmethod
    def endpoint(self, endpoint: str) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as the view of ``endpoint``."""

        def decorator(f: _F) -> _F:
            self.view_functions[endpoint] = f
            return f

        return decorator

    # -- hooks ----------------------------------------------------------------

    @setupmethod
    def before_request(self, f: _F) -> _F:
        """Run ``f()`` before each request; a non-``None`` return is the response."""
        self.before_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def after_request(self, f: _F) -> _F:
        """Run ``f(response)`` after each request; it returns the response."""
        self.after_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def teardown_request(self, f: _F) -> _F:
        """Run ``f(error)`` when the request context is popped, even after errors."""
        self.teardown_request_funcs.setdefault(None, []).append(f)
        return f

    @setupmethod
    def context_processor(self, f: _F) -> _F:
        """Add ``f()``'s returned dict to every template context."""
        self.template_context_processors[None].append(f)
        return f

    @setupmethod
    def url_value_preprocessor(self, f: _F) -> _F:
        """Run ``f(endpoint, view_args)`` before the before-request hooks."""
        self.url_value_preprocessors[None].append(f)
        return f

    @setupmethod
    def url_defaults(self, f: _F) -> _F:
        """Run ``f(endpoint, values)`` when building URLs, to fill in values."""
        self.url_default_functions[None].append(f)
        return f

    # -- errors ---------------------------------------------------------------

    @setupmethod
    def errorhandler(
        self, code_or_exception: type[Exception] | int
    ) -> cabc.Callable[[_F], _F]:
        """Register the decorated function to handle an exception class or code."""

        def decorator(f: _F) -> _F:
            self.register_error_handler(code_or_exception, f)
            return f

        return decorator

    @setupmethod
    def register_error_handler(
        self,
        code_or_exception: type[Exception] | int,
        f: cabc.Callable[..., t.Any],
    ) -> None:
        """Register ``f`` to handle an exception class or HTTP status code."""
        exc_class, code = self._get_exc_class_and_code(code_or_exception)
        self.error_handler_spec[None][code][exc_class] = f

    @staticmethod
    def _get_exc_class_and_code(
        exc_class_or_code: type[Exception] | int,
    ) -> tuple[type[Exception], int | None]:
        exc_class: type[Exception]
        if isinstance(exc_class_or_code, int):
            try:
                exc_class = default_exceptions[exc_class_or_code]
            except KeyError:
                raise ValueError(
                    f"'{exc_class_or_code}' is not a recognized HTTP"
                    " error code. Use a subclass of HTTPException with"
                    " that code instead."
                ) from None
        else:
            exc_class = exc_class_or_code
        if isinstance(exc_class, Exception):
            raise TypeError(
                f"{exc_class!r} is an instance, not a class. Handlers"
                " can only be registered for Exception classes or HTTP"
                " error codes."
            )
        if not issubclass(exc_class, Exception):
            raise ValueError(
                f"'{exc_class.__name__}' is not a subclass of Exception."
                " Handlers can only be registered for Exception classes"
                " or HTTP error codes."
            )
        if issubclass(exc_class, HTTPException):
            return exc_class, exc_class.code
        return exc_class, None


def _default_template_ctx_processor() -> dict[str, t.Any]:
    """Offer ``g`` and ``request`` to templates.

    Each name is only added when its context is active, so a template rendered
    inside a bare application context sees ``g`` but no ``request``.
    """
    rv: dict[str, t.Any] = {}
    add_default_template_names(rv)
    return rv


def add_default_template_names(context: dict[str, t.Any]) -> None:
    """Add what :func:`_default_template_ctx_processor` offers to ``context``,
    in place, keeping the names it already has (values passed to render win)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None and "g" not in context:
        context["g"] = app_ctx.g
    req_ctx = _cv_request.get(None)
    if req_ctx is not None and "request" not in context:
        # COMPAT: as in Flask 3.1, ``session`` reaches templates as a Jinja
        # global (the proxy), not through this processor.
        context["request"] = req_ctx.request


# COMPAT: the file extensions Flask autoescapes.
_AUTOESCAPE_EXTENSIONS = (".html", ".htm", ".xml", ".xhtml", ".svg")


def select_jinja_autoescape(filename: str | None) -> bool:
    """Decide whether a template is autoescaped, from its file name.

    Templates from strings (``filename`` is ``None``) and files ending in
    ``.html``, ``.htm``, ``.xml``, ``.xhtml`` or ``.svg`` are autoescaped.

    :param filename: the template's name, or ``None`` for string templates.
    """
    if filename is None:
        return True
    return filename.endswith(_AUTOESCAPE_EXTENSIONS)


def find_package(import_name: str) -> tuple[str | None, str]:
    """Return ``(installation prefix or None, package path)`` for ``import_name``.

    The prefix is set when the package is installed into ``site-packages`` (or a
    similar prefix), which decides where the instance folder lives.
    """
    root_mod_name, _, _ = import_name.partition(".")
    package_path = get_root_path(root_mod_name)
    if _is_package(root_mod_name):
        package_path = os.path.dirname(package_path)
    py_prefix = os.path.abspath(sys.prefix)
    if pathlib.PurePath(package_path).is_relative_to(py_prefix):
        return py_prefix, package_path
    site_parent, site_folder = os.path.split(package_path)
    if site_folder.lower() == "site-packages":
        parent, folder = os.path.split(site_parent)
        if folder.lower() == "lib":
            return parent, package_path
        if os.path.basename(parent).lower() == "lib":
            return os.path.dirname(parent), package_path
        return site_parent, package_path
    return None, package_path


def _is_package(name: str) -> bool:
    """Whether the top-level module ``name`` is a package, imported or not."""
    module = sys.modules.get(name)
    if module is not None:
        return hasattr(module, "__path__")
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return False
    return spec is not None and spec.submodule_search_locations is not None
